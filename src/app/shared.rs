//! Helpers the command families share: printing, the settings, the
//! folders and files, finding a routine, and plain tables.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::journal;
use crate::paths::Paths;
use crate::routine::Routine;
use crate::routine::catalog::{self, Origin};
use crate::routine::load::SoundFiles;
use crate::sound;

/// Prints to stdout; a reader that went away (`| head`) is not an error.
/// Names and paths come from the user's files, so control characters are
/// shown, never obeyed.
pub fn print(text: &str) -> Result<ExitCode> {
    print_styled(&crate::diag::clean(text))
}

/// Prints text whose escape sequences are nocturne's own colours.
pub fn print_styled(text: &str) -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(Error::Runtime(format!(
            "cannot write the output: {why}",
            why = crate::util::io_reason(&e)
        ))),
        _ => Ok(ExitCode::SUCCESS),
    }
}

/// The user's settings, or the defaults where there is no settings file.
pub fn settings(paths: &Paths) -> Result<Config> {
    match paths.config_file() {
        Some(file) => Ok(Config::load(&file)?),
        None => Ok(Config::default()),
    }
}

/// The settings, where a mistake in them should not stop what was asked
/// (a session at bedtime, a drink logged, the stats): the mistake is told
/// in one line, ending with `instead` ("this session uses the defaults"),
/// and the defaults are used.
pub fn forgiving_settings(paths: &Paths, instead: &str) -> Result<Config> {
    match settings(paths) {
        Err(Error::File(report)) => {
            eprintln!(
                "nocturne: the settings have an error, so {instead}: {} \
                 (`nocturne check` shows every problem)",
                report.first_problem()
            );
            Ok(Config::default())
        }
        other => other,
    }
}

pub fn journal_file(paths: &Paths) -> Result<PathBuf> {
    paths
        .data_file(journal::store::FILE)
        .ok_or_else(|| Error::Runtime("no folder for the journal could be found".to_owned()))
}

pub fn settings_file(paths: &Paths) -> Result<PathBuf> {
    paths
        .config_file()
        .ok_or_else(|| Error::Runtime("no folder for the settings could be found".to_owned()))
}

pub fn routines_dir(paths: &Paths) -> Result<PathBuf> {
    paths
        .routines_dir()
        .ok_or_else(|| Error::Runtime("no folder for your routines could be found".to_owned()))
}

/// `check`, `edit` and `run` make sure every sound file a routine names
/// decodes; listing and showing routines only read their text.
pub const DECODED: SoundFiles = SoundFiles::Checked(|path| {
    sound::load_file(path)
        .map(|_| ())
        .map_err(|e| e.to_string())
});

/// The routine named, or the default one.
pub fn find(
    paths: &Paths,
    word: Option<&str>,
    config: &Config,
    files: SoundFiles,
) -> Result<(Routine, Origin)> {
    let word = word
        .or(config.default_routine.as_deref())
        .unwrap_or(catalog::DEFAULT);
    catalog::find(word, paths.routines_dir().as_deref(), files)
}

/// Columns padded to their widest cell; `right` aligns numbers.
pub fn table<const N: usize>(
    header: &[&str; N],
    rows: &[[String; N]],
    right: &[bool; N],
) -> String {
    let mut widths = header.map(console::measure_text_width);
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(console::measure_text_width(cell));
        }
    }
    let line = |cells: [&str; N]| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            let pad = " ".repeat(widths[i] - console::measure_text_width(cell));
            if right[i] {
                text.push_str(&format!("{pad}{cell}  "));
            } else {
                text.push_str(&format!("{cell}{pad}  "));
            }
        }
        format!("{}\n", text.trim_end())
    };
    let mut out = line(*header);
    for row in rows {
        out.push_str(&line(row.each_ref().map(String::as_str)));
    }
    out
}
