//! The device's side of the audio timeline: sounds arrive with the instant
//! they must be heard, and the callback writes each one at the frame the
//! device will play at that instant. The device says, in every callback,
//! when the first frame of the buffer will be heard; the mapping from
//! instants to frames is made again from that in every callback, so the
//! audio clock and the session's clock cannot drift apart.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant};

/// What the sound thread tells the callback.
pub enum Cue {
    /// Mix `samples` (interleaved, in the device's format) from `at`.
    Sound {
        at: Instant,
        samples: Arc<[f32]>,
        gain: f32,
        /// Noted in the trace, for the benchmark.
        traced: bool,
        /// A spoken phrase (for the trace), not a cue.
        spoken: bool,
    },
    /// Drop what has not started, and fade out what plays.
    Cut,
}

/// A sound on its way to the speaker, or sounding.
struct Voice {
    at: Instant,
    samples: Arc<[f32]>,
    gain: f32,
    /// Frames already written; `None` until the sound starts.
    done: Option<usize>,
    /// Frames left in a fade-out, once cut.
    fading: Option<usize>,
    traced: bool,
    spoken: bool,
}

/// When a traced sound was planned, and when the device said its first
/// frame would be heard.
#[derive(Debug, Clone, Copy)]
pub struct Onset {
    pub planned: Instant,
    pub placed: Instant,
    /// How long the sound lasts (which tells the bundled cues apart).
    pub length: Duration,
    pub spoken: bool,
}

/// How long a sound fades in (every sound, so none starts with a click)
/// and fades out when it is cut short.
const FADE_IN: Duration = Duration::from_millis(5);
const FADE_OUT: Duration = Duration::from_millis(10);

/// A device that reports a delay beyond this is not believed: its
/// timestamps are taken as "now".
const MOST_DELAY: Duration = Duration::from_millis(500);

/// The callback's state: what is planned or sounding, and a scratch buffer
/// to mix into.
pub struct Mixer {
    inbox: Receiver<Cue>,
    voices: Vec<Voice>,
    channels: usize,
    rate: u32,
    scratch: Vec<f32>,
    onsets: Option<Sender<Onset>>,
}

impl Mixer {
    pub fn new(
        inbox: Receiver<Cue>,
        channels: usize,
        rate: u32,
        onsets: Option<Sender<Onset>>,
    ) -> Mixer {
        Mixer {
            inbox,
            voices: Vec::new(),
            channels,
            rate,
            scratch: Vec::new(),
            onsets,
        }
    }

    /// The instant the first frame of the buffer being filled will be
    /// heard: `now` plus the device's delay from callback to playback.
    pub fn heard_at(now: Instant, delay: Option<Duration>) -> Instant {
        now + delay.filter(|d| *d <= MOST_DELAY).unwrap_or_default()
    }

    /// Whether anything is planned or sounding.
    #[cfg(test)]
    pub fn busy(&self) -> bool {
        !self.voices.is_empty()
    }

    /// Mixes a buffer of `out_len` interleaved samples whose first frame
    /// is heard at `first`. `None` when the buffer is all silence, so the
    /// caller writes silence without converting anything.
    pub fn fill(&mut self, out_len: usize, first: Instant) -> Option<&[f32]> {
        while let Ok(cue) = self.inbox.try_recv() {
            match cue {
                Cue::Sound {
                    at,
                    samples,
                    gain,
                    traced,
                    spoken,
                } => self.voices.push(Voice {
                    at,
                    samples,
                    gain,
                    done: None,
                    fading: None,
                    traced,
                    spoken,
                }),
                Cue::Cut => {
                    let fade = self.frames(FADE_OUT);
                    self.voices.retain_mut(|voice| {
                        if voice.done.is_some() {
                            voice.fading = Some(voice.fading.map_or(fade, |f| f.min(fade)));
                            true
                        } else {
                            false
                        }
                    });
                }
            }
        }
        if self.voices.is_empty() {
            return None;
        }
        let frames = out_len / self.channels;
        self.scratch.clear();
        self.scratch.resize(out_len, 0.0);
        let fade_in = self.frames(FADE_IN).max(1);
        let fade_out = self.frames(FADE_OUT).max(1);
        let (channels, rate) = (self.channels, self.rate);
        let mut sounded = false;
        for voice in &mut self.voices {
            let (start, from) = match voice.done {
                Some(done) => (0, done),
                None => {
                    let offset = frames_between(first, voice.at, rate);
                    if offset >= frames as i64 {
                        continue;
                    }
                    // A sound that is late starts at once, whole.
                    let start = offset.max(0) as usize;
                    if voice.traced
                        && let Some(onsets) = &self.onsets
                    {
                        let placed = first + Duration::from_secs_f64(start as f64 / rate as f64);
                        let length = voice.samples.len() as f64 / (channels as f64 * rate as f64);
                        let _ = onsets.send(Onset {
                            planned: voice.at,
                            placed,
                            length: Duration::from_secs_f64(length),
                            spoken: voice.spoken,
                        });
                    }
                    (start, 0)
                }
            };
            let total = voice.samples.len() / channels;
            let mut frame = from;
            for slot in start..frames {
                if frame >= total || voice.fading == Some(0) {
                    break;
                }
                let mut level = voice.gain;
                if frame < fade_in {
                    level *= frame as f32 / fade_in as f32;
                }
                if let Some(left) = &mut voice.fading {
                    level *= *left as f32 / fade_out as f32;
                    *left -= 1;
                }
                let source = &voice.samples[frame * channels..(frame + 1) * channels];
                let target = &mut self.scratch[slot * channels..(slot + 1) * channels];
                for (t, s) in target.iter_mut().zip(source) {
                    *t += s * level;
                }
                frame += 1;
            }
            sounded = true;
            voice.done = Some(frame);
        }
        self.voices.retain(|voice| {
            voice
                .done
                .is_none_or(|done| done < voice.samples.len() / channels && voice.fading != Some(0))
        });
        sounded.then_some(self.scratch.as_slice())
    }

    fn frames(&self, length: Duration) -> usize {
        (length.as_secs_f64() * f64::from(self.rate)) as usize
    }
}

/// Frames from `from` to `to` at `rate`, negative when `to` is earlier.
fn frames_between(from: Instant, to: Instant, rate: u32) -> i64 {
    let frames = |d: Duration| (d.as_secs_f64() * f64::from(rate)).round() as i64;
    match to.checked_duration_since(from) {
        Some(ahead) => frames(ahead),
        None => -frames(from - to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;

    const RATE: u32 = 1000;

    fn ones(frames: usize) -> Arc<[f32]> {
        vec![1.0; frames].into()
    }

    #[test]
    fn a_sound_lands_on_the_frame_of_its_instant() {
        #[allow(clippy::disallowed_methods)]
        let t0 = Instant::now();
        let (send, inbox) = channel();
        let (noted, onsets) = channel();
        let mut mixer = Mixer::new(inbox, 1, RATE, Some(noted));
        // Due 25 ms (25 frames) after the first buffer's first frame.
        send.send(Cue::Sound {
            at: t0 + Duration::from_millis(25),
            samples: ones(30),
            gain: 0.5,
            traced: true,
            spoken: false,
        })
        .unwrap();
        assert!(mixer.fill(20, t0).is_none(), "not due in the first buffer");
        let second = mixer.fill(20, t0 + Duration::from_millis(20)).unwrap();
        assert_eq!(second[..5], [0.0; 5]);
        // It fades in over 5 frames, then plays at its gain.
        assert_eq!(second[5], 0.0);
        assert!(second[6] > 0.0 && second[6] < 0.5);
        assert_eq!(second[19], 0.5);
        let third = mixer
            .fill(20, t0 + Duration::from_millis(40))
            .unwrap()
            .to_vec();
        // 30 frames in all: 15 in the second buffer, 15 in the third.
        assert_eq!(third[14], 0.5);
        assert_eq!(third[15], 0.0);
        assert!(!mixer.busy());
        let onset = onsets.try_recv().unwrap();
        assert_eq!(onset.placed - t0, Duration::from_millis(25));
    }

    #[test]
    fn each_callback_maps_instants_afresh() {
        // The device's clock ran 1 ms slow between callbacks: the sound
        // still lands on the frame of its instant.
        #[allow(clippy::disallowed_methods)]
        let t0 = Instant::now();
        let (send, inbox) = channel();
        let mut mixer = Mixer::new(inbox, 1, RATE, None);
        send.send(Cue::Sound {
            at: t0 + Duration::from_millis(30),
            samples: ones(50),
            gain: 1.0,
            traced: false,
            spoken: false,
        })
        .unwrap();
        assert!(mixer.fill(20, t0).is_none());
        let out = mixer.fill(20, t0 + Duration::from_millis(21)).unwrap();
        assert_eq!(out[8], 0.0);
        assert!(out[10] > 0.0);
    }

    #[test]
    fn a_cut_drops_what_waits_and_fades_what_plays() {
        #[allow(clippy::disallowed_methods)]
        let t0 = Instant::now();
        let (send, inbox) = channel();
        let mut mixer = Mixer::new(inbox, 1, RATE, None);
        for at in [0, 500] {
            send.send(Cue::Sound {
                at: t0 + Duration::from_millis(at),
                samples: ones(1000),
                gain: 1.0,
                traced: false,
                spoken: false,
            })
            .unwrap();
        }
        mixer.fill(20, t0).unwrap();
        send.send(Cue::Cut).unwrap();
        let out = mixer.fill(20, t0 + Duration::from_millis(20)).unwrap();
        assert!(out[0] > 0.8 && out[9] < 0.2, "fades out over 10 ms");
        assert_eq!(out[10..], [0.0; 10]);
        assert!(!mixer.busy(), "the later sound was dropped");
    }

    #[test]
    fn a_late_sound_starts_at_once_and_whole() {
        #[allow(clippy::disallowed_methods)]
        let t0 = Instant::now();
        let (send, inbox) = channel();
        let mut mixer = Mixer::new(inbox, 2, RATE, None);
        send.send(Cue::Sound {
            at: t0,
            samples: ones(40),
            gain: 1.0,
            traced: false,
            spoken: false,
        })
        .unwrap();
        let out = mixer.fill(40, t0 + Duration::from_millis(50)).unwrap();
        assert_eq!(out[0..2], [0.0, 0.0]);
        assert_eq!(out[38..40], [1.0, 1.0]);
    }

    #[test]
    fn unbelievable_delays_are_ignored() {
        #[allow(clippy::disallowed_methods)]
        let now = Instant::now();
        let ms = Duration::from_millis;
        assert_eq!(Mixer::heard_at(now, Some(ms(20))), now + ms(20));
        assert_eq!(Mixer::heard_at(now, Some(ms(5000))), now);
        assert_eq!(Mixer::heard_at(now, None), now);
    }
}
