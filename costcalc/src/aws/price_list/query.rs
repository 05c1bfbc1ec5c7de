//! The GetProducts queries `prices fetch` makes, narrow enough to stay at a few pages each, and
//! the same queries as `aws pricing get-products` commands for the offline route.

use crate::catalog::PriceSnapshot;

use super::snapshot::PRICES;

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

/// RDS lists storage and proxy prices per engine and among thousands of rows: the queries ask
/// for the usage types the snapshot takes, CPU credits included.
fn rds_usage_types(template: &PriceSnapshot) -> Vec<String> {
    PRICES
        .iter()
        .filter(|p| p.service == "AmazonRDS")
        .map(|p| p.usage_type.to_string())
        .chain(
            template
                .rds
                .cpu_credits
                .keys()
                .map(|f| format!("CPUCredits:{f}")),
        )
        .collect()
}

/// Every query `prices fetch` makes for `region`: narrow enough to stay at a few pages each.
/// `template` names the EC2 and RDS instance types to price.
pub fn queries(region: &str, template: &PriceSnapshot) -> Vec<Query> {
    let ec2_types: Vec<&str> = template.ec2.instances.keys().map(String::as_str).collect();
    let rds_types: Vec<&str> = template.rds.instances.keys().map(String::as_str).collect();
    let r = || f("regionCode", region);
    let rds_usage = rds_usage_types(template);
    let rds_usage_types: Vec<&str> = rds_usage.iter().map(String::as_str).collect();
    let aurora_types: Vec<&str> = template
        .aurora
        .iter()
        .flat_map(|a| a.instances.keys().map(String::as_str))
        .collect();
    let q = |service_code, filters| Query {
        service_code,
        filters,
    };
    let mut v = vec![
        q("AWSLambda", vec![r()]),
        q("AmazonApiGateway", vec![r()]),
        q("AmazonECS", vec![r()]),
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
        q("AmazonEC2", vec![r(), f("productFamily", "NAT Gateway")]),
        q(
            "AmazonEC2",
            vec![
                r(),
                f("productFamily", "CPU Credits"),
                f("operatingSystem", "Linux"),
            ],
        ),
        q("AmazonVPC", vec![r()]),
        q(
            "AmazonRDS",
            vec![
                r(),
                f("databaseEngine", "PostgreSQL"),
                any_of("instanceType", &rds_types),
            ],
        ),
        q(
            "AmazonRDS",
            vec![r(), usage_types(region, &rds_usage_types)],
        ),
        q(
            "AWSELB",
            vec![r(), f("productFamily", "Load Balancer-Application")],
        ),
        q("AmazonCloudWatch", vec![r()]),
        q(
            "AWSDataTransfer",
            vec![
                f("fromRegionCode", region),
                f("transferType", "AWS Outbound"),
            ],
        ),
    ];
    if template.aurora.is_some() {
        v.push(q(
            "AmazonRDS",
            vec![r(), usage_types(region, &super::aurora::USAGE_TYPES)],
        ));
        v.push(q(
            "AmazonRDS",
            vec![
                r(),
                f("databaseEngine", super::aurora::ENGINE),
                any_of("instanceType", &aurora_types),
            ],
        ));
    }
    v
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
