//! AWS Lambda: the same router and the same migrations, driven by the Lambda Runtime API.
//!
//! `journal-api` runs here instead of parsing its command line when `AWS_LAMBDA_RUNTIME_API` is
//! set (Lambda and its emulators set it). `_HANDLER` (the function's `Handler` setting) picks the
//! role: `api` (the default) serves API Gateway REST (v1) and HTTP API (v2) events, ALB target
//! events and Function URL events through [`crate::app::router`]; `migrate` applies pending
//! migrations on each invocation and returns the [`MigrationReport`] as JSON.
//!
//! The pool is built once per execution environment, before the first event (the init phase),
//! with one lazy connection: a cold start never waits for the database, and `/health` never
//! touches it. `DB_PROXY=1` turns the statement cache off (RDS Proxy pins a session that prepares
//! named statements). SIGTERM at shutdown closes the pool (lambda_runtime's graceful shutdown).

use std::convert::Infallible;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::Uri;
use axum::response::IntoResponse;
use lambda_http::request::RequestContext;
use lambda_http::{RequestExt, service_fn};
use tower::ServiceExt;

use crate::app::router;
use crate::config::{Config, SecretPolicy};
use crate::db::{self, Db, DbSettings, MigrationReport};
use crate::error::ApiError;
use crate::state::AppState;
use crate::telemetry::{self, LogTarget};

/// Set by Lambda (and cargo-lambda's emulator) for a function's runtime process.
pub const RUNTIME_API_VAR: &str = "AWS_LAMBDA_RUNTIME_API";

/// Whether this process is a Lambda function's runtime.
pub fn is_lambda() -> bool {
    std::env::var_os(RUNTIME_API_VAR).is_some_and(|v| !v.is_empty())
}

/// What the function does with its events (`_HANDLER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// HTTP events through the router.
    Api,
    /// Apply pending migrations per invocation.
    Migrate,
}

/// `_HANDLER` names no role of this binary.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "_HANDLER={0:?} is not a handler of journal-api: set the function's Handler to `api` (HTTP \
     events, the default) or `migrate` (apply pending migrations)"
)]
pub struct UnknownHandler(pub String);

impl Role {
    /// The role `_HANDLER` names; unset or empty means `api`.
    pub fn from_handler(handler: Option<&str>) -> Result<Role, UnknownHandler> {
        match handler.map(str::trim) {
            None | Some("") | Some("api") => Ok(Role::Api),
            Some("migrate") => Ok(Role::Migrate),
            Some(other) => Err(UnknownHandler(other.to_string())),
        }
    }
}

/// Pool settings on Lambda: one execution environment handles one event at a time, so one
/// connection; lazy, so the init phase does not dial the database; statement cache as `DB_PROXY`
/// says.
pub fn db_settings(config: &Config) -> DbSettings {
    DbSettings {
        max_connections: 1,
        lazy: true,
        ..DbSettings::for_server(config)
    }
}

/// Runs the function until Lambda ends the process. Errors here are init errors: Lambda logs
/// them and reports the init as failed.
pub fn run() -> anyhow::Result<()> {
    let role = Role::from_handler(std::env::var("_HANDLER").ok().as_deref())?;
    // The migration role never signs tokens, so it does not insist on JWT_SECRET.
    let policy = match role {
        Role::Api => SecretPolicy::Required,
        Role::Migrate => SecretPolicy::EphemeralIfMissing,
    };
    let config = Config::from_env_with(policy)?;
    // Lambda sends stdout and stderr to CloudWatch Logs alike; LOG_FORMAT=json suits it best.
    telemetry::init(config.log_format, &config.log_filter, LogTarget::Stdout);
    // One event at a time per environment: a single-threaded runtime starts faster and is enough.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(run_role(role, config))
}

async fn run_role(role: Role, config: Config) -> anyhow::Result<()> {
    let db = Db::connect(&db_settings(&config)).await?;
    install_graceful_shutdown(db.clone()).await;
    tracing::info!(
        handler = ?role,
        database = db.kind(),
        statement_cache = !config.db_proxy,
        "lambda function ready"
    );
    let result = match role {
        Role::Api => {
            lambda_http::run(api_service(router(AppState::new(&config, db.clone())))).await
        }
        Role::Migrate => {
            let db = db.clone();
            lambda_runtime::run(service_fn(
                move |_: lambda_runtime::LambdaEvent<serde_json::Value>| {
                    let db = db.clone();
                    async move { migrate_once(&db).await }
                },
            ))
            .await
        }
    };
    // Bounded: a hung database must not hold the runtime's exit.
    let _ = tokio::time::timeout(Duration::from_millis(300), db.close()).await;
    result
        .map_err(|e| anyhow::anyhow!("{e}"))
        .context("lambda runtime failed")
}

/// One invocation of the `migrate` role.
pub async fn migrate_once(db: &Db) -> Result<MigrationReport, lambda_runtime::Error> {
    let report = db::migrate(db).await?;
    tracing::info!(applied = ?report.applied, pending_before = report.pending_before, "migrations up to date");
    Ok(report)
}

/// The router as a Lambda HTTP service: converts the body and removes an HTTP API stage prefix.
pub fn api_service(
    app: Router,
) -> impl tower::Service<
    lambda_http::Request,
    Response = axum::response::Response,
    Error = Infallible,
    Future = impl Future<Output = Result<axum::response::Response, Infallible>> + Send,
> + Clone {
    service_fn(move |req: lambda_http::Request| {
        let app = app.clone();
        async move {
            let budget = req
                .lambda_context_ref()
                .filter(|ctx| ctx.deadline > 0) // 0: no deadline given
                .map(|ctx| invocation_budget(ctx.deadline));
            let client = source_ip(&req);
            let mut req = strip_http_api_stage(req).map(axum::body::Body::new);
            if let Some(ip) = client {
                // The per-client limit keys on it, as on the native server's socket peer.
                req.extensions_mut()
                    .insert(ConnectInfo(std::net::SocketAddr::new(ip, 0)));
            }
            let Some(budget) = budget else {
                return app.oneshot(req).await;
            };
            match tokio::time::timeout(budget, app.oneshot(req)).await {
                Ok(res) => res,
                Err(_) => {
                    tracing::warn!(?budget, "invocation about to time out: answering 503");
                    Ok(ApiError::timed_out().into_response())
                }
            }
        }
    })
}

/// The caller's address as API Gateway saw it (ALB events carry none: use
/// `TRUSTED_PROXY_HEADER=X-Forwarded-For` there).
fn source_ip(req: &lambda_http::Request) -> Option<std::net::IpAddr> {
    let ip = match req.request_context_ref()? {
        RequestContext::ApiGatewayV2(ctx) => ctx.http.source_ip.as_deref(),
        RequestContext::ApiGatewayV1(ctx) => ctx.identity.source_ip.as_deref(),
        _ => None,
    };
    ip?.parse().ok()
}

/// What is kept of the function's remaining time to send a 503 (and log it) before Lambda kills
/// the invocation.
pub const DEADLINE_MARGIN: Duration = Duration::from_millis(500);

/// How long the router may take for an invocation whose deadline (ms since the Unix epoch, from
/// the Runtime API) is `deadline_ms`: the remaining time less [`DEADLINE_MARGIN`] (half of what
/// remains, when that is less than twice the margin). cargo-lambda's emulator sends the function's
/// timeout there instead (600000): a value that small is read as a duration from now.
pub fn invocation_budget(deadline_ms: u64) -> Duration {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    // 10^12 ms after the epoch is 2001: no real deadline is earlier.
    let deadline_ms = if deadline_ms < 1_000_000_000_000 {
        now_ms + deadline_ms
    } else {
        deadline_ms
    };
    let remaining = Duration::from_millis(deadline_ms.saturating_sub(now_ms));
    if remaining >= DEADLINE_MARGIN * 2 {
        remaining - DEADLINE_MARGIN
    } else {
        remaining / 2
    }
}

/// HTTP APIs (v2) put a named stage in `rawPath` (`/Prod/health` on stage `Prod`) and
/// lambda_http keeps it, with or without `AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH`; the routes know
/// no stage, so it goes here. REST APIs (v1) send a stage-free path to which lambda_http adds the
/// stage unless `AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH` is set: that one is left to the variable
/// (stripping it here would also eat a route that starts like the stage: stage `api`,
/// `/api/v1/...`).
pub fn strip_http_api_stage(mut req: lambda_http::Request) -> lambda_http::Request {
    let stage = match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => match ctx.stage.as_deref() {
            Some(s) if !s.is_empty() && s != "$default" => s.to_string(),
            _ => return req,
        },
        _ => return req,
    };
    let path = req.uri().path();
    let Some(rest) = path
        .strip_prefix('/')
        .and_then(|p| p.strip_prefix(stage.as_str()))
    else {
        return req;
    };
    if !(rest.is_empty() || rest.starts_with('/')) {
        return req;
    }
    let new_path = if rest.is_empty() { "/" } else { rest };
    let path_and_query = match req.uri().query() {
        Some(q) => format!("{new_path}?{q}"),
        None => new_path.to_string(),
    };
    let mut parts = req.uri().clone().into_parts();
    match path_and_query.parse() {
        Ok(pq) => parts.path_and_query = Some(pq),
        Err(_) => return req,
    }
    if let Ok(uri) = Uri::from_parts(parts) {
        *req.uri_mut() = uri;
    }
    req
}

/// Registers lambda_runtime's graceful-shutdown helper (a no-op internal extension, without which
/// Lambda sends no SIGTERM), whose hook closes the pool. A Runtime API without the extensions API
/// (some emulators) only loses the hook: the function still runs.
async fn install_graceful_shutdown(db: Db) {
    // Lambda gives the shutdown phase 500 ms at most (with an extension registered).
    let hook = move || async move {
        match tokio::time::timeout(Duration::from_millis(300), db.close()).await {
            Ok(()) => tracing::info!("database pool closed"),
            Err(_) => tracing::warn!("database pool did not close in time"),
        }
    };
    // The helper panics when registration fails; run it in a task to turn that into a warning.
    let registered = tokio::spawn(lambda_runtime::spawn_graceful_shutdown_handler(hook)).await;
    if registered.is_err() {
        tracing::warn!(
            "could not register the graceful-shutdown extension: the pool will not be closed on \
             SIGTERM"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invocation_budget_keeps_a_margin_before_the_deadline() {
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        let budget = invocation_budget(now_ms + 30_000);
        assert!(budget <= Duration::from_millis(29_500), "{budget:?}");
        assert!(budget >= Duration::from_millis(20_000), "{budget:?}");
        assert!(invocation_budget(now_ms + 600) <= Duration::from_millis(300));
        // The emulator's "deadline" of 600000 is a timeout, not a point in 1970.
        assert!(invocation_budget(600_000) >= Duration::from_secs(590));
        assert_eq!(
            invocation_budget(now_ms.saturating_sub(1_000)),
            Duration::ZERO
        );
    }

    #[test]
    fn handler_names() {
        assert_eq!(Role::from_handler(None), Ok(Role::Api));
        assert_eq!(Role::from_handler(Some("")), Ok(Role::Api));
        assert_eq!(Role::from_handler(Some("api")), Ok(Role::Api));
        assert_eq!(Role::from_handler(Some("migrate")), Ok(Role::Migrate));
        let err = Role::from_handler(Some("bootstrap")).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("\"bootstrap\"") && msg.contains("`api`") && msg.contains("`migrate`"),
            "{msg}"
        );
    }

    #[test]
    fn lambda_pool_is_one_lazy_connection_with_cache_as_db_proxy_says() {
        let secret = "0123456789abcdef0123456789abcdef".to_string();
        for (proxy, cache) in [("0", true), ("1", false)] {
            let vars = |k: &str| match k {
                "JWT_SECRET" => Some(secret.clone()),
                "DB_PROXY" => Some(proxy.to_string()),
                "DB_MAX_CONNECTIONS" => Some("10".to_string()),
                _ => None,
            };
            let config = Config::from_vars(vars, SecretPolicy::Required).unwrap();
            let s = db_settings(&config);
            assert_eq!(
                (s.max_connections, s.lazy, s.statement_cache),
                (1, true, cache)
            );
        }
    }
}
