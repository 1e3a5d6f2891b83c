//! The embedded engine: a bundled SQLite (recent enough to be free of the WAL-reset bug fixed
//! in 3.51.3), in WAL mode with `synchronous=FULL` so an acknowledged write survives a power
//! cut, one writer connection taking the lock up front (`BEGIN IMMEDIATE`), and a pool of
//! readers that WAL lets run beside it.

use homeward_store::{Engine, StoreError, StoreResult};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Sqlite, Transaction};
use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStore {
    reader: Pool<Sqlite>,
    writer: Pool<Sqlite>,
    audit_key: Vec<u8>,
    /// Audited reads and chronology appends waiting for the same commit.
    batches: homeward_store::group_commit::GroupCommit<Transaction<'static, Sqlite>>,
}

impl SqliteStore {
    /// SQLite has one writer at a time, so the chain needs no further lock.
    /// The write transaction holds the whole database (`BEGIN IMMEDIATE`): no row lock needed.
    const LOCK_ROW: &'static str = "";
    const LOCK_AUDIT_CHAIN: Option<&'static str> = None;
    /// Every table of Homeward's, by name (sqlx's own bookkeeping tables start with `_`).
    const LIST_TABLES: &'static str = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name";

    /// Opens (creating if needed) the database at a `sqlite://PATH` URL and brings its schema
    /// up to date.
    pub async fn open(url: &str, audit_key: Vec<u8>) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::Unavailable(format!("bad SQLite address: {e}")))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await
            .map_err(Self::db_err)?;
        sqlx::migrate!("./migrations")
            .run(&writer)
            .await
            .map_err(|e| StoreError::Internal(format!("migration failed: {e}")))?;
        // Let the planner know how selective each index is (one person's or one home's
        // facts against the organisation's time order), reading a sample of each table so
        // opening stays quick however large the database.
        sqlx::raw_sql("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")
            .execute(&writer)
            .await
            .map_err(Self::db_err)?;
        let reader = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.read_only(true))
            .await
            .map_err(Self::db_err)?;
        Ok(Self {
            reader,
            writer,
            audit_key,
            batches: Default::default(),
        })
    }

    fn reader(&self) -> &Pool<Sqlite> {
        &self.reader
    }

    async fn close_pools(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    /// One process owns an embedded database: there are no other servers to hear from.
    async fn listen_board(&self, _sink: homeward_store::BoardSink) -> StoreResult<bool> {
        Ok(false)
    }

    fn audit_key(&self) -> &[u8] {
        &self.audit_key
    }

    async fn begin_write(&self) -> StoreResult<Transaction<'static, Sqlite>> {
        self.writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(Self::db_err)
    }

    /// A consistent copy, made by SQLite from one read transaction while writers go on,
    /// photos and all; then what the copy holds, read from the copy itself.
    async fn copy_to(&self, file: &std::path::Path) -> StoreResult<homeward_store::Contents> {
        let target = file
            .to_str()
            .ok_or_else(|| StoreError::Internal("the backup path is not valid text".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.reader)
            .await
            .map_err(Self::db_err)?;
        let mut copy = Self::open_file(file, true).await?;
        let contents = Self::contents_of(&mut copy).await;
        let _ = sqlx::Connection::close(copy).await;
        contents
    }

    async fn open_file(
        file: &std::path::Path,
        read_only: bool,
    ) -> StoreResult<sqlx::sqlite::SqliteConnection> {
        use sqlx::ConnectOptions as _;
        SqliteConnectOptions::new()
            .filename(file)
            .read_only(read_only)
            .connect()
            .await
            .map_err(Self::db_err)
    }

    /// SQLite's own check of a database file, page by page: "ok" when it is sound; then what
    /// it holds. For a restored copy, before anything opens it for writing.
    pub async fn check_file(
        file: &std::path::Path,
    ) -> StoreResult<(Vec<String>, homeward_store::Contents)> {
        use sqlx::Row as _;
        let mut conn = Self::open_file(file, true).await?;
        let problems: Vec<String> = sqlx::query("PRAGMA integrity_check")
            .fetch_all(&mut conn)
            .await
            .map_err(Self::db_err)?
            .iter()
            .map(|r| r.try_get::<String, _>(0).map_err(Self::db_err))
            .collect::<StoreResult<_>>()?;
        let problems = problems.into_iter().filter(|p| p != "ok").collect();
        let contents = Self::contents_of(&mut conn).await;
        let _ = sqlx::Connection::close(conn).await;
        Ok((problems, contents?))
    }

    /// The SQLite library actually linked, e.g. "3.51.3".
    pub async fn sqlite_version(&self) -> StoreResult<String> {
        sqlx::query_scalar("SELECT sqlite_version()")
            .fetch_one(&self.reader)
            .await
            .map_err(Self::db_err)
    }

    /// A connection setting as SQLite reports it, e.g. `journal_mode` or `synchronous`.
    pub async fn pragma(&self, name: &str) -> StoreResult<String> {
        let allowed = [
            "journal_mode",
            "synchronous",
            "foreign_keys",
            "busy_timeout",
        ];
        if !allowed.contains(&name) {
            return Err(StoreError::Internal(format!(
                "pragma {name} is not inspectable"
            )));
        }
        let value: sqlx::sqlite::SqliteRow =
            sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA {name}")))
                .fetch_one(&self.writer)
                .await
                .map_err(Self::db_err)?;
        use sqlx::Row as _;
        value
            .try_get::<String, _>(0)
            .or_else(|_| value.try_get::<i64, _>(0).map(|n| n.to_string()))
            .map_err(Self::db_err)
    }

    /// Every table and its columns, for the schema-parity test.
    pub async fn schema_columns(&self) -> StoreResult<BTreeMap<String, BTreeSet<String>>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
        )
        .fetch_all(&self.reader)
        .await
        .map_err(Self::db_err)?;
        let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (table, column) in rows {
            out.entry(table).or_default().insert(column);
        }
        Ok(out)
    }

    /// Runs a statement on the writer, outside the store's rules. Tests use it to show what
    /// the database itself refuses.
    #[doc(hidden)]
    pub async fn execute_unchecked(&self, sql: &str) -> StoreResult<u64> {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&self.writer)
            .await
            .map(|r| r.rows_affected())
            .map_err(Self::db_err)
    }
}

homeward_store::impl_sql_store!(SqliteStore, Sqlite, Engine::Sqlite);
homeward_store::impl_policy_store!(SqliteStore, Sqlite);
