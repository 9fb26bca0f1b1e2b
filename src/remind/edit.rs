//! `remind add` and `remind remove`: they change the `[[reminders]]` of
//! config.toml and nothing else. Every comment, order and spacing the user
//! wrote stays byte for byte; a settings file that does not check out is
//! reported and left untouched; the new file replaces the old in one step,
//! so a crash leaves one or the other, never half of each.

use std::path::Path;

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, value};

use crate::config::Config;
use crate::config::rules::{Reminder, Schedule, clock};
use crate::diag::FileReport;
use crate::error::{Error, Result};
use crate::tomlfile;

/// What `remind add` was asked for, already checked.
#[derive(Debug, Clone)]
pub struct Addition {
    pub reminder: Reminder,
    /// The days as the user wrote them, kept as written; `None` for every
    /// day.
    pub days: Option<String>,
}

/// The settings' current text, checked; an empty text where there is no
/// file yet.
fn current(path: &Path) -> Result<String> {
    if !path.exists() {
        return Ok(String::new());
    }
    let text = tomlfile::read(path)?;
    Config::parse(&text).map_err(|diagnostics| FileReport {
        path: path.display().to_string(),
        text: text.clone(),
        diagnostics,
    })?;
    Ok(text)
}

fn document(path: &Path, text: &str) -> Result<DocumentMut> {
    text.parse::<DocumentMut>()
        .map_err(|e| Error::Runtime(format!("cannot edit {}: {e}", path.display())))
}

/// The schema file written beside a new config.toml, which its
/// `#:schema` line points to.
pub const SCHEMA_FILE: &str = "config.schema.json";

/// The first line of a config.toml that `remind add` makes: editors with a
/// TOML language server then check the settings as they are typed.
pub const SCHEMA_LINE: &str = "#:schema ./config.schema.json\n";

/// Adds a reminder at the end of the list.
pub fn add(path: &Path, addition: &Addition) -> Result<usize> {
    let new_file = !path.exists();
    let text = current(path)?;
    let mut doc = document(path, &text)?;

    let reminder = &addition.reminder;
    let mut table = Table::new();
    match reminder.schedule {
        Schedule::At(at) => {
            table["at"] = value(clock(at));
        }
        Schedule::Every { every, from, until } => {
            table["every"] = value(crate::util::human(every.unsigned_abs()));
            table["from"] = value(clock(from));
            table["until"] = value(clock(until));
        }
    }
    if let Some(days) = &addition.days {
        table["days"] = value(days.as_str());
    }
    if let Some(routine) = &reminder.routine {
        table["routine"] = value(routine.as_str());
    }
    if let Some(message) = &reminder.message {
        table["message"] = value(message.as_str());
    }
    // A blank line before the new table, unless the file is empty; a new
    // file starts with the line that points editors to the schema.
    if new_file {
        table.decor_mut().set_prefix(SCHEMA_LINE);
    } else if !text.trim().is_empty() {
        table.decor_mut().set_prefix("\n");
    }

    let count = match doc.get_mut("reminders") {
        None => {
            let mut list = ArrayOfTables::new();
            list.push(table);
            doc.insert("reminders", Item::ArrayOfTables(list));
            1
        }
        Some(Item::ArrayOfTables(list)) => {
            list.push(table);
            list.len()
        }
        Some(_) => return Err(not_tables(path, "add")),
    };
    write(path, &text, &doc.to_string())?;
    if new_file {
        write_schema(path);
    }
    Ok(count)
}

/// Writes the settings' schema beside a new config.toml. The settings
/// work without it, so failing to write it is not an error.
pub fn write_schema(config: &Path) {
    let target = std::fs::canonicalize(config).unwrap_or_else(|_| config.to_owned());
    let Some(dir) = target.parent() else {
        return;
    };
    let path = dir.join(SCHEMA_FILE);
    if !path.exists() {
        let _ = std::fs::write(&path, crate::schema::text_of(&crate::schema::config()));
    }
}

/// Removes reminder `id` (counted from 1, in the file's order).
pub fn remove(path: &Path, id: usize) -> Result<Reminder> {
    let text = current(path)?;
    let config = Config::parse(&text).unwrap_or_default();
    let Some(removed) = id
        .checked_sub(1)
        .and_then(|i| config.reminders.get(i))
        .cloned()
    else {
        return Err(Error::Usage(format!(
            "there is no reminder {id}; `nocturne remind list` shows them ({} set)",
            config.reminders.len()
        )));
    };
    let mut doc = document(path, &text)?;
    match doc.get_mut("reminders") {
        Some(Item::ArrayOfTables(list)) => {
            // The `#:schema` line that `add` put above the first reminder
            // belongs to the file, not to that reminder: it stays.
            let schema_line = list
                .get(id - 1)
                .and_then(|t| t.decor().prefix())
                .and_then(|p| p.as_str())
                .and_then(|p| p.lines().find(|l| l.starts_with("#:schema")))
                .map(|l| format!("{l}\n"));
            list.remove(id - 1);
            if let Some(line) = &schema_line
                && let Some(next) = list.get_mut(id - 1)
            {
                let prefix = next
                    .decor()
                    .prefix()
                    .and_then(|p| p.as_str())
                    .unwrap_or("")
                    .to_owned();
                let prefix = prefix.trim_start_matches(['\r', '\n']);
                next.decor_mut().set_prefix(format!("{line}{prefix}"));
            }
            if list.is_empty() {
                doc.remove("reminders");
                if let Some(line) = schema_line {
                    let trailing = doc.trailing().as_str().unwrap_or("").to_owned();
                    doc.set_trailing(format!("{line}{trailing}"));
                }
            }
        }
        _ => return Err(not_tables(path, "remove")),
    }
    write(path, &text, &doc.to_string())?;
    Ok(removed)
}

/// Reminders written some other way (an inline array) are the user's to
/// edit.
fn not_tables(path: &Path, verb: &str) -> Error {
    Error::Usage(format!(
        "the reminders in {} are not written as [[reminders]] tables, so nocturne \
         will not rewrite them; {verb} this one by hand",
        path.display()
    ))
}

/// Checks the new text, then puts it in place of the old in one rename,
/// keeping the old file's permissions and line endings. A settings file
/// that is a link (to a dotfiles folder, say) stays a link: the file it
/// points to is the one replaced.
pub fn write(path: &Path, original: &str, text: &str) -> Result<()> {
    let crlf = original.contains("\r\n");
    let text = &if crlf {
        text.replace("\r\n", "\n").replace('\n', "\r\n")
    } else {
        text.to_owned()
    };
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned());
    let path = target.as_path();
    if let Err(problems) = Config::parse(text) {
        let report = FileReport {
            path: format!("{} (as it would become)", path.display()),
            text: text.to_owned(),
            diagnostics: problems,
        };
        return Err(Error::Runtime(format!(
            "the change would leave the settings invalid; nothing was written\n{}",
            report.render(false)
        )));
    }
    let failed = |e: std::io::Error| {
        Error::Runtime(format!(
            "cannot write {}: {}; it is unchanged",
            path.display(),
            crate::util::io_reason(&e)
        ))
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(failed)?;
    let name = path
        .file_name()
        .map_or("config.toml".into(), |n| n.to_string_lossy());
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = put(&temporary, text, path);
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result.map_err(failed)?;
    // The rename is on disk once the folder is; failing that only weakens
    // what survives a power cut, so it is not an error.
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// Writes `temporary` in full, on disk, then renames it over `path`.
fn put(temporary: &Path, text: &str, path: &Path) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(temporary)?;
    file.write_all(text.as_bytes())?;
    if let Ok(old) = std::fs::metadata(path) {
        file.set_permissions(old.permissions())?;
    }
    file.sync_all()?;
    drop(file);
    std::fs::rename(temporary, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::civil::parse_clock;
    use crate::config::rules::{DEFAULT_GRACE, Days};

    const MINE: &str = "# my settings, as I like them\nvolume   =  25   # quiet!\n\n[[reminders]]\n# bedtime\nat = \"22:15\"\ndays = [ \"mon-fri\" ]\n\n[[reminders]]\nevery = \"45m\"   # water\nfrom = \"18:00\"\nuntil = \"21:30\"\n";

    fn at_nine() -> Addition {
        Addition {
            reminder: Reminder {
                schedule: Schedule::At(parse_clock("21:00").unwrap()),
                days: Days::parse(["sat", "sun"]).unwrap(),
                routine: Some("wind-down".into()),
                message: Some("Weekend wind-down".into()),
                grace: DEFAULT_GRACE,
            },
            days: Some("sat, sun".into()),
        }
    }

    #[test]
    fn adding_keeps_every_byte_the_user_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, MINE).unwrap();
        assert_eq!(add(&path, &at_nine()).unwrap(), 3);
        let after = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            after,
            format!(
                "{MINE}\n[[reminders]]\nat = \"21:00\"\ndays = \"sat, sun\"\nroutine = \"wind-down\"\nmessage = \"Weekend wind-down\"\n"
            )
        );
        assert_eq!(Config::parse(&after).unwrap().reminders.len(), 3);
    }

    #[test]
    fn removing_takes_out_that_table_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(&path, MINE).unwrap();
        let removed = remove(&path, 1).unwrap();
        assert_eq!(removed.to_string(), "at 22:15, mon-fri");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "# my settings, as I like them\nvolume   =  25   # quiet!\n\n[[reminders]]\nevery = \"45m\"   # water\nfrom = \"18:00\"\nuntil = \"21:30\"\n"
        );
        assert!(matches!(remove(&path, 5), Err(Error::Usage(_))));
    }

    #[test]
    fn a_broken_file_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let broken = "volume = 25\n[[reminders]]\nat = \"25:00\"\n";
        std::fs::write(&path, broken).unwrap();
        let Err(Error::File(report)) = add(&path, &at_nine()) else {
            panic!("a broken file must be reported");
        };
        assert_eq!(
            report.diagnostics[0].message,
            "`at` of reminder 1 is not a clock time"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
        assert!(remove(&path, 1).is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
    }

    #[test]
    fn windows_line_endings_stay_windows_line_endings() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        let mine = MINE.replace('\n', "\r\n");
        std::fs::write(&path, &mine).unwrap();
        add(&path, &at_nine()).unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(after.starts_with(&mine), "{after:?}");
        assert_eq!(after.matches('\n').count(), after.matches("\r\n").count());
        assert_eq!(Config::parse(&after).unwrap().reminders.len(), 3);
        remove(&path, 3).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), mine);
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_settings_file_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("dotfiles").join("nocturne.toml");
        std::fs::create_dir_all(real.parent().unwrap()).unwrap();
        std::fs::write(&real, MINE).unwrap();
        let path = dir.path().join("config.toml");
        std::os::unix::fs::symlink(&real, &path).unwrap();
        add(&path, &at_nine()).unwrap();
        assert!(path.symlink_metadata().unwrap().file_type().is_symlink());
        let after = std::fs::read_to_string(&real).unwrap();
        assert!(after.starts_with(MINE) && after.contains("Weekend wind-down"));
    }

    #[test]
    fn the_first_reminder_makes_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("config.toml");
        add(&path, &at_nine()).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("#:schema ./config.schema.json\n[[reminders]]\nat = \"21:00\""),
            "{text}"
        );
        // The schema the first line points to is beside it.
        let schema = std::fs::read_to_string(path.with_file_name(SCHEMA_FILE)).unwrap();
        assert_eq!(schema, crate::schema::text_of(&crate::schema::config()));
        // Removing the first reminder keeps the line.
        add(&path, &at_nine()).unwrap();
        remove(&path, 1).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("#:schema ./config.schema.json\n[[reminders]]\nat"),
            "{text}"
        );
        remove(&path, 1).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, "#:schema ./config.schema.json\n");
        // An existing file gets no such line.
        let mine = dir.path().join("mine.toml");
        std::fs::write(&mine, MINE).unwrap();
        add(&mine, &at_nine()).unwrap();
        assert!(!std::fs::read_to_string(&mine).unwrap().contains("#:schema"));
    }
}
