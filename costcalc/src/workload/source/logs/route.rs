//! Route templates: how requests group into routes. API Gateway's `routeKey` (or REST
//! `resourcePath`) when the log has it and it names a route (apigw.rs); otherwise the first `--route` pattern that matches the
//! path (`/users/{name}`: a `{...}` segment matches any one segment; an optional method in front,
//! `GET /users/{name}`); otherwise the path with every numeric, UUID and long hex segment (16 hex
//! digits or more) as `{id}`. Routes are "METHOD /template"; a template is at most 200 bytes.

use std::fmt::Write;

/// Longest route template kept (longer paths are cut at a segment and end in `/...`).
pub const MAX_TEMPLATE: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    method: Option<String>,
    segments: Vec<Segment>,
    text: String,
}

/// The `--route` patterns, in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Templates {
    patterns: Vec<Pattern>,
}

impl Templates {
    /// Patterns like `/users/{name}` or `GET /users/{name}`; an error says which and why.
    pub fn new(patterns: &[String]) -> Result<Self, String> {
        let mut out = Vec::new();
        for p in patterns {
            let (method, path) = match p.trim().split_once(' ') {
                Some((m, path)) => (Some(m.to_ascii_uppercase()), path.trim()),
                None => (None, p.trim()),
            };
            if !path.starts_with('/') || path.len() > MAX_TEMPLATE {
                return Err(format!(
                    "{p:?} is not a route pattern: expected a path starting with / (at most {MAX_TEMPLATE} bytes), such as /users/{{name}}"
                ));
            }
            let segments = split(path)
                .map(segment)
                .collect::<Result<_, _>>()
                .map_err(|why| format!("{p:?} is not a route pattern: {why}"))?;
            out.push(Pattern {
                method,
                segments,
                text: path.to_string(),
            });
        }
        Ok(Templates { patterns: out })
    }

    /// The route of a request, written into `out` (cleared first).
    pub fn route(&self, method: &str, path: &str, route_key: Option<&str>, out: &mut String) {
        out.clear();
        if let Some(k) = route_key {
            out.push_str(cut(k));
            return;
        }
        out.push_str(method);
        out.push(' ');
        if let Some(p) = self.patterns.iter().find(|p| p.matches(method, path)) {
            out.push_str(&p.text);
            return;
        }
        template(path, out);
    }
}

/// One segment of a pattern: `{name}` (any one segment) or literal text without braces or
/// spaces. A pattern that could never match is refused rather than kept silently.
fn segment(s: &str) -> Result<Segment, String> {
    if s.contains(char::is_whitespace) {
        return Err(format!(
            "{s:?} has a space: give METHOD /path or /path, such as GET /users/{{name}}"
        ));
    }
    if !s.contains(['{', '}']) {
        return Ok(Segment::Literal(s.to_string()));
    }
    match s.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        Some(name) if !name.is_empty() && !name.contains(['{', '}']) => Ok(Segment::Any),
        _ => Err(format!(
            "segment {s:?}: a placeholder is a whole segment, {{name}} between / and /"
        )),
    }
}

impl Pattern {
    fn matches(&self, method: &str, path: &str) -> bool {
        if self.method.as_deref().is_some_and(|m| m != method) {
            return false;
        }
        let mut segs = split(path);
        for want in &self.segments {
            match (want, segs.next()) {
                (_, None) => return false,
                (Segment::Any, Some(_)) => {}
                (Segment::Literal(l), Some(s)) if l == s => {}
                _ => return false,
            }
        }
        segs.next().is_none()
    }
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

fn cut(s: &str) -> &str {
    if s.len() <= MAX_TEMPLATE {
        return s;
    }
    let mut end = MAX_TEMPLATE;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// The path with its identifiers as `{id}`.
pub fn template(path: &str, out: &mut String) {
    let start = out.len();
    for s in split(path) {
        if out.len() - start + s.len() > MAX_TEMPLATE {
            out.push_str("/...");
            return;
        }
        out.push('/');
        if is_id(s) {
            out.push_str("{id}");
        } else {
            let _ = write!(out, "{s}");
        }
    }
    if out.len() == start {
        out.push('/');
    }
}

/// A numeric segment, a UUID, or 16 or more hex digits.
pub fn is_id(s: &str) -> bool {
    let b = s.as_bytes();
    if !b.is_empty() && b.iter().all(u8::is_ascii_digit) {
        return true;
    }
    let uuid = b.len() == 36
        && b.iter().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    uuid || (b.len() >= 16 && b.iter().all(u8::is_ascii_hexdigit))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(t: &Templates, m: &str, p: &str) -> String {
        let mut s = String::new();
        t.route(m, p, None, &mut s);
        s
    }

    #[test]
    fn identifiers_collapse_and_words_stay() {
        let t = Templates::default();
        assert_eq!(
            route(&t, "GET", "/api/v1/entries/42"),
            "GET /api/v1/entries/{id}"
        );
        assert_eq!(
            route(
                &t,
                "PUT",
                "/api/v1/entries/0b7e5e0c-3f5a-4c8e-9a43-9d0f1d2b6a11"
            ),
            "PUT /api/v1/entries/{id}"
        );
        assert_eq!(
            route(&t, "GET", "/blobs/deadbeefdeadbeef00"),
            "GET /blobs/{id}"
        );
        assert_eq!(route(&t, "GET", "/blobs/cafe"), "GET /blobs/cafe");
        assert_eq!(route(&t, "GET", "/"), "GET /");
    }

    #[test]
    fn patterns_win_in_order_and_route_keys_win_over_all() {
        let t =
            Templates::new(&["/users/{name}".into(), "POST /users/{name}/posts".into()]).unwrap();
        assert_eq!(route(&t, "GET", "/users/ada"), "GET /users/{name}");
        assert_eq!(
            route(&t, "POST", "/users/ada/posts"),
            "POST /users/{name}/posts"
        );
        assert_eq!(route(&t, "GET", "/users/ada/posts"), "GET /users/ada/posts");
        let mut s = String::new();
        t.route("GET", "/users/ada", Some("GET /users/{id}"), &mut s);
        assert_eq!(s, "GET /users/{id}");
        assert!(Templates::new(&["users".into()]).is_err());
    }

    /// Patterns that could never match are refused in one line naming the part that is wrong.
    #[test]
    fn malformed_patterns_are_refused() {
        let err = |p: &str| Templates::new(&[p.to_string()]).unwrap_err();
        assert_eq!(
            err("/users/{name"),
            r#""/users/{name" is not a route pattern: segment "{name": a placeholder is a whole segment, {name} between / and /"#
        );
        assert_eq!(
            err("GET /users/{name} extra"),
            r#""GET /users/{name} extra" is not a route pattern: "{name} extra" has a space: give METHOD /path or /path, such as GET /users/{name}"#
        );
        assert!(err("/users/{name}x").contains(r#"segment "{name}x": a placeholder"#));
        assert!(err("/users/{}").contains(r#"segment "{}""#));
        assert!(err("/users/{{name}}").contains(r#"segment "{{name}}""#));
        assert!(err("/users/na}me").contains(r#"segment "na}me""#));
        assert!(Templates::new(&["GET /users/{name}/posts".into(), "/a/b".into()]).is_ok());
    }
}
