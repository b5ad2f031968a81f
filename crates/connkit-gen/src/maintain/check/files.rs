//! Rules on the connector's files: the documents and specs the guideline asks for, the plan
//! spec, and services files under 300 lines.

use std::path::Path;

use crate::maintain::sync::ORPHAN_SUFFIX;
use crate::maintain::{ConnectorDir, Finding, Layer, MaintainError, Rule};

/// A services file of this many lines or more breaks `service-too-long`.
pub const SERVICE_LINE_LIMIT: usize = 300;

/// `orphaned-edits`: every `*.connkit-orphan` backup in the connector (outside `.connkit/`
/// and `target/`).
pub(crate) fn check_orphans(
    connector: &ConnectorDir,
    out: &mut Vec<Finding>,
) -> Result<(), MaintainError> {
    let mut found = Vec::new();
    let keep = |p: &Path| p.to_string_lossy().ends_with(ORPHAN_SUFFIX);
    crate::maintain::connector::walk(&connector.dir, Path::new(""), &mut found, &keep)?;
    for path in found {
        if path.starts_with("target") {
            continue;
        }
        let original = path.to_string_lossy().trim_end_matches(ORPHAN_SUFFIX).to_string();
        out.push(Finding::new(
            Rule::OrphanedEdits,
            connector.shown(&path),
            None,
            format!(
                "hand edits of `{original}` that `connkit sync` could not place are kept here, outside the build"
            ),
            "move what you still need into the file that holds that code now, then delete this backup",
        ));
    }
    Ok(())
}

/// `missing-doc-file`, `missing-spec`, `missing-plan`.
pub(crate) fn check_files(connector: &ConnectorDir, out: &mut Vec<Finding>) {
    for (name, what) in [
        ("AGENTS.md", "how to work with this connector"),
        ("SKILL.md", "the methods available"),
        (".env.example", "every setting with its variable"),
    ] {
        if !connector.dir.join(name).is_file() {
            out.push(Finding::new(
                Rule::MissingDocFile,
                connector.shown(Path::new(name)),
                None,
                format!("{name} is missing ({what})"),
                format!("run `connkit sync {}` to write it again", connector.system),
            ));
        }
    }
    let specs = &connector.manifest.specs;
    for entry in specs {
        if !connector.dir.join(&entry.file).is_file() {
            out.push(Finding::new(
                Rule::MissingSpec,
                connector.shown(Path::new(&entry.file)),
                None,
                format!("the spec `{}` recorded in connector.toml is missing", entry.file),
                match &entry.source {
                    Some(_) => format!(
                        "run `connkit sync {} --refetch` to download it again",
                        connector.system
                    ),
                    None => format!(
                        "put the API's spec back with `connkit sync {} --spec PATH_OR_URL`",
                        connector.system
                    ),
                },
            ));
        }
    }
    if specs.is_empty() && !has_spec_file(&connector.dir.join("openapi")) {
        out.push(Finding::new(
            Rule::MissingSpec,
            connector.shown(Path::new("openapi")),
            None,
            "no API spec in openapi/ (research first: the spec is the source of truth)",
            format!("add it with `connkit sync {} --spec PATH_OR_URL`", connector.system),
        ));
    }
    let plan = connector.plan_path();
    if !connector.workspace.join(&plan).is_file() {
        out.push(Finding::new(
            Rule::MissingPlan,
            plan.to_string_lossy().replace('\\', "/"),
            None,
            "the plan spec of this integration is missing",
            "write it (endpoints, entities, auth, pagination, limits, tier and reasons), or regenerate it with `connkit new` in a scratch workspace",
        ));
    }
}

fn has_spec_file(dir: &Path) -> bool {
    let mut found = Vec::new();
    let keep = |p: &Path| p.extension().is_some_and(|e| e == "json" || e == "yaml" || e == "yml");
    crate::maintain::connector::walk(dir, Path::new(""), &mut found, &keep).is_ok()
        && !found.is_empty()
}

/// `service-too-long` for one file: its lines of code, not counting module declarations and
/// re-exports (an index of a split service's files does nothing by itself, however many
/// files it lists).
pub(crate) fn check_length(
    connector: &ConnectorDir,
    relative: &Path,
    text: &str,
    out: &mut Vec<Finding>,
) -> Result<(), MaintainError> {
    if Layer::of(relative) != Layer::Services {
        return Ok(());
    }
    let index = index_lines(text);
    let mut code = 0usize;
    for (number, _) in text.lines().enumerate() {
        if index.contains(&(number + 1)) {
            continue;
        }
        code += 1;
        if code == SERVICE_LINE_LIMIT {
            let lines = text.lines().count() - index.len();
            out.push(Finding::new(
                Rule::ServiceTooLong,
                connector.shown(relative),
                Some(number + 1),
                format!("services file of {lines} lines of code (the guideline keeps them under {SERVICE_LINE_LIMIT})"),
                "split it: move related operations into another file of the entity's folder (services/{entity}/...), or group the entity differently in connector.toml",
            ));
            break;
        }
    }
    Ok(())
}

/// The lines (1-based) of `mod x;` declarations and `use` items, with their attributes and
/// doc comments. A file that does not parse has none (every line counts).
fn index_lines(text: &str) -> std::collections::BTreeSet<usize> {
    let mut lines = std::collections::BTreeSet::new();
    let Ok(file) = syn::parse_file(text) else { return lines };
    for item in &file.items {
        let (attrs, span) = match item {
            syn::Item::Mod(m) if m.content.is_none() => (&m.attrs, syn::spanned::Spanned::span(m)),
            syn::Item::Use(u) => (&u.attrs, syn::spanned::Spanned::span(u)),
            _ => continue,
        };
        let start = attrs
            .iter()
            .map(|a| syn::spanned::Spanned::span(a).start().line)
            .chain([span.start().line])
            .min()
            .unwrap_or(1);
        lines.extend(start..=span.end().line);
    }
    lines
}
