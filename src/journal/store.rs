//! The journal on disk: an SQLite database (bundled, nothing to install)
//! in the data folder. It carries a schema version and migrates forward,
//! so a journal written now opens in every later version. Several
//! nocturne processes may write at once: each waits briefly for the
//! others. A file that is damaged, not a journal, or from a newer nocturne
//! is reported and never changed.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rusqlite::{Connection, OpenFlags, TransactionBehavior, params};

use super::Records;
use super::error::{Error, PATIENCE};
use super::import::{self, Incoming, Place, Summary};
use super::record::{DrinkSource, Leg, Muscle, SessionOutcome, StepOutcome};
use crate::diag::Diagnostic;

/// The journal's file name in the data folder.
pub const FILE: &str = "journal.sqlite";

/// Each migration brings the schema from its index to the next version.
const MIGRATIONS: &[&str] = &[
    // 1: sessions, their steps, and cramps.
    "CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        routine TEXT NOT NULL,
        title TEXT NOT NULL,
        relief INTEGER NOT NULL,
        night TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        outcome TEXT NOT NULL,
        speed REAL NOT NULL
    );
    CREATE TABLE session_steps (
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        step_index INTEGER NOT NULL,
        name TEXT NOT NULL,
        outcome TEXT NOT NULL,
        PRIMARY KEY (session_id, step_index)
    );
    CREATE TABLE cramps (
        id INTEGER PRIMARY KEY,
        night TEXT NOT NULL,
        at TEXT NOT NULL,
        leg TEXT,
        muscle TEXT,
        lasted_s INTEGER,
        pain INTEGER,
        swelling INTEGER NOT NULL,
        redness INTEGER NOT NULL,
        numbness INTEGER NOT NULL,
        weakness INTEGER NOT NULL,
        note TEXT,
        logged_at TEXT NOT NULL
    );
    CREATE INDEX sessions_by_night ON sessions(night);
    CREATE INDEX cramps_by_night ON cramps(night);",
    // 2: drinks. A drink from a session's `hydrate` step names the session
    // and the step, and each step logs at most one.
    "CREATE TABLE drinks (
        id INTEGER PRIMARY KEY,
        night TEXT NOT NULL,
        at TEXT NOT NULL,
        amount_ml INTEGER NOT NULL,
        source TEXT NOT NULL,
        session_id INTEGER REFERENCES sessions(id),
        step_index INTEGER,
        logged_at TEXT NOT NULL,
        UNIQUE (session_id, step_index)
    );
    CREATE INDEX drinks_by_night ON drinks(night);",
];

/// A session as it starts: what is known before the journal gives it an
/// id and the clock a start.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSession {
    pub routine: String,
    pub title: String,
    /// The cramp-relief routine, as opposed to stretching before sleep.
    pub relief: bool,
    pub speed: f64,
    /// Each step's name, in order; every step starts unfinished.
    pub steps: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SessionRecord {
    pub id: i64,
    pub routine: String,
    pub title: String,
    /// The cramp-relief routine, as opposed to stretching before sleep.
    pub relief: bool,
    #[serde(serialize_with = "as_text")]
    pub night: Date,
    /// RFC 3339, with the offset of the time zone then.
    pub started_at: String,
    pub ended_at: Option<String>,
    pub outcome: SessionOutcome,
    pub speed: f64,
    /// Each step's name and outcome.
    #[serde(serialize_with = "named_steps")]
    pub steps: Vec<(String, StepOutcome)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Cramp {
    pub id: Option<i64>,
    #[serde(serialize_with = "as_text")]
    pub night: Option<Date>,
    /// RFC 3339, with the offset of the time zone then.
    pub at: String,
    pub leg: Option<Leg>,
    pub muscle: Option<Muscle>,
    pub lasted_s: Option<u32>,
    pub pain: Option<u8>,
    pub swelling: bool,
    pub redness: bool,
    pub numbness: bool,
    pub weakness: bool,
    pub note: Option<String>,
    pub logged_at: String,
}

/// A drink of water (or anything else), as logged.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Drink {
    pub id: Option<i64>,
    #[serde(serialize_with = "as_text")]
    pub night: Date,
    /// RFC 3339, with the offset of the time zone then.
    pub at: String,
    pub amount_ml: u32,
    pub source: DrinkSource,
    /// The session whose `hydrate` step this was, and the step's index.
    pub session_id: Option<i64>,
    pub step_index: Option<u32>,
    pub logged_at: String,
}

/// A date (or none) as its text, `2026-11-20`.
fn as_text<T: OptionalDate, S: serde::Serializer>(date: &T, s: S) -> Result<S::Ok, S::Error> {
    match date.date() {
        Some(date) => s.collect_str(&date),
        None => s.serialize_none(),
    }
}

trait OptionalDate {
    fn date(&self) -> Option<Date>;
}

impl OptionalDate for Date {
    fn date(&self) -> Option<Date> {
        Some(*self)
    }
}

impl OptionalDate for Option<Date> {
    fn date(&self) -> Option<Date> {
        *self
    }
}

/// Steps as `{"name": …, "outcome": …}` objects.
fn named_steps<S: serde::Serializer>(
    steps: &[(String, StepOutcome)],
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(serde::Serialize)]
    struct Step<'a> {
        name: &'a str,
        outcome: StepOutcome,
    }
    s.collect_seq(steps.iter().map(|(name, outcome)| Step {
        name,
        outcome: *outcome,
    }))
}

pub struct Journal {
    conn: Connection,
    path: PathBuf,
    /// The schema version the file has. A journal of an earlier version is
    /// read as it is (what it lacks reads as empty) and brought up to
    /// date only when written to.
    schema: i64,
}

/// One entry of the journal as the user names it: `c12` for a cramp,
/// `s7` for a session, as `nocturne journal` and `log` show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Cramp(i64),
    Session(i64),
    Drink(i64),
}

impl Entry {
    pub fn parse(text: &str) -> Option<Entry> {
        let text = text.trim().to_lowercase();
        let number = |digits: &str| digits.parse::<i64>().ok().filter(|n| *n > 0);
        if let Some(digits) = text.strip_prefix('c') {
            number(digits).map(Entry::Cramp)
        } else if let Some(digits) = text.strip_prefix('s') {
            number(digits).map(Entry::Session)
        } else if let Some(digits) = text.strip_prefix('d') {
            number(digits).map(Entry::Drink)
        } else {
            None
        }
    }
}

impl std::fmt::Display for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Entry::Cramp(id) => write!(f, "c{id}"),
            Entry::Session(id) => write!(f, "s{id}"),
            Entry::Drink(id) => write!(f, "d{id}"),
        }
    }
}

impl Journal {
    /// Opens the journal for writing, creating it (and its folder) if need
    /// be, and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Journal, Error> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| Error::Folder {
                path: path.to_owned(),
                source,
            })?;
        }
        let conn = Connection::open(path).map_err(|e| Error::sqlite(path, e))?;
        let mut journal = Journal {
            conn,
            path: path.to_owned(),
            schema: 0,
        };
        journal.prepare(true)?;
        Ok(journal)
    }

    /// Opens an existing journal for reading; `None` if there is none yet.
    pub fn open_to_read(path: &Path) -> Result<Option<Journal>, Error> {
        if !path.exists() {
            return Ok(None);
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| Error::sqlite(path, e))?;
        let mut journal = Journal {
            conn,
            path: path.to_owned(),
            schema: 0,
        };
        journal.prepare(false)?;
        // An empty database (a file made but never written) has no entries.
        if journal.schema == 0 {
            return Ok(None);
        }
        Ok(Some(journal))
    }

    fn fail(&self, e: rusqlite::Error) -> Error {
        Error::sqlite(&self.path, e)
    }

    /// Checks the schema version (before anything is written, so a damaged
    /// or foreign file fails here, untouched) and migrates if writing.
    fn prepare(&mut self, write: bool) -> Result<(), Error> {
        self.conn.busy_timeout(PATIENCE).map_err(|e| self.fail(e))?;
        let version = self.version()?;
        self.schema = version;
        let latest = MIGRATIONS.len() as i64;
        if version > latest {
            return Err(Error::Newer {
                path: self.path.clone(),
                found: version,
                known: latest,
            });
        }
        if !write {
            return Ok(());
        }
        self.conn
            .pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| self.fail(e))?;
        // Every commit reaches the disk: a power cut loses no session start.
        self.conn
            .pragma_update(None, "synchronous", "FULL")
            .map_err(|e| self.fail(e))?;
        if version < latest {
            let path = self.path.clone();
            let tx = self.begin()?;
            // Another nocturne may have migrated while this one waited.
            let now: i64 = tx
                .query_row("PRAGMA user_version", [], |row| row.get(0))
                .map_err(|e| Error::sqlite(&path, e))?;
            for (i, step) in MIGRATIONS.iter().enumerate().skip(now as usize) {
                tx.execute_batch(step)
                    .map_err(|e| Error::sqlite(&path, e))?;
                tx.pragma_update(None, "user_version", (i + 1) as i64)
                    .map_err(|e| Error::sqlite(&path, e))?;
            }
            tx.commit().map_err(|e| Error::sqlite(&path, e))?;
            self.schema = latest;
        }
        Ok(())
    }

    pub fn version(&self) -> Result<i64, Error> {
        self.conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| self.fail(e))
    }

    /// A transaction that takes the write lock at once, so that writers
    /// wait for each other at its start rather than fail half-way.
    fn begin(&mut self) -> Result<rusqlite::Transaction<'_>, Error> {
        let Journal { conn, path, .. } = self;
        conn.transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| Error::sqlite(path, e))
    }

    /// Records a session as it starts on `night` at `started_at` (RFC 3339),
    /// with every step pending; returns its id. Written at once, so even a
    /// session killed outright shows.
    pub fn start_session(
        &mut self,
        session: &NewSession,
        night: Date,
        started_at: &str,
    ) -> Result<i64, Error> {
        let path = self.path.clone();
        let tx = self.begin()?;
        tx.execute(
            "INSERT INTO sessions (routine, title, relief, night, started_at, ended_at, outcome, speed)
             VALUES (?1, ?2, ?3, ?4, ?5, NULL, ?6, ?7)",
            params![
                session.routine,
                session.title,
                session.relief,
                night.to_string(),
                started_at,
                SessionOutcome::Unfinished,
                session.speed
            ],
        )
        .map_err(|e| Error::sqlite(&path, e))?;
        let id = tx.last_insert_rowid();
        for (i, name) in session.steps.iter().enumerate() {
            tx.execute(
                "INSERT INTO session_steps (session_id, step_index, name, outcome) VALUES (?1, ?2, ?3, ?4)",
                params![id, i as i64, name, StepOutcome::Unfinished],
            )
            .map_err(|e| Error::sqlite(&path, e))?;
        }
        tx.commit().map_err(|e| Error::sqlite(&path, e))?;
        Ok(id)
    }

    pub fn set_step(&self, session: i64, step: usize, outcome: StepOutcome) -> Result<(), Error> {
        self.conn
            .execute(
                "UPDATE session_steps SET outcome = ?3 WHERE session_id = ?1 AND step_index = ?2",
                params![session, step as i64, outcome],
            )
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }

    pub fn finish_session(
        &mut self,
        session: i64,
        ended_at: &str,
        outcome: SessionOutcome,
        steps: &[StepOutcome],
    ) -> Result<(), Error> {
        let path = self.path.clone();
        let tx = self.begin()?;
        tx.execute(
            "UPDATE sessions SET ended_at = ?2, outcome = ?3 WHERE id = ?1",
            params![session, ended_at, outcome],
        )
        .map_err(|e| Error::sqlite(&path, e))?;
        for (i, step) in steps.iter().enumerate() {
            tx.execute(
                "UPDATE session_steps SET outcome = ?3 WHERE session_id = ?1 AND step_index = ?2",
                params![session, i as i64, step],
            )
            .map_err(|e| Error::sqlite(&path, e))?;
        }
        tx.commit().map_err(|e| Error::sqlite(&path, e))
    }

    pub fn add_cramp(&self, cramp: &Cramp) -> Result<i64, Error> {
        let night = cramp.night.map(|n| n.to_string()).unwrap_or_default();
        self.conn
            .execute(
                "INSERT INTO cramps (night, at, leg, muscle, lasted_s, pain, swelling, redness,
                                     numbness, weakness, note, logged_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    night,
                    cramp.at,
                    cramp.leg,
                    cramp.muscle,
                    cramp.lasted_s,
                    cramp.pain,
                    cramp.swelling,
                    cramp.redness,
                    cramp.numbness,
                    cramp.weakness,
                    cramp.note,
                    cramp.logged_at
                ],
            )
            .map_err(|e| self.fail(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records a drink; returns its id. A drink for a session's step that
    /// already has one is not logged again: `None`.
    pub fn add_drink(&self, drink: &Drink) -> Result<Option<i64>, Error> {
        let added = self
            .conn
            .execute(
                "INSERT OR IGNORE INTO drinks (night, at, amount_ml, source, session_id,
                                               step_index, logged_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    drink.night.to_string(),
                    drink.at,
                    drink.amount_ml,
                    drink.source,
                    drink.session_id,
                    drink.step_index,
                    drink.logged_at
                ],
            )
            .map_err(|e| self.fail(e))?;
        Ok((added > 0).then(|| self.conn.last_insert_rowid()))
    }

    /// Every drink, oldest first (none in a journal from before drinks).
    pub fn drinks(&self) -> Result<Vec<Drink>, Error> {
        if self.schema < 2 {
            return Ok(Vec::new());
        }
        read_drinks(&self.conn).map_err(|e| self.fail(e))
    }

    /// Every session, oldest first.
    pub fn sessions(&self) -> Result<Vec<SessionRecord>, Error> {
        read_sessions(&self.conn).map_err(|e| self.fail(e))
    }

    /// Every cramp, oldest first.
    pub fn cramps(&self) -> Result<Vec<Cramp>, Error> {
        read_cramps(&self.conn).map_err(|e| self.fail(e))
    }

    /// Adds what the journal lacks of an imported file, all in one
    /// transaction: everything or, on any failure, nothing. The journal is
    /// read inside the transaction, so an import at the same time as
    /// another cannot add the same record twice. The problems, where the
    /// file cannot go in as it is, come back as the inner `Err`.
    pub fn import(
        &mut self,
        incoming: &Incoming,
    ) -> Result<Result<Summary, Vec<Diagnostic>>, Error> {
        let path = self.path.clone();
        let fail = |e| Error::sqlite(&path, e);
        let tx = self.begin()?;
        let existing = Records {
            sessions: read_sessions(&tx).map_err(fail)?,
            cramps: read_cramps(&tx).map_err(fail)?,
            drinks: read_drinks(&tx).map_err(fail)?,
        };
        let additions = match import::plan(incoming, &existing) {
            Ok(additions) => additions,
            // Dropped unwritten: the transaction ends with nothing done.
            Err(problems) => return Ok(Err(problems)),
        };
        let mut added = Vec::with_capacity(additions.sessions.len());
        for s in &additions.sessions {
            tx.execute(
                "INSERT INTO sessions (routine, title, relief, night, started_at, ended_at,
                                       outcome, speed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    s.routine,
                    s.title,
                    s.relief,
                    s.night.to_string(),
                    s.started_at,
                    s.ended_at,
                    s.outcome,
                    s.speed
                ],
            )
            .map_err(fail)?;
            let id = tx.last_insert_rowid();
            for (i, (name, outcome)) in s.steps.iter().enumerate() {
                tx.execute(
                    "INSERT INTO session_steps (session_id, step_index, name, outcome)
                     VALUES (?1, ?2, ?3, ?4)",
                    params![id, i as i64, name, outcome],
                )
                .map_err(fail)?;
            }
            added.push(id);
        }
        for c in &additions.cramps {
            tx.execute(
                "INSERT INTO cramps (night, at, leg, muscle, lasted_s, pain, swelling, redness,
                                     numbness, weakness, note, logged_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                params![
                    c.night.map(|n| n.to_string()).unwrap_or_default(),
                    c.at,
                    c.leg,
                    c.muscle,
                    c.lasted_s,
                    c.pain,
                    c.swelling,
                    c.redness,
                    c.numbness,
                    c.weakness,
                    c.note,
                    c.logged_at
                ],
            )
            .map_err(fail)?;
        }
        for (d, place) in &additions.drinks {
            let session_id = match place {
                Some(Place::Journal(id)) => Some(*id),
                Some(Place::Added(i)) => added.get(*i).copied(),
                None => None,
            };
            // A plain insert: a step with a drink already fails the whole
            // import rather than losing this one quietly.
            tx.execute(
                "INSERT INTO drinks (night, at, amount_ml, source, session_id, step_index,
                                     logged_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    d.night.to_string(),
                    d.at,
                    d.amount_ml,
                    d.source,
                    session_id,
                    d.step_index,
                    d.logged_at
                ],
            )
            .map_err(fail)?;
        }
        tx.commit().map_err(fail)?;
        Ok(Ok(additions.summary()))
    }

    /// Removes one entry and everything that belongs to it; `false` where
    /// there is no such entry.
    pub fn delete(&mut self, entry: Entry) -> Result<bool, Error> {
        let path = self.path.clone();
        let tx = self.begin()?;
        let removed = match entry {
            Entry::Cramp(id) => tx.execute("DELETE FROM cramps WHERE id = ?1", params![id]),
            Entry::Drink(id) => tx.execute("DELETE FROM drinks WHERE id = ?1", params![id]),
            // The drinks its steps logged go with it.
            Entry::Session(id) => tx
                .execute("DELETE FROM drinks WHERE session_id = ?1", params![id])
                .and_then(|_| {
                    tx.execute(
                        "DELETE FROM session_steps WHERE session_id = ?1",
                        params![id],
                    )
                })
                .and_then(|_| tx.execute("DELETE FROM sessions WHERE id = ?1", params![id])),
        }
        .map_err(|e| Error::sqlite(&path, e))?;
        tx.commit().map_err(|e| Error::sqlite(&path, e))?;
        Ok(removed > 0)
    }

    /// The id of the session with the latest start, if any (for tests).
    #[cfg(test)]
    pub fn last_session(&self) -> Result<Option<i64>, Error> {
        use rusqlite::OptionalExtension;
        self.conn
            .query_row("SELECT max(id) FROM sessions", [], |row| row.get(0))
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.fail(e))
    }
}

/// Every drink, oldest first.
fn read_drinks(conn: &Connection) -> rusqlite::Result<Vec<Drink>> {
    let mut query = conn.prepare(
        "SELECT id, night, at, amount_ml, source, session_id, step_index, logged_at
             FROM drinks ORDER BY at, id",
    )?;
    let drinks = query
        .query_map([], |row| {
            Ok(Drink {
                id: row.get(0)?,
                night: date(row.get::<_, String>(1)?),
                at: row.get(2)?,
                amount_ml: row.get(3)?,
                source: row.get(4)?,
                session_id: row.get(5)?,
                step_index: row.get(6)?,
                logged_at: row.get(7)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(drinks)
}

/// Every session, oldest first.
fn read_sessions(conn: &Connection) -> rusqlite::Result<Vec<SessionRecord>> {
    let mut query = conn.prepare(
        "SELECT id, routine, title, relief, night, started_at, ended_at, outcome, speed
             FROM sessions ORDER BY started_at, id",
    )?;
    let mut sessions: Vec<SessionRecord> = query
        .query_map([], |row| {
            Ok(SessionRecord {
                id: row.get(0)?,
                routine: row.get(1)?,
                title: row.get(2)?,
                relief: row.get(3)?,
                night: date(row.get::<_, String>(4)?),
                started_at: row.get(5)?,
                ended_at: row.get(6)?,
                outcome: row.get(7)?,
                speed: row.get(8)?,
                steps: Vec::new(),
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut steps = conn.prepare(
        "SELECT session_id, name, outcome FROM session_steps ORDER BY session_id, step_index",
    )?;
    let rows = steps.query_map([], |row| {
        Ok((row.get::<_, i64>(0)?, row.get(1)?, row.get(2)?))
    })?;
    let by_id: std::collections::HashMap<i64, usize> = sessions
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id, i))
        .collect();
    for row in rows {
        let (id, name, outcome): (i64, String, StepOutcome) = row?;
        if let Some(&i) = by_id.get(&id) {
            sessions[i].steps.push((name, outcome));
        }
    }
    Ok(sessions)
}

/// Every cramp, oldest first.
fn read_cramps(conn: &Connection) -> rusqlite::Result<Vec<Cramp>> {
    let mut query = conn.prepare(
        "SELECT id, night, at, leg, muscle, lasted_s, pain, swelling, redness, numbness,
                    weakness, note, logged_at
             FROM cramps ORDER BY at, id",
    )?;
    let cramps = query
        .query_map([], |row| {
            Ok(Cramp {
                id: row.get(0)?,
                night: Some(date(row.get::<_, String>(1)?)),
                at: row.get(2)?,
                leg: row.get(3)?,
                muscle: row.get(4)?,
                lasted_s: row.get(5)?,
                pain: row.get(6)?,
                swelling: row.get(7)?,
                redness: row.get(8)?,
                numbness: row.get(9)?,
                weakness: row.get(10)?,
                note: row.get(11)?,
                logged_at: row.get(12)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(cramps)
}

/// A night as stored; a malformed one (a hand-edited file) reads as the
/// earliest date rather than failing the whole journal.
fn date(text: String) -> Date {
    text.parse().unwrap_or(Date::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> NewSession {
        NewSession {
            routine: "nightly".into(),
            title: "Nightly".into(),
            relief: false,
            speed: 1.0,
            steps: vec!["Calf".into(), "Hamstring".into()],
        }
    }

    #[test]
    fn a_new_journal_migrates_from_an_empty_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep").join(FILE);
        let journal = Journal::open(&path).unwrap();
        assert_eq!(journal.version().unwrap(), MIGRATIONS.len() as i64);
        drop(journal);
        // An empty file (made by something else) reads as no journal, and
        // migrates when first written.
        let empty = dir.path().join("empty.sqlite");
        std::fs::write(&empty, b"").unwrap();
        assert!(Journal::open_to_read(&empty).unwrap().is_none());
        assert_eq!(std::fs::read(&empty).unwrap(), b"");
        let latest = MIGRATIONS.len() as i64;
        assert_eq!(Journal::open(&empty).unwrap().version().unwrap(), latest);
        // Opening again changes nothing.
        assert_eq!(Journal::open(&path).unwrap().version().unwrap(), latest);
    }

    #[test]
    fn sessions_and_cramps_come_back_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let mut journal = Journal::open(&path).unwrap();
        let night: Date = "2026-11-20".parse().unwrap();
        let id = journal
            .start_session(&session(), night, "2026-11-20T22:15:00+01:00")
            .unwrap();
        journal.set_step(id, 0, StepOutcome::Done).unwrap();
        let cramp = Cramp {
            night: Some("2026-11-20".parse().unwrap()),
            at: "2026-11-21T03:10:00+01:00".into(),
            leg: Some(Leg::Left),
            muscle: Some(Muscle::Calf),
            lasted_s: Some(90),
            pain: Some(6),
            numbness: true,
            note: Some("woke me".into()),
            logged_at: "2026-11-21T07:00:00+01:00".into(),
            ..Cramp::default()
        };
        let cramp_id = journal.add_cramp(&cramp).unwrap();
        let read = Journal::open_to_read(&path).unwrap().unwrap();
        let sessions = read.sessions().unwrap();
        assert_eq!(sessions.len(), 1);
        assert_eq!(sessions[0].outcome, SessionOutcome::Unfinished);
        assert_eq!(sessions[0].night, night);
        assert_eq!(sessions[0].started_at, "2026-11-20T22:15:00+01:00");
        assert_eq!(
            sessions[0].steps,
            [
                ("Calf".to_owned(), StepOutcome::Done),
                ("Hamstring".to_owned(), StepOutcome::Unfinished)
            ]
        );
        assert_eq!(
            read.cramps().unwrap(),
            [Cramp {
                id: Some(cramp_id),
                ..cramp
            }]
        );
        assert_eq!(read.last_session().unwrap(), Some(id));
    }

    #[test]
    fn a_damaged_file_is_reported_and_left_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        let junk: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&path, &junk).unwrap();
        let Err(e @ Error::Damaged { .. }) = Journal::open(&path) else {
            panic!("a damaged journal must be refused");
        };
        let message = e.to_string();
        assert!(
            message.starts_with(&format!("the journal {} is damaged", path.display())),
            "{message}"
        );
        assert!(Journal::open_to_read(&path).is_err());
        assert_eq!(std::fs::read(&path).unwrap(), junk);
    }

    fn drink(at: &str, source: DrinkSource) -> Drink {
        Drink {
            id: None,
            night: "2026-11-20".parse().unwrap(),
            at: at.into(),
            amount_ml: 250,
            source,
            session_id: None,
            step_index: None,
            logged_at: at.into(),
        }
    }

    #[test]
    fn a_journal_of_the_first_version_is_read_as_it_is_and_updated_when_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.pragma_update(None, "user_version", 1).unwrap();
            conn.execute(
                "INSERT INTO cramps (night, at, swelling, redness, numbness, weakness, logged_at)
                 VALUES ('2026-11-20', '2026-11-21T03:10:00+01:00', 0, 0, 0, 0, 'x')",
                [],
            )
            .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        // Read as it is, and left as it was: reading never writes.
        let read = Journal::open_to_read(&path).unwrap().unwrap();
        assert_eq!(read.version().unwrap(), 1);
        assert_eq!(read.cramps().unwrap().len(), 1);
        assert_eq!(read.drinks().unwrap(), []);
        drop(read);
        assert_eq!(std::fs::read(&path).unwrap(), before);
        // Written to, it is brought up to date, its entries kept.
        let journal = Journal::open(&path).unwrap();
        assert_eq!(journal.version().unwrap(), MIGRATIONS.len() as i64);
        assert_eq!(journal.cramps().unwrap().len(), 1);
        assert!(
            journal
                .add_drink(&drink("2026-11-20T19:00:00+01:00", DrinkSource::Log))
                .unwrap()
                .is_some()
        );
    }

    #[test]
    fn a_session_step_logs_one_drink_however_often_it_is_told() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = Journal::open(&dir.path().join(FILE)).unwrap();
        let night: Date = "2026-11-20".parse().unwrap();
        let id = journal
            .start_session(&session(), night, "2026-11-20T20:00:00+01:00")
            .unwrap();
        let mut from_step = drink("2026-11-20T20:01:00+01:00", DrinkSource::Session);
        from_step.session_id = Some(id);
        from_step.step_index = Some(1);
        let first = journal.add_drink(&from_step).unwrap();
        assert!(first.is_some());
        assert_eq!(journal.add_drink(&from_step).unwrap(), None);
        // Drinks logged by hand are never taken for one another.
        let by_hand = drink("2026-11-20T19:00:00+01:00", DrinkSource::Log);
        assert!(journal.add_drink(&by_hand).unwrap().is_some());
        assert!(journal.add_drink(&by_hand).unwrap().is_some());
        let drinks = journal.drinks().unwrap();
        assert_eq!(drinks.len(), 3);
        assert_eq!(
            drinks[2],
            Drink {
                id: first,
                ..from_step
            }
        );
        // Deleting the session takes its drink with it.
        assert!(journal.delete(Entry::Session(id)).unwrap());
        assert_eq!(journal.drinks().unwrap().len(), 2);
        assert!(journal.delete(Entry::Drink(drinks[0].id.unwrap())).unwrap());
        assert_eq!(journal.drinks().unwrap().len(), 1);
        assert_eq!(Entry::parse("D12"), Some(Entry::Drink(12)));
        assert_eq!(Entry::Drink(12).to_string(), "d12");
    }

    #[test]
    fn a_journal_from_a_newer_nocturne_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        drop(Journal::open(&path).unwrap());
        Connection::open(&path)
            .unwrap()
            .pragma_update(None, "user_version", 99)
            .unwrap();
        let before = std::fs::read(&path).unwrap();
        let Err(e @ Error::Newer { .. }) = Journal::open(&path) else {
            panic!("a newer journal must be refused");
        };
        let message = e.to_string();
        assert!(
            message.contains("written by a newer nocturne (schema 99"),
            "{message}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }
}
