//! Terminal tables (comfy-table): every line item with its quantity, unit and unit price.

use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};

use super::{Bill, Report, commitments, per_million, title};
use crate::deployment::Kind;
use crate::money;
use crate::pricing::LineItem;

fn items_table(items: &[LineItem], total: rust_decimal::Decimal) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec![
        "Service",
        "Line item",
        "Quantity",
        "Unit",
        "Unit price (USD)",
        "Monthly (USD)",
    ]);
    for i in items {
        t.add_row(vec![
            Cell::new(&i.service),
            Cell::new(&i.name),
            Cell::new(money::quantity(i.quantity, 4)).set_alignment(CellAlignment::Right),
            Cell::new(&i.unit),
            Cell::new(money::exact(i.unit_price_usd)).set_alignment(CellAlignment::Right),
            Cell::new(money::usd(i.cost_usd)).set_alignment(CellAlignment::Right),
        ]);
    }
    t.add_row(vec![
        Cell::new("Total"),
        Cell::new(""),
        Cell::new(""),
        Cell::new(""),
        Cell::new(""),
        Cell::new(money::usd(total)).set_alignment(CellAlignment::Right),
    ]);
    t
}

pub fn bill(b: &Bill) -> String {
    let bought = b.committed.as_ref().map_or(String::new(), |c| {
        format!("{}\n", commitments::bill_line(b.total_usd, c))
    });
    format!(
        "{}\n{}\n{bought}{}\n",
        b.title,
        b.prices.line(),
        items_table(&b.line_items, b.total_usd)
    )
}

pub fn report(r: &Report) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "Monthly cost of {} at {} requests/month\n{}\n\n",
        super::text::one_line(&r.subject.phrase()),
        money::quantity(r.workload.requests_per_month, 4),
        r.prices.line()
    ));
    for w in &r.warnings {
        s.push_str(&format!("WARNING: {}\n\n", super::text::one_line(w)));
    }
    for d in &r.deployments {
        s.push_str(&format!("{}: {}\n", title(d.name), d.summary));
        s.push_str(&items_table(&d.line_items, d.total_usd).to_string());
        s.push_str("\n\n");
    }
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec![
        "Deployment",
        "What runs",
        "Monthly (USD)",
        "Per 1M requests (USD)",
        "Next 1M requests (USD)",
        "",
    ]);
    for (d, m) in r.deployments.iter().zip(r.marginal_per_million) {
        t.add_row(vec![
            Cell::new(title(d.name)),
            Cell::new(&d.summary),
            Cell::new(money::usd(d.total_usd)).set_alignment(CellAlignment::Right),
            Cell::new(
                per_million(d.total_usd, r.workload.requests_per_month)
                    .map_or("-".into(), money::usd),
            )
            .set_alignment(CellAlignment::Right),
            Cell::new(money::usd(m)).set_alignment(CellAlignment::Right),
            Cell::new(if d.name == r.cheapest { "cheapest" } else { "" }),
        ]);
    }
    s.push_str(&format!(
        "Summary ({}, prices as of {})\n{t}\n\n",
        r.prices.region, r.prices.as_of
    ));
    purchase(&mut s, r);
    if !r.lambda_sweep.is_empty() {
        s.push_str(&format!("Lambda memory sweep\n{}\n\n", sweep_table(r)));
    }
    s.push_str(&format!("Inputs\n{}\n\n", inputs_table(r)));
    s.push_str("Assumptions\n");
    for a in &r.assumptions {
        s.push_str(&format!("- {}\n", super::text::one_line(a)));
    }
    s
}

/// On-demand beside the purchase options, and the commitments compared, when asked for.
fn purchase(s: &mut String, r: &Report) {
    let right = |v: &String| Cell::new(v).set_alignment(CellAlignment::Right);
    let rows = commitments::rows(r);
    if !rows.is_empty() {
        let mut t = Table::new();
        t.load_style(UTF8_FULL_CONDENSED);
        t.set_header(commitments::HEADER.to_vec());
        for row in &rows {
            let mut cells = vec![Cell::new(&row[0])];
            cells.extend(row[1..].iter().map(right));
            t.add_row(cells);
        }
        s.push_str(&format!(
            "On-demand and with the purchase options ({})\n{t}\n{}\n\n",
            r.prices.purchase.join("; "),
            commitments::EXPLAINED
        ));
    }
    if let Some(c) = &r.comparison {
        let mut t = Table::new();
        t.load_style(UTF8_FULL_CONDENSED);
        let mut header = vec!["Savings Plan (USD/month)".to_string()];
        header.extend(Kind::ALL.iter().map(|k| title(*k).to_string()));
        t.set_header(header);
        for row in commitments::comparison_rows(c) {
            let mut cells = vec![Cell::new(&row[0])];
            cells.extend(row[1..].iter().map(right));
            t.add_row(cells);
        }
        s.push_str(&format!(
            "Commitments compared\n{t}\n{}\n\n",
            commitments::comparison_verdict(c)
        ));
    }
    if let Some(c) = &r.databases {
        let mut t = Table::new();
        t.load_style(UTF8_FULL_CONDENSED);
        t.set_header(super::databases::HEADER.to_vec());
        for row in super::databases::rows(c) {
            let [db, kind, what, usd, mark] = row;
            t.add_row(vec![
                Cell::new(db),
                Cell::new(kind),
                Cell::new(what),
                right(&usd),
                Cell::new(mark),
            ]);
        }
        let whys: String = super::databases::whys(c)
            .iter()
            .map(|w| format!("- {w}\n"))
            .collect();
        s.push_str(&format!(
            "Databases compared\n{t}\n{whys}{}\n\n",
            super::databases::verdict(c)
        ));
    }
}

/// Every input figure with where it came from.
fn inputs_table(r: &Report) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec!["Figure", "Value", "Source", "Decides the outcome"]);
    for i in &r.inputs {
        t.add_row(vec![
            Cell::new(i.figure.label()),
            Cell::new(&i.value).set_alignment(CellAlignment::Right),
            Cell::new(super::text::one_line(&i.origin.describe())),
            Cell::new(super::decides_text(i)),
        ]);
    }
    t
}

/// The measured Lambda memory sizes, the one priced marked with why.
fn sweep_table(r: &Report) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec![
        "Memory (MB)".to_string(),
        "Cold start p50/p99 (ms)".into(),
        "p99, worst route (ms)".into(),
        "Billed per request (ms)".into(),
        "Per 1M arm64 (USD)".into(),
        "Per 1M x86_64 (USD)".into(),
        format!("Function a month, {} (USD)", r.options.lambda_arch),
        String::new(),
    ]);
    for row in &r.lambda_sweep {
        let s = &row.size;
        let right = |v: String| Cell::new(v).set_alignment(CellAlignment::Right);
        if !s.usable {
            let why = super::text::one_line(s.reason.as_deref().unwrap_or("no measurement"));
            t.add_row(vec![
                right(s.memory_mb.to_string()),
                Cell::new(format!("unusable: {why}")),
            ]);
            continue;
        }
        t.add_row(vec![
            right(s.memory_mb.to_string()),
            right(format!("{} / {}", s.init_p50_ms, s.init_p99_ms)),
            right(money::quantity(s.p99_ms, 2)),
            right(money::quantity(s.billed_ms, 3)),
            right(money::usd(row.cost_per_million_arm64_usd)),
            right(money::usd(row.cost_per_million_x86_64_usd)),
            right(money::usd(row.cost_per_month_usd)),
            Cell::new(&row.note),
        ]);
    }
    t
}
