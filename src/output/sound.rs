//! Sound cues for a session: each event that has a cue sends it to the
//! speaker thread and returns at once, so playback never touches timing.

use std::collections::HashMap;
use std::time::Duration;

use super::{Failure, Output};
use crate::plan::{Phase, Plan};
use crate::routine::{Cue, Kind, Sound};
use crate::session::Event;
use crate::sound::{self, Clip, Speaker};

pub struct SoundOutput {
    speaker: Option<Speaker>,
    clips: HashMap<Sound, Clip>,
    gain: f32,
    /// The first cue of a session fades in rather than starting at full level.
    first: bool,
    /// The step of the current segment, whose sounds a countdown tick uses.
    step: usize,
    /// Where the session stood at the last event, to tell the speaker when
    /// the next cue is due.
    speed: f64,
    index: usize,
    position: Duration,
    elapsed: Duration,
}

impl SoundOutput {
    /// Decodes every sound the plan can play, up front, so that playing one
    /// is only a message to the speaker. Returns the output and a line for
    /// each sound that could not be prepared (that cue stays silent).
    pub fn new(speaker: Speaker, plan: &Plan, volume: u8) -> (SoundOutput, Vec<String>) {
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
            first: true,
            step: 0,
            speed: 1.0,
            index: 0,
            position: Duration::ZERO,
            elapsed: Duration::ZERO,
        };
        (output, problems)
    }

    fn play(&mut self, plan: &Plan, cue: Cue, step: Option<usize>) {
        let chosen = step
            .and_then(|i| plan.routine.steps[i].sounds.get(cue))
            .or_else(|| plan.routine.sounds.get(cue))
            .cloned()
            .unwrap_or(Sound::Bundled(cue));
        if let (Some(clip), Some(speaker)) = (self.clips.get(&chosen), &self.speaker) {
            speaker.play(clip, self.gain, self.first);
            self.first = false;
        }
    }
}

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

/// The plan position of the next moment with a cue after `position`, in
/// segment `index`: a countdown second, or the segment's end (every segment
/// after the lead-in opens with a cue, and a completed session ends with one).
fn next_cue(plan: &Plan, index: usize, position: Duration) -> Duration {
    let segment = &plan.segments[index];
    (1..=segment.countdown())
        .rev()
        .map(|k| segment.end() - Duration::from_secs(k.into()))
        .find(|at| *at > position)
        .unwrap_or(segment.end())
}

impl SoundOutput {
    /// Tells the speaker when the next cue is due, so it can rest the
    /// device in long quiet stretches.
    fn look_ahead(&self, plan: &Plan, paused: bool) {
        let Some(speaker) = &self.speaker else {
            return;
        };
        let next = (!paused).then(|| {
            let wait = next_cue(plan, self.index, self.position).saturating_sub(self.position);
            wait.div_f64(self.speed)
        });
        speaker.expect(next);
    }
}

impl Output for SoundOutput {
    fn event(&mut self, plan: &Plan, event: &Event) -> Result<(), Failure> {
        if let Some(why) = self.speaker.as_ref().and_then(Speaker::failure) {
            // Let go of the speaker here, without waiting for it: this runs
            // on the session's timing path.
            self.speaker = None;
            return Err(Failure::Report(format!("sound is off: {why}")));
        }
        match event {
            Event::SessionStarted { speed } => self.speed = speed.factor(),
            Event::SegmentStarted { index, elapsed } => {
                (self.index, self.position, self.elapsed) =
                    (*index, plan.segments[*index].offset, *elapsed);
                self.step = plan.segments[*index].step;
                if let Some(cue) = cue_for(plan, *index) {
                    self.play(plan, cue, Some(self.step));
                }
                self.look_ahead(plan, false);
            }
            Event::Countdown { elapsed, remaining } => {
                let end = plan.segments[self.index].end();
                self.position = end - Duration::from_secs((*remaining).into());
                self.elapsed = *elapsed;
                self.play(plan, Cue::Tick, Some(self.step));
                self.look_ahead(plan, false);
            }
            // A paused session keeps no audio device open.
            Event::Paused { elapsed } | Event::Resumed { elapsed } => {
                self.position += elapsed.saturating_sub(self.elapsed);
                self.elapsed = *elapsed;
                self.look_ahead(plan, matches!(event, Event::Paused { .. }));
            }
            Event::SessionFinished { summary, .. } if summary.completed => {
                self.play(plan, Cue::Finish, None)
            }
            Event::StepDone { .. } | Event::StepSkipped { .. } | Event::SessionFinished { .. } => {}
        }
        Ok(())
    }
}

impl Drop for SoundOutput {
    /// Lets the last cue (the finishing chime) ring out before the program
    /// ends, but never for long.
    fn drop(&mut self) {
        if let Some(speaker) = self.speaker.take() {
            let longest = self
                .clips
                .values()
                .map(Clip::duration)
                .max()
                .unwrap_or_default();
            speaker.close(longest + Duration::from_millis(500));
        }
    }
}
