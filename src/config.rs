//! The user's settings file, `config.toml` in the config folder. Read with
//! the same care as a routine: a misspelt key is an error with a
//! suggestion, never ignored. nocturne does not write this file.

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::desktop::Level;
use crate::diag::{Diagnostic, FileReport};
use crate::routine::load::volume;
use crate::routine::raw::RawCount;
use crate::tomlfile;

const KEYS: &[&str] = &["default_routine", "volume", "notifications"];

/// How loud cues are when neither the routine nor `--volume` says: quiet
/// enough not to wake a sleeping partner.
pub const DEFAULT_VOLUME: u8 = 40;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The routine `run` starts when none is named.
    pub default_routine: Option<String>,
    /// Loudness of the sound cues, 0 to 100.
    pub volume: Option<u8>,
    /// Which moments of a session reach the desktop.
    pub notifications: Option<Level>,
}

#[derive(Deserialize)]
struct RawConfig {
    default_routine: Option<Spanned<String>>,
    volume: Option<Spanned<RawCount>>,
    notifications: Option<Spanned<String>>,
}

impl Config {
    /// Reads the settings; a file that does not exist means the defaults.
    pub fn load(path: &Path) -> Result<Config, FileReport> {
        if !path.exists() {
            return Ok(Config::default());
        }
        tomlfile::load(path, Config::parse)
    }

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let document = tomlfile::parse(text).map_err(|d| vec![d])?;
        let mut problems = Vec::new();
        tomlfile::unknown_keys(
            document.get_ref(),
            KEYS,
            "the settings file",
            "in the settings",
            &mut problems,
        );
        if !problems.is_empty() {
            return Err(problems);
        }
        let raw = RawConfig::deserialize(toml::de::Deserializer::from(document))
            .map_err(|e| vec![tomlfile::type_problem(&e, text)])?;
        let mut config = Config::default();
        if let Some(name) = raw.default_routine {
            let word = name.get_ref().trim();
            if word.is_empty() {
                return Err(vec![
                    Diagnostic::new("`default_routine` is empty")
                        .at(name.span())
                        .help("name a routine, such as default_routine = \"nightly\""),
                ]);
            }
            config.default_routine = Some(word.to_owned());
        }
        if let Some(raw) = raw.volume {
            config.volume = Some(volume(&raw).map_err(|d| vec![d])?);
        }
        if let Some(word) = raw.notifications {
            let level = tomlfile::choice("notifications", &word, Level::parse, &Level::NAMES);
            config.notifications = Some(level.map_err(|d| vec![d])?);
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_default_routine() {
        let config = Config::parse("default_routine = \"wind-down\"\n").unwrap();
        assert_eq!(config.default_routine.as_deref(), Some("wind-down"));
        assert_eq!(Config::parse("").unwrap(), Config::default());
    }

    #[test]
    fn reads_the_volume_and_refuses_nonsense() {
        assert_eq!(Config::parse("volume = 25\n").unwrap().volume, Some(25));
        let problems = Config::parse("volume = 140\n").unwrap_err();
        assert_eq!(problems[0].message, "`volume` is 140");
        assert_eq!(
            problems[0].help.as_deref(),
            Some("volume is a whole number from 0 (silent) to 100 (full)")
        );
    }

    #[test]
    fn a_misspelt_key_is_an_error() {
        let problems = Config::parse("default_rutine = \"x\"\n").unwrap_err();
        assert_eq!(
            problems[0].message,
            "unknown key `default_rutine` in the settings"
        );
        assert_eq!(
            problems[0].label.as_deref(),
            Some("did you mean `default_routine`?")
        );
    }
}
