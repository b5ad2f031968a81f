//! [`ParamStyle`]: how OpenAPI writes a path, query, header or cookie parameter, or a property
//! of a form body, on the wire (its `style` and `explode`), and the expansions themselves.
//!
//! Values are taken as JSON (anything `Serialize`): scalars, arrays of scalars, and objects.
//! For `{"R": 100, "G": 200}` named `color` (the examples of the OpenAPI specification):
//!
//! | style | explode | path | query |
//! |---|---|---|---|
//! | simple | no | `R,100,G,200` | |
//! | simple | yes | `R=100,G=200` | |
//! | label | no / yes | `.R,100,G,200` / `.R=100.G=200` | |
//! | matrix | no / yes | `;color=R,100,G,200` / `;R=100;G=200` | |
//! | form | no / yes | | `color=R,100,G,200` / `R=100&G=200` |
//! | deepObject | yes | | `color[R]=100&color[G]=200` |
//!
//! Arrays are `3,4,5` (simple), `.3.4.5` (label, exploded), `;id=3;id=4` (matrix, exploded),
//! `id=3&id=4` (form, exploded), `id=3,4` (form), `id=3%204` (spaceDelimited) and `id=3|4`
//! (pipeDelimited). Objects nested deeper (which OpenAPI leaves open) are written in bracket
//! notation, `color[shade][dark]=1`, the way form APIs read them.

use percent_encoding::{AsciiSet, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;

/// OpenAPI's `style` of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Style {
    /// `form`: `id=3&id=4` exploded, `id=3,4` not (query and cookie default).
    Form,
    /// `simple`: `3,4` (path and header default).
    Simple,
    /// `label`: `.3.4` exploded, `.3,4` not (path).
    Label,
    /// `matrix`: `;id=3;id=4` exploded, `;id=3,4` not (path).
    Matrix,
    /// `spaceDelimited`: `id=3%204` (query arrays).
    SpaceDelimited,
    /// `pipeDelimited`: `id=3|4` (query arrays).
    PipeDelimited,
    /// `deepObject`: `color[R]=100` (query objects).
    DeepObject,
}

/// How a parameter is written: a [`Style`] and whether arrays and objects are exploded.
///
/// ```
/// use connkit::ParamStyle;
///
/// let filter = serde_json::json!({"status": "open", "owner": "me"});
/// let pairs = ParamStyle::deep_object().query_pairs("filter", &filter);
/// assert_eq!(pairs, [("filter[status]".into(), "open".into()), ("filter[owner]".into(), "me".into())]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParamStyle {
    style: Style,
    explode: bool,
}

impl ParamStyle {
    /// `style` with `explode`.
    pub const fn new(style: Style, explode: bool) -> Self {
        Self { style, explode }
    }

    /// `form`, exploded or not.
    pub const fn form(explode: bool) -> Self {
        Self::new(Style::Form, explode)
    }

    /// `simple`, exploded or not.
    pub const fn simple(explode: bool) -> Self {
        Self::new(Style::Simple, explode)
    }

    /// `label`, exploded or not.
    pub const fn label(explode: bool) -> Self {
        Self::new(Style::Label, explode)
    }

    /// `matrix`, exploded or not.
    pub const fn matrix(explode: bool) -> Self {
        Self::new(Style::Matrix, explode)
    }

    /// `spaceDelimited` (not exploded).
    pub const fn space_delimited() -> Self {
        Self::new(Style::SpaceDelimited, false)
    }

    /// `pipeDelimited` (not exploded).
    pub const fn pipe_delimited() -> Self {
        Self::new(Style::PipeDelimited, false)
    }

    /// `deepObject` (exploded).
    pub const fn deep_object() -> Self {
        Self::new(Style::DeepObject, true)
    }

    /// The style.
    pub fn style(&self) -> Style {
        self.style
    }

    /// Whether arrays and objects are exploded.
    pub fn explode(&self) -> bool {
        self.explode
    }

    /// The query pairs (unencoded) of parameter `name` holding `value`; none for `null`.
    pub fn query_pairs(&self, name: &str, value: &Value) -> Vec<(String, String)> {
        let mut out = Vec::new();
        match (value, self.style) {
            (Value::Null, _) => {}
            (Value::Object(_), Style::DeepObject) | (Value::Array(_), Style::DeepObject) => {
                brackets(name, value, &mut out);
            }
            (Value::Object(map), _) if self.explode => {
                for (key, item) in map {
                    match item {
                        Value::Object(_) | Value::Array(_) => brackets(key, item, &mut out),
                        other => out.extend(scalar(other).map(|text| (key.clone(), text))),
                    }
                }
            }
            (Value::Object(map), _) => {
                let joined = map
                    .iter()
                    .flat_map(|(k, v)| [Some(k.clone()), scalar(v)])
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(",");
                out.push((name.to_owned(), joined));
            }
            (Value::Array(items), Style::Form) if self.explode => {
                out.extend(items.iter().filter_map(scalar).map(|t| (name.to_owned(), t)));
            }
            (Value::Array(items), style) => {
                let separator = match style {
                    Style::SpaceDelimited => " ",
                    Style::PipeDelimited => "|",
                    _ => ",",
                };
                let texts: Vec<String> = items.iter().filter_map(scalar).collect();
                out.push((name.to_owned(), texts.join(separator)));
            }
            (other, _) => out.extend(scalar(other).map(|text| (name.to_owned(), text))),
        }
        out
    }

    /// The path expansion of parameter `name` holding `value`, percent-encoded with `set`
    /// (the delimiters of the style stay literal); `None` for `null`.
    pub(crate) fn path_text(
        &self,
        name: &str,
        value: &Value,
        set: &'static AsciiSet,
    ) -> Option<String> {
        let enc = |text: &str| utf8_percent_encode(text, set).to_string();
        let (prefix, separator) = match self.style {
            Style::Label => (".".to_owned(), if self.explode { "." } else { "," }),
            Style::Matrix => (String::new(), if self.explode { ";" } else { "," }),
            _ => (String::new(), ","),
        };
        let matrix = self.style == Style::Matrix;
        let text = match value {
            Value::Null => return None,
            Value::Array(items) => {
                let texts: Vec<String> = items.iter().filter_map(scalar).map(|t| enc(&t)).collect();
                if matrix && self.explode {
                    texts.iter().map(|t| format!(";{}={t}", enc(name))).collect()
                } else if matrix {
                    format!(";{}={}", enc(name), texts.join(","))
                } else {
                    format!("{prefix}{}", texts.join(separator))
                }
            }
            Value::Object(map) => {
                let pairs = map.iter().filter_map(|(k, v)| scalar(v).map(|v| (enc(k), enc(&v))));
                if self.explode {
                    let pairs: Vec<String> = pairs.map(|(k, v)| format!("{k}={v}")).collect();
                    if matrix {
                        pairs.iter().map(|p| format!(";{p}")).collect()
                    } else {
                        format!("{prefix}{}", pairs.join(separator))
                    }
                } else {
                    let flat: Vec<String> = pairs.flat_map(|(k, v)| [k, v]).collect();
                    if matrix {
                        format!(";{}={}", enc(name), flat.join(","))
                    } else {
                        format!("{prefix}{}", flat.join(","))
                    }
                }
            }
            other => {
                let text = enc(&scalar(other)?);
                if matrix { format!(";{}={text}", enc(name)) } else { format!("{prefix}{text}") }
            }
        };
        Some(text)
    }

    /// The header text (`simple`) of `value`; `None` for `null` or an empty array.
    pub fn header_text(&self, value: &Value) -> Option<String> {
        match value {
            Value::Null => None,
            Value::Array(items) if items.is_empty() => None,
            Value::Array(items) => {
                Some(items.iter().filter_map(scalar).collect::<Vec<_>>().join(","))
            }
            Value::Object(map) => {
                let parts: Vec<String> = map
                    .iter()
                    .filter_map(|(k, v)| scalar(v).map(|v| (k, v)))
                    .flat_map(|(k, v)| {
                        if self.explode { vec![format!("{k}={v}")] } else { vec![k.clone(), v] }
                    })
                    .collect();
                Some(parts.join(","))
            }
            other => scalar(other),
        }
    }
}

/// `value` as a JSON value for the styles (a value that does not serialise is an error text).
pub(crate) fn to_value<T: Serialize + ?Sized>(value: &T) -> Result<Value, String> {
    serde_json::to_value(value).map_err(|e| format!("the value could not be serialized: {e}"))
}

/// The plain textual values of a parameter: strings as they are, numbers and booleans in
/// their JSON form, one value per element of an array, none for `null` (an absent `Option`).
pub(crate) fn plain_values(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter_map(scalar).collect(),
        other => scalar(other).into_iter().collect(),
    }
}

/// The text of a scalar: strings as they are, numbers and booleans in JSON form, `null` none.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        other => Some(other.to_string()),
    }
}

/// Bracket notation: `name[key]=v` for objects, `name[0]=v` for arrays, recursively.
pub(crate) fn brackets(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                brackets(&format!("{name}[{key}]"), item, out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                brackets(&format!("{name}[{index}]"), item, out);
            }
        }
        other => out.extend(scalar(other).map(|text| (name.to_owned(), text))),
    }
}

/// The pairs of a form body (`application/x-www-form-urlencoded`): each top-level property as
/// its `encodings` entry says (by property name), else scalars as `key=value`, arrays of
/// scalars repeated (`key=a&key=b`, OpenAPI's default `form` exploded) and anything nested in
/// bracket notation (`meta[key]=v`, `items[0][price]=p`), the way form APIs read them.
pub(crate) fn form_pairs(
    body: &Value,
    encodings: &[(&str, ParamStyle)],
) -> Result<Vec<(String, String)>, String> {
    let entries: Vec<(&str, &Value)> = match body {
        Value::Object(map) => map.iter().map(|(k, v)| (k.as_str(), v)).collect(),
        // A sequence of `(name, value)` pairs, as `serde_urlencoded` takes.
        Value::Array(pairs) => pairs
            .iter()
            .map(|pair| match pair.as_array().map(Vec::as_slice) {
                Some([Value::String(name), value]) => Ok((name.as_str(), value)),
                _ => {
                    Err("a form body must be an object or a list of (name, value) pairs".to_owned())
                }
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err("a form body must be an object or a list of (name, value) pairs".to_owned());
        }
    };
    let mut out = Vec::new();
    for (key, value) in entries {
        let key = &key.to_owned();
        let declared = encodings.iter().find(|(name, _)| name == key).map(|(_, style)| *style);
        match (declared, value) {
            (Some(style), value) => out.extend(style.query_pairs(key, value)),
            (None, Value::Array(items))
                if items.iter().all(|i| !i.is_object() && !i.is_array()) =>
            {
                out.extend(items.iter().filter_map(scalar).map(|t| (key.clone(), t)));
            }
            (None, value) => brackets(key, value, &mut out),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use percent_encoding::NON_ALPHANUMERIC;
    use serde_json::json;

    fn path(style: ParamStyle, value: Value) -> String {
        style.path_text("color", &value, NON_ALPHANUMERIC).unwrap()
    }

    fn pairs(style: ParamStyle, value: Value) -> String {
        style
            .query_pairs("color", &value)
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The examples of the OpenAPI specification's "Style Examples" table.
    #[test]
    fn path_styles_follow_the_specification() {
        let array = || json!(["blue", "black", "brown"]);
        let object = || json!({"R": 100, "G": 200, "B": 150});
        assert_eq!(path(ParamStyle::simple(false), json!("blue")), "blue");
        assert_eq!(path(ParamStyle::simple(false), array()), "blue,black,brown");
        assert_eq!(path(ParamStyle::simple(false), object()), "R,100,G,200,B,150");
        assert_eq!(path(ParamStyle::simple(true), object()), "R=100,G=200,B=150");
        assert_eq!(path(ParamStyle::label(false), json!("blue")), ".blue");
        assert_eq!(path(ParamStyle::label(false), array()), ".blue,black,brown");
        assert_eq!(path(ParamStyle::label(true), array()), ".blue.black.brown");
        assert_eq!(path(ParamStyle::label(false), object()), ".R,100,G,200,B,150");
        assert_eq!(path(ParamStyle::label(true), object()), ".R=100.G=200.B=150");
        assert_eq!(path(ParamStyle::matrix(false), json!("blue")), ";color=blue");
        assert_eq!(path(ParamStyle::matrix(false), array()), ";color=blue,black,brown");
        assert_eq!(path(ParamStyle::matrix(true), array()), ";color=blue;color=black;color=brown");
        assert_eq!(path(ParamStyle::matrix(false), object()), ";color=R,100,G,200,B,150");
        assert_eq!(path(ParamStyle::matrix(true), object()), ";R=100;G=200;B=150");
    }

    #[test]
    fn query_styles_follow_the_specification() {
        let array = || json!(["blue", "black", "brown"]);
        let object = || json!({"R": 100, "G": 200, "B": 150});
        assert_eq!(pairs(ParamStyle::form(true), json!("blue")), "color=blue");
        assert_eq!(pairs(ParamStyle::form(false), array()), "color=blue,black,brown");
        assert_eq!(pairs(ParamStyle::form(true), array()), "color=blue&color=black&color=brown");
        assert_eq!(pairs(ParamStyle::form(false), object()), "color=R,100,G,200,B,150");
        assert_eq!(pairs(ParamStyle::form(true), object()), "R=100&G=200&B=150");
        assert_eq!(pairs(ParamStyle::space_delimited(), array()), "color=blue black brown");
        assert_eq!(pairs(ParamStyle::pipe_delimited(), array()), "color=blue|black|brown");
        assert_eq!(
            pairs(ParamStyle::deep_object(), object()),
            "color[R]=100&color[G]=200&color[B]=150"
        );
        assert_eq!(pairs(ParamStyle::form(true), Value::Null), "");
    }

    #[test]
    fn nested_values_use_brackets() {
        let value = json!({"shade": {"dark": true}, "tags": ["a", "b"]});
        assert_eq!(
            pairs(ParamStyle::deep_object(), value),
            "color[shade][dark]=true&color[tags][0]=a&color[tags][1]=b"
        );
    }

    #[test]
    fn path_values_are_encoded_but_delimiters_are_not() {
        let text = ParamStyle::label(true).path_text("p", &json!(["a/b", "c d"]), NON_ALPHANUMERIC);
        assert_eq!(text.as_deref(), Some(".a%2Fb.c%20d"));
    }

    #[test]
    fn headers_are_simple() {
        let style = ParamStyle::simple(false);
        assert_eq!(style.header_text(&json!(["a", 1, true])).as_deref(), Some("a,1,true"));
        assert_eq!(style.header_text(&json!({"R": 1, "G": 2})).as_deref(), Some("R,1,G,2"));
        let exploded = ParamStyle::simple(true);
        assert_eq!(exploded.header_text(&json!({"R": 1, "G": 2})).as_deref(), Some("R=1,G=2"));
        assert_eq!(style.header_text(&Value::Null), None);
    }

    #[test]
    fn form_bodies_nest_in_brackets_and_honour_declared_encodings() {
        let body = json!({
            "amount": 2000,
            "tags": ["a", "b"],
            "metadata": {"order_id": "6735"},
            "items": [{"price": "p_1", "quantity": 2}],
            "expand": ["customer", "invoice"],
            "note": null,
        });
        let got = form_pairs(&body, &[("expand", ParamStyle::deep_object())]).unwrap();
        let text: Vec<String> = got.iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(
            text,
            [
                "amount=2000",
                "tags=a",
                "tags=b",
                "metadata[order_id]=6735",
                "items[0][price]=p_1",
                "items[0][quantity]=2",
                "expand[0]=customer",
                "expand[1]=invoice",
            ]
        );
        assert!(form_pairs(&json!([1]), &[]).is_err());
        let pairs = form_pairs(&json!([["a", "1"], ["a", "2"]]), &[]).unwrap();
        assert_eq!(pairs, [("a".to_owned(), "1".to_owned()), ("a".to_owned(), "2".to_owned())]);
    }
}
