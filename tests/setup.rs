//! `nocturne setup` with flags, as a script would run it: what it writes
//! into a new settings file, what it keeps of an existing one, and what it
//! refuses without touching anything. (At a terminal: tests/terminal.rs.)

#![allow(clippy::unwrap_used)]

mod common;

use common::Home;

const NEXT_STEPS: &str =
    "\nTonight:               nocturne run\nHow it is going:       nocturne stats\n";

#[test]
fn flags_write_a_new_settings_file_with_every_choice() {
    let home = Home::new();
    home.test()
        .args([
            "setup",
            "--routine",
            "nightly",
            "--volume",
            "30",
            "--voice",
            "off",
        ])
        .args([
            "--notifications",
            "all",
            "--bedtime",
            "22:15",
            "--days",
            "mon-fri",
        ])
        .args(["--water", "18:00-21:00/45m", "--install", "no", "--yes"])
        .stdout(NEXT_STEPS)
        .stderr_has("  bedtime reminder      22:15 on mon-fri\n")
        .run();
    let config = home.config().join("config.toml");
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "#:schema ./config.schema.json
default_routine = \"nightly\"
volume = 30
voice = \"off\"
notifications = \"all\"

[[reminders]]
at = \"22:15\"
days = \"mon-fri\"

[[reminders]]
every = \"45m\"
from = \"18:00\"
until = \"21:00\"
message = \"Time for a small drink of water\"
"
    );
    assert!(home.config().join("config.schema.json").exists());
    // The settings check out, and the reminders are the ones asked for.
    home.test()
        .args(["check"])
        .stdout(format!("{}: ok\n", config.display()))
        .run();
    home.test()
        .args(["remind", "list"])
        .stdout_with(|text| {
            assert!(text.contains("at 22:15, mon-fri"), "{text}");
            assert!(text.contains("every 45m from 18:00 until 21:00"), "{text}");
        })
        .run();
}

const MINE: &str = "# my settings, as I like them
volume   =  25   # quiet!
snooze = \"15m\"

[[reminders]]
# bedtime
at = \"22:15\"
days = [ \"mon-fri\" ]

[[reminders]]
at = \"07:30\"
message = \"Stretch after waking\"
";

#[test]
fn an_existing_file_keeps_every_byte_outside_what_changed() {
    let home = Home::new();
    let config = home.write("config/config.toml", MINE);
    home.test()
        .args(["setup", "--volume", "20", "--bedtime", "22:45", "--yes"])
        .stdout(NEXT_STEPS)
        .stderr_has("Setup will keep everything else in")
        .run();
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        MINE.replace("=  25   # quiet!", "=  20   # quiet!")
            .replace("at = \"22:15\"", "at = \"22:45\"")
    );
    // Water added, bedtime removed: the morning reminder stays as it was.
    home.test()
        .args([
            "setup",
            "--bedtime",
            "none",
            "--water",
            "19:00-21:00/1h",
            "--yes",
        ])
        .stdout(NEXT_STEPS)
        .stderr_has("  water reminders       every 1h from 19:00 to 21:00\n")
        .run();
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "# my settings, as I like them
volume   =  20   # quiet!
snooze = \"15m\"

[[reminders]]
at = \"07:30\"
message = \"Stretch after waking\"

[[reminders]]
every = \"1h\"
from = \"19:00\"
until = \"21:00\"
message = \"Time for a small drink of water\"
"
    );
    // Run again with nothing new: nothing changes.
    let before = std::fs::read_to_string(&config).unwrap();
    home.test()
        .args(["setup", "--yes"])
        .stdout(NEXT_STEPS)
        .stderr_has("Nothing to change: the settings already say all this.\n")
        .run();
    assert_eq!(std::fs::read_to_string(&config).unwrap(), before);
}

#[test]
fn invalid_choices_are_refused_and_nothing_is_written() {
    let home = Home::new();
    let config = home.write("config/config.toml", MINE);
    let refused = [
        (
            vec!["--volume", "300"],
            "invalid value '300' for '--volume <0..100>': the volume is a whole number from 0 to 100",
        ),
        (vec!["--bedtime", "25:00"], "'--bedtime <TIME|none>'"),
        (vec!["--days", "someday"], "'--days <DAYS>'"),
        (
            vec!["--water", "21:00-18:00"],
            "the water window must end after it starts, on the same day",
        ),
        (
            vec!["--routine", "nosuch"],
            "--routine: there is no routine called `nosuch`",
        ),
        (vec!["--voice", "loud"], "'--voice <VOICE>'"),
    ];
    for (args, said) in refused {
        home.test()
            .arg("setup")
            .args(&args)
            .arg("--yes")
            .status(2)
            .stderr_has(said)
            .run();
        assert_eq!(std::fs::read_to_string(&config).unwrap(), MINE, "{args:?}");
    }
    // A routine the settings name that is gone is named as theirs.
    let gone = home.write("config/config.toml", "default_routine = \"gone\"\n");
    home.test()
        .args(["setup", "--volume", "20", "--yes"])
        .status(2)
        .stderr_has("`default_routine` in the settings: there is no routine called `gone`")
        .run();
    assert_eq!(
        std::fs::read_to_string(&gone).unwrap(),
        "default_routine = \"gone\"\n"
    );
    home.test()
        .args(["setup", "--routine", "wind-down", "--yes"])
        .stderr_has("Wrote ")
        .stdout(NEXT_STEPS)
        .run();
    let config = home.write("config/config.toml", MINE);

    // Without a terminal to ask at, nothing is written without --yes.
    home.test()
        .args(["setup", "--volume", "10"])
        .status(2)
        .stderr_has("nothing was written; there is no terminal to ask at, so add --yes")
        .run();
    assert_eq!(std::fs::read_to_string(&config).unwrap(), MINE);
}

#[test]
fn broken_settings_are_left_alone_and_reset_keeps_a_copy() {
    let home = Home::new();
    let broken = "volume = 25\nvolum = 3\n";
    let config = home.write("config/config.toml", broken);
    home.test()
        .args(["setup", "--volume", "30", "--yes"])
        .status(2)
        .stderr_has("unknown key `volum`")
        .stderr_has("(`nocturne check` lists them), or start again from the defaults with `nocturne setup --reset`")
        .run();
    assert_eq!(std::fs::read_to_string(&config).unwrap(), broken);

    home.test()
        .args([
            "setup", "--reset", "--volume", "30", "--water", "none", "--yes",
        ])
        .stdout(NEXT_STEPS)
        .stderr_has("The old settings are kept in")
        .run();
    assert_eq!(
        std::fs::read_to_string(config.with_file_name("config.toml.bak")).unwrap(),
        broken
    );
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "#:schema ./config.schema.json
default_routine = \"nightly\"
volume = 30
voice = \"on\"
notifications = \"all\"

[[reminders]]
at = \"22:00\"
"
    );
}

#[test]
fn the_first_session_without_settings_suggests_setup_once() {
    let home = Home::new();
    let routine = home.write("short.toml", common::SHORT);
    let run = || {
        home.test()
            .args(["run"])
            .arg(&routine)
            .args(["--speed", "100", "--mute"])
            .stderr_has("Finished in")
            .run()
    };
    let first = run();
    assert!(
        first
            .stderr
            .starts_with(&format!("{}{}", common::NOTE, common::SETUP_SUGGESTION))
    );
    let second = run();
    assert!(
        !second.stderr.contains("nocturne setup"),
        "{}",
        second.stderr
    );
}
