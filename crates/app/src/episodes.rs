//! Missing episodes: opening one, adding to its chronology, reading it, and the open ones for
//! the live board. The rules of what may be added live in the domain
//! (`homeward_domain::episode`); this layer decides who may, and audits every read and write.

use crate::actor::require;
use crate::policy::Action;
use crate::{Actor, App, AppError, AppResult, RequestMeta};
use homeward_domain::audit::Outcome;
use homeward_domain::duties::{self, Duty};
use homeward_domain::episode::{
    self, EpisodeState, Event, EventRecord, Occurred, Opened, Whereabouts,
};
use homeward_domain::forms::{DocKind, Document};
use homeward_domain::ids::{EpisodeId, PersonId, ServiceId};
use homeward_domain::learning;
use homeward_store::{
    BoardChange, EpisodeCursor, EpisodeQuery, EpisodeSummary, Learning, Person, PreparedAppend,
    Schedule, StoreError,
};
use jiff::Timestamp;

/// Who an entry is written for: the organisation whose chronology it joins, and the name it
/// is recorded under.
pub(crate) struct Writer {
    pub org: homeward_domain::ids::OrgId,
    pub label: String,
}

/// What is asked when an episode is opened; the rest can come later.
#[derive(Clone, Debug, Default)]
pub struct OpenEpisodeInput {
    pub last_seen: Option<Timestamp>,
    pub last_seen_place: String,
    pub whereabouts: Option<Whereabouts>,
    pub clothing: String,
    pub circumstances: String,
}

/// Every piece of text in an entry, under the one rule for free text: the first that is too
/// long or holds a hidden character is named by its field, as the form and the API call it.
fn check_text(event: &Event) -> AppResult<()> {
    fn walk(value: &serde_json::Value, field: &str) -> Option<(String, &'static str)> {
        use homeward_domain::text::{Shape, WRITING, problem};
        match value {
            serde_json::Value::String(text) => {
                problem(text, Shape::Lines, WRITING).map(|p| (field.to_string(), p))
            }
            serde_json::Value::Array(items) => items.iter().find_map(|v| walk(v, field)),
            serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| walk(v, k)),
            _ => None,
        }
    }
    let value = serde_json::to_value(event).map_err(|e| AppError::Internal(e.to_string()))?;
    match walk(&value, "event") {
        Some((field, message)) => Err(AppError::invalid(&field, message)),
        None => Ok(()),
    }
}

/// An episode as its page shows it.
#[derive(Clone, Debug)]
pub struct EpisodeView {
    pub summary: EpisodeSummary,
    pub person: Person,
    pub state: EpisodeState,
    pub events: Vec<EventRecord>,
    /// The missing plan pinned when the episode opened: its steps are the checklist.
    pub plan: Option<Document>,
    /// Who must do what, by when, by whose rule, as of now.
    pub duties: Vec<Duty>,
}

impl EpisodeView {
    /// The plan's reasonable steps, numbered from 1 as step events name them.
    pub fn plan_steps(&self) -> Vec<(u16, String)> {
        self.plan
            .as_ref()
            .map(|plan| {
                plan.items("steps", "step")
                    .iter()
                    .filter_map(|i| i.get("what").cloned())
                    .enumerate()
                    .map(|(n, what)| (n as u16 + 1, what))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// One line of the live board, read from what was derived when the episode was last written.
#[derive(Clone, Debug)]
pub struct BoardLine {
    pub summary: EpisodeSummary,
    pub person: Person,
    pub photo: Option<homeward_domain::ids::PhotoId>,
    pub service_name: String,
    /// The open duty due soonest.
    pub next_duty: Option<NextDuty>,
    /// Pages about it that nobody has acknowledged.
    pub waiting_pages: usize,
    /// Gone again this soon after coming back from the last episode (within 28 days).
    pub near_repeat: Option<jiff::SignedDuration>,
}

/// The live board: its lines, most urgent first, and the services the reader may narrow it to.
#[derive(Clone, Debug)]
pub struct Board {
    pub lines: Vec<BoardLine>,
    pub services: Vec<homeward_store::Service>,
}

/// The duty an episode's line shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextDuty {
    pub rule: String,
    pub due_at: Option<Timestamp>,
    pub overdue: bool,
}

/// Which episodes a list asks for.
#[derive(Clone, Debug, Default)]
pub struct EpisodeFilter {
    pub open_only: bool,
    pub person: Option<PersonId>,
    pub service: Option<homeward_domain::ids::ServiceId>,
    /// `Phase::code()`s; empty for any.
    pub phases: Vec<String>,
    pub opened_from: Option<Timestamp>,
    pub opened_before: Option<Timestamp>,
    pub after: Option<EpisodeCursor>,
    /// At most this many (and never more than [`MAX_PAGE`]); 0 for the default.
    pub limit: i64,
}

/// The longest page of episodes a list returns.
pub const MAX_PAGE: i64 = 200;
/// A page of episodes when the caller does not say.
pub const DEFAULT_PAGE: i64 = 50;

/// What the board and the paging pass read, derived from the duties and pages now. The pass
/// looks at any episode that is not over as soon as something is added to it, and then
/// stores exactly when it must look again.
pub(crate) fn schedule_of(
    state: &EpisodeState,
    events: &[EventRecord],
    duties: &[Duty],
    now: Timestamp,
) -> Schedule {
    let next = duties::next_due(duties);
    Schedule {
        next_duty_rule: next.map(|d| d.rule.to_string()),
        next_duty_due_at: next.and_then(|d| d.due_at),
        waiting_pages: homeward_domain::escalation::unanswered(events).len() as i64,
        next_check_at: (!state.phase.is_ended()).then_some(now),
        // Kept by the paging pass, which writes it apart from appends.
        paging_failed_since: None,
    }
}

/// The services a list may show: the actor's scope (`None` for the whole organisation),
/// narrowed to one service if asked; one outside the scope leaves nothing.
fn within_scope(scope: Option<Vec<ServiceId>>, asked: Option<ServiceId>) -> Option<Vec<ServiceId>> {
    match (scope, asked) {
        (None, None) => None,
        (None, Some(s)) => Some(vec![s]),
        (Some(list), None) => Some(list),
        (Some(list), Some(s)) => Some(list.into_iter().filter(|x| *x == s).collect()),
    }
}

/// The order of the board, most urgent first: pages not going out, pages nobody has
/// answered, something overdue, still missing (rather than found and not yet back), then
/// missing longest.
fn board_urgency(line: &BoardLine) -> (bool, bool, bool, bool, Timestamp) {
    let s = &line.summary;
    (
        s.schedule.paging_failed_since.is_none(),
        line.waiting_pages == 0,
        !line.next_duty.as_ref().is_some_and(|d| d.overdue),
        s.phase != "missing",
        s.last_seen_at.unwrap_or(s.opened_at),
    )
}

/// What the episode contributes to learning as these entries leave it.
pub(crate) fn learning_of(
    context: &duties::Context,
    events: &[EventRecord],
    duty_list: &[Duty],
    previous_return: Option<Timestamp>,
) -> Option<Learning> {
    let mut facts = learning::facts(
        events,
        &context.risks,
        context.earlier_episodes,
        previous_return,
    )?;
    learning::expectations(&mut facts, context);
    learning::places_known(&mut facts, &context.known_places);
    Some(Learning {
        facts,
        duties: learning::duty_outcomes(events, duty_list),
    })
}

fn refused(r: episode::Refusal) -> AppError {
    AppError::invalid("event", r.message())
}

/// The read model from the derived state.
pub(crate) fn summary_of(
    id: EpisodeId,
    person: &Person,
    state: &EpisodeState,
    last: &EventRecord,
) -> EpisodeSummary {
    EpisodeSummary {
        id,
        org_id: person.org_id,
        service_id: person.service_id,
        person_id: person.id,
        phase: state.phase.code().into(),
        is_open: state.phase.is_open(),
        opened_at: state.opened.at,
        last_seen_at: state.last_seen.map(|o| o.at),
        police_grade: state
            .police_grade
            .as_ref()
            .map(|g| g.grade.code().to_string()),
        last_event_seq: last.seq,
        last_event_kind: last.event.kind().into(),
        last_event_at: last.recorded_at,
        schedule: Schedule::default(),
    }
}

impl App {
    /// Opens an episode for a person: "not back". Refused, naming the open one, if there is
    /// already an open episode for them. The plan and risk assessment in force are pinned.
    pub async fn open_episode(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        person_id: PersonId,
        input: OpenEpisodeInput,
    ) -> AppResult<EpisodeId> {
        let person = self
            .person_for(actor, Action::RecordEpisodes, person_id)
            .await?;
        let org = actor.org_id();
        if self.store.open_episode_of(org, person_id).await?.is_some() {
            return Err(AppError::invalid("person", "error-episode-already-open"));
        }
        let pinned = |kind| async move {
            self.store
                .latest_document(org, person_id, kind)
                .await
                .map(|v| v.map(|v| v.version))
        };
        let plan_version = pinned(DocKind::MissingPlan).await?;
        let risk_version = pinned(DocKind::RiskAssessment).await?;
        let settings_version = self.store.latest_settings(org).await?.map(|v| v.version);
        let now = self.clock.now();
        let first = EventRecord {
            seq: 1,
            when: Occurred::in_london(now),
            recorded_at: now,
            recorded_by: Some(actor.user.id),
            recorded_by_label: actor.user.email.clone(),
            event: Event::Opened(Opened {
                last_seen: input.last_seen.map(Occurred::in_london),
                last_seen_place: input.last_seen_place,
                whereabouts: input.whereabouts,
                clothing: input.clothing,
                circumstances: input.circumstances,
                plan_version,
                risk_version,
                rule_set: Some(duties::RULE_SET.into()),
                settings_version,
            }),
        };
        check_text(&first.event)?;
        let state = episode::derive(std::slice::from_ref(&first)).map_err(|r| match r {
            episode::Refusal::LastSeenAfterOpening => {
                AppError::invalid("last_seen", "error-episode-last-seen-after")
            }
            other => refused(other),
        })?;
        let id = EpisodeId::new_random();
        let e = actor.event(
            now,
            meta,
            "episode.open",
            "episode",
            Some(id.to_string()),
            Outcome::Allowed,
        );
        let mut summary = summary_of(id, &person, &state, &first);
        let plan = match plan_version {
            Some(v) => self
                .store
                .document_version(org, person_id, DocKind::MissingPlan, v)
                .await?
                .map(|v| v.document),
            None => None,
        };
        let context = self.duty_context(&person, plan.as_ref(), &state).await?;
        let events = [first.clone()];
        let list = duties::duties(&context, &events, now);
        summary.schedule = schedule_of(&state, &events, &list, now);
        let back = self.previous_return(&person, &state).await?;
        let learning = learning_of(&context, &events, &list, back);
        match self
            .store
            .open_episode(&summary, &first, learning.as_ref(), &e)
            .await
        {
            Ok(()) => {
                self.board.changed(BoardChange::of(&summary));
                Ok(id)
            }
            // Two people pressing "not back" at once: the second is told, nothing doubles.
            Err(StoreError::Conflict(_)) => {
                Err(AppError::invalid("person", "error-episode-already-open"))
            }
            Err(other) => Err(other.into()),
        }
    }

    /// The person's open episode, if they have one (to link to instead of opening another).
    pub async fn open_episode_of(
        &self,
        actor: &Actor,
        person_id: PersonId,
    ) -> AppResult<Option<EpisodeId>> {
        self.person_for(actor, Action::ViewEpisodes, person_id)
            .await?;
        Ok(self
            .store
            .open_episode_of(actor.org_id(), person_id)
            .await?)
    }

    /// The episode and the person, if the actor may take `action` on it; otherwise "not found".
    async fn episode_for(
        &self,
        actor: &Actor,
        action: Action,
        id: EpisodeId,
    ) -> AppResult<(EpisodeSummary, Vec<EventRecord>, Person)> {
        require(actor, action)?;
        let (summary, events) = self
            .chronology(actor.org_id(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_in(Action::ViewEpisodes, summary.service_id) {
            return Err(AppError::NotFound);
        }
        if !actor.can_in(action, summary.service_id) {
            return Err(AppError::Forbidden);
        }
        let person = self
            .store
            .get_person(actor.org_id(), summary.person_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((summary, events, person))
    }

    pub async fn view_episode(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: EpisodeId,
    ) -> AppResult<EpisodeView> {
        let (summary, events, person) = self.episode_for(actor, Action::ViewEpisodes, id).await?;
        let state = episode::derive(&events)
            .map_err(|r| AppError::Internal(format!("stored chronology does not derive: {r:?}")))?;
        let e = actor.event(
            self.clock.now(),
            meta,
            "episode.view",
            "episode",
            Some(id.to_string()),
            Outcome::Allowed,
        );
        self.audited(&e, self.episode_view_of(summary, events, person, state))
            .await
    }

    /// An episode as its page shows it, for whoever the caller has already allowed.
    pub(crate) async fn episode_view_of(
        &self,
        summary: EpisodeSummary,
        events: Vec<EventRecord>,
        person: Person,
        state: EpisodeState,
    ) -> AppResult<EpisodeView> {
        let plan = self.pinned_plan(&person, &state).await?;
        let context = self.duty_context(&person, plan.as_ref(), &state).await?;
        let duties = duties::duties(&context, &events, self.clock.now());
        Ok(EpisodeView {
            summary,
            person,
            state,
            events,
            plan,
            duties,
        })
    }

    /// Adds an event to the chronology; `when` is when it happened (now if not given). Closing
    /// and marking as recorded in error need a manager; acknowledging a page needs someone it
    /// went to, or a shift lead, manager or safeguarding lead. Colleagues adding at once
    /// queue: each entry is judged against the chronology as it stands when its turn comes.
    /// Returns the entry as stored.
    pub async fn record_event(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        id: EpisodeId,
        when: Option<Timestamp>,
        event: Event,
    ) -> AppResult<EventRecord> {
        let action = match event {
            Event::Opened(_) => return Err(refused(episode::Refusal::OpenedTwice)),
            Event::Closed { .. } | Event::RecordedInError { .. } => Action::CloseEpisodes,
            _ => Action::RecordEpisodes,
        };
        let (summary, events, person) = self.episode_for(actor, action, id).await?;
        if matches!(event, Event::Acknowledged { .. })
            && !actor.can_in(Action::AnswerAnyPage, summary.service_id)
            && !homeward_domain::escalation::paged_users(&events).contains(&actor.user.id)
        {
            return Err(AppError::invalid("event", "error-page-not-yours"));
        }
        let writer = Writer {
            org: actor.org_id(),
            label: actor.user.email.clone(),
        };
        self.append_event(actor, meta, &writer, (summary, events, person), when, event)
            .await
    }

    /// Adds an entry to an episode's chronology, for whoever `writer` says: staff of the
    /// organisation, or someone from a partner through a grant (named with their
    /// organisation, and audited in the provider's trail).
    pub(crate) async fn append_event(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        writer: &Writer,
        (summary, events, person): (EpisodeSummary, Vec<EventRecord>, Person),
        when: Option<Timestamp>,
        event: Event,
    ) -> AppResult<EventRecord> {
        check_text(&event)?;
        let id = summary.id;
        let state = episode::derive(&events)
            .map_err(|r| AppError::Internal(format!("stored chronology does not derive: {r:?}")))?;
        let plan = self.pinned_plan(&person, &state).await?;
        let context = self.duty_context(&person, plan.as_ref(), &state).await?;
        let back = self.previous_return(&person, &state).await?;
        let now = self.clock.now();
        // The entry as it would follow `events`.
        let next = |events: &[EventRecord]| EventRecord {
            seq: events.len() as i64 + 1,
            when: Occurred::in_london(when.unwrap_or(now)),
            recorded_at: now,
            recorded_by: Some(actor.user.id),
            recorded_by_label: writer.label.clone(),
            event: event.clone(),
        };
        if let Event::Closed { left_open, .. } = &event {
            // What the chronology refuses (closing before they are found) is said first.
            episode::append(&events, &next(&events)).map_err(refused)?;
            let open = duties::duties(&context, &events, now);
            let missing = duties::unaccounted(&open, left_open);
            if !missing.is_empty() {
                return Err(AppError::Invalid(
                    missing
                        .into_iter()
                        .map(|rule| crate::FieldError {
                            field: format!("left-{rule}"),
                            message: "error-duty-left-open",
                        })
                        .collect(),
                ));
            }
        }
        let prepare = |current: &EpisodeSummary, events: &[EventRecord]| {
            let record = next(events);
            let state = episode::append(events, &record)?;
            let mut all = events.to_vec();
            all.push(record.clone());
            let list = duties::duties(&context, &all, now);
            let mut summary = summary_of(id, &person, &state, &record);
            summary.schedule = schedule_of(&state, &all, &list, now);
            summary.schedule.paging_failed_since = current.schedule.paging_failed_since;
            let mut audit = actor.event(
                now,
                meta,
                &format!("episode.{}", record.event.kind()),
                "episode",
                Some(format!("{id} #{}", record.seq)),
                Outcome::Allowed,
            );
            audit.org_id = Some(writer.org);
            audit.actor_label = writer.label.clone();
            Ok(PreparedAppend {
                summary,
                record,
                audit,
                mail: Vec::new(),
                learning: learning_of(&context, &all, &list, back),
            })
        };
        match self
            .store
            .append_to_episode(writer.org, id, &events, &prepare)
            .await?
        {
            Some(Ok(done)) => {
                self.board.changed(BoardChange::of(&done.summary));
                // Written after `events` (nobody else wrote between): the chronology as it
                // now stands, for the next entry.
                if done.record.seq == events.len() as i64 + 1 {
                    let mut now_stands = events;
                    now_stands.push(done.record.clone());
                    self.chronologies.keep(writer.org, id, now_stands);
                }
                if matches!(done.record.event, Event::Closed { .. }) {
                    // Partners given this episode keep it for a day after it closes.
                    let ending = homeward_store::GrantEnding {
                        at: done.record.recorded_at + homeward_domain::access::AFTER_CLOSING,
                        by: Some(actor.user.id),
                        by_label: actor.user.display_name.clone(),
                        reason: "24 hours after the episode closed".into(),
                    };
                    // The close is kept whatever happens here: if the endings cannot be
                    // written now, the worker's sweep writes them.
                    if let Err(e) = self.store.end_episode_access(writer.org, id, &ending).await {
                        tracing::error!(episode = %id, error = %e, "could not end partners' access on closing; the worker will");
                    }
                }
                Ok(done.record)
            }
            Some(Err(refusal)) => Err(refused(refusal)),
            None => Err(AppError::NotFound),
        }
    }

    /// The name of a person whose episodes the actor may see (the list of episodes is the
    /// audited read that names them).
    pub async fn person_name(&self, actor: &Actor, id: PersonId) -> AppResult<String> {
        require(actor, Action::ViewEpisodes)?;
        let person = self
            .store
            .get_person(actor.org_id(), id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !actor.can_in(Action::ViewEpisodes, person.service_id) {
            return Err(AppError::NotFound);
        }
        Ok(format!("{} {}", person.given_name, person.family_name))
    }

    /// The missing plan pinned when the episode opened.
    /// How soon after coming back from their last episode this one began, when within 28
    /// days: the episode's and the person's pages say so. The caller has already been
    /// allowed to see the episode.
    pub async fn near_repeat_of(
        &self,
        actor: &Actor,
        id: EpisodeId,
    ) -> AppResult<Option<jiff::SignedDuration>> {
        require(actor, Action::ViewEpisodes)?;
        Ok(self
            .store
            .learning_of(actor.org_id(), id)
            .await?
            .and_then(|l| l.facts.near_repeat()))
    }

    /// When the person came back from the episode before this one, for the near-repeat
    /// warning.
    pub(crate) async fn previous_return(
        &self,
        person: &Person,
        state: &EpisodeState,
    ) -> AppResult<Option<Timestamp>> {
        let started = state.last_seen.unwrap_or(state.opened).at;
        Ok(self
            .store
            .previous_return(person.org_id, person.id, started)
            .await?)
    }

    pub(crate) async fn pinned_plan(
        &self,
        person: &Person,
        state: &EpisodeState,
    ) -> AppResult<Option<Document>> {
        Ok(match state.plan_version {
            Some(v) => self.plan_version(person.org_id, person.id, v).await?,
            None => None,
        })
    }

    /// The open episodes the actor may see, newest first: the live board. Audited as a read.
    pub async fn open_episodes(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
    ) -> AppResult<Vec<EpisodeSummary>> {
        let filter = EpisodeFilter {
            open_only: true,
            limit: MAX_PAGE,
            ..EpisodeFilter::default()
        };
        self.list_episodes(actor, meta, filter).await
    }

    /// What the duty rules need to know about the person, their home, their plan, their
    /// earlier episodes, and the organisation's settings as they were when it opened.
    pub(crate) async fn duty_context(
        &self,
        person: &Person,
        plan: Option<&Document>,
        state: &EpisodeState,
    ) -> AppResult<duties::Context> {
        let org = self
            .fixed_organisation(person.org_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let service = self
            .fixed_service(person.org_id, person.service_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let profile = self
            .store
            .latest_document(person.org_id, person.id, DocKind::Profile)
            .await?
            .map(|v| v.document)
            .unwrap_or_default();
        let yes = |section, field| profile.value(section, field) == Some("yes");
        let opened_at = state.opened.at;
        let settings = match state.settings_version {
            Some(v) => match self.settings_version(person.org_id, v).await? {
                Some(s) => s,
                None => self.settings_in_force(person.org_id).await?,
            },
            None => self.settings_in_force(person.org_id).await?,
        };
        let window = jiff::SignedDuration::from_hours(24 * settings.duties.strategy_window_days);
        let (earlier, in_window) = self
            .store
            .earlier_episodes(person.org_id, person.id, opened_at, opened_at - window)
            .await?;
        let mut risks = duties::Risks::from_codes(
            profile
                .value("risks", "indicators")
                .unwrap_or_default()
                .split(','),
        );
        // Dementia written among their conditions counts as well as the risk box.
        risks.dementia |= profile
            .value("health", "conditions")
            .is_some_and(|c| c.to_lowercase().contains("dementia"));
        Ok(duties::Context {
            nation: org.nation,
            person: person.kind,
            service: service.kind,
            looked_after: yes("legal_status", "looked_after"),
            out_of_area: yes("legal_status", "out_of_area"),
            risks,
            plan_report_after: plan
                .and_then(|p| p.value("police", "otherwise_after"))
                .and_then(duties::parse_after),
            plan_back_by: plan
                .and_then(|p| p.value("police", "back_by"))
                .and_then(|t| homeward_domain::time_entry::parse_time(t).ok())
                .and_then(|(h, m)| jiff::civil::Time::new(h, m, 0, 0).ok()),
            earlier_episodes: earlier,
            recent_episodes: in_window + 1,
            settings: settings.duties,
            known_places: profile
                .items("places", "place")
                .iter()
                .map(|item| homeward_domain::learning::KnownPlace {
                    kind: item.get("kind").cloned().unwrap_or_default(),
                    place: item.get("where").cloned().unwrap_or_default(),
                })
                .collect(),
        })
    }

    /// The live board: each open episode the actor may see (in one service, if asked) with
    /// the person, their current photo, the duty due next and the pages waiting, as derived
    /// when each was last written; the most urgent first. One audited read covers the board,
    /// which is read again only when something on it has changed (see `board_cache`).
    pub async fn board(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        service: Option<ServiceId>,
    ) -> AppResult<Board> {
        require(actor, Action::ViewEpisodes)?;
        let services = within_scope(actor.scope_for(Action::ViewEpisodes), service);
        let now = self.clock.now();
        let e = actor.event(
            now,
            meta,
            "episode.board",
            "episode",
            service.map(|s| s.to_string()),
            Outcome::Allowed,
        );
        let read = self
            .audited(&e, async {
                Ok(self
                    .board_cache
                    .read(&*self.store, actor.org_id(), services.as_deref())
                    .await?)
            })
            .await?;
        let mut lines: Vec<BoardLine> = read
            .rows
            .iter()
            .map(|r| {
                let s = &r.summary.schedule;
                BoardLine {
                    next_duty: s.next_duty_rule.clone().map(|rule| NextDuty {
                        rule,
                        due_at: s.next_duty_due_at,
                        overdue: s.next_duty_due_at.is_some_and(|d| now > d),
                    }),
                    waiting_pages: usize::try_from(s.waiting_pages).unwrap_or(0),
                    near_repeat: r.previous_return_at.and_then(|back| {
                        learning::near_repeat(
                            r.summary.last_seen_at.unwrap_or(r.summary.opened_at),
                            back,
                        )
                    }),
                    summary: r.summary.clone(),
                    person: r.person.clone(),
                    photo: r.photo,
                    service_name: r.service_name.clone(),
                }
            })
            .collect();
        lines.sort_by_key(board_urgency);
        let services = read
            .services
            .iter()
            .filter(|s| actor.can_in(Action::ViewEpisodes, s.id))
            .cloned()
            .collect();
        Ok(Board { lines, services })
    }

    /// The episodes the actor may see, newest first, as the filter asks, a page at a time.
    /// Audited as a read.
    pub async fn list_episodes(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        filter: EpisodeFilter,
    ) -> AppResult<Vec<EpisodeSummary>> {
        require(actor, Action::ViewEpisodes)?;
        // Someone the actor may not see is not found, as a direct read would say, and is
        // never recorded as read.
        if let Some(person) = filter.person {
            self.person_for(actor, Action::ViewEpisodes, person).await?;
        }
        let services = within_scope(actor.scope_for(Action::ViewEpisodes), filter.service);
        let e = actor.event(
            self.clock.now(),
            meta,
            if filter.open_only {
                "episode.board"
            } else {
                "episode.list"
            },
            "episode",
            filter.person.map(|p| p.to_string()),
            Outcome::Allowed,
        );
        self.store.record_audit(&e).await?;
        let limit = match filter.limit {
            n if n <= 0 => DEFAULT_PAGE,
            n => n.min(MAX_PAGE),
        };
        let query = EpisodeQuery {
            services,
            open_only: filter.open_only,
            person: filter.person,
            phases: filter.phases,
            opened_from: filter.opened_from,
            opened_before: filter.opened_before,
            after: filter.after,
            limit,
            waiting_only: false,
        };
        Ok(self.store.list_episodes(actor.org_id(), &query).await?)
    }

    /// Whether a board change is one the actor may see (the change itself names no one).
    pub fn sees_change(&self, actor: &Actor, change: &homeward_store::BoardChange) -> bool {
        change.org_id == actor.org_id() && actor.can_in(Action::ViewEpisodes, change.service_id)
    }
}
