//! Aurora PostgreSQL rates (`[aurora]`): Serverless v2 ACU-hours, provisioned instance-hours,
//! storage and I/O, each for Aurora Standard and I/O-Optimized. Optional in a snapshot, so that
//! older files still load; pricing asks for it and names what is missing (`aurora_rates`).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Price, PriceSnapshot};
use crate::decimal_serde::{dec, opt_dec};
use crate::error::{Error, Input, Problem, Result};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuroraPrices {
    /// Per ACU-hour, metered per second.
    pub serverless_v2: AuroraPair<Price>,
    /// Per GB-month of the cluster volume, billed once per cluster.
    pub storage: AuroraPair<Price>,
    /// Per million I/O requests; only Standard has one.
    pub io: AuroraIo,
    /// Backup beyond the cluster's size, per GB-month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<Price>,
    /// Provisioned classes, per instance-hour.
    pub instances: BTreeMap<String, AuroraInstance>,
    /// RDS Proxy in front of Aurora Serverless v2: billed per ACU-hour of the target, not per vCPU.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<AuroraProxy>,
}

/// RDS Proxy's rate for an Aurora Serverless v2 target: per ACU-hour, at least `minimum_acus`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuroraProxy {
    #[serde(with = "dec")]
    pub minimum_acus: Decimal,
    pub acu: Price,
}

/// One rate for each storage configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuroraPair<T> {
    pub standard: T,
    pub io_optimized: T,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuroraIo {
    pub standard: Price,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuroraInstance {
    pub vcpus: u32,
    #[serde(with = "dec")]
    pub memory_gib: Decimal,
    /// Baseline utilization per vCPU of a burstable class, percent.
    #[serde(default, with = "opt_dec", skip_serializing_if = "Option::is_none")]
    pub baseline_cpu_percent: Option<Decimal>,
    /// Per instance-hour on Aurora Standard.
    #[serde(with = "dec")]
    pub standard: Decimal,
    /// Per instance-hour on Aurora I/O-Optimized.
    #[serde(with = "dec")]
    pub io_optimized: Decimal,
    pub usage_type: String,
    pub io_optimized_usage_type: String,
    pub source: String,
}

impl AuroraPrices {
    /// Every flat price with its path in the file, for the loader's checks.
    pub(super) fn flat(&self) -> Vec<(&'static str, &Price)> {
        let mut v = vec![
            (
                "aurora.serverless_v2.standard",
                &self.serverless_v2.standard,
            ),
            (
                "aurora.serverless_v2.io_optimized",
                &self.serverless_v2.io_optimized,
            ),
            ("aurora.storage.standard", &self.storage.standard),
            ("aurora.storage.io_optimized", &self.storage.io_optimized),
            ("aurora.io.standard", &self.io.standard),
        ];
        if let Some(b) = &self.backup {
            v.push(("aurora.backup", b));
        }
        if let Some(x) = &self.proxy {
            v.push(("aurora.proxy.acu", &x.acu));
        }
        v
    }

    /// What the loader checks beyond the flat prices: each class's rates and size.
    pub(super) fn validate(&self) -> std::result::Result<(), String> {
        if let Some(x) = &self.proxy
            && !(Decimal::ZERO..=Decimal::from(256)).contains(&x.minimum_acus)
        {
            return Err("aurora.proxy.minimum_acus: needs 0 to 256 ACUs".into());
        }
        for (name, i) in &self.instances {
            if i.standard.is_sign_negative()
                || i.io_optimized.is_sign_negative()
                || i.vcpus == 0
                || i.memory_gib <= Decimal::ZERO
            {
                return Err(format!(
                    "aurora.instances.{name}: needs vcpus > 0, memory_gib > 0 and prices >= 0"
                ));
            }
            if i.source.trim().is_empty() {
                return Err(format!("aurora.instances.{name}: needs a source"));
            }
        }
        Ok(())
    }
}

/// The snapshot's Aurora rates, or an error naming the rate `what` needs (`usage_type`) and the
/// snapshot that lacks it; `input`/`value` say which choice needed it.
pub fn aurora_rates<'a>(
    p: &'a PriceSnapshot,
    input: Input,
    value: &str,
    usage_type: &str,
) -> Result<&'a AuroraPrices> {
    p.aurora.as_ref().ok_or_else(|| {
        Error::invalid(
            input,
            value,
            Problem::MissingRates {
                missing: vec![usage_type.to_string()],
                snapshot: format!("{} snapshot of {}", p.region, p.as_of),
                rates: Input::AuroraRates,
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{bundled, parse};
    use rust_decimal_macros::dec;

    #[test]
    fn the_bundled_snapshot_carries_aurora_rates_with_their_source() {
        let p = bundled("us-east-1").unwrap();
        let a = p.aurora.as_ref().expect("[aurora] is bundled");
        assert_eq!(a.serverless_v2.standard.usd, dec!(0.12));
        assert_eq!(a.serverless_v2.standard.unit, "ACU-hour");
        assert_eq!(a.serverless_v2.io_optimized.usd, dec!(0.16));
        assert_eq!(a.storage.standard.usd, dec!(0.10));
        assert_eq!(a.storage.io_optimized.usd, dec!(0.225));
        assert_eq!(a.io.standard.usd, dec!(0.20));
        assert_eq!(a.io.standard.usage_type, "Aurora:StorageIOUsage");
        let r6g = &a.instances["db.r6g.large"];
        assert_eq!((r6g.standard, r6g.io_optimized), (dec!(0.26), dec!(0.338)));
        for (path, price) in a.flat() {
            assert!(
                price.source.starts_with("https://aws.amazon.com/"),
                "{path}"
            );
        }
    }

    #[test]
    fn a_snapshot_without_aurora_loads_and_names_the_missing_rate_when_asked() {
        let text = include_str!("../../prices/us-east-1.toml");
        let cut = text
            .find("\n[aurora]")
            .expect("the bundled file has [aurora]");
        let p = parse(&text[..cut], "old.toml").unwrap();
        assert!(p.aurora.is_none());
        let e = aurora_rates(
            &p,
            Input::Database,
            "aurora-serverless",
            "Aurora:ServerlessV2Usage",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("database: aurora-serverless: the us-east-1 snapshot of 2026-11-01 has no rate for Aurora:ServerlessV2Usage"),
            "{e}"
        );
        assert!(e.contains("give a price snapshot with [aurora]"), "{e}");
        assert!(!e.contains("--"), "engine errors name no flag: {e}");
    }

    #[test]
    fn a_negative_or_sourceless_aurora_rate_is_refused() {
        let text = include_str!("../../prices/us-east-1.toml");
        let neg = text.replacen(
            "usd = \"0.12\"\nunit = \"ACU-hour\"",
            "usd = \"-0.12\"\nunit = \"ACU-hour\"",
            1,
        );
        let e = parse(&neg, "x.toml").unwrap_err().to_string();
        assert!(
            e.contains("aurora.serverless_v2.standard: negative price"),
            "{e}"
        );
        let class = text.replacen("standard = \"0.26\"", "standard = \"-0.26\"", 1);
        let e = parse(&class, "x.toml").unwrap_err().to_string();
        assert!(e.contains("aurora.instances.db.r6g.large"), "{e}");
    }
}
