//! AWS Lambda: requests, duration (GB-s, three volume tiers per architecture), ephemeral storage
//! above 512 MB, provisioned concurrency; the free tier (1M requests, 400,000 GB-s) only when asked.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::{LineItem, after_free, tiered};
use crate::catalog::PriceSnapshot;
use crate::purchase::{Arch, Usage};

const SERVICE: &str = "Lambda";

#[derive(Debug, Clone)]
pub struct LambdaUsage {
    pub requests: Decimal,
    /// Billed seconds over the month: each invocation rounded up to 1 ms, then summed.
    pub billed_seconds: Decimal,
    pub memory_mb: Decimal,
    /// Configured ephemeral storage (/tmp), 512 to 10,240 MB; only the part above 512 is billed.
    pub ephemeral_mb: Decimal,
    pub arch: Arch,
    /// Provisioned concurrency kept warm for `hours`; invocations are then billed at the
    /// provisioned duration rate (assumes they fit within it).
    pub provisioned_concurrency: Decimal,
    pub hours: Decimal,
    pub free_tier: bool,
}

/// Billed time of one invocation: rounded up to the next whole millisecond.
pub fn billed_ms(duration_ms: Decimal) -> Decimal {
    duration_ms.ceil()
}

/// Billed seconds for `requests` invocations that each take `duration_ms`.
pub fn billed_seconds_uniform(requests: Decimal, duration_ms: Decimal) -> Decimal {
    requests * billed_ms(duration_ms) / dec!(1000)
}

/// Billed seconds when each invocation's duration is known: each rounds up separately.
pub fn billed_seconds_of(durations_ms: &[Decimal]) -> Decimal {
    durations_ms.iter().map(|d| billed_ms(*d)).sum::<Decimal>() / dec!(1000)
}

pub fn price(u: &LambdaUsage, p: &PriceSnapshot) -> Vec<LineItem> {
    let mut out = vec![requests(u, p)];
    out.extend(duration(u, p));
    out.extend(ephemeral_storage(u, p));
    out
}

fn requests(u: &LambdaUsage, p: &PriceSnapshot) -> LineItem {
    let (qty, name) = if u.free_tier {
        (
            after_free(u.requests, p.lambda.free_requests),
            format!(
                "Requests beyond the {} free",
                crate::money::quantity(p.lambda.free_requests, 0)
            ),
        )
    } else {
        (u.requests, "Requests".to_string())
    };
    LineItem::new(SERVICE, name, qty / dec!(1000000), &p.lambda.requests)
}

/// Duration, on demand (tiered, after the free allowance) or on provisioned concurrency (the
/// environments kept warm all month, and the invocations they serve).
fn duration(u: &LambdaUsage, p: &PriceSnapshot) -> Vec<LineItem> {
    let arch = match u.arch {
        Arch::X86_64 => &p.lambda.x86_64,
        Arch::Arm64 => &p.lambda.arm64,
    };
    let gb = u.memory_mb / dec!(1024);
    let gb_seconds = u.billed_seconds * gb;
    if u.provisioned_concurrency > Decimal::ZERO {
        let pc_gb_s = u.provisioned_concurrency * gb * u.hours * dec!(3600);
        return vec![
            LineItem::new(
                SERVICE,
                format!(
                    "Provisioned concurrency ({} x {} MB)",
                    u.provisioned_concurrency.normalize(),
                    u.memory_mb.normalize()
                ),
                pc_gb_s,
                &arch.provisioned_concurrency,
            )
            .billing(Usage::LambdaProvisionedConcurrency(u.arch)),
            LineItem::new(
                SERVICE,
                format!("Duration on provisioned concurrency ({})", u.arch.as_str()),
                gb_seconds,
                &arch.provisioned_duration,
            )
            .billing(Usage::LambdaProvisionedDuration(u.arch)),
        ];
    }
    let (qty, name) = if u.free_tier {
        (
            after_free(gb_seconds, p.lambda.free_gb_seconds),
            format!(
                "Duration ({}, beyond {} GB-s free)",
                u.arch.as_str(),
                crate::money::quantity(p.lambda.free_gb_seconds, 0)
            ),
        )
    } else {
        (gb_seconds, format!("Duration ({})", u.arch.as_str()))
    };
    tiered(SERVICE, &name, &arch.duration, qty)
        .into_iter()
        .map(|l| l.billing(Usage::LambdaDuration(u.arch)))
        .collect()
}

/// Ephemeral storage beyond the free 512 MB.
fn ephemeral_storage(u: &LambdaUsage, p: &PriceSnapshot) -> Option<LineItem> {
    (u.ephemeral_mb > dec!(512)).then(|| {
        let extra_gb = (u.ephemeral_mb - dec!(512)) / dec!(1024);
        LineItem::new(
            SERVICE,
            format!(
                "Ephemeral storage ({} MB configured)",
                u.ephemeral_mb.normalize()
            ),
            extra_gb * u.billed_seconds,
            &p.lambda.ephemeral_storage,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;
    use crate::pricing::total;

    fn usage(requests: Decimal, ms: Decimal, mb: Decimal) -> LambdaUsage {
        LambdaUsage {
            requests,
            billed_seconds: billed_seconds_uniform(requests, ms),
            memory_mb: mb,
            ephemeral_mb: dec!(512),
            arch: Arch::X86_64,
            provisioned_concurrency: dec!(0),
            hours: dec!(730),
            free_tier: false,
        }
    }

    #[test]
    fn duration_rounds_up_per_invocation() {
        assert_eq!(billed_ms(dec!(120)), dec!(120));
        assert_eq!(billed_ms(dec!(120.01)), dec!(121));
        // Two invocations of 1.2 ms bill 2 ms each (4 ms), not ceil(2.4) = 3 ms.
        assert_eq!(billed_seconds_of(&[dec!(1.2), dec!(1.2)]), dec!(0.004));
    }

    #[test]
    fn x86_tier_boundaries() {
        let p = bundled("us-east-1").unwrap();
        // Exactly 6e9 GB-s (6e9 requests x 1000 ms x 1 GB): one line, all at tier 1.
        let l = price(&usage(dec!(6000000000), dec!(1000), dec!(1024)), &p);
        let d: Vec<_> = l
            .iter()
            .filter(|i| i.name.starts_with("Duration"))
            .collect();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].cost_usd, dec!(6000000000) * dec!(0.0000166667));
        // 15e9 + 1e9 GB-s: 6e9 at tier 1, 9e9 at tier 2, 1e9 at tier 3.
        let l = price(&usage(dec!(16000000000), dec!(1000), dec!(1024)), &p);
        let d: Vec<_> = l
            .iter()
            .filter(|i| i.name.starts_with("Duration"))
            .collect();
        assert_eq!(d.len(), 3);
        assert_eq!(d[1].quantity, dec!(9000000000));
        assert_eq!(d[1].cost_usd, dec!(135000));
        assert_eq!(d[2].quantity, dec!(1000000000));
        assert_eq!(d[2].cost_usd, dec!(13333.4));
    }

    #[test]
    fn arm64_tier_boundaries() {
        let p = bundled("us-east-1").unwrap();
        let mut u = usage(dec!(7500000000), dec!(1000), dec!(1024));
        u.arch = Arch::Arm64;
        let d = price(&u, &p);
        assert_eq!(
            d.iter().filter(|i| i.name.starts_with("Duration")).count(),
            1
        );
        assert_eq!(d[1].cost_usd, dec!(7500000000) * dec!(0.0000133334));
        u.requests = dec!(7500000001);
        u.billed_seconds = billed_seconds_uniform(u.requests, dec!(1000));
        let d = price(&u, &p);
        assert_eq!(d[2].quantity, dec!(1));
        assert_eq!(d[2].unit_price_usd, dec!(0.0000120001));
    }

    #[test]
    fn free_tier_only_when_asked() {
        let p = bundled("us-east-1").unwrap();
        let mut u = usage(dec!(1000000), dec!(100), dec!(1024)); // 100,000 GB-s
        assert_eq!(
            total(&price(&u, &p)),
            dec!(0.2) + dec!(100000) * dec!(0.0000166667)
        );
        u.free_tier = true;
        assert_eq!(total(&price(&u, &p)), dec!(0));
    }

    #[test]
    fn ephemeral_storage_bills_only_above_512_mb() {
        let p = bundled("us-east-1").unwrap();
        let mut u = usage(dec!(1000000), dec!(1000), dec!(128));
        u.ephemeral_mb = dec!(10240);
        let l = price(&u, &p);
        let e = l.iter().find(|i| i.name.starts_with("Ephemeral")).unwrap();
        // (10240 - 512) / 1024 = 9.5 GB x 1,000,000 s = 9.5e6 GB-s x 0.0000000309 = 0.29355
        assert_eq!(e.quantity, dec!(9500000));
        assert_eq!(e.cost_usd, dec!(0.29355));
        u.ephemeral_mb = dec!(512);
        assert!(
            !price(&u, &p)
                .iter()
                .any(|i| i.name.starts_with("Ephemeral"))
        );
    }

    #[test]
    fn provisioned_concurrency() {
        let p = bundled("us-east-1").unwrap();
        let mut u = usage(dec!(1000000), dec!(100), dec!(1024));
        u.provisioned_concurrency = dec!(2);
        let l = price(&u, &p);
        // 2 x 1 GB x 730 h x 3600 = 5,256,000 GB-s x 0.0000041667 = 21.9001752
        assert_eq!(l[1].cost_usd, dec!(21.9001752));
        // 100,000 GB-s x 0.0000097222 = 0.97222
        assert_eq!(l[2].cost_usd, dec!(0.97222));
    }
}
