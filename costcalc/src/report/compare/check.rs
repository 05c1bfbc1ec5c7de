//! What makes implementations comparable: one price snapshot, the same traffic (profile and its
//! length), the same monthly volume unless one was given for all, a memory sweep for all or none
//! (measured on one processor), and the CPU per request measured for all or none. Each is checked
//! against the first implementation, so a refusal names the first and the one that differs.

use serde::Serialize;

use super::{Implementation, MAX};
use crate::error::{Incomparable, THROUGHPUT};
use crate::money;
use crate::workload::Origin;

/// The traffic a run played: the profile's name and its real length.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Window {
    pub profile: String,
    /// The profile's real length, seconds, as the summary wrote it.
    pub seconds: Option<String>,
}

impl Window {
    /// From a summary's JSON (`profile.name`, `profile.duration_s`); what is missing is "unknown".
    pub fn from_summary(raw: &serde_json::Value) -> Self {
        let text = |p: &str| {
            raw.pointer(p)
                .map(|v| crate::input_file::one_line(&v.to_string()))
        };
        Window {
            profile: raw
                .pointer("/profile/name")
                .and_then(|v| v.as_str())
                .map_or_else(|| "unknown".into(), crate::input_file::one_line),
            seconds: text("/profile_seconds").or_else(|| text("/profile/duration_s")),
        }
    }

    pub fn describe(&self) -> String {
        match &self.seconds {
            Some(s) => format!("profile {} over {s} s", self.profile),
            None => format!("profile {} (length unknown)", self.profile),
        }
    }
}

/// Refuse what cannot be compared; otherwise the warnings the comparison carries.
pub fn comparable(all: &[Implementation]) -> Result<Vec<String>, Box<Incomparable>> {
    if !(2..=MAX).contains(&all.len()) {
        return Err(Incomparable::Count { count: all.len() }.into());
    }
    for (i, x) in all.iter().enumerate() {
        if all[..i].iter().any(|y| y.name == x.name) {
            return Err(Incomparable::Duplicate {
                name: x.name.clone(),
            }
            .into());
        }
    }
    let first = &all[0];
    for other in &all[1..] {
        pair(first, other)?;
    }
    let mut warnings = Vec::new();
    let throughput = |i: &Implementation| i.report.workload.origins.throughput_rps_per_vcpu.clone();
    if all.iter().all(|i| throughput(i).is_default()) {
        warnings.push(format!(
            "No run measured the CPU a request takes ({}): EC2 and Fargate are sized from the same \
             default for every implementation, so only Lambda tells them apart. Measure it with \
             loadgen run --server-pid.",
            throughput(first).describe()
        ));
    }
    Ok(warnings)
}

/// The checks between the first implementation `a` and another `b`.
fn pair(a: &Implementation, b: &Implementation) -> Result<(), Box<Incomparable>> {
    let (pa, pb) = (&a.report.prices, &b.report.prices);
    if (&pa.region, &pa.as_of, &pa.origin) != (&pb.region, &pb.as_of, &pb.origin) {
        let say = |p: &super::PriceInfo| format!("{} as of {} ({})", p.region, p.as_of, p.origin);
        return Err(Incomparable::Prices {
            a: a.name.clone(),
            b: b.name.clone(),
            a_prices: say(pa),
            b_prices: say(pb),
        }
        .into());
    }
    if a.window != b.window {
        return Err(Incomparable::Window {
            a: a.name.clone(),
            a_file: a.summary.clone(),
            a_window: a.window.describe(),
            b: b.name.clone(),
            b_file: b.summary.clone(),
            b_window: b.window.describe(),
        }
        .into());
    }
    let (wa, wb) = (&a.report.workload, &b.report.workload);
    let given = wa.origins.requests_per_month == Origin::Flag;
    if !given && wa.requests_per_month != wb.requests_per_month {
        return Err(Incomparable::Volume {
            a: a.name.clone(),
            a_file: a.summary.clone(),
            a_requests: money::quantity(wa.requests_per_month, 0),
            b: b.name.clone(),
            b_file: b.summary.clone(),
            b_requests: money::quantity(wb.requests_per_month, 0),
        }
        .into());
    }
    sweeps(a, b)?;
    let (ta, tb) = (
        &wa.origins.throughput_rps_per_vcpu,
        &wb.origins.throughput_rps_per_vcpu,
    );
    if ta.is_default() != tb.is_default() {
        let (measured, default) = if ta.is_default() { (b, a) } else { (a, b) };
        return Err(Incomparable::Measured {
            figure: THROUGHPUT,
            measured: measured.name.clone(),
            default: default.name.clone(),
            file: default.summary.clone(),
        }
        .into());
    }
    Ok(())
}

/// Both have a sweep measured on one processor, or neither has one.
fn sweeps(a: &Implementation, b: &Implementation) -> Result<(), Box<Incomparable>> {
    match (&a.tune, &b.tune) {
        (Some(file), None) | (None, Some(file)) => {
            let (with, without) = if a.tune.is_some() { (a, b) } else { (b, a) };
            Err(Incomparable::Sweep {
                with: with.name.clone(),
                file: file.clone(),
                without: without.name.clone(),
            }
            .into())
        }
        (Some(fa), Some(fb)) => match (&a.machine, &b.machine) {
            (Some(ca), Some(cb)) if ca != cb => Err(Incomparable::Machine {
                a: a.name.clone(),
                a_file: fa.clone(),
                a_cpu: ca.clone(),
                b: b.name.clone(),
                b_file: fb.clone(),
                b_cpu: cb.clone(),
            }
            .into()),
            _ => Ok(()),
        },
        (None, None) => Ok(()),
    }
}
