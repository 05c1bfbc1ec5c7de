//! Markdown: the same tables as the terminal form, for a README or an issue.

use super::{Report, commitments, per_million, title};
use crate::money;

fn cell(s: &str) -> String {
    super::text::md(s).replace('|', "\\|")
}

pub fn report(r: &Report) -> String {
    let mut s = format!(
        "# Monthly cost of {} at {} requests/month\n\n{}\n\n",
        super::text::md(&r.subject.phrase()),
        money::quantity(r.workload.requests_per_month, 4),
        r.prices.line()
    );
    for w in &r.warnings {
        s.push_str(&format!("> **Warning:** {}\n\n", super::text::md(w)));
    }
    s.push_str(
        "| Deployment | What runs | Monthly (USD) | Per 1M requests (USD) | Next 1M requests (USD) |\n|---|---|--:|--:|--:|\n",
    );
    for (d, m) in r.deployments.iter().zip(r.marginal_per_million) {
        let mark = if d.name == r.cheapest {
            " (cheapest)"
        } else {
            ""
        };
        s.push_str(&format!(
            "| {}{mark} | {} | {} | {} | {} |\n",
            title(d.name),
            cell(&d.summary),
            money::usd(d.total_usd),
            per_million(d.total_usd, r.workload.requests_per_month).map_or("-".into(), money::usd),
            money::usd(m)
        ));
    }
    for d in &r.deployments {
        s.push_str(&format!("\n## {}: {}\n\n", title(d.name), cell(&d.summary)));
        s.push_str("| Service | Line item | Quantity | Unit | Unit price (USD) | Monthly (USD) |\n|---|---|--:|---|--:|--:|\n");
        for i in &d.line_items {
            s.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                cell(&i.service),
                cell(&i.name),
                money::quantity(i.quantity, 4),
                cell(&i.unit),
                money::exact(i.unit_price_usd),
                money::usd(i.cost_usd)
            ));
        }
        s.push_str(&format!(
            "| **Total** | | | | | **{}** |\n",
            money::usd(d.total_usd)
        ));
    }
    purchase(&mut s, r);
    sweep(&mut s, r);
    s.push_str(
        "\n## Inputs\n\n| Figure | Value | Source | Decides the outcome |\n|---|--:|---|---|\n",
    );
    for i in &r.inputs {
        s.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            i.figure.label(),
            cell(&i.value),
            cell(&i.origin.describe()),
            super::decides_text(i)
        ));
    }
    s.push_str("\n## Assumptions\n\n");
    for a in &r.assumptions {
        s.push_str(&format!("- {}\n", super::text::md(a)));
    }
    s
}

/// On-demand beside the purchase options, and the commitments compared, when asked for.
fn purchase(s: &mut String, r: &Report) {
    let rows = commitments::rows(r);
    if !rows.is_empty() {
        s.push_str(&format!(
            "\n## On-demand and with the purchase options\n\n{}\n\n| {} |\n|---|--:|--:|--:|--:|--:|--:|--:|\n",
            cell(&r.prices.purchase.join("; ")),
            commitments::HEADER.join(" | ")
        ));
        for row in rows {
            s.push_str(&format!("| {} |\n", row.map(|c| cell(&c)).join(" | ")));
        }
        s.push_str(&format!("\n{}\n", commitments::EXPLAINED));
    }
    if let Some(c) = &r.comparison {
        s.push_str("\n## Commitments compared\n\n| Savings Plan (USD/month) | EC2 | ECS Fargate | Lambda |\n|---|--:|--:|--:|\n");
        for row in commitments::comparison_rows(c) {
            s.push_str(&format!("| {} |\n", row.join(" | ")));
        }
        s.push_str(&format!("\n{}\n", commitments::comparison_verdict(c)));
    }
    if let Some(c) = &r.databases {
        s.push_str(&format!(
            "\n## Databases compared\n\n| {} |\n|---|---|---|--:|---|\n",
            super::databases::HEADER.join(" | ")
        ));
        for row in super::databases::rows(c) {
            s.push_str(&format!("| {} |\n", row.map(|c| cell(&c)).join(" | ")));
        }
        s.push('\n');
        for why in super::databases::whys(c) {
            s.push_str(&format!("- {}\n", super::text::md(&why)));
        }
        s.push_str(&format!("\n{}\n", super::databases::verdict(c)));
    }
}

/// The Lambda memory sweep, when the report has one.
fn sweep(s: &mut String, r: &Report) {
    if r.lambda_sweep.is_empty() {
        return;
    }
    s.push_str(&format!("\n## Lambda memory sweep\n\n| Memory (MB) | Cold start p50/p99 (ms) | p99, worst route (ms) | Billed per request (ms) | Per 1M arm64 | Per 1M x86_64 | Function a month, {} | |\n|--:|--:|--:|--:|--:|--:|--:|---|\n", r.options.lambda_arch));
    for row in &r.lambda_sweep {
        let z = &row.size;
        if !z.usable {
            s.push_str(&format!(
                "| {} | unusable: {} | | | | | | |\n",
                z.memory_mb,
                cell(z.reason.as_deref().unwrap_or("no measurement"))
            ));
            continue;
        }
        s.push_str(&format!(
            "| {} | {} / {} | {} | {} | {} | {} | {} | {} |\n",
            z.memory_mb,
            z.init_p50_ms,
            z.init_p99_ms,
            money::quantity(z.p99_ms, 2),
            money::quantity(z.billed_ms, 3),
            money::usd(row.cost_per_million_arm64_usd),
            money::usd(row.cost_per_million_x86_64_usd),
            money::usd(row.cost_per_month_usd),
            cell(&row.note)
        ));
    }
}
