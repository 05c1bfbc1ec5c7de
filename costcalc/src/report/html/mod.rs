//! `report --format html`: one self-contained page (inline CSS and SVG, no script, no font or
//! image fetched from anywhere), readable at phone width, in print, light and dark. The answer
//! comes first; each section appears when its input is there (the run's charts with a loadgen
//! summary, the break-even chart when the analysis ran).

pub(crate) mod charts;

use rust_decimal::Decimal;

use super::{Report, commitments, decides_text, per_million, title};
use crate::breakeven::Analysis;
use crate::deployment::{Deployment, Kind};
use crate::money;
use crate::workload::source::loadgen::view::View;

pub(crate) const STYLE: &str = include_str!("style.css");

/// What the page shows beside the report.
pub struct Extras<'a> {
    /// The cheapest deployment by traffic, and the break-even chart (inline SVG).
    pub breakeven: Option<(&'a Analysis, String)>,
    /// Why the break-even analysis did not run, when it did not.
    pub breakeven_missing: Option<String>,
    /// What the loadgen run looked like.
    pub run: Option<&'a View>,
}

/// Escape text for HTML and SVG.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub fn page(r: &Report, x: &Extras) -> String {
    let requests = money::quantity(r.workload.requests_per_month, 0);
    let subject = esc(&r.subject.phrase());
    let mut s = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Monthly cost of {subject} at {requests} requests/month</title>\n\
         <style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1>Monthly cost of {subject} at {requests} requests a month</h1>\n\
         <p class=\"meta\">{}</p>\n",
        esc(&r.prices.line())
    );
    answer(&mut s, r, x);
    if !r.warnings.is_empty() {
        s.push_str("<section id=\"warnings\">\n<h2>Warnings</h2>\n");
        for w in &r.warnings {
            s.push_str(&format!("<p class=\"warning\">{}</p>\n", esc(w)));
        }
        s.push_str("</section>\n");
    }
    breakdowns(&mut s, r);
    purchase(&mut s, r);
    breakeven(&mut s, x);
    if let Some(v) = x.run {
        run(&mut s, v);
    }
    if !r.lambda_sweep.is_empty() {
        sweep(&mut s, r);
    }
    inputs(&mut s, r);
    s.push_str("<section id=\"assumptions\">\n<h2>Assumptions</h2>\n<ul>\n");
    for a in &r.assumptions {
        s.push_str(&format!("<li>{}</li>\n", esc(a)));
    }
    s.push_str(&format!(
        "</ul>\n</section>\n<footer class=\"note\"><p>costcalc {}: money is exact and rounded half-up to cents for display; \
         1 KB = 1,024 B, 1 GB = 2^30 B. Workload: {}.</p></footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&r.workload.source)
    ));
    s
}

/// The answer first: the cheapest deployment and by how much, then where each is cheapest.
fn answer(s: &mut String, r: &Report, x: &Extras) {
    // A total on a database too small for the workload is never the answer.
    let mut sorted: Vec<&Deployment> = r.deployments.iter().filter(|d| !d.incomplete).collect();
    sorted.sort_by_key(|d| d.total_usd);
    s.push_str("<section id=\"answer\">\n<h2>The answer</h2>\n");
    if sorted.len() < r.deployments.len() {
        s.push_str(&format!(
            "<p class=\"answer\">{}</p>\n",
            match sorted.first() {
                Some(best) => format!(
                    "<strong>{}</strong> is the cheapest complete total: <strong>{}</strong> a \
                     month; the others are incomplete (their database is too small).",
                    title(best.name),
                    money::usd(best.total_usd)
                ),
                None =>
                    "No total is complete: every database is too small for the workload.".into(),
            }
        ));
    }
    if let [best, second, third] = sorted[..] {
        s.push_str(&format!(
            "<p class=\"answer\"><strong>{}</strong> is the cheapest: <strong>{}</strong> a month, \
             {} less than {} ({}) and {} less than {} ({}).</p>\n",
            title(best.name),
            money::usd(best.total_usd),
            money::usd(second.total_usd - best.total_usd),
            title(second.name),
            money::usd(second.total_usd),
            money::usd(third.total_usd - best.total_usd),
            title(third.name),
            money::usd(third.total_usd)
        ));
    }
    s.push_str("<div class=\"cards\">\n");
    for d in &r.deployments {
        s.push_str(&format!(
            "<div class=\"card\"><div>{}</div><div class=\"big\">{}</div><div class=\"note\">{}</div></div>\n",
            title(d.name),
            money::usd(d.total_usd),
            esc(&d.summary)
        ));
    }
    s.push_str("</div>\n");
    if let Some((a, _)) = &x.breakeven {
        s.push_str(
            "<h3>Where each deployment is the cheapest</h3>\n<div class=\"scroll\"><table>\n\
             <tr><th class=\"num\">From (requests/month)</th><th class=\"num\">To</th><th>Cheapest</th></tr>\n",
        );
        for span in &a.cheapest {
            s.push_str(&format!(
                "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
                money::quantity(span.from_requests_per_month, 0),
                money::quantity(span.to_requests_per_month, 0),
                title(span.cheapest)
            ));
        }
        s.push_str("</table></div>\n");
    }
    s.push_str("</section>\n");
}

fn breakdowns(s: &mut String, r: &Report) {
    s.push_str("<section id=\"breakdown\">\n<h2>Cost breakdown</h2>\n<div class=\"scroll\"><table>\n\
        <tr><th>Deployment</th><th>What runs</th><th class=\"num\">Monthly</th><th class=\"num\">Per 1M requests</th><th class=\"num\">Next 1M requests</th></tr>\n");
    for (d, m) in r.deployments.iter().zip(r.marginal_per_million) {
        s.push_str(&format!(
            "<tr{}><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            if d.name == r.cheapest { " class=\"cheapest\"" } else { "" },
            title(d.name),
            esc(&d.summary),
            money::usd(d.total_usd),
            per_million(d.total_usd, r.workload.requests_per_month).map_or("-".into(), money::usd),
            money::usd(m)
        ));
    }
    s.push_str("</table></div>\n");
    for d in &r.deployments {
        s.push_str(&format!(
            "<h3 id=\"{}\">{}: {}</h3>\n<div class=\"scroll\"><table>\n\
             <tr><th>Service</th><th>Line item</th><th class=\"num\">Quantity</th><th>Unit</th><th class=\"num\">Unit price</th><th class=\"num\">Monthly</th></tr>\n",
            d.name.as_str(),
            title(d.name),
            esc(&d.summary)
        ));
        for i in &d.line_items {
            s.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">${}</td><td class=\"num\">{}</td></tr>\n",
                esc(&i.service),
                esc(&i.name),
                money::quantity(i.quantity, 4),
                esc(&i.unit),
                money::exact(i.unit_price_usd),
                money::usd(i.cost_usd)
            ));
        }
        s.push_str(&format!(
            "<tr class=\"total\"><td>Total</td><td></td><td></td><td></td><td></td><td class=\"num\">{}</td></tr>\n</table></div>\n",
            money::usd(d.total_usd)
        ));
        for n in &d.notes {
            s.push_str(&format!("<p class=\"note\">{}</p>\n", esc(n)));
        }
    }
    s.push_str("</section>\n");
}

/// On-demand beside the purchase options, and the commitments compared, when asked for.
fn purchase(s: &mut String, r: &Report) {
    let rows = commitments::rows(r);
    let table = |s: &mut String, header: Vec<String>, rows: Vec<Vec<String>>| {
        s.push_str("<div class=\"scroll\"><table>\n<tr>");
        for (i, h) in header.iter().enumerate() {
            let class = if i == 0 { "" } else { " class=\"num\"" };
            s.push_str(&format!("<th{class}>{}</th>", esc(h)));
        }
        s.push_str("</tr>\n");
        for row in rows {
            s.push_str("<tr>");
            for (i, c) in row.iter().enumerate() {
                let class = if i == 0 { "" } else { " class=\"num\"" };
                s.push_str(&format!("<td{class}>{}</td>", esc(c)));
            }
            s.push_str("</tr>\n");
        }
        s.push_str("</table></div>\n");
    };
    if !rows.is_empty() {
        s.push_str(&format!(
            "<section id=\"purchase\">\n<h2>On-demand and with the purchase options</h2>\n<p class=\"note\">{}</p>\n",
            esc(&r.prices.purchase.join("; "))
        ));
        let header = commitments::HEADER.iter().map(|h| h.to_string()).collect();
        table(s, header, rows.into_iter().map(Vec::from).collect());
        s.push_str(&format!(
            "<p class=\"note\">{}</p>\n</section>\n",
            esc(commitments::EXPLAINED)
        ));
    }
    if let Some(c) = &r.comparison {
        s.push_str("<section id=\"commitments\">\n<h2>Commitments compared</h2>\n");
        let mut header = vec!["Savings Plan (USD/month)".to_string()];
        header.extend(Kind::ALL.iter().map(|k| title(*k).to_string()));
        let rows = commitments::comparison_rows(c)
            .into_iter()
            .map(Vec::from)
            .collect();
        table(s, header, rows);
        s.push_str(&format!(
            "<p>{}</p>\n</section>\n",
            esc(&commitments::comparison_verdict(c))
        ));
    }
    if let Some(c) = &r.databases {
        s.push_str("<section id=\"databases\">\n<h2>Databases compared</h2>\n");
        let header = super::databases::HEADER
            .iter()
            .map(|h| h.to_string())
            .collect();
        let rows = super::databases::rows(c)
            .into_iter()
            .map(Vec::from)
            .collect();
        table(s, header, rows);
        s.push_str("<ul>\n");
        for why in super::databases::whys(c) {
            s.push_str(&format!("<li>{}</li>\n", esc(&why)));
        }
        s.push_str(&format!(
            "</ul>\n<p>{}</p>\n</section>\n",
            esc(&super::databases::verdict(c))
        ));
    }
}

fn breakeven(s: &mut String, x: &Extras) {
    s.push_str("<section id=\"breakeven\">\n<h2>Cost against traffic</h2>\n");
    match (&x.breakeven, &x.breakeven_missing) {
        (Some((a, svg)), _) => {
            s.push_str(&format!(
                "<figure>{svg}<figcaption>Monthly cost of each deployment against monthly requests (log axes). \
                 Steps are instances or tasks added; circled and numbered: where the cheapest changes; grey dots: \
                 two dearer options swap ({} crossings in all, exact to the request). The dashed line is this workload.</figcaption></figure>\n",
                a.crossings.len()
            ));
        }
        (None, Some(why)) => s.push_str(&format!("<p class=\"note\">{}</p>\n", esc(why))),
        (None, None) => {}
    }
    s.push_str("</section>\n");
}

fn run(s: &mut String, v: &View) {
    s.push_str("<section id=\"run\">\n<h2>The measured run</h2>\n");
    if !v.endpoints.is_empty() {
        s.push_str(&format!(
            "<figure id=\"latency\">{}<figcaption>p50, p90 and p99 latency of each endpoint as the load generator saw it.</figcaption></figure>\n",
            charts::latency_bars(&v.endpoints)
        ));
        s.push_str("<div class=\"scroll\"><table>\n<tr><th>Endpoint</th><th class=\"num\">Requests</th><th class=\"num\">p50 (ms)</th><th class=\"num\">p90 (ms)</th><th class=\"num\">p99 (ms)</th></tr>\n");
        for e in &v.endpoints {
            s.push_str(&format!(
                "<tr><td>{} {}</td><td class=\"num\">{}</td><td class=\"num\">{:.2}</td><td class=\"num\">{:.2}</td><td class=\"num\">{:.2}</td></tr>\n",
                esc(&e.method),
                esc(&e.route),
                money::quantity(Decimal::from(e.count), 0),
                e.latency_ms.p50,
                e.latency_ms.p90,
                e.latency_ms.p99
            ));
        }
        s.push_str("</table></div>\n");
    }
    if !v.windows.is_empty() {
        s.push_str(&format!(
            "<figure id=\"latency-over-time\">{}<figcaption>Latency of each tenth of the run: a climb at a steady rate is queueing.</figcaption></figure>\n",
            charts::latency_over_time(&v.windows, v.compression)
        ));
    }
    if !v.timeline.is_empty() {
        s.push_str(&format!(
            "<figure id=\"traffic\">{}<figcaption>Requests sent each wall second, placed at their real time (compression {}x); \
             {} idle gap(s) shaded, where a Lambda environment would go cold.</figcaption></figure>\n",
            charts::traffic(&v.timeline, &v.idle_gaps, v.compression),
            v.compression,
            v.idle_gaps.len()
        ));
    }
    s.push_str("</section>\n");
}

fn sweep(s: &mut String, r: &Report) {
    s.push_str(&format!(
        "<section id=\"lambda-sweep\">\n<h2>Lambda memory sweep</h2>\n<figure>{}<figcaption>Measured on this machine's processor \
         at each size's CPU share (1,769 MB = one vCPU), not on AWS's: both architectures' prices apply to the one measured time.</figcaption></figure>\n\
         <div class=\"scroll\"><table>\n<tr><th class=\"num\">Memory (MB)</th><th class=\"num\">Cold start p50 / p99 (ms)</th>\
         <th class=\"num\">p99, worst route (ms)</th><th class=\"num\">Billed per request (ms)</th><th class=\"num\">Per 1M arm64</th>\
         <th class=\"num\">Per 1M x86_64</th><th class=\"num\">Function a month, {}</th><th></th></tr>\n",
        charts::sweep(&r.lambda_sweep),
        r.options.lambda_arch
    ));
    for row in &r.lambda_sweep {
        let z = &row.size;
        if !z.usable {
            s.push_str(&format!(
                "<tr><td class=\"num\">{}</td><td colspan=\"7\">unusable: {}</td></tr>\n",
                z.memory_mb,
                esc(z.reason.as_deref().unwrap_or("no measurement"))
            ));
            continue;
        }
        s.push_str(&format!(
            "<tr><td class=\"num\">{}</td><td class=\"num\">{} / {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
            z.memory_mb,
            z.init_p50_ms,
            z.init_p99_ms,
            money::quantity(z.p99_ms, 2),
            money::quantity(z.billed_ms, 3),
            money::usd(row.cost_per_million_arm64_usd),
            money::usd(row.cost_per_million_x86_64_usd),
            money::usd(row.cost_per_month_usd),
            esc(&row.note)
        ));
    }
    s.push_str("</table></div>\n</section>\n");
}

fn inputs(s: &mut String, r: &Report) {
    s.push_str("<section id=\"inputs\">\n<h2>Inputs and where they came from</h2>\n<div class=\"scroll\"><table>\n\
        <tr><th>Figure</th><th class=\"num\">Value</th><th>Source</th><th>Decides the outcome</th></tr>\n");
    for i in &r.inputs {
        s.push_str(&format!(
            "<tr><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>\n",
            i.figure.label(),
            esc(&i.value),
            esc(&i.origin.describe()),
            esc(&decides_text(i))
        ));
    }
    s.push_str("</table></div>\n</section>\n");
}
