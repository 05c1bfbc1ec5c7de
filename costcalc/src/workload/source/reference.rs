//! The reference API's defaults: journal-api's committed measured profile
//! (`costcalc/profiles/journal-api.json`, a loadgen summary with its `server` block, re-made by
//! `scripts/measure-profile`). A figure nobody measured or gave takes the profile's value, and
//! its origin says so: a default, but a measured one, with its date and field.

use rust_decimal::Decimal;

use crate::workload::duration::Duration;
use crate::workload::source::loadgen;
use crate::workload::{Origin, Workload};

/// The profile, compiled in.
const PROFILE: &str = include_str!("../../../profiles/journal-api.json");
/// Where it lives in the repository (named in every origin that comes from it).
pub const PROFILE_PATH: &str = "costcalc/profiles/journal-api.json";

/// The profile's per-request figures as a workload (its traffic figures are not used).
/// `target_utilization` applies to its measured CPU per request, as to a run's.
pub fn workload(hours_per_month: Decimal, target_utilization: Decimal) -> Workload {
    // The profile is part of the build and checked by a test: it always parses.
    let run = loadgen::from_json(PROFILE, PROFILE_PATH, hours_per_month, target_utilization)
        .expect("the committed profile is a valid loadgen summary with a server block");
    run.workload
}

/// The date the profile was measured (its run's start, UTC), for origins and reports.
pub fn measured_on() -> String {
    serde_json::from_str::<serde_json::Value>(PROFILE)
        .ok()
        .and_then(|v| {
            v["started_at"]
                .as_str()
                .map(|s| s.chars().take(10).collect())
        })
        .unwrap_or_else(|| "an unknown date".into())
}

/// Replace every per-request figure of `w` that is still the engine's default (never measured,
/// never given) with the reference profile's.
pub fn fill_defaults(w: &mut Workload, hours_per_month: Decimal, target_utilization: Decimal) {
    let r = workload(hours_per_month, target_utilization);
    let date = measured_on();
    let why = |o: &Origin| -> Origin {
        let field = match o {
            Origin::Measured { field, .. } => field.as_str(),
            _ => "",
        };
        Origin::Profile {
            file: PROFILE_PATH.into(),
            date: date.clone(),
            field: field.into(),
        }
    };
    let (o, ro) = (&mut w.origins, &r.origins);
    if o.throughput_rps_per_vcpu.is_default() {
        w.throughput_rps_per_vcpu = r.throughput_rps_per_vcpu;
        o.throughput_rps_per_vcpu = why(&ro.throughput_rps_per_vcpu);
    }
    if o.duration_ms.is_default() && matches!(r.duration, Duration::Server { .. }) {
        w.duration_ms = r.duration_ms;
        w.duration = r.duration.clone();
        o.duration_ms = why(&ro.duration_ms);
    }
    if o.request_bytes.is_default() {
        w.request_bytes = r.request_bytes;
        o.request_bytes = why(&ro.request_bytes);
    }
    if o.response_bytes.is_default() {
        w.response_bytes = r.response_bytes;
        o.response_bytes = why(&ro.response_bytes);
    }
    if o.db_cpu_ms_per_request.is_default() && r.db_cpu_ms_per_request.is_some() {
        w.db_cpu_ms_per_request = r.db_cpu_ms_per_request;
        o.db_cpu_ms_per_request = why(&ro.db_cpu_ms_per_request);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn the_committed_profile_measures_every_figure_it_stands_in_for() {
        let w = workload(dec!(730), dec!(0.6));
        assert!(matches!(
            w.origins.throughput_rps_per_vcpu,
            Origin::Measured { .. }
        ));
        assert!(matches!(w.duration, Duration::Server { .. }));
        assert!(w.db_cpu_ms_per_request.is_some());
        assert!(w.throughput_rps_per_vcpu > Decimal::ZERO);
        assert_eq!(measured_on().len(), 10, "a YYYY-MM-DD date");
    }

    #[test]
    fn only_defaults_are_filled() {
        let mut w = Workload {
            throughput_rps_per_vcpu: dec!(250),
            ..Workload::default()
        };
        w.origins.throughput_rps_per_vcpu = Origin::Flag;
        fill_defaults(&mut w, dec!(730), dec!(0.6));
        assert_eq!(w.throughput_rps_per_vcpu, dec!(250));
        assert_eq!(w.origins.throughput_rps_per_vcpu, Origin::Flag);
        assert!(matches!(w.origins.duration_ms, Origin::Profile { .. }));
        assert!(matches!(w.origins.request_bytes, Origin::Profile { .. }));
        // What the profile does not hold keeps the engine's own default.
        assert_eq!(w.requests_per_month, dec!(10000));
        assert!(matches!(
            w.origins.requests_per_month,
            Origin::Default { .. }
        ));
    }
}
