//! The logged window as a loadgen profile file (`loadgen run --profile FILE`): `[[segment]]`
//! tables of the rate per minute, equal neighbours merged, so that loadgen replays the logged
//! shape (repeated when `--duration` is longer than the window). A file over loadgen's 1 MiB
//! limit steps up to 5, 15 and 60 minutes. The route shares follow as comments: the mix to give
//! a scenario's journeys. One writer for both `costcalc --write-profile` and `loadgen profile
//! from-logs` (which links this crate for it), so the two files cannot drift apart.

use super::aggregate::Aggregate;
use super::read::percent;

/// loadgen reads profile files of at most 1 MiB.
pub const MAX_BYTES: usize = 1 << 20;
const STEPS: [i64; 4] = [60, 300, 900, 3600];

/// A profile file's text and the step its rates are averaged over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    /// Seconds each rate is averaged over: 60, or longer when the file would pass `MAX_BYTES`.
    pub step_s: i64,
    /// `[[segment]]` tables written (equal neighbours merged).
    pub segments: usize,
}

/// The profile text, from `origin` ("logs: alb/"), written by `by` ("costcalc --write-profile").
pub fn render(a: &Aggregate, origin: &str, by: &str) -> Rendered {
    let mut out = at_step(a, origin, by, STEPS[0]);
    for step in &STEPS[1..] {
        if out.text.len() <= MAX_BYTES {
            break;
        }
        out = at_step(a, origin, by, *step);
    }
    out
}

fn at_step(a: &Aggregate, origin: &str, by: &str, step: i64) -> Rendered {
    let counts = a.per_step(step);
    let window = a.window_s();
    let mut s = format!(
        "# From access logs ({origin}): {} requests over {window} s, the rate per {} s.\n\
         name = \"from-logs\"\n\
         description = \"the logged window's rate per {} s, from {by}\"\n",
        a.requests, step, step
    );
    // Each step's rate over its own length (the last step holds what is left of the window),
    // equal neighbours merged.
    let last = counts.len().saturating_sub(1);
    let rates: Vec<(i64, String)> = counts
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let len = if i == last {
                window - step * last as i64
            } else {
                step
            };
            (len, format_rate(*c as f64 / len as f64))
        })
        .collect();
    let (mut i, mut segments) = (0, 0);
    while i < rates.len() {
        let mut len = rates[i].0;
        let mut j = i + 1;
        while j < rates.len() && rates[j].1 == rates[i].1 {
            len += rates[j].0;
            j += 1;
        }
        s.push_str(&format!(
            "[[segment]]\nduration = \"{len}s\"\nrate = {}\n",
            rates[i].1
        ));
        i = j;
        segments += 1;
    }
    s.push_str("# Route shares (requests):\n");
    for (route, r) in a.routes() {
        s.push_str(&format!(
            "#   {:>7}%  {route}\n",
            percent(r.requests, a.requests)
        ));
    }
    Rendered {
        text: s,
        step_s: step,
        segments,
    }
}

/// The route shares as tab-separated lines, the busiest first: per cent (2 places), requests,
/// route ("METHOD /template"), under a header line naming the columns.
pub fn shares(a: &Aggregate) -> String {
    let mut s = String::from("share_percent\trequests\troute\n");
    for (route, r) in a.routes() {
        s.push_str(&format!(
            "{}\t{}\t{route}\n",
            percent(r.requests, a.requests),
            r.requests
        ));
    }
    s
}

/// A rate with at most 6 decimals, trailing zeros dropped.
fn format_rate(r: f64) -> String {
    let t = format!("{r:.6}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    if t.is_empty() { "0".into() } else { t.into() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::source::logs::aggregate::of_seconds;

    #[test]
    fn minutes_become_segments_and_equal_neighbours_merge() {
        // Minute 0: 6 requests (0.1/s); minutes 1 and 2: none; minute 3: 3 requests at 180 s,
        // the window's last second (181 s in all): a last segment of 1 s at 3/s.
        let seconds = [0, 1, 2, 3, 4, 5, 180, 180, 180].map(|s| 1_000_000_020 + s);
        let a = of_seconds(&seconds);
        let r = render(&a, "logs: x", "a test");
        assert_eq!((r.step_s, r.segments), (60, 3));
        let t = r.text;
        let segs: Vec<&str> = t.lines().filter(|l| !l.starts_with('#')).skip(2).collect();
        assert_eq!(
            segs,
            [
                "[[segment]]",
                "duration = \"60s\"",
                "rate = 0.1",
                "[[segment]]",
                "duration = \"120s\"",
                "rate = 0",
                "[[segment]]",
                "duration = \"1s\"",
                "rate = 3",
            ]
        );
        assert!(t.contains("#    100.00%  GET /"), "{t}");
        assert_eq!(
            shares(&a),
            "share_percent\trequests\troute\n100.00\t9\tGET /\n"
        );
        let parsed: toml::Value = toml::from_str(&t).unwrap();
        assert_eq!(parsed["segment"].as_array().unwrap().len(), 3);
    }
}
