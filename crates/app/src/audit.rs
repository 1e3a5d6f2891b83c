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

    /// The organisation's newest audit records. Reading the trail is itself recorded.
    pub async fn recent_audit(
        &self,
        actor: &Actor,
        meta: &RequestMeta,
    ) -> AppResult<Vec<AuditRecord>> {
        require(actor, Action::ViewAuditTrail)?;
        let now = self.clock.now();
        self.store
            .record_audit(&actor.event(
                now,
                meta,
                "audit.view",
                "audit_trail",
                None,
                Outcome::Allowed,
            ))
            .await?;
        Ok(self.store.recent_audit(actor.org_id(), 200).await?)
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
