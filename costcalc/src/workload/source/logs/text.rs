//! The read-report printed before the cost tables: what was read, the window and how it scales
//! to the month, the peak, the idle gaps, the bad lines (the first three quoted), and the
//! statuses and routes tables (share, bytes, latency p50/p99 per route as the log saw it).

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::aggregate::{RouteStats, Sum};
use super::measure::{IDLE_GAP_S, origin_name};
use super::read::{Logs, Quoted, percent};
use crate::calendar::iso;
use crate::money;

/// Widest route shown (longer ones end in "...").
const ROUTE_WIDTH: usize = 48;
/// Routes listed; the rest are summed in one row.
const ROUTES_SHOWN: usize = 30;

fn q(v: Decimal, dp: u32) -> String {
    money::quantity(v, dp)
}

fn per_line(s: &Sum) -> String {
    if s.lines == 0 {
        return "-".into();
    }
    q(Decimal::from(s.total as u64) / Decimal::from(s.lines), 0)
}

fn quoted(out: &mut String, what: &str, n: u64, lines: u64, list: &[Quoted]) {
    if n == 0 {
        return;
    }
    out.push_str(&format!(
        "  {what}: {n} of {lines} lines ({}%){}\n",
        percent(n, lines),
        if list.is_empty() { "" } else { ", the first:" }
    ));
    for l in list {
        out.push_str(&format!("    {}:{}: {:?}\n", l.file, l.line, l.text));
    }
}

/// The read-report for `logs` over a month of `hours`.
pub fn report(logs: &Logs, hours: Decimal) -> String {
    let a = &logs.aggregate;
    let window = a.window_s();
    let month_s = hours * dec!(3600);
    let mut s = format!(
        "Access logs ({}): {} file(s), {}, {} lines read ({} MiB)\n",
        origin_name(logs),
        logs.files,
        logs.format_names(),
        logs.lines,
        q(Decimal::from(logs.bytes) / dec!(1048576), 1)
    );
    if logs.elb_test_files > 0 {
        let n = logs.elb_test_files;
        s.push_str(&format!(
            "  Skipped: {n} ELB test file{} (ELBAccessLogTestFile, written by the ALB when logging is enabled)\n",
            if n == 1 { "" } else { "s" }
        ));
    }
    s.push_str(&format!(
        "  Window: {} to {}, {} s ({} days), scaled to a {}-hour month: x {}\n",
        iso(a.first_s.unwrap_or(0)),
        iso(a.last_s.unwrap_or(0)),
        window,
        q(Decimal::from(window) / dec!(86400), 2),
        hours.normalize(),
        q(month_s / Decimal::from(window), 6)
    ));
    let per_month = Decimal::from(a.requests) * month_s / Decimal::from(window);
    let average = Decimal::from(a.requests) / Decimal::from(window);
    let (peak_at, peak) = a.peak().unwrap_or((0, 0));
    s.push_str(&format!(
        "  Requests: {} in the window, {} a month; average {} req/s, busiest second {} requests at {} ({} x the average)\n",
        a.requests,
        q(per_month, 0),
        q(average, 6),
        peak,
        iso(peak_at),
        q(Decimal::from(peak) / average, 2)
    ));
    let gaps = a.gaps(IDLE_GAP_S);
    let idle: i64 = gaps.iter().sum();
    s.push_str(&format!(
        "  Idle gaps ({IDLE_GAP_S} s or more without a request): {}, {} s in all ({}% of the window), the longest {} s\n",
        gaps.len(),
        idle,
        percent(idle as u64, window as u64),
        gaps.iter().max().copied().unwrap_or(0)
    ));
    quoted(
        &mut s,
        "Unreadable lines",
        logs.bad,
        logs.lines,
        &logs.bad_quoted,
    );
    quoted(
        &mut s,
        "Truncated final lines (a file cut while written; not counted as unreadable)",
        logs.truncated,
        logs.lines,
        &logs.truncated_quoted,
    );
    s.push_str(&statuses(logs));
    s.push_str(&routes(logs));
    s
}

fn statuses(logs: &Logs) -> String {
    let a = &logs.aggregate;
    let mut s = String::from("  Status  Requests        Share\n");
    for (code, n) in &a.statuses {
        let code = if *code == 0 {
            "-".to_string()
        } else {
            code.to_string()
        };
        s.push_str(&format!(
            "  {code:<6}  {n:>14}  {:>6}%\n",
            percent(*n, a.requests)
        ));
    }
    s
}

fn ms(h: &super::histogram::Histogram, per_mille: u64) -> String {
    h.quantile(per_mille).map_or("-".into(), |v| v.to_string())
}

fn row(name: &str, r: &RouteStats, total: u64) -> String {
    let name = if name.len() > ROUTE_WIDTH {
        let mut end = ROUTE_WIDTH - 3;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &name[..end])
    } else {
        name.to_string()
    };
    format!(
        "  {name:<w$}  {:>12}  {:>6}%  {:>10}  {:>10}  {:>7}  {:>7}\n",
        r.requests,
        percent(r.requests, total),
        per_line(&r.request_bytes),
        per_line(&r.response_bytes),
        ms(&r.latency, 500),
        ms(&r.latency, 990),
        w = ROUTE_WIDTH
    )
}

fn routes(logs: &Logs) -> String {
    let a = &logs.aggregate;
    let mut s = format!(
        "  {:<w$}  {:>12}  {:>7}  {:>10}  {:>10}  {:>7}  {:>7}\n",
        "Route",
        "Requests",
        "Share",
        "B in/req",
        "B out/req",
        "p50 ms",
        "p99 ms",
        w = ROUTE_WIDTH
    );
    let all = a.routes();
    for (name, r) in all.iter().take(ROUTES_SHOWN) {
        s.push_str(&row(name, r, a.requests));
    }
    if all.len() > ROUTES_SHOWN {
        let rest: u64 = all[ROUTES_SHOWN..].iter().map(|(_, r)| r.requests).sum();
        s.push_str(&format!(
            "  ({} more routes: {} requests, {}%)\n",
            all.len() - ROUTES_SHOWN,
            rest,
            percent(rest, a.requests)
        ));
    }
    s.push_str(&row("all", &a.all, a.requests));
    s.push_str(
        "  Latency is as the log saw it (ALB target_processing_time, API Gateway integrationLatency, CloudFront time-taken), nearest rank.\n",
    );
    s
}
