//! `status`: one screen that says, for this machine and this user, what
//! works and what to do about what does not: sound, the voice,
//! notifications, reminders, "Start now", the journal, the settings and
//! routines. It only looks: nothing is written, started or played. The
//! parts that ask other programs (the audio device, the notification
//! service, the service manager) are asked at once, each on a thread of
//! its own, so the whole takes about as long as the slowest, and never
//! much more than `WAIT`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::Context;
use super::check::{self, Findings};
use super::shared::{print_styled, settings};
use crate::config::Config;
use crate::desktop::{self, ServerInfo};
use crate::error::Result;
use crate::journal;
use crate::paths::Paths;
use crate::remind::install::{self, ServiceState};
use crate::routine::Level;
use crate::sound::speaker::{self, OutputInfo};
use crate::theme::Paint;
use crate::voice::Engine;
use crate::voice::engine::on_path_or_at;

/// The longest the whole command waits for the slowest part.
const WAIT: Duration = Duration::from_millis(2800);

/// How a part stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// It works.
    Ok,
    /// Worth knowing; nothing is broken.
    Note,
    /// Something will not work as it should; the exit code is 1.
    Problem,
}

impl Mark {
    fn word(self) -> &'static str {
        match self {
            Mark::Ok => "ok",
            Mark::Note => "note",
            Mark::Problem => "problem",
        }
    }
}

/// One line of the screen, and what follows it.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: &'static str,
    pub mark: Mark,
    pub summary: String,
    /// Lines under it: more about it, and what to do.
    pub more: Vec<String>,
    /// The same and more, for scripts.
    pub details: Value,
}

impl Part {
    fn new(name: &'static str, mark: Mark, summary: impl Into<String>) -> Part {
        Part {
            name,
            mark,
            summary: summary.into(),
            more: Vec::new(),
            details: json!({}),
        }
    }

    fn more(mut self, line: impl Into<String>) -> Part {
        self.more.push(line.into());
        self
    }

    fn details(mut self, details: Value) -> Part {
        self.details = details;
        self
    }
}

/// `status`, as text or as one JSON object; exits 1 when a part is a
/// problem.
pub fn status(ctx: &Context, as_json: bool) -> Result<ExitCode> {
    let parts = gather(ctx);
    let problems = parts.iter().any(|p| p.mark == Mark::Problem);
    if as_json {
        print_styled(&format!("{}\n", to_json(&parts)))?;
    } else {
        print_styled(&render(&parts, ctx.stdout_paint))?;
    }
    Ok(if problems {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `look` on a thread of its own; its answer arrives on the
/// receiver.
fn ask<T: Send + 'static>(look: impl FnOnce() -> T + Send + 'static) -> Receiver<T> {
    let (answer, answered) = channel();
    // A thread that cannot start leaves the receiver closed: the part
    // says it could not be checked.
    let _ = std::thread::Builder::new()
        .name("status".into())
        .spawn(move || {
            let _ = answer.send(look());
        });
    answered
}

/// The answer on `answered`, if it comes by `until`.
fn by<T>(answered: &Receiver<T>, until: Instant) -> Option<T> {
    // Waiting for other programs is not session timing; the clock is read
    // directly to share one deadline among the parts.
    #[allow(clippy::disallowed_methods)]
    let left = until.saturating_duration_since(Instant::now());
    answered.recv_timeout(left).ok()
}

/// Every part, looked at together.
fn gather(ctx: &Context) -> Vec<Part> {
    #[allow(clippy::disallowed_methods)]
    let until = Instant::now() + WAIT;
    let paths = ctx.paths.clone();
    let findings = ask(move || check::examine(&paths));
    let sound = ask(|| speaker::describe_output(Duration::from_secs(2)));
    let server = ask(|| desktop::server_info(desktop::DEADLINE));
    let paths = ctx.paths.clone();
    let service = ask(move || (install::state(), crate::remind::service::running(&paths)));
    let paths = ctx.paths.clone();
    let journal = ask(move || journal_facts(&paths));

    // A broken settings file is the settings line's to report; the rest
    // goes by the defaults.
    let read = settings(&ctx.paths);
    let broken = read.is_err();
    let config = read.unwrap_or_default();
    let reminders = !config.reminders.is_empty();
    let late = |what: &str| format!("{what} did not answer in time (about 3 s)");

    let mut parts = vec![
        match by(&sound, until) {
            Some(found) => sound_part(found, &config),
            None => Part::new("sound", Mark::Problem, late("the audio device")),
        },
        voice_part(&config),
        match by(&server, until) {
            Some(found) => notifications_part(found, &config),
            None => Part::new(
                "notifications",
                Mark::Problem,
                late("the notification service"),
            ),
        },
        match by(&service, until) {
            // The defaults have no reminders: the user's cannot be known.
            Some(_) if broken => Part::new(
                "reminders",
                Mark::Note,
                "not known while the settings have a mistake (see settings below)",
            ),
            Some((state, daemon)) => reminders_part(ctx, &config, &state, daemon),
            None => Part::new("reminders", Mark::Note, late("the service manager")),
        },
        start_now_part(&config, reminders),
        match by(&journal, until) {
            Some(facts) => journal_part(facts, ctx),
            None => Part::new("journal", Mark::Note, late("the journal")),
        },
    ];
    match by(&findings, until) {
        Some(findings) => {
            parts.push(settings_part(&ctx.paths, &findings));
            parts.push(routines_part(&ctx.paths, &findings));
        }
        None => parts.push(Part::new(
            "settings",
            Mark::Note,
            late("checking the files"),
        )),
    }
    parts
}

const SOUND_TEST: &str = "test: nocturne sounds play hold";

fn sound_part(
    found: std::result::Result<OutputInfo, crate::sound::Error>,
    config: &Config,
) -> Part {
    match found {
        Ok(out) => {
            let channels = match out.channels {
                1 => "1 channel".to_owned(),
                n => format!("{n} channels"),
            };
            let summary = format!(
                "{} ({}), {} Hz, {channels}, {}",
                out.name, out.system, out.rate, out.format
            );
            let details = json!({
                "device": out.name,
                "system": out.system,
                "rate": out.rate,
                "channels": out.channels,
                "format": out.format,
                "volume": config.volume.unwrap_or(crate::config::DEFAULT_VOLUME),
            });
            if config.volume == Some(0) {
                Part::new("sound", Mark::Note, summary)
                    .more("the cues are silent: volume = 0 in the settings")
                    .more(SOUND_TEST)
                    .details(details)
            } else {
                Part::new("sound", Mark::Ok, format!("{summary} — {SOUND_TEST}")).details(details)
            }
        }
        Err(why) => Part::new("sound", Mark::Problem, format!("{why}"))
            .more("sessions still run on the screen, without cues or the voice")
            .more(SOUND_TEST)
            .details(json!({ "error": why.to_string() })),
    }
}

fn voice_part(config: &Config) -> Part {
    let voice = &config.voice;
    if voice.enabled == Some(false) {
        return Part::new("voice", Mark::Note, "off in the settings (voice = \"off\")")
            .details(json!({ "enabled": false }));
    }
    if voice.volume == Some(0) || (config.volume == Some(0) && voice.volume.is_none()) {
        return Part::new(
            "voice",
            Mark::Note,
            "silent: its volume is 0 in the settings",
        )
        .details(json!({ "enabled": true, "volume": 0 }));
    }
    let engine = match &voice.command {
        Some(words) => Engine::command(words),
        None => Engine::find(voice.name.as_deref()),
    };
    let Some(engine) = engine else {
        return Part::new(
            "voice",
            Mark::Note,
            "no speech engine found; the cues still guide you",
        )
        .more("for spoken guidance, install espeak-ng, or set voice_command in the settings")
        .details(json!({ "engine": null }));
    };
    let details = json!({
        "engine": engine.label,
        "program": engine.program.display().to_string(),
        "voice": voice.name,
        "voice_command": voice.command.is_some(),
    });
    if voice.command.is_some() && !engine.runs() {
        return Part::new(
            "voice",
            Mark::Problem,
            format!(
                "voice_command names {}, which cannot be run",
                engine.program.display()
            ),
        )
        .more("fix voice_command in the settings; test with: nocturne voice test")
        .details(details);
    }
    Part::new(
        "voice",
        Mark::Ok,
        format!("{} — test: nocturne voice test", engine.label),
    )
    .details(details)
}

fn notifications_part(
    found: std::result::Result<ServerInfo, desktop::Error>,
    config: &Config,
) -> Part {
    let off = config.notifications == Some(Level::Off);
    let reminders = !config.reminders.is_empty();
    // What a session shows unless the settings or a routine say.
    let level = format!("{:?}", config.notifications.unwrap_or(Level::All)).to_lowercase();
    match found {
        Ok(server) => {
            let has = |capability: &str, words: &str| {
                if server.can(capability) {
                    words.to_owned()
                } else {
                    format!("no {words}")
                }
            };
            let by = if server.vendor.is_empty() {
                String::new()
            } else {
                format!(" by {}", server.vendor)
            };
            let summary = format!(
                "{} {}{by}: {}, {}, {}",
                server.name,
                server.version,
                has("actions", "actions"),
                has("body-markup", "body markup"),
                has("persistence", "persistence"),
            );
            let details = json!({
                "name": server.name,
                "vendor": server.vendor,
                "version": server.version,
                "spec_version": server.spec_version,
                "capabilities": server.capabilities,
                "actions": server.can("actions"),
                "body_markup": server.can("body-markup"),
                "persistence": server.can("persistence"),
                "session_notes": level,
            });
            let mut part = if server.can("actions") {
                Part::new("notifications", Mark::Ok, summary)
            } else {
                Part::new("notifications", Mark::Note, summary)
                    .more("this server shows no buttons: reminders will not have \"Start now\" or \"Snooze\"")
                    .more("a reminder still shows as a plain note; start the routine yourself with: nocturne run")
            };
            if off {
                part = part.more(
                    "session notes are off in the settings; reminders still use notifications",
                );
            }
            part.more("test: nocturne notifications test")
                .details(details)
        }
        Err(why) => {
            let said = match &why {
                desktop::Error::NoBus(_) => "no desktop session bus (D-Bus)".to_owned(),
                desktop::Error::NoService(_) => "no notification service is running".to_owned(),
                other => other.to_string(),
            };
            let details = json!({ "error": why.to_string(), "session_notes": level });
            if off && !reminders {
                Part::new(
                    "notifications",
                    Mark::Note,
                    format!("{said}; fine, they are off in the settings"),
                )
                .details(details)
            } else {
                let missing = if off {
                    "reminders will not show"
                } else if reminders {
                    "reminders and session notes will not show"
                } else {
                    "session notes will not show"
                };
                Part::new("notifications", Mark::Problem, format!("{said}; {missing}"))
                    .more("sessions still run; try again from your desktop with: nocturne notifications test")
                    .details(details)
            }
        }
    }
}

fn reminders_part(
    ctx: &Context,
    config: &Config,
    state: &ServiceState,
    daemon: Option<Option<String>>,
) -> Part {
    let tz = ctx.tz();
    let count = config.reminders.len();
    let coming = crate::remind::next::upcoming(&config.reminders, ctx.now, &tz, 3);
    let next: Vec<Value> = coming
        .iter()
        .map(|(at, i)| {
            json!({
                "at": crate::remind::local(*at, &tz),
                "reminder": i + 1,
                "message": config.reminders[*i].message(),
            })
        })
        .collect();
    let running = state.is_running() || daemon.is_some();
    let details = json!({
        "count": count,
        "next": next,
        "service": {
            "file": state.file.as_ref().map(|f| f.display().to_string()),
            "installed": state.installed,
            "enabled": state.enabled,
            "state": state.running,
            "unknown": state.unknown,
            "daemon_pid": daemon.clone().flatten(),
            "running": running,
            "log": state.log,
        },
    });
    if count == 0 {
        let mut part = Part::new("reminders", Mark::Note, "none set")
            .more("add one: nocturne remind add --at 22:15");
        if running {
            part = part.more("the reminder service is running, with nothing to remind");
        }
        return part.details(details);
    }
    let set = if count == 1 {
        "1 set".to_owned()
    } else {
        format!("{count} set")
    };
    let how = match (&daemon, state.is_running()) {
        (_, true) => format!(
            "; the service is running ({})",
            state.enabled.as_deref().unwrap_or("enabled")
        ),
        (Some(Some(pid)), false) => format!("; the service is running (process {pid})"),
        (Some(None), false) => "; the service is running".to_owned(),
        (None, false) if state.installed => format!(
            ", but the service is not running ({})",
            state.running.as_deref().unwrap_or("state unknown")
        ),
        (None, false) => ", but the service is not running".to_owned(),
    };
    let mark = if running { Mark::Ok } else { Mark::Problem };
    let mut part = Part::new("reminders", mark, format!("{set}{how}"));
    for (at, i) in &coming {
        part = part.more(format!(
            "next {}  {}",
            crate::remind::local(*at, &tz),
            config.reminders[*i].message()
        ));
    }
    if !running {
        part = part.more("start it, and with every session: nocturne remind install");
    } else if !state.installed {
        part = part
            .more("it was started by hand; to start it with your session: nocturne remind install");
    }
    if let Some(why) = &state.unknown {
        part = part.more(format!("the service manager could not tell: {why}"));
    }
    if state.installed
        && let Some(log) = &state.log
    {
        part = part.more(format!("its log: {log}"));
    }
    part.details(details)
}

fn start_now_part(config: &Config, reminders: bool) -> Part {
    let terminal = crate::remind::service::terminal::start_now_command(config);
    let from = if config.terminal.is_some() {
        "the terminal setting"
    } else if std::env::var_os("TERMINAL").is_some_and(|t| !t.is_empty()) {
        "TERMINAL"
    } else {
        "found on PATH"
    };
    let missing = if reminders { Mark::Problem } else { Mark::Note };
    match terminal {
        Some(words) => {
            let program = PathBuf::from(&words[0]);
            let found = on_path_or_at(&program);
            let line = format!("{} nocturne run ROUTINE", words.join(" "));
            let details = json!({
                "command": words,
                "from": from,
                "found": found,
            });
            if found {
                Part::new("start now", Mark::Ok, format!("{line} ({from})")).details(details)
            } else {
                Part::new(
                    "start now",
                    missing,
                    format!("{} ({from}) is not installed", program.display()),
                )
                .more("set `terminal` in the settings to a terminal you have, such as [\"xterm\", \"-e\"]")
                .details(details)
            }
        }
        None if cfg!(target_os = "macos") => {
            Part::new("start now", Mark::Ok, "Terminal.app, through osascript")
                .details(json!({ "command": ["osascript"], "from": "macOS", "found": true }))
        }
        None => Part::new("start now", missing, "no terminal program was found")
            .more("set `terminal` in the settings, such as terminal = [\"xterm\", \"-e\"]")
            .details(json!({ "command": null, "found": false })),
    }
}

/// What the journal holds, read without writing.
struct JournalFacts {
    path: Option<PathBuf>,
    size: Option<u64>,
    read: std::result::Result<journal::Records, journal::Error>,
}

fn journal_facts(paths: &Paths) -> JournalFacts {
    let path = paths.data_file(journal::store::FILE);
    let size = path
        .as_ref()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| m.len());
    let read = match &path {
        Some(p) => journal::everything(p),
        None => Ok(journal::Records::default()),
    };
    JournalFacts { path, size, read }
}

fn journal_part(facts: JournalFacts, ctx: &Context) -> Part {
    let Some(path) = facts.path else {
        return Part::new(
            "journal",
            Mark::Problem,
            "no folder for the journal could be found",
        );
    };
    let shown = path.display().to_string();
    let Some(size) = facts.size else {
        return Part::new(
            "journal",
            Mark::Ok,
            "none yet; it starts with your first session or logged cramp",
        )
        .more(format!("it will be {shown}"))
        .details(json!({ "path": shown, "exists": false }));
    };
    let (sessions, cramps, drinks) = match facts.read {
        Ok(read) => (read.sessions, read.cramps.len(), read.drinks.len()),
        Err(why) => {
            return Part::new("journal", Mark::Problem, format!("cannot be read: {why}"))
                .more(shown.clone())
                .details(json!({ "path": shown, "exists": true, "error": why.to_string() }));
        }
    };
    // Previews (sessions run with --speed) are not nights stretched.
    let (real, previews): (Vec<_>, Vec<_>) = sessions.iter().partition(|s| s.speed == 1.0);
    let last = real.last().map(|s| {
        let at = s
            .started_at
            .parse::<jiff::Timestamp>()
            .map(|t| {
                t.to_zoned_datetime(ctx.tz())
                    .strftime("%a %Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|_| s.started_at.clone());
        (at, s.title.clone())
    });
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    let mut summary = format!(
        "{}, {}, {}",
        plural(real.len(), "session"),
        plural(cramps, "cramp"),
        plural(drinks, "drink")
    );
    if let Some((at, title)) = &last {
        summary.push_str(&format!("; last session {at} ({title})"));
    }
    Part::new("journal", Mark::Ok, summary)
        .more(format!("{shown} ({})", bytes(size)))
        .details(json!({
            "path": shown,
            "exists": true,
            "bytes": size,
            "sessions": real.len(),
            "previews": previews.len(),
            "cramps": cramps,
            "drinks": drinks,
            "last_session": last.map(|(at, title)| json!({ "at": at, "title": title })),
        }))
}

/// "48 KiB".
fn bytes(size: u64) -> String {
    match size {
        n if n < 1024 => format!("{n} bytes"),
        n if n < 1024 * 1024 => format!("{} KiB", n.div_ceil(1024)),
        n => format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0)),
    }
}

const SEE_THEM: &str = "see them: nocturne check";

fn settings_part(paths: &Paths, findings: &Findings) -> Part {
    let Some(file) = paths.config_file() else {
        return Part::new(
            "settings",
            Mark::Problem,
            "no folder for the settings could be found",
        );
    };
    let shown = file.display().to_string();
    match &findings.settings {
        None => Part::new(
            "settings",
            Mark::Ok,
            "none written; the defaults are in use",
        )
        .more(format!("they would be {shown}"))
        .details(json!({ "path": shown, "exists": false, "problems": 0 })),
        Some((_, None)) => Part::new("settings", Mark::Ok, shown.clone())
            .details(json!({ "path": shown, "exists": true, "problems": 0 })),
        Some((_, Some(report))) => {
            let n = report.diagnostics.len().max(1);
            let count = if n == 1 {
                "a problem".to_owned()
            } else {
                format!("{n} problems")
            };
            Part::new(
                "settings",
                Mark::Problem,
                format!("{shown} has {count}; the lines above go by the defaults"),
            )
            .more(SEE_THEM)
            .details(
                json!({ "path": shown, "exists": true, "problems": n, "check": "nocturne check" }),
            )
        }
    }
}

fn routines_part(paths: &Paths, findings: &Findings) -> Part {
    let dir = paths
        .routines_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    let yours = findings.routines.len();
    let broken: Vec<&str> = findings
        .routines
        .iter()
        .filter(|r| r.problems.is_some())
        .map(|r| r.id.as_str())
        .collect();
    let details = json!({
        "folder": dir,
        "yours": yours,
        "with_problems": broken,
        "check": "nocturne check",
    });
    if yours == 0 {
        return Part::new(
            "routines",
            Mark::Ok,
            "the bundled ones; none of your own yet",
        )
        .more(format!("yours would go in {dir}"))
        .details(details);
    }
    let of_yours = if yours == 1 {
        "1 of your own".to_owned()
    } else {
        format!("{yours} of your own")
    };
    if broken.is_empty() {
        return Part::new("routines", Mark::Ok, format!("{of_yours}, all fine"))
            .more(dir)
            .details(details);
    }
    let which = broken.join(", ");
    let have = if broken.len() == 1 { "has" } else { "have" };
    Part::new(
        "routines",
        Mark::Problem,
        format!("{of_yours}; {which} {have} problems and will not run"),
    )
    .more(SEE_THEM)
    .more(dir)
    .details(details)
}

/// The screen: a mark, the part's name and what it found, one line each,
/// then the lines under it, indented; and a last word.
fn render(parts: &[Part], paint: Paint) -> String {
    const MARK: usize = 9;
    const NAME: usize = 15;
    let mut out = String::new();
    for part in parts {
        let word = part.mark.word();
        let style = match part.mark {
            Mark::Ok => paint.dim(),
            Mark::Note => paint.title(),
            Mark::Problem => paint.error(),
        };
        out.push_str(&format!(
            "{}{}{:<NAME$}{}\n",
            style.apply_to(word),
            " ".repeat(MARK - word.len()),
            part.name,
            crate::diag::clean(&part.summary),
        ));
        for line in &part.more {
            out.push_str(&format!(
                "{}{}\n",
                " ".repeat(MARK + NAME),
                paint.dim().apply_to(crate::diag::clean(line))
            ));
        }
    }
    let problems = parts.iter().filter(|p| p.mark == Mark::Problem).count();
    out.push('\n');
    out.push_str(&match problems {
        0 => "Nothing here needs fixing.\n".to_owned(),
        1 => "1 problem above needs attention.\n".to_owned(),
        n => format!("{n} problems above need attention.\n"),
    });
    out
}

/// The same, as one JSON object.
fn to_json(parts: &[Part]) -> Value {
    json!({
        "ok": parts.iter().all(|p| p.mark != Mark::Problem),
        "parts": parts.iter().map(|p| json!({
            "part": p.name,
            "status": p.mark.word(),
            "summary": p.summary,
            "more": p.more,
            "details": p.details,
        })).collect::<Vec<_>>(),
    })
}
