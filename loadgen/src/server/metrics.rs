//! The journal-api figures of one scrape, keyed by route: what [`super::block`] subtracts. Pure.

use super::histogram::Histogram;
use super::prometheus::Exposition;
use std::collections::BTreeMap;

/// `(method, route template)`.
pub type Endpoint = (String, String);

pub const REQUESTS: &str = "journal_http_requests_total";
/// Every journal-api family starts so; the pool's figures are there even before a request.
pub const PREFIX: &str = "journal_";
const DURATION: &str = "journal_http_request_duration_seconds";
/// Bytes of log written per route (journal-api's access lines); an older API has no such family.
const LOG_BYTES: &str = "journal_log_bytes";

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// Requests answered per endpoint, every status class added.
    pub requests: BTreeMap<Endpoint, f64>,
    pub duration: BTreeMap<Endpoint, Histogram>,
    pub db_seconds: BTreeMap<Endpoint, f64>,
    pub db_queries: BTreeMap<Endpoint, f64>,
    /// Password hashing per route (the API labels it by route only).
    pub hash_seconds: BTreeMap<String, f64>,
    pub hashes: BTreeMap<String, f64>,
    pub cpu_seconds: Option<f64>,
    pub resident_bytes: Option<f64>,
    pub pool_waits: Option<f64>,
    /// Bytes of log written per route; `None` when the server does not expose the family (a
    /// declared family with no sample yet is `Some` and empty: nothing logged so far).
    pub log_bytes: Option<BTreeMap<String, f64>>,
}

impl Snapshot {
    /// Whether this exposition is journal-api's (it has `journal_*` families).
    pub fn is_journal_api(e: &Exposition) -> bool {
        e.types.keys().any(|k| k.starts_with(PREFIX))
            || e.samples.iter().any(|s| s.name.starts_with(PREFIX))
    }

    pub fn from_exposition(e: &Exposition) -> Snapshot {
        let mut s = Snapshot::default();
        let declared = |n: &str| e.types.contains_key(n);
        if declared(LOG_BYTES) || declared(&format!("{LOG_BYTES}_total")) {
            s.log_bytes = Some(BTreeMap::new());
        }
        for x in &e.samples {
            let key = || (x.label("method").to_string(), x.label("route").to_string());
            let route = || x.label("route").to_string();
            match x.name.as_str() {
                REQUESTS => *s.requests.entry(key()).or_default() += x.value,
                "journal_db_time_seconds_total" => {
                    *s.db_seconds.entry(key()).or_default() += x.value
                }
                "journal_db_queries_total" => *s.db_queries.entry(key()).or_default() += x.value,
                "journal_password_hash_seconds_total" => {
                    *s.hash_seconds.entry(route()).or_default() += x.value
                }
                "journal_password_hash_total" => *s.hashes.entry(route()).or_default() += x.value,
                "process_cpu_seconds_total" => s.cpu_seconds = Some(x.value),
                "process_resident_memory_bytes" => s.resident_bytes = Some(x.value),
                "journal_db_pool_acquire_waits_total" => s.pool_waits = Some(x.value),
                "journal_log_bytes_total" => {
                    let by_route = s.log_bytes.get_or_insert_default();
                    *by_route.entry(route()).or_default() += x.value;
                }
                name => {
                    let Some(part) = name.strip_prefix(DURATION) else {
                        continue;
                    };
                    let h = s.duration.entry(key()).or_default();
                    match part {
                        "_bucket" => {
                            let le = x.label("le");
                            let bound = if le == "+Inf" {
                                Some(f64::INFINITY)
                            } else {
                                le.parse().ok()
                            };
                            if let Some(b) = bound {
                                h.buckets.push((b, x.value));
                            }
                        }
                        "_sum" => h.sum = x.value,
                        "_count" => h.count = x.value,
                        _ => {}
                    }
                }
            }
        }
        for h in s.duration.values_mut() {
            h.buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
        s
    }

    /// Requests answered, every endpoint (and `unmatched`) added.
    pub fn total_requests(&self) -> f64 {
        self.requests.values().sum()
    }

    /// Bytes of log written, every route added; `None` when the server does not count them.
    pub fn total_log_bytes(&self) -> Option<f64> {
        self.log_bytes.as_ref().map(|m| m.values().sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::prometheus::parse;

    const TEXT: &str = r#"# TYPE journal_http_requests_total counter
journal_http_requests_total{method="POST",route="/api/v1/auth/login",status_class="2xx"} 7
journal_http_requests_total{method="POST",route="/api/v1/auth/login",status_class="4xx"} 2
journal_http_requests_total{method="GET",route="/health",status_class="2xx"} 5
# TYPE journal_http_request_duration_seconds histogram
journal_http_request_duration_seconds_bucket{method="GET",route="/health",le="0.001"} 5
journal_http_request_duration_seconds_bucket{method="GET",route="/health",le="+Inf"} 5
journal_http_request_duration_seconds_sum{method="GET",route="/health"} 0.0025
journal_http_request_duration_seconds_count{method="GET",route="/health"} 5
journal_db_time_seconds_total{method="POST",route="/api/v1/auth/login"} 0.03
journal_password_hash_seconds_total{route="/api/v1/auth/login"} 0.27
journal_password_hash_total{route="/api/v1/auth/login"} 9
journal_db_pool_acquire_waits_total 3
process_cpu_seconds_total 1.5
process_resident_memory_bytes 4.5e7
# TYPE journal_log_bytes_total counter
journal_log_bytes_total{route="/api/v1/auth/login"} 1710
journal_log_bytes_total{route="/health"} 800
"#;

    #[test]
    fn reads_the_journal_api_families() {
        let e = parse(TEXT).unwrap();
        assert!(Snapshot::is_journal_api(&e));
        let s = Snapshot::from_exposition(&e);
        let login = ("POST".to_string(), "/api/v1/auth/login".to_string());
        let health = ("GET".to_string(), "/health".to_string());
        // 7 answered 2xx + 2 answered 4xx.
        assert_eq!(s.requests[&login], 7.0 + 2.0);
        assert_eq!(s.total_requests(), 7.0 + 2.0 + 5.0);
        assert_eq!(
            s.duration[&health].buckets,
            vec![(0.001, 5.0), (f64::INFINITY, 5.0)]
        );
        assert_eq!(
            (s.duration[&health].sum, s.duration[&health].count),
            (0.0025, 5.0)
        );
        assert_eq!(s.db_seconds[&login], 0.03);
        assert_eq!(s.hash_seconds["/api/v1/auth/login"], 0.27);
        assert_eq!(s.hashes["/api/v1/auth/login"], 9.0);
        assert_eq!(
            (s.cpu_seconds, s.resident_bytes, s.pool_waits),
            (Some(1.5), Some(4.5e7), Some(3.0))
        );
        assert_eq!(s.log_bytes.as_ref().unwrap()[LOGIN_ROUTE], 1710.0);
        assert_eq!(s.total_log_bytes(), Some(1710.0 + 800.0));
    }

    const LOGIN_ROUTE: &str = "/api/v1/auth/login";

    #[test]
    fn log_bytes_are_absent_unless_the_family_is_declared_or_sampled() {
        let none = parse("# TYPE journal_db_queries counter\n").unwrap();
        assert_eq!(Snapshot::from_exposition(&none).total_log_bytes(), None);
        // Declared, nothing logged yet (RUST_LOG off, or no request): measured zero.
        // journal-api's encoder names the family with `_total`; an OpenMetrics one without.
        for family in ["journal_log_bytes_total", "journal_log_bytes"] {
            let declared = parse(&format!("# TYPE {family} counter\n")).unwrap();
            let s = Snapshot::from_exposition(&declared);
            assert_eq!(s.total_log_bytes(), Some(0.0), "{family}");
        }
    }

    #[test]
    fn other_expositions_are_not_the_api() {
        let e = parse("# TYPE node_cpu_seconds_total counter\nnode_cpu_seconds_total 3\n").unwrap();
        assert!(!Snapshot::is_journal_api(&e));
        // A fresh API has answered no request yet: only the pool and process families.
        let fresh = parse("# TYPE journal_db_pool_connections gauge\njournal_db_pool_connections{state=\"idle\"} 2\n").unwrap();
        assert!(Snapshot::is_journal_api(&fresh));
        assert_eq!(Snapshot::from_exposition(&fresh).total_requests(), 0.0);
    }
}
