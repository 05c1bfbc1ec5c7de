//! The database flags of `report` and `breakeven`: `--db` and Aurora Serverless v2's settings,
//! turned into the engine's `Database`.

use rust_decimal::Decimal;

use super::scenario::ScenarioArgs;
use super::values::nonneg;
use crate::deployment::aurora::{Database, Serverless};
use crate::pricing::aurora::AuroraStorage;
use crate::workload::source::loadgen::view::View;
use crate::workload::{IdleGaps, Measured, RequestTimeline};

/// A loadgen run's idle gaps, when it says how long its profile is at real time; a run whose gaps
/// add up to more than its profile is not used, and the reason is given.
pub fn idle_gaps(v: &View) -> std::result::Result<Option<IdleGaps>, String> {
    let Some(profile) = v.profile_seconds.and_then(|p| Decimal::try_from(p).ok()) else {
        return Ok(None);
    };
    let gaps_s = v
        .idle_gaps
        .iter()
        .filter_map(|g| Decimal::try_from(g.real_seconds).ok())
        .collect::<Vec<_>>();
    let sum: Decimal = gaps_s.iter().sum();
    if profile <= Decimal::ZERO || sum > profile {
        return Err(format!(
            "the loadgen run's idle gaps ({} s in all) do not fit in its profile ({} s): Aurora's \
             auto-pause assumes requests evenly spaced instead",
            sum.round_dp(1).normalize(),
            profile.round_dp(1).normalize()
        ));
    }
    Ok(Some(IdleGaps {
        gaps_s,
        profile_seconds: profile,
        source: Measured::LoadgenRun,
    }))
}

const MAX_BUCKETS: u32 = 1_000_000;

/// A loadgen run's requests per wall second over its profile, each bucket `profile / n` real
/// seconds (n the profile's wall seconds): what Aurora Serverless v2's ACUs follow. None when the
/// run does not say how long its profile is or sent nothing in it.
pub fn request_timeline(v: &View) -> Option<RequestTimeline> {
    let profile = v.profile_seconds.and_then(|p| Decimal::try_from(p).ok())?;
    let compression = Decimal::try_from(v.compression).ok()?;
    if profile <= Decimal::ZERO || compression <= Decimal::ZERO {
        return None;
    }
    // As many buckets as a summary's timeline may hold (`view::check`): a million wall seconds.
    let n = (profile / compression).ceil().max(Decimal::ONE);
    if n > Decimal::from(MAX_BUCKETS) {
        return None;
    }
    let len = usize::try_from(n.mantissa()).ok()? / 10usize.pow(n.scale());
    let mut requests = vec![Decimal::ZERO; len];
    for s in &v.timeline {
        if let Some(r) = usize::try_from(s.second)
            .ok()
            .and_then(|i| requests.get_mut(i))
        {
            *r += Decimal::from(s.sent);
        }
    }
    requests
        .iter()
        .any(|r| !r.is_zero())
        .then(|| RequestTimeline {
            bucket_s: profile / n,
            requests,
            source: Measured::LoadgenRun,
        })
}

/// `--db`.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum DbKind {
    Rds,
    /// Aurora PostgreSQL provisioned (a class sized like RDS's, from db.t4g.medium).
    Aurora,
    AuroraServerless,
}

/// `--traffic`.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum TrafficArg {
    Even,
    Weekdays,
}

/// `--aurora-storage`.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum AuroraStorageArg {
    Standard,
    IoOptimized,
}

pub fn database(s: &ScenarioArgs) -> Database {
    let storage = match s.aurora_storage {
        AuroraStorageArg::Standard => AuroraStorage::Standard,
        AuroraStorageArg::IoOptimized => AuroraStorage::IoOptimized,
    };
    match s.db {
        DbKind::Rds => Database::Rds,
        DbKind::Aurora => Database::AuroraProvisioned(storage),
        DbKind::AuroraServerless => Database::AuroraServerless(Serverless {
            acu_min: s.acu_min,
            acu_max: s.acu_max,
            pause_after_s: s.pause_after,
            scale_down_lag_s: s.acu_scale_down_lag,
            storage,
        }),
    }
}

/// Seconds from "300", "300s", "5m" or "24h".
pub fn duration_s(text: &str) -> std::result::Result<Decimal, String> {
    let t = text.trim();
    let (num, unit) = match t.char_indices().last() {
        Some((i, 's')) => (&t[..i], Decimal::ONE),
        Some((i, 'm')) => (&t[..i], Decimal::from(60)),
        Some((i, 'h')) => (&t[..i], Decimal::from(3600)),
        _ => (t, Decimal::ONE),
    };
    let v = nonneg(num)
        .map_err(|_| format!("expected a duration such as 300s, 5m or 24h, got {text:?}"))?;
    v.checked_mul(unit)
        .ok_or_else(|| format!("{text:?} is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn a_runs_timeline_becomes_buckets_of_real_time() {
        use crate::workload::source::loadgen::view::Second;
        let second = |second, sent| Second {
            second,
            sent,
            errors: 0,
            dropped: 0,
        };
        // A day (86,400 s) played 144 times faster: 600 wall seconds, each 144 real seconds; a
        // second past the profile (700) is the run draining, not the profile.
        let v = View {
            compression: 144.0,
            profile_seconds: Some(86400.0),
            timeline: vec![second(0, 5), second(599, 3), second(700, 9)],
            ..View::default()
        };
        let t = request_timeline(&v).unwrap();
        assert_eq!((t.bucket_s, t.requests.len()), (dec!(144), 600));
        assert_eq!((t.requests[0], t.requests[599]), (dec!(5), dec!(3)));
        assert_eq!(t.requests.iter().sum::<Decimal>(), dec!(8));
        // Nothing sent, or no profile length: no timeline.
        let idle = View {
            timeline: vec![second(0, 0)],
            ..v.clone()
        };
        assert!(request_timeline(&idle).is_none());
        let unknown = View {
            profile_seconds: None,
            ..v
        };
        assert!(request_timeline(&unknown).is_none());
    }

    #[test]
    fn pause_after_takes_seconds_minutes_or_hours() {
        assert_eq!(duration_s("300"), Ok(dec!(300)));
        assert_eq!(duration_s("300s"), Ok(dec!(300)));
        assert_eq!(duration_s("5m"), Ok(dec!(300)));
        assert_eq!(duration_s("24h"), Ok(dec!(86400)));
        assert_eq!(
            duration_s("soon"),
            Err("expected a duration such as 300s, 5m or 24h, got \"soon\"".into())
        );
    }
}
