//! The counts a whole organisation's patterns add up from, kept per UK day and per UK month
//! so that a year's dashboard sums a few thousand stored counts instead of reading a hundred
//! thousand episodes.
//!
//! Each episode contributes a handful of (figure, key) counts on the day and in the month it
//! began, and each of its duties a few more. When an entry changes an episode's facts, the
//! store takes away what the old facts contributed and adds what the new ones do, in the same
//! transaction; rebuilding them all from the facts must give exactly the same table. Who
//! went missing is kept too, keyed by the person, on each day and in each month: a window's
//! people are the distinct keys of its periods and who went missing most the largest sums,
//! exactly, without reading the episodes. What depends on the time now (away over 24 hours
//! while still missing, a duty overdue now) is counted live from the few episodes still open.
//!
//! The conditions here are the same as the store's conditions on the facts for each cut:
//! a conformance test checks that the organisation's figures from these counts equal those
//! counted from the facts themselves.

use crate::ids::PersonId;
use crate::learning::{DutyOutcome, EpisodeFacts, INTERVIEW_OFFER_HOURS};
use crate::time::to_millis;
use jiff::civil::Date;
use std::collections::BTreeMap;

/// Headline counts, keyed by the name the store's `Patterns` uses.
pub const CUT: &str = "cut";
pub const GRADE: &str = "grade";
pub const LAST_SEEN: &str = "last_seen";
pub const FOUND_TOWN: &str = "found_town";
pub const FOUND_AREA: &str = "found_area";
/// Episodes by which of the places on the person's form they were last seen and found at.
pub const LAST_SEEN_KIND: &str = "last_seen_kind";
pub const FOUND_KIND: &str = "found_kind";
/// Why return interviews were declined, as written (the last reason of each episode).
pub const DECLINE_REASON: &str = "decline_reason";
pub const RISK: &str = "risk";
/// Key `day:hour`, the day of the week 0 (Monday) to 6.
pub const SLOT: &str = "slot";
/// Keyed by the duty's rule: how many episodes had it, done on time, done late.
pub const DUTY: &str = "duty";
pub const DUTY_ON_TIME: &str = "duty_on_time";
pub const DUTY_LATE: &str = "duty_late";

/// Keyed by the person's id: their episodes on the day or in the month.
pub const PERSON: &str = "person";
/// The same, for the episodes with each risk indicator written on the person then
/// (`person_risk_cse`…): a window's people at risk of each.
pub const PERSON_RISK_PREFIX: &str = "person_risk_";

/// The figure for the people with one risk indicator; the indicators are a fixed list.
pub fn person_risk_figure(code: &str) -> Option<&'static str> {
    Some(match code {
        "cse" => "person_risk_cse",
        "cce" => "person_risk_cce",
        "county_lines" => "person_risk_county_lines",
        "trafficking" => "person_risk_trafficking",
        "uasc" => "person_risk_uasc",
        "self_harm" => "person_risk_self_harm",
        "mental_health" => "person_risk_mental_health",
        "substances" => "person_risk_substances",
        "dementia" => "person_risk_dementia",
        _ => return None,
    })
}

/// Every figure keyed by a person.
pub fn person_figure_names() -> Vec<&'static str> {
    let mut out = vec![PERSON];
    out.extend(
        [
            "cse",
            "cce",
            "county_lines",
            "trafficking",
            "uasc",
            "self_harm",
            "mental_health",
            "substances",
            "dementia",
        ]
        .iter()
        .filter_map(|c| person_risk_figure(c)),
    );
    out
}

/// The (figure, person) pairs an episode counts towards: the person, and the person under
/// each risk indicator written on them then. Nothing for an episode recorded in error.
pub fn person_figures(person: PersonId, f: &EpisodeFacts) -> Vec<(&'static str, String)> {
    if f.phase == "recorded_in_error" {
        return Vec::new();
    }
    let key = person.to_string();
    let mut out = vec![(PERSON, key.clone())];
    for code in f.risks.split(',') {
        if let Some(figure) = person_risk_figure(code) {
            out.push((figure, key.clone()));
        }
    }
    out
}

/// How many were away, or told police after, each number of minutes: the medians are read
/// from these. Keyed by the minutes.
pub const AWAY_MINUTES: &str = "away_minutes";
pub const REPORTED_MINUTES: &str = "reported_minutes";
/// How many of a duty were done each number of minutes late, keyed `rule:minutes`.
pub const DUTY_LATE_MINUTES: &str = "duty_late_minutes";

/// A time in minutes as the medians count it: to the minute up to a day, to the hour after
/// (so a decade's counts stay few). Never larger than the time itself, and never out of
/// order, so the median of these is the median time, so rounded.
pub fn median_key(minutes: i64) -> i64 {
    if minutes <= 24 * 60 {
        minutes
    } else {
        minutes - minutes % 60
    }
}

/// Away this long is "over 24 hours".
pub const LONG_AWAY_MINUTES: i64 = 24 * 60;

/// How long a stored count covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grain {
    Day,
    Month,
}

impl Grain {
    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Month => "month",
        }
    }
}

/// A day or a month as stored: `20261129` for a day, `20261100` for its month.
pub fn period(grain: Grain, day: Date) -> i64 {
    let month = i64::from(day.year()) * 10_000 + i64::from(day.month()) * 100;
    match grain {
        Grain::Day => month + i64::from(day.day()),
        Grain::Month => month,
    }
}

/// One stored count's key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Count {
    pub grain: Grain,
    pub period: i64,
    pub figure: &'static str,
    pub key: String,
}

/// Counts to add (or, with a negative number, take away).
pub type Deltas = BTreeMap<Count, i64>;

/// The (figure, key) pairs one episode's facts count towards, before its duties. An episode
/// recorded in error counts towards nothing.
pub fn figures_of(f: &EpisodeFacts) -> Vec<(&'static str, String)> {
    if f.phase == "recorded_in_error" {
        return Vec::new();
    }
    let mut out: Vec<(&'static str, String)> = Vec::with_capacity(16);
    let mut cut = |name: &str, holds: bool| {
        if holds {
            out.push((CUT, name.to_string()));
        }
    };
    cut("episodes", true);
    cut("first_time", f.episode_number == 1);
    cut("repeat", f.episode_number > 1);
    cut("still_away", f.found_at.is_none());
    // Still missing and away over 24 hours depends on the time now: counted live.
    cut(
        "over_24_hours",
        f.away_minutes.is_some_and(|m| m > LONG_AWAY_MINUTES),
    );
    cut("reported", f.reported_after_minutes.is_some());
    cut("not_reported", f.reported_after_minutes.is_none());
    let back = f.returned_at.is_some();
    cut("returned", back);
    cut("offered", back && f.interview_offers > 0);
    let in_time = match (f.returned_at, f.interview_first_offered_at) {
        (Some(r), Some(o)) => to_millis(o) <= to_millis(r) + INTERVIEW_OFFER_HOURS * 3_600_000,
        _ => false,
    };
    cut("in_time", in_time);
    cut("declined", back && f.interview_declines > 0);
    cut("re_offered", back && f.interview_offers > 1);
    cut("held", back && f.interview == "held");
    cut("not_offered", back && f.interview_offers == 0);
    cut("over_threshold", f.over_threshold);
    cut("expected", f.interview_expected);
    cut(
        "expected_offered",
        f.interview_expected && back && f.interview_offers > 0,
    );
    if let Some(m) = f.away_minutes {
        out.push((AWAY_MINUTES, median_key(m).to_string()));
    }
    if let Some(m) = f.reported_after_minutes {
        out.push((REPORTED_MINUTES, median_key(m).to_string()));
    }
    if let Some(g) = f.police_grade.as_deref().filter(|g| !g.is_empty()) {
        out.push((GRADE, g.to_string()));
    }
    if !f.last_seen_place.is_empty() {
        out.push((LAST_SEEN, f.last_seen_place.clone()));
    }
    if !f.found_town.is_empty() {
        out.push((FOUND_TOWN, f.found_town.clone()));
    }
    if !f.found_police_area.is_empty() {
        out.push((FOUND_AREA, f.found_police_area.clone()));
    }
    if !f.last_seen_kind.is_empty() {
        out.push((LAST_SEEN_KIND, f.last_seen_kind.clone()));
    }
    if !f.found_kind.is_empty() {
        out.push((FOUND_KIND, f.found_kind.clone()));
    }
    if back && f.interview_declines > 0 && !f.decline_reason.is_empty() {
        out.push((DECLINE_REASON, f.decline_reason.clone()));
    }
    for code in f.risks.split(',').filter(|c| !c.is_empty()) {
        out.push((RISK, code.to_string()));
    }
    out.push((SLOT, format!("{}:{}", f.start_weekday, f.start_hour)));
    out
}

/// The (figure, key) pairs one duty counts towards. Duties that only inform count nowhere.
pub fn duty_figures(f: &EpisodeFacts, d: &DutyOutcome) -> Vec<(&'static str, String)> {
    if f.phase == "recorded_in_error" || d.status == "information" {
        return Vec::new();
    }
    let mut out = vec![(DUTY, d.rule.clone())];
    if d.status == "done" {
        let due = d.due_at.map(to_millis);
        let done = d.done_at.map(to_millis);
        match (due, done) {
            (Some(due), Some(done)) if done > due => {
                out.push((DUTY_LATE, d.rule.clone()));
                let minutes = median_key((done - due) / 60_000);
                out.push((DUTY_LATE_MINUTES, format!("{}:{minutes}", d.rule)));
            }
            _ => out.push((DUTY_ON_TIME, d.rule.clone())),
        }
    }
    out
}

/// Adds `sign` times everything an episode (its person, facts and duties) counts towards, on
/// its day and in its month.
pub fn add(
    deltas: &mut Deltas,
    person: PersonId,
    f: &EpisodeFacts,
    duties: &[DutyOutcome],
    sign: i64,
) {
    let mut figures = figures_of(f);
    figures.extend(person_figures(person, f));
    for d in duties {
        figures.extend(duty_figures(f, d));
    }
    add_figures(deltas, f.start_day, &figures, sign);
}

/// Adds `sign` to each of `figures` on `day` and in its month.
pub fn add_figures(deltas: &mut Deltas, day: Date, figures: &[(&'static str, String)], sign: i64) {
    for grain in [Grain::Day, Grain::Month] {
        let period = period(grain, day);
        for (figure, key) in figures {
            let count = Count {
                grain,
                period,
                figure,
                key: key.clone(),
            };
            *deltas.entry(count).or_default() += sign;
        }
    }
}

/// What changes when a person's episode's facts go from `old` to `new`: only the counts that
/// differ.
pub fn change(
    person: PersonId,
    old: Option<(&EpisodeFacts, &[DutyOutcome])>,
    new: (&EpisodeFacts, &[DutyOutcome]),
) -> Deltas {
    let mut deltas = Deltas::new();
    if let Some((f, d)) = old {
        add(&mut deltas, person, f, d, -1);
    }
    add(&mut deltas, person, new.0, new.1, 1);
    deltas.retain(|_, n| *n != 0);
    deltas
}

/// The stored periods that make up the UK days `[from, before)`: whole months as months, the
/// days either side as days. Each range is `[low, high)` of one grain.
pub fn ranges(from: Date, before: Date) -> Vec<(Grain, i64, i64)> {
    let mut out = Vec::new();
    if from >= before {
        return out;
    }
    let first_whole = if from.day() == 1 {
        from
    } else {
        from.last_of_month().tomorrow().unwrap_or(from)
    };
    let end_whole = before.first_of_month();
    if first_whole < end_whole {
        if from < first_whole {
            out.push((
                Grain::Day,
                period(Grain::Day, from),
                period(Grain::Day, first_whole),
            ));
        }
        out.push((
            Grain::Month,
            period(Grain::Month, first_whole),
            period(Grain::Month, end_whole),
        ));
        if end_whole < before {
            out.push((
                Grain::Day,
                period(Grain::Day, end_whole),
                period(Grain::Day, before),
            ));
        }
    } else {
        out.push((
            Grain::Day,
            period(Grain::Day, from),
            period(Grain::Day, before),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn someone() -> PersonId {
        PersonId("7d3c4a52-0a51-4d6e-9d86-0f2b6a1f7c11".parse().unwrap())
    }

    fn facts() -> EpisodeFacts {
        EpisodeFacts {
            start_day: date(2026, 10, 25),
            start_weekday: 6,
            start_hour: 1,
            episode_number: 2,
            last_seen_place: "Bus station".into(),
            risks: "cse,self_harm".into(),
            phase: "missing".into(),
            interview: "not_offered".into(),
            ..EpisodeFacts::default()
        }
    }

    #[test]
    fn a_day_and_its_month_are_stored_as_numbers_that_sort() {
        assert_eq!(period(Grain::Day, date(2026, 3, 29)), 20_260_329);
        assert_eq!(period(Grain::Month, date(2026, 3, 29)), 20_260_300);
    }

    #[test]
    fn a_window_is_whole_months_with_days_either_side() {
        let r = ranges(date(2026, 1, 15), date(2026, 4, 10));
        assert_eq!(
            r,
            vec![
                (Grain::Day, 20_260_115, 20_260_201),
                (Grain::Month, 20_260_200, 20_260_400),
                (Grain::Day, 20_260_401, 20_260_410),
            ]
        );
        // Within one month: days only. Whole months: months only.
        assert_eq!(
            ranges(date(2026, 1, 3), date(2026, 1, 9)),
            vec![(Grain::Day, 20_260_103, 20_260_109)]
        );
        assert_eq!(
            ranges(date(2025, 12, 1), date(2026, 12, 1)),
            vec![(Grain::Month, 20_251_200, 20_261_200)]
        );
        assert_eq!(
            ranges(date(2026, 1, 31), date(2026, 2, 1)),
            vec![(Grain::Day, 20_260_131, 20_260_201)]
        );
        assert!(ranges(date(2026, 2, 1), date(2026, 2, 1)).is_empty());
    }

    #[test]
    fn an_episode_counts_on_its_day_and_in_its_month() {
        let mut d = Deltas::new();
        add(&mut d, someone(), &facts(), &[], 1);
        let keys: Vec<_> = d
            .keys()
            .filter(|c| c.grain == Grain::Day)
            .map(|c| format!("{}={}", c.figure, c.key))
            .collect();
        assert_eq!(
            keys,
            [
                "cut=episodes",
                "cut=not_reported",
                "cut=repeat",
                "cut=still_away",
                "last_seen=Bus station",
                // Who: once, and once under each risk written on them.
                "person=7d3c4a52-0a51-4d6e-9d86-0f2b6a1f7c11",
                "person_risk_cse=7d3c4a52-0a51-4d6e-9d86-0f2b6a1f7c11",
                "person_risk_self_harm=7d3c4a52-0a51-4d6e-9d86-0f2b6a1f7c11",
                "risk=cse",
                "risk=self_harm",
                "slot=6:1"
            ]
        );
        assert!(
            d.keys()
                .all(|c| c.period == 20_261_025 || c.period == 20_261_000)
        );
        assert_eq!(d.len(), 22);
    }

    #[test]
    fn a_change_touches_only_what_differs() {
        let old = facts();
        let mut new = old.clone();
        new.found_at = Some(jiff::Timestamp::UNIX_EPOCH);
        new.away_minutes = Some(25 * 60);
        let d = change(someone(), Some((&old, &[])), (&new, &[]));
        let day: Vec<_> = d
            .iter()
            .filter(|(c, _)| c.grain == Grain::Day)
            .map(|(c, n)| format!("{}={} {n}", c.figure, c.key))
            .collect();
        assert_eq!(
            day,
            [
                "away_minutes=1500 1",
                "cut=over_24_hours 1",
                "cut=still_away -1"
            ]
        );
    }

    #[test]
    fn nothing_counts_for_an_episode_recorded_in_error() {
        let mut f = facts();
        f.phase = "recorded_in_error".into();
        let duty = DutyOutcome {
            rule: "try_to_find".into(),
            due_at: None,
            done_at: None,
            status: "done".into(),
        };
        let mut d = Deltas::new();
        add(&mut d, someone(), &f, &[duty], 1);
        assert!(d.is_empty());
    }

    #[test]
    fn a_duty_done_after_its_deadline_is_late_and_one_with_no_deadline_is_on_time() {
        let f = facts();
        let at = |s: i64| Some(jiff::Timestamp::from_second(s).unwrap());
        let late = DutyOutcome {
            rule: "report".into(),
            due_at: at(100),
            done_at: at(200),
            status: "done".into(),
        };
        let free = DutyOutcome {
            rule: "tell".into(),
            due_at: None,
            done_at: at(200),
            status: "done".into(),
        };
        let open = DutyOutcome {
            rule: "visit".into(),
            due_at: at(100),
            done_at: None,
            status: "open".into(),
        };
        assert_eq!(
            duty_figures(&f, &late),
            [
                (DUTY, "report".into()),
                (DUTY_LATE, "report".into()),
                (DUTY_LATE_MINUTES, "report:1".into())
            ]
        );
        assert_eq!(
            duty_figures(&f, &free),
            [(DUTY, "tell".into()), (DUTY_ON_TIME, "tell".into())]
        );
        assert_eq!(duty_figures(&f, &open), [(DUTY, "visit".into())]);
    }
}

/// The lower median of values given as (value, how many): the middle one, or the lower of
/// the middle two, as the store's `LIMIT 1 OFFSET (n - 1) / 2` reads it from the facts.
pub fn lower_median(mut counts: Vec<(i64, i64)>) -> Option<i64> {
    counts.retain(|(_, n)| *n > 0);
    counts.sort_unstable();
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let mut wanted = (total - 1) / 2;
    for (value, n) in counts {
        if wanted < n {
            return Some(value);
        }
        wanted -= n;
    }
    None
}

#[cfg(test)]
mod median_tests {
    use super::lower_median;

    #[test]
    fn times_over_a_day_count_to_the_hour() {
        use super::median_key;
        assert_eq!(median_key(0), 0);
        assert_eq!(median_key(1440), 1440);
        assert_eq!(median_key(1441), 1440);
        assert_eq!(median_key(1500), 1500);
        assert_eq!(median_key(1559), 1500);
        assert_eq!(median_key(1560), 1560);
    }

    #[test]
    fn the_lower_median_of_counted_values_is_the_middle_one() {
        assert_eq!(lower_median(vec![]), None);
        assert_eq!(lower_median(vec![(60, 1)]), Some(60));
        // 10, 20, 20, 90: the lower of the middle two.
        assert_eq!(lower_median(vec![(90, 1), (20, 2), (10, 1)]), Some(20));
        // 10, 90: the lower.
        assert_eq!(lower_median(vec![(90, 1), (10, 1)]), Some(10));
        // 10, 10, 10, 90, 95: the third.
        assert_eq!(lower_median(vec![(10, 3), (95, 1), (90, 1)]), Some(10));
        assert_eq!(lower_median(vec![(10, 2), (95, 2), (90, 1)]), Some(90));
    }
}
