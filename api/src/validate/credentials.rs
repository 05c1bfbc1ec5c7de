//! Credentials: email shape and normal form, registration and login bodies.

use serde_json::{Map, Value};

use super::fields::{StrRule, required_str, typed_str};
use super::limits::{EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN};
use crate::error::FieldError;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Loc;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

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
}
