//! Desktop notifications delivered for real: each test starts a private
//! session bus and a recording notification service on it.

#![allow(clippy::unwrap_used)]

mod common;

use common::bus::Bus;
use common::{Home, NOTIFY_OFF, SHORT, events, stderr, stdout};

fn run_with(home: &Home, bus: Option<&Bus>, args: &[&str]) -> std::process::Output {
    let file = home.write("short.toml", SHORT);
    let mut cmd = home.nocturne();
    if let Some(bus) = bus {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    }
    cmd.arg("run").args(args).arg(&file).output().unwrap()
}

fn summaries(bus: &Bus) -> Vec<String> {
    bus.notes()
        .iter()
        .map(|n| n["summary"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_session_updates_one_note_as_it_goes() {
    let home = Home::new();
    let bus = Bus::start(home.dir.path()).serve("normal");
    let out = run_with(&home, Some(&bus), &["--speed", "20", "--mute"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("notifications"), "{}", stderr(&out));

    let notes = bus.notes();
    let seen: Vec<(&str, &str)> = notes
        .iter()
        .map(|n| (n["summary"].as_str().unwrap(), n["body"].as_str().unwrap()))
        .collect();
    assert_eq!(
        seen,
        [
            ("Short test routine", "2 steps, 0:12. Get ready: Step A."),
            ("Step A", "Hold 2s, 2 times, relax 1s between.\nDo A."),
            ("Step B, left leg", "Rub 2s."),
            ("Step B, right leg", "Change to the right leg. Rub 2s."),
            (
                "Finished: Short test routine",
                "Finished in 0:12: 2 of 2 steps done.\nWell done. Settle in, keep the covers loose, and sleep well."
            ),
        ]
    );
    // One note, replaced in place: the first gets an id, the rest reuse it.
    let first = notes[0]["id"].as_u64().unwrap();
    assert_eq!(notes[0]["replaces"], 0);
    assert!(
        notes[1..].iter().all(|n| n["replaces"] == first),
        "{notes:?}"
    );
    for note in &notes {
        assert_eq!(note["app"], "nocturne");
        assert_eq!(note["hints"]["urgency"], 0, "low urgency");
        assert_eq!(note["hints"]["category"], "x-nocturne.session");
        assert_eq!(note["hints"]["transient"], true);
        assert_eq!(note["actions"], serde_json::json!([]));
    }
}

#[test]
fn which_notes_appear_is_up_to_the_user() {
    // The settings: start and end only.
    let home = Home::new();
    home.write("config/config.toml", "notifications = \"session\"\n");
    let bus = Bus::start(home.dir.path()).serve("normal");
    let out = run_with(&home, Some(&bus), &["--speed", "50", "--mute"]);
    assert!(out.status.success());
    assert_eq!(
        summaries(&bus),
        ["Short test routine", "Finished: Short test routine"]
    );

    // A routine's own choice wins over the settings: steps, but no change
    // of sides.
    let home = Home::new();
    home.write("config/config.toml", "notifications = \"session\"\n");
    let bus = Bus::start(home.dir.path()).serve("normal");
    let file = home.write("steps.toml", &format!("notifications = \"steps\"\n{SHORT}"));
    let out = home
        .nocturne()
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .args(["run", "--speed", "50", "--mute"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        summaries(&bus),
        [
            "Short test routine",
            "Step A",
            "Step B, left leg",
            "Finished: Short test routine"
        ]
    );

    // --no-notify: nothing at all, and nothing said about it.
    let home = Home::new();
    let bus = Bus::start(home.dir.path()).serve("normal");
    let out = run_with(
        &home,
        Some(&bus),
        &["--speed", "50", "--mute", "--no-notify"],
    );
    assert!(out.status.success());
    assert!(bus.notes().is_empty());
    assert!(!stderr(&out).contains("notifications"));
}

#[test]
fn a_service_that_never_answers_does_not_delay_the_session() {
    let home = Home::new();
    let bus = Bus::start(home.dir.path()).serve("silent");
    let out = run_with(
        &home,
        Some(&bus),
        &["--speed", "3", "--mute", "--events", "-"],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = stderr(&out);
    let notice =
        "nocturne: notifications are off: the notification service did not answer within 2 s\n";
    assert_eq!(text.matches("notifications are off").count(), 1, "{text}");
    assert!(text.contains(notice), "{text}");
    // Every segment still started at its planned moment.
    for event in events(&stdout(&out)) {
        if event["event"] == "segment_started" {
            let late = event["elapsed_ms"].as_u64().unwrap() - event["offset_ms"].as_u64().unwrap();
            assert!(late < 100, "{event}");
        }
    }
    assert!(stdout(&out).contains(r#""completed":true"#));
    // The service did receive the first note; it just never answered.
    assert_eq!(summaries(&bus)[0], "Short test routine");
}

#[test]
fn a_service_deaf_from_the_start_is_given_up_before_the_session() {
    let home = Home::new();
    let bus = Bus::start(home.dir.path()).serve("deaf");
    let out = run_with(
        &home,
        Some(&bus),
        &["--speed", "50", "--mute", "--events", "-"],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = stderr(&out);
    assert!(
        text.contains("\nnocturne: notifications are off: the notification service did not answer within 2 s\n"),
        "{text}"
    );
    assert_eq!(text.matches("notifications are off").count(), 1);
    assert!(stdout(&out).contains(r#""completed":true"#));
    assert!(bus.notes().is_empty());
}

#[test]
fn without_a_bus_or_a_service_the_session_says_so_and_goes_on() {
    let home = Home::new();
    let out = run_with(&home, None, &["--speed", "50", "--mute"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out).matches("notifications are off").count(), 1);
    assert!(stderr(&out).contains(NOTIFY_OFF), "{}", stderr(&out));
    assert!(stderr(&out).contains("Finished in 0:12"));

    let home = Home::new();
    let bus = Bus::start(home.dir.path());
    let out = run_with(&home, Some(&bus), &["--speed", "50", "--mute"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out)
            .contains("nocturne: notifications are off: no notification service is running\n"),
        "{}",
        stderr(&out)
    );
}

fn test_note(mode: &str, wait: &str) -> (std::process::Output, Vec<serde_json::Value>) {
    let home = Home::new();
    let bus = Bus::start(home.dir.path()).serve(mode);
    let out = home
        .nocturne()
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .args(["notifications", "test", "--wait", wait])
        .output()
        .unwrap();
    (out, bus.notes())
}

#[test]
fn a_note_with_buttons_reports_what_the_user_did() {
    let (out, notes) = test_note("invoke", "10");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "You chose \"Start now\".\n");
    assert_eq!(
        notes[0]["actions"],
        serde_json::json!(["start", "Start now", "snooze", "Snooze 10 min"])
    );
    assert_eq!(notes[0]["hints"]["urgency"], 1);

    // An answer sent the moment the note is shown is not missed.
    let (out, _) = test_note("invoke-at-once", "10");
    assert_eq!(stdout(&out), "You chose \"Start now\".\n");

    let (out, _) = test_note("close", "10");
    assert_eq!(stdout(&out), "The note was closed.\n");

    let (out, _) = test_note("expire", "10");
    assert_eq!(stdout(&out), "The note expired without an answer.\n");

    // Kept on screen until answered.
    assert_eq!(notes[0]["timeout"], 0);
    assert!(stderr(&out).starts_with("Sent a test note; waiting up to 10 s for an answer.\n"));

    // A server that sends answers to everyone, as GNOME's does, is heard
    // as well as one that sends them only to the note's own connection.
    let (out, _) = test_note("invoke,broadcast", "10");
    assert_eq!(stdout(&out), "You chose \"Start now\".\n");
    let (out, _) = test_note("press=snooze", "10");
    assert_eq!(stdout(&out), "You chose \"Snooze 10 min\".\n");

    // A click on the note's body is its main action.
    let (out, _) = test_note("click", "10");
    assert_eq!(stdout(&out), "You chose \"Start now\".\n");

    // Unanswered, the note is taken down: its buttons would do nothing.
    let home = Home::new();
    let bus = Bus::start(home.dir.path()).serve("normal");
    let out = home
        .nocturne()
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .args(["notifications", "test", "--wait", "1"])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "No answer within 1 s.\n");
    assert_eq!(bus.closed(), [bus.notes()[0]["id"].as_u64().unwrap()]);

    let (out, _) = test_note("silent", "10");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: notifications are not available: the notification service did not answer within 2 s\n"
    );
}

#[test]
fn the_test_note_says_only_what_happened_without_a_bus() {
    let home = Home::new();
    let out = home
        .nocturne()
        .args(["notifications", "test", "--wait", "5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: notifications are not available: there is no desktop session bus (D-Bus)\n"
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn markup_characters_reach_the_screen_as_written() {
    let routine = SHORT.replace("Do A.", "knee < 90° & breathe");
    for (server, body) in [
        ("normal,markup", "knee &lt; 90° &amp; breathe"),
        ("normal", "knee < 90° & breathe"),
    ] {
        let home = Home::new();
        let bus = Bus::start(home.dir.path()).serve(server);
        let file = home.write("markup.toml", &routine);
        let out = home
            .nocturne()
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .args(["run", "--speed", "50", "--mute"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let step = bus
            .notes()
            .into_iter()
            .find(|n| n["summary"] == "Step A")
            .unwrap();
        assert_eq!(
            step["body"].as_str().unwrap(),
            format!("Hold 2s, 2 times, relax 1s between.\n{body}"),
            "{server}"
        );
        // A session's notes are left to the server's own timing.
        assert_eq!(step["timeout"], -1);
    }
}
