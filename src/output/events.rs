//! The session as JSON Lines, one object per event, flushed as each
//! happens, for scripts and for the timing benchmark.

use std::io::{self, Write};
use std::time::Duration;

use serde_json::{Value, json};

use super::{Failure, Output};
use crate::plan::Plan;
use crate::routine::Side;
use crate::session::{Event, StepOutcome};

pub struct EventLog {
    out: Box<dyn Write>,
    what: String,
}

impl EventLog {
    /// `what` names the destination in the notice if writing fails.
    pub fn new(out: Box<dyn Write>, what: impl Into<String>) -> EventLog {
        EventLog {
            out,
            what: what.into(),
        }
    }
}

/// Whole milliseconds, rounded to the nearest.
fn ms(d: Duration) -> u64 {
    ((d.as_nanos() + 500_000) / 1_000_000) as u64
}

pub fn to_json(plan: &Plan, event: &Event) -> Value {
    match event {
        Event::SessionStarted { speed } => json!({
            "event": "session_started",
            "routine": plan.routine.id,
            "title": plan.routine.name,
            "total_ms": ms(plan.total),
            "speed": speed.factor(),
            "segments": plan.segments.len(),
        }),
        Event::SegmentStarted { elapsed, index } => {
            let segment = &plan.segments[*index];
            let step = plan.step(segment);
            json!({
                "event": "segment_started",
                "elapsed_ms": ms(*elapsed),
                "index": index,
                "phase": segment.phase.as_str(),
                "step": step.name,
                "step_index": segment.step,
                "kind": step.kind.as_str(),
                "side": segment.side.map(Side::as_str),
                "rep": segment.rep,
                "reps": step.reps,
                "duration_ms": ms(segment.duration),
                "offset_ms": ms(segment.offset),
            })
        }
        Event::Countdown { elapsed, remaining } => json!({
            "event": "countdown",
            "elapsed_ms": ms(*elapsed),
            "remaining": remaining,
        }),
        Event::Paused { elapsed } => json!({"event": "paused", "elapsed_ms": ms(*elapsed)}),
        Event::Resumed { elapsed } => json!({"event": "resumed", "elapsed_ms": ms(*elapsed)}),
        Event::StepDone { elapsed, step } => json!({
            "event": "step_done",
            "elapsed_ms": ms(*elapsed),
            "step_index": step,
            "step": plan.routine.steps[*step].name,
        }),
        Event::StepSkipped { elapsed, step } => json!({
            "event": "step_skipped",
            "elapsed_ms": ms(*elapsed),
            "step_index": step,
            "step": plan.routine.steps[*step].name,
        }),
        Event::SessionFinished { elapsed, summary } => json!({
            "event": "session_finished",
            "elapsed_ms": ms(*elapsed),
            "completed": summary.completed,
            "interrupted": summary.interrupted,
            "steps_done": summary.count(StepOutcome::Done),
            "steps_skipped": summary.count(StepOutcome::Skipped),
        }),
    }
}

impl Output for EventLog {
    fn event(&mut self, plan: &Plan, event: &Event) -> Result<(), Failure> {
        let mut line = to_json(plan, event).to_string();
        line.push('\n');
        self.out
            .write_all(line.as_bytes())
            .and_then(|()| self.out.flush())
            .map_err(|e| match e.kind() {
                io::ErrorKind::BrokenPipe => Failure::Quiet,
                _ => Failure::Report(format!(
                    "events are no longer written to {}: {}",
                    self.what,
                    crate::util::io_reason(&e)
                )),
            })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::to_json;
    use crate::plan::plan;
    use crate::routine::load::load;
    use crate::session::Event;

    #[test]
    fn a_countdown_second_is_one_short_line() {
        let routine = "name = \"Test\"\n[[steps]]\nname = \"A\"\nhold = \"10s\"\n";
        let json = to_json(
            &plan(load("test", routine).unwrap()),
            &Event::Countdown {
                elapsed: Duration::from_secs(2),
                remaining: 3,
            },
        );
        assert_eq!(
            json.to_string(),
            r#"{"event":"countdown","elapsed_ms":2000,"remaining":3}"#
        );
    }
}
