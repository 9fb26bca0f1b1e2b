//! What the voice says: for each segment of a plan, the phrase spoken as
//! it starts, in variants from the full phrase to its core, and the phrase
//! at the finish. Which variant is spoken depends on how long each takes
//! to say, so the choice is made while rendering, in plan order; this
//! module only offers the candidates and keeps track of which step has
//! been named.

use crate::plan::{Phase, Plan, Segment};
use crate::routine::{Kind, Side};

/// Every fixed phrase a user may replace in `[voice.phrases]`, with its
/// default; step names are spoken as written. `{side}` in `switch` stands
/// for the `left` or `right` phrase.
pub const PHRASE_KEYS: &[(&str, &str)] = &[
    ("get_ready", "Get ready."),
    ("hold", "Hold."),
    ("relax", "Relax."),
    ("rest", "Rest."),
    ("next", "Next:"),
    ("left", "left leg"),
    ("right", "right leg"),
    ("switch", "Switch to the {side}."),
    ("hydrate", "Time for a small drink of water."),
    ("hydrate_short", "Drink of water."),
    ("finish", "Well done. Sleep well."),
    ("numbers", "[\"One\", \"Two\", ... \"Twelve\"]"),
];

/// The names of the keys of `[voice.phrases]`.
pub const PHRASE_NAMES: [&str; 12] = [
    "get_ready",
    "hold",
    "relax",
    "rest",
    "next",
    "left",
    "right",
    "switch",
    "hydrate",
    "hydrate_short",
    "finish",
    "numbers",
];

const NUMBERS: [&str; 12] = [
    "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven",
    "Twelve",
];

/// A value of `[voice.phrases]`: a phrase, or the list of numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhraseValue {
    Text(String),
    List(Vec<String>),
}

/// The fixed phrases, in the user's words where they chose their own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrases {
    pub get_ready: String,
    pub hold: String,
    pub relax: String,
    pub rest: String,
    pub next: String,
    pub left: String,
    pub right: String,
    pub switch: String,
    pub hydrate: String,
    pub hydrate_short: String,
    pub finish: String,
    pub numbers: Vec<String>,
}

impl Default for Phrases {
    fn default() -> Phrases {
        let text = |key: &str| {
            PHRASE_KEYS
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(String::new(), |(_, v)| (*v).to_owned())
        };
        Phrases {
            get_ready: text("get_ready"),
            hold: text("hold"),
            relax: text("relax"),
            rest: text("rest"),
            next: text("next"),
            left: text("left"),
            right: text("right"),
            switch: text("switch"),
            hydrate: text("hydrate"),
            hydrate_short: text("hydrate_short"),
            finish: text("finish"),
            numbers: NUMBERS.map(str::to_owned).to_vec(),
        }
    }
}

impl Phrases {
    /// Replaces the phrase of `key`; a key it does not know, or a value
    /// of the other shape, changes nothing (the settings check both).
    pub fn set(&mut self, key: &str, value: &PhraseValue) {
        let text = match value {
            PhraseValue::Text(text) => text.clone(),
            PhraseValue::List(list) => {
                if key == "numbers" {
                    self.numbers = list.clone();
                }
                return;
            }
        };
        let slot = match key {
            "get_ready" => &mut self.get_ready,
            "hold" => &mut self.hold,
            "relax" => &mut self.relax,
            "rest" => &mut self.rest,
            "next" => &mut self.next,
            "left" => &mut self.left,
            "right" => &mut self.right,
            "switch" => &mut self.switch,
            "hydrate" => &mut self.hydrate,
            "hydrate_short" => &mut self.hydrate_short,
            "finish" => &mut self.finish,
            _ => return,
        };
        *slot = text;
    }

    fn side(&self, side: Side) -> &str {
        match side {
            Side::Left => &self.left,
            Side::Right => &self.right,
        }
    }

    /// "Two", "Three" ... as far as the numbers go, then digits.
    fn number(&self, rep: u32) -> String {
        let words = rep
            .checked_sub(1)
            .and_then(|i| self.numbers.get(i as usize));
        match words {
            Some(word) => word.clone(),
            None => rep.to_string(),
        }
    }
}

/// One way to say a phrase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub text: String,
    /// The step this variant names, if it does.
    pub names: Option<usize>,
}

/// The candidates for one moment: variants from full to core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    pub variants: Vec<Variant>,
    /// For the first hold of a step: what to say instead when the step
    /// has not been named yet.
    pub unnamed: Option<(usize, Vec<Variant>)>,
}

impl Phrase {
    fn plain(texts: impl IntoIterator<Item = String>) -> Phrase {
        Phrase {
            variants: texts
                .into_iter()
                .map(|text| Variant { text, names: None })
                .collect(),
            unnamed: None,
        }
    }
}

/// Keeps track, in plan order, of which steps have been named, so each
/// step's name is spoken once as it begins.
#[derive(Debug, Default)]
pub struct Picker {
    named: Vec<usize>,
}

impl Picker {
    /// The variants to try for `phrase`, full first.
    pub fn variants<'p>(&self, phrase: &'p Phrase) -> &'p [Variant] {
        match &phrase.unnamed {
            Some((step, variants)) if !self.named.contains(step) => variants,
            _ => &phrase.variants,
        }
    }

    /// Notes the variant that will be spoken.
    pub fn spoken(&mut self, variant: &Variant) {
        if let Some(step) = variant.names {
            self.named.push(step);
        }
    }
}

/// Joins a sentence's parts with one space between them, leaving out
/// the empty ones.
fn join(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first letter in capitals: a phrase may start with a side word.
fn capital(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Ends a phrase with a full stop unless it ends in punctuation already.
fn stop(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?', ':', ';', ',', '。']) || text.is_empty() {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// "Standing hamstring stretch, left leg" (no side for a step without one).
fn step_name(name: &str, side: Option<Side>, words: &Phrases) -> String {
    match side {
        Some(side) => format!("{name}, {}", words.side(side)),
        None => name.to_owned(),
    }
}

/// The phrase spoken as each segment of `plan` starts, by segment index.
pub fn segments(plan: &Plan, words: &Phrases) -> Vec<Phrase> {
    let first_holds: Vec<Option<usize>> = (0..plan.routine.steps.len())
        .map(|step| {
            plan.segments
                .iter()
                .position(|s| s.step == step && s.phase == Phase::Hold)
        })
        .collect();
    plan.segments
        .iter()
        .enumerate()
        .map(|(index, segment)| {
            let first_hold = first_holds.get(segment.step).copied().flatten() == Some(index);
            one(plan, segment, first_hold, words)
        })
        .collect()
}

fn one(plan: &Plan, segment: &Segment, first_hold: bool, words: &Phrases) -> Phrase {
    let step = plan.step(segment);
    match segment.phase {
        Phase::LeadIn => {
            let named = step_name(&step.name, segment.side, words);
            let mut variants = vec![
                Variant {
                    text: join(&[&words.get_ready, &stop(&named)]),
                    names: Some(segment.step),
                },
                Variant {
                    text: capital(&stop(&named)),
                    names: Some(segment.step),
                },
            ];
            if let Some(side) = segment.side {
                variants.push(Variant {
                    text: capital(&stop(words.side(side))),
                    names: None,
                });
            }
            variants.dedup_by(|a, b| a.text == b.text);
            Phrase {
                variants,
                unnamed: None,
            }
        }
        Phase::Hold => hold(step, segment, first_hold, words),
        Phase::Relax => Phrase::plain([words.relax.clone()]),
        Phase::Switch => {
            let Some(side) = segment.side else {
                return Phrase::plain([words.hold.clone()]);
            };
            let side_words = words.side(side);
            let full = words.switch.replace("{side}", side_words);
            Phrase::plain([full, capital(&stop(side_words))])
        }
        Phase::Rest => {
            let next = segment.step + 1;
            let Some(following) = plan.routine.steps.get(next) else {
                return Phrase::plain([words.rest.clone()]);
            };
            let side = following.sides.sequence()[0];
            let named = stop(&step_name(&following.name, side, words));
            Phrase {
                variants: vec![
                    Variant {
                        text: join(&[&words.rest, &words.next, &named]),
                        names: Some(next),
                    },
                    Variant {
                        text: words.rest.clone(),
                        names: None,
                    },
                ],
                unnamed: None,
            }
        }
    }
}

fn hold(step: &crate::routine::Step, segment: &Segment, first: bool, words: &Phrases) -> Phrase {
    let named = stop(&step_name(&step.name, segment.side, words));
    match step.kind {
        Kind::Hydrate => Phrase::plain([words.hydrate.clone(), words.hydrate_short.clone()]),
        Kind::Rest => Phrase::plain([words.rest.clone()]),
        Kind::Walk | Kind::Massage | Kind::Heat if segment.rep == 1 => Phrase {
            variants: vec![Variant {
                text: capital(&named),
                names: Some(segment.step),
            }],
            unnamed: None,
        },
        _ => {
            let said = if segment.rep <= 1 {
                words.hold.clone()
            } else {
                words.number(segment.rep)
            };
            let plain = vec![Variant {
                text: said.clone(),
                names: None,
            }];
            let unnamed = (first && step.kind == Kind::Stretch).then(|| {
                let mut variants = vec![
                    Variant {
                        text: join(&[&capital(&named), &said]),
                        names: Some(segment.step),
                    },
                    Variant {
                        text: capital(&named),
                        names: Some(segment.step),
                    },
                ];
                variants.extend(plain.iter().cloned());
                (segment.step, variants)
            });
            Phrase {
                variants: plain,
                unnamed,
            }
        }
    }
}

/// The phrase at the finish.
pub fn finish(words: &Phrases) -> Phrase {
    Phrase::plain([words.finish.clone()])
}

/// The full phrases, each step named where the full variants would name
/// it: what is said when every phrase has time.
pub fn in_full(phrases: &[Phrase]) -> Vec<String> {
    let mut picker = Picker::default();
    phrases
        .iter()
        .map(|phrase| match picker.variants(phrase).first() {
            Some(variant) => {
                picker.spoken(variant);
                variant.text.clone()
            }
            None => String::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::plan;
    use crate::routine::load::load;

    fn plan_of(text: &str) -> Plan {
        plan(load("t", &format!("name = \"T\"\n{text}")).unwrap())
    }

    const TWO_STEPS: &str = "lead_in = 5\n\
        [[steps]]\nname = \"Wall calf stretch\"\nhold = 10\nreps = 2\nrelax = 5\nsides = \"both\"\nrest = 5\n\
        [[steps]]\nname = \"Standing hamstring stretch\"\nhold = 10\nsides = \"left\"\n\
        [[steps]]\nname = \"Water\"\nkind = \"hydrate\"\nhold = 30\n\
        [[steps]]\nname = \"Calf massage\"\nkind = \"massage\"\nhold = 20\nreps = 2\nsides = \"right\"\n";

    #[test]
    fn each_segment_has_its_phrase_in_full() {
        let p = plan_of(TWO_STEPS);
        let said = in_full(&segments(&p, &Phrases::default()));
        assert_eq!(
            said,
            [
                "Get ready. Wall calf stretch, left leg.",
                "Hold.",
                "Relax.",
                "Two",
                "Switch to the right leg.",
                "Hold.",
                "Relax.",
                "Two",
                "Rest. Next: Standing hamstring stretch, left leg.",
                "Hold.",
                "Time for a small drink of water.",
                "Calf massage, right leg.",
                "Relax.",
                "Two",
            ]
        );
        assert_eq!(
            finish(&Phrases::default()).variants[0].text,
            "Well done. Sleep well."
        );
    }

    #[test]
    fn variants_run_from_full_to_core() {
        let p = plan_of(TWO_STEPS);
        let phrases = segments(&p, &Phrases::default());
        let texts = |phrase: &Phrase| -> Vec<String> {
            phrase.variants.iter().map(|v| v.text.clone()).collect()
        };
        assert_eq!(
            texts(&phrases[0]),
            [
                "Get ready. Wall calf stretch, left leg.",
                "Wall calf stretch, left leg.",
                "Left leg."
            ]
        );
        assert_eq!(
            texts(&phrases[4]),
            ["Switch to the right leg.", "Right leg."]
        );
        assert_eq!(
            texts(&phrases[8]),
            ["Rest. Next: Standing hamstring stretch, left leg.", "Rest."]
        );
        assert_eq!(
            texts(&phrases[10]),
            ["Time for a small drink of water.", "Drink of water."]
        );
    }

    #[test]
    fn a_step_not_yet_named_is_named_with_its_first_hold() {
        let p = plan_of(TWO_STEPS);
        let phrases = segments(&p, &Phrases::default());
        // The rest had time only for its core: the next step's first hold
        // names it.
        let mut picker = Picker::default();
        picker.spoken(&phrases[0].variants[0]);
        assert_eq!(picker.variants(&phrases[1])[0].text, "Hold.");
        picker.spoken(&phrases[8].variants[1]);
        let hold: Vec<&str> = picker
            .variants(&phrases[9])
            .iter()
            .map(|v| v.text.as_str())
            .collect();
        assert_eq!(
            hold,
            [
                "Standing hamstring stretch, left leg. Hold.",
                "Standing hamstring stretch, left leg.",
                "Hold."
            ]
        );
        // Without a rest between steps, the first hold names the step.
        let p = plan_of(
            "lead_in = 0\n[[steps]]\nname = \"A\"\nhold = 5\n[[steps]]\nname = \"B\"\nhold = 5\nreps = 3\nrelax = 2\n",
        );
        assert_eq!(
            in_full(&segments(&p, &Phrases::default())),
            ["A. Hold.", "B. Hold.", "Relax.", "Two", "Relax.", "Three"]
        );
    }

    #[test]
    fn phrases_can_be_in_another_language() {
        let mut words = Phrases::default();
        for (key, text) in [
            ("get_ready", "Mach dich bereit."),
            ("left", "linkes Bein"),
            ("right", "rechtes Bein"),
            ("switch", "Wechsel zum {side}."),
            ("hold", "Halten."),
        ] {
            words.set(key, &PhraseValue::Text(text.to_owned()));
        }
        words.set(
            "numbers",
            &PhraseValue::List(vec!["Eins".into(), "Zwei".into()]),
        );
        let p = plan_of(
            "[[steps]]\nname = \"Wadendehnung\"\nhold = 10\nreps = 3\nrelax = 5\nsides = \"both\"\n",
        );
        let phrases = segments(&p, &words);
        assert_eq!(
            in_full(&phrases)[..5],
            [
                "Mach dich bereit. Wadendehnung, linkes Bein.",
                "Halten.",
                "Relax.",
                "Zwei",
                "Relax."
            ]
        );
        // Past the numbers given, digits.
        assert_eq!(in_full(&phrases)[5], "3");
        assert_eq!(phrases[0].variants[2].text, "Linkes Bein.");
        assert_eq!(phrases[6].variants[0].text, "Wechsel zum rechtes Bein.");
    }
}
