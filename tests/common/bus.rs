//! A private session bus and a recording notification service on it, so
//! the tests see exactly what nocturne sends to the desktop.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::repo;

/// A bus with no service folders, so no real notification daemon can be
/// started on it by activation.
const CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=SOCKET</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

pub struct Bus {
    pub address: String,
    daemon: Child,
    server: Option<Child>,
    record: PathBuf,
}

impl Bus {
    /// Starts a bus in `dir`, with no notification service yet.
    pub fn start(dir: &Path) -> Bus {
        let config = dir.join("bus.conf");
        let socket = dir.join("bus");
        std::fs::write(
            &config,
            CONFIG.replace("SOCKET", &socket.display().to_string()),
        )
        .unwrap();
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon runs (the CI script installs it)");
        let mut line = String::new();
        BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        Bus {
            address: line.trim().to_owned(),
            daemon,
            server: None,
            record: dir.join("notes.jsonl"),
        }
    }

    /// Starts the recording notification service (see
    /// tests/support/notification_server.py for the modes and options,
    /// as in "press=snooze,broadcast").
    pub fn serve(mut self, mode: &str) -> Bus {
        let mut server = Command::new("/usr/bin/python3")
            .arg(repo("tests/support/notification_server.py"))
            .args([&self.address, &self.record.display().to_string(), mode])
            .stdout(Stdio::piped())
            .spawn()
            .expect("Debian's python3 with python3-dbus runs");
        let mut line = String::new();
        BufReader::new(server.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the notification service started");
        self.server = Some(server);
        self
    }

    fn record(&self) -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(&self.record).unwrap_or_default();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// Every Notify call received so far.
    pub fn notes(&self) -> Vec<serde_json::Value> {
        self.record()
            .into_iter()
            .filter(|line| line.get("summary").is_some())
            .collect()
    }

    /// The ids of the notes the program asked to take down, so far.
    pub fn closed(&self) -> Vec<u64> {
        self.record()
            .iter()
            .filter_map(|line| line.get("closed")?.as_u64())
            .collect()
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        if let Some(server) = &mut self.server {
            let _ = server.kill();
            let _ = server.wait();
        }
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}
