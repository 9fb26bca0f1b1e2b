//! Desktop notifications delivered for real: each test starts a private
//! session bus and a recording notification service on it.

#![allow(clippy::unwrap_used)]

mod common;

use common::bus::Bus;
use common::{DISCLAIMER, Home, NOTIFY_OFF, SHORT, SHORT_FINISHED, Test, events};

/// The short routine, run on `bus` (or on none), to its end.
fn run_with(home: &Home, bus: Option<&Bus>, args: &[&str]) -> Test {
    run_this(home, bus, SHORT, args)
}

/// A routine as long as the short one, `routine`, run on `bus` (or on
/// none), to its end.
fn run_this(home: &Home, bus: Option<&Bus>, routine: &str, args: &[&str]) -> Test {
    let file = home.write("short.toml", routine);
    let mut test = home.test();
    if let Some(bus) = bus {
        test = test.env("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    }
    test.arg("run")
        .args(args)
        .arg(&file)
        .stderr_starts(common::NOTE)
        .stderr_ends(SHORT_FINISHED)
}

/// Where a session's notes are delivered, it starts with the disclaimer
/// and then the plan, with no notice about notifications.
fn quiet_start() -> String {
    format!("{DISCLAIMER}Short test routine · 0:12 · preview at ")
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
    run_with(&home, Some(&bus), &["--speed", "20", "--mute"])
        .stderr_starts(quiet_start())
        .stderr_lacks("notifications")
        .run();

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
    run_with(&home, Some(&bus), &["--speed", "50", "--mute"])
        .stderr_starts(format!(
            "{}Short test routine · 0:12 · preview at ",
            common::NOTE
        ))
        .run();
    assert_eq!(
        summaries(&bus),
        ["Short test routine", "Finished: Short test routine"]
    );

    // A routine's own choice wins over the settings: steps, but no change
    // of sides.
    let home = Home::new();
    home.write("config/config.toml", "notifications = \"session\"\n");
    let bus = Bus::start(home.dir.path()).serve("normal");
    let routine = format!("notifications = \"steps\"\n{SHORT}");
    run_this(&home, Some(&bus), &routine, &["--speed", "50", "--mute"])
        .stderr_starts(format!(
            "{}Short test routine · 0:12 · preview at ",
            common::NOTE
        ))
        .run();
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
    run_with(
        &home,
        Some(&bus),
        &["--speed", "50", "--mute", "--no-notify"],
    )
    .stderr_starts(quiet_start())
    .stderr_lacks("notifications")
    .run();
    assert!(bus.notes().is_empty());
}

#[test]
fn a_service_that_never_answers_does_not_delay_the_session() {
    let home = Home::new();
    let bus = Bus::start(home.dir.path()).serve("silent");
    let notice =
        "nocturne: notifications are off: the notification service did not answer within 2 s\n";
    let out = run_with(
        &home,
        Some(&bus),
        &["--speed", "3", "--mute", "--events", "-"],
    )
    .stdout_has(r#""completed":true"#)
    .stderr_with(|text| assert_eq!(text.matches("notifications are off").count(), 1, "{text}"))
    .stderr_has(notice)
    .run();
    // Every segment still started at its planned moment.
    for event in events(&out.stdout) {
        if event["event"] == "segment_started" {
            let late = event["elapsed_ms"].as_u64().unwrap() - event["offset_ms"].as_u64().unwrap();
            assert!(late < 100, "{event}");
        }
    }
    // The service did receive the first note; it just never answered.
    assert_eq!(summaries(&bus)[0], "Short test routine");
}

#[test]
fn a_service_deaf_from_the_start_is_given_up_before_the_session() {
    let home = Home::new();
    let bus = Bus::start(home.dir.path()).serve("deaf");
    run_with(
        &home,
        Some(&bus),
        &["--speed", "50", "--mute", "--events", "-"],
    )
    .stdout_has(r#""completed":true"#)
    .stderr_has(
        "\nnocturne: notifications are off: the notification service did not answer within 2 s\n",
    )
    .stderr_with(|text| assert_eq!(text.matches("notifications are off").count(), 1, "{text}"))
    .run();
    assert!(bus.notes().is_empty());
}

#[test]
fn without_a_bus_or_a_service_the_session_says_so_and_goes_on() {
    let home = Home::new();
    run_with(&home, None, &["--speed", "50", "--mute"])
        .stderr_starts(format!("{DISCLAIMER}{NOTIFY_OFF}"))
        .stderr_with(|text| assert_eq!(text.matches("notifications are off").count(), 1, "{text}"))
        .stderr_has("Finished in 0:12")
        .run();

    let home = Home::new();
    let bus = Bus::start(home.dir.path());
    run_with(&home, Some(&bus), &["--speed", "50", "--mute"])
        .stderr_starts(format!(
            "{DISCLAIMER}nocturne: notifications are off: no notification service is running\n"
        ))
        .run();
}

/// `notifications test` against a service that behaves as `mode` says,
/// waiting up to `wait` seconds: it ends well, having said `said`. The
/// service's bus, which lives as long as `home`.
fn test_note(home: &Home, mode: &str, wait: &str, said: &str) -> Bus {
    let bus = Bus::start(home.dir.path()).serve(mode);
    home.test()
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .args(["notifications", "test", "--wait", wait])
        .stdout(said)
        .stderr(format!(
            "Sent a test note; waiting up to {wait} s for an answer.\n"
        ))
        .run();
    bus
}

#[test]
fn a_note_with_buttons_reports_what_the_user_did() {
    let chose_start = "You chose \"Start now\".\n";
    let home = Home::new();
    let notes = test_note(&home, "invoke", "10", chose_start).notes();
    assert_eq!(
        notes[0]["actions"],
        serde_json::json!(["start", "Start now", "snooze", "Snooze 10 min"])
    );
    assert_eq!(notes[0]["hints"]["urgency"], 1);

    // An answer sent the moment the note is shown is not missed.
    test_note(&Home::new(), "invoke-at-once", "10", chose_start);
    test_note(&Home::new(), "close", "10", "The note was closed.\n");
    test_note(
        &Home::new(),
        "expire",
        "10",
        "The note expired without an answer.\n",
    );

    // Kept on screen until answered.
    assert_eq!(notes[0]["timeout"], 0);

    // A server that sends answers to everyone, as GNOME's does, is heard
    // as well as one that sends them only to the note's own connection.
    test_note(&Home::new(), "invoke,broadcast", "10", chose_start);
    test_note(
        &Home::new(),
        "press=snooze",
        "10",
        "You chose \"Snooze 10 min\".\n",
    );

    // A click on the note's body is its main action.
    test_note(&Home::new(), "click", "10", chose_start);

    // Unanswered, the note is taken down: its buttons would do nothing.
    let home = Home::new();
    let bus = test_note(&home, "normal", "1", "No answer within 1 s.\n");
    assert_eq!(bus.closed(), [bus.notes()[0]["id"].as_u64().unwrap()]);

    let home = Home::new();
    let bus = Bus::start(home.dir.path()).serve("silent");
    home.test()
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .args(["notifications", "test", "--wait", "10"])
        .status(1)
        .stderr(
            "error: notifications are not available: the notification service did not answer within 2 s\n",
        )
        .run();
}

#[test]
fn the_test_note_says_only_what_happened_without_a_bus() {
    let home = Home::new();
    home.test()
        .args(["notifications", "test", "--wait", "5"])
        .status(1)
        .stderr("error: notifications are not available: there is no desktop session bus (D-Bus)\n")
        .stdout("")
        .run();
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
        run_this(&home, Some(&bus), &routine, &["--speed", "50", "--mute"])
            .stderr_starts(quiet_start())
            .run();
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
