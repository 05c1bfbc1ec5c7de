//! Journal entries: the three text fields, the list query and the entry id of the path.

use serde_json::{Map, Value};
use uuid::Uuid;

use super::fields::{StrRule, form_urlencoded_pairs, optional_str, required_str};
use super::limits::{FIELD_MAX, FIELD_MIN, LIMIT_DEFAULT, LIMIT_MAX};
use crate::error::FieldError;

fn entry_rule(name: &'static str) -> StrRule {
    StrRule {
        name,
        min: FIELD_MIN,
        max: FIELD_MAX,
        stored: true,
    }
}

/// `{work, struggle, intention}`, all required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub work: String,
    pub struggle: String,
    pub intention: String,
}

pub fn new_entry(obj: &Map<String, Value>) -> Result<NewEntry, Vec<FieldError>> {
    let mut errors = Vec::new();
    let work = required_str(obj, entry_rule("work"), &mut errors);
    let struggle = required_str(obj, entry_rule("struggle"), &mut errors);
    let intention = required_str(obj, entry_rule("intention"), &mut errors);
    match (work, struggle, intention) {
        (Some(work), Some(struggle), Some(intention)) if errors.is_empty() => Ok(NewEntry {
            work,
            struggle,
            intention,
        }),
        _ => Err(errors),
    }
}

/// Any subset of the three fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EntryPatch {
    pub work: Option<String>,
    pub struggle: Option<String>,
    pub intention: Option<String>,
}

pub fn entry_patch(obj: &Map<String, Value>) -> Result<EntryPatch, Vec<FieldError>> {
    let mut errors = Vec::new();
    let patch = EntryPatch {
        work: optional_str(obj, entry_rule("work"), &mut errors),
        struggle: optional_str(obj, entry_rule("struggle"), &mut errors),
        intention: optional_str(obj, entry_rule("intention"), &mut errors),
    };
    if errors.is_empty() {
        Ok(patch)
    } else {
        Err(errors)
    }
}

/// `GET /api/v1/entries` query parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListQuery {
    pub limit: u32,
    pub before: Option<Uuid>,
}

/// Parses `limit` and `before` from a raw query string; other parameters are ignored.
pub fn list_query(raw: Option<&str>) -> Result<ListQuery, Vec<FieldError>> {
    let mut q = ListQuery {
        limit: LIMIT_DEFAULT,
        before: None,
    };
    let mut errors = Vec::new();
    for (k, v) in form_urlencoded_pairs(raw.unwrap_or("")) {
        match k.as_str() {
            "limit" => match v.trim().parse::<i64>() {
                Err(_) => errors.push(FieldError::new(
                    &["query", "limit"],
                    "int_parsing",
                    "Input should be a valid integer, unable to parse string as an integer",
                )),
                Ok(n) if n < 1 => errors.push(FieldError::new(
                    &["query", "limit"],
                    "greater_than_equal",
                    "Input should be greater than or equal to 1",
                )),
                Ok(n) if n > i64::from(LIMIT_MAX) => errors.push(FieldError::new(
                    &["query", "limit"],
                    "less_than_equal",
                    format!("Input should be less than or equal to {LIMIT_MAX}"),
                )),
                Ok(n) => q.limit = n as u32,
            },
            "before" => match Uuid::parse_str(v.trim()) {
                Ok(id) => q.before = Some(id),
                Err(_) => errors.push(FieldError::new(
                    &["query", "before"],
                    "uuid_parsing",
                    "Input should be a valid UUID (the id of the last entry of the previous page)",
                )),
            },
            _ => {}
        }
    }
    if errors.is_empty() {
        Ok(q)
    } else {
        Err(errors)
    }
}

/// An entry id from the path.
pub fn entry_id(raw: &str) -> Result<Uuid, FieldError> {
    Uuid::parse_str(raw).map_err(|_| {
        FieldError::new(
            &["path", "entry_id"],
            "uuid_parsing",
            "Input should be a valid UUID",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn entry_rules() {
        let long = "x".repeat(257);
        let errs = new_entry(&obj(
            json!({"work": "", "struggle": long, "intention": "\0"}),
        ))
        .unwrap_err();
        let kinds: Vec<&str> = errs.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["string_too_short", "string_too_long", "value_error"]
        );
        let ok = new_entry(&obj(
            json!({"work": "w".repeat(256), "struggle": "s", "intention": "i"}),
        ));
        assert!(ok.is_ok());
        let patch = entry_patch(&obj(json!({"work": "new", "struggle": null}))).unwrap();
        assert_eq!(patch.work.as_deref(), Some("new"));
        assert_eq!(patch.struggle, None);
        assert!(entry_patch(&obj(json!({"intention": 3}))).is_err());
    }

    #[test]
    fn list_query_rules() {
        assert_eq!(
            list_query(None).unwrap(),
            ListQuery {
                limit: 100,
                before: None
            }
        );
        assert_eq!(list_query(Some("limit=20&x=y")).unwrap().limit, 20);
        let id = Uuid::now_v7();
        assert_eq!(
            list_query(Some(&format!("before={id}"))).unwrap().before,
            Some(id)
        );
        for (q, kind) in [
            ("limit=0", "greater_than_equal"),
            ("limit=1001", "less_than_equal"),
            ("limit=abc", "int_parsing"),
            ("before=nope", "uuid_parsing"),
        ] {
            assert_eq!(list_query(Some(q)).unwrap_err()[0].kind, kind, "{q}");
        }
    }
}
