//! Learning from every episode: the facts each episode contributes are written with each
//! chronology entry; this rebuilds them from the chronologies when the way they are derived
//! changes, or for data loaded from elsewhere.

use crate::episodes::learning_of;
use crate::{App, AppError, AppResult};
use homeward_domain::duties;
use homeward_domain::episode;
use homeward_domain::ids::OrgId;
use homeward_store::{EpisodeCursor, EpisodeQuery};

/// Episodes read at a time while rebuilding.
const BATCH: i64 = 500;

/// What a rebuild did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rebuilt {
    pub episodes: usize,
    /// Episodes whose chronology could not be read; logged, and the rest rebuilt.
    pub failed: usize,
    /// The organisations' counts stored afresh from the rebuilt facts.
    pub counts: u64,
}

impl App {
    /// Works out every episode's facts again from its chronology and writes them, for one
    /// organisation or all of them. An episode that fails is logged and skipped.
    pub async fn rebuild_learning(&self, only: Option<OrgId>) -> AppResult<Rebuilt> {
        let orgs = self.organisations_or(only).await?;
        // Twice: an episode's near-repeat warning reads when the person came back from the one
        // before, from that one's facts, and the list runs newest first. The second pass
        // reads what the first wrote; its counts are the answer.
        let mut done = Rebuilt::default();
        for _pass in 0..2 {
            done = Rebuilt::default();
            for &org in &orgs {
                self.rebuild_org(org, &mut done).await?;
            }
        }
        // Writing each episode's facts kept the counts up to date as it went; counting them
        // again from the facts puts right any count a failed write or an older version left.
        done.counts = self.rebuild_counts(only).await?;
        Ok(done)
    }

    /// The one organisation asked for, or all of them.
    async fn organisations_or(&self, only: Option<OrgId>) -> AppResult<Vec<OrgId>> {
        Ok(match only {
            Some(org) => vec![org],
            None => self
                .store
                .list_organisations()
                .await?
                .into_iter()
                .map(|o| o.id)
                .collect(),
        })
    }

    /// Counts each organisation's patterns (or one's) again from the facts kept, replacing
    /// the counts kept entry by entry. Returns how many counts are stored.
    pub async fn rebuild_counts(&self, only: Option<OrgId>) -> AppResult<u64> {
        let orgs = self.organisations_or(only).await?;
        let mut counts = 0;
        for org in orgs {
            counts += self.store.rebuild_rollups(org).await?;
        }
        self.store.refresh_statistics().await?;
        Ok(counts)
    }

    async fn rebuild_org(&self, org: OrgId, done: &mut Rebuilt) -> AppResult<()> {
        let mut after: Option<EpisodeCursor> = None;
        // Each person's associates once, from their latest information form.
        let mut people_done = std::collections::HashSet::new();
        loop {
            let query = EpisodeQuery {
                after,
                limit: BATCH,
                ..EpisodeQuery::default()
            };
            let page = self.store.list_episodes(org, &query).await?;
            for summary in &page {
                if people_done.insert(summary.person_id)
                    && let Err(e) = self.refresh_associates(org, summary.person_id).await
                {
                    tracing::error!(person = %summary.person_id, error = %e, "could not keep this person's associates; the others go on");
                }
                match self.rebuild_one(org, summary.id).await {
                    Ok(()) => done.episodes += 1,
                    Err(e) => {
                        tracing::error!(episode = %summary.id, error = %e, "could not rebuild this episode's facts; the others go on");
                        done.failed += 1;
                    }
                }
            }
            match page.last() {
                Some(last) if page.len() as i64 == BATCH => {
                    after = Some(EpisodeCursor {
                        opened_at: last.opened_at,
                        id: last.id,
                    });
                }
                _ => return Ok(()),
            }
        }
    }

    async fn refresh_associates(
        &self,
        org: OrgId,
        person: homeward_domain::ids::PersonId,
    ) -> AppResult<()> {
        let profile = self
            .store
            .latest_document(org, person, homeward_domain::forms::DocKind::Profile)
            .await?
            .map(|v| v.document)
            .unwrap_or_default();
        let associates = homeward_domain::learning::associates(&profile);
        self.store.refresh_associates(person, &associates).await?;
        Ok(())
    }

    async fn rebuild_one(&self, org: OrgId, id: homeward_domain::ids::EpisodeId) -> AppResult<()> {
        let (summary, events) = self
            .store
            .episode(org, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let person = self
            .store
            .get_person(org, summary.person_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let state = episode::derive(&events)
            .map_err(|r| AppError::Internal(format!("stored chronology does not derive: {r:?}")))?;
        let plan = self.pinned_plan(&person, &state).await?;
        let context = self.duty_context(&person, plan.as_ref(), &state).await?;
        let list = duties::duties(&context, &events, self.clock.now());
        let back = self.previous_return(&person, &state).await?;
        let learning = learning_of(&context, &events, &list, back)
            .ok_or_else(|| AppError::Internal("no facts from the chronology".into()))?;
        self.store.put_learning(&summary, &learning).await?;
        Ok(())
    }
}
