//! Lambda prices from a costcalc price snapshot (`costcalc/prices/<region>.toml`), exact decimals.

use rust_decimal::Decimal;
use std::path::Path;
use std::str::FromStr;

/// What a request costs at the first duration tier (the tier every function under 6 billion
/// GB-s a month stays in, so per-million figures need no other).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LambdaPrices {
    /// USD per 1M requests.
    pub requests_per_million: Decimal,
    pub arm64_gb_s: Decimal,
    pub x86_64_gb_s: Decimal,
}

fn decimal(v: &toml::Value, what: &str) -> Result<Decimal, String> {
    let text = match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Integer(i) => i.to_string(),
        _ => return Err(format!("{what} is not a number")),
    };
    Decimal::from_str(text.trim()).map_err(|_| format!("{what} = {text:?} is not a decimal number"))
}

fn get<'a>(v: &'a toml::Value, path: &[&str]) -> Result<&'a toml::Value, String> {
    path.iter().try_fold(v, |v, k| {
        v.get(k)
            .ok_or_else(|| format!("no [{}] in the price file", path.join(".")))
    })
}

pub fn parse(text: &str) -> Result<LambdaPrices, String> {
    let v: toml::Value = toml::from_str(text).map_err(|e| format!("not valid TOML: {e}"))?;
    let first_tier = |arch: &str| -> Result<Decimal, String> {
        let tiers = get(&v, &["lambda", arch, "duration", "tiers"])?;
        let first = tiers
            .as_array()
            .and_then(|t| t.first())
            .ok_or_else(|| format!("lambda.{arch}.duration.tiers is empty"))?;
        decimal(
            get(first, &["usd"])?,
            &format!("lambda.{arch}.duration.tiers[0].usd"),
        )
    };
    Ok(LambdaPrices {
        requests_per_million: decimal(
            get(&v, &["lambda", "requests", "usd"])?,
            "lambda.requests.usd",
        )?,
        arm64_gb_s: first_tier("arm64")?,
        x86_64_gb_s: first_tier("x86_64")?,
    })
}

pub fn load(path: &Path) -> Result<LambdaPrices, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("--prices {}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("--prices {}: {e}", path.display()))
}

/// USD per 1M requests of `billed_ms` each at `memory_mb` (MB / 1024 = GB, as AWS bills).
pub fn per_million(p: &LambdaPrices, gb_s: Decimal, billed_ms: Decimal, memory_mb: u32) -> Decimal {
    let gb = Decimal::from(memory_mb) / Decimal::from(1024);
    let seconds = billed_ms / Decimal::from(1000);
    p.requests_per_million + seconds * gb * gb_s * Decimal::from(1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SNAPSHOT: &str = r#"
[lambda.requests]
usd = "0.20"
[lambda.x86_64.duration]
tiers = [ { from = "0", to = "6000000000", usd = "0.0000166667" }, { from = "6000000000", usd = "0.000015" } ]
[lambda.arm64.duration]
tiers = [ { from = "0", usd = "0.0000133334" } ]
"#;

    #[test]
    fn the_first_tier_and_the_request_price_are_read() {
        let p = parse(SNAPSHOT).unwrap();
        assert_eq!(p.requests_per_million, Decimal::from_str("0.20").unwrap());
        assert_eq!(p.x86_64_gb_s, Decimal::from_str("0.0000166667").unwrap());
        assert_eq!(p.arm64_gb_s, Decimal::from_str("0.0000133334").unwrap());
        assert!(
            parse("[lambda]\n")
                .unwrap_err()
                .contains("lambda.requests.usd")
        );
    }

    #[test]
    fn a_million_requests_of_100_ms_at_1024_mb() {
        // 1e6 x 0.1 s x 1 GB = 100000 GB-s x 0.0000166667 = 1.66667, plus 0.20 for the requests.
        let p = parse(SNAPSHOT).unwrap();
        let c = per_million(&p, p.x86_64_gb_s, Decimal::from(100), 1024);
        assert_eq!(c, Decimal::from_str("1.86667").unwrap());
    }
}
