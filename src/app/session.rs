//! `run`: a session, from its resolved set-up to the offer to log a cramp.

use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use super::Context;
use super::journal::{CANCELLED, cancelled, offer_to_log};
use super::shared::{DECODED, find, forgiving_settings};
use crate::config::DEFAULT_VOLUME;
use crate::desktop;
use crate::error::{Error, Result};
use crate::journal;
use crate::keys;
use crate::output::Outputs;
use crate::output::desktop::DesktopOutput;
use crate::output::events::EventLog;
use crate::output::journal::JournalOutput;
use crate::output::sound::{Guidance, SoundOutput};
use crate::output::terminal::{self, Look, View};
use crate::paths::Paths;
use crate::plan::{Plan, plan};
use crate::routine::Level;
use crate::session::clock::SystemClock;
use crate::session::{self, Control, Speed};
use crate::sound::Speaker;

/// What the command line asks of a session.
pub struct RunOptions {
    pub routine: Option<String>,
    pub speed: Speed,
    /// 0 to 100; 0 turns sound off.
    pub volume: Option<u8>,
    /// `false` turns desktop notifications off for this session.
    pub notify: bool,
    /// `false` silences the voice for this session (`--no-voice`).
    pub voice: bool,
    pub events: Option<EventsTo>,
    /// `--view`; `None`: the `view` setting, else auto.
    pub view: Option<View>,
}

pub enum EventsTo {
    Stdout,
    File(PathBuf),
}

/// A session's set-up, every choice made: the command line first, then
/// the routine, then the settings, then nocturne's defaults. Its methods
/// build the outputs the choices call for.
struct Setup {
    plan: Plan,
    speed: Speed,
    /// 0 turns sound off.
    volume: u8,
    /// The spoken guidance; `None` when it is off. The sound output
    /// speaks it.
    voice: Option<crate::voice::Voice>,
    /// Why the voice is off, when the user would expect it on.
    voice_notice: Option<String>,
    notifications: Level,
    offer_cramp_log: bool,
    events: Option<EventsTo>,
    /// How the display draws: big, compact or plain, decided.
    view: View,
    /// It could, but gives way to events written to the same terminal.
    bars_give_way: bool,
    /// Keys are read from stdin.
    keys: bool,
    sound_trace: Option<PathBuf>,
    /// What a `hydrate` step logs as drunk.
    glass_ml: u32,
}

impl Setup {
    fn resolve(ctx: &Context, options: RunOptions) -> Result<Setup> {
        let config = forgiving_settings(&ctx.paths, "this session uses the defaults")?;
        let (routine, _) = find(&ctx.paths, options.routine.as_deref(), &config, DECODED)?;
        let volume = options
            .volume
            .or(routine.volume)
            .or(config.volume)
            .unwrap_or(DEFAULT_VOLUME);
        let (voice, voice_notice) = crate::voice::resolve(
            &config.voice,
            &routine.voice,
            crate::voice::Asked {
                sound_volume: volume,
                voice: options.voice,
            },
            ctx.paths.voice_cache(),
        );
        let notifications = if options.notify {
            routine
                .notifications
                .or(config.notifications)
                .unwrap_or(Level::All)
        } else {
            Level::Off
        };
        // Redrawn bars and JSON lines on one terminal garble each other:
        // the display gives way to its plain lines (said in `events`).
        let bars_give_way = ctx.env.bars()
            && matches!(options.events, Some(EventsTo::Stdout))
            && ctx.env.stdout_terminal;
        let asked = options.view.or(config.view).unwrap_or_default();
        let view = asked.choose(ctx.env.bars() && !bars_give_way, terminal::size());
        Ok(Setup {
            offer_cramp_log: routine.offer_cramp_log,
            plan: plan(routine),
            speed: options.speed,
            volume,
            voice,
            voice_notice,
            notifications,
            events: options.events,
            view,
            bars_give_way,
            keys: ctx.env.stdin_terminal,
            sound_trace: ctx.env.sound_trace.clone(),
            glass_ml: config.glass_ml,
        })
    }

    /// Whether a notification service answers is asked on a thread of its
    /// own, while the sound device opens.
    fn probe_desktop(&self) -> Option<std::thread::JoinHandle<Result<(), desktop::Error>>> {
        (self.notifications != Level::Off)
            .then(|| std::thread::spawn(|| desktop::probe(desktop::DEADLINE)))
    }

    /// The event log, where one was asked for.
    fn events(&self, outputs: &mut Outputs) -> Result<()> {
        let Some(to) = &self.events else {
            return Ok(());
        };
        let (out, what): (Box<dyn Write>, String) = match to {
            EventsTo::Stdout => (Box::new(io::stdout()), "stdout".to_owned()),
            EventsTo::File(path) => {
                let file = File::create(path).map_err(|e| {
                    Error::Usage(format!(
                        "cannot write events to {}: {}",
                        path.display(),
                        crate::util::io_reason(&e)
                    ))
                })?;
                (Box::new(file), path.display().to_string())
            }
        };
        outputs.push(EventLog::new(out, what));
        if self.bars_give_way {
            outputs.notice(
                "events go to this terminal, so the display is plain lines; write them to a \
                 file with --events FILE to keep the live display",
            );
        }
        Ok(())
    }

    /// The sound cues. The device opens on its own thread; a slow one is
    /// waited for only briefly, and before the session starts, so no
    /// segment is delayed.
    /// Returns the session's first phrase, which the session gives a
    /// moment to be rendered before it starts.
    fn sound(
        &self,
        outputs: &mut Outputs,
        origin: std::time::Instant,
    ) -> Option<crate::sound::Phrase> {
        if self.volume == 0 {
            return None;
        }
        // The phrases render while the device opens, in the order they
        // are spoken.
        let rendering = self
            .voice
            .clone()
            .map(|voice| crate::voice::start(voice, &self.plan, self.speed));
        match Speaker::open(Duration::from_millis(500), self.sound_trace.clone()) {
            Ok(speaker) => {
                let guidance = rendering.map(guidance);
                let first = guidance.as_ref().and_then(|g| g.phrases.first().cloned());
                let (sound, problems) =
                    SoundOutput::new(speaker, &self.plan, self.volume, guidance, origin);
                for problem in problems {
                    outputs.notice(&problem);
                }
                outputs.push(sound);
                if let Some(notice) = &self.voice_notice {
                    outputs.notice(notice);
                }
                first
            }
            Err(why) => {
                outputs.notice(&format!("sound is off: {why}"));
                None
            }
        }
    }

    /// The desktop notes, once the probe has answered.
    fn desktop(
        &self,
        outputs: &mut Outputs,
        probe: Option<std::thread::JoinHandle<Result<(), desktop::Error>>>,
    ) {
        let Some(probe) = probe else {
            return;
        };
        let ready = probe
            .join()
            .unwrap_or(Err(desktop::Error::ProbeLost))
            .and_then(|()| desktop::Notifier::start());
        match ready {
            Ok(notifier) => outputs.push(DesktopOutput::new(notifier, self.notifications)),
            Err(why) => outputs.notice(&format!("notifications are off: {why}")),
        }
    }

    /// The key reader, where stdin is a terminal, and the display, which
    /// shows the keys only when they are read. Where either is on a
    /// terminal, Ctrl-Z and resizes are watched too.
    fn terminal(
        &self,
        outputs: &mut Outputs,
        controls: std::sync::mpsc::Sender<Control>,
        paint: crate::theme::Paint,
        note: Option<&'static str>,
    ) -> (Option<keys::Keys>, Option<crate::jobs::Watch>) {
        let mut look = Look {
            paint,
            view: self.view,
            keys: false,
            speed: self.speed,
            note,
        };
        let watch = (self.keys || self.view != View::Plain)
            .then(|| crate::jobs::watch(controls.clone()))
            .flatten();
        let key_reader = if self.keys {
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
        (key_reader, watch)
    }
}

/// The sound output's view of the phrases being rendered: a slot for each
/// segment and for the finish, their loudness, and what to say if the
/// voice stops. The rendering lives as long as the output.
fn guidance(rendering: crate::voice::Rendering) -> Guidance {
    let phrases = (0..)
        .map_while(|index| rendering.segment(index))
        .chain(std::iter::once(rendering.finish()))
        .collect();
    let rendering = std::sync::Arc::new(rendering);
    let failure = std::sync::Arc::clone(&rendering);
    Guidance {
        phrases,
        gain: crate::sound::gain(rendering.volume()),
        failure: Box::new(move || failure.failure()),
        notice: Box::new(move || rendering.notice()),
    }
}

/// `run`: the session, then, after the cramp routine, the offer to log.
pub fn run(ctx: &Context, options: RunOptions) -> Result<ExitCode> {
    let setup = Setup::resolve(ctx, options)?;
    let probe = setup.probe_desktop();

    let mut outputs = Outputs::default();
    setup.events(&mut outputs)?;

    let note = first_run_note(&ctx.paths);
    if let Some(note) = note {
        // Wrapped at spaces where the terminal is narrower than the note.
        let text = match terminal::size() {
            Some((columns, _)) if usize::from(columns) < 72 => {
                terminal::wrap(&note.replace('\n', " "), usize::from(columns)).join("\n")
            }
            _ => note.to_owned(),
        };
        let _ = writeln!(io::stderr(), "{}\n", ctx.paint.text().apply_to(text));
    }
    if let Some(line) = setup_suggestion(&ctx.paths) {
        let _ = writeln!(io::stderr(), "{}\n", ctx.paint.dim().apply_to(line));
    }

    match ctx.paths.data_file(journal::store::FILE) {
        Some(file) => outputs.push(JournalOutput::start(file, setup.glass_ml)),
        None => outputs.notice("the journal is off: no folder for it could be found"),
    }

    let (mut clock, controls) = SystemClock::new();
    let first_phrase = setup.sound(&mut outputs, clock.origin());
    setup.desktop(&mut outputs, probe);

    route_interrupts(Some(controls.clone()));
    let _ = ctrlc::set_handler(on_interrupt);
    keys::restore_on_panic();
    let (key_reader, watch) = setup.terminal(&mut outputs, controls, ctx.paint, note);

    if let Some(phrase) = first_phrase {
        wait_for(&phrase, FIRST_PHRASE);
    }
    let summary = session::run(&setup.plan, setup.speed, &mut clock, &mut outputs);
    // The key reader stops before anything else reads the terminal, and
    // Ctrl-Z stops the questions after it as usual.
    drop(key_reader);
    drop(watch);
    // The session's own record reaches the journal before the cramp does.
    drop(outputs);
    route_interrupts(None);
    if setup.offer_cramp_log && !summary.interrupted {
        let ended = super::context::wall_clock();
        if offer_to_log(ctx, ended)?.is_none() {
            return Ok(cancelled());
        }
    }
    Ok(if summary.interrupted {
        ExitCode::from(130)
    } else {
        ExitCode::SUCCESS
    })
}

/// How long a session waits, before it starts, for its first phrase to be
/// rendered (on a first night, or with a slow engine); later phrases have
/// the time their segments give them.
const FIRST_PHRASE: Duration = Duration::from_secs(1);

/// Waits until `phrase` is rendered (or left out), at most `limit`.
fn wait_for(phrase: &crate::sound::Phrase, limit: Duration) {
    let step = Duration::from_millis(5);
    let mut waited = Duration::ZERO;
    while phrase.get().is_none() && waited < limit {
        std::thread::sleep(step);
        waited += step;
    }
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
            let _ = writeln!(io::stderr(), "\n{CANCELLED}");
            std::process::exit(130);
        }
    }
}

/// Shown once, before the first session.
const DISCLAIMER: &str = "\
nocturne guides general self-care stretches; it does not diagnose or treat.
See a doctor about cramps that are severe, frequent, or that come with
swelling, redness, numbness or weakness. (This note appears once.)";

/// Said once, to a user with no settings file yet.
const SETUP_SUGGESTION: &str = "New here? `nocturne setup` chooses tonight's routine, the volume \
                                and reminders with you in two minutes.";

fn setup_suggestion(paths: &Paths) -> Option<&'static str> {
    if paths.config_file().is_none_or(|file| file.exists()) {
        return None;
    }
    let marker = paths.data_file("setup-suggested")?;
    if marker.exists() {
        return None;
    }
    setup_known(paths);
    Some(SETUP_SUGGESTION)
}

/// Notes that the user knows of `nocturne setup` (told once, or running
/// it), so it is not suggested again.
pub fn setup_known(paths: &Paths) {
    if let Some(marker) = paths.data_file("setup-suggested") {
        let _ = marker
            .parent()
            .map(std::fs::create_dir_all)
            .transpose()
            .and_then(|_| File::create(&marker));
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &str = "name = \"Plain\"\n[[steps]]\nname = \"Calf\"\nhold = 10\n";
    const LOUD: &str = "name = \"Loud\"\nvolume = 60\nnotifications = \"steps\"\n\
                        [[steps]]\nname = \"Calf\"\nhold = 10\n";

    /// A scratch home with two routines, and the settings given.
    fn home(settings: Option<&str>) -> (tempfile::TempDir, Context) {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        std::fs::create_dir_all(config.join("routines")).unwrap();
        std::fs::write(config.join("routines/plain.toml"), PLAIN).unwrap();
        std::fs::write(config.join("routines/loud.toml"), LOUD).unwrap();
        if let Some(settings) = settings {
            std::fs::write(config.join("config.toml"), settings).unwrap();
        }
        let ctx = Context {
            env: super::super::context::quiet_env(),
            paths: Paths {
                config: Some(config),
                data: Some(dir.path().join("data")),
                runtime: None,
                cache: None,
            },
            color: false,
            stdout_color: false,
            paint: crate::theme::Paint::OFF,
            stdout_paint: crate::theme::Paint::OFF,
            now: jiff::Timestamp::UNIX_EPOCH,
        };
        (dir, ctx)
    }

    fn resolved(ctx: &Context, routine: &str, volume: Option<u8>, notify: bool) -> (u8, Level) {
        let options = RunOptions {
            routine: Some(routine.to_owned()),
            speed: Speed::new(1.0).unwrap(),
            volume,
            notify,
            voice: true,
            events: None,
            view: None,
        };
        let setup = Setup::resolve(ctx, options).unwrap();
        (setup.volume, setup.notifications)
    }

    #[test]
    fn the_command_line_beats_the_routine_which_beats_the_settings() {
        let (_dir, ctx) = home(None);
        assert_eq!(
            resolved(&ctx, "plain", None, true),
            (DEFAULT_VOLUME, Level::All)
        );
        assert_eq!(resolved(&ctx, "loud", None, true), (60, Level::Steps));

        let (_dir, ctx) = home(Some("volume = 20\nnotifications = \"session\"\n"));
        assert_eq!(resolved(&ctx, "plain", None, true), (20, Level::Session));
        assert_eq!(resolved(&ctx, "loud", None, true), (60, Level::Steps));
        assert_eq!(resolved(&ctx, "loud", Some(5), false), (5, Level::Off));
        assert_eq!(resolved(&ctx, "plain", Some(0), true), (0, Level::Session));
    }

    #[test]
    fn settings_with_a_mistake_give_way_to_the_defaults() {
        let (_dir, ctx) = home(Some("volume = 20\nvolume_typo = 3\n"));
        assert_eq!(
            resolved(&ctx, "plain", None, true),
            (DEFAULT_VOLUME, Level::All)
        );
    }
}
