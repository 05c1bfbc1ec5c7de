//! Decimals travel as strings: a TOML or JSON float would already have lost the exact value.

pub mod dec {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::str::FromStr;

    pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::money::exact(*value))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let text = String::deserialize(d).map_err(|e| {
            serde::de::Error::custom(format!(
                "{e}; write decimal numbers as strings, e.g. \"0.0000166667\""
            ))
        })?;
        Decimal::from_str(text.trim())
            .map_err(|e| serde::de::Error::custom(format!("{text:?} is not a decimal number: {e}")))
    }
}

pub mod opt_dec {
    use rust_decimal::Decimal;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => super::dec::serialize(v, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
        super::dec::deserialize(d).map(Some)
    }
}
