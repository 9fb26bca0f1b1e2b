//! The journal's trend: weekly counts, streaks, the six weeks of nightly
//! stretching the trial ran, before and after, how nights with and
//! without stretching (or drinks) compare, and the advice that follows.
//! Pure: given the records and today's date, the same answer every time.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use console::Style;
use jiff::ToSpan;
use jiff::civil::Date;

use super::Records;
use super::compare::{self, Counts, Difference};
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

/// How the stats page is drawn, and what its comparisons count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Weeks charted and compared, this one included.
    pub weeks: usize,
    /// Columns the page may take.
    pub width: usize,
    /// Evenings with at least this many drinks are compared with the rest.
    pub evening_drinks: u32,
}

/// The trial stretched every night for six weeks.
pub const PROGRAMME_NIGHTS: i64 = 42;

/// Below this many nights on either side, a comparison says too little.
pub const FEWEST_NIGHTS: u32 = 7;

/// Drinks are compared once they are logged on this many evenings.
pub const FEWEST_DRINK_EVENINGS: u32 = 7;

/// Missed nights named on the page; more are counted instead.
const MISSED_NAMED: usize = 4;

fn add_days(date: Date, days: i64) -> Date {
    date.checked_add(days.days())
        .unwrap_or(if days < 0 { Date::MIN } else { Date::MAX })
}

/// Whole days from `from` to `to` (negative if `to` is earlier).
fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map_or(0, |span| i64::from(span.get_days()))
}

/// Every night from `from` to `to`, both included.
fn each_night(from: Date, to: Date) -> impl Iterator<Item = Date> {
    std::iter::successors((from <= to).then_some(from), move |night: &Date| {
        night.tomorrow().ok().filter(|next| *next <= to)
    })
}

/// The first night with anything in the journal: a cramp, a drink, or a
/// session in real time (a preview is only a look at a routine).
fn first_entry(records: &Records) -> Option<Date> {
    let sessions = records
        .sessions
        .iter()
        .filter(|s| (s.speed - 1.0).abs() < 1e-6)
        .map(|s| s.night);
    let cramps = records.cramps.iter().filter_map(|c| c.night);
    let drinks = records.drinks.iter().map(|d| d.night);
    sessions.chain(cramps).chain(drinks).min()
}

fn cramp_nights(cramps: &[Cramp]) -> BTreeSet<Date> {
    cramps.iter().filter_map(|c| c.night).collect()
}

/// The six weeks of nightly stretching, counted from the first stretched
/// night as in the trial; once they are over, the last six weeks.
#[derive(Debug, Clone, PartialEq)]
pub struct Programme {
    /// The first stretched night.
    pub began: Date,
    /// The week of the six it is in; `None` once the six weeks are done.
    pub week: Option<u32>,
    /// The nights counted: the first of them, and the last (last night, or
    /// tonight once it is stretched).
    pub from: Date,
    pub to: Date,
    pub nights: u32,
    pub stretched: u32,
    /// Nights in those without stretching, oldest first.
    pub missed: Vec<Date>,
}

impl Programme {
    /// The first night after the six weeks.
    pub fn ends(&self) -> Date {
        add_days(self.began, PROGRAMME_NIGHTS)
    }
}

/// Where the user is in the six weeks; `None` before the first stretched
/// night.
pub fn programme(sessions: &[SessionRecord], today: Date) -> Option<Programme> {
    let stretched = stretched_nights(sessions);
    let began = *stretched.range(..=today).next()?;
    // Tonight counts once it is stretched; until then the count stands on
    // last night.
    let to = if stretched.contains(&today) {
        today
    } else {
        today.yesterday().ok()?
    };
    let (week, from) = match days_between(began, today) {
        elapsed if elapsed < PROGRAMME_NIGHTS => (Some((elapsed / 7 + 1) as u32), began),
        _ => (None, add_days(to, 1 - PROGRAMME_NIGHTS)),
    };
    let mut counted = Programme {
        began,
        week,
        from,
        to,
        nights: 0,
        stretched: 0,
        missed: Vec::new(),
    };
    for night in each_night(from, to) {
        counted.nights += 1;
        if stretched.contains(&night) {
            counted.stretched += 1;
        } else {
            counted.missed.push(night);
        }
    }
    Some(counted)
}

/// Cramp nights a week, in the two weeks before the six began and in the
/// last two weeks (the 14 nights up to last night).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Since {
    /// `None` when the journal does not reach back two weeks before the
    /// first stretched night.
    pub before: Option<f64>,
    pub after: f64,
}

pub fn since_began(records: &Records, programme: &Programme, today: Date) -> Since {
    let cramps = cramp_nights(&records.cramps);
    let per_week = |from: Date, to: Date| per_week(&cramps, from, to);
    let start = add_days(programme.began, -14);
    let before = first_entry(records)
        .filter(|first| *first <= start)
        .map(|_| per_week(start, add_days(programme.began, -1)));
    Since {
        before,
        after: per_week(add_days(today, -14), add_days(today, -1)),
    }
}

/// Cramp nights a week over two weeks of nights, `from` to `to`.
fn per_week(cramps: &BTreeSet<Date>, from: Date, to: Date) -> f64 {
    f64::from(each_night(from, to).filter(|n| cramps.contains(n)).count() as u32) / 2.0
}

/// Once the six weeks are done, with stretching on 5 or more nights in
/// each of the last six weeks: no fewer cramp nights in the last two
/// weeks than before. Counted over the nights the before and after line
/// shows, so the two agree: before is the two weeks before the first
/// stretched night or, where the journal has nothing from then, the first
/// two of the last six weeks.
pub fn no_better(records: &Records, programme: &Programme, today: Date) -> Option<Advice> {
    if programme.week.is_some() {
        return None;
    }
    let stretched = stretched_nights(&records.sessions);
    let most_nights = (0..6).all(|week| {
        let start = add_days(programme.from, 7 * week);
        each_night(start, add_days(start, 6))
            .filter(|n| stretched.contains(n))
            .count()
            >= 5
    });
    if !most_nights {
        return None;
    }
    let since = since_began(records, programme, today);
    let before = since.before.unwrap_or_else(|| {
        per_week(
            &cramp_nights(&records.cramps),
            programme.from,
            add_days(programme.from, 13),
        )
    });
    (since.after > 0.0 && since.after >= before).then_some(Advice::NoBetter {
        before,
        after: since.after,
    })
}

const DRINKS_SHORT: &str = "That is no reason to drink more or less.";

/// One of the page's comparisons: what its two groups of nights are called.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Groups {
    /// "Stretching", the line's lead.
    topic: &'static str,
    /// "after stretching", "without": after the counts.
    first: String,
    second: String,
    /// "after stretching", "without stretching": after "nights".
    first_nights: String,
    second_nights: String,
    /// Said when each side still needs nights, so that "more nights
    /// without stretching needed" is not taken as advice.
    first_short: &'static str,
    second_short: &'static str,
}

impl Groups {
    fn stretching() -> Groups {
        Groups {
            topic: "Stretching:",
            first: "after stretching".into(),
            second: "without".into(),
            first_nights: "after stretching".into(),
            second_nights: "without stretching".into(),
            first_short: "",
            second_short: "That is no reason to skip stretching.",
        }
    }

    fn drinks(at_least: u32) -> Groups {
        if at_least <= 1 {
            Groups {
                topic: "Drinks:",
                first: "after a drink".into(),
                second: "after none".into(),
                first_nights: "after a drink".into(),
                second_nights: "without a drink".into(),
                first_short: DRINKS_SHORT,
                second_short: DRINKS_SHORT,
            }
        } else {
            let more = format!("after {at_least} or more drinks");
            Groups {
                topic: "Drinks:",
                first: more.clone(),
                second: "after fewer".into(),
                first_nights: more,
                second_nights: "after fewer drinks".into(),
                first_short: DRINKS_SHORT,
                second_short: DRINKS_SHORT,
            }
        }
    }
}

/// The nights the page compares and how they fall into groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compared {
    /// The first and last night compared (last night at the latest).
    pub from: Date,
    pub to: Date,
    /// Cramp nights after stretching, then without.
    pub stretching: Counts,
    /// Evenings in those nights with a drink logged.
    pub drink_evenings: u32,
    /// Cramp nights after at least `evening_drinks` drinks, then after
    /// fewer: from the first evening with a drink logged, as nights before
    /// it say nothing about drinks.
    pub drinks: Counts,
}

/// Every night of the shown weeks from the journal's first entry on, up
/// to last night (tonight's cramps cannot have happened yet); `None` when
/// there is no such night.
pub fn compared(records: &Records, today: Date, options: &Options) -> Option<Compared> {
    let shown_since = add_days(monday_of(today), -7 * (options.weeks.max(1) as i64 - 1));
    let from = first_entry(records)?.max(shown_since);
    let to = today.yesterday().ok()?;
    if from > to {
        return None;
    }
    let stretched = stretched_nights(&records.sessions);
    let cramps = cramp_nights(&records.cramps);
    let mut drinks: BTreeMap<Date, u32> = BTreeMap::new();
    for drink in &records.drinks {
        *drinks.entry(drink.night).or_default() += 1;
    }
    let at_least = options.evening_drinks.max(1);
    let first_drink = drinks.keys().next().copied().unwrap_or(Date::MAX);
    let mut out = Compared {
        from,
        to,
        stretching: Counts::default(),
        drink_evenings: 0,
        drinks: Counts::default(),
    };
    let tally = |group: &mut (u32, u32), cramp: bool| {
        group.0 += u32::from(cramp);
        group.1 += 1;
    };
    for night in each_night(from, to) {
        let cramp = cramps.contains(&night);
        if stretched.contains(&night) {
            tally(&mut out.stretching.first, cramp);
        } else {
            tally(&mut out.stretching.second, cramp);
        }
        if night < first_drink {
            continue;
        }
        let count = drinks.get(&night).copied().unwrap_or(0);
        out.drink_evenings += u32::from(count > 0);
        if count >= at_least {
            tally(&mut out.drinks.first, cramp);
        } else {
            tally(&mut out.drinks.second, cramp);
        }
    }
    Some(out)
}

/// Nights still needed on each side before a comparison says anything.
pub fn nights_needed(counts: &Counts) -> (u32, u32) {
    (
        FEWEST_NIGHTS.saturating_sub(counts.first.1),
        FEWEST_NIGHTS.saturating_sub(counts.second.1),
    )
}

fn nights_word(n: u32) -> String {
    super::count(n as usize, "night")
}

/// "49" in every 100 nights; below one, to a tenth, so that a small gap
/// is not said as none.
fn per_hundred(share: f64) -> String {
    let value = (share * 100.0).abs();
    if value > 0.0 && value < 0.95 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    }
}

/// "12 fewer", "3 more".
fn gap(share: f64) -> String {
    if share < 0.0 {
        format!("{} fewer", per_hundred(share))
    } else {
        format!("{} more", per_hundred(share))
    }
}

/// How sure a difference is, in plain words: whether its 95% interval
/// lies wholly below or above nothing, or spans it. `subject` is the
/// first group ("Nights after stretching"). Says what went together,
/// never what brought it about.
fn how_sure(subject: &str, difference: &Difference) -> String {
    let Difference { estimate, interval } = *difference;
    if interval.high < 0.0 {
        format!(
            "{subject} had fewer cramps: {} fewer in every 100 nights, or between {} and {} \
             fewer allowing for chance (95% interval). A gap this size is unlikely to be \
             chance alone.",
            per_hundred(estimate),
            per_hundred(interval.high),
            per_hundred(interval.low)
        )
    } else if interval.low > 0.0 {
        format!(
            "{subject} had more cramps: {} more in every 100 nights, or between {} and {} \
             more allowing for chance (95% interval). A gap this size is unlikely to be \
             chance alone.",
            per_hundred(estimate),
            per_hundred(interval.low),
            per_hundred(interval.high)
        )
    } else {
        // A gap under half a night in a hundred is no gap to speak of.
        let seen = if estimate.abs() < 0.005 {
            "had cramps about as often as the others".to_owned()
        } else {
            format!(
                "had {} cramps ({} in every 100 nights)",
                if estimate < 0.0 { "fewer" } else { "more" },
                gap(estimate)
            )
        };
        format!(
            "{subject} {seen}, but the difference could be chance: allowing for it (95% \
             interval), anywhere from {} to {} in every 100 nights.",
            gap(interval.low),
            gap(interval.high)
        )
    }
}

/// "Not enough nights yet to compare: 4 more nights without stretching
/// needed."
fn not_enough(groups: &Groups, needed: (u32, u32)) -> String {
    let side = |n: u32, tail: &str| {
        let night = if n == 1 { "night" } else { "nights" };
        format!("{n} more {night} {tail}")
    };
    let what = match needed {
        (0, n) => side(n, &groups.second_nights),
        (n, 0) => side(n, &groups.first_nights),
        (a, b) => format!(
            "{} and {}",
            side(a, &groups.first_nights),
            side(b, &groups.second_nights)
        ),
    };
    let note = if needed.1 > 0 {
        groups.second_short
    } else {
        groups.first_short
    };
    let mut text = format!("Not enough nights yet to compare: {what} needed.");
    if !note.is_empty() {
        text.push(' ');
        text.push_str(note);
    }
    text
}

/// "after stretching ███ 15%" over "without ████████ 64%", within
/// `width` columns.
fn pair_chart(out: &mut String, groups: &Groups, counts: &Counts, width: usize, style: &Style) {
    let labels = [groups.first.as_str(), groups.second.as_str()];
    let label_width = labels
        .iter()
        .map(|l| console::measure_text_width(l))
        .max()
        .unwrap_or(0);
    let bar_room = width.saturating_sub(label_width + 10).clamp(5, 42);
    for (label, (hits, nights)) in labels.iter().zip([counts.first, counts.second]) {
        let share = if nights == 0 {
            0.0
        } else {
            f64::from(hits) / f64::from(nights)
        };
        let cells = ((share * bar_room as f64).round() as usize).min(bar_room);
        let _ = writeln!(
            out,
            "  {label:<label_width$}  {}{} {:>3.0}%",
            style.apply_to("█".repeat(cells)),
            " ".repeat(bar_room - cells),
            share * 100.0
        );
    }
}

/// One comparison: the counts, and then the chart and how sure, or how
/// many more nights it needs.
fn comparison(out: &mut String, groups: &Groups, counts: &Counts, width: usize, paint: &Paints) {
    let ((a, m), (b, n)) = (counts.first, counts.second);
    let counted = match (m, n) {
        (0, 0) => format!(
            "no nights {} yet, nor {} yet.",
            groups.first_nights, groups.second_nights
        ),
        (0, n) => format!(
            "no nights {} yet; cramps on {b} of {} {}.",
            groups.first_nights,
            nights_word(n),
            groups.second_nights
        ),
        (m, 0) => format!(
            "cramps on {a} of {} {}; no nights {} yet.",
            nights_word(m),
            groups.first_nights,
            groups.second_nights
        ),
        (m, n) => format!(
            "cramps on {a} of {} {}, {b} of {n} {}.",
            nights_word(m),
            groups.first,
            groups.second
        ),
    };
    paragraph(out, groups.topic, &counted, width, &paint.bold);
    let needed = nights_needed(counts);
    if needed != (0, 0) {
        paragraph(out, "", &not_enough(groups, needed), width, &paint.bold);
        return;
    }
    pair_chart(out, groups, counts, width, &paint.cramps);
    if let Some(difference) = compare::newcombe(*counts) {
        let subject = format!("Nights {}", groups.first_nights);
        paragraph(
            out,
            "",
            &how_sure(&subject, &difference),
            width,
            &paint.bold,
        );
    }
}

/// The styles the page's sentences and bars use.
struct Paints {
    bold: Style,
    cramps: Style,
}

/// A no-break space, which holds a date together while lines are wrapped.
const HOLD: char = '\u{a0}';

/// `text` with the space after each weekday or month name made a no-break
/// one, so that "Tue Nov 17" is never split across lines.
fn dates_held(text: &str) -> String {
    const NAMES: [&str; 19] = [
        "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Jan", "Feb", "Mar", "Apr", "May", "Jun",
        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let words: Vec<&str> = text.split(' ').collect();
    let mut out = String::with_capacity(text.len());
    for (i, word) in words.iter().enumerate() {
        out.push_str(word);
        if i + 1 < words.len() {
            out.push(if NAMES.contains(word) { HOLD } else { ' ' });
        }
    }
    out
}

/// `text` in lines within `width`, the first starting with `first` and
/// the others with `rest`, no date split.
fn wrapped(first: &str, rest: &str, text: &str, width: usize) -> Vec<String> {
    super::wrap(first, rest, &dates_held(text), width.max(20))
        .into_iter()
        .map(|line| line.replace(HOLD, " "))
        .collect()
}

/// `text` after a bold `lead`, wrapped within `width`, later lines
/// indented.
fn paragraph(out: &mut String, lead: &str, text: &str, width: usize, bold: &Style) {
    let whole = if lead.is_empty() {
        text.to_owned()
    } else {
        format!("{lead} {text}")
    };
    for (i, line) in wrapped("", "  ", &whole, width).into_iter().enumerate() {
        match line.strip_prefix(lead) {
            Some(rest) if i == 0 && !lead.is_empty() => {
                let _ = writeln!(out, "{}{rest}", bold.apply_to(lead));
            }
            _ => {
                let _ = writeln!(out, "{line}");
            }
        }
    }
}

/// "Tue Nov 17, Thu Nov 19 and 3 earlier".
fn missed_words(missed: &[Date]) -> String {
    let name = |d: &Date| d.strftime("%a %b %d").to_string();
    let (earlier, named) = if missed.len() > MISSED_NAMED {
        missed.split_at(missed.len() - (MISSED_NAMED - 1))
    } else {
        (&missed[..0], missed)
    };
    let mut names: Vec<String> = named.iter().map(name).collect();
    if !earlier.is_empty() {
        names.push(format!("{} earlier", earlier.len()));
    }
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The six weeks' lines: where the user is, the nights missed, and
/// before and after once the six weeks are done.
fn programme_lines(
    out: &mut String,
    records: &Records,
    programme: &Programme,
    today: Date,
    width: usize,
    bold: &Style,
) {
    let record = format!(
        "stretched {} of {}",
        programme.stretched,
        nights_word(programme.nights)
    );
    let missed = match programme.missed.len() {
        0 => ", none missed.".to_owned(),
        n => format!(" (missed {n}: {}).", missed_words(&programme.missed)),
    };
    match programme.week {
        Some(week) => {
            paragraph(
                out,
                &format!("Week {week} of 6:"),
                &format!("{record}{missed}"),
                width,
                bold,
            );
            paragraph(
                out,
                "Before and after:",
                &format!(
                    "shown once the six weeks are done, from {}.",
                    programme.ends().strftime("%a %b %d")
                ),
                width,
                bold,
            );
        }
        None => {
            paragraph(
                out,
                "Six weeks done:",
                &format!(
                    "you began on {}. In the last six weeks you {record}{missed}",
                    programme.began.strftime("%a %b %d")
                ),
                width,
                bold,
            );
            let since = since_began(records, programme, today);
            let text = match since.before {
                Some(before) => format!(
                    "cramps on {before:.1} nights a week in the two weeks before you began, \
                     {:.1} in the last two weeks.",
                    since.after
                ),
                None => format!(
                    "the journal has nothing from the two weeks before you began, so only the \
                     last two weeks can be shown: cramps on {:.1} nights a week.",
                    since.after
                ),
            };
            paragraph(out, "Before and after:", &text, width, bold);
        }
    }
}

/// The comparisons of nights with and without stretching, and with more
/// or fewer drinks, closed by what they can and cannot say.
fn with_and_without(out: &mut String, compared: &Compared, options: &Options, paints: &Paints) {
    let width = options.width;
    let nights = days_between(compared.from, compared.to) + 1;
    let span = if compared.from == compared.to {
        week_name(compared.from)
    } else {
        format!("{} to {}", week_name(compared.from), week_name(compared.to))
    };
    let _ = writeln!(
        out,
        "{} {span} ({})",
        paints.bold.apply_to("With and without,"),
        super::count(usize::try_from(nights).unwrap_or(0), "night"),
    );
    comparison(
        out,
        &Groups::stretching(),
        &compared.stretching,
        width,
        paints,
    );
    let groups = Groups::drinks(options.evening_drinks);
    let short = FEWEST_DRINK_EVENINGS.saturating_sub(compared.drink_evenings);
    if short == 0 {
        comparison(out, &groups, &compared.drinks, width, paints);
    } else {
        let so_far = match compared.drink_evenings {
            0 => "none logged yet".to_owned(),
            n => format!("logged on {} so far", super::count(n as usize, "evening")),
        };
        paragraph(
            out,
            groups.topic,
            &format!(
                "{so_far}; {short} more {} with drinks logged needed to compare (log them \
                 with `nocturne log drink`).",
                if short == 1 { "evening" } else { "evenings" }
            ),
            width,
            &paints.bold,
        );
    }
    paragraph(
        out,
        "",
        "This is your own record, not a medical finding. Nights differ in many ways, so it \
         shows what went together, not why.",
        width,
        &paints.bold,
    );
}

/// The stats page, drawn to `width` columns.
pub fn render(
    records: &Records,
    today: Date,
    tz: &jiff::tz::TimeZone,
    options: &Options,
    paint: impl Into<crate::theme::Paint>,
) -> String {
    let paint = paint.into();
    let Records {
        sessions, cramps, ..
    } = records;
    let width = options.width;
    let all = weeks(sessions, cramps, today);
    let shown = &all[all.len().saturating_sub(options.weeks)..];
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
    // Once stretching has begun, before and after is counted from the
    // first stretched night, as in the trial; until then, from the
    // journal's first weeks.
    let six_weeks = programme(sessions, today);
    match &six_weeks {
        Some(six_weeks) => programme_lines(&mut out, records, six_weeks, today, width, &bold),
        None => {
            let text = match before_after(&all) {
                Some((before, after)) => format!(
                    "{before:.1} cramp nights a week in your first two weeks, {after:.1} in \
                     the last two"
                ),
                None => "after four full weeks in the journal".to_owned(),
            };
            paragraph(&mut out, "Before and after:", &text, width, &bold);
        }
    }
    out.push('\n');

    if let Some(compared) = compared(records, today, options) {
        let paints = Paints {
            bold: bold.clone(),
            cramps: paint.series(1),
        };
        with_and_without(&mut out, &compared, options, &paints);
        out.push('\n');
    }

    let mut found = advice(&all);
    // "No better" speaks of the six weeks: it is counted over the nights the
    // before and after line shows, once they are done.
    found.retain(|a| !matches!(a, Advice::NoBetter { .. }));
    if let Some(six_weeks) = &six_weeks {
        found.extend(no_better(records, six_weeks, today));
    }
    // Cramps in the weeks shown that were worth a doctor's visit on their own.
    let since = shown.first().map_or(today, |w| w.start);
    let flagged: Vec<&Cramp> = cramps
        .iter()
        .filter(|c| c.night.is_some_and(|n| n >= since) && !super::red_flags(c).is_empty())
        .collect();
    // Each point wrapped within the width, its later lines indented.
    let point = |out: &mut String, text: &str| {
        for line in wrapped("- ", "  ", text, width) {
            let _ = writeln!(out, "{line}");
        }
    };
    if found.is_empty() && flagged.is_empty() {
        paragraph(
            &mut out,
            "",
            "None of the patterns the journal looks for has shown up (it takes a few weeks of \
             entries to see them). If your cramps worry you, see a doctor anyway.",
            width,
            &bold,
        );
    } else {
        let _ = writeln!(out, "{}", bold.apply_to("Worth discussing with a doctor:"));
        for advice in &found {
            point(&mut out, &advice.words());
        }
        for cramp in flagged {
            let why = if cramp.swelling || cramp.redness {
                "a swollen or red leg can be more than a cramp"
            } else if cramp.numbness || cramp.weakness {
                "numbness or weakness can come from the nerves or muscles"
            } else {
                "a cramp that lasts over 10 minutes may have another cause"
            };
            point(
                &mut out,
                &format!("The cramp of {}: {why}.", super::describe(cramp, tz, true)),
            );
        }
        paragraph(
            &mut out,
            "",
            "This is what the journal shows, not a diagnosis. A doctor can look at the whole \
             picture, including medicines you take.",
            width,
            &bold,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::record::DrinkSource;
    use super::super::store::Drink;
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

    fn records(sessions: Vec<SessionRecord>, cramps: Vec<Cramp>) -> Records {
        Records {
            sessions,
            cramps,
            drinks: Vec::new(),
        }
    }

    /// The page as `nocturne stats --weeks WEEKS` draws it on `today`,
    /// with drinks compared from two an evening.
    fn page_of(journal: &Records, today: &str, weeks: usize, width: usize, color: bool) -> String {
        let options = Options {
            weeks,
            width,
            evening_drinks: 2,
        };
        render(
            journal,
            day(today),
            &jiff::tz::TimeZone::UTC,
            &options,
            color,
        )
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
    fn a_first_night_is_counted_in_words_that_fit_it() {
        // One cramp last night, nothing else: a night without stretching
        // and none after it.
        let page = page_of(
            &records(vec![], vec![cramp(day("2026-11-28"), 5)]),
            TODAY,
            2,
            80,
            false,
        );
        assert!(
            page.contains(
                "With and without, Nov 28 (1 night)\n\
                 Stretching: no nights after stretching yet; cramps on 1 of 1 night without\n  \
                 stretching.\n"
            ),
            "{page}"
        );
        let page = page_of(
            &records(vec![session(day("2026-11-28"))], vec![]),
            TODAY,
            2,
            80,
            false,
        );
        assert!(
            page.contains(
                "Stretching: cramps on 0 of 1 night after stretching; no nights without\n  \
                 stretching yet.\n"
            ),
            "{page}"
        );
    }

    #[test]
    fn a_cramp_with_a_red_flag_is_named_in_the_stats() {
        let mut flagged = cramp(day("2026-11-24"), 7);
        flagged.lasted_s = Some(20 * 60);
        flagged.swelling = true;
        flagged.leg = Some(super::super::record::Leg::Left);
        flagged.muscle = Some(super::super::record::Muscle::Calf);
        let page = page_of(&records(vec![], vec![flagged]), TODAY, 4, 60, false);
        assert!(
            page.contains(
                "Worth discussing with a doctor:\n\
                 - The cramp of Tue 2026-11-24 02:10, left calf, lasted 20m,\n  \
                 pain 7 of 10, with swelling: a swollen or red leg can be\n  \
                 more than a cramp.\n"
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
        let journal = records(sessions, cramps);
        let plain = page_of(&journal, TODAY, 3, 60, false);
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
            // Stretching began on Oct 26: before and after waits for the
            // end of the six weeks rather than counting from the journal's
            // first weeks.
            "Week 5 of 6: stretched 25 of 34 nights (missed 9:",
            "  Thu Nov 26, Fri Nov 27, Sat Nov 28 and 6 earlier).",
            "Before and after: shown once the six weeks are done, from",
            "  Mon Dec 07.",
            "",
            "With and without, Nov 09 to Nov 28 (20 nights)",
            "Stretching: cramps on 1 of 13 nights after stretching, 1 of",
            "  7 without.",
            "  after stretching  ███                                  8%",
            "  without           █████                               14%",
            "Nights after stretching had fewer cramps (7 fewer in every",
            "  100 nights), but the difference could be chance: allowing",
            "  for it (95% interval), anywhere from 44 fewer to 22 more",
            "  in every 100 nights.",
            "Drinks: none logged yet; 7 more evenings with drinks logged",
            "  needed to compare (log them with `nocturne log drink`).",
            "This is your own record, not a medical finding. Nights",
            "  differ in many ways, so it shows what went together, not",
            "  why.",
            "",
            "None of the patterns the journal looks for has shown up (it",
            "  takes a few weeks of entries to see them). If your cramps",
            "  worry you, see a doctor anyway.",
        ];
        assert_eq!(plain.lines().collect::<Vec<_>>(), expected);
        let coloured = page_of(&journal, TODAY, 3, 60, true);
        assert!(coloured.contains("\u{1b}[32m"), "green bars");
        assert_eq!(console::strip_ansi_codes(&coloured), plain);
    }

    fn drink(night: Date) -> Drink {
        Drink {
            id: None,
            night,
            at: format!("{night}T21:00:00+01:00"),
            amount_ml: 250,
            source: DrinkSource::Log,
            session_id: None,
            step_index: None,
            logged_at: format!("{night}T21:00:00+01:00"),
        }
    }

    /// Every night from `from` for `count` nights.
    fn run_of(from: &str, count: i64) -> Vec<Date> {
        (0..count).map(|n| add_days(day(from), n)).collect()
    }

    fn stretched_on(nights: &[Date]) -> Vec<SessionRecord> {
        nights.iter().map(|n| session(*n)).collect()
    }

    fn cramps_on(nights: &[Date]) -> Vec<Cramp> {
        nights.iter().map(|n| cramp(*n, 5)).collect()
    }

    /// The lines of `page` from its streak to its closing note, where the
    /// six weeks and the comparisons are.
    fn middle(page: &str) -> Vec<&str> {
        page.lines()
            .skip_while(|l| !l.starts_with("Streak:"))
            .skip(1)
            .take_while(|l| {
                ![
                    "This is your own record",
                    "None of the patterns",
                    "Worth discussing",
                ]
                .iter()
                .any(|end| l.starts_with(end))
            })
            .collect()
    }

    #[test]
    fn the_six_weeks_count_from_the_first_stretched_night() {
        // Stretching began on Tue Nov 10 and missed two nights since.
        let nights: Vec<Date> = run_of("2026-11-10", 19)
            .into_iter()
            .filter(|n| *n != day("2026-11-17") && *n != day("2026-11-21"))
            .collect();
        let journal = records(stretched_on(&nights), vec![]);
        let found = programme(&journal.sessions, day(TODAY)).unwrap();
        assert_eq!(
            (found.week, found.nights, found.stretched),
            (Some(3), 19, 17)
        );
        assert_eq!(found.missed, [day("2026-11-17"), day("2026-11-21")]);
        let page = page_of(&journal, TODAY, 8, 100, false);
        assert!(
            page.contains(
                "\nWeek 3 of 6: stretched 17 of 19 nights (missed 2: Tue Nov 17 and Sat Nov 21).\n\
                 Before and after: shown once the six weeks are done, from Tue Dec 22.\n"
            ),
            "{page}"
        );
        // Tonight counts once it is stretched.
        let mut tonight = journal.clone();
        tonight.sessions.push(session(day(TODAY)));
        assert!(
            page_of(&tonight, TODAY, 8, 100, false)
                .contains("Week 3 of 6: stretched 18 of 20 nights (missed 2: "),
        );
        // The first night, and a run with nothing missed.
        let first = records(stretched_on(&[day(TODAY)]), vec![]);
        assert!(
            page_of(&first, TODAY, 8, 100, false)
                .contains("\nWeek 1 of 6: stretched 1 of 1 night, none missed.\n")
        );
        // No stretching yet: no week, and before and after as before.
        let none = records(vec![], cramps_on(&[day("2026-11-20")]));
        let page = page_of(&none, TODAY, 8, 100, false);
        assert!(!page.contains("of 6:"), "{page}");
        assert!(page.contains("\nBefore and after: after four full weeks in the journal\n"));
    }

    #[test]
    fn many_missed_nights_are_named_only_the_last_few() {
        // Began Sun Nov 01; stretched only on Sundays since.
        let nights = [
            day("2026-11-01"),
            day("2026-11-08"),
            day("2026-11-15"),
            day("2026-11-22"),
        ];
        let page = page_of(
            &records(stretched_on(&nights), vec![]),
            TODAY,
            8,
            200,
            false,
        );
        assert!(
            page.contains(
                "\nWeek 5 of 6: stretched 4 of 28 nights (missed 24: Thu Nov 26, Fri Nov 27, \
                 Sat Nov 28 and 21 earlier).\n"
            ),
            "{page}"
        );
        assert_eq!(missed_words(&nights[..1]), "Sun Nov 01");
        assert_eq!(
            missed_words(&nights),
            "Sun Nov 01, Sun Nov 08, Sun Nov 15 and Sun Nov 22"
        );
    }

    #[test]
    fn after_six_weeks_the_last_six_weeks_are_shown() {
        // Day 42 of the six weeks is still week 6; the day after, they are done.
        let began = run_of("2026-10-18", 42);
        let journal = records(stretched_on(&began), vec![]);
        let last_week = programme(&journal.sessions, day("2026-11-28")).unwrap();
        assert_eq!((last_week.week, last_week.nights), (Some(6), 42));
        let done = programme(&journal.sessions, day(TODAY)).unwrap();
        assert_eq!(done.week, None);
        assert_eq!((done.from, done.to), (day("2026-10-18"), day("2026-11-28")));

        // Begun on Thu Oct 01, every night but two since.
        let nights: Vec<Date> = run_of("2026-10-01", 59)
            .into_iter()
            .filter(|n| *n != day("2026-10-10") && *n != day("2026-11-11"))
            .collect();
        let journal = records(stretched_on(&nights), vec![]);
        let page = page_of(&journal, TODAY, 8, 200, false);
        // Oct 10 was before the last six weeks (Oct 18 to Nov 28).
        assert!(
            page.contains(
                "\nSix weeks done: you began on Thu Oct 01. In the last six weeks you \
                 stretched 41 of 42 nights (missed 1: Wed Nov 11).\n"
            ),
            "{page}"
        );
    }

    #[test]
    fn before_and_after_compares_the_two_weeks_before_the_start_with_the_last_two() {
        // Cramps on 5 of the 14 nights before stretching began on Oct 01,
        // then on 1 of the last 14 nights.
        let mut cramps = cramps_on(&run_of("2026-09-17", 5));
        cramps.push(cramp(day("2026-11-20"), 3));
        // One before the last two weeks, which does not count.
        cramps.push(cramp(day("2026-11-14"), 3));
        let journal = records(stretched_on(&run_of("2026-10-01", 59)), cramps);
        let page = page_of(&journal, TODAY, 8, 200, false);
        assert!(
            page.contains(
                "\nBefore and after: cramps on 2.5 nights a week in the two weeks before you \
                 began, 0.5 in the last two weeks.\n"
            ),
            "{page}"
        );
        assert_eq!(
            since_began(
                &journal,
                &programme(&journal.sessions, day(TODAY)).unwrap(),
                day(TODAY)
            ),
            Since {
                before: Some(2.5),
                after: 1.0 / 2.0
            }
        );
        // A journal that begins with the stretching has no before.
        let journal = records(
            stretched_on(&run_of("2026-10-01", 59)),
            cramps_on(&[day("2026-11-20")]),
        );
        assert!(page_of(&journal, TODAY, 8, 200, false).contains(
            "\nBefore and after: the journal has nothing from the two weeks before you \
                 began, so only the last two weeks can be shown: cramps on 0.5 nights a week.\n"
        ));
        // Nor does one that reaches back only ten nights before it.
        let mut journal = journal;
        journal.cramps.push(cramp(day("2026-09-21"), 4));
        assert_eq!(
            since_began(
                &journal,
                &programme(&journal.sessions, day(TODAY)).unwrap(),
                day(TODAY)
            )
            .before,
            None
        );
    }

    /// 34 nights, Oct 26 to Nov 28: stretched on the first 20, with cramps
    /// on 3 of them, and not on the last 14, with cramps on 9.
    fn three_in_twenty_and_nine_in_fourteen() -> Records {
        let stretched = run_of("2026-10-26", 20);
        let without = run_of("2026-11-15", 14);
        let mut cramp_nights = vec![stretched[0], stretched[7], stretched[15]];
        cramp_nights.extend_from_slice(&without[..9]);
        records(stretched_on(&stretched), cramps_on(&cramp_nights))
    }

    #[test]
    fn nights_after_stretching_are_compared_with_nights_without() {
        let journal = three_in_twenty_and_nine_in_fourteen();
        let options = Options {
            weeks: 8,
            width: 80,
            evening_drinks: 2,
        };
        let found = compared(&journal, day(TODAY), &options).unwrap();
        assert_eq!(
            (found.from, found.to),
            (day("2026-10-26"), day("2026-11-28"))
        );
        assert_eq!(
            found.stretching,
            Counts {
                first: (3, 20),
                second: (9, 14)
            }
        );
        let page = page_of(&journal, TODAY, 8, 80, false);
        let lines = middle(&page);
        let section: Vec<&str> = lines
            .iter()
            .copied()
            .skip_while(|l| !l.starts_with("With and without"))
            .take(9)
            .collect();
        assert_eq!(
            section,
            [
                "With and without, Oct 26 to Nov 28 (34 nights)",
                "Stretching: cramps on 3 of 20 nights after stretching, 9 of 14 without.",
                "  after stretching  ██████                                      15%",
                "  without           ███████████████████████████                 64%",
                // -0.4929, from -0.7098 to -0.1621 (see compare.rs).
                "Nights after stretching had fewer cramps: 49 fewer in every 100 nights, or",
                "  between 16 and 71 fewer allowing for chance (95% interval). A gap this size is",
                "  unlikely to be chance alone.",
                "Drinks: none logged yet; 7 more evenings with drinks logged needed to compare",
                "  (log them with `nocturne log drink`).",
            ],
            "{page}"
        );
        assert!(page.contains(
            "\nThis is your own record, not a medical finding. Nights differ in many ways, so\n  \
             it shows what went together, not why.\n"
        ));
        // The other way round: more cramps after stretching.
        let mut turned = journal.clone();
        turned.sessions = stretched_on(&run_of("2026-11-15", 14));
        turned.sessions.push(session(day("2026-10-26")));
        let page = page_of(&turned, TODAY, 8, 1000, false);
        assert!(
            page.contains(
                "Stretching: cramps on 10 of 15 nights after stretching, 2 of 19 without.\n"
            ),
            "{page}"
        );
        assert!(
            page.contains("Nights after stretching had more cramps: "),
            "{page}"
        );
        // A window of the last three weeks only: Nov 09 on.
        let page = page_of(&journal, TODAY, 3, 1000, false);
        assert!(
            page.contains("With and without, Nov 09 to Nov 28 (20 nights)\n"),
            "{page}"
        );
        assert!(page.contains("cramps on 1 of 6 nights after stretching, 9 of 14 without."));
    }

    #[test]
    fn a_difference_that_could_be_chance_says_so() {
        let words = |a, m, b, n| {
            how_sure(
                "Nights after stretching",
                &compare::newcombe(Counts {
                    first: (a, m),
                    second: (b, n),
                })
                .unwrap(),
            )
        };
        assert_eq!(
            words(2, 10, 3, 10),
            "Nights after stretching had fewer cramps (10 fewer in every 100 nights), but the \
             difference could be chance: allowing for it (95% interval), anywhere from 44 fewer \
             to 26 more in every 100 nights."
        );
        assert!(words(2, 10, 2, 10).starts_with(
            "Nights after stretching had cramps about as often as the others, but the difference \
                 could be chance: "
        ));
        assert!(
            words(4, 10, 3, 10).starts_with("Nights after stretching had more cramps (10 more")
        );
        // A bound under one in a hundred is said to a tenth, not as none.
        assert_eq!(per_hundred(-0.004), "0.4");
        assert_eq!(per_hundred(0.0), "0");
        assert_eq!(per_hundred(0.4929), "49");
    }

    #[test]
    fn too_few_nights_on_a_side_say_how_many_more_are_needed() {
        let page = |stretched: i64, without: i64| {
            let first = add_days(day(TODAY), -(stretched + without));
            let journal = records(
                stretched_on(&run_of(&first.to_string(), stretched)),
                cramps_on(&[first]),
            );
            page_of(&journal, TODAY, 8, 1000, false)
        };
        let short = page(5, 3);
        assert!(
            short.contains(
                "\nStretching: cramps on 1 of 5 nights after stretching, 0 of 3 without.\n\
                 Not enough nights yet to compare: 2 more nights after stretching and 4 more \
                 nights without stretching needed. That is no reason to skip stretching.\n"
            ),
            "{short}"
        );
        assert!(!short.contains("% "), "no chart yet: {short}");
        assert!(page(10, 6).contains(
            "\nNot enough nights yet to compare: 1 more night without stretching needed. \
             That is no reason to skip stretching.\n"
        ));
        assert!(page(6, 9).contains(
            "\nNot enough nights yet to compare: 1 more night after stretching needed.\n"
        ));
        // Seven on each side is enough.
        assert!(!page(7, 7).contains("Not enough nights"));
        assert_eq!(
            nights_needed(&Counts {
                first: (0, 7),
                second: (0, 0)
            }),
            (0, 7)
        );
    }

    #[test]
    fn drinks_are_compared_once_logged_on_seven_evenings() {
        let mut journal = three_in_twenty_and_nine_in_fourteen();
        // Two drinks on the evenings Nov 09 to Nov 14 (cramps on one of
        // them), and one on Nov 15.
        for night in run_of("2026-11-09", 6) {
            journal.drinks.push(drink(night));
            journal.drinks.push(drink(night));
        }
        journal.drinks.push(drink(day("2026-11-15")));
        let page = page_of(&journal, TODAY, 8, 1000, false);
        let options = Options {
            weeks: 8,
            width: 80,
            evening_drinks: 2,
        };
        // Nights from the first drink on: Nov 09 to Nov 28.
        let found = compared(&journal, day(TODAY), &options).unwrap();
        assert_eq!(found.drink_evenings, 7);
        assert_eq!(
            found.drinks,
            Counts {
                first: (1, 6),
                second: (9, 14)
            }
        );
        assert!(
            page.contains(
                "\nDrinks: cramps on 1 of 6 nights after 2 or more drinks, 9 of 14 after fewer.\n\
                 Not enough nights yet to compare: 1 more night after 2 or more drinks needed. \
                 That is no reason to drink more or less.\n"
            ),
            "{page}"
        );
        // One evening fewer: not compared yet.
        journal.drinks.pop();
        let page = page_of(&journal, TODAY, 8, 1000, false);
        assert!(
            page.contains(
                "\nDrinks: logged on 6 evenings so far; 1 more evening with drinks logged \
                 needed to compare (log them with `nocturne log drink`).\n"
            ),
            "{page}"
        );
        assert!(!page.contains("after 2 or more drinks"), "{page}");
        // A seventh evening with two drinks, and the threshold of one.
        journal.drinks.push(drink(day("2026-11-15")));
        journal.drinks.push(drink(day("2026-11-15")));
        let page = page_of(&journal, TODAY, 8, 1000, false);
        assert!(
            page.contains(
                "\nDrinks: cramps on 2 of 7 nights after 2 or more drinks, 8 of 13 after fewer.\n  \
                 after 2 or more drinks  "
            ),
            "{page}"
        );
        assert!(
            page.contains("Nights after 2 or more drinks had "),
            "{page}"
        );
        let one = render(
            &journal,
            day(TODAY),
            &jiff::tz::TimeZone::UTC,
            &Options {
                evening_drinks: 1,
                ..options
            },
            false,
        );
        assert!(
            one.contains("\nDrinks: cramps on 2 of 7 nights after a drink, 8 of 13 after none.\n"),
            "{one}"
        );
    }

    #[test]
    fn the_comparisons_never_speak_of_cause_and_fit_the_terminal() {
        let mut drinking = three_in_twenty_and_nine_in_fourteen();
        for night in run_of("2026-11-01", 10) {
            drinking.drinks.push(drink(night));
            drinking.drinks.push(drink(night));
        }
        let journals = [
            three_in_twenty_and_nine_in_fourteen(),
            drinking,
            records(
                stretched_on(&run_of("2026-10-01", 59)),
                cramps_on(&run_of("2026-09-20", 3)),
            ),
            records(vec![], cramps_on(&run_of("2026-11-20", 3))),
            Records::default(),
        ];
        for journal in &journals {
            for width in [60, 80] {
                let page = page_of(journal, TODAY, 8, width, false);
                let lower = page.to_lowercase();
                for word in ["prevent", "cause", "works", "quinine"] {
                    assert!(!lower.contains(word), "{word}: {page}");
                }
                for line in middle(&page) {
                    assert!(
                        console::measure_text_width(line) <= width,
                        "wider than {width}: {line:?}\n{page}"
                    );
                }
            }
        }
        // Nothing to compare in an empty journal, or on its first night.
        assert!(!page_of(&Records::default(), TODAY, 8, 80, false).contains("With and without"));
        let first = records(vec![], cramps_on(&[day(TODAY)]));
        assert!(!page_of(&first, TODAY, 8, 80, false).contains("With and without"));
    }

    #[test]
    fn no_better_agrees_with_before_and_after() {
        // Every night since Oct 01; a cramp a week all along (on Saturdays
        // from Oct 17, and on two Thursdays before the start).
        let saturdays = [
            "2026-09-17",
            "2026-09-24",
            "2026-10-17",
            "2026-10-24",
            "2026-10-31",
            "2026-11-07",
            "2026-11-14",
            "2026-11-21",
            "2026-11-28",
        ];
        let nights: Vec<Date> = saturdays.iter().map(|n| day(n)).collect();
        let journal = records(stretched_on(&run_of("2026-10-01", 59)), cramps_on(&nights));
        let page = page_of(&journal, TODAY, 8, 1000, false);
        assert!(page.contains(
            "\nBefore and after: cramps on 1.0 nights a week in the two weeks before you began, \
             1.0 in the last two weeks.\n"
        ), "{page}");
        assert!(page.contains(
            "\n- After six weeks of stretching on most nights, your cramps are no less frequent \
             (1.0 nights a week at the start, 1.0 now).\n"
        ), "{page}");
        // Fewer cramps than before the start: nothing to say.
        let mut fewer = journal.clone();
        fewer.cramps.push(cramp(day("2026-09-20"), 5));
        let page = page_of(&fewer, TODAY, 8, 1000, false);
        assert!(
            page.contains("two weeks before you began, 1.0 in the last"),
            "{page}"
        );
        assert!(!page.contains("no less frequent"), "{page}");
        // Not yet six weeks: not said, whatever the weeks show.
        let early = records(stretched_on(&run_of("2026-10-20", 41)), cramps_on(&nights));
        assert!(!page_of(&early, TODAY, 8, 1000, false).contains("no less frequent"));
        // Stretching on only four nights of one of the six weeks.
        let mut gaps = journal;
        gaps.sessions
            .retain(|s| !run_of("2026-11-02", 3).contains(&s.night));
        assert!(!page_of(&gaps, TODAY, 8, 1000, false).contains("no less frequent"));
    }
}
