//! Captures: the values a step saves from its response (`save = { token = "/access_token" }`),
//! failing loudly with a reason when the value is not there; and a JWT's `exp`, read without
//! verifying, to know when a token nears expiry.

use base64::Engine as _;
use serde_json::Value;

/// Where a saved value comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// An RFC 6901 JSON pointer into the body (`""` is the whole body). Extension: on an array,
    /// the token `-1` is its last element (`/-1/id`); RFC 6901 gives arrays no such index.
    Pointer(String),
    /// `header:Name`: a response header, name matched case-insensitively.
    Header(String),
    /// `status`: the status code, as a number.
    Status,
}

/// One entry of a `save` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capture {
    pub name: String,
    pub source: Source,
    /// `{ from = "...", optional = true }`: a miss unsets the name instead of failing the step
    /// (a later step that needs it is skipped).
    pub optional: bool,
}

/// Why a capture failed. The names are stable: summary.json counts failures by route and by
/// [`Reason::as_str`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// Nothing at the pointer, or no such header.
    NotFound,
    /// An array or an object where one value is wanted.
    NotAValue,
    /// JSON `null` at the pointer.
    Null,
    /// The body is not JSON (or is empty).
    BodyNotJson,
    /// The header's value is not visible ASCII text.
    HeaderNotText,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NotFound => "not_found",
            Reason::NotAValue => "not_a_value",
            Reason::Null => "null",
            Reason::BodyNotJson => "body_not_json",
            Reason::HeaderNotText => "header_not_text",
        }
    }
}

/// A capture that found nothing usable: which name, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaptureFailure {
    pub name: String,
    pub reason: Reason,
}

/// The parts of a response that captures read.
pub struct Response<'a> {
    pub status: u16,
    /// Header names and values as received.
    pub headers: &'a [(String, Vec<u8>)],
    pub body: &'a [u8],
}

/// What a `save` table yields: the values found, and the optional names to unset.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Saved {
    pub values: Vec<(String, Value)>,
    pub unset: Vec<String>,
}

/// Parses the text form of a source: `/pointer`, `""`, `header:Name` or `status`.
pub fn parse_source(text: &str) -> Result<Source, String> {
    if text == "status" {
        return Ok(Source::Status);
    }
    if let Some(h) = text.strip_prefix("header:") {
        let ok = !h.is_empty()
            && h.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
        return if ok {
            Ok(Source::Header(h.to_string()))
        } else {
            Err(format!(
                "bad header name in '{text}': use header:Name, e.g. header:Location"
            ))
        };
    }
    if !(text.is_empty() || text.starts_with('/')) {
        return Err(format!(
            "bad capture '{text}': use a JSON pointer such as /access_token, header:Name or status"
        ));
    }
    // RFC 6901: '~' only as ~0 or ~1.
    let bad_tilde = text
        .split('~')
        .skip(1)
        .any(|rest| !(rest.starts_with('0') || rest.starts_with('1')));
    if bad_tilde {
        return Err(format!(
            "bad JSON pointer '{text}': '~' must be ~0 (for ~) or ~1 (for /)"
        ));
    }
    Ok(Source::Pointer(text.to_string()))
}

/// Applies a `save` spec to a response: every capture, or the first failure.
pub fn apply(captures: &[Capture], resp: &Response) -> Result<Saved, CaptureFailure> {
    let mut body: Option<Option<Value>> = None;
    let mut saved = Saved::default();
    for c in captures {
        let found = match &c.source {
            Source::Status => Ok(Value::from(resp.status)),
            Source::Header(name) => header(resp.headers, name),
            Source::Pointer(p) => {
                let doc = body.get_or_insert_with(|| serde_json::from_slice(resp.body).ok());
                match doc {
                    None => Err(Reason::BodyNotJson),
                    Some(doc) => pointer(doc, p),
                }
            }
        };
        match found {
            Ok(v) => saved.values.push((c.name.clone(), v)),
            Err(_) if c.optional => saved.unset.push(c.name.clone()),
            Err(reason) => {
                return Err(CaptureFailure {
                    name: c.name.clone(),
                    reason,
                });
            }
        }
    }
    Ok(saved)
}

fn header(headers: &[(String, Vec<u8>)], name: &str) -> Result<Value, Reason> {
    let (_, v) = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .ok_or(Reason::NotFound)?;
    let text = std::str::from_utf8(v).map_err(|_| Reason::HeaderNotText)?;
    if !text
        .bytes()
        .all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
    {
        return Err(Reason::HeaderNotText);
    }
    Ok(Value::String(text.trim().to_string()))
}

/// Resolves an RFC 6901 pointer (plus `-1` for an array's last element) to one scalar value.
pub fn pointer(doc: &Value, ptr: &str) -> Result<Value, Reason> {
    let mut cur = doc;
    for raw in ptr.split('/').skip(1) {
        let token = raw.replace("~1", "/").replace("~0", "~");
        cur = match cur {
            Value::Object(m) => m.get(&token),
            Value::Array(a) if token == "-1" => a.last(),
            // RFC 6901: no leading zeros, no sign.
            Value::Array(a) if token == "0" || !token.starts_with('0') => {
                token.parse::<usize>().ok().and_then(|i| a.get(i))
            }
            _ => None,
        }
        .ok_or(Reason::NotFound)?;
    }
    match cur {
        Value::Null => Err(Reason::Null),
        Value::Array(_) | Value::Object(_) => Err(Reason::NotAValue),
        v => Ok(v.clone()),
    }
}

/// A JWT's `exp` claim (seconds since the epoch), decoded without verifying the signature: only
/// the time matters here. `None` when the token is not a JWT or has no numeric `exp`.
pub fn jwt_exp(token: &str) -> Option<f64> {
    jwt_claims(token)?.get("exp")?.as_f64()
}

/// `exp - iat` of a JWT, when it has both and the difference is positive.
pub fn jwt_lifetime_s(token: &str) -> Option<f64> {
    let claims = jwt_claims(token)?;
    let life = claims.get("exp")?.as_f64()? - claims.get("iat")?.as_f64()?;
    (life > 0.0).then_some(life)
}

fn jwt_claims(token: &str) -> Option<serde_json::Map<String, Value>> {
    let mut parts = token.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || payload.len() > 64 * 1024 {
        return None;
    }
    let bytes = base64url_decode(payload)?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

/// Base64url (RFC 4648 section 5, a JWT's alphabet), with or without padding.
pub fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    engine.decode(s).ok()
}
