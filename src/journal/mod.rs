//! The journal: every session and every cramp, kept safely on disk, shown
//! as nights and trends, with plain advice on when to see a doctor.

mod error;
pub mod export;
pub mod record;
pub mod stats;
pub mod store;
pub mod when;

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

pub use error::Error;

pub type Result<T, E = Error> = std::result::Result<T, E>;
use crate::util::human;
use record::{Leg, Muscle};
use store::{Cramp, Entry, Journal};

/// What the user said about a cramp, on the command line or when asked.
#[derive(Debug, Clone, Default)]
pub struct CrampInput {
    pub at: Option<String>,
    pub leg: Option<String>,
    pub muscle: Option<String>,
    pub lasted: Option<Duration>,
    pub pain: Option<u8>,
    pub note: Option<String>,
    pub swelling: bool,
    pub redness: bool,
    pub numbness: bool,
    pub weakness: bool,
}

impl CrampInput {
    /// Nothing given: at a terminal, the questions are asked instead.
    pub fn is_empty(&self) -> bool {
        self.at.is_none()
            && self.leg.is_none()
            && self.muscle.is_none()
            && self.lasted.is_none()
            && self.pain.is_none()
            && self.note.is_none()
            && !(self.swelling || self.redness || self.numbness || self.weakness)
    }
}

/// The general note that goes with the journal's advice.
pub const NOT_A_DIAGNOSIS: &str = "This is general information, not a diagnosis.";

/// Why a cramp is worth a doctor's visit, if it is: one calm sentence per
/// reason (from the shared notes on leg cramps).
pub fn red_flags(cramp: &Cramp) -> Vec<&'static str> {
    let mut flags = Vec::new();
    if cramp.lasted_s.is_some_and(|s| s > 10 * 60) {
        flags.push(
            "It lasted more than 10 minutes. A cramp that long is worth seeing a doctor \
             about, to make sure nothing else is behind it.",
        );
    }
    if cramp.swelling || cramp.redness {
        flags.push(
            "The leg was swollen or red. That is worth seeing a doctor about soon: a blood \
             clot or a problem with circulation can look like a cramp.",
        );
    }
    if cramp.numbness || cramp.weakness {
        flags.push(
            "There was numbness or weakness. That is worth seeing a doctor about: it can \
             come from the nerves or muscles rather than an ordinary cramp.",
        );
    }
    flags
}

/// The user ended the questions (Ctrl-D) before the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

/// Asks one question on stderr and reads the answer from stdin. An empty
/// answer takes the default; an answer that cannot be read is asked again,
/// so what is saved is always what was typed. The end of input (Ctrl-D)
/// cancels.
pub fn ask<T>(
    input: &mut dyn BufRead,
    question: &str,
    default: &str,
    parse: impl Fn(&str) -> std::result::Result<T, String>,
) -> std::result::Result<T, Cancelled> {
    loop {
        eprint!("{question} [{default}]: ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => {
                eprintln!();
                return Err(Cancelled);
            }
            Ok(_) => {}
        }
        match parse(line.trim()) {
            Ok(value) => return Ok(value),
            Err(why) => eprintln!("  {why}"),
        }
    }
}

pub fn yes_no(text: &str) -> std::result::Result<bool, String> {
    match text.to_lowercase().as_str() {
        "" | "n" | "no" => Ok(false),
        "y" | "yes" => Ok(true),
        _ => Err("answer y or n".to_owned()),
    }
}

/// "Which leg: left, right or both? [left]": one of `words`, the first by
/// default, or its first letter.
fn choose(
    input: &mut dyn BufRead,
    what: &str,
    words: &'static [&'static str],
) -> std::result::Result<Option<String>, Cancelled> {
    let (last, others) = words.split_last().unwrap_or((&"", &[]));
    let question = format!("{what}: {} or {last}?", others.join(", "));
    let default = words.first().copied().unwrap_or_default();
    ask(input, &question, default, |text| {
        let text = text.to_lowercase();
        if text.is_empty() {
            return Ok(Some(default.to_owned()));
        }
        words
            .iter()
            .find(|w| **w == text || (text.len() == 1 && w.starts_with(&text)))
            .map(|w| Some((*w).to_owned()))
            .ok_or_else(|| format!("answer {}", words.join(", ")))
    })
}

/// The few questions about a cramp, with sensible defaults. Each answer is
/// checked as it is given (the time against `now` in `tz`), so a mistake is
/// asked again rather than found at the end.
pub fn interview(
    input: &mut dyn BufRead,
    when_default: &str,
    now: Timestamp,
    tz: &TimeZone,
) -> std::result::Result<CrampInput, Cancelled> {
    let mut answers = CrampInput {
        at: Some(ask(input, "When did it happen?", when_default, |t| {
            let t = if t.is_empty() { when_default } else { t };
            when::parse(t, now, tz).map(|_| t.to_owned())
        })?),
        ..CrampInput::default()
    };
    answers.leg = choose(input, "Which leg", Leg::WORDS)?;
    answers.muscle = choose(input, "Which muscle", Muscle::WORDS)?;
    answers.lasted = ask(
        input,
        "How long did it last, such as 2m?",
        "not sure",
        |t| {
            if t.is_empty() {
                return Ok(None);
            }
            crate::routine::duration::parse(t)
                .map(Some)
                .map_err(|e| format!("{e}; write it as 30s, 2m or 1m30s"))
        },
    )?;
    answers.pain = ask(
        input,
        "How painful, from 0 (none) to 10 (worst)?",
        "not sure",
        |t| {
            if t.is_empty() {
                return Ok(None);
            }
            t.parse::<u8>()
                .ok()
                .filter(|p| *p <= 10)
                .map(Some)
                .ok_or_else(|| "answer a number from 0 to 10".to_owned())
        },
    )?;
    if ask(
        input,
        "Was the leg swollen, red, numb or weak afterwards? (y/n)",
        "n",
        yes_no,
    )? {
        answers.swelling = ask(input, "  Swollen?", "n", yes_no)?;
        answers.redness = ask(input, "  Red?", "n", yes_no)?;
        answers.numbness = ask(input, "  Numb?", "n", yes_no)?;
        answers.weakness = ask(input, "  Weak?", "n", yes_no)?;
    }
    answers.note = ask(input, "A note?", "none", |t| {
        Ok((!t.is_empty()).then(|| t.to_owned()))
    })?;
    Ok(answers)
}

/// "Sat 2026-11-21 03:10, left calf, lasted 2m, pain 6 of 10" (without
/// the date where the night is already shown).
pub fn describe(cramp: &Cramp, tz: &TimeZone, with_date: bool) -> String {
    let format = if with_date {
        "%a %Y-%m-%d %H:%M"
    } else {
        "%H:%M"
    };
    let mut words = match cramp.at.parse::<Timestamp>() {
        Ok(at) => at
            .to_zoned_datetime(tz.clone())
            .strftime(format)
            .to_string(),
        Err(_) => cramp.at.clone(),
    };
    let place = [cramp.leg.map(Leg::word), cramp.muscle.map(Muscle::word)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if !place.is_empty() {
        words.push_str(&format!(", {place}"));
    }
    if let Some(secs) = cramp.lasted_s {
        words.push_str(&format!(
            ", lasted {}",
            human(Duration::from_secs(secs.into()))
        ));
    }
    if let Some(pain) = cramp.pain {
        words.push_str(&format!(", pain {pain} of 10"));
    }
    let marks: Vec<&str> = [
        (cramp.swelling, "swelling"),
        (cramp.redness, "redness"),
        (cramp.numbness, "numbness"),
        (cramp.weakness, "weakness"),
    ]
    .into_iter()
    .filter_map(|(marked, word)| marked.then_some(word))
    .collect();
    if !marks.is_empty() {
        words.push_str(&format!(", with {}", marks.join(", ")));
    }
    words
}

/// Records a cramp and says so, with any reason to see a doctor.
pub fn log(path: &Path, input: CrampInput, now: Timestamp, tz: &TimeZone) -> Result<String> {
    let at = match &input.at {
        Some(text) => when::parse(text, now, tz).map_err(Error::When)?,
        None => now,
    };
    let leg = word_of(input.leg, Leg::from_word, Leg::WORDS)?;
    let muscle = word_of(input.muscle, Muscle::from_word, Muscle::WORDS)?;
    let cramp = Cramp {
        id: None,
        night: Some(when::night_of(at, tz)),
        at: when::stamp(at, tz),
        leg,
        muscle,
        lasted_s: input
            .lasted
            .map(|d| d.as_secs().min(u64::from(u32::MAX)) as u32),
        pain: input.pain,
        swelling: input.swelling,
        redness: input.redness,
        numbness: input.numbness,
        weakness: input.weakness,
        note: input
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty()),
        logged_at: when::stamp(now, tz),
    };
    let id = Journal::open(path)?.add_cramp(&cramp)?;
    let mut said = format!(
        "Logged a cramp ({}): {}.\n",
        Entry::Cramp(id),
        describe(&cramp, tz, true)
    );
    let flags = red_flags(&cramp);
    if !flags.is_empty() {
        said.push('\n');
        for flag in flags {
            said.push_str(flag);
            said.push('\n');
        }
        said.push_str(NOT_A_DIAGNOSIS);
        said.push('\n');
    }
    Ok(said)
}

/// The value a word given for a cramp names; a word that names none is
/// refused with the words that do.
fn word_of<T>(
    text: Option<String>,
    parse: fn(&str) -> Option<T>,
    known: &'static [&'static str],
) -> Result<Option<T>> {
    text.map(|word| parse(&word).ok_or(Error::UnknownWord { word, known }))
        .transpose()
}

/// Whether questions can be asked: stdin and stderr are a terminal.
pub fn can_ask() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// `nocturne journal`: the last `nights` nights, newest first.
pub fn nights(path: &Path, today: Date, count: usize, tz: &TimeZone) -> Result<String> {
    let Some(journal) = Journal::open_to_read(path)? else {
        return Ok(EMPTY.to_owned());
    };
    let sessions = journal.sessions()?;
    let cramps = journal.cramps()?;
    if sessions.is_empty() && cramps.is_empty() {
        return Ok(EMPTY.to_owned());
    }
    let mut rows = Vec::new();
    let mut night = today;
    for _ in 0..count {
        let stretched: Vec<String> = sessions
            .iter()
            .filter(|s| s.night == night)
            .map(|s| {
                let preview = if (s.speed - 1.0).abs() > 1e-6 {
                    ", preview"
                } else {
                    ""
                };
                format!(
                    "{} ({}{preview}, {})",
                    s.routine,
                    s.outcome.in_words(),
                    Entry::Session(s.id)
                )
            })
            .collect();
        let cramped: Vec<String> = cramps
            .iter()
            .filter(|c| c.night == Some(night))
            .map(|c| match c.id {
                Some(id) => format!("{} ({})", describe(c, tz, false), Entry::Cramp(id)),
                None => describe(c, tz, false),
            })
            .collect();
        let or_dash = |v: Vec<String>| {
            if v.is_empty() {
                "-".to_owned()
            } else {
                v.join("; ")
            }
        };
        rows.push([
            night.strftime("%a %Y-%m-%d").to_string(),
            or_dash(stretched),
            or_dash(cramped),
        ]);
        night = night.yesterday().unwrap_or(Date::MIN);
    }
    let width = rows
        .iter()
        .map(|r| r[1].chars().count())
        .max()
        .unwrap_or(0)
        .max(9);
    let mut out = format!("{:<14}  {:<width$}  CRAMPS\n", "NIGHT", "STRETCHES");
    for [date, stretched, cramped] in rows {
        out.push_str(&format!("{date:<14}  {stretched:<width$}  {cramped}\n"));
    }
    Ok(out)
}

const EMPTY: &str = "The journal is empty. Each `nocturne run` is recorded; log a cramp with \
                     `nocturne log`.\n";

/// `nocturne journal delete ID`: what the entry is, for the question
/// before it goes.
pub fn find(path: &Path, entry: Entry, tz: &TimeZone) -> Result<String> {
    let missing = || Error::NoEntry(entry);
    let Some(journal) = Journal::open_to_read(path)? else {
        return Err(missing());
    };
    let found = match entry {
        Entry::Cramp(id) => journal
            .cramps()?
            .iter()
            .find(|c| c.id == Some(id))
            .map(|c| format!("the cramp of {}", describe(c, tz, true))),
        Entry::Session(id) => journal.sessions()?.iter().find(|s| s.id == id).map(|s| {
            let at = s
                .started_at
                .parse::<Timestamp>()
                .map(|t| tz.to_datetime(t).strftime("%a %Y-%m-%d %H:%M").to_string())
                .unwrap_or_else(|_| s.started_at.clone());
            format!(
                "the {} session of {at} ({})",
                s.routine,
                s.outcome.in_words()
            )
        }),
    };
    found.ok_or_else(missing)
}

/// Removes an entry that `find` described.
pub fn delete(path: &Path, entry: Entry) -> Result<()> {
    if Journal::open(path)?.delete(entry)? {
        Ok(())
    } else {
        Err(Error::Gone(entry))
    }
}

/// Reads the whole journal (an empty one where there is none).
pub fn everything(path: &Path) -> Result<(Vec<store::SessionRecord>, Vec<Cramp>)> {
    match Journal::open_to_read(path)? {
        Some(journal) => Ok((journal.sessions()?, journal.cramps()?)),
        None => Ok((Vec::new(), Vec::new())),
    }
}
