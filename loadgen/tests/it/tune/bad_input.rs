//! Bad input: one line on stderr and the documented exit status.

use std::path::Path;
use std::process::Command;

use super::{fails_with, layout};
use crate::support::journal_api_bin;

#[test]
fn tune_bad_flags_fail_with_one_line() {
    let api = journal_api_bin();
    let api = api.to_str().unwrap();
    for (memory, want) in [
        ("100", "100 MB is outside"),
        ("20000", "20000 MB is outside"),
        ("abc", "--memory: \"abc\" is not a whole number"),
        ("256,1.5", "\"1.5\" is not"),
        (",", "--memory: no size given"),
    ] {
        fails_with(&["--function", api, "--memory", memory], 1, want);
    }
    fails_with(&["--function", api, "--timeout", "soon"], 1, "--timeout");
    fails_with(&["--function", api, "--requests", "0"], 1, "--requests");
    // Pricing and the pick are costcalc's: the flags that did them say so, in one line.
    fails_with(
        &["--function", api, "--prices", "/nonexistent/prices.toml"],
        1,
        "loadgen tune no longer prices or picks: run costcalc report --lambda-tune ",
    );
    fails_with(
        &["--function", api, "--p99-slo", "300"],
        1,
        "/tune.json --lambda-memory-mb auto --p99-slo 300",
    );
}

#[test]
fn tune_a_function_that_is_not_one_fails_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("not-executable");
    std::fs::write(&plain, "#!/bin/sh\n").unwrap();
    fails_with(
        &["--function", plain.to_str().unwrap()],
        1,
        "is not an executable file",
    );
    fails_with(
        &["--function", "/nonexistent/journal-api"],
        1,
        "--function: /nonexistent/journal-api",
    );
    if layout().is_none() {
        return;
    }
    // /bin/sleep without an operand exits at once, before any Runtime API call.
    fails_with(
        &["--function", "/bin/sleep", "--timeout", "1s"],
        1,
        "the function exited",
    );
    // A process that never polls the Runtime API: given up on after the migrate timeout (10 s).
    let silent = dir.path().join("silent");
    std::fs::write(&silent, "#!/bin/sh\nexec sleep 60\n").unwrap();
    std::fs::set_permissions(&silent, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    fails_with(
        &["--function", silent.to_str().unwrap(), "--timeout", "1s"],
        1,
        "no answer within 10s",
    );
}

#[test]
fn tune_without_root_exits_2() {
    if unsafe_geteuid() != 0 || !Path::new("/usr/bin/setpriv").exists() {
        eprintln!("skipped: needs root and setpriv to switch to uid 65534");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        out.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    let api = journal_api_bin();
    let res = Command::new("/usr/bin/setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_loadgen"))
        .args(["tune", "--function", api.to_str().unwrap(), "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(2), "{stderr}");
    let last = stderr.trim_end().lines().last().unwrap_or_default();
    assert_eq!(
        last,
        "loadgen: error: loadgen tune needs root to create cgroups (running as uid 65534): run it as root"
    );
}

fn unsafe_geteuid() -> u32 {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() }
}

#[test]
fn tune_function_cmd_without_its_interpreter_is_one_line_and_exit_2() {
    // Checked before root and the cgroup: any machine gives this answer.
    fails_with(
        &[
            "--function-cmd",
            "python3.99-absent -m awslambdaric app.handler",
        ],
        2,
        "--function-cmd: python3.99-absent is not on the function's PATH (/usr/local/bin:/usr/bin:/bin)",
    );
    fails_with(
        &[
            "--function-cmd",
            "./bin/python -m awslambdaric app.handler",
            "--cwd",
            "/tmp",
        ],
        2,
        "--function-cmd: ./bin/python is not an executable file (from /tmp)",
    );
    // The function's PATH is --env's when it gives one.
    fails_with(
        &["--function-cmd", "sh -c true", "--env", "PATH=/nonexistent"],
        2,
        "sh is not on the function's PATH (/nonexistent)",
    );
    fails_with(&["--function-cmd", "'unclosed"], 1, "has an unclosed quote");
    fails_with(
        &["--function-cmd", "  "],
        1,
        "--function-cmd: the command is empty",
    );
    fails_with(
        &["--function-cmd", "sh", "--env", "NOEQUALS"],
        1,
        "--env: \"NOEQUALS\"",
    );
    fails_with(
        &["--function-cmd", "sh", "--cwd", "/nonexistent"],
        1,
        "--cwd: /nonexistent",
    );
}
