//! Episodes in the API: open one, read it with its derived state, list and append to its
//! chronology (a correction is an append too: there is no PUT, PATCH or DELETE on events),
//! its PDF, and the live board's stream of changes.

use super::dto::{Created, PersonDto};
use super::json::ApiJson;
use super::problem::{Problem, ProblemDocument};
use crate::AppState;
use crate::context::Ctx;
use crate::listing::{href, link_next, page_limit, uk_day_end, uk_day_start};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use futures_util::stream::{self, Stream};
use homeward_app::episodes::{EpisodeFilter, EpisodeView, OpenEpisodeInput};
use homeward_app::{AppError, FieldError};
use homeward_domain::episode::{Event, EventRecord, Whereabouts, time_missing};
use homeward_domain::ids::{EpisodeId, PersonId};
use homeward_store::EpisodeSummary;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// How long one board stream lasts before the browser must connect again.
const STREAM_LIFETIME: Duration = Duration::from_secs(10 * 60);

fn invalid(field: &str, message: &'static str) -> AppError {
    AppError::Invalid(vec![FieldError {
        field: field.into(),
        message,
    }])
}

fn episode_id(ctx: &Ctx, raw: &str) -> Result<EpisodeId, Problem> {
    super::problem::path_id(ctx.tr, raw)
}

/// An RFC 3339 instant with its offset, like `2026-11-20T21:40:00Z` or `…+01:00`.
fn instant(field: &str, raw: Option<&str>) -> Result<Option<Timestamp>, AppError> {
    raw.map(|r| r.parse().map_err(|_| invalid(field, "error-time-rfc3339")))
        .transpose()
}

/// An episode as lists show it.
#[derive(Serialize, ToSchema)]
pub struct EpisodeDto {
    pub id: Uuid,
    pub person_id: Uuid,
    pub service_id: Uuid,
    /// missing, located, returned, closed or recorded_in_error
    pub phase: String,
    /// On the live board: still missing or not yet back.
    pub is_open: bool,
    pub opened_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen_at: Option<String>,
    /// As police gave it: very_low, low, medium, high, no_apparent_risk, absent2013, not_graded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub police_grade: Option<String>,
    pub last_event_seq: i64,
    pub last_event_kind: String,
    pub last_event_at: String,
    /// The open duty due soonest (a rule code, as in `/duties`), and its deadline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_duty: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_duty_due_at: Option<String>,
    /// Pages about it that nobody has acknowledged.
    pub pages_waiting: i64,
    /// Since when Homeward has failed to page for it; people must be phoned by hand.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paging_failed_since: Option<String>,
}

impl From<&EpisodeSummary> for EpisodeDto {
    fn from(s: &EpisodeSummary) -> Self {
        Self {
            id: s.id.0,
            person_id: s.person_id.0,
            service_id: s.service_id.0,
            phase: s.phase.clone(),
            is_open: s.is_open,
            opened_at: s.opened_at.to_string(),
            last_seen_at: s.last_seen_at.map(|t| t.to_string()),
            police_grade: s.police_grade.clone(),
            last_event_seq: s.last_event_seq,
            last_event_kind: s.last_event_kind.clone(),
            last_event_at: s.last_event_at.to_string(),
            next_duty: s.schedule.next_duty_rule.clone(),
            next_duty_due_at: s.schedule.next_duty_due_at.map(|t| t.to_string()),
            pages_waiting: s.schedule.waiting_pages,
            paging_failed_since: s.schedule.paging_failed_since.map(|t| t.to_string()),
        }
    }
}

/// The state derived from the chronology.
#[derive(Serialize, ToSchema)]
pub struct EpisodeStateDto {
    pub phase: String,
    /// known or unknown
    pub whereabouts: String,
    /// From last seen (or opening) until found, or until now.
    pub minutes_missing: i64,
    pub reported_to_police_at: Option<String>,
    pub police_reference: Option<String>,
    pub police_grade: Option<String>,
    pub police_grade_review_at: Option<String>,
    pub located_at: Option<String>,
    pub returned_at: Option<String>,
    pub safe_and_well_at: Option<String>,
    /// not_offered, offered, declined or held
    pub return_interview: String,
    pub debriefed_at: Option<String>,
    pub plan_reviewed_at: Option<String>,
    pub ended_at: Option<String>,
    pub plan_version: Option<i64>,
    pub risk_version: Option<i64>,
    /// The plan's steps done, by number.
    pub steps_done: Vec<u16>,
}

#[derive(Serialize, ToSchema)]
pub struct PlanStepDto {
    pub step: u16,
    pub what: String,
    pub done: bool,
}

#[derive(Serialize, ToSchema)]
pub struct EpisodeDetailDto {
    pub episode: EpisodeDto,
    pub person: PersonDto,
    pub state: EpisodeStateDto,
    /// The pinned missing plan's reasonable steps: the checklist.
    pub plan_steps: Vec<PlanStepDto>,
}

fn detail(view: &EpisodeView, now: Timestamp) -> EpisodeDetailDto {
    let s = &view.state;
    let at = |o: Option<homeward_domain::episode::Occurred>| o.map(|o| o.at.to_string());
    EpisodeDetailDto {
        episode: EpisodeDto::from(&view.summary),
        person: PersonDto::from(&view.person),
        state: EpisodeStateDto {
            phase: s.phase.code().into(),
            whereabouts: s.whereabouts.code().into(),
            minutes_missing: time_missing(s, now).as_mins(),
            reported_to_police_at: at(s.reported.as_ref().map(|r| r.0)),
            police_reference: s.reported.as_ref().map(|r| r.1.reference.clone()),
            police_grade: s.police_grade.as_ref().map(|g| g.grade.code().into()),
            police_grade_review_at: s
                .police_grade
                .as_ref()
                .and_then(|g| g.review_at)
                .map(|t| t.to_string()),
            located_at: at(s.located),
            returned_at: at(s.returned),
            safe_and_well_at: at(s.safe_and_well),
            return_interview: s.return_interview.code().into(),
            debriefed_at: at(s.debriefed),
            plan_reviewed_at: at(s.plan_reviewed),
            ended_at: at(s.ended),
            plan_version: s.plan_version,
            risk_version: s.risk_version,
            steps_done: s.steps_done.iter().copied().collect(),
        },
        plan_steps: view
            .plan_steps()
            .into_iter()
            .map(|(step, what)| PlanStepDto {
                step,
                what,
                done: s.steps_done.contains(&step),
            })
            .collect(),
    }
}

/// One entry of the chronology.
#[derive(Serialize, ToSchema)]
pub struct EventDto {
    pub seq: i64,
    /// When it happened.
    pub occurred_at: String,
    /// The UTC offset the person recording it saw, in seconds (3600 in summer time).
    pub offset_seconds: i32,
    pub recorded_at: String,
    pub recorded_by: String,
    /// The entry itself, tagged by `kind` (opened, step_done, contact_made, place_searched,
    /// sighting, person_updated, reported_to_police, police_graded, provider_risk_assessed,
    /// whereabouts_changed, note, located, returned, safe_and_well_check,
    /// return_interview_offered, return_interview_declined, return_interview_held, debrief,
    /// plan_reviewed, strategy_discussion, referral, closed, recorded_in_error, amendment).
    #[schema(value_type = Object)]
    pub event: serde_json::Value,
}

impl From<&EventRecord> for EventDto {
    fn from(r: &EventRecord) -> Self {
        Self {
            seq: r.seq,
            occurred_at: r.when.at.to_string(),
            offset_seconds: r.when.offset_seconds,
            recorded_at: r.recorded_at.to_string(),
            recorded_by: r.recorded_by_label.clone(),
            event: serde_json::to_value(&r.event).unwrap_or_default(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
pub struct OpenEpisodeRequest {
    pub person_id: String,
    /// RFC 3339, like `2026-11-20T21:00:00Z`; not in the future.
    #[schema(format = DateTime)]
    pub last_seen: Option<String>,
    #[serde(default)]
    #[schema(max_length = 300)]
    pub last_seen_place: String,
    /// known or unknown
    #[schema(value_type = Option<WhereaboutsDto>)]
    pub whereabouts: Option<String>,
    #[serde(default)]
    pub clothing: String,
    #[serde(default)]
    pub circumstances: String,
}

/// Whether where they are is known (a child "missing" whose whereabouts are known is still
/// one to act on).
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
enum WhereaboutsDto {
    Known,
    Unknown,
}

#[derive(Deserialize, ToSchema)]
pub struct NewEventRequest {
    /// When it happened (RFC 3339); now if left out.
    #[schema(format = DateTime)]
    pub occurred_at: Option<String>,
    /// The entry, tagged by `kind`, shaped as the entries `GET …/events` returns. A
    /// correction is `{"kind": "amendment", "amends": 4, "reason": "…", "corrected":
    /// {"when": {"at": "…", "offset_seconds": 0}, "event": {…}}}`.
    #[schema(schema_with = event_body_schema)]
    pub event: serde_json::Value,
}

/// Every kind of entry the API takes, each an object tagged by `kind` with its own fields,
/// from the same description the pages' forms use (so the two cannot drift apart).
fn event_body_schema() -> utoipa::openapi::schema::Schema {
    use homeward_app::episode_form::{Input, specs};
    use utoipa::openapi::schema::{
        Discriminator, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type,
    };
    let string = || ObjectBuilder::new().schema_type(Type::String);
    let mut one_of = OneOfBuilder::new().discriminator(Some(Discriminator::new("kind")));
    for kind in Event::KINDS {
        let Some(fields) = specs(kind) else { continue };
        let mut object = ObjectBuilder::new()
            .title(Some(kind))
            .property("kind", string().enum_values(Some([kind])))
            .required("kind");
        for f in fields {
            let property = match f.input {
                Input::Text | Input::Long => string(),
                Input::Key => string()
                    .description(Some("A duty's rule id, as GET …/duties lists them"))
                    .enum_values(Some(homeward_app::episode_form::duty_ids())),
                Input::Hidden => ObjectBuilder::new().schema_type(Type::Integer),
                Input::Instant => {
                    string().format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
                }
                Input::Choice(options) => string().enum_values(Some(options.iter().copied())),
                Input::YesNo => ObjectBuilder::new().schema_type(Type::Boolean),
            };
            object = object.property(f.name, property);
            if f.required {
                object = object.required(f.name);
            }
        }
        if kind == "closed" {
            object = object.property(
                "left_open",
                utoipa::openapi::schema::ArrayBuilder::new().items(
                    ObjectBuilder::new()
                        .property("duty", string())
                        .property("reason", string())
                        .required("duty")
                        .required("reason"),
                ),
            );
        }
        one_of = one_of.item(object);
    }
    one_of = one_of.item(
        ObjectBuilder::new()
            .title(Some("amendment"))
            .property("kind", string().enum_values(Some(["amendment"])))
            .property("amends", ObjectBuilder::new().schema_type(Type::Integer))
            .property("reason", string())
            .property(
                "corrected",
                ObjectBuilder::new()
                    .description(Some(
                        "The entry as it should have read: {\"when\": {\"at\", \"offset_seconds\"}, \"event\": {…}}",
                    ))
                    .schema_type(Type::Object),
            )
            .required("kind")
            .required("amends")
            .required("reason"),
    );
    one_of.build().into()
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EpisodeListQuery {
    /// Only the open ones (still missing or not yet back).
    pub open: Option<bool>,
    /// Only this person's.
    #[param(value_type = Option<uuid::Uuid>)]
    pub person: Option<String>,
    /// Only this service's.
    #[param(value_type = Option<uuid::Uuid>)]
    pub service: Option<String>,
    /// Only this phase: missing, located, returned, closed or recorded_in_error.
    pub phase: Option<String>,
    /// Only those opened on or after this day (YYYY-MM-DD, UK time).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// Only those opened on or before this day (YYYY-MM-DD, UK time).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// How many to return: 1 to 200, 50 if not given.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Where the previous page ended: the `after` of its `Link: <…>; rel="next"` header.
    pub after: Option<String>,
}

/// A page's end as text: the instant it opened (milliseconds) and its id.
pub fn encode_cursor(c: &homeward_store::EpisodeCursor) -> String {
    format!("{}.{}", homeward_domain::time::to_millis(c.opened_at), c.id)
}

pub fn decode_cursor(text: &str) -> Option<homeward_store::EpisodeCursor> {
    let (ms, id) = text.split_once('.')?;
    Some(homeward_store::EpisodeCursor {
        opened_at: homeward_domain::time::from_millis(ms.parse().ok()?),
        id: id.parse().ok()?,
    })
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventListQuery {
    /// Only entries of this kind.
    pub kind: Option<String>,
}

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// en or cy
    pub lang: Option<String>,
}

/// Episodes the caller may see, newest first, a page at a time, filtered in the database.
/// When there are more, a `Link` header gives the next page (`rel="next"`).
#[utoipa::path(get, path = "/api/v1/episodes", operation_id = "list_episodes", tag = "episodes", params(EpisodeListQuery), responses(
    (status = 200, body = [EpisodeDto], headers(("Link" = String, description = "The next page, when there is one"))),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    super::query::ApiQuery(q): super::query::ApiQuery<EpisodeListQuery>,
) -> Result<Response, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let bad = |field: &'static str| fail(invalid(field, "error-choice-unknown"));
    let person = match q.person.as_deref() {
        Some(p) => Some(p.parse::<PersonId>().map_err(|_| bad("person"))?),
        None => None,
    };
    let service = match q.service.as_deref() {
        Some(s) => Some(s.parse().map_err(|_| bad("service"))?),
        None => None,
    };
    let phases = match q.phase.as_deref() {
        Some(p) if homeward_domain::episode::Phase::from_code(p).is_some() => vec![p.to_string()],
        Some(_) => return Err(bad("phase")),
        None => Vec::new(),
    };
    let day = |text: &Option<String>,
               field: &'static str,
               parse: fn(&str) -> Option<jiff::Timestamp>| match text.as_deref() {
        Some(d) => parse(d)
            .map(Some)
            .ok_or_else(|| fail(invalid(field, "error-date-iso"))),
        None => Ok(None),
    };
    let opened_from = day(&q.from, "from", uk_day_start)?;
    let opened_before = day(&q.to, "to", uk_day_end)?;
    let limit = page_limit(q.limit).map_err(fail)?;
    let after = match q.after.as_deref() {
        Some(a) => Some(decode_cursor(a).ok_or_else(|| bad("after"))?),
        None => None,
    };
    let filter = EpisodeFilter {
        open_only: q.open.unwrap_or(false),
        person,
        service,
        phases,
        opened_from,
        opened_before,
        after,
        limit,
    };
    let list = state
        .app
        .list_episodes(actor, &ctx.meta, filter)
        .await
        .map_err(fail)?;
    let body: Vec<EpisodeDto> = list.iter().map(EpisodeDto::from).collect();
    let mut response = Json(body).into_response();
    if list.len() as i64 == limit
        && let Some(last) = list.last()
    {
        let cursor = encode_cursor(&homeward_store::EpisodeCursor {
            opened_at: last.opened_at,
            id: last.id,
        });
        let next = href(
            "/api/v1/episodes",
            &[
                ("open", q.open.map(|o| o.to_string())),
                ("person", q.person.clone()),
                ("service", q.service.clone()),
                ("phase", q.phase.clone()),
                ("from", q.from.clone()),
                ("to", q.to.clone()),
                ("limit", Some(limit.to_string())),
                ("after", Some(cursor)),
            ],
        );
        link_next(&mut response, &next);
    }
    Ok(response)
}

/// Opens an episode: "not back". A person with an open episode already gets a 422 naming
/// `person`, whose `instance` is that episode's address.
#[utoipa::path(post, path = "/api/v1/episodes", tag = "episodes", request_body = OpenEpisodeRequest, responses(
    (status = 201, body = Created, headers(("Location" = String))),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<OpenEpisodeRequest>,
) -> Result<Response, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let person: PersonId = body
        .person_id
        .parse()
        .map_err(|_| fail(invalid("person_id", "error-choice-unknown")))?;
    let whereabouts = match body.whereabouts.as_deref() {
        None => None,
        Some("known") => Some(Whereabouts::Known),
        Some("unknown") => Some(Whereabouts::Unknown),
        Some(_) => return Err(fail(invalid("whereabouts", "error-choice-unknown"))),
    };
    let input = OpenEpisodeInput {
        last_seen: instant("last_seen", body.last_seen.as_deref()).map_err(fail)?,
        last_seen_place: body.last_seen_place,
        whereabouts,
        clothing: body.clothing,
        circumstances: body.circumstances,
    };
    let id = match state
        .app
        .open_episode(actor, &ctx.meta, person, input)
        .await
    {
        Ok(id) => id,
        Err(AppError::Invalid(fields))
            if fields
                .iter()
                .any(|f| f.message == "error-episode-already-open") =>
        {
            let open = state
                .app
                .open_episode_of(actor, person)
                .await
                .ok()
                .flatten();
            let problem = fail(AppError::Invalid(fields));
            return Err(match open {
                Some(e) => problem.about(format!("/api/v1/episodes/{e}")),
                None => problem,
            });
        }
        Err(e) => return Err(fail(e)),
    };
    let mut response = (StatusCode::CREATED, Json(Created { id: id.0 })).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("/api/v1/episodes/{id}")) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// An episode with the state derived from its chronology and the plan's checklist.
#[utoipa::path(get, path = "/api/v1/episodes/{id}", operation_id = "show_episode", tag = "episodes", params(("id" = String, Path)), responses(
    (status = 200, body = EpisodeDetailDto),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<EpisodeDetailDto>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = episode_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    let view = state
        .app
        .view_episode(actor, &ctx.meta, id)
        .await
        .map_err(fail)?;
    Ok(Json(detail(&view, state.app.clock.now())))
}

/// The chronology, in order; corrections are entries of their own.
#[utoipa::path(get, path = "/api/v1/episodes/{id}/events", tag = "episodes", params(("id" = String, Path), EventListQuery), responses(
    (status = 200, body = [EventDto]),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn events(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    super::query::ApiQuery(q): super::query::ApiQuery<EventListQuery>,
) -> Result<Json<Vec<EventDto>>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = episode_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    let view = state
        .app
        .view_episode(actor, &ctx.meta, id)
        .await
        .map_err(fail)?;
    Ok(Json(
        view.events
            .iter()
            .filter(|r| q.kind.as_deref().is_none_or(|k| r.event.kind() == k))
            .map(EventDto::from)
            .collect(),
    ))
}

/// Adds an entry. Closing and "recorded in error" need a manager; an entry the chronology
/// cannot take (found before last seen, anything but a correction after closing) is a 422.
#[utoipa::path(post, path = "/api/v1/episodes/{id}/events", tag = "episodes", params(("id" = String, Path)), request_body = NewEventRequest, responses(
    (status = 201, body = EventDto),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn append(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewEventRequest>,
) -> Result<Response, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = episode_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    let when = instant("occurred_at", body.occurred_at.as_deref()).map_err(fail)?;
    let event: Event = serde_json::from_value(body.event)
        .map_err(|_| fail(invalid("event", "error-event-shape")))?;
    let record = state
        .app
        .record_event(actor, &ctx.meta, id, when, event)
        .await
        .map_err(fail)?;
    Ok((StatusCode::CREATED, Json(EventDto::from(&record))).into_response())
}

/// The whole chronology as a PDF, in English or Welsh.
#[utoipa::path(get, path = "/api/v1/episodes/{id}/chronology.pdf", tag = "episodes", params(("id" = String, Path), LangQuery), responses(
    (status = 200, content_type = "application/pdf"),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn chronology_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    super::query::ApiQuery(q): super::query::ApiQuery<LangQuery>,
) -> Result<Response, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = episode_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    let locale = ctx.locale_or(q.lang.as_deref());
    let pdf = state
        .app
        .chronology_pdf(actor, &ctx.meta, id, locale)
        .await
        .map_err(fail)?;
    Ok(crate::headers::pdf(
        pdf,
        "inline; filename=\"chronology.pdf\"",
    ))
}

/// What a board stream sends: which episode changed and its newest entry's number. It names
/// no one; a board asks again, as its user, for what it may see.
#[derive(Serialize, ToSchema)]
pub struct BoardChangeDto {
    pub episode_id: Uuid,
    pub seq: i64,
}

/// One event of the board stream as a client reads it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct BoardStreamEvent {
    /// Always `change`.
    #[schema(pattern = "^change$")]
    event: String,
    /// A `BoardChangeDto` as JSON, like `{"episode_id": "…", "seq": 3}`.
    data: String,
}

/// Server-sent events for the live board: a `change` event each time an episode the caller
/// may see is opened or added to (from any app server sharing the database), and a comment
/// every 15 seconds to keep proxies from closing the stream.
#[utoipa::path(get, path = "/api/v1/board/stream", tag = "episodes", responses(
    (status = 200, content_type = "text/event-stream", body = BoardStreamEvent),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn board_stream(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>, Problem> {
    let actor = ctx.actor().map_err(|e| Problem::new(ctx.tr, e))?.clone();
    let receiver = state.app.board.subscribe();
    let app = state.app.clone();
    let changes = stream::unfold(receiver, move |mut rx| {
        let (app, actor) = (app.clone(), actor.clone());
        async move {
            loop {
                match rx.recv().await {
                    Ok(change) if app.sees_change(&actor, &change) => {
                        let dto = BoardChangeDto {
                            episode_id: change.episode_id.0,
                            seq: change.seq,
                        };
                        let event = SseEvent::default()
                            .event("change")
                            .json_data(&dto)
                            .unwrap_or_default();
                        return Some((Ok(event), rx));
                    }
                    Ok(_) => continue,
                    // Fell behind: say something changed, and the board asks again.
                    Err(RecvError::Lagged(_)) => {
                        let event = SseEvent::default().event("change").data("{}");
                        return Some((Ok(event), rx));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        }
    });
    // Each stream ends after a while; the browser reconnects by itself, through the guard, so
    // a session that has ended or lost its roles stops hearing.
    let changes = changes.take_until(tokio::time::sleep(STREAM_LIFETIME));
    Ok(Sse::new(changes).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// One duty: what must happen, who does it, by when, where it stands and by whose rule.
#[derive(Serialize, ToSchema)]
pub struct DutyDto {
    /// The rule's id: what a "notified" or "duty_declined" entry names.
    pub rule: String,
    /// In the caller's language.
    pub title: String,
    /// carer, manager, police or local_authority
    pub who: String,
    /// opened, reported_to_police, high_risk, located or returned
    pub trigger: String,
    pub started_at: String,
    /// None when the source sets no clock.
    pub due_at: Option<String>,
    /// due, overdue, done, not_applicable or information
    pub status: String,
    /// The entries that did it.
    pub done_by: Vec<i64>,
    /// Why it does not apply, when someone decided so.
    pub reason: Option<String>,
    pub source_document: String,
    pub source_section: String,
}

fn code(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The episode's duties now, derived from the rules for the person's nation, kind, home and
/// plan, and from the chronology so far.
#[utoipa::path(get, path = "/api/v1/episodes/{id}/duties", tag = "episodes", params(("id" = String, Path)), responses(
    (status = 200, body = [DutyDto]),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn duties(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Vec<DutyDto>>, Problem> {
    use homeward_domain::duties::Status;
    let fail = |e| Problem::new(ctx.tr, e);
    let id = episode_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    let view = state
        .app
        .view_episode(actor, &ctx.meta, id)
        .await
        .map_err(fail)?;
    let t = ctx.tr;
    Ok(Json(
        view.duties
            .iter()
            .map(|d| {
                let (status, done_by, reason) = match &d.status {
                    Status::Done { by } => ("done", by.clone(), None),
                    Status::NotApplicable { reason, by } => {
                        ("not_applicable", vec![*by], Some(reason.clone()))
                    }
                    Status::Due => ("due", Vec::new(), None),
                    Status::Overdue => ("overdue", Vec::new(), None),
                    Status::Information => ("information", Vec::new(), None),
                    Status::NotDoneAtClosing => ("not_done_at_closing", Vec::new(), None),
                };
                DutyDto {
                    rule: d.rule.into(),
                    title: t.get(&format!("duty-{}", d.rule)),
                    who: code(&d.who),
                    trigger: code(&d.trigger),
                    started_at: d.started_at.to_string(),
                    due_at: d.due_at.map(|at| at.to_string()),
                    status: status.into(),
                    done_by,
                    reason,
                    source_document: d.source.document.into(),
                    source_section: d.source.section.into(),
                }
            })
            .collect(),
    ))
}
