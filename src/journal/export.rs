//! `nocturne journal export`: everything in the journal, as JSON or as
//! CSV, for a doctor's visit or a spreadsheet. Every field goes out.

use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::record::{DrinkSource, Leg, Muscle, SessionOutcome, StepOutcome};
use super::store::{Cramp, Drink, SessionRecord};
use super::{Error, Records};

#[derive(Serialize)]
struct Everything<'a> {
    sessions: &'a [SessionRecord],
    cramps: &'a [Cramp],
    drinks: &'a [Drink],
}

pub fn json(records: &Records) -> String {
    let everything = Everything {
        sessions: &records.sessions,
        cramps: &records.cramps,
        drinks: &records.drinks,
    };
    let mut text = serde_json::to_string_pretty(&everything).unwrap_or_default();
    text.push('\n');
    text
}

/// The CSV columns, in order: the fields of `Row`. Columns are only ever
/// added at the end, so a spreadsheet made from an older export still
/// lines up.
pub const COLUMNS: [&str; 26] = [
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
    "steps_done",
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
    "amount_ml",
    "source",
    "session_id",
    "step_index",
];

/// One CSV row: a session, a cramp or a drink (`record`), the columns that do not
/// apply to it empty. The fields are the columns, in order.
#[derive(Serialize, Default)]
struct Row<'a> {
    record: &'a str,
    id: Option<i64>,
    night: Option<String>,
    at: &'a str,
    ended_at: Option<&'a str>,
    routine: Option<&'a str>,
    title: Option<&'a str>,
    relief: Option<bool>,
    outcome: Option<SessionOutcome>,
    /// As Rust writes a number: `1` rather than `1.0`.
    speed: Option<String>,
    steps: Option<String>,
    steps_done: Option<usize>,
    leg: Option<Leg>,
    muscle: Option<Muscle>,
    lasted_s: Option<u32>,
    pain: Option<u8>,
    swelling: Option<bool>,
    redness: Option<bool>,
    numbness: Option<bool>,
    weakness: Option<bool>,
    note: Option<&'a str>,
    logged_at: Option<&'a str>,
    amount_ml: Option<u32>,
    source: Option<DrinkSource>,
    session_id: Option<i64>,
    step_index: Option<u32>,
}

/// Steps as "name=outcome" pairs separated by "|"; a `\`, `|` or `=` in a
/// step's name is written after a `\`, so names read back whole.
fn steps_cell(steps: &[(String, StepOutcome)]) -> String {
    steps
        .iter()
        .map(|(name, outcome)| {
            let name = name
                .replace('\\', "\\\\")
                .replace('|', "\\|")
                .replace('=', "\\=");
            format!("{name}={outcome}")
        })
        .collect::<Vec<_>>()
        .join("|")
}

fn session_row(s: &SessionRecord) -> Row<'_> {
    Row {
        record: "session",
        id: Some(s.id),
        night: Some(s.night.to_string()),
        at: &s.started_at,
        ended_at: s.ended_at.as_deref(),
        routine: Some(&s.routine),
        title: Some(&s.title),
        relief: Some(s.relief),
        outcome: Some(s.outcome),
        speed: Some(s.speed.to_string()),
        steps: Some(steps_cell(&s.steps)),
        steps_done: Some(
            s.steps
                .iter()
                .filter(|(_, outcome)| *outcome == StepOutcome::Done)
                .count(),
        ),
        ..Row::default()
    }
}

fn cramp_row(c: &Cramp) -> Row<'_> {
    Row {
        record: "cramp",
        id: c.id,
        night: c.night.map(|n| n.to_string()),
        at: &c.at,
        leg: c.leg,
        muscle: c.muscle,
        lasted_s: c.lasted_s,
        pain: c.pain,
        swelling: Some(c.swelling),
        redness: Some(c.redness),
        numbness: Some(c.numbness),
        weakness: Some(c.weakness),
        note: c.note.as_deref(),
        logged_at: Some(&c.logged_at),
        ..Row::default()
    }
}

fn drink_row(d: &Drink) -> Row<'_> {
    Row {
        record: "drink",
        id: d.id,
        night: Some(d.night.to_string()),
        at: &d.at,
        logged_at: Some(&d.logged_at),
        amount_ml: Some(d.amount_ml),
        source: Some(d.source),
        session_id: d.session_id,
        step_index: d.step_index,
        ..Row::default()
    }
}

pub fn csv(records: &Records) -> String {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .has_headers(false)
        .from_writer(Vec::new());
    // The header is written even for an empty journal.
    let _ = out.write_record(COLUMNS);
    let rows = records
        .sessions
        .iter()
        .map(session_row)
        .chain(records.cramps.iter().map(cramp_row))
        .chain(records.drinks.iter().map(drink_row));
    for row in rows {
        // Into memory, with every field a plain value: nothing can fail.
        let _ = out.serialize(row);
    }
    let bytes = out.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Writes an export to a new file; a file already there is refused and
/// left as it was. Failing to make the file and failing to write it are
/// the same error, with the same exit code.
pub fn to_file(path: &Path, text: &str) -> Result<(), Error> {
    let failed = |source| Error::Export {
        path: path.to_owned(),
        source,
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(failed)?;
    file.write_all(text.as_bytes()).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn sample() -> Records {
        let session = SessionRecord {
            id: 7,
            routine: "nightly".into(),
            title: "Nightly, \"calf\" and hamstring".into(),
            relief: false,
            night: "2026-11-20".parse().unwrap(),
            started_at: "2026-11-20T22:15:00+01:00".into(),
            ended_at: Some("2026-11-20T22:18:40+01:00".into()),
            outcome: SessionOutcome::Completed,
            speed: 1.0,
            steps: vec![
                ("Wall calf".into(), StepOutcome::Done),
                ("Hamstring".into(), StepOutcome::Skipped),
                ("Rub | warm = 2\\3".into(), StepOutcome::Unfinished),
            ],
        };
        let cramp = Cramp {
            id: Some(3),
            night: Some("2026-11-20".parse().unwrap()),
            at: "2026-11-21T03:10:00+01:00".into(),
            leg: Some(Leg::Left),
            muscle: Some(Muscle::Calf),
            lasted_s: Some(90),
            pain: Some(6),
            swelling: false,
            redness: true,
            numbness: false,
            weakness: true,
            note: Some("woke me, then \"eased\",\nslowly".into()),
            logged_at: "2026-11-21T07:00:00+01:00".into(),
        };
        let drink = Drink {
            id: Some(4),
            night: "2026-11-20".parse().unwrap(),
            at: "2026-11-20T22:16:00+01:00".into(),
            amount_ml: 250,
            source: DrinkSource::Session,
            session_id: Some(7),
            step_index: Some(2),
            logged_at: "2026-11-20T22:16:00+01:00".into(),
        };
        Records {
            sessions: vec![session],
            cramps: vec![cramp],
            drinks: vec![drink],
        }
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
        let records = sample();
        let (sessions, cramps) = (&records.sessions, &records.cramps);
        let rows = read_csv(&csv(&records));
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
        let d = &rows[3];
        assert_eq!(get(d, "record"), "drink");
        assert_eq!(get(d, "id"), "4");
        assert_eq!(get(d, "amount_ml"), "250");
        assert_eq!(get(d, "source"), "session");
        assert_eq!(get(d, "session_id"), "7");
        assert_eq!(get(d, "step_index"), "2");
        assert_eq!(rows.len(), 4);
    }

    #[test]
    fn csv_is_written_byte_for_byte_as_the_readme_describes() {
        assert_eq!(
            csv(&sample()),
            "record,id,night,at,ended_at,routine,title,relief,outcome,speed,steps,steps_done,\
             leg,muscle,lasted_s,pain,swelling,redness,numbness,weakness,note,logged_at,\
             amount_ml,source,session_id,step_index\n\
             session,7,2026-11-20,2026-11-20T22:15:00+01:00,2026-11-20T22:18:40+01:00,nightly,\
             \"Nightly, \"\"calf\"\" and hamstring\",false,completed,1,\
             Wall calf=done|Hamstring=skipped|Rub \\| warm \\= 2\\\\3=unfinished,1,,,,,,,,,,,,,,\n\
             cramp,3,2026-11-20,2026-11-21T03:10:00+01:00,,,,,,,,,left,calf,90,6,false,true,\
             false,true,\"woke me, then \"\"eased\"\",\nslowly\",2026-11-21T07:00:00+01:00,,,,\n\
             drink,4,2026-11-20,2026-11-20T22:16:00+01:00,,,,,,,,,,,,,,,,,,\
             2026-11-20T22:16:00+01:00,250,session,7,2\n"
        );
        // An empty journal still has its header.
        assert_eq!(csv(&Records::default()), format!("{}\n", COLUMNS.join(",")));
    }

    #[test]
    fn the_columns_are_the_fields_of_a_row() {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.serialize(Row::default()).unwrap();
        let text = String::from_utf8(out.into_inner().unwrap()).unwrap();
        assert_eq!(text.lines().next(), Some(COLUMNS.join(",").as_str()));
    }

    #[test]
    fn an_export_never_overwrites_and_fails_one_way() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.csv");
        to_file(&path, "one\n").unwrap();
        let again = to_file(&path, "two\n").unwrap_err();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\n");
        assert_eq!(
            again.to_string(),
            format!(
                "cannot write {}: File exists; nothing the file held was changed",
                path.display()
            )
        );
        let nowhere = dir.path().join("missing").join("journal.csv");
        let missing = to_file(&nowhere, "one\n").unwrap_err();
        assert_eq!(
            missing.to_string(),
            format!(
                "cannot write {}: no such file; nothing the file held was changed",
                nowhere.display()
            )
        );
        assert_eq!((again.exit_code(), missing.exit_code()), (2, 2));
    }

    #[test]
    fn json_carries_every_field() {
        let records = sample();
        let (sessions, cramps) = (&records.sessions, &records.cramps);
        let value: Value = serde_json::from_str(&json(&records)).unwrap();
        let s = &value["sessions"][0];
        assert_eq!(s["title"], sessions[0].title);
        assert_eq!(
            s["steps"][1],
            json!({"name": "Hamstring", "outcome": "skipped"})
        );
        assert_eq!(s["ended_at"], "2026-11-20T22:18:40+01:00");
        assert_eq!(s["night"], "2026-11-20");
        assert_eq!(s["outcome"], "completed");
        assert_eq!(s["speed"], 1.0);
        let c = &value["cramps"][0];
        for (key, expected) in [
            ("id", json!(3)),
            ("night", json!("2026-11-20")),
            ("leg", json!("left")),
            ("muscle", json!("calf")),
            ("lasted_s", json!(90)),
            ("pain", json!(6)),
            ("redness", json!(true)),
            ("weakness", json!(true)),
            ("note", json!(cramps[0].note)),
            ("logged_at", json!(cramps[0].logged_at)),
        ] {
            assert_eq!(c[key], expected, "{key}");
        }
        assert_eq!(
            value["drinks"][0],
            json!({
                "id": 4,
                "night": "2026-11-20",
                "at": "2026-11-20T22:16:00+01:00",
                "amount_ml": 250,
                "source": "session",
                "session_id": 7,
                "step_index": 2,
                "logged_at": "2026-11-20T22:16:00+01:00",
            })
        );
    }
}
