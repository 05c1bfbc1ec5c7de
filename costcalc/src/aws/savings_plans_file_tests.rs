use super::*;
use crate::catalog::bundled;
use rust_decimal_macros::dec;

// The fixture is in AWS's documented format with MADE-UP rates (tests/data/aws/make_savings_plans.py).
const FIXTURE: &str = include_str!("../../tests/data/aws/savings-plans/us-east-1.json");

fn rate(sp: &SavingsPlans, plan: Commitment, term: Term, payment: Payment, usage: &str) -> Decimal {
    let usage = Usage::try_from(usage.to_string()).unwrap();
    sp.rate(plan, term, payment, &usage)
        .unwrap_or_else(|| panic!("no rate for {usage}"))
        .usd
}

#[test]
fn rates_map_to_the_usage_types_the_snapshot_prices() {
    let snap = bundled("us-east-1").unwrap();
    let sp = savings_plans(FIXTURE, "us-east-1.json", &snap, "2026-11-29").unwrap();
    let c = Commitment::ComputeSp;
    assert_eq!(
        rate(&sp, c, Term::OneYear, Payment::NoUpfront, "ec2.t4g.micro"),
        dec!(0.0060)
    );
    // USE1- prefixed or not, the same usage type.
    assert_eq!(
        rate(&sp, c, Term::OneYear, Payment::NoUpfront, "ec2.t4g.small"),
        dec!(0.0120)
    );
    assert_eq!(
        rate(
            &sp,
            c,
            Term::ThreeYears,
            Payment::AllUpfront,
            "fargate.arm64.vcpu"
        ),
        dec!(0.0170)
    );
    assert_eq!(
        rate(
            &sp,
            c,
            Term::OneYear,
            Payment::AllUpfront,
            "fargate.arm64.memory"
        ),
        dec!(0.0026)
    );
    assert_eq!(
        rate(
            &sp,
            c,
            Term::OneYear,
            Payment::NoUpfront,
            "lambda.arm64.duration"
        ),
        dec!(0.0000115)
    );
    let e = Commitment::Ec2InstanceSp;
    assert_eq!(
        rate(&sp, e, Term::OneYear, Payment::NoUpfront, "ec2.t4g.micro"),
        dec!(0.0050)
    );
    // Decoys not taken: Windows at 0.0999, EKS Fargate, t9.huge, the Machine Learning plan at 0.0001.
    assert!(
        sp.rates
            .iter()
            .all(|r| r.usd != dec!(0.0999) && r.usd != dec!(0.0001))
    );
    // 3 Compute plans x 5 usage types + 1 EC2 Instance plan rate.
    assert_eq!(sp.rates.len(), 16);
    assert!(sp.source.contains("us-east-1.json") && sp.source.contains("20261101000000"));
}

#[test]
fn a_file_of_another_region_or_another_format_is_refused() {
    let snap = bundled("us-east-1").unwrap();
    let west = FIXTURE.replace(
        "\"regionCode\": \"us-east-1\"",
        "\"regionCode\": \"us-west-2\"",
    );
    let e = savings_plans(&west, "f", &snap, "2026-11-29").unwrap_err();
    assert!(
        e.contains("us-west-2") && e.contains("region_index.json"),
        "{e}"
    );
    let e = savings_plans("{\"Products\": []}", "f", &snap, "2026-11-29").unwrap_err();
    assert!(e.contains("not a Savings Plans price list file"), "{e}");
    // Two different rates for one usage type under one plan are not silently picked from.
    let twice = FIXTURE.replace("\"RunInstances:0002\"", "\"RunInstances\"");
    let e = savings_plans(&twice, "f", &snap, "2026-11-29").unwrap_err();
    assert!(e.contains("ec2.t4g.micro has two"), "{e}");
}
