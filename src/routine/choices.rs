//! The words a routine file chooses among for its cues and notifications.
//! They belong to the routine; the sound player and the desktop notifier
//! only act on them.

use std::fmt;

/// The moments of a session that have a sound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cue {
    /// Each of the last 3 seconds of a get-ready or change of sides.
    Tick,
    /// A hold (or a rub, walk, warmth) begins.
    Hold,
    /// Relax between repetitions.
    Relax,
    /// Change sides.
    Switch,
    /// A step is done and a rest follows.
    Done,
    /// A hydration step begins: time to drink.
    Hydrate,
    /// The session is over.
    Finish,
}

impl Cue {
    pub const ALL: [Cue; 7] = [
        Cue::Tick,
        Cue::Hold,
        Cue::Relax,
        Cue::Switch,
        Cue::Done,
        Cue::Hydrate,
        Cue::Finish,
    ];

    pub const NAMES: [&'static str; 7] = [
        "tick", "hold", "relax", "switch", "done", "hydrate", "finish",
    ];

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    pub fn parse(word: &str) -> Option<Cue> {
        Cue::ALL.into_iter().find(|c| c.as_str() == word)
    }

    /// When the cue plays, for `nocturne sounds`.
    pub fn when(self) -> &'static str {
        match self {
            Cue::Tick => "each of the last 3 seconds of a get-ready or change of sides",
            Cue::Hold => "a hold, rub, walk or warmth begins",
            Cue::Relax => "relax between repetitions",
            Cue::Switch => "change sides",
            Cue::Done => "a step is done",
            Cue::Hydrate => "time to drink",
            Cue::Finish => "the session is over",
        }
    }
}

impl fmt::Display for Cue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which moments of a session reach the desktop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Off,
    /// The start and the end only.
    Session,
    /// Also each step as it begins.
    Steps,
    /// Also each change of sides.
    All,
}

impl Level {
    pub const NAMES: [&'static str; 4] = ["all", "steps", "session", "off"];

    pub fn parse(word: &str) -> Option<Level> {
        match word {
            "all" => Some(Level::All),
            "steps" => Some(Level::Steps),
            "session" => Some(Level::Session),
            "off" => Some(Level::Off),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::All => "all",
            Level::Steps => "steps",
            Level::Session => "session",
            Level::Off => "off",
        }
    }
}
