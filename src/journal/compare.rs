//! How sure a comparison of two groups of nights can be. `stats` compares
//! the share of nights with a cramp in two groups (after stretching and
//! without, say); with a few weeks of nights either share moves a lot by
//! chance alone, so the page says how far apart the two could really be.
//!
//! The interval is Newcombe's hybrid score interval for the difference of
//! two independent proportions (method 10 of Newcombe, "Interval
//! estimation for the difference between independent proportions:
//! comparison of eleven methods", Statistics in Medicine 1998;17:873-890),
//! built from a Wilson score interval for each share. It stays within
//! -1 to 1 and behaves well with few nights and with shares of 0 or 1,
//! where the textbook interval collapses to a point. Pure arithmetic.

/// The normal quantile for a two-sided 95% interval.
pub const Z95: f64 = 1.959964;

/// A 95% interval, `low` at most `high`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// The Wilson score interval for a share of `hits` out of `trials`;
/// `None` for no trials, or more hits than trials.
pub fn wilson(hits: u32, trials: u32) -> Option<Interval> {
    if trials == 0 || hits > trials {
        return None;
    }
    let n = f64::from(trials);
    let p = f64::from(hits) / n;
    let z2 = Z95 * Z95;
    let centre = p + z2 / (2.0 * n);
    let spread = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let scale = 1.0 + z2 / n;
    Some(Interval {
        low: ((centre - spread) / scale).clamp(0.0, 1.0),
        high: ((centre + spread) / scale).clamp(0.0, 1.0),
    })
}

/// Two groups of nights, each with how many had a cramp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Nights with a cramp in the first group, and nights in it.
    pub first: (u32, u32),
    /// The same for the second group.
    pub second: (u32, u32),
}

/// The difference of two shares, first minus second, and its 95%
/// interval; `None` if either group has no nights (or impossible counts).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    pub estimate: f64,
    pub interval: Interval,
}

/// Newcombe's hybrid score interval (method 10) for the first group's
/// share minus the second's: each side of the estimate is widened by the
/// distances to the Wilson bounds that pull the difference that way.
pub fn newcombe(counts: Counts) -> Option<Difference> {
    let (a, m) = counts.first;
    let (b, n) = counts.second;
    let one = wilson(a, m)?;
    let two = wilson(b, n)?;
    let p1 = f64::from(a) / f64::from(m);
    let p2 = f64::from(b) / f64::from(n);
    let estimate = p1 - p2;
    let below = ((p1 - one.low).powi(2) + (two.high - p2).powi(2)).sqrt();
    let above = ((one.high - p1).powi(2) + (p2 - two.low).powi(2)).sqrt();
    Some(Difference {
        estimate,
        interval: Interval {
            low: (estimate - below).clamp(-1.0, 1.0),
            high: (estimate + above).clamp(-1.0, 1.0),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rounded to four places, as the papers print them.
    fn four(x: f64) -> f64 {
        (x * 10_000.0).round() / 10_000.0
    }

    fn bounds(a: u32, m: u32, b: u32, n: u32) -> (f64, f64) {
        let d = newcombe(Counts {
            first: (a, m),
            second: (b, n),
        })
        .unwrap();
        (four(d.interval.low), four(d.interval.high))
    }

    #[test]
    fn wilson_matches_the_published_example() {
        // Newcombe, "Two-sided confidence intervals for the single
        // proportion", Statistics in Medicine 1998;17:857-872: 81 of 263
        // gives 0.2553 to 0.3662 without continuity correction.
        let w = wilson(81, 263).unwrap();
        assert_eq!((four(w.low), four(w.high)), (0.2553, 0.3662));
        // 0 of 20: from 0 to 0.1611 (the same bound as in method 10's
        // example (e) below).
        let w = wilson(0, 20).unwrap();
        assert_eq!((four(w.low), four(w.high)), (0.0, 0.1611));
        assert_eq!(wilson(0, 0), None);
        assert_eq!(wilson(3, 2), None);
    }

    #[test]
    fn newcombe_matches_the_published_examples() {
        // Method 10 of Newcombe 1998 (Statistics in Medicine 17:873-890),
        // on the worked examples of its Table II. (a) and (b) are the
        // printed values, as another implementation's tests quote them too.
        assert_eq!(bounds(56, 70, 48, 80), (0.0524, 0.3339));
        assert_eq!(bounds(9, 10, 3, 10), (0.1705, 0.8090));
        // (c) to (h), with shares of 0 and 1, as this arithmetic gives
        // them, so that any change to it shows.
        assert_eq!(bounds(6, 7, 2, 7), (0.0582, 0.8062));
        assert_eq!(bounds(5, 56, 0, 29), (-0.0381, 0.1926));
        assert_eq!(bounds(0, 10, 0, 20), (-0.1611, 0.2775));
        assert_eq!(bounds(0, 10, 0, 10), (-0.2775, 0.2775));
        assert_eq!(bounds(10, 10, 0, 20), (0.6791, 1.0));
        assert_eq!(bounds(10, 10, 0, 10), (0.6075, 1.0));
    }

    #[test]
    fn a_comparison_by_hand() {
        // Cramps on 3 of 20 nights after stretching and 9 of 14 without.
        // Wilson: 3/20 is 0.0524 to 0.3604, 9/14 is 0.3876 to 0.8366.
        let one = wilson(3, 20).unwrap();
        let two = wilson(9, 14).unwrap();
        assert_eq!((four(one.low), four(one.high)), (0.0524, 0.3604));
        assert_eq!((four(two.low), four(two.high)), (0.3876, 0.8366));
        // 0.15 - 0.6429 = -0.4929; down by sqrt(0.0976² + 0.1937²) =
        // 0.2169, up by sqrt(0.2104² + 0.2552²) = 0.3308.
        let d = newcombe(Counts {
            first: (3, 20),
            second: (9, 14),
        })
        .unwrap();
        assert_eq!(four(d.estimate), -0.4929);
        assert_eq!(
            (four(d.interval.low), four(d.interval.high)),
            (-0.7098, -0.1621)
        );
    }

    #[test]
    fn shares_of_none_or_all_give_finite_ordered_bounds() {
        for (a, m, b, n) in [
            (0, 1, 1, 1),
            (1, 1, 0, 1),
            (0, 7, 7, 7),
            (7, 7, 0, 7),
            (0, 7, 0, 7),
            (7, 7, 7, 7),
            (0, 500, 500, 500),
            (1, 3640, 3639, 3640),
            (u32::MAX, u32::MAX, 0, u32::MAX),
        ] {
            let d = newcombe(Counts {
                first: (a, m),
                second: (b, n),
            })
            .unwrap();
            let Interval { low, high } = d.interval;
            assert!(low.is_finite() && high.is_finite(), "{a}/{m} {b}/{n}");
            assert!(
                -1.0 <= low && low <= d.estimate && d.estimate <= high && high <= 1.0,
                "{a}/{m} {b}/{n}: {low} {} {high}",
                d.estimate
            );
        }
        assert_eq!(
            newcombe(Counts {
                first: (0, 0),
                second: (1, 2)
            }),
            None
        );
    }
}
