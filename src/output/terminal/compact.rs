//! The compact view: indicatif bars redrawn in place under the lines
//! already printed, every line sized to the terminal's width.

use std::io::Write;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::frame::{self, Board};
use super::{Look, Output, fit, opening, segment_line, wrap};
use crate::output::Failure;
use crate::plan::{Phase, Plan};
use crate::session::{Event, Progress};
use crate::theme::Paint;
use crate::util::{clock, human};

/// The label before each bar ("Hold", "Session"), right-aligned.
const LABEL: usize = 12;
/// Room kept after a bar for its words: "10s left", "1:10 / 3:40", and,
/// where the terminal is wide enough, "paused · press space to go on".
const AFTER: usize = 13;
const AFTER_WIDE: usize = 30;

pub struct Bars {
    paint: Paint,
    board: Board,
    multi: MultiProgress,
    /// Step title and instructions.
    head: ProgressBar,
    /// The current segment's countdown.
    segment: ProgressBar,
    /// The whole session.
    total: ProgressBar,
    /// What comes next, what was skipped, and the keys.
    foot: ProgressBar,
    /// The terminal's size when last drawn.
    size: Option<(u16, u16)>,
    /// Lines printed above the bars (the opening line, notices): printed
    /// again when a resize clears the screen.
    printed: Vec<String>,
    /// `i` presses seen so far.
    presses: usize,
}

impl Bars {
    pub fn new(look: Look) -> Bars {
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr_with_hz(20));
        let add = || multi.add(ProgressBar::new(1).with_style(text_style()));
        let head = add();
        let segment = add();
        let total = add();
        let foot = add();
        total.set_prefix("Session");
        let cleared = multi.clone();
        crate::screen::on_stop(Some(Box::new(move || {
            let _ = cleared.clear();
        })));
        let bars = Bars {
            paint: look.paint,
            board: Board::new(look.speed, look.keys),
            multi,
            head,
            segment,
            total,
            foot,
            size: super::size(),
            printed: Vec::new(),
            presses: crate::screen::instruction_presses(),
        };
        bars.total
            .set_style(bar_style(bars.width(), look.paint, None));
        bars
    }

    /// The terminal's width, as last measured.
    fn width(&self) -> usize {
        self.size
            .map_or(80, |(columns, _)| usize::from(columns))
            .max(1)
    }

    fn println(&mut self, line: String) {
        let _ = self.multi.println(&line);
        self.printed.push(line);
    }

    fn show_segment(&mut self, plan: &Plan) {
        let index = self.board.index;
        let width = self.width();
        let segment = &plan.segments[index];
        let shown = frame::shown_step(plan, index, segment.phase);
        let step = &plan.routine.steps[shown];

        let title = match segment.phase {
            Phase::LeadIn => format!("Get ready: {}", plan.title(segment)),
            Phase::Switch => match segment.side {
                Some(side) => format!("Change to the {side} leg"),
                None => "Change sides".to_owned(),
            },
            Phase::Rest if shown != segment.step => format!("Rest · next: {}", step.name),
            Phase::Rest => "Rest".to_owned(),
            Phase::Hold | Phase::Relax => plan.title(segment),
        };
        let mut head = fit(&self.paint.title().apply_to(title).to_string(), width);
        let optional = "  (optional: n skips it)";
        if step.optional
            && segment.phase != Phase::Rest
            && console::measure_text_width(&head) + optional.len() <= width
        {
            head.push_str(&self.paint.dim().apply_to(optional).to_string());
        }
        let usual = matches!(
            segment.phase,
            Phase::LeadIn | Phase::Hold | Phase::Relax | Phase::Rest
        );
        if usual != self.board.instructions_flipped {
            for line in wrap(&step.instructions, width.saturating_sub(2)) {
                let line = fit(&format!("  {line}"), width);
                head.push_str(&format!("\n{}", self.paint.dim().apply_to(line)));
            }
        }
        self.head.set_message(head);

        self.segment
            .set_style(bar_style(width, self.paint, Some(segment.phase)));
        self.segment.set_prefix(plan.action(segment));
        self.segment.set_length(millis(segment.duration));
        self.show_foot(plan);
    }

    fn show_foot(&mut self, plan: &Plan) {
        let width = self.width();
        let next = match plan.segments.get(self.board.index + 1) {
            Some(next) => format!("Next: {}", segment_line(plan, next)),
            None => "Next: the end of the session".to_owned(),
        };
        let mut lines = Vec::new();
        if self.board.stopped && self.board.paused {
            lines.push("nocturne was stopped, so the session is paused".to_owned());
        }
        lines.push(next);
        if !self.board.skipped.is_empty() {
            lines.push(format!(
                "Skipped: {}",
                frame::names(plan, &self.board.skipped)
            ));
        }
        if self.board.keys {
            lines.push(if width >= 55 {
                format!("{} · i instructions", crate::keys::HELP)
            } else {
                crate::keys::HELP.to_owned()
            });
        }
        let foot: Vec<String> = lines
            .into_iter()
            .map(|line| self.paint.dim().apply_to(fit(&line, width)).to_string())
            .collect();
        self.foot.set_message(foot.join("\n"));
    }

    fn show_progress(&mut self, plan: &Plan) {
        let index = self.board.index;
        let segment = &plan.segments[index];
        let left = frame::left_in(plan, index, self.board.position);
        let into = segment.duration.saturating_sub(left);
        // Round the countdown up, so it reads 10, 9, ... 1 and never 0
        // while the segment still runs.
        let left_secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        self.segment.set_position(millis(into));
        let room = self.after();
        let message = if self.board.paused {
            ["paused · press space to go on", "paused · space goes on"]
                .into_iter()
                .find(|s| s.chars().count() <= room)
                .unwrap_or("paused")
                .to_owned()
        } else {
            format!("{} left", human(Duration::from_secs(left_secs)))
        };
        self.segment.set_message(fit(&message, room));
        self.total.set_position(millis(self.board.position));
        self.total.set_message(format!(
            "{} / {}",
            clock(self.board.position),
            clock(plan.total)
        ));
    }

    /// Room after a bar: what its bar leaves of the line.
    fn after(&self) -> usize {
        let width = self.width();
        width.saturating_sub(LABEL + 2 + bar_width(width))
    }

    /// A new size: clear the screen (the terminal may have rewrapped what
    /// was drawn) and draw everything again at the new width.
    fn resized(&mut self, plan: &Plan) {
        let _ = self.multi.clear();
        let mut err = std::io::stderr();
        let _ = err.write_all(b"\x1b[H\x1b[2J");
        let _ = err.flush();
        for line in &self.printed {
            let _ = self.multi.println(fit(line, self.width()));
        }
        self.total
            .set_style(bar_style(self.width(), self.paint, None));
        if self.board.started {
            self.show_segment(plan);
            self.show_progress(plan);
        }
    }

    /// Takes the screen's news (a resize, `i`, a stop) before drawing.
    fn look_around(&mut self, plan: &Plan) {
        let presses = crate::screen::instruction_presses();
        let flipped = presses != self.presses;
        if flipped {
            self.board.instructions_flipped ^= (presses - self.presses) % 2 == 1;
            self.presses = presses;
        }
        let size = super::size();
        let news = crate::screen::draw(|draw| draw);
        if let Some(draw) = &news
            && draw.woke != self.board.stopped
        {
            self.board.stopped = draw.woke;
            self.show_foot(plan);
        }
        if size != self.size {
            self.size = size;
            self.resized(plan);
        } else if news.is_some_and(|d| d.repaint) || flipped {
            self.show_segment(plan);
        }
    }
}

impl Drop for Bars {
    fn drop(&mut self) {
        crate::screen::on_stop(None);
    }
}

fn millis(d: Duration) -> u64 {
    d.as_millis() as u64
}

fn text_style() -> ProgressStyle {
    ProgressStyle::with_template("{msg}").unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// A bar's columns at a terminal width: what the label and the words
/// after it leave, at most 80.
fn bar_width(width: usize) -> usize {
    let after = if width >= 70 { AFTER_WIDE } else { AFTER };
    width.saturating_sub(LABEL + 2 + after).clamp(4, 80)
}

fn bar_style(width: usize, paint: Paint, phase: Option<Phase>) -> ProgressStyle {
    let bar = bar_width(width);
    let colors = paint
        .bar_colors(phase)
        .map(|c| format!(".{c}"))
        .unwrap_or_default();
    ProgressStyle::with_template(&format!(
        "{{prefix:>{LABEL}}} {{bar:{bar}{colors}}} {{msg}}"
    ))
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("█▉▊▋▌▍▎▏ ")
}

impl Output for Bars {
    fn event(&mut self, plan: &Plan, event: &Event) -> Result<(), Failure> {
        match event {
            Event::SessionStarted { speed } => {
                self.total.set_length(millis(plan.total));
                let line = self
                    .paint
                    .title()
                    .apply_to(fit(&opening(plan, *speed), self.width()))
                    .to_string();
                self.println(line);
            }
            Event::SegmentStarted { index, .. } => {
                self.board.enter(plan, *index);
                self.look_around(plan);
                self.show_segment(plan);
                self.show_progress(plan);
            }
            Event::Paused { .. } => {
                self.board.paused = true;
                crate::screen::set_paused(true);
                self.show_progress(plan);
            }
            Event::Resumed { .. } => {
                self.board.paused = false;
                self.board.stopped = false;
                crate::screen::set_paused(false);
                self.show_foot(plan);
                self.show_progress(plan);
            }
            Event::Countdown { .. } => {}
            Event::StepDone { step, .. } => {
                self.board.done(*step);
                self.show_foot(plan);
            }
            Event::StepSkipped { step, .. } => {
                self.board.skip(*step);
                self.show_foot(plan);
            }
            Event::SessionFinished { summary, .. } => {
                crate::screen::on_stop(None);
                let _ = self.multi.clear();
                super::print_closing(self.paint, plan, summary);
            }
        }
        Ok(())
    }

    fn wants_ticks(&self) -> bool {
        true
    }

    fn tick(&mut self, plan: &Plan, progress: &Progress) {
        self.board.position = progress.position;
        self.board.paused = progress.paused;
        self.look_around(plan);
        self.show_progress(plan);
    }

    fn notice(&mut self, line: &str) -> bool {
        let line = format!("nocturne: {line}");
        let shown = self.multi.println(&line).is_ok();
        self.printed.push(line);
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_the_line_but_leave_room_for_their_words() {
        for width in [44, 60, 100, 200] {
            let bar = bar_width(width);
            assert!(LABEL + 1 + bar + 1 + "10s left".len() <= width, "{width}");
        }
        assert!(bar_width(200) > bar_width(100));
        assert!(bar_width(100) > 40);
    }
}
