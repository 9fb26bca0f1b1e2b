//! The session on the desktop: one notification, updated in place, that
//! says what to do now, for a user whose terminal is out of sight. Notes
//! are queued for the notifier's worker, never sent from the timing path.

use std::time::Duration;

use super::terminal::closing;
use super::{Failure, Output};
use crate::desktop::{DEADLINE, Note, Notifier};
use crate::plan::{Phase, Plan, Segment};
use crate::routine::{Kind, Level};
use crate::session::Event;
use crate::util::{clock, human};

pub struct DesktopOutput {
    notifier: Option<Notifier>,
    level: Level,
}

impl DesktopOutput {
    pub fn new(notifier: Notifier, level: Level) -> DesktopOutput {
        DesktopOutput {
            notifier: Some(notifier),
            level,
        }
    }
}

fn note(summary: String, body: String) -> Note {
    Note {
        summary,
        body,
        category: "x-nocturne.session",
        urgent: false,
        transient: true,
        actions: Vec::new(),
    }
}

/// "Wall calf stretch, left leg": a step and the leg it works.
fn heading(plan: &Plan, segment: &Segment) -> String {
    let step = plan.step(segment);
    match segment.side {
        Some(side) => format!("{}, {side} leg", step.name),
        None => step.name.clone(),
    }
}

/// "Hold 10s, 3 times, relax 10s between."
fn what_to_do(plan: &Plan, segment: &Segment) -> String {
    let step = plan.step(segment);
    let verb = step.kind.verb();
    if step.reps > 1 {
        format!(
            "{verb} {}, {} times, relax {} between.",
            human(step.hold),
            step.reps,
            human(step.relax)
        )
    } else {
        format!("{verb} {}.", human(step.hold))
    }
}

/// The note for a segment, if the level shows it: the start of each step,
/// and each change of sides.
fn segment_note(plan: &Plan, index: usize, level: Level) -> Option<Note> {
    let segment = &plan.segments[index];
    let step = plan.step(segment);
    let first_line = step.instructions.lines().next().unwrap_or("");
    let opens_step = plan.step_starts.get(segment.step) == Some(&index);
    match segment.phase {
        Phase::Hold if opens_step && level >= Level::Steps => {
            let what = if step.kind == Kind::Hydrate {
                format!("Time to drink: {}.", human(step.hold))
            } else {
                what_to_do(plan, segment)
            };
            let body = format!("{what}\n{first_line}");
            Some(note(heading(plan, segment), body.trim_end().to_owned()))
        }
        Phase::Switch if level >= Level::All => {
            let side = segment.side.map_or("other".to_owned(), |s| s.to_string());
            let body = format!("Change to the {side} leg. {}", what_to_do(plan, segment));
            Some(note(heading(plan, segment), body))
        }
        _ => None,
    }
}

impl Output for DesktopOutput {
    fn event(&mut self, plan: &Plan, event: &Event) -> Result<(), Failure> {
        let Some(notifier) = &self.notifier else {
            return Ok(());
        };
        if let Some(why) = notifier.failure() {
            // Let go of the worker without waiting for it: this runs on the
            // session's timing path.
            self.notifier = None;
            return Err(Failure::Report(format!("notifications are off: {why}")));
        }
        let routine = &plan.routine;
        let next = match event {
            Event::SessionStarted { .. } => {
                let first = routine.steps.first().map_or("", |s| s.name.as_str());
                let steps = routine.steps.len();
                Some(note(
                    routine.name.clone(),
                    format!(
                        "{steps} step{}, {}. Get ready: {first}.",
                        if steps == 1 { "" } else { "s" },
                        clock(plan.total)
                    ),
                ))
            }
            Event::SegmentStarted { index, .. } => segment_note(plan, *index, self.level),
            Event::SessionFinished { summary, .. } => {
                let [account, farewell] = closing(plan, summary);
                let title = if summary.completed {
                    "Finished"
                } else {
                    "Ended early"
                };
                Some(note(
                    format!("{title}: {}", routine.name),
                    format!("{account}\n{farewell}"),
                ))
            }
            _ => None,
        };
        if let Some(next) = next {
            notifier.show(next);
        }
        Ok(())
    }
}

impl Drop for DesktopOutput {
    /// Lets the last note (the session's end) reach the desktop before the
    /// program ends, within the usual deadline.
    fn drop(&mut self) {
        if let Some(notifier) = self.notifier.take() {
            notifier.finish(DEADLINE + Duration::from_millis(200));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::plan;
    use crate::routine::load::load;

    fn test_plan() -> Plan {
        plan(
            load(
                "t",
                "name = \"T\"\n[[steps]]\nname = \"Calf\"\nhold = 10\nreps = 3\nrelax = 10\nsides = \"both\"\n\
                 instructions = \"Lean in.\\nSecond line.\"\n\
                 [[steps]]\nname = \"Water\"\nkind = \"hydrate\"\nhold = 30\n",
            )
            .unwrap(),
        )
    }

    fn notes(level: Level) -> Vec<(String, String)> {
        let plan = test_plan();
        (0..plan.segments.len())
            .filter_map(|i| segment_note(&plan, i, level))
            .map(|n| (n.summary, n.body))
            .collect()
    }

    #[test]
    fn steps_and_changes_of_sides_have_their_own_words() {
        let all = notes(Level::All);
        assert_eq!(
            all,
            [
                (
                    "Calf, left leg".to_owned(),
                    "Hold 10s, 3 times, relax 10s between.\nLean in.".to_owned()
                ),
                (
                    "Calf, right leg".to_owned(),
                    "Change to the right leg. Hold 10s, 3 times, relax 10s between.".to_owned()
                ),
                ("Water".to_owned(), "Time to drink: 30s.".to_owned()),
            ]
        );
        assert_eq!(notes(Level::Steps).len(), 2);
        assert!(notes(Level::Session).is_empty());
    }
}
