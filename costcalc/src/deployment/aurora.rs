//! Aurora Serverless v2 as a deployment's database: its ACU-hours (with auto-pause when the
//! minimum is 0), storage, and what the report should say about it.
//!
//! Assumptions, each stated in the report's notes:
//! - capacity while up: the minimum (at least 0.5 ACU), or the measured database CPU at the
//!   timeline's rate at 0.25 vCPU per ACU (Aurora's r-classes have 8 GiB per vCPU and an ACU is
//!   about 2 GiB: docs/aurora-serverless-v2.md), rounded up to 0.5, within the range, followed
//!   up at once and down at the assumed scale-down lag (`aurora_capacity`);
//! - idle gaps: a loadgen run's or the access logs', else the traffic shape's
//!   (`workload::shape`): the month's requests evenly spaced, or on weekdays 09:00-18:00;
//! - a gap pauses only after the API's pool has closed its last connection (600 s idle, in
//!   api/src/db.rs) and then `pause_after`; on Lambda, where a frozen environment keeps its
//!   connection longer, this is a lower bound on the wait;
//! - I/O requests: `Options::db_io_per_request` per API request (assumed 2 unless given);
//! - `max_connections` at `--acu-max`: AWS's documented values (see `max_connections`).

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::Options;
use super::aurora_capacity::{self, Capacity};
pub use super::aurora_connections::{connections_note, max_connections};
use crate::catalog::PriceSnapshot;
use crate::catalog::aurora_rates;
use crate::error::{Error, Input, Problem, Result, check_range};
use crate::money;
use crate::pricing::aurora::{self, AuroraCapacity, AuroraStorage, AuroraUsage};
use crate::pricing::aurora_pause::{self, IdleMonth};
use crate::pricing::rds_proxy::ProxyBasis;
use crate::pricing::{self, LineItem};
use crate::workload::Workload;
use crate::workload::shape::{self, Traffic};

/// The API pool's idle timeout (api/src/db.rs): the last connection closes this long after the
/// last request.
pub const POOL_IDLE_S: Decimal = dec!(600);
/// vCPUs per ACU (assumed; see the module comment).
pub const VCPU_PER_ACU: Decimal = dec!(0.25);
use crate::pricing::aurora_scaling::STEP;

/// Aurora Serverless v2 settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Serverless {
    /// 0 (auto-pause) or 0.5 to 256 in 0.5 steps.
    pub acu_min: Decimal,
    pub acu_max: Decimal,
    /// Seconds without connections before an instance at 0 ACUs pauses (300 to 86,400).
    pub pause_after_s: Decimal,
    pub storage: AuroraStorage,
    /// Seconds per 0.5-ACU step down when demand falls (assumed; 0 follows demand at once).
    pub scale_down_lag_s: Decimal,
}

impl Serverless {
    pub fn auto_pause(&self) -> bool {
        self.acu_min.is_zero()
    }
}

/// The database a deployment uses.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Database {
    /// RDS for PostgreSQL (the class from `Options::db_instance_class`).
    #[default]
    Rds,
    AuroraServerless(Serverless),
    /// Aurora PostgreSQL provisioned, on this storage configuration (the class is sized, or
    /// `Options::db_instance_class` when given).
    AuroraProvisioned(AuroraStorage),
}

/// Check the settings against AWS's bounds and the proxy, and that the snapshot prices them.
pub fn check(s: &Serverless, rds_proxy: bool, p: &PriceSnapshot) -> Result<()> {
    let steps = |input: Input, v: Decimal, min: Decimal, what: &str| {
        check_range(input, v, Decimal::ZERO, dec!(256))?;
        if (v.is_zero() && min.is_zero()) || (v >= min && (v / STEP).fract().is_zero()) {
            return Ok(());
        }
        Err(Error::invalid(
            input,
            v.normalize(),
            Problem::Conflict {
                reason: format!("expected {what} to 256 in 0.5 steps"),
            },
        ))
    };
    steps(
        Input::AcuMin,
        s.acu_min,
        Decimal::ZERO,
        "0 (auto-pause) or 0.5",
    )?;
    steps(Input::AcuMax, s.acu_max, Decimal::ONE, "1")?;
    if s.acu_max < s.acu_min {
        return Err(Error::invalid(
            Input::AcuMax,
            s.acu_max.normalize(),
            Problem::Conflict {
                reason: format!("below the minimum ({} ACU)", s.acu_min.normalize()),
            },
        ));
    }
    check_range(
        Input::AcuScaleDownLag,
        s.scale_down_lag_s,
        Decimal::ZERO,
        aurora_capacity::MAX_SCALE_DOWN_LAG_S,
    )?;
    check_range(
        Input::PauseAfter,
        s.pause_after_s,
        aurora_pause::MIN_PAUSE_AFTER_S,
        aurora_pause::MAX_PAUSE_AFTER_S,
    )?;
    if s.auto_pause() && rds_proxy {
        return Err(Error::invalid(
            Input::RdsProxy,
            "on",
            Problem::Conflict {
                reason: "auto-pause (minimum 0 ACUs) cannot be used with RDS Proxy (AWS, \
                         Aurora Serverless v2 auto-pause prerequisites); Lambda on an \
                         auto-pausing cluster connects without it"
                    .into(),
            },
        ));
    }
    let usage = match s.storage {
        AuroraStorage::Standard => "Aurora:ServerlessV2Usage",
        AuroraStorage::IoOptimized => "Aurora:ServerlessV2IOOptimizedUsage",
    };
    aurora_rates(p, Input::Database, "aurora-serverless", usage).map(|_| ())
}

/// RDS Proxy in front of the cluster: per ACU-hour of what the cluster holds over the month (a
/// proxy rules out auto-pause, so it is up all month), each hour at least the snapshot's minimum
/// ACUs: the cluster's own capacity timeline, with its floor raised to that minimum.
pub fn proxy_lines(
    s: &Serverless,
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
) -> Result<Vec<LineItem>> {
    let usage = "RDS:ProxyUsage (Aurora Serverless v2, per ACU-hour)";
    let rates = aurora_rates(p, Input::RdsProxy, "on", usage)?;
    let rate = rates.proxy.as_ref().ok_or_else(|| {
        Error::invalid(
            Input::RdsProxy,
            "on",
            Problem::MissingRates {
                missing: vec![usage.to_string()],
                snapshot: format!("{} snapshot of {}", p.region, p.as_of),
                rates: Input::AuroraRates,
            },
        )
    })?;
    let floor = s.acu_min.max(STEP).max(rate.minimum_acus);
    let c = aurora_capacity::capacity(s, w, o, floor, false);
    // The cluster's own range, for the line's name (the proxy's basis clamps it at its minimum).
    let cluster = aurora_capacity::capacity(s, w, o, s.acu_min.max(STEP), false);
    Ok(pricing::rds_proxy::price_serverless(
        &ProxyBasis {
            floor: cluster.floor,
            peak: cluster.peak,
            acu_hours: o.hours * floor + c.excess_h,
        },
        rate,
    ))
}

/// The lines of an Aurora Serverless v2 cluster, the notes that explain them, and whether the
/// load needs more than the maximum at its busiest (the cluster is then saturated: the price is
/// what AWS bills for the capped capacity, and the total is incomplete).
pub fn lines(
    s: &Serverless,
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    out: &mut Vec<LineItem>,
) -> Result<(Vec<String>, bool)> {
    let instances = if o.multi_az { dec!(2) } else { dec!(1) };
    let floor = s.acu_min.max(STEP);
    let c = aurora_capacity::capacity(s, w, o, floor, s.auto_pause());
    let up_h = if s.auto_pause() {
        let (paused_h, note) = paused(s, w, o)?;
        (paused_h, Some(note))
    } else {
        (Decimal::ZERO, None)
    };
    let (paused_h, pause_note) = up_h;
    let up_h = o.hours - paused_h;
    // Above the floor only while up: never more than the peak's excess all that time (a month
    // at one rate holds it exactly; a timeline's pauses are `paused`'s to count).
    let cap = (c.peak - floor) * up_h;
    let (excess_h, at_once_h) = (c.excess_h.min(cap), c.at_once_h.min(cap));
    let acu_hours = instances * (up_h * floor + excess_h);
    let lag_h = instances * (excess_h - at_once_h);
    let mut notes = vec![capacity_note(s, w, &c, acu_hours, lag_h)];
    let saturated = c.needed > c.peak;
    if saturated {
        notes.push(format!(
            "the database needs up to {} ACU (at its busiest), above --acu-max {}: raise the \
             maximum",
            c.needed.normalize(),
            s.acu_max.normalize()
        ));
    }
    notes.extend(pause_note);
    out.extend(aurora::price(
        &AuroraUsage {
            capacity: AuroraCapacity::ServerlessV2 { acu_hours },
            storage: s.storage,
            storage_gb: o.db_storage_gb,
            hours: o.hours,
            month_hours: o.hours,
            ios: super::aurora_provisioned::ios(w, o),
        },
        p,
    )?);
    Ok((notes, saturated))
}

/// What the ACU line rests on: the range held, the timeline, and the scale-down lag with what it
/// adds (shown even when it adds nothing, so that the assumption is always in view).
fn capacity_note(
    s: &Serverless,
    w: &Workload,
    c: &Capacity,
    acu_hours: Decimal,
    lag_h: Decimal,
) -> String {
    let held = if w.db_cpu_ms_per_request.is_some() {
        format!(
            "holds {} to {} ACU over {}, for the measured database CPU at its rate played at \
             real time (assumed 0.25 vCPU per ACU)",
            c.floor.normalize(),
            c.peak.normalize(),
            c.timeline
        )
    } else {
        format!(
            "holds {} ACU while up (its minimum; no database CPU was measured)",
            c.floor.normalize()
        )
    };
    let lag = if s.scale_down_lag_s.is_zero() {
        "assumed: up and down at once, no lag, the lower bound".to_string()
    } else {
        format!(
            "assumed: up at once, down 0.5 ACU per {} s; a lag of 0 is the lower bound",
            s.scale_down_lag_s.normalize()
        )
    };
    format!(
        "Aurora Serverless v2 {held}: {} ACU-hours a month, {} of them from the scale-down lag \
         ({lag}; AWS publishes no scale-down rate, only that scaling down is gradual)",
        money::quantity(acu_hours, 2),
        money::quantity(lag_h, 2),
    )
}

/// Paused hours a month with auto-pause, and the note saying how they were found: from a loadgen
/// run's or the logs' idle gaps (the profile repeated over the month) when the workload has them,
/// else from the month's requests evenly spaced.
fn paused(s: &Serverless, w: &Workload, o: &Options) -> Result<(Decimal, String)> {
    if w.idle_gaps.is_none() && w.traffic == Traffic::Weekdays {
        return Ok(weekdays_paused(s, w, o));
    }
    let month_s = o.hours * dec!(3600);
    let n = w.requests_per_month.round();
    let even;
    let (gaps, repeats, how): (&[Decimal], Decimal, String) = match &w.idle_gaps {
        Some(g) => (
            &g.gaps_s,
            month_s / g.profile_seconds,
            format!(
                "{}, repeated over the month",
                g.source.gaps(g.gaps_s.len(), g.profile_seconds)
            ),
        ),
        None => {
            let gap = month_s / n.max(Decimal::ONE);
            even = [gap];
            (
                &even,
                n.max(Decimal::ONE),
                format!(
                    "requests evenly spaced, one every {} s",
                    money::quantity(gap, 3)
                ),
            )
        }
    };
    let one = aurora_pause::pauses(
        &IdleMonth {
            gaps_s: gaps,
            requests: (w.requests_per_month / repeats).max(Decimal::ONE),
            month_hours: o.hours,
            connection_idle_s: POOL_IDLE_S,
        },
        s.pause_after_s,
    )?;
    // Evenly spaced: n gaps of month/n, each paused for gap - wait when it pauses, in all
    // month - n x wait, worked that way so that it stays exact (and affine in n).
    let paused_s = match (&w.idle_gaps, one.resumes) {
        (Some(_), _) => one.paused_s * repeats,
        (None, 0) => Decimal::ZERO,
        (None, _) => month_s - repeats * (POOL_IDLE_S + s.pause_after_s),
    };
    let paused_h = (paused_s / dec!(3600)).min(o.hours);
    let resumes = Decimal::from(one.resumes) * repeats;
    Ok((
        paused_h,
        pause_note(s, &how, paused_h, resumes, one.resume_share),
    ))
}

/// Paused hours over the weekdays shape: each kind of gap longer than the wait pauses for the
/// rest of it, `total - count x wait` in all (exact, and affine in the requests between the
/// shape's kinks).
fn weekdays_paused(s: &Serverless, w: &Workload, o: &Options) -> (Decimal, String) {
    let wait = POOL_IDLE_S + s.pause_after_s;
    let n = w.requests_per_month;
    let (mut paused_s, mut resumes) = (Decimal::ZERO, Decimal::ZERO);
    for g in shape::weekdays(n, o.hours) {
        if g.gap_s > wait {
            paused_s += g.total_s - g.count * wait;
            resumes += g.count;
        }
    }
    let paused_h = (paused_s / dec!(3600)).min(o.hours);
    let share = if n.is_zero() {
        Decimal::ZERO
    } else {
        resumes.min(n) / n
    };
    let how = format!(
        "requests on weekdays 09:00-18:00, evenly spaced within them ({} a weekday), nights \
         and weekends idle",
        money::quantity(n / shape::weekdays_per_month(o.hours), 1)
    );
    (paused_h, pause_note(s, &how, paused_h, resumes, share))
}

fn pause_note(
    s: &Serverless,
    how: &str,
    paused_h: Decimal,
    resumes: Decimal,
    share: Decimal,
) -> String {
    let share = format!("{}%", money::quantity(share * dec!(100), 2));
    format!(
        "auto-pause after {} s without connections (assumed: {how}, and the pool's last \
         connection closing {} s after the last request): paused {} h a month, {} resumes a \
         month, up to ~15 s for the first request after each ({share} of requests)",
        s.pause_after_s.normalize(),
        POOL_IDLE_S.normalize(),
        money::quantity(paused_h, 2),
        money::quantity(resumes, 0),
    )
}

/// Where the cost stops being one straight line in the monthly requests R, as (level, quantity
/// per request) pairs: the 0.5-ACU steps of a measured database CPU, and with auto-pause over
/// evenly spaced requests, the R at which the gaps get too short to pause (month / wait).
pub fn kinks(s: &Serverless, w: &Workload, o: &Options) -> Vec<(Decimal, Decimal)> {
    let mut v = aurora_capacity::kinks(s, w, o);
    if s.auto_pause() && w.idle_gaps.is_none() {
        let wait = POOL_IDLE_S + s.pause_after_s;
        match w.traffic {
            Traffic::Even => v.push((o.hours * dec!(3600), wait)),
            Traffic::Weekdays => v.extend(shape::weekdays_kinks(o.hours, wait)),
        }
    }
    v
}

/// How the summary names it.
pub fn summary(s: &Serverless) -> String {
    format!(
        "Aurora Serverless v2 {}-{} ACU{}",
        s.acu_min.normalize(),
        s.acu_max.normalize(),
        if s.auto_pause() { " (auto-pause)" } else { "" }
    )
}

#[cfg(test)]
mod capacity_tests {
    use super::*;

    #[test]
    fn acus_follow_the_schedules_rate_in_half_acu_steps() {
        let p = crate::catalog::bundled("us-east-1").unwrap();
        let s = Serverless {
            acu_min: dec!(0.5),
            acu_max: dec!(4),
            pause_after_s: dec!(300),
            storage: AuroraStorage::Standard,
            scale_down_lag_s: dec!(60),
        };
        let acu_line = |traffic, scale_down_lag_s| {
            let s = Serverless {
                scale_down_lag_s,
                ..s
            };
            let w = Workload {
                requests_per_month: dec!(10000000),
                db_cpu_ms_per_request: Some(dec!(10)),
                traffic,
                ..Workload::default()
            };
            let mut out = Vec::new();
            lines(&s, &w, &Options::default(), &p, &mut out).unwrap();
            out[0].cost_usd
        };
        // Even: 10^7 / 2,628,000 s = 3.805 req/s x 0.010 s / 0.25 vCPU per ACU = 0.152 -> 0.5
        // ACU all month: 0.5 x 730 x $0.12 = $43.80, whatever the lag (demand never falls).
        assert_eq!(acu_line(Traffic::Even, dec!(60)).round_dp(2), dec!(43.80));
        // Weekdays: 5 x 730 / 168 = 21.726 weekdays x 9 h = 195.536 busy hours (703,928.6 s):
        // 14.206 req/s x 0.010 / 0.25 = 0.568 -> 1 ACU while busy, 0.5 the other 534.464 h.
        // Following demand at once: (195.536 + 267.232) x $0.12 = $55.532.
        assert_eq!(
            acu_line(Traffic::Weekdays, dec!(0)).round_dp(2),
            dec!(55.53)
        );
        // Down 0.5 ACU per 60 s: 1 ACU for 60 s more after each of the 21.726 days, 0.5 above the
        // floor: 21.726 x 30 ACU-s = 651.79 ACU-s = 0.18105 ACU-hours, $0.0217 more: $55.554.
        assert_eq!(
            acu_line(Traffic::Weekdays, dec!(60)).round_dp(2),
            dec!(55.55)
        );
        // Down 0.5 ACU per hour: 21.726 x 1,800 ACU-s = 10.863 ACU-hours, $1.3036 more: $56.84.
        assert_eq!(
            acu_line(Traffic::Weekdays, dec!(3600)).round_dp(2),
            dec!(56.84)
        );
    }
}
