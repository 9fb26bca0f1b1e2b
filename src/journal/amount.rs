//! How much a drink was, as people say it: "250ml", "0.3 l", "33cl",
//! "1 glass", "2 glasses". Kept in the journal as whole millilitres; a
//! glass is the `glass` setting (250 ml unless it says).

/// A glass, unless the settings say otherwise.
pub const DEFAULT_GLASS_ML: u32 = 250;

/// The most one drink can be: more is surely a typing slip.
pub const MOST_ML: u32 = 2000;

/// What `--amount` and the `glass` setting accept, for messages.
pub const FORMS: &str =
    "an amount such as \"250ml\", \"0.3l\", \"33cl\", \"1 glass\" or \"2 glasses\"";

/// Reads an amount; `glass_ml` is what one glass holds. Glasses are only
/// accepted where `glass_ml` is given (the `glass` setting itself is in
/// millilitres, centilitres or litres).
pub fn parse(text: &str, glass_ml: Option<u32>) -> Result<u32, String> {
    let unreadable = || {
        format!(
            "`{}` is not an amount nocturne can read; write {FORMS}",
            crate::diag::short(text)
        )
    };
    let lower = text.trim().to_lowercase();
    let split = lower
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(lower.len());
    let (number, unit) = lower.split_at(split);
    let number: f64 = match number.parse() {
        Ok(n) if number.chars().next().is_some_and(|c| c.is_ascii_digit()) => n,
        _ => return Err(unreadable()),
    };
    let per_unit = match unit.trim() {
        "ml" => 1.0,
        "cl" => 10.0,
        "l" => 1000.0,
        "glass" | "glasses" => match glass_ml {
            Some(ml) => f64::from(ml),
            None => return Err(unreadable()),
        },
        _ => return Err(unreadable()),
    };
    let ml = (number * per_unit).round();
    if ml < 1.0 {
        return Err(format!(
            "`{}` is nothing to drink; write {FORMS}",
            crate::diag::short(text)
        ));
    }
    if ml > f64::from(MOST_ML) {
        return Err(format!(
            "`{}` is more than one drink ({} ml at most); log each drink on its own",
            crate::diag::short(text),
            MOST_ML
        ));
    }
    Ok(ml as u32)
}

/// "250 ml", "1.5 l".
pub fn words(ml: u64) -> String {
    if ml >= 1000 {
        let litres = format!("{:.2}", ml as f64 / 1000.0);
        format!("{} l", litres.trim_end_matches('0').trim_end_matches('.'))
    } else {
        format!("{ml} ml")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_amounts_as_people_write_them() {
        let glass = Some(250);
        for (text, ml) in [
            ("250ml", 250),
            ("250 ml", 250),
            ("0.3l", 300),
            ("0.3 L", 300),
            ("33cl", 330),
            ("1 glass", 250),
            ("2 glasses", 500),
            ("1.5 glasses", 375),
            ("1glass", 250),
        ] {
            assert_eq!(parse(text, glass), Ok(ml), "{text}");
        }
        assert_eq!(parse("1 glass", Some(300)), Ok(300));
    }

    #[test]
    fn refuses_what_is_not_a_drink() {
        for text in ["", "ml", "a glass", "250", "250 cups", "-1 glass", ".5l"] {
            let why = parse(text, Some(250)).unwrap_err();
            assert!(
                why.contains("not an amount nocturne can read"),
                "{text}: {why}"
            );
        }
        assert!(parse("0ml", None).unwrap_err().contains("nothing to drink"));
        assert!(parse("3l", None).unwrap_err().contains("2000 ml at most"));
        // The glass itself is not measured in glasses.
        assert!(parse("1 glass", None).is_err());
    }

    #[test]
    fn says_amounts_plainly() {
        assert_eq!(words(250), "250 ml");
        assert_eq!(words(1000), "1 l");
        assert_eq!(words(1250), "1.25 l");
        assert_eq!(words(1500), "1.5 l");
    }
}
