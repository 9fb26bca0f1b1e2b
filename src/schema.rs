//! JSON Schemas for routine files and config.toml, for editors: with the
//! `#:schema` comment at the top of a file, TOML language servers (Taplo,
//! Even Better TOML) complete and check keys as the user types. Built from
//! the loader's own lists of keys, choices and limits, so the schema and
//! `nocturne check` cannot drift apart on those; what takes arithmetic
//! (a routine's total length) is left to `check`.

use serde_json::{Map, Value, json};

use crate::config::rules;
use crate::routine::load::LIMITS;
use crate::routine::raw::{ROUTINE_KEYS, STEP_KEYS};
use crate::routine::{Cue, Kind, Level, Sides};
use crate::voice::PHRASE_KEYS;

/// Digits (leading zeros allowed, as the loader allows them) whose value
/// is at most `most`.
fn up_to(most: u64) -> String {
    let digits: Vec<u8> = most.to_string().bytes().map(|b| b - b'0').collect();
    let mut ways = Vec::new();
    if digits.len() > 1 {
        ways.push(format!("[0-9]{{1,{}}}", digits.len() - 1));
    }
    for (i, d) in digits.iter().enumerate() {
        if *d == 0 {
            continue;
        }
        let prefix: String = digits[..i].iter().map(|d| d.to_string()).collect();
        let below = if *d == 1 {
            "0".to_owned()
        } else {
            format!("[0-{}]", d - 1)
        };
        let rest = digits.len() - i - 1;
        let tail = if rest > 0 {
            format!("[0-9]{{{rest}}}")
        } else {
            String::new()
        };
        ways.push(format!("{prefix}{below}{tail}"));
    }
    ways.push(most.to_string());
    format!("0*(?:{})", ways.join("|"))
}

/// A duration written as text, as the loader reads it: "10s", "1m30s",
/// "2m", "1h", "90" (seconds), with spaces allowed around the parts and
/// the units from hours down. A duration of a single unit (the usual
/// kind) is bounded exactly by `most` seconds; with several units each
/// part is bounded on its own, and the sum is left to `nocturne check`.
/// `nonzero` refuses a duration with no digit other than 0.
fn duration_pattern(most: u64, nonzero: bool) -> String {
    let h = format!(r"{}\s*h\s*", up_to(most / 3600));
    let m = format!(r"{}\s*(?:m|min)\s*", up_to(most / 60));
    let sec = format!(r"{}\s*(?:s|sec)\s*", up_to(most));
    let forms = [
        format!("{h}(?:{m})?(?:{sec})?"),
        format!("{m}(?:{sec})?"),
        sec.clone(),
        format!(r"{}\s*", up_to(most)),
    ];
    let lead = if nonzero { r"(?=[\s\S]*[1-9])" } else { "" };
    format!(r"^{lead}\s*(?:{})$", forms.join("|"))
}

/// A duration in a routine: at most the longest hold.
fn duration(description: &str, nonzero: bool) -> Value {
    duration_within(
        description,
        u64::from(nonzero),
        LIMITS.longest_hold.as_secs(),
    )
}

/// A duration whose number of seconds, if written as one, is from `least`
/// to `most`.
fn duration_within(description: &str, least: u64, most: u64) -> Value {
    json!({
        "description": description,
        "anyOf": [
            {"type": "string", "pattern": duration_pattern(most, least > 0)},
            {"type": "integer", "minimum": least, "maximum": most},
        ],
    })
}

/// A day, in seconds: the longest repeat, grace or snooze.
const DAY: u64 = 24 * 3600;

/// Text on one line with no control characters, as the loader wants of
/// names, routines and messages.
const ONE_LINE: &str = r"^[^\x00-\x1f\x7f-\x9f]*$";

/// Text that may run over several lines (and hold tabs), but has no other
/// control characters.
const LINES: &str = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*$";

/// A name: one line, with something in it other than spaces.
const NAME: &str = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$";

fn text(description: &str) -> Value {
    json!({"type": "string", "description": description, "pattern": LINES})
}

fn line(description: &str) -> Value {
    json!({"type": "string", "description": description, "pattern": ONE_LINE})
}

fn name(description: &str) -> Value {
    json!({"type": "string", "description": description, "pattern": NAME})
}

fn choice(description: &str, words: &[&str]) -> Value {
    json!({"type": "string", "enum": words, "description": description})
}

fn sounds(description: &str) -> Value {
    let cues: Map<String, Value> = Cue::NAMES
        .iter()
        .map(|cue| {
            (
                (*cue).to_owned(),
                json!({
                    "type": "string",
                    "description": format!(
                        "The sound for `{cue}`: a bundled cue's name, `off`, or the path of a \
                         WAV, Ogg Vorbis, FLAC or MP3 file relative to the routine's folder"
                    ),
                    "anyOf": [
                        {"enum": Cue::NAMES.iter().chain(["off", "none"].iter()).collect::<Vec<_>>()},
                        {"pattern": "[./\\\\]"},
                    ],
                }),
            )
        })
        .collect();
    json!({
        "type": "object",
        "description": description,
        "properties": cues,
        "additionalProperties": false,
    })
}

fn object(
    description: &str,
    keys: &[&str],
    field: impl Fn(&str) -> Value,
    required: &[&str],
) -> Value {
    let properties: Map<String, Value> = keys.iter().map(|k| ((*k).to_owned(), field(k))).collect();
    json!({
        "type": "object",
        "description": description,
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn step_field(key: &str) -> Value {
    match key {
        "name" => name("What the user sees, such as \"Wall calf stretch\""),
        "kind" => choice(
            "What kind of step (default stretch)",
            &Kind::ALL.map(Kind::as_str),
        ),
        "hold" => duration(
            "How long one repetition lasts, above zero, at most 1 hour",
            true,
        ),
        "reps" => json!({
            "type": "integer",
            "minimum": 1,
            "maximum": LIMITS.most_reps,
            "description": "Repetitions per side (default 1)",
        }),
        "relax" => duration("Pause between repetitions (default 5s)", false),
        "sides" => choice("Which legs, in order (default none)", &Sides::NAMES),
        "switch" => duration(
            "Time to change sides, with sides = \"both\" (default 5s)",
            false,
        ),
        "rest" => duration("Pause after the step (default 0)", false),
        "instructions" => text("What to do, in a few sentences"),
        "optional" => {
            json!({"type": "boolean", "description": "Shown as optional (default false)"})
        }
        "sounds" => sounds("Sounds for this step's cues"),
        _ => json!({}),
    }
}

fn routine_field(key: &str) -> Value {
    match key {
        "name" => name("The routine's title"),
        "description" => text("One line about the routine, shown by `nocturne list`"),
        "source" => text("Where the routine comes from, shown by `nocturne show`"),
        "lead_in" => duration(
            "Get-ready countdown before the first step (default 5s)",
            false,
        ),
        "volume" => {
            json!({"type": "integer", "minimum": 0, "maximum": 100, "description": "Loudness of the cues, 0 to 100"})
        }
        "sounds" => sounds("Sounds for the cues of every step"),
        "notifications" => choice("Which moments reach the desktop", &Level::NAMES),
        "voice" | "voice_volume" | "voice_name" => voice_field(key),
        "offer_cramp_log" => {
            json!({"type": "boolean", "description": "At the end, offer to log a cramp (the cramp-relief routine)"})
        }
        "steps" => json!({
            "type": "array",
            "minItems": 1,
            "maxItems": LIMITS.most_steps,
            "description": "The steps, in order",
            "items": object("A step", STEP_KEYS, step_field, &["name", "hold"]),
        }),
        _ => json!({}),
    }
}

pub fn routine() -> Value {
    let mut schema = object(
        "A nocturne routine",
        ROUTINE_KEYS,
        routine_field,
        &["name", "steps"],
    );
    schema["$schema"] = json!("http://json-schema.org/draft-07/schema#");
    schema["title"] = json!("nocturne routine");
    schema
}

/// A clock time, as the loader reads it: the hour in one or two digits,
/// minutes and seconds in two ("7:05", "22:15:30").
const CLOCK: &str = r"^\s*(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?\s*$";

/// A word in any mix of upper and lower case, as the loader lowercases
/// day names before reading them.
fn any_case(word: &str) -> String {
    word.chars()
        .map(|c| {
            if c.is_ascii_alphabetic() {
                format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
            } else if c == ' ' {
                " ".to_owned()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// One entry of `days`: a day, a range of days, or every day.
fn day_item() -> String {
    let day = format!(
        "(?:{})",
        rules::DAY_WORDS
            .iter()
            .map(|w| any_case(w))
            .collect::<Vec<_>>()
            .join("|")
    );
    let every = rules::EVERY_DAY_WORDS
        .iter()
        .map(|w| any_case(w))
        .collect::<Vec<_>>()
        .join("|");
    format!(r"(?:{day}(?:\s*-\s*{day})?|{every})")
}

/// Days as text: entries separated by commas, at least one.
fn days_pattern(at_least_one: bool) -> String {
    let item = day_item();
    let list = format!(r"{item}(?:\s*,[\s,]*{item})*[\s,]*");
    if at_least_one {
        format!(r"^[\s,]*{list}$")
    } else {
        format!(r"^[\s,]*(?:{list})?$")
    }
}

fn reminder_field(key: &str) -> Value {
    match key {
        "at" => {
            json!({"type": "string", "pattern": CLOCK, "description": "A clock time, such as \"22:15\""})
        }
        "every" => duration_within("Repeat this often, from 1 minute to 24 hours", 60, DAY),
        "from" | "until" => {
            json!({"type": "string", "pattern": CLOCK, "description": "Start or end of the window, such as \"18:00\""})
        }
        "days" => json!({
            "description": "Days, such as \"mon-fri\" or [\"sat\", \"sun\"] (default every day)",
            "anyOf": [
                {"type": "string", "pattern": days_pattern(true)},
                {
                    "type": "array",
                    "items": {"type": "string", "pattern": days_pattern(false)},
                    "contains": {"type": "string", "pattern": days_pattern(true)},
                },
            ],
        }),
        "routine" => line("The routine \"Start now\" opens"),
        "message" => line("The notification's words"),
        "grace" => duration_within(
            "How late a missed reminder may still fire (default 30m)",
            0,
            DAY,
        ),
        _ => json!({}),
    }
}

/// A reminder: either `at`, or `every` with `from` and `until`.
fn reminder() -> Value {
    let mut schema = object("A reminder", rules::KEYS, reminder_field, &[]);
    schema["oneOf"] = json!([
        {
            "required": ["at"],
            "not": {"anyOf": [
                {"required": ["every"]},
                {"required": ["from"]},
                {"required": ["until"]},
            ]},
        },
        {
            "required": ["every", "from", "until"],
            "not": {"required": ["at"]},
        },
    ]);
    schema
}

/// The voice's keys, the same in a routine and in config.toml.
fn voice_field(key: &str) -> Value {
    match key {
        "voice" => {
            let phrases: Map<String, Value> = PHRASE_KEYS
                .iter()
                .map(|(key, default)| {
                    let value = if *key == "numbers" {
                        json!({
                            "type": "array",
                            "minItems": 1,
                            "items": {"type": "string", "pattern": NAME},
                            "description": format!("The numbers as words, from one on (default {default})"),
                        })
                    } else {
                        json!({
                            "type": "string",
                            "pattern": NAME,
                            "description": format!("Said instead of \"{default}\""),
                        })
                    };
                    ((*key).to_owned(), value)
                })
                .collect();
            json!({
                "description": "Spoken guidance: \"on\" (the default when a speech engine is found), \"off\", or a table with `enabled` and `phrases`",
                "anyOf": [
                    {"type": "string", "enum": ["on", "off"]},
                    {
                        "type": "object",
                        "properties": {
                            "enabled": {"type": "boolean", "description": "Whether the voice speaks"},
                            "phrases": {
                                "type": "object",
                                "description": "The fixed phrases in your own words, such as another language",
                                "properties": phrases,
                                "additionalProperties": false,
                            },
                        },
                        "additionalProperties": false,
                    },
                ],
            })
        }
        "voice_volume" => {
            json!({"type": "integer", "minimum": 0, "maximum": 100, "description": "Loudness of the voice, 0 to 100 (default: the cues' volume)"})
        }
        "voice_name" => json!({
            "type": "string",
            "pattern": VOICE_NAME,
            "description": "The speech engine's voice, such as \"en-gb\"",
        }),
        "voice_command" => json!({
            "type": "array",
            "minItems": 1,
            "items": [{"type": "string", "pattern": NAME}],
            "additionalItems": {"type": "string", "pattern": ONE_LINE},
            "contains": {"type": "string", "pattern": "\\{wav\\}"},
            "description": "A speech program and its arguments; {wav} is the WAV file it writes, {text} the phrase (else given on its input)",
        }),
        _ => json!({}),
    }
}

/// A voice's name: something other than spaces, no control characters,
/// not starting with `-`.
const VOICE_NAME: &str = r"^\s*[^\s\x00-\x1f\x7f-\x9f-][^\x00-\x1f\x7f-\x9f]*$";

fn config_field(key: &str) -> Value {
    match key {
        "voice" | "voice_command" | "voice_volume" | "voice_name" => voice_field(key),
        "default_routine" => name("The routine `nocturne run` starts when none is named"),
        "volume" => {
            json!({"type": "integer", "minimum": 0, "maximum": 100, "description": "Loudness of the cues, 0 to 100 (default 40)"})
        }
        "notifications" => choice(
            "Which moments of a session reach the desktop (default all)",
            &Level::NAMES,
        ),
        "snooze" => duration_within("How long a reminder's Snooze waits (default 10m)", 1, DAY),
        "theme" => choice(
            "The colours: night (dim and warm), day, or plain (default night)",
            &crate::theme::Theme::NAMES,
        ),
        "view" => choice(
            "How a session is drawn: big digits, compact bars, plain lines, or auto by the terminal's size (default auto)",
            &crate::output::terminal::View::NAMES,
        ),
        "glass" => json!({
            "type": "string",
            "pattern": "^\\s*[0-9]+(\\.[0-9]+)?\\s*([mM][lL]|[cC][lL]|[lL])\\s*$",
            "description": "What one glass holds, such as \"250ml\" (default 250ml)",
        }),
        "evening_drinks" => {
            json!({"type": "integer", "minimum": 1, "maximum": 20, "description": "Evenings with at least this many drinks are compared with the others in stats (default 2)"})
        }
        "terminal" => {
            json!({"type": "array", "items": {"type": "string"}, "minItems": 1, "description": "How Start now opens a terminal, such as [\"xterm\", \"-e\"]"})
        }
        "reminders" => json!({
            "type": "array",
            "description": "Reminders: `at` a clock time, or `every` with `from` and `until`",
            "items": reminder(),
        }),
        _ => json!({}),
    }
}

pub fn config() -> Value {
    let mut schema = object("nocturne settings", crate::config::KEYS, config_field, &[]);
    schema["$schema"] = json!("http://json-schema.org/draft-07/schema#");
    schema["title"] = json!("nocturne config.toml");
    schema
}

/// The schema as written to a file: pretty, with a final line break.
pub fn text_of(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_the_loader_knows_is_described() {
        for key in ROUTINE_KEYS {
            assert_ne!(routine_field(key), json!({}), "{key}");
        }
        for key in STEP_KEYS {
            assert_ne!(step_field(key), json!({}), "{key}");
        }
        for key in crate::config::KEYS {
            assert_ne!(config_field(key), json!({}), "{key}");
        }
        for key in rules::KEYS {
            assert_ne!(reminder_field(key), json!({}), "{key}");
        }
    }

    #[test]
    fn the_committed_schemas_are_the_generated_ones() {
        let committed = |name: &str| {
            std::fs::read_to_string(format!("{}/routines/{name}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
        };
        assert_eq!(
            committed("routine.schema.json"),
            text_of(&routine()),
            "run `nocturne schema routine > routines/routine.schema.json`"
        );
        assert_eq!(
            committed("config.schema.json"),
            text_of(&config()),
            "run `nocturne schema config > routines/config.schema.json`"
        );
    }
}
