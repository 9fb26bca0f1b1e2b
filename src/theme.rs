//! Colours. An hour before sleep the screen should not wake anyone up, so
//! the default theme, night, uses only dim warm tones (amber, sand, copper,
//! dim red and warm greys) on the terminal's own background: no blue or
//! cyan, no bright white, no reverse video. Day is the brighter palette of
//! earlier versions; plain keeps bold and dim but has no colour. NO_COLOR
//! and `--color never` still turn every colour and attribute off.

use console::Style;

use crate::plan::Phase;

/// The look asked for with `--theme` or the `theme` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Night,
    Day,
    Plain,
}

impl Theme {
    pub const NAMES: [&'static str; 3] = ["night", "day", "plain"];

    pub fn parse(word: &str) -> Option<Theme> {
        match word.trim() {
            "night" => Some(Theme::Night),
            "day" => Some(Theme::Day),
            "plain" => Some(Theme::Plain),
            _ => None,
        }
    }
}

/// How many colours the terminal shows, as it says in its environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// The 16 colours of the terminal's own palette.
    Sixteen,
    /// The xterm 256-colour palette.
    Palette,
    /// Any RGB colour (COLORTERM=truecolor or 24bit).
    True,
}

impl Depth {
    /// From COLORTERM and TERM, as most terminals announce themselves.
    pub fn from_env(colorterm: Option<&str>, term: Option<&str>) -> Depth {
        if colorterm.is_some_and(|c| matches!(c.trim(), "truecolor" | "24bit")) {
            Depth::True
        } else if term.is_some_and(|t| t.contains("256color") || t.contains("direct"))
            || colorterm.is_some_and(|c| !c.trim().is_empty())
        {
            Depth::Palette
        } else {
            Depth::Sixteen
        }
    }

    pub fn detect() -> Depth {
        let read = |name| std::env::var(name).ok();
        Depth::from_env(read("COLORTERM").as_deref(), read("TERM").as_deref())
    }
}

/// A colour of the night theme, in the three forms a terminal may take.
#[derive(Debug, Clone, Copy)]
struct Tone {
    rgb: (u8, u8, u8),
    /// Its nearest warm entry of the 256-colour palette.
    palette: u8,
    /// Its stand-in among the 16 colours; `None` keeps the terminal's own
    /// text colour.
    sixteen: Option<console::Color>,
    /// Dimmed where only the 16 colours are there to tell it apart.
    sixteen_dim: bool,
}

const AMBER: Tone = Tone {
    rgb: (0xc2, 0x86, 0x2e),
    palette: 136,
    sixteen: Some(console::Color::Yellow),
    sixteen_dim: false,
};
const SAND: Tone = Tone {
    rgb: (0xa8, 0x8d, 0x66),
    palette: 137,
    sixteen: Some(console::Color::Yellow),
    sixteen_dim: true,
};
const COPPER: Tone = Tone {
    rgb: (0xb0, 0x62, 0x2c),
    palette: 130,
    sixteen: Some(console::Color::Red),
    sixteen_dim: true,
};
const DIM_RED: Tone = Tone {
    rgb: (0xa8, 0x40, 0x30),
    palette: 124,
    sixteen: Some(console::Color::Red),
    sixteen_dim: false,
};
const GREY: Tone = Tone {
    rgb: (0x8c, 0x81, 0x76),
    palette: 244,
    sixteen: None,
    sixteen_dim: true,
};
const LIGHT_GREY: Tone = Tone {
    rgb: (0xa6, 0x9c, 0x90),
    palette: 247,
    sixteen: None,
    sixteen_dim: false,
};
const DARK_GREY: Tone = Tone {
    rgb: (0x4a, 0x42, 0x3a),
    palette: 238,
    sixteen: None,
    sixteen_dim: true,
};

/// The styles of every part of nocturne's output, for one theme, one
/// colour depth, and colour on or off. Small and `Copy`: it travels with
/// whatever draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paint {
    pub theme: Theme,
    pub depth: Depth,
    /// Styling is on at all (off with NO_COLOR, `--color never`, or
    /// where the output is not a terminal).
    pub on: bool,
}

/// `true` is the day palette at 16 colours, and `false` no styling: what
/// code that only knows "colour or not" meant before there were themes.
impl From<bool> for Paint {
    fn from(on: bool) -> Paint {
        Paint {
            theme: Theme::Day,
            depth: Depth::Sixteen,
            on,
        }
    }
}

impl Paint {
    #[cfg(test)]
    pub const OFF: Paint = Paint {
        theme: Theme::Plain,
        depth: Depth::Sixteen,
        on: false,
    };

    fn base(&self) -> Style {
        Style::new().force_styling(self.on)
    }

    fn tone(&self, tone: Tone) -> Style {
        let style = self.base();
        match self.depth {
            Depth::True => style.true_color(tone.rgb.0, tone.rgb.1, tone.rgb.2),
            Depth::Palette => style.color256(tone.palette),
            Depth::Sixteen => {
                let style = match tone.sixteen {
                    Some(color) => style.fg(color),
                    None => style,
                };
                if tone.sixteen_dim { style.dim() } else { style }
            }
        }
    }

    /// Headings and the lines that matter most.
    pub fn title(&self) -> Style {
        match self.theme {
            Theme::Night => self.tone(AMBER).bold(),
            Theme::Day | Theme::Plain => self.base().bold(),
        }
    }

    /// Plain text that should still stand out a little (a step's name).
    pub fn text(&self) -> Style {
        match self.theme {
            Theme::Night => self.tone(LIGHT_GREY),
            Theme::Day | Theme::Plain => self.base(),
        }
    }

    /// Secondary text: instructions, what comes next, the keys.
    pub fn dim(&self) -> Style {
        match self.theme {
            Theme::Night => self.tone(GREY),
            Theme::Day | Theme::Plain => self.base().dim(),
        }
    }

    /// The colour of each phase of a session, for its word, its digits and
    /// its bar, so holding and relaxing differ at a glance.
    pub fn phase(&self, phase: Phase) -> Style {
        match self.theme {
            Theme::Night => self.tone(match phase {
                Phase::LeadIn => SAND,
                Phase::Hold => AMBER,
                Phase::Relax => DIM_RED,
                Phase::Switch => COPPER,
                Phase::Rest => GREY,
            }),
            Theme::Day => self.base().fg(day_phase(phase)),
            Theme::Plain => self.base().bold(),
        }
    }

    /// The unfilled part of a bar, where it is drawn.
    pub fn track(&self) -> Style {
        match self.theme {
            Theme::Night => self.tone(DARK_GREY),
            Theme::Day | Theme::Plain => self.base().dim(),
        }
    }

    /// The colours of an indicatif bar for a phase ("136/238"), or `None`
    /// when there is no colour.
    pub fn bar_colors(&self, phase: Option<Phase>) -> Option<String> {
        if !self.on {
            return None;
        }
        match self.theme {
            Theme::Plain => None,
            Theme::Day => Some(match phase {
                Some(phase) => format!("{}/blue", day_name(day_phase(phase))),
                None => "green/black".to_owned(),
            }),
            Theme::Night => {
                let tone = match phase {
                    Some(Phase::LeadIn) => SAND,
                    Some(Phase::Hold) => AMBER,
                    Some(Phase::Relax) => DIM_RED,
                    Some(Phase::Switch) => COPPER,
                    Some(Phase::Rest) | None => GREY,
                };
                let spec = |tone: Tone| match self.depth {
                    Depth::True => {
                        let (r, g, b) = tone.rgb;
                        format!("#{r:02x}{g:02x}{b:02x}")
                    }
                    Depth::Palette => tone.palette.to_string(),
                    Depth::Sixteen => match tone.sixteen {
                        Some(color) => day_name(color).to_owned(),
                        None => "black".to_owned(),
                    },
                };
                Some(format!("{}/{}", spec(tone), spec(DARK_GREY)))
            }
        }
    }

    /// The word "error" before a message.
    pub fn error(&self) -> Style {
        match self.theme {
            Theme::Night => self.tone(DIM_RED).bold(),
            Theme::Day => self.base().red().bold(),
            Theme::Plain => self.base().bold(),
        }
    }

    /// The arrows and bars that frame a quoted line of a file.
    pub fn gutter(&self) -> Style {
        match self.theme {
            Theme::Night => self.tone(GREY),
            Theme::Day => self.base().blue().bold(),
            Theme::Plain => self.base().bold(),
        }
    }

    /// The colours of a chart's series, in order.
    pub fn series(&self, index: usize) -> Style {
        match self.theme {
            Theme::Night => self.tone([AMBER, SAND, DIM_RED][index % 3]),
            Theme::Day => {
                let colors = [
                    console::Color::Green,
                    console::Color::Yellow,
                    console::Color::Magenta,
                ];
                self.base().fg(colors[index % 3])
            }
            Theme::Plain => self.base(),
        }
    }
}

fn day_phase(phase: Phase) -> console::Color {
    match phase {
        Phase::LeadIn => console::Color::Yellow,
        Phase::Hold => console::Color::Cyan,
        Phase::Relax => console::Color::Green,
        Phase::Switch => console::Color::Magenta,
        Phase::Rest => console::Color::Blue,
    }
}

fn day_name(color: console::Color) -> &'static str {
    match color {
        console::Color::Black => "black",
        console::Color::Red => "red",
        console::Color::Green => "green",
        console::Color::Yellow => "yellow",
        console::Color::Blue => "blue",
        console::Color::Magenta => "magenta",
        console::Color::Cyan => "cyan",
        _ => "white",
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// Every colour an escape-coded text sets, as RGB, and whether it used
    /// reverse video. Understands the 16-colour, 256-colour and RGB forms.
    pub fn colors_in(text: &str) -> (Vec<(u8, u8, u8)>, bool) {
        let mut colors = Vec::new();
        let mut reverse = false;
        let mut rest = text;
        while let Some(start) = rest.find("\x1b[") {
            rest = &rest[start + 2..];
            let Some(end) = rest.find(|c: char| c.is_ascii_alphabetic()) else {
                break;
            };
            let (params, kind) = (&rest[..end], &rest[end..=end]);
            rest = &rest[end + 1..];
            if kind != "m" {
                continue;
            }
            let numbers: Vec<u32> = params.split(';').filter_map(|p| p.parse().ok()).collect();
            let mut i = 0;
            while i < numbers.len() {
                match numbers[i] {
                    7 => reverse = true,
                    n @ (30..=37 | 40..=47) => colors.push(sixteen(n % 10, false)),
                    n @ (90..=97 | 100..=107) => colors.push(sixteen(n % 10, true)),
                    38 | 48 if numbers.get(i + 1) == Some(&5) => {
                        colors.push(palette(numbers.get(i + 2).copied().unwrap_or(0) as u8));
                        i += 2;
                    }
                    38 | 48 if numbers.get(i + 1) == Some(&2) => {
                        let c = |k: usize| numbers.get(i + k).copied().unwrap_or(0) as u8;
                        colors.push((c(2), c(3), c(4)));
                        i += 4;
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        (colors, reverse)
    }

    fn sixteen(n: u32, bright: bool) -> (u8, u8, u8) {
        let on = if bright { 255 } else { 205 };
        let bit = |b: u32| if n & b != 0 { on } else { 0 };
        (bit(1), bit(2), bit(4))
    }

    fn palette(n: u8) -> (u8, u8, u8) {
        match n {
            0..=15 => sixteen(u32::from(n % 8), n >= 8),
            16..=231 => {
                let level = |v: u8| if v == 0 { 0 } else { 55 + 40 * v };
                let n = n - 16;
                (level(n / 36), level(n / 6 % 6), level(n % 6))
            }
            _ => {
                let v = 8 + 10 * (n - 232);
                (v, v, v)
            }
        }
    }

    /// Blue or cyan (more blue than red), or close to white.
    pub fn wakes_you_up((r, g, b): (u8, u8, u8)) -> bool {
        b > r || (r > 220 && g > 220 && b > 220)
    }

    #[test]
    fn the_night_theme_has_no_cold_or_bright_colour_at_any_depth() {
        let phases = [
            Phase::LeadIn,
            Phase::Hold,
            Phase::Relax,
            Phase::Switch,
            Phase::Rest,
        ];
        for depth in [Depth::Sixteen, Depth::Palette, Depth::True] {
            let paint = Paint {
                theme: Theme::Night,
                depth,
                on: true,
            };
            let mut text = String::new();
            for style in [
                paint.title(),
                paint.text(),
                paint.dim(),
                paint.track(),
                paint.error(),
                paint.gutter(),
                paint.series(0),
                paint.series(1),
                paint.series(2),
            ]
            .into_iter()
            .chain(phases.map(|p| paint.phase(p)))
            {
                text.push_str(&style.apply_to("x").to_string());
            }
            let (colors, reverse) = colors_in(&text);
            assert!(!colors.is_empty() || depth == Depth::Sixteen);
            assert!(!reverse);
            for color in colors {
                assert!(!wakes_you_up(color), "{depth:?}: {color:?} in {text:?}");
            }
            for phase in phases.map(Some).into_iter().chain([None]) {
                let spec = paint.bar_colors(phase).unwrap();
                assert!(!spec.contains("blue") && !spec.contains("cyan"), "{spec}");
            }
        }
        // The day theme is the one with blue in it.
        let day = Paint::from(true);
        let (colors, _) = colors_in(&day.phase(Phase::Hold).apply_to("x").to_string());
        assert!(colors.iter().any(|c| wakes_you_up(*c)));
    }

    #[test]
    fn phases_differ_in_every_colour_theme() {
        for theme in [Theme::Night, Theme::Day] {
            for depth in [Depth::Palette, Depth::True] {
                let paint = Paint {
                    theme,
                    depth,
                    on: true,
                };
                let hold = paint.phase(Phase::Hold).apply_to("x").to_string();
                let relax = paint.phase(Phase::Relax).apply_to("x").to_string();
                assert_ne!(hold, relax);
            }
        }
    }

    #[test]
    fn the_depth_comes_from_the_terminal_s_word() {
        assert_eq!(
            Depth::from_env(Some("truecolor"), Some("xterm")),
            Depth::True
        );
        assert_eq!(
            Depth::from_env(None, Some("xterm-256color")),
            Depth::Palette
        );
        assert_eq!(Depth::from_env(None, Some("tmux-256color")), Depth::Palette);
        assert_eq!(Depth::from_env(None, Some("linux")), Depth::Sixteen);
        assert_eq!(Depth::from_env(None, None), Depth::Sixteen);
    }

    #[test]
    fn off_means_no_escape_codes() {
        for theme in [Theme::Night, Theme::Day, Theme::Plain] {
            let paint = Paint {
                theme,
                depth: Depth::True,
                on: false,
            };
            let text = paint.phase(Phase::Hold).apply_to("x").to_string()
                + &paint.title().apply_to("y").to_string();
            assert_eq!(text, "xy");
            assert_eq!(paint.bar_colors(Some(Phase::Hold)), None);
        }
    }
}
