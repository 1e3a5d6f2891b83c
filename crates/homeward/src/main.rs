//! The `homeward` command: serve, demo, migrate, set up organisations and users, verify the
//! audit trail. Thin: it parses, calls the application, and prints.

mod backup;
mod bench;
mod bench_scale;
mod bench_tiles;
mod cli;
mod demo;
mod generate;

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("HOMEWARD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr);
    // One JSON object a line for a log collector; readable lines otherwise. Either way each
    // line of a request carries its id.
    if std::env::var("HOMEWARD_LOG_FORMAT").is_ok_and(|f| f == "json") {
        logs.json().init();
    } else {
        logs.init();
    }
    let cli = cli::Cli::parse();
    match cli::run(cli).await {
        Ok(code) => code,
        Err(message) => {
            eprintln!("homeward: {message}");
            ExitCode::from(2)
        }
    }
}
