//! Command line: `journal-api serve [--addr] [--dev] [--no-migrate]` and `journal-api migrate`.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

use crate::config::{Config, SecretPolicy, SecretSource};
use crate::server::{self, ServeOptions};
use crate::telemetry::{self, LogTarget};

/// The reference journal API.
///
/// Configuration comes from the environment: DATABASE_URL (postgres://… or sqlite://…, default
/// sqlite://journal.db), JWT_SECRET (at least 32 bytes; required unless --dev), HOST, PORT,
/// LOG_FORMAT (text|json), RUST_LOG, DB_PROXY, DB_MAX_CONNECTIONS, SHUTDOWN_GRACE_SECONDS,
/// METRICS_ADDR.
/// See api/README.md.
#[derive(Debug, Parser)]
#[command(name = "journal-api", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve HTTP until SIGTERM or SIGINT (applies pending migrations first).
    Serve(ServeArgs),
    /// Apply pending migrations, print what was applied as JSON, exit.
    Migrate,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: $HOST:$PORT, i.e. 127.0.0.1:8080].
    #[arg(long, value_name = "IP:PORT")]
    pub addr: Option<SocketAddr>,
    /// Development mode: without JWT_SECRET, use an ephemeral random secret (tokens stop
    /// working when the process exits).
    #[arg(long)]
    pub dev: bool,
    /// Do not apply pending migrations at start.
    #[arg(long)]
    pub no_migrate: bool,
    /// Serve Prometheus metrics on GET /metrics at this address, a listener of its own (never
    /// the public one) [default: $METRICS_ADDR; unset: no metrics].
    #[arg(long, value_name = "IP:PORT")]
    pub metrics_addr: Option<SocketAddr>,
}

/// Runs a parsed command line to completion.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let dev = matches!(&cli.command, Command::Serve(a) if a.dev);
    let migrate = matches!(&cli.command, Command::Migrate);
    // Migrating signs no token: it needs no JWT_SECRET (and says nothing about an ephemeral one).
    let policy = if dev || migrate {
        SecretPolicy::EphemeralIfMissing
    } else {
        SecretPolicy::Required
    };
    let mut config = Config::from_env_with(policy)?;
    if let Command::Serve(ServeArgs {
        metrics_addr: Some(m),
        ..
    }) = &cli.command
    {
        config.metrics_addr = Some(*m);
    }
    if config.jwt_secret_source == SecretSource::Ephemeral && !migrate {
        eprintln!(
            "journal-api: --dev: JWT_SECRET is not set, using an ephemeral random secret \
             (tokens stop working when this process exits; never use --dev in production)"
        );
    }
    let target = match cli.command {
        Command::Serve(_) => LogTarget::StdoutQueued,
        Command::Migrate => LogTarget::Stderr,
    };
    telemetry::init(config.log_format, &config.log_filter, target);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = match cli.command {
        Command::Serve(args) => rt.block_on(server::serve(
            config,
            ServeOptions {
                addr: args.addr,
                migrate: !args.no_migrate,
            },
        )),
        Command::Migrate => {
            let report = rt.block_on(server::migrate(&config))?;
            println!("{}", serde_json::to_string(&report)?);
            Ok(())
        }
    };
    // Tasks stuck on a hung database must not hold the exit (dropping the runtime would wait for
    // blocking tasks without a bound).
    rt.shutdown_timeout(std::time::Duration::from_millis(200));
    telemetry::flush();
    result
}
