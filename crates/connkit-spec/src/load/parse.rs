//! Parsing one document's text (JSON or YAML) into a JSON value, with located errors.

use serde_json::Value;

/// The syntax of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Yaml,
}

impl Format {
    /// Guesses the format from the name (extension), falling back to the first
    /// non-blank character (`{` or `[` means JSON).
    pub(crate) fn detect(name: &str, text: &str) -> Format {
        let lower = name.split(['?', '#']).next().unwrap_or(name).to_ascii_lowercase();
        if lower.ends_with(".json") {
            return Format::Json;
        }
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            return Format::Yaml;
        }
        match text.trim_start_matches('\u{feff}').trim_start().chars().next() {
            Some('{') | Some('[') => Format::Json,
            _ => Format::Yaml,
        }
    }
}

/// A syntax error: message plus 1-based line and column when the parser knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) message: String,
    pub(crate) line: Option<u64>,
    pub(crate) column: Option<u64>,
}

/// Parses `text` in `format`.
pub(crate) fn parse(text: &str, format: Format) -> Result<Value, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Json => serde_json::from_str(text).map_err(|err| SyntaxError {
            message: json_message(&err),
            line: Some(err.line() as u64),
            column: Some(err.column() as u64),
        }),
        Format::Yaml => serde_saphyr::from_str_with_options(text, yaml_options()).map_err(|err| {
            let location = err.location();
            SyntaxError {
                message: yaml_message(&err),
                line: location.map(|l| l.line()),
                column: location.map(|l| l.column()),
            }
        }),
    }
}

/// The YAML reader's options: YAML 1.2 booleans only (`y`, `n`, `on`, `off` stay strings:
/// they are property names in real specs), no source snippets in messages, and budgets sized
/// for API descriptions of tens of megabytes (the defaults stop at 250,000 nodes, which a
/// large spec exceeds) while keeping the depth bounded.
pub(crate) fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = 20_000_000;
    budget.max_events = 80_000_000;
    budget.max_depth = 128;
    serde_saphyr::options! {
        with_snippet: false,
        strict_booleans: true,
        budget: Some(budget),
    }
}

/// serde_json appends " at line L column C"; the location is reported separately.
fn json_message(err: &serde_json::Error) -> String {
    let message = err.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}

fn yaml_message(err: &serde_saphyr::Error) -> String {
    let message = err.to_string();
    let first = message.lines().next().unwrap_or("invalid YAML").trim();
    // The location is reported separately; drop serde-saphyr's own " at line L, column C".
    match first.rfind(" at line ") {
        Some(at) if first[at..].contains("column") => first[..at].trim_end().to_string(),
        _ => first.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_carry_line_and_column() {
        let err = parse("{\n  \"a\": 1,\n  \"b\" 2\n}", Format::Json).unwrap_err();
        assert_eq!(err.line, Some(3));
        assert_eq!(err.column, Some(7));
        assert!(!err.message.contains("at line"), "{}", err.message);
    }

    #[test]
    fn yaml_errors_carry_line_and_column() {
        let err = parse("openapi: 3.0.0\ninfo:\n  title: [unclosed\n  version: 1\n", Format::Yaml)
            .unwrap_err();
        assert!(err.line.is_some(), "{err:?}");
        assert!(err.column.is_some(), "{err:?}");
    }

    #[test]
    fn yaml_numeric_keys_become_strings() {
        let value = parse("responses:\n  200:\n    description: ok\n", Format::Yaml).unwrap();
        assert!(value["responses"]["200"].is_object(), "{value}");
    }

    #[test]
    fn yaml_1_1_booleans_stay_strings() {
        let value = parse("required: [x, y, n, on]\nflag: true\n", Format::Yaml).unwrap();
        assert_eq!(value["required"], serde_json::json!(["x", "y", "n", "on"]));
        assert_eq!(value["flag"], serde_json::json!(true));
    }

    #[test]
    fn large_yaml_documents_fit_the_budget() {
        let mut text = String::from("items:\n");
        for i in 0..300_000 {
            text.push_str(&format!("  - {i}\n"));
        }
        let value = parse(&text, Format::Yaml).unwrap();
        assert_eq!(value["items"].as_array().map(Vec::len), Some(300_000));
    }

    #[test]
    fn format_detection_uses_extension_then_content() {
        assert_eq!(Format::detect("a.yml", "{}"), Format::Yaml);
        assert_eq!(Format::detect("a.JSON", "x: 1"), Format::Json);
        assert_eq!(Format::detect("http://x/spec", "  {\"a\":1}"), Format::Json);
        assert_eq!(Format::detect("http://x/spec", "openapi: 3.1.0"), Format::Yaml);
    }
}
