//! Server-rendered pages, following the GOV.UK Design System's patterns with our own styles.

pub mod access;
pub mod audit;
pub mod disclosures;
pub mod episodes;
pub mod errors;
pub mod event_form;
pub mod form_view;
pub mod group_summary;
pub mod home;
pub mod inspections;
pub mod mail;
pub mod on_call;
pub mod pack_link;
pub mod patterns;
pub mod people;
pub mod person;
pub mod photos;
pub mod policies;
pub mod reviews;
pub mod settings;
pub mod sign_in;
pub mod tokens;
pub mod users;

use crate::assets;
use crate::context::Ctx;
use crate::guard::encode;
use crate::i18n::Tr;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use homeward_app::policy::Action;
use homeward_app::{AppError, FieldError};

pub struct NavLink {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// A record's id from the path: one that is not an id is simply not found.
pub(crate) fn uuid_in_path(ctx: &Ctx, raw: &str) -> Result<uuid::Uuid, Failure> {
    raw.parse::<uuid::Uuid>()
        .map_err(|_| AppError::NotFound)
        .or_fail(ctx)
}

/// What the layout needs on every page.
pub struct Page {
    pub t: Tr,
    pub lang: &'static str,
    pub title: String,
    pub switch_href: String,
    pub switch_lang: &'static str,
    pub user: Option<String>,
    pub csrf: String,
    pub nav: Vec<NavLink>,
    /// While an inspector reads a provider's records: whose, until when.
    pub inspecting: Option<String>,
    pub css: String,
    pub js: String,
    pub has_errors: bool,
    /// The header links to the reader's API tokens.
    pub can_manage_tokens: bool,
}

impl Page {
    /// `current` is the path of the navigation item to mark as the current page.
    pub fn new(ctx: &Ctx, title_id: &str, current: &str) -> Self {
        let t = ctx.tr;
        let other = ctx.locale().other();
        let mut nav = Vec::new();
        let mut csrf = String::new();
        let mut user = None;
        let mut inspecting = None;
        let can_manage_tokens = ctx
            .actor
            .as_ref()
            .is_some_and(|a| a.can(Action::ManageOwnTokens));
        if let Some(actor) = &ctx.actor {
            let items: [(&'static str, &str, Action); 14] = [
                ("/", "nav-home", Action::ViewOwnHome),
                ("/episodes", "nav-board", Action::ViewEpisodes),
                ("/people", "nav-people", Action::ViewPeople),
                ("/patterns", "nav-patterns", Action::ViewPatterns),
                ("/admin/users", "nav-users", Action::ViewUsers),
                ("/disclosures", "nav-disclosures", Action::ViewDisclosures),
                ("/shared", "nav-shared", Action::UseGrants),
                ("/emergency-access", "nav-emergency", Action::BreakGlass),
                (
                    "/access/emergency",
                    "nav-emergency-review",
                    Action::ViewGrants,
                ),
                (
                    "/access/inspections",
                    "nav-inspections-given",
                    Action::GiveAccess,
                ),
                ("/inspections", "nav-inspections", Action::Inspect),
                ("/policies", "nav-policies", Action::ReadPolicies),
                ("/audit", "nav-audit", Action::ViewAuditTrail),
                ("/admin/settings", "nav-settings", Action::ViewSettings),
            ];
            nav = items
                .into_iter()
                .filter(|(_, _, action)| actor.can(*action))
                .map(|(href, id, _)| NavLink {
                    href,
                    label: t.get(id),
                    current: href == current,
                })
                .collect();
            if let homeward_app::actor::Via::Session { csrf_token, .. } = &actor.via {
                csrf = crate::guard::masked(csrf_token);
            }
            user = Some(t.with("signed-in-as", "name", &actor.user.display_name));
            inspecting = actor.inspecting.as_ref().map(|i| {
                t.args(
                    "inspecting-banner",
                    &[
                        ("provider", &i.provider_name),
                        ("until", &t.date_time(i.inspection.ends_at)),
                    ],
                )
            });
        }
        Self {
            t,
            lang: ctx.locale().tag(),
            title: t.get(title_id),
            switch_href: format!(
                "/language?to={}&next={}",
                other.code(),
                encode(&ctx.path_and_query)
            ),
            switch_lang: other.tag(),
            user,
            csrf,
            nav,
            inspecting,
            css: assets::css_url(),
            js: assets::js_url(),
            has_errors: false,
            can_manage_tokens,
        }
    }

    pub fn with_errors(mut self, errors: &FormErrors) -> Self {
        self.has_errors = !errors.is_empty();
        self
    }
}

/// A form's problems, translated, in the order the fields appear.
#[derive(Clone, Default)]
pub struct FormErrors(Vec<(String, String)>);

impl FormErrors {
    pub fn from_fields(t: Tr, fields: &[FieldError]) -> Self {
        Self(
            fields
                .iter()
                .map(|f| (f.field.clone(), t.get(f.message)))
                .collect(),
        )
    }

    pub fn one(t: Tr, field: &str, message: &str) -> Self {
        Self(vec![(field.to_string(), t.get(message))])
    }

    /// One field's error, already in words.
    pub fn message(field: &str, message: String) -> Self {
        Self(vec![(field.to_string(), message)])
    }

    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn all(&self) -> &[(String, String)] {
        &self.0
    }
}

pub fn render(template: &impl Template, status: StatusCode) -> Response {
    match template.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            errors::panic_page(Box::new("template")).into_response()
        }
    }
}

/// A use case failed: show the matching error page in the user's language. Boxed, because
/// the context is large and failures are rare.
pub struct Failure(Box<(Ctx, AppError)>);

impl Failure {
    pub fn new(ctx: Ctx, e: AppError) -> Self {
        Self(Box::new((ctx, e)))
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let (ctx, e) = *self.0;
        errors::page(&ctx, e)
    }
}

pub trait OrFail<T> {
    fn or_fail(self, ctx: &Ctx) -> Result<T, Failure>;
}

impl<T> OrFail<T> for Result<T, AppError> {
    fn or_fail(self, ctx: &Ctx) -> Result<T, Failure> {
        self.map_err(|e| Failure::new(ctx.clone(), e))
    }
}
