//! The access log: one line per request (request id, method, path, status, latency), formatted in
//! one go when the response is ready and handed to the log queue ([`crate::log_queue`]), instead
//! of a tracing event formatted through the request's span. The line is the one tower_http's
//! `DefaultOnResponse` wrote through the fmt subscriber, so what reads the log reads it unchanged;
//! `RUST_LOG` turns it on and off as before (target `tower_http::trace::on_response`, `info`).

use std::io::Write;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::Request;
use axum::http::Response;
use axum::http::StatusCode;
use chrono::{SecondsFormat, Utc};
use tower_http::request_id::RequestId;

use crate::log_queue::QUEUE;

/// The format of the lines, set once by `telemetry::init`.
static JSON: OnceLock<bool> = OnceLock::new();

/// Sets the line format (text unless `json`); a second call is a no-op.
pub fn set_json(json: bool) {
    let _ = JSON.set(json);
}

fn enabled() -> bool {
    tracing::enabled!(target: "tower_http::trace::on_response", tracing::Level::INFO)
}

/// What a line says about its request.
pub struct Line<'a> {
    pub id: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub status: StatusCode,
    pub millis: u128,
}

impl Line<'_> {
    /// The line, newline included, stamped `now` (RFC 3339, microseconds, UTC).
    pub fn format(&self, json: bool, now: &str) -> Vec<u8> {
        let (id, method, path, status, ms) = (
            self.id,
            self.method,
            self.path,
            self.status.as_u16(),
            self.millis,
        );
        if json {
            let s = |v: &str| serde_json::Value::from(v).to_string();
            format!(
                "{{\"timestamp\":\"{now}\",\"level\":\"INFO\",\"message\":\"finished processing request\",\
                 \"latency\":\"{ms} ms\",\"status\":{status},\"target\":\"tower_http::trace::on_response\",\
                 \"span\":{{\"id\":{},\"method\":{},\"path\":{},\"name\":\"request\"}}}}\n",
                s(id),
                s(method),
                s(path)
            )
            .into_bytes()
        } else {
            format!(
                "{now}  INFO request{{id={id} method={method} path={path}}}: \
                 tower_http::trace::on_response: finished processing request latency={ms} ms status={status}\n"
            )
            .into_bytes()
        }
    }
}

/// Writes the line and counts its bytes to the request's route (`journal_log_bytes_total`).
fn write(line: Vec<u8>) {
    let len = line.len();
    let written = match QUEUE.get() {
        Some(q) => q.push(line),
        // No queue (Lambda): written before the response leaves, as any other line there.
        None => std::io::stdout().lock().write_all(&line).is_ok(),
    };
    if written {
        crate::metrics::logged(len);
    }
}

/// The layer, inside the request id (it logs the id the answer carries).
#[derive(Debug, Clone, Copy, Default)]
pub struct AccessLog;

impl<S> tower::Layer<S> for AccessLog {
    type Service = Logged<S>;
    fn layer(&self, inner: S) -> Logged<S> {
        Logged { inner }
    }
}

/// A service whose requests [`AccessLog`] logs.
#[derive(Debug, Clone)]
pub struct Logged<S> {
    inner: S,
}

impl<S, B> tower::Service<Request> for Logged<S>
where
    S: tower::Service<Request, Response = Response<B>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Send + 'static,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<B>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        if !enabled() {
            return Box::pin(self.inner.call(req));
        }
        let start = Instant::now();
        let id = req
            .extensions()
            .get::<RequestId>()
            .and_then(|id| id.header_value().to_str().ok())
            .unwrap_or("-")
            .to_owned();
        let method = req.method().clone();
        let path = req.uri().path().to_owned();
        let fut = self.inner.call(req);
        Box::pin(async move {
            let res = fut.await?;
            let line = Line {
                id: &id,
                method: method.as_str(),
                path: &path,
                status: res.status(),
                millis: start.elapsed().as_millis(),
            };
            let now = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
            write(line.format(JSON.get().copied().unwrap_or(false), &now));
            Ok(res)
        })
    }
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn the_text_line_is_the_one_the_fmt_subscriber_wrote() {
        assert_eq!(
            String::from_utf8(line("/nope").format(false, NOW)).unwrap(),
            "2026-12-06T03:46:51.091517Z  INFO request{id=9586150d-2 method=BREW path=/nope}: \
             tower_http::trace::on_response: finished processing request latency=3 ms status=404\n"
        );
    }

    #[test]
    fn the_json_line_has_the_fields_of_the_fmt_subscriber_and_escapes_the_path() {
        let text = String::from_utf8(line("/no\"pe").format(true, NOW)).unwrap();
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
        use crate::metrics::{Metrics, PoolStats, Track};
        use axum::{Router, body::Body, routing::get};
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
        let q = QUEUE.get_or_init(|| LineQueue::start(1024, out.clone()).unwrap());
        let _on = tracing::subscriber::set_default(
            tracing_subscriber::fmt()
                .with_max_level(tracing::Level::INFO)
                .with_writer(std::io::sink)
                .finish(),
        );
        let metrics = Arc::new(Metrics::new(NoPool));
        let app = Router::new()
            .route("/log-bytes/{n}", get(|| async { "ok" }))
            .layer(AccessLog)
            .layer(Track(metrics.clone()));
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
}
