//! JSON parsing that refuses a key given twice in one object. serde_json keeps the last one
//! silently, so a file with `"compression"` twice would be priced at whichever came last; an
//! input file is refused instead. [`value_bounded`] and [`read_bounded`] also refuse a list
//! longer than its bound while parsing it, before the rest of the file is read into memory; the
//! one owner of that bound for costcalc's summary reader and `loadgen merge`'s shard reader.

use std::cell::RefCell;

use serde::Deserialize;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use serde_json::{Map, Value};

/// Parse `text` as one JSON value, refusing duplicate keys in any object.
pub fn value(text: &str) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let v = Strict::deserialize(&mut de)?.0;
    de.end()?;
    Ok(v)
}

/// Why [`value_bounded`] or [`read_bounded`] refused a text. Neutral: the caller names its
/// program and the file.
#[derive(Debug)]
pub enum Refused {
    /// Not JSON, or a key given twice (or the reader failed).
    Json(serde_json::Error),
    /// The list `field` (a bound's name, `histograms.endpoints` for a nested one) has more than
    /// `most` entries.
    TooLong { field: String, most: usize },
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Refused::Json(e) => e.fmt(f),
            Refused::TooLong { field, most } => {
                write!(f, "{field} has more than {most} entries")
            }
        }
    }
}

impl std::error::Error for Refused {}

/// [`value`], with a most number of entries for some lists, named by their keys from the top
/// level (`("endpoints", 10_000)`, `("histograms.intervals", 10_000)`): the entry after the last
/// allowed one ends the parse, so a file of 60,000 endpoints is refused at the 10,001st, not
/// once all 60,000 are in memory.
pub fn value_bounded(text: &str, bounds: &[(&str, usize)]) -> Result<Value, Refused> {
    bounded(serde_json::Deserializer::from_str(text), bounds)
}

/// [`value_bounded`] of what `reader` yields, read no further than the entry past a bound (or
/// the first error): a stream of endless entries is refused after a bounded number of bytes.
/// Buffer the reader (`BufReader`): serde_json reads it a byte at a time.
pub fn read_bounded<R: std::io::Read>(
    reader: R,
    bounds: &[(&str, usize)],
) -> Result<Value, Refused> {
    bounded(serde_json::Deserializer::from_reader(reader), bounds)
}

fn bounded<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
    bounds: &[(&str, usize)],
) -> Result<Value, Refused> {
    let too_long = RefCell::new(None);
    let bounds: Vec<Bound> = bounds.iter().map(|&(n, most)| (n, n, most)).collect();
    let seed = Seed {
        bounds: &bounds,
        most: None,
        too_long: &too_long,
    };
    let parsed = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match (parsed, too_long.into_inner()) {
        (Ok(v), _) => Ok(v),
        (Err(_), Some((field, most))) => Err(Refused::TooLong { field, most }),
        (Err(e), None) => Err(Refused::Json(e)),
    }
}

/// A bound as a parse carries it down: (the key path left from here, the whole path, most).
type Bound<'b> = (&'b str, &'b str, usize);

/// A value at some place of a bounded parse: an object on the path of some bounds, a bounded
/// list (`most`, with its whole path), or anywhere else (neither).
#[derive(Clone, Copy)]
struct Seed<'b> {
    bounds: &'b [Bound<'b>],
    most: Option<(&'b str, usize)>,
    too_long: &'b RefCell<Option<(String, usize)>>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(BoundedVisitor(self))
    }
}

struct BoundedVisitor<'b>(Seed<'b>);

impl<'de> Visitor<'de> for BoundedVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        StrictVisitor.visit_bool(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        StrictVisitor.visit_i64(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        StrictVisitor.visit_u64(v)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        StrictVisitor.visit_f64(v)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        StrictVisitor.visit_str(v)
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        StrictVisitor.visit_string(v)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        StrictVisitor.visit_unit()
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        StrictVisitor.visit_none()
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let Some((field, most)) = self.0.most else {
            return StrictVisitor.visit_seq(seq);
        };
        let mut out = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            if out.len() == most {
                *self.0.too_long.borrow_mut() = Some((field.to_string(), most));
                return Err(de::Error::custom(format_args!(
                    "{field} has more than {most} entries"
                )));
            }
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if self.0.bounds.is_empty() {
            return StrictVisitor.visit_map(map);
        }
        let mut out = Map::new();
        while let Some(k) = map.next_key::<String>()? {
            if out.contains_key(&k) {
                return Err(twice(&k));
            }
            let most = self.0.bounds.iter().find(|b| b.0 == k).map(|b| (b.1, b.2));
            // The bounds below this key, with its name taken off their paths.
            let below: Vec<Bound> = self
                .0
                .bounds
                .iter()
                .filter_map(|&(rest, whole, most)| {
                    let r = rest.strip_prefix(k.as_str())?.strip_prefix('.')?;
                    Some((r, whole, most))
                })
                .collect();
            let seed = Seed {
                bounds: &below,
                most,
                too_long: self.0.too_long,
            };
            let v = map.next_value_seed(seed)?;
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }
}

fn twice<E: de::Error>(k: &str) -> E {
    E::custom(format_args!(
        "the key {k:?} appears twice in one object; keep one"
    ))
}

/// Parse `text` as a `T`, refusing duplicate keys in any object.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    serde_json::from_value(value(text)?)
}

struct Strict(Value);

impl<'de> de::Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(k) = map.next_key::<String>()? {
            if out.contains_key(&k) {
                return Err(twice(&k));
            }
            let Strict(v) = map.next_value()?;
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_duplicate_key_is_refused_at_any_depth_and_the_rest_parses_as_serde_json_does() {
        for text in [
            r#"{"a": 1, "a": 2}"#,
            r#"{"x": [{"b": 1, "c": 2, "b": 3}]}"#,
        ] {
            let e = super::value(text).unwrap_err().to_string();
            assert!(e.contains("appears twice"), "{e}");
        }
        let text = r#"{"a": [1, -2, 3.5, "s", null, true, {"b": {}}], "c": 1e300}"#;
        let want: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(super::value(text).unwrap(), want);
        assert!(super::value(r#"{"a": 1} x"#).is_err());
    }

    #[test]
    fn a_bounded_list_is_refused_at_the_entry_past_its_bound_and_others_are_not() {
        use super::{Refused, value_bounded};
        let bounds = [("endpoints", 2)];
        let text = r#"{"endpoints": [{"a": 1}, {"a": 2}], "timeline": [1, 2, 3]}"#;
        let want: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(value_bounded(text, &bounds).unwrap(), want);
        // The third entry ends the parse: what follows it, broken as it is, is never read.
        let text = r#"{"endpoints": [{"a": 1}, {"a": 2}, {"a": 3}, this is not JSON"#;
        match value_bounded(text, &bounds) {
            Err(e @ Refused::TooLong { .. }) => {
                assert_eq!(e.to_string(), "endpoints has more than 2 entries")
            }
            other => panic!("{other:?}"),
        }
        // Only the top level's key is bounded, and duplicates and syntax are still refused.
        let nested = r#"{"x": {"endpoints": [1, 2, 3]}}"#;
        assert!(value_bounded(nested, &bounds).is_ok());
        for text in [
            r#"{"endpoints": [], "endpoints": []}"#,
            r#"{"endpoints": [1,"#,
        ] {
            assert!(
                matches!(value_bounded(text, &bounds), Err(Refused::Json(_))),
                "{text}"
            );
        }
    }

    /// `{"endpoints": [{}, {}, ...` without end, counting the bytes it served.
    struct Endless {
        served: usize,
    }

    const HEAD: &[u8] = br#"{"endpoints": ["#;

    impl std::io::Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            for b in buf.iter_mut() {
                *b = match self.served.checked_sub(HEAD.len()) {
                    None => HEAD[self.served],
                    Some(i) => b"{}, "[i % 4],
                };
                self.served += 1;
            }
            Ok(buf.len())
        }
    }

    #[test]
    fn a_stream_of_endless_entries_is_read_only_up_to_the_entry_past_the_bound() {
        use super::{Refused, read_bounded};
        let mut endless = Endless { served: 0 };
        match read_bounded(&mut endless, &[("endpoints", 1000)]) {
            Err(e @ Refused::TooLong { .. }) => {
                assert_eq!(e.to_string(), "endpoints has more than 1000 entries")
            }
            other => panic!("{other:?}"),
        }
        // Unbuffered, serde_json takes a byte at a time: the 1,001 entries of 4 bytes and
        // the opening, give or take the byte it looked ahead.
        let read = endless.served;
        assert!(read >= HEAD.len() + 1000 * 4, "{read}");
        assert!(read <= HEAD.len() + 1001 * 4 + 1, "{read}");
    }

    #[test]
    fn a_nested_bound_names_its_whole_path_and_bounds_only_that_list() {
        use super::{Refused, value_bounded};
        let bounds = [("histograms.endpoints", 1), ("endpoints", 5)];
        let ok = r#"{"histograms": {"endpoints": [1], "intervals": [1, 2]}, "endpoints": [1, 2]}"#;
        assert!(value_bounded(ok, &bounds).is_ok());
        let text = r#"{"histograms": {"intervals": [1, 2], "endpoints": [1, 2], oops"#;
        match value_bounded(text, &bounds) {
            Err(Refused::TooLong { field, most }) => {
                assert_eq!((field.as_str(), most), ("histograms.endpoints", 1))
            }
            other => panic!("{other:?}"),
        }
        // The same key elsewhere is not bounded.
        let other =
            r#"{"x": {"endpoints": [1, 2, 3]}, "histograms": {"x": {"endpoints": [1, 2]}}}"#;
        assert!(value_bounded(other, &bounds).is_ok());
    }
}
