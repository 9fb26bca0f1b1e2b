//! A made-up journal of eight weeks, as `journal export --format json`
//! writes it: someone who starts stretching on some nights and ends up
//! stretching on nearly all, with cramps becoming rarer. Tests import it
//! and check what nocturne makes of it. It is the same every time.
//!
//! Each week is one row of `WEEKS`, a character per night from Monday:
//!
//! - `stretched`: `S` the nightly routine done, `E` ended early (before
//!   its glass of water), `-` no session.
//! - `cramps`: `-` none; `c` a left calf cramp, short and mild; `C` a bad
//!   right calf cramp, eased with the `cramp` routine; `f` a left foot
//!   cramp, logged without how long it lasted; `t` a cramp in both thighs
//!   that lasted 15 minutes, with swelling.
//! - `drinks`: how many drinks were logged by hand that evening (each
//!   weekday's first one with the reminder's button). A night the routine
//!   was done has one more: the glass of its `hydrate` step, which names
//!   the session and the step.
//!
//! The records are numbered as the journal numbers them, each kind in the
//! order of its time, so that importing this into an empty journal and
//! exporting it again gives back the same text.

use serde_json::{Value, json};

pub struct Week {
    pub stretched: &'static str,
    pub cramps: &'static str,
    pub drinks: &'static str,
}

/// The first night, a Monday.
pub const FIRST_NIGHT: &str = "2026-10-05";

/// Two weeks of cramps before any stretching, then six weeks of it, as
/// in the trial behind the nightly routine.
pub const WEEKS: [Week; 8] = [
    Week {
        stretched: "-------",
        cramps: "c-C-c-c",
        drinks: "1201020",
    },
    Week {
        stretched: "-------",
        cramps: "-cc-C-t",
        drinks: "2101201",
    },
    Week {
        stretched: "SS-SSES",
        cramps: "c---f-c",
        drinks: "1120112",
    },
    Week {
        stretched: "SSSS-SS",
        cramps: "--c-c--",
        drinks: "2021012",
    },
    Week {
        stretched: "SESSSS-",
        cramps: "-c----c",
        drinks: "1112021",
    },
    Week {
        stretched: "SSSSSSS",
        cramps: "---c---",
        drinks: "2101120",
    },
    Week {
        stretched: "SS-SSSS",
        cramps: "-f-----",
        drinks: "1211021",
    },
    Week {
        stretched: "SSSSSES",
        cramps: "------c",
        drinks: "1021111",
    },
];

/// The nightly routine's steps; the third is its glass of water.
const NIGHTLY: [&str; 3] = [
    "Wall calf stretch",
    "Standing hamstring stretch",
    "A glass of water",
];
const WATER_STEP: u32 = 2;

/// The cramp routine's steps.
const RELIEF: [&str; 4] = [
    "Pull the toes back",
    "Stand on the leg",
    "Walk it off",
    "Rub the muscle",
];

/// The clocks go back on 2026-10-25: summer time before, winter after.
fn berlin(date: jiff::civil::Date) -> &'static str {
    if date < jiff::civil::date(2026, 10, 25) {
        "+02:00"
    } else {
        "+01:00"
    }
}

/// RFC 3339 for a local time on `date`, `days` later at `hh:mm`, with
/// the offset `offset` gives for that day.
fn at(
    offset: fn(jiff::civil::Date) -> &'static str,
    date: jiff::civil::Date,
    days: i64,
    hh: i8,
    mm: i8,
) -> String {
    let day = date
        .checked_add(jiff::Span::new().days(days))
        .expect("a date in range");
    format!("{day}T{hh:02}:{mm:02}:00{}", offset(day))
}

fn utc(_: jiff::civil::Date) -> &'static str {
    "+00:00"
}

fn steps(names: &[&str], outcomes: &[&str]) -> Value {
    names
        .iter()
        .zip(outcomes)
        .map(|(name, outcome)| json!({"name": name, "outcome": outcome}))
        .collect()
}

/// The made-up journal, as JSON.
pub fn journal() -> Value {
    journal_from(FIRST_NIGHT.parse().unwrap(), berlin)
}

/// The same journal moved in time, its last night `last_night`, in UTC:
/// for what `stats` says of it today.
pub fn journal_ending(last_night: jiff::civil::Date) -> Value {
    let first = last_night
        .checked_sub(jiff::Span::new().days(WEEKS.len() as i64 * 7 - 1))
        .unwrap();
    journal_from(first, utc)
}

fn journal_from(first: jiff::civil::Date, offset: fn(jiff::civil::Date) -> &'static str) -> Value {
    let at = |date, days, hh, mm| at(offset, date, days, hh, mm);
    let mut sessions: Vec<Value> = Vec::new();
    let mut cramps: Vec<Value> = Vec::new();
    let mut drinks: Vec<Value> = Vec::new();
    for (w, week) in WEEKS.iter().enumerate() {
        let nights = week
            .stretched
            .chars()
            .zip(week.cramps.chars())
            .zip(week.drinks.chars());
        for (d, ((stretched, cramp), by_hand)) in nights.enumerate() {
            let n = (w * 7 + d) as i64;
            let night = first.checked_add(jiff::Span::new().days(n)).unwrap();
            let name = night.to_string();
            // The evening's drinks by hand, before any stretching.
            let by_hand = by_hand.to_digit(10).unwrap();
            for (i, (hh, mm, ml)) in [(19, 0, 250), (20, 30, 300), (21, 40, 200)]
                .into_iter()
                .take(by_hand as usize)
                .enumerate()
            {
                let when = at(night, 0, hh, mm);
                let weekday = d < 5;
                drinks.push(json!({
                    "id": 0,
                    "night": name,
                    "at": when,
                    "amount_ml": ml,
                    "source": if i == 0 && weekday { "reminder" } else { "log" },
                    "session_id": null,
                    "step_index": null,
                    "logged_at": if i == 0 && weekday { when.clone() } else { at(night, 0, 21, 50) },
                }));
            }
            // Stretching at a quarter past ten, give or take.
            let minute = 15 + (n % 3) as i8 * 5;
            if stretched != '-' {
                let done = stretched == 'S';
                let id = sessions.len() + 1;
                sessions.push(json!({
                    "id": id,
                    "routine": "nightly",
                    "title": "Nightly calf and hamstring stretches",
                    "relief": false,
                    "night": name,
                    "started_at": at(night, 0, 22, minute),
                    "ended_at": at(night, 0, 22, minute + if done { 9 } else { 3 }),
                    "outcome": if done { "completed" } else { "ended_early" },
                    "speed": 1.0,
                    "steps": if done {
                        steps(&NIGHTLY, &["done", "done", "done"])
                    } else {
                        steps(&NIGHTLY, &["done", "skipped", "unfinished"])
                    },
                }));
                if done {
                    let when = at(night, 0, 22, minute + 7);
                    drinks.push(json!({
                        "id": 0,
                        "night": name,
                        "at": when,
                        "amount_ml": 250,
                        "source": "session",
                        "session_id": id,
                        "step_index": WATER_STEP,
                        "logged_at": when,
                    }));
                }
            }
            // The cramps, in the small hours after the evening.
            let (hh, mm) = (2 + (n % 3) as i8, 10 + (n % 4) as i8 * 10);
            let cramp = match cramp {
                '-' => continue,
                'c' => json!({
                    "leg": "left", "muscle": "calf", "lasted_s": 60 + n * 2, "pain": 4 + n % 3,
                    "swelling": false, "redness": false, "numbness": false, "weakness": false,
                    "note": null,
                }),
                'C' => json!({
                    "leg": "right", "muscle": "calf", "lasted_s": 240, "pain": 8,
                    "swelling": false, "redness": false, "numbness": false, "weakness": false,
                    "note": "woke me; eased with the \"cramp\" routine",
                }),
                'f' => json!({
                    "leg": "left", "muscle": "foot", "lasted_s": null, "pain": 3,
                    "swelling": false, "redness": false, "numbness": false, "weakness": false,
                    "note": null,
                }),
                't' => json!({
                    "leg": "both", "muscle": "thigh", "lasted_s": 900, "pain": 7,
                    "swelling": true, "redness": false, "numbness": false, "weakness": true,
                    "note": "both legs at once, still sore at breakfast",
                }),
                other => panic!("no such cramp: {other}"),
            };
            let when = at(night, 1, hh, mm);
            let mut record = json!({
                "id": cramps.len() + 1,
                "night": name,
                "at": when,
            });
            for (key, value) in cramp.as_object().unwrap() {
                record[key] = value.clone();
            }
            if cramp["pain"] == 8 {
                // Eased with the cramp routine, and logged as it ended.
                let id = sessions.len() + 1;
                sessions.push(json!({
                    "id": id,
                    "routine": "cramp",
                    "title": "Cramp right now",
                    "relief": true,
                    "night": name,
                    "started_at": at(night, 1, hh, mm + 1),
                    "ended_at": at(night, 1, hh, mm + 5),
                    "outcome": "completed",
                    "speed": 1.0,
                    "steps": steps(&RELIEF, &["done", "done", "done", "skipped"]),
                }));
                record["logged_at"] = json!(at(night, 1, hh, mm + 6));
            } else {
                record["logged_at"] = json!(at(night, 1, 7, 30));
            }
            cramps.push(record);
        }
    }
    // Drinks are numbered in the order of their time, as an export lists
    // them; sessions and cramps already are.
    drinks.sort_by(|a, b| a["at"].as_str().cmp(&b["at"].as_str()));
    for (i, drink) in drinks.iter_mut().enumerate() {
        drink["id"] = json!(i + 1);
    }
    json!({"sessions": sessions, "cramps": cramps, "drinks": drinks})
}

/// The made-up journal as the text an export writes.
pub fn text() -> String {
    let mut text = serde_json::to_string_pretty(&journal()).unwrap();
    text.push('\n');
    text
}
