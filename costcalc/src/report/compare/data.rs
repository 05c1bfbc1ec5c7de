//! The comparison for programs: JSON (the side-by-side rows, then each implementation's whole
//! report in `report --format json`'s form) and CSV (one row per deployment and implementation,
//! warnings first as `#` lines, as `report`'s CSV).

use serde_json::{Value, json};

use super::Comparison;
use crate::money;
use crate::report::csv::row;
use crate::report::json::report_value;

pub fn json(c: &Comparison) -> String {
    let names = c.names();
    let rows: Vec<Value> = c
        .rows
        .iter()
        .map(|r| {
            json!({
                "deployment": r.kind.map_or("cheapest", |k| k.as_str()),
                "totals_usd": names.iter().zip(&r.totals).map(|(n, t)| json!({
                    "implementation": n,
                    "total_usd": money::usd_plain(*t),
                    "total_usd_exact": money::exact(*t),
                })).collect::<Vec<_>>(),
                "cheapest_implementation": names[r.cheapest],
                "dearest_implementation": names[r.dearest],
                "difference_usd": money::usd_plain(r.difference_usd),
                "difference_usd_exact": money::exact(r.difference_usd),
                "ratio": r.ratio.map(money::exact),
            })
        })
        .collect();
    let implementations: Vec<Value> = c
        .implementations
        .iter()
        .map(|i| {
            let (k, total) = i.cheapest();
            json!({
                "name": i.name,
                "summary": i.summary,
                "tune": i.tune,
                "window": i.window,
                "machine": i.machine,
                "cheapest": k.as_str(),
                "cheapest_usd": money::usd_plain(total),
                "report": report_value(&i.report),
            })
        })
        .collect();
    let v = json!({
        "region": c.prices.region,
        "prices_as_of": c.prices.as_of,
        "prices_origin": c.prices.origin,
        "requests_per_month": money::exact(c.requests_per_month()),
        "warnings": c.warnings,
        "rows": rows,
        "verdicts": c.verdicts(),
        "implementations": implementations,
    });
    serde_json::to_string_pretty(&v).expect("JSON values always serialize") + "\n"
}

pub fn csv(c: &Comparison) -> String {
    let mut out: String = c
        .warnings
        .iter()
        .map(|w| format!("# warning: {}\n", crate::report::text::one_line(w)))
        .collect();
    out.push_str(
        "region,prices_as_of,requests_per_month,deployment,implementation,total_usd,total_usd_exact,cheapest_deployment_of_implementation,cheapest_implementation_here,difference_usd_exact\n",
    );
    let requests = money::exact(c.requests_per_month());
    for r in &c.rows {
        for (n, (i, t)) in c.implementations.iter().zip(&r.totals).enumerate() {
            let deployment = match r.kind {
                Some(k) => k.as_str(),
                None => "cheapest",
            };
            row(
                &mut out,
                &[
                    &c.prices.region,
                    &c.prices.as_of,
                    &requests,
                    deployment,
                    &i.name,
                    &money::usd_plain(*t),
                    &money::exact(*t),
                    i.cheapest().0.as_str(),
                    if n == r.cheapest { "yes" } else { "no" },
                    &money::exact(*t - r.totals[r.cheapest]),
                ],
            );
        }
    }
    out
}
