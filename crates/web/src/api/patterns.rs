//! Patterns and trends for programs: the figures of a period beside the period before, and
//! the episodes behind any figure, with the same filters as the page.

use super::episodes::EpisodeDto;
use super::problem::{Problem, ProblemDocument};
use crate::AppState;
use crate::context::Ctx;
use crate::html::patterns::{PatternsQuery, parse_cut};
use crate::listing::{href, link_next, page_limit};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use homeward_app::AppError;
use homeward_app::patterns::{PatternsAsk, TOGETHER_MINUTES};
use homeward_store::Patterns;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PatternsParams {
    /// Only this service.
    #[param(value_type = Option<uuid::Uuid>)]
    pub service: Option<String>,
    /// Only this person's episodes.
    #[param(value_type = Option<uuid::Uuid>)]
    pub person: Option<String>,
    /// The first day, YYYY-MM-DD (UK); 89 days before `to` if not given.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// The last day, YYYY-MM-DD (UK); today if not given.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// One slice: first, repeat, still_away, over_24h, reported, not_reported, returned,
    /// offered, offered_in_time, declined, held, not_offered, over_threshold, expected,
    /// expected_offered, person:ID, slot:DAY-HOUR
    /// (0 is Monday), seen:PLACE, found:TOWN, area:POLICE FORCE AREA, declined:REASON,
    /// grade:GRADE or risk:CODE.
    pub cut: Option<String>,
    /// Minutes apart, at most, for going missing together (1 to 1440, 60 if not given).
    #[param(minimum = 1, maximum = 1440)]
    pub within: Option<i64>,
    /// For the list of episodes: how many (1 to 200, 50 if not given).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// For the list of episodes: where the previous page ended (from its Link header).
    pub after: Option<String>,
}

/// What a period's episodes add up to.
#[derive(Serialize, ToSchema)]
pub struct FiguresDto {
    pub episodes: i64,
    pub people: i64,
    pub first_time: i64,
    pub repeat: i64,
    pub still_away: i64,
    pub over_24_hours: i64,
    pub away_median_minutes: Option<i64>,
    pub reported_to_police: i64,
    pub not_reported_to_police: i64,
    pub reported_median_minutes: Option<i64>,
    pub returned: i64,
    pub interview_offered: i64,
    pub interview_offered_within_72_hours: i64,
    pub interview_declined: i64,
    /// Back, and offered more than once.
    pub interview_re_offered: i64,
    pub interview_held: i64,
    pub interview_not_offered: i64,
    /// Episodes that put the person at or over the organisation's repeat threshold (so many
    /// in so many days) when they began.
    pub over_repeat_threshold: i64,
    /// Episodes for which a return interview (Return Discussion in Scotland) was expected:
    /// every child's in England, from the set episode in Wales, everyone's in Scotland.
    pub interview_expected: i64,
    /// Of those, back and offered one.
    pub interview_expected_and_offered: i64,
    /// Police risk grades and how many had each.
    pub grades: Vec<CountDto>,
    /// Day of the week (0 Monday) and hour (UK time) with how many went missing then.
    pub slots: Vec<SlotDto>,
    pub most: Vec<PersonCountDto>,
    pub last_seen_places: Vec<CountDto>,
    pub found_towns: Vec<CountDto>,
    /// Where they were found, by police force area (ten at most).
    pub found_police_areas: Vec<CountDto>,
    /// Where they were last seen and found, by the kind of place it is on the person's
    /// information form (`family`, `hangout`…), or `not_on_form`.
    pub last_seen_by_kind_of_place: Vec<CountDto>,
    pub found_by_kind_of_place: Vec<CountDto>,
    /// Why return interviews were declined, as written (ten at most).
    pub decline_reasons: Vec<CountDto>,
    pub risks: Vec<CountDto>,
    pub duties: Vec<DutyTimelinessDto>,
}

#[derive(Serialize, ToSchema)]
pub struct CountDto {
    pub value: String,
    pub episodes: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SlotDto {
    pub weekday: u8,
    pub hour: u8,
    pub episodes: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PersonCountDto {
    pub person_id: Uuid,
    pub episodes: i64,
}

#[derive(Serialize, ToSchema)]
pub struct DutyTimelinessDto {
    /// The rule's code, as in an episode's duties.
    pub rule: String,
    pub episodes: i64,
    pub on_time: i64,
    pub late: i64,
    pub late_median_minutes: Option<i64>,
    pub overdue_now: i64,
}

#[derive(Serialize, ToSchema)]
pub struct TogetherDto {
    pub service_id: Uuid,
    pub episode_ids: Vec<Uuid>,
    pub person_ids: Vec<Uuid>,
    /// When the first of them went (RFC 3339).
    pub first_started_at: String,
}

/// An associate named on the information forms of several people with episodes in the
/// window.
#[derive(Serialize, ToSchema)]
pub struct SharedAssociateDto {
    /// As the forms write it (the most carefully written).
    pub associate: String,
    /// Someone's form marks them as a concern.
    pub concern: bool,
    pub people: Vec<SharedPersonDto>,
}

#[derive(Serialize, ToSchema)]
pub struct SharedPersonDto {
    pub person_id: Uuid,
    /// Their episodes in the window, and when the first and last began (RFC 3339).
    pub episodes: i64,
    pub first_started_at: String,
    pub last_started_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct PatternsDto {
    pub from: String,
    pub to: String,
    pub current: FiguresDto,
    pub previous_from: String,
    pub previous_to: String,
    pub previous: FiguresDto,
    pub together: Vec<TogetherDto>,
    /// People who share an associate, those marked as a concern first.
    pub shared_associates: Vec<SharedAssociateDto>,
}

fn counts(list: &[(String, i64)]) -> Vec<CountDto> {
    list.iter()
        .map(|(value, episodes)| CountDto {
            value: value.clone(),
            episodes: *episodes,
        })
        .collect()
}

impl From<&Patterns> for FiguresDto {
    fn from(p: &Patterns) -> Self {
        Self {
            episodes: p.episodes,
            people: p.people,
            first_time: p.first_time,
            repeat: p.repeat,
            still_away: p.still_away,
            over_24_hours: p.over_24_hours,
            away_median_minutes: p.away_median_minutes,
            reported_to_police: p.reported,
            not_reported_to_police: p.not_reported,
            reported_median_minutes: p.report_median_minutes,
            returned: p.returned,
            interview_offered: p.interview_offered,
            interview_offered_within_72_hours: p.interview_offered_in_time,
            interview_declined: p.interview_declined,
            interview_re_offered: p.interview_re_offered,
            interview_held: p.interview_held,
            interview_not_offered: p.interview_not_offered,
            over_repeat_threshold: p.over_threshold,
            interview_expected: p.interview_expected,
            interview_expected_and_offered: p.interview_expected_offered,
            grades: counts(&p.grades),
            slots: p
                .slots
                .iter()
                .map(|(weekday, hour, episodes)| SlotDto {
                    weekday: *weekday,
                    hour: *hour,
                    episodes: *episodes,
                })
                .collect(),
            most: p
                .most
                .iter()
                .map(|(id, episodes)| PersonCountDto {
                    person_id: id.0,
                    episodes: *episodes,
                })
                .collect(),
            last_seen_places: counts(&p.last_seen_places),
            found_towns: counts(&p.found_towns),
            found_police_areas: counts(&p.found_areas),
            last_seen_by_kind_of_place: counts(&p.last_seen_kinds),
            found_by_kind_of_place: counts(&p.found_kinds),
            decline_reasons: counts(&p.decline_reasons),
            risks: counts(&p.risks),
            duties: p
                .duties
                .iter()
                .map(|d| DutyTimelinessDto {
                    rule: d.rule.clone(),
                    episodes: d.total,
                    on_time: d.on_time,
                    late: d.late,
                    late_median_minutes: d.late_median_minutes,
                    overdue_now: d.overdue,
                })
                .collect(),
        }
    }
}

/// The page's query from the API's parameters, so both read them one way.
fn as_page_query(p: &PatternsParams) -> PatternsQuery {
    PatternsQuery {
        service: p.service.clone().unwrap_or_default(),
        person: p.person.clone().unwrap_or_default(),
        from: p.from.clone().unwrap_or_default(),
        to: p.to.clone().unwrap_or_default(),
        cut: p.cut.clone().unwrap_or_default(),
        after: String::new(),
        within: p.within.map(|w| w.to_string()).unwrap_or_default(),
    }
}

/// The ask, or a 422 naming what is wrong.
fn ask(state: &AppState, p: &PatternsParams) -> Result<PatternsAsk, AppError> {
    let bad = |field: &'static str, message: &'static str| AppError::invalid(field, message);
    if p.cut.as_deref().is_some_and(|c| parse_cut(c).is_none()) {
        return Err(bad("cut", "error-choice-unknown"));
    }
    for (field, value) in [("service", &p.service), ("person", &p.person)] {
        if value.as_deref().is_some_and(|v| v.parse::<Uuid>().is_err()) {
            return Err(bad(field, "error-choice-unknown"));
        }
    }
    if p.within.is_some_and(|w| !(1..=24 * 60).contains(&w)) {
        return Err(bad("within", "error-patterns-within"));
    }
    let today = homeward_domain::time::in_london(state.app.clock.now()).date();
    let mut problems = Vec::new();
    let ask = crate::html::patterns::ask_of(&as_page_query(p), today, &mut problems);
    if problems.is_empty() {
        Ok(PatternsAsk {
            together_minutes: p.within.unwrap_or(TOGETHER_MINUTES),
            ..ask
        })
    } else {
        Err(AppError::Invalid(problems))
    }
}

/// What a period's episodes add up to, beside the period just before it: for a service or
/// everything the caller may see, or one person. Audited.
#[utoipa::path(get, path = "/api/v1/patterns", operation_id = "patterns", tag = "patterns", params(PatternsParams), responses(
    (status = 200, body = PatternsDto),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    super::query::ApiQuery(p): super::query::ApiQuery<PatternsParams>,
) -> Result<Json<PatternsDto>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    // The list's page size is not used here, but a wrong one is still wrong.
    page_limit(p.limit).map_err(fail)?;
    let ask = ask(&state, &p).map_err(fail)?;
    let view = state
        .app
        .patterns(actor, &ctx.meta, &ask)
        .await
        .map_err(fail)?;
    Ok(Json(PatternsDto {
        from: ask.from.to_string(),
        to: ask.to.to_string(),
        current: FiguresDto::from(&view.current),
        previous_from: view.previous_from.to_string(),
        previous_to: view.previous_to.to_string(),
        previous: FiguresDto::from(&view.previous),
        together: view
            .together
            .iter()
            .map(|g| TogetherDto {
                service_id: g.service_id.0,
                episode_ids: g.episodes.iter().map(|e| e.0.0).collect(),
                person_ids: g.episodes.iter().map(|e| e.1.0).collect(),
                first_started_at: g
                    .episodes
                    .first()
                    .map(|e| e.2.to_string())
                    .unwrap_or_default(),
            })
            .collect(),
        shared_associates: view
            .shared
            .iter()
            .map(|g| SharedAssociateDto {
                associate: g.name.clone(),
                concern: g.concern,
                people: g
                    .people
                    .iter()
                    .map(|p| SharedPersonDto {
                        person_id: p.person.0,
                        episodes: p.episodes,
                        first_started_at: p.first_at.to_string(),
                        last_started_at: p.last_at.to_string(),
                    })
                    .collect(),
            })
            .collect(),
    }))
}

/// The episodes behind a figure (the same parameters and `cut`), latest start first, a page
/// at a time; a `Link` header gives the next page. As many in all as the figure says.
#[utoipa::path(get, path = "/api/v1/patterns/episodes", tag = "patterns", params(PatternsParams), responses(
    (status = 200, body = [EpisodeDto], headers(("Link" = String, description = "The next page, when there is one"))),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn episodes(
    State(state): State<AppState>,
    ctx: Ctx,
    super::query::ApiQuery(p): super::query::ApiQuery<PatternsParams>,
) -> Result<Response, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let ask = ask(&state, &p).map_err(fail)?;
    let limit = page_limit(p.limit).map_err(fail)?;
    let after = match p.after.as_deref() {
        Some(a) => Some(
            a.split_once('.')
                .and_then(|(ms, id)| {
                    Some((
                        homeward_domain::time::from_millis(ms.parse().ok()?),
                        id.parse().ok()?,
                    ))
                })
                .ok_or_else(|| fail(AppError::invalid("after", "error-choice-unknown")))?,
        ),
        None => None,
    };
    let list = state
        .app
        .pattern_episodes(actor, &ctx.meta, &ask, after, limit)
        .await
        .map_err(fail)?;
    let body: Vec<EpisodeDto> = list.iter().map(|(e, _)| EpisodeDto::from(e)).collect();
    let mut response = Json(body).into_response();
    if list.len() as i64 == limit
        && let Some((last, started)) = list.last()
    {
        let next = href(
            "/api/v1/patterns/episodes",
            &[
                ("service", p.service.clone()),
                ("person", p.person.clone()),
                ("from", Some(ask.from.to_string())),
                ("to", Some(ask.to.to_string())),
                ("cut", p.cut.clone()),
                ("limit", Some(limit.to_string())),
                (
                    "after",
                    Some(format!(
                        "{}.{}",
                        homeward_domain::time::to_millis(*started),
                        last.id
                    )),
                ),
            ],
        );
        link_next(&mut response, &next);
    }
    Ok(response)
}
