//! The spoken guidance, seen from the command line: `voice list` and
//! `voice test` with a stand-in engine (tests/support/fake_voice.py) that
//! notes every phrase it is given, and once with espeak-ng itself.

#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

mod common;

use std::time::{Duration, Instant};

use common::{Home, repo};

/// A routine whose step names would do harm if a shell ever read them.
const HOSTILE: &str = r#"
name = "Voice test"
lead_in = 3

[[steps]]
name = "Calf \"stretch\"; echo hi"
hold = 2
reps = 2
relax = 1
sides = "both"
switch = 1
rest = 4

[[steps]]
name = "$(touch pwned)"
hold = 3

[[steps]]
name = "-rf"
kind = "massage"
hold = 2

[[steps]]
name = "Water"
kind = "hydrate"
hold = 1
"#;

/// Settings whose voice is the stand-in engine, with `extra` arguments.
fn stand_in(home: &Home, extra: &[&str]) {
    let mut words = vec![
        repo("tests/support/fake_voice.py").display().to_string(),
        "--wav={wav}".to_owned(),
        "--text={text}".to_owned(),
        format!("--log={}", home.path("spoken.log").display()),
    ];
    words.extend(extra.iter().map(|w| (*w).to_owned()));
    let list: Vec<String> = words.iter().map(|w| format!("{w:?}")).collect();
    home.write(
        "config/config.toml",
        &format!("voice_command = [{}]\n", list.join(", ")),
    );
}

/// The phrases the stand-in engine was given, in order.
fn spoken(home: &Home) -> Vec<String> {
    std::fs::read_to_string(home.path("spoken.log"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// What `voice list` shows for `HOSTILE` with the stand-in engine, whose
/// phrases last 60 ms a character: each gets its segment less 250 ms. A
/// change of sides of 1 s has time only for "Right leg."; a drink of 1 s
/// for neither of its phrases.
const HOSTILE_LIST: &str = r#"0:00  Get ready. Calf "stretch"; echo hi, left leg.
0:03  Hold.
0:05  Relax.
0:06  Two
0:08  Right leg.
0:09  Hold.
0:11  Relax.
0:12  Two
0:14  Rest. Next: $(touch pwned).
0:18  Hold.
0:21  -rf.
0:23  (left out: no time) Time for a small drink of water.
0:24  Well done. Sleep well.
"#;

#[test]
fn step_names_are_spoken_as_written_and_never_run() {
    let home = Home::new();
    stand_in(&home, &[]);
    let routine = home.write("voice-test.toml", HOSTILE);
    home.test()
        .args(["voice", "list"])
        .arg(&routine)
        .stdout(HOSTILE_LIST)
        .run();
    let said = spoken(&home);
    // Each phrase reached the engine exactly as written, in plan order.
    assert_eq!(said[0], "Get ready. Calf \"stretch\"; echo hi, left leg.");
    assert!(
        said.contains(&"Rest. Next: $(touch pwned).".to_owned()),
        "{said:?}"
    );
    assert!(said.contains(&"-rf.".to_owned()), "{said:?}");
    assert!(!home.path("pwned").exists());
    assert!(!repo("pwned").exists());

    // `voice test` passes its text the same way.
    let text = "-$(touch pwned); \"x\" `id`";
    home.test()
        .args(["voice", "test", "--", text])
        .status(1)
        .stdout(format!(
            "Rendered with voice_command fake_voice.py: \"{text}\"\n"
        ))
        .stderr("error: cannot play a sound: no audio device is available\n")
        .run();
    assert_eq!(spoken(&home).last().unwrap(), text);
    assert!(!home.path("pwned").exists());
}

#[test]
fn a_second_night_takes_every_phrase_from_the_cache() {
    let home = Home::new();
    stand_in(&home, &[]);
    let routine = home.write("voice-test.toml", HOSTILE);
    home.test()
        .args(["voice", "list"])
        .arg(&routine)
        .stdout(HOSTILE_LIST)
        .run();
    let first = spoken(&home);
    assert!(!first.is_empty());
    let kept: Vec<_> = std::fs::read_dir(home.cache().join("voice"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(kept.len() >= 10, "{kept:?}");
    assert!(kept.iter().all(|name| name.ends_with(".wav")), "{kept:?}");

    home.test()
        .args(["voice", "list"])
        .arg(&routine)
        .stdout(HOSTILE_LIST)
        .run();
    assert_eq!(spoken(&home), first, "the engine was called again");
}

#[test]
fn an_engine_that_hangs_is_given_up_after_ten_seconds() {
    let home = Home::new();
    stand_in(&home, &["--sleep=30"]);
    let started = Instant::now();
    home.test()
        .args(["voice", "list"])
        .status(1)
        .stderr("error: voice is off: voice_command fake_voice.py did not finish within 10 s\n")
        .run();
    let took = started.elapsed();
    assert!(took >= Duration::from_secs(10), "{took:?}");
    assert!(took < Duration::from_secs(20), "{took:?}");
    // It was asked once: voice is off after the first failure.
    assert_eq!(spoken(&home).len(), 1);
}

#[test]
fn an_engine_that_writes_no_sound_turns_the_voice_off() {
    let home = Home::new();
    stand_in(&home, &["--garbage"]);
    home.test()
        .args(["voice", "list"])
        .status(1)
        .stderr(
            "error: voice is off: voice_command fake_voice.py wrote something that is not audio\n",
        )
        .run();
    home.test()
        .args(["voice", "test", "Hold."])
        .status(1)
        .stderr(
            "error: voice is off: voice_command fake_voice.py wrote something that is not audio\n",
        )
        .run();
    assert_eq!(
        spoken(&home),
        ["Get ready. Wall calf stretch, left leg.", "Hold."]
    );
}

#[test]
fn without_an_engine_the_voice_says_why() {
    let home = Home::new();
    let nowhere = home.path("empty-bin");
    std::fs::create_dir_all(&nowhere).unwrap();
    home.test()
        .env("PATH", &nowhere)
        .args(["voice", "test"])
        .status(1)
        .stderr(
            "error: voice is off: no speech engine found (install espeak-ng, or set voice_command)\n",
        )
        .run();
    let routine = home.write("voice-test.toml", HOSTILE);
    home.test()
        .env("PATH", &nowhere)
        .args(["voice", "list"])
        .arg(&routine)
        .stderr(
            "nocturne: voice is off: no speech engine found (install espeak-ng, or set \
             voice_command); the phrases could not be timed, so each is shown in full\n",
        )
        .stdout_starts("0:00  Get ready. Calf \"stretch\"; echo hi, left leg.\n0:03  Hold.\n")
        .stdout_has("0:23  Time for a small drink of water.\n")
        .run();
}

#[test]
fn a_routine_may_not_name_a_program() {
    let home = Home::new();
    let routine = home.write(
        "shared.toml",
        "name = \"Shared\"\nvoice_command = [\"sh\", \"-c\", \"{text}\", \"{wav}\"]\n\
         [[steps]]\nname = \"Calf\"\nhold = 10\n",
    );
    home.test()
        .arg("check")
        .arg(&routine)
        .status(2)
        .stderr_starts("error: `voice_command` can only be set in config.toml, not in a routine\n")
        .stderr_has("shared.toml:2:17\n")
        .stderr_has("a routine is something people share, so it must never run a program")
        .run();
}

#[test]
fn voice_settings_are_checked_with_their_place() {
    let home = Home::new();
    home.write("config/config.toml", "voice = \"of\"\nvoice_volume = 300\n");
    home.test()
        .arg("check")
        .status(2)
        .stdout_has("")
        .stderr_has("error: unknown voice `of`\n")
        .stderr_has("config.toml:1:9\n")
        .stderr_has("error: `voice_volume` is 300\n")
        .stderr_has("config.toml:2:16\n")
        .run();
}

/// The nightly routine with espeak-ng, as installed: every phrase has
/// time at full speed.
#[test]
fn espeak_ng_says_every_phrase_of_the_nightly_routine() {
    let home = Home::new();
    let out = home
        .test()
        .args(["voice", "list", "nightly"])
        .stdout_starts("0:00  Get ready. Wall calf stretch, left leg.\n0:05  Hold.\n")
        .stdout_has("1:50  Rest. Next: Standing hamstring stretch, left leg.\n")
        .stdout_ends("3:40  Well done. Sleep well.\n")
        .run();
    assert!(!out.stdout.contains("left out"), "{}", out.stdout);
    assert_eq!(out.stdout.lines().count(), 25);
    let kept = std::fs::read_dir(home.cache().join("voice"))
        .unwrap()
        .count();
    assert!(kept >= 8, "{kept}");
}

/// A session with sound says once that it has no voice, unless the voice
/// or all sound was turned off.
#[test]
fn a_session_with_sound_says_why_it_has_no_voice() {
    let home = Home::new();
    let card = common::audio::Card::plug_into(&home);
    let nowhere = home.path("empty-bin");
    std::fs::create_dir_all(&nowhere).unwrap();
    let routine = home.write(
        "tiny.toml",
        "name = \"Tiny\"\nlead_in = 0\n[[steps]]\nname = \"A\"\nhold = 1\n",
    );
    let notice = "nocturne: voice is off: no speech engine found (install espeak-ng, or set \
                  voice_command)\n";
    let session = |extra: &[&str]| {
        home.test()
            .env("PATH", &nowhere)
            .args(["run", "--speed", "10"])
            .args(extra)
            .arg(&routine)
    };
    session(&[])
        .stderr_has(format!("{notice}{}", common::NOTIFY_OFF))
        .stderr_ends("sleep well.\n")
        .run();
    for quiet in [&["--no-voice"][..], &["--mute"], &["--volume", "0"]] {
        session(quiet)
            .stderr_lacks("voice is off")
            .stderr_ends("sleep well.\n")
            .run();
    }
    home.write("config/config.toml", "voice = \"off\"\n");
    home.test()
        .args(["voice", "list"])
        .arg(&routine)
        .stderr_starts("nocturne: the voice is off in your settings; this is what it would say\n")
        // A hold of 1 s has room for the step's name, not for "Hold." too.
        .stdout_has("0:00  A.\n")
        .run();
    session(&[])
        .stderr_lacks("voice is off")
        .stderr_ends("sleep well.\n")
        .run();
    drop(card);
}
