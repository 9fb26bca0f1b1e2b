//! Every routine the user can call by name: those bundled in the binary and
//! the user's own files, where a user file with a bundled name wins.

use std::path::{Path, PathBuf};

use super::Routine;
use super::load::{SoundFiles, load, load_file};
use crate::diag::{FileReport, closest};
use crate::error::{Error, Result};

/// The routines compiled into the binary, by the name they are called by.
pub const BUNDLED: &[(&str, &str)] = &[
    ("nightly", include_str!("../../routines/nightly.toml")),
    (
        "nightly-seated",
        include_str!("../../routines/nightly-seated.toml"),
    ),
    ("wind-down", include_str!("../../routines/wind-down.toml")),
    ("cramp", include_str!("../../routines/cramp.toml")),
];

/// The routine run when none is named and the settings name none.
pub const DEFAULT: &str = "nightly";

/// Where a routine came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Bundled,
    /// A file in the user's routines folder.
    User(PathBuf),
    /// A file named by its path on the command line.
    File(PathBuf),
}

impl Origin {
    pub fn path(&self) -> Option<&Path> {
        match self {
            Origin::Bundled => None,
            Origin::User(path) | Origin::File(path) => Some(path),
        }
    }
}

/// One line of the catalogue.
#[derive(Debug)]
pub struct Entry {
    pub id: String,
    pub origin: Origin,
    pub routine: Result<Routine, FileReport>,
    /// For a bundled routine: a user file of the same name hides it.
    /// For a user routine: it hides a bundled one.
    pub shadowing: bool,
}

/// Whether a command-line word names a file rather than a routine.
pub fn is_path(word: &str) -> bool {
    word.ends_with(".toml") || word.contains('/') || word.contains(std::path::MAIN_SEPARATOR)
}

/// Loads a bundled routine. The tests check every one, so an error here
/// would be a fault in this build; it is still reported, never a panic.
pub fn bundled(id: &str) -> Option<Result<Routine, FileReport>> {
    let (_, text) = BUNDLED.iter().find(|(name, _)| *name == id)?;
    Some(load(id, text).map_err(|diagnostics| FileReport {
        path: format!("routines/{id}.toml (bundled)"),
        text: (*text).to_owned(),
        diagnostics,
    }))
}

/// Finds a routine by name or path: a path is read as it is; a name is
/// looked up among the user's routines first, then the bundled ones.
pub fn find(word: &str, user_dir: Option<&Path>, files: SoundFiles) -> Result<(Routine, Origin)> {
    if is_path(word) {
        let path = PathBuf::from(word);
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| word.to_owned());
        let routine = load_file(&path, &id, files)?;
        return Ok((routine, Origin::File(path)));
    }
    if let Some(dir) = user_dir {
        let path = dir.join(format!("{word}.toml"));
        if path.exists() {
            let routine = load_file(&path, word, files)?;
            return Ok((routine, Origin::User(path)));
        }
    }
    if let Some(routine) = bundled(word) {
        return Ok((routine?, Origin::Bundled));
    }

    let mut names = user_names(user_dir);
    names.extend(BUNDLED.iter().map(|(id, _)| (*id).to_owned()));
    let hint = match closest(word, names.iter().map(String::as_str)) {
        Some(near) => format!("did you mean `{near}`? "),
        None => String::new(),
    };
    Err(Error::Usage(format!(
        "there is no routine called `{}`; {hint}`nocturne list` shows them all",
        crate::diag::short(word)
    )))
}

/// Every routine, bundled and the user's, sorted by name; a broken user
/// file is listed with its problem rather than hiding the rest.
pub fn entries(user_dir: Option<&Path>, files: SoundFiles) -> Vec<Entry> {
    let users = user_names(user_dir);
    let mut entries: Vec<Entry> = BUNDLED
        .iter()
        .filter_map(|(id, _)| {
            Some(Entry {
                id: (*id).to_owned(),
                origin: Origin::Bundled,
                routine: bundled(id)?,
                shadowing: users.iter().any(|u| u == id),
            })
        })
        .collect();
    if let Some(dir) = user_dir {
        for id in users {
            let path = dir.join(format!("{id}.toml"));
            entries.push(Entry {
                routine: load_file(&path, &id, files),
                shadowing: BUNDLED.iter().any(|(b, _)| *b == id),
                origin: Origin::User(path),
                id,
            });
        }
    }
    entries.sort_by(|a, b| {
        (a.id.as_str(), a.origin != Origin::Bundled)
            .cmp(&(b.id.as_str(), b.origin != Origin::Bundled))
    });
    entries
}

/// The names of the `.toml` files in the user's routines folder. A folder
/// that does not exist simply holds none.
fn user_names(user_dir: Option<&Path>) -> Vec<String> {
    let Some(dir) = user_dir else {
        return Vec::new();
    };
    let Ok(listing) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = listing
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .collect();
    names.sort();
    names
}
