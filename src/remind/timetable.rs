//! The reminder service's bookkeeping, without any clock of its own: given
//! the wall-clock time and a monotonic time at each wake-up, it says which
//! reminders fire, which were missed, and how long to sleep. The service
//! feeds it the real clocks; the tests feed it suspends and clock changes.

use std::time::Duration;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::next::next_fire;
use crate::config::rules::Reminder;

/// The longest the service sleeps: a wall clock that jumps (a suspend, a
/// manual change, NTP) is noticed within this much.
pub const CHECK_EVERY: Duration = Duration::from_secs(30);

/// A reminder this late is still on time.
const ON_TIME: SignedDuration = SignedDuration::from_secs(60);

/// The wall clock may drift from the monotonic one by this much before it
/// counts as a jump.
const JUMP: SignedDuration = SignedDuration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Firing {
    /// At its time.
    OnTime,
    /// Late, within its grace period: the machine slept or the clock
    /// jumped past it.
    Missed,
    /// Again, after the user asked for a snooze.
    Snoozed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Happening {
    Fired {
        rule: usize,
        due: Timestamp,
        how: Firing,
    },
    /// Missed beyond its grace period, or a repeat that is not replayed.
    Skipped { rule: usize, due: Timestamp },
    /// The wall clock moved by this much more (or less) than real time.
    ClockJumped { by: SignedDuration },
}

pub struct Timetable {
    rules: Vec<Reminder>,
    tz: TimeZone,
    next: Vec<Option<Timestamp>>,
    /// When each rule last fired (or was skipped), so a clock that goes
    /// back does not fire it twice.
    last: Vec<Option<Timestamp>>,
    snoozed: Vec<(Timestamp, usize, Timestamp)>,
    /// Wall and monotonic time at the last wake-up.
    anchor: Option<(Timestamp, Duration)>,
}

impl Timetable {
    pub fn new(rules: Vec<Reminder>, tz: TimeZone, now: Timestamp) -> Timetable {
        let next = rules.iter().map(|r| next_fire(r, now, &tz)).collect();
        let last = vec![None; rules.len()];
        Timetable {
            rules,
            tz,
            next,
            last,
            snoozed: Vec::new(),
            anchor: None,
        }
    }

    pub fn rules(&self) -> &[Reminder] {
        &self.rules
    }

    /// New rules (the settings changed): each counts from `now`. A snooze
    /// stays if its reminder is still there, word for word (it may have
    /// moved in the list); a snooze of a removed or changed one is dropped.
    pub fn replace_rules(&mut self, rules: Vec<Reminder>, now: Timestamp) {
        let anchor = self.anchor;
        let snoozed: Vec<_> = self
            .snoozed
            .iter()
            .filter_map(|(until, rule, due)| {
                let old = self.rules.get(*rule)?;
                let new = rules.iter().position(|r| r == old)?;
                Some((*until, new, *due))
            })
            .collect();
        *self = Timetable::new(rules, self.tz.clone(), now);
        self.anchor = anchor;
        self.snoozed = snoozed;
    }

    /// Where `reminder` is among the current rules, if it still is.
    pub fn position(&self, reminder: &Reminder) -> Option<usize> {
        self.rules.iter().position(|r| r == reminder)
    }

    /// Fires `rule` again at `until`.
    pub fn snooze(&mut self, rule: usize, due: Timestamp, until: Timestamp) {
        if rule < self.rules.len() {
            self.snoozed.push((until, rule, due));
        }
    }

    /// The next firing, if any.
    pub fn next(&self) -> Option<(Timestamp, usize)> {
        self.next
            .iter()
            .enumerate()
            .filter_map(|(i, at)| at.map(|at| (at, i)))
            .chain(self.snoozed.iter().map(|(at, rule, _)| (*at, *rule)))
            .min()
    }

    /// How long to sleep from `wall`: until the next firing, but never
    /// longer than `CHECK_EVERY`.
    pub fn sleep_for(&self, wall: Timestamp) -> Duration {
        match self.next() {
            Some((at, _)) => at
                .duration_since(wall)
                .max(SignedDuration::ZERO)
                .unsigned_abs()
                .min(CHECK_EVERY),
            None => CHECK_EVERY,
        }
    }

    /// What happens at this wake-up.
    pub fn tick(&mut self, wall: Timestamp, mono: Duration) -> Vec<Happening> {
        let mut out = Vec::new();
        if let Some((last_wall, last_mono)) = self.anchor {
            let real = SignedDuration::try_from(mono.saturating_sub(last_mono)).unwrap_or_default();
            let by = wall.duration_since(last_wall) - real;
            if by.abs() > JUMP {
                out.push(Happening::ClockJumped { by });
                // Firings still ahead are counted again from the new time;
                // those now behind are handled as missed, below.
                for (i, rule) in self.rules.iter().enumerate() {
                    if self.next[i].is_some_and(|at| at > wall) {
                        let after = self.last[i].map_or(wall, |last| last.max(wall));
                        self.next[i] = next_fire(rule, after, &self.tz);
                    }
                }
            }
        }
        self.anchor = Some((wall, mono));

        for (i, rule) in self.rules.iter().enumerate() {
            let Some(due) = self.next[i].filter(|due| *due <= wall) else {
                continue;
            };
            let late = wall.duration_since(due);
            out.push(if late <= ON_TIME {
                Happening::Fired {
                    rule: i,
                    due,
                    how: Firing::OnTime,
                }
            } else if rule.is_bedtime() && late <= rule.grace {
                Happening::Fired {
                    rule: i,
                    due,
                    how: Firing::Missed,
                }
            } else {
                // Beyond its grace, or a repeat: the series carries on from
                // now rather than catching up in a burst.
                Happening::Skipped { rule: i, due }
            });
            self.last[i] = Some(due);
            self.next[i] = next_fire(rule, wall, &self.tz);
        }

        let (due_now, later) = self.snoozed.iter().partition(|(until, ..)| *until <= wall);
        self.snoozed = later;
        for (_, rule, due) in due_now {
            out.push(Happening::Fired {
                rule,
                due,
                how: Firing::Snoozed,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::civil::parse_clock;
    use crate::config::rules::{DEFAULT_GRACE, Days, Schedule};

    fn bedtime() -> Reminder {
        Reminder {
            schedule: Schedule::At(parse_clock("22:15").unwrap()),
            days: Days::EVERY,
            routine: None,
            message: None,
            grace: DEFAULT_GRACE,
        }
    }

    fn water() -> Reminder {
        Reminder {
            schedule: Schedule::Every {
                every: SignedDuration::from_mins(45),
                from: parse_clock("18:00").unwrap(),
                until: parse_clock("21:30").unwrap(),
            },
            days: Days::EVERY,
            routine: None,
            message: None,
            grace: DEFAULT_GRACE,
        }
    }

    fn t(text: &str) -> Timestamp {
        format!("2026-11-27T{text}Z").parse().unwrap()
    }

    /// A timetable in UTC; `mono` runs from 0 at 12:00.
    fn table(rules: Vec<Reminder>) -> Timetable {
        let mut table = Timetable::new(rules, TimeZone::UTC, t("12:00:00"));
        assert!(table.tick(t("12:00:00"), Duration::ZERO).is_empty());
        table
    }

    fn mono(from_noon: &str) -> Duration {
        Duration::from_secs_f64(t(from_noon).duration_since(t("12:00:00")).as_secs_f64())
    }

    #[test]
    fn fires_on_time_and_sleeps_in_between() {
        let mut table = table(vec![bedtime()]);
        assert_eq!(table.sleep_for(t("22:14:50")), Duration::from_secs(10));
        assert_eq!(table.sleep_for(t("13:00:00")), CHECK_EVERY);
        assert_eq!(
            table.tick(t("22:15:00.4"), mono("22:15:00.4")),
            [Happening::Fired {
                rule: 0,
                due: t("22:15:00"),
                how: Firing::OnTime
            }]
        );
        assert_eq!(
            table.next(),
            Some(("2026-11-28T22:15:00Z".parse().unwrap(), 0))
        );
    }

    #[test]
    fn a_bedtime_missed_in_sleep_fires_late_within_its_grace() {
        // The machine sleeps from 22:00 to 22:40: the monotonic clock stops.
        let mut table = table(vec![bedtime()]);
        table.tick(t("22:00:00"), mono("22:00:00"));
        assert_eq!(
            table.tick(t("22:40:00"), mono("22:00:30")),
            [
                Happening::ClockJumped {
                    by: SignedDuration::from_secs(40 * 60 - 30)
                },
                Happening::Fired {
                    rule: 0,
                    due: t("22:15:00"),
                    how: Firing::Missed
                },
            ]
        );
    }

    #[test]
    fn a_bedtime_missed_beyond_its_grace_is_skipped() {
        let mut table = table(vec![bedtime()]);
        table.tick(t("22:00:00"), mono("22:00:00"));
        let happened = table.tick(t("23:00:00"), mono("22:00:30"));
        assert_eq!(
            happened[1],
            Happening::Skipped {
                rule: 0,
                due: t("22:15:00")
            }
        );
        assert_eq!(
            table.next(),
            Some(("2026-11-28T22:15:00Z".parse().unwrap(), 0))
        );
    }

    #[test]
    fn missed_drinks_are_not_replayed_in_a_burst() {
        // Asleep from 18:10 to 20:05: 18:45, 19:30 were missed.
        let mut table = table(vec![water()]);
        table.tick(t("18:00:00"), mono("18:00:00"));
        table.tick(t("18:10:00"), mono("18:10:00"));
        let happened = table.tick(t("20:05:00"), mono("18:11:00"));
        assert_eq!(
            happened[1..],
            [Happening::Skipped {
                rule: 0,
                due: t("18:45:00")
            }]
        );
        // The series carries on at its own times.
        assert_eq!(table.next(), Some((t("20:15:00"), 0)));
    }

    #[test]
    fn a_clock_set_back_does_not_fire_twice() {
        let mut table = table(vec![bedtime()]);
        table.tick(t("22:15:00"), mono("22:15:00"));
        // An hour back: 22:15 comes round again on the wall clock.
        let happened = table.tick(t("21:16:00"), mono("22:16:00"));
        assert!(
            matches!(happened[..], [Happening::ClockJumped { .. }]),
            "{happened:?}"
        );
        assert!(table.tick(t("22:15:30"), mono("23:15:30")).is_empty());
        assert_eq!(
            table.next(),
            Some(("2026-11-28T22:15:00Z".parse().unwrap(), 0))
        );
    }

    #[test]
    fn a_clock_set_forward_reschedules_what_is_still_ahead() {
        let mut table = table(vec![water()]);
        table.tick(t("18:00:00"), mono("18:00:00"));
        // Set forward by 20 minutes at 18:10: 18:45 is still ahead, and
        // comes 20 minutes sooner in real time.
        let happened = table.tick(t("18:30:00"), mono("18:10:00"));
        assert_eq!(happened.len(), 1);
        assert_eq!(table.next(), Some((t("18:45:00"), 0)));
        assert_eq!(table.sleep_for(t("18:30:00")), Duration::from_secs(30));
    }

    #[test]
    fn a_snooze_fires_once_after_its_delay() {
        let mut table = table(vec![bedtime()]);
        table.tick(t("22:15:00"), mono("22:15:00"));
        table.snooze(0, t("22:15:00"), t("22:25:00"));
        assert_eq!(table.sleep_for(t("22:24:50")), Duration::from_secs(10));
        assert_eq!(
            table.tick(t("22:25:00"), mono("22:25:00")),
            [Happening::Fired {
                rule: 0,
                due: t("22:15:00"),
                how: Firing::Snoozed
            }]
        );
        assert!(table.tick(t("22:26:00"), mono("22:26:00")).is_empty());
    }

    #[test]
    fn a_snooze_outlives_a_reload_only_if_its_reminder_does() {
        let mut table = table(vec![bedtime(), water()]);
        table.tick(t("22:15:00"), mono("22:15:00"));
        table.snooze(0, t("22:15:00"), t("22:25:00"));

        // A reminder added in front: the bedtime one is now the second.
        table.replace_rules(vec![water(), water(), bedtime()], t("22:16:00"));
        assert_eq!(table.position(&bedtime()), Some(2));
        assert_eq!(table.next(), Some((t("22:25:00"), 2)));
        assert_eq!(
            table.tick(t("22:25:00"), mono("22:25:00")),
            [Happening::Fired {
                rule: 2,
                due: t("22:15:00"),
                how: Firing::Snoozed
            }]
        );

        // Snoozed again, then taken out of the settings: the snooze goes too.
        table.snooze(2, t("22:15:00"), t("22:35:00"));
        table.replace_rules(vec![water()], t("22:26:00"));
        assert_eq!(table.position(&bedtime()), None);
        assert!(table.tick(t("22:35:00"), mono("22:35:00")).is_empty());
    }
}
