//! The voice's keys, as config.toml and routine files write them, and
//! their checks. Both files take the same keys, except `voice_command`:
//! a routine is something people share, so it may never name a program
//! to run.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Visitor};
use toml::Spanned;
use toml::de::DeTable;

use super::phrases::{PHRASE_NAMES, PhraseValue};
use crate::diag::{Diagnostic, short};
use crate::routine::raw::RawCount;
use crate::tomlfile;

/// Keys of a `[voice]` table.
pub const TABLE_KEYS: [&str; 2] = ["enabled", "phrases"];

/// What one file says of the voice; `None` leaves a choice to the next.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settings {
    /// `voice = "on"` or `"off"` (or `enabled` in a `[voice]` table).
    pub enabled: Option<bool>,
    /// The program and its arguments (config.toml only).
    pub command: Option<Vec<String>>,
    /// Loudness of the voice, 0 to 100.
    pub volume: Option<u8>,
    /// The engine's voice, such as "en-gb".
    pub name: Option<String>,
    /// Phrases in the user's own words, by key.
    pub phrases: BTreeMap<String, PhraseValue>,
}

/// `voice` as written: a word, or a table.
#[derive(Debug)]
pub enum RawVoice {
    Word(String),
    Table(RawVoiceTable),
}

#[derive(Debug, Deserialize)]
pub struct RawVoiceTable {
    pub enabled: Option<Spanned<bool>>,
    pub phrases: Option<BTreeMap<String, Spanned<RawPhrase>>>,
}

impl<'de> Deserialize<'de> for RawVoice {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawVoice;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"on\", \"off\" or a [voice] table")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawVoice, E> {
                Ok(RawVoice::Word(v.to_owned()))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<RawVoice, A::Error> {
                RawVoiceTable::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(RawVoice::Table)
            }
        }
        d.deserialize_any(V)
    }
}

/// A phrase as written: text, or a list (for `numbers`).
#[derive(Debug)]
pub enum RawPhrase {
    Text(String),
    List(Vec<String>),
}

impl<'de> Deserialize<'de> for RawPhrase {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawPhrase;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a phrase in quotes, or for `numbers` a list of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawPhrase, E> {
                Ok(RawPhrase::Text(v.to_owned()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<RawPhrase, A::Error> {
                let mut words = Vec::new();
                while let Some(word) = seq.next_element::<String>()? {
                    words.push(word);
                }
                Ok(RawPhrase::List(words))
            }
        }
        d.deserialize_any(V)
    }
}

/// The voice's keys of one file, as read.
#[derive(Debug, Default)]
pub struct RawKeys<'a> {
    pub voice: Option<&'a Spanned<RawVoice>>,
    pub command: Option<&'a Spanned<Vec<String>>>,
    pub volume: Option<&'a Spanned<RawCount>>,
    pub name: Option<&'a Spanned<String>>,
}

/// Reports keys of `[voice]` and `[voice.phrases]` nocturne does not
/// know, with the nearest known one.
pub fn unknown_keys(document: &DeTable<'_>, problems: &mut Vec<Diagnostic>) {
    let Some(table) = document.get("voice").and_then(|v| v.get_ref().as_table()) else {
        return;
    };
    tomlfile::unknown_keys(table, &TABLE_KEYS, "[voice]", "in [voice]", problems);
    if let Some(phrases) = table.get("phrases").and_then(|p| p.get_ref().as_table()) {
        tomlfile::unknown_keys(
            phrases,
            &PHRASE_NAMES,
            "[voice.phrases]",
            "in [voice.phrases]",
            problems,
        );
    }
}

/// The problem of a `voice_command` in a routine.
pub fn command_in_routine(span: std::ops::Range<usize>) -> Diagnostic {
    Diagnostic::new("`voice_command` can only be set in config.toml, not in a routine")
        .at(span)
        .label("a routine may not run a program")
        .help(
            "a routine is something people share, so it must never run a program; \
             set voice_command in your own config.toml",
        )
}

/// Checks the voice's keys; problems are added to `problems`.
pub fn check(raw: RawKeys<'_>, problems: &mut Vec<Diagnostic>) -> Settings {
    let mut settings = Settings::default();
    if let Some(voice) = raw.voice {
        match voice.get_ref() {
            RawVoice::Word(word) => match word.trim() {
                "on" => settings.enabled = Some(true),
                "off" => settings.enabled = Some(false),
                other => {
                    let label = match crate::diag::closest(other, ["on", "off"]) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => "not a choice of the voice".to_owned(),
                    };
                    problems.push(
                        Diagnostic::new(format!("unknown voice `{}`", short(other)))
                            .at(voice.span())
                            .label(label)
                            .help("voice is \"on\", \"off\", or a [voice] table with `enabled` and [voice.phrases]"),
                    );
                }
            },
            RawVoice::Table(table) => {
                settings.enabled = table.enabled.as_ref().map(|e| *e.get_ref());
                if let Some(phrases) = &table.phrases {
                    for (key, value) in phrases {
                        if let Some(value) = phrase(key, value, problems) {
                            settings.phrases.insert(key.clone(), value);
                        }
                    }
                }
            }
        }
    }
    if let Some(command) = raw.command {
        let words = command.get_ref();
        let problem = if words.first().is_none_or(|w| w.trim().is_empty()) {
            Some((
                "`voice_command` is empty",
                "give the program and its arguments, such as [\"piper\", \"--model\", \"voice.onnx\", \"--output_file\", \"{wav}\"]",
            ))
        } else if !words.iter().any(|w| w.contains("{wav}")) {
            Some((
                "`voice_command` does not say where to write the sound",
                "put {wav} in one of its arguments; nocturne puts a file's path there, and the phrase where {text} is (or on the program's input)",
            ))
        } else if words.iter().any(|w| w.chars().any(char::is_control)) {
            Some((
                "`voice_command` contains a control character",
                "use plain text",
            ))
        } else {
            None
        };
        match problem {
            Some((message, help)) => {
                problems.push(Diagnostic::new(message).at(command.span()).help(help))
            }
            None => settings.command = Some(words.clone()),
        }
    }
    if let Some(volume) = raw.volume {
        match u8::try_from(volume.get_ref().0) {
            Ok(v) if v <= 100 => settings.volume = Some(v),
            _ => problems.push(
                Diagnostic::new(format!("`voice_volume` is {}", volume.get_ref().0))
                    .at(volume.span())
                    .label("out of range")
                    .help("voice_volume is a whole number from 0 (silent) to 100 (full)"),
            ),
        }
    }
    if let Some(name) = raw.name {
        let word = name.get_ref().trim();
        if word.is_empty() || word.starts_with('-') || word.chars().any(char::is_control) {
            problems.push(
                Diagnostic::new(format!("`voice_name` `{}` cannot be used", short(word)))
                    .at(name.span())
                    .help("name one of the engine's voices, such as voice_name = \"en-gb\" (`espeak-ng --voices` lists them)"),
            );
        } else {
            settings.name = Some(word.to_owned());
        }
    }
    settings
}

fn phrase(
    key: &str,
    value: &Spanned<RawPhrase>,
    problems: &mut Vec<Diagnostic>,
) -> Option<PhraseValue> {
    if !PHRASE_NAMES.contains(&key) {
        // Already reported as an unknown key.
        return None;
    }
    let usable = |text: &str| !text.trim().is_empty() && !text.chars().any(char::is_control);
    let problem = match (key, value.get_ref()) {
        ("numbers", RawPhrase::List(words)) if !words.is_empty() && words.iter().all(|w| usable(w)) => {
            return Some(PhraseValue::List(
                words.iter().map(|w| w.trim().to_owned()).collect(),
            ));
        }
        ("numbers", _) => Diagnostic::new("`numbers` in [voice.phrases] cannot be used")
            .help("write the numbers as words, from one on, such as numbers = [\"Eins\", \"Zwei\", \"Drei\"]"),
        (_, RawPhrase::Text(text)) if usable(text) => {
            return Some(PhraseValue::Text(text.trim().to_owned()));
        }
        (_, RawPhrase::Text(_)) => {
            Diagnostic::new(format!("the phrase `{key}` is empty or not plain text"))
                .help("write the words to say, on one line")
        }
        (_, RawPhrase::List(_)) => {
            Diagnostic::new(format!("the phrase `{key}` should be text in quotes"))
                .help("only `numbers` is a list")
        }
    };
    problems.push(problem.at(value.span()));
    None
}

#[cfg(test)]
mod tests {
    use crate::config::Config;

    fn problems(text: &str) -> Vec<(String, Option<String>)> {
        Config::parse(text)
            .unwrap_err()
            .into_iter()
            .map(|d| (d.message, d.label))
            .collect()
    }

    #[test]
    fn reads_every_voice_key() {
        let config = Config::parse(
            "voice_command = [\"piper\", \"--output_file\", \"{wav}\"]\nvoice_volume = 30\n\
             voice_name = \"en-gb\"\n[voice]\nenabled = true\n[voice.phrases]\nhold = \"Halten.\"\n\
             numbers = [\"Eins\", \"Zwei\"]\n",
        )
        .unwrap();
        let voice = config.voice;
        assert_eq!(voice.enabled, Some(true));
        assert_eq!(voice.volume, Some(30));
        assert_eq!(voice.name.as_deref(), Some("en-gb"));
        assert_eq!(voice.command.unwrap()[0], "piper");
        assert_eq!(voice.phrases.len(), 2);
        assert_eq!(
            Config::parse("voice = \"off\"\n").unwrap().voice.enabled,
            Some(false)
        );
    }

    #[test]
    fn refuses_what_cannot_be_spoken_or_run() {
        assert_eq!(
            problems("voice = \"of\"\n"),
            [(
                "unknown voice `of`".to_owned(),
                Some("did you mean `off`?".to_owned())
            )]
        );
        assert_eq!(
            problems("[voice.phrases]\nhodl = \"x\"\n")[0],
            (
                "unknown key `hodl` in [voice.phrases]".to_owned(),
                Some("did you mean `hold`?".to_owned())
            )
        );
        assert_eq!(
            problems("[voice]\nenabeld = true\n")[0].0,
            "unknown key `enabeld` in [voice]"
        );
        let messages =
            |text: &str| -> Vec<String> { problems(text).into_iter().map(|(m, _)| m).collect() };
        assert_eq!(
            messages(
                "voice_command = [\"piper\"]\nvoice_volume = 120\nvoice_name = \"-x\"\n\
                 [voice.phrases]\nhold = \" \"\nnumbers = \"one\"\nrest = [\"a\"]\n"
            ),
            [
                "`voice_command` does not say where to write the sound",
                "`voice_volume` is 120",
                "`voice_name` `-x` cannot be used",
                "the phrase `hold` is empty or not plain text",
                "`numbers` in [voice.phrases] cannot be used",
                "the phrase `rest` should be text in quotes",
            ]
        );
        assert_eq!(
            messages("voice_command = []\nvoice = 3\n"),
            [
                "`voice_command` is empty",
                "`voice` should be \"on\", \"off\" or a [voice] table"
            ]
        );
    }

    #[test]
    fn a_routine_may_not_run_a_program() {
        let found = crate::routine::load::load(
            "t",
            "name = \"x\"\nvoice_command = [\"sh\", \"-c\", \"{text}\"]\nvoice_name = \"en-gb\"\n\
             [[steps]]\nname = \"a\"\nhold = 5\n",
        )
        .unwrap_err();
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "`voice_command` can only be set in config.toml, not in a routine"
        );
        assert_eq!(found[0].span, Some(27..49));
        let routine = crate::routine::load::load(
            "t",
            "name = \"x\"\nvoice_volume = 10\n[voice]\nenabled = false\n[voice.phrases]\n\
             hold = \"Halten.\"\n[[steps]]\nname = \"a\"\nhold = 5\n",
        )
        .unwrap();
        assert_eq!(routine.voice.enabled, Some(false));
        assert_eq!(routine.voice.volume, Some(10));
        assert_eq!(routine.voice.phrases.len(), 1);
    }
}
