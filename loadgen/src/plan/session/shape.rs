//! How sessions are shaped: how many requests each sends (drawn per session), the share that
//! log out, and the think time between two requests; the scenario's, or the flags' for all.

use crate::scenario::{JourneySpec, SessionRequests, SessionSpec};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::str::FromStr;

/// Requests a session sends after signing in (refreshes and the logout not counted).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SessionLength {
    /// Always N.
    Fixed(u32),
    /// Geometric on 1, 2, ... with this mean: most sessions short, a few long.
    Geometric(f64),
    /// Uniform in min..=max.
    Uniform(u32, u32),
}

impl FromStr for SessionLength {
    type Err = String;
    fn from_str(s: &str) -> Result<SessionLength, String> {
        let bad = || {
            format!(
                "invalid --session-requests '{s}': use N (every session N requests), geo:MEAN (geometric, e.g. geo:12) or MIN..MAX (uniform), all >= 1"
            )
        };
        let t = s.trim();
        let len = if let Some(m) = t.strip_prefix("geo:") {
            let mean: f64 = m.trim().parse().map_err(|_| bad())?;
            if !(mean.is_finite() && mean >= 1.0) {
                return Err(bad());
            }
            SessionLength::Geometric(mean)
        } else if let Some((a, b)) = t.split_once("..") {
            let a: u32 = a.trim().parse().map_err(|_| bad())?;
            let b: u32 = b.trim().parse().map_err(|_| bad())?;
            if a == 0 || b < a {
                return Err(bad());
            }
            SessionLength::Uniform(a, b)
        } else {
            let n: u32 = t.parse().map_err(|_| bad())?;
            if n == 0 {
                return Err(bad());
            }
            SessionLength::Fixed(n)
        };
        Ok(len)
    }
}

impl SessionLength {
    pub fn sample(&self, rng: &mut ChaCha8Rng) -> u32 {
        match *self {
            SessionLength::Fixed(n) => n,
            SessionLength::Uniform(a, b) => rng.random_range(a..=b),
            SessionLength::Geometric(mean) if mean <= 1.0 => 1,
            SessionLength::Geometric(mean) => {
                // Inverse CDF of the geometric law on {1, 2, ...} with p = 1/mean.
                let u: f64 = 1.0 - rng.random::<f64>(); // (0, 1]
                let k = (u.ln() / (1.0 - 1.0 / mean).ln()).ceil();
                k.clamp(1.0, u32::MAX as f64) as u32
            }
        }
    }

    /// Requests left in a session found under way at a random moment: the geometric law is
    /// memoryless (the same law again); otherwise uniform up to a fresh draw.
    pub fn residual(&self, rng: &mut ChaCha8Rng) -> u32 {
        match self {
            SessionLength::Geometric(_) => self.sample(rng),
            _ => {
                let n = self.sample(rng);
                rng.random_range(1..=n)
            }
        }
    }

    /// Expected plays of each position of a session that sends `opening` steps once, then
    /// cycles through `cycle` steps (a [`crate::scenario::Player`] journey): position p (0 from
    /// the first step after sign-in) is played when the session sends more than p requests,
    /// P(N > p) under [`SessionLength::sample`]'s law. Returns `opening + cycle` figures, the
    /// opening's first; all zero when `cycle` is 0 (such a journey sends nothing).
    pub fn expected_plays(&self, opening: usize, cycle: usize) -> Vec<f64> {
        let mut out = vec![0.0; opening + cycle];
        if cycle == 0 {
            return out;
        }
        if let SessionLength::Geometric(mean) = *self
            && mean > 1.0
        {
            // P(N > p) = q^p with q = 1 - 1/mean (the inverse CDF above); a cycle step k is
            // played at positions opening + k + n x cycle, n = 0, 1, ...: a geometric series.
            let q = 1.0 - 1.0 / mean;
            for (p, o) in out.iter_mut().enumerate().take(opening) {
                *o = q.powi(p as i32);
            }
            let c = usize::min(cycle, i32::MAX as usize) as i32;
            for (p, o) in out.iter_mut().enumerate().skip(opening) {
                *o = q.powf(p as f64) / (1.0 - q.powi(c));
            }
            return out;
        }
        // Fixed, uniform (and geometric of mean 1): at most MAX_SESSION_REQUESTS positions.
        let last = match *self {
            SessionLength::Fixed(n) => n,
            SessionLength::Uniform(_, b) => b,
            SessionLength::Geometric(_) => 1,
        };
        // (A scenario's lengths are at most 10^6: a loop of at most that many terms.)
        for p in 0..last {
            let at = p as usize;
            let i = if at < opening {
                at
            } else {
                opening + (at - opening) % cycle
            };
            out[i] += self.survival(p);
        }
        out
    }

    /// P(N > p), for the lengths [`SessionLength::expected_plays`] sums term by term.
    fn survival(&self, p: u32) -> f64 {
        match *self {
            SessionLength::Fixed(n) => f64::from(u8::from(p < n)),
            SessionLength::Uniform(a, _) if p < a => 1.0,
            SessionLength::Uniform(a, b) if p < b => f64::from(b - p) / f64::from(b - a + 1),
            SessionLength::Uniform(..) => 0.0,
            SessionLength::Geometric(_) => f64::from(u8::from(p < 1)),
        }
    }

    pub fn mean(&self) -> f64 {
        match *self {
            SessionLength::Fixed(n) => n as f64,
            SessionLength::Uniform(a, b) => (a as f64 + b as f64) / 2.0,
            SessionLength::Geometric(m) => m,
        }
    }

    /// The text form, as given to `--session-requests`.
    pub fn describe(&self) -> String {
        match *self {
            SessionLength::Fixed(n) => n.to_string(),
            SessionLength::Uniform(a, b) => format!("{a}..{b}"),
            SessionLength::Geometric(m) => format!("geo:{m}"),
        }
    }
}

impl From<SessionRequests> for SessionLength {
    fn from(r: SessionRequests) -> SessionLength {
        match r {
            SessionRequests::Fixed(n) => SessionLength::Fixed(n),
            SessionRequests::Geometric(m) => SessionLength::Geometric(m),
            SessionRequests::Uniform(a, b) => SessionLength::Uniform(a, b),
        }
    }
}

/// What `--session-requests`, `--logout-share` and `--think-time` override for every journey
/// (`None`: each journey's own, from the scenario).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SessionConfig {
    pub length: Option<SessionLength>,
    /// Share of sessions, 0 to 1, that end with a logout.
    pub logout_share: Option<f64>,
    /// Least schedule time between two requests of a session.
    pub think_s: Option<f64>,
}

impl SessionConfig {
    /// Requests a session of journey `j` sends after signing in.
    pub fn length(&self, j: &JourneySpec) -> SessionLength {
        self.length.unwrap_or_else(|| j.session_requests.into())
    }

    pub fn think_s(&self, j: &JourneySpec) -> f64 {
        self.think_s.unwrap_or(j.think_s)
    }

    /// Share of the sessions of `s` that log out (0 without a logout block).
    pub fn logout_share(&self, s: Option<&SessionSpec>) -> f64 {
        match s.and_then(|s| s.logout.as_ref()) {
            Some(l) => self.logout_share.unwrap_or(l.share),
            None => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn session_lengths_parse_and_sample_around_their_mean() {
        assert_eq!("12".parse(), Ok(SessionLength::Fixed(12)));
        assert_eq!("geo:12".parse(), Ok(SessionLength::Geometric(12.0)));
        assert_eq!("5..30".parse(), Ok(SessionLength::Uniform(5, 30)));
        for bad in ["0", "geo:0.5", "30..5", "x", "geo:"] {
            let e = bad.parse::<SessionLength>().unwrap_err();
            assert!(
                e.starts_with(&format!("invalid --session-requests '{bad}'")),
                "{e}"
            );
        }
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let g = SessionLength::Geometric(12.0);
        let v: Vec<u32> = (0..20_000).map(|_| g.sample(&mut rng)).collect();
        let mean = v.iter().map(|x| f64::from(*x)).sum::<f64>() / v.len() as f64;
        assert!((11.6..12.4).contains(&mean), "mean {mean}");
        assert!(v.iter().all(|x| *x >= 1));
        // Memoryless: P(N > 45) = (11/12)^45, about 2%.
        let long = v.iter().filter(|x| **x > 45).count() as f64 / v.len() as f64;
        assert!((0.013..0.027).contains(&long), "{long}");
        assert_eq!(SessionLength::Geometric(1.0).sample(&mut rng), 1);
        let u = SessionLength::Uniform(5, 30);
        assert!((0..1000).all(|_| (5..=30).contains(&u.sample(&mut rng))));
        assert_eq!(g.describe(), "geo:12");
    }

    #[test]
    fn expected_plays_of_each_step_follow_the_length_law() {
        let close = |got: Vec<f64>, want: &[f64]| {
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(want) {
                assert!((g - w).abs() < 1e-9, "{got:?} vs {want:?}");
            }
        };
        // Fixed 4, one opening step then a cycle of 3: positions 0 (opening), 1, 2, 3.
        close(
            SessionLength::Fixed(4).expected_plays(1, 3),
            &[1.0, 1.0, 1.0, 1.0],
        );
        close(SessionLength::Fixed(7).expected_plays(0, 2), &[4.0, 3.0]);
        // Uniform 1..3: N = 1, 2, 3 alike; step 0 plays at positions 0 and 2 (1 + 1/3), step 1
        // at position 1 (N >= 2: 2/3).
        close(
            SessionLength::Uniform(1, 3).expected_plays(0, 2),
            &[4.0 / 3.0, 2.0 / 3.0],
        );
        // geo:12 (q = 11/12), the journal's newcomer: the opening once, then the cycle step k
        // q^(1+k) / (1 - q^3), 1 - q^3 = 397/1728: 1584/397, 1452/397, 1331/397; 12 in all.
        let g = SessionLength::Geometric(12.0).expected_plays(1, 3);
        close(
            g.clone(),
            &[1.0, 1584.0 / 397.0, 1452.0 / 397.0, 1331.0 / 397.0],
        );
        assert!((g.iter().sum::<f64>() - 12.0).abs() < 1e-9);
        // No cycle: nothing is sent, not even the opening (the player's rule).
        close(SessionLength::Fixed(3).expected_plays(2, 0), &[0.0, 0.0]);
    }

    #[test]
    fn a_session_under_way_has_at_most_its_length_left() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let fixed = SessionLength::Fixed(4);
        assert!((0..200).all(|_| (1..=4).contains(&fixed.residual(&mut rng))));
    }
}
