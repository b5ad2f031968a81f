//! `connkit docs`: SKILL.md's generated part (between the generator's markers) rendered from
//! the connector's public API; the text outside the markers is the user's and is kept.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::docs::{SKILL_END, SKILL_START};
use crate::maintain::api::{OwnerKind, PublicApi, PublicMethod, read_public_api};
use crate::maintain::connector::walk;
use crate::maintain::{ConnectorDir, MaintainError};

/// The generated part of SKILL.md for `api`, markers included, ending with a newline.
pub fn render_skill_part(api: &PublicApi) -> String {
    let mut out = String::new();
    out.push_str(SKILL_START);
    out.push_str("\n## Methods\n\n");
    let sections = skill_sections(api, &mut out);
    let builders = sections.iter().flat_map(|s| &s.methods).any(|m| is_builder(m));
    if builders {
        out.push_str(
            "Each operation method `x` also has `x_request`, the `RequestBuilder` it sends: send \
             it yourself to add headers or a timeout, or to decode the answer into a type of \
             your own (listed with the signatures, not in the table).\n",
        );
    }
    out.push_str("\n| Where | Method | What it does |\n|---|---|---|\n");
    for section in &sections {
        for method in section.methods.iter().filter(|m| !is_builder(m)) {
            out.push_str(&format!(
                "| `{}` | `{}` | {} |\n",
                section.reach,
                method.name,
                table_cell(method.doc.as_deref().unwrap_or(""))
            ));
        }
    }
    out.push_str("\n## Signatures\n");
    for section in &sections {
        out.push_str(&format!("\n### {}\n\n", section.heading));
        if let Some(doc) = section.doc {
            out.push_str(doc);
            out.push_str("\n\n");
        }
        for m in &section.methods {
            out.push_str(&format!("- `{}`\n", m.signature));
        }
    }
    out.push_str(SKILL_END);
    out.push('\n');
    out
}

/// One section of SKILL.md's method list: the methods of one type.
struct SkillSection<'a> {
    heading: String,
    /// How it is reached (`gateway.orders()`).
    reach: String,
    methods: Vec<&'a PublicMethod>,
    /// The type's description.
    doc: Option<&'a str>,
}

/// The sections of the method list, in order: the gateway's own methods, each service, the
/// client's (a connector with a gateway), or the client alone. Writes the sentence on how
/// to start into `out`.
fn skill_sections<'a>(api: &'a PublicApi, out: &mut String) -> Vec<SkillSection<'a>> {
    let section = |heading: String, reach: &str, methods, doc| SkillSection {
        heading,
        reach: reach.to_string(),
        methods,
        doc,
    };
    let mut sections = Vec::new();
    match &api.gateway {
        Some(gateway) => {
            out.push_str(&format!(
                "Build a gateway with `{gateway}::from_env()?`; each service below comes from it. \
                 The table lists every method with its summary; the signatures follow it.\n"
            ));
            let own: Vec<&PublicMethod> = api.methods_of(gateway).collect();
            if !own.is_empty() {
                sections.push(section(format!("`gateway` → `{gateway}`"), "gateway", own, None));
            }
            for service in &api.services {
                sections.push(section(
                    format!("`{}` → `{}`", service.access, service.service),
                    &service.access,
                    api.methods_of(&service.service).collect(),
                    service.doc.as_deref(),
                ));
            }
            if let Some(client) = &api.client {
                let methods: Vec<&PublicMethod> = api.methods_of(client).collect();
                if !methods.is_empty() {
                    sections.push(section(
                        format!("`gateway.client()` → `{client}`"),
                        "gateway.client()",
                        methods,
                        None,
                    ));
                }
            }
        }
        None => {
            let client = api.client.as_deref().unwrap_or("the client");
            out.push_str(&format!(
                "Build the client with `{client}::from_env()?`; every operation is a method of it. \
                 The table lists every method with its summary; the signatures follow it.\n"
            ));
            let methods: Vec<&PublicMethod> = api
                .methods
                .iter()
                .filter(|m| m.kind == OwnerKind::Client || m.kind == OwnerKind::Service)
                .collect();
            sections.push(section(format!("`{client}`"), "client", methods, None));
        }
    }
    sections
}

/// Whether a method is an operation's request builder (it returns the runtime's
/// `RequestBuilder`).
fn is_builder(method: &PublicMethod) -> bool {
    method.signature.ends_with("-> RequestBuilder<'_>")
}

/// Text for one Markdown table cell: no line breaks, `|` escaped, rustdoc's intra-doc links
/// (`` [`Self::list_stream`] ``) as plain code (`` `list_stream` ``).
fn table_cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("[`", "`")
        .replace("`]", "`")
        .replace("`Self::", "`")
        .replace("`::", "`")
        .replace('|', "\\|")
}

/// `existing` with its generated part replaced by `part`; without markers, `part` is
/// appended after a blank line. Text outside the markers is kept byte for byte.
pub fn rewrite_skill(existing: &str, part: &str) -> String {
    match generated_range(existing) {
        Some((start, end)) => {
            let mut end = end;
            // `part` ends with a newline: swallow the one after the old end marker.
            if existing[end..].starts_with('\n') {
                end += 1;
            } else if existing[end..].starts_with("\r\n") {
                end += 2;
            }
            format!("{}{}{}", &existing[..start], part, &existing[end..])
        }
        None if existing.trim().is_empty() => part.to_string(),
        None => {
            let sep = if existing.ends_with("\n\n") {
                ""
            } else if existing.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            format!("{existing}{sep}{part}")
        }
    }
}

/// Byte range from the start marker to the end of the end marker.
pub(crate) fn generated_range(text: &str) -> Option<(usize, usize)> {
    let start = text.find(SKILL_START)?;
    let end = start + text[start..].find(SKILL_END)? + SKILL_END.len();
    Some((start, end))
}

/// Method names listed in SKILL.md's generated part, with their lines, and the line of the
/// start marker. `None` without markers.
pub(crate) fn listed_methods(text: &str) -> Option<(usize, Vec<(String, usize)>)> {
    let (start, end) = generated_range(text)?;
    let first_line = text[..start].lines().count() + 1;
    let mut names = Vec::new();
    for (offset, line) in text[start..end].lines().enumerate() {
        let Some(item) = line.trim_start().strip_prefix("- `") else { continue };
        let Some(code) = item.split('`').next() else { continue };
        if let Some(name) = fn_name(code) {
            names.push((name, first_line + offset));
        }
    }
    Some((first_line, names))
}

fn fn_name(code: &str) -> Option<String> {
    let after = code.split("fn ").nth(1)?;
    let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    (!name.is_empty()).then_some(name)
}

/// The names of the methods a SKILL.md should list for `api`.
pub(crate) fn expected_names(api: &PublicApi) -> BTreeSet<String> {
    match &api.gateway {
        Some(_) => api.methods.iter().map(|m| m.name.clone()).collect(),
        None => api
            .methods
            .iter()
            .filter(|m| m.kind != OwnerKind::Gateway)
            .map(|m| m.name.clone())
            .collect(),
    }
}

/// Every `.rs` file of the connector's `src/` with its text.
///
/// # Errors
///
/// [`MaintainError::Io`] when a file cannot be read.
pub fn read_sources(connector: &ConnectorDir) -> Result<Vec<(PathBuf, String)>, MaintainError> {
    let mut paths = Vec::new();
    walk(&connector.dir, std::path::Path::new("src"), &mut paths, &|p| {
        p.extension().is_some_and(|e| e == "rs")
    })?;
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let full = connector.dir.join(&path);
        let text = std::fs::read_to_string(&full).map_err(|err| MaintainError::io(&full, err))?;
        out.push((path, text));
    }
    Ok(out)
}

/// What `connkit docs` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocsOutcome {
    /// Whether SKILL.md changed.
    pub changed: bool,
    /// How many methods the generated part lists.
    pub methods: usize,
}

/// Rewrites SKILL.md's generated part from the connector's public API (creates SKILL.md
/// when missing). Writes nothing when the text is already up to date.
///
/// # Errors
///
/// [`MaintainError::Io`] when a source or SKILL.md cannot be read or written.
pub fn update_skill(connector: &ConnectorDir) -> Result<DocsOutcome, MaintainError> {
    let sources = read_sources(connector)?;
    let api = read_public_api(&sources);
    let part = render_skill_part(&api);
    let path = connector.dir.join("SKILL.md");
    let existing = connector.read(std::path::Path::new("SKILL.md"))?;
    let updated = match &existing {
        Some(text) => rewrite_skill(text, &part),
        None => format!("# {} connector — skills\n\n{part}", connector.system),
    };
    let changed = existing.as_deref() != Some(updated.as_str());
    if changed {
        std::fs::write(&path, &updated).map_err(|err| MaintainError::io(&path, err))?;
    }
    Ok(DocsOutcome { changed, methods: api.methods.len() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrite_keeps_text_outside_the_markers() {
        let existing = format!("# Title\n\nMine.\n\n{SKILL_START}\nold\n{SKILL_END}\n\nAfter.\n");
        let part = format!("{SKILL_START}\nnew\n{SKILL_END}\n");
        let out = rewrite_skill(&existing, &part);
        assert_eq!(out, format!("# Title\n\nMine.\n\n{SKILL_START}\nnew\n{SKILL_END}\n\nAfter.\n"));
        assert_eq!(rewrite_skill(&out, &part), out);
        let appended = rewrite_skill("# T\n", &part);
        assert_eq!(appended, format!("# T\n\n{part}"));
    }

    #[test]
    fn table_cells_are_one_line_without_rustdoc_links() {
        assert_eq!(
            table_cell(
                "Like [`Self::list_stream`], page\nby page: a [`::connkit::paginate::Page`] | x"
            ),
            "Like `list_stream`, page by page: a `connkit::paginate::Page` \\| x"
        );
    }

    #[test]
    fn listed_methods_come_with_lines() {
        let text = format!(
            "# T\n{SKILL_START}\n## Methods\n- `async fn get(id: &str) -> X` — Gets.\n- `fn list_stream(p: &P) -> impl Stream` — all\n{SKILL_END}\n"
        );
        let (marker, names) = listed_methods(&text).unwrap();
        assert_eq!(marker, 2);
        assert_eq!(names, vec![("get".to_string(), 4), ("list_stream".to_string(), 5)]);
    }
}
