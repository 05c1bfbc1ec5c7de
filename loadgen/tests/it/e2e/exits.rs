//! How a run ends early or badly: a failed threshold exits 3, Ctrl-C exits 130, and both write
//! the summary.

use super::{assert_every_arrival_accounted_for, summary};
use crate::support::{Server, loadgen};

#[test]
fn a_failed_threshold_exits_3_after_writing_the_summary() {
    let _turn = crate::support::one_at_a_time();
    let server = Server::start();
    let out = tempfile::tempdir().unwrap();
    let res = loadgen()
        .args([
            "run",
            "--host",
            &server.url,
            "--profile",
            "steady",
            "--duration",
            "2s",
        ])
        .args(["--mix", "health=1", "--quiet", "--threshold", "p99<0.001ms"])
        .args(["--threshold", "error-rate<1%", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert_eq!(res.status.code(), Some(3), "{stdout}");
    assert!(stdout.contains("threshold p99<0.001ms FAILED"), "{stdout}");
    assert!(
        stdout.contains("threshold error-rate<1% passed"),
        "{stdout}"
    );
    let s = summary(out.path());
    assert_eq!(s["thresholds"][0]["passed"], false);
    assert_every_arrival_accounted_for(&s, 20);
}

/// The `sent N` figure of a progress line.
fn progress_sent(line: &str) -> Option<u64> {
    let mut words = line.split_whitespace();
    words.find(|w| *w == "sent")?;
    words.next()?.parse().ok()
}

#[test]
fn ctrl_c_stops_the_run_writes_the_summary_and_exits_130() {
    let _turn = crate::support::one_at_a_time();
    use std::io::BufRead;
    let server = Server::start();
    let out = tempfile::tempdir().unwrap();
    let mut child = loadgen()
        .args([
            "run",
            "--host",
            &server.url,
            "--profile",
            "steady",
            "--duration",
            "60s",
        ])
        .args(["--mix", "health=1", "--out"])
        .arg(out.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupt once the traffic is under way (a progress line shows requests sent), however long
    // a busy machine takes to get there; a fixed sleep could land in the setup phase.
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut seen = 0;
    let mut line = String::new();
    while seen == 0 {
        line.clear();
        let n = stderr.read_line(&mut line).unwrap();
        assert!(n > 0, "loadgen ended before sending anything");
        seen = progress_sent(&line).unwrap_or(0);
    }
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let drain = std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    let res = child.wait_with_output().unwrap();
    drain.join().unwrap().unwrap();
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert_eq!(res.status.code(), Some(130), "{stdout}");
    assert!(stdout.contains("the run was cut short"), "{stdout}");
    let s = summary(out.path());
    let a = &s["arrivals"];
    let (scheduled, sent, dropped, unsent) = (
        a["scheduled"].as_u64().unwrap(),
        a["sent"].as_u64().unwrap(),
        a["dropped"].as_u64().unwrap(),
        a["unsent"].as_u64().unwrap(),
    );
    assert_eq!(scheduled, 600);
    assert!(
        sent >= seen && unsent > 0,
        "sent {sent} (progress said {seen}) unsent {unsent}"
    );
    assert_eq!(sent + dropped + unsent, scheduled);
}
