//! Aurora Serverless v2 as a deployment's database: its ACU-hours (with auto-pause when the
//! minimum is 0), storage, and what the report should say about it.
//!
//! Assumptions, each stated in the report's notes:
//! - capacity while up: the minimum (at least 0.5 ACU), or the measured database CPU at the
//!   month's average rate at 0.25 vCPU per ACU (Aurora's r-classes have 8 GiB per vCPU and an
//!   ACU is about 2 GiB: docs/aurora-serverless-v2.md), rounded up to 0.5, within the range;
//! - idle gaps: a loadgen run's, else the traffic shape's (`workload::shape`): the month's
//!   requests evenly spaced, or on weekdays 09:00-18:00;
//! - a gap pauses only after the API's pool has closed its last connection (600 s idle, in
//!   api/src/db.rs) and then `pause_after`; on Lambda, where a frozen environment keeps its
//!   connection longer, this is a lower bound on the wait;
//! - I/O requests: `Options::db_io_per_request` per API request (assumed 2 unless given);
//! - `max_connections` at `--acu-max`: AWS's documented values (see `max_connections`).

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::Options;
use crate::catalog::PriceSnapshot;
use crate::catalog::aurora_rates;
use crate::error::{Error, Input, Problem, Result, check_range};
use crate::money;
use crate::pricing::aurora::{self, AuroraCapacity, AuroraStorage, AuroraUsage};
use crate::pricing::aurora_pause::{self, IdleMonth};
use crate::pricing::{self, LineItem};
use crate::workload::Workload;
use crate::workload::shape::{self, Traffic};

/// The API pool's idle timeout (api/src/db.rs): the last connection closes this long after the
/// last request.
pub const POOL_IDLE_S: Decimal = dec!(600);
/// vCPUs per ACU (assumed; see the module comment).
pub const VCPU_PER_ACU: Decimal = dec!(0.25);
const STEP: Decimal = dec!(0.5);

/// Aurora Serverless v2 settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Serverless {
    /// 0 (auto-pause) or 0.5 to 256 in 0.5 steps.
    pub acu_min: Decimal,
    pub acu_max: Decimal,
    /// Seconds without connections before an instance at 0 ACUs pauses (300 to 86,400).
    pub pause_after_s: Decimal,
    pub storage: AuroraStorage,
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

/// Seconds of the month the requests arrive in, at the schedule's rate played at real time: the
/// whole month, or the weekdays' 09:00-18:00.
fn busy_s(w: &Workload, o: &Options) -> Decimal {
    match w.traffic {
        Traffic::Even => o.hours * dec!(3600),
        Traffic::Weekdays => shape::weekdays_per_month(o.hours) * shape::DAY_S,
    }
}

/// ACUs held while the requests arrive: the measured database CPU at the schedule's rate, at
/// 0.25 vCPU per ACU, rounded up to the next 0.5 ACU within the range. Capacity is assumed to
/// follow demand at once, up and down (AWS publishes no scale-down time constant; its lag
/// would add ACU-hours after each busy period, so these are a lower bound).
fn acus(s: &Serverless, w: &Workload, o: &Options) -> Decimal {
    let floor = s.acu_min.max(STEP);
    let need = match w.db_cpu_ms_per_request {
        Some(ms) => w.requests_per_month / busy_s(w, o) * ms / dec!(1000) / VCPU_PER_ACU,
        None => Decimal::ZERO,
    };
    ((need / STEP).ceil() * STEP)
        .max(floor)
        .min(s.acu_max.max(floor))
}

/// RDS Proxy in front of the cluster: per ACU-hour of what it holds while up (a proxy rules out
/// auto-pause, so all month), at least the snapshot's minimum ACUs.
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
    Ok(pricing::rds_proxy::price_serverless(
        acus(s, w, o),
        o.hours,
        rate,
    ))
}

/// The lines of an Aurora Serverless v2 cluster and the notes that explain them.
pub fn lines(
    s: &Serverless,
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    out: &mut Vec<LineItem>,
) -> Result<Vec<String>> {
    let up = acus(s, w, o);
    let instances = if o.multi_az { dec!(2) } else { dec!(1) };
    let mut notes = vec![format!(
        "Aurora Serverless v2 holds {} ACU while up (assumed 0.25 vCPU per ACU{})",
        up.normalize(),
        if w.db_cpu_ms_per_request.is_some() {
            match w.traffic {
                Traffic::Even => ", for the measured database CPU at the average rate",
                Traffic::Weekdays => {
                    " on weekdays 09:00-18:00, for the measured database CPU at their rate, and \
                     its minimum the rest of the time it is up; capacity assumed to follow demand \
                     at once, up and down (no scale-down lag: a lower bound)"
                }
            }
        } else {
            ", at the minimum: no database CPU was measured"
        }
    )];
    let up_h = if s.auto_pause() {
        let (paused_h, note) = paused(s, w, o)?;
        notes.push(note);
        o.hours - paused_h
    } else {
        o.hours
    };
    // On weekdays the busy hours hold `up` and the rest of the up time the floor. (At traffic
    // low enough to pause within a day, `up` is the floor unless a request takes minutes of
    // database CPU, so the split stays affine between the shape's kinks.)
    let busy_h = (busy_s(w, o) / dec!(3600)).min(up_h);
    let floor = s.acu_min.max(STEP).min(up);
    let acu_hours = instances * (busy_h * up + (up_h - busy_h) * floor);
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
    Ok(notes)
}

/// Paused hours a month with auto-pause, and the note saying how they were found: from a loadgen
/// run's idle gaps (its profile repeated over the month) when the workload has them, else from
/// the month's requests evenly spaced.
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
                "the loadgen run's {} idle gaps over its {} s profile, repeated over the month",
                g.gaps_s.len(),
                money::quantity(g.profile_seconds, 0)
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
    let mut v = Vec::new();
    if let Some(ms) = w.db_cpu_ms_per_request {
        let per_request = ms / dec!(1000) / VCPU_PER_ACU / busy_s(w, o);
        let mut level = STEP;
        while level <= s.acu_max {
            v.push((level, per_request));
            level += STEP;
        }
    }
    if s.auto_pause() && w.idle_gaps.is_none() {
        let wait = POOL_IDLE_S + s.pause_after_s;
        match w.traffic {
            Traffic::Even => v.push((o.hours * dec!(3600), wait)),
            Traffic::Weekdays => v.extend(shape::weekdays_kinks(o.hours, wait)),
        }
    }
    v
}

/// Aurora Serverless v2 PostgreSQL's default `max_connections`, which follows the maximum ACUs
/// (not the current capacity) and is capped at 2,000 with a minimum of 0 or 0.5 ACU (AWS,
/// "Performance and scaling for Aurora Serverless v2", Maximum connections). AWS shows 189 at a
/// maximum of 1 ACU, 3,360 at 16 and 5,000 (the Aurora formula's ceiling,
/// `LEAST(DBInstanceClassMemory/9531392, 5000)`) from 32 (AWS re:Post, "Working of
/// max_connections for Amazon Aurora PostgreSQL Serverless"); between those points this takes
/// the straight line, rounded down (assumed: the formula is linear in memory).
pub fn max_connections(s: &Serverless) -> Decimal {
    let points = [
        (dec!(1), dec!(189)),
        (dec!(16), dec!(3360)),
        (dec!(32), dec!(5000)),
    ];
    let m = s.acu_max;
    let v = if m >= dec!(32) {
        dec!(5000)
    } else {
        let i = if m <= dec!(16) { 0 } else { 1 };
        let ((x0, y0), (x1, y1)) = (points[i], points[i + 1]);
        (y0 + (y1 - y0) * (m.max(x0) - x0) / (x1 - x0)).floor()
    };
    if s.acu_min <= dec!(0.5) {
        v.min(dec!(2000))
    } else {
        v
    }
}

/// The warning when the connections at the peak exceed `max_connections` at `--acu-max`.
pub fn connections_note(s: &Serverless, connections: Decimal) -> Option<String> {
    let m = max_connections(s);
    (connections > m).then(|| {
        format!(
            "{} connections at the peak exceed Aurora Serverless v2's max_connections at {} ACU \
             maximum ({}{}): raise --acu-max, pool fewer connections, or use RDS Proxy (not \
             with auto-pause)",
            money::quantity(connections, 0),
            s.acu_max.normalize(),
            money::quantity(m, 0),
            if s.acu_min <= dec!(0.5) {
                ", capped at 2,000 with a minimum of 0 or 0.5 ACU"
            } else {
                ""
            }
        )
    })
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
mod connection_tests {
    use super::*;

    #[test]
    fn max_connections_follow_awss_values_at_the_maximum_acus() {
        let s = |acu_min, acu_max| Serverless {
            acu_min,
            acu_max,
            pause_after_s: dec!(300),
            storage: AuroraStorage::Standard,
        };
        // AWS's shown values: 0.5-1 -> 189; 1-16 -> 3,360; 0.5-16 -> 2,000 (cap); 1-32 -> 5,000.
        assert_eq!(max_connections(&s(dec!(0.5), dec!(1))), dec!(189));
        assert_eq!(max_connections(&s(dec!(1), dec!(16))), dec!(3360));
        assert_eq!(max_connections(&s(dec!(0.5), dec!(16))), dec!(2000));
        assert_eq!(max_connections(&s(dec!(1), dec!(64))), dec!(5000));
        // 0-4 (auto-pause): 189 + (3,360 - 189) x 3 / 15 = 823.2 -> 823.
        assert_eq!(max_connections(&s(dec!(0), dec!(4))), dec!(823));
        let n = connections_note(&s(dec!(0), dec!(4)), dec!(900)).unwrap();
        assert!(n.starts_with("900 connections at the peak exceed"), "{n}");
        assert!(connections_note(&s(dec!(0), dec!(4)), dec!(823)).is_none());
    }

    #[test]
    fn acus_follow_the_schedules_rate_in_half_acu_steps() {
        let p = crate::catalog::bundled("us-east-1").unwrap();
        let s = Serverless {
            acu_min: dec!(0.5),
            acu_max: dec!(4),
            pause_after_s: dec!(300),
            storage: AuroraStorage::Standard,
        };
        let acu_line = |traffic| {
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
        // ACU all month: 0.5 x 730 x $0.12 = $43.80.
        assert_eq!(acu_line(Traffic::Even).round_dp(2), dec!(43.80));
        // Weekdays: 5 x 730 / 168 = 21.726 weekdays x 9 h = 195.536 busy hours (703,928.6 s):
        // 14.206 req/s x 0.010 / 0.25 = 0.568 -> 1 ACU while busy, 0.5 the other 534.464 h:
        // (195.536 + 267.232) x $0.12 = $55.532.
        assert_eq!(acu_line(Traffic::Weekdays).round_dp(2), dec!(55.53));
    }
}
