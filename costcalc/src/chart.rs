//! A self-contained SVG chart: monthly cost against monthly requests, both on log scales, one
//! line per deployment, crossings marked.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::breakeven::{Crossing, Point};
use crate::deployment::Kind;
use crate::money;
use crate::report::{PriceInfo, title};

const W: f64 = 960.0;
const H: f64 = 600.0;
const LEFT: f64 = 90.0;
const RIGHT: f64 = 230.0;
const TOP: f64 = 60.0;
const BOTTOM: f64 = 70.0;
const COLORS: [&str; 3] = ["#d95f02", "#1b9e77", "#7570b3"];

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn short(v: f64) -> String {
    let e = v.log10().round() as i32;
    match e {
        0..=2 => format!("{}", 10f64.powi(e)),
        3..=5 => format!("{}k", 10f64.powi(e - 3)),
        6..=8 => format!("{}M", 10f64.powi(e - 6)),
        _ => format!("{}B", 10f64.powi(e - 9)),
    }
}

pub fn svg(points: &[Point], crossings: &[Crossing], prices: &PriceInfo) -> String {
    let xs: Vec<f64> = points
        .iter()
        .map(|p| f(p.requests_per_month).max(1.0).log10())
        .collect();
    let (x0, x1) = (
        xs.first().copied().unwrap_or(3.0).floor(),
        xs.last().copied().unwrap_or(10.0).ceil(),
    );
    let all: Vec<f64> = points
        .iter()
        .flat_map(|p| p.totals.iter().map(|t| f(*t).max(0.01)))
        .collect();
    let y0 = all
        .iter()
        .cloned()
        .fold(f64::INFINITY, f64::min)
        .log10()
        .floor();
    let y1 = all
        .iter()
        .cloned()
        .fold(f64::NEG_INFINITY, f64::max)
        .log10()
        .ceil()
        .max(y0 + 1.0);
    let pw = W - LEFT - RIGHT;
    let ph = H - TOP - BOTTOM;
    let px = |lx: f64| LEFT + (lx - x0) / (x1 - x0) * pw;
    let py = |ly: f64| TOP + ph - (ly - y0) / (y1 - y0) * ph;

    let mut s = String::new();
    s.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"12\">\n"
    ));
    s.push_str(&format!(
        "<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>\n"
    ));
    s.push_str(&format!(
        "<text x=\"{LEFT}\" y=\"28\" font-size=\"16\" font-weight=\"bold\">Monthly cost of the journal API vs monthly requests</text>\n<text x=\"{LEFT}\" y=\"46\" fill=\"#555\">{}</text>\n",
        esc(&prices.line())
    ));
    // Grid and axis labels, one per decade.
    let mut e = x0;
    while e <= x1 + 1e-9 {
        let x = px(e);
        s.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/>\n",
            TOP + ph
        ));
        s.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
            TOP + ph + 18.0,
            short(10f64.powf(e))
        ));
        e += 1.0;
    }
    let mut e = y0;
    while e <= y1 + 1e-9 {
        let y = py(e);
        s.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/>\n",
            LEFT + pw
        ));
        let label = if e < 0.0 {
            format!("${}", 10f64.powf(e))
        } else {
            format!("${}", short(10f64.powf(e)))
        };
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            LEFT - 8.0,
            y + 4.0,
            label
        ));
        e += 1.0;
    }
    s.push_str(&format!(
        "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#333\"/>\n\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">requests per month (log scale)</text>\n\
         <text x=\"20\" y=\"{:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 20 {:.1})\">USD per month (log scale)</text>\n",
        LEFT + pw / 2.0, H - 20.0, TOP + ph / 2.0, TOP + ph / 2.0
    ));
    for (k, kind) in Kind::ALL.iter().enumerate() {
        let pts: Vec<String> = points
            .iter()
            .zip(&xs)
            .map(|(p, lx)| format!("{:.2},{:.2}", px(*lx), py(f(p.totals[k]).max(0.01).log10())))
            .collect();
        s.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n",
            COLORS[k],
            pts.join(" ")
        ));
        let ly = TOP + 20.0 + k as f64 * 22.0;
        let lx = LEFT + pw + 16.0;
        s.push_str(&format!(
            "<line x1=\"{lx}\" y1=\"{ly}\" x2=\"{:.1}\" y2=\"{ly}\" stroke=\"{}\" stroke-width=\"3\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>\n",
            lx + 24.0, COLORS[k], lx + 30.0, ly + 4.0, title(*kind)
        ));
    }
    for (n, c) in crossings.iter().enumerate() {
        let x = px(f(c.requests_per_month).log10());
        let y = py(f(c.cost_usd).max(0.01).log10());
        s.push_str(&format!(
            "<circle cx=\"{x:.2}\" cy=\"{y:.2}\" r=\"5\" fill=\"none\" stroke=\"black\" stroke-width=\"1.5\"><title>{} = {} at {} requests/month ({})</title></circle>\n<text x=\"{:.2}\" y=\"{:.2}\" font-size=\"11\">{}</text>\n",
            title(c.a), title(c.b), money::quantity(c.requests_per_month, 0), money::usd(c.cost_usd), x + 7.0, y - 7.0, n + 1
        ));
        let ly = TOP + 100.0 + n as f64 * 34.0;
        let lx = LEFT + pw + 16.0;
        s.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ly:.1}\" font-size=\"11\">{}: {} / {}</text><text x=\"{lx}\" y=\"{:.1}\" font-size=\"11\" fill=\"#555\">at {} req/mo, {}</text>\n",
            n + 1, title(c.a), title(c.b), ly + 14.0, money::quantity(c.requests_per_month, 0), money::usd(c.cost_usd)
        ));
    }
    s.push_str("</svg>\n");
    s
}
