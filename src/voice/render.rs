//! Rendering ahead: one thread renders every phrase of a session in plan
//! order, so the first is ready during the lead-in. Each phrase lands in a
//! slot the sound output reads when its moment comes: not there yet,
//! ready, or left out.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use super::Voice;
use super::cache::{Cache, Failure};
use super::phrases::{self, Phrase, Picker};
use crate::plan::Plan;
use crate::session::Speed;
use crate::sound::Clip;

/// One phrase: unset while it is being rendered; `Some` when it is ready;
/// `None` when it is left out (no way of saying it fits its time, or the
/// voice failed).
pub type Slot = Arc<OnceLock<Option<Clip>>>;

/// A phrase ends this long before its segment does at the latest.
pub const MARGIN: Duration = Duration::from_millis(250);

/// The finish phrase has this long.
pub const FINISH_WINDOW: Duration = Duration::from_secs(6);

/// The loudest a phrase peaks: below the cues.
pub const PEAK: f32 = 0.5;

/// A phrase fades in over this long, so it starts without a click.
pub const FADE_IN: Duration = Duration::from_millis(5);

/// A session's phrases, rendered on a thread of their own.
pub struct Rendering {
    segments: Vec<Slot>,
    finish: Slot,
    /// What each slot says, once chosen (the finish last).
    texts: Arc<Mutex<Vec<Option<String>>>>,
    failure: Arc<Mutex<Option<String>>>,
    #[cfg(test)]
    cache: Arc<Cache>,
    /// The voice's loudness, 0 to 100.
    volume: u8,
    notice: Mutex<Option<String>>,
    stop: Arc<AtomicBool>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

/// Starts rendering every phrase of `plan` at `speed`.
pub fn start(voice: Voice, plan: &Plan, speed: Speed) -> Rendering {
    let (cache, notice) = Cache::open(voice.cache.as_deref());
    let cache = Arc::new(cache);
    let volume = voice.volume;
    let phrases = phrases::segments(plan, &voice.phrases);
    let windows: Vec<Duration> = plan
        .segments
        .iter()
        .map(|s| window(s.duration, speed))
        .collect();
    let segments: Vec<Slot> = phrases.iter().map(|_| Slot::default()).collect();
    let finish = Slot::default();
    let texts = Arc::new(Mutex::new(vec![None; phrases.len() + 1]));
    let failure = Arc::new(Mutex::new(None));
    let stop = Arc::new(AtomicBool::new(false));
    let work = Work {
        voice,
        cache: Arc::clone(&cache),
        slots: segments.clone(),
        finish: Arc::clone(&finish),
        texts: Arc::clone(&texts),
        failure: Arc::clone(&failure),
        stop: Arc::clone(&stop),
    };
    let thread = std::thread::Builder::new()
        .name("voice".into())
        .spawn(move || work.run(phrases, windows));
    let thread = match thread {
        Ok(handle) => Some(handle),
        Err(e) => {
            let reason = format!(
                "voice is off: it could not start: {}",
                crate::util::io_reason(&e)
            );
            set_failure(&failure, reason);
            for slot in segments.iter().chain([&finish]) {
                let _ = slot.set(None);
            }
            None
        }
    };
    Rendering {
        segments,
        finish,
        texts,
        failure,
        #[cfg(test)]
        cache,
        volume,
        notice: Mutex::new(notice),
        stop,
        thread: Mutex::new(thread),
    }
}

impl Rendering {
    /// The phrase spoken as segment `index` starts.
    pub fn segment(&self, index: usize) -> Option<Slot> {
        self.segments.get(index).cloned()
    }

    /// The phrase spoken at the finish.
    pub fn finish(&self) -> Slot {
        Arc::clone(&self.finish)
    }

    /// How loud the phrases are to be played, 0 to 100 (for
    /// `sound::gain`).
    pub fn volume(&self) -> u8 {
        self.volume
    }

    /// Why the voice failed, said once: "voice is off: espeak-ng did not
    /// finish within 10 s". Every phrase not yet ready is then left out.
    pub fn failure(&self) -> Option<String> {
        self.failure.lock().ok().and_then(|mut f| f.take())
    }

    /// A remark that does not stop the voice (a cache that cannot be
    /// written), said once.
    pub fn notice(&self) -> Option<String> {
        self.notice.lock().ok().and_then(|mut n| n.take())
    }

    /// Engine calls made so far; none on a night whose phrases are all in
    /// the cache.
    #[cfg(test)]
    pub fn renders(&self) -> usize {
        self.cache.renders()
    }

    /// Waits until every phrase is rendered or left out.
    pub fn wait(&self) {
        let thread = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }

    /// What each segment's phrase says, then the finish's: `None` for a
    /// phrase left out or not yet chosen.
    pub fn texts(&self) -> Vec<Option<String>> {
        self.texts.lock().map(|t| t.clone()).unwrap_or_default()
    }
}

impl Drop for Rendering {
    /// A session that ends early stops the rendering after the phrase at
    /// hand.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// How long a segment's phrase may last at `speed`.
pub fn window(duration: Duration, speed: Speed) -> Duration {
    Duration::from_secs_f64(duration.as_secs_f64() / speed.factor()).saturating_sub(MARGIN)
}

fn set_failure(failure: &Mutex<Option<String>>, reason: String) {
    if let Ok(mut f) = failure.lock()
        && f.is_none()
    {
        *f = Some(reason);
    }
}

/// What the rendering thread holds.
struct Work {
    voice: Voice,
    cache: Arc<Cache>,
    slots: Vec<Slot>,
    finish: Slot,
    texts: Arc<Mutex<Vec<Option<String>>>>,
    failure: Arc<Mutex<Option<String>>>,
    stop: Arc<AtomicBool>,
}

impl Work {
    fn run(self, phrases: Vec<Phrase>, windows: Vec<Duration>) {
        let mut picker = Picker::default();
        let mut clips = std::collections::HashMap::new();
        let finish = phrases::finish(&self.voice.phrases);
        let all = phrases
            .iter()
            .zip(windows)
            .chain(std::iter::once((&finish, FINISH_WINDOW)));
        let slots = self.slots.iter().chain(std::iter::once(&self.finish));
        for (index, ((phrase, window), slot)) in all.zip(slots).enumerate() {
            if self.stop.load(Ordering::Relaxed) {
                break;
            }
            let mut chosen = None;
            for variant in picker.variants(phrase) {
                let clip = clips
                    .entry(variant.text.clone())
                    .or_insert_with(|| self.cache.get(&self.voice.engine, &variant.text))
                    .clone();
                match clip {
                    Ok(clip) if clip.duration() <= window => {
                        chosen = Some((variant.clone(), clip));
                        break;
                    }
                    Ok(_) | Err(Failure::TooLong) => {}
                    Err(Failure::Engine(reason)) => {
                        set_failure(&self.failure, format!("voice is off: {reason}"));
                        self.give_up();
                        return;
                    }
                }
            }
            let ready = chosen.map(|(variant, clip)| {
                picker.spoken(&variant);
                if let Ok(mut texts) = self.texts.lock() {
                    texts[index] = Some(variant.text);
                }
                soften(&clip)
            });
            let _ = slot.set(ready);
        }
        self.give_up();
    }

    /// Leaves out every phrase not yet rendered.
    fn give_up(&self) {
        for slot in self.slots.iter().chain(std::iter::once(&self.finish)) {
            let _ = slot.set(None);
        }
    }
}

/// Renders one phrase now, with the same cache and limits as a session,
/// for `nocturne voice test`. The clip comes back ready to play.
pub fn say(voice: &Voice, text: &str) -> Result<Clip, String> {
    let (cache, _) = Cache::open(voice.cache.as_deref());
    match cache.get(&voice.engine, text) {
        Ok(clip) => Ok(soften(&clip)),
        Err(Failure::Engine(reason)) => Err(format!("voice is off: {reason}")),
        Err(Failure::TooLong) => Err(format!(
            "the phrase takes longer than {} s to say",
            crate::sound::MAX_LENGTH.as_secs()
        )),
    }
}

/// A phrase at the voice's level: the silence an engine leaves before and
/// after the words cut away (so the words land on their moment, and a
/// phrase is no longer than its words), peaking at `PEAK`, fading in, and
/// ending in silence.
pub fn soften(clip: &Clip) -> Clip {
    let (samples, channels, rate) = clip.samples();
    let channels_n = usize::from(channels.max(1));
    let peak = samples.iter().fold(0f32, |m, s| m.max(s.abs()));
    let scale = if peak > 0.0 { PEAK / peak } else { 1.0 };
    // Anything under a hundredth of the peak (-40 dB) is silence here.
    let heard = |s: &f32| s.abs() > peak / 100.0;
    let frame_of = |i: usize| i / channels_n;
    let first = samples.iter().position(heard).map_or(0, frame_of);
    let last = samples.iter().rposition(heard).map_or(0, frame_of);
    let frames = samples.len() / channels_n;
    let ms = |n: u64| (n as usize * rate as usize / 1000).max(1);
    // A little of the engine's own lead-in and tail is kept, so no
    // consonant is clipped.
    let start = first.saturating_sub(ms(2));
    let end = (last + 1 + ms(TAIL_MS)).min(frames);
    let kept = &samples[start * channels_n..end.max(start + 1).min(frames) * channels_n];
    let fade_in = (FADE_IN.as_secs_f64() * f64::from(rate)) as usize;
    let fade_out = ms(TAIL_MS);
    let length = kept.len() / channels_n;
    let out = kept
        .iter()
        .enumerate()
        .map(|(i, sample)| {
            let frame = i / channels_n;
            let rise = (frame as f32 / fade_in.max(1) as f32).min(1.0);
            let fall = ((length - frame) as f32 / fade_out as f32).min(1.0);
            sample * scale * rise * fall
        })
        .collect();
    Clip::from_samples(channels, rate, out).unwrap_or_else(|| clip.clone())
}

/// How much of an engine's trailing quiet is kept, fading to silence.
const TAIL_MS: u64 = 30;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_peaks_below_the_cues_and_fades_in() {
        let samples: Vec<f32> = (0..2205).map(|i| ((i as f32) * 0.3).sin() * 0.9).collect();
        let clip = Clip::from_samples(1, 22_050, samples).unwrap();
        let soft = soften(&clip);
        let (out, channels, rate) = soft.samples();
        assert_eq!((channels, rate, out.len()), (1, 22_050, 2205));
        assert!(out[out.len() - 1].abs() < 0.02, "it ends in silence");
        let peak = out.iter().fold(0f32, |m, s| m.max(s.abs()));
        assert!((peak - PEAK).abs() < 1e-3, "{peak}");
        assert_eq!(out[0], 0.0);
        // Within the first 5 ms the level rises from nothing.
        let early = out[..30].iter().fold(0f32, |m, s| m.max(s.abs()));
        assert!(early < 0.2, "{early}");
    }

    #[test]
    fn the_silence_around_the_words_is_cut_away() {
        // 100 ms of silence, 200 ms of sound, 300 ms of silence.
        let rate = 1000;
        let samples: Vec<f32> = (0..600)
            .map(|i| if (100..300).contains(&i) { 0.8 } else { 0.0 })
            .collect();
        let clip = Clip::from_samples(1, rate, samples).unwrap();
        let (out, _, _) = soften(&clip).samples();
        // 2 ms kept before, 30 ms after.
        assert_eq!(out.len(), 2 + 200 + 30);
        assert!(out[10].abs() > 0.4);
    }

    /// The voice of the stand-in engine the integration tests use, with
    /// `extra` arguments, noting each phrase in `log`.
    fn stand_in(dir: &std::path::Path, extra: &[&str]) -> Voice {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/fake_voice.py");
        let mut words = vec![
            script.to_owned(),
            "--wav={wav}".to_owned(),
            "--text={text}".to_owned(),
            format!("--log={}", dir.join("log").display()),
        ];
        words.extend(extra.iter().map(|w| (*w).to_owned()));
        Voice {
            engine: crate::voice::Engine::command(&words).unwrap(),
            phrases: crate::voice::Phrases::default(),
            volume: 40,
            cache: Some(dir.join("voice")),
        }
    }

    fn short_plan() -> Plan {
        crate::plan::plan(
            crate::routine::load::load(
                "t",
                "name = \"T\"\nlead_in = 3\n[[steps]]\nname = \"Calf\"\nhold = 2\nreps = 2\nrelax = 1\n",
            )
            .unwrap(),
        )
    }

    #[test]
    fn every_slot_is_filled_and_a_second_night_renders_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let plan = short_plan();
        let speed = Speed::new(1.0).unwrap();
        let first = start(stand_in(dir.path(), &[]), &plan, speed);
        first.wait();
        assert_eq!(first.failure(), None);
        assert_eq!(first.renders(), 5);
        assert_eq!(
            first.texts(),
            [
                Some("Get ready. Calf.".to_owned()),
                Some("Hold.".to_owned()),
                Some("Relax.".to_owned()),
                Some("Two".to_owned()),
                Some("Well done. Sleep well.".to_owned()),
            ]
        );
        for index in 0..plan.segments.len() {
            let slot = first.segment(index).unwrap();
            let clip = slot.get().unwrap().as_ref().unwrap();
            let (samples, _, _) = clip.samples();
            let peak = samples.iter().fold(0f32, |m, s| m.max(s.abs()));
            assert!((peak - PEAK).abs() < 0.01, "{peak}");
        }
        assert!(first.finish().get().unwrap().is_some());
        assert!(first.segment(plan.segments.len()).is_none());

        let second = start(stand_in(dir.path(), &[]), &plan, speed);
        second.wait();
        assert_eq!(second.renders(), 0);
        assert_eq!(second.texts(), first.texts());
    }

    #[test]
    fn a_failing_engine_is_told_once_and_leaves_every_phrase_out() {
        let dir = tempfile::tempdir().unwrap();
        let plan = short_plan();
        let rendering = start(
            stand_in(dir.path(), &["--garbage"]),
            &plan,
            Speed::new(1.0).unwrap(),
        );
        rendering.wait();
        assert_eq!(
            rendering.failure().as_deref(),
            Some("voice is off: voice_command fake_voice.py wrote something that is not audio")
        );
        assert_eq!(rendering.failure(), None);
        assert_eq!(rendering.renders(), 1);
        for index in 0..plan.segments.len() {
            assert!(rendering.segment(index).unwrap().get().unwrap().is_none());
        }
        assert!(rendering.finish().get().unwrap().is_none());
    }

    #[test]
    fn the_window_is_the_segment_at_speed_less_a_margin() {
        let speed = |f| Speed::new(f).unwrap();
        assert_eq!(
            window(Duration::from_secs(5), speed(1.0)),
            Duration::from_millis(4750)
        );
        assert_eq!(
            window(Duration::from_secs(10), speed(2.0)),
            Duration::from_millis(4750)
        );
        assert_eq!(window(Duration::from_secs(5), speed(30.0)), Duration::ZERO);
    }
}
