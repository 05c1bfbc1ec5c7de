//! The access log: one line per request (request id, method, path, status, latency), written into
//! a reused per-thread buffer when the response is ready and handed to the log queue
//! ([`crate::log_queue`]): no tracing span or event per request, no allocation for the line, and
//! the timestamp's date and time formatted once a second. The line is the one tower_http's
//! `DefaultOnResponse` wrote through the fmt subscriber, so what reads the log reads it unchanged;
//! `RUST_LOG` turns it on and off as before (target `tower_http::trace::on_response`, `info`).
//!
//! The request's span is made at `debug` only (`app::request_span`): at the default `info` the
//! access line is the request's only line, and the few warnings and errors a request can log
//! carry its id through [`request_id`] instead, which the access line joins them to.

use std::cell::{Cell, RefCell};
use std::io::Write;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;

use crate::log_queue::QUEUE;

/// The format of the lines, set once by `telemetry::init`.
static JSON: OnceLock<bool> = OnceLock::new();

/// Sets the line format (text unless `json`); a second call is a no-op.
pub fn set_json(json: bool) {
    let _ = JSON.set(json);
}

/// Whether `RUST_LOG` keeps the access line (target `tower_http::trace::on_response`, `info`).
pub fn enabled() -> bool {
    tracing::enabled!(target: "tower_http::trace::on_response", tracing::Level::INFO)
}

/// The id of the request being served, for the warnings and errors it logs (`crate::current`).
pub use crate::current::request_id;

/// What a line says about its request.
pub struct Line<'a> {
    pub id: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub status: StatusCode,
    pub millis: u128,
}

impl Line<'_> {
    /// Appends the line, newline included, stamped `now` (RFC 3339, microseconds, UTC).
    pub fn write_to(&self, json: bool, now: &str, out: &mut Vec<u8>) {
        if json {
            self.write_json(now, out);
        } else {
            self.write_text(now, out);
        }
    }

    fn write_json(&self, now: &str, out: &mut Vec<u8>) {
        let (status, ms) = (self.status.as_u16(), self.millis);
        // Writing to a Vec cannot fail.
        let s = |out: &mut Vec<u8>, v: &str| serde_json::to_writer(out, v);
        let _ = write!(
            out,
            "{{\"timestamp\":\"{now}\",\"level\":\"INFO\",\"message\":\"finished processing request\",\
             \"latency\":\"{ms} ms\",\"status\":{status},\"target\":\"tower_http::trace::on_response\",\
             \"span\":{{\"id\":"
        );
        let _ = s(out, self.id);
        out.extend_from_slice(b",\"method\":");
        let _ = s(out, self.method);
        out.extend_from_slice(b",\"path\":");
        let _ = s(out, self.path);
        out.extend_from_slice(b",\"name\":\"request\"}}\n");
    }

    /// Piece by piece, not through `write!`'s formatting machinery: the line's only numbers are
    /// the latency and the status, whose text `StatusCode` keeps.
    fn write_text(&self, now: &str, out: &mut Vec<u8>) {
        for part in [now, "  INFO request{id=", self.id, " method=", self.method] {
            out.extend_from_slice(part.as_bytes());
        }
        for part in [" path=", self.path, "}: tower_http::trace::on_response: "] {
            out.extend_from_slice(part.as_bytes());
        }
        out.extend_from_slice(b"finished processing request latency=");
        push_decimal(out, self.millis);
        out.extend_from_slice(b" ms status=");
        out.extend_from_slice(self.status.as_str().as_bytes());
        out.push(b'\n');
    }
}

/// Appends `n` in decimal.
fn push_decimal(out: &mut Vec<u8>, n: u128) {
    out.extend_from_slice(decimal(n, &mut [0; 39]));
}

/// `n`'s decimal digits, written into `digits` (39 hold any u128) without allocating: the access
/// line and the generated request id both format a number on every request.
pub(crate) fn decimal(mut n: u128, digits: &mut [u8; 39]) -> &[u8] {
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &digits[at..]
}

/// `2026-12-06T03:46:51.091517Z` for `secs` and `micros` since the epoch; the part up to the
/// seconds is `prefix`'s while it is the same second, made again otherwise.
fn stamp(secs: u64, micros: u32, prefix: &Cell<(u64, [u8; 20])>, out: &mut [u8; 27]) {
    let (cached, mut head) = prefix.get();
    if cached != secs || head[0] == 0 {
        let t = i64::try_from(secs)
            .ok()
            .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
            .unwrap_or_default();
        let text = t.format("%Y-%m-%dT%H:%M:%S.").to_string();
        head.copy_from_slice(&text.as_bytes()[..20]);
        prefix.set((secs, head));
    }
    out[..20].copy_from_slice(&head);
    let mut m = micros;
    for i in (20..26).rev() {
        out[i] = b'0' + (m % 10) as u8;
        m /= 10;
    }
    out[26] = b'Z';
}

thread_local! {
    /// The line being written; reused, so a line costs no allocation.
    static BUF: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(512));
    /// The date and time of the last second a line was stamped in.
    static SECOND: Cell<(u64, [u8; 20])> = const { Cell::new((0, [0; 20])) };
}

/// Writes the line; the bytes written, for the route's `journal_log_bytes_total` (none when the
/// full queue dropped it or stdout failed).
pub fn write(line: &Line<'_>) -> Option<usize> {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let mut now = [0u8; 27];
    SECOND.with(|p| stamp(d.as_secs(), d.subsec_micros(), p, &mut now));
    // The stamp is ASCII digits and punctuation.
    let now = std::str::from_utf8(&now).unwrap_or_default();
    BUF.with_borrow_mut(|buf| {
        buf.clear();
        line.write_to(JSON.get().copied().unwrap_or(false), now, buf);
        let written = match QUEUE.get() {
            Some(q) => q.push(buf),
            // No queue (Lambda): written before the response leaves, as any other line there.
            None => std::io::stdout().lock().write_all(buf).is_ok(),
        };
        written.then_some(buf.len())
    })
}

#[cfg(test)]
#[path = "access_log_tests.rs"]
mod tests;
