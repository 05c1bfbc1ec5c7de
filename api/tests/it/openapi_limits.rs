//! The length limits are written twice: as constants that the validation uses, and as literals in
//! the utoipa `#[schema(min_length, max_length)]` attributes (which take no constants). The served
//! /openapi.json must say what the validation does: every limited property is mapped here to its
//! constants, and a limit on one side only fails.
//!
//! Covered: every `minLength`/`maxLength` of the served document, and the `limit` parameter's
//! bounds.

use std::collections::BTreeMap;

use journal_api::validate::{
    EMAIL_MAX, FIELD_MAX, FIELD_MIN, LIMIT_MAX, PASSWORD_MAX, PASSWORD_MIN,
};
use serde_json::Value;

use crate::support::{Backend, TestApp};

/// (minLength, maxLength) of one property.
type Limits = (Option<usize>, Option<usize>);

/// What the validation enforces, per (schema, property); any property absent here has no limit.
fn expected() -> BTreeMap<(&'static str, &'static str), Limits> {
    let entry_field = (Some(FIELD_MIN), Some(FIELD_MAX));
    let email = (None, Some(EMAIL_MAX));
    // Login checks only the cap (a wrong password is a 401); registration checks both bounds.
    let login_password = (None, Some(PASSWORD_MAX));
    BTreeMap::from([
        (("EntryCreate", "work"), entry_field),
        (("EntryCreate", "struggle"), entry_field),
        (("EntryCreate", "intention"), entry_field),
        (("EntryUpdate", "work"), entry_field),
        (("EntryUpdate", "struggle"), entry_field),
        (("EntryUpdate", "intention"), entry_field),
        (("RegisterRequest", "email"), email),
        (
            ("RegisterRequest", "password"),
            (Some(PASSWORD_MIN), Some(PASSWORD_MAX)),
        ),
        (("LoginForm", "username"), email),
        (("LoginForm", "password"), login_password),
        (("LoginJson", "email"), email),
        (("LoginJson", "password"), login_password),
    ])
}

/// The `key` of a property, wherever utoipa put it (an optional field may wrap its schema in
/// `oneOf`/`allOf`); two different values in one property are an error.
fn find(v: &Value, key: &str) -> Option<usize> {
    let mut found: Vec<u64> = Vec::new();
    collect(v, key, &mut found);
    found.dedup();
    assert!(
        found.len() <= 1,
        "{key} has several values: {found:?} in {v}"
    );
    found.first().map(|&n| usize::try_from(n).unwrap())
}

fn collect(v: &Value, key: &str, found: &mut Vec<u64>) {
    match v {
        Value::Object(map) => {
            if let Some(n) = map.get(key) {
                found.push(n.as_u64().unwrap_or_else(|| panic!("{key} = {n}")));
            }
            map.values().for_each(|c| collect(c, key, found));
        }
        Value::Array(items) => items.iter().for_each(|c| collect(c, key, found)),
        _ => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schema_length_limits_are_the_validation_constants() {
    let app = TestApp::new(Backend::Sqlite).await;
    let doc = app.get("/openapi.json", None).await.expect(200);
    let schemas = doc["components"]["schemas"]
        .as_object()
        .expect("components.schemas");
    let mut expected = expected();
    let mut checked = 0;
    for (schema, body) in schemas {
        let Some(props) = body["properties"].as_object() else {
            continue;
        };
        for (prop, def) in props {
            let actual = (find(def, "minLength"), find(def, "maxLength"));
            let want = expected
                .remove(&(schema.as_str(), prop.as_str()))
                .unwrap_or((None, None));
            assert_eq!(
                actual, want,
                "{schema}.{prop}: (minLength, maxLength) in /openapi.json vs the validation"
            );
            checked += 1;
        }
    }
    assert!(
        expected.is_empty(),
        "limited in the validation, absent from /openapi.json: {expected:?}"
    );
    // The twelve limited properties and at least the unlimited ones of the entry itself.
    assert!(checked > 12, "only {checked} properties found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_limit_parameter_bounds_are_the_validation_constants() {
    let app = TestApp::new(Backend::Sqlite).await;
    let doc = app.get("/openapi.json", None).await.expect(200);
    let params = doc["paths"]["/api/v1/entries"]["get"]["parameters"]
        .as_array()
        .expect("GET /api/v1/entries parameters");
    let limit = params
        .iter()
        .find(|p| p["name"] == "limit")
        .expect("the limit parameter");
    let max = usize::try_from(LIMIT_MAX).unwrap();
    // The lower bound 1 is the validation's own literal (`limit=0` is refused).
    assert_eq!(
        (find(limit, "minimum"), find(limit, "maximum")),
        (Some(1), Some(max)),
        "{limit}"
    );
}
