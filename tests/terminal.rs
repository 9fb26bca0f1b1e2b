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
        Pane::sized(home, env, args, (100, 30))
    }

    /// The same, in a pane of `columns` x `rows`.
    fn sized(home: &Home, env: &str, args: &str, (columns, rows): (u16, u16)) -> Pane {
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
                &columns.to_string(),
                "-y",
                &rows.to_string(),
            ])
            .arg(script)
            .status()
            .expect("tmux runs (the CI script installs it)");
        assert!(started.success());
        Pane { socket, dir }
    }

    /// A pane running an interactive dash, which leaves the terminal as
    /// it finds it (no line editor mends it), with nocturne's variables
    /// set; commands are typed into it.
    fn dash(home: &Home) -> Pane {
        let dir = home.path("pane");
        std::fs::create_dir_all(&dir).unwrap();
        let socket = format!("nocturne-test-{}-{}", std::process::id(), unique());
        let started = Command::new("tmux")
            .args(["-L", &socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-x", "100", "-y", "30", "-c"])
            .arg(&dir)
            .args(["-e", &format!("HOME={}", home.dir.path().display())])
            .args([
                "-e",
                &format!("XDG_RUNTIME_DIR={}", home.dir.path().display()),
            ])
            .args([
                "-e",
                &format!(
                    "DBUS_SESSION_BUS_ADDRESS=unix:path={}/no-bus",
                    home.dir.path().display()
                ),
            ])
            .args([
                "-e",
                &format!("NOCTURNE_CONFIG_DIR={}", home.config().display()),
            ])
            .args([
                "-e",
                &format!("NOCTURNE_DATA_DIR={}", home.data().display()),
            ])
            .args(["-e", "TERM=xterm-256color", "-e", "PS1=$ "])
            .args(["env", "-u", "ENV", "dash", "-i"])
            .status()
            .expect("tmux runs (the CI script installs it)");
        assert!(started.success());
        Pane { socket, dir }
    }

    /// Types a line into the pane's shell.
    fn type_line(&self, line: &str) {
        self.keys(&["-l", line]);
        self.keys(&["Enter"]);
    }

    fn resize(&self, (columns, rows): (u16, u16)) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "resize-window"])
            .args(["-x", &columns.to_string(), "-y", &rows.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// The screen with the escape codes of its colours and attributes.
    fn screen_with_codes(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-e"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
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
        &format!(
            "run '{}' --events events.jsonl --view compact",
            file.display()
        ),
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
    assert!(screen.contains("Skipped: Step A"), "{screen}");
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
        &format!(
            "run '{}' --events events.jsonl --view compact",
            file.display()
        ),
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

/// The glyphs of the big view's font ('#' lit), the way a user reads them.
const GLYPHS: [(char, [&str; 5]); 11] = [
    ('0', ["####", "#  #", "#  #", "#  #", "####"]),
    ('1', ["  # ", " ## ", "  # ", "  # ", " ###"]),
    ('2', ["####", "   #", "####", "#   ", "####"]),
    ('3', ["####", "   #", " ###", "   #", "####"]),
    ('4', ["#  #", "#  #", "####", "   #", "   #"]),
    ('5', ["####", "#   ", "####", "   #", "####"]),
    ('6', ["####", "#   ", "####", "#  #", "####"]),
    ('7', ["####", "   #", "  # ", " #  ", " #  "]),
    ('8', ["####", "#  #", "####", "#  #", "####"]),
    ('9', ["####", "#  #", "####", "   #", "####"]),
    (':', [" ", "#", " ", "#", " "]),
];

/// The large digits on a screen, read back: the text they spell and how
/// many rows they take. The digits are the rows made only of blocks and
/// spaces.
fn big_digits(screen: &str) -> (String, usize) {
    let rows: Vec<&str> = screen
        .lines()
        .filter(|l| l.contains('█') && l.chars().all(|c| c == '█' || c == ' '))
        .collect();
    assert!(rows.len() >= 5 && rows.len().is_multiple_of(5), "{screen}");
    let scale = rows.len() / 5;
    let indent = rows
        .iter()
        .map(|r| r.chars().take_while(|c| *c == ' ').count())
        .min()
        .unwrap();
    // One character per pixel: a pixel is 2 x scale cells.
    let pixels: Vec<Vec<bool>> = (0..5)
        .map(|row| {
            let cells: Vec<char> = rows[row * scale].chars().skip(indent).collect();
            cells.chunks(2 * scale).map(|c| c[0] == '█').collect()
        })
        .collect();
    let lit = |row: usize, x: usize| pixels[row].get(x).copied().unwrap_or(false);
    let width = pixels.iter().map(Vec::len).max().unwrap();
    let mut text = String::new();
    let mut x = 0;
    while x < width {
        let found = GLYPHS.iter().find(|(_, glyph)| {
            (0..5).all(|row| {
                glyph[row]
                    .chars()
                    .enumerate()
                    .all(|(i, p)| (p == '#') == lit(row, x + i))
            })
        });
        let Some((c, glyph)) = found else {
            panic!("no glyph at pixel {x}:\n{}", rows.join("\n"));
        };
        text.push(*c);
        x += glyph[0].len() + 1;
    }
    (text, rows.len())
}

/// The countdown in the segment bar's words ("58s left"), as digits.
fn countdown_words(screen: &str) -> String {
    let line = screen
        .lines()
        .find(|l| l.trim_end().ends_with("s left"))
        .unwrap_or_else(|| panic!("no countdown:\n{screen}"));
    let words = line.trim_end().trim_end_matches("s left");
    words.rsplit(' ').next().unwrap().to_owned()
}

fn paused(pane: &Pane) -> bool {
    pane.has_event("paused") && pane.screen().contains("press space to go on")
}

/// The slow routine run muted in a pane of `size`, with `env` set and
/// `args` added, its events logged; returned once its first hold began.
fn slow_session(home: &Home, env: &str, args: &str, size: (u16, u16)) -> Pane {
    let file = routine(home);
    let pane = Pane::sized(
        home,
        env,
        &format!(
            "run '{}' --events events.jsonl --mute {args}",
            file.display()
        ),
        size,
    );
    pane.wait_for("the first hold", started);
    pane
}

#[test]
fn the_big_view_shows_the_countdown_in_digits_that_grow_with_the_terminal() {
    for (size, height) in [((100, 30), 10), ((200, 60), 20)] {
        let home = Home::new();
        let pane = slow_session(&home, "", "", size);
        std::thread::sleep(Duration::from_millis(1500));
        pane.keys(&["Space"]);
        let screen = pane.wait_for("the pause", paused);
        let (digits, rows) = big_digits(&screen);
        assert_eq!(rows, height, "{screen}");
        assert_eq!(digits, countdown_words(&screen), "{screen}");
        assert!(screen.contains("H O L D"), "{screen}");
        assert!(screen.contains("Step A"), "{screen}");
        assert!(
            screen.contains("1   OF   2") || screen.contains("1 OF 2"),
            "{screen}"
        );
        assert!(screen.contains("Do A slowly."), "{screen}");

        // On to step B: its side, large and in capitals.
        pane.keys(&["Space", "n"]);
        let screen = pane.wait_for("step B", |p| p.screen().contains("Step B"));
        assert!(screen.contains("LEFT LEG"), "{screen}");
        assert!(screen.contains("Skipped: Step A"), "{screen}");

        // The normal screen comes back with the summary.
        pane.keys(&["q"]);
        let screen = pane.wait_for("the end", |p| !p.file("after").is_empty());
        assert!(screen.contains("Ended early at"), "{screen}");
        assert!(
            !screen.contains('█') && !screen.contains("H O L D"),
            "{screen}"
        );
        assert_eq!(pane.file("status").trim(), "0");
        assert_eq!(pane.file("before"), pane.file("after"));
    }
}

#[test]
fn a_resized_big_view_is_drawn_as_a_fresh_one_would_be() {
    let mut screens = Vec::new();
    for resize in [true, false] {
        let home = Home::new();
        let size = if resize { (100, 30) } else { (200, 60) };
        let pane = slow_session(&home, "", "", size);
        // Back to the step's start and paused there: both panes show the
        // same moment.
        pane.keys(&["p", "Space"]);
        pane.wait_for("the pause", paused);
        if resize {
            pane.resize((200, 60));
        }
        let screen = pane.wait_for("the big size", |p| {
            p.screen().lines().count() == 60 && p.screen().contains("0:01 / 4:11")
        });
        pane.keys(&["q"]);
        let trimmed: Vec<String> = screen.lines().map(|l| l.trim_end().to_owned()).collect();
        screens.push(trimmed.join("\n"));
    }
    assert_eq!(screens[0], screens[1]);
}

#[test]
fn a_resized_compact_view_leaves_nothing_behind() {
    let home = Home::new();
    let pane = slow_session(&home, "", "--view compact", (100, 30));
    pane.keys(&["Space"]);
    pane.wait_for("the pause", paused);
    for size in [(50, 20), (120, 30)] {
        pane.resize(size);
        let screen = pane.wait_for("the new width", |p| {
            p.screen()
                .lines()
                .any(|l| l.trim_end().chars().count() > 40 && l.contains("Session"))
                || size.0 == 50
        });
        std::thread::sleep(Duration::from_millis(500));
        let screen = if size.0 == 50 { pane.screen() } else { screen };
        // The bars are drawn once, no line wraps, and the first line is
        // the session's opening line, as on a fresh screen.
        assert_eq!(screen.matches("Session ").count(), 1, "{screen}");
        assert_eq!(screen.matches("space pause").count(), 1, "{screen}");
        assert_eq!(screen.matches("Do A slowly.").count(), 1, "{screen}");
        assert!(screen.starts_with("Slow test routine"), "{screen}");
        for line in screen.lines() {
            assert!(line.chars().count() <= usize::from(size.0), "{screen}");
        }
    }
    pane.keys(&["q"]);
    let screen = pane.wait_for("the end", |p| !p.file("after").is_empty());
    assert!(screen.contains("Ended early at"), "{screen}");
}

/// Every colour a `capture-pane -e` screen sets, as RGB, and whether
/// reverse video is used.
fn colors_in(text: &str) -> (Vec<(u8, u8, u8)>, bool) {
    fn sixteen(n: u32, bright: bool) -> (u8, u8, u8) {
        let on = if bright { 255 } else { 205 };
        let bit = |b: u32| if n & b != 0 { on } else { 0 };
        (bit(1), bit(2), bit(4))
    }
    fn palette(n: u32) -> (u8, u8, u8) {
        match n {
            0..=15 => sixteen(n % 8, n >= 8),
            16..=231 => {
                let level = |v: u32| if v == 0 { 0 } else { (55 + 40 * v) as u8 };
                let n = n - 16;
                (level(n / 36), level(n / 6 % 6), level(n % 6))
            }
            _ => {
                let v = (8 + 10 * (n.min(255) - 232)) as u8;
                (v, v, v)
            }
        }
    }
    let mut colors = Vec::new();
    let mut reverse = false;
    for sequence in text.split("\x1b[").skip(1) {
        let Some(end) = sequence.find(|c: char| c.is_ascii_alphabetic()) else {
            continue;
        };
        if &sequence[end..=end] != "m" {
            continue;
        }
        let numbers: Vec<u32> = sequence[..end]
            .split(';')
            .filter_map(|p| p.parse().ok())
            .collect();
        let mut i = 0;
        while i < numbers.len() {
            let at = |k: usize| numbers.get(i + k).copied().unwrap_or(0);
            match numbers[i] {
                7 => reverse = true,
                n @ (30..=37 | 40..=47) => colors.push(sixteen(n % 10, false)),
                n @ (90..=97 | 100..=107) => colors.push(sixteen(n % 10, true)),
                38 | 48 if at(1) == 5 => {
                    colors.push(palette(at(2)));
                    i += 2;
                }
                38 | 48 if at(1) == 2 => {
                    colors.push((at(2) as u8, at(3) as u8, at(4) as u8));
                    i += 4;
                }
                _ => {}
            }
            i += 1;
        }
    }
    (colors, reverse)
}

/// Blue or cyan (more blue than red), or close to white.
fn wakes_you_up((r, g, b): (u8, u8, u8)) -> bool {
    b > r || (r > 220 && g > 220 && b > 220)
}

/// The screen of a paused session in a view, with its escape codes.
fn coloured_screen(env: &str, args: &str) -> String {
    let home = Home::new();
    let pane = slow_session(&home, env, args, (100, 30));
    pane.keys(&["Space"]);
    pane.wait_for("the pause", paused);
    let screen = pane.screen_with_codes();
    pane.keys(&["q"]);
    screen
}

#[test]
fn the_night_theme_is_dim_and_warm_and_no_color_means_none() {
    for env in ["", "COLORTERM=truecolor"] {
        for view in ["--view big", "--view compact"] {
            let screen = coloured_screen(env, view);
            let (colors, reverse) = colors_in(&screen);
            assert!(colors.len() >= 3, "{env} {view}: {screen:?}");
            assert!(!reverse, "{env} {view}: {screen:?}");
            for color in colors {
                assert!(
                    !wakes_you_up(color),
                    "{env} {view}: {color:?} in {screen:?}"
                );
            }
        }
    }
    // The day theme is the bright one: the check above can see blue.
    let screen = coloured_screen("", "--view compact --theme day");
    assert!(
        colors_in(&screen).0.into_iter().any(wakes_you_up),
        "{screen:?}"
    );

    for view in ["--view big", "--view compact"] {
        let screen = coloured_screen("NO_COLOR=1", view);
        let (colors, reverse) = colors_in(&screen);
        assert!(colors.is_empty() && !reverse, "{view}: {screen:?}");
        assert!(screen.contains("Step A"), "{screen:?}");
    }
}

/// A routine short enough to finish in a test, long enough to stop in.
const STOPPABLE: &str = r#"
name = "Stoppable"
lead_in = 1

[[steps]]
name = "Step A"
hold = 6
"#;

#[test]
fn ctrl_z_gives_the_shell_its_terminal_and_fg_brings_the_session_back_paused() {
    for view in ["big", "compact"] {
        ctrl_z_then_fg(view);
    }
}

fn ctrl_z_then_fg(view: &str) {
    let home = Home::new();
    let file = home.write("stoppable.toml", STOPPABLE);
    let pane = Pane::dash(&home);
    pane.wait_for("the prompt", |p| p.screen().contains('$'));
    pane.type_line("stty -a > before");
    pane.wait_for("the settings", |p| !p.file("before").is_empty());
    pane.type_line(&format!(
        "'{}' run '{}' --mute --events events.jsonl --view {view}",
        common::bin().display(),
        file.display()
    ));
    pane.wait_for("the hold", started);
    std::thread::sleep(Duration::from_millis(1000));
    pane.keys(&["C-z"]);
    pane.wait_for("the stop", |p| p.screen().contains("Stopped"));
    pane.type_line("stty -a > stopped");
    pane.wait_for("the settings", |p| !p.file("stopped").is_empty());
    let stopped = pane.file("stopped");
    let flags: Vec<&str> = stopped.split_whitespace().collect();
    assert!(
        flags.contains(&"icanon") && flags.contains(&"echo"),
        "{stopped}"
    );
    assert_eq!(stopped, pane.file("before"));
    let last = pane.events().pop().unwrap();
    assert_eq!(
        last["event"], "paused",
        "the session paused before it stopped"
    );

    pane.type_line("fg");
    let screen = pane.wait_for("the session again", |p| {
        p.screen()
            .contains("nocturne was stopped, so the session is paused")
    });
    assert!(screen.contains("press space to go on"), "{screen}");
    assert!(screen.contains("Step A"), "{screen}");
    // It stays paused until space.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(pane.events().pop().unwrap()["event"], "paused");
    pane.keys(&["Space"]);
    let screen = pane.wait_for("the end", |p| {
        p.has_event("session_finished") && p.screen().contains("Finished in")
    });
    assert!(screen.contains("1 of 1 steps done."), "{screen}");
    let finished = pane.events().pop().unwrap();
    assert_eq!(finished["completed"], true);
    pane.type_line("stty -a > after");
    pane.wait_for("the settings", |p| !p.file("after").is_empty());
    assert_eq!(pane.file("after"), pane.file("before"));
}

#[test]
fn a_closed_terminal_ends_the_session_as_interrupted_and_records_it() {
    let home = Home::new();
    let file = routine(&home);
    let pane = Pane::start(
        &home,
        &format!("run '{}' --events events.jsonl --mute", file.display()),
    );
    pane.wait_for("the first hold", started);
    // Closing the window: the terminal hangs up on nocturne.
    let events = pane.dir.join("events.jsonl");
    drop(pane);
    let limit = Instant::now() + Duration::from_secs(20);
    // The session is recorded as it starts, and its end when it ends.
    let recorded = loop {
        let sessions = home.journal()["sessions"].clone();
        if let Some(session) = sessions.as_array().and_then(|s| s.first())
            && session["outcome"] != "unfinished"
        {
            break session.clone();
        }
        assert!(
            Instant::now() < limit,
            "the session's end was not recorded: {sessions}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(recorded["outcome"], "interrupted", "{recorded}");
    // And nocturne has left, nothing of it waiting on the lost terminal.
    let running = || {
        std::fs::read_dir("/proc")
            .unwrap()
            .filter_map(|entry| std::fs::read(entry.ok()?.path().join("cmdline")).ok())
            .any(|cmdline| String::from_utf8_lossy(&cmdline).contains(&*file.to_string_lossy()))
    };
    while running() {
        assert!(Instant::now() < limit, "nocturne is still running");
        std::thread::sleep(Duration::from_millis(100));
    }
    let text = std::fs::read_to_string(events).unwrap();
    let last = common::events(&text).pop().unwrap();
    assert_eq!(last["event"], "session_finished");
    assert_eq!(last["interrupted"], true);
}

#[test]
fn setup_at_a_terminal_takes_every_default_with_enter() {
    let home = Home::new();
    let pane = Pane::start(&home, "setup");
    pane.wait_for("the first question", |p| {
        p.screen()
            .contains("Routine: a number or a name [nightly]:")
    });
    // Routine, volume, voice, notifications, bedtime, days, water, the
    // service, and "write this?".
    for _ in 0..9 {
        pane.keys(&["Enter"]);
        std::thread::sleep(Duration::from_millis(150));
    }
    let screen = pane.wait_for("the end", |p| !p.file("status").is_empty());
    assert_eq!(pane.file("status").trim(), "0", "{screen}");
    let history = pane.history();
    assert!(
        history.contains("Tonight:               nocturne run"),
        "{history}"
    );
    assert!(
        history.contains("How it is going:       nocturne stats"),
        "{history}"
    );
    assert_eq!(
        std::fs::read_to_string(home.config().join("config.toml")).unwrap(),
        "#:schema ./config.schema.json
default_routine = \"nightly\"
volume = 40
voice = \"on\"
notifications = \"all\"

[[reminders]]
at = \"22:00\"

[[reminders]]
every = \"45m\"
from = \"18:00\"
until = \"21:00\"
message = \"Time for a small drink of water\"
"
    );
    assert_eq!(pane.file("before"), pane.file("after"));
}

#[test]
fn setup_goes_back_with_b_and_q_leaves_without_writing() {
    let home = Home::new();
    let pane = Pane::start(&home, "setup");
    pane.wait_for("the first question", |p| {
        p.screen()
            .contains("Routine: a number or a name [nightly]:")
    });
    pane.type_line("4");
    pane.wait_for("the volume", |p| p.screen().contains("2 of 6"));
    pane.type_line("b");
    // Back at the first question, with the answer given kept.
    pane.wait_for("the routine again", |p| {
        p.screen()
            .contains("Routine: a number or a name [wind-down]:")
    });
    pane.type_line("");
    pane.wait_for("the volume", |p| p.screen().matches("2 of 6").count() == 2);
    pane.type_line("25");
    pane.type_line("q");
    let screen = pane.wait_for("the end", |p| !p.file("status").is_empty());
    assert!(
        screen.contains("Left setup; nothing was written."),
        "{screen}"
    );
    assert_eq!(pane.file("status").trim(), "130");
    assert!(!home.config().join("config.toml").exists());
    assert_eq!(pane.file("before"), pane.file("after"));
}
