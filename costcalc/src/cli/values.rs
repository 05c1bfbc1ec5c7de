//! clap value parsers for numbers: exact decimals, plain or scientific ("2.5e6"), with a message
//! that says what was expected. Range checks beyond the sign belong to the engine (`limits`).

use std::str::FromStr;

use rust_decimal::Decimal;

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
