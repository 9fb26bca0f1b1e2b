//! The state machine behind a session. Every segment's start is computed
//! from the session's start (an absolute deadline), never from the previous
//! segment's, so lateness cannot add up over a long routine; a pause moves
//! all remaining deadlines by its length.

use std::time::Duration;

use super::{Control, Event, Progress, Speed, StepOutcome, Summary, Timeline};
use crate::plan::{Phase, Plan};

/// Two presses of "back" within this much real time go one step further.
const DOUBLE_PRESS: Duration = Duration::from_secs(3);

/// The first countdown second of a segment, if it has any.
fn countdown(segment: &crate::plan::Segment) -> Option<u32> {
    Some(segment.countdown()).filter(|n| *n > 0)
}

pub struct Engine<'p> {
    plan: &'p Plan,
    speed: Speed,
    /// Clock time the session began.
    origin: Duration,
    /// Clock time spent in pauses that are over.
    paused_for: Duration,
    /// Clock time the current pause began.
    paused_at: Option<Duration>,
    /// Routine time elapsed, and plan position, at the last jump (skip or
    /// restart); between jumps both advance together.
    anchor_elapsed: Duration,
    anchor_position: Duration,
    current: usize,
    /// The next countdown second due in the current segment, if any.
    counting: Option<u32>,
    last_back: Option<Duration>,
    outcomes: Vec<StepOutcome>,
    finished: bool,
    /// Ended early by the user (quit or interrupted).
    cut_short: bool,
}

impl<'p> Engine<'p> {
    /// Starts a session at clock time `now` and enters its first segment.
    pub fn start(plan: &'p Plan, speed: Speed, now: Duration, out: &mut Vec<Event>) -> Self {
        let engine = Engine {
            plan,
            speed,
            origin: now,
            paused_for: Duration::ZERO,
            paused_at: None,
            anchor_elapsed: Duration::ZERO,
            anchor_position: Duration::ZERO,
            current: 0,
            counting: countdown(&plan.segments[0]),
            last_back: None,
            outcomes: vec![StepOutcome::Unfinished; plan.routine.steps.len()],
            finished: false,
            cut_short: false,
        };
        out.push(Event::SessionStarted { speed });
        out.push(Event::SegmentStarted {
            elapsed: Duration::ZERO,
            index: 0,
        });
        engine
    }

    /// Routine time since the start, pauses left out.
    pub fn elapsed(&self, now: Duration) -> Duration {
        let paused = self.paused_for + self.paused_at.map_or(Duration::ZERO, |at| now - at);
        now.saturating_sub(self.origin + paused)
            .mul_f64(self.speed.factor())
    }

    pub fn progress(&self, now: Duration) -> Progress {
        let elapsed = self.elapsed(now);
        let position = self.anchor_position + elapsed.saturating_sub(self.anchor_elapsed);
        let segment = &self.plan.segments[self.current];
        Progress {
            elapsed,
            // A late wake-up must not show a segment as more than full.
            position: position.min(segment.end()),
            index: self.current,
            paused: self.paused_at.is_some(),
        }
    }

    /// When, on the clock, the plan reaches each position from the last
    /// jump on: `None` while paused or once ended early. It changes only
    /// when the user pauses, resumes, skips or goes back.
    pub fn timeline(&self) -> Option<Timeline> {
        if self.paused_at.is_some() || self.cut_short {
            return None;
        }
        Some(Timeline {
            clock: self.origin + self.paused_for + self.anchor_elapsed.div_f64(self.speed.factor()),
            position: self.anchor_position,
            speed: self.speed,
        })
    }

    /// Clock time at which the plan reaches `position`, if running.
    fn clock_time_of(&self, position: Duration) -> Option<Duration> {
        if self.paused_at.is_some() || self.finished {
            return None;
        }
        let elapsed = self.anchor_elapsed + position.saturating_sub(self.anchor_position);
        Some(self.origin + self.paused_for + elapsed.div_f64(self.speed.factor()))
    }

    /// The next thing the session must do: a countdown second, or the end
    /// of the current segment.
    pub fn next_deadline(&self) -> Option<Duration> {
        self.clock_time_of(self.next_moment())
    }

    /// Plan position of the next countdown second or of the segment's end.
    fn next_moment(&self) -> Duration {
        let end = self.plan.segments[self.current].end();
        match self.counting {
            Some(remaining) => end - Duration::from_secs(remaining.into()),
            None => end,
        }
    }

    /// The next whole `every` of the current segment's countdown, for
    /// displays; `None` when paused or when the segment ends first.
    pub fn next_redraw(&self, now: Duration, every: Duration) -> Option<Duration> {
        let segment = &self.plan.segments[self.current];
        let into = self.progress(now).position.saturating_sub(segment.offset);
        let next = every * (into.as_nanos() / every.as_nanos() + 1) as u32;
        (next < segment.duration)
            .then(|| self.clock_time_of(segment.offset + next))
            .flatten()
    }

    /// Moves through every countdown second and segment end that has come
    /// by `now`.
    pub fn advance(&mut self, now: Duration, out: &mut Vec<Event>) {
        while let Some(deadline) = self.next_deadline() {
            if now < deadline {
                return;
            }
            if let Some(remaining) = self.counting {
                self.counting = remaining.checked_sub(1).filter(|r| *r > 0);
                out.push(Event::Countdown {
                    elapsed: self.elapsed(now),
                    remaining,
                });
                continue;
            }
            if self.plan.ends_step(self.current) {
                let step = self.plan.segments[self.current].step;
                self.outcomes[step] = StepOutcome::Done;
                out.push(Event::StepDone {
                    elapsed: self.elapsed(now),
                    step,
                });
            }
            let next = self.current + 1;
            if next == self.plan.segments.len() {
                self.finish(now, true, false, out);
                return;
            }
            self.enter(next);
            out.push(Event::SegmentStarted {
                elapsed: self.elapsed(now),
                index: next,
            });
        }
    }

    fn enter(&mut self, index: usize) {
        self.current = index;
        self.counting = countdown(&self.plan.segments[index]);
    }

    pub fn control(&mut self, control: Control, now: Duration, out: &mut Vec<Event>) {
        if self.finished {
            return;
        }
        let elapsed = self.elapsed(now);
        if control == Control::Redraw {
            return;
        }
        if control != Control::Back {
            // "Back twice" means two presses in a row, not with other keys
            // between.
            self.last_back = None;
        }
        match control {
            Control::TogglePause => match self.paused_at.take() {
                Some(at) => {
                    self.paused_for += now - at;
                    out.push(Event::Resumed { elapsed });
                }
                None => {
                    self.paused_at = Some(now);
                    out.push(Event::Paused { elapsed });
                }
            },
            Control::Next => self.skip(now, out),
            Control::Back => {
                let again = self
                    .last_back
                    .is_some_and(|at| now.saturating_sub(at) < DOUBLE_PRESS);
                self.last_back = Some(now);
                let here = self.unit_start(self.current);
                let target = match (again, here) {
                    (true, 0) | (false, _) => here,
                    (true, _) => self.unit_start(here - 1),
                };
                self.jump(target, now, out);
            }
            Control::Pause => {
                if self.paused_at.is_none() {
                    self.paused_at = Some(now);
                    out.push(Event::Paused { elapsed });
                }
            }
            Control::Quit => self.finish(now, false, false, out),
            Control::Interrupt => self.finish(now, false, true, out),
            Control::Redraw => {}
        }
    }

    /// "Next": leave the current step (or the lead-in) for the next one.
    fn skip(&mut self, now: Duration, out: &mut Vec<Event>) {
        let segment = self.plan.segments[self.current];
        if segment.phase == Phase::LeadIn {
            let first = self.plan.step_starts[0];
            self.jump(first, now, out);
            return;
        }
        if segment.phase != Phase::Rest {
            let outcome = &mut self.outcomes[segment.step];
            if *outcome != StepOutcome::Done {
                *outcome = StepOutcome::Skipped;
            }
            out.push(Event::StepSkipped {
                elapsed: self.elapsed(now),
                step: segment.step,
            });
        }
        match self.plan.step_starts.get(segment.step + 1) {
            Some(&next) => self.jump(next, now, out),
            None => {
                // Past the last step: the plan's end is now.
                self.anchor_elapsed = self.elapsed(now);
                self.anchor_position = self.plan.total;
                self.finish(now, true, false, out);
            }
        }
    }

    /// First segment of the unit (the lead-in, or a step) holding `index`.
    fn unit_start(&self, index: usize) -> usize {
        match self.plan.segments[index].phase {
            Phase::LeadIn => 0,
            _ => self.plan.step_starts[self.plan.segments[index].step],
        }
    }

    fn jump(&mut self, index: usize, now: Duration, out: &mut Vec<Event>) {
        let elapsed = self.elapsed(now);
        self.anchor_elapsed = elapsed;
        self.anchor_position = self.plan.segments[index].offset;
        self.enter(index);
        out.push(Event::SegmentStarted { elapsed, index });
    }

    fn finish(&mut self, now: Duration, completed: bool, interrupted: bool, out: &mut Vec<Event>) {
        let elapsed = self.elapsed(now);
        self.finished = true;
        self.cut_short = !completed;
        out.push(Event::SessionFinished {
            elapsed,
            summary: Summary {
                elapsed,
                completed,
                interrupted,
                steps: self.outcomes.clone(),
            },
        });
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::plan::{Plan, plan};
    use crate::routine::load::load;
    use crate::session::clock::{Clock, ManualClock};
    use crate::session::{Control, Event, Progress, Sink, Speed, StepOutcome, Summary, run};

    /// Lead-in 0-5; A: hold 5-15, relax 15-20, hold 20-30, rest 30-35;
    /// B: left 35-45, switch 45-50, right 50-60.
    const ROUTINE: &str = r#"
name = "Test"
lead_in = "5s"
[[steps]]
name = "A"
hold = "10s"
reps = 2
relax = "5s"
rest = "5s"
[[steps]]
name = "B"
hold = "10s"
sides = "both"
switch = "5s"
"#;

    fn test_plan() -> Plan {
        plan(load("test", ROUTINE).unwrap())
    }

    /// Keeps each event as "name elapsed_ms [#segment] [step]"; countdown
    /// seconds only where `counts` is set.
    struct Recorder {
        lines: Vec<String>,
        counts: bool,
    }

    impl Sink for Recorder {
        fn event(&mut self, _plan: &Plan, event: &Event) {
            let ms = |d: &Duration| (d.as_nanos() + 500_000) / 1_000_000;
            let line = match event {
                Event::SessionStarted { .. } => "session_started".to_owned(),
                Event::SegmentStarted { elapsed, index } => {
                    format!("segment_started {} #{index}", ms(elapsed))
                }
                Event::Countdown { .. } if !self.counts => return,
                Event::Countdown { elapsed, .. } => format!("countdown {}", ms(elapsed)),
                Event::Paused { elapsed } => format!("paused {}", ms(elapsed)),
                Event::Resumed { elapsed } => format!("resumed {}", ms(elapsed)),
                Event::StepDone { elapsed, step } => {
                    format!("step_done {} step{step}", ms(elapsed))
                }
                Event::StepSkipped { elapsed, step } => {
                    format!("step_skipped {} step{step}", ms(elapsed))
                }
                Event::SessionFinished { elapsed, .. } => {
                    format!("session_finished {}", ms(elapsed))
                }
            };
            self.lines.push(line);
        }

        fn tick(&mut self, _plan: &Plan, _progress: &Progress) {}

        fn wants_ticks(&self) -> bool {
            false
        }
    }

    fn session(
        speed: f64,
        script: &[(u64, Control)],
        lateness_ms: u64,
    ) -> (Vec<String>, Summary, Duration) {
        recorded(speed, script, lateness_ms, false)
    }

    fn recorded(
        speed: f64,
        script: &[(u64, Control)],
        lateness_ms: u64,
        counts: bool,
    ) -> (Vec<String>, Summary, Duration) {
        let plan = test_plan();
        let mut recorder = Recorder {
            lines: Vec::new(),
            counts,
        };
        let mut clock = ManualClock::new(script);
        clock.lateness = Duration::from_millis(lateness_ms);
        let summary = run(&plan, Speed::new(speed).unwrap(), &mut clock, &mut recorder);
        (recorder.lines, summary, clock.now())
    }

    fn starts(events: &[String]) -> Vec<&str> {
        events
            .iter()
            .filter(|e| e.starts_with("segment_started"))
            .map(|e| &e["segment_started ".len()..])
            .collect()
    }

    #[test]
    fn every_segment_starts_at_its_planned_offset() {
        let (events, summary, ended) = session(1.0, &[], 0);
        assert_eq!(events.first().unwrap(), "session_started");
        assert_eq!(
            starts(&events),
            [
                "0 #0", "5000 #1", "15000 #2", "20000 #3", "30000 #4", "35000 #5", "45000 #6",
                "50000 #7"
            ]
        );
        assert_eq!(events.last().unwrap(), "session_finished 60000");
        assert!(summary.completed && !summary.interrupted);
        assert_eq!(summary.steps, [StepOutcome::Done, StepOutcome::Done]);
        assert_eq!(ended, Duration::from_secs(60));
    }

    #[test]
    fn lateness_does_not_add_up() {
        // Every wake-up comes 40 ms late, yet no segment starts more than
        // 40 ms after its plan, however many came before.
        let (events, _, ended) = session(1.0, &[], 40);
        let offsets = [0, 5000, 15000, 20000, 30000, 35000, 45000, 50000];
        assert_eq!(starts(&events).len(), offsets.len(), "{events:?}");
        for (start, planned) in starts(&events).iter().zip(offsets) {
            let at: u64 = start.split(' ').next().unwrap().parse().unwrap();
            assert!(
                (planned..=planned + 40).contains(&at),
                "{start} vs {planned}"
            );
        }
        assert!(ended <= Duration::from_millis(60_040), "{ended:?}");
    }

    #[test]
    fn speed_shortens_real_time_but_not_routine_time() {
        let (events, _, ended) = session(10.0, &[], 0);
        assert_eq!(starts(&events)[5], "35000 #5");
        assert_eq!(events.last().unwrap(), "session_finished 60000");
        assert_eq!(ended, Duration::from_secs(6));
    }

    #[test]
    fn a_stop_pauses_once_and_a_redraw_changes_nothing() {
        // Ctrl-Z pauses; a second stop while paused, and redraws, add
        // nothing; space goes on as after any pause.
        let script = [
            (12_000, Control::Pause),
            (13_000, Control::Redraw),
            (20_000, Control::Pause),
            (42_000, Control::TogglePause),
        ];
        let (events, _, ended) = session(1.0, &script, 0);
        assert_eq!(events[3], "paused 12000");
        assert_eq!(events[4], "resumed 12000");
        assert_eq!(starts(&events)[2], "15000 #2");
        assert_eq!(ended, Duration::from_secs(90));
        // A redraw between two presses of back keeps them a double press.
        let script = [
            (40_000, Control::Back),
            (40_500, Control::Redraw),
            (41_000, Control::Back),
        ];
        let (with_redraw, _, _) = session(1.0, &script, 0);
        let (without, _, _) = session(1.0, &[(40_000, Control::Back), (41_000, Control::Back)], 0);
        assert_eq!(with_redraw, without);
    }

    #[test]
    fn a_pause_moves_every_later_start_by_its_length() {
        let script = [
            (12_000, Control::TogglePause),
            (42_000, Control::TogglePause),
        ];
        let (events, summary, ended) = session(1.0, &script, 0);
        assert_eq!(events[3], "paused 12000");
        assert_eq!(events[4], "resumed 12000");
        assert_eq!(
            starts(&events)[2..],
            [
                "15000 #2", "20000 #3", "30000 #4", "35000 #5", "45000 #6", "50000 #7"
            ]
        );
        assert_eq!(ended, Duration::from_secs(90));
        assert!(summary.completed);
        assert_eq!(summary.elapsed, Duration::from_secs(60));
    }

    #[test]
    fn next_skips_the_step_and_the_plan_carries_on_from_there() {
        let (events, summary, ended) = session(1.0, &[(7_000, Control::Next)], 0);
        assert_eq!(
            events[3..6],
            [
                "step_skipped 7000 step0",
                "segment_started 7000 #5",
                "segment_started 17000 #6"
            ]
        );
        assert_eq!(summary.steps, [StepOutcome::Skipped, StepOutcome::Done]);
        assert!(summary.completed);
        assert_eq!(ended, Duration::from_secs(32));
    }

    #[test]
    fn next_in_the_lead_in_or_a_rest_skips_nothing() {
        let script = [(1_000, Control::Next), (27_000, Control::Next)];
        let (events, summary, _) = session(1.0, &script, 0);
        // The lead-in gives way to step A, whose holds run to the end; in
        // its rest, `n` only moves on.
        assert_eq!(
            starts(&events)[..6],
            [
                "0 #0", "1000 #1", "11000 #2", "16000 #3", "26000 #4", "27000 #5"
            ]
        );
        assert!(!events.iter().any(|e| e.starts_with("step_skipped")));
        assert_eq!(summary.steps, [StepOutcome::Done, StepOutcome::Done]);
    }

    #[test]
    fn back_restarts_the_step_and_twice_goes_to_the_one_before() {
        let script = [
            (40_000, Control::Back), // in B: back to B's start
            (41_000, Control::Back), // again at once: back to A
            (50_000, Control::Back), // later: restart A
        ];
        let (events, summary, _) = session(1.0, &script, 0);
        assert_eq!(
            starts(&events)[6..10],
            ["40000 #5", "41000 #1", "50000 #1", "60000 #2"]
        );
        assert!(summary.completed);
        // A restarts at 50 s and the 55 s from A's first hold to the end
        // follow.
        assert_eq!(summary.elapsed, Duration::from_secs(105));
    }

    #[test]
    fn quit_and_interrupt_end_early() {
        let (events, summary, _) = session(1.0, &[(12_000, Control::Quit)], 0);
        assert_eq!(events.last().unwrap(), "session_finished 12000");
        assert!(!summary.completed && !summary.interrupted);
        assert_eq!(
            summary.steps,
            [StepOutcome::Unfinished, StepOutcome::Unfinished]
        );

        let (_, summary, _) = session(1.0, &[(12_000, Control::Interrupt)], 0);
        assert!(!summary.completed && summary.interrupted);
    }

    #[test]
    fn skipping_while_paused_stays_paused() {
        let script = [
            (6_000, Control::TogglePause),
            (8_000, Control::Next),
            (20_000, Control::TogglePause),
        ];
        let (events, _, ended) = session(1.0, &script, 0);
        assert_eq!(
            events[3..8],
            [
                "paused 6000",
                "step_skipped 6000 step0",
                "segment_started 6000 #5",
                "resumed 6000",
                "segment_started 16000 #6"
            ]
        );
        assert_eq!(ended, Duration::from_secs(45));
    }

    #[test]
    fn skipping_the_last_step_ends_the_session() {
        let (events, summary, _) = session(1.0, &[(52_000, Control::Next)], 0);
        assert_eq!(events[events.len() - 2], "step_skipped 52000 step1");
        assert_eq!(events.last().unwrap(), "session_finished 52000");
        assert!(summary.completed);
        assert_eq!(summary.steps, [StepOutcome::Done, StepOutcome::Skipped]);
    }

    #[test]
    fn the_last_seconds_of_a_lead_in_or_switch_are_counted() {
        let (events, _, _) = recorded(1.0, &[], 0, true);
        let counts: Vec<&str> = events
            .iter()
            .filter(|e| e.starts_with("countdown"))
            .map(String::as_str)
            .collect();
        // Lead-in 0-5 s and switch 45-50 s: ticks 3, 2 and 1 s before each end.
        assert_eq!(
            counts,
            [
                "countdown 2000",
                "countdown 3000",
                "countdown 4000",
                "countdown 47000",
                "countdown 48000",
                "countdown 49000"
            ]
        );
    }

    #[test]
    fn a_pause_holds_the_countdown_too() {
        let script = [
            (2_500, Control::TogglePause),
            (10_000, Control::TogglePause),
        ];
        let (events, _, _) = recorded(1.0, &script, 0, true);
        assert_eq!(
            events[2..8],
            [
                "countdown 2000",
                "paused 2500",
                "resumed 2500",
                "countdown 3000",
                "countdown 4000",
                "segment_started 5000 #1"
            ]
        );
    }

    #[test]
    fn back_after_another_key_restarts_the_step() {
        let script = [
            (40_000, Control::Back), // in B: back to B's start
            (40_500, Control::TogglePause),
            (41_000, Control::TogglePause),
            (41_500, Control::Back), // not "twice": restart B again
        ];
        let (events, _, _) = session(1.0, &script, 0);
        assert_eq!(starts(&events)[6..8], ["40000 #5", "41000 #5"]);
    }

    #[test]
    fn the_timeline_follows_jumps_and_ends_at_the_plan_end() {
        let plan = test_plan();
        let s = Duration::from_secs;
        let mut events = Vec::new();
        let speed = Speed::new(1.0).unwrap();
        let mut engine = super::Engine::start(&plan, speed, s(0), &mut events);
        let line = |clock, position| {
            Some(crate::session::Timeline {
                clock,
                position,
                speed,
            })
        };
        assert_eq!(engine.timeline(), line(s(0), s(0)));
        // Paused: nothing is due.
        engine.control(Control::TogglePause, s(2), &mut events);
        assert_eq!(engine.timeline(), None);
        // Resumed after 3 s: every position comes 3 s later.
        engine.control(Control::TogglePause, s(5), &mut events);
        assert_eq!(engine.timeline(), line(s(3), s(0)));
        // Skipped to step A at 6 s: A's start (5 s into the plan) is now.
        engine.control(Control::Next, s(6), &mut events);
        assert_eq!(engine.timeline(), line(s(6), s(5)));
        // Past the last step: the plan's end is now, so the finish is due.
        engine.control(Control::Next, s(7), &mut events);
        engine.control(Control::Next, s(8), &mut events);
        assert_eq!(engine.timeline(), line(s(8), plan.total));
        assert!(matches!(
            events.last(),
            Some(Event::SessionFinished { summary, .. }) if summary.completed
        ));

        // Quitting silences what was due.
        let mut engine = super::Engine::start(&plan, speed, s(0), &mut events);
        engine.control(Control::Quit, s(1), &mut events);
        assert_eq!(engine.timeline(), None);
    }
}
