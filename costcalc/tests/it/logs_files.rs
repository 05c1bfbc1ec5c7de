//! `--from-logs` and `--write-profile`: which files are read. A file reached twice (named twice,
//! spelled two ways, or named and inside a folder given, or through a symlink loop) is refused
//! rather than counted twice; symlinked files and folders inside a folder are followed; a profile
//! is never written over a log or into a folder read; ALB's `ELBAccessLogTestFile` is skipped in
//! a folder (as an S3 sync of ALB logs has it) and counted in the read-report.

use std::os::unix::fs::symlink;
use std::path::Path;

use super::logs::{alb, dir, has, refused, report, write};

/// `n` requests, one a second from 2026-12-07T10:00:SS (n <= 60).
fn log(path: &Path, n: u32) -> String {
    let lines: Vec<String> = (0..n)
        .map(|s| {
            alb(
                &format!("2026-12-07T10:00:{s:02}"),
                "/api/v1/entries",
                "0.010",
            )
        })
        .collect();
    write(path, &lines.concat())
}

#[test]
fn a_file_reached_twice_is_refused_naming_both_spellings() {
    let d = dir("twice");
    let a = log(&d.join("logs/a.log"), 3);
    let e = refused(&["--from-logs", &a, &a]);
    has(&e, &format!("{a}: is given twice: give each log once"));
    let dotted = d.join("logs/./a.log").display().to_string();
    let e = refused(&["--from-logs", &a, &dotted]);
    has(&e, &format!("{dotted}: is given twice (also as {a})"));
    // A folder and a file in it, either way round.
    let folder = d.join("logs").display().to_string();
    for args in [[&folder, &a], [&a, &folder]] {
        let e = refused(&["--from-logs", args[0], args[1]]);
        has(
            &e,
            &format!("{a}: is given twice (as a file and inside a folder given)"),
        );
    }
    // Read once: 3 requests, not 6.
    has(
        &report(&["--from-logs", &folder]),
        "Requests: 3 in the window",
    );
}

#[test]
fn symlinked_files_and_folders_in_a_folder_are_followed_and_loops_refused() {
    let d = dir("symlinks");
    log(&d.join("elsewhere/b.log"), 5);
    log(&d.join("synced/c/c.log"), 7);
    log(&d.join("logs/a.log"), 3);
    symlink(d.join("elsewhere/b.log"), d.join("logs/b.log")).unwrap();
    symlink(d.join("synced/c"), d.join("logs/c")).unwrap();
    let logs = d.join("logs").display().to_string();
    // 3 + 5 + 7 = 15 requests from 3 files.
    let t = report(&["--from-logs", &logs]);
    has(&t, "3 file(s), an ALB access log, 15 lines read");
    has(&t, "Requests: 15 in the window");
    // A symlink to its own folder: the folder is reached twice, refused, not walked forever.
    symlink(d.join("logs"), d.join("logs/loop")).unwrap();
    let e = refused(&["--from-logs", &logs]);
    has(
        &e,
        &format!("{logs}/loop: is given twice (also as {logs}): give each log once"),
    );
    // A symlink to a file also read by name.
    std::fs::remove_file(d.join("logs/loop")).unwrap();
    let b = d.join("elsewhere/b.log").display().to_string();
    let e = refused(&["--from-logs", &logs, &b]);
    has(&e, &format!("{b}: is given twice (also as {logs}/b.log)"));
}

#[test]
fn a_profile_is_not_written_over_a_log_or_into_a_folder_read() {
    let d = dir("overwrite");
    let v = log(&d.join("logs/v.log"), 4);
    let before = std::fs::read_to_string(&v).unwrap();
    let e = refused(&["--from-logs", &v, "--write-profile", &v]);
    has(
        &e,
        &format!("--write-profile: {v} is one of the logs read ({v}): write it outside the logs"),
    );
    assert_eq!(
        std::fs::read_to_string(&v).unwrap(),
        before,
        "the log is kept"
    );
    // Into the folder read: the next read would take the profile as a log.
    let folder = d.join("logs").display().to_string();
    let inside = d.join("logs/p.toml");
    let e = refused(&[
        "--from-logs",
        &folder,
        "--write-profile",
        inside.to_str().unwrap(),
    ]);
    has(&e, &format!("is inside the logs folder read ({folder})"));
    assert!(!inside.exists(), "nothing written");
    // Beside the folder: written.
    let beside = d.join("p.toml");
    report(&[
        "--from-logs",
        &folder,
        "--write-profile",
        beside.to_str().unwrap(),
    ]);
    assert!(
        std::fs::read_to_string(&beside)
            .unwrap()
            .contains("[[segment]]")
    );
}

#[test]
fn albs_test_file_is_skipped_in_a_folder_and_counted() {
    let d = dir("elbtest");
    // What an ALB writes when access logging is enabled, and one log, as `aws s3 sync` lays them.
    let test = write(
        &d.join("AWSLogs/123456789012/ELBAccessLogTestFile"),
        "Enable AccessLog for ELB: app/journal/50dc6c495c0c9188 at 2026-12-07T09:59:00.000Z\n",
    );
    log(
        &d.join("AWSLogs/123456789012/elasticloadbalancing/us-east-1/2026/12/07/a.log"),
        2,
    );
    let t = report(&["--from-logs", &d.join("AWSLogs").display().to_string()]);
    has(&t, "1 file(s), an ALB access log, 2 lines read");
    has(&t, "Skipped: 1 ELB test file (ELBAccessLogTestFile");
    // Given by name it is read, and is not a log.
    let e = refused(&["--from-logs", &test]);
    has(
        &e,
        "ELBAccessLogTestFile: the first line is not an access log",
    );
}

#[test]
fn a_logged_figure_out_of_bounds_names_the_log_and_field_not_a_flag() {
    // 10^12-byte bodies (a log of transfers, not API answers) are past the engine's 10^10-byte
    // bound: the line names the log and the field it came from, and the flag that would replace
    // it, not a flag as though the user had given it.
    let d = dir("bounds");
    let line = |h: u32| {
        format!(
            "10.0.0.1 - - [02/Nov/2026:{h:02}:00:00 +0000] \"GET /a HTTP/1.1\" 200 1000000000000\n"
        )
    };
    let log = write(&d.join("big.log"), &(line(10) + &line(11)));
    let e = refused(&["--from-logs", &log]);
    has(
        &e,
        &format!("logs: {log}: bytes (%b, the body): 1000000000000 is too large"),
    );
    has(&e, "check what was read, or give --response-bytes instead");
    assert!(!e.starts_with("error: --response-bytes"), "{e}");
}

#[test]
fn the_log_flags_without_logs_are_refused_not_ignored() {
    // --log-format, --route and --allow-bad-lines say something only of logs read: given alone,
    // they are a mistake (a forgotten --from-logs) to point out, not to price around.
    for flags in [
        &["--log-format", "alb"][..],
        &["--route", "/users/{name}"],
        &["--allow-bad-lines"],
    ] {
        let mut a = vec!["report"];
        a.extend(flags);
        let out = crate::support::costcalc(&a);
        assert_eq!(out.status.code(), Some(2), "{a:?}");
        has(&String::from_utf8_lossy(&out.stderr), "--from-logs");
    }
}
