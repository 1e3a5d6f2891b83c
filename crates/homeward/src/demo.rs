//! `homeward demo`: a fresh SQLite database of fictional data, served at once.

use crate::cli::{DbArgs, bind, open_app, serve};
use clap::Args;
use homeward_app::secrets::{Keys, random_token};
use homeward_web::WebConfig;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// Where the demo keeps its database and secret key. Its demo database is replaced.
    #[arg(long, env = "HOMEWARD_DATA_DIR", default_value = "homeward-data")]
    pub data_dir: PathBuf,
    /// The address and port to listen on.
    #[arg(long, env = "HOMEWARD_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The password of every demo account (default: a new random one, printed).
    #[arg(long, env = "HOMEWARD_DEMO_PASSWORD", hide_env_values = true)]
    pub demo_password: Option<String>,
}

/// Prints a line for whoever started the demo. A closed standard output (the terminal or the
/// process that started it went away) must not stop a server that others are using, as
/// `println!` would by panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

/// The demo's own secret, made once and kept in its data directory (readable by its owner only).
fn demo_secret(dir: &Path) -> Result<String, String> {
    let path = dir.join("secret.key");
    if let Ok(existing) = std::fs::read_to_string(&path)
        && Keys::from_hex(&existing).is_ok()
    {
        return Ok(existing.trim().to_string());
    }
    let secret = Keys::generate_hex().map_err(|e| e.to_string())?;
    std::fs::write(&path, &secret).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
    }
    Ok(secret)
}

pub async fn run(args: DemoArgs) -> Result<ExitCode, String> {
    let started = Instant::now();
    std::fs::create_dir_all(&args.data_dir)
        .map_err(|e| format!("cannot create {}: {e}", args.data_dir.display()))?;
    let password = match args.demo_password {
        Some(p) => {
            homeward_domain::password::check_new_password(&p, &[])
                .map_err(|e| format!("--demo-password: {e}"))?;
            p
        }
        None => random_token()
            .map_err(|e| e.to_string())?
            .chars()
            .take(20)
            .collect(),
    };
    let db_path = args.data_dir.join("demo.db");
    // The old checkpoint goes with the old database: it speaks of a trail that is gone.
    for suffix in ["", "-wal", "-shm", ".checkpoint"] {
        let file = PathBuf::from(format!("{}{suffix}", db_path.display()));
        if file.exists() {
            std::fs::remove_file(&file)
                .map_err(|e| format!("cannot replace {}: {e}", file.display()))?;
        }
    }
    let db = DbArgs {
        database_url: format!("sqlite://{}", db_path.display()),
        secret_key: Some(demo_secret(&args.data_dir)?),
        secret_key_file: None,
    };
    let app = open_app(&db).await?;
    let accounts = app.seed_demo(&password).await.map_err(|e| e.to_string())?;
    let listener = bind(args.listen).await?;

    say!("Homeward demo: http://{}", args.listen);
    say!("Password for every demo account: {password}");
    say!("Demo accounts (ROLE EMAIL SECOND-FACTOR-SECRET):");
    // One account per line, exactly `ROLE EMAIL SECRET`; the email's domain names the
    // organisation; the secret (base32) goes into any authenticator app, which then gives
    // the six-digit code asked for after the password.
    for account in &accounts {
        say!(
            "{} {} {}",
            account.role.code(),
            account.email,
            account.second_factor
        );
    }
    say!(
        "Ready in {} ms. Press Ctrl+C to stop.",
        started.elapsed().as_millis()
    );
    // The demo's email is written as files to read, never sent.
    let mail_dir = args.data_dir.join("mail");
    say!("Emails are written to {}", mail_dir.display());
    let worker = crate::cli::Worker {
        mailer: Some(std::sync::Arc::new(homeward_mail::FolderMailer::new(
            mail_dir,
        )?)),
        link: format!("http://{}", args.listen),
        database_url: db.database_url.clone(),
        checkpoint: None,
        backups: None,
    };
    serve(app, listener, WebConfig::default(), worker).await?;
    Ok(ExitCode::SUCCESS)
}
