//! A person's pages: adding them, their page, their information form, risk assessment and
//! missing plan edited a section at a time, the plan's agreement, and the history.

use super::form_view::{self, PartView, Values};
use super::home::Row;
use super::{Failure, FormErrors, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use crate::i18n::Tr;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use homeward_app::AppError;
use homeward_app::people::{PersonView, applies};
use homeward_app::policy::Action;
use homeward_domain::forms::{DocKind, Document, FieldDef, Part, SectionDef};
use homeward_domain::ids::PersonId;
use homeward_domain::person::age_on;
use homeward_store::{DocumentVersion, Person, Service};

fn not_found(ctx: &Ctx) -> Failure {
    Failure::new(ctx.clone(), AppError::NotFound)
}

fn person_id(ctx: &Ctx, raw: &str) -> Result<PersonId, Failure> {
    raw.parse().map_err(|_| not_found(ctx))
}

fn doc_kind(ctx: &Ctx, slug: &str) -> Result<DocKind, Failure> {
    DocKind::from_slug(slug).ok_or_else(|| not_found(ctx))
}

/// A warning about out-of-date information, in the reader's language.
pub fn warning_text(t: Tr, w: &homeward_domain::forms::review::Warning) -> String {
    let date = w.date().map(|d| t.date(d)).unwrap_or_default();
    t.with(w.message(), "date", &date)
}

pub fn full_name(p: &Person) -> String {
    format!("{} {}", p.given_name, p.family_name)
}

/// "15 (born 14 March 2011)", "about 14", in the reader's language.
fn age_text(t: Tr, p: &Person, today: jiff::civil::Date) -> String {
    match (p.date_of_birth, p.estimated_age) {
        (Some(dob), _) => {
            let age = age_on(dob, today).unwrap_or(0);
            t.args(
                "person-age-born",
                &[("age", &age.to_string()), ("born", &t.date(dob))],
            )
        }
        (None, Some(age)) => t.with("person-age-estimated", "age", &age.to_string()),
        (None, None) => String::new(),
    }
}

fn field_def(section: &SectionDef, id: &str) -> Option<FieldDef> {
    section.parts.iter().find_map(|p| match p {
        Part::Field(f) if f.id == id => Some(*f),
        _ => None,
    })
}

/// The filled-in single fields of a section, as label and value rows.
pub fn section_rows(t: Tr, kind: DocKind, section: &SectionDef, doc: &Document) -> Vec<Row> {
    section
        .parts
        .iter()
        .filter_map(|p| match p {
            Part::Field(f) => doc.value(section.id, f.id).map(|v| Row {
                key: t.get(&format!("form-{}-{}-{}", kind.code(), section.id, f.id)),
                value: form_view::display(t, f, v),
            }),
            Part::Group(_) => None,
        })
        .collect()
}

/// Each item of each group in a section, as a heading and rows.
fn group_items(
    t: Tr,
    kind: DocKind,
    section: &SectionDef,
    doc: &Document,
) -> Vec<(String, Vec<Row>)> {
    let mut out = Vec::new();
    for part in section.parts {
        if let Part::Group(g) = part {
            let legend = t.get(&format!("form-{}-{}-{}", kind.code(), section.id, g.id));
            for (i, item) in doc.items(section.id, g.id).iter().enumerate() {
                let rows = g
                    .fields
                    .iter()
                    .filter_map(|f| {
                        item.get(f.id).map(|v| Row {
                            key: t.get(&format!(
                                "form-{}-{}-{}-{}",
                                kind.code(),
                                section.id,
                                g.id,
                                f.id
                            )),
                            value: form_view::display(t, f, v),
                        })
                    })
                    .collect();
                out.push((format!("{legend} {}", i + 1), rows));
            }
        }
    }
    out
}

#[derive(Template)]
#[template(path = "person_new.html")]
struct NewPersonPage {
    page: Page,
    errors: FormErrors,
    services: Vec<super::users::Choice>,
    parts: Vec<PartView>,
}

fn editable_services(
    state_services: &[Service],
    ctx: &Ctx,
    selected: &str,
) -> Vec<super::users::Choice> {
    let actor = ctx.actor.as_ref();
    state_services
        .iter()
        .filter(|s| actor.is_some_and(|a| a.can_in(Action::EditPeople, s.id)))
        .map(|s| super::users::Choice {
            value: s.id.to_string(),
            label: s.name.clone(),
            checked: s.id.to_string() == selected,
        })
        .collect()
}

fn about_section() -> &'static SectionDef {
    &DocKind::Profile.form().sections[0]
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let (_, services) = state.app.organisation_overview(actor).await.or_fail(&ctx)?;
    let errors = FormErrors::default();
    let page = NewPersonPage {
        page: Page::new(&ctx, "person-new-title", "/people"),
        services: editable_services(&services, &ctx, ""),
        parts: form_view::section_view(
            ctx.tr,
            DocKind::Profile,
            about_section(),
            Values::Saved(None),
            &errors,
        ),
        errors,
    };
    Ok(render(&page, StatusCode::OK))
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let raw = form_view::raw_section(about_section(), &pairs);
    let service = pairs
        .iter()
        .find(|(k, _)| k == "service")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    match state
        .app
        .create_person(actor, &ctx.meta, service, &raw)
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/people/{id}?added=1")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let (_, services) = state.app.organisation_overview(actor).await.or_fail(&ctx)?;
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let page = NewPersonPage {
                page: Page::new(&ctx, "person-new-title", "/people").with_errors(&errors),
                services: editable_services(&services, &ctx, service),
                parts: form_view::section_view(
                    ctx.tr,
                    DocKind::Profile,
                    about_section(),
                    Values::Submitted(&raw),
                    &errors,
                ),
                errors,
            };
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

pub struct SectionTask {
    pub title: String,
    pub href: String,
    pub done: bool,
}

pub struct DocSummary {
    pub slug: &'static str,
    pub title: String,
    pub version: String,
    pub tasks: Vec<SectionTask>,
}

pub struct ItemBlock {
    pub heading: String,
    pub rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    page: Page,
    banner: Option<String>,
    photo: Option<(String, String, String)>,
    photos_href: String,
    pack_href: String,
    name: String,
    caption: String,
    warnings: Vec<String>,
    facts: Vec<Row>,
    medication: Vec<ItemBlock>,
    plan_status: String,
    plan_agreed: bool,
    plan_steps: Vec<String>,
    plan_police: Vec<Row>,
    can_agree: bool,
    plan_version: i64,
    agree_action: String,
    risk: Vec<Row>,
    docs: Vec<DocSummary>,
    history_href: String,
    disclosures_href: String,
    /// Who outside can see the record, for those who may see it.
    access_href: Option<String>,
    /// Sending the police pack as a link, for those who record what is shared.
    pack_link_href: Option<String>,
    /// Missing now: the open episode; or the way to report them missing.
    missing: Option<(String, String)>,
    /// Their episodes, newest first (a few), and where the rest are.
    episodes: Vec<super::episodes::EpisodeLine>,
    episodes_href: Option<String>,
    /// For those who read the audit trail: everything done to this record.
    audit_href: Option<String>,
    /// Missing again soon after coming back from the last episode.
    near_repeat: Option<String>,
    /// Their own patterns, for those who read patterns.
    patterns_href: Option<String>,
}

/// "Version 3, saved by someone@example.org on 23 November 2026, 09:30".
fn version_line(t: Tr, v: &DocumentVersion) -> String {
    t.args(
        "person-version-line",
        &[
            ("version", &v.version.to_string()),
            ("who", &v.recorded_by_label),
            ("when", &t.date_time(v.recorded_at)),
        ],
    )
}

fn doc_summary(t: Tr, view: &PersonView, kind: DocKind, can_edit: bool) -> DocSummary {
    let latest = view.latest(kind);
    let empty = Document::default();
    let doc = latest.map(|v| &v.document).unwrap_or(&empty);
    let tasks = kind
        .form()
        .sections
        .iter()
        .filter(|s| applies(s, view.person.kind))
        .map(|s| SectionTask {
            title: t.get(&form_view::section_label(kind, s.id)),
            href: if can_edit {
                format!("/people/{}/{}/{}", view.person.id, kind.slug(), s.id)
            } else {
                String::new()
            },
            done: doc.section(s.id).is_some(),
        })
        .collect();
    let version = match latest {
        Some(v) => version_line(t, v),
        None => t.get("person-not-started"),
    };
    DocSummary {
        slug: kind.slug(),
        title: t.get(&format!("doc-{}", kind.code())),
        version,
        tasks,
    }
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let view = state
        .app
        .view_person(actor, &ctx.meta, id)
        .await
        .or_fail(&ctx)?;
    let (_, services) = state.app.organisation_overview(actor).await.or_fail(&ctx)?;
    let t = ctx.tr;
    let today = homeward_domain::time::in_london(state.app.clock.now()).date();
    let p = &view.person;
    let service = services
        .iter()
        .find(|s| s.id == p.service_id)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let caption = [
        t.get(&format!("kind-{}", p.kind.code())),
        age_text(t, p, today),
        service,
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" · ");
    let warnings = view.warnings.iter().map(|w| warning_text(t, w)).collect();

    let profile = view
        .profile
        .as_ref()
        .map(|v| v.document.clone())
        .unwrap_or_default();
    let form = DocKind::Profile.form();
    let mut facts = Vec::new();
    for (section, fields) in [
        (
            "about",
            &[
                "preferred_name",
                "aliases",
                "gender",
                "first_language",
                "preferred_language",
                "interpreter_needed",
            ][..],
        ),
        (
            "description",
            &[
                "height_cm",
                "build",
                "hair",
                "eyes",
                "glasses",
                "distinguishing_marks",
            ][..],
        ),
        (
            "health",
            &[
                "conditions",
                "mobility_aids",
                "communication_aids",
                "walking_distance",
                "locator_device",
            ][..],
        ),
        ("risks", &["indicators", "notes"][..]),
    ] {
        let Some(def) = form.section(section) else {
            continue;
        };
        for field in fields {
            if let (Some(f), Some(v)) = (field_def(def, field), profile.value(section, field)) {
                facts.push(Row {
                    key: t.get(&format!("form-profile-{section}-{field}")),
                    value: form_view::display(t, &f, v),
                });
            }
        }
    }
    let medication = form
        .section("health")
        .map(|s| group_items(t, DocKind::Profile, s, &profile))
        .unwrap_or_default()
        .into_iter()
        .map(|(heading, rows)| ItemBlock { heading, rows })
        .collect();

    let plan = view.plan.as_ref();
    let (plan_status, plan_agreed) = match plan {
        None => (t.get("plan-none"), false),
        Some(v) => match (&v.agreed_by_label, v.agreed_at) {
            (Some(who), Some(at)) => {
                let when = t.date(homeward_domain::time::in_london(at).date());
                (
                    t.args("plan-agreed", &[("who", who), ("when", &when)]),
                    true,
                )
            }
            _ => (t.get("plan-not-agreed"), false),
        },
    };
    let plan_doc = plan.map(|v| v.document.clone()).unwrap_or_default();
    let plan_steps = plan_doc
        .items("steps", "step")
        .iter()
        .filter_map(|i| i.get("what").cloned())
        .collect();
    let plan_police = DocKind::MissingPlan
        .form()
        .section("police")
        .map(|s| section_rows(t, DocKind::MissingPlan, s, &plan_doc))
        .unwrap_or_default();
    let risk = view
        .risk
        .as_ref()
        .and_then(|r| {
            DocKind::RiskAssessment
                .form()
                .section("assessment")
                .map(|s| section_rows(t, DocKind::RiskAssessment, s, &r.document))
        })
        .unwrap_or_default()
        .into_iter()
        .take(3)
        .collect();
    let can_edit = actor.can_in(Action::EditPeople, p.service_id);
    let docs = DocKind::ALL
        .iter()
        .map(|k| doc_summary(t, &view, *k, can_edit))
        .collect();
    let sees_episodes = actor.can_in(Action::ViewEpisodes, p.service_id);
    let open = match sees_episodes {
        true => state.app.open_episode_of(actor, p.id).await.or_fail(&ctx)?,
        false => None,
    };
    let episodes = if sees_episodes {
        let filter = homeward_app::episodes::EpisodeFilter {
            person: Some(p.id),
            limit: 5,
            ..Default::default()
        };
        let list = state
            .app
            .list_episodes(actor, &ctx.meta, filter)
            .await
            .or_fail(&ctx)?;
        list.iter()
            .map(|e| super::episodes::episode_line(t, e, &full_name(p), ""))
            .collect()
    } else {
        Vec::new()
    };
    let near_repeat = match open {
        Some(e) => state
            .app
            .near_repeat_of(actor, e)
            .await
            .or_fail(&ctx)?
            .map(|d| super::episodes::near_repeat_words(t, d)),
        None => None,
    };
    let missing = match open {
        Some(e) => Some((format!("/episodes/{e}"), t.get("person-missing-now"))),
        None if actor.can_in(Action::RecordEpisodes, p.service_id) => Some((
            format!("/people/{}/episodes/new", p.id),
            t.get("person-report-missing"),
        )),
        None => None,
    };
    let mut page = Page::new(&ctx, "people-title", "/people");
    page.title = full_name(p);
    let result = PersonPage {
        page,
        banner: q
            .contains_key("added")
            .then(|| t.get("person-added"))
            .or_else(|| q.contains_key("saved").then(|| t.get("person-saved"))),
        name: full_name(p),
        caption,
        warnings,
        facts,
        medication,
        plan_status,
        plan_agreed,
        plan_steps,
        plan_police,
        can_agree: plan.is_some() && !plan_agreed && actor.can_in(Action::AgreePlan, p.service_id),
        plan_version: plan.map_or(0, |v| v.version),
        agree_action: format!("/people/{}/missing-plan/agree", p.id),
        risk,
        docs,
        history_href: format!("/people/{}/history", p.id),
        disclosures_href: format!("/people/{}/disclosures", p.id),
        access_href: actor
            .can_in(Action::ViewGrants, p.service_id)
            .then(|| format!("/people/{}/access", p.id)),
        pack_link_href: actor
            .can_in(Action::RecordDisclosures, p.service_id)
            .then(|| format!("/people/{}/pack-link", p.id)),
        missing,
        episodes_href: sees_episodes.then(|| format!("/episodes/all?person={}", p.id)),
        near_repeat,
        patterns_href: actor.can_in(Action::ViewPatterns, p.service_id).then(|| {
            let today = homeward_domain::time::in_london(state.app.clock.now()).date();
            let from = today
                .checked_sub(jiff::Span::new().days(3650))
                .unwrap_or(today);
            format!("/patterns?person={}&from={from}&to={today}", p.id)
        }),
        audit_href: actor
            .can(Action::ViewAuditTrail)
            .then(|| format!("/audit?person={}", p.id)),
        episodes,
        photo: view.photo.as_ref().map(|ph| {
            let taken = t.date(ph.taken_on);
            (
                format!("/people/{}/photos/{}", p.id, ph.id),
                t.args("photo-alt", &[("name", &full_name(p)), ("date", &taken)]),
                t.with("photo-taken", "date", &taken),
            )
        }),
        photos_href: format!("/people/{}/photos", p.id),
        pack_href: format!("/people/{}/police-pack", p.id),
    };
    Ok(render(&result, StatusCode::OK))
}

#[derive(Template)]
#[template(path = "person_section.html")]
struct SectionPage {
    page: Page,
    errors: FormErrors,
    caption: String,
    action: String,
    back: String,
    based_on: i64,
    parts: Vec<PartView>,
    has_groups: bool,
}

async fn section_page(
    state: &AppState,
    ctx: &Ctx,
    id: PersonId,
    kind: DocKind,
    section: &'static SectionDef,
    submitted: Option<(&homeward_domain::forms::RawSection, FormErrors)>,
) -> Result<(SectionPage, bool), Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let view = state
        .app
        .view_person(actor, &ctx.meta, id)
        .await
        .or_fail(ctx)?;
    if !applies(section, view.person.kind)
        || !actor.can_in(Action::EditPeople, view.person.service_id)
    {
        return Err(Failure::new(ctx.clone(), AppError::NotFound));
    }
    let latest = view.latest(kind);
    let (values, errors, failed) = match submitted {
        Some((raw, errors)) => (Values::Submitted(raw), errors, true),
        None => (
            Values::Saved(latest.and_then(|v| v.document.section(section.id))),
            FormErrors::default(),
            false,
        ),
    };
    let t = ctx.tr;
    let mut page = Page::new(ctx, "people-title", "/people").with_errors(&errors);
    page.title = t.get(&form_view::section_label(kind, section.id));
    Ok((
        SectionPage {
            page,
            caption: format!(
                "{} · {}",
                full_name(&view.person),
                t.get(&format!("doc-{}", kind.code()))
            ),
            action: format!("/people/{id}/{}/{}", kind.slug(), section.id),
            back: format!("/people/{id}"),
            based_on: latest.map_or(0, |v| v.version),
            parts: form_view::section_view(t, kind, section, values, &errors),
            has_groups: section.parts.iter().any(|p| matches!(p, Part::Group(_))),
            errors,
        },
        failed,
    ))
}

pub async fn edit_section(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, doc, section)): Path<(String, String, String)>,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let kind = doc_kind(&ctx, &doc)?;
    let section = kind
        .form()
        .section(&section)
        .ok_or_else(|| not_found(&ctx))?;
    let (page, _) = section_page(&state, &ctx, id, kind, section, None).await?;
    Ok(render(&page, StatusCode::OK))
}

pub async fn save_section(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, doc, section_id)): Path<(String, String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let kind = doc_kind(&ctx, &doc)?;
    let section = kind
        .form()
        .section(&section_id)
        .ok_or_else(|| not_found(&ctx))?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let raw = form_view::raw_section(section, &pairs);
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let based_on: i64 = field("_version").and_then(|v| v.parse().ok()).unwrap_or(-1);
    match state
        .app
        .save_section(actor, &ctx.meta, id, kind, section.id, &raw, based_on)
        .await
    {
        Ok(_) if field("_then") == Some("again") => {
            Ok(
                Redirect::to(&format!("/people/{id}/{}/{}", kind.slug(), section.id))
                    .into_response(),
            )
        }
        Ok(_) => Ok(Redirect::to(&format!("/people/{id}?saved=1")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let (page, _) =
                section_page(&state, &ctx, id, kind, section, Some((&raw, errors))).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

pub async fn agree_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let version: i64 = pairs
        .iter()
        .find(|(k, _)| k == "_version")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(-1);
    state
        .app
        .agree_plan(actor, &ctx.meta, id, version)
        .await
        .or_fail(&ctx)?;
    Ok(Redirect::to(&format!("/people/{id}?saved=1")).into_response())
}

pub struct HistoryRow {
    pub when: String,
    pub who: String,
    pub form: String,
    pub version: i64,
    pub changed: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "person_history.html")]
struct HistoryPage {
    page: Page,
    caption: String,
    rows: Vec<HistoryRow>,
    back: String,
}

fn changed_text(t: Tr, v: &DocumentVersion) -> String {
    v.changed
        .iter()
        .map(|c| {
            if c == "agreed" {
                t.get("plan-agreed-change")
            } else {
                t.get(&form_view::section_label(v.kind, c))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn history(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let (person, versions) = state
        .app
        .person_history(actor, &ctx.meta, id)
        .await
        .or_fail(&ctx)?;
    let t = ctx.tr;
    let rows = versions
        .iter()
        .map(|v| HistoryRow {
            when: t.date_time(v.recorded_at),
            who: v.recorded_by_label.clone(),
            form: t.get(&format!("doc-{}", v.kind.code())),
            version: v.version,
            changed: changed_text(t, v),
            href: format!("/people/{id}/{}/versions/{}", v.kind.slug(), v.version),
        })
        .collect();
    let mut page = Page::new(&ctx, "history-title", "/people");
    page.title = t.get("history-title");
    Ok(render(
        &HistoryPage {
            page,
            caption: full_name(&person),
            rows,
            back: format!("/people/{id}"),
        },
        StatusCode::OK,
    ))
}

pub struct SectionBlock {
    pub title: String,
    pub rows: Vec<Row>,
    pub items: Vec<ItemBlock>,
}

#[derive(Template)]
#[template(path = "person_version.html")]
struct VersionPage {
    page: Page,
    caption: String,
    line: String,
    sections: Vec<SectionBlock>,
    back: String,
}

pub async fn version(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, doc, n)): Path<(String, String, String)>,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let kind = doc_kind(&ctx, &doc)?;
    let n: i64 = n.parse().map_err(|_| not_found(&ctx))?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let (person, v) = state
        .app
        .person_document_version(actor, &ctx.meta, id, kind, n)
        .await
        .or_fail(&ctx)?;
    let t = ctx.tr;
    let sections = kind
        .form()
        .sections
        .iter()
        .filter(|s| applies(s, person.kind))
        .map(|s| SectionBlock {
            title: t.get(&form_view::section_label(kind, s.id)),
            rows: section_rows(t, kind, s, &v.document),
            items: group_items(t, kind, s, &v.document)
                .into_iter()
                .map(|(heading, rows)| ItemBlock { heading, rows })
                .collect(),
        })
        .collect();
    let mut page = Page::new(&ctx, "history-title", "/people");
    page.title = format!(
        "{} – {}",
        t.get(&format!("doc-{}", kind.code())),
        t.with("version-number", "n", &n.to_string())
    );
    let line = version_line(t, &v);
    Ok(render(
        &VersionPage {
            page,
            caption: full_name(&person),
            line,
            sections,
            back: format!("/people/{id}/history"),
        },
        StatusCode::OK,
    ))
}

pub struct DueRow {
    pub name: String,
    pub href: String,
    pub reasons: String,
}

#[derive(Template)]
#[template(path = "people_due.html")]
struct DuePage {
    page: Page,
    rows: Vec<DueRow>,
    next_href: Option<String>,
    first_href: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct DueQuery {
    after: String,
}

/// A page of the people whose information is out of date, by name.
pub async fn due(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<DueQuery>,
) -> Result<Response, Failure> {
    use crate::api::people::{decode_person_cursor, encode_person_cursor};
    let actor = ctx.actor().or_fail(&ctx)?;
    let (due, end) = state
        .app
        .people_due_for_review(actor, &ctx.meta, decode_person_cursor(&q.after), 100)
        .await
        .or_fail(&ctx)?;
    let t = ctx.tr;
    let rows = due
        .iter()
        .map(|(p, warnings)| DueRow {
            name: full_name(p),
            href: format!("/people/{}", p.id),
            reasons: warnings
                .iter()
                .map(|w| t.get(&format!("{}-short", w.message())))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect();
    Ok(render(
        &DuePage {
            page: Page::new(&ctx, "due-title", "/people"),
            rows,
            next_href: end.map(|c| format!("/people/due?after={}", encode_person_cursor(&c))),
            first_href: (!q.after.trim().is_empty()).then(|| "/people/due".to_string()),
        },
        StatusCode::OK,
    ))
}
