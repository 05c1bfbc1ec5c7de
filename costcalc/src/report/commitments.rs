//! Purchase options in a report: what was assumed, on-demand beside committed per deployment, and
//! the `--compare-commitments` table (each deployment under no plan and four Compute Savings
//! Plans).

use rust_decimal::Decimal;
use serde::Serialize;

use super::{Report, title};
use crate::catalog::PriceSnapshot;
use crate::deployment::{self, Committed, Kind, Options, Purchase};
use crate::error::Result;
use crate::money;
use crate::purchase::{Commitment, Payment, Term};
use crate::workload::Workload;

/// The purchase options in words, with the source of their rates: every output states them.
pub fn describe(o: &Options, p: &PriceSnapshot) -> Vec<String> {
    let mut out = describe_purchase(&o.purchase, p);
    if o.fargate_spot {
        out.push(format!(
            "Fargate Spot ({}) at the snapshot's Spot rate",
            o.fargate_arch.as_str()
        ));
    }
    out
}

/// A Savings Plan, Reserved Instances and EC2 Spot in words, with their sources.
pub fn describe_purchase(b: &Purchase, p: &PriceSnapshot) -> Vec<String> {
    let mut out = Vec::new();
    if b.commitment != Commitment::None {
        let half = if b.payment == Payment::PartialUpfront {
            " (half the term's commitment paid before it starts, assumed: AWS asks at least half)"
        } else {
            ""
        };
        out.push(format!(
            "{}, {}, {}{half}, sized to the covered compute at the priced traffic (rates: {})",
            b.commitment.as_str(),
            b.term.as_str(),
            b.payment.as_str(),
            p.savings_plans
                .as_ref()
                .map_or("none in the snapshot", |s| &s.source)
        ));
    }
    if let Some((term, payment)) = b.rds_reserved {
        out.push(format!(
            "RDS Reserved Instance, {}, {} (offers: {})",
            term.as_str(),
            payment.as_str(),
            p.rds_reserved
                .as_ref()
                .map_or("none in the snapshot", |s| &s.source)
        ));
    }
    if let Some(d) = b.ec2_spot_discount {
        out.push(format!(
            "EC2 Spot at {}% off on-demand (assumed: Spot prices move and are not in the Price List)",
            (d * Decimal::ONE_HUNDRED).normalize()
        ));
    }
    out
}

/// How an upfront payment and the break-even utilisation are read, for every format.
pub const EXPLAINED: &str = "An upfront payment is paid once and amortised in the monthly \
     totals (upfront / term hours, 8,760 a year). Break-even utilisation = commitment cost / \
     on-demand cost of the same usage: if usage falls below that share of what is priced here, \
     the commitment costs more than on-demand.";

/// One line for a per-service bill: on-demand beside the options, the commitment per hour, the
/// upfront payment and the break-even utilisation.
pub fn bill_line(total_usd: Decimal, c: &Committed) -> String {
    let mut s = format!(
        "On-demand {}; with the options {}",
        money::usd(c.on_demand_usd),
        money::usd(total_usd)
    );
    for (what, spend) in [
        ("Savings Plan", &c.savings_plan),
        ("RDS Reserved Instance", &c.rds_reserved),
    ] {
        if let Some(x) = spend {
            s.push_str(&format!(
                "; {what} ${}/h (upfront {} once, amortised)",
                money::quantity(x.per_hour, 8),
                money::usd(x.payments.upfront_usd)
            ));
        }
    }
    if let Some(u) = c.breakeven_utilisation() {
        s.push_str(&format!(
            "; break-even utilisation {}%",
            money::quantity(u * Decimal::ONE_HUNDRED, 1)
        ));
    }
    s
}

/// One row of the side-by-side table, display-ready.
pub fn rows(r: &Report) -> Vec<[String; 8]> {
    let pct = |d: Option<Decimal>| {
        d.map_or("-".into(), |d| {
            format!("{}%", money::quantity(d * Decimal::ONE_HUNDRED, 1))
        })
    };
    let per_h = |d: Decimal| format!("${}/h", money::quantity(d, 8));
    r.deployments
        .iter()
        .filter_map(|d| {
            let c = d.committed.as_ref()?;
            let sp = c.savings_plan.as_ref();
            let ri = c.rds_reserved.as_ref();
            let upfront: Decimal = [sp, ri]
                .iter()
                .flatten()
                .map(|s| s.payments.upfront_usd)
                .sum();
            Some([
                title(d.name).to_string(),
                money::usd(c.on_demand_usd),
                money::usd(d.total_usd),
                money::usd(c.on_demand_usd - d.total_usd),
                sp.map_or("-".into(), |s| per_h(s.per_hour)),
                ri.map_or("-".into(), |s| per_h(s.per_hour)),
                money::usd(upfront),
                pct(c.breakeven_utilisation()),
            ])
        })
        .collect()
}

pub const HEADER: [&str; 8] = [
    "Deployment",
    "On-demand (USD/month)",
    "With the options (USD/month)",
    "Saving (USD/month)",
    "Savings Plan commitment",
    "RDS RI, effective",
    "Upfront, paid once (USD)",
    "Break-even utilisation",
];

/// One purchase choice of the comparison and the three totals under it (`Kind::ALL` order).
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub label: String,
    pub totals: [Decimal; 3],
}

/// `--compare-commitments`: the deployments under no plan and under Compute Savings Plans of
/// 1 and 3 years, no and all upfront; the rest of the options as given (RDS Reserved Instances
/// with the plans when asked for; the no-plan row is on-demand but for Spot).
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub choices: Vec<Choice>,
    /// The cheapest deployment under the cheapest choice.
    pub cheapest_choice: String,
    pub cheapest: Kind,
    pub cheapest_usd: Decimal,
}

pub fn compare(w: &Workload, o: &Options, p: &PriceSnapshot) -> Result<Comparison> {
    let mut plans = vec![(
        "none (on-demand)".to_string(),
        Purchase {
            rds_reserved: None,
            commitment: Commitment::None,
            ..o.purchase
        },
    )];
    let ri = o.purchase.rds_reserved.map_or(String::new(), |(t, pay)| {
        format!(" + RDS RI {} {}", t.as_str(), pay.as_str())
    });
    for (term, payment) in [
        (Term::OneYear, Payment::NoUpfront),
        (Term::OneYear, Payment::AllUpfront),
        (Term::ThreeYears, Payment::NoUpfront),
        (Term::ThreeYears, Payment::AllUpfront),
    ] {
        plans.push((
            format!("compute-sp {} {}{ri}", term.as_str(), payment.as_str()),
            Purchase {
                commitment: Commitment::ComputeSp,
                term,
                payment,
                ..o.purchase
            },
        ));
    }
    let mut choices = Vec::new();
    for (label, purchase) in plans {
        let o = Options {
            purchase,
            ..o.clone()
        };
        let mut totals = [Decimal::ZERO; 3];
        for (t, d) in totals.iter_mut().zip(deployment::build_all(w, &o, p)?) {
            *t = d.total_usd;
        }
        choices.push(Choice { label, totals });
    }
    let (ci, ki) = (0..choices.len())
        .flat_map(|c| (0..3).map(move |k| (c, k)))
        .min_by_key(|(c, k)| choices[*c].totals[*k])
        .unwrap_or((0, 0));
    Ok(Comparison {
        cheapest_choice: choices[ci].label.clone(),
        cheapest: Kind::ALL[ki],
        cheapest_usd: choices[ci].totals[ki],
        choices,
    })
}

/// The comparison as lines of a plain table: the choice, then the three totals.
pub fn comparison_rows(c: &Comparison) -> Vec<[String; 4]> {
    c.choices
        .iter()
        .map(|ch| {
            [
                ch.label.clone(),
                money::usd(ch.totals[0]),
                money::usd(ch.totals[1]),
                money::usd(ch.totals[2]),
            ]
        })
        .collect()
}

/// The sentence under the comparison.
pub fn comparison_verdict(c: &Comparison) -> String {
    format!(
        "Cheapest overall: {} under {}, {} a month.",
        title(c.cheapest),
        c.cheapest_choice,
        money::usd(c.cheapest_usd)
    )
}
