//! Access logs as a measured workload: ALB, API Gateway (HTTP and REST, JSON access logs),
//! CloudFront standard logs, and the Common and Combined Log Formats of nginx and Apache.
//!
//! Pure parts, one job each: a parser per format (`alb`, `apigw`, `cloudfront`, `clf`) turning one
//! line into a `Record` borrowed from it, `detect` (which format a line looks like), `route` (path
//! templates), `histogram` and `aggregate` (the running figures, bounded in memory whatever the
//! logs' size), `measure` (the aggregate as a `Workload` with each figure's origin) and `text` (the
//! read-report). `files` (which files, each once) and `read` are the only I/O: files and folders,
//! plain or gzip, streamed line by line.

pub mod aggregate;
pub mod alb;
pub mod apigw;
pub mod clf;
pub mod cloudfront;
pub mod detect;
pub mod files;
pub mod histogram;
pub mod measure;
pub mod profile;
pub mod read;
pub mod route;
pub mod text;
pub mod time;

use std::borrow::Cow;

/// The access-log formats costcalc reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Application Load Balancer access log (space-separated, quoted request).
    Alb,
    /// API Gateway HTTP API access log in JSON (`$context` variables, `routeKey`).
    ApigwHttp,
    /// API Gateway REST API access log in JSON (`$context` variables, `resourcePath`).
    ApigwRest,
    /// CloudFront standard log (tab-separated, `#Fields` header).
    Cloudfront,
    /// Common Log Format (Apache `common`, nginx without referer and agent).
    Clf,
    /// Combined Log Format (nginx's default `combined`, Apache `combined`).
    Combined,
}

pub const FORMATS: [Format; 6] = [
    Format::Alb,
    Format::ApigwHttp,
    Format::ApigwRest,
    Format::Cloudfront,
    Format::Clf,
    Format::Combined,
];

impl Format {
    /// The value `--log-format` takes.
    pub fn id(self) -> &'static str {
        match self {
            Format::Alb => "alb",
            Format::ApigwHttp => "apigw-http",
            Format::ApigwRest => "apigw-rest",
            Format::Cloudfront => "cloudfront",
            Format::Clf => "clf",
            Format::Combined => "combined",
        }
    }

    /// What the format is, in words.
    pub fn name(self) -> &'static str {
        match self {
            Format::Alb => "an ALB access log",
            Format::ApigwHttp => "an API Gateway HTTP API access log (JSON)",
            Format::ApigwRest => "an API Gateway REST API access log (JSON)",
            Format::Cloudfront => "a CloudFront standard log",
            Format::Clf => "a Common Log Format log",
            Format::Combined => "a Combined Log Format log",
        }
    }

    /// The fields each figure comes from: (request bytes, response bytes, latency), with what the
    /// latency is.
    pub fn fields(self) -> Fields {
        match self {
            Format::Alb => Fields {
                request_bytes: Some("received_bytes (headers included)"),
                response_bytes: Some("sent_bytes (headers included)"),
                latency: Some("target_processing_time (as the load balancer saw it)"),
            },
            Format::ApigwHttp | Format::ApigwRest => Fields {
                request_bytes: None,
                response_bytes: Some("responseLength"),
                latency: Some("integrationLatency (as API Gateway saw it)"),
            },
            Format::Cloudfront => Fields {
                request_bytes: Some("cs-bytes (headers included)"),
                response_bytes: Some("sc-bytes (headers included)"),
                latency: Some("time-taken (as the edge saw it, the viewer's network included)"),
            },
            Format::Clf | Format::Combined => Fields {
                request_bytes: None,
                response_bytes: Some("bytes (%b, the body)"),
                latency: None,
            },
        }
    }

    pub fn parse(self, line: &str) -> Option<Record<'_>> {
        match self {
            Format::Alb => alb::parse(line),
            Format::ApigwHttp => apigw::parse(line, false),
            Format::ApigwRest => apigw::parse(line, true),
            Format::Cloudfront => cloudfront::parse(line),
            Format::Clf => clf::parse(line, false),
            Format::Combined => clf::parse(line, true),
        }
    }
}

/// Which field of a format each figure comes from (None: the format does not log it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fields {
    pub request_bytes: Option<&'static str>,
    pub response_bytes: Option<&'static str>,
    pub latency: Option<&'static str>,
}

/// One request as its log line tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    /// Whole seconds since 1970-01-01 UTC.
    pub epoch_s: i64,
    pub method: Cow<'a, str>,
    /// The path, without scheme, host or query.
    pub path: Cow<'a, str>,
    /// The route as the service logged it (API Gateway's `routeKey`, or the REST resource).
    pub route_key: Option<Cow<'a, str>>,
    pub status: u16,
    pub request_bytes: Option<u64>,
    pub response_bytes: Option<u64>,
    /// Milliseconds, as the log saw them.
    pub latency_ms: Option<u64>,
}

/// Larger byte counts than this in one line are not a request (1 TiB).
pub const MAX_LINE_BYTES_FIGURE: u64 = 1 << 40;
/// Longer latencies than this are not a request (ALB's longest idle timeout is 4,000 s).
pub const MAX_LATENCY_MS: u64 = 4_000_000;

/// A byte count: digits, within bounds ("-" is no figure: `Some(None)`).
pub(crate) fn bytes(s: &str) -> Option<Option<u64>> {
    if s == "-" {
        return Some(None);
    }
    let n: u64 = digits(s)?;
    (n <= MAX_LINE_BYTES_FIGURE).then_some(Some(n))
}

/// A whole number of plain ASCII digits (no sign, no spaces), at most 18 of them.
pub(crate) fn digits(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// An HTTP status, 100 to 599.
pub(crate) fn status(s: &str) -> Option<u16> {
    let n = digits(s)?;
    (100..=599).contains(&n).then_some(n as u16)
}

/// Seconds with up to 6 decimals ("0.086", "1", "-1" for none) to whole milliseconds (rounded
/// down: ALB and CloudFront log milliseconds, so nothing is lost).
pub(crate) fn seconds_to_ms(s: &str) -> Option<Option<u64>> {
    if s == "-1" || s == "-" {
        return Some(None);
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole = digits(int)?;
    let mut ms = whole.checked_mul(1000)?;
    for (i, b) in frac.bytes().take(3).enumerate() {
        ms += u64::from(b - b'0') * [100, 10, 1][i];
    }
    (ms <= MAX_LATENCY_MS).then_some(Some(ms))
}

/// A request line's method: 1 to 16 ASCII capitals ("-" where the log had none).
pub(crate) fn method(s: &str) -> Option<&str> {
    let ok =
        s == "-" || (!s.is_empty() && s.len() <= 16 && s.bytes().all(|b| b.is_ascii_uppercase()));
    ok.then_some(s)
}

/// The path of a request target: scheme and host removed ("http://h:80/a?b" -> "/a"), query
/// and fragment dropped.
pub(crate) fn path_of(target: &str) -> &str {
    let rest = match target.find("://") {
        Some(i) => {
            let after = &target[i + 3..];
            after.find('/').map_or("/", |j| &after[j..])
        }
        None => target,
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let p = &rest[..end];
    if p.is_empty() { "/" } else { p }
}

/// Split a space-separated line into fields, a double-quoted field (with `\"` escapes inside)
/// being one field without its quotes. Calls `f` with each field; stops at `max` fields.
pub(crate) fn fields<'a>(line: &'a str, out: &mut Vec<&'a str>, max: usize) -> bool {
    out.clear();
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() && out.len() < max {
        if b[i] == b' ' {
            i += 1;
            continue;
        }
        if b[i] == b'"' {
            let start = i + 1;
            let mut j = start;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            if j >= b.len() {
                return false;
            }
            out.push(&line[start..j]);
            i = j + 1;
        } else {
            let start = i;
            while i < b.len() && b[i] != b' ' {
                i += 1;
            }
            out.push(&line[start..i]);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_read_exactly_and_bounded() {
        assert_eq!(seconds_to_ms("0.086"), Some(Some(86)));
        assert_eq!(seconds_to_ms("1.5"), Some(Some(1500)));
        assert_eq!(seconds_to_ms("12"), Some(Some(12000)));
        assert_eq!(seconds_to_ms("-1"), Some(None));
        assert_eq!(seconds_to_ms("1e9"), None);
        assert_eq!(seconds_to_ms("99999"), None);
        assert_eq!(bytes("-"), Some(None));
        assert_eq!(bytes("+5"), None);
        assert_eq!(status("99"), None);
        assert_eq!(status("404"), Some(404));
    }

    #[test]
    fn paths_lose_scheme_host_and_query() {
        assert_eq!(path_of("http://www.example.com:80/"), "/");
        assert_eq!(path_of("https://h:443/a/b?x=1"), "/a/b");
        assert_eq!(path_of("/apache_pb.gif"), "/apache_pb.gif");
        assert_eq!(path_of("http://h:80"), "/");
    }
}
