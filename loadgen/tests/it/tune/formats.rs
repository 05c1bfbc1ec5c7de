//! `--event-format`: journal-api (lambda_http) and the FastAPI fixture (Mangum) each answer every
//! timed request in each of the four event shapes, so the figures of a format are real answers.

use serde_json::Value;

use super::{assert_no_group_left, layout, tune};
use crate::support::journal_api_bin;

const FORMATS: [&str; 4] = ["apigw-v2", "apigw-v1", "alb", "function-url"];

fn sweep_in(format: &str, function: &[&str]) -> Value {
    let out = tempfile::tempdir().unwrap();
    let mut args = function.to_vec();
    args.extend([
        "--event-format",
        format,
        "--memory",
        "1769",
        "--requests",
        "2",
        "--cold-starts",
        "1",
        "--timeout",
        "60s",
    ]);
    let (code, text, pid) = tune(&args, out.path());
    assert_no_group_left(pid);
    assert_eq!(code, Some(0), "{format}: {text}");
    let file: Value =
        serde_json::from_str(&std::fs::read_to_string(out.path().join("tune.json")).unwrap())
            .unwrap();
    assert_eq!(file["event_format"], format);
    assert_eq!(file["sizes"][0]["usable"], true, "{format}: {text}");
    file
}

#[test]
fn tune_journal_api_answers_every_event_format() {
    if layout().is_none() {
        return;
    }
    let api = journal_api_bin();
    for f in FORMATS {
        sweep_in(f, &["--function", api.to_str().unwrap()]);
    }
}

#[test]
fn tune_mangum_answers_every_event_format() {
    let Some(py) = super::python::python() else {
        return;
    };
    let cmd = format!("{} -m awslambdaric app.handler", py.display());
    for f in FORMATS {
        let args = [
            "--function-cmd",
            &cmd,
            "--cwd",
            super::python::APP,
            "--env",
            "PYTHONDONTWRITEBYTECODE=1",
        ];
        sweep_in(f, &args);
    }
}

#[test]
fn tune_unknown_event_format_is_one_line() {
    super::fails_with(
        &["--function-cmd", "sh", "--event-format", "sqs"],
        1,
        "--event-format: \"sqs\" is not one of apigw-v2, apigw-v1, alb, function-url",
    );
}
