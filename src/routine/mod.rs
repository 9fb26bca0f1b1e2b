//! Routines: what a user stretches tonight, as read from a TOML file and
//! checked. Everything past this module can trust a `Routine`.

pub mod author;
pub mod catalog;
mod choices;
pub mod duration;
pub mod load;
pub mod raw;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

pub use choices::{Cue, Level};

/// A checked routine, ready to be planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routine {
    /// The name it is called by on the command line: the file name without
    /// `.toml`.
    pub id: String,
    /// The title shown to the user.
    pub name: String,
    pub description: String,
    /// Where the routine comes from (a study, a guideline), shown by `show`.
    pub source: Option<String>,
    /// Get-ready countdown before the first step.
    pub lead_in: Duration,
    /// Loudness of the cues, 0 to 100; `None` leaves it to the settings.
    pub volume: Option<u8>,
    /// Sounds chosen for cues, for every step that does not choose its own.
    pub sounds: Sounds,
    /// Which moments reach the desktop; `None` leaves it to the settings.
    pub notifications: Option<Level>,
    /// A routine for a cramp happening now: at its end, nocturne offers to
    /// log the cramp, and its sessions do not count as nightly stretching.
    pub offer_cramp_log: bool,
    /// The spoken guidance, where the routine chooses; `voice_command` is
    /// never among it.
    pub voice: crate::voice::Settings,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub name: String,
    pub kind: Kind,
    /// How long one repetition lasts.
    pub hold: Duration,
    pub reps: u32,
    /// Pause between repetitions on the same side.
    pub relax: Duration,
    pub sides: Sides,
    /// Time to change from the left side to the right.
    pub switch: Duration,
    /// Pause after the step, before the next one.
    pub rest: Duration,
    pub instructions: String,
    /// Shown as optional; the user may skip it with a clear conscience.
    pub optional: bool,
    /// Sounds chosen for this step's cues.
    pub sounds: Sounds,
}

impl Step {
    /// How long the step takes, rest included; the plan spends exactly this.
    pub fn length(&self) -> Duration {
        let sides = self.sides.sequence().len() as u32;
        let one_side = self.hold * self.reps + self.relax * (self.reps - 1);
        one_side * sides + self.switch * (sides - 1) + self.rest
    }
}

impl Routine {
    pub fn length(&self) -> Duration {
        self.lead_in + self.steps.iter().map(Step::length).sum::<Duration>()
    }
}

/// The sound a cue plays.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Sound {
    /// One of the bundled sounds, by its name.
    Bundled(Cue),
    /// A sound file of the user's (checked to decode when the routine is
    /// checked or run).
    File(PathBuf),
    /// No sound for this cue.
    Off,
}

/// Sounds chosen for some cues; the rest keep theirs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sounds([Option<Sound>; 7]);

impl Sounds {
    pub fn get(&self, cue: Cue) -> Option<&Sound> {
        self.0[cue as usize].as_ref()
    }

    pub fn set(&mut self, cue: Cue, sound: Sound) {
        self.0[cue as usize] = Some(sound);
    }

    pub fn iter(&self) -> impl Iterator<Item = &Sound> {
        self.0.iter().flatten()
    }
}

/// What kind of activity a step is; it sets the word the display uses for
/// the timed part ("Hold", "Rub", "Drink") and, later, the cue played.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Stretch,
    Massage,
    Heat,
    Walk,
    Hydrate,
    Rest,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Stretch,
        Kind::Massage,
        Kind::Heat,
        Kind::Walk,
        Kind::Hydrate,
        Kind::Rest,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Stretch => "stretch",
            Kind::Massage => "massage",
            Kind::Heat => "heat",
            Kind::Walk => "walk",
            Kind::Hydrate => "hydrate",
            Kind::Rest => "rest",
        }
    }

    /// The verb for the timed part of a step of this kind.
    pub fn verb(self) -> &'static str {
        match self {
            Kind::Stretch => "Hold",
            Kind::Massage => "Rub",
            Kind::Heat => "Warm",
            Kind::Walk => "Walk",
            Kind::Hydrate => "Drink",
            Kind::Rest => "Rest",
        }
    }

    pub fn parse(word: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == word)
    }
}

/// Which legs a step works, and in what order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sides {
    /// Left, then right.
    Both,
    Left,
    Right,
    /// Not one-sided (a drink, a warm compress on both calves).
    None,
}

impl Sides {
    pub const NAMES: [&'static str; 4] = ["both", "left", "right", "none"];

    pub fn parse(word: &str) -> Option<Sides> {
        match word {
            "both" => Some(Sides::Both),
            "left" => Some(Sides::Left),
            "right" => Some(Sides::Right),
            "none" => Some(Sides::None),
            _ => None,
        }
    }

    /// The sides worked, in order; `None` stands for a step with no side.
    pub fn sequence(self) -> &'static [Option<Side>] {
        match self {
            Sides::Both => &[Some(Side::Left), Some(Side::Right)],
            Sides::Left => &[Some(Side::Left)],
            Sides::Right => &[Some(Side::Right)],
            Sides::None => &[None],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Left,
    Right,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
        }
    }
}

impl fmt::Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
