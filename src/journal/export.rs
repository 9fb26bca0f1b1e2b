//! `nocturne journal export`: everything in the journal, as JSON or as
//! CSV, for a doctor's visit or a spreadsheet. Every field goes out.

use serde_json::{Value, json};

use super::store::{Cramp, SessionRecord};

/// The CSV columns, in order. A row is a session or a cramp (`record`);
/// the columns that do not apply to it are empty.
pub const COLUMNS: [&str; 22] = [
    "record",
    "id",
    "night",
    "at",
    "ended_at",
    "routine",
    "title",
    "relief",
    "outcome",
    "speed",
    "steps",
    "leg",
    "muscle",
    "lasted_s",
    "pain",
    "swelling",
    "redness",
    "numbness",
    "weakness",
    "note",
    "logged_at",
    "steps_done",
];

pub fn json(sessions: &[SessionRecord], cramps: &[Cramp]) -> String {
    let sessions: Vec<Value> = sessions
        .iter()
        .map(|s| {
            json!({
                "id": s.id,
                "routine": s.routine,
                "title": s.title,
                "relief": s.relief,
                "night": s.night.to_string(),
                "started_at": s.started_at,
                "ended_at": s.ended_at,
                "outcome": s.outcome,
                "speed": s.speed,
                "steps": s.steps.iter().map(|(name, outcome)| json!({"name": name, "outcome": outcome})).collect::<Vec<_>>(),
            })
        })
        .collect();
    let cramps: Vec<Value> = cramps
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "night": c.night.map(|n| n.to_string()),
                "at": c.at,
                "leg": c.leg,
                "muscle": c.muscle,
                "lasted_s": c.lasted_s,
                "pain": c.pain,
                "swelling": c.swelling,
                "redness": c.redness,
                "numbness": c.numbness,
                "weakness": c.weakness,
                "note": c.note,
                "logged_at": c.logged_at,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({"sessions": sessions, "cramps": cramps}))
        .unwrap_or_default();
    text.push('\n');
    text
}

/// A CSV field, quoted where it must be.
fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map(T::to_string).unwrap_or_default()
}

/// One CSV row: the named cells filled, the rest empty.
fn row(out: &mut String, cells: &[(&str, String)]) {
    let line: Vec<String> = COLUMNS
        .iter()
        .map(|column| {
            cells
                .iter()
                .find(|(name, _)| name == column)
                .map_or(String::new(), |(_, value)| field(value))
        })
        .collect();
    out.push_str(&line.join(","));
    out.push('\n');
}

pub fn csv(sessions: &[SessionRecord], cramps: &[Cramp]) -> String {
    let mut out = COLUMNS.join(",");
    out.push('\n');
    for s in sessions {
        // Steps as "name=outcome" pairs separated by "|"; a `\`, `|` or `=`
        // in a step's name is written after a `\`, so names read back whole.
        let steps = s
            .steps
            .iter()
            .map(|(name, outcome)| {
                let name = name
                    .replace('\\', "\\\\")
                    .replace('|', "\\|")
                    .replace('=', "\\=");
                format!("{name}={outcome}")
            })
            .collect::<Vec<_>>()
            .join("|");
        let done = s.steps.iter().filter(|(_, o)| o == "done").count();
        row(
            &mut out,
            &[
                ("record", "session".into()),
                ("id", s.id.to_string()),
                ("night", s.night.to_string()),
                ("at", s.started_at.clone()),
                ("ended_at", opt(&s.ended_at)),
                ("routine", s.routine.clone()),
                ("title", s.title.clone()),
                ("relief", s.relief.to_string()),
                ("outcome", s.outcome.clone()),
                ("speed", s.speed.to_string()),
                ("steps", steps),
                ("steps_done", done.to_string()),
            ],
        );
    }
    for c in cramps {
        row(
            &mut out,
            &[
                ("record", "cramp".into()),
                ("id", opt(&c.id)),
                ("night", opt(&c.night)),
                ("at", c.at.clone()),
                ("leg", opt(&c.leg)),
                ("muscle", opt(&c.muscle)),
                ("lasted_s", opt(&c.lasted_s)),
                ("pain", opt(&c.pain)),
                ("swelling", c.swelling.to_string()),
                ("redness", c.redness.to_string()),
                ("numbness", c.numbness.to_string()),
                ("weakness", c.weakness.to_string()),
                ("note", opt(&c.note)),
                ("logged_at", c.logged_at.clone()),
            ],
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Vec<SessionRecord>, Vec<Cramp>) {
        let session = SessionRecord {
            id: 7,
            routine: "nightly".into(),
            title: "Nightly, \"calf\" and hamstring".into(),
            relief: false,
            night: "2026-11-20".parse().unwrap(),
            started_at: "2026-11-20T22:15:00+01:00".into(),
            ended_at: Some("2026-11-20T22:18:40+01:00".into()),
            outcome: "completed".into(),
            speed: 1.0,
            steps: vec![
                ("Wall calf".into(), "done".into()),
                ("Hamstring".into(), "skipped".into()),
                ("Rub | warm = 2\\3".into(), "unfinished".into()),
            ],
        };
        let cramp = Cramp {
            id: Some(3),
            night: Some("2026-11-20".parse().unwrap()),
            at: "2026-11-21T03:10:00+01:00".into(),
            leg: Some("left".into()),
            muscle: Some("calf".into()),
            lasted_s: Some(90),
            pain: Some(6),
            swelling: false,
            redness: true,
            numbness: false,
            weakness: true,
            note: Some("woke me, then \"eased\",\nslowly".into()),
            logged_at: "2026-11-21T07:00:00+01:00".into(),
        };
        (vec![session], vec![cramp])
    }

    /// A minimal CSV reader for the round trip.
    fn read_csv(text: &str) -> Vec<Vec<String>> {
        let mut rows = vec![vec![String::new()]];
        let mut quoted = false;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let row = rows.last_mut().unwrap();
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    row.last_mut().unwrap().push('"');
                }
                ('"', _) => quoted = !quoted,
                (',', false) => row.push(String::new()),
                ('\n', false) => rows.push(vec![String::new()]),
                (c, _) => row.last_mut().unwrap().push(c),
            }
        }
        rows.pop();
        rows
    }

    #[test]
    fn csv_carries_every_field_and_reads_back() {
        let (sessions, cramps) = sample();
        let rows = read_csv(&csv(&sessions, &cramps));
        assert_eq!(rows[0], COLUMNS);
        let get = |row: &Vec<String>, column: &str| {
            row[COLUMNS.iter().position(|c| *c == column).unwrap()].clone()
        };
        let s = &rows[1];
        let session = &sessions[0];
        assert_eq!(get(s, "record"), "session");
        assert_eq!(get(s, "id"), session.id.to_string());
        assert_eq!(get(s, "night"), session.night.to_string());
        assert_eq!(get(s, "at"), session.started_at);
        assert_eq!(get(s, "ended_at"), session.ended_at.clone().unwrap());
        assert_eq!(get(s, "title"), session.title);
        assert_eq!(get(s, "outcome"), "completed");
        assert_eq!(get(s, "speed"), "1");
        assert_eq!(
            get(s, "steps"),
            "Wall calf=done|Hamstring=skipped|Rub \\| warm \\= 2\\\\3=unfinished"
        );
        assert_eq!(get(s, "steps_done"), "1");
        let c = &rows[2];
        let cramp = &cramps[0];
        assert_eq!(get(c, "record"), "cramp");
        assert_eq!(get(c, "at"), cramp.at);
        assert_eq!(get(c, "leg"), "left");
        assert_eq!(get(c, "muscle"), "calf");
        assert_eq!(get(c, "lasted_s"), "90");
        assert_eq!(get(c, "pain"), "6");
        assert_eq!(
            [
                get(c, "swelling"),
                get(c, "redness"),
                get(c, "numbness"),
                get(c, "weakness")
            ],
            ["false", "true", "false", "true"]
        );
        assert_eq!(get(c, "note"), cramp.note.clone().unwrap());
        assert_eq!(get(c, "logged_at"), cramp.logged_at);
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn json_carries_every_field() {
        let (sessions, cramps) = sample();
        let value: Value = serde_json::from_str(&json(&sessions, &cramps)).unwrap();
        let s = &value["sessions"][0];
        assert_eq!(s["title"], sessions[0].title);
        assert_eq!(
            s["steps"][1],
            json!({"name": "Hamstring", "outcome": "skipped"})
        );
        assert_eq!(s["ended_at"], "2026-11-20T22:18:40+01:00");
        let c = &value["cramps"][0];
        for (key, expected) in [
            ("id", json!(3)),
            ("night", json!("2026-11-20")),
            ("lasted_s", json!(90)),
            ("pain", json!(6)),
            ("redness", json!(true)),
            ("weakness", json!(true)),
            ("note", json!(cramps[0].note)),
            ("logged_at", json!(cramps[0].logged_at)),
        ] {
            assert_eq!(c[key], expected, "{key}");
        }
    }
}
