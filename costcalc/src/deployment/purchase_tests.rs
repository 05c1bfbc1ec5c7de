use super::*;
use crate::catalog::{bundled, with_fixture_commitment_rates};
use crate::deployment::{Kind, Options, Purchase, build};
use crate::purchase::{Payment, Term};
use crate::workload::Workload;
use rust_decimal_macros::dec;

/// The bundled snapshot plus the test fixture's made-up commitment rates (not AWS prices).
fn fixture() -> PriceSnapshot {
    with_fixture_commitment_rates()
}

fn with(purchase: Purchase) -> Options {
    Options {
        purchase,
        ..Options::default()
    }
}

fn line<'a>(d: &'a super::super::Deployment, usage: &Usage) -> &'a LineItem {
    d.line_items
        .iter()
        .find(|l| l.usage.as_ref() == Some(usage))
        .or_else(|| d.line_items.iter().find(|l| l.name.contains("Spot")))
        .unwrap()
}

#[test]
fn a_compute_plan_reprices_only_the_compute_it_covers() {
    let p = fixture();
    let w = Workload::default();
    let o = with(Purchase {
        commitment: Commitment::ComputeSp,
        ..Purchase::default()
    });
    let od = build(Kind::Ec2, &w, &Options::default(), &p).unwrap();
    let d = build(Kind::Ec2, &w, &o, &p).unwrap();
    let c = d.committed.clone().unwrap();
    assert_eq!(c.on_demand_usd, od.total_usd);
    // One t4g.micro, 730 h: $0.0084 on-demand, $0.0060 at the fixture's 1y no-upfront rate.
    let sp = c.savings_plan.unwrap();
    assert_eq!(sp.month_usd, dec!(730) * dec!(0.0060));
    assert_eq!(sp.on_demand_usd, dec!(730) * dec!(0.0084));
    assert_eq!(sp.per_hour, dec!(0.0060));
    assert_eq!(
        od.total_usd - d.total_usd,
        dec!(730) * (dec!(0.0084) - dec!(0.0060))
    );
    // Break-even utilisation: commitment cost / on-demand cost of the same usage.
    assert_eq!(
        sp.breakeven_utilisation(),
        Some(dec!(0.0060) / dec!(0.0084))
    );
    // EBS, IPv4, RDS, logs and transfer stay on-demand: every other line is unchanged.
    let others = |d: &super::super::Deployment| {
        d.line_items
            .iter()
            .filter(|l| l.usage != Some(Usage::Ec2Instance("t4g.micro".into())))
            .map(|l| l.cost_usd)
            .collect::<Vec<_>>()
    };
    assert_eq!(others(&d), others(&od));
}

#[test]
fn an_ec2_instance_plan_leaves_fargate_and_lambda_on_demand() {
    let p = fixture();
    let w = Workload::default();
    let o = with(Purchase {
        commitment: Commitment::Ec2InstanceSp,
        ..Purchase::default()
    });
    for k in [Kind::Fargate, Kind::Lambda] {
        let d = build(k, &w, &o, &p).unwrap();
        let od = build(k, &w, &Options::default(), &p).unwrap();
        assert_eq!(d.total_usd, od.total_usd, "{k:?}");
        assert_eq!(d.committed.unwrap().savings_plan, None);
    }
    let d = build(Kind::Ec2, &w, &o, &p).unwrap();
    let ec2 = line(&d, &Usage::Ec2Instance("t4g.micro".into()));
    assert_eq!(ec2.cost_usd, dec!(730) * dec!(0.0050));
}

#[test]
fn the_bundled_snapshot_has_no_rates_and_says_which_are_missing() {
    let p = bundled("us-east-1").unwrap();
    let o = with(Purchase {
        commitment: Commitment::ComputeSp,
        term: Term::ThreeYears,
        payment: Payment::AllUpfront,
        ..Purchase::default()
    });
    let e = build(Kind::Fargate, &Workload::default(), &o, &p).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Invalid {
                input: Input::Commitment,
                ..
            }
        ),
        "{e}"
    );
    let m = e.to_string();
    assert!(
        m.contains("fargate.arm64.vcpu, fargate.arm64.memory") && m.contains("3-year all upfront"),
        "{m}"
    );
    let o = with(Purchase {
        rds_reserved: Some((Term::OneYear, Payment::NoUpfront)),
        ..Purchase::default()
    });
    let e = build(Kind::Ec2, &Workload::default(), &o, &p).unwrap_err();
    assert!(e.to_string().contains("rds.db.t4g.micro.single_az"), "{e}");
}

#[test]
fn a_reserved_database_is_its_upfront_fee_over_the_term_plus_its_hourly_charge() {
    let p = fixture();
    let w = Workload::default();
    let od = build(Kind::Ec2, &w, &Options::default(), &p).unwrap();
    for (term, payment, per_hour) in [
        // Fixture: $87.60 all upfront for 1 year: 87.60 / 8,760 = $0.01 an hour.
        (Term::OneYear, Payment::AllUpfront, dec!(0.01)),
        // $197.10 for 3 years: 197.10 / 26,280 = $0.0075 an hour.
        (Term::ThreeYears, Payment::AllUpfront, dec!(0.0075)),
        // $45 and $0.0050 an hour: 45 / 8,760 + 0.0050.
        (
            Term::OneYear,
            Payment::PartialUpfront,
            dec!(45) / dec!(8760) + dec!(0.0050),
        ),
    ] {
        let o = with(Purchase {
            rds_reserved: Some((term, payment)),
            ..Purchase::default()
        });
        let d = build(Kind::Ec2, &w, &o, &p).unwrap();
        let ri = d.committed.unwrap().rds_reserved.unwrap();
        assert_eq!(ri.per_hour, per_hour);
        assert_eq!(ri.month_usd, dec!(730) * per_hour);
        // On-demand db.t4g.micro single-AZ: 730 x $0.016 = $11.68.
        assert_eq!(ri.on_demand_usd, dec!(11.68));
        assert_eq!(
            od.total_usd - d.total_usd,
            dec!(11.68) - dec!(730) * per_hour
        );
    }
}

#[test]
fn ec2_spot_is_the_given_discount_and_not_covered_by_a_plan() {
    let p = fixture();
    let o = Options {
        fargate_spot: true,
        fargate_arch: crate::purchase::Arch::X86_64,
        ..with(Purchase {
            commitment: Commitment::ComputeSp,
            ec2_spot_discount: Some(dec!(0.7)),
            ..Purchase::default()
        })
    };
    let d = build(Kind::Ec2, &Workload::default(), &o, &p).unwrap();
    // 730 h x $0.0084 x (1 - 0.7) = $1.8396; the plan has nothing left to cover on EC2.
    let spot = d
        .line_items
        .iter()
        .find(|l| l.name.contains("Spot"))
        .unwrap();
    assert_eq!(spot.cost_usd, dec!(730) * dec!(0.0084) * dec!(0.3));
    let c = d.committed.unwrap();
    assert_eq!(c.savings_plan, None);
    // The on-demand total beside it prices the same instance at $0.0084.
    assert_eq!(
        c.on_demand_usd - d.total_usd,
        dec!(730) * dec!(0.0084) * dec!(0.7)
    );
}
