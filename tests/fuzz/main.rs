//! Replays the fuzz corpus (tests/fuzz/corpus/, made by tests/fuzz/mutate.py)
//! through the real binary: every mangled routine through `nocturne check
//! FILE`, every mangled settings file through `nocturne check` with the
//! file as config.toml, every mangled journal export through `nocturne
//! journal import FILE`. Whatever the input, nocturne must not panic, must
//! exit with 0 or 2, must keep every line of what it says short (a huge
//! value in the file is never quoted whole), and when it refuses a file
//! it names the file with line and column.

#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};

use common::{Home, repo, stderr, stdout};

/// The longest line nocturne may print about a file.
const LONGEST_LINE: usize = 200;

fn corpus(what: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo(&format!("tests/fuzz/corpus/{what}")))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// What is wrong with one run, if anything.
fn fault(input: &Path, shown_as: &Path, out: &std::process::Output) -> Option<String> {
    let said = stderr(out);
    let code = out.status.code();
    let name = input.file_name().unwrap().to_string_lossy();
    if said.contains("panicked") || code == Some(101) {
        return Some(format!("{name}: panicked\n{said}"));
    }
    if !matches!(code, Some(0 | 2)) {
        return Some(format!("{name}: exit code {code:?}\n{said}"));
    }
    // What `check` prints on standard output is its verdicts, and a file
    // it accepts is accepted without a word on standard error.
    let printed = stdout(out);
    if let Some(line) = printed.lines().find(|l| !l.ends_with(": ok")) {
        return Some(format!("{name}: printed {line:?}"));
    }
    if code == Some(0) && !said.is_empty() {
        return Some(format!("{name}: accepted, yet said\n{said}"));
    }
    if let Some(line) = said.lines().find(|l| l.chars().count() > LONGEST_LINE) {
        return Some(format!(
            "{name}: a line of {} characters: {}…",
            line.chars().count(),
            line.chars().take(120).collect::<String>()
        ));
    }
    if code == Some(2) {
        let place = format!("--> {}:", shown_as.display());
        let has_place = said.lines().any(|l| {
            l.trim_start().strip_prefix(&place).is_some_and(|rest| {
                let mut parts = rest.split(':');
                let number = |p: Option<&str>| {
                    p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                };
                number(parts.next()) && number(parts.next())
            })
        });
        if !has_place {
            return Some(format!("{name}: no file:line:col in\n{said}"));
        }
    }
    None
}

#[test]
fn no_mangled_routine_makes_check_panic_or_ramble() {
    let files = corpus("routine");
    assert!(files.len() >= 50, "the routine corpus is there");
    let home = Home::new();
    let mut faults = Vec::new();
    let mut refused = 0;
    for file in &files {
        let out = home.nocturne().arg("check").arg(file).output().unwrap();
        refused += usize::from(out.status.code() == Some(2));
        faults.extend(fault(file, file, &out));
    }
    assert!(faults.is_empty(), "{}", faults.join("\n\n"));
    // Most of the corpus is broken on purpose.
    assert!(refused * 2 > files.len(), "{refused} of {}", files.len());
}

#[test]
fn no_mangled_settings_file_makes_check_panic_or_ramble() {
    let files = corpus("config");
    assert!(files.len() >= 20, "the settings corpus is there");
    let home = Home::new();
    let config = home.config().join("config.toml");
    std::fs::create_dir_all(home.config()).unwrap();
    let mut faults = Vec::new();
    let mut refused = 0;
    for file in &files {
        std::fs::copy(file, &config).unwrap();
        let out = home.nocturne().arg("check").output().unwrap();
        refused += usize::from(out.status.code() == Some(2));
        faults.extend(fault(file, &config, &out));
        // Settings that check out are put to use as well.
        if out.status.success() {
            for args in [&["remind", "list"][..], &["remind", "next", "--count", "5"]] {
                let used = home.nocturne().args(args).output().unwrap();
                // Their answer is on standard output; nothing else is said.
                if !used.status.success() || !stderr(&used).is_empty() {
                    faults.push(format!(
                        "{}: `{}` failed\n{}",
                        file.display(),
                        args.join(" "),
                        stderr(&used)
                    ));
                }
            }
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n\n"));
    assert!(refused * 2 > files.len(), "{refused} of {}", files.len());
}

#[test]
fn no_mangled_export_makes_import_panic_ramble_or_half_write() {
    let files = corpus("import");
    assert!(files.len() >= 20, "the export corpus is there");
    let home = Home::new();
    let journal = home.data().join("nocturne").join("journal.sqlite");
    let mut faults = Vec::new();
    let mut refused = 0;
    for file in &files {
        // Each into an empty journal.
        let _ = std::fs::remove_dir_all(home.data());
        let out = home
            .nocturne()
            .args(["journal", "import"])
            .arg(file)
            .output()
            .unwrap();
        let said = stderr(&out);
        let name = file.file_name().unwrap().to_string_lossy();
        refused += usize::from(out.status.code() == Some(2));
        if out.status.code() == Some(0) {
            // What it said it added is what the journal holds.
            if !(said.starts_with("Added ") || said.starts_with("Nothing to add")) {
                faults.push(format!("{name}: accepted, yet said\n{said}"));
            }
        } else {
            faults.extend(fault(file, file, &out));
            // Refused whole: nothing was written.
            let export = home
                .nocturne()
                .args(["journal", "export", "--format", "json"])
                .output()
                .unwrap();
            if stdout(&export) != "{\n  \"sessions\": [],\n  \"cramps\": [],\n  \"drinks\": []\n}\n"
            {
                faults.push(format!(
                    "{name}: refused, yet the journal holds\n{}",
                    stdout(&export)
                ));
            }
            if out.status.code() == Some(2) && !said.contains("Nothing was imported") {
                faults.push(format!("{name}: refused without saying so\n{said}"));
            }
        }
        let _ = &journal;
    }
    assert!(faults.is_empty(), "{}", faults.join("\n\n"));
    assert!(refused * 2 > files.len(), "{refused} of {}", files.len());
}
