//! The application layer: every action a user can take, as a use case that decides whether
//! the actor may (in [`policy`]), does it through the store, and leaves an audit record.
//!
//! Interfaces (web, API, command line) call these and render the result; they hold no rules.

pub mod access;
pub mod actor;
pub mod audit;
pub mod auth;
pub mod backups;
pub mod board;
mod board_cache;
mod chronologies;
pub mod demo;
mod demo_episodes;
mod demo_profiles;
pub mod disclosures;
pub mod episode_form;
pub mod episodes;
pub mod error;
pub mod escalation;
mod fixed;
pub mod inspections;
pub mod learning;
pub mod metrics;
pub mod missing_policies;
pub mod organisation;
pub mod patterns;
pub mod people;
pub mod photos;
pub mod police_pack;
pub mod policy;
pub mod reviews;
pub mod second_factor;
pub mod secrets;
pub mod settings;
pub mod tokens;
pub mod users;

use homeward_domain::time::Clock;
use homeward_store::{Store, StoreError};
use std::sync::Arc;

pub use actor::{Actor, RequestMeta};
pub use error::{AppError, AppResult, FieldError};

/// Everything a use case needs: the store, the clock, the installation's keys, and where
/// live boards hear that an episode changed.
#[derive(Clone)]
pub struct App {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub keys: Arc<secrets::Keys>,
    pub board: board::Feed,
    /// Counts and times for `/metrics`, shared by the web server and the worker.
    pub metrics: Arc<metrics::Metrics>,
    /// Whether the audit checkpoint is being kept, for the admin's page.
    pub checkpoint: Arc<std::sync::Mutex<backups::CheckpointHealth>>,
    fixed: Arc<fixed::Fixed>,
    board_cache: Arc<board_cache::BoardCache>,
    chronologies: Arc<chronologies::Chronologies>,
}

impl App {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, keys: secrets::Keys) -> Self {
        Self {
            store,
            clock,
            keys: Arc::new(keys),
            board: board::Feed::default(),
            metrics: Arc::default(),
            checkpoint: Arc::default(),
            fixed: Arc::default(),
            board_cache: Arc::default(),
            chronologies: Arc::default(),
        }
    }

    /// Opens the store a database URL names: `sqlite://PATH` or `postgres://…`.
    pub async fn open_store(url: &str, keys: &secrets::Keys) -> Result<Arc<dyn Store>, StoreError> {
        let audit_key = keys.audit_key().to_vec();
        if url.starts_with("sqlite:") {
            Ok(Arc::new(
                homeward_store_sqlite::SqliteStore::open(url, audit_key).await?,
            ))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Arc::new(
                homeward_store_postgres::PgStore::open(url, audit_key).await?,
            ))
        } else {
            Err(StoreError::Unavailable(
                "the database URL must start with sqlite:// or postgres://".into(),
            ))
        }
    }
}
