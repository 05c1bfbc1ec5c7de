//! The Lambda memory sweep in a report: each measured size with its cold start, worst p99, billed
//! duration over the route mix, cost per million requests (both architectures' prices applied
//! to the one measured time) and the function's cost a month at the workload's traffic; the size
//! priced, and why.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::Serialize;

use crate::catalog::PriceSnapshot;
use crate::deployment::{Options, function_usage};
use crate::money;
use crate::pricing::{self, lambda};
use crate::purchase::Arch;
use crate::workload::Workload;
use crate::workload::source::tune::{self, SizeFigures};

#[derive(Debug, Clone, Serialize)]
pub struct SweepRow {
    pub size: SizeFigures,
    pub cost_per_million_arm64_usd: Decimal,
    pub cost_per_million_x86_64_usd: Decimal,
    /// The function (requests, duration, cold starts) a month at the workload's traffic, on the
    /// report's architecture; zero for an unusable size.
    pub cost_per_month_usd: Decimal,
    pub picked: bool,
    /// Why the size is the one priced, or why not (above the p99 target, unusable); empty for
    /// the others.
    pub note: String,
}

/// What a million invocations of `size` cost (requests and duration, no free tier).
pub fn cost_per_million(size: &SizeFigures, arch: Arch, p: &PriceSnapshot) -> Decimal {
    let million = dec!(1000000);
    pricing::total(&lambda::price(
        &lambda::LambdaUsage {
            requests: million,
            billed_seconds: million * size.billed_ms / dec!(1000),
            memory_mb: size.memory_mb,
            ephemeral_mb: dec!(512),
            arch,
            provisioned_concurrency: Decimal::ZERO,
            hours: pricing::HOURS_PER_MONTH,
            free_tier: false,
        },
        p,
    ))
}

/// The size to run: the cheapest per million requests on `arch` of those whose p99 meets
/// `slo_ms`, ties going to the faster one. None when no size meets it.
pub fn pick<'s>(
    sizes: &'s [SizeFigures],
    slo_ms: Decimal,
    arch: Arch,
    p: &PriceSnapshot,
) -> Option<&'s SizeFigures> {
    tune::pick(sizes, slo_ms, |s| cost_per_million(s, arch, p))
}

/// Why a size is, or is not, the one priced.
fn note(s: &SizeFigures, picked: bool, o: &Options, per_million: Decimal) -> String {
    match (s.usable, picked, o.lambda_p99_slo_ms) {
        (false, ..) => format!(
            "unusable: {}",
            s.reason.as_deref().unwrap_or("no measurement")
        ),
        (true, true, Some(slo)) => format!(
            "picked: the cheapest size whose p99 ({} ms) meets the {} ms target ({} per 1M \
             requests on {})",
            money::quantity(s.p99_ms, 2),
            slo.normalize(),
            money::usd(per_million),
            o.lambda_arch
        ),
        (true, true, None) => "priced: the size asked for".into(),
        (true, false, Some(slo)) if s.p99_ms > slo => {
            format!("p99 above the {} ms target", slo.normalize())
        }
        _ => String::new(),
    }
}

pub fn rows(sizes: &[SizeFigures], w: &Workload, o: &Options, p: &PriceSnapshot) -> Vec<SweepRow> {
    sizes
        .iter()
        .map(|s| {
            let picked = s.usable && s.memory_mb == o.lambda_memory_mb;
            let month = pricing::total(&lambda::price(&function_usage(w, o, s.memory_mb), p));
            SweepRow {
                size: s.clone(),
                cost_per_million_arm64_usd: cost_per_million(s, Arch::Arm64, p).normalize(),
                cost_per_million_x86_64_usd: cost_per_million(s, Arch::X86_64, p).normalize(),
                cost_per_month_usd: if s.usable {
                    month.normalize()
                } else {
                    Decimal::ZERO
                },
                picked,
                note: note(s, picked, o, cost_per_million(s, o.lambda_arch, p)),
            }
        })
        .collect()
}
