//! The journal commands: log, journal, journal export, journal import,
//! journal delete and stats; and the offer to log a cramp after the cramp
//! routine.

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jiff::Timestamp;

use super::Context;
use super::shared::{forgiving_settings, journal_file, print, print_styled};
use crate::diag::{Diagnostic, FileReport};
use crate::error::{Error, Result};
use crate::journal::{self, CrampInput};
use crate::paths::Paths;

/// `log`: the cramp as given, or as told at the questions.
pub fn log(ctx: &Context, input: CrampInput) -> Result<ExitCode> {
    let tz = ctx.tz();
    let input = if !input.is_empty() {
        input
    } else if journal::can_ask() {
        match journal::interview(&mut io::stdin().lock(), "now", ctx.now, &tz) {
            Ok(input) => input,
            Err(journal::Cancelled) => return Ok(cancelled()),
        }
    } else {
        return Err(Error::Usage(
            "there is no terminal to ask the questions at; say what to log, such as \
             `nocturne log --at now` or `nocturne log --at 03:10 --leg left --muscle calf`"
                .to_owned(),
        ));
    };
    let said = journal::log(&journal_file(&ctx.paths)?, input, ctx.now, &tz)?;
    eprint!("{said}");
    Ok(ExitCode::SUCCESS)
}

/// `log drink`: a drink, a glass unless told how much.
pub fn log_drink(ctx: &Context, input: &journal::DrinkInput) -> Result<ExitCode> {
    let glass_ml = forgiving_settings(
        &ctx.paths,
        &format!(
            "a glass is taken to be {} ml",
            journal::amount::DEFAULT_GLASS_ML
        ),
    )?
    .glass_ml;
    let said = journal::log_drink(
        &journal_file(&ctx.paths)?,
        input,
        glass_ml,
        ctx.now,
        &ctx.tz(),
    )?;
    eprint!("{said}");
    Ok(ExitCode::SUCCESS)
}

/// `journal delete`: one entry, after asking unless told `--yes`.
pub fn delete(ctx: &Context, entry: journal::store::Entry, yes: bool) -> Result<ExitCode> {
    let file = journal_file(&ctx.paths)?;
    let what = journal::find(&file, entry, &ctx.tz())?;
    if !yes {
        if !journal::can_ask() {
            return Err(Error::Usage(format!(
                "this removes {what}; there is no terminal to ask at, so pass --yes to \
                 remove it"
            )));
        }
        let sure = journal::ask(
            &mut io::stdin().lock(),
            &format!("Remove {what}? (y/n)"),
            "n",
            journal::yes_no,
        );
        if sure != Ok(true) {
            eprintln!("Kept it; nothing was removed.");
            return Ok(ExitCode::SUCCESS);
        }
    }
    journal::delete(&file, entry)?;
    eprintln!("Removed {what}.");
    Ok(ExitCode::SUCCESS)
}

/// `journal`: the recent nights, newest first, as wide as the terminal;
/// previews only when `all`.
pub fn nights(ctx: &Context, nights: usize, all: bool) -> Result<ExitCode> {
    let tz = ctx.tz();
    let today = journal::when::night_of(ctx.now, &tz);
    let width = console::Term::stdout()
        .size_checked()
        .map(|(_, w)| usize::from(w))
        .filter(|w| *w > 0)
        .unwrap_or(80);
    let page = journal::Page {
        all,
        width,
        color: ctx.stdout_color,
    };
    // The page cleans the names it shows; its only escape sequences are
    // nocturne's own colours.
    print_styled(&journal::nights(
        &journal_file(&ctx.paths)?,
        today,
        nights,
        &tz,
        page,
    )?)
}

/// `journal export`: everything, to stdout or to a new file.
pub fn export(paths: &Paths, json: bool, output: Option<PathBuf>) -> Result<ExitCode> {
    let records = journal::everything(&journal_file(paths)?)?;
    let text = if json {
        journal::export::json(&records)
    } else {
        journal::export::csv(&records)
    };
    let Some(path) = output else {
        return print(&text);
    };
    journal::export::to_file(&path, &text)?;
    eprintln!(
        "Wrote {}, {} and {} to {}.",
        journal::count(records.sessions.len(), "session"),
        journal::count(records.cramps.len(), "cramp"),
        journal::count(records.drinks.len(), "drink"),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `journal import`: the whole file checked first, then what the journal
/// lacks of it added at once; for a dry run, only said.
pub fn import(ctx: &Context, file: &Path, dry_run: bool) -> Result<ExitCode> {
    use journal::import::{MOST_SHOWN, Rejected};
    let stdin = file == Path::new("-");
    let name = if stdin {
        "standard input".to_owned()
    } else {
        file.display().to_string()
    };
    let text = match read_export(file) {
        Ok(text) => text,
        Err((text, problem)) => {
            let rejected = Rejected {
                problems: vec![problem],
                more: 0,
            };
            return Ok(refused(ctx, name, text, rejected));
        }
    };
    let incoming = match journal::import::read(&text) {
        Ok(incoming) => incoming,
        Err(rejected) => return Ok(refused(ctx, name, text, rejected)),
    };
    match journal::import(&journal_file(&ctx.paths)?, &incoming, dry_run)? {
        Ok(summary) => {
            let said = journal::import::said(summary, &name, dry_run);
            eprint!("{}", crate::diag::clean(&said));
            Ok(ExitCode::SUCCESS)
        }
        Err(mut problems) => {
            let more = problems.len().saturating_sub(MOST_SHOWN);
            problems.truncate(MOST_SHOWN);
            Ok(refused(ctx, name, text, Rejected { problems, more }))
        }
    }
}

/// Shows why a file cannot be imported, and that nothing was.
fn refused(
    ctx: &Context,
    path: String,
    text: String,
    rejected: journal::import::Rejected,
) -> ExitCode {
    let report = FileReport {
        path,
        text,
        diagnostics: rejected.problems,
    };
    eprint!("{}", report.render(ctx.paint));
    if rejected.more > 0 {
        eprintln!(
            "\n... and {} more problems in {}",
            rejected.more,
            crate::diag::clean(&report.path)
        );
    }
    eprintln!("\nNothing was imported; the journal is as it was.");
    ExitCode::from(2)
}

/// A file to import (`-`: standard input), as text; for one that cannot
/// be read, what of it could be, and the problem.
fn read_export(file: &Path) -> std::result::Result<String, (String, Diagnostic)> {
    use crate::util::{ReadError, io_reason, read_at_most};
    use std::io::Read;
    let limit = journal::import::MAX_BYTES;
    let read = if file == Path::new("-") {
        let mut bytes = Vec::new();
        match io::stdin().lock().take(limit + 1).read_to_end(&mut bytes) {
            Ok(_) if bytes.len() as u64 > limit => Err(ReadError::TooLarge),
            Ok(_) => Ok(bytes),
            Err(e) => Err(ReadError::Io(e)),
        }
    } else {
        read_at_most(file, limit)
    };
    let bytes = read.map_err(|e| {
        (
            String::new(),
            match e {
                ReadError::Io(e) => Diagnostic::new(format!("cannot read it: {}", io_reason(&e))),
                ReadError::NotAFile => Diagnostic::new("this is not a regular file")
                    .help("give the file `nocturne journal export --format json` wrote"),
                ReadError::TooLarge => Diagnostic::new("this file is larger than 16 MiB")
                    .help("a journal export is far smaller; check the path"),
            },
        )
    })?;
    crate::tomlfile::text_from_bytes(bytes)
}

/// `stats`: charts, streaks, the six weeks, nights with and without,
/// and advice, as wide as the terminal.
pub fn stats(ctx: &Context, weeks: usize) -> Result<ExitCode> {
    let tz = ctx.tz();
    let today = journal::when::night_of(ctx.now, &tz);
    let records = journal::everything(&journal_file(&ctx.paths)?)?;
    let width = console::Term::stdout()
        .size_checked()
        .map_or(80, |(_, w)| w as usize);
    let options = journal::stats::Options {
        weeks,
        width,
        evening_drinks: forgiving_settings(
            &ctx.paths,
            &format!(
                "drinks are compared from {} an evening",
                crate::config::DEFAULT_EVENING_DRINKS
            ),
        )?
        .evening_drinks,
    };
    // The page is nocturne's own words and styles; only the
    // cramps' notes come from the user, and it does not show them.
    print_styled(&journal::stats::render(
        &records,
        today,
        &tz,
        &options,
        ctx.stdout_paint,
    ))
}

/// What the cramp questions say when they are left: Ctrl-D, Ctrl-C or a
/// termination signal. Exit code 130, as for an interrupted session.
pub const CANCELLED: &str = "Cancelled; nothing was logged.";

pub fn cancelled() -> ExitCode {
    eprintln!("{CANCELLED}");
    ExitCode::from(130)
}

/// After the cramp routine: log the cramp it relieved. Asked at a
/// terminal; elsewhere, said how. `None` when the user left the questions.
/// The session began at the command's moment, the answer offered for
/// "when"; `ended` is what the answers are read against.
pub fn offer_to_log(ctx: &Context, ended: Timestamp) -> Result<Option<()>> {
    let tz = ctx.tz();
    let when = tz.to_datetime(ctx.now).time().strftime("%H:%M").to_string();
    if !journal::can_ask() {
        eprintln!("To log this cramp in your journal: nocturne log --at {when}");
        return Ok(Some(()));
    }
    eprintln!();
    let mut stdin = io::stdin().lock();
    let wanted = journal::ask(
        &mut stdin,
        "Log this cramp in your journal? (y/n)",
        "y",
        |t| match t.to_lowercase().as_str() {
            "" => Ok(true),
            other => journal::yes_no(other),
        },
    );
    let input = match wanted {
        Ok(false) => return Ok(Some(())),
        Ok(true) => journal::interview(&mut stdin, &when, ended, &tz),
        Err(cancelled) => Err(cancelled),
    };
    let Ok(input) = input else {
        return Ok(None);
    };
    let said = journal::log(&journal_file(&ctx.paths)?, input, ended, &tz)?;
    eprint!("{said}");
    Ok(Some(()))
}
