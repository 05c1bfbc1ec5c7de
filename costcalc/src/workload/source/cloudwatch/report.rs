//! The read-report printed before the cost tables: what was read, datapoints, gaps, and how
//! each workload figure was derived.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::Measurement;
use crate::calendar::iso;
use crate::money;

/// The read-report printed before the cost tables.
pub fn report(m: &Measurement) -> String {
    let w = &m.window;
    let read = if m.requests == 0 {
        format!("{} document(s)", m.pages)
    } else {
        format!("{} GetMetricData request(s)", m.requests)
    };
    let mut s = format!(
        "CloudWatch {}: {} to {} ({} days), period {} s, {read}\n",
        m.source,
        iso(w.start),
        iso(w.end),
        money::quantity(Decimal::from(w.end - w.start) / dec!(86400), 2),
        w.period,
    );
    let mut set = "";
    for r in &m.readings {
        if r.set != set {
            s.push_str(&format!("  {}\n", r.set));
            set = &r.set;
        }
        let name = format!("{} ({})", r.metric, r.stat);
        if r.datapoints == 0 {
            s.push_str(&format!("    {name:<34} missing: no datapoints\n"));
            continue;
        }
        let gaps = if r.missing_periods == 0 {
            "no gaps".to_string()
        } else {
            format!(
                "{} periods without data, longest gap {}",
                r.missing_periods,
                duration(r.longest_gap_seconds)
            )
        };
        let figure = match r.stat {
            "Sum" => format!("total {}", money::quantity(r.sum, 0)),
            "Maximum" => format!("max {}", money::quantity(r.max, 2)),
            _ => format!(
                "mean {}",
                money::quantity(r.sum / Decimal::from(r.datapoints as u64), 2)
            ),
        };
        let partial = if r.status.is_empty() || r.status == "Complete" {
            String::new()
        } else {
            format!(" [{}]", r.status)
        };
        s.push_str(&format!(
            "    {name:<34} {} of {} datapoints, {gaps}; {figure}{partial}\n",
            r.datapoints, r.expected
        ));
    }
    for msg in &m.messages {
        s.push_str(&format!("  CloudWatch says: {msg}\n"));
    }
    for d in &m.derivations {
        s.push_str(&format!("  {d}\n"));
    }
    if let Some(k) = m.measured {
        s.push_str(&format!(
            "  Measured deployment: {}; the others price the same workload.\n",
            k.title()
        ));
    }
    s
}

fn duration(secs: i64) -> String {
    match secs {
        s if s >= 86400 => format!("{}d {}h", s / 86400, (s % 86400) / 3600),
        s if s >= 3600 => format!("{}h {}m", s / 3600, (s % 3600) / 60),
        s => format!("{}m", s / 60),
    }
}
