//! The comparison as one self-contained page, like `report --format html` (its style, inline SVG,
//! no script): the totals side by side, one chart per deployment (each implementation's monthly
//! cost against monthly traffic, the compared traffic marked), and the Lambda memory sweeps side
//! by side.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::Comparison;
use crate::catalog::PriceSnapshot;
use crate::deployment::Kind;
use crate::money;
use crate::report::html::{STYLE, charts, esc};
use crate::report::svg::{Canvas, WIDTH};

/// One colour per implementation, in order (`MAX` of them).
const COLOURS: [&str; super::MAX] = [
    "#4c78a8", "#e45756", "#54a24b", "#f58518", "#b279a2", "#72b7b2", "#9d755d", "#bab0ac",
];

const CANVAS: Canvas = Canvas {
    height: 340.0,
    left: 80.0,
    right: 20.0,
    top: 44.0,
    bottom: 70.0,
};

/// Decades of monthly traffic the charts span (10^3 to 10^9), widened to hold the compared one.
fn span(here: Decimal) -> (i32, i32) {
    let decade = here
        .to_f64()
        .map_or(3, |h| h.max(1.0).log10().floor() as i32);
    (decade.min(3), (decade + 1).max(9))
}

/// Each implementation's total on deployment `k` at 4 points a decade; a point an
/// implementation cannot be priced at (too many machines) is left out of its line.
fn curves(c: &Comparison, k: Kind, p: &PriceSnapshot) -> Vec<Vec<(f64, f64)>> {
    let (from, to) = span(c.requests_per_month());
    let at = (from * 4..=to * 4).map(|q| 10f64.powf(q as f64 / 4.0));
    let index = Kind::ALL.iter().position(|x| *x == k).unwrap_or(0);
    c.implementations
        .iter()
        .map(|i| {
            let (w, o) = (&i.report.workload, &i.report.options);
            at.clone()
                .filter_map(|r| {
                    let totals =
                        crate::breakeven::totals_at(w, o, p, Decimal::from_f64_retain(r)?.round())
                            .ok()?;
                    Some((r, totals[index].to_f64()?))
                })
                .collect()
        })
        .collect()
}

/// One deployment's chart: log-scaled traffic across, log-scaled monthly cost up.
fn chart(c: &Comparison, k: Kind, p: &PriceSnapshot) -> String {
    let lines = curves(c, k, p);
    let all = lines.iter().flatten().map(|(_, y)| *y).filter(|y| *y > 0.0);
    let (lo, hi) = all.fold((f64::MAX, 0f64), |(a, b), y| (a.min(y), b.max(y)));
    let (ylo, yhi) = if hi > 0.0 {
        (
            lo.log10().floor(),
            hi.log10().ceil().max(lo.log10().floor() + 1.0),
        )
    } else {
        (0.0, 1.0)
    };
    let (from, to) = span(c.requests_per_month());
    let (pw, ph, base) = (CANVAS.plot_width(), CANVAS.plot_height(), CANVAS.base());
    let x = |r: f64| CANVAS.left + (r.log10() - from as f64) / (to - from) as f64 * pw;
    let y = |v: f64| base - (v.max(1e-9).log10() - ylo) / (yhi - ylo) * ph;
    let mut s = CANVAS.open(&format!(
        "{}: monthly cost against monthly requests",
        k.title()
    ));
    for d in from..=to {
        CANVAS.v_grid(&mut s, x(10f64.powi(d)), &short(10f64.powi(d)));
    }
    for d in ylo as i32..=yhi as i32 {
        let v = 10f64.powi(d);
        CANVAS.h_grid(
            &mut s,
            y(v),
            CANVAS.left,
            WIDTH - CANVAS.right,
            &format!("${}", short(v)),
        );
    }
    CANVAS.x_caption(&mut s, 34.0, "requests a month (log scale)");
    CANVAS.y_caption(&mut s, "USD a month (log scale)");
    for (n, (line, i)) in lines.iter().zip(&c.implementations).enumerate() {
        let colour = COLOURS[n % COLOURS.len()];
        let points: Vec<String> = line
            .iter()
            .map(|(r, v)| format!("{:.1},{:.1}", x(*r), y(*v)))
            .collect();
        s.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"><title>{}</title></polyline>\n",
            points.join(" "),
            esc(&i.name)
        ));
        let here = c.requests_per_month().to_f64().unwrap_or(1.0).max(1.0);
        let total = i.total(k);
        s.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{colour}\"><title>{}: {} at {} requests</title></circle>\n",
            x(here),
            y(total.to_f64().unwrap_or(0.0)),
            esc(&i.name),
            money::usd(total),
            money::quantity(c.requests_per_month(), 0)
        ));
        let lx = CANVAS.left + n as f64 * (pw / c.implementations.len() as f64);
        s.push_str(&format!(
            "<rect x=\"{lx:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{colour}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>\n",
            CANVAS.height - 22.0,
            lx + 16.0,
            CANVAS.height - 12.0,
            esc(&i.name)
        ));
    }
    s.push_str("</svg>\n");
    s
}

/// 1k, 10M, 0.1: short labels for log axes.
fn short(v: f64) -> String {
    match v {
        v if v >= 1e9 => format!("{}G", v / 1e9),
        v if v >= 1e6 => format!("{}M", v / 1e6),
        v if v >= 1e3 => format!("{}k", v / 1e3),
        v => format!("{v}"),
    }
}

fn totals(s: &mut String, c: &Comparison) {
    s.push_str("<div class=\"scroll\"><table>\n<tr><th>Deployment</th>");
    for n in c.names() {
        s.push_str(&format!("<th class=\"num\">{}</th>", esc(n)));
    }
    s.push_str(
        "<th class=\"num\">Difference</th><th class=\"num\">Ratio</th><th>Least</th></tr>\n",
    );
    let names = c.names();
    for r in &c.rows {
        s.push_str(&format!("<tr><td>{}</td>", r.label()));
        for (i, t) in r.totals.iter().enumerate() {
            let of = match r.kind {
                None => format!(" ({})", c.implementations[i].cheapest().0.title()),
                Some(_) => String::new(),
            };
            s.push_str(&format!("<td class=\"num\">{}{of}</td>", money::usd(*t)));
        }
        s.push_str(&format!(
            "<td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>\n",
            money::usd(r.difference_usd),
            r.ratio.map_or("-".into(), |x| format!("{x:.2}x")),
            esc(names[r.cheapest])
        ));
    }
    s.push_str("</table></div>\n");
}

fn sweeps(s: &mut String, c: &Comparison) {
    if c.implementations
        .iter()
        .all(|i| i.report.lambda_sweep.is_empty())
    {
        return;
    }
    s.push_str(
        "<section id=\"lambda-sweeps\">\n<h2>Lambda memory sweeps</h2>\n<div class=\"sweeps\">\n",
    );
    for i in &c.implementations {
        s.push_str(&format!(
            "<figure>{}<figcaption>{}: {} (priced at {} MB)</figcaption></figure>\n",
            charts::sweep(&i.report.lambda_sweep),
            esc(&i.name),
            esc(i.tune.as_deref().unwrap_or("")),
            i.report.options.lambda_memory_mb.normalize()
        ));
    }
    s.push_str("</div>\n</section>\n");
}

pub fn page(c: &Comparison, p: &PriceSnapshot) -> String {
    let title = format!(
        "{} compared at {} requests a month",
        c.names().join(", "),
        money::quantity(c.requests_per_month(), 0)
    );
    let mut s = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{t}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{t}</h1>\n\
         <p class=\"meta\">{}</p>\n<section id=\"answer\">\n<h2>The answer</h2>\n",
        esc(&c.prices.line()),
        t = esc(&title)
    );
    for v in c.verdicts() {
        s.push_str(&format!("<p class=\"answer\">{}</p>\n", esc(&v)));
    }
    totals(&mut s, c);
    s.push_str("</section>\n");
    if !c.warnings.is_empty() {
        s.push_str("<section id=\"warnings\">\n<h2>Warnings</h2>\n");
        for w in &c.warnings {
            s.push_str(&format!("<p class=\"warning\">{}</p>\n", esc(w)));
        }
        s.push_str("</section>\n");
    }
    s.push_str("<section id=\"deployments\">\n<h2>Each deployment</h2>\n");
    for k in Kind::ALL {
        s.push_str(&format!(
            "<figure id=\"chart-{}\">{}<figcaption>Dots: the compared traffic. Each line is that implementation's measured workload scaled to the traffic across.</figcaption></figure>\n",
            k.as_str(),
            chart(c, k, p)
        ));
    }
    s.push_str("</section>\n");
    sweeps(&mut s, c);
    s.push_str("<section id=\"sources\">\n<h2>Measured in</h2>\n<ul>\n");
    for i in &c.implementations {
        s.push_str(&format!(
            "<li>{}: {}{}; {}</li>\n",
            esc(&i.name),
            esc(&i.summary),
            esc(&i
                .tune
                .as_ref()
                .map_or(String::new(), |t| format!(" and {t}"))),
            esc(&i.window.describe())
        ));
    }
    s.push_str(&format!(
        "</ul>\n</section>\n<footer class=\"note\"><p>costcalc {}: money is exact and rounded half-up to cents for display. \
         Each implementation's full report: --format json.</p></footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    ));
    s
}
