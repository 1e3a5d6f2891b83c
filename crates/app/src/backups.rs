//! What the admin is told about the installation's backups: when the last good one was
//! taken, and whether the latest failed. The server records each attempt; this reads them.

use crate::actor::require;
use crate::policy::Action;
use crate::{Actor, App, AppResult};
use homeward_store::BackupRecord;
use jiff::Timestamp;

/// How keeping the audit checkpoint (the sealed note of where the trail has got to, which
/// shows records removed from its end) is going, as the worker last found it.
#[derive(Clone, Debug, Default)]
pub struct CheckpointHealth {
    /// Since when it could not be written, and why (the latest reason).
    pub failing: Option<(Timestamp, String)>,
    /// The trail was found shorter than the checkpoint: (records then, records now).
    pub shorter: Option<(i64, i64)>,
}

/// The backups an admin needs to know about.
#[derive(Debug, Default)]
pub struct BackupStatus {
    pub last_good: Option<BackupRecord>,
    /// The newest attempt, when it failed after the last good one.
    pub failing: Option<BackupRecord>,
    /// Attempts that failed since the last good one.
    pub failures_since_good: usize,
    pub checkpoint: CheckpointHealth,
}

/// How many attempts are read back to find the last good one.
const LOOK_BACK: i64 = 50;

impl App {
    pub async fn backup_status(&self, actor: &Actor) -> AppResult<BackupStatus> {
        require(actor, Action::ManageSettings)?;
        let recent = self.store.recent_backups(LOOK_BACK).await?;
        let failures_since_good = recent.iter().take_while(|b| b.problem.is_some()).count();
        Ok(BackupStatus {
            failing: recent.first().filter(|b| b.problem.is_some()).cloned(),
            last_good: recent.into_iter().find(|b| b.problem.is_none()),
            failures_since_good,
            checkpoint: self.checkpoint_health(),
        })
    }

    fn checkpoint_health(&self) -> CheckpointHealth {
        self.checkpoint
            .lock()
            .map(|h| h.clone())
            .unwrap_or_default()
    }

    /// The worker wrote the checkpoint, or found it could not (`problem`). True when that
    /// is news (a new failure, or a new reason), so a log says it once, not every pass.
    pub fn checkpoint_kept(&self, problem: Option<String>) -> bool {
        let now = self.clock.now();
        let Ok(mut h) = self.checkpoint.lock() else {
            return false;
        };
        let news = h.failing.as_ref().map(|(_, p)| p) != problem.as_ref();
        h.failing = problem.map(|p| (h.failing.as_ref().map_or(now, |(since, _)| *since), p));
        news
    }

    /// The trail was found shorter than its checkpoint said it was: kept until restarted, for
    /// the admin to see and act on.
    pub fn trail_shorter_than_checkpoint(&self, then: i64, now: i64) {
        if let Ok(mut h) = self.checkpoint.lock() {
            h.shorter = Some((then, now));
        }
    }

    /// Records a backup the server took, or its failure.
    pub async fn record_backup(&self, backup: &BackupRecord) -> AppResult<()> {
        Ok(self.store.record_backup(backup).await?)
    }
}
