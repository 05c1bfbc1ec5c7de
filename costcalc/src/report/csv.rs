//! CSV: one row per line item plus one TOTAL row per deployment; every row carries the snapshot
//! region and date so a row pasted elsewhere still says what priced it.

use super::{Bill, Report};
use crate::money;

/// One cell: quoted when it holds a separator, and never a formula. Text from input files (a
/// region, a profile name, an overload reason) starting with `=`, `+`, `-`, `@`, a tab or a CR
/// would run as a formula in a spreadsheet (OWASP "CSV injection"); it gets a leading `'`.
/// Numbers (a negative saving) stay numbers.
fn field(s: &str) -> String {
    let formula = s.len() > 1
        && s.starts_with(['=', '+', '-', '@', '\t', '\r'])
        && s.parse::<rust_decimal::Decimal>().is_err();
    let s = if formula {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// Text inside a `#` comment line: a line break from input must not end the comment.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// A per-service bill: one row per line item and a TOTAL row.
pub fn bill(b: &Bill) -> String {
    let mut out = String::from(
        "region,prices_as_of,service,line_item,quantity,unit,unit_price_usd,cost_usd,cost_usd_exact\n",
    );
    for i in &b.line_items {
        row(
            &mut out,
            &[
                &b.prices.region,
                &b.prices.as_of,
                &i.service,
                &i.name,
                &money::exact(i.quantity),
                &i.unit,
                &money::exact(i.unit_price_usd),
                &money::usd_plain(i.cost_usd),
                &money::exact(i.cost_usd),
            ],
        );
    }
    let (total, exact) = (money::usd_plain(b.total_usd), money::exact(b.total_usd));
    let total_row = [
        &b.prices.region,
        &b.prices.as_of,
        "TOTAL",
        "",
        "",
        "",
        "",
        &total,
        &exact,
    ];
    row(&mut out, &total_row);
    out
}

/// `--compare-databases` as `# databases,` lines (a CSV of their own once the `# ` is cut).
fn databases(out: &mut String, r: &Report) {
    let Some(c) = &r.databases else {
        return;
    };
    out.push_str("# databases,database,deployment,summary,total_usd,total_usd_exact,incomplete\n");
    for row in super::databases::csv_rows(c) {
        let fields: Vec<String> = row.iter().map(|f| field(f)).collect();
        out.push_str(&format!("# databases,{}\n", fields.join(",")));
    }
}

fn sweep(out: &mut String, r: &Report) {
    if r.lambda_sweep.is_empty() {
        return;
    }
    out.push_str(&format!(
        "# lambda_sweep,memory_mb,usable,cold_start_p50_ms,cold_start_p99_ms,p99_ms,billed_ms,\
         cost_per_million_arm64_usd,cost_per_million_x86_64_usd,cost_per_month_{}_usd,picked,note\n",
        r.options.lambda_arch
    ));
    for row in &r.lambda_sweep {
        let z = &row.size;
        // An unusable size has no cost to show.
        let cost = |usd| {
            if z.usable {
                money::exact(usd)
            } else {
                String::new()
            }
        };
        let fields = [
            "# lambda_sweep".to_string(),
            z.memory_mb.to_string(),
            z.usable.to_string(),
            z.init_p50_ms.to_string(),
            z.init_p99_ms.to_string(),
            money::exact(z.p99_ms),
            money::exact(z.billed_ms),
            cost(row.cost_per_million_arm64_usd),
            cost(row.cost_per_million_x86_64_usd),
            cost(row.cost_per_month_usd),
            row.picked.to_string(),
            row.note.clone(),
        ];
        row_of(out, &fields);
    }
}

/// A `# lambda_sweep` comment row: one line whatever its fields hold.
fn row_of(out: &mut String, fields: &[String]) {
    out.push_str(
        &fields
            .iter()
            .map(|f| field(&one_line(f)))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push('\n');
}

/// One CSV row of fields, quoted where needed.
pub fn row(out: &mut String, fields: &[&str]) {
    out.push_str(
        &fields
            .iter()
            .map(|f| field(f))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push('\n');
}

/// Warnings come first as `#` comment lines, which CSV readers skip or show; then the Lambda
/// memory sweep, when there is one, as `# lambda_sweep,` lines (a CSV of their own once the
/// `# ` is cut), so the line items stay one table.
pub fn report(r: &Report) -> String {
    let mut out: String = r
        .warnings
        .iter()
        .map(|w| format!("# warning: {}\n", one_line(w)))
        .collect();
    sweep(&mut out, r);
    databases(&mut out, r);
    out.push_str(
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
            if d.incomplete {
                "INCOMPLETE: the database is too small for this workload".into()
            } else {
                String::new()
            },
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
