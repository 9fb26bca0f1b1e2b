//! The journal's trend: weekly counts, streaks, before and after, and the
//! advice that follows from them. Pure: given the records and today's
//! date, the same answer every time.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use console::Style;
use jiff::ToSpan;
use jiff::civil::Date;

use super::record::SessionOutcome;
use super::store::{Cramp, SessionRecord};

/// One week of nights, Monday to Sunday.
#[derive(Debug, Clone, PartialEq)]
pub struct Week {
    pub start: Date,
    /// Nights with a completed stretching session (not a preview).
    pub stretched: u32,
    /// Nights with at least one cramp.
    pub cramp_nights: u32,
    pub mean_pain: Option<f64>,
    /// The week is still going on.
    pub current: bool,
    /// A full week of the journal: not the current one, nor a first week
    /// the journal began part-way through.
    pub complete: bool,
}

/// A night counts as stretched when a stretching routine (not the
/// cramp-relief one) was completed in real time.
fn stretched_nights(sessions: &[SessionRecord]) -> BTreeSet<Date> {
    sessions
        .iter()
        .filter(|s| {
            !s.relief && s.outcome == SessionOutcome::Completed && (s.speed - 1.0).abs() < 1e-6
        })
        .map(|s| s.night)
        .collect()
}

fn monday_of(date: Date) -> Date {
    date.checked_sub((date.weekday().to_monday_zero_offset() as i64).days())
        .unwrap_or(date)
}

/// Every week from the journal's first entry (or `today`'s week) to
/// `today`'s, oldest first.
pub fn weeks(sessions: &[SessionRecord], cramps: &[Cramp], today: Date) -> Vec<Week> {
    let stretched = stretched_nights(sessions);
    let mut pains: BTreeMap<Date, Vec<u8>> = BTreeMap::new();
    let mut cramp_nights: BTreeSet<Date> = BTreeSet::new();
    for cramp in cramps {
        if let Some(night) = cramp.night {
            cramp_nights.insert(night);
            if let Some(pain) = cramp.pain {
                pains.entry(monday_of(night)).or_default().push(pain);
            }
        }
    }
    let first = [stretched.first(), cramp_nights.first()]
        .into_iter()
        .flatten()
        .min()
        .copied()
        .unwrap_or(today)
        .min(today);
    let this_week = monday_of(today);
    let mut out = Vec::new();
    let mut start = monday_of(first);
    let began_part_way = start != first;
    while start <= this_week {
        let end = start.checked_add(7.days()).unwrap_or(Date::MAX);
        let count = |set: &BTreeSet<Date>| set.range(start..end).count() as u32;
        let mean_pain = pains
            .get(&start)
            .map(|p| p.iter().map(|&v| f64::from(v)).sum::<f64>() / p.len() as f64);
        let current = start == this_week;
        out.push(Week {
            start,
            stretched: count(&stretched),
            cramp_nights: count(&cramp_nights),
            mean_pain,
            current,
            complete: !(current || out.is_empty() && began_part_way),
        });
        start = end;
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Streaks {
    /// Nights in a row up to last night (or tonight, once done).
    pub current: u32,
    pub longest: u32,
}

pub fn streaks(sessions: &[SessionRecord], today: Date) -> Streaks {
    let nights = stretched_nights(sessions);
    let mut longest = 0;
    let mut run = 0;
    let mut previous: Option<Date> = None;
    for &night in &nights {
        run = match previous {
            Some(p) if p.tomorrow().ok() == Some(night) => run + 1,
            _ => 1,
        };
        longest = longest.max(run);
        previous = Some(night);
    }
    // Tonight may not be done yet: the streak still stands on last night.
    let mut night = if nights.contains(&today) {
        today
    } else {
        today.yesterday().unwrap_or(today)
    };
    let mut current = 0;
    while nights.contains(&night) {
        current += 1;
        night = night.yesterday().unwrap_or(Date::MIN);
    }
    Streaks { current, longest }
}

/// Cramp nights a week over the journal's first two complete weeks, and
/// over its last two; `None` until there are four complete weeks.
pub fn before_after(weeks: &[Week]) -> Option<(f64, f64)> {
    let complete: Vec<&Week> = weeks.iter().filter(|w| w.complete).collect();
    if complete.len() < 4 {
        return None;
    }
    let mean = |ws: &[&Week]| ws.iter().map(|w| f64::from(w.cramp_nights)).sum::<f64>() / 2.0;
    Some((mean(&complete[..2]), mean(&complete[complete.len() - 2..])))
}

/// A pattern in the journal worth taking to a doctor (from the shared
/// notes on leg cramps; product thresholds, not clinical rules).
#[derive(Debug, Clone, PartialEq)]
pub enum Advice {
    /// Cramps on 3 or more nights a week, two weeks in a row.
    Frequent { weeks: [Date; 2], nights: [u32; 2] },
    /// More cramp nights each week for four weeks.
    Rising { counts: [u32; 4] },
    /// Six weeks of stretching most nights, and no fewer cramp nights.
    NoBetter { before: f64, after: f64 },
}

/// The advice the complete weeks call for, most recent patterns only. The
/// current week counts towards "three nights, two weeks running" once it
/// has three cramp nights: it can only have more.
pub fn advice(weeks: &[Week]) -> Vec<Advice> {
    let complete: Vec<&Week> = weeks.iter().filter(|w| w.complete).collect();
    let mut out = Vec::new();

    let recent = &complete[complete.len().saturating_sub(4)..];
    let mut with_current = recent.to_vec();
    if let Some(current) = weeks.last().filter(|w| w.current && w.cramp_nights >= 3) {
        with_current.push(current);
    }
    if let Some(pair) = with_current
        .windows(2)
        .rev()
        .find(|pair| pair.iter().all(|w| w.cramp_nights >= 3))
    {
        out.push(Advice::Frequent {
            weeks: [pair[0].start, pair[1].start],
            nights: [pair[0].cramp_nights, pair[1].cramp_nights],
        });
    }
    if let [a, b, c, d] = recent
        && a.cramp_nights < b.cramp_nights
        && b.cramp_nights < c.cramp_nights
        && c.cramp_nights < d.cramp_nights
    {
        out.push(Advice::Rising {
            counts: [
                a.cramp_nights,
                b.cramp_nights,
                c.cramp_nights,
                d.cramp_nights,
            ],
        });
    }
    let six = &complete[complete.len().saturating_sub(6)..];
    if six.len() == 6 && six.iter().all(|w| w.stretched >= 5) {
        let before = f64::from(six[0].cramp_nights + six[1].cramp_nights) / 2.0;
        let after = f64::from(six[4].cramp_nights + six[5].cramp_nights) / 2.0;
        if after > 0.0 && after >= before {
            out.push(Advice::NoBetter { before, after });
        }
    }
    out
}

fn week_name(date: Date) -> String {
    date.strftime("%b %d").to_string()
}

impl Advice {
    /// What was seen, in plain words.
    pub fn words(&self) -> String {
        match self {
            Advice::Frequent { weeks, nights } => format!(
                "You had cramps on {} nights in the week of {} and {} nights in the week of {}: \
                 three or more nights a week, two weeks in a row.",
                nights[0],
                week_name(weeks[0]),
                nights[1],
                week_name(weeks[1])
            ),
            Advice::Rising { counts } => format!(
                "Your cramp nights have risen every week for four weeks ({}, {}, {}, then {}).",
                counts[0], counts[1], counts[2], counts[3]
            ),
            Advice::NoBetter { before, after } => format!(
                "After six weeks of stretching on most nights, your cramps are no less frequent \
                 ({before:.1} nights a week at the start, {after:.1} now)."
            ),
        }
    }
}

/// The stats page, drawn to `width` columns.
pub fn render(
    sessions: &[SessionRecord],
    cramps: &[Cramp],
    today: Date,
    tz: &jiff::tz::TimeZone,
    shown_weeks: usize,
    width: usize,
    paint: impl Into<crate::theme::Paint>,
) -> String {
    let paint = paint.into();
    let all = weeks(sessions, cramps, today);
    let shown = &all[all.len().saturating_sub(shown_weeks)..];
    let bold = paint.title();
    let dim = paint.dim();
    let mut out = String::new();

    let bar_room = width.saturating_sub(26).clamp(7, 42);
    let chart = |out: &mut String,
                 title: &str,
                 style: Style,
                 value: &dyn Fn(&Week) -> Option<f64>,
                 most: f64,
                 unit: &dyn Fn(f64) -> String| {
        let _ = writeln!(out, "{}", bold.apply_to(title));
        for week in shown {
            let label = week_name(week.start);
            let (cells, text) = match value(week) {
                Some(v) => (((v / most) * bar_room as f64).round() as usize, unit(v)),
                None => (0, "-".to_owned()),
            };
            let cells = cells.min(bar_room);
            let bar = format!(
                "{}{}",
                style.apply_to("█".repeat(cells)),
                " ".repeat(bar_room - cells)
            );
            let partial = if week.current {
                dim.apply_to(" so far").to_string()
            } else {
                String::new()
            };
            let _ = writeln!(out, "  {label}  {bar} {text}{partial}");
        }
        out.push('\n');
    };
    chart(
        &mut out,
        "Nights stretched, per week",
        paint.series(0),
        &|w| Some(f64::from(w.stretched)),
        7.0,
        &|v| format!("{v:.0}"),
    );
    chart(
        &mut out,
        "Nights with cramps, per week",
        paint.series(1),
        &|w| Some(f64::from(w.cramp_nights)),
        7.0,
        &|v| format!("{v:.0}"),
    );
    chart(
        &mut out,
        "Mean pain of the cramps, per week (0 to 10)",
        paint.series(2),
        &|w| w.mean_pain,
        10.0,
        &|v| format!("{v:.1}"),
    );

    let streak = streaks(sessions, today);
    let nights = |n: u32| {
        if n == 1 {
            "1 night".to_owned()
        } else {
            format!("{n} nights")
        }
    };
    let _ = writeln!(
        out,
        "{} {} in a row (longest: {})",
        bold.apply_to("Streak:"),
        nights(streak.current),
        nights(streak.longest)
    );
    match before_after(&all) {
        Some((before, after)) => {
            let _ = writeln!(
                out,
                "{} {before:.1} cramp nights a week in your first two weeks, {after:.1} in the last two",
                bold.apply_to("Before and after:")
            );
        }
        None => {
            let _ = writeln!(
                out,
                "{} after four full weeks in the journal",
                bold.apply_to("Before and after:")
            );
        }
    }
    out.push('\n');

    let found = advice(&all);
    // Cramps in the weeks shown that were worth a doctor's visit on their own.
    let since = shown.first().map_or(today, |w| w.start);
    let flagged: Vec<&Cramp> = cramps
        .iter()
        .filter(|c| c.night.is_some_and(|n| n >= since) && !super::red_flags(c).is_empty())
        .collect();
    if found.is_empty() && flagged.is_empty() {
        let _ = writeln!(
            out,
            "None of the patterns the journal looks for has shown up (it takes a few weeks of \
             entries to see them). If your cramps worry you, see a doctor anyway."
        );
    } else {
        let _ = writeln!(out, "{}", bold.apply_to("Worth discussing with a doctor:"));
        for advice in &found {
            let _ = writeln!(out, "- {}", advice.words());
        }
        for cramp in flagged {
            let why = if cramp.swelling || cramp.redness {
                "a swollen or red leg can be more than a cramp"
            } else if cramp.numbness || cramp.weakness {
                "numbness or weakness can come from the nerves or muscles"
            } else {
                "a cramp that lasts over 10 minutes may have another cause"
            };
            let _ = writeln!(
                out,
                "- The cramp of {}: {why}.",
                super::describe(cramp, tz, true)
            );
        }
        let _ = writeln!(
            out,
            "This is what the journal shows, not a diagnosis. A doctor can look at the whole \
             picture, including medicines you take."
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    /// Sunday; the week of Nov 23 is still going on.
    const TODAY: &str = "2026-11-29";

    fn session(night: Date) -> SessionRecord {
        SessionRecord {
            id: 0,
            routine: "nightly".into(),
            title: "Nightly".into(),
            relief: false,
            night,
            started_at: format!("{night}T22:15:00+01:00"),
            ended_at: Some(format!("{night}T22:19:00+01:00")),
            outcome: SessionOutcome::Completed,
            speed: 1.0,
            steps: Vec::new(),
        }
    }

    fn cramp(night: Date, pain: u8) -> Cramp {
        Cramp {
            night: Some(night),
            at: format!("{night}T03:10:00+01:00"),
            pain: Some(pain),
            ..Cramp::default()
        }
    }

    /// A journal with, in each complete week counted back from the week of
    /// Nov 16, `stretched[i]` stretched nights and `cramps[i]` cramp nights
    /// (weeks oldest first).
    fn journal(stretched: &[u32], cramps: &[u32]) -> (Vec<SessionRecord>, Vec<Cramp>) {
        let last = day("2026-11-16");
        let mut sessions = Vec::new();
        let mut logged = Vec::new();
        let weeks = stretched.len().max(cramps.len());
        for i in 0..weeks {
            let monday = last
                .checked_sub(((weeks - 1 - i) as i64 * 7).days())
                .unwrap();
            for n in 0..stretched.get(i).copied().unwrap_or(0) {
                sessions.push(session(monday.checked_add((n as i64).days()).unwrap()));
            }
            for n in 0..cramps.get(i).copied().unwrap_or(0) {
                logged.push(cramp(monday.checked_add((n as i64).days()).unwrap(), 5));
            }
        }
        (sessions, logged)
    }

    fn advice_for(stretched: &[u32], cramps: &[u32]) -> Vec<Advice> {
        let (s, c) = journal(stretched, cramps);
        advice(&weeks(&s, &c, day(TODAY)))
    }

    #[test]
    fn three_cramp_nights_two_weeks_running() {
        let found = advice_for(&[], &[0, 1, 3, 3]);
        assert_eq!(
            found,
            [Advice::Frequent {
                weeks: [day("2026-11-09"), day("2026-11-16")],
                nights: [3, 3]
            }]
        );
        assert_eq!(
            found[0].words(),
            "You had cramps on 3 nights in the week of Nov 09 and 3 nights in the week of Nov 16: \
             three or more nights a week, two weeks in a row."
        );
        // Just missed: three, then two.
        assert!(advice_for(&[], &[0, 1, 3, 2]).is_empty());
        assert!(advice_for(&[], &[3, 2, 3, 0]).is_empty());
    }

    #[test]
    fn a_count_rising_four_weeks_running() {
        // Stretching every week makes the first, cramp-free week count.
        assert_eq!(
            advice_for(&[1, 1, 1, 1], &[0, 1, 2, 3]),
            [Advice::Rising {
                counts: [0, 1, 2, 3]
            }]
        );
        assert!(advice_for(&[1, 1, 1, 1], &[0, 1, 1, 2]).is_empty());
    }

    #[test]
    fn no_better_after_six_weeks_of_stretching() {
        let found = advice_for(&[5, 6, 7, 5, 6, 7], &[2, 2, 1, 2, 2, 2]);
        assert_eq!(
            found,
            [Advice::NoBetter {
                before: 2.0,
                after: 2.0
            }]
        );
        // Just missed: fewer cramps at the end, or a week with only four
        // stretched nights.
        assert!(advice_for(&[5, 6, 7, 5, 6, 7], &[2, 2, 1, 2, 1, 2]).is_empty());
        assert!(advice_for(&[5, 6, 7, 4, 6, 7], &[2, 2, 1, 2, 2, 2]).is_empty());
    }

    #[test]
    fn the_current_week_counts_once_it_has_three_cramp_nights() {
        let (s, mut c) = journal(&[], &[0, 0, 0, 3]);
        assert!(advice(&weeks(&s, &c, day(TODAY))).is_empty());
        for night in ["2026-11-23", "2026-11-24", "2026-11-25"] {
            c.push(cramp(day(night), 4));
        }
        assert_eq!(
            advice(&weeks(&s, &c, day(TODAY))),
            [Advice::Frequent {
                weeks: [day("2026-11-16"), day("2026-11-23")],
                nights: [3, 3]
            }]
        );
    }

    #[test]
    fn a_first_week_begun_part_way_is_not_a_full_week() {
        // The journal began on a Thursday: that week's two cramp nights are
        // not "two a week" for before and after.
        let mut c: Vec<Cramp> = ["2026-10-29", "2026-10-30"]
            .iter()
            .map(|n| cramp(day(n), 5))
            .collect();
        for monday in ["2026-11-02", "2026-11-09", "2026-11-16"] {
            c.push(cramp(day(monday), 5));
        }
        let all = weeks(&[], &c, day(TODAY));
        assert!(!all[0].complete && all[1].complete && !all.last().unwrap().complete);
        assert_eq!(before_after(&all), None);
    }

    #[test]
    fn a_cramp_with_a_red_flag_is_named_in_the_stats() {
        let mut flagged = cramp(day("2026-11-24"), 7);
        flagged.lasted_s = Some(20 * 60);
        flagged.swelling = true;
        flagged.leg = Some(super::super::record::Leg::Left);
        flagged.muscle = Some(super::super::record::Muscle::Calf);
        let page = render(
            &[],
            &[flagged],
            day(TODAY),
            &jiff::tz::TimeZone::UTC,
            4,
            60,
            false,
        );
        assert!(
            page.contains(
                "Worth discussing with a doctor:\n- The cramp of Tue 2026-11-24 02:10, left calf, \
                 lasted 20m, pain 7 of 10, with swelling: a swollen or red leg can be more than a cramp.\n"
            ),
            "{page}"
        );
        assert!(page.contains("not a diagnosis"));
    }

    #[test]
    fn streaks_count_nights_in_a_row() {
        let nights = [
            "2026-11-10",
            "2026-11-11",
            "2026-11-12",
            "2026-11-26",
            "2026-11-27",
            "2026-11-28",
        ];
        let sessions: Vec<_> = nights.iter().map(|n| session(day(n))).collect();
        // Tonight (Nov 29) is not done yet: the streak stands on last night.
        assert_eq!(
            streaks(&sessions, day(TODAY)),
            Streaks {
                current: 3,
                longest: 3
            }
        );
        assert_eq!(streaks(&sessions, day("2026-12-01")).current, 0);
        // A preview or an unfinished session is not a stretched night.
        let mut preview = session(day("2026-11-29"));
        preview.speed = 30.0;
        let mut early = session(day("2026-11-29"));
        early.outcome = SessionOutcome::EndedEarly;
        let more = [sessions.clone(), vec![preview, early]].concat();
        assert_eq!(streaks(&more, day(TODAY)).current, 3);
    }

    #[test]
    fn the_page_reads_the_same_with_and_without_colour() {
        let (mut sessions, mut cramps) = journal(&[7, 5, 6, 6], &[3, 2, 1, 0]);
        sessions.push(session(day("2026-11-23")));
        cramps[0].pain = Some(8);
        cramps.push(cramp(day("2026-11-24"), 3));
        let plain = render(
            &sessions,
            &cramps,
            day(TODAY),
            &jiff::tz::TimeZone::UTC,
            3,
            60,
            false,
        );
        let expected = [
            "Nights stretched, per week",
            "  Nov 09  █████████████████████████████      6",
            "  Nov 16  █████████████████████████████      6",
            "  Nov 23  █████                              1 so far",
            "",
            "Nights with cramps, per week",
            "  Nov 09  █████                              1",
            "  Nov 16                                     0",
            "  Nov 23  █████                              1 so far",
            "",
            "Mean pain of the cramps, per week (0 to 10)",
            "  Nov 09  █████████████████                  5.0",
            "  Nov 16                                     -",
            "  Nov 23  ██████████                         3.0 so far",
            "",
            "Streak: 0 nights in a row (longest: 12 nights)",
            "Before and after: 2.5 cramp nights a week in your first two weeks, 0.5 in the last two",
            "",
            "None of the patterns the journal looks for has shown up (it takes a few weeks of entries to see them). If your cramps worry you, see a doctor anyway.",
        ];
        assert_eq!(plain.lines().collect::<Vec<_>>(), expected);
        let coloured = render(
            &sessions,
            &cramps,
            day(TODAY),
            &jiff::tz::TimeZone::UTC,
            3,
            60,
            true,
        );
        assert!(coloured.contains("\u{1b}[32m"), "green bars");
        assert_eq!(console::strip_ansi_codes(&coloured), plain);
    }
}
