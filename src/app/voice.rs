//! Trying the voice before bed: hearing a phrase, and listing what a
//! routine will say and when.

use std::process::ExitCode;
use std::time::Duration;

use super::shared::{find, print, settings};
use crate::config::{Config, DEFAULT_VOLUME};
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::plan::{Plan, plan};
use crate::routine::Routine;
use crate::routine::load::SoundFiles;
use crate::session::Speed;
use crate::sound::{self, Speaker};
use crate::util::clock;
use crate::voice::{self, NO_ENGINE, Voice, phrases};

/// The settings, the routine named (or tonight's) and the voice they
/// describe, whether or not they turn it on.
fn prepared(paths: &Paths, routine: Option<&str>) -> Result<(Config, Routine, Option<Voice>)> {
    let config = settings(paths)?;
    let (routine, _) = find(paths, routine, &config, SoundFiles::Named)?;
    let volume = routine.volume.or(config.volume).unwrap_or(DEFAULT_VOLUME);
    let voice = voice::prepare(&config.voice, &routine.voice, volume, paths.voice_cache());
    Ok((config, routine, voice))
}

/// `voice test`: says `text`, or the first two phrases of tonight's
/// routine, and names the engine that said it.
pub fn test(paths: &Paths, text: Option<&str>) -> Result<ExitCode> {
    let (_, routine, voice) = prepared(paths, None)?;
    let Some(voice) = voice else {
        return Err(Error::Runtime(NO_ENGINE.to_owned()));
    };
    let texts: Vec<String> = match text {
        Some(text) if !text.trim().is_empty() => vec![text.trim().to_owned()],
        Some(_) => {
            return Err(Error::Usage(
                "there is nothing to say: TEXT is empty".to_owned(),
            ));
        }
        None => {
            let plan = plan(routine);
            phrases::in_full(&phrases::segments(&plan, &voice.phrases))
                .into_iter()
                .take(2)
                .collect()
        }
    };
    let mut clips = Vec::with_capacity(texts.len());
    for text in &texts {
        clips.push(voice::say(&voice, text).map_err(Error::Runtime)?);
    }
    let said = |verb: &str| -> String {
        texts
            .iter()
            .map(|text| format!("{verb} with {}: \"{text}\"\n", voice.describe()))
            .collect()
    };
    let speaker = match Speaker::open(Duration::from_millis(500), None) {
        Ok(speaker) => speaker,
        Err(why) => {
            print(&said("Rendered"))?;
            return Err(Error::Speaker(why));
        }
    };
    let gain = sound::gain(voice.volume);
    for clip in &clips {
        speaker.play(clip, gain);
        std::thread::sleep(clip.duration() + Duration::from_millis(300));
    }
    speaker.close(Duration::from_secs(1));
    if voice.volume == 0 {
        eprintln!("nocturne: the voice's volume is 0, so nothing was heard");
    }
    print(&said("Spoke"))
}

/// `voice list`: every phrase the routine will say, with its moment, as
/// rendered for `speed`.
pub fn list(paths: &Paths, routine: Option<&str>, speed: Speed) -> Result<ExitCode> {
    let (config, routine, voice) = prepared(paths, routine)?;
    if routine.voice.enabled.or(config.voice.enabled) == Some(false) {
        eprintln!("nocturne: the voice is off in your settings; this is what it would say");
    }
    let plan = plan(routine);
    let Some(voice) = voice else {
        eprintln!(
            "nocturne: {NO_ENGINE}; the phrases could not be timed, so each is shown in full"
        );
        let full = phrases::in_full(&phrases::segments(&plan, &phrases::Phrases::default()));
        let lines = full.into_iter().map(Some).collect::<Vec<_>>();
        let texts = with_finish(lines, phrases::Phrases::default().finish);
        return print(&listing(&plan, speed, &texts, &texts));
    };
    let full = with_finish(
        phrases::in_full(&phrases::segments(&plan, &voice.phrases))
            .into_iter()
            .map(Some)
            .collect(),
        voice.phrases.finish.clone(),
    );
    let rendering = voice::start(voice, &plan, speed);
    rendering.wait();
    if let Some(failure) = rendering.failure() {
        return Err(Error::Runtime(failure));
    }
    if let Some(notice) = rendering.notice() {
        eprintln!("nocturne: {notice}");
    }
    print(&listing(&plan, speed, &rendering.texts(), &full))
}

fn with_finish(mut texts: Vec<Option<String>>, finish: String) -> Vec<Option<String>> {
    texts.push(Some(finish));
    texts
}

/// One line a phrase: its moment at `speed`, and what is said, or the
/// full phrase marked as left out.
fn listing(plan: &Plan, speed: Speed, said: &[Option<String>], full: &[Option<String>]) -> String {
    let at = |offset: Duration| {
        clock(Duration::from_secs_f64(
            offset.as_secs_f64() / speed.factor(),
        ))
    };
    let moments = plan
        .segments
        .iter()
        .map(|s| s.offset)
        .chain(std::iter::once(plan.total));
    let mut out = String::new();
    for (i, offset) in moments.enumerate() {
        let line = match (
            said.get(i).cloned().flatten(),
            full.get(i).cloned().flatten(),
        ) {
            (Some(text), _) => text,
            (None, Some(text)) => format!("(left out: no time) {text}"),
            (None, None) => "(left out: no time)".to_owned(),
        };
        out.push_str(&format!("{}  {line}\n", at(offset)));
    }
    out
}
