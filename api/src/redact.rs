//! Secrets out of what is logged or printed.

/// `postgres://user:secret@host/db` -> `postgres://user:***@host/db`, for logs and errors.
///
/// The password ends at the last `@` (an unencoded `@`, `/` or `?` in it must not leave part of it
/// in the output), and `password`-like query parameters are masked too.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let rest = match (rest.find(':'), rest.rfind('@')) {
        (Some(colon), Some(at)) if colon < at && !rest[..colon].contains('/') => {
            format!("{}:***{}", &rest[..colon], &rest[at..])
        }
        _ => rest.to_string(),
    };
    let Some((base, query)) = rest.split_once('?') else {
        return format!("{scheme}://{rest}");
    };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if k.to_ascii_lowercase().contains("password") => format!("{k}=***"),
            _ => pair.to_string(),
        })
        .collect();
    format!("{scheme}://{base}?{}", query.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_in_urls() {
        assert_eq!(
            redact_url("postgres://me:hunter2@db:5432/j"),
            "postgres://me:***@db:5432/j"
        );
        assert_eq!(redact_url("sqlite://journal.db"), "sqlite://journal.db");
        // An unencoded @ (or / or ?) in the password leaves no part of it.
        assert_eq!(
            redact_url("postgres://me:p@ss/w?rd@db:5432/j"),
            "postgres://me:***@db:5432/j"
        );
        assert_eq!(
            redact_url("postgres://db/j?user=me&password=hunter2&sslmode=require&sslpassword=x"),
            "postgres://db/j?user=me&password=***&sslmode=require&sslpassword=***"
        );
        assert_eq!(redact_url("postgres://db:5432/j"), "postgres://db:5432/j");
    }
}
