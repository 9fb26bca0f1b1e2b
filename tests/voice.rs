//! The spoken guidance, seen from the command line: `voice list` and
//! `voice test` with a stand-in engine (tests/support/fake_voice.py) that
//! notes every phrase it is given, and once with espeak-ng itself.

#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

mod common;

use std::ops::Range;
use std::time::{Duration, Instant};

use common::audio::{
    CUE_TONES, Card, RATE, band_envelope, dominant, heard, onset_after, samples_in, sounds,
};
use common::{Home, repo, stand_in_voice, voice_log, voice_tone};

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
    stand_in_voice(&home, &[]);
    let routine = home.write("voice-test.toml", HOSTILE);
    home.test()
        .args(["voice", "list"])
        .arg(&routine)
        .stdout(HOSTILE_LIST)
        .run();
    let said = voice_log(&home);
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
    assert_eq!(voice_log(&home).last().unwrap(), text);
    assert!(!home.path("pwned").exists());
}

#[test]
fn a_second_night_takes_every_phrase_from_the_cache() {
    let home = Home::new();
    stand_in_voice(&home, &[]);
    let routine = home.write("voice-test.toml", HOSTILE);
    home.test()
        .args(["voice", "list"])
        .arg(&routine)
        .stdout(HOSTILE_LIST)
        .run();
    let first = voice_log(&home);
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
    assert_eq!(voice_log(&home), first, "the engine was called again");
}

#[test]
fn an_engine_that_hangs_is_given_up_after_ten_seconds() {
    let home = Home::new();
    stand_in_voice(&home, &["--sleep=30"]);
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
    assert_eq!(voice_log(&home).len(), 1);
}

#[test]
fn an_engine_that_writes_no_sound_turns_the_voice_off() {
    let home = Home::new();
    stand_in_voice(&home, &["--garbage"]);
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
        voice_log(&home),
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

/// How long the stand-in engine takes to say `text`, in milliseconds.
fn length_of(text: &str) -> f64 {
    (60.0 * text.chars().count() as f64).max(200.0)
}

/// The main tone of a bundled cue.
fn cue_tone(name: &str) -> f64 {
    CUE_TONES.iter().find(|(n, _)| *n == name).unwrap().1
}

/// Of `stretches`, the one that starts nearest to sample `at`.
fn nearest(stretches: &[Range<usize>], at: usize) -> Range<usize> {
    stretches
        .iter()
        .min_by_key(|s| s.start.abs_diff(at))
        .cloned()
        .unwrap()
}

/// Milliseconds between two sample positions.
fn ms_between(a: usize, b: usize) -> f64 {
    a.abs_diff(b) as f64 * 1000.0 / RATE as f64
}

/// A routine in which every phrase of the stand-in engine (60 ms a
/// character) has time to be said, then its segment's tone, with nothing
/// else sounding over either: the lead-in's last tick comes after its
/// phrase, and the change of sides ticks after its tone.
const TIMING: &str = r#"
name = "Voice timing"
lead_in = 3

[[steps]]
name = "Calf"
hold = 3
reps = 2
relax = 2
sides = "both"
switch = 6
rest = 0
"#;

/// Each segment's start in seconds, its phrase, and the cue that follows
/// the phrase; then the finish.
const TIMING_OPENINGS: [(f64, &str, Option<&str>); 9] = [
    (0.0, "Get ready. Calf, left leg.", None),
    (3.0, "Hold.", Some("hold")),
    (6.0, "Relax.", Some("relax")),
    (8.0, "Two", Some("hold")),
    (11.0, "Switch to the right leg.", Some("switch")),
    (17.0, "Hold.", Some("hold")),
    (20.0, "Relax.", Some("relax")),
    (22.0, "Two", Some("hold")),
    (25.0, "Well done. Sleep well.", Some("finish")),
];

#[test]
fn each_phrase_is_spoken_as_its_segment_starts_and_its_tone_follows() {
    let home = Home::new();
    stand_in_voice(&home, &[]);
    let card = Card::plug_into(&home);
    let routine = home.write("timing.toml", TIMING);
    // A first night: nothing is in the cache. The session gives its first
    // phrase a moment to be rendered before it starts, and the others are
    // rendered while it runs, each once, in plan order (those said twice
    // come from the first rendering).
    home.test()
        .args(["run", "--speed", "1"])
        .arg(&routine)
        .stderr_has(common::NOTIFY_OFF)
        .stderr_lacks("voice is off")
        .stderr_lacks("not ready in time")
        .stderr_ends("sleep well.\n")
        .run();
    let rendered = [
        "Get ready. Calf, left leg.",
        "Hold.",
        "Relax.",
        "Two",
        "Switch to the right leg.",
        "Well done. Sleep well.",
    ];
    assert_eq!(voice_log(&home), rendered);

    let played = card.played();
    let stretches = sounds(&played, 50);
    let mut candidates: Vec<f64> = CUE_TONES.iter().map(|(_, f)| *f).collect();
    candidates.extend(TIMING_OPENINGS.iter().map(|(_, text, _)| voice_tone(text)));
    // The session's first sound is its first phrase, on the session's
    // first moment, as sure of its place as every other: the times are
    // measured from the second phrase, 3 s later.
    let first = stretches[0].start;
    let second = nearest(&stretches, first + samples_in(3000.0)).start;
    let zero = second - samples_in(3000.0);
    for (offset, text, cue) in TIMING_OPENINGS {
        let due = zero + samples_in(offset * 1000.0);
        let phrase = nearest(&stretches, due);
        assert!(
            ms_between(phrase.start, due) <= 30.0,
            "{text:?} at {offset} s began {} ms off",
            ms_between(phrase.start, due)
        );
        let said = &played[phrase.start..phrase.start + samples_in(length_of(text))];
        assert_eq!(
            dominant(said, &candidates),
            voice_tone(text),
            "{text:?} at {offset} s"
        );
        let Some(cue) = cue else { continue };
        // The tone follows the phrase after 80 ms.
        let due = phrase.start + samples_in(length_of(text) + 80.0);
        let tone = nearest(&stretches, due);
        assert!(
            ms_between(tone.start, due) <= 30.0,
            "the {cue} after {text:?} at {offset} s began {} ms off",
            ms_between(tone.start, due)
        );
        let end = (tone.start + samples_in(500.0)).min(played.len());
        assert_eq!(
            dominant(&played[tone.start..end], &candidates),
            cue_tone(cue),
            "the {cue} after {text:?} at {offset} s"
        );
    }
}

#[test]
fn a_second_session_takes_its_phrases_from_the_cache() {
    let home = Home::new();
    stand_in_voice(&home, &[]);
    let routine = home.write(
        "tiny.toml",
        "name = \"Tiny\"\nlead_in = 2\n[[steps]]\nname = \"A\"\nhold = 2\n",
    );
    let session = || {
        let card = Card::plug_into(&home);
        let ran = home
            .test()
            .args(["run", "--speed", "1"])
            .arg(&routine)
            .stderr_has(common::NOTIFY_OFF)
            .stderr_lacks("voice is off")
            .stderr_has("sleep well.\n")
            .run();
        (ran.stderr, card.played())
    };
    // The first night renders every phrase (the first may come too late
    // for its moment, the instant the session starts).
    session();
    let rendered = voice_log(&home);
    assert_eq!(
        rendered,
        ["Get ready. A.", "Hold.", "Well done. Sleep well."]
    );
    let (stderr, played) = session();
    assert_eq!(voice_log(&home), rendered, "the engine was called again");
    assert!(!stderr.contains("not ready in time"), "{stderr}");
    // The second night speaks every phrase, from its first.
    let candidates: Vec<f64> = rendered
        .iter()
        .map(|t| voice_tone(t))
        .chain(CUE_TONES.iter().map(|(_, f)| *f))
        .collect();
    let said: Vec<f64> = sounds(&played, 50)
        .into_iter()
        .map(|part| dominant(&played[part], &candidates))
        .filter(|tone| !CUE_TONES.iter().any(|(_, f)| f == tone))
        .collect();
    assert_eq!(
        said,
        rendered.iter().map(|t| voice_tone(t)).collect::<Vec<_>>()
    );
}

/// A routine whose tones never overlap: a tick a second before the hold,
/// and each tone over before the next begins.
const TONES: &str = r#"
name = "Tones"
lead_in = 2

[[steps]]
name = "A"
hold = 2
reps = 2
relax = 2
"#;

#[test]
fn phrases_not_ready_in_time_leave_the_tones_on_time() {
    let home = Home::new();
    // Each phrase takes the engine 2.5 s, longer than any segment.
    stand_in_voice(&home, &["--sleep=2.5"]);
    let card = Card::plug_into(&home);
    let routine = home.write("tones.toml", TONES);
    home.test()
        .args(["run", "--speed", "1"])
        .arg(&routine)
        .stderr_has(common::NOTIFY_OFF)
        .stderr_lacks("voice is off")
        .stderr_has("sleep well.\n")
        .stderr_ends(
            "nocturne: 5 spoken phrases were not ready in time; the tones played without them\n",
        )
        .run();
    let played = card.played();
    assert_eq!(heard(&played), ["tick", "hold", "relax", "hold", "finish"]);
    // Each tone at its moment, from the tick a second into the session.
    let starts: Vec<usize> = sounds(&played, 100).iter().map(|s| s.start).collect();
    for (start, second) in starts.iter().zip([1.0, 2.0, 4.0, 6.0, 8.0]) {
        let due = starts[0] + samples_in((second - 1.0) * 1000.0);
        assert!(
            ms_between(*start, due) <= 30.0,
            "the tone at {second} s began {} ms off",
            ms_between(*start, due)
        );
    }
}

#[test]
fn an_engine_that_hangs_in_a_session_turns_the_voice_off_and_the_tones_go_on() {
    let home = Home::new();
    stand_in_voice(&home, &["--sleep=30"]);
    let card = Card::plug_into(&home);
    // 13 s: the engine is given up on before the end.
    let routine = home.write(
        "hang.toml",
        "name = \"Hang\"\nlead_in = 3\n[[steps]]\nname = \"A\"\nhold = 4\nreps = 2\nrelax = 2\n",
    );
    let notice = "nocturne: voice is off: voice_command fake_voice.py did not finish within 10 s\n";
    home.test()
        .args(["run", "--speed", "1"])
        .arg(&routine)
        .stderr_has(common::NOTIFY_OFF)
        .stderr_has(notice)
        .stderr_with(move |text| assert_eq!(text.matches("voice is off").count(), 1, "{text}"))
        // The voice said why it stopped; its phrases are not counted again.
        .stderr_lacks("not ready in time")
        .stderr_has("sleep well.\n")
        .run();
    // It was asked once.
    assert_eq!(voice_log(&home), ["Get ready. A."]);
    assert_eq!(
        heard(&card.played()),
        ["tick", "tick", "hold", "relax", "hold", "finish"]
    );
}

/// Short enough at speed 2 to take a few seconds, long enough for each of
/// espeak-ng's phrases: a step's name, "Hold.", "Relax.", "Two", and the
/// finish.
const SPOKEN: &str = r#"
name = "Spoken"
lead_in = 4

[[steps]]
name = "Wall calf stretch"
hold = 4
reps = 2
relax = 3
"#;

#[test]
fn espeak_ng_speaks_as_each_segment_starts() {
    let home = Home::new();
    let card = Card::plug_into(&home);
    let routine = home.write("spoken.toml", SPOKEN);
    // A night after the first: the phrases are in the cache.
    home.test()
        .args(["voice", "list", "--speed", "2"])
        .arg(&routine)
        .stdout(
            "0:00  Wall calf stretch.\n0:02  Hold.\n0:04  Relax.\n0:05  Two\n\
             0:07  Well done. Sleep well.\n",
        )
        .run();
    home.test()
        .args(["run", "--speed", "2"])
        .arg(&routine)
        .stderr_has(common::NOTIFY_OFF)
        .stderr_lacks("voice is off")
        .stderr_lacks("not ready in time")
        .stderr_ends("sleep well.\n")
        .run();
    let played = card.played();
    // Speech's band, in 10 ms frames.
    let speech = band_envelope(&played, 300.0, 3400.0, 10);
    let frame = |sample: usize| sample / samples_in(10.0);
    let first = onset_after(&played, 0).unwrap();
    // The times are measured from the second phrase; the first is on its
    // moment like the others.
    let zero = onset_after(&played, first + samples_in(1900.0)).unwrap() - samples_in(2000.0);
    assert!(
        ms_between(first, zero) <= 30.0,
        "the first phrase began {} ms off",
        ms_between(first, zero)
    );
    // Plan offsets at speed 2: 4, 8, 11 and 15 s become these.
    for second in [0.0, 2.0, 4.0, 5.5, 7.5] {
        let due = zero + samples_in(second * 1000.0);
        let began = if second > 0.0 {
            // Silence just before, then sound within 30 ms...
            let began = onset_after(&played, due - samples_in(100.0)).unwrap();
            assert!(
                ms_between(began, due) <= 30.0,
                "the phrase at {second} s began {} ms off",
                ms_between(began, due)
            );
            began
        } else {
            first
        };
        // ...that is speech, going on for most of the next 400 ms.
        let voiced = speech[frame(began)..frame(began) + 40]
            .iter()
            .filter(|level| **level > 0.003)
            .count();
        assert!(voiced >= 25, "{voiced} of 40 frames at {second} s");
    }
}
