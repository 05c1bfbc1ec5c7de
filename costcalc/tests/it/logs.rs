//! `--from-logs`: access logs as a measured workload, through the binary as a user runs it.
//!
//! A generated week of ALB logs whose requests a month, peak and idle gaps are worked by hand
//! below, gzip and plain files mixed in nested folders, lines out of order, a truncated final
//! line, bad lines over 1%, and a file of another format. Each format's documented example
//! lines, verbatim: `logs_examples`.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::support::{costcalc, costcalc_json};

pub(super) fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("costcalc-logs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub(super) fn write(path: &Path, text: &str) -> String {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    path.display().to_string()
}

fn gzip(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let f = std::fs::File::create(path).unwrap();
    let mut z = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
    z.write_all(text.as_bytes()).unwrap();
    z.finish().unwrap();
}

/// The report's text (table format); the run must succeed.
pub(super) fn report(args: &[&str]) -> String {
    let mut a = vec!["report"];
    a.extend(args);
    let out = costcalc(&a);
    assert!(
        out.status.success(),
        "costcalc {a:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The one error line of a run that must fail.
pub(super) fn refused(args: &[&str]) -> String {
    let mut a = vec!["report"];
    a.extend(args);
    let out = costcalc(&a);
    assert_eq!(out.status.code(), Some(1), "{a:?} must fail");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}

pub(super) fn has(text: &str, want: &str) {
    assert!(text.contains(want), "{want:?} not in:\n{text}");
}

/// One ALB line at `t` ("2026-12-07T09:00:00"), a GET of `path`, the target's time in seconds.
pub(super) fn alb(t: &str, path: &str, target_s: &str) -> String {
    format!(
        "https {t}.123456Z app/journal/50dc6c495c0c9188 192.0.2.7:40000 10.0.0.1:8000 0.000 \
         {target_s} 0.000 200 200 300 1200 \"GET https://api.example.com:443{path} HTTP/1.1\" \
         \"loadgen\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 \
         arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/journal/73e2d6bc24d8a067 \
         \"Root=1-6750a1b2-0123456789abcdef01234567\" \"api.example.com\" \"-\" 0 {t}.100000Z \
         \"forward\" \"-\" \"-\" \"10.0.0.1:8000\" \"200\" \"-\" \"-\" TID_1\n"
    )
}

/// A weekday of business hours: 09:00:00 to 17:59:58, one request every 2 s (16,200), the
/// even ones the list (10 ms), the odd ones one entry by its numeric id (30 ms).
fn weekday(day: u32) -> Vec<String> {
    (0..16_200u32)
        .map(|i| {
            let s = 9 * 3600 + 2 * i;
            let t = format!(
                "2026-12-{day:02}T{:02}:{:02}:{:02}",
                s / 3600,
                s / 60 % 60,
                s % 60
            );
            if i % 2 == 0 {
                alb(&t, "/api/v1/entries", "0.010")
            } else {
                alb(&t, &format!("/api/v1/entries/{}", 1000 + i), "0.030")
            }
        })
        .collect()
}

/// The generated week, Monday 2026-12-07 to Sunday 2026-12-13 (UTC), worked by hand:
/// - requests: 5 weekdays x 16,200 = 81,000, a health check at Monday 00:00:00 and one at Sunday
///   23:59:59, and 58 more in Wednesday 12:00:00 (a burst): 81,060;
/// - the window: Monday 00:00:00 to the end of Sunday 23:59:59 = 604,800 s; the month
///   2,628,000 s = 365 / 84 weeks, so 81,060 x 365 / 84 = 965 x 365 = 352,225 requests a month;
/// - the peak: Wednesday 12:00:00, its own request and the 58: 59 requests in one second;
/// - idle gaps of 60 s or more: Monday 00:00:00 to 09:00:00 (32,400 s), each evening 17:59:58
///   to the next 09:00:00 (54,002 s, four of them), Friday 17:59:58 to Sunday 23:59:59 (2 days
///   6 h 1 s = 194,401 s): 6 gaps, 32,400 + 4 x 54,002 + 194,401 = 442,809 s, 73.21% of the week;
/// - routes: the list 5 x 8,100 + 58 = 40,558 (p50 and p99 10 ms), by id 40,500 (30 ms).
///
/// Files: a folder per day, Monday, Wednesday and Friday gzip, Wednesday's lines reversed, the
/// folders named so that Sunday's is read first, and Thursday's file cut mid-line.
fn week(d: &Path) {
    let mut mon = vec![alb("2026-12-07T00:00:00", "/health", "0.001")];
    mon.extend(weekday(7));
    gzip(&d.join("2026/12/07/alb.log.gz"), &mon.concat());
    write(&d.join("2026/12/08/alb.log"), &weekday(8).concat());
    let mut wed = weekday(9);
    wed.extend((0..58).map(|_| alb("2026-12-09T12:00:00", "/api/v1/entries", "0.010")));
    wed.reverse();
    gzip(&d.join("2026/12/09/alb.log.gz"), &wed.concat());
    write(
        &d.join("2026/12/10/alb.log"),
        &(weekday(10).concat() + "https 2026-12-10T18:00:0"),
    );
    gzip(&d.join("2026/12/11/alb.log.gz"), &weekday(11).concat());
    write(
        &d.join("2026/00-sunday/alb.log"),
        &alb("2026-12-13T23:59:59", "/health", "0.001"),
    );
}

#[test]
fn a_generated_week_gives_the_hand_worked_month_peak_and_gaps() {
    let d = dir("week");
    week(&d);
    let p = d.display().to_string();
    let t = report(&["--from-logs", &p, "--log-format", "alb"]);
    has(&t, "6 file(s), an ALB access log, 81061 lines read");
    has(
        &t,
        "Window: 2026-12-07T00:00:00Z to 2026-12-13T23:59:59Z, 604800 s (7 days), scaled to a 730-hour month: x 4.345238",
    );
    has(&t, "Requests: 81060 in the window, 352,225 a month");
    has(&t, "busiest second 59 requests at 2026-12-09T12:00:00Z");
    has(
        &t,
        "Idle gaps (60 s or more without a request): 6, 442809 s in all (73.21% of the window), the longest 194401 s",
    );
    has(
        &t,
        "Truncated final lines (a file cut while written; not counted as unreadable): 1 of 81061 lines",
    );
    let row = |route: &str| -> Vec<String> {
        let line = t
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{route} ")))
            .unwrap_or_else(|| panic!("{route} not in {t}"));
        line.split_whitespace()
            .rev()
            .take(6)
            .map(String::from)
            .collect()
    };
    // Reversed: p99, p50, bytes out, bytes in, share, requests.
    assert_eq!(
        row("GET /api/v1/entries"),
        ["10", "10", "1,200", "300", "50.03%", "40558"]
    );
    assert_eq!(
        row("GET /api/v1/entries/{id}"),
        ["30", "30", "1,200", "300", "49.96%", "40500"]
    );
    let v = costcalc_json(&["report", "--from-logs", &p]);
    assert_eq!(v["workload"]["requests_per_month"], "352225");
    assert_eq!(v["workload"]["peak_rps"], "59");
    // The profile for loadgen: per-minute rates whose durations add up to the week, with
    // Wednesday's 12:00 minute at (30 + 58) / 60 = 1.466667 req/s and the route shares.
    let profile = d.with_extension("toml");
    let pp = profile.display().to_string();
    report(&["--from-logs", &p, "--write-profile", &pp]);
    let text = std::fs::read_to_string(&profile).unwrap();
    let toml: toml::Value = toml::from_str(&text).unwrap();
    let segs = toml["segment"].as_array().unwrap();
    let total: u64 = segs
        .iter()
        .map(|s| {
            s["duration"]
                .as_str()
                .unwrap()
                .trim_end_matches('s')
                .parse::<u64>()
                .unwrap()
        })
        .sum();
    assert_eq!(total, 604_800);
    assert!(
        segs.iter().any(|s| s["rate"].as_float() == Some(1.466667)),
        "{text}"
    );
    has(&text, "#     50.03%  GET /api/v1/entries\n");
    // The gaps are the idle gaps Aurora's auto-pause reads: 6 over the 604,800 s week.
    let t = report(&[
        "--from-logs",
        &p,
        "--db",
        "aurora-serverless",
        "--acu-min",
        "0",
    ]);
    has(
        &t,
        "the access logs' 6 idle gaps over their 604,800 s logged window",
    );
}

#[test]
fn a_file_of_another_format_is_named_in_one_line() {
    let d = dir("wrong");
    let cf = write(
        &d.join("cf.log"),
        &std::fs::read_to_string(super::logs_examples::data("cloudfront-example.log")).unwrap(),
    );
    let err = refused(&["--from-logs", &cf, "--log-format", "alb"]);
    has(
        &err,
        "cf.log: looks like a CloudFront standard log, not an ALB access log: give --log-format cloudfront (or auto)",
    );
    let junk = write(&d.join("notes.txt"), "hello\nworld\n");
    let err = refused(&["--from-logs", &junk]);
    has(
        &err,
        "notes.txt: the first line is not an access log costcalc reads",
    );
}

#[test]
fn over_one_percent_of_bad_lines_is_an_error_unless_allowed() {
    let d = dir("bad");
    // 98 good lines and 2 bad (2% of 100): lines 3 and 50.
    let mut lines: Vec<String> = (0..98)
        .map(|i| alb(&format!("2026-12-07T10:00:{:02}", i % 60), "/", "0.005"))
        .collect();
    lines.insert(2, "garbage line one\n".into());
    lines.insert(
        49,
        "https 2026-12-07T10:00:00Z truncated in the middle\n".into(),
    );
    let p = write(&d.join("alb.log"), &lines.concat());
    let err = refused(&["--from-logs", &p]);
    has(
        &err,
        "alb.log:3: 2 of 100 lines (2.00%) could not be read as an ALB access log, more than 1%",
    );
    has(&err, "--allow-bad-lines");
    let t = report(&["--from-logs", &p, "--allow-bad-lines"]);
    has(&t, "Unreadable lines: 2 of 100 lines (2.00%), the first:");
    has(&t, "alb.log:3: \"garbage line one\"");
    has(
        &t,
        "alb.log:50: \"https 2026-12-07T10:00:00Z truncated in the middle\"",
    );
}

/// "What if my traffic grows?": a volume given for a measured shape keeps the shape's peak to
/// average. summary-v1.json schedules 2,000 arrivals over 20 s (100 req/s, 262,800,000 a
/// month) with a busiest second of 104: at 1,000,000,000 a month the peak is
/// 104 x 1e9 / 262.8e6 = 395.738204 req/s (1.04 x the average), not a refusal.
#[test]
fn a_measured_shapes_peak_carries_to_a_given_volume() {
    let s = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/summary-v1.json");
    let v = costcalc_json(&[
        "report",
        "--from-loadgen",
        s,
        "--requests-per-month",
        "1000000000",
    ]);
    let peak: f64 = v["workload"]["peak_rps"].as_str().unwrap().parse().unwrap();
    assert!((peak - 395.738_204).abs() < 1e-6, "{peak}");
    let inputs = v["inputs"].as_array().unwrap();
    let origin = &inputs.iter().find(|i| i["figure"] == "Peak rate").unwrap()["origin"];
    assert!(
        origin["field"]
            .as_str()
            .unwrap()
            .ends_with("the shape's peak-to-average ratio (1.04 x) carried to the given volume"),
        "{origin}"
    );
    // The same from logs: the week at 100 times its volume carries its busiest minute's ratio
    // (Wednesday 12:00: 30 + 58 = 88 requests, 88 / 60 = 1.4667 req/s, not the 59 of its
    // busiest second): 88 / 60 x 100 = 146.67 req/s.
    let d = dir("grow");
    week(&d);
    let p = d.display().to_string();
    let v = costcalc_json(&[
        "report",
        "--from-logs",
        &p,
        "--requests-per-month",
        "35222500",
    ]);
    let peak = v["workload"]["peak_rps"].as_str().unwrap();
    assert!(peak.starts_with("146.66666"), "{peak}");
    let t = report(&["--from-logs", &p, "--requests-per-month", "35222500"]);
    has(
        &t,
        "the busiest minute, 88 requests from 2026-12-09T12:00:00Z (/ 60 s: at a larger volume a quiet log's busiest second is noise, its minutes are the shape); the shape's peak-to-average ratio (10.94 x) carried to the given volume",
    );
}
