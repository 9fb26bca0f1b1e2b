//! The guided session: an engine that walks a plan on an injected clock and
//! reports what happens as events. It knows nothing of terminals, sound or
//! notifications; those are outputs that listen to the events.

pub mod clock;
mod engine;

use std::time::Duration;

pub use engine::Engine;

use crate::plan::Plan;
use clock::Clock;

/// The engine's one way out: whatever shows or records a session receives
/// its events through this, so the engine depends on no display or device.
pub trait Sink {
    /// Something happened in the session.
    fn event(&mut self, plan: &Plan, event: &Event);

    /// Where the session stands now, for displays that redraw between events.
    fn tick(&mut self, plan: &Plan, progress: &Progress);

    /// Whether `tick` draws anything: if not, the session sleeps from one
    /// event to the next.
    fn wants_ticks(&self) -> bool;

    /// When, on the session's clock, the plan's coming positions are due;
    /// told at the start and whenever that changes (a pause, a resume, a
    /// skip, an early end), before the events that go with the change.
    /// For outputs that prepare what is due ahead of time.
    fn timeline(&mut self, _plan: &Plan, _timeline: Option<Timeline>) {}

    /// How long before the session's first moment the sink needs to know
    /// the timeline (a sound device takes a few tens of milliseconds to
    /// put a sound where it belongs). The session starts that much later.
    fn lead(&self) -> Duration {
        Duration::ZERO
    }
}

/// Where a running session's plan is on its clock: plan position
/// `position` comes at clock time `clock`, and later positions follow at
/// `speed`, until the next pause or jump.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timeline {
    pub clock: Duration,
    pub position: Duration,
    pub speed: Speed,
}

impl Timeline {
    /// Clock time at which the plan reaches `position` (not before the
    /// timeline's own position).
    pub fn clock_time_of(&self, position: Duration) -> Duration {
        self.clock
            + position
                .saturating_sub(self.position)
                .div_f64(self.speed.factor())
    }
}

/// What the user can ask of a running session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Pause, or go on after a pause.
    TogglePause,
    /// Skip to the next step.
    Next,
    /// Restart the current step; pressed again soon, go to the one before.
    Back,
    /// End the session early.
    Quit,
    /// Ctrl-C or a termination signal: end early, and say so in the exit code.
    Interrupt,
    /// Pause if not paused already (nocturne is being stopped, Ctrl-Z,
    /// which only Unix has).
    #[cfg_attr(not(unix), allow(dead_code))]
    Pause,
    /// Nothing for the session: the displays draw again at once (the
    /// terminal was resized, or the user asked to see something else).
    Redraw,
}

/// How much faster than real time a session runs (1 for a real evening).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Speed(f64);

impl Speed {
    pub const REAL: Speed = Speed(1.0);
    /// Slower than a tenth of real time is no preview; faster than a
    /// thousand times is no guide.
    pub const MIN: f64 = 0.1;
    pub const MAX: f64 = 1000.0;

    /// A speed factor from 0.1 to 1000.
    pub fn new(factor: f64) -> Option<Speed> {
        (Self::MIN..=Self::MAX)
            .contains(&factor)
            .then_some(Speed(factor))
    }

    pub fn factor(self) -> f64 {
        self.0
    }
}

/// Something that happened in a session. `elapsed` is routine time since
/// the start, pauses left out and not divided by the speed factor.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    SessionStarted {
        speed: Speed,
    },
    SegmentStarted {
        elapsed: Duration,
        index: usize,
    },
    /// One of the last seconds of a get-ready or change of sides:
    /// `remaining` is 3, 2, then 1.
    Countdown {
        elapsed: Duration,
        remaining: u32,
    },
    Paused {
        elapsed: Duration,
    },
    Resumed {
        elapsed: Duration,
    },
    /// Every hold of a step has run to its end.
    StepDone {
        elapsed: Duration,
        step: usize,
    },
    StepSkipped {
        elapsed: Duration,
        step: usize,
    },
    SessionFinished {
        elapsed: Duration,
        summary: Summary,
    },
}

/// How each step of the routine went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepOutcome {
    /// Every hold of the step ran to its end (at least once).
    Done,
    /// The user moved on before the step's holds were over.
    Skipped,
    /// The session ended before the step was done.
    Unfinished,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub elapsed: Duration,
    /// The session ran to the end of the plan (skipped steps allowed).
    pub completed: bool,
    /// Ended by Ctrl-C or a signal rather than by the user's `q`.
    pub interrupted: bool,
    pub steps: Vec<StepOutcome>,
}

impl Summary {
    pub fn count(&self, outcome: StepOutcome) -> usize {
        self.steps.iter().filter(|s| **s == outcome).count()
    }
}

/// Where a session stands at one instant, for displays that redraw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub elapsed: Duration,
    /// Position in the plan: equal to `elapsed` until a step is skipped or
    /// repeated.
    pub position: Duration,
    pub index: usize,
    pub paused: bool,
}

/// How often, in routine time, displays are told to redraw: every second
/// of countdown, but never more than ten times a second of real time.
fn redraw_every(speed: Speed) -> Duration {
    Duration::from_secs((speed.factor() / 10.0).ceil().max(1.0) as u64)
}

/// Runs a plan to its end, feeding every event to the sink. Sleeps on the
/// clock between segment starts, so an idle session costs nothing.
pub fn run(plan: &Plan, speed: Speed, clock: &mut dyn Clock, sink: &mut dyn Sink) -> Summary {
    let redraw = redraw_every(speed);
    let mut events = Vec::new();
    let start = clock.now() + sink.lead();
    let mut engine = Engine::start(plan, speed, start, &mut events);
    let mut timeline = engine.timeline();
    sink.timeline(plan, timeline);
    // The first events come when the session starts; a key pressed in the
    // meantime counts from then.
    let mut early = None;
    while clock.now() < start {
        if let Some(control) = clock.wait(Some(start)) {
            early = Some(control);
        }
    }
    if let Some(control) = early {
        engine.control(control, clock.now(), &mut events);
    }
    loop {
        for event in events.drain(..) {
            sink.event(plan, &event);
            if let Event::SessionFinished { summary, .. } = event {
                return summary;
            }
        }
        let now = clock.now();
        let wake = if sink.wants_ticks() {
            sink.tick(plan, &engine.progress(now));
            match (engine.next_deadline(), engine.next_redraw(now, redraw)) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
        } else {
            engine.next_deadline()
        };
        if let Some(control) = clock.wait(wake) {
            engine.control(control, clock.now(), &mut events);
        }
        engine.advance(clock.now(), &mut events);
        if engine.timeline() != timeline {
            timeline = engine.timeline();
            sink.timeline(plan, timeline);
        }
    }
}
