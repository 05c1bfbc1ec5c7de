//! A schema to a value a step sends: its example when it has one, else one made from its type,
//! format, bounds and enum, as loadgen templates (`{email}`, `{uuid}`, `{int:1..9}`, ...) so each
//! request differs. Bounded: nesting depth, values per body, and a `$ref` already being expanded
//! is left out (a recursive schema ends).

use super::doc::Doc;
use super::emit::Tv;
use serde_json::Value;

/// The most nested a generated body may be.
const MAX_DEPTH: usize = 8;
/// The most values in one generated body.
const MAX_VALUES: usize = 300;
const MAX_PROPERTIES: usize = 64;
/// `{int:..}` stays within what a JSON number holds exactly.
const MAX_INT: i128 = 1 << 53;

/// What a walk over one schema has seen.
pub struct Gen<'a> {
    pub doc: &'a Doc,
    /// A request body: `readOnly` properties are left out.
    pub request: bool,
    budget: usize,
    refs: Vec<String>,
    /// References that could not be followed (another file, missing, a cycle).
    pub unresolved: usize,
}

impl<'a> Gen<'a> {
    pub fn new(doc: &'a Doc, request: bool) -> Gen<'a> {
        Gen {
            doc,
            request,
            budget: MAX_VALUES,
            refs: Vec::new(),
            unresolved: 0,
        }
    }

    /// A value for `schema`, `None` when there is none to send (null, a cycle, over a bound).
    pub fn value(&mut self, schema: &Value, depth: usize) -> Option<Tv> {
        if depth > MAX_DEPTH || self.budget == 0 {
            return None;
        }
        self.budget -= 1;
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            if self.refs.iter().any(|x| x == r) {
                return None;
            }
            let Ok(target) = self.doc.deref(schema) else {
                self.unresolved += 1;
                return None;
            };
            self.refs.push(r.to_string());
            let out = self.value(target, depth + 1);
            self.refs.pop();
            return out;
        }
        let s = schema.as_object()?;
        // Unique per request rather than the example: a second sign-up with the example's
        // address would be refused (unique data per user).
        if let Some(f @ ("email" | "idn-email" | "uuid")) = s.get("format").and_then(Value::as_str)
            && s.get("const").is_none()
            && s.get("enum").is_none()
        {
            return Some(Tv::Str(
                if f == "uuid" { "{uuid}" } else { "{email}" }.into(),
            ));
        }
        for key in ["example", "default", "const"] {
            if let Some(v) = s.get(key).and_then(|e| literal(e, 0))
                && matches_type(schema, &v)
            {
                return Some(v);
            }
        }
        if let Some(Value::Array(ex)) = s.get("examples")
            && let Some(v) = ex.first().and_then(|e| literal(e, 0))
        {
            return Some(v);
        }
        if let Some(Value::Array(items)) = s.get("enum") {
            return enumeration(items);
        }
        if let Some(Value::Array(all)) = s.get("allOf") {
            return self.all_of(all, depth);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(first) = s.get(key).and_then(|v| v.get(0)) {
                return self.value(first, depth + 1);
            }
        }
        match type_of(schema).as_str() {
            "object" => self.object(schema, depth),
            "array" => {
                let n = schema["minItems"].as_u64().unwrap_or(1).clamp(1, 3);
                let item = self.value(&schema["items"], depth + 1)?;
                Some(Tv::Arr(vec![item; n as usize]))
            }
            "integer" | "int" | "number" => Some(number(schema, 1000)),
            "boolean" => Some(Tv::Bool(true)),
            "null" => None,
            "file" => Some(Tv::Str("loadgen".into())),
            _ => Some(Tv::Str(string(schema))),
        }
    }

    fn object(&mut self, schema: &Value, depth: usize) -> Option<Tv> {
        let mut out = Vec::new();
        let Some(props) = schema["properties"].as_object() else {
            return Some(Tv::Obj(out));
        };
        for (name, p) in props.iter().take(MAX_PROPERTIES) {
            let resolved = self.doc.get(p);
            let flag = if self.request {
                "readOnly"
            } else {
                "writeOnly"
            };
            if resolved[flag].as_bool() == Some(true) || p[flag].as_bool() == Some(true) {
                continue;
            }
            if let Some(v) = self.value(p, depth + 1) {
                out.push((name.clone(), v));
            }
        }
        Some(Tv::Obj(out))
    }

    /// The properties of every part, in order (the first one of a name stays).
    fn all_of(&mut self, parts: &[Value], depth: usize) -> Option<Tv> {
        let mut merged: Vec<(String, Tv)> = Vec::new();
        let mut other = None;
        for p in parts {
            match self.value(p, depth + 1) {
                Some(Tv::Obj(fields)) => {
                    for (k, v) in fields {
                        if !merged.iter().any(|(m, _)| *m == k) {
                            merged.push((k, v));
                        }
                    }
                }
                Some(v) if other.is_none() => other = Some(v),
                _ => {}
            }
        }
        match other {
            Some(v) if merged.is_empty() => Some(v),
            _ => Some(Tv::Obj(merged)),
        }
    }
}

/// The schema's type: `type` (the first not null of a 3.1 list), else what its keys imply.
pub fn type_of(schema: &Value) -> String {
    match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_string(),
        _ if schema.get("properties").is_some() => "object".into(),
        _ if schema.get("items").is_some() => "array".into(),
        _ => String::new(),
    }
}

/// An example that contradicts its schema's type (a string for an integer) is not used.
fn matches_type(schema: &Value, v: &Tv) -> bool {
    match (type_of(schema).as_str(), v) {
        ("integer" | "int" | "number", Tv::Int(_) | Tv::Float(_)) => true,
        ("integer" | "int" | "number", _) => false,
        ("boolean", v) => matches!(v, Tv::Bool(_)),
        ("object", v) => matches!(v, Tv::Obj(_)),
        ("array", v) => matches!(v, Tv::Arr(_)),
        ("string", v) => matches!(v, Tv::Str(_)),
        _ => true,
    }
}

/// A JSON example as a body value: its strings' braces doubled (literal text, not templates),
/// nulls left out.
pub fn literal(v: &Value, depth: usize) -> Option<Tv> {
    if depth > MAX_DEPTH {
        return None;
    }
    Some(match v {
        Value::Null => return None,
        Value::Bool(b) => Tv::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Tv::Int(i),
            None => Tv::Float(n.as_f64().filter(|f| f.is_finite())?),
        },
        Value::String(s) => Tv::Str(escape(s)),
        Value::Array(items) => Tv::Arr(
            items
                .iter()
                .take(MAX_PROPERTIES)
                .filter_map(|i| literal(i, depth + 1))
                .collect(),
        ),
        Value::Object(m) => Tv::Obj(
            m.iter()
                .take(MAX_PROPERTIES)
                .filter_map(|(k, v)| Some((k.clone(), literal(v, depth + 1)?)))
                .collect(),
        ),
    })
}

/// Literal text in a template: `{` and `}` doubled.
pub fn escape(s: &str) -> String {
    s.replace('{', "{{").replace('}', "}}")
}

/// `{pick:a|b}` when every item is a plain string that fits the generator, else the first item.
fn enumeration(items: &[Value]) -> Option<Tv> {
    let strings: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
    let plain = |s: &&str| !s.is_empty() && !s.contains(['|', '{', '}']);
    if strings.len() == items.len()
        && strings.len() > 1
        && strings.len() <= 100
        && strings.iter().all(plain)
    {
        return Some(Tv::Str(format!("{{pick:{}}}", strings.join("|"))));
    }
    items.iter().find_map(|i| literal(i, 0))
}

/// `{int:MIN..MAX}` within the schema's bounds (1..`top` when it has none), or the one value
/// that fits.
fn number(schema: &Value, top: i128) -> Tv {
    let bound = |k: &str, ex: &str, up: bool| -> Option<i128> {
        let v = schema[k].as_f64()?;
        let v = if up { v.ceil() } else { v.floor() };
        let exclusive = schema[ex].as_bool() == Some(true) && v == schema[k].as_f64()?;
        Some(
            v.clamp(-1e18, 1e18) as i128
                + if exclusive {
                    if up { 1 } else { -1 }
                } else {
                    0
                },
        )
    };
    // 3.1 writes exclusive bounds as numbers.
    let lo = bound("minimum", "exclusiveMinimum", true).or_else(|| {
        schema["exclusiveMinimum"]
            .as_f64()
            .map(|v| v.floor().clamp(-1e18, 1e18) as i128 + 1)
    });
    let hi = bound("maximum", "exclusiveMaximum", false).or_else(|| {
        schema["exclusiveMaximum"]
            .as_f64()
            .map(|v| v.ceil().clamp(-1e18, 1e18) as i128 - 1)
    });
    let (lo, hi) = match (lo, hi) {
        (Some(l), Some(h)) => (l, h),
        (Some(l), None) => (l, l.max(0) + top - 1),
        (None, Some(h)) => ((h - top + 1).min(1), h),
        (None, None) => (1, top),
    };
    let lo = lo.clamp(-MAX_INT, MAX_INT);
    let hi = hi.clamp(-MAX_INT, MAX_INT);
    if lo >= hi {
        return Tv::Int(lo as i64);
    }
    Tv::Str(format!("{{int:{lo}..{hi}}}"))
}

/// A string template from the format, else plain words within the length bounds.
pub fn string(schema: &Value) -> String {
    let fixed = match schema["format"].as_str().unwrap_or("") {
        "email" | "idn-email" => "{email}",
        "uuid" => "{uuid}",
        "date-time" => "2025-01-15T12:00:00Z",
        "date" => "2025-01-15",
        "time" => "12:00:00Z",
        "uri" | "url" | "iri" => "https://example.com/",
        "hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "bG9hZGdlbg==",
        "binary" => "loadgen",
        "password" => "pw-{uuid}",
        _ => "",
    };
    if !fixed.is_empty() {
        return fixed.to_string();
    }
    let min = schema["minLength"].as_u64().unwrap_or(0).min(10_000);
    let max = schema["maxLength"].as_u64().unwrap_or(u64::MAX);
    // n words make at least 2n - 1 characters (the shortest word is "a") and at most 10n - 1.
    let lo = min.div_ceil(2).max(1);
    let hi = max.saturating_add(1) / 10;
    if lo > hi.min(25) {
        let n = min.max(1).min(max).min(256);
        return "x".repeat(n as usize);
    }
    let hi = hi.min(lo + 4).min(25);
    format!("{{words:{lo}..{hi}}}")
}

/// A value for a path, query or header parameter: one word, never spaces.
pub fn scalar(doc: &Doc, param: &Value) -> String {
    let schema = doc.get(param.get("schema").unwrap_or(param));
    let example = param
        .get("example")
        .or_else(|| param["examples"].as_object()?.values().next()?.get("value"))
        .or_else(|| schema.get("example"))
        .or_else(|| schema.get("default"))
        .or_else(|| param.get("default"));
    if let Some(Value::String(s)) = example
        && !s.is_empty()
    {
        return escape(s);
    }
    if let Some(Value::Number(n)) = example {
        return n.to_string();
    }
    if let Some(Value::Bool(b)) = example {
        return b.to_string();
    }
    let schema = if type_of(schema) == "array" {
        doc.get(&schema["items"])
    } else {
        schema
    };
    if let Some(Value::Array(items)) = schema.get("enum")
        && let Some(Tv::Str(s)) = enumeration(items)
    {
        return s;
    }
    // Small numbers: an id that likely exists, a count or delay that stays cheap.
    match type_of(schema).as_str() {
        "integer" | "int" | "number" => match number(schema, 10) {
            Tv::Int(i) => i.to_string(),
            Tv::Str(s) => s,
            _ => "1".into(),
        },
        "boolean" => "true".into(),
        _ => match string(schema) {
            s if s.starts_with("{words:") => "{words:1..1}".into(),
            s => s,
        },
    }
}
