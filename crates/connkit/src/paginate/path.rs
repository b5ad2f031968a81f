//! [`JsonPath`]: the location of a value inside a JSON body.

use std::fmt;

use crate::error::{Error, ErrorKind};

/// A path into a JSON document: a list of object keys (or array indices, written as digits).
///
/// Written dotted (`payload.Orders`, `data[0].items`, an optional leading `$.`) or as a JSON
/// pointer (`/payload/Orders`, with `~1` for `/` and `~0` for `~`, for keys that hold dots).
/// The empty path (`""`, `$`, `/`... or `None`) is the whole body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct JsonPath {
    segments: Vec<String>,
}

impl JsonPath {
    /// The path of the whole document.
    pub fn root() -> Self {
        Self::default()
    }

    /// Parses a dotted path or a JSON pointer.
    ///
    /// # Errors
    ///
    /// An [`Error`] of kind [`Request`](ErrorKind::Request) for an empty segment (`a..b`), an
    /// unclosed bracket or a bad pointer escape.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let text = text.trim();
        if text.is_empty() || text == "$" {
            return Ok(Self::root());
        }
        if let Some(pointer) = text.strip_prefix('/') {
            return Self::parse_pointer(text, pointer);
        }
        Self::parse_dotted(text, text.strip_prefix("$.").unwrap_or(text))
    }

    /// Parses `Some(path)`; `None` is the whole document.
    ///
    /// # Errors
    ///
    /// As [`JsonPath::parse`].
    pub fn parse_optional(text: Option<&str>) -> Result<Self, Error> {
        text.map_or_else(|| Ok(Self::root()), Self::parse)
    }

    fn parse_pointer(original: &str, pointer: &str) -> Result<Self, Error> {
        let mut segments = Vec::new();
        for raw in pointer.split('/') {
            let mut segment = String::with_capacity(raw.len());
            let mut chars = raw.chars();
            while let Some(c) = chars.next() {
                match (c, c == '~') {
                    (_, true) => match chars.next() {
                        Some('0') => segment.push('~'),
                        Some('1') => segment.push('/'),
                        _ => return Err(bad_path(original, "`~` must be followed by 0 or 1")),
                    },
                    (c, false) => segment.push(c),
                }
            }
            segments.push(segment);
        }
        // "/" alone is the root written as a pointer.
        if segments.len() == 1 && segments[0].is_empty() {
            segments.clear();
        }
        Ok(Self { segments })
    }

    fn parse_dotted(original: &str, dotted: &str) -> Result<Self, Error> {
        let mut segments = Vec::new();
        for part in dotted.split('.') {
            let (key, mut rest) = match part.find('[') {
                Some(at) => (&part[..at], &part[at..]),
                None => (part, ""),
            };
            if key.is_empty() && rest.is_empty() {
                return Err(bad_path(original, "a segment is empty"));
            }
            if !key.is_empty() {
                segments.push(key.to_string());
            }
            while !rest.is_empty() {
                let Some(inner) = rest.strip_prefix('[') else {
                    return Err(bad_path(original, "expected `[index]` after a key"));
                };
                let Some(close) = inner.find(']') else {
                    return Err(bad_path(original, "a `[` is not closed"));
                };
                let index = &inner[..close];
                if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad_path(original, "an index in brackets must be digits"));
                }
                segments.push(index.to_string());
                rest = &inner[close + 1..];
            }
        }
        Ok(Self { segments })
    }

    /// True for the whole document.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The keys (and indices) from the document root.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// True when `prefix`'s segments start this path (every path starts with the root).
    pub fn starts_with(&self, prefix: &JsonPath) -> bool {
        self.segments.starts_with(&prefix.segments)
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.segments.is_empty() {
            return f.write_str("$");
        }
        for segment in &self.segments {
            write!(f, "/{}", segment.replace('~', "~0").replace('/', "~1"))?;
        }
        Ok(())
    }
}

fn bad_path(path: &str, why: &str) -> Error {
    Error::new(ErrorKind::Request, format!("invalid JSON path `{path}`: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(text: &str) -> Vec<String> {
        JsonPath::parse(text).unwrap().segments().to_vec()
    }

    #[test]
    fn dotted_bracketed_and_pointer_forms() {
        assert!(segs("").is_empty());
        assert!(segs("$").is_empty());
        assert!(segs("/").is_empty());
        assert_eq!(segs("payload.NextToken"), ["payload", "NextToken"]);
        assert_eq!(segs("$.payload.Orders"), ["payload", "Orders"]);
        assert_eq!(segs("data[0].items"), ["data", "0", "items"]);
        assert_eq!(segs("matrix[1][2]"), ["matrix", "1", "2"]);
        assert_eq!(segs("/a.b/c~1d/e~0"), ["a.b", "c/d", "e~"]);
        assert_eq!(segs("/data/0"), ["data", "0"]);
    }

    #[test]
    fn malformed_paths_are_errors() {
        for bad in ["a..b", "a.", ".a", "a[", "a[x]", "a[1]b", "/a~2"] {
            assert!(JsonPath::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_is_a_pointer_that_parses_back() {
        for text in ["payload.Orders", "/a.b/c~1d", "data[3].x"] {
            let path = JsonPath::parse(text).unwrap();
            assert_eq!(JsonPath::parse(&path.to_string()).unwrap(), path);
        }
    }
}
