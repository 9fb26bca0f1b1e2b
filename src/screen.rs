//! The terminal a session draws on, shared by the display, the key reader
//! and the handling of Ctrl-Z: whether the full-screen view is up, whether
//! nocturne is stopped, and what the user asked of the display with `i`.
//! Drawing holds the lock, so the screen is never left half drawn when the
//! terminal is handed back to the shell.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};
#[cfg(unix)]
use std::time::Duration;

/// Switch to the alternate screen, clear it, hide the cursor.
const ENTER: &str = "\x1b[?1049h\x1b[2J\x1b[?25l";
/// Clear the alternate screen, show the cursor, back to the normal screen.
/// (Cleared first: a terminal resized meanwhile may otherwise carry some of
/// it over to the normal screen, as tmux 3.3 does.)
const LEAVE: &str = "\x1b[H\x1b[2J\x1b[?25h\x1b[?1049l";

#[derive(Default)]
struct State {
    /// The big view has the alternate screen.
    alternate: bool,
    /// Stopped (Ctrl-Z): nothing is drawn until nocturne goes on.
    stopped: bool,
    /// Went on after a stop; the display says so until the user resumes.
    woke: bool,
    /// The whole screen must be drawn again (after a stop).
    repaint: bool,
    /// The session is paused, as the display last heard.
    paused: bool,
    /// What the compact view does before a stop: clear its bars.
    on_stop: Option<Box<dyn FnMut() + Send>>,
}

static STATE: Mutex<State> = Mutex::new(State {
    alternate: false,
    stopped: false,
    woke: false,
    repaint: false,
    paused: false,
    on_stop: None,
});
static CHANGED: Condvar = Condvar::new();
/// How many times `i` was pressed.
static INSTRUCTION_PRESSES: AtomicUsize = AtomicUsize::new(0);

fn state() -> MutexGuard<'static, State> {
    STATE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Takes the alternate screen for the big view.
pub fn enter_alternate() {
    let mut state = state();
    if !state.alternate {
        state.alternate = true;
        write(ENTER);
    }
}

/// Gives the normal screen back, where the summary is printed.
pub fn leave_alternate() {
    let mut state = state();
    if state.alternate {
        state.alternate = false;
        write(LEAVE);
    }
}

/// For a panic: the normal screen and the cursor back, without waiting for
/// a lock a drawing thread may hold.
pub fn restore_now() {
    match STATE.try_lock() {
        Ok(mut state) => {
            if state.alternate {
                state.alternate = false;
                write(LEAVE);
            }
        }
        // Held by the drawing that panicked, or poisoned by it.
        Err(_) => write(LEAVE),
    }
}

fn write(text: &str) {
    let mut err = std::io::stderr();
    let _ = err.write_all(text.as_bytes());
    let _ = err.flush();
}

/// What a display learns when it draws.
pub struct Draw {
    /// Draw everything: what was on the screen is gone.
    pub repaint: bool,
    /// nocturne was stopped and went on since the last resume.
    pub woke: bool,
}

/// Runs `draw` while holding the screen, unless nocturne is stopped.
pub fn draw<R>(draw: impl FnOnce(Draw) -> R) -> Option<R> {
    let mut state = state();
    if state.stopped {
        return None;
    }
    let told = Draw {
        repaint: std::mem::take(&mut state.repaint),
        woke: state.woke,
    };
    Some(draw(told))
}

/// The display heard the session pause or go on.
pub fn set_paused(paused: bool) {
    let mut state = state();
    state.paused = paused;
    if !paused {
        state.woke = false;
    }
    CHANGED.notify_all();
}

/// What the compact view does before nocturne stops.
pub fn on_stop(action: Option<Box<dyn FnMut() + Send>>) {
    state().on_stop = action;
}

/// Waits until the display has heard the session pause, at most `limit`.
#[cfg(unix)]
pub fn wait_until_paused(limit: Duration) -> bool {
    let state = state();
    let (state, _) = CHANGED
        .wait_timeout_while(state, limit, |s| !s.paused)
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    state.paused
}

/// Before a stop: the normal screen, the cursor, and nothing drawn until
/// `went_on`. `restore_keys` gives the terminal its own settings back.
/// (Ctrl-Z stops a program on Unix only, as do `stopping` and `went_on`.)
#[cfg(unix)]
pub fn stopping(restore_keys: impl FnOnce()) {
    let mut state = state();
    if let Some(action) = state.on_stop.as_mut() {
        action();
    }
    if state.alternate {
        write(LEAVE);
    }
    restore_keys();
    state.stopped = true;
}

/// After a stop (or any SIGCONT): the screen back as it was, drawn anew.
#[cfg(unix)]
pub fn went_on(keys_again: impl FnOnce()) {
    let mut state = state();
    keys_again();
    if state.stopped {
        state.stopped = false;
        state.woke = state.paused;
        if state.alternate {
            write(ENTER);
        }
    }
    state.repaint = true;
}

/// The user pressed `i`.
pub fn press_instructions() {
    INSTRUCTION_PRESSES.fetch_add(1, Ordering::Relaxed);
}

/// How many times `i` has been pressed so far.
pub fn instruction_presses() -> usize {
    INSTRUCTION_PRESSES.load(Ordering::Relaxed)
}
