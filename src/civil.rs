//! Civil time, as people read it on a clock: a time of day as written
//! ("22:15"), and the instant a local date and time stands for in a zone.
//! Reminders and the journal both speak it.

use jiff::civil::{DateTime, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};

use crate::diag::short;

/// Reads "22:15" or "22:15:30".
pub fn parse_clock(text: &str) -> Result<Time, String> {
    let parts: Vec<&str> = text.trim().split(':').collect();
    // The hour in one or two digits; minutes and seconds always in two, so
    // "7:5" (7:05 or 7:50?) is refused rather than guessed at.
    let number = |part: &str, most: i8| {
        let wide = if most == 23 { 1..=2 } else { 2..=2 };
        (wide.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<i8>().ok())
            .flatten()
            .filter(|n| (0..=most).contains(n))
    };
    let fields = match parts.as_slice() {
        [h, m] => (number(h, 23), number(m, 59), Some(0)),
        [h, m, s] => (number(h, 23), number(m, 59), number(s, 59)),
        _ => (None, None, None),
    };
    match fields {
        (Some(h), Some(m), Some(s)) => Time::new(h, m, s, 0).map_err(|e| e.to_string()),
        _ => Err(format!(
            "`{}` is not a clock time; write it as \"22:15\" or \"22:15:30\", \
             minutes and seconds in two digits",
            short(text.trim())
        )),
    }
}

/// The instant a civil date and time names in `tz`. In a gap (clocks
/// spring forward), the first instant after the gap; in a fold (clocks fall
/// back), the first occurrence.
pub fn resolve(tz: &TimeZone, datetime: DateTime) -> Timestamp {
    let ambiguous = tz.to_ambiguous_timestamp(datetime);
    let exact = |offset: jiff::tz::Offset| offset.to_timestamp(datetime).unwrap_or(Timestamp::MAX);
    match ambiguous.offset() {
        AmbiguousOffset::Unambiguous { offset } => exact(offset),
        AmbiguousOffset::Fold { before, .. } => exact(before),
        AmbiguousOffset::Gap { before, .. } => {
            // Read with the offset from before the gap, the time lands at or
            // just after the change, never a whole gap past it; the change
            // itself is the moment wanted. At the gap's very first minute it
            // lands on the change exactly, so the search must include it.
            let past_gap = exact(before);
            let inclusive = past_gap
                .checked_add(SignedDuration::from_nanos(1))
                .unwrap_or(past_gap);
            tz.preceding(inclusive)
                .next()
                .map_or(past_gap, |change| change.timestamp())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_clock_times() {
        assert_eq!(
            parse_clock("22:15").unwrap(),
            Time::new(22, 15, 0, 0).unwrap()
        );
        assert_eq!(
            parse_clock("7:05:30").unwrap(),
            Time::new(7, 5, 30, 0).unwrap()
        );
        assert_eq!(parse_clock("7:05").unwrap(), Time::new(7, 5, 0, 0).unwrap());
        for bad in [
            "24:00",
            "22",
            "22:60",
            "ten",
            "22:15:30:00",
            "-1:00",
            "",
            "7:5",
            "07:5",
            "7:05:3",
            "007:05",
        ] {
            assert!(parse_clock(bad).is_err(), "{bad}");
        }
    }
}
