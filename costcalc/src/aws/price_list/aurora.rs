//! The Aurora PostgreSQL rates of a fetched snapshot: Serverless v2 ACU-hours, storage and I/O for
//! both storage configurations, and the provisioned classes the template prices. The Price List
//! lists these usage types once per engine (Aurora MySQL's rows share them), so only rows of
//! `databaseEngine` "Aurora PostgreSQL" count. RDS Proxy's per-ACU rate for a Serverless v2 target
//! is not a usage type of its own there: it stays the template's, and its source says so.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::Product;
use super::matcher::Matcher;
use crate::catalog::AuroraPrices;

pub const ENGINE: &str = "Aurora PostgreSQL";

/// The flat usage types, each with how many Price List units make one snapshot unit.
pub const USAGE_TYPES: [&str; 5] = [
    "Aurora:ServerlessV2Usage",
    "Aurora:ServerlessV2IOOptimizedUsage",
    "Aurora:StorageUsage",
    "Aurora:IO-OptimizedStorageUsage",
    "Aurora:StorageIOUsage",
];

/// Rows of this engine (or of none) for an Aurora usage type.
pub fn fits(p: &Product) -> bool {
    matches!(p.attr("databaseEngine"), "" | "Any" | ENGINE)
}

impl Matcher<'_> {
    fn engine_row(&self, base: &str) -> Option<&Product> {
        self.products
            .iter()
            .copied()
            .filter(|p| p.service_code == "AmazonRDS" && p.base_usage_type() == base)
            .find(|p| p.attr("databaseEngine") == ENGINE && !p.on_demand.is_empty())
    }

    /// Fill `a` from the list; a class the list lacks keeps the template's rate, and says so.
    pub fn aurora(&mut self, a: &mut AuroraPrices, template_date: &str) {
        let [v2, v2_io, storage, storage_io, io] = USAGE_TYPES;
        self.flat(&mut a.serverless_v2.standard, "AmazonRDS", v2, Decimal::ONE);
        self.flat(
            &mut a.serverless_v2.io_optimized,
            "AmazonRDS",
            v2_io,
            Decimal::ONE,
        );
        self.flat(&mut a.storage.standard, "AmazonRDS", storage, Decimal::ONE);
        self.flat(
            &mut a.storage.io_optimized,
            "AmazonRDS",
            storage_io,
            Decimal::ONE,
        );
        // Listed per I/O request; the snapshot prices a million.
        self.flat(&mut a.io.standard, "AmazonRDS", io, dec!(1000000));
        let kept = |s: &mut String, why: &str| {
            *s = format!("{why}: bundled snapshot of {template_date}; {s}");
        };
        if let Some(x) = a.proxy.as_mut() {
            kept(&mut x.acu.source, "not read by prices fetch");
        }
        if let Some(b) = a.backup.as_mut() {
            kept(&mut b.source, "not read by prices fetch");
        }
        for (name, i) in a.instances.iter_mut() {
            let standard = self.engine_row(&format!("InstanceUsage:{name}"));
            let io_opt = self.engine_row(&format!("InstanceUsageIOOptimized:{name}"));
            let (Some(s), Some(o)) = (standard, io_opt) else {
                kept(&mut i.source, "not in the Price List read");
                continue;
            };
            let (Some(sd), Some(od)) = (s.on_demand.last(), o.on_demand.last()) else {
                continue;
            };
            i.standard = sd.usd.normalize();
            i.io_optimized = od.usd.normalize();
            i.usage_type = s.attr("usagetype").to_string();
            i.io_optimized_usage_type = o.attr("usagetype").to_string();
            i.source = format!("{}; I/O-Optimized sku {}", self.source(s), o.sku);
        }
    }
}
