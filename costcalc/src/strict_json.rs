//! JSON parsing that refuses a key given twice in one object. serde_json keeps the last one
//! silently, so a file with `"compression"` twice would be priced at whichever came last; an
//! input file is refused instead. [`value_bounded`] also refuses a list longer than its bound
//! while parsing it, before the rest of the file is read into memory.

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

/// Why [`value_bounded`] refused a text.
#[derive(Debug)]
pub enum Refused {
    /// Not JSON, or a key given twice.
    Json(serde_json::Error),
    /// A list longer than its bound: what to tell the user (naming the field).
    TooLong(String),
}

/// [`value`], with a most number of entries for the lists under some top-level keys
/// (`("endpoints", 10_000)`): the entry after the last allowed one ends the parse, so a file of
/// 60,000 endpoints is refused at the 10,001st, not once all 60,000 are in memory.
pub fn value_bounded(text: &str, bounds: &[(&str, usize)]) -> Result<Value, Refused> {
    let too_long = RefCell::new(None);
    let seed = Seed {
        bounds,
        most: None,
        too_long: &too_long,
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
    match (parsed, too_long.into_inner()) {
        (Ok(v), _) => Ok(v),
        (Err(_), Some(why)) => Err(Refused::TooLong(why)),
        (Err(e), None) => Err(Refused::Json(e)),
    }
}

/// A value at some place of a bounded parse: the top level (which knows the bounds), a bounded
/// list (`most`), or anywhere else (neither).
#[derive(Clone, Copy)]
struct Seed<'b> {
    bounds: &'b [(&'b str, usize)],
    most: Option<(&'b str, usize)>,
    too_long: &'b RefCell<Option<String>>,
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
        let Some((name, most)) = self.0.most else {
            return StrictVisitor.visit_seq(seq);
        };
        let mut out = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            if out.len() == most {
                let why = format!(
                    "{name} has more than {most} entries, the most costcalc reads; check that it is the right file"
                );
                *self.0.too_long.borrow_mut() = Some(why.clone());
                return Err(de::Error::custom(why));
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
            let most = self.0.bounds.iter().find(|(name, _)| *name == k).copied();
            let seed = Seed {
                bounds: &[],
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
            Err(Refused::TooLong(why)) => assert_eq!(
                why,
                "endpoints has more than 2 entries, the most costcalc reads; check that it is the right file"
            ),
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
}
