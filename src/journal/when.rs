//! Times in the journal: when a cramp happened, as people say it ("03:10",
//! "last night 03:10", "2026-11-20T03:10"), and which night a moment
//! belongs to (the small hours count with the evening before).

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::civil::{parse_clock, resolve};

/// The night a moment belongs to: before noon counts with the evening
/// before, so a cramp at 03:10 and the stretches at 22:15 share a night.
pub fn night_of(at: Timestamp, tz: &TimeZone) -> Date {
    let local = tz.to_datetime(at);
    if local.hour() < 12 {
        local.date().yesterday().unwrap_or(local.date())
    } else {
        local.date()
    }
}

/// RFC 3339 to the second, with the offset the zone had then.
pub fn stamp(at: Timestamp, tz: &TimeZone) -> String {
    let whole = Timestamp::from_second(at.as_second()).unwrap_or(at);
    whole.display_with_offset(tz.to_offset(whole)).to_string()
}

/// What `--at` accepts, for error messages.
pub const FORMS: &str = "\"now\", \"03:10\", \"last night 03:10\", \"yesterday 22:40\", \
                          \"2026-11-20T03:10\" or an RFC 3339 instant";

/// Reads when a cramp happened; never in the future.
pub fn parse(text: &str, now: Timestamp, tz: &TimeZone) -> Result<Timestamp, String> {
    parse_past(text, now, tz, "log a cramp after it happens")
}

/// Reads when something happened; a time in the future is refused with
/// `instead` as the advice.
pub fn parse_past(
    text: &str,
    now: Timestamp,
    tz: &TimeZone,
    instead: &str,
) -> Result<Timestamp, String> {
    let text = text.trim();
    let lower = text.to_lowercase();
    let today = tz.to_datetime(now).date();
    let at = |date: Date, time: Time| resolve(tz, date.to_datetime(time));
    let clock = |words: &str| parse_clock(words).map_err(|_| unreadable(text));
    let found = if lower == "now" {
        now
    } else if let Ok(instant) = text.parse::<Timestamp>() {
        instant
    } else if let Ok(local) = text.replacen(' ', "T", 1).parse::<DateTime>() {
        resolve(tz, local)
    } else if let Some(rest) = lower.strip_prefix("last night") {
        let time = clock(rest)?;
        let yesterday = today.yesterday().map_err(|e| e.to_string())?;
        if time.hour() >= 12 {
            at(yesterday, time)
        } else {
            // The small hours of this morning, or of yesterday's if this
            // morning's have not come yet.
            let this_morning = at(today, time);
            if this_morning <= now {
                this_morning
            } else {
                at(yesterday, time)
            }
        }
    } else if let Some(rest) = lower.strip_prefix("yesterday") {
        at(today.yesterday().map_err(|e| e.to_string())?, clock(rest)?)
    } else if let Some(rest) = lower.strip_prefix("today") {
        at(today, clock(rest)?)
    } else {
        // A bare clock time: its latest past occurrence.
        let time = clock(&lower)?;
        let candidate = at(today, time);
        if candidate <= now {
            candidate
        } else {
            at(today.yesterday().map_err(|e| e.to_string())?, time)
        }
    };
    // A minute's grace for a clock that is a little ahead.
    if found > now + SignedDuration::from_mins(1) {
        return Err(format!(
            "`{}` is in the future; {instead}",
            crate::diag::short(text)
        ));
    }
    Ok(found)
}

fn unreadable(text: &str) -> String {
    format!(
        "`{}` is not a time nocturne can read; write {FORMS}",
        crate::diag::short(text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> TimeZone {
        TimeZone::get("Europe/Berlin").unwrap()
    }

    /// `text` read at `now` (Berlin local time), as Berlin local time.
    fn read(text: &str, now: &str) -> String {
        let tz = berlin();
        let now = resolve(&tz, now.parse().unwrap());
        match parse(text, now, &tz) {
            Ok(at) => tz.to_datetime(at).to_string(),
            Err(e) => e,
        }
    }

    #[test]
    fn reads_times_as_people_say_them() {
        let morning = "2026-11-21T07:30";
        assert_eq!(read("now", morning), "2026-11-21T07:30:00");
        assert_eq!(read("03:10", morning), "2026-11-21T03:10:00");
        assert_eq!(read("23:40", morning), "2026-11-20T23:40:00");
        assert_eq!(read("last night 03:10", morning), "2026-11-21T03:10:00");
        assert_eq!(read("last night 23:40", morning), "2026-11-20T23:40:00");
        assert_eq!(
            read("Last Night 03:10", "2026-11-21T01:00"),
            "2026-11-20T03:10:00"
        );
        assert_eq!(read("yesterday 22:40", morning), "2026-11-20T22:40:00");
        assert_eq!(read("today 06:00", morning), "2026-11-21T06:00:00");
        assert_eq!(read("2026-11-20T03:10", morning), "2026-11-20T03:10:00");
        assert_eq!(read("2026-11-20 03:10", morning), "2026-11-20T03:10:00");
        assert_eq!(read("2026-11-20T02:10:00Z", morning), "2026-11-20T03:10:00");
    }

    #[test]
    fn refuses_the_future_and_nonsense() {
        assert_eq!(
            read("today 09:00", "2026-11-21T07:30"),
            "`today 09:00` is in the future; log a cramp after it happens"
        );
        assert!(read("soonish", "2026-11-21T07:30").starts_with("`soonish` is not a time"));
        assert!(read("last night", "2026-11-21T07:30").starts_with("`last night` is not a time"));
    }

    #[test]
    fn the_small_hours_belong_to_the_evening_before() {
        let tz = berlin();
        let night = |local: &str| night_of(resolve(&tz, local.parse().unwrap()), &tz).to_string();
        assert_eq!(night("2026-11-21T03:10"), "2026-11-20");
        assert_eq!(night("2026-11-20T22:15"), "2026-11-20");
        assert_eq!(night("2026-11-21T11:59"), "2026-11-20");
        assert_eq!(night("2026-11-21T12:00"), "2026-11-21");
        assert_eq!(
            stamp("2026-11-20T21:15:30.25Z".parse().unwrap(), &tz),
            "2026-11-20T22:15:30+01:00"
        );
    }
}
