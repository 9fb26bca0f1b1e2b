//! Reminders: a nightly stretch reminder and evening reminders to drink,
//! set once in the settings and delivered by a small background service.

pub mod edit;
mod error;
pub mod install;
pub mod next;
pub mod service;
pub mod timetable;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::json;

pub use error::Error;

// The rules belong to the settings; reminders only read them.
use crate::config::rules;
use rules::Reminder;

/// `remind list`: each reminder with its number, what it says and when it
/// fires next.
pub fn list(reminders: &[Reminder], now: Timestamp, tz: &TimeZone) -> String {
    if reminders.is_empty() {
        return "No reminders yet. Add one with, for example:\n  \
                nocturne remind add --at 22:15\n  \
                nocturne remind add --every 45m --from 18:00 --until 21:30\n"
            .to_owned();
    }
    let mut out = String::new();
    for (i, reminder) in reminders.iter().enumerate() {
        let next =
            next::next_fire(reminder, now, tz).map_or("never".to_owned(), |at| local(at, tz));
        out.push_str(&format!(
            "{:>2}  {}\n    \"{}\"; next {}\n",
            i + 1,
            reminder,
            reminder.message(),
            next
        ));
    }
    out
}

/// "Sun 2026-11-29 22:15 +01:00".
pub fn local(at: Timestamp, tz: &TimeZone) -> String {
    let zoned = at.to_zoned_datetime(tz.clone());
    let format = if zoned.second() == 0 {
        "%a %Y-%m-%d %H:%M %:z"
    } else {
        "%a %Y-%m-%d %H:%M:%S %:z"
    };
    zoned.strftime(format).to_string()
}

/// `remind next`: the coming firings, as lines or as JSON.
pub fn upcoming(
    reminders: &[Reminder],
    after: Timestamp,
    tz: &TimeZone,
    count: usize,
    as_json: bool,
) -> String {
    let coming = next::upcoming(reminders, after, tz, count);
    if as_json {
        let items: Vec<_> = coming
            .iter()
            .map(|(at, i)| {
                let reminder = &reminders[*i];
                json!({
                    "at": at.to_zoned_datetime(tz.clone()).timestamp().display_with_offset(
                        tz.to_offset(*at)
                    ).to_string(),
                    "reminder": i + 1,
                    "message": reminder.message(),
                    "routine": reminder.routine,
                })
            })
            .collect();
        return format!("{}\n", serde_json::Value::Array(items));
    }
    if coming.is_empty() {
        return "No reminders are set.\n".to_owned();
    }
    coming
        .iter()
        .map(|(at, i)| {
            format!(
                "{}  {:>2}  {}\n",
                local(*at, tz),
                i + 1,
                reminders[*i].message()
            )
        })
        .collect()
}
