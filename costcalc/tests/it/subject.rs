//! Which API a report names: journal-api's wording (its title, its argon2 logins) for what
//! describes journal-api, and the input's own name for anything else (the `--compare` NAME, the
//! memory sweep's scenario or command), never journal-api's internals for a foreign API. The
//! inputs are the hand-made compare fixtures (tests/data/compare/); the sweeps below are
//! python-tune.json with a `function` and `scenario` added, as `loadgen tune` writes them; the
//! runs are python.json (a v1.1 summary) with a v1.7 `scenario` block added, or its routes renamed.

use crate::support::{costcalc, costcalc_json};
use serde_json::Value;

macro_rules! data {
    ($f:literal) => {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/compare/", $f)
    };
}

const ARGON2: &str = "enough for argon2 logins";

/// The report is titled by `subject`, and claims journal-api's argon2 logins only for it.
fn titled(md: &str, subject: &str) {
    // A measured source's read-report (logs, CloudWatch) comes first; the title follows it.
    let title = format!("# Monthly cost of {subject} at ");
    assert!(md.lines().any(|l| l.starts_with(&title)), "{md}");
    if subject == "the journal API" {
        assert!(md.contains(ARGON2), "{md}");
    } else {
        assert!(!md.contains("argon2"), "{md}");
    }
}

/// The Lambda line of a report's assumptions.
fn lambda_line(report: &Value) -> String {
    report["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .find(|a| a.starts_with("Lambda: "))
        .unwrap()
}

#[test]
fn compare_names_each_implementation_and_only_journal_api_claims_argon2() {
    let v = costcalc_json(&[
        "report",
        "--compare",
        concat!(
            "fastapi=",
            data!("python.json"),
            ",",
            data!("python-tune.json")
        ),
        concat!(
            "journal-api=",
            data!("rust.json"),
            ",",
            data!("rust-tune.json")
        ),
    ]);
    let imps = v["implementations"].as_array().unwrap();
    let fastapi = lambda_line(&imps[0]["report"]);
    assert!(!fastapi.contains("argon2"), "{fastapi}");
    assert!(fastapi.contains("1,769 MB buys one vCPU"), "{fastapi}");
    assert!(lambda_line(&imps[1]["report"]).contains(ARGON2));
}

/// A copy of python-tune.json naming `function` and `scenario`, in a file of its own.
fn sweep(name: &str, function: &str, scenario: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(data!("python-tune.json")).unwrap();
    let mut t: Value = serde_json::from_str(&text).unwrap();
    t["function"] = function.into();
    t["scenario"] = scenario.into();
    let path = std::env::temp_dir().join(format!(
        "costcalc-subject-{name}-{}.json",
        std::process::id()
    ));
    std::fs::write(&path, serde_json::to_string(&t).unwrap()).unwrap();
    path
}

fn markdown(tune: Option<&std::path::Path>) -> String {
    markdown_of(std::path::Path::new(data!("python.json")), tune)
}

#[test]
fn a_single_report_names_the_api_its_sweep_ran() {
    // No sweep: nothing names another API, so journal-api's wording stays.
    let md = markdown(None);
    titled(&md, "the journal API");

    // journal-api's own binary on the embedded scenario: still journal-api.
    let own = sweep(
        "own",
        "target/release/journal-api",
        "journal.toml (embedded)",
    );
    let md = markdown(Some(&own));
    titled(&md, "the journal API");

    // The runtime interface client on the embedded scenario: named by its command.
    let ric = sweep(
        "ric",
        "/srv/x/.venv/bin/python -m awslambdaric fastapi_lambda.api",
        "journal.toml (embedded)",
    );
    let md = markdown(Some(&ric));
    titled(&md, "`python -m awslambdaric fastapi_lambda.api`");

    // A scenario file of its own: named by the file's stem.
    let own_scenario = sweep("scenario", "node index.js", "scenarios/express-notes.toml");
    let md = markdown(Some(&own_scenario));
    titled(&md, "express-notes");
    for p in [own, ric, own_scenario] {
        let _ = std::fs::remove_file(p);
    }
}

/// A copy of python.json (a v1.1 summary: no `scenario`) edited by `edit`, in a file of its own.
fn summary(name: &str, edit: &dyn Fn(&mut Value)) -> std::path::PathBuf {
    let text = std::fs::read_to_string(data!("python.json")).unwrap();
    let mut s: Value = serde_json::from_str(&text).unwrap();
    edit(&mut s);
    let path = std::env::temp_dir().join(format!(
        "costcalc-subject-run-{name}-{}.json",
        std::process::id()
    ));
    std::fs::write(&path, serde_json::to_string(&s).unwrap()).unwrap();
    path
}

fn markdown_of(summary: &std::path::Path, tune: Option<&std::path::Path>) -> String {
    let mut args = vec!["report", "--from-loadgen", summary.to_str().unwrap()];
    if let Some(t) = tune {
        args.extend(["--lambda-tune", t.to_str().unwrap()]);
    }
    md_report(&args)
}

fn scenario(name: &str, source: &str) -> impl Fn(&mut Value) + use<> {
    let (name, source) = (name.to_string(), source.to_string());
    move |s: &mut Value| {
        s["scenario"] =
            serde_json::json!({"name": name, "source": source, "sha256": "ab".repeat(32)});
    }
}

#[test]
fn a_single_run_is_named_by_the_scenario_it_recorded() {
    // Another API's scenario file: named by it, journal-api's internals not claimed, and the
    // inputs say which scenario text it was (the hash's first 12 digits).
    let other = summary("other", &scenario("fastapi-journal", "file"));
    let md = markdown_of(&other, None);
    titled(&md, "fastapi-journal");
    assert!(
        md.contains("scenario fastapi-journal, sha256 abababababab"),
        "{md}"
    );

    // loadgen's built-in scenario is journal-api's.
    let builtin = summary("builtin", &scenario("journal", "builtin"));
    let md = markdown_of(&builtin, None);
    titled(&md, "the journal API");

    // A sweep that names its command still names the implementation; one of journal-api's own
    // binary leaves the run's name.
    let ric = sweep(
        "run-ric",
        "/srv/x/.venv/bin/python -m awslambdaric fastapi_lambda.api",
        "journal.toml (embedded)",
    );
    titled(
        &markdown_of(&other, Some(&ric)),
        "`python -m awslambdaric fastapi_lambda.api`",
    );
    let own = sweep(
        "run-own",
        "target/release/journal-api",
        "journal.toml (embedded)",
    );
    titled(&markdown_of(&other, Some(&own)), "fastapi-journal");
    for p in [other, builtin, ric, own] {
        let _ = std::fs::remove_file(p);
    }
}

#[test]
fn an_older_run_is_journal_apis_only_when_its_routes_are() {
    // python.json records no scenario and plays journal-api's routes: today's title (the
    // single-report test above). The same run on routes journal-api lacks: a neutral name.
    let notes = summary("notes", &|s| {
        for e in s["endpoints"].as_array_mut().unwrap() {
            e["route"] = "/notes".into();
        }
    });
    let md = markdown_of(&notes, None);
    titled(&md, "your API");
    let _ = std::fs::remove_file(notes);
}

#[test]
fn a_bad_scenario_block_is_one_line_naming_the_field() {
    type Edit<'a> = &'a dyn Fn(&mut Value);
    let cases: [(&str, Edit, &str); 3] = [
        (
            "long",
            &scenario(&"n".repeat(65), "file"),
            "scenario.name is not a name of 1 to 64",
        ),
        (
            "ctrl",
            &scenario("a\u{1b}[2Jb", "file"),
            "scenario.name is not a name of 1 to 64",
        ),
        (
            "hash",
            &|s: &mut Value| {
                s["scenario"] = serde_json::json!({"name": "x", "source": "file", "sha256": "xyz"})
            },
            "scenario.sha256 is not 64 hex digits",
        ),
    ];
    for (name, edit, want) in cases {
        let path = summary(name, edit);
        let out = costcalc(&["report", "--from-loadgen", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{name}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.contains(want), "{name}: want {want:?} in {stderr}");
        let _ = std::fs::remove_file(path);
    }
}

/// A report from `args` (markdown), which must succeed.
fn md_report(args: &[&str]) -> String {
    let mut a = args.to_vec();
    a.extend(["--format", "md"]);
    let out = costcalc(&a);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn logs_and_cloudwatch_name_what_they_observed() {
    // Access logs of journal-api's paths are journal-api's; a log of other routes is "your API":
    // the figures the log lacks are still journal-api's profile (the report says so), but the
    // title claims nothing about the API.
    let dir = std::env::temp_dir().join(format!("costcalc-subject-logs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let line = |path: &str| {
        format!("203.0.113.7 - - [02/Dec/2026:00:00:00 +0000] \"GET {path} HTTP/1.1\" 200 5\n")
    };
    let journal = dir.join("journal.log");
    std::fs::write(&journal, line("/api/v1/entries/42") + &line("/health")).unwrap();
    let other = dir.join("pets.log");
    std::fs::write(&other, line("/pets/7") + &line("/health")).unwrap();
    titled(
        &md_report(&["report", "--from-logs", journal.to_str().unwrap()]),
        "the journal API",
    );
    titled(
        &md_report(&["report", "--from-logs", other.to_str().unwrap()]),
        "your API",
    );
    // CloudWatch: the recorded GetMetricData answer, of a Lambda function behind an HTTP API, is
    // named by the function (a name its owner chose; the API's is a generated id).
    let metrics = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/aws/cloudwatch/get-metric-data.json"
    );
    titled(
        &md_report(&[
            "report",
            "--metrics-file",
            metrics,
            "--lambda-function",
            "notes-fn",
            "--http-api-id",
            "a1b2c3d4e5",
        ]),
        "Lambda function notes-fn",
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn another_apis_logs_say_which_figures_are_journal_apis_profile() {
    // A log of CLF lines gives no latency and no request size: for another API's routes those
    // come from journal-api's profile, and the report says so, with the ways to replace them;
    // journal-api's own log, or --defaults generic, has nothing to say.
    let dir = std::env::temp_dir().join(format!("costcalc-subject-prof-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, path: &str| {
        let p = dir.join(name);
        let line = |h: u32| {
            format!(
                "203.0.113.7 - - [02/Dec/2026:{h:02}:00:00 +0000] \"GET {path} HTTP/1.1\" 200 5\n"
            )
        };
        std::fs::write(&p, line(0) + &line(1)).unwrap();
        p.display().to_string()
    };
    let (pets, journal) = (write("pets.log", "/pets/7"), write("j.log", "/health"));
    let warnings = |args: &[&str]| {
        let mut a = vec!["report", "--from-logs"];
        a.extend(args);
        costcalc_json(&a)["warnings"].to_string()
    };
    let w = warnings(&[&pets]);
    assert!(
        w.contains("The logs do not give the time per request")
            && w.contains("journal-api's measured profile, not your API's")
            && w.contains("--defaults generic"),
        "{w}"
    );
    assert!(!warnings(&[&journal]).contains("measured profile"));
    assert!(!warnings(&[&pets, "--defaults", "generic"]).contains("measured profile"));
    std::fs::remove_dir_all(&dir).ok();
}
