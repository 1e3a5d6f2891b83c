//! The SQL both engines run, written once.
//!
//! SQLite and PostgreSQL accept the same statements here (numbered `$n` parameters, integer
//! millisecond timestamps, UUIDs bound as values), so the implementation of [`crate::Store`]
//! is generated for each engine's concrete sqlx types by [`impl_sql_store!`]. Writing it
//! generically over `sqlx::Database` would need a wall of higher-ranked bounds on every
//! function; a macro keeps one copy of the SQL with ordinary, concrete types.
//!
//! The engine type must provide:
//! - `fn reader(&self) -> &sqlx::Pool<DB>`: the pool for reads;
//! - `async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, DB>>`: a
//!   transaction that holds the write lock (SQLite) or is ordinary (PostgreSQL);
//! - `fn audit_key(&self) -> &[u8]`: the key of the audit chain;
//! - `async fn close_pools(&self)`: close every connection;
//! - `async fn listen_board(&self, sink: BoardSink) -> StoreResult<bool>`: forward other
//!   servers' board changes, or say there are none;
//! - a constant `LOCK_AUDIT_CHAIN: Option<&'static str>`: a statement that serialises
//!   appends to the audit chain, run just before each append;
//! - `async fn copy_to(&self, file: &Path) -> StoreResult<Contents>`: a consistent copy of
//!   the whole database, and what it holds;
//! - a constant `LIST_TABLES: &'static str`: a query naming every table (column `name`);
//! - a constant `LOCK_ROW: &'static str`: what ends a `SELECT` that must hold its row until
//!   the transaction ends, failing at once (SQLSTATE 55P03) if another holds it
//!   (` FOR UPDATE NOWAIT`; nothing where the write transaction already holds the database,
//!   as SQLite's does).

use crate::{StoreError, StoreResult};
use homeward_domain::audit::Outcome;
use homeward_domain::organisation::{Nation, Regulator, ServiceKind};
use homeward_domain::person::PersonKind;
use homeward_domain::role::Role;
use jiff::civil::Date;

#[doc(hidden)]
pub use async_trait::async_trait;
#[doc(hidden)]
pub use futures_util;
#[doc(hidden)]
pub use homeward_domain as domain;
#[doc(hidden)]
pub use jiff;
#[doc(hidden)]
pub use tokio;
#[doc(hidden)]
pub use uuid;

fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Internal(format!("unreadable {what} in the database: {value:?}"))
}

#[doc(hidden)]
pub fn nation(code: &str) -> StoreResult<Nation> {
    Nation::from_code(code).ok_or_else(|| corrupt("nation", code))
}
#[doc(hidden)]
pub fn regulator(code: &str) -> StoreResult<Regulator> {
    Regulator::from_code(code).ok_or_else(|| corrupt("regulator", code))
}
#[doc(hidden)]
pub fn service_kind(code: &str) -> StoreResult<ServiceKind> {
    ServiceKind::from_code(code).ok_or_else(|| corrupt("service kind", code))
}
#[doc(hidden)]
pub fn role(code: &str) -> StoreResult<Role> {
    Role::from_code(code).ok_or_else(|| corrupt("role", code))
}
#[doc(hidden)]
pub fn person_kind(code: &str) -> StoreResult<PersonKind> {
    PersonKind::from_code(code).ok_or_else(|| corrupt("person kind", code))
}
#[doc(hidden)]
pub fn outcome(code: &str) -> StoreResult<Outcome> {
    Outcome::from_code(code).ok_or_else(|| corrupt("audit outcome", code))
}
#[doc(hidden)]
pub fn date(text: &str) -> StoreResult<Date> {
    text.parse().map_err(|_| corrupt("date", text))
}
#[doc(hidden)]
pub fn doc_kind(code: &str) -> StoreResult<homeward_domain::forms::DocKind> {
    homeward_domain::forms::DocKind::from_code(code).ok_or_else(|| corrupt("document kind", code))
}
#[doc(hidden)]
pub fn encode_document(doc: &homeward_domain::forms::Document) -> StoreResult<String> {
    serde_json::to_string(doc).map_err(|e| StoreError::Internal(e.to_string()))
}
#[doc(hidden)]
pub fn decode_document(text: &str) -> StoreResult<homeward_domain::forms::Document> {
    serde_json::from_str(text)
        .map_err(|_| corrupt("document", &text.chars().take(40).collect::<String>()))
}

#[doc(hidden)]
pub const EPISODE_COLUMNS: &str = "SELECT id, org_id, service_id, person_id, phase, is_open, opened_at, \
     last_seen_at, police_grade, last_event_seq, last_event_kind, last_event_at, \
     next_duty_rule, next_duty_due_at, waiting_pages, next_check_at, paging_failed_since FROM episodes";
/// The episode columns as selected from `alias`, for joins.
#[doc(hidden)]
pub fn episode_columns_of(alias: &str) -> String {
    let list = EPISODE_COLUMNS
        .trim_start_matches("SELECT ")
        .trim_end_matches(" FROM episodes");
    list.split(',')
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[doc(hidden)]
pub fn encode_event(e: &homeward_domain::episode::Event) -> StoreResult<String> {
    serde_json::to_string(e).map_err(|e| StoreError::Internal(e.to_string()))
}
#[doc(hidden)]
pub fn decode_event(text: &str) -> StoreResult<homeward_domain::episode::Event> {
    serde_json::from_str(text)
        .map_err(|_| corrupt("episode event", &text.chars().take(40).collect::<String>()))
}
#[doc(hidden)]
pub fn encode_settings(s: &homeward_domain::settings::OrgSettings) -> StoreResult<String> {
    serde_json::to_string(s).map_err(|e| StoreError::Internal(e.to_string()))
}
#[doc(hidden)]
pub fn decode_settings(text: &str) -> StoreResult<homeward_domain::settings::OrgSettings> {
    serde_json::from_str(text).map_err(|_| corrupt("settings", text))
}

#[doc(hidden)]
pub fn encode_rota(r: &homeward_domain::escalation::Rota) -> StoreResult<String> {
    serde_json::to_string(r).map_err(|e| StoreError::Internal(e.to_string()))
}
#[doc(hidden)]
pub fn decode_rota(text: &str) -> StoreResult<homeward_domain::escalation::Rota> {
    serde_json::from_str(text).map_err(|_| corrupt("rota", text))
}

/// The queue with each message's content and last error, ranked within its organisation.
#[doc(hidden)]
pub const QUEUED_MAIL: &str = "SELECT o.id, o.org_id, o.episode_id, o.created_at, o.to_address, o.subject, \
     o.body, q.tries, q.not_before, \
     (SELECT a.error FROM outbox_attempts a WHERE a.message_id = o.id ORDER BY a.attempt DESC LIMIT 1) AS last_error, \
     ROW_NUMBER() OVER (PARTITION BY q.org_id ORDER BY q.not_before, o.id) AS rank_in_org \
     FROM outbox_queue q JOIN outbox o ON o.id = q.message_id WHERE 1 = 1";

/// A value for a generated query.
#[doc(hidden)]
pub enum Bind {
    Id(uuid::Uuid),
    Int(i64),
    Text(String),
    Bool(bool),
}

/// The values of a generated query, after `$1` (always the organisation): each `push` binds
/// one and returns its placeholder.
#[doc(hidden)]
#[derive(Default)]
pub struct Binds(pub Vec<Bind>);

impl Binds {
    pub fn push(&mut self, b: Bind) -> String {
        self.0.push(b);
        format!("${}", self.0.len() + 1)
    }
    pub fn list(&mut self, values: impl IntoIterator<Item = Bind>) -> String {
        let list: Vec<String> = values.into_iter().map(|b| self.push(b)).collect();
        list.join(", ")
    }
    pub fn millis(&mut self, at: jiff::Timestamp) -> String {
        self.push(Bind::Int(homeward_domain::time::to_millis(at)))
    }
}

/// `%text%` for a LIKE that finds `text` anywhere, with LIKE's own wildcards taken literally
/// (the queries say `ESCAPE '\'`).
#[doc(hidden)]
pub fn contains(text: &str) -> Bind {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Bind::Text(format!("%{escaped}%"))
}

/// A page of people by name (`$1` is the organisation): in `services` if given, meeting the
/// condition `condition` adds (with its values), after the cursor.
fn people_sql(
    services: &Option<Vec<homeward_domain::ids::ServiceId>>,
    after: &Option<crate::PersonCursor>,
    limit: i64,
    condition: impl FnOnce(&mut Binds) -> Option<String>,
) -> (String, Vec<Bind>) {
    let mut sql = String::from(
        "SELECT id, org_id, service_id, given_name, family_name, kind, date_of_birth, \
         estimated_age, created_at FROM people WHERE org_id = $1",
    );
    let mut b = Binds::default();
    if let Some(services) = services {
        let list = b.list(services.iter().map(|s| Bind::Id(s.0)));
        sql += &format!(" AND service_id IN ({list})");
    }
    if let Some(c) = condition(&mut b) {
        sql += &format!(" AND ({c})");
    }
    if let Some(c) = after {
        let f = b.push(Bind::Text(c.family_name.clone()));
        let g = b.push(Bind::Text(c.given_name.clone()));
        let id = b.push(Bind::Id(c.id.0));
        sql += &format!(" AND (family_name, given_name, id) > ({f}, {g}, {id})");
    }
    let limit = b.push(Bind::Int(limit));
    sql += &format!(" ORDER BY family_name, given_name, id LIMIT {limit}");
    (sql, b.0)
}

/// The SQL for a page of people (`$1` is the organisation) and the values to bind after it.
#[doc(hidden)]
pub fn people_query(q: &crate::PeopleQuery) -> (String, Vec<Bind>) {
    people_sql(&q.services, &q.after, q.limit, |_| None)
}

/// The SQL for a page of the people due for review (`$1` is the organisation). What is
/// missing reads as the empty string, which is before every date.
#[doc(hidden)]
pub fn people_due_query(q: &crate::DueQuery) -> (String, Vec<Bind>) {
    people_sql(&q.services, &q.after, q.limit, |b| {
        let photo = "COALESCE((SELECT ph.taken_on FROM person_photo_choices c \
             JOIN person_photos ph ON ph.id = c.photo_id WHERE c.person_id = people.id \
             ORDER BY c.id DESC LIMIT 1), '')";
        let child = b.push(Bind::Text(q.child_photo_cutoff.to_string()));
        let adult = b.push(Bind::Text(q.adult_photo_cutoff.to_string()));
        let today = b.push(Bind::Text(q.today.to_string()));
        let mut due = vec![format!(
            "{photo} < CASE WHEN kind = 'child' THEN {child} ELSE {adult} END"
        )];
        for kind in homeward_domain::forms::DocKind::ALL {
            // Kind codes are the domain's own constants, not input.
            due.push(format!(
                "COALESCE((SELECT d.review_date FROM person_documents d WHERE d.person_id = people.id \
                 AND d.kind = '{}' ORDER BY d.version DESC LIMIT 1), '') < {today}",
                kind.code()
            ));
        }
        Some(due.join(" OR "))
    })
}

/// The SQL for a page of users (`$1` is the organisation) and the values to bind after it.
#[doc(hidden)]
pub fn users_query(q: &crate::UsersQuery) -> (String, Vec<Bind>) {
    let mut sql = String::from(
        "SELECT id, org_id, email, display_name, active, created_at FROM users WHERE org_id = $1",
    );
    let mut b = Binds::default();
    if q.active_only {
        sql += &format!(" AND active = {}", b.push(Bind::Bool(true)));
    }
    if let Some(service) = q.service {
        let s = b.push(Bind::Id(service.0));
        sql += &format!(
            " AND EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id \
             AND (m.service_id IS NULL OR m.service_id = {s}))"
        );
    }
    if let Some(emails) = &q.emails {
        if emails.is_empty() {
            sql += " AND 1 = 0";
        } else {
            let list = b.list(emails.iter().map(|e| Bind::Text(e.clone())));
            sql += &format!(" AND email IN ({list})");
        }
    }
    if let Some(ids) = &q.ids {
        if ids.is_empty() {
            sql += " AND 1 = 0";
        } else {
            let list = b.list(ids.iter().map(|u| Bind::Id(u.0)));
            sql += &format!(" AND id IN ({list})");
        }
    }
    if let Some(text) = q.search.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let n = b.push(contains(text));
        let e = b.push(contains(text));
        sql += &format!(
            " AND (LOWER(display_name) LIKE {n} ESCAPE '\\' OR LOWER(email) LIKE {e} ESCAPE '\\')"
        );
    }
    if let Some(c) = &q.after {
        let name = b.push(Bind::Text(c.display_name.clone()));
        let id = b.push(Bind::Id(c.id.0));
        sql += &format!(" AND (display_name, id) > ({name}, {id})");
    }
    let limit = b.push(Bind::Int(q.limit));
    sql += &format!(" ORDER BY display_name, id LIMIT {limit}");
    (sql, b.0)
}

/// The columns `row_audit` reads.
#[doc(hidden)]
pub const AUDIT_COLUMNS: &str = "seq, at, org_id, actor_id, actor_label, action, resource_kind, \
     resource_id, outcome, ip, prev_hash, hash, sealed_episode, sealed_seq, sealed_digest";

/// The SQL for a page of the audit trail, newest first (`$1` is the organisation).
#[doc(hidden)]
pub fn audit_query(q: &crate::AuditQuery) -> (String, Vec<Bind>) {
    let mut sql = format!("SELECT {AUDIT_COLUMNS} FROM audit_log WHERE org_id = $1",);
    let mut b = Binds::default();
    if let Some(who) = q.who.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let p = b.push(contains(who));
        sql += &format!(" AND LOWER(actor_label) LIKE {p} ESCAPE '\\'");
    }
    if let Some(record) = q.record.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let p = b.push(contains(record));
        sql += &format!(" AND LOWER(resource_id) LIKE {p} ESCAPE '\\'");
    }
    if let Some(kind) = &q.kind {
        let p = b.push(Bind::Text(kind.clone()));
        sql += &format!(" AND resource_kind = {p}");
    }
    if !q.records.is_empty() {
        let list = b.list(q.records.iter().map(|r| Bind::Text(r.clone())));
        sql += &format!(" AND resource_id IN ({list})");
    }
    if let Some(action) = &q.action {
        let p = b.push(Bind::Text(action.clone()));
        sql += &format!(" AND action = {p}");
    }
    if q.refused_only {
        sql += " AND outcome <> 'allowed'";
    }
    if let Some(from) = q.from {
        let p = b.millis(from);
        sql += &format!(" AND at >= {p}");
    }
    if let Some(before) = q.before {
        let p = b.millis(before);
        sql += &format!(" AND at < {p}");
    }
    if let Some(seq) = q.older_than {
        let p = b.push(Bind::Int(seq));
        sql += &format!(" AND seq < {p}");
    }
    let limit = b.push(Bind::Int(q.limit));
    sql += &format!(" ORDER BY seq DESC LIMIT {limit}");
    (sql, b.0)
}

/// The conditions on `episode_facts f` a patterns filter asks for (`$1` is the organisation):
/// the window, the services and the cut. `now` decides who has been away over 24 hours
/// while still missing.
#[doc(hidden)]
pub fn facts_where(q: &crate::FactsFilter, now: jiff::Timestamp, b: &mut Binds) -> String {
    let mut sql = String::from("f.org_id = $1 AND f.phase <> 'recorded_in_error'");
    sql += &format!(" AND f.started_at >= {}", b.millis(q.from));
    sql += &format!(" AND f.started_at < {}", b.millis(q.before));
    if let Some(services) = &q.services {
        if services.is_empty() {
            sql += " AND 1 = 0";
        } else {
            let list = b.list(services.iter().map(|s| Bind::Id(s.0)));
            sql += &format!(" AND f.service_id IN ({list})");
        }
    }
    if let Some(person) = q.person {
        sql += &format!(" AND f.person_id = {}", b.push(Bind::Id(person.0)));
    }
    if let Some(c) = cut_condition(q.cut.as_ref(), now, b) {
        sql += " AND ";
        sql += &c;
    }
    sql
}

/// The facts table as a patterns query reads it. SQLite's planner prefers the primary key's
/// time range over a home's or a person's own index even when that reads every home's
/// window (without statistics, and with sampled ones that cannot tell one organisation from
/// many), so it is told which index to use; PostgreSQL's statistics choose well by themselves.
#[doc(hidden)]
pub fn facts_from(q: &crate::FactsFilter, engine: crate::Engine) -> &'static str {
    match engine {
        crate::Engine::Postgres => "episode_facts f",
        crate::Engine::Sqlite => match (&q.person, &q.services) {
            (Some(_), _) => "episode_facts f INDEXED BY episode_facts_by_person",
            (None, Some(services)) if !services.is_empty() => {
                "episode_facts f INDEXED BY episode_facts_by_service"
            }
            _ => "episode_facts f",
        },
    }
}

/// The condition on `episode_facts f` for one cut (see [`crate::Cut`]).
#[doc(hidden)]
pub fn cut_condition(
    cut: Option<&crate::Cut>,
    now: jiff::Timestamp,
    b: &mut Binds,
) -> Option<String> {
    use crate::Cut;
    let day = 24 * 60;
    let in_time = homeward_domain::learning::INTERVIEW_OFFER_HOURS * 3_600_000;
    match cut {
        None => None,
        Some(Cut::FirstTime) => Some("f.episode_number = 1".to_string()),
        Some(Cut::Repeat) => Some("f.episode_number > 1".into()),
        Some(Cut::StillAway) => Some("f.found_at IS NULL".into()),
        Some(Cut::Over24Hours) => {
            let since = b.millis(now - jiff::SignedDuration::from_hours(24));
            Some(format!(
                "(f.away_minutes > {day} OR (f.found_at IS NULL AND f.started_at < {since}))"
            ))
        }
        Some(Cut::ReportedToPolice) => Some("f.reported_after_minutes IS NOT NULL".into()),
        Some(Cut::NotReportedToPolice) => Some("f.reported_after_minutes IS NULL".into()),
        Some(Cut::Person(p)) => Some(format!("f.person_id = {}", b.push(Bind::Id(p.0)))),
        Some(Cut::Slot(d, h)) => Some(format!(
            "f.start_weekday = {} AND f.start_hour = {}",
            b.push(Bind::Int(i64::from(*d))),
            b.push(Bind::Int(i64::from(*h)))
        )),
        Some(Cut::LastSeenAt(place)) => Some(format!(
            "f.last_seen_place = {}",
            b.push(Bind::Text(place.clone()))
        )),
        Some(Cut::LastSeenAtKind(kind)) => Some(format!(
            "f.last_seen_kind = {}",
            b.push(Bind::Text(kind.clone()))
        )),
        Some(Cut::FoundAtKind(kind)) => Some(format!(
            "f.found_kind = {}",
            b.push(Bind::Text(kind.clone()))
        )),
        Some(Cut::FoundInArea(area)) => Some(format!(
            "f.found_police_area = {}",
            b.push(Bind::Text(area.clone()))
        )),
        Some(Cut::DeclinedBecause(reason)) => Some(format!(
            "f.returned_at IS NOT NULL AND f.interview_declines > 0 AND f.decline_reason = {}",
            b.push(Bind::Text(reason.clone()))
        )),
        Some(Cut::FoundIn(town)) => Some(format!(
            "f.found_town = {}",
            b.push(Bind::Text(town.clone()))
        )),
        Some(Cut::Grade(g)) => Some(format!(
            "f.police_grade = {}",
            b.push(Bind::Text(g.clone()))
        )),
        Some(Cut::Returned) => Some("f.returned_at IS NOT NULL".into()),
        Some(Cut::InterviewOffered) => {
            Some("f.returned_at IS NOT NULL AND f.interview_offers > 0".into())
        }
        Some(Cut::InterviewOfferedInTime) => Some(format!(
            "f.returned_at IS NOT NULL AND f.interview_first_offered_at IS NOT NULL \
             AND f.interview_first_offered_at <= f.returned_at + {in_time}"
        )),
        Some(Cut::InterviewReOffered) => {
            Some("f.returned_at IS NOT NULL AND f.interview_offers > 1".into())
        }
        Some(Cut::InterviewDeclined) => {
            Some("f.returned_at IS NOT NULL AND f.interview_declines > 0".into())
        }
        Some(Cut::InterviewHeld) => {
            Some("f.returned_at IS NOT NULL AND f.interview = 'held'".into())
        }
        Some(Cut::InterviewNotOffered) => {
            Some("f.returned_at IS NOT NULL AND f.interview_offers = 0".into())
        }
        Some(Cut::OverThreshold) => Some("f.over_threshold = 1".into()),
        Some(Cut::InterviewExpected) => Some("f.interview_expected = 1".into()),
        Some(Cut::InterviewExpectedOffered) => Some(
            "f.interview_expected = 1 AND f.returned_at IS NOT NULL AND f.interview_offers > 0"
                .into(),
        ),
        Some(Cut::Risk(code)) => Some(format!(
            "(',' || f.risks || ',') LIKE {}",
            b.push(Bind::Text(format!("%,{code},%")))
        )),
    }
}

/// Grants with how they ended, if they did (`x_` columns).
#[doc(hidden)]
pub const GRANTS: &str = "SELECT g.id, g.org_id, g.partner_org_id, g.person_id, g.episode_id, g.purpose, \
    g.reason, g.sections, g.granted_by, g.granted_by_label, g.granted_at, g.ends_at, g.disclosure_id, \
    x.ended_at AS x_ended_at, x.ended_by AS x_ended_by, x.ended_by_label AS x_ended_by_label, \
    x.reason AS x_reason FROM access_grants g LEFT JOIN access_grant_endings x ON x.grant_id = g.id";

/// Inspections with how they ended early, if they did (`x_` columns).
#[doc(hidden)]
pub const INSPECTIONS: &str = "SELECT i.id, i.org_id, i.inspectorate_id, i.service_id, i.reference, \
    i.granted_by, i.granted_by_label, i.granted_at, i.ends_at, x.ended_at AS x_ended_at, \
    x.ended_by AS x_ended_by, x.ended_by_label AS x_ended_by_label, x.reason AS x_reason \
    FROM inspections i LEFT JOIN inspection_endings x ON x.inspection_id = i.id";

/// An inspection live at the instant bound as `$2`.
#[doc(hidden)]
pub const LIVE_INSPECTION: &str = "i.ends_at > $2 AND (x.ended_at IS NULL OR x.ended_at > $2)";

/// A grant live at the instant bound as `$2`: not yet at its end, and not ended early.
#[doc(hidden)]
pub const LIVE_GRANT: &str = "g.ends_at > $2 AND (x.ended_at IS NULL OR x.ended_at > $2)";

/// The organisation's kept counts of a window that meet `condition` (on `figure` and `key`),
/// as a table of `figure`, `key` and `n` (negative for what a range takes away), to be
/// summed: one indexed read per stored range, joined. (Written
/// as one condition with `OR`, SQLite reads every period of each figure instead.)
#[doc(hidden)]
pub fn kept_in_window(
    ranges: &[domain::rollup::Range],
    b: &mut Binds,
    condition: impl Fn(&mut Binds) -> String,
) -> String {
    let parts: Vec<String> = ranges
        .iter()
        .map(|r| {
            let c = condition(b);
            let g = b.push(Bind::Text(r.grain.as_str().into()));
            let l = b.push(Bind::Int(r.low));
            let h = b.push(Bind::Int(r.high));
            let n = if r.sign < 0 { "-n AS n" } else { "n" };
            format!(
                "SELECT figure, key, {n} FROM pattern_rollups WHERE org_id = $1 AND {c} \
                 AND grain = {g} AND period >= {l} AND period < {h}"
            )
        })
        .collect();
    if parts.is_empty() {
        "(SELECT figure, key, n FROM pattern_rollups WHERE 1 = 0) k".into()
    } else {
        format!("({}) k", parts.join(" UNION ALL "))
    }
}

/// The kept count that holds exactly the episodes of a cut, when there is one: the cuts that
/// do not depend on the time now. (Still away, and away over 24 hours, do.)
#[doc(hidden)]
pub fn kept_cut(cut: &crate::Cut) -> Option<&'static str> {
    use crate::Cut::*;
    Some(match cut {
        FirstTime => "first_time",
        Repeat => "repeat",
        ReportedToPolice => "reported",
        NotReportedToPolice => "not_reported",
        Returned => "returned",
        InterviewOffered => "offered",
        InterviewOfferedInTime => "in_time",
        InterviewDeclined => "declined",
        InterviewReOffered => "re_offered",
        InterviewHeld => "held",
        InterviewNotOffered => "not_offered",
        OverThreshold => "over_threshold",
        InterviewExpected => "expected",
        InterviewExpectedOffered => "expected_offered",
        _ => return None,
    })
}

/// The stored periods of the organisation's kept counts that make up a filter's window, when
/// those counts can answer it: the whole organisation (no homes picked, no person, no cut) over
/// whole UK days.
#[doc(hidden)]
pub fn rollup_ranges(q: &crate::FactsFilter) -> Option<Vec<domain::rollup::Range>> {
    if q.services.is_some() || q.person.is_some() || q.cut.is_some() {
        return None;
    }
    let day = |at: jiff::Timestamp| {
        let z = homeward_domain::time::in_london(at);
        (z.time() == jiff::civil::Time::midnight()).then(|| z.date())
    };
    Some(domain::rollup::ranges(day(q.from)?, day(q.before)?))
}

/// Largest first, then by name, as every list of counts is shown; the grid and the duties in
/// their own order; top ten places.
#[doc(hidden)]
pub fn order_counts(p: &mut crate::Patterns) {
    let by_size = |a: &(String, i64), b: &(String, i64)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
    p.grades.sort_by(by_size);
    p.last_seen_places.sort_by(by_size);
    p.last_seen_places.truncate(10);
    p.found_towns.sort_by(by_size);
    p.found_towns.truncate(10);
    p.found_areas.sort_by(by_size);
    p.found_areas.truncate(10);
    p.last_seen_kinds.sort_by(by_size);
    p.found_kinds.sort_by(by_size);
    p.decline_reasons.sort_by(by_size);
    p.decline_reasons.truncate(10);
    // The same indicator from different lists of risks adds up.
    let mut risks = std::collections::BTreeMap::<String, i64>::new();
    for (code, n) in p.risks.drain(..) {
        *risks.entry(code).or_default() += n;
    }
    p.risks = risks.into_iter().collect();
    p.risks.sort_by(by_size);
    p.slots.sort();
    p.duties.sort_by(|a, b| a.rule.cmp(&b.rule));
}

/// `1` where a condition holds, for summing.
#[doc(hidden)]
pub fn counted(condition: &str) -> String {
    format!("SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)")
}

/// The SQL for a list of episodes (`$1` is the organisation) and the values to bind after it.
#[doc(hidden)]
pub fn episode_query(q: &crate::EpisodeQuery) -> (String, Vec<Bind>) {
    let mut sql = format!("{EPISODE_COLUMNS} WHERE org_id = $1");
    let mut b = Binds::default();
    if let Some(services) = &q.services {
        let list = b.list(services.iter().map(|s| Bind::Id(s.0)));
        sql += &format!(" AND service_id IN ({list})");
    }
    if q.open_only {
        sql += " AND is_open = 1";
    }
    if q.waiting_only {
        sql += " AND waiting_pages > 0";
    }
    if let Some(p) = q.person {
        sql += &format!(" AND person_id = {}", b.push(Bind::Id(p.0)));
    }
    if !q.phases.is_empty() {
        let list = b.list(q.phases.iter().map(|p| Bind::Text(p.clone())));
        sql += &format!(" AND phase IN ({list})");
    }
    if let Some(from) = q.opened_from {
        sql += &format!(" AND opened_at >= {}", b.millis(from));
    }
    if let Some(before) = q.opened_before {
        sql += &format!(" AND opened_at < {}", b.millis(before));
    }
    if let Some(c) = q.after {
        let at = b.millis(c.opened_at);
        let at2 = b.millis(c.opened_at);
        let id = b.push(Bind::Id(c.id.0));
        sql += &format!(" AND (opened_at < {at} OR (opened_at = {at2} AND id < {id}))");
    }
    let limit = b.push(Bind::Int(q.limit));
    // With a narrow filter (open, one person, some homes, pages waiting) the few rows it finds
    // are sorted; `+opened_at` keeps the planner from walking the whole history in time order
    // through the time index instead. Without one, that walk is the quickest way.
    let narrow = q.open_only || q.person.is_some() || q.services.is_some() || q.waiting_only;
    let order = if narrow { "+opened_at" } else { "opened_at" };
    sql += &format!(" ORDER BY {order} DESC, id DESC LIMIT {limit}");
    (sql, b.0)
}

/// The live board in one query: each open episode (in the services asked for) with its
/// person (columns named `p_…`), the photo chosen last, the service's name and when they came
/// back from the episode before, most recently opened first.
#[doc(hidden)]
pub fn board_query(services: Option<&[homeward_domain::ids::ServiceId]>) -> (String, Vec<Bind>) {
    let mut b = Binds::default();
    let within = match services {
        Some(services) => {
            let list = b.list(services.iter().map(|s| Bind::Id(s.0)));
            format!(" AND e.service_id IN ({list})")
        }
        None => String::new(),
    };
    // From the open episodes to their people by key (a CROSS JOIN keeps that order in
    // SQLite): never a walk through every person of the organisation.
    let sql = format!(
        "SELECT {}, \
         p.service_id AS p_service_id, p.given_name AS p_given_name, \
         p.family_name AS p_family_name, p.kind AS p_kind, p.date_of_birth AS p_date_of_birth, \
         p.estimated_age AS p_estimated_age, p.created_at AS p_created_at, \
         (SELECT c.photo_id FROM person_photo_choices c WHERE c.person_id = p.id \
            ORDER BY c.id DESC LIMIT 1) AS photo_id, \
         (SELECT s.name FROM services s WHERE s.id = e.service_id) AS service_name, \
         (SELECT f.previous_return_at FROM episode_facts f WHERE f.episode_id = e.id) \
            AS previous_return_at \
         FROM episodes e CROSS JOIN people p \
         WHERE e.org_id = $1 AND e.is_open = 1{within} AND p.id = e.person_id AND p.org_id = $1 \
         ORDER BY +e.opened_at DESC, e.id DESC",
        episode_columns_of("e")
    );
    (sql, b.0)
}

/// `{head}($1, …, $k), ($k+1, …), …` for `rows` rows of `k` values.
#[doc(hidden)]
pub fn multi_insert(head: &str, k: usize, rows: usize) -> String {
    let mut sql = String::from(head);
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        sql.push_str(&placeholders(r * k + 1, k));
        sql.push(')');
    }
    sql
}

/// `$from, $from+1, …` for `n` values: the placeholders of an `IN (…)` list.
#[doc(hidden)]
pub fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Generates `impl Store for $store` over the sqlx database `$db`. See the module docs.
#[macro_export]
macro_rules! impl_sql_store {
    ($store:ty, $db:ty, $engine:expr) => {
        impl $store {
            fn db_err(e: sqlx::Error) -> $crate::StoreError {
                match &e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => {
                        $crate::StoreError::Conflict("already exists")
                    }
                    // A row still held by another server after waiting (see `LOCK_ROW`).
                    sqlx::Error::Database(d) if d.code().is_some_and(|c| c == "55P03") => {
                        $crate::StoreError::Unavailable(e.to_string())
                    }
                    sqlx::Error::Io(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Tls(_) => $crate::StoreError::Unavailable(e.to_string()),
                    _ => $crate::StoreError::Internal(e.to_string()),
                }
            }

            fn ms(at: $crate::sql_impl::jiff::Timestamp) -> i64 {
                $crate::sql_impl::domain::time::to_millis(at)
            }

            fn at(ms: i64) -> $crate::sql_impl::jiff::Timestamp {
                $crate::sql_impl::domain::time::from_millis(ms)
            }

            /// Appends one audit record as the last statement of a write transaction, so the
            /// chain lock (PostgreSQL) is held only until the commit that follows.
            async fn append_audit(
                &self,
                tx: &mut sqlx::Transaction<'_, $db>,
                e: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                self.append_audit_sealed(tx, e, None).await
            }

            /// Appends an audit record that also vouches for a chronology entry written in
            /// the same transaction.
            async fn append_audit_sealed(
                &self,
                tx: &mut sqlx::Transaction<'_, $db>,
                e: &$crate::sql_impl::domain::audit::AuditEvent,
                seal: Option<&$crate::sql_impl::domain::audit::Seal>,
            ) -> $crate::StoreResult<()> {
                Self::chain_audits(tx, self.audit_key(), &[(e, seal)]).await
            }

            /// Links audit records onto the end of the chain, in order, holding the chain's
            /// lock (PostgreSQL) from here to the commit that follows.
            async fn chain_audits(
                tx: &mut sqlx::Transaction<'_, $db>,
                key: &[u8],
                records: &[(
                    &$crate::sql_impl::domain::audit::AuditEvent,
                    Option<&$crate::sql_impl::domain::audit::Seal>,
                )],
            ) -> $crate::StoreResult<()> {
                use sqlx::Row as _;
                if let Some(lock) = Self::LOCK_AUDIT_CHAIN {
                    sqlx::query(lock).execute(&mut **tx).await.map_err(Self::db_err)?;
                }
                let last = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                    .fetch_optional(&mut **tx)
                    .await
                    .map_err(Self::db_err)?;
                let (mut seq, mut prev) = match last {
                    Some(row) => (
                        row.try_get::<i64, _>("seq").map_err(Self::db_err)?,
                        row.try_get::<String, _>("hash").map_err(Self::db_err)?,
                    ),
                    None => (0, $crate::sql_impl::domain::audit::GENESIS.to_string()),
                };
                for &(e, seal) in records {
                    seq += 1;
                    let hash = $crate::sql_impl::domain::audit::link_hash(key, seq, e, seal, &prev);
                    sqlx::query(
                        "INSERT INTO audit_log (seq, at, org_id, actor_id, actor_label, action, \
                         resource_kind, resource_id, outcome, ip, prev_hash, hash, sealed_episode, \
                         sealed_seq, sealed_digest) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                    )
                    .bind(seq)
                    .bind(Self::ms(e.at))
                    .bind(e.org_id.map(|o| o.0))
                    .bind(e.actor.map(|a| a.0))
                    .bind(&e.actor_label)
                    .bind(&e.action)
                    .bind(&e.resource_kind)
                    .bind(&e.resource_id)
                    .bind(e.outcome.code())
                    .bind(&e.ip)
                    .bind(&prev)
                    .bind(&hash)
                    .bind(seal.map(|s| s.episode))
                    .bind(seal.map(|s| s.entry))
                    .bind(seal.map(|s| s.digest.as_str()))
                    .execute(&mut **tx)
                    .await
                    .map_err(Self::db_err)?;
                    prev = hash;
                }
                Ok(())
            }

            /// Joins the open group commit (see [`$crate::group_commit`]), opening one if
            /// none is.
            async fn join_batch(
                &self,
            ) -> $crate::StoreResult<$crate::group_commit::Member<'_, sqlx::Transaction<'static, $db>>> {
                let key = self.audit_key().to_vec();
                self.batches
                    .join(self.begin_write(), move |mut tx, audits| async move {
                        let records: Vec<_> = audits.iter().map(|(e, s)| (e, s.as_ref())).collect();
                        Self::chain_audits(&mut tx, &key, &records).await?;
                        Self::commit(tx).await
                    })
                    .await
            }

            async fn commit(tx: sqlx::Transaction<'static, $db>) -> $crate::StoreResult<()> {
                tx.commit().await.map_err(Self::db_err)
            }

            /// Versions are numbered 1, 2, 3…: `version` must be the next after the highest
            /// `SELECT MAX(version) AS v …` finds for `key`, or a colleague saved first.
            async fn expect_next_version(
                tx: &mut sqlx::Transaction<'_, $db>,
                sql: &'static str,
                key: $crate::sql_impl::uuid::Uuid,
                version: i64,
            ) -> $crate::StoreResult<()> {
                use sqlx::Row as _;
                let latest: Option<i64> = sqlx::query(sql)
                    .bind(key)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(Self::db_err)?
                    .try_get("v")
                    .map_err(Self::db_err)?;
                if version != latest.unwrap_or(0) + 1 {
                    return Err($crate::StoreError::Conflict("a newer version was saved first"));
                }
                Ok(())
            }

            /// Runs a generated query (`$1` the organisation, then its values) on the reader.
            async fn fetch_generated(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                (sql, binds): (String, Vec<$crate::sql_impl::Bind>),
            ) -> $crate::StoreResult<Vec<<$db as sqlx::Database>::Row>> {
                // Only generated conditions and placeholders are interpolated; values are bound.
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org.0);
                for b in binds {
                    q = match b {
                        $crate::sql_impl::Bind::Id(u) => q.bind(u),
                        $crate::sql_impl::Bind::Int(n) => q.bind(n),
                        $crate::sql_impl::Bind::Text(t) => q.bind(t),
                        $crate::sql_impl::Bind::Bool(v) => q.bind(v),
                    };
                }
                q.fetch_all(self.reader()).await.map_err(Self::db_err)
            }

            /// How many people went missing in a window, who went most, and how many people
            /// had each risk indicator, from the counts kept by person: exactly as counting the
            /// episodes would, without reading every person in the window.
            async fn people_from_rollups(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                filter: &$crate::FactsFilter,
                ranges: &[$crate::sql_impl::domain::rollup::Range],
                tiles: &[$crate::Tile],
                p: &mut $crate::Patterns,
            ) -> $crate::StoreResult<()> {
                use $crate::Tile;
                use $crate::sql_impl::domain::rollup as r;
                let mut figures = Vec::new();
                if tiles.contains(&Tile::People) {
                    figures.push(r::PERSON);
                }
                if tiles.contains(&Tile::Risks) {
                    figures.extend(r::person_figure_names().into_iter().filter(|f| *f != r::PERSON));
                }
                if !figures.is_empty() {
                    let people = self.firsts_in_window(org, filter, ranges, &figures).await?;
                    for (figure, n) in people {
                        if figure == r::PERSON {
                            p.people = n;
                        } else if let Some(code) = figure.strip_prefix(r::PERSON_RISK_PREFIX) && n > 0 {
                            p.risk_people.push((code.to_string(), n));
                        }
                    }
                    p.risk_people.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                }
                if tiles.contains(&Tile::Most) {
                    p.most = self.most_in_window(org, filter, ranges).await?;
                }
                Ok(())
            }

            /// For each figure kept by person, how many people it holds in the window: the
            /// window's episodes whose person's previous one began in an earlier month (kept as
            /// `first_` counts), and, when the window starts after the first of a month, those
            /// who went both earlier that month and in the window.
            async fn firsts_in_window(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                filter: &$crate::FactsFilter,
                ranges: &[$crate::sql_impl::domain::rollup::Range],
                figures: &[&'static str],
            ) -> $crate::StoreResult<std::collections::BTreeMap<String, i64>> {
                use sqlx::Row as _;
                use $crate::sql_impl::{Bind, Binds};
                use $crate::sql_impl::domain::rollup as r;
                let mut out: std::collections::BTreeMap<String, i64> = figures.iter().map(|f| (f.to_string(), 0)).collect();
                let a = $crate::sql_impl::domain::time::in_london(filter.from).date();
                let mut b = Binds::default();
                let before = r::period(r::Grain::Month, a).to_string();
                let kept = $crate::sql_impl::kept_in_window(ranges, &mut b, |b| {
                    let list = b.list(figures.iter().filter_map(|f| r::first_figure(f)).map(|f| Bind::Text(f.into())));
                    let before = b.push(Bind::Text(before.clone()));
                    format!("figure IN ({list}) AND key < {before}")
                });
                let sql = format!("SELECT figure, CAST(SUM(n) AS BIGINT) AS n FROM {kept} GROUP BY figure");
                for row in self.fetch_generated(org, (sql, b.0)).await? {
                    let figure: String = row.try_get("figure").map_err(Self::db_err)?;
                    let n: i64 = row.try_get::<Option<i64>, _>("n").map_err(Self::db_err)?.unwrap_or(0);
                    if let Some(person_figure) = figure.strip_prefix(r::FIRST_PREFIX) {
                        *out.entry(person_figure.to_string()).or_default() += n;
                    }
                }
                if a.day() == 1 {
                    return Ok(out);
                }
                // Those who went earlier in the window's first month are kept by day; each of
                // them who also went in the window counts once more.
                let (facts, person) = match $engine {
                    $crate::Engine::Sqlite => (
                        "episode_facts f INDEXED BY episode_facts_by_person",
                        "unhex(replace(s.key, '-', ''))",
                    ),
                    $crate::Engine::Postgres => ("episode_facts f", "CAST(s.key AS uuid)"),
                };
                let mut b = Binds::default();
                let list = b.list(figures.iter().map(|f| Bind::Text((*f).into())));
                let day = b.push(Bind::Text(r::Grain::Day.as_str().into()));
                let month_start = b.push(Bind::Int(r::period(r::Grain::Day, a.first_of_month())));
                let first_day = b.push(Bind::Int(r::period(r::Grain::Day, a)));
                let from = b.millis(filter.from);
                let until = b.millis(filter.before);
                let all = b.push(Bind::Text(r::PERSON.into()));
                let skip = r::PERSON_RISK_PREFIX.len() + 1;
                let sql = format!(
                    "SELECT s.figure AS figure, COUNT(*) AS n FROM (SELECT DISTINCT figure, key FROM pattern_rollups \
                     WHERE org_id = $1 AND figure IN ({list}) AND grain = {day} AND period >= {month_start} \
                     AND period < {first_day}) s WHERE EXISTS (SELECT 1 FROM {facts} WHERE f.org_id = $1 \
                     AND f.person_id = {person} AND f.started_at >= {from} AND f.started_at < {until} \
                     AND f.phase <> 'recorded_in_error' AND (s.figure = {all} \
                     OR (',' || f.risks || ',') LIKE ('%,' || substr(s.figure, {skip}) || ',%'))) GROUP BY s.figure"
                );
                for row in self.fetch_generated(org, (sql, b.0)).await? {
                    let figure: String = row.try_get("figure").map_err(Self::db_err)?;
                    let n: i64 = row.try_get::<i64, _>("n").map_err(Self::db_err)?;
                    *out.entry(figure).or_default() += n;
                }
                Ok(out)
            }

            /// Who went missing most in the window, the ten with the most episodes (ties by
            /// their id), without summing every person's window: people are taken in order of
            /// their kept counts in a few periods that together cover the window (ever, over
            /// more than two years), whose sum bounds their count in it; each one's window is
            /// counted from their own episodes, until no one left can reach the tenth. If
            /// that would take too many, every person's counts in the window are summed.
            async fn most_in_window(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                filter: &$crate::FactsFilter,
                ranges: &[$crate::sql_impl::domain::rollup::Range],
            ) -> $crate::StoreResult<Vec<($crate::sql_impl::domain::ids::PersonId, i64)>> {
                use sqlx::Row as _;
                use $crate::sql_impl::{Bind, Binds};
                use $crate::sql_impl::domain::ids::PersonId;
                use $crate::sql_impl::domain::rollup as r;
                const MOST: usize = 10;
                const BATCH: i64 = 100;
                const MOST_TRIED: usize = 3_000;
                let Some(cover) = r::cover(ranges, 4) else {
                    return self.most_from_sums(org, ranges).await;
                };
                let parse = |key: &str| -> $crate::StoreResult<PersonId> {
                    key.parse().map(PersonId).map_err(|_| $crate::StoreError::Internal(format!("a kept count's person is not an id: {key}")))
                };
                let (facts, in_error) = match $engine {
                    $crate::Engine::Sqlite => (
                        "episode_facts f INDEXED BY episode_facts_by_person",
                        "episode_facts f INDEXED BY episode_facts_in_error",
                    ),
                    $crate::Engine::Postgres => ("episode_facts f", "episode_facts f"),
                };
                // Per period of the cover: how far read, and the smallest count read so far.
                let mut read: Vec<(i64, Option<i64>)> = vec![(0, None); cover.len()];
                let mut tried = std::collections::BTreeSet::<String>::new();
                let mut best: Vec<(String, i64)> = Vec::new();
                loop {
                    let mut fresh = Vec::new();
                    for (i, (grain, period)) in cover.iter().enumerate() {
                        if read[i].1 == Some(0) {
                            continue;
                        }
                        // The partial index's own term word for word, so both engines can read
                        // it in order (SQLite is told to: it would rather sort the period).
                        let table = match $engine {
                            $crate::Engine::Sqlite => "pattern_rollups INDEXED BY pattern_rollups_most",
                            $crate::Engine::Postgres => "pattern_rollups",
                        };
                        let mut b = Binds::default();
                        let grain = b.push(Bind::Text(grain.as_str().into()));
                        let period = b.push(Bind::Int(*period));
                        let offset = b.push(Bind::Int(read[i].0));
                        let sql = format!(
                            "SELECT key, n FROM {table} WHERE org_id = $1 AND figure = 'person' \
                             AND grain = {grain} AND period = {period} ORDER BY n DESC, key LIMIT {BATCH} OFFSET {offset}"
                        );
                        let rows = self.fetch_generated(org, (sql, b.0)).await?;
                        read[i].0 += rows.len() as i64;
                        // Everyone in this period has been read once a batch comes back short.
                        let mut smallest = 0;
                        if rows.len() as i64 == BATCH {
                            smallest = rows.last().map(|row| row.try_get::<i64, _>("n")).transpose().map_err(Self::db_err)?.unwrap_or(0);
                        }
                        read[i].1 = Some(smallest);
                        for row in rows {
                            let key: String = row.try_get("key").map_err(Self::db_err)?;
                            if tried.insert(key.clone()) {
                                fresh.push(key);
                            }
                        }
                    }
                    if !fresh.is_empty() {
                        let mut counts = std::collections::BTreeMap::<String, i64>::new();
                        for (table, sign) in [(facts, 1), (in_error, -1)] {
                            let mut b = Binds::default();
                            let ids = b.list(fresh.iter().map(|k| parse(k).map(|p| Bind::Id(p.0))).collect::<$crate::StoreResult<Vec<_>>>()?);
                            let from = b.millis(filter.from);
                            let until = b.millis(filter.before);
                            let only_errors = if sign < 0 { "AND f.phase = 'recorded_in_error'" } else { "" };
                            let sql = format!(
                                "SELECT f.person_id AS person, COUNT(*) AS n FROM {table} WHERE f.org_id = $1 \
                                 AND f.person_id IN ({ids}) AND f.started_at >= {from} AND f.started_at < {until} \
                                 {only_errors} GROUP BY f.person_id"
                            );
                            for row in self.fetch_generated(org, (sql, b.0)).await? {
                                let person = PersonId(row.try_get("person").map_err(Self::db_err)?);
                                *counts.entry(person.to_string()).or_default() += sign * row.try_get::<i64, _>("n").map_err(Self::db_err)?;
                            }
                        }
                        best.extend(counts.into_iter().filter(|(_, n)| *n > 0));
                        best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                        best.truncate(MOST);
                    }
                    // No one not yet read can have more in the window than the sum of the
                    // smallest counts read in each period of the cover.
                    let bound: i64 = read.iter().map(|(_, n)| n.unwrap_or(0)).sum();
                    if bound == 0 || (best.len() == MOST && best[MOST - 1].1 > bound) {
                        break;
                    }
                    if tried.len() >= MOST_TRIED {
                        return self.most_from_sums(org, ranges).await;
                    }
                }
                best.into_iter().map(|(key, n)| Ok((parse(&key)?, n))).collect()
            }

            /// Who went missing most in the window, from every person's kept counts in it.
            async fn most_from_sums(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                ranges: &[$crate::sql_impl::domain::rollup::Range],
            ) -> $crate::StoreResult<Vec<($crate::sql_impl::domain::ids::PersonId, i64)>> {
                use sqlx::Row as _;
                use $crate::sql_impl::{Bind, Binds};
                let mut b = Binds::default();
                let kept = $crate::sql_impl::kept_in_window(ranges, &mut b, |b| {
                    format!("figure = {}", b.push(Bind::Text($crate::sql_impl::domain::rollup::PERSON.into())))
                });
                let sql = format!(
                    "SELECT key, CAST(SUM(n) AS BIGINT) AS n FROM {kept} GROUP BY key HAVING SUM(n) > 0 \
                     ORDER BY SUM(n) DESC, key LIMIT 10"
                );
                let mut out = Vec::new();
                for row in self.fetch_generated(org, (sql, b.0)).await? {
                    let key: String = row.try_get("key").map_err(Self::db_err)?;
                    let n: i64 = row.try_get::<Option<i64>, _>("n").map_err(Self::db_err)?.unwrap_or(0);
                    let id = key.parse().map_err(|_| $crate::StoreError::Internal(format!("a kept count's person is not an id: {key}")))?;
                    out.push(($crate::sql_impl::domain::ids::PersonId(id), n));
                }
                Ok(out)
            }

            /// The lower median of a window's kept minutes, given its counts by the hour: only
            /// the minutes of the hour it falls in are read.
            async fn median_from_rollups(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                ranges: &[$crate::sql_impl::domain::rollup::Range],
                minutes_figure: &'static str,
                hours: Vec<(i64, i64)>,
            ) -> $crate::StoreResult<Option<i64>> {
                use sqlx::Row as _;
                use $crate::sql_impl::{Bind, Binds};
                use $crate::sql_impl::domain::rollup as r;
                let Some((hour, place)) = r::lower_median_place(hours) else {
                    return Ok(None);
                };
                let mut b = Binds::default();
                let kept = $crate::sql_impl::kept_in_window(ranges, &mut b, |b| {
                    let figure = b.push(Bind::Text(minutes_figure.into()));
                    let keys = b.list((hour * 60..hour * 60 + 60).map(|m| Bind::Text(m.to_string())));
                    format!("figure = {figure} AND key IN ({keys})")
                });
                let sql = format!("SELECT key, CAST(SUM(n) AS BIGINT) AS n FROM {kept} GROUP BY key");
                let mut minutes = Vec::new();
                for row in self.fetch_generated(org, (sql, b.0)).await? {
                    let key: String = row.try_get("key").map_err(Self::db_err)?;
                    let n: i64 = row.try_get::<Option<i64>, _>("n").map_err(Self::db_err)?.unwrap_or(0);
                    minutes.push((key.parse().unwrap_or(0), n));
                }
                Ok(r::nth_counted(minutes, place))
            }

            /// The figures that add up across days, from the organisation's kept counts, and
            /// what depends on the time now from the episodes still missing.
            async fn counts_from_rollups(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                filter: &$crate::FactsFilter,
                now: $crate::sql_impl::jiff::Timestamp,
                ranges: &[$crate::sql_impl::domain::rollup::Range],
                tiles: &[$crate::Tile],
            ) -> $crate::StoreResult<$crate::Patterns> {
                use sqlx::Row as _;
                use $crate::sql_impl::{Bind, Binds, facts_where};
                use $crate::sql_impl::domain::rollup as r;
                let mut figures: Vec<&str> = Vec::new();
                for t in tiles {
                    figures.extend_from_slice(t.rollup_figures());
                }
                let mut p = $crate::Patterns::default();
                if figures.is_empty() {
                    return Ok(p);
                }
                let mut b = Binds::default();
                let kept = $crate::sql_impl::kept_in_window(ranges, &mut b, |b| {
                    format!("figure IN ({})", b.list(figures.iter().map(|f| Bind::Text((*f).to_string()))))
                });
                let sql = format!("SELECT figure, key, CAST(SUM(n) AS BIGINT) AS n FROM {kept} GROUP BY figure, key");
                let mut duties = std::collections::BTreeMap::<String, $crate::DutyTimeliness>::new();
                let (mut away, mut reported) = (Vec::new(), Vec::new());
                let mut lateness = std::collections::BTreeMap::<String, Vec<(i64, i64)>>::new();
                for row in self.fetch_generated(org, (sql, b.0)).await? {
                    let figure: String = row.try_get("figure").map_err(Self::db_err)?;
                    let key: String = row.try_get("key").map_err(Self::db_err)?;
                    let n: i64 = row.try_get::<Option<i64>, _>("n").map_err(Self::db_err)?.unwrap_or(0);
                    if n == 0 {
                        continue;
                    }
                    match figure.as_str() {
                        r::CUT => *p.cut_mut(&key) += n,
                        r::GRADE => p.grades.push((key, n)),
                        r::LAST_SEEN => p.last_seen_places.push((key, n)),
                        r::FOUND_TOWN => p.found_towns.push((key, n)),
                        r::FOUND_AREA => p.found_areas.push((key, n)),
                        r::LAST_SEEN_KIND => p.last_seen_kinds.push((key, n)),
                        r::FOUND_KIND => p.found_kinds.push((key, n)),
                        r::DECLINE_REASON => p.decline_reasons.push((key, n)),
                        r::RISK => p.risks.push((key, n)),
                        r::SLOT => {
                            let (d, h) = key.split_once(':').unwrap_or_default();
                            p.slots.push((d.parse().unwrap_or(0), h.parse().unwrap_or(0), n));
                        }
                        r::AWAY_HOURS => away.push((key.parse().unwrap_or(0), n)),
                        r::REPORTED_HOURS => reported.push((key.parse().unwrap_or(0), n)),
                        r::DUTY_LATE_MINUTES => {
                            if let Some((rule, minutes)) = key.split_once(':') {
                                lateness.entry(rule.to_string()).or_default().push((minutes.parse().unwrap_or(0), n));
                            }
                        }
                        r::DUTY | r::DUTY_ON_TIME | r::DUTY_LATE => {
                            let d = duties.entry(key.clone()).or_insert_with(|| $crate::DutyTimeliness {
                                rule: key.clone(),
                                ..Default::default()
                            });
                            match figure.as_str() {
                                r::DUTY => d.total += n,
                                r::DUTY_ON_TIME => d.on_time += n,
                                _ => d.late += n,
                            }
                        }
                        _ => {}
                    }
                }
                p.duties = duties.into_values().collect();
                for d in &mut p.duties {
                    d.late_median_minutes = lateness.remove(&d.rule).and_then(r::lower_median);
                }
                p.away_median_minutes = self.median_from_rollups(org, ranges, r::AWAY_MINUTES, away).await?;
                p.report_median_minutes = self.median_from_rollups(org, ranges, r::REPORTED_MINUTES, reported).await?;
                $crate::sql_impl::order_counts(&mut p);
                if tiles.contains(&$crate::Tile::Headline) {
                    // Still missing and away over 24 hours now: from the few still missing.
                    // The window is whole organisation-wide days here, so these are the only
                    // conditions; `+` keeps the planner on the index of those still missing
                    // rather than sweeping the window in time order (SQLite's sampled
                    // statistics cannot tell one organisation from many, so it is told).
                    let facts = match $engine {
                        $crate::Engine::Sqlite => "episode_facts f INDEXED BY episode_facts_still_missing",
                        $crate::Engine::Postgres => "episode_facts f",
                    };
                    let mut b = Binds::default();
                    let from = b.millis(filter.from);
                    let before = b.millis(filter.before);
                    let since = b.millis(now - $crate::sql_impl::jiff::SignedDuration::from_hours(24));
                    let sql = format!(
                        "SELECT COUNT(*) AS n FROM {facts} WHERE f.org_id = $1 AND f.found_at IS NULL \
                         AND f.phase <> 'recorded_in_error' AND +f.started_at >= {from} \
                         AND +f.started_at < {before} AND +f.started_at < {since} \
                         AND (f.away_minutes IS NULL OR f.away_minutes <= {})",
                        r::LONG_AWAY_MINUTES
                    );
                    if let Some(row) = self.fetch_generated(org, (sql, b.0)).await?.first() {
                        p.over_24_hours += row.try_get::<i64, _>("n").map_err(Self::db_err)?;
                    }
                }
                Ok(p)
            }

            /// The figures that add up across days, counted from the facts in the window.
            async fn counts_from_facts(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                filter: &$crate::FactsFilter,
                now: $crate::sql_impl::jiff::Timestamp,
                tiles: &[$crate::Tile],
            ) -> $crate::StoreResult<$crate::Patterns> {
                use sqlx::Row as _;
                use $crate::{Cut, Tile};
                use $crate::sql_impl::{Binds, counted, cut_condition, facts_where};
                let get = |row: &<$db as sqlx::Database>::Row, name: &str| -> $crate::StoreResult<i64> {
                    Ok(row.try_get::<Option<i64>, _>(name).map_err(Self::db_err)?.unwrap_or(0))
                };
                let mut p = $crate::Patterns::default();
                if tiles.contains(&Tile::Headline) {
                    // The headline figures, each counted with the condition its list uses.
                    let sums = [
                        ("first_time", Cut::FirstTime),
                        ("repeat", Cut::Repeat),
                        ("still_away", Cut::StillAway),
                        ("over_24_hours", Cut::Over24Hours),
                        ("reported", Cut::ReportedToPolice),
                        ("not_reported", Cut::NotReportedToPolice),
                        ("returned", Cut::Returned),
                        ("offered", Cut::InterviewOffered),
                        ("in_time", Cut::InterviewOfferedInTime),
                        ("declined", Cut::InterviewDeclined),
                        ("re_offered", Cut::InterviewReOffered),
                        ("held", Cut::InterviewHeld),
                        ("not_offered", Cut::InterviewNotOffered),
                        ("over_threshold", Cut::OverThreshold),
                        ("expected", Cut::InterviewExpected),
                        ("expected_offered", Cut::InterviewExpectedOffered),
                    ];
                    let mut b = Binds::default();
                    let base = facts_where(filter, now, &mut b);
                    let facts = $crate::sql_impl::facts_from(filter, $engine);
                    let mut columns = vec!["COUNT(*) AS episodes".to_string()];
                    for (name, cut) in &sums {
                        let condition = cut_condition(Some(cut), now, &mut b).unwrap_or_default();
                        columns.push(format!("COALESCE({}, 0) AS {name}", counted(&condition)));
                    }
                    let sql = format!("SELECT {} FROM {facts} WHERE {base}", columns.join(", "));
                    if let Some(row) = self.fetch_generated(org, (sql, b.0)).await?.first() {
                        *p.cut_mut("episodes") = get(row, "episodes")?;
                        for (name, _) in &sums {
                            *p.cut_mut(name) = get(row, name)?;
                        }
                    }
                }
                // Counts by one text column.
                let by = |column: &'static str| async move {
                    let mut b = Binds::default();
                    let base = facts_where(filter, now, &mut b);
                    let facts = $crate::sql_impl::facts_from(filter, $engine);
                    let sql = format!(
                        "SELECT f.{column} AS k, COUNT(*) AS n FROM {facts} WHERE {base} \
                         AND f.{column} IS NOT NULL AND f.{column} <> '' GROUP BY f.{column}"
                    );
                    let rows = self.fetch_generated(org, (sql, b.0)).await?;
                    rows.iter()
                        .map(|r| Ok((r.try_get::<String, _>("k").map_err(Self::db_err)?, r.try_get::<i64, _>("n").map_err(Self::db_err)?)))
                        .collect::<$crate::StoreResult<Vec<(String, i64)>>>()
                };
                if tiles.contains(&Tile::Grades) {
                    p.grades = by("police_grade").await?;
                }
                if tiles.contains(&Tile::Headline) {
                    let mut b = Binds::default();
                    let base = facts_where(filter, now, &mut b);
                    let facts = $crate::sql_impl::facts_from(filter, $engine);
                    let sql = format!(
                        "SELECT f.decline_reason AS k, COUNT(*) AS n FROM {facts} WHERE {base} \
                         AND f.returned_at IS NOT NULL AND f.interview_declines > 0 \
                         AND f.decline_reason <> '' GROUP BY f.decline_reason"
                    );
                    for r in self.fetch_generated(org, (sql, b.0)).await? {
                        p.decline_reasons.push((
                            r.try_get("k").map_err(Self::db_err)?,
                            r.try_get("n").map_err(Self::db_err)?,
                        ));
                    }
                }
                if tiles.contains(&Tile::Places) {
                    p.last_seen_places = by("last_seen_place").await?;
                    p.found_towns = by("found_town").await?;
                    p.found_areas = by("found_police_area").await?;
                    p.last_seen_kinds = by("last_seen_kind").await?;
                    p.found_kinds = by("found_kind").await?;
                }
                if tiles.contains(&Tile::Risks) {
                    for (codes, n) in by("risks").await? {
                        for code in codes.split(',').filter(|c| !c.is_empty()) {
                            p.risks.push((code.to_string(), n));
                        }
                    }
                }
                if tiles.contains(&Tile::Grid) {
                    let mut b = Binds::default();
                    let base = facts_where(filter, now, &mut b);
                    let facts = $crate::sql_impl::facts_from(filter, $engine);
                    let sql = format!(
                        "SELECT f.start_weekday AS d, f.start_hour AS h, COUNT(*) AS n FROM {facts} \
                         WHERE {base} GROUP BY f.start_weekday, f.start_hour"
                    );
                    for r in self.fetch_generated(org, (sql, b.0)).await? {
                        let d: i64 = r.try_get("d").map_err(Self::db_err)?;
                        let h: i64 = r.try_get("h").map_err(Self::db_err)?;
                        let n: i64 = r.try_get("n").map_err(Self::db_err)?;
                        p.slots.push((u8::try_from(d).unwrap_or(0), u8::try_from(h).unwrap_or(0), n));
                    }
                }
                if tiles.contains(&Tile::Duties) {
                    let mut b = Binds::default();
                    let base = facts_where(filter, now, &mut b);
                    let facts = $crate::sql_impl::facts_from(filter, $engine);
                    let on_time = counted("d.status = 'done' AND (d.due_at IS NULL OR d.done_at IS NULL OR d.done_at <= d.due_at)");
                    let late = counted("d.status = 'done' AND d.due_at IS NOT NULL AND d.done_at > d.due_at");
                    let sql = format!(
                        "SELECT d.rule AS rule, COUNT(*) AS total, COALESCE({on_time}, 0) AS on_time, \
                         COALESCE({late}, 0) AS late FROM episode_duty_outcomes d \
                         JOIN {facts} ON f.episode_id = d.episode_id \
                         WHERE {base} AND d.status <> 'information' GROUP BY d.rule"
                    );
                    for r in self.fetch_generated(org, (sql, b.0)).await? {
                        p.duties.push($crate::DutyTimeliness {
                            rule: r.try_get("rule").map_err(Self::db_err)?,
                            total: get(&r, "total")?,
                            on_time: get(&r, "on_time")?,
                            late: get(&r, "late")?,
                            overdue: 0,
                            late_median_minutes: None,
                        });
                    }
                }
                if tiles.contains(&Tile::Durations) {
                    // A value's lower median: the middle one of those present, by one read.
                    let median = |column: &'static str| async move {
                        let mut b = Binds::default();
                        let base = facts_where(filter, now, &mut b);
                        let facts = $crate::sql_impl::facts_from(filter, $engine);
                        let sql = format!(
                            "SELECT COUNT(f.{column}) AS n FROM {facts} WHERE {base}"
                        );
                        let present = match self.fetch_generated(org, (sql, b.0)).await?.first() {
                            Some(r) => get(r, "n")?,
                            None => 0,
                        };
                        if present == 0 {
                            return Ok::<_, $crate::StoreError>(None);
                        }
                        let mut b = Binds::default();
                        let base = facts_where(filter, now, &mut b);
                        let facts = $crate::sql_impl::facts_from(filter, $engine);
                        let offset = b.push($crate::sql_impl::Bind::Int((present - 1) / 2));
                        let sql = format!(
                            "SELECT f.{column} AS m FROM {facts} WHERE {base} \
                             AND f.{column} IS NOT NULL ORDER BY f.{column} LIMIT 1 OFFSET {offset}"
                        );
                        let rows = self.fetch_generated(org, (sql, b.0)).await?;
                        Ok(match rows.first() {
                            Some(r) => r.try_get::<Option<i64>, _>("m").map_err(Self::db_err)?,
                            None => None,
                        })
                    };
                    // Rounded as the kept counts round them, so both ways agree.
                    let key = $crate::sql_impl::domain::rollup::median_key;
                    p.away_median_minutes = median("away_minutes").await?.map(key);
                    p.report_median_minutes = median("reported_after_minutes").await?.map(key);
                }
                if tiles.contains(&Tile::Duties) {
                    // How late the late ones were: read from the window's duty outcomes.
                    let mut b = Binds::default();
                    let base = facts_where(filter, now, &mut b);
                    let facts = $crate::sql_impl::facts_from(filter, $engine);
                    let late_condition = "d.status = 'done' AND d.due_at IS NOT NULL AND d.done_at > d.due_at";
                    let sql = format!(
                        // The window's facts first, then each one's duties (SQLite keeps a CROSS
                        // JOIN's order; otherwise it reads every duty in the window first).
                        "SELECT d.rule AS rule, d.done_at - d.due_at AS late FROM {facts} \
                         CROSS JOIN episode_duty_outcomes d WHERE f.episode_id = d.episode_id AND {base} \
                         AND {late_condition} AND d.org_id = $1 AND d.started_at = f.started_at"
                    );
                    let mut lateness = std::collections::BTreeMap::<String, Vec<i64>>::new();
                    for r in self.fetch_generated(org, (sql, b.0)).await? {
                        let rule: String = r.try_get("rule").map_err(Self::db_err)?;
                        let ms: i64 = r.try_get("late").map_err(Self::db_err)?;
                        lateness.entry(rule).or_default().push(ms / 60_000);
                    }
                    for d in &mut p.duties {
                        if let Some(list) = lateness.get_mut(&d.rule) {
                            list.sort_unstable();
                            d.late_median_minutes = list
                                .get((list.len() - 1) / 2)
                                .copied()
                                .map($crate::sql_impl::domain::rollup::median_key);
                        }
                    }
                }
                $crate::sql_impl::order_counts(&mut p);
                Ok(p)
            }

            /// Replaces an episode's facts and duty outcomes inside a write transaction.
            async fn write_learning(
                tx: &mut sqlx::Transaction<'_, $db>,
                summary: &$crate::EpisodeSummary,
                learning: &$crate::Learning,
            ) -> $crate::StoreResult<()> {
                let f = &learning.facts;
                // The organisation's counts lose what the old facts gave and gain the new.
                let old = Self::read_learning(&mut **tx, summary.org_id, summary.id).await?;
                // Most entries (a note, a call) change no fact and no duty: nothing to move.
                if old.as_ref() == Some(learning) {
                    return Ok(());
                }
                let mut deltas = $crate::sql_impl::domain::rollup::change(
                    summary.person_id,
                    old.as_ref().map(|o| (&o.facts, o.duties.as_slice())),
                    (f, learning.duties.as_slice()),
                );
                if old.as_ref().is_none_or(|o| $crate::sql_impl::domain::rollup::moves_firsts(&o.facts, f)) {
                    let link = $crate::sql_impl::domain::rollup::Link::of(summary.id, f);
                    Self::firsts_change(tx, summary.org_id, &[(summary.person_id, link)], &mut deltas).await?;
                }
                Self::apply_rollups(tx, summary.org_id, &deltas).await?;
                for sql in [
                    "DELETE FROM episode_facts WHERE episode_id = $1",
                    "DELETE FROM episode_duty_outcomes WHERE episode_id = $1",
                ] {
                    sqlx::query(sql).bind(summary.id.0).execute(&mut **tx).await.map_err(Self::db_err)?;
                }
                Self::insert_facts(tx, &[(summary, f)]).await?;
                let duties: Vec<_> = learning.duties.iter().map(|d| (summary, f, d)).collect();
                Self::insert_duty_outcomes(tx, &duties).await
            }

            /// Episodes' facts and duty outcomes as loaded in bulk, without their counts.
            async fn insert_learning(
                tx: &mut sqlx::Transaction<'_, $db>,
                rows: &[($crate::EpisodeSummary, $crate::Learning)],
            ) -> $crate::StoreResult<()> {
                let facts: Vec<_> = rows.iter().map(|(e, l)| (e, &l.facts)).collect();
                Self::insert_facts(tx, &facts).await?;
                let duties: Vec<_> = rows
                    .iter()
                    .flat_map(|(e, l)| l.duties.iter().map(move |d| (e, &l.facts, d)))
                    .collect();
                Self::insert_duty_outcomes(tx, &duties).await
            }

            /// Duty outcomes, many rows to a statement.
            async fn insert_duty_outcomes(
                tx: &mut sqlx::Transaction<'_, $db>,
                duties: &[(
                    &$crate::EpisodeSummary,
                    &$crate::sql_impl::domain::learning::EpisodeFacts,
                    &$crate::sql_impl::domain::learning::DutyOutcome,
                )],
            ) -> $crate::StoreResult<()> {
                const ROWS: usize = 400;
                for chunk in duties.chunks(ROWS) {
                    let sql = $crate::sql_impl::multi_insert(
                        "INSERT INTO episode_duty_outcomes (episode_id, rule, org_id, service_id, \
                         started_at, due_at, done_at, status) VALUES ",
                        8,
                        chunk.len(),
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for (e, f, d) in chunk {
                        q = q
                            .bind(e.id.0)
                            .bind(d.rule.clone())
                            .bind(e.org_id.0)
                            .bind(e.service_id.0)
                            .bind(Self::ms(f.started_at))
                            .bind(d.due_at.map(Self::ms))
                            .bind(d.done_at.map(Self::ms))
                            .bind(d.status.clone());
                    }
                    q.execute(&mut **tx).await.map_err(Self::db_err)?;
                }
                Ok(())
            }

            /// What the `first_` counts of the people of `links` gain and lose when each of
            /// those episodes is written as given (replacing what is stored for it, if
            /// anything), read from the people's episodes as stored before the write.
            async fn firsts_change(
                tx: &mut sqlx::Transaction<'_, $db>,
                org: $crate::sql_impl::domain::ids::OrgId,
                links: &[($crate::sql_impl::domain::ids::PersonId, $crate::sql_impl::domain::rollup::Link)],
                deltas: &mut $crate::sql_impl::domain::rollup::Deltas,
            ) -> $crate::StoreResult<()> {
                use sqlx::Row as _;
                use $crate::sql_impl::domain::{ids::{EpisodeId, PersonId}, rollup};
                let mut people = std::collections::BTreeMap::<PersonId, (Vec<rollup::Link>, Vec<rollup::Link>)>::new();
                for (person, link) in links {
                    people.entry(*person).or_default().1.push(link.clone());
                }
                let ids: Vec<PersonId> = people.keys().copied().collect();
                for chunk in ids.chunks(500) {
                    let marks: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
                    let sql = format!(
                        "SELECT person_id, episode_id, started_at, start_day, risks, phase FROM episode_facts \
                         WHERE org_id = $1 AND person_id IN ({})",
                        marks.join(", ")
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org.0);
                    for p in chunk {
                        q = q.bind(p.0);
                    }
                    for row in q.fetch_all(&mut **tx).await.map_err(Self::db_err)? {
                        let person = PersonId(row.try_get("person_id").map_err(Self::db_err)?);
                        let day: String = row.try_get("start_day").map_err(Self::db_err)?;
                        let phase: String = row.try_get("phase").map_err(Self::db_err)?;
                        let link = rollup::Link {
                            episode: EpisodeId(row.try_get("episode_id").map_err(Self::db_err)?),
                            started_at: row.try_get("started_at").map_err(Self::db_err)?,
                            start_day: day.parse().map_err(|_| $crate::StoreError::Internal(format!("a stored day is not a date: {day}")))?,
                            risks: row.try_get("risks").map_err(Self::db_err)?,
                            in_error: phase == "recorded_in_error",
                        };
                        if let Some(p) = people.get_mut(&person) {
                            p.0.push(link);
                        }
                    }
                }
                for (stored, written) in people.into_values() {
                    let mut after: Vec<rollup::Link> = stored
                        .iter()
                        .filter(|l| !written.iter().any(|w| w.episode == l.episode))
                        .cloned()
                        .collect();
                    after.extend(written);
                    rollup::change_firsts(deltas, &stored, &after);
                }
                Ok(())
            }

            /// An episode's facts for learning as stored, if any.
            async fn read_learning(
                conn: &mut <$db as sqlx::Database>::Connection,
                org: $crate::sql_impl::domain::ids::OrgId,
                episode: $crate::sql_impl::domain::ids::EpisodeId,
            ) -> $crate::StoreResult<Option<$crate::Learning>> {
                let row = sqlx::query("SELECT * FROM episode_facts WHERE org_id = $1 AND episode_id = $2")
                    .bind(org.0)
                    .bind(episode.0)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(Self::db_err)?;
                let Some(row) = row else { return Ok(None) };
                let facts = Self::row_facts(&row)?;
                let rows = sqlx::query(
                    "SELECT rule, due_at, done_at, status FROM episode_duty_outcomes \
                     WHERE episode_id = $1 ORDER BY rule",
                )
                .bind(episode.0)
                .fetch_all(&mut *conn)
                .await
                .map_err(Self::db_err)?;
                let duties = rows.iter().map(Self::row_duty_outcome).collect::<$crate::StoreResult<Vec<_>>>()?;
                Ok(Some($crate::Learning { facts, duties }))
            }

            /// How a grant or an inspection ended early, from its `x_` columns, if it did.
            /// Rows per table and the audit head, through one connection (a transaction, or a
            /// connection to a copy).
            async fn contents_of(
                conn: &mut <$db as sqlx::Database>::Connection,
            ) -> $crate::StoreResult<$crate::Contents> {
                use sqlx::Row as _;
                let names: Vec<String> = sqlx::query(Self::LIST_TABLES)
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(Self::db_err)?
                    .iter()
                    .map(|r| r.try_get("name").map_err(Self::db_err))
                    .collect::<$crate::StoreResult<_>>()?;
                let mut tables = std::collections::BTreeMap::new();
                for name in names {
                    // The names come from the catalogue, not from anyone's input.
                    let n: i64 = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM \"{name}\"")))
                        .fetch_one(&mut *conn)
                        .await
                        .map_err(Self::db_err)?
                        .try_get("n")
                        .map_err(Self::db_err)?;
                    tables.insert(name, n);
                }
                let head = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(Self::db_err)?;
                let audit_head = head
                    .map(|r| -> $crate::StoreResult<(i64, String)> {
                        Ok((r.try_get("seq").map_err(Self::db_err)?, r.try_get("hash").map_err(Self::db_err)?))
                    })
                    .transpose()?;
                Ok($crate::Contents { tables, audit_head })
            }

            fn row_ending(r: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<Option<$crate::GrantEnding>> {
                use sqlx::Row as _;
                let Some(at) = r.try_get::<Option<i64>, _>("x_ended_at").map_err(Self::db_err)? else {
                    return Ok(None);
                };
                Ok(Some($crate::GrantEnding {
                    at: Self::at(at),
                    by: r
                        .try_get::<Option<$crate::sql_impl::uuid::Uuid>, _>("x_ended_by")
                        .map_err(Self::db_err)?
                        .map($crate::sql_impl::domain::ids::UserId),
                    by_label: r.try_get::<Option<String>, _>("x_ended_by_label").map_err(Self::db_err)?.unwrap_or_default(),
                    reason: r.try_get::<Option<String>, _>("x_reason").map_err(Self::db_err)?.unwrap_or_default(),
                }))
            }

            fn row_inspection(r: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::Inspection> {
                use sqlx::Row as _;
                use $crate::sql_impl::domain::ids::{OrgId, ServiceId, UserId};
                Ok($crate::Inspection {
                    id: r.try_get("id").map_err(Self::db_err)?,
                    org_id: OrgId(r.try_get("org_id").map_err(Self::db_err)?),
                    inspectorate_id: OrgId(r.try_get("inspectorate_id").map_err(Self::db_err)?),
                    service_id: r.try_get::<Option<$crate::sql_impl::uuid::Uuid>, _>("service_id").map_err(Self::db_err)?.map(ServiceId),
                    reference: r.try_get("reference").map_err(Self::db_err)?,
                    granted_by: r.try_get::<Option<$crate::sql_impl::uuid::Uuid>, _>("granted_by").map_err(Self::db_err)?.map(UserId),
                    granted_by_label: r.try_get("granted_by_label").map_err(Self::db_err)?,
                    granted_at: Self::at(r.try_get("granted_at").map_err(Self::db_err)?),
                    ends_at: Self::at(r.try_get("ends_at").map_err(Self::db_err)?),
                    ended: Self::row_ending(r)?,
                })
            }

            fn row_grant(r: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::Grant> {
                use sqlx::Row as _;
                use $crate::sql_impl::domain::ids::{EpisodeId, OrgId, PersonId, UserId};
                let sections: String = r.try_get("sections").map_err(Self::db_err)?;
                Ok($crate::Grant {
                    id: r.try_get("id").map_err(Self::db_err)?,
                    org_id: OrgId(r.try_get("org_id").map_err(Self::db_err)?),
                    partner_org_id: OrgId(r.try_get("partner_org_id").map_err(Self::db_err)?),
                    person_id: PersonId(r.try_get("person_id").map_err(Self::db_err)?),
                    episode_id: r.try_get::<Option<$crate::sql_impl::uuid::Uuid>, _>("episode_id").map_err(Self::db_err)?.map(EpisodeId),
                    purpose: r.try_get("purpose").map_err(Self::db_err)?,
                    reason: r.try_get("reason").map_err(Self::db_err)?,
                    sections: sections.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
                    granted_by: r.try_get::<Option<$crate::sql_impl::uuid::Uuid>, _>("granted_by").map_err(Self::db_err)?.map(UserId),
                    granted_by_label: r.try_get("granted_by_label").map_err(Self::db_err)?,
                    granted_at: Self::at(r.try_get("granted_at").map_err(Self::db_err)?),
                    ends_at: Self::at(r.try_get("ends_at").map_err(Self::db_err)?),
                    disclosure_id: r.try_get("disclosure_id").map_err(Self::db_err)?,
                    ended: Self::row_ending(r)?,
                })
            }

            /// Ends, inside a write transaction, the organisation's grants whose `column` (the
            /// grant's or its episode's id) is `id` and that have not ended yet. Returns how many.
            async fn end_grants(
                tx: &mut sqlx::Transaction<'_, $db>,
                org: $crate::sql_impl::domain::ids::OrgId,
                column: &'static str,
                id: $crate::sql_impl::uuid::Uuid,
                ending: &$crate::GrantEnding,
            ) -> $crate::StoreResult<u64> {
                // `column` is one of two fixed names; values are bound.
                let sql = format!(
                    "INSERT INTO access_grant_endings (grant_id, ended_at, ended_by, ended_by_label, reason) \
                     SELECT g.id, $3, $4, $5, $6 FROM access_grants g WHERE {column} = $2 AND g.org_id = $1 \
                     AND g.ends_at > $3 AND NOT EXISTS (SELECT 1 FROM access_grant_endings x WHERE x.grant_id = g.id)"
                );
                let done = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(org.0)
                    .bind(id)
                    .bind(Self::ms(ending.at))
                    .bind(ending.by.map(|u| u.0))
                    .bind(&ending.by_label)
                    .bind(&ending.reason)
                    .execute(&mut **tx)
                    .await
                    .map_err(Self::db_err)?;
                Ok(done.rows_affected())
            }

            /// Writes one disclosure inside a write transaction: only about the organisation's
            /// own person.
            async fn insert_disclosure(
                tx: &mut sqlx::Transaction<'_, $db>,
                r: &$crate::DisclosureRecord,
            ) -> $crate::StoreResult<()> {
                {
                    let d = &r.disclosure;
                    sqlx::query(
                        "INSERT INTO disclosures (id, org_id, service_id, person_id, shared_at, shared_offset_seconds, \
                         recorded_at, decided_by, decided_by_label, kind, what, recipient, purpose, lawful_basis, \
                         condition, consent, concern, told_person) \
                         SELECT $1, p.org_id, p.service_id, p.id, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17 \
                         FROM people p WHERE p.id = $3 AND p.org_id = $2",
                    )
                    .bind(r.id)
                    .bind(r.org_id.0)
                    .bind(r.person_id.0)
                    .bind(Self::ms(r.shared.at))
                    .bind(i64::from(r.shared.offset_seconds))
                    .bind(Self::ms(r.recorded_at))
                    .bind(r.decided_by.map(|u| u.0))
                    .bind(&r.decided_by_label)
                    .bind(&r.kind)
                    .bind(&d.what)
                    .bind(&d.recipient)
                    .bind(&d.purpose)
                    .bind(&d.lawful_basis)
                    .bind(&d.condition)
                    .bind(&d.consent)
                    .bind(&d.concern)
                    .bind(&d.told_person)
                    .execute(&mut **tx)
                    .await
                    .map_err(Self::db_err)
                    .and_then(|done| {
                        if done.rows_affected() == 1 {
                            Ok(())
                        } else {
                            Err($crate::StoreError::Conflict("no such person in this organisation"))
                        }
                    })?;
                }
                Ok(())
            }

            fn row_duty_outcome(
                r: &<$db as sqlx::Database>::Row,
            ) -> $crate::StoreResult<$crate::sql_impl::domain::learning::DutyOutcome> {
                use sqlx::Row as _;
                Ok($crate::sql_impl::domain::learning::DutyOutcome {
                    rule: r.try_get("rule").map_err(Self::db_err)?,
                    due_at: r.try_get::<Option<i64>, _>("due_at").map_err(Self::db_err)?.map(Self::at),
                    done_at: r.try_get::<Option<i64>, _>("done_at").map_err(Self::db_err)?.map(Self::at),
                    status: r.try_get("status").map_err(Self::db_err)?,
                })
            }

            /// Adds changes to an organisation's counts, many to a statement; a count that
            /// comes to nothing is removed, so the table holds what a rebuild would.
            async fn apply_rollups(
                tx: &mut sqlx::Transaction<'_, $db>,
                org: $crate::sql_impl::domain::ids::OrgId,
                deltas: &$crate::sql_impl::domain::rollup::Deltas,
            ) -> $crate::StoreResult<()> {
                const ROWS: usize = 150;
                let rows: Vec<_> = deltas.iter().filter(|(_, n)| **n != 0).collect();
                for chunk in rows.chunks(ROWS) {
                    let mut sql = $crate::sql_impl::multi_insert(
                        "INSERT INTO pattern_rollups (org_id, grain, period, figure, key, n) VALUES ",
                        6,
                        chunk.len(),
                    );
                    sql += " ON CONFLICT (org_id, figure, grain, period, key) \
                            DO UPDATE SET n = pattern_rollups.n + excluded.n";
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for (c, n) in chunk {
                        q = q.bind(org.0).bind(c.grain.as_str()).bind(c.period).bind(c.figure).bind(c.key.clone()).bind(**n);
                    }
                    q.execute(&mut **tx).await.map_err(Self::db_err)?;
                }
                for (c, _) in rows.iter().filter(|(_, n)| **n < 0) {
                    sqlx::query(
                        "DELETE FROM pattern_rollups WHERE org_id = $1 AND grain = $2 AND period = $3 \
                         AND figure = $4 AND key = $5 AND n = 0",
                    )
                    .bind(org.0)
                    .bind(c.grain.as_str())
                    .bind(c.period)
                    .bind(c.figure)
                    .bind(c.key.clone())
                    .execute(&mut **tx)
                    .await
                    .map_err(Self::db_err)?;
                }
                Ok(())
            }

            /// Writes episodes' facts, many to a statement.
            async fn insert_facts(
                tx: &mut sqlx::Transaction<'_, $db>,
                rows: &[(&$crate::EpisodeSummary, &$crate::sql_impl::domain::learning::EpisodeFacts)],
            ) -> $crate::StoreResult<()> {
                const ROWS: usize = 400;
                for chunk in rows.chunks(ROWS) {
                    let sql = $crate::sql_impl::multi_insert(
                        "INSERT INTO episode_facts (episode_id, org_id, service_id, person_id, started_at, \
                         start_day, start_weekday, start_hour, episode_number, found_at, away_minutes, \
                         reported_after_minutes, police_grade, last_seen_place, found_place, found_town, \
                         found_police_area, returned_at, interview, interview_first_offered_at, \
                         interview_offers, interview_declines, risks, phase, previous_return_at, \
                         over_threshold, interview_expected, decline_reason, last_seen_kind, found_kind) VALUES ",
                        30,
                        chunk.len(),
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for (e, f) in chunk {
                        q = q
                            .bind(e.id.0)
                            .bind(e.org_id.0)
                            .bind(e.service_id.0)
                            .bind(e.person_id.0)
                            .bind(Self::ms(f.started_at))
                            .bind(f.start_day.to_string())
                            .bind(i64::from(f.start_weekday))
                            .bind(i64::from(f.start_hour))
                            .bind(f.episode_number)
                            .bind(f.found_at.map(Self::ms))
                            .bind(f.away_minutes)
                            .bind(f.reported_after_minutes)
                            .bind(f.police_grade.clone())
                            .bind(f.last_seen_place.clone())
                            .bind(f.found_place.clone())
                            .bind(f.found_town.clone())
                            .bind(f.found_police_area.clone())
                            .bind(f.returned_at.map(Self::ms))
                            .bind(f.interview.clone())
                            .bind(f.interview_first_offered_at.map(Self::ms))
                            .bind(f.interview_offers)
                            .bind(f.interview_declines)
                            .bind(f.risks.clone())
                            .bind(f.phase.clone())
                            .bind(f.previous_return_at.map(Self::ms))
                            .bind(i64::from(f.over_threshold))
                            .bind(i64::from(f.interview_expected))
                            .bind(f.decline_reason.clone())
                            .bind(f.last_seen_kind.clone())
                            .bind(f.found_kind.clone());
                    }
                    q.execute(&mut **tx).await.map_err(Self::db_err)?;
                }
                Ok(())
            }

            fn row_facts(
                row: &<$db as sqlx::Database>::Row,
            ) -> $crate::StoreResult<$crate::sql_impl::domain::learning::EpisodeFacts> {
                use sqlx::Row as _;
                let at = |name: &str| -> $crate::StoreResult<Option<$crate::sql_impl::jiff::Timestamp>> {
                    Ok(row.try_get::<Option<i64>, _>(name).map_err(Self::db_err)?.map(Self::at))
                };
                let day: String = row.try_get("start_day").map_err(Self::db_err)?;
                let weekday: i64 = row.try_get("start_weekday").map_err(Self::db_err)?;
                let hour: i64 = row.try_get("start_hour").map_err(Self::db_err)?;
                Ok($crate::sql_impl::domain::learning::EpisodeFacts {
                    started_at: Self::at(row.try_get("started_at").map_err(Self::db_err)?),
                    start_day: $crate::sql_impl::date(&day)?,
                    start_weekday: u8::try_from(weekday).unwrap_or(0),
                    start_hour: u8::try_from(hour).unwrap_or(0),
                    episode_number: row.try_get("episode_number").map_err(Self::db_err)?,
                    found_at: at("found_at")?,
                    away_minutes: row.try_get("away_minutes").map_err(Self::db_err)?,
                    reported_after_minutes: row.try_get("reported_after_minutes").map_err(Self::db_err)?,
                    police_grade: row.try_get("police_grade").map_err(Self::db_err)?,
                    last_seen_place: row.try_get("last_seen_place").map_err(Self::db_err)?,
                    found_place: row.try_get("found_place").map_err(Self::db_err)?,
                    found_town: row.try_get("found_town").map_err(Self::db_err)?,
                    found_police_area: row.try_get("found_police_area").map_err(Self::db_err)?,
                    returned_at: at("returned_at")?,
                    interview: row.try_get("interview").map_err(Self::db_err)?,
                    interview_first_offered_at: at("interview_first_offered_at")?,
                    interview_offers: row.try_get("interview_offers").map_err(Self::db_err)?,
                    interview_declines: row.try_get("interview_declines").map_err(Self::db_err)?,
                    risks: row.try_get("risks").map_err(Self::db_err)?,
                    previous_return_at: at("previous_return_at")?,
                    phase: row.try_get("phase").map_err(Self::db_err)?,
                    over_threshold: row.try_get::<i64, _>("over_threshold").map_err(Self::db_err)? != 0,
                    interview_expected: row.try_get::<i64, _>("interview_expected").map_err(Self::db_err)? != 0,
                    decline_reason: row.try_get("decline_reason").map_err(Self::db_err)?,
                    last_seen_kind: row.try_get("last_seen_kind").map_err(Self::db_err)?,
                    found_kind: row.try_get("found_kind").map_err(Self::db_err)?,
                })
            }

            /// A generated list of people, its reading audited first (nothing is shown if the
            /// audit record cannot be written); nothing at all when it can find no one.
            async fn audited_people(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                empty: bool,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
                query: (String, Vec<$crate::sql_impl::Bind>),
            ) -> $crate::StoreResult<Vec<$crate::Person>> {
                if empty {
                    return Ok(Vec::new());
                }
                $crate::Store::record_audit(self, audit).await?;
                let rows = self.fetch_generated(org, query).await?;
                rows.iter().map(Self::row_person).collect()
            }

            /// Runs a generated query and hands each row to `each` as it arrives, so a long
            /// window is never held in memory as rows.
            async fn each_generated(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                (sql, binds): (String, Vec<$crate::sql_impl::Bind>),
                mut each: impl FnMut(&<$db as sqlx::Database>::Row) -> $crate::StoreResult<()>,
            ) -> $crate::StoreResult<()> {
                use $crate::sql_impl::futures_util::TryStreamExt as _;
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org.0);
                for b in binds {
                    q = match b {
                        $crate::sql_impl::Bind::Id(u) => q.bind(u),
                        $crate::sql_impl::Bind::Int(n) => q.bind(n),
                        $crate::sql_impl::Bind::Text(t) => q.bind(t),
                        $crate::sql_impl::Bind::Bool(v) => q.bind(v),
                    };
                }
                let mut rows = q.fetch(self.reader());
                while let Some(row) = rows.try_next().await.map_err(Self::db_err)? {
                    each(&row)?;
                }
                Ok(())
            }

            fn row_service(row: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::Service> {
                use sqlx::Row as _;
                let kind: String = row.try_get("kind").map_err(Self::db_err)?;
                Ok($crate::Service {
                    id: $crate::sql_impl::domain::ids::ServiceId(row.try_get("id").map_err(Self::db_err)?),
                    org_id: $crate::sql_impl::domain::ids::OrgId(row.try_get("org_id").map_err(Self::db_err)?),
                    name: row.try_get("name").map_err(Self::db_err)?,
                    kind: $crate::sql_impl::service_kind(&kind)?,
                    registration_number: row.try_get("registration_number").map_err(Self::db_err)?,
                    created_at: Self::at(row.try_get("created_at").map_err(Self::db_err)?),
                })
            }

            fn row_user(row: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::User> {
                use sqlx::Row as _;
                Ok($crate::User {
                    id: $crate::sql_impl::domain::ids::UserId(row.try_get("id").map_err(Self::db_err)?),
                    org_id: $crate::sql_impl::domain::ids::OrgId(row.try_get("org_id").map_err(Self::db_err)?),
                    email: row.try_get("email").map_err(Self::db_err)?,
                    display_name: row.try_get("display_name").map_err(Self::db_err)?,
                    active: row.try_get("active").map_err(Self::db_err)?,
                    created_at: Self::at(row.try_get("created_at").map_err(Self::db_err)?),
                })
            }

            fn row_audit(
                row: &<$db as sqlx::Database>::Row,
            ) -> $crate::StoreResult<$crate::sql_impl::domain::audit::AuditRecord> {
                use sqlx::Row as _;
                use $crate::sql_impl::domain::ids::{OrgId, UserId};
                let org: Option<$crate::sql_impl::uuid::Uuid> = row.try_get("org_id").map_err(Self::db_err)?;
                let actor: Option<$crate::sql_impl::uuid::Uuid> = row.try_get("actor_id").map_err(Self::db_err)?;
                let outcome: String = row.try_get("outcome").map_err(Self::db_err)?;
                Ok($crate::sql_impl::domain::audit::AuditRecord {
                    seq: row.try_get("seq").map_err(Self::db_err)?,
                    event: $crate::sql_impl::domain::audit::AuditEvent {
                        at: Self::at(row.try_get("at").map_err(Self::db_err)?),
                        org_id: org.map(OrgId),
                        actor: actor.map(UserId),
                        actor_label: row.try_get("actor_label").map_err(Self::db_err)?,
                        action: row.try_get("action").map_err(Self::db_err)?,
                        resource_kind: row.try_get("resource_kind").map_err(Self::db_err)?,
                        resource_id: row.try_get("resource_id").map_err(Self::db_err)?,
                        outcome: $crate::sql_impl::outcome(&outcome)?,
                        ip: row.try_get("ip").map_err(Self::db_err)?,
                    },
                    seal: {
                        let episode: Option<$crate::sql_impl::uuid::Uuid> =
                            row.try_get("sealed_episode").map_err(Self::db_err)?;
                        let entry: Option<i64> = row.try_get("sealed_seq").map_err(Self::db_err)?;
                        let digest: Option<String> = row.try_get("sealed_digest").map_err(Self::db_err)?;
                        match (episode, entry, digest) {
                            (Some(episode), Some(entry), Some(digest)) => {
                                Some($crate::sql_impl::domain::audit::Seal { episode, entry, digest })
                            }
                            _ => None,
                        }
                    },
                    prev_hash: row.try_get("prev_hash").map_err(Self::db_err)?,
                    hash: row.try_get("hash").map_err(Self::db_err)?,
                })
            }

            fn row_person(row: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::Person> {
                use sqlx::Row as _;
                use $crate::sql_impl::domain::ids::{OrgId, PersonId, ServiceId};
                let kind: String = row.try_get("kind").map_err(Self::db_err)?;
                let dob: Option<String> = row.try_get("date_of_birth").map_err(Self::db_err)?;
                let age: Option<i64> = row.try_get("estimated_age").map_err(Self::db_err)?;
                Ok($crate::Person {
                    id: PersonId(row.try_get("id").map_err(Self::db_err)?),
                    org_id: OrgId(row.try_get("org_id").map_err(Self::db_err)?),
                    service_id: ServiceId(row.try_get("service_id").map_err(Self::db_err)?),
                    given_name: row.try_get("given_name").map_err(Self::db_err)?,
                    family_name: row.try_get("family_name").map_err(Self::db_err)?,
                    kind: $crate::sql_impl::person_kind(&kind)?,
                    date_of_birth: dob.as_deref().map($crate::sql_impl::date).transpose()?,
                    estimated_age: age.and_then(|a| i16::try_from(a).ok()),
                    created_at: Self::at(row.try_get("created_at").map_err(Self::db_err)?),
                })
            }

            /// Loads the roles of the given users, in one query.
            async fn with_roles(
                &self,
                users: Vec<$crate::User>,
            ) -> $crate::StoreResult<Vec<$crate::UserWithRoles>> {
                use sqlx::Row as _;
                if users.is_empty() {
                    return Ok(Vec::new());
                }
                let sql = format!(
                    "SELECT user_id, role, service_id FROM memberships WHERE user_id IN ({}) \
                     ORDER BY role, service_id",
                    $crate::sql_impl::placeholders(1, users.len())
                );
                // Only generated placeholders are interpolated; the values are bound.
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for u in &users {
                    q = q.bind(u.id.0);
                }
                let rows = q.fetch_all(self.reader()).await.map_err(Self::db_err)?;
                let mut out: Vec<$crate::UserWithRoles> = users
                    .into_iter()
                    .map(|user| $crate::UserWithRoles { user, memberships: Vec::new() })
                    .collect();
                for row in rows {
                    let user_id: $crate::sql_impl::uuid::Uuid = row.try_get("user_id").map_err(Self::db_err)?;
                    let role: String = row.try_get("role").map_err(Self::db_err)?;
                    let service: Option<$crate::sql_impl::uuid::Uuid> =
                        row.try_get("service_id").map_err(Self::db_err)?;
                    if let Some(u) = out.iter_mut().find(|u| u.user.id.0 == user_id) {
                        u.memberships.push($crate::Membership {
                            role: $crate::sql_impl::role(&role)?,
                            service_id: service.map($crate::sql_impl::domain::ids::ServiceId),
                        });
                    }
                }
                Ok(out)
            }

            /// The memberships of one user read with a `LEFT JOIN memberships m` (columns
            /// `m_role`, `m_service_id`): a row each, or one row of nulls when they have none.
            /// Signing in a request reads the user and their roles in the same query this way.
            fn joined_memberships(
                rows: &[<$db as sqlx::Database>::Row],
            ) -> $crate::StoreResult<Vec<$crate::Membership>> {
                use sqlx::Row as _;
                let mut out = Vec::new();
                for row in rows {
                    let Some(role) = row.try_get::<Option<String>, _>("m_role").map_err(Self::db_err)? else {
                        continue;
                    };
                    let service: Option<$crate::sql_impl::uuid::Uuid> =
                        row.try_get("m_service_id").map_err(Self::db_err)?;
                    out.push($crate::Membership {
                        role: $crate::sql_impl::role(&role)?,
                        service_id: service.map($crate::sql_impl::domain::ids::ServiceId),
                    });
                }
                Ok(out)
            }

            async fn insert_memberships(
                tx: &mut sqlx::Transaction<'_, $db>,
                user: $crate::sql_impl::domain::ids::UserId,
                memberships: &[$crate::Membership],
            ) -> $crate::StoreResult<()> {
                for m in memberships {
                    sqlx::query("INSERT INTO memberships (id, user_id, role, service_id) VALUES ($1, $2, $3, $4)")
                        .bind($crate::sql_impl::uuid::Uuid::new_v4())
                        .bind(user.0)
                        .bind(m.role.code())
                        .bind(m.service_id.map(|s| s.0))
                        .execute(&mut **tx)
                        .await
                        .map_err(Self::db_err)?;
                }
                Ok(())
            }

            async fn insert_person(
                tx: &mut sqlx::Transaction<'_, $db>,
                p: &$crate::Person,
            ) -> $crate::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO people (id, org_id, service_id, given_name, family_name, kind, \
                     date_of_birth, estimated_age, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(p.id.0)
                .bind(p.org_id.0)
                .bind(p.service_id.0)
                .bind(&p.given_name)
                .bind(&p.family_name)
                .bind(p.kind.code())
                .bind(p.date_of_birth.map(|d| d.to_string()))
                .bind(p.estimated_age.map(i64::from))
                .bind(Self::ms(p.created_at))
                .execute(&mut **tx)
                .await
                .map_err(Self::db_err)?;
                Ok(())
            }

            /// Inserts a chronology entry and hands back the seal of what was stored.
            async fn insert_episode_event(
                tx: &mut sqlx::Transaction<'_, $db>,
                episode: $crate::sql_impl::domain::ids::EpisodeId,
                e: &$crate::sql_impl::domain::episode::EventRecord,
            ) -> $crate::StoreResult<$crate::sql_impl::domain::audit::Seal> {
                let body = $crate::sql_impl::encode_event(&e.event)?;
                let stored = $crate::sql_impl::domain::audit::StoredEntry {
                    episode: episode.0,
                    seq: e.seq,
                    kind: e.event.kind(),
                    occurred_ms: Self::ms(e.when.at),
                    offset_seconds: i64::from(e.when.offset_seconds),
                    recorded_ms: Self::ms(e.recorded_at),
                    recorded_by: e.recorded_by.map(|u| u.0),
                    recorded_by_label: &e.recorded_by_label,
                    body: &body,
                };
                sqlx::query(
                    "INSERT INTO episode_events (episode_id, seq, kind, occurred_at, occurred_offset_seconds, \
                     recorded_at, recorded_by, recorded_by_label, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(episode.0)
                .bind(e.seq)
                .bind(e.event.kind())
                .bind(Self::ms(e.when.at))
                .bind(i64::from(e.when.offset_seconds))
                .bind(Self::ms(e.recorded_at))
                .bind(e.recorded_by.map(|u| u.0))
                .bind(&e.recorded_by_label)
                .bind(&body)
                .execute(&mut **tx)
                .await
                .map_err(Self::db_err)?;
                Ok(stored.seal())
            }

            fn row_episode(row: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::EpisodeSummary> {
                use sqlx::Row as _;
                let open: i64 = row.try_get("is_open").map_err(Self::db_err)?;
                let seen: Option<i64> = row.try_get("last_seen_at").map_err(Self::db_err)?;
                Ok($crate::EpisodeSummary {
                    id: $crate::sql_impl::domain::ids::EpisodeId(row.try_get("id").map_err(Self::db_err)?),
                    org_id: $crate::sql_impl::domain::ids::OrgId(row.try_get("org_id").map_err(Self::db_err)?),
                    service_id: $crate::sql_impl::domain::ids::ServiceId(row.try_get("service_id").map_err(Self::db_err)?),
                    person_id: $crate::sql_impl::domain::ids::PersonId(row.try_get("person_id").map_err(Self::db_err)?),
                    phase: row.try_get("phase").map_err(Self::db_err)?,
                    is_open: open == 1,
                    opened_at: Self::at(row.try_get("opened_at").map_err(Self::db_err)?),
                    last_seen_at: seen.map(Self::at),
                    police_grade: row.try_get("police_grade").map_err(Self::db_err)?,
                    last_event_seq: row.try_get("last_event_seq").map_err(Self::db_err)?,
                    last_event_kind: row.try_get("last_event_kind").map_err(Self::db_err)?,
                    last_event_at: Self::at(row.try_get("last_event_at").map_err(Self::db_err)?),
                    schedule: $crate::Schedule {
                        next_duty_rule: row.try_get("next_duty_rule").map_err(Self::db_err)?,
                        next_duty_due_at: row
                            .try_get::<Option<i64>, _>("next_duty_due_at")
                            .map_err(Self::db_err)?
                            .map(Self::at),
                        waiting_pages: row.try_get("waiting_pages").map_err(Self::db_err)?,
                        next_check_at: row
                            .try_get::<Option<i64>, _>("next_check_at")
                            .map_err(Self::db_err)?
                            .map(Self::at),
                        paging_failed_since: row
                            .try_get::<Option<i64>, _>("paging_failed_since")
                            .map_err(Self::db_err)?
                            .map(Self::at),
                    },
                })
            }

            /// Writes an entry, the summary it leads to and its emails (each queued), inside
            /// a write transaction. The summary moves only from the entry before this one: a
            /// stale writer (whose entry number is taken) changes nothing.
            async fn write_append(
                tx: &mut sqlx::Transaction<'_, $db>,
                summary: &$crate::EpisodeSummary,
                event: &$crate::sql_impl::domain::episode::EventRecord,
                mail: &[$crate::OutboxMessage],
                learning: Option<&$crate::Learning>,
            ) -> $crate::StoreResult<$crate::sql_impl::domain::audit::Seal> {
                let s = &summary.schedule;
                let moved = sqlx::query(
                    "UPDATE episodes SET phase = $1, is_open = $2, last_seen_at = $3, police_grade = $4, \
                     last_event_seq = $5, last_event_kind = $6, last_event_at = $7, next_duty_rule = $8, \
                     next_duty_due_at = $9, waiting_pages = $10, next_check_at = $11 \
                     WHERE id = $12 AND org_id = $13 AND last_event_seq = $14",
                )
                .bind(&summary.phase)
                .bind(i64::from(summary.is_open))
                .bind(summary.last_seen_at.map(Self::ms))
                .bind(&summary.police_grade)
                .bind(summary.last_event_seq)
                .bind(&summary.last_event_kind)
                .bind(Self::ms(summary.last_event_at))
                .bind(&s.next_duty_rule)
                .bind(s.next_duty_due_at.map(Self::ms))
                .bind(s.waiting_pages)
                .bind(s.next_check_at.map(Self::ms))
                .bind(summary.id.0)
                .bind(summary.org_id.0)
                .bind(event.seq - 1)
                .execute(&mut **tx)
                .await
                .map_err(Self::db_err)?;
                if moved.rows_affected() != 1 || event.seq != summary.last_event_seq {
                    return Err($crate::StoreError::Conflict("a newer event was recorded first"));
                }
                let seal = Self::insert_episode_event(tx, summary.id, event).await?;
                for m in mail {
                    Self::queue_mail(tx, m).await?;
                }
                if let Some(learning) = learning {
                    Self::write_learning(tx, summary, learning).await?;
                }
                Ok(seal)
            }

            /// Inserts episodes' read-model rows, many to a statement.
            async fn insert_summaries(
                tx: &mut sqlx::Transaction<'_, $db>,
                summaries: &[&$crate::EpisodeSummary],
            ) -> $crate::StoreResult<()> {
                if summaries.is_empty() {
                    return Ok(());
                }
                let sql = $crate::sql_impl::multi_insert(
                    "INSERT INTO episodes (id, org_id, service_id, person_id, phase, is_open, opened_at, \
                     last_seen_at, police_grade, last_event_seq, last_event_kind, last_event_at, \
                     next_duty_rule, next_duty_due_at, waiting_pages, next_check_at) VALUES ",
                    16,
                    summaries.len(),
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for e in summaries {
                    q = q
                        .bind(e.id.0)
                        .bind(e.org_id.0)
                        .bind(e.service_id.0)
                        .bind(e.person_id.0)
                        .bind(&e.phase)
                        .bind(i64::from(e.is_open))
                        .bind(Self::ms(e.opened_at))
                        .bind(e.last_seen_at.map(Self::ms))
                        .bind(&e.police_grade)
                        .bind(e.last_event_seq)
                        .bind(&e.last_event_kind)
                        .bind(Self::ms(e.last_event_at))
                        .bind(&e.schedule.next_duty_rule)
                        .bind(e.schedule.next_duty_due_at.map(Self::ms))
                        .bind(e.schedule.waiting_pages)
                        .bind(e.schedule.next_check_at.map(Self::ms));
                }
                q.execute(&mut **tx).await.map_err(Self::db_err)?;
                Ok(())
            }

            /// Puts a message in the outbox and in the queue to be sent.
            async fn queue_mail(
                tx: &mut sqlx::Transaction<'_, $db>,
                m: &$crate::OutboxMessage,
            ) -> $crate::StoreResult<()> {
                sqlx::query(
                    "INSERT INTO outbox (id, org_id, episode_id, created_at, to_address, subject, body) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(m.id)
                .bind(m.org_id.0)
                .bind(m.episode_id.map(|e| e.0))
                .bind(Self::ms(m.created_at))
                .bind(&m.to_address)
                .bind(&m.subject)
                .bind(&m.body)
                .execute(&mut **tx)
                .await
                .map_err(Self::db_err)?;
                sqlx::query(
                    "INSERT INTO outbox_queue (message_id, org_id, not_before, tries) VALUES ($1, $2, $3, 0)",
                )
                .bind(m.id)
                .bind(m.org_id.0)
                .bind(Self::ms(m.created_at))
                .execute(&mut **tx)
                .await
                .map_err(Self::db_err)?;
                Ok(())
            }

            /// An episode's chronology, in order, read through `exec` (the pool or a transaction).
            /// The entries numbered after `after` (0 for all of them), in order.
            async fn load_events<'e, E>(
                exec: E,
                id: $crate::sql_impl::domain::ids::EpisodeId,
                after: i64,
            ) -> $crate::StoreResult<Vec<$crate::sql_impl::domain::episode::EventRecord>>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT seq, occurred_at, occurred_offset_seconds, recorded_at, recorded_by, recorded_by_label, body \
                     FROM episode_events WHERE episode_id = $1 AND seq > $2 ORDER BY seq",
                )
                .bind(id.0)
                .bind(after)
                .fetch_all(exec)
                .await
                .map_err(Self::db_err)?;
                let mut events = Vec::with_capacity(rows.len());
                for r in &rows {
                    let by: Option<$crate::sql_impl::uuid::Uuid> = r.try_get("recorded_by").map_err(Self::db_err)?;
                    let offset: i64 = r.try_get("occurred_offset_seconds").map_err(Self::db_err)?;
                    let body: String = r.try_get("body").map_err(Self::db_err)?;
                    events.push($crate::sql_impl::domain::episode::EventRecord {
                        seq: r.try_get("seq").map_err(Self::db_err)?,
                        when: $crate::sql_impl::domain::episode::Occurred {
                            at: Self::at(r.try_get("occurred_at").map_err(Self::db_err)?),
                            offset_seconds: i32::try_from(offset).unwrap_or(0),
                        },
                        recorded_at: Self::at(r.try_get("recorded_at").map_err(Self::db_err)?),
                        recorded_by: by.map($crate::sql_impl::domain::ids::UserId),
                        recorded_by_label: r.try_get("recorded_by_label").map_err(Self::db_err)?,
                        event: $crate::sql_impl::decode_event(&body)?,
                    });
                }
                Ok(events)
            }

            fn row_pending(row: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::PendingMail> {
                use sqlx::Row as _;
                Ok($crate::PendingMail {
                    message: Self::row_message(row)?,
                    tries: row.try_get("tries").map_err(Self::db_err)?,
                    not_before: Self::at(row.try_get("not_before").map_err(Self::db_err)?),
                    last_error: row.try_get("last_error").map_err(Self::db_err)?,
                })
            }

            fn row_dead(row: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::DeadMail> {
                use sqlx::Row as _;
                Ok($crate::DeadMail {
                    message: Self::row_message(row)?,
                    died_at: Self::at(row.try_get("died_at").map_err(Self::db_err)?),
                    last_error: row.try_get("last_error").map_err(Self::db_err)?,
                })
            }

            fn row_message(row: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::OutboxMessage> {
                use sqlx::Row as _;
                let episode: Option<$crate::sql_impl::uuid::Uuid> = row.try_get("episode_id").map_err(Self::db_err)?;
                Ok($crate::OutboxMessage {
                    id: row.try_get("id").map_err(Self::db_err)?,
                    org_id: $crate::sql_impl::domain::ids::OrgId(row.try_get("org_id").map_err(Self::db_err)?),
                    episode_id: episode.map($crate::sql_impl::domain::ids::EpisodeId),
                    created_at: Self::at(row.try_get("created_at").map_err(Self::db_err)?),
                    to_address: row.try_get("to_address").map_err(Self::db_err)?,
                    subject: row.try_get("subject").map_err(Self::db_err)?,
                    body: row.try_get("body").map_err(Self::db_err)?,
                })
            }

            /// Inserts a version; the primary key (person, kind, version) turns a second save of
            /// the same version into a unique violation, which is the `Conflict`.
            async fn insert_document(
                tx: &mut sqlx::Transaction<'_, $db>,
                d: &$crate::DocumentVersion,
            ) -> $crate::StoreResult<()> {
                use sqlx::Row as _;
                let latest: Option<i64> = sqlx::query(
                    "SELECT MAX(version) AS v FROM person_documents WHERE person_id = $1 AND kind = $2",
                )
                .bind(d.person_id.0)
                .bind(d.kind.code())
                .fetch_one(&mut **tx)
                .await
                .map_err(Self::db_err)?
                .try_get("v")
                .map_err(Self::db_err)?;
                if d.version != latest.unwrap_or(0) + 1 {
                    return Err($crate::StoreError::Conflict("a newer version was saved first"));
                }
                sqlx::query(
                    "INSERT INTO person_documents (person_id, kind, version, document, changed, review_date, \
                     recorded_by, recorded_by_label, recorded_at, agreed_by_label, agreed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(d.person_id.0)
                .bind(d.kind.code())
                .bind(d.version)
                .bind($crate::sql_impl::encode_document(&d.document)?)
                .bind(d.changed.join(","))
                .bind(d.review_date.map(|r| r.to_string()))
                .bind(d.recorded_by.map(|u| u.0))
                .bind(&d.recorded_by_label)
                .bind(Self::ms(d.recorded_at))
                .bind(&d.agreed_by_label)
                .bind(d.agreed_at.map(Self::ms))
                .execute(&mut **tx)
                .await
                .map_err(Self::db_err)?;
                if d.kind == $crate::sql_impl::domain::forms::DocKind::Profile {
                    let associates = $crate::sql_impl::domain::learning::associates(&d.document);
                    Self::write_associates(tx, d.person_id, &associates).await?;
                }
                Ok(())
            }

            /// Replaces the associates kept for a person with those on their latest form.
            async fn write_associates(
                tx: &mut sqlx::Transaction<'_, $db>,
                person: $crate::sql_impl::domain::ids::PersonId,
                associates: &[$crate::sql_impl::domain::learning::Associate],
            ) -> $crate::StoreResult<()> {
                sqlx::query("DELETE FROM person_associates WHERE person_id = $1")
                    .bind(person.0)
                    .execute(&mut **tx)
                    .await
                    .map_err(Self::db_err)?;
                for a in associates {
                    sqlx::query(
                        "INSERT INTO person_associates (person_id, org_id, name_key, name, trust) \
                         SELECT p.id, p.org_id, $2, $3, $4 FROM people p WHERE p.id = $1",
                    )
                    .bind(person.0)
                    .bind(&a.key)
                    .bind(&a.name)
                    .bind(&a.trust)
                    .execute(&mut **tx)
                    .await
                    .map_err(Self::db_err)?;
                }
                Ok(())
            }

            fn row_document(row: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::DocumentVersion> {
                use sqlx::Row as _;
                let kind: String = row.try_get("kind").map_err(Self::db_err)?;
                let document: String = row.try_get("document").map_err(Self::db_err)?;
                let changed: String = row.try_get("changed").map_err(Self::db_err)?;
                let review: Option<String> = row.try_get("review_date").map_err(Self::db_err)?;
                let by: Option<$crate::sql_impl::uuid::Uuid> = row.try_get("recorded_by").map_err(Self::db_err)?;
                let agreed_at: Option<i64> = row.try_get("agreed_at").map_err(Self::db_err)?;
                Ok($crate::DocumentVersion {
                    person_id: $crate::sql_impl::domain::ids::PersonId(row.try_get("person_id").map_err(Self::db_err)?),
                    kind: $crate::sql_impl::doc_kind(&kind)?,
                    version: row.try_get("version").map_err(Self::db_err)?,
                    document: $crate::sql_impl::decode_document(&document)?,
                    changed: changed.split(',').filter(|c| !c.is_empty()).map(str::to_string).collect(),
                    review_date: review.as_deref().map($crate::sql_impl::date).transpose()?,
                    recorded_by: by.map($crate::sql_impl::domain::ids::UserId),
                    recorded_by_label: row.try_get("recorded_by_label").map_err(Self::db_err)?,
                    recorded_at: Self::at(row.try_get("recorded_at").map_err(Self::db_err)?),
                    agreed_by_label: row.try_get("agreed_by_label").map_err(Self::db_err)?,
                    agreed_at: agreed_at.map(Self::at),
                })
            }

            /// Versions of one person's documents, only if the person is in the organisation.
            async fn documents(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                person: $crate::sql_impl::domain::ids::PersonId,
                kind: $crate::sql_impl::domain::forms::DocKind,
                version: Option<i64>,
                limit: i64,
            ) -> $crate::StoreResult<Vec<$crate::DocumentVersion>> {
                let rows = sqlx::query(
                    "SELECT d.person_id, d.kind, d.version, d.document, d.changed, d.review_date, d.recorded_by, \
                     d.recorded_by_label, d.recorded_at, d.agreed_by_label, d.agreed_at \
                     FROM person_documents d JOIN people p ON p.id = d.person_id \
                     WHERE d.person_id = $1 AND p.org_id = $2 AND d.kind = $3 AND ($4 = 0 OR d.version = $4) \
                     ORDER BY d.version DESC LIMIT $5",
                )
                .bind(person.0)
                .bind(org.0)
                .bind(kind.code())
                .bind(version.unwrap_or(0))
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter().map(Self::row_document).collect()
            }
        }

        #[$crate::sql_impl::async_trait]
        impl $crate::Store for $store {
            fn engine(&self) -> $crate::Engine {
                $engine
            }

            fn shared_commits(&self) -> $crate::group_commit::Shared {
                self.batches.shared()
            }

            async fn close(&self) {
                self.close_pools().await;
            }

            async fn watch_board(&self, sink: $crate::BoardSink) -> $crate::StoreResult<bool> {
                self.listen_board(sink).await
            }

            async fn ping(&self) -> $crate::StoreResult<()> {
                sqlx::query("SELECT 1").execute(self.reader()).await.map_err(Self::db_err)?;
                Ok(())
            }

            async fn create_organisation(
                &self,
                org: &$crate::Organisation,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO organisations (id, name, nation, regulator, registration_number, \
                     registered_manager, safeguarding_lead, created_at, kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(org.id.0)
                .bind(&org.name)
                .bind(org.nation.code())
                .bind(org.regulator.code())
                .bind(&org.registration_number)
                .bind(&org.registered_manager)
                .bind(&org.safeguarding_lead)
                .bind(Self::ms(org.created_at))
                .bind(&org.kind)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn get_organisation(
                &self,
                id: $crate::sql_impl::domain::ids::OrgId,
            ) -> $crate::StoreResult<Option<$crate::Organisation>> {
                Ok(self.list_organisations().await?.into_iter().find(|o| o.id == id))
            }

            async fn list_organisations(&self) -> $crate::StoreResult<Vec<$crate::Organisation>> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT id, name, nation, regulator, registration_number, registered_manager, \
                     safeguarding_lead, created_at, kind FROM organisations ORDER BY name",
                )
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter()
                    .map(|row| {
                        let nation: String = row.try_get("nation").map_err(Self::db_err)?;
                        let regulator: String = row.try_get("regulator").map_err(Self::db_err)?;
                        Ok($crate::Organisation {
                            id: $crate::sql_impl::domain::ids::OrgId(row.try_get("id").map_err(Self::db_err)?),
                            name: row.try_get("name").map_err(Self::db_err)?,
                            nation: $crate::sql_impl::nation(&nation)?,
                            regulator: $crate::sql_impl::regulator(&regulator)?,
                            registration_number: row.try_get("registration_number").map_err(Self::db_err)?,
                            registered_manager: row.try_get("registered_manager").map_err(Self::db_err)?,
                            safeguarding_lead: row.try_get("safeguarding_lead").map_err(Self::db_err)?,
                            created_at: Self::at(row.try_get("created_at").map_err(Self::db_err)?),
                            kind: row.try_get("kind").map_err(Self::db_err)?,
                        })
                    })
                    .collect()
            }

            async fn create_service(
                &self,
                service: &$crate::Service,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO services (id, org_id, name, kind, registration_number, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(service.id.0)
                .bind(service.org_id.0)
                .bind(&service.name)
                .bind(service.kind.code())
                .bind(&service.registration_number)
                .bind(Self::ms(service.created_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn list_services(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
            ) -> $crate::StoreResult<Vec<$crate::Service>> {
                let rows = sqlx::query(
                    "SELECT id, org_id, name, kind, registration_number, created_at FROM services \
                     WHERE org_id = $1 ORDER BY name",
                )
                .bind(org.0)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter().map(Self::row_service).collect()
            }

            async fn get_service(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                id: $crate::sql_impl::domain::ids::ServiceId,
            ) -> $crate::StoreResult<Option<$crate::Service>> {
                sqlx::query(
                    "SELECT id, org_id, name, kind, registration_number, created_at FROM services \
                     WHERE org_id = $1 AND id = $2",
                )
                .bind(org.0)
                .bind(id.0)
                .fetch_optional(self.reader())
                .await
                .map_err(Self::db_err)?
                .as_ref()
                .map(Self::row_service)
                .transpose()
            }

            async fn create_user(
                &self,
                new: &$crate::NewUser,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let u = &new.user;
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO users (id, org_id, email, display_name, password_hash, active, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(u.id.0)
                .bind(u.org_id.0)
                .bind(&u.email)
                .bind(&u.display_name)
                .bind(&new.password_hash)
                .bind(u.active)
                .bind(Self::ms(u.created_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                Self::insert_memberships(&mut tx, u.id, &new.memberships).await?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn find_credentials(&self, email: &str) -> $crate::StoreResult<Option<$crate::Credentials>> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT id, org_id, email, display_name, active, created_at, password_hash \
                     FROM users WHERE email = $1",
                )
                .bind(email)
                .fetch_optional(self.reader())
                .await
                .map_err(Self::db_err)?;
                row.map(|row| {
                    Ok($crate::Credentials {
                        user: Self::row_user(&row)?,
                        password_hash: row.try_get("password_hash").map_err(Self::db_err)?,
                    })
                })
                .transpose()
            }

            async fn get_user(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                id: $crate::sql_impl::domain::ids::UserId,
            ) -> $crate::StoreResult<Option<$crate::UserWithRoles>> {
                let row = sqlx::query(
                    "SELECT id, org_id, email, display_name, active, created_at FROM users \
                     WHERE org_id = $1 AND id = $2",
                )
                .bind(org.0)
                .bind(id.0)
                .fetch_optional(self.reader())
                .await
                .map_err(Self::db_err)?;
                match row {
                    Some(row) => Ok(self.with_roles(vec![Self::row_user(&row)?]).await?.pop()),
                    None => Ok(None),
                }
            }

            async fn users_page(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                query: &$crate::UsersQuery,
                audit: Option<&$crate::sql_impl::domain::audit::AuditEvent>,
            ) -> $crate::StoreResult<Vec<$crate::UserWithRoles>> {
                if query.limit <= 0 {
                    return Ok(Vec::new());
                }
                if let Some(audit) = audit {
                    self.record_audit(audit).await?;
                }
                let rows = self.fetch_generated(org, $crate::sql_impl::users_query(query)).await?;
                let users = rows.iter().map(Self::row_user).collect::<$crate::StoreResult<Vec<_>>>()?;
                self.with_roles(users).await
            }

            async fn audit_search(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                query: &$crate::AuditQuery,
            ) -> $crate::StoreResult<Vec<$crate::sql_impl::domain::audit::AuditRecord>> {
                if query.limit <= 0 {
                    return Ok(Vec::new());
                }
                let rows = self.fetch_generated(org, $crate::sql_impl::audit_query(query)).await?;
                rows.iter().map(Self::row_audit).collect()
            }

            async fn set_memberships(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                user: $crate::sql_impl::domain::ids::UserId,
                memberships: &[$crate::Membership],
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let found = sqlx::query("SELECT id FROM users WHERE org_id = $1 AND id = $2")
                    .bind(org.0)
                    .bind(user.0)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                if found.is_none() {
                    return Ok(false);
                }
                sqlx::query("DELETE FROM memberships WHERE user_id = $1")
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                Self::insert_memberships(&mut tx, user, memberships).await?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await?;
                Ok(true)
            }

            async fn deactivate_user(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                user: $crate::sql_impl::domain::ids::UserId,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let changed = sqlx::query("UPDATE users SET active = $1 WHERE org_id = $2 AND id = $3")
                    .bind(false)
                    .bind(org.0)
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?
                    .rows_affected();
                if changed == 0 {
                    return Ok(false);
                }
                for sql in [
                    "DELETE FROM sessions WHERE user_id = $1",
                    "DELETE FROM trusted_devices WHERE user_id = $1",
                ] {
                    sqlx::query(sql).bind(user.0).execute(&mut *tx).await.map_err(Self::db_err)?;
                }
                // Their tokens are kept, revoked by whoever deactivated them (one revoked
                // before keeps its own revocation), so the list still says what each was.
                sqlx::query(
                    "INSERT INTO api_token_revocations (token_hash, revoked_at, revoked_by, revoked_by_label) \
                     SELECT t.token_hash, $2, $3, $4 FROM api_tokens t WHERE t.user_id = $1 \
                     AND NOT EXISTS (SELECT 1 FROM api_token_revocations r WHERE r.token_hash = t.token_hash)",
                )
                .bind(user.0)
                .bind(Self::ms(audit.at))
                .bind(audit.actor.map(|a| a.0))
                .bind(&audit.actor_label)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await?;
                Ok(true)
            }

            async fn update_user(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                user: $crate::sql_impl::domain::ids::UserId,
                display_name: &str,
                email: &str,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let changed = sqlx::query(
                    "UPDATE users SET display_name = $1, email = $2 WHERE org_id = $3 AND id = $4",
                )
                .bind(display_name)
                .bind(email)
                .bind(org.0)
                .bind(user.0)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?
                .rows_affected();
                if changed == 0 {
                    return Ok(false);
                }
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await?;
                Ok(true)
            }

            async fn set_password(
                &self,
                user: $crate::sql_impl::domain::ids::UserId,
                password_hash: &str,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(password_hash)
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                // A new password ends every existing session.
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn create_session(
                &self,
                s: &$crate::SessionRecord,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, ip, second_factor_at, inspection_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&s.token_hash)
                .bind(s.user_id.0)
                .bind(&s.csrf_token)
                .bind(Self::ms(s.created_at))
                .bind(Self::ms(s.last_seen_at))
                .bind(&s.ip)
                .bind(s.second_factor_at.map(Self::ms))
                .bind(s.inspection_id)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn find_session(
                &self,
                token_hash: &str,
            ) -> $crate::StoreResult<Option<($crate::SessionRecord, $crate::UserWithRoles)>> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT s.token_hash, s.csrf_token, s.created_at AS s_created, s.last_seen_at, s.ip, s.second_factor_at, s.inspection_id, \
                     u.id, u.org_id, u.email, u.display_name, u.active, u.created_at, \
                     m.role AS m_role, m.service_id AS m_service_id \
                     FROM sessions s JOIN users u ON u.id = s.user_id \
                     LEFT JOIN memberships m ON m.user_id = u.id \
                     WHERE s.token_hash = $1 AND u.active = $2 ORDER BY m.role, m.service_id",
                )
                .bind(token_hash)
                .bind(true)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                let Some(row) = rows.first() else { return Ok(None) };
                let user = Self::row_user(&row)?;
                let session = $crate::SessionRecord {
                    token_hash: row.try_get("token_hash").map_err(Self::db_err)?,
                    user_id: user.id,
                    csrf_token: row.try_get("csrf_token").map_err(Self::db_err)?,
                    created_at: Self::at(row.try_get("s_created").map_err(Self::db_err)?),
                    last_seen_at: Self::at(row.try_get("last_seen_at").map_err(Self::db_err)?),
                    ip: row.try_get("ip").map_err(Self::db_err)?,
                    second_factor_at: row.try_get::<Option<i64>, _>("second_factor_at").map_err(Self::db_err)?.map(Self::at),
                    inspection_id: row.try_get("inspection_id").map_err(Self::db_err)?,
                };
                let memberships = Self::joined_memberships(&rows)?;
                Ok(Some((session, $crate::UserWithRoles { user, memberships })))
            }

            async fn confirm_second_factor(
                &self,
                token_hash: &str,
                at: $crate::sql_impl::jiff::Timestamp,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE sessions SET second_factor_at = $2 WHERE token_hash = $1")
                    .bind(token_hash)
                    .bind(Self::ms(at))
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn touch_session(
                &self,
                token_hash: &str,
                at: $crate::sql_impl::jiff::Timestamp,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                    .bind(Self::ms(at))
                    .bind(token_hash)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                Self::commit(tx).await
            }

            async fn end_session(
                &self,
                token_hash: &str,
                audit: Option<&$crate::sql_impl::domain::audit::AuditEvent>,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                if let Some(audit) = audit {
                    self.append_audit(&mut tx, audit).await?;
                }
                Self::commit(tx).await
            }

            async fn create_api_token(
                &self,
                t: &$crate::ApiToken,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO api_tokens (token_hash, user_id, label, created_at, expires_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&t.token_hash)
                .bind(t.user_id.0)
                .bind(&t.label)
                .bind(Self::ms(t.created_at))
                .bind(Self::ms(t.expires_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn api_tokens_of(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                user: $crate::sql_impl::domain::ids::UserId,
            ) -> $crate::StoreResult<Vec<$crate::ListedToken>> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT t.token_hash, t.label, t.created_at, t.expires_at, \
                     r.revoked_at, r.revoked_by, r.revoked_by_label \
                     FROM api_tokens t JOIN users u ON u.id = t.user_id \
                     LEFT JOIN api_token_revocations r ON r.token_hash = t.token_hash \
                     WHERE t.user_id = $1 AND u.org_id = $2 \
                     ORDER BY t.created_at DESC LIMIT 200",
                )
                .bind(user.0)
                .bind(org.0)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter()
                    .map(|r| {
                        let revoked_at: Option<i64> = r.try_get("revoked_at").map_err(Self::db_err)?;
                        Ok($crate::ListedToken {
                            token: $crate::ApiToken {
                                token_hash: r.try_get("token_hash").map_err(Self::db_err)?,
                                user_id: user,
                                label: r.try_get("label").map_err(Self::db_err)?,
                                created_at: Self::at(r.try_get("created_at").map_err(Self::db_err)?),
                                expires_at: Self::at(r.try_get("expires_at").map_err(Self::db_err)?),
                            },
                            revoked: match revoked_at {
                                Some(at) => Some($crate::Revocation {
                                    at: Self::at(at),
                                    by: r
                                        .try_get::<Option<$crate::sql_impl::uuid::Uuid>, _>("revoked_by")
                                        .map_err(Self::db_err)?
                                        .map($crate::sql_impl::domain::ids::UserId),
                                    by_label: r.try_get("revoked_by_label").map_err(Self::db_err)?,
                                }),
                                None => None,
                            },
                        })
                    })
                    .collect()
            }

            async fn revoke_api_token(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                user: $crate::sql_impl::domain::ids::UserId,
                token_hash: &str,
                by: &$crate::Revocation,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let theirs = sqlx::query(
                    "SELECT t.token_hash FROM api_tokens t JOIN users u ON u.id = t.user_id \
                     WHERE t.token_hash = $1 AND t.user_id = $2 AND u.org_id = $3",
                )
                .bind(token_hash)
                .bind(user.0)
                .bind(org.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                if theirs.is_none() {
                    return Ok(false);
                }
                let done = sqlx::query(
                    "INSERT INTO api_token_revocations (token_hash, revoked_at, revoked_by, revoked_by_label) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT (token_hash) DO NOTHING",
                )
                .bind(token_hash)
                .bind(Self::ms(by.at))
                .bind(by.by.map(|u| u.0))
                .bind(&by.by_label)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                if done.rows_affected() == 1 {
                    self.append_audit(&mut tx, audit).await?;
                }
                Self::commit(tx).await?;
                Ok(true)
            }

            async fn find_api_token(
                &self,
                token_hash: &str,
            ) -> $crate::StoreResult<Option<($crate::ApiToken, $crate::UserWithRoles)>> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT t.token_hash, t.label, t.created_at AS t_created, t.expires_at, \
                     u.id, u.org_id, u.email, u.display_name, u.active, u.created_at, \
                     m.role AS m_role, m.service_id AS m_service_id \
                     FROM api_tokens t JOIN users u ON u.id = t.user_id \
                     LEFT JOIN memberships m ON m.user_id = u.id \
                     WHERE t.token_hash = $1 AND u.active = $2 \
                     AND NOT EXISTS (SELECT 1 FROM api_token_revocations r WHERE r.token_hash = t.token_hash) \
                     ORDER BY m.role, m.service_id",
                )
                .bind(token_hash)
                .bind(true)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                let Some(row) = rows.first() else { return Ok(None) };
                let user = Self::row_user(&row)?;
                let token = $crate::ApiToken {
                    token_hash: row.try_get("token_hash").map_err(Self::db_err)?,
                    user_id: user.id,
                    label: row.try_get("label").map_err(Self::db_err)?,
                    created_at: Self::at(row.try_get("t_created").map_err(Self::db_err)?),
                    expires_at: Self::at(row.try_get("expires_at").map_err(Self::db_err)?),
                };
                let memberships = Self::joined_memberships(&rows)?;
                Ok(Some((token, $crate::UserWithRoles { user, memberships })))
            }

            async fn trust_device(
                &self,
                token_hash: &str,
                user: $crate::sql_impl::domain::ids::UserId,
                at: $crate::sql_impl::jiff::Timestamp,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("INSERT INTO trusted_devices (token_hash, user_id, created_at) VALUES ($1, $2, $3)")
                    .bind(token_hash)
                    .bind(user.0)
                    .bind(Self::ms(at))
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                Self::commit(tx).await
            }

            async fn is_trusted_device(
                &self,
                token_hash: &str,
                user: $crate::sql_impl::domain::ids::UserId,
            ) -> $crate::StoreResult<bool> {
                let row = sqlx::query("SELECT user_id FROM trusted_devices WHERE token_hash = $1 AND user_id = $2")
                    .bind(token_hash)
                    .bind(user.0)
                    .fetch_optional(self.reader())
                    .await
                    .map_err(Self::db_err)?;
                Ok(row.is_some())
            }

            async fn record_disclosures(
                &self,
                records: &[$crate::DisclosureRecord],
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                for r in records {
                    Self::insert_disclosure(&mut tx, r).await?;
                }
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn give_access(
                &self,
                g: &$crate::Grant,
                disclosure: &$crate::DisclosureRecord,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                Self::insert_disclosure(&mut tx, disclosure).await?;
                // Only for the organisation's own person, and their own episode.
                let done = sqlx::query(
                    "INSERT INTO access_grants (id, org_id, partner_org_id, person_id, episode_id, purpose, \
                     sections, granted_by, granted_by_label, granted_at, ends_at, disclosure_id, reason) \
                     SELECT $1, p.org_id, $3, p.id, $5, $6, $7, $8, $9, $10, $11, $12, $13 FROM people p \
                     WHERE p.id = $4 AND p.org_id = $2 AND ($5 IS NULL OR EXISTS (SELECT 1 FROM episodes e \
                     WHERE e.id = $5 AND e.person_id = p.id))",
                )
                .bind(g.id)
                .bind(g.org_id.0)
                .bind(g.partner_org_id.0)
                .bind(g.person_id.0)
                .bind(g.episode_id.map(|e| e.0))
                .bind(&g.purpose)
                .bind(g.sections.join(","))
                .bind(g.granted_by.map(|u| u.0))
                .bind(&g.granted_by_label)
                .bind(Self::ms(g.granted_at))
                .bind(Self::ms(g.ends_at))
                .bind(g.disclosure_id)
                .bind(&g.reason)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                if done.rows_affected() != 1 {
                    return Err($crate::StoreError::Conflict("no such person or episode in this organisation"));
                }
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn open_inspection(
                &self,
                i: &$crate::Inspection,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                // Only for a home of the provider's own (the app checks the inspectorate).
                let done = sqlx::query(
                    "INSERT INTO inspections (id, org_id, inspectorate_id, service_id, reference, granted_by, \
                     granted_by_label, granted_at, ends_at) \
                     SELECT $1, $2, o.id, $4, $5, $6, $7, $8, $9 FROM organisations o \
                     WHERE o.id = $3 AND o.id <> $2 \
                     AND ($4 IS NULL OR EXISTS (SELECT 1 FROM services s WHERE s.id = $4 AND s.org_id = $2))",
                )
                .bind(i.id)
                .bind(i.org_id.0)
                .bind(i.inspectorate_id.0)
                .bind(i.service_id.map(|s| s.0))
                .bind(&i.reference)
                .bind(i.granted_by.map(|u| u.0))
                .bind(&i.granted_by_label)
                .bind(Self::ms(i.granted_at))
                .bind(Self::ms(i.ends_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                if done.rows_affected() != 1 {
                    return Err($crate::StoreError::Conflict("no such organisation, or home in this organisation"));
                }
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn end_inspection(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                inspection: $crate::sql_impl::uuid::Uuid,
                ending: &$crate::GrantEnding,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "INSERT INTO inspection_endings (inspection_id, ended_at, ended_by, ended_by_label, reason) \
                     SELECT i.id, $3, $4, $5, $6 FROM inspections i WHERE i.id = $2 AND i.org_id = $1 \
                     AND i.ends_at > $3 AND NOT EXISTS (SELECT 1 FROM inspection_endings x WHERE x.inspection_id = i.id)",
                )
                .bind(org.0)
                .bind(inspection)
                .bind(Self::ms(ending.at))
                .bind(ending.by.map(|u| u.0))
                .bind(&ending.by_label)
                .bind(&ending.reason)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                if done.rows_affected() == 0 {
                    return Ok(false);
                }
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await?;
                Ok(true)
            }

            async fn inspections_of(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                homes: Option<&[$crate::sql_impl::domain::ids::ServiceId]>,
                id: Option<$crate::sql_impl::uuid::Uuid>,
                limit: i64,
            ) -> $crate::StoreResult<Vec<$crate::Inspection>> {
                use $crate::sql_impl::{Bind, Binds};
                let mut b = Binds::default();
                let mut conditions = String::new();
                if let Some(list) = homes {
                    conditions += &format!(
                        " AND i.service_id IN ({})",
                        if list.is_empty() { "NULL".to_string() } else { b.list(list.iter().map(|s| Bind::Id(s.0))) }
                    );
                }
                if let Some(id) = id {
                    conditions += &format!(" AND i.id = {}", b.push(Bind::Id(id)));
                }
                let n = b.push(Bind::Int(limit));
                let sql = format!(
                    "{} WHERE i.org_id = $1{conditions} ORDER BY i.granted_at DESC, i.id LIMIT {n}",
                    $crate::sql_impl::INSPECTIONS
                );
                let rows = self.fetch_generated(org, (sql, b.0)).await?;
                rows.iter().map(Self::row_inspection).collect()
            }

            async fn live_inspections(
                &self,
                inspectorate: $crate::sql_impl::domain::ids::OrgId,
                at: $crate::sql_impl::jiff::Timestamp,
            ) -> $crate::StoreResult<Vec<($crate::Inspection, String)>> {
                use sqlx::Row as _;
                let sql = format!(
                    "SELECT q.*, o.name AS provider_name FROM ({} WHERE i.inspectorate_id = $1 AND {}) q \
                     JOIN organisations o ON o.id = q.org_id ORDER BY q.granted_at DESC, q.id LIMIT 200",
                    $crate::sql_impl::INSPECTIONS,
                    $crate::sql_impl::LIVE_INSPECTION
                );
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(inspectorate.0)
                    .bind(Self::ms(at))
                    .fetch_all(self.reader())
                    .await
                    .map_err(Self::db_err)?;
                rows.iter()
                    .map(|r| Ok((Self::row_inspection(r)?, r.try_get("provider_name").map_err(Self::db_err)?)))
                    .collect()
            }

            async fn live_inspection(
                &self,
                inspectorate: $crate::sql_impl::domain::ids::OrgId,
                inspection: $crate::sql_impl::uuid::Uuid,
                at: $crate::sql_impl::jiff::Timestamp,
            ) -> $crate::StoreResult<Option<$crate::Inspection>> {
                let sql = format!(
                    "{} WHERE i.inspectorate_id = $1 AND {} AND i.id = $3",
                    $crate::sql_impl::INSPECTIONS,
                    $crate::sql_impl::LIVE_INSPECTION
                );
                let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(inspectorate.0)
                    .bind(Self::ms(at))
                    .bind(inspection)
                    .fetch_optional(self.reader())
                    .await
                    .map_err(Self::db_err)?;
                row.as_ref().map(Self::row_inspection).transpose()
            }

            async fn set_session_inspection(
                &self,
                token_hash: &str,
                inspection: Option<$crate::sql_impl::uuid::Uuid>,
                audit: Option<&$crate::sql_impl::domain::audit::AuditEvent>,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE sessions SET inspection_id = $2 WHERE token_hash = $1")
                    .bind(token_hash)
                    .bind(inspection)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                if let Some(audit) = audit {
                    self.append_audit(&mut tx, audit).await?;
                }
                Self::commit(tx).await
            }

            async fn inspection_views(
                &self,
                i: &$crate::Inspection,
                limit: i64,
            ) -> $crate::StoreResult<Vec<$crate::sql_impl::domain::audit::AuditRecord>> {
                let until = i.ended.as_ref().map_or(i.ends_at, |e| e.at.min(i.ends_at));
                let rows = sqlx::query(
sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM audit_log \
                     WHERE org_id = $1 AND at >= $2 AND at <= $3 \
                     AND actor_id IN (SELECT u.id FROM users u WHERE u.org_id = $4) \
                     ORDER BY seq DESC LIMIT $5",
                    $crate::sql_impl::AUDIT_COLUMNS
                )))
                    .bind(i.org_id.0)
                    .bind(Self::ms(i.granted_at))
                    .bind(Self::ms(until))
                    .bind(i.inspectorate_id.0)
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await
                    .map_err(Self::db_err)?;
                rows.iter().map(Self::row_audit).collect()
            }

            async fn end_access(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                grant: $crate::sql_impl::uuid::Uuid,
                ending: &$crate::GrantEnding,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let ended = Self::end_grants(&mut tx, org, "g.id", grant, ending).await?;
                if ended == 0 {
                    return Ok(false);
                }
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await?;
                Ok(true)
            }

            async fn end_episode_access(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                episode: $crate::sql_impl::domain::ids::EpisodeId,
                ending: &$crate::GrantEnding,
            ) -> $crate::StoreResult<u64> {
                let mut tx = self.begin_write().await?;
                let ended = Self::end_grants(&mut tx, org, "g.episode_id", episode.0, ending).await?;
                Self::commit(tx).await?;
                Ok(ended)
            }

            async fn missing_person_named(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                given: &str,
                family: &str,
                born: Option<$crate::sql_impl::jiff::civil::Date>,
            ) -> $crate::StoreResult<Option<($crate::Person, $crate::sql_impl::domain::ids::EpisodeId)>> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT p.id, p.org_id, p.service_id, p.given_name, p.family_name, p.kind, p.date_of_birth, \
                     p.estimated_age, p.created_at, e.id AS episode_id FROM people p JOIN episodes e \
                     ON e.person_id = p.id AND e.is_open = 1 WHERE p.org_id = $1 AND e.org_id = $1 \
                     AND lower(p.given_name) = lower($2) AND lower(p.family_name) = lower($3) \
                     AND ($4 = '' OR p.date_of_birth = $4) ORDER BY p.id LIMIT 2",
                )
                .bind(org.0)
                .bind(given.trim())
                .bind(family.trim())
                .bind(born.map(|d| d.to_string()).unwrap_or_default())
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                // Two people missing now with the same names and no date of birth given: not
                // sure which, so neither.
                if rows.len() != 1 {
                    return Ok(None);
                }
                let person = Self::row_person(&rows[0])?;
                let episode = $crate::sql_impl::domain::ids::EpisodeId(rows[0].try_get("episode_id").map_err(Self::db_err)?);
                Ok(Some((person, episode)))
            }

            async fn create_pack_link(
                &self,
                l: &$crate::PackLink,
                disclosure: &$crate::DisclosureRecord,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                Self::insert_disclosure(&mut tx, disclosure).await?;
                sqlx::query(
                    "INSERT INTO pack_links (id, token_hash, code_hash, org_id, person_id, recipient, created_by, \
                     created_by_label, created_at, expires_at, disclosure_id) \
                     SELECT $1, $2, $3, p.org_id, p.id, $6, $7, $8, $9, $10, $11 FROM people p WHERE p.id = $5 AND p.org_id = $4",
                )
                .bind(l.id)
                .bind(&l.token_hash)
                .bind(&l.code_hash)
                .bind(l.org_id.0)
                .bind(l.person_id.0)
                .bind(&l.recipient)
                .bind(l.created_by.map(|u| u.0))
                .bind(&l.created_by_label)
                .bind(Self::ms(l.created_at))
                .bind(Self::ms(l.expires_at))
                .bind(l.disclosure_id)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn pack_link(
                &self,
                token_hash: &str,
            ) -> $crate::StoreResult<Option<($crate::PackLink, $crate::PackLinkTries)>> {
                use sqlx::Row as _;
                use $crate::sql_impl::domain::ids::{OrgId, PersonId, UserId};
                let Some(r) = sqlx::query(
                    "SELECT l.*, (SELECT COUNT(*) FROM pack_link_attempts a WHERE a.link_id = l.id \
                     AND a.outcome = 'opened') AS opened, (SELECT COUNT(*) FROM pack_link_attempts a \
                     WHERE a.link_id = l.id AND a.outcome = 'wrong_code') AS wrong FROM pack_links l WHERE l.token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(self.reader())
                .await
                .map_err(Self::db_err)?
                else {
                    return Ok(None);
                };
                let link = $crate::PackLink {
                    id: r.try_get("id").map_err(Self::db_err)?,
                    token_hash: r.try_get("token_hash").map_err(Self::db_err)?,
                    code_hash: r.try_get("code_hash").map_err(Self::db_err)?,
                    org_id: OrgId(r.try_get("org_id").map_err(Self::db_err)?),
                    person_id: PersonId(r.try_get("person_id").map_err(Self::db_err)?),
                    recipient: r.try_get("recipient").map_err(Self::db_err)?,
                    created_by: r.try_get::<Option<$crate::sql_impl::uuid::Uuid>, _>("created_by").map_err(Self::db_err)?.map(UserId),
                    created_by_label: r.try_get("created_by_label").map_err(Self::db_err)?,
                    created_at: Self::at(r.try_get("created_at").map_err(Self::db_err)?),
                    expires_at: Self::at(r.try_get("expires_at").map_err(Self::db_err)?),
                    disclosure_id: r.try_get("disclosure_id").map_err(Self::db_err)?,
                };
                let tries = $crate::PackLinkTries {
                    opened: r.try_get::<i64, _>("opened").map_err(Self::db_err)? > 0,
                    wrong_codes: r.try_get("wrong").map_err(Self::db_err)?,
                };
                Ok(Some((link, tries)))
            }

            async fn record_pack_attempt(
                &self,
                link: $crate::sql_impl::uuid::Uuid,
                at: $crate::sql_impl::jiff::Timestamp,
                outcome: &str,
                ip: Option<&str>,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "INSERT INTO pack_link_attempts (link_id, seq, at, outcome, ip) SELECT $1, \
                     COALESCE((SELECT MAX(seq) FROM pack_link_attempts WHERE link_id = $1), 0) + 1, $2, $3, $4 \
                     WHERE $3 <> 'opened' OR NOT EXISTS (SELECT 1 FROM pack_link_attempts WHERE link_id = $1 AND outcome = 'opened')",
                )
                .bind(link)
                .bind(Self::ms(at))
                .bind(outcome)
                .bind(ip)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                if done.rows_affected() == 0 {
                    return Ok(false);
                }
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await?;
                Ok(true)
            }

            async fn emergency_grants(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                services: Option<&[$crate::sql_impl::domain::ids::ServiceId]>,
                limit: i64,
            ) -> $crate::StoreResult<Vec<$crate::EmergencyUse>> {
                use sqlx::Row as _;
                use $crate::sql_impl::{Bind, Binds};
                let mut b = Binds::default();
                let limit = b.push(Bind::Int(limit));
                let homes = match services {
                    Some(list) => format!(
                        "AND p.service_id IN ({})",
                        if list.is_empty() { "NULL".to_string() } else { b.list(list.iter().map(|s| Bind::Id(s.0))) }
                    ),
                    None => String::new(),
                };
                // Whose record and its review come with each use: one query for the list.
                let sql = format!(
                    "SELECT q.*, p.given_name AS p_given_name, p.family_name AS p_family_name, \
                     v.reviewed_at AS v_at, v.reviewed_by AS v_by, v.reviewed_by_label AS v_by_label, \
                     v.outcome AS v_outcome, v.notes AS v_notes \
                     FROM ({} WHERE g.org_id = $1 AND g.purpose = 'break_glass') q \
                     JOIN people p ON p.id = q.person_id \
                     LEFT JOIN access_grant_reviews v ON v.grant_id = q.id \
                     WHERE p.org_id = $1 {homes} \
                     ORDER BY q.granted_at DESC, q.id LIMIT {limit}",
                    $crate::sql_impl::GRANTS
                );
                let rows = self.fetch_generated(org, (sql, b.0)).await?;
                rows.iter()
                    .map(|r| {
                        let at: Option<i64> = r.try_get("v_at").map_err(Self::db_err)?;
                        Ok($crate::EmergencyUse {
                            grant: Self::row_grant(r)?,
                            given_name: r.try_get("p_given_name").map_err(Self::db_err)?,
                            family_name: r.try_get("p_family_name").map_err(Self::db_err)?,
                            review: match at {
                                Some(at) => Some($crate::GrantReview {
                                    at: Self::at(at),
                                    by: r.try_get::<Option<$crate::sql_impl::uuid::Uuid>, _>("v_by").map_err(Self::db_err)?.map($crate::sql_impl::domain::ids::UserId),
                                    by_label: r.try_get::<Option<String>, _>("v_by_label").map_err(Self::db_err)?.unwrap_or_default(),
                                    outcome: r.try_get::<Option<String>, _>("v_outcome").map_err(Self::db_err)?.unwrap_or_default(),
                                    notes: r.try_get::<Option<String>, _>("v_notes").map_err(Self::db_err)?.unwrap_or_default(),
                                }),
                                None => None,
                            },
                        })
                    })
                    .collect()
            }

            async fn review_emergency(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                homes: Option<&[$crate::sql_impl::domain::ids::ServiceId]>,
                grant: $crate::sql_impl::uuid::Uuid,
                review: &$crate::GrantReview,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<Option<bool>> {
                use sqlx::Row as _;
                use $crate::sql_impl::{Bind, Binds};
                let mut b = Binds::default();
                let id = b.push(Bind::Id(grant));
                let scope = match homes {
                    Some(list) => format!(
                        "AND p.service_id IN ({})",
                        if list.is_empty() { "NULL".to_string() } else { b.list(list.iter().map(|s| Bind::Id(s.0))) }
                    ),
                    None => String::new(),
                };
                // The use, in the reader's homes, and whether it has been reviewed.
                let sql = format!(
                    "SELECT CASE WHEN EXISTS (SELECT 1 FROM access_grant_reviews v WHERE v.grant_id = g.id) \
                     THEN 1 ELSE 0 END AS reviewed FROM access_grants g JOIN people p ON p.id = g.person_id \
                     WHERE g.org_id = $1 AND p.org_id = $1 AND g.id = {id} AND g.purpose = 'break_glass' {scope}"
                );
                let Some(row) = self.fetch_generated(org, (sql, b.0)).await?.into_iter().next() else {
                    return Ok(None);
                };
                if row.try_get::<i32, _>("reviewed").map_err(Self::db_err)? != 0 {
                    return Ok(Some(false));
                }
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "INSERT INTO access_grant_reviews (grant_id, reviewed_at, reviewed_by, reviewed_by_label, outcome, notes) \
                     SELECT g.id, $3, $4, $5, $6, $7 FROM access_grants g \
                     WHERE g.id = $2 AND g.org_id = $1 AND g.purpose = 'break_glass' \
                     AND NOT EXISTS (SELECT 1 FROM access_grant_reviews v WHERE v.grant_id = g.id)",
                )
                .bind(org.0)
                .bind(grant)
                .bind(Self::ms(review.at))
                .bind(review.by.map(|u| u.0))
                .bind(&review.by_label)
                .bind(&review.outcome)
                .bind(&review.notes)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                if done.rows_affected() == 0 {
                    // A colleague's review went first.
                    return Ok(Some(false));
                }
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await?;
                Ok(Some(true))
            }

            async fn grants_of_person(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                person: $crate::sql_impl::domain::ids::PersonId,
            ) -> $crate::StoreResult<Vec<$crate::Grant>> {
                let sql = format!(
                    "{} WHERE g.org_id = $1 AND g.person_id = $2 ORDER BY g.granted_at DESC, g.id",
                    $crate::sql_impl::GRANTS
                );
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(org.0)
                    .bind(person.0)
                    .fetch_all(self.reader())
                    .await
                    .map_err(Self::db_err)?;
                rows.iter().map(Self::row_grant).collect()
            }

            async fn end_access_of_closed_episodes(
                &self,
                at: $crate::sql_impl::jiff::Timestamp,
            ) -> $crate::StoreResult<u64> {
                let after = $crate::sql_impl::domain::access::AFTER_CLOSING.as_millis();
                let mut tx = self.begin_write().await?;
                // Only grants still running (a few weeks' worth, from their index), each
                // ended at its episode's closing plus a day.
                let sql = format!(
                    "INSERT INTO access_grant_endings (grant_id, ended_at, ended_by, ended_by_label, reason) \
                     SELECT g.id, c.recorded_at + {after}, NULL, 'Homeward', '24 hours after the episode closed' \
                     FROM access_grants g JOIN episode_events c ON c.episode_id = g.episode_id AND c.kind = 'closed' \
                     WHERE g.episode_id IS NOT NULL AND g.ends_at > $1 \
                     AND g.ends_at > c.recorded_at + {after} \
                     AND NOT EXISTS (SELECT 1 FROM access_grant_endings x WHERE x.grant_id = g.id)"
                );
                let done = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(Self::ms(at))
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                Self::commit(tx).await?;
                Ok(done.rows_affected())
            }

            async fn live_grants(
                &self,
                partner: $crate::sql_impl::domain::ids::OrgId,
                at: $crate::sql_impl::jiff::Timestamp,
                limit: i64,
            ) -> $crate::StoreResult<Vec<($crate::Grant, $crate::Person)>> {
                let sql = format!(
                    "{} WHERE g.partner_org_id = $1 AND {} ORDER BY g.granted_at DESC, g.id LIMIT $3",
                    $crate::sql_impl::GRANTS,
                    $crate::sql_impl::LIVE_GRANT
                );
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(partner.0)
                    .bind(Self::ms(at))
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await
                    .map_err(Self::db_err)?;
                let grants = rows.iter().map(Self::row_grant).collect::<$crate::StoreResult<Vec<_>>>()?;
                // Their people, read once: only those these grants name.
                if grants.is_empty() {
                    return Ok(Vec::new());
                }
                let ids: Vec<String> = (1..=grants.len()).map(|i| format!("${i}")).collect();
                let sql = format!(
                    "SELECT p.id, p.org_id, p.service_id, p.given_name, p.family_name, p.kind, \
                     p.date_of_birth, p.estimated_age, p.created_at FROM people p WHERE p.id IN ({})",
                    ids.join(", ")
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for g in &grants {
                    q = q.bind(g.person_id.0);
                }
                let people: std::collections::HashMap<_, _> = q
                    .fetch_all(self.reader())
                    .await
                    .map_err(Self::db_err)?
                    .iter()
                    .map(|r| Self::row_person(r).map(|p| (p.id, p)))
                    .collect::<$crate::StoreResult<_>>()?;
                // Each grant with its person, and only the provider's own.
                Ok(grants
                    .into_iter()
                    .filter_map(|g| {
                        people
                            .get(&g.person_id)
                            .filter(|p| p.org_id == g.org_id)
                            .cloned()
                            .map(|p| (g, p))
                    })
                    .collect())
            }

            async fn person_through_grant(
                &self,
                partner: $crate::sql_impl::domain::ids::OrgId,
                grant: $crate::sql_impl::uuid::Uuid,
                at: $crate::sql_impl::jiff::Timestamp,
            ) -> $crate::StoreResult<Option<($crate::Grant, $crate::Person)>> {
                // The grant's scope is the query's: a partner's id, live now, this grant.
                let sql = format!(
                    "{} WHERE g.partner_org_id = $1 AND {} AND g.id = $3",
                    $crate::sql_impl::GRANTS,
                    $crate::sql_impl::LIVE_GRANT
                );
                let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(partner.0)
                    .bind(Self::ms(at))
                    .bind(grant)
                    .fetch_optional(self.reader())
                    .await
                    .map_err(Self::db_err)?
                else {
                    return Ok(None);
                };
                let g = Self::row_grant(&row)?;
                let person = sqlx::query(
                    "SELECT p.id, p.org_id, p.service_id, p.given_name, p.family_name, p.kind, p.date_of_birth, \
                     p.estimated_age, p.created_at FROM people p JOIN access_grants g ON g.person_id = p.id \
                     AND g.org_id = p.org_id WHERE g.id = $1",
                )
                .bind(grant)
                .fetch_optional(self.reader())
                .await
                .map_err(Self::db_err)?;
                Ok(match person {
                    Some(p) => Some((g, Self::row_person(&p)?)),
                    None => None,
                })
            }


            async fn disclosures(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                query: &$crate::DisclosureQuery,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<Vec<$crate::DisclosureRecord>> {
                use sqlx::Row as _;
                use $crate::sql_impl::{Bind, Binds};
                if query.limit <= 0 || query.services.as_ref().is_some_and(|s| s.is_empty()) {
                    return Ok(Vec::new());
                }
                $crate::Store::record_audit(self, audit).await?;
                let mut b = Binds::default();
                let mut sql = String::from(
                    "SELECT id, org_id, service_id, person_id, shared_at, shared_offset_seconds, recorded_at, \
                     decided_by, decided_by_label, kind, what, recipient, purpose, lawful_basis, condition, \
                     consent, concern, told_person FROM disclosures WHERE org_id = $1",
                );
                if let Some(p) = query.person {
                    sql += &format!(" AND person_id = {}", b.push(Bind::Id(p.0)));
                }
                if let Some(services) = &query.services {
                    let list = b.list(services.iter().map(|s| Bind::Id(s.0)));
                    sql += &format!(" AND service_id IN ({list})");
                }
                if let Some(from) = query.from {
                    sql += &format!(" AND shared_at >= {}", b.millis(from));
                }
                if let Some(before) = query.before {
                    sql += &format!(" AND shared_at < {}", b.millis(before));
                }
                if let Some(words) = query.recipient.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
                    sql += &format!(" AND LOWER(recipient) LIKE {} ESCAPE '\\'", b.push($crate::sql_impl::contains(words)));
                }
                if let Some((at, id)) = query.after {
                    let at = b.millis(at);
                    let id = b.push(Bind::Id(id));
                    sql += &format!(" AND (shared_at < {at} OR (shared_at = {at} AND id < {id}))");
                }
                sql += &format!(" ORDER BY shared_at DESC, id DESC LIMIT {}", b.push(Bind::Int(query.limit)));
                let rows = self.fetch_generated(org, (sql, b.0)).await?;
                rows.iter()
                    .map(|r| {
                        let by: Option<$crate::sql_impl::uuid::Uuid> = r.try_get("decided_by").map_err(Self::db_err)?;
                        let offset: i64 = r.try_get("shared_offset_seconds").map_err(Self::db_err)?;
                        Ok($crate::DisclosureRecord {
                            id: r.try_get("id").map_err(Self::db_err)?,
                            org_id: $crate::sql_impl::domain::ids::OrgId(r.try_get("org_id").map_err(Self::db_err)?),
                            service_id: $crate::sql_impl::domain::ids::ServiceId(r.try_get("service_id").map_err(Self::db_err)?),
                            person_id: $crate::sql_impl::domain::ids::PersonId(r.try_get("person_id").map_err(Self::db_err)?),
                            shared: $crate::sql_impl::domain::episode::Occurred {
                                at: Self::at(r.try_get("shared_at").map_err(Self::db_err)?),
                                offset_seconds: i32::try_from(offset).unwrap_or(0),
                            },
                            recorded_at: Self::at(r.try_get("recorded_at").map_err(Self::db_err)?),
                            decided_by: by.map($crate::sql_impl::domain::ids::UserId),
                            decided_by_label: r.try_get("decided_by_label").map_err(Self::db_err)?,
                            kind: r.try_get("kind").map_err(Self::db_err)?,
                            disclosure: $crate::sql_impl::domain::disclosure::Disclosure {
                                what: r.try_get("what").map_err(Self::db_err)?,
                                recipient: r.try_get("recipient").map_err(Self::db_err)?,
                                purpose: r.try_get("purpose").map_err(Self::db_err)?,
                                lawful_basis: r.try_get("lawful_basis").map_err(Self::db_err)?,
                                condition: r.try_get("condition").map_err(Self::db_err)?,
                                consent: r.try_get("consent").map_err(Self::db_err)?,
                                concern: r.try_get("concern").map_err(Self::db_err)?,
                                told_person: r.try_get("told_person").map_err(Self::db_err)?,
                            },
                        })
                    })
                    .collect()
            }

            async fn second_factor(
                &self,
                user: $crate::sql_impl::domain::ids::UserId,
            ) -> $crate::StoreResult<Option<$crate::SecondFactor>> {
                use sqlx::Row as _;
                let row = sqlx::query("SELECT secret_sealed, enrolled_at, last_step FROM second_factors WHERE user_id = $1")
                    .bind(user.0)
                    .fetch_optional(self.reader())
                    .await
                    .map_err(Self::db_err)?;
                row.map(|r| {
                    Ok($crate::SecondFactor {
                        secret_sealed: r.try_get("secret_sealed").map_err(Self::db_err)?,
                        enrolled_at: Self::at(r.try_get("enrolled_at").map_err(Self::db_err)?),
                        last_step: r.try_get("last_step").map_err(Self::db_err)?,
                    })
                })
                .transpose()
            }

            async fn enrol_second_factor(
                &self,
                e: &$crate::Enrolment,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                for sql in [
                    "DELETE FROM second_factors WHERE user_id = $1",
                    "DELETE FROM recovery_codes WHERE user_id = $1",
                    "DELETE FROM remembered_devices WHERE user_id = $1",
                ] {
                    sqlx::query(sql).bind(e.user.0).execute(&mut *tx).await.map_err(Self::db_err)?;
                }
                sqlx::query("INSERT INTO second_factors (user_id, secret_sealed, enrolled_at, last_step) VALUES ($1, $2, $3, $4)")
                    .bind(e.user.0)
                    .bind(e.secret_sealed.clone())
                    .bind(Self::ms(e.at))
                    .bind(e.step)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                for hash in &e.recovery_hashes {
                    sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                        .bind(e.user.0)
                        .bind(hash)
                        .execute(&mut *tx)
                        .await
                        .map_err(Self::db_err)?;
                }
                if let Some(challenge) = &e.challenge_hash {
                    sqlx::query("DELETE FROM sign_in_challenges WHERE token_hash = $1")
                        .bind(challenge)
                        .execute(&mut *tx)
                        .await
                        .map_err(Self::db_err)?;
                }
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn remove_second_factor(
                &self,
                user: $crate::sql_impl::domain::ids::UserId,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                for sql in [
                    "DELETE FROM second_factors WHERE user_id = $1",
                    "DELETE FROM recovery_codes WHERE user_id = $1",
                    "DELETE FROM remembered_devices WHERE user_id = $1",
                    "DELETE FROM sign_in_challenges WHERE user_id = $1",
                    // Whoever holds the lost phone is signed out everywhere too.
                    "DELETE FROM sessions WHERE user_id = $1",
                ] {
                    sqlx::query(sql).bind(user.0).execute(&mut *tx).await.map_err(Self::db_err)?;
                }
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn use_second_factor_step(
                &self,
                user: $crate::sql_impl::domain::ids::UserId,
                step: i64,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "UPDATE second_factors SET last_step = $2 WHERE user_id = $1 \
                     AND (last_step IS NULL OR last_step < $2)",
                )
                .bind(user.0)
                .bind(step)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?
                .rows_affected();
                Self::commit(tx).await?;
                Ok(done == 1)
            }

            async fn use_recovery_code(
                &self,
                user: $crate::sql_impl::domain::ids::UserId,
                code_hash: &str,
                at: $crate::sql_impl::jiff::Timestamp,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let done = sqlx::query(
                    "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
                )
                .bind(user.0)
                .bind(code_hash)
                .bind(Self::ms(at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?
                .rows_affected();
                Self::commit(tx).await?;
                Ok(done == 1)
            }

            async fn recovery_codes_left(
                &self,
                user: $crate::sql_impl::domain::ids::UserId,
            ) -> $crate::StoreResult<i64> {
                use sqlx::Row as _;
                sqlx::query("SELECT COUNT(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
                    .bind(user.0)
                    .fetch_one(self.reader())
                    .await
                    .map_err(Self::db_err)?
                    .try_get("n")
                    .map_err(Self::db_err)
            }

            async fn remember_device(
                &self,
                token_hash: &str,
                user: $crate::sql_impl::domain::ids::UserId,
                at: $crate::sql_impl::jiff::Timestamp,
                until: $crate::sql_impl::jiff::Timestamp,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("INSERT INTO remembered_devices (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(token_hash)
                    .bind(user.0)
                    .bind(Self::ms(at))
                    .bind(Self::ms(until))
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                Self::commit(tx).await
            }

            async fn is_remembered_device(
                &self,
                token_hash: &str,
                user: $crate::sql_impl::domain::ids::UserId,
                now: $crate::sql_impl::jiff::Timestamp,
            ) -> $crate::StoreResult<bool> {
                let row = sqlx::query(
                    "SELECT user_id FROM remembered_devices WHERE token_hash = $1 AND user_id = $2 AND expires_at > $3",
                )
                .bind(token_hash)
                .bind(user.0)
                .bind(Self::ms(now))
                .fetch_optional(self.reader())
                .await
                .map_err(Self::db_err)?;
                Ok(row.is_some())
            }

            async fn create_challenge(&self, c: &$crate::Challenge) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO sign_in_challenges (token_hash, user_id, created_at, tries, new_secret_sealed) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&c.token_hash)
                .bind(c.user.0)
                .bind(Self::ms(c.created_at))
                .bind(c.tries)
                .bind(c.new_secret_sealed.clone())
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                Self::commit(tx).await
            }

            async fn find_challenge(
                &self,
                token_hash: &str,
            ) -> $crate::StoreResult<Option<($crate::Challenge, $crate::sql_impl::domain::ids::OrgId)>> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT c.token_hash, c.user_id, c.created_at, c.tries, c.new_secret_sealed, u.org_id \
                     FROM sign_in_challenges c JOIN users u ON u.id = c.user_id WHERE c.token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(self.reader())
                .await
                .map_err(Self::db_err)?;
                row.map(|r| {
                    Ok((
                        $crate::Challenge {
                            token_hash: r.try_get("token_hash").map_err(Self::db_err)?,
                            user: $crate::sql_impl::domain::ids::UserId(r.try_get("user_id").map_err(Self::db_err)?),
                            created_at: Self::at(r.try_get("created_at").map_err(Self::db_err)?),
                            tries: r.try_get("tries").map_err(Self::db_err)?,
                            new_secret_sealed: r.try_get("new_secret_sealed").map_err(Self::db_err)?,
                        },
                        $crate::sql_impl::domain::ids::OrgId(r.try_get("org_id").map_err(Self::db_err)?),
                    ))
                })
                .transpose()
            }

            async fn challenge_tried(&self, token_hash: &str) -> $crate::StoreResult<i64> {
                use sqlx::Row as _;
                let mut tx = self.begin_write().await?;
                sqlx::query("UPDATE sign_in_challenges SET tries = tries + 1 WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                let tries: Option<i64> = sqlx::query("SELECT tries FROM sign_in_challenges WHERE token_hash = $1")
                    .bind(token_hash)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(Self::db_err)?
                    .map(|r| r.try_get("tries"))
                    .transpose()
                    .map_err(Self::db_err)?;
                Self::commit(tx).await?;
                Ok(tries.unwrap_or(i64::MAX))
            }

            async fn end_challenge(&self, token_hash: &str) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM sign_in_challenges WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                Self::commit(tx).await
            }

            async fn record_sign_in_failure(
                &self,
                email: &str,
                ip: &str,
                device_hash: Option<&str>,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("INSERT INTO sign_in_failures (email, ip, at, device_hash) VALUES ($1, $2, $3, $4)")
                    .bind(email)
                    .bind(ip)
                    .bind(Self::ms(audit.at))
                    .bind(device_hash)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn recent_failures(
                &self,
                email: &str,
                ip: &str,
                device_hash: Option<&str>,
                since: $crate::sql_impl::jiff::Timestamp,
            ) -> $crate::StoreResult<$crate::sql_impl::domain::throttle::RecentFailures> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT \
                       COALESCE(SUM(CASE WHEN email = $1 AND ip = $2 THEN 1 ELSE 0 END), 0) AS pair, \
                       COALESCE(SUM(CASE WHEN ip = $2 THEN 1 ELSE 0 END), 0) AS by_ip, \
                       COALESCE(SUM(CASE WHEN email = $1 THEN 1 ELSE 0 END), 0) AS by_email, \
                       COALESCE(SUM(CASE WHEN device_hash = $4 THEN 1 ELSE 0 END), 0) AS by_device \
                     FROM sign_in_failures WHERE at >= $3 AND (email = $1 OR ip = $2 OR device_hash = $4)",
                )
                .bind(email)
                .bind(ip)
                .bind(Self::ms(since))
                .bind(device_hash)
                .fetch_one(self.reader())
                .await
                .map_err(Self::db_err)?;
                let count = |name: &str| -> $crate::StoreResult<u32> {
                    let n: i64 = row.try_get(name).map_err(Self::db_err)?;
                    Ok(u32::try_from(n).unwrap_or(u32::MAX))
                };
                Ok($crate::sql_impl::domain::throttle::RecentFailures {
                    account_and_address: count("pair")?,
                    address: count("by_ip")?,
                    account: count("by_email")?,
                    device: count("by_device")?,
                })
            }

            async fn create_person(
                &self,
                p: &$crate::Person,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                Self::insert_person(&mut tx, p).await?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn list_people(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                services: Option<&[$crate::sql_impl::domain::ids::ServiceId]>,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<Vec<$crate::Person>> {
                // The audit record is written first: if it cannot be, nothing is shown.
                self.record_audit(audit).await?;
                let base = "SELECT id, org_id, service_id, given_name, family_name, kind, date_of_birth, \
                            estimated_age, created_at FROM people WHERE org_id = $1";
                let sql = match services {
                    None => format!("{base} ORDER BY family_name, given_name"),
                    Some([]) => return Ok(Vec::new()),
                    Some(list) => format!(
                        "{base} AND service_id IN ({}) ORDER BY family_name, given_name",
                        $crate::sql_impl::placeholders(2, list.len())
                    ),
                };
                // Only generated placeholders are interpolated; the values are bound.
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org.0);
                for s in services.unwrap_or(&[]) {
                    q = q.bind(s.0);
                }
                let rows = q.fetch_all(self.reader()).await.map_err(Self::db_err)?;
                rows.iter().map(Self::row_person).collect()
            }

            async fn people_page(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                query: &$crate::PeopleQuery,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<Vec<$crate::Person>> {
                let empty = query.services.as_ref().is_some_and(|s| s.is_empty()) || query.limit <= 0;
                self.audited_people(org, empty, audit, $crate::sql_impl::people_query(query)).await
            }

            async fn people_due(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                query: &$crate::DueQuery,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<Vec<$crate::Person>> {
                let empty = query.services.as_ref().is_some_and(|s| s.is_empty()) || query.limit <= 0;
                self.audited_people(org, empty, audit, $crate::sql_impl::people_due_query(query)).await
            }

            async fn count_people(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                services: Option<&[$crate::sql_impl::domain::ids::ServiceId]>,
            ) -> $crate::StoreResult<i64> {
                use sqlx::Row as _;
                let sql = match services {
                    None => "SELECT COUNT(*) AS n FROM people WHERE org_id = $1".to_string(),
                    Some([]) => return Ok(0),
                    Some(list) => format!(
                        "SELECT COUNT(*) AS n FROM people WHERE org_id = $1 AND service_id IN ({})",
                        $crate::sql_impl::placeholders(2, list.len())
                    ),
                };
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org.0);
                for s in services.unwrap_or(&[]) {
                    q = q.bind(s.0);
                }
                q.fetch_one(self.reader())
                    .await
                    .map_err(Self::db_err)?
                    .try_get("n")
                    .map_err(Self::db_err)
            }

            async fn get_person(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                id: $crate::sql_impl::domain::ids::PersonId,
            ) -> $crate::StoreResult<Option<$crate::Person>> {
                let row = sqlx::query(
                    "SELECT id, org_id, service_id, given_name, family_name, kind, date_of_birth, \
                     estimated_age, created_at FROM people WHERE org_id = $1 AND id = $2",
                )
                .bind(org.0)
                .bind(id.0)
                .fetch_optional(self.reader())
                .await
                .map_err(Self::db_err)?;
                row.as_ref().map(Self::row_person).transpose()
            }

            async fn create_person_with_profile(
                &self,
                person: &$crate::Person,
                profile: &$crate::DocumentVersion,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                Self::insert_person(&mut tx, person).await?;
                Self::insert_document(&mut tx, profile).await?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn append_document(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                version: &$crate::DocumentVersion,
                summary: Option<&$crate::Person>,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let found = sqlx::query("SELECT id FROM people WHERE id = $1 AND org_id = $2")
                    .bind(version.person_id.0)
                    .bind(org.0)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                if found.is_none() {
                    return Err($crate::StoreError::Conflict("no such person in this organisation"));
                }
                Self::insert_document(&mut tx, version).await?;
                // The read model follows the latest information form.
                if let Some(p) = summary {
                    sqlx::query(
                        "UPDATE people SET service_id = $1, given_name = $2, family_name = $3, kind = $4, \
                         date_of_birth = $5, estimated_age = $6 WHERE id = $7 AND org_id = $8",
                    )
                    .bind(p.service_id.0)
                    .bind(&p.given_name)
                    .bind(&p.family_name)
                    .bind(p.kind.code())
                    .bind(p.date_of_birth.map(|d| d.to_string()))
                    .bind(p.estimated_age.map(i64::from))
                    .bind(p.id.0)
                    .bind(org.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                }
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn latest_document(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                person: $crate::sql_impl::domain::ids::PersonId,
                kind: $crate::sql_impl::domain::forms::DocKind,
            ) -> $crate::StoreResult<Option<$crate::DocumentVersion>> {
                Ok(self.documents(org, person, kind, None, 1).await?.pop())
            }

            async fn document_history(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                person: $crate::sql_impl::domain::ids::PersonId,
                kind: $crate::sql_impl::domain::forms::DocKind,
            ) -> $crate::StoreResult<Vec<$crate::DocumentVersion>> {
                self.documents(org, person, kind, None, 10_000).await
            }

            async fn document_version(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                person: $crate::sql_impl::domain::ids::PersonId,
                kind: $crate::sql_impl::domain::forms::DocKind,
                version: i64,
            ) -> $crate::StoreResult<Option<$crate::DocumentVersion>> {
                if version < 1 {
                    return Ok(None);
                }
                Ok(self.documents(org, person, kind, Some(version), 1).await?.pop())
            }

            async fn add_photo(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                photo: &$crate::PhotoMeta,
                jpeg: &[u8],
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let found = sqlx::query("SELECT id FROM people WHERE id = $1 AND org_id = $2")
                    .bind(photo.person_id.0)
                    .bind(org.0)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                if found.is_none() {
                    return Err($crate::StoreError::Conflict("no such person in this organisation"));
                }
                sqlx::query(
                    "INSERT INTO person_photos (id, person_id, taken_on, width, height, jpeg, uploaded_by_label, uploaded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(photo.id.0)
                .bind(photo.person_id.0)
                .bind(photo.taken_on.to_string())
                .bind(i64::from(photo.width))
                .bind(i64::from(photo.height))
                .bind(jpeg)
                .bind(&photo.uploaded_by_label)
                .bind(Self::ms(photo.uploaded_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                sqlx::query(
                    "INSERT INTO person_photo_choices (person_id, photo_id, chosen_by_label, chosen_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(photo.person_id.0)
                .bind(photo.id.0)
                .bind(&photo.uploaded_by_label)
                .bind(Self::ms(photo.uploaded_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn open_episode(
                &self,
                summary: &$crate::EpisodeSummary,
                first: &$crate::sql_impl::domain::episode::EventRecord,
                learning: Option<&$crate::Learning>,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let person = sqlx::query("SELECT id FROM people WHERE id = $1 AND org_id = $2 AND service_id = $3")
                    .bind(summary.person_id.0)
                    .bind(summary.org_id.0)
                    .bind(summary.service_id.0)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                if person.is_none() {
                    return Err($crate::StoreError::Conflict("no such person in this organisation"));
                }
                Self::insert_summaries(&mut tx, &[summary]).await?;
                let seal = Self::insert_episode_event(&mut tx, summary.id, first).await?;
                if let Some(learning) = learning {
                    Self::write_learning(&mut tx, summary, learning).await?;
                }
                self.append_audit_sealed(&mut tx, audit, Some(&seal)).await?;
                Self::commit(tx).await
            }

            async fn put_learning(
                &self,
                summary: &$crate::EpisodeSummary,
                learning: &$crate::Learning,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                Self::write_learning(&mut tx, summary, learning).await?;
                Self::commit(tx).await
            }

            async fn count_episodes(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                filter: &$crate::FactsFilter,
                now: $crate::sql_impl::jiff::Timestamp,
            ) -> $crate::StoreResult<i64> {
                use sqlx::Row as _;
                use $crate::sql_impl::{Bind, Binds};
                let whole = $crate::FactsFilter { cut: None, ..filter.clone() };
                // A cut the kept counts hold, over the organisation's whole days: read from
                // them, as the dashboard's figure was, instead of counting a year of facts.
                if let (Some(ranges), Some(name)) = (
                    $crate::sql_impl::rollup_ranges(&whole),
                    filter.cut.as_ref().and_then($crate::sql_impl::kept_cut),
                ) {
                    let mut b = Binds::default();
                    let kept = $crate::sql_impl::kept_in_window(&ranges, &mut b, |b| {
                        let figure = b.push(Bind::Text($crate::sql_impl::domain::rollup::CUT.into()));
                        let key = b.push(Bind::Text(name.into()));
                        format!("figure = {figure} AND key = {key}")
                    });
                    let sql = format!("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM {kept}");
                    return match self.fetch_generated(org, (sql, b.0)).await?.first() {
                        Some(r) => Ok(r.try_get::<Option<i64>, _>("n").map_err(Self::db_err)?.unwrap_or(0)),
                        None => Ok(0),
                    };
                }
                Ok(self.patterns_tiles(org, filter, now, &[$crate::Tile::Headline]).await?.episodes)
            }

            async fn patterns_tiles(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                filter: &$crate::FactsFilter,
                now: $crate::sql_impl::jiff::Timestamp,
                tiles: &[$crate::Tile],
            ) -> $crate::StoreResult<$crate::Patterns> {
                use sqlx::Row as _;
                use $crate::Tile;
                use $crate::sql_impl::{Binds, facts_where};
                let get = |row: &<$db as sqlx::Database>::Row, name: &str| -> $crate::StoreResult<i64> {
                    Ok(row.try_get::<Option<i64>, _>(name).map_err(Self::db_err)?.unwrap_or(0))
                };
                let wants = |t: Tile| tiles.contains(&t);
                // What adds up across days comes from the organisation's kept counts when the
                // window is whole UK days across the whole organisation; otherwise (some homes,
                // one person, one cut) from the facts of the few episodes in the window.
                let mut p = match $crate::sql_impl::rollup_ranges(filter) {
                    Some(ranges) => self.counts_from_rollups(org, filter, now, &ranges, tiles).await?,
                    None => self.counts_from_facts(org, filter, now, tiles).await?,
                };
                // Who went missing: from the counts kept by person when they can answer,
                // otherwise from the facts by time window.
                let by_person = match $crate::sql_impl::rollup_ranges(filter) {
                    Some(ranges) => {
                        self.people_from_rollups(org, filter, &ranges, tiles, &mut p).await?;
                        true
                    }
                    None => false,
                };
                if wants(Tile::People) && !by_person {
                    let mut b = Binds::default();
                    let base = facts_where(filter, now, &mut b);
                    let facts = $crate::sql_impl::facts_from(filter, $engine);
                    let sql = format!("SELECT COUNT(DISTINCT f.person_id) AS n FROM {facts} WHERE {base}");
                    p.people = match self.fetch_generated(org, (sql, b.0)).await?.first() {
                        Some(r) => get(r, "n")?,
                        None => 0,
                    };
                }
                if wants(Tile::Risks) && !by_person {
                    // The people behind them: each person once per indicator.
                    let mut b = Binds::default();
                    let base = facts_where(filter, now, &mut b);
                    let facts = $crate::sql_impl::facts_from(filter, $engine);
                    let sql = format!(
                        "SELECT DISTINCT f.person_id AS p, f.risks AS r FROM {facts} \
                         WHERE {base} AND f.risks <> ''"
                    );
                    let mut people_by_risk = std::collections::BTreeMap::<String, std::collections::BTreeSet<$crate::sql_impl::uuid::Uuid>>::new();
                    // Streamed: a region's window can hold many people with risks recorded.
                    self.each_generated(org, (sql, b.0), |r| {
                        let person: $crate::sql_impl::uuid::Uuid = r.try_get("p").map_err(Self::db_err)?;
                        let codes: String = r.try_get("r").map_err(Self::db_err)?;
                        for code in codes.split(',').filter(|c| !c.is_empty()) {
                            people_by_risk.entry(code.to_string()).or_default().insert(person);
                        }
                        Ok(())
                    })
                    .await?;
                    p.risk_people = people_by_risk
                        .into_iter()
                        .map(|(code, people)| (code, people.len() as i64))
                        .collect();
                    p.risk_people.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                }
                if wants(Tile::Most) && !by_person {
                    let mut b = Binds::default();
                    let base = facts_where(filter, now, &mut b);
                    let facts = $crate::sql_impl::facts_from(filter, $engine);
                    let sql = format!(
                        "SELECT f.person_id AS p, COUNT(*) AS n FROM {facts} WHERE {base} \
                         GROUP BY f.person_id ORDER BY COUNT(*) DESC, f.person_id LIMIT 10"
                    );
                    for r in self.fetch_generated(org, (sql, b.0)).await? {
                        let id: $crate::sql_impl::uuid::Uuid = r.try_get("p").map_err(Self::db_err)?;
                        p.most.push(($crate::sql_impl::domain::ids::PersonId(id), r.try_get("n").map_err(Self::db_err)?));
                    }
                }
                if wants(Tile::Duties) {
                    // Open past their deadline now: counted live from the few duties still open.
                    let mut b = Binds::default();
                    let base = facts_where(filter, now, &mut b);
                    let at_now = b.millis(now);
                    let from = b.millis(filter.from);
                    let before = b.millis(filter.before);
                    let sql = format!(
                        "SELECT d.rule AS rule, COUNT(*) AS n FROM episode_duty_outcomes d \
                         WHERE d.org_id = $1 AND d.status = 'open' AND d.started_at >= {from} \
                         AND d.started_at < {before} AND d.due_at IS NOT NULL AND d.due_at < {at_now} \
                         AND EXISTS (SELECT 1 FROM episode_facts f WHERE f.episode_id = d.episode_id AND {base}) \
                         GROUP BY d.rule"
                    );
                    for r in self.fetch_generated(org, (sql, b.0)).await? {
                        let rule: String = r.try_get("rule").map_err(Self::db_err)?;
                        if let Some(d) = p.duties.iter_mut().find(|d| d.rule == rule) {
                            d.overdue = get(&r, "n")?;
                        }
                    }
                }
                Ok(p)
            }

            async fn shared_associates(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                filter: &$crate::FactsFilter,
                now: $crate::sql_impl::jiff::Timestamp,
                limit: i64,
            ) -> $crate::StoreResult<Vec<$crate::SharedAssociate>> {
                use sqlx::Row as _;
                use $crate::sql_impl::{Bind, Binds, facts_where};
                let mut b = Binds::default();
                let base = facts_where(filter, now, &mut b);
                let facts = $crate::sql_impl::facts_from(filter, $engine);
                let n = b.push(Bind::Int(limit));
                // The window's people first (few), then their associates by the kept key.
                let sql = format!(
                    "WITH people AS (SELECT f.person_id, COUNT(*) AS episodes, MIN(f.started_at) AS first_at, \
                     MAX(f.started_at) AS last_at FROM {facts} WHERE {base} GROUP BY f.person_id), \
                     links AS (SELECT a.name_key, a.name, a.trust, p.person_id, p.episodes, p.first_at, p.last_at \
                     FROM person_associates a JOIN people p ON p.person_id = a.person_id WHERE a.org_id = $1), \
                     shared AS (SELECT name_key FROM links GROUP BY name_key HAVING COUNT(*) > 1) \
                     SELECT l.name_key, l.name, l.trust, l.person_id, l.episodes, l.first_at, l.last_at \
                     FROM links l JOIN shared s ON s.name_key = l.name_key \
                     ORDER BY l.name_key, l.last_at DESC, l.person_id LIMIT {n}"
                );
                let rows = self.fetch_generated(org, (sql, b.0)).await?;
                rows.iter()
                    .map(|r| {
                        Ok($crate::SharedAssociate {
                            key: r.try_get("name_key").map_err(Self::db_err)?,
                            name: r.try_get("name").map_err(Self::db_err)?,
                            trust: r.try_get("trust").map_err(Self::db_err)?,
                            person_id: $crate::sql_impl::domain::ids::PersonId(r.try_get("person_id").map_err(Self::db_err)?),
                            episodes: r.try_get("episodes").map_err(Self::db_err)?,
                            first_at: Self::at(r.try_get("first_at").map_err(Self::db_err)?),
                            last_at: Self::at(r.try_get("last_at").map_err(Self::db_err)?),
                        })
                    })
                    .collect()
            }

            async fn refresh_associates(
                &self,
                person: $crate::sql_impl::domain::ids::PersonId,
                associates: &[$crate::sql_impl::domain::learning::Associate],
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                Self::write_associates(&mut tx, person, associates).await?;
                Self::commit(tx).await
            }

            async fn missing_together(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                filter: &$crate::FactsFilter,
                now: $crate::sql_impl::jiff::Timestamp,
                within: $crate::sql_impl::jiff::SignedDuration,
                limit: i64,
            ) -> $crate::StoreResult<Vec<$crate::Together>> {
                use sqlx::Row as _;
                use $crate::sql_impl::{Bind, Binds, facts_where};
                use $crate::sql_impl::domain::ids::{EpisodeId, PersonId, ServiceId};
                let mut b = Binds::default();
                let base = facts_where(filter, now, &mut b);
                let facts = $crate::sql_impl::facts_from(filter, $engine);
                let gap = b.push(Bind::Int(within.as_millis() as i64));
                let n = b.push(Bind::Int(limit));
                // Each pair once: the second began at or after the first (by id on a tie).
                let pair = format!(
                    "c.org_id = a.org_id AND c.service_id = a.service_id \
                     AND c.person_id <> a.person_id AND c.phase <> 'recorded_in_error' \
                     AND c.started_at >= a.started_at AND c.started_at <= a.started_at + {gap} \
                     AND (c.started_at > a.started_at OR c.episode_id > a.episode_id)"
                );
                // PostgreSQL, given one home's values, may read all of the home's episodes
                // for each of the window's and filter them (100 ms at three million): the
                // lateral read, kept apart by `OFFSET 0`, looks up each one's hour instead.
                let join = match $engine {
                    $crate::Engine::Postgres => format!(
                        "CROSS JOIN LATERAL (SELECT c.episode_id, c.person_id, c.started_at \
                         FROM episode_facts c WHERE {pair} OFFSET 0) c"
                    ),
                    $crate::Engine::Sqlite => format!("JOIN episode_facts c ON {pair}"),
                };
                let sql = format!(
                    "SELECT a.episode_id AS ea, a.person_id AS pa, a.started_at AS sa, \
                     c.episode_id AS ec, c.person_id AS pc, c.started_at AS sc, a.service_id AS s \
                     FROM (SELECT f.* FROM {facts} WHERE {base}) a {join} \
                     ORDER BY a.started_at DESC, a.episode_id, c.started_at LIMIT {n}"
                );
                let rows = self.fetch_generated(org, (sql, b.0)).await?;
                rows.iter()
                    .map(|r| {
                        let id = |name: &str| -> $crate::StoreResult<$crate::sql_impl::uuid::Uuid> {
                            r.try_get(name).map_err(Self::db_err)
                        };
                        let at = |name: &str| -> $crate::StoreResult<$crate::sql_impl::jiff::Timestamp> {
                            Ok(Self::at(r.try_get(name).map_err(Self::db_err)?))
                        };
                        Ok($crate::Together {
                            service_id: ServiceId(id("s")?),
                            first: (EpisodeId(id("ea")?), PersonId(id("pa")?), at("sa")?),
                            second: (EpisodeId(id("ec")?), PersonId(id("pc")?), at("sc")?),
                        })
                    })
                    .collect()
            }

            async fn facts_episodes(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                filter: &$crate::FactsFilter,
                now: $crate::sql_impl::jiff::Timestamp,
                after: Option<($crate::sql_impl::jiff::Timestamp, $crate::sql_impl::domain::ids::EpisodeId)>,
                limit: i64,
            ) -> $crate::StoreResult<Vec<($crate::EpisodeSummary, $crate::sql_impl::jiff::Timestamp)>> {
                use sqlx::Row as _;
                use $crate::sql_impl::{Bind, Binds, facts_where};
                let mut b = Binds::default();
                let base = facts_where(filter, now, &mut b);
                let facts = $crate::sql_impl::facts_from(filter, $engine);
                let mut sql = format!(
                    "SELECT {}, f.started_at AS fact_started_at FROM {facts} \
                     JOIN episodes e ON e.id = f.episode_id WHERE {base}",
                    $crate::sql_impl::episode_columns_of("e")
                );
                if let Some((at, id)) = after {
                    let a = b.millis(at);
                    let a2 = b.millis(at);
                    let i = b.push(Bind::Id(id.0));
                    sql += &format!(" AND (f.started_at < {a} OR (f.started_at = {a2} AND f.episode_id < {i}))");
                }
                let n = b.push(Bind::Int(limit));
                sql += &format!(" ORDER BY f.started_at DESC, f.episode_id DESC LIMIT {n}");
                let rows = self.fetch_generated(org, (sql, b.0)).await?;
                rows.iter()
                    .map(|r| {
                        let started: i64 = r.try_get("fact_started_at").map_err(Self::db_err)?;
                        Ok((Self::row_episode(r)?, Self::at(started)))
                    })
                    .collect()
            }

            async fn previous_return(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                person: $crate::sql_impl::domain::ids::PersonId,
                before: $crate::sql_impl::jiff::Timestamp,
            ) -> $crate::StoreResult<Option<$crate::sql_impl::jiff::Timestamp>> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT MAX(COALESCE(returned_at, found_at)) AS back FROM episode_facts \
                     WHERE org_id = $1 AND person_id = $2 AND started_at < $3 \
                     AND phase <> 'recorded_in_error'",
                )
                .bind(org.0)
                .bind(person.0)
                .bind(Self::ms(before))
                .fetch_one(self.reader())
                .await
                .map_err(Self::db_err)?;
                Ok(row.try_get::<Option<i64>, _>("back").map_err(Self::db_err)?.map(Self::at))
            }

            async fn learning_of(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                episode: $crate::sql_impl::domain::ids::EpisodeId,
            ) -> $crate::StoreResult<Option<$crate::Learning>> {
                use sqlx::Row as _;
                let mut conn = self.reader().acquire().await.map_err(Self::db_err)?;
                Self::read_learning(&mut conn, org, episode).await
            }

            async fn append_episode_event(
                &self,
                summary: &$crate::EpisodeSummary,
                event: &$crate::sql_impl::domain::episode::EventRecord,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                self.append_episode_event_with_mail(summary, event, audit, &[]).await
            }

            async fn append_episode_event_with_mail(
                &self,
                summary: &$crate::EpisodeSummary,
                event: &$crate::sql_impl::domain::episode::EventRecord,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
                mail: &[$crate::OutboxMessage],
            ) -> $crate::StoreResult<()> {
                let mut member = self.join_batch().await?;
                let mut own = sqlx::Acquire::begin(member.tx()?).await.map_err(Self::db_err)?;
                let seal = Self::write_append(&mut own, summary, event, mail, None).await?;
                own.commit().await.map_err(Self::db_err)?;
                member.audit(audit.clone(), Some(seal));
                member.committed().await
            }

            async fn append_to_episode(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                id: $crate::sql_impl::domain::ids::EpisodeId,
                known: &[$crate::sql_impl::domain::episode::EventRecord],
                prepare: $crate::Prepare<'_>,
            ) -> $crate::StoreResult<Option<Result<$crate::PreparedAppend, $crate::sql_impl::domain::episode::Refusal>>> {
                // Holding the episode's row until the commit queues everyone else appending
                // to it behind it. A batch never waits for a row another server's batch holds:
                // each would hold rows the other wants until its commit, and neither would
                // commit. It steps out (its part taken back), lets its batch commit without
                // it, and tries again in a later one, by when the other has committed.
                let lock = format!(
                    "{} WHERE org_id = $1 AND id = $2{}",
                    $crate::sql_impl::EPISODE_COLUMNS,
                    Self::LOCK_ROW
                );
                let mut pause = std::time::Duration::from_millis(1);
                let (mut member, row) = loop {
                    let mut member = self.join_batch().await?;
                    let mut own = sqlx::Acquire::begin(member.tx()?).await.map_err(Self::db_err)?;
                    let row = sqlx::query(sqlx::AssertSqlSafe(lock.as_str()))
                        .bind(org.0)
                        .bind(id.0)
                        .fetch_optional(&mut *own)
                        .await;
                    let busy = match &row {
                        Err(sqlx::Error::Database(d)) => d.code().is_some_and(|c| c == "55P03"),
                        _ => false,
                    };
                    if busy && pause < std::time::Duration::from_secs(2) {
                        drop(own);
                        drop(member);
                        $crate::sql_impl::tokio::time::sleep(pause).await;
                        pause *= 2;
                        continue;
                    }
                    let row = row.map_err(Self::db_err)?;
                    // The row stays held by the batch once this savepoint is released.
                    own.commit().await.map_err(Self::db_err)?;
                    break (member, row);
                };
                let mut own = sqlx::Acquire::begin(member.tx()?).await.map_err(Self::db_err)?;
                let Some(row) = row else { return Ok(None) };
                let summary = Self::row_episode(&row)?;
                // Every append moves `last_event_seq` with its entry, so a caller's
                // chronology that ends there is the whole of it; otherwise read it again.
                let current = known.len() as i64 == summary.last_event_seq
                    && known.last().is_some_and(|e| e.seq == summary.last_event_seq);
                let reread;
                let events = if current {
                    known
                } else {
                    reread = Self::load_events(&mut *own, id, 0).await?;
                    &reread[..]
                };
                let prepared = match prepare(&summary, events) {
                    Ok(p) => p,
                    Err(refusal) => {
                        // The refusal may rest on an entry earlier in this batch: it stands
                        // only if that entry is saved.
                        drop(own);
                        member.committed().await?;
                        return Ok(Some(Err(refusal)));
                    }
                };
                let seal = Self::write_append(
                    &mut own,
                    &prepared.summary,
                    &prepared.record,
                    &prepared.mail,
                    prepared.learning.as_ref(),
                )
                .await?;
                own.commit().await.map_err(Self::db_err)?;
                member.audit(prepared.audit.clone(), Some(seal));
                member.committed().await?;
                Ok(Some(Ok(prepared)))
            }

            async fn latest_rota(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                service: $crate::sql_impl::domain::ids::ServiceId,
            ) -> $crate::StoreResult<Option<$crate::RotaVersion>> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT version, rota, recorded_by_label, recorded_at FROM service_rotas \
                     WHERE org_id = $1 AND service_id = $2 ORDER BY version DESC LIMIT 1",
                )
                .bind(org.0)
                .bind(service.0)
                .fetch_optional(self.reader())
                .await
                .map_err(Self::db_err)?;
                let Some(row) = row else { return Ok(None) };
                let text: String = row.try_get("rota").map_err(Self::db_err)?;
                Ok(Some($crate::RotaVersion {
                    org_id: org,
                    service_id: service,
                    version: row.try_get("version").map_err(Self::db_err)?,
                    rota: $crate::sql_impl::decode_rota(&text)?,
                    recorded_by_label: row.try_get("recorded_by_label").map_err(Self::db_err)?,
                    recorded_at: Self::at(row.try_get("recorded_at").map_err(Self::db_err)?),
                }))
            }

            async fn append_rota(
                &self,
                v: &$crate::RotaVersion,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let service = sqlx::query("SELECT id FROM services WHERE id = $1 AND org_id = $2")
                    .bind(v.service_id.0)
                    .bind(v.org_id.0)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                if service.is_none() {
                    return Err($crate::StoreError::Conflict("no such service in this organisation"));
                }
                Self::expect_next_version(
                    &mut tx,
                    "SELECT MAX(version) AS v FROM service_rotas WHERE service_id = $1",
                    v.service_id.0,
                    v.version,
                )
                .await?;
                sqlx::query(
                    "INSERT INTO service_rotas (org_id, service_id, version, rota, recorded_by_label, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(v.org_id.0)
                .bind(v.service_id.0)
                .bind(v.version)
                .bind($crate::sql_impl::encode_rota(&v.rota)?)
                .bind(&v.recorded_by_label)
                .bind(Self::ms(v.recorded_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn pending_mail(&self, limit: i64) -> $crate::StoreResult<Vec<$crate::PendingMail>> {
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{} ORDER BY o.created_at LIMIT $1",
                    $crate::sql_impl::QUEUED_MAIL
                )))
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter().map(Self::row_pending).collect()
            }

            async fn due_mail(
                &self,
                now: $crate::sql_impl::jiff::Timestamp,
                per_org: i64,
                limit: i64,
            ) -> $crate::StoreResult<Vec<$crate::PendingMail>> {
                // Each organisation's soonest few, then the soonest of those: a backlog in one
                // organisation never holds up another's.
                let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT * FROM ({} AND q.not_before <= $1) m WHERE m.rank_in_org <= $2 \
                     ORDER BY m.not_before LIMIT $3",
                    $crate::sql_impl::QUEUED_MAIL
                )))
                .bind(Self::ms(now))
                .bind(per_org)
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter().map(Self::row_pending).collect()
            }

            async fn settle_mail(
                &self,
                message: $crate::sql_impl::uuid::Uuid,
                attempt: i64,
                at: $crate::sql_impl::jiff::Timestamp,
                outcome: $crate::MailOutcome,
                error: Option<&str>,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                let delivered = outcome == $crate::MailOutcome::Delivered;
                sqlx::query(
                    "INSERT INTO outbox_attempts (message_id, attempt, attempted_at, delivered, error) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(message)
                .bind(attempt)
                .bind(Self::ms(at))
                .bind(i64::from(delivered))
                .bind(error)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                match outcome {
                    $crate::MailOutcome::RetryAt(next) => {
                        sqlx::query("UPDATE outbox_queue SET tries = tries + 1, not_before = $1 WHERE message_id = $2")
                            .bind(Self::ms(next))
                            .bind(message)
                            .execute(&mut *tx)
                            .await
                            .map_err(Self::db_err)?;
                    }
                    $crate::MailOutcome::Delivered | $crate::MailOutcome::Dead => {
                        if outcome == $crate::MailOutcome::Dead {
                            sqlx::query(
                                "INSERT INTO outbox_dead (message_id, org_id, died_at, last_error) \
                                 SELECT message_id, org_id, $1, $2 FROM outbox_queue WHERE message_id = $3",
                            )
                            .bind(Self::ms(at))
                            .bind(error)
                            .bind(message)
                            .execute(&mut *tx)
                            .await
                            .map_err(Self::db_err)?;
                        }
                        sqlx::query("DELETE FROM outbox_queue WHERE message_id = $1")
                            .bind(message)
                            .execute(&mut *tx)
                            .await
                            .map_err(Self::db_err)?;
                    }
                }
                Self::commit(tx).await
            }

            async fn bulk_load_learning(
                &self,
                rows: &[($crate::EpisodeSummary, $crate::Learning)],
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                // The people's `first_` counts are read from their episodes before these join.
                let mut by_org = std::collections::BTreeMap::<_, ($crate::sql_impl::domain::rollup::Deltas, Vec<_>)>::new();
                for (e, l) in rows {
                    let (deltas, links) = by_org.entry(e.org_id.0).or_default();
                    $crate::sql_impl::domain::rollup::add(deltas, e.person_id, &l.facts, &l.duties, 1);
                    links.push((e.person_id, $crate::sql_impl::domain::rollup::Link::of(e.id, &l.facts)));
                }
                for (org, (deltas, links)) in &mut by_org {
                    Self::firsts_change(&mut tx, $crate::sql_impl::domain::ids::OrgId(*org), links, deltas).await?;
                }
                Self::insert_learning(&mut tx, rows).await?;
                for (org, (deltas, _)) in &by_org {
                    Self::apply_rollups(&mut tx, $crate::sql_impl::domain::ids::OrgId(*org), deltas).await?;
                }
                Self::commit(tx).await
            }

            async fn bulk_load_facts(
                &self,
                rows: &[($crate::EpisodeSummary, $crate::Learning)],
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                Self::insert_learning(&mut tx, rows).await?;
                Self::commit(tx).await
            }

            async fn refresh_statistics(&self) -> $crate::StoreResult<()> {
                let sql = match $engine {
                    $crate::Engine::Sqlite => "PRAGMA analysis_limit = 1000; ANALYZE;",
                    $crate::Engine::Postgres => "ANALYZE",
                };
                let mut tx = self.begin_write().await?;
                sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(Self::db_err)?;
                Self::commit(tx).await
            }

            async fn rebuild_rollups(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
            ) -> $crate::StoreResult<u64> {
                use sqlx::Row as _;
                use $crate::sql_impl::futures_util::TryStreamExt as _;
                use $crate::sql_impl::domain::rollup;
                // Counted inside the write transaction, so no entry written meanwhile is missed
                // or counted twice.
                let mut tx = self.begin_write().await?;
                let mut deltas = rollup::Deltas::new();
                let mut links = std::collections::BTreeMap::<_, Vec<rollup::Link>>::new();
                {
                    let mut rows = sqlx::query("SELECT * FROM episode_facts WHERE org_id = $1")
                        .bind(org.0)
                        .fetch(&mut *tx);
                    while let Some(row) = rows.try_next().await.map_err(Self::db_err)? {
                        let f = Self::row_facts(&row)?;
                        let person = $crate::sql_impl::domain::ids::PersonId(row.try_get("person_id").map_err(Self::db_err)?);
                        rollup::add_figures(&mut deltas, f.start_day, &rollup::figures_of(&f), 1);
                        rollup::add_figures(&mut deltas, f.start_day, &rollup::person_figures(person, &f), 1);
                        let episode = $crate::sql_impl::domain::ids::EpisodeId(row.try_get("episode_id").map_err(Self::db_err)?);
                        links.entry(person).or_default().push(rollup::Link::of(episode, &f));
                    }
                }
                for person_links in links.values() {
                    rollup::add_firsts(&mut deltas, person_links, 1);
                }
                {
                    let mut rows = sqlx::query(
                        "SELECT f.start_day AS start_day, f.phase AS phase, d.rule AS rule, \
                         d.due_at AS due_at, d.done_at AS done_at, d.status AS status \
                         FROM episode_duty_outcomes d JOIN episode_facts f ON f.episode_id = d.episode_id \
                         WHERE d.org_id = $1",
                    )
                    .bind(org.0)
                    .fetch(&mut *tx);
                    while let Some(row) = rows.try_next().await.map_err(Self::db_err)? {
                        let day: String = row.try_get("start_day").map_err(Self::db_err)?;
                        let f = $crate::sql_impl::domain::learning::EpisodeFacts {
                            start_day: day.parse().map_err(|_| $crate::StoreError::Internal(format!("a stored day is not a date: {day}")))?,
                            phase: row.try_get("phase").map_err(Self::db_err)?,
                            ..Default::default()
                        };
                        let d = Self::row_duty_outcome(&row)?;
                        rollup::add_figures(&mut deltas, f.start_day, &rollup::duty_figures(&f, &d), 1);
                    }
                }
                sqlx::query("DELETE FROM pattern_rollups WHERE org_id = $1")
                    .bind(org.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(Self::db_err)?;
                Self::apply_rollups(&mut tx, org, &deltas).await?;
                Self::commit(tx).await?;
                Ok(deltas.len() as u64)
            }

            async fn each_fact(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                each: &mut (dyn FnMut($crate::FactRow) -> $crate::StoreResult<()> + Send),
            ) -> $crate::StoreResult<()> {
                use sqlx::Row as _;
                use $crate::sql_impl::domain::ids::{EpisodeId, PersonId, ServiceId};
                let sql = "SELECT * FROM episode_facts WHERE org_id = $1".to_string();
                self.each_generated(org, (sql, Vec::new()), |r| {
                    each($crate::FactRow {
                        episode_id: EpisodeId(r.try_get("episode_id").map_err(Self::db_err)?),
                        service_id: ServiceId(r.try_get("service_id").map_err(Self::db_err)?),
                        person_id: PersonId(r.try_get("person_id").map_err(Self::db_err)?),
                        facts: Self::row_facts(r)?,
                    })
                })
                .await
            }

            async fn person_facts(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                person: $crate::sql_impl::domain::ids::PersonId,
                limit: i64,
            ) -> $crate::StoreResult<Vec<$crate::FactRow>> {
                use sqlx::Row as _;
                use $crate::sql_impl::domain::ids::{EpisodeId, PersonId, ServiceId};
                let rows = sqlx::query(
                    "SELECT * FROM episode_facts WHERE org_id = $1 AND person_id = $2 \
                     AND phase <> 'recorded_in_error' ORDER BY started_at DESC LIMIT $3",
                )
                .bind(org.0)
                .bind(person.0)
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter()
                    .map(|r| {
                        Ok($crate::FactRow {
                            episode_id: EpisodeId(r.try_get("episode_id").map_err(Self::db_err)?),
                            service_id: ServiceId(r.try_get("service_id").map_err(Self::db_err)?),
                            person_id: PersonId(r.try_get("person_id").map_err(Self::db_err)?),
                            facts: Self::row_facts(r)?,
                        })
                    })
                    .collect()
            }

            async fn each_duty_outcome(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                each: &mut (dyn FnMut(
                    $crate::sql_impl::domain::ids::EpisodeId,
                    $crate::sql_impl::domain::learning::DutyOutcome,
                ) -> $crate::StoreResult<()> + Send),
            ) -> $crate::StoreResult<()> {
                use sqlx::Row as _;
                let sql = "SELECT episode_id, rule, due_at, done_at, status FROM episode_duty_outcomes \
                           WHERE org_id = $1".to_string();
                self.each_generated(org, (sql, Vec::new()), |r| {
                    let id = $crate::sql_impl::domain::ids::EpisodeId(r.try_get("episode_id").map_err(Self::db_err)?);
                    each(id, Self::row_duty_outcome(r)?)
                })
                .await
            }

            async fn rollups(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
            ) -> $crate::StoreResult<Vec<$crate::RollupRow>> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT grain, period, figure, key, n FROM pattern_rollups WHERE org_id = $1 \
                     ORDER BY grain, period, figure, key",
                )
                .bind(org.0)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter()
                    .map(|r| {
                        Ok($crate::RollupRow {
                            grain: r.try_get("grain").map_err(Self::db_err)?,
                            period: r.try_get("period").map_err(Self::db_err)?,
                            figure: r.try_get("figure").map_err(Self::db_err)?,
                            key: r.try_get("key").map_err(Self::db_err)?,
                            n: r.try_get("n").map_err(Self::db_err)?,
                        })
                    })
                    .collect()
            }

            async fn bulk_load(
                &self,
                people: &[$crate::Person],
                episodes: &[($crate::EpisodeSummary, Vec<$crate::sql_impl::domain::episode::EventRecord>)],
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                // Many rows to a statement: a round trip per row would take hours at scale.
                const ROWS: usize = 400;
                let mut tx = self.begin_write().await?;
                for chunk in people.chunks(ROWS) {
                    let sql = $crate::sql_impl::multi_insert(
                        "INSERT INTO people (id, org_id, service_id, given_name, family_name, kind, \
                         date_of_birth, estimated_age, created_at) VALUES ",
                        9,
                        chunk.len(),
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for p in chunk {
                        q = q
                            .bind(p.id.0)
                            .bind(p.org_id.0)
                            .bind(p.service_id.0)
                            .bind(&p.given_name)
                            .bind(&p.family_name)
                            .bind(p.kind.code())
                            .bind(p.date_of_birth.map(|d| d.to_string()))
                            .bind(p.estimated_age.map(i64::from))
                            .bind(Self::ms(p.created_at));
                    }
                    q.execute(&mut *tx).await.map_err(Self::db_err)?;
                }
                for chunk in episodes.chunks(ROWS / 2) {
                    let summaries: Vec<&$crate::EpisodeSummary> = chunk.iter().map(|(e, _)| e).collect();
                    Self::insert_summaries(&mut tx, &summaries).await?;
                }
                let events: Vec<(&$crate::EpisodeSummary, &$crate::sql_impl::domain::episode::EventRecord)> =
                    episodes.iter().flat_map(|(e, list)| list.iter().map(move |r| (e, r))).collect();
                for chunk in events.chunks(ROWS) {
                    let sql = $crate::sql_impl::multi_insert(
                        "INSERT INTO episode_events (episode_id, seq, kind, occurred_at, occurred_offset_seconds, \
                         recorded_at, recorded_by, recorded_by_label, body) VALUES ",
                        9,
                        chunk.len(),
                    );
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                    for (e, r) in chunk {
                        q = q
                            .bind(e.id.0)
                            .bind(r.seq)
                            .bind(r.event.kind())
                            .bind(Self::ms(r.when.at))
                            .bind(i64::from(r.when.offset_seconds))
                            .bind(Self::ms(r.recorded_at))
                            .bind(r.recorded_by.map(|u| u.0))
                            .bind(&r.recorded_by_label)
                            .bind($crate::sql_impl::encode_event(&r.event)?);
                    }
                    q.execute(&mut *tx).await.map_err(Self::db_err)?;
                }
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn enqueue_mail(
                &self,
                message: &$crate::OutboxMessage,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                Self::queue_mail(&mut tx, message).await?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn dead_letter(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                id: $crate::sql_impl::uuid::Uuid,
            ) -> $crate::StoreResult<Option<($crate::DeadMail, bool)>> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT o.id, o.org_id, o.episode_id, o.created_at, o.to_address, o.subject, o.body, \
                     d.died_at, d.last_error, d.resolved_at FROM outbox_dead d JOIN outbox o ON o.id = d.message_id \
                     WHERE d.org_id = $1 AND d.message_id = $2",
                )
                .bind(org.0)
                .bind(id)
                .fetch_optional(self.reader())
                .await
                .map_err(Self::db_err)?;
                let Some(row) = row else { return Ok(None) };
                let resolved: Option<i64> = row.try_get("resolved_at").map_err(Self::db_err)?;
                Ok(Some((Self::row_dead(&row)?, resolved.is_some())))
            }

            async fn dead_mail(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                limit: i64,
            ) -> $crate::StoreResult<Vec<$crate::DeadMail>> {
                let rows = sqlx::query(
                    "SELECT o.id, o.org_id, o.episode_id, o.created_at, o.to_address, o.subject, o.body, \
                     d.died_at, d.last_error FROM outbox_dead d JOIN outbox o ON o.id = d.message_id \
                     WHERE d.org_id = $1 AND d.resolved_at IS NULL ORDER BY d.died_at DESC LIMIT $2",
                )
                .bind(org.0)
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter().map(Self::row_dead).collect()
            }

            async fn resend_mail(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                dead: $crate::sql_impl::uuid::Uuid,
                resend: &$crate::OutboxMessage,
                by: &str,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let dealt = sqlx::query(
                    "UPDATE outbox_dead SET resolved_at = $1, resolved_by = $2, resent_as = $3 \
                     WHERE message_id = $4 AND org_id = $5 AND resolved_at IS NULL",
                )
                .bind(Self::ms(resend.created_at))
                .bind(by)
                .bind(resend.id)
                .bind(dead)
                .bind(org.0)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                if dealt.rows_affected() != 1 {
                    return Ok(false);
                }
                Self::queue_mail(&mut tx, resend).await?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await?;
                Ok(true)
            }

            async fn record_mail_attempt(
                &self,
                message: $crate::sql_impl::uuid::Uuid,
                attempt: i64,
                at: $crate::sql_impl::jiff::Timestamp,
                delivered: bool,
                error: Option<&str>,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO outbox_attempts (message_id, attempt, attempted_at, delivered, error) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(message)
                .bind(attempt)
                .bind(Self::ms(at))
                .bind(i64::from(delivered))
                .bind(error)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                Self::commit(tx).await
            }

            async fn episode_after(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                id: $crate::sql_impl::domain::ids::EpisodeId,
                seq: i64,
            ) -> $crate::StoreResult<Option<($crate::EpisodeSummary, Vec<$crate::sql_impl::domain::episode::EventRecord>)>> {
                use sqlx::Row as _;
                let row = sqlx::query(sqlx::AssertSqlSafe(format!("{} WHERE org_id = $1 AND id = $2", $crate::sql_impl::EPISODE_COLUMNS)))
                    .bind(org.0)
                    .bind(id.0)
                    .fetch_optional(self.reader())
                    .await
                    .map_err(Self::db_err)?;
                let Some(row) = row else { return Ok(None) };
                let summary = Self::row_episode(&row)?;
                let events = Self::load_events(self.reader(), id, seq).await?;
                Ok(Some((summary, events)))
            }

            async fn list_episodes(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                query: &$crate::EpisodeQuery,
            ) -> $crate::StoreResult<Vec<$crate::EpisodeSummary>> {
                if query.services.as_ref().is_some_and(|s| s.is_empty()) || query.limit <= 0 {
                    return Ok(Vec::new());
                }
                let rows = self.fetch_generated(org, $crate::sql_impl::episode_query(query)).await?;
                rows.iter().map(Self::row_episode).collect()
            }

            async fn board_rows(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                services: Option<&[$crate::sql_impl::domain::ids::ServiceId]>,
            ) -> $crate::StoreResult<Vec<$crate::BoardRow>> {
                use sqlx::Row as _;
                if services.is_some_and(|s| s.is_empty()) {
                    return Ok(Vec::new());
                }
                // One read for the whole board: every board view is also an audited write, so
                // each query saved here is time a busy night's writers get back.
                let rows = self.fetch_generated(org, $crate::sql_impl::board_query(services)).await?;
                rows.iter()
                    .map(|row| {
                        let summary = Self::row_episode(row)?;
                        let kind: String = row.try_get("p_kind").map_err(Self::db_err)?;
                        let dob: Option<String> = row.try_get("p_date_of_birth").map_err(Self::db_err)?;
                        let age: Option<i64> = row.try_get("p_estimated_age").map_err(Self::db_err)?;
                        let person = $crate::Person {
                            id: summary.person_id,
                            org_id: summary.org_id,
                            service_id: $crate::sql_impl::domain::ids::ServiceId(
                                row.try_get("p_service_id").map_err(Self::db_err)?,
                            ),
                            given_name: row.try_get("p_given_name").map_err(Self::db_err)?,
                            family_name: row.try_get("p_family_name").map_err(Self::db_err)?,
                            kind: $crate::sql_impl::person_kind(&kind)?,
                            date_of_birth: dob.as_deref().map($crate::sql_impl::date).transpose()?,
                            estimated_age: age.and_then(|a| i16::try_from(a).ok()),
                            created_at: Self::at(row.try_get("p_created_at").map_err(Self::db_err)?),
                        };
                        let photo: Option<$crate::sql_impl::uuid::Uuid> =
                            row.try_get("photo_id").map_err(Self::db_err)?;
                        let came_back: Option<i64> =
                            row.try_get("previous_return_at").map_err(Self::db_err)?;
                        Ok($crate::BoardRow {
                            summary,
                            person,
                            photo: photo.map($crate::sql_impl::domain::ids::PhotoId),
                            service_name: row.try_get("service_name").map_err(Self::db_err)?,
                            previous_return_at: came_back.map(Self::at),
                        })
                    })
                    .collect()
            }

            async fn board_stamp(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
            ) -> $crate::StoreResult<i64> {
                let stamp: Option<i64> =
                    sqlx::query_scalar("SELECT stamp FROM board_stamps WHERE org_id = $1")
                        .bind(org.0)
                        .fetch_optional(self.reader())
                        .await
                        .map_err(Self::db_err)?;
                Ok(stamp.unwrap_or(0))
            }

            async fn episodes_to_check(
                &self,
                now: $crate::sql_impl::jiff::Timestamp,
                limit: i64,
            ) -> $crate::StoreResult<Vec<($crate::sql_impl::domain::ids::OrgId, $crate::sql_impl::domain::ids::EpisodeId)>> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT org_id, id FROM episodes WHERE next_check_at IS NOT NULL AND next_check_at <= $1 \
                     ORDER BY next_check_at LIMIT $2",
                )
                .bind(Self::ms(now))
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter()
                    .map(|r| {
                        Ok((
                            $crate::sql_impl::domain::ids::OrgId(r.try_get("org_id").map_err(Self::db_err)?),
                            $crate::sql_impl::domain::ids::EpisodeId(r.try_get("id").map_err(Self::db_err)?),
                        ))
                    })
                    .collect()
            }

            async fn set_next_check(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                id: $crate::sql_impl::domain::ids::EpisodeId,
                seq: i64,
                at: Option<$crate::sql_impl::jiff::Timestamp>,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "UPDATE episodes SET next_check_at = $1, paging_failed_since = NULL \
                     WHERE org_id = $2 AND id = $3 AND last_event_seq = $4",
                )
                .bind(at.map(Self::ms))
                .bind(org.0)
                .bind(id.0)
                .bind(seq)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                Self::commit(tx).await
            }

            async fn paging_failed(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                id: $crate::sql_impl::domain::ids::EpisodeId,
                at: $crate::sql_impl::jiff::Timestamp,
                retry: $crate::sql_impl::jiff::Timestamp,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                // Failing again keeps the time it first failed: how long nobody has been paged.
                sqlx::query(
                    "UPDATE episodes SET next_check_at = $1, \
                     paging_failed_since = COALESCE(paging_failed_since, $2) \
                     WHERE org_id = $3 AND id = $4",
                )
                .bind(Self::ms(retry))
                .bind(Self::ms(at))
                .bind(org.0)
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                Self::commit(tx).await
            }

            async fn open_episode_of(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                person: $crate::sql_impl::domain::ids::PersonId,
            ) -> $crate::StoreResult<Option<$crate::sql_impl::domain::ids::EpisodeId>> {
                use sqlx::Row as _;
                let row = sqlx::query("SELECT id FROM episodes WHERE org_id = $1 AND person_id = $2 AND is_open = 1")
                    .bind(org.0)
                    .bind(person.0)
                    .fetch_optional(self.reader())
                    .await
                    .map_err(Self::db_err)?;
                row.map(|r| r.try_get("id").map($crate::sql_impl::domain::ids::EpisodeId).map_err(Self::db_err))
                    .transpose()
            }

            async fn earlier_episodes(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                person: $crate::sql_impl::domain::ids::PersonId,
                before: $crate::sql_impl::jiff::Timestamp,
                since: $crate::sql_impl::jiff::Timestamp,
            ) -> $crate::StoreResult<(i64, i64)> {
                use sqlx::Row as _;
                // One read of the person's episodes (by the person index) answers both counts.
                let row = sqlx::query(
                    "SELECT COUNT(*) AS n, \
                     COALESCE(SUM(CASE WHEN opened_at >= $4 THEN 1 ELSE 0 END), 0) AS recent \
                     FROM episodes WHERE org_id = $1 AND person_id = $2 \
                     AND opened_at < $3 AND phase <> 'recorded_in_error'",
                )
                .bind(org.0)
                .bind(person.0)
                .bind(Self::ms(before))
                .bind(Self::ms(since))
                .fetch_one(self.reader())
                .await
                .map_err(Self::db_err)?;
                let n: i64 = row.try_get("n").map_err(Self::db_err)?;
                let recent: i64 = row.try_get("recent").map_err(Self::db_err)?;
                Ok((n, recent))
            }

            async fn latest_settings(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
            ) -> $crate::StoreResult<Option<$crate::SettingsVersion>> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT version, settings, recorded_by_label, recorded_at FROM organisation_settings \
                     WHERE org_id = $1 ORDER BY version DESC LIMIT 1",
                )
                .bind(org.0)
                .fetch_optional(self.reader())
                .await
                .map_err(Self::db_err)?;
                let Some(row) = row else { return Ok(None) };
                let text: String = row.try_get("settings").map_err(Self::db_err)?;
                Ok(Some($crate::SettingsVersion {
                    org_id: org,
                    version: row.try_get("version").map_err(Self::db_err)?,
                    settings: $crate::sql_impl::decode_settings(&text)?,
                    recorded_by_label: row.try_get("recorded_by_label").map_err(Self::db_err)?,
                    recorded_at: Self::at(row.try_get("recorded_at").map_err(Self::db_err)?),
                }))
            }

            async fn settings_at(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                version: i64,
            ) -> $crate::StoreResult<Option<$crate::SettingsVersion>> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT version, settings, recorded_by_label, recorded_at FROM organisation_settings \
                     WHERE org_id = $1 AND version = $2",
                )
                .bind(org.0)
                .bind(version)
                .fetch_optional(self.reader())
                .await
                .map_err(Self::db_err)?;
                let Some(row) = row else { return Ok(None) };
                let text: String = row.try_get("settings").map_err(Self::db_err)?;
                Ok(Some($crate::SettingsVersion {
                    org_id: org,
                    version: row.try_get("version").map_err(Self::db_err)?,
                    settings: $crate::sql_impl::decode_settings(&text)?,
                    recorded_by_label: row.try_get("recorded_by_label").map_err(Self::db_err)?,
                    recorded_at: Self::at(row.try_get("recorded_at").map_err(Self::db_err)?),
                }))
            }

            async fn append_settings(
                &self,
                v: &$crate::SettingsVersion,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                Self::expect_next_version(
                    &mut tx,
                    "SELECT MAX(version) AS v FROM organisation_settings WHERE org_id = $1",
                    v.org_id.0,
                    v.version,
                )
                .await?;
                let text = $crate::sql_impl::encode_settings(&v.settings)?;
                sqlx::query(
                    "INSERT INTO organisation_settings (org_id, version, settings, recorded_by_label, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(v.org_id.0)
                .bind(v.version)
                .bind(text)
                .bind(&v.recorded_by_label)
                .bind(Self::ms(v.recorded_at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await
            }

            async fn choose_photo(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                person: $crate::sql_impl::domain::ids::PersonId,
                photo: $crate::sql_impl::domain::ids::PhotoId,
                by: &str,
                audit: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<bool> {
                let mut tx = self.begin_write().await?;
                let found = sqlx::query(
                    "SELECT ph.id FROM person_photos ph JOIN people p ON p.id = ph.person_id \
                     WHERE ph.id = $1 AND ph.person_id = $2 AND p.org_id = $3",
                )
                .bind(photo.0)
                .bind(person.0)
                .bind(org.0)
                .fetch_optional(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                if found.is_none() {
                    return Ok(false);
                }
                sqlx::query(
                    "INSERT INTO person_photo_choices (person_id, photo_id, chosen_by_label, chosen_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(person.0)
                .bind(photo.0)
                .bind(by)
                .bind(Self::ms(audit.at))
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                self.append_audit(&mut tx, audit).await?;
                Self::commit(tx).await?;
                Ok(true)
            }

            async fn photos(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                person: $crate::sql_impl::domain::ids::PersonId,
            ) -> $crate::StoreResult<(Vec<$crate::PhotoMeta>, Option<$crate::sql_impl::domain::ids::PhotoId>)> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT ph.id, ph.person_id, ph.taken_on, ph.width, ph.height, ph.uploaded_by_label, ph.uploaded_at \
                     FROM person_photos ph JOIN people p ON p.id = ph.person_id \
                     WHERE ph.person_id = $1 AND p.org_id = $2 ORDER BY ph.uploaded_at DESC",
                )
                .bind(person.0)
                .bind(org.0)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                let mut photos = Vec::new();
                for row in &rows {
                    let taken: String = row.try_get("taken_on").map_err(Self::db_err)?;
                    let width: i64 = row.try_get("width").map_err(Self::db_err)?;
                    let height: i64 = row.try_get("height").map_err(Self::db_err)?;
                    photos.push($crate::PhotoMeta {
                        id: $crate::sql_impl::domain::ids::PhotoId(row.try_get("id").map_err(Self::db_err)?),
                        person_id: $crate::sql_impl::domain::ids::PersonId(row.try_get("person_id").map_err(Self::db_err)?),
                        taken_on: $crate::sql_impl::date(&taken)?,
                        width: u32::try_from(width).unwrap_or(0),
                        height: u32::try_from(height).unwrap_or(0),
                        uploaded_by_label: row.try_get("uploaded_by_label").map_err(Self::db_err)?,
                        uploaded_at: Self::at(row.try_get("uploaded_at").map_err(Self::db_err)?),
                    });
                }
                if photos.is_empty() {
                    return Ok((photos, None));
                }
                let current = sqlx::query("SELECT photo_id FROM person_photo_choices WHERE person_id = $1 ORDER BY id DESC LIMIT 1")
                    .bind(person.0)
                    .fetch_optional(self.reader())
                    .await
                    .map_err(Self::db_err)?
                    .map(|row| row.try_get("photo_id").map($crate::sql_impl::domain::ids::PhotoId))
                    .transpose()
                    .map_err(Self::db_err)?;
                Ok((photos, current))
            }

            async fn photo_jpeg(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                person: $crate::sql_impl::domain::ids::PersonId,
                photo: $crate::sql_impl::domain::ids::PhotoId,
            ) -> $crate::StoreResult<Option<Vec<u8>>> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT ph.jpeg FROM person_photos ph JOIN people p ON p.id = ph.person_id \
                     WHERE ph.id = $1 AND ph.person_id = $2 AND p.org_id = $3",
                )
                .bind(photo.0)
                .bind(person.0)
                .bind(org.0)
                .fetch_optional(self.reader())
                .await
                .map_err(Self::db_err)?;
                row.map(|r| r.try_get::<Vec<u8>, _>("jpeg")).transpose().map_err(Self::db_err)
            }

            async fn record_audit(
                &self,
                event: &$crate::sql_impl::domain::audit::AuditEvent,
            ) -> $crate::StoreResult<()> {
                // An audited read writes nothing else: it waits only for the batch's commit.
                let mut member = self.join_batch().await?;
                member.audit(event.clone(), None);
                member.committed().await
            }

            async fn audit_page(
                &self,
                after: i64,
                limit: i64,
            ) -> $crate::StoreResult<Vec<$crate::sql_impl::domain::audit::AuditRecord>> {
                let rows = sqlx::query(
sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
                    $crate::sql_impl::AUDIT_COLUMNS
                )))
                .bind(after)
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter().map(Self::row_audit).collect()
            }

            async fn record_names(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                ids: &[$crate::sql_impl::uuid::Uuid],
            ) -> $crate::StoreResult<std::collections::HashMap<$crate::sql_impl::uuid::Uuid, String>> {
                use sqlx::Row as _;
                let mut names = std::collections::HashMap::new();
                if ids.is_empty() {
                    return Ok(names);
                }
                let list = $crate::sql_impl::placeholders(2, ids.len());
                // Only generated placeholders are interpolated; the values are bound.
                for sql in [
                    format!(
                        "SELECT id, given_name || ' ' || family_name AS name FROM people \
                         WHERE org_id = $1 AND id IN ({list})"
                    ),
                    format!(
                        "SELECT e.id, p.given_name || ' ' || p.family_name AS name FROM episodes e \
                         JOIN people p ON p.id = e.person_id WHERE e.org_id = $1 AND e.id IN ({list})"
                    ),
                    format!("SELECT id, display_name AS name FROM users WHERE org_id = $1 AND id IN ({list})"),
                ] {
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org.0);
                    for id in ids {
                        q = q.bind(*id);
                    }
                    for row in q.fetch_all(self.reader()).await.map_err(Self::db_err)? {
                        names.insert(
                            row.try_get("id").map_err(Self::db_err)?,
                            row.try_get("name").map_err(Self::db_err)?,
                        );
                    }
                }
                Ok(names)
            }

            async fn mail_counts(&self) -> $crate::StoreResult<(i64, i64)> {
                use sqlx::Row as _;
                let row = sqlx::query(
                    "SELECT (SELECT COUNT(*) FROM outbox_queue) AS waiting, \
                     (SELECT COUNT(*) FROM outbox_dead WHERE resolved_at IS NULL) AS dead",
                )
                .fetch_one(self.reader())
                .await
                .map_err(Self::db_err)?;
                Ok((
                    row.try_get("waiting").map_err(Self::db_err)?,
                    row.try_get("dead").map_err(Self::db_err)?,
                ))
            }

            async fn audit_head(&self) -> $crate::StoreResult<Option<(i64, String)>> {
                use sqlx::Row as _;
                let row = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                    .fetch_optional(self.reader())
                    .await
                    .map_err(Self::db_err)?;
                row.map(|r| Ok((r.try_get("seq").map_err(Self::db_err)?, r.try_get("hash").map_err(Self::db_err)?)))
                    .transpose()
            }

            async fn sealed_entries(&self, after: i64, limit: i64) -> $crate::StoreResult<Vec<$crate::SealedEntry>> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT a.seq AS audit_seq, a.sealed_episode, a.sealed_seq, a.sealed_digest, \
                     e.episode_id, e.kind, e.occurred_at, e.occurred_offset_seconds, e.recorded_at, \
                     e.recorded_by, e.recorded_by_label, e.body \
                     FROM audit_log a LEFT JOIN episode_events e \
                     ON e.episode_id = a.sealed_episode AND e.seq = a.sealed_seq \
                     WHERE a.seq > $1 AND a.sealed_episode IS NOT NULL ORDER BY a.seq LIMIT $2",
                )
                .bind(after)
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter()
                    .map(|r| {
                        let seal = $crate::sql_impl::domain::audit::Seal {
                            episode: r.try_get("sealed_episode").map_err(Self::db_err)?,
                            entry: r.try_get("sealed_seq").map_err(Self::db_err)?,
                            digest: r.try_get("sealed_digest").map_err(Self::db_err)?,
                        };
                        let found: Option<$crate::sql_impl::uuid::Uuid> = r.try_get("episode_id").map_err(Self::db_err)?;
                        let stored_digest = match found {
                            None => None,
                            Some(episode) => {
                                let kind: String = r.try_get("kind").map_err(Self::db_err)?;
                                let label: String = r.try_get("recorded_by_label").map_err(Self::db_err)?;
                                let body: String = r.try_get("body").map_err(Self::db_err)?;
                                Some(
                                    $crate::sql_impl::domain::audit::StoredEntry {
                                        episode,
                                        seq: seal.entry,
                                        kind: &kind,
                                        occurred_ms: r.try_get("occurred_at").map_err(Self::db_err)?,
                                        offset_seconds: r.try_get("occurred_offset_seconds").map_err(Self::db_err)?,
                                        recorded_ms: r.try_get("recorded_at").map_err(Self::db_err)?,
                                        recorded_by: r.try_get("recorded_by").map_err(Self::db_err)?,
                                        recorded_by_label: &label,
                                        body: &body,
                                    }
                                    .digest(),
                                )
                            }
                        };
                        Ok($crate::SealedEntry {
                            audit_seq: r.try_get("audit_seq").map_err(Self::db_err)?,
                            seal,
                            stored_digest,
                        })
                    })
                    .collect()
            }

            async fn unsealed_entries(
                &self,
                limit: i64,
            ) -> $crate::StoreResult<Vec<($crate::sql_impl::domain::ids::EpisodeId, i64)>> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT e.episode_id, e.seq FROM episode_events e \
                     WHERE NOT EXISTS (SELECT 1 FROM audit_log a \
                       WHERE a.sealed_episode = e.episode_id AND a.sealed_seq = e.seq) \
                     AND EXISTS (SELECT 1 FROM audit_log a \
                       WHERE a.sealed_episode = e.episode_id AND a.sealed_seq < e.seq) \
                     ORDER BY e.episode_id, e.seq LIMIT $1",
                )
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter()
                    .map(|r| {
                        Ok((
                            $crate::sql_impl::domain::ids::EpisodeId(r.try_get("episode_id").map_err(Self::db_err)?),
                            r.try_get("seq").map_err(Self::db_err)?,
                        ))
                    })
                    .collect()
            }

            async fn contents(&self) -> $crate::StoreResult<$crate::Contents> {
                // One read transaction, so every count is of the same moment.
                let mut tx = self.reader().begin().await.map_err(Self::db_err)?;
                let contents = Self::contents_of(&mut tx).await?;
                tx.rollback().await.map_err(Self::db_err)?;
                Ok(contents)
            }

            async fn back_up_to(&self, file: &std::path::Path) -> $crate::StoreResult<$crate::Contents> {
                self.copy_to(file).await
            }

            async fn record_backup(&self, b: &$crate::BackupRecord) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "INSERT INTO backups (started_at, finished_at, file_name, bytes, audit_seq, ok, problem) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(Self::ms(b.started_at))
                .bind(Self::ms(b.finished_at))
                .bind(&b.file_name)
                .bind(b.bytes)
                .bind(b.audit_seq)
                .bind(i64::from(b.problem.is_none()))
                .bind(&b.problem)
                .execute(&mut *tx)
                .await
                .map_err(Self::db_err)?;
                Self::commit(tx).await
            }

            async fn recent_backups(&self, limit: i64) -> $crate::StoreResult<Vec<$crate::BackupRecord>> {
                use sqlx::Row as _;
                let rows = sqlx::query(
                    "SELECT started_at, finished_at, file_name, bytes, audit_seq, problem FROM backups \
                     ORDER BY finished_at DESC, id DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter()
                    .map(|r| {
                        Ok($crate::BackupRecord {
                            started_at: Self::at(r.try_get("started_at").map_err(Self::db_err)?),
                            finished_at: Self::at(r.try_get("finished_at").map_err(Self::db_err)?),
                            file_name: r.try_get("file_name").map_err(Self::db_err)?,
                            bytes: r.try_get("bytes").map_err(Self::db_err)?,
                            audit_seq: r.try_get("audit_seq").map_err(Self::db_err)?,
                            problem: r.try_get("problem").map_err(Self::db_err)?,
                        })
                    })
                    .collect()
            }

            async fn recent_audit(
                &self,
                org: $crate::sql_impl::domain::ids::OrgId,
                limit: i64,
            ) -> $crate::StoreResult<Vec<$crate::sql_impl::domain::audit::AuditRecord>> {
                let rows = sqlx::query(
sqlx::AssertSqlSafe(format!(
                    "SELECT {} FROM audit_log WHERE org_id = $1 ORDER BY seq DESC LIMIT $2",
                    $crate::sql_impl::AUDIT_COLUMNS
                )))
                .bind(org.0)
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(Self::db_err)?;
                rows.iter().map(Self::row_audit).collect()
            }
        }
    };
}
