//! Compressed time: `--compress auto` picks the compression from a probe, and idle gaps are
//! reported in real time.

use super::{assert_every_arrival_accounted_for, summary};
use crate::support::{Server, loadgen};
use serde_json::Value;

/// `--compress auto` probes the server, picks the compression from what it measured and says so;
/// what the probe finds depends on the machine, so the test checks the rule, not the figures.
#[test]
fn compress_auto_probes_the_target_and_records_the_choice() {
    let _turn = crate::support::one_at_a_time();
    let server = Server::start();
    let out = tempfile::tempdir().unwrap();
    let res = loadgen()
        .args(["run", "--host", &server.url, "--profile", "steady"])
        .args([
            "--duration",
            "60s",
            "--rate-scale",
            "0.1",
            "--compress",
            "auto",
        ])
        .args(["--probe-step", "1s", "--timeout", "120", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&res.stdout);
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(res.status.success(), "{stdout}{stderr}");
    assert!(stderr.contains("loadgen: probe 5 req/s: sent"), "{stderr}");
    let s = summary(out.path());
    let p = &s["compress_auto"];
    let steps = p["steps"].as_array().unwrap();
    assert!(!steps.is_empty(), "{p}");
    // Capacity: the highest step that passed; a passed step dropped and failed at most 1%.
    let mut capacity: f64 = 0.0;
    for st in steps {
        let (sched, dropped, failed) = (
            st["scheduled"].as_u64().unwrap() as f64,
            st["dropped"].as_u64().unwrap() as f64,
            st["failed"].as_u64().unwrap() as f64,
        );
        if st["passed"].as_bool().unwrap() {
            assert!(dropped <= sched / 100.0 && failed <= sched / 100.0, "{st}");
            capacity = capacity.max(st["rate_per_s"].as_f64().unwrap());
        } else {
            assert!(!st["reason"].as_str().unwrap().is_empty(), "{st}");
        }
    }
    assert_eq!(p["capacity_per_s"].as_f64().unwrap(), capacity);
    // The profile peaks at 1 req/s: the compressed peak takes at most half the capacity.
    let chosen = (0.5 * capacity).floor().max(1.0);
    assert_eq!(p["chosen"].as_f64().unwrap(), chosen, "{p}");
    assert_eq!(s["compression"].as_f64().unwrap(), chosen);
    assert!(
        stdout.contains(&format!("chose compression {chosen}")),
        "{stdout}"
    );
    assert_every_arrival_accounted_for(&s, 60);
}

#[test]
fn compressed_idle_gaps_are_reported_in_real_time() {
    let _turn = crate::support::one_at_a_time();
    // 10 s busy, 10 min idle, 10 s busy, played 60x faster: ~10.3 s wall.
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("gap.toml");
    std::fs::write(
        &profile,
        "name = \"gap\"\n[[segment]]\nduration = \"10s\"\nrate = 3\n\
         [[segment]]\nduration = \"10m\"\nrate = 0\n\
         [[segment]]\nduration = \"10s\"\nrate = 3\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let res = loadgen()
        .args(["run", "--host", &server.url, "--profile"])
        .arg(&profile)
        .args(["--compress", "60", "--mix", "health=1", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let s = summary(&out);
    assert_eq!(s["compression"], 60.0);
    assert_eq!(s["profile"]["name"], "gap");
    assert_eq!(s["profile"]["source"], "file");
    assert_every_arrival_accounted_for(&s, 60);
    let wall = s["wall_seconds"].as_f64().unwrap();
    let sched = s["schedule_seconds"].as_f64().unwrap();
    assert!((sched - wall * 60.0).abs() < 1e-6);
    // The silence is measured from the end of the last response before the idle stretch to the
    // next send: a slow response or a late send (a loaded machine) moves either end, by that
    // time x 60 in real time. The bounds allow for what this run itself measured.
    let slack_s = 60.0
        * (s["totals"]["latency_ms"]["max"].as_f64().unwrap()
            + s["arrivals"]["timing_error_ms"]["max"].as_f64().unwrap())
        / 1000.0;
    let gaps = s["idle_gaps"].as_array().unwrap();
    let longest = gaps
        .iter()
        .max_by(|a, b| {
            let real = |g: &Value| g["real_seconds"].as_f64().unwrap();
            real(a).total_cmp(&real(b))
        })
        .unwrap_or_else(|| panic!("no idle gap reported: {s}"));
    let real = longest["real_seconds"].as_f64().unwrap();
    // 600 s plus the ends of the busy segments not covered by an arrival (at most 10 s each),
    // minus the slack.
    assert!(
        (600.0 - slack_s..=620.0 + slack_s).contains(&real),
        "gap {real}, slack {slack_s}"
    );
    let start = longest["start_s"].as_f64().unwrap();
    assert!(
        (0.0..=10.0 + slack_s).contains(&start),
        "gap starts at {start}"
    );
}
