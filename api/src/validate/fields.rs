//! Generic request parsing: a JSON body that must be an object, string fields against a rule,
//! form and query pairs.

use serde_json::{Map, Value};

use crate::error::FieldError;

/// Parses a JSON request body that must be an object.
pub fn json_object(body: &[u8]) -> Result<Map<String, Value>, FieldError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(FieldError::new(&["body"], "missing", "Field required"));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(FieldError::new(
            &["body"],
            "model_attributes_type",
            "Input should be a valid dictionary or object to extract fields from",
        )),
        Err(e) => Err(FieldError {
            loc: vec!["body".into(), crate::error::Loc::Index(e.column() as u64)],
            msg: format!("JSON decode error: {e}"),
            kind: "json_invalid".into(),
        }),
    }
}

/// Rules for one string field.
#[derive(Debug, Clone, Copy)]
pub struct StrRule {
    pub name: &'static str,
    pub min: usize,
    pub max: usize,
    /// PostgreSQL's TEXT cannot hold U+0000; refusing it everywhere keeps both databases alike.
    pub stored: bool,
}

/// Checks a present string against a rule; `loc` ends with the field name.
pub fn check_str(value: &str, rule: StrRule, loc_root: &str) -> Result<(), FieldError> {
    let loc = [loc_root, rule.name];
    let n = value.chars().count();
    if n < rule.min {
        let s = if rule.min == 1 { "" } else { "s" };
        return Err(FieldError::new(
            &loc,
            "string_too_short",
            format!("String should have at least {} character{s}", rule.min),
        ));
    }
    if n > rule.max {
        return Err(FieldError::new(
            &loc,
            "string_too_long",
            format!("String should have at most {} characters", rule.max),
        ));
    }
    if rule.stored && value.contains('\0') {
        return Err(FieldError::new(
            &loc,
            "value_error",
            "Value error, must not contain NUL (U+0000) characters",
        ));
    }
    Ok(())
}

/// A required string field of a JSON object.
pub fn required_str(
    obj: &Map<String, Value>,
    rule: StrRule,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match obj.get(rule.name) {
        None => {
            errors.push(FieldError::new(
                &["body", rule.name],
                "missing",
                "Field required",
            ));
            None
        }
        Some(v) => typed_str(v, rule, errors),
    }
}

/// An optional string field (absent or `null` means "leave as is").
pub fn optional_str(
    obj: &Map<String, Value>,
    rule: StrRule,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    match obj.get(rule.name) {
        None | Some(Value::Null) => None,
        Some(v) => typed_str(v, rule, errors),
    }
}

pub(super) fn typed_str(v: &Value, rule: StrRule, errors: &mut Vec<FieldError>) -> Option<String> {
    match v {
        Value::String(s) => match check_str(s, rule, "body") {
            Ok(()) => Some(s.clone()),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        _ => {
            errors.push(FieldError::new(
                &["body", rule.name],
                "string_type",
                "Input should be a valid string",
            ));
            None
        }
    }
}

/// `application/x-www-form-urlencoded` pairs (also query strings), percent-decoded.
pub fn form_urlencoded_pairs(raw: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(raw).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Loc;

    #[test]
    fn malformed_and_non_object_bodies() {
        let e = json_object(b"{\"email\": ").unwrap_err();
        assert_eq!(e.kind, "json_invalid");
        assert_eq!(e.loc[0], Loc::from("body"));
        assert_eq!(
            json_object(b"[1]").unwrap_err().kind,
            "model_attributes_type"
        );
        assert_eq!(json_object(b" ").unwrap_err().kind, "missing");
        assert!(json_object(b"{}").unwrap().is_empty());
    }
}
