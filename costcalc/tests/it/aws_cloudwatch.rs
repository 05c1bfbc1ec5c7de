//! Measuring the workload from CloudWatch through the real aws-sdk-cloudwatch client (Smithy RPC v2
//! CBOR) against a loopback server replaying real-format pages (tests/data/aws/cloudwatch):
//! NextToken paging, throttling then success, a metric without data, an unknown resource, the
//! one-line errors; and the same figures from the offline `--metrics-file`.
//!
//! The fixture: Lambda `journal-api` behind HTTP API `a1b2c3d4e5`, 14 days to 2026-11-15T00:00Z at
//! 60 s; 12 busy minutes a day with 100 requests each, one of 600 on day 8: 167 x 100 + 600 =
//! 17,300 requests; Duration 85.5 ms each; DataProcessed 3,072 bytes each; Throttles never.

use std::time::Duration;

use crate::support::aws::{cloudwatch_server, data, split_pages};
use aws_sdk_cloudwatch::config::retry::RetryConfig;
use aws_sdk_cloudwatch::config::{BehaviorVersion, Credentials, Region};
use costcalc::aws::cloudwatch_api::SdkCloudWatch;
use costcalc::aws::error::{AwsError, Kind};
use costcalc::aws::{measure_file, measure_with};
use costcalc::deployment;
use costcalc::workload::Workload;
use costcalc::workload::source::cloudwatch::{Measurement, Resources, Window};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::Value;

const END: i64 = 1_794_700_800; // 2026-11-15T00:00:00Z

fn fixture() -> Value {
    serde_json::from_str(&std::fs::read_to_string(data("cloudwatch/get-metric-data.json")).unwrap())
        .unwrap()
}

fn resources() -> Resources {
    Resources {
        lambda_function: Some("journal-api".into()),
        http_api_id: Some("a1b2c3d4e5".into()),
        ..Default::default()
    }
}

fn window() -> Window {
    Window {
        start: END - 14 * 86400,
        end: END,
        period: 60,
    }
}

fn client(url: &str, creds: bool) -> SdkCloudWatch {
    let mut b = aws_sdk_cloudwatch::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("eu-west-1"))
        .endpoint_url(url)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(20)),
        );
    if creds {
        b = b.credentials_provider(Credentials::new("AKID", "SECRET", None, None, "test"));
    }
    SdkCloudWatch {
        client: aws_sdk_cloudwatch::Client::from_conf(b.build()),
    }
}

async fn measure(url: &str, r: &Resources) -> Result<Measurement, AwsError> {
    measure_with(
        &client(url, true),
        "eu-west-1",
        r,
        &window(),
        dec!(730),
        Workload::default(),
        &mut |_| {},
    )
    .await
}

/// The independently worked figures of the fixture.
fn check_figures(m: &Measurement) {
    let w = &m.workload;
    // 17,300 x (730 h x 3600) / (14 x 86400 s) = 17,300 x 2.1726190476...
    assert_eq!(
        w.requests_per_month.round_dp(4),
        dec!(37586.3095),
        "{}",
        w.requests_per_month
    );
    assert_eq!(w.duration_ms, dec!(85.5));
    assert_eq!(w.response_bytes, dec!(3072));
    // Busiest minute: 600 requests.
    assert_eq!(w.peak_rps, Some(dec!(10)));
    assert_eq!(m.measured, Some(deployment::Kind::Lambda));
    let inv = m
        .readings
        .iter()
        .find(|r| r.id == "lambda_invocations")
        .unwrap();
    assert_eq!(inv.datapoints, 168);
    assert_eq!(inv.expected, 20160);
    assert_eq!(inv.sum, dec!(17300));
    // The longest quiet stretch: 10:12 to 10:00 the next day = 23 h 48 min, and the first
    // 10 hours + the last 13 h 48 min of the window.
    assert_eq!(inv.longest_gap_seconds, (23 * 60 + 48) * 60);
    let thr = m
        .readings
        .iter()
        .find(|r| r.id == "lambda_throttles")
        .unwrap();
    assert_eq!(thr.datapoints, 0);
    let text = costcalc::workload::source::cloudwatch::report(m);
    assert!(
        text.contains("Throttles (Sum)") && text.contains("missing: no datapoints"),
        "{text}"
    );
    assert!(text.contains("168 of 20160 datapoints"), "{text}");
    assert!(text.contains("requests/month = 17,300 Count"), "{text}");
}

#[tokio::test]
async fn pages_with_next_token_after_a_throttle() {
    let pages = split_pages(&fixture(), 3);
    let server = cloudwatch_server(pages, 0, vec![("Throttling", 400)]);
    let m = measure(&server.url, &resources()).await.expect("measured");
    check_figures(&m);
    let reqs = server.requests();
    // One batch per resource set: Lambda (throttled once, then 3 pages), HTTP API (3 pages).
    assert_eq!(reqs.len(), 7, "requests: {}", reqs.len());
    assert_eq!(m.requests, 6);
    assert!(reqs[1].body_contains("lambda_invocations") && !reqs[1].body_contains("http_count"));
    assert!(reqs[2].body_contains("cw-token-1"));
    assert!(reqs[3].body_contains("cw-token-2"));
    assert!(reqs[4].body_contains("http_count") && !reqs[4].body_contains("cw-token"));
    assert_eq!(reqs[1].header("content-type"), Some("application/cbor"));
    assert!(
        reqs[1]
            .header("authorization")
            .unwrap_or("")
            .contains("/eu-west-1/monitoring/aws4_request"),
        "signed for CloudWatch in the chosen region"
    );
}

#[tokio::test]
async fn an_unknown_resource_has_no_datapoints_and_says_so() {
    let mut empty = fixture();
    for r in empty["MetricDataResults"].as_array_mut().unwrap() {
        r["Timestamps"] = serde_json::json!([]);
        r["Values"] = serde_json::json!([]);
    }
    let server = cloudwatch_server(vec![empty], 0, vec![]);
    let r = Resources {
        lambda_function: Some("no-such-function".into()),
        ..Default::default()
    };
    let e = measure(&server.url, &r).await.unwrap_err();
    assert_eq!(e.kind, Kind::NotFound);
    let m = e.to_string();
    assert!(
        m.contains("no datapoints for Lambda function no-such-function in eu-west-1")
            && m.contains("--metrics-file")
            && !m.contains('\n'),
        "{m}"
    );
}

#[tokio::test]
async fn service_errors_become_one_line_with_what_to_do() {
    for (code, status, kind, needle) in [
        (
            "AccessDenied",
            403,
            Kind::AccessDenied,
            "cloudwatch:GetMetricData",
        ),
        ("ExpiredToken", 403, Kind::Expired, "expired"),
        (
            "Throttling",
            400,
            Kind::Throttled,
            "throttled after retries",
        ),
    ] {
        let server = cloudwatch_server(vec![fixture()], 0, vec![(code, status); 5]);
        let e = measure(&server.url, &resources()).await.unwrap_err();
        assert_eq!(e.kind, kind, "{code}: {e}");
        let m = e.to_string();
        assert!(
            m.contains(needle) && m.contains("--metrics-file") && !m.contains('\n'),
            "{m}"
        );
        let expected = if kind == Kind::Throttled { 3 } else { 1 };
        assert_eq!(server.requests().len(), expected, "{code}");
    }
}

#[tokio::test]
async fn no_credentials() {
    let server = cloudwatch_server(vec![fixture()], 0, vec![]);
    let e = measure_with(
        &client(&server.url, false),
        "eu-west-1",
        &resources(),
        &window(),
        dec!(730),
        Workload::default(),
        &mut |_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind, Kind::NoCredentials, "{e:?}");
    assert!(server.requests().is_empty());
}

#[test]
fn metrics_file_gives_the_same_figures() {
    let m = measure_file(
        &data("cloudwatch/get-metric-data.json"),
        &resources(),
        14,
        dec!(730),
        Workload::default(),
    )
    .expect("file read");
    // The file does not say which window was asked for: the --days before its last datapoint
    // (10:11 on the last day) + one period.
    let end = END - (13 * 3600 + 48 * 60);
    assert_eq!(
        m.window,
        Window {
            start: end - 14 * 86400,
            end,
            period: 60
        }
    );
    check_figures(&m);
}

#[test]
fn metrics_file_pages_appended_and_bad_files() {
    let dir = crate::support::aws::scratch("metrics");
    let pages = split_pages(&fixture(), 2);
    let text: String = pages.iter().map(|p| p.to_string() + "\n").collect();
    let f = dir.join("pages.json");
    std::fs::write(&f, text).unwrap();
    let m = measure_file(&f, &resources(), 14, dec!(730), Workload::default()).unwrap();
    assert_eq!(m.workload.requests_per_month.round_dp(4), dec!(37586.3095));

    // Missing request metrics: only EC2 named.
    let r = Resources {
        instance_id: Some("i-0abc".into()),
        ..Default::default()
    };
    let e = measure_file(
        &data("cloudwatch/get-metric-data.json"),
        &r,
        14,
        dec!(730),
        Workload::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("EC2 instance i-0abc"), "{e}");

    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"Datapoints": []}"#).unwrap();
    let e = measure_file(&bad, &resources(), 14, dec!(730), Workload::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("aws cloudwatch get-metric-data"), "{e}");
    let _ = Decimal::ZERO;
}
