//! `nocturne journal import`: a JSON export read back, to move a journal
//! to a new machine or to restore a backup. This part only reads and
//! judges: the file's text becomes checked records, or the problems found
//! with where each one is; and those records, set against the journal's,
//! become what is missing from it. The store writes that in one go.
//!
//! Records are the same when everything but their number is the same, and
//! they are counted: a file holding a record twice adds it twice to an
//! empty journal, and nothing to a journal that holds it twice already. So
//! importing the same file again never adds anything.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;

use jiff::Timestamp;
use jiff::civil::Date;

use super::Records;
use super::amount::MOST_ML;
use super::count;
use super::record::{DrinkSource, Leg, Muscle, SessionOutcome, StepOutcome};
use super::store::{Cramp, Drink, SessionRecord};
use crate::diag::{Diagnostic, closest, short};

/// An export of many years is a few megabytes; a file far larger is the
/// wrong file, refused before it is read into memory.
pub const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// The problems shown for one file; the rest are only counted, so a file
/// that is wrong throughout is told quickly.
pub const MOST_SHOWN: usize = 20;

/// What an export is, for messages.
const EXPORT: &str = "the JSON that `nocturne journal export --format json` writes";

/// A file that cannot be imported: the problems shown, and how many more
/// there are.
#[derive(Debug, Default)]
pub struct Rejected {
    pub problems: Vec<Diagnostic>,
    pub more: usize,
}

impl Rejected {
    fn add(&mut self, make: impl FnOnce() -> Diagnostic) {
        if self.problems.len() < MOST_SHOWN {
            self.problems.push(make());
        } else {
            self.more += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.problems.is_empty()
    }
}

/// A drink from the file: the drink, with no session id of its own, and
/// the place in the file's sessions of the session whose step it was.
#[derive(Debug, Clone, PartialEq)]
pub struct FileDrink {
    pub drink: Drink,
    pub session: Option<usize>,
    /// Where it is in the file, and how messages name it.
    span: Range<usize>,
    name: String,
}

/// Everything a file holds, checked. The ids the file gave are not kept:
/// the journal gives its own.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Incoming {
    pub sessions: Vec<SessionRecord>,
    pub cramps: Vec<Cramp>,
    pub drinks: Vec<FileDrink>,
}

/// Where a session of the file is in the journal: one that was there
/// already, or the one added for it (its place in `Additions::sessions`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    Journal(i64),
    Added(usize),
}

/// What the journal lacks of a file, in the order it is written: each
/// kind by its time, as an export lists them, so that an export imported
/// into an empty journal and exported again is the same, ids and all.
#[derive(Debug, Clone, PartialEq)]
pub struct Additions<'a> {
    pub sessions: Vec<&'a SessionRecord>,
    pub cramps: Vec<&'a Cramp>,
    /// Each drink with the session it belongs to, if any.
    pub drinks: Vec<(&'a Drink, Option<Place>)>,
    /// Records of the file the journal holds already.
    pub already: usize,
}

/// How many records were (or would be) added, and how many were there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub sessions: usize,
    pub cramps: usize,
    pub drinks: usize,
    pub already: usize,
}

impl Additions<'_> {
    pub fn summary(&self) -> Summary {
        Summary {
            sessions: self.sessions.len(),
            cramps: self.cramps.len(),
            drinks: self.drinks.len(),
            already: self.already,
        }
    }
}

/// What the import says when it is done: `file` as the user wrote it.
pub fn said(summary: Summary, file: &str, dry_run: bool) -> String {
    let added = summary.sessions + summary.cramps + summary.drinks;
    let total = added + summary.already;
    let not_written = if dry_run {
        "; nothing was written (--dry-run)"
    } else {
        ""
    };
    if total == 0 {
        return format!("Nothing to add: {file} holds no records{not_written}.\n");
    }
    if added == 0 {
        let all = match total {
            1 => format!("the one record in {file} is"),
            2 => format!("both records in {file} are"),
            n => format!("all {n} records in {file} are"),
        };
        return format!("Nothing to add: {all} already in the journal{not_written}.\n");
    }
    let verb = if dry_run { "Would add" } else { "Added" };
    let already = match (summary.already, dry_run) {
        (0, _) => String::new(),
        (1, false) => " (1 was already in the journal)".to_owned(),
        (n, false) => format!(" ({n} were already in the journal)"),
        (1, true) => " (1 is already in the journal)".to_owned(),
        (n, true) => format!(" ({n} are already in the journal)"),
    };
    format!(
        "{verb} {}, {} and {} from {file}{already}{not_written}.\n",
        count(summary.sessions, "session"),
        count(summary.cramps, "cramp"),
        count(summary.drinks, "drink"),
    )
}

// The file's text, with the place of every value. serde_json checks the
// syntax first (and says where it fails); this reader then only ever
// walks valid JSON, and leaves strings and numbers to serde_json.

#[derive(Debug)]
struct Node {
    span: Range<usize>,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Text(String),
    List(Vec<Node>),
    Object(Vec<Field>),
}

#[derive(Debug)]
struct Field {
    key: String,
    key_span: Range<usize>,
    value: Node,
}

/// Deeper than serde_json's own limit, so never reached on text it
/// accepted; there only so that nothing can recurse without end.
const DEEPEST: usize = 256;

struct Reader<'a> {
    text: &'a str,
    at: usize,
    /// Where a text starts that could not be read (an escape that names
    /// no character, such as half of a surrogate pair).
    unreadable: Option<usize>,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.skip_space();
        (self.peek()? == byte).then(|| self.at += 1)
    }

    fn value(&mut self, depth: usize) -> Option<Node> {
        if depth > DEEPEST {
            return None;
        }
        self.skip_space();
        let start = self.at;
        let kind = match self.peek()? {
            b'{' => {
                self.at += 1;
                let mut fields = Vec::new();
                self.skip_space();
                if self.peek()? == b'}' {
                    self.at += 1;
                } else {
                    loop {
                        self.skip_space();
                        let key_start = self.at;
                        let key = self.string()?;
                        let key_span = key_start..self.at;
                        self.expect(b':')?;
                        let value = self.value(depth + 1)?;
                        fields.push(Field {
                            key,
                            key_span,
                            value,
                        });
                        self.skip_space();
                        match self.peek()? {
                            b',' => self.at += 1,
                            b'}' => {
                                self.at += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                Kind::Object(fields)
            }
            b'[' => {
                self.at += 1;
                let mut items = Vec::new();
                self.skip_space();
                if self.peek()? == b']' {
                    self.at += 1;
                } else {
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.skip_space();
                        match self.peek()? {
                            b',' => self.at += 1,
                            b']' => {
                                self.at += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
                Kind::List(items)
            }
            b'"' => Kind::Text(self.string()?),
            b't' => self.word("true", Kind::Bool(true))?,
            b'f' => self.word("false", Kind::Bool(false))?,
            b'n' => self.word("null", Kind::Null)?,
            _ => {
                while matches!(
                    self.peek(),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.at += 1;
                }
                Kind::Number(self.text.get(start..self.at)?.parse().ok()?)
            }
        };
        Some(Node {
            span: start..self.at,
            kind,
        })
    }

    fn word(&mut self, word: &str, kind: Kind) -> Option<Kind> {
        let end = self.at + word.len();
        (self.text.get(self.at..end)? == word).then(|| {
            self.at = end;
            kind
        })
    }

    fn string(&mut self) -> Option<String> {
        let start = self.at;
        if self.peek()? != b'"' {
            return None;
        }
        self.at += 1;
        loop {
            match self.peek()? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    break;
                }
                _ => self.at += 1,
            }
        }
        let read = serde_json::from_str(self.text.get(start..self.at)?).ok();
        if read.is_none() {
            self.unreadable.get_or_insert(start);
        }
        read
    }
}

/// The place of a line and column as serde_json counts them (from 1; the
/// column in bytes).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (line_start + column.saturating_sub(1)).min(text.len())
}

fn syntax(text: &str) -> Result<Node, Diagnostic> {
    if text.starts_with("record,id,") {
        return Err(Diagnostic::new(
            "this is a CSV export; an import reads the JSON export, which holds every field",
        )
        .at(0..6)
        .help("write one with `nocturne journal export --format json --output journal.json`"));
    }
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        // A file cut short is pointed at where it stops.
        let at = if e.is_eof() {
            text.trim_end().len()
        } else {
            offset_of(text, e.line(), e.column())
        };
        let full = e.to_string();
        let why = full
            .rfind(" at line ")
            .map_or(full.as_str(), |i| &full[..i]);
        let message = if e.is_eof() {
            "this is not valid JSON: it ends too early (is the file cut short?)".to_owned()
        } else {
            format!("this is not valid JSON: {why}")
        };
        return Err(Diagnostic::new(message)
            .at(at..at + 1)
            .help(format!("a journal export is {EXPORT}")));
    }
    let mut reader = Reader {
        text,
        at: 0,
        unreadable: None,
    };
    reader.value(0).ok_or_else(|| {
        let d = Diagnostic::new("this JSON could not be read")
            .help(format!("a journal export is {EXPORT}"));
        match reader.unreadable {
            Some(at) => Diagnostic::new(
                "this is not valid JSON: a text here holds an escape that names no character",
            )
            .at(at..at + 1)
            .help(format!("a journal export is {EXPORT}")),
            None => d.at(reader.at.min(text.len())..(reader.at + 1).min(text.len())),
        }
    })
}

/// A value as a message quotes it: text in quotes, cut short; a list or
/// an object by what it is.
fn shown(node: &Node, text: &str) -> String {
    match &node.kind {
        Kind::Text(t) => format!("\"{}\"", brief(t)),
        Kind::List(_) => "a list".to_owned(),
        Kind::Object(_) => "an object".to_owned(),
        _ => brief(text.get(node.span.clone()).unwrap_or_default()),
    }
}

/// A value from the file, cut short enough that the message about it,
/// with what would be accepted, stays within one line.
fn brief(value: &str) -> String {
    const LONGEST: usize = 32;
    let one_line = short(value);
    if one_line.chars().count() <= LONGEST {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(LONGEST - 1).collect();
    cut.push('…');
    cut
}

/// The first character of a span, for a caret under where an object
/// starts.
fn first(span: &Range<usize>) -> Range<usize> {
    span.start..span.start + 1
}

/// Checks one object of the file (a record, or a session's step): reads
/// its fields, and notes every problem in the user's terms.
struct Check<'a, 'p> {
    text: &'a str,
    /// "cramp 3 (at 2026-11-21T03:10:00+01:00)".
    name: String,
    span: Range<usize>,
    fields: &'a [Field],
    rejected: &'p mut Rejected,
}

impl<'a> Check<'a, '_> {
    /// Refuses a field it does not know, or one given twice.
    fn only(&mut self, known: &[&str], what: &str) {
        // The known fields met so far: a handful at most.
        let mut seen: Vec<&str> = Vec::with_capacity(known.len());
        for field in self.fields {
            let key = field.key.as_str();
            let span = field.key_span.clone();
            let name = &self.name;
            if !known.contains(&key) {
                self.rejected.add(|| {
                    let d = Diagnostic::new(format!("{name}: unknown field \"{}\"", short(key)))
                        .at(span)
                        .help(format!("{what} has {}", known.join(", ")));
                    match closest(key, known.iter().copied()) {
                        Some(s) => d.label(format!("did you mean \"{s}\"?")),
                        None => d,
                    }
                });
            } else if seen.contains(&key) {
                self.rejected.add(|| {
                    Diagnostic::new(format!("{name}: \"{key}\" is given twice"))
                        .at(span)
                        .label("again here")
                });
            } else {
                seen.push(key);
            }
        }
    }

    fn node(&self, key: &str) -> Option<&'a Node> {
        self.fields.iter().find(|f| f.key == key).map(|f| &f.value)
    }

    /// A field read by `read`. Missing or null: `None` where it may be
    /// left out, else a problem. `accepts` says what it takes.
    fn take<T>(
        &mut self,
        key: &str,
        nullable: bool,
        accepts: &str,
        suggest: &[&str],
        read: impl FnOnce(&'a Kind) -> Option<T>,
    ) -> Result<Option<T>, ()> {
        let name = &self.name;
        let node = match self.node(key) {
            Some(Node {
                kind: Kind::Null, ..
            })
            | None
                if nullable =>
            {
                return Ok(None);
            }
            None => {
                let at = first(&self.span);
                self.rejected.add(|| {
                    Diagnostic::new(format!("{name}: \"{key}\" is missing; it is {accepts}")).at(at)
                });
                return Err(());
            }
            Some(node) => node,
        };
        if let Some(value) = read(&node.kind) {
            return Ok(Some(value));
        }
        let value = shown(node, self.text);
        let suggestion = match &node.kind {
            Kind::Text(word) => closest(word, suggest.iter().copied()),
            _ => None,
        };
        self.rejected.add(|| {
            let d = Diagnostic::new(format!("{name}: \"{key}\" is {value}; it is {accepts}"))
                .at(node.span.clone());
            match suggestion {
                Some(s) => d.label(format!("did you mean \"{s}\"?")),
                None => d,
            }
        });
        Err(())
    }

    fn required<T>(
        &mut self,
        key: &str,
        accepts: &str,
        read: impl FnOnce(&'a Kind) -> Option<T>,
    ) -> Result<T, ()> {
        self.take(key, false, accepts, &[], read)?.ok_or(())
    }

    fn text(&mut self, key: &str) -> Result<String, ()> {
        self.required(key, "text in quotes", |kind| text_of(kind).cloned())
    }

    fn flag(&mut self, key: &str) -> Result<bool, ()> {
        self.required(key, "true or false", |kind| match kind {
            Kind::Bool(b) => Some(*b),
            _ => None,
        })
    }

    fn night(&mut self) -> Result<Date, ()> {
        self.required(
            "night",
            "a date written YYYY-MM-DD, such as \"2026-11-20\"",
            |kind| {
                let text = text_of(kind)?;
                let date: Date = text.parse().ok()?;
                (date.to_string() == *text).then_some(date)
            },
        )
    }

    fn instant(&mut self, key: &str, nullable: bool) -> Result<Option<String>, ()> {
        let accepts = if nullable {
            "an RFC 3339 time with its offset, such as \"2026-11-21T03:10:00+01:00\", or null"
        } else {
            "an RFC 3339 time with its offset, such as \"2026-11-21T03:10:00+01:00\""
        };
        self.take(key, nullable, accepts, &[], |kind| {
            let text = text_of(kind)?;
            text.parse::<Timestamp>().ok()?;
            Some(text.clone())
        })
    }

    fn whole(
        &mut self,
        key: &str,
        nullable: bool,
        range: std::ops::RangeInclusive<u64>,
        accepts: &str,
    ) -> Result<Option<u64>, ()> {
        self.take(key, nullable, accepts, &[], |kind| match kind {
            Kind::Number(n) => n.as_u64().filter(|n| range.contains(n)),
            _ => None,
        })
    }

    /// The file's own number for a record, if it gives one.
    fn id(&mut self) -> Result<Option<i64>, ()> {
        self.take(
            "id",
            true,
            "a whole number, or null",
            &[],
            |kind| match kind {
                Kind::Number(n) => n.as_i64(),
                _ => None,
            },
        )
    }

    fn word<T>(
        &mut self,
        key: &str,
        nullable: bool,
        words: &[&str],
        from_word: fn(&str) -> Option<T>,
    ) -> Result<Option<T>, ()> {
        let listed = listed(words, nullable);
        self.take(key, nullable, &listed, words, |kind| {
            from_word(text_of(kind)?)
        })
    }
}

fn text_of(kind: &Kind) -> Option<&String> {
    match kind {
        Kind::Text(t) => Some(t),
        _ => None,
    }
}

/// "left, right or both"; with ", or null" where a field may be empty.
fn listed(words: &[&str], nullable: bool) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    let mut out = match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, init)) => format!("{} or {last}", init.join(", ")),
        None => String::new(),
    };
    if nullable {
        out.push_str(", or null");
    }
    out
}

/// "cramp 3 (at 2026-11-21T03:10:00+01:00)": the record's place among
/// its kind in the file, and its time where it has one that can be shown.
fn record_name(what: &str, number: usize, node: &Node, key: &str, said: &str) -> String {
    let time = match &node.kind {
        Kind::Object(fields) => {
            fields
                .iter()
                .find(|f| f.key == key)
                .and_then(|f| match &f.value.kind {
                    Kind::Text(t) if t.parse::<Timestamp>().is_ok() => Some(t.as_str()),
                    _ => None,
                })
        }
        _ => None,
    };
    match time {
        Some(t) => format!("{what} {number} ({said} {t})"),
        None => format!("{what} {number}"),
    }
}

const TOP: [&str; 3] = ["sessions", "cramps", "drinks"];
const SESSION: [&str; 10] = [
    "id",
    "routine",
    "title",
    "relief",
    "night",
    "started_at",
    "ended_at",
    "outcome",
    "speed",
    "steps",
];
const STEP: [&str; 2] = ["name", "outcome"];
const CRAMP: [&str; 13] = [
    "id",
    "night",
    "at",
    "leg",
    "muscle",
    "lasted_s",
    "pain",
    "swelling",
    "redness",
    "numbness",
    "weakness",
    "note",
    "logged_at",
];
const DRINK: [&str; 8] = [
    "id",
    "night",
    "at",
    "amount_ml",
    "source",
    "session_id",
    "step_index",
    "logged_at",
];

/// The slowest and fastest a session can run.
const SPEEDS: std::ops::RangeInclusive<f64> = 0.1..=1000.0;

/// Reads and checks a whole export. Either every record is fine, or
/// nothing is taken and the problems say where and why.
pub fn read(text: &str) -> Result<Incoming, Rejected> {
    let mut rejected = Rejected::default();
    let root = match syntax(text) {
        Ok(root) => root,
        Err(d) => {
            rejected.add(|| d);
            return Err(rejected);
        }
    };
    let Kind::Object(top) = &root.kind else {
        let value = shown(&root, text);
        rejected.add(|| {
            Diagnostic::new(format!(
                "this is not a journal export: the file holds {value}, not an object with \
                 \"sessions\", \"cramps\" and \"drinks\""
            ))
            .at(first(&root.span))
            .help(format!("a journal export is {EXPORT}"))
        });
        return Err(rejected);
    };
    let mut check = Check {
        text,
        name: "the file".to_owned(),
        span: root.span.clone(),
        fields: top,
        rejected: &mut rejected,
    };
    check.only(&TOP, "a journal export");
    let session_nodes = list(&mut check, "sessions", true);
    let cramp_nodes = list(&mut check, "cramps", true);
    // An export from before drinks were kept has none.
    let drink_nodes = list(&mut check, "drinks", false);

    let mut incoming = Incoming::default();
    // The file's id of each session, to find the sessions drinks name.
    let mut ids: HashMap<i64, usize> = HashMap::new();
    for (i, node) in session_nodes.iter().enumerate() {
        let Some(mut check) = record(
            Record {
                what: "session",
                number: i + 1,
                node,
                time: ("started_at", "started"),
                known: &SESSION,
            },
            text,
            &mut rejected,
        ) else {
            continue;
        };
        let id = check.id();
        let routine = check.text("routine");
        let title = check.text("title");
        let relief = check.flag("relief");
        let night = check.night();
        let started_at = check.instant("started_at", false);
        let ended_at = check.instant("ended_at", true);
        let outcome = check.word(
            "outcome",
            false,
            SessionOutcome::WORDS,
            SessionOutcome::from_word,
        );
        let speed = check.required(
            "speed",
            "a number from 0.1 to 1000 (1 for a session in real time)",
            |kind| match kind {
                Kind::Number(n) => n.as_f64().filter(|s| SPEEDS.contains(s)),
                _ => None,
            },
        );
        let steps = steps(&mut check);
        let session = (|| {
            Some(SessionRecord {
                id: 0,
                routine: routine.ok()?,
                title: title.ok()?,
                relief: relief.ok()?,
                night: night.ok()?,
                started_at: started_at.ok()??,
                ended_at: ended_at.ok()?,
                outcome: outcome.ok()??,
                speed: speed.ok()?,
                steps: steps.ok()?,
            })
        })();
        if let Ok(Some(id)) = id {
            if let Some(&earlier) = ids.get(&id) {
                let (name, at) = (&check.name, check.node("id").map(|n| n.span.clone()));
                check.rejected.add(|| {
                    let d = Diagnostic::new(format!(
                        "{name}: \"id\" {id} is also the id of session {}; each session's id \
                         is its own, so that its drinks can name it",
                        earlier + 1
                    ));
                    match at {
                        Some(at) => d.at(at),
                        None => d,
                    }
                });
            } else {
                ids.insert(id, i);
            }
        }
        if let Some(session) = session {
            incoming.sessions.push(session);
        }
    }
    for (i, node) in cramp_nodes.iter().enumerate() {
        let Some(mut check) = record(
            Record {
                what: "cramp",
                number: i + 1,
                node,
                time: ("at", "at"),
                known: &CRAMP,
            },
            text,
            &mut rejected,
        ) else {
            continue;
        };
        let _ = check.id();
        // Every field is read, so that every problem is told at once.
        let night = check.night();
        let at = check.instant("at", false);
        let leg = check.word("leg", true, Leg::WORDS, Leg::from_word);
        let muscle = check.word("muscle", true, Muscle::WORDS, Muscle::from_word);
        let lasted_s = check.whole(
            "lasted_s",
            true,
            0..=u64::from(u32::MAX),
            "a whole number of seconds, or null",
        );
        let pain = check.whole("pain", true, 0..=10, "a whole number from 0 to 10, or null");
        let swelling = check.flag("swelling");
        let redness = check.flag("redness");
        let numbness = check.flag("numbness");
        let weakness = check.flag("weakness");
        let note = check.take("note", true, "text in quotes, or null", &[], |kind| {
            text_of(kind).cloned()
        });
        let logged_at = check.instant("logged_at", false);
        let cramp = (|| {
            Some(Cramp {
                id: None,
                night: Some(night.ok()?),
                at: at.ok()??,
                leg: leg.ok()?,
                muscle: muscle.ok()?,
                lasted_s: lasted_s.ok()?.and_then(|s| u32::try_from(s).ok()),
                pain: pain.ok()?.and_then(|p| u8::try_from(p).ok()),
                swelling: swelling.ok()?,
                redness: redness.ok()?,
                numbness: numbness.ok()?,
                weakness: weakness.ok()?,
                note: note.ok()?,
                logged_at: logged_at.ok()??,
            })
        })();
        if let Some(cramp) = cramp {
            incoming.cramps.push(cramp);
        }
    }
    // Each session step that logged a drink, and which drink of the file.
    let mut steps_taken: HashMap<(usize, u64), usize> = HashMap::new();
    for (i, node) in drink_nodes.iter().enumerate() {
        let Some(mut check) = record(
            Record {
                what: "drink",
                number: i + 1,
                node,
                time: ("at", "at"),
                known: &DRINK,
            },
            text,
            &mut rejected,
        ) else {
            continue;
        };
        let _ = check.id();
        let night = check.night();
        let at = check.instant("at", false);
        let amount_ml = check.whole(
            "amount_ml",
            false,
            1..=u64::from(MOST_ML),
            &format!("a whole number of millilitres from 1 to {MOST_ML}"),
        );
        let source = check.word("source", false, DrinkSource::WORDS, DrinkSource::from_word);
        let session_id = check.take(
            "session_id",
            true,
            "the \"id\" of a session in this file, or null",
            &[],
            |kind| match kind {
                Kind::Number(n) => n.as_i64(),
                _ => None,
            },
        );
        let step_index = check.whole(
            "step_index",
            true,
            0..=u64::from(u32::MAX),
            "the number of the session's step, counted from 0, or null",
        );
        let logged_at = check.instant("logged_at", false);
        let session = match (&source, &session_id, &step_index) {
            (Ok(source), Ok(session_id), Ok(step_index)) => link(
                &mut check,
                (*source, *session_id, *step_index),
                &ids,
                session_nodes,
            ),
            _ => Err(()),
        };
        if let (Ok(Some(index)), Ok(Some(step))) = (&session, &step_index)
            && let Some(earlier) = steps_taken.insert((*index, *step), i)
        {
            let (name, at) = (
                &check.name,
                check.node("step_index").map(|n| n.span.clone()),
            );
            check.rejected.add(|| {
                let d = Diagnostic::new(format!(
                    "{name}: step {step} of session {} already has a drink (drink {}); \
                     a session's step logs one drink",
                    index + 1,
                    earlier + 1
                ));
                match at {
                    Some(at) => d.at(at),
                    None => d,
                }
            });
        }
        let span = check.span.clone();
        let name = check.name.clone();
        let drink = (|| {
            Some(FileDrink {
                drink: Drink {
                    id: None,
                    night: night.ok()?,
                    at: at.ok()??,
                    amount_ml: amount_ml.ok()?.and_then(|ml| u32::try_from(ml).ok())?,
                    source: source.ok()??,
                    session_id: None,
                    step_index: step_index.ok()?.and_then(|s| u32::try_from(s).ok()),
                    logged_at: logged_at.ok()??,
                },
                // The place of the session's node in the file. When the
                // file is taken, every node became a session, in order, so
                // it is the session's place in `Incoming::sessions` too.
                session: session.ok()?,
                span,
                name,
            })
        })();
        if let Some(drink) = drink {
            incoming.drinks.push(drink);
        }
    }
    crate::diag::in_file_order(&mut rejected.problems);
    if rejected.is_empty() {
        Ok(incoming)
    } else {
        Err(rejected)
    }
}

/// One of the export's lists of records; none where it is wrong (which
/// is a problem) or may be and is left out.
fn list<'a>(check: &mut Check<'a, '_>, key: &str, needed: bool) -> &'a [Node] {
    let accepts = format!("a list of {key}");
    check
        .take(key, !needed, &accepts, &[], |kind| match kind {
            Kind::List(items) => Some(items.as_slice()),
            _ => None,
        })
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// A record's fields; a record that is not an object is a problem.
/// One record of the file, as its check begins: what kind it is, its
/// place among them (from 1), the field that names its time and how that
/// is said ("started", "at"), and the fields it may have.
struct Record<'a> {
    what: &'static str,
    number: usize,
    node: &'a Node,
    time: (&'static str, &'static str),
    known: &'static [&'static str],
}

/// Begins the check of a record: it must be an object, with only the
/// fields its kind has. `None` (with the problem noted) where it is not
/// an object at all.
fn record<'a, 'p>(
    record: Record<'a>,
    text: &'a str,
    rejected: &'p mut Rejected,
) -> Option<Check<'a, 'p>> {
    let Record {
        what,
        number,
        node,
        time: (key, said),
        known,
    } = record;
    let name = record_name(what, number, node, key, said);
    let fields = object(node, &name, what, text, rejected)?;
    let mut check = Check {
        text,
        name,
        span: node.span.clone(),
        fields,
        rejected,
    };
    check.only(known, &format!("a {what}"));
    Some(check)
}

fn object<'a>(
    node: &'a Node,
    name: &str,
    what: &str,
    text: &str,
    rejected: &mut Rejected,
) -> Option<&'a [Field]> {
    match &node.kind {
        Kind::Object(fields) => Some(fields),
        _ => {
            let value = shown(node, text);
            rejected.add(|| {
                Diagnostic::new(format!(
                    "{name} is {value}; each {what} is an object, as {EXPORT}"
                ))
                .at(node.span.clone())
            });
            None
        }
    }
}

/// A session's steps, each checked.
fn steps(check: &mut Check) -> Result<Vec<(String, StepOutcome)>, ()> {
    let nodes = check.required("steps", "a list of steps", |kind| match kind {
        Kind::List(items) => Some(items.as_slice()),
        _ => None,
    })?;
    let mut steps = Vec::with_capacity(nodes.len());
    let mut broken = false;
    for (i, node) in nodes.iter().enumerate() {
        let name = format!("{}, step {}", check.name, i + 1);
        let Some(fields) = object(node, &name, "step", check.text, check.rejected) else {
            broken = true;
            continue;
        };
        let mut step = Check {
            text: check.text,
            name,
            span: node.span.clone(),
            fields,
            rejected: &mut *check.rejected,
        };
        step.only(&STEP, "a step");
        let name = step.text("name");
        let outcome = step.word("outcome", false, StepOutcome::WORDS, StepOutcome::from_word);
        match (name, outcome) {
            (Ok(name), Ok(Some(outcome))) => steps.push((name, outcome)),
            _ => broken = true,
        }
    }
    if broken { Err(()) } else { Ok(steps) }
}

/// The session (its place in the file) whose step a drink was: named by
/// its id, with a step it has, and only for a drink from a session.
fn link(
    check: &mut Check,
    (source, session_id, step_index): (Option<DrinkSource>, Option<i64>, Option<u64>),
    ids: &HashMap<i64, usize>,
    session_nodes: &[Node],
) -> Result<Option<usize>, ()> {
    let name = check.name.clone();
    let span = |key: &str| check.node(key).map(|n| n.span.clone());
    let (id_span, step_span, source_span) =
        (span("session_id"), span("step_index"), span("source"));
    let mut problem = |message: String, at: Option<Range<usize>>| {
        let record = first(&check.span);
        check
            .rejected
            .add(|| Diagnostic::new(format!("{name}: {message}")).at(at.unwrap_or(record)));
        Err(())
    };
    let from_session = source == Some(DrinkSource::Session);
    match (session_id, step_index) {
        (None, None) if from_session => problem(
            "a drink from a session names the session and its step: \"session_id\" and \
             \"step_index\" are missing"
                .to_owned(),
            None,
        ),
        (None, None) => Ok(None),
        (Some(_), None) => problem(
            "\"step_index\" is missing; a drink that names a session names its step too, \
             counted from 0"
                .to_owned(),
            id_span,
        ),
        (None, Some(_)) => problem(
            "\"session_id\" is missing; a drink that names a step names its session too".to_owned(),
            step_span,
        ),
        (Some(id), Some(step)) => {
            if !from_session {
                let word = source.map(DrinkSource::word).unwrap_or_default();
                return problem(
                    format!(
                        "\"source\" is \"{word}\", but the drink names a session's step; a \
                         drink from a session's step has \"source\" \"session\""
                    ),
                    source_span.or(id_span),
                );
            }
            let Some(&index) = ids.get(&id) else {
                return problem(
                    format!(
                        "\"session_id\" is {id}, and no session in this file has that id; it \
                         is the \"id\" of the session whose step the drink was"
                    ),
                    id_span,
                );
            };
            // A session that has problems of its own is told about there.
            let steps =
                match session_nodes.get(index).map(|n| &n.kind) {
                    Some(Kind::Object(fields)) => fields
                        .iter()
                        .find(|f| f.key == "steps")
                        .and_then(|f| match &f.value.kind {
                            Kind::List(items) => Some(items.len()),
                            _ => None,
                        }),
                    _ => None,
                };
            match steps {
                Some(n) if step >= n as u64 => problem(
                    format!(
                        "\"step_index\" is {step}, but session {} has {} (counted from 0)",
                        index + 1,
                        count(n, "step")
                    ),
                    step_span,
                ),
                _ => Ok(Some(index)),
            }
        }
    }
}

// Which records the journal lacks.

/// A session as compared: every field but the id.
#[derive(PartialEq, Eq, Hash)]
struct SessionKey<'a> {
    routine: &'a str,
    title: &'a str,
    relief: bool,
    night: Date,
    started_at: &'a str,
    ended_at: Option<&'a str>,
    outcome: &'static str,
    speed: u64,
    steps: Vec<(&'a str, &'static str)>,
}

fn session_key(s: &SessionRecord) -> SessionKey<'_> {
    SessionKey {
        routine: &s.routine,
        title: &s.title,
        relief: s.relief,
        night: s.night,
        started_at: &s.started_at,
        ended_at: s.ended_at.as_deref(),
        outcome: s.outcome.word(),
        // 0.0 and -0.0 are one speed; no session runs at either.
        speed: (s.speed + 0.0).to_bits(),
        steps: s
            .steps
            .iter()
            .map(|(name, outcome)| (name.as_str(), outcome.word()))
            .collect(),
    }
}

type CrampKey<'a> = (
    Option<Date>,
    &'a str,
    Option<&'static str>,
    Option<&'static str>,
    Option<u32>,
    Option<u8>,
    [bool; 4],
    Option<&'a str>,
    &'a str,
);

fn cramp_key(c: &Cramp) -> CrampKey<'_> {
    (
        c.night,
        &c.at,
        c.leg.map(Leg::word),
        c.muscle.map(Muscle::word),
        c.lasted_s,
        c.pain,
        [c.swelling, c.redness, c.numbness, c.weakness],
        c.note.as_deref(),
        &c.logged_at,
    )
}

/// A drink as compared: every field but the id, with the session it
/// belongs to said as its place in the journal.
type DrinkKey<'a> = (
    Date,
    &'a str,
    u32,
    &'static str,
    Option<Place>,
    Option<u32>,
    &'a str,
);

fn drink_key(d: &Drink, session: Option<Place>) -> DrinkKey<'_> {
    (
        d.night,
        &d.at,
        d.amount_ml,
        d.source.word(),
        session,
        d.step_index,
        &d.logged_at,
    )
}

/// What of `incoming` the journal (`existing`) lacks. A drink for a step
/// of a session the journal holds, where the journal has another drink
/// for that step, cannot be added: that is a problem, named.
pub fn plan<'a>(
    incoming: &'a Incoming,
    existing: &Records,
) -> Result<Additions<'a>, Vec<Diagnostic>> {
    let mut already = 0;
    let mut in_journal: HashMap<SessionKey, VecDeque<i64>> = HashMap::new();
    for s in &existing.sessions {
        in_journal
            .entry(session_key(s))
            .or_default()
            .push_back(s.id);
    }
    // The file's sessions in the order an export lists them.
    let mut order: Vec<usize> = (0..incoming.sessions.len()).collect();
    order.sort_by(|&a, &b| {
        incoming.sessions[a]
            .started_at
            .cmp(&incoming.sessions[b].started_at)
    });
    let mut places = vec![Place::Added(0); incoming.sessions.len()];
    let mut sessions = Vec::new();
    for i in order {
        let session = &incoming.sessions[i];
        match in_journal
            .get_mut(&session_key(session))
            .and_then(VecDeque::pop_front)
        {
            Some(id) => {
                places[i] = Place::Journal(id);
                already += 1;
            }
            None => {
                places[i] = Place::Added(sessions.len());
                sessions.push(session);
            }
        }
    }

    let mut cramps_there: HashMap<CrampKey, usize> = HashMap::new();
    for c in &existing.cramps {
        *cramps_there.entry(cramp_key(c)).or_default() += 1;
    }
    let mut cramps: Vec<&Cramp> = Vec::new();
    for c in &incoming.cramps {
        match cramps_there.get_mut(&cramp_key(c)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                already += 1;
            }
            _ => cramps.push(c),
        }
    }
    cramps.sort_by(|a, b| a.at.cmp(&b.at));

    let mut drinks_there: HashMap<DrinkKey, usize> = HashMap::new();
    let mut steps_there: HashMap<(i64, u32), &Drink> = HashMap::new();
    for d in &existing.drinks {
        let session = d.session_id.map(Place::Journal);
        *drinks_there.entry(drink_key(d, session)).or_default() += 1;
        if let (Some(id), Some(step)) = (d.session_id, d.step_index) {
            steps_there.insert((id, step), d);
        }
    }
    let mut drinks = Vec::new();
    let mut problems = Vec::new();
    for fd in &incoming.drinks {
        let session = fd.session.and_then(|i| places.get(i).copied());
        match drinks_there.get_mut(&drink_key(&fd.drink, session)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                already += 1;
                continue;
            }
            _ => {}
        }
        if let (Some(Place::Journal(id)), Some(step)) = (session, fd.drink.step_index)
            && let Some(there) = steps_there.get(&(id, step))
        {
            let entry = super::store::Entry::Drink(there.id.unwrap_or_default());
            problems.push(
                Diagnostic::new(format!(
                    "{}: the journal holds its session (s{id}), with another drink for \
                     step {step} ({entry}, {} ml at {}); a session's step logs one drink",
                    fd.name, there.amount_ml, there.at
                ))
                .at(first(&fd.span))
                .help(format!(
                    "keep one of the two: `nocturne journal delete {entry}`, or take this \
                     drink out of the file"
                )),
            );
            continue;
        }
        drinks.push((&fd.drink, session));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    drinks.sort_by(|a, b| a.0.at.cmp(&b.0.at));
    Ok(Additions {
        sessions,
        cramps,
        drinks,
        already,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::FileReport;
    use crate::journal::store::{Entry, Journal};
    use serde_json::{Value, json};

    /// A small export: a session of three steps with a drink from its
    /// last, a cramp, and a drink logged by hand.
    fn export() -> Value {
        json!({
            "sessions": [{
                "id": 7,
                "routine": "nightly",
                "title": "Nightly",
                "relief": false,
                "night": "2026-11-20",
                "started_at": "2026-11-20T22:15:00+01:00",
                "ended_at": "2026-11-20T22:18:40+01:00",
                "outcome": "completed",
                "speed": 1.0,
                "steps": [
                    {"name": "Wall calf", "outcome": "done"},
                    {"name": "Hamstring", "outcome": "skipped"},
                    {"name": "Water", "outcome": "done"}
                ]
            }],
            "cramps": [{
                "id": 3,
                "night": "2026-11-20",
                "at": "2026-11-21T03:10:00+01:00",
                "leg": "left",
                "muscle": "calf",
                "lasted_s": 90,
                "pain": 6,
                "swelling": false,
                "redness": false,
                "numbness": false,
                "weakness": false,
                "note": "woke me",
                "logged_at": "2026-11-21T07:00:00+01:00"
            }],
            "drinks": [
                {
                    "id": 4,
                    "night": "2026-11-20",
                    "at": "2026-11-20T22:18:00+01:00",
                    "amount_ml": 250,
                    "source": "session",
                    "session_id": 7,
                    "step_index": 2,
                    "logged_at": "2026-11-20T22:18:00+01:00"
                },
                {
                    "id": 5,
                    "night": "2026-11-20",
                    "at": "2026-11-20T21:00:00+01:00",
                    "amount_ml": 300,
                    "source": "log",
                    "session_id": null,
                    "step_index": null,
                    "logged_at": "2026-11-20T21:00:00+01:00"
                }
            ]
        })
    }

    fn text(value: &Value) -> String {
        serde_json::to_string_pretty(value).unwrap()
    }

    fn problems(value: &Value) -> Vec<String> {
        read(&text(value))
            .unwrap_err()
            .problems
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    /// A change that spoils a good export.
    type Change = fn(&mut Value);

    const CRAMP: &str = "cramp 1 (at 2026-11-21T03:10:00+01:00)";
    const SESSION: &str = "session 1 (started 2026-11-20T22:15:00+01:00)";
    const DRINK: &str = "drink 1 (at 2026-11-20T22:18:00+01:00)";

    #[test]
    fn each_bad_field_is_named_with_what_it_takes() {
        let cases: Vec<(Change, String)> = vec![
            (
                |v| v["cramps"][0]["pain"] = json!(14),
                format!("{CRAMP}: \"pain\" is 14; it is a whole number from 0 to 10, or null"),
            ),
            (
                |v| v["cramps"][0]["pain"] = json!("6"),
                format!("{CRAMP}: \"pain\" is \"6\"; it is a whole number from 0 to 10, or null"),
            ),
            (
                |v| v["cramps"][0]["leg"] = json!("middle"),
                format!(
                    "{CRAMP}: \"leg\" is \"middle\"; it is \"left\", \"right\" or \"both\", \
                     or null"
                ),
            ),
            (
                |v| v["cramps"][0]["swelling"] = json!(null),
                format!("{CRAMP}: \"swelling\" is null; it is true or false"),
            ),
            (
                |v| {
                    v["cramps"][0].as_object_mut().unwrap().remove("at");
                },
                "cramp 1: \"at\" is missing; it is an RFC 3339 time with its offset, such as \
                 \"2026-11-21T03:10:00+01:00\""
                    .to_owned(),
            ),
            (
                |v| v["cramps"][0]["lasted_s"] = json!(-5),
                format!("{CRAMP}: \"lasted_s\" is -5; it is a whole number of seconds, or null"),
            ),
            (
                |v| v["cramps"][0]["note"] = json!(12),
                format!("{CRAMP}: \"note\" is 12; it is text in quotes, or null"),
            ),
            (
                |v| v["sessions"][0]["night"] = json!("20/11/2026"),
                format!(
                    "{SESSION}: \"night\" is \"20/11/2026\"; it is a date written YYYY-MM-DD, \
                     such as \"2026-11-20\""
                ),
            ),
            (
                |v| v["sessions"][0]["ended_at"] = json!("2026-11-20 22:18"),
                format!(
                    "{SESSION}: \"ended_at\" is \"2026-11-20 22:18\"; it is an RFC 3339 time \
                     with its offset, such as \"2026-11-21T03:10:00+01:00\", or null"
                ),
            ),
            (
                |v| v["sessions"][0]["outcome"] = json!("finished"),
                format!(
                    "{SESSION}: \"outcome\" is \"finished\"; it is \"completed\", \
                     \"ended_early\", \"interrupted\" or \"unfinished\""
                ),
            ),
            (
                |v| v["sessions"][0]["speed"] = json!(0),
                format!(
                    "{SESSION}: \"speed\" is 0; it is a number from 0.1 to 1000 (1 for a \
                     session in real time)"
                ),
            ),
            (
                |v| v["sessions"][0]["relief"] = json!("no"),
                format!("{SESSION}: \"relief\" is \"no\"; it is true or false"),
            ),
            (
                |v| v["sessions"][0]["steps"][1]["outcome"] = json!("skip"),
                format!(
                    "{SESSION}, step 2: \"outcome\" is \"skip\"; it is \"done\", \"skipped\" \
                     or \"unfinished\""
                ),
            ),
            (
                |v| v["sessions"][0]["steps"][0]["hold"] = json!(30),
                format!("{SESSION}, step 1: unknown field \"hold\""),
            ),
            (
                |v| v["drinks"][0]["amount_ml"] = json!(2500),
                format!(
                    "{DRINK}: \"amount_ml\" is 2500; it is a whole number of millilitres from 1 \
                     to 2000"
                ),
            ),
            (
                |v| v["drinks"][1]["source"] = json!("tap"),
                "drink 2 (at 2026-11-20T21:00:00+01:00): \"source\" is \"tap\"; it is \
                 \"log\", \"reminder\" or \"session\""
                    .to_owned(),
            ),
            (
                |v| v["drinks"][0]["session_id"] = json!(99),
                format!(
                    "{DRINK}: \"session_id\" is 99, and no session in this file has that id; \
                     it is the \"id\" of the session whose step the drink was"
                ),
            ),
            (
                |v| v["drinks"][0]["step_index"] = json!(3),
                format!("{DRINK}: \"step_index\" is 3, but session 1 has 3 steps (counted from 0)"),
            ),
            (
                |v| v["drinks"][0]["session_id"] = json!(null),
                format!(
                    "{DRINK}: \"session_id\" is missing; a drink that names a step names its \
                     session too"
                ),
            ),
            (
                |v| v["drinks"][1]["session_id"] = json!(7),
                "drink 2 (at 2026-11-20T21:00:00+01:00): \"step_index\" is missing; a drink \
                 that names a session names its step too, counted from 0"
                    .to_owned(),
            ),
            (
                |v| v["cramps"][0]["colour"] = json!("red"),
                format!("{CRAMP}: unknown field \"colour\""),
            ),
            (
                |v| v["notes"] = json!([]),
                "the file: unknown field \"notes\"".to_owned(),
            ),
            (
                |v| v["cramps"] = json!({}),
                "the file: \"cramps\" is an object; it is a list of cramps".to_owned(),
            ),
            (
                |v| v["cramps"][0] = json!(3),
                "cramp 1 is 3; each cramp is an object, as the JSON that `nocturne journal \
                 export --format json` writes"
                    .to_owned(),
            ),
        ];
        for (change, expected) in cases {
            let mut value = export();
            change(&mut value);
            assert_eq!(problems(&value), [expected]);
        }
        // An unknown field is met with the fields there are.
        let mut value = export();
        value["cramps"][0]["colour"] = json!("red");
        let refused = read(&text(&value)).unwrap_err();
        assert_eq!(
            refused.problems[0].help.as_deref(),
            Some(
                "a cramp has id, night, at, leg, muscle, lasted_s, pain, swelling, redness, \
                 numbness, weakness, note, logged_at"
            )
        );
    }

    #[test]
    fn half_a_surrogate_pair_is_pointed_at() {
        let mut value = export();
        value["cramps"][0]["note"] = json!("MARK");
        let text = text(&value).replace("MARK", "\\ud800");
        let refused = read(&text).unwrap_err();
        let problem = &refused.problems[0];
        assert_eq!(
            problem.message,
            "this is not valid JSON: a text here holds an escape that names no character"
        );
        let at = problem.span.clone().unwrap().start;
        assert_eq!(text.get(at..at + 8), Some("\"\\ud800\""));
    }

    #[test]
    fn a_problem_names_the_file_line_and_column() {
        let mut value = export();
        value["cramps"][0]["pain"] = json!(14);
        let text = text(&value);
        let report = FileReport {
            path: "backup.json".into(),
            diagnostics: read(&text).unwrap_err().problems,
            text,
        };
        assert_eq!(
            report.first_problem(),
            format!(
                "backup.json:37:15: {CRAMP}: \"pain\" is 14; it is a whole number from 0 to \
                 10, or null"
            )
        );
        let broken = "{\n  \"sessions\": [],\n  \"cramps\": [,]\n}\n";
        let report = FileReport {
            path: "backup.json".into(),
            diagnostics: read(broken).unwrap_err().problems,
            text: broken.into(),
        };
        assert_eq!(
            report.first_problem(),
            "backup.json:3:14: this is not valid JSON: expected value"
        );
    }

    #[test]
    fn every_problem_is_told_at_once_and_the_rest_counted() {
        let mut value = export();
        value["cramps"][0]["pain"] = json!(11);
        value["cramps"][0]["leg"] = json!("lft");
        value["sessions"][0]["id"] = json!("seven");
        let found = problems(&value);
        assert_eq!(found.len(), 4, "{found:#?}");
        // In the order of the file: the session's id, then the drink that
        // can no longer find it, then the cramp's fields.
        assert!(found[0].starts_with(&format!("{SESSION}: \"id\" is \"seven\"")));
        assert!(found[1].contains("cramp 1") && found[1].contains("\"leg\""));
        let many = json!({
            "sessions": [],
            "cramps": vec![json!({}); 30],
        });
        let rejected = read(&text(&many)).unwrap_err();
        assert_eq!(rejected.problems.len(), MOST_SHOWN);
        assert_eq!(rejected.problems.len() + rejected.more, 30 * 7);
    }

    #[test]
    fn a_field_twice_and_a_session_id_twice_are_refused() {
        let text = r#"{"sessions": [], "cramps": [], "cramps": []}"#;
        let found: Vec<String> = read(text)
            .unwrap_err()
            .problems
            .into_iter()
            .map(|d| d.message)
            .collect();
        assert_eq!(found, ["the file: \"cramps\" is given twice"]);
        let mut value = export();
        let twin = value["sessions"][0].clone();
        value["sessions"].as_array_mut().unwrap().push(twin);
        assert_eq!(
            problems(&value),
            [
                "session 2 (started 2026-11-20T22:15:00+01:00): \"id\" 7 is also the id \
                     of session 1; each session's id is its own, so that its drinks can name it"
            ]
        );
        let mut value = export();
        let again = value["drinks"][0].clone();
        value["drinks"].as_array_mut().unwrap().push(again);
        assert_eq!(
            problems(&value),
            [
                "drink 3 (at 2026-11-20T22:18:00+01:00): step 2 of session 1 already has a \
                 drink (drink 1); a session's step logs one drink"
            ]
        );
    }

    #[test]
    fn an_export_from_before_drinks_has_none() {
        let mut value = export();
        value.as_object_mut().unwrap().remove("drinks");
        let incoming = read(&text(&value)).unwrap();
        assert_eq!(incoming.sessions.len(), 1);
        assert_eq!(incoming.cramps.len(), 1);
        assert!(incoming.drinks.is_empty());
        // The ids of the file are not kept.
        assert_eq!(incoming.cramps[0].id, None);
    }

    fn journal() -> (tempfile::TempDir, Journal) {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::open(&dir.path().join("journal.sqlite")).unwrap();
        (dir, journal)
    }

    fn everything(journal: &Journal) -> Records {
        Records {
            sessions: journal.sessions().unwrap(),
            cramps: journal.cramps().unwrap(),
            drinks: journal.drinks().unwrap(),
        }
    }

    #[test]
    fn a_record_twice_in_the_file_goes_in_as_often_as_the_journal_lacks_it() {
        let mut value = export();
        let cramp = value["cramps"][0].clone();
        value["cramps"].as_array_mut().unwrap().push(cramp);
        let drink = value["drinks"][1].clone();
        value["drinks"].as_array_mut().unwrap().push(drink);
        let incoming = read(&text(&value)).unwrap();
        let (_dir, mut journal) = journal();
        let first = journal.import(&incoming).unwrap().unwrap();
        assert_eq!(
            first,
            Summary {
                sessions: 1,
                cramps: 2,
                drinks: 3,
                already: 0
            }
        );
        let again = journal.import(&incoming).unwrap().unwrap();
        assert_eq!(
            again,
            Summary {
                already: 6,
                ..Summary::default()
            }
        );
        // One of the twins removed: only it comes back.
        let cramps = journal.cramps().unwrap();
        assert!(journal.delete(Entry::Cramp(cramps[1].id.unwrap())).unwrap());
        let restored = journal.import(&incoming).unwrap().unwrap();
        assert_eq!((restored.cramps, restored.already), (1, 5));
        assert_eq!(journal.cramps().unwrap().len(), 2);
        assert_eq!(journal.drinks().unwrap().len(), 3);
    }

    #[test]
    fn a_session_drink_goes_to_its_session_in_this_journal() {
        let (_dir, mut journal) = journal();
        // The journal holds the file's session already, and another
        // before it, so that the numbers differ from the file's.
        let mut before = export();
        before["sessions"][0]["started_at"] = json!("2026-11-19T22:15:00+01:00");
        before["cramps"] = json!([]);
        before["drinks"] = json!([]);
        let mut only_session = export();
        only_session["cramps"] = json!([]);
        only_session["drinks"] = json!([]);
        for value in [&before, &only_session] {
            journal
                .import(&read(&text(value)).unwrap())
                .unwrap()
                .unwrap();
        }
        let held = journal.sessions().unwrap()[1].id;
        // The file: that session and a new one, each with a drink.
        let mut value = export();
        let mut new = value["sessions"][0].clone();
        new["id"] = json!(8);
        new["started_at"] = json!("2026-11-21T22:15:00+01:00");
        new["night"] = json!("2026-11-21");
        value["sessions"].as_array_mut().unwrap().push(new);
        let mut drink = value["drinks"][0].clone();
        drink["session_id"] = json!(8);
        drink["at"] = json!("2026-11-21T22:18:00+01:00");
        value["drinks"].as_array_mut().unwrap().push(drink);
        let summary = journal
            .import(&read(&text(&value)).unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(
            (summary.sessions, summary.drinks, summary.already),
            (1, 3, 1)
        );
        let sessions = journal.sessions().unwrap();
        let added = sessions[2].id;
        assert_eq!(sessions[2].started_at, "2026-11-21T22:15:00+01:00");
        let linked: Vec<Option<i64>> = journal
            .drinks()
            .unwrap()
            .iter()
            .map(|d| d.session_id)
            .collect();
        assert_eq!(linked, [None, Some(held), Some(added)]);
    }

    #[test]
    fn a_step_with_another_drink_in_the_journal_stops_the_import_with_nothing_written() {
        let (_dir, mut journal) = journal();
        journal
            .import(&read(&text(&export())).unwrap())
            .unwrap()
            .unwrap();
        let before = everything(&journal);
        let mut value = export();
        value["drinks"][0]["amount_ml"] = json!(300);
        value["cramps"][0]["pain"] = json!(2);
        let problems = journal
            .import(&read(&text(&value)).unwrap())
            .unwrap()
            .unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].message,
            format!(
                "{DRINK}: the journal holds its session (s1), with another drink for step 2 \
                 (d2, 250 ml at 2026-11-20T22:18:00+01:00); a session's step logs one drink"
            )
        );
        // The new cramp was not written either.
        assert_eq!(everything(&journal), before);
    }

    #[test]
    fn a_bad_file_leaves_the_journal_as_it_was() {
        let (dir, mut journal) = journal();
        journal
            .import(&read(&text(&export())).unwrap())
            .unwrap()
            .unwrap();
        let path = dir.path().join("journal.sqlite");
        let before = everything(&journal);
        let mut value = export();
        value["cramps"][0]["at"] = json!("3am");
        assert!(read(&text(&value)).is_err());
        // Nothing reached the store; a dry run of a good file writes
        // nothing either.
        let mut more = export();
        more["cramps"][0]["pain"] = json!(1);
        let incoming = read(&text(&more)).unwrap();
        let summary = crate::journal::import(&path, &incoming, true)
            .unwrap()
            .unwrap();
        assert_eq!((summary.cramps, summary.already), (1, 3));
        assert_eq!(everything(&journal), before);
    }

    #[test]
    fn what_an_import_says() {
        let summary = Summary {
            sessions: 40,
            cramps: 12,
            drinks: 55,
            already: 3,
        };
        assert_eq!(
            said(summary, "backup.json", false),
            "Added 40 sessions, 12 cramps and 55 drinks from backup.json (3 were already in \
             the journal).\n"
        );
        assert_eq!(
            said(summary, "backup.json", true),
            "Would add 40 sessions, 12 cramps and 55 drinks from backup.json (3 are already \
             in the journal); nothing was written (--dry-run).\n"
        );
        let none = Summary {
            already: 110,
            ..Summary::default()
        };
        assert_eq!(
            said(none, "backup.json", false),
            "Nothing to add: all 110 records in backup.json are already in the journal.\n"
        );
        assert_eq!(
            said(Summary::default(), "empty.json", false),
            "Nothing to add: empty.json holds no records.\n"
        );
    }

    #[test]
    fn no_text_makes_it_panic() {
        for text in [
            "",
            "\"",
            "{",
            "[[[[[[[[[[[[[[[[[[[[",
            "{\"sessions\": [{\"steps\": [1, {}, null]}], \"cramps\": [null]}",
            "{\"sessions\": 1e999, \"cramps\": -0}",
            "{\"sessions\": [], \"cramps\": [], \"drinks\": [{\"session_id\": 1, \"step_index\": 1e3}]}",
            "\u{feff}{}",
            "{\"sessions\": [], \"cramps\": [{\"note\": \"\\ud800\"}]}",
        ] {
            assert!(read(text).is_err(), "{text}");
        }
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(read(&deep).is_err());
    }
}
