//! `--mix`: the share of sessions of each journey.

use super::{JOURNEYS, Journey};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::str::FromStr;

/// Session weights, `--mix newcomer=1,writer=9,reader=19,health=1` (the default): the share of
/// *sessions* of each kind; a health probe is a session of one request.
#[derive(Clone, Debug, PartialEq)]
pub struct Mix {
    pub weights: [u32; 4],
}

pub const DEFAULT_MIX: &str = "newcomer=1,writer=9,reader=19,health=1";

impl Default for Mix {
    fn default() -> Mix {
        DEFAULT_MIX.parse().expect("the default mix parses")
    }
}

impl FromStr for Mix {
    type Err = String;
    fn from_str(s: &str) -> Result<Mix, String> {
        let mut weights = [0u32; 4];
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let bad =
                || format!("invalid --mix '{s}': expected name=weight pairs such as {DEFAULT_MIX}");
            let (name, w) = part.split_once('=').ok_or_else(bad)?;
            let j = JOURNEYS
                .iter()
                .find(|j| j.name() == name.trim())
                .ok_or_else(|| {
                    format!(
                        "invalid --mix '{s}': unknown journey '{}', use newcomer, writer, reader, health",
                        name.trim()
                    )
                })?;
            weights[j.index()] = w.trim().parse().map_err(|_| bad())?;
        }
        if weights.iter().all(|w| *w == 0) {
            return Err(format!(
                "invalid --mix '{s}': at least one journey needs a weight > 0"
            ));
        }
        Ok(Mix { weights })
    }
}

impl Mix {
    pub fn pick(&self, rng: &mut ChaCha8Rng) -> Journey {
        let total: u32 = self.weights.iter().sum();
        let mut x = rng.random_range(0..total);
        for (j, w) in JOURNEYS.iter().zip(self.weights) {
            if x < w {
                return *j;
            }
            x -= w;
        }
        Journey::Health
    }

    /// Only health probes: no session ever outlives its one request.
    pub fn health_only(&self) -> bool {
        self.weights[..3].iter().all(|w| *w == 0)
    }
}
