//! Rust identifiers from wire names: type, variant, field and module names that are always
//! valid, never keywords and never shadow the prelude ([`crate::naming::UniqueNames`] keeps them
//! unique inside their scope).

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Type names a generated model must not take: `Self`, and prelude names that generated code
/// or code next to it may use unqualified.
const RESERVED_TYPES: &[&str] = &[
    "Self",
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "ToString",
    "ToOwned",
    "Iterator",
    "IntoIterator",
    "Into",
    "From",
    "TryFrom",
    "TryInto",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Debug",
    "Hash",
    "AsRef",
    "AsMut",
    "Extend",
    "Unpin",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Serialize",
    "Deserialize",
    "Value",
];

use crate::naming::is_keyword;

/// Rewrites a wire name into words heck can case: signs that carry meaning (`+1`, `-1`) become
/// words, every other non-ASCII-alphanumeric character becomes a word break.
fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    let mut chars = raw.chars().peekable();
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if at_start && (c == '+' || c == '-') {
            let next_is_digit = chars.peek().is_some_and(char::is_ascii_digit);
            if next_is_digit || chars.peek().is_none() {
                out.push_str(if c == '+' { "plus " } else { "minus " });
                at_start = false;
                continue;
            }
        }
        if c.is_ascii_alphanumeric() {
            out.push(c);
            at_start = false;
        } else {
            out.push(' ');
        }
    }
    out
}

/// Whether `ident` is a plain ASCII identifier (`[A-Za-z_][A-Za-z0-9_]*`) that is not `_`.
fn is_plain_ident(ident: &str) -> bool {
    let mut chars = ident.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    ident != "_" && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `UpperCamelCase` that clippy's `upper_case_acronyms` accepts: a name without lowercase
/// letters (`ABC`, from `a-b-c`) keeps only its first letter uppercase.
fn upper_camel(raw: &str) -> String {
    let name = clean(raw).to_upper_camel_case();
    let letters = name.chars().filter(char::is_ascii_alphabetic).count();
    if letters >= 2 && !name.chars().any(|c| c.is_ascii_lowercase()) {
        let mut chars = name.chars();
        chars.next().map_or_else(String::new, |first| {
            std::iter::once(first).chain(chars.map(|c| c.to_ascii_lowercase())).collect()
        })
    } else {
        name
    }
}

/// A type name (`UpperCamelCase`) for a schema or inline type.
pub(crate) fn type_name(raw: &str) -> String {
    let mut name = upper_camel(raw);
    if name.is_empty() {
        name = "Unnamed".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("Type{name}");
    }
    if RESERVED_TYPES.contains(&name.as_str()) {
        name.push_str("Model");
    }
    if !is_plain_ident(&name) {
        name = "Unnamed".to_owned();
    }
    name
}

/// An enum variant name (`UpperCamelCase`) for a wire value or a union member.
pub(crate) fn variant_name(raw: &str) -> String {
    let mut name = upper_camel(raw);
    if name.is_empty() {
        name = "Empty".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("V{name}");
    }
    if name == "Self" {
        name = "SelfValue".to_owned();
    }
    if !is_plain_ident(&name) {
        name = "Value".to_owned();
    }
    name
}

/// A field name (`snake_case`) for a property. Keywords get a trailing `_`.
pub(crate) fn field_name(raw: &str) -> String {
    let mut name = clean(raw).to_snake_case();
    if name.is_empty() {
        name = "field".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("field_{name}");
    }
    if is_keyword(&name) {
        name.push('_');
    }
    if !is_plain_ident(&name) {
        name = "field".to_owned();
    }
    name
}

/// A module (and file) name (`snake_case`) for a type name. Keywords get a trailing `_`.
pub(crate) fn module_name(type_name: &str) -> String {
    let mut name = type_name.to_snake_case();
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name = format!("m_{name}");
    }
    if is_keyword(&name) || name == "mod" {
        name.push('_');
    }
    if !is_plain_ident(&name) {
        name = "module".to_owned();
    }
    crate::naming::short_module_name(&name, true)
}

/// A path segment of a module path as given by a caller: kept when it is an identifier or
/// `crate`/`self`/`super`, rewritten into one otherwise.
pub(crate) fn path_segment(raw: &str) -> String {
    let raw = raw.trim();
    if matches!(raw, "crate" | "self" | "super") || (is_plain_ident(raw) && !is_keyword(raw)) {
        raw.to_owned()
    } else {
        field_name(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_digits_symbols_and_empty_names_become_identifiers() {
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("2fa"), "field_2fa");
        assert_eq!(field_name(""), "field");
        assert_eq!(field_name("@odata.type"), "odata_type");
        assert_eq!(field_name("+1"), "plus_1");
        assert_eq!(field_name("-1"), "minus_1");
        assert_eq!(field_name("$ref"), "ref_");
        assert_eq!(field_name("größe"), "gr_e");
        assert_eq!(type_name("self"), "SelfModel");
        assert_eq!(type_name("option"), "OptionModel");
        assert_eq!(type_name("3DSecure"), "Type3dSecure");
        assert_eq!(type_name("ÄÖÜ"), "Unnamed");
        assert_eq!(variant_name("200"), "V200");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("self"), "SelfValue");
        assert_eq!(variant_name("a-b-c"), "Abc");
        assert_eq!(variant_name("USD"), "Usd");
        assert_eq!(type_name("V2"), "V2");
        assert_eq!(module_name("Type"), "type_");
        assert_eq!(path_segment("crate"), "crate");
        assert_eq!(path_segment("orders-v0"), "orders_v0");
    }

    #[test]
    fn every_name_is_a_valid_identifier() {
        let mut inputs: Vec<String> =
            crate::naming::KEYWORDS.iter().map(|k| (*k).to_owned()).collect();
        inputs.extend(RESERVED_TYPES.iter().map(|k| (*k).to_owned()));
        for a in (0u8..128).map(char::from) {
            inputs.push(a.to_string());
            for b in ['a', '1', '_', '-', ' ', 'Z', 'é'] {
                inputs.push(format!("{a}{b}"));
                inputs.push(format!("{b}{a}"));
            }
        }
        inputs.extend(
            ["", "__", "-", "+", "😀", "x-amzn-Type", "ÄÖÜ", "1.5", "a..b"].map(String::from),
        );
        for input in &inputs {
            for name in [
                type_name(input),
                variant_name(input),
                field_name(input),
                module_name(&type_name(input)),
            ] {
                assert!(syn::parse_str::<syn::Ident>(&name).is_ok(), "{input:?} gave {name:?}");
                assert!(!is_keyword(&name) && name != "Self", "{input:?} gave keyword {name:?}");
            }
            assert!(!RESERVED_TYPES.contains(&type_name(input).as_str()), "{input:?}");
        }
    }
}
