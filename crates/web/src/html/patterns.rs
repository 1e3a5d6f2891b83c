//! Patterns and trends: what a window's episodes add up to for a home or the organisation,
//! beside the window before, each figure a link to the episodes that make it up.

use super::episodes::{FilterOption, episode_line};
use super::{Failure, FormErrors, OrFail, Page, render};
use crate::AppState;
use crate::context::Ctx;
use crate::i18n::Tr;
use crate::listing::href;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use homeward_app::FieldError;
use homeward_app::episode_form::choice_id;
use homeward_app::patterns::PatternsAsk;
use homeward_app::policy::Action;
use homeward_domain::ids::ServiceId;
use homeward_store::{Cut, Patterns};
use jiff::civil::Date;
use serde::Deserialize;

/// A cut as a link carries it: `repeat`, `slot:6-1`, `person:<id>`, `seen:<place>`.
pub fn cut_code(cut: &Cut) -> String {
    match cut {
        Cut::FirstTime => "first".into(),
        Cut::Repeat => "repeat".into(),
        Cut::StillAway => "still_away".into(),
        Cut::Over24Hours => "over_24h".into(),
        Cut::ReportedToPolice => "reported".into(),
        Cut::NotReportedToPolice => "not_reported".into(),
        Cut::Person(p) => format!("person:{p}"),
        Cut::Slot(d, h) => format!("slot:{d}-{h}"),
        Cut::LastSeenAt(place) => format!("seen:{place}"),
        Cut::FoundIn(town) => format!("found:{town}"),
        Cut::FoundInArea(area) => format!("area:{area}"),
        Cut::LastSeenAtKind(kind) => format!("seen_kind:{kind}"),
        Cut::FoundAtKind(kind) => format!("found_kind:{kind}"),
        Cut::DeclinedBecause(reason) => format!("declined:{reason}"),
        Cut::Grade(g) => format!("grade:{g}"),
        Cut::Returned => "returned".into(),
        Cut::InterviewOffered => "offered".into(),
        Cut::InterviewOfferedInTime => "offered_in_time".into(),
        Cut::InterviewDeclined => "declined".into(),
        Cut::InterviewReOffered => "re_offered".into(),
        Cut::InterviewHeld => "held".into(),
        Cut::InterviewNotOffered => "not_offered".into(),
        Cut::OverThreshold => "over_threshold".into(),
        Cut::InterviewExpected => "expected".into(),
        Cut::InterviewExpectedOffered => "expected_offered".into(),
        Cut::Risk(code) => format!("risk:{code}"),
    }
}

pub fn parse_cut(text: &str) -> Option<Cut> {
    let text = text.trim();
    Some(match text {
        "first" => Cut::FirstTime,
        "repeat" => Cut::Repeat,
        "still_away" => Cut::StillAway,
        "over_24h" => Cut::Over24Hours,
        "reported" => Cut::ReportedToPolice,
        "not_reported" => Cut::NotReportedToPolice,
        "returned" => Cut::Returned,
        "offered" => Cut::InterviewOffered,
        "offered_in_time" => Cut::InterviewOfferedInTime,
        "declined" => Cut::InterviewDeclined,
        "re_offered" => Cut::InterviewReOffered,
        "held" => Cut::InterviewHeld,
        "not_offered" => Cut::InterviewNotOffered,
        "over_threshold" => Cut::OverThreshold,
        "expected" => Cut::InterviewExpected,
        "expected_offered" => Cut::InterviewExpectedOffered,
        _ => {
            let (kind, value) = text.split_once(':')?;
            match kind {
                "person" => Cut::Person(value.parse().ok()?),
                "slot" => {
                    let (d, h) = value.split_once('-')?;
                    let (d, h): (u8, u8) = (d.parse().ok()?, h.parse().ok()?);
                    if d > 6 || h > 23 {
                        return None;
                    }
                    Cut::Slot(d, h)
                }
                "seen" => Cut::LastSeenAt(value.to_string()),
                "found" => Cut::FoundIn(value.to_string()),
                "area" => Cut::FoundInArea(value.to_string()),
                "seen_kind" => Cut::LastSeenAtKind(value.to_string()),
                "found_kind" => Cut::FoundAtKind(value.to_string()),
                "declined" => Cut::DeclinedBecause(value.to_string()),
                "grade" => Cut::Grade(value.to_string()),
                "risk" => Cut::Risk(value.to_string()),
                _ => return None,
            }
        }
    })
}

/// The words for a cut, as the list of its episodes is headed.
fn cut_words(t: Tr, cut: &Cut, person: Option<&str>) -> String {
    match cut {
        Cut::Person(_) => person.unwrap_or_default().to_string(),
        Cut::Slot(d, h) => t.args(
            "patterns-slot",
            &[
                ("day", &t.get(&format!("weekday-{d}"))),
                ("hour", &format!("{h:02}:00")),
            ],
        ),
        Cut::LastSeenAt(place) => t.with("patterns-cut-seen", "place", place),
        Cut::FoundIn(town) => t.with("patterns-cut-found", "town", town),
        Cut::FoundInArea(area) => t.with("patterns-cut-area", "area", area),
        Cut::DeclinedBecause(reason) => t.with("patterns-cut-declined-because", "reason", reason),
        Cut::LastSeenAtKind(kind) => t.with(
            "patterns-cut-seen-kind",
            "kind",
            &homeward_app::patterns::place_kind_words(t, kind),
        ),
        Cut::FoundAtKind(kind) => t.with(
            "patterns-cut-found-kind",
            "kind",
            &homeward_app::patterns::place_kind_words(t, kind),
        ),
        Cut::Grade(g) => t.get(&choice_id("grade", g)),
        Cut::Risk(code) => t.get(&format!("option-{code}")),
        other => t.get(&format!(
            "patterns-cut-{}",
            cut_code(other).replace('_', "-")
        )),
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct PatternsQuery {
    pub service: String,
    /// One person's own patterns.
    pub person: String,
    pub from: String,
    pub to: String,
    pub cut: String,
    pub after: String,
    /// Minutes apart, at most, for going missing together.
    pub within: String,
}

/// The window asked for, defaulting to the last 90 days; problems name their field.
pub fn ask_of(q: &PatternsQuery, today: Date, problems: &mut Vec<FieldError>) -> PatternsAsk {
    let mut day = |text: &str, field: &str, default: Date| -> Date {
        let text = text.trim();
        if text.is_empty() {
            return default;
        }
        match text.parse::<Date>() {
            Ok(d) => d,
            Err(_) => {
                problems.push(FieldError {
                    field: field.to_string(),
                    message: "error-date-iso",
                });
                default
            }
        }
    };
    let to = day(&q.to, "to", today);
    let from = day(
        &q.from,
        "from",
        to.checked_sub(jiff::Span::new().days(89)).unwrap_or(to),
    );
    let together_minutes = match q.within.trim() {
        "" => homeward_app::patterns::TOGETHER_MINUTES,
        text => match text.parse::<i64>() {
            Ok(n) if (1..=24 * 60).contains(&n) => n,
            _ => {
                problems.push(FieldError {
                    field: "within".into(),
                    message: "error-patterns-within",
                });
                homeward_app::patterns::TOGETHER_MINUTES
            }
        },
    };
    PatternsAsk {
        service: q.service.trim().parse::<ServiceId>().ok(),
        person: q.person.trim().parse().ok(),
        from,
        to,
        cut: parse_cut(&q.cut),
        together_minutes,
    }
}

/// `path` for the same home and period.
fn window_href(path: &str, ask: &PatternsAsk) -> String {
    href(
        path,
        &[
            ("service", ask.service.map(|s| s.to_string())),
            ("person", ask.person.map(|p| p.to_string())),
            ("from", Some(ask.from.to_string())),
            ("to", Some(ask.to.to_string())),
        ],
    )
}

/// A link to the episodes behind a figure.
fn list_href(ask: &PatternsAsk, cut: Option<&Cut>) -> String {
    href(
        "/patterns/episodes",
        &[
            ("service", ask.service.map(|s| s.to_string())),
            ("person", ask.person.map(|p| p.to_string())),
            ("from", Some(ask.from.to_string())),
            ("to", Some(ask.to.to_string())),
            ("cut", cut.map(cut_code)),
        ],
    )
}

/// One figure: what it is, how many, where its episodes are, and the window before.
pub struct Figure {
    pub label: String,
    pub value: String,
    pub href: Option<String>,
    pub before: String,
}

/// One row of a table of counts: a label (perhaps a link) and how many, as a link.
pub struct CountRow {
    pub label: String,
    pub label_href: Option<String>,
    pub count: i64,
    pub href: String,
}

/// A group that went missing together: when the first went, who (each name with its
/// episode's address), the home.
pub struct TogetherRow {
    pub when: String,
    pub who: Vec<(String, String)>,
    pub home: String,
}

/// An associate several people's forms name: who, and each person with their episodes in
/// the window and a link to their own patterns.
pub struct SharedRow {
    pub associate: String,
    pub concern: bool,
    pub who: Vec<(String, String)>,
}

pub struct DutyRow {
    pub duty: String,
    pub total: i64,
    pub on_time: i64,
    pub late: i64,
    pub late_by: String,
    pub overdue: i64,
}

/// The day-and-hour grid: cells to draw and the same figures as a table.
pub struct Grid {
    pub cells: Vec<GridCell>,
    pub days: Vec<(String, u32)>,
    pub hours: Vec<(String, u32)>,
    pub rows: Vec<(String, Vec<(i64, String)>)>,
    pub busiest: String,
}

pub struct GridCell {
    pub x: u32,
    pub y: u32,
    pub opacity: String,
    pub count: i64,
    pub label: String,
    pub href: String,
}

const CELL: u32 = 22;
const LEFT: u32 = 44;
const TOP: u32 = 18;

fn grid(t: Tr, ask: &PatternsAsk, p: &Patterns) -> Grid {
    let count = |d: u8, h: u8| {
        p.slots
            .iter()
            .find(|(sd, sh, _)| *sd == d && *sh == h)
            .map_or(0, |s| s.2)
    };
    let most = p.slots.iter().map(|s| s.2).max().unwrap_or(0).max(1);
    let mut cells = Vec::new();
    let mut rows = Vec::new();
    for d in 0..7u8 {
        let day = t.get(&format!("weekday-{d}"));
        let mut row = Vec::new();
        for h in 0..24u8 {
            let n = count(d, h);
            let cut = Cut::Slot(d, h);
            let link = list_href(ask, Some(&cut));
            cells.push(GridCell {
                x: LEFT + u32::from(h) * CELL,
                y: TOP + u32::from(d) * CELL,
                opacity: if n == 0 {
                    "0".into()
                } else {
                    format!("{:.2}", 0.15 + 0.85 * n as f64 / most as f64)
                },
                count: n,
                label: t.args(
                    "patterns-slot-count",
                    &[
                        ("slot", &cut_words(t, &cut, None)),
                        ("count", &n.to_string()),
                    ],
                ),
                href: link.clone(),
            });
            row.push((n, link));
        }
        rows.push((day, row));
    }
    let busiest = p
        .slots
        .iter()
        .max_by_key(|s| (s.2, std::cmp::Reverse((s.0, s.1))))
        .map(|(d, h, n)| {
            t.args(
                "patterns-busiest",
                &[
                    ("slot", &cut_words(t, &Cut::Slot(*d, *h), None)),
                    ("count", &n.to_string()),
                ],
            )
        })
        .unwrap_or_default();
    Grid {
        cells,
        days: (0..7u32)
            .map(|d| (t.get(&format!("weekday-short-{d}")), TOP + d * CELL + 15))
            .collect(),
        hours: (0..24u32)
            .step_by(3)
            .map(|h| (format!("{h:02}"), LEFT + h * CELL + 2))
            .collect(),
        rows,
        busiest,
    }
}

#[derive(Template)]
#[template(path = "patterns.html")]
struct PatternsPage {
    page: Page,
    errors: FormErrors,
    services: Vec<FilterOption>,
    from: String,
    to: String,
    window: String,
    before_window: String,
    empty: bool,
    within: String,
    /// Whose own patterns these are: their name, their page and the hidden value.
    person: Option<(String, String, String)>,
    together: Vec<TogetherRow>,
    shared: Vec<SharedRow>,
    /// The same figures to download.
    pdf_href: String,
    csv_href: String,
    inspection_href: String,
    figures: Vec<(String, Vec<Figure>)>,
    grid: Grid,
    grid_width: u32,
    grid_height: u32,
    /// Tables of counts: a heading, the first column's heading, the rows.
    tables: Vec<(String, String, Vec<CountRow>)>,
    duties: Vec<DutyRow>,
    /// One person's episodes over time (their own patterns only).
    timeline: Option<Timeline>,
    /// What stands out, in sentences.
    findings: Vec<String>,
}

/// One person's episodes drawn along a line from their first to now, each as long as they
/// were away, with the same in a table.
struct Timeline {
    width: u32,
    height: u32,
    marks: Vec<TimelineMark>,
    ticks: Vec<(String, u32)>,
    rows: Vec<TimelineRow>,
}

struct TimelineMark {
    x: u32,
    width: u32,
    /// `hw-timeline__away`, `…__again` (a near repeat) or `…__missing` (still missing).
    class: &'static str,
    href: String,
    label: String,
}

struct TimelineRow {
    when: String,
    away: String,
    seen: String,
    found: String,
    note: String,
    href: String,
}

const TIMELINE_WIDTH: u32 = 600;
const TIMELINE_PAD: u32 = 8;

fn timeline(t: Tr, facts: &[homeward_store::FactRow], now: jiff::Timestamp) -> Option<Timeline> {
    use homeward_app::episode_form::duration;
    let first = facts.iter().map(|r| r.facts.started_at).min()?;
    // At least a month across, so one episode is not drawn as the whole line.
    let span = now.duration_since(first).as_secs().max(30 * 24 * 3600) as f64;
    let inner = f64::from(TIMELINE_WIDTH - 2 * TIMELINE_PAD);
    let x_of = |at: jiff::Timestamp| {
        TIMELINE_PAD
            + (at.duration_since(first).as_secs().max(0) as f64 / span * inner).round() as u32
    };
    let mut marks = Vec::new();
    let mut rows = Vec::new();
    for r in facts {
        let f = &r.facts;
        let back = f.found_at.unwrap_or(now);
        let away = back.duration_since(f.started_at);
        let x = x_of(f.started_at);
        let width = (x_of(back).saturating_sub(x)).max(3);
        let when = t.date_time(f.started_at);
        let away_words = duration(t, away);
        let note = if f.found_at.is_none() {
            t.get("patterns-timeline-still-missing")
        } else if let Some(gap) = f.near_repeat() {
            t.with("patterns-timeline-again", "after", &duration(t, gap))
        } else {
            String::new()
        };
        let class = if f.found_at.is_none() {
            "hw-timeline__missing"
        } else if f.near_repeat().is_some() {
            "hw-timeline__again"
        } else {
            "hw-timeline__away"
        };
        let href = format!("/episodes/{}", r.episode_id);
        marks.push(TimelineMark {
            x,
            width,
            class,
            href: href.clone(),
            label: t.args(
                "patterns-timeline-mark",
                &[("when", &when), ("away", &away_words)],
            ),
        });
        rows.push(TimelineRow {
            when,
            away: away_words,
            seen: f.last_seen_place.clone(),
            found: [f.found_place.as_str(), f.found_town.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
            note,
            href,
        });
    }
    // A mark for each year (or each month, over a short history) along the line.
    let from = homeward_domain::time::in_london(first).date();
    let to = homeward_domain::time::in_london(now).date();
    let yearly = (to - from).get_days() > 400 || span > 400.0 * 24.0 * 3600.0;
    let mut ticks = Vec::new();
    let mut day = if yearly {
        jiff::civil::date(from.year() + 1, 1, 1)
    } else {
        from.first_of_month()
            .checked_add(jiff::Span::new().months(1))
            .ok()?
    };
    while day <= to {
        let at = day
            .to_zoned(homeward_domain::time::london())
            .ok()?
            .timestamp();
        let label = if yearly {
            day.year().to_string()
        } else {
            format!("{:02}/{}", day.month(), day.year())
        };
        ticks.push((label, x_of(at)));
        day = day
            .checked_add(if yearly {
                jiff::Span::new().years(1)
            } else {
                jiff::Span::new().months(1)
            })
            .ok()?;
    }
    Some(Timeline {
        width: TIMELINE_WIDTH,
        height: 56,
        marks,
        ticks,
        rows,
    })
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PatternsQuery>,
) -> Result<Response, Failure> {
    let actor = ctx.actor().or_fail(&ctx)?;
    let t = ctx.tr;
    let today = homeward_domain::time::in_london(state.app.clock.now()).date();
    let mut problems = Vec::new();
    let ask = ask_of(&q, today, &mut problems);
    let (from, to) = (ask.from.to_string(), ask.to.to_string());
    let (_, services) = state.app.organisation_overview(actor).await.or_fail(&ctx)?;
    let services: Vec<_> = services
        .into_iter()
        .filter(|s| actor.can_in(Action::ViewPatterns, s.id))
        .collect();
    let person = match ask.person {
        Some(id) => match state.app.pattern_person(actor, id).await.or_fail(&ctx)? {
            Some(p) => Some((
                format!("{} {}", p.given_name, p.family_name),
                format!("/people/{}", p.id),
                p.id.to_string(),
            )),
            None => return Err(Failure::new(ctx, homeward_app::AppError::NotFound)),
        },
        None => None,
    };
    let view = if problems.is_empty() {
        match state.app.patterns(actor, &ctx.meta, &ask).await {
            Ok(v) => Some(v),
            Err(homeward_app::AppError::Invalid(fields)) => {
                problems.extend(fields);
                None
            }
            Err(e) => return Err(Failure::new(ctx, e)),
        }
    } else {
        None
    };
    let text = view.as_ref().map(|v| v.text(t, &ask));
    let figures = text
        .as_ref()
        .map(|x| {
            x.figures
                .iter()
                .map(|(title, rows)| {
                    let list = rows
                        .iter()
                        .map(|r| Figure {
                            label: r.label.clone(),
                            value: r.value.clone(),
                            href: r.cut.as_ref().map(|c| list_href(&ask, c.as_ref())),
                            before: r.before.clone(),
                        })
                        .collect();
                    (title.clone(), list)
                })
                .collect()
        })
        .unwrap_or_default();
    let tables = text
        .as_ref()
        .map(|x| {
            x.tables
                .iter()
                .map(|table| {
                    let rows = table
                        .rows
                        .iter()
                        .map(|e| CountRow {
                            label: e.label.clone(),
                            label_href: e.person.map(|p| format!("/people/{p}")),
                            count: e.count,
                            href: list_href(&ask, Some(&e.cut)),
                        })
                        .collect();
                    (table.title.clone(), table.first.clone(), rows)
                })
                .collect()
        })
        .unwrap_or_default();
    let duties = text
        .as_ref()
        .map(|x| {
            x.duties
                .iter()
                .map(|d| DutyRow {
                    duty: d.duty.clone(),
                    total: d.total,
                    on_time: d.on_time,
                    late: d.late,
                    late_by: d.late_by.clone(),
                    overdue: d.overdue,
                })
                .collect()
        })
        .unwrap_or_default();
    let current = view.as_ref().map(|v| v.current.clone()).unwrap_or_default();
    let errors = FormErrors::from_fields(t, &problems);
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = PatternsPage {
        page: Page::new(&ctx, "patterns-title", "/patterns").with_errors(&errors),
        errors,
        services: super::episodes::service_options(t, &services, ask.service),
        from,
        to,
        window: text.as_ref().map(|x| x.window.clone()).unwrap_or_default(),
        before_window: text
            .as_ref()
            .map(|x| x.before_window.clone())
            .unwrap_or_default(),
        empty: current.episodes == 0,
        within: ask.together_minutes.to_string(),
        person,
        together: view
            .as_ref()
            .map(|v| {
                v.together
                    .iter()
                    .map(|g| {
                        let when = g
                            .episodes
                            .first()
                            .map(|e| t.date_time(e.2))
                            .unwrap_or_default();
                        let who = g
                            .episodes
                            .iter()
                            .map(|(episode, person, _)| {
                                let name = v
                                    .people
                                    .iter()
                                    .find(|p| p.id == *person)
                                    .map(|p| format!("{} {}", p.given_name, p.family_name))
                                    .unwrap_or_default();
                                (name, format!("/episodes/{episode}"))
                            })
                            .collect();
                        let home = services
                            .iter()
                            .find(|s| s.id == g.service_id)
                            .map(|s| s.name.clone())
                            .unwrap_or_default();
                        TogetherRow { when, who, home }
                    })
                    .collect()
            })
            .unwrap_or_default(),
        shared: view
            .as_ref()
            .map(|v| {
                v.shared
                    .iter()
                    .map(|g| SharedRow {
                        associate: v.associate_words(t, g),
                        concern: g.concern,
                        who: g
                            .people
                            .iter()
                            .map(|p| {
                                let own = PatternsAsk {
                                    person: Some(p.person),
                                    ..ask.clone()
                                };
                                (v.shared_person_words(t, p), window_href("/patterns", &own))
                            })
                            .collect(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        pdf_href: window_href("/patterns/report.pdf", &ask),
        csv_href: window_href("/patterns/report.csv", &ask),
        inspection_href: window_href("/patterns/inspection.pdf", &ask),
        figures,
        grid: grid(t, &ask, &current),
        grid_width: LEFT + 24 * CELL + 4,
        grid_height: TOP + 7 * CELL + 4,
        tables,
        duties,
        timeline: view.as_ref().and_then(|v| timeline(t, &v.timeline, v.now)),
        findings: text
            .as_ref()
            .map(|x| x.findings.clone())
            .unwrap_or_default(),
    };
    Ok(render(&page, status))
}

#[derive(Template)]
#[template(path = "pattern_episodes.html")]
struct EpisodesPage {
    page: Page,
    heading: String,
    window: String,
    count: String,
    lines: Vec<super::episodes::EpisodeLine>,
    back_href: String,
    next_href: Option<String>,
    first_href: Option<String>,
}

/// The episodes behind one figure: as many as the figure says, a page at a time.
pub async fn episodes(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PatternsQuery>,
) -> Result<Response, Failure> {
    const PAGE: i64 = 100;
    let actor = ctx.actor().or_fail(&ctx)?;
    let t = ctx.tr;
    let today = homeward_domain::time::in_london(state.app.clock.now()).date();
    let mut problems = Vec::new();
    let ask = ask_of(&q, today, &mut problems);
    if !problems.is_empty() || (!q.cut.trim().is_empty() && ask.cut.is_none()) {
        return Err(Failure::new(ctx, homeward_app::AppError::NotFound));
    }
    let after = q.after.split_once('.').and_then(|(ms, id)| {
        Some((
            homeward_domain::time::from_millis(ms.parse().ok()?),
            id.parse().ok()?,
        ))
    });
    let count = state.app.pattern_count(actor, &ask).await.or_fail(&ctx)?;
    let list = state
        .app
        .pattern_episodes(actor, &ctx.meta, &ask, after, PAGE)
        .await
        .or_fail(&ctx)?;
    let (_, services) = state.app.organisation_overview(actor).await.or_fail(&ctx)?;
    let mut lines = Vec::with_capacity(list.len());
    let mut person = None;
    for (e, _) in &list {
        let name = state
            .app
            .person_name(actor, e.person_id)
            .await
            .unwrap_or_default();
        if matches!(ask.cut, Some(Cut::Person(p)) if p == e.person_id) {
            person = Some(name.clone());
        }
        let service = services
            .iter()
            .find(|s| s.id == e.service_id)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        lines.push(episode_line(t, e, &name, &service));
    }
    let heading = match &ask.cut {
        Some(cut) => cut_words(t, cut, person.as_deref()),
        None => t.get("patterns-all-episodes"),
    };
    let base = list_href(&ask, ask.cut.as_ref());
    let next_href = (list.len() as i64 == PAGE)
        .then(|| list.last())
        .flatten()
        .map(|(e, started)| {
            format!(
                "{base}&after={}.{}",
                homeward_domain::time::to_millis(*started),
                e.id
            )
        });
    let page = EpisodesPage {
        page: Page::new(&ctx, "patterns-title", "/patterns"),
        heading,
        window: t.args(
            "patterns-window",
            &[("from", &t.date(ask.from)), ("to", &t.date(ask.to))],
        ),
        count: t.count(
            "patterns-episode-count",
            usize::try_from(count).unwrap_or(0),
        ),
        lines,
        back_href: window_href("/patterns", &ask),
        next_href,
        first_href: (!q.after.trim().is_empty()).then_some(base),
    };
    Ok(render(&page, StatusCode::OK))
}

/// What can be taken away from the patterns page.
#[derive(Clone, Copy)]
enum Download {
    PatternsPdf,
    InspectionPdf,
    Csv,
}

/// The patterns as a PDF, in the reader's language.
pub async fn report_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PatternsQuery>,
) -> Result<Response, Failure> {
    download(state, ctx, q, Download::PatternsPdf).await
}

/// The figures an inspection asks for, then the patterns, as a PDF.
pub async fn inspection_pdf(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PatternsQuery>,
) -> Result<Response, Failure> {
    download(state, ctx, q, Download::InspectionPdf).await
}

/// The patterns as CSV.
pub async fn report_csv(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PatternsQuery>,
) -> Result<Response, Failure> {
    download(state, ctx, q, Download::Csv).await
}

async fn download(
    state: AppState,
    ctx: Ctx,
    q: PatternsQuery,
    what: Download,
) -> Result<Response, Failure> {
    let Some(ask) = download_ask(&state, &q) else {
        return Err(Failure::new(ctx, homeward_app::AppError::NotFound));
    };
    let actor = ctx.actor().or_fail(&ctx)?;
    let (app, meta, locale) = (&state.app, &ctx.meta, ctx.locale_or(None));
    Ok(match what {
        Download::PatternsPdf => crate::headers::pdf(
            app.patterns_report(actor, meta, &ask, locale)
                .await
                .or_fail(&ctx)?,
            "attachment; filename=\"patterns.pdf\"",
        ),
        Download::InspectionPdf => crate::headers::pdf(
            app.inspection_report(actor, meta, &ask, locale)
                .await
                .or_fail(&ctx)?,
            "attachment; filename=\"inspection-figures.pdf\"",
        ),
        Download::Csv => crate::headers::private_file(
            app.patterns_csv(actor, meta, &ask, locale)
                .await
                .or_fail(&ctx)?
                .into_bytes(),
            "text/csv; charset=utf-8",
            "attachment; filename=\"patterns.csv\"",
        ),
    })
}

/// The window of a download; the page itself explains a wrong date, so a download asked
/// for with one is simply not there.
fn download_ask(state: &AppState, q: &PatternsQuery) -> Option<PatternsAsk> {
    let today = homeward_domain::time::in_london(state.app.clock.now()).date();
    let mut problems = Vec::new();
    let ask = ask_of(q, today, &mut problems);
    problems.is_empty().then_some(ask)
}
