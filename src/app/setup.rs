//! `setup`: a new user's first two minutes. At a terminal, six short
//! questions, each with its answer ready in brackets (Enter keeps it), `b`
//! to go back and `q` to leave without writing anything; with flags, the
//! same choices for scripts. The settings are written once, at the end, in
//! one step, keeping everything else the user wrote.

use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::Context;
use super::shared::settings_file;
use crate::config::Config;
use crate::config::choices::{Bedtime, Choices, Water, parse_water};
use crate::config::rules::{Days, clock as time_of_day};
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::routine::Level;
use crate::routine::catalog;
use crate::routine::load::SoundFiles;
use crate::util::clock;

/// What the command line asks of `setup`; `None` keeps the current value.
#[derive(Debug, Default)]
pub struct SetupFlags {
    pub routine: Option<String>,
    pub volume: Option<u8>,
    pub voice: Option<bool>,
    pub notifications: Option<Level>,
    /// `Some(None)`: no bedtime reminder.
    pub bedtime: Option<Option<jiff::civil::Time>>,
    pub days: Option<Days>,
    /// `Some(None)`: no water reminders.
    pub water: Option<Option<Water>>,
    pub install: Option<bool>,
    pub yes: bool,
    pub reset: bool,
}

impl SetupFlags {
    /// Whether any choice is given on the command line.
    fn any_choice(&self) -> bool {
        self.routine.is_some()
            || self.volume.is_some()
            || self.voice.is_some()
            || self.notifications.is_some()
            || self.bedtime.is_some()
            || self.days.is_some()
            || self.water.is_some()
            || self.install.is_some()
    }

    /// The flags laid over `choices`.
    fn apply_to(&self, choices: &mut Choices) {
        if let Some(routine) = &self.routine {
            choices.routine = routine.clone();
        }
        if let Some(volume) = self.volume {
            choices.volume = volume;
        }
        if let Some(voice) = self.voice {
            choices.voice = voice;
        }
        if let Some(level) = self.notifications {
            choices.notifications = level;
        }
        match self.bedtime {
            Some(Some(at)) => {
                let days = choices.bedtime.as_ref().map_or(Days::EVERY, |b| b.days);
                choices.bedtime = Some(Bedtime { at, days });
            }
            Some(None) => choices.bedtime = None,
            None => {}
        }
        if let (Some(days), Some(bedtime)) = (self.days, choices.bedtime.as_mut()) {
            bedtime.days = days;
        }
        if let Some(water) = &self.water {
            choices.water = water.clone();
        }
    }
}

/// Set while a preview runs: Ctrl-C is then the preview's.
static PREVIEWING: AtomicBool = AtomicBool::new(false);

/// What setup says when it is left early.
const LEFT: &str = "Left setup; nothing was written.";

pub fn setup(ctx: &Context, flags: SetupFlags) -> Result<ExitCode> {
    let path = settings_file(&ctx.paths)?;
    super::session::setup_known(&ctx.paths);
    let exists = path.exists();
    let text = if exists {
        crate::tomlfile::read(&path)?
    } else {
        String::new()
    };
    let current = if flags.reset || !exists {
        None
    } else {
        match Config::parse(&text) {
            Ok(config) => Some(config),
            Err(diagnostics) => {
                eprint!(
                    "{}",
                    crate::diag::FileReport {
                        path: path.display().to_string(),
                        text: text.clone(),
                        diagnostics,
                    }
                    .render(ctx.paint)
                );
                return Err(Error::Usage(format!(
                    "setup starts from the settings, and {} has mistakes; correct them \
                     (`nocturne check` lists them), or start again from the defaults with \
                     `nocturne setup --reset`, which keeps the old file as config.toml.bak",
                    path.display()
                )));
            }
        }
    };
    let before = current.as_ref().map_or_else(Choices::defaults, Choices::of);
    let mut choices = before.clone();
    flags.apply_to(&mut choices);
    let mut install = flags.install.unwrap_or(false);

    let at_terminal = crate::journal::can_ask();
    let dialogue = at_terminal && !flags.any_choice() && !flags.yes;
    // In the dialogue the routine is chosen from the list; otherwise the
    // one asked for, or the one the settings name, must exist.
    if !dialogue {
        let whose = if flags.routine.is_some() {
            "--routine"
        } else {
            "`default_routine` in the settings"
        };
        check_routine(&ctx.paths, &choices.routine, whose)?;
    }
    let mut input = io::stdin().lock();
    if at_terminal {
        let _ = ctrlc::set_handler(|| {
            if !PREVIEWING.load(Ordering::Relaxed) {
                let _ = writeln!(io::stderr(), "\n{LEFT}");
                std::process::exit(130);
            }
        });
    }
    if flags.reset && exists && !flags.yes {
        if !at_terminal {
            return Err(Error::Usage(format!(
                "--reset replaces {} with setup's defaults (keeping it as config.toml.bak); \
                 there is no terminal to ask at, so pass --yes as well",
                path.display()
            )));
        }
        let sure = ask(
            &mut input,
            &format!(
                "This starts again from the defaults and replaces {}; the old file is kept as \
                 config.toml.bak. Go on? (y/n)",
                path.display()
            ),
            "n",
            yes_no,
        );
        if !matches!(sure, Answer::Value(true)) {
            eprintln!("{LEFT}");
            return Ok(ExitCode::SUCCESS);
        }
    }
    if dialogue {
        say(
            "Setting up nocturne: six short questions. Enter keeps the answer in \
             [brackets], b goes back a question, q leaves without writing anything.",
        );
        eprintln!();
        match questions(ctx, &mut input, &mut choices, &mut install) {
            Flow::Quit => {
                eprintln!("{LEFT}");
                return Ok(ExitCode::from(130));
            }
            Flow::Next | Flow::Back => {}
        }
    }

    let fresh = flags.reset || !exists;
    let new_text =
        crate::config::choices::apply(if fresh { "" } else { &text }, &before, &choices, fresh)
            .map_err(Error::Usage)?;
    let new_text = if fresh {
        format!("{}{new_text}", crate::remind::edit::SCHEMA_LINE)
    } else {
        new_text
    };
    let summary = summary(&choices, install, &path, exists, flags.reset);
    eprint!("{summary}");
    if new_text == text && !install {
        eprintln!("Nothing to change: the settings already say all this.");
        return Ok(finish());
    }
    if !flags.yes {
        if !at_terminal {
            return Err(Error::Usage(
                "nothing was written; there is no terminal to ask at, so add --yes to write \
                 these settings"
                    .to_owned(),
            ));
        }
        match ask(&mut input, "Write this? (y/n)", "y", yes_no) {
            Answer::Value(true) => {}
            _ => {
                eprintln!("{LEFT}");
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
    if new_text != text {
        if flags.reset && exists {
            let backup = path.with_file_name("config.toml.bak");
            std::fs::copy(&path, &backup).map_err(|e| {
                Error::Runtime(format!(
                    "cannot keep the old settings as {}: {}; nothing was written",
                    backup.display(),
                    crate::util::io_reason(&e)
                ))
            })?;
            eprintln!("The old settings are kept in {}.", backup.display());
        }
        crate::remind::edit::write(&path, if fresh { "" } else { &text }, &new_text)?;
        if fresh {
            crate::remind::edit::write_schema(&path);
        }
        eprintln!("Wrote {}.", path.display());
    }
    if install {
        if choices.bedtime.is_none() && choices.water.is_none() {
            eprintln!("There are no reminders, so the reminder service was not installed.");
        } else if let Err(e) = crate::remind::install::install(false, None) {
            eprint!("{}", e.render(ctx.paint));
            eprintln!(
                "The settings are written; `nocturne remind install` tries the service again."
            );
        }
    }
    Ok(finish())
}

/// A paragraph on stderr, wrapped at spaces to the terminal's width (at
/// most 80 columns).
fn say(text: &str) {
    let width = crate::output::terminal::size().map_or(80, |(columns, _)| usize::from(columns));
    for line in crate::output::terminal::wrap(text, width.min(80)) {
        eprintln!("{line}");
    }
}

/// The two commands a user needs from now on.
fn finish() -> ExitCode {
    println!("\nTonight:               nocturne run\nHow it is going:       nocturne stats");
    ExitCode::SUCCESS
}

fn check_routine(paths: &Paths, routine: &str, whose: &str) -> Result<()> {
    catalog::find(routine, paths.routines_dir().as_deref(), SoundFiles::Named)
        .map(|_| ())
        .map_err(|e| match e {
            Error::Usage(why) => Error::Usage(format!("{whose}: {why}")),
            other => other,
        })
}

/// What will be written, in words.
fn summary(choices: &Choices, install: bool, path: &Path, exists: bool, reset: bool) -> String {
    let verb = match (exists, reset) {
        (false, _) => "Setup will create",
        (true, true) => "Setup will start afresh in",
        (true, false) => "Setup will keep everything else in",
    };
    let or_none = |x: Option<String>| x.unwrap_or_else(|| "none".to_owned());
    let mut out = format!(
        "\n{verb} {}:\n  tonight's routine     {}\n  volume                {}\n  voice                 {}\n  \
         notifications         {}\n  bedtime reminder      {}\n  water reminders       {}\n",
        path.display(),
        choices.routine,
        choices.volume,
        if choices.voice { "on" } else { "off" },
        choices.notifications.as_str(),
        or_none(choices.bedtime.as_ref().map(ToString::to_string)),
        or_none(choices.water.as_ref().map(|w| {
            format!(
                "every {} from {} to {}",
                crate::util::human(w.every.unsigned_abs()),
                time_of_day(w.from),
                time_of_day(w.until)
            )
        })),
    );
    if install {
        out.push_str(
            "  reminder service      started with your session (`nocturne remind install`)\n",
        );
    }
    out.push('\n');
    out
}

/// Where the dialogue goes after a question.
enum Flow {
    Next,
    Back,
    Quit,
}

enum Answer<T> {
    Value(T),
    Back,
    Quit,
}

/// One question on stderr, its answer from stdin. Enter keeps `default`;
/// `b` is back, `q` (or the end of input) leaves; an answer that cannot be
/// read is asked again.
fn ask<T>(
    input: &mut dyn BufRead,
    question: &str,
    default: &str,
    parse: impl Fn(&str) -> std::result::Result<T, String>,
) -> Answer<T> {
    loop {
        eprint!("{question} [{default}]: ");
        let _ = io::stderr().flush();
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => {
                eprintln!();
                return Answer::Quit;
            }
            Ok(_) => {}
        }
        let text = line.trim();
        match text.to_lowercase().as_str() {
            "q" | "quit" => return Answer::Quit,
            "b" | "back" => return Answer::Back,
            _ => {}
        }
        let text = if text.is_empty() { default } else { text };
        match parse(text) {
            Ok(value) => return Answer::Value(value),
            Err(why) => eprintln!("  {why}"),
        }
    }
}

fn yes_no(text: &str) -> std::result::Result<bool, String> {
    match text.to_lowercase().as_str() {
        "y" | "yes" => Ok(true),
        "n" | "no" => Ok(false),
        _ => Err("answer y or n (or b to go back, q to leave)".to_owned()),
    }
}

/// The six questions, with `b` going back one.
fn questions(
    ctx: &Context,
    input: &mut dyn BufRead,
    choices: &mut Choices,
    install: &mut bool,
) -> Flow {
    let mut step: usize = 0;
    while step < 6 {
        eprintln!("{} of 6", step + 1);
        let flow = match step {
            0 => routine_question(ctx, input, choices),
            1 => volume_question(ctx, input, choices),
            2 => notification_question(input, choices),
            3 => bedtime_question(input, choices),
            4 => water_question(input, choices),
            _ => service_question(input, choices, install),
        };
        eprintln!();
        match flow {
            Flow::Next => step += 1,
            Flow::Back => step = step.saturating_sub(1),
            Flow::Quit => return Flow::Quit,
        }
    }
    Flow::Next
}

fn flow<T>(answer: Answer<T>, keep: impl FnOnce(T)) -> Flow {
    match answer {
        Answer::Value(value) => {
            keep(value);
            Flow::Next
        }
        Answer::Back => Flow::Back,
        Answer::Quit => Flow::Quit,
    }
}

fn routine_question(ctx: &Context, input: &mut dyn BufRead, choices: &mut Choices) -> Flow {
    let entries: Vec<(String, String, String)> =
        catalog::entries(ctx.paths.routines_dir().as_deref(), SoundFiles::Named)
            .into_iter()
            .filter_map(|entry| {
                let routine = entry.routine.ok()?;
                let about = routine.description.lines().next().unwrap_or("").to_owned();
                Some((entry.id, clock(routine.length()), about))
            })
            .collect();
    eprintln!("Which routine is tonight's?");
    let width = crate::output::terminal::size().map_or(80, |(columns, _)| usize::from(columns));
    for (i, (id, length, about)) in entries.iter().enumerate() {
        let about = crate::diag::clean(about);
        let line = format!("  {:>2}  {id:<22} {length:>5}  {about}", i + 1);
        eprintln!("{}", console::truncate_str(&line, width.max(20), "…"));
    }
    eprintln!("  (p and a number previews that routine at 30 times the speed)");
    loop {
        let answer = ask(
            input,
            "Routine: a number or a name",
            &choices.routine,
            |text| {
                let (preview, word) = match text.strip_prefix("p ").or(text.strip_prefix("p")) {
                    Some(rest) if !rest.trim().is_empty() => (true, rest.trim()),
                    _ => (false, text),
                };
                let id = match word.parse::<usize>() {
                    Ok(n) if (1..=entries.len()).contains(&n) => entries[n - 1].0.clone(),
                    Ok(_) => return Err(format!("type a number from 1 to {}", entries.len())),
                    Err(_) => match entries.iter().find(|(id, ..)| id == word) {
                        Some((id, ..)) => id.clone(),
                        None => {
                            return Err(format!(
                                "there is no routine called `{}`; type its number",
                                crate::diag::short(word)
                            ));
                        }
                    },
                };
                Ok((preview, id))
            },
        );
        match answer {
            Answer::Value((true, id)) => preview(&id),
            other => {
                return flow(other, |(_, id)| choices.routine = id);
            }
        }
    }
}

/// Runs the routine at 30 times the speed, in this terminal.
fn preview(id: &str) {
    let Ok(exe) = std::env::current_exe() else {
        eprintln!("  the preview cannot start: nocturne's own path is unknown");
        return;
    };
    PREVIEWING.store(true, Ordering::Relaxed);
    let status = std::process::Command::new(exe)
        .args([
            "run",
            id,
            "--speed",
            "30",
            "--no-notify",
            "--view",
            "compact",
        ])
        .status();
    PREVIEWING.store(false, Ordering::Relaxed);
    if let Err(e) = status {
        eprintln!("  the preview cannot start: {}", crate::util::io_reason(&e));
    }
}

fn volume_question(ctx: &Context, input: &mut dyn BufRead, choices: &mut Choices) -> Flow {
    say(&format!(
        "How loud? The cues should be quiet enough not to wake anyone beside you. \
         Listen to the hold cue{}:",
        if choices.voice { " and the voice" } else { "" }
    ));
    let config = crate::app::shared::settings(&ctx.paths).unwrap_or_default();
    hear(ctx, &config, choices);
    loop {
        let answer = ask(
            input,
            "Volume 0 to 100, + or - to change it by 10, h to hear it again",
            &choices.volume.to_string(),
            |text| match text {
                "+" => Ok(Some(choices.volume.saturating_add(10).min(100))),
                "-" => Ok(Some(choices.volume.saturating_sub(10))),
                "h" => Ok(None),
                _ => match text.parse::<u8>() {
                    Ok(v) if v <= 100 => Ok(Some(v)),
                    _ => Err("the volume is a whole number from 0 to 100".to_owned()),
                },
            },
        );
        match answer {
            Answer::Value(Some(volume)) if volume != choices.volume => {
                choices.volume = volume;
                hear(ctx, &config, choices);
            }
            Answer::Value(None) => hear(ctx, &config, choices),
            Answer::Value(Some(_)) => break,
            Answer::Back => return Flow::Back,
            Answer::Quit => return Flow::Quit,
        }
    }
    let on = if choices.voice { "on" } else { "off" };
    flow(
        ask(input, "Spoken guidance: on or off", on, |text| {
            match text.to_lowercase().as_str() {
                "on" | "y" | "yes" => Ok(true),
                "off" | "n" | "no" => Ok(false),
                _ => Err("answer on or off".to_owned()),
            }
        }),
        |voice| choices.voice = voice,
    )
}

/// Plays the hold cue, and says "Hold." where the voice is on, at the
/// chosen volume. Where there is no sound, says why in one line.
fn hear(ctx: &Context, config: &Config, choices: &Choices) {
    use crate::sound::{self, Speaker};
    let speaker = match Speaker::open(Duration::from_millis(500), None) {
        Ok(speaker) => speaker,
        Err(why) => {
            eprintln!("  (nothing can be heard here: {why})");
            return;
        }
    };
    if let Ok(clip) = sound::bundled(crate::routine::Cue::Hold) {
        speaker.play(&clip, sound::gain(choices.volume));
        std::thread::sleep(clip.duration() + Duration::from_millis(200));
    }
    if choices.voice {
        let voice = crate::voice::prepare(
            &config.voice,
            &crate::voice::Settings::default(),
            choices.volume,
            ctx.paths.voice_cache(),
        );
        match voice.map(|voice| (crate::voice::say(&voice, "Hold."), voice.volume)) {
            Some((Ok(clip), volume)) => {
                speaker.play(&clip, sound::gain(volume));
                std::thread::sleep(clip.duration() + Duration::from_millis(200));
            }
            Some((Err(why), _)) => eprintln!("  (the voice cannot speak: {why})"),
            None => eprintln!("  ({})", crate::voice::NO_ENGINE),
        }
    }
    speaker.close(Duration::from_secs(1));
}

fn notification_question(input: &mut dyn BufRead, choices: &mut Choices) -> Flow {
    say(
        "Desktop notifications say what to do now during a session, and carry the \
         reminders.",
    );
    let answer = ask(
        input,
        "Show them: all, steps, session or off",
        choices.notifications.as_str(),
        |text| {
            Level::parse(&text.to_lowercase())
                .ok_or_else(|| "answer all, steps, session or off".to_owned())
        },
    );
    let level = match answer {
        Answer::Value(level) => level,
        Answer::Back => return Flow::Back,
        Answer::Quit => return Flow::Quit,
    };
    choices.notifications = level;
    if level == Level::Off {
        return Flow::Next;
    }
    let note = crate::desktop::Note {
        summary: "nocturne: a test note".to_owned(),
        body: "If you can read this, notifications reach you.".to_owned(),
        category: "x-nocturne.test",
        urgent: false,
        transient: true,
        actions: Vec::new(),
    };
    match crate::desktop::Question::put(&note) {
        Ok(_) => match ask(
            input,
            "A test note was sent. Did you see it? (y/n)",
            "y",
            yes_no,
        ) {
            Answer::Value(true) => Flow::Next,
            Answer::Value(false) => {
                say(
                    "Then notes may not reach you here: `nocturne status` looks at why. \
                     Sessions still guide you with the screen, the cues and the voice.",
                );
                Flow::Next
            }
            Answer::Back => Flow::Back,
            Answer::Quit => Flow::Quit,
        },
        Err(why) => {
            say(&format!(
                "No note can be shown here ({why}); sessions still guide you with the \
                 screen, the cues and the voice."
            ));
            Flow::Next
        }
    }
}

fn bedtime_question(input: &mut dyn BufRead, choices: &mut Choices) -> Flow {
    eprintln!("A reminder at bedtime, with a button that starts tonight's routine.");
    let current = choices
        .bedtime
        .as_ref()
        .map_or("none".to_owned(), |b| time_of_day(b.at));
    let answer = ask(
        input,
        "Bedtime reminder: a time such as 22:00, or none",
        &current,
        |text| {
            if text.eq_ignore_ascii_case("none") {
                return Ok(None);
            }
            crate::civil::parse_clock(text).map(Some)
        },
    );
    let at = match answer {
        Answer::Value(Some(at)) => at,
        Answer::Value(None) => {
            choices.bedtime = None;
            return Flow::Next;
        }
        Answer::Back => return Flow::Back,
        Answer::Quit => return Flow::Quit,
    };
    let days = choices.bedtime.as_ref().map_or(Days::EVERY, |b| b.days);
    let shown = if days == Days::EVERY {
        "every day".to_owned()
    } else {
        days.to_string()
    };
    flow(
        ask(
            input,
            "On which days: every day, or such as mon-fri",
            &shown,
            |text| Days::parse([text]),
        ),
        |days| choices.bedtime = Some(Bedtime { at, days }),
    )
}

fn water_question(input: &mut dyn BufRead, choices: &mut Choices) -> Flow {
    say(
        "Drinking through the evening may help; a reminder can come every so often in a \
         window, such as every 45 minutes from 18:00 to 21:00.",
    );
    let current = choices
        .water
        .as_ref()
        .map_or("none".to_owned(), ToString::to_string);
    flow(
        ask(
            input,
            "Water reminders: FROM-UNTIL/SPACING, or none",
            &current,
            |text| {
                if text.eq_ignore_ascii_case("none") {
                    Ok(None)
                } else {
                    parse_water(text).map(Some)
                }
            },
        ),
        |water| choices.water = water,
    )
}

fn service_question(input: &mut dyn BufRead, choices: &Choices, install: &mut bool) -> Flow {
    if choices.bedtime.is_none() && choices.water.is_none() {
        eprintln!("No reminders, so no reminder service is needed.");
        *install = false;
        return Flow::Next;
    }
    say(
        "Reminders come from a small background service. `nocturne remind install` starts \
         it with your desktop session (a systemd user service on Linux, a launchd agent on \
         macOS), so they arrive without a terminal open; `nocturne remind uninstall` stops it.",
    );
    flow(
        ask(
            input,
            "Start the reminder service with your session? (y/n)",
            "y",
            yes_no,
        ),
        |yes| *install = yes,
    )
}
