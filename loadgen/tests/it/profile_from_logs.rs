//! `loadgen profile from-logs`: access logs as a profile file and route shares, through the
//! binary. A generated ALB log with a known per-minute shape gives exactly that profile, which
//! `loadgen run --profile` accepts (it gets as far as connecting); bad input is one line, exit 2.

use std::io::Write;
use std::path::Path;

use crate::cli::{closed_port, fails_with};
use crate::support::loadgen;

/// One ALB line at `t` (UTC, ISO 8601) for `request` ("GET /api/v1/entries/7"), 5 ms at the
/// target, 200 bytes in, 900 out.
pub(crate) fn alb(t: &str, request: &str) -> String {
    format!(
        "https {t}.000000Z app/journal/50dc6c495c0c9188 192.0.2.1:2817 10.0.0.1:80 0.000 0.005 0.000 200 200 200 900 \"{request} HTTP/1.1\" \"loadgen\" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/t/73e2d6bc24d8a067 \"Root=1-0\" \"-\" \"-\" 0 {t}.000000Z \"forward\" \"-\" \"-\" \"10.0.0.1:80\" \"200\" \"-\" \"-\" TID_1\n"
    )
}

/// `n` requests spread over minute `m` (2026-12-07 10:MM), one every 60 / n s from its first
/// second; requests cycle through GET /api/v1/entries, GET /api/v1/entries/{i}, POST
/// /api/v1/entries (in that order, so a multiple of 3 splits evenly).
fn minute(m: u32, n: u32) -> Vec<String> {
    let routes = |i: u32| match i % 3 {
        0 => "GET /api/v1/entries".to_string(),
        1 => format!("GET /api/v1/entries/{}", 1000 + i),
        _ => "POST /api/v1/entries".to_string(),
    };
    (0..n)
        .map(|i| {
            let s = i * 60 / n;
            alb(&format!("2026-12-07T10:{m:02}:{s:02}"), &routes(i))
        })
        .collect()
}

/// The logs, worked by hand: 10:00 30 requests (0.5/s), 10:01 and 10:02 60 each (1/s, merged
/// into one 120 s segment), 10:03 none, 10:04 90 (1.5/s), the last at 10:04:59 (90 requests at
/// 60 / 90 s apart: i = 89 at 89 x 60 / 90 = 59 s). The window is 10:00:00 to the end of
/// 10:04:59: 300 s, 240 requests. Files: minute 0 plain, minutes 1-2 gzip in a sub-folder (lines
/// in reverse order), minute 4 plain in another.
fn write_logs(d: &Path) {
    std::fs::create_dir_all(d.join("a")).unwrap();
    std::fs::create_dir_all(d.join("b")).unwrap();
    std::fs::write(d.join("0.log"), minute(0, 30).concat()).unwrap();
    let mut mid = minute(1, 60);
    mid.extend(minute(2, 60));
    mid.reverse();
    let f = std::fs::File::create(d.join("a/1.log.gz")).unwrap();
    let mut z = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
    z.write_all(mid.concat().as_bytes()).unwrap();
    z.finish().unwrap();
    std::fs::write(d.join("b/4.log"), minute(4, 90).concat()).unwrap();
}

#[test]
fn a_known_per_minute_shape_gives_exactly_that_profile() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("logs");
    write_logs(&logs);
    let out = tmp.path().join("traffic.toml");
    let res = loadgen()
        .args(["profile", "from-logs"])
        .arg(&logs)
        .args(["--log-format", "alb", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert!(
        res.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    let segments: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .skip(2)
        .collect();
    assert_eq!(
        segments,
        [
            "[[segment]]",
            "duration = \"60s\"",
            "rate = 0.5",
            "[[segment]]",
            "duration = \"120s\"",
            "rate = 1",
            "[[segment]]",
            "duration = \"60s\"",
            "rate = 0",
            "[[segment]]",
            "duration = \"60s\"",
            "rate = 1.5",
        ],
        "{text}"
    );
    // The parser `run --profile` uses, repeated over two windows (600 s): 2 x 240 arrivals,
    // mean 240 / 300 = 0.8/s, peak 1.5/s.
    let p = loadgen::plan::profile::resolve(out.to_str().unwrap(), Some(600.0), 1.0, 1).unwrap();
    assert_eq!(p.segments.len(), 8);
    assert!((p.expected_arrivals() - 480.0).abs() < 1e-9);
    assert!((p.mean_rate() - 0.8).abs() < 1e-12);
    assert_eq!(p.peak_rate(), 1.5);
    // Routes: 240 requests cycle through three routes, 80 each (30, 60, 60 and 90 are multiples
    // of 3): 33.33% each; the ids collapse to {id}. Ties sort by name.
    let tsv = std::fs::read_to_string(tmp.path().join("traffic.routes.tsv")).unwrap();
    assert_eq!(
        tsv,
        "share_percent\trequests\troute\n\
         33.33\t80\tGET /api/v1/entries\n\
         33.33\t80\tGET /api/v1/entries/{id}\n\
         33.33\t80\tPOST /api/v1/entries\n"
    );
    assert!(
        stdout.contains("4 segments, the rate per 60 s over 300 s"),
        "{stdout}"
    );
    assert!(
        stdout.contains("240 requests, mean 0.800000 req/s, busiest 60 s at 1.500000 req/s\n"),
        "{stdout}"
    );
    assert!(stdout.contains(&tsv.trim_end().to_string()), "{stdout}");
    // `run` accepts the file: it gets past the profile to the connection.
    let host = closed_port();
    fails_with(
        &[
            "run",
            "--host",
            &host,
            "--profile",
            out.to_str().unwrap(),
            "--duration",
            "10m",
            "--compress",
            "60",
        ],
        &format!("cannot reach {host}"),
    );
}

#[test]
fn a_short_last_step_is_not_called_the_busiest_minute() {
    // 10:00 one request a second (60), then 100 at 10:01:00: a 61 s window whose last step is
    // 1 s at 100 req/s (what the logs say, kept in the profile), while the busiest whole 60 s is
    // 1 req/s. The summary says both, not "busiest 60 s at 100".
    let tmp = tempfile::tempdir().unwrap();
    let mut text = minute(0, 60).concat();
    text.push_str(&alb("2026-12-07T10:01:00", "GET /api/v1/entries").repeat(100));
    let log = tmp.path().join("tail.log");
    std::fs::write(&log, text).unwrap();
    let out = tmp.path().join("traffic.toml");
    let res = loadgen()
        .args(["profile", "from-logs"])
        .arg(&log)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert!(res.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "160 requests, mean 2.622951 req/s, busiest 60 s at 1.000000 req/s, the last 1 s at \
             100.000000 req/s\n"
        ),
        "{stdout}"
    );
    let profile = std::fs::read_to_string(&out).unwrap();
    assert!(
        profile.contains("duration = \"1s\"\nrate = 100\n"),
        "{profile}"
    );
}

/// The one stderr line of a `profile from-logs` that must fail with exit 2.
pub(crate) fn refused(args: &[&str], out: &Path) -> String {
    let res = loadgen()
        .args(["profile", "from-logs"])
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&res.stderr).into_owned();
    assert_eq!(res.status.code(), Some(2), "{args:?}: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(!out.exists(), "nothing written on bad input");
    err
}

#[test]
fn bad_logs_are_one_line_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("traffic.toml");
    // A CloudFront log given as ALB: named by the format it looks like.
    let cf = tmp.path().join("cf.log");
    std::fs::write(
        &cf,
        "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td1.cloudfront.net\t/index.html\t200\t-\tMozilla\t-\t-\tHit\tSOX4\td1.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE\tHit\tHTTP/2.0\t-\t-\t11040\t0.001\tHit\ttext/html\t78\t-\t-\n",
    )
    .unwrap();
    let e = refused(&[cf.to_str().unwrap(), "--log-format", "alb"], &out);
    assert!(
        e.contains("looks like a CloudFront standard log, not an ALB access log: give --log-format cloudfront"),
        "{e}"
    );
    // Two lines of three unreadable: over 1%, named by file and line.
    let bad = tmp.path().join("bad.log");
    let mut text = minute(0, 1).concat();
    text.push_str("not a log line\nnor this one\n");
    std::fs::write(&bad, text).unwrap();
    let e = refused(&[bad.to_str().unwrap()], &out);
    assert!(
        e.contains("bad.log:2: 2 of 3 lines (66.66%) could not be read"),
        "{e}"
    );
    // A missing file, and a pattern that is not a path.
    let e = refused(&["/nonexistent/logs"], &out);
    assert!(e.contains("cannot read /nonexistent/logs"), "{e}");
    let e = refused(&[bad.to_str().unwrap(), "--route", "users"], &out);
    assert!(
        e.contains("--route: \"users\" is not a route pattern"),
        "{e}"
    );
}

#[test]
fn a_log_is_never_overwritten_nor_read_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("logs");
    write_logs(&logs);
    let v = logs.join("0.log");
    let before = std::fs::read_to_string(&v).unwrap();
    // --out on the log itself: refused before anything is written, the log kept.
    let res = loadgen()
        .args(["profile", "from-logs"])
        .arg(&v)
        .arg("--out")
        .arg(&v)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    let v_s = v.display();
    assert!(
        err.contains(&format!("--out: {v_s} is one of the logs read ({v_s})")),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&v).unwrap(), before);
    assert!(!logs.join("0.routes.tsv").exists());
    // Into the folder read: the next read would take the profile as a log.
    let inside = logs.join("traffic.toml");
    let e = refused(&[logs.to_str().unwrap()], &inside);
    assert!(
        e.contains(&format!(
            "is inside the logs folder read ({})",
            logs.display()
        )),
        "{e}"
    );
    assert!(!logs.join("traffic.routes.tsv").exists());
    // The folder and a file in it: refused, not counted twice.
    let out = tmp.path().join("traffic.toml");
    let e = refused(&[logs.to_str().unwrap(), v.to_str().unwrap()], &out);
    assert!(
        e.contains(&format!(
            "{v_s}: is given twice (as a file and inside a folder given): give each log once"
        )),
        "{e}"
    );
}
