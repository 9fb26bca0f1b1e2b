//! The real binary, as a user runs it: list, show, check and run.

#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

mod common;

use common::{Home, NOTIFY_OFF, SHORT, events, first_session, repo, stderr};

#[test]
fn list_shows_bundled_and_user_routines_with_origin_and_length() {
    let home = Home::new();
    home.user_routine("nightly", SHORT);
    home.user_routine("mine", SHORT);
    home.user_routine("broken", "name = \"Broken\"\n");
    let text = home.test().arg("list").stdout_starts("NAME").run().stdout;
    let line = |start: &str| {
        text.lines()
            .filter(|l| l.split_whitespace().next() == Some(start))
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        text.lines()
            .next()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>(),
        ["NAME", "FROM", "LENGTH", "ABOUT"]
    );
    assert_eq!(
        line("nightly"),
        [
            "nightly bundled (hidden by yours) 3:40 Two gentle stretches for both legs, right before you sleep. About 3½ minutes.",
            "nightly yours (replaces bundled) 0:12 For tests",
        ]
    );
    assert_eq!(line("mine"), ["mine yours 0:12 For tests"]);
    assert!(line("wind-down")[0].starts_with("wind-down bundled 14:55 "));
    assert!(line("cramp")[0].starts_with("cramp bundled "));
    assert!(line("nightly-seated")[0].starts_with("nightly-seated bundled 3:40 "));
    let broken = &line("broken")[0];
    assert!(
        broken.starts_with("broken yours - invalid: see `nocturne check "),
        "{broken}"
    );
    assert!(text.contains(&format!(
        "Your routines live in {}",
        home.config().join("routines").display()
    )));
}

#[test]
fn show_prints_the_plan_that_run_follows() {
    let home = Home::new();
    let file = home.write("short.toml", SHORT);
    let expected = format!(
        "Short test routine (short, {})
For tests

START  LENGTH  DO            STEP    SIDE   REP
 0:00      1s  Get ready     Step A         1/2
 0:01      2s  Hold          Step A         1/2
 0:03      1s  Relax         Step A         2/2
 0:04      2s  Hold          Step A         2/2
 0:06      1s  Rest          Step A         2/2
 0:07      2s  Rub           Step B  left
 0:09      1s  Change sides  Step B  right
 0:10      2s  Rub           Step B  right

Total 0:12 in 8 segments, 2 steps
",
        file.display()
    );
    home.test().arg("show").arg(&file).stdout(expected).run();
}

#[test]
fn show_names_the_source_of_a_bundled_routine() {
    Home::new()
        .test()
        .args(["show", "nightly"])
        .stdout_starts("Nightly calf and hamstring stretches (nightly, bundled)\n")
        .stdout_has("Source: Hallegraeff et al., J Physiother 2012")
        .stdout_ends("Total 3:40 in 24 segments, 2 steps\n")
        .run();
}

#[test]
fn run_follows_the_plan_and_writes_events() {
    let home = Home::new();
    let file = home.write("short.toml", SHORT);
    // Not a terminal: plain lines, no escape codes.
    let out = home
        .test()
        .args(["run", "--speed", "20", "--events", "-"])
        .arg(&file)
        .stdout_starts("{\"event\":\"session_started\"")
        .stderr_starts(first_session(false))
        .stderr_lacks("\u{1b}")
        .stderr_has("Short test routine · 0:12 · preview at 20× speed\n")
        .stderr_has("[0:00] Get ready 1s: Step A, 1 of 2\n       Do A.\n")
        .stderr_has("[0:07] Rub 2s: Step B, left leg\n")
        .stderr_has("[0:09] Change sides 1s: to the right leg\n")
        .stderr_ends(
            "Finished in 0:12: 2 of 2 steps done.\nWell done. Settle in, keep the covers loose, and sleep well.\n",
        )
        .run();
    let events = events(&out.stdout);

    let started = &events[0];
    assert_eq!(started["event"], "session_started");
    assert_eq!(started["routine"], "short");
    assert_eq!(started["total_ms"], 12_000);
    assert_eq!(started["speed"], 20.0);

    let segments: Vec<_> = events
        .iter()
        .filter(|e| e["event"] == "segment_started")
        .collect();
    let planned = [
        ("lead_in", "Step A", 0, 1, 0),
        ("hold", "Step A", 1000, 1, 0),
        ("relax", "Step A", 3000, 2, 0),
        ("hold", "Step A", 4000, 2, 0),
        ("rest", "Step A", 6000, 2, 0),
        ("hold", "Step B", 7000, 1, 1),
        ("switch", "Step B", 9000, 1, 1),
        ("hold", "Step B", 10_000, 1, 1),
    ];
    assert_eq!(segments.len(), planned.len());
    for (i, (event, (phase, step, offset, rep, step_index))) in
        segments.iter().zip(planned).enumerate()
    {
        assert_eq!(event["index"], i);
        assert_eq!(event["phase"], phase);
        assert_eq!(event["step"], step);
        assert_eq!(event["step_index"], step_index);
        assert_eq!(event["rep"], rep);
        // Routine time, not divided by the speed. A segment never starts
        // before the plan says; how close to it is measured by
        // tests/bench/timing.py, not here, where a busy machine decides.
        let elapsed = event["elapsed_ms"].as_u64().unwrap();
        assert!(elapsed >= offset, "{event}");
    }
    let elapsed: Vec<u64> = segments
        .iter()
        .map(|e| e["elapsed_ms"].as_u64().unwrap())
        .collect();
    assert!(elapsed.is_sorted(), "{elapsed:?}");
    assert_eq!(segments[5]["side"], "left");
    assert_eq!(segments[5]["kind"], "massage");
    assert_eq!(segments[7]["side"], "right");
    assert_eq!(segments[0]["side"], serde_json::Value::Null);

    let finished = events.last().unwrap();
    assert_eq!(finished["event"], "session_finished");
    assert_eq!(finished["completed"], true);
    assert_eq!(finished["steps_done"], 2);
}

#[test]
fn events_can_go_to_a_file() {
    let home = Home::new();
    let file = home.write("short.toml", SHORT);
    let log = home.path("events.jsonl");
    home.test()
        .args(["run", "--speed", "50", "--events"])
        .arg(&log)
        .arg(&file)
        .stderr_starts(first_session(false))
        .stderr_ends("sleep well.\n")
        .run();
    let written = events(&std::fs::read_to_string(&log).unwrap());
    assert_eq!(written.len(), 12);
    let done: Vec<_> = written
        .iter()
        .filter(|e| e["event"] == "step_done")
        .map(|e| {
            (
                e["step_index"].as_u64().unwrap(),
                e["elapsed_ms"].as_u64().unwrap() / 1000,
            )
        })
        .collect();
    // Step A's last hold ends at 6 s, step B's at 12 s.
    assert_eq!(done, [(0, 6), (1, 12)]);
    assert_eq!(written.last().unwrap()["event"], "session_finished");
}

#[test]
fn the_first_run_shows_the_disclaimer_once() {
    let home = Home::new();
    let file = home.write("short.toml", SHORT);
    let run = || home.test().args(["run", "--speed", "100"]).arg(&file);
    run()
        .stderr_starts(
            "nocturne guides general self-care stretches; it does not diagnose or treat.",
        )
        .stderr_starts(first_session(false))
        .run();
    run()
        .stderr_lacks("diagnose")
        .stderr_starts(format!("{}{NOTIFY_OFF}", common::SOUND_OFF))
        .run();
}

#[test]
fn the_default_routine_comes_from_the_settings() {
    let home = Home::new();
    home.user_routine("mine", SHORT);
    home.write("config/config.toml", "default_routine = \"mine\"\n");
    let out = home
        .test()
        .args(["run", "--speed", "100", "--events", "-"])
        .stdout_starts("{")
        .stderr_starts(common::first_session_with_settings(false))
        .run();
    assert_eq!(events(&out.stdout)[0]["routine"], "mine");

    Home::new()
        .test()
        .arg("show")
        .stdout_starts("Nightly calf and hamstring stretches (nightly, bundled)")
        .run();
}

#[test]
fn broken_settings_are_reported_and_left_alone() {
    let home = Home::new();
    let text = "# my settings\ndefault_rutine = \"wind-down\"\n";
    let config = home.write("config/config.toml", text);
    home.test()
        .args(["check"])
        .status(2)
        .stdout_with(|text| assert!(text.lines().all(|l| l.ends_with(": ok")), "{text}"))
        .stderr(format!(
            "error: unknown key `default_rutine` in the settings
 --> {}:2:1
  |
2 | default_rutine = \"wind-down\"
  | ^^^^^^^^^^^^^^ did you mean `default_routine`?
  = help: the settings file accepts `default_routine`, `volume`, `notifications`, `snooze`, `terminal`, `reminders`, `voice`, `voice_command`,
          `voice_volume`, `voice_name`, `theme`, `view`, `glass` or `evening_drinks`
",
            config.display()
        ))
        .run();
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);

    // The commands that use the settings for more than one session refuse
    // them too.
    for args in [&["remind", "list"][..], &["remind", "add", "--at", "22:15"]] {
        home.test()
            .args(args)
            .status(2)
            .stderr_starts("error: unknown key `default_rutine`")
            .run();
    }
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);
}

#[test]
fn a_session_runs_with_the_defaults_when_the_settings_have_an_error() {
    let home = Home::new();
    home.user_routine("mine", SHORT);
    // Two mistakes, and a default routine that is not the bundled one.
    let text = "default_routine = \"mine\"\nvolme = 20\nvolume = 300\n";
    let config = home.write("config/config.toml", text);
    let out = home
        .test()
        .args(["run", "--speed", "100", "--events", "-"])
        .stdout_starts("{")
        .stderr_starts("nocturne: the settings have an error, so this session uses the defaults: ")
        .stderr_has(common::first_session_with_settings(false))
        .run();
    let said = &out.stderr;
    let notes: Vec<&str> = said.lines().filter(|l| l.contains("settings")).collect();
    assert_eq!(
        notes,
        [format!(
            "nocturne: the settings have an error, so this session uses the defaults: \
             {}:2:1: unknown key `volme` in the settings (`nocturne check` shows every problem)",
            config.display()
        )],
        "{said}"
    );
    // The defaults: the nightly routine, not the settings' own.
    assert_eq!(events(&out.stdout)[0]["routine"], "nightly");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);

    // `check` tells every problem of the file at once.
    home.test()
        .arg("check")
        .status(2)
        .stdout_with(|text| assert!(text.lines().all(|l| l.ends_with(": ok")), "{text}"))
        .stderr_starts("error: unknown key `volme` in the settings")
        .stderr_has("error: `volume` is 300")
        .run();
}

#[test]
fn an_unknown_routine_gets_a_suggestion() {
    Home::new()
        .test()
        .args(["run", "nightli"])
        .status(2)
        .stderr(
            "error: there is no routine called `nightli`; did you mean `nightly`? `nocturne list` shows them all\n",
        )
        .run();
}

#[test]
fn a_user_routine_shadows_the_bundled_one() {
    let home = Home::new();
    home.user_routine("nightly", SHORT);
    home.test()
        .args(["show", "nightly"])
        .stdout_starts("Short test routine (nightly, ")
        .run();
}

#[test]
fn check_says_ok_for_good_files_and_bundled_names() {
    let home = Home::new();
    let files = ["nightly", "nightly-seated", "wind-down", "cramp"]
        .map(|name| repo(&format!("routines/{name}.toml")));
    home.test()
        .arg("check")
        .args(files)
        .arg("nightly")
        .stdout_with(|text| {
            assert_eq!(text.lines().count(), 5);
            assert!(text.lines().all(|l| l.ends_with(": ok")), "{text}");
        })
        .stdout_has("routines/wind-down.toml: ok")
        .run();
}

/// Each broken example, and the first line of what `check` says about it.
const BROKEN: &[(&str, &str, &str)] = &[
    ("misspelt-key", "unknown key `holds` in step 1", ":5:1"),
    ("missing-hold", "step 1 (\"Calf\") has no `hold`", ":3:1"),
    (
        "zero-hold",
        "the `hold` of step 1 (\"Calf\") is zero",
        ":5:8",
    ),
    (
        "negative-duration",
        "`relax` is not a usable duration: a duration cannot be negative",
        ":6:9",
    ),
    (
        "unparsable-duration",
        "`hold` is not a usable duration: `ten seconds` is not a duration",
        ":5:8",
    ),
    ("zero-reps", "`reps` of step 1 (\"Calf\") is 0", ":6:8"),
    (
        "too-many-reps",
        "`reps` of step 1 (\"Calf\") is 101",
        ":6:8",
    ),
    (
        "long-hold",
        "`hold` is 1h1m; at most 1 hour is accepted",
        ":5:8",
    ),
    (
        "too-long",
        "this routine would last more than 4 hours (it passes 4h5s at step 4)",
        ":14:1",
    ),
    ("no-steps", "this routine has no steps", ":1:1"),
    (
        "too-many-steps",
        "this routine has 201 steps; at most 200 are accepted",
        ":602:1",
    ),
    ("unknown-kind", "unknown kind `strech`", ":5:8"),
    ("unknown-sides", "unknown sides `lefft`", ":6:9"),
    (
        "bad-syntax",
        "this is not valid TOML: unclosed array table, expected `]`",
        ":3:9",
    ),
    ("not-utf8", "this file is not UTF-8 text", ":1:20"),
    (
        "wrong-type",
        "`reps` should be a whole number such as 3",
        ":6:8",
    ),
    ("too-large", "this file is larger than 1 MiB", ""),
    ("unknown-sound", "unknown sound `finnish`", ":4:8"),
    ("unknown-cue", "unknown key `start` in [sounds]", ":4:1"),
    (
        "missing-sound-file",
        "the sound file `no-such-file.ogg` cannot be used: no such file",
        ":8:8",
    ),
    (
        "undecodable-sound",
        "the sound file `../../sounds/not-a-sound.wav` cannot be used: not a sound nocturne can decode (WAV, Ogg Vorbis, FLAC or MP3)",
        ":4:9",
    ),
    ("bad-volume", "`volume` is 150", ":2:10"),
];

#[test]
fn check_explains_every_broken_example() {
    for (name, message, place) in BROKEN {
        let path = repo(&format!("tests/routines/broken/{name}.toml"));
        Home::new()
            .test()
            .arg("check")
            .arg(&path)
            .status(2)
            .stderr_starts(format!("error: {message}\n"))
            .stderr_has(format!("--> {}{place}\n", path.display()))
            .run();
    }
    // Every example in the folder is covered above.
    let files = std::fs::read_dir(repo("tests/routines/broken"))
        .unwrap()
        .count();
    assert_eq!(files, BROKEN.len());
}

#[test]
fn check_shows_the_line_a_caret_and_what_is_accepted() {
    let path = repo("tests/routines/broken/unknown-kind.toml");
    Home::new()
        .test()
        .arg("check")
        .arg(&path)
        .status(2)
        .stderr(format!(
            "error: unknown kind `strech`
 --> {}:5:8
  |
5 | kind = \"strech\"
  |        ^^^^^^^^ did you mean `stretch`?
  = help: kind is one of `stretch`, `massage`, `heat`, `walk`, `hydrate` or `rest`
",
            path.display()
        ))
        .run();
}

#[test]
fn check_reports_all_problems_and_still_passes_good_files() {
    let home = Home::new();
    let good = home.write("good.toml", SHORT);
    let bad = home.write(
        "bad.toml",
        "name = \"Two faults\"\nlead-in = 5\n[[steps]]\nname = \"A\"\nhold = 5\nsids = \"both\"\n",
    );
    home.test()
        .arg("check")
        .arg(&good)
        .arg(&bad)
        .status(2)
        .stdout(format!("{}: ok\n", good.display()))
        .stderr_starts("error: unknown key `lead-in` in this routine")
        .stderr_has("did you mean `lead_in`?")
        .stderr_has("error: unknown key `sids` in step 1")
        .stderr_has("did you mean `sides`?")
        .run();
}

#[test]
fn unreadable_inputs_are_refused_without_hanging() {
    let home = Home::new();
    let dir = home.path("a-folder.toml");
    std::fs::create_dir(&dir).unwrap();
    for path in [
        dir.display().to_string(),
        "/dev/zero".to_owned(),
        home.path("missing.toml").display().to_string(),
    ] {
        home.test()
            .args(["check", &path])
            .status(2)
            .stderr_starts("error: ")
            .stderr_has(format!("--> {path}"))
            .run();
    }
}

#[test]
fn usage_errors_exit_2_and_help_has_examples() {
    let home = Home::new();
    home.test()
        .args(["run", "--speed", "0"])
        .status(2)
        .stderr_starts("error: ")
        .stderr_has("the speed is a number from 0.1 to 1000, such as 30")
        .run();

    // Every numeric flag says its range in words, negative numbers
    // included (never clap's "use '-- -2'").
    for (args, said) in [
        (
            &["run", "--volume", "-2"][..],
            "the volume is a whole number from 0 to 100",
        ),
        (
            &["run", "--volume", "101"],
            "the volume is a whole number from 0 to 100",
        ),
        (
            &["run", "--speed", "-2"],
            "the speed is a number from 0.1 to 1000",
        ),
        (
            &["sounds", "play", "relax", "--volume", "loud"],
            "the volume is a whole number from 0 to 100",
        ),
        (
            &["log", "--pain", "-1"],
            "the pain score is a whole number from 0 to 10",
        ),
        (
            &["journal", "--nights", "-3"],
            "the number of nights is a whole number from 1 to 65535",
        ),
        (
            &["stats", "--weeks", "0"],
            "the number of weeks is a whole number from 1 to 520",
        ),
        (
            &["remind", "next", "--count", "-5"],
            "the count is a whole number from 1 to 1000",
        ),
        (
            &["notifications", "test", "--wait", "-1"],
            "the wait (in seconds) is a whole number from 1 to 3600",
        ),
        (
            &["remind", "remove", "-2"],
            "a reminder's number is a whole number from 1 to 9999",
        ),
    ] {
        home.test()
            .args(args)
            .status(2)
            .stderr_starts("error: ")
            .stderr_has(said)
            .stderr_lacks("-- -")
            .stderr_lacks("invalid digit")
            .run();
    }

    home.test()
        .arg("--help")
        .stdout_has("Examples:\n  nocturne run ")
        .run();
    for sub in [
        &["run"][..],
        &["list"],
        &["show"],
        &["check"],
        &["sounds"],
        &["sounds", "play"],
        &["notifications"],
        &["remind"],
        &["remind", "add"],
    ] {
        home.test()
            .args(sub)
            .arg("--help")
            .stdout_has("\nExamples:\n  nocturne ")
            .run();
    }
    home.test()
        .arg("--version")
        .stdout(format!("nocturne {}\n", env!("CARGO_PKG_VERSION")))
        .run();
}

#[test]
fn ctrl_c_ends_the_session_with_its_summary_and_exit_130() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let home = Home::new();
    let mut child = home
        .nocturne()
        .args(["run", "wind-down", "--events", "-"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Should the program ever not end, end it, so the test fails rather
    // than hangs. Once the test is over (`_done` dropped), it does nothing.
    let pid = child.id().to_string();
    let (_done, over) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
            over.recv_timeout(std::time::Duration::from_secs(60))
        {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid])
                .status();
        }
    });
    // Wait for the session to be under way before interrupting it.
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains("session_started"), "{first}");
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130));
    let last = events(rest.last().unwrap())[0].clone();
    assert_eq!(last["event"], "session_finished");
    assert_eq!(last["completed"], false);
    assert_eq!(last["interrupted"], true);
    let text = stderr(&output);
    assert!(text.starts_with(&first_session(false)), "{text}");
    assert!(
        text.contains("Ended early at 0:00: 0 of 9 steps done."),
        "{text}"
    );
    assert!(
        text.ends_with("Every stretch counts. Sleep well.\n"),
        "{text}"
    );
}

#[test]
fn nothing_in_a_file_can_steer_the_terminal() {
    let home = Home::new();
    let file = home.write(
        "sly.toml",
        "name = \"x\"\n\"\\u001b]0;title\\u0007\" = 1\n[[steps]]\nname = \"a\"\nhold = \"\\u001b[2J\"\nkind = \"\\u001b[31mred\"\n",
    );
    home.test()
        .arg("check")
        .arg(&file)
        .status(2)
        .stderr_lacks("\u{1b}")
        .stderr_lacks("\u{7}")
        .stderr_starts("error: unknown key `\u{fffd}]0;title\u{fffd}` in this routine")
        .run();
}

#[test]
fn a_file_with_thousands_of_problems_shows_the_first_twenty() {
    let home = Home::new();
    let keys: String = (0..5000).map(|i| format!("key{i} = 1\n")).collect();
    let file = home.write("many.toml", &keys);
    home.test()
        .arg("check")
        .arg(&file)
        .status(2)
        .stderr_starts("error: ")
        .stderr_with(|text| assert_eq!(text.matches("\nerror: ").count() + 1, 20, "{text}"))
        .stderr_ends(format!(
            "... and 4982 more problems in {}\n",
            file.display()
        ))
        .run();
}

#[test]
fn a_huge_argument_is_quoted_short() {
    let home = Home::new();
    let huge = "x".repeat(20_000);
    let at = format!("03:{huge}");
    let file = format!("{huge}.wav");
    let cases: [&[&str]; 7] = [
        &["sounds", "play", &huge],
        &["sounds", "play", &file],
        &["remind", "next", "--after", &huge],
        &["log", "--at", &at],
        &["journal", "delete", &huge, "--yes"],
        &["edit", &huge],
        &["run", &huge],
    ];
    for args in cases {
        let command = args[0].to_owned();
        home.test()
            .args(args)
            .status(2)
            .stderr_starts("error: ")
            .stderr_has("xxx…")
            .stderr_with(move |said| {
                for line in said.lines() {
                    assert!(
                        line.chars().count() <= 240,
                        "{command}: a line of {}",
                        line.len()
                    );
                }
            })
            .run();
    }
}
