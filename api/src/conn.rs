//! The accept loop of the native server: hyper's HTTP/1.1 connections, each with a watchdog
//! that closes it when a request's headers take longer than [`HEADER_READ_TIMEOUT`] to arrive
//! (axum::serve has no such bound, so a client that sent half a request held its connection
//! forever), the peer address for per-client limits, and graceful shutdown.
//!
//! Not hyper's own `header_read_timeout`: it also runs while a keep-alive connection waits for
//! its next request, and closing idle connections early makes a load balancer that reuses them
//! (an ALB keeps them 60 s) answer 502 now and then. The watchdog starts at the first byte of a
//! request head and stops when hyper hands the request over.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

use crate::metrics::RequestStart;

/// How long a client may take to send a request's headers once it has started (slowloris).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves connections until `stop` resolves, then stops accepting (the listener is closed) and
/// waits for the open connections to finish their requests (idle ones are closed at once).
pub async fn serve(listener: TcpListener, app: Router, stop: impl Future<Output = ()>) {
    let graceful = GracefulShutdown::new();
    let http = hyper::server::conn::http1::Builder::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (tcp, peer) = tokio::select! {
            res = listener.accept() => match res {
                Ok(accepted) => accepted,
                Err(e) => {
                    // EMFILE and friends: wait a little instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = tcp.set_nodelay(true);
        let clock = Arc::new(HeadClock::default());
        let (app, started) = (app.clone(), clock.clone());
        let svc = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            let first_byte = started.head_complete();
            req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            req.extensions_mut().insert(RequestStart(first_byte));
            let done = RequestDone(started.clone());
            let res = app.clone().oneshot(req.map(Body::new));
            async move {
                let res = res.await;
                drop(done);
                res
            }
        });
        let io = TokioIo::new(Watched {
            tcp,
            clock: clock.clone(),
            rewritten: None,
        });
        let conn = graceful.watch(http.serve_connection(io, svc));
        tokio::spawn(async move {
            let mut conn = std::pin::pin!(conn);
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            loop {
                tokio::select! {
                    res = &mut conn => {
                        if let Err(e) = res {
                            tracing::debug!(error = %e, %peer, "connection ended with an error");
                        }
                        return;
                    }
                    _ = tick.tick() => if clock.overdue(HEADER_READ_TIMEOUT) {
                        tracing::info!(%peer, "request headers not received in time: closing");
                        return;
                    }
                }
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// When the request head being received started (ns after `epoch` + 1; 0: none), and how many
/// requests of the connection the router is handling (bytes read then belong to a body).
struct HeadClock {
    epoch: Instant,
    head_since: AtomicU64,
    in_flight: AtomicUsize,
}

impl Default for HeadClock {
    fn default() -> Self {
        HeadClock {
            epoch: Instant::now(),
            head_since: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
        }
    }
}

impl HeadClock {
    fn now_ns(&self) -> u64 {
        self.epoch.elapsed().as_nanos() as u64 + 1
    }
    fn bytes_read(&self) {
        if self.in_flight.load(Ordering::Acquire) == 0 {
            let _ = self.head_since.compare_exchange(
                0,
                self.now_ns(),
                Ordering::AcqRel,
                Ordering::Relaxed,
            );
        }
    }
    /// Marks the head handed over; returns when its first byte arrived (now, when its bytes
    /// came while the previous request was in flight: a pipelining client).
    fn head_complete(&self) -> Instant {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        match self.head_since.swap(0, Ordering::AcqRel) {
            0 => Instant::now(),
            since => self.epoch + Duration::from_nanos(since - 1),
        }
    }
    fn overdue(&self, limit: Duration) -> bool {
        let since = self.head_since.load(Ordering::Acquire);
        since != 0 && self.now_ns().saturating_sub(since) > limit.as_nanos() as u64
    }
}

/// Marks the end of a request's handling (also when its future is dropped).
struct RequestDone(Arc<HeadClock>);

impl Drop for RequestDone {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The socket, telling the clock when bytes arrive, and giving hyper's own error answers a body.
struct Watched {
    tcp: TcpStream,
    clock: Arc<HeadClock>,
    /// A rewritten answer still being written, and the length hyper asked to write.
    rewritten: Option<(Vec<u8>, usize)>,
}

/// hyper answers a request it cannot parse (400, 414, 431) itself, with an empty body, where
/// every other error of this API is `{"detail": ...}`. Such an answer is recognisable: written
/// while a request head is being received (the router answers only after the head was handed
/// over, and never with an empty 4xx), a 4xx head with `content-length: 0`.
fn json_error_answer(head: &[u8]) -> Option<Vec<u8>> {
    if !head.starts_with(b"HTTP/1.1 4") || !head.ends_with(b"\r\n\r\n") {
        return None;
    }
    let text = std::str::from_utf8(head).ok()?;
    let empty = "\r\ncontent-length: 0\r\n";
    let at = text.find(empty)?;
    let reason = text
        .lines()
        .next()?
        .splitn(3, ' ')
        .nth(2)
        .unwrap_or("Bad Request");
    let body = serde_json::json!({ "detail": reason }).to_string();
    let mut out = String::with_capacity(head.len() + body.len() + 48);
    out.push_str(&text[..at]);
    out.push_str("\r\ncontent-type: application/json\r\ncontent-length: ");
    out.push_str(&body.len().to_string());
    out.push_str("\r\n");
    out.push_str(&text[at + empty.len()..]);
    out.push_str(&body);
    Some(out.into_bytes())
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let res = Pin::new(&mut self.tcp).poll_read(cx, buf);
        if matches!(res, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.clock.bytes_read();
        }
        res
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.rewritten.is_none() && this.clock.head_since.load(Ordering::Acquire) != 0 {
            this.rewritten = json_error_answer(buf).map(|out| (out, buf.len()));
        }
        let Some((out, asked)) = &mut this.rewritten else {
            return Pin::new(&mut this.tcp).poll_write(cx, buf);
        };
        while !out.is_empty() {
            match Pin::new(&mut this.tcp).poll_write(cx, out) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => {
                    out.drain(..n);
                }
                other => return other,
            }
        }
        let asked = *asked;
        this.rewritten = None;
        Poll::Ready(Ok(asked))
    }
    // Not vectored: hyper then writes a head in one buffer, which the rewrite above needs.
    fn is_write_vectored(&self) -> bool {
        false
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hypers_empty_error_answers_get_a_json_body() {
        let head = b"HTTP/1.1 431 Request Header Fields Too Large\r\nconnection: close\r\n\
                     content-length: 0\r\ndate: x\r\n\r\n";
        let out = String::from_utf8(json_error_answer(head).unwrap()).unwrap();
        let body = r#"{"detail":"Request Header Fields Too Large"}"#;
        assert!(
            out.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
            "{out}"
        );
        assert!(
            out.contains("\r\ncontent-type: application/json\r\n"),
            "{out}"
        );
        assert!(
            out.contains(&format!("\r\ncontent-length: {}\r\n", body.len())),
            "{out}"
        );
        assert!(out.ends_with(&format!("\r\n\r\n{body}")), "{out}");
        // Anything else passes untouched.
        assert!(json_error_answer(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(
            json_error_answer(b"HTTP/1.1 404 Not Found\r\ncontent-length: 21\r\n\r\n").is_none()
        );
    }
}
