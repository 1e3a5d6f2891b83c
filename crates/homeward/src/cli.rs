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
            if let Err(e) = app.escalate(&worker.link).await {
                tracing::warn!(error = %e, "escalation pass failed; trying again shortly");
            }
            if let Err(e) = app.end_closed_access().await {
                tracing::warn!(error = %e, "ending partners' access to closed episodes failed; trying again shortly");
            }
            if let Some(mailer) = &worker.mailer
                && let Err(e) = app.send_mail(mailer.as_ref()).await
            {
                tracing::warn!(error = %e, "sending mail failed; trying again shortly");
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
        /// Days until it expires (1 to 366).
        #[arg(long, default_value_t = 30)]
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
    },
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
    worker: Worker,
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
    let (stop, stopping) = tokio::sync::watch::channel(false);
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
        Command::Audit(AuditCommand::Verify { db }) => {
            let app = open_app(&db).await?;
            match app.verify_audit_chain().await.map_err(app_error)? {
                Verification::Intact { records } => {
                    println!("The audit trail is intact: {records} records checked.");
                    Ok(ExitCode::SUCCESS)
                }
                Verification::Broken {
                    after_good_records,
                    at,
                } => {
                    use homeward_domain::audit::Break;
                    let what = match at {
                        Break::Gap { expected, found } => {
                            format!("record {expected} is missing (the next record is {found})")
                        }
                        Break::WrongPrevious { seq } => {
                            format!("record {seq} does not follow the record before it")
                        }
                        Break::Altered { seq } => {
                            format!("record {seq} has been altered (or the secret key is wrong)")
                        }
                    };
                    println!(
                        "The audit trail is BROKEN: {what}. {after_good_records} records before it are intact."
                    );
                    Ok(ExitCode::from(1))
                }
            }
        }
    }
}
