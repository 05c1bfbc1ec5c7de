//! AWS Fargate (Linux): vCPU-hours and GB-hours per task, x86_64, ARM or Spot; ephemeral storage
//! above the included 20 GB; billed per second with a one-minute minimum per task run.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::LineItem;
use crate::catalog::{FargateComputePrices, PriceSnapshot};
use crate::error::{Error, Input, Problem, Result};
use crate::purchase::{Arch, Usage};

const SERVICE: &str = "Fargate";

#[derive(Debug, Clone)]
pub enum Runtime {
    /// Tasks running continuously for this many hours.
    Hours(Decimal),
    /// Each task runs `seconds` once a day for `days` days (each run billed at least 60 s).
    Daily { seconds: Decimal, days: Decimal },
}

#[derive(Debug, Clone)]
pub struct FargateUsage {
    pub tasks: Decimal,
    pub vcpu: Decimal,
    pub memory_gb: Decimal,
    pub storage_gb: Decimal,
    pub arch: Arch,
    pub spot: bool,
    pub runtime: Runtime,
}

/// Task-hours billed for one task under `runtime`, with the one-minute minimum per run.
pub fn billed_hours(runtime: &Runtime, minimum_seconds: Decimal) -> Decimal {
    match runtime {
        Runtime::Hours(h) => *h,
        Runtime::Daily { seconds, days } => seconds.max(&minimum_seconds) * days / dec!(3600),
    }
}

/// Seconds billed for task runs of these lengths: per second, each run at least `minimum_seconds`.
pub fn billed_seconds(runs: &[Decimal], minimum_seconds: Decimal) -> Decimal {
    runs.iter().map(|s| (*s).max(minimum_seconds)).sum()
}

/// One-off task runs of one size (the shards of a load test, say), `runs` their lengths in
/// seconds: the vCPU and memory line items of their billed task-hours, storage within the
/// included amount.
pub fn price_runs(
    vcpu: Decimal,
    memory_gb: Decimal,
    arch: Arch,
    spot: bool,
    runs: &[Decimal],
    p: &PriceSnapshot,
) -> Result<Vec<LineItem>> {
    let hours = billed_seconds(runs, p.fargate.minimum_seconds) / dec!(3600);
    let u = FargateUsage {
        tasks: Decimal::ONE,
        vcpu,
        memory_gb,
        storage_gb: p.fargate.included_storage_gb,
        arch,
        spot,
        runtime: Runtime::Hours(hours),
    };
    price(&u, p)
}

/// AWS's Fargate task sizes (Linux): memory GB allowed for each vCPU, as (vCPU, from, to, step).
const SIZES: [(Decimal, Decimal, Decimal, Decimal); 7] = [
    (dec!(0.25), dec!(0.5), dec!(2), dec!(0)),
    (dec!(0.5), dec!(1), dec!(4), dec!(1)),
    (dec!(1), dec!(2), dec!(8), dec!(1)),
    (dec!(2), dec!(4), dec!(16), dec!(1)),
    (dec!(4), dec!(8), dec!(30), dec!(1)),
    (dec!(8), dec!(16), dec!(60), dec!(4)),
    (dec!(16), dec!(32), dec!(120), dec!(8)),
];

/// The valid task sizes, in words.
pub fn valid_sizes() -> String {
    SIZES
        .iter()
        .map(|(v, from, to, step)| {
            if step.is_zero() {
                format!("{} vCPU: 0.5, 1, 2 GB", v.normalize())
            } else {
                format!(
                    "{} vCPU: {}-{} GB in {} GB steps",
                    v.normalize(),
                    from.normalize(),
                    to.normalize(),
                    step.normalize()
                )
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A vCPU/memory pair Fargate can run; anything else lists the valid sizes.
pub fn check_size(vcpu: Decimal, memory_gb: Decimal) -> Result<()> {
    let ok = SIZES.iter().any(|(v, from, to, step)| {
        *v == vcpu
            && if step.is_zero() {
                [dec!(0.5), dec!(1), dec!(2)].contains(&memory_gb)
            } else {
                memory_gb >= *from && memory_gb <= *to && ((memory_gb - from) % step).is_zero()
            }
    });
    if ok {
        return Ok(());
    }
    let input = if SIZES.iter().any(|(v, ..)| *v == vcpu) {
        Input::FargateMemoryGb
    } else {
        Input::FargateVcpu
    };
    Err(Error::invalid(
        input,
        format!(
            "{} vCPU with {} GB",
            vcpu.normalize(),
            memory_gb.normalize()
        ),
        Problem::FargateSize {
            valid: valid_sizes(),
        },
    ))
}

/// The vCPU and memory prices of an architecture, on demand or Spot.
pub fn compute_prices(p: &PriceSnapshot, arch: Arch, spot: bool) -> Result<&FargateComputePrices> {
    match (arch, spot) {
        (Arch::X86_64, false) => Ok(&p.fargate.x86_64),
        (Arch::Arm64, false) => Ok(&p.fargate.arm64),
        (Arch::X86_64, true) => Ok(&p.fargate.spot_x86_64),
        // AWS runs ARM64 tasks on Fargate Spot (platform 1.4.0 and later); the Price List has no
        // Spot rates, so a snapshot carries one only when somebody added it with its source.
        (Arch::Arm64, true) => p.fargate.spot_arm64.as_ref().ok_or_else(|| {
            Error::invalid(
                Input::FargateSpot,
                "Spot on arm64",
                Problem::NotPriced {
                    what: format!(
                        "AWS runs ARM64 tasks on Fargate Spot, but the {} snapshot has no ARM64 Spot rate \
                         (the Price List publishes none): price Spot with x86_64, or add \
                         [fargate.spot_arm64.vcpu] and [fargate.spot_arm64.memory] to a --prices file",
                        p.region
                    ),
                },
            )
        }),
    }
}

pub fn price(u: &FargateUsage, p: &PriceSnapshot) -> Result<Vec<LineItem>> {
    let compute = compute_prices(p, u.arch, u.spot)?;
    let kind = match (u.arch, u.spot) {
        (Arch::X86_64, true) => "Spot x86_64",
        (Arch::Arm64, true) => "Spot ARM",
        (Arch::X86_64, false) => "Linux/x86_64",
        (Arch::Arm64, false) => "Linux/ARM",
    };
    let task_hours = u.tasks * billed_hours(&u.runtime, p.fargate.minimum_seconds);
    let mut out = vec![
        LineItem::new(
            SERVICE,
            format!(
                "vCPU ({kind}, {} vCPU x {} task-hours)",
                u.vcpu.normalize(),
                crate::money::quantity(task_hours, 4)
            ),
            task_hours * u.vcpu,
            &compute.vcpu,
        ),
        LineItem::new(
            SERVICE,
            format!(
                "Memory ({kind}, {} GB x {} task-hours)",
                u.memory_gb.normalize(),
                crate::money::quantity(task_hours, 4)
            ),
            task_hours * u.memory_gb,
            &compute.memory,
        ),
    ];
    // Savings Plans cover on-demand Fargate only, never Spot.
    if !u.spot {
        let usage = [Usage::FargateVcpu(u.arch), Usage::FargateMemory(u.arch)];
        for (line, usage) in out.iter_mut().zip(usage) {
            line.usage = Some(usage);
        }
    }
    let extra = (u.storage_gb - p.fargate.included_storage_gb).max(Decimal::ZERO);
    if extra > Decimal::ZERO {
        out.push(LineItem::new(
            SERVICE,
            format!(
                "Ephemeral storage ({} GB, {} GB included)",
                u.storage_gb.normalize(),
                p.fargate.included_storage_gb.normalize()
            ),
            task_hours * extra,
            &p.fargate.ephemeral_storage,
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;

    #[test]
    fn one_minute_minimum_per_run() {
        assert_eq!(
            billed_hours(
                &Runtime::Daily {
                    seconds: dec!(10),
                    days: dec!(36)
                },
                dec!(60)
            ),
            dec!(0.6)
        );
        assert_eq!(
            billed_hours(
                &Runtime::Daily {
                    seconds: dec!(60),
                    days: dec!(1)
                },
                dec!(60)
            ),
            dec!(60) / dec!(3600)
        );
        assert_eq!(
            billed_hours(
                &Runtime::Daily {
                    seconds: dec!(61),
                    days: dec!(1)
                },
                dec!(60)
            ),
            dec!(61) / dec!(3600)
        );
        let p = bundled("us-east-1").unwrap();
        let u = FargateUsage {
            tasks: dec!(1),
            vcpu: dec!(1),
            memory_gb: dec!(2),
            storage_gb: dec!(20),
            arch: Arch::X86_64,
            spot: false,
            runtime: Runtime::Daily {
                seconds: dec!(5),
                days: dec!(1),
            },
        };
        // 5 s is billed as 60 s: 1/60 h x 0.04048 for the vCPU.
        assert_eq!(price(&u, &p).unwrap()[0].cost_usd, dec!(0.04048) / dec!(60));
    }

    #[test]
    fn runs_are_billed_per_second_with_a_minimum_each() {
        assert_eq!(
            billed_seconds(&[dec!(612), dec!(0.5), dec!(60.25)], dec!(60)),
            dec!(612) + dec!(60) + dec!(60.25)
        );
        assert_eq!(billed_seconds(&[], dec!(60)), dec!(0));
        let p = bundled("us-east-1").unwrap();
        // 900 s + 1 run under a minute (60 s) = 960 s = 0.26666... h; x86_64, 0.5 vCPU / 1 GB.
        let items = price_runs(
            dec!(0.5),
            dec!(1),
            Arch::X86_64,
            false,
            &[dec!(900), dec!(10)],
            &p,
        )
        .unwrap();
        let hours = dec!(960) / dec!(3600);
        assert_eq!(items[0].quantity, hours * dec!(0.5));
        assert_eq!(items[0].cost_usd, hours * dec!(0.5) * dec!(0.04048));
        assert_eq!(items[1].cost_usd, hours * dec!(1) * dec!(0.004445));
        assert_eq!(items.len(), 2, "no storage line within the included 20 GB");
    }

    #[test]
    fn arm_spot_is_refused_naming_the_input() {
        let p = bundled("us-east-1").unwrap();
        let u = FargateUsage {
            tasks: dec!(1),
            vcpu: dec!(1),
            memory_gb: dec!(2),
            storage_gb: dec!(20),
            arch: Arch::Arm64,
            spot: true,
            runtime: Runtime::Hours(dec!(730)),
        };
        let e = price(&u, &p).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Invalid {
                    input: Input::FargateSpot,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().contains("x86_64"), "{e}");
    }
}
