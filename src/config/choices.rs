//! What `nocturne setup` decides, and how it goes into config.toml: the
//! keys it sets are changed in place, or added; everything else the user
//! wrote (comments, other keys, other reminders) stays byte for byte.
//!
//! Setup looks after two reminders: the bedtime one (the first reminder
//! with `at`) and the water one (the first with `every`). Any others are
//! the user's and are left alone.

use jiff::SignedDuration;
use jiff::civil::Time;
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use super::Config;
use super::rules::{Days, Schedule, clock};
use crate::routine::Level;

/// The answers of setup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choices {
    pub routine: String,
    pub volume: u8,
    pub voice: bool,
    pub notifications: Level,
    pub bedtime: Option<Bedtime>,
    pub water: Option<Water>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bedtime {
    pub at: Time,
    pub days: Days,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Water {
    pub from: Time,
    pub until: Time,
    pub every: SignedDuration,
}

/// What a water reminder says.
pub const WATER_MESSAGE: &str = "Time for a small drink of water";

impl Choices {
    /// Setup's suggestions for a new file: tonight's routine the nightly
    /// stretches, the usual volume, voice and notifications on, a reminder
    /// at 22:00 every day, and water every 45 minutes from 18:00 to 21:00.
    pub fn defaults() -> Choices {
        Choices {
            routine: crate::routine::catalog::DEFAULT.to_owned(),
            volume: super::DEFAULT_VOLUME,
            voice: true,
            notifications: Level::All,
            bedtime: Some(Bedtime::default()),
            water: Some(Water::default()),
        }
    }

    /// The choices the settings already make.
    pub fn of(config: &Config) -> Choices {
        let bedtime = config
            .reminders
            .iter()
            .find_map(|reminder| match reminder.schedule {
                Schedule::At(at) => Some(Bedtime {
                    at,
                    days: reminder.days,
                }),
                Schedule::Every { .. } => None,
            });
        let water = config
            .reminders
            .iter()
            .find_map(|reminder| match reminder.schedule {
                Schedule::Every { every, from, until } => Some(Water { from, until, every }),
                Schedule::At(_) => None,
            });
        Choices {
            routine: config
                .default_routine
                .clone()
                .unwrap_or_else(|| crate::routine::catalog::DEFAULT.to_owned()),
            volume: config.volume.unwrap_or(super::DEFAULT_VOLUME),
            voice: config.voice.enabled.unwrap_or(true),
            notifications: config.notifications.unwrap_or(Level::All),
            bedtime,
            water,
        }
    }
}

impl Default for Bedtime {
    fn default() -> Bedtime {
        Bedtime {
            at: Time::constant(22, 0, 0, 0),
            days: Days::EVERY,
        }
    }
}

impl Default for Water {
    fn default() -> Water {
        Water {
            from: Time::constant(18, 0, 0, 0),
            until: Time::constant(21, 0, 0, 0),
            every: SignedDuration::from_mins(45),
        }
    }
}

impl std::fmt::Display for Bedtime {
    /// "22:00 every day", "22:15 on mon-fri".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.days == Days::EVERY {
            write!(f, "{} every day", clock(self.at))
        } else {
            write!(f, "{} on {}", clock(self.at), self.days)
        }
    }
}

impl std::fmt::Display for Water {
    /// "every 45m from 18:00 to 21:00", written back as 18:00-21:00/45m.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{}/{}",
            clock(self.from),
            clock(self.until),
            crate::util::human(self.every.unsigned_abs())
        )
    }
}

/// Reads "18:00-21:00/45m" (the spacing may be left out: 45m).
pub fn parse_water(text: &str) -> Result<Water, String> {
    let wrong = || {
        format!(
            "`{}` is not a water window; write FROM-UNTIL/SPACING, such as 18:00-21:00/45m, \
             or none",
            crate::diag::short(text)
        )
    };
    let (window, every) = match text.trim().split_once('/') {
        Some((window, every)) => (window, Some(every)),
        None => (text.trim(), None),
    };
    let (from, until) = window.split_once('-').ok_or_else(wrong)?;
    let from = crate::civil::parse_clock(from.trim()).map_err(|_| wrong())?;
    let until = crate::civil::parse_clock(until.trim()).map_err(|_| wrong())?;
    let every = match every {
        Some(every) => {
            let every = crate::routine::duration::parse(every.trim()).map_err(|_| wrong())?;
            SignedDuration::try_from(every).map_err(|_| wrong())?
        }
        None => Water::default().every,
    };
    if !super::rules::ordered(from, until) {
        return Err(format!(
            "the water window must end after it starts, on the same day: `{}`",
            crate::diag::short(text)
        ));
    }
    if every < SignedDuration::from_mins(5) || every > SignedDuration::from_hours(12) {
        return Err("the spacing of water reminders is from 5m to 12h, such as 45m".to_owned());
    }
    Ok(Water { from, until, every })
}

/// The settings' text with `after` written into it. Keys whose choice did
/// not change from `before` are not touched; `fresh` (a new file) writes
/// every choice.
pub fn apply(text: &str, before: &Choices, after: &Choices, fresh: bool) -> Result<String, String> {
    let mut doc = text
        .parse::<DocumentMut>()
        .map_err(|e| format!("the settings cannot be edited: {e}"))?;
    let changed = |same: bool| fresh || !same;

    let root = doc.as_table_mut();
    if changed(before.routine == after.routine) {
        put(root, "default_routine", after.routine.as_str().into());
    }
    if changed(before.volume == after.volume) {
        put(root, "volume", i64::from(after.volume).into());
    }
    if changed(before.voice == after.voice) {
        match root.get_mut("voice") {
            Some(Item::Table(table)) => put(table, "enabled", after.voice.into()),
            _ => put(root, "voice", if after.voice { "on" } else { "off" }.into()),
        }
    }
    if changed(before.notifications == after.notifications) {
        put(root, "notifications", after.notifications.as_str().into());
    }

    let bedtime = changed(before.bedtime == after.bedtime);
    let water = changed(before.water == after.water);
    if bedtime || water {
        if doc.get("reminders").is_none() {
            doc.insert("reminders", Item::ArrayOfTables(ArrayOfTables::new()));
        }
        let Some(Item::ArrayOfTables(list)) = doc.get_mut("reminders") else {
            return Err(
                "the reminders are not written as [[reminders]] tables, so setup \
                        will not rewrite them; change them by hand"
                    .to_owned(),
            );
        };
        let find = |list: &ArrayOfTables, key: &str| list.iter().position(|t| t.contains_key(key));
        let mut gone = Vec::new();
        if bedtime {
            match (find(list, "at"), &after.bedtime) {
                (Some(i), Some(b)) => {
                    let old = before.bedtime.as_ref().filter(|_| !fresh);
                    set_bedtime(list.get_mut(i).expect("found"), b, old);
                }
                (None, Some(b)) => {
                    let mut table = Table::new();
                    set_bedtime(&mut table, b, None);
                    list.push(table);
                }
                (Some(i), None) => gone.push(i),
                (None, None) => {}
            }
        }
        if water {
            match (find(list, "every"), &after.water) {
                (Some(i), Some(w)) => {
                    let old = before.water.as_ref().filter(|_| !fresh);
                    set_water(list.get_mut(i).expect("found"), w, old);
                }
                (None, Some(w)) => {
                    let mut table = Table::new();
                    set_water(&mut table, w, None);
                    table["message"] = value(WATER_MESSAGE);
                    list.push(table);
                }
                (Some(i), None) => gone.push(i),
                (None, None) => {}
            }
        }
        gone.sort_unstable();
        for i in gone.into_iter().rev() {
            list.remove(i);
        }
        if list.is_empty() {
            doc.remove("reminders");
        }
    }
    let mut out = doc.to_string();
    // Tables added after keys read better with a blank line before them.
    out = out.replace("\"\n[[reminders]]", "\"\n\n[[reminders]]");
    out = out.replace("\n[[reminders]]\nevery", "\n\n[[reminders]]\nevery");
    out = out.replace("\n\n\n[[reminders]]", "\n\n[[reminders]]");
    Ok(out)
}

/// Sets `key` to `new`, keeping the spacing and comment around the value
/// it replaces.
fn put(table: &mut Table, key: &str, mut new: toml_edit::Value) {
    if let Some(Item::Value(old)) = table.get(key) {
        *new.decor_mut() = old.decor().clone();
    }
    table[key] = Item::Value(new);
}

/// Writes the bedtime reminder's keys that differ from `old` (all of them
/// when there is none).
fn set_bedtime(table: &mut Table, bedtime: &Bedtime, old: Option<&Bedtime>) {
    if old.is_none_or(|old| old.at != bedtime.at) {
        put(table, "at", clock(bedtime.at).into());
    }
    if old.is_none_or(|old| old.days != bedtime.days) {
        if bedtime.days == Days::EVERY {
            table.remove("days");
        } else {
            put(table, "days", bedtime.days.to_string().into());
        }
    }
}

/// Writes the water reminder's keys that differ from `old`.
fn set_water(table: &mut Table, water: &Water, old: Option<&Water>) {
    if old.is_none_or(|old| old.every != water.every) {
        put(
            table,
            "every",
            crate::util::human(water.every.unsigned_abs()).into(),
        );
    }
    if old.is_none_or(|old| old.from != water.from) {
        put(table, "from", clock(water.from).into());
    }
    if old.is_none_or(|old| old.until != water.until) {
        put(table, "until", clock(water.until).into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINE: &str = "# my settings\nvolume   =  25   # quiet!\n\n[[reminders]]\n# bedtime\nat = \"22:15\"\ndays = \"mon-fri\"\n\n[[reminders]]\nat = \"07:00\"\nmessage = \"Morning\"\n";

    fn choices_of(text: &str) -> Choices {
        Choices::of(&Config::parse(text).unwrap())
    }

    #[test]
    fn a_new_file_gets_every_choice() {
        let text = apply("", &Choices::defaults(), &Choices::defaults(), true).unwrap();
        assert_eq!(
            text,
            "default_routine = \"nightly\"\nvolume = 40\nvoice = \"on\"\nnotifications = \"all\"\n\n\
             [[reminders]]\nat = \"22:00\"\n\n\
             [[reminders]]\nevery = \"45m\"\nfrom = \"18:00\"\nuntil = \"21:00\"\nmessage = \"Time for a small drink of water\"\n"
        );
        assert_eq!(choices_of(&text), Choices::defaults());
    }

    #[test]
    fn only_what_changed_is_written_and_the_rest_stays() {
        let before = choices_of(MINE);
        assert_eq!(before.volume, 25);
        assert_eq!(
            before.bedtime.as_ref().unwrap().to_string(),
            "22:15 on mon-fri"
        );
        assert_eq!(before.water, None);
        let mut after = before.clone();
        after.volume = 30;
        after.bedtime = Some(Bedtime {
            at: Time::constant(22, 30, 0, 0),
            days: Days::EVERY,
        });
        after.water = Some(Water::default());
        let text = apply(MINE, &before, &after, false).unwrap();
        assert_eq!(
            text,
            "# my settings\nvolume   =  30   # quiet!\n\n[[reminders]]\n# bedtime\nat = \"22:30\"\n\n\
             [[reminders]]\nat = \"07:00\"\nmessage = \"Morning\"\n\n\
             [[reminders]]\nevery = \"45m\"\nfrom = \"18:00\"\nuntil = \"21:00\"\nmessage = \"Time for a small drink of water\"\n"
        );
        assert_eq!(choices_of(&text), after);
        // Nothing changed: nothing written differently.
        assert_eq!(apply(MINE, &before, &before, false).unwrap(), MINE);
    }

    #[test]
    fn none_removes_setup_s_reminder_and_no_other() {
        let before = choices_of(MINE);
        let after = Choices {
            bedtime: None,
            ..before.clone()
        };
        let text = apply(MINE, &before, &after, false).unwrap();
        assert_eq!(
            text,
            "# my settings\nvolume   =  25   # quiet!\n\n[[reminders]]\nat = \"07:00\"\nmessage = \"Morning\"\n"
        );
    }

    #[test]
    fn a_voice_table_keeps_its_form() {
        let mine = "[voice]\nenabled = true  # for now\n";
        let before = choices_of(mine);
        let after = Choices {
            voice: false,
            ..before.clone()
        };
        let text = apply(mine, &before, &after, false).unwrap();
        assert_eq!(text, "[voice]\nenabled = false  # for now\n");
    }

    #[test]
    fn water_windows_are_read_and_refused_in_plain_words() {
        let water = parse_water("18:30-21:00/30m").unwrap();
        assert_eq!(water.to_string(), "18:30-21:00/30m");
        assert_eq!(parse_water("18:00-21:00").unwrap(), Water::default());
        assert!(
            parse_water("21:00-18:00/45m")
                .unwrap_err()
                .contains("must end after")
        );
        assert!(
            parse_water("evening")
                .unwrap_err()
                .contains("FROM-UNTIL/SPACING")
        );
        assert!(
            parse_water("18:00-21:00/1m")
                .unwrap_err()
                .contains("5m to 12h")
        );
    }
}
