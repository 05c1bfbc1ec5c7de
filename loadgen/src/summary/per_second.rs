//! The per-second timeline of what was sent, failed and dropped.

use super::types::{Sample, Second};

/// Requests sent, failed and arrivals dropped per wall-clock second.
pub fn per_second(
    wall_seconds: f64,
    samples: &[Sample],
    dropped_due_wall_s: &[f64],
) -> Vec<Second> {
    let empty = |i: usize| Second {
        second: i as u64,
        sent: 0,
        errors: 0,
        dropped: 0,
    };
    let seconds = wall_seconds.ceil().max(0.0) as usize;
    let mut timeline: Vec<Second> = (0..seconds).map(empty).collect();
    let mut slot = |t: f64| {
        let i = t.max(0.0) as usize;
        if i >= timeline.len() {
            let from = timeline.len();
            timeline.extend((from..=i).map(empty));
        }
        i
    };
    let sent: Vec<(usize, bool)> = samples
        .iter()
        .map(|s| (slot(s.sent_wall_s), s.ok))
        .collect();
    let dropped: Vec<usize> = dropped_due_wall_s.iter().map(|d| slot(*d)).collect();
    for (i, ok) in sent {
        timeline[i].sent += 1;
        timeline[i].errors += u64::from(!ok);
    }
    for i in dropped {
        timeline[i].dropped += 1;
    }
    timeline
}
