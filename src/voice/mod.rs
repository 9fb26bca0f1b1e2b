//! Spoken guidance: a calm voice that says what to do as each segment
//! starts ("Get ready. Wall calf stretch, left leg.", "Hold.", "Relax."),
//! for a user on the floor who cannot see the screen. Phrases are rendered
//! ahead of time by a speech engine into WAV files, kept in a cache, and
//! played on the same timeline as the cues.

pub mod cache;
pub mod engine;
pub mod phrases;
pub mod render;
pub mod settings;

use std::path::PathBuf;

pub use engine::Engine;
pub use phrases::{PHRASE_KEYS, Phrases};
#[allow(unused_imports)] // The sound output's to use.
pub use render::{Rendering, Slot};
pub use render::{say, start};
pub use settings::Settings;

/// What is said when no engine can be found.
pub const NO_ENGINE: &str =
    "voice is off: no speech engine found (install espeak-ng, or set voice_command)";

/// The voice of a session, every choice made.
#[derive(Debug, Clone)]
pub struct Voice {
    pub engine: Engine,
    pub phrases: Phrases,
    /// Loudness, 0 to 100: `voice_volume`, else the cues' volume.
    pub volume: u8,
    /// The cache folder, `.../nocturne/voice`; `None` when none was found.
    pub cache: Option<PathBuf>,
}

impl Voice {
    /// How messages name the engine: "espeak-ng (voice en-gb)".
    pub fn describe(&self) -> &str {
        &self.engine.label
    }
}

/// The voice the settings describe, whether or not they turn it on:
/// `routine` over `config` key by key, the engine from `voice_command` or
/// else the first found. `None` when there is no engine.
pub fn prepare(
    config: &Settings,
    routine: &Settings,
    sound_volume: u8,
    cache: Option<PathBuf>,
) -> Option<Voice> {
    prepare_with(config, routine, sound_volume, cache, Engine::find)
}

fn prepare_with(
    config: &Settings,
    routine: &Settings,
    sound_volume: u8,
    cache: Option<PathBuf>,
    find: impl Fn(Option<&str>) -> Option<Engine>,
) -> Option<Voice> {
    let name = routine.name.as_deref().or(config.name.as_deref());
    let engine = match &config.command {
        Some(words) => Engine::command(words),
        None => find(name),
    }?;
    let mut phrases = Phrases::default();
    for (key, value) in config.phrases.iter().chain(&routine.phrases) {
        phrases.set(key, value);
    }
    Some(Voice {
        engine,
        phrases,
        volume: routine.volume.or(config.volume).unwrap_or(sound_volume),
        cache,
    })
}

/// What the command line says of sound and the voice.
#[derive(Debug, Clone, Copy)]
pub struct Asked {
    /// The cues' volume as resolved; 0 (or `--mute`) silences the voice
    /// too.
    pub sound_volume: u8,
    /// `false` with `--no-voice`.
    pub voice: bool,
}

/// The session's voice: the command line, then the routine, then
/// config.toml, then the default (on when an engine is found). The second
/// value is a one-line notice to show, when the voice is off for want of
/// an engine and sound is on.
pub fn resolve(
    config: &Settings,
    routine: &Settings,
    asked: Asked,
    cache: Option<PathBuf>,
) -> (Option<Voice>, Option<String>) {
    resolve_with(config, routine, asked, cache, Engine::find)
}

fn resolve_with(
    config: &Settings,
    routine: &Settings,
    asked: Asked,
    cache: Option<PathBuf>,
    find: impl Fn(Option<&str>) -> Option<Engine>,
) -> (Option<Voice>, Option<String>) {
    let wanted = routine.enabled.or(config.enabled).unwrap_or(true);
    let volume = routine
        .volume
        .or(config.volume)
        .unwrap_or(asked.sound_volume);
    if asked.sound_volume == 0 || volume == 0 || !asked.voice || !wanted {
        return (None, None);
    }
    match prepare_with(config, routine, asked.sound_volume, cache, find) {
        None => (None, Some(NO_ENGINE.to_owned())),
        Some(voice) => (Some(voice), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn espeak(name: Option<&str>) -> Option<Engine> {
        Some(Engine {
            program: "espeak-ng".into(),
            args: Vec::new(),
            label: format!("espeak-ng (voice {})", name.unwrap_or("en")),
            script: None,
        })
    }

    fn none(_: Option<&str>) -> Option<Engine> {
        None
    }

    const ON: Asked = Asked {
        sound_volume: 40,
        voice: true,
    };

    fn settings(text: &str) -> Settings {
        crate::config::Config::parse(text).unwrap().voice
    }

    #[test]
    fn the_voice_is_on_when_an_engine_is_found() {
        let (voice, notice) = resolve_with(&settings(""), &settings(""), ON, None, espeak);
        let voice = voice.unwrap();
        assert_eq!((voice.volume, notice), (40, None));
        assert_eq!(voice.describe(), "espeak-ng (voice en)");
        let (voice, notice) = resolve_with(&settings(""), &settings(""), ON, None, none);
        assert!(voice.is_none());
        assert_eq!(notice.as_deref(), Some(NO_ENGINE));
        // Asked for, with no engine: the same notice.
        let (_, notice) =
            resolve_with(&settings("voice = \"on\"\n"), &settings(""), ON, None, none);
        assert_eq!(notice.as_deref(), Some(NO_ENGINE));
    }

    #[test]
    fn silence_asked_for_says_nothing() {
        let quiet = [
            (
                settings(""),
                Asked {
                    sound_volume: 0,
                    voice: true,
                },
            ),
            (
                settings(""),
                Asked {
                    sound_volume: 40,
                    voice: false,
                },
            ),
            (settings("voice = \"off\"\n"), ON),
            (settings("voice_volume = 0\n"), ON),
        ];
        for (config, asked) in quiet {
            for find in [espeak, none] {
                let (voice, notice) = resolve_with(&config, &settings(""), asked, None, find);
                assert!(voice.is_none() && notice.is_none(), "{config:?} {asked:?}");
            }
        }
    }

    #[test]
    fn the_routine_beats_the_settings_key_by_key() {
        let config = settings("voice = \"off\"\nvoice_volume = 20\nvoice_name = \"en-gb\"\n");
        let mut routine = Settings {
            enabled: Some(true),
            name: Some("en-us".into()),
            ..Settings::default()
        };
        routine
            .phrases
            .insert("hold".into(), phrases::PhraseValue::Text("Halten.".into()));
        let (voice, _) = resolve_with(&config, &routine, ON, None, espeak);
        let voice = voice.unwrap();
        assert_eq!(voice.volume, 20);
        assert_eq!(voice.describe(), "espeak-ng (voice en-us)");
        assert_eq!(voice.phrases.hold, "Halten.");
        // The user's own command wins over any engine found.
        let config = settings("voice_command = [\"/opt/speak\", \"{wav}\", \"{text}\"]\n");
        let (voice, _) = resolve_with(&config, &settings(""), ON, None, none);
        assert_eq!(voice.unwrap().describe(), "voice_command speak");
    }
}
