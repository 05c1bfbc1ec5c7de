//! `prices fetch` through the real aws-sdk-pricing client against a loopback Price List API that
//! answers in the service's own protocol from hand-written real-format products
//! (tests/data/aws/pricing): paging, an empty page, throttling then success, both usage-type
//! spellings, tiers, decoys; the one-line errors; the offline `--price-list-file` path.

use std::time::Duration;

use crate::support::aws::{PricingScript, Server, pricing_files, pricing_server};
use aws_sdk_pricing::config::retry::RetryConfig;
use aws_sdk_pricing::config::{BehaviorVersion, Credentials, Region};
use costcalc::aws::error::{AwsError, Kind};
use costcalc::aws::pricing_api::SdkPricing;
use costcalc::aws::{fetch_snapshot, snapshot_from_files};
use costcalc::catalog::diff as price_diff;
use costcalc::catalog::{self, PriceSnapshot};
use costcalc::pricing::lambda::{self, LambdaUsage};
use costcalc::purchase::{Arch, Payment, Term};
use rust_decimal_macros::dec;

fn client(url: &str, creds: bool) -> SdkPricing {
    let mut b = aws_sdk_pricing::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(url)
        // Real backoff, shortened so the test stays quick.
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(Duration::from_millis(20)),
        );
    if creds {
        b = b.credentials_provider(Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "test",
        ));
    }
    SdkPricing {
        client: aws_sdk_pricing::Client::from_conf(b.build()),
    }
}

async fn fetch(url: &str, region: &str) -> Result<PriceSnapshot, AwsError> {
    let mut lines = Vec::new();
    let r = fetch_snapshot(&client(url, true), region, "2026-11-27", &mut |l| {
        lines.push(l.to_string())
    })
    .await;
    assert!(r.is_err() || !lines.is_empty(), "progress is reported");
    r
}

/// A price the fetch adds to the bundled snapshot's: an RDS Reserved offer.
fn only_reserved_added(c: &price_diff::Change) -> bool {
    matches!(c, price_diff::Change::OnlyInB { path, .. } if path.starts_with("rds_reserved."))
}

/// P1 of the worked examples (3M x 120 ms x 1536 MB, free tier): compute 2.33, requests 0.40.
fn p1(p: &PriceSnapshot) -> rust_decimal::Decimal {
    let u = LambdaUsage {
        requests: dec!(3000000),
        billed_seconds: lambda::billed_seconds_uniform(dec!(3000000), dec!(120)),
        memory_mb: dec!(1536),
        ephemeral_mb: dec!(512),
        arch: Arch::X86_64,
        provisioned_concurrency: dec!(0),
        hours: dec!(730),
        free_tier: true,
    };
    costcalc::pricing::total(&lambda::price(&u, p))
}

#[tokio::test]
async fn fetch_pages_through_throttling_and_rebuilds_the_bundled_prices() {
    let server = pricing_server(PricingScript {
        fail_first: std::sync::Mutex::new(["ThrottlingException", "ThrottlingException"].into()),
        page_size: 4,
        empty_first_page_for: Some("AWSELB"),
        ..Default::default()
    });
    let snap = fetch(&server.url, "us-east-1")
        .await
        .expect("fetch succeeds");
    let bundled = catalog::bundled("us-east-1").unwrap();
    assert_prices_equal_the_bundled_ones(&bundled, &snap);
    assert_usage_types_tiers_and_decoys(&snap);
    assert_reserved_terms_and_instance_sizes(&snap);
    assert_aurora_read_from_the_list(&snap);
    assert_written_file_reloads(&snap, &bundled);
    assert_requests_paged_filtered_and_signed(&server);
}

/// Every price equals the bundled one, tiers and ranges included; the fetch adds only the
/// RDS Reserved offers (the bundled snapshot has none).
fn assert_prices_equal_the_bundled_ones(bundled: &PriceSnapshot, snap: &PriceSnapshot) {
    let changes = price_diff::diff(bundled, snap);
    assert!(changes.iter().all(only_reserved_added), "{changes:#?}");
    assert_eq!(changes.len(), 8, "4 offers x (upfront, hourly)");
    // The fetch date and a Price List source on each price.
    assert_eq!(snap.as_of, "2026-11-27");
    for row in price_diff::rows(snap) {
        assert!(
            row.source.contains("2026-11-27")
                || row.source.contains("bundled snapshot of 2026-11-01"),
            "{}: {}",
            row.path,
            row.source
        );
    }
}

/// Aurora PostgreSQL's rates come from the list (the fixture writes the bundled ones: see
/// make_fixtures.py); Aurora MySQL's rows of the same usage types (made-up $0.13 an ACU-hour,
/// $0.21 a million I/Os) are not taken; the proxy's per-ACU rate is kept and says so.
fn assert_aurora_read_from_the_list(snap: &PriceSnapshot) {
    let a = snap.aurora.as_ref().expect("the template's [aurora]");
    assert_eq!(a.serverless_v2.standard.usd, dec!(0.12));
    assert_eq!(
        a.serverless_v2.standard.usage_type,
        "USE1-Aurora:ServerlessV2Usage"
    );
    assert!(
        a.serverless_v2.standard.source.contains("AmazonRDS sku FX"),
        "{}",
        a.serverless_v2.standard.source
    );
    assert_eq!(a.serverless_v2.io_optimized.usd, dec!(0.16));
    assert_eq!(
        (a.storage.standard.usd, a.storage.io_optimized.usd),
        (dec!(0.1), dec!(0.225))
    );
    // $0.0000002 an I/O in the list, x 10^6 = $0.20 a million.
    assert_eq!(a.io.standard.usd, dec!(0.2));
    let i = &a.instances["db.r6g.large"];
    assert_eq!((i.standard, i.io_optimized), (dec!(0.26), dec!(0.338)));
    assert!(i.source.contains("I/O-Optimized sku FX"), "{}", i.source);
    let proxy = &a.proxy.as_ref().unwrap().acu.source;
    assert!(
        proxy.starts_with("not read by prices fetch: bundled snapshot of 2026-11-01"),
        "{proxy}"
    );
}

fn assert_usage_types_tiers_and_decoys(snap: &PriceSnapshot) {
    assert!(
        snap.lambda
            .x86_64
            .duration
            .source
            .contains("AWS Price List API GetProducts, AWSLambda sku FX"),
        "{}",
        snap.lambda.x86_64.duration.source
    );
    // Both spellings, as the Price List writes them.
    assert_eq!(snap.lambda.x86_64.duration.usage_type, "Lambda-GB-Second");
    assert_eq!(
        snap.ec2.instances["t3.micro"].usage_type,
        "BoxUsage:t3.micro"
    );
    assert_eq!(
        snap.fargate.x86_64.vcpu.usage_type,
        "USE1-Fargate-vCPU-Hours:perCPU"
    );
    assert_eq!(snap.apigw.rest.usage_type, "USE1-ApiGatewayRequest");
    // Tiers: per request in the list, per million in the snapshot; the free first GB dropped.
    assert_eq!(snap.apigw.rest.tiers[1].from, dec!(333));
    assert_eq!(snap.apigw.rest.tiers[1].usd, dec!(2.80));
    assert_eq!(snap.lambda.x86_64.duration.tiers.len(), 3);
    assert_eq!(snap.transfer.out.tiers[0].usd, dec!(0.09));
    // Decoys (Windows, MySQL, us-west-2) were not taken; Spot is carried and says so.
    assert_eq!(snap.ec2.instances["t3.micro"].usd, dec!(0.0104));
    assert_eq!(snap.rds.instances["db.t3.micro"].single_az, dec!(0.018));
    assert!(
        snap.fargate
            .spot_x86_64
            .vcpu
            .source
            .starts_with("not in the Price List")
    );
}

fn assert_reserved_terms_and_instance_sizes(snap: &PriceSnapshot) {
    // RDS Reserved terms (made up in the fixture, see make_fixtures.py): PostgreSQL db.t4g.micro
    // single-AZ only; the MySQL decoy's offer is not taken.
    let ri = snap.rds_reserved.as_ref().expect("Reserved terms read");
    assert!(
        ri.source.contains("AmazonRDS Reserved terms"),
        "{}",
        ri.source
    );
    assert_eq!(ri.offers.len(), 4);
    assert!(
        ri.offers
            .iter()
            .all(|o| o.class == "db.t4g.micro" && !o.multi_az)
    );
    let all_1y = ri
        .offer("db.t4g.micro", false, Term::OneYear, Payment::AllUpfront)
        .unwrap();
    assert_eq!(
        (all_1y.upfront_usd, all_1y.hourly_usd),
        (dec!(87.60), dec!(0))
    );
    let partial = ri
        .offer(
            "db.t4g.micro",
            false,
            Term::OneYear,
            Payment::PartialUpfront,
        )
        .unwrap();
    assert_eq!(
        (partial.upfront_usd, partial.hourly_usd),
        (dec!(45), dec!(0.005))
    );
    assert!(
        snap.savings_plans.is_none(),
        "Savings Plans rates are not fetched yet"
    );
    // Instance sizes come from the product attributes.
    assert_eq!(snap.ec2.instances["m7g.large"].arch, "arm64");
    assert_eq!(snap.ec2.instances["t3.small"].memory_gib, dec!(2));
}

/// What `prices fetch` writes loads unchanged through --prices, and prices P1 identically.
fn assert_written_file_reloads(snap: &PriceSnapshot, bundled: &PriceSnapshot) {
    let text = costcalc::catalog::to_toml(snap).unwrap();
    let reloaded = catalog::parse(&text, "fetched.toml").expect("the written file loads");
    assert_eq!(p1(&reloaded), p1(bundled));
    assert_eq!(p1(&reloaded).round_dp(2), dec!(2.73));
}

/// Requests: the throttled two, then every query to its last page, with NextToken.
fn assert_requests_paged_filtered_and_signed(server: &Server) {
    let reqs = server.requests();
    let bodies: Vec<serde_json::Value> = reqs.iter().map(|r| r.json()).collect();
    assert!(bodies.iter().any(|b| b["NextToken"] == "tok-4"), "paged");
    let elb: Vec<_> = bodies
        .iter()
        .filter(|b| b["ServiceCode"] == "AWSELB")
        .collect();
    assert_eq!(elb.len(), 2, "empty first page, then the NextToken page");
    for b in &bodies {
        assert_eq!(b["FormatVersion"], "aws_v1");
        let f = b["Filters"].as_array().unwrap();
        assert!(
            f.iter().any(
                |f| (f["Field"] == "regionCode" || f["Field"] == "fromRegionCode")
                    && f["Value"] == "us-east-1"
            ),
            "every query filters on the region: {b}"
        );
    }
    let sigv4 = reqs[0].header("authorization").unwrap_or("");
    assert!(sigv4.starts_with("AWS4-HMAC-SHA256"), "{sigv4}");
}

#[tokio::test]
async fn a_region_without_products_names_what_is_missing() {
    let server = pricing_server(PricingScript {
        page_size: 100,
        ..Default::default()
    });
    let e = fetch(&server.url, "xx-nowhere-1").await.unwrap_err();
    assert_eq!(e.kind, Kind::NotFound);
    let m = e.to_string();
    assert!(
        m.contains("AWSLambda Lambda-GB-Second") && m.contains("xx-nowhere-1"),
        "{m}"
    );
    assert!(!m.contains('\n'));
}

#[tokio::test]
async fn service_errors_become_one_line_with_what_to_do() {
    for (code, kind, needle) in [
        (
            "AccessDeniedException",
            Kind::AccessDenied,
            "pricing:GetProducts",
        ),
        ("ExpiredTokenException", Kind::Expired, "expired"),
        (
            "ThrottlingException",
            Kind::Throttled,
            "throttled after retries",
        ),
    ] {
        let server = pricing_server(PricingScript {
            always: Some(code),
            page_size: 100,
            ..Default::default()
        });
        let e = fetch(&server.url, "us-east-1").await.unwrap_err();
        assert_eq!(e.kind, kind, "{code}: {e}");
        let m = e.to_string();
        assert!(m.contains(needle) && m.contains("--price-list-file"), "{m}");
        assert!(!m.contains('\n'), "{m}");
        let attempts = server.requests().len();
        if kind == Kind::Throttled {
            assert_eq!(attempts, 3, "retried up to the attempt limit");
        } else {
            assert_eq!(attempts, 1, "{code} is not retried");
        }
    }
}

#[tokio::test]
async fn no_credentials_is_reported_before_any_request() {
    let server = pricing_server(PricingScript::default());
    let e = fetch_snapshot(
        &client(&server.url, false),
        "us-east-1",
        "2026-11-27",
        &mut |_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind, Kind::NoCredentials, "{e:?}");
    assert!(e.to_string().contains("aws configure"), "{e}");
    assert!(server.requests().is_empty());
}

#[test]
fn offline_price_list_files_build_the_same_snapshot() {
    let snap = snapshot_from_files("us-east-1", &pricing_files()).expect("offline import");
    let bundled = catalog::bundled("us-east-1").unwrap();
    assert!(
        price_diff::diff(&bundled, &snap)
            .iter()
            .all(only_reserved_added)
    );
    assert!(
        snap.nat
            .hour
            .source
            .starts_with("aws pricing get-products output ")
    );
    // Outputs appended into one file (`>>`) read the same.
    let dir = crate::support::aws::scratch("concat");
    let one = dir.join("all.json");
    let text: String = pricing_files()
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    std::fs::write(&one, text).unwrap();
    let again = snapshot_from_files("us-east-1", &[one]).unwrap();
    assert!(price_diff::diff(&snap, &again).is_empty());
    // A file missing services names them, and the command that gets them.
    let e = snapshot_from_files(
        "us-east-1",
        &[crate::support::aws::data("pricing/lambda.json")],
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("AmazonECS Fargate-vCPU-Hours:perCPU") && e.contains("--print-cli-commands"),
        "{e}"
    );
    // Not get-products output at all.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"Products": []}"#).unwrap();
    let e = snapshot_from_files("us-east-1", &[bad])
        .unwrap_err()
        .to_string();
    assert!(e.contains("aws pricing get-products"), "{e}");
}

#[tokio::test]
async fn an_unreachable_endpoint_says_so() {
    // A loopback port nobody listens on: bind one, then close it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let e = fetch(&format!("http://127.0.0.1:{port}"), "us-east-1")
        .await
        .unwrap_err();
    assert_eq!(e.kind, Kind::Unreachable, "{e:?}");
    let m = e.to_string();
    assert!(
        m.contains("AWS_ENDPOINT_URL") && m.contains("--price-list-file"),
        "{m}"
    );
}
