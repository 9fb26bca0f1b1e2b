//! Speech engines: programs that turn a phrase into a WAV file. The phrase
//! is always an argument of its own (or the program's standard input),
//! never a line for a shell, so a step name with quotes, `;` or `$(...)`
//! is spoken, not run.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one phrase may take to render.
pub const LIMIT: Duration = Duration::from_secs(10);

/// espeak-ng's words per minute: a little slower than its usual 175, for
/// a calm voice at night.
const PACE: &str = "145";

/// A program that writes speech to a WAV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Engine {
    /// The program, as named or found on PATH.
    pub program: PathBuf,
    /// Its arguments, where `{text}` and `{wav}` stand for the phrase and
    /// the file to write.
    pub args: Vec<String>,
    /// How messages name it: "espeak-ng (voice en-gb)".
    pub label: String,
    /// A script the program runs, written to the cache folder before the
    /// first phrase (Windows' speech, which PowerShell reaches).
    pub script: Option<(&'static str, &'static str)>,
}

impl Engine {
    /// The user's own command, from `voice_command`.
    pub fn command(words: &[String]) -> Option<Engine> {
        let (program, args) = words.split_first()?;
        let short = Path::new(program)
            .file_name()
            .map_or(program.clone(), |n| n.to_string_lossy().into_owned());
        Some(Engine {
            program: PathBuf::from(program),
            args: args.to_vec(),
            label: format!("voice_command {}", crate::diag::short(&short)),
            script: None,
        })
    }

    /// The first engine found on PATH, speaking with `voice` when given.
    pub fn find(voice: Option<&str>) -> Option<Engine> {
        let path = std::env::var_os("PATH")?;
        let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
        let found = |name: &str| dirs.iter().find_map(|dir| runnable(&dir.join(name)));
        let label = |name: &str| match voice {
            Some(v) => format!("{name} (voice {v})"),
            None => format!("{name} (default voice)"),
        };
        let with_voice = |mut args: Vec<String>, at: usize| {
            if let Some(v) = voice {
                args.insert(at, v.to_owned());
                args.insert(at, "-v".to_owned());
            }
            args
        };
        if cfg!(target_os = "macos")
            && let Some(program) = found("say")
        {
            let args = ["-o", "{wav}", "--data-format=LEI16@22050", "--", "{text}"]
                .map(str::to_owned)
                .to_vec();
            return Some(Engine {
                program,
                args: with_voice(args, 3),
                label: label("say"),
                script: None,
            });
        }
        for name in ["espeak-ng", "espeak"] {
            let program = found(name).or_else(|| found(&format!("{name}.exe")));
            if let Some(program) = program {
                let args = ["-s", PACE, "-w", "{wav}", "--", "{text}"]
                    .map(str::to_owned)
                    .to_vec();
                return Some(Engine {
                    program,
                    args: with_voice(args, 0),
                    label: label(name),
                    script: None,
                });
            }
        }
        if cfg!(windows)
            && let Some(program) = found("powershell.exe").or_else(|| found("pwsh.exe"))
        {
            let mut args = [
                "-NoProfile",
                "-NonInteractive",
                "-ExecutionPolicy",
                "Bypass",
                "-File",
                "{script}",
                "{wav}",
                "{text}",
            ]
            .map(str::to_owned)
            .to_vec();
            args.push(voice.unwrap_or("").to_owned());
            return Some(Engine {
                program,
                args,
                label: label("Windows speech"),
                script: Some(("speak.ps1", WINDOWS_SCRIPT)),
            });
        }
        None
    }

    /// The program can be run: a path to a runnable file, or a name found
    /// on PATH. (An engine found on PATH always can; a `voice_command`
    /// may name a program that is not there.)
    pub fn runs(&self) -> bool {
        on_path_or_at(&self.program)
    }

    /// What tells this engine's output apart from another's, for the
    /// cache: the program and its arguments as written.
    pub fn identity(&self) -> String {
        let mut id = self.program.to_string_lossy().into_owned();
        for arg in &self.args {
            id.push('\0');
            id.push_str(arg);
        }
        id
    }

    /// Renders `text` into `wav`, within `LIMIT`. The engine's own output
    /// is read and set aside; what went wrong comes back in one line.
    pub fn render(&self, text: &str, wav: &Path, folder: &Path) -> Result<(), String> {
        let script = match self.script {
            Some((name, body)) => {
                let path = folder.join(name);
                std::fs::write(&path, body).map_err(|e| {
                    format!(
                        "{} could not be prepared: {}",
                        self.label,
                        crate::util::io_reason(&e)
                    )
                })?;
                Some(path)
            }
            None => None,
        };
        let wav_text = wav.to_string_lossy();
        let script_text = script.as_ref().map(|p| p.to_string_lossy().into_owned());
        let spoken_in_args = self.args.iter().any(|a| a.contains("{text}"));
        let args: Vec<String> = self
            .args
            .iter()
            .map(|arg| fill(arg, text, &wav_text, script_text.as_deref().unwrap_or("")))
            .collect();
        let mut child = Command::new(&self.program)
            .args(&args)
            .stdin(if spoken_in_args {
                Stdio::null()
            } else {
                Stdio::piped()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                format!(
                    "{} could not be started: {}",
                    self.label,
                    crate::util::io_reason(&e)
                )
            })?;
        if let Some(mut input) = child.stdin.take() {
            let text = format!("{text}\n");
            std::thread::spawn(move || {
                let _ = input.write_all(text.as_bytes());
            });
        }
        // Read on threads of their own, so an engine that writes much
        // never waits on a full pipe; kept only to be set aside.
        for out in [
            child
                .stdout
                .take()
                .map(|o| Box::new(o) as Box<dyn Read + Send>),
            child
                .stderr
                .take()
                .map(|e| Box::new(e) as Box<dyn Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut out.take(1 << 20), &mut std::io::sink());
            });
        }
        // An engine's time limit is not session timing; the clock is read
        // directly here.
        #[allow(clippy::disallowed_methods)]
        let started = Instant::now();
        loop {
            match child.try_wait() {
                Ok(Some(status)) if status.success() => return Ok(()),
                Ok(Some(status)) => {
                    return Err(match status.code() {
                        Some(code) => format!("{} failed (exit status {code})", self.label),
                        None => format!("{} was stopped by a signal", self.label),
                    });
                }
                Ok(None) if started.elapsed() < LIMIT => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Ok(None) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!(
                        "{} did not finish within {} s",
                        self.label,
                        LIMIT.as_secs()
                    ));
                }
                Err(e) => {
                    let _ = child.kill();
                    return Err(format!(
                        "{} could not be followed: {}",
                        self.label,
                        crate::util::io_reason(&e)
                    ));
                }
            }
        }
    }
}

/// An argument with `{text}`, `{wav}` and `{script}` put in, read from
/// left to right once, so a phrase that holds `{wav}` stays as it is.
pub fn fill(arg: &str, text: &str, wav: &str, script: &str) -> String {
    let mut out = String::with_capacity(arg.len() + text.len());
    let mut rest = arg;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let (value, len) = if tail.starts_with("{text}") {
            (text, 6)
        } else if tail.starts_with("{wav}") {
            (wav, 5)
        } else if tail.starts_with("{script}") {
            (script, 8)
        } else {
            ("{", 1)
        };
        out.push_str(value);
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

/// The file at `path`, if it is a program that can be run.
/// `program` is a runnable file, named by its path or found on PATH.
pub fn on_path_or_at(program: &Path) -> bool {
    if program.components().count() > 1 {
        return runnable(program).is_some();
    }
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            runnable(&dir.join(program)).is_some()
                || (cfg!(windows) && runnable(&dir.join(program).with_extension("exe")).is_some())
        })
    })
}

fn runnable(path: &Path) -> Option<PathBuf> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o111 == 0 {
            return None;
        }
    }
    Some(path.to_path_buf())
}

/// Windows' own speech, through PowerShell: the file and the phrase come
/// as arguments, never as part of the script.
const WINDOWS_SCRIPT: &str = r#"$wav = $args[0]
$text = $args[1]
$voice = $args[2]
Add-Type -AssemblyName System.Speech
$speech = New-Object System.Speech.Synthesis.SpeechSynthesizer
if ($voice) { $speech.SelectVoice($voice) }
$speech.Rate = -1
$speech.SetOutputToWaveFile($wav)
$speech.Speak($text)
$speech.Dispose()
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_once_from_left_to_right() {
        assert_eq!(fill("-w{wav}", "a", "/c/x.wav", ""), "-w/c/x.wav");
        assert_eq!(
            fill("{text}", "say {wav} and {text}", "/x.wav", ""),
            "say {wav} and {text}"
        );
        assert_eq!(fill("--text={text}!", "hi", "w", ""), "--text=hi!");
        assert_eq!(fill("{ {tex", "a", "b", ""), "{ {tex");
    }

    #[test]
    fn a_command_is_named_by_its_program() {
        let engine = Engine::command(&[
            "/opt/piper/piper".to_owned(),
            "--output_file".to_owned(),
            "{wav}".to_owned(),
        ])
        .unwrap();
        assert_eq!(engine.label, "voice_command piper");
        assert_eq!(engine.identity(), "/opt/piper/piper\0--output_file\0{wav}");
        assert!(Engine::command(&[]).is_none());
    }
}
