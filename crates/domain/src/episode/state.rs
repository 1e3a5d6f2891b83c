//! An episode's state, derived from its chronology by one pure function. The same function
//! decides whether a new event may be added: it may if the chronology with it still derives.

use super::{
    Event, EventRecord, GradeScheme, Occurred, PoliceGrade, PoliceReport, ProviderRisk, Whereabouts,
};
use jiff::{SignedDuration, Timestamp};
use std::collections::{BTreeMap, BTreeSet};

/// Where an episode has got to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Not where they should be: whereabouts unknown, or known but unauthorised.
    Missing,
    Located,
    Returned,
    Closed,
    RecordedInError,
}

impl Phase {
    pub fn code(self) -> &'static str {
        match self {
            Phase::Missing => "missing",
            Phase::Located => "located",
            Phase::Returned => "returned",
            Phase::Closed => "closed",
            Phase::RecordedInError => "recorded_in_error",
        }
    }

    /// Whether the episode is over (nothing but amendments may follow).
    pub const ALL: [Phase; 5] = [
        Phase::Missing,
        Phase::Located,
        Phase::Returned,
        Phase::Closed,
        Phase::RecordedInError,
    ];

    pub fn from_code(code: &str) -> Option<Phase> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn is_ended(self) -> bool {
        matches!(self, Phase::Closed | Phase::RecordedInError)
    }

    /// Whether the episode is on the live board: still missing or not yet back.
    pub fn is_open(self) -> bool {
        matches!(self, Phase::Missing | Phase::Located)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GradeNow {
    pub grade: PoliceGrade,
    pub scheme: GradeScheme,
    pub review_at: Option<Timestamp>,
    pub given: Occurred,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpisodeState {
    pub phase: Phase,
    pub opened: Occurred,
    pub last_seen: Option<Occurred>,
    pub whereabouts: Whereabouts,
    pub plan_version: Option<i64>,
    pub risk_version: Option<i64>,
    /// The organisation's settings pinned when it opened (see [`super::Opened`]).
    pub settings_version: Option<i64>,
    pub reported: Option<(Occurred, PoliceReport)>,
    pub police_grade: Option<GradeNow>,
    pub provider_risk: Option<(ProviderRisk, Occurred)>,
    pub located: Option<Occurred>,
    pub returned: Option<Occurred>,
    /// When it was closed or marked as recorded in error.
    pub ended: Option<Occurred>,
    pub safe_and_well: Option<Occurred>,
    pub return_interview: ReturnInterviewStatus,
    pub debriefed: Option<Occurred>,
    pub plan_reviewed: Option<Occurred>,
    /// The plan's steps done, by number.
    pub steps_done: BTreeSet<u16>,
    /// How many events the chronology holds, amendments included.
    pub events: i64,
    /// The latest event by sequence: its number and kind.
    pub last_event: (i64, &'static str),
}

/// Where the return interview has got to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ReturnInterviewStatus {
    #[default]
    NotOffered,
    Offered(Occurred),
    Declined(Occurred),
    Held(Occurred),
}

impl ReturnInterviewStatus {
    pub fn code(self) -> &'static str {
        match self {
            ReturnInterviewStatus::NotOffered => "not_offered",
            ReturnInterviewStatus::Offered(_) => "offered",
            ReturnInterviewStatus::Declined(_) => "declined",
            ReturnInterviewStatus::Held(_) => "held",
        }
    }
}

/// Why an event cannot be added. Each names a message for the user.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The first event must open the episode, and only the first.
    OpenFirst,
    OpenedTwice,
    /// Events are numbered 1, 2, 3… with no gaps.
    OutOfSequence,
    /// After closing (or marking as recorded in error) only amendments may be added.
    Ended,
    AlreadyLocated,
    AlreadyReturned,
    /// An episode is closed after the person is found; otherwise it was recorded in error.
    NotFoundYet,
    /// Found, or back, before they were last seen.
    BeforeLastSeen,
    /// Back before they were found.
    BeforeLocated,
    /// Last seen after the episode was opened.
    LastSeenAfterOpening,
    /// Later than the moment it is recorded.
    InTheFuture,
    GradeNotInScheme,
    AmendsNothing,
    AmendsDifferentKind,
    ReasonNeeded,
    SummaryNeeded,
    /// Return interviews and debriefs happen once the person is back.
    NotBackYet,
    /// A safe and well check follows being found.
    NotLocatedYet,
    /// Brought back through a police station only when it was necessary: say why.
    WhyPoliceStation,
    /// An acknowledgement names a page.
    AcknowledgesNothing,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Refusal::OpenFirst | Refusal::OpenedTwice => "error-episode-open-first",
            Refusal::OutOfSequence => "error-saved-meanwhile",
            Refusal::Ended => "error-episode-ended",
            Refusal::AlreadyLocated => "error-episode-already-located",
            Refusal::AlreadyReturned => "error-episode-already-returned",
            Refusal::NotFoundYet => "error-episode-not-found-yet",
            Refusal::BeforeLastSeen => "error-episode-before-last-seen",
            Refusal::BeforeLocated => "error-episode-before-located",
            Refusal::LastSeenAfterOpening => "error-episode-last-seen-after",
            Refusal::InTheFuture => "error-date-future",
            Refusal::GradeNotInScheme => "error-episode-grade-scheme",
            Refusal::AmendsNothing => "error-episode-amends-nothing",
            Refusal::AmendsDifferentKind => "error-episode-amends-kind",
            Refusal::ReasonNeeded => "error-reason-needed",
            Refusal::SummaryNeeded => "error-episode-summary-needed",
            Refusal::NotBackYet => "error-episode-not-back-yet",
            Refusal::NotLocatedYet => "error-episode-not-located-yet",
            Refusal::WhyPoliceStation => "error-episode-why-police-station",
            Refusal::AcknowledgesNothing => "error-episode-acknowledges-nothing",
        }
    }
}

/// How far ahead of the recording moment an event's time may be: phones' clocks drift.
const CLOCK_SLACK: SignedDuration = SignedDuration::from_mins(5);

/// The chronology with each corrected event replaced by its latest correction, without the
/// corrections themselves: what happened, as best known now.
pub fn effective(events: &[EventRecord]) -> Result<Vec<(i64, Occurred, &Event)>, Refusal> {
    let mut corrections: BTreeMap<i64, (Occurred, &Event)> = BTreeMap::new();
    for r in events {
        if let Event::Amendment {
            amends,
            reason,
            corrected,
        } = &r.event
        {
            if reason.trim().is_empty() {
                return Err(Refusal::ReasonNeeded);
            }
            let original = events
                .iter()
                .find(|o| o.seq == *amends && o.seq < r.seq)
                .filter(|o| !matches!(o.event, Event::Amendment { .. }))
                .ok_or(Refusal::AmendsNothing)?;
            if let Some(c) = corrected {
                if c.event.kind() != original.event.kind() {
                    return Err(Refusal::AmendsDifferentKind);
                }
                corrections.insert(*amends, (c.when, &c.event));
            }
        }
    }
    Ok(events
        .iter()
        .filter(|r| !matches!(r.event, Event::Amendment { .. }))
        .map(|r| match corrections.get(&r.seq) {
            Some((when, event)) => (r.seq, *when, *event),
            None => (r.seq, r.when, &r.event),
        })
        .collect())
}

/// The state of an episode from its whole chronology, or why the chronology is not possible.
pub fn derive(events: &[EventRecord]) -> Result<EpisodeState, Refusal> {
    for (i, r) in events.iter().enumerate() {
        if r.seq != i as i64 + 1 {
            return Err(Refusal::OutOfSequence);
        }
        if r.when.at > r.recorded_at + CLOCK_SLACK {
            return Err(Refusal::InTheFuture);
        }
    }
    // Once ended, only amendments: judged on the chronology as recorded.
    let mut ended = false;
    for r in events {
        if ended && !matches!(r.event, Event::Amendment { .. }) {
            return Err(Refusal::Ended);
        }
        ended |= matches!(
            r.event,
            Event::Closed { .. } | Event::RecordedInError { .. }
        );
    }
    let effective = effective(events)?;
    let mut iter = effective.into_iter();
    let Some((_, opened_at, Event::Opened(opened))) = iter.next() else {
        return Err(Refusal::OpenFirst);
    };
    if let Some(seen) = opened.last_seen
        && seen.at > opened_at.at
    {
        return Err(Refusal::LastSeenAfterOpening);
    }
    let mut s = EpisodeState {
        phase: Phase::Missing,
        opened: opened_at,
        last_seen: opened.last_seen,
        whereabouts: opened.whereabouts.unwrap_or(Whereabouts::Unknown),
        plan_version: opened.plan_version,
        risk_version: opened.risk_version,
        settings_version: opened.settings_version,
        reported: None,
        police_grade: None,
        provider_risk: None,
        located: None,
        returned: None,
        ended: None,
        safe_and_well: None,
        return_interview: ReturnInterviewStatus::NotOffered,
        debriefed: None,
        plan_reviewed: None,
        steps_done: BTreeSet::new(),
        events: events.len() as i64,
        last_event: events
            .last()
            .map(|r| (r.seq, r.event.kind()))
            .unwrap_or((1, "opened")),
    };
    let start = s.last_seen.unwrap_or(s.opened).at;
    for (_, when, event) in iter {
        match event {
            Event::Opened(_) => return Err(Refusal::OpenedTwice),
            Event::StepDone { step, .. } => {
                s.steps_done.insert(*step);
            }
            Event::ReportedToPolice(report) => s.reported = Some((when, report.clone())),
            Event::PoliceGraded {
                grade,
                scheme,
                review_at,
            } => {
                if !scheme.allows(*grade) {
                    return Err(Refusal::GradeNotInScheme);
                }
                s.police_grade = Some(GradeNow {
                    grade: *grade,
                    scheme: *scheme,
                    review_at: *review_at,
                    given: when,
                });
            }
            Event::ProviderRiskAssessed { level, .. } => s.provider_risk = Some((*level, when)),
            Event::WhereaboutsChanged { whereabouts, .. } => s.whereabouts = *whereabouts,
            Event::Located(_) => {
                if s.phase != Phase::Missing {
                    return Err(Refusal::AlreadyLocated);
                }
                if when.at < start {
                    return Err(Refusal::BeforeLastSeen);
                }
                s.phase = Phase::Located;
                s.located = Some(when);
                s.whereabouts = Whereabouts::Known;
            }
            Event::Returned(r) => {
                if r.via_police_station && r.why_police_station.trim().is_empty() {
                    return Err(Refusal::WhyPoliceStation);
                }
                match s.phase {
                    Phase::Missing | Phase::Located => {}
                    _ => return Err(Refusal::AlreadyReturned),
                }
                if when.at < start {
                    return Err(Refusal::BeforeLastSeen);
                }
                if let Some(found) = s.located
                    && when.at < found.at
                {
                    return Err(Refusal::BeforeLocated);
                }
                // Walking back in is being found and returned at once.
                s.located.get_or_insert(when);
                s.phase = Phase::Returned;
                s.returned = Some(when);
                s.whereabouts = Whereabouts::Known;
            }
            Event::SafeAndWellCheck { .. } => {
                if s.located.is_none() {
                    return Err(Refusal::NotLocatedYet);
                }
                s.safe_and_well = Some(when);
            }
            Event::ReturnInterviewOffered { .. } => {
                back(&s)?;
                s.return_interview = ReturnInterviewStatus::Offered(when);
            }
            Event::ReturnInterviewDeclined { reason, .. } => {
                back(&s)?;
                if reason.trim().is_empty() {
                    return Err(Refusal::ReasonNeeded);
                }
                s.return_interview = ReturnInterviewStatus::Declined(when);
            }
            Event::ReturnInterviewHeld(_) => {
                back(&s)?;
                s.return_interview = ReturnInterviewStatus::Held(when);
            }
            Event::Debrief { .. } => {
                back(&s)?;
                s.debriefed = Some(when);
            }
            Event::PlanReviewed { .. } => s.plan_reviewed = Some(when),
            Event::Closed { summary, left_open } => {
                if summary.trim().is_empty() {
                    return Err(Refusal::SummaryNeeded);
                }
                if left_open.iter().any(|l| l.reason.trim().is_empty()) {
                    return Err(Refusal::ReasonNeeded);
                }
                if !matches!(s.phase, Phase::Located | Phase::Returned) {
                    return Err(Refusal::NotFoundYet);
                }
                s.phase = Phase::Closed;
                s.ended = Some(when);
            }
            Event::RecordedInError { reason } => {
                if reason.trim().is_empty() {
                    return Err(Refusal::ReasonNeeded);
                }
                s.phase = Phase::RecordedInError;
                s.ended = Some(when);
            }
            Event::ContactMade { .. }
            | Event::PlaceSearched { .. }
            | Event::Sighting { .. }
            | Event::PersonUpdated { .. }
            | Event::Note { .. }
            | Event::StrategyDiscussion { .. }
            | Event::Referral { .. }
            | Event::Notified { .. }
            | Event::EmergencyAccess { .. }
            | Event::Paged { .. } => {}
            Event::Acknowledged { page } => {
                let paged = events
                    .iter()
                    .any(|r| r.seq == *page && matches!(r.event, Event::Paged { .. }));
                if !paged {
                    return Err(Refusal::AcknowledgesNothing);
                }
            }
            Event::DutyDeclined { reason, .. } => {
                if reason.trim().is_empty() {
                    return Err(Refusal::ReasonNeeded);
                }
            }
            // Taken out by `effective`, their corrections applied.
            Event::Amendment { .. } => {}
        }
    }
    Ok(s)
}

/// Return interviews and debriefs are with someone who is back.
fn back(s: &EpisodeState) -> Result<(), Refusal> {
    if s.returned.is_none() {
        return Err(Refusal::NotBackYet);
    }
    Ok(())
}

/// Whether `next` may be added to the chronology; the state after it if so.
pub fn append(events: &[EventRecord], next: &EventRecord) -> Result<EpisodeState, Refusal> {
    let mut all = events.to_vec();
    all.push(next.clone());
    derive(&all)
}

/// How long the person has been (or was) missing: from last seen (or, if nobody knows, from
/// when the episode was opened) until found, or until `now`. Never negative; elapsed time on
/// instants, so the night the clocks change counts its real hours.
pub fn time_missing(s: &EpisodeState, now: Timestamp) -> SignedDuration {
    let start = s.last_seen.unwrap_or(s.opened).at;
    let end = s.located.or(s.returned).or(s.ended).map_or(now, |o| o.at);
    end.duration_since(start).max(SignedDuration::ZERO)
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn record(seq: i64, when: Timestamp, event: Event) -> EventRecord {
        EventRecord {
            seq,
            when: Occurred::in_london(when),
            recorded_at: when,
            recorded_by: None,
            recorded_by_label: "care-worker@example.org".into(),
            event,
        }
    }

    fn opened(last_seen: Timestamp) -> Event {
        Event::Opened(Opened {
            last_seen: Some(Occurred::in_london(last_seen)),
            last_seen_place: "The bus stop on Heol y Frenhines".into(),
            whereabouts: Some(Whereabouts::Unknown),
            ..Opened::default()
        })
    }

    fn located() -> Event {
        Event::Located(Located {
            place: "Friend's flat".into(),
            town: "Caerdydd".into(),
            police_area: "South Wales".into(),
            found_by: "Police".into(),
            condition: "Tired, unhurt".into(),
            who_was_told: "Social worker".into(),
        })
    }

    fn returned() -> Event {
        Event::Returned(Returned {
            to_where: "Home".into(),
            how: "Staff car".into(),
            via_police_station: false,
            why_police_station: String::new(),
        })
    }

    #[test]
    fn a_whole_episode_derives_in_order() {
        let t0 = at("2026-11-20T21:00:00Z");
        let mut events = vec![record(1, t0 + SignedDuration::from_mins(40), opened(t0))];
        let add = |events: &mut Vec<EventRecord>, mins: i64, e: Event| {
            let r = record(
                events.len() as i64 + 1,
                t0 + SignedDuration::from_mins(mins),
                e,
            );
            append(events, &r).unwrap();
            events.push(r);
        };
        add(
            &mut events,
            45,
            Event::StepDone {
                step: 1,
                what: "Rang her mobile".into(),
                found: "No answer".into(),
            },
        );
        add(
            &mut events,
            60,
            Event::ReportedToPolice(PoliceReport {
                force: "Heddlu De Cymru".into(),
                number: PoliceNumber::NonEmergency,
                reference: "SW-2026-1120-0412".into(),
                spoke_to: "PC Evans".into(),
            }),
        );
        add(
            &mut events,
            70,
            Event::PoliceGraded {
                grade: PoliceGrade::Medium,
                scheme: GradeScheme::EnglandWalesApp,
                review_at: None,
            },
        );
        let s = derive(&events).unwrap();
        assert_eq!(s.phase, Phase::Missing);
        assert_eq!(
            time_missing(&s, t0 + SignedDuration::from_hours(2)),
            SignedDuration::from_hours(2)
        );
        add(&mut events, 200, located());
        add(&mut events, 260, returned());
        add(
            &mut events,
            3000,
            Event::Closed {
                summary: "Back safe; return interview booked".into(),
                left_open: Vec::new(),
            },
        );
        let s = derive(&events).unwrap();
        assert_eq!(s.phase, Phase::Closed);
        assert_eq!(s.steps_done, [1].into());
        assert_eq!(s.police_grade.as_ref().unwrap().grade, PoliceGrade::Medium);
        assert_eq!(
            time_missing(&s, t0 + SignedDuration::from_hours(100)),
            SignedDuration::from_mins(200)
        );

        // Closed: a note is refused, an amendment is not.
        let note = record(
            8,
            t0 + SignedDuration::from_mins(3001),
            Event::Note {
                text: "late".into(),
            },
        );
        assert_eq!(append(&events, &note), Err(Refusal::Ended));
        let fix = record(
            8,
            t0 + SignedDuration::from_mins(3001),
            Event::Amendment {
                amends: 5,
                reason: "She was found at 00:10, not 00:20: police confirmed".into(),
                corrected: Some(Box::new(Corrected {
                    when: Occurred::in_london(t0 + SignedDuration::from_mins(190)),
                    event: located(),
                })),
            },
        );
        let s = append(&events, &fix).unwrap();
        assert_eq!(time_missing(&s, t0), SignedDuration::from_mins(190));
    }

    #[test]
    fn impossible_chronologies_are_refused() {
        let t0 = at("2026-11-20T21:00:00Z");
        let base = vec![record(1, t0, opened(t0))];
        let try_add = |e: Event, mins: i64| {
            append(&base, &record(2, t0 + SignedDuration::from_mins(mins), e))
        };
        assert_eq!(try_add(located(), -10), Err(Refusal::BeforeLastSeen));
        assert_eq!(
            try_add(
                Event::Closed {
                    summary: "x".into(),
                    left_open: Vec::new()
                },
                5
            ),
            Err(Refusal::NotFoundYet)
        );
        assert_eq!(try_add(opened(t0), 5), Err(Refusal::OpenedTwice));
        // Back through a police station only with why; a return interview only once back.
        let mut station = returned();
        if let Event::Returned(r) = &mut station {
            r.via_police_station = true;
        }
        assert_eq!(try_add(station, 5), Err(Refusal::WhyPoliceStation));
        assert_eq!(
            try_add(Event::ReturnInterviewHeld(ReturnInterview::default()), 5),
            Err(Refusal::NotBackYet)
        );
        assert_eq!(
            try_add(
                Event::SafeAndWellCheck {
                    by: "PC Evans".into(),
                    findings: String::new()
                },
                5
            ),
            Err(Refusal::NotLocatedYet)
        );
        assert_eq!(
            try_add(Event::RecordedInError { reason: " ".into() }, 5),
            Err(Refusal::ReasonNeeded)
        );
        assert_eq!(
            try_add(
                Event::PoliceGraded {
                    grade: PoliceGrade::VeryLow,
                    scheme: GradeScheme::Scotland,
                    review_at: None
                },
                5
            ),
            Err(Refusal::GradeNotInScheme)
        );
        assert_eq!(
            try_add(
                Event::Amendment {
                    amends: 7,
                    reason: "typo".into(),
                    corrected: None
                },
                5
            ),
            Err(Refusal::AmendsNothing)
        );
        assert_eq!(
            try_add(
                Event::Amendment {
                    amends: 1,
                    reason: "typo".into(),
                    corrected: Some(Box::new(Corrected {
                        when: Occurred::in_london(t0),
                        event: located()
                    }))
                },
                5
            ),
            Err(Refusal::AmendsDifferentKind)
        );
        let mut future = record(
            2,
            t0 + SignedDuration::from_hours(1),
            Event::Note { text: "x".into() },
        );
        future.recorded_at = t0;
        assert_eq!(append(&base, &future), Err(Refusal::InTheFuture));
        assert_eq!(derive(&[record(1, t0, located())]), Err(Refusal::OpenFirst));
        assert_eq!(
            append(&base, &record(3, t0, Event::Note { text: "x".into() })),
            Err(Refusal::OutOfSequence)
        );
        let seen_later = record(1, t0, opened(t0 + SignedDuration::from_mins(10)));
        assert_eq!(derive(&[seen_later]), Err(Refusal::LastSeenAfterOpening));
    }

    #[test]
    fn time_missing_counts_real_hours_across_the_clock_change() {
        // The clocks went back at 02:00 BST on 25 October 2026: 00:30 BST is 23:30 UTC.
        let last_seen = at("2026-10-24T23:30:00Z");
        let found = at("2026-10-25T02:30:00Z"); // 02:30 GMT
        let seen = Occurred::in_london(last_seen);
        assert_eq!(seen.offset_seconds, 3600, "BST as the user saw it");
        assert_eq!(Occurred::in_london(found).offset_seconds, 0);
        let events = vec![
            record(1, last_seen, opened(last_seen)),
            record(2, found, located()),
        ];
        let s = derive(&events).unwrap();
        assert_eq!(time_missing(&s, found), SignedDuration::from_hours(3));
    }

    /// What a user might try next, at a number of minutes after the last event.
    #[derive(Clone, Debug)]
    enum Try {
        Note,
        Locate,
        Return,
        Close,
        Error,
        Grade(usize, bool),
        Amend(i64, bool),
        Interview,
    }

    fn a_try() -> impl Strategy<Value = Try> {
        prop_oneof![
            3 => Just(Try::Note),
            2 => Just(Try::Locate),
            2 => Just(Try::Return),
            1 => Just(Try::Close),
            1 => Just(Try::Error),
            1 => (0usize..7, any::<bool>()).prop_map(|(g, s)| Try::Grade(g, s)),
            1 => (0i64..12, any::<bool>()).prop_map(|(n, c)| Try::Amend(n, c)),
            1 => Just(Try::Interview),
        ]
    }

    proptest! {
        /// Whatever users try, in whatever order and at whatever times (across the October
        /// clock change), what is accepted always derives, and the state keeps its promises.
        #[test]
        fn accepted_chronologies_keep_their_invariants(
            tries in prop::collection::vec((a_try(), -90i64..600), 0..25),
            start in 0i64..72,
        ) {
            let t0 = at("2026-10-24T12:00:00Z") + SignedDuration::from_hours(start);
            let mut events = vec![record(1, t0 + SignedDuration::from_mins(20), opened(t0))];
            let mut now = t0 + SignedDuration::from_mins(20);
            for (attempt, minutes) in tries {
                let when = now + SignedDuration::from_mins(minutes);
                let event = match attempt {
                    Try::Note => Event::Note { text: "Rang again".into() },
                    Try::Locate => located(),
                    Try::Return => returned(),
                    Try::Close => Event::Closed { summary: "Safe".into(), left_open: Vec::new() },
                    Try::Error => Event::RecordedInError { reason: "Was at school".into() },
                    Try::Interview => Event::ReturnInterviewHeld(ReturnInterview::default()),
                    Try::Grade(g, scot) => Event::PoliceGraded {
                        grade: PoliceGrade::ALL[g],
                        scheme: if scot { GradeScheme::Scotland } else { GradeScheme::EnglandWalesApp },
                        review_at: None,
                    },
                    Try::Amend(n, with_fix) => Event::Amendment {
                        amends: n,
                        reason: "Corrected".into(),
                        corrected: with_fix.then(|| Box::new(Corrected {
                            when: Occurred::in_london(when),
                            event: events.get((n - 1).max(0) as usize).map(|r| r.event.clone()).unwrap_or(Event::Note { text: String::new() }),
                        })),
                    },
                };
                let mut r = record(events.len() as i64 + 1, when, event);
                r.recorded_at = when.max(now);
                let before = derive(&events).unwrap();
                match append(&events, &r) {
                    Ok(after) => {
                        prop_assert!(
                            !before.phase.is_ended() || matches!(r.event, Event::Amendment { .. }),
                            "nothing but amendments after the end"
                        );
                        events.push(r);
                        now = now.max(events.last().unwrap().recorded_at);
                        let s = derive(&events).unwrap();
                        prop_assert_eq!(&s, &after);
                        prop_assert!(time_missing(&s, now) >= SignedDuration::ZERO);
                        if let Some(found) = s.located {
                            prop_assert!(found.at >= s.last_seen.unwrap().at, "no located before last seen");
                        }
                        if let (Some(found), Some(back)) = (s.located, s.returned) {
                            prop_assert!(back.at >= found.at);
                        }
                        if s.return_interview != ReturnInterviewStatus::NotOffered {
                            prop_assert!(s.returned.is_some(), "no return interview before return");
                        }
                        prop_assert_eq!(s.phase == Phase::Closed, s.ended.is_some() && s.phase != Phase::RecordedInError);
                    }
                    Err(_) => prop_assert_eq!(derive(&events).unwrap(), before, "a refusal changes nothing"),
                }
            }
        }
    }
}
