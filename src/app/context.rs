//! What a command learns from the process before it runs: the facts of
//! the environment, read once, and the moment the command runs at.

use std::io::IsTerminal;
use std::path::PathBuf;

use jiff::tz::TimeZone;

use crate::paths::Paths;
use crate::theme::{Paint, Theme};

/// The environment, read once at the start: the variables nocturne heeds
/// and which of the standard streams are terminals.
pub struct Env {
    /// NO_COLOR is set to something.
    no_color: bool,
    /// How many colours the terminal says it shows.
    pub depth: crate::theme::Depth,
    /// TERM=dumb: a terminal that cannot redraw or colour.
    dumb_terminal: bool,
    /// Where to note how long each cue took to reach the device
    /// (`NOCTURNE_SOUND_TRACE`, for the benchmark).
    pub sound_trace: Option<PathBuf>,
    pub stdin_terminal: bool,
    pub stdout_terminal: bool,
    pub stderr_terminal: bool,
}

impl Env {
    pub fn read() -> Env {
        Env {
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            depth: crate::theme::Depth::detect(),
            dumb_terminal: std::env::var_os("TERM").is_some_and(|t| t == "dumb"),
            sound_trace: std::env::var_os("NOCTURNE_SOUND_TRACE").map(PathBuf::from),
            stdin_terminal: std::io::stdin().is_terminal(),
            stdout_terminal: std::io::stdout().is_terminal(),
            stderr_terminal: std::io::stderr().is_terminal(),
        }
    }

    /// Colour is used when asked for (`Some`), or, left to nocturne, on a
    /// terminal when neither NO_COLOR nor TERM=dumb says otherwise.
    pub fn color_on(&self, asked: Option<bool>, terminal: bool) -> bool {
        asked.unwrap_or(!self.no_color && !self.dumb_terminal && terminal)
    }

    /// stderr is a terminal that can redraw the session's bars.
    pub fn bars(&self) -> bool {
        self.stderr_terminal && !self.dumb_terminal
    }
}

/// Everything a command runs with: the environment, the folders, the
/// colour decisions and the one reading of the wall clock it goes by.
pub struct Context {
    pub env: Env,
    pub paths: Paths,
    /// For messages on stderr.
    pub color: bool,
    /// For pages printed on stdout (the stats charts).
    pub stdout_color: bool,
    /// The styles of messages on stderr, in the theme chosen.
    pub paint: Paint,
    /// The same for pages on stdout.
    pub stdout_paint: Paint,
    /// The moment the command runs at, read once.
    pub now: jiff::Timestamp,
}

impl Context {
    pub fn new(env: Env, asked_color: Option<bool>, asked_theme: Option<Theme>) -> Context {
        let color = env.color_on(asked_color, env.stderr_terminal);
        let stdout_color = env.color_on(asked_color, env.stdout_terminal);
        let paths = Paths::from_env();
        let theme = asked_theme
            .or_else(|| theme_setting(&paths))
            .unwrap_or_default();
        let paint = |on| Paint {
            theme,
            depth: env.depth,
            on,
        };
        Context {
            paint: paint(color),
            stdout_paint: paint(stdout_color),
            paths,
            color,
            stdout_color,
            now: wall_clock(),
            env,
        }
    }

    /// The user's time zone. Asked only by the commands that need it, so
    /// that a mistaken TZ is mentioned only where it matters.
    pub fn tz(&self) -> TimeZone {
        crate::zone::system()
    }
}

/// The `theme` setting, looked up without judging the rest of the
/// settings: every command's messages follow it, including the one that
/// says the settings have a mistake.
fn theme_setting(paths: &Paths) -> Option<Theme> {
    let file = paths.config_file()?;
    let text = std::fs::read_to_string(file).ok()?;
    let doc = toml_edit::Document::parse(text).ok()?;
    Theme::parse(doc.get("theme")?.as_str()?)
}

/// The one place the commands read the wall clock: once as each command
/// starts, and once more when a session ends.
pub fn wall_clock() -> jiff::Timestamp {
    crate::clock::ServiceClock::new().wall()
}

/// For tests: no terminals, no colour, nothing set.
#[cfg(test)]
pub fn quiet_env() -> Env {
    Env {
        no_color: false,
        depth: crate::theme::Depth::Sixteen,
        dumb_terminal: false,
        sound_trace: None,
        stdin_terminal: false,
        stdout_terminal: false,
        stderr_terminal: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(no_color: bool, dumb_terminal: bool, terminal: bool) -> Env {
        Env {
            no_color,
            depth: crate::theme::Depth::Sixteen,
            dumb_terminal,
            sound_trace: None,
            stdin_terminal: terminal,
            stdout_terminal: terminal,
            stderr_terminal: terminal,
        }
    }

    #[test]
    fn colour_asked_for_wins_and_otherwise_needs_a_capable_terminal() {
        for (no_color, dumb) in [(false, false), (true, false), (false, true)] {
            let env = env(no_color, dumb, true);
            assert!(env.color_on(Some(true), false));
            assert!(!env.color_on(Some(false), true));
            assert_eq!(env.color_on(None, true), !no_color && !dumb);
            assert!(!env.color_on(None, false));
        }
    }

    #[test]
    fn bars_need_a_terminal_that_can_redraw() {
        assert!(env(false, false, true).bars());
        assert!(env(true, false, true).bars());
        assert!(!env(false, true, true).bars());
        assert!(!env(false, false, false).bars());
    }
}
