//! The second stage of loading: from the raw file to a checked `Routine`,
//! with one clear message, at the right place, for everything that makes no
//! sense.

use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::Spanned;

use super::duration::DurationError;
use super::raw::{
    DURATION_FORMS, ROUTINE_KEYS, RawCount, RawDuration, RawRoutine, RawSounds, RawStep, STEP_KEYS,
};
use super::{Cue, Kind, Level, Routine, Sides, Sound, Sounds, Step};
use crate::diag::{Diagnostic, FileReport, closest, short};
use crate::tomlfile;
use crate::util::human;

/// The bounds a routine must keep; generous for any real evening, tight
/// enough that a typo ("10h" for "10s") is caught.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub longest_hold: Duration,
    pub longest_routine: Duration,
    pub most_steps: usize,
    pub most_reps: i64,
}

pub const LIMITS: Limits = Limits {
    longest_hold: Duration::from_secs(3600),
    longest_routine: Duration::from_secs(4 * 3600),
    most_steps: 200,
    most_reps: 100,
};

const DEFAULT_LEAD_IN: Duration = Duration::from_secs(5);
const DEFAULT_RELAX: Duration = Duration::from_secs(5);
const DEFAULT_SWITCH: Duration = Duration::from_secs(5);

/// A volume as written in a routine or the settings: 0 to 100.
pub fn volume(raw: &Spanned<RawCount>) -> Result<u8, Diagnostic> {
    match u8::try_from(raw.get_ref().0) {
        Ok(v) if v <= 100 => Ok(v),
        _ => Err(Diagnostic::new(format!("`volume` is {}", raw.get_ref().0))
            .at(raw.span())
            .label("out of range")
            .help("volume is a whole number from 0 (silent) to 100 (full)")),
    }
}

/// How far the sound files a routine names are checked while it loads.
#[derive(Clone, Copy)]
pub enum SoundFiles {
    /// Taken as named: enough to list, show or copy a routine.
    Named,
    /// Each must pass this check (that it decodes), before a routine is
    /// said to be fine or is run.
    Checked(fn(&Path) -> Result<(), String>),
}

/// Reads and checks a routine file; `id` is the name it is called by.
/// Sound files it names are found relative to its folder.
pub fn load_file(path: &Path, id: &str, files: SoundFiles) -> Result<Routine, FileReport> {
    let folder = path.parent().unwrap_or(Path::new("."));
    tomlfile::load(path, |text| load_from(id, text, Some((folder, files))))
}

/// Checks the text of a routine that has no folder (a bundled one): it may
/// only use bundled sounds.
pub fn load(id: &str, text: &str) -> Result<Routine, Vec<Diagnostic>> {
    load_from(id, text, None)
}

/// Checks a routine's text; every problem found is returned, not just the
/// first, so a user can fix a file in one pass.
fn load_from(
    id: &str,
    text: &str,
    folder: Option<(&Path, SoundFiles)>,
) -> Result<Routine, Vec<Diagnostic>> {
    let document = tomlfile::parse(text).map_err(|d| vec![d])?;

    let mut problems = Vec::new();
    // `voice_command` is refused by name below, not called unknown.
    tomlfile::unknown_keys_but(
        document.get_ref(),
        ROUTINE_KEYS,
        &["voice_command"],
        "a routine",
        "in this routine",
        &mut problems,
    );
    crate::voice::settings::unknown_keys(document.get_ref(), &mut problems);
    let sound_keys = |table: &toml::de::DeTable<'_>, place: &str, problems: &mut Vec<_>| {
        if let Some(sounds) = table.get("sounds").and_then(|s| s.get_ref().as_table()) {
            tomlfile::unknown_keys(sounds, &Cue::NAMES, "a sounds table", place, problems);
        }
    };
    sound_keys(document.get_ref(), "in [sounds]", &mut problems);
    if let Some(steps) = document.get_ref().get("steps")
        && let Some(steps) = steps.get_ref().as_array()
    {
        for (i, step) in steps.iter().enumerate() {
            if let Some(table) = step.get_ref().as_table() {
                let place = format!("in step {}", i + 1);
                let misplaced = tomlfile::misplaced(
                    table,
                    &tomlfile::Misplaced {
                        outer: ROUTINE_KEYS,
                        inner: STEP_KEYS,
                        what: "a key of the routine",
                        table: "[[steps]]",
                        kind: "step",
                        number: i + 1,
                        go: "the routine's own keys go",
                    },
                    &mut problems,
                );
                tomlfile::unknown_keys_but(
                    table,
                    STEP_KEYS,
                    &misplaced,
                    "a step",
                    &place,
                    &mut problems,
                );
                let place = format!("in the sounds of step {}", i + 1);
                sound_keys(table, &place, &mut problems);
            }
        }
    }

    // A misspelt required key is reported as such, not also as missing.
    let misspelt = misspelt_required(document.get_ref());

    // Unknown keys and values of the wrong type do not stop the check:
    // every problem of the file is reported in one run.
    let whole = document.span();
    let Some(raw) = tomlfile::deserialize_all::<RawRoutine>(document, text, &mut problems) else {
        crate::diag::in_file_order(&mut problems);
        return Err(problems);
    };

    let mut check = Check {
        problems,
        misspelt,
        folder: folder.map(|(folder, files)| (folder.to_path_buf(), files)),
        sound_files: Default::default(),
    };
    let routine = check.routine(id, raw, whole);
    match routine {
        Some(routine) if check.problems.is_empty() => Ok(routine),
        _ => {
            crate::diag::in_file_order(&mut check.problems);
            Err(check.problems)
        }
    }
}

/// The required keys that a misspelt key stands in for: (step number, or
/// `None` for the routine itself; the key).
type Misspelt = Vec<(Option<usize>, &'static str)>;

fn misspelt_required(document: &toml::de::DeTable<'_>) -> Misspelt {
    let near =
        |table: &toml::de::DeTable<'_>, accepted: &[&'static str], required: &[&'static str]| {
            table
                .keys()
                .map(|k| k.get_ref().as_ref())
                .filter(|k| !accepted.contains(k))
                .filter_map(|k| closest(k, accepted.iter().copied()))
                .filter(|k| required.contains(k))
                .collect::<Vec<&'static str>>()
        };
    let mut found: Misspelt = near(document, ROUTINE_KEYS, &["name", "steps"])
        .into_iter()
        .map(|k| (None, k))
        .collect();
    if let Some(steps) = document.get("steps").and_then(|s| s.get_ref().as_array()) {
        for (i, step) in steps.iter().enumerate() {
            if let Some(table) = step.get_ref().as_table() {
                found.extend(
                    near(table, STEP_KEYS, &["name", "hold"])
                        .into_iter()
                        .map(|k| (Some(i + 1), k)),
                );
            }
        }
    }
    found
}

struct Check {
    problems: Vec<Diagnostic>,
    misspelt: Misspelt,
    /// Where the routine's own sound files are found, and how far they are
    /// checked; `None` for a bundled routine.
    folder: Option<(PathBuf, SoundFiles)>,
    /// Each sound file is checked once however often it is named.
    sound_files: std::collections::HashMap<PathBuf, Result<(), String>>,
}

impl Check {
    fn routine(
        &mut self,
        id: &str,
        raw: RawRoutine,
        whole: std::ops::Range<usize>,
    ) -> Option<Routine> {
        let start = whole.start..whole.start;
        let name = match &raw.name {
            Some(name) => self.text("name", name, false),
            None if self.misspelt.contains(&(None, "name")) => None,
            None => {
                self.problems.push(
                    Diagnostic::new("this routine has no `name`")
                        .at(start.clone())
                        .help("add a title at the top, such as name = \"Evening calf stretches\""),
                );
                None
            }
        };
        let description = raw
            .description
            .as_ref()
            .and_then(|d| self.text("description", d, true));
        let source = raw
            .source
            .as_ref()
            .and_then(|s| self.text("source", s, true));
        let lead_in = self.duration("lead_in", raw.lead_in.as_ref(), DEFAULT_LEAD_IN);
        let volume = raw.volume.as_ref().and_then(|v| self.volume(v));
        let sounds = self.sounds(raw.sounds.as_ref());
        let notifications = raw
            .notifications
            .as_ref()
            .and_then(|word| self.choice("notifications", word, Level::parse, &Level::NAMES));

        if let Some(command) = &raw.voice_command {
            self.problems
                .push(crate::voice::settings::command_in_routine(command.span()));
        }
        let voice = crate::voice::settings::check(
            crate::voice::settings::RawKeys {
                voice: raw.voice.as_ref(),
                command: None,
                volume: raw.voice_volume.as_ref(),
                name: raw.voice_name.as_ref(),
            },
            &mut self.problems,
        );

        let raw_steps = raw.steps.map(Spanned::into_inner).unwrap_or_default();
        if raw_steps.is_empty() && !self.misspelt.contains(&(None, "steps")) {
            self.problems.push(
                Diagnostic::new("this routine has no steps")
                    .at(start)
                    .help("add at least one [[steps]] table with a `name` and a `hold`"),
            );
        }
        if raw_steps.len() > LIMITS.most_steps {
            let extra = &raw_steps[LIMITS.most_steps];
            self.problems.push(
                Diagnostic::new(format!(
                    "this routine has {} steps; at most {} are accepted",
                    raw_steps.len(),
                    LIMITS.most_steps
                ))
                .at(extra.span())
                .label(format!("step {} is one too many", LIMITS.most_steps + 1))
                .help("split it into several routines"),
            );
            return None;
        }

        let mut steps = Vec::with_capacity(raw_steps.len());
        let mut total = lead_in;
        let mut over_limit_reported = false;
        for (i, raw_step) in raw_steps.into_iter().enumerate() {
            let span = raw_step.span();
            let Some(step) = self.step(i + 1, raw_step) else {
                continue;
            };
            total += step.length();
            if total > LIMITS.longest_routine && !over_limit_reported {
                over_limit_reported = true;
                self.problems.push(
                    Diagnostic::new(format!(
                        "this routine would last more than 4 hours (it passes {} at step {})",
                        human(total),
                        i + 1
                    ))
                    .at(span)
                    .label("the routine passes 4 hours here")
                    .help("a routine may last at most 4 hours in all; shorten holds or split it"),
                );
            }
            steps.push(step);
        }

        Some(Routine {
            id: id.to_owned(),
            name: name?,
            description: description.unwrap_or_default(),
            source,
            lead_in,
            volume,
            sounds,
            notifications,
            offer_cramp_log: raw.offer_cramp_log.is_some_and(|o| *o.get_ref()),
            voice,
            steps,
        })
    }

    fn step(&mut self, number: usize, raw: Spanned<RawStep>) -> Option<Step> {
        let span = raw.span();
        let raw = raw.into_inner();
        let title = match &raw.name {
            Some(name) => format!("step {number} (\"{}\")", short(name.get_ref().trim())),
            None => format!("step {number}"),
        };
        let before = self.problems.len();

        let name = match &raw.name {
            Some(name) => self.text("name", name, false),
            None if self.misspelt.contains(&(Some(number), "name")) => None,
            None => {
                self.problems.push(
                    Diagnostic::new(format!("{title} has no `name`"))
                        .at(span.clone())
                        .help("add name = \"...\": what the user will see, such as \"Wall calf stretch\""),
                );
                None
            }
        };

        let hold = match &raw.hold {
            None if self.misspelt.contains(&(Some(number), "hold")) => Duration::ZERO,
            None => {
                self.problems.push(
                    Diagnostic::new(format!("{title} has no `hold`"))
                        .at(span.clone())
                        .help("add how long one repetition lasts, such as hold = \"10s\""),
                );
                Duration::ZERO
            }
            Some(hold) => {
                let known = self.problems.len();
                let value = self.duration("hold", Some(hold), Duration::ZERO);
                if value.is_zero() && self.problems.len() == known {
                    self.problems.push(
                        Diagnostic::new(format!("the `hold` of {title} is zero"))
                            .at(hold.span())
                            .label("must be longer than zero")
                            .help(format!("write {DURATION_FORMS}, at least 1 second")),
                    );
                }
                value
            }
        };

        let kind = match &raw.kind {
            None => Some(Kind::Stretch),
            Some(word) => self.choice("kind", word, Kind::parse, &Kind::ALL.map(Kind::as_str)),
        };
        let sides = match &raw.sides {
            None => Some(Sides::None),
            Some(word) => self.choice("sides", word, Sides::parse, &Sides::NAMES),
        };

        let reps = match &raw.reps {
            None => 1,
            Some(reps) => {
                let n = reps.get_ref().0;
                if (1..=LIMITS.most_reps).contains(&n) {
                    n as u32
                } else {
                    self.problems.push(
                        Diagnostic::new(format!("`reps` of {title} is {n}"))
                            .at(reps.span())
                            .label(if n < 1 { "too few" } else { "too many" })
                            .help(format!(
                                "reps is a whole number from 1 to {}",
                                LIMITS.most_reps
                            )),
                    );
                    1
                }
            }
        };

        let relax = self.duration("relax", raw.relax.as_ref(), DEFAULT_RELAX);
        let switch = self.duration("switch", raw.switch.as_ref(), DEFAULT_SWITCH);
        let rest = self.duration("rest", raw.rest.as_ref(), Duration::ZERO);
        let instructions = raw
            .instructions
            .as_ref()
            .and_then(|text| self.text("instructions", text, true))
            .unwrap_or_default();
        let optional = raw.optional.is_some_and(|o| *o.get_ref());
        let sounds = self.sounds(raw.sounds.as_ref());

        if self.problems.len() > before {
            return None;
        }
        let sides = sides?;
        Some(Step {
            name: name?,
            kind: kind?,
            hold,
            reps,
            relax: if reps > 1 { relax } else { Duration::ZERO },
            switch: if sides == Sides::Both {
                switch
            } else {
                Duration::ZERO
            },
            sides,
            rest,
            instructions,
            optional,
            sounds,
        })
    }

    /// A volume from 0 to 100.
    fn volume(&mut self, raw: &Spanned<RawCount>) -> Option<u8> {
        match volume(raw) {
            Ok(v) => Some(v),
            Err(d) => {
                self.problems.push(d);
                None
            }
        }
    }

    /// The sounds a `[sounds]` table chooses. Each must be a bundled
    /// sound's name, `off`, or a sound file that decodes.
    fn sounds(&mut self, raw: Option<&Spanned<RawSounds>>) -> Sounds {
        let mut sounds = Sounds::default();
        let Some(raw) = raw else {
            return sounds;
        };
        for (cue, value) in Cue::ALL.into_iter().zip(raw.get_ref().entries()) {
            if let Some(value) = value
                && let Some(sound) = self.sound(value)
            {
                sounds.set(cue, sound);
            }
        }
        sounds
    }

    fn sound(&mut self, raw: &Spanned<String>) -> Option<Sound> {
        let word = raw.get_ref().trim();
        if matches!(word, "off" | "none") {
            return Some(Sound::Off);
        }
        if let Some(cue) = Cue::parse(word) {
            return Some(Sound::Bundled(cue));
        }
        let accepted = format!(
            "a sound is a bundled one ({}), `off`, or the path of a WAV, Ogg Vorbis, FLAC \
             or MP3 file, relative to the routine's folder",
            Cue::NAMES.map(|n| format!("`{n}`")).join(", ")
        );
        let looks_like_a_file = word.contains(['/', '\\', '.']);
        if !looks_like_a_file {
            let label = match closest(word, Cue::NAMES) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "not a bundled sound".to_owned(),
            };
            self.problems.push(
                Diagnostic::new(format!("unknown sound `{}`", short(word)))
                    .at(raw.span())
                    .label(label)
                    .help(accepted),
            );
            return None;
        }
        let Some((folder, files)) = &self.folder else {
            self.problems.push(
                Diagnostic::new("a bundled routine can only use bundled sounds")
                    .at(raw.span())
                    .help(accepted),
            );
            return None;
        };
        let path = folder.join(word);
        let SoundFiles::Checked(check) = *files else {
            return Some(Sound::File(path));
        };
        let decoded = self
            .sound_files
            .entry(path.clone())
            .or_insert_with(|| check(&path))
            .clone();
        match decoded {
            Ok(()) => Some(Sound::File(path)),
            Err(reason) => {
                self.problems.push(
                    Diagnostic::new(format!(
                        "the sound file `{}` cannot be used: {reason}",
                        short(word)
                    ))
                    .at(raw.span())
                    .label(format!("looked for {}", short(&path.display().to_string())))
                    .help(accepted),
                );
                None
            }
        }
    }

    /// A duration field, or its default when absent.
    fn duration(
        &mut self,
        field: &str,
        raw: Option<&Spanned<RawDuration>>,
        default: Duration,
    ) -> Duration {
        let Some(raw) = raw else {
            return default;
        };
        let parsed = raw.get_ref().parse();
        let problem = match parsed {
            Ok(d) if d <= LIMITS.longest_hold => return d,
            Ok(d) => Diagnostic::new(format!(
                "`{field}` is {}; at most 1 hour is accepted",
                human(d)
            ))
            .label("too long")
            .help("write a shorter duration, such as \"10s\" for ten seconds"),
            Err(e) => {
                let label = match e {
                    DurationError::Negative => "negative",
                    DurationError::Fraction => "not a whole number of seconds",
                    DurationError::TooLong => "too long",
                    DurationError::Unreadable(_) => "not a duration",
                };
                Diagnostic::new(format!("`{field}` is not a usable duration: {e}"))
                    .label(label)
                    .help(format!("write {DURATION_FORMS}"))
            }
        };
        self.problems.push(problem.at(raw.span()));
        Duration::ZERO
    }

    /// A text field: trimmed, and free of control characters that could
    /// upset the terminal. Line breaks are kept where `multiline`.
    fn text(&mut self, field: &str, raw: &Spanned<String>, multiline: bool) -> Option<String> {
        let text = raw.get_ref().trim();
        if let Some(c) = text
            .chars()
            .find(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\t')))
        {
            self.problems.push(
                Diagnostic::new(format!(
                    "`{field}` contains a control character (U+{:04X})",
                    c as u32
                ))
                .at(raw.span())
                .help("use plain text"),
            );
            return None;
        }
        if text.is_empty() && field == "name" {
            self.problems.push(
                Diagnostic::new("`name` is empty")
                    .at(raw.span())
                    .help("give it a few words the user will recognise"),
            );
            return None;
        }
        Some(text.to_owned())
    }

    /// One of a fixed set of words, with a suggestion when it is misspelt.
    fn choice<T>(
        &mut self,
        field: &str,
        raw: &Spanned<String>,
        parse: impl Fn(&str) -> Option<T>,
        accepted: &[&str],
    ) -> Option<T> {
        tomlfile::choice(field, raw, parse, accepted)
            .map_err(|problem| self.problems.push(problem))
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routine::Side;

    fn problems(text: &str) -> Vec<String> {
        load("test", text)
            .unwrap_err()
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn fills_in_the_defaults() {
        let routine = load(
            "mine",
            "name = \"Mine\"\n[[steps]]\nname = \"Calf\"\nhold = 10\n\
             [[steps]]\nname = \"Both\"\nhold = \"1m\"\nreps = 2\nsides = \"both\"\n",
        )
        .unwrap();
        assert_eq!(routine.id, "mine");
        assert_eq!(routine.lead_in, Duration::from_secs(5));
        let calf = &routine.steps[0];
        assert_eq!(calf.kind, Kind::Stretch);
        assert_eq!(calf.reps, 1);
        assert_eq!(calf.sides, Sides::None);
        // Relax and switch only exist where there is something to separate.
        assert_eq!(
            (calf.relax, calf.switch, calf.rest),
            (Duration::ZERO, Duration::ZERO, Duration::ZERO)
        );
        let both = &routine.steps[1];
        assert_eq!((both.relax, both.switch), (DEFAULT_RELAX, DEFAULT_SWITCH));
        assert_eq!(both.sides.sequence(), [Some(Side::Left), Some(Side::Right)]);
        assert_eq!(both.length(), Duration::from_secs(2 * (60 + 5 + 60) + 5));
    }

    #[test]
    fn names_each_fault_in_plain_words() {
        assert_eq!(
            problems("name = \"x\"\n[[steps]]\nname = \"Calf\"\n"),
            ["step 1 (\"Calf\") has no `hold`"]
        );
        assert_eq!(
            problems("[[steps]]\nhold = 5\n"),
            ["this routine has no `name`", "step 1 has no `name`"]
        );
        assert_eq!(
            problems("name = \"x\"\nsteps = []\n"),
            ["this routine has no steps"]
        );
        assert_eq!(
            problems(
                "name = \" \"\n[[steps]]\nname = \"a\"\nhold = 5\nreps = -1\nrest = \"1.5s\"\n"
            ),
            [
                "`name` is empty",
                "`reps` of step 1 (\"a\") is -1",
                "`rest` is not a usable duration: durations are whole seconds; fractions are not accepted",
            ]
        );
    }

    #[test]
    fn reports_unknown_keys_everywhere_at_once() {
        let found = load(
            "t",
            "name = \"x\"\ncolour = \"blue\"\n[[steps]]\nname = \"a\"\nhold = 5\nrep = 2\n",
        )
        .unwrap_err();
        let labels: Vec<_> = found
            .iter()
            .map(|d| (d.message.as_str(), d.label.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            labels,
            [
                (
                    "unknown key `colour` in this routine",
                    "not a key nocturne knows"
                ),
                ("unknown key `rep` in step 1", "did you mean `reps`?"),
            ]
        );
    }

    #[test]
    fn an_unknown_key_hides_no_other_problem() {
        assert_eq!(
            problems(
                "name = \"x\"\n[[steps]]\nname = \"a\"\nhold = 5\nrep = 3\nsides = \"bothe\"\n\
                 reps = \"three\"\nkind = 4\n"
            ),
            [
                "unknown key `rep` in step 1",
                "unknown sides `bothe`",
                "`reps` should be a whole number such as 3",
                "`kind` should be text in quotes",
            ]
        );
        // A key of the routine written among the steps is told to move.
        let found = load(
            "t",
            "name = \"x\"\n[[steps]]\nname = \"a\"\nhold = 5\nlead_in = \"10s\"\n",
        )
        .unwrap_err();
        assert_eq!(
            (found[0].message.as_str(), found[0].label.as_deref()),
            (
                "`lead_in` is a key of the routine, but here it belongs to step 1",
                Some("move this line above the first [[steps]]")
            )
        );
        assert_eq!(found.len(), 1);
        // A misspelt required key is not also called missing.
        assert_eq!(
            problems("name = \"x\"\n[[steps]]\nname = \"a\"\nholds = 5\n"),
            ["unknown key `holds` in step 1"]
        );
    }

    #[test]
    fn long_values_are_quoted_short() {
        let long = "x".repeat(20_000);
        for text in [
            format!("name = \"x\"\n[[steps]]\nname = \"a\"\nhold = \"{long}\"\n"),
            format!("name = \"x\"\n{long} = 1\n[[steps]]\nname = \"a\"\nhold = 1\n"),
            format!("name = \"x\"\n[[steps]]\nname = \"a\"\nhold = 1\nsides = \"{long}\"\n"),
            format!("name = \"x\"\n[[steps]]\nname = \"{long}\"\nreps = 0\nhold = 1\n"),
            format!("name = \"x\"\n[[steps]]\nname = \"a\"\nhold = 1\nreps = \"{long}\"\n"),
        ] {
            let found = load("t", &text).unwrap_err();
            for d in &found {
                for part in [Some(&d.message), d.label.as_ref(), d.help.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    assert!(part.chars().count() < 200, "{part}");
                }
            }
            let shown = FileReport {
                path: "t.toml".into(),
                text,
                diagnostics: found,
            }
            .render(false);
            assert!(shown.lines().all(|l| l.chars().count() <= 160), "{shown}");
            assert!(shown.contains('…'), "{shown}");
        }
    }

    #[test]
    fn every_bundled_routine_loads() {
        for (id, text) in super::super::catalog::BUNDLED {
            let routine = load(id, text).unwrap_or_else(|e| panic!("{id}: {e:?}"));
            assert!(routine.source.is_some(), "{id} names its source");
            assert!(
                routine.steps.iter().all(|s| !s.instructions.is_empty()),
                "{id}"
            );
        }
    }

    #[test]
    fn bundled_routines_keep_to_the_evidence() {
        let length = |id: &str| {
            let (_, text) = super::super::catalog::BUNDLED
                .iter()
                .find(|(n, _)| *n == id)
                .unwrap();
            load(id, text).unwrap().length().as_secs()
        };
        // The trial's protocol takes about three to four minutes.
        assert!((180..=240).contains(&length("nightly")));
        assert!((180..=240).contains(&length("nightly-seated")));
        // The full wind-down takes 12 to 15 minutes.
        assert!((12 * 60..=15 * 60).contains(&length("wind-down")));
        let nightly = load("nightly", super::super::catalog::BUNDLED[0].1).unwrap();
        for step in &nightly.steps {
            assert_eq!(
                (
                    step.hold.as_secs(),
                    step.reps,
                    step.relax.as_secs(),
                    step.sides
                ),
                (10, 3, 10, Sides::Both),
                "{}",
                step.name
            );
        }
        for (id, text) in super::super::catalog::BUNDLED {
            assert!(!text.to_lowercase().contains("quinine"), "{id}");
        }
    }
}

#[cfg(test)]
mod robustness {
    use super::*;
    use crate::diag::FileReport;

    /// Loads `text` and renders whatever it says; neither may panic.
    fn survive(text: &str) {
        if let Err(diagnostics) = load("t", text) {
            assert!(!diagnostics.is_empty());
            let shown = FileReport {
                path: "t.toml".into(),
                text: text.into(),
                diagnostics,
            }
            .render(true);
            assert!(shown.starts_with("\u{1b}["), "{shown}");
        }
    }

    #[test]
    fn no_mangled_routine_makes_it_panic() {
        let seeds: Vec<&str> = super::super::catalog::BUNDLED
            .iter()
            .map(|(_, t)| *t)
            .collect();
        // A small deterministic generator, so a failure can be replayed.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let junk = [
            "\"",
            "[",
            "]",
            "=",
            "\n",
            "-",
            "0",
            "99999999999999999999",
            "{",
            "}",
            "é",
            "\u{1b}",
            "\t",
            "#",
            "'''",
            "1.5",
            "[[steps]]",
        ];
        for seed in &seeds {
            for cut in (0..seed.len()).step_by(13) {
                if seed.is_char_boundary(cut) {
                    survive(&seed[..cut]);
                }
            }
            for _ in 0..400 {
                let mut text = seed.to_string();
                for _ in 0..1 + next() % 4 {
                    let mut at = (next() as usize) % text.len();
                    while !text.is_char_boundary(at) {
                        at -= 1;
                    }
                    let piece = junk[(next() as usize) % junk.len()];
                    text.insert_str(at, piece);
                }
                survive(&text);
            }
        }
    }
}
