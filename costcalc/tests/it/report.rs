//! `costcalc report` and `breakeven` through the real binary. Every expected figure is worked
//! by hand in the comments from the unit prices in costcalc/docs/pricing-examples.md.

use crate::support::{costcalc, costcalc_json};
use serde_json::Value;

fn deployment<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == name)
        .unwrap_or_else(|| panic!("no {name} deployment"))
}

/// Rounded cost of the one line item of `d` whose name contains `part`.
fn cost(d: &Value, part: &str) -> String {
    let items: Vec<_> = d["line_items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["name"].as_str().unwrap().contains(part))
        .collect();
    assert_eq!(
        items.len(),
        1,
        "one line item containing {part:?} in {}: {:#?}",
        d["name"],
        d["line_items"]
    );
    items[0]["cost_usd"].as_str().unwrap().to_string()
}

fn services(d: &Value) -> Vec<String> {
    d["line_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["service"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn side_project_report_on_generic_defaults() {
    let v = costcalc_json(&["report", "--defaults", "generic"]);
    assert_eq!(v["region"], "us-east-1");
    assert_eq!(v["prices_as_of"], "2026-11-01");
    assert_eq!(v["workload"]["requests_per_month"], "10000");

    // EC2: t4g.micro 730 h x 0.0084 = 6.132; gp3 8 GB x 0.08 = 0.64; 1 public IPv4 730 x 0.005 =
    // 3.65; db.t4g.micro 730 x 0.016 = 11.68; 20 GB x 0.115 = 2.30; logs 10,000 x 200 B =
    // 0.0018626 GB x (0.50 + 0.03) = 0.000987; transfer 10,000 x 2,048 B = 0.0190735 GB x 0.09 =
    // 0.0017166. Total 24.4047038 -> 24.40.
    let ec2 = deployment(&v, "ec2");
    assert_eq!(cost(ec2, "x t4g.micro Linux"), "6.13");
    assert_eq!(cost(ec2, "gp3 volume 8 GB"), "0.64");
    assert_eq!(cost(ec2, "public IPv4"), "3.65");
    assert_eq!(cost(ec2, "db.t4g.micro"), "11.68");
    assert_eq!(cost(ec2, "gp3 storage 20 GB"), "2.30");
    assert_eq!(ec2["total_usd"], "24.40");
    assert!(
        ec2["total_usd_exact"]
            .as_str()
            .unwrap()
            .starts_with("24.40470381")
    );

    // Fargate ARM 0.25 vCPU x 730 h x 0.03238 = 5.90935; 0.5 GB x 730 x 0.00356 = 1.2994;
    // ALB 730 x 0.0225 = 16.425 -> 16.43 (half-up); LCU: 10,000 / 2,628,000 s = 0.0038052 new
    // conn/s / 25 = 0.000152 LCU x 730 h x 0.008 = 0.000889; ALB IPv4 2 x 730 x 0.005 = 7.30;
    // task IPv4 3.65; RDS 13.98; logs 0.000987; transfer 0.0017166. Total 48.5673427 -> 48.57.
    let f = deployment(&v, "fargate");
    assert_eq!(cost(f, "vCPU (Linux/ARM"), "5.91");
    assert_eq!(cost(f, "Memory (Linux/ARM"), "1.30");
    assert_eq!(cost(f, "Load balancer hours"), "16.43");
    assert_eq!(cost(f, "LCUs"), "0.00");
    assert_eq!(cost(f, "ALB in 2 AZs (2 x public IPv4)"), "7.30");
    assert_eq!(cost(f, "Tasks in public subnets"), "3.65");
    assert_eq!(f["total_usd"], "48.57");

    // Lambda arm64 512 MB: 10,000 x 0.1 s x 0.5 GB = 500 GB-s x 0.0000133334 = 0.0066667;
    // requests 0.01M x 0.20 = 0.002; HTTP API 0.01M x 1.00 = 0.01; RDS Proxy 2 vCPU (minimum)
    // x 730 x 0.015 = 21.90; RDS 13.98; logs 10,000 x (200 + 350) B = 0.0051223 GB x 0.53 =
    // 0.0027148; transfer 0.0017166. Total 35.9030981 -> 35.90.
    let l = deployment(&v, "lambda");
    assert_eq!(cost(l, "Duration (arm64)"), "0.01");
    assert_eq!(cost(l, "Requests"), "0.00");
    assert_eq!(cost(l, "HTTP API requests"), "0.01");
    assert_eq!(cost(l, "Proxy for a 2-vCPU target"), "21.90");
    assert_eq!(l["total_usd"], "35.90");
    assert!(
        l["total_usd_exact"]
            .as_str()
            .unwrap()
            .starts_with("35.9030981")
    );

    // The costs people forget are all there.
    for d in [ec2, f, l] {
        let s = services(d);
        for needed in ["RDS", "CloudWatch Logs", "Data transfer"] {
            assert!(
                s.iter().any(|x| x == needed),
                "{needed} missing from {}",
                d["name"]
            );
        }
    }
    assert!(services(ec2).iter().any(|x| x == "VPC"));
    assert!(services(f).iter().any(|x| x == "ALB"));
    assert!(services(l).iter().any(|x| x == "RDS Proxy"));
    assert_eq!(v["cheapest"], "ec2");
    // Cost per million requests: 24.4047038 / 0.01 = 2,440.47.
    assert_eq!(ec2["cost_per_million_requests_usd"], "2440.47");
    assert!(v["assumptions"].as_array().unwrap().len() >= 10);
}

#[test]
fn nat_gateway_when_the_vpc_lambda_needs_the_internet() {
    // 730 h x 0.045 = 32.85; 1 GB x 0.045 = 0.045 -> 0.05 (half-up); Elastic IP 3.65.
    // Total 35.9030981 + 32.85 + 0.045 + 3.65 = 72.4480981 -> 72.45.
    let v = costcalc_json(&["report", "--defaults", "generic", "--nat", "on"]);
    let l = deployment(&v, "lambda");
    assert_eq!(cost(l, "NAT Gateway hours"), "32.85");
    assert_eq!(cost(l, "Data processed"), "0.05");
    assert_eq!(cost(l, "NAT Gateway Elastic IP"), "3.65");
    assert_eq!(l["total_usd"], "72.45");
}

#[test]
fn free_tier_and_options_change_the_right_lines() {
    // With the free tier, Lambda's 10,000 requests and 500 GB-s are free, and so are the
    // 0.019 GB out and the logs: 21.90 + 13.98 + 0.01 (HTTP API has no always-free) = 35.89.
    let v = costcalc_json(&["report", "--free-tier"]);
    let l = deployment(&v, "lambda");
    assert_eq!(l["total_usd_exact"], "35.89");
    // Multi-AZ doubles the database: 730 x 0.032 = 23.36, 20 x 0.23 = 4.60.
    let v = costcalc_json(&["report", "--multi-az", "--proxy", "off", "--api", "rest"]);
    let l = deployment(&v, "lambda");
    assert_eq!(cost(l, "db.t4g.micro Multi-AZ"), "23.36");
    assert_eq!(cost(l, "gp3 storage 20 GB (Multi-AZ)"), "4.60");
    assert!(!services(l).iter().any(|x| x == "RDS Proxy"));
    // REST: 0.01M x 3.50 = 0.035 -> 0.04 (half-up).
    assert_eq!(cost(l, "REST API requests"), "0.04");
}

#[test]
fn high_traffic_sizes_instances_from_the_peak() {
    // 1e9 requests/month: average 380.5 req/s, peak x10 = 3,805.2 req/s. t4g.micro = 2 vCPU x
    // 100 req/s = 200 -> ceil(19.03) = 20 instances (and an ALB); Fargate 0.25 vCPU = 25 req/s ->
    // ceil(152.2) = 153 tasks.
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "1000000000",
    ]);
    assert!(
        deployment(&v, "ec2")["summary"]
            .as_str()
            .unwrap()
            .starts_with("20 x t4g.micro")
    );
    assert!(
        deployment(&v, "ec2")["line_items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["service"] == "ALB")
    );
    assert!(
        deployment(&v, "fargate")["summary"]
            .as_str()
            .unwrap()
            .starts_with("153 x")
    );
}

#[test]
fn workload_file() {
    let dir = std::env::temp_dir().join(format!("costcalc-wl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("w.toml");
    std::fs::write(
        &f,
        "requests_per_month = 3000000\nduration_ms = 120\nresponse_bytes = 1024\n",
    )
    .unwrap();
    let v = costcalc_json(&[
        "report",
        "--workload",
        f.to_str().unwrap(),
        "--lambda-memory-mb",
        "1536",
        "--lambda-arch",
        "x86_64",
        "--free-tier",
    ]);
    // The workload of P1 inside the report: Lambda compute 2.33, requests 0.40.
    let l = deployment(&v, "lambda");
    assert_eq!(cost(l, "Duration (x86_64, beyond"), "2.33");
    assert_eq!(cost(l, "Requests beyond"), "0.40");
    assert!(v["workload"]["source"].as_str().unwrap().contains("w.toml"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn from_loadgen_summary() {
    // loadgen's own example (the contract file): 2,000 arrivals scheduled over the profile's
    // 20 s -> 2000 / 20 x 2,628,000 = 262,800,000 requests/month (the schedule; what was sent
    // over 20.412 s of wall time, draining included, would say 257.5M); mean latency 9.8 ms ->
    // billed 10 ms; bytes 141,000 / 2,000 = 70.5 and 612,000 / 2,000 = 306.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../loadgen/tests/data/summary-v1.json"
    );
    let v = costcalc_json(&["report", "--defaults", "generic", "--from-loadgen", path]);
    let w = &v["workload"];
    assert_eq!(w["requests_per_month"], "262800000");
    assert_eq!(w["duration_ms"], "9.8");
    assert_eq!(w["request_bytes"], "70.5");
    assert_eq!(w["response_bytes"], "306");
    assert_eq!(w["peak_rps"], "104");
    // 262,800,000 x 0.010 s x 0.5 GB = 1,314,000 GB-s x 0.0000133334 = 17.5200876 -> 17.52
    assert_eq!(cost(deployment(&v, "lambda"), "Duration (arm64)"), "17.52");
    // Peak 104 req/s: Fargate 0.25 vCPU x 100 req/s = 25 -> 5 tasks; EC2 2 x 100 -> 1.
    assert!(
        deployment(&v, "fargate")["summary"]
            .as_str()
            .unwrap()
            .starts_with("5 x")
    );
    assert!(
        deployment(&v, "ec2")["summary"]
            .as_str()
            .unwrap()
            .starts_with("1 x")
    );
}

#[test]
fn every_format_names_the_snapshot() {
    for fmt in ["table", "csv", "md", "json"] {
        let out = costcalc(&["report", "--format", fmt]);
        assert!(out.status.success());
        let s = String::from_utf8(out.stdout).unwrap();
        assert!(
            s.contains("us-east-1") && s.contains("2026-11-01"),
            "{fmt}: {s}"
        );
        assert!(s.contains("RDS Proxy"), "{fmt}");
    }
    let csv = String::from_utf8(costcalc(&["report", "--format", "csv"]).stdout).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("us-east-1,2026-11-01,lambda,TOTAL,") && l.contains(",35.90,")),
        "{csv}"
    );
    for cmd in [
        &["ipv4", "--addresses", "1"][..],
        &["transfer", "--out-gb", "1"][..],
    ] {
        let s = String::from_utf8(costcalc(cmd).stdout).unwrap();
        assert!(s.contains("us-east-1") && s.contains("2026-11-01"), "{s}");
    }
}

#[test]
fn breakeven_finds_crossings_and_draws_them() {
    let dir = std::env::temp_dir().join(format!("costcalc-be-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let chart = dir.join("be.svg");
    let v = costcalc_json(&[
        "breakeven",
        "--points",
        "60",
        "--chart",
        chart.to_str().unwrap(),
    ]);
    let cs = v["crossings"].as_array().unwrap();
    assert!(!cs.is_empty());
    // Lambda is cheaper than Fargate for the side project and dearer at 1e10 requests: they cross.
    let lf = cs
        .iter()
        .find(|c| c["between"] == serde_json::json!(["fargate", "lambda"]))
        .expect("fargate/lambda crossing");
    assert_eq!(lf["cheaper_below"], "lambda");
    let n: f64 = lf["requests_per_month"].as_str().unwrap().parse().unwrap();
    assert!(n > 1e3 && n < 1e10);
    // At that request count Fargate is cheaper, by the report's own figures.
    let at = costcalc_json(&[
        "report",
        "--requests-per-month",
        lf["requests_per_month"].as_str().unwrap(),
    ]);
    let total = |name: &str| {
        deployment(&at, name)["total_usd_exact"]
            .as_str()
            .unwrap()
            .parse::<rust_decimal::Decimal>()
            .unwrap()
    };
    assert!(total("fargate") < total("lambda"));
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("us-east-1") && svg.contains("<polyline") && svg.contains("<circle"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The NAT Gateway hint prices the snapshot's rates over the report's month, and the summary
/// shows what the next million requests would add beside the average per million.
#[test]
fn nat_hint_and_marginal_cost_come_from_the_prices() {
    let v = costcalc_json(&["report", "--hours-per-month", "720"]);
    let text = v["assumptions"].to_string();
    // 720 h x $0.045 = $32.40; its Elastic IP 720 h x $0.005 = $3.60.
    assert!(
        text.contains("+$32.40 for 720 hours") && text.contains("+$3.60"),
        "{text}"
    );
    let lambda = v["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "lambda")
        .unwrap();
    // At 10,000 requests the average per million is dominated by fixed costs; the next million
    // costs its requests, duration, API Gateway calls, logs and transfer only.
    let avg: f64 = lambda["cost_per_million_requests_usd"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let next: f64 = lambda["next_million_requests_usd"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(avg > 1000.0 && next > 0.5 && next < 5.0, "{avg} {next}");
}

/// A run whose target did not keep up did not measure the workload: refused with what happened
/// and what to do, or priced with --allow-overloaded and the warning in every format.
#[test]
fn an_overloaded_run_is_refused_or_priced_with_a_warning() {
    let example = include_str!("../data/summary-v1.json");
    let dir = std::env::temp_dir().join(format!("costcalc-overload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("overloaded.json");
    std::fs::write(
        &path,
        example.replace("\"dropped\": 0,", "\"dropped\": 1700,"),
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let out = costcalc(&["report", "--from-loadgen", p]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("overloaded.json")
            && err.contains("85% of the 2000 scheduled arrivals dropped"),
        "{err}"
    );
    assert!(
        err.contains("--compress") && err.contains("--allow-overloaded"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    for (fmt, mark) in [
        ("table", "WARNING: "),
        ("md", "> **Warning:**"),
        ("csv", "# warning: "),
        ("json", "\"warnings\": ["),
    ] {
        let out = costcalc(&[
            "report",
            "--from-loadgen",
            p,
            "--allow-overloaded",
            "--format",
            fmt,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains(mark) && text.contains("did not keep up"),
            "{fmt}: {text:.400}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A default that decides the outcome (halving or doubling it changes the cheapest deployment)
/// is flagged beside the figure and warned about first; a measured or given one is only flagged.
#[test]
fn defaults_that_decide_the_outcome_are_flagged() {
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "5e6",
        "--proxy",
        "off",
    ]);
    assert_eq!(v["cheapest"], "lambda");
    let decides = |figure: &str| {
        v["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["figure"] == figure)
            .unwrap()["decides"]
            .clone()
    };
    // 5M requests at 100 ms: at 200 ms, Lambda's duration line doubles and EC2 wins.
    assert_eq!(decides("Duration per request"), "ec2");
    assert_eq!(decides("Requests per month"), "ec2");
    assert_eq!(decides("Request body"), serde_json::Value::Null);
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0]
            .as_str()
            .unwrap()
            .contains("duration per request (100 ms) decides")
    );
    // The side project: EC2 by a margin no halving or doubling closes.
    let v = costcalc_json(&["report", "--defaults", "generic"]);
    assert!(
        v["warnings"].as_array().unwrap().is_empty(),
        "{}",
        v["warnings"]
    );
}

/// A run that measured the server (loadgen's `server` block) sizes from the server's CPU and
/// models the Lambda duration from its time per route, not from the client's latency.
#[test]
fn a_measured_server_sizes_instances_and_models_lambda_duration() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/summary-v1.1-server.json"
    );
    let v = costcalc_json(&["report", "--defaults", "generic", "--from-loadgen", path]);
    let w = &v["workload"];
    // 2,000 requests on 5.6 CPU-seconds = 357.14 req/s per vCPU, planned at 60%: 214.2857...
    assert!(
        w["throughput_rps_per_vcpu"]
            .as_str()
            .unwrap()
            .starts_with("214.285714")
    );
    // Peak 104 req/s: a 0.25 vCPU task serves 53.57 -> 2 tasks; a 2-vCPU t4g.micro 428.6 -> 1.
    let summary = |k: &str| deployment(&v, k)["summary"].as_str().unwrap().to_string();
    assert!(
        summary("fargate").starts_with("2 x"),
        "{}",
        summary("fargate")
    );
    assert!(summary("ec2").starts_with("1 x"), "{}", summary("ec2"));
    // Hashing: 200 logins x 24 ms = 4.8 s of the 5.6; the rest, 0.8 s / 2,000 = 0.4 ms per request.
    //   list:  0.4 ms CPU, 0.8 ms waiting; at 512 MB the CPU stretches 1769/512 = 3.455078125:
    //          0.8 + 0.4 x 3.455078125 = 2.182 -> billed 3 ms
    //   login: 24.4 ms CPU, 1.6 ms waiting: 1.6 + 24.4 x 3.455078125 = 85.90 -> billed 86 ms
    //   mix:   0.9 x 3 + 0.1 x 86 = 11.3 ms per request
    // 262,800,000 requests x 0.0113 s x 0.5 GB = 1,484,820 GB-s x 0.0000133334 = 19.7977 -> 19.80
    assert_eq!(cost(deployment(&v, "lambda"), "Duration (arm64)"), "19.80");
    let text = v["assumptions"].to_string();
    assert!(text.contains("billed 11.3 ms per request"), "{text}");
    // At 1,769 MB the CPU runs at full speed: list 1.2 -> 2 ms, login 26 -> 26 ms: 4.4 ms.
    // 262,800,000 x 0.0044 s x 1769/1024 GB = 1,997,587.96875 GB-s x 0.0000133334 = 26.6346
    let v = costcalc_json(&[
        "report",
        "--from-loadgen",
        path,
        "--lambda-memory-mb",
        "1769",
    ]);
    assert_eq!(cost(deployment(&v, "lambda"), "Duration (arm64)"), "26.63");
    let origin = v["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["figure"] == "Requests per second per vCPU")
        .unwrap()["origin"]
        .clone();
    assert_eq!(origin["kind"], "measured");
    assert!(origin["field"].as_str().unwrap().contains("api_cpu_s"));
    // A flag still overrides the measurement, and says so.
    let v = costcalc_json(&["report", "--from-loadgen", path, "--duration-ms", "50"]);
    assert_eq!(v["workload"]["duration_ms"], "50");
}

/// Every instance or task pools its connections: when they outgrow the database's max_connections
/// (RDS's formula from the class's memory), the class is sized up, or, when given, kept and the
/// remedy priced.
#[test]
fn connections_beyond_max_connections_size_the_database_or_say_so() {
    // 100M requests a month, peak 380.5 req/s: 16 Fargate tasks x 10 = 160 > 112 (db.t4g.micro),
    // which db.t4g.small (2 GiB: 2,147,483,648 / 9,531,392 = 225) holds.
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "100000000",
    ]);
    let f = deployment(&v, "fargate");
    assert!(
        f["summary"].as_str().unwrap().contains("db.t4g.small"),
        "{}",
        f["summary"]
    );
    assert_eq!(cost(f, "PostgreSQL db.t4g.small"), "23.36"); // 730 x 0.032
    let note = f["notes"][0].as_str().unwrap();
    assert!(
        note.contains("160 connections at the peak exceed the 112 db.t4g.micro allows"),
        "{note}"
    );
    assert!(
        v["warnings"]
            .to_string()
            .contains("ECS Fargate: 160 connections")
    );
    // EC2: 2 x t4g.micro x 10 = 20 connections: the micro holds them.
    assert!(
        deployment(&v, "ec2")["notes"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Given by flag, the class stays and the remedy is priced: (0.032 - 0.016) x 730 = $11.68.
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "100000000",
        "--db-instance-class",
        "db.t4g.micro",
    ]);
    let f = deployment(&v, "fargate");
    assert!(f["summary"].as_str().unwrap().contains("db.t4g.micro"));
    assert!(
        f["notes"][0]
            .as_str()
            .unwrap()
            .contains("db.t4g.small would hold it, for $11.68 more")
    );
    // A smaller pool fits the micro: 16 x 5 = 80.
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "100000000",
        "--db-pool-size",
        "5",
    ]);
    assert!(
        deployment(&v, "fargate")["notes"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

/// Burstable instances above their baseline on average bill surplus CPU credits (unlimited mode,
/// the default for T3 and T4g).
#[test]
fn burstable_instances_above_baseline_bill_cpu_credits() {
    // 262,800,000 requests a month = 100 req/s on average, peak 120: one t4g.micro (2 vCPUs x 100
    // req/s) serves it. At 100 req/s per vCPU planned at 60%, a request takes 6 ms of CPU: 100 x
    // 0.006 / 2 vCPUs = 30% per vCPU, 20 points over the t4g.micro's 10% baseline:
    // 0.2 x 2 vCPUs x 730 h = 292 vCPU-hours x $0.04 = $11.68.
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "262800000",
        "--peak-rps",
        "120",
    ]);
    let e = deployment(&v, "ec2");
    assert_eq!(
        cost(e, "CPU credits: t4g.micro at 30% average, baseline 10%"),
        "11.68"
    );
    // Traffic with a 10x peak leaves the instances under their baseline: no credits.
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "262800000",
    ]);
    let items = deployment(&v, "ec2")["line_items"].to_string();
    assert!(!items.contains("CPU credits"), "{items}");
}

/// The HTML report: one self-contained page (no script, nothing fetched), the answer first, each
/// section present when its input is, and the figures of the other formats.
#[test]
fn html_report_is_self_contained_and_complete() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/summary-v1.1-server.json"
    );
    let out = costcalc(&["report", "--from-loadgen", path, "--format", "html"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = String::from_utf8(out.stdout).unwrap();
    let json = costcalc_json(&["report", "--defaults", "generic", "--from-loadgen", path]);
    assert!(html.starts_with("<!doctype html>"));
    for forbidden in ["<script", "src=", "<link", "url(", "@import"] {
        assert!(!html.contains(forbidden), "{forbidden} in the page");
    }
    // Only the SVG namespace, which names and fetches nothing, looks like an address.
    let addresses = html.matches("http").count();
    assert_eq!(
        addresses,
        html.matches("http://www.w3.org/2000/svg").count()
    );
    for id in [
        "answer",
        "breakdown",
        "breakeven",
        "run",
        "latency",
        "traffic",
        "inputs",
        "assumptions",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "section {id}");
    }
    // The answer names the cheapest with its total, as the JSON does.
    let cheapest = json["cheapest"].as_str().unwrap();
    let total = deployment(&json, cheapest)["total_usd"].as_str().unwrap();
    let answer = &html[html.find("class=\"answer\"").unwrap()..];
    assert!(
        answer[..400].contains(&format!("${total}")),
        "{}",
        &answer[..400]
    );
    // Every deployment's line items and totals, the measured traffic marked on the chart.
    for d in json["deployments"].as_array().unwrap() {
        assert!(html.contains(&format!("${}", d["total_usd"].as_str().unwrap())));
    }
    assert!(html.contains("this workload: 262,800,000 req/mo"));
    assert!(html.contains("GET /api/v1/entries/{id}"));
    assert_eq!(
        html.matches("<svg").count(),
        3,
        "break-even, latency, traffic"
    );
    // A report without a run has no run section, and says nothing it does not know.
    let out = costcalc(&["report", "--format", "html"]);
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(!html.contains("id=\"run\"") && html.contains("id=\"breakeven\""));
}
