//! The configuration rules, each on a pure variable lookup.

use super::*;
use crate::db::DbSettings;
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
    assert_eq!(c.db_resume_wait, Duration::from_secs(20));
    assert_eq!(c.jwt_secret, SECRET.as_bytes());
    assert_eq!(c.jwt_secret_source, SecretSource::Env);
    let s = DbSettings::for_server(&c);
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
            ("DB_RESUME_WAIT_SECONDS", "30"),
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
    assert_eq!(c.db_resume_wait, Duration::from_secs(30));
    assert_eq!(
        DbSettings::for_server(&c).resume_wait,
        Duration::from_secs(30)
    );
    assert_eq!(c.shutdown_grace, Duration::from_secs(5));
    assert_eq!(c.request_timeout, Duration::from_secs(3));
    assert_eq!(c.limits.per_client_per_minute, 0);
    assert_eq!(c.limits.failed_logins_per_minute, 4);
    assert_eq!(c.password_queue_per_core, 2);
    assert_eq!(c.limits.client_header.as_ref().unwrap(), "x-forwarded-for");
    assert_eq!(DbSettings::for_server(&c).statement_timeout, None);
    assert!(!DbSettings::for_server(&c).statement_cache);
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
        ("DB_RESUME_WAIT_SECONDS", "0"),
        ("HOST", "localhost:80"),
        ("REQUEST_TIMEOUT_SECONDS", "0"),
        ("TRUSTED_PROXY_HEADER", "bad header"),
        ("AUTH_RATE_PER_MINUTE", "-1"),
        ("METRICS_ADDR", "9464"),
        ("METRICS_ADDR", "localhost:9464"),
    ] {
        let err = cfg(&[("JWT_SECRET", SECRET), (k, v)], SecretPolicy::Required).unwrap_err();
        assert!(err.to_string().starts_with(k), "{k}: {err}");
    }
}

#[test]
fn metrics_are_off_unless_an_address_is_given() {
    let c = cfg(&[("JWT_SECRET", SECRET)], SecretPolicy::Required).unwrap();
    assert_eq!(c.metrics_addr, None);
    assert_eq!(c.metrics_listener(c.addr()), Ok(None));
    let c = cfg(
        &[("JWT_SECRET", SECRET), ("METRICS_ADDR", " 127.0.0.1:9464 ")],
        SecretPolicy::Required,
    )
    .unwrap();
    assert_eq!(c.metrics_addr, Some("127.0.0.1:9464".parse().unwrap()));
    assert_eq!(c.metrics_listener(c.addr()), Ok(c.metrics_addr));
}

#[test]
fn metrics_never_share_the_public_listener() {
    let a = |s: &str| s.parse::<SocketAddr>().unwrap();
    let with = |m: &str| {
        cfg(
            &[("JWT_SECRET", SECRET), ("METRICS_ADDR", m)],
            SecretPolicy::Required,
        )
        .unwrap()
    };
    for (metrics, public) in [
        ("127.0.0.1:8080", "127.0.0.1:8080"),
        ("0.0.0.0:8080", "127.0.0.1:8080"),
        ("127.0.0.1:8080", "[::]:8080"),
    ] {
        let err = with(metrics).metrics_listener(a(public)).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("METRICS_ADDR") && msg.contains(public) && msg.contains("another port"),
            "{msg}"
        );
    }
    for (metrics, public) in [
        ("127.0.0.1:9464", "127.0.0.1:8080"),
        ("127.0.0.2:8080", "127.0.0.1:8080"),
        ("127.0.0.1:0", "127.0.0.1:0"),
    ] {
        assert_eq!(
            with(metrics).metrics_listener(a(public)),
            Ok(Some(a(metrics)))
        );
    }
}

#[test]
fn logs_are_json_by_default_on_lambda_and_log_format_still_decides() {
    let on_lambda = ("AWS_LAMBDA_FUNCTION_NAME", "journal-api");
    let c = cfg(&[("JWT_SECRET", SECRET), on_lambda], SecretPolicy::Required).unwrap();
    assert_eq!(c.log_format, LogFormat::Json);
    let given = [("JWT_SECRET", SECRET), on_lambda, ("LOG_FORMAT", "text")];
    let c = cfg(&given, SecretPolicy::Required).unwrap();
    assert_eq!(c.log_format, LogFormat::Text);
}
