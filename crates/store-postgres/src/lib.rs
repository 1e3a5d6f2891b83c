//! The engine for a region or a nation: PostgreSQL behind several stateless app servers.
//!
//! Appends to the audit chain are serialised with a transaction-scoped advisory lock taken
//! just before the append, so concurrent servers never fork the chain.

use homeward_store::{Engine, StoreError, StoreResult};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Pool, Postgres, Transaction};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::time::Duration;

pub struct PgStore {
    pool: Pool<Postgres>,
    audit_key: Vec<u8>,
    /// How this store connected, so a test can stand up a second app server beside it.
    options: PgConnectOptions,
}

impl PgStore {
    /// An arbitrary constant naming Homeward's audit-chain lock among the cluster's advisory locks.
    /// Rows read to be changed are held until the transaction ends.
    const LOCK_ROW: &'static str = " FOR UPDATE";
    const LOCK_AUDIT_CHAIN: Option<&'static str> = Some("SELECT pg_advisory_xact_lock(7302541)");

    /// Connects to a `postgres://` URL and brings the schema up to date.
    pub async fn open(url: &str, audit_key: Vec<u8>) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("bad PostgreSQL address: {e}")))?;
        Self::open_with(options, audit_key).await
    }

    async fn open_with(options: PgConnectOptions, audit_key: Vec<u8>) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await
            .map_err(Self::db_err)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| StoreError::Internal(format!("migration failed: {e}")))?;
        Ok(Self {
            pool,
            audit_key,
            options,
        })
    }

    /// Another store on the same database and schema, with its own connections: what a
    /// second app server would have. For tests of several servers sharing one database.
    #[doc(hidden)]
    pub async fn another_server(&self) -> StoreResult<Self> {
        Self::open_with(self.options.clone(), self.audit_key.clone()).await
    }

    /// For tests: a store in a new, empty schema of the server named by the `PG*` environment
    /// variables (as `pg_virtualenv` sets them), or `HOMEWARD_TEST_POSTGRES_URL`. `None` when
    /// neither is set.
    pub async fn open_fresh_schema(audit_key: Vec<u8>) -> StoreResult<Option<Self>> {
        let base = match std::env::var("HOMEWARD_TEST_POSTGRES_URL") {
            Ok(url) => PgConnectOptions::from_str(&url)
                .map_err(|e| StoreError::Unavailable(format!("bad PostgreSQL address: {e}")))?,
            Err(_)
                if std::env::var_os("PGHOST").is_some() || std::env::var_os("PGPORT").is_some() =>
            {
                PgConnectOptions::new()
            }
            Err(_) => return Ok(None),
        };
        let mut suffix = [0u8; 8];
        getrandom::fill(&mut suffix).map_err(|e| StoreError::Internal(e.to_string()))?;
        let schema = format!("hw_test_{}", hex::encode(suffix));
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(base.clone())
            .await
            .map_err(Self::db_err)?;
        // The name is generated here from random hex, never from input.
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .map_err(Self::db_err)?;
        admin.close().await;
        let options = base.options([("search_path", schema.as_str())]);
        Self::open_with(options, audit_key).await.map(Some)
    }

    fn reader(&self) -> &Pool<Postgres> {
        &self.pool
    }

    async fn close_pools(&self) {
        self.pool.close().await;
    }

    /// Listens on the channel the episodes trigger notifies (migration 0006) and passes each
    /// change on. The listener reconnects by itself if the connection drops; what changed
    /// meanwhile is caught up by boards asking again on their next change or reload.
    async fn listen_board(&self, sink: homeward_store::BoardSink) -> StoreResult<bool> {
        let mut listener = sqlx::postgres::PgListener::connect_with(&self.pool)
            .await
            .map_err(Self::db_err)?;
        listener
            .listen("homeward_board")
            .await
            .map_err(Self::db_err)?;
        let pool = self.pool.clone();
        tokio::spawn(async move {
            while !pool.is_closed() {
                match listener.try_recv().await {
                    Ok(Some(n)) => {
                        if let Some(change) = parse_board_change(n.payload()) {
                            sink(change);
                        }
                    }
                    // The connection dropped; the next call reconnects.
                    Ok(None) => continue,
                    Err(e) => {
                        tracing::warn!(error = %e, "board listener failed; retrying");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(true)
    }

    fn audit_key(&self) -> &[u8] {
        &self.audit_key
    }

    async fn begin_write(&self) -> StoreResult<Transaction<'static, Postgres>> {
        self.pool.begin().await.map_err(Self::db_err)
    }

    /// Every table and its columns in the current schema, for the schema-parity test.
    pub async fn schema_columns(&self) -> StoreResult<BTreeMap<String, BTreeSet<String>>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_sqlx%'",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(Self::db_err)?;
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (table, column) in rows {
            out.entry(table).or_default().insert(column);
        }
        Ok(out)
    }

    /// Runs a statement outside the store's rules. Tests use it to show what the database
    /// itself refuses.
    #[doc(hidden)]
    pub async fn execute_unchecked(&self, sql: &str) -> StoreResult<u64> {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&self.pool)
            .await
            .map(|r| r.rows_affected())
            .map_err(Self::db_err)
    }
}

/// "org service episode seq", as the trigger writes it.
fn parse_board_change(payload: &str) -> Option<homeward_store::BoardChange> {
    use homeward_domain::ids::{EpisodeId, OrgId, ServiceId};
    let mut parts = payload.split(' ');
    let mut uuid = || parts.next().and_then(|p| uuid::Uuid::parse_str(p).ok());
    let (org, service, episode) = (uuid()?, uuid()?, uuid()?);
    let seq = parts.next()?.parse().ok()?;
    Some(homeward_store::BoardChange {
        org_id: OrgId(org),
        service_id: ServiceId(service),
        episode_id: EpisodeId(episode),
        seq,
    })
}

homeward_store::impl_sql_store!(PgStore, Postgres, Engine::Postgres);
