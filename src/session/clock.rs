//! The clock of a session. A session sleeps through its clock, and the
//! user's keys interrupt that sleep, so a manual clock can replay a whole
//! evening, keys included, in a unit test.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use super::Control;

pub trait Clock {
    /// Time since the clock was made; never goes backwards.
    fn now(&self) -> Duration;

    /// Sleeps until `until` (or for ever, if `None`) unless a control
    /// arrives first, which is then returned.
    fn wait(&mut self, until: Option<Duration>) -> Option<Control>;
}

/// The real clock: monotonic time, with controls arriving on a channel
/// from the key reader and the signal handler.
pub struct SystemClock {
    origin: Instant,
    controls: Receiver<Control>,
    /// Kept so the channel never reports itself closed, which would turn a
    /// wait into a busy loop.
    _keep_open: Sender<Control>,
}

impl SystemClock {
    /// A clock, and the sender through which controls reach it.
    #[allow(clippy::disallowed_methods)]
    pub fn new() -> (SystemClock, Sender<Control>) {
        let (sender, controls) = channel();
        let clock = SystemClock {
            origin: Instant::now(),
            controls,
            _keep_open: sender.clone(),
        };
        (clock, sender)
    }
}

impl SystemClock {
    /// The instant this clock reads zero.
    pub fn origin(&self) -> Instant {
        self.origin
    }
}

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }

    fn wait(&mut self, until: Option<Duration>) -> Option<Control> {
        match until {
            None => self.controls.recv().ok(),
            Some(until) => {
                let left = until.saturating_sub(self.now());
                self.controls.recv_timeout(left).ok()
            }
        }
    }
}

/// A clock for tests: time moves only when the session waits, and scripted
/// controls arrive at the times given.
#[cfg(test)]
pub struct ManualClock {
    /// How late every timed wake-up comes, to show lateness never adds up.
    pub lateness: Duration,
    now: Duration,
    script: std::collections::VecDeque<(Duration, Control)>,
}

#[cfg(test)]
impl ManualClock {
    pub fn new(script: &[(u64, Control)]) -> ManualClock {
        ManualClock {
            lateness: Duration::ZERO,
            now: Duration::ZERO,
            script: script
                .iter()
                .map(|&(ms, c)| (Duration::from_millis(ms), c))
                .collect(),
        }
    }
}

#[cfg(test)]
impl Clock for ManualClock {
    fn now(&self) -> Duration {
        self.now
    }

    fn wait(&mut self, until: Option<Duration>) -> Option<Control> {
        match self.script.front() {
            Some(&(at, control)) if until.is_none_or(|until| at <= until) => {
                self.script.pop_front();
                self.now = self.now.max(at);
                Some(control)
            }
            _ => {
                let until = until.expect("the session waits for ever with nothing scripted");
                self.now = self.now.max(until + self.lateness);
                None
            }
        }
    }
}

// The reminder service still names the wall clock by this path.
