//! Aurora PostgreSQL provisioned as a deployment's database: a class sized like RDS's (the
//! smallest that holds the measured database CPU at the peak and the connections), the cluster's
//! storage and, on Aurora Standard, its I/O requests.
//!
//! Aurora PostgreSQL's default `max_connections` is `LEAST(DBInstanceClassMemory / 9531392,
//! 5000)` (AWS, Managing Amazon Aurora PostgreSQL, "Maximum connections"), the formula RDS uses;
//! computed from the class's nominal memory it is an upper bound. Multi-AZ is a second instance
//! (a reader in another AZ) at the writer's rate; storage is billed once per cluster.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::Options;
use super::database::{Choice, vcpus_needed};
use crate::catalog::{AuroraInstance, PriceSnapshot, aurora_rates};
use crate::error::{Input, Result};
use crate::money;
use crate::pricing::aurora::{self, AuroraCapacity, AuroraStorage, AuroraUsage};
use crate::pricing::{self, LineItem};
use crate::workload::Workload;

/// The smallest Aurora PostgreSQL class (Aurora has no db.t4g.micro or small).
pub const SMALLEST_CLASS: &str = "db.t4g.medium";

/// Connections a class allows by default, from its memory.
pub fn max_connections(i: &AuroraInstance) -> Decimal {
    (i.memory_gib * dec!(1073741824) / dec!(9531392))
        .floor()
        .min(dec!(5000))
}

fn hourly(i: &AuroraInstance, s: AuroraStorage) -> Decimal {
    match s {
        AuroraStorage::Standard => i.standard,
        AuroraStorage::IoOptimized => i.io_optimized,
    }
}

fn usage_type(s: AuroraStorage, class: &str) -> String {
    match s {
        AuroraStorage::Standard => format!("InstanceUsage:{class}"),
        AuroraStorage::IoOptimized => format!("InstanceUsageIOOptimized:{class}"),
    }
}

/// The class for a deployment that opens `connections` at the peak: the one given by flag (kept
/// even when too small, and then the total is incomplete), else the cheapest that holds it.
pub fn choose(
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    storage: AuroraStorage,
    connections: Decimal,
) -> Result<Choice> {
    let a = aurora_rates(
        p,
        Input::Database,
        "aurora",
        &usage_type(storage, SMALLEST_CLASS),
    )?;
    let start = if o.db_class_given {
        o.db_instance_class.as_str()
    } else {
        SMALLEST_CLASS
    };
    let given = aurora::instance(p, a, start)?;
    let cpu = vcpus_needed(w, o);
    let holds = |i: &AuroraInstance| {
        cpu.is_none_or(|v| Decimal::from(i.vcpus) >= v) && max_connections(i) >= connections
    };
    let fits = |class: &str, notes: Vec<String>, too_small| Choice {
        class: class.to_string(),
        notes,
        too_small,
    };
    if holds(given) {
        return Ok(fits(start, Vec::new(), false));
    }
    let mut why = Vec::new();
    if let Some(v) = cpu.filter(|v| Decimal::from(given.vcpus) < *v) {
        why.push(format!(
            "the database needs {} vCPUs at the peak, Aurora {start} has {}",
            money::quantity(v, 2),
            given.vcpus
        ));
    }
    if max_connections(given) < connections {
        why.push(format!(
            "{} connections at the peak exceed the {} Aurora {start} allows",
            money::quantity(connections, 0),
            money::quantity(max_connections(given), 0)
        ));
    }
    let why = why.join("; ");
    let smallest = a
        .instances
        .iter()
        .filter(|(_, i)| holds(i))
        .min_by_key(|(_, i)| hourly(i, storage));
    Ok(match (o.db_class_given, smallest) {
        (false, Some((name, _))) => fits(name, vec![format!("{why}: sized up to {name}")], false),
        (true, Some((name, _))) => fits(
            start,
            vec![format!("{why}: Aurora {name} would hold it")],
            true,
        ),
        (_, None) => fits(
            start,
            vec![format!(
                "{why}, and no Aurora class in the {} snapshot holds it",
                p.region
            )],
            true,
        ),
    })
}

/// The cluster's lines: its instances (two with Multi-AZ), storage and I/O (the report's
/// assumptions state the I/O figure).
pub fn lines(
    choice: &Choice,
    storage: AuroraStorage,
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    out: &mut Vec<LineItem>,
) -> Result<()> {
    out.extend(aurora::price(
        &AuroraUsage {
            capacity: AuroraCapacity::Provisioned {
                class: choice.class.clone(),
                instances: if o.multi_az { 2 } else { 1 },
                hours: o.hours,
            },
            storage,
            storage_gb: o.db_storage_gb,
            hours: o.hours,
            month_hours: o.hours,
            ios: ios(w, o),
        },
        p,
    )?);
    Ok(())
}

/// The month's I/O requests: the requests x the I/Os each makes (assumed, or given).
pub fn ios(w: &Workload, o: &Options) -> Decimal {
    w.requests_per_month * o.db_io_per_request
}

/// What the report says about the I/O figure.
pub fn io_note(o: &Options, storage: AuroraStorage) -> String {
    format!(
        "Aurora I/O: {} I/O requests per API request ({}; buffer-cache hits cost none, each \
         write's log record is one){}",
        o.db_io_per_request.normalize(),
        if o.db_io_given {
            "given by --db-io-per-request"
        } else {
            "assumed, not measured: set --db-io-per-request from CloudWatch's VolumeReadIOPs and \
             VolumeWriteIOPs"
        },
        match storage {
            AuroraStorage::Standard => "",
            AuroraStorage::IoOptimized => ", not billed on I/O-Optimized",
        }
    )
}

/// RDS Proxy in front of a provisioned cluster: per vCPU-hour of the writer, as for RDS.
pub fn proxy_lines(choice: &Choice, o: &Options, p: &PriceSnapshot) -> Result<Vec<LineItem>> {
    let a = aurora_rates(p, Input::RdsProxy, "on", "InstanceUsage")?;
    let vcpus = Decimal::from(aurora::instance(p, a, &choice.class)?.vcpus);
    Ok(pricing::rds_proxy::price(vcpus, o.hours, p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;

    #[test]
    fn aurora_classes_are_sized_from_the_smallest() {
        let p = bundled("us-east-1").unwrap();
        let a = p.aurora.as_ref().unwrap();
        // 4 GiB: 4,294,967,296 / 9,531,392 = 450.6 -> 450; 16 GiB -> 1,802.
        assert_eq!(max_connections(&a.instances["db.t4g.medium"]), dec!(450));
        assert_eq!(max_connections(&a.instances["db.r6g.large"]), dec!(1802));
        let (w, o) = (Workload::default(), Options::default());
        let c = choose(&w, &o, &p, AuroraStorage::Standard, dec!(20)).unwrap();
        assert_eq!((c.class.as_str(), c.too_small), ("db.t4g.medium", false));
        // 1,000 connections: db.t4g.large (8 GiB, 901) is too few; db.r6g.large ($0.26) holds
        // them and is cheaper than db.r7g.large ($0.276).
        let c = choose(&w, &o, &p, AuroraStorage::Standard, dec!(1000)).unwrap();
        assert_eq!(c.class, "db.r6g.large");
        assert!(c.notes[0].contains("1,000 connections"), "{:?}", c.notes);
        // Given and too small: kept, incomplete.
        let given = Options {
            db_class_given: true,
            db_instance_class: "db.t4g.medium".into(),
            ..Options::default()
        };
        let c = choose(&w, &given, &p, AuroraStorage::Standard, dec!(1000)).unwrap();
        assert_eq!((c.class.as_str(), c.too_small), ("db.t4g.medium", true));
        // Over 5,000: none holds it.
        let c = choose(&w, &o, &p, AuroraStorage::Standard, dec!(5001)).unwrap();
        assert!(c.too_small && c.notes[0].contains("no Aurora class"));
    }
}
