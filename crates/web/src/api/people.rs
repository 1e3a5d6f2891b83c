//! People in the API: the person, their versioned documents, photos and the police pack. Every
//! read is audited by the application layer, as it is for the pages.

use super::dto::{Created, PersonDto};
use super::json::ApiJson;
use super::person_dto::{
    DocumentUpdate, DocumentVersionDto, DueDto, NewPersonRequest, PersonDetailDto, PhotoDto,
    VersionSaved, VersionSummaryDto, WarningDto, sections_input,
};
use super::problem::{Problem, ProblemDocument};
use crate::AppState;
use crate::context::Ctx;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use homeward_app::AppError;
use homeward_domain::forms::DocKind;
use homeward_domain::ids::{PersonId, PhotoId};
use serde::Deserialize;

fn not_found(ctx: &Ctx) -> Problem {
    Problem::new(ctx.tr, AppError::NotFound)
}

fn person_id(ctx: &Ctx, raw: &str) -> Result<PersonId, Problem> {
    super::problem::path_id(ctx.tr, raw)
}

fn created_at(location: String, body: impl serde::Serialize) -> Response {
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleListQuery {
    /// How many to return: 1 to 200, 50 if not given.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Where the previous page ended: the `after` of its `Link: <…>; rel="next"` header.
    pub after: Option<String>,
}

/// A page's end as text; the JSON is `[family_name, given_name, id]`.
pub fn encode_person_cursor(c: &homeward_store::PersonCursor) -> String {
    crate::listing::encode_cursor(&(&c.family_name, &c.given_name, c.id.to_string()))
}

pub fn decode_person_cursor(text: &str) -> Option<homeward_store::PersonCursor> {
    let (family_name, given_name, id): (String, String, String) =
        crate::listing::decode_cursor(text)?;
    Some(homeward_store::PersonCursor {
        family_name,
        given_name,
        id: id.parse().ok()?,
    })
}

/// The people in the services the caller works in, by name, a page at a time. When there are
/// more, a `Link` header gives the next page (`rel="next"`). Every call is audited.
#[utoipa::path(get, path = "/api/v1/people", operation_id = "list_people", tag = "people", params(PeopleListQuery), responses(
    (status = 200, body = [PersonDto], headers(("Link" = String, description = "The next page, when there is one"))),
    (status = 401, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    super::query::ApiQuery(q): super::query::ApiQuery<PeopleListQuery>,
) -> Result<Response, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let limit = crate::listing::page_limit(q.limit).map_err(fail)?;
    let after = match q.after.as_deref() {
        Some(a) => Some(
            decode_person_cursor(a)
                .ok_or_else(|| fail(AppError::invalid("after", "error-choice-unknown")))?,
        ),
        None => None,
    };
    let (people, _) = state
        .app
        .people_page(actor, &ctx.meta, after, limit)
        .await
        .map_err(fail)?;
    let mut response = Json(people.iter().map(PersonDto::from).collect::<Vec<_>>()).into_response();
    if people.len() as i64 == limit
        && let Some(last) = people.last()
    {
        let cursor = encode_person_cursor(&homeward_store::PersonCursor {
            family_name: last.family_name.clone(),
            given_name: last.given_name.clone(),
            id: last.id,
        });
        crate::listing::link_next(
            &mut response,
            &format!("/api/v1/people?limit={limit}&after={cursor}"),
        );
    }
    Ok(response)
}

/// Adds a person, with their information form as its first version. Problems name fields as
/// `section.field` (`about.date_of_birth`, `health.medication-1-name`).
#[utoipa::path(post, path = "/api/v1/people", operation_id = "create_person", tag = "people", request_body = NewPersonRequest, responses(
    (status = 201, body = Created, headers(("Location" = String))),
    (status = 400, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<NewPersonRequest>,
) -> Result<Response, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let id = state
        .app
        .create_person_with(
            actor,
            &ctx.meta,
            &body.service_id,
            sections_input(&body.profile),
        )
        .await
        .map_err(fail)?;
    Ok(created_at(
        format!("/api/v1/people/{id}"),
        Created { id: id.0 },
    ))
}

/// The people whose photo, information form, risk assessment or plan is out of date, by
/// name, a page at a time. When there may be more, a `Link` header gives the next page.
#[utoipa::path(get, path = "/api/v1/people/due", tag = "people", params(PeopleListQuery), responses(
    (status = 200, body = [DueDto], headers(("Link" = String, description = "The next page, when there may be one"))),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn due(
    State(state): State<AppState>,
    ctx: Ctx,
    super::query::ApiQuery(q): super::query::ApiQuery<PeopleListQuery>,
) -> Result<Response, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let limit = crate::listing::page_limit(q.limit).map_err(fail)?;
    let after = match q.after.as_deref() {
        Some(a) => Some(
            decode_person_cursor(a)
                .ok_or_else(|| fail(AppError::invalid("after", "error-choice-unknown")))?,
        ),
        None => None,
    };
    let (due, end) = state
        .app
        .people_due_for_review(actor, &ctx.meta, after, limit)
        .await
        .map_err(fail)?;
    let body: Vec<DueDto> = due
        .iter()
        .map(|(p, warnings)| DueDto {
            person: PersonDto::from(p),
            warnings: warnings
                .iter()
                .map(|w| WarningDto::new(ctx.tr, w))
                .collect(),
        })
        .collect();
    let mut response = Json(body).into_response();
    if let Some(end) = end {
        crate::listing::link_next(
            &mut response,
            &format!(
                "/api/v1/people/due?limit={limit}&after={}",
                encode_person_cursor(&end)
            ),
        );
    }
    Ok(response)
}

/// A person: the latest version of each document, the current photo and what is out of date.
#[utoipa::path(get, path = "/api/v1/people/{id}", operation_id = "show_person", tag = "people", params(("id" = String, Path)), responses(
    (status = 200, body = PersonDetailDto),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<PersonDetailDto>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = person_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    let view = state
        .app
        .view_person(actor, &ctx.meta, id)
        .await
        .map_err(fail)?;
    Ok(Json(PersonDetailDto::new(ctx.tr, &view)))
}

async fn save(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    kind: DocKind,
    body: DocumentUpdate,
) -> Result<Json<VersionSaved>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = person_id(ctx, id)?;
    let actor = ctx.actor().map_err(fail)?;
    let version = state
        .app
        .save_sections(
            actor,
            &ctx.meta,
            id,
            kind,
            sections_input(&body.sections),
            body.based_on,
        )
        .await
        .map_err(fail)?;
    Ok(Json(VersionSaved { version }))
}

/// Saves the next version of the person's information form: the sections given replace
/// those in the version it is based on.
#[utoipa::path(put, path = "/api/v1/people/{id}", operation_id = "update_person", tag = "people", params(("id" = String, Path)), request_body = DocumentUpdate, responses(
    (status = 200, body = VersionSaved),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 409, description = "Someone saved a later version meanwhile; nothing was saved.", body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DocumentUpdate>,
) -> Result<Json<VersionSaved>, Problem> {
    save(&state, &ctx, &id, DocKind::Profile, body).await
}

async fn versions_of(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    kind: Option<DocKind>,
) -> Result<Json<Vec<VersionSummaryDto>>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = person_id(ctx, id)?;
    let actor = ctx.actor().map_err(fail)?;
    let (_, versions) = state
        .app
        .person_history(actor, &ctx.meta, id)
        .await
        .map_err(fail)?;
    Ok(Json(
        versions
            .iter()
            .filter(|v| kind.is_none_or(|k| v.kind == k))
            .map(VersionSummaryDto::from)
            .collect(),
    ))
}

/// Every version of every document about the person, newest first: who saved what, when.
#[utoipa::path(get, path = "/api/v1/people/{id}/versions", tag = "people", params(("id" = String, Path)), responses(
    (status = 200, body = [VersionSummaryDto]),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn versions(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Vec<VersionSummaryDto>>, Problem> {
    versions_of(&state, &ctx, &id, None).await
}

/// One version of a document, whole.
#[utoipa::path(get, path = "/api/v1/people/{id}/versions/{document}/{version}", operation_id = "person_version", tag = "people", params(
    ("id" = String, Path),
    ("document" = String, Path, description = "profile, risk-assessment or missing-plan"),
    ("version" = i64, Path),
), responses(
    (status = 200, body = DocumentVersionDto),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn version(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, document, version)): Path<(String, String, String)>,
) -> Result<Json<DocumentVersionDto>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = person_id(&ctx, &id)?;
    let kind = DocKind::from_slug(&document).ok_or_else(|| not_found(&ctx))?;
    let version: i64 = version.parse().map_err(|_| not_found(&ctx))?;
    let actor = ctx.actor().map_err(fail)?;
    let (_, found) = state
        .app
        .person_document_version(actor, &ctx.meta, id, kind, version)
        .await
        .map_err(fail)?;
    Ok(Json(DocumentVersionDto::from(&found)))
}

/// The versions of the person's risk assessment, newest first.
#[utoipa::path(get, path = "/api/v1/people/{id}/risk-assessments", tag = "people", params(("id" = String, Path)), responses(
    (status = 200, body = [VersionSummaryDto]),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn risk_assessments(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Vec<VersionSummaryDto>>, Problem> {
    versions_of(&state, &ctx, &id, Some(DocKind::RiskAssessment)).await
}

/// Saves the next version of the person's risk assessment.
#[utoipa::path(post, path = "/api/v1/people/{id}/risk-assessments", tag = "people", params(("id" = String, Path)), request_body = DocumentUpdate, responses(
    (status = 200, body = VersionSaved),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 409, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn save_risk_assessment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DocumentUpdate>,
) -> Result<Json<VersionSaved>, Problem> {
    save(&state, &ctx, &id, DocKind::RiskAssessment, body).await
}

/// The versions of the person's missing plan, newest first, with who agreed each.
#[utoipa::path(get, path = "/api/v1/people/{id}/missing-plans", tag = "people", params(("id" = String, Path)), responses(
    (status = 200, body = [VersionSummaryDto]),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn missing_plans(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Vec<VersionSummaryDto>>, Problem> {
    versions_of(&state, &ctx, &id, Some(DocKind::MissingPlan)).await
}

/// Saves the next version of the person's missing plan. It needs agreeing again.
#[utoipa::path(post, path = "/api/v1/people/{id}/missing-plans", tag = "people", params(("id" = String, Path)), request_body = DocumentUpdate, responses(
    (status = 200, body = VersionSaved),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 409, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn save_missing_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DocumentUpdate>,
) -> Result<Json<VersionSaved>, Problem> {
    save(&state, &ctx, &id, DocKind::MissingPlan, body).await
}

/// A manager agrees the missing plan as it stands in this version (the latest).
#[utoipa::path(post, path = "/api/v1/people/{id}/missing-plans/{version}/agree", tag = "people", params(("id" = String, Path), ("version" = i64, Path)), responses(
    (status = 200, body = VersionSaved),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 409, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, description = "The plan is not complete.", body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn agree_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<VersionSaved>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = person_id(&ctx, &id)?;
    let version: i64 = version.parse().map_err(|_| not_found(&ctx))?;
    let actor = ctx.actor().map_err(fail)?;
    let version = state
        .app
        .agree_plan(actor, &ctx.meta, id, version)
        .await
        .map_err(fail)?;
    Ok(Json(VersionSaved { version }))
}

/// The person's photos, newest first.
#[utoipa::path(get, path = "/api/v1/people/{id}/photos", tag = "people", params(("id" = String, Path)), responses(
    (status = 200, body = [PhotoDto]),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn photos(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Vec<PhotoDto>>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = person_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    let (photos, current) = state
        .app
        .list_photos(actor, &ctx.meta, id)
        .await
        .map_err(fail)?;
    Ok(Json(
        photos
            .iter()
            .map(|p| PhotoDto::new(p, Some(p.id) == current))
            .collect(),
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PhotoQuery {
    /// YYYY-MM-DD; today when absent.
    taken_on: Option<String>,
}

/// Adds a photo, which becomes the current one. Send the image itself as the body (JPEG, PNG
/// or WebP, under 20 MB). It is re-encoded as a JPEG with every piece of metadata removed
/// (GPS included) and turned the right way up; the original is not kept.
#[utoipa::path(post, path = "/api/v1/people/{id}/photos", tag = "people", params(("id" = String, Path), PhotoQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses(
        (status = 201, body = Created, headers(("Location" = String))),
        (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
        (status = 413, body = ProblemDocument, content_type = "application/problem+json"),
        (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn add_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    super::query::ApiQuery(q): super::query::ApiQuery<PhotoQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = person_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    // Whether this person is theirs comes before anything about the upload.
    state.app.photos(actor, id).await.map_err(fail)?;
    let body = body.map_err(|_| {
        Problem::with(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            ctx.tr.get("error-photo-too-large"),
            Vec::new(),
        )
    })?;
    if body.is_empty() {
        return Err(fail(AppError::invalid("photo", "error-photo-empty")));
    }
    let taken_on = match q.taken_on.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            text.parse()
                .map_err(|_| fail(AppError::invalid("taken_on", "error-date-iso")))?,
        ),
    };
    let photo = state
        .app
        .add_photo(actor, &ctx.meta, id, body.to_vec(), taken_on)
        .await
        .map_err(fail)?;
    Ok(created_at(
        format!("/api/v1/people/{id}/photos/{photo}"),
        Created { id: photo.0 },
    ))
}

/// One photo, as a JPEG. Never cached.
#[utoipa::path(get, path = "/api/v1/people/{id}/photos/{photo}", tag = "people", params(("id" = String, Path), ("photo" = String, Path)), responses(
    (status = 200, content_type = "image/jpeg", body = Vec<u8>),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, photo)): Path<(String, String)>,
) -> Result<Response, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = person_id(&ctx, &id)?;
    let photo: PhotoId = photo.parse().map_err(|_| not_found(&ctx))?;
    let actor = ctx.actor().map_err(fail)?;
    let jpeg = state
        .app
        .photo_jpeg(actor, &ctx.meta, id, photo)
        .await
        .map_err(fail)?;
    Ok(crate::headers::private_file(jpeg, "image/jpeg", "inline"))
}

/// Makes this photo the current one.
#[utoipa::path(post, path = "/api/v1/people/{id}/photos/{photo}/current", tag = "people", params(("id" = String, Path), ("photo" = String, Path)), responses(
    (status = 204),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn choose_photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, photo)): Path<(String, String)>,
) -> Result<StatusCode, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = person_id(&ctx, &id)?;
    let photo: PhotoId = photo.parse().map_err(|_| not_found(&ctx))?;
    let actor = ctx.actor().map_err(fail)?;
    state
        .app
        .choose_photo(actor, &ctx.meta, id, photo)
        .await
        .map_err(fail)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PackQuery {
    /// en or cy; otherwise the caller's Accept-Language.
    lang: Option<String>,
}

/// The police pack: one or two A4 pages of PDF for a police call handler, leaving out what
/// may not be shared with police. Every pack made is audited.
#[utoipa::path(get, path = "/api/v1/people/{id}/police-pack", tag = "people", params(("id" = String, Path), PackQuery), responses(
    (status = 200, content_type = "application/pdf", body = Vec<u8>),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn police_pack(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    super::query::ApiQuery(q): super::query::ApiQuery<PackQuery>,
) -> Result<Response, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = person_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    let locale = ctx.locale_or(q.lang.as_deref());
    let pdf = state
        .app
        .police_pack(actor, &ctx.meta, id, locale)
        .await
        .map_err(fail)?;
    Ok(crate::headers::pdf(
        pdf,
        "inline; filename=\"police-pack.pdf\"",
    ))
}
