use super::dto::{Me, MembershipDto};
use super::problem::Problem;
use crate::context::Ctx;
use axum::Json;

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", responses(
    (status = 200, body = Me),
    (status = 401, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn me(ctx: Ctx) -> Result<Json<Me>, Problem> {
    let actor = ctx.actor().map_err(|e| Problem::new(ctx.tr, e))?;
    Ok(Json(Me {
        id: actor.user.id.0,
        email: actor.user.email.clone(),
        display_name: actor.user.display_name.clone(),
        organisation_id: actor.user.org_id.0,
        roles: actor.memberships.iter().map(MembershipDto::from).collect(),
    }))
}
