//! Progress lines on stderr while the run is on, and a live warning when arrivals are dropped.
//!
//! A dropped share above 1% means the target (or loadgen) did not keep up: the measured latency
//! is then queueing, not service time, and the run is no basis for a cost estimate. Saying so
//! while the run is on lets the user stop it instead of waiting for the end.

use crate::run::worker::Shared;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

/// Dropped share (percent of the arrivals due so far) above which the run warns.
pub const WARN_DROPPED_PERCENT: f64 = 1.0;

/// Counters at one moment.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tick {
    pub elapsed_s: f64,
    pub wall_s: f64,
    pub sent: u64,
    pub errors: u64,
    pub dropped: u64,
    pub scheduled: u64,
}

/// Percent of the arrivals played so far (sent or dropped) that were dropped.
pub fn dropped_percent(t: &Tick) -> f64 {
    let played = t.sent + t.dropped;
    if played == 0 {
        0.0
    } else {
        t.dropped as f64 * 100.0 / played as f64
    }
}

pub fn line(t: &Tick) -> String {
    format!(
        "loadgen: {:>6.1}s/{:.0}s  sent {}  errors {}  dropped {} ({:.1}%)  of {} scheduled",
        t.elapsed_s.min(t.wall_s),
        t.wall_s,
        t.sent,
        t.errors,
        t.dropped,
        dropped_percent(t),
        t.scheduled
    )
}

/// The warning to print, once, when the dropped share first passes the limit.
pub fn warning(t: &Tick, warned: &mut bool) -> Option<String> {
    let pct = dropped_percent(t);
    if *warned || pct <= WARN_DROPPED_PERCENT {
        return None;
    }
    *warned = true;
    Some(format!(
        "loadgen: WARNING: {pct:.1}% of the arrivals so far were dropped (over {WARN_DROPPED_PERCENT}%): the target cannot keep up at this rate, so latency is queueing and the run is no basis for a cost estimate; lower --compress or --rate-scale (or try --compress auto)"
    ))
}

pub async fn report(shared: Arc<Shared>, wall_s: f64) {
    let every = Duration::from_secs(if wall_s > 120.0 { 10 } else { 2 });
    let mut warned = false;
    loop {
        tokio::time::sleep(every).await;
        let Some(t0) = shared.clock.t0.get() else {
            continue;
        };
        let tick = Tick {
            elapsed_s: Instant::now().saturating_duration_since(*t0).as_secs_f64(),
            wall_s,
            sent: shared.tally.sent.load(Relaxed),
            errors: shared.tally.errors.load(Relaxed),
            dropped: shared.tally.n_dropped.load(Relaxed),
            scheduled: shared.clock.timeline.len() as u64,
        };
        errln!("{}", line(&tick));
        if let Some(w) = warning(&tick, &mut warned) {
            errln!("{w}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tick(sent: u64, dropped: u64) -> Tick {
        Tick {
            elapsed_s: 12.0,
            wall_s: 600.0,
            sent,
            errors: 0,
            dropped,
            scheduled: 95_040,
        }
    }

    #[test]
    fn lines_show_the_dropped_share_and_warn_once_past_one_percent() {
        assert_eq!(
            line(&tick(950, 50)),
            "loadgen:   12.0s/600s  sent 950  errors 0  dropped 50 (5.0%)  of 95040 scheduled"
        );
        assert_eq!(dropped_percent(&tick(0, 0)), 0.0);
        let mut warned = false;
        assert_eq!(
            warning(&tick(990, 10), &mut warned),
            None,
            "1.0% is not over"
        );
        let w = warning(&tick(989, 11), &mut warned).unwrap();
        assert!(
            w.starts_with("loadgen: WARNING: 1.1% of the arrivals"),
            "{w}"
        );
        assert_eq!(warning(&tick(900, 100), &mut warned), None, "once");
    }
}
