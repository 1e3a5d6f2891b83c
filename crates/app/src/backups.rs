//! What the admin is told about the installation's backups: when the last good one was
//! taken, and whether the latest failed. The server records each attempt; this reads them.

use crate::actor::require;
use crate::policy::Action;
use crate::{Actor, App, AppResult};
use homeward_store::BackupRecord;

/// The backups an admin needs to know about.
#[derive(Debug, Default)]
pub struct BackupStatus {
    pub last_good: Option<BackupRecord>,
    /// The newest attempt, when it failed after the last good one.
    pub failing: Option<BackupRecord>,
    /// Attempts that failed since the last good one.
    pub failures_since_good: usize,
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
        })
    }

    /// Records a backup the server took, or its failure.
    pub async fn record_backup(&self, backup: &BackupRecord) -> AppResult<()> {
        Ok(self.store.record_backup(backup).await?)
    }
}
