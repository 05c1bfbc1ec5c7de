//! A self-contained SVG chart: monthly cost against monthly requests, both on log scales, one
//! line per deployment (size steps drawn as steps: the points include both sides of each),
//! every crossing marked, the ones where the cheapest deployment changes numbered and listed,
//! and a strip under the plot coloured by the cheapest deployment.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::breakeven::{Analysis, Point};
use crate::deployment::Kind;
use crate::money;
use crate::report::html::esc;
use crate::report::svg::Canvas;
use crate::report::{PriceInfo, title};

/// Room on the right for the legend and the numbered crossings.
const CANVAS: Canvas = Canvas {
    height: 600.0,
    left: 90.0,
    right: 230.0,
    top: 60.0,
    bottom: 70.0,
};
const LEFT: f64 = CANVAS.left;
const TOP: f64 = CANVAS.top;
const COLORS: [&str; 3] = ["#d95f02", "#1b9e77", "#7570b3"];

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
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

/// The plot area and its log scales.
struct Plot {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
    pw: f64,
    ph: f64,
}

impl Plot {
    /// Whole decades around every point's requests and costs.
    fn around(points: &[Point]) -> Plot {
        let xs = points
            .iter()
            .map(|p| f(p.requests_per_month).max(1.0).log10());
        let x0 = xs.clone().fold(f64::INFINITY, f64::min);
        let x1 = xs.fold(f64::NEG_INFINITY, f64::max);
        let costs = points
            .iter()
            .flat_map(|p| p.totals.iter().map(|t| f(*t).max(0.01).log10()));
        let y0 = costs.clone().fold(f64::INFINITY, f64::min);
        let y1 = costs.fold(f64::NEG_INFINITY, f64::max);
        let (x0, x1) = if x0.is_finite() {
            (x0.floor(), x1.ceil().max(x0.floor() + 1.0))
        } else {
            (3.0, 10.0)
        };
        let (y0, y1) = if y0.is_finite() {
            (y0.floor(), y1.ceil().max(y0.floor() + 1.0))
        } else {
            (0.0, 1.0)
        };
        Plot {
            x0,
            x1,
            y0,
            y1,
            pw: CANVAS.plot_width(),
            ph: CANVAS.plot_height(),
        }
    }
    fn px(&self, lx: f64) -> f64 {
        LEFT + (lx - self.x0) / (self.x1 - self.x0) * self.pw
    }
    fn py(&self, ly: f64) -> f64 {
        TOP + self.ph - (ly - self.y0) / (self.y1 - self.y0) * self.ph
    }
}

pub fn svg(points: &[Point], analysis: &Analysis, prices: &PriceInfo) -> String {
    svg_marked(points, analysis, prices, None)
}

/// The chart with a vertical line at `marked` requests a month (the workload being priced).
pub fn svg_marked(
    points: &[Point],
    analysis: &Analysis,
    prices: &PriceInfo,
    marked: Option<Decimal>,
) -> String {
    let g = Plot::around(points);
    let mut s = frame(&g, prices);
    curves(&mut s, &g, points);
    cheapest_strip(&mut s, &g, analysis);
    crossings(&mut s, &g, analysis);
    if let Some(r) = marked.filter(|r| *r >= Decimal::ONE) {
        let x = g.px(f(r).log10());
        s.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#111\" stroke-dasharray=\"5 4\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">this workload: {} req/mo</text>\n",
            TOP + g.ph,
            x + 4.0,
            TOP + 14.0,
            money::quantity(r, 0)
        ));
    }
    s.push_str("</svg>\n");
    s
}

/// Title, grid, axes and their labels.
fn frame(g: &Plot, prices: &PriceInfo) -> String {
    let mut s = CANVAS.open("Monthly cost vs monthly requests");
    s.push_str(&format!(
        "<text x=\"{LEFT}\" y=\"46\" fill=\"#555\">{}</text>\n",
        esc(&prices.line())
    ));
    // Grid and axis labels, one per decade.
    let mut e = g.x0;
    while e <= g.x1 + 1e-9 {
        CANVAS.v_grid(&mut s, g.px(e), &short(10f64.powf(e)));
        e += 1.0;
    }
    let mut e = g.y0;
    while e <= g.y1 + 1e-9 {
        let label = if e < 0.0 {
            format!("${}", 10f64.powf(e))
        } else {
            format!("${}", short(10f64.powf(e)))
        };
        CANVAS.h_grid(&mut s, g.py(e), LEFT, LEFT + g.pw, &label);
        e += 1.0;
    }
    s.push_str(&format!(
        "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#333\"/>\n",
        g.pw, g.ph
    ));
    // Below the strip of the cheapest deployment.
    CANVAS.x_caption(&mut s, 50.0, "requests per month (log scale)");
    CANVAS.y_caption(&mut s, "USD per month (log scale)");
    s
}

/// One line per deployment, with its legend entry.
fn curves(s: &mut String, g: &Plot, points: &[Point]) {
    for (k, kind) in Kind::ALL.iter().enumerate() {
        let mut pts: Vec<String> = points
            .iter()
            .map(|p| {
                format!(
                    "{:.1},{:.1}",
                    g.px(f(p.requests_per_month).max(1.0).log10()),
                    g.py(f(p.totals[k]).max(0.01).log10())
                )
            })
            .collect();
        // Sub-pixel detail adds bytes, not ink.
        pts.dedup();
        s.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" stroke-linejoin=\"round\" points=\"{}\"/>\n",
            COLORS[k],
            pts.join(" ")
        ));
        let ly = TOP + 20.0 + k as f64 * 22.0;
        let lx = LEFT + g.pw + 16.0;
        s.push_str(&format!(
            "<line x1=\"{lx}\" y1=\"{ly}\" x2=\"{:.1}\" y2=\"{ly}\" stroke=\"{}\" stroke-width=\"3\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>\n",
            lx + 24.0, COLORS[k], lx + 30.0, ly + 4.0, title(*kind)
        ));
    }
}

/// The cheapest deployment by range, as a strip under the plot.
fn cheapest_strip(s: &mut String, g: &Plot, analysis: &Analysis) {
    for span in &analysis.cheapest {
        let k = Kind::ALL
            .iter()
            .position(|x| *x == span.cheapest)
            .unwrap_or(0);
        let x0 = g.px(f(span.from_requests_per_month).max(1.0).log10());
        let x1 = g.px(f(span.to_requests_per_month).max(1.0).log10());
        s.push_str(&format!(
            "<rect x=\"{x0:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"6\" fill=\"{}\"><title>{} cheapest from {} to {} requests/month</title></rect>\n",
            TOP + g.ph + 26.0,
            (x1 - x0).max(1.0),
            COLORS[k],
            title(span.cheapest),
            money::quantity(span.from_requests_per_month, 0),
            money::quantity(span.to_requests_per_month, 0)
        ));
    }
}

/// Every crossing marked; those where the cheapest changes numbered and listed.
fn crossings(s: &mut String, g: &Plot, analysis: &Analysis) {
    let lx = LEFT + g.pw + 16.0;
    let mut last_label: Option<(f64, f64)> = None;
    let mut n = 0;
    for c in &analysis.crossings {
        let x = g.px(f(c.requests_per_month).log10());
        let y = g.py(f(c.cost_usd).max(0.01).log10());
        let tip = format!(
            "{} cheaper than {} from {} requests/month ({} vs {})",
            title(c.cheaper_above),
            title(c.cheaper_below),
            money::quantity(c.requests_per_month, 0),
            money::usd(c.cost_usd),
            money::usd(c.other_cost_usd)
        );
        if !c.changes_cheapest {
            s.push_str(&format!(
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2.5\" fill=\"#888\"><title>{}</title></circle>\n",
                esc(&tip)
            ));
            continue;
        }
        n += 1;
        // Labels of nearby crossings are stacked upwards rather than drawn over each other.
        let mut ly = y - 8.0;
        if let Some((px0, py0)) = last_label
            && (x - px0).abs() < 18.0
        {
            ly = ly.min(py0 - 14.0);
        }
        last_label = Some((x, ly));
        s.push_str(&format!(
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"none\" stroke=\"black\" stroke-width=\"1.5\"><title>{}</title></circle>\n<text x=\"{:.1}\" y=\"{ly:.1}\" font-size=\"11\" font-weight=\"bold\">{n}</text>\n",
            esc(&tip),
            x + 6.0
        ));
        let ty = TOP + 100.0 + (n - 1) as f64 * 34.0;
        s.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty:.1}\" font-size=\"11\">{n}: {} cheapest from here</text><text x=\"{lx}\" y=\"{:.1}\" font-size=\"11\" fill=\"#555\">{} req/mo, {}</text>\n",
            title(c.cheaper_above),
            ty + 14.0,
            money::quantity(c.requests_per_month, 0),
            money::usd(c.cost_usd)
        ));
    }
    let others = analysis.crossings.len() - n;
    if others > 0 {
        let y = TOP + 100.0 + n as f64 * 34.0;
        s.push_str(&format!(
            "<text x=\"{lx}\" y=\"{y:.1}\" font-size=\"11\" fill=\"#555\">grey dots: {others} crossing(s)</text><text x=\"{lx}\" y=\"{:.1}\" font-size=\"11\" fill=\"#555\">of two dearer options</text>\n",
            y + 14.0
        ));
    }
}
