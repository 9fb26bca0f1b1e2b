//! Everything that shows or records a session listens to its events
//! through one small trait. An output that fails (a closed pipe, a missing
//! device) is reported once, in one line, and dropped; the session goes on.

pub mod desktop;
pub mod events;
pub mod journal;
pub mod sound;
pub mod terminal;

use crate::plan::Plan;
use crate::session::{Event, Progress, Sink, Timeline};

/// Why an output gave up; shown to the user once.
#[derive(Debug)]
pub enum Failure {
    /// Say this, then drop the output.
    Report(String),
    /// Drop the output without a word (the reader closed a pipe on purpose).
    Quiet,
}

pub trait Output {
    fn event(&mut self, plan: &Plan, event: &Event) -> Result<(), Failure>;

    /// A chance to redraw a countdown; outputs that only log ignore it.
    fn tick(&mut self, _plan: &Plan, _progress: &Progress) {}

    /// Whether `tick` draws anything: if no output does, the session does
    /// not wake for it.
    fn wants_ticks(&self) -> bool {
        false
    }

    /// When the plan's coming positions are due (see `Sink::timeline`).
    fn timeline(&mut self, _plan: &Plan, _timeline: Option<Timeline>) {}

    /// How long before the session starts the output needs its timeline.
    fn lead(&self) -> std::time::Duration {
        std::time::Duration::ZERO
    }

    /// Shows a one-line notice to the user, if this output can.
    fn notice(&mut self, _line: &str) -> bool {
        false
    }

    /// A line to show the user, where the output carries on (a part of it
    /// stopped); asked after each event.
    fn take_notice(&mut self) -> Option<String> {
        None
    }
}

/// The outputs of one session, fed in order.
#[derive(Default)]
pub struct Outputs {
    list: Vec<Box<dyn Output>>,
}

impl Outputs {
    pub fn push(&mut self, output: impl Output + 'static) {
        self.list.push(Box::new(output));
    }

    pub fn push_boxed(&mut self, output: Box<dyn Output>) {
        self.list.push(output);
    }

    /// Shows a line through the first output that can show it, or on
    /// stderr when none can.
    pub fn notice(&mut self, line: &str) {
        let line = crate::diag::clean(line);
        if !self.list.iter_mut().any(|output| output.notice(&line)) {
            eprintln!("nocturne: {line}");
        }
    }
}

impl Sink for Outputs {
    fn event(&mut self, plan: &Plan, event: &Event) {
        let mut notices = Vec::new();
        self.list
            .retain_mut(|output| match output.event(plan, event) {
                Ok(()) => {
                    notices.extend(output.take_notice());
                    true
                }
                Err(Failure::Report(line)) => {
                    notices.push(line);
                    false
                }
                Err(Failure::Quiet) => false,
            });
        for line in notices {
            self.notice(&line);
        }
    }

    fn wants_ticks(&self) -> bool {
        self.list.iter().any(|output| output.wants_ticks())
    }

    fn tick(&mut self, plan: &Plan, progress: &Progress) {
        for output in &mut self.list {
            output.tick(plan, progress);
        }
    }

    fn timeline(&mut self, plan: &Plan, timeline: Option<Timeline>) {
        for output in &mut self.list {
            output.timeline(plan, timeline);
        }
    }

    fn lead(&self) -> std::time::Duration {
        self.list
            .iter()
            .map(|output| output.lead())
            .max()
            .unwrap_or_default()
    }
}
