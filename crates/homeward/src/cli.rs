//! Commands, their flags and `HOMEWARD_*` environment variables.

use clap::{Args, Parser, Subcommand};
use homeward_app::App;
use homeward_app::audit::Verification;
use homeward_app::organisation::NewOrganisationInput;
use homeward_app::secrets::Keys;
use homeward_app::users::NewUserInput;
use homeward_domain::organisation::{Nation, Regulator, ServiceKind};
use homeward_domain::time::SystemClock;
use homeward_web::WebConfig;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "homeward",
    version,
    about = "Homeward: prevent, respond to and learn from episodes in which a child or adult in care goes missing.",
    long_about = None
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server. Refuses to start without a secret key.
    Serve(ServeArgs),
    /// Run the server on a fresh SQLite database full of fictional demo data.
    Demo(crate::demo::DemoArgs),
    /// Bring the database schema up to date, then exit (serve does this too, at start).
    Migrate(DbArgs),
    /// Organisations (tenants).
    #[command(subcommand)]
    Org(OrgCommand),
    /// Services (a home, a fostering service, a home-care branch).
    #[command(subcommand)]
    Service(ServiceCommand),
    /// User accounts and API tokens.
    #[command(subcommand)]
    User(UserCommand),
    /// Take a backup now: a consistent copy while the server runs, encrypted for its
    /// recipients, with a manifest (rows per table, the audit trail's head).
    Backup(BackupArgs),
    /// Make a key pair for backups: writes the secret identity to a file (keep it away from
    /// the server, in the safe) and prints the public key to give to --recipient.
    BackupKey {
        /// Where to write the identity; refused if the file exists.
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into a new place (never over a live database), then check it against
    /// its manifest and walk its audit trail.
    Restore(RestoreArgs),
    /// The audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Measure speed and page weight on this machine, on a fresh database of demo data.
    Bench(crate::bench::BenchArgs),
    /// Fill a database with a region's decade of made-up data (one organisation: services,
    /// people, episodes and their chronologies), for benchmarks at scale.
    Generate(crate::generate::GenerateArgs),
    /// Work out every episode's facts for the patterns pages and reports again from the
    /// chronologies (after an upgrade that changes how they are derived, or an import), and
    /// count each organisation's patterns again from them.
    RebuildLearning(RebuildArgs),
}

#[derive(Args, Debug, Clone)]
pub struct BackupArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The folder to write the backup into (a new folder inside it per backup).
    #[arg(long)]
    pub to: PathBuf,
    #[command(flatten)]
    pub encryption: EncryptionArgs,
}

/// Who can open a backup. One of these is needed: a backup holds children's records.
#[derive(Args, Debug, Clone, Default)]
pub struct EncryptionArgs {
    /// An age public key (age1…) to encrypt the backup for; repeat for several.
    #[arg(
        long = "recipient",
        env = "HOMEWARD_BACKUP_RECIPIENTS",
        value_delimiter = ','
    )]
    pub recipients: Vec<String>,
    /// A file of age public keys, one a line.
    #[arg(long, env = "HOMEWARD_BACKUP_RECIPIENTS_FILE")]
    pub recipients_file: Option<PathBuf>,
    /// Write the copy unencrypted (only onto a disk that is itself encrypted).
    #[arg(long)]
    pub unencrypted: bool,
}

impl EncryptionArgs {
    pub fn encryption(&self) -> Result<crate::backup::Encryption, String> {
        crate::backup::Encryption::from_args(
            &self.recipients,
            self.recipients_file.as_deref(),
            self.unencrypted,
        )
    }
}

#[derive(Args, Debug, Clone)]
pub struct RestoreArgs {
    /// Where to restore to: a SQLite file that does not exist yet, or an empty PostgreSQL
    /// database. With the installation's secret key, which the audit trail is checked with.
    #[command(flatten)]
    pub db: DbArgs,
    /// The backup's folder (the one holding manifest.json).
    #[arg(long)]
    pub from: PathBuf,
    /// The age identity file (AGE-SECRET-KEY-…) that opens an encrypted backup.
    #[arg(long)]
    pub identity: Option<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct RebuildArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// Only count the patterns again from the facts already kept (quick: no chronology is
    /// read).
    #[arg(long)]
    pub counts_only: bool,
}

#[derive(Args, Debug, Clone)]
pub struct DbArgs {
    /// Where the data lives: sqlite://PATH (the embedded default) or postgres://USER@HOST/DB.
    #[arg(
        long,
        env = "HOMEWARD_DATABASE_URL",
        default_value = "sqlite://homeward-data/homeward.db"
    )]
    pub database_url: String,
    /// The installation's secret: 64 hexadecimal characters. Keys the audit trail's hash chain.
    #[arg(long, env = "HOMEWARD_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// A file holding the secret key, instead of --secret-key.
    #[arg(long, env = "HOMEWARD_SECRET_KEY_FILE")]
    pub secret_key_file: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DbArgs,
    /// The address and port to listen on.
    #[arg(long, env = "HOMEWARD_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The address people use, e.g. https://homeward.example.org. An https address turns on HSTS.
    #[arg(long, env = "HOMEWARD_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Take the client's address from X-Forwarded-For. Only behind a reverse proxy you run.
    #[arg(long, env = "HOMEWARD_TRUST_PROXY")]
    pub trust_proxy: bool,
    #[command(flatten)]
    pub mail: MailArgs,
    /// Where the audit trail's checkpoint is kept, outside the database's reach (default:
    /// beside a SQLite database; give one for PostgreSQL).
    #[arg(long, env = "HOMEWARD_AUDIT_CHECKPOINT")]
    pub audit_checkpoint: Option<PathBuf>,
    #[command(flatten)]
    pub backups: ScheduleArgs,
}

/// Backups the server takes by itself.
#[derive(Args, Debug, Clone)]
pub struct ScheduleArgs {
    /// A folder to take backups into on a schedule. Without it the server takes none.
    #[arg(long, env = "HOMEWARD_BACKUP_DIR")]
    pub backup_dir: Option<PathBuf>,
    /// Hours between backups.
    #[arg(long, env = "HOMEWARD_BACKUP_EVERY_HOURS", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=168))]
    pub backup_every_hours: u32,
    /// How many backups to keep; older ones are removed after a good new one.
    #[arg(long, env = "HOMEWARD_BACKUP_KEEP", default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub backup_keep: u32,
    #[command(flatten)]
    pub encryption: EncryptionArgs,
}

/// Where email for pages goes. Without an SMTP host, emails wait in the outbox (nothing is
/// lost) and pages are seen in the app only.
#[derive(Args, Debug)]
pub struct MailArgs {
    /// The SMTP server, e.g. smtp.example.org.
    #[arg(long, env = "HOMEWARD_SMTP_HOST")]
    pub smtp_host: Option<String>,
    #[arg(long, env = "HOMEWARD_SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,
    /// starttls (the usual, on port 587), tls (port 465) or none (a relay on this machine).
    #[arg(long, env = "HOMEWARD_SMTP_SECURITY", default_value = "starttls")]
    pub smtp_security: String,
    #[arg(long, env = "HOMEWARD_SMTP_USER")]
    pub smtp_user: Option<String>,
    #[arg(long, env = "HOMEWARD_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// The sender, e.g. "Homeward <homeward@example.org>".
    #[arg(
        long,
        env = "HOMEWARD_MAIL_FROM",
        default_value = "Homeward <homeward@localhost>"
    )]
    pub mail_from: String,
}

impl MailArgs {
    pub fn mailer(&self) -> Result<Option<Arc<dyn homeward_mail::Mailer>>, String> {
        let Some(host) = &self.smtp_host else {
            return Ok(None);
        };
        let security = match self.smtp_security.as_str() {
            "starttls" => homeward_mail::Security::StartTls,
            "tls" => homeward_mail::Security::Tls,
            "none" => homeward_mail::Security::None,
            other => {
                return Err(format!(
                    "--smtp-security must be starttls, tls or none, not {other:?}"
                ));
            }
        };
        let config = homeward_mail::SmtpConfig {
            host: host.clone(),
            port: self.smtp_port,
            security,
            username: self.smtp_user.clone(),
            password: self.smtp_password.clone(),
            from: self.mail_from.clone(),
        };
        Ok(Some(Arc::new(homeward_mail::SmtpMailer::new(&config)?)))
    }
}

/// The background work of a server: escalation and the outbox.
pub struct Worker {
    pub mailer: Option<Arc<dyn homeward_mail::Mailer>>,
    /// The address links in emails start with.
    pub link: String,
    /// The database's address and where its audit checkpoint is kept.
    pub database_url: String,
    pub checkpoint: Option<PathBuf>,
    /// Backups on a schedule, when a folder was given.
    pub backups: Option<Schedule>,
}

/// When and where the server takes backups.
pub struct Schedule {
    pub dir: PathBuf,
    pub every: std::time::Duration,
    pub keep: usize,
    pub encryption: crate::backup::Encryption,
}

impl ScheduleArgs {
    pub fn schedule(&self) -> Result<Option<Schedule>, String> {
        let Some(dir) = &self.backup_dir else {
            return Ok(None);
        };
        Ok(Some(Schedule {
            dir: dir.clone(),
            every: std::time::Duration::from_secs(u64::from(self.backup_every_hours) * 3600),
            keep: self.backup_keep as usize,
            encryption: self.encryption.encryption()?,
        }))
    }
}

/// How often the worker looks for pages due and mail to send.
const WORKER_EVERY: std::time::Duration = std::time::Duration::from_secs(20);

/// Runs the worker's passes until `stop` says so. A pass under way when it does is finished
/// first: a page is never half-sent.
fn start_worker(
    app: App,
    worker: Worker,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(WORKER_EVERY);
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = stop.changed() => break,
            }
            let started = std::time::Instant::now();
            let escalated = app.escalate(&worker.link).await;
            if let Err(e) = &escalated {
                tracing::warn!(error = %e, "escalation pass failed; trying again shortly");
            }
            if let Err(e) = app.end_closed_access().await {
                tracing::warn!(error = %e, "ending partners' access to closed episodes failed; trying again shortly");
            }
            let mut mail_failed = false;
            if let Some(mailer) = &worker.mailer
                && let Err(e) = app.send_mail(mailer.as_ref()).await
            {
                mail_failed = true;
                tracing::warn!(error = %e, "sending mail failed; trying again shortly");
            }
            app.metrics.observe_pass(
                started.elapsed().as_secs_f64(),
                escalated.is_err() || mail_failed,
            );
            let kept =
                keep_checkpoint(&app, &worker.database_url, worker.checkpoint.as_deref()).await;
            let problem = kept.err();
            if app.checkpoint_kept(problem.clone()) {
                match problem {
                    Some(e) => {
                        tracing::warn!(error = %e, "the audit checkpoint cannot be written; trying again each pass")
                    }
                    None => tracing::info!("the audit checkpoint is being written again"),
                }
            }
            if *stop.borrow() {
                break;
            }
        }
    })
}

const NO_CHECKPOINT: &str = "no file is set for it: start the server with --audit-checkpoint FILE, on a disk the database's users cannot write";

/// Writes where the audit trail has got to into the checkpoint file. With nowhere to keep it
/// (PostgreSQL without --audit-checkpoint), that is the problem the admin is shown.
async fn keep_checkpoint(
    app: &App,
    database_url: &str,
    checkpoint: Option<&std::path::Path>,
) -> Result<(), String> {
    if crate::backup::checkpoint_path(database_url, checkpoint).is_none() {
        return Err(NO_CHECKPOINT.to_string());
    }
    if let Some(cp) = app.audit_checkpoint().await.map_err(|e| e.to_string())? {
        note_checkpoint(app, database_url, checkpoint, &cp)?;
    }
    Ok(())
}

/// Takes a backup whenever the last good one is older than the schedule allows, records each
/// attempt for the admin's page, and keeps the newest few. A failure is logged, recorded and
/// tried again an hour later, never left silent.
fn start_backups(
    app: App,
    schedule: Schedule,
    database_url: String,
    checkpoint: Option<PathBuf>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    const RETRY: std::time::Duration = std::time::Duration::from_secs(3600);
    tokio::spawn(async move {
        loop {
            let wait = match app.store.recent_backups(20).await {
                Ok(recent) => {
                    let due = recent.iter().find(|b| b.problem.is_none()).map(|b| {
                        b.finished_at
                            .checked_add(
                                jiff::SignedDuration::try_from(schedule.every).unwrap_or_default(),
                            )
                            .unwrap_or(b.finished_at)
                    });
                    let tried_lately = recent.first().filter(|b| b.problem.is_some()).map(|b| {
                        b.finished_at
                            .checked_add(jiff::SignedDuration::try_from(RETRY).unwrap_or_default())
                            .unwrap_or(b.finished_at)
                    });
                    let next = match (due, tried_lately) {
                        (Some(d), Some(t)) => Some(d.max(t)),
                        (d, t) => d.or(t),
                    };
                    next.map(|at| at.duration_since(app.clock.now()))
                        .and_then(|d| std::time::Duration::try_from(d).ok())
                        .unwrap_or_default()
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read when the last backup was taken");
                    RETRY
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop.changed() => break,
            }
            let started = app.clock.now();
            let outcome = crate::backup::take(&app, &schedule.dir, &schedule.encryption).await;
            let record = match &outcome {
                Ok(taken) => {
                    tracing::info!(folder = %taken.folder.display(), seconds = taken.seconds, "backup taken");
                    if let Some(cp) = &taken.manifest.audit
                        && let Err(e) =
                            note_checkpoint(&app, &database_url, checkpoint.as_deref(), cp)
                    {
                        tracing::warn!(error = %e, "writing the audit checkpoint failed");
                    }
                    homeward_store::BackupRecord {
                        started_at: started,
                        finished_at: app.clock.now(),
                        file_name: taken
                            .folder
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        bytes: i64::try_from(taken.manifest.bytes).unwrap_or(i64::MAX),
                        audit_seq: taken.manifest.audit.as_ref().map_or(0, |c| c.seq),
                        problem: None,
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "the scheduled backup failed");
                    homeward_store::BackupRecord {
                        started_at: started,
                        finished_at: app.clock.now(),
                        file_name: String::new(),
                        bytes: 0,
                        audit_seq: 0,
                        problem: Some(e.clone()),
                    }
                }
            };
            if let Err(e) = app.record_backup(&record).await {
                tracing::error!(error = %e, "cannot record the backup in the database");
            }
            if outcome.is_ok() {
                match crate::backup::prune(&schedule.dir, schedule.keep) {
                    Ok(removed) if !removed.is_empty() => {
                        tracing::info!(removed = removed.len(), "removed the oldest backups");
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "cannot remove old backups"),
                }
            }
            if *stop.borrow() {
                break;
            }
        }
    })
}

/// Resolves on SIGTERM (a service manager stopping the server) or Ctrl-C.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Add an organisation and print its id.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        name: String,
        /// england, wales or scotland.
        #[arg(long)]
        nation: String,
        /// ofsted, cqc, ciw or care_inspectorate (default: the usual one for children's services in the nation).
        #[arg(long)]
        regulator: Option<String>,
        #[arg(long)]
        registration_number: String,
        #[arg(long)]
        registered_manager: String,
        #[arg(long)]
        safeguarding_lead: String,
        /// provider (the default), or a partner: police, local_authority, return_interviews
        /// or inspectorate.
        #[arg(long, default_value = "provider")]
        kind: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ServiceCommand {
    /// Add a service to an organisation and print its id.
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// The organisation's id.
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: String,
        /// childrens_home, fostering_service, supported_accommodation, home_care or adult_care_home.
        #[arg(long)]
        kind: String,
        #[arg(long, default_value = "")]
        registration_number: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user. The password is read from HOMEWARD_NEW_USER_PASSWORD or the first line of
    /// standard input, never from a flag (flags show up in process lists).
    Add {
        #[command(flatten)]
        db: DbArgs,
        /// The organisation's id.
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// A role (repeat for several): care_worker, shift_lead, manager, safeguarding_lead,
        /// org_admin, auditor, police, social_worker, return_interview_worker.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Limit the roles to one service (its id); default: the whole organisation.
        #[arg(long)]
        service: Option<String>,
    },
    /// Issue an API bearer token for a user and print it (it is shown once).
    Token {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "api")]
        label: String,
        /// Days until it expires (1 to 366; 90 unless said).
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the audit trail's hash chain from the first record to the last and name the first
    /// broken link. Exits 1 if it is broken.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// The checkpoint file the server keeps (default: beside a SQLite database).
        #[arg(long, env = "HOMEWARD_AUDIT_CHECKPOINT")]
        checkpoint: Option<PathBuf>,
        /// A backup's folder or manifest: its audit head is checked too. Repeat for several.
        #[arg(long)]
        manifest: Vec<PathBuf>,
    },
}

/// A broken link in words, for the command line.
pub fn describe_break(at: &homeward_domain::audit::Break) -> String {
    use homeward_domain::audit::Break;
    match at {
        Break::Gap { expected, found } => {
            format!("record {expected} is missing (the next record is {found})")
        }
        Break::WrongPrevious { seq } => {
            format!("record {seq} does not follow the record before it")
        }
        Break::Altered { seq } => {
            format!("record {seq} has been altered (or the secret key is wrong)")
        }
        Break::EntryAltered {
            seq,
            episode,
            entry,
        } => format!(
            "entry {entry} of episode {episode}'s chronology has been changed since record {seq} \
             was written with it"
        ),
        Break::EntryMissing {
            seq,
            episode,
            entry,
        } => format!(
            "entry {entry} of episode {episode}'s chronology, written with record {seq}, is gone"
        ),
        Break::EntryUnsealed { episode, entry } => format!(
            "entry {entry} of episode {episode}'s chronology was added outside Homeward (no \
             audit record vouches for it)"
        ),
        Break::Truncated {
            checkpoint_seq,
            last_seq,
        } => format!(
            "records after {last_seq} have been removed: a checkpoint saw the trail reach \
             {checkpoint_seq}"
        ),
        Break::CheckpointMismatch { seq } => {
            format!("record {seq} is not the record a checkpoint saw there")
        }
        Break::CheckpointForged => {
            "a checkpoint was not made with this installation's key".to_string()
        }
    }
}

/// Reads the secret from the flag, the environment or the file. There is no default: a
/// production server never runs on a made-up key.
pub fn load_keys(db: &DbArgs) -> Result<Keys, String> {
    let hex = match (&db.secret_key, &db.secret_key_file) {
        (Some(k), _) => k.clone(),
        (None, Some(path)) => std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the secret key file {}: {e}", path.display()))?,
        (None, None) => {
            return Err("no secret key: set HOMEWARD_SECRET_KEY (or HOMEWARD_SECRET_KEY_FILE) to 64 hexadecimal \
                        characters, for example from `openssl rand -hex 32`. Keep it safe: the audit trail \
                        cannot be verified without it."
                .into());
        }
    };
    Keys::from_hex(&hex).map_err(|e| e.to_string())
}

/// Makes the folder of a SQLite database file, so a first start just works.
fn ensure_sqlite_dir(url: &str) -> Result<(), String> {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let path = path.split('?').next().unwrap_or(path);
        if let Some(parent) = std::path::Path::new(path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
    }
    Ok(())
}

pub async fn open_app(db: &DbArgs) -> Result<App, String> {
    let keys = load_keys(db)?;
    ensure_sqlite_dir(&db.database_url)?;
    let store = App::open_store(&db.database_url, &keys)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    Ok(App::new(store, Arc::new(SystemClock), keys))
}

pub async fn bind(listen: SocketAddr) -> Result<tokio::net::TcpListener, String> {
    tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))
}

pub async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    config: WebConfig,
    mut worker: Worker,
) -> Result<(), String> {
    // Boards on this server hear of events recorded through the others.
    app.board
        .connect(&app.store)
        .await
        .map_err(|e| format!("cannot listen for changes in the database: {e}"))?;
    if worker.mailer.is_none() {
        tracing::warn!(
            "no SMTP server is set: pages are shown in Homeward and emails wait in the outbox"
        );
    }
    let (database_url, checkpoint) = (worker.database_url.clone(), worker.checkpoint.clone());
    let (stop, stopping) = tokio::sync::watch::channel(false);
    let backups = worker.backups.take().map(|schedule| {
        start_backups(
            app.clone(),
            schedule,
            worker.database_url.clone(),
            worker.checkpoint.clone(),
            stopping.clone(),
        )
    });
    let worker = start_worker(app.clone(), worker, stopping);
    let router = homeward_web::router(app.clone(), config);
    // On SIGTERM: stop taking connections, finish the requests under way, let the worker
    // finish its pass, then close the database cleanly.
    let served = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing the requests and the pass under way");
    })
    .await;
    let _ = stop.send(true);
    if let Err(e) = worker.await {
        tracing::error!(error = %e, "the worker stopped abnormally");
    }
    if let Some(backups) = backups
        && let Err(e) = backups.await
    {
        tracing::error!(error = %e, "the backup task stopped abnormally");
    }
    // The trail's last point before the server stops, for the next start to be held against.
    if let Err(e) = keep_checkpoint(&app, &database_url, checkpoint.as_deref()).await {
        tracing::warn!(error = %e, "writing the audit checkpoint failed");
    }
    app.store.close().await;
    tracing::info!("stopped");
    served.map_err(|e| format!("server stopped: {e}"))
}

fn app_error(e: homeward_app::AppError) -> String {
    match e {
        homeward_app::AppError::Invalid(fields) => fields
            .iter()
            .map(|f| format!("{}: {}", f.field, f.message))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

fn read_new_password() -> Result<String, String> {
    if let Ok(p) = std::env::var("HOMEWARD_NEW_USER_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub async fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Serve(args) => {
            let app = open_app(&args.db).await?;
            let listener = bind(args.listen).await?;
            let https = args
                .public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://"));
            tracing::info!(listen = %args.listen, "Homeward is serving");
            let worker = Worker {
                mailer: args.mail.mailer()?,
                link: args
                    .public_url
                    .clone()
                    .unwrap_or_else(|| format!("http://{}", args.listen)),
                database_url: args.db.database_url.clone(),
                checkpoint: args.audit_checkpoint.clone(),
                backups: args.backups.schedule()?,
            };
            serve(
                app,
                listener,
                WebConfig {
                    https,
                    trust_proxy: args.trust_proxy,
                },
                worker,
            )
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(args) => crate::demo::run(args).await,
        Command::Bench(args) => crate::bench::run(args).await,
        Command::Generate(args) => {
            ensure_sqlite_dir(&args.db.database_url)?;
            let app = open_app(&args.db).await?;
            crate::generate::generate(&app, &args).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::RebuildLearning(RebuildArgs { db, counts_only }) => {
            let app = open_app(&db).await?;
            let started = std::time::Instant::now();
            if counts_only {
                let counts = app
                    .rebuild_counts(None)
                    .await
                    .map_err(|e| format!("counting again failed: {e}"))?;
                println!(
                    "Counted the patterns again from the episodes' facts: {counts} counts in {:.1} s.",
                    started.elapsed().as_secs_f64()
                );
                return Ok(ExitCode::SUCCESS);
            }
            let done = app
                .rebuild_learning(None)
                .await
                .map_err(|e| format!("rebuilding failed: {e}"))?;
            println!(
                "Rebuilt the facts of {} episodes, and {} counts for the patterns pages, in {:.1} s.",
                done.episodes,
                done.counts,
                started.elapsed().as_secs_f64()
            );
            if done.failed > 0 {
                eprintln!(
                    "{} episodes could not be read; see the log above for which.",
                    done.failed
                );
                return Ok(ExitCode::FAILURE);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate(db) => {
            open_app(&db).await?;
            println!("The database schema is up to date.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Org(OrgCommand::Add {
            db,
            name,
            nation,
            regulator,
            registration_number,
            registered_manager,
            safeguarding_lead,
            kind,
        }) => {
            let nation =
                Nation::from_code(&nation).ok_or("--nation must be england, wales or scotland")?;
            let regulator = match regulator {
                Some(r) => Some(
                    Regulator::from_code(&r)
                        .ok_or("--regulator must be ofsted, cqc, ciw or care_inspectorate")?,
                ),
                None => None,
            };
            let app = open_app(&db).await?;
            let id = app
                .create_organisation_as_system(NewOrganisationInput {
                    name,
                    nation,
                    regulator,
                    registration_number,
                    registered_manager,
                    safeguarding_lead,
                    kind,
                })
                .await
                .map_err(app_error)?;
            println!("{id}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Service(ServiceCommand::Add {
            db,
            org,
            name,
            kind,
            registration_number,
        }) => {
            let kind = ServiceKind::from_code(&kind)
                .ok_or("--kind is not a kind of service Homeward knows")?;
            let org = org
                .parse()
                .map_err(|_| "--org must be an organisation id")?;
            let app = open_app(&db).await?;
            let id = app
                .create_service_as_system(org, &name, kind, &registration_number)
                .await
                .map_err(app_error)?;
            println!("{id}");
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCommand::Add {
            db,
            org,
            email,
            name,
            roles,
            service,
        }) => {
            let org = org
                .parse()
                .map_err(|_| "--org must be an organisation id")?;
            let app = open_app(&db).await?;
            let password = read_new_password()?;
            let input = NewUserInput {
                display_name: name,
                email,
                password,
                roles: roles.into_iter().map(|r| (r, service.clone())).collect(),
            };
            let id = app
                .add_user_as_system(org, input)
                .await
                .map_err(app_error)?;
            println!("{id}");
            Ok(ExitCode::SUCCESS)
        }
        Command::User(UserCommand::Token {
            db,
            email,
            label,
            days,
        }) => {
            let app = open_app(&db).await?;
            let token = app
                .issue_api_token(&email, &label, days)
                .await
                .map_err(app_error)?;
            println!("{token}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup(args) => {
            let encryption = args.encryption.encryption()?;
            let app = open_app(&args.db).await?;
            let taken = crate::backup::take(&app, &args.to, &encryption).await?;
            if let Some(cp) = &taken.manifest.audit {
                note_checkpoint(&app, &args.db.database_url, None, cp)?;
            }
            app.store.close().await;
            let m = &taken.manifest;
            println!(
                "Backed up {} rows in {} tables to {} ({:.1} MB, {}) in {:.1} s.",
                m.tables.values().sum::<i64>(),
                m.tables.len(),
                taken.folder.display(),
                m.bytes as f64 / 1e6,
                if m.encrypted_for.is_empty() {
                    "not encrypted".to_string()
                } else {
                    format!("encrypted for {} recipient(s)", m.encrypted_for.len())
                },
                taken.seconds
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::BackupKey { out } => {
            let public = crate::backup::make_key(&out)?;
            println!("{public}");
            eprintln!(
                "The identity that opens backups is in {}. Keep it off the server, somewhere safe: \
                 without it no backup can be restored. Give the line above to --recipient.",
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore(args) => {
            let keys = load_keys(&args.db)?;
            let folder = if args.from.is_file() {
                args.from
                    .parent()
                    .map(std::path::Path::to_path_buf)
                    .unwrap_or_default()
            } else {
                args.from.clone()
            };
            let done = crate::backup::restore(
                &folder,
                &args.db.database_url,
                args.identity.as_deref(),
                &keys,
            )
            .await?;
            println!(
                "Restored {} rows in {} tables to {}. Every table's rows and the audit trail's \
                 head match the manifest; {} audit records and {} chronology entries verified; \
                 {:.1} s.",
                done.rows,
                done.tables,
                args.db.database_url,
                done.audit_records,
                done.entries,
                done.seconds
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit(AuditCommand::Verify {
            db,
            checkpoint,
            manifest,
        }) => {
            let app = open_app(&db).await?;
            let mut checkpoints = Vec::new();
            let mut sources = Vec::new();
            if let Some(path) =
                crate::backup::checkpoint_path(&db.database_url, checkpoint.as_deref())
                && let Some(cp) = crate::backup::read_checkpoint(&path)?
            {
                sources.push(path.display().to_string());
                checkpoints.push(cp);
            }
            for m in &manifest {
                let folder = if m.is_file() {
                    m.parent()
                        .map(std::path::Path::to_path_buf)
                        .unwrap_or_default()
                } else {
                    m.clone()
                };
                if let Some(cp) = crate::backup::read_manifest(&folder)?.audit {
                    sources.push(folder.display().to_string());
                    checkpoints.push(cp);
                }
            }
            match app
                .verify_audit_chain(&checkpoints)
                .await
                .map_err(app_error)?
            {
                Verification::Intact {
                    records, entries, ..
                } => {
                    println!(
                        "The audit trail is intact: {records} records checked, and {entries} \
                         chronology entries match the records written with them."
                    );
                    if sources.is_empty() {
                        println!(
                            "No checkpoint was found, so records removed from the very end would \
                             not show: keep the checkpoint file (or a backup's manifest) and give it \
                             with --checkpoint or --manifest."
                        );
                    } else {
                        println!(
                            "Checked against the checkpoints in: {}.",
                            sources.join(", ")
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Verification::Broken {
                    after_good_records,
                    at,
                } => {
                    println!(
                        "The audit trail is BROKEN: {}. {after_good_records} records before it are intact.",
                        describe_break(&at)
                    );
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}

/// Writes the audit head to the checkpoint file, unless the file already holds a later
/// point, which would mean records were removed: that is said loudly and left for
/// `audit verify` to name.
pub fn note_checkpoint(
    app: &App,
    url: &str,
    given: Option<&std::path::Path>,
    cp: &homeward_domain::audit::Checkpoint,
) -> Result<(), String> {
    let Some(path) = crate::backup::checkpoint_path(url, given) else {
        return Ok(());
    };
    if let Some(old) = crate::backup::read_checkpoint(&path)?
        && old.is_genuine(app.keys.audit_key())
        && old.seq > cp.seq
    {
        tracing::error!(
            checkpoint = old.seq,
            now = cp.seq,
            "the audit trail is shorter than its last checkpoint: run `homeward audit verify`"
        );
        app.trail_shorter_than_checkpoint(old.seq, cp.seq);
        return Ok(());
    }
    crate::backup::write_checkpoint(&path, cp)
}
