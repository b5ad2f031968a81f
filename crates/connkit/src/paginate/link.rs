//! RFC 8288 `Link` header parsing.
//!
//! `Link: <https://api.example/items?page=2>; rel="next", </items?page=9>; rel=last`
//!
//! The parser follows RFC 8288 §3 and its Appendix B algorithm, leniently: several links per
//! field and several fields, parameters as tokens or quoted strings (with `\` escapes, and
//! commas or semicolons inside quotes), case-insensitive parameter names, `rel` as a
//! space-separated list of relation types of which only the first `rel` parameter counts.
//! A malformed link is skipped; parsing never fails.

use http::HeaderMap;

/// One link of a `Link` header: its target (a URI reference, not yet resolved) and its
/// parameters (names lower-cased, values unquoted) in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The target between `<` and `>`, possibly relative.
    pub target: String,
    /// The parameters, names lower-cased.
    pub params: Vec<(String, String)>,
}

impl Link {
    /// The value of the first parameter called `name` (lower-case).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// True when the first `rel` parameter lists `relation` (case-insensitive).
    pub fn has_rel(&self, relation: &str) -> bool {
        self.param("rel").is_some_and(|rel| {
            rel.split_ascii_whitespace().any(|r| r.eq_ignore_ascii_case(relation))
        })
    }
}

/// Every link in one `Link` header field value.
pub fn parse_link_header(value: &str) -> Vec<Link> {
    let mut parser = Parser { rest: value };
    let mut links = Vec::new();
    while let Some(link) = parser.next_link() {
        links.extend(link);
    }
    links
}

/// The target of the first link with `rel` `relation` across every `Link` field of `headers`.
pub fn find_link(headers: &HeaderMap, relation: &str) -> Option<String> {
    headers
        .get_all(http::header::LINK)
        .iter()
        .filter_map(|value| std::str::from_utf8(value.as_bytes()).ok())
        .flat_map(parse_link_header)
        .find(|link| link.has_rel(relation))
        .map(|link| link.target)
}

struct Parser<'a> {
    rest: &'a str,
}

impl<'a> Parser<'a> {
    /// `None` at the end; `Some(None)` for a malformed link that was skipped.
    fn next_link(&mut self) -> Option<Option<Link>> {
        self.skip(|c| c == ',' || is_ws(c));
        if self.rest.is_empty() {
            return None;
        }
        let Some(after) = self.rest.strip_prefix('<') else {
            self.skip_to_next_link();
            return Some(None);
        };
        let Some(close) = after.find('>') else {
            self.rest = "";
            return Some(None);
        };
        let target = after[..close].trim().to_string();
        self.rest = &after[close + 1..];
        let mut params = Vec::new();
        loop {
            self.skip(is_ws);
            if let Some(rest) = self.rest.strip_prefix(';') {
                self.rest = rest;
                if let Some(param) = self.param() {
                    params.push(param);
                }
            } else if let Some(rest) = self.rest.strip_prefix(',') {
                self.rest = rest;
                break;
            } else if self.rest.is_empty() {
                break;
            } else {
                // Garbage after the target or a parameter: skip to the next `;` or `,`.
                self.skip(|c| c != ';' && c != ',');
            }
        }
        Some(Some(Link { target, params }))
    }

    fn param(&mut self) -> Option<(String, String)> {
        self.skip(is_ws);
        let name = self.take(|c| !matches!(c, '=' | ';' | ',') && !is_ws(c));
        self.skip(is_ws);
        let value = match self.rest.strip_prefix('=') {
            Some(rest) => {
                self.rest = rest;
                self.skip(is_ws);
                if let Some(rest) = self.rest.strip_prefix('"') {
                    self.rest = rest;
                    self.quoted()
                } else {
                    self.take(|c| !matches!(c, ';' | ',') && !is_ws(c)).to_string()
                }
            }
            None => String::new(),
        };
        (!name.is_empty()).then(|| (name.to_ascii_lowercase(), value))
    }

    /// The rest of a quoted string (after its opening quote), unescaped.
    fn quoted(&mut self) -> String {
        let mut value = String::new();
        let mut chars = self.rest.char_indices();
        while let Some((at, c)) = chars.next() {
            match c {
                '"' => {
                    self.rest = &self.rest[at + 1..];
                    return value;
                }
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        value.push(escaped);
                    }
                }
                c => value.push(c),
            }
        }
        self.rest = "";
        value
    }

    fn skip_to_next_link(&mut self) {
        let mut in_quotes = false;
        let mut escaped = false;
        for (at, c) in self.rest.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_quotes => escaped = true,
                '"' => in_quotes = !in_quotes,
                ',' if !in_quotes => {
                    self.rest = &self.rest[at + 1..];
                    return;
                }
                _ => {}
            }
        }
        self.rest = "";
    }

    fn take(&mut self, keep: impl Fn(char) -> bool) -> &'a str {
        let end = self.rest.find(|c: char| !keep(c)).unwrap_or(self.rest.len());
        let (taken, rest) = self.rest.split_at(end);
        self.rest = rest;
        taken
    }

    fn skip(&mut self, skip: impl Fn(char) -> bool) {
        self.rest = self.rest.trim_start_matches(skip);
    }
}

fn is_ws(c: char) -> bool {
    c == ' ' || c == '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_style_header() {
        let links = parse_link_header(
            r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#,
        );
        assert_eq!(links.len(), 2);
        assert_eq!(links[0].target, "https://api.github.com/repositories/1/issues?page=2");
        assert!(links[0].has_rel("next"));
        assert!(links[1].has_rel("LAST"));
    }

    #[test]
    fn quoted_commas_multiple_rels_and_odd_spacing() {
        let links = parse_link_header(
            r#"</a>;title="x, y; z";rel="prev", </b> ;  REL = "start next" ; type=text/html,</c>;rel=next"#,
        );
        assert_eq!(links.len(), 3);
        assert_eq!(links[0].param("title"), Some("x, y; z"));
        assert!(links[1].has_rel("next") && links[1].has_rel("start"));
        assert_eq!(links[1].param("type"), Some("text/html"));
        assert_eq!(links[2].target, "/c");
    }

    #[test]
    fn only_the_first_rel_counts_and_garbage_is_skipped() {
        let links = parse_link_header(r#"junk, <x>; rel=prev; rel=next, <y"#);
        assert_eq!(links.len(), 1);
        assert!(!links[0].has_rel("next"));
        let links = parse_link_header(r#"<a>; title="esc \" quote, still", <b>; rel=next"#);
        assert_eq!(links[0].param("title"), Some("esc \" quote, still"));
        assert!(links[1].has_rel("next"));
    }

    #[test]
    fn finds_next_across_several_fields() {
        let mut headers = HeaderMap::new();
        headers.append(http::header::LINK, http::HeaderValue::from_static("</p1>; rel=prev"));
        headers.append(http::header::LINK, http::HeaderValue::from_static("</p3>; rel=\"next\""));
        assert_eq!(find_link(&headers, "next").as_deref(), Some("/p3"));
        assert_eq!(find_link(&headers, "last"), None);
    }
}
