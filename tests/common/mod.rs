//! Helpers shared by the integration tests: the real binary, run with its
//! own scratch config and data folders so nothing of the user's is touched.

#![allow(dead_code, clippy::unwrap_used)]

pub mod audio;
pub mod bus;
pub mod trial;

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

pub struct Home {
    pub dir: TempDir,
}

impl Home {
    /// A scratch home whose ALSA default device does not exist, so tests
    /// that are not about sound never make any, whatever the machine has.
    pub fn new() -> Home {
        let home = Home {
            dir: tempfile::tempdir().expect("a scratch folder"),
        };
        home.sound_to(NO_DEVICE);
        home
    }

    /// Sets this home's ALSA configuration.
    pub fn sound_to(&self, asoundrc: &str) {
        std::fs::write(self.dir.path().join(".asoundrc"), asoundrc).unwrap();
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes a user routine into the routines folder.
    pub fn user_routine(&self, name: &str, text: &str) -> PathBuf {
        let dir = self.config().join("routines");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.toml"));
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, text).unwrap();
        path
    }

    /// The binary, with this home's folders and a plain environment.
    pub fn nocturne(&self) -> Command {
        let mut cmd = Command::new(bin());
        // No desktop either: a session bus that does not exist, unless a
        // test starts one of its own.
        let no_bus = format!("unix:path={}", self.dir.path().join("no-bus").display());
        cmd.env("HOME", self.dir.path())
            .env("DBUS_SESSION_BUS_ADDRESS", no_bus)
            .env("XDG_RUNTIME_DIR", self.dir.path())
            .env("NOCTURNE_CONFIG_DIR", self.config())
            .env("NOCTURNE_DATA_DIR", self.data())
            .env("NOCTURNE_CACHE_DIR", self.cache())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env("TERM", "xterm-256color");
        cmd
    }
}

/// An ALSA default device that cannot be opened.
pub const NO_DEVICE: &str = "pcm.!default { type hw card \"nocturne_no_such_card\" }\n";

/// The line `run` prints when there is no desktop to notify.
pub const NOTIFY_OFF: &str =
    "nocturne: notifications are off: there is no desktop session bus (D-Bus)\n";

/// The line `run` prints when it cannot make sound.
pub const SOUND_OFF: &str = "nocturne: sound is off: no audio device is available\n";

/// How a run of `SHORT` to its end finishes on standard error.
pub const SHORT_FINISHED: &str = "Finished in 0:12: 2 of 2 steps done.
Well done. Settle in, keep the covers loose, and sleep well.
";

/// The note the first session of a home with a settings file starts with.
pub const NOTE: &str = "nocturne guides general self-care stretches; it does not diagnose or treat.
See a doctor about cramps that are severe, frequent, or that come with
swelling, redness, numbness or weakness. (This note appears once.)

";

/// The line that points a user with no settings file to `nocturne setup`.
pub const SETUP_SUGGESTION: &str = "New here? `nocturne setup` chooses tonight's routine, the volume and reminders with you in two minutes.

";

/// How the first session of a test home (no settings file) starts: the
/// note, then the suggestion of setup.
pub const DISCLAIMER: &str = concat!(
    "nocturne guides general self-care stretches; it does not diagnose or treat.
See a doctor about cramps that are severe, frequent, or that come with
swelling, redness, numbness or weakness. (This note appears once.)

",
    "New here? `nocturne setup` chooses tonight's routine, the volume and reminders with you in two minutes.

"
);

/// How standard error starts in a test home's first session, where there
/// is no settings file: the note and the suggestion of setup, then the
/// notices of sound (unless muted) and notifications.
pub fn first_session(muted: bool) -> String {
    let sound = if muted { "" } else { SOUND_OFF };
    format!("{DISCLAIMER}{sound}{NOTIFY_OFF}")
}

/// The same in a home with a settings file: setup is not suggested.
pub fn first_session_with_settings(muted: bool) -> String {
    let sound = if muted { "" } else { SOUND_OFF };
    format!("{NOTE}{sound}{NOTIFY_OFF}")
}

pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_nocturne"))
}

pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A short routine for sessions in tests: 1 s lead-in, then
/// A (2 x 2 s holds, 1 s relax, 1 s rest) and B (2 s per side, 1 s switch).
pub const SHORT: &str = r#"
name = "Short test routine"
description = "For tests"
lead_in = 1

[[steps]]
name = "Step A"
hold = 2
reps = 2
relax = 1
rest = 1
instructions = "Do A."

[[steps]]
name = "Step B"
kind = "massage"
hold = 2
sides = "both"
switch = 1
"#;

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Settings whose voice is the stand-in engine (tests/support/fake_voice.py),
/// with `extra` arguments: it notes each phrase it is given, and says it as
/// a pure tone.
pub fn stand_in_voice(home: &Home, extra: &[&str]) {
    let mut words = vec![
        repo("tests/support/fake_voice.py").display().to_string(),
        "--wav={wav}".to_owned(),
        "--text={text}".to_owned(),
        format!("--log={}", home.path("spoken.log").display()),
    ];
    words.extend(extra.iter().map(|w| (*w).to_owned()));
    let list: Vec<String> = words.iter().map(|w| format!("{w:?}")).collect();
    home.write(
        "config/config.toml",
        &format!("voice_command = [{}]\n", list.join(", ")),
    );
}

/// The phrases the stand-in engine was given, in order.
pub fn voice_log(home: &Home) -> Vec<String> {
    std::fs::read_to_string(home.path("spoken.log"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The tone the stand-in engine says `text` with.
pub fn voice_tone(text: &str) -> f64 {
    let sum: u32 = text.bytes().map(u32::from).sum();
    300.0 + 10.0 * f64::from(sum % 200)
}

/// Each line of JSON output, parsed.
pub fn events(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// An editor that is a script: each time it is called it writes the next
/// of `versions` over the file it is given (counting calls in `dir`).
pub fn scripted_editor(dir: &Path, versions: &[&str]) -> String {
    std::fs::create_dir_all(dir).unwrap();
    for (i, text) in versions.iter().enumerate() {
        std::fs::write(dir.join(format!("version-{i}")), text).unwrap();
    }
    let script = dir.join("editor.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nn=$(cat '{d}/calls' 2>/dev/null || echo 0)\ncp '{d}/version-'$n \"$1\"\necho $((n + 1)) > '{d}/calls'\n",
            d = dir.display()
        ),
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(&script)
        .status()
        .unwrap();
    script.display().to_string()
}

/// One run of the binary, and everything a user sees of it: the exit
/// status, standard output and standard error are each checked by `run`.
/// Unless a test says otherwise, the status is 0, both streams are empty
/// and standard input is empty (never the terminal the tests started in).
pub struct Test {
    cmd: Command,
    stdin: Vec<u8>,
    status: i32,
    stdout: Vec<Rule>,
    stderr: Vec<Rule>,
}

/// One thing a stream must be or hold.
enum Rule {
    Is(String),
    Has(String),
    Lacks(String),
    StartsWith(String),
    EndsWith(String),
    Check(Box<dyn Fn(&str)>),
}

/// What a run wrote, once `run` has checked it.
pub struct Ran {
    pub stdout: String,
    pub stderr: String,
}

impl Home {
    /// This home's journal, as `journal export --format json` gives it.
    pub fn journal(&self) -> serde_json::Value {
        let out = self
            .test()
            .args(["journal", "export", "--format", "json"])
            .stdout_starts("{")
            .run();
        serde_json::from_str(&out.stdout).unwrap()
    }

    /// A run of the binary in this home, to be checked by `Test::run`.
    pub fn test(&self) -> Test {
        Test::new(self.nocturne())
    }
}

impl Test {
    /// A run of `cmd` (the binary, set up by the caller).
    pub fn new(cmd: Command) -> Test {
        Test {
            cmd,
            stdin: Vec::new(),
            status: 0,
            stdout: Vec::new(),
            stderr: Vec::new(),
        }
    }

    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Test {
        self.cmd.arg(arg);
        self
    }

    pub fn args<S: AsRef<std::ffi::OsStr>>(mut self, args: impl IntoIterator<Item = S>) -> Test {
        self.cmd.args(args);
        self
    }

    pub fn env(
        mut self,
        key: impl AsRef<std::ffi::OsStr>,
        value: impl AsRef<std::ffi::OsStr>,
    ) -> Test {
        self.cmd.env(key, value);
        self
    }

    pub fn stdin(mut self, text: &str) -> Test {
        self.stdin = text.as_bytes().to_vec();
        self
    }

    pub fn status(mut self, code: i32) -> Test {
        self.status = code;
        self
    }

    /// Standard output is exactly `text`.
    pub fn stdout(mut self, text: impl Into<String>) -> Test {
        self.stdout.push(Rule::Is(text.into()));
        self
    }

    /// Standard output holds `text` somewhere.
    pub fn stdout_has(mut self, text: impl Into<String>) -> Test {
        self.stdout.push(Rule::Has(text.into()));
        self
    }

    pub fn stdout_starts(mut self, text: impl Into<String>) -> Test {
        self.stdout.push(Rule::StartsWith(text.into()));
        self
    }

    pub fn stdout_ends(mut self, text: impl Into<String>) -> Test {
        self.stdout.push(Rule::EndsWith(text.into()));
        self
    }

    /// Standard output passes the assertions of `check`.
    pub fn stdout_with(mut self, check: impl Fn(&str) + 'static) -> Test {
        self.stdout.push(Rule::Check(Box::new(check)));
        self
    }

    /// Standard error is exactly `text`.
    pub fn stderr(mut self, text: impl Into<String>) -> Test {
        self.stderr.push(Rule::Is(text.into()));
        self
    }

    /// Standard error holds `text` somewhere.
    pub fn stderr_has(mut self, text: impl Into<String>) -> Test {
        self.stderr.push(Rule::Has(text.into()));
        self
    }

    /// Standard error does not hold `text`.
    pub fn stderr_lacks(mut self, text: impl Into<String>) -> Test {
        self.stderr.push(Rule::Lacks(text.into()));
        self
    }

    pub fn stderr_starts(mut self, text: impl Into<String>) -> Test {
        self.stderr.push(Rule::StartsWith(text.into()));
        self
    }

    pub fn stderr_ends(mut self, text: impl Into<String>) -> Test {
        self.stderr.push(Rule::EndsWith(text.into()));
        self
    }

    /// Standard error passes the assertions of `check`.
    pub fn stderr_with(mut self, check: impl Fn(&str) + 'static) -> Test {
        self.stderr.push(Rule::Check(Box::new(check)));
        self
    }

    /// Runs the binary to its end and checks the status and both streams.
    #[track_caller]
    pub fn run(mut self) -> Ran {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = self
            .cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let mut input = child.stdin.take().unwrap();
        let stdin = std::mem::take(&mut self.stdin);
        // Written from a thread, so a program that does not read all of it
        // cannot leave both sides waiting.
        let writer = std::thread::spawn(move || {
            let _ = input.write_all(&stdin);
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        let ran = Ran {
            stdout: stdout(&out),
            stderr: stderr(&out),
        };
        let args: Vec<_> = self.cmd.get_args().collect();
        let seen = format!(
            "nocturne {args:?}\n--- status: {:?}\n--- stdout:\n{}\n--- stderr:\n{}",
            out.status.code(),
            ran.stdout,
            ran.stderr
        );
        assert_eq!(out.status.code(), Some(self.status), "{seen}");
        check("stdout", &ran.stdout, &self.stdout, &seen);
        check("stderr", &ran.stderr, &self.stderr, &seen);
        ran
    }
}

/// Applies `rules` to a stream; unless a rule says what is there (not
/// only what is not), it must be empty.
#[track_caller]
fn check(name: &str, text: &str, rules: &[Rule], seen: &str) {
    if rules.iter().all(|rule| matches!(rule, Rule::Lacks(_))) {
        assert_eq!(text, "", "{name} should be empty\n{seen}");
    }
    for rule in rules {
        match rule {
            Rule::Is(want) => assert_eq!(text, want, "{name}\n{seen}"),
            Rule::Has(want) => assert!(text.contains(want), "{name} lacks {want:?}\n{seen}"),
            Rule::Lacks(not) => assert!(!text.contains(not), "{name} holds {not:?}\n{seen}"),
            Rule::StartsWith(want) => {
                assert!(
                    text.starts_with(want),
                    "{name} starts not with {want:?}\n{seen}"
                )
            }
            Rule::EndsWith(want) => {
                assert!(
                    text.ends_with(want),
                    "{name} ends not with {want:?}\n{seen}"
                )
            }
            Rule::Check(check) => check(text),
        }
    }
}
