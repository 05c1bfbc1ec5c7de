//! Common Log Format (`%h %l %u %t "%r" %>s %b`) and Combined (`... "%{Referer}i"
//! "%{User-agent}i"`), as Apache and nginx write them. The time carries its zone offset
//! (`[10/Oct/2000:13:55:36 -0700]`) and is read in UTC. Neither format logs a latency or the
//! request's size; `%b` is the response body ("-" for none).

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
    Some(Record {
        epoch_s,
        method: Cow::Borrowed(m),
        path: Cow::Borrowed(path_of(target)),
        route_key: None,
        status: st,
        request_bytes: None,
        response_bytes: Some(size.unwrap_or(0)),
        latency_ms: None,
    })
}
