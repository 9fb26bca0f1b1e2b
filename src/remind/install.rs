//! `remind install` and `uninstall`: start the reminder service with the
//! user's session. A systemd user unit on Linux, a launchd agent on macOS;
//! elsewhere, what to do by hand. Where the Debian package has put its own
//! unit for this very program, that unit is enabled instead of a new one.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use super::Error;
use crate::error::Result;

const UNIT_NAME: &str = "nocturne-reminders.service";
const AGENT_NAME: &str = "org.nocturne.reminders";

/// Where the Debian package puts its unit: systemd's folder for the user
/// units of packages, which every user's manager reads, below the user's
/// own folder.
pub const PACKAGED_UNIT: &str = "/usr/lib/systemd/user/nocturne-reminders.service";

/// The systemd user unit that runs `exe remind daemon`, restarting it if
/// it fails. It is wanted by `default.target`, which every user manager
/// reaches, because many desktops never start `graphical-session.target`.
pub fn systemd_unit(exe: &str) -> String {
    // systemd reads `%` as a specifier and `\` and `"` as escapes.
    let exe = exe
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('%', "%%");
    format!(
        "[Unit]
Description=nocturne reminders: a nightly stretch reminder and reminders to drink
After=graphical-session.target

[Service]
Type=simple
ExecStart=\"{exe}\" remind daemon
Restart=on-failure
RestartSec=10

[Install]
WantedBy=default.target
"
    )
}

/// The launchd agent that does the same on macOS.
pub fn launchd_agent(exe: &str) -> String {
    let exe = crate::util::escape_markup(exe);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>{AGENT_NAME}</string>
  <key>ProgramArguments</key>
  <array><string>{exe}</string><string>remind</string><string>daemon</string></array>
  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><dict><key>SuccessfulExit</key><false/></dict>
</dict>
</plist>
"#
    )
}

/// Whether a unit file runs the program at `exe`, as the unit nocturne
/// would write for it does. A packaged unit for another copy of nocturne
/// (a `cargo install` beside the package) is not this program's.
fn runs(unit: &str, exe: &str) -> bool {
    let exec_start = |text: &str| {
        text.lines()
            .find(|line| line.trim_start().starts_with("ExecStart="))
            .map(|line| line.trim().to_owned())
    };
    exec_start(unit).is_some_and(|line| Some(line) == exec_start(&systemd_unit(exe)))
}

/// The packaged unit, if there is one and it runs this program.
fn packaged_unit(exe: &str) -> Option<&'static Path> {
    let path = Path::new(PACKAGED_UNIT);
    std::fs::read_to_string(path)
        .ok()
        .filter(|unit| runs(unit, exe))
        .map(|_| path)
}

fn exe() -> Result<String> {
    std::env::current_exe()
        .map(|p| p.display().to_string())
        .map_err(|e| Error::NoExe(e).into())
}

fn systemd_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("systemd").join("user"))
}

fn agents_dir() -> Option<PathBuf> {
    dirs::home_dir().map(|dir| dir.join("Library").join("LaunchAgents"))
}

/// Runs a service manager command; on failure, says which and why.
fn manage(program: &str, args: &[&str]) -> std::result::Result<(), Error> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|source| Error::Launch {
            program: program.to_owned(),
            source,
        })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(Error::Refused {
            command: format!("{program} {}", args.join(" ")),
            said: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        })
    }
}

/// Starts the service with the user's session; with `only_print`, prints
/// the file that would do it, for `for_exe` if given.
pub fn install(only_print: bool, for_exe: Option<&str>) -> Result<ExitCode> {
    let exe = match for_exe {
        Some(exe) => exe.to_owned(),
        None => exe()?,
    };
    if !only_print
        && cfg!(target_os = "linux")
        && let Some(packaged) = packaged_unit(&exe)
    {
        return enable_packaged(packaged, exe);
    }
    let (text, dir, name, start): (String, Option<PathBuf>, &str, Vec<Vec<&str>>) =
        if cfg!(target_os = "macos") {
            (
                launchd_agent(&exe),
                agents_dir(),
                "org.nocturne.reminders.plist",
                vec![vec!["launchctl", "load", "-w"]],
            )
        } else if cfg!(target_os = "linux") {
            (
                systemd_unit(&exe),
                systemd_dir(),
                UNIT_NAME,
                vec![
                    vec!["systemctl", "--user", "daemon-reload"],
                    vec!["systemctl", "--user", "enable", "--now", UNIT_NAME],
                ],
            )
        } else {
            println!(
                "This system has no service manager nocturne knows. To have reminders, start\n\
                 `{exe} remind daemon` when you log in (for example from your startup\n\
                 programs) and leave it running."
            );
            return Ok(ExitCode::SUCCESS);
        };
    if only_print {
        print!("{text}");
        return Ok(ExitCode::SUCCESS);
    }
    let dir = dir.ok_or(Error::NoHome)?;
    let path = dir.join(name);
    std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::write(&path, &text))
        .map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
    eprintln!("Wrote {}.", path.display());
    let path_text = path.display().to_string();
    let commands: Vec<Vec<&str>> = start
        .into_iter()
        .map(|mut command| {
            if command[0] == "launchctl" {
                command.push(&path_text);
            }
            command
        })
        .collect();
    let commands: Vec<&[&str]> = commands.iter().map(Vec::as_slice).collect();
    start_service(&commands, exe)?;
    eprintln!("The reminder service is running and will start with your session.");
    Ok(ExitCode::SUCCESS)
}

/// Runs the service manager's commands in order. Where one fails, nothing
/// will start the service: the error says so, and how to do it by hand.
fn start_service(commands: &[&[&str]], exe: String) -> Result<()> {
    for command in commands {
        if let Err(why) = manage(command[0], &command[1..]) {
            return Err(Error::NotEnabled {
                source: Box::new(why),
                by_hand: commands.iter().map(|c| c.join(" ")).collect(),
                exe,
            }
            .into());
        }
    }
    Ok(())
}

/// Enables the Debian package's unit rather than writing one. A unit an
/// earlier `remind install` wrote would hide it, so that one goes.
fn enable_packaged(packaged: &Path, exe: String) -> Result<ExitCode> {
    if let Some(own) = systemd_dir().map(|dir| dir.join(UNIT_NAME))
        && own.exists()
    {
        std::fs::remove_file(&own).map_err(|source| Error::Remove {
            path: own.clone(),
            source,
        })?;
        eprintln!(
            "Removed {}, which would hide the packaged unit.",
            own.display()
        );
    }
    let commands: [&[&str]; 2] = [
        // The manager may have started before the package was installed.
        &["systemctl", "--user", "daemon-reload"],
        &["systemctl", "--user", "enable", "--now", UNIT_NAME],
    ];
    start_service(&commands, exe)?;
    eprintln!(
        "Enabled the packaged unit {}, rather than writing a unit of nocturne's own.",
        packaged.display()
    );
    eprintln!("The reminder service is running and will start with your session.");
    Ok(ExitCode::SUCCESS)
}

/// Stops starting the service with the session: removes the unit or agent
/// `install` wrote, or disables the packaged unit, whose file belongs to
/// the package and stays.
pub fn uninstall() -> Result<ExitCode> {
    let (dir, name) = if cfg!(target_os = "macos") {
        (agents_dir(), "org.nocturne.reminders.plist")
    } else {
        (systemd_dir(), UNIT_NAME)
    };
    let Some(path) = dir.map(|d| d.join(name)) else {
        return Err(Error::NoHome.into());
    };
    let packaged = Path::new(PACKAGED_UNIT);
    if !path.exists() && cfg!(target_os = "linux") && packaged.exists() {
        manage("systemctl", &["--user", "disable", "--now", UNIT_NAME])?;
        eprintln!(
            "Disabled the packaged unit {}; reminders no longer start with your session.\n\
             The file stays: it belongs to the nocturne package.",
            packaged.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    if !path.exists() {
        eprintln!(
            "The reminder service was not installed ({} does not exist).",
            path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let stopped = if cfg!(target_os = "macos") {
        manage("launchctl", &["unload", "-w", &path.display().to_string()])
    } else {
        manage("systemctl", &["--user", "disable", "--now", UNIT_NAME])
    };
    if let Err(why) = stopped {
        eprintln!("Could not stop the service ({why}); removing it anyway.");
    }
    std::fs::remove_file(&path).map_err(|source| Error::Remove {
        path: path.clone(),
        source,
    })?;
    if cfg!(target_os = "linux") {
        let _ = manage("systemctl", &["--user", "daemon-reload"]);
    }
    eprintln!(
        "Removed {}; reminders no longer start with your session.",
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The reminder service as the service manager sees it, for `status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceState {
    /// The unit or agent file, where it is or would be.
    pub file: Option<PathBuf>,
    pub installed: bool,
    /// The manager's word for it: "enabled", "disabled", "loaded".
    pub enabled: Option<String>,
    /// The manager's word for it: "active", "inactive", "failed".
    pub running: Option<String>,
    /// Why the manager could not tell.
    pub unknown: Option<String>,
    /// The command that shows the service's last lines.
    pub log: Option<String>,
}

impl ServiceState {
    pub fn is_running(&self) -> bool {
        matches!(self.running.as_deref(), Some("active" | "running"))
    }
}

/// Asks the service manager about the reminder service; changes nothing.
/// The manager is asked only when the service is installed.
pub fn state() -> ServiceState {
    let mut state = ServiceState {
        file: None,
        installed: false,
        enabled: None,
        running: None,
        unknown: None,
        log: None,
    };
    if cfg!(target_os = "macos") {
        state.file = agents_dir().map(|d| d.join("org.nocturne.reminders.plist"));
    } else if cfg!(target_os = "linux") {
        state.file = systemd_dir().map(|d| d.join(UNIT_NAME));
        // The user's own unit hides the packaged one; without it, the
        // packaged one is the service's file, enabled or not.
        if !state.file.as_ref().is_some_and(|f| f.is_file()) && Path::new(PACKAGED_UNIT).is_file() {
            state.file = Some(PathBuf::from(PACKAGED_UNIT));
        }
        state.log = Some(format!("journalctl --user -u {UNIT_NAME} -n 20"));
    } else {
        state.unknown = Some("this system has no service manager nocturne knows".to_owned());
        return state;
    }
    state.installed = state.file.as_ref().is_some_and(|f| f.is_file());
    if !state.installed {
        return state;
    }
    let ask = |program: &str, args: &[&str]| -> Result<(bool, String), String> {
        let out = Command::new(program)
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| format!("{program} could not be run: {}", crate::util::io_reason(&e)))?;
        let said = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if said.is_empty() && !out.status.success() {
            let why = String::from_utf8_lossy(&out.stderr);
            let why = why.lines().next().unwrap_or("no answer").trim();
            return Err(format!("{program} says: {why}"));
        }
        Ok((out.status.success(), said))
    };
    if cfg!(target_os = "macos") {
        match ask("launchctl", &["list", AGENT_NAME]) {
            Ok((true, said)) => {
                state.enabled = Some("loaded".to_owned());
                let running = said.contains("\"PID\"");
                state.running = Some(if running { "running" } else { "not running" }.to_owned());
            }
            Ok((false, _)) => state.enabled = Some("not loaded".to_owned()),
            Err(why) => state.unknown = Some(why),
        }
    } else {
        let word = |verb: &str| {
            ask("systemctl", &["--user", verb, UNIT_NAME])
                .map(|(_, said)| said.lines().next().unwrap_or_default().trim().to_owned())
        };
        match (word("is-enabled"), word("is-active")) {
            (Ok(enabled), Ok(running)) => {
                state.enabled = Some(enabled);
                state.running = Some(running);
            }
            (Err(why), _) | (_, Err(why)) => state.unknown = Some(why),
        }
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_launchd_agent_escapes_the_program_path_as_xml() {
        let agent = launchd_agent("/Users/a&b/<odd> \"dir\"/it's/nocturne");
        assert!(
            agent.contains(
                "<array><string>/Users/a&amp;b/&lt;odd&gt; \"dir\"/it's/nocturne\
                 </string><string>remind</string><string>daemon</string></array>"
            ),
            "{agent}"
        );
        // A plain path is written as it is.
        assert!(
            launchd_agent("/usr/local/bin/nocturne")
                .contains("<string>/usr/local/bin/nocturne</string>")
        );
    }

    #[test]
    fn a_packaged_unit_is_this_programs_only_if_it_runs_this_program() {
        let packaged = systemd_unit("/usr/bin/nocturne");
        assert!(runs(&packaged, "/usr/bin/nocturne"));
        // A `cargo install` beside the package writes its own unit.
        assert!(!runs(&packaged, "/home/ann/.cargo/bin/nocturne"));
        // Spaces around the line do not matter.
        assert!(runs(
            "[Service]\n  ExecStart=\"/usr/bin/nocturne\" remind daemon  \n",
            "/usr/bin/nocturne"
        ));
        assert!(!runs("[Service]\nType=simple\n", "/usr/bin/nocturne"));
    }

    #[test]
    fn the_systemd_unit_escapes_the_program_path() {
        let unit = systemd_unit("/opt/100%/\"q\"\\x/nocturne");
        assert!(
            unit.contains("ExecStart=\"/opt/100%%/\\\"q\\\"\\\\x/nocturne\" remind daemon\n"),
            "{unit}"
        );
    }
}
