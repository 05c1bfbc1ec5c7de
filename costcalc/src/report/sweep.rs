//! The Lambda memory sweep in a report: each measured size with its cold start, worst p99, billed
//! duration over the route mix and cost per million requests (both architectures' prices applied
//! to the one measured time), and the size picked.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde::Serialize;

use crate::catalog::PriceSnapshot;
use crate::pricing::{self, lambda};
use crate::purchase::Arch;
use crate::workload::source::tune::SizeFigures;

#[derive(Debug, Clone, Serialize)]
pub struct SweepRow {
    pub size: SizeFigures,
    pub cost_per_million_arm64_usd: Decimal,
    pub cost_per_million_x86_64_usd: Decimal,
    pub picked: bool,
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

pub fn rows(sizes: &[SizeFigures], picked_mb: Decimal, p: &PriceSnapshot) -> Vec<SweepRow> {
    sizes
        .iter()
        .map(|s| SweepRow {
            size: s.clone(),
            cost_per_million_arm64_usd: cost_per_million(s, Arch::Arm64, p).normalize(),
            cost_per_million_x86_64_usd: cost_per_million(s, Arch::X86_64, p).normalize(),
            picked: s.usable && s.memory_mb == picked_mb,
        })
        .collect()
}
