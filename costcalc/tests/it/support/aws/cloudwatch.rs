//! CloudWatch in Smithy RPC v2 CBOR, replaying the pages of `tests/data/aws/cloudwatch/*.json`.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde_json::{Value, json};

use super::server::{Response, Server};

/// A CBOR value, enough for GetMetricData responses.
pub enum Cbor {
    Text(String),
    F64(f64),
    Int(i64),
    Arr(Vec<Cbor>),
    Map(Vec<(String, Cbor)>),
    /// Tag 1: epoch-seconds timestamp.
    Time(f64),
}

fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes())
        }
        0x10000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes())
        }
        _ => {
            out.push(m | 27);
            out.extend(n.to_be_bytes())
        }
    }
}

pub fn encode(v: &Cbor, out: &mut Vec<u8>) {
    match v {
        Cbor::Text(s) => {
            head(out, 3, s.len() as u64);
            out.extend(s.as_bytes());
        }
        Cbor::F64(f) => {
            out.push(0xfb);
            out.extend(f.to_be_bytes());
        }
        Cbor::Int(i) if *i >= 0 => head(out, 0, *i as u64),
        Cbor::Int(i) => head(out, 1, (-1 - *i) as u64),
        Cbor::Arr(a) => {
            head(out, 4, a.len() as u64);
            for x in a {
                encode(x, out);
            }
        }
        Cbor::Map(m) => {
            head(out, 5, m.len() as u64);
            for (k, x) in m {
                encode(&Cbor::Text(k.clone()), out);
                encode(x, out);
            }
        }
        Cbor::Time(t) => {
            head(out, 6, 1);
            encode(&Cbor::F64(*t), out);
        }
    }
}

/// ISO 8601 `YYYY-MM-DDTHH:MM:SS+00:00` to epoch seconds (the fixtures are UTC).
pub fn epoch(iso: &str) -> i64 {
    costcalc::calendar::parse_iso8601(iso).expect("fixture timestamp")
}

/// One GetMetricData page as the CLI prints it (JSON) -> the CBOR the service sends, with every
/// timestamp moved by `shift` seconds.
pub fn metric_page_cbor(page: &Value, shift: i64) -> Vec<u8> {
    let results = page["MetricDataResults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            Cbor::Map(vec![
                ("Id".into(), Cbor::Text(r["Id"].as_str().unwrap().into())),
                (
                    "Label".into(),
                    Cbor::Text(r["Label"].as_str().unwrap_or("").into()),
                ),
                (
                    "Timestamps".into(),
                    Cbor::Arr(
                        r["Timestamps"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|t| Cbor::Time((epoch(t.as_str().unwrap()) + shift) as f64))
                            .collect(),
                    ),
                ),
                (
                    "Values".into(),
                    Cbor::Arr(
                        r["Values"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|v| Cbor::F64(v.as_f64().unwrap()))
                            .collect(),
                    ),
                ),
                (
                    "StatusCode".into(),
                    Cbor::Text(r["StatusCode"].as_str().unwrap_or("Complete").into()),
                ),
            ])
        })
        .collect();
    let mut m = vec![
        ("MetricDataResults".to_string(), Cbor::Arr(results)),
        ("Messages".to_string(), Cbor::Arr(vec![])),
    ];
    if let Some(t) = page["NextToken"].as_str() {
        m.push(("NextToken".into(), Cbor::Text(t.into())));
    }
    let mut out = Vec::new();
    encode(&Cbor::Map(m), &mut out);
    out
}

/// Split a CLI output document into `n` pages (each result's datapoints cut the same way), the
/// first ones PartialData with a NextToken, as the service pages a long read.
pub fn split_pages(doc: &Value, n: usize) -> Vec<Value> {
    let results = doc["MetricDataResults"].as_array().unwrap();
    (0..n)
        .map(|i| {
            let rs: Vec<Value> = results
                .iter()
                .map(|r| {
                    let ts = r["Timestamps"].as_array().unwrap();
                    let vs = r["Values"].as_array().unwrap();
                    let per = ts.len().div_ceil(n);
                    let lo = (i * per).min(ts.len());
                    let hi = ((i + 1) * per).min(ts.len());
                    json!({
                        "Id": r["Id"], "Label": r["Label"],
                        "Timestamps": ts[lo..hi], "Values": vs[lo..hi],
                        "StatusCode": if i + 1 < n { "PartialData" } else { "Complete" },
                    })
                })
                .collect();
            let mut p = json!({"MetricDataResults": rs, "Messages": []});
            if i + 1 < n {
                p["NextToken"] = json!(format!("cw-token-{}", i + 1));
            }
            p
        })
        .collect()
}

pub fn cbor_response(status: u16, body: Vec<u8>, query_error: Option<&str>) -> Response {
    let mut headers = vec![
        ("content-type".into(), "application/cbor".into()),
        ("smithy-protocol".into(), "rpc-v2-cbor".into()),
    ];
    if let Some(q) = query_error {
        headers.push(("x-amzn-query-error".into(), q.into()));
    }
    Response {
        status,
        headers,
        body,
    }
}

/// A CloudWatch error in RPC v2 CBOR with its awsQuery-compatible code (`x-amzn-query-error`).
pub fn cbor_error(code: &str, status: u16, message: &str) -> Response {
    let mut body = Vec::new();
    encode(
        &Cbor::Map(vec![
            (
                "__type".into(),
                Cbor::Text(format!("com.amazonaws.cloudwatch#{code}")),
            ),
            ("message".into(), Cbor::Text(message.into())),
        ]),
        &mut body,
    );
    cbor_response(status, body, Some(&format!("{code};Sender")))
}

/// Replays `pages` in order (the first request of each set gets page 1, a NextToken the next),
/// after answering the first requests with the `fail_first` errors.
pub fn cloudwatch_server(
    pages: Vec<Value>,
    shift: i64,
    fail_first: Vec<(&'static str, u16)>,
) -> Server {
    let fails = Mutex::new(VecDeque::from(fail_first));
    Server::start(move |req| {
        assert_eq!(
            req.path, "/service/GraniteServiceVersion20100801/operation/GetMetricData",
            "only GetMetricData is expected"
        );
        assert_eq!(req.header("smithy-protocol"), Some("rpc-v2-cbor"));
        if let Some((code, status)) = fails.lock().unwrap().pop_front() {
            return cbor_error(code, status, "scripted failure");
        }
        // The page asked for: the NextToken in the request, else the first.
        let idx = (1..pages.len())
            .rev()
            .find(|i| req.body_contains(&format!("cw-token-{i}")))
            .unwrap_or(0);
        cbor_response(200, metric_page_cbor(&pages[idx], shift), None)
    })
}
