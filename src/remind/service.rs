//! `nocturne remind daemon`: the reminder service. It sleeps until the next
//! reminder (waking at least every 30 seconds to notice a wall clock that
//! jumped), shows it as a desktop notification with "Start now" and
//! "Snooze" buttons, and logs one line per event to stderr. Editing the
//! settings takes effect at once; only one service runs per user.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::time::{Duration, SystemTime};

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::rules::{Reminder, clock};
use super::timetable::{Firing, Happening, Timetable};
use crate::config::Config;
use crate::desktop::{self, Answer, Note};
use crate::diag::FileReport;
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::routine::catalog;
use crate::routine::duration::human;
use crate::session::clock::ServiceClock;

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
    let failed = |e: std::io::Error| {
        Error::Runtime(format!(
            "cannot take the service's lock {}: {}",
            path.display(),
            crate::tomlfile::io_reason(&e)
        ))
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
            let who = match pid.trim() {
                "" => String::new(),
                pid => format!(" (process {pid})"),
            };
            Err(Error::Runtime(format!(
                "the reminder service is already running{who}; only one runs at a time"
            )))
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

/// What the settings file looked like when last read, to notice a change
/// where the folder cannot be watched.
fn fingerprint(path: &Path) -> Option<(SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

pub fn run(paths: &Paths) -> Result<ExitCode> {
    let settings = paths
        .config_file()
        .ok_or_else(|| Error::Runtime("no folder for the settings could be found".to_owned()))?;
    let lock_path = paths
        .runtime
        .clone()
        .or_else(|| paths.data.clone())
        .map(|dir| dir.join("reminders.lock"))
        .ok_or_else(|| {
            Error::Runtime("no folder for the service's lock could be found".to_owned())
        })?;
    let _lock = lock(&lock_path)?;

    let tz = crate::zone::system();
    let log = Log { tz: tz.clone() };
    let clock = ServiceClock::new();
    // A broken file at start does not stop the service: it waits, with no
    // reminders, for the file to be mended, as it does after a bad edit.
    let mut reload_error: Option<String> = None;
    let mut config = match Config::load(&settings) {
        Ok(config) => config,
        Err(report) => {
            let problem = first_problem(&report);
            tell_broken(&problem, false, &log, &clock);
            reload_error = Some(problem);
            Config::default()
        }
    };
    let (tell, inbox) = channel();

    let stop = tell.clone();
    let _ = ctrlc::set_handler(move || {
        let _ = stop.send(Message::Stop);
    });
    let watching = watch(&settings, tell.clone());

    let mut table = Timetable::new(config.reminders.clone(), tz.clone(), clock.wall());
    log.line(
        clock.wall(),
        &format!(
            "reminders on: {} from {}{}",
            plural(table.rules().len(), "reminder"),
            settings.display(),
            next_words(&table, &log)
        ),
    );
    if let Err(why) = &watching {
        log.line(
            clock.wall(),
            &format!("changes to the settings will be noticed within 30 s ({why})"),
        );
    }

    let mut seen = fingerprint(&settings);
    loop {
        let wait = table.sleep_for(clock.wall());
        let changed = match inbox.recv_timeout(wait) {
            Ok(Message::Stop) | Err(RecvTimeoutError::Disconnected) => break,
            Ok(Message::SettingsChanged) => {
                // An editor's save can come as several events; take them as one.
                while let Ok(Message::SettingsChanged) =
                    inbox.recv_timeout(Duration::from_millis(100))
                {}
                true
            }
            Ok(Message::Answer {
                reminder,
                due,
                answer,
            }) => {
                answered(&reminder, due, answer, &config, &mut table, &log, &clock);
                false
            }
            // Also where the folder is watched: a settings file that is a
            // link can change in a folder that is not.
            Err(RecvTimeoutError::Timeout) => fingerprint(&settings) != seen,
        };
        // Whatever is due fires under the rules it was due by, before a
        // reload counts the new rules from now.
        for happening in table.tick(clock.wall(), clock.mono()) {
            happened(happening, &table, &config, &log, &clock, &tell);
        }
        if changed {
            seen = fingerprint(&settings);
            let state = (&mut config, &mut table, &mut reload_error);
            reload(&settings, state, &log, &clock);
        }
    }
    log.line(clock.wall(), "reminders off");
    Ok(ExitCode::SUCCESS)
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

fn reload(
    settings: &Path,
    (config, table, reload_error): (&mut Config, &mut Timetable, &mut Option<String>),
    log: &Log,
    clock: &ServiceClock,
) {
    match Config::load(settings) {
        Ok(new) => {
            table.replace_rules(new.reminders.clone(), clock.wall());
            *config = new;
            *reload_error = None;
            log.line(
                clock.wall(),
                &format!(
                    "settings reloaded: {}{}",
                    plural(table.rules().len(), "reminder"),
                    next_words(table, log)
                ),
            );
        }
        Err(report) => {
            let problem = first_problem(&report);
            // Said once, however many times the broken file is saved.
            if reload_error.as_deref() != Some(problem.as_str()) {
                tell_broken(&problem, true, log, clock);
                *reload_error = Some(problem);
            }
        }
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

fn happened(
    happening: Happening,
    table: &Timetable,
    config: &Config,
    log: &Log,
    clock: &ServiceClock,
    tell: &Sender<Message>,
) {
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
            let tell = tell.clone();
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
            .map(|r| format!(", about {}", crate::routine::duration::clock(r.length())))
            .unwrap_or_default();
        (
            format!("Your {routine} routine{length}, right before sleep."),
            vec![("start".to_owned(), "Start now".to_owned()), snooze],
        )
    } else {
        ("A small glass is plenty.".to_owned(), vec![snooze])
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

fn answered(
    reminder: &Reminder,
    due: Timestamp,
    answer: std::result::Result<Answer, desktop::Error>,
    config: &Config,
    table: &mut Timetable,
    log: &Log,
    clock: &ServiceClock,
) {
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
                    .checked_add(jiff::SignedDuration::try_from(config.snooze).unwrap_or_default())
                    .unwrap_or(now);
                table.snooze(rule, due, until);
                named(&format!("snoozed until {}", clock_at(until, &log.tz)))
            }
            None => named("not snoozed, it is no longer set"),
        },
        // Started even if the reminder has since gone: it is what was asked.
        Ok(Answer::Action(key)) if key == "start" => {
            let routine = routine_of(reminder, config);
            match start_in_terminal(&routine, config) {
                Ok(how) => named(&format!("started {routine} ({how})")),
                Err(why) => named(&format!("could not start {routine}: {why}")),
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

/// The platform's usual way to open a terminal running a command, before
/// the command itself.
fn default_terminal() -> Option<Vec<String>> {
    if cfg!(target_os = "macos") {
        return None;
    }
    if cfg!(windows) {
        return Some(vec![
            "cmd".into(),
            "/c".into(),
            "start".into(),
            // `start` takes its first quoted word as the window's title; an
            // empty one (passed as "") keeps the program's path from
            // being taken for it.
            String::new(),
        ]);
    }
    if let Some(terminal) = std::env::var_os("TERMINAL").filter(|t| !t.is_empty()) {
        return Some(vec![terminal.to_string_lossy().into_owned(), "-e".into()]);
    }
    let on_path = |name: &str| {
        std::env::var_os("PATH")
            .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
    };
    [
        ("x-terminal-emulator", "-e"),
        ("gnome-terminal", "--"),
        ("konsole", "-e"),
        ("xfce4-terminal", "-x"),
        ("kitty", "--"),
        ("alacritty", "-e"),
        ("xterm", "-e"),
    ]
    .into_iter()
    .find(|(name, _)| on_path(name))
    .map(|(name, flag)| vec![name.to_owned(), flag.to_owned()])
}

/// Opens a terminal that runs `nocturne run ROUTINE`.
/// The AppleScript that opens Terminal.app on `exe run routine`: each word
/// is quoted for the shell, then the whole line for an AppleScript string.
fn terminal_app_script(exe: &str, routine: &str) -> String {
    let shell = |word: &str| format!("'{}'", word.replace('\'', "'\\''"));
    let line = format!("{} run {}", shell(exe), shell(routine));
    format!(
        "tell application \"Terminal\" to do script \"{}\"",
        line.replace('\\', "\\\\").replace('"', "\\\"")
    )
}

fn start_in_terminal(routine: &str, config: &Config) -> std::result::Result<String, String> {
    let exe: PathBuf =
        std::env::current_exe().map_err(|e| format!("cannot find nocturne itself: {e}"))?;
    let mut command = match config.terminal.clone().or_else(default_terminal) {
        Some(terminal) => {
            let mut command = Command::new(&terminal[0]);
            command
                .args(&terminal[1..])
                .arg(&exe)
                .args(["run", routine]);
            command
        }
        None if cfg!(target_os = "macos") => {
            let script = terminal_app_script(&exe.display().to_string(), routine);
            let mut command = Command::new("osascript");
            command.args(["-e", &script]);
            command
        }
        None => {
            return Err("no terminal was found; set `terminal` in the settings".to_owned());
        }
    };
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{program}: {}", crate::tomlfile::io_reason(&e)))?;
    // Reap it when it ends, so it leaves nothing behind.
    std::thread::spawn(move || child.wait());
    Ok(format!("in {program}"))
}

/// Tells the service when the settings file changes: at once where the
/// folder can be watched (Linux); elsewhere the service looks at each
/// wake-up.
#[cfg(target_os = "linux")]
fn watch(settings: &Path, tell: Sender<Message>) -> std::result::Result<(), String> {
    use std::os::unix::ffi::OsStrExt;

    let dir = settings.parent().ok_or("the settings have no folder")?;
    let name = settings
        .file_name()
        .ok_or("the settings have no name")?
        .to_owned();
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    // SAFETY: plain system calls on a descriptor this function owns.
    let fd = unsafe { libc::inotify_init1(libc::IN_CLOEXEC) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error().to_string());
    }
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).map_err(|e| e.to_string())?;
    let mask = libc::IN_CLOSE_WRITE
        | libc::IN_MOVED_TO
        | libc::IN_CREATE
        | libc::IN_DELETE
        | libc::IN_MOVED_FROM;
    // SAFETY: `fd` is an inotify descriptor and `path` a valid C string.
    if unsafe { libc::inotify_add_watch(fd, path.as_ptr(), mask) } < 0 {
        let error = std::io::Error::last_os_error().to_string();
        // SAFETY: `fd` is ours and not used again.
        unsafe { libc::close(fd) };
        return Err(error);
    }
    std::thread::Builder::new()
        .name("settings-watch".into())
        .spawn(move || {
            let mut buffer = [0u8; 4096];
            loop {
                // SAFETY: reading into a buffer this thread owns.
                let read = unsafe { libc::read(fd, buffer.as_mut_ptr().cast(), buffer.len()) };
                if read <= 0 {
                    return;
                }
                let mut at = 0;
                let mut ours = false;
                let header = std::mem::size_of::<libc::inotify_event>();
                while at + header <= read as usize {
                    // The event's name follows its fixed-size header.
                    let len = u32::from_ne_bytes([
                        buffer[at + 12],
                        buffer[at + 13],
                        buffer[at + 14],
                        buffer[at + 15],
                    ]) as usize;
                    let raw = &buffer[at + header..(at + header + len).min(read as usize)];
                    let event_name = raw.split(|b| *b == 0).next().unwrap_or(&[]);
                    ours |= event_name == name.as_bytes();
                    at += header + len;
                }
                if ours && tell.send(Message::SettingsChanged).is_err() {
                    return;
                }
            }
        })
        .map_err(|e| e.to_string())?;
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn watch(_settings: &Path, _tell: Sender<Message>) -> std::result::Result<(), String> {
    Err("this system's folders are not watched".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_app_gets_every_character_of_the_command_through() {
        assert_eq!(
            terminal_app_script("/Apps/no\"c turne", "it's \\mine.toml"),
            r#"tell application "Terminal" to do script "'/Apps/no\"c turne' run 'it'\\''s \\mine.toml'""#
        );
    }
}
