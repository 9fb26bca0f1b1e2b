//! Helpers shared by the integration tests: the real binary, run with its
//! own scratch config and data folders so nothing of the user's is touched.

#![allow(dead_code, clippy::unwrap_used)]

pub mod audio;
pub mod bus;

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
