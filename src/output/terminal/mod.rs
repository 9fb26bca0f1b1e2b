//! What the user sees on stderr during a session. On a terminal large
//! enough, a full-screen view with the countdown in large digits, readable
//! from the floor (`big`); on a smaller one, progress bars with a countdown
//! (`compact`); anywhere else (a log file, a pipe, a dumb terminal, or when
//! asked), one plain line per segment with no escape codes, a format
//! scripts may rely on.

mod big;
mod compact;
mod font;
pub mod frame;

use std::io::Write;

use super::{Failure, Output};
use crate::plan::{Phase, Plan, Segment};
use crate::session::{Event, Speed, StepOutcome, Summary};
use crate::theme::Paint;
use crate::util::{clock, human};

/// How a session is drawn: `--view` or the `view` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum View {
    /// The big view where the terminal is large enough, else compact.
    #[default]
    Auto,
    Big,
    Compact,
    Plain,
}

impl View {
    pub const NAMES: [&'static str; 4] = ["auto", "big", "compact", "plain"];

    pub fn parse(word: &str) -> Option<View> {
        match word.trim() {
            "auto" => Some(View::Auto),
            "big" => Some(View::Big),
            "compact" => Some(View::Compact),
            "plain" => Some(View::Plain),
            _ => None,
        }
    }

    /// The view to draw: `redraw` says whether stderr is a terminal that
    /// can redraw, `size` its columns and rows.
    pub fn choose(self, redraw: bool, size: Option<(u16, u16)>) -> View {
        if !redraw {
            return View::Plain;
        }
        match self {
            View::Auto => match size {
                Some((columns, rows))
                    if columns >= frame::MIN_COLUMNS && rows >= frame::MIN_ROWS =>
                {
                    View::Big
                }
                _ => View::Compact,
            },
            chosen => chosen,
        }
    }
}

/// How the terminal looks, decided once from the flags, settings and
/// environment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Look {
    pub paint: Paint,
    /// Big, compact or plain (never auto: `View::choose` has decided).
    pub view: View,
    /// Keys are being read, so the key help is worth showing.
    pub keys: bool,
    pub speed: Speed,
    /// The first-run note, shown again where the view covers the screen.
    pub note: Option<&'static str>,
}

/// The display for a session, as chosen by `look`.
pub fn display(look: Look) -> Box<dyn Output> {
    match look.view {
        View::Big => Box::new(big::Big::new(look)),
        View::Compact | View::Auto => Box::new(compact::Bars::new(look)),
        View::Plain => Box::new(Lines::new(look)),
    }
}

/// The terminal's columns and rows, if stderr is one.
pub fn size() -> Option<(u16, u16)> {
    console::Term::stderr()
        .size_checked()
        .map(|(rows, columns)| (columns, rows))
}

/// The session's opening line: the routine and its length.
fn opening(plan: &Plan, speed: Speed) -> String {
    let mut line = format!("{} · {}", plan.routine.name, clock(plan.total));
    if speed != Speed::REAL {
        line.push_str(&format!(
            " · preview at {}× speed",
            trim_float(speed.factor())
        ));
    }
    line
}

fn trim_float(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The closing lines: what was done, then a calm word for the night.
pub fn closing(plan: &Plan, summary: &Summary) -> [String; 2] {
    let done = summary.count(StepOutcome::Done);
    let skipped = summary.count(StepOutcome::Skipped);
    let steps = plan.routine.steps.len();
    let mut account = if summary.completed {
        format!(
            "Finished in {}: {done} of {steps} steps done",
            clock(summary.elapsed)
        )
    } else {
        format!(
            "Ended early at {}: {done} of {steps} steps done",
            clock(summary.elapsed)
        )
    };
    if skipped > 0 {
        account.push_str(&format!(", {skipped} skipped"));
    }
    account.push('.');
    let farewell = if summary.completed {
        "Well done. Settle in, keep the covers loose, and sleep well."
    } else {
        "Every stretch counts. Sleep well."
    };
    [account, farewell.to_owned()]
}

/// The closing lines on stderr, the farewell in the theme's title style,
/// for the views that draw: printed where they stay in the scrollback.
fn print_closing(paint: Paint, plan: &Plan, summary: &Summary) {
    let [account, farewell] = closing(plan, summary);
    let _ = writeln!(
        std::io::stderr(),
        "{account}\n{}",
        paint.title().apply_to(farewell)
    );
}

/// One segment in a line: "Hold 10s: Wall calf stretch, left leg, 1 of 3",
/// "Relax 10s", "Change sides 5s: to the right leg".
pub fn segment_line(plan: &Plan, segment: &Segment) -> String {
    let action = format!("{} {}", plan.action(segment), human(segment.duration));
    match (segment.phase, segment.side) {
        (Phase::Hold | Phase::LeadIn, _) => format!("{action}: {}", plan.title(segment)),
        (Phase::Switch, Some(side)) => format!("{action}: to the {side} leg"),
        _ => action,
    }
}

/// Whether a segment is the first the user sees of its step (the lead-in
/// counts as the first step's), where its instructions are shown.
fn opens_step(plan: &Plan, index: usize) -> bool {
    index == 0 || plan.segments[index - 1].step != plan.segments[index].step
}

/// Plain lines, for anything that is not a terminal.
struct Lines {
    paint: Paint,
    err: std::io::Stderr,
}

impl Lines {
    fn new(look: Look) -> Lines {
        Lines {
            paint: look.paint,
            err: std::io::stderr(),
        }
    }

    fn say(&mut self, text: &str) -> Result<(), Failure> {
        writeln!(self.err, "{text}").map_err(|_| Failure::Quiet)
    }
}

impl Output for Lines {
    fn event(&mut self, plan: &Plan, event: &Event) -> Result<(), Failure> {
        match event {
            Event::SessionStarted { speed } => {
                let line = self
                    .paint
                    .title()
                    .apply_to(opening(plan, *speed))
                    .to_string();
                self.say(&line)
            }
            Event::SegmentStarted { elapsed, index } => {
                let segment = &plan.segments[*index];
                let stamp = self.paint.dim().apply_to(format!("[{}]", clock(*elapsed)));
                self.say(&format!("{stamp} {}", segment_line(plan, segment)))?;
                let step = plan.step(segment);
                if opens_step(plan, *index) && !step.instructions.is_empty() {
                    for text in step.instructions.lines() {
                        let text = self
                            .paint
                            .dim()
                            .apply_to(format!("       {text}"))
                            .to_string();
                        self.say(&text)?;
                    }
                }
                Ok(())
            }
            // The countdown is heard, and a step's end seen in the next
            // line, not printed.
            Event::Countdown { .. } | Event::StepDone { .. } => Ok(()),
            Event::Paused { elapsed } => self.say(&format!("[{}] Paused", clock(*elapsed))),
            Event::Resumed { elapsed } => self.say(&format!("[{}] Going on", clock(*elapsed))),
            Event::StepSkipped { elapsed, step } => self.say(&format!(
                "[{}] Skipped {}",
                clock(*elapsed),
                plan.routine.steps[*step].name
            )),
            Event::SessionFinished { summary, .. } => {
                let [account, farewell] = closing(plan, summary);
                self.say(&account)?;
                self.say(&farewell)
            }
        }
    }

    fn notice(&mut self, line: &str) -> bool {
        self.say(&format!("nocturne: {line}")).is_ok()
    }
}

/// `line` cut to `width` columns (escape codes kept intact).
pub(super) fn fit(line: &str, width: usize) -> String {
    if console::measure_text_width(line) <= width {
        line.to_owned()
    } else {
        console::truncate_str(line, width, "…").into_owned()
    }
}

/// Splits text into lines of at most `width` columns, at spaces.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(20);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let needed = console::measure_text_width(&line) + 1 + console::measure_text_width(word);
            if !line.is_empty() && needed > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces() {
        let text = "Hands on the wall, one foot back, heel down. Lean in slowly.";
        let lines = wrap(text, 24);
        assert!(lines.iter().all(|l| l.chars().count() <= 24), "{lines:?}");
        assert_eq!(lines.join(" "), text);
        assert!(wrap("", 40).is_empty());
    }
}
