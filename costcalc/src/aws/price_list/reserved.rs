//! RDS Reserved Instance offers from the `Reserved` terms of AmazonRDS products: each term has an
//! "Upfront Fee" dimension (unit `Quantity`, a one-time USD amount) and an hourly one (unit
//! `Hrs`), and `termAttributes` naming its `LeaseContractLength` ("1yr", "3yr"), `PurchaseOption`
//! ("No Upfront", "Partial Upfront", "All Upfront") and `OfferingClass` ("standard": RDS has no
//! convertible). AWS's format: "Reading the service price list file for an AWS service".

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;

use super::{Origin, Product};
use crate::catalog::{RdsInstance, RdsOffer, RdsReserved};
use crate::purchase::{Payment, Term};

/// One Reserved term of a product, as the list writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReservedTerm {
    pub lease: String,
    pub purchase_option: String,
    pub offering_class: String,
    pub upfront_usd: Decimal,
    pub hourly_usd: Decimal,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawReservedTerm {
    #[serde(default)]
    term_attributes: BTreeMap<String, String>,
    #[serde(default)]
    price_dimensions: BTreeMap<String, RawReservedDimension>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct RawReservedDimension {
    #[serde(default)]
    unit: String,
    price_per_unit: BTreeMap<String, String>,
}

/// The Reserved terms of one product; a price that is not a number names the sku.
pub(super) fn parse(
    sku: &str,
    raw: &BTreeMap<String, RawReservedTerm>,
) -> Result<Vec<ReservedTerm>, String> {
    let mut out = Vec::new();
    for term in raw.values() {
        let attr = |k: &str| term.term_attributes.get(k).cloned().unwrap_or_default();
        let (mut upfront, mut hourly) = (Decimal::ZERO, Decimal::ZERO);
        for d in term.price_dimensions.values() {
            let Some(usd) = d.price_per_unit.get("USD") else {
                continue;
            };
            let usd = Decimal::from_str(usd)
                .map_err(|_| format!("sku {sku}: reserved price {usd:?} is not a number"))?;
            match d.unit.as_str() {
                "Quantity" => upfront = usd,
                "Hrs" => hourly = usd,
                _ => {}
            }
        }
        out.push(ReservedTerm {
            lease: attr("LeaseContractLength"),
            purchase_option: attr("PurchaseOption"),
            offering_class: attr("OfferingClass"),
            upfront_usd: upfront.normalize(),
            hourly_usd: hourly.normalize(),
        });
    }
    Ok(out)
}

fn term(t: &ReservedTerm) -> Option<(Term, Payment)> {
    let term = match t.lease.as_str() {
        "1yr" => Term::OneYear,
        "3yr" => Term::ThreeYears,
        _ => return None,
    };
    let payment = match t.purchase_option.as_str() {
        "No Upfront" => Payment::NoUpfront,
        "Partial Upfront" => Payment::PartialUpfront,
        "All Upfront" => Payment::AllUpfront,
        _ => return None,
    };
    matches!(t.offering_class.as_str(), "" | "standard").then_some((term, payment))
}

/// The `[rds_reserved]` section for the snapshot's classes (PostgreSQL, single-AZ and Multi-AZ),
/// or None when the list has no Reserved terms for them.
pub(super) fn rds_offers(
    products: &[&Product],
    classes: &BTreeMap<String, RdsInstance>,
    origin: &Origin,
) -> Option<RdsReserved> {
    let mut offers = Vec::new();
    let mut skus = Vec::new();
    for p in products {
        let postgres = matches!(p.attr("databaseEngine"), "" | "PostgreSQL");
        let (class, multi_az) = match p.base_usage_type().split_once(':') {
            Some(("InstanceUsage", c)) => (c, false),
            Some(("Multi-AZUsage", c)) => (c, true),
            _ => continue,
        };
        if p.service_code != "AmazonRDS" || !postgres || !classes.contains_key(class) {
            continue;
        }
        for t in &p.reserved {
            let Some((term, payment)) = term(t) else {
                continue;
            };
            if offers.iter().any(|o: &RdsOffer| {
                o.class == class && o.multi_az == multi_az && o.term == term && o.payment == payment
            }) {
                continue;
            }
            offers.push(RdsOffer {
                class: class.to_string(),
                multi_az,
                term,
                payment,
                upfront_usd: t.upfront_usd,
                hourly_usd: t.hourly_usd,
            });
            if !skus.contains(&p.sku) {
                skus.push(p.sku.clone());
            }
        }
    }
    (!offers.is_empty()).then(|| RdsReserved {
        source: format!(
            "{}, AmazonRDS Reserved terms of skus {}, read {}",
            origin.via,
            skus.join(", "),
            origin.fetched_on
        ),
        offers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::price_list::parse_product;

    #[test]
    fn reserved_terms_give_upfront_and_hourly() {
        // The structure of a Reserved term in the AmazonRDS list (AWS's documented format); the
        // figures are made up.
        let text = r#"{"product":{"productFamily":"Database Instance","attributes":{"regionCode":"us-east-1","usagetype":"InstanceUsage:db.t4g.micro","databaseEngine":"PostgreSQL"},"sku":"S1"},"serviceCode":"AmazonRDS","terms":{"OnDemand":{"S1.T":{"priceDimensions":{"S1.T.A":{"unit":"Hrs","pricePerUnit":{"USD":"0.016"}}}}},
            "Reserved":{"S1.R":{"termAttributes":{"LeaseContractLength":"1yr","OfferingClass":"standard","PurchaseOption":"Partial Upfront"},"priceDimensions":{
              "S1.R.Q":{"unit":"Quantity","description":"Upfront Fee","pricePerUnit":{"USD":"45"}},
              "S1.R.H":{"unit":"Hrs","pricePerUnit":{"USD":"0.0050000000"}}}}}}}"#;
        let p = parse_product(text).unwrap();
        assert_eq!(p.reserved.len(), 1);
        assert_eq!(
            term(&p.reserved[0]),
            Some((Term::OneYear, Payment::PartialUpfront))
        );
        assert_eq!(p.reserved[0].upfront_usd, Decimal::from(45));
        assert_eq!(p.reserved[0].hourly_usd, Decimal::new(5, 3));
        let convertible = ReservedTerm {
            offering_class: "convertible".into(),
            ..p.reserved[0].clone()
        };
        assert_eq!(term(&convertible), None);
    }
}
