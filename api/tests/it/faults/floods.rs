//! Floods. A login flood is throttled (429 per client, 503 once the password-hashing
//! queue is full) while a legitimate login gets through; half-sent requests (slowloris) neither
//! hold the server nor stay open; an absurd Content-Length is refused at once.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::MARGIN;
use crate::support::server::{LONG, Server, read_response, register, request};

async fn sqlite_server(dir: &tempfile::TempDir, env: &[(&str, &str)]) -> Server {
    let url = format!("sqlite://{}", dir.path().join("floods.db").display());
    let mut all = vec![("DATABASE_URL", url.as_str())];
    all.extend_from_slice(env);
    Server::start(&all, &[]).await
}

/// One login from `client` (as the trusted proxy header names it); returns the status.
async fn login_from(
    addr: SocketAddr,
    client: String,
    email: String,
    password: &'static str,
) -> (u16, Option<String>) {
    let body = json!({"email": email, "password": password}).to_string();
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let req = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         X-Forwarded-For: {client}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let r = read_response(&mut s, LONG).await;
    (r.status, r.header("retry-after").map(str::to_string))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "fault suite: run by scripts/test.d/55-faults.sh"]
async fn a_login_flood_is_throttled_and_a_legitimate_login_gets_through() {
    let dir = tempfile::tempdir().unwrap();
    // 8 hashes waiting per core: the bots below outnumber what the queue admits on any machine.
    let env = [
        ("TRUSTED_PROXY_HEADER", "X-Forwarded-For"),
        ("PASSWORD_QUEUE_PER_CORE", "8"),
    ];
    let server = sqlite_server(&dir, &env).await;
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u32;
    let addr = server.addr;
    register(addr, "legit@example.com").await;

    let too_many = one_client_is_throttled(addr).await;

    // A botnet: many more logins at once than the queue admits, each from its own address, and
    // in the middle of them the legitimate user, who waits as Retry-After says.
    let n = 400.max(cores * 9 * 2);
    let flood: Vec<_> = (0..n)
        .map(|i| {
            let ip = format!("10.{}.{}.{}", i / 65536 % 256, i / 256 % 256, i % 256);
            tokio::spawn(login_from(
                addr,
                ip,
                format!("bot{i}@example.com"),
                "wrongpass",
            ))
        })
        .collect();
    let (took, tries) = the_legitimate_login_gets_through(addr).await;
    let mut busy = 0;
    for t in flood {
        let (status, _) = t.await.unwrap();
        assert!(matches!(status, 401 | 503), "{status}");
        busy += u32::from(status == 503);
    }
    eprintln!(
        "login flood: legitimate login in {took:?} ({tries} tries) during {n} concurrent bot \
         logins (503 x{busy}); one client's 100 logins: 429 x{too_many}"
    );
    assert!(
        busy > 0,
        "{n} concurrent logins never overflowed the hashing queue"
    );
}

/// One client: 100 logins at once; its bucket holds 30 (+1 per 2 s), the rest get 429.
/// Returns how many got 429.
async fn one_client_is_throttled(addr: SocketAddr) -> u32 {
    let single: Vec<_> = (0..100)
        .map(|i| {
            tokio::spawn(login_from(
                addr,
                "203.0.113.66".into(),
                format!("x{i}@example.com"),
                "wrongpass",
            ))
        })
        .collect();
    let started = Instant::now();
    let mut too_many = 0;
    for t in single {
        let (status, retry) = t.await.unwrap();
        assert!(matches!(status, 401 | 429 | 503), "{status}");
        if status == 429 {
            too_many += 1;
            assert!(retry.is_some(), "429 without Retry-After");
        }
    }
    if started.elapsed() < Duration::from_secs(100) {
        assert!(too_many > 0, "no 429 among 100 logins of one client");
    }
    too_many
}

/// The legitimate user logs in, waiting as Retry-After says; returns how long it took and how
/// many tries.
async fn the_legitimate_login_gets_through(addr: SocketAddr) -> (Duration, u32) {
    let started = Instant::now();
    let mut tries = 0;
    loop {
        tries += 1;
        let (status, retry) = login_from(
            addr,
            "198.51.100.1".into(),
            "legit@example.com".into(),
            "correct horse battery",
        )
        .await;
        if status == 200 {
            break;
        }
        assert!(
            matches!(status, 429 | 503),
            "the legitimate login: {status}"
        );
        assert!(
            started.elapsed() < LONG,
            "no successful login within {LONG:?}"
        );
        let secs = retry.and_then(|r| r.parse().ok()).unwrap_or(1);
        tokio::time::sleep(Duration::from_secs(secs)).await;
    }
    (started.elapsed(), tries)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "fault suite: run by scripts/test.d/55-faults.sh"]
async fn slowloris_neither_holds_the_server_nor_its_sockets() {
    let dir = tempfile::tempdir().unwrap();
    let server = sqlite_server(&dir, &[]).await;
    let addr = server.addr;
    let mut held = half_sent(addr, "/health", 300).await;
    let started = Instant::now();
    let r = request(addr, "GET", "/health", None, None, LONG).await;
    eprintln!(
        "slowloris: a normal request answered {} in {:?} with 300 partial requests held",
        r.status,
        started.elapsed()
    );
    assert_eq!(r.status, 200);
    // The half-sent requests are dropped after the header read timeout (10 s).
    let bound = journal_api::conn::HEADER_READ_TIMEOUT + MARGIN;
    assert_closed_within(&mut held[..5], bound).await;
}

/// `n` connections, each with a request whose head stops in the middle of a header.
async fn half_sent(addr: SocketAddr, path: &str, n: usize) -> Vec<TcpStream> {
    let mut held = Vec::new();
    for _ in 0..n {
        let mut s = TcpStream::connect(addr).await.expect("connect");
        let head = format!("GET {path} HTTP/1.1\r\nHost: x\r\nX-Slow: ");
        s.write_all(head.as_bytes()).await.unwrap();
        held.push(s);
    }
    held
}

/// Each connection is over within `bound`: EOF, a reset, or a short error response.
async fn assert_closed_within(held: &mut [TcpStream], bound: Duration) {
    for s in held {
        let mut buf = [0u8; 256];
        let n = tokio::time::timeout(bound, s.read(&mut buf))
            .await
            .expect("the server closes a half-sent request after the header read timeout");
        if let Ok(n) = n
            && n > 0
        {
            assert!(
                buf.starts_with(b"HTTP/1.1 4"),
                "{:?}",
                String::from_utf8_lossy(&buf[..n])
            );
        }
    }
}

/// The metrics listener is served by the same connection loop: a half-sent request there is
/// closed after the same header read timeout (it used to stay open 45 s and more).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "fault suite: run by scripts/test.d/55-faults.sh"]
async fn slowloris_on_the_metrics_listener_is_closed_too() {
    let dir = tempfile::tempdir().unwrap();
    let server = sqlite_server(&dir, &[("METRICS_ADDR", "127.0.0.1:0")]).await;
    let maddr = crate::metrics::metrics_addr(&server).await;
    let mut held = half_sent(maddr, "/metrics", 5).await;
    let r = request(maddr, "GET", "/metrics", None, None, LONG).await;
    assert_eq!(r.status, 200);
    assert_closed_within(&mut held, journal_api::conn::HEADER_READ_TIMEOUT + MARGIN).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "fault suite: run by scripts/test.d/55-faults.sh"]
async fn bodies_too_large_or_too_slow_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let server = sqlite_server(&dir, &[]).await;
    let addr = server.addr;
    // 10 GB announced, one byte sent, the socket left open: 413 without waiting for the rest.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(
        b"POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
          Content-Length: 10000000000\r\n\r\n{",
    )
    .await
    .unwrap();
    let r = read_head(&mut s, LONG).await;
    assert!(r.starts_with("HTTP/1.1 413"), "{r}");
    // A body that stops halfway: 408 after the body read timeout.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(
        b"POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
          Content-Length: 40\r\n\r\n{\"email\":",
    )
    .await
    .unwrap();
    let bound = journal_api::body::BODY_READ_TIMEOUT + MARGIN;
    let r = read_head(&mut s, bound).await;
    assert!(r.starts_with("HTTP/1.1 408"), "{r}");
}

/// Reads until the end of the response head (the server may keep the socket open).
async fn read_head(s: &mut TcpStream, limit: Duration) -> String {
    let mut buf = Vec::new();
    tokio::time::timeout(limit, async {
        let mut chunk = [0u8; 1024];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = s.read(&mut chunk).await.unwrap();
            assert!(n > 0, "closed without an answer");
            buf.extend_from_slice(&chunk[..n]);
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no answer within {limit:?}"));
    String::from_utf8_lossy(&buf).into_owned()
}

/// hyper's own answers to requests it cannot parse are JSON like every other error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "fault suite: run by scripts/test.d/55-faults.sh"]
async fn unparsable_requests_get_json_errors() {
    let dir = tempfile::tempdir().unwrap();
    let server = sqlite_server(&dir, &[]).await;
    // Too many headers (hyper takes 100): the whole head is read, so closing after the answer
    // leaves nothing unread (which would reset the connection under the answer).
    let many: String = (0..150).map(|i| format!("X-H{i}: v\r\n")).collect();
    let huge = format!("GET /health HTTP/1.1\r\nHost: x\r\n{many}\r\n");
    for (raw, status) in [("NOT HTTP AT ALL\r\n\r\n".to_string(), 400), (huge, 431)] {
        let mut s = TcpStream::connect(server.addr).await.unwrap();
        s.write_all(raw.as_bytes()).await.unwrap();
        let r = read_response(&mut s, LONG).await;
        assert_eq!(r.status, status, "{}", r.body);
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert!(r.json()["detail"].is_string(), "{}", r.body);
    }
}
