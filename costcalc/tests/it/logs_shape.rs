//! The logged shape at other volumes and over time, through the binary: `breakeven --from-logs`
//! prices every volume at the logs' busiest minute (not their busiest second), and Aurora
//! Serverless v2 follows the logs' requests a minute. Both worked by hand below on generated
//! Common Log Format days.

use std::path::PathBuf;

use crate::report::{cost, deployment};
use crate::support::{costcalc, costcalc_json};

/// A CLF line at `hh:mm:ss` on 2026-12-02 (UTC).
fn line(h: u32, m: u32, s: u32) -> String {
    format!(
        "203.0.113.7 - - [02/Dec/2026:{h:02}:{m:02}:{s:02} +0000] \"GET /api/v1/entries HTTP/1.1\" 200 512\n"
    )
}

fn at(second_of_day: u32) -> String {
    line(
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60,
    )
}

fn log_file(name: &str, text: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("costcalc-shape-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    let p = d.join("access.log");
    std::fs::write(&p, text).unwrap();
    p
}

/// A day with two busy hours (09:00-09:59:59 and 17:00-17:59:59, one request a second) and six
/// requests at its first and at its last second, idle otherwise: 7,212 requests over 86,400 s.
fn two_busy_hours() -> PathBuf {
    let mut text = at(0).repeat(6);
    for hour in [9, 17] {
        for s in 0..3600 {
            text.push_str(&at(hour * 3600 + s));
        }
    }
    text.push_str(&at(86399).repeat(6));
    log_file("busy-hours", &text)
}

/// A day of one request at the start of each minute (1,440), 24 more at 12:00:00 (the busiest
/// second: 25), one at each of 13:00:01-13:00:59 (the busiest minute: 60, at most 2 in a second)
/// and one at 23:59:59 (so the window is the whole day): 1,524 requests over 86,400 s.
fn a_burst_and_a_busy_minute() -> PathBuf {
    let mut text: String = (0..1440).map(|m| at(m * 60)).collect();
    text.push_str(&at(12 * 3600).repeat(24));
    for s in 1..60 {
        text.push_str(&at(13 * 3600 + s));
    }
    text.push_str(&at(86399));
    log_file("burst", &text)
}

#[test]
fn breakeven_from_logs_crosses_where_the_busiest_minute_says() {
    // 1,524 x 2,628,000 / 86,400 = 46,355 requests a month (x 30.4167). At 50 req/s a vCPU a
    // t4g.micro (2 vCPU) serves 100 req/s. Priced at the busiest minute, the peak at R requests
    // a month is 60 / 60 s x R / 46,355: a second instance (and, with two, an ALB) from
    // 1 x R / 46,355 > 100, R > 4,635,500, so at 4,635,501. There EC2 goes from $25.06 (one
    // instance: $6.13 + 8 GB gp3 $0.64 + IPv4 $3.65 + db.t4g.micro $11.68 + 20 GB $2.30, and
    // $0.66 of logs and transfer) to $59.62 (+ $6.13 + $0.64 + $3.65, + ALB $16.43 + $0.41 LCUs
    // + its two IPv4 $7.30), past Lambda's $30.27 (0.3 s x 0.5 GB x R x $0.0000133334 = $9.27,
    // $0.2 + $1 a million requests = $5.57, the same database, $1.46 of logs and transfer):
    // Lambda becomes the cheaper at 4,635,501 exactly. Priced at the busiest second (25 x R /
    // 46,355) the second instance would come at R = 185,421, and EC2 would never be the
    // cheapest between 1M and 10M (Lambda is $49.12 at 10M).
    let log = a_burst_and_a_busy_minute();
    let log = log.to_str().unwrap();
    let flags = [
        "--from-logs",
        log,
        "--defaults",
        "generic",
        "--proxy",
        "off",
        "--duration-ms",
        "300",
        "--throughput-per-vcpu",
        "50",
    ];
    let mut args = vec!["breakeven", "--from", "1e6", "--to", "1e7"];
    args.extend(flags);
    let v = costcalc_json(&args);
    let step = v["crossings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cheaper_below"] == "ec2" && c["cheaper_above"] == "lambda")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(step["requests_per_month"], "4635501");
    assert_eq!(step["cost_usd"], "30.27");
    assert_eq!(step["other_cost_usd"], "59.62");
    let spans = v["cheapest_by_traffic"].as_array().unwrap();
    assert!(
        spans
            .iter()
            .any(|s| s["cheapest"] == "ec2" && s["to_requests_per_month"] == "4635500"),
        "{spans:#?}"
    );
    // The busiest second given as the peak scales as every volume used to: Lambda throughout.
    let mut a = args.clone();
    a.extend(["--peak-rps", "25"]);
    let second = costcalc_json(&a);
    assert_eq!(second["cheapest_by_traffic"].as_array().unwrap().len(), 1);
    assert_eq!(second["cheapest_by_traffic"][0]["cheapest"], "lambda");
    assert_eq!(second["peak_origin"], "flag");
    let peak = v["peak_origin"].as_str().unwrap();
    assert!(
        peak.contains("the busiest minute, 60 requests from 2026-12-02T13:00:00Z")
            && peak.ends_with("; scaled with the volume)"),
        "{peak}"
    );
    // `report --requests-per-month` prices both sides alike: one instance, then two.
    for (r, want) in [
        ("4635500", "EC2: 1 x t4g.micro"),
        ("4635501", "EC2: 2 x t4g.micro"),
    ] {
        let mut a = vec!["report", "--requests-per-month", r];
        a.extend(flags);
        let out = costcalc(&a);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(want), "{want} at {r}:\n{text}");
    }
    // The table says which peak it used.
    let out = costcalc(&args);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Peak at each volume, scaled with it: measured (logs: "),
        "{text}"
    );
    // At the logged volume a plain report still prices the busiest second it saw.
    let out = costcalc(&[&["report"], &flags[..]].concat());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "the busiest second, 25 requests at 2026-12-02T12:00:00Z, at this volume; other \
             volumes scale the busiest minute"
        ),
        "{text}"
    );
}

#[test]
fn aurora_serverless_follows_the_logs_requests_a_minute() {
    // The month (730 h, 2,628,000 s) repeats the day 30.4167 times: 7,212 x 365 / 12 = 219,365
    // requests. At 500 ms of database CPU a request: a busy minute's 60 requests are 1 req/s x
    // 0.5 s / 0.25 vCPU per ACU = 2 ACU; the first and last minutes' 6 are 0.2 -> 0.5 ACU (the
    // floor); the rest idle at the floor. Each busy hour holds 1.5 ACU above the floor for 3,600
    // s (5,400 ACU-s), then steps down 0.5 ACU per 60 s (the default lag): 2 for 60 s, 1.5 for
    // 60 s, 1 for 60 s: 60 x (1.5 + 1 + 0.5) = 180 ACU-s. A day: 2 x (5,400 + 180) = 11,160
    // ACU-s x 30.4167 / 3,600 = 94.2917 ACU-hours above the floor, 3.0417 of them the lag's;
    // with the floor (0.5 x 730 = 365): 459.2917 x $0.12 = $55.115 -> $55.12.
    let log = two_busy_hours();
    let log = log.to_str().unwrap();
    let args = |extra: &[&'static str]| {
        let mut a = vec!["report", "--from-logs", log, "--db", "aurora-serverless"];
        a.extend(["--db-cpu-ms-per-request", "500"]);
        a.extend(extra);
        a
    };
    let v = costcalc_json(&args(&[]));
    let d = deployment(&v, "ec2");
    assert_eq!(cost(d, "Serverless v2 (Standard)"), "55.12");
    let notes = d["notes"].to_string();
    assert!(
        notes.contains("holds 0.5 to 2 ACU over the access logs' requests a minute")
            && notes.contains("459.29 ACU-hours a month, 3.04 of them from the scale-down lag"),
        "{notes}"
    );
    // What it replaces: the same 219,365 requests at the month's average rate, 0.0835 req/s x
    // 0.5 / 0.25 = 0.17 -> 0.5 ACU all month: 365 ACU-hours, $43.80.
    let flat = costcalc_json(&[
        "report",
        "--requests-per-month",
        "219365",
        "--db",
        "aurora-serverless",
        "--db-cpu-ms-per-request",
        "500",
    ]);
    let d = deployment(&flat, "ec2");
    assert_eq!(cost(d, "Serverless v2 (Standard)"), "43.80");
    assert!(
        d["notes"]
            .to_string()
            .contains("over the month's average rate"),
        "{}",
        d["notes"]
    );
    // With auto-pause (--acu-min 0, 300 s after the pool's 600 s): the logs' three gaps a day,
    // 00:00:00-09:00:00 (32,400 s), 09:59:59-17:00:00 (25,201 s) and 17:59:59-23:59:59
    // (21,600 s), each pause for all but 900 s: 76,501 s a day x 30.4167 = 646.3626 h paused,
    // 91.25 resumes. The timeline's idle minutes pause 900 s after their first (a minute after
    // the gap's, within it), once the 180 s of steps down are done: the same 94.2917 ACU-hours
    // above the floor. Up 730 - 646.3626 = 83.6374 h x 0.5 = 41.8187, + 94.2917 = 136.1104 x
    // $0.12 = $16.3332 -> $16.33.
    let v = costcalc_json(&args(&["--acu-min", "0"]));
    let d = deployment(&v, "ec2");
    assert_eq!(cost(d, "Serverless v2 (Standard)"), "16.33");
    let notes = d["notes"].to_string();
    assert!(
        notes.contains("the access logs' 3 idle gaps over their 86,400 s logged window, repeated")
            && notes.contains("paused 646.36 h a month, 91 resumes a month")
            && notes.contains("136.11 ACU-hours a month"),
        "{notes}"
    );
    // --traffic weekdays replaces the logs' timeline and gaps with the weekdays shape.
    let v = costcalc_json(&args(&["--traffic", "weekdays"]));
    let notes = deployment(&v, "ec2")["notes"].to_string();
    assert!(notes.contains("over weekdays 09:00-18:00"), "{notes}");
}

/// A Combined Log Format line at `hh:mm:ss` on 2026-11-02 (UTC), `n` times.
fn nov2(h: u32, m: u32, s: u32, n: usize) -> String {
    format!(
        "10.0.0.1 - - [02/Nov/2026:{h:02}:{m:02}:{s:02} +0000] \"GET /api/v1/entries HTTP/1.1\" 200 500 \"-\" \"c\"\n"
    )
    .repeat(n)
}

#[test]
fn a_burst_in_the_windows_last_second_is_the_busiest_minute() {
    // One request a second from 10:00:00 to 10:59:59 (3,600), then 100 at 11:00:00: 3,700
    // requests over 3,601 s, x 2,628,000 / 3,601 = 2,700,249.93 -> 2,700,250 a month (average
    // 1.027492 req/s). Every minute 10:00-10:59 holds 60; the last, 1 s long, holds 100: the
    // busiest minute, 100 / 60 s = 1.666667 req/s (1.62 x the average). At 1e7 requests a month
    // it carries to 1.666667 x 1e7 / 2,700,250 = 6.172268 req/s (the average: 3.805175).
    let mut text = String::new();
    for s in 0..3600 {
        text.push_str(&nov2(10, s / 60, s % 60, 1));
    }
    text.push_str(&nov2(11, 0, 0, 100));
    let log = log_file("tailburst", &text);
    let log = log.to_str().unwrap();
    let v = costcalc_json(&["report", "--from-logs", log, "--requests-per-month", "1e7"]);
    assert_eq!(v["workload"]["peak_rps"], "6.172268");
    let origin = v["inputs"].to_string();
    assert!(
        origin.contains("the busiest minute, 100 requests from 2026-11-02T11:00:00Z")
            && origin.contains("peak-to-average ratio (1.62 x)"),
        "{origin}"
    );
    let b = costcalc_json(&["breakeven", "--from-logs", log]);
    let peak = b["peak_origin"].as_str().unwrap();
    assert!(
        peak.contains("the busiest minute, 100 requests from 2026-11-02T11:00:00Z"),
        "{peak}"
    );
}

#[test]
fn a_flat_log_carries_a_peak_at_the_average_never_below_it() {
    // One request at the start of each minute, 10:00:00 to 11:00:00: 61 over 3,601 s, x
    // 2,628,000 / 3,601 = 44,517.63 -> 44,518 a month. Every minute holds 1 (the last, 1 s long,
    // too): 1 / 60 = 0.016667 req/s, below the average 61 / 3,601 = 0.016940, so the peak is the
    // average. Carried to 1e7 through the rounded 44,518 it came out at 3.805137, below 1e7's
    // average 1e7 / 2,628,000 = 3.805175 (refused as a --peak-rps below the average): it is the
    // average exactly.
    let text: String = (0..61).map(|m| nov2(10 + m / 60, m % 60, 0, 1)).collect();
    let log = log_file("flat61", &text);
    let log = log.to_str().unwrap();
    let v = costcalc_json(&["report", "--from-logs", log, "--requests-per-month", "1e7"]);
    assert_eq!(v["workload"]["requests_per_month"], "10000000");
    assert_eq!(v["workload"]["peak_rps"], "3.805175038");
    // Break-even prices every volume at it (the minute's 1 request and the average alike).
    let b = costcalc_json(&["breakeven", "--from-logs", log]);
    let peak = b["peak_origin"].as_str().unwrap();
    assert!(
        peak.contains("the busiest minute, 1 requests from 2026-11-02T10:00:00Z"),
        "{peak}"
    );
}

#[test]
fn a_window_under_an_hour_is_warned_of() {
    // One line: a 1 s window, x 2,628,000 = 2,628,000 requests a month, said in every format.
    let log = log_file("one-line", &nov2(10, 0, 0, 1));
    let log = log.to_str().unwrap();
    let want = "The logs cover only 1 s (under an hour): the month's 2,628,000 requests are the \
                1 logged x 2,628,000, scaled from that window. Give more logs, or the month's \
                volume with --requests-per-month.";
    let v = costcalc_json(&["report", "--from-logs", log]);
    assert_eq!(v["workload"]["requests_per_month"], "2628000");
    assert!(
        v["warnings"].to_string().contains(want),
        "{}",
        v["warnings"]
    );
    for format in ["table", "md", "csv", "html"] {
        let out = costcalc(&["report", "--from-logs", log, "--format", format]);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains(want), "{format}:\n{text}");
    }
    // A given volume is not scaled from the window: no warning.
    let v = costcalc_json(&["report", "--from-logs", log, "--requests-per-month", "1e6"]);
    assert!(!v["warnings"].to_string().contains("The logs cover"));
    // An hour of logs (the 3,601 s above) is not warned of.
    let text: String = (0..61).map(|m| nov2(10 + m / 60, m % 60, 0, 1)).collect();
    let log = log_file("hour", &text);
    let v = costcalc_json(&["report", "--from-logs", log.to_str().unwrap()]);
    assert!(!v["warnings"].to_string().contains("The logs cover"));
}

#[test]
fn a_websocket_upgrade_is_a_request_but_not_a_duration() {
    // The ALB User Guide's HTTP and WebSockets ("ws", 101) entries, the WebSocket's
    // target_processing_time set to 3600.000 (the connection open an hour, as a real log says
    // it): 2 requests, the duration the HTTP entry's 1 ms alone. Counted, it was (1 + 3,600,000)
    // / 2 = 1,800,000.5 ms.
    let examples = std::fs::read_to_string(super::logs_examples::data("alb-examples.log")).unwrap();
    let pick = |kind: &str| {
        (examples.lines())
            .find(|l| l.starts_with(kind))
            .unwrap()
            .to_string()
    };
    let ws = pick("ws ").replace(" 0.001 0.003 0.000 101 ", " 0.001 3600.000 0.000 101 ");
    assert!(ws.contains("3600.000"));
    let log = log_file("websocket", &format!("{}\n{ws}\n", pick("http ")));
    let v = costcalc_json(&["report", "--from-logs", log.to_str().unwrap()]);
    assert_eq!(v["workload"]["requests_per_month"], "5256000");
    assert_eq!(v["workload"]["duration_ms"], "1");
}
