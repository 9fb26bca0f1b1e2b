//! `check`: routine files and the settings, every problem reported.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::shared::{DECODED, print};
use crate::config::Config;
use crate::diag::FileReport;
use crate::error::Result;
use crate::paths::Paths;
use crate::routine::catalog::{self, Origin};

/// What `check` with no files finds: the settings file and the user's
/// routines, judged, before anything is printed.
pub struct Findings {
    /// The settings file, where there is one, and its problems if any.
    pub settings: Option<(PathBuf, Option<FileReport>)>,
    /// Each routine of the user's.
    pub routines: Vec<Checked>,
}

/// A routine of the user's, judged.
pub struct Checked {
    pub id: String,
    pub path: String,
    pub problems: Option<FileReport>,
    /// It replaces a bundled routine of the same name.
    pub shadowing: bool,
}

impl Findings {
    pub fn invalid(&self) -> usize {
        let settings = self
            .settings
            .iter()
            .filter(|(_, report)| report.is_some())
            .count();
        settings
            + self
                .routines
                .iter()
                .filter(|r| r.problems.is_some())
                .count()
    }
}

/// Judges the settings and every routine of the user's; prints nothing.
pub fn examine(paths: &Paths) -> Findings {
    let entries = catalog::entries(paths.routines_dir().as_deref(), DECODED);
    let settings = paths.config_file().filter(|f| f.exists()).map(|file| {
        let names: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
        let known = |word: &str| {
            if catalog::is_path(word) {
                Path::new(word).is_file()
            } else {
                names.contains(&word)
            }
        };
        let report = Config::load(&file).and_then(|_| {
            let text = crate::tomlfile::read(&file)?;
            let diagnostics = crate::config::missing_routines(&text, known, &names);
            if diagnostics.is_empty() {
                Ok(())
            } else {
                Err(FileReport {
                    path: file.display().to_string(),
                    text,
                    diagnostics,
                })
            }
        });
        (file, report.err())
    });
    let routines = entries
        .into_iter()
        .filter(|e| e.origin != Origin::Bundled)
        .map(|entry| {
            let path = entry
                .origin
                .path()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            Checked {
                id: entry.id,
                path,
                problems: entry.routine.err(),
                shadowing: entry.shadowing,
            }
        })
        .collect();
    Findings { settings, routines }
}

/// `check` with no files: the settings and every routine of the user's.
fn check_everything(paths: &Paths, color: crate::theme::Paint) -> Result<ExitCode> {
    let findings = examine(paths);
    let invalid = findings.invalid();
    let mut said = String::new();
    if let Some((file, report)) = &findings.settings {
        match report {
            None => said.push_str(&format!("{}: ok\n", file.display())),
            Some(report) => eprint!("{}", report.render(color)),
        }
    }
    for routine in &findings.routines {
        let path = &routine.path;
        match &routine.problems {
            None if routine.shadowing => said.push_str(&format!(
                "{path}: ok (it replaces the bundled {} routine)\n",
                routine.id
            )),
            None => said.push_str(&format!("{path}: ok\n")),
            Some(report) => eprint!("{}", report.render(color)),
        }
    }
    if said.is_empty() && invalid == 0 {
        let dir = paths
            .routines_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_default();
        said = format!("Nothing to check: no settings file, and no routines of yours in {dir}.\n");
    }
    print(&said)?;
    Ok(if invalid > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// `check`: the files or routines named, or everything of the user's.
pub fn check(paths: &Paths, words: &[String], color: crate::theme::Paint) -> Result<ExitCode> {
    if words.is_empty() {
        return check_everything(paths, color);
    }
    let mut invalid = 0;
    let mut ok = String::new();
    for word in words {
        match catalog::find(word, paths.routines_dir().as_deref(), DECODED) {
            Ok((_, origin)) => {
                let name = origin
                    .path()
                    .map_or(word.clone(), |p| p.display().to_string());
                ok.push_str(&format!("{name}: ok\n"));
            }
            Err(e) => {
                invalid += 1;
                print(&std::mem::take(&mut ok))?;
                eprint!("{}", e.render(color));
            }
        }
    }
    print(&ok)?;
    Ok(if invalid > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
