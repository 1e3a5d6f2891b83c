//! Reading and checking the audit trail.

use crate::AppError;
use crate::actor::require;
use crate::policy::Action;
use crate::{Actor, App, AppResult, RequestMeta};
use homeward_domain::audit::{self, AuditRecord, Break, ChainState, Checkpoint, Outcome};
use homeward_domain::ids::PersonId;
use std::collections::{BTreeMap, HashMap};

/// What a record's action says, in words: "Viewed the list of people"; a refused page keeps
/// its address.
pub fn action_words(t: homeward_i18n::Tr, code: &str) -> String {
    match code.strip_prefix("route.") {
        Some(route) => format!("{} ({route})", t.get("audit-do-route")),
        None => t.get_or(&format!("audit-do-{}", code.replace('.', "-")), code),
    }
}

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
    /// Reads what `read` reads while its audit record is made durable, so the disk's flush
    /// overlaps the queries instead of coming before them. The data is handed back only once
    /// the record is committed, and not at all if it could not be: nothing is shown that was
    /// not recorded. `read` must not depend on the record.
    pub(crate) async fn audited<T>(
        &self,
        event: &homeward_domain::audit::AuditEvent,
        read: impl std::future::Future<Output = AppResult<T>>,
    ) -> AppResult<T> {
        let record = async { self.store.record_audit(event).await.map_err(AppError::from) };
        let ((), value) = tokio::try_join!(record, read)?;
        Ok(value)
    }

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
            // A person's records start with the person (`audit_records_of`).
            ("person", query.records.first().map(String::as_str)),
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

    /// Everything the trail may name about one person: the person and their episodes, as the
    /// `records` of a query; and the person's name. Another organisation's is not found.
    pub async fn audit_records_of(
        &self,
        actor: &Actor,
        person: PersonId,
    ) -> AppResult<(String, Vec<String>)> {
        require(actor, Action::ViewAuditTrail)?;
        let found = self
            .store
            .get_person(actor.org_id(), person)
            .await?
            .ok_or(AppError::NotFound)?;
        let episodes = self
            .store
            .list_episodes(
                actor.org_id(),
                &homeward_store::EpisodeQuery {
                    person: Some(person),
                    limit: 1000,
                    ..Default::default()
                },
            )
            .await?;
        let mut records = vec![person.to_string()];
        records.extend(episodes.iter().map(|e| e.id.to_string()));
        Ok((
            format!("{} {}", found.given_name, found.family_name),
            records,
        ))
    }

    /// Names for the records a page of the trail mentions (people, episodes by their person,
    /// users), by the id the trail holds.
    pub async fn audit_names(
        &self,
        actor: &Actor,
        records: &[AuditRecord],
    ) -> AppResult<HashMap<String, String>> {
        require(actor, Action::ViewAuditTrail)?;
        let mut ids: Vec<uuid::Uuid> = records
            .iter()
            .filter_map(|r| r.event.resource_id.as_deref()?.parse().ok())
            .collect();
        ids.sort();
        ids.dedup();
        let mut names = HashMap::new();
        for chunk in ids.chunks(500) {
            for (id, name) in self.store.record_names(actor.org_id(), chunk).await? {
                names.insert(id.to_string(), name);
            }
        }
        Ok(names)
    }

    /// The trail as a spreadsheet for an investigation: every record the query finds (up to
    /// 100,000), newest first as on the page, with names beside ids, in the reader's language.
    /// Asks for the authenticator code again first; recorded as an export.
    pub async fn audit_csv(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
        query: homeward_store::AuditQuery,
        locale: homeward_domain::locale::Locale,
    ) -> AppResult<String> {
        require(actor, Action::ViewAuditTrail)?;
        self.require_recent_second_factor(actor).await?;
        const MOST: usize = 100_000;
        let mut all = Vec::new();
        let mut older_than = query.older_than;
        loop {
            let page = self
                .store
                .audit_search(
                    actor.org_id(),
                    &homeward_store::AuditQuery {
                        older_than,
                        limit: 1000,
                        ..query.clone()
                    },
                )
                .await?;
            let Some(last) = page.last() else { break };
            older_than = Some(last.seq);
            let full = page.len() == 1000;
            all.extend(page);
            if !full || all.len() >= MOST {
                break;
            }
        }
        all.truncate(MOST);
        self.store
            .record_audit(&actor.event(
                self.clock.now(),
                meta,
                "audit.export",
                "audit_trail",
                Some(format!("{} records", all.len())),
                Outcome::Allowed,
            ))
            .await?;
        let names = self.audit_names(actor, &all).await?;
        let t = homeward_i18n::Tr(locale);
        let fail = |e: csv::Error| AppError::Internal(e.to_string());
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(
            [
                "audit-when",
                "audit-who",
                "audit-what",
                "audit-record-kind",
                "audit-record-id",
                "audit-record-name",
                "audit-outcome",
                "audit-from",
                "audit-seq",
            ]
            .iter()
            .map(|k| t.get(k)),
        )
        .map_err(fail)?;
        for r in &all {
            let e = &r.event;
            let id = e.resource_id.clone().unwrap_or_default();
            let row = [
                t.date_time(e.at),
                e.actor_label.clone(),
                action_words(t, &e.action),
                t.get_or(&format!("audit-kind-{}", e.resource_kind), &e.resource_kind),
                id.clone(),
                names.get(&id).cloned().unwrap_or_default(),
                t.get(&format!("outcome-{}", e.outcome.code())),
                e.ip.clone().unwrap_or_default(),
                r.seq.to_string(),
            ];
            out.write_record(row.iter().map(|v| crate::patterns::cell(v)))
                .map_err(fail)?;
        }
        let bytes = out
            .into_inner()
            .map_err(|e| AppError::Internal(e.to_string()))?;
        String::from_utf8(bytes).map_err(|e| AppError::Internal(e.to_string()))
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
