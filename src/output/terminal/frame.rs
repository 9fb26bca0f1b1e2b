//! The big view, as a function: what a session shows at one moment (a
//! `Scene`) and the terminal's size go in, the lines of the screen come
//! out. Nothing here touches a terminal, so every layout can be checked as
//! text.

use std::time::Duration;

use super::{fit, font};
use crate::plan::{Phase, Plan};
use crate::session::Speed;
use crate::theme::Paint;
use crate::util::{clock, human};

/// The smallest terminal the big view is drawn on by itself (`auto`).
pub const MIN_COLUMNS: u16 = 60;
pub const MIN_ROWS: u16 = 20;

/// What the display knows of the session beyond the plan: kept up to date
/// from the events and ticks, and turned into a `Scene` when drawn.
#[derive(Debug, Clone)]
pub struct Board {
    pub speed: Speed,
    pub started: bool,
    pub index: usize,
    /// Plan position at the last tick.
    pub position: Duration,
    pub paused: bool,
    /// The session was paused because nocturne was stopped (Ctrl-Z).
    pub stopped: bool,
    /// Steps skipped and not done since, in the order they were skipped.
    pub skipped: Vec<usize>,
    /// Lines said during the session, newest last.
    pub notices: Vec<String>,
    /// The user's `i`: instructions shown (or hidden) against the usual
    /// rule, until the next step begins.
    pub instructions_flipped: bool,
    /// Keys are read, so the key line is worth showing.
    pub keys: bool,
    /// The first-run note, shown through the first step (the full screen
    /// covers where it was printed).
    pub note: Option<&'static str>,
}

impl Board {
    pub fn new(speed: Speed, keys: bool) -> Board {
        Board {
            speed,
            started: false,
            index: 0,
            position: Duration::ZERO,
            paused: false,
            stopped: false,
            skipped: Vec::new(),
            notices: Vec::new(),
            instructions_flipped: false,
            keys,
            note: None,
        }
    }

    /// A new segment begins; `i`'s choice lasts until a new step does.
    pub fn enter(&mut self, plan: &Plan, index: usize) {
        let step = |i: usize| plan.segments.get(i).map(|s| shown_step(plan, i, s.phase));
        if step(index) != step(self.index) {
            self.instructions_flipped = false;
        }
        self.index = index;
        self.position = plan.segments[index].offset;
        self.started = true;
        if plan.segments[index].step > 0 {
            self.note = None;
        }
    }

    pub fn skip(&mut self, step: usize) {
        if !self.skipped.contains(&step) {
            self.skipped.push(step);
        }
    }

    pub fn done(&mut self, step: usize) {
        self.skipped.retain(|s| *s != step);
    }
}

/// The step a segment is about: during a rest, the one coming next (the
/// user is getting into position for it).
pub fn shown_step(plan: &Plan, index: usize, phase: Phase) -> usize {
    let step = plan.segments[index].step;
    if phase == Phase::Rest {
        (step + 1).min(plan.routine.steps.len() - 1)
    } else {
        step
    }
}

/// Whether a segment shows its step's instructions without being asked:
/// the get-ready, the step's first hold, and the rest before it.
pub fn instructions_by_default(plan: &Plan, index: usize) -> bool {
    let segment = &plan.segments[index];
    match segment.phase {
        Phase::LeadIn | Phase::Rest => true,
        Phase::Hold => plan.step_starts.get(segment.step) == Some(&index),
        Phase::Relax | Phase::Switch => false,
    }
}

/// The word for a phase, as shown large: GET READY, HOLD, RELAX, SWITCH,
/// REST (or the hold's own verb: MASSAGE, WALK, ...).
pub fn phase_word(plan: &Plan, index: usize) -> String {
    let segment = &plan.segments[index];
    match segment.phase {
        Phase::Switch => "SWITCH".to_owned(),
        _ => plan.action(segment).to_uppercase(),
    }
}

/// The countdown as digits: seconds under a minute, else m:ss.
pub fn countdown_text(left: Duration) -> String {
    let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    if secs < 60 {
        secs.to_string()
    } else {
        format!("{}:{:02}", secs / 60, secs % 60)
    }
}

/// The time left in the current segment at `position`.
pub fn left_in(plan: &Plan, index: usize, position: Duration) -> Duration {
    let segment = &plan.segments[index];
    segment
        .duration
        .saturating_sub(position.saturating_sub(segment.offset))
}

/// Steps by name, joined for a line: "A", "A and B", "A, B and C".
pub fn names(plan: &Plan, steps: &[usize]) -> String {
    let names: Vec<&str> = steps
        .iter()
        .map(|s| plan.routine.steps[*s].name.as_str())
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The lines of the big view at `columns` x `rows`: exactly `rows` lines,
/// none wider than `columns`.
pub fn frame(plan: &Plan, board: &Board, columns: u16, rows: u16, paint: Paint) -> Vec<String> {
    let width = usize::from(columns.max(1));
    let height = usize::from(rows.max(1));
    let index = board.index.min(plan.segments.len() - 1);
    let segment = &plan.segments[index];
    let shown = shown_step(plan, index, segment.phase);
    let step = &plan.routine.steps[shown];
    let phase_style = paint.phase(segment.phase);

    // The parts, top to bottom.
    let heading = super::opening(plan, board.speed);
    let word = spaced(&phase_word(plan, index));
    let left = left_in(plan, index, board.position);
    let digits = countdown_text(left);

    let name = match segment.phase {
        Phase::Rest if shown != segment.step => format!("Next: {}", step.name),
        Phase::Rest => "The end is near".to_owned(),
        _ => step.name.clone(),
    };
    let detail = detail(plan, index);
    let show_instructions = instructions_by_default(plan, index) != board.instructions_flipped
        && !step.instructions.trim().is_empty();

    let status = if board.stopped && board.paused {
        Some("nocturne was stopped, so the session is paused · press space to go on".to_owned())
    } else if board.paused {
        Some("paused · press space to go on".to_owned())
    } else {
        None
    };

    // The bottom block: the first-run note, bars, what comes next,
    // notices and keys.
    let mut bottom = Vec::new();
    if let Some(note) = board.note {
        let lines = super::wrap(&note.replace('\n', " "), width.saturating_sub(2).min(76));
        // Only where it leaves the digits their room.
        if lines.len() + 14 <= height {
            let block = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
            let margin = " ".repeat(width.saturating_sub(block) / 2);
            for line in lines {
                bottom.push(fit(
                    &format!("{margin}{}", paint.text().apply_to(line)),
                    width,
                ));
            }
            bottom.push(String::new());
        }
    }
    bottom.push(bar_line(
        plan.action(segment),
        fraction(segment.duration.saturating_sub(left), segment.duration),
        &format!("{} left", human(round_up(left))),
        width,
        paint,
        Some(segment.phase),
    ));
    bottom.push(bar_line(
        "Session",
        fraction(board.position, plan.total),
        &format!("{} / {}", clock(board.position), clock(plan.total)),
        width,
        paint,
        None,
    ));
    let next = match plan.segments.get(index + 1) {
        Some(next) => format!("Next: {}", super::segment_line(plan, next)),
        None => "Next: the end of the session".to_owned(),
    };
    // Lines under the bars start where the bars do, where there is room.
    let indent = if width >= 80 {
        " ".repeat(13)
    } else {
        String::new()
    };
    let mut under = |line: String| {
        bottom.push(fit(
            &format!("{indent}{}", paint.dim().apply_to(line)),
            width,
        ));
    };
    under(next);
    if !board.skipped.is_empty() {
        under(format!("Skipped: {}", names(plan, &board.skipped)));
    }
    for notice in board.notices.iter().rev().take(2).rev() {
        under(format!("nocturne: {notice}"));
    }
    if board.keys {
        under(format!("{} · i instructions", crate::keys::HELP));
    }

    // The middle: the phase word, the digits, the step, its side and
    // repetition, a status, and the instructions where there is room.
    let fixed_top = 2; // the heading and a blank line
    let text_rows = 1 + 1 + 1 + 1 + usize::from(status.is_some()) + 1; // word, gap, gap, name, status, detail
    let room = height.saturating_sub(fixed_top + bottom.len() + 1);
    let wanted_scale = (height / 15).max(1);
    let mut scale = wanted_scale;
    while scale > 1
        && (font::width(&digits, scale) + 4 > width
            || font::HEIGHT * scale + text_rows + usize::from(show_instructions) * 3 > room)
    {
        scale -= 1;
    }
    let big = font::render(&digits, scale);
    let big_fits = font::width(&digits, scale) <= width && font::HEIGHT * scale + text_rows <= room;

    let mut middle: Vec<String> = Vec::new();
    middle.push(center(
        &phase_style.clone().bold().apply_to(&word).to_string(),
        width,
    ));
    middle.push(String::new());
    if big_fits {
        for row in &big {
            middle.push(center(&phase_style.apply_to(row).to_string(), width));
        }
    } else {
        let small = format!("{} left", human(round_up(left)));
        middle.push(center(
            &phase_style.clone().bold().apply_to(small).to_string(),
            width,
        ));
    }
    middle.push(String::new());
    let mut name_line = paint.title().apply_to(&name).to_string();
    if step.optional && segment.phase != Phase::Rest {
        name_line.push_str(&paint.dim().apply_to("  (optional: n skips it)").to_string());
    }
    middle.push(center(&name_line, width));
    if !detail.is_empty() {
        middle.push(center(
            &phase_style
                .clone()
                .bold()
                .apply_to(spaced_words(&detail))
                .to_string(),
            width,
        ));
    }
    if let Some(status) = &status {
        middle.push(center(&paint.title().apply_to(status).to_string(), width));
    }
    if show_instructions {
        let column = width.saturating_sub(4).min(72);
        let lines = super::wrap(&step.instructions, column);
        let block = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        let margin = " ".repeat(width.saturating_sub(block) / 2);
        let free = room.saturating_sub(middle.len() + 1);
        if free > 0 {
            middle.push(String::new());
        }
        let mut shown_lines: Vec<String> = lines.into_iter().take(free.saturating_sub(1)).collect();
        if shown_lines.len() < super::wrap(&step.instructions, column).len()
            && let Some(last) = shown_lines.last_mut()
        {
            last.push_str(" …");
        }
        for line in shown_lines {
            middle.push(fit(
                &format!("{margin}{}", paint.dim().apply_to(line)),
                width,
            ));
        }
    }
    middle.truncate(room);

    // Put it together: the heading at the top, the bottom block at the
    // bottom, the middle centred in what is left.
    let mut lines = Vec::with_capacity(height);
    lines.push(fit(&paint.dim().apply_to(heading).to_string(), width));
    lines.push(String::new());
    let space = height.saturating_sub(lines.len() + bottom.len());
    let above = space.saturating_sub(middle.len()) / 2;
    lines.extend(std::iter::repeat_n(String::new(), above));
    lines.extend(middle);
    while lines.len() + bottom.len() < height {
        lines.push(String::new());
    }
    lines.extend(bottom);
    // On a very small terminal, the bottom block wins over the top.
    if lines.len() > height {
        let extra = lines.len() - height;
        lines.drain(..extra.min(lines.len()));
    }
    lines
}

/// "LEFT LEG · 2 OF 3", "TO THE RIGHT LEG", or nothing.
fn detail(plan: &Plan, index: usize) -> String {
    let segment = &plan.segments[index];
    let (side, rep, reps) = if segment.phase == Phase::Rest {
        // The next step's first hold.
        let next = plan.step_starts.get(segment.step + 1).copied();
        match next.map(|i| &plan.segments[i]) {
            Some(first) => (first.side, 1, plan.step(first).reps),
            None => (None, 0, 0),
        }
    } else {
        (segment.side, segment.rep, plan.step(segment).reps)
    };
    let mut parts = Vec::new();
    match (segment.phase, side) {
        (Phase::Switch, Some(side)) => parts.push(format!("to the {side} leg")),
        (_, Some(side)) => parts.push(format!("{side} leg")),
        _ => {}
    }
    if reps > 1 && segment.phase != Phase::Switch && segment.phase != Phase::Rest {
        parts.push(format!("{rep} of {reps}"));
    }
    parts.join(" · ").to_uppercase()
}

fn round_up(left: Duration) -> Duration {
    Duration::from_secs(left.as_secs() + u64::from(left.subsec_nanos() > 0))
}

fn fraction(part: Duration, whole: Duration) -> f64 {
    if whole.is_zero() {
        1.0
    } else {
        (part.as_secs_f64() / whole.as_secs_f64()).clamp(0.0, 1.0)
    }
}

/// "H O L D": a word spread out, easier to read from a distance.
fn spaced(word: &str) -> String {
    word.split(' ')
        .map(|w| w.chars().map(String::from).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("   ")
}

/// Words of a line kept apart a little more than usual.
fn spaced_words(text: &str) -> String {
    text.replace(" · ", "   ·   ")
}

/// A bar the width of the line: "        Hold ██████▍        7s left".
fn bar_line(
    label: &str,
    done: f64,
    after: &str,
    width: usize,
    paint: Paint,
    phase: Option<Phase>,
) -> String {
    const LABEL: usize = 12;
    let after_width = after.chars().count().max(13);
    let bar = width.saturating_sub(LABEL + 1 + 1 + after_width + 1);
    let label = format!("{label:>LABEL$}");
    if bar < 5 {
        return fit(&format!("{label} {after}"), width);
    }
    let eighths = (done * (bar * 8) as f64).round() as usize;
    let full = eighths / 8;
    let partial = eighths % 8;
    let mut filled = "█".repeat(full);
    if partial > 0 && full < bar {
        filled.push(['▏', '▎', '▍', '▌', '▋', '▊', '▉'][partial - 1]);
    }
    let rest = bar - filled.chars().count();
    let fill_style = match phase {
        Some(phase) => paint.phase(phase),
        None => paint.dim(),
    };
    fit(
        &format!(
            "{label} {}{} {after}",
            fill_style.apply_to(filled),
            paint.track().apply_to("─".repeat(rest)),
        ),
        width,
    )
}

/// `line` with spaces before it to centre it in `width` columns.
fn center(line: &str, width: usize) -> String {
    let used = console::measure_text_width(line);
    if used >= width {
        return fit(line, width);
    }
    format!("{}{line}", " ".repeat((width - used) / 2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routine::load::load;

    fn nightly() -> Plan {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/routines/nightly.toml"
        ))
        .unwrap();
        crate::plan::plan(load("nightly", &text).unwrap())
    }

    /// The frame as plain text, trailing spaces left out.
    fn text(plan: &Plan, board: &Board, columns: u16, rows: u16) -> Vec<String> {
        frame(plan, board, columns, rows, Paint::OFF)
            .into_iter()
            .map(|l| l.trim_end().to_owned())
            .collect()
    }

    fn at(plan: &Plan, index: usize, into: u64) -> Board {
        let mut board = Board::new(Speed::REAL, true);
        board.enter(plan, index);
        board.position = plan.segments[index].offset + Duration::from_secs(into);
        board
    }

    fn digit_rows(lines: &[String]) -> usize {
        lines
            .iter()
            .filter(|l| l.contains('█') && !l.contains("left") && !l.contains(" / "))
            .count()
    }

    #[test]
    fn every_size_gives_exactly_its_rows_and_no_wider_lines() {
        let plan = nightly();
        for index in 0..plan.segments.len() {
            let board = at(&plan, index, 1);
            for (columns, rows) in [(60, 20), (80, 24), (100, 30), (200, 60), (20, 5), (1, 1)] {
                let lines = frame(&plan, &board, columns, rows, Paint::from(true));
                assert_eq!(lines.len(), usize::from(rows));
                for line in &lines {
                    assert!(
                        console::measure_text_width(line) <= usize::from(columns),
                        "{columns}x{rows}: {line:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_digits_grow_with_the_terminal() {
        let plan = nightly();
        let hold = plan.step_starts[0];
        let board = at(&plan, hold, 3);
        assert_eq!(digit_rows(&text(&plan, &board, 60, 20)), 5);
        assert_eq!(digit_rows(&text(&plan, &board, 100, 30)), 10);
        // At 200x60 the digits take about a third of the height.
        assert_eq!(digit_rows(&text(&plan, &board, 200, 60)), 20);
    }

    #[test]
    fn a_hold_at_100x30() {
        let plan = nightly();
        let hold = plan.step_starts[0];
        let lines = text(&plan, &at(&plan, hold, 3), 100, 30);
        let snapshot = lines.join("\n");
        let expected = r#"
Nightly calf and hamstring stretches · 3:40



                                              H O L D

                                          ████████████████
                                          ████████████████
                                                      ████
                                                      ████
                                                  ████
                                                  ████
                                              ████
                                              ████
                                              ████
                                              ████

                                         Wall calf stretch
                                       LEFT LEG   ·   1 OF 3

              Face a wall and rest both hands on it at shoulder height. Step one foot
              back and keep that leg straight, heel on the floor. Bend the front knee
              and lean in until the back calf feels a firm, comfortable pull. Breathe
              slowly; do not bounce.


        Hold █████████████████████▋────────────────────────────────────────────────── 7s left
     Session ██▋───────────────────────────────────────────────────────────────────── 0:08 / 3:40
             Next: Relax 10s
             space pause · n next · p back · q quit · i instructions"#;
        assert_eq!(snapshot, &expected[1..], "{snapshot}");
    }

    #[test]
    fn a_get_ready_at_60x20_the_smallest_big_view() {
        let plan = nightly();
        let mut board = at(&plan, 0, 2);
        board.keys = false;
        let lines = text(&plan, &board, 60, 20);
        let expected = r#"
Nightly calf and hamstring stretches · 3:40


                     G E T   R E A D Y

                          ████████
                                ██
                            ██████
                                ██
                          ████████

                     Wall calf stretch
                   LEFT LEG   ·   1 OF 3

  Face a wall and rest both hands on it at shoulder
  height. Step one foot back and keep that leg straight, …

   Get ready ████████████▊─────────────────── 3s left
     Session ▎─────────────────────────────── 0:02 / 3:40
Next: Hold 10s: Wall calf stretch, left leg, 1 of 3"#;
        assert_eq!(lines.join("\n"), &expected[1..]);
    }

    #[test]
    fn the_first_run_note_stays_through_the_first_step() {
        let plan = nightly();
        let mut board = at(&plan, 0, 1);
        board.note = Some("nocturne guides general self-care stretches;\nit does not diagnose.");
        let shown = |board: &Board| {
            text(&plan, board, 100, 30)
                .join("\n")
                .contains("nocturne guides general self-care stretches; it does not diagnose.")
        };
        assert!(shown(&board));
        board.enter(&plan, 3);
        assert!(shown(&board));
        board.enter(&plan, plan.step_starts[1]);
        assert!(!shown(&board));
    }

    #[test]
    fn a_rest_shows_the_next_step_and_its_instructions() {
        let plan = nightly();
        let rest = plan
            .segments
            .iter()
            .position(|s| s.phase == Phase::Rest)
            .unwrap();
        let lines = text(&plan, &at(&plan, rest, 2), 100, 30).join("\n");
        let next = &plan.routine.steps[plan.segments[rest].step + 1];
        assert!(lines.contains(&format!("Next: {}", next.name)), "{lines}");
        let first_words: String = next
            .instructions
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(lines.contains(&first_words), "{lines}");
        assert!(lines.contains("R E S T"), "{lines}");
        assert!(!lines.contains("Rest after"), "{lines}");
    }

    #[test]
    fn i_shows_instructions_where_they_are_hidden_until_the_next_step() {
        let plan = nightly();
        let relax = plan
            .segments
            .iter()
            .position(|s| s.phase == Phase::Relax)
            .unwrap();
        let words = "Face a wall";
        let mut board = at(&plan, relax, 1);
        assert!(!text(&plan, &board, 100, 30).join("\n").contains(words));
        board.instructions_flipped = true;
        assert!(text(&plan, &board, 100, 30).join("\n").contains(words));
        board.enter(&plan, relax + 1);
        assert!(board.instructions_flipped, "the same step goes on");
        let next_step = plan.step_starts[1];
        board.enter(&plan, next_step);
        assert!(!board.instructions_flipped);
    }

    #[test]
    fn paused_and_skipped_are_said_once() {
        let plan = nightly();
        let mut board = at(&plan, plan.step_starts[1], 1);
        board.paused = true;
        board.skip(0);
        board.skip(0);
        let lines = text(&plan, &board, 100, 30).join("\n");
        assert!(lines.contains("paused · press space to go on"), "{lines}");
        assert_eq!(
            lines.matches("Skipped: Wall calf stretch").count(),
            1,
            "{lines}"
        );
        board.done(0);
        let lines = text(&plan, &board, 100, 30).join("\n");
        assert!(!lines.contains("Skipped"), "{lines}");
    }

    #[test]
    fn long_countdowns_read_as_minutes() {
        assert_eq!(countdown_text(Duration::from_millis(6_200)), "7");
        assert_eq!(countdown_text(Duration::from_secs(60)), "1:00");
        assert_eq!(countdown_text(Duration::from_secs(125)), "2:05");
        assert_eq!(countdown_text(Duration::ZERO), "0");
    }
}
