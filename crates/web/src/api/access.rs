//! Access for partners in the API: who outside the organisation can see a person's record
//! (and the looks they took), and, for someone from a partner organisation, what is shared
//! with it now. Giving and ending access stay on the pages, which ask for the code again.

use super::problem::{Problem, ProblemDocument};
use crate::AppState;
use crate::context::Ctx;
use axum::Json;
use axum::extract::{Path, State};
use homeward_app::AppError;
use homeward_app::access::GrantLine;
use homeward_domain::ids::PersonId;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct GrantDto {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub partner_name: String,
    pub person_id: Uuid,
    /// Only this episode, if given for one.
    pub episode_id: Option<Uuid>,
    /// find, plan_return, return_interview, strategy_discussion, placing_authority or
    /// break_glass.
    pub purpose: String,
    pub reason: String,
    /// police_pack, information_form, risk_assessment, missing_plan, chronology.
    pub sections: Vec<String>,
    pub granted_by: String,
    /// RFC 3339.
    pub granted_at: String,
    pub ends_at: String,
    /// Whether it lets them see the record now.
    pub live: bool,
    /// When and why it was ended early, if it was.
    pub ended_at: Option<String>,
    pub ended_reason: Option<String>,
}

fn grant_dto(line: &GrantLine) -> GrantDto {
    let g = &line.grant;
    GrantDto {
        id: g.id,
        partner_id: g.partner_org_id.0,
        partner_name: line.partner_name.clone(),
        person_id: g.person_id.0,
        episode_id: g.episode_id.map(|e| e.0),
        purpose: g.purpose.clone(),
        reason: g.reason.clone(),
        sections: g.sections.clone(),
        granted_by: g.granted_by_label.clone(),
        granted_at: g.granted_at.to_string(),
        ends_at: g.ends_at.to_string(),
        live: line.live,
        ended_at: g.ended.as_ref().map(|e| e.at.to_string()),
        ended_reason: g.ended.as_ref().map(|e| e.reason.clone()),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReceiptDto {
    /// RFC 3339.
    pub at: String,
    /// Who looked, and from which organisation.
    pub who: String,
    pub what: String,
}

#[derive(Serialize, ToSchema)]
pub struct PersonAccessDto {
    /// Every grant ever given for the person, latest first.
    pub grants: Vec<GrantDto>,
    /// The looks partners took, latest first.
    pub receipts: Vec<ReceiptDto>,
}

/// Who outside the organisation can see a person's record, and the looks they took.
/// Audited.
#[utoipa::path(get, path = "/api/v1/people/{id}/access", tag = "sharing", params(("id" = String, Path)), responses(
    (status = 200, body = PersonAccessDto),
    (status = 404, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn person(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<PersonAccessDto>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let id: PersonId = id.parse().map_err(|_| fail(AppError::NotFound))?;
    let actor = ctx.actor().map_err(fail)?;
    let (lines, receipts) = state
        .app
        .person_grants(actor, &ctx.meta, id)
        .await
        .map_err(fail)?;
    Ok(Json(PersonAccessDto {
        grants: lines.iter().map(grant_dto).collect(),
        receipts: receipts
            .into_iter()
            .map(|r| ReceiptDto {
                at: r.at.to_string(),
                who: r.who,
                what: r.what,
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct SharedDto {
    pub grant_id: Uuid,
    pub provider_id: Uuid,
    pub provider_name: String,
    pub person_id: Uuid,
    pub given_name: String,
    pub family_name: String,
    pub episode_id: Option<Uuid>,
    pub purpose: String,
    pub sections: Vec<String>,
    /// RFC 3339.
    pub ends_at: String,
}

/// What providers share with the caller's organisation now: each live grant with whose
/// record it opens. Partners only; audited.
#[utoipa::path(get, path = "/api/v1/shared", tag = "sharing", responses(
    (status = 200, body = [SharedDto]),
    (status = 403, body = ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn shared(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<SharedDto>>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let list = state
        .app
        .shared_with_me(actor, &ctx.meta)
        .await
        .map_err(fail)?;
    Ok(Json(
        list.into_iter()
            .map(|l| SharedDto {
                grant_id: l.grant.id,
                provider_id: l.grant.org_id.0,
                provider_name: l.provider_name,
                person_id: l.person.id.0,
                given_name: l.person.given_name,
                family_name: l.person.family_name,
                episode_id: l.grant.episode_id.map(|e| e.0),
                purpose: l.grant.purpose,
                sections: l.grant.sections,
                ends_at: l.grant.ends_at.to_string(),
            })
            .collect(),
    ))
}
