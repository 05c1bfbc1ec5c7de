//! The pick is costcalc's: a tune.json written by loadgen's own writer, priced and picked by
//! `costcalc report --lambda-tune FILE --lambda-memory-mb auto`. The sizes are the ones
//! loadgen's former `tune::table::pick` unit test used; the assertions are the same, on
//! costcalc's answer. No root needed: nothing is measured.

use loadgen::stats::Latency;
use loadgen::tune::event::ROUTES;
use loadgen::tune::schema::{self, Machine, RouteReport, SizeReport, TuneFile};

use super::costcalc_pick;

fn size(mb: u32, billed: [f64; 4], p99: [f64; 4]) -> SizeReport {
    SizeReport {
        memory_mb: mb,
        usable: true,
        reason: None,
        cpus: f64::from(mb) / 1769.0,
        cold_start_ms: None,
        init_ms: None,
        max_memory_used_mb: None,
        routes: ROUTES
            .iter()
            .enumerate()
            .map(|(i, r)| RouteReport {
                method: r.method(),
                route: r.path(),
                // Equal counts: with no run given, costcalc weighs routes by them.
                count: 5,
                duration_ms: Latency {
                    p50: p99[i],
                    p90: p99[i],
                    p99: p99[i],
                    mean: billed[i],
                    max: p99[i],
                },
                billed_ms_mean: billed[i],
            })
            .collect(),
    }
}

fn write(dir: &std::path::Path, sizes: Vec<SizeReport>) -> std::path::PathBuf {
    let file = TuneFile {
        schema: schema::SCHEMA,
        machine: Machine {
            cpu_model: "test".into(),
            cores: 1,
        },
        date: "2026-01-01".into(),
        function: "journal-api".into(),
        emulation: "none: hand-made figures".into(),
        database: "sqlite".into(),
        sizes,
    };
    schema::write(dir, &file).unwrap()
}

#[test]
fn costcalc_picks_the_cheapest_size_within_the_slo_from_loadgens_tune_json() {
    // 128 MB: 400 ms login, over a 300 ms SLO. 256: mean 50 ms x 256 = 12800 GB-ms; 512: mean
    // 20 ms x 512 = 10240 GB-ms, the cheapest; 1024: mean 10 x 1024 = 10240, a tie that goes to
    // the faster one (p99 90 < 100).
    let sizes = vec![
        size(128, [1.0, 1.0, 1.0, 400.0], [1.0, 1.0, 1.0, 400.0]),
        size(256, [50.0; 4], [200.0; 4]),
        size(512, [20.0; 4], [100.0; 4]),
        size(1024, [10.0; 4], [90.0; 4]),
    ];
    let dir = tempfile::tempdir().unwrap();
    let all = write(&dir.path().join("all"), sizes.clone());
    assert_eq!(costcalc_pick(&all, &["--p99-slo", "300"]).unwrap(), "1024");
    let three = write(&dir.path().join("three"), sizes[..3].to_vec());
    assert_eq!(costcalc_pick(&three, &["--p99-slo", "300"]).unwrap(), "512");
    let err = costcalc_pick(&all, &["--p99-slo", "50"]).unwrap_err();
    assert!(err.contains("--p99-slo"), "{err}");
    // An unusable size is never picked.
    let mut gone = size(128, [1.0; 4], [1.0; 4]);
    gone.usable = false;
    gone.reason = Some("oom".into());
    let mixed = write(&dir.path().join("mixed"), vec![gone, sizes[2].clone()]);
    assert_eq!(costcalc_pick(&mixed, &["--p99-slo", "300"]).unwrap(), "512");
}
