//! The translation's rules, each on a small document: values from schemas (bounds worked by
//! hand), binding, ordering, sign-in, and every starter passing the scenario check.

use super::doc::{self, RefIssue};
use super::emit::Tv;
use super::schema::{Gen, scalar, string};
use super::{SpecError, starter};
use crate::scenario::{CheckOptions, parse};
use serde_json::{Value, json};

fn checks(toml: &str) {
    let r = parse(
        "starter.toml",
        std::path::Path::new("."),
        toml,
        CheckOptions::default(),
    );
    assert!(r.is_ok(), "{:?}\n{toml}", r.err());
}

fn doc3(paths: Value, components: Value) -> String {
    json!({ "openapi": "3.0.3", "info": { "title": "t", "version": "1" }, "paths": paths, "components": components })
        .to_string()
}

#[test]
fn strings_fit_their_length_bounds() {
    // n words make 2n-1 to 10n-1 characters: minLength 8 needs n >= 4 (ceil(8/2)); maxLength
    // 64 allows n <= 6 ((64+1)/10).
    assert_eq!(
        string(&json!({ "minLength": 8, "maxLength": 64 })),
        "{words:4..6}"
    );
    // No bounds: 1 to 5 words.
    assert_eq!(string(&json!({})), "{words:1..5}");
    // maxLength 5 allows no word count for sure ((5+1)/10 = 0): a fixed text of minLength 3.
    assert_eq!(string(&json!({ "minLength": 3, "maxLength": 5 })), "xxx");
    assert_eq!(
        string(&json!({ "format": "date-time" })),
        "2025-01-15T12:00:00Z"
    );
}

#[test]
fn numbers_keep_their_bounds_and_ids_stay_small() {
    let d = doc::parse(&json!({ "openapi": "3.0.0", "paths": {} }).to_string()).unwrap();
    let mut g = Gen::new(&d, true);
    // 0.5..80: ceil(0.5) = 1, floor(80) = 80.
    assert_eq!(
        g.value(
            &json!({ "type": "number", "minimum": 0.5, "maximum": 80 }),
            0
        ),
        Some(Tv::Str("{int:1..80}".into()))
    );
    // 3.0 exclusive bounds are flags: 0 < x < 10 is 1..9; 3.1's are numbers, the same.
    assert_eq!(g.value(&json!({ "type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "exclusiveMaximum": true }), 0), Some(Tv::Str("{int:1..9}".into())));
    assert_eq!(
        g.value(
            &json!({ "type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10 }),
            0
        ),
        Some(Tv::Str("{int:1..9}".into()))
    );
    // Only a minimum of 18: 18..(18+1000-1) = 18..1017.
    assert_eq!(
        g.value(&json!({ "type": "integer", "minimum": 18 }), 0),
        Some(Tv::Str("{int:18..1017}".into()))
    );
    // One value fits: that value.
    assert_eq!(
        g.value(&json!({ "type": "integer", "minimum": 7, "maximum": 7 }), 0),
        Some(Tv::Int(7))
    );
    // A path parameter without bounds: 1..10.
    assert_eq!(
        scalar(&d, &json!({ "name": "n", "in": "path", "type": "integer" })),
        "{int:1..10}"
    );
}

#[test]
fn examples_win_but_emails_and_uuids_are_fresh_and_braces_literal() {
    let d = doc::parse(&json!({ "openapi": "3.0.0", "paths": {} }).to_string()).unwrap();
    let mut g = Gen::new(&d, true);
    let schema = json!({ "type": "object", "properties": {
        "name": { "type": "string", "example": "a {b}" },
        "email": { "type": "string", "format": "email", "example": "ada@example.com" },
        "n": { "type": "integer", "example": "not a number" },
        "kind": { "type": "string", "enum": ["a|b", "c"] },
        "id": { "type": "integer", "readOnly": true },
    }});
    let v = g.value(&schema, 0).unwrap();
    let Tv::Obj(fields) = v else { panic!("{v:?}") };
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("name"), Some(Tv::Str("a {{b}}".into())));
    assert_eq!(get("email"), Some(Tv::Str("{email}".into())));
    // An example of the wrong type is not used; a '|' cannot go in a pick: the first item.
    assert_eq!(get("n"), Some(Tv::Str("{int:1..1000}".into())));
    assert_eq!(get("kind"), Some(Tv::Str("a|b".into())));
    assert_eq!(get("id"), None);
}

#[test]
fn refs_are_local_only_and_cycles_end() {
    let d = doc::parse(
        &json!({ "openapi": "3.0.0", "paths": {}, "components": { "schemas": {
        "A": { "$ref": "#/components/schemas/B" }, "B": { "$ref": "#/components/schemas/A" },
        "C~/D": { "type": "string" } } } })
        .to_string(),
    )
    .unwrap();
    assert_eq!(
        d.deref(&json!({ "$ref": "#/components/schemas/A" })),
        Err(RefIssue::Cycle)
    );
    assert_eq!(
        d.deref(&json!({ "$ref": "other.yaml#/A" })),
        Err(RefIssue::External)
    );
    assert_eq!(
        d.deref(&json!({ "$ref": "#/nope" })),
        Err(RefIssue::Missing)
    );
    assert_eq!(
        d.deref(&json!({ "$ref": "#/components/schemas/C~0~1D" })),
        Ok(&json!({ "type": "string" }))
    );
}

#[test]
fn creates_come_first_and_deletes_last_with_the_id_bound() {
    let ok = |code: &str, props: Value| json!({ code: { "description": "", "content": { "application/json": { "schema": { "type": "object", "properties": props } } } } });
    let text = doc3(
        json!({
            "/things/{thingId}": { "delete": { "tags": ["t"], "responses": { "204": { "description": "" } } },
                                   "get": { "tags": ["t"], "responses": ok("200", json!({})) } },
            "/things": { "post": { "tags": ["t"], "responses": ok("201", json!({ "id": { "type": "string" } })) } },
        }),
        json!({}),
    );
    let s = starter(&text).unwrap();
    checks(&s.toml);
    let post = s.toml.find("method = \"POST\"").unwrap();
    let get = s.toml.find("method = \"GET\"").unwrap();
    let delete = s.toml.find("method = \"DELETE\"").unwrap();
    assert!(post < get && get < delete, "{}", s.toml);
    assert!(
        s.toml.contains("save = { thingId = \"/id\" }"),
        "{}",
        s.toml
    );
    assert!(
        s.toml
            .contains("path = \"/things/{thingId}\"\nexpect = [204]\nunset = [\"thingId\"]"),
        "{}",
        s.toml
    );
    assert_eq!((s.journeys, s.steps), (1, 3));
}

#[test]
fn a_create_in_another_tag_is_played_before_its_use() {
    let created = json!({ "201": { "description": "", "content": { "application/json": { "schema": { "type": "object", "properties": { "id": { "type": "integer" } } } } } } });
    let text = doc3(
        json!({
            "/a": { "post": { "tags": ["make"], "responses": created } },
            "/a/{id}": { "get": { "tags": ["read"], "responses": { "200": { "description": "" } } } },
        }),
        json!({}),
    );
    let s = starter(&text).unwrap();
    checks(&s.toml);
    let read = &s.toml[s.toml.find("[journeys.read]").unwrap()..];
    assert!(
        read.contains("path = \"/a\"") && read.contains("path = \"/a/{a_id}\""),
        "{}",
        s.toml
    );
}

#[test]
fn api_keys_go_where_the_scheme_says() {
    let op = json!({ "get": { "responses": { "200": { "description": "" } } } });
    for (place, want) in [
        ("header", "auth_header = \"X-Key: {token}\""),
        ("cookie", "auth_header = \"Cookie: X-Key={token}\""),
        ("query", "query = { X-Key = \"{token}\" }"),
    ] {
        let text = json!({ "openapi": "3.0.0", "security": [{ "k": [] }], "paths": { "/x": op },
            "components": { "securitySchemes": { "k": { "type": "apiKey", "in": place, "name": "X-Key" } } } });
        let s = starter(&text.to_string()).unwrap();
        checks(&s.toml);
        assert!(s.toml.contains(want), "{place}: {}", s.toml);
        assert!(
            s.toml.contains("vars = { token = \"TODO-api-key\" }"),
            "{}",
            s.toml
        );
        assert!(s.toml.contains("session = \"user\""), "{}", s.toml);
    }
}

#[test]
fn oauth2_password_flow_signs_in_at_its_token_url() {
    let text = json!({ "swagger": "2.0", "basePath": "/v1", "security": [{ "o": [] }],
        "paths": { "/x": { "get": { "responses": { "200": { "description": "" } } } } },
        "securityDefinitions": { "o": { "type": "oauth2", "flow": "password", "tokenUrl": "https://id.example.com/oauth/token" } } });
    let s = starter(&text.to_string()).unwrap();
    checks(&s.toml);
    assert!(s.toml.contains("path = \"/oauth/token\""), "{}", s.toml);
    assert!(s.toml.contains("grant_type = \"password\""), "{}", s.toml);
    assert!(s.toml.contains("path = \"/v1/x\""), "{}", s.toml);
}

#[test]
fn what_is_not_a_document_says_why() {
    assert_eq!(starter("{}").unwrap_err(), SpecError::NotOpenApi);
    assert_eq!(
        starter("swagger: '1.2'\npaths: {}").unwrap_err(),
        SpecError::Version("1.2".into())
    );
    assert_eq!(
        starter("openapi: 3.1.0\npaths:\n  /a: {}\n").unwrap_err(),
        SpecError::NoOperations
    );
    // YAML response codes are numbers; they still count.
    let s = starter("openapi: 3.0.0\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok}\n").unwrap();
    assert!(s.toml.contains("expect = [200]"), "{}", s.toml);
}

#[test]
fn a_scheme_s_odd_names_cannot_break_the_file() {
    // A line break in the scheme's name (it goes in a comment) and a space in the header name.
    let text = json!({ "openapi": "3.0.0", "security": [{ "k\n[journeys.evil]": [] }],
        "paths": { "/x": { "get": { "responses": { "200": { "description": "" } } } } },
        "components": { "securitySchemes": { "k\n[journeys.evil]": { "type": "apiKey", "in": "header", "name": "X Key {token}" } } } });
    let s = starter(&text.to_string()).unwrap();
    checks(&s.toml);
    assert!(
        s.toml.contains("auth_header = \"X-API-Key: {token}\""),
        "{}",
        s.toml
    );
    assert!(!s.toml.contains("\n[journeys.evil]"), "{}", s.toml);
}

#[test]
fn a_tag_over_the_step_limit_is_split_into_journeys() {
    // 150 operations of one tag: 100 steps in 't', 50 in 't-2' (a list holds at most 100).
    let paths: serde_json::Map<String, Value> = (0..150)
        .map(|i| {
            (
                format!("/p{i:03}"),
                json!({ "get": { "tags": ["t"], "responses": {} } }),
            )
        })
        .collect();
    let s = starter(&json!({ "openapi": "3.0.0", "paths": paths }).to_string()).unwrap();
    checks(&s.toml);
    assert_eq!((s.journeys, s.steps), (2, 150));
    assert!(
        s.toml.contains("[journeys.t]") && s.toml.contains("[journeys.t-2]"),
        "{}",
        s.toml
    );
}
