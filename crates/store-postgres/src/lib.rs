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
    /// The password from the address, for `pg_dump` (the options do not give it back).
    password: Option<String>,
    /// Audited reads and chronology appends waiting for the same commit.
    batches: homeward_store::group_commit::GroupCommit<Transaction<'static, Postgres>>,
}

impl PgStore {
    /// An arbitrary constant naming Homeward's audit-chain lock among the cluster's advisory locks.
    /// Rows read to be changed are held until the transaction ends; one another transaction
    /// holds is not waited for (see `append_to_episode`).
    const LOCK_ROW: &'static str = " FOR UPDATE NOWAIT";
    const LOCK_AUDIT_CHAIN: Option<&'static str> = Some("SELECT pg_advisory_xact_lock(7302541)");
    /// Every table of Homeward's, by name (sqlx's own bookkeeping tables start with `_`).
    const LIST_TABLES: &'static str = "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY table_name";

    /// Connects to a `postgres://` URL and brings the schema up to date.
    pub async fn open(url: &str, audit_key: Vec<u8>) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("bad PostgreSQL address: {e}")))?;
        let mut store = Self::open_with(options, audit_key).await?;
        store.password = password_of(url);
        Ok(store)
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
            password: None,
            batches: Default::default(),
        })
    }

    /// Another store on the same database and schema, with its own connections: what a
    /// second app server would have. For tests of several servers sharing one database.
    #[doc(hidden)]
    pub async fn another_server(&self) -> StoreResult<Self> {
        let mut store = Self::open_with(self.options.clone(), self.audit_key.clone()).await?;
        store.password = self.password.clone();
        Ok(store)
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

    /// `pg_dump` in the snapshot the counts were read in: a copy of exactly what the manifest
    /// describes, while others go on writing. Only this store's schema is copied.
    async fn copy_to(&self, file: &std::path::Path) -> StoreResult<homeward_store::Contents> {
        let mut tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await
            .map_err(Self::db_err)?;
        let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
            .fetch_one(&mut *tx)
            .await
            .map_err(Self::db_err)?;
        let schema: String = sqlx::query_scalar("SELECT current_schema()::text")
            .fetch_one(&mut *tx)
            .await
            .map_err(Self::db_err)?;
        let contents = Self::contents_of(&mut tx).await?;
        let mut dump = tokio::process::Command::new("pg_dump");
        dump.arg("--format=custom")
            .arg("--no-owner")
            .arg("--no-privileges")
            .arg(format!("--snapshot={snapshot}"))
            .arg("--file")
            .arg(file);
        // The usual database keeps everything in `public`, which every new database already
        // has: naming it would make the dump create it again, and the restore fail.
        if schema != "public" {
            dump.arg(format!("--schema={schema}"));
        }
        run_tool(dump, &self.options, self.password.as_deref()).await?;
        tx.rollback().await.map_err(Self::db_err)?;
        Ok(contents)
    }

    /// Loads a `pg_dump` file into the database at `url`, which must hold no tables yet
    /// (a restore never overwrites live data), in one transaction.
    pub async fn restore(url: &str, file: &std::path::Path) -> StoreResult<()> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("bad PostgreSQL address: {e}")))?;
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(Self::db_err)?;
        let tables: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
        )
        .fetch_one(&pool)
        .await
        .map_err(Self::db_err)?;
        pool.close().await;
        if tables > 0 {
            return Err(StoreError::Conflict(
                "that database already holds tables: restore into a new, empty database",
            ));
        }
        let database = options
            .get_database()
            .unwrap_or(options.get_username())
            .to_string();
        let mut load = tokio::process::Command::new("pg_restore");
        load.arg("--no-owner")
            .arg("--no-privileges")
            .arg("--exit-on-error")
            .arg("--single-transaction")
            .arg(format!("--dbname={database}"))
            .arg(file);
        run_tool(load, &options, password_of(url).as_deref()).await
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

/// The password in a `postgres://user:password@host/db` address, decoded.
fn password_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let password = parsed.password()?;
    Some(
        url::form_urlencoded::parse(format!("p={password}").as_bytes())
            .next()
            .map_or_else(|| password.to_string(), |(_, v)| v.into_owned()),
    )
}

/// Runs `pg_dump` or `pg_restore` against the server the options name, passing the password
/// in the environment (never on the command line, where other users could read it).
async fn run_tool(
    mut command: tokio::process::Command,
    options: &PgConnectOptions,
    password: Option<&str>,
) -> StoreResult<()> {
    let host = match options.get_socket() {
        Some(dir) => dir.display().to_string(),
        None => options.get_host().to_string(),
    };
    command
        .env("PGHOST", host)
        .env("PGPORT", options.get_port().to_string())
        .env("PGUSER", options.get_username());
    if let Some(db) = options.get_database() {
        command.env("PGDATABASE", db);
    }
    if let Some(p) = password {
        command.env("PGPASSWORD", p);
    }
    let name = format!("{:?}", command.as_std().get_program());
    let out = command.output().await.map_err(|e| {
        StoreError::Unavailable(format!(
            "cannot run {name}: {e} (is postgresql-client installed?)"
        ))
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(StoreError::Unavailable(format!(
            "{name} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

homeward_store::impl_sql_store!(PgStore, Postgres, Engine::Postgres);
homeward_store::impl_policy_store!(PgStore, Postgres);
