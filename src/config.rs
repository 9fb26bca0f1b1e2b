//! The user's settings file, `config.toml` in the config folder. Read with
//! the same care as a routine: a misspelt key is an error with a
//! suggestion, never ignored. Only `nocturne remind add` and `remove`
//! write to it, and they keep everything else as the user wrote it.

pub mod choices;
pub mod rules;

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostic, FileReport};
use crate::routine::Level;
use crate::routine::load::volume;
use crate::routine::raw::{DURATION_FORMS, RawCount, RawDuration};
use crate::tomlfile;
use crate::voice::settings::{self as voice, RawVoice};
use rules::{RawReminder, Reminder};

pub const KEYS: &[&str] = &[
    "default_routine",
    "volume",
    "notifications",
    "snooze",
    "terminal",
    "reminders",
    "voice",
    "voice_command",
    "voice_volume",
    "voice_name",
    "theme",
    "view",
    "glass",
    "evening_drinks",
];

/// How many drinks in an evening `stats` compares against fewer, unless
/// the settings say.
pub const DEFAULT_EVENING_DRINKS: u32 = 2;

/// How long "Snooze" puts a reminder off, unless the settings say.
pub const DEFAULT_SNOOZE: Duration = Duration::from_secs(10 * 60);

/// How loud cues are when neither the routine nor `--volume` says: quiet
/// enough not to wake a sleeping partner.
pub const DEFAULT_VOLUME: u8 = 40;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The routine `run` starts when none is named.
    pub default_routine: Option<String>,
    /// Loudness of the sound cues, 0 to 100.
    pub volume: Option<u8>,
    /// Which moments of a session reach the desktop.
    pub notifications: Option<Level>,
    /// How long "Snooze" puts a reminder off.
    pub snooze: Duration,
    /// The command that opens a terminal for "Start now", before the
    /// program and its arguments; `None` for the platform's usual one.
    pub terminal: Option<Vec<String>>,
    pub reminders: Vec<Reminder>,
    /// The spoken guidance.
    pub voice: crate::voice::Settings,
    /// The colours of everything nocturne shows.
    pub theme: Option<crate::theme::Theme>,
    /// How a session is drawn on a terminal.
    pub view: Option<crate::output::terminal::View>,
    /// What one glass holds, in millilitres: a drink logged without an
    /// amount, from the reminder's button or from a `hydrate` step.
    pub glass_ml: u32,
    /// Evenings with at least this many drinks are compared, in `stats`,
    /// with evenings with fewer.
    pub evening_drinks: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            default_routine: None,
            volume: None,
            notifications: None,
            snooze: DEFAULT_SNOOZE,
            terminal: None,
            reminders: Vec::new(),
            voice: crate::voice::Settings::default(),
            theme: None,
            view: None,
            glass_ml: crate::journal::amount::DEFAULT_GLASS_ML,
            evening_drinks: DEFAULT_EVENING_DRINKS,
        }
    }
}

#[derive(Deserialize)]
struct RawConfig {
    default_routine: Option<Spanned<String>>,
    volume: Option<Spanned<RawCount>>,
    notifications: Option<Spanned<String>>,
    snooze: Option<Spanned<RawDuration>>,
    terminal: Option<Spanned<Vec<String>>>,
    reminders: Option<Vec<Spanned<RawReminder>>>,
    voice: Option<Spanned<RawVoice>>,
    voice_command: Option<Spanned<Vec<String>>>,
    voice_volume: Option<Spanned<RawCount>>,
    voice_name: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    view: Option<Spanned<String>>,
    glass: Option<Spanned<String>>,
    evening_drinks: Option<Spanned<RawCount>>,
}

impl Config {
    /// Reads the settings; a file that does not exist means the defaults.
    pub fn load(path: &Path) -> Result<Config, FileReport> {
        if !path.exists() {
            return Ok(Config::default());
        }
        tomlfile::load(path, Config::parse)
    }

    /// Checks the settings' text; every problem found is returned, not
    /// just the first.
    pub fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        let document = tomlfile::parse(text).map_err(|d| vec![d])?;
        let mut problems = Vec::new();
        // Reminders whose misspelt key stands for one of its times: their
        // shape is not judged as well.
        let mut misspelt = Vec::new();
        tomlfile::unknown_keys(
            document.get_ref(),
            KEYS,
            "the settings file",
            "in the settings",
            &mut problems,
        );
        voice::unknown_keys(document.get_ref(), &mut problems);
        if let Some(reminders) = document.get_ref().get("reminders")
            && let Some(reminders) = reminders.get_ref().as_array()
        {
            for (i, reminder) in reminders.iter().enumerate() {
                if let Some(table) = reminder.get_ref().as_table() {
                    let place = format!("in reminder {}", i + 1);
                    let misplaced = tomlfile::misplaced(
                        table,
                        &tomlfile::Misplaced {
                            outer: KEYS,
                            inner: rules::KEYS,
                            what: "a setting",
                            table: "[[reminders]]",
                            kind: "reminder",
                            number: i + 1,
                            go: "settings go",
                        },
                        &mut problems,
                    );
                    let before = problems.len();
                    tomlfile::unknown_keys_but(
                        table,
                        rules::KEYS,
                        &misplaced,
                        "a reminder",
                        &place,
                        &mut problems,
                    );
                    // A misspelt `at`, `every`, `from` or `until` would
                    // also leave the reminder without a time.
                    let timing = ["at", "every", "from", "until"];
                    let stands_for_timing = table.keys().any(|k| {
                        let k = k.get_ref().as_ref();
                        !rules::KEYS.contains(&k) && crate::diag::closest(k, timing).is_some()
                    });
                    if problems.len() > before && stands_for_timing {
                        misspelt.push(i + 1);
                    }
                }
            }
        }
        let raw = tomlfile::deserialize_all::<RawConfig>(document, text, &mut problems);
        let Some(raw) = raw else {
            crate::diag::in_file_order(&mut problems);
            return Err(problems);
        };
        let mut config = Config::default();
        if let Some(name) = raw.default_routine {
            let word = name.get_ref().trim();
            if word.is_empty() {
                problems.push(
                    Diagnostic::new("`default_routine` is empty")
                        .at(name.span())
                        .help("name a routine, such as default_routine = \"nightly\""),
                );
            } else {
                config.default_routine = Some(word.to_owned());
            }
        }
        if let Some(raw) = raw.volume {
            match volume(&raw) {
                Ok(v) => config.volume = Some(v),
                Err(d) => problems.push(d),
            }
        }
        if let Some(word) = raw.notifications {
            match tomlfile::choice("notifications", &word, Level::parse, &Level::NAMES) {
                Ok(level) => config.notifications = Some(level),
                Err(d) => problems.push(d),
            }
        }
        if let Some(word) = raw.theme {
            use crate::theme::Theme;
            match tomlfile::choice("theme", &word, Theme::parse, &Theme::NAMES) {
                Ok(theme) => config.theme = Some(theme),
                Err(d) => problems.push(d),
            }
        }
        if let Some(word) = raw.view {
            use crate::output::terminal::View;
            match tomlfile::choice("view", &word, View::parse, &View::NAMES) {
                Ok(view) => config.view = Some(view),
                Err(d) => problems.push(d),
            }
        }
        if let Some(snooze) = raw.snooze {
            let parsed = snooze.get_ref().parse();
            match parsed {
                Ok(d) if !d.is_zero() && d <= Duration::from_secs(24 * 3600) => config.snooze = d,
                _ => problems.push(
                    Diagnostic::new("`snooze` is not a usable duration")
                        .at(snooze.span())
                        .help(format!("write {DURATION_FORMS}, such as \"10m\"")),
                ),
            }
        }
        if let Some(glass) = raw.glass {
            match crate::journal::amount::parse(glass.get_ref(), None) {
                Ok(ml) => config.glass_ml = ml,
                Err(_) => problems.push(
                    Diagnostic::new("`glass` is not an amount")
                        .at(glass.span())
                        .help(
                            "write what one glass holds in ml, cl or l (at most 2000ml), \
                             such as glass = \"300ml\"",
                        ),
                ),
            }
        }
        if let Some(count) = raw.evening_drinks {
            match u32::try_from(count.get_ref().0) {
                Ok(n) if (1..=20).contains(&n) => config.evening_drinks = n,
                _ => problems.push(
                    Diagnostic::new(format!("`evening_drinks` is {}", count.get_ref().0))
                        .at(count.span())
                        .label("out of range")
                        .help("evening_drinks is a whole number of drinks from 1 to 20"),
                ),
            }
        }
        if let Some(terminal) = raw.terminal {
            if terminal.get_ref().is_empty() || terminal.get_ref()[0].trim().is_empty() {
                problems.push(
                    Diagnostic::new("`terminal` is empty")
                        .at(terminal.span())
                        .help("give the command and its arguments, such as [\"xterm\", \"-e\"]"),
                );
            } else {
                config.terminal = Some(terminal.into_inner());
            }
        }
        config.voice = voice::check(
            voice::RawKeys {
                voice: raw.voice.as_ref(),
                command: raw.voice_command.as_ref(),
                volume: raw.voice_volume.as_ref(),
                name: raw.voice_name.as_ref(),
            },
            &mut problems,
        );
        config.reminders =
            rules::check(raw.reminders.unwrap_or_default(), &misspelt, &mut problems);
        if !problems.is_empty() {
            crate::diag::in_file_order(&mut problems);
            return Err(problems);
        }
        Ok(config)
    }
}

/// The routines the settings name (`default_routine`, and each reminder's
/// `routine`) that `known` does not know, each as a problem at its place
/// in `text`. The settings themselves only check that a name is written;
/// whether it exists depends on the routines folder, so `nocturne check`
/// asks this.
pub fn missing_routines(
    text: &str,
    known: impl Fn(&str) -> bool,
    names: &[&str],
) -> Vec<Diagnostic> {
    let Ok(doc) = toml_edit::Document::parse(text) else {
        return Vec::new();
    };
    let mut named = Vec::new();
    if let Some(item) = doc.get("default_routine") {
        named.push(("`default_routine`".to_owned(), item));
    }
    if let Some(list) = doc.get("reminders").and_then(|r| r.as_array_of_tables()) {
        for (i, table) in list.iter().enumerate() {
            if let Some(item) = table.get("routine") {
                named.push((format!("reminder {}", i + 1), item));
            }
        }
    }
    named
        .into_iter()
        .filter_map(|(whose, item)| {
            let word = item.as_str()?.trim();
            if known(word) {
                return None;
            }
            let mut problem = Diagnostic::new(format!(
                "{whose} names the routine `{}`, which was not found",
                crate::diag::short(word)
            ))
            .help(match crate::diag::closest(word, names.iter().copied()) {
                Some(near) => format!("did you mean `{near}`? `nocturne list` shows the routines"),
                None => "`nocturne list` shows the routines".to_owned(),
            });
            if let Some(span) = item.span() {
                problem = problem.at(span);
            }
            Some(problem)
        })
        .collect()
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
    fn reads_the_glass_and_the_drinks_to_compare() {
        let config = Config::parse("glass = \"0.3l\"\nevening_drinks = 3\n").unwrap();
        assert_eq!((config.glass_ml, config.evening_drinks), (300, 3));
        let config = Config::default();
        assert_eq!((config.glass_ml, config.evening_drinks), (250, 2));
        let problems = Config::parse("glass = \"2 glasses\"\nevening_drinks = 0\n").unwrap_err();
        assert_eq!(problems[0].message, "`glass` is not an amount");
        assert_eq!(problems[1].message, "`evening_drinks` is 0");
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
    fn every_problem_of_the_file_is_reported() {
        let messages = |text: &str| -> Vec<String> {
            Config::parse(text)
                .unwrap_err()
                .into_iter()
                .map(|d| d.message)
                .collect()
        };
        assert_eq!(
            messages("notifcations = \"all\"\nvolume = 300\nsnooze = true\nterminal = 3\n"),
            [
                "unknown key `notifcations` in the settings",
                "`volume` is 300",
                "`snooze` should be a duration such as \"10s\", \"1m30s\", \"90s\" or a whole number of seconds",
                "`terminal` should be a list",
            ]
        );
        // A setting written after the first [[reminders]] belongs to that
        // reminder: it is told to move, not called unknown.
        let found =
            Config::parse("[[reminders]]\nat = \"22:15\"\nvolume = 20\ncolour = 1\n").unwrap_err();
        let said: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|d| (d.message.as_str(), d.label.as_deref()))
            .collect();
        assert_eq!(
            said,
            [
                (
                    "`volume` is a setting, but here it belongs to reminder 1",
                    Some("move this line above the first [[reminders]]")
                ),
                (
                    "unknown key `colour` in reminder 1",
                    Some("not a key nocturne knows")
                ),
            ]
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
