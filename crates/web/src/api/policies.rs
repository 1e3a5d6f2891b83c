//! The organisation's missing policies in the API: each policy and where the reader stands
//! with it, its draft with what it still needs, its published versions, signing one, and who
//! has signed per service.

use super::json::ApiJson;
use super::problem::{Problem, ProblemDocument, path_id};
use crate::AppState;
use crate::context::Ctx;
use axum::Json;
use axum::extract::{Path, State};
use homeward_app::missing_policies::PolicyStanding;
use homeward_domain::ids::PolicyId;
use homeward_domain::missing_policy::Place;
use homeward_domain::missing_policy::{LocalDetails, OwnSection};
use homeward_domain::organisation::ServiceKind;
use homeward_store::policies::PolicyDetails;
use homeward_store::policies::{PublishedPolicy, Signing};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct PolicyDto {
    pub id: Uuid,
    /// The kind of service it is for: childrens_home, fostering_service,
    /// supported_accommodation, home_care or adult_care_home.
    pub kind: String,
    /// The version in force; absent until one is published.
    pub version_in_force: Option<i64>,
    /// The date (Europe/London) the version in force must be reviewed by.
    #[schema(format = Date)]
    pub review_by: Option<String>,
    pub review_overdue: bool,
    /// For those who keep the policy: whether the draft says something the version in force
    /// does not (absent for others).
    pub draft_changed: Option<bool>,
    /// The version the reader must still read and sign, if any.
    pub to_sign: Option<i64>,
}

impl From<&PolicyStanding> for PolicyDto {
    fn from(p: &PolicyStanding) -> Self {
        Self {
            id: p.policy.id.0,
            kind: p.policy.kind.code().into(),
            version_in_force: p.in_force.as_ref().map(|v| v.version),
            review_by: p.in_force.as_ref().map(|v| v.review_by.to_string()),
            review_overdue: p.review_overdue,
            draft_changed: p.draft_changed,
            to_sign: p.to_sign,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MissingFieldDto {
    /// organisation_name, registration_number, registered_manager, safeguarding_lead, logo,
    /// local_authority, local_protocol, emergency_duty_team or police_force.
    pub field: String,
    /// Where it is filled in: `organisation` (the organisation's details) or `policy` (the
    /// policy's local details, or its logo).
    pub place: String,
}

#[derive(Serialize, ToSchema)]
pub struct PolicyVersionSummaryDto {
    pub version: i64,
    pub approved_by: String,
    /// RFC 3339, UTC.
    #[schema(format = DateTime)]
    pub approved_at: String,
    #[schema(format = Date)]
    pub review_by: String,
    /// Everyone had to read and sign it again.
    pub material: bool,
    pub change_note: String,
    /// SHA-256 of the English and Welsh words, hex.
    pub content_hash: String,
}

impl From<&PublishedPolicy> for PolicyVersionSummaryDto {
    fn from(p: &PublishedPolicy) -> Self {
        Self {
            version: p.version,
            approved_by: p.approved_by_label.clone(),
            approved_at: p.approved_at.to_string(),
            review_by: p.review_by.to_string(),
            material: p.material,
            change_note: p.change_note.clone(),
            content_hash: p.content_hash.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct PolicyDraftDto {
    pub id: Uuid,
    pub kind: String,
    /// What must be filled in before it can be published; empty when it can be.
    pub missing: Vec<MissingFieldDto>,
    pub changed_since_published: bool,
    /// The draft's words as they stand now, in each language.
    pub text_en: String,
    pub text_cy: String,
    /// Newest first.
    pub versions: Vec<PolicyVersionSummaryDto>,
}

#[derive(Serialize, ToSchema)]
pub struct PolicyVersionDto {
    #[serde(flatten)]
    pub summary: PolicyVersionSummaryDto,
    /// The words staff read and signed, in each language.
    pub text_en: String,
    pub text_cy: String,
    /// When the reader signed this version.
    #[schema(format = DateTime)]
    pub signed_at: Option<String>,
    /// The reader still has to sign this version or a newer one.
    pub must_sign: bool,
}

#[derive(Serialize, ToSchema)]
pub struct SignedDto {
    /// False when they had signed it already (nothing new was recorded).
    pub newly_signed: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ServiceSigningDto {
    pub service_id: Uuid,
    pub service: String,
    /// Staff who must sign the version in force, and of them who have.
    pub staff: usize,
    pub signed: usize,
    /// Of those on the service's on-call rota.
    pub rota: usize,
    pub rota_signed: usize,
    pub not_signed: Vec<String>,
}

fn policy_id(ctx: &Ctx, raw: &str) -> Result<PolicyId, Problem> {
    path_id::<Uuid>(ctx.tr, raw).map(PolicyId)
}

/// The organisation's missing policies, and where the reader stands with each.
#[utoipa::path(get, path = "/api/v1/policies", operation_id = "list_policies", tag = "policies", responses(
    (status = 200, body = [PolicyDto]),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<PolicyDto>>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let list = state.app.policy_standings(actor).await.map_err(fail)?;
    Ok(Json(list.iter().map(PolicyDto::from).collect()))
}

/// A policy's draft as it stands now, what it still needs, and its published versions.
#[utoipa::path(get, path = "/api/v1/policies/{id}", operation_id = "show_policy", tag = "policies", params(("id" = String, Path)), responses(
    (status = 200, body = PolicyDraftDto),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<PolicyDraftDto>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = policy_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    let d = state.app.missing_policy(actor, id).await.map_err(fail)?;
    Ok(Json(PolicyDraftDto {
        id: d.policy.id.0,
        kind: d.policy.kind.code().into(),
        missing: d
            .composed
            .missing
            .iter()
            .map(|f| MissingFieldDto {
                field: f.code().into(),
                place: match f.place() {
                    Place::Organisation => "organisation",
                    Place::LocalDetails => "policy",
                }
                .into(),
            })
            .collect(),
        changed_since_published: d.changed_since_published(),
        versions: d
            .published
            .iter()
            .map(PolicyVersionSummaryDto::from)
            .collect(),
        text_en: d.text_en,
        text_cy: d.text_cy,
    }))
}

fn version_number(ctx: &Ctx, raw: &str) -> Result<i64, Problem> {
    path_id::<i64>(ctx.tr, raw)
}

/// One published version: its words as staff signed them, and the reader's signature.
#[utoipa::path(get, path = "/api/v1/policies/{id}/published/{version}", operation_id = "policy_version", tag = "policies", params(("id" = String, Path), ("version" = i64, Path)), responses(
    (status = 200, body = PolicyVersionDto),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn version(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<PolicyVersionDto>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = policy_id(&ctx, &id)?;
    let version = version_number(&ctx, &version)?;
    let actor = ctx.actor().map_err(fail)?;
    let v = state
        .app
        .missing_policy_version(actor, id, version)
        .await
        .map_err(fail)?;
    Ok(Json(PolicyVersionDto {
        summary: PolicyVersionSummaryDto::from(&v.version),
        text_en: v.version.text_en,
        text_cy: v.version.text_cy,
        signed_at: v.signed_at.map(|at| at.to_string()),
        must_sign: v.must_sign,
    }))
}

/// Signs a published version: the reader has read it and will follow it. Signing again
/// changes nothing.
#[utoipa::path(post, path = "/api/v1/policies/{id}/published/{version}/sign", tag = "policies", params(("id" = String, Path), ("version" = i64, Path)), responses(
    (status = 200, body = SignedDto),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn sign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<SignedDto>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = policy_id(&ctx, &id)?;
    let version = version_number(&ctx, &version)?;
    let actor = ctx.actor().map_err(fail)?;
    let done = state
        .app
        .sign_missing_policy(actor, &ctx.meta, id, version)
        .await
        .map_err(fail)?;
    Ok(Json(SignedDto {
        newly_signed: done == Signing::Signed,
    }))
}

/// Per service of the policy's kind: who has signed what they must of the version in force.
#[utoipa::path(get, path = "/api/v1/policies/{id}/signatures", tag = "policies", params(("id" = String, Path)), responses(
    (status = 200, body = [ServiceSigningDto]),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn signatures(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<Vec<ServiceSigningDto>>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = policy_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    let lines = state.app.policy_signing(actor, id).await.map_err(fail)?;
    Ok(Json(
        lines
            .into_iter()
            .map(|s| ServiceSigningDto {
                service_id: s.service.id.0,
                service: s.service.name,
                staff: s.staff,
                signed: s.signed,
                rota: s.rota,
                rota_signed: s.rota_signed,
                not_signed: s.not_signed,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPolicyRequest {
    /// childrens_home, fostering_service, supported_accommodation, home_care or
    /// adult_care_home. Asked again for a kind that has one, the answer is that one.
    pub kind: String,
}

#[derive(Serialize, ToSchema)]
pub struct PolicyCreated {
    pub id: Uuid,
}

/// Starts the organisation's policy for a kind of service (one per kind).
#[utoipa::path(post, path = "/api/v1/policies", operation_id = "create_policy", tag = "policies", request_body = NewPolicyRequest, responses(
    (status = 200, body = PolicyCreated),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(body): ApiJson<NewPolicyRequest>,
) -> Result<Json<PolicyCreated>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let kind = ServiceKind::from_code(body.kind.trim())
        .ok_or_else(|| fail(homeward_app::AppError::invalid("kind", "error-policy-kind")))?;
    let id = state
        .app
        .create_missing_policy(actor, &ctx.meta, kind)
        .await
        .map_err(fail)?;
    Ok(Json(PolicyCreated { id: id.0 }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnSectionDto {
    /// The Homeward section it follows: purpose, scope, definitions, immediate, prevention,
    /// return, records, related or review.
    pub after: String,
    pub heading: String,
    /// Paragraphs separated by a blank line; lines starting "- " make a list.
    pub text: String,
    #[serde(default)]
    pub heading_cy: String,
    #[serde(default)]
    pub text_cy: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyDetailsUpdate {
    /// The version of the details this change is based on (0 before any).
    pub based_on: i64,
    pub local_authority: String,
    pub local_protocol: String,
    pub emergency_duty_team: String,
    pub police_force: String,
    /// Months between reviews, 1 to 12.
    pub review_months: i64,
    /// At most 20. Problems name `own_heading_N`, `own_text_N` and `own_after_N`, from 0.
    #[serde(default)]
    pub own_sections: Vec<OwnSectionDto>,
}

#[derive(Serialize, ToSchema)]
pub struct DetailsSaved {
    /// The version now in force (the same as before when nothing changed).
    pub version: i64,
}

/// Saves a policy's local details and the organisation's own sections as their next version.
#[utoipa::path(put, path = "/api/v1/policies/{id}/details", tag = "policies", params(("id" = String, Path)), request_body = PolicyDetailsUpdate, responses(
    (status = 200, body = DetailsSaved),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 409, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn update_details(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PolicyDetailsUpdate>,
) -> Result<Json<DetailsSaved>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = policy_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    let details = PolicyDetails {
        local: LocalDetails {
            local_authority: body.local_authority.trim().into(),
            local_protocol: body.local_protocol.trim().into(),
            emergency_duty_team: body.emergency_duty_team.trim().into(),
            police_force: body.police_force.trim().into(),
            has_logo: false,
        },
        own: body
            .own_sections
            .into_iter()
            .map(|o| OwnSection {
                after: o.after.trim().into(),
                heading: o.heading.trim().into(),
                text: o.text.trim().into(),
                heading_cy: o.heading_cy.trim().into(),
                text_cy: o.text_cy.trim().into(),
            })
            .collect(),
        // Out of range becomes 0, which the check refuses in words.
        review_months: i8::try_from(body.review_months).unwrap_or(0),
    };
    let next = body.based_on.saturating_add(1);
    state
        .app
        .save_policy_details(actor, &ctx.meta, id, next, details)
        .await
        .map_err(fail)?;
    let draft = state.app.missing_policy(actor, id).await.map_err(fail)?;
    Ok(Json(DetailsSaved {
        version: draft.details_version,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// Everyone must read and sign it again (always so for the first version).
    pub material: bool,
    #[serde(default)]
    pub change_note: String,
}

#[derive(Serialize, ToSchema)]
pub struct Published {
    pub version: i64,
}

/// Publishes the draft as it stands. Refused while anything is missing (each named) or when
/// nothing has changed since the version in force.
#[utoipa::path(post, path = "/api/v1/policies/{id}/publish", tag = "policies", params(("id" = String, Path)), request_body = PublishRequest, responses(
    (status = 200, body = Published),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
    (status = 422, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PublishRequest>,
) -> Result<Json<Published>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id = policy_id(&ctx, &id)?;
    let actor = ctx.actor().map_err(fail)?;
    let version = state
        .app
        .publish_missing_policy(actor, &ctx.meta, id, body.material, &body.change_note)
        .await
        .map_err(fail)?;
    Ok(Json(Published { version }))
}
