//! The missing episode: an append-only chronology of events, and its state derived from them.
//!
//! Nothing here is ever edited in place. A mistake is put right by an [`Event::Amendment`]
//! that names the event it corrects, gives a reason and may carry a corrected version of it;
//! the state is then derived as if the correction had been recorded in the first place, while
//! the chronology keeps both.

pub mod state;

use crate::ids::UserId;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

pub use state::{
    EpisodeState, Phase, Refusal, ReturnInterviewStatus, append, derive, effective, time_missing,
};

/// One line of the chronology, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    /// 1 for the opening event; each event is the next number.
    pub seq: i64,
    pub when: Occurred,
    pub recorded_at: Timestamp,
    pub recorded_by: Option<UserId>,
    pub recorded_by_label: String,
    pub event: Event,
}

/// When something happened: the instant, and the UTC offset the person recording it saw (so
/// "01:30" on the night the clocks change still says which 01:30).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Occurred {
    pub at: Timestamp,
    pub offset_seconds: i32,
}

impl Occurred {
    /// An instant as seen in Europe/London.
    pub fn in_london(at: Timestamp) -> Self {
        let offset = crate::time::london().to_offset(at);
        Self {
            at,
            offset_seconds: offset.seconds(),
        }
    }
}

/// Whether anyone knows where the person is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Whereabouts {
    /// Not where they should be, but where they are is known (an unauthorised absence).
    Known,
    Unknown,
}

impl Whereabouts {
    pub fn code(self) -> &'static str {
        match self {
            Whereabouts::Known => "known",
            Whereabouts::Unknown => "unknown",
        }
    }
}

/// The police risk grade exactly as police gave it. Older grades are kept so that old
/// records read as they were written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoliceGrade {
    /// England and Wales 2013–2017: "absent", the tier below missing.
    Absent2013,
    /// "No apparent risk (absent)", the lowest grade from 2017 until renamed.
    NoApparentRisk,
    VeryLow,
    Low,
    Medium,
    High,
    /// Police have not graded the report.
    NotGraded,
}

impl PoliceGrade {
    /// As stored and as the API names it.
    pub fn code(self) -> &'static str {
        match self {
            PoliceGrade::Absent2013 => "absent2013",
            PoliceGrade::NoApparentRisk => "no_apparent_risk",
            PoliceGrade::VeryLow => "very_low",
            PoliceGrade::Low => "low",
            PoliceGrade::Medium => "medium",
            PoliceGrade::High => "high",
            PoliceGrade::NotGraded => "not_graded",
        }
    }

    pub const ALL: [PoliceGrade; 7] = [
        PoliceGrade::VeryLow,
        PoliceGrade::Low,
        PoliceGrade::Medium,
        PoliceGrade::High,
        PoliceGrade::NoApparentRisk,
        PoliceGrade::Absent2013,
        PoliceGrade::NotGraded,
    ];
}

/// Which grading scheme a grade belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GradeScheme {
    /// College of Policing APP (England and Wales).
    EnglandWalesApp,
    /// Police Scotland: low, medium, high.
    Scotland,
    /// A force's own local scheme.
    ForceLocal,
}

impl GradeScheme {
    /// Whether a grade exists in this scheme. Scotland grades low, medium or high only.
    pub fn allows(self, grade: PoliceGrade) -> bool {
        match self {
            GradeScheme::Scotland => matches!(
                grade,
                PoliceGrade::Low | PoliceGrade::Medium | PoliceGrade::High | PoliceGrade::NotGraded
            ),
            _ => true,
        }
    }
}

/// The provider's own view of the risk, beside (never instead of) the police grade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderRisk {
    Low,
    Medium,
    High,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PoliceNumber {
    #[serde(rename = "999")]
    Emergency,
    #[serde(rename = "101")]
    NonEmergency,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opened {
    /// When the person was last seen; may be well before the episode was opened.
    pub last_seen: Option<Occurred>,
    pub last_seen_place: String,
    pub whereabouts: Option<Whereabouts>,
    pub clothing: String,
    pub circumstances: String,
    /// The missing plan and risk assessment in force when the episode opened.
    pub plan_version: Option<i64>,
    pub risk_version: Option<i64>,
    /// The version of the duty rules in force when it opened (`duties::RULE_SET`).
    #[serde(default)]
    pub rule_set: Option<String>,
    /// The version of the organisation's settings in force when it opened: its deadlines
    /// keep to them, whatever changes later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings_version: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoliceReport {
    pub force: String,
    pub number: PoliceNumber,
    pub reference: String,
    /// The call handler or officer spoken to.
    pub spoke_to: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Located {
    pub place: String,
    pub town: String,
    pub police_area: String,
    pub found_by: String,
    pub condition: String,
    pub who_was_told: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Returned {
    pub to_where: String,
    pub how: String,
    /// Brought back through a police station: only when it was necessary, with why.
    pub via_police_station: bool,
    pub why_police_station: String,
}

/// What a return interview found, in the headings practitioners use.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReturnInterview {
    pub held_by: String,
    /// What pushed them away and what pulled them.
    pub push_pull: String,
    /// Where they went, with whom, how they travelled.
    pub where_and_who: String,
    pub harm: String,
    pub exploitation: String,
    /// In the person's own words.
    pub own_words: String,
    /// Actions, each with who owns it.
    pub actions: String,
    pub referrals: String,
}

/// Where a referral went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferralKind {
    /// A child at risk: section 47 (England), section 130 report (Wales), IRD (Scotland).
    ChildProtection,
    /// An adult at risk: Care Act s.42, SSWB Act s.126 or ASP enquiries.
    AdultSafeguarding,
    /// Trafficking or modern slavery: the National Referral Mechanism, through the local
    /// authority for children.
    Trafficking,
    /// The Independent Child Trafficking Advocacy service (Wales).
    Icta,
    Other,
}

impl ReferralKind {
    pub const ALL: [ReferralKind; 5] = [
        ReferralKind::ChildProtection,
        ReferralKind::AdultSafeguarding,
        ReferralKind::Trafficking,
        ReferralKind::Icta,
        ReferralKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ReferralKind::ChildProtection => "child_protection",
            ReferralKind::AdultSafeguarding => "adult_safeguarding",
            ReferralKind::Trafficking => "trafficking",
            ReferralKind::Icta => "icta",
            ReferralKind::Other => "other",
        }
    }
}

/// What can be recorded in an episode's chronology.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    Opened(Opened),
    /// One of the plan's reasonable steps done, and what was found.
    StepDone {
        step: u16,
        what: String,
        found: String,
    },
    /// Someone contacted: name, when (the event's time), what was learnt or shared.
    ContactMade {
        name: String,
        relationship: String,
        learnt: String,
        shared: String,
    },
    PlaceSearched {
        place: String,
        found: String,
    },
    Sighting {
        place: String,
        seen_by: String,
        details: String,
    },
    /// Someone updated with what is known (a parent, the social worker, the on-call manager).
    PersonUpdated {
        who: String,
        what: String,
    },
    ReportedToPolice(PoliceReport),
    PoliceGraded {
        grade: PoliceGrade,
        scheme: GradeScheme,
        /// When police will next review the grade.
        review_at: Option<Timestamp>,
    },
    ProviderRiskAssessed {
        level: ProviderRisk,
        reasons: String,
    },
    WhereaboutsChanged {
        whereabouts: Whereabouts,
        details: String,
    },
    Note {
        text: String,
    },
    Located(Located),
    Returned(Returned),
    /// Police's safe and well check, recorded as information received from them.
    SafeAndWellCheck {
        by: String,
        findings: String,
    },
    /// A return home interview (England), return interview (Wales) or Return Discussion
    /// (Scotland) offered; `independent` says whether the person offering it is independent
    /// of the person's care, as English guidance expects.
    ReturnInterviewOffered {
        offered_by: String,
        independent: bool,
    },
    /// Declined by the person, with why, and when it will be offered again.
    ReturnInterviewDeclined {
        reason: String,
        offer_again: String,
    },
    ReturnInterviewHeld(ReturnInterview),
    /// Care staff talking it through with the person once they are back.
    Debrief {
        by: String,
        notes: String,
    },
    /// Every episode asks for the missing plan to be reviewed.
    PlanReviewed {
        by: String,
        changes: String,
    },
    StrategyDiscussion {
        attendees: String,
        decisions: String,
    },
    Referral {
        to: ReferralKind,
        details: String,
    },
    /// Someone told, as a duty asks (the duty's rule id), by whom and how.
    Notified {
        duty: String,
        who: String,
        how: String,
    },
    /// A decision that a duty does not apply here (not to tell someone, not to notify the
    /// regulator), with the reasoning.
    DutyDeclined {
        duty: String,
        reason: String,
    },
    /// Police used emergency access (break-glass) to the police pack's details while no one
    /// had given them access: who (with their force) is the entry's author; why, as they
    /// typed it. It pages the on-call chain at once.
    EmergencyAccess {
        reason: String,
    },
    /// Someone paged (in the app and by email) about this episode; see [`crate::escalation`].
    Paged {
        key: String,
        reason: crate::escalation::PageReason,
        to: Option<UserId>,
        to_label: String,
        level: u8,
        /// Everything the page tells (`opened`, `high_risk`, `found`, `overdue:{rule}`), so
        /// nothing is paged about twice. Empty in pages written before this was recorded,
        /// which told only their `key`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        about: Vec<String>,
    },
    /// The person recording it acknowledges a page: they have the episode in hand, so every
    /// page about it so far is answered and escalation stops.
    Acknowledged {
        page: i64,
    },
    /// Closed by a manager, with a summary. Afterwards only amendments may be added.
    Closed {
        summary: String,
        /// The duties still open when it closed, each with the manager's reason: a closed
        /// episode accounts for every duty.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        left_open: Vec<LeftOpen>,
    },
    /// The episode should not have been opened; it is kept, marked, with the reason.
    RecordedInError {
        reason: String,
    },
    /// Corrects an earlier event, with a reason; may carry the corrected event, which must be
    /// of the same kind.
    Amendment {
        amends: i64,
        reason: String,
        corrected: Option<Box<Corrected>>,
    },
}

/// A duty still open at closing, and why it is left.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOpen {
    pub duty: String,
    pub reason: String,
}

/// A corrected version of an earlier event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Corrected {
    pub when: Occurred,
    pub event: Event,
}

impl Event {
    /// A stable name for the kind of event (for filters, storage and messages).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Opened(_) => "opened",
            Event::StepDone { .. } => "step_done",
            Event::ContactMade { .. } => "contact_made",
            Event::PlaceSearched { .. } => "place_searched",
            Event::Sighting { .. } => "sighting",
            Event::PersonUpdated { .. } => "person_updated",
            Event::ReportedToPolice(_) => "reported_to_police",
            Event::PoliceGraded { .. } => "police_graded",
            Event::ProviderRiskAssessed { .. } => "provider_risk_assessed",
            Event::WhereaboutsChanged { .. } => "whereabouts_changed",
            Event::Note { .. } => "note",
            Event::Located(_) => "located",
            Event::Returned(_) => "returned",
            Event::SafeAndWellCheck { .. } => "safe_and_well_check",
            Event::ReturnInterviewOffered { .. } => "return_interview_offered",
            Event::ReturnInterviewDeclined { .. } => "return_interview_declined",
            Event::ReturnInterviewHeld(_) => "return_interview_held",
            Event::Debrief { .. } => "debrief",
            Event::PlanReviewed { .. } => "plan_reviewed",
            Event::StrategyDiscussion { .. } => "strategy_discussion",
            Event::Referral { .. } => "referral",
            Event::Notified { .. } => "notified",
            Event::DutyDeclined { .. } => "duty_declined",
            Event::EmergencyAccess { .. } => "emergency_access",
            Event::Paged { .. } => "paged",
            Event::Acknowledged { .. } => "acknowledged",
            Event::Closed { .. } => "closed",
            Event::RecordedInError { .. } => "recorded_in_error",
            Event::Amendment { .. } => "amendment",
        }
    }

    /// Every kind, in the order a chronology's filter lists them.
    pub const KINDS: [&'static str; 29] = [
        "opened",
        "step_done",
        "contact_made",
        "place_searched",
        "sighting",
        "person_updated",
        "reported_to_police",
        "police_graded",
        "provider_risk_assessed",
        "whereabouts_changed",
        "note",
        "located",
        "returned",
        "safe_and_well_check",
        "return_interview_offered",
        "return_interview_declined",
        "return_interview_held",
        "debrief",
        "plan_reviewed",
        "strategy_discussion",
        "referral",
        "notified",
        "duty_declined",
        "emergency_access",
        "paged",
        "acknowledged",
        "closed",
        "recorded_in_error",
        "amendment",
    ];
}
