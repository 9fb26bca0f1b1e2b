//! The audio device, on a thread of its own. The session plans each sound
//! for the instant it must be heard, ahead of time, and never waits for
//! the device; if the device cannot be opened, or fails later, the reason
//! is reported once and sound is off.
//!
//! This thread hands each sound to the device's callback a little before
//! its instant, and the callback places it on the frame that will be
//! heard then (src/sound/timeline.rs). Sounds are decoded by rodio once,
//! and converted to the device's format by this thread as they are handed
//! over, so the callback only adds samples; between sounds it writes
//! silence. While the session is paused, and in quiet stretches of half a
//! minute or more, the device is closed, and opened again a second before
//! the next sound.

use std::collections::VecDeque;
use std::io::Write;
use std::num::NonZero;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rodio::cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use rodio::cpal::{self, BufferSize, FromSample, SampleFormat, SizedSample, StreamConfig};
use rodio::source::UniformSourceIterator;
use rodio::{ChannelCount, SampleRate};

use super::timeline::{Cue, Mixer, Onset};
use super::{Clip, Error, quiet};

enum Command {
    /// Plan a sound for an instant.
    Plan(Planned),
    /// Drop every planned sound, and fade out what is sounding.
    Clear,
    /// Let what is due ring out, then close the device for good.
    Close,
    /// The device failed (and it was said): let it go, and play nothing
    /// more.
    Lost,
}

/// How a failing device is reported: once, to the session, and to the
/// sound thread, which lets the device go at once. (A device that fails
/// may fail again in every period; none of that piles up.)
#[derive(Clone)]
struct Alarm {
    failed: Sender<Error>,
    commands: Sender<Command>,
    raised: Arc<AtomicBool>,
}

impl Alarm {
    fn raise(&self, why: Error) {
        if !self.raised.swap(true, Ordering::AcqRel) {
            let _ = self.failed.send(why);
            let _ = self.commands.send(Command::Lost);
        }
    }
}

/// A phrase of spoken guidance, filled in when it has been rendered:
/// `Some(clip)` to speak, `None` when it is left out.
pub type Phrase = Arc<OnceLock<Option<Clip>>>;

/// A sound and the instant it must be heard.
pub struct Planned {
    pub at: Instant,
    pub sound: Sound,
}

pub enum Sound {
    Clip {
        clip: Clip,
        gain: f32,
    },
    /// A segment's opening: its phrase, if rendered in time, then its tone
    /// as soon as the phrase is over, if the tone ends by `until`; without
    /// a phrase, the tone at once.
    Opening {
        phrase: Option<(Phrase, f32)>,
        tone: Option<(Clip, f32)>,
        until: Instant,
    },
}

pub struct Speaker {
    commands: Sender<Command>,
    failures: Receiver<Error>,
    late: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

/// About 30 ms of audio per device period, and the device buffers two:
/// about 33 wake-ups a second, and a pause or a skip silences what was
/// planned within about 60 ms. Sounds are placed on the frame of their
/// instant whatever the period, so it costs no precision.
const PERIOD: Duration = Duration::from_millis(30);

/// How long before its instant a sound is handed to the device: enough
/// for two periods and a slow wake-up of this thread.
const FORWARD: Duration = Duration::from_millis(300);

/// The latest a sound can be handed to the device and still be placed on
/// its moment: two periods, and a little more.
const LAST_CHANCE: Duration = Duration::from_millis(70);

/// The pause between a phrase and the tone after it.
const AFTER_PHRASE: Duration = Duration::from_millis(80);

/// How long after the last sound's end the device stays open: the device
/// still holds a period or two of it.
const MARGIN: Duration = Duration::from_millis(200);

/// How long before a sound a closed device is opened again; opening takes
/// from a few milliseconds to a few hundred, depending on the system.
const REOPEN_AHEAD: Duration = Duration::from_secs(1);

/// A device is closed between sounds only when the next one is at least
/// this far off; for shorter gaps, closing and opening would cost more
/// than it saves.
const WORTH_CLOSING: Duration = Duration::from_secs(30);

/// When closing, sounds planned this far ahead are still played (the
/// finishing phrase and chime); later ones are dropped.
const CLOSING_HORIZON: Duration = Duration::from_secs(2);

impl Speaker {
    /// Opens the default output device on a new thread. Waits at most
    /// `patience` for it: a device that fails by then is reported as an
    /// error; one that is slower is used once it is ready. With `trace`,
    /// when each sound was planned and when the device placed it is
    /// written there at the end (for the benchmark).
    pub fn open(patience: Duration, trace: Option<PathBuf>) -> Result<Speaker, Error> {
        let (commands, inbox) = channel();
        let (failed, failures) = channel();
        let (ready, opened) = channel();
        let late = Arc::new(AtomicUsize::new(0));
        let thread = {
            let late = late.clone();
            let alarm = Alarm {
                failed,
                commands: commands.clone(),
                raised: Arc::new(AtomicBool::new(false)),
            };
            std::thread::Builder::new()
                .name("sound".into())
                .spawn(move || play(inbox, ready, alarm, late, trace))
                .map_err(Error::SoundThread)?
        };
        let speaker = Speaker {
            commands,
            failures,
            late,
            thread: Some(thread),
        };
        match opened.recv_timeout(patience) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => Ok(speaker),
            Err(RecvTimeoutError::Disconnected) => {
                Err(speaker.failure().unwrap_or(Error::ThreadStopped))
            }
        }
    }

    /// Plays a clip as soon as the device can; returns at once.
    pub fn play(&self, clip: &Clip, gain: f32) {
        #[allow(clippy::disallowed_methods)]
        let at = Instant::now();
        self.plan(Planned {
            at,
            sound: Sound::Clip {
                clip: clip.clone(),
                gain,
            },
        });
    }

    /// Plans a sound for its instant; returns at once.
    pub fn plan(&self, planned: Planned) {
        let _ = self.commands.send(Command::Plan(planned));
    }

    /// Drops every planned sound and fades out what is sounding (a pause,
    /// a skip, the end of a session).
    pub fn clear(&self) {
        let _ = self.commands.send(Command::Clear);
    }

    /// Why the device stopped working, if it has.
    pub fn failure(&self) -> Option<Error> {
        self.failures.try_recv().ok()
    }

    /// How many phrases were not rendered by the time they were due (the
    /// tone played without them).
    pub fn late_phrases(&self) -> usize {
        self.late.load(Ordering::Relaxed)
    }

    /// Lets the sounds due now ring out (waiting at most `limit`), then
    /// closes the device.
    pub fn close(mut self, limit: Duration) {
        let _ = self.commands.send(Command::Close);
        if let Some(thread) = self.thread.take() {
            crate::util::join_within(thread, limit);
        }
    }
}

/// The default output device as a session opens it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputInfo {
    /// The device's name, as the sound system gives it ("default").
    pub name: String,
    /// The sound system ("ALSA").
    pub system: String,
    pub rate: u32,
    pub channels: u16,
    /// The samples' format in words ("16-bit").
    pub format: String,
}

/// Opens the default output device the way a session does, notes what it
/// is, and closes it at once, having played nothing. Waits at most
/// `patience`; a device still opening then is left to its thread.
pub fn describe_output(patience: Duration) -> Result<OutputInfo, Error> {
    let (done, result) = channel();
    std::thread::Builder::new()
        .name("sound check".into())
        .spawn(move || {
            quiet::hush_alsa();
            let _ = done.send(output_info());
        })
        .map_err(Error::SoundThread)?;
    match result.recv_timeout(patience) {
        Ok(found) => found,
        Err(RecvTimeoutError::Timeout) => Err(Error::Slow(patience)),
        Err(RecvTimeoutError::Disconnected) => Err(Error::ThreadStopped),
    }
}

fn output_info() -> Result<OutputInfo, Error> {
    let (failed, _failures) = channel();
    let (commands, _inbox) = channel();
    let alarm = Alarm {
        failed,
        commands,
        raised: Arc::new(AtomicBool::new(false)),
    };
    let host = cpal::default_host();
    let device = host.default_output_device().ok_or(Error::NoDevice)?;
    let opened = open_device(&alarm, None, None)?;
    let (config, format) = opened.format();
    drop(opened);
    let name = device
        .description()
        .map(|d| d.name().to_owned())
        .ok()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| "default".to_owned());
    Ok(OutputInfo {
        name,
        system: host.id().name().to_owned(),
        rate: config.sample_rate,
        channels: config.channels,
        format: format_words(format),
    })
}

/// "16-bit", "32-bit float": a sample format as people read it.
fn format_words(format: SampleFormat) -> String {
    let bits = format.sample_size() * 8;
    if format.is_float() {
        format!("{bits}-bit float")
    } else {
        format!("{bits}-bit")
    }
}

/// An open output stream, and the way to the callback that feeds it.
struct Device {
    stream: cpal::Stream,
    cues: Sender<Cue>,
    channels: ChannelCount,
    rate: SampleRate,
    config: StreamConfig,
    format: SampleFormat,
}

/// The sound thread's state between commands.
struct Player {
    device: Option<Device>,
    alarm: Alarm,
    /// Sounds not yet handed to the device, each with the instant to hand
    /// it over, in that order.
    planned: VecDeque<(Instant, Planned)>,
    /// When the last sound handed to the device ends.
    sounding_until: Instant,
    /// When the last phrase handed to the device ends: a tick due before
    /// then is left out, so nothing is counted over a word.
    speaking_until: Instant,
    last_format: Option<Format>,
    late: Arc<AtomicUsize>,
    onsets: Option<(Sender<Onset>, Receiver<Onset>)>,
}

/// The sound thread: open the device, then play what arrives.
fn play(
    inbox: Receiver<Command>,
    ready: Sender<()>,
    alarm: Alarm,
    late: Arc<AtomicUsize>,
    trace: Option<PathBuf>,
) {
    // Clock reads here only decide when to hand sounds to the device and
    // when to open and close it; where a sound lands is the callback's
    // work, and the session's timing never depends on this thread.
    #[allow(clippy::disallowed_methods)]
    let now = Instant::now;
    // Before any sound can be planned.
    let started = now();
    quiet::hush_alsa();
    let onsets = trace.as_ref().map(|_| channel());
    let device = match open_device(&alarm, None, onsets.as_ref().map(|(s, _)| s.clone())) {
        Ok(device) => device,
        Err(reason) => {
            // Said through `failed` before `ready` is dropped: a caller
            // still waiting finds it there when `ready` closes, and one
            // that stopped waiting learns of it later.
            let _ = alarm.failed.send(reason);
            return;
        }
    };
    let _ = ready.send(());

    let mut player = Player {
        last_format: Some(device.format()),
        device: Some(device),
        alarm,
        planned: VecDeque::new(),
        // A device just opened stays open a moment for the first sound.
        sounding_until: started + REOPEN_AHEAD,
        speaking_until: started,
        late,
        onsets,
    };
    loop {
        let command = match player.next_chore(now()) {
            Some(at) => inbox.recv_timeout(at.saturating_duration_since(now())),
            None => inbox.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match command {
            Ok(Command::Plan(planned)) => player.add(planned),
            Ok(Command::Clear) => player.clear(now()),
            Ok(Command::Lost) => player.lose(),
            Err(RecvTimeoutError::Timeout) => {}
            Ok(Command::Close) | Err(RecvTimeoutError::Disconnected) => break,
        }
        player.tend(now());
    }
    // What is due now (the finishing phrase and chime) still plays.
    let horizon = now() + CLOSING_HORIZON;
    player.planned.retain(|(_, p)| p.at <= horizon);
    player.hand_over_until(now(), horizon);
    std::thread::sleep(player.sounding_until.saturating_duration_since(now()) + MARGIN);
    if let (Some(path), Some((sender, onsets))) = (trace, player.onsets.take()) {
        drop(sender);
        let format = player
            .device
            .take()
            .map(|d| d.format())
            .or(player.last_format);
        write_trace(&path, onsets.try_iter(), format);
    }
}

impl Player {
    fn add(&mut self, planned: Planned) {
        let at = planned.at;
        self.queue(at.checked_sub(FORWARD).unwrap_or(at), planned);
    }

    fn queue(&mut self, hand_over: Instant, planned: Planned) {
        let index = self.planned.partition_point(|(when, _)| *when <= hand_over);
        self.planned.insert(index, (hand_over, planned));
    }

    /// Lets a failed device go; nothing more is played.
    fn lose(&mut self) {
        self.device = None;
        self.last_format = None;
        self.planned.clear();
    }

    fn clear(&mut self, now: Instant) {
        self.planned.clear();
        if let Some(device) = &self.device {
            let _ = device.cues.send(Cue::Cut);
        }
        self.sounding_until = self.sounding_until.min(now);
        self.speaking_until = self.speaking_until.min(now);
    }

    /// When the thread must next act on its own: hand the next sound to
    /// the device, open the device for it, or close it in a long quiet.
    fn next_chore(&self, now: Instant) -> Option<Instant> {
        let next = self.planned.front().map(|(_, p)| p.at);
        match (&self.device, next) {
            (Some(_), next) => {
                let forward = self.planned.front().map(|(when, _)| *when);
                let quiet_at = (self.sounding_until + MARGIN).max(now);
                let close = next
                    .is_none_or(|at| at > quiet_at + WORTH_CLOSING)
                    .then_some(quiet_at);
                match (forward, close) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                }
            }
            (None, Some(at)) => Some(at.checked_sub(REOPEN_AHEAD).unwrap_or(at)),
            (None, None) => None,
        }
    }

    /// Does what is due by `now`.
    fn tend(&mut self, now: Instant) {
        self.hand_over_until(now, now);
        let next = self.planned.front().map(|(_, p)| p.at);
        let quiet = now >= self.sounding_until + MARGIN;
        if quiet
            && next.is_none_or(|at| at > now + WORTH_CLOSING)
            && let Some(closed) = self.device.take()
        {
            self.last_format = Some(closed.format());
        }
    }

    /// Hands the device every sound whose time to be handed over has come
    /// by `until`, opening it again first if it rests and a sound is due
    /// within a second.
    fn hand_over_until(&mut self, now: Instant, until: Instant) {
        let next = self.planned.front().map(|(_, p)| p.at);
        if self.device.is_none() && next.is_some_and(|at| at <= now + REOPEN_AHEAD) {
            self.reopen();
        }
        while self.planned.front().is_some_and(|(when, _)| *when <= until) {
            if let Some((_, planned)) = self.planned.pop_front() {
                self.hand_over(planned, now);
            }
        }
    }

    /// Hands a planned sound to the device, deciding an opening's order
    /// now that it is known whether its phrase is ready.
    fn hand_over(&mut self, planned: Planned, now: Instant) {
        let at = planned.at;
        match planned.sound {
            Sound::Clip { clip, gain } => {
                if at >= self.speaking_until {
                    self.send(at, &clip, gain, false);
                }
            }
            Sound::Opening {
                phrase,
                tone,
                until,
            } => {
                // A phrase still rendering is waited for until the last
                // moment the device can still place it.
                let last_chance = at.checked_sub(LAST_CHANCE).unwrap_or(at);
                if let Some((slot, _)) = &phrase
                    && slot.get().is_none()
                    && now < last_chance
                {
                    let sound = Sound::Opening {
                        phrase,
                        tone,
                        until,
                    };
                    self.queue(last_chance, Planned { at, sound });
                    return;
                }
                let mut tone_at = at;
                if let Some((phrase, gain)) = phrase {
                    match phrase.get() {
                        Some(Some(clip)) => {
                            self.send(at, clip, gain, true);
                            self.speaking_until = at + clip.duration();
                            tone_at = self.speaking_until + AFTER_PHRASE;
                        }
                        Some(None) => {}
                        None => {
                            self.late.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                if let Some((clip, gain)) = tone
                    && (tone_at == at || tone_at + clip.duration() <= until)
                {
                    self.send(tone_at, &clip, gain, false);
                }
            }
        }
    }

    /// Hands a sound to the device, converted to its channels and rate.
    /// Nothing is kept converted: a sound's samples in the device's format
    /// live only while it sounds, which keeps memory small on devices with
    /// many channels, and converting a cue takes a fraction of a
    /// millisecond.
    fn send(&mut self, at: Instant, clip: &Clip, gain: f32, spoken: bool) {
        let Some(device) = &self.device else {
            return;
        };
        let samples = device.convert(clip);
        let _ = device.cues.send(Cue::Sound {
            at,
            samples,
            gain,
            traced: self.onsets.is_some(),
            spoken,
        });
        self.sounding_until = self.sounding_until.max(at + clip.duration());
    }

    /// Opens the device again after a rest, in the format it had. A
    /// failure is reported as the device stopping; the session goes on
    /// without sound.
    fn reopen(&mut self) {
        let Some(last) = self.last_format else {
            return;
        };
        let onsets = self.onsets.as_ref().map(|(s, _)| s.clone());
        match open_device(&self.alarm, Some(last), onsets) {
            Ok(device) => self.device = Some(device),
            Err(reason) => {
                self.alarm.raise(Error::Reopen(Box::new(reason)));
                // Nothing more will be heard.
                self.planned.clear();
                self.last_format = None;
            }
        }
    }
}

/// Underruns of the device in this process, for the trace.
static XRUNS: AtomicUsize = AtomicUsize::new(0);

/// The stream format a device was opened with.
type Format = (StreamConfig, SampleFormat);

impl Device {
    fn format(&self) -> Format {
        (self.config, self.format)
    }

    /// A clip in the device's channels and sample rate.
    fn convert(&self, clip: &Clip) -> Arc<[f32]> {
        UniformSourceIterator::new(clip.source(), self.channels, self.rate).collect()
    }
}

/// The device's rate and buffer, then one line per traced sound: the
/// instant it was planned for and the instant the device said its first
/// frame would be heard, in nanoseconds of the system's monotonic clock
/// (CLOCK_MONOTONIC).
fn write_trace(path: &PathBuf, onsets: impl Iterator<Item = Onset>, format: Option<Format>) {
    let Ok(mut file) = std::fs::File::create(path) else {
        return;
    };
    if let Some((config, _)) = format {
        let buffer = match config.buffer_size {
            BufferSize::Fixed(period) => 2 * period,
            BufferSize::Default => 0,
        };
        let _ = writeln!(
            file,
            "device rate={} buffer_frames={buffer} xruns={}",
            config.sample_rate,
            XRUNS.load(Ordering::Relaxed)
        );
    }
    let (reference, reference_ns) = monotonic_now();
    let ns = |at: Instant| match at.checked_duration_since(reference) {
        Some(after) => reference_ns + after.as_nanos() as i128,
        None => reference_ns - (reference - at).as_nanos() as i128,
    };
    for onset in onsets {
        let _ = writeln!(
            file,
            "planned_ns={} placed_ns={} length_ms={} kind={}",
            ns(onset.planned),
            ns(onset.placed),
            (onset.length.as_secs_f64() * 1e3).round(),
            if onset.spoken { "phrase" } else { "cue" }
        );
    }
}

/// An instant, and the monotonic clock's reading in nanoseconds at it.
#[allow(clippy::disallowed_methods)]
fn monotonic_now() -> (Instant, i128) {
    #[cfg(unix)]
    {
        let mut spec = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: a valid timespec to write into.
        unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut spec) };
        let now = Instant::now();
        (
            now,
            i128::from(spec.tv_sec) * 1_000_000_000 + i128::from(spec.tv_nsec),
        )
    }
    #[cfg(not(unix))]
    {
        (Instant::now(), 0)
    }
}

/// Opens the default output device. `known` is the stream format it took
/// last time: asking the device which formats it supports costs far more
/// than opening it, so a reopening tries that format first.
fn open_device(
    failed: &Alarm,
    known: Option<Format>,
    onsets: Option<Sender<Onset>>,
) -> Result<Device, Error> {
    let device = cpal::default_host()
        .default_output_device()
        .ok_or(Error::NoDevice)?;
    if let Some((config, format)) = known
        && let Ok(opened) = build(&device, &config, format, failed, onsets.clone())
        && opened.stream.play().is_ok()
    {
        return Ok(opened);
    }
    let supported = device.default_output_config().map_err(Error::Device)?;
    let rate = supported.sample_rate();
    let mut config = StreamConfig {
        channels: supported.channels(),
        sample_rate: rate,
        buffer_size: BufferSize::Fixed(period_for(rate)),
    };
    let format = plain_format(&device, &config).unwrap_or(supported.sample_format());
    let opened = build(&device, &config, format, failed, onsets.clone()).or_else(|_| {
        // Some devices refuse this period; their own default will do.
        config.buffer_size = BufferSize::Default;
        build(&device, &config, format, failed, onsets)
    })?;
    opened.stream.play().map_err(Error::Device)?;
    Ok(opened)
}

/// 16-bit integers, where the device takes them at this rate and channel
/// count: the format most devices play natively, so nothing on the way
/// converts every sample of the stream (most of it silence). The mixer's
/// output is converted once, in the callback, only while a sound plays.
fn plain_format(device: &cpal::Device, config: &StreamConfig) -> Option<SampleFormat> {
    device
        .supported_output_configs()
        .ok()?
        .any(|range| {
            range.sample_format() == SampleFormat::I16
                && range.channels() == config.channels
                && (range.min_sample_rate()..=range.max_sample_rate()).contains(&config.sample_rate)
        })
        .then_some(SampleFormat::I16)
}

fn build(
    device: &cpal::Device,
    config: &StreamConfig,
    format: SampleFormat,
    failed: &Alarm,
    onsets: Option<Sender<Onset>>,
) -> Result<Device, Error> {
    let channels = NonZero::new(config.channels).ok_or(Error::NoChannels)?;
    let rate = NonZero::new(config.sample_rate).ok_or(Error::NoRate)?;
    let (cues, inbox) = channel();
    let mixer = Mixer::new(inbox, usize::from(channels.get()), rate.get(), onsets);
    let failed = failed.clone();
    let stream = match format {
        SampleFormat::F32 => stream::<f32>(device, config, mixer, failed),
        SampleFormat::I16 => stream::<i16>(device, config, mixer, failed),
        SampleFormat::I32 => stream::<i32>(device, config, mixer, failed),
        SampleFormat::U16 => stream::<u16>(device, config, mixer, failed),
        SampleFormat::F64 => stream::<f64>(device, config, mixer, failed),
        other => {
            return Err(Error::SampleFormat(other));
        }
    }?;
    Ok(Device {
        stream,
        cues,
        channels,
        rate,
        config: *config,
        format,
    })
}

/// The output stream: each callback places the sounds due in its buffer
/// on their frames, and writes silence when none is.
fn stream<T>(
    device: &cpal::Device,
    config: &StreamConfig,
    mut mixer: Mixer,
    failed: Alarm,
) -> Result<cpal::Stream, Error>
where
    T: SizedSample + FromSample<rodio::Sample>,
{
    // Glitches (an underrun, a refused real-time priority, a rerouted
    // stream) are not worth a word; losing the device is.
    let report = move |e: cpal::Error| {
        use cpal::ErrorKind::*;
        if e.kind() == Xrun {
            XRUNS.fetch_add(1, Ordering::Relaxed);
        }
        if !matches!(e.kind(), Xrun | RealtimeDenied | DeviceChanged) {
            failed.raise(Error::Stopped(e));
        }
    };
    let fill = move |data: &mut [T], info: &cpal::OutputCallbackInfo| {
        let stamp = info.timestamp();
        #[allow(clippy::disallowed_methods)]
        let first = Mixer::heard_at(
            Instant::now(),
            stamp.playback.checked_duration_since(stamp.callback),
        );
        match mixer.fill(data.len(), first) {
            Some(mixed) => {
                for (slot, sample) in data.iter_mut().zip(mixed) {
                    *slot = T::from_sample(sample.clamp(-1.0, 1.0));
                }
            }
            None => data.fill(T::EQUILIBRIUM),
        }
    };
    device
        .build_output_stream::<T, _, _>(*config, fill, report, None)
        .map_err(Error::Device)
}

/// A period of about `PERIOD` at `rate`, in frames.
fn period_for(rate: u32) -> u32 {
    ((PERIOD.as_secs_f64() * f64::from(rate)) as u32).max(64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn player() -> Player {
        #[allow(clippy::disallowed_methods)]
        let now = Instant::now();
        Player {
            device: None,
            alarm: Alarm {
                failed: channel().0,
                commands: channel().0,
                raised: Arc::new(AtomicBool::new(false)),
            },
            planned: VecDeque::new(),
            sounding_until: now,
            speaking_until: now,
            last_format: None,
            late: Arc::new(AtomicUsize::new(0)),
            onsets: None,
        }
    }

    fn tick(at: Instant) -> Planned {
        let clip = crate::sound::bundled(crate::routine::Cue::Tick).unwrap();
        Planned {
            at,
            sound: Sound::Clip { clip, gain: 1.0 },
        }
    }

    #[test]
    fn planned_sounds_keep_the_order_of_their_instants() {
        let mut player = player();
        let t0 = player.sounding_until;
        let s = Duration::from_secs;
        for at in [3, 1, 2, 1] {
            player.add(tick(t0 + s(at)));
        }
        let order: Vec<u64> = player
            .planned
            .iter()
            .map(|(_, p)| (p.at - t0).as_secs())
            .collect();
        assert_eq!(order, [1, 1, 2, 3]);
        // A closed device is opened a second before the first sound.
        assert_eq!(player.next_chore(t0), Some(t0));
        player.clear(t0);
        assert_eq!(player.next_chore(t0), None);
    }
}
