//! `loadgen scenario init --openapi`, the real binary, on documents this project did not write
//! and on journal-api's own, each starter then checked with `loadgen scenario check`:
//! - httpbin's (openapi/httpbin.json: what httpbin 0.10.2 from PyPI serves at /spec.json, made with
//!   httpbin 0.10.2 in a venv (scripts/requirements/httpbin.txt now pins 0.10.4 for stage 66) and
//!   `python -c "from httpbin import app; print(app.test_client().get('/spec.json').text)"`,
//!   pretty-printed with `python -m json.tool --indent 1`);
//! - the Swagger 2.0 petstore and an OpenAPI 3 petstore, in YAML;
//! - journal-api's live /openapi.json, whose starter is also played once (`scenario try`);
//! - hostile documents: one line, exit 2; and arbitrary JSON never panics (a property test).

use crate::support::{Server, loadgen, one_at_a_time};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Output;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/openapi")
        .join(name)
}

fn init(spec: &Path, out: &Path) -> Output {
    loadgen()
        .args(["scenario", "init", "--openapi"])
        .arg(spec)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

/// Runs init on `spec`, asserts success and that `scenario check` passes the result; returns it.
fn starter_checks(spec: &Path) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("starter.toml");
    let res = init(spec, &out);
    assert_eq!(res.status.code(), Some(0), "init {spec:?}: {res:?}");
    let check = loadgen()
        .args(["scenario", "check"])
        .arg(&out)
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    assert_eq!(check.status.code(), Some(0), "check: {check:?}\n{text}");
    text
}

#[test]
fn httpbin_spec_gives_a_journey_per_tag_that_checks() {
    let text = starter_checks(&fixture("httpbin.json"));
    // httpbin's 11 tags, no security scheme: no session.
    assert_eq!(text.matches("\n[journeys.").count(), 11, "{text}");
    assert!(!text.contains("[sessions."), "{text}");
    // A path parameter without a create is generated (small integers: /delay/N waits N s).
    assert!(text.contains("path = \"/delay/{int:1..10}\""), "{text}");
    // A redirect's statuses: 302, and 200 once followed.
    assert!(text.contains("expect = [200, 302]"), "{text}");
    // A default of a path parameter is used as it is.
    assert!(
        text.contains("path = \"/base64/SFRUUEJJTiBpcyBhd2Vzb21l\""),
        "{text}"
    );
}

#[test]
fn swagger2_petstore_yaml_binds_ids_and_marks_the_sign_in_todo() {
    let text = starter_checks(&fixture("petstore-swagger2.yaml"));
    // basePath /v2; POST /pet returns a Pet whose id the item paths use, DELETE forgets it.
    assert!(text.contains("save = { petId = \"/id\" }"), "{text}");
    assert!(text.contains("path = \"/v2/pet/{petId}\""), "{text}");
    assert!(text.contains("unset = [\"petId\"]"), "{text}");
    // The Pet example's name, its enum as a pick, formData as a form.
    assert!(text.contains("name = \"doggie\""), "{text}");
    assert!(text.contains("{pick:available|pending|sold}"), "{text}");
    assert!(text.contains("form = { name = "), "{text}");
    // The query array of an enum. OAuth2 implicit has no operation to sign in with: the API key
    // header is the session, its value TODO.
    assert!(
        text.contains("query = { status = \"{pick:available|pending|sold}\" }"),
        "{text}"
    );
    assert!(
        text.contains("vars = { token = \"TODO-api-key\" }"),
        "{text}"
    );
    assert!(
        text.contains("auth_header = \"api_key: {token}\""),
        "{text}"
    );
}

#[test]
fn openapi3_petstore_yaml_resolves_refs_and_cuts_recursion() {
    let text = starter_checks(&fixture("petstore-openapi3.yaml"));
    // The server's path with its variables' defaults.
    assert!(text.contains("path = \"/api/v1/pets/{pets_id}\""), "{text}");
    // Register then log in (a form), the token from the Tokens schema.
    assert!(text.contains("path = \"/api/v1/auth/register\""), "{text}");
    assert!(
        text.contains(
            "form = { password = \"{account.password}\", username = \"{account.email}\" }"
        ),
        "{text}"
    );
    assert!(
        text.contains("save = { token = \"/access_token\" }"),
        "{text}"
    );
    // allOf without the readOnly id; a recursive category cut where it repeats; the bounds of
    // weight_kg (0.5..80 -> 1..80) and age (18..120 exclusive -> 18..119).
    assert!(text.contains("category = { slug = \"dogs\" }"), "{text}");
    assert!(text.contains("weight_kg = \"{int:1..80}\""), "{text}");
    assert!(text.contains("age = \"{int:18..119}\""), "{text}");
    // A media-type example's braces are literal text; a nested create chain is followed.
    assert!(text.contains("name = \"Rex {{the second}}\""), "{text}");
    assert!(
        text.contains("path = \"/api/v1/owners/{ownerId}/visits/{visitId}\""),
        "{text}"
    );
    assert!(text.contains("references could not be followed"), "{text}");
}

/// GET /openapi.json from a live server, over a plain socket (no HTTP client in dev-dependencies).
fn get(url: &str, path: &str) -> String {
    let addr = url.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "{head}"
    );
    body.to_string()
}

#[test]
fn scenario_try_journal_api_starter_from_its_live_document() {
    let _turn = one_at_a_time();
    let server = Server::start();
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("openapi.json");
    std::fs::write(&spec, get(&server.url, "/openapi.json")).unwrap();
    let text = starter_checks(&spec);
    assert!(text.contains("save = { entry_id = \"/id\" }"), "{text}");
    // The starter, as written, plays every journey against the API it came from.
    let out = dir.path().join("journal.toml");
    assert_eq!(init(&spec, &out).status.code(), Some(0));
    let res = loadgen()
        .args(["scenario", "try"])
        .arg(&out)
        .args(["--host", &server.url])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&res.stdout);
    assert_eq!(
        res.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&res.stderr)
    );
    assert!(stdout.contains("journey entries: ok"), "{stdout}");
    assert!(stdout.contains("DELETE /api/v1/entries/"), "{stdout}");
}

/// `text` as a document gives exit 2 and one line naming the file and containing `want`.
fn refused(name: &str, text: &[u8], want: &str) {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join(name);
    std::fs::write(&spec, text).unwrap();
    let res = init(&spec, &dir.path().join("out.toml"));
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(2), "{name}: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "{name}: one line: {stderr}"
    );
    assert!(
        stderr.starts_with(&spec.display().to_string()),
        "{name}: {stderr}"
    );
    assert!(stderr.contains(want), "{name}: want {want:?}: {stderr}");
    assert!(
        !dir.path().join("out.toml").exists(),
        "{name}: nothing written"
    );
}

#[test]
fn hostile_documents_are_refused_in_one_line() {
    refused(
        "package.json",
        br#"{"name": "x", "version": "1.0.0"}"#,
        "not an OpenAPI document",
    );
    refused("list.json", b"[1, 2, 3]", "not an OpenAPI document");
    refused(
        "v4.yaml",
        b"openapi: 4.0.0\npaths: {}\n",
        "version '4.0.0' is not supported",
    );
    refused("nopaths.json", br#"{"openapi": "3.0.0"}"#, "no 'paths'");
    refused(
        "empty.json",
        br#"{"openapi": "3.0.0", "paths": {"/a": {}}}"#,
        "no operations",
    );
    refused("bad.json", b"{\"openapi\": ", "cannot read it as JSON");
    refused("binary.yaml", &[0xff, 0xfe, 0x00, 0x01], "not UTF-8");
    // 10,000 nested arrays: the parser's depth limit, not a stack overflow.
    let deep = format!(
        "{{\"openapi\": \"3.0.0\", \"paths\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    refused("deep.json", deep.as_bytes(), "recursion limit");
    // A billion laughs in YAML: aliases expanded a bounded number of times.
    let mut laughs =
        String::from("openapi: 3.0.0\na0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let prev = format!("*a{}", i - 1);
        laughs.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            [prev.as_str(); 9].join(", ")
        ));
    }
    laughs.push_str("paths: {}\n");
    refused(
        "laughs.yaml",
        laughs.as_bytes(),
        "as YAML: repetition limit exceeded",
    );
    // More operations than a scenario can hold.
    let paths: Vec<String> = (0..2_100)
        .map(|i| format!("\"/p{i}\": {{\"get\": {{}}}}"))
        .collect();
    let many = format!(
        "{{\"openapi\": \"3.0.0\", \"paths\": {{{}}}}}",
        paths.join(",")
    );
    refused("many.json", many.as_bytes(), "more than 2000 operations");
    // Over the size limit: refused before it is read.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(17 << 20).unwrap();
    let res = init(&big, &dir.path().join("out.toml"));
    assert_eq!(res.status.code(), Some(2), "{res:?}");
    assert!(
        String::from_utf8_lossy(&res.stderr).contains("more than the limit"),
        "{res:?}"
    );
}

#[test]
fn recursive_refs_and_ref_cycles_still_give_a_starter_that_checks() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("cycle.json");
    // A schema that contains itself, a $ref chain that loops (A -> B -> A), one to nowhere.
    let doc = r##"{"openapi": "3.0.0", "paths": {"/nodes": {"post": {
        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}}},
        "responses": {"201": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}},
      "/nodes/{id}": {"get": {"responses": {"200": {"description": ""}}}}},
      "components": {"schemas": {
        "Node": {"type": "object", "properties": {"name": {"type": "string"}, "child": {"$ref": "#/components/schemas/Node"},
                 "kids": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}, "gone": {"$ref": "#/nowhere"}}},
        "A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"}}}}"##;
    std::fs::write(&spec, doc).unwrap();
    let text = starter_checks(&spec);
    assert!(
        text.contains("json = { name = \"{words:1..5}\" }"),
        "{text}"
    );
}

#[test]
fn out_is_not_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.toml");
    std::fs::write(&out, "keep me").unwrap();
    let spec = fixture("petstore-swagger2.yaml");
    let res = init(&spec, &out);
    assert_eq!(res.status.code(), Some(2), "{res:?}");
    assert!(
        String::from_utf8_lossy(&res.stderr).contains("--force"),
        "{res:?}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");
    let res = loadgen()
        .args(["scenario", "init", "--force", "--openapi"])
        .arg(&spec)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(0), "{res:?}");
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .contains("[journeys.pet]")
    );
    // Without --out: the starter on standard output, the summary on standard error.
    let res = loadgen()
        .args(["scenario", "init", "--openapi"])
        .arg(&spec)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(0), "{res:?}");
    assert!(String::from_utf8_lossy(&res.stdout).contains("[journeys.store]"));
    assert!(
        String::from_utf8_lossy(&res.stderr).contains("3 journeys"),
        "{res:?}"
    );
}

mod never_panics {
    use loadgen::openapi::starter;
    use loadgen::scenario::{CheckOptions, parse};
    use proptest::prelude::*;
    use serde_json::{Map, Value, json};

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(|f| json!(f)),
            "[a-z{}/$#|.]{0,8}".prop_map(Value::String),
            prop_oneof![
                Just("#/components/schemas/S"),
                Just("#/paths"),
                Just("#"),
                Just("x.yaml#/a")
            ]
            .prop_map(|r| json!({ "$ref": r })),
        ];
        leaf.prop_recursive(5, 64, 6, |inner| {
            let keys = prop_oneof![
                Just("type".to_string()),
                Just("properties".to_string()),
                Just("items".to_string()),
                Just("enum".to_string()),
                Just("format".to_string()),
                Just("allOf".to_string()),
                Just("example".to_string()),
                Just("{id}".to_string()),
                Just("post".to_string()),
                Just("get".to_string()),
                Just("minimum".to_string()),
                Just("maxLength".to_string()),
                "[a-z/{}]{1,6}",
            ];
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec((keys, inner), 0..5)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Arbitrary JSON, and arbitrary JSON under OpenAPI's top-level keys: an error or a
        /// starter that passes check, never a panic.
        #[test]
        fn init_never_panics_and_what_it_writes_checks(
            v in any_json(),
            paths in any_json(),
            schemas in any_json(),
            swagger in any::<bool>(),
        ) {
            let _ = starter(&v.to_string());
            // "/b" always holds an operation whose body, answer and parameter are the arbitrary S.
            let s_ref = json!({ "$ref": "#/components/schemas/S" });
            let b = json!({ "post": {
                "requestBody": { "content": { "application/json": { "schema": s_ref } } },
                "parameters": [{ "name": "q", "in": "query", "required": true, "schema": s_ref }],
                "responses": { "201": { "content": { "application/json": { "schema": s_ref } } } } } });
            let mut doc = json!({ "paths": { "/a/{id}": paths, "/a": { "post": schemas.clone() }, "/b": b },
                                   "components": { "schemas": { "S": schemas.clone() }, "securitySchemes": v.clone() },
                                   "securityDefinitions": v,
                                   "definitions": { "S": schemas } });
            doc[if swagger { "swagger" } else { "openapi" }] = json!(if swagger { "2.0" } else { "3.0.0" });
            if let Ok(s) = starter(&doc.to_string()) {
                let checked = parse("starter.toml", std::path::Path::new("."), &s.toml, CheckOptions::default());
                prop_assert!(checked.is_ok(), "{:?}\n{}", checked.err(), s.toml);
            }
        }
    }
}
