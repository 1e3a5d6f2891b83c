//! Missing episodes on screen: opening one from a phone, the episode page with its checklist
//! and chronology, the forms that add to it, its PDFs, and the live board.

use super::event_form::views;
use super::form_view::FieldView;
use super::person::full_name;
use super::{Failure, FormErrors, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use crate::i18n::Tr;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_app::episode_form::{
    self, GROUPS, Values, describe, duration, instant, instant_values,
};
use homeward_app::episodes::{EpisodeView, OpenEpisodeInput};
use homeward_app::policy::Action;
use homeward_app::{AppError, FieldError};
use homeward_domain::episode::{
    Corrected, Event, EventRecord, Occurred, Whereabouts, time_missing,
};
use homeward_domain::ids::{EpisodeId, PersonId};
use homeward_domain::time::to_millis;
use homeward_store::EpisodeSummary;
use serde::Deserialize;

fn not_found(ctx: &Ctx) -> Failure {
    Failure::new(ctx.clone(), AppError::NotFound)
}

fn episode_id(ctx: &Ctx, raw: &str) -> Result<EpisodeId, Failure> {
    raw.parse().map_err(|_| not_found(ctx))
}

pub(crate) fn person_id(ctx: &Ctx, raw: &str) -> Result<PersonId, Failure> {
    raw.parse().map_err(|_| not_found(ctx))
}

/// A submitted form as name → value (the last value wins; these forms repeat no names).
pub(crate) fn values_from(body: &Bytes) -> Values {
    form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// The date-and-time boxes for an instant, drawn by `date_time.html`.
pub fn instant_view(
    t: Tr,
    name: &str,
    label: &str,
    values: &Values,
    errors: &FormErrors,
) -> FieldView {
    let value = |part: &str| {
        values
            .get(&format!("{name}-{part}"))
            .cloned()
            .unwrap_or_default()
    };
    let error = errors.for_field(name).map(str::to_string);
    FieldView {
        id: name.into(),
        name: name.into(),
        label: t.get(label),
        hint: t.get("time-hint"),
        kind: "instant",
        value: value("time"),
        day: value("day"),
        month: value("month"),
        year: value("year"),
        options: super::form_view::fold_options(t, name, &value("fold")),
        width: "",
        // The October hour that happens twice: ask which, once it has come up.
        fold: error.as_deref() == Some(&t.get("error-time-fold")) || !value("fold").is_empty(),
        error,
    }
}

/// The significant places on a person's information form, as suggestions for a place typed
/// during an episode.
pub fn known_places(view: &homeward_app::people::PersonView) -> Vec<super::form_view::OptionView> {
    let Some(profile) = &view.profile else {
        return Vec::new();
    };
    profile
        .document
        .items("places", "place")
        .iter()
        .filter_map(|item| item.get("where"))
        .map(|place| place.trim())
        .filter(|place| !place.is_empty())
        .enumerate()
        .map(|(i, place)| super::form_view::OptionView {
            id: format!("place-{i}"),
            value: place.to_string(),
            label: place.to_string(),
            checked: false,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The live board.

pub struct BoardRow {
    pub href: String,
    pub name: String,
    pub photo: Option<String>,
    pub service: String,
    pub phase: String,
    pub missing_since_ms: i64,
    pub missing_for: String,
    pub counting: bool,
    pub grade: String,
    pub grade_class: &'static str,
    pub last_event: String,
    pub last_event_at: String,
    /// The duty due soonest: its title, deadline and whether it is overdue.
    pub next_duty: Option<(String, String, bool)>,
    /// "Paged: nobody has acknowledged yet", when so.
    pub waiting: Option<String>,
    /// When the paging pass keeps failing on it: people must phone by hand.
    pub paging_failed: Option<String>,
    /// Gone again soon after coming back from the last episode.
    pub near_repeat: Option<String>,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    page: Page,
    rows: Vec<BoardRow>,
    count: String,
    /// When only the most urgent are shown: where the rest are, and the words for it.
    more: Option<(String, String)>,
    /// The homes and services to narrow the board to, when there is more than one.
    services: Option<Vec<FilterOption>>,
    formats: [String; 3],
    labels: BoardLabels,
}

/// The words every row of the board repeats, looked up once a page.
struct BoardLabels {
    missing_for: String,
    last_event: String,
    next_duty: String,
    overdue: String,
}

/// "Missing again 5 d 2 hr after coming back from their last episode."
pub fn near_repeat_words(t: Tr, since: jiff::SignedDuration) -> String {
    t.with("near-repeat", "time", &episode_form::duration(t, since))
}

/// The warning that pages may not be going out for an episode, if the paging pass is failing
/// on it.
fn paging_failed(t: Tr, s: &homeward_store::EpisodeSummary) -> Option<String> {
    s.schedule
        .paging_failed_since
        .map(|since| t.with("paging-failed", "when", &t.date_time(since)))
}

fn grade_class(grade: Option<&str>) -> &'static str {
    match grade {
        Some("high") => "hw-tag--red",
        Some("medium") => "hw-tag--orange",
        Some("low" | "very_low" | "no_apparent_risk" | "absent2013") => "hw-tag--blue",
        _ => "hw-tag--grey",
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BoardQuery {
    service: String,
    all: String,
}

/// How many people the board shows before "show all": enough for any one home, and a page
/// a phone can carry when a whole region is on it.
const BOARD_FIRST: usize = 100;

pub async fn board(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<BoardQuery>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let service = q.service.trim().parse().ok();
    let homeward_app::episodes::Board {
        mut lines,
        services,
    } = state
        .app
        .board(actor, &ctx.meta, service)
        .await
        .or_fail(&ctx)?;
    let t = ctx.tr;
    let total = lines.len();
    let show_all = !q.all.is_empty();
    if !show_all {
        lines.truncate(BOARD_FIRST);
    }
    let more_href = (lines.len() < total).then(|| {
        crate::listing::href(
            "/episodes",
            &[
                ("service", service.map(|s| s.to_string())),
                ("all", Some("1".into())),
            ],
        )
    });
    let now = state.app.clock.now();
    let sees_photos = actor.can(Action::ViewPeople);
    // A board of many rows repeats a few words (phases, grades, kinds of entry, duties): each
    // is looked up once a page rather than once a row.
    let mut words: std::collections::HashMap<String, String> = Default::default();
    let mut word = |id: String| words.entry(id).or_insert_with_key(|id| t.get(id)).clone();
    let not_graded = t.get("board-not-graded");
    let durations = episode_form::Durations::new(t);
    let rows = lines
        .iter()
        .map(|l| {
            let s = &l.summary;
            let since = s.last_seen_at.unwrap_or(s.opened_at);
            let counting = s.phase == "missing";
            BoardRow {
                href: format!("/episodes/{}", s.id),
                name: full_name(&l.person),
                photo: l
                    .photo
                    .filter(|_| sees_photos)
                    .map(|p| format!("/people/{}/photos/{p}", l.person.id)),
                service: l.service_name.clone(),
                phase: word(format!("phase-{}", s.phase)),
                missing_since_ms: to_millis(since),
                missing_for: durations.say(now.duration_since(since)),
                counting,
                grade: match &s.police_grade {
                    Some(g) => word(episode_form::choice_id("grade", g)),
                    None => not_graded.clone(),
                },
                grade_class: grade_class(s.police_grade.as_deref()),
                last_event: word(format!("event-{}", s.last_event_kind)),
                last_event_at: t.date_time(s.last_event_at),
                waiting: (l.waiting_pages > 0).then(|| t.count("board-waiting", l.waiting_pages)),
                paging_failed: paging_failed(t, s),
                near_repeat: l.near_repeat.map(|d| near_repeat_words(t, d)),
                next_duty: l.next_duty.as_ref().map(|d| {
                    (
                        word(format!("duty-{}", d.rule)),
                        d.due_at.map(|at| t.date_time(at)).unwrap_or_default(),
                        d.overdue,
                    )
                }),
            }
        })
        .collect::<Vec<_>>();
    let page = BoardPage {
        page: Page::new(&ctx, "board-title", "/episodes"),
        count: t.count("board-count", total),
        more: more_href.map(|href| (href, t.count("board-show-all", total))),
        services: (services.len() > 1).then(|| service_options(t, &services, service)),
        rows,
        formats: [
            durations.days_hours_minutes,
            durations.hours_minutes,
            durations.minutes,
        ],
        labels: BoardLabels {
            missing_for: t.get("board-missing-for"),
            last_event: t.get("board-last-event"),
            next_duty: t.get("board-next-duty"),
            overdue: t.get("duty-status-overdue"),
        },
    };
    Ok(render(&page, StatusCode::OK))
}

// ---------------------------------------------------------------------------------------------
// Every episode, open and closed: filtered, a page at a time.

/// One episode in a list.
pub struct EpisodeLine {
    pub href: String,
    pub name: String,
    pub service: String,
    pub opened: String,
    pub phase: String,
    pub phase_class: &'static str,
    pub grade: String,
}

pub fn phase_class(code: &str) -> &'static str {
    match code {
        "missing" => "hw-tag--red",
        "located" => "hw-tag--orange",
        "returned" | "closed" => "hw-tag--green",
        _ => "hw-tag--grey",
    }
}

pub fn episode_line(t: Tr, e: &EpisodeSummary, name: &str, service: &str) -> EpisodeLine {
    EpisodeLine {
        href: format!("/episodes/{}", e.id),
        name: name.to_string(),
        service: service.to_string(),
        opened: t.date_time(e.last_seen_at.unwrap_or(e.opened_at).min(e.opened_at)),
        phase: t.get(&format!("phase-{}", e.phase)),
        phase_class: phase_class(&e.phase),
        grade: e
            .police_grade
            .as_deref()
            .map(|g| t.get(&episode_form::choice_id("grade", g)))
            .unwrap_or_default(),
    }
}

/// A choice in a filter's select.
pub struct FilterOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// "Any home or service" and then each of `services`, for a filter.
pub fn service_options(
    t: Tr,
    services: &[homeward_store::Service],
    selected: Option<homeward_domain::ids::ServiceId>,
) -> Vec<FilterOption> {
    let mut out = vec![FilterOption {
        value: String::new(),
        label: t.get("episodes-any-service"),
        selected: selected.is_none(),
    }];
    out.extend(services.iter().map(|s| FilterOption {
        value: s.id.to_string(),
        label: s.name.clone(),
        selected: selected == Some(s.id),
    }));
    out
}

#[derive(Template)]
#[template(path = "episodes_all.html")]
struct AllEpisodesPage {
    page: Page,
    errors: FormErrors,
    lines: Vec<EpisodeLine>,
    services: Vec<FilterOption>,
    phases: Vec<FilterOption>,
    person: String,
    person_name: Option<String>,
    from: String,
    to: String,
    next_href: Option<String>,
    first_href: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AllEpisodesQuery {
    service: String,
    person: String,
    status: String,
    from: String,
    to: String,
    after: String,
}

pub async fn all(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AllEpisodesQuery>,
) -> Result<Response, Failure> {
    use crate::api::episodes::{decode_cursor, encode_cursor};
    use crate::listing::{uk_day_end, uk_day_start};
    let actor = ctx.actor().or_fail(&ctx)?;
    let t = ctx.tr;
    let (_, services) = state.app.organisation_overview(actor).await.or_fail(&ctx)?;
    let services: Vec<_> = services
        .into_iter()
        .filter(|s| actor.can_in(Action::ViewEpisodes, s.id))
        .collect();
    let mut problems = Vec::new();
    let mut day = |text: &str, field: &str, parse: fn(&str) -> Option<jiff::Timestamp>| {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let parsed = parse(text);
        if parsed.is_none() {
            problems.push(homeward_app::FieldError {
                field: field.to_string(),
                message: "error-date-iso",
            });
        }
        parsed
    };
    let opened_from = day(&q.from, "from", uk_day_start);
    let opened_before = day(&q.to, "to", uk_day_end);
    let person = q.person.trim().parse::<PersonId>().ok();
    let service = q.service.trim().parse().ok();
    let phase = homeward_domain::episode::Phase::from_code(q.status.trim());
    let limit = homeward_app::episodes::DEFAULT_PAGE;
    let list = if problems.is_empty() {
        let filter = homeward_app::episodes::EpisodeFilter {
            person,
            service,
            phases: phase
                .map(|p| vec![p.code().to_string()])
                .unwrap_or_default(),
            opened_from,
            opened_before,
            after: decode_cursor(q.after.trim()),
            limit,
            ..Default::default()
        };
        state
            .app
            .list_episodes(actor, &ctx.meta, filter)
            .await
            .or_fail(&ctx)?
    } else {
        Vec::new()
    };
    let mut lines = Vec::with_capacity(list.len());
    let mut person_name = None;
    for e in &list {
        let name = match state.app.person_name(actor, e.person_id).await {
            Ok(n) => n,
            Err(_) => continue,
        };
        if person == Some(e.person_id) {
            person_name = Some(name.clone());
        }
        let service = services
            .iter()
            .find(|s| s.id == e.service_id)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        lines.push(episode_line(t, e, &name, &service));
    }
    let query = |after: Option<String>| {
        let mut f = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("service", q.service.as_str()),
            ("person", q.person.as_str()),
            ("status", q.status.as_str()),
            ("from", q.from.as_str()),
            ("to", q.to.as_str()),
        ] {
            if !v.trim().is_empty() {
                f.append_pair(k, v.trim());
            }
        }
        if let Some(a) = after {
            f.append_pair("after", &a);
        }
        format!("/episodes/all?{}", f.finish())
    };
    let next_href = (list.len() as i64 == limit)
        .then(|| list.last())
        .flatten()
        .map(|last| {
            query(Some(encode_cursor(&homeward_store::EpisodeCursor {
                opened_at: last.opened_at,
                id: last.id,
            })))
        });
    let option = |value: String, label: String, selected: bool| FilterOption {
        value,
        label,
        selected,
    };
    let service_options = service_options(t, &services, service);
    let mut phases = vec![option(
        String::new(),
        t.get("episodes-any-status"),
        phase.is_none(),
    )];
    phases.extend(homeward_domain::episode::Phase::ALL.iter().map(|p| {
        option(
            p.code().to_string(),
            t.get(&format!("phase-{}", p.code())),
            phase == Some(*p),
        )
    }));
    let errors = FormErrors::from_fields(t, &problems);
    let page = AllEpisodesPage {
        page: Page::new(&ctx, "episodes-all-title", "/episodes").with_errors(&errors),
        errors,
        lines,
        services: service_options,
        phases,
        person: person.map(|p| p.to_string()).unwrap_or_default(),
        person_name,
        from: q.from.trim().to_string(),
        to: q.to.trim().to_string(),
        next_href,
        first_href: (!q.after.trim().is_empty()).then(|| query(None)),
    };
    let status = if page.errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(&page, status))
}

// ---------------------------------------------------------------------------------------------
// Opening an episode.

#[derive(Template)]
#[template(path = "episode_new.html")]
struct NewEpisodePage {
    page: Page,
    errors: FormErrors,
    name: String,
    action: String,
    open_href: Option<String>,
    /// The time now in UK time (day, month, year, time), for the "Now" button.
    now: [String; 4],
    now_href: String,
    when: FieldView,
    fields: Vec<FieldView>,
}

async fn new_episode_page(
    state: &AppState,
    ctx: &Ctx,
    id: PersonId,
    values: &Values,
    errors: FormErrors,
) -> Result<NewEpisodePage, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let view = state
        .app
        .view_person(actor, &ctx.meta, id)
        .await
        .or_fail(ctx)?;
    let open = state.app.open_episode_of(actor, id).await.or_fail(ctx)?;
    let t = ctx.tr;
    let text = |name: &str, kind: &'static str, required: bool| {
        let mut label = t.get(&episode_form::label_id("opened", name));
        if !required {
            label = t.with("label-optional", "label", &label);
        }
        FieldView {
            id: name.into(),
            name: name.into(),
            label,
            hint: t.get_or(&format!("episode-hint-{name}"), ""),
            kind,
            value: values.get(name).cloned().unwrap_or_default(),
            day: String::new(),
            month: String::new(),
            year: String::new(),
            options: Vec::new(),
            error: errors.for_field(name).map(str::to_string),
            width: "",
            fold: false,
        }
    };
    let mut whereabouts = text("whereabouts", "radios", true);
    whereabouts.options = ["unknown", "known"]
        .iter()
        .map(|w| super::form_view::OptionView {
            id: format!("whereabouts-{w}"),
            value: (*w).into(),
            label: t.get(&episode_form::choice_id("whereabouts", w)),
            checked: values.get("whereabouts").map(String::as_str) == Some(*w),
        })
        .collect();
    Ok(NewEpisodePage {
        page: Page::new(ctx, "episode-new-title", "/episodes").with_errors(&errors),
        name: full_name(&view.person),
        action: format!("/people/{id}/episodes"),
        open_href: open.map(|e| format!("/episodes/{e}")),
        now: {
            let mut v = Values::new();
            instant_values(&mut v, "n", state.app.clock.now());
            let get = |k: &str| v.get(k).cloned().unwrap_or_default();
            [get("n-day"), get("n-month"), get("n-year"), get("n-time")]
        },
        now_href: format!("/people/{id}/episodes/new?now=1"),
        when: instant_view(t, "last_seen", "ev-opened-last_seen", values, &errors),
        fields: vec![
            {
                // The places on their form, offered as they type: picking one lets the
                // patterns see they went where they were known to go.
                let mut place = text("last_seen_place", "text", true);
                place.options = known_places(&view);
                place
            },
            whereabouts,
            text("clothing", "textarea", false),
            text("circumstances", "textarea", false),
        ],
        errors,
    })
}

#[derive(Deserialize, Default)]
pub struct NewEpisodeQuery {
    now: Option<String>,
}

/// The report form starts with the time last seen empty, so nobody sends "now" by accident
/// for someone last seen hours ago; "Now" fills it in one tap (`?now=1` without script).
pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<NewEpisodeQuery>,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let mut values = Values::new();
    if q.now.is_some() {
        instant_values(&mut values, "last_seen", state.app.clock.now());
    }
    let page = new_episode_page(&state, &ctx, id, &values, FormErrors::default()).await?;
    Ok(render(&page, StatusCode::OK))
}

pub async fn open(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Failure> {
    let id = person_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let values = values_from(&body);
    let mut problems = Vec::new();
    let last_seen = match instant(&values, "last_seen") {
        Ok(Some(at)) => Some(at),
        Ok(None) => {
            problems.push(FieldError {
                field: "last_seen".into(),
                message: "error-time-empty",
            });
            None
        }
        Err(message) => {
            problems.push(FieldError {
                field: "last_seen".into(),
                message,
            });
            None
        }
    };
    let field = |name: &str| {
        values
            .get(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    if field("last_seen_place").is_empty() {
        problems.push(FieldError {
            field: "last_seen_place".into(),
            message: "error-required",
        });
    }
    let whereabouts = match field("whereabouts").as_str() {
        "known" => Some(Whereabouts::Known),
        "unknown" => Some(Whereabouts::Unknown),
        _ => {
            problems.push(FieldError {
                field: "whereabouts".into(),
                message: "error-choose",
            });
            None
        }
    };
    let result = if problems.is_empty() {
        let input = OpenEpisodeInput {
            last_seen,
            last_seen_place: field("last_seen_place"),
            whereabouts,
            clothing: field("clothing"),
            circumstances: field("circumstances"),
        };
        state.app.open_episode(actor, &ctx.meta, id, input).await
    } else {
        Err(AppError::Invalid(problems))
    };
    match result {
        Ok(episode) => Ok(Redirect::to(&format!("/episodes/{episode}")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let page = new_episode_page(&state, &ctx, id, &values, errors).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

// ---------------------------------------------------------------------------------------------
// The episode page.

pub struct Fact {
    pub label: String,
    pub value: String,
}

pub struct Step {
    pub number: u16,
    pub what: String,
    pub done: Option<String>,
}

pub struct Entry {
    pub seq: i64,
    pub when: String,
    pub title: String,
    pub fields: Vec<(String, String)>,
    pub recorded: String,
    pub corrected_by: Vec<i64>,
    pub is_amendment: bool,
    pub amend_href: Option<String>,
    /// For a page nobody has acknowledged yet: where the "Acknowledge" button posts.
    pub acknowledge: Option<String>,
}

pub struct DutyRow {
    pub title: String,
    pub who: String,
    pub due: String,
    pub status: String,
    pub status_class: &'static str,
    pub note: Option<String>,
    pub source: String,
    pub actions: Vec<AddLink>,
}

/// The duties as a task list: what, who, by when, where it stands and by whose rule.
fn duty_rows(t: Tr, view: &EpisodeView, can_record: bool) -> Vec<DutyRow> {
    use homeward_domain::duties::Status;
    let id = view.summary.id;
    let ended = view.state.phase.is_ended();
    view.duties
        .iter()
        .map(|d| {
            let (status, status_class, note) = match &d.status {
                Status::Due => ("duty-status-due", "hw-tag--blue", None),
                Status::Overdue => ("duty-status-overdue", "hw-tag--red", None),
                Status::Done { by } => (
                    "duty-status-done",
                    "",
                    Some(
                        t.with(
                            "duty-done-by",
                            "entries",
                            &by.iter()
                                .map(|n| n.to_string())
                                .collect::<Vec<_>>()
                                .join(", "),
                        ),
                    ),
                ),
                Status::NotApplicable { reason, by } => (
                    "duty-status-not-applicable",
                    "hw-tag--grey",
                    Some(
                        t.args(
                            "duty-decided-by",
                            &[
                                ("reason", reason.as_str()),
                                (
                                    "who",
                                    view.events
                                        .iter()
                                        .find(|r| r.seq == *by)
                                        .map(|r| r.recorded_by_label.as_str())
                                        .unwrap_or(""),
                                ),
                            ],
                        ),
                    ),
                ),
                Status::Information => ("duty-status-information", "hw-tag--grey", None),
                Status::NotDoneAtClosing => ("duty-status-not-done", "hw-tag--red", None),
            };
            // Refusals of a return interview are counted where one is asked for again.
            let refusals = view
                .events
                .iter()
                .filter(|r| matches!(r.event, Event::ReturnInterviewDeclined { .. }))
                .count();
            let note = match (d.rule, note) {
                ("return_interview" | "offer_again", None) if refusals > 0 => {
                    Some(t.count("duty-declined-times", refusals))
                }
                (_, note) => note,
            };
            let mut actions = Vec::new();
            if can_record && !ended && d.is_open() {
                let done_by = homeward_domain::duties::rule(d.rule).and_then(|r| {
                    // An acknowledgement answers a page; it is not recorded from here.
                    r.done_by.iter().copied().find(|k| *k != "acknowledged")
                });
                // A referral of a kind is recorded on the referral form.
                let done_by = done_by.map(|k| k.split(':').next().unwrap_or(k));
                actions.push(match done_by {
                    Some(kind) => AddLink {
                        href: format!("/episodes/{id}/add/{kind}"),
                        label: t.get(&format!("event-{kind}")),
                    },
                    None => AddLink {
                        href: format!("/episodes/{id}/add/notified?duty={}", d.rule),
                        label: t.get("duty-record-told"),
                    },
                });
                actions.push(AddLink {
                    href: format!("/episodes/{id}/add/duty_declined?duty={}", d.rule),
                    label: t.get("duty-record-declined"),
                });
            }
            DutyRow {
                title: t.get(&format!("duty-{}", d.rule)),
                who: t.get(&format!("duty-who-{}", serde_code(&d.who))),
                due: match d.due_at {
                    Some(at) => t.with("duty-due-by", "when", &t.date_time(at)),
                    None => t.get("duty-no-clock"),
                },
                status: t.get(status),
                status_class,
                note,
                source: format!("{}: {}", d.source.document, d.source.section),
                actions,
            }
        })
        .collect()
}

/// A value's serde name ("carer", "local_authority").
fn serde_code(value: &impl serde::Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub struct AddLink {
    pub href: String,
    pub label: String,
}

pub struct AddGroup {
    pub title: String,
    pub links: Vec<AddLink>,
}

pub struct KindOption {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "episode.html")]
struct EpisodePage {
    page: Page,
    banner: Option<String>,
    name: String,
    person_href: String,
    phase: String,
    phase_class: &'static str,
    facts: Vec<Fact>,
    police_plan: Vec<Fact>,
    duties: Vec<DutyRow>,
    rule_set: String,
    on_call_href: String,
    steps: Vec<Step>,
    can_record: bool,
    step_action: String,
    add_groups: Vec<AddGroup>,
    kinds: Vec<KindOption>,
    filtered: bool,
    entries: Vec<Entry>,
    base_href: String,
    /// At the top, for whoever arrives from a page: what is overdue (and how late), what to
    /// do next, and the page waiting for an answer.
    overdue: Vec<String>,
    next_step: Option<String>,
    waiting: Option<Waiting>,
    paging_failed: Option<String>,
    near_repeat: Option<String>,
}

/// The page waiting for an answer, as the top of the episode shows it.
pub struct Waiting {
    pub text: String,
    /// Where "Acknowledge" posts, and the page it answers; `None` for someone who may not.
    pub action: Option<(String, i64)>,
}

#[derive(Deserialize, Default)]
pub struct EpisodeQuery {
    kind: Option<String>,
    added: Option<String>,
}

fn facts(t: Tr, view: &EpisodeView, now: jiff::Timestamp) -> Vec<Fact> {
    let s = &view.state;
    let mut out = Vec::new();
    let mut fact = |label: &str, value: String| {
        if !value.is_empty() {
            out.push(Fact {
                label: t.get(label),
                value,
            });
        }
    };
    let seen = match view.events.first().map(|r| &r.event) {
        Some(Event::Opened(o)) => {
            let when = o.last_seen.map(|w| t.date_time(w.at)).unwrap_or_default();
            [when, o.last_seen_place.clone()]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join(" · ")
        }
        _ => String::new(),
    };
    fact("ev-opened-last_seen", seen);
    fact("pack-time-missing", duration(t, time_missing(s, now)));
    fact(
        "ev-opened-whereabouts",
        t.get(&episode_form::choice_id(
            "whereabouts",
            s.whereabouts.code(),
        )),
    );
    fact("episode-opened", t.date_time(s.opened.at));
    if let Some((when, r)) = &s.reported {
        let number = match r.number {
            homeward_domain::episode::PoliceNumber::Emergency => "999",
            homeward_domain::episode::PoliceNumber::NonEmergency => "101",
        };
        let parts = [
            t.date_time(when.at),
            r.force.clone(),
            number.to_string(),
            r.reference.clone(),
            r.spoke_to.clone(),
        ];
        fact(
            "event-reported_to_police",
            parts
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
        );
    } else {
        fact("event-reported_to_police", t.get("episode-not-reported"));
    }
    match &s.police_grade {
        Some(g) => {
            let mut text = t.get(&episode_form::choice_id("grade", g.grade.code()));
            if let Some(review) = g.review_at {
                text = format!(
                    "{text} · {}",
                    t.with("episode-review-at", "when", &t.date_time(review))
                );
            }
            fact("ev-police_graded-grade", text);
        }
        None => fact("ev-police_graded-grade", t.get("board-not-graded")),
    }
    if let Some((level, when)) = &s.provider_risk {
        let code = match level {
            homeward_domain::episode::ProviderRisk::Low => "low",
            homeward_domain::episode::ProviderRisk::Medium => "medium",
            homeward_domain::episode::ProviderRisk::High => "high",
        };
        fact(
            "ev-provider_risk_assessed-level",
            format!(
                "{} · {}",
                t.get(&episode_form::choice_id("level", code)),
                t.date_time(when.at)
            ),
        );
    }
    fact(
        "event-located",
        s.located.map(|w| t.date_time(w.at)).unwrap_or_default(),
    );
    fact(
        "event-returned",
        s.returned.map(|w| t.date_time(w.at)).unwrap_or_default(),
    );
    if s.returned.is_some() {
        fact(
            "episode-return-interview",
            t.get(&format!("return-interview-{}", s.return_interview.code())),
        );
        fact(
            "event-safe_and_well_check",
            s.safe_and_well
                .map(|w| t.date_time(w.at))
                .unwrap_or_else(|| t.get("episode-not-yet")),
        );
        fact(
            "event-debrief",
            s.debriefed
                .map(|w| t.date_time(w.at))
                .unwrap_or_else(|| t.get("episode-not-yet")),
        );
        fact(
            "event-plan_reviewed",
            s.plan_reviewed
                .map(|w| t.date_time(w.at))
                .unwrap_or_else(|| t.get("episode-not-yet")),
        );
    }
    out
}

/// What the pinned plan says about calling police: when, and on which number.
fn police_plan(t: Tr, view: &EpisodeView) -> Vec<Fact> {
    let Some(plan) = &view.plan else {
        return Vec::new();
    };
    let kind = homeward_domain::forms::DocKind::MissingPlan;
    let Some(def) = kind.form().section("police") else {
        return Vec::new();
    };
    super::person::section_rows(t, kind, def, plan)
        .into_iter()
        .map(|r| Fact {
            label: r.key,
            value: r.value,
        })
        .collect()
}

fn entries(
    t: Tr,
    view: &EpisodeView,
    kind: Option<&str>,
    can_record: bool,
    may_answer: bool,
) -> Vec<Entry> {
    let id = view.summary.id;
    let waiting = homeward_domain::escalation::unanswered(&view.events);
    view.events
        .iter()
        .filter(|r| kind.is_none_or(|k| r.event.kind() == k))
        .map(|r| {
            let (title, fields) = describe(t, &r.event);
            let corrected_by = view
                .events
                .iter()
                .filter_map(|a| match &a.event {
                    Event::Amendment { amends, .. } if *amends == r.seq => Some(a.seq),
                    _ => None,
                })
                .collect();
            let is_amendment = matches!(r.event, Event::Amendment { .. });
            let acknowledge = (may_answer && waiting.contains(&r.seq))
                .then(|| format!("/episodes/{id}/add/acknowledged"));
            // What the system wrote (pages) is not for staff to correct.
            let by_staff = r.recorded_by.is_some();
            Entry {
                seq: r.seq,
                when: t.date_time(r.when.at),
                title,
                fields,
                recorded: t.args(
                    "episode-recorded-by",
                    &[
                        ("who", r.recorded_by_label.as_str()),
                        ("when", &t.date_time(r.recorded_at)),
                    ],
                ),
                corrected_by,
                is_amendment,
                amend_href: (can_record && !is_amendment && by_staff)
                    .then(|| format!("/episodes/{id}/add/amendment?amends={}", r.seq)),
                acknowledge,
            }
        })
        .collect()
}

/// The latest page nobody has answered: who it went to and why.
fn waiting_page(t: Tr, view: &EpisodeView, may_answer: bool) -> Option<Waiting> {
    let waiting = homeward_domain::escalation::unanswered(&view.events);
    let latest = view
        .events
        .iter()
        .rev()
        .find(|r| waiting.contains(&r.seq))?;
    let Event::Paged {
        reason, to_label, ..
    } = &latest.event
    else {
        return None;
    };
    Some(Waiting {
        text: t.args(
            "episode-waiting-page",
            &[
                ("who", to_label.as_str()),
                ("reason", &t.get(&format!("page-reason-{}", reason.code()))),
                ("when", &t.date_time(latest.recorded_at)),
            ],
        ),
        action: may_answer.then(|| {
            (
                format!("/episodes/{}/add/acknowledged", view.summary.id),
                latest.seq,
            )
        }),
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<EpisodeQuery>,
) -> Result<Response, Failure> {
    let id = episode_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let view = state
        .app
        .view_episode(actor, &ctx.meta, id)
        .await
        .or_fail(&ctx)?;
    let t = ctx.tr;
    let now = state.app.clock.now();
    let service = view.summary.service_id;
    let ended = view.state.phase.is_ended();
    let can_record = actor.can_in(Action::RecordEpisodes, service);
    let can_close = actor.can_in(Action::CloseEpisodes, service);
    let may_answer = can_record
        && (actor.can_in(Action::AnswerAnyPage, service)
            || homeward_domain::escalation::paged_users(&view.events).contains(&actor.user.id));
    let kind = q.kind.as_deref().filter(|k| Event::KINDS.contains(k));
    let done: std::collections::BTreeMap<u16, String> = view
        .events
        .iter()
        .filter_map(|r| match &r.event {
            Event::StepDone { step, found, .. } => Some((
                *step,
                [t.date_time(r.when.at), found.clone()]
                    .into_iter()
                    .filter(|x| !x.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
            )),
            _ => None,
        })
        .collect();
    let steps = view
        .plan_steps()
        .into_iter()
        .map(|(number, what)| Step {
            number,
            what,
            done: done.get(&number).cloned(),
        })
        .collect();
    let add_groups = if can_record && !ended {
        GROUPS
            .iter()
            .filter(|(group, _)| *group != "episode-group-end" || can_close)
            .map(|(group, kinds)| AddGroup {
                title: t.get(group),
                links: kinds
                    .iter()
                    .map(|k| AddLink {
                        href: format!("/episodes/{id}/add/{k}"),
                        label: t.get(&format!("event-{k}")),
                    })
                    .collect(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let phase = view.state.phase;
    let page = EpisodePage {
        page: Page::new(&ctx, "episode-title", "/episodes"),
        banner: q.added.map(|_| t.get("episode-added")),
        name: full_name(&view.person),
        person_href: format!("/people/{}", view.person.id),
        phase: t.get(&format!("phase-{}", phase.code())),
        phase_class: match phase.code() {
            "missing" => "hw-tag--red",
            "located" => "hw-tag--orange",
            "returned" | "closed" => "hw-tag--green",
            _ => "hw-tag--grey",
        },
        facts: facts(t, &view, now),
        police_plan: police_plan(t, &view),
        duties: duty_rows(t, &view, can_record),
        rule_set: match view.events.first().map(|r| &r.event) {
            Some(Event::Opened(o)) => o.rule_set.clone().unwrap_or_default(),
            _ => String::new(),
        },
        on_call_href: format!("/services/{service}/on-call"),
        steps,
        can_record: can_record && !ended,
        step_action: format!("/episodes/{id}/add/step_done"),
        add_groups,
        kinds: Event::KINDS
            .iter()
            .map(|k| KindOption {
                value: k,
                label: t.get(&format!("event-{k}")),
                selected: kind == Some(*k),
            })
            .collect(),
        filtered: kind.is_some(),
        entries: entries(t, &view, kind, can_record, may_answer),
        base_href: format!("/episodes/{id}"),
        overdue: view
            .duties
            .iter()
            .filter(|d| d.status == homeward_domain::duties::Status::Overdue)
            .map(|d| {
                let name = t.get(&format!("duty-{}", d.rule));
                match d.due_at {
                    Some(due) => t.args(
                        "page-overdue-late",
                        &[
                            ("duty", name.as_str()),
                            ("late", &episode_form::duration(t, now.duration_since(due))),
                        ],
                    ),
                    None => name,
                }
            })
            .collect(),
        next_step: homeward_domain::duties::next_due(&view.duties)
            .filter(|d| d.status == homeward_domain::duties::Status::Due)
            .map(|d| {
                let name = t.get(&format!("duty-{}", d.rule));
                match d.due_at {
                    Some(due) => t.args(
                        "episode-next-by",
                        &[("duty", name.as_str()), ("when", &t.date_time(due))],
                    ),
                    None => name,
                }
            }),
        waiting: waiting_page(t, &view, may_answer),
        paging_failed: paging_failed(t, &view.summary),
        near_repeat: state
            .app
            .near_repeat_of(actor, view.summary.id)
            .await
            .or_fail(&ctx)?
            .map(|d| near_repeat_words(t, d)),
    };
    Ok(render(&page, StatusCode::OK))
}

// ---------------------------------------------------------------------------------------------
// Adding to the chronology.

#[derive(Template)]
#[template(path = "episode_add.html")]
struct AddPage {
    page: Page,
    errors: FormErrors,
    name: String,
    heading: String,
    action: String,
    back_href: String,
    amends: Option<(i64, String)>,
    /// The duty this entry is for, and the values the page carries.
    duty: Option<String>,
    hidden: Vec<(String, String)>,
    reason: FieldView,
    when: FieldView,
    fields: Vec<FieldView>,
    /// Closing: a reason for each duty still open.
    left_open: Vec<FieldView>,
}

#[derive(Deserialize, Default)]
pub struct AddQuery {
    amends: Option<i64>,
    /// The duty a "told" or "does not apply" entry is for.
    duty: Option<String>,
}

/// The form for a kind: for a correction, the corrected entry's kind, started from it.
async fn add_page(
    state: &AppState,
    ctx: &Ctx,
    id: EpisodeId,
    kind: &str,
    q: &AddQuery,
    values: Option<Values>,
    errors: FormErrors,
) -> Result<AddPage, Failure> {
    let amends = q.amends;
    let actor = ctx.actor().or_fail(ctx)?;
    let view = state
        .app
        .view_episode(actor, &ctx.meta, id)
        .await
        .or_fail(ctx)?;
    let t = ctx.tr;
    let original = match amends {
        Some(n) => Some(
            view.events
                .iter()
                .find(|r| r.seq == n && !matches!(r.event, Event::Amendment { .. }))
                .ok_or_else(|| not_found(ctx))?,
        ),
        None => None,
    };
    let form_kind = original.map_or(kind, |r| r.event.kind());
    if episode_form::specs(form_kind).is_none() && form_kind != "opened" {
        return Err(not_found(ctx));
    }
    let values = values.unwrap_or_else(|| {
        let mut v = match original {
            Some(r) => episode_form::values_of(&r.event),
            None => Values::new(),
        };
        instant_values(
            &mut v,
            "when",
            original.map_or(state.app.clock.now(), |r| r.when.at),
        );
        if let Some(duty) = &q.duty {
            v.insert("duty".into(), duty.clone());
        }
        v
    });
    let carried: Vec<(String, String)> = episode_form::specs(form_kind)
        .unwrap_or(&[])
        .iter()
        .filter(|s| s.input == episode_form::Input::Key)
        .filter_map(|s| Some((s.name.to_string(), values.get(s.name)?.clone())))
        .collect();
    let duty = carried
        .iter()
        .find(|(name, _)| name == "duty")
        .map(|(_, d)| t.get(&format!("duty-{d}")));
    let mut reason = instant_view(t, "reason", "ev-amendment-reason", &values, &errors);
    reason.kind = "textarea";
    reason.hint = t.get("episode-amend-hint");
    reason.value = values.get("reason").cloned().unwrap_or_default();
    let heading = match original {
        Some(r) => t.with("event-amendment-of", "number", &r.seq.to_string()),
        None => t.get(&format!("event-{kind}")),
    };
    Ok(AddPage {
        page: Page::new(ctx, "episode-add-title", "/episodes").with_errors(&errors),
        name: full_name(&view.person),
        heading,
        action: match amends {
            Some(n) => format!("/episodes/{id}/add/amendment?amends={n}"),
            None => format!("/episodes/{id}/add/{kind}"),
        },
        back_href: format!("/episodes/{id}"),
        amends: original.map(|r| (r.seq, describe(t, &r.event).0)),
        duty,
        hidden: carried,
        reason,
        when: instant_view(t, "when", "episode-when", &values, &errors),
        fields: if form_kind == "opened" {
            Vec::new()
        } else {
            views(t, form_kind, &values, &errors)
        },
        // Closing accounts for every duty: a reason for each one still open.
        left_open: if form_kind == "closed" && amends.is_none() {
            view.duties
                .iter()
                .filter(|d| d.is_open())
                .map(|d| {
                    let mut f = instant_view(
                        t,
                        &format!("left-{}", d.rule),
                        "episode-left-open",
                        &values,
                        &errors,
                    );
                    f.kind = "textarea";
                    f.label = t.get(&format!("duty-{}", d.rule));
                    f.hint = t.get(&format!(
                        "duty-status-{}",
                        if d.status == homeward_domain::duties::Status::Overdue {
                            "overdue"
                        } else {
                            "due"
                        }
                    ));
                    f.value = values
                        .get(&format!("left-{}", d.rule))
                        .cloned()
                        .unwrap_or_default();
                    f
                })
                .collect()
        } else {
            Vec::new()
        },
        errors,
    })
}

pub async fn add_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, kind)): Path<(String, String)>,
    Query(q): Query<AddQuery>,
) -> Result<Response, Failure> {
    let id = episode_id(&ctx, &id)?;
    if (kind == "amendment") != q.amends.is_some() {
        return Err(not_found(&ctx));
    }
    let page = add_page(&state, &ctx, id, &kind, &q, None, FormErrors::default()).await?;
    Ok(render(&page, StatusCode::OK))
}

pub async fn add(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, kind)): Path<(String, String)>,
    Query(q): Query<AddQuery>,
    body: Bytes,
) -> Result<Response, Failure> {
    let id = episode_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let values = values_from(&body);
    let result = match q.amends {
        Some(n) if kind == "amendment" => amendment(&state, &ctx, id, n, &values).await?,
        None if kind != "amendment" => {
            let when = instant(&values, "when");
            match (when, episode_form::parse(&kind, &values)) {
                (Ok(when), Ok(event)) => {
                    state
                        .app
                        .record_event(actor, &ctx.meta, id, when, event)
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
            }
        }
        _ => return Err(not_found(&ctx)),
    };
    match result {
        Ok(record) => {
            let seq = record.seq;
            Ok(Redirect::to(&format!("/episodes/{id}?added={seq}#entry-{seq}")).into_response())
        }
        Err(AppError::Invalid(fields)) => {
            // The domain's refusals name "event": show them at the top of the form.
            let errors = FormErrors::from_fields(ctx.tr, &fields);
            let page = add_page(&state, &ctx, id, &kind, &q, Some(values), errors).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(Failure::new(ctx, e)),
    }
}

/// The form for an entry someone from a partner adds to a chronology shared with them: the
/// same fields as staff see, sent to the grant's own address.
pub(crate) fn partner_entry_page(
    ctx: &Ctx,
    name: String,
    grant: uuid::Uuid,
    kind: &str,
    values: &Values,
    errors: FormErrors,
) -> Response {
    let t = ctx.tr;
    let page = AddPage {
        page: Page::new(ctx, "episode-add-title", "/shared").with_errors(&errors),
        name,
        heading: t.get(&format!("event-{kind}")),
        action: format!("/shared/{grant}/add/{kind}"),
        back_href: format!("/shared/{grant}"),
        amends: None,
        duty: None,
        hidden: Vec::new(),
        reason: instant_view(t, "reason", "ev-amendment-reason", values, &errors),
        when: instant_view(t, "when", "episode-when", values, &errors),
        fields: views(t, kind, values, &errors),
        left_open: Vec::new(),
        errors: errors.clone(),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(&page, status)
}

/// A correction: the reason, and the entry as it should have read.
async fn amendment(
    state: &AppState,
    ctx: &Ctx,
    id: EpisodeId,
    amends: i64,
    values: &Values,
) -> Result<Result<EventRecord, AppError>, Failure> {
    let actor = ctx.actor().or_fail(ctx)?;
    let view = state
        .app
        .view_episode(actor, &ctx.meta, id)
        .await
        .or_fail(ctx)?;
    let original = view
        .events
        .iter()
        .find(|r| r.seq == amends && !matches!(r.event, Event::Amendment { .. }))
        .ok_or_else(|| not_found(ctx))?;
    let mut problems = Vec::new();
    let reason = values
        .get("reason")
        .map(|r| r.trim().to_string())
        .unwrap_or_default();
    if reason.is_empty() {
        problems.push(FieldError {
            field: "reason".into(),
            message: "error-reason-needed",
        });
    }
    let when = match instant(values, "when") {
        Ok(when) => when.unwrap_or(original.when.at),
        Err(message) => {
            problems.push(FieldError {
                field: "when".into(),
                message,
            });
            original.when.at
        }
    };
    // The opening entry has its own page; its correction changes the time only.
    let corrected = match &original.event {
        Event::Opened(_) => Ok(original.event.clone()),
        other => episode_form::parse(other.kind(), values),
    };
    let corrected = match corrected {
        Ok(event) => event,
        Err(fields) => {
            problems.extend(fields);
            return Ok(Err(AppError::Invalid(problems)));
        }
    };
    if !problems.is_empty() {
        return Ok(Err(AppError::Invalid(problems)));
    }
    let event = Event::Amendment {
        amends,
        reason,
        corrected: Some(Box::new(Corrected {
            when: Occurred::in_london(when),
            event: corrected,
        })),
    };
    Ok(state
        .app
        .record_event(actor, &ctx.meta, id, None, event)
        .await)
}

// ---------------------------------------------------------------------------------------------
// PDFs.

#[derive(Deserialize, Default)]
pub struct LangQuery {
    lang: Option<String>,
}

pub async fn chronology_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Response, Failure> {
    let id = episode_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let pdf = state
        .app
        .chronology_pdf(actor, &ctx.meta, id, ctx.locale_or(q.lang.as_deref()))
        .await
        .or_fail(&ctx)?;
    Ok(crate::headers::pdf(
        pdf,
        "inline; filename=\"chronology.pdf\"",
    ))
}

pub async fn police_pack(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Result<Response, Failure> {
    let id = episode_id(&ctx, &id)?;
    let actor = ctx.actor().or_fail(&ctx)?;
    let pdf = state
        .app
        .episode_police_pack(actor, &ctx.meta, id, ctx.locale_or(q.lang.as_deref()))
        .await
        .or_fail(&ctx)?;
    Ok(crate::headers::pdf(
        pdf,
        "inline; filename=\"police-pack.pdf\"",
    ))
}
