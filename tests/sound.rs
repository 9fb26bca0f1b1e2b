//! Sound cues heard for real: ALSA's default device is turned into a WAV
//! file for the child process, and the file is checked for the cues a user
//! would hear, in order.

#![allow(clippy::unwrap_used)]

mod common;

use common::audio::{capture_to, heard, samples, sounds};
use common::{Home, NO_DEVICE, SOUND_OFF, repo, stderr, stdout};

/// Every kind of cue once or more: lead-in ticks, hold, relax, a step done,
/// change of sides with its tick, a drink, the finish.
const ROUTINE: &str = r#"
name = "Sound test"
lead_in = 4

[[steps]]
name = "A"
hold = 2
reps = 2
relax = 1
rest = 1

[[steps]]
name = "B"
hold = 1
sides = "both"
switch = 2

[[steps]]
name = "Water"
kind = "hydrate"
hold = 2
"#;

#[test]
fn a_session_plays_each_cue_at_its_moment() {
    let home = Home::new();
    let capture = home.path("capture.wav");
    home.sound_to(&capture_to(&capture));
    let file = home.write("sound-test.toml", ROUTINE);
    let out = home
        .nocturne()
        .args(["run", "--speed", "10"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("sound is off"), "{}", stderr(&out));
    assert_eq!(
        heard(&samples(&capture)),
        [
            "tick", "tick", "tick", // the last 3 seconds of the lead-in
            "hold", "relax", "hold", "done", // step A, then its rest
            "hold", "switch", "tick", "hold", // step B, left then right
            "hydrate", "finish",
        ]
    );
}

#[test]
fn volume_sets_the_level_and_mute_plays_nothing() {
    let peak = |args: &[&str]| {
        let home = Home::new();
        let capture = home.path("capture.wav");
        home.sound_to(&capture_to(&capture));
        let file = home.write("sound-test.toml", ROUTINE);
        let out = home
            .nocturne()
            .args(["run", "--speed", "20"])
            .args(args)
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success());
        assert!(!stderr(&out).contains("sound"), "{}", stderr(&out));
        if !capture.exists() {
            return 0.0;
        }
        samples(&capture).iter().fold(0f32, |m, s| m.max(s.abs()))
    };
    let default = peak(&[]);
    let loud = peak(&["--volume", "100"]);
    // The default, 40, is (40/100)^2 of full: about -16 dB.
    assert!(default > 0.02 && default < 0.1, "{default}");
    assert!((loud / default - 6.25).abs() < 0.5, "{loud} vs {default}");
    assert_eq!(peak(&["--mute"]), 0.0);
    assert_eq!(peak(&["--volume", "0"]), 0.0);
}

#[test]
fn a_routine_can_use_its_own_sound_files() {
    let home = Home::new();
    let capture = home.path("capture.wav");
    home.sound_to(&capture_to(&capture));
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
    let check = home.nocturne().arg("check").arg(&file).output().unwrap();
    assert_eq!(stdout(&check), format!("{}: ok\n", file.display()));

    let out = home
        .nocturne()
        .args(["run", "--speed", "10"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        heard(&samples(&capture)),
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
    let out = home
        .nocturne()
        .args(["run", "--speed", "50", "--events", "-"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stderr(&out);
    assert!(text.starts_with(SOUND_OFF), "{text}");
    assert_eq!(text.matches("sound").count(), 1, "{text}");
    assert!(!text.contains("ALSA"), "{text}");
    let last = stdout(&out).lines().last().unwrap().to_owned();
    assert!(last.starts_with(r#"{"event":"session_finished""#), "{last}");
    assert!(last.contains(r#""completed":true"#), "{last}");

    let muted = home
        .nocturne()
        .args(["run", "--speed", "50", "--mute"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(muted.status.success());
    assert!(!stderr(&muted).contains("sound"), "{}", stderr(&muted));
}

#[test]
fn sounds_lists_the_cues_and_plays_one() {
    let home = Home::new();
    let out = home.nocturne().arg("sounds").output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
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

    let capture = home.path("capture.wav");
    home.sound_to(&capture_to(&capture));
    let out = home
        .nocturne()
        .args(["sounds", "play", "relax"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(heard(&samples(&capture)), ["relax"]);
    let played = sounds(&samples(&capture), 100)[0].len() as f64 / common::audio::RATE as f64;
    assert!((1.2..=1.45).contains(&played), "{played}");

    std::fs::remove_file(&capture).unwrap();
    let out = home
        .nocturne()
        .args(["sounds", "play"])
        .arg(repo("tests/sounds/beep-1320.flac"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(heard(&samples(&capture)), ["beep-1320.flac"]);

    home.sound_to(NO_DEVICE);
    let out = home
        .nocturne()
        .args(["sounds", "play", "hold"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: cannot play a sound: no audio device is available\n"
    );

    let out = home
        .nocturne()
        .args(["sounds", "play", "bel"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
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
