//! The arrival timeline: when each request is due, computed before the run from the profile and
//! a seed, so a run is reproducible and the load does not depend on how fast the server answers
//! (an open model).
//!
//! Arrivals follow a Poisson process around the rate curve, *conditioned on its count*: each
//! segment gets exactly the integral of its rate (rounded, carrying the remainder into the next
//! segment), and within a segment the arrival times are independent draws from the rate density.
//! That is what a Poisson process looks like once its count is known; fixing the count keeps the
//! request totals (and so the priced volume) exact instead of ±√N.

use crate::plan::profile::Profile;
use rand::{Rng, SeedableRng};

/// Arrival times in schedule (real) seconds from the start, sorted, plus how fast they are played.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    pub arrivals_s: Vec<f64>,
    /// Time compression F: arrival at schedule time t is sent at wall time t / F.
    pub compression: f64,
}

impl Timeline {
    pub fn generate(profile: &Profile, seed: u64, compression: f64) -> Timeline {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut arrivals = Vec::with_capacity(profile.expected_arrivals().round() as usize + 1);
        let (mut start, mut integral, mut placed) = (0.0_f64, 0.0_f64, 0_u64);
        for seg in &profile.segments {
            integral += seg.expected_arrivals();
            let n = (integral.round() as u64).saturating_sub(placed);
            placed += n;
            let (a, b, d) = (seg.from_per_s, seg.to_per_s, seg.duration_s);
            let total = seg.expected_arrivals();
            let first = arrivals.len();
            for _ in 0..n {
                let u: f64 = rng.random();
                arrivals.push(start + inverse_linear_cdf(a, b, d, total, u));
            }
            arrivals[first..].sort_by(f64::total_cmp);
            start += d;
        }
        Timeline {
            arrivals_s: arrivals,
            compression,
        }
    }

    pub fn len(&self) -> usize {
        self.arrivals_s.len()
    }

    pub fn is_empty(&self) -> bool {
        self.arrivals_s.is_empty()
    }

    /// When arrival `i` is due, in wall seconds from the start of the run.
    pub fn wall_due_s(&self, i: usize) -> f64 {
        self.arrivals_s[i] / self.compression
    }
}

/// The time t in [0, d) at which a fraction `u` of a linear rate a→b over d has arrived.
/// Λ(t) = a·t + (b−a)·t²/(2d); solves Λ(t) = u·L in the cancellation-free form.
fn inverse_linear_cdf(a: f64, b: f64, d: f64, total: f64, u: f64) -> f64 {
    let target = u * total;
    let k = (b - a) / (2.0 * d);
    let t = if k.abs() < 1e-12 {
        if a > 0.0 { target / a } else { u * d }
    } else {
        2.0 * target / (a + (a * a + 4.0 * k * target).max(0.0).sqrt())
    };
    t.clamp(0.0, d * (1.0 - f64::EPSILON))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::profile::{Profile, Segment, Source, builtin};

    fn profile(segments: Vec<Segment>) -> Profile {
        Profile {
            name: "t".into(),
            source: Source::Builtin,
            segments,
        }
    }

    #[test]
    fn steady_count_is_exact_and_arrivals_sorted_within_bounds() {
        let p = builtin("steady", 20.0, 0).unwrap().scaled(10.0).unwrap();
        let t = Timeline::generate(&p, 7, 1.0);
        assert_eq!(t.len(), 2000);
        assert!(t.arrivals_s.windows(2).all(|w| w[0] <= w[1]));
        assert!(t.arrivals_s[0] >= 0.0 && *t.arrivals_s.last().unwrap() < 20.0);
        // Uniform within the segment: each second holds about 100.
        let first_half = t.arrivals_s.iter().filter(|&&x| x < 10.0).count();
        assert!((900..=1100).contains(&first_half), "{first_half}");
    }

    #[test]
    fn same_seed_same_timeline_other_seed_differs() {
        let p = builtin("spike", 600.0, 0).unwrap();
        assert_eq!(
            Timeline::generate(&p, 1, 1.0),
            Timeline::generate(&p, 1, 1.0)
        );
        assert_ne!(
            Timeline::generate(&p, 1, 1.0).arrivals_s,
            Timeline::generate(&p, 2, 1.0).arrivals_s
        );
    }

    #[test]
    fn inter_arrival_gaps_look_exponential() {
        // Poisson: gap mean = 1/rate and coefficient of variation ~1 (a uniform grid has 0).
        let p = builtin("steady", 1000.0, 0).unwrap();
        let t = Timeline::generate(&p, 3, 1.0);
        let gaps: Vec<f64> = t.arrivals_s.windows(2).map(|w| w[1] - w[0]).collect();
        let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
        let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / gaps.len() as f64;
        assert!((mean - 0.1).abs() < 0.005, "mean {mean}");
        let cv = var.sqrt() / mean;
        assert!((0.95..1.05).contains(&cv), "cv {cv}");
    }

    #[test]
    fn ramp_arrivals_follow_the_rate() {
        // 0 → 10 req/s over 100 s: 500 arrivals, a quarter of them in the first half.
        let p = profile(vec![Segment {
            duration_s: 100.0,
            from_per_s: 0.0,
            to_per_s: 10.0,
        }]);
        let t = Timeline::generate(&p, 11, 1.0);
        assert_eq!(t.len(), 500);
        let first_half = t.arrivals_s.iter().filter(|&&x| x < 50.0).count();
        assert!((100..=150).contains(&first_half), "{first_half}");
    }

    #[test]
    fn fractional_segments_carry_their_remainder() {
        // 10 segments of 0.4 expected arrivals: 4 arrivals in all, none in idle segments.
        let mut segs = Vec::new();
        for _ in 0..10 {
            segs.push(Segment::constant(4.0, 0.1));
            segs.push(Segment::constant(100.0, 0.0));
        }
        let t = Timeline::generate(&profile(segs), 5, 1.0);
        assert_eq!(t.len(), 4);
        for a in &t.arrivals_s {
            assert!(
                a.rem_euclid(104.0) < 4.0,
                "arrival {a} fell in an idle segment"
            );
        }
    }

    #[test]
    fn compression_divides_wall_time_only() {
        let p = builtin("steady", 100.0, 0).unwrap();
        let t = Timeline::generate(&p, 1, 10.0);
        assert_eq!(t.len(), 1000);
        assert!((t.wall_due_s(999) - t.arrivals_s[999] / 10.0).abs() < 1e-12);
        assert!(t.wall_due_s(999) < 10.0);
    }
}
