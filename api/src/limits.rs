//! Throttling of the auth routes: per client (token bucket from `governor`, keyed by IP) and
//! per account (failed logins in a fixed window), both answering 429 + Retry-After.
//!
//! The client is the socket's peer, or with `TRUSTED_PROXY_HEADER` set (a proxy in front that
//! writes it, e.g. an ALB's `X-Forwarded-For`) the last address in that header: the one the
//! nearest proxy saw. Loopback peers are not limited (local tools, health checks, benchmarks): a
//! proxy on the same host must set the header.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::config::LimitSettings;
use crate::error::ApiError;

/// The limiters of one process.
pub struct AuthLimits {
    per_client: Option<DefaultKeyedRateLimiter<IpAddr>>,
    checks: AtomicU64,
    failed: Option<FailedLogins>,
    client_header: Option<HeaderName>,
}

impl AuthLimits {
    pub fn new(s: &LimitSettings) -> AuthLimits {
        AuthLimits {
            per_client: NonZeroU32::new(s.per_client_per_minute)
                .map(|n| RateLimiter::keyed(Quota::per_minute(n))),
            checks: AtomicU64::new(0),
            failed: NonZeroU32::new(s.failed_logins_per_minute).map(FailedLogins::new),
            client_header: s.client_header.clone(),
        }
    }

    /// The client of a request, as described in the module docs.
    pub fn client_ip(&self, req: &Request) -> Option<IpAddr> {
        if let Some(name) = &self.client_header
            && let Some(ip) = req
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse().ok())
        {
            return Some(ip);
        }
        req.extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .filter(|ip| !ip.is_loopback())
    }

    fn check_client(&self, ip: IpAddr) -> Result<(), ApiError> {
        let Some(limiter) = &self.per_client else {
            return Ok(());
        };
        // Forget idle clients now and then, so a scan from many addresses cannot grow the map
        // without bound.
        if self.checks.fetch_add(1, Ordering::Relaxed) % 4096 == 4095 {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
        limiter
            .check_key(&ip)
            .map_err(|not_until| too_many(not_until.wait_time_from(DefaultClock::default().now())))
    }

    /// 429 while `account` has had too many failed logins in the current window.
    pub fn check_account(&self, account: &str) -> Result<(), ApiError> {
        match self.failed.as_ref().and_then(|f| f.blocked(account)) {
            Some(wait) => Err(too_many(wait)),
            None => Ok(()),
        }
    }

    /// Counts a failed login of `account`.
    pub fn login_failed(&self, account: &str) {
        if let Some(f) = &self.failed {
            f.record(account);
        }
    }
}

/// 429 + `Retry-After` (whole seconds, at least 1).
fn too_many(wait: Duration) -> ApiError {
    let secs = wait.as_secs_f64().ceil().max(1.0) as u32;
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "Too many requests: slow down",
    )
    .retry_after(secs)
}

/// Middleware of the auth routes: the per-client limit.
pub async fn per_client(
    State(limits): State<Arc<AuthLimits>>,
    req: Request,
    next: Next,
) -> Response {
    if let Some(ip) = limits.client_ip(&req)
        && let Err(e) = limits.check_client(ip)
    {
        tracing::warn!(request_id = %crate::access_log::request_id(), client = %ip, "auth rate limit: 429");
        return e.into_response();
    }
    next.run(req).await
}

/// Failed logins per account in fixed one-minute windows.
struct FailedLogins {
    max: u32,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

const WINDOW: Duration = Duration::from_secs(60);

impl FailedLogins {
    fn new(max: NonZeroU32) -> FailedLogins {
        FailedLogins {
            max: max.get(),
            windows: Mutex::new(HashMap::new()),
        }
    }

    fn blocked(&self, account: &str) -> Option<Duration> {
        let windows = self.windows.lock().ok()?;
        let (start, n) = windows.get(account)?;
        let left = WINDOW.checked_sub(start.elapsed())?;
        (*n >= self.max).then_some(left)
    }

    fn record(&self, account: &str) {
        let Ok(mut windows) = self.windows.lock() else {
            return;
        };
        if windows.len() >= 100_000 {
            windows.retain(|_, (start, _)| start.elapsed() < WINDOW);
        }
        let entry = windows
            .entry(account.to_string())
            .or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= WINDOW {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_logins_block_the_account_after_the_limit() {
        let limits = AuthLimits::new(&LimitSettings {
            failed_logins_per_minute: 3,
            ..LimitSettings::default()
        });
        for _ in 0..3 {
            assert!(limits.check_account("a@b.co").is_ok());
            limits.login_failed("a@b.co");
        }
        let err = limits.check_account("a@b.co").unwrap_err();
        assert_eq!(err.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(limits.check_account("other@b.co").is_ok());
    }

    #[test]
    fn the_client_bucket_empties_after_its_burst() {
        let limits = AuthLimits::new(&LimitSettings {
            per_client_per_minute: 5,
            ..LimitSettings::default()
        });
        let ip: IpAddr = "203.0.113.9".parse().unwrap();
        let started = Instant::now();
        // A burst of 5 passes however slow the machine (refill is 1 per 12 s)...
        for _ in 0..5 {
            assert!(limits.check_client(ip).is_ok());
        }
        // ...and the next one waits for a refill, unless 12 s went by meanwhile (a very loaded
        // machine), in which case there is nothing to assert.
        let res = limits.check_client(ip);
        if started.elapsed() < Duration::from_secs(12) {
            assert_eq!(res.unwrap_err().status(), StatusCode::TOO_MANY_REQUESTS);
        }
        assert!(limits.check_client("203.0.113.10".parse().unwrap()).is_ok());
    }

    #[test]
    fn loopback_is_not_limited_unless_a_proxy_header_names_the_client() {
        let limits = AuthLimits::new(&LimitSettings {
            client_header: Some(HeaderName::from_static("x-forwarded-for")),
            ..LimitSettings::default()
        });
        let mut req = Request::new(axum::body::Body::empty());
        req.extensions_mut()
            .insert(ConnectInfo::<SocketAddr>("127.0.0.1:5000".parse().unwrap()));
        assert_eq!(limits.client_ip(&req), None);
        req.headers_mut()
            .insert("x-forwarded-for", "10.0.0.1, 198.51.100.7".parse().unwrap());
        assert_eq!(
            limits.client_ip(&req),
            Some("198.51.100.7".parse().unwrap())
        );
    }
}
