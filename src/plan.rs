//! A routine unrolled into the flat list of timed segments a session
//! follows: lead-in, each hold per side and repetition, the relaxes between
//! them, the change of sides, the rest after a step. `show` prints this
//! list and `run` executes it, so a preview is exactly what will happen.

use std::time::Duration;

use crate::routine::{Routine, Side, Step};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    LeadIn,
    Hold,
    Relax,
    Switch,
    Rest,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::LeadIn => "lead_in",
            Phase::Hold => "hold",
            Phase::Relax => "relax",
            Phase::Switch => "switch",
            Phase::Rest => "rest",
        }
    }
}

/// One timed stretch of the session.
///
/// `side` and `rep` name the hold a segment belongs to: for a hold, itself;
/// for a lead-in, relax or switch, the hold that comes next; for a rest,
/// the step's last hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub phase: Phase,
    /// Index into the routine's steps.
    pub step: usize,
    pub side: Option<Side>,
    /// Repetition, from 1.
    pub rep: u32,
    /// Start, measured from the start of the session.
    pub offset: Duration,
    pub duration: Duration,
}

impl Segment {
    pub fn end(&self) -> Duration {
        self.offset + self.duration
    }

    /// How many of a segment's last seconds are counted down (by a soft
    /// tick each): the last 3 of a get-ready or a change of sides, never
    /// its very start.
    pub fn countdown(&self) -> u32 {
        match self.phase {
            Phase::LeadIn | Phase::Switch => {
                self.duration.as_secs().saturating_sub(1).min(3) as u32
            }
            Phase::Hold | Phase::Relax | Phase::Rest => 0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub routine: Routine,
    pub segments: Vec<Segment>,
    /// Index of each step's first segment.
    pub step_starts: Vec<usize>,
    pub total: Duration,
}

/// Unrolls a routine. Segments of zero length (no relax, no rest) are left
/// out, so every segment in the plan is one the user will see.
pub fn plan(routine: Routine) -> Plan {
    let mut segments = Vec::new();
    let mut step_starts = Vec::with_capacity(routine.steps.len());
    let mut at = Duration::ZERO;
    let mut push = |segments: &mut Vec<Segment>, phase, step, side, rep, duration: Duration| {
        if !duration.is_zero() {
            segments.push(Segment {
                phase,
                step,
                side,
                rep,
                offset: at,
                duration,
            });
            at += duration;
        }
    };

    if let Some(first) = routine.steps.first() {
        let side = first.sides.sequence()[0];
        push(&mut segments, Phase::LeadIn, 0, side, 1, routine.lead_in);
    }
    for (index, step) in routine.steps.iter().enumerate() {
        step_starts.push(segments.len());
        let sides = step.sides.sequence();
        for (n, &side) in sides.iter().enumerate() {
            if n > 0 {
                push(&mut segments, Phase::Switch, index, side, 1, step.switch);
            }
            for rep in 1..=step.reps {
                if rep > 1 {
                    push(&mut segments, Phase::Relax, index, side, rep, step.relax);
                }
                push(&mut segments, Phase::Hold, index, side, rep, step.hold);
            }
        }
        let last = sides[sides.len() - 1];
        push(
            &mut segments,
            Phase::Rest,
            index,
            last,
            step.reps,
            step.rest,
        );
    }

    Plan {
        total: at,
        routine,
        segments,
        step_starts,
    }
}

impl Plan {
    pub fn step(&self, segment: &Segment) -> &Step {
        &self.routine.steps[segment.step]
    }

    /// Whether `index` is the last hold of its step: once it ends, the step
    /// is done.
    pub fn ends_step(&self, index: usize) -> bool {
        let segment = &self.segments[index];
        segment.phase == Phase::Hold
            && !self.segments[index + 1..]
                .iter()
                .take_while(|s| s.step == segment.step)
                .any(|s| s.phase == Phase::Hold)
    }

    /// "Wall calf stretch, left leg, 2 of 3": the hold a segment belongs to.
    pub fn title(&self, segment: &Segment) -> String {
        let step = self.step(segment);
        let mut title = step.name.clone();
        if let Some(side) = segment.side {
            title.push_str(&format!(", {side} leg"));
        }
        if step.reps > 1 {
            title.push_str(&format!(", {} of {}", segment.rep, step.reps));
        }
        title
    }

    /// What the user does during a segment, in one or two words.
    pub fn action(&self, segment: &Segment) -> &'static str {
        match segment.phase {
            Phase::LeadIn => "Get ready",
            Phase::Hold => self.step(segment).kind.verb(),
            Phase::Relax => "Relax",
            Phase::Switch => "Change sides",
            Phase::Rest => "Rest",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routine::load::load;

    fn routine(steps: &str) -> Routine {
        load("test", &format!("name = \"Test\"\n{steps}")).unwrap()
    }

    fn shape(plan: &Plan) -> Vec<String> {
        plan.segments
            .iter()
            .map(|s| {
                format!(
                    "{} {} {} {} {}+{}",
                    s.phase.as_str(),
                    s.step,
                    s.side.map_or("-", Side::as_str),
                    s.rep,
                    s.offset.as_secs(),
                    s.duration.as_secs()
                )
            })
            .collect()
    }

    #[test]
    fn unrolls_both_sides_with_relax_and_switch() {
        let p = plan(routine(
            "lead_in = \"5s\"\n[[steps]]\nname = \"Calf\"\nhold = \"10s\"\nreps = 2\nrelax = \"10s\"\nsides = \"both\"\nswitch = \"5s\"\nrest = \"15s\"\n\
             [[steps]]\nname = \"Water\"\nkind = \"hydrate\"\nhold = 30\n",
        ));
        assert_eq!(
            shape(&p),
            [
                "lead_in 0 left 1 0+5",
                "hold 0 left 1 5+10",
                "relax 0 left 2 15+10",
                "hold 0 left 2 25+10",
                "switch 0 right 1 35+5",
                "hold 0 right 1 40+10",
                "relax 0 right 2 50+10",
                "hold 0 right 2 60+10",
                "rest 0 right 2 70+15",
                "hold 1 - 1 85+30",
            ]
        );
        assert_eq!(p.total, Duration::from_secs(115));
        assert_eq!(p.total, p.routine.length());
        assert_eq!(p.step_starts, [1, 9]);
        assert!(p.ends_step(7) && !p.ends_step(3) && p.ends_step(9));
    }

    #[test]
    fn leaves_out_empty_segments() {
        let p = plan(routine(
            "lead_in = 0\n[[steps]]\nname = \"Rub\"\nkind = \"massage\"\nhold = \"45s\"\nsides = \"left\"\n",
        ));
        assert_eq!(shape(&p), ["hold 0 left 1 0+45"]);
        assert_eq!(p.title(&p.segments[0]), "Rub, left leg");
        assert_eq!(p.action(&p.segments[0]), "Rub");
    }

    #[test]
    fn titles_name_side_and_repetition() {
        let p = plan(routine(
            "lead_in = 5\n[[steps]]\nname = \"Wall calf stretch\"\nhold = \"10s\"\nreps = 3\nsides = \"both\"\n",
        ));
        let hold = p
            .segments
            .iter()
            .filter(|s| s.phase == Phase::Hold)
            .nth(1)
            .unwrap();
        assert_eq!(p.title(hold), "Wall calf stretch, left leg, 2 of 3");
        assert_eq!(
            p.title(&p.segments[0]),
            "Wall calf stretch, left leg, 1 of 3"
        );
        let switch = p
            .segments
            .iter()
            .find(|s| s.phase == Phase::Switch)
            .unwrap();
        assert_eq!(switch.side, Some(Side::Right));
        assert_eq!(p.action(switch), "Change sides");
    }
}
