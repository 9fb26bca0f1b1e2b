//! The journal: every session and every cramp, kept safely on disk, shown
//! as nights and trends, with plain advice on when to see a doctor.

pub mod amount;
pub mod compare;
mod error;
pub mod export;
pub mod import;
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
    if let Some(place) = place(cramp.leg, cramp.muscle) {
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

/// "Fri 2026-11-20 21:40, 250 ml".
pub fn describe_drink(drink: &store::Drink, tz: &TimeZone) -> String {
    let at = match drink.at.parse::<Timestamp>() {
        Ok(at) => tz.to_datetime(at).strftime("%a %Y-%m-%d %H:%M").to_string(),
        Err(_) => drink.at.clone(),
    };
    format!("{at}, {}", amount::words(drink.amount_ml.into()))
}

/// What `log drink` is told: when, and how much (`None`: a glass).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrinkInput {
    pub at: Option<String>,
    pub amount: Option<String>,
}

/// Records a drink logged by hand and says so, with the evening's count.
pub fn log_drink(
    path: &Path,
    input: &DrinkInput,
    glass_ml: u32,
    now: Timestamp,
    tz: &TimeZone,
) -> Result<String> {
    let at = match &input.at {
        Some(text) => when::parse_past(text, now, tz, "log a drink once you have had it")
            .map_err(Error::When)?,
        None => now,
    };
    let amount_ml = match &input.amount {
        Some(text) => amount::parse(text, Some(glass_ml)).map_err(Error::Amount)?,
        None => glass_ml,
    };
    let drink = store::Drink {
        id: None,
        night: when::night_of(at, tz),
        at: when::stamp(at, tz),
        amount_ml,
        source: record::DrinkSource::Log,
        session_id: None,
        step_index: None,
        logged_at: when::stamp(now, tz),
    };
    let (entry, evening) = add_drink(path, &drink)?;
    Ok(format!(
        "Logged a drink ({entry}): {}. That evening: {evening}.\n",
        describe_drink(&drink, tz),
    ))
}

/// Writes a drink; returns its entry and the evening's drinks so far, in
/// words.
fn add_drink(path: &Path, drink: &store::Drink) -> Result<(Entry, String)> {
    let journal = Journal::open(path)?;
    let id = journal.add_drink(drink)?.unwrap_or_default();
    let evening: Vec<u32> = journal
        .drinks()?
        .iter()
        .filter(|d| d.night == drink.night)
        .map(|d| d.amount_ml)
        .collect();
    Ok((Entry::Drink(id), evening_words(&evening)))
}

/// Records a drink of `amount_ml` at `now`, from a reminder's button or
/// some other place that does not ask; returns its entry and the evening's
/// drinks so far, in words.
pub fn log_glass(
    path: &Path,
    amount_ml: u32,
    source: record::DrinkSource,
    now: Timestamp,
    tz: &TimeZone,
) -> Result<(Entry, String)> {
    let drink = store::Drink {
        id: None,
        night: when::night_of(now, tz),
        at: when::stamp(now, tz),
        amount_ml,
        source,
        session_id: None,
        step_index: None,
        logged_at: when::stamp(now, tz),
    };
    add_drink(path, &drink)
}

/// "3 drinks, 750 ml".
pub fn evening_words(amounts: &[u32]) -> String {
    let total: u64 = amounts.iter().map(|&ml| u64::from(ml)).sum();
    format!(
        "{}, {}",
        count(amounts.len(), "drink"),
        amount::words(total)
    )
}

/// Where a cramp was, in plain words: "left calf", "both feet", "right
/// leg", "thigh".
fn place(leg: Option<Leg>, muscle: Option<Muscle>) -> Option<String> {
    let both = |muscle| match muscle {
        Muscle::Calf => "calves",
        Muscle::Foot => "feet",
        Muscle::Thigh => "thighs",
        Muscle::Other => "legs",
    };
    match (leg, muscle) {
        (Some(Leg::Both), Some(muscle)) => Some(format!("both {}", both(muscle))),
        (Some(Leg::Both), None) => Some("both legs".to_owned()),
        (Some(leg), Some(Muscle::Other)) => Some(format!("{leg} leg")),
        (Some(leg), Some(muscle)) => Some(format!("{leg} {muscle}")),
        (Some(leg), None) => Some(format!("{leg} leg")),
        (None, Some(muscle)) => Some(muscle.word().to_owned()),
        (None, None) => None,
    }
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

/// How `nocturne journal` is drawn: whether previews show, how many
/// columns the lines may take, and whether in colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Show previews (sessions run at another speed) too.
    pub all: bool,
    pub width: usize,
    pub color: bool,
}

/// A session run at any speed but real time: a look at a routine, not a
/// night's stretching.
fn is_preview(session: &store::SessionRecord) -> bool {
    (session.speed - 1.0).abs() > 1e-6
}

/// "30", "2.5": a speed factor as the session display says it.
fn factor(speed: f64) -> String {
    let text = format!("{speed:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// `nocturne journal`: the last `count` nights, newest first, each entry
/// on its own lines within `page.width`. Previews are left out unless
/// `page.all`, and a closing line says how many were.
pub fn nights(path: &Path, today: Date, count: usize, tz: &TimeZone, page: Page) -> Result<String> {
    let Some(journal) = Journal::open_to_read(path)? else {
        return Ok(EMPTY.to_owned());
    };
    let sessions = journal.sessions()?;
    let cramps = journal.cramps()?;
    let drinks = journal.drinks()?;
    if sessions.is_empty() && cramps.is_empty() && drinks.is_empty() {
        return Ok(EMPTY.to_owned());
    }
    let mut shown = Vec::with_capacity(count);
    let mut hidden = 0;
    let mut night = today;
    for _ in 0..count {
        // Sorted by when they happened: a stretch in the evening, then the
        // cramp in the small hours, then the relief routine after it.
        let mut entries: Vec<(Option<Timestamp>, Line)> = Vec::new();
        for s in sessions.iter().filter(|s| s.night == night) {
            let preview = if !is_preview(s) {
                String::new()
            } else if page.all {
                format!(", preview at {}× speed", factor(s.speed))
            } else {
                hidden += 1;
                continue;
            };
            let text = format!(
                "{} ({}{preview}, {})",
                s.routine,
                s.outcome.in_words(),
                Entry::Session(s.id)
            );
            entries.push((s.started_at.parse().ok(), Line::Session(text)));
        }
        for c in cramps.iter().filter(|c| c.night == Some(night)) {
            let text = match c.id {
                Some(id) => format!("{} ({})", describe(c, tz, false), Entry::Cramp(id)),
                None => describe(c, tz, false),
            };
            entries.push((c.at.parse().ok(), Line::Cramp(text)));
        }
        let evening: Vec<&store::Drink> = drinks.iter().filter(|d| d.night == night).collect();
        if let Some(first) = evening.first() {
            entries.push((
                first.at.parse().ok(),
                Line::Drinks(drinks_text(&evening, tz)),
            ));
        }
        entries.sort_by_key(|(at, _)| (at.is_none(), *at));
        shown.push(Night {
            heading: night.strftime("%a %Y-%m-%d").to_string(),
            entries: entries.into_iter().map(|(_, line)| line).collect(),
        });
        night = night.yesterday().unwrap_or(Date::MIN);
    }
    let mut out = lay_out(&shown, page.width);
    if hidden > 0 {
        let (count, them) = if hidden == 1 {
            ("1 preview".to_owned(), "it")
        } else {
            (format!("{hidden} previews"), "them")
        };
        let note = format!("{count} left out; `--all` shows {them}.");
        let dim = console::Style::new().dim().force_styling(page.color);
        for line in wrap("", "", &note, page.width) {
            out.push_str(&format!("{}\n", dim.apply_to(line)));
        }
    }
    Ok(out)
}

/// A night's drinks on one line: "3 drinks, 750 ml: 19:10 (d4), 20:05
/// (d5), 21:30 (d6)", each one's amount said where they differ.
fn drinks_text(drinks: &[&store::Drink], tz: &TimeZone) -> String {
    let amounts: Vec<u32> = drinks.iter().map(|d| d.amount_ml).collect();
    let same = amounts.windows(2).all(|pair| pair[0] == pair[1]);
    let each: Vec<String> = drinks
        .iter()
        .map(|d| {
            let at = match d.at.parse::<Timestamp>() {
                Ok(at) => tz.to_datetime(at).strftime("%H:%M").to_string(),
                Err(_) => d.at.clone(),
            };
            let id = d.id.map(|id| format!(" ({})", Entry::Drink(id)));
            if same {
                format!("{at}{}", id.unwrap_or_default())
            } else {
                format!(
                    "{at} {}{}",
                    amount::words(d.amount_ml.into()),
                    id.unwrap_or_default()
                )
            }
        })
        .collect();
    format!("{}: {}", evening_words(&amounts), each.join(", "))
}

/// One night of `nocturne journal`: its date and what happened in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Night {
    pub heading: String,
    pub entries: Vec<Line>,
}

/// One entry of a night, in the words `nocturne journal` has always used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Session(String),
    Cramp(String),
    /// The night's drinks, together.
    Drinks(String),
}

/// What each entry starts with, in a column of its own.
const LABELS: [&str; 3] = ["session", "cramp", "drinks"];

/// The nights, each a heading and then its entries, one under another,
/// so that no line is wider than `width` columns. A long entry wraps at
/// spaces, its later lines indented under its text. A night with nothing
/// in it is one line with a dash, as it has always been shown. Names come
/// from the user's files, so control characters are shown, never obeyed.
pub fn lay_out(nights: &[Night], width: usize) -> String {
    let width = width.max(1);
    let label_width = LABELS.iter().map(|l| l.len()).max().unwrap_or(0);
    let indent = " ".repeat(2 + label_width + 2);
    // Below this, a column of labels would leave too little room for the
    // entries: each label then starts its entry's text.
    let roomy = width >= indent.len() + 24;
    let mut out = String::new();
    let mut push = |lines: Vec<String>| {
        for line in lines {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    };
    for night in nights {
        let heading = crate::diag::clean(&night.heading);
        if night.entries.is_empty() {
            let line = format!("{heading}  -");
            if console::measure_text_width(&line) <= width {
                push(vec![line]);
            } else {
                push(wrap("", "  ", &format!("{heading} -"), width));
            }
            continue;
        }
        push(wrap("", "  ", &heading, width));
        for entry in &night.entries {
            let (label, text) = match entry {
                Line::Session(text) => (LABELS[0], text),
                Line::Cramp(text) => (LABELS[1], text),
                Line::Drinks(text) => (LABELS[2], text),
            };
            let text = crate::diag::clean(text);
            if roomy {
                let first = format!("  {label:<label_width$}  ");
                push(wrap(&first, &indent, &text, width));
            } else {
                push(wrap("  ", "    ", &format!("{label} {text}"), width));
            }
        }
    }
    out
}

/// `text` in lines of at most `width` columns, broken at spaces: the first
/// line starts with `first`, the others with `rest`. A word wider than a
/// line is broken where the line ends. A prefix that leaves no room is
/// left off.
fn wrap(first: &str, rest: &str, text: &str, width: usize) -> Vec<String> {
    use console::measure_text_width as columns;
    let rest = if columns(rest) < width { rest } else { "" };
    let first = if columns(first) < width { first } else { "" };
    let mut lines = Vec::new();
    let mut line = first.to_owned();
    let mut bare = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let needed = columns(word) + usize::from(!bare);
        if columns(&line) + needed <= width {
            if !bare {
                line.push(' ');
            }
            line.push_str(word);
            bare = false;
            continue;
        }
        if !bare {
            lines.push(std::mem::replace(&mut line, rest.to_owned()));
        }
        // A word wider than a whole line: as much as fits on each.
        for c in word.chars() {
            let mut buf = [0; 4];
            if columns(&line) + columns(c.encode_utf8(&mut buf)) > width
                && columns(&line) > columns(rest)
            {
                lines.push(std::mem::replace(&mut line, rest.to_owned()));
            }
            line.push(c);
        }
        bare = false;
    }
    lines.push(line);
    lines
}

const EMPTY: &str = "The journal is empty. Each `nocturne run` is recorded; log a cramp with \
                     `nocturne log` and a drink with `nocturne log drink`.\n";

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
        Entry::Drink(id) => journal
            .drinks()?
            .iter()
            .find(|d| d.id == Some(id))
            .map(|d| format!("the drink of {}", describe_drink(d, tz))),
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

/// "1 drink", "3 drinks".
pub fn count(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// Everything the journal holds, each kind oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Records {
    pub sessions: Vec<store::SessionRecord>,
    pub cramps: Vec<Cramp>,
    pub drinks: Vec<store::Drink>,
}

/// `journal import`: adds what the journal lacks of a checked file, or,
/// for a dry run, only counts it (writing nothing, not even a new
/// journal). The problems, where the file cannot go in as it is, come
/// back as the inner `Err`.
pub fn import(
    path: &Path,
    incoming: &import::Incoming,
    dry_run: bool,
) -> Result<std::result::Result<import::Summary, Vec<crate::diag::Diagnostic>>> {
    if dry_run {
        let existing = everything(path)?;
        return Ok(import::plan(incoming, &existing).map(|additions| additions.summary()));
    }
    Journal::open(path)?.import(incoming)
}

/// Reads the whole journal (an empty one where there is none).
pub fn everything(path: &Path) -> Result<Records> {
    match Journal::open_to_read(path)? {
        Some(journal) => Ok(Records {
            sessions: journal.sessions()?,
            cramps: journal.cramps()?,
            drinks: journal.drinks()?,
        }),
        None => Ok(Records::default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn night(heading: &str, entries: Vec<Line>) -> Night {
        Night {
            heading: heading.to_owned(),
            entries,
        }
    }

    /// A night with several sessions and a long cramp, and an empty night.
    fn busy() -> Vec<Night> {
        vec![
            night(
                "Mon 2026-11-30",
                vec![
                    Line::Session("nightly (done, s3)".into()),
                    Line::Session("desk-worker-evening (ended early, s4)".into()),
                    Line::Cramp(
                        "03:10, left calf, lasted 12m, pain 8 of 10, with swelling, redness, \
                         numbness, weakness (c1)"
                            .into(),
                    ),
                    Line::Session("cramp (done, preview at 1000× speed, s5)".into()),
                ],
            ),
            night("Sun 2026-11-29", vec![]),
        ]
    }

    fn assert_within(text: &str, width: usize) {
        for line in text.lines() {
            assert!(
                console::measure_text_width(line) <= width,
                "wider than {width}: {line:?}\n{text}"
            );
        }
    }

    #[test]
    fn each_entry_starts_its_own_line_within_the_width() {
        for width in [44, 80, 120] {
            let text = lay_out(&busy(), width);
            assert_within(&text, width);
            let starts: Vec<&str> = text
                .lines()
                .filter(|l| !l.starts_with("           "))
                .collect();
            let whole = [
                "Mon 2026-11-30",
                "  session  nightly (done, s3)",
                "  session  desk-worker-evening (ended early, s4)",
                "  cramp    03:10, left calf, lasted 12m, pain 8 of 10, with swelling, redness, \
                 numbness, weakness (c1)",
                "  session  cramp (done, preview at 1000× speed, s5)",
                "Sun 2026-11-29  -",
            ];
            assert_eq!(starts.len(), whole.len(), "at {width} columns:\n{text}");
            for (start, line) in starts.iter().zip(whole) {
                assert!(line.starts_with(start), "at {width} columns:\n{text}");
            }
            // Wrapping moves words, never changes them.
            let words = |t: &str| t.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
            assert_eq!(
                words(&text),
                words(&lay_out(&busy(), 1000)),
                "at {width} columns"
            );
        }
    }

    #[test]
    fn a_long_entry_continues_under_its_text() {
        assert_eq!(
            lay_out(&busy()[..1], 44),
            "Mon 2026-11-30\n  \
             session  nightly (done, s3)\n  \
             session  desk-worker-evening (ended early,\n           \
             s4)\n  \
             cramp    03:10, left calf, lasted 12m,\n           \
             pain 8 of 10, with swelling,\n           \
             redness, numbness, weakness (c1)\n  \
             session  cramp (done, preview at 1000×\n           \
             speed, s5)\n"
        );
        // At 120 columns each entry has one line.
        assert_eq!(lay_out(&busy(), 120).lines().count(), 6);
    }

    #[test]
    fn a_narrow_terminal_still_gets_every_word_within_its_width() {
        let long = vec![night(
            "Mon 2026-11-30",
            vec![Line::Session(
                "a-routine-with-a-name-longer-than-any-line (done, s1)".into(),
            )],
        )];
        for width in [1, 8, 20, 30, 44] {
            let text = lay_out(&[busy(), long.clone()].concat(), width);
            assert_within(&text, width);
        }
        assert_eq!(
            lay_out(&busy()[..1], 30).lines().nth(1),
            Some("  session nightly (done, s3)")
        );
    }

    #[test]
    fn control_characters_in_a_name_are_shown_not_obeyed() {
        let text = lay_out(
            &[night(
                "Mon 2026-11-30",
                vec![Line::Session("evil\u{1b}[2J (done, s1)".into())],
            )],
            80,
        );
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(text.contains("evil\u{fffd}[2J (done, s1)"), "{text:?}");
    }

    #[test]
    fn a_cramp_is_placed_in_plain_words() {
        use Leg::*;
        use Muscle::*;
        for (leg, muscle, words) in [
            (Some(Left), Some(Calf), Some("left calf")),
            (Some(Right), Some(Foot), Some("right foot")),
            (Some(Both), Some(Thigh), Some("both thighs")),
            (Some(Both), Some(Calf), Some("both calves")),
            (Some(Both), Some(Foot), Some("both feet")),
            (Some(Both), None, Some("both legs")),
            (Some(Left), None, Some("left leg")),
            (Some(Right), Some(Other), Some("right leg")),
            (None, Some(Calf), Some("calf")),
            (None, None, None),
        ] {
            assert_eq!(place(leg, muscle).as_deref(), words, "{leg:?} {muscle:?}");
        }
    }

    #[test]
    fn a_speed_is_said_as_the_session_says_it() {
        assert_eq!(factor(30.0), "30");
        assert_eq!(factor(2.5), "2.5");
        assert_eq!(factor(0.25), "0.25");
    }
}
