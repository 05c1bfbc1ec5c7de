//! A database resuming from auto-pause (Aurora Serverless v2 holds the first connections for up
//! to ~15 s): requests sent during the resume wait for it and succeed, and /ready says `resuming`.
//! A TCP proxy in front of the throwaway PostgreSQL plays the pause: it cuts every open
//! connection, holds the new ones for the hold period, then passes them.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pgtest::Cluster;
use serde_json::json;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::list;
use crate::support::server::{LONG, Server, register, request};

/// A loopback proxy to PostgreSQL that can pause: see [`HoldingProxy::pause_for`].
struct HoldingProxy {
    port: u16,
    held_until: Arc<Mutex<Option<tokio::time::Instant>>>,
    cut: Arc<watch::Sender<u64>>,
    accept: tokio::task::JoinHandle<()>,
}

impl HoldingProxy {
    async fn start(upstream: u16) -> HoldingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let held_until = Arc::new(Mutex::new(None::<tokio::time::Instant>));
        let cut = Arc::new(watch::channel(0u64).0);
        let (held, cuts) = (held_until.clone(), cut.clone());
        let accept = tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                let until = *held.lock().unwrap();
                let mut cut = cuts.subscribe();
                tokio::spawn(async move {
                    if let Some(until) = until {
                        tokio::time::sleep_until(until).await;
                    }
                    let Ok(mut up) = TcpStream::connect(("127.0.0.1", upstream)).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut up) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        HoldingProxy {
            port,
            held_until,
            cut,
            accept,
        }
    }

    fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Pauses: every open connection is cut, and connections opened in the next `hold` are
    /// held (accepted, not answered) until it ends, then passed on.
    fn pause_for(&self, hold: Duration) {
        *self.held_until.lock().unwrap() = Some(tokio::time::Instant::now() + hold);
        self.cut.send_modify(|n| *n += 1);
    }
}

impl Drop for HoldingProxy {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

/// Polls /ready until it says `resuming` (true) or `until` passes (false).
async fn ready_says_resuming(addr: std::net::SocketAddr, until: Instant) -> bool {
    while Instant::now() < until {
        let r = request(addr, "GET", "/ready", None, None, LONG).await;
        if r.status == 503 && r.json()["status"] == "resuming" {
            assert_eq!(r.header("retry-after"), Some("1"));
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// The hold is the longest Aurora resume (~15 s): longer than the request timeout (3 s here) and
/// the pool's acquire timeout (5 s), shorter than DB_RESUME_WAIT_SECONDS (20 s, the default):
/// without the resume wait every request sent during it would be a 503. The last request is
/// sent ~5 s in, so each has at least the suite's margin (5 s) after the hold.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "fault suite: run by scripts/test.d/55-faults.sh"]
async fn requests_sent_during_a_resume_wait_for_it_and_succeed() {
    let pg = Cluster::start();
    pg.create_db("journal");
    let proxy = HoldingProxy::start(pg.port).await;
    let url = proxy.url("journal");
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("REQUEST_TIMEOUT_SECONDS", "3"),
        ("DB_RESUME_WAIT_SECONDS", "20"),
    ];
    let server = Server::start(&env, &[]).await;
    let (access, _) = register(server.addr, "resume@example.com").await;
    assert_eq!(list(server.addr, &access).await.status, 200);
    let hold = Duration::from_secs(15);
    let paused = Instant::now();
    proxy.pause_for(hold);
    // The pool's idle connections are dead now: past the idle check (1 s) they are pinged,
    // discarded, and the requests open new ones, which the proxy holds.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let addr = server.addr;
    let mut sent = Vec::new();
    for i in 0..6u64 {
        let token = access.clone();
        sent.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(700 * i)).await;
            if i == 3 {
                let body = json!({"work": "w", "struggle": "s", "intention": "i"});
                let r = request(
                    addr,
                    "POST",
                    "/api/v1/entries",
                    Some(&token),
                    Some(&body),
                    LONG,
                );
                (i, r.await)
            } else {
                (i, list(addr, &token).await)
            }
        }));
    }
    let saw_resuming = ready_says_resuming(addr, paused + hold).await;
    for s in sent {
        let (i, r) = s.await.unwrap();
        eprintln!(
            "resume: request #{i} answered {} at {:?}",
            r.status,
            paused.elapsed()
        );
        assert!(
            r.status == 200 || r.status == 201,
            "request #{i} during the resume: {} {}",
            r.status,
            r.body
        );
    }
    assert!(saw_resuming, "/ready never said resuming during the hold");
    let r = request(addr, "GET", "/ready", None, None, LONG).await;
    assert_eq!(r.status, 200, "/ready after the resume: {}", r.body);
}
