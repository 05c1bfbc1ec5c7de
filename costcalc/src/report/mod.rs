//! What the commands print: a per-service bill or a three-deployment report, in several formats.
//! Every output names the price snapshot's region and as-of date.

mod assumptions;
pub mod breakeven;
pub mod commitments;
pub mod compare;
pub mod csv;
pub mod databases;
pub mod html;
pub mod inputs;
pub mod json;
pub mod markdown;
pub mod subject;
pub mod svg;
pub mod sweep;
pub mod table;
pub mod text;

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use crate::catalog::PriceSnapshot;
use crate::deployment::{self, Deployment, Kind, Options};
use crate::error::Result;
use crate::pricing::LineItem;
use crate::workload::Workload;
use crate::workload::duration::Duration;

pub use assumptions::assumptions;
pub use inputs::{Figure, InputRow};
pub use subject::Subject;

/// Which snapshot priced this output.
#[derive(Debug, Clone)]
pub struct PriceInfo {
    pub region: String,
    pub as_of: String,
    /// "bundled" or the `--prices` file path.
    pub origin: String,
    /// The purchase options in words (a Savings Plan, Spot), empty when all is on-demand.
    pub purchase: Vec<String>,
}

impl PriceInfo {
    pub fn new(p: &PriceSnapshot, origin: &str) -> Self {
        PriceInfo {
            region: p.region.clone(),
            as_of: p.as_of.clone(),
            origin: origin.to_string(),
            purchase: Vec::new(),
        }
    }
    pub fn line(&self) -> String {
        let bought = if self.purchase.is_empty() {
            String::new()
        } else {
            format!("; bought as: {}", self.purchase.join("; "))
        };
        format!(
            "Prices: AWS {} on-demand list prices as of {} ({} snapshot){bought}",
            self.region, self.as_of, self.origin
        )
    }
}

/// Output of a per-service command.
#[derive(Debug, Clone)]
pub struct Bill {
    pub prices: PriceInfo,
    pub title: String,
    pub line_items: Vec<LineItem>,
    pub total_usd: Decimal,
    /// Under purchase options: the on-demand total and the commitments.
    pub committed: Option<deployment::Committed>,
}

/// Output of `report`.
#[derive(Debug, Clone)]
pub struct Report {
    pub prices: PriceInfo,
    /// The API priced: its title, and whether the words may speak of journal-api's internals.
    pub subject: Subject,
    pub workload: Workload,
    pub options: Options,
    pub deployments: Vec<Deployment>,
    /// What the next million requests a month would add, per deployment (`Kind::ALL` order):
    /// beside the average per million, which fixed costs make meaningless at low traffic.
    pub marginal_per_million: [Decimal; 3],
    pub cheapest: Kind,
    /// Every input figure, its value and where it came from.
    pub inputs: Vec<InputRow>,
    /// What makes the answer doubtful: an overloaded run priced anyway, a default that decides
    /// which deployment is cheapest. Every format shows them first.
    pub warnings: Vec<String>,
    /// The Lambda memory sweep, when the duration came from one.
    pub lambda_sweep: Vec<sweep::SweepRow>,
    pub assumptions: Vec<String>,
    /// `--compare-commitments`: the deployments under no plan and four Compute Savings Plans.
    pub comparison: Option<commitments::Comparison>,
    /// `--compare-databases`: every deployment on each database.
    pub databases: Option<databases::DbComparison>,
}

impl Report {
    /// Price the three deployments of `subject` for `workload` (already validated with `options`).
    pub fn build(
        subject: Subject,
        prices: PriceInfo,
        workload: Workload,
        options: Options,
        p: &PriceSnapshot,
    ) -> Result<Self> {
        let deployments = deployment::build_all(&workload, &options, p)?;
        let next = workload.requests_per_month + MILLION;
        let after = crate::breakeven::totals_at(&workload, &options, p, next)?;
        let mut marginal_per_million = [Decimal::ZERO; 3];
        for (m, (d, a)) in marginal_per_million
            .iter_mut()
            .zip(deployments.iter().zip(after))
        {
            *m = a - d.total_usd;
        }
        // A total on a database too small for the workload is never the answer; when every
        // total is, the cheapest of them is named, and the warnings say it is incomplete.
        let cheapest = deployments
            .iter()
            .min_by_key(|d| (d.incomplete, d.total_usd))
            .map(|d| d.name)
            .unwrap_or(Kind::Ec2);
        let inputs = inputs::rows(&workload, &options, p, cheapest)?;
        let lambda_sweep = match &workload.duration {
            Duration::Tuned { sizes } => sweep::rows(sizes, &workload, &options, p),
            _ => Vec::new(),
        };
        let mut warnings = workload.warnings.clone();
        for d in &deployments {
            warnings.extend(d.notes.iter().map(|n| format!("{}: {n}.", title(d.name))));
            if d.incomplete {
                warnings.push(format!(
                    "{}: the total ({}) is incomplete, priced on a database its own sizing calls \
                     too small; it is not a candidate for the cheapest.",
                    title(d.name),
                    crate::money::usd(d.total_usd)
                ));
            }
        }
        if deployments.iter().all(|d| d.incomplete) {
            warnings.push(
                "Every total is incomplete (each database is too small): no deployment is the \
                 answer until the database holds the workload."
                    .into(),
            );
        }
        for i in inputs.iter().filter(|i| i.origin.is_default()) {
            if let Some(k) = i.decides {
                warnings.push(format!(
                    "The default {} ({}) decides the outcome: at half or double it, {} would be the cheapest. Measure it.",
                    i.figure.label().to_lowercase(),
                    i.value,
                    title(k)
                ));
            }
        }
        let mut assumptions = assumptions(&workload, &options, p, &subject);
        let purchase = commitments::describe(&options, p);
        if !purchase.is_empty() {
            assumptions.push(format!("Bought as: {}.", purchase.join("; ")));
            assumptions.push(commitments::EXPLAINED.into());
        }
        Ok(Report {
            subject,
            prices,
            workload,
            options,
            deployments,
            marginal_per_million,
            cheapest,
            lambda_sweep,
            inputs,
            warnings,
            assumptions,
            comparison: None,
            databases: None,
        })
    }
}

const MILLION: Decimal = dec!(1000000);

/// Cost per million requests (None at zero traffic, or at a traffic so small that the figure
/// would overflow).
pub fn per_million(total: Decimal, requests: Decimal) -> Option<Decimal> {
    let millions = requests / MILLION;
    (!millions.is_zero())
        .then(|| total.checked_div(millions))
        .flatten()
}

/// "yes: Lambda" when halving or doubling the figure changes the cheapest deployment.
pub fn decides_text(i: &InputRow) -> String {
    i.decides.map_or(String::new(), |k| {
        format!("yes: {} at half or double", title(k))
    })
}

/// Display name of a deployment.
pub fn title(k: Kind) -> &'static str {
    k.title()
}
