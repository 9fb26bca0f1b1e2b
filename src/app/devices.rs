//! Trying the devices before bed: the sound cues and desktop notes.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use super::shared::{print, settings, table};
use crate::config::DEFAULT_VOLUME;
use crate::desktop;
use crate::diag::closest;
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::routine::Cue;
use crate::routine::catalog;
use crate::sound::{self, Speaker};

/// `sounds`: the cues, their lengths and when each plays.
pub fn sounds() -> Result<ExitCode> {
    print(&cue_table())
}

fn cue_table() -> String {
    let rows: Vec<[String; 3]> = Cue::ALL
        .iter()
        .map(|cue| {
            let length = sound::bundled(*cue)
                .map(|clip| format!("{:.2}s", clip.duration().as_secs_f64()))
                .unwrap_or_else(|e| format!("({e})"));
            [cue.to_string(), length, cue.when().to_owned()]
        })
        .collect();
    let mut out = table(
        &["CUE", "LENGTH", "PLAYS WHEN"],
        &rows,
        &[false, true, false],
    );
    out.push_str("\nTry one: nocturne sounds play relax --volume 40\n");
    out
}

/// `sounds play`: one cue or sound file, once, at the volume asked for,
/// else the settings'.
pub fn play(paths: &Paths, name: &str, volume: Option<u8>) -> Result<ExitCode> {
    let volume = match volume {
        Some(v) => v,
        None => settings(paths)?.volume.unwrap_or(DEFAULT_VOLUME),
    };
    let clip = match Cue::parse(name) {
        Some(cue) => sound::bundled(cue).map_err(|why| Error::Usage(why.to_string()))?,
        None if catalog::is_path(name) || name.contains('.') => {
            sound::load_file(Path::new(name)).map_err(|source| Error::Unplayable {
                name: name.to_owned(),
                source,
            })?
        }
        None => {
            let hint = closest(name, Cue::NAMES)
                .map(|near| format!("did you mean `{near}`? "))
                .unwrap_or_default();
            return Err(Error::Usage(format!(
                "there is no sound called `{}`; {hint}`nocturne sounds` lists them",
                crate::diag::short(name)
            )));
        }
    };
    let speaker = Speaker::open(Duration::from_secs(3), None).map_err(Error::Speaker)?;
    eprintln!(
        "{name} · {:.2}s · volume {volume}",
        clip.duration().as_secs_f64()
    );
    speaker.play(&clip, sound::gain(volume));
    speaker.close(clip.duration() + Duration::from_secs(1));
    Ok(ExitCode::SUCCESS)
}

/// Sends a note with a reminder's buttons and says what became of it.
pub fn test_notification(wait: Duration) -> Result<ExitCode> {
    let note = desktop::Note {
        summary: "nocturne: a test note".to_owned(),
        body: "If you can read this, notifications work. Try a button.".to_owned(),
        category: "x-nocturne.test",
        urgent: true,
        transient: false,
        actions: vec![
            ("start".to_owned(), "Start now".to_owned()),
            ("snooze".to_owned(), "Snooze 10 min".to_owned()),
        ],
    };
    let unavailable = |why| Error::Runtime(format!("notifications are not available: {why}"));
    let question = desktop::Question::put(&note).map_err(unavailable)?;
    eprintln!(
        "Sent a test note; waiting up to {} s for an answer.",
        wait.as_secs()
    );
    let answer = question.answer(wait).map_err(unavailable)?;
    let said = match answer {
        desktop::Answer::Action(key) => {
            let label = note
                .actions
                .iter()
                .find(|(id, _)| *id == key)
                .map_or(key.as_str(), |(_, label)| label.as_str());
            format!("You chose \"{label}\".")
        }
        desktop::Answer::Closed => "The note was closed.".to_owned(),
        desktop::Answer::Expired => "The note expired without an answer.".to_owned(),
        desktop::Answer::Silence => format!("No answer within {} s.", wait.as_secs()),
    };
    print(&format!("{said}\n"))
}
