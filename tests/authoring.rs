//! Making routines your own, through the real binary: `new`, `edit` (with
//! an editor that is a script), `check` of everything, the JSON Schema,
//! shell completions and the manual page.

#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

use common::{Home, bin, repo, scripted_editor, stderr, stdout};

fn nightly_text() -> String {
    std::fs::read_to_string(repo("routines/nightly.toml")).unwrap()
}

#[test]
fn new_starts_from_a_template_or_a_copy_and_never_overwrites() {
    let home = Home::new();
    let path = home.config().join("routines").join("my-calves.toml");
    home.test()
        .args(["new", "my-calves"])
        .stdout(format!("{}\n", path.display()))
        .run();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("#:schema ./routine.schema.json\n"));
    // The schema the first line points to is beside it.
    let schema = home.config().join("routines").join("routine.schema.json");
    assert!(
        std::fs::read_to_string(&schema)
            .unwrap()
            .contains("\"A nocturne routine\"")
    );
    home.test()
        .args(["check", "my-calves"])
        .stdout(format!("{}: ok\n", path.display()))
        .run();

    std::fs::write(
        &path,
        "name = \"Mine, changed\"\n[[steps]]\nname = \"a\"\nhold = 5\n",
    )
    .unwrap();
    home.test()
        .args(["new", "my-calves"])
        .status(2)
        .stderr_starts("error: ")
        .stderr_has("already exists")
        .run();
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("name = \"Mine, changed\"")
    );

    let copied = home.config().join("routines").join("gentler.toml");
    home.test()
        .args(["new", "gentler", "--from", "nightly"])
        .stdout(format!("{}\n", copied.display()))
        .stderr("")
        .run();
    assert_eq!(std::fs::read_to_string(copied).unwrap(), nightly_text());

    // A bundled routine's name is allowed, and said to hide that routine.
    home.test()
        .args(["new", "nightly"])
        .stdout(format!(
            "{}\n",
            home.config()
                .join("routines")
                .join("nightly.toml")
                .display()
        ))
        .stderr(
            "note: it takes the place of the bundled nightly routine; delete the file to have that \
             one back\n",
        )
        .run();

    home.test()
        .args(["new", "../outside"])
        .status(2)
        .stderr_starts("error: ")
        .run();
}

const VALID: &str = "name = \"Edited\"\n[[steps]]\nname = \"Calf\"\nhold = \"20s\"\n";
const INVALID: &str = "name = \"Edited\"\n[[steps]]\nname = \"Calf\"\nholds = \"20s\"\n";

#[test]
fn edit_checks_the_routine_when_the_editor_closes() {
    let home = Home::new();
    home.user_routine(
        "mine",
        "name = \"Mine\"\n[[steps]]\nname = \"a\"\nhold = 5\n",
    );
    let path = home.config().join("routines").join("mine.toml");

    // A valid change stays.
    let out = home
        .nocturne()
        .env("EDITOR", scripted_editor(&home.path("valid"), &[VALID]))
        .env_remove("VISUAL")
        .args(["edit", "mine"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), format!("{}: ok\n", path.display()));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), VALID);

    // An editor that saves and then quits with an error (vim's `:cq`)
    // means "never mind", as it does for `git commit`.
    let quitter = home.write(
        "quitter/editor.sh",
        &format!("#!/bin/sh\nprintf '%s' '{INVALID}' > \"$1\"\nexit 1\n"),
    );
    Command::new("chmod")
        .arg("+x")
        .arg(&quitter)
        .status()
        .unwrap();
    home.test()
        .env("VISUAL", &quitter)
        .args(["edit", "mine"])
        .status(1)
        .stderr_has("exit status: 1, so the change was not kept")
        .run();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), VALID);

    // A routine elsewhere, named by its path, gets no schema beside it.
    let elsewhere = home.write("elsewhere/calves.toml", VALID);
    home.test()
        .env("VISUAL", scripted_editor(&home.path("again"), &[VALID]))
        .arg("edit")
        .arg(&elsewhere)
        .stderr(format!("{}: ok\n", elsewhere.display()))
        .run();
    let beside: Vec<_> = std::fs::read_dir(home.path("elsewhere"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside, ["calves.toml"]);
}

#[test]
fn an_invalid_edit_without_a_terminal_is_discarded() {
    let home = Home::new();
    let original = "name = \"Mine\"   # as I wrote it\n[[steps]]\nname = \"a\"\nhold = 5\n";
    home.user_routine("mine", original);
    let path = home.config().join("routines").join("mine.toml");
    let dir = home.path("invalid");
    std::fs::create_dir_all(&dir).unwrap();
    home.test()
        .env("VISUAL", scripted_editor(&dir, &[INVALID]))
        .args(["edit", "mine"])
        .status(2)
        .stderr_starts("error: unknown key `holds` in step 1")
        .stderr_ends(format!(
            "Discarded the change; {} is as it was.\n",
            path.display()
        ))
        .run();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), original);

    // A bundled routine is copied first; discarding removes the copy.
    let dir = home.path("bundled");
    std::fs::create_dir_all(&dir).unwrap();
    home.test()
        .env("VISUAL", scripted_editor(&dir, &[INVALID]))
        .args(["edit", "wind-down"])
        .status(2)
        .stderr_starts(format!(
            "Copied the bundled wind-down routine to {} to edit it.\n\
             error: unknown key `holds` in step 1\n",
            home.config()
                .join("routines")
                .join("wind-down.toml")
                .display()
        ))
        .stderr_ends(" is as it was.\n")
        .run();
    assert!(
        !home
            .config()
            .join("routines")
            .join("wind-down.toml")
            .exists()
    );
}

#[test]
fn check_with_no_files_checks_the_settings_and_every_routine() {
    let home = Home::new();
    home.test()
        .arg("check")
        .stdout_starts("Nothing to check")
        .run();

    home.write("config/config.toml", "volume = 30\n");
    home.user_routine("nightly", VALID);
    home.user_routine("mine", VALID);
    let routines = home.config().join("routines");
    home.test()
        .arg("check")
        .stdout(format!(
            "{}: ok\n{}: ok\n{}: ok (it replaces the bundled nightly routine)\n",
            home.config().join("config.toml").display(),
            routines.join("mine.toml").display(),
            routines.join("nightly.toml").display(),
        ))
        .run();
    home.user_routine("broken", INVALID);
    home.test()
        .arg("check")
        .status(2)
        .stdout_has(": ok\n")
        .stderr_starts("error: unknown key `holds`")
        .run();

    // Routines the settings name must exist (a broken one still exists).
    home.write(
        "config/config.toml",
        "default_routine = \"broken\"\n\n[[reminders]]\nat = \"22:15\"\nroutine = \"mien\"\n",
    );
    home.test()
        .arg("check")
        .status(2)
        .stdout_has(": ok\n")
        .stderr_has(format!(
            "error: reminder 1 names the routine `mien`, which was not found\n --> {}:5:11\n",
            home.config().join("config.toml").display()
        ))
        .stderr_has("help: did you mean `mine`?")
        .stderr_lacks("`default_routine`")
        .run();
}

fn schema(home: &Home, what: &str) -> jsonschema::Validator {
    let out = home.test().args(["schema", what]).stdout_starts("{").run();
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    jsonschema::draft7::new(&schema).unwrap()
}

fn as_json(text: &str) -> Option<serde_json::Value> {
    let value: toml::Value = toml::from_str(text).ok()?;
    Some(serde_json::to_value(value).unwrap())
}

#[test]
fn the_schema_accepts_every_bundled_routine_and_rejects_the_broken_ones() {
    let home = Home::new();
    let routine = schema(&home, "routine");
    for name in ["nightly", "nightly-seated", "wind-down", "cramp"] {
        let text = std::fs::read_to_string(repo(&format!("routines/{name}.toml"))).unwrap();
        let errors: Vec<String> = routine
            .iter_errors(&as_json(&text).unwrap())
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    // Limits that take arithmetic (a hold over an hour written in minutes,
    // a routine over four hours) and sound files on disk are for
    // `nocturne check` alone; the rest the schema rejects as well.
    let only_check = [
        "long-hold",
        "too-long",
        "missing-sound-file",
        "undecodable-sound",
    ];
    for entry in std::fs::read_dir(repo("tests/routines/broken")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if only_check.contains(&name.as_str()) {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        // Not text, or not TOML: no editor would get as far as the schema.
        let Some(json) = String::from_utf8(bytes)
            .ok()
            .filter(|t| t.len() < 1_000_000)
            .and_then(|t| as_json(&t))
        else {
            continue;
        };
        assert!(!routine.is_valid(&json), "{name} should be rejected");
    }
    let config = schema(&home, "config");
    let good = as_json("volume = 30\n[[reminders]]\nat = \"22:15\"\ndays = \"mon-fri\"\n").unwrap();
    assert!(config.is_valid(&good));
    // Each mistake alone, so that every one of them is seen to be caught.
    for bad in [
        "volume = 130\n",
        "[[reminders]]\nat = \"25:00\"\n",
        "[[reminders]]\nat = \"22:15\"\ngrace = \"\"\n",
        "[[reminders]]\nevery = 100000\nfrom = \"18:00\"\nuntil = \"21:00\"\n",
        "[[reminders]]\nevery = \"0m\"\nfrom = \"18:00\"\nuntil = \"21:00\"\n",
        "snooze = 0\n",
        "snooze = \"  \"\n",
    ] {
        assert!(!config.is_valid(&as_json(bad).unwrap()), "{bad:?}");
        // And `nocturne` refuses them too.
        home.write("config/config.toml", bad);
        home.test()
            .args(["remind", "list"])
            .status(2)
            .stderr_starts("error: ")
            .stderr_has("config.toml:")
            .run();
    }
}

#[test]
fn completions_for_every_shell_and_routine_names_in_bash() {
    let home = Home::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        home.test()
            .args(["completions", shell])
            .stdout_has("nocturne")
            .run();
    }
    home.user_routine("my-calves", VALID);
    let path = format!(
        "{}:{}",
        bin().parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = home
        .test()
        .env("PATH", path)
        .args(["completions", "bash"])
        .stdout_has("_nocturne_with_routines")
        .run();
    let script = home.write("completion.bash", &out.stdout);
    let complete = |words: &str| {
        let out = Command::new("bash")
            .env("PATH", format!("{}:/usr/bin:/bin", bin().parent().unwrap().display()))
            .env("NOCTURNE_CONFIG_DIR", home.config())
            .arg("-c")
            .arg(format!(
                "source '{}'; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
                 COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}; \
                 _nocturne_with_routines nocturne \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
                 printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                script.display()
            ))
            .output()
            .unwrap();
        let mut words: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(String::from)
            .collect();
        words.sort();
        words
    };
    assert_eq!(
        complete("nocturne run ''"),
        [
            "cramp",
            "my-calves",
            "nightly",
            "nightly-seated",
            "wind-down"
        ]
    );
    assert_eq!(complete("nocturne show nig"), ["nightly", "nightly-seated"]);
    assert!(complete("nocturne ''").contains(&"run".to_owned()));
}

#[test]
fn the_manual_page_is_one_whole_page() {
    let page = Home::new()
        .test()
        .arg("man")
        .stdout_starts(".TH NOCTURNE 1 ")
        .run()
        .stdout;
    // It sends the reader to no other page of nocturne's.
    assert!(!page.contains("nocturne\\-"), "a reference to another page");
    // Every command, with its options, and the sections a manual has.
    for command in [
        "nocturne run [OPTIONS] [ROUTINE]",
        "nocturne list",
        "nocturne show [ROUTINE]",
        "nocturne sounds [COMMAND]",
        "nocturne sounds play [OPTIONS] NAME",
        "nocturne voice test [TEXT]",
        "nocturne voice list [OPTIONS] [ROUTINE]",
        "nocturne notifications test [OPTIONS]",
        "nocturne log [OPTIONS] [COMMAND]",
        "nocturne log drink [OPTIONS]",
        "nocturne journal [OPTIONS] [COMMAND]",
        "nocturne journal export [OPTIONS]",
        "nocturne journal import [OPTIONS] FILE",
        "nocturne journal delete [OPTIONS] ID",
        "nocturne stats [OPTIONS]",
        "nocturne remind add [OPTIONS]",
        "nocturne remind list",
        "nocturne remind remove ID",
        "nocturne remind next [OPTIONS]",
        "nocturne remind daemon",
        "nocturne remind install [OPTIONS]",
        "nocturne remind uninstall",
        "nocturne check [FILE...]",
        "nocturne new [OPTIONS] NAME",
        "nocturne edit ROUTINE",
        "nocturne schema WHAT",
        "nocturne completions SHELL",
        "nocturne man",
    ] {
        let heading = format!(".SS \"{}\"\n", command.replace('-', "\\-"));
        assert!(page.contains(&heading), "no {heading} in the page");
    }
    for option in [
        "speed",
        "events",
        "volume",
        "mute",
        "no\\-notify",
        "no\\-voice",
        "wait",
        "at",
        "leg",
        "lasted",
        "swelling",
        "nights",
        "format",
        "output",
        "yes",
        "weeks",
        "every",
        "until",
        "days",
        "routine",
        "message",
        "count",
        "after",
        "json",
        "print",
        "from",
        "color",
    ] {
        assert!(
            page.contains(&format!("\\fB\\-\\-{option}\\fR")),
            "--{option}"
        );
    }
    for section in ["KEYS", "FILES", "ENVIRONMENT", "EXIT STATUS", "EXAMPLES"] {
        assert!(page.contains(&format!(".SH {section}\n")), "{section}");
    }

    // groff reads it without a warning, and a reader sees plain words.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nocturne.1");
    std::fs::write(&file, &page).unwrap();
    let shown = std::process::Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-P", "-cbou"])
        .arg(&file)
        .output()
        .expect("groff runs (the CI script installs groff-base)");
    assert!(shown.status.success());
    assert_eq!(stderr(&shown), "");
    let text = stdout(&shown);
    assert!(
        text.contains("nocturne journal delete [OPTIONS] ID"),
        "{text}"
    );
    assert!(text.contains("--at WHEN"), "{text}");
    assert!(text.contains("130"), "{text}");
}

/// Whether `nocturne check` accepts `text` as the settings file.
fn settings_accepted(home: &Home, text: &str) -> bool {
    home.write("config/config.toml", text);
    check_accepts(home, None, text)
}

/// Whether `nocturne check` accepts `text` as a routine file.
fn routine_accepted(home: &Home, text: &str) -> bool {
    let file = home.write("routine-under-test.toml", text);
    check_accepts(home, Some(&file), text)
}

/// Whether `nocturne check` (of `file`, or of everything) passes: it
/// either says only "ok" or refuses with an error, nothing in between.
fn check_accepts(home: &Home, file: Option<&std::path::Path>, text: &str) -> bool {
    let out = home.nocturne().arg("check").args(file).output().unwrap();
    let (printed, said) = (stdout(&out), stderr(&out));
    match out.status.code() {
        Some(0) => {
            assert!(
                said.is_empty() && printed.lines().all(|l| l.ends_with(": ok")),
                "{text:?}: {printed}{said}"
            );
            true
        }
        Some(2) => {
            assert!(said.starts_with("error: "), "{text:?}: {said}");
            false
        }
        code => panic!("{text:?}: exit {code:?}\n{said}"),
    }
}

#[test]
fn the_schema_and_the_loader_follow_one_rule_for_each_value() {
    let home = Home::new();
    let config = schema(&home, "config");
    let routine = schema(&home, "routine");
    let mut disagree = Vec::new();
    let mut settings = |text: String| {
        let by_schema = config.is_valid(&as_json(&text).unwrap());
        if by_schema != settings_accepted(&home, &text) {
            disagree.push(format!("settings {text:?}: schema says {by_schema}"));
        }
    };
    // Clock times: minutes and seconds in two digits.
    for at in [
        "22:15",
        "7:05",
        "07:05",
        "22:15:30",
        " 22:15 ",
        "0:00",
        "23:59:59",
        "7:5",
        "07:5",
        "7:05:3",
        "24:00",
        "22:60",
        "22:15:60",
        "2215",
        "",
        "22:15:30:00",
        "007:05",
        "٢٢:١٥",
    ] {
        settings(format!("[[reminders]]\nat = \"{at}\"\n"));
    }
    // Days, written as text or as a list.
    for days in [
        "\"mon-fri\"",
        "\"Sat, SUN\"",
        "\"fri-mon\"",
        "\"daily\"",
        "\"Every Day\"",
        "\"all\"",
        "\"mon - fri\"",
        "\"monday,wednesday\"",
        "\",mon,,\"",
        "[\"sat\", \"sun\"]",
        "[\"\", \"mon\"]",
        "\"moon\"",
        "\"\"",
        "\" , \"",
        "[]",
        "[\"\"]",
        "\"mon tue\"",
        "\"mon-tue-wed\"",
        "\"everyday\"",
        "\"every  day\"",
        "\"mon-\"",
        "[\"mon\", \"sum\"]",
    ] {
        settings(format!("[[reminders]]\nat = \"22:15\"\ndays = {days}\n"));
    }
    // The two shapes of a reminder, and what is neither.
    for body in [
        "at = \"22:15\"",
        "every = \"45m\"\nfrom = \"18:00\"\nuntil = \"21:30\"",
        "at = \"22:15\"\nevery = \"45m\"",
        "at = \"22:15\"\nfrom = \"18:00\"",
        "every = \"45m\"\nfrom = \"18:00\"",
        "every = \"45m\"\nuntil = \"18:00\"",
        "from = \"18:00\"\nuntil = \"19:00\"",
        "days = \"mon\"",
        "message = \"a\"",
    ] {
        settings(format!("[[reminders]]\n{body}\n"));
    }
    // Names and one-line words.
    for name in ["\"nightly\"", "\"\"", "\"  \""] {
        settings(format!("default_routine = {name}\n"));
    }
    // The voice's keys.
    for line in [
        "voice = \"on\"",
        "voice = \"off\"",
        "voice = \"loud\"",
        "voice = true",
        "voice_volume = 0",
        "voice_volume = 101",
        "voice_name = \"en-gb\"",
        "voice_name = \" \"",
        "voice_name = \"-x\"",
        "voice_command = [\"piper\", \"--output_file\", \"{wav}\"]",
        "voice_command = [\"piper\"]",
        "voice_command = []",
        "voice_command = [\" \", \"{wav}\"]",
        "[voice]\nenabled = false",
        "[voice]\nenabled = \"no\"",
        "[voice.phrases]\nhold = \"Halten.\"",
        "[voice.phrases]\nhold = \"\"",
        "[voice.phrases]\nhodl = \"Halten.\"",
        "[voice.phrases]\nnumbers = [\"Eins\", \"Zwei\"]",
        "[voice.phrases]\nnumbers = []",
        "[voice.phrases]\nnumbers = \"Eins\"",
        "[voice.phrases]\nrest = [\"Ruhe\"]",
    ] {
        settings(format!("{line}\n"));
    }
    for message in [
        "\"Drink\"",
        "\"\"",
        "\"a\\tb\"",
        "\"a\\nb\"",
        "\"a\\u001bb\"",
    ] {
        settings(format!(
            "[[reminders]]\nat = \"22:15\"\nmessage = {message}\n"
        ));
    }
    // Durations of one unit are bounded exactly (the lower bound of
    // `every`, one minute, is for `nocturne check` alone).
    for snooze in [
        "\"10m\"",
        "\"24h\"",
        "\"25h\"",
        "\"1440m\"",
        "\"1441m\"",
        "\"86400s\"",
        "\"86401s\"",
        "\"86400\"",
        "\"86401\"",
        "\"0m\"",
        "\"0\"",
        "\" 1 m 30 s \"",
        "\"30s1m\"",
        "\"1.5s\"",
        "\"-5s\"",
        "\"\"",
        "\"1mins\"",
        "\"1 min\"",
        "\"2 sec\"",
        "86400",
        "86401",
        "0",
        "\"\\n5m\\n\"",
        "\"\\n0m\"",
    ] {
        settings(format!("snooze = {snooze}\n"));
    }
    for grace in ["\"0s\"", "\"24h\"", "\"25h\"", "\"1441m\"", "0", "86401"] {
        settings(format!("[[reminders]]\nat = \"22:15\"\ngrace = {grace}\n"));
    }
    for every in [
        "\"1m\"",
        "\"24h\"",
        "\"25h\"",
        "\"1441m\"",
        "\"0m\"",
        "86401",
    ] {
        settings(format!(
            "[[reminders]]\nevery = {every}\nfrom = \"00:00\"\nuntil = \"23:00\"\n"
        ));
    }

    let mut routines = |text: String| {
        let by_schema = routine.is_valid(&as_json(&text).unwrap());
        if by_schema != routine_accepted(&home, &text) {
            disagree.push(format!("routine {text:?}: schema says {by_schema}"));
        }
    };
    for name in [
        "\"Mine\"",
        "\"\"",
        "\"  \"",
        "\" x \"",
        "\"a\\tb\"",
        "\"a\\u001bb\"",
        "\"a\\nb\"",
    ] {
        routines(format!(
            "name = {name}\n[[steps]]\nname = \"a\"\nhold = 1\n"
        ));
        routines(format!(
            "name = \"x\"\n[[steps]]\nname = {name}\nhold = 1\n"
        ));
    }
    for text in ["\"a\\nb\\tc\"", "\"a\\u0007b\""] {
        routines(format!(
            "name = \"x\"\n[[steps]]\nname = \"a\"\nhold = 1\ninstructions = {text}\n"
        ));
    }
    for hold in [
        "\"10s\"",
        "\"1h\"",
        "\"2h\"",
        "\"60m\"",
        "\"61m\"",
        "\"3600s\"",
        "\"3601s\"",
        "\"3600\"",
        "\"3601\"",
        "\"0s\"",
        "\"0\"",
        "\"00010s\"",
        "\"0h0m5s\"",
        "\"1 m 30 s\"",
        "\"30s1m\"",
        "\"1.5s\"",
        "\"-5s\"",
        "\"\"",
        "3600",
        "3601",
        "0",
    ] {
        routines(format!(
            "name = \"x\"\n[[steps]]\nname = \"a\"\nhold = {hold}\n"
        ));
    }
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
}

#[test]
fn the_schema_accepts_whatever_nocturne_accepts_in_the_fuzz_corpus() {
    let home = Home::new();
    let validators = [
        ("routine", schema(&home, "routine")),
        ("config", schema(&home, "config")),
    ];
    let mut accepted = 0;
    for (what, validator) in &validators {
        for entry in std::fs::read_dir(repo(&format!("tests/fuzz/corpus/{what}"))).unwrap() {
            let path = entry.unwrap().path();
            let Some(text) = std::fs::read(&path)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
            else {
                continue;
            };
            let ok = if *what == "routine" {
                routine_accepted(&home, &text)
            } else {
                settings_accepted(&home, &text)
            };
            if ok {
                accepted += 1;
                let json = as_json(&text).unwrap();
                let errors: Vec<String> = validator
                    .iter_errors(&json)
                    .map(|e| e.to_string())
                    .collect();
                assert!(errors.is_empty(), "{}: {errors:?}", path.display());
            }
        }
    }
    assert!(
        accepted >= 10,
        "only {accepted} accepted files in the corpus"
    );
}

#[test]
fn remind_add_starts_a_new_settings_file_with_its_schema() {
    let home = Home::new();
    home.test()
        .args(["remind", "add", "--at", "22:15", "--days", "mon-fri"])
        .stderr_starts("Added reminder 1: at 22:15, mon-fri; next ")
        .run();
    let config = home.config().join("config.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.starts_with("#:schema ./config.schema.json\n[[reminders]]\n"),
        "{text}"
    );
    // The file the line points to is there, is the schema nocturne prints,
    // and accepts what `remind add` wrote.
    let written: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(home.config().join("config.schema.json")).unwrap(),
    )
    .unwrap();
    let printed = home
        .test()
        .args(["schema", "config"])
        .stdout_starts("{")
        .run();
    assert_eq!(
        written,
        serde_json::from_str::<serde_json::Value>(&printed.stdout).unwrap()
    );
    let validator = jsonschema::draft7::new(&written).unwrap();
    assert!(validator.is_valid(&as_json(&text).unwrap()));

    // A file the user already has gets no such line.
    let mine = "volume = 30\n";
    home.write("config/config.toml", mine);
    home.test()
        .args(["remind", "add", "--at", "21:00"])
        .stderr_starts("Added reminder 1: at 21:00, every day; next ")
        .run();
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.starts_with(mine) && !text.contains("#:schema"),
        "{text}"
    );
}
