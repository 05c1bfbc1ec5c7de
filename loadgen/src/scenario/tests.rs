//! Templates, captures, JWT times, data sets and numbers; the file checks are in `tests/check.rs`
//! and the journal scenario's identity with today's journeys in `tests/journal.rs`.

use super::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

mod check;
mod journal;
mod play;

fn rng() -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(7)
}

fn values(pairs: &[(&str, Value)]) -> Values {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[test]
fn templates_fill_saved_values_and_keep_literal_braces() {
    let t = Template::parse("/items/{id}?q={{x}}&u={account.email}").unwrap();
    let v = values(&[("id", json!(42)), ("account.email", json!("a@b.c"))]);
    assert_eq!(t.render(&mut rng(), &v).unwrap(), "/items/42?q={x}&u=a@b.c");
    assert_eq!(t.names().collect::<Vec<_>>(), ["id", "account.email"]);
    assert_eq!(
        t.render(&mut rng(), &values(&[])),
        Err(Missing("id".into()))
    );
    // A template that is one saved number or one {int:..} stays a number in a JSON body.
    let n = Template::parse("{id}").unwrap();
    assert_eq!(n.render_json(&mut rng(), &v).unwrap(), json!(42));
    let i = Template::parse("{int:5..5}").unwrap();
    assert_eq!(i.render_json(&mut rng(), &v).unwrap(), json!(5));
    let s = Template::parse("n{int:5..5}").unwrap();
    assert_eq!(s.render_json(&mut rng(), &v).unwrap(), json!("n5"));
}

#[test]
fn generators_are_deterministic_for_a_seed_and_stay_in_their_bounds() {
    let t = Template::parse("{words:2..5} {int:-3..3} {pick:a|b} {email} {uuid}").unwrap();
    let none = values(&[]);
    let a = t.render(&mut rng(), &none).unwrap();
    assert_eq!(a, t.render(&mut rng(), &none).unwrap());
    let mut r = rng();
    for _ in 0..300 {
        let words = Template::parse("{words:2..5}")
            .unwrap()
            .render(&mut r, &none)
            .unwrap();
        assert!((2..=5).contains(&words.split(' ').count()), "{words}");
        let i: i64 = Template::parse("{int:-3..3}")
            .unwrap()
            .render(&mut r, &none)
            .unwrap()
            .parse()
            .unwrap();
        assert!((-3..=3).contains(&i));
        let p = Template::parse("{pick:a|b}")
            .unwrap()
            .render(&mut r, &none)
            .unwrap();
        assert!(p == "a" || p == "b");
    }
    let long = Template::parse("{words:1000..1000}")
        .unwrap()
        .render(&mut r, &none)
        .unwrap();
    assert_eq!(long.len(), 256);
    let u = Template::parse("{uuid}")
        .unwrap()
        .render(&mut r, &none)
        .unwrap();
    let shape: Vec<usize> = u.split('-').map(str::len).collect();
    assert_eq!(shape, [8, 4, 4, 4, 12], "{u}");
    assert_eq!(&u[14..15], "4", "version 4: {u}");
    assert!("89ab".contains(&u[19..20]), "variant: {u}");
    let e = Template::parse("{email}")
        .unwrap()
        .render(&mut r, &none)
        .unwrap();
    assert!(e.ends_with("@loadgen.example.com") && e.len() == 37, "{e}");
}

#[test]
fn bad_templates_say_where_and_what() {
    let cases = [
        ("ab{id", 2, "without its '}'"),
        ("ab}", 2, "without its '{'"),
        ("x{}", 1, "empty placeholder"),
        ("{nope:1..2}", 0, "unknown generator 'nope'"),
        ("{words:5..2}", 0, "bad generator"),
        ("{words:0..99999999999}", 0, "bad generator"),
        ("{int:1..9223372036854775807}", 0, "bad generator"),
        ("{int:-9223372036854775808..0}", 0, "bad generator"),
        ("{int:x..3}", 0, "bad generator"),
        ("{words}", 0, "bad placeholder"),
        ("{a.b}", 0, "bad placeholder"),
        ("{account.secret}", 0, "bad placeholder"),
        ("{1abc}", 0, "bad placeholder"),
    ];
    for (text, offset, want) in cases {
        let e = Template::parse(text).unwrap_err();
        assert_eq!(e.offset, offset, "{text}");
        assert!(e.message.contains(want), "{text}: {}", e.message);
    }
    let many = format!("{{pick:{}}}", vec!["x"; 101].join("|"));
    assert!(Template::parse(&many).is_err());
}

fn resp<'a>(status: u16, headers: &'a [(String, Vec<u8>)], body: &'a [u8]) -> Response<'a> {
    Response {
        status,
        headers,
        body,
    }
}

fn capture(name: &str, source: &str, optional: bool) -> Capture {
    let source = super::capture::parse_source(source).unwrap();
    Capture {
        name: name.into(),
        source,
        optional,
    }
}

#[test]
fn captures_read_pointers_headers_and_the_status() {
    let body = br#"{"access_token":"t1","n":3,"items":[{"id":"a"},{"id":"b"}],"a/b":{"~k":true}}"#;
    let headers = [("Location".to_string(), b"/items/9".to_vec())];
    let caps = [
        capture("token", "/access_token", false),
        capture("n", "/n", false),
        capture("first", "/items/0/id", false),
        capture("last", "/items/-1/id", false),
        capture("odd", "/a~1b/~0k", false),
        capture("where", "header:location", false),
        capture("code", "status", false),
    ];
    let saved = apply(&caps, &resp(201, &headers, body)).unwrap();
    let got: Vec<(&str, Value)> = saved
        .values
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("token", json!("t1")),
            ("n", json!(3)),
            ("first", json!("a")),
            ("last", json!("b")),
            ("odd", json!(true)),
            ("where", json!("/items/9")),
            ("code", json!(201)),
        ]
    );
}

#[test]
fn a_capture_that_finds_nothing_fails_with_its_reason() {
    let body = br#"{"items":[],"obj":{"x":1},"nil":null,"ids":["a"]}"#;
    let cases = [
        ("/missing", Reason::NotFound, "not_found"),
        ("/items/0", Reason::NotFound, "not_found"),
        ("/items/-1", Reason::NotFound, "not_found"),
        ("/ids/01", Reason::NotFound, "not_found"),
        ("/items", Reason::NotAValue, "not_a_value"),
        ("/obj", Reason::NotAValue, "not_a_value"),
        ("/nil", Reason::Null, "null"),
        ("header:X-Id", Reason::NotFound, "not_found"),
    ];
    for (source, reason, name) in cases {
        let err = apply(&[capture("v", source, false)], &resp(200, &[], body)).unwrap_err();
        assert_eq!(
            err,
            CaptureFailure {
                name: "v".into(),
                reason
            },
            "{source}"
        );
        assert_eq!(reason.as_str(), name);
    }
    let html = apply(&[capture("v", "/id", false)], &resp(200, &[], b"<html>")).unwrap_err();
    assert_eq!(html.reason.as_str(), "body_not_json");
    let bad = [("X".to_string(), vec![0xff, 0xfe])];
    let h = apply(&[capture("v", "header:x", false)], &resp(200, &bad, b"")).unwrap_err();
    assert_eq!(h.reason.as_str(), "header_not_text");
    // Optional: unset instead of failing, the other captures still saved.
    let caps = [
        capture("id", "/items/-1/id", true),
        capture("ids", "/ids/0", false),
    ];
    let saved = apply(&caps, &resp(200, &[], body)).unwrap();
    assert_eq!(saved.unset, ["id"]);
    assert_eq!(saved.values, [("ids".to_string(), json!("a"))]);
}

#[test]
fn capture_sources_parse_or_say_why_not() {
    use super::capture::parse_source;
    assert_eq!(parse_source(""), Ok(Source::Pointer(String::new())));
    assert_eq!(parse_source("status"), Ok(Source::Status));
    for bad in ["access_token", "/a~2", "/a~", "header:", "header:a b"] {
        assert!(parse_source(bad).is_err(), "{bad}");
    }
}

fn jwt(claims: &Value) -> String {
    use base64::Engine as _;
    let enc = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    format!(
        "{}.{}.sig",
        enc(br#"{"alg":"HS256"}"#),
        enc(claims.to_string().as_bytes())
    )
}

#[test]
fn a_jwt_exp_is_read_without_verifying() {
    let t = jwt(&json!({"sub": "u", "iat": 1_700_000_000, "exp": 1_700_000_900}));
    assert_eq!(jwt_exp(&t), Some(1_700_000_900.0));
    assert_eq!(jwt_lifetime_s(&t), Some(900.0));
    let no_iat = jwt(&json!({"exp": 5}));
    assert_eq!(
        (jwt_exp(&no_iat), jwt_lifetime_s(&no_iat)),
        (Some(5.0), None)
    );
    for opaque in ["opaque", "a.b", "a.!!!.c", "a.b.c.d", &jwt(&json!([1]))] {
        assert_eq!(jwt_exp(opaque), None, "{opaque}");
    }
}

#[test]
fn csv_rows_are_handed_out_once_each_or_cycled() {
    let text = "email,password\r\na@x,\"p,1\"\n\n\"b\"\"q@x\",p2\n";
    let d = DataSet::parse("users", text, false, "u.csv".into()).unwrap();
    assert_eq!(d.columns, ["email", "password"]);
    assert_eq!(d.row(0).unwrap(), ["a@x", "p,1"]);
    assert_eq!(d.row(1).unwrap(), ["b\"q@x", "p2"]);
    assert_eq!(
        d.row(2),
        Err(Exhausted {
            data: "users".into(),
            rows: 2
        })
    );
    assert_eq!(
        d.values(d.row(0).unwrap())[1],
        ("csv.users.password".to_string(), json!("p,1"))
    );
    let c = DataSet::parse("users", text, true, "u.csv".into()).unwrap();
    assert_eq!(c.row(5).unwrap(), ["b\"q@x", "p2"]);
    for (bad, want) in [
        ("", "empty"),
        ("a,b\n1\n", "line 2: 1 fields"),
        ("a\n", "no rows"),
        ("a\n\"open\n", "not closed"),
        ("a\nx\"y\n", "inside an unquoted"),
        (",b\n1,2\n", "non-empty column"),
    ] {
        let e = DataSet::parse("d", bad, false, "d.csv".into()).unwrap_err();
        assert!(e.contains(want), "{bad:?}: {e}");
    }
}

#[test]
fn numbers_are_bounded_before_use() {
    assert_eq!(duration_s("20s", 86_400.0), Ok(20.0));
    assert_eq!(duration_s("500ms", 86_400.0), Ok(0.5));
    assert_eq!(duration_s("2m", 86_400.0), Ok(120.0));
    for bad in ["25h", "1e400s", "-1s", "s", "5", "5 parsecs", "nan s"] {
        assert!(duration_s(bad, 86_400.0).is_err(), "{bad}");
    }
    assert_eq!(
        session_requests("geo:12"),
        Ok(SessionRequests::Geometric(12.0))
    );
    assert_eq!(
        session_requests("5..30"),
        Ok(SessionRequests::Uniform(5, 30))
    );
    assert_eq!(session_requests("1"), Ok(SessionRequests::Fixed(1)));
    for bad in [
        "0",
        "geo:0.5",
        "geo:1e300",
        "geo:inf",
        "30..5",
        "1..99999999999",
        "2000000",
    ] {
        assert!(session_requests(bad).is_err(), "{bad}");
    }
    assert_eq!(SessionRequests::Uniform(5, 30).describe(), "5..30");
}

#[test]
fn steps_render_paths_queries_headers_and_bodies() {
    let text = r#"
[sessions.s]
auth_header = "Authorization: Bearer {token}"
[[sessions.s.sign_in]]
method = "post"
path = "/login"
form = { user = "a b&c", pass = "{env.PW}" }
save = { token = "/t" }
[journeys.j]
weight = 1
session = "s"
[[journeys.j.steps]]
method = "GET"
path = "/items/{token}/x"
query = { q = "a b", n = "{int:3..3}" }
headers = { X-Trace = "t-{token}" }
json = { n = "{int:4..4}", tags = ["{token}", 1, true], inner = { s = "{{lit}}" } }
"#;
    let s = parse(
        "t.toml",
        std::path::Path::new("."),
        text,
        CheckOptions::default(),
    )
    .unwrap();
    let session = s.session("s").unwrap();
    let v = values(&[("token", json!("a/b")), ("env.PW", json!("pw"))]);
    let login = session.sign_in[0]
        .render(&mut rng(), &v, session.auth_header.as_ref())
        .unwrap();
    assert_eq!((login.method.as_str(), login.headers.len()), ("POST", 0));
    assert_eq!(
        login.body,
        RenderedBody::Form("user=a+b%26c&pass=pw".into())
    );
    let step = &s.journeys[0].steps[0];
    assert_eq!(step.route, "/items/{token}/x");
    let r = step
        .render(&mut rng(), &v, session.auth_header.as_ref())
        .unwrap();
    assert_eq!(r.path, "/items/a%2Fb/x?q=a+b&n=3");
    assert_eq!(
        r.headers,
        [
            ("Authorization".to_string(), "Bearer a/b".to_string()),
            ("X-Trace".to_string(), "t-a/b".to_string())
        ]
    );
    let body: Value = match &r.body {
        RenderedBody::Json(b) => serde_json::from_str(b).unwrap(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        body,
        json!({"n": 4, "tags": ["a/b", 1, true], "inner": {"s": "{lit}"}})
    );
    assert!(step.expects(204) && !step.expects(301));
}
