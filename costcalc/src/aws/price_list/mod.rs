//! AWS Price List products (GetProducts `PriceList` entries, each a JSON document inside a JSON
//! string) turned into a `deploycost.prices/v1` snapshot. Pure: no network here.
//!
//! Matching is by service code and usage type, with the regional prefix stripped: in us-east-1
//! some usage types are unprefixed (`Lambda-GB-Second`, `BoxUsage:t3.micro`) and some carry
//! `USE1-` (`USE1-Fargate-vCPU-Hours:perCPU`); other regions prefix everything (`USW2-`, `EU-`,
//! `APN1-`). The region itself is checked on the product's `regionCode` attribute (data transfer:
//! `fromRegionCode`), so a prefix never has to be guessed from a region name.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Deserialize;

mod aurora;
mod matcher;
mod query;
mod reserved;
mod snapshot;

pub use query::{Filter, Query, billing_prefix, cli_commands, queries};
pub use reserved::ReservedTerm;
pub use snapshot::{PRICES, Row, Slot, build_snapshot};

/// One product with its on-demand price dimensions.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub sku: String,
    pub service_code: String,
    pub product_family: String,
    pub attributes: BTreeMap<String, String>,
    pub publication_date: String,
    pub on_demand: Vec<Dimension>,
    /// Reserved terms (RDS Reserved Instance offers), when the product has them.
    pub reserved: Vec<ReservedTerm>,
}

/// One on-demand price dimension: `usd` per `unit` for usage in [begin, end).
#[derive(Debug, Clone, PartialEq)]
pub struct Dimension {
    pub begin: Decimal,
    pub end: Option<Decimal>,
    pub unit: String,
    pub usd: Decimal,
    pub description: String,
}

impl Product {
    pub fn attr(&self, name: &str) -> &str {
        self.attributes.get(name).map(String::as_str).unwrap_or("")
    }

    /// The usage type without its regional prefix (`USE1-`, `USW2-`, `EU-`, ...).
    pub fn base_usage_type(&self) -> &str {
        strip_region_prefix(self.attr("usagetype"))
    }

    /// The region this product is priced for.
    pub fn region(&self) -> &str {
        match self.attributes.get("regionCode") {
            Some(r) => r,
            None => self.attr("fromRegionCode"),
        }
    }
}

/// `USE1-Fargate-GB-Hours` -> `Fargate-GB-Hours`; `BoxUsage:t3.micro` stays as it is.
/// A regional prefix is 2 to 4 capital letters, an optional digit, then `-`.
pub fn strip_region_prefix(usage_type: &str) -> &str {
    let Some((head, rest)) = usage_type.split_once('-') else {
        return usage_type;
    };
    let letters = head.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = head.len() - letters.len();
    if (2..=4).contains(&letters.len())
        && letters.chars().all(|c| c.is_ascii_uppercase())
        && digits <= 1
        && !rest.is_empty()
    {
        rest
    } else {
        usage_type
    }
}

// The JSON document inside each PriceList string (only what we read).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProduct {
    product: RawProductInfo,
    #[serde(default)]
    service_code: String,
    #[serde(default)]
    terms: RawTerms,
    #[serde(default)]
    publication_date: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawProductInfo {
    sku: String,
    #[serde(default)]
    product_family: String,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
struct RawTerms {
    #[serde(rename = "OnDemand", default)]
    on_demand: BTreeMap<String, RawTerm>,
    #[serde(rename = "Reserved", default)]
    reserved: BTreeMap<String, reserved::RawReservedTerm>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTerm {
    #[serde(default)]
    price_dimensions: BTreeMap<String, RawDimension>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawDimension {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    begin_range: Option<String>,
    #[serde(default)]
    end_range: Option<String>,
    price_per_unit: BTreeMap<String, String>,
    #[serde(default)]
    description: String,
}

/// Parse one `PriceList` entry (the JSON text of one product).
pub fn parse_product(text: &str) -> Result<Product, String> {
    let raw: RawProduct =
        crate::strict_json::from_str(text).map_err(|e| format!("not a Price List product: {e}"))?;
    let mut on_demand = Vec::new();
    for term in raw.terms.on_demand.values() {
        for d in term.price_dimensions.values() {
            let Some(usd) = d.price_per_unit.get("USD") else {
                continue;
            };
            let usd = Decimal::from_str(usd)
                .or_else(|_| Decimal::from_scientific(usd))
                .map_err(|_| format!("sku {}: price {usd:?} is not a number", raw.product.sku))?;
            let usd = crate::limits::field("USD", usd, Decimal::ZERO, crate::limits::USD_MAX)
                .map_err(|e| format!("sku {}: {e}", raw.product.sku))?;
            let begin = match d.begin_range.as_deref() {
                None | Some("") => Decimal::ZERO,
                Some(b) => Decimal::from_str(b)
                    .ok()
                    .filter(|b| (Decimal::ZERO..=crate::limits::QUANTITY_MAX).contains(b))
                    .ok_or_else(|| format!("sku {}: beginRange {b:?}", raw.product.sku))?,
            };
            let end = match d.end_range.as_deref() {
                None | Some("") | Some("Inf") => None,
                Some(e) => Some(
                    Decimal::from_str(e)
                        .ok()
                        .filter(|e| (Decimal::ZERO..=crate::limits::QUANTITY_MAX).contains(e))
                        .ok_or_else(|| format!("sku {}: endRange {e:?}", raw.product.sku))?,
                ),
            };
            on_demand.push(Dimension {
                begin,
                end,
                unit: d.unit.clone(),
                usd,
                description: d.description.clone(),
            });
        }
    }
    on_demand.sort_by_key(|d| d.begin);
    let service_code = if raw.service_code.is_empty() {
        raw.product
            .attributes
            .get("servicecode")
            .cloned()
            .unwrap_or_default()
    } else {
        raw.service_code
    };
    let reserved = reserved::parse(&raw.product.sku, &raw.terms.reserved)?;
    Ok(Product {
        reserved,
        sku: raw.product.sku,
        service_code,
        product_family: raw.product.product_family,
        attributes: raw.product.attributes,
        publication_date: raw.publication_date,
        on_demand,
    })
}

/// What `aws pricing get-products` prints (or one GetProducts page):
/// `{"FormatVersion": "aws_v1", "PriceList": ["{...}", ...], "NextToken": "..."}`.
/// Several such documents one after another (outputs appended with `>>`) are read in turn.
pub fn parse_get_products_output(text: &str) -> Result<Vec<Product>, String> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Output {
        #[serde(default)]
        format_version: Option<String>,
        price_list: Vec<serde_json::Value>,
    }
    let mut out = Vec::new();
    let mut docs = 0;
    for doc in serde_json::Deserializer::from_str(text).into_iter::<Output>() {
        let doc = doc.map_err(|e| {
            format!(
                "not the JSON that `aws pricing get-products` prints \
                 ({{\"FormatVersion\", \"PriceList\": [...]}}): {e}"
            )
        })?;
        docs += 1;
        if let Some(v) = &doc.format_version
            && v != "aws_v1"
        {
            return Err(format!("FormatVersion {v:?} is not supported (aws_v1 is)"));
        }
        for (i, entry) in doc.price_list.iter().enumerate() {
            // The API returns each product as a string of JSON; accept an already-decoded object too.
            let product = match entry {
                serde_json::Value::String(s) => parse_product(s),
                v @ serde_json::Value::Object(_) => parse_product(&v.to_string()),
                _ => Err("a PriceList entry must be a JSON string".to_string()),
            }
            .map_err(|e| format!("PriceList[{i}]: {e}"))?;
            out.push(product);
        }
    }
    if docs == 0 {
        return Err("empty: expected the JSON that `aws pricing get-products` prints".into());
    }
    Ok(out)
}

/// Where a price came from, for the `source` field of each price.
#[derive(Debug, Clone)]
pub struct Origin {
    /// "AWS Price List API (GetProducts)" or "aws pricing get-products output FILE".
    pub via: String,
    /// YYYY-MM-DD the prices were read.
    pub fetched_on: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn region_prefixes_are_stripped_and_only_those() {
        assert_eq!(
            strip_region_prefix("USE1-Fargate-vCPU-Hours:perCPU"),
            "Fargate-vCPU-Hours:perCPU"
        );
        assert_eq!(
            strip_region_prefix("USW2-BoxUsage:t3.micro"),
            "BoxUsage:t3.micro"
        );
        assert_eq!(
            strip_region_prefix("EU-Lambda-GB-Second"),
            "Lambda-GB-Second"
        );
        assert_eq!(
            strip_region_prefix("APN1-ApiGatewayRequest"),
            "ApiGatewayRequest"
        );
        assert_eq!(strip_region_prefix("Lambda-GB-Second"), "Lambda-GB-Second");
        assert_eq!(
            strip_region_prefix("BoxUsage:t3.micro"),
            "BoxUsage:t3.micro"
        );
        assert_eq!(
            strip_region_prefix("EBS:VolumeUsage.gp3"),
            "EBS:VolumeUsage.gp3"
        );
        assert_eq!(
            strip_region_prefix("DataTransfer-Out-Bytes"),
            "DataTransfer-Out-Bytes"
        );
        assert_eq!(strip_region_prefix("RDS:GP3-Storage"), "RDS:GP3-Storage");
    }

    #[test]
    fn tiered_product_keeps_ranges() {
        let text = r#"{"product":{"productFamily":"Serverless","attributes":{"regionCode":"us-east-1","usagetype":"Lambda-GB-Second"},"sku":"S1"},"serviceCode":"AWSLambda","terms":{"OnDemand":{"S1.T":{"priceDimensions":{
            "S1.T.B":{"unit":"Lambda-GB-Second","beginRange":"6000000000","endRange":"15000000000","pricePerUnit":{"USD":"0.0000150000"},"description":"t2"},
            "S1.T.A":{"unit":"Lambda-GB-Second","beginRange":"0","endRange":"6000000000","pricePerUnit":{"USD":"0.0000166667"},"description":"t1"},
            "S1.T.C":{"unit":"Lambda-GB-Second","beginRange":"15000000000","endRange":"Inf","pricePerUnit":{"USD":"0.0000133334"},"description":"t3"}}}}},"publicationDate":"2026-10-30T18:00:00Z"}"#;
        let p = parse_product(text).unwrap();
        assert_eq!(p.on_demand.len(), 3);
        assert_eq!(p.on_demand[0].end, Some(dec!(6000000000)));
        assert_eq!(p.on_demand[1].usd, dec!(0.000015));
        assert_eq!(p.on_demand[2].end, None);
    }
}
