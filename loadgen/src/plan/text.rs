//! Plausible journal text for the entries the journeys write.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

const WORDS: [&str; 40] = [
    "shipped",
    "the",
    "login",
    "page",
    "fixed",
    "a",
    "flaky",
    "test",
    "wrote",
    "docs",
    "for",
    "billing",
    "reviewed",
    "two",
    "pull",
    "requests",
    "paired",
    "on",
    "cache",
    "bug",
    "slow",
    "build",
    "kept",
    "me",
    "waiting",
    "meetings",
    "ate",
    "morning",
    "focus",
    "tomorrow",
    "finish",
    "migration",
    "ask",
    "about",
    "pricing",
    "refactor",
    "handler",
    "call",
    "with",
    "design",
];

/// A sentence of `min..=max` words, at most 256 characters (the API's field limit).
pub fn sentence(rng: &mut ChaCha8Rng, min: usize, max: usize) -> String {
    let n = rng.random_range(min..=max);
    let mut s: String = (0..n)
        .map(|_| WORDS[rng.random_range(0..WORDS.len())])
        .collect::<Vec<_>>()
        .join(" ");
    s.truncate(256);
    s
}

pub fn entry_json(rng: &mut ChaCha8Rng) -> String {
    serde_json::json!({
        "work": sentence(rng, 4, 30),
        "struggle": sentence(rng, 4, 20),
        "intention": sentence(rng, 4, 20),
    })
    .to_string()
}
