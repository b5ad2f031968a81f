//! Names: the system name rules of DESIGN.md and Rust identifiers made from wire names.
//!
//! Wire names (operation ids, parameter names, tags) are turned into Rust identifiers that are
//! valid (never a keyword, never starting with a digit) and unique in their scope
//! ([`UniqueNames`]). The wire name is always kept beside the Rust name by the callers.

use std::fmt;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Why a system name was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid system name `{name}`: use lowercase letters, digits and single `-`s, starting with a letter and ending with a letter or digit (e.g. `amazon`, `my-api`)"
)]
pub struct InvalidSystemName {
    /// The rejected name.
    pub name: String,
}

/// A valid system name (`amazon`, `my-api`): lowercase ASCII letters, digits and single
/// `-`s, starting with a letter and ending with a letter or digit (so that the env prefix
/// `MY_API_` and the crate `my-api-connector` read well). Valid names never leave the workspace when used as a path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SystemName(String);

impl SystemName {
    /// Checks `name` against the rule.
    ///
    /// # Errors
    ///
    /// [`InvalidSystemName`] when the name is empty, does not start with a lowercase letter,
    /// ends with `-`, has `--`, or contains anything but lowercase letters, digits and `-`.
    pub fn parse(name: &str) -> Result<SystemName, InvalidSystemName> {
        let mut chars = name.chars();
        let starts_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
        let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        let dashes_ok = !name.ends_with('-') && !name.contains("--");
        if starts_ok && rest_ok && dashes_ok {
            Ok(SystemName(name.to_string()))
        } else {
            Err(InvalidSystemName { name: name.to_string() })
        }
    }

    /// The name as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The connector's crate name: `{system}-connector`.
    pub fn crate_name(&self) -> String {
        format!("{}-connector", self.0)
    }

    /// The crate name as used in Rust paths: `my_api_connector`.
    pub fn lib_name(&self) -> String {
        self.crate_name().replace('-', "_")
    }

    /// The environment prefix: upper-cased, `-` turned into `_`, plus `_` (`my-api` → `MY_API_`).
    pub fn env_prefix(&self) -> String {
        format!("{}_", self.0.to_ascii_uppercase().replace('-', "_"))
    }

    /// The type-name stem: `my-api` → `MyApi` (as in `MyApiSettings`, `MyApiClient`).
    pub fn type_stem(&self) -> String {
        let camel = self.0.to_upper_camel_case();
        if camel.is_empty() { "Api".to_string() } else { camel }
    }
}

impl fmt::Display for SystemName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Rust keywords (strict, reserved and 2018+/2024 ones) that cannot be plain identifiers: the
/// one list every name the generator makes is checked against.
pub(crate) const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Whether `word` is a Rust keyword.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Replaces everything that cannot be in an identifier by `_` so that case conversion sees
/// word boundaries (`x-amz-date` → `x_amz_date`, `$filter` → `_filter`).
fn words(wire: &str) -> String {
    wire.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// A snake_case identifier for a wire name: valid, never a keyword (a `_` is appended), never
/// starting with a digit (`n` is prepended), never empty (`value`).
pub fn snake_ident(wire: &str) -> String {
    let mut name = words(wire).to_snake_case();
    if name.is_empty() {
        name = "value".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'n');
    }
    if is_keyword(&name) || name == "_" {
        name.push('_');
    }
    name
}

/// The longest module name (and so file or folder name, `{module}.rs`) the generator writes.
/// Names made from deep schema pointers or long tags can run to hundreds of characters, past
/// what file systems take (255 bytes) and what anyone reads.
pub const MAX_MODULE_NAME: usize = 64;

/// A snake_case module name of at most [`MAX_MODULE_NAME`] characters: longer ones keep whole
/// words from the end (`keep_end`, the specific part of a name made from a path) or from the
/// start, and stay identifiers (a leading digit or keyword is handled as in [`snake_ident`]).
/// Callers make the result unique.
pub fn short_module_name(snake: &str, keep_end: bool) -> String {
    if snake.len() <= MAX_MODULE_NAME {
        return snake.to_string();
    }
    let words: Vec<&str> = snake.split('_').filter(|w| !w.is_empty()).collect();
    let mut kept: Vec<&str> = Vec::new();
    let mut length = 0;
    let ordered: Box<dyn Iterator<Item = &&str>> =
        if keep_end { Box::new(words.iter().rev()) } else { Box::new(words.iter()) };
    for word in ordered {
        let added = word.len() + usize::from(!kept.is_empty());
        if length + added > MAX_MODULE_NAME {
            break;
        }
        kept.push(word);
        length += added;
    }
    if keep_end {
        kept.reverse();
    }
    let joined = kept.join("_");
    let base = if joined.is_empty() {
        snake.chars().take(MAX_MODULE_NAME).collect::<String>()
    } else {
        joined
    };
    // Re-check the identifier rules on what is left (a kept tail may start with a digit).
    snake_ident(&base)
}

/// Cargo features a connector has besides its groups and specs.
const RESERVED_FEATURES: [&str; 3] = ["default", "redis", "testing"];

/// The group of an entity, which names its cargo feature in a connector built with
/// `entity_features`: the entity's name up to its first `.` (Microsoft Graph's tags
/// `users.calendar` and `users.messages` are both `users`), in snake_case, and never a
/// feature the crate has otherwise (`default` → `default_group`).
pub fn entity_group(entity: &str) -> String {
    let head = entity.split('.').find(|part| !part.trim().is_empty()).unwrap_or(entity);
    let group = short_module_name(&snake_ident(head), false);
    if RESERVED_FEATURES.contains(&group.as_str()) { format!("{group}_group") } else { group }
}

/// An UpperCamelCase identifier for a wire name, with the same guarantees as [`snake_ident`]
/// (a leading digit gets `N` prepended; `Self` becomes `Self_`).
pub fn camel_ident(wire: &str) -> String {
    let mut name = words(wire).to_upper_camel_case();
    if name.is_empty() {
        name = "Value".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'N');
    }
    if is_keyword(&name) {
        name.push('_');
    }
    name
}

/// A SCREAMING_SNAKE_CASE identifier (constants): `getOrders` → `GET_ORDERS`.
pub fn const_ident(wire: &str) -> String {
    let snake = snake_ident(wire);
    snake.trim_end_matches('_').to_ascii_uppercase()
}

/// Identifiers unique within one scope: the toolchain's one uniquifier, from `connkit-spec`
/// (which makes operation ids and schema names unique the same way).
pub use connkit_spec::UniqueNames;

/// Names a spec module cannot take: the folders spec modules live in (`services::services`
/// would trip `clippy::module_inception`), the files beside them, the `default` cargo feature,
/// and the gateway's own methods (a spec's module is also its gateway accessor).
const RESERVED_SPEC_MODULES: [&str; 9] =
    ["services", "models", "base", "default", "new", "from_env", "client", "clone", "fmt"];

/// The module (and cargo feature) name of each spec of one connector, in order: the snake_case
/// stem, `{stem}_api` when that is a reserved name, numbered when two stems meet.
pub fn spec_modules<'a>(stems: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut names = UniqueNames::new();
    stems
        .into_iter()
        .map(|stem| {
            let snake = snake_ident(stem);
            if RESERVED_SPEC_MODULES.contains(&snake.as_str()) {
                names.claim(&format!("{snake}_api"))
            } else {
                names.claim(&snake)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_module_names_keep_whole_words_within_the_limit() {
        let long = "components_schemas_application_gateway_backend_health_server_properties_ip\
                    _configuration_properties_private_link_service_connections_items";
        let end = short_module_name(long, true);
        assert!(end.len() <= MAX_MODULE_NAME, "{end}");
        assert!(end.ends_with("private_link_service_connections_items"), "{end}");
        let start = short_module_name(long, false);
        assert!(start.starts_with("components_schemas_application"), "{start}");
        assert!(start.len() <= MAX_MODULE_NAME);
        assert_eq!(short_module_name("orders", true), "orders");
        let digits = short_module_name(&format!("{}_2fa", "x".repeat(70)), true);
        assert_eq!(digits, "n2fa");
    }

    #[test]
    fn spec_modules_avoid_their_folders_and_each_other() {
        assert_eq!(
            spec_modules([
                "ordersV0",
                "services",
                "orders_v0",
                "models",
                "default",
                "new",
                "new_api"
            ]),
            [
                "orders_v0",
                "services_api",
                "orders_v0_2",
                "models_api",
                "default_api",
                "new_api",
                "new_api_2"
            ]
        );
    }

    #[test]
    fn system_names_follow_the_rule() {
        for good in ["amazon", "my-api", "a1", "x-2"] {
            assert!(SystemName::parse(good).is_ok(), "{good}");
        }
        for bad in
            ["", "1abc", "Amazon", "my_api", "../x", "a/b", "-a", "á", "x-", "my-api-", "a--b"]
        {
            assert!(SystemName::parse(bad).is_err(), "{bad}");
        }
        let name = SystemName::parse("my-api").unwrap();
        assert_eq!(name.env_prefix(), "MY_API_");
        assert_eq!(name.crate_name(), "my-api-connector");
        assert_eq!(name.lib_name(), "my_api_connector");
        assert_eq!(name.type_stem(), "MyApi");
    }

    #[test]
    fn identifiers_are_valid_rust() {
        assert_eq!(snake_ident("type"), "type_");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(snake_ident("2fa"), "n2fa");
        assert_eq!(snake_ident("x-amz-date"), "x_amz_date");
        assert_eq!(snake_ident("getOrders"), "get_orders");
        assert_eq!(snake_ident("$"), "value");
        assert_eq!(camel_ident("self"), "Self_");
        assert_eq!(camel_ident("404"), "N404");
        assert_eq!(const_ident("getOrders"), "GET_ORDERS");
        assert_eq!(const_ident("type"), "TYPE");
    }
}
