//! The document's operations: each with its tag, parameters, request body, success statuses,
//! and the id a create operation (a POST on a collection) returns, which binds the `{param}` of
//! the item paths under it.

use super::doc::{Doc, Version};
use super::emit::{Body, Step, Tv, one_line};
use super::schema::{Gen, escape, scalar, type_of};
use crate::scenario::{RESERVED, is_name};
use serde_json::Value;

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "patch", "head", "options"];

/// One operation of the document.
pub struct Op<'a> {
    pub method: &'static str,
    /// The document's path (`/pets/{petId}`), without the base path.
    pub path: String,
    pub tag: String,
    pub summary: String,
    pub params: Vec<&'a Value>,
    pub op: &'a Value,
    /// Whether it needs credentials (its `security`, else the document's).
    pub secured: bool,
}

/// Every operation, in the document's order of paths, methods in [`METHODS`] order.
pub fn collect<'a>(doc: &'a Doc, max: usize) -> Result<Vec<Op<'a>>, usize> {
    let mut out = Vec::new();
    let global = doc.root.get("security");
    let Some(paths) = doc.root["paths"].as_object() else {
        return Ok(out);
    };
    let mut count = 0usize;
    for (path, item) in paths {
        let item = doc.get(item);
        if !path.starts_with('/') {
            continue;
        }
        let shared: Vec<&Value> = item["parameters"]
            .as_array()
            .map(|p| p.iter().map(|x| doc.get(x)).collect())
            .unwrap_or_default();
        for m in METHODS {
            let Some(op) = item.get(m).filter(|o| o.is_object()) else {
                continue;
            };
            count += 1;
            if count > max {
                return Err(count);
            }
            let own: Vec<&Value> = op["parameters"]
                .as_array()
                .map(|p| p.iter().map(|x| doc.get(x)).collect())
                .unwrap_or_default();
            // An operation's parameter replaces the path's of the same name and place.
            let mut params: Vec<&Value> = shared
                .iter()
                .filter(|s| {
                    !own.iter()
                        .any(|o| o["name"] == s["name"] && o["in"] == s["in"])
                })
                .copied()
                .collect();
            params.extend(own);
            let security = op.get("security").or(global);
            let secured = security.and_then(Value::as_array).is_some_and(|reqs| {
                !reqs.is_empty()
                    && !reqs
                        .iter()
                        .any(|r| r.as_object().is_some_and(|o| o.is_empty()))
            });
            let tag = op["tags"][0]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| {
                    path.split('/')
                        .find(|s| !s.is_empty() && !s.starts_with('{'))
                        .unwrap_or("default")
                        .to_string()
                });
            let summary = op["summary"]
                .as_str()
                .or_else(|| op["operationId"].as_str())
                .unwrap_or("");
            out.push(Op {
                method: m,
                path: path.clone(),
                tag,
                summary: one_line(summary),
                params,
                op,
                secured,
            });
        }
    }
    Ok(out)
}

/// The names in a path's `{...}` segments, in order.
pub fn path_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else { break };
        out.push(rest[i + 1..i + j].to_string());
        rest = &rest[i + j + 1..];
    }
    out
}

/// For `/users/{userId}/posts/{postId}` and `postId`: `/users/{userId}/posts`, the collection a
/// POST creates the item in.
pub fn collection_of(path: &str, param: &str) -> Option<String> {
    let at = path.find(&format!("/{{{param}}}"))?;
    (at > 0).then(|| path[..at].to_string())
}

/// A name loadgen accepts for a saved value: letters, digits, `_`, `-`, not a generator's.
pub fn var_name(raw: &str) -> String {
    let mut s: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        s.insert_str(0, "p_");
    }
    if RESERVED.contains(&s.as_str()) || s == "token" {
        s.push_str("_id");
    }
    debug_assert!(is_name(&s));
    s
}

fn is_json(media: &str) -> bool {
    let m = media.split(';').next().unwrap_or("").trim();
    m == "application/json" || m.ends_with("+json") || m == "*/*"
}

fn is_form(media: &str) -> bool {
    let m = media.split(';').next().unwrap_or("").trim();
    m == "application/x-www-form-urlencoded" || m == "multipart/form-data"
}

/// The schema of an operation's first success answer in JSON, if it has one.
pub fn success_schema<'a>(doc: &'a Doc, op: &'a Value) -> Option<&'a Value> {
    let responses = op["responses"].as_object()?;
    for code in ["201", "200", "202", "2XX", "default"] {
        let Some(r) = responses.get(code) else {
            continue;
        };
        let r = doc.get(r);
        let schema = match doc.version {
            Version::Swagger2 => r.get("schema"),
            Version::OpenApi3 => r["content"]
                .as_object()
                .and_then(|c| c.iter().find(|(m, _)| is_json(m)))
                .and_then(|(_, mt)| mt.get("schema")),
        };
        if let Some(s) = schema {
            return Some(doc.get(s));
        }
    }
    None
}

/// The top-level property names of a response schema (an `allOf`'s parts merged).
pub fn properties(doc: &Doc, schema: &Value) -> Vec<String> {
    let mut out: Vec<String> = schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for part in schema["allOf"].as_array().into_iter().flatten().take(16) {
        let part = doc.get(part);
        out.extend(
            part["properties"]
                .as_object()
                .into_iter()
                .flat_map(|p| p.keys().cloned()),
        );
    }
    out
}

/// The pointer to the id a create operation returns, for the path parameter `param`.
pub fn id_pointer(doc: &Doc, op: &Value, param: &str) -> Option<String> {
    let schema = success_schema(doc, op)?;
    if type_of(schema) != "object" && schema.get("allOf").is_none() {
        return None;
    }
    let props = properties(doc, schema);
    let lower = param.to_ascii_lowercase();
    let pick = props
        .iter()
        .find(|p| **p == param)
        .or_else(|| props.iter().find(|p| *p == "id"))
        .or_else(|| props.iter().find(|p| p.to_ascii_lowercase() == lower))
        .or_else(|| {
            props
                .iter()
                .find(|p| p.to_ascii_lowercase().ends_with("id"))
        })?;
    Some(format!("/{}", pick.replace('~', "~0").replace('/', "~1")))
}

/// The 2xx statuses the operation lists; without any, its 3xx (redirects are followed, so 200
/// too); else none (any 2xx).
pub fn expected(op: &Value) -> Vec<u16> {
    let codes: Vec<u16> = op["responses"]
        .as_object()
        .map(|r| r.keys().filter_map(|k| k.parse().ok()).collect())
        .unwrap_or_default();
    let ok: Vec<u16> = codes
        .iter()
        .copied()
        .filter(|c| (200..300).contains(c))
        .take(20)
        .collect();
    if !ok.is_empty() {
        return ok;
    }
    let mut redirects: Vec<u16> = codes
        .iter()
        .copied()
        .filter(|c| (300..400).contains(c))
        .take(19)
        .collect();
    if !redirects.is_empty() {
        redirects.insert(0, 200);
    }
    redirects
}

/// The request body: JSON from its schema or example, a form, or none.
pub fn body(doc: &Doc, o: &Op, unresolved: &mut usize) -> Body {
    let mut g = Gen::new(doc, true);
    let out = match doc.version {
        Version::Swagger2 => {
            let consumes_form = o.op["consumes"]
                .as_array()
                .or(doc.root["consumes"].as_array())
                .is_some_and(|c| c.iter().filter_map(Value::as_str).any(is_form));
            if let Some(p) = o.params.iter().find(|p| p["in"] == "body") {
                g.value(&p["schema"], 0).map_or(Body::None, Body::Json)
            } else {
                let fields: Vec<(String, String)> = o
                    .params
                    .iter()
                    .filter(|p| p["in"] == "formData")
                    .filter_map(|p| Some((p["name"].as_str()?.to_string(), scalar(doc, p))))
                    .collect();
                if fields.is_empty() && !consumes_form {
                    Body::None
                } else {
                    Body::Form(fields)
                }
            }
        }
        Version::OpenApi3 => {
            let rb = doc.get(&o.op["requestBody"]);
            let content = rb["content"].as_object();
            let json = content.and_then(|c| c.iter().find(|(m, _)| is_json(m)));
            let form = content.and_then(|c| c.iter().find(|(m, _)| is_form(m)));
            if let Some((_, mt)) = json {
                let example = mt.get("example").or_else(|| {
                    mt["examples"]
                        .as_object()?
                        .values()
                        .next()
                        .map(|e| doc.get(e))?
                        .get("value")
                });
                match example.and_then(|e| super::schema::literal(e, 0)) {
                    Some(v) => Body::Json(v),
                    None => g.value(&mt["schema"], 0).map_or(Body::None, Body::Json),
                }
            } else if let Some((_, mt)) = form {
                match g.value(&mt["schema"], 0) {
                    Some(Tv::Obj(fields)) => Body::Form(
                        fields
                            .into_iter()
                            .filter_map(|(k, v)| Some((k, form_text(v)?)))
                            .collect(),
                    ),
                    _ => Body::Form(Vec::new()),
                }
            } else {
                Body::None
            }
        }
    };
    *unresolved += g.unresolved;
    out
}

/// A form field's text: scalars only.
fn form_text(v: Tv) -> Option<String> {
    match v {
        Tv::Str(s) => Some(s),
        Tv::Int(i) => Some(i.to_string()),
        Tv::Float(f) => Some(f.to_string()),
        Tv::Bool(b) => Some(b.to_string()),
        Tv::Arr(mut items) if !items.is_empty() => form_text(items.swap_remove(0)),
        _ => None,
    }
}

/// A step for `o`: `{param}`s bound to `bound` (param -> saved name) when the session holds
/// them, else generated; required query and header parameters filled in.
pub fn step(
    doc: &Doc,
    o: &Op,
    bound: &dyn Fn(&str) -> Option<String>,
    unresolved: &mut usize,
) -> Step {
    let mut path = escape(&doc.base);
    let mut rest = o.path.as_str();
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else { break };
        path.push_str(&escape(&rest[..i]));
        let name = &rest[i + 1..i + j];
        let value = match bound(name) {
            Some(var) => format!("{{{var}}}"),
            None => {
                let p = o
                    .params
                    .iter()
                    .find(|p| p["in"] == "path" && p["name"] == name);
                p.map_or_else(|| "{words:1..1}".to_string(), |p| scalar(doc, p))
            }
        };
        path.push_str(&value);
        rest = &rest[i + j + 1..];
    }
    path.push_str(&escape(rest));
    let required = |place: &str| -> Vec<(String, String)> {
        o.params
            .iter()
            .filter(|p| p["in"] == place && p["required"] == true)
            .filter_map(|p| Some((p["name"].as_str()?.to_string(), scalar(doc, p))))
            .filter(|(n, _)| {
                !["authorization", "content-type", "accept"]
                    .contains(&n.to_ascii_lowercase().as_str())
            })
            .collect()
    };
    Step {
        comment: format!(
            "{} {}{}",
            o.method.to_ascii_uppercase(),
            one_line(&o.path),
            if o.summary.is_empty() {
                String::new()
            } else {
                format!(": {}", o.summary)
            }
        ),
        method: o.method.to_ascii_uppercase(),
        path,
        query: required("query"),
        headers: required("header"),
        body: body(doc, o, unresolved),
        expect: expected(o.op),
        save: Vec::new(),
        unset: Vec::new(),
    }
}
