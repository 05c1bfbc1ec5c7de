//! Reading the configuration from a variable lookup: one function per variable (or group), each
//! saying what it expects when the value is wrong. Variables are read, and their errors reported,
//! in the order of [`Config`]'s fields.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use super::{
    Config, ConfigError, DEFAULT_DATABASE_URL, DEFAULT_PASSWORD_QUEUE_PER_CORE,
    DEFAULT_REQUEST_TIMEOUT, DEFAULT_RESUME_WAIT, LimitSettings, LogFormat, MIN_JWT_SECRET_BYTES,
    SecretPolicy, SecretSource,
};

impl Config {
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
        let (jwt_secret, jwt_secret_source) = jwt_secret(&var, policy)?;
        let host = host(&var)?;
        let port = parse_num(&var, "PORT", 8080u16, "a TCP port number (0-65535)")?;
        let log_format = log_format(&var)?;
        let db_proxy = db_proxy(&var)?;
        let db_max_connections = at_least_one(
            &var,
            "DB_MAX_CONNECTIONS",
            10u32,
            "a whole number of connections, at least 1",
        )?;
        let db_resume_wait = at_least_one(
            &var,
            "DB_RESUME_WAIT_SECONDS",
            DEFAULT_RESUME_WAIT.as_secs(),
            "a whole number of seconds, at least 1",
        )?;
        let grace = parse_num(
            &var,
            "SHUTDOWN_GRACE_SECONDS",
            20u64,
            "a whole number of seconds",
        )?;
        let request_timeout = at_least_one(
            &var,
            "REQUEST_TIMEOUT_SECONDS",
            DEFAULT_REQUEST_TIMEOUT.as_secs(),
            "a whole number of seconds, at least 1",
        )?;
        let limits = limits(&var)?;
        let password_queue_per_core = parse_num(
            &var,
            "PASSWORD_QUEUE_PER_CORE",
            DEFAULT_PASSWORD_QUEUE_PER_CORE,
            "a whole number of waiting password hashes per core",
        )?;
        let metrics_addr = metrics_addr(&var)?;
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
            db_resume_wait: Duration::from_secs(db_resume_wait),
            shutdown_grace: Duration::from_secs(grace),
            request_timeout: Duration::from_secs(request_timeout),
            limits,
            password_queue_per_core,
            metrics_addr,
        })
    }
}

/// `JWT_SECRET`, or an ephemeral one when the policy allows it.
fn jwt_secret(
    var: &impl Fn(&str) -> Option<String>,
    policy: SecretPolicy,
) -> Result<(Vec<u8>, SecretSource), ConfigError> {
    match var("JWT_SECRET") {
        Some(s) if s.len() < MIN_JWT_SECRET_BYTES => Err(ConfigError::ShortJwtSecret(s.len())),
        Some(s) => Ok((s.into_bytes(), SecretSource::Env)),
        None => match policy {
            SecretPolicy::Required => Err(ConfigError::MissingJwtSecret),
            SecretPolicy::EphemeralIfMissing => {
                let mut key = vec![0u8; 64];
                rand::fill(&mut key[..]);
                Ok((key, SecretSource::Ephemeral))
            }
        },
    }
}

fn host(var: &impl Fn(&str) -> Option<String>) -> Result<IpAddr, ConfigError> {
    match var("HOST") {
        None => Ok(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        Some(v) => v.trim().parse().map_err(|_| ConfigError::Invalid {
            name: "HOST",
            value: v,
            expected: "an IP address such as 127.0.0.1 or 0.0.0.0",
        }),
    }
}

/// `LOG_FORMAT`; unset, JSON on AWS Lambda (`AWS_LAMBDA_FUNCTION_NAME` is set there), whose
/// logs go to CloudWatch Logs, where a JSON line is queryable by field; text elsewhere.
fn log_format(var: &impl Fn(&str) -> Option<String>) -> Result<LogFormat, ConfigError> {
    match var("LOG_FORMAT").map(|v| v.trim().to_ascii_lowercase()) {
        None if var("AWS_LAMBDA_FUNCTION_NAME").is_some() => Ok(LogFormat::Json),
        None => Ok(LogFormat::Text),
        Some(v) if v == "text" => Ok(LogFormat::Text),
        Some(v) if v == "json" => Ok(LogFormat::Json),
        Some(v) => Err(ConfigError::Invalid {
            name: "LOG_FORMAT",
            value: v,
            expected: "`text` or `json`",
        }),
    }
}

fn db_proxy(var: &impl Fn(&str) -> Option<String>) -> Result<bool, ConfigError> {
    match var("DB_PROXY").map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(false),
        Some(v) if ["1", "true", "yes", "on"].contains(&v.as_str()) => Ok(true),
        Some(v) if ["0", "false", "no", "off"].contains(&v.as_str()) => Ok(false),
        Some(v) => Err(ConfigError::Invalid {
            name: "DB_PROXY",
            value: v,
            expected: "1 or 0 (true/false)",
        }),
    }
}

/// `AUTH_RATE_PER_MINUTE`, `FAILED_LOGINS_PER_MINUTE`, `TRUSTED_PROXY_HEADER`.
fn limits(var: &impl Fn(&str) -> Option<String>) -> Result<LimitSettings, ConfigError> {
    let defaults = LimitSettings::default();
    Ok(LimitSettings {
        per_client_per_minute: parse_num(
            var,
            "AUTH_RATE_PER_MINUTE",
            defaults.per_client_per_minute,
            "a whole number of requests per minute (0 turns the limit off)",
        )?,
        failed_logins_per_minute: parse_num(
            var,
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
    })
}

fn metrics_addr(var: &impl Fn(&str) -> Option<String>) -> Result<Option<SocketAddr>, ConfigError> {
    match var("METRICS_ADDR") {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| ConfigError::Invalid {
                name: "METRICS_ADDR",
                value: v,
                expected: "an IP:port such as 127.0.0.1:9464 (the metrics listener; unset for none)",
            }),
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

/// A number where 0 would mean nothing works (no connections, no time): refused.
fn at_least_one<T: std::str::FromStr + PartialEq + From<u8>>(
    var: &impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
    expected: &'static str,
) -> Result<T, ConfigError> {
    let n = parse_num(var, name, default, expected)?;
    if n == T::from(0) {
        return Err(ConfigError::Invalid {
            name,
            value: "0".into(),
            expected,
        });
    }
    Ok(n)
}
