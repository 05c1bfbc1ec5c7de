//! Request bodies and parameters: parsing and the field rules of the contract, reported the way
//! FastAPI/pydantic reports them (`loc`, `msg`, `type`). Pure functions, tested directly.

use serde_json::{Map, Value};
use uuid::Uuid;

use crate::error::FieldError;

/// Password length bounds, in characters (code points, as Python's `len`).
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;
/// Entry field length bounds, in characters.
pub const FIELD_MIN: usize = 1;
pub const FIELD_MAX: usize = 256;
/// RFC 5321's limit on a forward path.
pub const EMAIL_MAX: usize = 254;
/// `limit` query parameter.
pub const LIMIT_DEFAULT: u32 = 100;
pub const LIMIT_MAX: u32 = 1000;

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

fn typed_str(v: &Value, rule: StrRule, errors: &mut Vec<FieldError>) -> Option<String> {
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

/// A syntactically plausible email address: `local@domain.tld`, no spaces, at most 254 chars.
/// Deliverability is not our business; the rules only keep garbage out of the unique index.
pub fn check_email(email: &str, loc_root: &str) -> Result<(), FieldError> {
    let bad = |why: &str| {
        Err(FieldError::new(
            &[loc_root, "email"],
            "value_error",
            format!("value is not a valid email address: {why}"),
        ))
    };
    if email.chars().count() > EMAIL_MAX {
        return bad("it is longer than 254 characters");
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("it contains whitespace or control characters");
    }
    if email.chars().any(is_invisible) {
        return bad("it contains invisible formatting characters (zero-width or bidi controls)");
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return bad("an email address must have an @-sign");
    };
    if local.is_empty() || local.contains('@') {
        return bad("the part before the @-sign is empty or contains another @-sign");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return bad("the part after the @-sign is not a domain name like example.com");
    }
    if labels.iter().any(|l| {
        l.starts_with('-')
            || l.ends_with('-')
            || !l.chars().all(|c| c.is_alphanumeric() || c == '-')
    }) {
        return bad("the part after the @-sign contains characters not allowed in a domain name");
    }
    Ok(())
}

/// Zero-width characters and bidi controls (Unicode Cf): invisible, so two addresses that look
/// the same could differ only by them.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}')
}

/// Emails are unique regardless of case and Unicode form: stored and compared lower-cased in NFC
/// (in Rust, so that both databases fold Unicode the same way), so `é` typed as one code point or
/// as `e` + combining accent is one address.
pub fn normalize_email(email: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let nfc: String = email.nfc().collect();
    nfc.to_lowercase().nfc().collect()
}

/// Register body: `{email, password}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

const PASSWORD_RULE: StrRule = StrRule {
    name: "password",
    min: PASSWORD_MIN,
    max: PASSWORD_MAX,
    stored: false,
};

/// Validates a registration body.
pub fn registration(obj: &Map<String, Value>) -> Result<Credentials, Vec<FieldError>> {
    let mut errors = Vec::new();
    let email_rule = StrRule {
        name: "email",
        min: 0,
        max: usize::MAX,
        stored: true,
    };
    let email = required_str(obj, email_rule, &mut errors);
    if let Some(e) = &email
        && let Err(err) = check_email(e, "body")
    {
        errors.push(err);
    }
    let password = required_str(obj, PASSWORD_RULE, &mut errors);
    match (email, password) {
        (Some(email), Some(password)) if errors.is_empty() => Ok(Credentials { email, password }),
        _ => Err(errors),
    }
}

/// Login credentials: only presence and type are checked (a wrong one is a 401, not a 422), but
/// the password length cap still applies so nobody makes the server hash megabytes.
pub fn login_fields(
    email: Option<&Value>,
    password: Option<&Value>,
    email_name: &'static str,
) -> Result<Credentials, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut get = |v: Option<&Value>, name: &'static str, max: usize| match v {
        None => {
            errors.push(FieldError::new(
                &["body", name],
                "missing",
                "Field required",
            ));
            None
        }
        Some(v) => typed_str(
            v,
            StrRule {
                name,
                min: 0,
                max,
                stored: false,
            },
            &mut errors,
        ),
    };
    let email = get(email, email_name, EMAIL_MAX);
    let password = get(password, "password", PASSWORD_MAX);
    match (email, password) {
        (Some(email), Some(password)) if errors.is_empty() => Ok(Credentials { email, password }),
        _ => Err(errors),
    }
}

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

/// `application/x-www-form-urlencoded` pairs (also query strings), percent-decoded.
pub fn form_urlencoded_pairs(raw: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(raw).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

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

    use crate::error::Loc;

    #[test]
    fn registration_rules() {
        let ok = registration(&obj(
            json!({"email": "A@Example.com", "password": "12345678"}),
        ));
        assert_eq!(ok.unwrap().email, "A@Example.com");
        let errs = registration(&obj(json!({"email": "nope", "password": "1234567"}))).unwrap_err();
        let kinds: Vec<&str> = errs.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["value_error", "string_too_short"]);
        let long = "x".repeat(129);
        let errs = registration(&obj(json!({"email": "a@b.co", "password": long}))).unwrap_err();
        assert_eq!(errs[0].kind, "string_too_long");
        assert_eq!(errs[0].loc, vec![Loc::from("body"), Loc::from("password")]);
        // 128 multi-byte characters are within the limit: characters, not bytes, count.
        let ok = registration(&obj(
            json!({"email": "a@b.co", "password": "é".repeat(128)}),
        ));
        assert!(ok.is_ok());
        let errs = registration(&obj(json!({"password": 5}))).unwrap_err();
        assert_eq!(errs[0].kind, "missing");
        assert_eq!(errs[1].kind, "string_type");
    }

    #[test]
    fn email_shapes() {
        for good in [
            "a@b.co",
            "first.last+tag@sub.example.org",
            "ü@bücher.de",
            "0@A.com",
        ] {
            assert!(check_email(good, "body").is_ok(), "{good}");
        }
        for bad in [
            "", "a", "a@", "@b.co", "a@b", "a b@c.de", "a@b..c", "a@-b.co", "a@b_c.de",
        ] {
            assert!(check_email(bad, "body").is_err(), "{bad:?}");
        }
        assert!(check_email(&format!("{}@b.co", "a".repeat(250)), "body").is_err());
        assert_eq!(
            normalize_email("Ünïcode@EXAMPLE.com"),
            "ünïcode@example.com"
        );
        // NFD (e + combining acute) and NFC (é) are one address.
        assert_eq!(
            normalize_email("Jose\u{301}@example.com"),
            normalize_email("jos\u{e9}@example.com")
        );
        for bidi in [
            "a\u{202E}b@c.de",
            "a\u{200B}@b.co",
            "\u{FEFF}a@b.co",
            "a@b\u{2066}.co",
        ] {
            assert!(check_email(bidi, "body").is_err(), "{bidi:?}");
        }
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
