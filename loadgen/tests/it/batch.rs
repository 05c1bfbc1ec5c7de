//! AWS Batch flags of `loadgen run` refused before any traffic: a bad `--upload` destination, and
//! `--shard batch/N` without a usable AWS_BATCH_JOB_ARRAY_INDEX. (The upload itself runs against
//! an S3 emulator in scripts/test.d/65-loadgen-distributed.sh.)

use crate::cli::{closed_port, fails_with};

fn run(extra: &[&str]) -> Vec<String> {
    // A closed port: were any of these checks after the first request, the error would be
    // "cannot reach" instead.
    let mut a: Vec<String> = ["run", "--host", &closed_port(), "--profile", "steady"]
        .map(String::from)
        .to_vec();
    a.extend(["--duration", "5s"].map(String::from));
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn refused(extra: &[&str], want: &str) {
    let args = run(extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    fails_with(&args, want);
}

#[test]
fn bad_upload_destinations_are_refused_before_traffic() {
    for bad in [
        "my-bucket/runs",
        "s3://",
        "https://my-bucket/x",
        "s3://UPPER/x",
    ] {
        refused(
            &["--upload", bad],
            &format!(
                "--upload: expected s3://BUCKET/PREFIX (e.g. s3://my-bucket/runs/42), got '{bad}'"
            ),
        );
    }
}

#[test]
fn batch_shards_need_the_array_index() {
    // The variable is set (or removed) per command, whatever this environment holds.
    let with_index = |index: Option<&str>, want: &str| {
        let out = tempfile::tempdir().unwrap();
        let mut cmd = crate::support::loadgen();
        cmd.args(run(&["--shard", "batch/3"]))
            .arg("--out")
            .arg(out.path());
        match index {
            Some(v) => cmd.env("AWS_BATCH_JOB_ARRAY_INDEX", v),
            None => cmd.env_remove("AWS_BATCH_JOB_ARRAY_INDEX"),
        };
        let res = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&res.stderr);
        assert_eq!(res.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(want), "want {want:?} in {stderr}");
    };
    with_index(
        None,
        "--shard: batch/3 takes K from AWS_BATCH_JOB_ARRAY_INDEX, which is unset",
    );
    with_index(Some("3"), "which is 3 (not below 3)");
    with_index(Some("two"), "which is 'two' (not a number)");
    // A valid index gets past the flags: the closed port is what fails.
    with_index(Some("2"), "cannot reach");
}
