//! `report --compare-databases`: each deployment under each database the product prices: RDS
//! for PostgreSQL (with RDS Proxy for Lambda), Aurora Serverless v2 at a 0.5-ACU minimum (proxy
//! for Lambda), Aurora Serverless v2 with auto-pause (no proxy: AWS does not allow one), and
//! Aurora provisioned (proxy for Lambda). Every row names its database and why; each database
//! names its cheapest deployment, and the verdict says where the database changes the answer.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use serde_json::{Value, json};

use crate::catalog::PriceSnapshot;
use crate::deployment::aurora::{self, Database, Serverless};
use crate::deployment::{self, Deployment, Kind, Options};
use crate::error::Result;
use crate::money;
use crate::pricing::aurora::AuroraStorage;
use crate::workload::Workload;

/// One database, its deployments priced on it, and why it is priced this way.
#[derive(Debug, Clone)]
pub struct DbChoice {
    pub label: String,
    pub why: String,
    pub deployments: Vec<Deployment>,
    /// The cheapest deployment whose total is complete, if any.
    pub cheapest: Option<Kind>,
}

#[derive(Debug, Clone)]
pub struct DbComparison {
    pub choices: Vec<DbChoice>,
}

/// The scenario's Aurora Serverless v2 settings, or the defaults (0.5 to 4 ACU, 5 minutes).
fn serverless(o: &Options) -> Serverless {
    match o.database {
        Database::AuroraServerless(s) => s,
        _ => Serverless {
            acu_min: dec!(0.5),
            acu_max: dec!(4),
            pause_after_s: dec!(300),
            storage: AuroraStorage::Standard,
            scale_down_lag_s: crate::deployment::aurora_capacity::DEFAULT_SCALE_DOWN_LAG_S,
        },
    }
}

fn variants(o: &Options) -> Vec<(String, String, Options)> {
    let s = serverless(o);
    let storage = s.storage;
    let half = Serverless {
        acu_min: s.acu_min.max(dec!(0.5)),
        ..s
    };
    let paused = Serverless {
        acu_min: Decimal::ZERO,
        ..s
    };
    let with = |database, rds_proxy, class_given| Options {
        database,
        rds_proxy,
        db_class_given: class_given,
        ..o.clone()
    };
    let rds_given = o.db_class_given && o.database == Database::Rds;
    vec![
        (
            format!("RDS {}", o.db_instance_class),
            "RDS for PostgreSQL, sized up from this class when it cannot hold the load; Lambda \
             through RDS Proxy (a 2-vCPU minimum)"
                .into(),
            with(Database::Rds, true, rds_given),
        ),
        (
            aurora::summary(&half),
            "Aurora Serverless v2 at a 0.5-ACU floor: never pauses; Lambda through RDS Proxy (an \
             8-ACU minimum)"
                .into(),
            with(Database::AuroraServerless(half), true, false),
        ),
        (
            aurora::summary(&paused),
            "Aurora Serverless v2 with auto-pause: storage only while paused, a resume of up to \
             ~15 s after each pause; no RDS Proxy (AWS does not allow it with auto-pause)"
                .into(),
            with(Database::AuroraServerless(paused), false, false),
        ),
        (
            "Aurora provisioned".into(),
            "Aurora PostgreSQL provisioned, from db.t4g.medium (Aurora PostgreSQL has no micro or \
             small class), sized up when it cannot hold the load; Lambda through RDS Proxy"
                .into(),
            with(Database::AuroraProvisioned(storage), true, false),
        ),
    ]
}

/// Every deployment on every database.
pub fn compare(w: &Workload, o: &Options, p: &PriceSnapshot) -> Result<DbComparison> {
    let mut choices = Vec::new();
    for (label, mut why, opts) in variants(o) {
        opts.validate(p)?;
        let deployments = deployment::build_all(w, &opts, p)?;
        // The ACUs over time (with the scale-down lag assumed) and the paused hours and resumes,
        // the same for each deployment.
        for start in ["Aurora Serverless v2 holds", "auto-pause after"] {
            if let Some(n) = deployments
                .iter()
                .flat_map(|d| &d.notes)
                .find(|n| n.starts_with(start))
            {
                why.push_str(&format!("; {n}"));
            }
        }
        let cheapest = deployments
            .iter()
            .filter(|d| !d.incomplete)
            .min_by_key(|d| d.total_usd)
            .map(|d| d.name);
        choices.push(DbChoice {
            label,
            why,
            deployments,
            cheapest,
        });
    }
    Ok(DbComparison { choices })
}

pub const HEADER: [&str; 5] = [
    "Database",
    "Deployment",
    "What runs",
    "Monthly (USD)",
    "Cheapest on this database",
];

/// One row per database and deployment.
pub fn rows(c: &DbComparison) -> Vec<[String; 5]> {
    let mut out = Vec::new();
    for ch in &c.choices {
        for d in &ch.deployments {
            out.push([
                ch.label.clone(),
                d.name.title().to_string(),
                d.summary.clone(),
                money::usd(d.total_usd),
                if ch.cheapest == Some(d.name) {
                    "cheapest".into()
                } else {
                    String::new()
                },
            ]);
        }
    }
    out
}

/// Why each database is priced the way it is.
pub fn whys(c: &DbComparison) -> Vec<String> {
    c.choices
        .iter()
        .map(|ch| format!("{}: {}.", ch.label, ch.why))
        .collect()
}

/// The cheapest deployment on each database, the cheapest pair overall, and whether the database
/// changes which deployment is the cheapest.
pub fn verdict(c: &DbComparison) -> String {
    let per: Vec<String> = c
        .choices
        .iter()
        .map(|ch| match ch.cheapest.and_then(|k| total(ch, k)) {
            Some((k, t)) => format!("on {}, {} ({})", ch.label, k.title(), money::usd(t)),
            None => format!("on {}, no complete total", ch.label),
        })
        .collect();
    let best = c
        .choices
        .iter()
        .filter_map(|ch| {
            ch.cheapest
                .and_then(|k| total(ch, k))
                .map(|(k, t)| (t, k, ch))
        })
        .min_by_key(|(t, _, _)| *t);
    let kinds: Vec<Kind> = c.choices.iter().filter_map(|ch| ch.cheapest).collect();
    let changes = kinds.windows(2).any(|w| w[0] != w[1]);
    let mut s = format!("Cheapest deployment {}.", per.join("; "));
    if let Some((t, k, ch)) = best {
        s.push_str(&format!(
            " Cheapest overall: {} on {} ({}).",
            k.title(),
            ch.label,
            money::usd(t)
        ));
    }
    s.push_str(if changes {
        " The database changes which deployment is the cheapest."
    } else {
        " The same deployment is the cheapest on every database."
    });
    s
}

fn total(ch: &DbChoice, k: Kind) -> Option<(Kind, Decimal)> {
    ch.deployments
        .iter()
        .find(|d| d.name == k)
        .map(|d| (k, d.total_usd))
}

pub fn json(c: &DbComparison) -> Value {
    json!({
        "databases": c.choices.iter().map(|ch| json!({
            "label": ch.label,
            "why": ch.why,
            "cheapest": ch.cheapest.map(Kind::as_str),
            "deployments": ch.deployments.iter().map(|d| json!({
                "name": d.name.as_str(),
                "summary": d.summary,
                "total_usd": money::usd_plain(d.total_usd),
                "total_usd_exact": money::exact(d.total_usd),
                "incomplete": d.incomplete,
                "notes": d.notes,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "verdict": verdict(c),
    })
}

/// CSV rows, after the report's: `database,deployment,summary,total_usd,total_usd_exact,incomplete`.
pub fn csv_rows(c: &DbComparison) -> Vec<[String; 6]> {
    let mut out = Vec::new();
    for ch in &c.choices {
        for d in &ch.deployments {
            out.push([
                ch.label.clone(),
                d.name.as_str().into(),
                d.summary.clone(),
                money::usd_plain(d.total_usd),
                money::exact(d.total_usd),
                d.incomplete.to_string(),
            ]);
        }
    }
    out
}
