//! Exact money: every amount is a `Decimal`; rounding happens only for display, half-up to cents.

use rust_decimal::{Decimal, RoundingStrategy};

/// Round half-up (away from zero; amounts are never negative) to whole cents, for display only.
pub fn cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// "1234.50": rounded to cents, always two decimals (the JSON/CSV form).
pub fn usd_plain(amount: Decimal) -> String {
    format!("{:.2}", cents(amount))
}

/// "$1,234.50": rounded to cents with thousands separators (tables, Markdown).
pub fn usd(amount: Decimal) -> String {
    let s = usd_plain(amount);
    let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    format!("{sign}${}.{frac}", group_thousands(digits))
}

/// A unit price or quantity without trailing zeros ("0.0000166667", "730"), to 20 decimal
/// places: every price and every terminating quantity prints in full, while a quotient that
/// does not terminate (1/9 of a month) stops before the digits the 28-digit arithmetic guessed.
pub fn exact(value: Decimal) -> String {
    let n = value
        .round_dp_with_strategy(20, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    // normalize() can leave "-0"; quantities here are never negative, so print 0.
    if n.is_zero() {
        "0".to_string()
    } else {
        n.to_string()
    }
}

/// A quantity for humans: at most `dp` decimals (half-up), thousands grouped ("9,216,000,000").
pub fn quantity(value: Decimal, dp: u32) -> String {
    let r = value
        .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    let s = r.to_string();
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let grouped = group_thousands(&int);
    match frac {
        Some(f) => format!("{grouped}.{f}"),
        None => grouped,
    }
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Smallest integer >= value.
pub fn ceil(value: Decimal) -> Decimal {
    value.ceil()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_up_to_cents() {
        assert_eq!(cents(dec!(1.485)), dec!(1.49));
        assert_eq!(cents(dec!(1.488)), dec!(1.49));
        assert_eq!(cents(dec!(0.125)), dec!(0.13));
        assert_eq!(cents(dec!(0.124999)), dec!(0.12));
        // Banker's rounding would give 0.02 here; half-up gives 0.03.
        assert_eq!(cents(dec!(0.025)), dec!(0.03));
        assert_eq!(cents(dec!(0.02775)), dec!(0.03));
    }

    #[test]
    fn exact_stops_at_20_places() {
        assert_eq!(
            exact(Decimal::ONE / Decimal::from(9)),
            "0.11111111111111111111"
        );
        assert_eq!(exact(Decimal::new(166667, 10)), "0.0000166667");
        assert_eq!(exact(Decimal::from(730)), "730");
    }

    #[test]
    fn formats_money() {
        assert_eq!(usd(dec!(100000.2)), "$100,000.20");
        assert_eq!(usd(dec!(0)), "$0.00");
        assert_eq!(usd(dec!(999.995)), "$1,000.00");
        assert_eq!(usd_plain(dec!(2.333338)), "2.33");
        assert_eq!(exact(dec!(0.0000166667000)), "0.0000166667");
        assert_eq!(quantity(dec!(9216000000), 2), "9,216,000,000");
        assert_eq!(quantity(dec!(14.30511474609375), 4), "14.3051");
    }
}
