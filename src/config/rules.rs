//! Reminder rules as the user writes them in `config.toml`, checked: a
//! clock time on chosen days, or a repeat every so often in a window.

use std::fmt;

use jiff::SignedDuration;
use jiff::civil::{Time, Weekday};
use serde::Deserialize;
use serde::de::{self, Visitor};
use toml::Spanned;

use crate::civil::parse_clock;
use crate::diag::{Diagnostic, closest, short};
use crate::routine::raw::{DURATION_FORMS, RawDuration};
use crate::util::human;

/// Keys a `[[reminders]]` table accepts.
pub const KEYS: &[&str] = &[
    "at", "every", "from", "until", "days", "routine", "message", "grace",
];

/// How late a missed clock-time reminder may still fire, unless a rule
/// says otherwise.
pub const DEFAULT_GRACE: SignedDuration = SignedDuration::from_mins(30);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub schedule: Schedule,
    pub days: Days,
    /// The routine "Start now" opens; `None` for the default routine.
    pub routine: Option<String>,
    pub message: Option<String>,
    /// How late a missed clock-time reminder may still fire.
    pub grace: SignedDuration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Once, at this clock time.
    At(Time),
    /// Every `every` from `from` until `until` (inclusive), counted in real
    /// time from `from`.
    Every {
        every: SignedDuration,
        from: Time,
        until: Time,
    },
}

impl Reminder {
    /// Reminders at a clock time are for the bedtime routine; repeating
    /// ones are for drinking.
    pub fn is_bedtime(&self) -> bool {
        matches!(self.schedule, Schedule::At(_))
    }

    /// The words of the notification.
    pub fn message(&self) -> &str {
        match (&self.message, self.is_bedtime()) {
            (Some(message), _) => message,
            (None, true) => "Time for your bedtime stretches",
            (None, false) => "Time for a drink of water",
        }
    }
}

impl fmt::Display for Reminder {
    /// "22:15 mon-fri (nightly)", "every 45m 18:00-21:30 every day".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.schedule {
            Schedule::At(at) => write!(f, "at {}", clock(at))?,
            Schedule::Every { every, from, until } => write!(
                f,
                "every {} from {} until {}",
                human(every.unsigned_abs()),
                clock(from),
                clock(until)
            )?,
        }
        write!(f, ", {}", self.days)?;
        if let Some(routine) = &self.routine {
            write!(f, ", routine {routine}")?;
        }
        Ok(())
    }
}

/// "22:15", or "22:15:30" when the seconds matter.
pub fn clock(time: Time) -> String {
    if time.second() == 0 {
        format!("{:02}:{:02}", time.hour(), time.minute())
    } else {
        format!(
            "{:02}:{:02}:{:02}",
            time.hour(),
            time.minute(),
            time.second()
        )
    }
}

/// A set of weekdays.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Days(u8);

impl Days {
    pub const EVERY: Days = Days(0x7f);

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << (day.to_monday_zero_offset())) != 0
    }

    /// Reads days as written: "mon", "monday", "mon-fri" (a range may wrap,
    /// as in "fri-mon"), "daily"; several, from a list or separated by
    /// commas ("sat, sun").
    pub fn parse<'a>(words: impl IntoIterator<Item = &'a str>) -> Result<Days, String> {
        let mut days = 0u8;
        for word in words.into_iter().flat_map(|w| w.split(',')) {
            let word = word.trim().to_lowercase();
            if word.is_empty() {
                continue;
            }
            if EVERY_DAY_WORDS.contains(&word.as_str()) {
                days = 0x7f;
                continue;
            }
            let (first, last) = match word.split_once('-') {
                Some((a, b)) => (day_index(a.trim())?, day_index(b.trim())?),
                None => {
                    let day = day_index(&word)?;
                    (day, day)
                }
            };
            let mut day = first;
            loop {
                days |= 1 << day;
                if day == last {
                    break;
                }
                day = (day + 1) % 7;
            }
        }
        if days == 0 {
            return Err("no days: name at least one, such as \"mon-fri\"".to_owned());
        }
        Ok(Days(days))
    }
}

/// Every word that names a day, as `days` accepts it (in any case): the
/// short names, Monday first, then the full ones in the same order.
pub const DAY_WORDS: [&str; 14] = [
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Words for every day at once.
pub const EVERY_DAY_WORDS: [&str; 3] = ["daily", "every day", "all"];

fn day_index(word: &str) -> Result<u8, String> {
    DAY_WORDS
        .iter()
        .position(|n| *n == word)
        .map(|i| (i % 7) as u8)
        .ok_or_else(|| {
            let hint = closest(word, DAY_WORDS.iter().copied())
                .map(|near| format!(" (did you mean `{near}`?)"))
                .unwrap_or_default();
            format!(
                "`{}` is not a day{hint}; write mon, tue, wed, thu, fri, sat, sun, or a range such as \"mon-fri\"",
                short(word)
            )
        })
}

impl fmt::Display for Days {
    /// "every day", "mon-fri", "sat, sun".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0x7f {
            return f.write_str("every day");
        }
        // Runs of three or more days read better as a range.
        let mut parts = Vec::new();
        let mut day = 0;
        while day < 7 {
            if self.0 & (1 << day) == 0 {
                day += 1;
                continue;
            }
            let start = day;
            while day + 1 < 7 && self.0 & (1 << (day + 1)) != 0 {
                day += 1;
            }
            match day - start {
                0 => parts.push(DAY_WORDS[start].to_owned()),
                1 => parts.extend([DAY_WORDS[start].to_owned(), DAY_WORDS[day].to_owned()]),
                _ => parts.push(format!("{}-{}", DAY_WORDS[start], DAY_WORDS[day])),
            }
            day += 1;
        }
        f.write_str(&parts.join(", "))
    }
}

impl fmt::Debug for Days {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A `[[reminders]]` table as written.
#[derive(Debug, Deserialize)]
pub struct RawReminder {
    at: Option<Spanned<String>>,
    every: Option<Spanned<RawDuration>>,
    from: Option<Spanned<String>>,
    until: Option<Spanned<String>>,
    days: Option<Spanned<RawDays>>,
    routine: Option<Spanned<String>>,
    message: Option<Spanned<String>>,
    grace: Option<Spanned<RawDuration>>,
}

/// Days as written: one string, or a list of them.
#[derive(Debug)]
pub struct RawDays(Vec<String>);

impl<'de> Deserialize<'de> for RawDays {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawDays;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("days such as \"mon-fri\" or [\"sat\", \"sun\"]")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDays, E> {
                Ok(RawDays(vec![v.to_owned()]))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawDays, A::Error> {
                let mut days = Vec::new();
                while let Some(day) = seq.next_element::<String>()? {
                    days.push(day);
                }
                Ok(RawDays(days))
            }
        }
        d.deserialize_any(V)
    }
}

/// The longest repeat, and the shortest: a reminder every few seconds
/// would be a mistake.
const LONGEST_EVERY: SignedDuration = SignedDuration::from_hours(24);
const SHORTEST_EVERY: SignedDuration = SignedDuration::from_mins(1);

/// A repeat's length, where the rules allow it: from 1 minute to 24 hours.
/// The settings file and `remind add` both ask here.
pub fn repeat(d: std::time::Duration) -> Option<SignedDuration> {
    SignedDuration::try_from(d)
        .ok()
        .filter(|d| (SHORTEST_EVERY..=LONGEST_EVERY).contains(d))
}

/// A window of repeats ends after it starts, on the same day.
pub fn ordered(from: Time, until: Time) -> bool {
    from < until
}

/// Checks the `[[reminders]]` tables; problems are added to `problems`.
/// `misspelt` holds the numbers of reminders with a misspelt key, whose
/// shape is then not judged: the misspelling is the problem to report.
pub fn check(
    raw: Vec<Spanned<RawReminder>>,
    misspelt: &[usize],
    problems: &mut Vec<Diagnostic>,
) -> Vec<Reminder> {
    raw.into_iter()
        .enumerate()
        .filter_map(|(i, r)| check_one(i + 1, r, misspelt.contains(&(i + 1)), problems))
        .collect()
}

fn check_one(
    number: usize,
    raw: Spanned<RawReminder>,
    misspelt: bool,
    problems: &mut Vec<Diagnostic>,
) -> Option<Reminder> {
    let span = raw.span();
    let raw = raw.into_inner();
    let before = problems.len();
    let mut time = |field: &str, value: &Option<Spanned<String>>| {
        let value = value.as_ref()?;
        parse_clock(value.get_ref())
            .map_err(|why| {
                problems.push(
                    Diagnostic::new(format!(
                        "`{field}` of reminder {number} is not a clock time"
                    ))
                    .at(value.span())
                    .label(why)
                    .help("write a time of day as \"22:15\", or \"22:15:30\" with seconds"),
                )
            })
            .ok()
    };
    let at = time("at", &raw.at);
    let from = time("from", &raw.from);
    let until = time("until", &raw.until);
    let every = raw.every.as_ref().and_then(|every| {
        let parsed = every.get_ref().parse();
        let problem = match parsed {
            Ok(d) => {
                if let Some(d) = repeat(d) {
                    return Some(d);
                }
                format!("`every` of reminder {number} is {}", human(d))
            }
            Err(e) => format!("`every` of reminder {number} is not a usable duration: {e}"),
        };
        problems.push(
            Diagnostic::new(problem)
                .at(every.span())
                .help(format!("write {DURATION_FORMS}, from 1 minute to 24 hours")),
        );
        None
    });
    let grace = match &raw.grace {
        None => DEFAULT_GRACE,
        Some(grace) => {
            let parsed = grace.get_ref().parse();
            match parsed.ok().and_then(|d| SignedDuration::try_from(d).ok()) {
                Some(d) if d <= LONGEST_EVERY => d,
                _ => {
                    problems.push(
                        Diagnostic::new(format!("`grace` of reminder {number} is not usable"))
                            .at(grace.span())
                            .help(format!("write {DURATION_FORMS}, at most 24 hours")),
                    );
                    DEFAULT_GRACE
                }
            }
        }
    };
    let days = match &raw.days {
        None => Some(Days::EVERY),
        Some(days) => Days::parse(days.get_ref().0.iter().map(String::as_str))
            .map_err(|why| {
                problems.push(
                    Diagnostic::new(format!("the `days` of reminder {number} cannot be used"))
                        .at(days.span())
                        .label(why)
                        .help("days are mon, tue, wed, thu, fri, sat, sun, or ranges such as \"mon-fri\""),
                )
            })
            .ok(),
    };
    let text = |value: &Option<Spanned<String>>| {
        value
            .as_ref()
            .map(|v| v.get_ref().trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    for (field, value) in [("routine", &raw.routine), ("message", &raw.message)] {
        if let Some(value) = value
            && value.get_ref().chars().any(char::is_control)
        {
            problems.push(
                Diagnostic::new(format!(
                    "`{field}` of reminder {number} contains a control character"
                ))
                .at(value.span())
                .help("use plain text on one line"),
            );
        }
    }

    let shape = |message: &str| {
        Diagnostic::new(format!("reminder {number} {message}"))
            .at(span.clone())
            .help("a reminder has either `at = \"22:15\"`, or `every = \"45m\"` with `from` and `until`")
    };
    let schedule = match (at, every, from, until) {
        _ if problems.len() > before || misspelt => return None,
        (Some(at), None, None, None) => Schedule::At(at),
        (None, Some(every), Some(from), Some(until)) => {
            if !ordered(from, until) {
                problems.push(
                    shape("ends before it starts")
                        .label("`until` must come after `from` on the same day"),
                );
                return None;
            }
            Schedule::Every { every, from, until }
        }
        (Some(_), ..) => {
            problems.push(shape("has both `at` and a repeat"));
            return None;
        }
        (None, Some(_), ..) => {
            problems.push(shape("repeats but lacks `from` or `until`"));
            return None;
        }
        (None, None, ..) => {
            problems.push(shape("has no time: neither `at` nor `every`"));
            return None;
        }
    };
    Some(Reminder {
        schedule,
        days: days?,
        routine: text(&raw.routine),
        message: text(&raw.message),
        grace,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_days() {
        let days = |words: &[&str]| Days::parse(words.iter().copied()).unwrap().to_string();
        assert_eq!(days(&["mon-fri"]), "mon-fri");
        assert_eq!(days(&["sat", "sun"]), "sat, sun");
        assert_eq!(days(&["Monday", "wed", "FRI"]), "mon, wed, fri");
        assert_eq!(days(&["fri-mon"]), "mon, fri-sun");
        assert_eq!(days(&["daily"]), "every day");
        assert_eq!(days(&["mon-sun"]), "every day");
        assert!(
            Days::parse(["moon"])
                .unwrap_err()
                .contains("did you mean `mon`?")
        );
        assert!(Days::parse([] as [&str; 0]).is_err());
    }
}
