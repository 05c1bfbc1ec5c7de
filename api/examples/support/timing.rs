//! What the in-process timing examples (`layer_cost`, `log_cost`) share.

use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

/// Nanoseconds of wall time per request: the best of 5 passes of `n` GETs of /health.
pub async fn per_request(app: &Router, n: u32) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        for _ in 0..n {
            let req = Request::get("/health").body(Body::empty()).unwrap();
            let res = app.clone().oneshot(req).await.unwrap();
            assert!(res.status().is_success());
        }
        best = best.min(start.elapsed().as_nanos() as f64 / f64::from(n));
    }
    best
}
