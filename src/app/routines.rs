//! The routine commands: list, show, new, edit and schema.

use std::io;
use std::process::ExitCode;

use super::shared::{DECODED, find, print, routines_dir, settings, table};
use crate::config::Config;
use crate::error::Result;
use crate::journal;
use crate::paths::Paths;
use crate::plan::{Plan, plan};
use crate::routine::catalog::{self, Entry, Origin};
use crate::routine::load::SoundFiles;
use crate::util::{clock, human};

/// `list`: every routine, as a table.
pub fn list(paths: &Paths) -> Result<ExitCode> {
    print(&listing(paths))
}

/// `list --names`: only the names, one a line, for shell completion.
pub fn names(paths: &Paths) -> Result<ExitCode> {
    let mut names: Vec<String> =
        catalog::entries(paths.routines_dir().as_deref(), SoundFiles::Named)
            .into_iter()
            .map(|e| e.id)
            .collect();
    names.dedup();
    print(&format!("{}\n", names.join("\n")))
}

/// `new`: writes a routine of the user's and prints its path.
pub fn new(paths: &Paths, name: &str, from: Option<&str>) -> Result<ExitCode> {
    let dir = routines_dir(paths)?;
    let path = crate::routine::author::new(name, from, &dir)?;
    let id = name.strip_suffix(".toml").unwrap_or(name);
    if catalog::BUNDLED.iter().any(|(b, _)| *b == id) {
        eprintln!(
            "note: it takes the place of the bundled {id} routine; delete the file to have \
             that one back"
        );
    }
    print(&format!("{}\n", path.display()))
}

/// `edit`: the user's editor, then a check of what it left.
pub fn edit(paths: &Paths, routine: &str, color: crate::theme::Paint) -> Result<ExitCode> {
    use crate::routine::author::{Edited, edit};
    let dir = routines_dir(paths)?;
    let mut stdin = io::stdin().lock();
    let ask: Option<&mut dyn io::BufRead> = if journal::can_ask() {
        Some(&mut stdin)
    } else {
        None
    };
    match edit(routine, &dir, DECODED, color, ask)? {
        Edited::Valid(path) => {
            eprintln!("{}: ok", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Edited::KeptInvalid(path) => {
            eprintln!(
                "Kept {} with its problems; `nocturne check` shows them.",
                path.display()
            );
            Ok(ExitCode::from(2))
        }
        Edited::Discarded(path) => {
            eprintln!("Discarded the change; {} is as it was.", path.display());
            Ok(ExitCode::from(2))
        }
    }
}

/// `schema`: the JSON Schema of routine files, or of the settings.
pub fn schema(routine: bool) -> Result<ExitCode> {
    let schema = if routine {
        crate::schema::routine()
    } else {
        crate::schema::config()
    };
    print(&crate::schema::text_of(&schema))
}

/// `show`: a routine's timed plan. The settings are read only to know
/// the default routine.
pub fn show(paths: &Paths, routine: Option<&str>) -> Result<ExitCode> {
    let config = if routine.is_some() {
        Config::default()
    } else {
        settings(paths)?
    };
    let (routine, origin) = find(paths, routine, &config, SoundFiles::Named)?;
    print(&timed_plan(&plan(routine), &origin))
}

fn origin_word(entry: &Entry) -> &'static str {
    match (&entry.origin, entry.shadowing) {
        (Origin::Bundled, false) => "bundled",
        (Origin::Bundled, true) => "bundled (hidden by yours)",
        (_, false) => "yours",
        (_, true) => "yours (replaces bundled)",
    }
}

fn listing(paths: &Paths) -> String {
    let entries = catalog::entries(paths.routines_dir().as_deref(), SoundFiles::Named);
    let rows: Vec<[String; 4]> = entries
        .iter()
        .map(|entry| {
            let (length, about) = match &entry.routine {
                Ok(routine) => (
                    clock(routine.length()),
                    routine.description.lines().next().unwrap_or("").to_owned(),
                ),
                Err(_) => (
                    "-".to_owned(),
                    format!(
                        "invalid: see `nocturne check {}`",
                        entry
                            .origin
                            .path()
                            .map_or(String::new(), |p| p.display().to_string())
                    ),
                ),
            };
            [
                entry.id.clone(),
                origin_word(entry).to_owned(),
                length,
                about,
            ]
        })
        .collect();
    let mut out = table(
        &["NAME", "FROM", "LENGTH", "ABOUT"],
        &rows,
        &[false, false, true, false],
    );
    if let Some(dir) = paths.routines_dir() {
        out.push_str(&format!("\nYour routines live in {}\n", dir.display()));
    }
    out
}

fn timed_plan(plan: &Plan, origin: &Origin) -> String {
    let routine = &plan.routine;
    let from = match origin {
        Origin::Bundled => "bundled".to_owned(),
        Origin::User(path) | Origin::File(path) => path.display().to_string(),
    };
    let mut out = format!("{} ({}, {from})\n", routine.name, routine.id);
    if !routine.description.is_empty() {
        out.push_str(&format!("{}\n", routine.description));
    }
    if let Some(source) = &routine.source {
        out.push_str(&format!("Source: {source}\n"));
    }
    out.push('\n');

    let rows: Vec<[String; 6]> = plan
        .segments
        .iter()
        .map(|segment| {
            let step = plan.step(segment);
            [
                clock(segment.offset),
                human(segment.duration),
                plan.action(segment).to_owned(),
                step.name.clone(),
                segment.side.map_or(String::new(), |s| s.to_string()),
                if step.reps > 1 {
                    format!("{}/{}", segment.rep, step.reps)
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    out.push_str(&table(
        &["START", "LENGTH", "DO", "STEP", "SIDE", "REP"],
        &rows,
        &[true, true, false, false, false, false],
    ));
    out.push_str(&format!(
        "\nTotal {} in {} segments, {} steps\n",
        clock(plan.total),
        plan.segments.len(),
        routine.steps.len()
    ));
    out
}
