//! Common Log Format (`%h %l %u %t "%r" %>s %b`) and Combined (`... "%{Referer}i"
//! "%{User-agent}i"`), as Apache and nginx write them. The time carries its zone offset
//! (`[10/Oct/2000:13:55:36 -0700]`) and is read in UTC. Neither format logs a latency or the
//! request's size; `%b` is the response body ("-" for none).
//!
//! API Gateway's CLF examples are read too: the REST one logs the resource (`/pets/{petId}`)
//! as the target, the HTTP API one logs `$context.routeKey` there, so its request reads
//! `"GET GET /pets/{petId} HTTP/1.1"` (or `"GET $default HTTP/1.1"`): that key is the route.

use std::borrow::Cow;

use super::{Record, bytes, method, path_of, status, time};

pub fn parse(line: &str, combined: bool) -> Option<Record<'_>> {
    let open = line.find(" [")?;
    let close = open + line[open..].find("] \"")?;
    let epoch_s = time::clf(&line[open + 2..close])?;
    let rest = &line[close + 3..];
    let end = rest.find("\" ")?;
    let request = &rest[..end];
    let mut tail = rest[end + 2..].split(' ');
    let st = status(tail.next()?)?;
    let size = bytes(tail.next()?)?;
    let after: &str = {
        let used = end
            + 2
            + rest[end + 2..]
                .split(' ')
                .take(2)
                .map(|s| s.len() + 1)
                .sum::<usize>();
        rest.get(used..).unwrap_or("")
    };
    // Combined has two quoted fields after the size; CLF has none (a line with them is
    // Combined, not CLF, and the other way round).
    let quoted = after.trim_start().starts_with('"');
    if quoted != combined {
        return None;
    }
    let mut req = request.splitn(3, ' ');
    let m = method(req.next()?)?;
    let target = req.next().unwrap_or("/");
    let (route_key, target) = route_key(request, m, target, req.next());
    Some(Record {
        epoch_s,
        method: Cow::Borrowed(m),
        path: Cow::Borrowed(path_of(target)),
        route_key: route_key.map(Cow::Borrowed),
        status: st,
        request_bytes: None,
        response_bytes: Some(size.unwrap_or(0)),
        latency_ms: None,
    })
}

/// The route key where API Gateway's HTTP API CLF example puts it (`request` is "GET GET
/// /pets/{petId} HTTP/1.1", `m` "GET", `target` "GET"): the key ("GET /pets/{petId}", or
/// "$default") and the path to use. No HTTP request target starts with `$` or is a bare method.
fn route_key<'a>(
    request: &'a str,
    m: &str,
    target: &'a str,
    rest: Option<&'a str>,
) -> (Option<&'a str>, &'a str) {
    if target.starts_with('$') {
        return (Some(target), "/");
    }
    let path = rest.and_then(|r| r.split(' ').next()).unwrap_or("");
    if target != "-" && method(target).is_some() && path.starts_with('/') {
        let start = m.len() + 1;
        return (
            Some(&request[start..start + target.len() + 1 + path.len()]),
            path,
        );
    }
    (None, target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_gateways_http_clf_lines_are_routed_by_their_route_key() {
        // Built from the HTTP API CLF example format ("Configuring logging for an HTTP API").
        let line = r#"192.0.2.10 - - [07/Dec/2026:09:00:00 +0000] "GET GET /pets/{petId} HTTP/1.1" 200 48 JYjB9gH5IAMEP5A="#;
        let r = parse(line, false).unwrap();
        assert_eq!(r.route_key.as_deref(), Some("GET /pets/{petId}"));
        assert_eq!((r.path.as_ref(), r.status), ("/pets/{petId}", 200));
        let line = r#"192.0.2.10 - - [07/Dec/2026:09:00:00 +0000] "POST $default HTTP/1.1" 201 2 JYjB9gH5IAMEP5A="#;
        assert_eq!(
            parse(line, false).unwrap().route_key.as_deref(),
            Some("$default")
        );
        // An ordinary request line has no route key.
        let line = r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326"#;
        assert_eq!(parse(line, false).unwrap().route_key, None);
    }
}
