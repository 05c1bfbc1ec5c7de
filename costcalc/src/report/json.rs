//! The stable JSON forms. Money is a decimal string: `cost_usd`/`total_usd` rounded half-up to
//! cents, `*_exact` unrounded; quantities and unit prices are exact decimal strings.

use serde_json::{Value, json};

use super::commitments::Comparison;
use super::{Bill, Report, per_million};
use crate::deployment::Kind;
use crate::deployment::purchase::{Committed, Spend};
use crate::money;
use crate::pricing::LineItem;

pub fn line_item(i: &LineItem) -> Value {
    json!({
        "service": i.service,
        "name": i.name,
        "quantity": money::exact(i.quantity),
        "unit": i.unit,
        "unit_price_usd": money::exact(i.unit_price_usd),
        "cost_usd": money::usd_plain(i.cost_usd),
        "cost_usd_exact": money::exact(i.cost_usd),
    })
}

pub fn bill(b: &Bill) -> String {
    let v = json!({
        "region": b.prices.region,
        "prices_as_of": b.prices.as_of,
        "prices_origin": b.prices.origin,
        "title": b.title,
        "line_items": b.line_items.iter().map(line_item).collect::<Vec<_>>(),
        "total_usd": money::usd_plain(b.total_usd),
        "total_usd_exact": money::exact(b.total_usd),
        "purchase": b.prices.purchase,
        "committed": b.committed.as_ref().map(committed),
    });
    serde_json::to_string_pretty(&v).expect("JSON values always serialize") + "\n"
}

pub fn report_value(r: &Report) -> Value {
    let w = &r.workload;
    let o = &r.options;
    json!({
        "region": r.prices.region,
        "prices_as_of": r.prices.as_of,
        "prices_origin": r.prices.origin,
        "workload": {
            "source": w.source,
            "requests_per_month": money::exact(w.requests_per_month),
            "duration_ms": money::exact(w.duration_ms),
            "request_bytes": money::exact(w.request_bytes),
            "response_bytes": money::exact(w.response_bytes),
            "average_rps": money::exact(w.average_rps(o.hours).round_dp(9)),
            "peak_rps": money::exact(w.peak(o.hours).round_dp(9)),
            "throughput_rps_per_vcpu": money::exact(w.throughput_rps_per_vcpu),
            "log_bytes_per_request": money::exact(w.log_bytes_per_request),
            "hours_per_month": money::exact(o.hours),
            "free_tier": o.free_tier,
            "compression": w.compression.map(money::exact),
        },
        "inputs": r.inputs.iter().map(|i| json!({
            "figure": i.figure.label(),
            "value": i.value,
            "origin": i.origin,
            "decides": i.decides.map(Kind::as_str),
        })).collect::<Vec<_>>(),
        "deployments": r.deployments.iter().zip(r.marginal_per_million).map(|(d, m)| json!({
            "name": d.name.as_str(),
            "summary": d.summary,
            "line_items": d.line_items.iter().map(line_item).collect::<Vec<_>>(),
            "total_usd": money::usd_plain(d.total_usd),
            "total_usd_exact": money::exact(d.total_usd),
            "incomplete": d.incomplete,
            "cost_per_million_requests_usd": per_million(d.total_usd, w.requests_per_month).map(money::usd_plain),
            "next_million_requests_usd": money::usd_plain(m),
            "notes": d.notes,
            "on_demand_usd": d.committed.as_ref().map(|c| money::usd_plain(c.on_demand_usd)),
            "committed": d.committed.as_ref().map(committed),
            "breakeven_utilisation": d.committed.as_ref().and_then(|c| c.breakeven_utilisation()).map(money::exact),
        })).collect::<Vec<_>>(),
        "purchase": r.prices.purchase,
        "comparison": r.comparison.as_ref().map(comparison),
        "databases": r.databases.as_ref().map(super::databases::json),
        "cheapest": r.cheapest.as_str(),
        "warnings": r.warnings,
        "lambda_sweep": r.lambda_sweep,
        "assumptions": r.assumptions,
    })
}

/// A deployment's on-demand total and its commitments, every figure exact.
fn committed(c: &Committed) -> Value {
    let spend = |s: &Spend| {
        json!({
            "per_hour": money::exact(s.per_hour),
            "upfront_usd": money::exact(s.payments.upfront_usd),
            "recurring_per_hour": money::exact(s.payments.recurring_per_hour),
            "month_usd": money::exact(s.month_usd),
            "on_demand_usd": money::exact(s.on_demand_usd),
            "breakeven_utilisation": s.breakeven_utilisation().map(money::exact),
        })
    };
    json!({
        "on_demand_usd": money::exact(c.on_demand_usd),
        "savings_plan": c.savings_plan.as_ref().map(spend),
        "rds_reserved": c.rds_reserved.as_ref().map(spend),
    })
}

fn comparison(c: &Comparison) -> Value {
    json!({
        "choices": c.choices.iter().map(|ch| json!({
            "label": ch.label,
            "totals": ch.totals.iter().map(|t| money::exact(*t)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "cheapest": c.cheapest.as_str(),
        "cheapest_choice": c.cheapest_choice,
        "cheapest_usd": money::exact(c.cheapest_usd),
    })
}

pub fn report(r: &Report) -> String {
    serde_json::to_string_pretty(&report_value(r)).expect("JSON values always serialize") + "\n"
}
