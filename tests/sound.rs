//! Sound cues heard for real: ALSA's default device is a stand-in card
//! that plays in real time (tests/common/audio.rs), and what it played is
//! checked for the cues a user would hear, in order.
//!
//! Sessions run at real speed, with segments longer than their cues, so no
//! two cues ever overlap however busy the machine is; levels are measured
//! on one cue alone.

#![allow(clippy::unwrap_used)]

mod common;

use common::audio::{Card, heard, sounds};
use common::{DISCLAIMER, Home, NO_DEVICE, NOTIFY_OFF, SOUND_OFF, Test, repo};

/// How standard error starts in a first session that has sound: the
/// disclaimer, and no notice but the one about notifications.
fn with_sound() -> String {
    format!("{DISCLAIMER}{NOTIFY_OFF}")
}

/// Every kind of cue once or more: lead-in ticks, hold, relax, a step done,
/// change of sides with its ticks, a drink, the finish. Each segment lasts
/// longer than the cue it opens with, and ticks are a second apart, so at
/// real speed every cue ends at least 0.6 s before the next begins.
const ROUTINE: &str = r#"
name = "Sound test"
lead_in = 4

[[steps]]
name = "A"
hold = 2
reps = 2
relax = 2
rest = 2

[[steps]]
name = "B"
hold = 2
sides = "both"
switch = 5

[[steps]]
name = "Water"
kind = "hydrate"
hold = 2
"#;

#[test]
fn a_session_plays_each_cue_at_its_moment() {
    let home = Home::new();
    let card = Card::plug_into(&home);
    let file = home.write("sound-test.toml", ROUTINE);
    // Tones only: the voice has tests of its own (tests/voice.rs).
    home.test()
        .args(["run", "--no-voice", "--volume", "100"])
        .arg(&file)
        .stderr_starts(with_sound())
        .stderr_lacks("sound is off")
        .stderr_ends("sleep well.\n")
        .run();
    assert_eq!(
        heard(&card.played()),
        [
            "tick", "tick", "tick", // the last 3 seconds of the lead-in
            "hold", "relax", "hold", "done", // step A, then its rest
            "hold", "switch", "tick", "tick", "tick", "hold", // step B, left then right
            "hydrate", "finish",
        ]
    );
}

/// A tick, then a hold cue alone
/// a second later, whose level is measured; nothing else sounds.
const ONE_HOLD: &str = r#"
name = "One hold"
lead_in = 2

[sounds]
finish = "off"

[[steps]]
name = "A"
hold = 2
"#;

/// The loudest sample of the hold cue as heard, or 0 when nothing sounded.
fn hold_peak(home: &Home, test: impl FnOnce(&Home) -> Test) -> f32 {
    let card = Card::plug_into(home);
    test(home).stderr_lacks("sound is off").run();
    let played = card.played();
    let cues = sounds(&played, 100);
    let Some(hold) = cues.last() else {
        return 0.0;
    };
    assert_eq!(heard(&played).last(), Some(&"hold"));
    played[hold.clone()]
        .iter()
        .fold(0f32, |m, s| m.max(s.abs()))
}

#[test]
fn volume_sets_the_level_and_mute_plays_nothing() {
    let run = |args: &[&str]| {
        let home = Home::new();
        let file = home.write("one-hold.toml", ONE_HOLD);
        hold_peak(&home, |home| {
            home.test()
                .args(["run", "--no-voice"])
                .args(args)
                .arg(&file)
                .stderr_starts(with_sound())
                .stderr_ends("sleep well.\n")
        })
    };
    let full = {
        hold_peak(&Home::new(), |home| {
            home.test()
                .args(["sounds", "play", "hold", "--volume", "100"])
                .stderr("hold · 0.80s · volume 100\n")
        })
    };
    // Each session takes a few seconds of real time: run them side by side.
    let [default, loud, muted, zero] = std::thread::scope(|scope| {
        [
            &[][..],
            &["--volume", "100"][..],
            &["--mute"][..],
            &["--volume", "0"][..],
        ]
        .map(|args| scope.spawn(move || run(args)))
        .map(|session| session.join().unwrap())
    });
    // At 100 the cue plays as it was made, as `sounds play` plays it.
    assert!(full > 0.1, "{full}");
    assert!((loud / full - 1.0).abs() < 0.03, "{loud} vs {full}");
    // The default, 40, is (40/100)^2 of full: about -16 dB.
    assert!((loud / default - 6.25).abs() < 0.2, "{loud} vs {default}");
    assert_eq!(muted, 0.0);
    assert_eq!(zero, 0.0);
}

#[test]
fn a_routine_can_use_its_own_sound_files() {
    let home = Home::new();
    let card = Card::plug_into(&home);
    for name in [
        "beep-880.wav",
        "beep-1000.ogg",
        "beep-1320.flac",
        "beep-1500.mp3",
    ] {
        let to = home.path(&format!("routines/sounds/{name}"));
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(repo(&format!("tests/sounds/{name}")), to).unwrap();
    }
    let file = home.write(
        "routines/mine.toml",
        r#"
name = "My sounds"
lead_in = 1
volume = 60

[sounds]
hold = "sounds/beep-880.wav"
relax = "sounds/beep-1000.ogg"
done = "sounds/beep-1320.flac"
finish = "sounds/beep-1500.mp3"

[[steps]]
name = "A"
hold = 2
reps = 2
relax = 1
rest = 1

[[steps]]
name = "B"
hold = 2

[steps.sounds]
hold = "relax"
"#,
    );
    home.test()
        .arg("check")
        .arg(&file)
        .stdout(format!("{}: ok\n", file.display()))
        .run();

    // At real speed: the relax cue that step B uses lasts 1.4 s.
    home.test()
        .args(["run", "--no-voice"])
        .arg(&file)
        .stderr_starts(with_sound())
        .stderr_ends("sleep well.\n")
        .run();
    assert_eq!(
        heard(&card.played()),
        [
            "beep-880.wav",
            "beep-1000.ogg",
            "beep-880.wav",
            "beep-1320.flac",
            "relax",
            "beep-1500.mp3"
        ]
    );
}

#[test]
fn without_a_sound_device_the_session_says_so_once_and_goes_on() {
    let home = Home::new();
    home.sound_to(NO_DEVICE);
    let file = home.write("sound-test.toml", ROUTINE);
    std::fs::create_dir_all(home.data()).unwrap();
    std::fs::write(home.data().join("first-run-done"), "").unwrap();
    std::fs::write(home.data().join("setup-suggested"), "").unwrap();
    home.test()
        .args(["run", "--speed", "50", "--events", "-"])
        .arg(&file)
        .stderr_starts(format!("{SOUND_OFF}{NOTIFY_OFF}"))
        .stderr_with(|text| assert_eq!(text.matches("sound").count(), 1, "{text}"))
        .stderr_lacks("ALSA")
        .stdout_with(|text| {
            let last = text.lines().last().unwrap();
            assert!(last.starts_with(r#"{"event":"session_finished""#), "{last}");
            assert!(last.contains(r#""completed":true"#), "{last}");
        })
        .run();

    home.test()
        .args(["run", "--speed", "50", "--mute"])
        .arg(&file)
        .stderr_starts(NOTIFY_OFF)
        .stderr_lacks("sound")
        .run();
}

#[test]
fn sounds_lists_the_cues_and_plays_one() {
    let home = Home::new();
    let text = home.test().arg("sounds").stdout_has("relax").run().stdout;
    let lines: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .take(7)
        .map(|l| l.split_whitespace().take(2).collect())
        .collect();
    assert_eq!(
        lines,
        [
            ["tick", "0.12s"],
            ["hold", "0.80s"],
            ["relax", "1.40s"],
            ["switch", "1.00s"],
            ["done", "1.30s"],
            ["hydrate", "0.70s"],
            ["finish", "1.50s"],
        ]
    );

    let card = Card::plug_into(&home);
    home.test()
        .args(["sounds", "play", "relax"])
        .stderr("relax · 1.40s · volume 40\n")
        .run();
    let played = card.played();
    assert_eq!(heard(&played), ["relax"]);
    let length = sounds(&played, 100)[0].len() as f64 / common::audio::RATE as f64;
    assert!((1.2..=1.45).contains(&length), "{length}");

    let card = Card::plug_into(&home);
    home.test()
        .args(["sounds", "play"])
        .arg(repo("tests/sounds/beep-1320.flac"))
        .stderr(format!(
            "{} · 0.30s · volume 40\n",
            repo("tests/sounds/beep-1320.flac").display()
        ))
        .run();
    assert_eq!(heard(&card.played()), ["beep-1320.flac"]);

    home.sound_to(NO_DEVICE);
    home.test()
        .args(["sounds", "play", "hold"])
        .status(1)
        .stderr("error: cannot play a sound: no audio device is available\n")
        .run();

    home.test()
        .args(["sounds", "play", "bel"])
        .status(2)
        .stderr_starts("error: ")
        .run();
}

/// Test sounds damaged in ways that make the decoder library panic: an MP3
/// cut after its first frame (the one that only describes the stream), and
/// a WAV whose header gives a sample rate of 0.
fn damaged_sounds(home: &Home) -> [std::path::PathBuf; 2] {
    let mp3 = std::fs::read(repo("tests/sounds/beep-1500.mp3")).unwrap();
    let mut wav = std::fs::read(repo("tests/sounds/beep-880.wav")).unwrap();
    assert_eq!(&wav[24..28], 44_100u32.to_le_bytes(), "the rate field");
    wav[24..28].fill(0);
    [
        home.write("routines/sounds/cut.mp3", ""),
        home.write("routines/sounds/rate-0.wav", ""),
    ]
    .map(|path| {
        let bytes = if path.extension().unwrap() == "mp3" {
            &mp3[..208]
        } else {
            &wav[..]
        };
        std::fs::write(&path, bytes).unwrap();
        path
    })
}

const DAMAGED: &str =
    "the file is damaged: it could not be decoded as WAV, Ogg Vorbis, FLAC or MP3";

fn no_panic_text(text: &str) {
    assert!(!text.contains("panicked at"), "{text}");
    assert!(!text.contains("thread '"), "{text}");
    assert!(!text.contains("RUST_BACKTRACE"), "{text}");
}

#[test]
fn a_damaged_sound_file_is_a_clear_error_and_no_panic() {
    let home = Home::new();
    let card = Card::plug_into(&home);
    for path in damaged_sounds(&home) {
        home.test()
            .args(["sounds", "play"])
            .arg(&path)
            .env("RUST_BACKTRACE", "1")
            .status(2)
            .stderr(format!(
                "error: {} cannot be played: {DAMAGED}\n",
                path.display()
            ))
            .run();

        let name = path.file_name().unwrap().to_str().unwrap();
        let routine = home.write(
            "routines/damaged.toml",
            &format!(
                "name = \"Damaged\"\n\n[sounds]\nhold = \"sounds/{name}\"\n\n[[steps]]\nname = \"A\"\nhold = 2\n"
            ),
        );
        for args in [&["check"][..], &["run", "--speed", "50"][..]] {
            home.test()
                .args(args)
                .arg(&routine)
                .env("RUST_BACKTRACE", "1")
                .status(2)
                .stderr_with(no_panic_text)
                .stderr_starts(format!(
                    "error: the sound file `sounds/{name}` cannot be used: {DAMAGED}"
                ))
                .stderr_has(format!("{}:4:8", routine.display()))
                .stderr_has("a sound is a bundled one")
                .run();
        }
    }
    // Nothing was played.
    assert_eq!(sounds(&card.played(), 100), []);
}

#[test]
fn the_bundled_cues_are_what_the_generator_makes() {
    let out = std::process::Command::new("python3")
        .arg(repo("sounds/generate.py"))
        .arg("--check")
        .output()
        .expect("python3 runs the generator");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn listing_reads_routines_without_decoding_their_sounds_but_check_does() {
    let home = Home::new();
    let folder = home.config().join("routines/sounds");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("broken.wav"), "RIFF but not a sound").unwrap();
    home.user_routine(
        "loud",
        "name = \"Loud\"\ndescription = \"Own cues\"\n\n[sounds]\nhold = \"sounds/broken.wav\"\n\n\
         [[steps]]\nname = \"A\"\nhold = 2\n",
    );

    home.test()
        .args(["list", "--names"])
        .stdout_with(|out| assert!(out.lines().any(|l| l == "loud"), "{out}"))
        .run();

    // The list reads the text only: the routine is listed with its length
    // (2 s of hold after the 5 s get-ready).
    home.test()
        .arg("list")
        .stdout_with(|out| {
            let line = out
                .lines()
                .find(|l| l.starts_with("loud "))
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "));
            assert_eq!(line.as_deref(), Some("loud yours 0:07 Own cues"), "{out}");
        })
        .run();

    // `check` still decodes the file and says where it is named.
    home.test()
        .args(["check", "loud"])
        .status(2)
        .stderr_starts("error: the sound file `sounds/broken.wav` cannot be used: ")
        .stderr_has("loud.toml:5:8")
        .run();
}
