//! Large digits for reading a countdown from the floor: a block font of
//! nocturne's own, five pixels tall, drawn with full blocks. A pixel is two
//! columns wide, as a terminal cell is about twice as tall as it is wide,
//! and the whole font scales by whole numbers.

/// Rows of a glyph at scale 1.
pub const HEIGHT: usize = 5;

/// The glyphs: '#' is a lit pixel. Digits are four pixels wide, the colon
/// one.
fn glyph(c: char) -> Option<[&'static str; HEIGHT]> {
    Some(match c {
        '0' => ["####", "#  #", "#  #", "#  #", "####"],
        '1' => ["  # ", " ## ", "  # ", "  # ", " ###"],
        '2' => ["####", "   #", "####", "#   ", "####"],
        '3' => ["####", "   #", " ###", "   #", "####"],
        '4' => ["#  #", "#  #", "####", "   #", "   #"],
        '5' => ["####", "#   ", "####", "   #", "####"],
        '6' => ["####", "#   ", "####", "#  #", "####"],
        '7' => ["####", "   #", "  # ", " #  ", " #  "],
        '8' => ["####", "#  #", "####", "#  #", "####"],
        '9' => ["####", "#  #", "####", "   #", "####"],
        ':' => [" ", "#", " ", "#", " "],
        _ => return None,
    })
}

/// The lit cell and the unlit one.
const LIT: char = '█';
const GAP: usize = 1;

/// Columns `text` takes at `scale`: every glyph's pixels, and a one-pixel
/// gap between glyphs, each pixel two columns wide.
pub fn width(text: &str, scale: usize) -> usize {
    let pixels: usize = text
        .chars()
        .filter_map(glyph)
        .map(|g| g[0].chars().count())
        .sum();
    let glyphs = text.chars().filter(|c| glyph(*c).is_some()).count();
    (pixels + GAP * glyphs.saturating_sub(1)) * 2 * scale
}

/// `text` drawn at `scale`: `HEIGHT * scale` rows of `width(text, scale)`
/// columns each. Characters the font lacks are left out.
pub fn render(text: &str, scale: usize) -> Vec<String> {
    let scale = scale.max(1);
    let glyphs: Vec<_> = text.chars().filter_map(glyph).collect();
    let mut rows = Vec::with_capacity(HEIGHT * scale);
    for row in 0..HEIGHT {
        let mut line = String::new();
        for (i, g) in glyphs.iter().enumerate() {
            if i > 0 {
                line.extend(std::iter::repeat_n(' ', GAP * 2 * scale));
            }
            for pixel in g[row].chars() {
                let cell = if pixel == '#' { LIT } else { ' ' };
                line.extend(std::iter::repeat_n(cell, 2 * scale));
            }
        }
        rows.extend(std::iter::repeat_n(line, scale));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_five_rows_and_scale_by_whole_numbers() {
        let one = render("7", 1);
        assert_eq!(one.len(), 5);
        assert_eq!(one[0], "████████");
        assert_eq!(one[4], "  ██    ");
        let three = render("10", 3);
        assert_eq!(three.len(), 15);
        assert!(three.iter().all(|r| r.chars().count() == width("10", 3)));
        assert_eq!(width("10", 3), (4 + 1 + 4) * 6);
        assert_eq!(width("1:05", 1), (4 + 1 + 1 + 1 + 4 + 1 + 4) * 2);
    }

    #[test]
    fn every_digit_differs() {
        let drawn: Vec<_> = "0123456789"
            .chars()
            .map(|c| render(&c.to_string(), 1))
            .collect();
        for (i, a) in drawn.iter().enumerate() {
            for b in &drawn[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
