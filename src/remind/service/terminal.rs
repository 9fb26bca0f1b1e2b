//! "Start now": a terminal that runs the routine, opened the way the
//! settings or the platform say.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::config::Config;
use crate::remind::Error;

/// The platform's usual way to open a terminal running a command, before
/// the command itself.
fn default_terminal() -> Option<Vec<String>> {
    if cfg!(target_os = "macos") {
        return None;
    }
    if cfg!(windows) {
        return Some(vec![
            "cmd".into(),
            "/c".into(),
            "start".into(),
            // `start` takes its first quoted word as the window's title; an
            // empty one (passed as "") keeps the program's path from
            // being taken for it.
            String::new(),
        ]);
    }
    if let Some(terminal) = std::env::var_os("TERMINAL").filter(|t| !t.is_empty()) {
        return Some(vec![terminal.to_string_lossy().into_owned(), "-e".into()]);
    }
    let on_path = |name: &str| {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
    };
    [
        ("x-terminal-emulator", "-e"),
        ("gnome-terminal", "--"),
        ("konsole", "-e"),
        ("xfce4-terminal", "-x"),
        ("kitty", "--"),
        ("alacritty", "-e"),
        ("xterm", "-e"),
    ]
    .into_iter()
    .find(|(name, _)| on_path(name))
    .map(|(name, flag)| vec![name.to_owned(), flag.to_owned()])
}

/// The command "Start now" opens a terminal with, before the program and
/// its arguments: the `terminal` setting, else the platform's usual one.
/// `None` where none is found (on macOS: Terminal.app, through osascript).
pub fn start_now_command(config: &Config) -> Option<Vec<String>> {
    config
        .terminal
        .clone()
        .filter(|words| !words.is_empty())
        .or_else(default_terminal)
}

/// The AppleScript that opens Terminal.app on `exe run routine`: each word
/// is quoted for the shell, then the whole line for an AppleScript string.
fn terminal_app_script(exe: &str, routine: &str) -> String {
    let shell = |word: &str| format!("'{}'", word.replace('\'', "'\\''"));
    let line = format!("{} run {}", shell(exe), shell(routine));
    format!(
        "tell application \"Terminal\" to do script \"{}\"",
        line.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

/// Opens a terminal that runs `nocturne run ROUTINE`; says which.
pub fn start_in_terminal(routine: &str, config: &Config) -> Result<String, Error> {
    let exe: PathBuf = std::env::current_exe().map_err(Error::NoExe)?;
    let mut command = match config.terminal.clone().or_else(default_terminal) {
        Some(terminal) => {
            let mut command = Command::new(&terminal[0]);
            command
                .args(&terminal[1..])
                .arg(&exe)
                .args(["run", routine]);
            command
        }
        None if cfg!(target_os = "macos") => {
            let script = terminal_app_script(&exe.display().to_string(), routine);
            let mut command = Command::new("osascript");
            command.args(["-e", &script]);
            command
        }
        None => {
            return Err(Error::NoTerminal);
        }
    };
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|source| Error::Launch {
            program: program.clone(),
            source,
        })?;
    // Reap it when it ends, so it leaves nothing behind.
    std::thread::spawn(move || child.wait());
    Ok(format!("in {program}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_app_gets_every_character_of_the_command_through() {
        assert_eq!(
            terminal_app_script("/Apps/no\"c turne", "it's \\mine.toml"),
            r#"tell application "Terminal" to do script "'/Apps/no\"c turne' run 'it'\\''s \\mine.toml'""#
        );
    }
}
