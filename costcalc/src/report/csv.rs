//! CSV: one row per line item plus one TOTAL row per deployment; every row carries the snapshot
//! region and date so a row pasted elsewhere still says what priced it.

use super::Report;
use crate::money;

fn field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub fn report(r: &Report) -> String {
    let mut out = String::from(
        "region,prices_as_of,deployment,service,line_item,quantity,unit,unit_price_usd,cost_usd,cost_usd_exact\n",
    );
    for d in &r.deployments {
        for i in &d.line_items {
            let row = [
                r.prices.region.clone(),
                r.prices.as_of.clone(),
                d.name.as_str().into(),
                i.service.clone(),
                i.name.clone(),
                money::exact(i.quantity),
                i.unit.clone(),
                money::exact(i.unit_price_usd),
                money::usd_plain(i.cost_usd),
                money::exact(i.cost_usd),
            ];
            out.push_str(&row.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
            out.push('\n');
        }
        let row = [
            r.prices.region.clone(),
            r.prices.as_of.clone(),
            d.name.as_str().into(),
            "TOTAL".into(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            money::usd_plain(d.total_usd),
            money::exact(d.total_usd),
        ];
        out.push_str(&row.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}
