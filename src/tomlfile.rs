//! Reading a user's TOML file without trusting it: bounded in size, checked
//! for UTF-8, parsed with the position of every key kept, and checked for
//! keys the program does not know, so a misspelt key is never silently
//! ignored.

use std::path::Path;

use std::ops::Range;
use toml::Spanned;

use toml::de::{DeArray, DeTable, DeValue};

use crate::diag::{Diagnostic, FileReport, closest, one_of, short};
use crate::util::{ReadError, read_at_most};
// I/O errors are worded by the helpers shared by every part.
use crate::util::io_reason;

/// No routine or settings file is anywhere near this; anything larger is a
/// mistake (the wrong file) and is refused before it is read into memory.
pub const MAX_BYTES: u64 = 1024 * 1024;

/// Reads `path` as text, or explains why it cannot be used.
pub fn read(path: &Path) -> Result<String, FileReport> {
    let display = path.display().to_string();
    let fail = |d: Diagnostic| FileReport {
        path: display.clone(),
        text: String::new(),
        diagnostics: vec![d],
    };

    let bytes = read_at_most(path, MAX_BYTES).map_err(|e| {
        fail(match e {
            ReadError::Io(e) => {
                Diagnostic::new(format!("cannot read this file: {}", io_reason(&e)))
            }
            ReadError::NotAFile => {
                Diagnostic::new("this is not a regular file").help("give the path of a .toml file")
            }
            ReadError::TooLarge => Diagnostic::new("this file is larger than 1 MiB")
                .help("routine and settings files are small text files; check the path"),
        })
    })?;
    text_from_bytes(bytes).map_err(|(text, d)| FileReport {
        path: display.clone(),
        text,
        diagnostics: vec![d],
    })
}

/// Reads `path` and checks its text with `check`; any problem comes back
/// with the text, so it can be shown in place.
pub fn load<T>(
    path: &Path,
    check: impl FnOnce(&str) -> Result<T, Vec<Diagnostic>>,
) -> Result<T, FileReport> {
    let text = read(path)?;
    check(&text).map_err(|diagnostics| FileReport {
        path: path.display().to_string(),
        text,
        diagnostics,
    })
}

/// Text from raw bytes; on failure, the text as far as it could be read and
/// a diagnostic pointing at the first byte that is not UTF-8.
pub fn text_from_bytes(bytes: Vec<u8>) -> Result<String, (String, Diagnostic)> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        let d = Diagnostic::new("this file is not UTF-8 text")
            .at(at..at + 1)
            .label("this byte is not valid UTF-8")
            .help("save the file as UTF-8 (plain text)");
        (text, d)
    })
}

/// Parses TOML, keeping the span of every key and value.
pub fn parse(text: &str) -> Result<Spanned<DeTable<'_>>, Diagnostic> {
    DeTable::parse(text).map_err(|e| {
        let message = e.message().trim().replace('\n', "; ");
        let d = Diagnostic::new(format!(
            "this is not valid TOML: {}",
            short_message(&message)
        ));
        match e.span().or_else(|| deepest_line(text)) {
            Some(span) => d.at(span),
            None => d,
        }
    })
}

/// The parser gives no place when nesting goes too deep (keys dotted
/// thousands of times): the line that nests most is the place to look.
fn deepest_line(text: &str) -> Option<Range<usize>> {
    let mut start = 0;
    let mut best: Option<(usize, Range<usize>)> = None;
    for line in text.split_inclusive('\n') {
        let depth = line
            .bytes()
            .filter(|b| matches!(b, b'.' | b'[' | b'{'))
            .count();
        if best.as_ref().is_none_or(|(most, _)| depth > *most) {
            best = Some((depth, start..start + line.trim_end().len().max(1)));
        }
        start += line.len();
    }
    best.map(|(_, span)| span)
}

/// A value of the wrong type, as serde found it, said in the user's terms:
/// which key, what was found, what the key takes.
pub fn type_problem(e: &toml::de::Error, text: &str) -> Diagnostic {
    let message = e.message().trim().replace('\n', "; ");
    let Some(span) = e.span() else {
        return Diagnostic::new(short_message(&message));
    };
    let key = key_before(text, span.start);
    let d = match message
        .strip_prefix("invalid type: ")
        .and_then(|rest| rest.split_once(", expected "))
    {
        Some((found, expected)) => {
            let subject = key.map_or("this value".to_owned(), |k| format!("`{}`", short(k)));
            let expected = match expected {
                "a sequence" => "a list",
                "a boolean" => "`true` or `false`",
                "a string" => "text in quotes",
                other if other.starts_with("struct ") => "a table",
                other => other,
            };
            Diagnostic::new(format!("{subject} should be {expected}"))
                .label(format!("this is {}", article(&short(found))))
        }
        None => match key {
            Some(k) => Diagnostic::new(format!("`{}`: {}", short(k), short_message(&message))),
            None => Diagnostic::new(short_message(&message)),
        },
    };
    d.at(span)
}

/// Reads `document` as `T`, reporting every value of the wrong type, not
/// only the first: serde stops at the first, so each one found is taken
/// out of the document and the rest read again. `None` when any was found.
pub fn deserialize_all<T: serde::de::DeserializeOwned>(
    mut document: Spanned<DeTable<'_>>,
    text: &str,
    problems: &mut Vec<Diagnostic>,
) -> Option<T> {
    // A bound on the rounds, so a file of thousands of wrong values
    // cannot make it slow; the report shows only the first twenty anyway.
    for _ in 0..50 {
        match T::deserialize(toml::de::Deserializer::from(document.clone())) {
            Ok(value) => return Some(value),
            Err(e) => {
                problems.push(type_problem(&e, text));
                match e.span() {
                    Some(at) if drop_in_table(document.get_mut(), &at) => {}
                    _ => return None,
                }
            }
        }
    }
    None
}

/// Takes out of `table` the innermost value at `at`; false if none is.
fn drop_in_table(table: &mut DeTable<'_>, at: &Range<usize>) -> bool {
    let keys: Vec<String> = table.keys().map(|k| k.get_ref().to_string()).collect();
    for key in keys {
        let Some(value) = table.get_mut(key.as_str()) else {
            continue;
        };
        if drop_in_value(value.get_mut(), at) {
            return true;
        }
        if holds(&value.span(), at) {
            table.remove(key.as_str());
            return true;
        }
    }
    false
}

fn drop_in_value(value: &mut DeValue<'_>, at: &Range<usize>) -> bool {
    match value {
        DeValue::Table(table) => drop_in_table(table, at),
        DeValue::Array(items) => {
            for i in 0..items.len() {
                if drop_in_value(items.as_mut()[i].get_mut(), at) {
                    return true;
                }
                if holds(&items[i].span(), at) {
                    let kept = std::mem::replace(items, DeArray::new())
                        .into_iter()
                        .enumerate()
                        .filter_map(|(j, item)| (j != i).then_some(item))
                        .collect();
                    *items = kept;
                    return true;
                }
            }
            false
        }
        _ => false,
    }
}

fn holds(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end && outer.start < outer.end
}

/// The key on the same line just before a value, as in `reps = "three"`.
fn key_before(text: &str, at: usize) -> Option<&str> {
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..at]
        .trim_end()
        .strip_suffix('=')?
        .trim_end();
    let key = before.rsplit([' ', '{', ',', '.']).next()?;
    (!key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-'))
    .then_some(key)
}

/// A message made by a parser, which may quote the user's text: at most
/// a line's worth of it.
fn short_message(message: &str) -> String {
    const MOST: usize = 150;
    if message.chars().count() <= MOST {
        return message.to_owned();
    }
    let mut cut: String = message.chars().take(MOST - 1).collect();
    cut.push('…');
    cut
}

/// "string \"three\"" becomes "a string \"three\"".
fn article(found: &str) -> String {
    let starts_with_vowel = found.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {found}", if starts_with_vowel { "an" } else { "a" })
}

/// Reports every key of `table` that is not in `accepted`, suggesting the
/// nearest accepted key when one is close.
pub fn unknown_keys(
    table: &DeTable<'_>,
    accepted: &[&str],
    owner: &str,
    place: &str,
    out: &mut Vec<Diagnostic>,
) {
    unknown_keys_but(table, accepted, &[], owner, place, out);
}

/// As [`unknown_keys`], leaving out the keys in `told`, which the caller
/// has already explained.
pub fn unknown_keys_but(
    table: &DeTable<'_>,
    accepted: &[&str],
    told: &[&str],
    owner: &str,
    place: &str,
    out: &mut Vec<Diagnostic>,
) {
    let mut unknown: Vec<&Spanned<std::borrow::Cow<'_, str>>> = table
        .keys()
        .filter(|k| {
            let k = k.get_ref().as_ref();
            !accepted.contains(&k) && !told.contains(&k)
        })
        .collect();
    unknown.sort_by_key(|k| k.span().start);
    for key in unknown {
        let name = key.get_ref().as_ref();
        let label = match closest(name, accepted.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => "not a key nocturne knows".to_owned(),
        };
        out.push(
            Diagnostic::new(format!("unknown key `{}` {place}", short(name)))
                .at(key.span())
                .label(label)
                .help(format!("{owner} accepts {}", one_of(accepted))),
        );
    }
}

/// Where keys of the file's top level may turn up inside an array of
/// tables: TOML puts every line after a `[[table]]` header into that table.
#[derive(Debug)]
pub struct Misplaced<'k> {
    /// Keys of the top level.
    pub outer: &'k [&'k str],
    /// Keys the inner table accepts.
    pub inner: &'k [&'k str],
    /// What an outer key is, as in "a setting".
    pub what: &'k str,
    /// The header, as in "[[reminders]]".
    pub table: &'k str,
    /// What one inner table is called, as in "reminder".
    pub kind: &'k str,
    /// Which of them, counted from 1.
    pub number: usize,
    /// Where the outer keys go, as in "settings go".
    pub go: &'k str,
}

/// Top-level keys written after an array-of-tables header, which TOML
/// puts inside that table: each is told to move above the first header,
/// rather than called unknown. Returns the keys so explained.
pub fn misplaced<'a>(
    table: &'a DeTable<'_>,
    m: &Misplaced<'_>,
    out: &mut Vec<Diagnostic>,
) -> Vec<&'a str> {
    let mut keys: Vec<&Spanned<std::borrow::Cow<'_, str>>> = table
        .keys()
        .filter(|k| {
            let k = k.get_ref().as_ref();
            m.outer.contains(&k) && !m.inner.contains(&k)
        })
        .collect();
    keys.sort_by_key(|k| k.span().start);
    let mut told = Vec::new();
    for key in keys {
        let name = key.get_ref().as_ref();
        out.push(
            Diagnostic::new(format!(
                "`{name}` is {}, but here it belongs to {} {}",
                m.what, m.kind, m.number
            ))
            .at(key.span())
            .label(format!("move this line above the first {}", m.table))
            .help(format!(
                "everything after a {} line belongs to that {}; {} at the top of the \
                 file, before the first {}",
                m.table, m.kind, m.go, m.table
            )),
        );
        told.push(name);
    }
    told
}

/// One of a fixed set of words, with a suggestion when it is misspelt.
pub fn choice<T>(
    field: &str,
    raw: &Spanned<String>,
    parse: impl Fn(&str) -> Option<T>,
    accepted: &[&str],
) -> Result<T, Diagnostic> {
    let word = raw.get_ref();
    if let Some(value) = parse(word) {
        return Ok(value);
    }
    let label = match closest(word, accepted.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("not a {field} nocturne knows"),
    };
    Err(
        Diagnostic::new(format!("unknown {field} `{}`", short(word)))
            .at(raw.span())
            .label(label)
            .help(format!("{field} is one of {}", one_of(accepted))),
    )
}
