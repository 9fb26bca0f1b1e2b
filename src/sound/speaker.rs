//! The audio device, on a thread of its own. The session hands it cues
//! through a channel and never waits for it; if the device cannot be
//! opened, or fails later, the reason is reported once and sound is off.
//!
//! Cues are mixed by rodio. Between cues the device's callback only writes
//! silence, without asking the mixer for each sample; while the session is
//! paused, and in quiet stretches of half a minute or more, the device is
//! closed, and opened again a second before the next cue.

use std::collections::HashMap;
use std::io::Write;
use std::num::NonZero;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rodio::buffer::SamplesBuffer;
use rodio::cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use rodio::cpal::{self, BufferSize, FromSample, SampleFormat, SizedSample, StreamConfig};
use rodio::mixer::{Mixer, MixerSource};
use rodio::source::UniformSourceIterator;
use rodio::{ChannelCount, SampleRate, Source};

use super::{Clip, Error, quiet};

enum Command {
    Play {
        clip: Clip,
        gain: f32,
        fade_in: bool,
    },
    /// When the next cue is due, from now; `None` when none is in sight
    /// (the session is paused).
    Expect(Option<Duration>),
    /// Let what is playing ring out, then close the device for good.
    Close,
}

pub struct Speaker {
    commands: Sender<Command>,
    failures: Receiver<Error>,
    thread: Option<JoinHandle<()>>,
}

/// About 8 ms of audio per device period at 48 kHz. With the two periods
/// the device buffers, a cue reaches the speaker within about 25 ms.
const PERIOD_FRAMES: u32 = 384;

/// How long after a cue's expected end the mixer is still asked for
/// samples: the cue may start a period or two after it is added.
const MARGIN: Duration = Duration::from_millis(200);

/// How long before a cue a closed device is opened again; opening takes
/// from a few milliseconds to a few hundred, depending on the system.
const REOPEN_AHEAD: Duration = Duration::from_secs(1);

/// A device is closed between cues only when the next one is at least this
/// far off; for shorter gaps, closing and opening would cost more than it
/// saves.
const WORTH_CLOSING: Duration = Duration::from_secs(30);

impl Speaker {
    /// Opens the default output device on a new thread. Waits at most
    /// `patience` for it: a device that fails by then is reported as an
    /// error; one that is slower is used once it is ready. With `trace`,
    /// how long each cue took to reach the device is written there at the
    /// end (for the benchmark).
    pub fn open(patience: Duration, trace: Option<PathBuf>) -> Result<Speaker, Error> {
        let (commands, inbox) = channel();
        let (failed, failures) = channel();
        let (ready, opened) = channel();
        let thread = std::thread::Builder::new()
            .name("sound".into())
            .spawn(move || play(inbox, ready, failed, trace))
            .map_err(Error::SoundThread)?;
        let speaker = Speaker {
            commands,
            failures,
            thread: Some(thread),
        };
        match opened.recv_timeout(patience) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => Ok(speaker),
            Err(RecvTimeoutError::Disconnected) => {
                Err(speaker.failure().unwrap_or(Error::ThreadStopped))
            }
        }
    }

    /// Starts a clip; returns at once.
    pub fn play(&self, clip: &Clip, gain: f32, fade_in: bool) {
        let _ = self.commands.send(Command::Play {
            clip: clip.clone(),
            gain,
            fade_in,
        });
    }

    /// Says when the next cue is due (`None`: not in sight). Between cues
    /// far apart, and while a session is paused, the device is closed, and
    /// it is opened again a little before the next cue.
    pub fn expect(&self, next: Option<Duration>) {
        let _ = self.commands.send(Command::Expect(next));
    }

    /// Why the device stopped working, if it has.
    pub fn failure(&self) -> Option<Error> {
        self.failures.try_recv().ok()
    }

    /// Lets the last cue ring out (waiting at most `limit`), then closes
    /// the device.
    pub fn close(mut self, limit: Duration) {
        let _ = self.commands.send(Command::Close);
        if let Some(thread) = self.thread.take() {
            crate::util::join_within(thread, limit);
        }
    }
}

/// An open output stream and the mixer that feeds it.
struct Device {
    stream: cpal::Stream,
    mixer: Mixer,
    channels: ChannelCount,
    rate: SampleRate,
    config: StreamConfig,
    format: SampleFormat,
    /// The device's own delay from callback to playback, in nanoseconds,
    /// as last reported.
    delay: Arc<AtomicU64>,
    /// The two periods of audio the stream buffers, where known: the least
    /// the device's delay can be, whatever it reports.
    ring: Duration,
    gate: Arc<Gate>,
}

/// Shared between the sound thread and the device's callback: which
/// frames need the mixer.
#[derive(Default)]
struct Gate {
    /// Frames the callback has written so far.
    played: AtomicU64,
    /// Up to which frame the callback must take samples from the mixer;
    /// after it, it writes silence.
    mix_until: AtomicU64,
}

/// The sound thread: open the device, then play what arrives.
fn play(
    inbox: Receiver<Command>,
    ready: Sender<()>,
    failed: Sender<Error>,
    trace: Option<PathBuf>,
) {
    quiet::hush_alsa();
    let mut device = match open_device(failed.clone(), None) {
        Ok(device) => Some(device),
        Err(reason) => {
            // Said through `failed` before `ready` is dropped: a caller
            // still waiting finds it there when `ready` closes, and one
            // that stopped waiting learns of it later.
            let _ = failed.send(reason);
            return;
        }
    };
    let _ = ready.send(());

    // Clock reads here only pace the device's opening and closing, the
    // trace and the ring-out of the last cue; the session's timing never
    // depends on this thread.
    #[allow(clippy::disallowed_methods)]
    let now = Instant::now;
    let mut sounding_until = now();
    let mut expected: Option<Instant> = None;
    let mut marks: Vec<(Instant, Arc<OnceLock<Instant>>)> = Vec::new();
    let mut last_delay = Duration::ZERO;
    let mut last_format = device.as_ref().map(Device::format);
    // Each clip converted to the device's channels and rate on first use,
    // so the audio callback only adds samples.
    let mut ready_made: HashMap<usize, SamplesBuffer> = HashMap::new();
    loop {
        let chore = chore(device.is_some(), now(), sounding_until, expected);
        let command = match chore {
            Some((at, _)) => inbox.recv_timeout(at.saturating_duration_since(now())),
            None => inbox.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        let (clip, gain, fade_in) = match command {
            Ok(Command::Play {
                clip,
                gain,
                fade_in,
            }) => (clip, gain, fade_in),
            Ok(Command::Expect(next)) => {
                expected = next.map(|wait| now() + wait);
                continue;
            }
            Err(RecvTimeoutError::Timeout) => {
                match chore {
                    Some((_, Chore::Close)) => {
                        if let Some(closed) = device.take() {
                            last_delay = closed.delay();
                            last_format = Some(closed.format());
                        }
                    }
                    Some((_, Chore::Open)) => {
                        device = last_format.and_then(|f| reopen(&failed, f, &mut ready_made));
                        if device.is_none() {
                            // Opening failed (and was reported): wait for
                            // the next cue rather than trying again at once.
                            expected = None;
                        }
                    }
                    None => {}
                }
                continue;
            }
            Ok(Command::Close) | Err(RecvTimeoutError::Disconnected) => break,
        };
        if device.is_none() {
            device = last_format.and_then(|f| reopen(&failed, f, &mut ready_made));
        }
        let Some(open) = &device else {
            continue;
        };
        let length = clip.duration();
        let converted = ready_made
            .entry(clip.id())
            .or_insert_with(|| open.convert(&clip))
            .clone();
        let source = converted.amplify(gain);
        let source: Box<dyn Source + Send> = if fade_in {
            Box::new(source.fade_in(length))
        } else {
            Box::new(source)
        };
        if trace.is_some() {
            let heard = Arc::new(OnceLock::new());
            marks.push((now(), heard.clone()));
            let marked = Marked {
                inner: source,
                heard: Some(heard),
            };
            open.add(Box::new(marked), length);
        } else {
            open.add(source, length);
        }
        sounding_until = sounding_until.max(now() + length);
    }
    // The device still holds a period or two after the mixer.
    std::thread::sleep(
        sounding_until.saturating_duration_since(now()) + Duration::from_millis(100),
    );
    if let Some(path) = trace {
        let delay = device.as_ref().map_or(last_delay, Device::delay);
        write_trace(&path, &marks, delay);
    }
}

/// What the sound thread does between commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Chore {
    Close,
    Open,
}

/// The one thing to do without a command, and when: close an open device
/// once the last cue has rung out, if the next one is far off (or none is
/// in sight); open a closed device a little before the next cue.
fn chore(
    open: bool,
    now: Instant,
    sounding_until: Instant,
    expected: Option<Instant>,
) -> Option<(Instant, Chore)> {
    if open {
        // From now at the earliest: a device just opened for a cue stays
        // open for it.
        let quiet_at = (sounding_until + MARGIN).max(now);
        expected
            .is_none_or(|next| next > quiet_at + WORTH_CLOSING)
            .then_some((quiet_at, Chore::Close))
    } else {
        expected.map(|next| (next.checked_sub(REOPEN_AHEAD).unwrap_or(next), Chore::Open))
    }
}

/// Opens the device again after a rest, in the format it had. A failure
/// is reported as the device stopping; the session goes on without sound.
fn reopen(
    failed: &Sender<Error>,
    last: Format,
    ready_made: &mut HashMap<usize, SamplesBuffer>,
) -> Option<Device> {
    match open_device(failed.clone(), Some(last)) {
        Ok(device) => {
            if device.format() != last {
                ready_made.clear();
            }
            Some(device)
        }
        Err(reason) => {
            let _ = failed.send(Error::Reopen(Box::new(reason)));
            None
        }
    }
}

/// The stream format a device was opened with.
type Format = (StreamConfig, SampleFormat);

impl Device {
    fn format(&self) -> Format {
        (self.config, self.format)
    }

    /// A clip in the device's channels and sample rate.
    fn convert(&self, clip: &Clip) -> SamplesBuffer {
        let samples: Vec<rodio::Sample> =
            UniformSourceIterator::new(clip.source(), self.channels, self.rate).collect();
        SamplesBuffer::new(self.channels, self.rate, samples)
    }

    /// Starts a source that lasts `length`. The gate opens first, so the
    /// callback never stops a cue half way.
    fn add(&self, source: Box<dyn Source + Send>, length: Duration) {
        let frames = (length + MARGIN).as_secs_f64() * f64::from(self.rate.get());
        let until = self.gate.played.load(Ordering::Acquire) + frames as u64;
        self.gate.mix_until.fetch_max(until, Ordering::AcqRel);
        self.mixer.add(source);
    }

    /// How long the device takes from the callback to the ear.
    fn delay(&self) -> Duration {
        Duration::from_nanos(self.delay.load(Ordering::Relaxed)).max(self.ring)
    }
}

/// One line per cue: how long it waited for the device's callback, and
/// the device's own delay after that.
fn write_trace(path: &PathBuf, marks: &[(Instant, Arc<OnceLock<Instant>>)], delay: Duration) {
    let Ok(mut file) = std::fs::File::create(path) else {
        return;
    };
    for (asked, heard) in marks {
        if let Some(heard) = heard.get() {
            let waited = heard.saturating_duration_since(*asked);
            let _ = writeln!(
                file,
                "waited_ms={:.3} device_delay_ms={:.3}",
                waited.as_secs_f64() * 1e3,
                delay.as_secs_f64() * 1e3
            );
        }
    }
}

/// A source that notes when its first sample is taken by the device.
struct Marked {
    inner: Box<dyn Source + Send>,
    heard: Option<Arc<OnceLock<Instant>>>,
}

impl Iterator for Marked {
    type Item = rodio::Sample;

    fn next(&mut self) -> Option<rodio::Sample> {
        if let Some(heard) = self.heard.take() {
            #[allow(clippy::disallowed_methods)]
            let _ = heard.set(Instant::now());
        }
        self.inner.next()
    }
}

impl Source for Marked {
    fn current_span_len(&self) -> Option<usize> {
        self.inner.current_span_len()
    }
    fn channels(&self) -> ChannelCount {
        self.inner.channels()
    }
    fn sample_rate(&self) -> SampleRate {
        self.inner.sample_rate()
    }
    fn total_duration(&self) -> Option<Duration> {
        self.inner.total_duration()
    }
}

/// Opens the default output device. `known` is the stream format it took
/// last time: asking the device which formats it supports costs far more
/// than opening it, so a reopening tries that format first.
fn open_device(failed: Sender<Error>, known: Option<Format>) -> Result<Device, Error> {
    let device = cpal::default_host()
        .default_output_device()
        .ok_or(Error::NoDevice)?;
    if let Some((config, format)) = known
        && let Ok(opened) = build(&device, &config, format, failed.clone())
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
    let format = supported.sample_format();
    let opened = build(&device, &config, format, failed.clone()).or_else(|_| {
        // Some devices refuse a short period; their own default will do.
        config.buffer_size = BufferSize::Default;
        build(&device, &config, format, failed)
    })?;
    opened.stream.play().map_err(Error::Device)?;
    Ok(opened)
}

fn build(
    device: &cpal::Device,
    config: &StreamConfig,
    format: SampleFormat,
    failed: Sender<Error>,
) -> Result<Device, Error> {
    let channels = NonZero::new(config.channels).ok_or(Error::NoChannels)?;
    let rate = NonZero::new(config.sample_rate).ok_or(Error::NoRate)?;
    let (mixer, source) = rodio::mixer::mixer(channels, rate);
    let delay = Arc::new(AtomicU64::new(0));
    let gate = Arc::new(Gate::default());
    let feed = Feed {
        source,
        channels: usize::from(channels.get()),
        delay: delay.clone(),
        gate: gate.clone(),
    };
    let stream = match format {
        SampleFormat::F32 => stream::<f32>(device, config, feed, failed),
        SampleFormat::I16 => stream::<i16>(device, config, feed, failed),
        SampleFormat::I32 => stream::<i32>(device, config, feed, failed),
        SampleFormat::U16 => stream::<u16>(device, config, feed, failed),
        SampleFormat::F64 => stream::<f64>(device, config, feed, failed),
        other => {
            return Err(Error::SampleFormat(other));
        }
    }?;
    let ring = match config.buffer_size {
        BufferSize::Fixed(frames) => {
            Duration::from_secs_f64(2.0 * f64::from(frames) / f64::from(rate.get()))
        }
        BufferSize::Default => Duration::ZERO,
    };
    Ok(Device {
        stream,
        mixer,
        channels,
        rate,
        config: *config,
        format,
        delay,
        ring,
        gate,
    })
}

/// What the device's callback needs: the mixer's output and the gate.
struct Feed {
    source: MixerSource,
    channels: usize,
    delay: Arc<AtomicU64>,
    gate: Arc<Gate>,
}

impl Feed {
    fn fill<T: SizedSample + FromSample<rodio::Sample>>(
        &mut self,
        data: &mut [T],
        info: &cpal::OutputCallbackInfo,
    ) {
        let frames = (data.len() / self.channels) as u64;
        let start = self.gate.played.load(Ordering::Acquire);
        if start < self.gate.mix_until.load(Ordering::Acquire) {
            for slot in data.iter_mut() {
                *slot = self.source.next().map_or(T::EQUILIBRIUM, T::from_sample);
            }
        } else {
            data.fill(T::EQUILIBRIUM);
        }
        self.gate.played.store(start + frames, Ordering::Release);
        let stamp = info.timestamp();
        let ahead = stamp.playback.duration_since(stamp.callback);
        self.delay.store(ahead.as_nanos() as u64, Ordering::Relaxed);
    }
}

/// The output stream: each callback fills the device's buffer from the
/// mixer while a cue sounds, and with silence otherwise.
fn stream<T>(
    device: &cpal::Device,
    config: &StreamConfig,
    mut feed: Feed,
    failed: Sender<Error>,
) -> Result<cpal::Stream, Error>
where
    T: SizedSample + FromSample<rodio::Sample>,
{
    // Glitches (an underrun, a refused real-time priority, a rerouted
    // stream) are not worth a word; losing the device is.
    let report = move |e: cpal::Error| {
        use cpal::ErrorKind::*;
        if !matches!(e.kind(), Xrun | RealtimeDenied | DeviceChanged) {
            let _ = failed.send(Error::Stopped(e));
        }
    };
    device
        .build_output_stream::<T, _, _>(
            *config,
            move |data: &mut [T], info: &cpal::OutputCallbackInfo| feed.fill(data, info),
            report,
            None,
        )
        .map_err(Error::Device)
}

/// A period of about 8 ms at `rate`, in frames.
fn period_for(rate: u32) -> u32 {
    (PERIOD_FRAMES * rate / 48_000).max(64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_device_rests_only_between_cues_far_apart() {
        #[allow(clippy::disallowed_methods)]
        let t0 = Instant::now();
        let at = |secs: u64| t0 + Duration::from_secs(secs);
        // A cue sounds until 1 s; the next is at 60 s: close once it has
        // rung out, open again a second before the next.
        assert_eq!(
            chore(true, at(0), at(1), Some(at(60))),
            Some((at(1) + MARGIN, Chore::Close))
        );
        assert_eq!(
            chore(false, at(2), at(1), Some(at(60))),
            Some((at(59), Chore::Open))
        );
        // Just reopened for that cue: it stays open, with nothing to do.
        assert_eq!(chore(true, at(59), at(1), Some(at(60))), None);
        // The next cue soon: stay open.
        assert_eq!(chore(true, at(0), at(1), Some(at(20))), None);
        // Paused (no cue in sight): close once quiet, and stay closed.
        assert_eq!(chore(true, at(5), at(1), None), Some((at(5), Chore::Close)));
        assert_eq!(chore(false, at(6), at(1), None), None);
    }
}
