//! All configuration from the environment, in one place.
//!
//! [`Config::from_vars`] is pure (it takes a lookup function), so every rule is tested without
//! touching the process environment; [`Config::from_env`] is the thin wrapper the binary uses.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::db::DbSettings;
use crate::limits::LimitSettings;
pub use crate::redact::redact_url;

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
    /// `SHUTDOWN_GRACE_SECONDS` (default 20): how long in-flight requests may take after SIGTERM.
    pub shutdown_grace: Duration,
    /// `REQUEST_TIMEOUT_SECONDS` (default [`DEFAULT_REQUEST_TIMEOUT`]): a request still running
    /// after this answers 503 (a hung database must not hang its clients).
    pub request_timeout: Duration,
    /// `AUTH_RATE_PER_MINUTE` (default 30), `FAILED_LOGINS_PER_MINUTE` (default 10),
    /// `TRUSTED_PROXY_HEADER` (unset): throttling of the auth routes (see [`crate::limits`]).
    pub limits: LimitSettings,
    /// `PASSWORD_QUEUE_PER_CORE` (default [`crate::auth::password::QUEUE_PER_CORE`]): password
    /// hashes that may wait per core before register and login answer 503.
    pub password_queue_per_core: usize,
}

/// Default of `REQUEST_TIMEOUT_SECONDS`: above the pool's acquire timeout and the statement
/// timeout (5 s each), so those answer first when they apply.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

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
            .field("shutdown_grace", &self.shutdown_grace)
            .field("request_timeout", &self.request_timeout)
            .field("limits", &self.limits)
            .field("password_queue_per_core", &self.password_queue_per_core)
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
    /// Reads the process environment; `JWT_SECRET` is required.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_vars(|k| std::env::var(k).ok(), SecretPolicy::Required)
    }

    /// Reads the process environment with the given secret policy (the binary's `--dev`).
    pub fn from_env_with(policy: SecretPolicy) -> Result<Config, ConfigError> {
        Self::from_vars(|k| std::env::var(k).ok(), policy)
    }

    /// Builds the configuration from any variable lookup. Empty values count as unset.
    pub fn from_vars(
        var: impl Fn(&str) -> Option<String>,
        policy: SecretPolicy,
    ) -> Result<Config, ConfigError> {
        let var = |k: &str| var(k).filter(|v| !v.trim().is_empty());

        let (jwt_secret, jwt_secret_source) = match var("JWT_SECRET") {
            Some(s) if s.len() < MIN_JWT_SECRET_BYTES => {
                return Err(ConfigError::ShortJwtSecret(s.len()));
            }
            Some(s) => (s.into_bytes(), SecretSource::Env),
            None => match policy {
                SecretPolicy::Required => return Err(ConfigError::MissingJwtSecret),
                SecretPolicy::EphemeralIfMissing => {
                    let mut key = vec![0u8; 64];
                    rand::fill(&mut key[..]);
                    (key, SecretSource::Ephemeral)
                }
            },
        };

        let host = match var("HOST") {
            None => IpAddr::V4(Ipv4Addr::LOCALHOST),
            Some(v) => v.trim().parse().map_err(|_| ConfigError::Invalid {
                name: "HOST",
                value: v,
                expected: "an IP address such as 127.0.0.1 or 0.0.0.0",
            })?,
        };
        let port = parse_num(&var, "PORT", 8080u16, "a TCP port number (0-65535)")?;
        let log_format = match var("LOG_FORMAT").map(|v| v.trim().to_ascii_lowercase()) {
            None => LogFormat::Text,
            Some(v) if v == "text" => LogFormat::Text,
            Some(v) if v == "json" => LogFormat::Json,
            Some(v) => {
                return Err(ConfigError::Invalid {
                    name: "LOG_FORMAT",
                    value: v,
                    expected: "`text` or `json`",
                });
            }
        };
        let db_proxy = match var("DB_PROXY").map(|v| v.trim().to_ascii_lowercase()) {
            None => false,
            Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => true,
            Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => false,
            Some(v) => {
                return Err(ConfigError::Invalid {
                    name: "DB_PROXY",
                    value: v,
                    expected: "1 or 0 (true/false)",
                });
            }
        };
        let db_max_connections = parse_num(
            &var,
            "DB_MAX_CONNECTIONS",
            10u32,
            "a whole number of connections, at least 1",
        )?;
        if db_max_connections == 0 {
            return Err(ConfigError::Invalid {
                name: "DB_MAX_CONNECTIONS",
                value: "0".into(),
                expected: "a whole number of connections, at least 1",
            });
        }
        let grace = parse_num(
            &var,
            "SHUTDOWN_GRACE_SECONDS",
            20u64,
            "a whole number of seconds",
        )?;
        let request_timeout = parse_num(
            &var,
            "REQUEST_TIMEOUT_SECONDS",
            DEFAULT_REQUEST_TIMEOUT.as_secs(),
            "a whole number of seconds, at least 1",
        )?;
        if request_timeout == 0 {
            return Err(ConfigError::Invalid {
                name: "REQUEST_TIMEOUT_SECONDS",
                value: "0".into(),
                expected: "a whole number of seconds, at least 1",
            });
        }

        let defaults = LimitSettings::default();
        let limits = LimitSettings {
            per_client_per_minute: parse_num(
                &var,
                "AUTH_RATE_PER_MINUTE",
                defaults.per_client_per_minute,
                "a whole number of requests per minute (0 turns the limit off)",
            )?,
            failed_logins_per_minute: parse_num(
                &var,
                "FAILED_LOGINS_PER_MINUTE",
                defaults.failed_logins_per_minute,
                "a whole number of failed logins per minute (0 turns the limit off)",
            )?,
            client_header: match var("TRUSTED_PROXY_HEADER") {
                None => None,
                Some(v) => Some(v.trim().parse().map_err(|_| ConfigError::Invalid {
                    name: "TRUSTED_PROXY_HEADER",
                    value: v,
                    expected: "a header name such as X-Forwarded-For",
                })?),
            },
        };

        let password_queue_per_core = parse_num(
            &var,
            "PASSWORD_QUEUE_PER_CORE",
            crate::auth::password::QUEUE_PER_CORE,
            "a whole number of waiting password hashes per core",
        )?;

        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string()),
            jwt_secret,
            jwt_secret_source,
            host,
            port,
            log_format,
            log_filter: var("RUST_LOG").unwrap_or_else(|| "info".to_string()),
            db_proxy,
            db_max_connections,
            shutdown_grace: Duration::from_secs(grace),
            request_timeout: Duration::from_secs(request_timeout),
            limits,
            password_queue_per_core,
        })
    }

    /// The address `serve` binds when `--addr` is not given.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::new(self.host, self.port)
    }

    /// Pool settings for a long-running server: connect eagerly (fail fast at start), statement
    /// cache on unless `DB_PROXY` says a transaction-pooling proxy is in the way.
    pub fn db_settings(&self) -> DbSettings {
        DbSettings {
            url: self.database_url.clone(),
            max_connections: self.db_max_connections,
            lazy: false,
            statement_cache: !self.db_proxy,
            statement_timeout: (!self.db_proxy).then_some(crate::db::STATEMENT_TIMEOUT),
        }
    }
}

fn parse_num<T: std::str::FromStr>(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
    expected: &'static str,
) -> Result<T, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| ConfigError::Invalid {
            name,
            value: v,
            expected,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn cfg(vars: &[(&str, &str)], policy: SecretPolicy) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_vars(|k| map.get(k).cloned(), policy)
    }

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn defaults_with_a_secret() {
        let c = cfg(&[("JWT_SECRET", SECRET)], SecretPolicy::Required).unwrap();
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.addr().to_string(), "127.0.0.1:8080");
        assert_eq!(c.log_format, LogFormat::Text);
        assert_eq!(c.log_filter, "info");
        assert!(!c.db_proxy);
        assert_eq!(c.db_max_connections, 10);
        assert_eq!(c.jwt_secret, SECRET.as_bytes());
        assert_eq!(c.jwt_secret_source, SecretSource::Env);
        let s = c.db_settings();
        assert!(s.statement_cache && !s.lazy);
    }

    #[test]
    fn missing_secret_is_an_error_that_says_what_to_do() {
        let err = cfg(&[], SecretPolicy::Required).unwrap_err();
        assert_eq!(err, ConfigError::MissingJwtSecret);
        let msg = err.to_string();
        assert!(msg.contains("JWT_SECRET") && msg.contains("--dev"), "{msg}");
        // An empty value is as good as unset.
        assert_eq!(
            cfg(&[("JWT_SECRET", "  ")], SecretPolicy::Required).unwrap_err(),
            ConfigError::MissingJwtSecret
        );
    }

    #[test]
    fn short_secret_is_refused_even_in_dev() {
        let err = cfg(&[("JWT_SECRET", "short")], SecretPolicy::EphemeralIfMissing).unwrap_err();
        assert_eq!(err, ConfigError::ShortJwtSecret(5));
    }

    #[test]
    fn dev_generates_distinct_ephemeral_secrets() {
        let a = cfg(&[], SecretPolicy::EphemeralIfMissing).unwrap();
        let b = cfg(&[], SecretPolicy::EphemeralIfMissing).unwrap();
        assert_eq!(a.jwt_secret_source, SecretSource::Ephemeral);
        assert!(a.jwt_secret.len() >= MIN_JWT_SECRET_BYTES);
        assert_ne!(a.jwt_secret, b.jwt_secret);
    }

    #[test]
    fn every_variable_is_read() {
        let c = cfg(
            &[
                ("JWT_SECRET", SECRET),
                ("DATABASE_URL", "postgres://u:p@localhost/j"),
                ("HOST", "0.0.0.0"),
                ("PORT", "9000"),
                ("LOG_FORMAT", "JSON"),
                ("RUST_LOG", "debug"),
                ("DB_PROXY", "1"),
                ("DB_MAX_CONNECTIONS", "1"),
                ("SHUTDOWN_GRACE_SECONDS", "5"),
                ("REQUEST_TIMEOUT_SECONDS", "3"),
                ("AUTH_RATE_PER_MINUTE", "0"),
                ("FAILED_LOGINS_PER_MINUTE", "4"),
                ("TRUSTED_PROXY_HEADER", "X-Forwarded-For"),
                ("PASSWORD_QUEUE_PER_CORE", "2"),
            ],
            SecretPolicy::Required,
        )
        .unwrap();
        assert_eq!(c.database_url, "postgres://u:p@localhost/j");
        assert_eq!(c.addr().to_string(), "0.0.0.0:9000");
        assert_eq!(c.log_format, LogFormat::Json);
        assert_eq!(c.log_filter, "debug");
        assert!(c.db_proxy);
        assert_eq!(c.db_max_connections, 1);
        assert_eq!(c.shutdown_grace, Duration::from_secs(5));
        assert_eq!(c.request_timeout, Duration::from_secs(3));
        assert_eq!(c.limits.per_client_per_minute, 0);
        assert_eq!(c.limits.failed_logins_per_minute, 4);
        assert_eq!(c.password_queue_per_core, 2);
        assert_eq!(c.limits.client_header.as_ref().unwrap(), "x-forwarded-for");
        assert_eq!(c.db_settings().statement_timeout, None);
        assert!(!c.db_settings().statement_cache);
        assert!(!format!("{c:?}").contains(SECRET));
        assert!(!format!("{c:?}").contains(":p@"));
    }

    #[test]
    fn bad_values_name_the_variable() {
        for (k, v) in [
            ("PORT", "http"),
            ("LOG_FORMAT", "xml"),
            ("DB_PROXY", "maybe"),
            ("DB_MAX_CONNECTIONS", "0"),
            ("HOST", "localhost:80"),
            ("REQUEST_TIMEOUT_SECONDS", "0"),
            ("TRUSTED_PROXY_HEADER", "bad header"),
            ("AUTH_RATE_PER_MINUTE", "-1"),
        ] {
            let err = cfg(&[("JWT_SECRET", SECRET), (k, v)], SecretPolicy::Required).unwrap_err();
            assert!(err.to_string().starts_with(k), "{k}: {err}");
        }
    }
}
