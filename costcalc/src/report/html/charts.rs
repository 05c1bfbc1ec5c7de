//! The run's charts as self-contained SVG (hand-built, as the break-even chart: no dependency,
//! no script, deterministic output): latency per endpoint, latency along the run, and traffic per
//! second with the idle gaps.

use crate::report::svg::{Canvas, WIDTH as W};
use crate::workload::source::loadgen::view::{Endpoint, IdleGap, Second, Window};

use super::esc;

/// The margins of every run chart; each chart sets its height.
const MARGINS: Canvas = Canvas {
    height: 0.0,
    left: 70.0,
    right: 20.0,
    top: 44.0,
    bottom: 56.0,
};
const LEFT: f64 = MARGINS.left;
const RIGHT: f64 = MARGINS.right;
const TOP: f64 = MARGINS.top;
const BOTTOM: f64 = MARGINS.bottom;
const P50: &str = "#4c78a8";
const P90: &str = "#f58518";
const P99: &str = "#e45756";

/// A run chart `h` high.
fn canvas(h: f64) -> Canvas {
    Canvas {
        height: h,
        ..MARGINS
    }
}

fn open(h: f64, title: &str) -> String {
    canvas(h).open(title)
}

/// A round step for an axis of `max`: 1, 2 or 5 x 10^k, about 5 ticks.
fn tick_step(max: f64) -> f64 {
    let raw = (max / 5.0).max(1e-9);
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * p)
}

fn fmt(v: f64) -> String {
    if v >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// Horizontal grid lines from `x0` to `x1` and their labels for a value axis from 0 to `max` over
/// `[top, top + ph]`; returns the axis's top value.
fn grid(s: &mut String, max: f64, x0: f64, x1: f64, top: f64, ph: f64) -> f64 {
    let step = tick_step(max);
    let top_value = (max / step).ceil().max(1.0) * step;
    let mut v = 0.0;
    while v <= top_value + step / 2.0 {
        let y = top + ph - v / top_value * ph;
        MARGINS.h_grid(s, y, x0, x1, &fmt(v));
        v += step;
    }
    top_value
}

/// The value axis of a full-width chart `h` high, with its unit.
fn y_axis(s: &mut String, max: f64, h: f64, unit: &str) -> f64 {
    let c = canvas(h);
    let top_value = grid(s, max, LEFT, W - RIGHT, TOP, c.plot_height());
    c.y_caption(s, unit);
    top_value
}

fn legend(s: &mut String, items: &[(&str, &str)], y: f64) {
    let mut x = LEFT;
    for (color, label) in items {
        s.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>\n",
            y - 10.0,
            x + 16.0,
            y,
            esc(label)
        ));
        x += 30.0 + label.len() as f64 * 7.0;
    }
}

/// p50, p90 and p99 latency per endpoint, as grouped horizontal bars.
pub fn latency_bars(endpoints: &[Endpoint]) -> String {
    let rows = endpoints.len().max(1) as f64;
    let band = 36.0;
    let ph = rows * band;
    let h = TOP + ph + BOTTOM;
    let label_w = 260.0;
    let x0 = LEFT + label_w - 60.0;
    let pw = W - RIGHT - x0;
    let max = endpoints
        .iter()
        .map(|e| e.latency_ms.p99.max(e.latency_ms.p90))
        .fold(0.0, f64::max)
        .max(0.001);
    let step = tick_step(max);
    let top_value = (max / step).ceil().max(1.0) * step;
    let mut s = open(h, "Latency per endpoint (client-observed, ms)");
    let c = canvas(h);
    let mut v = 0.0;
    while v <= top_value + step / 2.0 {
        c.v_grid(&mut s, x0 + v / top_value * pw, &fmt(v));
        v += step;
    }
    s.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">milliseconds</text>\n",
        x0 + pw / 2.0,
        TOP + ph + 34.0
    ));
    for (i, e) in endpoints.iter().enumerate() {
        let y = TOP + i as f64 * band;
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{} {}</text>\n",
            x0 - 8.0,
            y + band / 2.0 + 4.0,
            esc(&e.method),
            esc(&e.route)
        ));
        for (k, (v, color, name)) in [
            (e.latency_ms.p50, P50, "p50"),
            (e.latency_ms.p90, P90, "p90"),
            (e.latency_ms.p99, P99, "p99"),
        ]
        .into_iter()
        .enumerate()
        {
            let bw = (v / top_value * pw).max(0.5);
            s.push_str(&format!(
                "<rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"9\" fill=\"{color}\"><title>{} {} {name}: {} ms</title></rect>\n",
                y + 5.0 + k as f64 * 9.5,
                esc(&e.method),
                esc(&e.route),
                fmt(v)
            ));
        }
    }
    legend(
        &mut s,
        &[(P50, "p50"), (P90, "p90"), (P99, "p99")],
        h - 10.0,
    );
    s.push_str("</svg>\n");
    s
}

/// p50 and p99 latency of each stretch of the run (by real time of the schedule).
pub fn latency_over_time(windows: &[Window], compression: f64) -> String {
    let h = 320.0;
    let ph = h - TOP - BOTTOM;
    let pw = W - LEFT - RIGHT;
    let mut s = open(h, "Latency along the run (p50 and p99 of each tenth, ms)");
    let max = windows
        .iter()
        .map(|w| w.p99_ms)
        .fold(0.0, f64::max)
        .max(0.001);
    let top = y_axis(&mut s, max, h, "ms");
    let end = windows
        .last()
        .map_or(1.0, |w| (w.start_s + w.seconds) * compression)
        .max(1e-9);
    let x = |t: f64| LEFT + t / end * pw;
    let y = |v: f64| TOP + ph - v / top * ph;
    for (color, pick) in [(P50, 0), (P99, 1)] {
        let pts: Vec<String> = windows
            .iter()
            .map(|w| {
                let mid = (w.start_s + w.seconds / 2.0) * compression;
                let v = if pick == 0 { w.p50_ms } else { w.p99_ms };
                format!("{:.1},{:.1}", x(mid), y(v))
            })
            .collect();
        s.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>\n",
            pts.join(" ")
        ));
    }
    time_axis(&mut s, end, TOP + ph, pw);
    legend(&mut s, &[(P50, "p50"), (P99, "p99")], h - 8.0);
    s.push_str("</svg>\n");
    s
}

/// Tick labels for a time axis of `end` real seconds.
fn time_axis(s: &mut String, end: f64, base: f64, pw: f64) {
    let (unit, div) = if end >= 2.0 * 3600.0 {
        ("hours", 3600.0)
    } else if end >= 120.0 {
        ("minutes", 60.0)
    } else {
        ("seconds", 1.0)
    };
    let step = tick_step(end / div);
    let mut v = 0.0;
    while v * div <= end + 1e-9 {
        let x = LEFT + v * div / end * pw;
        s.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
            base + 16.0,
            fmt(v)
        ));
        v += step;
    }
    s.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{unit} of the schedule (real time)</text>\n",
        LEFT + pw / 2.0,
        base + 32.0
    ));
}

/// Requests per second along the run (real time), failures and dropped arrivals in red, idle
/// gaps shaded.
pub fn traffic(timeline: &[Second], gaps: &[IdleGap], compression: f64) -> String {
    let h = 320.0;
    let ph = h - TOP - BOTTOM;
    let pw = W - LEFT - RIGHT;
    let c = compression.max(1e-9);
    let mut s = open(
        h,
        "Traffic along the run (requests per wall second; idle gaps shaded)",
    );
    let max = timeline
        .iter()
        .map(|t| (t.sent + t.dropped) as f64)
        .fold(0.0, f64::max)
        .max(1.0);
    let top = y_axis(&mut s, max, h, "requests per second");
    let end = (timeline.last().map_or(1, |t| t.second + 1) as f64 * c).max(1e-9);
    let x = |t: f64| LEFT + t / end * pw;
    for g in gaps {
        let (a, b) = (x(g.start_s), x(g.start_s + g.real_seconds));
        s.push_str(&format!(
            "<rect x=\"{a:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{ph:.1}\" fill=\"#9aa0a6\" opacity=\"0.25\"><title>idle {} s</title></rect>\n",
            (b - a).max(1.0),
            fmt(g.real_seconds)
        ));
    }
    let bw = (pw / timeline.len().max(1) as f64).max(0.5);
    let mut ok = String::new();
    let mut bad = String::new();
    for t in timeline {
        let x0 = x(t.second as f64 * c);
        let good = t.sent.saturating_sub(t.errors) as f64;
        let hy = good / top * ph;
        ok.push_str(&format!(
            "M{x0:.1} {:.1}h{bw:.1}v{hy:.1}h-{bw:.1}z",
            TOP + ph - hy
        ));
        let worse = (t.errors + t.dropped) as f64;
        if worse > 0.0 {
            let hb = worse / top * ph;
            bad.push_str(&format!(
                "M{x0:.1} {:.1}h{bw:.1}v{hb:.1}h-{bw:.1}z",
                TOP + ph - hy - hb
            ));
        }
    }
    s.push_str(&format!("<path fill=\"{P50}\" d=\"{ok}\"/>\n"));
    if !bad.is_empty() {
        s.push_str(&format!("<path fill=\"{P99}\" d=\"{bad}\"/>\n"));
    }
    time_axis(&mut s, end, TOP + ph, pw);
    legend(
        &mut s,
        &[
            (P50, "answered"),
            (P99, "failed or dropped"),
            ("#9aa0a6", "idle gap"),
        ],
        h - 8.0,
    );
    s.push_str("</svg>\n");
    s
}

/// The Lambda memory sweep: cost per million requests (arm64) and worst p99 at each size, two
/// panels over the same sizes.
pub fn sweep(rows: &[crate::report::sweep::SweepRow]) -> String {
    use rust_decimal::prelude::ToPrimitive;
    let h = 300.0;
    let ph = h - TOP - BOTTOM;
    let gap = 60.0;
    let panel = (W - LEFT - RIGHT - gap) / 2.0;
    let usable: Vec<_> = rows.iter().filter(|r| r.size.usable).collect();
    let mut s = open(
        h,
        "Lambda memory sweep: cost per 1M requests (arm64) and p99 against memory",
    );
    let n = usable.len().max(1) as f64;
    for (k, (title, color)) in [("USD per 1M requests", P50), ("p99 ms (worst route)", P99)]
        .into_iter()
        .enumerate()
    {
        let x0 = LEFT + k as f64 * (panel + gap);
        let values: Vec<f64> = usable
            .iter()
            .map(|r| {
                let d = if k == 0 {
                    r.cost_per_million_arm64_usd
                } else {
                    r.size.p99_ms
                };
                d.to_f64().unwrap_or(0.0)
            })
            .collect();
        let max = values.iter().cloned().fold(0.0, f64::max).max(1e-6);
        let top = grid(&mut s, max, x0, x0 + panel, TOP, ph);
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{title}</text>\n",
            x0 + panel / 2.0,
            TOP - 6.0
        ));
        let bw = panel / n * 0.6;
        for (i, (r, val)) in usable.iter().zip(&values).enumerate() {
            let cx = x0 + (i as f64 + 0.5) * panel / n;
            let bh = val / top * ph;
            let fill = if r.picked { "#1b7f4b" } else { color };
            s.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{bh:.1}\" fill=\"{fill}\"><title>{} MB: {}</title></rect>\
                 <text x=\"{cx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
                cx - bw / 2.0,
                TOP + ph - bh,
                r.size.memory_mb,
                fmt(*val),
                TOP + ph + 16.0,
                r.size.memory_mb
            ));
        }
    }
    s.push_str(&format!(
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">memory (MB); green: the size priced</text>\n",
        W / 2.0,
        h - 12.0
    ));
    s.push_str("</svg>\n");
    s
}
