//! End to end against the real journal-api on loopback: the schedule is played as planned and
//! the server's own state agrees with the summary.

use crate::support::{Server, loadgen};
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

/// What holds however loaded the machine is: every arrival is sent or counted as dropped, and the
/// per-second timeline adds up to the totals. (Whether 100 req/s goes through with no drop is a
/// capacity claim for scripts/bench-loadgen: a debug server on a busy CI machine dropped 394 of
/// 2,000 here.)
fn assert_every_arrival_accounted_for(s: &Value, scheduled: u64) {
    let a = &s["arrivals"];
    let (sent, dropped, unsent) = (
        a["sent"].as_u64().unwrap(),
        a["dropped"].as_u64().unwrap(),
        a["unsent"].as_u64().unwrap(),
    );
    assert_eq!(a["scheduled"].as_u64().unwrap(), scheduled, "{a}");
    assert_eq!(unsent, 0, "a complete run plays every arrival: {a}");
    assert_eq!(sent + dropped, scheduled, "{a}");
    assert_eq!(s["totals"]["count"].as_u64().unwrap(), sent);
    let tl = s["timeline"].as_array().unwrap();
    let sum = |k: &str| tl.iter().map(|x| x[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!((sum("sent"), sum("dropped")), (sent, dropped));
}

#[tokio::test(flavor = "multi_thread")]
// The lock is a turn among tests, not data shared with the awaited tasks.
#[allow(clippy::await_holding_lock)]
async fn steady_100_per_second_for_20s_accounts_for_every_arrival_and_the_server_agrees() {
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
            "20s",
        ])
        // Sessions come back every 2 s, so writers get to edit and delete within the 20 s.
        .args(["--rate-scale", "10", "--seed", "7", "--think-time", "2s"])
        // A slow request on a busy machine is late, not lost: no client-side timeout may cut a
        // request the server then completes (the entry count below would disagree).
        .args(["--timeout", "120", "--out"])
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
    assert!(
        s["schema"]
            .as_str()
            .unwrap()
            .starts_with("deploycost.loadgen.summary/v1"),
        "{}",
        s["schema"]
    );
    assert_every_arrival_accounted_for(&s, 2000);
    assert_eq!(s["totals"]["failures"], 0, "{}", s["totals"]);
    // The last arrival is due just before 20 s, and the run ends after it (sent or dropped).
    let wall = s["wall_seconds"].as_f64().unwrap();
    assert!(wall >= 19.0, "wall {wall}");
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
        created > 0 && deleted > 0,
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

fn count(s: &Value, route: &str) -> u64 {
    s["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["route"] == route)
        .map(|e| e["count"].as_u64().unwrap())
        .sum()
}

/// Six hours at 0.2 req/s played 1,800x faster (12 s): sessions of exactly 40 requests, 30 s
/// apart, outlive the 15-minute token, so they refresh it on the way.
#[test]
fn sessions_log_in_once_refresh_before_expiry_and_never_send_an_expired_token() {
    let _turn = crate::support::one_at_a_time();
    let server = Server::start();
    let out = tempfile::tempdir().unwrap();
    let res = loadgen()
        .args(["run", "--host", &server.url, "--profile", "steady"])
        .args([
            "--duration",
            "6h",
            "--rate-scale",
            "0.02",
            "--compress",
            "1800",
        ])
        .args(["--mix", "writer=1,reader=3", "--session-requests", "40"])
        .args(["--think-time", "30s", "--logout-share", "50", "--seed", "3"])
        .args(["--timeout", "120", "--quiet", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let s = summary(out.path());
    assert_every_arrival_accounted_for(&s, 4320);
    let x = &s["sessions"];
    let n = |k: &str| x[k].as_u64().unwrap_or_else(|| panic!("sessions.{k}: {x}"));
    // Counted by loadgen from what it sent, and by route from the summary's endpoints.
    assert_eq!(n("logins"), count(&s, "/api/v1/auth/login"));
    assert_eq!(n("refreshes"), count(&s, "/api/v1/auth/refresh"));
    assert_eq!(n("logouts"), count(&s, "/api/v1/auth/logout"));
    // No request failed: in particular none was refused for an expired or revoked token (401),
    // and every refresh and logout went through.
    assert_eq!(s["totals"]["failures"], 0, "{}", s["totals"]);
    assert!(n("refreshes") > 0, "no refresh: {x}");
    // Half the sessions started in the run log out when they end (the ones under way at the
    // start never do); a very slow machine may end few of them.
    assert!(n("logouts") <= n("completed"), "{x}");
    if n("completed") >= n("preexisting") + 20 {
        assert!(n("logouts") > 0, "no logout: {x}");
    }
    // In schedule time, no token was used at or past its lifetime (read from the JWT).
    let (age, life) = (
        x["max_token_age_s"].as_f64().unwrap(),
        x["token_lifetime_s"].as_f64().unwrap(),
    );
    assert_eq!(life, 900.0);
    assert!(age > 600.0 && age < life, "oldest token used {age} s");
    // Logins = session requests / 40: every session that started during the run logged in once
    // and sent 40 requests, except the ones still open at the end or abandoned (fewer) and the
    // ones already under way at the start (no login, up to 40, or one login when their setup
    // token nears expiry). Those bound the tolerance, counted by the run itself; a slow server
    // (every wall millisecond is 1.8 s of schedule here) keeps more sessions open, widening it.
    let (requests, logins) = (n("session_requests"), n("logins"));
    let slack = n("preexisting") + n("open_at_end") + n("abandoned");
    let expected = requests as f64 / 40.0;
    assert!(
        (logins as f64 - expected).abs() <= slack as f64,
        "logins {logins}, session requests / 40 = {expected:.1}, tolerance {slack}: {x}"
    );
}

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
