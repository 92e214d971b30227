//! The terminal edge of Rectify (整改通): the `rectify` commands, their wording and progress
//! bars. Use cases the HTTP edge shares come from the application layer (`rectify-app`); the
//! HTTP edge itself is passed in by the binary (`crates/rectify`) as a [`ServeHttp`], so this
//! crate depends on no other edge.

mod bench;
mod commands;
mod location;

use clap::{Parser, Subcommand};
use futures::future::BoxFuture;
use rectify_store::Store;
use std::process::ExitCode;
use tokio::net::TcpListener;

/// The HTTP edge as `rectify serve` and `rectify bench` start it: serves `store` on `listener`
/// with `config` until `shutdown` resolves.
pub type ServeHttp =
    fn(TcpListener, Store, HttpConfig, BoxFuture<'static, ()>) -> BoxFuture<'static, std::io::Result<()>>;

/// What the command line sets of the HTTP edge.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Mark cookies `Secure` (when served over TLS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Tracking lookups and ratings a client may make per minute.
    pub track_per_minute: u32,
    /// Public case submissions a client may make per minute.
    pub submit_per_minute: u32,
    /// How large a spreadsheet an import reads.
    pub import_limits: rectify_exchange::Limits,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

#[derive(Parser)]
#[command(name = "rectify", version, about = "整改通 Rectify — the rectification ledger of a supervising office", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the JSON API.
    Serve(commands::serve::Args),
    /// Load the demo data (built from the seed documents) into an empty database.
    Demo(commands::demo::Args),
    /// The working-day calendar.
    #[command(subcommand)]
    Calendar(commands::calendar::Command),
    /// Accounts.
    #[command(subcommand)]
    User(commands::user::Command),
    /// Write a consistent backup of the store to FILE while the server runs (SQLite).
    Backup(commands::backup::Args),
    /// Restore a backup FILE into an empty data directory (SQLite).
    Restore(commands::backup::Args),
    /// The keys sealing citizens' contact details: status, rotate, reseal, prune.
    #[command(subcommand)]
    Keys(commands::keys::Command),
    /// The tamper-evident audit chain.
    #[command(subcommand)]
    Audit(commands::audit::Command),
    /// Check inspection draws (两个不固定) and re-inspection samples.
    #[command(subcommand)]
    Draw(commands::draw::Command),
    /// Read units, people, problems or cases from a spreadsheet (.xlsx, .csv): all or nothing.
    Import(commands::import::Args),
    /// Write units, people, problems or cases to a spreadsheet that imports back unchanged.
    Export(commands::export::Args),
    /// Write a campaign's bulletin (简报) as .docx or .pdf: today's figures, a published issue,
    /// or a new issue published on the spot.
    Bulletin(commands::bulletin::Args),
    /// This instance's full-text index: rebuild it, or see how far it lags.
    #[command(subcommand)]
    Search(commands::search::Command),
    /// Measure throughput and latency on this machine (see docs/BENCHMARKS.md).
    Bench(bench::Args),
}

/// Failures of a command, by exit code: 2 for bad usage or bad input, 1 for everything else.
#[derive(Debug)]
pub(crate) enum Failure {
    BadInput(String),
    Runtime(String),
}

impl Failure {
    pub fn runtime(e: impl std::fmt::Display) -> Self {
        Failure::Runtime(e.to_string())
    }
}

impl From<rectify_store::StoreError> for Failure {
    fn from(e: rectify_store::StoreError) -> Self {
        match e.domain() {
            Some(d) => Failure::BadInput(commands::describe(d)),
            None => Failure::Runtime(e.to_string()),
        }
    }
}

impl From<rectify_app::AppError> for Failure {
    fn from(e: rectify_app::AppError) -> Self {
        match e {
            rectify_app::AppError::Store(s) => s.into(),
            rectify_app::AppError::Internal(m) => Failure::Runtime(m),
        }
    }
}

impl From<rectify_domain::DomainError> for Failure {
    fn from(e: rectify_domain::DomainError) -> Self {
        rectify_store::StoreError::Domain(e).into()
    }
}

/// Runs the command line; `http` is the HTTP edge that `serve` and `bench` start.
pub fn main(http: ServeHttp) -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RECTIFY_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(a) => commands::serve::run(a, http).await,
            Command::Demo(a) => commands::demo::run(a).await,
            Command::Calendar(c) => commands::calendar::run(c).await,
            Command::User(c) => commands::user::run(c).await,
            Command::Audit(c) => commands::audit::run(c).await,
            Command::Draw(c) => commands::draw::run(c).await,
            Command::Keys(c) => commands::keys::run(c).await,
            Command::Backup(a) => commands::backup::backup(a).await,
            Command::Restore(a) => commands::backup::restore(a).await,
            Command::Import(a) => commands::import::run(a).await,
            Command::Export(a) => commands::export::run(a).await,
            Command::Bulletin(a) => commands::bulletin::run(a).await,
            Command::Search(c) => commands::search::run(c).await,
            Command::Bench(a) => bench::run(a, http).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::BadInput(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
        Err(Failure::Runtime(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(1)
        }
    }
}
