//! [`UniqueNames`]: the one way connkit makes names unique inside a scope (operation ids,
//! spec stems and schema names here; Rust identifiers, modules and files in the generator).

use std::collections::BTreeSet;

/// Hands out names unique within one scope: a name already taken gets a number (`orders_2`,
/// `orders_3`, ...). Deterministic: the same requests in the same order give the same names.
#[derive(Debug, Default, Clone)]
pub struct UniqueNames {
    taken: BTreeSet<String>,
}

impl UniqueNames {
    /// An empty scope.
    pub fn new() -> UniqueNames {
        UniqueNames::default()
    }

    /// A scope where `names` are already taken (reserved words of the generated code).
    pub fn with_reserved<'a>(names: impl IntoIterator<Item = &'a str>) -> UniqueNames {
        UniqueNames { taken: names.into_iter().map(str::to_string).collect() }
    }

    /// Marks `name` as taken without handing it out.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Returns `base` if free, else the first free of `{base}{sep}2`, `{base}{sep}3`, ...,
    /// and takes it.
    pub fn unique(&mut self, base: &str, sep: &str) -> String {
        if self.taken.insert(base.to_string()) {
            return base.to_string();
        }
        self.numbered(base, sep)
    }

    /// Returns the Rust identifier `name` if free, else the first free numbered variant of
    /// it without its trailing `_`s (a keyword's escape): `Order2` for an `UpperCamelCase`
    /// name, `type_2` for any other; and takes it.
    pub fn claim(&mut self, name: &str) -> String {
        if self.taken.insert(name.to_string()) {
            return name.to_string();
        }
        let camel = name.starts_with(|c: char| c.is_ascii_uppercase());
        self.numbered(name.trim_end_matches('_'), if camel { "" } else { "_" })
    }

    fn numbered(&mut self, base: &str, sep: &str) -> String {
        let mut n = 2u64;
        loop {
            let candidate = format!("{base}{sep}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taken_names_get_the_first_free_number() {
        let mut names = UniqueNames::with_reserved(["client"]);
        assert_eq!(names.claim("client"), "client_2");
        assert_eq!(names.claim("list"), "list");
        assert_eq!(names.claim("list"), "list_2");
        assert_eq!(names.claim("type_"), "type_");
        assert_eq!(names.claim("type_"), "type_2");
        assert_eq!(names.claim("Order"), "Order");
        assert_eq!(names.claim("Order"), "Order2");
        names.reserve("Unknown");
        assert_eq!(names.unique("Unknown", ""), "Unknown2");
        assert_eq!(names.unique("a_2", "_"), "a_2");
        assert_eq!(names.unique("a", "_"), "a");
        assert_eq!(names.unique("a", "_"), "a_3");
        assert!(names.contains("a_3") && !names.contains("a_4"));
    }
}
