use super::*;
use crate::purchase::Arch;
use rust_decimal_macros::dec;

/// AWS's illustrative example, Savings Plans User Guide, "Understanding How Savings Plans are
/// Applied to Your Usage" (https://docs.aws.amazon.com/savingsplans/latest/userguide/sp-applying.html,
/// the older version of the page): one hour of 1x c5.9xlarge Linux, 1x c5.24xlarge Windows and
/// Fargate at 10 vCPU and 5 GB. Rates are AWS's illustrative ones ("illustrative only"), not prices.
fn aws_example(plan: Commitment) -> Vec<HourUsage> {
    let (c5_9, c5_24) = match plan {
        // Compute Savings Plans rates: $2.00 (50% off $4.00) and $8.00 (20% off $10.00).
        Commitment::ComputeSp => (dec!(2.00), dec!(8.00)),
        // EC2 Instance Savings Plans rates: $1.00 (75%) and $6.00 (40%); Fargate "N/A".
        _ => (dec!(1.00), dec!(6.00)),
    };
    let u = |on_demand_rate, plan_rate, quantity| HourUsage {
        on_demand_rate,
        plan_rate,
        quantity,
    };
    let mut v = vec![u(dec!(4.00), c5_9, dec!(1)), u(dec!(10.00), c5_24, dec!(1))];
    if plan == Commitment::ComputeSp {
        // Fargate vCPU $1.50 -> $1.00 (33.3%), GB-hour $2.00 -> $1.00 (50%).
        v.push(u(dec!(1.50), dec!(1.00), dec!(10)));
        v.push(u(dec!(2.00), dec!(1.00), dec!(5)));
    }
    v
}

#[test]
fn aws_scenario_1_a_25_dollar_compute_plan_covers_all_usage() {
    // AWS, Scenario 1: "You purchase a one year Compute Savings Plan with a $25.00/hour
    // commitment ... all of your usage will be covered": 2 + 8 + 10 x 1.00 + 5 x 1.00 = $25.00.
    let (charged, on_demand) = apply_hour(dec!(25.00), &aws_example(Commitment::ComputeSp));
    assert_eq!(
        charged,
        dec!(2) + dec!(8) + dec!(10) * dec!(1) + dec!(5) * dec!(1)
    );
    assert_eq!(on_demand, dec!(0));
}

#[test]
fn a_smaller_commitment_covers_the_highest_savings_first_and_the_rest_is_on_demand() {
    // Worked by hand from the rule the same page states: "applied to your highest savings
    // percentage first. If there are multiple usages with equal savings percentages, Savings
    // Plans are applied to the first usage with the lowest Savings Plans rate."
    // $10.00/hour: Fargate GB (50%, rate $1.00) 5 x 1.00 = $5 -> $5 left; c5.9xlarge (50%, rate
    // $2.00) $2 -> $3 left; Fargate vCPU (33.3%) covers 3 / 1.00 = 3 vCPU, 7 vCPU on-demand at
    // $1.50 = $10.50; c5.24xlarge (20%) all on-demand: $10.00.
    let (charged, on_demand) = apply_hour(dec!(10.00), &aws_example(Commitment::ComputeSp));
    assert_eq!(charged, dec!(10.00));
    assert_eq!(on_demand, dec!(7) * dec!(1.50) + dec!(10.00));
    // The hour: $10 + $20.50 = $30.50, against 4 + 10 + 10 x 1.50 + 5 x 2.00 = $39 on-demand.
    assert_eq!(charged + on_demand, dec!(30.50));
}

#[test]
fn an_ec2_instance_plan_is_charged_in_full_even_when_usage_is_smaller() {
    // EC2 Instance Savings Plans in the same example: 1.00 + 6.00 = $7.00 covers both instances;
    // a $10.00 commitment is still $10.00 that hour (the $3.00 unused is not refunded).
    let usage = aws_example(Commitment::Ec2InstanceSp);
    assert_eq!(apply_hour(dec!(7.00), &usage), (dec!(7.00), dec!(0)));
    let (charged, on_demand) = apply_hour(dec!(10.00), &usage);
    assert_eq!((charged, on_demand), (dec!(7.00), dec!(0)));
    // What the hour costs is the commitment plus on-demand: $10.00, more than the $7.00 used.
    assert_eq!(dec!(10.00) + on_demand, dec!(10.00));
}

#[test]
fn all_upfront_amortises_to_the_hourly_rate_over_1y_and_3y() {
    // A $0.0123/hour plan paid all upfront: 0.0123 x 8,760 = $107.748 for 1 year, 0.0123 x
    // 26,280 = $323.244 for 3 years; spread over the term's hours it is the hourly rate again.
    let one = savings_plan_payments(dec!(0.0123), Term::OneYear, Payment::AllUpfront);
    assert_eq!(one.upfront_usd, dec!(107.748));
    assert_eq!(one.recurring_per_hour, dec!(0));
    assert_eq!(one.effective_per_hour * dec!(8760), dec!(107.748));
    let three = savings_plan_payments(dec!(0.0123), Term::ThreeYears, Payment::AllUpfront);
    assert_eq!(three.upfront_usd, dec!(323.244));
    assert_eq!(three.effective_per_hour * dec!(26280), dec!(323.244));
    // Partial upfront: half before, half by the hour; no upfront: all by the hour.
    let partial = savings_plan_payments(dec!(0.0123), Term::OneYear, Payment::PartialUpfront);
    assert_eq!(partial.upfront_usd, dec!(53.874));
    assert_eq!(partial.recurring_per_hour, dec!(0.00615));
    assert_eq!(partial.effective_per_hour, dec!(0.0123));
    // A Reserved Instance: an upfront fee of $100 over 1 year plus $0.005 an hour:
    // 100 / 8,760 + 0.005 per hour (100 / 8,760 does not terminate: 28 significant digits);
    // times 8,760 hours = $100 + $43.80 = $143.80 to the cent.
    let ri = amortised_per_hour(dec!(100), dec!(0.005), Term::OneYear);
    assert_eq!((ri * dec!(8760)).round_dp(2), dec!(143.80));
    let ri3 = amortised_per_hour(dec!(300), dec!(0), Term::ThreeYears);
    assert_eq!((ri3 * dec!(26280)).round_dp(2), dec!(300));
}

#[test]
fn a_rate_on_usage_the_plan_does_not_cover_is_refused() {
    let fargate = Usage::FargateVcpu(Arch::Arm64);
    let e = savings_plan_rate(Commitment::Ec2InstanceSp, &fargate, dec!(0.01)).unwrap_err();
    assert!(
        matches!(
            &e,
            Error::Invalid {
                input: Input::Commitment,
                problem: Problem::NotCovered { .. },
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("fargate.arm64.vcpu"), "{e}");
    let rds = Usage::RdsInstance {
        class: "db.t4g.micro".into(),
        multi_az: false,
    };
    assert!(savings_plan_rate(Commitment::ComputeSp, &rds, dec!(0.01)).is_err());
    assert_eq!(
        savings_plan_rate(Commitment::ComputeSp, &fargate, dec!(0.01)).unwrap(),
        dec!(0.01)
    );
}

#[test]
fn usage_names_round_trip() {
    for s in [
        "ec2.t4g.micro",
        "fargate.arm64.vcpu",
        "fargate.x86_64.memory",
        "lambda.arm64.duration",
        "lambda.x86_64.provisioned_concurrency",
        "lambda.arm64.provisioned_duration",
        "rds.db.t4g.micro.multi_az",
    ] {
        let u = Usage::try_from(s.to_string()).unwrap();
        assert_eq!(u.to_string(), s);
    }
    let e = Usage::try_from("fargate.sparc.vcpu".to_string()).unwrap_err();
    assert!(e.contains("x86_64 or arm64"), "{e}");
    assert!(Usage::try_from("s3.requests".to_string()).is_err());
}

#[test]
fn below_the_break_even_utilisation_the_commitment_costs_more_than_on_demand() {
    // AWS's example rates again (Compute SP): the $25.00/hour plan that covers all of the hour's
    // usage, whose on-demand cost is 4 + 10 + 10 x 1.50 + 5 x 2.00 = $39.00. Break-even
    // utilisation = commitment cost / on-demand cost of the same usage = 25 / 39.
    let full = aws_example(Commitment::ComputeSp);
    let on_demand: Decimal = full.iter().map(|u| u.on_demand_rate * u.quantity).sum();
    assert_eq!(on_demand, dec!(39.00));
    let breakeven = dec!(25.00) / on_demand;
    // The same usage shrunk to a share f of itself, under the same commitment: by AWS's rule the
    // plan still covers all of it, so the hour costs the $25.00 commitment, against f x $39.00.
    for (f, dearer) in [
        (dec!(0.5), true),
        (dec!(0.64), true),
        (dec!(0.65), false),
        (dec!(0.9), false),
    ] {
        let shrunk: Vec<HourUsage> = full
            .iter()
            .map(|u| HourUsage {
                quantity: u.quantity * f,
                ..u.clone()
            })
            .collect();
        let (_, left_on_demand) = apply_hour(dec!(25.00), &shrunk);
        let committed = dec!(25.00) + left_on_demand;
        assert_eq!(
            committed > f * on_demand,
            dearer,
            "at {f} (break-even {breakeven})"
        );
        assert_eq!(f < breakeven, dearer);
    }
}
