//! Test support for the AWS paths: a real HTTP/1.1 server on 127.0.0.1 that the real SDK clients
//! reach through `AWS_ENDPOINT_URL` (or an endpoint override), answering in each API's wire
//! protocol: the Price List Query API in awsJson1.1 (filtering and paging the products of
//! `tests/data/aws/pricing/*.json`), CloudWatch in Smithy RPC v2 CBOR (replaying the pages of
//! `tests/data/aws/cloudwatch/*.json`). Every request is recorded for the tests to inspect.
//! Bounded: each connection times out after 10 s, the server stops when dropped.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

pub fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/aws")
        .join(path)
}

pub fn pricing_files() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(data("pricing"))
        .expect("tests/data/aws/pricing")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    v.sort();
    v
}

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    /// CBOR text strings are stored verbatim: a query id or token shows up in the bytes.
    pub fn body_contains(&self, needle: &str) -> bool {
        self.body
            .windows(needle.len())
            .any(|w| w == needle.as_bytes())
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

pub struct Server {
    pub url: String,
    pub requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    port: u16,
}

impl Server {
    pub fn start(handler: impl Fn(&Request) -> Response + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (reqs, stop2) = (requests.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (h, r) = (handler.clone(), reqs.clone());
                std::thread::spawn(move || serve(conn, h, r));
            }
        });
        Server {
            url: format!("http://127.0.0.1:{port}"),
            requests,
            stop,
            port,
        }
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(conn: TcpStream, handler: Arc<Handler>, requests: Arc<Mutex<Vec<Request>>>) {
    conn.set_read_timeout(Some(Duration::from_secs(10))).ok();
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut conn = conn;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("").to_string();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let len: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let req = Request {
            method,
            path,
            headers,
            body,
        };
        let resp = handler(&req);
        requests.lock().unwrap().push(req);
        let mut out = format!(
            "HTTP/1.1 {} X\r\ncontent-length: {}\r\nx-amzn-requestid: 11111111-2222-3333-4444-555555555555\r\n",
            resp.status,
            resp.body.len()
        );
        for (k, v) in &resp.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        if conn.write_all(out.as_bytes()).is_err() || conn.write_all(&resp.body).is_err() {
            return;
        }
    }
}

// ---------- Price List Query API (awsJson1.1) ----------

/// One product of the catalog: its JSON text (as the API returns it) and parsed form.
pub struct CatalogItem {
    pub text: String,
    pub doc: Value,
}

pub fn catalog() -> Vec<CatalogItem> {
    let mut out = Vec::new();
    for f in pricing_files() {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        for s in v["PriceList"].as_array().unwrap() {
            let text = s.as_str().unwrap().to_string();
            let doc = serde_json::from_str(&text).unwrap();
            out.push(CatalogItem { text, doc });
        }
    }
    out
}

fn matches(doc: &Value, service: &str, filters: &[Value]) -> bool {
    if doc["serviceCode"] != service {
        return false;
    }
    filters.iter().all(|f| {
        let field = f["Field"].as_str().unwrap_or("");
        let value = f["Value"].as_str().unwrap_or("");
        let have = if field == "productFamily" {
            doc["product"]["productFamily"].as_str()
        } else {
            doc["product"]["attributes"][field].as_str()
        }
        .unwrap_or("");
        match f["Type"].as_str().unwrap_or("") {
            "ANY_OF" => value.split(',').any(|v| v == have),
            "NONE_OF" => !value.split(',').any(|v| v == have),
            "CONTAINS" => have.contains(value),
            _ => have == value,
        }
    })
}

/// How the fake Price List API misbehaves, request by request.
#[derive(Default)]
pub struct PricingScript {
    /// Error codes to answer the first requests with, in order (then normal answers).
    pub fail_first: Mutex<VecDeque<&'static str>>,
    /// Answer every request with this error code.
    pub always: Option<&'static str>,
    /// Products per page (forces NextToken paging).
    pub page_size: usize,
    /// A service whose first page is empty but carries a NextToken (the API does that).
    pub empty_first_page_for: Option<&'static str>,
}

pub fn aws_json_error(code: &str, message: &str) -> Response {
    // awsJson services answer client-side faults, throttling included, with 400.
    Response {
        status: 400,
        headers: vec![
            ("content-type".into(), "application/x-amz-json-1.1".into()),
            (
                "x-amzn-errortype".into(),
                format!("{code}:http://internal.amazon.com/coral/com.amazonaws.awspricing/"),
            ),
        ],
        body: json!({"__type": format!("com.amazonaws.awspricing#{code}"), "Message": message})
            .to_string()
            .into_bytes(),
    }
}

pub fn pricing_server(script: PricingScript) -> Server {
    let items = catalog();
    let script = Arc::new(script);
    Server::start(move |req| {
        assert_eq!(
            req.header("x-amz-target"),
            Some("AWSPriceListService.GetProducts"),
            "only GetProducts is expected"
        );
        if let Some(code) = script.always {
            return aws_json_error(code, "scripted failure");
        }
        if let Some(code) = script.fail_first.lock().unwrap().pop_front() {
            return aws_json_error(code, "Rate exceeded");
        }
        let body = req.json();
        let service = body["ServiceCode"].as_str().unwrap_or("");
        let filters = body["Filters"].as_array().cloned().unwrap_or_default();
        let found: Vec<&CatalogItem> = items
            .iter()
            .filter(|i| matches(&i.doc, service, &filters))
            .collect();
        let token = body["NextToken"].as_str();
        let page = script.page_size.max(1);
        let (offset, list) = match token {
            None if script.empty_first_page_for == Some(service) => (0, vec![]),
            None => (0, found.iter().take(page).collect::<Vec<_>>()),
            Some(t) => {
                let off: usize = t.trim_start_matches("tok-").parse().expect("our own token");
                (off, found.iter().skip(off).take(page).collect())
            }
        };
        let next = offset + list.len();
        let mut out = json!({
            "FormatVersion": "aws_v1",
            "PriceList": list.iter().map(|i| i.text.clone()).collect::<Vec<_>>(),
        });
        if next < found.len() {
            out["NextToken"] = json!(format!("tok-{next}"));
        }
        Response {
            status: 200,
            headers: vec![("content-type".into(), "application/x-amz-json-1.1".into())],
            body: out.to_string().into_bytes(),
        }
    })
}

// ---------- CloudWatch (Smithy RPC v2 CBOR) ----------

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

/// Environment for running the binary against `url` with fake static credentials, and never
/// anything but loopback (instance metadata off, no profile files).
pub fn aws_env(url: &str, home: &std::path::Path) -> Vec<(String, String)> {
    [
        ("AWS_ENDPOINT_URL", url),
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        (
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
        ("AWS_REGION", "us-east-1"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_MAX_ATTEMPTS", "3"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .chain([
        (
            "AWS_CONFIG_FILE".into(),
            home.join("none-config").display().to_string(),
        ),
        (
            "AWS_SHARED_CREDENTIALS_FILE".into(),
            home.join("none-credentials").display().to_string(),
        ),
        ("HOME".into(), home.display().to_string()),
    ])
    .collect()
}

pub fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("costcalc-aws-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
