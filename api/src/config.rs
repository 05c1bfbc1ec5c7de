//! All configuration from the environment, in one place: the values and their errors here, the
//! reading of the variables in `config/env.rs`.
//!
//! [`Config::from_vars`] is pure (it takes a lookup function), so every rule is tested without
//! touching the process environment; [`Config::from_env_with`] is the thin wrapper the binary and
//! the Lambda handler use.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use axum::http::HeaderName;

use crate::redact::redact_url;

mod env;

/// Default database: an SQLite file beside the working directory, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://journal.db";
/// HS256 keys shorter than this are refused: RFC 7518 asks for a key at least as long as the hash.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// Log output format (`LOG_FORMAT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    /// Human-readable lines (default).
    #[default]
    Text,
    /// One JSON object per line, for CloudWatch Logs and other collectors.
    Json,
}

/// Where the JWT secret came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretSource {
    /// `JWT_SECRET`.
    Env,
    /// Generated at start because of `--dev`; tokens die with the process.
    Ephemeral,
}

/// Everything the API reads from its environment.
#[derive(Clone)]
pub struct Config {
    /// `DATABASE_URL`: `postgres://…` or `sqlite://…` (default [`DEFAULT_DATABASE_URL`]).
    pub database_url: String,
    /// `JWT_SECRET` (at least [`MIN_JWT_SECRET_BYTES`] bytes), or an ephemeral one in dev mode.
    pub jwt_secret: Vec<u8>,
    /// Where [`Config::jwt_secret`] came from.
    pub jwt_secret_source: SecretSource,
    /// `HOST` (default 127.0.0.1); `serve --addr` overrides host and port.
    pub host: IpAddr,
    /// `PORT` (default 8080).
    pub port: u16,
    /// `LOG_FORMAT`: `text` (default) or `json`.
    pub log_format: LogFormat,
    /// `RUST_LOG` filter directives (default `info`).
    pub log_filter: String,
    /// `DB_PROXY=1`: the database sits behind RDS Proxy or PgBouncer (transaction pooling), so the
    /// prepared-statement cache is turned off.
    pub db_proxy: bool,
    /// `DB_MAX_CONNECTIONS` (default 10).
    pub db_max_connections: u32,
    /// `DB_RESUME_WAIT_SECONDS` (default 20, at least 1): how long requests wait for a resuming
    /// database (Aurora Serverless v2 auto-pause) to accept a new connection.
    pub db_resume_wait: Duration,
    /// `SHUTDOWN_GRACE_SECONDS` (default 20): how long in-flight requests may take after SIGTERM.
    pub shutdown_grace: Duration,
    /// `REQUEST_TIMEOUT_SECONDS` (default [`DEFAULT_REQUEST_TIMEOUT`]): a request still running
    /// after this answers 503 (a hung database must not hang its clients).
    pub request_timeout: Duration,
    /// `AUTH_RATE_PER_MINUTE` (default 30), `FAILED_LOGINS_PER_MINUTE` (default 10),
    /// `TRUSTED_PROXY_HEADER` (unset): throttling of the auth routes (see [`crate::limits`]).
    pub limits: LimitSettings,
    /// `PASSWORD_QUEUE_PER_CORE` (default [`DEFAULT_PASSWORD_QUEUE_PER_CORE`]): password
    /// hashes that may wait per core before register and login answer 503.
    pub password_queue_per_core: usize,
    /// `METRICS_ADDR` (unset: no metrics): where `GET /metrics` listens, never the public port;
    /// `serve --metrics-addr` overrides it.
    pub metrics_addr: Option<SocketAddr>,
}

/// Default of `REQUEST_TIMEOUT_SECONDS`: above the pool's acquire timeout and the statement
/// timeout (5 s each), so those answer first when they apply.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Default of `DB_RESUME_WAIT_SECONDS`: Aurora Serverless v2 takes up to ~15 s to resume.
pub const DEFAULT_RESUME_WAIT: Duration = Duration::from_secs(20);

/// Default of `PASSWORD_QUEUE_PER_CORE`, hashes that may wait for a core, per core: at ~50 ms a
/// hash, a legitimate login waits at most about this many × 50 ms behind a flood (1.6 s), and the
/// rest of the flood gets 503 at once. Smaller bounds the wait tighter but turns ordinary bursts
/// of a busy server into 503s.
pub const DEFAULT_PASSWORD_QUEUE_PER_CORE: usize = 32;

/// How the auth routes are throttled (see [`crate::limits`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitSettings {
    /// Requests per minute per client on the auth routes (burst as large); 0 turns it off.
    pub per_client_per_minute: u32,
    /// Failed logins per minute per account before its logins answer 429; 0 turns it off.
    pub failed_logins_per_minute: u32,
    /// Header naming the client, written by a trusted proxy.
    pub client_header: Option<HeaderName>,
}

impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings {
            per_client_per_minute: 30,
            failed_logins_per_minute: 10,
            client_header: None,
        }
    }
}

impl std::fmt::Debug for Config {
    // Hand-written so that the secret never reaches a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("jwt_secret", &"<redacted>")
            .field("jwt_secret_source", &self.jwt_secret_source)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("log_format", &self.log_format)
            .field("log_filter", &self.log_filter)
            .field("db_proxy", &self.db_proxy)
            .field("db_max_connections", &self.db_max_connections)
            .field("db_resume_wait", &self.db_resume_wait)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("request_timeout", &self.request_timeout)
            .field("limits", &self.limits)
            .field("password_queue_per_core", &self.password_queue_per_core)
            .field("metrics_addr", &self.metrics_addr)
            .finish()
    }
}

/// A configuration value that is missing or wrong, with what to do about it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error(
        "JWT_SECRET is not set: set it to a random string of at least {MIN_JWT_SECRET_BYTES} bytes \
         (for example `export JWT_SECRET=$(openssl rand -hex 32)`), or run `journal-api serve --dev` \
         for an ephemeral secret"
    )]
    MissingJwtSecret,
    #[error(
        "JWT_SECRET is {0} bytes long: it must be at least {MIN_JWT_SECRET_BYTES} bytes \
         (for example `export JWT_SECRET=$(openssl rand -hex 32)`)"
    )]
    ShortJwtSecret(usize),
    #[error(
        "METRICS_ADDR {metrics} would share the public listener {public}: the metrics must \
         listen on an address of their own (another port, e.g. 127.0.0.1:9464), so that the \
         public port exposes nothing but the API"
    )]
    MetricsOnPublicPort {
        metrics: SocketAddr,
        public: SocketAddr,
    },
    #[error("{name}={value:?} is invalid: {expected}")]
    Invalid {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
}

/// How strict [`Config::from_vars`] is about the JWT secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretPolicy {
    /// Production: `JWT_SECRET` is required.
    Required,
    /// `--dev`: without `JWT_SECRET`, generate an ephemeral one.
    EphemeralIfMissing,
}

impl Config {
    /// The metrics listener for a server listening on `public`: `None` when metrics are off,
    /// an error when it would be the public listener (the same port on the same address, or on
    /// any address when either is a wildcard; port 0 picks a free port and never collides).
    pub fn metrics_listener(&self, public: SocketAddr) -> Result<Option<SocketAddr>, ConfigError> {
        match self.metrics_addr {
            Some(m)
                if m.port() != 0
                    && m.port() == public.port()
                    && (m.ip() == public.ip()
                        || m.ip().is_unspecified()
                        || public.ip().is_unspecified()) =>
            {
                Err(ConfigError::MetricsOnPublicPort { metrics: m, public })
            }
            other => Ok(other),
        }
    }

    /// The address `serve` binds when `--addr` is not given.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::new(self.host, self.port)
    }
}

#[cfg(test)]
mod tests;
