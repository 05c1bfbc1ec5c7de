use super::*;
use crate::catalog::{bundled, parse};
use crate::pricing::total;

fn serverless(
    acu_hours: Decimal,
    storage: AuroraStorage,
    gb: Decimal,
    ios: Decimal,
) -> AuroraUsage {
    AuroraUsage {
        capacity: AuroraCapacity::ServerlessV2 { acu_hours },
        storage,
        storage_gb: gb,
        hours: dec!(730),
        month_hours: dec!(730),
        ios,
    }
}

#[test]
fn half_an_acu_all_month() {
    let p = bundled("us-east-1").unwrap();
    // 0.5 ACU x 730 h = 365 ACU-hours x $0.12 = $43.80; no storage, no I/O.
    let u = serverless(
        dec!(0.5) * dec!(730),
        AuroraStorage::Standard,
        dec!(0),
        dec!(0),
    );
    let l = price(&u, &p).unwrap();
    assert_eq!(l[0].quantity, dec!(365));
    assert_eq!(l[0].unit, "ACU-hour");
    assert_eq!(l[0].cost_usd, dec!(43.80));
    assert_eq!(total(&l), dec!(43.80));
    // I/O-Optimized: 365 x $0.16 = $58.40.
    let u = AuroraUsage {
        storage: AuroraStorage::IoOptimized,
        ..u
    };
    assert_eq!(total(&price(&u, &p).unwrap()), dec!(58.40));
}

#[test]
fn storage_20_gb_bills_once_per_cluster_and_prorates() {
    let p = bundled("us-east-1").unwrap();
    // Standard: 20 GB x $0.10 = $2.00; I/O-Optimized: 20 GB x $0.225 = $4.50.
    let std = price(
        &serverless(dec!(0), AuroraStorage::Standard, dec!(20), dec!(0)),
        &p,
    )
    .unwrap();
    assert_eq!(std[1].cost_usd, dec!(2.00));
    assert_eq!(std[1].unit, "GB-month");
    let iopt = serverless(dec!(0), AuroraStorage::IoOptimized, dec!(20), dec!(0));
    assert_eq!(total(&price(&iopt, &p).unwrap()), dec!(4.50));
    // Half the month (365 of 730 h): 20 x 365/730 x $0.10 = $1.00.
    let half = AuroraUsage {
        hours: dec!(365),
        ..serverless(dec!(0), AuroraStorage::Standard, dec!(20), dec!(0))
    };
    assert_eq!(price(&half, &p).unwrap()[1].cost_usd, dec!(1.00));
    // A Multi-AZ provisioned pair still bills its storage once: 2 x 730 x $0.26 = $379.60
    // for the instances, plus 20 x $0.10 = $2.00.
    let pair = AuroraUsage {
        capacity: AuroraCapacity::Provisioned {
            class: "db.r6g.large".into(),
            instances: 2,
            hours: dec!(730),
        },
        ..serverless(dec!(0), AuroraStorage::Standard, dec!(20), dec!(0))
    };
    let l = price(&pair, &p).unwrap();
    assert_eq!(l[0].cost_usd, dec!(379.60));
    assert_eq!(l[1].cost_usd, dec!(2.00));
}

#[test]
fn provisioned_instance_hours_on_each_storage_configuration() {
    let p = bundled("us-east-1").unwrap();
    let mut u = AuroraUsage {
        capacity: AuroraCapacity::Provisioned {
            class: "db.t4g.medium".into(),
            instances: 1,
            hours: dec!(730),
        },
        ..serverless(dec!(0), AuroraStorage::Standard, dec!(0), dec!(0))
    };
    // 730 h x $0.073 = $53.29.
    assert_eq!(price(&u, &p).unwrap()[0].cost_usd, dec!(53.29));
    // I/O-Optimized: 730 h x $0.095 = $69.35; and no I/O line.
    u.storage = AuroraStorage::IoOptimized;
    let l = price(&u, &p).unwrap();
    assert_eq!(l[0].cost_usd, dec!(69.35));
    assert_eq!(l.len(), 2, "{l:#?}");
    u.capacity = AuroraCapacity::Provisioned {
        class: "db.t4g.micro".into(),
        instances: 1,
        hours: dec!(730),
    };
    let e = price(&u, &p).unwrap_err().to_string();
    assert!(
        e.starts_with("RDS instance class: unknown \"db.t4g.micro\" in the us-east-1 snapshot; known: db.r6g.2xlarge"),
        "{e}"
    );
}

#[test]
fn io_optimized_against_standard_crosses_at_85_5_million_ios() {
    let p = bundled("us-east-1").unwrap();
    // 0.5 ACU all month and 20 GB:
    //   Standard      = 365 x 0.12 + 20 x 0.10  = 43.80 + 2.00 = 45.80, + $0.20 per million I/Os
    //   I/O-Optimized = 365 x 0.16 + 20 x 0.225 = 58.40 + 4.50 = 62.90, I/O free
    // They cross where 45.80 + 0.20 x M = 62.90: M = 17.10 / 0.20 = 85.5 million I/Os.
    let at =
        |storage, ios| total(&price(&serverless(dec!(365), storage, dec!(20), ios), &p).unwrap());
    let iopt = at(AuroraStorage::IoOptimized, dec!(90_000_000));
    assert_eq!(iopt, dec!(62.90));
    assert_eq!(
        io_optimized_break_even(
            &serverless(dec!(365), AuroraStorage::Standard, dec!(20), dec!(0)),
            &p
        )
        .unwrap(),
        Some(dec!(85_500_000))
    );
    assert_eq!(at(AuroraStorage::Standard, dec!(85_500_000)), dec!(62.90));
    // Below: 80 million -> 45.80 + 16.00 = 61.80, Standard cheaper.
    assert_eq!(at(AuroraStorage::Standard, dec!(80_000_000)), dec!(61.80));
    assert!(at(AuroraStorage::Standard, dec!(80_000_000)) < iopt);
    // Above: 90 million -> 45.80 + 18.00 = 63.80, I/O-Optimized cheaper.
    assert_eq!(at(AuroraStorage::Standard, dec!(90_000_000)), dec!(63.80));
    assert!(at(AuroraStorage::Standard, dec!(90_000_000)) > iopt);
}

#[test]
fn bad_figures_and_a_snapshot_without_aurora_are_errors_naming_them() {
    let p = bundled("us-east-1").unwrap();
    let e = price(
        &serverless(dec!(1), AuroraStorage::Standard, dec!(-1), dec!(0)),
        &p,
    )
    .unwrap_err()
    .to_string();
    assert_eq!(e, "Aurora storage (GB): expected a number >= 0, got -1");
    let text = include_str!("../../prices/us-east-1.toml");
    let old = parse(&text[..text.find("\n[aurora]").unwrap()], "old.toml").unwrap();
    let e = price(
        &serverless(dec!(1), AuroraStorage::IoOptimized, dec!(1), dec!(0)),
        &old,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("database: aurora-serverless: the us-east-1 snapshot of 2026-11-01 has no rate for Aurora:ServerlessV2IOOptimizedUsage; give a price snapshot with [aurora]"),
        "{e}"
    );
}
