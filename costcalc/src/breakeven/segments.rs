//! Where each deployment's monthly cost stops being one straight line in the monthly requests.
//!
//! Every deployment's total is piecewise linear in the requests R: each quantity it bills is
//! proportional to R, and the pieces change only where a quantity crosses a level: an instance or
//! task count steps up (the peak, proportional to R, passes n x the capacity of one), a price
//! tier ends, a free allowance runs out. For each level L reached by a quantity of c per request,
//! the piece changes at R = L / c. Because decimal division is not exact, each such R is kept as
//! the four whole request counts around it: between two consecutive breakpoints every total is
//! then affine on whole requests, which is what lets the caller find each crossing exactly.
//! `tests::totals_are_affine_between_breakpoints` checks that claim against the models.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal_macros::dec;

use crate::catalog::{PriceSnapshot, TieredPrice};
use crate::deployment::database::max_connections;
use crate::deployment::{LAMBDA_PLATFORM_LOG_BYTES, Options, count_for_peak};
use crate::deployment::{aurora, aurora_provisioned};
use crate::error::{Error, Input, Problem, Result};
use crate::limits;
use crate::pricing::{self, GB, apigw, ec2};
use crate::purchase::Arch;
use crate::workload::Workload;

/// Whole request counts in [from, to] where some deployment's cost changes shape, sorted, with
/// `from` and `to` themselves.
pub fn breakpoints(
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    from: Decimal,
    to: Decimal,
) -> Result<Vec<Decimal>> {
    let mut b = Breakpoints {
        from,
        to,
        out: vec![from, to],
    };
    sizes(&mut b, w, o, p)?;
    tiers(&mut b, w, o, p);
    database(&mut b, w, o, p);
    b.out.sort();
    b.out.dedup();
    Ok(b.out)
}

struct Breakpoints {
    from: Decimal,
    to: Decimal,
    out: Vec<Decimal>,
}

impl Breakpoints {
    /// A quantity of `per_request` per request reaches `level` at R = level / per_request.
    fn level(&mut self, level: Decimal, per_request: Decimal) {
        if per_request <= Decimal::ZERO || level < Decimal::ZERO {
            return;
        }
        let Some(r) = level.checked_div(per_request) else {
            return;
        };
        if r > self.to + Decimal::TWO {
            return;
        }
        let base = r.floor();
        for k in [dec!(-1), dec!(0), dec!(1), dec!(2)] {
            let c = base + k;
            if c > self.from && c < self.to {
                self.out.push(c);
            }
        }
    }

    /// A count that steps up where a quantity of `per_request` per request reaches `level`: the
    /// exact first request count J of the new count, found with the models' own `count`, and
    /// J - 1 (the last of the old one), so that a pair that crosses inside a stair and again at
    /// its edge is seen twice. Where the step is not near (a minimum count holds), the four
    /// counts around the level are kept instead.
    fn step(
        &mut self,
        level: Decimal,
        per_request: Decimal,
        count: &impl Fn(Decimal) -> Result<Decimal>,
    ) -> Result<()> {
        let Some(r) = level.checked_div(per_request) else {
            return Ok(());
        };
        let base = r.floor();
        for j in [
            base - Decimal::ONE,
            base,
            base + Decimal::ONE,
            base + Decimal::TWO,
        ] {
            if j <= self.from || j > self.to {
                continue;
            }
            if count(j)? > count(j - Decimal::ONE)? {
                self.out.extend([j - Decimal::ONE, j]);
                return Ok(());
            }
        }
        self.level(level, per_request);
        Ok(())
    }

    /// Each boundary of a tiered price whose quantity is `per_request` per request, after a free
    /// allowance of `free` (0 without the free tier).
    fn tiered(&mut self, price: &TieredPrice, per_request: Decimal, free: Decimal) {
        if !free.is_zero() {
            self.level(free, per_request);
        }
        for t in &price.tiers {
            if let Some(end) = t.to {
                self.level(end + free, per_request);
            }
        }
    }
}

/// The peak rate per monthly request: the peak is this x R (`Workload::scaled_to`'s peak: the
/// logs' busiest minute where the workload carries one). None when the peak does not scale (a
/// given peak at zero traffic stays constant).
fn peak_per_request(w: &Workload, o: &Options) -> Option<Decimal> {
    match w.scaling_peak(o.hours).0 {
        Some(_) if w.requests_per_month.is_zero() => None,
        Some(peak) => Some(peak / w.requests_per_month),
        None => Some(w.peak_to_average / (o.hours * dec!(3600))),
    }
}

/// Where the database class can change: the Lambda environments' connections (without RDS
/// Proxy) reach a class's max_connections, or the measured database CPU at the peak reaches a
/// class's vCPUs. (Instances' and tasks' pools change with their counts, already steps.)
fn database(b: &mut Breakpoints, w: &Workload, o: &Options, p: &PriceSnapshot) {
    if let aurora::Database::AuroraServerless(a) = &o.database {
        for (level, per_request) in aurora::kinks(a, w, o) {
            b.level(level, per_request);
        }
    }
    let Some(ppr) = peak_per_request(w, o) else {
        return;
    };
    // Provisioned Aurora's classes step like RDS's: at their vCPUs and their max_connections.
    if let (aurora::Database::AuroraProvisioned(_), Some(a)) = (&o.database, &p.aurora) {
        for i in a.instances.values() {
            if !o.rds_proxy {
                let seconds = w.billed_ms_per_request(o.lambda_memory_mb) / dec!(1000);
                b.level(aurora_provisioned::max_connections(i), ppr * seconds);
            }
            if let Some(ms) = w.db_cpu_ms_per_request {
                let per_request = ms / dec!(1000) * ppr / o.target_utilization;
                b.level(Decimal::from(i.vcpus), per_request);
            }
        }
        return;
    }
    for i in p.rds.instances.values() {
        if !o.rds_proxy
            && let Some(m) = max_connections(i)
        {
            let seconds = w.billed_ms_per_request(o.lambda_memory_mb) / dec!(1000);
            b.level(m, ppr * seconds);
        }
        if let Some(ms) = w.db_cpu_ms_per_request {
            b.level(
                Decimal::from(i.vcpus),
                ms / dec!(1000) * ppr / o.target_utilization,
            );
            // Where the class's average CPU reaches its baseline (CPU credits start).
            if let Some(baseline) = i.baseline_cpu_percent {
                let per_request = ms / dec!(1000) / (o.hours * dec!(3600));
                b.level(Decimal::from(i.vcpus) * baseline / dec!(100), per_request);
            }
        }
    }
}

/// Instance and task count steps: the peak is `peak_per_request` x R, and one machine serves
/// `capacity` requests per second.
fn sizes(b: &mut Breakpoints, w: &Workload, o: &Options, p: &PriceSnapshot) -> Result<()> {
    let Some(peak_per_request) = peak_per_request(w, o) else {
        return Ok(());
    };
    let vcpus = Decimal::from(ec2::instance(p, &o.instance_type)?.vcpus);
    for vcpus_each in [vcpus, o.fargate_vcpu] {
        let capacity = w.throughput_rps_per_vcpu * vcpus_each;
        let count = |r: Decimal| {
            let peak = w.scaled_to(r, o.hours).peak(o.hours);
            count_for_peak(
                peak,
                w.throughput_rps_per_vcpu,
                vcpus_each,
                o.high_availability,
            )
        };
        let first = (peak_per_request * b.from / capacity).floor();
        let last = (peak_per_request * b.to / capacity).ceil();
        let steps = last - first;
        if steps > Decimal::from(limits::SWEEP_STEPS_MAX) {
            return Err(Error::invalid(
                Input::SweepTo,
                b.to.normalize(),
                Problem::TooManySteps {
                    steps: steps.to_usize().unwrap_or(usize::MAX),
                    max: limits::SWEEP_STEPS_MAX,
                },
            ));
        }
        let mut n = first.max(Decimal::ONE);
        while n <= last {
            b.step(n * capacity, peak_per_request, &count)?;
            n += Decimal::ONE;
        }
        if vcpus_each == vcpus {
            credit_kinks(b, w, o, p, first, last)?;
        }
    }
    Ok(())
}

/// Where n burstable instances reach their baseline on average (CPU credits start): the average
/// CPU, `R x CPU per request / month`, equals n x vCPUs x baseline.
fn credit_kinks(
    b: &mut Breakpoints,
    w: &Workload,
    o: &Options,
    p: &PriceSnapshot,
    first: Decimal,
    last: Decimal,
) -> Result<()> {
    let i = ec2::instance(p, &o.instance_type)?;
    let Some(baseline) = i.baseline_cpu_percent else {
        return Ok(());
    };
    let cpu_per_request = o.target_utilization / w.throughput_rps_per_vcpu;
    let per_request = cpu_per_request / (o.hours * dec!(3600));
    let vcpus = Decimal::from(i.vcpus);
    let mut n = Decimal::ONE;
    while n <= last.max(Decimal::TWO) {
        if n + Decimal::ONE >= first {
            b.level(n * vcpus * baseline / dec!(100), per_request);
        }
        n += Decimal::ONE;
    }
    Ok(())
}

/// Price tiers and free allowances of every service billed per request.
fn tiers(b: &mut Breakpoints, w: &Workload, o: &Options, p: &PriceSnapshot) {
    let free = |allowance: Decimal| {
        if o.free_tier {
            allowance
        } else {
            Decimal::ZERO
        }
    };
    // Lambda requests and GB-seconds (tiered unless provisioned concurrency bills the duration).
    if o.free_tier {
        b.level(p.lambda.free_requests, Decimal::ONE);
    }
    let arch = match o.lambda_arch {
        Arch::X86_64 => &p.lambda.x86_64,
        Arch::Arm64 => &p.lambda.arm64,
    };
    let gb_seconds =
        w.billed_ms_per_request(o.lambda_memory_mb) / dec!(1000) * o.lambda_memory_mb / dec!(1024);
    if o.provisioned_concurrency.is_zero() {
        b.tiered(&arch.duration, gb_seconds, free(p.lambda.free_gb_seconds));
    }
    // API Gateway, per million calls (HTTP APIs meter each call in 512 KB units).
    let (price, units) = match o.api {
        apigw::ApiKind::Rest => (&p.apigw.rest, Decimal::ONE),
        apigw::ApiKind::Http => (
            &p.apigw.http,
            apigw::http_units_per_call(
                w.request_bytes / pricing::KB,
                w.response_bytes / pricing::KB,
                p.apigw.http_metering_kb,
            ),
        ),
    };
    b.tiered(price, units / dec!(1000000), Decimal::ZERO);
    // Data out, and the logs' free allowance (the Lambda adds its platform lines).
    b.tiered(
        &p.transfer.out,
        w.response_bytes / GB,
        free(p.transfer.free_gb),
    );
    if o.free_tier {
        for extra in [Decimal::ZERO, LAMBDA_PLATFORM_LOG_BYTES] {
            let per_request = (w.log_bytes_per_request + extra) / GB;
            b.level(p.logs.free_ingest_gb, per_request);
            b.level(p.logs.free_stored_gb, per_request);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::breakeven::totals_at;
    use crate::catalog::bundled;
    use crate::deployment::Purchase;
    use crate::purchase::{Commitment, Payment, Term};

    /// Between consecutive breakpoints each total lies on the line through the segment's ends
    /// (within 1e-12 USD: the totals divide by the month's seconds, which decimals round).
    fn assert_affine(w: &Workload, o: &Options, from: Decimal, to: Decimal) {
        assert_affine_in(&bundled("us-east-1").unwrap(), w, o, from, to);
    }

    fn assert_affine_in(p: &PriceSnapshot, w: &Workload, o: &Options, from: Decimal, to: Decimal) {
        let p = p.clone();
        let bps = breakpoints(w, o, &p, from, to).unwrap();
        assert!(bps.len() > 2, "{bps:?}");
        for pair in bps.windows(2) {
            let (lo, hi) = (pair[0], pair[1]);
            if hi - lo < dec!(2) {
                continue;
            }
            let (tl, th) = (
                totals_at(w, o, &p, lo).unwrap(),
                totals_at(w, o, &p, hi).unwrap(),
            );
            for frac in [dec!(0.25), dec!(0.5), dec!(0.9)] {
                let r = (lo + (hi - lo) * frac).floor().max(lo + Decimal::ONE);
                let t = totals_at(w, o, &p, r).unwrap();
                for k in 0..3 {
                    let line = tl[k] + (th[k] - tl[k]) * (r - lo) / (hi - lo);
                    assert!(
                        (t[k] - line).abs() < dec!(0.000000000001),
                        "deployment {k} not affine on [{lo}, {hi}] at {r}: {} vs {line}",
                        t[k]
                    );
                }
            }
        }
    }

    // One test per case: each sweeps its whole range, and a debug build on a loaded machine
    // must not run all four within one test's time limit.
    #[test]
    fn totals_are_affine_between_breakpoints() {
        let w = Workload::default();
        assert_affine(&w, &Options::default(), dec!(1000), dec!(10000000000));
    }

    #[test]
    fn totals_are_affine_with_free_tier_rest_x86_and_ha() {
        let o = Options {
            free_tier: true,
            api: apigw::ApiKind::Rest,
            lambda_arch: Arch::X86_64,
            high_availability: true,
            ..Options::default()
        };
        let w = Workload {
            peak_rps: Some(dec!(50)),
            requests_per_month: dec!(2000000),
            response_bytes: dec!(700000),
            throughput_rps_per_vcpu: dec!(400),
            ..Workload::default()
        };
        assert_affine(&w, &o, dec!(1), dec!(100000000000));
    }

    #[test]
    fn totals_are_affine_without_the_proxy_and_with_a_measured_database_cpu() {
        // Without RDS Proxy, Lambda's connections size the database; so does a measured database CPU.
        let o = Options {
            rds_proxy: false,
            ..Options::default()
        };
        let w = Workload {
            db_cpu_ms_per_request: Some(dec!(0.05)),
            duration_ms: dec!(300),
            ..Workload::default()
        };
        assert_affine(&w, &o, dec!(1000), dec!(10000000000));
    }

    #[test]
    fn totals_are_affine_with_cpu_credits_under_flat_traffic() {
        // Flat traffic (a peak of 1.2 x the average) runs burstable instances and the database
        // above their baselines: CPU credits start at a kink per instance count.
        let w = Workload {
            peak_to_average: dec!(1.2),
            db_cpu_ms_per_request: Some(dec!(0.5)),
            ..Workload::default()
        };
        assert_affine(&w, &Options::default(), dec!(1000), dec!(10000000000));
    }

    #[test]
    fn totals_are_affine_on_aurora_serverless() {
        let w = Workload {
            peak_to_average: dec!(1.2),
            db_cpu_ms_per_request: Some(dec!(0.5)),
            ..Workload::default()
        };
        // Aurora Serverless v2 with auto-pause: the pause stops where the evenly spaced gaps get
        // shorter than 900 s (R = 2,920), and the measured CPU steps the ACUs.
        let o = Options {
            rds_proxy: false,
            database: aurora::Database::AuroraServerless(aurora::Serverless {
                acu_min: Decimal::ZERO,
                acu_max: dec!(8),
                pause_after_s: dec!(300),
                storage: crate::pricing::aurora::AuroraStorage::Standard,
                scale_down_lag_s: dec!(60),
            }),
            ..Options::default()
        };
        assert_affine(&w, &o, dec!(100), dec!(10000000000));
        // Weekdays traffic: month-wide spacing below 2 requests a weekday (R = 43.45), the gaps
        // within a day pause until R = 21.726 x (32,400 + 900) / 900 = 803.9; then only nights
        // and weekends. With a 24 h pause-after only weekends ever pause.
        let w = Workload {
            traffic: crate::workload::shape::Traffic::Weekdays,
            ..w
        };
        assert_affine(&w, &o, dec!(1), dec!(10000000000));
        let aurora::Database::AuroraServerless(a) = o.database else {
            unreachable!()
        };
        let o = Options {
            database: aurora::Database::AuroraServerless(aurora::Serverless {
                pause_after_s: dec!(86400),
                ..a
            }),
            ..o
        };
        assert_affine(&w, &o, dec!(1), dec!(10000000000));
    }

    #[test]
    fn totals_stay_affine_over_a_runs_timeline_with_a_scale_down_lag() {
        // A run's timeline of 60 s buckets (30, idle, idle, 120, 5 requests, then idle): each
        // bucket's demand steps at its own 0.5-ACU levels, and between them the step-downs (0.5
        // ACU per 60 s) hold the same ACU-seconds; RDS Proxy bills the same timeline above 8.
        let mut requests = vec![dec!(30), dec!(0), dec!(0), dec!(120), dec!(5)];
        requests.extend([Decimal::ZERO; 55]);
        let w = Workload {
            db_cpu_ms_per_request: Some(dec!(0.5)),
            request_timeline: Some(crate::workload::RequestTimeline {
                bucket_s: dec!(60),
                requests,
                source: crate::workload::Measured::LoadgenRun,
            }),
            ..Workload::default()
        };
        for rds_proxy in [true, false] {
            let o = Options {
                rds_proxy,
                database: aurora::Database::AuroraServerless(aurora::Serverless {
                    acu_min: dec!(0.5),
                    acu_max: dec!(16),
                    pause_after_s: dec!(300),
                    storage: crate::pricing::aurora::AuroraStorage::Standard,
                    scale_down_lag_s: dec!(60),
                }),
                ..Options::default()
            };
            assert_affine(&w, &o, dec!(1000), dec!(1000000000));
        }
    }

    #[test]
    fn totals_are_affine_with_a_logs_busiest_minute() {
        // Logs' busiest second (40 req/s) and busiest minute (2 req/s) at 1M requests: every
        // volume is priced at the minute's 2 x R / 1M, so the steps sit where it crosses each
        // instance's and task's capacity (R = 1M x n x 200 / 2 for 2-vCPU instances at 100 req/s
        // a vCPU), not the second's; at the busiest second's places the totals would not be
        // affine between the breakpoints found.
        let w = Workload {
            requests_per_month: dec!(1000000),
            peak_rps: Some(dec!(40)),
            carried_peak: Some((dec!(2), "the busiest minute".into())),
            ..Workload::default()
        };
        let w = Workload {
            origins: crate::workload::Origins {
                peak: crate::workload::Origin::measured("logs: a.log", "the busiest second"),
                ..w.origins.clone()
            },
            ..w
        };
        assert_eq!(w.scaling_peak(dec!(730)).0, Some(dec!(2)));
        assert_affine(&w, &Options::default(), dec!(1000), dec!(10000000000));
    }

    #[test]
    fn totals_stay_affine_on_aurora_provisioned() {
        // Aurora provisioned: classes step at their vCPUs (measured database CPU) and, for Lambda
        // without the proxy, at their max_connections; I/O is linear in the requests.
        let w = Workload {
            db_cpu_ms_per_request: Some(dec!(0.5)),
            ..Workload::default()
        };
        for rds_proxy in [true, false] {
            let o = Options {
                rds_proxy,
                database: aurora::Database::AuroraProvisioned(
                    crate::pricing::aurora::AuroraStorage::Standard,
                ),
                ..Options::default()
            };
            assert_affine(&w, &o, dec!(1000), dec!(10000000000));
        }
    }

    #[test]
    fn totals_stay_affine_under_commitments_and_spot() {
        // The fixture's commitment rates are made up (tests/data/commitment-rates.toml): what
        // matters is that a committed or Spot rate scales a usage, so totals stay affine.
        let p = crate::catalog::with_fixture_commitment_rates();
        let o = Options {
            high_availability: true,
            purchase: Purchase {
                commitment: Commitment::ComputeSp,
                term: Term::ThreeYears,
                payment: Payment::AllUpfront,
                rds_reserved: Some((Term::OneYear, Payment::AllUpfront)),
                ec2_spot_discount: None,
            },
            ..Options::default()
        };
        assert_affine_in(&p, &Workload::default(), &o, dec!(1000), dec!(10000000000));
        let o = Options {
            fargate_spot: true,
            fargate_arch: Arch::X86_64,
            purchase: Purchase {
                ec2_spot_discount: Some(dec!(0.7)),
                ..Purchase::default()
            },
            ..Options::default()
        };
        assert_affine_in(&p, &Workload::default(), &o, dec!(1000), dec!(1000000000));
    }

    #[test]
    fn too_many_steps_is_an_error_naming_the_range() {
        let p = bundled("us-east-1").unwrap();
        let w = Workload {
            throughput_rps_per_vcpu: dec!(0.001),
            ..Workload::default()
        };
        let e = breakpoints(&w, &Options::default(), &p, dec!(1), dec!(1e15)).unwrap_err();
        assert!(e.to_string().contains("size steps"), "{e}");
    }
}
