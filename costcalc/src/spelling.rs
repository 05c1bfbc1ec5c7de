//! One spelling per value of the engine's small enums (a plan, a term, an architecture): the same
//! word in price files, in JSON and CSV output and on the command line. The CLI builds its value
//! parsers from `Spelling::ALL`, so a value is spelled only where its enum is declared.

/// An enum whose values each have one spelling.
pub trait Spelling: Copy + Sized + 'static {
    /// Every value, in the order they are listed.
    const ALL: &'static [Self];
    fn spelling(self) -> &'static str;

    /// The value spelled `s`, if any.
    fn from_spelling(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.spelling() == s)
    }

    /// "a, b or c": the spellings, for a message.
    fn choices() -> String {
        let all: Vec<&str> = Self::ALL.iter().map(|v| v.spelling()).collect();
        match all.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => all.join(""),
        }
    }
}

/// `spelled!(Term { OneYear => "1y", ThreeYears => "3y" })`: the `Spelling` of an enum, and the
/// conversions serde (`#[serde(into = "&'static str", try_from = "String")]`) and clap use.
macro_rules! spelled {
    ($t:ident { $($v:ident => $s:literal),+ $(,)? }) => {
        impl $crate::spelling::Spelling for $t {
            const ALL: &'static [Self] = &[$($t::$v),+];
            fn spelling(self) -> &'static str {
                match self {
                    $($t::$v => $s),+
                }
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::spelling::Spelling::spelling(*self))
            }
        }
        impl std::str::FromStr for $t {
            type Err = String;
            fn from_str(s: &str) -> std::result::Result<Self, String> {
                use $crate::spelling::Spelling;
                Self::from_spelling(s)
                    .ok_or_else(|| format!("expected {}, got {s:?}", Self::choices()))
            }
        }
        impl From<$t> for &'static str {
            fn from(v: $t) -> &'static str {
                $crate::spelling::Spelling::spelling(v)
            }
        }
        impl TryFrom<String> for $t {
            type Error = String;
            fn try_from(s: String) -> std::result::Result<Self, String> {
                s.parse()
            }
        }
    };
}
pub(crate) use spelled;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Size {
        Small,
        Large,
        Huge,
    }
    spelled!(Size { Small => "s", Large => "l", Huge => "xl" });

    #[test]
    fn one_spelling_both_ways() {
        assert_eq!(Size::Large.to_string(), "l");
        assert_eq!("xl".parse::<Size>(), Ok(Size::Huge));
        assert_eq!(
            "m".parse::<Size>(),
            Err("expected s, l or xl, got \"m\"".to_string())
        );
        assert_eq!(Size::from_spelling("s"), Some(Size::Small));
    }
}
