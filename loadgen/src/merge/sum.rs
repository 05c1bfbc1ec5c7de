//! Adding up the parts of checked shard summaries.
//!
//! Exact: every count, the per-second timeline (lined up as [`super::align`] says), the request
//! percentiles (from the added histograms), the idle gaps (an overall silence is a silence of
//! every shard: the intersection of their gaps). Bounds only, for want of the raw samples: the
//! windows' p50/p99 and the setup registrations' percentiles are the largest of the shards'.

use super::Alignment;
use crate::summary::hdr::{Recorded, Trio, latency_ms};
use crate::summary::overload::{self, Window};
use crate::summary::threshold::Threshold;
use crate::summary::{
    Arrivals, Endpoint, FailureReason, IdleGap, JourneyCount, Second, Sessions, Setup, Stats,
    Summary, Users,
};
use std::collections::BTreeMap;

pub(super) fn summary(all: &[&Summary], hist: &Recorded, alignment: Alignment) -> Summary {
    let mut out = all[0].clone();
    let f = out.compression;
    let shifts = alignment.whole_seconds();
    out.started_at = all
        .iter()
        .map(|s| s.started_at.clone())
        .min()
        .unwrap_or_default();
    out.ended_at = all
        .iter()
        .map(|s| s.ended_at.clone())
        .max()
        .unwrap_or_default();
    out.wall_seconds = all
        .iter()
        .zip(&alignment.offsets_s)
        .map(|(s, o)| o + s.wall_seconds)
        .fold(0.0, f64::max);
    out.schedule_seconds = out.wall_seconds * f;
    out.users = Users {
        started: all.iter().map(|s| s.users.started).sum(),
        max: all.iter().map(|s| s.users.max).sum(),
    };
    out.journeys = journeys(all);
    out.setup = setup(all);
    out.endpoints = endpoints(all, hist);
    out.totals = stats(all.iter().map(|s| &s.totals), &hist.totals);
    out.arrivals = arrivals(all, hist);
    out.timeline = timeline(all, &shifts);
    let gaps: Vec<Vec<IdleGap>> = all
        .iter()
        .zip(&alignment.offsets_s)
        .map(|(s, o)| shifted(&s.idle_gaps, o * f))
        .collect();
    out.idle_gaps = idle_gaps(&gaps, out.idle_gap_threshold_s);
    out.windows = windows(all);
    let profile_s = out.profile_seconds.unwrap_or(out.profile.duration_s);
    out.overload = Some(overload::judge(
        out.arrivals.scheduled,
        out.arrivals.dropped,
        out.totals.failures,
        &out.windows,
        out.wall_seconds - profile_s / f,
    ));
    out.sessions = sessions(all);
    out.failure_reasons = failure_reasons(all);
    // Measured on the server by one process, or chosen by a probe: neither belongs to a sum.
    out.server = None;
    out.compress_auto = None;
    out.shard = None;
    out.merged_shards = Some(all.len() as u32);
    out.alignment = Some(alignment);
    out.histograms = Some(hist.encode());
    let judged = out
        .thresholds
        .iter()
        .filter_map(|t| t.expr.parse::<Threshold>().ok())
        .map(|t| t.judge(&out))
        .collect();
    out.thresholds = judged;
    out
}

/// The shards' failure reasons, counts added up by endpoint and reason.
fn failure_reasons(all: &[&Summary]) -> Vec<FailureReason> {
    let mut by: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for r in all.iter().flat_map(|s| &s.failure_reasons) {
        let key = (r.route.clone(), r.method.clone(), r.reason.clone());
        *by.entry(key).or_default() += r.count;
    }
    by.into_iter()
        .map(|((route, method, reason), count)| FailureReason {
            method,
            route,
            reason,
            count,
        })
        .collect()
}

/// Counts summed, latency from the merged histogram.
fn stats<'a>(parts: impl Iterator<Item = &'a Stats>, h: &Trio) -> Stats {
    let mut s = Stats::default();
    for p in parts {
        add_counts(&mut s, p);
    }
    s.latency_ms = latency_ms(&h.latency);
    s
}

/// Adds `from`'s counts (requests, failures, status codes, bytes) to `into`; latency is not a
/// count and is left to the caller.
fn add_counts(into: &mut Stats, from: &Stats) {
    into.count += from.count;
    into.failures += from.failures;
    into.transport_errors += from.transport_errors;
    for (code, n) in &from.status_codes {
        *into.status_codes.entry(code.clone()).or_default() += n;
    }
    into.request_bytes += from.request_bytes;
    into.response_bytes += from.response_bytes;
}

fn endpoints(all: &[&Summary], hist: &Recorded) -> Vec<Endpoint> {
    let mut by: BTreeMap<(String, String), Vec<&Stats>> = BTreeMap::new();
    for e in all.iter().flat_map(|s| &s.endpoints) {
        by.entry((e.route.clone(), e.method.clone()))
            .or_default()
            .push(&e.stats);
    }
    let empty = Trio::default();
    let mut out: Vec<Endpoint> = by
        .into_iter()
        .map(|((route, method), parts)| {
            let h = hist
                .endpoints
                .get(&(method.clone(), route.clone()))
                .unwrap_or(&empty);
            Endpoint {
                method,
                route,
                share: 0.0,
                stats: stats(parts.into_iter(), h),
            }
        })
        .collect();
    let total = out.iter().map(|e| e.stats.count).sum::<u64>().max(1) as f64;
    for e in &mut out {
        e.share = e.stats.count as f64 / total;
    }
    out
}

fn arrivals(all: &[&Summary], hist: &Recorded) -> Arrivals {
    let sum = |f: fn(&Arrivals) -> u64| all.iter().map(|s| f(&s.arrivals)).sum::<u64>();
    let scheduled = sum(|a| a.scheduled);
    let profile_s = all[0].profile_seconds.unwrap_or(all[0].profile.duration_s);
    Arrivals {
        scheduled,
        sent: sum(|a| a.sent),
        dropped: sum(|a| a.dropped),
        failed: sum(|a| a.failed),
        scheduled_per_s: if profile_s > 0.0 {
            scheduled as f64 / profile_s
        } else {
            0.0
        },
        unsent: sum(|a| a.unsent),
        tolerance_ms: all[0].arrivals.tolerance_ms,
        timing_error_ms: latency_ms(&hist.totals.lateness),
    }
}

/// Per-second counts added by second, each shard's seconds moved by its offset.
fn timeline(all: &[&Summary], shifts: &[u64]) -> Vec<Second> {
    let len = all
        .iter()
        .zip(shifts)
        .map(|(s, d)| s.timeline.len() as u64 + d)
        .max()
        .unwrap_or(0);
    let mut out: Vec<Second> = (0..len)
        .map(|second| Second {
            second,
            sent: 0,
            errors: 0,
            dropped: 0,
        })
        .collect();
    let moved = all
        .iter()
        .zip(shifts)
        .flat_map(|(s, d)| s.timeline.iter().map(move |x| (x, x.second + d)));
    for (x, second) in moved {
        if let Some(o) = out.get_mut(second as usize) {
            o.sent += x.sent;
            o.errors += x.errors;
            o.dropped += x.dropped;
        }
    }
    out
}

/// A shard's gaps moved `by` schedule seconds later.
fn shifted(gaps: &[IdleGap], by: f64) -> Vec<IdleGap> {
    gaps.iter()
        .map(|g| IdleGap {
            start_s: g.start_s + by,
            ..g.clone()
        })
        .collect()
}

/// Silences of every shard at once: the intersection of the shards' gaps, kept when still at
/// least the threshold long. The first request after it is the one that ended it. Linear in the
/// gaps: each shard's are first sorted and their overlaps joined, then intersected pairwise
/// (at most as many pieces as both lists hold).
pub(super) fn idle_gaps(all: &[Vec<IdleGap>], threshold_s: f64) -> Vec<IdleGap> {
    let mut common = disjoint(&all[0]);
    for gaps in &all[1..] {
        common = intersect(&common, &disjoint(gaps));
    }
    common.retain(|g| g.real_seconds >= threshold_s);
    common
}

fn end(g: &IdleGap) -> f64 {
    g.start_s + g.real_seconds
}

/// The gaps sorted, overlapping ones joined (the later-ending one's first request ends it).
fn disjoint(gaps: &[IdleGap]) -> Vec<IdleGap> {
    let mut sorted = gaps.to_vec();
    sorted.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
    let mut out: Vec<IdleGap> = Vec::with_capacity(sorted.len());
    for g in sorted {
        match out.last_mut() {
            Some(last) if g.start_s < end(last) => {
                if end(&g) > end(last) {
                    last.real_seconds = end(&g) - last.start_s;
                    last.first_request_latency_ms = g.first_request_latency_ms;
                }
            }
            _ => out.push(g),
        }
    }
    out
}

/// The intersection of two sorted lists of disjoint gaps.
fn intersect(a: &[IdleGap], b: &[IdleGap]) -> Vec<IdleGap> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        let (x, y) = (&a[i], &b[j]);
        let start = x.start_s.max(y.start_s);
        let stop = end(x).min(end(y));
        if stop > start {
            out.push(IdleGap {
                start_s: start,
                real_seconds: stop - start,
                first_request_latency_ms: if end(x) <= end(y) {
                    x.first_request_latency_ms
                } else {
                    y.first_request_latency_ms
                },
            });
        }
        if end(x) <= end(y) {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// Windows added by position (the same plan cuts the same windows); their p50/p99 are the
/// largest of the shards' (a bound: the window's samples are not kept).
fn windows(all: &[&Summary]) -> Vec<Window> {
    let mut out = all[0].windows.clone();
    for s in &all[1..] {
        for (o, w) in out.iter_mut().zip(&s.windows) {
            o.arrivals += w.arrivals;
            o.sent += w.sent;
            o.dropped += w.dropped;
            o.rate_per_s += w.rate_per_s;
            o.p50_ms = o.p50_ms.max(w.p50_ms);
            o.p99_ms = o.p99_ms.max(w.p99_ms);
        }
    }
    out
}

fn journeys(all: &[&Summary]) -> Vec<JourneyCount> {
    let mut out = all[0].journeys.clone();
    for s in &all[1..] {
        for j in &s.journeys {
            match out.iter_mut().find(|o| o.name == j.name) {
                Some(o) => {
                    o.started += j.started;
                    o.completed += j.completed;
                }
                None => out.push(j.clone()),
            }
        }
    }
    out
}

/// Registrations: counts summed, mean weighted by count, percentiles the largest of the shards'.
fn setup(all: &[&Summary]) -> Setup {
    let mut out = all[0].setup.clone();
    let mut weighted = out.register.latency_ms.mean * out.register.count as f64;
    for s in &all[1..] {
        let (o, r) = (&mut out.register, &s.setup.register);
        out.users_registered += s.setup.users_registered;
        out.entries_seeded += s.setup.entries_seeded;
        weighted += r.latency_ms.mean * r.count as f64;
        add_counts(o, r);
        let (l, x) = (&mut o.latency_ms, &r.latency_ms);
        (l.p50, l.p90, l.p99, l.max) = (
            l.p50.max(x.p50),
            l.p90.max(x.p90),
            l.p99.max(x.p99),
            l.max.max(x.max),
        );
    }
    out.register.latency_ms.mean = weighted / out.register.count.max(1) as f64;
    out
}

fn sessions(all: &[&Summary]) -> Option<Sessions> {
    let mut out = all[0].sessions.clone()?;
    for s in all[1..].iter().filter_map(|s| s.sessions.as_ref()) {
        out.started += s.started;
        out.preexisting += s.preexisting;
        out.completed += s.completed;
        out.abandoned += s.abandoned;
        out.open_at_end += s.open_at_end;
        out.logins += s.logins;
        out.registrations += s.registrations;
        out.refreshes += s.refreshes;
        out.logouts += s.logouts;
        out.session_requests += s.session_requests;
        out.max_token_age_s = out.max_token_age_s.max(s.max_token_age_s);
        out.token_lifetime_s = out.token_lifetime_s.max(s.token_lifetime_s);
    }
    Some(out)
}
