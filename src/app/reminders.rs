//! The reminder commands that edit and read the settings: remind add,
//! list, remove and next.

use std::process::ExitCode;

use jiff::tz::TimeZone;

use super::Context;
use super::shared::{print, settings, settings_file};
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::remind;
use crate::routine::catalog;
use crate::routine::load::SoundFiles;

/// `remind add`: the reminder is written, and when it fires next is said.
pub fn add(ctx: &Context, addition: &remind::edit::Addition) -> Result<ExitCode> {
    if let Some(routine) = &addition.reminder.routine {
        catalog::find(
            routine,
            ctx.paths.routines_dir().as_deref(),
            SoundFiles::Named,
        )?;
    }
    let file = settings_file(&ctx.paths)?;
    let number = remind::edit::add(&file, addition)?;
    let tz = ctx.tz();
    let next = remind::next::next_fire(&addition.reminder, ctx.now, &tz)
        .map(|at| format!("; next {}", remind::local(at, &tz)))
        .unwrap_or_default();
    eprintln!("Added reminder {number}: {}{next}.", addition.reminder);
    Ok(ExitCode::SUCCESS)
}

/// `remind list`: the reminders, numbered, with when each fires next.
pub fn list(ctx: &Context) -> Result<ExitCode> {
    let config = settings(&ctx.paths)?;
    print(&remind::list(&config.reminders, ctx.now, &ctx.tz()))
}

/// `remind remove`: one reminder, by its number.
pub fn remove(paths: &Paths, id: usize) -> Result<ExitCode> {
    let file = settings_file(paths)?;
    let removed = remind::edit::remove(&file, id)?;
    eprintln!("Removed reminder {id}: {removed}.");
    Ok(ExitCode::SUCCESS)
}

/// `remind next`: the coming reminders, from now or the moment given.
pub fn next(ctx: &Context, count: usize, after: Option<&str>, json: bool) -> Result<ExitCode> {
    let config = settings(&ctx.paths)?;
    let tz = ctx.tz();
    let after = match after {
        Some(text) => parse_moment(text, &tz)?,
        None => ctx.now,
    };
    print(&remind::upcoming(
        &config.reminders,
        after,
        &tz,
        count,
        json,
    ))
}

/// An RFC 3339 instant, or a local date and time such as 2026-03-07T20:00.
fn parse_moment(text: &str, tz: &TimeZone) -> Result<jiff::Timestamp> {
    if let Ok(at) = text.parse::<jiff::Timestamp>() {
        return Ok(at);
    }
    text.parse::<jiff::civil::DateTime>()
        .map(|local| crate::civil::resolve(tz, local))
        .map_err(|_| {
            Error::Usage(format!(
                "`{}` is not a time; write a local date and time such as 2026-03-07T20:00, \
                 or an RFC 3339 instant such as 2026-03-07T20:00:00-05:00",
                crate::diag::short(text)
            ))
        })
}
