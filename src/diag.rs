//! Problems found in a user's file, shown the way a compiler shows them:
//! the file, line and column, the line itself with a caret under the fault,
//! and what would have been accepted.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::ops::Range;

/// One problem at one place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub message: String,
    /// Byte range in the file's text; `None` when no place in the text is
    /// to blame (the file cannot be read at all).
    pub span: Option<Range<usize>>,
    /// Short text printed after the caret.
    pub label: Option<String>,
    /// What would be accepted, printed below the excerpt.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            message: message.into(),
            span: None,
            label: None,
            help: None,
        }
    }

    pub fn at(mut self, span: Range<usize>) -> Self {
        self.span = Some(span);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Puts problems in the order of the file, so they read from top to
/// bottom; problems with no place come first.
pub fn in_file_order(problems: &mut [Diagnostic]) {
    problems.sort_by_key(|d| d.span.as_ref().map(|s| s.start));
}

/// Every problem found in one file, with the text needed to show them.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: String,
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// Line and column (both from 1) of a byte offset, counting columns in
/// characters so a caret lines up under non-ASCII text.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset.min(text.len()));
    let before = &text[..offset];
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The longest stretch of a line shown around a caret; longer lines are cut
/// so a minified or corrupt file cannot flood the terminal.
const WINDOW: usize = 100;

/// The widest the caret line grows, carets and label together, when the
/// label allows.
const CARET_LINE: usize = 150;

/// At most this many problems are shown for one file; a file with
/// thousands is the wrong file, and listing them all would take long.
const MOST_SHOWN: usize = 20;

/// The most characters of a user's value quoted in a message; a longer
/// value is cut, with an ellipsis, as the excerpt line is.
pub const QUOTED: usize = 60;

/// A value from the user's file or command line, ready to quote in a
/// message: cut to about [`QUOTED`] characters, on one line.
pub fn short(value: &str) -> String {
    let one_line: String = value
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    if one_line.chars().count() <= QUOTED {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(QUOTED - 1).collect();
    cut.push('…');
    cut
}

/// Text for the terminal: control characters (escape sequences above all)
/// become U+FFFD, so nothing a user's file holds can steer the terminal.
/// Line breaks are kept.
pub fn clean(text: &str) -> Cow<'_, str> {
    if text.chars().any(|c| c.is_control() && c != '\n') {
        Cow::Owned(
            text.chars()
                .map(|c| {
                    if c.is_control() && c != '\n' {
                        '\u{fffd}'
                    } else {
                        c
                    }
                })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    }
}

impl FileReport {
    /// The first problem on one line: "PATH:LINE:COL: message".
    pub fn first_problem(&self) -> String {
        let path = clean(&self.path);
        let Some(first) = self.diagnostics.first() else {
            return path.into_owned();
        };
        let message = clean(&first.message);
        match &first.span {
            Some(span) => {
                let (line, col) = line_col(&self.text, span.start);
                format!("{path}:{line}:{col}: {message}")
            }
            None => format!("{path}: {message}"),
        }
    }

    pub fn render(&self, paint: impl Into<crate::theme::Paint>) -> String {
        let paint = paint.into();
        let mut out = String::new();
        let starts = line_starts(&self.text);
        for (i, diagnostic) in self.diagnostics.iter().take(MOST_SHOWN).enumerate() {
            if i > 0 {
                out.push('\n');
            }
            self.render_one(diagnostic, &starts, paint, &mut out);
        }
        if self.diagnostics.len() > MOST_SHOWN {
            let _ = writeln!(
                out,
                "\n... and {} more problems in {}",
                self.diagnostics.len() - MOST_SHOWN,
                clean(&self.path)
            );
        }
        out
    }

    fn render_one(
        &self,
        d: &Diagnostic,
        starts: &[usize],
        paint: crate::theme::Paint,
        out: &mut String,
    ) {
        let error = paint.error();
        let gutter = paint.gutter();
        let caret = paint.error();
        let bold = paint.title();

        let _ = writeln!(
            out,
            "{}{}",
            error.apply_to("error"),
            bold.apply_to(format!(": {}", clean(&d.message)))
        );
        let path = clean(&self.path);
        let help = d.help.as_deref().map(clean);
        let Some(span) = &d.span else {
            let _ = writeln!(out, "  {} {path}", gutter.apply_to("-->"));
            if let Some(help) = help {
                let help = wrap_help(&help, 10);
                let _ = writeln!(out, "  {} help: {help}", gutter.apply_to("="));
            }
            return;
        };

        let offset = floor_char_boundary(&self.text, span.start.min(self.text.len()));
        let line_index = starts.partition_point(|start| *start <= offset) - 1;
        let line_start = starts[line_index];
        let line_end = self.text[line_start..]
            .find('\n')
            .map_or(self.text.len(), |i| line_start + i);
        let line_text = self.text[line_start..line_end].trim_end_matches('\r');
        let line_no = line_index + 1;
        let col = self.text[line_start..offset].chars().count() + 1;
        let number = line_no.to_string();
        let pad = " ".repeat(number.len());
        let (shown, caret_at, caret_len) = excerpt(line_text, col - 1, span.len());

        let bar = gutter.apply_to("|");
        let _ = writeln!(
            out,
            "{pad}{} {path}:{line_no}:{col}",
            gutter.apply_to("-->")
        );
        let _ = writeln!(out, "{pad} {bar}");
        let _ = writeln!(out, "{} {bar} {shown}", gutter.apply_to(&number));
        // The caret line stays short enough to read: a long label takes
        // room from the carets, and a very long one gets a line of its own.
        let label = d.label.as_deref().map(clean);
        let label_width = label.as_deref().map_or(0, |l| l.chars().count() + 1);
        let room = CARET_LINE.saturating_sub(caret_at + label_width);
        let own_line = room == 0;
        let caret_len = if own_line {
            caret_len
        } else {
            caret_len.min(room)
        };
        let marks = caret.apply_to(format!(
            "{}{}",
            "^".repeat(caret_len),
            label
                .as_deref()
                .filter(|_| !own_line)
                .map(|l| format!(" {l}"))
                .unwrap_or_default()
        ));
        let _ = writeln!(out, "{pad} {bar} {}{marks}", " ".repeat(caret_at));
        if let Some(label) = label.filter(|_| own_line) {
            let _ = writeln!(out, "{pad} {bar} {}", caret.apply_to(label));
        }
        if let Some(help) = help {
            let help = wrap_help(&help, pad.len() + 9);
            let _ = writeln!(out, "{pad} {} help: {help}", gutter.apply_to("="));
        }
    }
}

/// Where each line of `text` starts, so each problem finds its line by a
/// binary search rather than a walk from the top.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The part of `line` worth showing, cleaned of control characters, with
/// the display column and width of the caret under character `col`.
fn excerpt(line: &str, col: usize, span_bytes: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    let col = col.min(chars.len());
    let start = col.saturating_sub(WINDOW / 2);
    let end = (start + WINDOW).min(chars.len());

    let mut shown = String::new();
    let mut caret_at = 0;
    if start > 0 {
        shown.push('…');
        caret_at += 1;
    }
    for (i, c) in chars[start..end].iter().enumerate() {
        let text = visible(*c);
        if start + i < col {
            caret_at += console::measure_text_width(&text);
        }
        shown.push_str(&text);
    }
    if end < chars.len() {
        shown.push('…');
    }

    // The caret covers the span, but never runs past the shown line.
    let from = chars[..col].iter().map(|c| c.len_utf8()).sum::<usize>();
    let span_chars = line[from..]
        .char_indices()
        .take_while(|(i, _)| *i < span_bytes)
        .count();
    let room = end.saturating_sub(col).max(1);
    (shown, caret_at, span_chars.clamp(1, room))
}

fn visible(c: char) -> String {
    match c {
        '\t' => "    ".to_owned(),
        c if c.is_control() => "\u{fffd}".to_owned(),
        c => c.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(text: &str, d: Diagnostic) -> String {
        FileReport {
            path: "mine.toml".into(),
            text: text.into(),
            diagnostics: vec![d],
        }
        .render(false)
    }

    #[test]
    fn points_at_the_line_and_column() {
        let text = "name = \"x\"\n\n[[steps]]\nholds = \"10s\"\n";
        let at = text.find("holds").unwrap();
        let shown = report(
            text,
            Diagnostic::new("unknown key `holds` in step 1")
                .at(at..at + 5)
                .label("did you mean `hold`?")
                .help("a step takes name, hold"),
        );
        assert_eq!(
            shown,
            "error: unknown key `holds` in step 1\n \
             --> mine.toml:4:1\n  \
             |\n\
             4 | holds = \"10s\"\n  \
             | ^^^^^ did you mean `hold`?\n  \
             = help: a step takes name, hold\n"
        );
    }

    #[test]
    fn counts_columns_in_characters() {
        assert_eq!(line_col("é = 1\nab", 7), (2, 1));
        assert_eq!(line_col("é = 1\nab", 8), (2, 2));
        assert_eq!(line_col("ab", 99), (1, 3));
    }

    #[test]
    fn cleans_and_cuts_what_it_shows() {
        let long = format!("x = \"{}\u{1b}[2J\"", "a".repeat(500));
        let at = long.find('\u{1b}').unwrap();
        let shown = report(&long, Diagnostic::new("bad").at(at..at + 1));
        assert!(!shown.contains('\u{1b}'), "{shown}");
        assert!(shown.contains('\u{fffd}'));
        assert!(shown.lines().all(|l| l.chars().count() < 130), "{shown}");
    }
}

/// The accepted word closest to a mistyped one, when it is close enough
/// to be a likely slip rather than a different idea.
pub fn closest<'a>(word: &str, accepted: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_lowercase();
    accepted
        .into_iter()
        .map(|candidate| {
            (
                strsim::jaro_winkler(&word, &candidate.to_lowercase()),
                candidate,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// A help line too long for a terminal is broken at spaces, the lines
/// after the first indented by `indent`, under the first one's words.
fn wrap_help(help: &str, indent: usize) -> String {
    const WIDTH: usize = 150;
    if help.chars().count() <= WIDTH {
        return help.to_owned();
    }
    let mut lines: Vec<String> = vec![String::new()];
    for word in help.split(' ') {
        let last = lines.len() - 1;
        let line = &mut lines[last];
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > WIDTH - 12 {
            lines.push(word.to_owned());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join(&format!("\n{}", " ".repeat(indent)))
}

/// "a, b or c" for help lines.
pub fn one_of(words: &[&str]) -> String {
    match words {
        [] => String::new(),
        [one] => format!("`{one}`"),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(|w| format!("`{w}`")).collect();
            format!("{} or `{last}`", init.join(", "))
        }
    }
}

#[cfg(test)]
mod suggestion_tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let keys = ["name", "hold", "reps", "relax", "sides"];
        assert_eq!(closest("holds", keys), Some("hold"));
        assert_eq!(closest("rep", keys), Some("reps"));
        assert_eq!(closest("Side", keys), Some("sides"));
        assert_eq!(closest("colour", keys), None);
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
