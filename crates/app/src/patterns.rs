//! Patterns and trends across episodes, for those who lead and those who inspect: what a
//! window's episodes add up to beside the window before, and the episodes behind each figure.

use crate::actor::require;
use crate::policy::Action;
use crate::{Actor, App, AppError, AppResult, RequestMeta};
use homeward_domain::audit::Outcome;
use homeward_domain::ids::{EpisodeId, PersonId, ServiceId};
use homeward_store::{Cut, EpisodeSummary, FactsFilter, Patterns, Person};
use jiff::Timestamp;
use jiff::civil::Date;

/// The longest window a patterns page covers: ten years.
const LONGEST_DAYS: i32 = 3_660;

/// What someone asks the patterns for: one service or all they may see, the days from and to
/// (UK dates, both included), and optionally one cut.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternsAsk {
    pub service: Option<ServiceId>,
    pub from: Date,
    pub to: Date,
    pub cut: Option<Cut>,
}

/// A window's figures beside those of the window of the same length just before it.
#[derive(Clone, Debug)]
pub struct PatternsView {
    pub now: Timestamp,
    pub current: Patterns,
    pub previous: Patterns,
    pub previous_from: Date,
    pub previous_to: Date,
    /// The people in "who went missing most", by id.
    pub people: Vec<Person>,
}

impl App {
    /// The filter for an ask, within what the actor may see, or a problem with the dates.
    fn facts_filter(&self, actor: &Actor, ask: &PatternsAsk) -> AppResult<FactsFilter> {
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
        let filter = self.facts_filter(actor, ask)?;
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
        let current = self.store.patterns(org, &filter, now).await?;
        let previous = self.store.patterns(org, &before, now).await?;
        let mut people = Vec::new();
        for (id, _) in &current.most {
            if let Some(p) = self.store.get_person(org, *id).await? {
                people.push(p);
            }
        }
        Ok(PatternsView {
            now,
            current,
            previous,
            previous_from,
            previous_to,
            people,
        })
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
        let filter = self.facts_filter(actor, ask)?;
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
    if let Some(cut) = &ask.cut {
        s += &format!(" {cut:?}");
    }
    s
}
