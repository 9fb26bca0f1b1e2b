//! `check`: routine files and the settings, every problem reported.

use std::path::Path;
use std::process::ExitCode;

use super::shared::{DECODED, print};
use crate::config::Config;
use crate::error::Result;
use crate::paths::Paths;
use crate::routine::catalog::{self, Origin};

/// `check` with no files: the settings and every routine of the user's.
fn check_everything(paths: &Paths, color: crate::theme::Paint) -> Result<ExitCode> {
    let mut invalid = 0;
    let mut said = String::new();
    let entries = catalog::entries(paths.routines_dir().as_deref(), DECODED);
    if let Some(file) = paths.config_file().filter(|f| f.exists()) {
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
                Err(crate::diag::FileReport {
                    path: file.display().to_string(),
                    text,
                    diagnostics,
                })
            }
        });
        match report {
            Ok(()) => said.push_str(&format!("{}: ok\n", file.display())),
            Err(report) => {
                invalid += 1;
                eprint!("{}", report.render(color));
            }
        }
    }
    for entry in entries.iter().filter(|e| e.origin != Origin::Bundled) {
        let path = entry
            .origin
            .path()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        match &entry.routine {
            Ok(_) if entry.shadowing => said.push_str(&format!(
                "{path}: ok (it replaces the bundled {} routine)\n",
                entry.id
            )),
            Ok(_) => said.push_str(&format!("{path}: ok\n")),
            Err(report) => {
                invalid += 1;
                eprint!("{}", report.render(color));
            }
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
