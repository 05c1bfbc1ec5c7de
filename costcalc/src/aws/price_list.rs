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
use rust_decimal_macros::dec;
use serde::Deserialize;

use crate::prices::{self, Ec2Instance, Price, PriceSnapshot, RdsInstance, Tier, TieredPrice};

/// One product with its on-demand price dimensions.
#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub sku: String,
    pub service_code: String,
    pub product_family: String,
    pub attributes: BTreeMap<String, String>,
    pub publication_date: String,
    pub on_demand: Vec<Dimension>,
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
        serde_json::from_str(text).map_err(|e| format!("not a Price List product: {e}"))?;
    let mut on_demand = Vec::new();
    for term in raw.terms.on_demand.values() {
        for d in term.price_dimensions.values() {
            let Some(usd) = d.price_per_unit.get("USD") else {
                continue;
            };
            let usd = Decimal::from_str(usd)
                .or_else(|_| Decimal::from_scientific(usd))
                .map_err(|_| format!("sku {}: price {usd:?} is not a number", raw.product.sku))?;
            let begin = match d.begin_range.as_deref() {
                None | Some("") => Decimal::ZERO,
                Some(b) => Decimal::from_str(b)
                    .map_err(|_| format!("sku {}: beginRange {b:?}", raw.product.sku))?,
            };
            let end = match d.end_range.as_deref() {
                None | Some("") | Some("Inf") => None,
                Some(e) => Some(
                    Decimal::from_str(e)
                        .map_err(|_| format!("sku {}: endRange {e:?}", raw.product.sku))?,
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
    Ok(Product {
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

/// One GetProducts query: a service code and its filters (field, type, value).
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub service_code: &'static str,
    pub filters: Vec<Filter>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub field: &'static str,
    /// `TERM_MATCH`, `EQUALS` or `ANY_OF` (comma-separated values).
    pub kind: &'static str,
    pub value: String,
}

fn f(field: &'static str, value: impl Into<String>) -> Filter {
    Filter {
        field,
        kind: "TERM_MATCH",
        value: value.into(),
    }
}

fn any_of(field: &'static str, values: &[&str]) -> Filter {
    Filter {
        field,
        kind: "ANY_OF",
        value: values.join(","),
    }
}

/// The billing prefix of a region's usage types (`USE1-ApiGatewayRequest`), for the queries that
/// filter on usage type. Matching never relies on it: it strips any prefix.
pub fn billing_prefix(region: &str) -> Option<&'static str> {
    Some(match region {
        "us-east-1" => "USE1",
        "us-east-2" => "USE2",
        "us-west-1" => "USW1",
        "us-west-2" => "USW2",
        "ca-central-1" => "CAN1",
        "eu-west-1" => "EU",
        "eu-west-2" => "EUW2",
        "eu-west-3" => "EUW3",
        "eu-central-1" => "EUC1",
        "eu-central-2" => "EUC2",
        "eu-north-1" => "EUN1",
        "eu-south-1" => "EUS1",
        "eu-south-2" => "EUS2",
        "ap-northeast-1" => "APN1",
        "ap-northeast-2" => "APN2",
        "ap-northeast-3" => "APN3",
        "ap-southeast-1" => "APS1",
        "ap-southeast-2" => "APS2",
        "ap-south-1" => "APS3",
        "ap-east-1" => "APE1",
        "sa-east-1" => "SAE1",
        "me-south-1" => "MES1",
        "me-central-1" => "MEC1",
        "af-south-1" => "AFS1",
        "il-central-1" => "ILC1",
        "us-gov-west-1" => "UGW1",
        "us-gov-east-1" => "UGE1",
        _ => return None,
    })
}

/// `usagetype` is any of `bases`, unprefixed or with the region's prefix (us-east-1 has both
/// spellings). Unknown prefix: the unprefixed spellings only, and the fetch says what is missing.
fn usage_types(region: &str, bases: &[&str]) -> Filter {
    let mut v: Vec<String> = bases.iter().map(|b| b.to_string()).collect();
    if let Some(p) = billing_prefix(region) {
        v.extend(bases.iter().map(|b| format!("{p}-{b}")));
    }
    Filter {
        field: "usagetype",
        kind: "ANY_OF",
        value: v.join(","),
    }
}

/// Every query `prices fetch` makes for `region`: narrow enough to stay at a few pages each.
/// `template` names the EC2 and RDS instance types to price.
pub fn queries(region: &str, template: &PriceSnapshot) -> Vec<Query> {
    let ec2_types: Vec<&str> = template.ec2.instances.keys().map(String::as_str).collect();
    let rds_types: Vec<&str> = template.rds.instances.keys().map(String::as_str).collect();
    let r = || f("regionCode", region);
    vec![
        Query {
            service_code: "AWSLambda",
            filters: vec![r()],
        },
        Query {
            service_code: "AmazonApiGateway",
            filters: vec![r()],
        },
        Query {
            service_code: "AmazonECS",
            filters: vec![r()],
        },
        Query {
            service_code: "AmazonEC2",
            filters: vec![
                r(),
                f("operatingSystem", "Linux"),
                f("tenancy", "Shared"),
                f("preInstalledSw", "NA"),
                f("capacitystatus", "Used"),
                any_of("instanceType", &ec2_types),
            ],
        },
        Query {
            service_code: "AmazonEC2",
            filters: vec![
                r(),
                f("productFamily", "Storage"),
                f("volumeApiName", "gp3"),
            ],
        },
        Query {
            service_code: "AmazonEC2",
            filters: vec![r(), f("productFamily", "NAT Gateway")],
        },
        Query {
            service_code: "AmazonVPC",
            filters: vec![r()],
        },
        Query {
            service_code: "AmazonRDS",
            filters: vec![
                r(),
                f("databaseEngine", "PostgreSQL"),
                any_of("instanceType", &rds_types),
            ],
        },
        Query {
            service_code: "AmazonRDS",
            filters: vec![
                r(),
                usage_types(
                    region,
                    &[
                        "RDS:GP3-Storage",
                        "RDS:Multi-AZ-GP3-Storage",
                        "RDS:ProxyUsage",
                    ],
                ),
            ],
        },
        Query {
            service_code: "AWSELB",
            filters: vec![r(), f("productFamily", "Load Balancer-Application")],
        },
        Query {
            service_code: "AmazonCloudWatch",
            filters: vec![r()],
        },
        Query {
            service_code: "AWSDataTransfer",
            filters: vec![
                f("fromRegionCode", region),
                f("transferType", "AWS Outbound"),
            ],
        },
    ]
}

/// The same queries as `aws pricing get-products` commands, for `--price-list-file`.
pub fn cli_commands(queries: &[Query]) -> String {
    let mut s = String::new();
    for (i, q) in queries.iter().enumerate() {
        let filters: Vec<String> = q
            .filters
            .iter()
            .map(|fl| format!("'Type={},Field={},Value={}'", fl.kind, fl.field, fl.value))
            .collect();
        s.push_str(&format!(
            "aws pricing get-products --region us-east-1 --service-code {} --format-version aws_v1 \\\n  --filters {} \\\n  {} prices.json\n",
            q.service_code,
            filters.join(" "),
            if i == 0 { ">" } else { ">>" }
        ));
    }
    s
}

/// Where a price came from, for the `source` field of each price.
#[derive(Debug, Clone)]
pub struct Origin {
    /// "AWS Price List API (GetProducts)" or "aws pricing get-products output FILE".
    pub via: String,
    /// YYYY-MM-DD the prices were read.
    pub fetched_on: String,
}

/// Build a snapshot for `region` from `products`. Figures the Price List does not carry (free
/// allowances, ALB LCU dimensions, Fargate included storage, instance sizes the list lacks) come
/// from `template` (the bundled snapshot). Every price must be found, except Fargate Spot (not in
/// the Price List: it moves with demand), which keeps the template's rate and says so.
pub fn build_snapshot(
    region: &str,
    products: &[Product],
    template: &PriceSnapshot,
    origin: &Origin,
) -> Result<PriceSnapshot, String> {
    let in_region: Vec<&Product> = products.iter().filter(|p| p.region() == region).collect();
    let mut m = Matcher {
        products: in_region,
        origin,
        missing: Vec::new(),
    };
    let t = template;
    let mut s = t.clone();
    s.schema = prices::SNAPSHOT_SCHEMA.to_string();
    s.region = region.to_string();
    s.as_of = origin.fetched_on.clone();

    let million = dec!(1000000);
    // Lambda: request price is per request in the list, per million in the snapshot.
    m.flat(&mut s.lambda.requests, "AWSLambda", "Request", million);
    m.flat(
        &mut s.lambda.ephemeral_storage,
        "AWSLambda",
        "Lambda-Storage-Ephemeral-GB-Second",
        Decimal::ONE,
    );
    m.tiered(
        &mut s.lambda.x86_64.duration,
        "AWSLambda",
        "Lambda-GB-Second",
        Decimal::ONE,
    );
    m.flat(
        &mut s.lambda.x86_64.provisioned_concurrency,
        "AWSLambda",
        "Lambda-Provisioned-Concurrency",
        Decimal::ONE,
    );
    m.flat(
        &mut s.lambda.x86_64.provisioned_duration,
        "AWSLambda",
        "Lambda-Provisioned-GB-Second",
        Decimal::ONE,
    );
    m.tiered(
        &mut s.lambda.arm64.duration,
        "AWSLambda",
        "Lambda-GB-Second-ARM",
        Decimal::ONE,
    );
    m.flat(
        &mut s.lambda.arm64.provisioned_concurrency,
        "AWSLambda",
        "Lambda-Provisioned-Concurrency-ARM",
        Decimal::ONE,
    );
    m.flat(
        &mut s.lambda.arm64.provisioned_duration,
        "AWSLambda",
        "Lambda-Provisioned-GB-Second-ARM",
        Decimal::ONE,
    );
    // API Gateway: per request and ranges in requests in the list; per million in the snapshot.
    m.tiered(
        &mut s.apigw.rest,
        "AmazonApiGateway",
        "ApiGatewayRequest",
        million,
    );
    m.tiered(
        &mut s.apigw.http,
        "AmazonApiGateway",
        "ApiGatewayHttpRequest",
        million,
    );
    // Fargate
    m.flat(
        &mut s.fargate.ephemeral_storage,
        "AmazonECS",
        "Fargate-EphemeralStorage-GB-Hours",
        Decimal::ONE,
    );
    m.flat(
        &mut s.fargate.x86_64.vcpu,
        "AmazonECS",
        "Fargate-vCPU-Hours:perCPU",
        Decimal::ONE,
    );
    m.flat(
        &mut s.fargate.x86_64.memory,
        "AmazonECS",
        "Fargate-GB-Hours",
        Decimal::ONE,
    );
    m.flat(
        &mut s.fargate.arm64.vcpu,
        "AmazonECS",
        "Fargate-ARM-vCPU-Hours:perCPU",
        Decimal::ONE,
    );
    m.flat(
        &mut s.fargate.arm64.memory,
        "AmazonECS",
        "Fargate-ARM-GB-Hours",
        Decimal::ONE,
    );
    m.optional_flat(
        &mut s.fargate.spot_x86_64.vcpu,
        "AmazonECS",
        "SpotUsage-Fargate-vCPU-Hours:perCPU",
        &t.as_of,
    );
    m.optional_flat(
        &mut s.fargate.spot_x86_64.memory,
        "AmazonECS",
        "SpotUsage-Fargate-GB-Hours",
        &t.as_of,
    );
    // EC2, VPC
    m.flat(
        &mut s.ec2.ebs_gp3,
        "AmazonEC2",
        "EBS:VolumeUsage.gp3",
        Decimal::ONE,
    );
    s.ec2.instances = m.ec2_instances(&t.ec2.instances);
    m.flat(
        &mut s.nat.hour,
        "AmazonEC2",
        "NatGateway-Hours",
        Decimal::ONE,
    );
    m.flat(
        &mut s.nat.processed,
        "AmazonEC2",
        "NatGateway-Bytes",
        Decimal::ONE,
    );
    m.flat(
        &mut s.ipv4.hour,
        "AmazonVPC",
        "PublicIPv4:InUseAddress",
        Decimal::ONE,
    );
    // RDS
    m.flat(
        &mut s.rds.storage_single_az,
        "AmazonRDS",
        "RDS:GP3-Storage",
        Decimal::ONE,
    );
    m.flat(
        &mut s.rds.storage_multi_az,
        "AmazonRDS",
        "RDS:Multi-AZ-GP3-Storage",
        Decimal::ONE,
    );
    s.rds.instances = m.rds_instances(&t.rds.instances);
    m.flat(
        &mut s.rds_proxy.vcpu,
        "AmazonRDS",
        "RDS:ProxyUsage",
        Decimal::ONE,
    );
    // ELB, CloudWatch Logs, data transfer
    m.flat(&mut s.alb.hour, "AWSELB", "LoadBalancerUsage", Decimal::ONE);
    m.flat(&mut s.alb.lcu, "AWSELB", "LCUUsage", Decimal::ONE);
    m.flat(
        &mut s.logs.ingest,
        "AmazonCloudWatch",
        "DataProcessing-Bytes",
        Decimal::ONE,
    );
    m.flat(
        &mut s.logs.storage,
        "AmazonCloudWatch",
        "TimedStorage-ByteHrs",
        Decimal::ONE,
    );
    m.tiered(
        &mut s.transfer.out,
        "AWSDataTransfer",
        "DataTransfer-Out-Bytes",
        Decimal::ONE,
    );

    if !m.missing.is_empty() {
        return Err(format!(
            "the Price List has no {} price for {}: {}",
            region,
            if m.missing.len() == 1 {
                "this usage type"
            } else {
                "these usage types"
            },
            m.missing.join("; ")
        ));
    }
    // The result must be a snapshot `--prices` loads: same parser, same validation.
    let text = toml::to_string(&s).map_err(|e| format!("cannot write the snapshot: {e}"))?;
    prices::parse(&text, "fetched snapshot").map_err(|e| e.to_string())?;
    Ok(s)
}

/// Rows that share a usage type with ours but price something else: other database engines
/// (RDS Proxy and storage are listed per engine), other load balancer kinds.
fn fits(p: &Product) -> bool {
    match p.service_code.as_str() {
        "AmazonRDS" => matches!(p.attr("databaseEngine"), "" | "Any" | "PostgreSQL"),
        "AWSELB" => p.product_family == "Load Balancer-Application",
        _ => true,
    }
}

struct Matcher<'a> {
    products: Vec<&'a Product>,
    origin: &'a Origin,
    missing: Vec<String>,
}

impl<'a> Matcher<'a> {
    fn find(&self, service: &str, base: &str) -> Vec<&'a Product> {
        self.products
            .iter()
            .copied()
            .filter(|p| p.service_code == service && p.base_usage_type() == base)
            .filter(|p| !p.on_demand.is_empty() && fits(p))
            .collect()
    }

    fn source(&self, p: &Product) -> String {
        let published = if p.publication_date.is_empty() {
            String::new()
        } else {
            format!(", published {}", p.publication_date)
        };
        format!(
            "{}, {} sku {}{}, read {}",
            self.origin.via, p.service_code, p.sku, published, self.origin.fetched_on
        )
    }

    /// The one product for (service, usage type); several with different prices is an error
    /// (the filters were too loose), several identical ones are fine.
    fn one(&mut self, service: &str, base: &str) -> Option<&'a Product> {
        let found = self.find(service, base);
        let Some(first) = found.first().copied() else {
            self.missing.push(format!("{service} {base}"));
            return None;
        };
        if let Some(other) = found.iter().find(|p| p.on_demand != first.on_demand) {
            self.missing.push(format!(
                "{service} {base} is ambiguous (skus {} and {} differ)",
                first.sku, other.sku
            ));
            return None;
        }
        Some(first)
    }

    fn flat(&mut self, slot: &mut Price, service: &str, base: &str, per: Decimal) {
        let Some(p) = self.one(service, base) else {
            return;
        };
        // A flat price with a free first range (e.g. 0-1 GB at 0) keeps the paid rate.
        let Some(d) = p
            .on_demand
            .iter()
            .rev()
            .find(|d| !d.usd.is_zero())
            .or(p.on_demand.last())
        else {
            return;
        };
        slot.usd = (d.usd * per).normalize();
        slot.usage_type = p.attr("usagetype").to_string();
        slot.source = self.source(p);
    }

    fn optional_flat(&mut self, slot: &mut Price, service: &str, base: &str, template_date: &str) {
        let found = self.find(service, base);
        match found.first() {
            Some(p) => {
                let d = p.on_demand.last().expect("find keeps priced products");
                slot.usd = d.usd.normalize();
                slot.usage_type = p.attr("usagetype").to_string();
                slot.source = self.source(p);
            }
            None => {
                slot.source = format!(
                    "not in the Price List (Spot rates move with demand): bundled snapshot of {template_date}; {}",
                    slot.source
                );
            }
        }
    }

    fn tiered(&mut self, slot: &mut TieredPrice, service: &str, base: &str, per: Decimal) {
        let Some(p) = self.one(service, base) else {
            return;
        };
        let mut dims: Vec<&Dimension> = p.on_demand.iter().collect();
        // The always-free allowance is a separate input (--free-tier); a leading free range in the
        // list would count it twice, so the next range starts at 0 instead.
        if dims.len() > 1 && dims[0].usd.is_zero() {
            dims.remove(0);
        }
        let n = dims.len();
        slot.tiers = dims
            .iter()
            .enumerate()
            .map(|(i, d)| Tier {
                from: if i == 0 {
                    Decimal::ZERO
                } else {
                    (d.begin / per).normalize()
                },
                to: if i + 1 == n {
                    None
                } else {
                    d.end.map(|e| (e / per).normalize())
                },
                usd: (d.usd * per).normalize(),
            })
            .collect();
        slot.usage_type = p.attr("usagetype").to_string();
        slot.source = self.source(p);
    }

    fn ec2_instances(
        &mut self,
        template: &BTreeMap<String, Ec2Instance>,
    ) -> BTreeMap<String, Ec2Instance> {
        let mut out = BTreeMap::new();
        for (name, t) in template {
            let found: Vec<&Product> = self
                .find("AmazonEC2", &format!("BoxUsage:{name}"))
                .into_iter()
                .filter(|p| {
                    p.attr("operatingSystem") == "Linux"
                        && p.attr("tenancy") == "Shared"
                        && p.attr("preInstalledSw") == "NA"
                        && matches!(p.attr("capacitystatus"), "Used" | "")
                })
                .collect();
            let Some(p) = found.first() else {
                // Not every type exists in every region: price what is offered.
                continue;
            };
            let Some(d) = p.on_demand.last() else {
                continue;
            };
            let vcpus = p.attr("vcpu").parse().unwrap_or(t.vcpus);
            let memory_gib = p
                .attr("memory")
                .trim_end_matches("GiB")
                .trim()
                .parse()
                .unwrap_or(t.memory_gib);
            let arch = if p.attr("physicalProcessor").contains("Graviton") {
                "arm64"
            } else if p.attr("physicalProcessor").is_empty() {
                t.arch.as_str()
            } else {
                "x86_64"
            };
            out.insert(
                name.clone(),
                Ec2Instance {
                    vcpus,
                    memory_gib,
                    arch: arch.to_string(),
                    usd: d.usd.normalize(),
                    usage_type: p.attr("usagetype").to_string(),
                    source: self.source(p),
                },
            );
        }
        if out.is_empty() {
            self.missing.push(format!(
                "AmazonEC2 BoxUsage (Linux, shared tenancy) for any of {}",
                template.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        out
    }

    fn rds_instances(
        &mut self,
        template: &BTreeMap<String, RdsInstance>,
    ) -> BTreeMap<String, RdsInstance> {
        let mut out = BTreeMap::new();
        let pg = |p: &&Product| {
            p.attr("databaseEngine") == "PostgreSQL" || p.attr("databaseEngine").is_empty()
        };
        for (name, t) in template {
            let single = self
                .find("AmazonRDS", &format!("InstanceUsage:{name}"))
                .into_iter()
                .find(pg);
            let multi = self
                .find("AmazonRDS", &format!("Multi-AZUsage:{name}"))
                .into_iter()
                .find(pg);
            let (Some(s), Some(m)) = (single, multi) else {
                continue;
            };
            let (Some(sd), Some(md)) = (s.on_demand.last(), m.on_demand.last()) else {
                continue;
            };
            out.insert(
                name.clone(),
                RdsInstance {
                    vcpus: s.attr("vcpu").parse().unwrap_or(t.vcpus),
                    single_az: sd.usd.normalize(),
                    multi_az: md.usd.normalize(),
                    usage_type: s.attr("usagetype").to_string(),
                    source: format!("{}; Multi-AZ sku {}", self.source(s), m.sku),
                },
            );
        }
        if out.is_empty() {
            self.missing.push(format!(
                "AmazonRDS InstanceUsage and Multi-AZUsage (PostgreSQL) for any of {}",
                template.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
