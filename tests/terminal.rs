//! Keys in a real terminal: the session runs in a tmux pane, the test types
//! into it, reads the screen and the event log, and checks that the
//! terminal settings are the same afterwards as before.

#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::audio::{Card, RATE, heard, level_at, onset_after, samples_in, sounds};
use common::{Home, bin, events, scripted_editor, stand_in_voice, voice_tone};

/// Holds long enough that keys always land in the step the test means.
const SLOW: &str = r#"
name = "Slow test routine"
lead_in = 1

[[steps]]
name = "Step A"
hold = 60
reps = 2
relax = 5
instructions = "Do A slowly."

[[steps]]
name = "Step B"
hold = 60
sides = "both"
"#;

struct Pane {
    socket: String,
    dir: PathBuf,
}

impl Pane {
    /// Starts `nocturne ARGS` in a new 100x30 pane; the shell around it
    /// records the terminal settings before and after, and the exit code.
    fn start(home: &Home, args: &str) -> Pane {
        Pane::start_with(home, "", args)
    }

    /// The same, with `env` ("NAME='value' ...") set for nocturne.
    fn start_with(home: &Home, env: &str, args: &str) -> Pane {
        let dir = home.path("pane");
        std::fs::create_dir_all(&dir).unwrap();
        let socket = format!("nocturne-test-{}-{}", std::process::id(), unique());
        let script = format!(
            "cd '{dir}' && stty -g > before && \
             HOME='{home}' XDG_RUNTIME_DIR='{home}' DBUS_SESSION_BUS_ADDRESS='unix:path={home}/no-bus' NOCTURNE_CONFIG_DIR='{config}' NOCTURNE_DATA_DIR='{data}' TERM=xterm-256color \
             {env} '{bin}' {args}; echo $? > status; stty -g > after; sleep 600",
            dir = dir.display(),
            home = home.dir.path().display(),
            config = home.config().display(),
            data = home.data().display(),
            bin = bin().display(),
        );
        let started = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "100",
                "-y",
                "30",
            ])
            .arg(script)
            .status()
            .expect("tmux runs (the CI script installs it)");
        assert!(started.success());
        Pane { socket, dir }
    }

    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys"])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The screen with all that scrolled off it.
    fn history(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-S", "-"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn file(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).unwrap_or_default()
    }

    /// Waits (up to a generous limit, so a slow machine does not fail the
    /// test) until `ready` holds, and returns the screen.
    fn wait_for(&self, what: &str, ready: impl Fn(&Pane) -> bool) -> String {
        let limit = Instant::now() + Duration::from_secs(20);
        while Instant::now() < limit {
            if ready(self) {
                return self.screen();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("waited in vain for {what}; the screen:\n{}", self.screen());
    }

    fn events(&self) -> Vec<serde_json::Value> {
        let text = self.file("events.jsonl");
        // The last line may still be being written.
        let complete = text.rfind('\n').map_or("", |i| &text[..=i]);
        events(complete)
    }

    fn has_event(&self, name: &str) -> bool {
        self.events().iter().any(|e| e["event"] == name)
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn routine(home: &Home) -> PathBuf {
    home.write("slow.toml", SLOW)
}

fn started(pane: &Pane) -> bool {
    pane.events()
        .iter()
        .any(|e| e["event"] == "segment_started" && e["phase"] == "hold")
}

#[test]
fn space_pauses_n_skips_and_q_ends_the_session() {
    let home = Home::new();
    let file = routine(&home);
    let pane = Pane::start(
        &home,
        &format!("run '{}' --events events.jsonl", file.display()),
    );

    let screen = pane.wait_for("the first hold", started);
    assert!(screen.contains("Step A, 1 of 2"), "{screen}");
    assert!(screen.contains("Do A slowly."), "{screen}");
    assert!(
        screen.contains("space pause · n next · p back · q quit"),
        "{screen}"
    );

    pane.keys(&["Space"]);
    let screen = pane.wait_for("the pause", |p| {
        p.has_event("paused") && p.screen().contains("paused · press space to go on")
    });
    assert!(screen.contains("Hold"), "{screen}");
    pane.keys(&["Space"]);
    pane.wait_for("going on", |p| p.has_event("resumed"));

    pane.keys(&["n"]);
    let screen = pane.wait_for("step B", |p| {
        p.has_event("step_skipped") && p.screen().contains("Step B, left leg")
    });
    assert!(screen.contains("Skipped Step A"), "{screen}");
    let skipped = pane
        .events()
        .into_iter()
        .find(|e| e["event"] == "step_skipped")
        .unwrap();
    assert_eq!(skipped["step_index"], 0);

    pane.keys(&["q"]);
    let screen = pane.wait_for("the end", |p| !p.file("after").is_empty());
    assert!(screen.contains("Ended early at"), "{screen}");
    assert!(screen.contains("0 of 2 steps done, 1 skipped."), "{screen}");
    assert!(
        !screen.contains("space pause"),
        "the bars are cleared:\n{screen}"
    );
    let last = pane.events().pop().unwrap();
    assert_eq!(last["event"], "session_finished");
    assert_eq!(last["completed"], false);
    assert_eq!(pane.file("status").trim(), "0");
    assert_eq!(
        pane.file("before"),
        pane.file("after"),
        "terminal settings restored"
    );
}

#[test]
fn arrows_move_between_steps_and_ctrl_c_exits_130() {
    let home = Home::new();
    let file = routine(&home);
    let pane = Pane::start(
        &home,
        &format!("run '{}' --events events.jsonl", file.display()),
    );
    pane.wait_for("the first hold", started);

    pane.keys(&["Right"]);
    pane.wait_for("step B", |p| p.screen().contains("Step B, left leg"));
    // Two presses in a row, sent together as a quick double press would
    // be: the first restarts step B, the second goes back to step A.
    pane.keys(&["Left", "Left"]);
    let holds = |p: &Pane| -> Vec<String> {
        p.events()
            .into_iter()
            .filter(|e| e["event"] == "segment_started" && e["phase"] == "hold")
            .map(|e| e["step"].as_str().unwrap().to_owned())
            .collect()
    };
    // The screen and the event log are written one after the other: wait
    // for both.
    pane.wait_for("step A again", |p| {
        p.screen().contains("Step A, 1 of 2") && holds(p).len() >= 4
    });
    assert_eq!(holds(&pane), ["Step A", "Step B", "Step B", "Step A"]);

    pane.keys(&["C-c"]);
    let screen = pane.wait_for("the end", |p| !p.file("after").is_empty());
    assert!(
        screen.contains("Every stretch counts. Sleep well."),
        "{screen}"
    );
    assert_eq!(pane.file("status").trim(), "130");
    assert_eq!(
        pane.file("before"),
        pane.file("after"),
        "terminal settings restored"
    );
    assert_eq!(pane.events().pop().unwrap()["interrupted"], true);
}

#[test]
fn without_a_terminal_on_stdin_the_session_runs_without_keys() {
    let home = Home::new();
    let file = routine(&home);
    let pane = Pane::start(
        &home,
        &format!(
            "run '{}' --speed 200 --events events.jsonl < /dev/null",
            file.display()
        ),
    );
    let screen = pane.wait_for("the end", |p| !p.file("status").is_empty());
    assert!(!screen.contains("space pause"), "{screen}");
    assert!(screen.contains("Finished in"), "{screen}");
    assert_eq!(pane.file("status").trim(), "0");
    assert!(Path::new(&pane.dir.join("events.jsonl")).exists());
}

#[test]
fn log_asks_a_few_questions_at_a_terminal() {
    let home = Home::new();
    let pane = Pane::start(&home, "log");
    let steps: [(&str, &str); 13] = [
        ("When did it happen? [now]:", "half past three"),
        (
            "`half past three` is not a time nocturne can read",
            "2099-01-01 03:10",
        ),
        (
            "`2099-01-01 03:10` is in the future; log a cramp after it happens",
            "last night 03:10",
        ),
        ("Which leg: left, right or both? [left]:", "r"),
        ("Which muscle: calf, foot, thigh or other? [calf]:", ""),
        ("How long did it last, such as 2m? [not sure]:", "2m"),
        (
            "How painful, from 0 (none) to 10 (worst)? [not sure]:",
            "11",
        ),
        ("answer a number from 0 to 10", "7"),
        (
            "Was the leg swollen, red, numb or weak afterwards? (y/n) [n]:",
            "y",
        ),
        ("Swollen? [n]:", "y"),
        ("Red? [n]:", ""),
        ("Numb? [n]:", ""),
        ("Weak? [n]:", ""),
    ];
    for (question, answer) in steps {
        pane.wait_for(question, |p| p.screen().contains(question));
        if !answer.is_empty() {
            pane.keys(&["-l", answer]);
        }
        pane.keys(&["Enter"]);
    }
    pane.wait_for("the note", |p| p.screen().contains("A note? [none]:"));
    pane.keys(&["-l", "stiff afterwards"]);
    pane.keys(&["Enter"]);
    let screen = pane.wait_for("the record", |p| !p.file("status").is_empty());
    assert!(
        screen.contains(", right calf, lasted 2m, pain 7 of 10, with swelling."),
        "{screen}"
    );
    assert!(screen.contains("The leg was swollen or red."), "{screen}");
    assert_eq!(pane.file("status").trim(), "0");

    let journal = home.journal();
    let cramp = &journal["cramps"][0];
    assert_eq!(cramp["leg"], "right");
    assert_eq!(cramp["muscle"], "calf");
    assert_eq!(cramp["lasted_s"], 120);
    assert_eq!(cramp["pain"], 7);
    assert_eq!(cramp["swelling"], true);
    assert_eq!(cramp["redness"], false);
    assert_eq!(cramp["note"], "stiff afterwards");
    assert!(cramp["at"].as_str().unwrap().contains("T03:10:00"));
}

#[test]
fn an_invalid_edit_can_be_edited_again_at_a_terminal() {
    let home = Home::new();
    let original = "name = \"Mine\"\n[[steps]]\nname = \"a\"\nhold = 5\n";
    home.user_routine("mine", original);
    // The editor writes a broken routine the first time, a good one the second.
    let script = scripted_editor(
        &home.path("editor"),
        &[
            "name = \"Mine\"\n[[steps]]\nname = \"a\"\nhold = \"ten\"\n",
            "name = \"Mine\"\n[[steps]]\nname = \"a\"\nhold = \"10s\"\n",
        ],
    );
    let pane = Pane::start_with(&home, &format!("EDITOR='{script}' VISUAL="), "edit mine");
    let screen = pane.wait_for("the question", |p| p.screen().contains("[E/k/d]:"));
    assert!(
        screen.contains("`hold` is not a usable duration"),
        "{screen}"
    );
    pane.keys(&["e", "Enter"]);
    let screen = pane.wait_for("the end", |p| !p.file("status").is_empty());
    assert!(screen.contains("mine.toml: ok"), "{screen}");
    assert_eq!(pane.file("status").trim(), "0");
    let path = home.config().join("routines").join("mine.toml");
    assert!(
        std::fs::read_to_string(path)
            .unwrap()
            .contains("hold = \"10s\"")
    );
}

/// A routine that ends within seconds and then offers to log a cramp, as
/// the bundled `cramp` routine does.
const RELIEF: &str = r#"
name = "Quick relief"
lead_in = 1
offer_cramp_log = true

[[steps]]
name = "Pull the toes back"
hold = 2
"#;

/// Runs the relief routine in a pane and waits for the first question,
/// with the session's key reader given every chance to steal keys.
fn relief_questions(home: &Home) -> Pane {
    let routine = home.write("relief.toml", RELIEF);
    let pane = Pane::start(home, &format!("run '{}' --mute", routine.display()));
    pane.wait_for("the offer", |p| {
        p.screen()
            .contains("Log this cramp in your journal? (y/n) [y]:")
    });
    pane
}

/// Waits for the program in `pane` to end as the user cancelled it: exit
/// 130, saying that nothing was logged.
fn assert_cancelled(pane: &Pane) {
    let screen = pane.wait_for("the exit", |p| !p.file("status").is_empty());
    assert_eq!(pane.file("status").trim(), "130", "{screen}");
    assert!(
        screen.contains("Cancelled; nothing was logged."),
        "{screen}"
    );
}

#[test]
fn after_a_session_every_answer_lands_on_its_question() {
    let home = Home::new();
    let pane = relief_questions(&home);
    // Each line is typed as its question appears, as a person would: the
    // session's key reader, had it outlived the session, would take every
    // other one.
    let steps: [(&str, &str); 9] = [
        ("Log this cramp in your journal? (y/n) [y]:", "y"),
        ("When did it happen? [", ""),
        ("Which leg: left, right or both? [left]:", "right"),
        ("Which muscle: calf, foot, thigh or other? [calf]:", "thigh"),
        ("How long did it last, such as 2m? [not sure]:", "3m"),
        ("How painful, from 0 (none) to 10 (worst)? [not sure]:", "4"),
        (
            "Was the leg swollen, red, numb or weak afterwards? (y/n) [n]:",
            "n",
        ),
        ("A note? [none]:", "eased by the stretch"),
        ("Logged a cramp (c1):", ""),
    ];
    for (i, (question, answer)) in steps.iter().enumerate() {
        pane.wait_for(question, |p| p.screen().contains(question));
        if i + 1 == steps.len() {
            break;
        }
        if !answer.is_empty() {
            pane.keys(&["-l", answer]);
        }
        pane.keys(&["Enter"]);
    }
    let screen = pane.wait_for("the end", |p| !p.file("status").is_empty());
    assert_eq!(pane.file("status").trim(), "0", "{screen}");
    assert!(
        screen.contains(", right thigh, lasted 3m, pain 4 of 10."),
        "{screen}"
    );
    let journal = home.journal();
    let cramps = journal["cramps"].as_array().unwrap();
    assert_eq!(cramps.len(), 1, "{journal}");
    assert_eq!(cramps[0]["leg"], "right");
    assert_eq!(cramps[0]["muscle"], "thigh");
    assert_eq!(cramps[0]["lasted_s"], 180);
    assert_eq!(cramps[0]["pain"], 4);
    assert_eq!(cramps[0]["note"], "eased by the stretch");
    // The terminal is as it was.
    assert_eq!(pane.file("before"), pane.file("after"));
}

#[test]
fn ctrl_c_at_the_questions_after_a_session_cancels_without_logging() {
    let home = Home::new();
    let pane = relief_questions(&home);
    pane.keys(&["Enter"]);
    pane.wait_for("the first question", |p| {
        p.screen().contains("When did it happen? [")
    });
    pane.keys(&["C-c"]);
    assert_cancelled(&pane);
    assert_eq!(home.journal()["cramps"].as_array().unwrap().len(), 0);
    // The session itself was recorded as completed before the questions.
    assert_eq!(home.journal()["sessions"][0]["outcome"], "completed");
    assert_eq!(pane.file("before"), pane.file("after"));
}

#[test]
fn ctrl_d_at_the_questions_cancels_without_logging() {
    let home = Home::new();
    let pane = relief_questions(&home);
    pane.keys(&["Enter"]);
    pane.wait_for("the leg", |p| p.screen().contains("When did it happen? ["));
    pane.keys(&["Enter"]);
    pane.wait_for("the leg", |p| p.screen().contains("Which leg:"));
    pane.keys(&["C-d"]);
    assert_cancelled(&pane);
    assert_eq!(home.journal()["cramps"].as_array().unwrap().len(), 0);

    // `nocturne log` on its own cancels the same way.
    let home = Home::new();
    let pane = Pane::start(&home, "log");
    pane.wait_for("the first question", |p| {
        p.screen().contains("When did it happen? [now]:")
    });
    pane.keys(&["C-d"]);
    assert_cancelled(&pane);
    assert!(
        home.journal()["cramps"]
            .as_array()
            .is_none_or(Vec::is_empty)
    );
}

#[test]
fn events_to_the_terminal_turn_the_display_into_plain_lines() {
    let home = Home::new();
    let routine = home.write("short.toml", common::SHORT);
    let pane = Pane::start(
        &home,
        &format!("run '{}' --events - --mute --speed 4", routine.display()),
    );
    pane.wait_for("the end", |p| !p.file("status").is_empty());
    let screen = pane.history();
    assert_eq!(pane.file("status").trim(), "0", "{screen}");
    assert!(
        screen.contains("nocturne: events go to this terminal, so the display is plain lines"),
        "{screen}"
    );
    // Each event and each plain line stands on lines of its own; no bar
    // is drawn over them.
    let joined = screen.replace('\n', "");
    assert!(
        joined.contains(r#"{"event":"session_started","routine":"short""#),
        "{screen}"
    );
    assert!(
        screen.contains("\n[0:01] Hold 2s: Step A, 1 of 2\n"),
        "{screen}"
    );
    assert!(screen.contains("\nFinished in 0:"), "{screen}");
    assert!(
        !screen.contains('━') && !screen.contains("s left"),
        "{screen}"
    );
}

/// A rest whose phrase, from the stand-in engine, takes 2.5 s to say, in
/// a tone of its own (1,700 Hz). The lead-in's ticks, after its short
/// phrase, mark the session's clock.
const SPOKEN: &str = r#"
name = "Spoken"
lead_in = 4

[[steps]]
name = "A"
hold = 2
rest = 8

[[steps]]
name = "Long calf stretch at the wall"
hold = 10
"#;

#[test]
fn n_during_a_phrase_stops_it_at_once() {
    let home = Home::new();
    stand_in_voice(&home, &[]);
    let card = Card::plug_into(&home);
    let file = home.write("spoken.toml", SPOKEN);
    let phrase = "Rest. Next: Long calf stretch at the wall.";
    // A night after the first: every phrase is in the cache.
    home.test()
        .args(["voice", "list"])
        .arg(&file)
        .stdout_has(format!("0:06  {phrase}\n"))
        .run();
    let pane = Pane::start_with(
        &home,
        &format!("NOCTURNE_CACHE_DIR='{}'", home.cache().display()),
        &format!("run '{}' --events events.jsonl", file.display()),
    );
    let resting = |p: &Pane| {
        p.events()
            .iter()
            .any(|e| e["event"] == "segment_started" && e["phase"] == "rest")
    };
    pane.wait_for("the rest", resting);
    // Half a second into the phrase.
    std::thread::sleep(Duration::from_millis(500));
    pane.keys(&["n"]);
    let step_b = |p: &Pane| {
        p.events()
            .into_iter()
            .find(|e| e["event"] == "segment_started" && e["step_index"] == 1)
    };
    pane.wait_for("step B", |p| step_b(p).is_some());
    let skipped_at = step_b(&pane).unwrap()["elapsed_ms"].as_f64().unwrap();
    pane.keys(&["q"]);
    pane.wait_for("the end", |p| !p.file("after").is_empty());
    assert_eq!(pane.file("status").trim(), "0");
    drop(pane);

    let played = card.played();
    // The lead-in's first tick, a second into the session, after its
    // phrase.
    let tick = sounds(&played, 50)[1].clone();
    assert_eq!(heard(&played[tick.clone()]), ["tick"]);
    let zero = tick.start - samples_in(1000.0);
    let key = zero + samples_in(skipped_at);
    // The rest's phrase began with the rest, 6 s in, after the hold's
    // tone had ended.
    let due = zero + samples_in(6000.0);
    let began = onset_after(&played, due - samples_in(100.0)).unwrap();
    assert!(began.abs_diff(due) <= samples_in(30.0), "{began} vs {due}");
    let level = level_at(&played, voice_tone(phrase), 10);
    let frame = samples_in(10.0);
    let steady = level[began / frame + 20];
    assert!(steady > 0.01, "{steady}");
    let last = level.iter().rposition(|l| *l > steady / 4.0).unwrap();
    let stopped = (last + 1) * frame;
    let off = (stopped as f64 - key as f64) * 1000.0 / RATE as f64;
    // It was still being said when the key came, and stopped within
    // 100 ms; unskipped, it would have gone on for 2 s more.
    assert!(
        (-5.0..=100.0).contains(&off),
        "the phrase stopped {off} ms after the key"
    );
    assert!(skipped_at < 8000.0, "the key came {skipped_at} ms in");
}
