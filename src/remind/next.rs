//! When a reminder fires next: one pure function of the rule, an instant
//! and a time zone, used by `remind next` and by the service alike.
//!
//! Clock times follow the zone's daylight saving changes: a time that does
//! not exist on a spring-forward night fires once, at the first instant
//! after the gap; a time that happens twice on a fall-back night fires
//! once, at its first occurrence. A repeat in a window is counted in real
//! time from the window's start, so its spacing holds across a change.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::civil::resolve;
use crate::config::rules::{Reminder, Schedule};

/// The first instant strictly after `after` at which `reminder` fires.
pub fn next_fire(reminder: &Reminder, after: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
    // Start a day early: a window that began yesterday may still be open.
    let mut date = tz.to_datetime(after).date().yesterday().ok()?;
    // A rule fires at least one day a week, so eight days always suffice;
    // the margin covers the day started early.
    for _ in 0..10 {
        if reminder.days.contains(date.weekday())
            && let Some(at) = fire_on(reminder, date, after, tz)
        {
            return Some(at);
        }
        date = date.tomorrow().ok()?;
    }
    None
}

/// The first firing on `date` after `after`, if any.
fn fire_on(reminder: &Reminder, date: Date, after: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
    match reminder.schedule {
        Schedule::At(time) => Some(resolve(tz, date.to_datetime(time))).filter(|at| *at > after),
        Schedule::Every { every, from, until } => {
            let start = resolve(tz, date.to_datetime(from));
            let end = resolve(tz, date.to_datetime(until));
            let steps = if after < start {
                0
            } else {
                after.duration_since(start).as_nanos() / every.as_nanos() + 1
            };
            let offset = SignedDuration::from_nanos_i128(every.as_nanos().checked_mul(steps)?);
            let at = start.checked_add(offset).ok()?;
            (at <= end).then_some(at)
        }
    }
}

/// The coming firings of all `reminders` after `after`, in order, at most
/// `count`: (instant, index of the rule).
pub fn upcoming(
    reminders: &[Reminder],
    after: Timestamp,
    tz: &TimeZone,
    count: usize,
) -> Vec<(Timestamp, usize)> {
    let mut next: Vec<Option<Timestamp>> =
        reminders.iter().map(|r| next_fire(r, after, tz)).collect();
    let mut out = Vec::new();
    while out.len() < count {
        let Some((index, at)) = next
            .iter()
            .enumerate()
            .filter_map(|(i, at)| at.map(|at| (i, at)))
            .min_by_key(|(i, at)| (*at, *i))
        else {
            break;
        };
        out.push((at, index));
        next[index] = next_fire(&reminders[index], at, tz);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::civil::parse_clock;
    use crate::config::rules::{DEFAULT_GRACE, Days};
    use jiff::civil::DateTime;

    fn at(time: &str, days: &str) -> Reminder {
        Reminder {
            schedule: Schedule::At(parse_clock(time).unwrap()),
            days: Days::parse(days.split(',')).unwrap(),
            routine: None,
            message: None,
            grace: DEFAULT_GRACE,
        }
    }

    fn every(minutes: i64, from: &str, until: &str) -> Reminder {
        Reminder {
            schedule: Schedule::Every {
                every: SignedDuration::from_mins(minutes),
                from: parse_clock(from).unwrap(),
                until: parse_clock(until).unwrap(),
            },
            days: Days::EVERY,
            routine: None,
            message: None,
            grace: DEFAULT_GRACE,
        }
    }

    fn zone(name: &str) -> TimeZone {
        TimeZone::get(name).unwrap()
    }

    fn instant(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    /// The next `n` firings after `after`, as RFC 3339 instants in UTC.
    fn fires(r: &Reminder, after: &str, tz: &str, n: usize) -> Vec<String> {
        upcoming(std::slice::from_ref(r), instant(after), &zone(tz), n)
            .into_iter()
            .map(|(at, _)| at.to_string())
            .collect()
    }

    #[test]
    fn a_clock_time_fires_on_its_days_only() {
        // 2026-11-27 is a Friday.
        let r = at("22:15", "mon-fri");
        assert_eq!(
            fires(&r, "2026-11-27T12:00:00Z", "Europe/Berlin", 3),
            [
                "2026-11-27T21:15:00Z", // Friday 22:15 CET
                "2026-11-30T21:15:00Z", // then Monday
                "2026-12-01T21:15:00Z",
            ]
        );
        // Strictly after: at the very moment, the next one is tomorrow.
        assert_eq!(
            fires(
                &at("22:15", "daily"),
                "2026-11-27T21:15:00Z",
                "Europe/Berlin",
                1
            ),
            ["2026-11-28T21:15:00Z"]
        );
        assert_eq!(
            fires(&at("06:00:30", "sun"), "2026-11-27T00:00:00Z", "UTC", 1),
            ["2026-11-29T06:00:30Z"]
        );
    }

    #[test]
    fn a_time_in_the_spring_gap_fires_once_when_the_gap_ends() {
        // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00Z).
        assert_eq!(
            fires(
                &at("02:30", "daily"),
                "2026-03-07T12:00:00Z",
                "America/New_York",
                3
            ),
            [
                "2026-03-08T07:00:00Z", // 03:00 EDT: the first instant after the gap
                "2026-03-09T06:30:00Z", // 02:30 EDT
                "2026-03-10T06:30:00Z",
            ]
        );
        // Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00Z).
        assert_eq!(
            fires(
                &at("02:15", "daily"),
                "2026-03-28T12:00:00Z",
                "Europe/Berlin",
                2
            ),
            ["2026-03-29T01:00:00Z", "2026-03-30T00:15:00Z"]
        );
        // Lord Howe, 2026-10-04: 02:00 (+10:30) jumps to 02:30 (+11), at 15:30Z.
        assert_eq!(
            fires(
                &at("02:15", "daily"),
                "2026-10-03T00:00:00Z",
                "Australia/Lord_Howe",
                2
            ),
            ["2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"]
        );
    }

    #[test]
    fn a_time_in_the_autumn_fold_fires_once_at_its_first_occurrence() {
        // New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST, so 01:30
        // happens at 05:30Z and again at 06:30Z.
        assert_eq!(
            fires(
                &at("01:30", "daily"),
                "2026-11-01T00:00:00Z",
                "America/New_York",
                2
            ),
            ["2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"]
        );
        // Asked from between the two occurrences, it does not fire again.
        assert_eq!(
            fires(
                &at("01:30", "daily"),
                "2026-11-01T06:00:00Z",
                "America/New_York",
                1
            ),
            ["2026-11-02T06:30:00Z"]
        );
        // Berlin, 2026-10-25: 03:00 CEST falls back to 02:00 CET.
        assert_eq!(
            fires(
                &at("02:30", "daily"),
                "2026-10-24T12:00:00Z",
                "Europe/Berlin",
                2
            ),
            ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]
        );
        // Lord Howe, 2026-04-05: 02:00 (+11) falls back to 01:30 (+10:30);
        // 01:45 happens at 14:45Z and 15:15Z.
        assert_eq!(
            fires(
                &at("01:45", "daily"),
                "2026-04-04T12:00:00Z",
                "Australia/Lord_Howe",
                2
            ),
            ["2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"]
        );
    }

    #[test]
    fn a_window_repeats_in_real_time() {
        let r = every(45, "18:00", "21:30");
        assert_eq!(
            fires(&r, "2026-11-27T12:00:00Z", "UTC", 6),
            [
                "2026-11-27T18:00:00Z",
                "2026-11-27T18:45:00Z",
                "2026-11-27T19:30:00Z",
                "2026-11-27T20:15:00Z",
                "2026-11-27T21:00:00Z",
                "2026-11-28T18:00:00Z", // 21:45 would be past the window
            ]
        );
        // From inside the window, the series carries on where it is.
        assert_eq!(
            fires(&r, "2026-11-27T19:00:00Z", "UTC", 1),
            ["2026-11-27T19:30:00Z"]
        );
    }

    #[test]
    fn a_window_across_a_change_keeps_its_spacing() {
        // New York, fall back at 06:00Z: every 30 minutes from 00:30 to
        // 02:30 civil time spans three real hours that night.
        let r = every(30, "00:30", "02:30");
        assert_eq!(
            fires(&r, "2026-11-01T04:00:00Z", "America/New_York", 8),
            [
                "2026-11-01T04:30:00Z",
                "2026-11-01T05:00:00Z",
                "2026-11-01T05:30:00Z",
                "2026-11-01T06:00:00Z",
                "2026-11-01T06:30:00Z",
                "2026-11-01T07:00:00Z",
                "2026-11-01T07:30:00Z", // 02:30 EST, the window's end
                "2026-11-02T05:30:00Z", // the next night, 00:30 EST
            ]
        );
        // Spring forward at 07:00Z: from 01:00 to 04:00 is two real hours.
        let r = every(60, "01:00", "04:00");
        assert_eq!(
            fires(&r, "2026-03-08T05:00:00Z", "America/New_York", 3),
            [
                "2026-03-08T06:00:00Z",
                "2026-03-08T07:00:00Z",
                "2026-03-08T08:00:00Z"
            ]
        );
        // Lord Howe's half hour: every 20 minutes from 01:00 to 02:40 on
        // 2026-10-04 is 1 h 10 min of real time (02:00 jumps to 02:30).
        let r = every(20, "01:00", "02:40");
        assert_eq!(
            fires(&r, "2026-10-03T14:00:00Z", "Australia/Lord_Howe", 5),
            [
                "2026-10-03T14:30:00Z",
                "2026-10-03T14:50:00Z",
                "2026-10-03T15:10:00Z",
                "2026-10-03T15:30:00Z",
                "2026-10-04T14:00:00Z",
            ]
        );
    }

    #[test]
    fn several_reminders_come_in_order() {
        let rules = [at("22:15", "daily"), every(60, "20:00", "22:00")];
        let list: Vec<(String, usize)> =
            upcoming(&rules, instant("2026-11-27T19:30:00Z"), &zone("UTC"), 5)
                .into_iter()
                .map(|(t, i)| (t.to_string(), i))
                .collect();
        assert_eq!(
            list,
            [
                ("2026-11-27T20:00:00Z".to_owned(), 1),
                ("2026-11-27T21:00:00Z".to_owned(), 1),
                ("2026-11-27T22:00:00Z".to_owned(), 1),
                ("2026-11-27T22:15:00Z".to_owned(), 0),
                ("2026-11-28T20:00:00Z".to_owned(), 1),
            ]
        );
    }

    /// Zones whose changes are unusual in some way: half-hour and
    /// 45-minute shifts, changes at midnight, a Ramadan suspension, a
    /// negative summer offset, a skipped day, a two-hour shift.
    const ZONES: [&str; 18] = [
        "America/New_York",
        "Europe/London",
        "Europe/Berlin",
        "Europe/Dublin",
        "Australia/Sydney",
        "Australia/Lord_Howe",
        "Pacific/Chatham",
        "Pacific/Auckland",
        "America/Santiago",
        "America/Havana",
        "America/Asuncion",
        "America/St_Johns",
        "Africa/Casablanca",
        "Africa/Cairo",
        "Asia/Tehran",
        "Asia/Jerusalem",
        "Pacific/Apia",
        "Antarctica/Troll",
    ];

    /// Every change of offset in `zone` from 2010 (Apia's skipped day is in
    /// 2011) to the end of 2030: (instant, offset before, offset after).
    fn changes(tz: &TimeZone) -> Vec<(Timestamp, jiff::tz::Offset, jiff::tz::Offset)> {
        let start = instant("2010-01-01T00:00:00Z");
        let end = instant("2031-01-01T00:00:00Z");
        tz.following(start)
            .take_while(|t| t.timestamp() < end)
            .filter_map(|t| {
                let at = t.timestamp();
                let before = tz.to_offset(at - SignedDuration::from_nanos(1));
                (before != t.offset()).then_some((at, before, t.offset()))
            })
            .collect()
    }

    fn minute(at: DateTime) -> DateTime {
        at.with().second(0).subsec_nanosecond(0).build().unwrap()
    }

    /// The rule in the README, checked against the zone data itself: a
    /// clock time in a gap means the instant of the change, one in a fold
    /// means its first occurrence. Every gap's first, middle and last
    /// minute and every fold's first and last minute, in every zone above.
    #[test]
    fn every_change_from_2010_to_2030_follows_the_rule() {
        let mut gaps = 0;
        let mut folds = 0;
        for name in ZONES {
            let tz = zone(name);
            let found = changes(&tz);
            assert!(found.len() >= 2, "{name}: the zone data has no changes");
            for (at, before, after) in found {
                let shift = after.duration_since(before);
                let (first, last) = if shift.is_positive() {
                    // The clock jumps from `first` to just past `last`.
                    (before.to_datetime(at), after.to_datetime(at))
                } else {
                    (after.to_datetime(at), before.to_datetime(at))
                };
                let last = last - SignedDuration::from_mins(1);
                let middle = minute(first + (last.duration_since(first) / 2));
                let expected = |local: DateTime| {
                    if shift.is_positive() {
                        at
                    } else {
                        before.to_timestamp(local).unwrap()
                    }
                };
                let mut minutes = vec![first, middle, last];
                minutes.dedup();
                for local in minutes {
                    assert_eq!(
                        resolve(&tz, local),
                        expected(local),
                        "{name}: {local} around the change at {at}"
                    );
                    // As a reminder's clock time, on that date only.
                    let rule = Reminder {
                        days: only_on(local.date()),
                        ..at_time(local.time())
                    };
                    let from = at - SignedDuration::from_hours(30);
                    assert_eq!(
                        next_fire(&rule, from, &tz),
                        Some(expected(local)),
                        "{name}: a reminder at {local}"
                    );
                }
                // Just outside the change, clock times mean what they say.
                let outside = [
                    (first - SignedDuration::from_mins(1), before),
                    (last + SignedDuration::from_mins(1), after),
                ];
                for (local, offset) in outside {
                    if shift.is_positive() {
                        assert_eq!(
                            resolve(&tz, local),
                            offset.to_timestamp(local).unwrap(),
                            "{name}: {local} next to the change at {at}"
                        );
                    }
                }
                if shift.is_positive() {
                    gaps += 1;
                    window_checks(name, &tz, at, first);
                } else {
                    folds += 1;
                }
            }
        }
        // The zones above changed well over a hundred times each way.
        assert!(gaps > 150 && folds > 150, "{gaps} gaps, {folds} folds");
    }

    fn only_on(date: Date) -> Days {
        use jiff::civil::Weekday::*;
        let name = match date.weekday() {
            Monday => "mon",
            Tuesday => "tue",
            Wednesday => "wed",
            Thursday => "thu",
            Friday => "fri",
            Saturday => "sat",
            Sunday => "sun",
        };
        Days::parse([name]).unwrap()
    }

    fn at_time(time: jiff::civil::Time) -> Reminder {
        Reminder {
            schedule: Schedule::At(time),
            days: Days::EVERY,
            routine: None,
            message: None,
            grace: DEFAULT_GRACE,
        }
    }

    /// Windows that begin or end at the first minute of a gap (`first`,
    /// whose change is at `change`), on that date only.
    fn window_checks(name: &str, tz: &TimeZone, change: Timestamp, first: DateTime) {
        let on_that_day = |from: jiff::civil::Time, until: jiff::civil::Time| Reminder {
            schedule: Schedule::Every {
                every: SignedDuration::from_mins(20),
                from,
                until,
            },
            days: only_on(first.date()),
            routine: None,
            message: None,
            grace: DEFAULT_GRACE,
        };
        let week_before = change - SignedDuration::from_hours(24 * 7 - 1);
        let start = first.time();
        // Beginning at the gap: the first firing is the change itself, not
        // a day or months early.
        if let Some(until) = start.checked_add(SignedDuration::from_mins(50)).ok()
            && until > start
        {
            let rule = on_that_day(start, until);
            let got = next_fire(&rule, week_before, tz);
            assert_eq!(got, Some(change), "{name}: a window from {first}");
        }
        // Ending at the gap: it fires up to the change, then next week.
        if let Some(from) = start.checked_sub(SignedDuration::from_mins(40)).ok()
            && from < start
        {
            let rule = on_that_day(from, start);
            let got: Vec<Timestamp> = upcoming(std::slice::from_ref(&rule), week_before, tz, 4)
                .into_iter()
                .map(|(at, _)| at)
                .collect();
            let from_at = resolve(tz, first.date().to_datetime(from));
            assert_eq!(got[0], from_at, "{name}: a window until {first}");
            assert!(
                got.iter().all(|at| *at >= from_at),
                "{name}: a window until {first} fired before it began: {got:?}"
            );
            assert!(
                got.contains(&change) || change.duration_since(from_at).as_mins() % 20 != 0,
                "{name}: a window until {first} lost its last firing: {got:?}"
            );
            let next_week = got.iter().find(|at| **at > change);
            assert!(
                next_week.is_none_or(|at| at.duration_since(change).as_hours() >= 24 * 6),
                "{name}: a window until {first} fired again too soon: {got:?}"
            );
        }
    }
}
