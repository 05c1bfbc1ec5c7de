//! What every handler shares.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use tokio::sync::watch;

use crate::auth::password::Passwords;
use crate::auth::tokens::Keys;
use crate::config::{Config, DEFAULT_REQUEST_TIMEOUT, DEFAULT_RESUME_WAIT, LimitSettings};
use crate::db::Db;
use crate::limits::AuthLimits;
use crate::metrics::Metrics;

/// Shared by every request; cloning is cheap.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub keys: Arc<Keys>,
    pub passwords: Passwords,
    /// A request still running after this answers 503.
    pub request_timeout: Duration,
    /// While the database is resuming, a request may run this long instead.
    pub resume_wait: Duration,
    /// Turns true when the shutdown grace period is over: requests still running answer 503.
    pub grace_over: watch::Receiver<bool>,
    /// Set once `/ready` has seen every migration applied.
    pub schema_ok: Arc<AtomicBool>,
    /// Throttling of the auth routes.
    pub limits: Arc<AuthLimits>,
    /// The metrics, when `METRICS_ADDR` serves them: the router then measures every request.
    pub metrics: Option<Arc<Metrics>>,
}

impl AppState {
    /// Builds the state from the configuration (JWT secret, timeouts) and an open pool.
    pub fn new(config: &Config, db: Db) -> AppState {
        AppState {
            request_timeout: config.request_timeout,
            resume_wait: config.db_resume_wait,
            limits: Arc::new(AuthLimits::new(&config.limits)),
            passwords: Passwords::with_queue_per_core(config.password_queue_per_core),
            ..AppState::from_secret(&config.jwt_secret, db)
        }
    }

    /// Builds the state from a JWT secret directly (tests, embedding), default timeouts.
    pub fn from_secret(jwt_secret: &[u8], db: Db) -> AppState {
        AppState {
            db,
            keys: Arc::new(Keys::new(jwt_secret)),
            passwords: Passwords::default(),
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            resume_wait: DEFAULT_RESUME_WAIT,
            grace_over: watch::channel(false).1,
            schema_ok: Arc::new(AtomicBool::new(false)),
            limits: Arc::new(AuthLimits::new(&LimitSettings::default())),
            metrics: None,
        }
    }

    /// The same state, whose in-flight requests answer 503 once `grace_over` turns true.
    pub fn with_grace(self, grace_over: watch::Receiver<bool>) -> AppState {
        AppState { grace_over, ..self }
    }

    /// The same state, whose router measures every request into `metrics`.
    pub fn with_metrics(self, metrics: Arc<Metrics>) -> AppState {
        AppState {
            metrics: Some(metrics),
            ..self
        }
    }
}
