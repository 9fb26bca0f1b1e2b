//! The first stage of loading: the file as written, every value with its
//! place in the text, nothing checked yet beyond its TOML type.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Visitor};
use toml::Spanned;

/// Keys a routine file accepts at the top level.
pub const ROUTINE_KEYS: &[&str] = &[
    "name",
    "description",
    "source",
    "lead_in",
    "volume",
    "sounds",
    "notifications",
    "offer_cramp_log",
    "voice",
    "voice_volume",
    "voice_name",
    "steps",
];

/// Keys a `[[steps]]` table accepts.
pub const STEP_KEYS: &[&str] = &[
    "name",
    "kind",
    "hold",
    "reps",
    "relax",
    "sides",
    "switch",
    "rest",
    "instructions",
    "optional",
    "sounds",
];

#[derive(Debug, Deserialize)]
pub struct RawRoutine {
    pub name: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    pub source: Option<Spanned<String>>,
    pub lead_in: Option<Spanned<RawDuration>>,
    pub volume: Option<Spanned<RawCount>>,
    pub sounds: Option<Spanned<RawSounds>>,
    pub notifications: Option<Spanned<String>>,
    pub offer_cramp_log: Option<Spanned<bool>>,
    pub voice: Option<Spanned<crate::voice::settings::RawVoice>>,
    /// Refused: only config.toml may name a program.
    pub voice_command: Option<Spanned<de::IgnoredAny>>,
    pub voice_volume: Option<Spanned<RawCount>>,
    pub voice_name: Option<Spanned<String>>,
    pub steps: Option<Spanned<Vec<Spanned<RawStep>>>>,
}

/// A `[sounds]` table: a sound for some of the cues. Its keys are checked
/// against the cue names before this is read.
#[derive(Debug, Default, Deserialize)]
pub struct RawSounds {
    pub tick: Option<Spanned<String>>,
    pub hold: Option<Spanned<String>>,
    pub relax: Option<Spanned<String>>,
    pub switch: Option<Spanned<String>>,
    pub done: Option<Spanned<String>>,
    pub hydrate: Option<Spanned<String>>,
    pub finish: Option<Spanned<String>>,
}

impl RawSounds {
    /// Each cue named, in the order of `Cue::ALL`.
    pub fn entries(&self) -> [Option<&Spanned<String>>; 7] {
        [
            self.tick.as_ref(),
            self.hold.as_ref(),
            self.relax.as_ref(),
            self.switch.as_ref(),
            self.done.as_ref(),
            self.hydrate.as_ref(),
            self.finish.as_ref(),
        ]
    }
}

#[derive(Debug, Deserialize)]
pub struct RawStep {
    pub name: Option<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
    pub hold: Option<Spanned<RawDuration>>,
    pub reps: Option<Spanned<RawCount>>,
    pub relax: Option<Spanned<RawDuration>>,
    pub sides: Option<Spanned<String>>,
    pub switch: Option<Spanned<RawDuration>>,
    pub rest: Option<Spanned<RawDuration>>,
    pub instructions: Option<Spanned<String>>,
    pub optional: Option<Spanned<bool>>,
    pub sounds: Option<Spanned<RawSounds>>,
}

/// A duration as written: text to be parsed, or a bare number of seconds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawDuration {
    Text(String),
    Seconds(i64),
}

impl RawDuration {
    /// The duration it names, or why it names none.
    pub fn parse(&self) -> Result<std::time::Duration, super::duration::DurationError> {
        match self {
            RawDuration::Text(text) => super::duration::parse(text),
            RawDuration::Seconds(secs) => super::duration::from_integer(*secs),
        }
    }
}

/// What a duration field accepts, for serde's "expected ..." messages.
pub const DURATION_FORMS: &str =
    "a duration such as \"10s\", \"1m30s\", \"90s\" or a whole number of seconds";

impl<'de> Deserialize<'de> for RawDuration {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawDuration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(DURATION_FORMS)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDuration, E> {
                Ok(RawDuration::Text(v.to_owned()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDuration, E> {
                Ok(RawDuration::Seconds(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDuration, E> {
                Ok(RawDuration::Seconds(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawDuration, E> {
                Err(E::custom(
                    "durations are whole seconds, such as \"10s\" or 10",
                ))
            }
        }
        d.deserialize_any(V)
    }
}

/// A count as written; its range is checked in the second stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawCount(pub i64);

impl<'de> Deserialize<'de> for RawCount {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawCount;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number such as 3")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawCount, E> {
                Ok(RawCount(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawCount, E> {
                Ok(RawCount(i64::try_from(v).unwrap_or(i64::MAX)))
            }
        }
        d.deserialize_any(V)
    }
}
