//! `loadgen scenario check` and `try`, the real binary: every error at FILE:LINE:COLUMN with
//! exit 2; each journey of the embedded journal scenario played once against a real journal-api.

use crate::support::{Server, loadgen, one_at_a_time};
use std::path::Path;
use std::process::Output;

const BASE: &str = r#"[journeys.a]
weight = 1
steps = [
  { method = "POST", path = "/items", json = { n = "{int:1..9}" }, save = { id = "/id" } },
  { method = "GET", path = "/items/{id}" },
]
"#;

const CSV: &str = r#"[data.users]
file = "users.csv"

[journeys.a]
weight = 1
steps = [{ method = "GET", path = "/u/{csv.users.email}" }]
"#;

fn check(path: &Path, extra: &[&str]) -> Output {
    loadgen()
        .args(["scenario", "check"])
        .arg(path)
        .args(extra)
        .output()
        .unwrap()
}

/// 1-based line and column of the first `needle` in `text`.
fn at(text: &str, needle: &str) -> (usize, usize) {
    let i = text.find(needle).expect("needle in text");
    let line = text[..i].matches('\n').count() + 1;
    let col = text[..i].rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

/// Checks `text` (written as `name` in a folder of its own, with users.csv) and asserts exit 2
/// and one error line at the line and column of `needle`, containing `want`.
fn fails_at(name: &str, text: &str, extra: &[&str], needle: &str, want: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("users.csv"),
        "email,password\na@b.example,pw\n",
    )
    .unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let res = check(&path, extra);
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(2), "{name}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    let (line, col) = at(text, needle);
    let prefix = format!("{}:{line}:{col}: ", path.display());
    assert!(stderr.starts_with(&prefix), "want {prefix:?}: {stderr}");
    assert!(stderr.contains(want), "want {want:?}: {stderr}");
    assert!(
        res.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&res.stdout)
    );
}

#[test]
fn check_passes_good_files_with_a_summary() {
    let journal = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/journal.toml");
    for args in [
        vec!["scenario", "check", journal.to_str().unwrap()],
        vec!["scenario", "check", "--builtin", "journal"],
    ] {
        let res = loadgen().args(&args).output().unwrap();
        let stdout = String::from_utf8_lossy(&res.stdout);
        assert_eq!(res.status.code(), Some(0), "{args:?}: {res:?}");
        assert!(
            stdout.contains(
                "ok: 4 journeys (weights: newcomer 1, writer 9, reader 19, health 1), 2 sessions, 19 steps"
            ),
            "{stdout}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("users.csv"),
        "email,password\na@b.example,pw\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("csv.toml"), CSV).unwrap();
    let res = check(&dir.path().join("csv.toml"), &["--mix", "a=3"]);
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert_eq!(res.status.code(), Some(0), "{res:?}");
    assert!(
        stdout.contains("1 journey (weights: a 3), 0 sessions, 1 step, 1 data set"),
        "{stdout}"
    );
}

#[test]
fn check_names_line_and_column() {
    let unknown = BASE.replace("/items/{id}", "/items/{idd}");
    fails_at(
        "unknown.toml",
        &unknown,
        &[],
        "{idd}",
        "unknown variable '{idd}'",
    );
    let before = r#"[journeys.a]
weight = 1
steps = [
  { method = "GET", path = "/items/{id}" },
  { method = "POST", path = "/items", save = { id = "/id" } },
]
"#;
    fails_at(
        "before.toml",
        before,
        &[],
        "{id}",
        "used before any step saves it",
    );
    let range = BASE.replace("\"/items\",", "\"/items/{int:9..1}\",");
    fails_at(
        "range.toml",
        &range,
        &[],
        "{int:9..1}",
        "bad generator '{int:9..1}'",
    );
    // In a JSON body and a query table too, at the string.
    let in_body = BASE.replace("int:1..9", "int:9..1");
    fails_at(
        "body.toml",
        &in_body,
        &[],
        "{int:9..1}",
        "bad generator '{int:9..1}'",
    );
    let in_query = BASE.replace(
        "\"/items\",",
        "\"/items\", query = { q = \"{words:9..1}\" },",
    );
    fails_at(
        "query.toml",
        &in_query,
        &[],
        "{words:9..1}",
        "bad generator '{words:9..1}'",
    );
    fails_at(
        "mix.toml",
        BASE,
        &["--mix", "a=1,b=2"],
        "journeys",
        "journey 'b'",
    );
    let column = CSV.replace("users.email", "users.nick");
    fails_at(
        "column.toml",
        &column,
        &[],
        "{csv.users.nick}",
        "no column 'nick'",
    );
    let file = CSV.replace("users.csv", "nobody.csv");
    fails_at("file.toml", &file, &[], "\"nobody.csv\"", "nobody.csv");
}

#[test]
fn check_refuses_a_fifo_a_big_file_and_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.toml");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates the file.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let big = dir.path().join("big.toml");
    std::fs::write(&big, "#".repeat(2 << 20)).unwrap();
    let missing = dir.path().join("missing.toml");
    for (path, want) in [
        (&fifo, "not a regular file"),
        (&big, "more than the limit"),
        (&missing, "cannot read it"),
    ] {
        let res = check(path, &[]);
        let stderr = String::from_utf8_lossy(&res.stderr);
        assert_eq!(res.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        assert!(
            stderr.starts_with(&format!("{}:1:1: ", path.display())),
            "{stderr}"
        );
        assert!(stderr.contains(want), "want {want:?}: {stderr}");
    }
}

fn try_(server: &Server, args: &[&str]) -> (Option<i32>, String) {
    let res = loadgen()
        .args(["scenario", "try", "--host", &server.url, "--timeout", "300"])
        .args(args)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&res.stdout).to_string();
    let err = String::from_utf8_lossy(&res.stderr);
    (res.status.code(), format!("{out}{err}"))
}

#[test]
fn try_plays_every_journal_journey_once() {
    let _turn = one_at_a_time();
    let server = Server::start();
    let (code, out) = try_(&server, &["--builtin", "journal"]);
    assert_eq!(code, Some(0), "{out}");
    for j in ["newcomer", "writer", "reader", "health"] {
        assert!(out.contains(&format!("journey {j}: ok (")), "{j}: {out}");
    }
    assert!(out.contains("POST /api/v1/auth/login -> 200"), "{out}");
    assert!(out.contains("GET /health -> 200"), "{out}");
    // Tokens are JWTs (eyJ...): masked to 4 characters, never printed whole.
    assert!(out.contains(" token=eyJ0…"), "{out}");
    for word in out.split_whitespace() {
        if let Some(v) = word
            .strip_prefix("token=")
            .or(word.strip_prefix("refresh_token="))
        {
            assert_eq!(v.chars().count(), 5, "masked: {word}");
        }
    }

    // A save pointer that matches nothing: the journey fails with the reason, exit 1.
    let broken = loadgen::scenario::JOURNAL_TOML.replace(
        r#"expect = [201], save = { id = "/id" }"#,
        r#"expect = [201], save = { id = "/no_such_field" }"#,
    );
    assert_ne!(broken, loadgen::scenario::JOURNAL_TOML);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.toml");
    std::fs::write(&path, broken).unwrap();
    let (code, out) = try_(&server, &[path.to_str().unwrap(), "--journey", "writer"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("journey writer: FAILED: /api/v1/entries: cannot save 'id': not_found"),
        "{out}"
    );
    assert!(
        !out.contains("journey reader"),
        "--journey writer only: {out}"
    );

    // A status the step does not expect: the reason and the server's answer.
    let refused = loadgen::scenario::JOURNAL_TOML.replace(
        r#"path = "/api/v1/entries/{id}", expect = [200] }"#,
        r#"path = "/api/v1/entries/{id}", expect = [200] }, { method = "GET", path = "/api/v1/entries/not-an-id", expect = [200] }"#,
    );
    assert_ne!(refused, loadgen::scenario::JOURNAL_TOML);
    std::fs::write(&path, refused).unwrap();
    let (code, out) = try_(&server, &[path.to_str().unwrap(), "--journey", "reader"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("journey reader: FAILED: /api/v1/entries/not-an-id: status "),
        "{out}"
    );
    assert!(
        out.contains("is not one the step expects; the answer: "),
        "{out}"
    );

    // A step whose value is never saved (optional) is skipped, said, and no failure.
    let skipping = loadgen::scenario::JOURNAL_TOML.replace(
        r#"save = { id = { from = "/-1/id", optional = true } }"#,
        r#"save = { id = { from = "/-1/no_such_field", optional = true } }"#,
    );
    assert_ne!(skipping, loadgen::scenario::JOURNAL_TOML);
    std::fs::write(&path, skipping).unwrap();
    let (code, out) = try_(&server, &[path.to_str().unwrap(), "--journey", "reader"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("  skipped GET /api/v1/entries/{id}: a value it names was never saved"),
        "{out}"
    );
    assert!(out.contains("journey reader: ok ("), "{out}");
}

#[test]
fn try_refuses_a_bad_file_before_any_traffic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, BASE.replace("{id}", "{idd}")).unwrap();
    // Nothing listens there: a request would fail with exit 1, the bad file exits 2 first.
    let res = loadgen()
        .args(["scenario", "try", "--host", &crate::cli::closed_port()])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(":5:36: unknown variable"), "{stderr}");
}
