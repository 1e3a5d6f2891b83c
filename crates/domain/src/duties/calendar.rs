//! Working days, for the rules that count them. England and Wales share bank holidays;
//! Scotland's differ (2 January, the first Monday of August and St Andrew's Day; no Easter
//! Monday or late-August holiday). The calendar belongs to the duty, not to the user: a home in
//! Wales placed by an English authority may run on two.

use crate::organisation::Nation;
use jiff::civil::{Date, Weekday, date};
use jiff::{Span, Timestamp};

/// Bank and public holidays as proclaimed, substitute days included. Years not listed count
/// weekends only; extend the list each year.
const ENGLAND_AND_WALES: &[(i16, i8, i8)] = &[
    (2025, 1, 1),
    (2025, 4, 18),
    (2025, 4, 21),
    (2025, 5, 5),
    (2025, 5, 26),
    (2025, 8, 25),
    (2025, 12, 25),
    (2025, 12, 26),
    (2026, 1, 1),
    (2026, 4, 3),
    (2026, 4, 6),
    (2026, 5, 4),
    (2026, 5, 25),
    (2026, 8, 31),
    (2026, 12, 25),
    (2026, 12, 28),
    (2027, 1, 1),
    (2027, 3, 26),
    (2027, 3, 29),
    (2027, 5, 3),
    (2027, 5, 31),
    (2027, 8, 30),
    (2027, 12, 27),
    (2027, 12, 28),
    (2028, 1, 3),
    (2028, 4, 14),
    (2028, 4, 17),
    (2028, 5, 1),
    (2028, 5, 29),
    (2028, 8, 28),
    (2028, 12, 25),
    (2028, 12, 26),
];

const SCOTLAND: &[(i16, i8, i8)] = &[
    (2025, 1, 1),
    (2025, 1, 2),
    (2025, 4, 18),
    (2025, 5, 5),
    (2025, 5, 26),
    (2025, 8, 4),
    (2025, 12, 1),
    (2025, 12, 25),
    (2025, 12, 26),
    (2026, 1, 1),
    (2026, 1, 2),
    (2026, 4, 3),
    (2026, 5, 4),
    (2026, 5, 25),
    (2026, 8, 3),
    (2026, 11, 30),
    (2026, 12, 25),
    (2026, 12, 28),
    (2027, 1, 1),
    (2027, 1, 4),
    (2027, 3, 26),
    (2027, 5, 3),
    (2027, 5, 31),
    (2027, 8, 2),
    (2027, 11, 30),
    (2027, 12, 27),
    (2027, 12, 28),
    (2028, 1, 3),
    (2028, 1, 4),
    (2028, 4, 14),
    (2028, 5, 1),
    (2028, 5, 29),
    (2028, 8, 7),
    (2028, 11, 30),
    (2028, 12, 25),
    (2028, 12, 26),
];

fn holidays(nation: Nation) -> &'static [(i16, i8, i8)] {
    match nation {
        Nation::Scotland => SCOTLAND,
        Nation::England | Nation::Wales => ENGLAND_AND_WALES,
    }
}

pub fn is_working_day(nation: Nation, d: Date) -> bool {
    !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
        && !holidays(nation)
            .iter()
            .any(|(y, m, day)| date(*y, *m, *day) == d)
}

/// The end of the `n`th working day after the one `from` falls on, in London: "within 7
/// working days" of a Friday-evening report ends at midnight at the end of the seventh.
pub fn working_days_after(nation: Nation, from: Timestamp, n: u32) -> Timestamp {
    let tz = crate::time::london();
    let mut day = from.to_zoned(tz.clone()).date();
    let mut left = n;
    while left > 0 {
        day = day.saturating_add(Span::new().days(1));
        if is_working_day(nation, day) {
            left -= 1;
        }
    }
    let next = day.saturating_add(Span::new().days(1));
    tz.to_ambiguous_zoned(next.to_datetime(jiff::civil::Time::midnight()))
        .compatible()
        .map(|z| z.timestamp())
        .unwrap_or(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_holiday_is_a_weekday_and_the_nations_differ() {
        for nation in Nation::ALL {
            for (y, m, d) in holidays(nation) {
                let day = date(*y, *m, *d);
                assert!(
                    !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday),
                    "{nation:?} {day} falls at a weekend"
                );
            }
        }
        // St Andrew's Day 2026 is a Monday: a holiday in Scotland only.
        assert!(!is_working_day(Nation::Scotland, date(2026, 11, 30)));
        assert!(is_working_day(Nation::Wales, date(2026, 11, 30)));
        // Easter Monday: not in Scotland.
        assert!(is_working_day(Nation::Scotland, date(2026, 4, 6)));
        assert!(!is_working_day(Nation::England, date(2026, 4, 6)));
    }

    #[test]
    fn working_days_skip_weekends_and_bank_holidays() {
        // Thursday 24 December 2026, 18:00: Friday 25th and Monday 28th are holidays.
        let from: Timestamp = "2026-12-24T18:00:00Z".parse().unwrap();
        let two = working_days_after(Nation::Wales, from, 2);
        assert_eq!(two, "2026-12-31T00:00:00Z".parse::<Timestamp>().unwrap());
        // Across the March clock change: Friday 27 March 2026, 3 working days on is
        // Wednesday 1 April, ending at midnight BST (23:00 UTC).
        let from: Timestamp = "2026-03-27T12:00:00Z".parse().unwrap();
        assert_eq!(
            working_days_after(Nation::England, from, 3),
            "2026-04-01T23:00:00Z".parse::<Timestamp>().unwrap()
        );
    }
}
