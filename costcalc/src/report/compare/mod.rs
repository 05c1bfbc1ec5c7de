//! `report --compare`: two to eight implementations of one API, each priced from its own
//! measured run (and memory sweep) on the three deployments, side by side. Pure: the CLI reads
//! the files and builds each implementation's `Report`; this module checks that they can be
//! compared (`check`), lines their totals up per deployment, and says the difference the
//! implementation makes. Renderers: `text` (terminal and Markdown), `data` (JSON and CSV), `html`.

mod check;
pub mod data;
pub mod html;
pub mod text;

use rust_decimal::Decimal;

use super::{PriceInfo, Report};
use crate::deployment::Kind;
use crate::error::Incomparable;

pub use check::Window;

/// The most implementations a comparison shows (a chart's legend, a table's width).
pub const MAX: usize = 8;

/// One implementation: its name, the files it was measured in, and its report.
#[derive(Debug, Clone)]
pub struct Implementation {
    pub name: String,
    pub summary: String,
    pub tune: Option<String>,
    /// The traffic the run played (profile and length), read from the summary.
    pub window: Window,
    /// The processor the sweep ran on (the tune's `machine.cpu_model`).
    pub machine: Option<String>,
    pub report: Report,
}

impl Implementation {
    /// The cheapest deployment of this implementation and its monthly total.
    pub fn cheapest(&self) -> (Kind, Decimal) {
        let k = self.report.cheapest;
        (k, self.total(k))
    }

    /// The monthly total of deployment `k`.
    pub fn total(&self, k: Kind) -> Decimal {
        self.report
            .deployments
            .iter()
            .find(|d| d.name == k)
            .map_or(Decimal::ZERO, |d| d.total_usd)
    }
}

/// One row of the side-by-side totals: a deployment, or each implementation's cheapest one.
#[derive(Debug, Clone)]
pub struct Row {
    /// None: the row of each implementation's cheapest deployment.
    pub kind: Option<Kind>,
    /// Monthly totals, in the implementations' order.
    pub totals: Vec<Decimal>,
    /// The implementation (index) that costs least here; the first of equals.
    pub cheapest: usize,
    pub dearest: usize,
    /// What the implementation makes: the dearest total minus the cheapest.
    pub difference_usd: Decimal,
    /// The dearest total over the cheapest, to 2 places (None when the cheapest is free).
    pub ratio: Option<Decimal>,
}

impl Row {
    fn new(kind: Option<Kind>, totals: Vec<Decimal>) -> Self {
        let pick = |better: fn(Decimal, Decimal) -> bool| {
            (0..totals.len()).fold(0, |best, i| {
                if better(totals[i], totals[best]) {
                    i
                } else {
                    best
                }
            })
        };
        let cheapest = pick(|a, b| a < b);
        let dearest = pick(|a, b| a > b);
        let (low, high) = (totals[cheapest], totals[dearest]);
        Row {
            kind,
            cheapest,
            dearest,
            difference_usd: high - low,
            ratio: (!low.is_zero())
                .then(|| high.checked_div(low))
                .flatten()
                .map(|r| r.round_dp(2)),
            totals,
        }
    }

    /// "EC2", or "Cheapest deployment".
    pub fn label(&self) -> &'static str {
        self.kind.map_or("Cheapest deployment", Kind::title)
    }
}

/// The implementations side by side.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub prices: PriceInfo,
    pub implementations: Vec<Implementation>,
    /// EC2, Fargate, Lambda, then each implementation's cheapest deployment.
    pub rows: Vec<Row>,
    /// Every implementation's warnings, each under its name, and the comparison's own.
    pub warnings: Vec<String>,
}

impl Comparison {
    /// Check that `implementations` can be compared, then line them up.
    pub fn build(implementations: Vec<Implementation>) -> Result<Self, Box<Incomparable>> {
        let mut warnings = check::comparable(&implementations)?;
        for i in &implementations {
            warnings.extend(i.report.warnings.iter().map(|w| format!("{}: {w}", i.name)));
        }
        let mut rows: Vec<Row> = Kind::ALL
            .iter()
            .map(|k| {
                Row::new(
                    Some(*k),
                    implementations.iter().map(|i| i.total(*k)).collect(),
                )
            })
            .collect();
        rows.push(Row::new(
            None,
            implementations.iter().map(|i| i.cheapest().1).collect(),
        ));
        Ok(Comparison {
            prices: implementations[0].report.prices.clone(),
            rows,
            warnings,
            implementations,
        })
    }

    /// The monthly requests every implementation was priced at.
    pub fn requests_per_month(&self) -> Decimal {
        self.implementations[0].report.workload.requests_per_month
    }

    pub fn names(&self) -> Vec<&str> {
        self.implementations
            .iter()
            .map(|i| i.name.as_str())
            .collect()
    }

    /// The answer in one sentence per row: who is cheapest on each deployment, by how much.
    pub fn verdicts(&self) -> Vec<String> {
        let names = self.names();
        self.rows
            .iter()
            .map(|r| {
                let on = match r.kind {
                    Some(k) => format!("On {}", k.title()),
                    None => "Each on its cheapest deployment".into(),
                };
                if r.difference_usd.is_zero() {
                    return format!("{on} the implementations cost the same.");
                }
                format!(
                    "{on} {} costs least: {} a month less than {}{}.",
                    names[r.cheapest],
                    crate::money::usd(r.difference_usd),
                    names[r.dearest],
                    r.ratio.map_or(String::new(), |x| format!(
                        ", which costs {x:.2} times as much"
                    ))
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
