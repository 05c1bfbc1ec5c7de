//! How many instances or tasks a deployment runs for its peak.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::error::{Error, Input, Problem, Result};

/// Instances or tasks needed: enough vCPUs for the peak, at least 1 (2 with high availability);
/// more than `limits::MACHINES` is refused rather than priced.
pub fn count_for_peak(
    peak_rps: Decimal,
    rps_per_vcpu: Decimal,
    vcpus_each: Decimal,
    ha: bool,
) -> Result<Decimal> {
    let min = if ha { dec!(2) } else { dec!(1) };
    let per_machine = rps_per_vcpu * vcpus_each;
    let max = crate::limits::MACHINES;
    // Compare before dividing: a tiny per-machine rate would overflow the quotient.
    if peak_rps > per_machine * max {
        let needed = peak_rps
            .checked_div(per_machine)
            .map_or(Decimal::MAX, |n| n.ceil());
        return Err(Error::invalid(
            Input::ThroughputPerVcpu,
            rps_per_vcpu.normalize(),
            Problem::TooManyMachines { needed, max },
        ));
    }
    Ok((peak_rps / per_machine).ceil().max(min))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizing_refuses_more_machines_than_any_account_runs() {
        let e = count_for_peak(dec!(1e9), dec!(0.001), dec!(0.25), false).unwrap_err();
        assert!(e.to_string().contains("more than 1,000,000"), "{e}");
        // The largest allowed peak on the smallest allowed rate does not overflow either.
        assert!(count_for_peak(dec!(1e10), dec!(0.0003), dec!(0.25), true).is_err());
    }

    #[test]
    fn sizing_from_peak() {
        let count = |peak, rate, vcpus, ha| count_for_peak(peak, rate, vcpus, ha).unwrap();
        assert_eq!(count(dec!(0.01), dec!(100), dec!(2), false), dec!(1));
        assert_eq!(count(dec!(0.01), dec!(100), dec!(2), true), dec!(2));
        assert_eq!(count(dec!(200), dec!(100), dec!(2), false), dec!(1));
        assert_eq!(count(dec!(201), dec!(100), dec!(2), false), dec!(2));
        assert_eq!(count(dec!(100), dec!(100), dec!(0.25), false), dec!(4));
    }
}
