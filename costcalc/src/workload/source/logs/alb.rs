//! Application Load Balancer access-log lines: space-separated, the request and the user agent
//! quoted. What is read: `time` (when the load balancer answered), `target_processing_time`
//! (-1 when no target answered), `elb_status_code`, `received_bytes`, `sent_bytes` and
//! `"request"`; the fields after the request are not needed.

use std::borrow::Cow;

use super::{Record, bytes, fields, method, path_of, seconds_to_ms, status, time};

/// The connection types an ALB logs.
pub const TYPES: [&str; 6] = ["http", "https", "h2", "grpcs", "ws", "wss"];

pub fn parse(line: &str) -> Option<Record<'_>> {
    let mut f = Vec::with_capacity(13);
    if !fields(line, &mut f, 13) || f.len() < 13 || !TYPES.contains(&f[0]) {
        return None;
    }
    let epoch_s = time::iso_utc(f[1])?;
    let latency_ms = seconds_to_ms(f[6])?;
    let status = if f[8] == "-" { 0 } else { status(f[8])? };
    let request_bytes = bytes(f[10])?;
    let response_bytes = bytes(f[11])?;
    let mut req = f[12].splitn(3, ' ');
    let m = method(req.next()?)?;
    let target = req.next().unwrap_or("-");
    Some(Record {
        epoch_s,
        method: Cow::Borrowed(m),
        path: Cow::Borrowed(path_of(target)),
        route_key: None,
        status,
        request_bytes,
        response_bytes,
        latency_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The User Guide's failed-Lambda example entry with `-1` processing times, as its field
    /// table says a request no target answered logs them: no latency, not a negative one.
    #[test]
    fn minus_one_processing_times_are_no_latency() {
        let line = r#"http 2018-11-30T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 - -1 -1 -1 502 - 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337364-23a8c76965a2ef7629b185e3" "-" "-" 0 2018-11-30T22:22:48.364000Z "forward" "-" "LambdaInvalidResponse" "-" "-" "-" "-""#;
        let r = parse(line).unwrap();
        assert_eq!((r.status, r.latency_ms), (502, None));
        assert_eq!((r.request_bytes, r.response_bytes), (Some(34), Some(366)));
    }

    #[test]
    fn a_line_without_its_request_is_not_read() {
        assert_eq!(
            parse("http 2018-07-02T22:23:00.186641Z app/x/1 1.2.3.4:1 - 0 0 0 200 200 1 2"),
            None
        );
        assert_eq!(
            parse("ftp 2018-07-02T22:23:00.186641Z a b c 0 0 0 200 200 1 2 \"GET / HTTP/1.1\""),
            None
        );
    }
}
