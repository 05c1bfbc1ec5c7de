//! No input panics the engine: arbitrary decimals (the whole range `rust_decimal` holds, and
//! powers of ten around every limit) for every workload figure and deployment choice are either
//! refused by validation with an error, or priced (report and break-even) without a panic.
//!
//! A property test (proptest, 400 cases) drives the engine for every workload figure and deployment
//! choice: validation refuses the value or the report and the break-even analysis price it, never a
//! panic.

use costcalc::breakeven;
use costcalc::deployment::{self, Kind, Options, Purchase};
use costcalc::pricing::apigw;
use costcalc::purchase::{Arch, Commitment, Payment, Term};
use costcalc::workload::Workload;
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Any decimal: full-range bit patterns, or sign x 10^k x digits for k from -12 to 28.
fn decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
            any::<bool>(),
            0u32..=28
        )
            .prop_map(|(lo, mid, hi, neg, scale)| Decimal::from_parts(lo, mid, hi, neg, scale)),
        (1u32..1000, -12i32..=28, prop::bool::weighted(0.1)).prop_map(|(digits, exp, neg)| {
            let d = Decimal::from_scientific(&format!("{digits}e{exp}")).unwrap_or(Decimal::MAX);
            if neg { -d } else { d }
        }),
        (0u32..2000).prop_map(Decimal::from),
    ]
}

fn workload() -> impl Strategy<Value = Workload> {
    (
        (decimal(), decimal(), decimal(), decimal()),
        (prop::option::of(decimal()), decimal(), decimal(), decimal()),
    )
        .prop_map(|((req, dur, rq, rs), (peak, ratio, tput, logs))| Workload {
            requests_per_month: req,
            duration_ms: dur,
            request_bytes: rq,
            response_bytes: rs,
            peak_rps: peak,
            peak_to_average: ratio,
            throughput_rps_per_vcpu: tput,
            log_bytes_per_request: logs,
            ..Workload::default()
        })
}

/// The bundled snapshot with the test fixture's made-up commitment rates.
fn with_commitment_rates() -> costcalc::catalog::PriceSnapshot {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/prices/us-east-1.toml")).unwrap()
        + &std::fs::read_to_string(format!("{root}/tests/data/commitment-rates.toml")).unwrap();
    costcalc::catalog::parse(&text, "fixture").unwrap()
}

fn options() -> impl Strategy<Value = Options> {
    (
        (decimal(), decimal(), decimal(), decimal(), decimal()),
        (decimal(), decimal(), decimal(), decimal(), decimal()),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |((hours, mem, eph, pc, off), (nat, ebs, vcpu, gb, azs), (free, ha, rest, spot))| {
                Options {
                    hours,
                    lambda_memory_mb: mem,
                    lambda_ephemeral_mb: eph,
                    provisioned_concurrency: pc,
                    nat_gb: nat,
                    ebs_gb: ebs,
                    fargate_vcpu: vcpu,
                    fargate_memory_gb: gb,
                    alb_azs: azs,
                    free_tier: free,
                    high_availability: ha,
                    api: if rest {
                        apigw::ApiKind::Rest
                    } else {
                        apigw::ApiKind::Http
                    },
                    fargate_spot: spot,
                    fargate_arch: if spot { Arch::X86_64 } else { Arch::Arm64 },
                    nat: nat > Decimal::ONE,
                    // Spot at any discount, and with high availability a Savings Plan and Reserved
                    // Instances (the fixture's made-up rates; a rate it lacks is an error, not a panic).
                    purchase: Purchase {
                        ec2_spot_discount: spot.then_some(off),
                        commitment: if ha {
                            Commitment::ComputeSp
                        } else {
                            Commitment::None
                        },
                        rds_reserved: ha.then_some((Term::OneYear, Payment::AllUpfront)),
                        ..Purchase::default()
                    },
                    ..Options::default()
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn validated_inputs_never_panic(w in workload(), o in options(), defaults in any::<bool>()) {
        let p = with_commitment_rates();
        // Half the cases keep the default options, so that the workload's own range is explored.
        let o = if defaults { Options { hours: o.hours, ..Options::default() } } else { o };
        if o.validate(&p).is_err() || w.validate(o.hours).is_err() {
            return Ok(());
        }
        let built: Vec<_> = Kind::ALL.iter().map(|k| deployment::build(*k, &w, &o, &p)).collect();
        for d in built.into_iter().flatten() {
            prop_assert!(d.total_usd >= Decimal::ZERO, "{d:?}");
        }
        let r = w.requests_per_month.max(Decimal::ONE);
        let to = (r * Decimal::TEN).min(costcalc::limits::REQUESTS_PER_MONTH);
        if to > r
            && let Ok(bps) = breakeven::breakpoints(&w, &o, &p, r, to)
            && bps.len() < 2000
        {
            // Errors (too many machines at the top of the range) are fine; panics are not.
            let _ = breakeven::analyse(&w, &o, &p, r, to);
        }
    }
}
