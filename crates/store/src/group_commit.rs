//! Group commit: concurrent audited reads and chronology appends share one durable commit.
//!
//! A durable commit costs a flush to disk, and every audited page view used to pay for one of
//! its own, so a busy hour was bound by how often the disk could flush rather than by the work.
//! Here the first writer to arrive opens a batch (a write transaction); everyone who arrives
//! while it is open does their work inside it, each in a savepoint of their own so a refusal or
//! a failure takes back only their part; then one commit makes the whole batch durable and
//! every member hears the outcome. Nobody is told their write is saved before that commit.
//!
//! The audit records of a batch are appended to the chain last, just before the commit, so the
//! chain's lock (on PostgreSQL) is held no longer than it was when each write committed alone,
//! and a batch holding one episode's row never waits for the chain while someone holding the
//! chain waits for that row.
//!
//! The batch is committed by a task of its own, so a request that goes away (a closed phone)
//! cannot leave a batch open: its savepoint is rolled back and the rest commit as usual. (If
//! it goes at the very moment its savepoint is released, the driver's clean-up can leave the
//! transaction unusable; then the whole batch fails and every member is told its write was
//! not saved. Nobody is told a write was saved that was not.)

use crate::{StoreError, StoreResult};
use homeward_domain::audit::{AuditEvent, Seal};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::{Mutex, MutexGuard, watch};

/// An audit record waiting for its batch's commit, with the chronology entry it vouches for.
pub type PendingAudit = (AuditEvent, Option<Seal>);

type Outcome = Option<Result<(), StoreError>>;

/// The open batch, if any, of one store. `Tx` is the engine's write transaction.
pub struct GroupCommit<Tx> {
    open: Arc<Mutex<Option<Batch<Tx>>>>,
    counts: Arc<Counts>,
}

impl<Tx> Default for GroupCommit<Tx> {
    fn default() -> Self {
        Self {
            open: Arc::new(Mutex::new(None)),
            counts: Arc::default(),
        }
    }
}

#[derive(Default)]
struct Counts {
    commits: AtomicU64,
    writes: AtomicU64,
}

/// How much sharing there has been since the store opened: `writes` audited reads and
/// appends made durable by `commits` commits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shared {
    pub commits: u64,
    pub writes: u64,
}

struct Batch<Tx> {
    tx: Tx,
    audits: Vec<PendingAudit>,
    outcome: watch::Sender<Outcome>,
}

/// One writer's place in a batch: the transaction to work in while it holds the batch, then
/// the outcome of the commit.
pub struct Member<'a, Tx> {
    batch: MutexGuard<'a, Option<Batch<Tx>>>,
    outcome: watch::Receiver<Outcome>,
}

impl<Tx: Send + 'static> GroupCommit<Tx> {
    pub fn shared(&self) -> Shared {
        Shared {
            commits: self.counts.commits.load(Ordering::Relaxed),
            writes: self.counts.writes.load(Ordering::Relaxed),
        }
    }

    /// Joins the open batch, or opens one with `begin` and hands it to a task that commits it
    /// with `finish` (appending the batch's audit records, then committing) once everyone who
    /// is already waiting has had their turn.
    pub async fn join<B, F, Fut>(&self, begin: B, finish: F) -> StoreResult<Member<'_, Tx>>
    where
        B: Future<Output = StoreResult<Tx>>,
        F: FnOnce(Tx, Vec<PendingAudit>) -> Fut + Send + 'static,
        Fut: Future<Output = StoreResult<()>> + Send + 'static,
    {
        let mut batch = self.open.lock().await;
        if batch.is_none() {
            let tx = begin.await?;
            let (outcome, _) = watch::channel(None);
            *batch = Some(Batch {
                tx,
                audits: Vec::new(),
                outcome,
            });
            let (open, counts) = (Arc::clone(&self.open), Arc::clone(&self.counts));
            tokio::spawn(async move {
                // The lock is fair: everyone already queued for it joins this batch before the
                // committer gets it, and whoever comes later opens the next one.
                let Some(batch) = open.lock().await.take() else {
                    return;
                };
                let writes = batch.audits.len() as u64;
                let result = finish(batch.tx, batch.audits).await;
                if result.is_ok() {
                    counts.commits.fetch_add(1, Ordering::Relaxed);
                    counts.writes.fetch_add(writes, Ordering::Relaxed);
                }
                batch.outcome.send_replace(Some(result));
            });
        }
        let outcome = match batch.as_ref() {
            Some(open) => open.outcome.subscribe(),
            None => return Err(StoreError::Internal("no batch is open".into())),
        };
        Ok(Member { batch, outcome })
    }
}

impl<Tx> Member<'_, Tx> {
    /// The batch's transaction. Work in a savepoint of it, so a failure takes back only this
    /// member's part.
    pub fn tx(&mut self) -> StoreResult<&mut Tx> {
        self.batch
            .as_mut()
            .map(|b| &mut b.tx)
            .ok_or_else(|| StoreError::Internal("no batch is open".into()))
    }

    /// Adds this member's audit record, to be chained and committed with the batch.
    pub fn audit(&mut self, event: AuditEvent, seal: Option<Seal>) {
        if let Some(batch) = self.batch.as_mut() {
            batch.audits.push((event, seal));
        }
    }

    /// Lets the next member in, then waits for the batch's commit: `Ok` only once it is
    /// durable.
    pub async fn committed(self) -> StoreResult<()> {
        let Member { batch, mut outcome } = self;
        drop(batch);
        let result = outcome
            .wait_for(Option::is_some)
            .await
            .map_err(|_| {
                StoreError::Unavailable(
                    "the write was not confirmed: the server is stopping".into(),
                )
            })?
            .clone();
        result.unwrap_or_else(|| Err(StoreError::Internal("no outcome".into())))
    }
}
