//! The organisation's missing policies: the list with what each reader still has to read, a
//! policy's draft (what it still needs, its local details, the difference from the version in
//! force, publishing), each published version (signing it), the logo, and the PDFs.

use super::{Failure, FormErrors, OrFail, Page, render, uuid_in_path};
use crate::AppState;
use crate::context::Ctx;
use crate::i18n::Tr;
use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_app::AppError;
use homeward_app::missing_policies::{Change, MAX_OWN_SECTIONS, PolicyDraft, difference};
use homeward_app::policy::Action;
use homeward_domain::ids::PolicyId;
use homeward_domain::locale::Locale;
use homeward_domain::missing_policy::{Field, OwnSection, Place, SECTIONS};
use homeward_domain::organisation::ServiceKind;
use homeward_i18n::missing_policy::{Written, WrittenBlock, parse_plain_text, write};
use homeward_store::policies::PolicyDetails;
use serde::Deserialize;

fn policy_id(ctx: &Ctx, raw: &str) -> Result<PolicyId, Failure> {
    Ok(PolicyId(uuid_in_path(ctx, raw)?))
}

/// A policy and one of its versions from the address; a version that is no number is a
/// version that does not exist.
fn policy_version_id(ctx: &Ctx, raw: &str, n: &str) -> Result<(PolicyId, i64), Failure> {
    let id = policy_id(ctx, raw)?;
    let n = n
        .parse()
        .map_err(|_| Failure::new(ctx.clone(), AppError::NotFound))?;
    Ok((id, n))
}

fn kind_name(t: Tr, kind: ServiceKind) -> String {
    t.get(&format!("service-{}", kind.code()))
}

/// The masked CSRF token for a multipart form's address (its body is not read for it).
fn csrf_query(ctx: &Ctx) -> String {
    match ctx.actor.as_ref().map(|a| &a.via) {
        Some(homeward_app::actor::Via::Session { csrf_token, .. }) => {
            crate::guard::encode(csrf_token)
        }
        _ => String::new(),
    }
}

#[derive(Deserialize, Default)]
pub struct Banner {
    done: Option<String>,
}

fn banner(t: Tr, q: &Banner) -> Option<String> {
    let id = match q.done.as_deref()? {
        "created" => "policy-banner-created",
        "saved" => "policy-banner-saved",
        "logo" => "policy-banner-logo",
        "published" => "policy-banner-published",
        "signed" => "policy-banner-signed",
        _ => return None,
    };
    Some(t.get(id))
}

// The list.

pub struct Row {
    pub href: String,
    pub kind: String,
    pub status: String,
    pub review: String,
    pub tags: Vec<String>,
}

pub struct Link {
    pub href: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "policies.html")]
struct ListPage {
    page: Page,
    errors: FormErrors,
    banner: Option<String>,
    to_read: Vec<Link>,
    rows: Vec<Row>,
    /// Kinds of the organisation's services without a policy yet.
    kinds: Vec<(&'static str, String)>,
    can_draft: bool,
    logo: LogoForm,
}

pub struct LogoForm {
    pub action: String,
    /// The page to come back to.
    pub next: String,
    /// When it was uploaded, if there is one.
    pub uploaded: Option<String>,
}

async fn logo_form(state: &AppState, ctx: &Ctx, next: String) -> Result<LogoForm, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let logo = state.app.policy_logo(actor).await.or_fail(ctx)?;
    Ok(LogoForm {
        action: format!("/policies/logo?csrf_token={}", csrf_query(ctx)),
        next,
        uploaded: logo.map(|l| {
            ctx.tr.args(
                "policy-logo-uploaded",
                &[
                    ("who", l.uploaded_by_label.as_str()),
                    ("when", &ctx.tr.date_time(l.uploaded_at)),
                ],
            )
        }),
    })
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    errors: FormErrors,
    banner: Option<String>,
) -> Result<ListPage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let t = ctx.tr;
    let standings = state.app.policy_standings(actor).await.or_fail(ctx)?;
    let (_, services) = state.app.organisation_overview(actor).await.or_fail(ctx)?;
    let mut kinds: Vec<(&'static str, String)> = Vec::new();
    for s in &services {
        let taken = standings.iter().any(|p| p.policy.kind == s.kind);
        if !taken && !kinds.iter().any(|(c, _)| *c == s.kind.code()) {
            kinds.push((s.kind.code(), kind_name(t, s.kind)));
        }
    }
    let mut to_read = Vec::new();
    let mut rows = Vec::new();
    for p in &standings {
        let kind = kind_name(t, p.policy.kind);
        if let Some(v) = p.to_sign {
            to_read.push(Link {
                href: format!("/policies/{}/versions/{v}", p.policy.id),
                text: t.args(
                    "policy-to-read-line",
                    &[("kind", kind.as_str()), ("version", &v.to_string())],
                ),
            });
        }
        let mut tags = Vec::new();
        if p.review_overdue {
            tags.push(t.get("policy-tag-review-overdue"));
        }
        if p.draft_changed == Some(true) {
            tags.push(t.get("policy-tag-draft-changed"));
        }
        if p.to_sign.is_some() {
            tags.push(t.get("policy-tag-to-sign"));
        }
        rows.push(Row {
            href: format!("/policies/{}", p.policy.id),
            kind,
            status: match &p.in_force {
                Some(v) => t.args(
                    "policy-in-force",
                    &[
                        ("version", v.version.to_string().as_str()),
                        ("date", &t.date_time(v.approved_at)),
                    ],
                ),
                None => t.get("policy-not-published"),
            },
            review: p
                .in_force
                .as_ref()
                .map(|v| t.date(v.review_by))
                .unwrap_or_default(),
            tags,
        });
    }
    Ok(ListPage {
        page: Page::new(ctx, "policies-title", "/policies").with_errors(&errors),
        errors,
        banner,
        to_read,
        rows,
        kinds,
        can_draft: actor.can(Action::DraftPolicies),
        logo: logo_form(state, ctx, "/policies".into()).await?,
    })
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Banner>,
) -> Result<Response, Failure> {
    let page = list_page(&state, &ctx, FormErrors::default(), banner(ctx.tr, &q)).await?;
    Ok(render(&page, StatusCode::OK))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CreateForm {
    kind: String,
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    axum_extra::extract::Form(form): axum_extra::extract::Form<CreateForm>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let Some(kind) = ServiceKind::from_code(form.kind.trim()) else {
        let errors = FormErrors::one(ctx.tr, "kind", "error-policy-kind");
        let page = list_page(&state, &ctx, errors, None).await?;
        return Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY));
    };
    match state
        .app
        .create_missing_policy(actor, &ctx.meta, kind)
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/policies/{id}?done=created")).into_response()),
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

/// The organisation's logo, as the policies show it.
pub async fn logo(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    match state.app.policy_logo(actor).await.or_fail(&ctx)? {
        Some(l) => Ok(crate::headers::private_file(l.png, "image/png", "inline")),
        None => Err(Failure::new(ctx, AppError::NotFound)),
    }
}

pub async fn upload_logo(
    State(state): State<AppState>,
    ctx: Ctx,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let mut file = Vec::new();
    let mut next = String::new();
    let mut read = multipart.ok();
    let mut problem = read.is_none();
    while let Some(m) = read.as_mut() {
        match m.next_field().await {
            Ok(Some(field)) => match field.name().unwrap_or("") {
                "logo" => match field.bytes().await {
                    Ok(b) => file = b.to_vec(),
                    Err(_) => {
                        problem = true;
                        break;
                    }
                },
                "next" => next = field.text().await.unwrap_or_default(),
                _ => {}
            },
            Ok(None) => break,
            Err(_) => {
                problem = true;
                break;
            }
        }
    }
    let result = if problem {
        Err(AppError::invalid("logo", "error-photo-too-large"))
    } else {
        state.app.upload_policy_logo(actor, &ctx.meta, file).await
    };
    // Back to the policy the logo was uploaded from, if it was one.
    let back = next
        .strip_prefix("/policies/")
        .and_then(|id| id.parse::<uuid::Uuid>().ok())
        .map(PolicyId);
    match result {
        Ok(_) => Ok(Redirect::to(&match back {
            Some(id) => format!("/policies/{id}?done=logo"),
            None => "/policies?done=logo".to_string(),
        })
        .into_response()),
        Err(AppError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            match back {
                Some(id) => draft_response(&state, &ctx, id, errors, None, None).await,
                None => {
                    let page = list_page(&state, &ctx, errors, None).await?;
                    Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
                }
            }
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

// The draft.

pub struct TextField {
    pub id: &'static str,
    pub label: String,
    pub hint: String,
    pub value: String,
}

pub struct OwnFields {
    pub n: usize,
    pub after: String,
    pub heading: String,
    pub text: String,
    pub heading_cy: String,
    pub text_cy: String,
}

pub struct Missing {
    /// The field to go to, on this page; `None` when it is filled elsewhere.
    pub href: Option<String>,
    pub text: String,
}

pub struct DiffLine {
    pub class: &'static str,
    pub sign: &'static str,
    /// Said to screen readers before the line.
    pub said: String,
    pub text: String,
}

pub struct VersionRow {
    pub href: String,
    pub version: i64,
    pub approved: String,
    pub review: String,
    pub material: String,
    pub note: String,
}

pub struct SigningRow {
    pub service: String,
    pub staff: String,
    pub rota: String,
    pub not_signed: String,
}

#[derive(Template)]
#[template(path = "policy.html")]
struct DraftPage {
    page: Page,
    errors: FormErrors,
    banner: Option<String>,
    id: PolicyId,
    caption: String,
    missing: Vec<Missing>,
    can_draft: bool,
    can_publish: bool,
    fields: Vec<TextField>,
    review_months: String,
    own: Vec<OwnFields>,
    after_options: Vec<(&'static str, String)>,
    details_version: i64,
    /// Why it cannot be published now, when it cannot.
    not_publishable: Option<String>,
    next_version: i64,
    change_note: String,
    material: bool,
    compared_with: Option<String>,
    hunks: Vec<Vec<DiffLine>>,
    sections: Vec<Written>,
    versions: Vec<VersionRow>,
    signing: Vec<SigningRow>,
    logo: LogoForm,
}

/// A form's values when it comes back with errors.
#[derive(Default)]
struct Submitted {
    details: Option<(PolicyDetails, String)>,
    publish: Option<(String, bool)>,
}

pub(crate) fn diff_lines(t: Tr, old: &str, new: &str) -> Vec<Vec<DiffLine>> {
    difference(old, new)
        .into_iter()
        .map(|hunk| {
            hunk.into_iter()
                .map(|(change, text)| {
                    let (class, sign, said) = match change {
                        Change::Same => ("hw-diff__same", " ", String::new()),
                        Change::Added => ("hw-diff__added", "+", t.get("policy-diff-added")),
                        Change::Removed => ("hw-diff__removed", "−", t.get("policy-diff-removed")),
                    };
                    DiffLine {
                        class,
                        sign,
                        said,
                        text,
                    }
                })
                .collect()
        })
        .collect()
}

fn text_in(locale: Locale, en: &str, cy: &str) -> String {
    match locale {
        Locale::Welsh => cy.to_string(),
        Locale::English => en.to_string(),
    }
}

async fn draft_page(
    state: &AppState,
    ctx: &Ctx,
    id: PolicyId,
    errors: FormErrors,
    banner: Option<String>,
    submitted: Submitted,
) -> Result<DraftPage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let t = ctx.tr;
    let locale = ctx.locale();
    let draft: PolicyDraft = state.app.missing_policy(actor, id).await.or_fail(ctx)?;
    let can_draft = actor.can(Action::DraftPolicies);
    let missing = draft
        .composed
        .missing
        .iter()
        .map(|f| {
            let what = t.get(&format!("policy-field-{}", f.code()));
            match f.place() {
                Place::LocalDetails if can_draft => Missing {
                    href: Some(format!("#{}", f.code())),
                    text: t.with("policy-missing-here", "field", &what),
                },
                Place::LocalDetails => Missing {
                    href: None,
                    text: t.with("policy-missing-ask", "field", &what),
                },
                Place::Organisation => Missing {
                    href: None,
                    text: t.with("policy-missing-organisation", "field", &what),
                },
            }
        })
        .collect();
    let (details, details_version_shown) = match &submitted.details {
        Some((d, _)) => (d.clone(), draft.details_version),
        None => (draft.details.clone(), draft.details_version),
    };
    let local = &details.local;
    let field = |f: Field, value: &str| TextField {
        id: f.code(),
        label: t.get(&format!("policy-label-{}", f.code())),
        hint: t.get(&format!("policy-hint-{}", f.code())),
        value: value.to_string(),
    };
    let fields = vec![
        field(Field::LocalAuthority, &local.local_authority),
        field(Field::LocalProtocol, &local.local_protocol),
        field(Field::EmergencyDutyTeam, &local.emergency_duty_team),
        field(Field::PoliceForce, &local.police_force),
    ];
    let review_months = match &submitted.details {
        Some((_, raw)) => raw.clone(),
        None => details.review_months.to_string(),
    };
    let mut own: Vec<OwnFields> = details
        .own
        .iter()
        .enumerate()
        .map(|(n, o)| OwnFields {
            n,
            after: o.after.clone(),
            heading: o.heading.clone(),
            text: o.text.clone(),
            heading_cy: o.heading_cy.clone(),
            text_cy: o.text_cy.clone(),
        })
        .collect();
    if own.len() < MAX_OWN_SECTIONS {
        own.push(OwnFields {
            n: own.len(),
            after: "review".into(),
            heading: String::new(),
            text: String::new(),
            heading_cy: String::new(),
            text_cy: String::new(),
        });
    }
    let changed = draft.changed_since_published();
    let next_version = draft.published.first().map_or(1, |p| p.version + 1);
    let not_publishable = if !draft.composed.missing.is_empty() {
        Some(t.get("policy-publish-missing"))
    } else if !changed {
        Some(t.get("error-policy-unchanged"))
    } else {
        None
    };
    let (compared_with, hunks) = match draft.published.first() {
        Some(p) if changed => (
            Some(t.with("policy-diff-since", "version", &p.version.to_string())),
            diff_lines(
                t,
                &text_in(locale, &p.text_en, &p.text_cy),
                &text_in(locale, &draft.text_en, &draft.text_cy),
            ),
        ),
        _ => (None, Vec::new()),
    };
    let versions = draft
        .published
        .iter()
        .map(|p| VersionRow {
            href: format!("/policies/{id}/versions/{}", p.version),
            version: p.version,
            approved: format!("{}, {}", p.approved_by_label, t.date_time(p.approved_at)),
            review: t.date(p.review_by),
            material: t.get(if p.material {
                "policy-material-yes"
            } else {
                "policy-material-no"
            }),
            note: p.change_note.clone(),
        })
        .collect();
    let signing = if can_draft && !draft.published.is_empty() {
        state
            .app
            .policy_signing(actor, id)
            .await
            .or_fail(ctx)?
            .into_iter()
            .map(|s| SigningRow {
                service: s.service.name,
                staff: t.args(
                    "policy-signed-share",
                    &[
                        ("signed", s.signed.to_string().as_str()),
                        ("total", &s.staff.to_string()),
                        ("percent", &percent(s.signed, s.staff)),
                    ],
                ),
                rota: t.args(
                    "policy-signed-share",
                    &[
                        ("signed", s.rota_signed.to_string().as_str()),
                        ("total", &s.rota.to_string()),
                        ("percent", &percent(s.rota_signed, s.rota)),
                    ],
                ),
                not_signed: s.not_signed.join(", "),
            })
            .collect()
    } else {
        Vec::new()
    };
    let (change_note, material) = submitted.publish.unwrap_or((String::new(), true));
    Ok(DraftPage {
        page: Page::new(ctx, "policy-draft-title", "/policies").with_errors(&errors),
        errors,
        banner,
        id,
        caption: t.with("policy-title", "kind", &kind_name(t, draft.policy.kind)),
        missing,
        can_draft,
        can_publish: actor.can(Action::PublishPolicies),
        fields,
        review_months,
        own,
        after_options: SECTIONS
            .iter()
            .map(|k| (*k, t.get(&format!("policy-h-{k}"))))
            .collect(),
        details_version: details_version_shown,
        not_publishable,
        next_version,
        change_note,
        material,
        compared_with,
        hunks,
        sections: write(&draft.composed, locale),
        versions,
        signing,
        logo: logo_form(state, ctx, format!("/policies/{id}")).await?,
    })
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "0".into();
    }
    ((part * 100 + whole / 2) / whole).to_string()
}

async fn draft_response(
    state: &AppState,
    ctx: &Ctx,
    id: PolicyId,
    errors: FormErrors,
    banner: Option<String>,
    submitted: Option<Submitted>,
) -> Result<Response, Failure> {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = draft_page(
        state,
        ctx,
        id,
        errors,
        banner,
        submitted.unwrap_or_default(),
    )
    .await?;
    Ok(render(&page, status))
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<Banner>,
) -> Result<Response, Failure> {
    let id = policy_id(&ctx, &id)?;
    let b = banner(ctx.tr, &q);
    draft_response(&state, &ctx, id, FormErrors::default(), b, None).await
}

/// The local details form: its fields, and the organisation's own sections as numbered
/// groups (one left empty is not kept).
fn details_from_form(values: &[(String, String)]) -> (PolicyDetails, String, i64) {
    let get = |name: &str| {
        values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut d = PolicyDetails::default();
    d.local.local_authority = get("local_authority");
    d.local.local_protocol = get("local_protocol");
    d.local.emergency_duty_team = get("emergency_duty_team");
    d.local.police_force = get("police_force");
    let raw_months = get("review_months");
    d.review_months = raw_months.parse::<i8>().unwrap_or(0);
    for n in 0..MAX_OWN_SECTIONS {
        let o = OwnSection {
            after: get(&format!("own_after_{n}")),
            heading: get(&format!("own_heading_{n}")),
            text: get(&format!("own_text_{n}")).replace("\r\n", "\n"),
            heading_cy: get(&format!("own_heading_cy_{n}")),
            text_cy: get(&format!("own_text_cy_{n}")).replace("\r\n", "\n"),
        };
        if !o.heading.is_empty() || !o.text.is_empty() {
            d.own.push(o);
        }
    }
    let version = get("_version").parse::<i64>().unwrap_or(-1);
    (d, raw_months, version)
}

pub async fn save_details(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Response, Failure> {
    let id = policy_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    // Whether it is theirs comes before anything about the form.
    let policies = state.app.missing_policies(actor).await.or_fail(&ctx)?;
    if !policies.iter().any(|p| p.id == id) {
        return Err(Failure::new(ctx, AppError::NotFound));
    }
    let values: Vec<(String, String)> = form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let (details, raw_months, based_on) = details_from_form(&values);
    let result = state
        .app
        .save_policy_details(actor, &ctx.meta, id, based_on + 1, details.clone())
        .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/policies/{id}?done=saved")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let submitted = Submitted {
                details: Some((details, raw_months)),
                publish: None,
            };
            draft_response(&state, &ctx, id, errors, None, Some(submitted)).await
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PublishForm {
    change_note: String,
    material: Option<String>,
    /// The version this publishes: a second click finds it published already.
    version: String,
}

pub async fn publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum_extra::extract::Form(form): axum_extra::extract::Form<PublishForm>,
) -> Result<Response, Failure> {
    let id = policy_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let material = form.material.is_some();
    let asked: i64 = form.version.trim().parse().unwrap_or(0);
    match state
        .app
        .publish_missing_policy(actor, &ctx.meta, id, material, &form.change_note)
        .await
    {
        Ok(v) => Ok(
            Redirect::to(&format!("/policies/{id}/versions/{v}?done=published")).into_response(),
        ),
        Err(AppError::Invalid(fields)) => {
            // A double click: the first published it, and the second finds nothing new.
            if asked > 0 && fields.iter().any(|f| f.field == "draft") {
                let published = state.app.missing_policy(actor, id).await.or_fail(&ctx)?;
                if published
                    .published
                    .first()
                    .is_some_and(|p| p.version == asked)
                {
                    return Ok(
                        Redirect::to(&format!("/policies/{id}/versions/{asked}")).into_response()
                    );
                }
            }
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let submitted = Submitted {
                details: None,
                publish: Some((form.change_note.clone(), material)),
            };
            draft_response(&state, &ctx, id, errors, None, Some(submitted)).await
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

// A published version.

#[derive(Template)]
#[template(path = "policy_version.html")]
struct VersionPage {
    page: Page,
    banner: Option<String>,
    id: PolicyId,
    caption: String,
    version: i64,
    rows: Vec<(String, String)>,
    may_sign: bool,
    signed: Option<String>,
    /// A newer version is the one to read.
    newer: Option<Link>,
    compared_with: Option<String>,
    hunks: Vec<Vec<DiffLine>>,
    sections: Vec<Written>,
}

pub async fn version(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, n)): Path<(String, String)>,
    Query(q): Query<Banner>,
) -> Result<Response, Failure> {
    let (id, n) = policy_version_id(&ctx, &id, &n)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let t = ctx.tr;
    let locale = ctx.locale();
    let v = state
        .app
        .missing_policy_version(actor, id, n)
        .await
        .or_fail(&ctx)?;
    let p = &v.version;
    let mut rows = vec![
        (
            t.get("policy-approved"),
            format!("{}, {}", p.approved_by_label, t.date_time(p.approved_at)),
        ),
        (t.get("policy-review-by"), t.date(p.review_by)),
        (
            t.get("policy-material"),
            t.get(if p.material {
                "policy-material-yes"
            } else {
                "policy-material-no"
            }),
        ),
    ];
    if !p.change_note.is_empty() {
        rows.push((t.get("policy-change-note"), p.change_note.clone()));
    }
    rows.push((t.get("policy-hash"), p.content_hash.clone()));
    let standings = state.app.policy_standings(actor).await.or_fail(&ctx)?;
    let newer = standings
        .iter()
        .find(|s| s.policy.id == id)
        .and_then(|s| s.in_force.as_ref())
        .filter(|f| f.version > n)
        .map(|f| Link {
            href: format!("/policies/{id}/versions/{}", f.version),
            text: t.with("policy-newer", "version", &f.version.to_string()),
        });
    let (compared_with, hunks) = match &v.previous {
        Some(prev) => (
            Some(t.with("policy-diff-since", "version", &prev.version.to_string())),
            diff_lines(
                t,
                &text_in(locale, &prev.text_en, &prev.text_cy),
                &text_in(locale, &p.text_en, &p.text_cy),
            ),
        ),
        None => (None, Vec::new()),
    };
    let page = VersionPage {
        page: Page::new(&ctx, "policy-version-title", "/policies"),
        banner: banner(t, &q),
        id,
        caption: t.with("policy-title", "kind", &kind_name(t, v.policy.kind)),
        version: n,
        rows,
        may_sign: v.may_sign && newer.is_none(),
        signed: v
            .signed_at
            .map(|at| t.with("policy-you-signed", "when", &t.date_time(at))),
        newer,
        compared_with,
        hunks,
        sections: parse_plain_text(&text_in(locale, &p.text_en, &p.text_cy)),
    };
    Ok(render(&page, StatusCode::OK))
}

pub async fn sign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, n)): Path<(String, String)>,
) -> Result<Response, Failure> {
    let (id, n) = policy_version_id(&ctx, &id, &n)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    state
        .app
        .sign_missing_policy(actor, &ctx.meta, id, n)
        .await
        .or_fail(&ctx)?;
    Ok(Redirect::to(&format!("/policies/{id}/versions/{n}?done=signed")).into_response())
}

#[derive(Deserialize, Default)]
pub struct PdfQuery {
    lang: Option<String>,
}

fn pdf_locale(ctx: &Ctx, q: &PdfQuery) -> Locale {
    q.lang
        .as_deref()
        .and_then(Locale::from_code)
        .unwrap_or_else(|| ctx.locale())
}

pub async fn version_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, n)): Path<(String, String)>,
    Query(q): Query<PdfQuery>,
) -> Result<Response, Failure> {
    let (id, n) = policy_version_id(&ctx, &id, &n)?;
    policy_pdf(
        &state,
        &ctx,
        id,
        Some(n),
        &q,
        "inline; filename=\"missing-policy.pdf\"",
    )
    .await
}

pub async fn draft_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PdfQuery>,
) -> Result<Response, Failure> {
    let id = policy_id(&ctx, &id)?;
    policy_pdf(
        &state,
        &ctx,
        id,
        None,
        &q,
        "inline; filename=\"missing-policy-draft.pdf\"",
    )
    .await
}

/// A version of the policy (the draft when `version` is None) as a PDF to read in the browser.
async fn policy_pdf(
    state: &AppState,
    ctx: &Ctx,
    id: PolicyId,
    version: Option<i64>,
    q: &PdfQuery,
    disposition: &'static str,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let pdf = state
        .app
        .missing_policy_pdf(actor, id, version, pdf_locale(ctx, q))
        .await
        .or_fail(ctx)?;
    Ok(crate::headers::pdf(pdf, disposition))
}

/// A block of the policy's words as the pages show it: a list's items, or a paragraph.
pub fn is_list(b: &WrittenBlock) -> Option<&Vec<String>> {
    match b {
        WrittenBlock::List(items) => Some(items),
        WrittenBlock::Para(_) => None,
    }
}

pub fn para(b: &WrittenBlock) -> &str {
    match b {
        WrittenBlock::Para(p) => p,
        WrittenBlock::List(_) => "",
    }
}
