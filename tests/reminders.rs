//! The reminder service as it runs for real, against a private session bus
//! and a recording notification service; and the commands around it.

#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::bus::Bus;
use common::{Home, bin, stderr};

/// A clock time `secs` seconds from now, in UTC, and that moment as
/// seconds since 1970.
fn soon(secs: u64) -> (String, f64) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    // Never on a whole minute: times with seconds of zero are shown
    // without them, and the tests compare the text.
    let due = now + secs + u64::from((now + secs).is_multiple_of(60));
    let of_day = due % 86_400;
    (
        format!(
            "{:02}:{:02}:{:02}",
            of_day / 3600,
            of_day / 60 % 60,
            of_day % 60
        ),
        due as f64,
    )
}

/// The service, running until dropped, with its log lines collected.
struct Service {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
}

impl Service {
    fn start(home: &Home, bus: &Bus) -> Service {
        let mut child = service_command(home, bus)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let lines = log.clone();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                lines.lock().unwrap().push(line.unwrap());
            }
        });
        let service = Service { child, log };
        service.wait_for_log("reminders on");
        service
    }

    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    fn wait_for_log(&self, text: &str) -> String {
        wait_for(&format!("the log line {text:?}"), || {
            self.log().into_iter().find(|l| l.contains(text))
        })
        .unwrap_or_else(|| panic!("no log line {text:?}; the log: {:#?}", self.log()))
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn service_command(home: &Home, bus: &Bus) -> Command {
    let mut cmd = home.nocturne();
    cmd.env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .env("TZ", "UTC")
        .args(["remind", "daemon"]);
    cmd
}

/// Polls `found` for up to 15 s (generous, so a slow machine does not fail
/// a test; lateness is checked separately, against the due time).
fn wait_for<T>(_what: &str, found: impl Fn() -> Option<T>) -> Option<T> {
    let limit = Instant::now() + Duration::from_secs(15);
    while Instant::now() < limit {
        if let Some(value) = found() {
            return Some(value);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

/// What a command wrote to `path`, once it has written a whole line.
fn written(path: &std::path::Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .filter(|text| text.ends_with('\n'))
}

fn note_saying(bus: &Bus, summary: &str, nth: usize) -> serde_json::Value {
    wait_for("a note", || {
        bus.notes()
            .into_iter()
            .filter(|n| n["summary"] == summary)
            .nth(nth)
    })
    .unwrap_or_else(|| panic!("no note {summary:?} (#{nth}); notes: {:?}", bus.notes()))
}

/// The note arrived at its time (`due`, seconds since 1970): never
/// early, and not left to the service's half-minute check of the clock.
/// The bound is loose so that a busy machine cannot fail the test; how
/// close to its time a reminder really comes is measured by
/// tests/bench/reminders.py.
fn assert_on_time(note: &serde_json::Value, due: f64) {
    let late = note["received"].as_f64().unwrap() - due;
    assert!(
        (-0.05..5.0).contains(&late),
        "arrived {late:.3} s after its time"
    );
}

/// A home, and a bus whose notification service behaves as `server`
/// says.
fn served(server: &str) -> (Home, Bus) {
    let home = Home::new();
    let bus = Bus::start(home.dir.path()).serve(server);
    (home, bus)
}

#[test]
fn a_reminder_arrives_on_time_with_its_buttons() {
    let (home, bus) = served("normal");
    let (at, due) = soon(3);
    home.write(
        "config/config.toml",
        &format!(
            "[[reminders]]\nat = \"{at}\"\nroutine = \"nightly\"\nmessage = \"Stretch now\"\n"
        ),
    );
    let service = Service::start(&home, &bus);
    let note = note_saying(&bus, "Stretch now", 0);
    assert_on_time(&note, due);
    assert_eq!(note["app"], "nocturne");
    assert_eq!(
        note["body"],
        "Your nightly routine, about 3:40, right before sleep."
    );
    assert_eq!(
        note["actions"],
        serde_json::json!(["start", "Start now", "snooze", "Snooze 10 min"])
    );
    assert_eq!(note["hints"]["urgency"], 1);
    assert_eq!(note["hints"]["category"], "x-nocturne.reminder");
    // Kept until answered; this server keeps nothing on its own ("resident"
    // only where it lists "persistence").
    assert_eq!(note["timeout"], 0);
    assert_eq!(note["hints"].get("resident"), None);
    assert!(
        service
            .wait_for_log("reminder 1: Stretch now")
            .contains(&format!("{at} +00:00"))
    );
}

#[test]
fn a_server_that_keeps_notes_is_asked_to_keep_a_reminder() {
    let (home, bus) = served("normal,persistence");
    let (at, _) = soon(2);
    home.write(
        "config/config.toml",
        &format!("[[reminders]]\nat = \"{at}\"\nmessage = \"Stretch now\"\n"),
    );
    let _service = Service::start(&home, &bus);
    let note = note_saying(&bus, "Stretch now", 0);
    assert_eq!(note["timeout"], 0);
    assert_eq!(note["hints"]["resident"], true);
}

#[test]
fn edits_to_the_settings_take_effect_without_a_restart() {
    let (home, bus) = served("normal");
    let service = Service::start(&home, &bus);
    let expected = format!(
        "reminders on: 0 reminders from {}",
        home.config().join("config.toml").display()
    );
    assert!(service.log()[0].ends_with(&expected), "{:?}", service.log());

    // Added with the command, as a user would, while the service runs.
    let (at, due) = soon(4);
    home.test()
        .args([
            "remind",
            "add",
            "--every",
            "1m",
            "--from",
            &at,
            "--until",
            "23:59:59",
            "--message",
            "Drink",
        ])
        .stderr_starts(format!(
            "Added reminder 1: every 1m from {at} until 23:59:59, every day; next "
        ))
        .run();
    service.wait_for_log("settings reloaded: 1 reminder");

    // A broken save is reported once and the running rules stay on.
    let config = home.config().join("config.toml");
    let good = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{good}volume = \"loud\"\n")).unwrap();
    service.wait_for_log("settings not reloaded, the previous reminders stay on:");
    let problem = note_saying(&bus, "nocturne: the settings have an error", 0);
    assert!(
        problem["body"].as_str().unwrap().contains("config.toml:"),
        "{problem}"
    );

    let note = note_saying(&bus, "Drink", 0);
    assert_on_time(&note, due);
    assert_eq!(
        note["actions"],
        serde_json::json!(["snooze", "Snooze 10 min", "drank", "Drank a glass"])
    );

    // Saving the same mistake again is not reported again; the mended file
    // is read, which shows the second save was seen before it.
    std::thread::sleep(Duration::from_millis(400));
    std::fs::write(&config, format!("{good}volume = \"loud\"\n\n")).unwrap();
    std::thread::sleep(Duration::from_millis(400));
    std::fs::write(&config, good.replace("Drink", "Water")).unwrap();
    let reloads = || {
        let n = service
            .log()
            .iter()
            .filter(|l| l.contains("settings reloaded"))
            .count();
        (n == 2).then_some(n)
    };
    assert!(
        wait_for("the second reload", reloads).is_some(),
        "{:#?}",
        service.log()
    );
    let broken: Vec<String> = service
        .log()
        .into_iter()
        .filter(|l| l.contains("settings not reloaded"))
        .collect();
    assert_eq!(broken.len(), 1, "{broken:#?}");
    let problems = bus
        .notes()
        .into_iter()
        .filter(|n| n["summary"] == "nocturne: the settings have an error")
        .count();
    assert_eq!(problems, 1);
}

#[test]
fn a_broken_file_at_start_is_reported_and_the_service_waits_for_the_fix() {
    let (home, bus) = served("normal");
    home.write("config/config.toml", "[[reminders]]\nat = \"9pm\"\n");
    let service = Service::start(&home, &bus);
    let line = service.wait_for_log("settings not read, no reminders until they are mended:");
    assert!(line.contains("config.toml:2:6:"), "{line}");
    let problem = note_saying(&bus, "nocturne: the settings have an error", 0);
    let body = problem["body"].as_str().unwrap();
    assert!(body.contains("config.toml:2:6:"), "{body}");
    assert!(
        body.ends_with("No reminders until the file is mended."),
        "{body}"
    );
    assert!(
        service
            .log()
            .iter()
            .any(|l| l.contains("reminders on: 0 reminders")),
        "{:#?}",
        service.log()
    );

    let (at, due) = soon(3);
    home.write(
        "config/config.toml",
        &format!("[[reminders]]\nat = \"{at}\"\nmessage = \"Stretch\"\n"),
    );
    service.wait_for_log("settings reloaded: 1 reminder");
    let note = note_saying(&bus, "Stretch", 0);
    assert_on_time(&note, due);
}

#[test]
fn snooze_fires_the_reminder_again_after_the_delay() {
    // Answers go only to the connection that showed the note, as dunst
    // sends them; and to everyone, as GNOME's server does.
    for server in ["press=snooze", "press=snooze,broadcast"] {
        snooze_fires_again(server);
    }
}

fn snooze_fires_again(server: &str) {
    let (home, bus) = served(server);
    let (at, _) = soon(2);
    home.write(
        "config/config.toml",
        &format!("snooze = \"3s\"\n\n[[reminders]]\nat = \"{at}\"\nmessage = \"Bedtime\"\n"),
    );
    let service = Service::start(&home, &bus);
    let first = note_saying(&bus, "Bedtime", 0);
    let again = note_saying(&bus, "Bedtime", 1);
    let gap = again["received"].as_f64().unwrap() - first["received"].as_f64().unwrap();
    assert!((3.0..4.5).contains(&gap), "snoozed for {gap:.2} s");
    assert!(
        again["body"]
            .as_str()
            .unwrap()
            .ends_with(&format!("Snoozed from {at}.")),
        "{again}"
    );
    assert_eq!(again["actions"][3], "Snooze 3s");
    service.wait_for_log("reminder 1: snoozed until");
    // The answered note was taken down.
    let first_id = first["id"].as_u64().unwrap();
    assert!(
        wait_for("the note closed", || bus
            .closed()
            .contains(&first_id)
            .then_some(()))
        .is_some(),
        "{server}: {:?}",
        bus.closed()
    );
}

/// A bedtime reminder for wind-down, due in 2 s, whose "terminal" writes
/// the command it is given to a file; once answered, that command starts
/// the routine.
fn starts_wind_down_in_a_terminal(home: &Home, bus: &Bus) {
    let started = home.path("started.txt");
    let (at, _) = soon(2);
    home.write(
        "config/config.toml",
        &format!(
            "terminal = [\"/bin/sh\", \"-c\", \"echo \\\"$@\\\" > '{}'\", \"sh\"]\n\n[[reminders]]\nat = \"{at}\"\nroutine = \"wind-down\"\n",
            started.display()
        ),
    );
    let service = Service::start(home, bus);
    let line = wait_for("the terminal", || written(&started)).expect("the terminal command ran");
    assert_eq!(line, format!("{} run wind-down\n", bin().display()));
    service.wait_for_log("reminder 1: started wind-down");
}

#[test]
fn a_click_on_a_reminder_means_its_main_action() {
    // Bedtime: a click starts the routine.
    let (home, bus) = served("click");
    starts_wind_down_in_a_terminal(&home, &bus);

    // Water: a click snoozes.
    let (home, bus) = served("click");
    let (at, _) = soon(2);
    home.write(
        "config/config.toml",
        &format!(
            "snooze = \"3s\"\n\n[[reminders]]\nevery = \"1h\"\nfrom = \"{at}\"\nuntil = \"23:59:59\"\nmessage = \"Drink\"\n"
        ),
    );
    let service = Service::start(&home, &bus);
    let note = note_saying(&bus, "Drink", 0);
    assert_eq!(
        note["actions"],
        serde_json::json!(["snooze", "Snooze 3s", "drank", "Drank a glass"])
    );
    note_saying(&bus, "Drink", 1);
    service.wait_for_log("reminder 1: snoozed until");
    assert!(
        !service.log().iter().any(|l| l.contains("unknown answer")),
        "{:#?}",
        service.log()
    );
}

#[test]
fn drank_a_glass_logs_a_drink_in_the_journal() {
    // As dunst does, and as GNOME's server does.
    for server in ["press=drank", "press=drank,broadcast"] {
        let (home, bus) = served(server);
        let (at, due) = soon(2);
        home.write(
            "config/config.toml",
            &format!(
                "glass = \"300ml\"\n\n[[reminders]]\nevery = \"1h\"\nfrom = \"{at}\"\nuntil = \"23:59:59\"\nmessage = \"A glass of water\"\n"
            ),
        );
        let service = Service::start(&home, &bus);
        let note = note_saying(&bus, "A glass of water", 0);
        assert_eq!(note["actions"][2], "drank");
        let line = service.wait_for_log("reminder 1: drank a glass");
        assert!(
            line.ends_with(
                "reminder 1: drank a glass (300 ml), logged as d1; this evening: 1 drink, 300 ml"
            ),
            "{server}: {line}"
        );
        let drinks = home.journal()["drinks"].clone();
        assert_eq!(drinks.as_array().unwrap().len(), 1, "{drinks}");
        let drink = &drinks[0];
        assert_eq!(drink["amount_ml"], 300);
        assert_eq!(drink["source"], "reminder");
        // Logged at the moment the button was pressed: just after the
        // reminder came.
        let at: jiff::Timestamp = drink["at"].as_str().unwrap().parse().unwrap();
        let pressed = at.as_second() as f64 - due;
        assert!((-1.0..10.0).contains(&pressed), "{drink}");
        // The reminder is not snoozed: it comes again at its next time.
        assert!(!service.log().iter().any(|l| l.contains("snoozed")));
    }
}

#[test]
fn start_now_opens_the_routine_in_a_terminal() {
    let (home, bus) = served("press=start");
    starts_wind_down_in_a_terminal(&home, &bus);
}

#[test]
fn only_one_service_runs_and_its_lock_never_goes_stale() {
    let (home, bus) = served("normal");
    let mut first = Service::start(&home, &bus);
    let second = service_command(&home, &bus).output().unwrap();
    assert_eq!(second.status.code(), Some(1));
    assert_eq!(common::stdout(&second), "");
    assert_eq!(
        stderr(&second),
        format!(
            "error: the reminder service is already running (process {}); only one runs at a time\n",
            first.child.id()
        )
    );
    // Killed outright, the first leaves no lock behind.
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    let third = Service::start(&home, &bus);
    assert!(third.log()[0].contains("reminders on"));
}

#[test]
fn next_lists_the_coming_reminders_in_the_local_zone() {
    let home = Home::new();
    home.write(
        "config/config.toml",
        "[[reminders]]\nat = \"02:30\"\ndays = \"sun\"\nmessage = \"Bedtime\"\n\n\
         [[reminders]]\nevery = \"45m\"\nfrom = \"18:00\"\nuntil = \"19:00\"\nmessage = \"Water\"\n",
    );
    // `remind next` in New York, after a moment and with more options.
    let next = |after: &str, args: &[&str]| {
        home.test()
            .env("TZ", "America/New_York")
            .args(["remind", "next", "--after", after])
            .args(args)
    };
    // 02:30 does not exist on 2026-03-08 in New York: it fires at 03:00 EDT.
    next("2026-03-07T17:00", &["--count", "4"])
        .stdout(
            "Sat 2026-03-07 18:00 -05:00   2  Water\n\
         Sat 2026-03-07 18:45 -05:00   2  Water\n\
         Sun 2026-03-08 03:00 -04:00   1  Bedtime\n\
         Sun 2026-03-08 18:00 -04:00   2  Water\n",
        )
        .run();
    let out = next("2026-03-07T17:00", &["--count", "3", "--json"])
        .stdout_starts("[")
        .run();
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json[2]["at"], "2026-03-08T03:00:00-04:00");
    assert_eq!(json[2]["reminder"], 1);
    assert_eq!(json[2]["message"], "Bedtime");

    // At the gap's very first minute, the same: the change itself, not the
    // one months before it. A window that begins there starts at 03:00.
    home.write(
        "config/config.toml",
        "[[reminders]]\nat = \"02:00\"\nmessage = \"Bedtime\"\n\n\
         [[reminders]]\nevery = \"30m\"\nfrom = \"02:00\"\nuntil = \"03:30\"\ndays = \"sun\"\n\
         message = \"Water\"\n",
    );
    next("2026-03-08T02:00", &["--count", "4"])
        .stdout(
            "Sun 2026-03-08 03:30 -04:00   2  Water\n\
         Mon 2026-03-09 02:00 -04:00   1  Bedtime\n\
         Tue 2026-03-10 02:00 -04:00   1  Bedtime\n\
         Wed 2026-03-11 02:00 -04:00   1  Bedtime\n",
        )
        .run();
    next("2026-03-08T01:59", &["--count", "3"])
        .stdout(
            "Sun 2026-03-08 03:00 -04:00   1  Bedtime\n\
         Sun 2026-03-08 03:00 -04:00   2  Water\n\
         Sun 2026-03-08 03:30 -04:00   2  Water\n",
        )
        .run();

    home.test()
        .args(["remind", "next", "--after", "tomorrow"])
        .status(2)
        .stderr(
            "error: `tomorrow` is not a time; write a local date and time such as \
             2026-03-07T20:00, or an RFC 3339 instant such as 2026-03-07T20:00:00-05:00\n",
        )
        .run();
}

#[test]
fn install_says_what_failed_when_nothing_could_be_enabled() {
    // The real systemctl, with no user service manager to talk to.
    let home = Home::new();
    // systemctl runs (the CI script installs it).
    let unit = home
        .config()
        .join("systemd/user/nocturne-reminders.service");
    home.test()
        .env("XDG_CONFIG_HOME", home.config())
        .args(["remind", "install"])
        .status(1)
        .stderr_starts(format!("Wrote {}.\n", unit.display()))
        .stderr_has(
            "error: the reminder service was not enabled: `systemctl --user daemon-reload` failed: ",
        )
        .stderr_has(
            "To enable it by hand, run:\n  systemctl --user daemon-reload\n  systemctl --user enable --now nocturne-reminders.service\n",
        )
        .stderr_ends(format!("  {} remind daemon\n", bin().display()))
        .stderr_lacks("next session")
        .run();
    assert!(unit.is_file());
}

#[test]
fn the_service_unit_passes_systemd_analyze() {
    let home = Home::new();
    let unit = home
        .test()
        .args(["remind", "install", "--print"])
        .stdout_has(format!("ExecStart=\"{}\" remind daemon\n", bin().display()))
        .stdout_has("Restart=on-failure\n")
        .stdout_has("WantedBy=default.target\n")
        .run()
        .stdout;
    let path = home.path("nocturne-reminders.service");
    std::fs::write(&path, unit).unwrap();
    let verify = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .expect("systemd-analyze runs (the CI script installs it)");
    assert!(
        verify.status.success(),
        "{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
}

#[test]
fn the_packaged_unit_is_printed_for_the_packaged_program() {
    // How the Debian package makes its unit: the same text, for
    // /usr/bin/nocturne rather than the program that prints it.
    let home = Home::new();
    let unit = home
        .test()
        .args(["remind", "install", "--print", "--exe", "/usr/bin/nocturne"])
        .stdout_has("ExecStart=\"/usr/bin/nocturne\" remind daemon\n")
        .run()
        .stdout;
    let own = home
        .test()
        .args(["remind", "install", "--print"])
        .stdout_has("ExecStart=")
        .run()
        .stdout;
    assert_eq!(
        unit,
        own.replace(&format!("\"{}\"", bin().display()), "\"/usr/bin/nocturne\"")
    );
    // Only for printing: nothing is installed for another program.
    home.test()
        .args(["remind", "install", "--exe", "/usr/bin/nocturne"])
        .status(2)
        .stderr_has("--print")
        .run();
    home.test()
        .args(["remind", "install", "--help"])
        .stdout_with(|help| assert!(!help.contains("--exe"), "{help}"))
        .run();
}
