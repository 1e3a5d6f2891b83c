//! Reading and checking the audit trail.

use crate::actor::require;
use crate::policy::Action;
use crate::{Actor, App, AppResult, RequestMeta};
use homeward_domain::audit::{self, AuditRecord, Break, ChainState, Checkpoint, Outcome};
use std::collections::BTreeMap;

/// What `homeward audit verify` reports.
#[derive(Debug, PartialEq, Eq)]
pub enum Verification {
    Intact {
        records: u64,
        /// Chronology entries whose content matched the record written with them.
        entries: u64,
        /// Checkpoints the trail was checked against.
        checkpoints: usize,
    },
    Broken {
        after_good_records: u64,
        at: Break,
    },
}

impl App {
    /// Walks the whole chain in pages and names the first broken link; then checks every
    /// sealed chronology entry against its record, looks for entries added without one, and
    /// holds the trail against checkpoints taken earlier (kept outside the database), which
    /// finds records removed from its end.
    pub async fn verify_audit_chain(&self, checkpoints: &[Checkpoint]) -> AppResult<Verification> {
        let key = self.keys.audit_key();
        let mut state = ChainState::default();
        // The hash at each checkpoint's place, noted on the way past.
        let mut seen: BTreeMap<i64, Option<String>> =
            checkpoints.iter().map(|c| (c.seq, None)).collect();
        loop {
            let page = self.store.audit_page(state.last_seq, 1000).await?;
            if page.is_empty() {
                break;
            }
            if let Err(at) = audit::verify_page(key, &mut state, &page) {
                return Ok(Verification::Broken {
                    after_good_records: state.checked,
                    at,
                });
            }
            for r in &page {
                if let Some(slot) = seen.get_mut(&r.seq) {
                    *slot = Some(r.hash.clone());
                }
            }
        }
        let broken = |at| {
            Ok(Verification::Broken {
                after_good_records: state.checked,
                at,
            })
        };
        for c in checkpoints {
            if let Err(at) = c.check(key, state.last_seq, |seq| seen.get(&seq).cloned().flatten()) {
                return broken(at);
            }
        }
        let mut entries = 0;
        let mut after = 0;
        loop {
            let page = self.store.sealed_entries(after, 1000).await?;
            let Some(last) = page.last() else { break };
            after = last.audit_seq;
            for e in &page {
                let (seq, episode, entry) = (e.audit_seq, e.seal.episode, e.seal.entry);
                match &e.stored_digest {
                    None => {
                        return broken(Break::EntryMissing {
                            seq,
                            episode,
                            entry,
                        });
                    }
                    Some(d) if *d != e.seal.digest => {
                        return broken(Break::EntryAltered {
                            seq,
                            episode,
                            entry,
                        });
                    }
                    Some(_) => entries += 1,
                }
            }
        }
        if let Some((episode, entry)) = self.store.unsealed_entries(1).await?.first() {
            return broken(Break::EntryUnsealed {
                episode: episode.0,
                entry: *entry,
            });
        }
        Ok(Verification::Intact {
            records: state.checked,
            entries,
            checkpoints: checkpoints.len(),
        })
    }

    /// Where the chain has got to now, sealed with this installation's key: written beside
    /// the database and into each backup's manifest. None while the trail is empty.
    pub async fn audit_checkpoint(&self) -> AppResult<Option<Checkpoint>> {
        let now = self.clock.now();
        Ok(self
            .store
            .audit_head()
            .await?
            .map(|(seq, hash)| Checkpoint::new(self.keys.audit_key(), seq, &hash, now)))
    }

    /// A page of the organisation's audit trail, newest first, filtered in the database.
    /// Reading the trail is itself recorded, with what was looked for. `limit` is capped at
    /// [`crate::episodes::MAX_PAGE`].
    pub async fn search_audit(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        query: homeward_store::AuditQuery,
    ) -> AppResult<Vec<AuditRecord>> {
        require(actor, Action::ViewAuditTrail)?;
        let query = homeward_store::AuditQuery {
            limit: query.limit.clamp(1, crate::episodes::MAX_PAGE),
            ..query
        };
        let looked_for = [
            ("who", query.who.as_deref()),
            ("record", query.record.as_deref()),
            ("kind", query.kind.as_deref()),
        ]
        .iter()
        .filter_map(|(k, v)| {
            v.filter(|v| !v.trim().is_empty())
                .map(|v| format!("{k}={v}"))
        })
        .collect::<Vec<_>>()
        .join(" ");
        let now = self.clock.now();
        self.store
            .record_audit(&actor.event(
                now,
                meta,
                "audit.view",
                "audit_trail",
                Some(looked_for).filter(|s| !s.is_empty()),
                Outcome::Allowed,
            ))
            .await?;
        Ok(self.store.audit_search(actor.org_id(), &query).await?)
    }

    /// Records that an actor was refused something: refusals matter to an investigation.
    pub async fn record_denied(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        what: &str,
    ) -> AppResult<()> {
        let now = self.clock.now();
        self.store
            .record_audit(&actor.event(now, meta, what, "route", None, Outcome::Denied))
            .await?;
        Ok(())
    }
}
