//! The sweep as a table of what was measured: each size's cold start, INIT, Max Memory Used, and each route's
//! p50/p99 and mean billed duration (pure). What a size costs, and which size to pick, is
//! costcalc's (`costcalc report --lambda-tune tune.json --lambda-memory-mb auto`).

use crate::tune::event::ROUTES;
use crate::tune::measure::Spread;
use crate::tune::schema::SizeReport;

fn pair(p50: f64, p99: f64) -> String {
    format!("{p50:.1}/{p99:.1}")
}

fn spread(s: Option<Spread>) -> String {
    s.map_or("-".into(), |c| pair(c.p50, c.p99))
}

/// The table, one line per size.
pub fn render(sizes: &[SizeReport]) -> String {
    let mut head = vec![
        "MB".to_string(),
        "cold p50/p99".into(),
        "INIT p50/p99".into(),
        "max MiB".into(),
    ];
    for r in ROUTES {
        head.push(format!("{} p50/p99", r.name()));
        head.push(format!("{} billed", r.name()));
    }
    let mut rows = vec![head];
    for s in sizes {
        let mut row = vec![s.memory_mb.to_string()];
        if !s.usable || s.routes.len() != ROUTES.len() {
            row.push(format!(
                "unusable: {}",
                s.reason.as_deref().unwrap_or("no measured routes")
            ));
            rows.push(row);
            continue;
        }
        row.push(spread(s.cold_start_ms));
        row.push(spread(s.init_ms));
        row.push(s.max_memory_used_mb.map_or("-".into(), |m| m.to_string()));
        for r in &s.routes {
            row.push(pair(r.duration_ms.p50, r.duration_ms.p99));
            row.push(format!("{:.2}", r.billed_ms_mean));
        }
        rows.push(row);
    }
    align(&rows)
}

/// Columns padded to their widest cell; an unusable size's row (its reason) is not padded.
fn align(rows: &[Vec<String>]) -> String {
    let full = rows.first().map_or(0, Vec::len);
    let width: Vec<usize> = (0..full)
        .map(|c| {
            rows.iter()
                .filter(|r| r.len() == full || c == 0)
                .filter_map(|r| r.get(c))
                .map(|x| x.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, x)| match width.get(i) {
                Some(w) if r.len() == full || i == 0 => format!("{x:>w$}"),
                _ => x.clone(),
            })
            .collect();
        out.push_str(&cells.join("  "));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Latency;
    use crate::tune::schema::RouteReport;

    fn size(mb: u32, billed: f64, p99: f64) -> SizeReport {
        SizeReport {
            memory_mb: mb,
            usable: true,
            reason: None,
            cpus: 0.0,
            cold_start_ms: None,
            init_ms: Some(Spread {
                p50: 3.0,
                p99: 4.0,
                mean: 3.5,
            }),
            max_memory_used_mb: Some(37),
            routes: ROUTES
                .iter()
                .map(|r| RouteReport {
                    method: r.method(),
                    route: r.path(),
                    count: 5,
                    duration_ms: Latency {
                        p99,
                        ..Latency::default()
                    },
                    billed_ms_mean: billed,
                })
                .collect(),
        }
    }

    #[test]
    fn the_table_shows_what_was_measured_per_size() {
        let mut gone = size(64, 1.0, 1.0);
        gone.usable = false;
        gone.reason = Some("oom".into());
        let t = render(&[gone, size(512, 20.0, 100.0)]);
        assert!(t.contains("unusable: oom"), "{t}");
        let row = t.lines().nth(2).unwrap();
        // No cold start measured, INIT 3/4 ms, every route 0.0/100.0 and 20.00 billed ms.
        assert!(row.contains(" - ") && row.contains("3.0/4.0"), "{t}");
        assert!(t.contains("max MiB") && row.contains(" 37 "), "{t}");
        assert_eq!(row.matches("0.0/100.0").count(), ROUTES.len(), "{t}");
        assert_eq!(row.matches("20.00").count(), ROUTES.len(), "{t}");
        assert!(!t.contains('$'), "no cost column: {t}");
    }
}
