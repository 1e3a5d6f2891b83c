//! Access for partners: on a person's page, who outside the organisation can see their record,
//! the form to give access and the button to end it, and the looks partners took; for someone
//! from a partner organisation, what has been shared with it and each shared record, only as
//! far as its grant covers.

use super::disclosures::{radios, text};
use super::episodes::{instant_view, person_id, values_from};
use super::form_view::{FieldView, OptionView};
use super::home::Row;
use super::person::{full_name, section_rows};
use super::{Failure, FormErrors, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_app::access::{GrantInput, GrantLine, Receipt, SharedLine};
use homeward_app::episode_form::{self, Values, instant};
use homeward_app::policy::Action;
use homeward_app::{AppError, FieldError};
use homeward_domain::access::{PURPOSES, SECTIONS, usual_sections};
use homeward_domain::disclosure::{CONDITIONS, CONSENT, Disclosure, LAWFUL_BASES};
use homeward_domain::forms::DocKind;
use homeward_domain::ids::{EpisodeId, OrgId, PersonId};
use homeward_i18n::Tr;
use serde::Deserialize;

/// One grant as a row of the person's table.
pub struct GrantRow {
    pub partner: String,
    pub what: String,
    pub purpose: String,
    pub until: String,
    pub by: String,
    pub status: String,
    pub revoke_action: Option<String>,
}

#[derive(Template)]
#[template(path = "access.html")]
struct AccessPage {
    page: Page,
    errors: FormErrors,
    name: String,
    back_href: String,
    banner: Option<String>,
    rows: Vec<GrantRow>,
    receipts: Vec<Row>,
    /// The form to give access, for those who may.
    action: Option<String>,
    /// Where to link the placing authority, for those who may.
    placing_href: Option<String>,
    /// What the person's information form says about sharing, beside the form to give access.
    consent_note: Option<String>,
    fields: Vec<FieldView>,
}

fn section_names(t: Tr, sections: &[String]) -> String {
    sections
        .iter()
        .map(|s| t.get(&format!("access-section-{s}")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn grant_row(t: Tr, person: PersonId, line: &GrantLine, may_revoke: bool) -> GrantRow {
    let g = &line.grant;
    let status = match (&g.ended, line.live) {
        (_, true) => t.get("access-live"),
        (Some(e), false) => t.args(
            "access-ended-because",
            &[("when", &t.date_time(e.at)), ("why", &e.reason)],
        ),
        (None, false) => t.get("access-expired"),
    };
    GrantRow {
        partner: line.partner_name.clone(),
        what: match g.episode_id {
            Some(_) => t.with(
                "access-what-episode",
                "sections",
                &section_names(t, &g.sections),
            ),
            None => section_names(t, &g.sections),
        },
        purpose: t.get(&format!("access-purpose-{}", g.purpose)),
        until: if g.purpose == homeward_domain::access::PLACING {
            t.get("access-until-ended")
        } else {
            t.date_time(g.ends_at)
        },
        by: t.args(
            "access-given-by",
            &[
                ("who", &g.granted_by_label),
                ("when", &t.date_time(g.granted_at)),
            ],
        ),
        status,
        revoke_action: (line.live && may_revoke)
            .then(|| format!("/people/{person}/access/{}/revoke", g.id)),
    }
}

#[allow(clippy::too_many_arguments)]
async fn access_page(
    state: &AppState,
    ctx: &Ctx,
    id: PersonId,
    values: &Values,
    errors: FormErrors,
    banner: Option<String>,
) -> Result<AccessPage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let t = ctx.tr;
    let (lines, receipts) = state
        .app
        .person_grants(actor, &ctx.meta, id)
        .await
        .or_fail(ctx)?;
    let person = state
        .app
        .store
        .get_person(actor.org_id(), id)
        .await
        .map_err(AppError::from)
        .or_fail(ctx)?
        .ok_or(AppError::NotFound)
        .or_fail(ctx)?;
    let may_give = actor.can_in(Action::GiveAccess, person.service_id);
    let mut fields = Vec::new();
    let mut consent_note = None;
    if may_give {
        let view = state
            .app
            .view_person(actor, &ctx.meta, id)
            .await
            .or_fail(ctx)?;
        consent_note = super::disclosures::consent_note(t, &view);
        let partners = state.app.partner_organisations(actor).await.or_fail(ctx)?;
        let chosen = values.get("partner").cloned().unwrap_or_default();
        let mut partner = text(t, values, &errors, "partner", "select");
        partner.label = t.get("access-partner");
        partner.hint = String::new();
        partner.options = partners
            .iter()
            .map(|o| OptionView {
                id: format!("partner-{}", o.id),
                value: o.id.to_string(),
                label: format!("{} ({})", o.name, t.get(&format!("org-kind-{}", o.kind))),
                checked: chosen == o.id.to_string(),
            })
            .collect();
        let open = state
            .app
            .store
            .open_episode_of(actor.org_id(), id)
            .await
            .map_err(AppError::from)
            .or_fail(ctx)?;
        let mut scope = text(t, values, &errors, "episode", "radios");
        scope.label = t.get("access-episode");
        scope.hint = String::new();
        let picked = values.get("episode").cloned().unwrap_or_default();
        scope.options = vec![OptionView {
            id: "episode".into(),
            value: String::new(),
            label: t.get("access-episode-person"),
            checked: picked.is_empty(),
        }];
        if let Some(e) = open {
            scope.options.push(OptionView {
                id: "episode-open".into(),
                value: e.to_string(),
                label: t.get("access-episode-open"),
                checked: picked == e.to_string(),
            });
        }
        let mut purpose = radios(t, values, &errors, "purpose", PURPOSES);
        purpose.label = t.get("access-purpose");
        purpose.hint = String::new();
        for o in &mut purpose.options {
            o.label = t.get(&format!("access-purpose-{}", o.value));
        }
        let ticked: Vec<String> = values
            .get("sections")
            .map(|s| s.split(',').map(str::to_string).collect())
            .unwrap_or_default();
        let mut sections = text(t, values, &errors, "sections", "checkboxes");
        sections.label = t.get("access-sections");
        sections.hint = t.get("access-sections-hint");
        sections.options = SECTIONS
            .iter()
            .enumerate()
            .map(|(i, s)| OptionView {
                id: if i == 0 {
                    "sections".into()
                } else {
                    format!("sections-{s}")
                },
                value: (*s).into(),
                label: t.get(&format!("access-section-{s}")),
                checked: ticked.iter().any(|x| x == s),
            })
            .collect();
        let mut ends = instant_view(t, "ends", "access-ends", values, &errors);
        ends.hint = t.get("access-ends-hint");
        let mut why = text(t, values, &errors, "purpose_words", "textarea");
        why.label = t.get("access-why");
        why.hint = String::new();
        fields = vec![
            partner,
            scope,
            purpose,
            sections,
            ends,
            why,
            radios(t, values, &errors, "consent", CONSENT),
            text(t, values, &errors, "concern", "textarea"),
            radios(t, values, &errors, "lawful_basis", LAWFUL_BASES),
            radios(t, values, &errors, "condition", CONDITIONS),
            text(t, values, &errors, "told_person", "textarea"),
        ];
    }
    Ok(AccessPage {
        page: Page::new(ctx, "access-title", "/people").with_errors(&errors),
        errors: errors.clone(),
        name: full_name(&person),
        back_href: format!("/people/{id}"),
        banner,
        rows: lines
            .iter()
            .map(|l| grant_row(t, id, l, may_give))
            .collect(),
        receipts: receipts
            .iter()
            .map(|r: &Receipt| Row {
                key: t.date_time(r.at),
                value: format!("{} · {}", r.who, r.what),
            })
            .collect(),
        action: may_give.then(|| format!("/people/{id}/access")),
        placing_href: may_give.then(|| format!("/people/{id}/placing-authority")),
        consent_note,
        fields,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AccessQuery {
    done: String,
}

/// Who outside the organisation can see a person's record.
pub async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<AccessQuery>,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let banner = match q.done.as_str() {
        "given" => Some(ctx.tr.get("access-given")),
        "linked" => Some(ctx.tr.get("placing-linked")),
        "ended" => Some(ctx.tr.get("access-revoked")),
        _ => None,
    };
    let mut values = Values::new();
    values.insert("purpose".into(), "find".into());
    values.insert("sections".into(), usual_sections("find").join(","));
    let page = access_page(&state, &ctx, id, &values, FormErrors::default(), banner).await?;
    Ok(render(&page, StatusCode::OK))
}

/// Gives access, or shows the form again with what is wrong.
pub async fn give(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let mut values = values_from(&body);
    // Ticked sections come as repeated names.
    let sections: Vec<String> = form_urlencoded::parse(&body)
        .filter(|(k, _)| k == "sections")
        .map(|(_, v)| v.into_owned())
        .collect();
    values.insert("sections".into(), sections.join(","));
    let get = |name: &str| values.get(name).cloned().unwrap_or_default();
    let mut problems = Vec::new();
    let ends = match instant(&values, "ends") {
        Ok(at) => at,
        Err(message) => {
            problems.push(FieldError {
                field: "ends".into(),
                message,
            });
            None
        }
    };
    let partner = get("partner").parse::<uuid::Uuid>().ok().map(OrgId);
    let episode = match get("episode").as_str() {
        "" => None,
        e => match e.parse::<uuid::Uuid>() {
            Ok(u) => Some(EpisodeId(u)),
            Err(_) => {
                problems.push(FieldError {
                    field: "episode".into(),
                    message: "error-grant-episode",
                });
                None
            }
        },
    };
    let input = GrantInput {
        partner,
        episode,
        purpose: get("purpose"),
        sections,
        ends,
        disclosure: Disclosure {
            purpose: get("purpose_words"),
            lawful_basis: get("lawful_basis"),
            condition: get("condition"),
            consent: get("consent"),
            concern: get("concern"),
            told_person: get("told_person"),
            ..Disclosure::default()
        },
    };
    let result = if problems.is_empty() {
        state.app.give_access(actor, &ctx.meta, id, &input).await
    } else {
        Err(AppError::Invalid(Vec::new()))
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/people/{id}/access?done=given")).into_response()),
        Err(AppError::StepUp) => Ok(Redirect::to(&super::sign_in::confirm_href(&format!(
            "/people/{id}/access"
        )))
        .into_response()),
        Err(AppError::Invalid(fields)) => {
            // The words of the disclosure's "why" are asked as `purpose_words` here.
            problems.extend(fields.into_iter().map(|mut f| {
                if f.field == "purpose" && f.message == "error-disclosure-purpose" {
                    f.field = "purpose_words".into();
                }
                f
            }));
            let errors = FormErrors::from_fields(ctx.tr, &problems);
            let page = access_page(&state, &ctx, id, &values, errors, None).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

/// Ends a grant now, with the reason given.
pub async fn revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, grant)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let grant = super::uuid_in_path(&ctx, &grant)?;
    let values = values_from(&body);
    let reason = values.get("reason").cloned().unwrap_or_default();
    match state
        .app
        .revoke_access(actor, &ctx.meta, id, grant, &reason)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/people/{id}/access?done=ended")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let mut values = Values::new();
            values.insert("purpose".into(), "find".into());
            let page = access_page(&state, &ctx, id, &values, errors, None).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

/// One shared record as the partner's list shows it.
pub struct SharedRow {
    pub href: String,
    pub name: String,
    pub provider: String,
    pub purpose: String,
    pub what: String,
    pub until: String,
}

#[derive(Template)]
#[template(path = "shared.html")]
struct SharedPage {
    page: Page,
    rows: Vec<SharedRow>,
}

/// What providers have shared with the actor's organisation, live now.
pub async fn shared(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let t = ctx.tr;
    let lines = state
        .app
        .shared_with_me(actor, &ctx.meta)
        .await
        .or_fail(&ctx)?;
    let page = SharedPage {
        page: Page::new(&ctx, "shared-title", "/shared"),
        rows: lines
            .iter()
            .map(|l: &SharedLine| SharedRow {
                href: format!("/shared/{}", l.grant.id),
                name: full_name(&l.person),
                provider: l.provider_name.clone(),
                purpose: t.get(&format!("access-purpose-{}", l.grant.purpose)),
                what: section_names(t, &l.grant.sections),
                until: t.date_time(l.grant.ends_at),
            })
            .collect(),
    };
    Ok(render(&page, StatusCode::OK))
}

/// One part of a shared record.
pub struct SharedSection {
    pub title: String,
    pub rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "shared_record.html")]
struct SharedRecordPage {
    page: Page,
    name: String,
    about: String,
    sections: Vec<SharedSection>,
    chronology: Option<Vec<Row>>,
    /// The entries the reader may add to the chronology: address and name.
    entries: Vec<(String, String)>,
    /// The police pack as a PDF, when the grant covers it.
    pack_href: Option<String>,
}

/// The profile's sections a police pack shows, when only the pack's fields are shared.
const PACK_SECTIONS: &[&str] = &["about", "description", "health"];

/// One shared record, as far as its grant covers.
pub async fn shared_record(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(grant): Path<String>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let t = ctx.tr;
    let grant = super::uuid_in_path(&ctx, &grant)?;
    let record = state
        .app
        .shared_record(actor, &ctx.meta, grant)
        .await
        .or_fail(&ctx)?;
    let g = &record.grant;
    let mut sections = Vec::new();
    if let Some(doc) = &record.profile {
        let whole = g.covers("information_form");
        for def in DocKind::Profile.form().sections {
            if whole || PACK_SECTIONS.contains(&def.id) {
                let rows = section_rows(t, DocKind::Profile, def, doc);
                if !rows.is_empty() {
                    sections.push(SharedSection {
                        title: t.get(&super::form_view::section_label(DocKind::Profile, def.id)),
                        rows,
                    });
                }
            }
        }
    }
    // The risk assessment and the missing plan, whole, when the grant covers them.
    for (kind, doc) in [
        (DocKind::RiskAssessment, &record.risk),
        (DocKind::MissingPlan, &record.plan),
    ] {
        let Some(doc) = doc else { continue };
        for def in kind.form().sections {
            let rows = section_rows(t, kind, def, doc);
            if !rows.is_empty() {
                sections.push(SharedSection {
                    title: format!(
                        "{}: {}",
                        t.get(&format!("access-section-{}", kind.code())),
                        t.get(&super::form_view::section_label(kind, def.id))
                    ),
                    rows,
                });
            }
        }
    }
    let chronology = g.covers("chronology").then(|| {
        record
            .episode
            .as_ref()
            .map(|(_, events)| {
                events
                    .iter()
                    .map(|r| {
                        let (title, fields) = episode_form::describe(t, &r.event);
                        let words: Vec<String> = fields.into_iter().map(|(_, v)| v).collect();
                        Row {
                            key: format!("{} · {title}", t.date_time(r.when.at)),
                            value: words.join(" · "),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default()
    });
    let entries = if g.covers("chronology") && record.episode.is_some() {
        state
            .app
            .partner_entry_kinds(actor)
            .into_iter()
            .map(|k| {
                (
                    format!("/shared/{}/add/{k}", g.id),
                    t.get(&format!("event-{k}")),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let until = if g.purpose == homeward_domain::access::PLACING {
        t.get("access-until-ended")
    } else {
        t.date_time(g.ends_at)
    };
    let page = SharedRecordPage {
        entries,
        pack_href: g
            .covers("police_pack")
            .then(|| format!("/shared/{}/police-pack.pdf", g.id)),
        page: Page::new(&ctx, "shared-record-title", "/shared"),
        name: full_name(&record.person),
        about: t.args(
            "shared-record-about",
            &[
                ("provider", &record.provider_name),
                ("purpose", &t.get(&format!("access-purpose-{}", g.purpose))),
                ("until", &until),
            ],
        ),
        sections,
        chronology,
    };
    Ok(render(&page, StatusCode::OK))
}

/// The police pack as a PDF, through a grant that covers it.
pub async fn shared_pack(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(grant): Path<String>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let grant = super::uuid_in_path(&ctx, &grant)?;
    let pdf = state
        .app
        .shared_pack(actor, &ctx.meta, grant, ctx.locale())
        .await
        .or_fail(&ctx)?;
    Ok(crate::headers::pdf(
        pdf,
        "attachment; filename=\"police-pack.pdf\"",
    ))
}

/// The form for an entry to a shared chronology.
pub async fn entry_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((grant, kind)): Path<(String, String)>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let grant = super::uuid_in_path(&ctx, &grant)?;
    if !state
        .app
        .partner_entry_kinds(actor)
        .contains(&kind.as_str())
    {
        return Err(Failure::new(ctx, AppError::NotFound));
    }
    let record = state
        .app
        .shared_record(actor, &ctx.meta, grant)
        .await
        .or_fail(&ctx)?;
    if !record.grant.covers("chronology") {
        return Err(Failure::new(ctx, AppError::Forbidden));
    }
    let mut values = Values::new();
    homeward_app::episode_form::instant_values(&mut values, "when", state.app.clock.now());
    Ok(super::episodes::partner_entry_page(
        &ctx,
        full_name(&record.person),
        grant,
        &kind,
        &values,
        FormErrors::default(),
    ))
}

/// Adds an entry to a shared chronology, or shows the form again with what is wrong.
pub async fn add_entry(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((grant, kind)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let grant = super::uuid_in_path(&ctx, &grant)?;
    if !state
        .app
        .partner_entry_kinds(actor)
        .contains(&kind.as_str())
    {
        return Err(Failure::new(ctx, AppError::NotFound));
    }
    let values = values_from(&body);
    let result = match (
        instant(&values, "when"),
        episode_form::parse(&kind, &values),
    ) {
        (Ok(when), Ok(event)) => {
            state
                .app
                .record_shared_event(actor, &ctx.meta, grant, when, event)
                .await
        }
        (when, event) => Err(AppError::Invalid(
            when.err()
                .map(|message| FieldError {
                    field: "when".into(),
                    message,
                })
                .into_iter()
                .chain(event.err().unwrap_or_default())
                .collect(),
        )),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/shared/{grant}?added=1")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let record = state
                .app
                .shared_record(actor, &ctx.meta, grant)
                .await
                .or_fail(&ctx)?;
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            Ok(super::episodes::partner_entry_page(
                &ctx,
                full_name(&record.person),
                grant,
                &kind,
                &values,
                errors,
            ))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

#[derive(Template)]
#[template(path = "emergency_access.html")]
struct EmergencyPage {
    page: Page,
    errors: FormErrors,
    fields: Vec<FieldView>,
}

async fn emergency_page(
    state: &AppState,
    ctx: &Ctx,
    values: &Values,
    errors: FormErrors,
) -> Result<EmergencyPage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let t = ctx.tr;
    let providers = state.app.providers(actor).await.or_fail(ctx)?;
    let chosen = values.get("provider").cloned().unwrap_or_default();
    let mut provider = text(t, values, &errors, "provider", "select");
    provider.label = t.get("emergency-provider");
    provider.hint = String::new();
    provider.options = providers
        .iter()
        .map(|o| OptionView {
            id: format!("provider-{}", o.id),
            value: o.id.to_string(),
            label: o.name.clone(),
            checked: chosen == o.id.to_string(),
        })
        .collect();
    let named = |name: &str, label: &str| {
        let mut f = text(t, values, &errors, name, "text");
        f.label = t.get(label);
        f.hint = String::new();
        f
    };
    let mut born = instant_view(t, "born", "emergency-born", values, &errors);
    born.kind = "date";
    born.label = t.with("label-optional", "label", &t.get("emergency-born"));
    let mut reason = named("reason", "emergency-reason");
    reason.kind = "textarea";
    reason.hint = t.get("emergency-reason-hint");
    Ok(EmergencyPage {
        page: Page::new(ctx, "emergency-title", "/shared").with_errors(&errors),
        errors: errors.clone(),
        fields: vec![
            provider,
            named("given_name", "emergency-given-name"),
            named("family_name", "emergency-family-name"),
            born,
            reason,
        ],
    })
}

/// The form police use for emergency access.
pub async fn emergency_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, Failure> {
    let page = emergency_page(&state, &ctx, &Values::new(), FormErrors::default()).await?;
    Ok(render(&page, StatusCode::OK))
}

/// Uses emergency access, or shows the form again with what is wrong.
pub async fn emergency(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let values = values_from(&body);
    let get = |name: &str| values.get(name).cloned().unwrap_or_default();
    let mut problems = Vec::new();
    let parts = [get("born-day"), get("born-month"), get("born-year")];
    let born = if parts.iter().all(|p| p.trim().is_empty()) {
        None
    } else {
        match homeward_domain::forms::parse_date(&parts[0], &parts[1], &parts[2]) {
            Ok(d) => Some(d),
            Err(message) => {
                problems.push(FieldError {
                    field: "born".into(),
                    message,
                });
                None
            }
        }
    };
    let input = homeward_app::access::BreakGlassInput {
        provider: get("provider").parse::<uuid::Uuid>().ok().map(OrgId),
        given_name: get("given_name"),
        family_name: get("family_name"),
        born,
        reason: get("reason"),
    };
    let result = if problems.is_empty() {
        state.app.break_glass(actor, &ctx.meta, &input).await
    } else {
        Err(AppError::Invalid(Vec::new()))
    };
    match result {
        Ok(grant) => Ok(Redirect::to(&format!("/shared/{grant}")).into_response()),
        Err(AppError::StepUp) => {
            Ok(Redirect::to(&super::sign_in::confirm_href("/emergency-access")).into_response())
        }
        Err(AppError::Invalid(fields)) => {
            problems.extend(fields);
            let errors = FormErrors::from_fields(ctx.tr, &problems);
            let page = emergency_page(&state, &ctx, &values, errors).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

/// One use of emergency access as the review list shows it.
pub struct EmergencyRow {
    pub person_href: String,
    pub name: String,
    pub who: String,
    pub force: String,
    pub when: String,
    pub reason: String,
    pub status: String,
    /// "Justified: notes (by whom, when)", once reviewed.
    pub review: Option<String>,
    /// The form to review it, for those who may and until it is reviewed.
    pub review_action: Option<String>,
    pub grant: String,
    pub outcomes: Vec<OptionView>,
    pub outcome_error: Option<String>,
    pub notes: String,
    pub notes_error: Option<String>,
}

#[derive(Template)]
#[template(path = "emergency_review.html")]
struct ReviewPage {
    page: Page,
    errors: FormErrors,
    banner: Option<String>,
    rows: Vec<EmergencyRow>,
}

async fn review_page(
    state: &AppState,
    ctx: &Ctx,
    values: &Values,
    errors: FormErrors,
    banner: Option<String>,
) -> Result<ReviewPage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let t = ctx.tr;
    let list = state
        .app
        .emergency_review(actor, &ctx.meta)
        .await
        .or_fail(ctx)?;
    let may_review = actor.can(Action::GiveAccess);
    Ok(ReviewPage {
        page: Page::new(ctx, "emergency-review-title", "/access/emergency").with_errors(&errors),
        banner,
        rows: list
            .iter()
            .map(|e| {
                let g = &e.line.grant;
                let id = g.id.to_string();
                let chosen = values
                    .get(&format!("outcome-{id}"))
                    .cloned()
                    .unwrap_or_default();
                EmergencyRow {
                    person_href: format!("/people/{}/access", g.person_id),
                    name: e.name.clone(),
                    who: g.granted_by_label.clone(),
                    force: e.line.partner_name.clone(),
                    when: t.date_time(g.granted_at),
                    reason: g.reason.clone(),
                    status: if e.line.live {
                        t.with("emergency-live-until", "until", &t.date_time(g.ends_at))
                    } else {
                        t.get("access-expired")
                    },
                    review: e.review.as_ref().map(|r| {
                        t.args(
                            "emergency-reviewed",
                            &[
                                (
                                    "outcome",
                                    &t.get(&format!("emergency-outcome-{}", r.outcome)),
                                ),
                                ("notes", &r.notes),
                                ("who", &r.by_label),
                                ("when", &t.date_time(r.at)),
                            ],
                        )
                    }),
                    review_action: (may_review && e.review.is_none())
                        .then(|| format!("/access/emergency/{id}/review")),
                    outcomes: homeward_domain::access::REVIEW_OUTCOMES
                        .iter()
                        .enumerate()
                        .map(|(i, o)| OptionView {
                            id: if i == 0 {
                                format!("outcome-{id}")
                            } else {
                                format!("outcome-{id}-{o}")
                            },
                            value: (*o).into(),
                            label: t.get(&format!("emergency-outcome-{o}")),
                            checked: chosen == *o,
                        })
                        .collect(),
                    outcome_error: errors
                        .for_field(&format!("outcome-{id}"))
                        .map(str::to_string),
                    notes: values
                        .get(&format!("notes-{id}"))
                        .cloned()
                        .unwrap_or_default(),
                    notes_error: errors.for_field(&format!("notes-{id}")).map(str::to_string),
                    grant: id,
                }
            })
            .collect(),
        errors,
    })
}

/// Every use of emergency access to the organisation's records: the review list.
pub async fn emergency_review(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AccessQuery>,
) -> Result<Response, Failure> {
    let banner = (q.done == "reviewed").then(|| ctx.tr.get("emergency-review-saved"));
    let page = review_page(&state, &ctx, &Values::new(), FormErrors::default(), banner).await?;
    Ok(render(&page, StatusCode::OK))
}

/// Records the review of one use of emergency access, or shows the list again with what is
/// wrong.
pub async fn review_emergency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(grant): Path<String>,
    body: Bytes,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let grant = super::uuid_in_path(&ctx, &grant)?;
    let form = values_from(&body);
    let get = |name: &str| form.get(name).cloned().unwrap_or_default();
    let (outcome, notes) = (get("outcome"), get("notes"));
    match state
        .app
        .review_emergency(actor, &ctx.meta, grant, &outcome, &notes)
        .await
    {
        Ok(()) => Ok(Redirect::to("/access/emergency?done=reviewed").into_response()),
        Err(AppError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let mut values = Values::new();
            values.insert(format!("outcome-{grant}"), outcome);
            values.insert(format!("notes-{grant}"), notes);
            let page = review_page(&state, &ctx, &values, errors, None).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

#[derive(Template)]
#[template(path = "placing_authority.html")]
struct PlacingPage {
    page: Page,
    errors: FormErrors,
    name: String,
    back_href: String,
    action: String,
    /// What the information form names as placing authority, if anything.
    form_says: Option<String>,
    consent_note: Option<String>,
    fields: Vec<FieldView>,
}

/// Whether a local authority's name and the words on a form are the same authority: one
/// holds the other, ignoring case ("Cyngor Sir Ffug" and "Cyngor Sir Ffug County Council").
fn names_match(organisation: &str, written: &str) -> bool {
    let (a, b) = (organisation.to_lowercase(), written.trim().to_lowercase());
    !b.is_empty() && (a.contains(&b) || b.contains(&a))
}

async fn placing_page(
    state: &AppState,
    ctx: &Ctx,
    id: PersonId,
    values: &Values,
    errors: FormErrors,
) -> Result<PlacingPage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let t = ctx.tr;
    let view = state
        .app
        .view_person(actor, &ctx.meta, id)
        .await
        .or_fail(ctx)?;
    let form_says = view
        .profile
        .as_ref()
        .and_then(|p| p.document.value("legal_status", "placing_authority"))
        .filter(|v| !v.trim().is_empty())
        .map(str::to_string);
    let authorities: Vec<_> = state
        .app
        .partner_organisations(actor)
        .await
        .or_fail(ctx)?
        .into_iter()
        .filter(|o| o.kind == "local_authority")
        .collect();
    // The authority the form names is offered first, chosen.
    let chosen = values.get("partner").cloned().unwrap_or_else(|| {
        authorities
            .iter()
            .find(|o| {
                form_says
                    .as_deref()
                    .is_some_and(|w| names_match(&o.name, w))
            })
            .map(|o| o.id.to_string())
            .unwrap_or_default()
    });
    let mut partner = text(t, values, &errors, "partner", "radios");
    partner.label = t.get("placing-authority");
    partner.hint = String::new();
    partner.options = authorities
        .iter()
        .enumerate()
        .map(|(i, o)| OptionView {
            id: if i == 0 {
                "partner".into()
            } else {
                format!("partner-{}", o.id)
            },
            value: o.id.to_string(),
            label: o.name.clone(),
            checked: chosen == o.id.to_string(),
        })
        .collect();
    Ok(PlacingPage {
        page: Page::new(ctx, "placing-title", "/people").with_errors(&errors),
        errors: errors.clone(),
        name: full_name(&view.person),
        back_href: format!("/people/{id}/access"),
        action: format!("/people/{id}/placing-authority"),
        form_says: form_says.map(|w| t.with("placing-form-says", "authority", &w)),
        consent_note: super::disclosures::consent_note(t, &view),
        fields: vec![
            partner,
            radios(t, values, &errors, "consent", CONSENT),
            text(t, values, &errors, "concern", "textarea"),
            radios(t, values, &errors, "lawful_basis", LAWFUL_BASES),
            radios(t, values, &errors, "condition", CONDITIONS),
            text(t, values, &errors, "told_person", "textarea"),
        ],
    })
}

/// The form to link a person's placing authority to their record.
pub async fn placing_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let mut values = Values::new();
    values.insert("lawful_basis".into(), "public_task".into());
    values.insert("condition".into(), "health_or_social_care".into());
    let page = placing_page(&state, &ctx, id, &values, FormErrors::default()).await?;
    Ok(render(&page, StatusCode::OK))
}

/// Links the placing authority, or shows the form again with what is wrong.
pub async fn link_placing(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let values = values_from(&body);
    let get = |name: &str| values.get(name).cloned().unwrap_or_default();
    let disclosure = Disclosure {
        lawful_basis: get("lawful_basis"),
        condition: get("condition"),
        consent: get("consent"),
        concern: get("concern"),
        told_person: get("told_person"),
        ..Disclosure::default()
    };
    let authority = get("partner").parse::<uuid::Uuid>().ok().map(OrgId);
    match state
        .app
        .link_placing_authority(actor, &ctx.meta, id, authority, &disclosure)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/people/{id}/access?done=linked")).into_response()),
        Err(AppError::StepUp) => Ok(Redirect::to(&super::sign_in::confirm_href(&format!(
            "/people/{id}/placing-authority"
        )))
        .into_response()),
        Err(AppError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let page = placing_page(&state, &ctx, id, &values, errors).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}
