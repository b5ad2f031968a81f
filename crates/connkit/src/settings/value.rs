//! [`SettingValue`]: how a typed setting parses from its text.

use std::path::PathBuf;
use std::time::Duration;

use crate::Secret;

/// A type a setting can be read as.
///
/// `parse` returns what was expected on failure (`"a whole number"`), never the value itself,
/// so errors stay free of secrets.
pub trait SettingValue: Sized {
    /// Parses the (non-empty) text of a variable.
    ///
    /// # Errors
    ///
    /// A short description of what was expected, used as the reason.
    fn parse_setting(text: &str) -> Result<Self, String>;
}

impl SettingValue for String {
    fn parse_setting(text: &str) -> Result<Self, String> {
        Ok(text.to_string())
    }
}

impl SettingValue for Secret {
    fn parse_setting(text: &str) -> Result<Self, String> {
        Ok(Secret::new(text))
    }
}

impl SettingValue for PathBuf {
    fn parse_setting(text: &str) -> Result<Self, String> {
        Ok(PathBuf::from(text))
    }
}

/// `on`/`off`, `true`/`false`, `yes`/`no`, `1`/`0`, in any case.
impl SettingValue for bool {
    fn parse_setting(text: &str) -> Result<Self, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "on" | "true" | "yes" | "1" => Ok(true),
            "off" | "false" | "no" | "0" => Ok(false),
            _ => Err("expected on/off, true/false, yes/no or 1/0".to_string()),
        }
    }
}

macro_rules! unsigned_setting {
    ($($ty:ty),*) => {$(
        impl SettingValue for $ty {
            fn parse_setting(text: &str) -> Result<Self, String> {
                text.trim().parse().map_err(|_| {
                    format!("expected a whole number from 0 to {}", <$ty>::MAX)
                })
            }
        }
    )*};
}
unsigned_setting!(u8, u16, u32, u64, usize);

macro_rules! signed_setting {
    ($($ty:ty),*) => {$(
        impl SettingValue for $ty {
            fn parse_setting(text: &str) -> Result<Self, String> {
                text.trim().parse().map_err(|_| {
                    format!("expected a whole number from {} to {}", <$ty>::MIN, <$ty>::MAX)
                })
            }
        }
    )*};
}
signed_setting!(i8, i16, i32, i64, isize);

macro_rules! float_setting {
    ($($ty:ty),*) => {$(
        impl SettingValue for $ty {
            fn parse_setting(text: &str) -> Result<Self, String> {
                text.trim()
                    .parse::<$ty>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .ok_or_else(|| "expected a finite number".to_string())
            }
        }
    )*};
}
float_setting!(f32, f64);

/// An absolute URL (`https://api.example.com/v1`).
impl SettingValue for url::Url {
    fn parse_setting(text: &str) -> Result<Self, String> {
        match url::Url::parse(text.trim()) {
            Ok(url) if url.has_host() => Ok(url),
            Ok(_) => Err("expected an absolute http(s) URL with a host".to_string()),
            Err(err) => Err(format!("expected an absolute URL ({err})")),
        }
    }
}

/// A positive number of seconds, whole or decimal (`30`, `2.5`).
impl SettingValue for Duration {
    fn parse_setting(text: &str) -> Result<Self, String> {
        const EXPECTED: &str = "expected a positive number of seconds";
        let secs: f64 = text.trim().parse().map_err(|_| EXPECTED.to_string())?;
        if secs.is_nan() || secs <= 0.0 {
            return Err(EXPECTED.to_string());
        }
        Duration::try_from_secs_f64(secs).map_err(|_| EXPECTED.to_string())
    }
}

/// A list separated by commas and/or whitespace (`read write`, `a,b`), empty parts dropped.
impl<T: SettingValue> SettingValue for Vec<T> {
    fn parse_setting(text: &str) -> Result<Self, String> {
        text.split(|c: char| c == ',' || c.is_whitespace())
            .filter(|part| !part.is_empty())
            .map(|part| T::parse_setting(part).map_err(|why| format!("a list item: {why}")))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_accept_every_spelling() {
        for text in ["on", "TRUE", "yes", "1", " On "] {
            assert_eq!(bool::parse_setting(text), Ok(true), "{text}");
        }
        for text in ["off", "False", "NO", "0"] {
            assert_eq!(bool::parse_setting(text), Ok(false), "{text}");
        }
        assert!(bool::parse_setting("maybe").is_err());
    }

    #[test]
    fn numbers_durations_urls_and_lists() {
        assert_eq!(u32::parse_setting(" 7 "), Ok(7));
        assert!(u32::parse_setting("-1").unwrap_err().contains("whole number"));
        assert_eq!(Duration::parse_setting("2.5"), Ok(Duration::from_millis(2500)));
        assert!(Duration::parse_setting("0").is_err());
        assert!(Duration::parse_setting("NaN").is_err());
        assert!(Duration::parse_setting("1e300").is_err());
        assert!(url::Url::parse_setting("/relative").is_err());
        assert!(url::Url::parse_setting("mailto:x@y").is_err());
        assert_eq!(
            Vec::<String>::parse_setting("read, write  admin"),
            Ok(vec!["read".to_string(), "write".to_string(), "admin".to_string()])
        );
        assert!(Vec::<u8>::parse_setting("1,x").is_err());
    }

    #[test]
    fn failures_never_quote_the_value() {
        let canary = "canary-5d1e";
        for why in [
            u64::parse_setting(canary).unwrap_err(),
            bool::parse_setting(canary).unwrap_err(),
            url::Url::parse_setting(canary).unwrap_err(),
            Duration::parse_setting(canary).unwrap_err(),
        ] {
            assert!(!why.contains(canary), "{why}");
        }
    }
}
