//! `nocturne status`: what a user sees of this machine's parts, marked ok,
//! note or problem, as text and as JSON, and the exit code that follows.
//! Each part is made real or missing on purpose: a private bus with the
//! stand-in notification server or none, an ALSA card that is a pipe or
//! none, a PATH with or without a speech engine and a terminal.

#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::audio::Card;
use common::bus::Bus;
use common::{Home, Test};

/// `status` (with `args`) in `home`, with a PATH that holds nothing
/// (no speech engine, no terminal) and no TERMINAL, on `bus` or on none.
fn status(home: &Home, bus: Option<&Bus>, args: &[&str]) -> Test {
    let nowhere = home.path("empty-bin");
    std::fs::create_dir_all(&nowhere).unwrap();
    let mut cmd = home.nocturne();
    cmd.env("PATH", &nowhere)
        .env_remove("TERMINAL")
        .env("XDG_CONFIG_HOME", home.path(".config"))
        .env("TZ", "UTC")
        .arg("status")
        .args(args);
    if let Some(bus) = bus {
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &bus.address);
    }
    Test::new(cmd)
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// The part called `name` of `status --json`'s object.
fn part<'a>(object: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    object["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["part"] == name)
        .unwrap_or_else(|| panic!("no part {name} in {object}"))
}

const NO_SOUND: &str = "\
problem  sound          no audio device is available
                        sessions still run on the screen, without cues or the voice
                        test: nocturne sounds play hold
";

const NO_VOICE: &str = "\
note     voice          no speech engine found; the cues still guide you
                        for spoken guidance, install espeak-ng, or set voice_command in the settings
";

const NO_TERMINAL: &str = "\
note     start now      no terminal program was found
                        set `terminal` in the settings, such as terminal = [\"xterm\", \"-e\"]
";

/// The lines of a home with nothing in it yet: no journal, no settings,
/// no routines of the user's.
fn fresh_files(home: &Home) -> String {
    let (data, config) = (home.data(), home.config());
    format!(
        "\
ok       journal        none yet; it starts with your first session or logged cramp
                        it will be {}
ok       settings       none written; the defaults are in use
                        they would be {}
ok       routines       the bundled ones; none of your own yet
                        yours would go in {}
",
        data.join("journal.sqlite").display(),
        config.join("config.toml").display(),
        config.join("routines").display(),
    )
}

#[test]
fn a_machine_with_nothing_says_what_is_missing_and_what_to_do() {
    let home = Home::new();
    let expected = format!(
        "{NO_SOUND}{NO_VOICE}\
problem  notifications  no desktop session bus (D-Bus); session notes will not show
                        sessions still run; try again from your desktop with: nocturne notifications test
note     reminders      none set
                        add one: nocturne remind add --at 22:15
{NO_TERMINAL}{}
2 problems above need attention.
",
        fresh_files(&home)
    );
    status(&home, None, &[]).status(1).stdout(expected).run();

    // The same as one JSON object.
    let out = status(&home, None, &["--json"])
        .status(1)
        .stdout_starts("{")
        .run();
    let object = json(&out.stdout);
    assert_eq!(object["ok"], false);
    let marks: Vec<(&str, &str)> = object["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["part"].as_str().unwrap(), p["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        marks,
        [
            ("sound", "problem"),
            ("voice", "note"),
            ("notifications", "problem"),
            ("reminders", "note"),
            ("start now", "note"),
            ("journal", "ok"),
            ("settings", "ok"),
            ("routines", "ok"),
        ]
    );
    let sound = part(&object, "sound");
    assert_eq!(sound["summary"], "no audio device is available");
    assert_eq!(sound["details"]["error"], "no audio device is available");
    assert_eq!(
        part(&object, "voice")["details"]["engine"],
        serde_json::Value::Null
    );
    let notifications = part(&object, "notifications");
    assert_eq!(
        notifications["details"]["error"],
        "there is no desktop session bus (D-Bus)"
    );
    assert_eq!(notifications["details"]["session_notes"], "all");
    assert_eq!(part(&object, "reminders")["details"]["count"], 0);
    assert_eq!(
        part(&object, "reminders")["details"]["service"]["installed"],
        false
    );
    // Nothing was made by looking: no journal, no settings, no lock.
    assert!(!home.data().exists());
    assert!(!home.config().exists());
    assert!(!home.path("nocturne").exists());
}

#[test]
fn no_bus_is_only_a_note_when_notifications_are_off_and_nothing_reminds() {
    let home = Home::new();
    home.write("config/config.toml", "notifications = \"off\"\n");
    status(&home, None, &[])
        // The missing sound device is still a real problem.
        .status(1)
        .stdout_has(
            "note     notifications  no desktop session bus (D-Bus); fine, they are off in the settings\n",
        )
        .stdout_has(NO_SOUND)
        .stdout_ends("\n1 problem above needs attention.\n")
        .run();

    // Reminders are shown as notes whatever the setting: without a bus
    // they cannot be, and that is a problem.
    home.write(
        "config/config.toml",
        "notifications = \"off\"\n\n[[reminders]]\nat = \"22:15\"\n",
    );
    status(&home, None, &[])
        .status(1)
        .stdout_has(
            "problem  notifications  no desktop session bus (D-Bus); reminders will not show\n",
        )
        .stdout_has("problem  reminders      1 set, but the service is not running\n")
        .stdout_has(
            "                        start it, and with every session: nocturne remind install\n",
        )
        // With a reminder set, a missing terminal matters.
        .stdout_has("problem  start now      no terminal program was found\n")
        .run();
}

#[test]
fn the_notification_server_is_named_with_what_it_can_do() {
    let home = Home::new();
    let bus = Bus::start(home.dir.path()).serve("normal");
    status(&home, Some(&bus), &[])
        .status(1)
        .stdout_has(
            "ok       notifications  recorder 1.0 by nocturne-tests: actions, no body markup, no persistence\n\
             \x20                       test: nocturne notifications test\n",
        )
        .run();
    // Looking sends no note.
    assert!(bus.notes().is_empty());

    let home = Home::new();
    let bus = Bus::start(home.dir.path()).serve("normal,markup,persistence");
    let out = status(&home, Some(&bus), &["--json"])
        .status(1)
        .stdout_starts("{")
        .run();
    let object = json(&out.stdout);
    let notifications = part(&object, "notifications");
    assert_eq!(notifications["status"], "ok");
    assert_eq!(
        notifications["summary"],
        "recorder 1.0 by nocturne-tests: actions, body markup, persistence"
    );
    let details = &notifications["details"];
    assert_eq!(details["name"], "recorder");
    assert_eq!(details["vendor"], "nocturne-tests");
    assert_eq!(details["version"], "1.0");
    assert_eq!(details["spec_version"], "1.2");
    assert_eq!(
        details["capabilities"],
        serde_json::json!(["body", "actions", "body-markup", "persistence"])
    );
    assert_eq!(
        (
            &details["actions"],
            &details["body_markup"],
            &details["persistence"]
        ),
        (
            &serde_json::json!(true),
            &serde_json::json!(true),
            &serde_json::json!(true)
        )
    );
}

#[test]
fn a_server_without_buttons_is_a_warning_that_says_what_happens_instead() {
    let home = Home::new();
    let bus = Bus::start(home.dir.path()).serve("normal,no-actions");
    status(&home, Some(&bus), &[])
        .status(1)
        .stdout_has(
            "note     notifications  recorder 1.0 by nocturne-tests: no actions, no body markup, no persistence
                        this server shows no buttons: reminders will not have \"Start now\" or \"Snooze\"
                        a reminder still shows as a plain note; start the routine yourself with: nocturne run
                        test: nocturne notifications test
",
        )
        .run();
}

#[test]
fn a_server_that_never_answers_costs_at_most_about_three_seconds() {
    let home = Home::new();
    let bus = Bus::start(home.dir.path()).serve("deaf");
    let started = Instant::now();
    status(&home, Some(&bus), &[])
        .status(1)
        .stdout_has(
            "problem  notifications  the notification service did not answer within 2 s; session notes will not show\n",
        )
        .run();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(3500), "took {took:?}");
}

#[test]
fn broken_settings_and_routines_are_problems_with_the_command_that_shows_them() {
    let home = Home::new();
    home.write("config/config.toml", "volume = 40\nvolumme = 30\n");
    let settings = home.config().join("config.toml");
    home.user_routine(
        "mine",
        "name = \"Mine\"\n[[steps]]\nname = \"A\"\nhold = 0\n",
    );
    home.user_routine("fine", common::SHORT);
    let expected_settings = format!(
        "problem  settings       {} has a problem; the lines above go by the defaults\n\
         \x20                       see them: nocturne check\n",
        settings.display()
    );
    let expected_routines = format!(
        "problem  routines       2 of your own; mine has problems and will not run\n\
         \x20                       see them: nocturne check\n\
         \x20                       {}\n",
        home.config().join("routines").display()
    );
    status(&home, None, &[])
        .status(1)
        .stdout_has(expected_settings)
        .stdout_has(expected_routines)
        .stdout_has(
            "note     reminders      not known while the settings have a mistake (see settings below)\n",
        )
        .stdout_ends("\n4 problems above need attention.\n")
        .run();

    let out = status(&home, None, &["--json"])
        .status(1)
        .stdout_starts("{")
        .run();
    let object = json(&out.stdout);
    let part_settings = part(&object, "settings");
    assert_eq!(part_settings["status"], "problem");
    assert_eq!(part_settings["details"]["problems"], 1);
    assert_eq!(part_settings["details"]["check"], "nocturne check");
    assert_eq!(
        part(&object, "routines")["details"]["with_problems"],
        serde_json::json!(["mine"])
    );
}

#[test]
fn a_machine_where_everything_works_exits_0() {
    let home = Home::new();
    let card = Card::plug_into(&home);
    let bus = Bus::start(home.dir.path()).serve("normal");
    let voice = common::repo("tests/support/fake_voice.py");
    home.write(
        "config/config.toml",
        &format!(
            "voice_command = [{:?}, \"--wav={{wav}}\", \"--text={{text}}\"]\nterminal = [\"/bin/sh\", \"-c\"]\n",
            voice.display().to_string()
        ),
    );
    home.test()
        .args(["log", "--at", "now", "--leg", "left"])
        .stderr_has("Logged")
        .run();
    let out = status(&home, Some(&bus), &[])
        .stdout_has(
            "ok       voice          voice_command fake_voice.py — test: nocturne voice test\n",
        )
        .stdout_has(
            "ok       start now      /bin/sh -c nocturne run ROUTINE (the terminal setting)\n",
        )
        .stdout_has("ok       journal        0 sessions, 1 cramp, 0 drinks\n")
        .stdout_ends("\nNothing here needs fixing.\n")
        .run();
    let sound = out.stdout.lines().next().unwrap();
    assert!(
        sound.starts_with("ok       sound          ")
            && sound.contains(" (ALSA), 48000 Hz, 2 channels, 16-bit")
            && sound.ends_with(" — test: nocturne sounds play hold"),
        "{sound}"
    );
    // Nothing was played: the card heard only silence, if anything.
    drop(bus);
    let played = card.played();
    assert!(played.iter().all(|s| *s == 0.0), "the card heard a sound");
}

#[test]
fn a_running_reminder_service_is_found_by_its_lock() {
    let home = Home::new();
    home.write(
        "config/config.toml",
        "[[reminders]]\nat = \"22:15\"\nmessage = \"Stretch\"\n",
    );
    let mut daemon = home.nocturne();
    daemon
        .env("TZ", "UTC")
        .args(["remind", "daemon"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut daemon = Child(daemon.spawn().unwrap());
    let lock = home.path("nocturne/reminders.lock");
    let limit = Instant::now() + Duration::from_secs(15);
    while std::fs::read_to_string(&lock)
        .unwrap_or_default()
        .is_empty()
        && Instant::now() < limit
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        std::fs::read_to_string(&lock).is_ok_and(|pid| !pid.is_empty()),
        "the service took its lock"
    );
    let pid = daemon.0.id();
    let out = status(&home, None, &["--json"])
        .status(1)
        .stdout_starts("{")
        .run();
    let object = json(&out.stdout);
    let reminders = part(&object, "reminders");
    assert_eq!(reminders["status"], "ok");
    assert_eq!(
        reminders["summary"],
        format!("1 set; the service is running (process {pid})")
    );
    assert_eq!(reminders["details"]["service"]["running"], true);
    assert_eq!(reminders["details"]["next"][0]["message"], "Stretch");
    assert!(
        reminders["details"]["next"][0]["at"]
            .as_str()
            .unwrap()
            .ends_with(" 22:15 +00:00"),
        "{reminders}"
    );
    assert_eq!(
        reminders["more"].as_array().unwrap().last().unwrap(),
        "it was started by hand; to start it with your session: nocturne remind install"
    );
    daemon.stop();
}

/// A `systemctl` that answers for the reminder unit as `enabled` and
/// `active` say, in this home's PATH.
fn service_manager(home: &Home, enabled: &str, active: &str) {
    let script = home.write(
        "empty-bin/systemctl",
        &format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\ncase \"$2\" in\n  is-enabled) echo {enabled} ;;\n  is-active) echo {active}; [ {active} = active ] || exit 3 ;;\nesac\n",
            home.path("systemctl.log").display()
        ),
    );
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&script)
        .status()
        .unwrap();
}

#[test]
fn an_installed_service_is_judged_by_what_its_manager_says() {
    let home = Home::new();
    home.write("config/config.toml", "[[reminders]]\nat = \"22:15\"\n");
    home.write(
        ".config/systemd/user/nocturne-reminders.service",
        "[Unit]\n",
    );
    service_manager(&home, "enabled", "failed");
    status(&home, None, &[])
        .status(1)
        .stdout_has("problem  reminders      1 set, but the service is not running (failed)\n")
        .stdout_has("                        start it, and with every session: nocturne remind install\n")
        .stdout_has(
            "                        its log: journalctl --user -u nocturne-reminders.service -n 20\n",
        )
        .run();
    // It was only asked.
    assert_eq!(
        std::fs::read_to_string(home.path("systemctl.log")).unwrap(),
        "--user is-enabled nocturne-reminders.service\n--user is-active nocturne-reminders.service\n"
    );

    service_manager(&home, "enabled", "active");
    status(&home, None, &[])
        .status(1)
        .stdout_has("ok       reminders      1 set; the service is running (enabled)\n")
        .stdout_has(
            "                        its log: journalctl --user -u nocturne-reminders.service -n 20\n",
        )
        .run();
}

/// A child process ended when the test ends, whatever happens.
struct Child(std::process::Child);

impl Child {
    fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        self.stop();
    }
}

#[test]
fn a_voice_command_that_cannot_run_is_a_problem() {
    let home = Home::new();
    home.write(
        "config/config.toml",
        "voice_command = [\"/opt/nowhere/speak\", \"{wav}\", \"{text}\"]\n",
    );
    status(&home, None, &[])
        .status(1)
        .stdout_has(
            "problem  voice          voice_command names /opt/nowhere/speak, which cannot be run
                        fix voice_command in the settings; test with: nocturne voice test
",
        )
        .run();
}
