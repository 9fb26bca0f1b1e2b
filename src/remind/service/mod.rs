//! `nocturne remind daemon`: the reminder service. It sleeps until the next
//! reminder (waking at least every 30 seconds to notice a wall clock that
//! jumped), shows it as a desktop notification with "Start now" and
//! "Snooze" buttons, and logs one line per event to stderr. Editing the
//! settings takes effect at once; only one service runs per user.

pub mod terminal;
mod watch;

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::timetable::{Firing, Happening, Timetable};
use crate::clock::ServiceClock;
use crate::config::Config;
use crate::config::rules::{Reminder, clock};
use crate::desktop::{self, Answer, Note};
use crate::diag::FileReport;
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::routine::catalog;
use crate::util::human;

/// The water reminder's "Drank a glass" button.
const DRANK: &str = "drank";

/// How long a reminder waits for its buttons to be pressed.
const ANSWER_WAIT: Duration = Duration::from_secs(30 * 60);

enum Message {
    Stop,
    SettingsChanged,
    /// The reminder itself rather than its number: the settings may have
    /// changed while the note was up.
    Answer {
        reminder: Box<Reminder>,
        due: Timestamp,
        answer: std::result::Result<Answer, desktop::Error>,
    },
}

/// Holds the one-service-per-user lock for as long as it lives. The
/// operating system drops the lock when the process ends, however it
/// ends, so it cannot go stale.
struct Lock {
    _file: File,
}

fn lock(path: &Path) -> Result<Lock> {
    let failed = |source: std::io::Error| {
        Error::from(crate::remind::Error::Lock {
            path: path.to_owned(),
            source,
        })
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(failed)?;
    match file.try_lock() {
        Ok(()) => {
            let _ = file.set_len(0);
            let _ = write!(file, "{}", std::process::id());
            Ok(Lock { _file: file })
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            let pid = Some(pid.trim()).filter(|pid| !pid.is_empty());
            Err(crate::remind::Error::Running {
                pid: pid.map(str::to_owned),
            }
            .into())
        }
        Err(std::fs::TryLockError::Error(e)) => Err(failed(e)),
    }
}

/// The service's own say: one line per event, stamped with local time.
struct Log {
    tz: TimeZone,
}

impl Log {
    fn line(&self, at: Timestamp, what: &str) {
        let stamp = at.to_zoned_datetime(self.tz.clone());
        eprintln!("{} {what}", stamp.strftime("%Y-%m-%d %H:%M:%S %:z"));
    }
}

/// What woke the service, and so what it does next.
enum State {
    /// The time to look at the timetable came (or the settings' folder
    /// cannot tell of a change, and the file is compared instead).
    Due,
    /// The settings file was written.
    SettingsChanged,
    /// The user did something with a reminder's note.
    Answered {
        reminder: Box<Reminder>,
        due: Timestamp,
        answer: std::result::Result<Answer, desktop::Error>,
    },
    /// Ctrl-C, a signal to end, or nothing left to wake it.
    Stopping,
}

/// The running reminder service: the settings in force, the timetable
/// they give, and what it needs to tell of what happens.
struct Service {
    settings: PathBuf,
    /// Where "Drank a glass" logs the drink.
    journal: Option<PathBuf>,
    config: Config,
    table: Timetable,
    /// The problem with the settings file, once said, so that saving the
    /// same broken file again does not say it again.
    reload_error: Option<String>,
    log: Log,
    clock: ServiceClock,
    tell: Sender<Message>,
    inbox: Receiver<Message>,
    /// The settings file as last read, to notice a change at a wake-up.
    seen: watch::Fingerprint,
}

/// Where the running service holds its lock.
fn lock_path(paths: &Paths) -> Option<PathBuf> {
    paths
        .runtime
        .clone()
        .or_else(|| paths.data.clone())
        .map(|dir| dir.join("reminders.lock"))
}

/// A reminder service of this user's is running (`Some`, with its process
/// id where it wrote one), as its lock shows. Only looks: the lock file is
/// never made, and a free lock is let go at once.
pub fn running(paths: &Paths) -> Option<Option<String>> {
    let mut file = File::open(lock_path(paths)?).ok()?;
    match file.try_lock_shared() {
        Ok(()) => None,
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            Some(Some(pid.trim().to_owned()).filter(|pid| !pid.is_empty()))
        }
        Err(std::fs::TryLockError::Error(_)) => None,
    }
}

pub fn run(paths: &Paths) -> Result<ExitCode> {
    let settings = paths
        .config_file()
        .ok_or_else(|| Error::Runtime("no folder for the settings could be found".to_owned()))?;
    let journal = paths.data_file(crate::journal::store::FILE);
    let lock_path = lock_path(paths).ok_or_else(|| {
        Error::Runtime("no folder for the service's lock could be found".to_owned())
    })?;
    let _lock = lock(&lock_path)?;
    Service::start(settings, journal).run();
    Ok(ExitCode::SUCCESS)
}

impl Service {
    /// Reads the settings and says what the service will do. A broken file
    /// at start does not stop the service: it waits, with no reminders,
    /// for the file to be mended, as it does after a bad edit.
    fn start(settings: PathBuf, journal: Option<PathBuf>) -> Service {
        let tz = crate::zone::system();
        let log = Log { tz: tz.clone() };
        let clock = ServiceClock::new();
        let mut reload_error: Option<String> = None;
        let config = match Config::load(&settings) {
            Ok(config) => config,
            Err(report) => {
                let problem = first_problem(&report);
                tell_broken(&problem, false, &log, &clock);
                reload_error = Some(problem);
                Config::default()
            }
        };
        let (tell, inbox) = channel();
        let table = Timetable::new(config.reminders.clone(), tz, clock.wall());
        let seen = watch::fingerprint(&settings);
        Service {
            settings,
            journal,
            config,
            table,
            reload_error,
            log,
            clock,
            tell,
            inbox,
            seen,
        }
    }

    fn run(mut self) {
        let stop = self.tell.clone();
        let _ = ctrlc::set_handler(move || {
            let _ = stop.send(Message::Stop);
        });
        let changed = self.tell.clone();
        let watching = watch::watch(&self.settings, move || {
            let _ = changed.send(Message::SettingsChanged);
        });
        self.log.line(
            self.clock.wall(),
            &format!(
                "reminders on: {} from {}{}",
                plural(self.table.rules().len(), "reminder"),
                self.settings.display(),
                next_words(&self.table, &self.log)
            ),
        );
        if let Err(why) = &watching {
            self.log.line(
                self.clock.wall(),
                &format!("changes to the settings will be noticed within 30 s ({why})"),
            );
        }
        loop {
            match self.wait() {
                State::Stopping => break,
                State::Due => {
                    // Also where the folder is watched: a settings file
                    // that is a link can change in a folder that is not.
                    let changed = watch::fingerprint(&self.settings) != self.seen;
                    self.fire_due();
                    if changed {
                        self.reload();
                    }
                }
                State::SettingsChanged => {
                    // Whatever is due fires under the rules it was due by,
                    // before a reload counts the new rules from now.
                    self.fire_due();
                    self.reload();
                }
                State::Answered {
                    reminder,
                    due,
                    answer,
                } => {
                    self.answered(&reminder, due, answer);
                    self.fire_due();
                }
            }
        }
        self.log.line(self.clock.wall(), "reminders off");
    }

    /// Sleeps until the next reminder is due (at most 30 s, to notice a
    /// wall clock that jumped) or something happens.
    fn wait(&self) -> State {
        let wait = self.table.sleep_for(self.clock.wall());
        match self.inbox.recv_timeout(wait) {
            Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => State::Stopping,
            Ok(Message::SettingsChanged) => {
                // An editor's save can come as several events; take them as one.
                while let Ok(Message::SettingsChanged) =
                    self.inbox.recv_timeout(Duration::from_millis(100))
                {}
                State::SettingsChanged
            }
            Ok(Message::Answer {
                reminder,
                due,
                answer,
            }) => State::Answered {
                reminder,
                due,
                answer,
            },
            Err(RecvTimeoutError::Timeout) => State::Due,
        }
    }

    /// Fires, or logs as skipped, whatever the timetable has due now.
    fn fire_due(&mut self) {
        for happening in self.table.tick(self.clock.wall(), self.clock.mono()) {
            self.happened(happening);
        }
    }

    /// Reads the settings again: new rules, counted from now, or the old
    /// ones kept where the file has an error.
    fn reload(&mut self) {
        self.seen = watch::fingerprint(&self.settings);
        let (log, clock) = (&self.log, &self.clock);
        match Config::load(&self.settings) {
            Ok(new) => {
                self.table
                    .replace_rules(new.reminders.clone(), clock.wall());
                self.config = new;
                self.reload_error = None;
                log.line(
                    clock.wall(),
                    &format!(
                        "settings reloaded: {}{}",
                        plural(self.table.rules().len(), "reminder"),
                        next_words(&self.table, log)
                    ),
                );
            }
            Err(report) => {
                let problem = first_problem(&report);
                // Said once, however many times the broken file is saved.
                if self.reload_error.as_deref() != Some(problem.as_str()) {
                    tell_broken(&problem, true, log, clock);
                    self.reload_error = Some(problem);
                }
            }
        }
    }

    /// Logs one thing the timetable says happened; a reminder that fired
    /// is shown, and its answer waited for on a thread of its own.
    fn happened(&self, happening: Happening) {
        let (table, config, log, clock) = (&self.table, &self.config, &self.log, &self.clock);
        let now = clock.wall();
        let at_clock = |due: Timestamp| clock_at(due, &log.tz);
        match happening {
            Happening::ClockJumped { by } => {
                let way = if by.is_negative() { "back" } else { "forward" };
                log.line(
                    now,
                    &format!(
                        "the clock moved {way} by {}; reminders counted again",
                        human(by.unsigned_abs())
                    ),
                );
            }
            Happening::Skipped { rule, due } => {
                let reminder = &table.rules()[rule];
                let why = if reminder.is_bedtime() {
                    "missed beyond its grace period"
                } else {
                    "missed; the series carries on"
                };
                log.line(
                    now,
                    &format!(
                        "reminder {} due at {} skipped: {why}",
                        rule + 1,
                        at_clock(due)
                    ),
                );
            }
            Happening::Fired { rule, due, how } => {
                let reminder = &table.rules()[rule];
                let note = reminder_note(reminder, due, how, config, &log.tz);
                let when = match how {
                    Firing::OnTime => String::new(),
                    Firing::Missed => format!(" (missed at {})", at_clock(due)),
                    Firing::Snoozed => format!(" (snoozed from {})", at_clock(due)),
                };
                log.line(
                    now,
                    &format!("reminder {}: {}{when}", rule + 1, reminder.message()),
                );
                let tell = self.tell.clone();
                let reminder = Box::new(reminder.clone());
                std::thread::spawn(move || {
                    let answer = desktop::ask(&note, ANSWER_WAIT);
                    let _ = tell.send(Message::Answer {
                        reminder,
                        due,
                        answer,
                    });
                });
            }
        }
    }

    /// Does what the user asked with a reminder's note, and logs it.
    fn answered(
        &mut self,
        reminder: &Reminder,
        due: Timestamp,
        answer: std::result::Result<Answer, desktop::Error>,
    ) {
        let (config, table, log, clock) = (&self.config, &mut self.table, &self.log, &self.clock);
        let now = clock.wall();
        let position = table.position(reminder);
        // Log lines name the reminder by its number now; one taken out of the
        // settings while its note was up has none.
        let named = |what: &str| match position {
            Some(i) => format!("reminder {}: {what}", i + 1),
            None => format!("a reminder since removed ({}): {what}", reminder.message()),
        };
        let said = match answer {
            Ok(Answer::Action(key)) if key == "snooze" => match position {
                Some(rule) => {
                    let until = now
                        .checked_add(
                            jiff::SignedDuration::try_from(config.snooze).unwrap_or_default(),
                        )
                        .unwrap_or(now);
                    table.snooze(rule, due, until);
                    named(&format!("snoozed until {}", clock_at(until, &log.tz)))
                }
                None => named("not snoozed, it is no longer set"),
            },
            // Started even if the reminder has since gone: it is what was asked.
            Ok(Answer::Action(key)) if key == "start" => {
                let routine = routine_of(reminder, config);
                match terminal::start_in_terminal(&routine, config) {
                    Ok(how) => named(&format!("started {routine} ({how})")),
                    Err(why) => named(&format!("could not start {routine}: {why}")),
                }
            }
            // Logged even if the reminder has since gone: the glass was drunk.
            Ok(Answer::Action(key)) if key == DRANK => {
                let logged = match &self.journal {
                    Some(path) => crate::journal::log_glass(
                        path,
                        config.glass_ml,
                        crate::journal::record::DrinkSource::Reminder,
                        now,
                        &log.tz,
                    )
                    .map_err(|e| e.to_string()),
                    None => Err("no folder for the journal could be found".to_owned()),
                };
                let amount = crate::journal::amount::words(config.glass_ml.into());
                match logged {
                    Ok((entry, evening)) => named(&format!(
                        "drank a glass ({amount}), logged as {entry}; this evening: {evening}"
                    )),
                    Err(why) => named(&format!(
                        "drank a glass ({amount}), but it could not be logged: {why}"
                    )),
                }
            }
            Ok(Answer::Action(key)) => named(&format!("unknown answer {key:?}")),
            Ok(Answer::Closed) => named("dismissed"),
            Ok(Answer::Expired) => named("expired unanswered"),
            Ok(Answer::Silence) => return,
            Err(why) => named(&format!("could not be shown: {why}")),
        };
        log.line(now, &said);
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn next_words(table: &Timetable, log: &Log) -> String {
    match table.next() {
        Some((at, _)) => format!(
            "; next at {}",
            at.to_zoned_datetime(log.tz.clone())
                .strftime("%a %Y-%m-%d %H:%M")
        ),
        None => String::new(),
    }
}

/// Says in the log and on the desktop that the settings cannot be read;
/// `reloading` tells whether earlier settings are still in force.
fn tell_broken(problem: &str, reloading: bool, log: &Log, clock: &ServiceClock) {
    let (line, kept) = if reloading {
        (
            "settings not reloaded, the previous reminders stay on",
            "The previous reminders stay on.",
        )
    } else {
        (
            "settings not read, no reminders until they are mended",
            "No reminders until the file is mended.",
        )
    };
    log.line(clock.wall(), &format!("{line}: {problem}"));
    let note = Note {
        summary: "nocturne: the settings have an error".to_owned(),
        body: format!("{problem}\n{kept}"),
        category: "x-nocturne.reminder",
        urgent: true,
        transient: false,
        actions: Vec::new(),
    };
    std::thread::spawn(move || desktop::announce(&note));
}

/// "config.toml:3:6: `at` of reminder 1 is not a clock time".
fn first_problem(report: &FileReport) -> String {
    let Some(first) = report.diagnostics.first() else {
        return format!("{}: cannot be read", report.path);
    };
    match &first.span {
        Some(span) => {
            let (line, col) = crate::diag::line_col(&report.text, span.start);
            format!("{}:{line}:{col}: {}", report.path, first.message)
        }
        None => format!("{}: {}", report.path, first.message),
    }
}

fn clock_at(at: Timestamp, tz: &TimeZone) -> String {
    clock(tz.to_datetime(at).time())
}

/// The routine a reminder's "Start now" opens.
fn routine_of(reminder: &Reminder, config: &Config) -> String {
    reminder
        .routine
        .clone()
        .or_else(|| config.default_routine.clone())
        .unwrap_or_else(|| catalog::DEFAULT.to_owned())
}

fn reminder_note(
    reminder: &Reminder,
    due: Timestamp,
    how: Firing,
    config: &Config,
    tz: &TimeZone,
) -> Note {
    let delay = match config.snooze.as_secs() {
        secs if secs % 60 == 0 => format!("{} min", secs / 60),
        _ => human(config.snooze),
    };
    let snooze = ("snooze".to_owned(), format!("Snooze {delay}"));
    let (body, actions) = if reminder.is_bedtime() {
        let routine = routine_of(reminder, config);
        let length = catalog::bundled(&routine)
            .and_then(Result::ok)
            .map(|r| format!(", about {}", crate::util::clock(r.length())))
            .unwrap_or_default();
        (
            format!("Your {routine} routine{length}, right before sleep."),
            vec![("start".to_owned(), "Start now".to_owned()), snooze],
        )
    } else {
        // Snooze stays the main action: a click on the note's body must
        // not log a drink that was not had.
        (
            "A small glass is plenty.".to_owned(),
            vec![snooze, (DRANK.to_owned(), "Drank a glass".to_owned())],
        )
    };
    let late = match how {
        Firing::OnTime => String::new(),
        Firing::Missed => format!("\nMissed at {}.", clock_at(due, tz)),
        Firing::Snoozed => format!("\nSnoozed from {}.", clock_at(due, tz)),
    };
    Note {
        summary: reminder.message().to_owned(),
        body: format!("{body}{late}"),
        category: "x-nocturne.reminder",
        urgent: true,
        transient: false,
        actions,
    }
}
