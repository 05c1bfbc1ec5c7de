//! The document: JSON or YAML text to one JSON value (bounded), its version, its base path and
//! local `$ref`s followed (a bounded number of hops, so a cycle of references ends).

use super::SpecError;
use serde_json::{Map, Value};

/// The most nested a document may be (serde_json and serde_yaml_ng stop at 128 already).
const MAX_DEPTH: usize = 128;
/// The most `$ref` hops followed from one place: a longer chain is taken for a cycle.
const MAX_REF_HOPS: usize = 32;
/// The most values a document may hold once YAML aliases are expanded.
const MAX_NODES: usize = 2_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    Swagger2,
    OpenApi3,
}

/// A parsed document and what every operation needs from its top level.
pub struct Doc {
    pub root: Value,
    pub version: Version,
    /// The servers' (3.x) or `basePath`'s (2.0) path, without a trailing `/` (may be empty).
    pub base: String,
}

/// Why a `$ref` was not followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefIssue {
    /// Another file or URL: only references inside the document are followed.
    External,
    Missing,
    /// More than [`MAX_REF_HOPS`] hops: a cycle.
    Cycle,
}

pub fn parse(text: &str) -> Result<Doc, SpecError> {
    let root = to_value(text)?;
    let version = version(&root)?;
    let base = base_path(&root, version);
    Ok(Doc {
        root,
        version,
        base,
    })
}

/// JSON when it starts like JSON (better errors), else YAML (a superset of it).
fn to_value(text: &str) -> Result<Value, SpecError> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return serde_json::from_str(trimmed)
            .map_err(|e| SpecError::Syntax(format!("cannot read it as JSON: {e}")));
    }
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(trimmed)
        .map_err(|e| SpecError::Syntax(format!("cannot read it as YAML: {e}")))?;
    let mut nodes = 0;
    from_yaml(&yaml, 0, &mut nodes)
}

fn from_yaml(
    v: &serde_yaml_ng::Value,
    depth: usize,
    nodes: &mut usize,
) -> Result<Value, SpecError> {
    use serde_yaml_ng::Value as Y;
    *nodes += 1;
    if depth > MAX_DEPTH || *nodes > MAX_NODES {
        return Err(SpecError::Syntax(format!(
            "cannot read it as YAML: more than {MAX_DEPTH} levels deep or {MAX_NODES} values"
        )));
    }
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => Value::Array(
            items
                .iter()
                .map(|i| from_yaml(i, depth + 1, nodes))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                // Response codes are numbers in YAML (`200:`), keys everywhere else.
                let key = match k {
                    Y::String(s) => s.clone(),
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    _ => continue,
                };
                out.insert(key, from_yaml(v, depth + 1, nodes)?);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => from_yaml(&t.value, depth + 1, nodes)?,
    })
}

fn version(root: &Value) -> Result<Version, SpecError> {
    let Some(top) = root.as_object() else {
        return Err(SpecError::NotOpenApi);
    };
    let field = |k: &str| match top.get(k) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let v = match (field("openapi"), field("swagger")) {
        (Some(v), _) if v.starts_with("3.") => Version::OpenApi3,
        (None, Some(v)) if v == "2.0" || v == "2" => Version::Swagger2,
        (Some(v), _) | (None, Some(v)) => return Err(SpecError::Version(v)),
        (None, None) => return Err(SpecError::NotOpenApi),
    };
    match top.get("paths") {
        Some(Value::Object(_)) => Ok(v),
        _ => Err(SpecError::NoPaths),
    }
}

/// The path part of the first server's URL (its variables at their defaults), or `basePath`.
fn base_path(root: &Value, version: Version) -> String {
    let raw = match version {
        Version::Swagger2 => root["basePath"].as_str().unwrap_or("").to_string(),
        Version::OpenApi3 => {
            let server = &root["servers"][0];
            let mut url = server["url"].as_str().unwrap_or("").to_string();
            if let Some(vars) = server["variables"].as_object() {
                for (k, v) in vars {
                    let default = v["default"].as_str().unwrap_or("");
                    url = url.replace(&format!("{{{k}}}"), default);
                }
            }
            match url.split_once("://") {
                Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]).to_string(),
                None => url,
            }
        }
    };
    let path = raw.split(['?', '#']).next().unwrap_or("");
    // Only a plain path is kept: a template left in it or odd characters would not check.
    let plain = path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/-_.~".contains(c));
    if !plain || !path.starts_with('/') {
        return String::new();
    }
    path.trim_end_matches('/').to_string()
}

impl Doc {
    /// `v`, or what its `$ref` (and theirs) points to inside the document.
    pub fn deref<'a>(&'a self, mut v: &'a Value) -> Result<&'a Value, RefIssue> {
        for _ in 0..MAX_REF_HOPS {
            let Some(r) = v.get("$ref").and_then(Value::as_str) else {
                return Ok(v);
            };
            v = self.lookup(r)?;
        }
        Err(RefIssue::Cycle)
    }

    /// The value a local reference (`#/components/schemas/Pet`) names.
    pub fn lookup(&self, r: &str) -> Result<&Value, RefIssue> {
        let Some(pointer) = r.strip_prefix('#') else {
            return Err(RefIssue::External);
        };
        self.root
            .pointer(&percent_decode(pointer))
            .ok_or(RefIssue::Missing)
    }

    /// `v` dereferenced, or `Null` when its reference does not resolve (noted by the caller).
    pub fn get<'a>(&'a self, v: &'a Value) -> &'a Value {
        self.deref(v).unwrap_or(&Value::Null)
    }
}

/// `%7B` and friends in a reference (JSON pointer escapes `~0` `~1` are serde_json's).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|c| hex(*c)),
                b.get(i + 2).and_then(|c| hex(*c)),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
