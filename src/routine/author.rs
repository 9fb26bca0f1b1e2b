//! Making routines your own: `nocturne new` starts one from a commented
//! template or a copy, `nocturne edit` opens one in the user's editor and
//! checks it when the editor closes. An invalid routine is never left in
//! place unless the user chooses so.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::catalog::{self, BUNDLED};
use super::load::{SoundFiles, load_file};
use crate::error::{Error, Result};
use crate::schema;

/// The schema file written beside the user's routines, which the
/// `#:schema` line of each routine points to.
pub const SCHEMA_FILE: &str = "routine.schema.json";

/// A new routine: every field, explained, with one example step.
pub const TEMPLATE: &str = r#"#:schema ./routine.schema.json
# A nocturne routine. Check it with `nocturne check NAME`; preview it with
# `nocturne show NAME` or `nocturne run NAME --speed 30`. Every field is
# described in the README; lines starting with # are comments.

name = "My evening stretches"      # the title you will see
description = "A few gentle stretches before bed"
# source = "My physiotherapist"    # where the routine comes from
lead_in = "10s"                    # get-ready countdown before the first step
# volume = 30                      # loudness of the sound cues, 0 to 100
# notifications = "steps"          # all | steps | session | off

[[steps]]
name = "Wall calf stretch"
kind = "stretch"       # stretch | massage | heat | walk | hydrate | rest
hold = "20s"           # one repetition: "10s", "1m30s", or whole seconds
reps = 3               # repetitions per side, 1 to 100
relax = "10s"          # between repetitions
sides = "both"         # both (left, then right) | left | right | none
switch = "5s"          # time to change sides
rest = "10s"           # after the step
# optional = true      # shown as optional
instructions = """
Hands on the wall, one foot back, heel down. Lean in until the calf pulls
firmly but comfortably."""

# [[steps]]
# name = "Calf rub"
# kind = "massage"
# hold = "45s"
# sides = "both"
"#;

/// A routine's name must make a plain file name.
fn check_name(name: &str) -> Result<()> {
    let plain = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if plain {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "`{}` cannot be a routine's name; use letters, digits, - and _ (such as my-calves)",
            crate::diag::short(name)
        )))
    }
}

/// Writes the schema beside the user's routines, so editors find it.
fn write_schema(dir: &Path) -> Result<()> {
    let path = dir.join(SCHEMA_FILE);
    let text = schema::text_of(&schema::routine());
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&path, text).map_err(io_failed("write", &path))?;
    }
    Ok(())
}

/// The text a routine starts from: the template, or a copy of `from`.
fn starting_text(from: Option<&str>, user_dir: &Path) -> Result<String> {
    let Some(from) = from else {
        return Ok(TEMPLATE.to_owned());
    };
    let (_, origin) = catalog::find(from, Some(user_dir), SoundFiles::Named)?;
    match origin.path() {
        Some(path) => std::fs::read_to_string(path).map_err(io_failed("read", path)),
        None => Ok(BUNDLED
            .iter()
            .find(|(id, _)| *id == from)
            .map(|(_, text)| (*text).to_owned())
            .unwrap_or_default()),
    }
}

/// `nocturne new NAME [--from ROUTINE]`; returns the new file's path.
pub fn new(name: &str, from: Option<&str>, user_dir: &Path) -> Result<PathBuf> {
    let name = name.strip_suffix(".toml").unwrap_or(name);
    check_name(name)?;
    let text = starting_text(from, user_dir)?;
    std::fs::create_dir_all(user_dir).map_err(io_failed("make", user_dir))?;
    let path = user_dir.join(format!("{name}.toml"));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::Usage(format!(
                "{} already exists; edit it with `nocturne edit {name}`, or choose another name",
                path.display()
            )),
            _ => io_failed("write", &path)(e),
        })?;
    file.write_all(text.as_bytes())
        .map_err(io_failed("write", &path))?;
    write_schema(user_dir)?;
    Ok(path)
}

/// The editor to use: $VISUAL, then $EDITOR, then the platform's own.
fn editor() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|e| !e.trim().is_empty())
        .unwrap_or_else(|| {
            if cfg!(windows) {
                "notepad".to_owned()
            } else if Path::new("/usr/bin/nano").exists() {
                "nano".to_owned()
            } else {
                "vi".to_owned()
            }
        })
}

fn open_editor(path: &Path) -> Result<()> {
    let editor = editor();
    // Through the shell, so an editor given with options ("code --wait")
    // works as it does at the prompt.
    let status = if cfg!(windows) {
        let mut parts = editor.split_whitespace();
        let program = parts.next().unwrap_or("notepad");
        Command::new(program).args(parts).arg(path).status()
    } else {
        Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("sh")
            .arg(path)
            .status()
    };
    match status {
        Ok(status) if status.success() => Ok(()),
        // As with `git commit`, an editor that quits with an error (vim's
        // `:cq`) means "never mind": the caller puts the file back.
        Ok(status) => Err(Error::Runtime(format!(
            "the editor ({editor}) stopped with {status}, so the change was not kept"
        ))),
        Err(e) => Err(Error::Runtime(format!(
            "cannot start the editor ({editor}): {why}",
            why = crate::util::io_reason(&e)
        ))),
    }
}

/// What `edit` did.
pub enum Edited {
    /// The routine checks out.
    Valid(PathBuf),
    /// The user kept an invalid routine on purpose.
    KeptInvalid(PathBuf),
    /// The change was discarded; the file is as it was.
    Discarded(PathBuf),
}

/// `nocturne edit NAME`. `ask` is how to ask "edit again or discard?"
/// (`None` without a terminal: an invalid edit is then discarded). The
/// edited file is checked as `check` does, its sound files by `files`.
pub fn edit(
    word: &str,
    user_dir: &Path,
    files: SoundFiles,
    color: crate::theme::Paint,
    mut ask: Option<&mut dyn BufRead>,
) -> Result<Edited> {
    let path = if catalog::is_path(word) {
        PathBuf::from(word)
    } else {
        check_name(word)?;
        user_dir.join(format!("{word}.toml"))
    };
    // What there was before, to put back exactly if the edit is discarded.
    let before = match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(_) if !catalog::is_path(word) => {
            let Some((_, text)) = BUNDLED.iter().find(|(id, _)| *id == word) else {
                return Err(Error::Usage(format!(
                    "there is no routine called `{word}` to edit; start one with `nocturne new {word}`",
                    word = crate::diag::short(word)
                )));
            };
            std::fs::create_dir_all(user_dir).map_err(io_failed("make", user_dir))?;
            std::fs::write(&path, text).map_err(io_failed("write", &path))?;
            eprintln!(
                "Copied the bundled {word} routine to {} to edit it.",
                path.display()
            );
            None
        }
        Err(e) => {
            return Err(Error::Usage(format!(
                "cannot read {}: {why}",
                path.display(),
                why = crate::util::io_reason(&e)
            )));
        }
    };
    // The schema goes beside the user's own routines only, never into a
    // folder that was merely named on the command line.
    if !catalog::is_path(word) {
        let _ = write_schema(user_dir);
    }
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let restore = |path: &Path| -> Result<()> {
        match &before {
            Some(bytes) => std::fs::write(path, bytes),
            None => std::fs::remove_file(path),
        }
        .map_err(|e| {
            Error::Runtime(format!(
                "cannot put {} back: {why}",
                path.display(),
                why = crate::util::io_reason(&e)
            ))
        })
    };
    loop {
        if let Err(e) = open_editor(&path) {
            restore(&path)?;
            return Err(e);
        }
        let report = match load_file(&path, &id, files) {
            Ok(_) => return Ok(Edited::Valid(path)),
            Err(report) => report,
        };
        eprint!("{}", report.render(color));
        let Some(input) = ask.as_deref_mut() else {
            restore(&path)?;
            return Ok(Edited::Discarded(path));
        };
        eprint!(
            "The routine has problems. Edit it again, keep it as it is, or discard your changes? [E/k/d]: "
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        let _ = input.read_line(&mut answer);
        match answer.trim().to_lowercase().as_str() {
            "k" | "keep" => return Ok(Edited::KeptInvalid(path)),
            "d" | "discard" => {
                restore(&path)?;
                return Ok(Edited::Discarded(path));
            }
            _ => {}
        }
    }
}

/// An I/O failure on `path`, in the user's words: "cannot write PATH: no
/// space left on the disk".
fn io_failed<'a>(doing: &'a str, path: &'a Path) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |e| {
        Error::Runtime(format!(
            "cannot {doing} {}: {}",
            path.display(),
            crate::util::io_reason(&e)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_a_valid_routine() {
        let routine = super::super::load::load("mine", TEMPLATE).unwrap();
        assert_eq!(routine.steps.len(), 1);
        assert!(TEMPLATE.starts_with("#:schema ./routine.schema.json\n"));
    }

    #[test]
    fn names_must_make_plain_file_names() {
        assert!(check_name("my-calves_2").is_ok());
        for bad in ["", "../x", "a b", "a/b", "x.toml.bak"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
