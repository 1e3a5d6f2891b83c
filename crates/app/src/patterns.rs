//! Patterns and trends across episodes, for those who lead and those who inspect: what a
//! window's episodes add up to beside the window before, and the episodes behind each figure.

use crate::actor::require;
use crate::policy::Action;
use crate::{Actor, App, AppError, AppResult, RequestMeta};
use homeward_domain::audit::Outcome;
use homeward_domain::ids::{EpisodeId, PersonId, ServiceId};
use homeward_store::{Cut, EpisodeSummary, FactsFilter, Patterns, Person, Tile};
use jiff::Timestamp;
use jiff::civil::Date;

/// The longest window a patterns page covers: ten years.
const LONGEST_DAYS: i32 = 3_660;

/// What someone asks the patterns for: one service or all they may see, the days from and to
/// (UK dates, both included), optionally one cut, and how close together in time two
/// people from one home must go missing to count as going together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternsAsk {
    pub service: Option<ServiceId>,
    /// One person's own patterns.
    pub person: Option<PersonId>,
    pub from: Date,
    pub to: Date,
    pub cut: Option<Cut>,
    pub together_minutes: i64,
}

/// Unless asked otherwise, going missing within an hour of each other from one home counts
/// as going together.
pub const TOGETHER_MINUTES: i64 = 60;

/// The most pairs read for the groups that went missing together.
const MOST_PAIRS: i64 = 500;
/// The most recent groups shown.
const MOST_GROUPS: usize = 50;
/// The most of one person's episodes drawn on their timeline.
const MOST_ON_TIMELINE: i64 = 200;

/// People from one home who went missing close together in time: each episode with who
/// and when, earliest first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TogetherGroup {
    pub service_id: ServiceId,
    pub episodes: Vec<(EpisodeId, PersonId, Timestamp)>,
}

/// Pairs joined into groups: two pairs sharing an episode are one group. Latest group first.
pub fn groups(pairs: &[homeward_store::Together]) -> Vec<TogetherGroup> {
    let mut groups: Vec<TogetherGroup> = Vec::new();
    for pair in pairs {
        let holding: Vec<usize> = groups
            .iter()
            .enumerate()
            .filter(|(_, g)| {
                g.episodes
                    .iter()
                    .any(|e| e.0 == pair.first.0 || e.0 == pair.second.0)
            })
            .map(|(i, _)| i)
            .collect();
        let mut merged = TogetherGroup {
            service_id: pair.service_id,
            episodes: vec![pair.first, pair.second],
        };
        for i in holding.into_iter().rev() {
            merged.episodes.extend(groups.remove(i).episodes);
        }
        merged.episodes.sort_by_key(|e| (e.2, e.0));
        merged.episodes.dedup_by_key(|e| e.0);
        groups.push(merged);
    }
    groups.sort_by_key(|g| std::cmp::Reverse(g.episodes.first().map(|e| e.2)));
    groups
}

/// People whose information forms name the same associate, with their episodes in the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedGroup {
    /// The associate's name as the forms write it (the most carefully written).
    pub name: String,
    /// Someone's form marks the associate as a concern.
    pub concern: bool,
    pub people: Vec<SharedPerson>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedPerson {
    pub person: PersonId,
    /// Their episodes in the window, and the first and last of them began.
    pub episodes: i64,
    pub first_at: Timestamp,
    pub last_at: Timestamp,
}

/// The most rows read for the people who share associates.
const MOST_SHARED_ROWS: i64 = 600;
/// The most associates shown.
const MOST_SHARED: usize = 30;

/// Rows by associate into groups: those marked as a concern first, then those shared by
/// most, then by name.
pub fn shared_groups(rows: &[homeward_store::SharedAssociate]) -> Vec<SharedGroup> {
    let mut groups: Vec<(String, SharedGroup)> = Vec::new();
    for r in rows {
        let i = match groups.iter().position(|(key, _)| *key == r.key) {
            Some(i) => i,
            None => {
                groups.push((
                    r.key.clone(),
                    SharedGroup {
                        name: r.name.clone(),
                        concern: false,
                        people: Vec::new(),
                    },
                ));
                groups.len() - 1
            }
        };
        let g = &mut groups[i].1;
        // Forms write the same name differently; the one written most carefully (with the
        // most capitals) is shown, whichever form was read first.
        let capitals = |s: &str| s.chars().filter(|c| c.is_uppercase()).count();
        if (capitals(&r.name), std::cmp::Reverse(&r.name))
            > (capitals(&g.name), std::cmp::Reverse(&g.name))
        {
            g.name = r.name.clone();
        }
        g.concern |= r.trust == "concern";
        g.people.push(SharedPerson {
            person: r.person_id,
            episodes: r.episodes,
            first_at: r.first_at,
            last_at: r.last_at,
        });
    }
    let mut out: Vec<SharedGroup> = groups
        .into_iter()
        .map(|(_, g)| g)
        .filter(|g| g.people.len() > 1)
        .collect();
    out.sort_by(|a, b| {
        b.concern
            .cmp(&a.concern)
            .then(b.people.len().cmp(&a.people.len()))
            .then(a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    out
}

/// A window's figures beside those of the window of the same length just before it.
#[derive(Clone, Debug)]
pub struct PatternsView {
    pub now: Timestamp,
    pub current: Patterns,
    pub previous: Patterns,
    pub previous_from: Date,
    pub previous_to: Date,
    /// The people named on the page (who went missing most, who went together), by id.
    pub people: Vec<Person>,
    /// Who went missing together, latest first.
    pub together: Vec<TogetherGroup>,
    /// Who share an associate (for one person: those who share one of theirs).
    pub shared: Vec<SharedGroup>,
    /// The organisation's nation (Scotland has Return Discussions, England a 72-hour clock)
    /// and its repeat threshold now: so many episodes in so many days.
    pub nation: homeward_domain::organisation::Nation,
    pub repeat_threshold: (i64, i64),
    /// Wales: the episode from which a return interview is expected.
    pub interview_from_episode: i64,
    /// For one person's patterns: all their episodes, latest first (at most 200).
    pub timeline: Vec<homeward_store::FactRow>,
}

impl App {
    /// The filter for an ask, within what the actor may see, or a problem with the dates. A
    /// person the actor may not see is not found, exactly as reading them directly would be,
    /// before anything is counted or audited.
    async fn facts_filter(&self, actor: &Actor, ask: &PatternsAsk) -> AppResult<FactsFilter> {
        if let Some(person) = ask.person
            && self.pattern_person(actor, person).await?.is_none()
        {
            return Err(AppError::NotFound);
        }
        let scope = actor.scope_for(Action::ViewPatterns);
        let services = match (scope, ask.service) {
            (None, None) => None,
            (None, Some(s)) => Some(vec![s]),
            (Some(list), None) => Some(list),
            (Some(list), Some(s)) => Some(list.into_iter().filter(|x| *x == s).collect()),
        };
        if ask.to < ask.from {
            return Err(AppError::invalid("to", "error-patterns-to-before-from"));
        }
        if (ask.to - ask.from).get_days() > LONGEST_DAYS {
            return Err(AppError::invalid("from", "error-patterns-too-long"));
        }
        Ok(FactsFilter {
            services,
            person: ask.person,
            from: day_start(ask.from)?,
            before: day_start(
                ask.to
                    .tomorrow()
                    .map_err(|_| AppError::invalid("to", "error-date-iso"))?,
            )?,
            cut: ask.cut.clone(),
        })
    }

    /// What the window's episodes add up to, beside the window before. Audited.
    pub async fn patterns(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        ask: &PatternsAsk,
    ) -> AppResult<PatternsView> {
        require(actor, Action::ViewPatterns)?;
        let filter = self.facts_filter(actor, ask).await?;
        let days = (ask.to - ask.from).get_days() + 1;
        let span = jiff::Span::new().days(days);
        let previous_from = ask
            .from
            .checked_sub(span)
            .map_err(|_| AppError::invalid("from", "error-date-iso"))?;
        let previous_to = ask
            .from
            .yesterday()
            .map_err(|_| AppError::invalid("from", "error-date-iso"))?;
        let before = FactsFilter {
            from: day_start(previous_from)?,
            before: filter.from,
            ..filter.clone()
        };
        let now = self.clock.now();
        self.store
            .record_audit(&actor.event(
                now,
                meta,
                "patterns.view",
                "patterns",
                Some(describe(ask)),
                Outcome::Allowed,
            ))
            .await?;
        let org = actor.org_id();
        // The period and the one before are read side by side.
        let (current, previous) = tokio::try_join!(
            self.store.patterns(org, &filter, now),
            // The period before is shown beside the figures only, not the tables.
            self.store.patterns_tiles(
                org,
                &before,
                now,
                &[Tile::Headline, Tile::People, Tile::Durations, Tile::Risks]
            )
        )?;
        let within = jiff::SignedDuration::from_mins(ask.together_minutes.clamp(1, 24 * 60));
        let pairs = self
            .store
            .missing_together(org, &filter, now, within, MOST_PAIRS)
            .await?;
        let mut together = groups(&pairs);
        together.truncate(MOST_GROUPS);
        // For one person, whoever in the window shares one of their associates.
        let everyone = FactsFilter {
            person: None,
            ..filter.clone()
        };
        let mut shared = shared_groups(
            &self
                .store
                .shared_associates(org, &everyone, now, MOST_SHARED_ROWS)
                .await?,
        );
        if let Some(person) = ask.person {
            shared.retain(|g| g.people.iter().any(|p| p.person == person));
        }
        shared.truncate(MOST_SHARED);
        let mut wanted: Vec<PersonId> = current.most.iter().map(|(id, _)| *id).collect();
        wanted.extend(together.iter().flat_map(|g| g.episodes.iter().map(|e| e.1)));
        wanted.extend(
            shared
                .iter()
                .flat_map(|g| g.people.iter().map(|p| p.person)),
        );
        wanted.sort();
        wanted.dedup();
        let mut people = Vec::new();
        for id in wanted {
            if let Some(p) = self.store.get_person(org, id).await? {
                people.push(p);
            }
        }
        let nation = self
            .fixed_organisation(org)
            .await?
            .map(|o| o.nation)
            .unwrap_or(homeward_domain::organisation::Nation::England);
        let duties = self.settings_in_force(org).await?.duties;
        // Their whole history, whatever the window: only someone the actor may see.
        let timeline = match ask.person {
            Some(person) if self.pattern_person(actor, person).await?.is_some() => {
                self.store
                    .person_facts(org, person, MOST_ON_TIMELINE)
                    .await?
            }
            _ => Vec::new(),
        };
        Ok(PatternsView {
            now,
            current,
            previous,
            previous_from,
            previous_to,
            people,
            together,
            shared,
            nation,
            repeat_threshold: (duties.strategy_after_episodes, duties.strategy_window_days),
            interview_from_episode: duties.wales_interview_from_episode,
            timeline,
        })
    }

    /// How many episodes a figure counts (for the heading of its list), without the rest of
    /// the patterns.
    pub async fn pattern_count(&self, actor: &Actor, ask: &PatternsAsk) -> AppResult<i64> {
        require(actor, Action::ViewPatterns)?;
        let filter = self.facts_filter(actor, ask).await?;
        Ok(self
            .store
            .count_episodes(actor.org_id(), &filter, self.clock.now())
            .await?)
    }

    /// The episodes behind a figure, latest start first, a page at a time, with when each
    /// began. Audited.
    pub async fn pattern_episodes(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        ask: &PatternsAsk,
        after: Option<(Timestamp, EpisodeId)>,
        limit: i64,
    ) -> AppResult<Vec<(EpisodeSummary, Timestamp)>> {
        require(actor, Action::ViewPatterns)?;
        let filter = self.facts_filter(actor, ask).await?;
        let now = self.clock.now();
        self.store
            .record_audit(&actor.event(
                now,
                meta,
                "patterns.list",
                "patterns",
                Some(describe(ask)),
                Outcome::Allowed,
            ))
            .await?;
        Ok(self
            .store
            .facts_episodes(
                actor.org_id(),
                &filter,
                now,
                after,
                limit.clamp(1, crate::episodes::MAX_PAGE),
            )
            .await?)
    }

    /// A person's name for a patterns page, if the actor may see them.
    pub async fn pattern_person(&self, actor: &Actor, id: PersonId) -> AppResult<Option<Person>> {
        require(actor, Action::ViewPatterns)?;
        Ok(self
            .store
            .get_person(actor.org_id(), id)
            .await?
            .filter(|p| actor.can_in(Action::ViewPatterns, p.service_id)))
    }
}

fn day_start(day: Date) -> AppResult<Timestamp> {
    day.to_zoned(homeward_domain::time::london())
        .map(|z| z.timestamp())
        .map_err(|_| AppError::invalid("from", "error-date-iso"))
}

/// The ask as the audit trail records it.
fn describe(ask: &PatternsAsk) -> String {
    let mut s = format!("{} to {}", ask.from, ask.to);
    if let Some(service) = ask.service {
        s += &format!(" service={service}");
    }
    if let Some(person) = ask.person {
        s += &format!(" person={person}");
    }
    if let Some(cut) = &ask.cut {
        s += &format!(" {cut:?}");
    }
    s
}

/// One figure as every form of the patterns shows it (the page, the PDF, the CSV): what it
/// is, its value now and in the period before, and the cut whose episodes make it up.
#[derive(Clone, Debug)]
pub struct FigureRow {
    pub label: String,
    pub value: String,
    pub before: String,
    /// `Some(None)`: every episode in the period; `None`: not a count of episodes.
    pub cut: Option<Option<Cut>>,
}

/// A table of counts (who most, where, grades, risks): a heading, the first column's heading
/// and the rows, each with the cut behind it.
#[derive(Clone, Debug)]
pub struct CountTable {
    pub title: String,
    pub first: String,
    pub rows: Vec<CountEntry>,
}

#[derive(Clone, Debug)]
pub struct CountEntry {
    pub label: String,
    pub person: Option<PersonId>,
    pub count: i64,
    pub cut: Cut,
}

/// How one duty went across the period, in words.
#[derive(Clone, Debug)]
pub struct DutyLine {
    pub duty: String,
    pub total: i64,
    pub on_time: i64,
    pub late: i64,
    pub late_by: String,
    pub overdue: i64,
}

/// Everything the patterns say, in the reader's language.
#[derive(Clone, Debug)]
pub struct PatternsText {
    pub window: String,
    pub before_window: String,
    pub figures: Vec<(String, Vec<FigureRow>)>,
    pub tables: Vec<CountTable>,
    pub duties: Vec<DutyLine>,
    /// Who went missing together: when the first went, and who.
    pub together: Vec<(String, String)>,
    /// Who share an associate: the associate, and each of them with their episodes.
    pub shared: Vec<(String, String)>,
    /// What stands out, in sentences a manager can read out at a meeting.
    pub findings: Vec<String>,
}

impl PatternsView {
    /// An associate's name, and whether a form marks them as a concern.
    pub fn associate_words(&self, t: homeward_i18n::Tr, g: &SharedGroup) -> String {
        if g.concern {
            t.with("patterns-shared-concern", "name", &g.name)
        } else {
            g.name.clone()
        }
    }

    /// Someone who shares an associate, with their episodes in the window.
    pub fn shared_person_words(&self, t: homeward_i18n::Tr, p: &SharedPerson) -> String {
        let name = self
            .people
            .iter()
            .find(|x| x.id == p.person)
            .map(|x| format!("{} {}", x.given_name, x.family_name))
            .unwrap_or_default();
        let dates = if p.episodes == 1 {
            t.date(homeward_domain::time::in_london(p.first_at).date())
        } else {
            t.args(
                "patterns-shared-dates",
                &[
                    (
                        "first",
                        &t.date(homeward_domain::time::in_london(p.first_at).date()),
                    ),
                    (
                        "last",
                        &t.date(homeward_domain::time::in_london(p.last_at).date()),
                    ),
                ],
            )
        };
        t.args(
            "patterns-shared-person",
            &[
                ("name", &name),
                (
                    "episodes",
                    &t.count(
                        "patterns-episode-count",
                        usize::try_from(p.episodes).unwrap_or(0),
                    ),
                ),
                ("dates", &dates),
            ],
        )
    }

    /// What stands out in the period, each from the same figures as the tables: how many
    /// against the period before, repeats, the busiest time and place, interviews, long
    /// absences, the duty most often late and the commonest risk.
    fn findings(&self, t: homeward_i18n::Tr) -> Vec<String> {
        use homeward_domain::organisation::Nation;
        let (c, p) = (&self.current, &self.previous);
        if c.episodes == 0 {
            return Vec::new();
        }
        let n = |v: i64| v.to_string();
        let mut out = Vec::new();
        let change = if p.episodes == 0 || c.episodes == p.episodes {
            t.get("patterns-finding-same")
        } else {
            let pct = ((c.episodes - p.episodes).abs() * 100 + p.episodes / 2) / p.episodes;
            let key = if c.episodes > p.episodes {
                "patterns-finding-up"
            } else {
                "patterns-finding-down"
            };
            t.with(key, "percent", &pct.to_string())
        };
        out.push(t.args(
            "patterns-finding-episodes",
            &[
                ("episodes", &n(c.episodes)),
                ("people", &n(c.people)),
                ("change", &change),
                ("before", &n(p.episodes)),
            ],
        ));
        out.push(t.args(
            "patterns-finding-repeat",
            &[
                ("repeat", &n(c.repeat)),
                ("episodes", &n(c.episodes)),
                ("over", &n(c.over_threshold)),
            ],
        ));
        if let Some((d, h, count)) = c
            .slots
            .iter()
            .max_by_key(|s| (s.2, std::cmp::Reverse((s.0, s.1))))
        {
            out.push(t.args(
                "patterns-finding-when",
                &[
                    ("day", &t.get(&format!("weekday-{d}"))),
                    ("hour", &format!("{h:02}:00")),
                    ("count", &n(*count)),
                ],
            ));
        }
        if let Some((place, count)) = c.last_seen_places.first() {
            out.push(t.args(
                "patterns-finding-place",
                &[("place", place), ("count", &n(*count))],
            ));
        }
        let not_on_form = |list: &[(String, i64)]| {
            list.iter()
                .find(|(k, _)| k == homeward_domain::learning::NOT_ON_FORM)
                .map_or(0, |(_, n)| *n)
        };
        if not_on_form(&c.found_kinds) > 0 {
            out.push(t.with(
                "patterns-finding-not-on-form",
                "count",
                &n(not_on_form(&c.found_kinds)),
            ));
        }
        if c.over_24_hours > 0 {
            out.push(t.with("patterns-finding-long", "count", &n(c.over_24_hours)));
        }
        if self.nation == Nation::England && c.returned > 0 {
            out.push(t.args(
                "patterns-finding-in-time",
                &[
                    ("offered", &n(c.interview_offered_in_time)),
                    ("returned", &n(c.returned)),
                ],
            ));
        } else if c.interview_expected > 0 {
            out.push(t.args(
                &format!("patterns-finding-expected-{}", self.nation.code()),
                &[
                    ("offered", &n(c.interview_expected_offered)),
                    ("expected", &n(c.interview_expected)),
                ],
            ));
        }
        if let Some(d) = c
            .duties
            .iter()
            .filter(|d| d.late + d.overdue > 0)
            .max_by_key(|d| ((d.late + d.overdue) * 1000 / d.total.max(1), d.late))
        {
            out.push(t.args(
                "patterns-finding-duty",
                &[
                    ("duty", &t.get(&format!("duty-{}", d.rule))),
                    ("late", &n(d.late + d.overdue)),
                    ("total", &n(d.total)),
                ],
            ));
        }
        if let Some((code, people)) = c.risk_people.first() {
            out.push(t.args(
                "patterns-finding-risk",
                &[
                    ("people", &n(*people)),
                    ("all", &n(c.people)),
                    ("risk", &t.get(&format!("option-{code}"))),
                ],
            ));
        }
        out
    }

    /// The figures, tables and duties in words, for the page, the PDF and the CSV alike.
    pub fn text(&self, t: homeward_i18n::Tr, ask: &PatternsAsk) -> PatternsText {
        use crate::episode_form::{choice_id, duration};
        let (c, p) = (&self.current, &self.previous);
        let n = |v: i64| v.to_string();
        let minutes = |m: Option<i64>| {
            m.map(|m| duration(t, jiff::SignedDuration::from_mins(m)))
                .unwrap_or_else(|| t.get("patterns-none-yet"))
        };
        let per_person = |p: &Patterns| {
            if p.people == 0 {
                "0".to_string()
            } else {
                format!("{:.1}", p.episodes as f64 / p.people as f64)
            }
        };
        let row =
            |label: &str, value: String, before: String, cut: Option<Option<Cut>>| FigureRow {
                label: t.get(label),
                value,
                before,
                cut,
            };
        let counted = |label: &str, now: i64, then: i64, cut: Cut| {
            row(label, n(now), n(then), Some(Some(cut)))
        };
        let figures = vec![
            (
                t.get("patterns-section-episodes"),
                vec![
                    row(
                        "patterns-episodes",
                        n(c.episodes),
                        n(p.episodes),
                        Some(None),
                    ),
                    row("patterns-people", n(c.people), n(p.people), None),
                    row("patterns-per-person", per_person(c), per_person(p), None),
                    counted(
                        "patterns-first-time",
                        c.first_time,
                        p.first_time,
                        Cut::FirstTime,
                    ),
                    counted("patterns-repeat", c.repeat, p.repeat, Cut::Repeat),
                    FigureRow {
                        label: t.args(
                            "patterns-over-threshold",
                            &[
                                ("count", &self.repeat_threshold.0.to_string()),
                                ("days", &self.repeat_threshold.1.to_string()),
                            ],
                        ),
                        value: n(c.over_threshold),
                        before: n(p.over_threshold),
                        cut: Some(Some(Cut::OverThreshold)),
                    },
                    counted(
                        "patterns-still-away",
                        c.still_away,
                        p.still_away,
                        Cut::StillAway,
                    ),
                    counted(
                        "patterns-over-24h",
                        c.over_24_hours,
                        p.over_24_hours,
                        Cut::Over24Hours,
                    ),
                    row(
                        "patterns-away-median",
                        minutes(c.away_median_minutes),
                        minutes(p.away_median_minutes),
                        None,
                    ),
                ],
            ),
            (
                t.get("patterns-section-police"),
                vec![
                    counted(
                        "patterns-reported",
                        c.reported,
                        p.reported,
                        Cut::ReportedToPolice,
                    ),
                    counted(
                        "patterns-not-reported",
                        c.not_reported,
                        p.not_reported,
                        Cut::NotReportedToPolice,
                    ),
                    row(
                        "patterns-report-median",
                        minutes(c.report_median_minutes),
                        minutes(p.report_median_minutes),
                        None,
                    ),
                ],
            ),
            (
                t.get(&format!(
                    "patterns-section-interviews-{}",
                    self.nation.code()
                )),
                [
                    counted("patterns-returned", c.returned, p.returned, Cut::Returned),
                    FigureRow {
                        label: t.with(
                            &format!("patterns-expected-{}", self.nation.code()),
                            "from",
                            &self.interview_from_episode.to_string(),
                        ),
                        value: n(c.interview_expected),
                        before: n(p.interview_expected),
                        cut: Some(Some(Cut::InterviewExpected)),
                    },
                    counted(
                        "patterns-expected-offered",
                        c.interview_expected_offered,
                        p.interview_expected_offered,
                        Cut::InterviewExpectedOffered,
                    ),
                    counted(
                        if self.nation == homeward_domain::organisation::Nation::Scotland {
                            "patterns-offered-scotland"
                        } else {
                            "patterns-offered"
                        },
                        c.interview_offered,
                        p.interview_offered,
                        Cut::InterviewOffered,
                    ),
                ]
                .into_iter()
                // Only England's guidance sets a clock (72 hours) for offering one.
                .chain(
                    (self.nation == homeward_domain::organisation::Nation::England).then(|| {
                        counted(
                            "patterns-offered-in-time",
                            c.interview_offered_in_time,
                            p.interview_offered_in_time,
                            Cut::InterviewOfferedInTime,
                        )
                    }),
                )
                .chain([
                    counted(
                        "patterns-declined",
                        c.interview_declined,
                        p.interview_declined,
                        Cut::InterviewDeclined,
                    ),
                    counted(
                        "patterns-re-offered",
                        c.interview_re_offered,
                        p.interview_re_offered,
                        Cut::InterviewReOffered,
                    ),
                    counted(
                        "patterns-held",
                        c.interview_held,
                        p.interview_held,
                        Cut::InterviewHeld,
                    ),
                    counted(
                        "patterns-not-offered",
                        c.interview_not_offered,
                        p.interview_not_offered,
                        Cut::InterviewNotOffered,
                    ),
                ])
                .collect(),
            ),
        ];
        let entries =
            |list: &[(String, i64)], cut: fn(String) -> Cut, label: &dyn Fn(&str) -> String| {
                list.iter()
                    .map(|(k, count)| CountEntry {
                        label: label(k),
                        person: None,
                        count: *count,
                        cut: cut(k.clone()),
                    })
                    .collect::<Vec<_>>()
            };
        let most = c
            .most
            .iter()
            .map(|(id, count)| CountEntry {
                label: self
                    .people
                    .iter()
                    .find(|p| p.id == *id)
                    .map(|p| format!("{} {}", p.given_name, p.family_name))
                    .unwrap_or_default(),
                person: Some(*id),
                count: *count,
                cut: Cut::Person(*id),
            })
            .collect();
        let table = |title: &str, first: &str, rows: Vec<CountEntry>| CountTable {
            title: t.get(title),
            first: t.get(first),
            rows,
        };
        let tables = vec![
            table("patterns-section-most", "patterns-who", most),
            table(
                "patterns-section-seen",
                "patterns-place",
                entries(&c.last_seen_places, Cut::LastSeenAt, &|k| k.to_string()),
            ),
            table(
                "patterns-section-found",
                "patterns-town",
                entries(&c.found_towns, Cut::FoundIn, &|k| k.to_string()),
            ),
            table(
                "patterns-section-seen-kind",
                "patterns-kind",
                entries(&c.last_seen_kinds, Cut::LastSeenAtKind, &|k| {
                    place_kind_words(t, k)
                }),
            ),
            table(
                "patterns-section-found-kind",
                "patterns-kind",
                entries(&c.found_kinds, Cut::FoundAtKind, &|k| {
                    place_kind_words(t, k)
                }),
            ),
            table(
                "patterns-section-found-area",
                "patterns-area",
                entries(&c.found_areas, Cut::FoundInArea, &|k| k.to_string()),
            ),
            table(
                &format!("patterns-section-declined-{}", self.nation.code()),
                "patterns-reason",
                entries(&c.decline_reasons, Cut::DeclinedBecause, &|k| k.to_string()),
            ),
            table(
                "patterns-section-grades",
                "patterns-grade",
                entries(&c.grades, Cut::Grade, &|k| t.get(&choice_id("grade", k))),
            ),
            table(
                "patterns-section-risks",
                "patterns-risk",
                entries(&c.risks, Cut::Risk, &|k| t.get(&format!("option-{k}"))),
            ),
        ];
        let duties = c
            .duties
            .iter()
            .map(|d| DutyLine {
                duty: t.get(&format!("duty-{}", d.rule)),
                total: d.total,
                on_time: d.on_time,
                late: d.late,
                late_by: d
                    .late_median_minutes
                    .map(|m| duration(t, jiff::SignedDuration::from_mins(m)))
                    .unwrap_or_default(),
                overdue: d.overdue,
            })
            .collect();
        let name = |id: PersonId| {
            self.people
                .iter()
                .find(|p| p.id == id)
                .map(|p| format!("{} {}", p.given_name, p.family_name))
                .unwrap_or_default()
        };
        let together = self
            .together
            .iter()
            .map(|g| {
                (
                    g.episodes
                        .first()
                        .map(|e| t.date_time(e.2))
                        .unwrap_or_default(),
                    g.episodes
                        .iter()
                        .map(|e| name(e.1))
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })
            .collect();
        let shared = self
            .shared
            .iter()
            .map(|g| {
                (
                    self.associate_words(t, g),
                    g.people
                        .iter()
                        .map(|p| self.shared_person_words(t, p))
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            })
            .collect();
        let findings = self.findings(t);
        PatternsText {
            together,
            shared,
            findings,
            window: t.args(
                "patterns-window",
                &[("from", &t.date(ask.from)), ("to", &t.date(ask.to))],
            ),
            before_window: t.args(
                "patterns-before-window",
                &[
                    ("from", &t.date(self.previous_from)),
                    ("to", &t.date(self.previous_to)),
                ],
            ),
            figures,
            tables,
            duties,
        }
    }
}

/// Which PDF: the patterns for a meeting, the figures an inspection asks for first, or
/// the summary for the multi-agency group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Report<'a> {
    Patterns,
    /// Names shared only with this disclosure recorded.
    GroupSummary(Option<&'a Disclosure>),
    /// An inspection's or review's figures, with what the manager wrote.
    Review(crate::reviews::ReviewKind, &'a crate::reviews::Evaluation),
}

/// The most episodes a group summary lists.
const MOST_IN_SUMMARY: i64 = 500;

/// Sharing people's names in a group summary: with whom, why, and on what lawful basis.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Disclosure {
    pub recipient: String,
    pub purpose: String,
    pub basis: String,
}

impl Disclosure {
    /// Each part is needed, and kept short enough to read in the audit trail.
    fn check(&self) -> AppResult<()> {
        let problems = self.problems();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(problems))
        }
    }

    /// What is missing or too long, each naming its field.
    pub fn problems(&self) -> Vec<crate::FieldError> {
        let mut problems = Vec::new();
        for (field, value, empty) in [
            ("recipient", &self.recipient, "error-summary-recipient"),
            ("purpose", &self.purpose, "error-summary-purpose"),
            ("basis", &self.basis, "error-summary-basis"),
        ] {
            let message = if value.trim().is_empty() {
                empty
            } else if value.chars().count() > 300 {
                "error-summary-too-long"
            } else {
                continue;
            };
            problems.push(crate::FieldError {
                field: field.to_string(),
                message,
            });
        }
        problems
    }
}

/// The words for a kind of place on a person's form, or for somewhere not on it.
pub fn place_kind_words(t: homeward_i18n::Tr, kind: &str) -> String {
    if kind == homeward_domain::learning::NOT_ON_FORM {
        t.get("patterns-kind-not-on-form")
    } else {
        t.get(&format!("option-{kind}"))
    }
}

/// A, B, … Z, AA, AB, …: the letter for the `i`th person.
fn letters(mut i: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A value for a spreadsheet cell: text a spreadsheet would run as a formula (`=`, `+`, `-`,
/// `@`, tab or return first) is kept as text with a leading apostrophe.
pub fn cell(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    }
}

impl App {
    /// The patterns as a PDF for a meeting: the same figures as the page, the period before
    /// beside each. Audited.
    pub async fn patterns_report(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        ask: &PatternsAsk,
        locale: homeward_domain::locale::Locale,
    ) -> AppResult<Vec<u8>> {
        self.report(actor, meta, ask, locale, Report::Patterns)
            .await
    }

    /// The figures an inspection asks for about children missing and away without
    /// authorisation (Ofsted's request for information in England, the quality of care
    /// review in Wales, the Care Inspectorate's self-evaluation in Scotland), then the
    /// patterns behind them. Audited.
    pub async fn inspection_report(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        ask: &PatternsAsk,
        locale: homeward_domain::locale::Locale,
    ) -> AppResult<Vec<u8>> {
        // The nation's own: Ofsted's list in England, the review's figures elsewhere.
        let first = self.review_kinds(actor).await?;
        let review = first
            .first()
            .copied()
            .unwrap_or(crate::reviews::ReviewKind::AnnexA);
        let none = crate::reviews::Evaluation::default();
        let kind = Report::Review(review, &none);
        self.report(actor, meta, ask, locale, kind).await
    }

    /// The summary for the multi-agency operational group: the patterns of a period and
    /// its episodes, with each person a letter ("Person A") unless the user shares their
    /// names, which is a disclosure: to whom, why and on what lawful basis, recorded in the
    /// audit trail. Audited either way.
    pub async fn group_summary(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        ask: &PatternsAsk,
        named: Option<&Disclosure>,
        locale: homeward_domain::locale::Locale,
    ) -> AppResult<Vec<u8>> {
        if let Some(d) = named {
            require(actor, Action::ShareNamedSummary)?;
            d.check()?;
            self.require_recent_second_factor(actor).await?;
        }
        self.report(actor, meta, ask, locale, Report::GroupSummary(named))
            .await
    }

    pub(crate) async fn report(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        ask: &PatternsAsk,
        locale: homeward_domain::locale::Locale,
        kind: Report<'_>,
    ) -> AppResult<Vec<u8>> {
        let named = match kind {
            Report::GroupSummary(named) => named,
            _ => None,
        };
        let mut view = self.patterns(actor, meta, ask).await?;
        let t = homeward_i18n::Tr(locale);
        // The group summary lists the period's episodes; unless names are shared, each
        // person is a letter, the same throughout.
        let mut listed = Vec::new();
        if let Report::GroupSummary(_) = kind {
            let filter = self.facts_filter(actor, ask).await?;
            listed = self
                .store
                .facts_episodes(actor.org_id(), &filter, view.now, None, MOST_IN_SUMMARY)
                .await?;
            listed.reverse();
            let mut wanted: Vec<PersonId> = listed.iter().map(|(e, _)| e.person_id).collect();
            wanted.retain(|id| !view.people.iter().any(|p| p.id == *id));
            wanted.sort();
            wanted.dedup();
            for id in wanted {
                if let Some(p) = self.store.get_person(actor.org_id(), id).await? {
                    view.people.push(p);
                }
            }
            if named.is_none() {
                // Associates are people too: numbered, not named.
                for (i, g) in view.shared.iter_mut().enumerate() {
                    g.name = t.with("summary-associate", "number", &(i + 1).to_string());
                }
                let mut order: Vec<PersonId> = Vec::new();
                for id in listed
                    .iter()
                    .map(|(e, _)| e.person_id)
                    .chain(view.people.iter().map(|p| p.id))
                {
                    if !order.contains(&id) {
                        order.push(id);
                    }
                }
                for p in &mut view.people {
                    let i = order.iter().position(|id| *id == p.id).unwrap_or(0);
                    p.given_name = t.get("summary-person");
                    p.family_name = letters(i);
                }
            }
        }
        let text = view.text(t, ask);
        let place = self.patterns_place(actor, ask).await?;
        let with_before = |r: &FigureRow| {
            t.args(
                "patterns-report-value",
                &[("value", &r.value), ("before", &r.before)],
            )
        };
        let mut sections: Vec<homeward_reports::Section> = text
            .figures
            .iter()
            .skip(1)
            .map(|(title, rows)| homeward_reports::Section {
                title: title.clone(),
                rows: rows
                    .iter()
                    .map(|r| (r.label.clone(), with_before(r)))
                    .collect(),
            })
            .collect();
        let busiest: Vec<(String, String)> = {
            let mut slots = view.current.slots.clone();
            slots.sort_by(|a, b| b.2.cmp(&a.2).then((a.0, a.1).cmp(&(b.0, b.1))));
            slots
                .iter()
                .take(5)
                .map(|(d, h, n)| {
                    (
                        t.args(
                            "patterns-slot",
                            &[
                                ("day", &t.get(&format!("weekday-{d}"))),
                                ("hour", &format!("{h:02}:00")),
                            ],
                        ),
                        n.to_string(),
                    )
                })
                .collect()
        };
        sections.push(homeward_reports::Section {
            title: t.get("patterns-report-when"),
            rows: busiest,
        });
        for table in &text.tables {
            sections.push(homeward_reports::Section {
                title: table.title.clone(),
                rows: table
                    .rows
                    .iter()
                    .map(|e| (e.label.clone(), e.count.to_string()))
                    .collect(),
            });
        }
        sections.push(homeward_reports::Section {
            title: t.get("patterns-section-together"),
            rows: text.together.clone(),
        });
        sections.push(homeward_reports::Section {
            title: t.get("patterns-section-shared"),
            rows: text.shared.clone(),
        });
        sections.push(homeward_reports::Section {
            title: t.get("patterns-section-duties"),
            rows: text
                .duties
                .iter()
                .map(|d| {
                    (
                        d.duty.clone(),
                        t.args(
                            "patterns-report-duty",
                            &[
                                ("total", &d.total.to_string()),
                                ("on_time", &d.on_time.to_string()),
                                ("late", &d.late.to_string()),
                                ("late_by", &d.late_by),
                                ("overdue", &d.overdue.to_string()),
                            ],
                        ),
                    )
                })
                .collect(),
        });
        let now = self.clock.now();
        let headline: Vec<(String, String)> = text
            .figures
            .first()
            .map(|(_, rows)| {
                rows.iter()
                    .map(|r| (r.label.clone(), with_before(r)))
                    .collect()
            })
            .unwrap_or_default();
        let (title, key_rows) = match kind {
            Report::Patterns => (t.get("patterns-report-title"), headline),
            Report::GroupSummary(_) => {
                let name = |id: PersonId| {
                    view.people
                        .iter()
                        .find(|p| p.id == id)
                        .map(|p| format!("{} {}", p.given_name, p.family_name))
                        .unwrap_or_default()
                };
                sections.push(homeward_reports::Section {
                    title: t.get("summary-section-episodes"),
                    rows: listed
                        .iter()
                        .map(|(e, started)| {
                            let mut what =
                                vec![t.date_time(*started), t.get(&format!("phase-{}", e.phase))];
                            if let Some(g) = &e.police_grade {
                                what.push(t.get(&crate::episode_form::choice_id("grade", g)));
                            }
                            (name(e.person_id), what.join(" · "))
                        })
                        .collect(),
                });
                (t.get("summary-title"), headline)
            }
            Report::Review(..) => {
                sections.insert(
                    0,
                    homeward_reports::Section {
                        title: t.get("patterns-section-episodes"),
                        rows: headline,
                    },
                );
                // The written policy staff work to, and who has signed it.
                sections.push(homeward_reports::Section {
                    title: t.get("patterns-section-policy"),
                    rows: self.policy_report_rows(actor, t).await?,
                });
                (String::new(), Vec::new())
            }
        };
        // What stands out comes first, as a manager would read it out.
        sections.insert(
            0,
            homeward_reports::Section {
                title: t.get("patterns-section-findings"),
                rows: text
                    .findings
                    .iter()
                    .map(|f| (f.clone(), String::new()))
                    .collect(),
            },
        );
        // A review opens with what it is for and what the manager made of the figures.
        let (title, key_rows) = match kind {
            Report::Review(review, evaluation) => {
                let place = self.patterns_place(actor, ask).await?;
                let opening = review.opening(t, &place, &text.window, evaluation);
                sections.splice(0..0, opening);
                (review.title(t), review.key_rows(t, &view, evaluation))
            }
            _ => (title, key_rows),
        };
        let marking = match kind {
            Report::GroupSummary(None) => t.get("summary-marking-letters"),
            Report::GroupSummary(Some(d)) => t.args(
                "summary-marking-named",
                &[
                    ("to", &d.recipient),
                    ("purpose", &d.purpose),
                    ("basis", &d.basis),
                ],
            ),
            _ => t.get("patterns-report-marking"),
        };
        let doc = homeward_reports::PolicePack {
            lang: locale.code().into(),
            title,
            marking,
            name: place,
            subtitle: format!("{} · {}", text.window, text.before_window),
            key_rows,
            nothing: t.get("patterns-nothing-recorded"),
            sections,
            footer: t.with("patterns-report-footer", "when", &t.date_time(now)),
            ..Default::default()
        };
        let made = actor.event(
            now,
            meta,
            match kind {
                Report::Patterns => "patterns.report",
                Report::GroupSummary(Some(_)) => "patterns.group_summary.named",
                Report::GroupSummary(None) => "patterns.group_summary",
                Report::Review(review, _) => review.audit_action(),
            },
            "patterns",
            Some(match named {
                // What was disclosed, to whom, why and on what basis.
                Some(d) => format!(
                    "{} named to {}; purpose: {}; lawful basis: {}",
                    describe(ask),
                    d.recipient,
                    d.purpose,
                    d.basis
                ),
                None => match kind {
                    Report::Review(review, _) => format!("{}: {}", review.code(), describe(ask)),
                    _ => describe(ask),
                },
            }),
            Outcome::Allowed,
        );
        // Naming people is a disclosure about each of them: it goes on each one's record
        // of what was shared, as well as in the audit trail.
        if let Some(d) = named {
            let records: Vec<homeward_store::DisclosureRecord> = view
                .people
                .iter()
                .map(|p| homeward_store::DisclosureRecord {
                    id: uuid::Uuid::new_v4(),
                    org_id: p.org_id,
                    service_id: p.service_id,
                    person_id: p.id,
                    shared: homeward_domain::episode::Occurred::in_london(now),
                    recorded_at: now,
                    decided_by: Some(actor.user.id),
                    decided_by_label: actor.user.display_name.clone(),
                    kind: "group_summary".into(),
                    disclosure: homeward_domain::disclosure::Disclosure {
                        what: t.with("disclosure-what-group-summary", "window", &text.window),
                        recipient: d.recipient.clone(),
                        purpose: d.purpose.clone(),
                        lawful_basis: d.basis.clone(),
                        condition: String::new(),
                        consent: "not_asked".into(),
                        concern: String::new(),
                        told_person: String::new(),
                    },
                })
                .collect();
            if !records.is_empty() {
                let e = actor.event(
                    now,
                    meta,
                    "disclosure.record",
                    "patterns",
                    Some(format!("group summary to {}", d.recipient)),
                    Outcome::Allowed,
                );
                self.store.record_disclosures(&records, &e).await?;
            }
        }
        self.typeset(doc, made).await
    }

    /// The same figures as CSV, one row per figure: section, figure, this period, period
    /// before. Audited.
    pub async fn patterns_csv(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        ask: &PatternsAsk,
        locale: homeward_domain::locale::Locale,
    ) -> AppResult<String> {
        self.csv(actor, meta, ask, locale, None).await
    }

    /// The patterns as CSV, a review's own figures and what the manager wrote first.
    pub(crate) async fn csv(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        ask: &PatternsAsk,
        locale: homeward_domain::locale::Locale,
        review: Option<(crate::reviews::ReviewKind, &crate::reviews::Evaluation)>,
    ) -> AppResult<String> {
        let view = self.patterns(actor, meta, ask).await?;
        let t = homeward_i18n::Tr(locale);
        let text = view.text(t, ask);
        let mut out = csv::Writer::from_writer(Vec::new());
        let fail = |e: csv::Error| AppError::Internal(e.to_string());
        out.write_record([
            t.get("patterns-csv-section"),
            t.get("patterns-figure"),
            t.get("patterns-this-window"),
            t.get("patterns-window-before"),
        ])
        .map_err(fail)?;
        if let Some((kind, evaluation)) = review {
            for [section, figure, now, before] in kind.csv_rows(t, &view, evaluation) {
                out.write_record([cell(&section), cell(&figure), cell(&now), cell(&before)])
                    .map_err(fail)?;
            }
        }
        let findings = t.get("patterns-section-findings");
        for f in &text.findings {
            out.write_record([cell(&findings), cell(f), String::new(), String::new()])
                .map_err(fail)?;
        }
        for (title, rows) in &text.figures {
            for r in rows {
                out.write_record([cell(title), cell(&r.label), cell(&r.value), cell(&r.before)])
                    .map_err(fail)?;
            }
        }
        for table in &text.tables {
            for e in &table.rows {
                out.write_record([
                    cell(&table.title),
                    cell(&e.label),
                    e.count.to_string(),
                    String::new(),
                ])
                .map_err(fail)?;
            }
        }
        for (when, who) in &text.together {
            out.write_record([
                cell(&t.get("patterns-section-together")),
                cell(who),
                cell(when),
                String::new(),
            ])
            .map_err(fail)?;
        }
        for (associate, who) in &text.shared {
            out.write_record([
                cell(&t.get("patterns-section-shared")),
                cell(associate),
                cell(who),
                String::new(),
            ])
            .map_err(fail)?;
        }
        for d in &text.duties {
            for (what, n) in [
                ("patterns-duty-on-time", d.on_time),
                ("patterns-duty-late", d.late),
                ("patterns-duty-overdue", d.overdue),
            ] {
                out.write_record([
                    cell(&t.get("patterns-section-duties")),
                    cell(&format!("{}: {}", d.duty, t.get(what))),
                    n.to_string(),
                    String::new(),
                ])
                .map_err(fail)?;
            }
        }
        let bytes = out
            .into_inner()
            .map_err(|e| AppError::Internal(e.to_string()))?;
        self.store
            .record_audit(&actor.event(
                self.clock.now(),
                meta,
                match review {
                    Some((kind, _)) => kind.csv_audit_action(),
                    None => "patterns.csv",
                },
                "patterns",
                Some(match review {
                    Some((kind, _)) => format!("{}: {}", kind.code(), describe(ask)),
                    None => describe(ask),
                }),
                Outcome::Allowed,
            ))
            .await?;
        String::from_utf8(bytes).map_err(|e| AppError::Internal(e.to_string()))
    }

    /// What the patterns are about: the service asked for, or the organisation.
    async fn patterns_place(&self, actor: &Actor, ask: &PatternsAsk) -> AppResult<String> {
        let org = actor.org_id();
        if let Some(id) = ask.service
            && let Some(s) = self.store.get_service(org, id).await?
        {
            return Ok(s.name);
        }
        Ok(self
            .store
            .get_organisation(org)
            .await?
            .map(|o| o.name)
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use homeward_domain::ids::{EpisodeId, PersonId, ServiceId};

    #[test]
    fn pairs_that_share_an_episode_are_one_group() {
        let home = ServiceId::new_random();
        let at = |m: i64| {
            "2026-10-25T00:00:00Z".parse::<Timestamp>().unwrap()
                + jiff::SignedDuration::from_mins(m)
        };
        let e: Vec<(EpisodeId, PersonId, Timestamp)> = (0..5)
            .map(|i| (EpisodeId::new_random(), PersonId::new_random(), at(i * 20)))
            .collect();
        let pair = |a: usize, b: usize| homeward_store::Together {
            service_id: home,
            first: e[a],
            second: e[b],
        };
        // 0–1 and 1–2 chain into one group of three; 3–4 is another, later.
        let found = groups(&[pair(3, 4), pair(0, 1), pair(1, 2)]);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].episodes, vec![e[3], e[4]]);
        assert_eq!(found[1].episodes, vec![e[0], e[1], e[2]]);
        // A pair joining two groups merges them.
        let merged = groups(&[pair(0, 1), pair(2, 3), pair(1, 2)]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].episodes.len(), 4);
    }

    #[test]
    fn spreadsheet_formulas_stay_text() {
        assert_eq!(super::cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(super::cell("-1"), "'-1");
        assert_eq!(super::cell("Bus station"), "Bus station");
    }
}
