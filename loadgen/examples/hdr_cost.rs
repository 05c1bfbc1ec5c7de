//! What summary.json's HDR histograms cost a run, for `scripts/bench-loadgen`: they are built
//! after the run from the samples it already keeps (`hdr::Recorded::from_samples`), then encoded
//! (V2 + deflate, base64) and written into the summary as JSON. This times exactly that work on
//! RATE x SECONDS synthetic GET /health samples (latencies 0.2 to 3 ms, lateness 0 to 2 ms, as
//! at the bench's rates) and prints, in nanoseconds per sample over REPEAT builds (default 5),
//! `samples best median best_build best_encode`: the best and median total, and the best
//! total's two parts, the histograms' build (recording every sample) and their encoding (V2 +
//! deflate, base64, JSON).
//!
//!   cargo run --release -p loadgen --example hdr_cost -- 30000 10

use loadgen::summary::Sample;
use loadgen::summary::hdr::{Recorded, interval_for};
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn samples(rate: f64, seconds: f64) -> Vec<Sample> {
    let n = (rate * seconds).round() as usize;
    // A fixed linear congruential sequence: the same samples on every run, no RNG crate needed.
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|i| {
            let due = i as f64 / rate;
            Sample {
                method: "GET",
                route: "/health",
                status: 200,
                ok: true,
                due_wall_s: due,
                sent_wall_s: due + next() * 0.002,
                latency_ms: 0.2 + next() * 2.8,
                request_bytes: 60,
                response_bytes: 120,
            }
        })
        .collect()
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (rate, seconds, repeat) = match args.as_slice() {
        [r, s] => (r.parse::<f64>()?, s.parse::<f64>()?, 5),
        [r, s, n] => (r.parse()?, s.parse()?, n.parse::<usize>()?),
        _ => anyhow::bail!("usage: hdr_cost RATE SECONDS [REPEAT]"),
    };
    anyhow::ensure!(
        rate > 0.0 && seconds > 0.0 && repeat > 0,
        "RATE, SECONDS and REPEAT must be positive"
    );
    let samples = samples(rate, seconds);
    // (build, encode) nanoseconds per sample of each repeat.
    let mut runs: Vec<(f64, f64)> = (0..repeat)
        .map(|_| {
            let start = Instant::now();
            // The width a run of this length gets (1 s up to an hour of play).
            let recorded = Recorded::from_samples(&samples, interval_for(seconds));
            let built = start.elapsed();
            let json = serde_json::to_string(&recorded.encode()).expect("histograms serialize");
            std::hint::black_box(json);
            let per = |d: std::time::Duration| d.as_nanos() as f64 / samples.len() as f64;
            (per(built), per(start.elapsed() - built))
        })
        .collect();
    runs.sort_by(|a, b| (a.0 + a.1).total_cmp(&(b.0 + b.1)));
    let (best, median) = (runs[0], runs[runs.len() / 2]);
    println!(
        "{} {:.0} {:.0} {:.0} {:.0}",
        samples.len(),
        best.0 + best.1,
        median.0 + median.1,
        best.0,
        best.1
    );
    Ok(())
}
