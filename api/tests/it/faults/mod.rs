//! The fault suite: the real binary against a PostgreSQL cluster each test owns, which
//! it restarts or freezes. Ignored in the ordinary run; scripts/test.d/55-faults.sh runs it with
//! `--run-ignored only`. Each wait is bounded; the bounds are the documented contracts (request
//! timeout, grace + 1 s) plus a margin, so a loaded machine makes the suite slower, never red.
//!
//! Covered: a warm pool through `pg_ctl -m fast restart` (directly and behind PgBouncer: no 5xx), a
//! frozen (SIGSTOP) database (503 within the request timeout; SIGTERM exits within grace + 1 s),
//! refresh race and logout after refresh over HTTP, a login flood (429 for one client, 503 when the
//! hashing queue is full, a legitimate login gets through), 300 half-sent requests (a normal
//! request is served; they are closed after 10 s), a 10 GB `Content-Length` (413 at once), a
//! stalled body (408) and unparsable requests (JSON 400 and 431), and a database resuming from
//! auto-pause (requests wait for it, /ready says `resuming`).

mod floods;
mod resume;

use std::time::{Duration, Instant};

use crate::support::server::{self, LONG, Server, register, request};
use pgtest::{Bouncer, Cluster};
use serde_json::json;

/// Added to every contractual bound: time a loaded machine may take to schedule us.
const MARGIN: Duration = Duration::from_secs(5);

fn list(addr: std::net::SocketAddr, token: &str) -> impl Future<Output = server::Res> + use<> {
    let token = token.to_string();
    async move { request(addr, "GET", "/api/v1/entries", Some(&token), None, LONG).await }
}

/// A warm pool through a restart: after `pg_ctl -m fast restart` every pooled connection is dead; no request may see a
/// 5xx for that, and /ready must not report the dead pool.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "fault suite: run by scripts/test.d/55-faults.sh"]
async fn warm_pool_survives_a_database_restart() {
    let pg = Cluster::start();
    pg.create_db("journal");
    let url = pg.url("journal");
    let server = Server::start(&[("DATABASE_URL", &url), ("DB_MAX_CONNECTIONS", "10")], &[]).await;
    let (access, _) = register(server.addr, "restart@example.com").await;
    let warm: Vec<_> = (0..30)
        .map(|_| tokio::spawn(list(server.addr, &access)))
        .collect();
    for w in warm {
        assert_eq!(w.await.unwrap().status, 200);
    }
    pg.restart();
    let ready = request(server.addr, "GET", "/ready", None, None, LONG).await;
    assert_eq!(
        ready.status, 200,
        "/ready after the restart: {}",
        ready.body
    );
    for i in 0..12 {
        let r = list(server.addr, &access).await;
        assert_eq!(r.status, 200, "list #{i} after the restart: {}", r.body);
    }
    let body = json!({"work": "w", "struggle": "s", "intention": "i"});
    let r = request(
        server.addr,
        "POST",
        "/api/v1/entries",
        Some(&access),
        Some(&body),
        LONG,
    )
    .await;
    assert_eq!(r.status, 201, "a write after the restart: {}", r.body);
    assert!(
        server.logged("database connection broken"),
        "the breakage was seen and handled"
    );
}

/// The same restart behind PgBouncer (transaction pooling, DB_PROXY=1): a restart behind the
/// proxy costs no 5xx either.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "fault suite: run by scripts/test.d/55-faults.sh"]
async fn behind_pgbouncer_a_restart_costs_no_5xx() {
    let pg = Cluster::start();
    pg.create_db("journal");
    let bouncer = Bouncer::start(pg.port);
    // Migrations go straight to the server (sqlx's migrator needs a session).
    let mut migrate = server::journal_api(&[("DATABASE_URL", &pg.url("journal"))]);
    migrate.arg("migrate");
    let (code, _, stderr) = server::output(migrate).await;
    assert_eq!(code, Some(0), "{stderr}");
    let url = bouncer.url("journal");
    // One connection, as a Lambda environment has (the deployment that uses a proxy): several
    // would be several clients on PgBouncer's one server connection, where sqlx's unnamed
    // statements can interleave (see the sessions tests).
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("DB_PROXY", "1"),
        ("DB_MAX_CONNECTIONS", "1"),
    ];
    let server = Server::start(&env, &["--no-migrate"]).await;
    let (access, _) = register(server.addr, "bouncer@example.com").await;
    let warm: Vec<_> = (0..30)
        .map(|_| tokio::spawn(list(server.addr, &access)))
        .collect();
    for w in warm {
        let r = w.await.unwrap();
        assert_eq!(
            r.status,
            200,
            "{} {:#?}",
            r.body,
            server.logs.lock().unwrap()
        );
    }
    pg.restart();
    for i in 0..12 {
        let r = list(server.addr, &access).await;
        assert_eq!(r.status, 200, "list #{i} after the restart: {}", r.body);
    }
}

/// A hung database (SIGSTOP) answers 503 JSON within the request timeout, and /ready too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "fault suite: run by scripts/test.d/55-faults.sh"]
async fn hung_database_answers_503_within_the_request_timeout() {
    let pg = Cluster::start();
    pg.create_db("journal");
    let url = pg.url("journal");
    let timeout_s = 2;
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("REQUEST_TIMEOUT_SECONDS", "2"),
    ];
    let server = Server::start(&env, &[]).await;
    let (access, _) = register(server.addr, "hung@example.com").await;
    assert_eq!(list(server.addr, &access).await.status, 200);
    pg.freeze();
    let bound = Duration::from_secs(timeout_s) + MARGIN;
    for path in ["/api/v1/entries", "/ready"] {
        let start = Instant::now();
        let r = request(server.addr, "GET", path, Some(&access), None, bound).await;
        let took = start.elapsed();
        eprintln!("hung database: {path} answered {} in {took:?}", r.status);
        assert_eq!(r.status, 503, "{path}: {}", r.body);
        assert!(r.json()["detail"].is_string(), "{}", r.body);
        assert_eq!(r.header("retry-after"), Some("1"), "{path}");
    }
    pg.thaw();
    // Once the database answers again, so does the API.
    let start = Instant::now();
    loop {
        let r = list(server.addr, &access).await;
        if r.status == 200 {
            break;
        }
        assert!(
            start.elapsed() < LONG,
            "no 200 within {LONG:?} of the thaw: {}",
            r.body
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// SIGTERM while a request waits on a hung database: the request gets a 503 when the
/// grace period ends and the process exits within grace + 1 s.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "fault suite: run by scripts/test.d/55-faults.sh"]
async fn sigterm_with_a_hung_database_exits_within_the_grace_period() {
    let pg = Cluster::start();
    pg.create_db("journal");
    let url = pg.url("journal");
    let grace = Duration::from_secs(2);
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("SHUTDOWN_GRACE_SECONDS", "2"),
        // Longer than the grace: it is the grace period that must end the request.
        ("REQUEST_TIMEOUT_SECONDS", "120"),
    ];
    let mut server = Server::start(&env, &[]).await;
    let (access, _) = register(server.addr, "term@example.com").await;
    assert_eq!(list(server.addr, &access).await.status, 200);
    pg.freeze();
    let started = "path=/api/v1/entries}: tower_http::trace::on_request";
    let before = server.count(started);
    let in_flight = tokio::spawn(list(server.addr, &access));
    // The handler has the request once tower_http logs it.
    server.wait_for_count(started, before + 1, LONG).await;
    let start = Instant::now();
    server.signal(libc::SIGTERM);
    let status = tokio::time::timeout(grace + Duration::from_secs(1) + MARGIN, server.child.wait())
        .await
        .expect("the server exits within grace + 1 s (+ margin)")
        .unwrap();
    let took = start.elapsed();
    eprintln!(
        "hung database: exit {:?} {took:?} after SIGTERM (grace {grace:?})",
        status.code()
    );
    assert_eq!(status.code(), Some(0));
    let r = in_flight.await.unwrap();
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(server.logged("grace period over"));
    pg.thaw();
}

/// Sessions under races over HTTP against the real binary: two refreshes at once keep the session (the
/// winner's tokens work); logout with an access token from before a refresh ends the session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "fault suite: run by scripts/test.d/55-faults.sh"]
async fn refresh_race_and_logout_after_refresh() {
    let pg = Cluster::start();
    pg.create_db("journal");
    let url = pg.url("journal");
    let server = Server::start(&[("DATABASE_URL", &url)], &[]).await;
    let addr = server.addr;
    let (access, refresh) = register(addr, "race@example.com").await;
    let body = json!({"refresh_token": refresh});
    let path = "/api/v1/auth/refresh";
    let (a, b) = tokio::join!(
        request(addr, "POST", path, None, Some(&body), LONG),
        request(addr, "POST", path, None, Some(&body), LONG)
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [200, 401], "{} / {}", a.body, b.body);
    let winner = if a.status == 200 { a.json() } else { b.json() };
    assert_eq!(
        list(addr, winner["access_token"].as_str().unwrap())
            .await
            .status,
        200
    );
    let next = json!({"refresh_token": winner["refresh_token"]});
    let r = request(addr, "POST", path, None, Some(&next), LONG).await;
    assert_eq!(
        r.status, 200,
        "the winner's refresh token works: {}",
        r.body
    );
    let newest = r.json();
    // Logout with the very first access token, two rotations ago.
    let r = request(
        addr,
        "POST",
        "/api/v1/auth/logout",
        Some(&access),
        None,
        LONG,
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let last = json!({"refresh_token": newest["refresh_token"]});
    let r = request(addr, "POST", path, None, Some(&last), LONG).await;
    assert_eq!(r.status, 401, "the session survived logout: {}", r.body);
}
