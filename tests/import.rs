//! `nocturne journal import`: a made-up journal of eight weeks goes in,
//! comes back out the same, goes in again without adding anything; a dry
//! run writes nothing; a damaged file is refused whole, naming the record
//! and the field, and the journal is left as it was.

#![allow(clippy::unwrap_used)]

mod common;

use common::{Home, trial};

/// The journal of `home` as `journal export --format json` writes it.
fn export(home: &Home) -> String {
    home.test()
        .args(["journal", "export", "--format", "json"])
        .stdout_starts("{")
        .run()
        .stdout
}

/// What an empty journal exports.
const EMPTY: &str = "{\n  \"sessions\": [],\n  \"cramps\": [],\n  \"drinks\": []\n}\n";

/// How many sessions, cramps and drinks the made-up journal holds.
fn counts() -> [usize; 3] {
    let journal = trial::journal();
    ["sessions", "cramps", "drinks"].map(|kind| journal[kind].as_array().unwrap().len())
}

#[test]
fn the_made_up_journal_is_as_its_table_says() {
    let [sessions, cramps, drinks] = counts();
    let stretched: usize = trial::WEEKS
        .iter()
        .map(|w| w.stretched.matches(['S', 'E']).count())
        .sum();
    let relief: usize = trial::WEEKS
        .iter()
        .map(|w| w.cramps.matches('C').count())
        .sum();
    let done: usize = trial::WEEKS
        .iter()
        .map(|w| w.stretched.matches('S').count())
        .sum();
    let by_hand: u32 = trial::WEEKS
        .iter()
        .flat_map(|w| w.drinks.chars())
        .map(|c| c.to_digit(10).unwrap())
        .sum();
    assert_eq!((stretched, relief, done), (46, 3, 43));
    assert_eq!(sessions, stretched + relief);
    assert_eq!(cramps, 16);
    assert_eq!(drinks, by_hand as usize + done);
    assert_eq!(counts(), [49, 16, 102]);
    assert_eq!(trial::text(), trial::text());
}

#[test]
fn an_export_goes_in_and_comes_out_the_same() {
    let [sessions, cramps, drinks] = counts();
    let total = sessions + cramps + drinks;
    let old = Home::new();
    let file = old.write("backup.json", &trial::text());
    old.test()
        .args(["journal", "import"])
        .arg(&file)
        .stderr(format!(
            "Added {sessions} sessions, {cramps} cramps and {drinks} drinks from {}.\n",
            file.display()
        ))
        .run();
    let a = export(&old);
    // Numbered as the journal numbers them, the made-up journal is what
    // the journal gives back.
    assert_eq!(a, trial::text());

    // On a new machine: the export imported into an empty journal, and
    // exported again.
    let new = Home::new();
    let moved = new.write("moved.json", &a);
    new.test()
        .args(["journal", "import"])
        .arg(&moved)
        .stderr_starts(format!("Added {sessions} sessions, "))
        .run();
    let b = export(&new);
    assert_eq!(a, b);

    // The same file again adds nothing.
    old.test()
        .args(["journal", "import"])
        .arg(&file)
        .stderr(format!(
            "Nothing to add: all {total} records in {} are already in the journal.\n",
            file.display()
        ))
        .run();
    assert_eq!(export(&old), a);
}

#[test]
fn a_dry_run_says_what_would_be_added_and_writes_nothing() {
    let [sessions, cramps, drinks] = counts();
    let home = Home::new();
    let file = home.write("backup.json", &trial::text());
    home.test()
        .args(["journal", "import", "--dry-run"])
        .arg(&file)
        .stderr(format!(
            "Would add {sessions} sessions, {cramps} cramps and {drinks} drinks from {}; \
             nothing was written (--dry-run).\n",
            file.display()
        ))
        .run();
    assert!(!home.data().join("journal.sqlite").exists());
    assert_eq!(export(&home), EMPTY);

    // Against a journal that holds part of it: only the rest is counted.
    let mut part = trial::journal();
    part["cramps"] = serde_json::json!([]);
    let part = home.write("part.json", &serde_json::to_string_pretty(&part).unwrap());
    home.test()
        .args(["journal", "import"])
        .arg(&part)
        .stderr_starts("Added ")
        .run();
    let before = export(&home);
    home.test()
        .args(["journal", "import", "--dry-run"])
        .arg(&file)
        .stderr(format!(
            "Would add 0 sessions, {cramps} cramps and 0 drinks from {} ({} are already in \
             the journal); nothing was written (--dry-run).\n",
            file.display(),
            sessions + drinks
        ))
        .run();
    assert_eq!(export(&home), before);
}

#[test]
fn a_damaged_file_is_refused_whole_and_the_journal_left_as_it_was() {
    let home = Home::new();
    let file = home.write("backup.json", &trial::text());
    home.test()
        .args(["journal", "import"])
        .arg(&file)
        .stderr_starts("Added ")
        .run();
    let before = export(&home);

    // One bad field, late in the file, after many good records.
    let mut journal = trial::journal();
    journal["cramps"][5]["pain"] = serde_json::json!(14);
    let at = journal["cramps"][5]["at"].as_str().unwrap().to_owned();
    journal["drinks"][0]["amount_ml"] = serde_json::json!(1);
    let text = serde_json::to_string_pretty(&journal).unwrap();
    let line = text[..text.find("\"pain\": 14").unwrap()].lines().count();
    let pad = " ".repeat(line.to_string().len());
    let bad = home.write("bad.json", &text);
    home.test()
        .args(["journal", "import"])
        .arg(&bad)
        .status(2)
        .stderr(format!(
            "error: cramp 6 (at {at}): \"pain\" is 14; it is a whole number from 0 to 10, or null\n\
             {pad}--> {}:{line}:15\n\
             {pad} |\n\
             {line} |       \"pain\": 14,\n\
             {pad} |               ^^\n\
             \n\
             Nothing was imported; the journal is as it was.\n",
            bad.display()
        ))
        .run();
    assert_eq!(export(&home), before);

    // Into an empty journal: not even the good records before it go in.
    let empty = Home::new();
    empty
        .test()
        .args(["journal", "import"])
        .arg(&bad)
        .status(2)
        .stderr_has("\"pain\" is 14")
        .run();
    assert!(!empty.data().join("journal.sqlite").exists());
}

#[test]
fn files_that_are_not_exports_are_told_apart() {
    let home = Home::new();
    let missing = home.path("nowhere.json");
    home.test()
        .args(["journal", "import"])
        .arg(&missing)
        .status(2)
        .stderr(format!(
            "error: cannot read it: no such file\n  --> {}\n",
            missing.display()
        ))
        .run();
    let csv = home.write("journal.csv", "record,id,night,at\n");
    home.test()
        .args(["journal", "import"])
        .arg(&csv)
        .status(2)
        .stderr_has("error: this is a CSV export; an import reads the JSON export")
        .stderr_has("nocturne journal export --format json --output journal.json")
        .run();
    let cut = home.write("cut.json", &trial::text()[..2000]);
    home.test()
        .args(["journal", "import"])
        .arg(&cut)
        .status(2)
        .stderr_starts("error: this is not valid JSON: it ends too early (is the file cut short?)")
        .stderr_ends("Nothing was imported; the journal is as it was.\n")
        .run();
    // From standard input, as from another machine over ssh.
    let [sessions, cramps, drinks] = counts();
    home.test()
        .args(["journal", "import", "-"])
        .stdin(&trial::text())
        .stderr(format!(
            "Added {sessions} sessions, {cramps} cramps and {drinks} drinks from standard input.\n"
        ))
        .run();
    home.test()
        .args(["journal", "import", "-"])
        .stdin("{")
        .status(2)
        .stderr_has("--> standard input:1:2\n")
        .run();
    // An export from before drinks were kept.
    let old = home.write("old.json", "{\"sessions\": [], \"cramps\": []}");
    home.test()
        .args(["journal", "import"])
        .arg(&old)
        .stderr(format!(
            "Nothing to add: {} holds no records.\n",
            old.display()
        ))
        .run();
}
