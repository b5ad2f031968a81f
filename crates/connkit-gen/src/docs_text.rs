//! Spec text made safe for rustdoc: descriptions become doc comments that render as written
//! and never produce rustdoc warnings or doctests.

use proc_macro2::TokenStream;
use quote::quote;

/// Turns spec Markdown into doc-comment text:
/// - `<`, `>` and `&` are escaped (rustdoc's `invalid_html_tags` lint), `[`/`]` too (broken
///   intra-doc links);
/// - bare URLs are wrapped in `<...>` (the `bare_urls` lint);
/// - code fences become ```` ```text ```` and indented lines are un-indented, so nothing is
///   compiled as a doctest;
/// - trailing blank lines are dropped.
pub fn doc_text(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    for line in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            out.push(if in_fence { "```".to_string() } else { "```text".to_string() });
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(line.trim_end().replace("```", "'''"));
        } else {
            out.push(escape_line(trimmed));
        }
    }
    if in_fence {
        out.push("```".to_string());
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    out.join("\n")
}

fn escape_line(line: &str) -> String {
    let escaped = line
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('[', "\\[")
        .replace(']', "\\]");
    wrap_urls(&escaped)
}

/// Wraps `http://` and `https://` URLs in angle brackets.
fn wrap_urls(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(start) = find_url(rest) {
        out.push_str(&rest[..start]);
        let url_part = &rest[start..];
        let end = url_part
            .find(|c: char| {
                c.is_whitespace() || matches!(c, ')' | '"' | '\'' | '`' | '\\' | '*' | '|')
            })
            .unwrap_or(url_part.len());
        let mut url = &url_part[..end];
        while url.ends_with(['.', ',', ';', ':']) {
            url = &url[..url.len() - 1];
        }
        out.push('<');
        out.push_str(url);
        out.push('>');
        rest = &url_part[url.len()..];
    }
    out.push_str(rest);
    out
}

fn find_url(text: &str) -> Option<usize> {
    let http = text.find("http://");
    let https = text.find("https://");
    match (http, https) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `#[doc = "..."]` attributes for `text` (already escaped with [`doc_text`] or generated).
pub fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| format!(" {line}"));
    let lines: Vec<String> = if text.is_empty() { vec![String::new()] } else { lines.collect() };
    quote!(#(#[doc = #lines])*)
}

/// `#![doc = "..."]` attributes (a file's module doc) for `text`.
pub fn inner_doc_attrs(text: &str) -> TokenStream {
    let lines: Vec<String> = text.lines().map(|line| format!(" {line}")).collect();
    quote!(#(#![doc = #lines])*)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_links_urls_and_code_are_neutralised() {
        let text = "Use <b>[this]</b> at https://example.com/x. Done\n```\nlet x = 1;\n```\n    indented code\n";
        let doc = doc_text(text);
        assert_eq!(
            doc,
            "Use &lt;b&gt;\\[this\\]&lt;/b&gt; at <https://example.com/x>. Done\n```text\nlet x = 1;\n```\nindented code"
        );
    }

    #[test]
    fn unclosed_fences_are_closed() {
        assert_eq!(doc_text("```json\n{}"), "```text\n{}\n```");
    }
}
