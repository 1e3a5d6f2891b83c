//! How live boards hear that an episode changed: a broadcast inside this process, fed by the
//! use cases that change episodes or, when the database is shared by several app servers, by
//! the database's own notifications (which then cover this server's changes too).

use homeward_store::{BoardChange, Store, StoreResult};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::broadcast;

/// Boards that fall this far behind miss changes and simply ask again.
const BACKLOG: usize = 1024;

#[derive(Clone)]
pub struct Feed {
    sender: broadcast::Sender<BoardChange>,
    /// The database passes every change on, this server's own included.
    from_database: Arc<AtomicBool>,
}

impl Default for Feed {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(BACKLOG).0,
            from_database: Arc::new(AtomicBool::new(false)),
        }
    }
}

impl Feed {
    /// Starts listening to the database, if it can tell us about other servers' changes.
    pub async fn connect(&self, store: &Arc<dyn Store>) -> StoreResult<()> {
        let sender = self.sender.clone();
        let shared = store
            .watch_board(Box::new(move |change| {
                // No board listening is not a failure.
                let _ = sender.send(change);
            }))
            .await?;
        self.from_database.store(shared, Ordering::SeqCst);
        Ok(())
    }

    /// A change made here, once it is committed.
    pub(crate) fn changed(&self, change: BoardChange) {
        if !self.from_database.load(Ordering::SeqCst) {
            let _ = self.sender.send(change);
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<BoardChange> {
        self.sender.subscribe()
    }
}
