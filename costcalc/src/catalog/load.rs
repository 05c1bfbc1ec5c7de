//! Loading and validating snapshots: the bundled one, or a file given with `--prices`.

use std::path::Path;

use rust_decimal::Decimal;

use super::{Price, PriceSnapshot, TieredPrice};
use crate::error::{Error, Input, Problem, Result};

/// The schema tag every snapshot carries; a different major version is refused.
pub const SNAPSHOT_SCHEMA: &str = "deploycost.prices/v1";

const BUNDLED: &[(&str, &str)] = &[("us-east-1", include_str!("../../prices/us-east-1.toml"))];

/// Regions with a snapshot compiled into the binary.
pub fn bundled_regions() -> Vec<&'static str> {
    BUNDLED.iter().map(|(r, _)| *r).collect()
}

/// The bundled snapshot for `region`; an unknown region lists the known ones.
pub fn bundled(region: &str) -> Result<PriceSnapshot> {
    let Some((_, text)) = BUNDLED.iter().find(|(r, _)| *r == region) else {
        return Err(Error::invalid(
            Input::Region,
            region,
            Problem::NotBundled {
                known: bundled_regions().iter().map(|r| r.to_string()).collect(),
            },
        ));
    };
    parse(text, &format!("bundled {region}"))
}

/// Read a snapshot file (the format of `prices/us-east-1.toml`).
pub fn load_file(path: &Path) -> Result<PriceSnapshot> {
    let text = crate::input_file::read(path, crate::input_file::Kind::Prices)?;
    parse(&text, &path.display().to_string())
}

/// Parse and validate snapshot text; `origin` names it in errors.
pub fn parse(text: &str, origin: &str) -> Result<PriceSnapshot> {
    let err = |message: String| Error::Prices {
        path: origin.to_string(),
        message,
    };
    // Look at the schema tag first so an old or future file gets a clear message rather than a
    // field-by-field complaint.
    let raw: toml::Table = toml::from_str(text).map_err(|e| {
        let e = crate::input_file::toml_error(text, &e);
        err(format!("not valid TOML: {e}"))
    })?;
    match raw.get("schema").and_then(|v| v.as_str()) {
        Some(SNAPSHOT_SCHEMA) => {}
        Some(other) => {
            return Err(err(format!(
                "schema {other:?} is not supported; this costcalc reads {SNAPSHOT_SCHEMA:?}"
            )));
        }
        None => return Err(err(format!("missing `schema = \"{SNAPSHOT_SCHEMA}\"`"))),
    }
    let snap: PriceSnapshot = toml::from_str(text).map_err(|e| {
        let e = crate::input_file::toml_error(text, &e);
        err(format!("does not match the snapshot format: {e}"))
    })?;
    validate(&snap).map_err(err)?;
    super::bounds::check(&snap).map_err(err)?;
    Ok(snap)
}

fn validate(s: &PriceSnapshot) -> std::result::Result<(), String> {
    if s.region.trim().is_empty() {
        return Err("`region` is empty".into());
    }
    if !is_date(&s.as_of) {
        return Err(format!(
            "`as_of` must be a date YYYY-MM-DD, got {:?}",
            s.as_of
        ));
    }
    if s.currency != "USD" {
        return Err(format!("`currency` must be \"USD\", got {:?}", s.currency));
    }
    for (path, p) in flat_prices(s) {
        if p.usd.is_sign_negative() {
            return Err(format!("{path}: negative price {}", p.usd));
        }
        if p.unit.trim().is_empty() || p.source.trim().is_empty() {
            return Err(format!("{path}: every price needs a unit and a source"));
        }
    }
    for (path, t) in tiered_prices(s) {
        check_tiers(t).map_err(|m| format!("{path}: {m}"))?;
    }
    if s.ec2.instances.is_empty() || s.rds.instances.is_empty() {
        return Err("`ec2.instances` and `rds.instances` must list at least one type".into());
    }
    for (name, i) in &s.ec2.instances {
        if i.usd.is_sign_negative() || i.vcpus == 0 {
            return Err(format!(
                "ec2.instances.{name}: needs vcpus > 0 and a price >= 0"
            ));
        }
        if i.arch != "x86_64" && i.arch != "arm64" {
            return Err(format!(
                "ec2.instances.{name}: arch must be x86_64 or arm64"
            ));
        }
    }
    for (name, i) in &s.rds.instances {
        if i.single_az.is_sign_negative() || i.multi_az.is_sign_negative() || i.vcpus == 0 {
            return Err(format!(
                "rds.instances.{name}: needs vcpus > 0 and prices >= 0"
            ));
        }
    }
    if let Some(a) = &s.aurora {
        a.validate()?;
    }
    let classes: Vec<&String> = s.rds.instances.keys().collect();
    super::commitment::validate(s.savings_plans.as_ref(), s.rds_reserved.as_ref(), &classes)?;
    let positive = [
        (
            "alb.new_connections_per_sec_per_lcu",
            s.alb.new_connections_per_sec_per_lcu,
        ),
        (
            "alb.active_connections_per_min_per_lcu",
            s.alb.active_connections_per_min_per_lcu,
        ),
        (
            "alb.processed_gb_per_hour_per_lcu",
            s.alb.processed_gb_per_hour_per_lcu,
        ),
        (
            "alb.rule_evaluations_per_sec_per_lcu",
            s.alb.rule_evaluations_per_sec_per_lcu,
        ),
        ("apigw.http_metering_kb", s.apigw.http_metering_kb),
    ];
    for (path, v) in positive {
        if v <= Decimal::ZERO {
            return Err(format!("{path} must be > 0"));
        }
    }
    Ok(())
}

fn check_tiers(t: &TieredPrice) -> std::result::Result<(), String> {
    let Some(first) = t.tiers.first() else {
        return Err("needs at least one tier".into());
    };
    if !first.from.is_zero() {
        return Err("the first tier must start at 0".into());
    }
    for (i, tier) in t.tiers.iter().enumerate() {
        if tier.usd.is_sign_negative() {
            return Err(format!("tier {} has a negative price", i + 1));
        }
        let last = i + 1 == t.tiers.len();
        match (tier.to, last) {
            (None, true) => {}
            (None, false) => {
                return Err(format!("tier {} needs `to` (only the last is open)", i + 1));
            }
            (Some(_), true) => return Err("the last tier must be open-ended (no `to`)".into()),
            (Some(to), false) => {
                if to <= tier.from {
                    return Err(format!("tier {}: `to` must be above `from`", i + 1));
                }
                if t.tiers[i + 1].from != to {
                    return Err(format!(
                        "tier {} must start where tier {} ends",
                        i + 2,
                        i + 1
                    ));
                }
            }
        }
    }
    Ok(())
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&s[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&s[8..10].parse::<u32>().unwrap_or(0))
}

pub(super) fn flat_prices(s: &PriceSnapshot) -> Vec<(&'static str, &Price)> {
    let mut v = vec![
        ("lambda.requests", &s.lambda.requests),
        ("lambda.ephemeral_storage", &s.lambda.ephemeral_storage),
        (
            "lambda.x86_64.provisioned_concurrency",
            &s.lambda.x86_64.provisioned_concurrency,
        ),
        (
            "lambda.x86_64.provisioned_duration",
            &s.lambda.x86_64.provisioned_duration,
        ),
        (
            "lambda.arm64.provisioned_concurrency",
            &s.lambda.arm64.provisioned_concurrency,
        ),
        (
            "lambda.arm64.provisioned_duration",
            &s.lambda.arm64.provisioned_duration,
        ),
        ("fargate.ephemeral_storage", &s.fargate.ephemeral_storage),
        ("fargate.x86_64.vcpu", &s.fargate.x86_64.vcpu),
        ("fargate.x86_64.memory", &s.fargate.x86_64.memory),
        ("fargate.arm64.vcpu", &s.fargate.arm64.vcpu),
        ("fargate.arm64.memory", &s.fargate.arm64.memory),
        ("fargate.spot_x86_64.vcpu", &s.fargate.spot_x86_64.vcpu),
        ("fargate.spot_x86_64.memory", &s.fargate.spot_x86_64.memory),
        ("ec2.ebs_gp3", &s.ec2.ebs_gp3),
        ("rds.storage_single_az", &s.rds.storage_single_az),
        ("rds.storage_multi_az", &s.rds.storage_multi_az),
        ("rds_proxy.vcpu", &s.rds_proxy.vcpu),
        ("alb.hour", &s.alb.hour),
        ("alb.lcu", &s.alb.lcu),
        ("nat.hour", &s.nat.hour),
        ("nat.processed", &s.nat.processed),
        ("ipv4.hour", &s.ipv4.hour),
        ("logs.ingest", &s.logs.ingest),
        ("logs.storage", &s.logs.storage),
    ];
    if let Some(spot) = &s.fargate.spot_arm64 {
        v.push(("fargate.spot_arm64.vcpu", &spot.vcpu));
        v.push(("fargate.spot_arm64.memory", &spot.memory));
    }
    if let Some(a) = &s.aurora {
        v.extend(a.flat());
    }
    v
}

pub(super) fn tiered_prices(s: &PriceSnapshot) -> Vec<(&'static str, &TieredPrice)> {
    vec![
        ("lambda.x86_64.duration", &s.lambda.x86_64.duration),
        ("lambda.arm64.duration", &s.lambda.arm64.duration),
        ("apigw.rest", &s.apigw.rest),
        ("apigw.http", &s.apigw.http),
        ("transfer.out", &s.transfer.out),
    ]
}

/// For tests: the bundled snapshot plus the test fixture's commitment rates, which are made up
/// (not AWS prices; see tests/data/commitment-rates.toml).
#[cfg(test)]
pub fn with_fixture_commitment_rates() -> PriceSnapshot {
    let text = include_str!("../../prices/us-east-1.toml").to_string()
        + include_str!("../../tests/data/commitment-rates.toml");
    parse(&text, "bundled us-east-1 + test fixture commitment rates").expect("the fixture parses")
}

/// The snapshot as the TOML file `--prices` reads, with a header saying what it is.
pub fn to_toml(s: &PriceSnapshot) -> Result<String> {
    let body = toml::to_string(s).map_err(|e| Error::Prices {
        path: s.region.clone(),
        message: format!("cannot write the snapshot as TOML: {e}"),
    })?;
    let commitments = if s.savings_plans.is_some() || s.rds_reserved.is_some() {
        "# [savings_plans] and [rds_reserved] hold commitment rates, each section naming its source.\n"
    } else {
        ""
    };
    Ok(format!(
        "# deploycost price snapshot: AWS on-demand list prices for {}, read {}.\n\
         # Every money value is a decimal string; tiers are [from, to) ranges, the last one open.\n\
         {commitments}{body}",
        s.region, s.as_of
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_snapshot_is_valid_and_dated() {
        let s = bundled("us-east-1").unwrap();
        assert_eq!(s.region, "us-east-1");
        assert!(is_date(&s.as_of));
        assert!(s.ec2.instances.contains_key("t4g.micro"));
    }

    #[test]
    fn unknown_region_lists_known_ones() {
        let e = bundled("mars-1").unwrap_err().to_string();
        assert!(
            e.contains("region") && e.contains("mars-1") && e.contains("us-east-1"),
            "{e}"
        );
    }

    #[test]
    fn rejects_other_schema_versions_and_float_prices() {
        let text = include_str!("../../prices/us-east-1.toml");
        let v2 = text.replace("deploycost.prices/v1", "deploycost.prices/v2");
        let e = parse(&v2, "x.toml").unwrap_err().to_string();
        assert!(e.contains("v2") && e.contains("not supported"), "{e}");
        let float = text.replace("usd = \"0.0225\"", "usd = 0.0225");
        let e = parse(&float, "x.toml").unwrap_err().to_string();
        assert!(e.contains("as strings"), "{e}");
    }

    #[test]
    fn rejects_gapped_tiers() {
        let text = include_str!("../../prices/us-east-1.toml");
        let gap = text.replace(
            "{ from = \"300\", usd = \"0.90\" }",
            "{ from = \"301\", usd = \"0.90\" }",
        );
        let e = parse(&gap, "x.toml").unwrap_err().to_string();
        assert!(
            e.contains("apigw.http") && e.contains("must start where"),
            "{e}"
        );
    }
}
