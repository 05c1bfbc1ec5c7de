//! loadgen/scenarios/journal.toml against what the Rust journeys it replaced sent (the code at
//! fdb3815, cited per line), so the default run stays the traffic it was.

use super::super::*;
use super::values;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

fn scenario() -> Scenario {
    match journal(CheckOptions {
        mix: Some("newcomer=1,writer=9,reader=19,health=1"),
        env: None,
    }) {
        Ok(s) => s,
        Err(e) => panic!(
            "{}",
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

fn routes(steps: &[Step]) -> Vec<(&str, &str)> {
    steps
        .iter()
        .map(|s| (s.method.as_str(), s.route.as_str()))
        .collect()
}

const CREATE: (&str, &str) = ("POST", "/api/v1/entries");
const LIST: (&str, &str) = ("GET", "/api/v1/entries");
const GET: (&str, &str) = ("GET", "/api/v1/entries/{id}");
const UPDATE: (&str, &str) = ("PUT", "/api/v1/entries/{id}");
const DELETE: (&str, &str) = ("DELETE", "/api/v1/entries/{id}");

#[test]
fn the_journal_journeys_weights_and_routes_match_todays_code() {
    let s = scenario();
    // journey/mix.rs:15 DEFAULT_MIX = "newcomer=1,writer=9,reader=19,health=1".
    let weights: Vec<(&str, u32)> = s
        .journeys
        .iter()
        .map(|j| (j.name.as_str(), j.weight))
        .collect();
    assert_eq!(
        weights,
        [
            ("newcomer", 1),
            ("writer", 9),
            ("reader", 19),
            ("health", 1)
        ]
    );
    // session/shape.rs:9 DEFAULT_SESSION_REQUESTS = "geo:12"; session.rs:95 health sends 1;
    // cli/mod.rs:96 --think-time default 20s.
    for j in &s.journeys[..3] {
        assert_eq!(
            (j.session_requests, j.think_s),
            (SessionRequests::Geometric(12.0), 20.0),
            "{}",
            j.name
        );
    }
    let health = s.journey("health").unwrap();
    assert_eq!(
        (health.session.as_deref(), health.session_requests),
        (None, SessionRequests::Fixed(1))
    );
    // journey/mod.rs:64 newcomer opening [Create]; :72 newcomer and writer cycle [Create, Update,
    // Delete]; :73 reader [List, Get]; :74 health [Health]. Routes: journey/request.rs:70-121.
    let newcomer = s.journey("newcomer").unwrap();
    assert_eq!(routes(&newcomer.opening), [CREATE]);
    assert_eq!(routes(&newcomer.steps), [CREATE, UPDATE, DELETE]);
    let writer = s.journey("writer").unwrap();
    assert!(writer.opening.is_empty());
    assert_eq!(routes(&writer.steps), [CREATE, UPDATE, DELETE]);
    assert_eq!(routes(&s.journey("reader").unwrap().steps), [LIST, GET]);
    assert_eq!(routes(&health.steps), [("GET", "/health")]);
    // request.rs:125: every step but register, login, refresh and health carries the token.
    assert!(
        s.journeys[..3]
            .iter()
            .all(|j| j.opening.iter().chain(&j.steps).all(|s| s.auth))
    );
    assert!(!health.steps[0].auth);
}

#[test]
fn the_journal_sessions_sign_in_refresh_and_log_out_as_today() {
    let s = scenario();
    // journey/mod.rs:54-55: newcomers register, writers and readers log in.
    assert_eq!(
        s.journey("newcomer").unwrap().session.as_deref(),
        Some("newcomer")
    );
    assert_eq!(
        s.journey("writer").unwrap().session.as_deref(),
        Some("member")
    );
    assert_eq!(
        s.journey("reader").unwrap().session.as_deref(),
        Some("member")
    );
    let member = s.session("member").unwrap();
    let newcomer = s.session("newcomer").unwrap();
    assert_eq!(
        (member.account, newcomer.account),
        (AccountSource::Pool, AccountSource::New)
    );
    assert_eq!(routes(&member.sign_in), [("POST", "/api/v1/auth/login")]);
    assert_eq!(
        routes(newcomer.sign_in_steps(false)),
        [("POST", "/api/v1/auth/register")]
    );
    // session.rs:160-161: a newcomer that lost its token logs in (it is registered).
    assert_eq!(
        routes(newcomer.sign_in_steps(true)),
        [("POST", "/api/v1/auth/login")]
    );
    assert_eq!(
        routes(member.sign_in_steps(true)),
        [("POST", "/api/v1/auth/login")]
    );
    for sess in [member, newcomer] {
        // session.rs:24 DEFAULT_TOKEN_LIFETIME_S = 900, :27 REFRESH_MARGIN_S = 60; :243 a 401
        // drops the token, so the next request logs in (no refresh).
        let r = sess.refresh.as_ref().unwrap();
        assert_eq!((r.margin_s, r.lifetime_s, r.on_401), (60.0, 900.0, false));
        assert_eq!(routes(&r.steps), [("POST", "/api/v1/auth/refresh")]);
        // cli/mod.rs:99 --logout-share default 25 (percent).
        let l = sess.logout.as_ref().unwrap();
        assert_eq!(
            (l.share, routes(&l.steps)),
            (0.25, vec![("POST", "/api/v1/auth/logout")])
        );
        assert!(l.steps[0].auth);
        assert_eq!(sess.token.as_deref(), Some("token"));
    }
    // setup.rs:69-108: register each pool account, then seed one entry with its token.
    assert_eq!(
        routes(&s.setup),
        [("POST", "/api/v1/auth/register"), CREATE]
    );
}

#[test]
fn the_journal_requests_have_todays_shape() {
    let s = scenario();
    let member = s.session("member").unwrap();
    let auth = member.auth_header.as_ref();
    let v = values(&[
        ("account.email", json!("t-s1@loadgen.example.com")),
        ("account.password", json!("t-Pw-loadgen")),
        ("token", json!("tok")),
        ("refresh_token", json!("rt")),
        ("id", json!("e1")),
    ]);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    // request.rs:84-88: the login is a form, username then password.
    let login = member.sign_in[0].render(&mut rng, &v, auth).unwrap();
    assert_eq!(
        login.body,
        RenderedBody::Form("username=t-s1%40loadgen.example.com&password=t-Pw-loadgen".into())
    );
    assert!(login.headers.is_empty());
    let refresh = member.refresh.as_ref().unwrap().steps[0]
        .render(&mut rng, &v, auth)
        .unwrap();
    assert_eq!(
        refresh.body,
        RenderedBody::Json(r#"{"refresh_token":"rt"}"#.into())
    );
    // request.rs:110: the list asks for 20.
    let reader = s.journey("reader").unwrap();
    let list = reader.steps[0].render(&mut rng, &v, auth).unwrap();
    assert_eq!(list.path, "/api/v1/entries?limit=20");
    assert_eq!(
        list.headers,
        [("Authorization".to_string(), "Bearer tok".to_string())]
    );
    // session.rs:248-255: the reader reads the oldest listed entry; an empty list is no failure.
    let listed = br#"[{"id":"new"},{"id":"old"}]"#;
    let saved = apply(
        &reader.steps[0].save,
        &Response {
            status: 200,
            headers: &[],
            body: listed,
        },
    )
    .unwrap();
    assert_eq!(saved.values, [("id".to_string(), json!("old"))]);
    let empty = apply(
        &reader.steps[0].save,
        &Response {
            status: 200,
            headers: &[],
            body: b"[]",
        },
    )
    .unwrap();
    assert_eq!(empty.unset, ["id"]);
}

#[test]
fn the_journal_entries_have_todays_text_lengths() {
    let s = scenario();
    let auth = s.session("member").unwrap().auth_header.as_ref();
    let v = values(&[("token", json!("tok")), ("id", json!("e1"))]);
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    // text.rs:62-64: work 4..30 words, struggle and intention 4..20; request.rs:118: an edit
    // sets intention to 6..20 words.
    let writer = s.journey("writer").unwrap();
    for _ in 0..50 {
        let RenderedBody::Json(b) = writer.steps[0].render(&mut rng, &v, auth).unwrap().body else {
            panic!("create has a JSON body")
        };
        let e: Value = serde_json::from_str(&b).unwrap();
        let words = |k: &str| e[k].as_str().unwrap().split(' ').count();
        assert!(
            (4..=30).contains(&words("work")) && (4..=20).contains(&words("intention")),
            "{b}"
        );
        let RenderedBody::Json(u) = writer.steps[1].render(&mut rng, &v, auth).unwrap().body else {
            panic!("update has a JSON body")
        };
        let u: Value = serde_json::from_str(&u).unwrap();
        let n = u["intention"].as_str().unwrap().split(' ').count();
        assert!(
            (6..=20).contains(&n) && u.as_object().unwrap().len() == 1,
            "{u}"
        );
    }
    let delete = &writer.steps[2];
    assert_eq!(
        (delete.unset.as_slice(), delete.expects(204)),
        (&["id".to_string()][..], true)
    );
    assert_eq!(
        writer.steps[2].render(&mut rng, &v, auth).unwrap().path,
        "/api/v1/entries/e1"
    );
    assert_eq!(
        writer.steps[1].render(&mut rng, &values(&[("token", json!("t"))]), auth),
        Err(Missing("id".into()))
    );
}
