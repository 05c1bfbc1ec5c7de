//! Plausible journal text for the entries the journeys write.

use rand_chacha::ChaCha8Rng;

/// A sentence of `min..=max` words, at most 256 characters (the API's field limit): the scenario
/// module's `{words:..}` generator, which owns the word list.
pub fn sentence(rng: &mut ChaCha8Rng, min: u32, max: u32) -> String {
    crate::scenario::words(rng, min, max)
}

pub fn entry_json(rng: &mut ChaCha8Rng) -> String {
    serde_json::json!({
        "work": sentence(rng, 4, 30),
        "struggle": sentence(rng, 4, 20),
        "intention": sentence(rng, 4, 20),
    })
    .to_string()
}
