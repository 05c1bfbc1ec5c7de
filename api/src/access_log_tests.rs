//! The access line's text, its stamp, and its bytes counted per route.

use super::*;

fn line(path: &str) -> Line<'_> {
    Line {
        id: "9586150d-2",
        method: "BREW",
        path,
        status: StatusCode::NOT_FOUND,
        millis: 3,
    }
}

const NOW: &str = "2026-12-06T03:46:51.091517Z";

fn text(l: &Line<'_>, json: bool) -> String {
    let mut out = b"kept ".to_vec();
    l.write_to(json, NOW, &mut out);
    String::from_utf8(out)
        .unwrap()
        .strip_prefix("kept ")
        .unwrap()
        .to_string()
}

/// The stamp is chrono's RFC 3339 with microseconds, within a second and across seconds.
#[test]
fn the_stamp_is_rfc3339_with_microseconds() {
    let prefix = Cell::new((0, [0u8; 20]));
    let mut out = [0u8; 27];
    for (secs, micros) in [
        (1_796_529_211, 91_517),
        (1_796_529_211, 7),
        (1_796_529_212, 999_999),
        (0, 0),
    ] {
        stamp(secs, micros, &prefix, &mut out);
        let want = chrono::DateTime::from_timestamp(secs as i64, micros * 1000)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        assert_eq!(std::str::from_utf8(&out).unwrap(), want);
    }
}

#[test]
fn the_text_line_is_the_one_the_fmt_subscriber_wrote() {
    assert_eq!(
        text(&line("/nope"), false),
        "2026-12-06T03:46:51.091517Z  INFO request{id=9586150d-2 method=BREW path=/nope}: \
         tower_http::trace::on_response: finished processing request latency=3 ms status=404\n"
    );
}

#[test]
fn the_json_line_has_the_fields_of_the_fmt_subscriber_and_escapes_the_path() {
    let text = text(&line("/no\"pe"), true);
    assert!(text.ends_with('\n'));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "timestamp": NOW, "level": "INFO", "message": "finished processing request",
            "latency": "3 ms", "status": 404, "target": "tower_http::trace::on_response",
            "span": {"id": "9586150d-2", "method": "BREW", "path": "/no\"pe", "name": "request"}
        })
    );
}

/// N requests to a route add the bytes of their N access lines to that route's
/// `journal_log_bytes_total`, and an unmatched one to `unmatched`, as the writer wrote them.
#[tokio::test]
async fn the_bytes_of_each_access_line_count_to_its_route() {
    use crate::log_queue::LineQueue;
    use crate::metrics::{Metrics, PoolStats};
    use axum::{Router, body::Body, extract::Request, routing::get};
    use std::sync::{Arc, Mutex};
    use std::time::Duration;
    use tower::ServiceExt;

    #[derive(Debug)]
    struct NoPool;
    impl PoolStats for NoPool {
        fn open_and_idle(&self) -> (u32, usize) {
            (0, 0)
        }
    }
    #[derive(Clone)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // The queue is the process's; other tests' lines may share it, so lines are told apart
    // by their paths.
    static OUT: OnceLock<Buf> = OnceLock::new();
    let out = OUT.get_or_init(|| Buf(Arc::default())).clone();
    let q = QUEUE.get_or_init(|| LineQueue::start(1 << 20, out.clone()).unwrap());
    let _on = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_writer(std::io::sink)
            .finish(),
    );
    let metrics = Arc::new(Metrics::new(NoPool));
    let db = crate::db::Db::connect(&crate::db::DbSettings::new("sqlite::memory:"))
        .await
        .unwrap();
    let state = crate::state::AppState::from_secret(b"log-bytes-secret-log-bytes-secret-0123", db)
        .with_metrics(metrics.clone());
    let app = Router::new()
        .route("/log-bytes/{n}", get(|| async { "ok" }))
        .layer(crate::edge::Edge::new(&state));
    for uri in [
        "/log-bytes/1",
        "/log-bytes/22",
        "/log-bytes/333",
        "/log-bytes-not",
    ] {
        let req = Request::get(uri).body(Body::empty()).unwrap();
        app.clone().oneshot(req).await.unwrap();
    }
    assert!(q.flush(Duration::from_secs(30)));
    let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
    let bytes = |pat: &str| -> usize {
        let lines = text.lines().filter(|l| l.contains(pat));
        lines.map(|l| l.len() + 1).sum()
    };
    assert_eq!(text.matches("path=/log-bytes/").count(), 3, "{text}");
    let rendered = metrics.render();
    for (route, pat) in [
        ("/log-bytes/{n}", "path=/log-bytes/"),
        ("unmatched", "path=/log-bytes-not"),
    ] {
        let want = format!(
            "journal_log_bytes_total{{route=\"{route}\"}} {}",
            bytes(pat)
        );
        assert!(
            rendered.lines().any(|l| l == want),
            "no `{want}` in:\n{rendered}"
        );
    }
}

#[test]
fn decimal_writes_every_digit_of_any_u128() {
    for n in [0, 9, 10, 1_234_567_890, u128::from(u64::MAX), u128::MAX] {
        let mut d = [0; 39];
        assert_eq!(super::decimal(n, &mut d), n.to_string().as_bytes());
    }
}
