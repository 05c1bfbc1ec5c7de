//! Send or drop: which arrival of the timeline a free user takes next, and whether it is still
//! on time.
//!
//! This is what keeps loadgen an open model. Users claim arrivals in timeline order, each exactly
//! once. An arrival claimed more than the tolerance after it was due (every user was busy until
//! then) is dropped, never sent late: sending it late would quietly lower the rate the target
//! sees. The caller records a drop (its wall due time, for the per-second timeline) and claims
//! again; it sleeps until a due arrival's time and sends it. No I/O and no clock here: the caller
//! passes `now`, so the rule is tested with hand-made timelines and times.

use crate::plan::timeline::Timeline;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

/// One arrival of the timeline, as claimed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arrival {
    /// Position in the timeline.
    pub index: usize,
    /// Due time in schedule seconds from the start.
    pub sched_s: f64,
    /// Due time in wall seconds from the start (schedule time / compression).
    pub wall_s: f64,
}

impl Arrival {
    /// The due time as a wall offset from the start, at the clock's (nanosecond) resolution.
    pub fn due(&self) -> Duration {
        Duration::from_secs_f64(self.wall_s)
    }
}

/// What a claim got.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Claim {
    /// The caller's to send at [`Arrival::due`] (now or later).
    Due(Arrival),
    /// Past its due time by more than the tolerance: the caller records it as dropped and claims
    /// again.
    Dropped(Arrival),
    /// Every arrival has been claimed (sent or dropped).
    Exhausted,
}

/// The decision for arrival `index` at `now` (wall time since the start, zero before it):
/// dropped when `now` is strictly past due + `tolerance`, so exactly at the limit it is sent.
pub fn judge(timeline: &Timeline, index: usize, tolerance: Duration, now: Duration) -> Claim {
    let Some(&sched_s) = timeline.arrivals_s.get(index) else {
        return Claim::Exhausted;
    };
    let arrival = Arrival {
        index,
        sched_s,
        wall_s: timeline.wall_due_s(index),
    };
    if now > arrival.due() + tolerance {
        Claim::Dropped(arrival)
    } else {
        Claim::Due(arrival)
    }
}

/// The timeline cursor all users share, and the tolerance.
#[derive(Debug)]
pub struct Dispatch {
    /// The next arrival nobody has claimed. An atomic rather than a lock: every user claims on
    /// every arrival, and an atomic increment never makes one runtime worker wait for another.
    next: AtomicUsize,
    tolerance: Duration,
}

impl Dispatch {
    pub fn new(tolerance: Duration) -> Dispatch {
        Dispatch {
            next: AtomicUsize::new(0),
            tolerance,
        }
    }

    /// Takes the next arrival of `timeline` and judges it at `now` (wall time since the start).
    /// Each arrival goes to exactly one claim, whichever user makes it.
    pub fn claim(&self, timeline: &Timeline, now: Duration) -> Claim {
        let index = self.next.fetch_add(1, Relaxed);
        judge(timeline, index, self.tolerance, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn timeline(arrivals_s: &[f64], compression: f64) -> Timeline {
        Timeline {
            arrivals_s: arrivals_s.to_vec(),
            compression,
        }
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn an_arrival_not_yet_due_or_within_the_tolerance_is_the_callers_to_send() {
        let t = timeline(&[1.0, 2.0], 1.0);
        let d = Dispatch::new(ms(50));
        // Before its time (the caller sleeps until then).
        let first = Arrival {
            index: 0,
            sched_s: 1.0,
            wall_s: 1.0,
        };
        assert_eq!(d.claim(&t, ms(0)), Claim::Due(first));
        assert_eq!(first.due(), ms(1000));
        // 2 s due, claimed 40 ms late: 40 < 50, still sent.
        assert_eq!(
            d.claim(&t, ms(2000 + 40)),
            Claim::Due(Arrival {
                index: 1,
                sched_s: 2.0,
                wall_s: 2.0,
            })
        );
        assert_eq!(d.claim(&t, ms(0)), Claim::Exhausted);
    }

    #[test]
    fn compression_divides_the_due_time_the_tolerance_is_wall_time() {
        // Schedule 10 s at 4x is due 10 / 4 = 2.5 s of wall time; the limit is 2.5 s + 50 ms.
        let t = timeline(&[10.0], 4.0);
        let limit = ms(2500 + 50);
        let Claim::Due(a) = judge(&t, 0, ms(50), limit) else {
            panic!("sent at the limit")
        };
        assert_eq!((a.sched_s, a.wall_s, a.due()), (10.0, 2.5, ms(2500)));
        assert_eq!(
            judge(&t, 0, ms(50), limit + Duration::from_nanos(1)),
            Claim::Dropped(a)
        );
    }

    #[test]
    fn exactly_at_the_lateness_limit_is_sent_one_nanosecond_past_it_is_dropped() {
        // Due at 0.5 s with 100 ms of tolerance: the limit is 0.5 + 0.1 = 0.6 s.
        let t = timeline(&[0.5], 1.0);
        let a = Arrival {
            index: 0,
            sched_s: 0.5,
            wall_s: 0.5,
        };
        assert_eq!(judge(&t, 0, ms(100), ms(600)), Claim::Due(a));
        let past = ms(600) + Duration::from_nanos(1);
        assert_eq!(judge(&t, 0, ms(100), past), Claim::Dropped(a));
        // No tolerance: on time is sent, any later is dropped.
        assert_eq!(judge(&t, 0, Duration::ZERO, ms(500)), Claim::Due(a));
        assert_eq!(
            judge(&t, 0, Duration::ZERO, ms(500) + Duration::from_nanos(1)),
            Claim::Dropped(a)
        );
    }

    #[test]
    fn a_late_user_drops_every_missed_arrival_in_a_row_then_takes_the_next_due_one() {
        // At 500 ms with 50 ms of tolerance, arrivals due at 0, 10 and 20 ms are past their limit
        // (50, 60, 70 ms); the one due at 1 s is not.
        let t = timeline(&[0.0, 0.01, 0.02, 1.0], 1.0);
        let d = Dispatch::new(ms(50));
        let now = ms(500);
        let mut dropped = Vec::new();
        let due = loop {
            match d.claim(&t, now) {
                Claim::Dropped(a) => dropped.push((a.index, a.wall_s)),
                Claim::Due(a) => break a,
                Claim::Exhausted => panic!("the arrival at 1 s was due"),
            }
        };
        assert_eq!(dropped, [(0, 0.0), (1, 0.01), (2, 0.02)]);
        assert_eq!((due.index, due.wall_s), (3, 1.0));
        assert_eq!(d.claim(&t, now), Claim::Exhausted);
    }

    #[test]
    fn an_exhausted_timeline_stays_exhausted_and_an_empty_one_starts_so() {
        let d = Dispatch::new(ms(50));
        let empty = timeline(&[], 1.0);
        assert_eq!(d.claim(&empty, ms(0)), Claim::Exhausted);
        assert_eq!(d.claim(&empty, ms(0)), Claim::Exhausted);
        let t = timeline(&[0.0], 1.0);
        let d = Dispatch::new(ms(50));
        assert!(matches!(d.claim(&t, ms(0)), Claim::Due(_)));
        for _ in 0..3 {
            assert_eq!(d.claim(&t, ms(0)), Claim::Exhausted);
        }
    }

    #[test]
    fn users_claiming_at_once_share_out_every_arrival_exactly_once() {
        // Due every 1 ms from 0 to 9.999 s; at 5.0505 s with 50 ms of tolerance, arrival i is
        // dropped iff i ms + 50 ms < 5050.5 ms, that is i <= 5000: 5001 dropped, 4999 due.
        let n = 10_000;
        let t = timeline(&(0..n).map(|i| i as f64 / 1000.0).collect::<Vec<_>>(), 1.0);
        let d = Dispatch::new(ms(50));
        let now = Duration::from_micros(5_050_500);
        let claimed: Vec<(usize, bool)> = std::thread::scope(|s| {
            let users: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        let mut mine = Vec::new();
                        loop {
                            match d.claim(&t, now) {
                                Claim::Due(a) => mine.push((a.index, false)),
                                Claim::Dropped(a) => mine.push((a.index, true)),
                                Claim::Exhausted => return mine,
                            }
                        }
                    })
                })
                .collect();
            users.into_iter().flat_map(|u| u.join().unwrap()).collect()
        });
        assert_eq!(claimed.len(), n);
        let indices: BTreeSet<usize> = claimed.iter().map(|c| c.0).collect();
        assert_eq!(indices, (0..n).collect(), "each arrival claimed once");
        assert!(claimed.iter().all(|&(i, dropped)| dropped == (i <= 5000)));
        assert_eq!(claimed.iter().filter(|c| c.1).count(), 5001);
    }

    proptest! {
        /// Whatever the timeline, tolerance and clock, one user claiming until the end meets every
        /// arrival once, in order, sent or dropped by the rule.
        #[test]
        fn every_arrival_is_either_sent_once_or_dropped_once(
            mut arrivals_s in prop::collection::vec(0.0..100.0_f64, 0..60),
            compression in 0.5..50.0_f64,
            tolerance_ms in 0..200_u64,
            steps_ms in prop::collection::vec(0..500_u64, 1..80),
        ) {
            arrivals_s.sort_by(f64::total_cmp);
            let t = timeline(&arrivals_s, compression);
            let d = Dispatch::new(ms(tolerance_ms));
            let mut now = Duration::ZERO;
            let mut seen = Vec::new();
            for k in 0.. {
                now += ms(steps_ms[k % steps_ms.len()]);
                let (a, dropped) = match d.claim(&t, now) {
                    Claim::Due(a) => (a, false),
                    Claim::Dropped(a) => (a, true),
                    Claim::Exhausted => break,
                };
                prop_assert_eq!(a.sched_s, arrivals_s[a.index]);
                prop_assert_eq!(a.wall_s, arrivals_s[a.index] / compression);
                prop_assert_eq!(dropped, now > a.due() + ms(tolerance_ms));
                seen.push(a.index);
            }
            prop_assert_eq!(seen, (0..arrivals_s.len()).collect::<Vec<_>>());
            prop_assert_eq!(d.claim(&t, now), Claim::Exhausted);
        }
    }
}
