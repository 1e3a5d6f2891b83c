//! The people in the services the user works in.

use super::{Failure, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use homeward_domain::person::age_on;

pub struct PersonRow {
    pub href: String,
    pub name: String,
    pub date_of_birth: String,
    pub age: String,
    pub kind: String,
    pub service: String,
}

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    page: Page,
    count: String,
    people: Vec<PersonRow>,
    can_add: bool,
    next_href: Option<String>,
    first_href: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct PeopleQuery {
    after: String,
}

/// A page of people, by name, with a link to the next.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PeopleQuery>,
) -> Result<Response, Failure> {
    use crate::api::people::{decode_person_cursor, encode_person_cursor};
    const PAGE: i64 = 100;
    let actor = ctx.actor().or_fail(&ctx)?;
    let (people, total) = state
        .app
        .people_page(actor, &ctx.meta, decode_person_cursor(&q.after), PAGE)
        .await
        .or_fail(&ctx)?;
    let next_href = (people.len() as i64 == PAGE)
        .then(|| people.last())
        .flatten()
        .map(|last| {
            let cursor = encode_person_cursor(&homeward_store::PersonCursor {
                family_name: last.family_name.clone(),
                given_name: last.given_name.clone(),
                id: last.id,
            });
            format!("/people?after={cursor}")
        });
    let first_href = (!q.after.trim().is_empty()).then(|| "/people".to_string());
    let (_, services) = state.app.organisation_overview(actor).await.or_fail(&ctx)?;
    let today = homeward_domain::time::in_london(state.app.clock.now()).date();
    let t = ctx.tr;
    let rows = people
        .iter()
        .map(|p| PersonRow {
            href: format!("/people/{}", p.id),
            name: format!("{} {}", p.given_name, p.family_name),
            date_of_birth: p.date_of_birth.map(|d| t.date(d)).unwrap_or_default(),
            age: match p.date_of_birth {
                Some(dob) => age_on(dob, today)
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
                None => p.estimated_age.map(|a| format!("~{a}")).unwrap_or_default(),
            },
            kind: t.get(&format!("kind-{}", p.kind.code())),
            service: services
                .iter()
                .find(|s| s.id == p.service_id)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
        })
        .collect::<Vec<_>>();
    let page = PeoplePage {
        page: Page::new(&ctx, "people-title", "/people"),
        count: t.count("people-count", usize::try_from(total).unwrap_or(0)),
        people: rows,
        can_add: actor.can(homeward_app::policy::Action::EditPeople),
        next_href,
        first_href,
    };
    Ok(render(&page, StatusCode::OK))
}
