//! The database flags of `report` and `breakeven`: `--db` and Aurora Serverless v2's settings,
//! turned into the engine's `Database`.

use rust_decimal::Decimal;

use super::scenario::ScenarioArgs;
use super::values::nonneg;
use crate::deployment::aurora::{Database, Serverless};
use crate::pricing::aurora::AuroraStorage;

/// `--db`.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum DbKind {
    Rds,
    AuroraServerless,
}

/// `--aurora-storage`.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum AuroraStorageArg {
    Standard,
    IoOptimized,
}

pub fn database(s: &ScenarioArgs) -> Database {
    match s.db {
        DbKind::Rds => Database::Rds,
        DbKind::AuroraServerless => Database::AuroraServerless(Serverless {
            acu_min: s.acu_min,
            acu_max: s.acu_max,
            pause_after_s: s.pause_after,
            storage: match s.aurora_storage {
                AuroraStorageArg::Standard => AuroraStorage::Standard,
                AuroraStorageArg::IoOptimized => AuroraStorage::IoOptimized,
            },
        }),
    }
}

/// Seconds from "300", "300s", "5m" or "24h".
pub fn duration_s(text: &str) -> std::result::Result<Decimal, String> {
    let t = text.trim();
    let (num, unit) = match t.char_indices().last() {
        Some((i, 's')) => (&t[..i], Decimal::ONE),
        Some((i, 'm')) => (&t[..i], Decimal::from(60)),
        Some((i, 'h')) => (&t[..i], Decimal::from(3600)),
        _ => (t, Decimal::ONE),
    };
    let v = nonneg(num)
        .map_err(|_| format!("expected a duration such as 300s, 5m or 24h, got {text:?}"))?;
    v.checked_mul(unit)
        .ok_or_else(|| format!("{text:?} is too long"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn pause_after_takes_seconds_minutes_or_hours() {
        assert_eq!(duration_s("300"), Ok(dec!(300)));
        assert_eq!(duration_s("300s"), Ok(dec!(300)));
        assert_eq!(duration_s("5m"), Ok(dec!(300)));
        assert_eq!(duration_s("24h"), Ok(dec!(86400)));
        assert_eq!(
            duration_s("soon"),
            Err("expected a duration such as 300s, 5m or 24h, got \"soon\"".into())
        );
    }
}
