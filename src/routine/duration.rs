//! Durations as people write them in routine files ("10s", "1m30s", "90s"
//! or a whole number of seconds) and as the program prints them back.

use std::time::Duration;

/// Why a duration could not be read. The caller adds where it was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("a duration cannot be negative")]
    Negative,
    #[error("durations are whole seconds; fractions are not accepted")]
    Fraction,
    #[error("this duration is far too long")]
    TooLong,
    #[error("`{0}` is not a duration")]
    Unreadable(String),
}

/// The longest duration the parser will form; anything near it is rejected
/// later by the routine limits, this only keeps the arithmetic honest.
const CEILING_SECS: u64 = 1_000_000_000;

/// Reads "10s", "1m30s", "1h", "2m 5s", "90" (seconds) or "0".
///
/// Units go from hours down to seconds, each at most once, so "30s1m" is
/// refused rather than guessed at.
pub fn parse(text: &str) -> Result<Duration, DurationError> {
    let trimmed = text.trim();
    let unreadable = || DurationError::Unreadable(crate::diag::short(trimmed));
    if trimmed.starts_with('-') {
        return Err(DurationError::Negative);
    }
    if trimmed.contains(['.', ',']) && trimmed.chars().any(|c| c.is_ascii_digit()) {
        return Err(DurationError::Fraction);
    }
    if trimmed.is_empty() {
        return Err(unreadable());
    }
    if trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return seconds(trimmed).map(Duration::from_secs);
    }

    let mut total: u64 = 0;
    let mut rest = trimmed;
    let mut last_unit = 0; // 1 = h, 2 = m, 3 = s: units must descend
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(unreadable());
        }
        let value = seconds(&rest[..digits])?;
        rest = rest[digits..].trim_start();
        let unit_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (rank, scale) = match &rest[..unit_len] {
            "h" => (1, 3600),
            "m" | "min" => (2, 60),
            "s" | "sec" => (3, 1),
            _ => return Err(unreadable()),
        };
        if rank <= last_unit {
            return Err(unreadable());
        }
        last_unit = rank;
        total = value
            .checked_mul(scale)
            .and_then(|v| v.checked_add(total))
            .filter(|v| *v <= CEILING_SECS)
            .ok_or(DurationError::TooLong)?;
        rest = rest[unit_len..].trim_start();
    }
    Ok(Duration::from_secs(total))
}

/// Builds a duration from a whole number of seconds written as an integer.
pub fn from_integer(value: i64) -> Result<Duration, DurationError> {
    match u64::try_from(value) {
        Err(_) => Err(DurationError::Negative),
        Ok(v) if v > CEILING_SECS => Err(DurationError::TooLong),
        Ok(v) => Ok(Duration::from_secs(v)),
    }
}

fn seconds(digits: &str) -> Result<u64, DurationError> {
    digits
        .parse::<u64>()
        .ok()
        .filter(|v| *v <= CEILING_SECS)
        .ok_or(DurationError::TooLong)
}

// Durations are printed by the helpers shared by every part.

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(text: &str) -> u64 {
        parse(text).unwrap().as_secs()
    }

    #[test]
    fn reads_the_documented_forms() {
        assert_eq!(secs("10s"), 10);
        assert_eq!(secs("1m30s"), 90);
        assert_eq!(secs("90s"), 90);
        assert_eq!(secs("90"), 90);
        assert_eq!(secs("2m"), 120);
        assert_eq!(secs("1h"), 3600);
        assert_eq!(secs("1h 2m 3s"), 3723);
        assert_eq!(secs(" 5 s"), 5);
        assert_eq!(secs("0"), 0);
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert_eq!(parse("-5s"), Err(DurationError::Negative));
        assert_eq!(parse("1.5s"), Err(DurationError::Fraction));
        assert_eq!(parse("ten"), Err(DurationError::Unreadable("ten".into())));
        assert_eq!(
            parse("30s1m"),
            Err(DurationError::Unreadable("30s1m".into()))
        );
        assert_eq!(parse("5x"), Err(DurationError::Unreadable("5x".into())));
        assert_eq!(parse("s"), Err(DurationError::Unreadable("s".into())));
        assert_eq!(parse(""), Err(DurationError::Unreadable("".into())));
        assert_eq!(
            parse("99999999999999999999999s"),
            Err(DurationError::TooLong)
        );
        assert_eq!(parse("999999999h"), Err(DurationError::TooLong));
        assert_eq!(from_integer(-1), Err(DurationError::Negative));
    }
}
