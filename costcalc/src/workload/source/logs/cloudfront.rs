//! CloudFront standard log lines (legacy and v2 in its default W3C layout): tab-separated, in
//! the documented field order; `#Version` and `#Fields` lines are comments. What is read: `date`
//! and `time` (when the edge answered, UTC), `sc-bytes`, `cs-method`, `cs-uri-stem`, `sc-status`,
//! `cs-bytes` and `time-taken`.

use std::borrow::Cow;

use super::{Record, bytes, method, seconds_to_ms, status, time};

/// Fields 0 to 18 (`time-taken` is the 19th) are needed.
const NEEDED: usize = 19;

pub fn parse(line: &str) -> Option<Record<'_>> {
    let mut f = line.splitn(NEEDED + 1, '\t');
    let mut next = || f.next();
    let date = next()?;
    let clock = next()?;
    let _edge = next()?;
    let sc_bytes = next()?;
    let _ip = next()?;
    let m = next()?;
    let _host = next()?;
    let stem = next()?;
    let st = next()?;
    // referer, user agent, query, cookie, result type, request id, host header, protocol
    for _ in 0..8 {
        next()?;
    }
    let cs_bytes = next()?;
    let taken = next()?;
    let stem = stem.split('?').next().unwrap_or("/");
    Some(Record {
        epoch_s: time::date_time(date, clock)?,
        method: Cow::Borrowed(method(m)?),
        path: Cow::Borrowed(if stem.starts_with('/') { stem } else { "/" }),
        route_key: None,
        status: if st == "000" { 0 } else { status(st)? },
        request_bytes: bytes(cs_bytes)?,
        response_bytes: bytes(sc_bytes)?,
        latency_ms: seconds_to_ms(taken)?,
    })
}
