//! The Price List Query API (awsJson1.1): filtering and paging the products of
//! `tests/data/aws/pricing/*.json`.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::pricing_files;
use super::server::{Response, Server};

/// One product of the catalog: its JSON text (as the API returns it) and parsed form.
pub struct CatalogItem {
    pub text: String,
    pub doc: Value,
}

pub fn catalog() -> Vec<CatalogItem> {
    let mut out = Vec::new();
    for f in pricing_files() {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        for s in v["PriceList"].as_array().unwrap() {
            let text = s.as_str().unwrap().to_string();
            let doc = serde_json::from_str(&text).unwrap();
            out.push(CatalogItem { text, doc });
        }
    }
    out
}

fn matches(doc: &Value, service: &str, filters: &[Value]) -> bool {
    if doc["serviceCode"] != service {
        return false;
    }
    filters.iter().all(|f| {
        let field = f["Field"].as_str().unwrap_or("");
        let value = f["Value"].as_str().unwrap_or("");
        let have = if field == "productFamily" {
            doc["product"]["productFamily"].as_str()
        } else {
            doc["product"]["attributes"][field].as_str()
        }
        .unwrap_or("");
        match f["Type"].as_str().unwrap_or("") {
            "ANY_OF" => value.split(',').any(|v| v == have),
            "NONE_OF" => !value.split(',').any(|v| v == have),
            "CONTAINS" => have.contains(value),
            _ => have == value,
        }
    })
}

/// How the fake Price List API misbehaves, request by request.
#[derive(Default)]
pub struct PricingScript {
    /// Error codes to answer the first requests with, in order (then normal answers).
    pub fail_first: Mutex<VecDeque<&'static str>>,
    /// Answer every request with this error code.
    pub always: Option<&'static str>,
    /// Products per page (forces NextToken paging).
    pub page_size: usize,
    /// A service whose first page is empty but carries a NextToken (the API does that).
    pub empty_first_page_for: Option<&'static str>,
}

pub fn aws_json_error(code: &str, message: &str) -> Response {
    // awsJson services answer client-side faults, throttling included, with 400.
    Response {
        status: 400,
        headers: vec![
            ("content-type".into(), "application/x-amz-json-1.1".into()),
            (
                "x-amzn-errortype".into(),
                format!("{code}:http://internal.amazon.com/coral/com.amazonaws.awspricing/"),
            ),
        ],
        body: json!({"__type": format!("com.amazonaws.awspricing#{code}"), "Message": message})
            .to_string()
            .into_bytes(),
    }
}

pub fn pricing_server(script: PricingScript) -> Server {
    let items = catalog();
    let script = Arc::new(script);
    Server::start(move |req| {
        assert_eq!(
            req.header("x-amz-target"),
            Some("AWSPriceListService.GetProducts"),
            "only GetProducts is expected"
        );
        if let Some(code) = script.always {
            return aws_json_error(code, "scripted failure");
        }
        if let Some(code) = script.fail_first.lock().unwrap().pop_front() {
            return aws_json_error(code, "Rate exceeded");
        }
        let body = req.json();
        let service = body["ServiceCode"].as_str().unwrap_or("");
        let filters = body["Filters"].as_array().cloned().unwrap_or_default();
        let found: Vec<&CatalogItem> = items
            .iter()
            .filter(|i| matches(&i.doc, service, &filters))
            .collect();
        let token = body["NextToken"].as_str();
        let page = script.page_size.max(1);
        let (offset, list) = match token {
            None if script.empty_first_page_for == Some(service) => (0, vec![]),
            None => (0, found.iter().take(page).collect::<Vec<_>>()),
            Some(t) => {
                let off: usize = t.trim_start_matches("tok-").parse().expect("our own token");
                (off, found.iter().skip(off).take(page).collect())
            }
        };
        let next = offset + list.len();
        let mut out = json!({
            "FormatVersion": "aws_v1",
            "PriceList": list.iter().map(|i| i.text.clone()).collect::<Vec<_>>(),
        });
        if next < found.len() {
            out["NextToken"] = json!(format!("tok-{next}"));
        }
        Response {
            status: 200,
            headers: vec![("content-type".into(), "application/x-amz-json-1.1".into())],
            body: out.to_string().into_bytes(),
        }
    })
}
