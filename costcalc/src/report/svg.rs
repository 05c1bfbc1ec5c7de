//! What costcalc's SVG charts share, the break-even chart and the HTML report's run and sweep
//! charts: the canvas and its margins, the opening tags and title, grid lines with their labels,
//! the axes' captions. Hand-built SVG: no dependency, no script, deterministic output.

use super::html::esc;

/// Every chart is this wide (the page scales it).
pub const WIDTH: f64 = 960.0;

/// A chart's canvas: its height and the margins around the plot area.
#[derive(Debug, Clone, Copy)]
pub struct Canvas {
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Canvas {
    pub fn plot_width(&self) -> f64 {
        WIDTH - self.left - self.right
    }

    pub fn plot_height(&self) -> f64 {
        self.height - self.top - self.bottom
    }

    /// The plot area's bottom edge.
    pub fn base(&self) -> f64 {
        self.height - self.bottom
    }

    /// The opening `<svg>`, a white background and the title in bold above the plot.
    pub fn open(&self, title: &str) -> String {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{h}\" viewBox=\"0 0 {WIDTH} {h}\" \
             font-family=\"sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"{t}\">\
             <rect width=\"{WIDTH}\" height=\"{h}\" fill=\"white\"/>\
             <text x=\"{l}\" y=\"24\" font-size=\"15\" font-weight=\"bold\">{t}</text>\n",
            h = self.height,
            l = self.left,
            t = esc(title)
        )
    }

    /// A vertical grid line at `x` over the plot, labelled under it.
    pub fn v_grid(&self, s: &mut String, x: f64, label: &str) {
        s.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"{}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
            self.top,
            self.base(),
            self.base() + 16.0,
            esc(label)
        ));
    }

    /// A horizontal grid line at `y` from `x0` to `x1`, labelled left of `x0`.
    pub fn h_grid(&self, s: &mut String, y: f64, x0: f64, x1: f64, label: &str) {
        s.push_str(&format!(
            "<line x1=\"{x0:.1}\" y1=\"{y:.1}\" x2=\"{x1:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\n",
            x0 - 6.0,
            y + 4.0,
            esc(label)
        ));
    }

    /// The caption of the horizontal axis, `below` the plot, centred on it.
    pub fn x_caption(&self, s: &mut String, below: f64, text: &str) {
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
            self.left + self.plot_width() / 2.0,
            self.base() + below,
            esc(text)
        ));
    }

    /// The caption of the value axis, turned along it at the canvas's left edge.
    pub fn y_caption(&self, s: &mut String, text: &str) {
        let mid = self.top + self.plot_height() / 2.0;
        s.push_str(&format!(
            "<text x=\"16\" y=\"{mid:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {mid:.1})\">{}</text>\n",
            esc(text)
        ));
    }
}
