//! The API's own cost drivers as Prometheus metrics, served on a separate listener
//! (`METRICS_ADDR`, see [`router`]) and never on the public port.
//!
//! Per-request work (database time and queries, pool waits, password hashes, log bytes) is added
//! up in the request's [`Cost`] while it runs ([`cost`], `crate::current`), and written to the
//! shared families once, when its response is produced (by `crate::edge`, which calls
//! [`Metrics::record`]): the hot path touches no shared state but the two families every request
//! updates anyway. Without `METRICS_ADDR` no cost is kept, so what remains is one thread-local
//! lookup per query.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;

pub mod cost;
pub mod process;

pub use cost::{Cost, QueryTimer, hash_done};
pub use process::PoolStats;

/// When the first byte of a request's head arrived (set by the native server's connection
/// loop); requests without it (Lambda, tests driving the router) are timed from the middleware.
#[derive(Debug, Clone, Copy)]
pub struct RequestStart(pub Instant);

/// The axum route template (`/api/v1/entries/{entry_id}`), or `unmatched`: a label value that
/// shares the router's `Arc<str>` instead of copying the path per request.
#[derive(Debug, Clone)]
pub struct Route(Option<MatchedPath>);

impl Route {
    /// The route a request was routed to (`MatchedPath`, set by the router), or `unmatched`.
    pub fn of(req: &Request) -> Route {
        Route(req.extensions().get::<MatchedPath>().cloned())
    }
    fn as_str(&self) -> &str {
        self.0.as_ref().map_or("unmatched", |p| p.as_str())
    }
}

impl PartialEq for Route {
    fn eq(&self, other: &Route) -> bool {
        self.as_str() == other.as_str()
    }
}
impl Eq for Route {}
impl std::hash::Hash for Route {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}
impl EncodeLabelValue for Route {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> std::fmt::Result {
        EncodeLabelValue::encode(&self.as_str(), encoder)
    }
}

/// An HTTP method as a label value: the standard methods by name, any other `other`. Every
/// distinct label value is a series of its own (a histogram is some 2 KB of text), so a value
/// taken from the request as is let made-up methods grow `/metrics` without bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MethodLabel(&'static str);

impl MethodLabel {
    pub fn of(method: &Method) -> MethodLabel {
        static STANDARD: [Method; 9] = [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
            Method::HEAD,
            Method::OPTIONS,
            Method::CONNECT,
            Method::TRACE,
        ];
        MethodLabel(
            STANDARD
                .iter()
                .find(|m| *m == method)
                .map_or("other", Method::as_str),
        )
    }
}

impl EncodeLabelValue for MethodLabel {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> std::fmt::Result {
        EncodeLabelValue::encode(&self.0, encoder)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    method: MethodLabel,
    route: Route,
    status_class: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RouteLabels {
    method: MethodLabel,
    route: Route,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct HashLabels {
    route: Route,
}

type Seconds = Counter<f64, AtomicU64>;

/// Request latency buckets, seconds: 100 µs (a `/health` on a quiet machine) to 10 s (the
/// request timeout).
const DURATION_BUCKETS: [f64; 16] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0,
];

/// Every metric of the API; cloning the `Arc` around it is how the middleware shares it.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    // The constructor is a function pointer so that the field's type can be named.
    duration: Family<RouteLabels, Histogram, fn() -> Histogram>,
    db_time: Family<RouteLabels, Seconds>,
    db_queries: Family<RouteLabels, Counter>,
    pool_waits: Counter,
    hashes: Family<HashLabels, Counter>,
    hash_time: Family<HashLabels, Seconds>,
    log_bytes: Family<HashLabels, Counter>,
}

impl Metrics {
    /// The registry with every family, and the process and pool metrics read at each scrape.
    pub fn new(pool: impl PoolStats) -> Metrics {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let duration = Family::<RouteLabels, Histogram>::new_with_constructor(
            (|| Histogram::new(DURATION_BUCKETS)) as fn() -> Histogram,
        );
        let (db_time, db_queries) = (Family::default(), Family::default());
        let pool_waits = Counter::default();
        let (hashes, hash_time) = (Family::default(), Family::default());
        let log_bytes = Family::<HashLabels, Counter>::default();
        // An empty family is not rendered: one series from the start tells a reader that this
        // API counts log bytes, so nothing logged (RUST_LOG=warn) reads as 0, not as unknown.
        let _ = log_bytes.get_or_create(&HashLabels { route: Route(None) });
        // Counters are registered without `_total`: the encoder appends it.
        registry.register(
            "journal_http_requests",
            "HTTP requests answered, by method, route template and status class",
            requests.clone(),
        );
        registry.register(
            "journal_http_request_duration_seconds",
            "Server time per request, from the first byte of the request to the response",
            duration.clone(),
        );
        registry.register(
            "journal_db_time_seconds",
            "Time requests of this route spent waiting on the database (pool and queries)",
            db_time.clone(),
        );
        registry.register(
            "journal_db_queries",
            "Database calls made by requests of this route",
            db_queries.clone(),
        );
        registry.register(
            "journal_db_pool_acquire_waits",
            "Database calls that found no idle pooled connection and had to wait for one",
            pool_waits.clone(),
        );
        registry.register(
            "journal_password_hash",
            "argon2id hashes and verifications computed, by route",
            hashes.clone(),
        );
        registry.register(
            "journal_password_hash_seconds",
            "Time spent computing argon2id hashes and verifications, by route",
            hash_time.clone(),
        );
        registry.register(
            "journal_log_bytes",
            "Bytes of log written for requests of this route (the access line)",
            log_bytes.clone(),
        );
        registry.register_collector(Box::new(process::Collector {
            pool: Box::new(pool),
        }));
        registry.register_collector(Box::new(crate::log_queue::LogCollector));
        Metrics {
            registry,
            requests,
            duration,
            db_time,
            db_queries,
            pool_waits,
            hashes,
            hash_time,
            log_bytes,
        }
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(8192);
        // Writing to a String cannot fail; an encoder error would be a bug in a collector.
        if let Err(e) =
            prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry)
        {
            tracing::error!(error = %e, "cannot encode the metrics");
        }
        out
    }

    /// Counts one answered request: its status class, duration and cost.
    pub fn record(
        &self,
        method: MethodLabel,
        route: Route,
        status: StatusCode,
        took: Duration,
        c: Cost,
    ) {
        let labels = RouteLabels { method, route };
        self.requests
            .get_or_create(&RequestLabels {
                method: labels.method,
                route: labels.route.clone(),
                status_class: status_class(status),
            })
            .inc();
        self.duration
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
        if c.queries > 0 {
            self.db_time
                .get_or_create(&labels)
                .inc_by(Duration::from_nanos(c.db_nanos).as_secs_f64());
            self.db_queries.get_or_create(&labels).inc_by(c.queries);
        }
        if c.pool_waits > 0 {
            self.pool_waits.inc_by(c.pool_waits);
        }
        // A route label only (HashLabels'): the bytes a route's lines take do not depend on the
        // method beyond its few letters.
        if c.log_bytes > 0 {
            let route = HashLabels {
                route: labels.route.clone(),
            };
            self.log_bytes.get_or_create(&route).inc_by(c.log_bytes);
        }
        if c.hashes > 0 {
            let labels = HashLabels {
                route: labels.route,
            };
            self.hashes.get_or_create(&labels).inc_by(c.hashes);
            self.hash_time
                .get_or_create(&labels)
                .inc_by(Duration::from_nanos(c.hash_nanos).as_secs_f64());
        }
    }
}

/// `2xx`, `4xx`, `5xx` (and `1xx`/`3xx`, which this API does not answer).
pub fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() / 100 {
        1 => "1xx",
        2 => "2xx",
        3 => "3xx",
        4 => "4xx",
        _ => "5xx",
    }
}

/// The metrics listener's router: `GET /metrics`, every other path a 404. The server serves it
/// with the public port's connection loop (`conn::serve`), header read timeout included.
pub fn router(metrics: Arc<Metrics>) -> Router {
    Router::new()
        .route("/metrics", get(exposition))
        .with_state(metrics)
}

async fn exposition(State(metrics): State<Arc<Metrics>>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
        )],
        metrics.render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn status_classes() {
        assert_eq!(status_class(StatusCode::OK), "2xx");
        assert_eq!(status_class(StatusCode::NO_CONTENT), "2xx");
        assert_eq!(status_class(StatusCode::NOT_FOUND), "4xx");
        assert_eq!(status_class(StatusCode::SERVICE_UNAVAILABLE), "5xx");
    }

    #[test]
    fn made_up_methods_share_one_label() {
        assert_eq!(MethodLabel::of(&Method::GET), MethodLabel("GET"));
        assert_eq!(MethodLabel::of(&Method::PATCH), MethodLabel("PATCH"));
        for made_up in ["FOO", "get", "X-1234", "PROPFIND"] {
            let m = Method::from_bytes(made_up.as_bytes()).unwrap();
            assert_eq!(MethodLabel::of(&m), MethodLabel("other"), "{made_up}");
        }
    }

    #[test]
    fn log_bytes_are_rendered_before_any_line_is_logged() {
        #[derive(Debug)]
        struct NoPool;
        impl PoolStats for NoPool {
            fn open_and_idle(&self) -> (u32, usize) {
                (0, 0)
            }
        }
        let text = Metrics::new(NoPool).render();
        let want = r#"journal_log_bytes_total{route="unmatched"} 0"#;
        assert!(text.lines().any(|l| l == want), "no `{want}` in:\n{text}");
    }

    #[test]
    fn an_empty_registry_renders_every_family_name_once_used() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let db = rt
            .block_on(Db::connect(&crate::db::DbSettings::new("sqlite::memory:")))
            .unwrap();
        let m = rt.block_on(async { Metrics::new(db) });
        let c = Cost {
            queries: 2,
            db_nanos: 1_500_000,
            hashes: 1,
            hash_nanos: 50_000_000,
            pool_waits: 1,
            log_bytes: 170,
        };
        m.record(
            MethodLabel::of(&Method::POST),
            Route(None),
            StatusCode::UNAUTHORIZED,
            Duration::from_millis(60),
            c,
        );
        let text = m.render();
        for line in [
            r#"journal_http_requests_total{method="POST",route="unmatched",status_class="4xx"} 1"#,
            r#"journal_http_request_duration_seconds_count{method="POST",route="unmatched"} 1"#,
            r#"journal_db_queries_total{method="POST",route="unmatched"} 2"#,
            r#"journal_db_time_seconds_total{method="POST",route="unmatched"} 0.0015"#,
            r#"journal_password_hash_total{route="unmatched"} 1"#,
            r#"journal_password_hash_seconds_total{route="unmatched"} 0.05"#,
            r#"journal_log_bytes_total{route="unmatched"} 170"#,
            "journal_db_pool_acquire_waits_total 1",
            "# TYPE process_cpu_seconds_total counter",
            "# TYPE process_resident_memory_bytes gauge",
            r#"journal_db_pool_connections{state="idle"} 1"#,
            r#"journal_db_pool_connections{state="in_use"} 0"#,
        ] {
            assert!(text.lines().any(|l| l == line), "no `{line}` in:\n{text}");
        }
    }
}
