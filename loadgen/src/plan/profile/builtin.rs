//! The built-in shapes `--profile` names: steady, ramp, spike, diurnal and side-project.

use super::{DAY_S, Profile, ProfileError, Segment, Source};

/// The built-in shapes, for a schedule of `duration_s` real seconds. Rates are the shapes'
/// nominal ones (see README); `--rate-scale` multiplies them. `seed` only matters for
/// `side-project`, whose bursts fall at random times of day.
pub fn builtin(name: &str, duration_s: f64, seed: u64) -> Result<Profile, ProfileError> {
    let segments = match name {
        "steady" => vec![Segment::constant(duration_s, 10.0)],
        "ramp" => vec![Segment {
            duration_s,
            from_per_s: 1.0,
            to_per_s: 20.0,
        }],
        "spike" => spike(duration_s),
        "diurnal" => diurnal(duration_s),
        "side-project" => side_project(duration_s, seed),
        other => return Err(ProfileError::Unknown(other.to_string())),
    };
    Ok(Profile {
        name: name.to_string(),
        source: Source::Builtin,
        segments,
    })
}

/// Base 5 req/s with three bursts to 50 req/s at 1/4, 1/2 and 3/4 of the schedule, each lasting
/// 5% of it but at most a minute (bursts are short by nature).
fn spike(d: f64) -> Vec<Segment> {
    let (base, peak) = (5.0, 50.0);
    let burst = (d * 0.05).min(60.0);
    let mut out = Vec::new();
    let mut t = 0.0;
    for k in 1..=3 {
        let at = d * k as f64 / 4.0 - burst / 2.0;
        out.push(Segment::constant(at - t, base));
        out.push(Segment::constant(burst, peak));
        t = at + burst;
    }
    out.push(Segment::constant(d - t, base));
    out.retain(|s| s.duration_s > 0.0);
    out
}

/// Night trough of 2 req/s at 02:00, daytime peak of 20 req/s at 14:00 (a raised cosine), as
/// hourly linear segments starting at midnight; a schedule longer than a day repeats it.
fn diurnal(d: f64) -> Vec<Segment> {
    let (trough, peak) = (2.0, 20.0);
    let at = |h: f64| {
        let shape = (1.0 - ((h - 2.0) / 24.0 * std::f64::consts::TAU).cos()) / 2.0;
        trough + (peak - trough) * shape
    };
    let day: Vec<Segment> = (0..24)
        .map(|h| Segment {
            duration_s: 3600.0,
            from_per_s: at(h as f64),
            to_per_s: at(h as f64 + 1.0),
        })
        .collect();
    Profile {
        name: String::new(),
        source: Source::Builtin,
        segments: day,
    }
    .fitted(d)
    .segments
}

/// A hobby API: about 200 requests a day (×0.05 to ×5 with --rate-scale spans 10 to 1,000),
/// silent most of the time. Each day has 12 visits of 2 minutes at 1/8 req/s (15 requests
/// each) at seeded random times, two thirds of them between 08:00 and 23:00.
fn side_project(d: f64, seed: u64) -> Vec<Segment> {
    use rand::{Rng, SeedableRng};
    let (visits, visit_s, rate) = (12usize, 120.0, 0.125);
    // A stream of its own, so the same seed gives the same days whatever else is drawn.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x5eed_51de);
    let mut out = Vec::new();
    let mut t = 0.0;
    let mut day_start = 0.0;
    while day_start < d {
        let mut starts: Vec<f64> = (0..visits)
            .map(|_| {
                if rng.random_bool(2.0 / 3.0) {
                    rng.random_range(8.0 * 3600.0..23.0 * 3600.0 - visit_s)
                } else {
                    rng.random_range(0.0..DAY_S - visit_s)
                }
            })
            .collect();
        starts.sort_by(f64::total_cmp);
        for s in starts {
            let s = day_start + s;
            // Overlapping visits merge into one longer one.
            let begin = s.max(t);
            let end = s + visit_s;
            if end <= t {
                continue;
            }
            if begin > t {
                out.push(Segment::constant(begin - t, 0.0));
            }
            out.push(Segment::constant(end - begin, rate));
            t = end;
        }
        day_start += DAY_S;
    }
    if t < day_start {
        out.push(Segment::constant(day_start - t, 0.0));
    }
    Profile {
        name: String::new(),
        source: Source::Builtin,
        segments: out,
    }
    .fitted(d)
    .segments
}
