//! Reading and checking the audit trail.

use crate::actor::require;
use crate::policy::Action;
use crate::{Actor, App, AppResult, RequestMeta};
use homeward_domain::audit::{self, AuditRecord, Break, ChainState, Outcome};

/// What `homeward audit verify` reports.
#[derive(Debug, PartialEq, Eq)]
pub enum Verification {
    Intact { records: u64 },
    Broken { after_good_records: u64, at: Break },
}

impl App {
    /// Walks the whole chain in pages and names the first broken link.
    pub async fn verify_audit_chain(&self) -> AppResult<Verification> {
        let mut state = ChainState::default();
        loop {
            let page = self.store.audit_page(state.last_seq, 1000).await?;
            if page.is_empty() {
                return Ok(Verification::Intact {
                    records: state.checked,
                });
            }
            if let Err(at) = audit::verify_page(self.keys.audit_key(), &mut state, &page) {
                return Ok(Verification::Broken {
                    after_good_records: state.checked,
                    at,
                });
            }
        }
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
