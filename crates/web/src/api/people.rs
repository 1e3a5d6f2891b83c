use super::dto::PersonDto;
use super::problem::Problem;
use crate::AppState;
use crate::context::Ctx;
use axum::Json;
use axum::extract::State;

/// The people in the services the caller works in. Every call is audited.
#[utoipa::path(get, path = "/api/v1/people", responses(
    (status = 200, body = [PersonDto]),
    (status = 401, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    (status = 403, body = super::problem::ProblemDocument, content_type = "application/problem+json"),
))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<PersonDto>>, Problem> {
    let fail = |e| Problem::new(ctx.tr, e);
    let actor = ctx.actor().map_err(fail)?;
    let people = state
        .app
        .list_people(actor, &ctx.meta)
        .await
        .map_err(fail)?;
    Ok(Json(people.iter().map(PersonDto::from).collect()))
}
