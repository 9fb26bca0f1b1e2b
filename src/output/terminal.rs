//! What the user sees on stderr: progress bars with a countdown when stderr
//! is a terminal, one plain line per segment when it is not (a log file, a
//! pipe, a dumb terminal), with no escape codes.

use std::io::Write;
use std::time::Duration;

use console::Style;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{Failure, Output};
use crate::keys;
use crate::plan::{Phase, Plan, Segment};
use crate::session::{Event, Progress, Speed, StepOutcome, Summary};
use crate::util::{clock, human};

/// How the terminal looks, decided once from the flags and environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    pub color: bool,
    /// Draw bars that redraw in place; otherwise print plain lines.
    pub bars: bool,
    /// Keys are being read, so the key help is worth showing.
    pub keys: bool,
}

/// The display for a session, as chosen by `look`.
pub fn display(look: Look) -> Box<dyn Output> {
    if look.bars {
        Box::new(Bars::new(look))
    } else {
        Box::new(Lines::new(look))
    }
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
    style: Styles,
    err: std::io::Stderr,
}

impl Lines {
    fn new(look: Look) -> Lines {
        Lines {
            style: Styles::new(look.color),
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
                let line = self.style.bold.apply_to(opening(plan, *speed)).to_string();
                self.say(&line)
            }
            Event::SegmentStarted { elapsed, index } => {
                let segment = &plan.segments[*index];
                let stamp = self.style.dim.apply_to(format!("[{}]", clock(*elapsed)));
                self.say(&format!("{stamp} {}", segment_line(plan, segment)))?;
                let step = plan.step(segment);
                if opens_step(plan, *index) && !step.instructions.is_empty() {
                    for text in step.instructions.lines() {
                        let text = self
                            .style
                            .dim
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

struct Styles {
    bold: Style,
    dim: Style,
}

impl Styles {
    fn new(color: bool) -> Styles {
        Styles {
            bold: Style::new().bold().force_styling(color),
            dim: Style::new().dim().force_styling(color),
        }
    }
}

/// Bars redrawn in place, for a terminal.
struct Bars {
    look: Look,
    style: Styles,
    multi: MultiProgress,
    /// Step title and instructions.
    head: ProgressBar,
    /// The current segment's countdown.
    segment: ProgressBar,
    /// The whole session.
    total: ProgressBar,
    /// What comes next, and the keys.
    foot: ProgressBar,
    width: usize,
}

impl Bars {
    fn new(look: Look) -> Bars {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(20));
        let text =
            ProgressStyle::with_template("{msg}").unwrap_or_else(|_| ProgressStyle::default_bar());
        let (seg_colors, total_colors) = if look.color {
            ("{bar:40.cyan/blue}", "{bar:40.green/black}")
        } else {
            ("{bar:40}", "{bar:40}")
        };
        let bar = |colors: &str| {
            ProgressStyle::with_template(&format!("{{prefix:>12}} {colors} {{msg}}"))
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("█▉▊▋▌▍▎▏ ")
        };
        let add = |style: ProgressStyle| multi.add(ProgressBar::new(1).with_style(style));
        let head = add(text.clone());
        let segment = add(bar(seg_colors));
        let total = add(bar(total_colors));
        let foot = add(text);
        total.set_prefix("Session");
        let width = console::Term::stderr().size().1 as usize;
        Bars {
            look,
            style: Styles::new(look.color),
            multi,
            head,
            segment,
            total,
            foot,
            width: width.clamp(30, 100),
        }
    }

    fn show_segment(&mut self, plan: &Plan, index: usize) {
        let segment = &plan.segments[index];
        let step = plan.step(segment);

        let mut head = match segment.phase {
            Phase::LeadIn => format!("Get ready: {}", plan.title(segment)),
            Phase::Switch => match segment.side {
                Some(side) => format!("Change to the {side} leg"),
                None => "Change sides".to_owned(),
            },
            Phase::Rest => format!("Rest after {}", step.name),
            Phase::Hold | Phase::Relax => plan.title(segment),
        };
        head = self.style.bold.apply_to(head).to_string();
        if step.optional {
            head.push_str(
                &self
                    .style
                    .dim
                    .apply_to("  (optional: n skips it)")
                    .to_string(),
            );
        }
        if matches!(segment.phase, Phase::LeadIn | Phase::Hold | Phase::Relax) {
            for line in wrap(&step.instructions, self.width.saturating_sub(2)) {
                head.push_str(&format!("\n  {}", self.style.dim.apply_to(line)));
            }
        }
        self.head.set_message(head);

        self.segment.set_prefix(plan.action(segment));
        self.segment.set_length(millis(segment.duration));
        self.segment.set_position(0);

        let next = match plan.segments.get(index + 1) {
            Some(next) => format!("Next: {}", segment_line(plan, next)),
            None => "Next: the end of the session".to_owned(),
        };
        let mut foot = self.style.dim.apply_to(next).to_string();
        if self.look.keys {
            foot.push('\n');
            foot.push_str(&self.style.dim.apply_to(keys::HELP).to_string());
        }
        self.foot.set_message(foot);
    }
}

fn millis(d: Duration) -> u64 {
    d.as_millis() as u64
}

impl Output for Bars {
    fn event(&mut self, plan: &Plan, event: &Event) -> Result<(), Failure> {
        match event {
            Event::SessionStarted { speed } => {
                self.total.set_length(millis(plan.total));
                let line = self.style.bold.apply_to(opening(plan, *speed)).to_string();
                let _ = self.multi.println(line);
            }
            Event::SegmentStarted { index, .. } => self.show_segment(plan, *index),
            Event::Paused { .. } => self
                .segment
                .set_message("paused · press space to go on".to_owned()),
            Event::Resumed { .. } | Event::Countdown { .. } | Event::StepDone { .. } => {}
            Event::StepSkipped { step, .. } => {
                let line = format!("Skipped {}", plan.routine.steps[*step].name);
                let _ = self
                    .multi
                    .println(self.style.dim.apply_to(line).to_string());
            }
            Event::SessionFinished { summary, .. } => {
                let _ = self.multi.clear();
                let [account, farewell] = closing(plan, summary);
                let mut err = std::io::stderr();
                let _ = writeln!(err, "{account}\n{}", self.style.bold.apply_to(farewell));
            }
        }
        Ok(())
    }

    fn wants_ticks(&self) -> bool {
        true
    }

    fn tick(&mut self, plan: &Plan, progress: &Progress) {
        let segment = &plan.segments[progress.index];
        let into = progress.position.saturating_sub(segment.offset);
        let left = segment.duration.saturating_sub(into);
        // Round the countdown up, so it reads 10, 9, ... 1 and never 0
        // while the segment still runs.
        let left_secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        self.segment.set_position(millis(into));
        if !progress.paused {
            self.segment
                .set_message(format!("{} left", human(Duration::from_secs(left_secs))));
        }
        self.total.set_position(millis(progress.position));
        self.total.set_message(format!(
            "{} / {}",
            clock(progress.position),
            clock(plan.total)
        ));
    }

    fn notice(&mut self, line: &str) -> bool {
        self.multi.println(format!("nocturne: {line}")).is_ok()
    }
}

/// Splits text into lines of at most `width` columns, at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
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
