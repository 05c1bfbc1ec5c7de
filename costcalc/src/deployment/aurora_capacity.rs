//! Aurora Serverless v2's ACUs over the month, from what was measured: the database CPU per
//! request (the `server` block) at the schedule's rate played at real time, over the traffic's
//! timeline, followed with the scale-down lag (`pricing::aurora_scaling`).
//!
//! The timeline, in order of preference:
//! - a loadgen run's `timeline` (requests per wall second, each `compression` real seconds), or
//!   access logs' requests a minute over the logged window, scaled to the month's volume and
//!   repeated over the month like the profile (the window);
//! - `--traffic weekdays`: one week of five 9-hour days at their rate, nights and the weekend idle,
//!   repeated hours / 168 times;
//! - otherwise the month at its average rate (one level: the lag never shows).
//!
//! Demand: requests a second x database CPU seconds per request / 0.25 vCPU per ACU (assumed:
//! docs/aurora-serverless-v2.md), rounded up to the next 0.5 ACU, within the range.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::Options;
use super::aurora::{POOL_IDLE_S, Serverless, VCPU_PER_ACU};
use crate::pricing::aurora_scaling::{self, STEP, Scaling, Stretch};
use crate::workload::shape::{self, Traffic};
use crate::workload::{RequestTimeline, Workload};

/// The assumed scale-down rate: 0.5 ACU per this many seconds (`--acu-scale-down-lag`). AWS says
/// only that scaling down is gradual and publishes no rate; a minute is the resolution of the
/// `ServerlessDatabaseCapacity` metric one would check it against.
pub const DEFAULT_SCALE_DOWN_LAG_S: Decimal = dec!(60);
/// The largest lag accepted: an hour per half ACU.
pub const MAX_SCALE_DOWN_LAG_S: Decimal = dec!(3600);

/// The month's capacity above the floor, and how it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Capacity {
    pub floor: Decimal,
    /// The most the cluster holds at any time (the load's need, within the range).
    pub peak: Decimal,
    /// The most the load needs at any time, above the maximum or not: when above, the cluster
    /// is saturated at its busiest and the total is incomplete.
    pub needed: Decimal,
    /// ACU-hours above the floor a month, with the lag, and with capacity following at once.
    pub excess_h: Decimal,
    pub at_once_h: Decimal,
    /// What the timeline was, in words.
    pub timeline: &'static str,
}

/// Seconds of the month the requests arrive in, at the schedule's rate played at real time: the
/// whole month, or the weekdays' 09:00-18:00.
pub fn busy_s(w: &Workload, o: &Options) -> Decimal {
    match w.traffic {
        Traffic::Even => o.hours * dec!(3600),
        Traffic::Weekdays => shape::weekdays_per_month(o.hours) * shape::DAY_S,
    }
}

/// ACUs `rate` requests a second need, rounded up to 0.5, at least `floor`, whatever the maximum.
fn need(rate: Decimal, w: &Workload, floor: Decimal) -> Decimal {
    let need = match w.db_cpu_ms_per_request {
        Some(ms) => rate * ms / dec!(1000) / VCPU_PER_ACU,
        None => Decimal::ZERO,
    };
    ((need / STEP).ceil() * STEP).max(floor)
}

/// What the cluster holds for a `need`: at most the maximum (or the floor, when that is higher).
fn held(need: Decimal, s: &Serverless, floor: Decimal) -> Decimal {
    need.min(s.acu_max.max(floor))
}

/// ACUs `rate` requests a second need, rounded up to 0.5, at least `floor`, at most the maximum
/// (or the floor, when that is higher).
fn demand(rate: Decimal, w: &Workload, s: &Serverless, floor: Decimal) -> Decimal {
    held(need(rate, w, floor), s, floor)
}

/// ACUs held while the requests arrive at the schedule's average rate (the busy hours' on
/// weekdays).
pub fn busy_acus(s: &Serverless, w: &Workload, o: &Options) -> Decimal {
    demand(
        w.requests_per_month / busy_s(w, o),
        w,
        s,
        s.acu_min.max(STEP),
    )
}

/// The run's timeline at the month's volume: (real seconds, requests a second) a bucket, and how
/// many times the month repeats it.
fn run_rates(t: &RequestTimeline, w: &Workload, o: &Options) -> (Vec<Decimal>, Decimal) {
    let month_s = o.hours * dec!(3600);
    let run: Decimal = t.requests.iter().sum();
    let repeats = month_s / (t.bucket_s * Decimal::from(t.requests.len()));
    // Requests a profile at the month's volume, shared as the run shared them.
    let factor = w.requests_per_month / repeats / run;
    let rates = t.requests.iter().map(|r| r * factor / t.bucket_s).collect();
    (rates, repeats)
}

/// Neighbours at the same ACUs, both idle or both busy, as one stretch: the scaling plays a
/// stretch split in two exactly as the whole (the step-down clock and the idle time carry over),
/// and a logged window's nights or a run's quiet stretches are then one stretch, not a minute
/// or a second each (break-even prices the timeline hundreds of times).
fn merged(stretches: impl Iterator<Item = Stretch>) -> Vec<Stretch> {
    let mut v: Vec<Stretch> = Vec::new();
    for x in stretches {
        match v.last_mut() {
            Some(last) if last.acus == x.acus && last.idle == x.idle => last.seconds += x.seconds,
            _ => v.push(x),
        }
    }
    v
}

/// The stretches of one repeat of the timeline, its repeats a month, its name, and the most the
/// load needs in it (above the maximum or not).
fn stretches(
    s: &Serverless,
    w: &Workload,
    o: &Options,
    floor: Decimal,
) -> (Vec<Stretch>, Decimal, &'static str, Decimal) {
    let mut needed = floor;
    let mut at = |seconds, rate: Decimal| {
        let n = need(rate, w, floor);
        needed = needed.max(n);
        Stretch {
            seconds,
            acus: held(n, s, floor),
            idle: rate.is_zero(),
        }
    };
    let (v, repeats, timeline) = match (&w.request_timeline, w.traffic) {
        (Some(t), Traffic::Even) if !t.requests.is_empty() => {
            let (rates, repeats) = run_rates(t, w, o);
            let v = merged(rates.into_iter().map(|r| at(t.bucket_s, r)));
            (v, repeats, t.source.timeline())
        }
        (_, Traffic::Weekdays) => {
            let rate = w.requests_per_month / busy_s(w, o);
            let mut week = Vec::new();
            for night in [shape::NIGHT_S; 4].into_iter().chain([shape::WEEKEND_S]) {
                week.extend([at(shape::DAY_S, rate), at(night, Decimal::ZERO)]);
            }
            (week, o.hours / dec!(168), "weekdays 09:00-18:00")
        }
        _ => {
            let month_s = o.hours * dec!(3600);
            let rate = w.requests_per_month / month_s;
            (
                vec![at(month_s, rate)],
                Decimal::ONE,
                "the month's average rate",
            )
        }
    };
    (v, repeats, timeline, needed)
}

/// The month's capacity above `floor` (the minimum, or RDS Proxy's minimum ACUs for the proxy's
/// basis), with auto-pause cutting the step-down short when `pause` (never with the proxy).
pub fn capacity(
    s: &Serverless,
    w: &Workload,
    o: &Options,
    floor: Decimal,
    pause: bool,
) -> Capacity {
    let (v, repeats, timeline, needed) = stretches(s, w, o, floor);
    let scaling = |lag_s| Scaling {
        floor,
        lag_s,
        pause_wait_s: pause.then_some(POOL_IDLE_S + s.pause_after_s),
    };
    let hours =
        |lag_s| aurora_scaling::excess_acu_seconds(&v, &scaling(lag_s)) * repeats / dec!(3600);
    Capacity {
        floor,
        peak: v.iter().map(|x| x.acus).max().unwrap_or(floor),
        needed,
        excess_h: hours(s.scale_down_lag_s),
        at_once_h: hours(Decimal::ZERO),
        timeline,
    }
}

/// Where the ACUs step, as (level, quantity per request) pairs for break-even: each 0.5-ACU level
/// of each distinct rate of the timeline. Between them every stretch's demand is constant, and so
/// are the step-downs: the cost is affine.
pub fn kinks(s: &Serverless, w: &Workload, o: &Options) -> Vec<(Decimal, Decimal)> {
    let Some(ms) = w.db_cpu_ms_per_request else {
        return Vec::new();
    };
    let cpu = ms / dec!(1000) / VCPU_PER_ACU;
    // Requests a second per monthly request, one per distinct bucket of the run.
    let mut per_request: Vec<Decimal> = match (&w.request_timeline, w.traffic) {
        (Some(t), Traffic::Even) if !t.requests.is_empty() => {
            let run: Decimal = t.requests.iter().sum();
            let profile_s = t.bucket_s * Decimal::from(t.requests.len());
            let month_s = o.hours * dec!(3600);
            let mut counts = t.requests.clone();
            counts.sort();
            counts.dedup();
            counts
                .into_iter()
                .filter(|c| !c.is_zero())
                .map(|c| c * profile_s / month_s / run / t.bucket_s)
                .collect()
        }
        _ => vec![Decimal::ONE / busy_s(w, o)],
    };
    per_request.dedup();
    let mut v = Vec::new();
    for r in per_request {
        let mut level = STEP;
        while level <= s.acu_max {
            v.push((level, r * cpu));
            level += STEP;
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployment::aurora;
    use crate::pricing::aurora::AuroraStorage;

    #[test]
    fn merged_neighbours_scale_as_the_minutes_they_were() {
        // 60 s stretches at 3, 3, 1 ACU, two idle minutes, then 3 again: a step down under way
        // across the merge, and an idle run that pauses (wait 90 s) part-way through.
        let at = |acus, idle| Stretch {
            seconds: dec!(60),
            acus,
            idle,
        };
        let minutes = [
            at(dec!(3), false),
            at(dec!(3), false),
            at(dec!(1), false),
            at(dec!(1), false),
            at(dec!(0.5), true),
            at(dec!(0.5), true),
            at(dec!(3), false),
        ];
        let v = merged(minutes.into_iter());
        assert_eq!(v.len(), 4);
        assert_eq!(v[0].seconds, dec!(120));
        for pause_wait_s in [None, Some(dec!(90))] {
            let s = Scaling {
                floor: dec!(0.5),
                lag_s: dec!(45),
                pause_wait_s,
            };
            assert_eq!(
                aurora_scaling::excess_acu_seconds(&v, &s),
                aurora_scaling::excess_acu_seconds(&minutes, &s)
            );
        }
    }

    /// 2.1 x 10^8 requests a month on weekdays at 10 ms of database CPU each, on a 0.5-16 ACU
    /// cluster stepping down 0.5 ACU per 60 s. 5 x 730 / 168 = 21.726 weekdays x 9 h = 195.536
    /// busy hours (703,928.6 s): 298.33 req/s x 0.010 / 0.25 = 11.93 -> 12 ACU while busy.
    #[test]
    fn the_cluster_and_its_proxy_bill_the_same_timeline() {
        let p = crate::catalog::bundled("us-east-1").unwrap();
        let s = Serverless {
            acu_min: dec!(0.5),
            acu_max: dec!(16),
            pause_after_s: dec!(300),
            storage: AuroraStorage::Standard,
            scale_down_lag_s: dec!(60),
        };
        let w = Workload {
            requests_per_month: dec!(210000000),
            db_cpu_ms_per_request: Some(dec!(10)),
            traffic: Traffic::Weekdays,
            ..Workload::default()
        };
        let o = Options::default();
        // The cluster: 0.5 x 730 = 365, + 11.5 x 195.536 = 2,248.661 above the floor while busy,
        // + each evening's 23 steps down from 12 to 0.5, 60 s each: 60 x 0.5 x (23 x 24 / 2) =
        // 8,280 ACU-s x 21.726 = 49.970 ACU-hours: 2,663.631 x $0.12 = $319.6357 -> $319.64.
        let mut out = Vec::new();
        let (notes, saturated) = aurora::lines(&s, &w, &o, &p, &mut out).unwrap();
        assert!(!saturated);
        assert_eq!(out[0].cost_usd.round_dp(2), dec!(319.64));
        assert!(
            notes[0].contains("holds 0.5 to 12 ACU over weekdays 09:00-18:00")
                && notes[0].contains("2,663.63 ACU-hours a month, 49.97 of them from the"),
            "{notes:?}"
        );
        // RDS Proxy bills the same timeline at 8 ACUs or more an hour: 8 x 730 = 5,840, + 4 x
        // 195.536 = 782.143 above 8 while busy, + the steps from 12 down to 8, 60 s each:
        // 60 x (4 + 3.5 + ... + 0.5) = 1,080 ACU-s x 21.726 = 6.518 ACU-hours: 6,628.661 x
        // $0.015 = $99.4299 -> $99.43 (billing 12 ACUs all month, as before, was $131.40).
        let proxy = aurora::proxy_lines(&s, &w, &o, &p).unwrap();
        assert_eq!(proxy[0].cost_usd.round_dp(2), dec!(99.43));
        assert!(
            proxy[0].name.contains("0.5-12 ACU") && proxy[0].name.contains("at least 8 ACUs"),
            "{}",
            proxy[0].name
        );
        // Evenly over the month the rate is 79.9 req/s -> 3.2 -> 3.5 ACU all month, below the
        // proxy's minimum: 8 x 730 x $0.015 = $87.60.
        let even = Workload {
            traffic: Traffic::Even,
            ..w
        };
        let proxy = aurora::proxy_lines(&s, &even, &o, &p).unwrap();
        assert_eq!(proxy[0].cost_usd.round_dp(2), dec!(87.60));
        assert!(proxy[0].name.contains("8-ACU minimum"), "{}", proxy[0].name);
    }
}
