//! The database behind each deployment: which RDS class, and whether it takes the connections.
//!
//! PostgreSQL on RDS allows `LEAST(DBInstanceClassMemory / 9531392, 5000)` connections by default
//! (RDS's documented parameter formula; `DBInstanceClassMemory` is the class's memory less what
//! RDS reserves, so the figure computed from the class's memory is an upper bound). Each instance
//! or task holds a pool of `db_pool_size` connections; each Lambda environment one, unless RDS
//! Proxy pools them. When the class is not given, the smallest class in the snapshot that holds
//! both the measured database CPU at the peak (at the target utilization) and the connections is
//! chosen; a given class that cannot is kept, and the report says so and prices the remedy.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::Options;
use crate::catalog::{PriceSnapshot, RdsInstance};
use crate::error::Result;
use crate::money;
use crate::pricing::rds;
use crate::workload::Workload;

/// The class chosen and what the report should say about it.
#[derive(Debug, Clone)]
pub struct Choice {
    pub class: String,
    pub notes: Vec<String>,
    /// The class priced does not hold the workload by its own sizing (a class given by flag that
    /// is too small, or none in the snapshot large enough): the total is incomplete.
    pub too_small: bool,
}

/// Connections RDS for PostgreSQL allows a class by default, from its memory.
pub fn max_connections(i: &RdsInstance) -> Option<Decimal> {
    let bytes = i.memory_gib? * dec!(1073741824);
    Some((bytes / dec!(9531392)).floor().min(dec!(5000)))
}

/// vCPUs the database needs at the peak, at the target utilization, when its CPU was measured.
pub fn vcpus_needed(w: &Workload, o: &Options) -> Option<Decimal> {
    let ms = w.db_cpu_ms_per_request?;
    Some(ms / dec!(1000) * w.peak(o.hours) / o.target_utilization)
}

fn hourly(i: &RdsInstance, o: &Options) -> Decimal {
    if o.multi_az { i.multi_az } else { i.single_az }
}

/// The class for a deployment that opens `connections` connections at the peak.
pub fn choose(
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    connections: Decimal,
) -> Result<Choice> {
    let given = rds::instance(p, &o.db_instance_class)?;
    let cpu = vcpus_needed(w, o);
    let holds = |i: &RdsInstance| {
        cpu.is_none_or(|v| Decimal::from(i.vcpus) >= v)
            && max_connections(i).is_none_or(|m| m >= connections)
    };
    let smallest = p
        .rds
        .instances
        .iter()
        .filter(|(_, i)| holds(i))
        .min_by_key(|(_, i)| hourly(i, o));
    let mut notes = Vec::new();
    if holds(given) {
        return Ok(Choice {
            class: o.db_instance_class.clone(),
            notes,
            too_small: false,
        });
    }
    let why = shortfall(given, &o.db_instance_class, cpu, connections);
    match (o.db_class_given, smallest) {
        (false, Some((name, i))) => {
            notes.push(format!("{why}: sized up to {name}"));
            let _ = i;
            Ok(Choice {
                class: name.clone(),
                notes,
                too_small: false,
            })
        }
        (true, Some((name, i))) => {
            let extra = (hourly(i, o) - hourly(given, o)) * o.hours;
            notes.push(format!(
                "{why}: {name} would hold it, for {} more a month",
                money::usd(extra)
            ));
            Ok(Choice {
                class: o.db_instance_class.clone(),
                notes,
                too_small: true,
            })
        }
        (_, None) => {
            notes.push(format!(
                "{why}, and no class in the {} snapshot holds it: pool fewer connections (RDS \
                 Proxy, a smaller DB_MAX_CONNECTIONS) or price larger classes with `prices fetch`",
                p.region
            ));
            Ok(Choice {
                class: o.db_instance_class.clone(),
                notes,
                too_small: true,
            })
        }
    }
}

fn shortfall(i: &RdsInstance, name: &str, cpu: Option<Decimal>, connections: Decimal) -> String {
    let mut parts = Vec::new();
    if let Some(v) = cpu
        && Decimal::from(i.vcpus) < v
    {
        parts.push(format!(
            "the database needs {} vCPUs at the peak, {name} has {}",
            money::quantity(v, 2),
            i.vcpus
        ));
    }
    if let Some(m) = max_connections(i)
        && m < connections
    {
        parts.push(format!(
            "{} connections at the peak exceed the {} {name} allows",
            money::quantity(connections, 0),
            money::quantity(m, 0)
        ));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundled;

    #[test]
    fn max_connections_follow_rds_formula() {
        let p = bundled("us-east-1").unwrap();
        // 1 GiB: 1,073,741,824 / 9,531,392 = 112.65 -> 112; 4 GiB -> 450.
        assert_eq!(
            max_connections(&p.rds.instances["db.t4g.micro"]),
            Some(dec!(112))
        );
        assert_eq!(
            max_connections(&p.rds.instances["db.t4g.medium"]),
            Some(dec!(450))
        );
    }

    #[test]
    fn connections_size_the_class_up_or_are_reported() {
        let p = bundled("us-east-1").unwrap();
        // The peak at 10 x the average, as these connections were worked.
        let w = Workload {
            peak_to_average: dec!(10),
            ..Workload::default()
        };
        let o = Options::default();
        // 12 tasks x 10 = 120 > 112 (micro): the next class that holds 120 is db.t4g.small (225).
        let c = choose(&w, &o, &p, dec!(120)).unwrap();
        assert_eq!(c.class, "db.t4g.small");
        assert!(
            c.notes[0].contains("120 connections at the peak exceed the 112"),
            "{:?}",
            c.notes
        );
        // Given by flag: kept, with the remedy priced: (0.032 - 0.016) x 730 = $11.68.
        let given = Options {
            db_class_given: true,
            ..Options::default()
        };
        let c = choose(&w, &given, &p, dec!(120)).unwrap();
        assert_eq!(c.class, "db.t4g.micro");
        assert!(
            c.notes[0].contains("db.t4g.small would hold it, for $11.68 more"),
            "{:?}",
            c.notes
        );
        // A class given by flag that does not hold the workload makes the total incomplete.
        assert!(c.too_small);
        // 5,000 connections need 5,000 x 9,531,392 B = 44.4 GiB: the 64 GiB classes hold it, and
        // db.r6g.2xlarge ($0.899/h) is the cheapest of them (db.r7g.2xlarge $0.956, db.m6g.4xlarge
        // $1.272).
        let c = choose(&w, &o, &p, dec!(5000)).unwrap();
        assert_eq!(c.class, "db.r6g.2xlarge");
        assert!(!c.too_small);
        // More than any class allows (RDS caps max_connections at 5,000): kept, and incomplete.
        let c = choose(&w, &o, &p, dec!(5001)).unwrap();
        assert_eq!(c.class, "db.t4g.micro");
        assert!(c.notes[0].contains("no class"), "{:?}", c.notes);
        assert!(c.too_small);
        // Measured database CPU: 2 ms per request at a 1,000 req/s peak = 2 vCPUs / 0.6 = 3.33:
        // no 2-vCPU class in the snapshot holds it.
        let w = Workload {
            db_cpu_ms_per_request: Some(dec!(2)),
            peak_rps: Some(dec!(1000)),
            requests_per_month: dec!(100000000),
            ..Workload::default()
        };
        // The 4-vCPU classes hold it; db.t4g.xlarge ($0.258/h) is the cheapest of them.
        let c = choose(&w, &o, &p, dec!(10)).unwrap();
        assert!(c.notes[0].contains("needs 3.33 vCPUs"), "{:?}", c.notes);
        assert_eq!(c.class, "db.t4g.xlarge");
        // 10^9 requests a month at 2 ms each: 380.518 req/s average, x 10 peak-to-average x
        // 0.002 s / 0.6 = 12.68 vCPUs: a 16-vCPU class, db.m6g.4xlarge ($1.272/h) the cheapest.
        let w = Workload {
            db_cpu_ms_per_request: Some(dec!(2)),
            requests_per_month: dec!(1000000000),
            peak_to_average: dec!(10),
            ..Workload::default()
        };
        let c = choose(&w, &o, &p, dec!(10)).unwrap();
        assert_eq!(c.class, "db.m6g.4xlarge", "{:?}", c.notes);
        assert!(!c.too_small);
    }
}
