//! `loadgen profile from-logs --scenario`: a `--mix` fitted to the logs' route shares. Logs made
//! of whole sessions of the journal's journeys at known weights give those weights back, and
//! the STEM.mix they write is what `scenario check --mix @FILE` and `run --mix @FILE` take;
//! logs of another API are one line, exit 2.

use crate::cli::{closed_port, fails_with};
use crate::profile_from_logs::{alb, refused};
use crate::support::loadgen;
use std::path::Path;

/// journal.toml with fixed session lengths (newcomer 4, writer 3, reader 4 requests after
/// signing in; geo:12 gives expected counts in 397ths and 23rds, which no small log holds
/// exactly). Journeys, sessions, steps and the logout share are the file's own.
fn fixed_journal(dir: &Path) -> std::path::PathBuf {
    let text = loadgen::scenario::JOURNAL_TOML;
    assert_eq!(text.matches("session_requests = \"geo:12\"").count(), 3);
    let text = ["4", "3", "4"].iter().fold(text.to_string(), |t, n| {
        t.replacen(
            "session_requests = \"geo:12\"",
            &format!("session_requests = {n}"),
            1,
        )
    });
    let path = dir.join("journal-fixed.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// ALB lines, one a second from 10:00:00: `n` of each request.
fn log(requests: &[(&str, u32)]) -> String {
    let mut out = String::new();
    let mut i = 0u32;
    for (request, n) in requests {
        for _ in 0..*n {
            let t = format!(
                "2026-12-07T{:02}:{:02}:{:02}",
                10 + i / 3600,
                i / 60 % 60,
                i % 60
            );
            out.push_str(&alb(&t, request));
            i += 1;
        }
    }
    out
}

/// The counts worked by hand from journal.toml (not from loadgen's own expectation) for 4, 36,
/// 76 and 4 sessions of newcomer, writer, reader and health (weights 1:9:19:1, times 4):
/// - newcomer (4 requests): registers; POST (its opening), then POST, PUT, DELETE;
/// - writer (3): logs in; POST, PUT, DELETE;
/// - reader (4): logs in; list, read, list, read (the read's id is a UUID in the logs);
/// - health: GET /health; a quarter of the signed-in sessions (116 / 4 = 29) log out.
///
/// Plus what the fit leaves out: 10 refreshes, and 3 favicons no journey asks for.
const SESSIONS: &[(&str, u32)] = &[
    ("POST /api/v1/auth/register", 4),
    ("POST /api/v1/auth/login", 36 + 76),
    ("POST /api/v1/auth/logout", 29),
    ("POST /api/v1/entries", 4 * 2 + 36),
    ("PUT /api/v1/entries/1234", 4 + 36),
    ("DELETE /api/v1/entries/1234", 4 + 36),
    ("GET /api/v1/entries?limit=20", 76 * 2),
    (
        "GET /api/v1/entries/0b7e5e0c-3f5a-4c8e-9a43-9d0f1d2b6a11",
        76 * 2,
    ),
    ("GET /health", 4),
    ("POST /api/v1/auth/refresh", 10),
    ("GET /favicon.ico", 3),
];

#[test]
fn logs_of_whole_sessions_give_back_the_journal_weights_and_run_takes_the_mix() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = fixed_journal(tmp.path());
    let logs = tmp.path().join("alb.log");
    std::fs::write(&logs, log(SESSIONS)).unwrap();
    let out = tmp.path().join("traffic.toml");
    let res = loadgen()
        .args(["profile", "from-logs"])
        .arg(&logs)
        .arg("--scenario")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&res.stdout);
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(res.status.success(), "{stdout}{stderr}");
    assert!(stderr.is_empty(), "an exact fit is not poor: {stderr}");
    let mix = tmp.path().join("traffic.mix");
    assert_eq!(
        std::fs::read_to_string(&mix).unwrap(),
        "newcomer=1,writer=9,reader=19,health=1\n"
    );
    // 577 requests on the scenario's routes: the list 152 / 577 = 26.34%, fitted exactly.
    let row: Vec<&str> = (stdout.lines())
        .find(|l| l.starts_with("GET /api/v1/entries "))
        .unwrap_or_else(|| panic!("{stdout}"))
        .split_whitespace()
        .collect();
    assert_eq!(row[2..4], ["26.34", "26.34"], "{stdout}");
    // 3 favicons and 10 refreshes of 590 logged: 0.51% and 1.69%.
    assert!(
        stdout.contains(
            "logged routes no journey plays (0.51% of logged requests): GET /favicon.ico"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("token refreshes (1.69% of logged requests: POST /api/v1/auth/refresh)"),
        "{stdout}"
    );
    assert!(!stdout.contains("never show"), "{stdout}");
    // `scenario check` and `run` take the file as --mix @FILE.
    let at = format!("@{}", mix.display());
    let check = loadgen()
        .args(["scenario", "check"])
        .arg(&scenario)
        .args(["--mix", &at])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{said}");
    assert!(
        said.contains("(weights: newcomer 1, writer 9, reader 19, health 1)"),
        "{said}"
    );
    let host = closed_port();
    let run = |mix: &str, want: &str| {
        fails_with(
            &[
                "run",
                "--host",
                &host,
                "--scenario",
                scenario.to_str().unwrap(),
                "--profile",
                out.to_str().unwrap(),
                "--mix",
                mix,
                "--duration",
                "10m",
                "--compress",
                "60",
            ],
            want,
        )
    };
    run(&at, &format!("cannot reach {host}"));
    let missing = tmp.path().join("none.mix");
    run(
        &format!("@{}", missing.display()),
        &format!("--mix @{}: cannot read it", missing.display()),
    );
}

#[test]
fn logs_of_another_api_are_one_line_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("alb.log");
    std::fs::write(
        &logs,
        log(&[("GET /users/42", 5), ("POST /orders", 2), ("GET /", 1)]),
    )
    .unwrap();
    let out = tmp.path().join("traffic.toml");
    let e = refused(&[logs.to_str().unwrap(), "--scenario", "journal"], &out);
    assert!(
        e.starts_with("loadgen: error: no logged route is one scenario journal.toml plays"),
        "{e}"
    );
    assert!(
        e.contains("the logs' busiest: GET /users/{id}, POST /orders, GET /)"),
        "{e}"
    );
    assert!(!tmp.path().join("traffic.mix").exists());
    // A profile named .mix would be overwritten by the mix: refused before anything is read.
    let e = refused(
        &[logs.to_str().unwrap(), "--scenario", "journal"],
        &tmp.path().join("traffic.mix"),
    );
    assert!(
        e.contains("which is this file: name the profile .toml"),
        "{e}"
    );
}

#[test]
fn without_a_scenario_the_hint_says_how_to_get_a_mix() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("alb.log");
    std::fs::write(&logs, log(&[("GET /health", 3)])).unwrap();
    let out = tmp.path().join("traffic.toml");
    let res = loadgen()
        .args(["profile", "from-logs"])
        .arg(&logs)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert!(res.status.success(), "{stdout}");
    assert!(stdout.contains("add --scenario FILE|journal"), "{stdout}");
    assert!(!tmp.path().join("traffic.mix").exists());
}
