//! CloudFront standard log lines (legacy and v2 in its default W3C layout): tab-separated, in
//! the documented field order; `#Version` and `#Fields` lines are comments. What is read: `date`
//! and `time` (when the edge answered, UTC), `sc-bytes`, `cs-method`, `cs-uri-stem`, `sc-status`,
//! `cs-bytes` and `time-taken`.
//!
//! Columns are read by position, so a file's `#Fields` line (v2 lets the fields be chosen and
//! ordered) must list the standard fields in their order: a longer list that starts with them is
//! fine (newer fields are appended at the end), a shorter one that keeps the fields read is too,
//! any other stops the run naming the first field that differs (a moved `cs-bytes` would price
//! the request bytes as the response's, unseen).

use std::borrow::Cow;

use super::{Record, bytes, method, seconds_to_ms, status, time};

/// Fields 0 to 18 (`time-taken` is the 19th) are needed.
const NEEDED: usize = 19;

/// The standard (legacy) field order, as the Developer Guide lists it.
const FIELDS: [&str; 33] = [
    "date",
    "time",
    "x-edge-location",
    "sc-bytes",
    "c-ip",
    "cs-method",
    "cs(Host)",
    "cs-uri-stem",
    "sc-status",
    "cs(Referer)",
    "cs(User-Agent)",
    "cs-uri-query",
    "cs(Cookie)",
    "x-edge-result-type",
    "x-edge-request-id",
    "x-host-header",
    "cs-protocol",
    "cs-bytes",
    "time-taken",
    "x-forwarded-for",
    "ssl-protocol",
    "ssl-cipher",
    "x-edge-response-result-type",
    "cs-protocol-version",
    "fle-status",
    "fle-encrypted-fields",
    "c-port",
    "time-to-first-byte",
    "x-edge-detailed-result-type",
    "sc-content-type",
    "sc-content-len",
    "sc-range-start",
    "sc-range-end",
];

/// Why a `#Fields:` line's layout is not the one read (`None`: it is, or this is not such a line).
pub fn other_fields(line: &str) -> Option<String> {
    let listed = line.trim().strip_prefix("#Fields:")?;
    let what = "costcalc reads CloudFront's standard field order: log with the default fields, in their order";
    let mut n = 0;
    for (i, got) in listed.split_whitespace().enumerate() {
        n = i + 1;
        match FIELDS.get(i) {
            Some(want) if *want != got => {
                return Some(format!(
                    "#Fields lists {got} as field {n}, where CloudFront's standard layout has {want}; {what}"
                ));
            }
            _ => {}
        }
    }
    (n < NEEDED).then(|| {
        format!(
            "#Fields lists {n} fields, without {} (field {}); {what}",
            FIELDS[n],
            n + 1
        )
    })
}

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The standard list, a longer one that starts with it, and a shorter one that keeps the
    /// fields read are read; a moved or missing field read is named.
    #[test]
    fn only_the_standard_field_order_is_read() {
        let all = format!("#Fields: {}", FIELDS.join(" "));
        assert_eq!(other_fields(&all), None);
        assert_eq!(other_fields(&format!("{all} x-new-field\r")), None);
        assert_eq!(
            other_fields(&format!("#Fields: {}", FIELDS[..19].join(" "))),
            None
        );
        assert_eq!(other_fields("#Version: 1.0"), None);
        let mut swapped = FIELDS;
        swapped.swap(3, 17);
        let why = other_fields(&format!("#Fields: {}", swapped.join(" "))).unwrap();
        assert!(
            why.starts_with("#Fields lists cs-bytes as field 4, where CloudFront's standard layout has sc-bytes; costcalc reads CloudFront's standard field order"),
            "{why}"
        );
        let why = other_fields(&format!("#Fields: {}", FIELDS[..18].join(" "))).unwrap();
        assert!(
            why.starts_with("#Fields lists 18 fields, without time-taken (field 19);"),
            "{why}"
        );
    }
}
