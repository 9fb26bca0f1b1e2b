//! Notifications against a real notification daemon: dunst, on a private
//! X display (Xvfb) and a private session bus, each started by the test
//! with its own settings and ended with it. dunst sends a note's answers
//! only to the connection that showed it, and reads markup in bodies.

#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::bus::Bus;
use common::{DISCLAIMER, Home, SHORT, SHORT_FINISHED, Test, stderr, stdout};

/// Polls `found` every 50 ms for up to 60 s: generous, so that a busy
/// machine is waited for rather than failed.
fn wait_for<T>(what: &str, mut found: impl FnMut() -> Option<T>) -> T {
    let limit = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(value) = found() {
            return value;
        }
        assert!(Instant::now() < limit, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// An X display, a session bus and dunst on them, until dropped.
struct Desktop {
    dir: PathBuf,
    display: String,
    bus: Bus,
    xvfb: Child,
    dunst: Child,
}

impl Desktop {
    fn start(home: &Home) -> Desktop {
        let dir = home.path("desktop");
        std::fs::create_dir_all(&dir).unwrap();
        // Xvfb picks a display no one else uses and says which.
        let mut xvfb = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp", "-screen", "0"])
            .arg("800x600x24")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb runs (the CI script installs it)");
        let mut number = String::new();
        BufReader::new(xvfb.stdout.take().unwrap())
            .read_line(&mut number)
            .unwrap();
        assert!(!number.trim().is_empty(), "Xvfb found a display");
        let display = format!(":{}", number.trim());
        let bus = Bus::start(&dir);

        // dunst's context menu is a script that chooses the line holding
        // the words in `want`; its rule records each note it shows.
        let script = |name: &str, text: String| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            Command::new("chmod").arg("+x").arg(&path).status().unwrap();
            path
        };
        let d = dir.display();
        let dmenu = script(
            "dmenu.sh",
            format!(
                "#!/bin/sh\ncat > '{d}/menu.txt'\ngrep -m1 -F \"$(cat '{d}/want')\" '{d}/menu.txt'\n"
            ),
        );
        let record = script(
            "record.sh",
            format!("#!/bin/sh\nprintf '%s\\n' \"$DUNST_SUMMARY\" >> '{d}/shown.txt'\n"),
        );
        // Markup in bodies, as dunst's own dunstrc has it; notes that leave
        // their time to the server last 1 s here.
        let rc = dir.join("dunstrc");
        std::fs::write(
            &rc,
            format!(
                "[global]\n    markup = full\n    dmenu = {}\n\n[urgency_low]\n    timeout = 1\n\n\
                 [urgency_normal]\n    timeout = 1\n\n[record]\n    appname = \"*\"\n    script = {}\n",
                dmenu.display(),
                record.display()
            ),
        )
        .unwrap();
        let log = std::fs::File::create(dir.join("dunst.log")).unwrap();
        let dunst = Command::new("dunst")
            .arg("-config")
            .arg(&rc)
            .env("DISPLAY", &display)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env("HOME", home.dir.path())
            .env("XDG_CONFIG_HOME", home.config())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("dunst runs (the CI script installs it)");
        let desktop = Desktop {
            dir,
            display,
            bus,
            xvfb,
            dunst,
        };
        wait_for("dunst to take the notification service", || {
            desktop
                .dunstctl(&["is-paused"])
                .status
                .success()
                .then_some(())
        });
        desktop
    }

    fn dunstctl(&self, args: &[&str]) -> Output {
        Command::new("dunstctl")
            .args(args)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus.address)
            .output()
            .expect("dunstctl runs")
    }

    fn count(&self, which: &str) -> usize {
        let out = self.dunstctl(&["count", which]);
        stdout(&out).trim().parse().unwrap_or(0)
    }

    /// The line dunst's context menu is to choose.
    fn want(&self, words: &str) {
        std::fs::write(self.dir.join("want"), words).unwrap();
    }

    fn read(&self, name: &str) -> String {
        let bytes = std::fs::read(self.dir.join(name)).unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// The summaries of the notes dunst has shown, in order.
    fn shown(&self) -> Vec<String> {
        self.read("shown.txt").lines().map(str::to_owned).collect()
    }

    /// nocturne, on this desktop.
    fn nocturne(&self, home: &Home) -> Command {
        let mut cmd = home.nocturne();
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.bus.address)
            .env("DISPLAY", &self.display);
        cmd
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        let _ = self.dunst.kill();
        let _ = self.dunst.wait();
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

/// A process that is ended when this is dropped, whatever the test did.
struct Ends(Child);

impl Drop for Ends {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits for `child` to end, for up to 60 s, and collects what it said.
fn finish(mut child: Child) -> Output {
    wait_for("nocturne to end", || child.try_wait().unwrap());
    child.wait_with_output().unwrap()
}

#[test]
fn a_button_pressed_in_dunst_reaches_nocturne() {
    let home = Home::new();
    let desktop = Desktop::start(&home);
    desktop.want("Snooze");
    let child = desktop
        .nocturne(&home)
        .args(["notifications", "test", "--wait", "120"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("the test note", || {
        (desktop.shown() == ["nocturne: a test note"]).then_some(())
    });

    // Another note, which leaves its time to dunst, is gone after dunst's
    // 1 s; the test note, kept until answered, is still up.
    let other = Command::new("notify-send")
        .args(["-a", "other", "Another note"])
        .env("DBUS_SESSION_BUS_ADDRESS", &desktop.bus.address)
        .status()
        .expect("notify-send runs (the CI script installs it)");
    assert!(other.success());
    wait_for("the other note to expire", || {
        (desktop.count("history") == 1).then_some(())
    });
    assert_eq!(desktop.count("displayed"), 1);

    // The user opens the note's menu and picks "Snooze 10 min".
    let pressed = desktop.dunstctl(&["action", "0"]);
    assert!(pressed.status.success(), "{}", stderr(&pressed));
    let out = finish(child);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "You chose \"Snooze 10 min\".\n");
    let menu = desktop.read("menu.txt");
    assert!(
        menu.contains("Start now") && menu.contains("Snooze 10 min"),
        "{menu}"
    );
    // Answered, the note is taken down.
    wait_for("the answered note to go", || {
        (desktop.count("displayed") == 0).then_some(())
    });
}

#[test]
fn a_session_shows_its_notes_in_dunst() {
    let home = Home::new();
    let desktop = Desktop::start(&home);
    let routine = SHORT.replace("Do A.", "knee < 90° & breathe");
    let file = home.write("short.toml", &routine);
    Test::new(desktop.nocturne(&home))
        .args(["run", "--speed", "10", "--mute"])
        .arg(&file)
        .stderr_starts(format!(
            "{DISCLAIMER}Short test routine · 0:12 · preview at 10× speed\n"
        ))
        .stderr_lacks("notifications")
        .stderr_ends(SHORT_FINISHED)
        .run();
    let expected = [
        "Short test routine",
        "Step A",
        "Step B, left leg",
        "Step B, right leg",
        "Finished: Short test routine",
    ];
    wait_for("every note of the session", || {
        (desktop.shown().len() >= expected.len()).then_some(())
    });
    assert_eq!(desktop.shown(), expected);
    // The step's words reached dunst as text, not as broken markup.
    let log = desktop.read("dunst.log");
    assert!(!log.contains("markup"), "{log}");
}

#[test]
fn snooze_pressed_in_dunst_snoozes_a_reminder() {
    let home = Home::new();
    let desktop = Desktop::start(&home);
    desktop.want("Snooze");
    let at = in_two_seconds();
    home.write(
        "config/config.toml",
        &format!("snooze = \"2s\"\n\n[[reminders]]\nat = \"{at}\"\nmessage = \"Bedtime\"\n"),
    );
    let (_service, log) = reminder_service(&home, &desktop);
    let said = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_for("the reminder", || {
        (desktop.shown() == ["Bedtime"]).then_some(())
    });
    let pressed = desktop.dunstctl(&["action", "0"]);
    assert!(pressed.status.success(), "{}", stderr(&pressed));
    wait_for("the snooze", || {
        said().contains("reminder 1: snoozed until").then_some(())
    });
    wait_for("the reminder again", || {
        (desktop.shown() == ["Bedtime", "Bedtime"]).then_some(())
    });
    assert!(
        said().contains(&format!("reminder 1: Bedtime (snoozed from {at})")),
        "{}",
        said()
    );
}

/// A clock time (UTC) two seconds from now, never on a whole minute: the
/// log shows such a time without its seconds.
fn in_two_seconds() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 2;
    let day = (now + u64::from(now.is_multiple_of(60))) % 86_400;
    format!("{:02}:{:02}:{:02}", day / 3600, day / 60 % 60, day % 60)
}

/// The reminder service on this desktop, in UTC, until dropped; and the
/// file its log goes to.
fn reminder_service(home: &Home, desktop: &Desktop) -> (Ends, std::path::PathBuf) {
    let log = home.path("service.log");
    let service = Ends(
        desktop
            .nocturne(home)
            .env("TZ", "UTC")
            .args(["remind", "daemon"])
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap(),
    );
    (service, log)
}

#[test]
fn drank_a_glass_chosen_in_dunst_logs_a_drink() {
    let home = Home::new();
    let desktop = Desktop::start(&home);
    desktop.want("Drank a glass");
    let at = in_two_seconds();
    home.write(
        "config/config.toml",
        &format!(
            "[[reminders]]\nevery = \"1h\"\nfrom = \"{at}\"\nuntil = \"23:59:59\"\nmessage = \"Water\"\n"
        ),
    );
    let (_service, log) = reminder_service(&home, &desktop);
    let said = || std::fs::read_to_string(&log).unwrap_or_default();
    wait_for("the reminder", || {
        (desktop.shown() == ["Water"]).then_some(())
    });
    let pressed = desktop.dunstctl(&["action", "0"]);
    assert!(pressed.status.success(), "{}", stderr(&pressed));
    wait_for("the drink to be logged", || {
        said()
            .contains("reminder 1: drank a glass (250 ml), logged as d1")
            .then_some(())
    });
    let menu = desktop.read("menu.txt");
    assert!(
        menu.contains("Snooze 10 min") && menu.contains("Drank a glass"),
        "{menu}"
    );
    let drinks = home.journal()["drinks"].clone();
    assert_eq!(drinks.as_array().map(Vec::len), Some(1), "{drinks}");
    assert_eq!(drinks[0]["source"], "reminder");
    assert_eq!(drinks[0]["amount_ml"], 250);
}
