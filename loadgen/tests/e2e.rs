//! End to end against the real journal-api on loopback: the schedule is played as planned and
//! the server's own state agrees with the summary.

mod common;

use common::{Server, loadgen};
use serde_json::Value;
use std::path::Path;

fn summary(out: &Path) -> Value {
    let text = std::fs::read_to_string(out.join("summary.json")).expect("summary.json written");
    serde_json::from_str(&text).expect("summary.json is JSON")
}

fn endpoint_count(s: &Value, method: &str, route: &str, status: &str) -> u64 {
    s["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["method"] == method && e["route"] == route)
        .and_then(|e| e["status_codes"][status].as_u64())
        .unwrap_or(0)
}

/// Entries the server holds for every account loadgen created, counted through the API.
async fn entries_on_server(url: &str, accounts: &Value) -> u64 {
    let client = reqwest::Client::new();
    let mut total = 0;
    for a in accounts.as_array().unwrap() {
        let login: Value = client
            .post(format!("{url}/api/v1/auth/login"))
            .form(&[
                ("username", a["email"].as_str().unwrap()),
                ("password", a["password"].as_str().unwrap()),
            ])
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap();
        let list: Value = client
            .get(format!("{url}/api/v1/entries?limit=1000"))
            .bearer_auth(login["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .json()
            .await
            .unwrap();
        total += list.as_array().unwrap().len() as u64;
    }
    total
}

#[tokio::test(flavor = "multi_thread")]
async fn steady_100_per_second_for_20s_sends_2000_with_no_drops_and_the_server_agrees() {
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
            "20s",
        ])
        .args([
            "--rate-scale",
            "10",
            "--seed",
            "7",
            "--threshold",
            "drop-rate<=0%",
        ])
        // Headroom for a test machine whose other tests share the two cores.
        .args(["--expected-latency", "500ms", "--out"])
        .arg(out.path())
        .output()
        .expect("run loadgen");
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(res.status.success(), "loadgen failed: {stderr}");
    assert!(
        stderr.contains("sent"),
        "progress lines on stderr: {stderr}"
    );

    let s = summary(out.path());
    assert_eq!(s["schema"], "deploycost.loadgen.summary/v1");
    let sent = s["arrivals"]["sent"].as_u64().unwrap();
    assert!((1960..=2040).contains(&sent), "sent {sent}");
    assert_eq!(s["arrivals"]["scheduled"].as_u64().unwrap(), sent);
    assert_eq!(s["arrivals"]["dropped"], 0);
    assert_eq!(s["totals"]["count"].as_u64().unwrap(), sent);
    assert_eq!(s["totals"]["failures"], 0, "{}", s["totals"]);
    let wall = s["wall_seconds"].as_f64().unwrap();
    assert!((19.0..25.0).contains(&wall), "wall {wall}");
    let per_second: u64 = s["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["sent"].as_u64().unwrap())
        .sum();
    assert_eq!(per_second, sent);
    for f in ["report.html", "report.json", "report.md"] {
        let len = std::fs::metadata(out.path().join(f))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(len > 100, "{f} written by goose");
    }

    // The server's own state: every entry loadgen created and did not delete is there.
    let created = endpoint_count(&s, "POST", "/api/v1/entries", "201");
    let deleted = endpoint_count(&s, "DELETE", "/api/v1/entries/{id}", "204");
    let seeded = s["setup"]["entries_seeded"].as_u64().unwrap();
    assert!(
        created > 100 && deleted > 50,
        "created {created} deleted {deleted}"
    );
    let accounts: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("accounts.json")).unwrap())
            .unwrap();
    let newcomers = endpoint_count(&s, "POST", "/api/v1/auth/register", "200");
    assert_eq!(
        accounts.as_array().unwrap().len() as u64,
        s["setup"]["users_registered"].as_u64().unwrap() + newcomers
    );
    assert_eq!(
        entries_on_server(&server.url, &accounts).await,
        seeded + created - deleted
    );
}

#[test]
fn compressed_idle_gaps_are_reported_in_real_time() {
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
    assert_eq!(s["arrivals"]["sent"], 60);
    let wall = s["wall_seconds"].as_f64().unwrap();
    let sched = s["schedule_seconds"].as_f64().unwrap();
    assert!((sched - wall * 60.0).abs() < 1e-6);
    let gaps = s["idle_gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    let real = gaps[0]["real_seconds"].as_f64().unwrap();
    // 600 s plus the ends of the busy segments not covered by an arrival.
    assert!((600.0..640.0).contains(&real), "gap {real}");
    let start = gaps[0]["start_s"].as_f64().unwrap();
    assert!((5.0..=11.0).contains(&start), "gap starts at {start}");
}

#[test]
fn a_failed_threshold_exits_3_after_writing_the_summary() {
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
    assert_eq!(s["arrivals"]["sent"], 20);
}

#[test]
fn ctrl_c_stops_the_run_writes_the_summary_and_exits_130() {
    let server = Server::start();
    let out = tempfile::tempdir().unwrap();
    let child = loadgen()
        .args([
            "run",
            "--host",
            &server.url,
            "--profile",
            "steady",
            "--duration",
            "60s",
        ])
        .args(["--mix", "health=1", "--quiet", "--out"])
        .arg(out.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_secs(4));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let res = child.wait_with_output().unwrap();
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
    assert!(sent > 10 && unsent > 400, "sent {sent} unsent {unsent}");
    assert_eq!(sent + dropped + unsent, scheduled);
}
