//! Amazon Aurora PostgreSQL: Serverless v2 ACU-hours or provisioned instance-hours, the cluster's
//! storage (GB-month, once per cluster whatever the number of instances) and, on Aurora Standard
//! only, I/O requests. I/O-Optimized has dearer capacity and storage and no I/O charge.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::LineItem;
use crate::catalog::{AuroraInstance, AuroraPrices, PriceSnapshot, aurora_rates};
use crate::error::{Error, Input, Problem, Result, check_range};

const SERVICE: &str = "Aurora";
/// Aurora's cluster volume grows to 128 TiB at most.
const MAX_STORAGE_GB: Decimal = dec!(131072);
/// I/O requests a month the engine takes (10^15: far past any bill, and exact in a Decimal).
const MAX_IOS: Decimal = dec!(1_000_000_000_000_000);
const MILLION: Decimal = dec!(1_000_000);

/// The cluster's storage configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuroraStorage {
    Standard,
    IoOptimized,
}

impl AuroraStorage {
    fn label(self) -> &'static str {
        match self {
            AuroraStorage::Standard => "Standard",
            AuroraStorage::IoOptimized => "I/O-Optimized",
        }
    }
}

/// What holds the capacity.
#[derive(Debug, Clone, PartialEq)]
pub enum AuroraCapacity {
    /// Serverless v2: the month's ACU-hours, summed over the cluster's instances (what the pause
    /// and scaling models work out; a paused hour holds 0 ACUs).
    ServerlessV2 { acu_hours: Decimal },
    /// Provisioned: `instances` of `class` (2 for Multi-AZ: a reader in a second AZ billed at the
    /// writer's rate), each for `hours`.
    Provisioned {
        class: String,
        instances: u32,
        hours: Decimal,
    },
}

#[derive(Debug, Clone)]
pub struct AuroraUsage {
    pub capacity: AuroraCapacity,
    pub storage: AuroraStorage,
    /// GB the cluster volume holds (Aurora bills what is used, not an allocation).
    pub storage_gb: Decimal,
    /// Hours of the month the cluster exists, and the month's hours: storage is prorated.
    pub hours: Decimal,
    pub month_hours: Decimal,
    /// I/O requests in the month (billed on Standard only).
    pub ios: Decimal,
}

/// The snapshot's Aurora rates; a snapshot without them is an error naming the rate `u` needs.
fn rates<'a>(u: &AuroraUsage, p: &'a PriceSnapshot) -> Result<&'a AuroraPrices> {
    let (value, usage_type) = match (&u.capacity, u.storage) {
        (AuroraCapacity::ServerlessV2 { .. }, AuroraStorage::Standard) => {
            ("aurora-serverless", "Aurora:ServerlessV2Usage".to_string())
        }
        (AuroraCapacity::ServerlessV2 { .. }, AuroraStorage::IoOptimized) => (
            "aurora-serverless",
            "Aurora:ServerlessV2IOOptimizedUsage".to_string(),
        ),
        (AuroraCapacity::Provisioned { class, .. }, AuroraStorage::Standard) => {
            ("aurora", format!("InstanceUsage:{class}"))
        }
        (AuroraCapacity::Provisioned { class, .. }, AuroraStorage::IoOptimized) => {
            ("aurora", format!("InstanceUsageIOOptimized:{class}"))
        }
    };
    aurora_rates(p, Input::Database, value, &usage_type)
}

/// A provisioned Aurora class of the snapshot; an unknown one lists the known ones.
pub fn instance<'a>(
    p: &'a PriceSnapshot,
    a: &'a AuroraPrices,
    name: &str,
) -> Result<&'a AuroraInstance> {
    a.instances.get(name).ok_or_else(|| {
        Error::invalid(
            Input::DbInstanceClass,
            name,
            Problem::Unknown {
                region: p.region.clone(),
                known: a.instances.keys().cloned().collect(),
            },
        )
    })
}

fn check(u: &AuroraUsage) -> Result<()> {
    check_range(
        Input::AuroraStorageGb,
        u.storage_gb,
        Decimal::ZERO,
        MAX_STORAGE_GB,
    )?;
    check_range(Input::AuroraIos, u.ios, Decimal::ZERO, MAX_IOS)?;
    if let AuroraCapacity::ServerlessV2 { acu_hours } = u.capacity {
        // 256 ACUs on a writer and a reader, every hour of a long month.
        check_range(
            Input::AcuHours,
            acu_hours,
            Decimal::ZERO,
            dec!(512) * dec!(744),
        )?;
    }
    Ok(())
}

pub fn price(u: &AuroraUsage, p: &PriceSnapshot) -> Result<Vec<LineItem>> {
    check(u)?;
    let a = rates(u, p)?;
    let iopt = u.storage == AuroraStorage::IoOptimized;
    let kind = u.storage.label();
    let mut out = vec![match &u.capacity {
        AuroraCapacity::ServerlessV2 { acu_hours } => {
            let rate = if iopt {
                &a.serverless_v2.io_optimized
            } else {
                &a.serverless_v2.standard
            };
            LineItem::new(
                SERVICE,
                format!("PostgreSQL Serverless v2 ({kind})"),
                *acu_hours,
                rate,
            )
        }
        AuroraCapacity::Provisioned {
            class,
            instances,
            hours,
        } => {
            let i = instance(p, a, class)?;
            let rate = if iopt { i.io_optimized } else { i.standard };
            LineItem::at(
                SERVICE,
                format!(
                    "PostgreSQL {class} x{instances} ({kind}, {} vCPU each)",
                    i.vcpus
                ),
                Decimal::from(*instances) * hours,
                "instance-hour",
                rate,
            )
        }
    }];
    let storage = if iopt {
        &a.storage.io_optimized
    } else {
        &a.storage.standard
    };
    out.push(LineItem::new(
        SERVICE,
        format!(
            "storage {} GB ({kind}, once per cluster)",
            u.storage_gb.normalize()
        ),
        u.storage_gb * u.hours / u.month_hours,
        storage,
    ));
    if !iopt {
        out.push(LineItem::new(
            SERVICE,
            "I/O requests (Standard)",
            u.ios / MILLION,
            &a.io.standard,
        ));
    }
    Ok(out)
}

/// The month's I/O requests at which I/O-Optimized costs the same as Standard for the same
/// capacity and storage: below it Standard is cheaper, above it I/O-Optimized. None when
/// Standard's I/O is free (no crossing).
pub fn io_optimized_break_even(u: &AuroraUsage, p: &PriceSnapshot) -> Result<Option<Decimal>> {
    let no_io = |storage| AuroraUsage {
        storage,
        ios: Decimal::ZERO,
        ..u.clone()
    };
    let standard = super::total(&price(&no_io(AuroraStorage::Standard), p)?);
    let optimized = super::total(&price(&no_io(AuroraStorage::IoOptimized), p)?);
    let per_million = rates(u, p)?.io.standard.usd;
    if per_million.is_zero() {
        return Ok(None);
    }
    Ok(Some(
        ((optimized - standard) / per_million * MILLION).max(Decimal::ZERO),
    ))
}

#[cfg(test)]
#[path = "aurora_tests.rs"]
mod tests;
