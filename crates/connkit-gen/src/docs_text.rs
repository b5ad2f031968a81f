//! Spec text made safe for rustdoc and clippy: descriptions become doc comments that render
//! as written and never produce rustdoc warnings, clippy doc lints or doctests.
//!
//! Descriptions are Markdown written for other renderers: they hold bare URLs, `[brackets]`
//! that rustdoc would read as intra-doc links, HTML, indented blocks that rustdoc would compile
//! as doctests, unbalanced backticks and lists with lazy continuation lines. This module keeps
//! the text and neutralises each of those. Models and services share it.

use proc_macro2::TokenStream;
use quote::quote;

/// Spec Markdown as doc-comment text: [`doc_lines`] joined with newlines.
pub(crate) fn doc_text(text: &str) -> String {
    doc_lines(text).join("\n")
}

/// Turns a description into doc lines (each later emitted as `/// line`). Empty when the
/// description has no visible text.
pub(crate) fn doc_lines(text: &str) -> Vec<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n").replace('\t', "    ");
    let mut out: Vec<String> = Vec::new();
    let mut fence: Option<String> = None;
    let mut list_indent: Option<usize> = None;
    for raw_line in text.lines() {
        let trimmed = raw_line.trim();
        if let Some(marker) = &fence {
            if trimmed.starts_with(marker.as_str())
                && trimmed.trim_start_matches(marker.as_str()).trim().is_empty()
            {
                out.push(marker.clone());
                fence = None;
            } else {
                out.push(raw_line.trim_end().to_owned());
            }
            continue;
        }
        if let Some(marker) = fence_marker(trimmed) {
            out.push(format!("{marker}text"));
            fence = Some(marker);
            list_indent = None;
            continue;
        }
        if trimmed.is_empty() {
            list_indent = None;
            if out.last().is_some_and(|l| !l.is_empty()) {
                out.push(String::new());
            }
            continue;
        }
        let escaped = escape_inline(trimmed);
        if let Some(width) = list_marker_width(trimmed) {
            list_indent = Some(width);
            out.push(if width < marker_and_spaces(trimmed) {
                // Five or more spaces after the marker would open an indented code block
                // (a doctest): keep one.
                let marker = width - 1;
                format!("{} {}", &trimmed[..marker], escape_inline(trimmed[marker..].trim_start()))
            } else {
                escaped
            });
        } else if let Some(width) = list_indent {
            out.push(format!("{}{escaped}", " ".repeat(width)));
        } else {
            out.push(escaped);
        }
    }
    if let Some(marker) = fence {
        out.push(marker);
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    while out.first().is_some_and(String::is_empty) {
        out.remove(0);
    }
    out
}

/// Escapes a short inline text (a wire value, a name) for use inside a doc sentence.
pub(crate) fn inline(text: &str) -> String {
    let one_line = text.replace(['\r', '\n', '\t'], " ");
    escape_inline(one_line.trim())
}

/// A code span for a wire value: `` `value` `` when the value has no backtick and is not
/// blank, else the escaped text in quotes.
pub(crate) fn code(text: &str) -> String {
    if !text.contains('`') && !text.trim().is_empty() && !text.contains(['\n', '\r']) {
        format!("`{text}`")
    } else {
        format!("\"{}\"", inline(text))
    }
}

/// The fence (three or more backticks or tildes) a line opens, if it opens one.
fn fence_marker(trimmed: &str) -> Option<String> {
    for fence_char in ['`', '~'] {
        let count = trimmed.chars().take_while(|c| *c == fence_char).count();
        if count >= 3 {
            let info = &trimmed[count..];
            if fence_char == '`' && info.contains('`') {
                return None;
            }
            return Some(std::iter::repeat_n(fence_char, count).collect());
        }
    }
    None
}

/// The indentation a continuation line of the list item that starts the line needs: the
/// marker (`-`, `*`, `+`, `1.`, `1)`) plus the spaces after it (CommonMark: one to four;
/// more than four count as one, the rest being an indented block).
fn list_marker_width(trimmed: &str) -> Option<usize> {
    let bytes = trimmed.as_bytes();
    let marker = if bytes.first().is_some_and(|b| matches!(b, b'-' | b'*' | b'+')) {
        1
    } else {
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        if !(1..=9).contains(&digits) || !matches!(bytes.get(digits), Some(b'.' | b')')) {
            return None;
        }
        digits + 1
    };
    let spaces = bytes[marker..].iter().take_while(|b| **b == b' ').count();
    match spaces {
        0 => None,
        1..=4 => Some(marker + spaces),
        _ => Some(marker + 1),
    }
}

/// The length of a list item's marker and the spaces after it, as written.
fn marker_and_spaces(trimmed: &str) -> usize {
    let marker = trimmed.find(' ').unwrap_or(trimmed.len());
    marker + trimmed[marker..].bytes().take_while(|b| *b == b' ').count()
}

/// Escapes one line outside code blocks: brackets, angle brackets and backslashes are escaped
/// outside code spans, bare URLs become autolinks, and a line with unbalanced backticks gets
/// all of them escaped.
fn escape_inline(line: &str) -> String {
    let backticks = line.matches('`').count();
    let code_spans = backticks.is_multiple_of(2);
    let mut out = String::with_capacity(line.len() + 16);
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            if code_spans {
                in_code = !in_code;
                out.push('`');
            } else {
                out.push_str("\\`");
            }
            rest = &rest[1..];
            continue;
        }
        if in_code {
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if let Some(len) = autolink_len(rest) {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let len = url_len(rest);
            out.push('<');
            out.push_str(&rest[..len]);
            out.push('>');
            rest = &rest[len..];
            continue;
        }
        match c {
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' if out.is_empty() => out.push_str("\\|"),
            '#' if out.is_empty() && rest.trim_start_matches('#').is_empty() => {
                out.push_str("\\#");
            }
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The length of an autolink (`<https://...>`) at the start of `text`, if there is one.
fn autolink_len(text: &str) -> Option<usize> {
    let inner = text.strip_prefix('<')?;
    if !(inner.starts_with("http://") || inner.starts_with("https://")) {
        return None;
    }
    let end = inner.find(|c: char| c == '>' || c == '<' || c.is_whitespace())?;
    (inner[end..].starts_with('>')).then_some(end + 2)
}

/// The length of the URL at the start of `text`: up to whitespace or a character an
/// autolink cannot hold, without trailing punctuation or an unbalanced closing bracket.
fn url_len(text: &str) -> usize {
    let mut end = text
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '\'' | '\\'))
        .map_or(text.len(), |(i, _)| i);
    loop {
        let url = &text[..end];
        let Some(last) = url.chars().last() else { break };
        let unbalanced = (last == ')' && url.matches('(').count() < url.matches(')').count())
            || (last == ']' && url.matches('[').count() < url.matches(']').count());
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '*' | '_') || unbalanced {
            end -= last.len_utf8();
        } else {
            break;
        }
    }
    end.max("https://".len().min(text.len()))
}

/// `#[doc = "..."]` attributes for `text` (already escaped with [`doc_text`] or generated).
pub(crate) fn doc_attrs(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| format!(" {line}"));
    let lines: Vec<String> = if text.is_empty() { vec![String::new()] } else { lines.collect() };
    quote!(#(#[doc = #lines])*)
}

/// `#![doc = "..."]` attributes (a file's module doc) for `text`.
pub(crate) fn inner_doc_attrs(text: &str) -> TokenStream {
    let lines: Vec<String> = text.lines().map(|line| format!(" {line}")).collect();
    quote!(#(#![doc = #lines])*)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_html_and_urls_are_neutralised() {
        assert_eq!(
            doc_lines("See [the docs](https://example.com/a_(b)). Use <b>bold</b>."),
            vec!["See \\[the docs\\](<https://example.com/a_(b)>). Use &lt;b&gt;bold&lt;/b&gt;."]
        );
        assert_eq!(doc_lines("Visit https://x.io/y."), vec!["Visit <https://x.io/y>."]);
        assert_eq!(doc_lines("See <https://x.io>."), vec!["See <https://x.io>."]);
    }

    #[test]
    fn indented_code_and_fences_never_become_doctests() {
        let lines = doc_lines("Example:\n\n    let x = 1;\n```\nfoo\n```\n```json\n{}");
        assert_eq!(
            lines,
            vec!["Example:", "", "let x = 1;", "```text", "foo", "```", "```text", "{}", "```"]
        );
    }

    #[test]
    fn unbalanced_backticks_are_escaped_and_code_spans_kept() {
        assert_eq!(doc_lines("a ` b"), vec!["a \\` b"]);
        assert_eq!(doc_lines("a `[x]` b"), vec!["a `[x]` b"]);
    }

    #[test]
    fn list_continuations_are_indented() {
        assert_eq!(
            doc_lines("Items:\n- one\ncontinued\n10. ten\nmore\n\nafter"),
            vec!["Items:", "- one", "  continued", "10. ten", "    more", "", "after"]
        );
        assert_eq!(
            doc_lines("*   wide marker\nwrapped\n1.  two\nwrapped"),
            vec!["*   wide marker", "    wrapped", "1.  two", "    wrapped"]
        );
        assert_eq!(doc_lines("-      code-like\nmore"), vec!["- code-like", "  more"]);
    }

    #[test]
    fn blank_descriptions_give_no_lines() {
        assert!(doc_lines(" \n\n ").is_empty());
    }
}
