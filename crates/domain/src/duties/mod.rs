//! Duties: who must do what, by when, by whose rule, derived from the organisation's nation,
//! the person, the service, their plan, the settings and the episode's chronology so far.
//!
//! The rules are data ([`rules::RULES`]), each with its source; what the guidance leaves to
//! local protocol is a setting ([`DutySettings`]) or the person's plan, never a constant. The
//! function here is pure: the same inputs always give the same list, so the page, the board,
//! the API and the escalation worker agree.

pub mod calendar;
pub mod rules;

use crate::episode::{Event, EventRecord, Phase, PoliceGrade, ProviderRisk};
use crate::forms::Problem;
use crate::organisation::{Nation, ServiceKind};
use crate::person::PersonKind;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

pub use rules::{RULE_SET, RULES};

/// What the guidance leaves to local protocol, per organisation. Minutes throughout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DutySettings {
    /// "Immediately": how long before an immediate duty shows as overdue.
    pub immediately_minutes: i64,
    /// "Promptly": parents, the placing authority, everyone told when found.
    pub promptly_minutes: i64,
    /// Report to police after this long, when the plan does not say.
    pub report_after_minutes: i64,
    /// The plan's review after a return.
    pub plan_review_days: i64,
    /// A Return Discussion (Scotland) or return interview where no national clock is set.
    pub return_discussion_days: i64,
    /// Wales: a return interview is expected from this many episodes (counting this one).
    pub wales_interview_from_episode: i64,
    /// England: a strategy discussion once a child has been missing this many times…
    pub strategy_after_episodes: i64,
    /// …within this many days (counting this episode).
    pub strategy_window_days: i64,
}

impl Default for DutySettings {
    fn default() -> Self {
        Self {
            immediately_minutes: 15,
            promptly_minutes: 60,
            report_after_minutes: 60,
            plan_review_days: 7,
            return_discussion_days: 7,
            wales_interview_from_episode: 3,
            strategy_after_episodes: 3,
            strategy_window_days: 30,
        }
    }
}

impl DutySettings {
    /// Each setting: its name, the range allowed, and where it lives.
    pub const FIELDS: [(&'static str, i64, i64); 8] = [
        ("immediately_minutes", 1, 120),
        ("promptly_minutes", 5, 1440),
        ("report_after_minutes", 0, 1440),
        ("plan_review_days", 1, 28),
        ("return_discussion_days", 1, 28),
        ("wales_interview_from_episode", 1, 10),
        ("strategy_after_episodes", 1, 20),
        ("strategy_window_days", 1, 365),
    ];

    fn slot(&mut self, name: &str) -> Option<&mut i64> {
        Some(match name {
            "immediately_minutes" => &mut self.immediately_minutes,
            "promptly_minutes" => &mut self.promptly_minutes,
            "report_after_minutes" => &mut self.report_after_minutes,
            "plan_review_days" => &mut self.plan_review_days,
            "return_discussion_days" => &mut self.return_discussion_days,
            "wales_interview_from_episode" => &mut self.wales_interview_from_episode,
            "strategy_after_episodes" => &mut self.strategy_after_episodes,
            "strategy_window_days" => &mut self.strategy_window_days,
            _ => return None,
        })
    }

    pub fn get(&self, name: &str) -> Option<i64> {
        let mut copy = *self;
        copy.slot(name).map(|v| *v)
    }

    /// Settings from what an admin typed, each by its name; every problem names its field.
    pub fn from_input(input: impl Fn(&str) -> Option<String>) -> Result<Self, Vec<Problem>> {
        let mut out = DutySettings::default();
        let mut problems = Vec::new();
        for (name, low, high) in Self::FIELDS {
            let problem = |message| Problem {
                path: name.into(),
                message,
            };
            let text = input(name).unwrap_or_default();
            let text = text.trim();
            if text.is_empty() {
                problems.push(problem("error-required"));
                continue;
            }
            match text.parse::<i64>() {
                Err(_) => problems.push(problem("error-number")),
                Ok(n) if n < low || n > high => problems.push(problem("error-duty-setting-range")),
                Ok(n) => {
                    if let Some(slot) = out.slot(name) {
                        *slot = n;
                    }
                }
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }
}

/// Everything about the person and where they live that the rules look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    pub nation: Nation,
    pub person: PersonKind,
    pub service: ServiceKind,
    /// A looked-after child (under a care order or accommodated).
    pub looked_after: bool,
    /// Placed outside the placing authority's area: the host authority is told too.
    pub out_of_area: bool,
    /// What their information form says puts them at risk.
    pub risks: Risks,
    /// The plan's "report to police after…", already read as a duration.
    pub plan_report_after: Option<SignedDuration>,
    /// The plan's agreed time to be back ("back by 22:00"): "report after" counts from it.
    pub plan_back_by: Option<jiff::civil::Time>,
    /// Earlier episodes for this person (for Wales's "after three episodes").
    pub earlier_episodes: i64,
    /// Their episodes in the strategy window, this one included (England's repeat threshold).
    pub recent_episodes: i64,
    pub settings: DutySettings,
    /// The significant places on their form: no rule reads them, but what each episode
    /// teaches (where they were seen and found, against where they were known to go) does.
    pub known_places: Vec<crate::learning::KnownPlace>,
}

/// The risk indicators an information form records (`risks.indicators`), each one an input
/// some rule reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Risks {
    pub cse: bool,
    pub cce: bool,
    pub county_lines: bool,
    pub trafficking: bool,
    /// An unaccompanied asylum-seeking child.
    pub uasc: bool,
    pub self_harm: bool,
    pub mental_health: bool,
    pub substances: bool,
    pub dementia: bool,
}

impl Risks {
    /// From the form's codes (`cse,self_harm`).
    pub fn from_codes<'a>(codes: impl IntoIterator<Item = &'a str>) -> Self {
        let mut r = Risks::default();
        for code in codes {
            match code.trim() {
                "cse" => r.cse = true,
                "cce" => r.cce = true,
                "county_lines" => r.county_lines = true,
                "trafficking" => r.trafficking = true,
                "uasc" => r.uasc = true,
                "self_harm" => r.self_harm = true,
                "mental_health" => r.mental_health = true,
                "substances" => r.substances = true,
                "dementia" => r.dementia = true,
                _ => {}
            }
        }
        r
    }

    /// Sexual or criminal exploitation, county lines or trafficking: a child at risk of harm
    /// from others, which calls for a safeguarding referral.
    pub fn exploitation(&self) -> bool {
        self.cse || self.cce || self.county_lines || self.trafficking
    }

    /// Possibly trafficked or enslaved (county lines is criminal exploitation the National
    /// Referral Mechanism covers).
    pub fn trafficked(&self) -> bool {
        self.trafficking || self.county_lines
    }

    /// A concern that means reporting to police at once rather than after the plan's wait.
    pub fn concern(&self) -> bool {
        self.exploitation() || self.uasc || self.self_harm || self.mental_health || self.substances
    }
}

/// Everything a rule may read about the person and their plan. Each rule lists the inputs it
/// reads; a test checks that the list is true and that every input collected is read by some
/// rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Nation,
    PersonKind,
    Service,
    LookedAfter,
    OutOfArea,
    EarlierEpisodes,
    RecentEpisodes,
    PlanReportAfter,
    PlanBackBy,
    Cse,
    Cce,
    CountyLines,
    Trafficking,
    Uasc,
    SelfHarm,
    MentalHealth,
    Substances,
    Dementia,
}

impl Input {
    pub const ALL: [Input; 18] = [
        Input::Nation,
        Input::PersonKind,
        Input::Service,
        Input::LookedAfter,
        Input::OutOfArea,
        Input::EarlierEpisodes,
        Input::RecentEpisodes,
        Input::PlanReportAfter,
        Input::PlanBackBy,
        Input::Cse,
        Input::Cce,
        Input::CountyLines,
        Input::Trafficking,
        Input::Uasc,
        Input::SelfHarm,
        Input::MentalHealth,
        Input::Substances,
        Input::Dementia,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Input::Nation => "nation",
            Input::PersonKind => "child_or_adult",
            Input::Service => "service",
            Input::LookedAfter => "looked_after",
            Input::OutOfArea => "out_of_area",
            Input::EarlierEpisodes => "earlier_episodes",
            Input::RecentEpisodes => "recent_episodes",
            Input::PlanReportAfter => "plan_report_after",
            Input::PlanBackBy => "plan_back_by",
            Input::Cse => "cse",
            Input::Cce => "cce",
            Input::CountyLines => "county_lines",
            Input::Trafficking => "trafficking",
            Input::Uasc => "uasc",
            Input::SelfHarm => "self_harm",
            Input::MentalHealth => "mental_health",
            Input::Substances => "substances",
            Input::Dementia => "dementia",
        }
    }
}

/// When a rule's clock starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    Opened,
    ReportedToPolice,
    /// Police grade the risk high (or our own view is high).
    HighRisk,
    Located,
    Returned,
    /// The person declined a return interview or Return Discussion: it is offered again.
    InterviewDeclined,
}

/// How long a rule allows once its clock starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    /// "Immediately": the `immediately` setting.
    Immediately,
    /// "Promptly", "without delay" with no number: the `promptly` setting.
    Promptly,
    /// A fixed time in the rule's source ("within 72 hours of return").
    Within(SignedDuration),
    /// The plan's "report after", else the setting.
    ReportAfter,
    /// At once ("immediately"), unless the person's plan, agreed knowing their risks, sets
    /// its own wait.
    AtOnceUnlessPlan,
    PlanReview,
    ReturnDiscussion,
    WorkingDays(u32),
    /// The source sets no clock: shown without a deadline.
    NoClock,
}

/// Who does it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    Carer,
    Manager,
    Police,
    LocalAuthority,
}

/// A rule's source, shown to the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Source {
    pub document: &'static str,
    pub section: &'static str,
}

/// Which people and places a rule is for.
pub type Applies = fn(&Context) -> bool;

/// What discharges a duty: an entry of these kinds, or "told" naming the duty.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// Stable: stored in "told" entries and decisions, and in message ids.
    pub id: &'static str,
    pub applies: Applies,
    /// The inputs `applies` and the deadline read (checked by a test).
    pub reads: &'static [Input],
    /// The first rule set this row is in, and the first it is no longer in: an episode is
    /// judged by the rows of the rule set in force when it opened.
    pub since: &'static str,
    pub until: Option<&'static str>,
    pub trigger: Trigger,
    pub due: Due,
    pub who: Who,
    pub source: Source,
    /// Kinds of entry that do it (besides a "told" entry naming this rule); a referral of a
    /// particular kind is `referral:{kind}`.
    pub done_by: &'static [&'static str],
    /// Police milestones and the like: shown for information, never overdue for the provider.
    pub information: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Not yet done; `due_at` (if any) is still ahead.
    Due,
    Overdue,
    /// Done by these entries.
    Done {
        by: Vec<i64>,
    },
    /// Decided not to apply, with why, in this entry.
    NotApplicable {
        reason: String,
        by: i64,
    },
    /// For information: someone else's milestone.
    Information,
    /// Still open when the episode was closed without a reason for it (episodes closed before
    /// closing asked for one): never "to do" once closed.
    NotDoneAtClosing,
}

/// One duty on one episode.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Duty {
    pub rule: &'static str,
    pub who: Who,
    pub trigger: Trigger,
    pub started_at: Timestamp,
    pub due_at: Option<Timestamp>,
    pub status: Status,
    pub source: Source,
}

impl Duty {
    pub fn is_open(&self) -> bool {
        matches!(self.status, Status::Due | Status::Overdue)
    }
}

/// When each trigger happened, as corrected, if it has.
fn triggered(events: &[EventRecord], trigger: Trigger) -> Option<Timestamp> {
    triggered_at(events, trigger).map(|(at, _)| at)
}

/// When a trigger happened and the entry that did it (0 for the opening). A decline is the
/// latest one: each asks for another offer.
fn triggered_at(events: &[EventRecord], trigger: Trigger) -> Option<(Timestamp, i64)> {
    if trigger == Trigger::InterviewDeclined {
        let effective = crate::episode::effective(events).ok()?;
        return effective
            .iter()
            .rev()
            .find(|(_, _, e)| matches!(e, Event::ReturnInterviewDeclined { .. }))
            .map(|(seq, when, _)| (when.at, *seq));
    }
    let at = triggered_plain(events, trigger)?;
    Some((at, 0))
}

fn triggered_plain(events: &[EventRecord], trigger: Trigger) -> Option<Timestamp> {
    let effective = crate::episode::effective(events).ok()?;
    let (_, first_when, first) = effective.first()?;
    let opened = match first {
        Event::Opened(o) => o
            .last_seen
            .map_or(first_when.at, |s| s.at.min(first_when.at)),
        _ => first_when.at,
    };
    let found = |pred: &dyn Fn(&Event) -> bool| {
        effective
            .iter()
            .find(|(_, _, e)| pred(e))
            .map(|(_, when, _)| when.at)
    };
    match trigger {
        Trigger::Opened => Some(opened),
        Trigger::ReportedToPolice => found(&|e| matches!(e, Event::ReportedToPolice(_))),
        Trigger::HighRisk => found(&|e| {
            matches!(
                e,
                Event::PoliceGraded {
                    grade: PoliceGrade::High,
                    ..
                } | Event::ProviderRiskAssessed {
                    level: ProviderRisk::High,
                    ..
                }
            )
        }),
        Trigger::Located => found(&|e| matches!(e, Event::Located(_) | Event::Returned(_))),
        Trigger::Returned => found(&|e| matches!(e, Event::Returned(_))),
        Trigger::InterviewDeclined => None,
    }
}

fn allowed(ctx: &Context, rule: &Rule, start: Timestamp) -> Option<Timestamp> {
    let s = &ctx.settings;
    let mins = SignedDuration::from_mins;
    let span = match rule.due {
        Due::Immediately => mins(s.immediately_minutes),
        Due::Promptly => mins(s.promptly_minutes),
        Due::Within(d) => d,
        Due::ReportAfter => {
            let wait = ctx
                .plan_report_after
                .unwrap_or(mins(s.report_after_minutes));
            return Some(agreed_time(ctx, start).max(start) + wait);
        }
        Due::AtOnceUnlessPlan => match ctx.plan_report_after {
            Some(wait) => return Some(agreed_time(ctx, start).max(start) + wait),
            None => mins(s.immediately_minutes),
        },
        Due::PlanReview => SignedDuration::from_hours(24 * s.plan_review_days),
        Due::ReturnDiscussion => SignedDuration::from_hours(24 * s.return_discussion_days),
        Due::WorkingDays(n) => return Some(calendar::working_days_after(ctx.nation, start, n)),
        Due::NoClock => return None,
    };
    Some(start + span)
}

/// When the plan's agreed time to be back ("back by 22:00") falls, on the day they were last
/// seen, in UK time: "report after" counts from it when it is later than last seen. Without
/// one, from last seen.
fn agreed_time(ctx: &Context, last_seen: Timestamp) -> Timestamp {
    let Some(back_by) = ctx.plan_back_by else {
        return last_seen;
    };
    let day = last_seen.to_zoned(crate::time::london()).date();
    let agreed = day
        .to_datetime(back_by)
        .to_zoned(crate::time::london())
        .map(|z| z.timestamp())
        .unwrap_or(last_seen);
    // Last seen in the small hours, after the evening's agreed time: from last seen, not
    // from tonight's.
    if agreed.duration_since(last_seen) > SignedDuration::from_hours(12) {
        last_seen
    } else {
        agreed
    }
}

/// Whether a row is in a rule set: rule sets are named by month (`2026-11`), so they compare
/// as text.
pub fn in_rule_set(rule: &Rule, set: &str) -> bool {
    rule.since <= set && rule.until.is_none_or(|until| set < until)
}

/// The rule set an episode is judged by: the one recorded when it opened (episodes opened
/// before rule sets were recorded are judged by the first).
pub fn rule_set_of(events: &[EventRecord]) -> &str {
    match events.first().map(|r| &r.event) {
        Some(Event::Opened(o)) => o.rule_set.as_deref().unwrap_or(rules::FIRST_RULE_SET),
        _ => RULE_SET,
    }
}

/// The name an entry has for `done_by`: its kind, and for a referral also `referral:{to}`.
fn discharges(rule: &Rule, event: &Event) -> bool {
    match event {
        Event::Notified { duty, .. } => duty == rule.id,
        Event::Referral { to, .. } => rule
            .done_by
            .iter()
            .any(|k| *k == "referral" || k.strip_prefix("referral:") == Some(to.code())),
        other => rule.done_by.contains(&other.kind()),
    }
}

/// The duties of an episode at `now`, in the order the rules list them. Duties whose clock has
/// not started (nobody found yet, so nobody to tell that they are found) are left out.
pub fn duties(ctx: &Context, events: &[EventRecord], now: Timestamp) -> Vec<Duty> {
    let state = crate::episode::derive(events).ok();
    let ended = state.as_ref().is_some_and(|s| s.phase.is_ended());
    let in_error = state
        .as_ref()
        .is_some_and(|s| s.phase == Phase::RecordedInError);
    if in_error {
        return Vec::new();
    }
    let found = triggered(events, Trigger::Located);
    let set = rule_set_of(events);
    RULES
        .iter()
        .filter(|rule| in_rule_set(rule, set) && (rule.applies)(ctx))
        .filter_map(|rule| {
            let (started_at, after) = triggered_at(events, rule.trigger)?;
            let due_at = allowed(ctx, rule, started_at);
            // A police milestone for someone still missing is moot once they are found first.
            if rule.information
                && rule.trigger == Trigger::Opened
                && found.is_some_and(|f| due_at.is_none_or(|d| f < d))
            {
                return None;
            }
            // Done by an entry after what started it (an offer made again after a refusal).
            let done: Vec<i64> = events
                .iter()
                .filter(|r| r.seq > after && discharges(rule, &r.event))
                .map(|r| r.seq)
                .collect();
            let declined = events.iter().rev().find_map(|r| match &r.event {
                Event::DutyDeclined { duty, reason } if duty == rule.id => {
                    Some((reason.clone(), r.seq))
                }
                _ => None,
            });
            let status = if rule.information {
                Status::Information
            } else if !done.is_empty() {
                Status::Done { by: done }
            } else if let Some((reason, by)) = declined {
                Status::NotApplicable { reason, by }
            } else if let Some((reason, by)) = left_at_closing(events, rule.id) {
                Status::NotApplicable { reason, by }
            } else if ended {
                Status::NotDoneAtClosing
            } else if due_at.is_some_and(|d| now > d) {
                Status::Overdue
            } else {
                Status::Due
            };
            Some(Duty {
                rule: rule.id,
                who: rule.who,
                trigger: rule.trigger,
                started_at,
                due_at,
                status,
                source: rule.source,
            })
        })
        .collect()
}

/// The manager's reason for leaving a duty open at closing, and the closing entry.
fn left_at_closing(events: &[EventRecord], rule: &str) -> Option<(String, i64)> {
    events.iter().find_map(|r| match &r.event {
        Event::Closed { left_open, .. } => left_open
            .iter()
            .find(|l| l.duty == rule)
            .map(|l| (l.reason.clone(), r.seq)),
        _ => None,
    })
}

/// Closing accounts for every duty: the duties still open (due or overdue) that the closing
/// gives no reason for, by rule. Closing is allowed only when this is empty.
pub fn unaccounted<'a>(list: &'a [Duty], left_open: &[crate::episode::LeftOpen]) -> Vec<&'a str> {
    list.iter()
        .filter(|d| d.is_open())
        .filter(|d| {
            !left_open
                .iter()
                .any(|l| l.duty == d.rule && !l.reason.trim().is_empty())
        })
        .map(|d| d.rule)
        .collect()
}

/// The open duty due soonest: what the board shows for an episode.
pub fn next_due(duties: &[Duty]) -> Option<&Duty> {
    duties
        .iter()
        .filter(|d| d.is_open())
        .min_by_key(|d| d.due_at.unwrap_or(Timestamp::MAX))
}

/// The rule a duty comes from, for what discharges it.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// "1 hour", "30 mins", "2 hrs", "90 minutes", "awr", "45 munud": the plan's "report to
/// police after", typed by staff. `None` when it does not read as a time.
pub fn parse_after(text: &str) -> Option<SignedDuration> {
    let t = text.trim().to_lowercase();
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = t[digits.len()..].trim();
    let n: i64 = if digits.is_empty() {
        // "an hour", "awr" on its own.
        if rest.starts_with("an ") || rest.starts_with("a ") || rest == "awr" || rest == "hour" {
            1
        } else {
            return None;
        }
    } else {
        digits.parse().ok()?
    };
    let unit = rest.trim_start_matches("an ").trim_start_matches("a ");
    if unit.starts_with("mo") {
        return None; // months, not minutes
    }
    let minutes = if ["h", "hr", "hrs", "hour", "hours", "awr", "oriau"]
        .iter()
        .any(|u| unit.starts_with(u))
    {
        n * 60
    } else if ["m", "min", "mins", "minute", "minutes", "munud"]
        .iter()
        .any(|u| unit.starts_with(u))
    {
        n
    } else {
        return None;
    };
    (minutes > 0 && minutes <= 7 * 24 * 60).then(|| SignedDuration::from_mins(minutes))
}

#[cfg(test)]
mod tests;
