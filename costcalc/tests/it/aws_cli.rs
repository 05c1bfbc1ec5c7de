//! The AWS commands as a user runs them: the real binary, the standard credential and region
//! chain, `AWS_ENDPOINT_URL` pointing at a loopback server that speaks each API's protocol.

use std::path::Path;

use crate::support::aws::{
    PricingScript, aws_env, cloudwatch_server, data, epoch, pricing_files, pricing_server, scratch,
};
use crate::support::run as costcalc;
use serde_json::Value;

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &std::process::Output) -> String {
    assert!(o.status.success(), "failed: {}\n{}", stderr(o), stdout(o));
    stdout(o)
}

/// The one `error:` line a failed run prints, and its exit code.
fn one_line_error(o: &std::process::Output) -> String {
    assert!(!o.status.success(), "should fail: {}", stdout(o));
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(o);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 1, "one error line: {err}");
    lines[0].to_string()
}

fn p1_total(prices: Option<&Path>) -> Value {
    let mut args = vec![
        "lambda",
        "--requests",
        "3000000",
        "--duration-ms",
        "120",
        "--memory-mb",
        "1536",
        "--arch",
        "x86_64",
        "--free-tier",
        "--format",
        "json",
    ];
    let p;
    if let Some(f) = prices {
        p = f.display().to_string();
        args.extend(["--prices", p.as_str()]);
    }
    serde_json::from_str(&ok(&costcalc(&args, &[]))).unwrap()
}

#[test]
fn prices_fetch_writes_a_snapshot_that_prices_p1_like_the_bundled_one() {
    let server = pricing_server(PricingScript {
        page_size: 5,
        fail_first: std::sync::Mutex::new(["ThrottlingException"].into()),
        ..Default::default()
    });
    let dir = scratch("fetch");
    let out = dir.join("us-east-1.toml");
    let o = costcalc(
        &[
            "prices",
            "fetch",
            "--region",
            "us-east-1",
            "--out",
            out.to_str().unwrap(),
        ],
        &aws_env(&server.url, &dir),
    );
    let text = ok(&o);
    assert!(
        text.contains("Wrote") && text.contains("--prices"),
        "{text}"
    );
    assert!(
        stderr(&o).contains("AWSLambda: page 1"),
        "progress: {}",
        stderr(&o)
    );
    let fetched = p1_total(Some(&out));
    let bundled = p1_total(None);
    assert_eq!(fetched["total_usd"], "2.73");
    assert_eq!(fetched["line_items"], bundled["line_items"]);
    assert_ne!(fetched["prices_as_of"], Value::Null);

    // show and diff read it too.
    let show = ok(&costcalc(
        &["prices", "show", "--prices", out.to_str().unwrap()],
        &[],
    ));
    assert!(show.contains("USE1-Fargate-vCPU-Hours:perCPU") && show.contains("Lambda-GB-Second"));
    let diff = ok(&costcalc(
        &["prices", "diff", "bundled", out.to_str().unwrap()],
        &[],
    ));
    // The same prices; the fetch adds the RDS Reserved offers, which the bundled snapshot lacks.
    let rows: Vec<&str> = diff
        .lines()
        .filter(|l| l.contains("┆") && !l.contains("Price"))
        .collect();
    assert_eq!(rows.len(), 8, "{diff}");
    assert!(
        rows.iter()
            .all(|l| l.contains("rds_reserved.") && l.contains("only in B")),
        "{diff}"
    );
    let changed = dir.join("changed.toml");
    std::fs::write(
        &changed,
        std::fs::read_to_string(&out)
            .unwrap()
            .replace("usd = \"0.04048\"", "usd = \"0.05\""),
    )
    .unwrap();
    let diff = ok(&costcalc(
        &[
            "prices",
            "diff",
            out.to_str().unwrap(),
            changed.to_str().unwrap(),
        ],
        &[],
    ));
    assert!(
        diff.contains("fargate.x86_64.vcpu")
            && diff.contains("+23.52%")
            && diff.contains("1 price(s) differ"),
        "{diff}"
    );
}

#[test]
fn prices_fetch_offline_from_cli_output() {
    let cmds = ok(&costcalc(&["prices", "fetch", "--print-cli-commands"], &[]));
    assert!(cmds.contains("aws pricing get-products --region us-east-1 --service-code AWSLambda"));
    assert!(cmds.contains("Type=ANY_OF,Field=instanceType"));
    let mut args = vec!["prices".to_string(), "fetch".into()];
    for f in pricing_files() {
        args.push("--price-list-file".into());
        args.push(f.display().to_string());
    }
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    // No credentials, no endpoint: nothing reaches the network.
    let toml = ok(&costcalc(&a, &[]));
    let dir = scratch("offline");
    let f = dir.join("offline.toml");
    std::fs::write(&f, toml).unwrap();
    assert_eq!(p1_total(Some(&f))["total_usd"], "2.73");
}

fn recent_shift() -> i64 {
    // Move the fixture so its last datapoint sits an hour before now: inside `--days 14` however
    // long the run takes.
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(data("cloudwatch/get-metric-data.json")).unwrap(),
    )
    .unwrap();
    let last = doc["MetricDataResults"][0]["Timestamps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| epoch(t.as_str().unwrap()))
        .max()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    (now - now % 60 - 3600) - last
}

fn fixture_pages(n: usize) -> Vec<Value> {
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(data("cloudwatch/get-metric-data.json")).unwrap(),
    )
    .unwrap();
    crate::support::aws::split_pages(&doc, n)
}

const RESOURCES: [&str; 4] = [
    "--lambda-function",
    "journal-api",
    "--http-api-id",
    "a1b2c3d4e5",
];

#[test]
fn report_from_cloudwatch_prints_what_it_read_then_the_tables() {
    let server = cloudwatch_server(fixture_pages(2), recent_shift(), vec![("Throttling", 400)]);
    let dir = scratch("cw");
    let mut args = vec!["report", "--from-cloudwatch"];
    args.extend(RESOURCES);
    let o = costcalc(&args, &aws_env(&server.url, &dir));
    let text = ok(&o);
    assert!(text.contains("CloudWatch us-east-1:"), "{text}");
    assert!(text.contains("period 60 s"), "{text}");
    assert!(text.contains("Lambda function journal-api"), "{text}");
    assert!(text.contains("168 of 20160 datapoints"), "{text}");
    assert!(text.contains("Throttles (Sum)"), "{text}");
    assert!(text.contains("Measured deployment: Lambda"), "{text}");
    // The tables follow, at the measured volume: 17,300 x 730 x 3600 / (14 x 86400).
    let tables = text
        .find("Monthly cost of Lambda function journal-api at 37,586.3095")
        .expect(&text);
    assert!(tables > text.find("CloudWatch us-east-1:").unwrap());
    assert_eq!(
        server.requests().len(),
        5,
        "throttled once, 2 pages x 2 sets"
    );
}

#[test]
fn report_from_metrics_file_matches() {
    let mut args = vec!["report", "--format", "json", "--metrics-file"];
    let f = data("cloudwatch/get-metric-data.json");
    let fs = f.display().to_string();
    args.push(&fs);
    args.extend(RESOURCES);
    let o = costcalc(&args, &[]);
    let v: Value = serde_json::from_str(&ok(&o)).expect("JSON stays JSON");
    let rpm = v["workload"]["requests_per_month"].as_str().unwrap();
    assert!(rpm.starts_with("37586.3095"), "{rpm}");
    // The read-report goes to standard error with JSON output.
    assert!(
        stderr(&o).contains("168 of 20160 datapoints"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn cloudwatchs_peak_is_the_one_breakeven_scales_over_logs() {
    // With access logs as the base, CloudWatch measures the volume and the peak: break-even
    // scales CloudWatch's busiest period, not the logs' busiest minute (of another volume).
    let dir = std::env::temp_dir().join(format!("costcalc-cw-logs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("access.log");
    std::fs::write(
        &log,
        "203.0.113.7 - - [02/Dec/2026:00:00:00 +0000] \"GET / HTTP/1.1\" 200 5\n\
         203.0.113.7 - - [02/Dec/2026:01:00:00 +0000] \"GET / HTTP/1.1\" 200 5\n",
    )
    .unwrap();
    let f = data("cloudwatch/get-metric-data.json")
        .display()
        .to_string();
    let l = log.display().to_string();
    let mut args = vec!["breakeven", "--format", "json", "--metrics-file", &f];
    args.extend(RESOURCES);
    args.extend(["--from-logs", &l]);
    let v: Value = serde_json::from_str(&ok(&costcalc(&args, &[]))).unwrap();
    let peak = v["peak_origin"].as_str().unwrap();
    assert!(
        peak.starts_with("measured (CloudWatch") && !peak.contains("busiest minute"),
        "{peak}"
    );
}

#[test]
fn print_queries_gives_the_offline_command() {
    let mut args = vec!["report", "--print-queries"];
    args.extend(RESOURCES);
    let text = ok(&costcalc(&args, &[]));
    assert!(text.contains("aws cloudwatch get-metric-data"), "{text}");
    assert!(text.contains("\"Id\": \"lambda_invocations\""), "{text}");
    assert!(text.contains("--metrics-file"), "{text}");
}

#[test]
fn failures_are_one_line_with_the_offline_alternative() {
    let dir = scratch("errors");
    // No credentials anywhere in the chain.
    let server = cloudwatch_server(fixture_pages(1), recent_shift(), vec![]);
    let env: Vec<(String, String)> = aws_env(&server.url, &dir)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("AWS_ACCESS_KEY_ID") && !k.starts_with("AWS_SECRET"))
        .collect();
    let mut args = vec!["report", "--from-cloudwatch"];
    args.extend(RESOURCES);
    let e = one_line_error(&costcalc(&args, &env));
    assert!(
        e.contains("no AWS credentials") && e.contains("--metrics-file"),
        "{e}"
    );
    assert!(server.requests().is_empty());

    for (code, status, needle) in [
        ("ExpiredToken", 403, "expired"),
        ("AccessDenied", 403, "cloudwatch:GetMetricData"),
        ("Throttling", 400, "throttled after retries"),
    ] {
        let server = cloudwatch_server(fixture_pages(1), recent_shift(), vec![(code, status); 5]);
        let mut env = aws_env(&server.url, &dir);
        env.push(("AWS_MAX_ATTEMPTS".into(), "2".into()));
        let e = one_line_error(&costcalc(&args, &env));
        assert!(
            e.contains(needle) && e.contains("--metrics-file"),
            "{code}: {e}"
        );
    }

    // An unknown function: CloudWatch answers, with nothing.
    let mut empty = fixture_pages(1).remove(0);
    for r in empty["MetricDataResults"].as_array_mut().unwrap() {
        r["Timestamps"] = serde_json::json!([]);
        r["Values"] = serde_json::json!([]);
    }
    let server = cloudwatch_server(vec![empty], 0, vec![]);
    let e = one_line_error(&costcalc(
        &["report", "--from-cloudwatch", "--lambda-function", "nope"],
        &aws_env(&server.url, &dir),
    ));
    assert!(
        e.contains("no datapoints for Lambda function nope in us-east-1"),
        "{e}"
    );

    // Price List: denied.
    let server = pricing_server(PricingScript {
        always: Some("AccessDeniedException"),
        ..Default::default()
    });
    let e = one_line_error(&costcalc(&["prices", "fetch"], &aws_env(&server.url, &dir)));
    assert!(
        e.contains("pricing:GetProducts") && e.contains("--price-list-file"),
        "{e}"
    );

    // Nothing named to read.
    let e = one_line_error(&costcalc(&["report", "--from-cloudwatch"], &[]));
    assert!(e.contains("--lambda-function"), "{e}");
}

/// `prices fetch --savings-plans-file` adds the region's Savings Plans rates, and the RDS
/// Reserved terms of the recorded get-products output become [rds_reserved]. Both fixtures are
/// in AWS's formats with MADE-UP commitment figures, the same as tests/data/commitment-rates.toml:
/// so the report priced from the fetched file matches the one priced from that fixture.
#[test]
fn fetched_commitment_rates_price_the_same_as_the_fixture() {
    let dir = scratch("sp-fetch");
    let out = dir.join("fetched.toml");
    let mut args: Vec<String> = vec!["prices".into(), "fetch".into()];
    for f in pricing_files() {
        args.extend(["--price-list-file".into(), f.display().to_string()]);
    }
    let sp = data("savings-plans/us-east-1.json");
    args.extend(["--savings-plans-file".into(), sp.display().to_string()]);
    args.extend(["--out".into(), out.display().to_string()]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = crate::support::costcalc(&a);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let root = env!("CARGO_MANIFEST_DIR");
    let fixture = dir.join("fixture.toml");
    let text = std::fs::read_to_string(format!("{root}/prices/us-east-1.toml")).unwrap()
        + &std::fs::read_to_string(format!("{root}/tests/data/commitment-rates.toml")).unwrap();
    std::fs::write(&fixture, text).unwrap();
    let options = [
        "--commitment",
        "compute-sp",
        "--term",
        "3y",
        "--payment",
        "all",
        "--rds-reserved",
    ];
    let totals = |prices: &std::path::Path| {
        let mut a = vec!["report", "--prices", prices.to_str().unwrap()];
        a.extend(options);
        let v = crate::support::costcalc_json(&a);
        let d = v["deployments"].as_array().unwrap().clone();
        d.iter()
            .map(|x| x["total_usd_exact"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(totals(&out), totals(&fixture));
    let toml = std::fs::read_to_string(&out).unwrap();
    assert!(
        toml.contains("Savings Plans price list file") && toml.contains("AmazonRDS Reserved terms")
    );
}
