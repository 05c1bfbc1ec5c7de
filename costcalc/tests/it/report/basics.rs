//! The side project and the options that change its lines: figures worked by hand from the unit
//! prices in costcalc/docs/pricing-examples.md.

use super::{cost, deployment, services};
use crate::support::{costcalc, costcalc_json};

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
    // 1e9 requests/month: average 380.5175 req/s; the default peak, the weekdays shape's busy
    // hours, is 168 / 45 x that = 1,420.60 req/s. t4g.micro = 2 vCPU x 100 req/s = 200 ->
    // ceil(7.10) = 8 instances (and an ALB); Fargate 0.25 vCPU = 25 req/s -> ceil(56.82) = 57
    // tasks.
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
            .starts_with("8 x t4g.micro")
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
            .starts_with("57 x")
    );
    // The old assumption, given: 10 x = 3,805.2 req/s, ceil(19.03) = 20 instances, ceil(152.2) =
    // 153 tasks; the peak's origin is then the flag.
    let v = costcalc_json(&[
        "report",
        "--defaults",
        "generic",
        "--requests-per-month",
        "1000000000",
        "--peak-to-average",
        "10",
    ]);
    let ec2 = deployment(&v, "ec2")["summary"].as_str().unwrap();
    assert!(ec2.starts_with("20 x t4g.micro"), "{ec2}");
    let fargate = deployment(&v, "fargate")["summary"].as_str().unwrap();
    assert!(fargate.starts_with("153 x"), "{fargate}");
    let out = costcalc(&["report", "--peak-to-average", "0.5"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        err.trim_end(),
        "error: --peak-to-average: expected 1 to 1,000,000, got 0.5"
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
