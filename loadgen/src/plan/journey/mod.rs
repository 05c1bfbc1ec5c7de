//! Which journey each new session plays: `--mix` (or the scenario's weights) as one weight per
//! journey of the scenario, in its order. What a journey sends is data ([`crate::scenario`]).

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Kept for `tune`, which builds journal-api events itself: the scenario module owns encoding.
pub use crate::scenario::form_encode;

/// Session weights, one per journey of the scenario in its order: the share of *sessions* of
/// each (a one-request journey, such as a health probe, is a session of one request).
#[derive(Clone, Debug, PartialEq)]
pub struct Mix {
    pub weights: Vec<u32>,
}

impl Mix {
    /// The index of a journey drawn by weight.
    pub fn pick(&self, rng: &mut ChaCha8Rng) -> usize {
        let total: u32 = self.weights.iter().sum();
        let mut x = rng.random_range(0..total.max(1));
        for (i, w) in self.weights.iter().enumerate() {
            if x < *w {
                return i;
            }
            x -= w;
        }
        self.weights.len().saturating_sub(1)
    }

    /// The weights of only the journeys `keep` accepts (by index), the others 0.
    pub fn only(&self, keep: impl Fn(usize) -> bool) -> Mix {
        Mix {
            weights: (self.weights.iter().enumerate())
                .map(|(i, w)| if keep(i) { *w } else { 0 })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.weights.iter().all(|w| *w == 0)
    }
}

/// An account sessions sign in as (`account.email`, `account.password`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub email: String,
    pub password: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn journeys_are_drawn_by_weight_in_the_scenario_order() {
        // 1:9:19:1 over 30,000 draws: shares 1/30, 9/30, 19/30, 1/30.
        let mix = Mix {
            weights: vec![1, 9, 19, 1],
        };
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut n = [0u32; 4];
        for _ in 0..30_000 {
            n[mix.pick(&mut rng)] += 1;
        }
        for (got, w) in n.iter().zip([1.0, 9.0, 19.0, 1.0]) {
            let want = 30_000.0 * w / 30.0;
            assert!((f64::from(*got) - want).abs() < want * 0.1 + 30.0, "{n:?}");
        }
        let members = mix.only(|i| i == 1 || i == 2);
        assert_eq!(members.weights, [0, 9, 19, 0]);
        assert!(!members.is_empty() && mix.only(|_| false).is_empty());
        // A zero weight is never drawn.
        let one = Mix {
            weights: vec![0, 5, 0],
        };
        assert!((0..100).all(|_| one.pick(&mut rng) == 1));
    }
}
