//! clap value parsers: numbers as exact decimals, plain or scientific ("2.5e6"), with a message
//! that says what was expected (range checks beyond the sign belong to the engine, `limits`);
//! and the engine's named values (a plan, a term, an architecture), spelled as the engine spells
//! them.

use std::str::FromStr;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use rust_decimal::Decimal;

use crate::spelling::Spelling;

/// One of `T`'s values, by its engine spelling.
pub fn choice<T: Spelling + Send + Sync>() -> impl TypedValueParser<Value = T> {
    choice_help(|_: T| None)
}

/// One of `T`'s values, each explained in `--help` by `help`.
pub fn choice_help<T: Spelling + Send + Sync>(
    help: fn(T) -> Option<&'static str>,
) -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(T::ALL.iter().map(|v| {
        let value = PossibleValue::new(v.spelling());
        match help(*v) {
            Some(h) => value.help(h),
            None => value,
        }
    }))
    .try_map(|s: String| {
        // clap has already refused any other spelling; this only turns the text into the value.
        T::from_spelling(&s).ok_or_else(|| format!("expected {}, got {s:?}", T::choices()))
    })
}

fn parse_decimal(s: &str) -> Result<Decimal, String> {
    let t = s.trim();
    Decimal::from_str(t)
        .or_else(|_| Decimal::from_scientific(t))
        .map_err(|_| match t.parse::<f64>() {
            // A number, just not one a decimal holds (beyond about 7.9e28, or too many digits).
            Ok(f) if f.is_finite() && f.abs() >= 1.0 => {
                format!("{s} is too large (costcalc takes numbers up to 7.9e28)")
            }
            Ok(f) if f.is_finite() => format!("{s} has too many decimal places (28 at most)"),
            _ => format!("expected a number, got {s:?}"),
        })
}

/// A number >= 0.
pub fn nonneg(s: &str) -> Result<Decimal, String> {
    let d = parse_decimal(s)?;
    if d.is_sign_negative() && !d.is_zero() {
        return Err(format!("expected a number >= 0, got {s}"));
    }
    Ok(d)
}

/// A number > 0.
pub fn positive(s: &str) -> Result<Decimal, String> {
    let d = parse_decimal(s)?;
    if d <= Decimal::ZERO {
        return Err(format!("expected a number > 0, got {s}"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_too_large_for_a_decimal_say_so() {
        assert_eq!(nonneg("2.5e6").unwrap(), Decimal::from(2_500_000));
        assert!(nonneg("1e30").unwrap_err().contains("too large"));
        assert!(nonneg("lots").unwrap_err().contains("expected a number"));
        assert!(nonneg("-1").unwrap_err().contains(">= 0"));
        assert!(positive("0").unwrap_err().contains("> 0"));
    }
}
