//! `--from-logs`: access logs as a measured workload, through the binary as a user runs it.
//!
//! Each format's documented example lines (the ALB User Guide's example HTTP, HTTPS and HTTP/2
//! entries; CloudFront's example standard log; API Gateway's documented JSON access-log formats
//! for HTTP and REST APIs, filled in; Apache's CLF and Combined examples with their -0700
//! offset; nginx's `combined`), a generated week of ALB logs whose requests a month, peak and
//! idle gaps are worked by hand below, gzip and plain files mixed in nested folders, lines out of
//! order, a truncated final line, bad lines over 1%, and a file of another format.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::support::{costcalc, costcalc_json};

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("costcalc-logs-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(path: &Path, text: &str) -> String {
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
fn report(args: &[&str]) -> String {
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
fn refused(args: &[&str]) -> String {
    let mut a = vec!["report"];
    a.extend(args);
    let out = costcalc(&a);
    assert_eq!(out.status.code(), Some(1), "{a:?} must fail");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}

fn has(text: &str, want: &str) {
    assert!(text.contains(want), "{want:?} not in:\n{text}");
}

// The ALB User Guide's example entries: HTTP, HTTPS and HTTP/2, all at 2018-07-02T22:23:00Z.
const ALB_EXAMPLES: &str = r#"http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90
https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2018-07-02T22:22:48.364000Z "authenticate,forward" "-" "-" "10.0.0.1:80" "200" "-" "-" TID_1234abcd5678ef90
h2 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 10.0.1.252:48160 10.0.0.66:9000 0.000 0.002 0.000 200 200 5 257 "GET https://10.0.2.105:773/ HTTP/2.0" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337327-72bd00b0343d75b906739c42" "-" "-" 1 2018-07-02T22:22:48.364000Z "redirect" "https://example.com:80/" "-" "10.0.0.66:9000" "200" "-" "-" TID_1234abcd5678ef90
"#;

// CloudFront's example standard log (Developer Guide, standard logging): the header lines, a
// cache hit on /index.html and an origin error on /favicon.ico.
const CLOUDFRONT_EXAMPLE: &str = "#Version: 1.0
#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol ssl-cipher x-edge-response-result-type cs-protocol-version fle-status fle-encrypted-fields c-port time-to-first-byte x-edge-detailed-result-type sc-content-type sc-content-len sc-range-start sc-range-end
2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\tMozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/78.0.3904.108%20Safari/537.36\t-\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\td111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t0.001\tHit\ttext/html\t78\t-\t-
2019-12-04\t21:02:31\tSEA19-C1\t900\t192.0.2.200\tGET\td111111abcdef8.cloudfront.net\t/favicon.ico\t502\thttp://www.example.com/\tMozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/78.0.3904.108%20Safari/537.36\t-\t-\tError\t1pkpNfBQ39sYMnjjUQjmH2w1wdJnbHYTbag21o_3OfcQgPzdL2RSSQ==\twww.example.com\thttp\t675\t0.102\t-\t-\t-\tError\tHTTP/1.1\t-\t-\t25260\t0.102\tOriginDnsError\ttext/html\t507\t-\t-
";

// API Gateway's documented JSON access-log formats with their $context variables filled in:
// the HTTP API's (routeKey) with $context.integrationLatency added, and the REST API's
// (resourcePath), one a line as CloudWatch Logs exports them (the event's time in front).
const APIGW_HTTP: &str = r#"{ "requestId":"JYjB9gH5IAMEP5A=", "ip": "192.0.2.10", "requestTime":"06/Dec/2026:10:15:30 +0000", "httpMethod":"GET","routeKey":"GET /pets/{petId}", "status":"200","protocol":"HTTP/1.1", "responseLength":"48", "integrationLatency":"23" }
{ "requestId":"JYjB9hEhIAMEPzw=", "ip": "192.0.2.11", "requestTime":"06/Dec/2026:10:15:30 +0000", "httpMethod":"POST","routeKey":"POST /pets", "status":"201","protocol":"HTTP/1.1", "responseLength":"80", "integrationLatency":"41" }
"#;
const APIGW_REST: &str = r#"2026-12-06T10:15:30.000Z { "requestId":"c4b7a3d2-1f0e-4d5c-9b8a-7f6e5d4c3b2a", "extendedRequestId":"JYjB9gH5IAMEP5A=","ip": "192.0.2.10", "caller":"-", "user":"-", "requestTime":"06/Dec/2026:10:15:30 +0000", "httpMethod":"GET", "resourcePath":"/pets/{petId}", "status":"200", "protocol":"HTTP/1.1", "responseLength":"48" }
"#;

// Apache's documented CLF and Combined lines (10/Oct/2000:13:55:36 -0700 is 20:55:36 UTC), and
// nginx `combined` lines at +0200 in the same UTC second.
const CLF: &str = r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326
192.0.2.1 - - [10/Oct/2000:22:55:36 +0200] "GET /api/v1/entries/42?x=1 HTTP/1.1" 404 -
"#;
const COMBINED: &str = r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"
192.0.2.1 - - [10/Oct/2000:22:55:36 +0200] "GET /api/v1/entries/42?x=1 HTTP/1.1" 200 512 "-" "curl/8.5.0"
"#;

/// Each documented example is read, in its named format and by `auto`: one second of logs, so
/// the month is 2,628,000 times each second's requests (730 h x 3,600 s).
#[test]
fn each_formats_documented_examples_are_read() {
    let d = dir("examples");
    let cases = [
        ("alb", write(&d.join("alb.log"), ALB_EXAMPLES)),
        ("cloudfront", write(&d.join("cf.log"), CLOUDFRONT_EXAMPLE)),
        ("apigw-http", write(&d.join("http.json"), APIGW_HTTP)),
        ("apigw-rest", write(&d.join("rest.json"), APIGW_REST)),
        ("clf", write(&d.join("access.log"), CLF)),
        ("combined", write(&d.join("combined.log"), COMBINED)),
    ];
    for (format, path) in &cases {
        for f in [*format, "auto"] {
            let t = report(&["--from-logs", path, "--log-format", f]);
            has(&t, "Window: ");
            has(&t, ", 1 s (0 days)");
        }
    }
    // ALB: 3 requests in one second -> 7,884,000 a month; received 34 + 0 + 5 = 39 B / 3 = 13;
    // sent 366 + 57 + 257 = 680 / 3 = 226.67; target_processing_time 1, 48, 2 ms: p50 2, p99 48.
    let t = report(&["--from-logs", &cases[0].1]);
    has(&t, "Requests: 3 in the window, 7,884,000 a month");
    has(&t, "an ALB access log");
    assert!(
        t.lines().any(|l| l.trim_start().starts_with("GET /")
            && l.split_whitespace().collect::<Vec<_>>()[2..]
                == ["3", "100.00%", "13", "227", "2", "48"]),
        "{t}"
    );
    let v = costcalc_json(&["report", "--from-logs", &cases[0].1]);
    assert_eq!(v["workload"]["requests_per_month"], "7884000");
    assert_eq!(v["workload"]["peak_rps"], "3");
    assert_eq!(v["workload"]["request_bytes"], "13");
    // The mean latency, (1 + 48 + 2) / 3 = 17 ms, as the load balancer saw it.
    assert_eq!(v["workload"]["duration_ms"], "17");
    let inputs = v["inputs"].as_array().unwrap();
    let peak = inputs.iter().find(|i| i["figure"] == "Peak rate").unwrap();
    assert_eq!(peak["origin"]["kind"], "measured");
    assert_eq!(peak["origin"]["from"], format!("logs: {}", cases[0].1));
    // CloudFront: statuses 200 and 502, one each; sc-bytes (392 + 900) / 2 = 646, cs-bytes
    // (23 + 675) / 2 = 349; time-taken 1 and 102 ms.
    let t = report(&["--from-logs", &cases[1].1]);
    has(&t, "  200                  1   50.00%");
    has(&t, "  502                  1   50.00%");
    let v = costcalc_json(&["report", "--from-logs", &cases[1].1]);
    assert_eq!(v["workload"]["response_bytes"], "646");
    assert_eq!(v["workload"]["request_bytes"], "349");
    // API Gateway: the routeKey (HTTP) and the method with the resourcePath (REST) are the routes.
    let t = report(&["--from-logs", &cases[2].1]);
    has(&t, "GET /pets/{petId}");
    has(&t, "POST /pets");
    has(&t, "Requests: 2 in the window, 5,256,000 a month");
    let t = report(&["--from-logs", &cases[3].1]);
    has(&t, "GET /pets/{petId}");
    // CLF and Combined: -0700 and +0200 are the same UTC second, so its 2 requests are the peak.
    for path in [&cases[4].1, &cases[5].1] {
        let t = report(&["--from-logs", path]);
        has(&t, "busiest second 2 requests at 2000-10-10T20:55:36Z");
        has(&t, "GET /api/v1/entries/{id}");
    }
}

/// One ALB line at `t` ("2026-12-07T09:00:00"), a GET of `path`, the target's time in seconds.
fn alb(t: &str, path: &str, target_s: &str) -> String {
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
    let cf = write(&d.join("cf.log"), CLOUDFRONT_EXAMPLE);
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
