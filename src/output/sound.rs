//! Sound cues and spoken guidance for a session. The plan says when every
//! sound is due, so each is handed to the speaker thread a few seconds
//! ahead, for its exact instant; a pause or a jump drops what was planned
//! and plans again from there. Nothing here waits, so playback never
//! touches the session's timing.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::{Failure, Output};
use crate::plan::{Phase, Plan};
use crate::routine::{Cue, Kind, Sound};
use crate::session::{Event, Timeline};
use crate::sound::{self, Clip, Phrase, Planned, Speaker, speaker};

pub struct SoundOutput {
    speaker: Option<Speaker>,
    clips: HashMap<Sound, Clip>,
    gain: f32,
    guidance: Option<Guidance>,
    /// The instant the session's clock reads zero.
    origin: Instant,
    /// Where the plan is on the clock; `None` while paused.
    timeline: Option<Timeline>,
    /// The next segment whose sounds are to be planned (the number of
    /// segments stands for the end of the session).
    next: usize,
    /// The voice stopped (and said so).
    voice_failed: bool,
}

/// Spoken guidance for a session: a phrase for each segment's start,
/// filled in as they are rendered.
pub struct Guidance {
    /// One phrase per segment, then the finishing one.
    pub phrases: Vec<Phrase>,
    pub gain: f32,
    /// Why the voice stopped, if it has; asked after each event, and said
    /// once.
    pub failure: Box<dyn FnMut() -> Option<String>>,
    /// A remark that does not stop the voice, said once.
    pub notice: Box<dyn FnMut() -> Option<String>>,
}

/// How long before the session starts the sound thread is told of its
/// first sounds: enough for it to convert them and for the device to place
/// the first phrase on its moment rather than in its next buffer, before
/// the session's own first moment needs the processor.
const LEAD: Duration = Duration::from_millis(200);

/// Sounds are planned at least this far ahead of the present (and always
/// the next segment's), so each reaches the device in good time.
const AHEAD: Duration = Duration::from_secs(3);

/// A sound whose moment passed more than this long ago (the session was
/// resumed after it) is not played.
const STALE: Duration = Duration::from_millis(20);

impl SoundOutput {
    /// Decodes every sound the plan can play, up front, so that playing one
    /// is only a message to the speaker. Returns the output and a line for
    /// each sound that could not be prepared (that cue stays silent).
    /// `origin` is the instant the session's clock reads zero.
    pub fn new(
        speaker: Speaker,
        plan: &Plan,
        volume: u8,
        guidance: Option<Guidance>,
        origin: Instant,
    ) -> (SoundOutput, Vec<String>) {
        let mut clips = HashMap::new();
        let mut problems = Vec::new();
        let chosen = plan
            .routine
            .steps
            .iter()
            .flat_map(|step| step.sounds.iter())
            .chain(plan.routine.sounds.iter())
            .cloned()
            .chain(Cue::ALL.map(Sound::Bundled));
        for sound in chosen {
            if clips.contains_key(&sound) {
                continue;
            }
            let clip = match &sound {
                Sound::Bundled(cue) => sound::bundled(*cue).map_err(|why| why.to_string()),
                Sound::File(path) => sound::load_file(path)
                    .map_err(|why| format!("{} cannot be played: {why}", path.display())),
                Sound::Off => continue,
            };
            match clip {
                Ok(clip) => {
                    clips.insert(sound, clip);
                }
                Err(why) => problems.push(why),
            }
        }
        let output = SoundOutput {
            speaker: Some(speaker),
            clips,
            gain: sound::gain(volume),
            guidance,
            origin,
            timeline: None,
            next: 0,
            voice_failed: false,
        };
        (output, problems)
    }

    /// The clip a cue plays in a step (or outside any step).
    fn clip(&self, plan: &Plan, cue: Cue, step: Option<usize>) -> Option<Clip> {
        let chosen = step
            .and_then(|i| plan.routine.steps[i].sounds.get(cue))
            .or_else(|| plan.routine.sounds.get(cue))
            .cloned()
            .unwrap_or(Sound::Bundled(cue));
        self.clips.get(&chosen).cloned()
    }

    /// The instant the plan reaches `position`, while it runs.
    fn instant_of(&self, position: Duration) -> Option<Instant> {
        self.timeline
            .map(|line| self.origin + line.clock_time_of(position))
    }

    /// Plans the sounds of the coming segments: at least the one after
    /// `current`, and every one that starts within `AHEAD`.
    fn plan_ahead(&mut self, plan: &Plan, current: usize) {
        #[allow(clippy::disallowed_methods)]
        let now = Instant::now();
        while self.next <= plan.segments.len() {
            let start = plan
                .segments
                .get(self.next)
                .map_or(plan.total, |segment| segment.offset);
            let Some(at) = self.instant_of(start) else {
                return;
            };
            if self.next > current + 1 && at > now + AHEAD {
                return;
            }
            self.plan_segment(plan, self.next, now);
            self.next += 1;
        }
    }

    /// Hands the speaker a segment's sounds: its phrase and tone, and its
    /// countdown ticks; for the end of the plan, the finishing phrase and
    /// chime. Sounds whose moment has passed are left out.
    fn plan_segment(&mut self, plan: &Plan, index: usize, now: Instant) {
        let Some(speaker) = &self.speaker else {
            return;
        };
        let phrase = self.guidance.as_ref().and_then(|guidance| {
            guidance
                .phrases
                .get(index)
                .map(|phrase| (phrase.clone(), guidance.gain))
        });
        let fresh = |at: &Instant| *at + STALE >= now;
        let Some(segment) = plan.segments.get(index) else {
            if let Some(at) = self.instant_of(plan.total).filter(fresh) {
                speaker.plan(Planned {
                    at,
                    sound: speaker::Sound::Opening {
                        phrase,
                        tone: self
                            .clip(plan, Cue::Finish, None)
                            .map(|clip| (clip, self.gain)),
                        until: at + FINISH_WINDOW,
                    },
                });
            }
            return;
        };
        let step = Some(segment.step);
        if let (Some(at), Some(until)) = (
            self.instant_of(segment.offset).filter(fresh),
            self.instant_of(segment.end()),
        ) {
            let tone = cue_for(plan, index)
                .and_then(|cue| self.clip(plan, cue, step))
                .map(|clip| (clip, self.gain));
            speaker.plan(Planned {
                at,
                sound: speaker::Sound::Opening {
                    phrase,
                    tone,
                    until,
                },
            });
        }
        if let Some(tick) = self.clip(plan, Cue::Tick, step) {
            for k in (1..=segment.countdown()).rev() {
                let moment = segment.end() - Duration::from_secs(k.into());
                if let Some(at) = self.instant_of(moment).filter(fresh) {
                    speaker.plan(Planned {
                        at,
                        sound: speaker::Sound::Clip {
                            clip: tick.clone(),
                            gain: self.gain,
                        },
                    });
                }
            }
        }
    }
}

/// How long after the plan's end the finishing chime may still begin,
/// after the closing phrase.
const FINISH_WINDOW: Duration = Duration::from_secs(8);

/// The cue a segment opens with, if any: the lead-in has none of its own
/// (its last seconds tick), and a rest follows a step that is done.
fn cue_for(plan: &Plan, index: usize) -> Option<Cue> {
    let segment = &plan.segments[index];
    match segment.phase {
        Phase::LeadIn => None,
        Phase::Hold if plan.step(segment).kind == Kind::Hydrate => Some(Cue::Hydrate),
        Phase::Hold => Some(Cue::Hold),
        Phase::Relax => Some(Cue::Relax),
        Phase::Switch => Some(Cue::Switch),
        Phase::Rest => Some(Cue::Done),
    }
}

/// The segment that holds plan position `position` (the number of
/// segments at the plan's end).
fn segment_at(plan: &Plan, position: Duration) -> usize {
    plan.segments
        .partition_point(|segment| segment.end() <= position)
}

impl Output for SoundOutput {
    fn timeline(&mut self, plan: &Plan, timeline: Option<Timeline>) {
        // What was planned on the old timeline is dropped: a pause, a skip
        // or an early end silences it at once.
        if self.timeline.is_some()
            && let Some(speaker) = &self.speaker
        {
            speaker.clear();
        }
        self.timeline = timeline;
        if let Some(line) = timeline {
            let current = segment_at(plan, line.position);
            self.next = current;
            self.plan_ahead(plan, current);
        }
    }

    fn event(&mut self, plan: &Plan, event: &Event) -> Result<(), Failure> {
        if let Some(why) = self.speaker.as_ref().and_then(Speaker::failure) {
            // Let go of the speaker here, without waiting for it: this runs
            // on the session's timing path.
            self.speaker = None;
            return Err(Failure::Report(format!("sound is off: {why}")));
        }
        if let Event::SegmentStarted { index, .. } = event {
            self.plan_ahead(plan, *index);
        }
        Ok(())
    }

    fn take_notice(&mut self) -> Option<String> {
        let guidance = self.guidance.as_mut()?;
        if let Some(failure) = (guidance.failure)() {
            self.voice_failed = true;
            return Some(failure);
        }
        (guidance.notice)()
    }

    fn lead(&self) -> Duration {
        LEAD
    }
}

impl Drop for SoundOutput {
    /// Lets the finishing phrase and chime ring out before the program
    /// ends, but never for long; then says how many phrases, if any, were
    /// not ready in time.
    fn drop(&mut self) {
        if let Some(speaker) = self.speaker.take() {
            let longest = self
                .clips
                .values()
                .map(Clip::duration)
                .max()
                .unwrap_or_default();
            let speech = if self.guidance.is_some() {
                FINISH_WINDOW
            } else {
                Duration::ZERO
            };
            let late = speaker.late_phrases();
            speaker.close(speech + longest + Duration::from_millis(500));
            // Once the voice has stopped and said so, its phrases are not
            // counted again.
            if late > 0 && !self.voice_failed {
                let phrases = if late == 1 {
                    "phrase was"
                } else {
                    "phrases were"
                };
                eprintln!(
                    "nocturne: {late} spoken {phrases} not ready in time; the tones played without them"
                );
            }
        }
    }
}
