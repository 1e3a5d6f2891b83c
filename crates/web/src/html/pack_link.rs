//! The police pack as a link that works once: staff make it for a named recipient and give
//! the code by phone; the recipient opens it, without an account, with the code.

use super::disclosures::{radios, text};
use super::episodes::{person_id, values_from};
use super::person::full_name;
use super::{Failure, FormErrors, OrFail, Page, render};
use crate::AppState;
use crate::context::{CSRF_COOKIE, Ctx};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use homeward_app::AppError;
use homeward_app::access::{PackLinkInput, PackOpened};
use homeward_domain::disclosure::{CONDITIONS, CONSENT, Disclosure, LAWFUL_BASES};
use homeward_domain::ids::PersonId;

#[derive(Template)]
#[template(path = "pack_link_new.html")]
struct NewPage {
    page: Page,
    errors: FormErrors,
    name: String,
    back_href: String,
    action: String,
    fields: Vec<super::form_view::FieldView>,
    /// The link and code once made: shown this once.
    made: Option<(String, String, String)>,
}

async fn new_page(
    state: &AppState,
    ctx: &Ctx,
    id: PersonId,
    values: &homeward_app::episode_form::Values,
    errors: FormErrors,
    made: Option<(String, String, String)>,
) -> Result<NewPage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let t = ctx.tr;
    let person = state
        .app
        .store
        .get_person(actor.org_id(), id)
        .await
        .map_err(AppError::from)
        .or_fail(ctx)?
        .ok_or(AppError::NotFound)
        .or_fail(ctx)?;
    let named = |name: &str, label: &str, kind: &'static str| {
        let mut f = text(t, values, &errors, name, kind);
        f.label = t.get(label);
        f.hint = t.get_or(&format!("{label}-hint"), "");
        f
    };
    Ok(NewPage {
        page: Page::new(ctx, "pack-link-title", "/people").with_errors(&errors),
        errors: errors.clone(),
        name: full_name(&person),
        back_href: format!("/people/{id}"),
        action: format!("/people/{id}/pack-link"),
        fields: vec![
            named("recipient", "pack-link-recipient", "text"),
            named("hours", "pack-link-hours", "number"),
            named("purpose", "access-why", "textarea"),
            radios(t, values, &errors, "consent", CONSENT),
            text(t, values, &errors, "concern", "textarea"),
            radios(t, values, &errors, "lawful_basis", LAWFUL_BASES),
            radios(t, values, &errors, "condition", CONDITIONS),
            text(t, values, &errors, "told_person", "textarea"),
        ],
        made,
    })
}

/// The form to send the police pack as a link.
pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let mut values = homeward_app::episode_form::Values::new();
    values.insert(
        "hours".into(),
        homeward_domain::access::PACK_LINK_USUAL_HOURS.to_string(),
    );
    let page = new_page(&state, &ctx, id, &values, FormErrors::default(), None).await?;
    Ok(render(&page, StatusCode::OK))
}

/// Makes the link and shows it, with its code, once.
pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let values = values_from(&body);
    let get = |name: &str| values.get(name).cloned().unwrap_or_default();
    let hours = match get("hours").trim() {
        "" => None,
        h => Some(h.parse::<i64>().unwrap_or(-1)),
    };
    let input = PackLinkInput {
        recipient: get("recipient"),
        hours,
        disclosure: Disclosure {
            purpose: get("purpose"),
            lawful_basis: get("lawful_basis"),
            condition: get("condition"),
            consent: get("consent"),
            concern: get("concern"),
            told_person: get("told_person"),
            ..Disclosure::default()
        },
    };
    match state.app.send_pack_link(actor, &ctx.meta, id, &input).await {
        Ok(made) => {
            let scheme = if state.config.https { "https" } else { "http" };
            let host = headers
                .get(axum::http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            let link = format!("{scheme}://{host}/pack/{}", made.token);
            let until = ctx.tr.date_time(made.expires_at);
            let page = new_page(
                &state,
                &ctx,
                id,
                &values,
                FormErrors::default(),
                Some((link, made.code, until)),
            )
            .await?;
            Ok(render(&page, StatusCode::OK))
        }
        Err(AppError::StepUp) => Ok(Redirect::to(&super::sign_in::confirm_href(&format!(
            "/people/{id}/pack-link"
        )))
        .into_response()),
        Err(AppError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let page = new_page(&state, &ctx, id, &values, errors, None).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

#[derive(Template)]
#[template(path = "pack_link_open.html")]
struct OpenPage {
    page: Page,
    errors: FormErrors,
    csrf: String,
    action: String,
    gone: bool,
}

fn open_page(ctx: &Ctx, token: &str, csrf: String, errors: FormErrors, gone: bool) -> OpenPage {
    OpenPage {
        page: Page::new(ctx, "pack-open-title", "").with_errors(&errors),
        errors,
        csrf: crate::guard::masked(&csrf),
        action: format!("/pack/{token}"),
        gone,
    }
}

/// Asks for the code given by phone.
pub async fn open_form(ctx: Ctx, jar: CookieJar, Path(token): Path<String>) -> Response {
    let csrf = match super::sign_in::csrf_of(&jar) {
        c if !c.is_empty() => c,
        _ => match homeward_app::secrets::random_token() {
            Ok(t) => t,
            Err(e) => return super::errors::page(&ctx, AppError::Internal(e.to_string())),
        },
    };
    let csrf = match &ctx.actor {
        Some(a) => match &a.via {
            homeward_app::actor::Via::Session { csrf_token, .. } => csrf_token.clone(),
            _ => csrf,
        },
        None => csrf,
    };
    let page = open_page(&ctx, &token, csrf.clone(), FormErrors::default(), false);
    let mut response = render(&page, StatusCode::OK);
    if ctx.actor.is_none() {
        response
            .headers_mut()
            .append(SET_COOKIE, super::sign_in::cookie(CSRF_COOKIE, &csrf, None));
    }
    response
}

/// Opens the link with its code: the police pack, once.
pub async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    jar: CookieJar,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    let values = values_from(&body);
    let code = values.get("code").cloned().unwrap_or_default();
    let csrf = values
        .get("csrf_token")
        .cloned()
        .unwrap_or_else(|| super::sign_in::csrf_of(&jar));
    match state
        .app
        .open_pack_link(&token, &code, &ctx.meta, ctx.locale())
        .await
    {
        Ok(PackOpened::Pdf(pdf)) => {
            crate::headers::pdf(pdf, "attachment; filename=\"police-pack.pdf\"")
        }
        Ok(PackOpened::WrongCode(left)) => {
            let errors = FormErrors::from_fields(
                ctx.tr,
                &[homeward_app::FieldError {
                    field: "code".into(),
                    message: if left == 1 {
                        "error-pack-code-last"
                    } else {
                        "error-pack-code"
                    },
                }],
            );
            render(
                &open_page(&ctx, &token, csrf, errors, false),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Ok(PackOpened::Gone) => render(
            &open_page(&ctx, &token, csrf, FormErrors::default(), true),
            StatusCode::GONE,
        ),
        Err(e) => super::errors::page(&ctx, e),
    }
}
