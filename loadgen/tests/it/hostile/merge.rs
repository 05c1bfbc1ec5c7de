//! `loadgen merge` of mutated valid shard summaries and of arbitrary bytes.

use super::{limited, refused};
use crate::support::loadgen;
use base64::Engine as _;
use loadgen::summary::{self, ProfileInfo, RunInfo, Sample, Setup, ShardInfo, Stats, Users};
use rand::{Rng as _, SeedableRng as _};
use serde_json::{Value, json};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Output;

fn info(scheduled: u64, started_at: &str) -> RunInfo {
    RunInfo {
        target: "http://127.0.0.1:1".into(),
        profile: ProfileInfo {
            name: "steady".into(),
            source: "builtin".into(),
            path: None,
            duration_s: 10.0,
            mean_rate_per_s: 4.0,
            peak_rate_per_s: 4.0,
            segments: vec![],
        },
        compression: 1.0,
        rate_scale: 1.0,
        seed: 1,
        started_at: started_at.into(),
        ended_at: "2026-01-01T00:00:10.000Z".into(),
        wall_seconds: 10.0,
        users: Users { started: 1, max: 2 },
        journeys: vec![],
        setup: Setup {
            users_registered: 1,
            entries_seeded: 1,
            register: Stats::default(),
        },
        scheduled,
        tolerance_ms: 50.0,
        idle_gap_threshold_s: 60.0,
        sessions: None,
        compress_auto: None,
    }
}

/// A valid summary of shard k of 2: 20 requests over 10 s, 2 of them dropped.
fn shard(k: u32) -> Value {
    shard_with(k, &["/a"])
}

/// Shard k of 2 whose requests (18, or one per route if more) go to `routes` in turn; 2 more
/// arrivals were dropped.
fn shard_with(k: u32, routes: &[&'static str]) -> Value {
    let n = routes.len().max(18) as u32;
    let sent: Vec<Sample> = (0..n)
        .map(|i| Sample {
            method: "GET",
            route: routes[i as usize % routes.len()],
            status: 200,
            ok: true,
            due_wall_s: f64::from(i) * 8.5 / f64::from(n - 1),
            sent_wall_s: f64::from(i) * 8.5 / f64::from(n - 1),
            latency_ms: 1.0 + f64::from(i % 18),
            request_bytes: 10,
            response_bytes: 100,
        })
        .collect();
    let mut s = summary::build(
        info(u64::from(n) + 2, "2026-01-01T00:00:00.000Z"),
        &sent,
        &[9.0, 9.5],
    );
    s.shard = Some(ShardInfo {
        index: k,
        count: 2,
        start_at: None,
        late_start_s: 0.0,
    });
    serde_json::to_value(s).unwrap()
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let d = dir.join(name);
    std::fs::create_dir_all(&d).unwrap();
    let p = d.join("summary.json");
    std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    p
}

fn merge(inputs: &[PathBuf], out: &Path) -> Output {
    let mut cmd = loadgen();
    cmd.arg("merge").args(inputs).arg("--out").arg(out);
    limited(cmd).output().unwrap()
}

/// Shard 0 as `mutate` leaves it and a valid shard 1, merged: refused, naming `want`.
fn mutated(mutate: impl Fn(&mut Value, &mut Value), want: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b) = (shard(0), shard(1));
    mutate(&mut a, &mut b);
    let files = [write(dir.path(), "s0", &a), write(dir.path(), "s1", &b)];
    let out = merge(&files, &dir.path().join("merged"));
    let stderr = refused(&out, want);
    assert!(stderr.contains(want), "want {want:?} in {stderr}");
    assert!(!dir.path().join("merged/summary.json").exists());
}

/// A V2 + deflate histogram whose inner header declares `payload` bytes of counts.
fn declared(payload: u32) -> String {
    let mut inner = Vec::new();
    inner.extend_from_slice(&(0x1c84_9303u32 | 0x10).to_be_bytes());
    inner.extend_from_slice(&payload.to_be_bytes());
    inner.extend_from_slice(&0u32.to_be_bytes());
    inner.extend_from_slice(&3u32.to_be_bytes());
    inner.extend_from_slice(&1u64.to_be_bytes());
    inner.extend_from_slice(&2048u64.to_be_bytes());
    inner.extend_from_slice(&1f64.to_be_bytes());
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&inner).unwrap();
    let deflated = z.finish().unwrap();
    let mut bytes = (0x1c84_9304u32 | 0x10).to_be_bytes().to_vec();
    bytes.extend_from_slice(&(deflated.len() as u32).to_be_bytes());
    bytes.extend_from_slice(&deflated);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn a_histogram_declaring_4_gib_is_refused() {
    let h = declared(u32::MAX);
    assert!(h.len() < 200, "{h}");
    mutated(
        |a, _| a["histograms"]["totals"]["latency"] = json!(h),
        "corrupt histogram: totals latency",
    );
}

#[test]
fn a_histogram_counting_2_to_the_62_is_refused() {
    let mut h = hdrhistogram::Histogram::<u64>::new(3).unwrap();
    h.record_n(1000, 1 << 62).unwrap();
    let text = summary::hdr::encode(&h);
    mutated(
        |a, b| {
            a["histograms"]["totals"]["latency"] = json!(text);
            b["histograms"]["totals"]["latency"] = json!(text);
        },
        "more than 100000000000000",
    );
}

#[test]
fn a_huge_shard_count_is_refused() {
    mutated(
        |a, b| {
            a["shard"]["count"] = json!(4_294_967_295u64);
            b["shard"]["count"] = json!(4_294_967_295u64);
        },
        "shard is 0/4294967295",
    );
}

#[test]
fn shards_started_a_century_apart_are_refused() {
    mutated(
        |a, _| a["started_at"] = json!("2126-01-01T00:00:00.000Z"),
        "started_at is",
    );
}

#[test]
fn thousands_of_overlapping_gaps_merge_in_little_memory() {
    let dir = tempfile::tempdir().unwrap();
    let gaps: Vec<Value> = (0..3000)
        .map(|i| json!({"start_s": f64::from(i) * 0.001, "real_seconds": 100.0, "first_request_latency_ms": 1.0}))
        .collect();
    let (mut a, mut b) = (shard(0), shard(1));
    a["idle_gaps"] = json!(gaps);
    b["idle_gaps"] = json!(gaps);
    let files = [write(dir.path(), "s0", &a), write(dir.path(), "s1", &b)];
    let out = merge(&files, &dir.path().join("merged"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("merged/summary.json")).unwrap())
            .unwrap();
    // Overlapping gaps are one silence.
    assert_eq!(m["idle_gaps"].as_array().unwrap().len(), 1);
}

#[test]
fn another_major_schema_is_refused() {
    mutated(
        |a, _| a["schema"] = json!("deploycost.loadgen.summary/v2"),
        "schema is 'deploycost.loadgen.summary/v2'",
    );
}

#[test]
fn counts_that_would_wrap_or_do_not_add_up_are_refused() {
    mutated(
        |a, _| a["arrivals"]["sent"] = json!(u64::MAX - 2),
        "arrivals.sent is 18446744073709551613",
    );
    mutated(
        |a, _| a["arrivals"]["sent"] = json!(30),
        "arrivals sent 30 + dropped 2 exceed scheduled 20",
    );
    mutated(
        |a, _| a["totals"]["failures"] = json!(1000),
        "totals.failures 1000 exceeds",
    );
    // The shard's 18 requests all succeeded: none can have been cancelled.
    mutated(
        |a, _| a["arrivals"]["cancelled"] = json!(5),
        "arrivals.cancelled 5 exceeds failed 0",
    );
}

#[test]
fn an_out_inside_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        write(dir.path(), "shard-0", &shard(0)),
        write(dir.path(), "shard-1", &shard(1)),
    ];
    let before = std::fs::read(&files[0]).unwrap();
    for out in ["shard-0", "shard-0/x"] {
        let res = merge(&[dir.path().to_path_buf()], &dir.path().join(out));
        let stderr = refused(&res, out);
        assert!(stderr.contains("overlaps the input"), "{stderr}");
    }
    assert_eq!(std::fs::read(&files[0]).unwrap(), before);
    // Beside the shards is fine.
    let res = merge(&[dir.path().to_path_buf()], &dir.path().join("../merged-k"));
    assert_eq!(
        res.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let _ = std::fs::remove_dir_all(dir.path().join("../merged-k"));
}

#[test]
fn a_device_or_a_huge_file_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(65 << 20)
        .unwrap();
    for (input, want) in [
        (PathBuf::from("/dev/zero"), "not a regular file"),
        (big, "larger than 64 MiB"),
    ] {
        let res = merge(std::slice::from_ref(&input), &dir.path().join("m"));
        let stderr = refused(&res, &input.display().to_string());
        assert!(
            stderr.contains(want) && stderr.contains(&*input.to_string_lossy()),
            "{stderr}"
        );
    }
}

/// Exit 0 only with counts that add up.
fn sane_or_refused(out: &Output, what: &str) {
    if out.status.code() == Some(0) {
        let said = String::from_utf8_lossy(&out.stdout);
        let n: Vec<u64> = said
            .split(|c: char| !c.is_ascii_digit())
            .filter_map(|w| w.parse().ok())
            .take(4)
            .collect();
        assert!(n.len() == 4 && n[1] + n[2] <= n[3], "{what}: {said}");
    } else {
        refused(out, what);
    }
}

#[test]
fn arbitrary_bytes_and_flipped_summaries_are_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let valid = serde_json::to_vec_pretty(&shard(0)).unwrap();
    let other = write(dir.path(), "s1", &shard(1));
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(28);
    for case in 0..200 {
        let bytes: Vec<u8> = if case % 2 == 0 {
            let len = rng.random_range(0..4096);
            (0..len).map(|_| rng.random()).collect()
        } else {
            let mut b = valid.clone();
            for _ in 0..rng.random_range(1..8) {
                let at = rng.random_range(0..b.len());
                b[at] = if rng.random_bool(0.5) {
                    rng.random()
                } else {
                    b"0123456789e-.{}[]\",:9"[rng.random_range(0..21)]
                };
            }
            b
        };
        let p = dir.path().join("s0.json");
        std::fs::write(&p, &bytes).unwrap();
        let out = merge(&[p, other.clone()], &dir.path().join("m"));
        sane_or_refused(&out, &format!("case {case}"));
    }
}

/// The line a shard of more endpoints than costcalc reads (10,000) gets.
const TOO_MANY_ENDPOINTS: &str = "endpoints has more than 10000 entries, the most loadgen merge reads: check that it is the right file";

#[test]
fn a_shard_of_10001_endpoints_is_refused_while_parsing_also_when_cut_after_the_last() {
    let dir = tempfile::tempdir().unwrap();
    let other = write(dir.path(), "s1", &shard(1));
    let mut a = shard(0);
    let one = serde_json::to_string(&a["endpoints"][0]).unwrap();
    let whole = vec![a["endpoints"][0].clone(); 10_001];
    let cut = {
        // Every other field, then the 10,001 endpoints and nothing after them: a whole-file
        // parse would call it broken JSON; the bound refuses it before the end is reached.
        let rest = a.as_object_mut().unwrap();
        rest.remove("endpoints");
        let head = serde_json::to_string(&a).unwrap();
        let list = vec![one.as_str(); 10_001].join(",");
        format!("{},\"endpoints\":[{list}", head.trim_end_matches('}'))
    };
    a["endpoints"] = Value::Array(whole);
    let whole = write(dir.path(), "s0", &a);
    let cut_file = dir.path().join("cut.json");
    std::fs::write(&cut_file, cut).unwrap();
    for file in [whole, cut_file] {
        let out = merge(&[file.clone(), other.clone()], &dir.path().join("m"));
        let stderr = refused(&out, &file.display().to_string());
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(
            stderr.trim_end(),
            format!("loadgen: merge: {}: {TOO_MANY_ENDPOINTS}", file.display())
        );
    }
    assert!(!dir.path().join("m/summary.json").exists());
}

#[test]
fn shards_of_2000_endpoints_merge() {
    // `scenario init --openapi` writes a scenario of up to 2,000 operations (its most): a real
    // run of one has 2,000 endpoints, which merge refused while its bound was 1,000.
    let routes: Vec<&'static str> = (0..2000)
        .map(|i| &*Box::leak(format!("/r{i}").into_boxed_str()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let files = [
        write(dir.path(), "s0", &shard_with(0, &routes)),
        write(dir.path(), "s1", &shard_with(1, &routes)),
    ];
    let out = merge(&files, &dir.path().join("merged"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("merged/summary.json")).unwrap())
            .unwrap();
    // Each route once per shard: 2,000 endpoints of 2 requests each, 4,000 sent in all.
    assert_eq!(m["endpoints"].as_array().unwrap().len(), 2000);
    assert_eq!(m["endpoints"][0]["count"], json!(2));
    assert_eq!(m["arrivals"]["sent"], json!(4000));
}
