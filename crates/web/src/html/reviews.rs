//! Reports for inspection and review: the figures Ofsted asks for, and the part of a review
//! of the quality of care (England's regulation 45, Wales's quality of care review,
//! Scotland's self-evaluation) on missing episodes, with what the manager makes of them.

use super::episodes::FilterOption;
use super::form_view::{FieldView, OptionView};
use super::patterns::{PatternsQuery, ask_of};
use super::{Failure, FormErrors, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use homeward_app::patterns::PatternsAsk;
use homeward_app::policy::Action;
use homeward_app::reviews::{Evaluation, ReviewKind};
use homeward_app::{AppError, FieldError};
use homeward_i18n::Tr;
use jiff::civil::Date;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "reviews.html")]
struct ReviewsPage {
    page: Page,
    errors: FormErrors,
    kinds: FieldView,
    services: Vec<FilterOption>,
    from: String,
    to: String,
    working_well: FieldView,
    improve: FieldView,
    /// Only where the framework has the provider grade itself (Scotland).
    grade: Option<FieldView>,
}

/// What the form sends: which report, the period, the evaluation and which download.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReviewForm {
    pub kind: String,
    pub service: String,
    pub from: String,
    pub to: String,
    pub working_well: String,
    pub improve: String,
    pub grade: String,
    /// `pdf` or `csv`.
    pub format: String,
}

/// The last six whole months: what a six-monthly review looks back on.
fn last_six_months(today: Date) -> (Date, Date) {
    let first = today.first_of_month();
    let from = first
        .checked_sub(jiff::Span::new().months(6))
        .unwrap_or(first);
    (from, first.yesterday().unwrap_or(first))
}

/// The period asked for (the last six months if not given), or the problems with it.
fn period(state: &AppState, form: &ReviewForm) -> (PatternsAsk, Vec<FieldError>) {
    let today = homeward_domain::time::in_london(state.app.clock.now()).date();
    let (first, last) = last_six_months(today);
    let or = |given: &str, default: Date| {
        if given.trim().is_empty() {
            default.to_string()
        } else {
            given.to_string()
        }
    };
    let q = PatternsQuery {
        service: form.service.clone(),
        from: or(&form.from, first),
        to: or(&form.to, last),
        ..PatternsQuery::default()
    };
    let mut problems = Vec::new();
    let ask = ask_of(&q, today, &mut problems);
    (ask, problems)
}

fn text_field(
    t: Tr,
    errors: &FormErrors,
    name: &str,
    label: &str,
    hint: &str,
    value: &str,
) -> FieldView {
    FieldView {
        id: name.into(),
        name: name.into(),
        label: t.get(label),
        hint: t.get(hint),
        kind: "textarea",
        value: value.into(),
        day: String::new(),
        month: String::new(),
        year: String::new(),
        options: Vec::new(),
        error: errors.for_field(name).map(str::to_string),
        width: "",
        fold: false,
    }
}

fn choice_field(
    t: Tr,
    errors: &FormErrors,
    name: &str,
    label: &str,
    kind: &'static str,
    options: Vec<OptionView>,
) -> FieldView {
    FieldView {
        kind,
        options,
        hint: String::new(),
        ..text_field(t, errors, name, label, "", "")
    }
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    ask: &PatternsAsk,
    errors: FormErrors,
    form: &ReviewForm,
) -> Result<ReviewsPage, Failure> {
    let t = ctx.tr;
    let actor = ctx.actor().or_fail(ctx)?;
    let (_, services) = state.app.organisation_overview(actor).await.or_fail(ctx)?;
    let services: Vec<_> = services
        .into_iter()
        .filter(|s| actor.can_in(Action::ViewPatterns, s.id))
        .collect();
    let kinds = state.app.review_kinds(actor).await.or_fail(ctx)?;
    let chosen = ReviewKind::parse(&form.kind).or(kinds.first().copied());
    let kind_options = kinds
        .iter()
        .enumerate()
        .map(|(i, k)| OptionView {
            id: if i == 0 {
                "kind".into()
            } else {
                format!("kind-{}", k.code())
            },
            value: k.code().into(),
            label: k.title(t),
            checked: Some(*k) == chosen,
        })
        .collect();
    let graded = kinds.iter().any(|k| k.graded());
    Ok(ReviewsPage {
        page: Page::new(ctx, "reviews-title", "/patterns").with_errors(&errors),
        kinds: choice_field(t, &errors, "kind", "reviews-choose", "radios", kind_options),
        services: super::episodes::service_options(t, &services, ask.service),
        from: if form.from.is_empty() {
            ask.from.to_string()
        } else {
            form.from.clone()
        },
        to: if form.to.is_empty() {
            ask.to.to_string()
        } else {
            form.to.clone()
        },
        working_well: text_field(
            t,
            &errors,
            "working_well",
            "reviews-working-well",
            "reviews-working-well-hint",
            &form.working_well,
        ),
        improve: text_field(
            t,
            &errors,
            "improve",
            "reviews-improve",
            "reviews-improve-hint",
            &form.improve,
        ),
        grade: graded.then(|| {
            let options = (1..=6)
                .map(|g| OptionView {
                    id: format!("grade-{g}"),
                    value: g.to_string(),
                    label: t.get(&format!("review-grade-{g}")),
                    checked: form.grade.trim() == g.to_string(),
                })
                .collect();
            choice_field(t, &errors, "grade", "reviews-grade", "select", options)
        }),
        errors,
    })
}

/// The form: which report, the home and period, and the manager's evaluation.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PatternsQuery>,
) -> Result<Response, Failure> {
    let form = ReviewForm {
        service: q.service,
        from: q.from,
        to: q.to,
        ..ReviewForm::default()
    };
    let (ask, problems) = period(&state, &form);
    let errors = FormErrors::from_fields(ctx.tr, &problems);
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = page(&state, &ctx, &ask, errors, &form).await?;
    Ok(render(&page, status))
}

fn disposition(kind: ReviewKind, csv: bool) -> &'static str {
    match (kind, csv) {
        (ReviewKind::AnnexA, false) => "attachment; filename=\"ofsted-figures.pdf\"",
        (ReviewKind::AnnexA, true) => "attachment; filename=\"ofsted-figures.csv\"",
        (ReviewKind::Regulation45, false) => "attachment; filename=\"regulation-45-missing.pdf\"",
        (ReviewKind::Regulation45, true) => "attachment; filename=\"regulation-45-missing.csv\"",
        (ReviewKind::QualityOfCare, false) => {
            "attachment; filename=\"quality-of-care-missing.pdf\""
        }
        (ReviewKind::QualityOfCare, true) => "attachment; filename=\"quality-of-care-missing.csv\"",
        (ReviewKind::SelfEvaluation, false) => {
            "attachment; filename=\"self-evaluation-missing.pdf\""
        }
        (ReviewKind::SelfEvaluation, true) => {
            "attachment; filename=\"self-evaluation-missing.csv\""
        }
    }
}

/// The report as a PDF or its figures as CSV; the form again, with what was wrong, if
/// anything was.
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<ReviewForm>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let (ask, mut problems) = period(&state, &form);
    let kind = ReviewKind::parse(&form.kind);
    if kind.is_none() {
        problems.push(FieldError {
            field: "kind".into(),
            message: "error-review-kind",
        });
    }
    let grade = match form.grade.trim() {
        "" => None,
        g => match g.parse::<u8>() {
            Ok(g) => Some(g),
            Err(_) => Some(0),
        },
    };
    let evaluation = Evaluation {
        working_well: form.working_well.trim().to_string(),
        improve: form.improve.trim().to_string(),
        grade,
    };
    problems.extend(evaluation.problems());
    let (app, meta, locale) = (&state.app, &ctx.meta, ctx.locale_or(None));
    let result = match kind {
        Some(kind) if problems.is_empty() => {
            if form.format == "csv" {
                app.review_csv(actor, meta, &ask, kind, &evaluation, locale)
                    .await
                    .map(|csv| {
                        crate::headers::private_file(
                            csv.into_bytes(),
                            "text/csv; charset=utf-8",
                            disposition(kind, true),
                        )
                    })
            } else {
                app.review_report(actor, meta, &ask, kind, &evaluation, locale)
                    .await
                    .map(|pdf| crate::headers::pdf(pdf, disposition(kind, false)))
            }
        }
        _ => Err(AppError::Invalid(Vec::new())),
    };
    match result {
        Ok(file) => Ok(file),
        Err(AppError::Invalid(fields)) => {
            problems.extend(fields);
            let errors = FormErrors::from_fields(ctx.tr, &problems);
            let page = page(&state, &ctx, &ask, errors, &form).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}
