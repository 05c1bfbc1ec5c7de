//! Shards and merge: three `loadgen run --shard K/3` processes against the real journal-api play
//! exactly the arrivals of the same plan run as one process, `loadgen merge` adds them up into a
//! summary costcalc prices like the single run's, and a merge of the wrong files is refused.
//! Nothing here asserts timing: the machine may be busy (late arrivals are dropped, and every
//! arrival is checked as sent or dropped).
//!
//! The plan `steady`, 8 s at 30 req/s, seed 11 (240 arrivals) runs as one process, then as three
//! `--shard K/3` processes side by side with one `--start-at` 8 s ahead; each shard's schedule per
//! second (from the library, deterministic) adds up to the single run's, each process accounts for
//! its 80 arrivals as sent or dropped, no account is shared, `loadgen merge` of the three accounts
//! for all 240, its sent is the shards' sum and its alignment is `start_at` with no shard moved,
//! and costcalc prices the merged summary and the single run at the same monthly requests (240 / 8
//! x 730 x 3600); every shard and the merge record the built-in scenario; a merge missing a shard,
//! with a shard twice, a shard of seed 12, of another scenario (another hash, none recorded, a
//! name past 64 characters), or a corrupt histogram fails with one line naming the file; bad
//! `--shard`/`--start-at` values are one line. A shard given a `--start-at` 3 s in the past
//! reports `late_start_s` >= 3 (and says so on stderr despite `--quiet`), starts its clock at the
//! asked start, and counts as dropped at least every arrival of its part due before 2.95 s (3 s
//! less the 50 ms tolerance).

use crate::cli::fails_with;
use crate::support::{Server, costcalc, loadgen, one_at_a_time};
use loadgen::plan::profile;
use loadgen::plan::shard::Shard;
use loadgen::plan::timeline::Timeline;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The plan: 8 s of steady at 10 x 3 = 30 req/s, seed 11, real time: 240 arrivals.
const PLAN: [&str; 10] = [
    "--profile",
    "steady",
    "--duration",
    "8s",
    "--rate-scale",
    "3",
    "--seed",
    "11",
    "--compress",
    "1",
];

fn run_args(url: &str, out: &Path) -> Vec<String> {
    let mut a: Vec<String> = ["run", "--host", url].map(String::from).to_vec();
    a.extend(PLAN.map(String::from));
    // Light sessions (health probes and readers), no registrations during the run; a slow
    // answer on a busy machine is late, never cut.
    a.extend(
        [
            "--mix",
            "newcomer=0,writer=0,reader=1,health=2",
            "--accounts",
            "2",
            "--timeout",
            "120",
            "--quiet",
        ]
        .map(String::from),
    );
    a.extend(["--out".to_string(), out.display().to_string()]);
    a
}

fn read(path: &Path) -> Value {
    let file = if path.is_dir() {
        path.join("summary.json")
    } else {
        path.to_path_buf()
    };
    serde_json::from_str(&std::fs::read_to_string(&file).expect("summary written"))
        .expect("summary is JSON")
}

fn ok(out: Output, what: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{what} failed: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The schedule per second (by due time) of the plan, or of shard k/n of it: deterministic.
fn schedule(shard: Shard) -> Vec<u64> {
    let p = profile::resolve("steady", Some(8.0), 3.0, 11).unwrap();
    let t = shard.keep(Timeline::generate(&p, 11, 1.0));
    let mut per_s = vec![0u64; 8];
    for a in &t.arrivals_s {
        per_s[*a as usize] += 1;
    }
    per_s
}

/// sent + dropped = scheduled, and the per-second timeline adds up to it.
fn assert_accounted(s: &Value, scheduled: u64, what: &str) {
    let a = &s["arrivals"];
    let n = |k: &str| a[k].as_u64().unwrap();
    assert_eq!(n("scheduled"), scheduled, "{what}: {a}");
    assert_eq!(
        (n("sent") + n("dropped"), n("unsent")),
        (scheduled, 0),
        "{what}: {a}"
    );
    assert_eq!(s["totals"]["count"].as_u64().unwrap(), n("sent"), "{what}");
    let tl = s["timeline"].as_array().unwrap();
    let sum = |k: &str| tl.iter().map(|x| x[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!(sum("sent") + sum("dropped"), scheduled, "{what}");
}

/// costcalc's monthly requests for a summary (the debug binary, else `cargo run`). Priced even
/// when costcalc judges the run overloaded: a busy machine (every test at once) can slow the
/// server enough for that verdict, and the request count compared here does not depend on it.
fn monthly_requests(summary: &Path) -> String {
    let out = costcalc()
        .args(["report", "--allow-overloaded", "--from-loadgen"])
        .arg(summary)
        .args(["--format", "json"])
        .output()
        .expect("run costcalc");
    let v: Value = serde_json::from_str(&ok(out, "costcalc")).expect("costcalc JSON");
    // An exact decimal, written as a JSON string.
    let r = &v["workload"]["requests_per_month"];
    r.as_str()
        .map(String::from)
        .unwrap_or_else(|| r.to_string())
}

/// The three shards, side by side, on a common start 8 s ahead (setup comes before it).
fn run_shards(url: &str, dir: &Path) -> Vec<PathBuf> {
    let outs: Vec<PathBuf> = (0..3).map(|k| dir.join(format!("s{k}"))).collect();
    // One absolute time for all three (`+8` would be read by each process at its own moment).
    let start = (chrono::Utc::now() + chrono::Duration::seconds(8))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let children: Vec<_> = outs
        .iter()
        .enumerate()
        .map(|(k, out)| {
            loadgen()
                .args(run_args(url, out))
                .args(["--shard", &format!("{k}/3"), "--start-at", &start])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start a shard")
        })
        .collect();
    for (k, c) in children.into_iter().enumerate() {
        ok(c.wait_with_output().unwrap(), &format!("shard {k}/3"));
    }
    outs
}

fn accounts(out: &Path) -> Vec<String> {
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("accounts.json")).unwrap()).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| a["email"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn three_shards_play_the_single_run_and_merge_into_one_summary() {
    let _turn = one_at_a_time();
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let single = dir.path().join("single");
    ok(
        loadgen()
            .args(run_args(&server.url, &single))
            .output()
            .unwrap(),
        "single run",
    );
    let shards = run_shards(&server.url, dir.path());

    // The schedule: the shards' per-second counts add up to the single run's, 240 in all.
    let whole = schedule(Shard::WHOLE);
    assert_eq!(whole.iter().sum::<u64>(), 8 * 30);
    let mut added = vec![0u64; 8];
    for k in 0..3 {
        let mine = schedule(Shard { index: k, count: 3 });
        added.iter_mut().zip(&mine).for_each(|(a, m)| *a += m);
        // Each process played its own part of it: 80 of the 240.
        let s = read(&shards[k as usize]);
        assert_accounted(&s, mine.iter().sum(), &format!("shard {k}"));
        assert_eq!(mine.iter().sum::<u64>(), 240 / 3);
        assert_eq!(
            (s["shard"]["index"].as_u64(), s["shard"]["count"].as_u64()),
            (Some(k.into()), Some(3))
        );
        assert!(s["shard"]["start_at"].is_string(), "{}", s["shard"]);
        assert!(s["histograms"]["totals"]["latency"].is_string());
    }
    assert_eq!(added, whole);
    let s1 = read(&single);
    assert_accounted(&s1, 240, "single run");

    // Shards never share a user.
    let mut emails: Vec<String> = shards.iter().flat_map(|s| accounts(s)).collect();
    let n = emails.len();
    emails.sort();
    emails.dedup();
    assert_eq!(emails.len(), n, "an account registered by two shards");

    let merged = dir.path().join("merged");
    let out = loadgen()
        .arg("merge")
        .args(&shards)
        .arg("--out")
        .arg(&merged)
        .output()
        .unwrap();
    let said = ok(out, "merge");
    assert!(said.contains("merged 3 shards"), "{said}");
    assert!(said.contains("merged p99 over time"), "{said}");
    assert!(!said.contains("no common --start-at"), "{said}");
    let m = read(&merged);
    assert_accounted(&m, 240, "merged");
    assert_eq!(m["schema"], s1["schema"]);
    assert_eq!(m["merged_shards"], 3);
    // The built-in scenario, recorded by every shard and kept by the merge.
    let journal_sha: String = {
        use sha2::Digest;
        let d = sha2::Sha256::digest(include_str!("../../scenarios/journal.toml").as_bytes());
        d.iter().map(|b| format!("{b:02x}")).collect()
    };
    let journal =
        serde_json::json!({"name": "journal", "source": "builtin", "sha256": journal_sha});
    assert_eq!(s1["scenario"], journal);
    for shard in &shards {
        assert_eq!(read(shard)["scenario"], journal);
    }
    assert_eq!(m["scenario"], journal);
    // One --start-at: lined up exactly, no shard moved.
    assert_eq!(m["alignment"]["method"], "start_at");
    assert_eq!(
        m["alignment"]["offsets_s"],
        serde_json::json!([0.0, 0.0, 0.0])
    );
    let sent: u64 = shards
        .iter()
        .map(|s| read(s)["arrivals"]["sent"].as_u64().unwrap())
        .sum();
    assert_eq!(m["arrivals"]["sent"].as_u64().unwrap(), sent);
    // Priced the same: monthly requests come from the schedule, 240 per 8 s.
    let single_monthly = monthly_requests(&single.join("summary.json"));
    // 240 arrivals per 8 s of schedule over costcalc's 730-hour month.
    assert_eq!(single_monthly, (240 / 8 * 730 * 3600).to_string());
    assert_eq!(
        monthly_requests(&merged.join("summary.json")),
        single_monthly
    );
    bad_merges(&shards, dir.path());
}

/// Exit 1 with one line naming what was wrong, and no merged summary.
fn refused(inputs: &[PathBuf], out: &Path, want: &str) {
    let res = loadgen()
        .arg("merge")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("loadgen: merge: "), "{stderr}");
    assert!(stderr.contains(want), "want {want:?} in {stderr}");
    assert!(!out.join("summary.json").exists());
}

fn bad_merges(shards: &[PathBuf], dir: &Path) {
    let out = dir.join("refused");
    refused(&shards[..2], &out, "shard 2/3 of 3 missing");
    let twice = [shards[0].clone(), shards[1].clone(), shards[0].clone()];
    refused(&twice, &out, "shard 0/3 is also");
    let tampered = |name: &str, edit: &dyn Fn(&mut Value)| {
        let mut v = read(&shards[2]);
        edit(&mut v);
        let p = dir.join(name);
        std::fs::write(&p, v.to_string()).unwrap();
        vec![shards[0].clone(), shards[1].clone(), p]
    };
    let other_seed = tampered("seed12.json", &|v| v["seed"] = 12.into());
    refused(&other_seed, &out, "seed12.json: seed is 12 but");
    // Shards of another scenario (same name, other text; or none recorded) are another plan.
    let other_text = tampered("edited.json", &|v| {
        v["scenario"]["sha256"] = "0".repeat(64).into()
    });
    refused(
        &other_text,
        &out,
        &format!(
            "edited.json: scenario is 'journal' (sha256 {}) but",
            "0".repeat(64)
        ),
    );
    let older = tampered("older.json", &|v| {
        v.as_object_mut().unwrap().remove("scenario");
    });
    refused(&older, &out, "older.json: scenario is not recorded");
    let long = tampered("long.json", &|v| {
        v["scenario"]["name"] = "x".repeat(65).into()
    });
    refused(
        &long,
        &out,
        "long.json: scenario.name is not a name of 1 to 64",
    );
    let corrupt = tampered("corrupt.json", &|v| {
        v["histograms"]["totals"]["latency"] = "AAAA".into()
    });
    refused(
        &corrupt,
        &out,
        "corrupt.json: corrupt histogram: totals latency",
    );
}

#[test]
fn bad_shard_flags_are_one_line() {
    let run = [
        "run",
        "--host",
        "http://127.0.0.1:9",
        "--profile",
        "steady",
        "--duration",
        "10s",
    ];
    let with = |extra: &[&'static str]| -> Vec<&'static str> { [&run[..], extra].concat() };
    fails_with(
        &with(&["--shard", "3/3"]),
        "--shard: expected K/N with 0 <= K < N",
    );
    fails_with(&with(&["--shard", "x"]), "--shard: expected K/N");
    fails_with(
        &with(&["--start-at", "noon"]),
        "--start-at: expected an RFC 3339 time",
    );
    fails_with(
        &with(&["--shard", "0/2", "--compress", "auto"]),
        "--shard needs a fixed --compress F",
    );
}

#[test]
fn a_shard_ready_after_the_start_drops_what_was_due_before() {
    let _turn = one_at_a_time();
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    // A common start 3 s ago: this shard is at least 3 s late, whatever the machine does.
    let start = chrono::Utc::now() - chrono::Duration::seconds(3);
    let start = start.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let res = loadgen()
        .args(run_args(&server.url, dir.path()))
        .args(["--shard", "1/3", "--start-at", &start])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr).into_owned();
    ok(res, "late shard");
    assert!(
        stderr.contains("shard 1/3 ready ") && stderr.contains(&start),
        "said on stderr even with --quiet: {stderr}"
    );
    let s = read(dir.path());
    assert!(
        s["shard"]["late_start_s"].as_f64().unwrap() >= 3.0,
        "{}",
        s["shard"]
    );
    assert_eq!(s["started_at"], start.as_str());
    // Every arrival of the shard due before 3 s - 50 ms tolerance was claimed too late: dropped,
    // not shifted.
    let p = profile::resolve("steady", Some(8.0), 3.0, 11).unwrap();
    let mine = Shard { index: 1, count: 3 }.keep(Timeline::generate(&p, 11, 1.0));
    let due_before = mine.arrivals_s.iter().filter(|t| **t < 2.95).count() as u64;
    assert!(due_before >= 20, "about 10 per second: {due_before}");
    assert!(
        s["arrivals"]["dropped"].as_u64().unwrap() >= due_before,
        "{}",
        s["arrivals"]
    );
    assert_accounted(&s, mine.len() as u64, "late shard");
}
