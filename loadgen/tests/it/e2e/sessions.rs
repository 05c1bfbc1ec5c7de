//! Sessions: one sign-in, a refresh before the token expires, never an expired token.

use super::{assert_every_arrival_accounted_for, summary};
use crate::support::{Server, loadgen};
use serde_json::Value;

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
