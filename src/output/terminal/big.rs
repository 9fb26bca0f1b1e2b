//! The big view: the whole terminal, on the alternate screen, drawn by
//! `frame::frame` and written line by line where it changed. On every way
//! out the normal screen comes back and the summary is printed there, so
//! it stays in the scrollback.

use std::io::Write;
use std::time::{Duration, Instant};

use super::frame::{self, Board};
use super::{Look, Output};
use crate::output::Failure;
use crate::plan::Plan;
use crate::session::{Event, Progress};
use crate::theme::Paint;

/// Redraws between events come at most this often; a countdown second is
/// never missed, as ticks come once a second of routine time.
const AT_MOST_EVERY: Duration = Duration::from_millis(200);

pub struct Big {
    paint: Paint,
    board: Board,
    /// The lines on the screen now, and the size they were drawn for.
    drawn: Vec<String>,
    size: (u16, u16),
    last_draw: Option<Instant>,
    /// `i` presses seen so far.
    presses: usize,
    /// Lines said during the session, printed again after it.
    said: Vec<String>,
}

impl Big {
    pub fn new(look: Look) -> Big {
        Big {
            paint: look.paint,
            board: Board {
                note: look.note,
                ..Board::new(look.speed, look.keys)
            },
            drawn: Vec::new(),
            size: (0, 0),
            last_draw: None,
            presses: crate::screen::instruction_presses(),
            said: Vec::new(),
        }
    }

    /// Draws what changed since the last frame; everything when the size
    /// changed or the screen was lost (a stop).
    #[allow(clippy::disallowed_methods)]
    fn draw(&mut self, plan: &Plan, eager: bool) {
        if !self.board.started {
            return;
        }
        let presses = crate::screen::instruction_presses();
        if presses != self.presses {
            self.board.instructions_flipped ^= (presses - self.presses) % 2 == 1;
            self.presses = presses;
        }
        let size = super::size().unwrap_or((80, 24));
        let now = Instant::now();
        let soon = self
            .last_draw
            .is_some_and(|at| now.duration_since(at) < AT_MOST_EVERY);
        let paint = self.paint;
        let board = &mut self.board;
        let drawn = &mut self.drawn;
        let old_size = &mut self.size;
        let done = crate::screen::draw(|news| {
            let anew = news.repaint || size != *old_size;
            if soon && !eager && !anew {
                return false;
            }
            board.stopped = news.woke && board.paused;
            let lines = frame::frame(plan, board, size.0, size.1, paint);
            let mut out = String::new();
            // Drawn as one update where the terminal supports it, so a
            // frame never shows half old and half new.
            out.push_str("\x1b[?2026h");
            if anew {
                out.push_str("\x1b[H\x1b[2J");
                drawn.clear();
            }
            for (row, line) in lines.iter().enumerate() {
                if drawn.get(row) != Some(line) {
                    out.push_str(&format!("\x1b[{};1H{line}\x1b[0m\x1b[K", row + 1));
                }
            }
            out.push_str("\x1b[?2026l");
            let mut err = std::io::stderr();
            let _ = err.write_all(out.as_bytes());
            let _ = err.flush();
            *drawn = lines;
            *old_size = size;
            true
        });
        if done == Some(true) {
            self.last_draw = Some(now);
        }
    }
}

impl Output for Big {
    fn event(&mut self, plan: &Plan, event: &Event) -> Result<(), Failure> {
        match event {
            Event::SessionStarted { .. } => {
                crate::screen::enter_alternate();
            }
            Event::SegmentStarted { index, .. } => {
                self.board.enter(plan, *index);
                self.draw(plan, true);
            }
            Event::Paused { .. } => {
                self.board.paused = true;
                crate::screen::set_paused(true);
                self.draw(plan, true);
            }
            Event::Resumed { .. } => {
                self.board.paused = false;
                self.board.stopped = false;
                crate::screen::set_paused(false);
                self.draw(plan, true);
            }
            Event::Countdown { .. } => {}
            Event::StepDone { step, .. } => self.board.done(*step),
            Event::StepSkipped { step, .. } => self.board.skip(*step),
            Event::SessionFinished { summary, .. } => {
                crate::screen::leave_alternate();
                let mut err = std::io::stderr();
                for line in &self.said {
                    let _ = writeln!(err, "{line}");
                }
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
        self.draw(plan, false);
    }

    fn notice(&mut self, line: &str) -> bool {
        self.said.push(format!("nocturne: {line}"));
        self.board.notices.push(line.to_owned());
        true
    }
}

impl Drop for Big {
    fn drop(&mut self) {
        crate::screen::leave_alternate();
    }
}
