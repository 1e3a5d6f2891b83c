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

use crate::ids::{EpisodeId, PersonId};
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

/// The risk indicators kept by person: a fixed list.
pub const PERSON_RISKS: [&str; 9] = [
    "cse",
    "cce",
    "county_lines",
    "trafficking",
    "uasc",
    "self_harm",
    "mental_health",
    "substances",
    "dementia",
];

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
    out.extend(PERSON_RISKS.iter().filter_map(|c| person_risk_figure(c)));
    out
}

/// Each episode counted once more, under `first_` and the figure of the person (or of the
/// person under a risk), keyed by the month the same person's previous such episode began
/// (`"0"` for none). A window's people are then its episodes whose previous one began before
/// the window: one per person, however many times they went. Read by whole months, this
/// is exact for a window that starts on the first of a month; the store adds, for a window
/// starting later, the people who went both earlier that month and in the window.
pub const FIRST_PREFIX: &str = "first_";
/// The key of an episode with no previous one: sorts before every month.
pub const NO_PREVIOUS: &str = "0";

/// The `first_` figure of a figure kept by person.
pub fn first_figure(person_figure: &str) -> Option<&'static str> {
    Some(match person_figure {
        "person" => "first_person",
        "person_risk_cse" => "first_person_risk_cse",
        "person_risk_cce" => "first_person_risk_cce",
        "person_risk_county_lines" => "first_person_risk_county_lines",
        "person_risk_trafficking" => "first_person_risk_trafficking",
        "person_risk_uasc" => "first_person_risk_uasc",
        "person_risk_self_harm" => "first_person_risk_self_harm",
        "person_risk_mental_health" => "first_person_risk_mental_health",
        "person_risk_substances" => "first_person_risk_substances",
        "person_risk_dementia" => "first_person_risk_dementia",
        _ => return None,
    })
}

/// One of a person's episodes, as the `first_` counts read them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub episode: EpisodeId,
    /// The instant it began, in milliseconds: the order of the person's episodes.
    pub started_at: i64,
    pub start_day: Date,
    pub risks: String,
    pub in_error: bool,
}

impl Link {
    pub fn of(episode: EpisodeId, f: &EpisodeFacts) -> Link {
        Link {
            episode,
            started_at: to_millis(f.started_at),
            start_day: f.start_day,
            risks: f.risks.clone(),
            in_error: f.phase == "recorded_in_error",
        }
    }
}

/// Adds `sign` times the `first_` counts of one person's episodes, in any order.
pub fn add_firsts(deltas: &mut Deltas, links: &[Link], sign: i64) {
    let mut links: Vec<&Link> = links.iter().filter(|l| !l.in_error).collect();
    links.sort_by_key(|a| (a.started_at, a.episode.0));
    for figure in person_figure_names() {
        let Some(first) = first_figure(figure) else {
            continue;
        };
        let code = figure.strip_prefix(PERSON_RISK_PREFIX);
        let mut previous: Option<Date> = None;
        for l in &links {
            if let Some(code) = code
                && !l.risks.split(',').any(|c| c == code)
            {
                continue;
            }
            let key = previous.map_or_else(
                || NO_PREVIOUS.to_string(),
                |d| period(Grain::Month, d).to_string(),
            );
            add_figures(deltas, l.start_day, &[(first, key)], sign);
            previous = Some(l.start_day);
        }
    }
}

/// What changes in a person's `first_` counts when their episodes go from `old` to `new`.
pub fn change_firsts(deltas: &mut Deltas, old: &[Link], new: &[Link]) {
    // Netted for this person alone, then merged: netting the whole batch's map once per
    // person made a bulk load quadratic.
    let mut mine = Deltas::new();
    add_firsts(&mut mine, old, -1);
    add_firsts(&mut mine, new, 1);
    for (count, n) in mine {
        if n == 0 {
            continue;
        }
        let entry = deltas.entry(count);
        match entry {
            std::collections::btree_map::Entry::Occupied(mut o) => {
                *o.get_mut() += n;
                if *o.get() == 0 {
                    o.remove();
                }
            }
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(n);
            }
        }
    }
}

/// Whether a change of an episode's facts can change anyone's `first_` counts.
pub fn moves_firsts(old: &EpisodeFacts, new: &EpisodeFacts) -> bool {
    old.started_at != new.started_at
        || old.start_day != new.start_day
        || old.risks != new.risks
        || (old.phase == "recorded_in_error") != (new.phase == "recorded_in_error")
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
/// The same counts by the hour (`minutes / 60` of the kept minutes): a median over years reads
/// these first, then only the minutes of the hour it falls in.
pub const AWAY_HOURS: &str = "away_hours";
pub const REPORTED_HOURS: &str = "reported_hours";
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

/// How long a stored count covers. `All` is kept only for who went missing: each person's
/// episodes ever, which bounds their count in any window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grain {
    Day,
    Month,
    Year,
    All,
}

impl Grain {
    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Day => "day",
            Grain::Month => "month",
            Grain::Year => "year",
            Grain::All => "all",
        }
    }
}

/// A day, month or year as stored: `20261129` for a day, `20261100` for its month, `20260000`
/// for its year; `0` for all time.
pub fn period(grain: Grain, day: Date) -> i64 {
    let year = i64::from(day.year()) * 10_000;
    let month = year + i64::from(day.month()) * 100;
    match grain {
        Grain::Day => month + i64::from(day.day()),
        Grain::Month => month,
        Grain::Year => year,
        Grain::All => 0,
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
        out.push((AWAY_HOURS, (median_key(m) / 60).to_string()));
    }
    if let Some(m) = f.reported_after_minutes {
        out.push((REPORTED_MINUTES, median_key(m).to_string()));
        out.push((REPORTED_HOURS, (median_key(m) / 60).to_string()));
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

/// Adds `sign` to each of `figures` on `day`, in its month and in its year; a person's
/// episodes are counted for all time as well.
pub fn add_figures(deltas: &mut Deltas, day: Date, figures: &[(&'static str, String)], sign: i64) {
    for grain in [Grain::Day, Grain::Month, Grain::Year, Grain::All] {
        let period = period(grain, day);
        for (figure, key) in figures {
            if grain == Grain::All && *figure != PERSON {
                continue;
            }
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

/// Stored periods of one grain, `[low, high)`, added (`sign` 1) or taken away (-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    pub grain: Grain,
    pub low: i64,
    pub high: i64,
    pub sign: i64,
}

impl Range {
    fn of(grain: Grain, low: Date, high: Date, sign: i64) -> Range {
        Range {
            grain,
            low: period(grain, low),
            high: period(grain, high),
            sign,
        }
    }

    /// Whether a stored period of this grain lies in the range.
    pub fn holds(&self, grain: Grain, period: i64) -> bool {
        grain == self.grain && period >= self.low && period < self.high
    }
}

/// The stored periods whose counts add up to the UK days `[from, before)`: whole years as
/// years, whole months as months, days as days. Where a window covers most of a month (or
/// of a year), the month (or year) is read and the few days (or months) outside the window
/// are taken away, so a window never reads more than about half a month of days or half a
/// year of months at either end.
pub fn ranges(from: Date, before: Date) -> Vec<Range> {
    let mut parts = Vec::new();
    covering(&mut parts, from, before);
    // A month a year's range takes away and a month's range adds back cancel out: each
    // period's additions and subtractions are netted, and neighbours of one grain and sign
    // joined again.
    let mut net = BTreeMap::<(Grain, Date), i64>::new();
    for r in &parts {
        let mut at = r.0;
        while at < r.1 {
            *net.entry((r.2, at)).or_default() += r.3;
            at = after(r.2, at);
        }
    }
    let mut out: Vec<(Grain, Date, Date, i64)> = Vec::new();
    for ((grain, at), sign) in net {
        if sign == 0 {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.0 == grain && last.2 == at && last.3 == sign => {
                last.2 = after(grain, at)
            }
            _ => out.push((grain, at, after(grain, at), sign)),
        }
    }
    out.sort_by_key(|r| (r.1, std::cmp::Reverse(r.0)));
    out.into_iter()
        .map(|(grain, low, high, sign)| Range::of(grain, low, high, sign))
        .collect()
}

/// The start of the period after the one starting at `at`.
fn after(grain: Grain, at: Date) -> Date {
    match grain {
        Grain::Day => at.tomorrow().unwrap_or(at),
        Grain::Month => next_month(at),
        Grain::Year | Grain::All => next_year(at),
    }
}

/// Ranges as (first day, first day after, grain, sign), before netting.
type Part = (Date, Date, Grain, i64);

fn covering(out: &mut Vec<Part>, from: Date, before: Date) {
    if from >= before {
        return;
    }
    let first_month = if from.day() == 1 {
        from
    } else {
        next_month(from)
    };
    let end_month = before.first_of_month();
    if first_month > end_month {
        days_within_month(out, from, before);
        return;
    }
    days_within_month(out, from, first_month);
    let first_year = if first_month.month() == 1 {
        first_month
    } else {
        next_year(first_month)
    };
    let end_year = end_month.first_of_year();
    if first_year > end_year {
        months_within_year(out, first_month, end_month);
    } else {
        months_within_year(out, first_month, first_year);
        if first_year < end_year {
            out.push((first_year, end_year, Grain::Year, 1));
        }
        months_within_year(out, end_year, end_month);
    }
    days_within_month(out, end_month, before);
}

fn next_month(day: Date) -> Date {
    day.last_of_month().tomorrow().unwrap_or(day)
}

fn next_year(day: Date) -> Date {
    day.last_of_year().tomorrow().unwrap_or(day)
}

/// A few stored periods whose counts together include everything in a window's ranges:
/// for a window over more than two calendar years, all time; otherwise the years, months
/// and (as their months) days it adds. `None` if that takes more than `most`.
pub fn cover(ranges: &[Range], most: usize) -> Option<Vec<(Grain, i64)>> {
    let adds = ranges.iter().filter(|r| r.sign > 0);
    let years: Vec<i64> = adds
        .clone()
        .flat_map(|r| [r.low / 10_000, (r.high - 1) / 10_000])
        .collect();
    let (first, last) = (years.iter().min()?, years.iter().max()?);
    if last - first >= 2 {
        return Some(vec![(Grain::All, 0)]);
    }
    let mut out = std::collections::BTreeSet::new();
    for r in adds {
        match r.grain {
            Grain::Year => {
                out.extend((r.low / 10_000..r.high / 10_000).map(|y| (Grain::Year, y * 10_000)))
            }
            Grain::Month => {
                let mut m = r.low;
                while m < r.high {
                    out.insert((Grain::Month, m));
                    m = if m % 10_000 >= 1_200 {
                        (m / 10_000 + 1) * 10_000 + 100
                    } else {
                        m + 100
                    };
                }
            }
            Grain::Day => {
                out.insert((Grain::Month, r.low - r.low % 100));
                out.insert((Grain::Month, (r.high - 1) - (r.high - 1) % 100));
            }
            Grain::All => {
                out.insert((Grain::All, 0));
            }
        }
    }
    (out.len() <= most).then(|| out.into_iter().collect())
}

/// Days `[low, high)` of one month (`high` at most the first of the next).
fn days_within_month(out: &mut Vec<Part>, low: Date, high: Date) {
    if low >= high {
        return;
    }
    let month = low.first_of_month();
    let after = next_month(low);
    let covered = (high - low).get_days();
    if 2 * covered > i32::from(low.days_in_month()) {
        out.push((month, after, Grain::Month, 1));
        for (l, h) in [(month, low), (high, after)] {
            if l < h {
                out.push((l, h, Grain::Day, -1));
            }
        }
    } else {
        out.push((low, high, Grain::Day, 1));
    }
}

/// Whole months `[low, high)` of one year (`high` at most the next first of January).
fn months_within_year(out: &mut Vec<Part>, low: Date, high: Date) {
    if low >= high {
        return;
    }
    let year = low.first_of_year();
    let after = next_year(low);
    let covered = i32::from(high.month() - low.month()) + 12 * (high.year() - low.year()) as i32;
    if 2 * covered > 12 {
        out.push((year, after, Grain::Year, 1));
        for (l, h) in [(year, low), (high, after)] {
            if l < h {
                out.push((l, h, Grain::Month, -1));
            }
        }
    } else {
        out.push((low, high, Grain::Month, 1));
    }
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
        assert_eq!(period(Grain::Year, date(2026, 3, 29)), 20_260_000);
    }

    /// What a window's stored ranges add up to, day by day: each day's weight.
    fn weights(from: Date, before: Date) -> BTreeMap<Date, i64> {
        let mut out = BTreeMap::new();
        let mut day = from
            .first_of_year()
            .checked_sub(jiff::Span::new().years(1))
            .unwrap();
        let end = before
            .last_of_year()
            .checked_add(jiff::Span::new().years(1))
            .unwrap();
        while day < end {
            let w: i64 = ranges(from, before)
                .iter()
                .filter(|r| {
                    [Grain::Day, Grain::Month, Grain::Year]
                        .iter()
                        .any(|g| r.holds(*g, period(*g, day)))
                })
                .map(|r| r.sign)
                .sum();
            if w != 0 {
                out.insert(day, w);
            }
            day = day.tomorrow().unwrap();
        }
        out
    }

    #[test]
    fn a_window_reads_years_months_and_days_and_takes_away_what_lies_outside() {
        // Mid-January to early April: January to March as months less the first fortnight
        // of January, and April's first days as days.
        assert_eq!(
            ranges(date(2026, 1, 15), date(2026, 4, 10)),
            vec![
                Range::of(Grain::Month, date(2026, 1, 1), date(2026, 4, 1), 1),
                Range::of(Grain::Day, date(2026, 1, 1), date(2026, 1, 15), -1),
                Range::of(Grain::Day, date(2026, 4, 1), date(2026, 4, 10), 1),
            ]
        );
        // Within one month: days only.
        assert_eq!(
            ranges(date(2026, 1, 3), date(2026, 1, 9)),
            vec![Range::of(Grain::Day, date(2026, 1, 3), date(2026, 1, 9), 1)]
        );
        // Ten years to today: a day, a month, ten years less this December and today.
        assert_eq!(
            ranges(date(2016, 11, 30), date(2026, 11, 30)),
            vec![
                Range::of(Grain::Day, date(2016, 11, 30), date(2016, 12, 1), 1),
                Range::of(Grain::Month, date(2016, 12, 1), date(2017, 1, 1), 1),
                Range::of(Grain::Year, date(2017, 1, 1), date(2027, 1, 1), 1),
                Range::of(Grain::Day, date(2026, 11, 30), date(2026, 12, 1), -1),
                Range::of(Grain::Month, date(2026, 12, 1), date(2027, 1, 1), -1),
            ]
        );
        assert_eq!(
            ranges(date(2024, 1, 1), date(2026, 1, 1)),
            vec![Range::of(
                Grain::Year,
                date(2024, 1, 1),
                date(2026, 1, 1),
                1
            )]
        );
        assert!(ranges(date(2026, 2, 1), date(2026, 2, 1)).is_empty());
    }

    #[test]
    fn a_windows_cover_holds_every_period_it_adds() {
        // A year to today: last year's last day as its month, last December, this year.
        assert_eq!(
            cover(&ranges(date(2025, 11, 30), date(2026, 11, 30)), 4),
            Some(vec![
                (Grain::Month, 20_251_100),
                (Grain::Month, 20_251_200),
                (Grain::Year, 20_260_000)
            ])
        );
        assert_eq!(
            cover(&ranges(date(2016, 11, 30), date(2026, 11, 30)), 4),
            Some(vec![(Grain::All, 0)])
        );
        // Days either side of a month boundary: both months.
        assert_eq!(
            cover(&ranges(date(2026, 1, 30), date(2026, 2, 3)), 4),
            Some(vec![(Grain::Month, 20_260_100), (Grain::Month, 20_260_200)])
        );
        // Five months from a year end: too many.
        assert_eq!(cover(&ranges(date(2025, 10, 1), date(2026, 3, 1)), 4), None);
        assert_eq!(cover(&[], 4), None);
    }

    #[test]
    fn every_day_of_a_window_counts_once_and_no_other_day_counts() {
        let windows = [
            (date(2026, 1, 15), date(2026, 4, 10)),
            (date(2016, 11, 30), date(2026, 11, 30)),
            (date(2025, 12, 31), date(2026, 1, 2)),
            (date(2024, 2, 2), date(2024, 3, 1)),
            (date(2024, 2, 29), date(2026, 7, 4)),
            (date(2026, 3, 29), date(2026, 10, 25)),
            (date(2025, 2, 1), date(2026, 2, 1)),
        ];
        for (from, before) in windows {
            let w = weights(from, before);
            let days = (before - from).get_days() as usize;
            assert_eq!(w.len(), days, "{from} to {before}");
            assert!(
                w.iter().all(|(d, n)| *n == 1 && *d >= from && *d < before),
                "{from} to {before}"
            );
        }
    }

    fn link(n: u128, day: jiff::civil::Date, risks: &str) -> Link {
        Link {
            episode: EpisodeId(uuid::Uuid::from_u128(n)),
            started_at: day
                .to_zoned(jiff::tz::TimeZone::UTC)
                .unwrap()
                .timestamp()
                .as_millisecond(),
            start_day: day,
            risks: risks.into(),
            in_error: false,
        }
    }

    #[test]
    fn each_episode_is_kept_under_the_month_of_the_persons_previous_one() {
        let mut in_error = link(2, date(2026, 2, 3), "cse");
        in_error.in_error = true;
        let links = [
            link(4, date(2026, 3, 5), "cse"),
            link(1, date(2026, 1, 10), "cse"),
            in_error,
            link(3, date(2026, 1, 20), ""),
        ];
        let mut d = Deltas::new();
        add_firsts(&mut d, &links, 1);
        let months: Vec<_> = d
            .iter()
            .filter(|(c, _)| c.grain == Grain::Month)
            .map(|(c, n)| format!("{} {} {}={n}", c.period, c.figure, c.key))
            .collect();
        assert_eq!(
            months,
            [
                "20260100 first_person 0=1",
                "20260100 first_person 20260100=1",
                "20260100 first_person_risk_cse 0=1",
                "20260300 first_person 20260100=1",
                "20260300 first_person_risk_cse 20260100=1",
            ]
        );
        // Correcting the day of the first episode moves the keys of the one after it too.
        let mut moved = links.clone();
        moved[1] = link(1, date(2025, 12, 30), "cse");
        let mut c = Deltas::new();
        change_firsts(&mut c, &links, &moved);
        assert!(
            c.keys()
                .any(|k| k.figure == "first_person" && k.key == "20251200")
        );
        assert!(c.values().any(|n| *n < 0));
    }

    proptest::proptest! {
        /// A window's people are its episodes whose previous one began in an earlier month,
        /// and those who went both earlier in its first month and in it: for any people,
        /// episodes and window of days.
        #[test]
        fn a_windows_people_are_those_first_in_it(
            episodes in proptest::collection::vec((0u8..12, 0u32..120), 0..80),
            from in 0u32..120,
            days in 1u32..90,
        ) {
            let start = date(2025, 12, 20);
            let day = |n: u32| start.checked_add(jiff::Span::new().days(i64::from(n))).unwrap();
            let (a, b) = (day(from), day(from + days));
            let mut by_person = BTreeMap::<u8, Vec<Link>>::new();
            for (i, (who, d)) in episodes.iter().enumerate() {
                by_person.entry(*who).or_default().push(link(i as u128, day(*d), ""));
            }
            let mut d = Deltas::new();
            for links in by_person.values() {
                add_firsts(&mut d, links, 1);
            }
            let a_month = period(Grain::Month, a).to_string();
            let mut counted: i64 = d
                .iter()
                .filter(|(c, _)| c.figure == "first_person" && c.key < a_month)
                .map(|(c, n)| ranges(a, b).iter().filter(|r| r.holds(c.grain, c.period)).map(|r| r.sign * n).sum::<i64>())
                .sum();
            let went = |who: &u8, lo: Date, hi: Date| by_person[who].iter().any(|l| l.start_day >= lo && l.start_day < hi);
            counted += by_person.keys().filter(|w| went(w, a.first_of_month(), a) && went(w, a, b)).count() as i64;
            let people = by_person.keys().filter(|w| went(w, a, b)).count() as i64;
            proptest::prop_assert_eq!(counted, people);
        }
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
                .all(|c| [20_261_025, 20_261_000, 20_260_000, 0].contains(&c.period))
        );
        // Eleven on the day, in the month and in the year; the person for all time.
        assert_eq!(d.len(), 34);
        assert!(
            d.keys()
                .filter(|c| c.grain == Grain::All)
                .all(|c| c.figure == PERSON)
        );
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
                "away_hours=25 1",
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

/// Which of the counted values holds the lower median, and how many values lie before it
/// among those equal to it or in its bucket: with hours as the values, the hour the median
/// falls in and the median's place among that hour's minutes.
pub fn lower_median_place(mut counts: Vec<(i64, i64)>) -> Option<(i64, i64)> {
    counts.retain(|(_, n)| *n > 0);
    counts.sort_unstable();
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let mut wanted = (total - 1).max(0) / 2;
    for (value, n) in counts {
        if wanted < n {
            return Some((value, wanted));
        }
        wanted -= n;
    }
    None
}

/// The value at place `place` (from 0) of counted values.
pub fn nth_counted(mut counts: Vec<(i64, i64)>, mut place: i64) -> Option<i64> {
    counts.retain(|(_, n)| *n > 0);
    counts.sort_unstable();
    for (value, n) in counts {
        if place < n {
            return Some(value);
        }
        place -= n;
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

    proptest::proptest! {
        /// Reading the hour first and then only that hour's minutes finds the same median as
        /// reading every minute.
        #[test]
        fn the_median_by_the_hour_then_the_minute_is_the_median(
            minutes in proptest::collection::vec((0i64..3000, 1i64..4), 0..60)
        ) {
            let keyed: Vec<(i64, i64)> = minutes.iter().map(|(m, n)| (super::median_key(*m), *n)).collect();
            let mut hours = std::collections::BTreeMap::<i64, i64>::new();
            for (m, n) in &keyed {
                *hours.entry(m / 60).or_default() += n;
            }
            let two_steps = super::lower_median_place(hours.into_iter().collect()).and_then(|(hour, place)| {
                let in_hour = keyed.iter().filter(|(m, _)| m / 60 == hour).copied().collect();
                super::nth_counted(in_hour, place)
            });
            proptest::prop_assert_eq!(two_steps, lower_median(keyed));
        }
    }
}
