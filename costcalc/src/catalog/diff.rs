//! `prices show` and `prices diff`: every price of a snapshot as one row (path, USD, unit, usage
//! type), and what changed between two snapshots, price by price.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::catalog::PriceSnapshot;
use crate::money;
use crate::spelling::Spelling;

/// One price: `lambda.x86_64.duration [0, 6000000000)` or `ec2.instances.t3.micro`.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub path: String,
    pub usd: Decimal,
    pub unit: String,
    pub usage_type: String,
    pub source: String,
}

/// Every price in the snapshot, in a stable order. Walks the serialised form so a price added to
/// the format is listed without touching this code.
pub fn rows(s: &PriceSnapshot) -> Vec<Row> {
    let v = serde_json::to_value(s).expect("a snapshot always serialises");
    let mut out = Vec::new();
    walk("", &v, &mut out);
    commitment_rows(s, &mut out);
    out
}

/// The commitment sections are lists, which `walk` does not enter: one row per plan rate, two
/// (upfront, hourly) per Reserved Instance offer, named by plan, term and payment as the file
/// writes them.
fn commitment_rows(s: &PriceSnapshot, out: &mut Vec<Row>) {
    if let Some(sp) = &s.savings_plans {
        for r in &sp.rates {
            out.push(Row {
                path: format!(
                    "savings_plans.{}.{}.{} {}",
                    r.plan.spelling(),
                    r.term.spelling(),
                    r.payment.spelling(),
                    r.usage
                ),
                usd: r.usd,
                unit: "plan rate per unit of the usage".into(),
                usage_type: r.usage_type.clone(),
                source: sp.source.clone(),
            });
        }
    }
    if let Some(ri) = &s.rds_reserved {
        for o in &ri.offers {
            let az = if o.multi_az { "multi_az" } else { "single_az" };
            let path = format!(
                "rds_reserved.{}.{} {} {az}",
                o.term.spelling(),
                o.payment.spelling(),
                o.class
            );
            for (what, usd, unit) in [
                ("upfront", o.upfront_usd, "USD once per term"),
                ("hourly", o.hourly_usd, "instance-hour"),
            ] {
                out.push(Row {
                    path: format!("{path} {what}"),
                    usd,
                    unit: unit.into(),
                    usage_type: format!("InstanceUsage:{}", o.class),
                    source: ri.source.clone(),
                });
            }
        }
    }
}

fn s(v: &serde_json::Value, k: &str) -> String {
    v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string()
}

fn d(v: Option<&serde_json::Value>) -> Option<Decimal> {
    v.and_then(|x| x.as_str())
        .and_then(|x| Decimal::from_str(x).ok())
}

fn walk(path: &str, v: &serde_json::Value, out: &mut Vec<Row>) {
    let Some(map) = v.as_object() else { return };
    let join = |k: &str| {
        if path.is_empty() {
            k.to_string()
        } else {
            format!("{path}.{k}")
        }
    };
    if let Some(tiers) = map.get("tiers").and_then(|t| t.as_array()) {
        for t in tiers {
            let from = d(t.get("from")).unwrap_or_default();
            let range = match d(t.get("to")) {
                Some(to) => format!("[{}, {})", money::exact(from), money::exact(to)),
                None => format!("[{}, ...)", money::exact(from)),
            };
            out.push(Row {
                path: format!("{path} {range}"),
                usd: d(t.get("usd")).unwrap_or_default(),
                unit: s(v, "unit"),
                usage_type: s(v, "usage_type"),
                source: s(v, "source"),
            });
        }
        return;
    }
    if map.contains_key("single_az") && map.contains_key("multi_az") {
        for (k, unit) in [
            ("single_az", "instance-hour, single-AZ"),
            ("multi_az", "instance-hour, Multi-AZ"),
        ] {
            out.push(Row {
                path: format!("{path} {k}"),
                usd: d(map.get(k)).unwrap_or_default(),
                unit: unit.to_string(),
                usage_type: s(v, "usage_type"),
                source: s(v, "source"),
            });
        }
        return;
    }
    // An Aurora class: one rate per storage configuration.
    if let (Some(std), Some(iopt)) = (d(map.get("standard")), d(map.get("io_optimized"))) {
        for (k, usd, usage) in [
            ("standard", std, "usage_type"),
            ("io_optimized", iopt, "io_optimized_usage_type"),
        ] {
            out.push(Row {
                path: format!("{path} {k}"),
                usd,
                unit: format!("instance-hour, {}", k.replace('_', "-")),
                usage_type: s(v, usage),
                source: s(v, "source"),
            });
        }
        return;
    }
    if let Some(usd) = d(map.get("usd")) {
        let unit = match map.get("unit") {
            Some(_) => s(v, "unit"),
            None => "instance-hour".to_string(),
        };
        out.push(Row {
            path: path.to_string(),
            usd,
            unit,
            usage_type: s(v, "usage_type"),
            source: s(v, "source"),
        });
        return;
    }
    for (k, child) in map {
        walk(&join(k), child, out);
    }
}

/// One difference between snapshots A and B.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Changed {
        path: String,
        unit: String,
        a: Decimal,
        b: Decimal,
    },
    OnlyInA {
        path: String,
        usd: Decimal,
    },
    OnlyInB {
        path: String,
        usd: Decimal,
    },
}

pub fn diff(a: &PriceSnapshot, b: &PriceSnapshot) -> Vec<Change> {
    let ra: BTreeMap<String, Row> = rows(a).into_iter().map(|r| (r.path.clone(), r)).collect();
    let rb: BTreeMap<String, Row> = rows(b).into_iter().map(|r| (r.path.clone(), r)).collect();
    let mut out = Vec::new();
    for (p, x) in &ra {
        match rb.get(p) {
            Some(y) if x.usd != y.usd => out.push(Change::Changed {
                path: p.clone(),
                unit: y.unit.clone(),
                a: x.usd,
                b: y.usd,
            }),
            Some(_) => {}
            None => out.push(Change::OnlyInA {
                path: p.clone(),
                usd: x.usd,
            }),
        }
    }
    for (p, y) in &rb {
        if !ra.contains_key(p) {
            out.push(Change::OnlyInB {
                path: p.clone(),
                usd: y.usd,
            });
        }
    }
    out
}

/// The `prices show` table.
pub fn show_table(s: &PriceSnapshot, origin: &str) -> String {
    use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec!["Price", "USD", "Per", "Usage type", "Source"]);
    let rows = rows(s);
    for r in &rows {
        t.add_row(vec![
            Cell::new(&r.path),
            Cell::new(money::exact(r.usd)).set_alignment(CellAlignment::Right),
            Cell::new(&r.unit),
            Cell::new(&r.usage_type),
            Cell::new(&r.source),
        ]);
    }
    format!(
        "Price snapshot {origin}: {} as of {} ({}), {} prices\n{t}\n",
        s.region,
        s.as_of,
        s.schema,
        rows.len()
    )
}

/// The `prices diff` table; "no differences" when there are none.
pub fn diff_table(a: &PriceSnapshot, a_name: &str, b: &PriceSnapshot, b_name: &str) -> String {
    use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
    let changes = diff(a, b);
    let mut s = format!(
        "A = {a_name} ({} as of {}), B = {b_name} ({} as of {})\n",
        a.region, a.as_of, b.region, b.as_of
    );
    if changes.is_empty() {
        s.push_str("No price differs.\n");
        return s;
    }
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec!["Price", "A (USD)", "B (USD)", "Change", "Per"]);
    let right = |x: String| Cell::new(x).set_alignment(CellAlignment::Right);
    for c in &changes {
        match c {
            Change::Changed { path, unit, a, b } => {
                let pct = if a.is_zero() {
                    "new charge".to_string()
                } else {
                    format!(
                        "{:+}%",
                        ((*b - *a) / *a * dec!(100)).round_dp(2).normalize()
                    )
                };
                t.add_row(vec![
                    Cell::new(path),
                    right(money::exact(*a)),
                    right(money::exact(*b)),
                    right(pct),
                    Cell::new(unit),
                ]);
            }
            Change::OnlyInA { path, usd } => {
                t.add_row(vec![
                    Cell::new(path),
                    right(money::exact(*usd)),
                    right("-".into()),
                    right("only in A".into()),
                    Cell::new(""),
                ]);
            }
            Change::OnlyInB { path, usd } => {
                t.add_row(vec![
                    Cell::new(path),
                    right("-".into()),
                    right(money::exact(*usd)),
                    right("only in B".into()),
                    Cell::new(""),
                ]);
            }
        }
    }
    s.push_str(&format!("{t}\n{} price(s) differ.\n", changes.len()));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_cover_tiers_and_instances() {
        let s = crate::catalog::bundled("us-east-1").unwrap();
        let r = rows(&s);
        assert!(
            r.iter()
                .any(|r| r.path == "lambda.x86_64.duration [0, 6000000000)"
                    && r.usd == dec!(0.0000166667))
        );
        assert!(
            r.iter()
                .any(|r| r.path == "ec2.instances.t4g.micro" && r.usd == dec!(0.0084))
        );
        assert!(
            r.iter()
                .any(|r| r.path == "rds.instances.db.t4g.micro multi_az" && r.usd == dec!(0.032))
        );
        assert!(
            r.iter()
                .any(|r| r.path == "fargate.x86_64.vcpu" && r.unit == "vCPU-hour")
        );
    }

    #[test]
    fn diff_names_changed_added_and_removed() {
        let a = crate::catalog::bundled("us-east-1").unwrap();
        let mut b = a.clone();
        assert!(diff(&a, &b).is_empty());
        b.fargate.x86_64.vcpu.usd = dec!(0.05);
        b.ec2.instances.remove("t3.nano");
        let c = diff(&a, &b);
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(c.contains(&Change::Changed {
            path: "fargate.x86_64.vcpu".into(),
            unit: "vCPU-hour".into(),
            a: dec!(0.04048),
            b: dec!(0.05)
        }));
        assert!(
            matches!(&c[1], Change::OnlyInA { path, .. } if path == "ec2.instances.t3.nano")
                || matches!(&c[0], Change::OnlyInA { path, .. } if path == "ec2.instances.t3.nano")
        );
        let t = diff_table(&a, "a.toml", &b, "b.toml");
        assert!(t.contains("+23.52%"), "{t}");
    }
}
