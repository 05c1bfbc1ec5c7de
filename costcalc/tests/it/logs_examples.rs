//! Each access-log format's documented example lines, verbatim, through `--from-logs`: read by
//! their format and by `auto` with the figures worked by hand, and named in one line when given
//! under any other `--log-format`. One second of logs is 730 h x 3,600 s = 2,628,000 seconds'
//! worth a month.
//!
//! Sources (the files under tests/data/logs/ are the examples as published, nothing added):
//! - `alb-examples.log`, `alb-lambda-examples.log`: "Access logs for your Application Load
//!   Balancer", Example log entries (HTTP, HTTPS, HTTP/2, WebSockets, secured WebSockets; the
//!   Lambda entries that succeeded and failed),
//!   <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html>,
//!   as in awsdocs/elb-application-load-balancers-user-guide `doc_source/load-balancer-access-logs.md`
//!   at fb24293 (its last version). Each entry is "on multiple lines only to make them easier to
//!   read": the lines are joined with one space. The live page may append fields added since
//!   (`conn_trace_id`); the reader ignores fields after the request.
//! - `cloudfront-example.log`: "Configuring and using standard logs (access logs)", the example
//!   log file for a distribution,
//!   <https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html>, from
//!   awsdocs/amazon-cloudfront-developer-guide `doc_source/AccessLogs.md` at 5999c0d: its
//!   oddities kept (URL-encoded user agents, a trailing tab on the third line, lines out of
//!   order). The v2 pages' examples could not be read here.
//! - `apache-common.log`, `apache-combined.log`: <https://httpd.apache.org/docs/current/logs.html>,
//!   Common Log Format and Combined Log Format.
//! - API Gateway and nginx publish formats, not lines: their lines are built in
//!   `logs_apigw_examples` and below, each naming its format string.

use std::path::Path;

use serde_json::Value;

use super::logs::{dir, has, refused, report, write};
use crate::support::costcalc_json;

/// A file of tests/data/logs/.
pub(super) fn data(name: &str) -> String {
    format!("{}/tests/data/logs/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The report of `path` read as `format` and as `auto`: the same text either way.
pub(super) fn read_both(path: &str, format: &str) -> String {
    let named = report(&["--from-logs", path, "--log-format", format]);
    let auto = report(&["--from-logs", path, "--log-format", "auto"]);
    assert_eq!(named, auto, "{format} and auto read {path} differently");
    named
}

/// The routes table's row of `route`: requests, share, B in/req, B out/req, p50, p99.
pub(super) fn route_row(text: &str, route: &str) -> Vec<String> {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(&format!("{route}  ")))
        .unwrap_or_else(|| panic!("{route} not in {text}"));
    let cells: Vec<String> = line.split_whitespace().map(String::from).collect();
    cells[cells.len() - 6..].to_vec()
}

/// A figure's origin in the JSON summary: its kind ("measured", "default", ...) and field.
pub(super) fn origin(v: &Value, figure: &str) -> (String, String) {
    let inputs = v["inputs"].as_array().unwrap();
    let o = &inputs.iter().find(|i| i["figure"] == figure).unwrap()["origin"];
    let s = |k: &str| o[k].as_str().unwrap_or("").to_string();
    (s("kind"), s("field"))
}

/// The statuses table's row: "  200                  3   60.00%".
fn status_row(code: u16, n: u64, share: &str) -> String {
    format!("  {code:<6}  {n:>14}  {share:>6}%")
}

/// ALB, July's five entries (one second): 5 x 2,628,000 = 13,140,000 requests a month.
/// received_bytes 34 + 0 + 5 + 218 + 218 = 475 / 5 = 95; sent_bytes 366 + 57 + 257 + 587 + 786
/// = 2,053 / 5 = 410.6; target_processing_time 1, 48, 2 ms (the WebSockets' 101s, 3 and 1 ms,
/// are connections, not requests' times): mean 51 / 3 = 17, p50 (2nd of 1, 2, 48) 2, p99 48.
/// Status 200 three times, 101 (WebSockets) twice. Every request is "GET /" (scheme, host and
/// port dropped).
#[test]
fn alb_user_guide_examples() {
    let path = data("alb-examples.log");
    let t = read_both(&path, "alb");
    has(&t, "1 file(s), an ALB access log, 5 lines read");
    has(&t, "Requests: 5 in the window, 13,140,000 a month");
    has(&t, &status_row(101, 2, "40.00"));
    has(&t, &status_row(200, 3, "60.00"));
    assert_eq!(
        route_row(&t, "GET /"),
        ["5", "100.00%", "95", "411", "2", "48"]
    );
    let v = costcalc_json(&["report", "--from-logs", &path]);
    assert_eq!(v["workload"]["requests_per_month"], "13140000");
    assert_eq!(v["workload"]["peak_rps"], "5");
    assert_eq!(v["workload"]["request_bytes"], "95");
    assert_eq!(v["workload"]["response_bytes"], "410.6");
    assert_eq!(v["workload"]["duration_ms"], "17");
    let (kind, field) = origin(&v, "Duration per request");
    assert_eq!(kind, "measured");
    has(&field, "target_processing_time");
    assert_eq!(
        origin(&v, "Request body").1,
        "received_bytes (headers included)"
    );
    assert_eq!(origin(&v, "Peak rate").0, "measured");

    // The Lambda entries (2018-11-30, one second): the failed one logs elb_status_code 502 and
    // "-" for the target's status and address; 34 B in, 366 out and 1 ms each.
    let lambda = data("alb-lambda-examples.log");
    let t = read_both(&lambda, "alb");
    has(&t, "Requests: 2 in the window, 5,256,000 a month");
    has(&t, &status_row(200, 1, "50.00"));
    has(&t, &status_row(502, 1, "50.00"));
    assert_eq!(
        route_row(&t, "GET /"),
        ["2", "100.00%", "34", "366", "1", "1"]
    );
    // Together the two files span 151 days (2018-07-02 to 2018-11-30), over the 62 a read takes.
    let err = refused(&["--from-logs", &path, &lambda]);
    has(
        &err,
        "the logs would span 2018-07-02T22:23:00Z to 2018-11-30T22:23:00Z, more than 62 days",
    );
}

/// CloudFront's example file: 6 requests from 2019-12-04 21:02:31 to 2019-12-13 22:37:02, a
/// window of 9 days 1:34:31 + 1 s = 783,272 s; 6 x 2,628,000 / 783,272 = 20.13, so 20 a month.
/// sc-bytes (3 x 392 + 3 x 900) / 6 = 646; cs-bytes (3 x 23 + 675 + 735 + 387) / 6 = 311;
/// time-taken 1, 0, 1, 102, 107, 103 ms: mean 314 / 6 = 52.33. The busiest second holds the
/// three /index.html hits; one idle gap (Dec 4 to Dec 13; the 35 s between the last two lines is
/// under 60).
#[test]
fn cloudfront_developer_guide_example() {
    let path = data("cloudfront-example.log");
    let t = read_both(&path, "cloudfront");
    has(&t, "1 file(s), a CloudFront standard log, 6 lines read");
    has(
        &t,
        "Window: 2019-12-04T21:02:31Z to 2019-12-13T22:37:02Z, 783272 s (9.07 days), scaled to a 730-hour month: x 3.355156",
    );
    has(&t, "Requests: 6 in the window, 20 a month");
    has(&t, "busiest second 3 requests at 2019-12-04T21:02:31Z");
    has(&t, "Idle gaps (60 s or more without a request): 1,");
    has(&t, &status_row(200, 3, "50.00"));
    has(&t, &status_row(502, 3, "50.00"));
    // /index.html: 1, 0, 1 ms (p50 the 2nd of 0, 1, 1); "/": 107 and 103 ms (p50 the 1st).
    assert_eq!(
        route_row(&t, "GET /index.html"),
        ["3", "50.00%", "23", "392", "1", "1"]
    );
    assert_eq!(
        route_row(&t, "GET /"),
        ["2", "33.33%", "561", "900", "103", "107"]
    );
    assert_eq!(
        route_row(&t, "GET /favicon.ico"),
        ["1", "16.66%", "675", "900", "102", "102"]
    );
    let v = costcalc_json(&["report", "--from-logs", &path]);
    assert_eq!(v["workload"]["requests_per_month"], "20");
    assert_eq!(v["workload"]["response_bytes"], "646");
    assert_eq!(v["workload"]["request_bytes"], "311");
    let ms = v["workload"]["duration_ms"].as_str().unwrap();
    assert!(ms.starts_with("52.3333"), "{ms}");
    has(&origin(&v, "Duration per request").1, "time-taken");
}

/// The same file with its `#Fields` line listing `cs-bytes` and `sc-bytes` swapped (v2 lets the
/// order be chosen): read by position it would price 311 B out per request for 646; it stops at
/// that line, whichever `--log-format`.
#[test]
fn cloudfront_fields_in_another_order_are_refused() {
    let text = std::fs::read_to_string(data("cloudfront-example.log")).unwrap();
    let swapped = text
        .replacen(" sc-bytes ", " SC ", 1)
        .replacen(" cs-bytes ", " sc-bytes ", 1)
        .replacen(" SC ", " cs-bytes ", 1);
    assert_ne!(swapped, text);
    let path = write(&dir("cloudfront-fields").join("swapped.log"), &swapped);
    for f in ["auto", "cloudfront"] {
        let err = refused(&["--from-logs", &path, "--log-format", f]);
        has(
            &err,
            &format!(
                "{path}:2: #Fields lists cs-bytes as field 4, where CloudFront's standard layout has sc-bytes; costcalc reads CloudFront's standard field order: log with the default fields, in their order"
            ),
        );
    }
}

/// Apache's documented lines (13:55:36 at -0700 is 20:55:36 UTC), and nginx's default
/// `combined` (nginx.org ngx_http_log_module: `log_format combined '$remote_addr - $remote_user
/// [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"'`) filled
/// in at +0200 in the same UTC second: the two are that second's 2 requests. Neither format logs
/// a latency or the request's size: those figures keep their defaults.
#[test]
fn apache_and_nginx_documented_lines() {
    let common = data("apache-common.log");
    let t = read_both(&common, "clf");
    has(&t, "a Common Log Format log, 1 lines read");
    has(&t, "Window: 2000-10-10T20:55:36Z to 2000-10-10T20:55:36Z");
    assert_eq!(
        route_row(&t, "GET /apache_pb.gif"),
        ["1", "100.00%", "-", "2,326", "-", "-"]
    );
    let v = costcalc_json(&["report", "--from-logs", &common]);
    assert_eq!(v["workload"]["response_bytes"], "2326");
    assert_ne!(origin(&v, "Duration per request").0, "measured");
    assert_ne!(origin(&v, "Request body").0, "measured");

    let d = dir("examples-combined");
    let nginx = r#"192.0.2.1 - - [10/Oct/2000:22:55:36 +0200] "GET /api/v1/entries/42?x=1 HTTP/1.1" 200 512 "-" "curl/8.5.0""#;
    let apache = std::fs::read_to_string(data("apache-combined.log")).unwrap();
    let both = write(&d.join("combined.log"), &format!("{apache}{nginx}\n"));
    read_both(&data("apache-combined.log"), "combined");
    let t = read_both(&both, "combined");
    has(&t, "busiest second 2 requests at 2000-10-10T20:55:36Z");
    assert_eq!(
        route_row(&t, "GET /apache_pb.gif"),
        ["1", "50.00%", "-", "2,326", "-", "-"]
    );
    assert_eq!(
        route_row(&t, "GET /api/v1/entries/{id}"),
        ["1", "50.00%", "-", "512", "-", "-"]
    );
}

/// Every documented example under every other `--log-format`: one line naming the format it
/// looks like. API Gateway's CLF examples are Common Log Format lines.
#[test]
fn each_example_under_another_format_is_named_in_one_line() {
    let d = dir("examples-wrong");
    let built = super::logs_apigw_examples::lines();
    let mut cases: Vec<(String, &str)> = vec![
        (data("alb-examples.log"), "alb"),
        (data("alb-lambda-examples.log"), "alb"),
        (data("cloudfront-example.log"), "cloudfront"),
        (data("apache-common.log"), "clf"),
        (data("apache-combined.log"), "combined"),
    ];
    for (name, text, format) in &built {
        cases.push((write(&d.join(name), text), format));
    }
    const FORMATS: [(&str, &str); 6] = [
        ("alb", "an ALB access log"),
        ("apigw-http", "an API Gateway HTTP API access log (JSON)"),
        ("apigw-rest", "an API Gateway REST API access log (JSON)"),
        ("cloudfront", "a CloudFront standard log"),
        ("clf", "a Common Log Format log"),
        ("combined", "a Combined Log Format log"),
    ];
    let name = |id: &str| FORMATS.iter().find(|f| f.0 == id).unwrap().1;
    for (path, right) in &cases {
        let file = Path::new(path).file_name().unwrap().to_string_lossy();
        for (wrong, wrong_name) in FORMATS.iter().filter(|f| f.0 != *right) {
            let err = refused(&["--from-logs", path, "--log-format", wrong]);
            has(
                &err,
                &format!(
                    "{file}: looks like {}, not {wrong_name}: give --log-format {right} (or auto)",
                    name(right)
                ),
            );
        }
    }
    assert_eq!(cases.len(), 5 + built.len());
}
