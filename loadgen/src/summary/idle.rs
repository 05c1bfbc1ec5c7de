//! Idle gaps: silences long enough that a scale-to-zero target would have gone cold.

use super::types::{IdleGap, Sample};

/// Idle gaps, in real time: from the end of the last response to the next send.
pub fn idle_gaps(samples: &[Sample], f: f64, threshold_s: f64) -> Vec<IdleGap> {
    let mut order: Vec<&Sample> = samples.iter().collect();
    order.sort_by(|a, b| a.sent_wall_s.total_cmp(&b.sent_wall_s));
    let mut gaps = Vec::new();
    let mut last_end: Option<f64> = None;
    for s in order {
        if let Some(end) = last_end {
            let gap_real = (s.sent_wall_s - end) * f;
            if gap_real >= threshold_s {
                gaps.push(IdleGap {
                    start_s: end * f,
                    real_seconds: gap_real,
                    first_request_latency_ms: s.latency_ms,
                });
            }
        }
        let end = s.sent_wall_s + s.latency_ms / 1000.0;
        last_end = Some(last_end.map_or(end, |e: f64| e.max(end)));
    }
    gaps
}
