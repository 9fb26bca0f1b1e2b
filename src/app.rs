//! What each command does, in the domain's terms. Output that a command
//! prints is rendered to a String first, so tests can read what a user sees.

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use jiff::tz::TimeZone;

use crate::clock::ServiceClock;
use crate::config::{Config, DEFAULT_VOLUME};
use crate::desktop;
use crate::diag::closest;
use crate::error::{Error, Result};
use crate::journal;
use crate::keys;
use crate::output::Outputs;
use crate::output::desktop::DesktopOutput;
use crate::output::events::EventLog;
use crate::output::journal::JournalOutput;
use crate::output::sound::SoundOutput;
use crate::output::terminal::{self, Look};
use crate::paths::Paths;
use crate::plan::{Plan, plan};
use crate::remind;
use crate::routine::catalog::{self, Entry, Origin};
use crate::routine::duration::{clock, human};
use crate::routine::load::SoundFiles;
use crate::routine::{Cue, Level, Routine};
use crate::session::clock::SystemClock;
use crate::session::{self, Control, Speed};
use crate::sound::{self, Speaker};

pub enum Command {
    Run(RunOptions),
    List {
        names: bool,
    },
    New {
        name: String,
        from: Option<String>,
    },
    Edit {
        routine: String,
    },
    Schema {
        routine: bool,
    },
    Show {
        routine: Option<String>,
    },
    Check {
        files: Vec<String>,
    },
    Sounds,
    PlaySound {
        name: String,
        volume: Option<u8>,
    },
    TestNotification {
        wait: Duration,
    },
    Log(crate::journal::CrampInput),
    Journal {
        nights: usize,
    },
    Export {
        json: bool,
        output: Option<PathBuf>,
    },
    JournalDelete {
        entry: journal::store::Entry,
        yes: bool,
    },
    /// `color`: for stdout, where the charts go.
    Stats {
        weeks: usize,
        color: bool,
    },
    RemindAdd(crate::remind::edit::Addition),
    RemindList,
    RemindRemove {
        id: usize,
    },
    RemindNext {
        count: usize,
        after: Option<String>,
        json: bool,
    },
    RemindDaemon,
    RemindInstall {
        print: bool,
    },
    RemindUninstall,
}

pub struct RunOptions {
    pub routine: Option<String>,
    pub speed: Speed,
    /// 0 to 100; 0 turns sound off.
    pub volume: Option<u8>,
    /// `false` turns desktop notifications off for this session.
    pub notify: bool,
    /// Where to note how long each cue took to reach the device
    /// (`NOCTURNE_SOUND_TRACE`, for the benchmark).
    pub sound_trace: Option<PathBuf>,
    pub events: Option<EventsTo>,
    /// stderr is a terminal that can redraw bars.
    pub bars: bool,
    /// stdin is a terminal to read keys from.
    pub keys: bool,
}

pub enum EventsTo {
    Stdout,
    File(PathBuf),
}

pub fn run(command: Command, color: bool) -> Result<ExitCode> {
    let paths = Paths::from_env();
    match command {
        Command::Run(options) => run_session(&paths, options, color),
        Command::List { names: false } => print(&list(&paths)),
        Command::List { names: true } => {
            let mut names: Vec<String> =
                catalog::entries(paths.routines_dir().as_deref(), SoundFiles::Named)
                    .into_iter()
                    .map(|e| e.id)
                    .collect();
            names.dedup();
            print(&format!("{}\n", names.join("\n")))
        }
        Command::New { name, from } => {
            let dir = routines_dir(&paths)?;
            let path = crate::routine::author::new(&name, from.as_deref(), &dir)?;
            let id = name.strip_suffix(".toml").unwrap_or(&name);
            if crate::routine::catalog::BUNDLED
                .iter()
                .any(|(b, _)| *b == id)
            {
                eprintln!(
                    "note: it takes the place of the bundled {id} routine; delete the file to have \
                     that one back"
                );
            }
            print(&format!("{}\n", path.display()))
        }
        Command::Edit { routine } => {
            use crate::routine::author::{Edited, edit};
            let dir = routines_dir(&paths)?;
            let mut stdin = io::stdin().lock();
            let ask: Option<&mut dyn io::BufRead> = if journal::can_ask() {
                Some(&mut stdin)
            } else {
                None
            };
            match edit(&routine, &dir, DECODED, color, ask)? {
                Edited::Valid(path) => {
                    eprintln!("{}: ok", path.display());
                    Ok(ExitCode::SUCCESS)
                }
                Edited::KeptInvalid(path) => {
                    eprintln!(
                        "Kept {} with its problems; `nocturne check` shows them.",
                        path.display()
                    );
                    Ok(ExitCode::from(2))
                }
                Edited::Discarded(path) => {
                    eprintln!("Discarded the change; {} is as it was.", path.display());
                    Ok(ExitCode::from(2))
                }
            }
        }
        Command::Schema { routine } => {
            let schema = if routine {
                crate::schema::routine()
            } else {
                crate::schema::config()
            };
            print(&crate::schema::text_of(&schema))
        }
        Command::Show { routine } => {
            let config = if routine.is_some() {
                Config::default()
            } else {
                settings(&paths)?
            };
            let (routine, origin) = find(&paths, routine.as_deref(), &config, SoundFiles::Named)?;
            print(&show(&plan(routine), &origin))
        }
        Command::Check { files } => check(&paths, &files, color),
        Command::Sounds => print(&sounds()),
        Command::PlaySound { name, volume } => {
            let volume = match volume {
                Some(v) => v,
                None => settings(&paths)?.volume.unwrap_or(DEFAULT_VOLUME),
            };
            play_sound(&name, volume)
        }
        Command::TestNotification { wait } => test_notification(wait),
        Command::Log(input) => {
            let tz = crate::zone::system();
            let input = if !input.is_empty() {
                input
            } else if journal::can_ask() {
                let now = ServiceClock::new().wall();
                match journal::interview(&mut io::stdin().lock(), "now", now, &tz) {
                    Ok(input) => input,
                    Err(journal::Cancelled) => return Ok(cancelled()),
                }
            } else {
                return Err(Error::Usage(
                    "there is no terminal to ask the questions at; say what to log, such as \
                     `nocturne log --at now` or `nocturne log --at 03:10 --leg left --muscle calf`"
                        .to_owned(),
                ));
            };
            let said = journal::log(
                &journal_file(&paths)?,
                input,
                ServiceClock::new().wall(),
                &tz,
            )?;
            eprint!("{said}");
            Ok(ExitCode::SUCCESS)
        }
        Command::JournalDelete { entry, yes } => {
            let file = journal_file(&paths)?;
            let what = journal::find(&file, entry, &crate::zone::system())?;
            if !yes {
                if !journal::can_ask() {
                    return Err(Error::Usage(format!(
                        "this removes {what}; there is no terminal to ask at, so pass --yes to \
                         remove it"
                    )));
                }
                let sure = journal::ask(
                    &mut io::stdin().lock(),
                    &format!("Remove {what}? (y/n)"),
                    "n",
                    journal::yes_no,
                );
                if sure != Ok(true) {
                    eprintln!("Kept it; nothing was removed.");
                    return Ok(ExitCode::SUCCESS);
                }
            }
            journal::delete(&file, entry)?;
            eprintln!("Removed {what}.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Journal { nights } => {
            let tz = crate::zone::system();
            let today = journal::when::night_of(ServiceClock::new().wall(), &tz);
            print(&journal::nights(
                &journal_file(&paths)?,
                today,
                nights,
                &tz,
            )?)
        }
        Command::Export { json, output } => {
            let (sessions, cramps) = journal::everything(&journal_file(&paths)?)?;
            let text = if json {
                journal::export::json(&sessions, &cramps)
            } else {
                journal::export::csv(&sessions, &cramps)
            };
            match output {
                None => print(&text),
                Some(path) => {
                    let mut file = std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(&path)
                        .map_err(|e| {
                            Error::Usage(format!(
                                "cannot write {}: {}; nothing the file held was changed",
                                path.display(),
                                crate::tomlfile::io_reason(&e)
                            ))
                        })?;
                    file.write_all(text.as_bytes()).map_err(|e| {
                        Error::Runtime(format!("cannot write {}: {e}", path.display()))
                    })?;
                    eprintln!(
                        "Wrote {} sessions and {} cramps to {}.",
                        sessions.len(),
                        cramps.len(),
                        path.display()
                    );
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
        Command::Stats { weeks, color } => {
            let tz = crate::zone::system();
            let today = journal::when::night_of(ServiceClock::new().wall(), &tz);
            let (sessions, cramps) = journal::everything(&journal_file(&paths)?)?;
            let width = console::Term::stdout()
                .size_checked()
                .map_or(80, |(_, w)| w as usize);
            // The page is nocturne's own words and styles; only the
            // cramps' notes come from the user, and it does not show them.
            print_styled(&journal::stats::render(
                &sessions, &cramps, today, &tz, weeks, width, color,
            ))
        }
        Command::RemindAdd(addition) => remind_add(&paths, &addition),
        Command::RemindList => {
            let config = settings(&paths)?;
            let clock = ServiceClock::new();
            print(&remind::list(
                &config.reminders,
                clock.wall(),
                &crate::zone::system(),
            ))
        }
        Command::RemindRemove { id } => {
            let file = settings_file(&paths)?;
            let removed = remind::edit::remove(&file, id)?;
            eprintln!("Removed reminder {id}: {removed}.");
            Ok(ExitCode::SUCCESS)
        }
        Command::RemindNext { count, after, json } => {
            let config = settings(&paths)?;
            let tz = crate::zone::system();
            let after = match after {
                Some(text) => parse_moment(&text, &tz)?,
                None => ServiceClock::new().wall(),
            };
            print(&remind::upcoming(
                &config.reminders,
                after,
                &tz,
                count,
                json,
            ))
        }
        Command::RemindDaemon => remind::service::run(&paths),
        Command::RemindInstall { print: only_print } => remind::install::install(only_print),
        Command::RemindUninstall => remind::install::uninstall(),
    }
}

fn journal_file(paths: &Paths) -> Result<PathBuf> {
    paths
        .data_file(journal::store::FILE)
        .ok_or_else(|| Error::Runtime("no folder for the journal could be found".to_owned()))
}

fn settings_file(paths: &Paths) -> Result<PathBuf> {
    paths
        .config_file()
        .ok_or_else(|| Error::Runtime("no folder for the settings could be found".to_owned()))
}

fn remind_add(paths: &Paths, addition: &remind::edit::Addition) -> Result<ExitCode> {
    if let Some(routine) = &addition.reminder.routine {
        catalog::find(routine, paths.routines_dir().as_deref(), SoundFiles::Named)?;
    }
    let file = settings_file(paths)?;
    let number = remind::edit::add(&file, addition)?;
    let tz = crate::zone::system();
    let next = remind::next::next_fire(&addition.reminder, ServiceClock::new().wall(), &tz)
        .map(|at| format!("; next {}", remind::local(at, &tz)))
        .unwrap_or_default();
    eprintln!("Added reminder {number}: {}{next}.", addition.reminder);
    Ok(ExitCode::SUCCESS)
}

/// An RFC 3339 instant, or a local date and time such as 2026-03-07T20:00.
fn parse_moment(text: &str, tz: &TimeZone) -> Result<jiff::Timestamp> {
    if let Ok(at) = text.parse::<jiff::Timestamp>() {
        return Ok(at);
    }
    text.parse::<jiff::civil::DateTime>()
        .map(|local| crate::civil::resolve(tz, local))
        .map_err(|_| {
            Error::Usage(format!(
                "`{}` is not a time; write a local date and time such as 2026-03-07T20:00, \
                 or an RFC 3339 instant such as 2026-03-07T20:00:00-05:00",
                crate::diag::short(text)
            ))
        })
}

/// Sends a note with a reminder's buttons and says what became of it.
fn test_notification(wait: Duration) -> Result<ExitCode> {
    let note = desktop::Note {
        summary: "nocturne: a test note".to_owned(),
        body: "If you can read this, notifications work. Try a button.".to_owned(),
        category: "x-nocturne.test",
        urgent: true,
        transient: false,
        actions: vec![
            ("start".to_owned(), "Start now".to_owned()),
            ("snooze".to_owned(), "Snooze 10 min".to_owned()),
        ],
    };
    let unavailable = |why| Error::Runtime(format!("notifications are not available: {why}"));
    let question = desktop::Question::put(&note).map_err(unavailable)?;
    eprintln!(
        "Sent a test note; waiting up to {} s for an answer.",
        wait.as_secs()
    );
    let answer = question.answer(wait).map_err(unavailable)?;
    let said = match answer {
        desktop::Answer::Action(key) => {
            let label = note
                .actions
                .iter()
                .find(|(id, _)| *id == key)
                .map_or(key.as_str(), |(_, label)| label.as_str());
            format!("You chose \"{label}\".")
        }
        desktop::Answer::Closed => "The note was closed.".to_owned(),
        desktop::Answer::Expired => "The note expired without an answer.".to_owned(),
        desktop::Answer::Silence => format!("No answer within {} s.", wait.as_secs()),
    };
    print(&format!("{said}\n"))
}

/// The user's settings, or the defaults where there is no settings file.
fn settings(paths: &Paths) -> Result<Config> {
    match paths.config_file() {
        Some(file) => Ok(Config::load(&file)?),
        None => Ok(Config::default()),
    }
}

pub fn sounds() -> String {
    let rows: Vec<[String; 3]> = Cue::ALL
        .iter()
        .map(|cue| {
            let length = sound::bundled(*cue)
                .map(|clip| format!("{:.2}s", clip.duration().as_secs_f64()))
                .unwrap_or_else(|e| format!("({e})"));
            [cue.to_string(), length, cue.when().to_owned()]
        })
        .collect();
    let mut out = table(
        &["CUE", "LENGTH", "PLAYS WHEN"],
        &rows,
        &[false, true, false],
    );
    out.push_str("\nTry one: nocturne sounds play relax --volume 40\n");
    out
}

fn play_sound(name: &str, volume: u8) -> Result<ExitCode> {
    let clip = match Cue::parse(name) {
        Some(cue) => sound::bundled(cue),
        None if catalog::is_path(name) || name.contains('.') => sound::load_file(Path::new(name))
            .map_err(|why| format!("{} cannot be played: {why}", crate::diag::short(name))),
        None => {
            let hint = closest(name, Cue::NAMES)
                .map(|near| format!("did you mean `{near}`? "))
                .unwrap_or_default();
            return Err(Error::Usage(format!(
                "there is no sound called `{}`; {hint}`nocturne sounds` lists them",
                crate::diag::short(name)
            )));
        }
    }
    .map_err(Error::Usage)?;
    let speaker = Speaker::open(Duration::from_secs(3), None)
        .map_err(|why| Error::Runtime(format!("cannot play a sound: {why}")))?;
    eprintln!(
        "{name} · {:.2}s · volume {volume}",
        clip.duration().as_secs_f64()
    );
    speaker.play(&clip, sound::gain(volume), false);
    speaker.close(clip.duration() + Duration::from_secs(1));
    Ok(ExitCode::SUCCESS)
}

/// Prints to stdout; a reader that went away (`| head`) is not an error.
/// Names and paths come from the user's files, so control characters are
/// shown, never obeyed.
fn print(text: &str) -> Result<ExitCode> {
    print_styled(&crate::diag::clean(text))
}

/// Prints text whose escape sequences are nocturne's own colours.
fn print_styled(text: &str) -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(Error::Runtime(format!("cannot write the output: {e}")))
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// `check`, `edit` and `run` make sure every sound file a routine names
/// decodes; listing and showing routines only read their text.
const DECODED: SoundFiles = SoundFiles::Checked(|path| sound::load_file(path).map(|_| ()));

/// The routine named, or the default one.
fn find(
    paths: &Paths,
    word: Option<&str>,
    config: &Config,
    files: SoundFiles,
) -> Result<(Routine, Origin)> {
    let word = word
        .or(config.default_routine.as_deref())
        .unwrap_or(catalog::DEFAULT);
    catalog::find(word, paths.routines_dir().as_deref(), files)
}

fn origin_word(entry: &Entry) -> &'static str {
    match (&entry.origin, entry.shadowing) {
        (Origin::Bundled, false) => "bundled",
        (Origin::Bundled, true) => "bundled (hidden by yours)",
        (_, false) => "yours",
        (_, true) => "yours (replaces bundled)",
    }
}

pub fn list(paths: &Paths) -> String {
    let entries = catalog::entries(paths.routines_dir().as_deref(), SoundFiles::Named);
    let rows: Vec<[String; 4]> = entries
        .iter()
        .map(|entry| {
            let (length, about) = match &entry.routine {
                Ok(routine) => (
                    clock(routine.length()),
                    routine.description.lines().next().unwrap_or("").to_owned(),
                ),
                Err(_) => (
                    "-".to_owned(),
                    format!(
                        "invalid: see `nocturne check {}`",
                        entry
                            .origin
                            .path()
                            .map_or(String::new(), |p| p.display().to_string())
                    ),
                ),
            };
            [
                entry.id.clone(),
                origin_word(entry).to_owned(),
                length,
                about,
            ]
        })
        .collect();
    let mut out = table(
        &["NAME", "FROM", "LENGTH", "ABOUT"],
        &rows,
        &[false, false, true, false],
    );
    if let Some(dir) = paths.routines_dir() {
        out.push_str(&format!("\nYour routines live in {}\n", dir.display()));
    }
    out
}

pub fn show(plan: &Plan, origin: &Origin) -> String {
    let routine = &plan.routine;
    let from = match origin {
        Origin::Bundled => "bundled".to_owned(),
        Origin::User(path) | Origin::File(path) => path.display().to_string(),
    };
    let mut out = format!("{} ({}, {from})\n", routine.name, routine.id);
    if !routine.description.is_empty() {
        out.push_str(&format!("{}\n", routine.description));
    }
    if let Some(source) = &routine.source {
        out.push_str(&format!("Source: {source}\n"));
    }
    out.push('\n');

    let rows: Vec<[String; 6]> = plan
        .segments
        .iter()
        .map(|segment| {
            let step = plan.step(segment);
            [
                clock(segment.offset),
                human(segment.duration),
                plan.action(segment).to_owned(),
                step.name.clone(),
                segment.side.map_or(String::new(), |s| s.to_string()),
                if step.reps > 1 {
                    format!("{}/{}", segment.rep, step.reps)
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    out.push_str(&table(
        &["START", "LENGTH", "DO", "STEP", "SIDE", "REP"],
        &rows,
        &[true, true, false, false, false, false],
    ));
    out.push_str(&format!(
        "\nTotal {} in {} segments, {} steps\n",
        clock(plan.total),
        plan.segments.len(),
        routine.steps.len()
    ));
    out
}

/// Columns padded to their widest cell; `right` aligns numbers.
fn table<const N: usize>(header: &[&str; N], rows: &[[String; N]], right: &[bool; N]) -> String {
    let mut widths = header.map(console::measure_text_width);
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(console::measure_text_width(cell));
        }
    }
    let line = |cells: [&str; N]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = " ".repeat(widths[i] - console::measure_text_width(cell));
            if right[i] {
                text.push_str(&format!("{pad}{cell}  "));
            } else {
                text.push_str(&format!("{cell}{pad}  "));
            }
        }
        format!("{}\n", text.trim_end())
    };
    let mut out = line(*header);
    for row in rows {
        out.push_str(&line(row.each_ref().map(String::as_str)));
    }
    out
}

fn routines_dir(paths: &Paths) -> Result<PathBuf> {
    paths
        .routines_dir()
        .ok_or_else(|| Error::Runtime("no folder for your routines could be found".to_owned()))
}

/// `check` with no files: the settings and every routine of the user's.
fn check_everything(paths: &Paths, color: bool) -> Result<ExitCode> {
    let mut invalid = 0;
    let mut said = String::new();
    let entries = catalog::entries(paths.routines_dir().as_deref(), DECODED);
    if let Some(file) = paths.config_file().filter(|f| f.exists()) {
        let names: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
        let known = |word: &str| {
            if catalog::is_path(word) {
                Path::new(word).is_file()
            } else {
                names.contains(&word)
            }
        };
        let report = Config::load(&file).and_then(|_| {
            let text = crate::tomlfile::read(&file)?;
            let diagnostics = crate::config::missing_routines(&text, known, &names);
            if diagnostics.is_empty() {
                Ok(())
            } else {
                Err(crate::diag::FileReport {
                    path: file.display().to_string(),
                    text,
                    diagnostics,
                })
            }
        });
        match report {
            Ok(()) => said.push_str(&format!("{}: ok\n", file.display())),
            Err(report) => {
                invalid += 1;
                eprint!("{}", report.render(color));
            }
        }
    }
    for entry in entries.iter().filter(|e| e.origin != Origin::Bundled) {
        let path = entry
            .origin
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        match &entry.routine {
            Ok(_) if entry.shadowing => said.push_str(&format!(
                "{path}: ok (it replaces the bundled {} routine)\n",
                entry.id
            )),
            Ok(_) => said.push_str(&format!("{path}: ok\n")),
            Err(report) => {
                invalid += 1;
                eprint!("{}", report.render(color));
            }
        }
    }
    if said.is_empty() && invalid == 0 {
        let dir = paths
            .routines_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        said = format!("Nothing to check: no settings file, and no routines of yours in {dir}.\n");
    }
    print(&said)?;
    Ok(if invalid > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn check(paths: &Paths, words: &[String], color: bool) -> Result<ExitCode> {
    if words.is_empty() {
        return check_everything(paths, color);
    }
    let mut invalid = 0;
    let mut ok = String::new();
    for word in words {
        match catalog::find(word, paths.routines_dir().as_deref(), DECODED) {
            Ok((_, origin)) => {
                let name = origin
                    .path()
                    .map_or(word.clone(), |p| p.display().to_string());
                ok.push_str(&format!("{name}: ok\n"));
            }
            Err(e) => {
                invalid += 1;
                print(&std::mem::take(&mut ok))?;
                eprint!("{}", e.render(color));
            }
        }
    }
    print(&ok)?;
    Ok(if invalid > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// What the cramp questions say when they are left: Ctrl-D, Ctrl-C or a
/// termination signal. Exit code 130, as for an interrupted session.
const CANCELLED: &str = "Cancelled; nothing was logged.";

fn cancelled() -> ExitCode {
    eprintln!("{CANCELLED}");
    ExitCode::from(130)
}

/// After the cramp routine: log the cramp it relieved. Asked at a
/// terminal; elsewhere, said how. `None` when the user left the questions.
fn offer_to_log(paths: &Paths, started: jiff::Timestamp) -> Result<Option<()>> {
    let tz = crate::zone::system();
    let when = tz.to_datetime(started).time().strftime("%H:%M").to_string();
    if !journal::can_ask() {
        eprintln!("To log this cramp in your journal: nocturne log --at {when}");
        return Ok(Some(()));
    }
    eprintln!();
    let mut stdin = io::stdin().lock();
    let wanted = journal::ask(
        &mut stdin,
        "Log this cramp in your journal? (y/n)",
        "y",
        |t| match t.to_lowercase().as_str() {
            "" => Ok(true),
            other => journal::yes_no(other),
        },
    );
    let input = match wanted {
        Ok(false) => return Ok(Some(())),
        Ok(true) => journal::interview(&mut stdin, &when, ServiceClock::new().wall(), &tz),
        Err(cancelled) => Err(cancelled),
    };
    let Ok(input) = input else {
        return Ok(None);
    };
    let said = journal::log(
        &journal_file(paths)?,
        input,
        ServiceClock::new().wall(),
        &tz,
    )?;
    eprint!("{said}");
    Ok(Some(()))
}

/// Where Ctrl-C and termination signals go. While a session runs they end
/// it through the engine, so the summary is shown and the terminal
/// restored; once it is over (during the cramp questions) they leave at
/// once, without logging.
static INTERRUPTS: std::sync::Mutex<Option<std::sync::mpsc::Sender<Control>>> =
    std::sync::Mutex::new(None);

fn route_interrupts(to: Option<std::sync::mpsc::Sender<Control>>) {
    if let Ok(mut slot) = INTERRUPTS.lock() {
        *slot = to;
    }
}

fn on_interrupt() {
    let session = INTERRUPTS.lock().ok().and_then(|slot| slot.clone());
    match session {
        Some(session) => {
            let _ = session.send(Control::Interrupt);
        }
        None => {
            eprintln!("\n{CANCELLED}");
            std::process::exit(130);
        }
    }
}

/// Shown once, before the first session.
const DISCLAIMER: &str = "\
nocturne guides general self-care stretches; it does not diagnose or treat.
See a doctor about cramps that are severe, frequent, or that come with
swelling, redness, numbness or weakness. (This note appears once.)";

fn first_run_note(paths: &Paths) -> Option<&'static str> {
    let marker = paths.data_file("first-run-done")?;
    if marker.exists() {
        return None;
    }
    let written = marker
        .parent()
        .map(std::fs::create_dir_all)
        .transpose()
        .and_then(|_| File::create(&marker));
    // Where the note cannot be remembered, it is shown every time: better
    // than never.
    let _ = written;
    Some(DISCLAIMER)
}

fn run_session(paths: &Paths, options: RunOptions, color: bool) -> Result<ExitCode> {
    // At bedtime the stretches matter more than the settings: a mistake in
    // them is told in one line, and the session runs with the defaults.
    let config = match settings(paths) {
        Err(Error::File(report)) => {
            eprintln!(
                "nocturne: the settings have an error, so this session uses the defaults: {} \
                 (`nocturne check` shows every problem)",
                report.first_problem()
            );
            Config::default()
        }
        other => other?,
    };
    let (routine, _) = find(paths, options.routine.as_deref(), &config, DECODED)?;
    let volume = options
        .volume
        .or(routine.volume)
        .or(config.volume)
        .unwrap_or(DEFAULT_VOLUME);
    let offer_cramp_log = routine.offer_cramp_log;
    let notifications = if options.notify {
        routine
            .notifications
            .or(config.notifications)
            .unwrap_or(Level::All)
    } else {
        Level::Off
    };
    let plan = plan(routine);

    // Whether a notification service answers is asked on a thread of its
    // own, while the sound device opens.
    let desktop_ready = (notifications != Level::Off)
        .then(|| std::thread::spawn(|| desktop::probe(desktop::DEADLINE)));

    let mut outputs = Outputs::default();
    if let Some(to) = &options.events {
        let (out, what): (Box<dyn Write>, String) = match to {
            EventsTo::Stdout => (Box::new(io::stdout()), "stdout".to_owned()),
            EventsTo::File(path) => {
                let file = File::create(path).map_err(|e| {
                    Error::Usage(format!(
                        "cannot write events to {}: {}",
                        path.display(),
                        crate::tomlfile::io_reason(&e)
                    ))
                })?;
                (Box::new(file), path.display().to_string())
            }
        };
        outputs.push(EventLog::new(out, what));
    }

    // Redrawn bars and JSON lines on one terminal garble each other: the
    // display gives way to its plain lines, which mix with events cleanly.
    let mut bars = options.bars;
    if bars && matches!(options.events, Some(EventsTo::Stdout)) && io::stdout().is_terminal() {
        bars = false;
        outputs.notice(
            "events go to this terminal, so the display is plain lines; write them to a file \
             with --events FILE to keep the live display",
        );
    }

    if let Some(note) = first_run_note(paths) {
        eprintln!("{note}\n");
    }

    match paths.data_file(journal::store::FILE) {
        Some(file) => outputs.push(JournalOutput::start(file)),
        None => outputs.notice("the journal is off: no folder for it could be found"),
    }
    let started = ServiceClock::new().wall();

    // The device opens on its own thread; a slow one is waited for only
    // briefly, and before the session starts, so no segment is delayed.
    if volume > 0 {
        match Speaker::open(Duration::from_millis(500), options.sound_trace.clone()) {
            Ok(speaker) => {
                let (sound, problems) = SoundOutput::new(speaker, &plan, volume);
                for problem in problems {
                    outputs.notice(&problem);
                }
                outputs.push(sound);
            }
            Err(why) => outputs.notice(&format!("sound is off: {why}")),
        }
    }
    if let Some(ready) = desktop_ready {
        let ready = ready
            .join()
            .unwrap_or_else(|_| Err("the check failed".to_owned()))
            .and_then(|()| desktop::Notifier::start());
        match ready {
            Ok(notifier) => outputs.push(DesktopOutput::new(notifier, notifications)),
            Err(why) => outputs.notice(&format!("notifications are off: {why}")),
        }
    }

    let (mut clock, controls) = SystemClock::new();
    route_interrupts(Some(controls.clone()));
    let _ = ctrlc::set_handler(on_interrupt);
    keys::restore_on_panic();
    let mut look = Look {
        color,
        bars,
        keys: false,
    };
    let key_reader = if options.keys {
        match keys::listen(controls) {
            Ok(reader) => {
                look.keys = true;
                Some(reader)
            }
            Err(why) => {
                outputs.notice(&format!("keys are off: {why}"));
                None
            }
        }
    } else {
        None
    };
    outputs.push_boxed(terminal::display(look));

    let summary = session::run(&plan, options.speed, &mut clock, &mut outputs);
    // The key reader stops before anything else reads the terminal.
    drop(key_reader);
    // The session's own record reaches the journal before the cramp does.
    drop(outputs);
    route_interrupts(None);
    if offer_cramp_log && !summary.interrupted && offer_to_log(paths, started)?.is_none() {
        return Ok(cancelled());
    }
    Ok(if summary.interrupted {
        ExitCode::from(130)
    } else {
        ExitCode::SUCCESS
    })
}
