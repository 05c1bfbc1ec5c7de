//! Templates: text with `{...}` placeholders, parsed once (at load) and rendered per request with
//! an explicit RNG and the session's values, so a seeded run is reproducible and tests are exact.
//! The grammar is in the module doc of [`super`].

use rand::{Rng, RngCore};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use std::collections::BTreeMap;

/// Bounds checked at parse time, before any arithmetic or allocation.
pub const MAX_WORDS: u32 = 1_000;
/// `{int:MIN..MAX}` stays within what a JSON number holds exactly (2^53).
pub const MAX_INT_ABS: i64 = 1 << 53;
pub const MAX_PICKS: usize = 100;
/// `{words:..}` text is cut to this many characters, a common limit of a text field.
pub const WORDS_MAX_CHARS: usize = 256;

const WORDS: [&str; 40] = [
    "shipped",
    "the",
    "login",
    "page",
    "fixed",
    "a",
    "flaky",
    "test",
    "wrote",
    "docs",
    "for",
    "billing",
    "reviewed",
    "two",
    "pull",
    "requests",
    "paired",
    "on",
    "cache",
    "bug",
    "slow",
    "build",
    "kept",
    "me",
    "waiting",
    "meetings",
    "ate",
    "morning",
    "focus",
    "tomorrow",
    "finish",
    "migration",
    "ask",
    "about",
    "pricing",
    "refactor",
    "handler",
    "call",
    "with",
    "design",
];

/// Names that a `save` or `vars` entry may not take: they start a generator or a namespace.
pub const RESERVED: [&str; 8] = [
    "words", "int", "pick", "email", "uuid", "env", "csv", "account",
];

#[derive(Clone, Debug, PartialEq)]
pub enum Generator {
    /// `{words:MIN..MAX}`: MIN to MAX words of plain text.
    Words(u32, u32),
    /// `{int:MIN..MAX}`: an integer, both ends included.
    Int(i64, i64),
    /// `{pick:a|b|c}`: one of the items.
    Pick(Vec<String>),
    /// `{email}`: a fresh address at example.com's reserved domain.
    Email,
    /// `{uuid}`: a random (version 4) UUID.
    Uuid,
}

/// One placeholder or piece of literal text.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    Lit(String),
    /// A value the session holds: a save, a session var, `account.*`, `env.*` or `csv.*`, by its
    /// full name (`token`, `env.API_KEY`, `csv.users.email`).
    Value(String),
    Gen(Generator),
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Template {
    pub parts: Vec<Part>,
}

/// Why a template does not parse, and the byte offset in its text where the problem starts.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateError {
    pub offset: usize,
    pub message: String,
}

/// The values a session holds, by full placeholder name (saves, vars, `account.email`,
/// `env.NAME`, `csv.DATA.COLUMN`). JSON scalars, so a number saved stays a number in a body.
pub type Values = BTreeMap<String, Value>;

/// A placeholder names a value the session does not hold (not saved yet, or unset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing(pub String);

impl Template {
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let mut i = 0;
        let b = text.as_bytes();
        while i < b.len() {
            match b[i] {
                b'{' if b.get(i + 1) == Some(&b'{') => {
                    lit.push('{');
                    i += 2;
                }
                b'}' if b.get(i + 1) == Some(&b'}') => {
                    lit.push('}');
                    i += 2;
                }
                b'}' => {
                    return Err(err(
                        i,
                        "a '}' without its '{' (write '}}' for a literal brace)",
                    ));
                }
                b'{' => {
                    let Some(len) = text[i + 1..].find('}') else {
                        return Err(err(
                            i,
                            "a '{' without its '}' (write '{{' for a literal brace)",
                        ));
                    };
                    let inner = &text[i + 1..i + 1 + len];
                    if !lit.is_empty() {
                        parts.push(Part::Lit(std::mem::take(&mut lit)));
                    }
                    parts.push(placeholder(inner).map_err(|m| err(i, &m))?);
                    i += len + 2;
                }
                _ => {
                    let ch = text[i..].chars().next().unwrap_or_default();
                    lit.push(ch);
                    i += ch.len_utf8().max(1);
                }
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Lit(lit));
        }
        Ok(Template { parts })
    }

    /// The names of the values it reads (not generators).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Value(n) => Some(n.as_str()),
            _ => None,
        })
    }

    /// The text, placeholders filled in.
    pub fn render(&self, rng: &mut ChaCha8Rng, values: &Values) -> Result<String, Missing> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Value(n) => match values.get(n) {
                    Some(Value::String(s)) => out.push_str(s),
                    Some(v) => out.push_str(&v.to_string()),
                    None => return Err(Missing(n.clone())),
                },
                Part::Gen(g) => out.push_str(&generate(g, rng)),
            }
        }
        Ok(out)
    }

    /// As [`Template::render`], but a template that is exactly one saved number, boolean or
    /// `{int:..}` keeps its JSON type (a JSON body's `"{count}"` stays a number).
    pub fn render_json(&self, rng: &mut ChaCha8Rng, values: &Values) -> Result<Value, Missing> {
        match self.parts.as_slice() {
            [Part::Value(n)] => values.get(n).cloned().ok_or_else(|| Missing(n.clone())),
            [Part::Gen(Generator::Int(a, b))] => Ok(Value::from(rng.random_range(*a..=*b))),
            _ => self.render(rng, values).map(Value::String),
        }
    }
}

fn err(offset: usize, message: &str) -> TemplateError {
    TemplateError {
        offset,
        message: message.to_string(),
    }
}

/// Letters, digits, `_` and `-`, not starting with a digit or `-`.
pub fn is_name(s: &str) -> bool {
    let mut c = s.chars();
    matches!(c.next(), Some(f) if f.is_ascii_alphabetic() || f == '_')
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn placeholder(inner: &str) -> Result<Part, String> {
    let s = inner.trim();
    if let Some((kind, args)) = s.split_once(':') {
        let (lo, hi) = args.split_once("..").unwrap_or((args, ""));
        return match kind.trim() {
            "words" => {
                let (a, b) = range_u32(lo, hi, MAX_WORDS).ok_or_else(|| {
                    format!("bad generator '{{{s}}}': use {{words:MIN..MAX}}, 0 <= MIN <= MAX <= {MAX_WORDS}")
                })?;
                Ok(Part::Gen(Generator::Words(a, b)))
            }
            "int" => {
                let (a, b) = range_i64(lo, hi).ok_or_else(|| {
                    format!("bad generator '{{{s}}}': use {{int:MIN..MAX}}, MIN <= MAX, both within +-2^53")
                })?;
                Ok(Part::Gen(Generator::Int(a, b)))
            }
            "pick" => {
                let items: Vec<String> = args.split('|').map(str::to_string).collect();
                if items.len() > MAX_PICKS || items.iter().all(|i| i.is_empty()) {
                    return Err(format!(
                        "bad generator '{{{s}}}': use {{pick:a|b|c}}, 1 to {MAX_PICKS} items"
                    ));
                }
                Ok(Part::Gen(Generator::Pick(items)))
            }
            k => Err(format!(
                "unknown generator '{k}' in '{{{s}}}': use words:MIN..MAX, int:MIN..MAX, pick:a|b, email, uuid"
            )),
        };
    }
    match s {
        "email" => return Ok(Part::Gen(Generator::Email)),
        "uuid" => return Ok(Part::Gen(Generator::Uuid)),
        "" => return Err("an empty placeholder '{}' (write '{{}}' for literal braces)".into()),
        _ => {}
    }
    let ok = match s.split_once('.') {
        Some(("env", n)) => is_name(n),
        Some(("csv", rest)) => rest
            .split_once('.')
            .is_some_and(|(d, c)| is_name(d) && !c.is_empty()),
        Some(("account", f)) => matches!(f, "email" | "password"),
        Some(_) => false,
        None => is_name(s) && !RESERVED.contains(&s),
    };
    if !ok {
        return Err(format!(
            "bad placeholder '{{{s}}}': use a saved name, env.NAME, csv.DATA.COLUMN, account.email, account.password or a generator"
        ));
    }
    Ok(Part::Value(s.to_string()))
}

fn range_u32(lo: &str, hi: &str, max: u32) -> Option<(u32, u32)> {
    let a: u32 = lo.trim().parse().ok()?;
    let b: u32 = hi.trim().parse().ok()?;
    (a <= b && b <= max).then_some((a, b))
}

fn range_i64(lo: &str, hi: &str) -> Option<(i64, i64)> {
    let a: i64 = lo.trim().parse().ok()?;
    let b: i64 = hi.trim().parse().ok()?;
    let within = |x: i64| x.checked_abs().is_some_and(|v| v <= MAX_INT_ABS);
    (a <= b && within(a) && within(b)).then_some((a, b))
}

/// `min..=max` plain words, cut to [`WORDS_MAX_CHARS`]: `{words:MIN..MAX}` (journal.toml's
/// entry text).
pub fn words(rng: &mut ChaCha8Rng, min: u32, max: u32) -> String {
    let n = rng.random_range(min..=max);
    let mut s = (0..n)
        .map(|_| WORDS[rng.random_range(0..WORDS.len())])
        .collect::<Vec<_>>()
        .join(" ");
    s.truncate(WORDS_MAX_CHARS);
    s
}

pub fn generate(g: &Generator, rng: &mut ChaCha8Rng) -> String {
    match g {
        Generator::Words(a, b) => words(rng, *a, *b),
        Generator::Int(a, b) => rng.random_range(*a..=*b).to_string(),
        Generator::Pick(items) => items[rng.random_range(0..items.len())].clone(),
        Generator::Email => format!("u{:016x}@loadgen.example.com", rng.next_u64()),
        Generator::Uuid => uuid_v4(rng),
    }
}

fn uuid_v4(rng: &mut ChaCha8Rng) -> String {
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}
