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
    assert_eq!((stretched, relief, done), (38, 2, 35));
    assert_eq!(sessions, stretched + relief);
    assert_eq!(cramps, 18);
    assert_eq!(drinks, by_hand as usize + done);
    assert_eq!(counts(), [40, 18, 94]);
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
            "error: cannot read it: no such file\n  --> {}\n\nNothing was imported; the journal is \
             as it was.\n",
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

/// Last night, in UTC, as the binary reads the clock: the morning still
/// belongs to the night before.
#[allow(clippy::disallowed_methods)]
fn last_night() -> jiff::civil::Date {
    let now = jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC);
    let tonight = if now.hour() < 12 {
        now.date().yesterday().unwrap()
    } else {
        now.date()
    };
    tonight.yesterday().unwrap()
}

#[test]
fn the_stats_of_the_made_up_journal_say_what_it_shows() {
    let home = Home::new();
    let mut text = serde_json::to_string_pretty(&trial::journal_ending(last_night())).unwrap();
    text.push('\n');
    let file = home.write("backup.json", &text);
    home.test()
        .args(["journal", "import"])
        .arg(&file)
        .stderr_starts("Added 40 sessions, 18 cramps and 94 drinks from ")
        .run();
    let page = home
        .test()
        .env("TZ", "UTC")
        .args(["stats", "--weeks", "10"])
        .stdout_has("Streak:")
        .run()
        .stdout;
    // The nights of the made-up journal, counted from its first.
    let first = last_night()
        .checked_sub(jiff::Span::new().days(55))
        .unwrap();
    let night = |n: i64| {
        first
            .checked_add(jiff::Span::new().days(n))
            .unwrap()
            .strftime("%a %b %d")
            .to_string()
    };
    let short = |n: i64| {
        first
            .checked_add(jiff::Span::new().days(n))
            .unwrap()
            .strftime("%b %d")
            .to_string()
    };
    // Stretched on 35 of the last 42 nights; two weeks of four cramp
    // nights each before, one a week in the last two. Cramps on 7 of the
    // 35 nights after stretching, 11 of the 21 without (the 14 nights
    // before and 7 in the six weeks): Newcombe's interval for 0.200 -
    // 0.524 is -0.54 to -0.07. Two or more drinks on 33 evenings (8 with
    // cramps), fewer on 23 (10): -0.42 to 0.05, which spans no difference.
    let expected = format!(
        "Six weeks done: you began on {began}. In the last six weeks you stretched 35
  of 42 nights (missed 7: {m1}, {m2}, {m3} and 4 earlier).
Before and after: cramps on 4.0 nights a week in the two weeks before you began,
  1.0 in the last two weeks.

With and without, {from} to {to} (56 nights)
Stretching: cramps on 7 of 35 nights after stretching, 11 of 21 without.
  after stretching  ████████                                    20%
  without           ██████████████████████                      52%
Nights after stretching had fewer cramps: 32 fewer in every 100 nights, or
  between 7 and 54 fewer allowing for chance (95% interval). A gap this size is
  unlikely to be chance alone.
Drinks: cramps on 8 of 33 nights after 2 or more drinks, 10 of 23 after fewer.
  after 2 or more drinks  ██████████                                  24%
  after fewer             ██████████████████                          43%
Nights after 2 or more drinks had fewer cramps (19 fewer in every 100 nights),
  but the difference could be chance: allowing for it (95% interval), anywhere
  from 42 fewer to 5 more in every 100 nights.
This is your own record, not a medical finding. Nights differ in many ways, so
  it shows what went together, not why.
",
        began = night(14),
        m1 = night(34),
        m2 = night(44),
        m3 = night(54),
        from = short(0),
        to = short(55),
    );
    assert!(
        page.contains(&expected),
        "expected:\n{expected}\nin:\n{page}"
    );
    // The comparison never claims that one thing caused another.
    let compared = expected.to_lowercase();
    for word in ["prevent", "cause", "works", "because", "helps"] {
        assert!(!compared.contains(word), "{word}:\n{expected}");
    }
    // The swollen thighs of the second week are worth a doctor's visit.
    assert!(
        page.contains("Worth discussing with a doctor:\n- The cramp of "),
        "{page}"
    );
}
