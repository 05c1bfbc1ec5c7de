//! Request statistics: over any set of samples, and per endpoint.

use super::types::{Endpoint, Sample, Stats};
use crate::stats::latency;
use std::collections::BTreeMap;

/// Stats over a set of samples.
pub fn stats<'a>(samples: impl IntoIterator<Item = &'a Sample>) -> Stats {
    let mut s = Stats::default();
    let mut lat = Vec::new();
    for x in samples {
        s.count += 1;
        if !x.ok {
            s.failures += 1;
        }
        if x.status == 0 {
            s.transport_errors += 1;
        } else {
            *s.status_codes.entry(x.status.to_string()).or_default() += 1;
        }
        s.request_bytes += x.request_bytes;
        s.response_bytes += x.response_bytes;
        lat.push(x.latency_ms);
    }
    s.latency_ms = latency(lat);
    s
}

/// One entry per (method, route), sorted by route then method, with its share of the requests.
pub fn endpoints(samples: &[Sample]) -> Vec<Endpoint> {
    let mut by_endpoint: BTreeMap<(&str, &str), Vec<&Sample>> = BTreeMap::new();
    for s in samples {
        by_endpoint.entry((s.route, s.method)).or_default().push(s);
    }
    let total = samples.len().max(1) as f64;
    by_endpoint
        .into_iter()
        .map(|((route, method), v)| Endpoint {
            method: method.to_string(),
            route: route.to_string(),
            share: v.len() as f64 / total,
            stats: stats(v),
        })
        .collect()
}
