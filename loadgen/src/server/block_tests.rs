use super::*;
use crate::server::histogram::Histogram;

fn ep(method: &str, route: &str) -> Endpoint {
    (method.to_string(), route.to_string())
}

const LOGIN: &str = "/api/v1/auth/login";

/// Before: 10 logins answered. After: 30, 20 of them in the window.
fn scrapes() -> (Snapshot, Snapshot) {
    let login = ep("POST", LOGIN);
    let mut a = Snapshot::default();
    a.requests.insert(login.clone(), 10.0);
    a.duration.insert(
        login.clone(),
        Histogram {
            buckets: vec![(0.01, 0.0), (0.05, 10.0), (f64::INFINITY, 10.0)],
            sum: 0.3,
            count: 10.0,
        },
    );
    a.db_seconds.insert(login.clone(), 0.01);
    a.db_queries.insert(login.clone(), 20.0);
    a.hash_seconds.insert(LOGIN.into(), 0.25);
    a.cpu_seconds = Some(1.0);
    a.resident_bytes = Some(40e6);
    a.pool_waits = Some(2.0);
    a.log_bytes = Some([(LOGIN.to_string(), 1710.0)].into());
    let mut b = a.clone();
    b.requests.insert(login.clone(), 30.0);
    b.duration.insert(
        login.clone(),
        Histogram {
            // The 20 new ones: none below 10 ms, 15 in (10, 50] ms, 5 above.
            buckets: vec![(0.01, 0.0), (0.05, 25.0), (f64::INFINITY, 30.0)],
            sum: 0.3 + 0.8,
            count: 30.0,
        },
    );
    b.db_seconds.insert(login.clone(), 0.01 + 0.06);
    b.db_queries.insert(login, 20.0 + 40.0);
    b.hash_seconds.insert(LOGIN.into(), 0.25 + 0.5);
    b.cpu_seconds = Some(1.0 + 0.9);
    b.resident_bytes = Some(50e6);
    b.pool_waits = Some(2.0 + 3.0);
    // The 20 logins wrote 3420 bytes of log (171 B each); /health, answered in no scrape's
    // window, wrote 90 bytes before it.
    b.log_bytes = Some([(LOGIN.to_string(), 1710.0 + 3420.0)].into());
    a.log_bytes.as_mut().unwrap().insert("/health".into(), 90.0);
    b.log_bytes.as_mut().unwrap().insert("/health".into(), 90.0);
    (a, b)
}

fn recorded(sent: u64) -> Recorded {
    let (a, b) = scrapes();
    Recorded {
        window_s: 10.0,
        requests_sent: sent,
        metrics_url: Some("http://127.0.0.1:9464/metrics".into()),
        scrapes: vec![(-0.5, a), (10.1, b)],
        metrics_complete: true,
        ..Recorded::default()
    }
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn metrics_only_give_requests_routes_and_the_apis_own_cpu() {
    let s = build(&recorded(20)).unwrap();
    assert_eq!((s.requests, s.requests_sent), (30.0 - 10.0, 20));
    assert!(near(s.api_cpu_s, 1.9 - 1.0));
    assert_eq!(s.db_cpu_s, None);
    assert_eq!(
        (s.sources.api_cpu, s.sources.requests),
        (CpuSource::Metrics, RequestSource::Metrics)
    );
    assert_eq!(s.routes.len(), 1);
    let r = &s.routes[0];
    assert_eq!(
        (r.method.as_str(), r.route.as_str(), r.count),
        ("POST", LOGIN, 20.0)
    );
    // Mean: 0.8 s over 20 requests = 40 ms.
    assert!(near(r.server_ms.mean, 0.8 / 20.0 * 1000.0));
    // p50: rank 10 of 20; 15 in (10, 50] ms: 10 + 40 x 10/15 ms.
    assert!(near(r.server_ms.p50, 10.0 + 40.0 * 10.0 / 15.0));
    // p90: rank 18 lies in +Inf (only 15 <= 50 ms): the highest finite bound, 50 ms.
    assert!(near(r.server_ms.p90, 50.0) && near(r.server_ms.p99, 50.0));
    // Hashing 0.5 s, db 0.06 s, 40 queries over 20 requests.
    assert!(near(r.hash_ms.unwrap(), 0.5 / 20.0 * 1000.0));
    assert!(near(r.db_ms, 0.06 / 20.0 * 1000.0));
    assert!(near(r.db_queries, 40.0 / 20.0));
    assert_eq!(s.pool_waits, Some(3.0));
    assert_eq!(s.peak_rss_bytes.api, Some(50_000_000));
    assert_eq!(s.cpu_timeline.len(), 1);
    assert!(near(s.cpu_timeline[0].api_cpu_s.unwrap(), 0.9) && s.cpu_timeline[0].t_s == 10.1);
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn a_count_apart_from_what_was_sent_is_a_warning() {
    // 20 counted: 19 sent is within one request; 25 sent is 5 apart, over 1% of 25 and over 1.
    assert!(build(&recorded(19)).unwrap().warnings.is_empty());
    let s = build(&recorded(25)).unwrap();
    assert_eq!(s.warnings.len(), 1);
    assert!(
        s.warnings[0].starts_with("the server counted 20 requests in the window, loadgen sent 25"),
        "{}",
        s.warnings[0]
    );
    // When the endpoint went away the counts cover less than the window: no comparison.
    let mut r = recorded(25);
    r.metrics_complete = false;
    assert!(build(&r).unwrap().warnings.is_empty());
}

fn point(t_s: f64, api: f64, db: Option<f64>) -> ProcPoint {
    let tree = |cpu_s, rss_bytes, processes| TreePoint {
        cpu_s,
        rss_bytes,
        processes,
    };
    ProcPoint {
        t_s,
        api: Some(tree(api, 1000 + (t_s as u64), 1)),
        db: db.map(|d| tree(d, 5000, 3 + t_s as usize)),
    }
}

#[test]
fn proc_samples_give_the_cpu_timeline_and_peaks_and_outrank_the_apis_own_cpu() {
    let mut r = recorded(20);
    r.api_pid = Some(11);
    r.db_pid = Some(22);
    r.proc = vec![
        point(-0.5, 3.0, Some(7.0)),
        point(0.5, 3.4, Some(7.1)),
        point(1.5, 4.0, Some(7.5)),
    ];
    let s = build(&r).unwrap();
    assert!(near(s.api_cpu_s, 4.0 - 3.0), "{}", s.api_cpu_s);
    assert!(near(s.db_cpu_s.unwrap(), 7.5 - 7.0));
    assert_eq!(s.sources.api_cpu, CpuSource::Proc);
    assert_eq!(s.sources.db_processes_max, Some(3 + 1));
    assert_eq!(
        (s.peak_rss_bytes.api, s.peak_rss_bytes.db),
        (Some(1001), Some(5000))
    );
    let api: Vec<f64> = s
        .cpu_timeline
        .iter()
        .map(|p| p.api_cpu_s.unwrap())
        .collect();
    assert!(near(api[0], 0.4) && near(api[1], 0.6), "{api:?}");
    assert_eq!(s.cpu_timeline[1].t_s, 1.5);
}

#[test]
fn a_tree_that_exits_keeps_what_it_spent_until_then() {
    let mut r = recorded(20);
    r.proc = vec![
        point(0.0, 1.0, Some(2.0)),
        point(1.0, 1.5, Some(2.5)),
        point(2.0, 2.0, None),
    ];
    r.warnings.push(Warning::ProcessGone {
        what: Tree::Db,
        pid: 22,
        last_t_s: 1.0,
    });
    let s = build(&r).unwrap();
    assert!(near(s.db_cpu_s.unwrap(), 0.5));
    assert_eq!(s.cpu_timeline[1].db_cpu_s, None);
    assert_eq!(
        s.warnings,
        vec!["the database process 22 exited: its figures cover the window up to 1.0s only"]
    );
}

#[test]
fn without_metrics_requests_are_the_sent_ones_and_nothing_at_all_is_no_block() {
    let r = Recorded {
        window_s: 5.0,
        requests_sent: 40,
        api_pid: Some(1),
        proc: vec![point(0.0, 1.0, None), point(1.0, 1.25, None)],
        ..Recorded::default()
    };
    let s = build(&r).unwrap();
    assert_eq!(
        (s.requests, s.sources.requests),
        (40.0, RequestSource::Sent)
    );
    assert!(s.routes.is_empty());
    assert!(build(&Recorded::default()).is_none());
}

#[test]
fn the_block_has_the_fields_costcalc_reads_and_round_trips() {
    let mut r = recorded(20);
    r.api_pid = Some(11);
    r.db_pid = Some(22);
    r.proc = vec![point(0.0, 1.0, Some(2.0)), point(1.0, 1.5, Some(2.25))];
    let block = build(&r).unwrap();
    let v = serde_json::to_value(&block).unwrap();
    assert_eq!(
        (
            v["sources"]["api_cpu"].as_str(),
            v["sources"]["requests"].as_str()
        ),
        (Some("proc"), Some("metrics"))
    );
    // costcalc/src/loadgen_summary/server.rs reads these (numbers all).
    for k in [
        "requests",
        "api_cpu_s",
        "db_cpu_s",
        "window_s",
        "requests_sent",
    ] {
        assert!(v[k].is_number(), "{k}: {v}");
    }
    let route = &v["routes"][0];
    assert!(route["method"].is_string() && route["route"].is_string());
    assert!(route["count"].is_number() && route["server_ms"]["mean"].is_number());
    assert!(route["hash_ms"].is_number());
    assert!(v["log_bytes_per_request"].is_number() && route["log_bytes"].is_number());
    let again: ServerBlock = serde_json::from_value(v).unwrap();
    assert_eq!(again, block);
}

#[test]
fn log_bytes_per_request_is_the_log_bytes_delta_over_the_requests() {
    let s = build(&recorded(20)).unwrap();
    // (5130 - 1710 + 90 - 90) bytes / (30 - 10) requests = 3420 / 20 = 171 B.
    assert_eq!(s.log_bytes_per_request, Some(171.0));
    assert_eq!(s.routes[0].log_bytes, Some(171.0));
}

#[test]
fn log_bytes_are_absent_when_the_server_does_not_count_them() {
    let mut r = recorded(20);
    for (_, snap) in &mut r.scrapes {
        snap.log_bytes = None;
    }
    let s = build(&r).unwrap();
    assert_eq!(
        (s.log_bytes_per_request, s.routes[0].log_bytes),
        (None, None)
    );
    let v = serde_json::to_value(&s).unwrap();
    assert!(v.get("log_bytes_per_request").is_none(), "{v}");
    // Only the first scrape counting them (an API restarted mid-run, say) is no figure either.
    r.scrapes[0].1.log_bytes = Some(Default::default());
    assert_eq!(build(&r).unwrap().log_bytes_per_request, None);
}
