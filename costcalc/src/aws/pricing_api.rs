//! GetProducts at the edge: a small trait for one page, the SDK client behind it, and the paging
//! loop (NextToken until absent, bounded) that every source shares.

use super::error::{Api, AwsError, Kind, from_sdk};
use super::price_list::{Product, Query, parse_product};

/// One GetProducts page as the API returns it: PriceList entries are JSON text.
#[derive(Debug, Clone, Default)]
pub struct ProductsPage {
    pub price_list: Vec<String>,
    pub next_token: Option<String>,
}

/// Something that answers one GetProducts page.
pub trait ProductSource {
    fn get_products(
        &self,
        query: &Query,
        next_token: Option<String>,
    ) -> impl Future<Output = Result<ProductsPage, AwsError>>;
}

/// A query is abandoned past this many pages (100 products each): the filters are too loose.
pub const MAX_PAGES_PER_QUERY: usize = 100;

/// Run every query to its last page; `progress` hears one line per page.
pub async fn fetch_all(
    source: &impl ProductSource,
    queries: &[Query],
    progress: &mut dyn FnMut(&str),
) -> Result<Vec<Product>, AwsError> {
    let mut out = Vec::new();
    for q in queries {
        let mut token = None;
        let mut pages = 0;
        let mut count = 0;
        loop {
            let page = source.get_products(q, token.take()).await?;
            pages += 1;
            for (i, text) in page.price_list.iter().enumerate() {
                let p = parse_product(text).map_err(|e| {
                    AwsError::new(
                        Api::Pricing,
                        Kind::Other,
                        format!("{} page {pages} PriceList[{i}]: {e}", q.service_code),
                    )
                })?;
                out.push(p);
                count += 1;
            }
            progress(&format!("{}: page {pages}, {count} products", describe(q)));
            match page.next_token {
                Some(t) if !t.is_empty() => {
                    if pages >= MAX_PAGES_PER_QUERY {
                        return Err(AwsError::new(
                            Api::Pricing,
                            Kind::Other,
                            format!(
                                "{} returned more than {MAX_PAGES_PER_QUERY} pages; stopping",
                                describe(q)
                            ),
                        ));
                    }
                    token = Some(t);
                }
                _ => break,
            }
        }
    }
    Ok(out)
}

fn describe(q: &Query) -> String {
    let f: Vec<String> = q
        .filters
        .iter()
        .filter(|f| f.field != "regionCode" && f.field != "fromRegionCode")
        .map(|f| match f.value.matches(',').count() {
            n if n >= 3 => format!("{}: {} values", f.field, n + 1),
            _ => format!("{}={}", f.field, f.value),
        })
        .collect();
    if f.is_empty() {
        q.service_code.to_string()
    } else {
        format!("{} ({})", q.service_code, f.join(", "))
    }
}

/// The real Price List Query API client.
pub struct SdkPricing {
    pub client: aws_sdk_pricing::Client,
}

impl ProductSource for SdkPricing {
    async fn get_products(
        &self,
        query: &Query,
        next_token: Option<String>,
    ) -> Result<ProductsPage, AwsError> {
        use aws_sdk_pricing::types::{Filter, FilterType};
        let mut req = self
            .client
            .get_products()
            .service_code(query.service_code)
            .format_version("aws_v1")
            .max_results(100)
            .set_next_token(next_token);
        for f in &query.filters {
            let filter = Filter::builder()
                .r#type(FilterType::from(f.kind))
                .field(f.field)
                .value(&f.value)
                .build()
                .map_err(|e| AwsError::new(Api::Pricing, Kind::Other, e.to_string()))?;
            req = req.filters(filter);
        }
        let out = req.send().await.map_err(|e| from_sdk(Api::Pricing, &e))?;
        Ok(ProductsPage {
            price_list: out.price_list().to_vec(),
            next_token: out.next_token().map(str::to_string),
        })
    }
}
