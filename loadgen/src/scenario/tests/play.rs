//! The journal scenario played by [`Player`]: the same run rules as today's session tests
//! (loadgen/src/session/tests.rs), now from data.

use super::super::*;
use super::values;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::json;

fn scenario() -> Scenario {
    journal(CheckOptions::default()).unwrap()
}

fn at(sched_s: f64) -> Now {
    Now {
        sched_s,
        wall_s: sched_s / 100.0,
    }
}

fn jwt(life: i64, n: u32) -> String {
    use base64::Engine as _;
    let claims = format!(r#"{{"sub":"u","iat":1000,"exp":{},"n":{n}}}"#, 1000 + life);
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims);
    format!("eyJhbGciOiJIUzI1NiJ9.{b64}.sig")
}

fn pair(life: i64, n: u32) -> Vec<u8> {
    format!(
        r#"{{"access_token":"{}","refresh_token":"R{n}"}}"#,
        jwt(life, n)
    )
    .into_bytes()
}

fn player<'a>(s: &'a Scenario, journey: &str, target: u32, logout: bool) -> Player<'a> {
    let j = s.journeys.iter().position(|j| j.name == journey).unwrap();
    let v = values(&[
        ("account.email", json!("a@x")),
        ("account.password", json!("pw")),
    ]);
    Player::new(s, j, v, target, logout, ChaCha8Rng::seed_from_u64(3)).unwrap()
}

/// Plays the next request at `t` and answers it with `status` and `body`.
fn step(p: &mut Player, t: f64, status: u16, body: &[u8]) -> (String, String, Outcome) {
    let n = p.next_request(at(t)).expect("a request");
    let r = Response {
        status,
        headers: &[],
        body,
    };
    let outcome = p.absorb(&r, at(t), t);
    (n.request.method, n.route, outcome)
}

fn route(p: &mut Player, t: f64) -> String {
    p.next_request(at(t)).map(|n| n.route).unwrap_or_default()
}

#[test]
fn a_writer_logs_in_once_then_cycles_create_update_delete_and_logs_out() {
    let s = scenario();
    let mut p = player(&s, "writer", 6, true);
    let login = step(&mut p, 0.0, 200, &pair(900, 1));
    assert_eq!(
        (login.1.as_str(), login.2),
        ("/api/v1/auth/login", Outcome::Ok)
    );
    let mut seen = Vec::new();
    for i in 0..6 {
        let t = 10.0 * f64::from(i + 1);
        let n = p.next_request(at(t)).unwrap();
        assert_eq!(n.token_age_s, Some(t));
        let (status, body): (u16, &[u8]) = match n.request.method.as_str() {
            "POST" => (201, br#"{"id":"e-1"}"#),
            "DELETE" => (204, b""),
            _ => (200, b"{}"),
        };
        seen.push(format!("{} {}", n.request.method, n.request.path));
        let r = Response {
            status,
            headers: &[],
            body,
        };
        assert_eq!(p.absorb(&r, at(t), t), Outcome::Ok);
        assert!(!p.finished());
    }
    let cycle = [
        "POST /api/v1/entries",
        "PUT /api/v1/entries/e-1",
        "DELETE /api/v1/entries/e-1",
    ];
    assert_eq!(seen, [cycle, cycle].concat());
    assert_eq!(step(&mut p, 70.0, 204, b"").1, "/api/v1/auth/logout");
    assert!(p.finished() && p.next_request(at(80.0)).is_none());
}

#[test]
fn the_token_is_refreshed_before_it_expires_and_a_refused_refresh_logs_in_again() {
    let s = scenario();
    let mut p = player(&s, "reader", 1000, false);
    step(&mut p, 0.0, 200, &pair(900, 1));
    assert_eq!(step(&mut p, 839.0, 200, b"[]").1, "/api/v1/entries");
    let n = p.next_request(at(841.0)).unwrap();
    assert_eq!(
        (n.phase, n.route.as_str()),
        (Phase::Refresh, "/api/v1/auth/refresh")
    );
    assert_eq!(
        n.request.body,
        RenderedBody::Json(r#"{"refresh_token":"R1"}"#.into())
    );
    p.absorb(
        &Response {
            status: 200,
            headers: &[],
            body: &pair(900, 2),
        },
        at(841.0),
        841.0,
    );
    assert_eq!(p.next_request(at(842.0)).unwrap().token_age_s, Some(1.0));
    p.absorb(
        &Response {
            status: 200,
            headers: &[],
            body: b"[]",
        },
        at(842.0),
        842.0,
    );
    // The wall clock alone can make the token old (slow motion).
    let slow = Now {
        sched_s: 843.0,
        wall_s: 900.0,
    };
    let n = p.next_request(slow).unwrap();
    assert_eq!(n.phase, Phase::Refresh);
    p.absorb(
        &Response {
            status: 401,
            headers: &[],
            body: b"{}",
        },
        slow,
        843.0,
    );
    assert_eq!(route(&mut p, 844.0), "/api/v1/auth/login");
}

#[test]
fn a_401_logs_in_again_and_a_failed_login_ends_the_session() {
    let s = scenario();
    let mut p = player(&s, "reader", 10, false);
    step(&mut p, 0.0, 200, &pair(900, 1));
    assert_eq!(step(&mut p, 1.0, 401, b"{}").2, Outcome::Unexpected(401));
    assert_eq!(step(&mut p, 2.0, 401, b"{}").1, "/api/v1/auth/login");
    assert!(p.finished() && p.next_request(at(3.0)).is_none());
}

#[test]
fn a_newcomer_registers_writes_a_first_entry_and_logs_in_only_without_a_token() {
    let s = scenario();
    let mut p = player(&s, "newcomer", 3, false);
    let reg = p.next_request(at(0.0)).unwrap();
    assert_eq!(reg.route, "/api/v1/auth/register");
    assert_eq!(
        reg.request.body,
        RenderedBody::Json(r#"{"email":"a@x","password":"pw"}"#.into())
    );
    p.absorb(
        &Response {
            status: 200,
            headers: &[],
            body: &pair(900, 1),
        },
        at(0.0),
        0.0,
    );
    assert_eq!(
        step(&mut p, 1.0, 201, br#"{"id":"first"}"#).1,
        "/api/v1/entries"
    );
    // The first entry is not saved: the cycle's create makes the one it edits and deletes.
    assert!(!p.values.contains_key("id"));
    assert_eq!(step(&mut p, 2.0, 401, b"{}").2, Outcome::Unexpected(401));
    assert_eq!(route(&mut p, 3.0), "/api/v1/auth/login");
}

#[test]
fn health_is_one_request_without_a_token() {
    let s = scenario();
    let mut h = player(&s, "health", 1, true);
    let n = h.next_request(at(0.0)).unwrap();
    assert_eq!(
        (n.route.as_str(), n.token_age_s, n.request.headers.len()),
        ("/health", None, 0)
    );
    h.absorb(
        &Response {
            status: 200,
            headers: &[],
            body: b"{}",
        },
        at(0.0),
        0.0,
    );
    assert!(h.finished());
}

#[test]
fn a_reader_with_nothing_listed_lists_again_and_a_missing_id_is_a_loud_failure() {
    let s = scenario();
    let mut p = player(&s, "reader", 10, false);
    step(&mut p, 0.0, 200, &pair(900, 1));
    assert_eq!(step(&mut p, 1.0, 200, b"[]").2, Outcome::Ok);
    // No id to read: the read is skipped for the next list.
    assert_eq!(route(&mut p, 2.0), "/api/v1/entries");
    let mut w = player(&s, "writer", 10, false);
    step(&mut w, 0.0, 200, &pair(900, 1));
    let created = step(&mut w, 1.0, 201, br#"{"no_id":1}"#);
    let failure = CaptureFailure {
        name: "id".into(),
        reason: Reason::NotFound,
    };
    assert_eq!(created.2, Outcome::Capture(failure));
    assert_eq!(route(&mut w, 2.0), "/api/v1/auth/login");
}

#[test]
fn a_resumed_session_uses_its_token_then_logs_in_again_instead_of_refreshing() {
    let s = scenario();
    let issued = Now {
        sched_s: -5.0,
        wall_s: -3.0,
    };
    let v = values(&[
        ("account.email", json!("a@x")),
        ("account.password", json!("pw")),
        ("token", json!(jwt(900, 1))),
    ]);
    let reader = s.journeys.iter().position(|j| j.name == "reader").unwrap();
    let mut p = Player::resumed(&s, reader, v, 10, issued, ChaCha8Rng::seed_from_u64(1)).unwrap();
    let n = p.next_request(at(10.0)).unwrap();
    assert_eq!(
        (n.route.as_str(), n.token_age_s),
        ("/api/v1/entries", Some(15.0))
    );
    p.absorb(
        &Response {
            status: 200,
            headers: &[],
            body: b"[]",
        },
        at(10.0),
        10.0,
    );
    // 836 - (-5) = 841 s old: due for a refresh, but no refresh token: log in.
    assert_eq!(route(&mut p, 836.0), "/api/v1/auth/login");
}
