//! The comparison for people: a terminal table and Markdown, the same content. Totals per
//! deployment side by side, the difference and the ratio, each implementation's cheapest
//! deployment, what runs for each, and the inputs each was priced from.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, Table};

use super::{Comparison, Row};
use crate::money;
use crate::report::inputs::Figure;
use crate::report::text::{md, one_line};

/// The header, then one line of cells per row, as both forms show them.
fn totals(c: &Comparison) -> (Vec<String>, Vec<Vec<String>>) {
    let mut head = vec!["Deployment".to_string()];
    head.extend(c.names().iter().map(|n| one_line(n)));
    head.extend(["Difference".into(), "Ratio".into(), "Least".into()]);
    let names = c.names();
    let rows = c
        .rows
        .iter()
        .map(|r: &Row| {
            let mut cells = vec![r.label().to_string()];
            for (i, t) in r.totals.iter().enumerate() {
                cells.push(match r.kind {
                    Some(_) => money::usd(*t),
                    None => {
                        let (k, _) = c.implementations[i].cheapest();
                        format!("{} ({})", money::usd(*t), k.title())
                    }
                });
            }
            cells.push(money::usd(r.difference_usd));
            cells.push(r.ratio.map_or("-".into(), |x| format!("{x:.2}x")));
            cells.push(one_line(names[r.cheapest]));
            cells
        })
        .collect();
    (head, rows)
}

/// Figure by figure, what each implementation was priced from.
fn figures(c: &Comparison) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Figure::ALL
        .iter()
        .map(|f| {
            let mut cells = vec![f.label().to_string()];
            for i in &c.implementations {
                let v = i.report.inputs.iter().find(|r| r.figure == *f);
                cells.push(v.map_or("-".into(), |r| one_line(&r.value)));
            }
            cells
        })
        .collect();
    let mut memory = vec!["Lambda memory (MB)".to_string()];
    memory.extend(
        c.implementations
            .iter()
            .map(|i| i.report.options.lambda_memory_mb.normalize().to_string()),
    );
    out.push(memory);
    for k in crate::deployment::Kind::ALL {
        let mut what = vec![format!("{}: what runs", k.title())];
        for i in &c.implementations {
            let d = i.report.deployments.iter().find(|d| d.name == k);
            what.push(d.map_or("-".into(), |d| one_line(&d.summary)));
        }
        out.push(what);
    }
    out
}

fn sources(c: &Comparison) -> Vec<String> {
    c.implementations
        .iter()
        .map(|i| {
            format!(
                "{}: {}{}; {}",
                i.name,
                i.summary,
                i.tune
                    .as_ref()
                    .map_or(String::new(), |t| format!(" and memory sweep {t}")),
                i.window.describe()
            )
        })
        .collect()
}

fn table(head: &[String], rows: &[Vec<String>], numeric_from: usize) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(head.to_vec());
    for r in rows {
        t.add_row(r.iter().enumerate().map(|(i, v)| {
            let cell = Cell::new(v);
            // The totals and the difference and ratio right-aligned; the names left.
            if i >= numeric_from && i + 1 < head.len() {
                cell.set_alignment(CellAlignment::Right)
            } else {
                cell
            }
        }));
    }
    t
}

fn title(c: &Comparison) -> String {
    format!(
        "{} implementations compared at {} requests/month",
        c.implementations.len(),
        money::quantity(c.requests_per_month(), 4)
    )
}

pub fn table_report(c: &Comparison) -> String {
    let mut s = format!("{}\n{}\n\n", title(c), c.prices.line());
    for w in &c.warnings {
        s.push_str(&format!("WARNING: {}\n\n", one_line(w)));
    }
    let (head, rows) = totals(c);
    s.push_str(&format!(
        "Monthly cost (USD)\n{}\n\n",
        table(&head, &rows, 1)
    ));
    for v in c.verdicts() {
        s.push_str(&format!("{}\n", one_line(&v)));
    }
    let mut head = vec!["Figure".to_string()];
    head.extend(c.names().iter().map(|n| one_line(n)));
    s.push_str(&format!(
        "\nPriced from\n{}\n\nMeasured in\n",
        table(&head, &figures(c), usize::MAX)
    ));
    for line in sources(c) {
        s.push_str(&format!("- {}\n", one_line(&line)));
    }
    s
}

fn md_row(cells: &[String]) -> String {
    let cells: Vec<String> = cells.iter().map(|c| md(c).replace('|', "\\|")).collect();
    format!("| {} |\n", cells.join(" | "))
}

pub fn markdown(c: &Comparison) -> String {
    let mut s = format!("# {}\n\n{}\n\n", title(c), c.prices.line());
    for w in &c.warnings {
        s.push_str(&format!("> **Warning:** {}\n\n", md(w)));
    }
    let (head, rows) = totals(c);
    s.push_str(&md_row(&head));
    s.push_str(&format!(
        "|---|{}--:|--:|---|\n",
        "--:|".repeat(c.implementations.len())
    ));
    for r in &rows {
        s.push_str(&md_row(r));
    }
    s.push('\n');
    for v in c.verdicts() {
        s.push_str(&format!("- {}\n", md(&v)));
    }
    let mut head = vec!["Figure".to_string()];
    head.extend(c.names().iter().map(|n| n.to_string()));
    s.push_str("\n## Priced from\n\n");
    s.push_str(&md_row(&head));
    s.push_str(&format!(
        "|---|{}\n",
        "---|".repeat(c.implementations.len())
    ));
    for r in figures(c) {
        s.push_str(&md_row(&r));
    }
    s.push_str("\n## Measured in\n\n");
    for line in sources(c) {
        s.push_str(&format!("- {}\n", md(&line)));
    }
    s
}
