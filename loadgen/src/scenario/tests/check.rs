//! `check`: every error at FILE:LINE:COLUMN, hostile files refused.

use super::super::*;
use std::collections::BTreeMap;
use std::path::Path;

const HEAD: &str = r#"[sessions.s]
auth_header = "Authorization: Bearer {token}"
[[sessions.s.sign_in]]
method = "POST"
path = "/login"
save = { token = "/access_token" }
"#;

fn errors_with(text: &str, opts: CheckOptions) -> Vec<String> {
    match parse("f.toml", Path::new("."), text, opts) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

fn errors(text: &str) -> Vec<String> {
    errors_with(text, CheckOptions::default())
}

fn journey(steps: &str) -> String {
    format!("{HEAD}[journeys.j]\nweight = 1\nsession = \"s\"\n{steps}")
}

#[test]
fn a_minimal_public_api_scenario_passes() {
    let text = "[journeys.home]\nweight = 1\nsteps = [{ method = \"GET\", path = \"/\" }]\n";
    let s = parse("f.toml", Path::new("."), text, CheckOptions::default()).unwrap();
    let j = s.journey("home").unwrap();
    assert_eq!((j.weight, j.session.as_deref(), j.think_s), (1, None, 20.0));
    assert_eq!(j.session_requests, SessionRequests::Geometric(12.0));
    assert!(!j.steps[0].auth);
}

#[test]
fn toml_syntax_unknown_and_duplicate_keys_are_located() {
    assert_eq!(
        errors("[journeys.j]\nweight = \n"),
        ["f.toml:2:10: string values must be quoted, expected literal string"]
    );
    let unknown = errors(&journey(
        "steps = [{ method = \"GET\", path = \"/\", bdy = 1 }]\n",
    ));
    assert_eq!(unknown.len(), 1);
    assert!(
        unknown[0].starts_with("f.toml:10:") && unknown[0].contains("unknown field `bdy`"),
        "{unknown:?}"
    );
    let dup = errors("[journeys.j]\nweight = 1\nweight = 2\n");
    assert!(
        dup[0].starts_with("f.toml:3:1:") && dup[0].contains("duplicate key"),
        "{dup:?}"
    );
    let top = errors("jouneys = 1\n");
    assert!(
        top[0].starts_with("f.toml:1:1:") && top[0].contains("unknown field `jouneys`"),
        "{top:?}"
    );
    assert!(errors("")[0].contains("no journeys"));
}

#[test]
fn variables_must_be_known_and_saved_before_use() {
    let text = journey(
        r#"steps = [
  { method = "GET", path = "/a/{id}" },
  { method = "POST", path = "/a", save = { id = "/id" } },
  { method = "GET", path = "/b/{nope}", headers = { X = "{token}" } },
  { method = "GET", path = "/c/{id}" },
]
"#,
    );
    assert_eq!(
        errors(&text),
        [
            "f.toml:11:32: '{id}' is used before any step saves it",
            "f.toml:13:32: unknown variable '{nope}': no step saves it and no var sets it",
        ]
    );
    // Account values need an account; sign-in saves do not leak into a journey without it.
    let text = "[journeys.j]\nweight = 1\nsteps = [{ method = \"GET\", path = \"/{account.email}/{x}\" }]\n[sessions.s]\nsign_in = [{ method = \"GET\", path = \"/\", save = { x = \"/x\" } }]\n";
    let e = errors(text);
    assert!(
        e[0].starts_with("f.toml:3:37:") && e[0].contains("needs a session with account"),
        "{e:?}"
    );
    assert!(
        e[1].starts_with("f.toml:3:53:") && e[1].contains("used before any step saves it"),
        "{e:?}"
    );
}

#[test]
fn every_bad_value_is_reported_not_just_the_first() {
    let text = journey(
        r#"session_requests = "geo:1e300"
think_time = "99999h"
steps = [
  { method = "FETCH", path = "x/{words:9..2}", expect = [70000], save = { uuid = "/id", a = "id" } },
]
[journeys.k]
weight = 1000000000000
steps = [{ method = "GET", path = "/", json = { a = 1 }, form = { b = "2" } }]
"#,
    );
    let e = errors(&text);
    let want = [
        ("f.toml:10:20:", "bad session_requests"),
        ("f.toml:11:14:", "bad duration"),
        ("f.toml:13:14:", "unknown method 'FETCH'"),
        ("f.toml:13:30:", "a path starts with '/'"),
        ("f.toml:13:33:", "bad generator '{words:9..2}'"),
        ("f.toml:13:58:", "bad status 70000"),
        ("f.toml:13:82:", "bad save name 'uuid'"),
        ("f.toml:13:93:", "bad capture 'id'"),
        ("f.toml:16:10:", "bad weight 1000000000000"),
        ("f.toml:17:47:", "json body or a form body, not both"),
    ];
    assert_eq!(e.len(), want.len(), "{e:#?}");
    for (got, (at, msg)) in e.iter().zip(want) {
        assert!(
            got.starts_with(at) && got.contains(msg),
            "{got} vs {at} {msg}"
        );
    }
}

#[test]
fn sessions_check_their_token_refresh_and_logout() {
    let text = r#"[sessions.s]
token = "tok"
[[sessions.s.sign_in]]
method = "POST"
path = "/login"
save = { token = "/access_token" }
[sessions.s.refresh]
margin = "2d"
steps = [{ method = "POST", path = "/r" }]
[sessions.s.logout]
share = 101
[journeys.j]
weight = 0
session = "t"
steps = [{ method = "GET", path = "/" }]
"#;
    let e = errors(text);
    let want = [
        "f.toml:2:9: token 'tok' is not saved by the sign_in steps",
        "f.toml:7:1: the refresh steps must save the token 'tok' again",
        "f.toml:8:10: bad duration '2d'",
        "f.toml:11:9: bad share 101",
        "f.toml:12:2: every journey has weight 0",
        "f.toml:14:11: no session 't'",
    ];
    assert_eq!(e.len(), want.len(), "{e:#?}");
    for (got, w) in e.iter().zip(want) {
        assert!(got.contains(w), "{got} vs {w}");
    }
}

#[test]
fn the_mix_and_the_environment_are_checked_against_the_file() {
    let text = journey("steps = [{ method = \"GET\", path = \"/{env.API_KEY}\" }]\n");
    let env = BTreeMap::from([("OTHER".to_string(), "x".to_string())]);
    let opts = CheckOptions {
        mix: Some("j=1,writer=9"),
        env: Some(&env),
    };
    let e = errors_with(&text, opts);
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(
        e[0].starts_with("f.toml:7:2:")
            && e[0].contains("'writer', which the scenario lacks (it has j)"),
        "{e:?}"
    );
    assert!(
        e[1].starts_with("f.toml:10:37:") && e[1].contains("API_KEY is not set"),
        "{e:?}"
    );
    let ok = parse("f.toml", Path::new("."), &text, CheckOptions::default()).unwrap();
    assert_eq!(mix_weights(&ok, "j=3"), Ok(vec![3]));
    assert!(mix_weights(&ok, "j=0").is_err());
    assert!(mix_weights(&ok, "j=99999999999").is_err());
}

#[test]
fn csv_files_and_columns_must_exist_relative_to_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("users.csv"), "email,password\na@x,p\n").unwrap();
    let body = "[data.users]\nfile = \"users.csv\"\n[data.gone]\nfile = \"gone.csv\"\n[journeys.j]\nweight = 1\nsteps = [{ method = \"GET\", path = \"/{csv.users.email}/{csv.users.name}/{csv.more.x}/{csv.gone.y}\" }]\n";
    let path = dir.path().join("s.toml");
    std::fs::write(&path, body).unwrap();
    let e: Vec<String> = load(&path, CheckOptions::default())
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    let f = path.display().to_string();
    assert_eq!(e.len(), 3, "{e:#?}");
    assert!(
        e[0].starts_with(&format!("{f}:4:8: data set 'gone'")) && e[0].contains("cannot read it"),
        "{e:?}"
    );
    assert!(
        e[1].starts_with(&format!("{f}:7:55:"))
            && e[1].ends_with("no column 'name' (it has email, password)"),
        "{e:?}"
    );
    assert!(
        e[2].starts_with(&format!("{f}:7:72:")) && e[2].contains("no data set 'more'"),
        "{e:?}"
    );
    std::fs::write(dir.path().join("gone.csv"), "y\n1\n").unwrap();
    std::fs::write(&path, body.replace("/{csv.users.name}/{csv.more.x}", "")).unwrap();
    let s = load(&path, CheckOptions::default()).unwrap();
    assert_eq!(s.data.len(), 2);
    assert_eq!(s.data[0].row(0).unwrap(), ["a@x", "p"]);
}

#[test]
fn hostile_files_are_refused_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.toml");
    std::fs::write(&big, "#".repeat(2 << 20)).unwrap();
    let fifo = dir.path().join("fifo.toml");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let cases = [
        (big.clone(), "bytes, more than the limit of 1048576"),
        (fifo, "not a regular file"),
        (dir.path().to_path_buf(), "not a regular file"),
        (dir.path().join("missing.toml"), "cannot read it"),
    ];
    for (path, want) in cases {
        let e = load(&path, CheckOptions::default()).unwrap_err();
        assert_eq!(e.len(), 1);
        let line = e[0].to_string();
        assert!(
            line.starts_with(&format!("{}:1:1: ", path.display())) && line.contains(want),
            "{line}"
        );
        assert!(!line.contains('\n'));
    }
    let bad_utf8 = dir.path().join("bin.toml");
    std::fs::write(&bad_utf8, [0xff, 0xfe, 0x00]).unwrap();
    assert!(
        load(&bad_utf8, CheckOptions::default()).unwrap_err()[0]
            .message
            .contains("UTF-8")
    );
}

#[test]
fn line_and_column_count_characters_from_one() {
    let t = "ab\nçd\n";
    assert_eq!(line_col(t, 0), (1, 1));
    assert_eq!(line_col(t, 3), (2, 1));
    assert_eq!(line_col(t, 5), (2, 2));
    assert_eq!(line_col(t, 999), (3, 1));
}

#[test]
fn vars_accounts_and_both_sign_ins_set_what_journeys_may_use() {
    let text = r#"[setup]
steps = [{ method = "POST", path = "/reg/{account.email}", save = { t = "/t" } }, { method = "GET", path = "/{t}" }]
[sessions.s]
account = "new"
vars = { a = "{uuid}", b = "{a}-{c}", words = "x" }
auth_header = "X-Key {token}"
sign_in = [{ method = "POST", path = "/r/{b}", save = { token = "/t", only_first = "/x" } }]
sign_in_again = [{ method = "POST", path = "/l/{account.password}", save = { token = "/t" } }]
[journeys.j]
weight = 1
session = "s"
steps = [{ method = "GET", path = "/{a}/{token}/{only_first}" }]
"#;
    let e = errors(text);
    let want = [
        "f.toml:5:33: unknown variable '{c}'",
        "f.toml:5:47: bad var name 'words'",
        "f.toml:6:15: bad auth_header: use \"Name: value\"",
        "f.toml:12:49: '{only_first}' is used before any step saves it",
    ];
    assert_eq!(e.len(), want.len(), "{e:#?}");
    for (got, w) in e.iter().zip(want) {
        assert!(got.starts_with(w), "{got} vs {w}");
    }
    let fixed = text
        .replace("-{c}", "")
        .replace(", words = \"x\"", "")
        .replace("X-Key {token}", "X-Key: {token}")
        .replace("/{only_first}", "");
    let s = parse("f.toml", Path::new("."), &fixed, CheckOptions::default()).unwrap();
    let sess = s.session("s").unwrap();
    assert_eq!(sess.account, AccountSource::New);
    assert_eq!(
        sess.vars
            .iter()
            .map(|(k, _)| k.as_str())
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
    let (name, value) = sess.auth_header.as_ref().unwrap();
    assert_eq!(name, "X-Key");
    assert_eq!(value.parts, [Part::Value("token".into())]);
    assert_eq!(s.setup.len(), 2);
}

#[test]
fn a_refresh_is_due_a_margin_before_the_token_expires() {
    let text = format!(
        "{HEAD}[sessions.s.refresh]\nlifetime = \"15m\"\nsteps = [{{ method = \"POST\", path = \"/r\", save = {{ token = \"/t\" }} }}]\n[journeys.j]\nweight = 1\nsteps = [{{ method = \"GET\", path = \"/\" }}]\n"
    );
    let s = parse("f.toml", Path::new("."), &text, CheckOptions::default()).unwrap();
    let r = s.session("s").unwrap().refresh.clone().unwrap();
    assert_eq!((r.margin_s, r.lifetime_s, r.on_401), (60.0, 900.0, true));
    assert_eq!(r.lifetime_of("opaque"), 900.0);
    assert_eq!(r.due_at_age_s(900.0), 840.0);
    // A short-lived token is refreshed at most a tenth of its life early.
    assert_eq!(r.due_at_age_s(100.0), 90.0);
    use base64::Engine as _;
    let claims =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"iat":10,"exp":310}"#);
    assert_eq!(r.lifetime_of(&format!("h.{claims}.s")), 300.0);
}

#[test]
fn deeply_nested_values_are_a_toml_error_not_a_crash() {
    // toml stops at its recursion limit (under 100 levels), so the JSON conversion never recurses
    // deeper than that.
    for depth in [20, 100_000] {
        let nested = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let text = format!(
            "[journeys.j]\nweight = 1\nsteps = [{{ method = \"POST\", path = \"/\", json = {{ a = {nested} }} }}]\n"
        );
        let e = errors(&text);
        if depth == 20 {
            assert!(e.is_empty(), "{e:?}");
        } else {
            assert_eq!(e.len(), 1, "{e:?}");
            assert!(
                e[0].starts_with("f.toml:3:") && e[0].contains("recursion"),
                "{e:?}"
            );
        }
    }
}

#[test]
fn the_module_doc_example_passes_check() {
    let doc = include_str!("../mod.rs");
    let example: String = doc
        .lines()
        .skip_while(|l| *l != "//! ```toml")
        .skip(1)
        .take_while(|l| *l != "//! ```")
        .map(|l| {
            format!(
                "{}\n",
                l.strip_prefix("//!").unwrap_or(l).trim_start_matches(' ')
            )
        })
        .collect();
    assert!(example.contains("[journeys.writer]"), "{example}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("users.csv"), "email,password\na@x,p\n").unwrap();
    let path = dir.path().join("example.toml");
    std::fs::write(&path, &example).unwrap();
    let s = match load(&path, CheckOptions::default()) {
        Ok(s) => s,
        Err(e) => panic!(
            "{}",
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    };
    let writer = s.journey("writer").unwrap();
    assert_eq!(writer.steps[1].route, "/items/{id}");
    assert_eq!(
        s.session("member").unwrap().logout.as_ref().unwrap().share,
        0.25
    );
}

#[test]
fn a_pool_session_starts_with_its_accounts_setup_saves_and_no_other_session_does() {
    // The setup saves the entry it seeds; a pool session's journey may read it, a session of
    // new accounts (which never ran the setup) may not.
    let text = |account: &str| {
        format!(
            "[setup]\nsteps = [{{ method = \"POST\", path = \"/seed\", save = {{ seeded = \"/id\" }} }}]\n\
             [sessions.s]\naccount = \"{account}\"\n[[sessions.s.sign_in]]\nmethod = \"POST\"\npath = \"/login\"\n\
             [journeys.j]\nweight = 1\nsession = \"s\"\nsteps = [{{ method = \"GET\", path = \"/items/{{seeded}}\" }}]\n"
        )
    };
    assert_eq!(errors(&text("pool")), Vec::<String>::new());
    let new = errors(&text("new"));
    assert_eq!(new.len(), 1, "{new:?}");
    assert!(
        new[0].contains("'{seeded}' is used before any step saves it"),
        "{new:?}"
    );
}

#[test]
fn a_scenario_is_named_by_its_files_stem_and_hashed_by_its_text() {
    // sha256("x"), as `printf x | sha256sum` gives it.
    let p = Provenance::of("dir/fastapi-journal.toml", "x", false);
    assert_eq!(
        p,
        Provenance {
            name: "fastapi-journal".into(),
            builtin: false,
            sha256: "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881".into(),
        }
    );
    // A long stem is cut to the bound, a control character made a space.
    let long = format!("{}\u{7}.toml", "n".repeat(100));
    let p = Provenance::of(&long, "", false);
    assert_eq!(p.name, "n".repeat(MAX_NAME_CHARS));
    assert_eq!(Provenance::of("a\u{7}b.toml", "", false).name, "a b");
    // The built-in scenario: "journal", its embedded text's hash.
    let j = journal(CheckOptions::default()).unwrap().provenance;
    assert_eq!((j.name.as_str(), j.builtin), ("journal", true));
    assert_eq!(j.sha256, Provenance::of("x", JOURNAL_TOML, false).sha256);
    let f = parse(
        "f.toml",
        Path::new("."),
        JOURNAL_TOML,
        CheckOptions::default(),
    )
    .unwrap();
    assert_eq!(
        (f.provenance.name.as_str(), f.provenance.builtin),
        ("f", false)
    );
}

#[test]
fn more_distinct_routes_than_a_summary_may_report_are_refused() {
    // 51 journeys of 100 opening steps and 100 steps, each its own route: 10,200, past the
    // 10,000 endpoints costcalc and `loadgen merge` read; the same steps on 10,000 routes pass.
    let scenario = |routes: usize| {
        let mut text = String::new();
        for j in 0..51 {
            let step = |i: usize| {
                let k = (j * 200 + i) % routes;
                format!("{{ method = \"GET\", path = \"/r{k}\" }}")
            };
            let opening: Vec<String> = (0..100).map(step).collect();
            let steps: Vec<String> = (100..200).map(step).collect();
            text += &format!(
                "[journeys.j{j}]\nweight = 1\nopening = [{}]\nsteps = [{}]\n",
                opening.join(", "),
                steps.join(", ")
            );
        }
        text
    };
    assert_eq!(
        errors(&scenario(10_200)),
        [
            "f.toml:1:1: more than 10000 distinct routes (method and route): the summary could not be priced or merged; give steps of one API route the same `route` label"
        ]
    );
    let s = parse(
        "f.toml",
        Path::new("."),
        &scenario(10_000),
        CheckOptions::default(),
    )
    .unwrap();
    assert_eq!(s.routes(), 10_000);
}
