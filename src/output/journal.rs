//! Every session goes into the journal: written as it starts (every step
//! pending), each step as it is done or skipped, and how it ended; a
//! `hydrate` step done at real speed logs a glass of water (except in
//! the cramp-relief routine). A
//! session killed outright, or a power cut, leaves it as unfinished with
//! the steps done so far. The writes happen on a worker thread, never on
//! the timing path.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use super::{Failure, Output};
use crate::clock::ServiceClock;
use crate::journal::record::{DrinkSource, SessionOutcome, StepOutcome as Stored};
use crate::journal::store::{Drink, Journal, NewSession};
use crate::journal::when::{night_of, stamp};
use crate::plan::Plan;
use crate::session::{Event, StepOutcome};

enum Entry {
    Start(NewSession),
    Step(usize, Stored),
    /// A `hydrate` step done: a glass drunk.
    Drink(usize),
    Finish {
        outcome: SessionOutcome,
        steps: Vec<Stored>,
    },
}

pub struct JournalOutput {
    entries: Option<Sender<Entry>>,
    /// Whether a hydrate step done logs a glass: not in a preview (nobody
    /// drinks at 30 times the speed), nor in the cramp-relief routine,
    /// whose sip is a few millilitres of pickle brine, not a glass.
    logs_drinks: bool,
    failures: Receiver<String>,
    worker: Option<JoinHandle<()>>,
}

fn stored(outcome: StepOutcome) -> Stored {
    match outcome {
        StepOutcome::Done => Stored::Done,
        StepOutcome::Skipped => Stored::Skipped,
        StepOutcome::Unfinished => Stored::Unfinished,
    }
}

impl JournalOutput {
    /// Starts the writer; the journal opens on its thread. A hydrate step
    /// logs `glass_ml`.
    pub fn start(path: PathBuf, glass_ml: u32) -> JournalOutput {
        let (entries, inbox) = channel::<Entry>();
        let (failed, failures) = channel();
        let worker = std::thread::Builder::new()
            .name("journal".into())
            .spawn(move || {
                let tz = crate::zone::system();
                let clock = ServiceClock::new();
                let report = |why: String| {
                    let _ = failed.send(why);
                };
                let mut journal = match Journal::open(&path) {
                    Ok(journal) => journal,
                    Err(e) => return report(e.to_string()),
                };
                let mut session = None;
                for entry in inbox {
                    let written = match (entry, session) {
                        (Entry::Start(record), _) => {
                            let now = clock.wall();
                            journal
                                .start_session(&record, night_of(now, &tz), &stamp(now, &tz))
                                .map(|id| session = Some(id))
                        }
                        (Entry::Step(step, outcome), Some(id)) => {
                            journal.set_step(id, step, outcome)
                        }
                        (Entry::Drink(step), Some(id)) => {
                            let now = clock.wall();
                            let at = stamp(now, &tz);
                            journal
                                .add_drink(&Drink {
                                    id: None,
                                    night: night_of(now, &tz),
                                    at: at.clone(),
                                    amount_ml: glass_ml,
                                    source: DrinkSource::Session,
                                    session_id: Some(id),
                                    step_index: u32::try_from(step).ok(),
                                    logged_at: at,
                                })
                                .map(|_| ())
                        }
                        (Entry::Finish { outcome, steps }, Some(id)) => {
                            let ended = stamp(clock.wall(), &tz);
                            journal.finish_session(id, &ended, outcome, &steps)
                        }
                        (_, None) => Ok(()),
                    };
                    if let Err(e) = written {
                        return report(e.to_string());
                    }
                }
            })
            .ok();
        JournalOutput {
            entries: Some(entries),
            logs_drinks: true,
            failures,
            worker,
        }
    }

    fn send(&self, entry: Entry) {
        if let Some(entries) = &self.entries {
            let _ = entries.send(entry);
        }
    }
}

impl Output for JournalOutput {
    fn event(&mut self, plan: &Plan, event: &Event) -> Result<(), Failure> {
        if let Ok(why) = self.failures.try_recv() {
            self.entries = None;
            self.worker = None;
            return Err(Failure::Report(format!("the journal is off: {why}")));
        }
        match event {
            Event::SessionStarted { speed } => {
                self.logs_drinks =
                    *speed == crate::session::Speed::REAL && !plan.routine.offer_cramp_log;
                self.send(Entry::Start(NewSession {
                    routine: plan.routine.id.clone(),
                    title: plan.routine.name.clone(),
                    relief: plan.routine.offer_cramp_log,
                    speed: speed.factor(),
                    steps: plan.routine.steps.iter().map(|s| s.name.clone()).collect(),
                }))
            }
            Event::StepDone { step, .. } => {
                self.send(Entry::Step(*step, Stored::Done));
                let hydrate = plan
                    .routine
                    .steps
                    .get(*step)
                    .is_some_and(|s| s.kind == crate::routine::Kind::Hydrate);
                if hydrate && self.logs_drinks {
                    self.send(Entry::Drink(*step));
                }
            }
            Event::StepSkipped { step, .. } => self.send(Entry::Step(*step, Stored::Skipped)),
            Event::SessionFinished { summary, .. } => {
                let outcome = if summary.completed {
                    SessionOutcome::Completed
                } else if summary.interrupted {
                    SessionOutcome::Interrupted
                } else {
                    SessionOutcome::EndedEarly
                };
                let steps = summary.steps.iter().map(|s| stored(*s)).collect();
                self.send(Entry::Finish { outcome, steps });
            }
            _ => {}
        }
        Ok(())
    }
}

impl Drop for JournalOutput {
    /// Lets the last writes reach the disk before the program ends, within
    /// a few seconds (another nocturne may hold the journal briefly).
    fn drop(&mut self) {
        self.entries = None;
        if let Some(worker) = self.worker.take() {
            crate::util::join_within(worker, Duration::from_secs(6));
        }
    }
}
