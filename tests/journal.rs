//! The journal through the real binary: sessions recorded as they run
//! (even when killed), cramps logged by many processes at once, a damaged
//! file left alone, and what `log`, `journal`, `stats` and `export` say.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use common::{Home, SHORT, Test, events, first_session, stderr};

#[test]
fn a_session_killed_outright_shows_as_unfinished_with_its_steps_done() {
    let home = Home::new();
    let file = home.write("short.toml", SHORT);
    let mut child = home
        .nocturne()
        .args(["run", "--speed", "2", "--mute", "--events", "-"])
        .arg(&file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines {
        let event = events(&line.unwrap())[0].clone();
        if event["event"] == "step_done" {
            break;
        }
    }
    // Step A is done and step B under way; give the writer a moment.
    std::thread::sleep(std::time::Duration::from_millis(400));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let journal = home.journal();
    let session = &journal["sessions"][0];
    assert_eq!(session["routine"], "short");
    assert_eq!(session["outcome"], "unfinished");
    assert_eq!(session["ended_at"], serde_json::Value::Null);
    assert_eq!(
        session["steps"],
        serde_json::json!([
            {"name": "Step A", "outcome": "done"},
            {"name": "Step B", "outcome": "unfinished"}
        ])
    );
}

/// The short routine, run to its end fast and without sound; it ends with
/// the summary.
fn run_short(home: &Home) -> Test {
    let file = home.write("short.toml", SHORT);
    home.test()
        .args(["run", "--speed", "50", "--mute"])
        .arg(&file)
        .stderr_ends("Finished in 0:12: 2 of 2 steps done.\nWell done. Settle in, keep the covers loose, and sleep well.\n")
}

#[test]
fn a_finished_session_records_how_it_ended() {
    let home = Home::new();
    run_short(&home).stderr_starts(first_session(true)).run();
    let session = &home.journal()["sessions"][0];
    assert_eq!(session["outcome"], "completed");
    assert_eq!(session["speed"], 50.0);
    assert!(session["ended_at"].as_str().unwrap() >= session["started_at"].as_str().unwrap());
    assert_eq!(session["steps"][1]["outcome"], "done");
}

#[test]
fn twenty_cramps_logged_at_once_are_twenty_entries() {
    let home = Home::new();
    let children: Vec<_> = (0..20)
        .map(|i| {
            home.nocturne()
                .args(["log", "--at", "2026-11-20T03:10", "--pain"])
                .arg((i % 11).to_string())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(
            stderr(&out).starts_with("Logged a cramp (c"),
            "{}",
            stderr(&out)
        );
    }
    let cramps = home.journal()["cramps"].as_array().unwrap().clone();
    assert_eq!(cramps.len(), 20);
    let mut pains: Vec<u64> = cramps.iter().map(|c| c["pain"].as_u64().unwrap()).collect();
    pains.sort();
    let mut expected: Vec<u64> = (0..20).map(|i| i % 11).collect();
    expected.sort();
    assert_eq!(pains, expected);
}

#[test]
fn a_damaged_journal_is_reported_and_left_byte_for_byte() {
    let home = Home::new();
    std::fs::create_dir_all(home.data()).unwrap();
    let path = home.data().join("journal.sqlite");
    let junk: Vec<u8> = (0..20_000u32).map(|i| (i * 13 % 256) as u8).collect();
    std::fs::write(&path, &junk).unwrap();

    let damaged = format!(
        "error: the journal {} is damaged or is not a nocturne journal",
        path.display()
    );
    home.test()
        .args(["log", "--pain", "4"])
        .status(1)
        .stderr_starts(damaged.clone())
        .run();
    for args in [&["journal"][..], &["stats"], &["journal", "export"]] {
        home.test()
            .args(args)
            .status(1)
            .stderr_starts(damaged.clone())
            .run();
    }
    // A session still runs, and says once that the journal is off.
    run_short(&home)
        .stderr_starts(common::DISCLAIMER)
        .stderr_with(|text| assert_eq!(text.matches("the journal is off").count(), 1, "{text}"))
        .run();
    assert_eq!(std::fs::read(&path).unwrap(), junk);
}

#[test]
fn a_cramp_with_a_red_flag_is_met_with_calm_advice() {
    let home = Home::new();
    let out = home
        .test()
        .args([
            "log",
            "--at",
            "2026-11-20T03:10",
            "--leg",
            "left",
            "--muscle",
            "calf",
            "--lasted",
            "15m",
            "--pain",
            "8",
            "--numbness",
            "--note",
            "woke me",
        ])
        .env("TZ", "Europe/Berlin")
        .stderr(
        "Logged a cramp (c1): Fri 2026-11-20 03:10, left calf, lasted 15m, pain 8 of 10, with numbness.\n\n\
         It lasted more than 10 minutes. A cramp that long is worth seeing a doctor about, to make sure nothing else is behind it.\n\
         There was numbness or weakness. That is worth seeing a doctor about: it can come from the nerves or muscles rather than an ordinary cramp.\n\
         This is general information, not a diagnosis.\n",
        )
        .run();
    let text = out.stderr.to_lowercase();
    assert!(!text.contains("quinine") && !text.contains("tonic"));

    let cramp = &home.journal()["cramps"][0];
    assert_eq!(cramp["at"], "2026-11-20T03:10:00+01:00");
    assert_eq!(cramp["night"], "2026-11-19");
    assert_eq!(cramp["lasted_s"], 900);
    assert_eq!(cramp["numbness"], true);
    assert_eq!(cramp["note"], "woke me");

    home.test()
        .args(["log", "--at", "tomorrow"])
        .status(2)
        .stderr(
            "error: `tomorrow` is not a time nocturne can read; write \"now\", \"03:10\", \
             \"last night 03:10\", \"yesterday 22:40\", \"2026-11-20T03:10\" or an RFC 3339 instant\n",
        )
        .run();
}

#[test]
fn the_journal_lists_recent_nights() {
    let home = Home::new();
    home.test()
        .env("TZ", "UTC")
        .arg("log")
        .args([
            "--at",
            "last night 03:10",
            "--leg",
            "right",
            "--muscle",
            "foot",
            "--pain",
            "3",
        ])
        .stderr_starts("Logged a cramp (c1): ")
        .stderr_has(", right foot, pain 3 of 10.\n")
        .run();
    let text = home
        .test()
        .env("TZ", "UTC")
        .args(["journal", "--nights", "3"])
        .stdout_starts(tonight())
        .run()
        .stdout;
    // Three nights: two with nothing, each one line with a dash, and the
    // one with the cramp, under its date.
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert_eq!(
        lines.iter().filter(|l| l.ends_with("  -")).count(),
        2,
        "{text}"
    );
    // "Last night 03:10" belongs to the night before this morning.
    let cramp = lines
        .iter()
        .position(|l| *l == "  cramp    03:10, right foot, pain 3 of 10 (c1)")
        .unwrap_or_else(|| panic!("no cramp line in:\n{text}"));
    assert!(lines[cramp - 1].len() == "Sun 2026-11-29".len(), "{text}");
}

/// Tonight's heading in `nocturne journal` with TZ=UTC: the morning
/// still belongs to the night before. Read from the wall clock, as the
/// binary reads it.
#[allow(clippy::disallowed_methods)]
fn tonight() -> String {
    let now = jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC);
    let night = if now.hour() < 12 {
        now.date().yesterday().unwrap()
    } else {
        now.date()
    };
    night.strftime("%a %Y-%m-%d").to_string()
}

/// A routine of one second, so a session in real time is quick.
const TINY: &str = r#"
name = "Tiny test routine"
lead_in = 0

[[steps]]
name = "Only step"
hold = 1
"#;

#[test]
fn the_journal_leaves_previews_out_unless_asked_for_all() {
    let home = Home::new();
    let tiny = home.write("tiny.toml", TINY);
    home.test()
        .env("TZ", "UTC")
        .args(["run", "--mute"])
        .arg(&tiny)
        .stderr_ends("sleep well.\n")
        .run();
    home.test()
        .env("TZ", "UTC")
        .args(["run", "--speed", "1000", "--mute"])
        .arg(&tiny)
        .stderr_ends("sleep well.\n")
        .run();
    home.test()
        .env("TZ", "UTC")
        .args(["log", "--at", "now", "--leg", "left", "--muscle", "calf"])
        .stderr_starts("Logged a cramp (c1): ")
        .run();

    let night = |args: &[&str]| {
        let text = home
            .test()
            .env("TZ", "UTC")
            .args(["journal", "--nights", "1"])
            .args(args)
            .stdout_starts(format!("{}\n", tonight()))
            .run()
            .stdout;
        // The cramp's time is the minute it was logged.
        let mut lines: Vec<String> = text.lines().skip(1).map(str::to_owned).collect();
        let cramp = lines
            .iter()
            .position(|l| l.starts_with("  cramp    ") && l.ends_with(", left calf (c1)"))
            .unwrap_or_else(|| panic!("no cramp line in:\n{text}"));
        lines[cramp] = "  cramp    HH:MM, left calf (c1)".to_owned();
        lines.join("\n")
    };
    assert_eq!(
        night(&[]),
        "  session  tiny (done, s1)\n  \
         cramp    HH:MM, left calf (c1)\n\
         1 preview left out; `--all` shows it."
    );
    assert_eq!(
        night(&["--all"]),
        "  session  tiny (done, s1)\n  \
         session  tiny (done, preview at 1000× speed, s2)\n  \
         cramp    HH:MM, left calf (c1)"
    );
    // Asked for colour, the closing line is dim.
    home.test()
        .env("TZ", "UTC")
        .args(["--color", "always", "journal", "--nights", "1"])
        .stdout_starts(format!("{}\n", tonight()))
        .stdout_ends("\u{1b}[2m1 preview left out; `--all` shows it.\u{1b}[0m\n")
        .run();
}

#[test]
fn the_cramp_routine_offers_to_log_the_cramp() {
    let home = Home::new();
    home.test()
        .args(["run", "cramp", "--speed", "500", "--mute"])
        .stderr_starts(first_session(true))
        .stderr_with(|text| {
            assert!(
                text.lines()
                    .last()
                    .unwrap()
                    .starts_with("To log this cramp in your journal: nocturne log --at "),
                "{text}"
            )
        })
        .run();
    // The relief routine is recorded, but is not a night's stretching.
    assert_eq!(home.journal()["sessions"][0]["relief"], true);
}

#[test]
fn export_refuses_to_overwrite_a_file() {
    let home = Home::new();
    let existing = home.write("mine.csv", "my own data\n");
    home.test()
        .args(["journal", "export", "--output"])
        .arg(&existing)
        .status(2)
        .stderr_starts("error: ")
        .stderr_has(existing.display().to_string())
        .run();
    assert_eq!(std::fs::read_to_string(&existing).unwrap(), "my own data\n");
    let fresh = home.path("journal.csv");
    home.test()
        .args(["journal", "export", "--output"])
        .arg(&fresh)
        .stderr(format!(
            "Wrote 0 sessions, 0 cramps and 0 drinks to {}.\n",
            fresh.display()
        ))
        .run();
    assert!(
        std::fs::read_to_string(&fresh)
            .unwrap()
            .starts_with("record,id,night,at,")
    );
}

#[test]
fn stats_are_drawn_in_colour_only_where_asked_and_never_garbled() {
    let home = Home::new();
    home.test()
        .args(["log", "--pain", "5"])
        .stderr_starts("Logged a cramp (c1): ")
        .run();
    let stats = |args: &[&str]| {
        home.test()
            .args(args)
            .arg("stats")
            .stdout_has("Nights stretched, per week")
            .run()
            .stdout
    };
    let coloured = stats(&["--color", "always"]);
    assert!(
        coloured.contains("\u{1b}[1mNights stretched, per week\u{1b}[0m"),
        "{coloured:?}"
    );
    assert!(!coloured.contains('\u{fffd}'), "{coloured:?}");
    // Into a pipe, by default: plain text.
    let plain = stats(&[]);
    assert!(
        !plain.contains('\u{1b}') && plain.starts_with("Nights stretched, per week\n"),
        "{plain:?}"
    );
    assert_eq!(stats(&["--color", "never"]), plain);
}

#[test]
fn log_without_a_terminal_or_options_logs_nothing_and_says_what_to_pass() {
    let home = Home::new();
    home.test()
        .arg("log")
        .status(2)
        .stderr(
            "error: there is no terminal to ask the questions at; say what to log, such as \
             `nocturne log --at now` or `nocturne log --at 03:10 --leg left --muscle calf`\n",
        )
        .run();
    assert!(!home.data().join("journal.sqlite").exists());
    // Saying only when is enough.
    home.test()
        .args(["log", "--at", "now"])
        .stderr_starts("Logged a cramp (c1): ")
        .run();
}

#[test]
fn a_mistaken_entry_can_be_deleted() {
    let home = Home::new();
    for at in ["2026-11-20T03:10", "2026-11-21T04:00"] {
        home.test()
            .env("TZ", "UTC")
            .args(["log", "--at", at, "--leg", "left"])
            .stderr_starts("Logged a cramp (c")
            .run();
    }
    home.test()
        .args(["run", "nightly", "--speed", "1000", "--mute"])
        .stderr_starts(first_session(true))
        .stderr_ends("sleep well.\n")
        .run();

    // Without a terminal to ask at, it wants --yes, and keeps the entry.
    home.test()
        .env("TZ", "UTC")
        .args(["journal", "delete", "c1"])
        .status(2)
        .stderr(
            "error: this removes the cramp of Fri 2026-11-20 03:10, left leg; there is no terminal to \
             ask at, so pass --yes to remove it\n",
        )
        .run();
    assert_eq!(home.journal()["cramps"].as_array().unwrap().len(), 2);

    home.test()
        .env("TZ", "UTC")
        .args(["journal", "delete", "c1", "--yes"])
        .stderr("Removed the cramp of Fri 2026-11-20 03:10, left leg.\n")
        .run();
    let cramps = home.journal()["cramps"].clone();
    assert_eq!(cramps.as_array().unwrap().len(), 1);
    assert_eq!(cramps[0]["id"], 2);

    // A session goes with its steps.
    home.test()
        .args(["journal", "delete", "s1", "--yes"])
        .stderr_starts("Removed the nightly session of ")
        .run();
    assert_eq!(home.journal()["sessions"].as_array().unwrap().len(), 0);

    // What is not there, or not an id, is said plainly.
    for (id, said) in [
        (
            "c1",
            "error: the journal has no entry c1; `nocturne journal` shows each entry's id\n",
        ),
        (
            "12",
            "error: `12` is not a journal entry; write c and a cramp's number (c12), s and a \
             session's (s7) or d and a drink's (d4), as `nocturne journal` shows them\n",
        ),
    ] {
        home.test()
            .args(["journal", "delete", id, "--yes"])
            .status(2)
            .stderr(said)
            .run();
    }
}

#[test]
fn a_cramp_at_the_first_minute_of_a_spring_gap_stays_in_its_night() {
    // New York, 2026-03-08: 02:00 does not exist; it is 03:00 EDT, in the
    // night of Saturday the 7th.
    let home = Home::new();
    home.test()
        .env("TZ", "America/New_York")
        .args(["log", "--at", "2026-03-08T02:00"])
        .stderr("Logged a cramp (c1): Sun 2026-03-08 03:00.\n")
        .run();
    let cramp = &home.journal()["cramps"][0];
    assert_eq!(cramp["at"], "2026-03-08T03:00:00-04:00");
    assert_eq!(cramp["night"], "2026-03-07");
}

#[test]
fn an_unknown_time_zone_is_said_once() {
    let home = Home::new();
    home.test()
        .env("TZ", "Mars/Phobos")
        .args(["log", "--at", "2026-11-20T03:10"])
        .stderr(
            "nocturne: TZ=Mars/Phobos is not a time zone this machine knows, so times are in UTC; \
         set TZ to a name such as Europe/London, or unset it\n\
         Logged a cramp (c1): Fri 2026-11-20 03:10.\n",
        )
        .run();
}

/// A routine whose only step is a drink of water, so that a session in
/// real time is quick.
const WATER: &str = r#"
name = "Water test routine"
lead_in = 0

[[steps]]
name = "A glass of water"
kind = "hydrate"
hold = 1

[[steps]]
name = "Calf"
hold = 1
"#;

#[test]
fn a_hydrate_step_done_logs_a_glass_once_and_a_preview_logs_none() {
    let home = Home::new();
    home.write("config/config.toml", "glass = \"200ml\"\n");
    let water = home.write("water.toml", WATER);
    home.test()
        .args(["run", "--mute", "--no-notify"])
        .arg(&water)
        .stderr_has("Finished in 0:02: 2 of 2 steps done.")
        .run();
    home.test()
        .args(["run", "--mute", "--no-notify", "--speed", "10"])
        .arg(&water)
        .stderr_has("2 of 2 steps done.")
        .run();
    // In a cramp-relief routine, a hydrate step is a sip of something,
    // not a glass.
    let relief = home.write(
        "relief.toml",
        &WATER.replace("lead_in = 0", "lead_in = 0\noffer_cramp_log = true"),
    );
    home.test()
        .args(["run", "--mute", "--no-notify"])
        .arg(&relief)
        .stderr_has("2 of 2 steps done.")
        .stderr_has("To log this cramp in your journal: nocturne log --at ")
        .run();
    let journal = home.journal();
    assert_eq!(journal["sessions"].as_array().unwrap().len(), 3);
    let drinks = journal["drinks"].as_array().unwrap();
    assert_eq!(drinks.len(), 1, "{drinks:?}");
    let drink = &drinks[0];
    assert_eq!(drink["source"], "session");
    assert_eq!(drink["amount_ml"], 200);
    assert_eq!(drink["session_id"], journal["sessions"][0]["id"]);
    assert_eq!(drink["step_index"], 0);
    // Deleting the session takes the drink its step logged with it.
    let session = format!("s{}", journal["sessions"][0]["id"]);
    home.test()
        .args(["journal", "delete", &session, "--yes"])
        .stderr_starts("Removed the water session of ")
        .run();
    assert_eq!(home.journal()["drinks"], serde_json::json!([]));
}

#[test]
fn drinks_are_logged_and_shown_per_night() {
    let home = Home::new();
    home.test()
        .env("TZ", "UTC")
        .args(["log", "drink", "--at", "2026-11-20T19:10"])
        .stderr(
            "Logged a drink (d1): Fri 2026-11-20 19:10, 250 ml. That evening: 1 drink, 250 ml.\n",
        )
        .run();
    home.test()
        .env("TZ", "UTC")
        .args([
            "log",
            "drink",
            "--at",
            "2026-11-20 21:30",
            "--amount",
            "33cl",
        ])
        .stderr_ends("That evening: 2 drinks, 580 ml.\n")
        .run();
    home.test()
        .env("TZ", "UTC")
        .args([
            "log",
            "--at",
            "2026-11-21T03:10",
            "--leg",
            "left",
            "--muscle",
            "calf",
        ])
        .stderr("Logged a cramp (c1): Sat 2026-11-21 03:10, left calf.\n")
        .run();
    // A glass after midnight still counts with the evening before.
    home.test()
        .env("TZ", "UTC")
        .args([
            "log",
            "drink",
            "--at",
            "2026-11-21T00:20",
            "--amount",
            "1 glass",
        ])
        .stderr_ends("That evening: 3 drinks, 830 ml.\n")
        .run();
    let text = home
        .test()
        .env("TZ", "UTC")
        .args(["journal", "--nights", "30"])
        .stdout_has("Fri 2026-11-20\n")
        .run()
        .stdout;
    let lines: Vec<&str> = text.lines().collect();
    let night = lines
        .iter()
        .position(|l| *l == "Fri 2026-11-20")
        .unwrap_or_else(|| panic!("no night of the drinks in:\n{text}"));
    // In 80 columns, where stdout is not a terminal; the drinks come
    // first, in the evening.
    assert_eq!(
        lines[night + 1..night + 4],
        [
            "  drinks   3 drinks, 830 ml: 19:10 250 ml (d1), 21:30 330 ml (d2), 00:20 250 ml",
            "           (d3)",
            "  cramp    03:10, left calf (c1)",
        ],
        "{text}"
    );
    // Nonsense is refused, naming what would do.
    home.test()
        .args(["log", "drink", "--amount", "a bucket"])
        .status(2)
        .stderr(
            "error: `a bucket` is not an amount nocturne can read; write an amount such as \
             \"250ml\", \"0.3l\", \"33cl\", \"1 glass\" or \"2 glasses\"\n",
        )
        .run();
    home.test()
        .args(["log", "drink", "--at", "2999-01-01T20:00"])
        .status(2)
        .stderr("error: `2999-01-01T20:00` is in the future; log a drink once you have had it\n")
        .run();
    home.test()
        .args(["journal", "delete", "d2", "--yes"])
        .stderr("Removed the drink of Fri 2026-11-20 21:30, 330 ml.\n")
        .env("TZ", "UTC")
        .run();
}

#[test]
fn a_mistake_in_the_settings_does_not_stop_a_drink_or_the_stats() {
    let home = Home::new();
    home.write("config/config.toml", "glass = \"a mug\"\n");
    home.test()
        .env("TZ", "UTC")
        .args(["log", "drink", "--at", "2026-11-20T19:10"])
        .stderr_starts("nocturne: the settings have an error, so a glass is taken to be 250 ml: ")
        .stderr_has("(`nocturne check` shows every problem)\n")
        .stderr_ends(
            "Logged a drink (d1): Fri 2026-11-20 19:10, 250 ml. That evening: 1 drink, 250 ml.\n",
        )
        .run();
    home.test()
        .args(["stats"])
        .stderr_starts(
            "nocturne: the settings have an error, so drinks are compared from 2 an evening: ",
        )
        .stdout_has("Streak:")
        .run();
}
