//! The live board as this server last read it, per organisation and set of services, kept
//! with the organisation's board stamp at the time (see migration 0028). A board is watched
//! by everyone on shift and refreshed every few seconds, while what it shows changes far
//! less often; a view whose stamp has not moved is served from here and costs one small
//! read instead of a row per open episode. The database keeps the stamp with triggers, so
//! a change made anywhere (another server, the command line) is seen on the next view.

use homeward_domain::ids::{OrgId, ServiceId};
use homeward_store::{BoardRow, Service, Store, StoreResult};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Boards held at most: one for each scope viewed (most staff see one home, whose board is a
/// few rows; a manager of many sees one larger board). Past it the map starts again rather
/// than grow without end.
const MOST: usize = 1_024;

/// The open episodes the board shows and the organisation's services (for its filter).
pub(crate) struct BoardRead {
    pub rows: Vec<BoardRow>,
    pub services: Vec<Service>,
}

type Key = (OrgId, Option<Vec<ServiceId>>);

#[derive(Default)]
pub(crate) struct BoardCache(Mutex<HashMap<Key, (i64, Arc<BoardRead>)>>);

impl BoardCache {
    /// The board for the organisation (in the services given), read again only if the
    /// stamp has moved since it was last read.
    ///
    /// The stamp is read before the board, never after: a change committed between the two
    /// reads is then in the rows kept but not in their stamp, so the next view reads again.
    /// The other way round, rows older than their stamp would be kept until the next change.
    pub async fn read(
        &self,
        store: &dyn Store,
        org: OrgId,
        services: Option<&[ServiceId]>,
    ) -> StoreResult<Arc<BoardRead>> {
        let stamp = store.board_stamp(org).await?;
        let key = (org, services.map(<[ServiceId]>::to_vec));
        if let Some((kept, read)) = self.0.lock().ok().and_then(|m| m.get(&key).cloned())
            && kept == stamp
        {
            return Ok(read);
        }
        let (rows, all) =
            tokio::try_join!(store.board_rows(org, services), store.list_services(org))?;
        let read = Arc::new(BoardRead {
            rows,
            services: all,
        });
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= MOST {
                map.clear();
            }
            // A slower reader that read an older stamp must not replace a newer board.
            let newer = map.get(&key).is_some_and(|(kept, _)| *kept > stamp);
            if !newer {
                map.insert(key, (stamp, read.clone()));
            }
        }
        Ok(read)
    }
}
