//! The metrics endpoint of the real binary: what a known set of requests adds to each metric,
//! on SQLite and PostgreSQL; that it is a listener of its own, absent unless asked for; and
//! that it cannot be put on the public port.
//!
//! On SQLite and on PostgreSQL: scrape, drive a known set of requests (register, a good and a bad
//! login, entries, a 404 on a matched route, unknown paths, `/health`), scrape again; the deltas of
//! request counts per route and status class, hash counts, histogram counts and database calls are
//! checked exactly, and CPU seconds never go down. Also: only the public port listens without
//! `METRICS_ADDR` (read from `/proc`), and `/metrics` is a 404 there; a metrics address equal to
//! the public one, or an unparsable one, is refused with a clear error.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use crate::support;
use crate::support::server::{LONG, Server, journal_api, output, register, request};
use serde_json::json;

/// One scrape: series (name and sorted labels, `name{a="1",b="2"}`) to value.
#[derive(Debug)]
struct Scrape(BTreeMap<String, f64>);

impl Scrape {
    fn parse(text: &str) -> Scrape {
        let mut series = BTreeMap::new();
        for line in text
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let (key, value) = line
                .rsplit_once(' ')
                .unwrap_or_else(|| panic!("not a sample: {line:?}"));
            let value: f64 = value.parse().unwrap_or_else(|e| panic!("{e}: {line:?}"));
            series.insert(normalise(key), value);
        }
        Scrape(series)
    }

    /// The value of a series, 0 when it does not exist (yet).
    fn get(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.0.get(&key(name, labels)).copied().unwrap_or(0.0)
    }

    /// Sum over every series of `name` whose labels include `labels`.
    fn sum(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let prefix = format!("{name}{{");
        self.0
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix) || k.as_str() == name)
            .filter(|(k, _)| {
                labels
                    .iter()
                    .all(|(l, v)| k.contains(&format!("{l}=\"{v}\"")))
            })
            .map(|(_, v)| v)
            .sum()
    }
}

fn key(name: &str, labels: &[(&str, &str)]) -> String {
    let mut labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    labels.sort();
    if labels.is_empty() {
        name.to_string()
    } else {
        format!("{name}{{{}}}", labels.join(","))
    }
}

/// `name{b="2",a="1"}` to `name{a="1",b="2"}`. Label values here never hold `",`.
fn normalise(series: &str) -> String {
    let Some((name, rest)) = series.split_once('{') else {
        return series.to_string();
    };
    let inner = rest.strip_suffix('}').expect("labels end with }");
    let mut labels: Vec<&str> = inner.split("\",").collect();
    let last = labels.len() - 1;
    labels[last] = labels[last].strip_suffix('"').expect("quoted value");
    let mut labels: Vec<String> = labels.iter().map(|l| format!("{l}\"")).collect();
    labels.sort();
    format!("{name}{{{}}}", labels.join(","))
}

async fn scrape(addr: SocketAddr) -> Scrape {
    let r = request(addr, "GET", "/metrics", None, None, LONG).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    Scrape::parse(&r.body)
}

/// The address the server logged for its metrics listener.
pub async fn metrics_addr(server: &Server) -> SocketAddr {
    server.wait_for_count("metrics listening", 1, LONG).await;
    let logs = server.logs.lock().unwrap();
    let line = logs
        .iter()
        .find(|l| l.contains("metrics listening"))
        .unwrap();
    let rest = line.split("addr=").nth(1).expect("addr= in the line");
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    rest[..end].parse().unwrap()
}

/// TCP ports `pid` listens on, from its socket inodes and /proc/net/tcp{,6}.
fn listening_ports(pid: u32) -> Vec<u16> {
    let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
        .filter_map(|l| {
            let l = l.to_string_lossy().into_owned();
            Some(l.strip_prefix("socket:[")?.strip_suffix(']')?.to_string())
        })
        .collect();
    let mut ports = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for cols in text
            .lines()
            .skip(1)
            .map(|l| l.split_whitespace().collect::<Vec<_>>())
        {
            // local_address is HEXIP:HEXPORT; state 0A is LISTEN; column 9 is the inode.
            if cols.get(3) == Some(&"0A") && inodes.iter().any(|i| Some(&i.as_str()) == cols.get(9))
            {
                let port = cols[1].rsplit_once(':').unwrap().1;
                ports.push(u16::from_str_radix(port, 16).unwrap());
            }
        }
    }
    ports.sort();
    ports
}

const REQUESTS: &str = "journal_http_requests_total";
const DURATION_COUNT: &str = "journal_http_request_duration_seconds_count";
const ENTRY: &str = "/api/v1/entries/{entry_id}";

/// Drives a known set of requests between two scrapes and checks what each metric gained.
async fn known_requests_are_counted_exactly(database_url: &str) {
    let server = Server::start(
        &[
            ("DATABASE_URL", database_url),
            ("METRICS_ADDR", "127.0.0.1:0"),
        ],
        &[],
    )
    .await;
    let maddr = metrics_addr(&server).await;
    let mut ports = vec![server.addr.port(), maddr.port()];
    ports.sort();
    assert_eq!(listening_ports(server.child.id().unwrap()), ports);
    let before = scrape(maddr).await;
    send_known_requests(server.addr).await;
    let after = scrape(maddr).await;
    let change = Change {
        before: &before,
        after: &after,
    };
    assert_requests_counted(&change);
    assert_work_counted(&change);
    assert_process_and_pool_metrics(&change);
}

/// One registration, a good and a bad login, 3 entries created, 2 read and 1 missing, 2
/// unmatched routes (one of them /metrics on the public port) and 5 health checks.
async fn send_known_requests(addr: SocketAddr) {
    let (token, _) = register(addr, "metrics@example.com").await;
    let login = |password: &'static str| {
        let body = json!({"email": "metrics@example.com", "password": password});
        async move { request(addr, "POST", "/api/v1/auth/login", None, Some(&body), LONG).await }
    };
    assert_eq!(login("correct horse battery").await.status, 200);
    assert_eq!(login("wrong horse battery").await.status, 401);
    let mut ids = Vec::new();
    for i in 0..3 {
        let body = json!({"work": format!("w{i}"), "struggle": "s", "intention": "i"});
        let r = request(
            addr,
            "POST",
            "/api/v1/entries",
            Some(&token),
            Some(&body),
            LONG,
        )
        .await;
        assert_eq!(r.status, 201, "{}", r.body);
        ids.push(r.json()["id"].as_str().unwrap().to_string());
    }
    for id in &ids[..2] {
        let r = request(
            addr,
            "GET",
            &format!("/api/v1/entries/{id}"),
            Some(&token),
            None,
            LONG,
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let missing = format!("/api/v1/entries/{}", uuid::Uuid::now_v7());
    let r = request(addr, "GET", &missing, Some(&token), None, LONG).await;
    assert_eq!(r.status, 404);
    for path in ["/no/such/route", "/metrics"] {
        let r = request(addr, "GET", path, None, None, LONG).await;
        assert_eq!(r.status, 404, "{path} on the public port: {}", r.body);
    }
    for _ in 0..5 {
        assert_eq!(
            request(addr, "GET", "/health", None, None, LONG)
                .await
                .status,
            200
        );
    }
}

/// What the metrics gained between two scrapes.
struct Change<'a> {
    before: &'a Scrape,
    after: &'a Scrape,
}

impl Change<'_> {
    fn delta(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.after.get(name, labels) - self.before.get(name, labels)
    }

    fn total(&self, name: &str) -> f64 {
        self.after.sum(name, &[]) - self.before.sum(name, &[])
    }
}

/// Method, route, status class and count of the known requests.
const EXPECTED: &[(&str, &str, &str, f64)] = &[
    ("POST", "/api/v1/auth/register", "2xx", 1.0),
    ("POST", "/api/v1/auth/login", "2xx", 1.0),
    ("POST", "/api/v1/auth/login", "4xx", 1.0),
    ("POST", "/api/v1/entries", "2xx", 3.0),
    ("GET", ENTRY, "2xx", 2.0),
    ("GET", ENTRY, "4xx", 1.0),
    ("GET", "unmatched", "4xx", 2.0),
    ("GET", "/health", "2xx", 5.0),
];

/// The request counter and the duration histogram counted each known request once.
fn assert_requests_counted(change: &Change) {
    let (before, after) = (change.before, change.after);
    for &(method, route, class, n) in EXPECTED {
        let labels = [
            ("method", method),
            ("route", route),
            ("status_class", class),
        ];
        assert_eq!(
            change.delta(REQUESTS, &labels),
            n,
            "{method} {route} {class}: {after:#?}"
        );
    }
    assert_eq!(change.total(REQUESTS), 16.0, "no other request was counted");
    // The histogram saw every request once, per method and route.
    for &(method, route, _, _) in EXPECTED {
        let labels = [("method", method), ("route", route)];
        assert_eq!(
            change.delta(DURATION_COUNT, &labels),
            after.sum(REQUESTS, &labels) - before.sum(REQUESTS, &labels),
            "{method} {route}"
        );
    }
    assert_eq!(change.total(DURATION_COUNT), change.total(REQUESTS));
}

/// Password hashing and database work went to the routes that did it.
fn assert_work_counted(change: &Change) {
    let after = change.after;
    // argon2id: one hash to register, one verification per login (also the failed one).
    let hashes = "journal_password_hash_total";
    assert_eq!(
        change.delta(hashes, &[("route", "/api/v1/auth/register")]),
        1.0
    );
    assert_eq!(
        change.delta(hashes, &[("route", "/api/v1/auth/login")]),
        2.0
    );
    assert_eq!(change.total(hashes), 3.0);
    assert!(
        change.delta(
            "journal_password_hash_seconds_total",
            &[("route", "/api/v1/auth/login")]
        ) > 0.0
    );
    // Every entry request reached the database; /health never does.
    let create = [("method", "POST"), ("route", "/api/v1/entries")];
    assert!(
        change.delta("journal_db_queries_total", &create) >= 3.0,
        "{after:#?}"
    );
    assert!(change.delta("journal_db_time_seconds_total", &create) > 0.0);
    let health = [("method", "GET"), ("route", "/health")];
    assert_eq!(change.delta("journal_db_queries_total", &health), 0.0);
}

fn assert_process_and_pool_metrics(change: &Change) {
    let (before, after) = (change.before, change.after);
    let cpu = "process_cpu_seconds_total";
    assert!(after.get(cpu, &[]) >= before.get(cpu, &[]), "{after:#?}");
    assert!(after.get(cpu, &[]) > 0.0);
    assert!(after.get("process_resident_memory_bytes", &[]) > 1e6);
    let pool = after.sum("journal_db_pool_connections", &[]);
    assert!(pool >= 1.0, "an eager pool holds a connection: {after:#?}");
    assert!(
        after
            .0
            .contains_key(&key("journal_db_pool_connections", &[("state", "in_use")]))
    );
    assert!(after.0.contains_key("journal_db_pool_acquire_waits_total"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn known_requests_are_counted_exactly_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("journal.db").display());
    known_requests_are_counted_exactly(&url).await;
}

// `pg_direct`, not `postgres`: stage 50 runs every `postgres` test through PgBouncer in transaction
// mode, where a pool of several connections breaks (see api/README.md); the counts do not depend
// on the pooler.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn known_requests_are_counted_exactly_on_pg_direct() {
    let url = support::fresh_postgres_url().await;
    known_requests_are_counted_exactly(&url).await;
}

#[tokio::test]
async fn without_metrics_addr_only_the_public_port_listens() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("journal.db").display());
    let server = Server::start(&[("DATABASE_URL", &url)], &[]).await;
    let r = request(server.addr, "GET", "/metrics", None, None, LONG).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json(), json!({"detail": "Not Found"}));
    assert_eq!(
        listening_ports(server.child.id().unwrap()),
        vec![server.addr.port()]
    );
    assert!(!server.logged("metrics listening"));
}

/// Anyone can send `FOO /health`. Made-up methods share the label `other`: when each became a
/// label of its own, 3,000 of them grew `/metrics` from 24 KB to 35 MB.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn made_up_methods_leave_the_metrics_small() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("journal.db").display());
    let server = Server::start(
        &[("DATABASE_URL", &url), ("METRICS_ADDR", "127.0.0.1:0")],
        &[],
    )
    .await;
    let (addr, maddr) = (server.addr, metrics_addr(&server).await);
    let made_up = |i: usize| async move {
        let r = request(addr, &format!("MADEUP{i}"), "/health", None, None, LONG).await;
        assert!((400..500).contains(&r.status), "MADEUP{i}: {}", r.status);
    };
    made_up(0).await;
    let first = request(maddr, "GET", "/metrics", None, None, LONG)
        .await
        .body;
    const N: usize = 500;
    for batch in (1..=N).collect::<Vec<_>>().chunks(50) {
        join_all(batch.iter().map(|&i| made_up(i))).await;
    }
    let text = request(maddr, "GET", "/metrics", None, None, LONG)
        .await
        .body;
    eprintln!(
        "metrics: {} bytes after one made-up method, {} after {}",
        first.len(),
        text.len(),
        N + 1
    );
    // The counts grow by a few digits; a series per method would add some 2 KB each.
    assert!(
        text.len() < first.len() + 1024,
        "{} bytes after one made-up method, {} after {}",
        first.len(),
        text.len(),
        N + 1
    );
    let after = Scrape::parse(&text);
    assert_eq!(after.sum(REQUESTS, &[("method", "other")]), (N + 1) as f64);
    for series in after.0.keys() {
        if let Some(rest) = series.split("method=\"").nth(1) {
            let method = &rest[..rest.find('"').unwrap()];
            assert!(
                [
                    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "other"
                ]
                .contains(&method),
                "{series}"
            );
        }
    }
}

/// Runs the futures at once and waits for all of them.
async fn join_all<F: Future<Output = ()> + Send + 'static>(fs: impl Iterator<Item = F>) {
    let tasks: Vec<_> = fs.map(tokio::spawn).collect();
    for t in tasks {
        t.await.unwrap();
    }
}

/// Environment variables of one case.
type Env<'a> = &'a [(&'a str, &'a str)];

#[tokio::test]
async fn metrics_on_the_public_address_or_a_bad_address_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("journal.db").display());
    let cases: [(Env, &[&str], &str); 3] = [
        (
            &[("METRICS_ADDR", "127.0.0.1:18080")],
            &["--addr", "127.0.0.1:18080"],
            "METRICS_ADDR 127.0.0.1:18080 would share the public listener 127.0.0.1:18080",
        ),
        (
            &[("PORT", "18080")],
            &["--metrics-addr", "0.0.0.0:18080"],
            "would share the public listener 127.0.0.1:18080",
        ),
        (
            &[("METRICS_ADDR", "localhost")],
            &[],
            "METRICS_ADDR=\"localhost\" is invalid: an IP:port such as 127.0.0.1:9464",
        ),
    ];
    for (env, args, says) in cases {
        let mut cmd = journal_api(env);
        cmd.env("DATABASE_URL", &url).arg("serve").args(args);
        let (code, _, stderr) = output(cmd).await;
        assert_eq!(code, Some(1), "{env:?} {args:?}: {stderr}");
        assert!(stderr.contains(says), "{env:?} {args:?}: {stderr}");
    }
}
