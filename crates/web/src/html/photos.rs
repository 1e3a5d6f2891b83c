//! A person's photos: the current one, earlier ones, and adding a new one from a phone.

use super::person::full_name;
use super::{Failure, FormErrors, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_app::AppError;
use homeward_app::policy::Action;
use homeward_domain::forms::parse_date;
use homeward_domain::ids::{PersonId, PhotoId};

fn ids(
    ctx: &Ctx,
    person: &str,
    photo: Option<&str>,
) -> Result<(PersonId, Option<PhotoId>), Failure> {
    let nf = || Failure::new(ctx.clone(), AppError::NotFound);
    let person = person.parse().map_err(|_| nf())?;
    let photo = photo.map(|p| p.parse().map_err(|_| nf())).transpose()?;
    Ok((person, photo))
}

pub struct PhotoView {
    pub src: String,
    pub alt: String,
    pub taken: String,
    pub by: String,
    pub current: bool,
    pub choose_action: String,
}

#[derive(Template)]
#[template(path = "person_photos.html")]
struct PhotosPage {
    page: Page,
    errors: FormErrors,
    caption: String,
    photos: Vec<PhotoView>,
    can_edit: bool,
    upload_action: String,
    back: String,
}

async fn photos_page(
    state: &AppState,
    ctx: &Ctx,
    id: PersonId,
    errors: FormErrors,
) -> Result<PhotosPage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let view = state
        .app
        .view_person(actor, &ctx.meta, id)
        .await
        .or_fail(ctx)?;
    let (photos, current) = state.app.photos(actor, id).await.or_fail(ctx)?;
    let t = ctx.tr;
    let name = full_name(&view.person);
    let photos = photos
        .iter()
        .map(|p| PhotoView {
            src: format!("/people/{id}/photos/{}", p.id),
            alt: t.args(
                "photo-alt",
                &[("name", &name), ("date", &t.date(p.taken_on))],
            ),
            taken: t.with("photo-taken", "date", &t.date(p.taken_on)),
            by: t.args(
                "photo-added-by",
                &[
                    ("who", &p.uploaded_by_label),
                    ("when", &t.date_time(p.uploaded_at)),
                ],
            ),
            current: Some(p.id) == current,
            choose_action: format!(
                "/people/{id}/photos/{}/current?csrf_token={}",
                p.id,
                csrf(ctx)
            ),
        })
        .collect();
    let mut page = Page::new(ctx, "photos-title", "/people").with_errors(&errors);
    page.title = t.get("photos-title");
    Ok(PhotosPage {
        page,
        errors,
        caption: name,
        photos,
        can_edit: actor.can_in(Action::EditPeople, view.person.service_id),
        upload_action: format!("/people/{id}/photos?csrf_token={}", csrf(ctx)),
        back: format!("/people/{id}"),
    })
}

fn csrf(ctx: &Ctx) -> String {
    match ctx.actor.as_ref().map(|a| &a.via) {
        Some(homeward_app::actor::Via::Session { csrf_token, .. }) => {
            crate::guard::encode(csrf_token)
        }
        _ => String::new(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let (id, _) = ids(&ctx, &id, None)?;
    let page = photos_page(&state, &ctx, id, FormErrors::default()).await?;
    Ok(render(&page, StatusCode::OK))
}

/// The upload form: the photo file and the date it was taken (three boxes, or blank for today).
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, Failure> {
    let (id, _) = ids(&ctx, &id, None)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    // Whether this person is theirs to change comes before anything about the upload.
    state.app.photos(actor, id).await.or_fail(&ctx)?;
    let mut multipart = multipart.map_err(|_| {
        Failure::new(
            ctx.clone(),
            AppError::invalid("photo", "error-photo-not-image"),
        )
    })?;
    let mut file = Vec::new();
    let mut date = [String::new(), String::new(), String::new()];
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                match name.as_str() {
                    "photo" => match field.bytes().await {
                        Ok(b) => file = b.to_vec(),
                        Err(_) => {
                            return Err(Failure::new(
                                ctx.clone(),
                                AppError::invalid("photo", "error-photo-too-large"),
                            ));
                        }
                    },
                    "taken_on-day" | "taken_on-month" | "taken_on-year" => {
                        let text = field.text().await.unwrap_or_default();
                        let slot = match name.as_str() {
                            "taken_on-day" => 0,
                            "taken_on-month" => 1,
                            _ => 2,
                        };
                        date[slot] = text.trim().chars().take(10).collect();
                    }
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => {
                return Err(Failure::new(
                    ctx.clone(),
                    AppError::invalid("photo", "error-photo-not-image"),
                ));
            }
        }
    }
    let taken_on = if date.iter().all(String::is_empty) {
        Ok(None)
    } else {
        parse_date(&date[0], &date[1], &date[2]).map(Some)
    };
    let result = match taken_on {
        Ok(taken_on) => state
            .app
            .add_photo(actor, &ctx.meta, id, file, taken_on)
            .await
            .map(|_| ()),
        Err(message) => Err(AppError::invalid("taken_on", message)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}?saved=1")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let page = photos_page(&state, &ctx, id, errors).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

/// The image itself: only to those who may see the person, and never cached.
pub async fn image(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, photo)): Path<(String, String)>,
) -> Result<Response, Failure> {
    let (id, photo) = ids(&ctx, &id, Some(&photo))?;
    let photo = photo.ok_or_else(|| Failure::new(ctx.clone(), AppError::NotFound))?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let jpeg = state
        .app
        .photo_jpeg(actor, &ctx.meta, id, photo)
        .await
        .or_fail(&ctx)?;
    Ok(crate::headers::private_file(jpeg, "image/jpeg", "inline"))
}

pub async fn choose(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, photo)): Path<(String, String)>,
) -> Result<Response, Failure> {
    let (id, photo) = ids(&ctx, &id, Some(&photo))?;
    let photo = photo.ok_or_else(|| Failure::new(ctx.clone(), AppError::NotFound))?;
    let actor = ctx.actor().or_fail(&ctx)?;
    state
        .app
        .choose_photo(actor, &ctx.meta, id, photo)
        .await
        .or_fail(&ctx)?;
    Ok(Redirect::to(&format!("/people/{id}/photos")).into_response())
}

#[derive(serde::Deserialize, Default)]
pub struct PackQuery {
    lang: Option<String>,
}

/// The police pack as a PDF, in the page's language or the one asked for (`?lang=cy`).
pub async fn police_pack(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<PackQuery>,
) -> Result<Response, Failure> {
    let (id, _) = ids(&ctx, &id, None)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let locale = ctx.locale_or(q.lang.as_deref());
    let pdf = state
        .app
        .police_pack(actor, &ctx.meta, id, locale)
        .await
        .or_fail(&ctx)?;
    Ok(crate::headers::pdf(
        pdf,
        "inline; filename=\"police-pack.pdf\"",
    ))
}
