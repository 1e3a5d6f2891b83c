//! The storage interface: coarse, use-case-sized operations, each one transaction.
//!
//! Every write takes the audit event that describes it and stores it in the same transaction,
//! so a change and its audit record land together or not at all. Reads of personal data that
//! must be audited take their event too.
//!
//! Both engines run the same SQL (see [`sql_impl`]); they differ only in how a write
//! transaction starts and how the schema is created.

use async_trait::async_trait;
use homeward_domain::audit::{AuditEvent, AuditRecord};
use homeward_domain::forms::{DocKind, Document};
use homeward_domain::ids::{OrgId, PersonId, ServiceId, UserId};
use homeward_domain::organisation::{Nation, Regulator, ServiceKind};
use homeward_domain::person::PersonKind;
use homeward_domain::role::Role;
use homeward_domain::throttle::RecentFailures;
use jiff::Timestamp;
use jiff::civil::Date;

#[cfg(feature = "conformance")]
pub mod conformance;
pub mod group_commit;
pub mod policies;
pub mod policies_sql;
pub mod sql_impl;

#[derive(Clone, Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule refused the write (for example an email already in use).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The database could not be reached or answered with an I/O failure.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a bug or a corrupted row. The message is for logs, never for users.
    #[error("storage error: {0}")]
    Internal(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organisation {
    pub id: OrgId,
    pub name: String,
    pub nation: Nation,
    pub regulator: Regulator,
    pub registration_number: String,
    pub registered_manager: String,
    pub safeguarding_lead: String,
    pub created_at: Timestamp,
    /// `provider`, or the kind of partner (see `homeward_domain::access::ORGANISATION_KINDS`).
    pub kind: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Service {
    pub id: ServiceId,
    pub org_id: OrgId,
    pub name: String,
    pub kind: ServiceKind,
    pub registration_number: String,
    pub created_at: Timestamp,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub org_id: OrgId,
    pub email: String,
    pub display_name: String,
    pub active: bool,
    pub created_at: Timestamp,
}

/// A role held across the organisation (`service_id` empty) or in one service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Membership {
    pub role: Role,
    pub service_id: Option<ServiceId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserWithRoles {
    pub user: User,
    pub memberships: Vec<Membership>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUser {
    pub user: User,
    pub password_hash: String,
    pub memberships: Vec<Membership>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
}

/// A signed-in session. Only the hash of its token is stored, so a copy of the database
/// cannot be used to take over sessions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub ip: Option<String>,
    /// When the code from the authenticator app was last entered in this session.
    pub second_factor_at: Option<Timestamp>,
    /// The inspection this session reads a provider's records under, if any.
    pub inspection_id: Option<uuid::Uuid>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub token_hash: String,
    pub user_id: UserId,
    pub label: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// An API token as its owner and admins see it: never the token itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedToken {
    pub token: ApiToken,
    pub revoked: Option<Revocation>,
}

/// Who revoked something, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revocation {
    pub at: Timestamp,
    pub by: Option<UserId>,
    pub by_label: String,
}

/// The person as lists and searches see them: a read model of their latest information form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    pub org_id: OrgId,
    pub service_id: ServiceId,
    pub given_name: String,
    pub family_name: String,
    pub kind: PersonKind,
    pub date_of_birth: Option<Date>,
    pub estimated_age: Option<i16>,
    pub created_at: Timestamp,
}

/// One saved version of a person's information form, risk assessment or missing plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentVersion {
    pub person_id: PersonId,
    pub kind: DocKind,
    /// 1 for the first; each save is the next number.
    pub version: i64,
    pub document: Document,
    /// The sections that differ from the version before (for the history).
    pub changed: Vec<String>,
    pub review_date: Option<Date>,
    pub recorded_by: Option<UserId>,
    pub recorded_by_label: String,
    pub recorded_at: Timestamp,
    /// For a missing plan: the manager who agreed this version, and when.
    pub agreed_by_label: Option<String>,
    pub agreed_at: Option<Timestamp>,
}

/// What lists and the live board read about an episode: kept up to date, in the same
/// transaction, with every event added to its chronology.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpisodeSummary {
    pub id: homeward_domain::ids::EpisodeId,
    pub org_id: OrgId,
    pub service_id: ServiceId,
    pub person_id: PersonId,
    /// `Phase::code()`: missing, located, returned, closed or recorded_in_error.
    pub phase: String,
    /// Still missing or not yet back: on the live board.
    pub is_open: bool,
    pub opened_at: Timestamp,
    pub last_seen_at: Option<Timestamp>,
    pub police_grade: Option<String>,
    pub last_event_seq: i64,
    pub last_event_kind: String,
    /// When the last event was recorded.
    pub last_event_at: Timestamp,
    /// What was derived when it was written, for the board and the paging pass.
    pub schedule: Schedule,
}

/// Derived from an episode's chronology, its duties and its pages whenever it is written, so
/// that the board reads one row per episode and the paging pass looks only at the episodes
/// whose time has come.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    /// The open duty due soonest, and when.
    pub next_duty_rule: Option<String>,
    pub next_duty_due_at: Option<Timestamp>,
    /// Pages nobody has acknowledged.
    pub waiting_pages: i64,
    /// When the paging pass must look at it next; `None` once nothing more can be due.
    pub next_check_at: Option<Timestamp>,
    /// Since when the paging pass has failed on it (kept by the pass, not by appends):
    /// pages may not be going out, so people must be called by hand.
    pub paging_failed_since: Option<Timestamp>,
}

/// Which episodes a list asks for. Everything is filtered in the database, newest first, a
/// page at a time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EpisodeQuery {
    /// Only these services (the actor's scope); `None` for the whole organisation.
    pub services: Option<Vec<ServiceId>>,
    pub open_only: bool,
    /// Only those with pages nobody has acknowledged.
    pub waiting_only: bool,
    pub person: Option<PersonId>,
    /// `Phase::code()`s to include; empty for any.
    pub phases: Vec<String>,
    /// Opened at or after, and before.
    pub opened_from: Option<Timestamp>,
    pub opened_before: Option<Timestamp>,
    /// Continue after this episode (the last of the previous page).
    pub after: Option<EpisodeCursor>,
    pub limit: i64,
}

/// A page of people, by name: services (the actor's scope, `None` for the whole
/// organisation), where the last page ended, and how many.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PeopleQuery {
    pub services: Option<Vec<ServiceId>>,
    pub after: Option<PersonCursor>,
    pub limit: i64,
}

/// A page of an organisation's users, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UsersQuery {
    /// Only those who can act in this service: a membership there or organisation-wide.
    pub service: Option<ServiceId>,
    pub active_only: bool,
    /// Only these addresses.
    pub emails: Option<Vec<String>>,
    /// Only these accounts.
    pub ids: Option<Vec<UserId>>,
    /// Name or email address containing this, in any case.
    pub search: Option<String>,
    pub after: Option<UserCursor>,
    pub limit: i64,
}

/// Where a page of users ended: lists are ordered by name, then id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserCursor {
    pub display_name: String,
    pub id: UserId,
}

/// A page of an organisation's audit trail, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Who: part of the name or address the record was made under.
    pub who: Option<String>,
    /// Which record: part of its reference (a person's or an episode's id).
    pub record: Option<String>,
    /// What kind of record ("person", "episode", "user", …).
    pub kind: Option<String>,
    /// Only these records, exactly (a person and their episodes).
    pub records: Vec<String>,
    /// Only this action ("grant.receipt", …), exactly.
    pub action: Option<String>,
    /// Only what was refused.
    pub refused_only: bool,
    pub from: Option<Timestamp>,
    pub before: Option<Timestamp>,
    /// Continue with records older than this sequence number (the last of the previous page).
    pub older_than: Option<i64>,
    pub limit: i64,
}

/// A page of the people whose information is out of date on `today`: no current photo, or
/// one taken before the cutoff for a child or an adult; an information form, risk
/// assessment or missing plan missing, without a review date, or past it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueQuery {
    pub services: Option<Vec<ServiceId>>,
    pub today: Date,
    pub child_photo_cutoff: Date,
    pub adult_photo_cutoff: Date,
    pub after: Option<PersonCursor>,
    pub limit: i64,
}

/// Which episodes a patterns figure counts: those that started (were last seen) in a window,
/// in some services, narrowed to one cut. The figure and the list of its episodes are read
/// through the same filter, so the list always adds up to the number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactsFilter {
    pub services: Option<Vec<ServiceId>>,
    /// Only this person's episodes (their own patterns).
    pub person: Option<PersonId>,
    pub from: Timestamp,
    pub before: Timestamp,
    pub cut: Option<Cut>,
}

/// One slice of a window's episodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cut {
    /// Their first episode Homeward knows of, or a later one.
    FirstTime,
    Repeat,
    /// Not found yet.
    StillAway,
    /// Away more than 24 hours.
    Over24Hours,
    ReportedToPolice,
    NotReportedToPolice,
    Person(PersonId),
    /// Day of the week (0 Monday) and hour, UK time.
    Slot(u8, u8),
    LastSeenAt(String),
    FoundIn(String),
    /// Found in this police force's area.
    FoundInArea(String),
    /// Last seen, or found, at a place of this kind on their form (`family`, `hangout`…), or
    /// somewhere not on it (`not_on_form`).
    LastSeenAtKind(String),
    FoundAtKind(String),
    /// Back, and the return interview last declined for this reason (as written).
    DeclinedBecause(String),
    Grade(String),
    /// Back, and the return interview offered, offered within 72 hours, declined (at least
    /// once), held, or not offered.
    Returned,
    InterviewOffered,
    InterviewOfferedInTime,
    InterviewDeclined,
    /// Back, and offered more than once (after a refusal, or when it could not go ahead).
    InterviewReOffered,
    InterviewHeld,
    InterviewNotOffered,
    /// At or over the organisation's repeat threshold when it began.
    OverThreshold,
    /// A return interview (Return Discussion) expected; expected, back, and offered.
    InterviewExpected,
    InterviewExpectedOffered,
    Risk(String),
}

/// What a window's episodes add up to, for the patterns page and the reports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Patterns {
    pub episodes: i64,
    pub people: i64,
    pub first_time: i64,
    pub repeat: i64,
    pub still_away: i64,
    pub over_24_hours: i64,
    /// Median minutes away of those found.
    pub away_median_minutes: Option<i64>,
    pub reported: i64,
    pub not_reported: i64,
    pub report_median_minutes: Option<i64>,
    pub grades: Vec<(String, i64)>,
    /// (day of week, hour, episodes), only slots with any.
    pub slots: Vec<(u8, u8, i64)>,
    /// Who went missing most: the person and how many times, most first (ten at most).
    pub most: Vec<(PersonId, i64)>,
    pub last_seen_places: Vec<(String, i64)>,
    pub found_towns: Vec<(String, i64)>,
    /// Where found, by police force area.
    pub found_areas: Vec<(String, i64)>,
    /// Last seen and found, by the kind of place on their form it was, or not on it.
    pub last_seen_kinds: Vec<(String, i64)>,
    pub found_kinds: Vec<(String, i64)>,
    /// Why return interviews were declined, as written, most often first (ten at most).
    pub decline_reasons: Vec<(String, i64)>,
    pub returned: i64,
    pub interview_offered: i64,
    pub interview_offered_in_time: i64,
    pub interview_declined: i64,
    pub interview_re_offered: i64,
    pub interview_held: i64,
    pub interview_not_offered: i64,
    /// At or over the organisation's repeat threshold when they began.
    pub over_threshold: i64,
    /// A return interview (Return Discussion) expected, and of those, back and offered one.
    pub interview_expected: i64,
    pub interview_expected_offered: i64,
    /// Episodes by the risk indicators written on the person then.
    pub risks: Vec<(String, i64)>,
    /// People (not episodes) by those risk indicators: "how many of the children who went
    /// missing were at risk of sexual exploitation".
    pub risk_people: Vec<(String, i64)>,
    /// For each duty: how many episodes had it, done on time, done late, the median minutes
    /// late of the late ones, and how many are open past their deadline now.
    pub duties: Vec<DutyTimeliness>,
    /// Kept counts under a name this version does not know (from a newer version).
    pub unknown: i64,
}

/// A part of the patterns page, worked out on its own (and timed on its own by the benchmark).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tile {
    /// Episodes, first-time and repeat, still away and over 24 hours, police told, returned and
    /// the return interviews.
    Headline,
    /// How many people.
    People,
    /// The median time away and time to tell police.
    Durations,
    Grades,
    /// The time-of-day by day-of-week grid.
    Grid,
    /// Where last seen, and where found.
    Places,
    /// Risk indicators, by episodes and by people.
    Risks,
    /// Who went missing most.
    Most,
    /// Each duty's timeliness.
    Duties,
}

impl Tile {
    pub const ALL: [Tile; 9] = [
        Tile::Headline,
        Tile::People,
        Tile::Durations,
        Tile::Grades,
        Tile::Grid,
        Tile::Places,
        Tile::Risks,
        Tile::Most,
        Tile::Duties,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Tile::Headline => "headline figures",
            Tile::People => "people",
            Tile::Durations => "how long away, how soon police were told",
            Tile::Grades => "police risk grades",
            Tile::Grid => "time of day by day of week",
            Tile::Places => "where last seen and found",
            Tile::Risks => "risk indicators",
            Tile::Most => "who went missing most",
            Tile::Duties => "duties on time",
        }
    }

    /// The kept counts (see `homeward_domain::rollup`) this part adds up.
    pub fn rollup_figures(self) -> &'static [&'static str] {
        use homeward_domain::rollup as r;
        match self {
            Tile::Headline => &[r::CUT, r::DECLINE_REASON],
            Tile::Grades => &[r::GRADE],
            Tile::Grid => &[r::SLOT],
            Tile::Places => &[
                r::LAST_SEEN,
                r::FOUND_TOWN,
                r::FOUND_AREA,
                r::LAST_SEEN_KIND,
                r::FOUND_KIND,
            ],
            Tile::Risks => &[r::RISK],
            Tile::Durations => &[r::AWAY_HOURS, r::REPORTED_HOURS],
            Tile::Duties => &[r::DUTY, r::DUTY_ON_TIME, r::DUTY_LATE, r::DUTY_LATE_MINUTES],
            Tile::People | Tile::Most => &[],
        }
    }
}

impl Patterns {
    /// The headline count a cut's name (as kept in the counts) stands for.
    pub fn cut_mut(&mut self, name: &str) -> &mut i64 {
        match name {
            "episodes" => &mut self.episodes,
            "first_time" => &mut self.first_time,
            "repeat" => &mut self.repeat,
            "still_away" => &mut self.still_away,
            "over_24_hours" => &mut self.over_24_hours,
            "reported" => &mut self.reported,
            "not_reported" => &mut self.not_reported,
            "returned" => &mut self.returned,
            "offered" => &mut self.interview_offered,
            "in_time" => &mut self.interview_offered_in_time,
            "declined" => &mut self.interview_declined,
            "re_offered" => &mut self.interview_re_offered,
            "held" => &mut self.interview_held,
            "not_offered" => &mut self.interview_not_offered,
            "over_threshold" => &mut self.over_threshold,
            "expected" => &mut self.interview_expected,
            "expected_offered" => &mut self.interview_expected_offered,
            // A name this version does not know is counted nowhere it could be mistaken.
            _ => &mut self.unknown,
        }
    }
}

/// One episode's facts, with whose and which home's they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactRow {
    pub episode_id: homeward_domain::ids::EpisodeId,
    pub service_id: ServiceId,
    pub person_id: PersonId,
    pub facts: homeward_domain::learning::EpisodeFacts,
}

/// One of an organisation's kept counts (see `homeward_domain::rollup`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollupRow {
    pub grain: String,
    pub period: i64,
    pub figure: String,
    pub key: String,
    pub n: i64,
}

/// Information shared about one person, as recorded (see `homeward_domain::disclosure`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisclosureRecord {
    pub id: uuid::Uuid,
    pub org_id: OrgId,
    pub service_id: ServiceId,
    pub person_id: PersonId,
    /// When it was shared, with the offset the user saw.
    pub shared: homeward_domain::episode::Occurred,
    pub recorded_at: Timestamp,
    pub decided_by: Option<UserId>,
    pub decided_by_label: String,
    /// `recorded` (written down by staff) or `group_summary` (named in a summary).
    pub kind: String,
    pub disclosure: homeward_domain::disclosure::Disclosure,
}

/// Access given to a partner organisation (see `homeward_domain::access`): kept as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub id: uuid::Uuid,
    /// The provider who gave it.
    pub org_id: OrgId,
    pub partner_org_id: OrgId,
    pub person_id: PersonId,
    /// Only this episode, if given for one.
    pub episode_id: Option<homeward_domain::ids::EpisodeId>,
    pub purpose: String,
    /// Why, in the words of whoever decided (for break-glass, the officer's reason).
    pub reason: String,
    pub sections: Vec<String>,
    pub granted_by: Option<UserId>,
    pub granted_by_label: String,
    pub granted_at: Timestamp,
    pub ends_at: Timestamp,
    /// The disclosure recorded with it.
    pub disclosure_id: uuid::Uuid,
    /// Ended before `ends_at`: revoked, or after its episode closed.
    pub ended: Option<GrantEnding>,
}

impl Grant {
    pub fn is_live(&self, at: Timestamp) -> bool {
        homeward_domain::access::is_live(self.ends_at, self.ended.as_ref().map(|e| e.at), at)
    }

    pub fn covers(&self, section: &str) -> bool {
        self.sections.iter().any(|s| s == section)
    }
}

/// The police pack as a link that works once (see the pack link store methods).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackLink {
    pub id: uuid::Uuid,
    pub token_hash: String,
    pub code_hash: String,
    pub org_id: OrgId,
    pub person_id: PersonId,
    pub recipient: String,
    pub created_by: Option<UserId>,
    pub created_by_label: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub disclosure_id: uuid::Uuid,
}

/// How a link has been tried so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PackLinkTries {
    pub opened: bool,
    pub wrong_codes: i64,
}

/// How and when a grant ended early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantEnding {
    pub at: Timestamp,
    pub by: Option<UserId>,
    pub by_label: String,
    pub reason: String,
}

/// A manager's review of one use of emergency access: was it justified, and notes on what
/// follows. Kept, never changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantReview {
    pub at: Timestamp,
    pub by: Option<UserId>,
    pub by_label: String,
    /// `justified` or `not_justified`.
    pub outcome: String,
    pub notes: String,
}

/// One use of emergency access as the review list shows it: whose record, and its review.
#[derive(Clone, Debug)]
pub struct EmergencyUse {
    pub grant: Grant,
    pub given_name: String,
    pub family_name: String,
    pub review: Option<GrantReview>,
}

/// An inspectorate let in to read a provider's records (one home's, or all), until a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    pub id: uuid::Uuid,
    /// The provider inspected.
    pub org_id: OrgId,
    pub inspectorate_id: OrgId,
    /// Only this home, if not all of them.
    pub service_id: Option<ServiceId>,
    /// The inspection's reference, or a few words on it.
    pub reference: String,
    pub granted_by: Option<UserId>,
    pub granted_by_label: String,
    pub granted_at: Timestamp,
    pub ends_at: Timestamp,
    /// Ended early by the provider.
    pub ended: Option<GrantEnding>,
}

impl Inspection {
    pub fn is_live(&self, at: Timestamp) -> bool {
        homeward_domain::access::is_live(self.ends_at, self.ended.as_ref().map(|e| e.at), at)
    }
}

/// Which disclosures to list: one person's or those of some services, in a window, to a
/// recipient whose name contains some words; latest first, a page at a time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DisclosureQuery {
    pub person: Option<PersonId>,
    pub services: Option<Vec<ServiceId>>,
    pub from: Option<Timestamp>,
    pub before: Option<Timestamp>,
    pub recipient: Option<String>,
    /// The last one of the page before: (shared at, id).
    pub after: Option<(Timestamp, uuid::Uuid)>,
    pub limit: i64,
}

/// A user's second factor as kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecondFactor {
    pub secret_sealed: Vec<u8>,
    pub enrolled_at: Timestamp,
    pub last_step: Option<i64>,
}

/// Setting up a second factor: the sealed secret, the step of the first code, the recovery
/// codes' hashes, and the challenge it completes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enrolment {
    pub user: UserId,
    pub secret_sealed: Vec<u8>,
    pub step: i64,
    pub recovery_hashes: Vec<String>,
    pub at: Timestamp,
    pub challenge_hash: Option<String>,
}

/// A sign-in waiting for its code (or, with a new secret, for the account's set-up).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Challenge {
    pub token_hash: String,
    pub user: UserId,
    pub created_at: Timestamp,
    pub tries: i64,
    pub new_secret_sealed: Option<Vec<u8>>,
}

/// One person, with episodes in a window, whose information form names an associate that
/// someone else's with episodes in the window names too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedAssociate {
    /// The words of the associate's name, as compared; and as written on this person's form.
    pub key: String,
    pub name: String,
    /// `trusted`, `concern`, `unknown` or empty, as this person's form has it.
    pub trust: String,
    pub person_id: PersonId,
    /// Their episodes in the window, and when the first and last began.
    pub episodes: i64,
    pub first_at: Timestamp,
    pub last_at: Timestamp,
}

/// Two people from the same service who went missing within a set time of each other.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Together {
    pub service_id: ServiceId,
    pub first: (homeward_domain::ids::EpisodeId, PersonId, Timestamp),
    pub second: (homeward_domain::ids::EpisodeId, PersonId, Timestamp),
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DutyTimeliness {
    pub rule: String,
    pub total: i64,
    pub on_time: i64,
    pub late: i64,
    pub late_median_minutes: Option<i64>,
    pub overdue: i64,
}

/// Where a page of people ended: lists are ordered by family name, given name, then id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonCursor {
    pub family_name: String,
    pub given_name: String,
    pub id: PersonId,
}

/// Where a page of episodes ended: lists are ordered by when they opened, newest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EpisodeCursor {
    pub opened_at: Timestamp,
    pub id: homeward_domain::ids::EpisodeId,
}

/// A line of the live board as one query reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardRow {
    pub summary: EpisodeSummary,
    pub person: Person,
    pub photo: Option<homeward_domain::ids::PhotoId>,
    pub service_name: String,
    /// When they came back from their episode before this one, if they had one.
    pub previous_return_at: Option<Timestamp>,
}

/// An append prepared against the chronology as it stands inside the write transaction.
#[derive(Clone, Debug)]
pub struct PreparedAppend {
    pub summary: EpisodeSummary,
    pub record: homeward_domain::episode::EventRecord,
    pub audit: AuditEvent,
    pub mail: Vec<OutboxMessage>,
    /// The episode's facts for learning as this entry leaves them, written with it.
    pub learning: Option<Learning>,
}

/// What an episode contributes to the patterns pages and reports: its facts and how each of
/// its duties went, kept beside its summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Learning {
    pub facts: homeward_domain::learning::EpisodeFacts,
    pub duties: Vec<homeward_domain::learning::DutyOutcome>,
}

/// Decides the next entry from the chronology so far, or refuses it.
pub type Prepare<'a> = &'a (
        dyn Fn(
    &EpisodeSummary,
    &[homeward_domain::episode::EventRecord],
) -> Result<PreparedAppend, homeward_domain::episode::Refusal>
            + Send
            + Sync
    );

/// An episode's board line changed (opened, or an event added). Carries no personal data:
/// whoever receives it asks again, as themselves, for what they may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BoardChange {
    pub org_id: OrgId,
    pub service_id: ServiceId,
    pub episode_id: homeward_domain::ids::EpisodeId,
    pub seq: i64,
}

impl BoardChange {
    pub fn of(summary: &EpisodeSummary) -> Self {
        Self {
            org_id: summary.org_id,
            service_id: summary.service_id,
            episode_id: summary.id,
            seq: summary.last_event_seq,
        }
    }
}

/// Where the store sends changes that other app servers made.
pub type BoardSink = Box<dyn Fn(BoardChange) + Send + Sync>;

/// One version of a service's on-call rota.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RotaVersion {
    pub org_id: OrgId,
    pub service_id: ServiceId,
    pub version: i64,
    pub rota: homeward_domain::escalation::Rota,
    pub recorded_by_label: String,
    pub recorded_at: Timestamp,
}

/// An email waiting in the outbox, written with the chronology entry it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: uuid::Uuid,
    pub org_id: OrgId,
    pub episode_id: Option<homeward_domain::ids::EpisodeId>,
    pub created_at: Timestamp,
    pub to_address: String,
    pub subject: String,
    pub body: String,
}

/// A message waiting in the queue, with how its tries have gone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingMail {
    pub message: OutboxMessage,
    /// Tries so far (each a claim and a result in its attempt log).
    pub tries: i64,
    /// Not to be tried again before this.
    pub not_before: Timestamp,
    pub last_error: Option<String>,
}

/// What became of a try.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailOutcome {
    Delivered,
    /// Failed; try again from then.
    RetryAt(Timestamp),
    /// Failed for the last time: a dead letter, shown to the organisation's managers.
    Dead,
}

/// A message that used every try and nobody has dealt with yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadMail {
    pub message: OutboxMessage,
    pub died_at: Timestamp,
    pub last_error: Option<String>,
}

/// One version of an organisation's settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsVersion {
    pub org_id: OrgId,
    /// 1 for the first; each change is the next number.
    pub version: i64,
    pub settings: homeward_domain::settings::OrgSettings,
    pub recorded_by_label: String,
    pub recorded_at: Timestamp,
}

/// A stored photo's details, without the image itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhotoMeta {
    pub id: homeward_domain::ids::PhotoId,
    pub person_id: PersonId,
    pub taken_on: Date,
    pub width: u32,
    pub height: u32,
    pub uploaded_by_label: String,
    pub uploaded_at: Timestamp,
}

#[async_trait]
pub trait Store: policies::PolicyStore + Send + Sync {
    fn engine(&self) -> Engine;

    /// How many audited reads and appends have shared how many commits since opening.
    fn shared_commits(&self) -> group_commit::Shared {
        group_commit::Shared::default()
    }

    /// Is the database reachable and answering?
    async fn ping(&self) -> StoreResult<()>;

    /// Closes every connection; later calls fail as `Unavailable`. For shutdown (and for tests
    /// of what users see when the database goes away).
    async fn close(&self);

    /// Passes on board changes made through other app servers sharing this database, for as
    /// long as the store is open. False when there can be no others (an embedded database),
    /// so changes made here are all there are.
    async fn watch_board(&self, sink: BoardSink) -> StoreResult<bool>;

    // Organisations and services.
    async fn create_organisation(&self, org: &Organisation, audit: &AuditEvent) -> StoreResult<()>;
    async fn get_organisation(&self, id: OrgId) -> StoreResult<Option<Organisation>>;
    async fn list_organisations(&self) -> StoreResult<Vec<Organisation>>;
    async fn create_service(&self, service: &Service, audit: &AuditEvent) -> StoreResult<()>;
    async fn list_services(&self, org: OrgId) -> StoreResult<Vec<Service>>;
    async fn get_service(&self, org: OrgId, id: ServiceId) -> StoreResult<Option<Service>>;

    // Users. Reads are scoped to an organisation: the hard boundary.
    async fn create_user(&self, new: &NewUser, audit: &AuditEvent) -> StoreResult<()>;
    async fn find_credentials(&self, email: &str) -> StoreResult<Option<Credentials>>;
    async fn get_user(&self, org: OrgId, id: UserId) -> StoreResult<Option<UserWithRoles>>;
    /// A page of users, filtered in the database. `audit` is recorded when a person asked;
    /// the paging pass looking up whom to page passes `None`.
    async fn users_page(
        &self,
        org: OrgId,
        query: &UsersQuery,
        audit: Option<&AuditEvent>,
    ) -> StoreResult<Vec<UserWithRoles>>;
    /// Replaces the user's roles. `false` when no such user is in the organisation.
    async fn set_memberships(
        &self,
        org: OrgId,
        user: UserId,
        memberships: &[Membership],
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Deactivates the user and ends every session and API token they hold, at once.
    /// Changes a user's name and sign-in address; another account's address is a conflict.
    /// `false` if there is no such user in the organisation.
    async fn update_user(
        &self,
        org: OrgId,
        user: UserId,
        display_name: &str,
        email: &str,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    async fn deactivate_user(
        &self,
        org: OrgId,
        user: UserId,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    async fn set_password(
        &self,
        user: UserId,
        password_hash: &str,
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    // Sessions, API tokens and trusted browsers.
    async fn create_session(&self, session: &SessionRecord, audit: &AuditEvent) -> StoreResult<()>;
    async fn find_session(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<(SessionRecord, UserWithRoles)>>;
    async fn touch_session(&self, token_hash: &str, at: Timestamp) -> StoreResult<()>;
    /// Records that the code was entered again in a session (a step-up), with its audit.
    async fn confirm_second_factor(
        &self,
        token_hash: &str,
        at: Timestamp,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn end_session(&self, token_hash: &str, audit: Option<&AuditEvent>) -> StoreResult<()>;
    async fn create_api_token(&self, token: &ApiToken, audit: &AuditEvent) -> StoreResult<()>;
    /// A user's API tokens in their organisation, newest first, revoked ones included.
    async fn api_tokens_of(&self, org: OrgId, user: UserId) -> StoreResult<Vec<ListedToken>>;
    /// Revokes one of a user's tokens. False when the organisation's user has no such token;
    /// revoking a revoked token again changes nothing.
    async fn revoke_api_token(
        &self,
        org: OrgId,
        user: UserId,
        token_hash: &str,
        by: &Revocation,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    async fn find_api_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<(ApiToken, UserWithRoles)>>;
    async fn trust_device(&self, token_hash: &str, user: UserId, at: Timestamp) -> StoreResult<()>;
    async fn is_trusted_device(&self, token_hash: &str, user: UserId) -> StoreResult<bool>;

    // Disclosures.
    /// Records shares of information (one per person), with the audit record, all or none.
    async fn record_disclosures(
        &self,
        records: &[DisclosureRecord],
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Gives a partner access, with the disclosure that records it, in one transaction.
    async fn give_access(
        &self,
        grant: &Grant,
        disclosure: &DisclosureRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Ends a grant of the organisation's early; `false` if there is no such grant or it had
    /// already ended.
    async fn end_access(
        &self,
        org: OrgId,
        grant: uuid::Uuid,
        ending: &GrantEnding,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Ends, as `ending` says, every grant for an episode that has not already ended (when it
    /// closes). Returns how many.
    async fn end_episode_access(
        &self,
        org: OrgId,
        episode: homeward_domain::ids::EpisodeId,
        ending: &GrantEnding,
    ) -> StoreResult<u64>;
    /// Someone in the organisation missing now, by their exact names (any case) and, if
    /// given, date of birth: the person and their open episode. For police using emergency
    /// access; nobody who is not missing now is ever found this way.
    async fn missing_person_named(
        &self,
        org: OrgId,
        given: &str,
        family: &str,
        born: Option<Date>,
    ) -> StoreResult<Option<(Person, homeward_domain::ids::EpisodeId)>>;
    /// Keeps a link to the police pack with the disclosure that records it.
    async fn create_pack_link(
        &self,
        link: &PackLink,
        disclosure: &DisclosureRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// A link by its token's hash, with how it has been tried.
    async fn pack_link(&self, token_hash: &str) -> StoreResult<Option<(PackLink, PackLinkTries)>>;
    /// Records an attempt to open a link (`opened`, `wrong_code` or `refused`) with its audit
    /// record in the provider's trail. `false` for `opened` when it had been opened already
    /// (the database keeps it to once).
    async fn record_pack_attempt(
        &self,
        link: uuid::Uuid,
        at: Timestamp,
        outcome: &str,
        ip: Option<&str>,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Every use of emergency access (break-glass) to the organisation's records, latest
    /// first: its review list.
    /// Only those of people in `services`, if given.
    async fn emergency_grants(
        &self,
        org: OrgId,
        services: Option<&[ServiceId]>,
        limit: i64,
    ) -> StoreResult<Vec<EmergencyUse>>;
    /// Records the review of one of the organisation's uses of emergency access (of a person
    /// in one of `homes`, if given): `None` if there is no such use, `Some(false)` if it had
    /// been reviewed already (and nothing is written), `Some(true)` once recorded.
    async fn review_emergency(
        &self,
        org: OrgId,
        homes: Option<&[ServiceId]>,
        grant: uuid::Uuid,
        review: &GrantReview,
        audit: &AuditEvent,
    ) -> StoreResult<Option<bool>>;
    /// Every grant ever given for a person, latest first.
    async fn grants_of_person(&self, org: OrgId, person: PersonId) -> StoreResult<Vec<Grant>>;
    /// Lets an inspectorate in, with its audit, in one transaction.
    async fn open_inspection(&self, inspection: &Inspection, audit: &AuditEvent)
    -> StoreResult<()>;
    /// Ends an inspection of the organisation's early; `false` if there is none such or it
    /// had already ended.
    async fn end_inspection(
        &self,
        org: OrgId,
        inspection: uuid::Uuid,
        ending: &GrantEnding,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// The organisation's inspections, latest first (`limit` of them); with `homes`, only
    /// those of one of those homes (an inspection of every home is not theirs to see).
    /// With `id`, only that one. Chosen in the query.
    async fn inspections_of(
        &self,
        org: OrgId,
        homes: Option<&[ServiceId]>,
        id: Option<uuid::Uuid>,
        limit: i64,
    ) -> StoreResult<Vec<Inspection>>;
    /// An inspectorate's inspections live at `at`, with the provider's name, latest first:
    /// chosen in the query.
    async fn live_inspections(
        &self,
        inspectorate: OrgId,
        at: Timestamp,
    ) -> StoreResult<Vec<(Inspection, String)>>;
    /// One inspection, if it is the inspectorate's and live at `at`.
    async fn live_inspection(
        &self,
        inspectorate: OrgId,
        inspection: uuid::Uuid,
        at: Timestamp,
    ) -> StoreResult<Option<Inspection>>;
    /// Sets (or clears) the inspection a session reads under, with its audit.
    async fn set_session_inspection(
        &self,
        token_hash: &str,
        inspection: Option<uuid::Uuid>,
        audit: Option<&AuditEvent>,
    ) -> StoreResult<()>;
    /// What people from the inspectorate did in the provider's records while an inspection
    /// was open (from the provider's audit trail), latest first.
    async fn inspection_views(
        &self,
        inspection: &Inspection,
        limit: i64,
    ) -> StoreResult<Vec<homeward_domain::audit::AuditRecord>>;
    /// Ends, 24 hours after their episode closed, the grants for closed episodes that are
    /// still running at `at` (a grant written as its episode closed, or whose ending could not
    /// be written then): the worker's sweep. Returns how many.
    async fn end_access_of_closed_episodes(&self, at: Timestamp) -> StoreResult<u64>;
    /// A partner organisation's grants live at `at`, latest first (`limit` of them), each
    /// with its person: chosen in the query, two reads in all.
    async fn live_grants(
        &self,
        partner: OrgId,
        at: Timestamp,
        limit: i64,
    ) -> StoreResult<Vec<(Grant, Person)>>;
    /// A person as a partner may see them through one of its grants live at `at`: the grant
    /// and the person, or nothing (no such grant, another partner's, ended, revoked).
    async fn person_through_grant(
        &self,
        partner: OrgId,
        grant: uuid::Uuid,
        at: Timestamp,
    ) -> StoreResult<Option<(Grant, Person)>>;
    /// Disclosures as asked for, within the organisation. The reading is audited first.
    async fn disclosures(
        &self,
        org: OrgId,
        query: &DisclosureQuery,
        audit: &AuditEvent,
    ) -> StoreResult<Vec<DisclosureRecord>>;

    // The second factor.
    async fn second_factor(&self, user: UserId) -> StoreResult<Option<SecondFactor>>;
    /// Keeps a user's sealed secret and their recovery codes' hashes (replacing any before),
    /// with the step of the code that proved it, and ends the challenge that set it up.
    async fn enrol_second_factor(
        &self,
        enrolment: &Enrolment,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Takes away a user's second factor (a lost phone), so they set up a new one when they
    /// next sign in.
    async fn remove_second_factor(&self, user: UserId, audit: &AuditEvent) -> StoreResult<()>;
    /// Marks a step's code as used if no code of that step or a later one was: false means
    /// it was used already.
    async fn use_second_factor_step(&self, user: UserId, step: i64) -> StoreResult<bool>;
    /// Uses up a recovery code: false if there is no such unused code.
    async fn use_recovery_code(
        &self,
        user: UserId,
        code_hash: &str,
        at: Timestamp,
    ) -> StoreResult<bool>;
    /// How many of a user's recovery codes are left.
    async fn recovery_codes_left(&self, user: UserId) -> StoreResult<i64>;
    async fn remember_device(
        &self,
        token_hash: &str,
        user: UserId,
        at: Timestamp,
        until: Timestamp,
    ) -> StoreResult<()>;
    async fn is_remembered_device(
        &self,
        token_hash: &str,
        user: UserId,
        now: Timestamp,
    ) -> StoreResult<bool>;
    async fn create_challenge(&self, challenge: &Challenge) -> StoreResult<()>;
    /// A challenge, with the organisation of the user it is for.
    async fn find_challenge(&self, token_hash: &str) -> StoreResult<Option<(Challenge, OrgId)>>;
    /// Counts a wrong code against a challenge and returns the tries so far.
    async fn challenge_tried(&self, token_hash: &str) -> StoreResult<i64>;
    async fn end_challenge(&self, token_hash: &str) -> StoreResult<()>;

    // Sign-in throttling.
    /// A failed sign-in, with the hash of the browser's device cookie when it sent one.
    async fn record_sign_in_failure(
        &self,
        email: &str,
        ip: &str,
        device_hash: Option<&str>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn recent_failures(
        &self,
        email: &str,
        ip: &str,
        device_hash: Option<&str>,
        since: Timestamp,
    ) -> StoreResult<RecentFailures>;

    // People (the minimal record; the information form comes later).
    async fn create_person(&self, person: &Person, audit: &AuditEvent) -> StoreResult<()>;
    /// People in the organisation, limited to `services` when given. The read is audited.
    async fn list_people(
        &self,
        org: OrgId,
        services: Option<&[ServiceId]>,
        audit: &AuditEvent,
    ) -> StoreResult<Vec<Person>>;

    /// A page of people in the organisation, by name, filtered in the database. The read is
    /// audited.
    async fn people_page(
        &self,
        org: OrgId,
        query: &PeopleQuery,
        audit: &AuditEvent,
    ) -> StoreResult<Vec<Person>>;
    /// How many people the organisation has (in the services given, if any).
    async fn count_people(&self, org: OrgId, services: Option<&[ServiceId]>) -> StoreResult<i64>;
    /// A page of the people due for review, by name, filtered in the database; audited.
    async fn people_due(
        &self,
        org: OrgId,
        query: &DueQuery,
        audit: &AuditEvent,
    ) -> StoreResult<Vec<Person>>;

    /// A person in the organisation, or `None` (including when they belong to another one).
    async fn get_person(&self, org: OrgId, id: PersonId) -> StoreResult<Option<Person>>;
    /// Creates a person with the first version of their information form, in one transaction.
    async fn create_person_with_profile(
        &self,
        person: &Person,
        profile: &DocumentVersion,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Appends a version, which must be exactly the next number for that person and kind:
    /// a double submit or a colleague's save in between is a `Conflict`, never an overwrite.
    /// `summary` updates the person's read model in the same transaction.
    async fn append_document(
        &self,
        org: OrgId,
        version: &DocumentVersion,
        summary: Option<&Person>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn latest_document(
        &self,
        org: OrgId,
        person: PersonId,
        kind: DocKind,
    ) -> StoreResult<Option<DocumentVersion>>;
    /// Every version, newest first.
    async fn document_history(
        &self,
        org: OrgId,
        person: PersonId,
        kind: DocKind,
    ) -> StoreResult<Vec<DocumentVersion>>;
    async fn document_version(
        &self,
        org: OrgId,
        person: PersonId,
        kind: DocKind,
        version: i64,
    ) -> StoreResult<Option<DocumentVersion>>;

    /// Stores a photo (already stripped and re-encoded) and makes it the current one.
    async fn add_photo(
        &self,
        org: OrgId,
        photo: &PhotoMeta,
        jpeg: &[u8],
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Makes an earlier photo current again. `false` when there is no such photo of the person.
    async fn choose_photo(
        &self,
        org: OrgId,
        person: PersonId,
        photo: homeward_domain::ids::PhotoId,
        by: &str,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// The person's photos, newest first, and which is current.
    async fn photos(
        &self,
        org: OrgId,
        person: PersonId,
    ) -> StoreResult<(Vec<PhotoMeta>, Option<homeward_domain::ids::PhotoId>)>;
    /// The JPEG of one photo of the person.
    async fn photo_jpeg(
        &self,
        org: OrgId,
        person: PersonId,
        photo: homeward_domain::ids::PhotoId,
    ) -> StoreResult<Option<Vec<u8>>>;

    /// How many episodes a filter holds (the total of the list behind a figure): from the
    /// kept counts when they can answer it, as the figure itself was.
    async fn count_episodes(
        &self,
        org: OrgId,
        filter: &FactsFilter,
        now: Timestamp,
    ) -> StoreResult<i64>;

    // Episodes: the chronology is appended to, never changed.
    /// Opens an episode with its first event. A person with an open episode already is a
    /// `Conflict`.
    async fn open_episode(
        &self,
        summary: &EpisodeSummary,
        first: &homeward_domain::episode::EventRecord,
        learning: Option<&Learning>,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Replaces an episode's facts for learning (rebuilding them from its chronology).
    async fn put_learning(&self, summary: &EpisodeSummary, learning: &Learning) -> StoreResult<()>;
    /// What the window's episodes add up to (`now` decides which open duties are late).
    async fn patterns(
        &self,
        org: OrgId,
        filter: &FactsFilter,
        now: Timestamp,
    ) -> StoreResult<Patterns> {
        self.patterns_tiles(org, filter, now, &Tile::ALL).await
    }
    /// Only some parts of the patterns (the rest left empty).
    async fn patterns_tiles(
        &self,
        org: OrgId,
        filter: &FactsFilter,
        now: Timestamp,
        tiles: &[Tile],
    ) -> StoreResult<Patterns>;
    /// People with episodes in the window whose forms name the same associate, by associate
    /// (at most `limit` rows).
    async fn shared_associates(
        &self,
        org: OrgId,
        filter: &FactsFilter,
        now: Timestamp,
        limit: i64,
    ) -> StoreResult<Vec<SharedAssociate>>;
    /// Writes again the associates kept from a person's latest information form (they are
    /// kept as each version is saved; this puts right those saved before they were).
    async fn refresh_associates(
        &self,
        person: PersonId,
        associates: &[homeward_domain::learning::Associate],
    ) -> StoreResult<()>;
    /// Pairs of episodes in the window from the same service that began within `within` of
    /// each other (different people), latest first, at most `limit`.
    async fn missing_together(
        &self,
        org: OrgId,
        filter: &FactsFilter,
        now: Timestamp,
        within: jiff::SignedDuration,
        limit: i64,
    ) -> StoreResult<Vec<Together>>;
    /// The episodes a patterns figure counts, latest start first, a page at a time (`now` as
    /// the figure was counted).
    async fn facts_episodes(
        &self,
        org: OrgId,
        filter: &FactsFilter,
        now: Timestamp,
        after: Option<(Timestamp, homeward_domain::ids::EpisodeId)>,
        limit: i64,
    ) -> StoreResult<Vec<(EpisodeSummary, Timestamp)>>;
    /// When the person last came back (or was found) from an episode that began before
    /// `before`, for the near-repeat warning.
    async fn previous_return(
        &self,
        org: OrgId,
        person: PersonId,
        before: Timestamp,
    ) -> StoreResult<Option<Timestamp>>;
    /// An episode's facts for learning as stored, if any.
    async fn learning_of(
        &self,
        org: OrgId,
        episode: homeward_domain::ids::EpisodeId,
    ) -> StoreResult<Option<Learning>>;
    /// Adds the next event and the summary it leads to. An event whose number is taken (a
    /// double submit, a colleague first) is a `Conflict`.
    async fn append_episode_event(
        &self,
        summary: &EpisodeSummary,
        event: &homeward_domain::episode::EventRecord,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// An episode's summary and its whole chronology, in order.
    async fn episode(
        &self,
        org: OrgId,
        id: homeward_domain::ids::EpisodeId,
    ) -> StoreResult<Option<(EpisodeSummary, Vec<homeward_domain::episode::EventRecord>)>> {
        self.episode_after(org, id, 0).await
    }
    /// An episode's summary and the entries of its chronology numbered after `seq`, in
    /// order: entries are never changed once written, so a caller that holds the first `seq`
    /// needs only the rest.
    async fn episode_after(
        &self,
        org: OrgId,
        id: homeward_domain::ids::EpisodeId,
        seq: i64,
    ) -> StoreResult<Option<(EpisodeSummary, Vec<homeward_domain::episode::EventRecord>)>>;
    /// Episodes in the organisation as the query asks, newest first, at most `query.limit`.
    async fn list_episodes(
        &self,
        org: OrgId,
        query: &EpisodeQuery,
    ) -> StoreResult<Vec<EpisodeSummary>>;
    /// The open episodes (in the services given, if any) with their people, current photos
    /// and services: the live board in one read.
    async fn board_rows(
        &self,
        org: OrgId,
        services: Option<&[ServiceId]>,
    ) -> StoreResult<Vec<BoardRow>>;
    /// A number that moves on, inside the transaction that makes it, with every change to
    /// anything the organisation's board shows (0 before the first). The database's
    /// triggers keep it, so it covers changes made by any server or command.
    async fn board_stamp(&self, org: OrgId) -> StoreResult<i64>;
    /// Episodes, across organisations, whose time to be looked at by the paging pass has
    /// come, soonest first.
    async fn episodes_to_check(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> StoreResult<Vec<(OrgId, homeward_domain::ids::EpisodeId)>>;
    /// Stores when the paging pass must next look, if nothing was added since entry `seq`
    /// (an append meanwhile has set its own).
    async fn set_next_check(
        &self,
        org: OrgId,
        id: homeward_domain::ids::EpisodeId,
        seq: i64,
        at: Option<Timestamp>,
    ) -> StoreResult<()>;
    /// The paging pass failed on the episode at `at`: it is looked at again at `retry`, and
    /// shows as failing (since the first failure) until a pass succeeds.
    async fn paging_failed(
        &self,
        org: OrgId,
        id: homeward_domain::ids::EpisodeId,
        at: Timestamp,
        retry: Timestamp,
    ) -> StoreResult<()>;
    /// Adds the next entry, decided by `prepare` from the chronology as it stands while the
    /// episode is locked: people recording on one episode at once queue, none is refused for
    /// being second. `known` is the chronology as the caller read it: used as it is when
    /// nothing was added since, read again when something was. `None` when there is no
    /// such episode.
    async fn append_to_episode(
        &self,
        org: OrgId,
        id: homeward_domain::ids::EpisodeId,
        known: &[homeward_domain::episode::EventRecord],
        prepare: Prepare<'_>,
    ) -> StoreResult<Option<Result<PreparedAppend, homeward_domain::episode::Refusal>>>;
    /// How many episodes the person had before `before`, and how many of those opened at or
    /// after `since` (not counting any recorded in error).
    async fn earlier_episodes(
        &self,
        org: OrgId,
        person: PersonId,
        before: Timestamp,
        since: Timestamp,
    ) -> StoreResult<(i64, i64)>;
    /// The person's open episode, if there is one.
    async fn open_episode_of(
        &self,
        org: OrgId,
        person: PersonId,
    ) -> StoreResult<Option<homeward_domain::ids::EpisodeId>>;

    /// Adds the next event with the emails it sends, in one transaction: a page is never
    /// recorded without its email, nor an email queued for a page that was not recorded.
    async fn append_episode_event_with_mail(
        &self,
        summary: &EpisodeSummary,
        event: &homeward_domain::episode::EventRecord,
        audit: &AuditEvent,
        mail: &[OutboxMessage],
    ) -> StoreResult<()>;

    // On-call rotas, versioned per service.
    async fn latest_rota(&self, org: OrgId, service: ServiceId)
    -> StoreResult<Option<RotaVersion>>;
    /// Adds the next version; a version that is not the next is a `Conflict`.
    async fn append_rota(&self, v: &RotaVersion, audit: &AuditEvent) -> StoreResult<()>;

    // The outbox.
    /// Messages in the queue, oldest first, across organisations (the sender is the system's).
    async fn pending_mail(&self, limit: i64) -> StoreResult<Vec<PendingMail>>;
    /// Messages whose wait is over, at most `per_org` from any one organisation so that one
    /// organisation's backlog never holds up another's, soonest first.
    async fn due_mail(
        &self,
        now: Timestamp,
        per_org: i64,
        limit: i64,
    ) -> StoreResult<Vec<PendingMail>>;
    /// Writes attempt number `attempt` for a message. The number is the claim: if another
    /// worker wrote it first this is a `Conflict`, and that worker sends.
    async fn record_mail_attempt(
        &self,
        message: uuid::Uuid,
        attempt: i64,
        at: Timestamp,
        delivered: bool,
        error: Option<&str>,
    ) -> StoreResult<()>;
    /// Writes the result of the try claimed as `attempt - 1`, and moves the message on in the
    /// queue: gone when delivered, later when to be tried again, a dead letter when not.
    async fn settle_mail(
        &self,
        message: uuid::Uuid,
        attempt: i64,
        at: Timestamp,
        outcome: MailOutcome,
        error: Option<&str>,
    ) -> StoreResult<()>;
    /// Queues a message that belongs to no chronology entry.
    async fn enqueue_mail(&self, message: &OutboxMessage, audit: &AuditEvent) -> StoreResult<()>;
    /// One of the organisation's dead letters, and whether someone has dealt with it.
    async fn dead_letter(
        &self,
        org: OrgId,
        id: uuid::Uuid,
    ) -> StoreResult<Option<(DeadMail, bool)>>;
    /// The organisation's dead letters nobody has dealt with, newest first.
    async fn dead_mail(&self, org: OrgId, limit: i64) -> StoreResult<Vec<DeadMail>>;
    /// Deals with a dead letter by sending `resend` (the same message, perhaps to a corrected
    /// address) in its place. `false` when there is no such dead letter left to deal with.
    async fn resend_mail(
        &self,
        org: OrgId,
        dead: uuid::Uuid,
        resend: &OutboxMessage,
        by: &str,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;

    // An organisation's settings, versioned like everything else.
    /// The settings in force: the latest version, if there is one.
    async fn latest_settings(&self, org: OrgId) -> StoreResult<Option<SettingsVersion>>;
    /// One version of the organisation's settings.
    async fn settings_at(&self, org: OrgId, version: i64) -> StoreResult<Option<SettingsVersion>>;
    /// Adds the next version; a version that is not the next is a `Conflict`.
    async fn append_settings(
        &self,
        settings: &SettingsVersion,
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    /// Loads generated people and episodes in bulk, for benchmarks at a region's scale
    /// (`homeward generate`). One transaction and one audit record per call; the rows are
    /// checked by nothing but the database's own constraints.
    async fn bulk_load(
        &self,
        people: &[Person],
        episodes: &[(EpisodeSummary, Vec<homeward_domain::episode::EventRecord>)],
        audit: &AuditEvent,
    ) -> StoreResult<()>;

    /// Loads generated episodes' facts for learning in bulk (after `bulk_load`), with the
    /// organisation's counts.
    async fn bulk_load_learning(&self, rows: &[(EpisodeSummary, Learning)]) -> StoreResult<()>;

    /// Loads generated episodes' facts for learning in bulk without counting them: quicker
    /// for a whole region at once, which must then be counted with [`Store::rebuild_rollups`].
    async fn bulk_load_facts(&self, rows: &[(EpisodeSummary, Learning)]) -> StoreResult<()>;

    /// Tells the query planner how the tables now look (after a bulk load, for example), so
    /// it picks the index that suits each question: SQLite from a sample of each index,
    /// PostgreSQL from its usual sample.
    async fn refresh_statistics(&self) -> StoreResult<()>;

    /// Counts an organisation's patterns again from its episodes' facts, replacing the counts
    /// kept as entries were written. Returns how many counts it stored.
    async fn rebuild_rollups(&self, org: OrgId) -> StoreResult<u64>;

    /// Every episode's facts in an organisation, with whose and which home's they are, in no
    /// set order: for analysis elsewhere (the benchmark compares DuckDB over them).
    async fn each_fact(
        &self,
        org: OrgId,
        each: &mut (dyn FnMut(FactRow) -> StoreResult<()> + Send),
    ) -> StoreResult<()>;

    /// One person's episodes' facts, latest first, at most `limit` (their timeline).
    async fn person_facts(
        &self,
        org: OrgId,
        person: PersonId,
        limit: i64,
    ) -> StoreResult<Vec<FactRow>>;

    /// Every episode's duty outcomes in an organisation, in no set order.
    async fn each_duty_outcome(
        &self,
        org: OrgId,
        each: &mut (
                 dyn FnMut(
            homeward_domain::ids::EpisodeId,
            homeward_domain::learning::DutyOutcome,
        ) -> StoreResult<()>
                     + Send
             ),
    ) -> StoreResult<()>;

    /// Every count kept for an organisation, in order (to compare a rebuild with them).
    async fn rollups(&self, org: OrgId) -> StoreResult<Vec<RollupRow>>;

    // The audit trail.
    async fn record_audit(&self, event: &AuditEvent) -> StoreResult<()>;
    /// Records with `seq > after`, in order, at most `limit`.
    async fn audit_page(&self, after: i64, limit: i64) -> StoreResult<Vec<AuditRecord>>;
    /// The newest records of one organisation, newest first.
    async fn recent_audit(&self, org: OrgId, limit: i64) -> StoreResult<Vec<AuditRecord>>;
    /// A page of the organisation's audit trail, filtered in the database, newest first.
    async fn audit_search(&self, org: OrgId, query: &AuditQuery) -> StoreResult<Vec<AuditRecord>>;
    /// Emails waiting in the outbox (to send or to try again), and dead letters not yet dealt
    /// with, across the installation.
    async fn mail_counts(&self) -> StoreResult<(i64, i64)>;
    /// Names for the records an audit page mentions: people by their name, episodes by
    /// their person's, users by theirs; only within the organisation.
    async fn record_names(
        &self,
        org: OrgId,
        ids: &[uuid::Uuid],
    ) -> StoreResult<std::collections::HashMap<uuid::Uuid, String>>;
    /// The last record's place and hash (none for an empty trail).
    async fn audit_head(&self) -> StoreResult<Option<(i64, String)>>;
    /// Records with `seq > after` that vouch for a chronology entry, in order, at most `limit`,
    /// each with the digest of the entry as it is stored now.
    async fn sealed_entries(&self, after: i64, limit: i64) -> StoreResult<Vec<SealedEntry>>;
    /// Up to `limit` chronology entries with no seal although an earlier entry of their
    /// episode has one: added other than through Homeward.
    async fn unsealed_entries(
        &self,
        limit: i64,
    ) -> StoreResult<Vec<(homeward_domain::ids::EpisodeId, i64)>>;
    /// Rows per table and the audit trail's head, read in one transaction: what a restored
    /// copy is checked against.
    async fn contents(&self) -> StoreResult<Contents>;
    /// Writes a consistent copy of the whole database (photos included) to `file` while
    /// others go on writing, and says what the copy holds. SQLite copies itself with
    /// `VACUUM INTO`; PostgreSQL runs `pg_dump` in the snapshot its counts were read in.
    async fn back_up_to(&self, file: &std::path::Path) -> StoreResult<Contents>;
    /// Records a backup the server took (or failed to take).
    async fn record_backup(&self, backup: &BackupRecord) -> StoreResult<()>;
    /// The newest backups, newest first.
    async fn recent_backups(&self, limit: i64) -> StoreResult<Vec<BackupRecord>>;
}

/// What a database holds, for a backup's manifest.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Contents {
    /// Rows in each table, by name.
    pub tables: std::collections::BTreeMap<String, i64>,
    /// The audit trail's last record and its hash.
    pub audit_head: Option<(i64, String)>,
}

/// An audit record's seal and what its entry's digest is now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedEntry {
    pub audit_seq: i64,
    pub seal: homeward_domain::audit::Seal,
    /// None when the entry is no longer there.
    pub stored_digest: Option<String>,
}

/// A backup the server took on its schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupRecord {
    pub started_at: Timestamp,
    pub finished_at: Timestamp,
    pub file_name: String,
    pub bytes: i64,
    pub audit_seq: i64,
    /// None when it was good; otherwise what went wrong, in words for the admin.
    pub problem: Option<String>,
}
