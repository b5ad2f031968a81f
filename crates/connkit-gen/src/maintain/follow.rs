//! Hand edits that follow their code when a regenerated file moves: a service split into a
//! folder (`services/widgets.rs` → `services/widgets/mod.rs` and its parts), a model file
//! renamed, a part re-split.
//!
//! A Rust file is read as *units*: its header (the inner doc), its top-level items, and for
//! an `impl` block its shell (`impl X {` … `}`) and each member. A unit's key says what it
//! is, never where: `fn widget_label`, `struct Widget`, `impl WidgetsService` (by the last
//! segment of the type, so `impl super::WidgetsService` in a part is the same impl),
//! `impl WidgetsService::get_widget`. Each unit spans its lines, the comments and blank lines
//! above it included.
//!
//! The user's edits of a file the new generation no longer writes are the units that differ
//! between the last generated copy and the user's file. Each goes to the file of the new
//! generation that now holds its key:
//!
//! - an edited unit is merged three ways there (the last generated unit, the user's, the
//!   new one), so a conflict there is marked like any other;
//! - a unit the user added goes after the unit it followed (a method after the method it
//!   followed, in whatever file that one is now); a top-level item to the file of the same
//!   module (`widgets.rs` → `widgets/mod.rs`) when there is one, so that its path stays;
//! - a unit the user deleted is deleted there (or conflicts, when the generation changed it).
//!
//! What finds no place (its code is gone from the generation, a file that does not parse)
//! is reported, and the caller keeps the user's file as a backup and ends in a conflict.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::maintain::merge::{Labels, merge3};

/// A file being written by a sync: its text and whether it holds conflict markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Planned {
    /// The text to write.
    pub(crate) text: String,
    /// Whether a merge left conflict markers in it.
    pub(crate) conflict: bool,
}

/// What became of the edits of one file the generation no longer writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Followed {
    /// The files the edits went into.
    pub(crate) into: Vec<PathBuf>,
    /// The edits that found no place, described (`fn widget_label: its code is no longer
    /// generated`).
    pub(crate) unplaced: Vec<String>,
}

/// Moves the edits of `path` (`base` the last generated copy, `ours` the user's file) into
/// the files of `planned` that hold their code now.
pub(crate) fn follow_edits(
    path: &Path,
    base: &str,
    ours: &str,
    planned: &mut BTreeMap<PathBuf, Planned>,
    labels: &Labels<'_>,
) -> Followed {
    let mut followed = Followed::default();
    let (Some(base_units), Some(our_units)) = (Units::parse(base), Units::parse(ours)) else {
        followed.unplaced.push("the file does not parse".to_string());
        return followed;
    };
    let module_file = module_file(path, planned);
    for change in changes(&base_units, &our_units) {
        match place(&change, module_file.as_deref(), planned, labels) {
            Ok(Some(into)) => {
                if !followed.into.contains(&into) {
                    followed.into.push(into);
                }
            }
            Ok(None) => {}
            Err(why) => followed.unplaced.push(format!("`{}`: {why}", change.key())),
        }
    }
    followed
}

/// One difference between the last generated file and the user's.
#[derive(Debug, Clone)]
enum Change {
    /// A unit both have, changed by the user.
    Edited { key: String, base: String, ours: String },
    /// A unit only the user's file has, after `anchor` (a key of the base; `None`: first).
    Added { key: String, ours: String, anchor: Option<String>, member_of: Option<String> },
    /// A unit the user deleted.
    Deleted { key: String, base: String },
}

impl Change {
    fn key(&self) -> &str {
        match self {
            Change::Edited { key, .. }
            | Change::Added { key, .. }
            | Change::Deleted { key, .. } => key,
        }
    }
}

/// The units of a file, in order: (key, lines, the impl it is a member of).
#[derive(Debug, Clone)]
struct Units {
    units: Vec<Unit>,
}

#[derive(Debug, Clone)]
struct Unit {
    key: String,
    /// 0-based line range `[start, end)`.
    start: usize,
    end: usize,
    /// For a member: the key of its impl's shell.
    member_of: Option<String>,
    /// For a shell: the line after its opening brace (0-based), where members start.
    body_start: Option<usize>,
    text: String,
}

impl Units {
    fn parse(text: &str) -> Option<Units> {
        let file = syn::parse_file(text).ok()?;
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let mut units = Vec::new();
        let header_end = file.attrs.iter().map(span_end).max().unwrap_or(0);
        let starts: Vec<usize> = file.items.iter().map(item_start).collect();
        let mut keys = KeyCounter::default();
        if header_end > 0 {
            units.push(Unit::new("header".to_string(), 0, header_end, None, None, &lines));
        }
        for (index, item) in file.items.iter().enumerate() {
            let start = attach_comments(&lines, starts[index].max(header_end), header_end);
            let end = starts
                .get(index + 1)
                .map_or(lines.len(), |next| attach_comments(&lines, *next, header_end));
            let key = keys.key(item_key(item));
            let syn::Item::Impl(imp) = item else {
                units.push(Unit::new(key, start, end, None, None, &lines));
                continue;
            };
            // An impl block: its shell (the opening and closing lines) and each member.
            let open = imp.brace_token.span.open().start().line; // 1-based line of `{`
            let close = imp.brace_token.span.close().start().line - 1; // 0-based line of `}`
            let member_starts: Vec<usize> =
                imp.items.iter().map(|m| impl_item_start(m).max(open)).collect();
            let first_member =
                member_starts.first().map_or(close, |s| attach_comments(&lines, *s, open));
            let mut shell = Unit::new(key.clone(), start, end, None, Some(first_member), &lines);
            // The shell's text: everything of the block but its members.
            let mut shell_text = lines[start..first_member].concat();
            shell_text.push_str(&lines[close.min(end)..end].concat());
            shell.text = shell_text;
            units.push(shell);
            let mut member_keys = KeyCounter::default();
            for (m, member) in imp.items.iter().enumerate() {
                let m_start = attach_comments(&lines, member_starts[m], open);
                let m_end = member_starts
                    .get(m + 1)
                    .map_or(close, |next| attach_comments(&lines, *next, open));
                let member_key = member_keys.key(format!("{key}::{}", member_name(member)));
                units.push(Unit::new(member_key, m_start, m_end, Some(key.clone()), None, &lines));
            }
        }
        Some(Units { units })
    }

    fn get(&self, key: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.key == key)
    }
}

impl Unit {
    fn new(
        key: String,
        start: usize,
        end: usize,
        member_of: Option<String>,
        body_start: Option<usize>,
        lines: &[&str],
    ) -> Unit {
        let (start, end) = (start.min(lines.len()), end.min(lines.len()));
        let text = lines[start..end.max(start)].concat();
        Unit { key, start, end: end.max(start), member_of, body_start, text }
    }
}

/// Numbers repeated keys (`impl X`, then `impl X#2`).
#[derive(Default)]
struct KeyCounter(BTreeMap<String, usize>);

impl KeyCounter {
    fn key(&mut self, key: String) -> String {
        let count = self.0.entry(key.clone()).or_default();
        *count += 1;
        if *count == 1 { key } else { format!("{key}#{count}") }
    }
}

/// The differences between the base's units and the user's, in the user's order.
fn changes(base: &Units, ours: &Units) -> Vec<Change> {
    let mut out = Vec::new();
    let mut previous_top: Option<String> = None;
    let mut previous_member: BTreeMap<String, Option<String>> = BTreeMap::new();
    for unit in &ours.units {
        match base.get(&unit.key) {
            Some(old) if old.text == unit.text => {}
            Some(old) => out.push(Change::Edited {
                key: unit.key.clone(),
                base: old.text.clone(),
                ours: unit.text.clone(),
            }),
            None => {
                let anchor = match &unit.member_of {
                    Some(shell) => previous_member.get(shell).cloned().flatten(),
                    None => previous_top.clone(),
                };
                out.push(Change::Added {
                    key: unit.key.clone(),
                    ours: unit.text.clone(),
                    anchor,
                    member_of: unit.member_of.clone(),
                });
            }
        }
        // Anchors are units the new generation may hold: the base's (or units added before,
        // which will have been placed).
        match &unit.member_of {
            Some(shell) => {
                previous_member.insert(shell.clone(), Some(unit.key.clone()));
            }
            None => previous_top = Some(unit.key.clone()),
        }
    }
    for unit in &base.units {
        if ours.get(&unit.key).is_none() {
            out.push(Change::Deleted { key: unit.key.clone(), base: unit.text.clone() });
        }
    }
    out
}

/// Applies one change to the file of `planned` that holds its code: the file it went into
/// (`None`: nothing to carry).
fn place(
    change: &Change,
    module_file: Option<&Path>,
    planned: &mut BTreeMap<PathBuf, Planned>,
    labels: &Labels<'_>,
) -> Result<Option<PathBuf>, String> {
    match change {
        Change::Edited { key, base, ours } => {
            let (target, unit) = locate(key, module_file, planned)?;
            if unit.body_start.is_some() {
                return Err("the lines of the impl block itself changed".to_string());
            }
            let merged = merge3(base, ours, &unit.text, labels);
            replace(planned, &target, &unit, &merged.text, merged.conflicts > 0);
            Ok(Some(target))
        }
        Change::Deleted { key, base } => {
            // Deleted by the user and gone from the generation too: nothing to carry.
            let Ok((target, unit)) = locate(key, module_file, planned) else { return Ok(None) };
            if unit.body_start.is_some() {
                // A deleted impl block: its members were deleted one by one.
                return Ok(None);
            }
            if unit.text == *base {
                replace(planned, &target, &unit, "", false);
            } else {
                let merged = merge3(base, "", &unit.text, labels);
                replace(planned, &target, &unit, &merged.text, merged.conflicts > 0);
            }
            Ok(Some(target))
        }
        Change::Added { ours, anchor, member_of, .. } => {
            let anchor_place = anchor.as_deref().and_then(|a| locate(a, module_file, planned).ok());
            let (target, at) = match (member_of, anchor_place) {
                (Some(_), Some((target, unit))) => (target, unit.end),
                (Some(shell), None) => {
                    let (target, unit) = locate(shell, module_file, planned)
                        .map_err(|_| format!("the impl block it was in (`{shell}`) is gone"))?;
                    (target, unit.body_start.unwrap_or(unit.end))
                }
                // A top-level item keeps its module when the module has a file.
                (None, anchor_place) => match module_file {
                    Some(file) => {
                        let at = anchor_place
                            .filter(|(t, _)| t == file)
                            .map(|(_, unit)| unit.end)
                            .or_else(|| planned.get(file).map(|p| line_count(&p.text)))
                            .unwrap_or(0);
                        (file.to_path_buf(), at)
                    }
                    None => {
                        let (target, unit) = anchor_place
                            .ok_or_else(|| "no file holds the code it followed".to_string())?;
                        (target, unit.end)
                    }
                },
            };
            insert(planned, &target, at, ours);
            Ok(Some(target))
        }
    }
}

/// The file holding `key` (the module's own file first, when several do) and the unit there.
fn locate(
    key: &str,
    module_file: Option<&Path>,
    planned: &BTreeMap<PathBuf, Planned>,
) -> Result<(PathBuf, Unit), String> {
    let mut found: Vec<(PathBuf, Unit)> = Vec::new();
    for (path, file) in planned {
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        // Only files that hold the key's name are parsed.
        let name = key
            .rsplit([' ', ':'])
            .next()
            .unwrap_or(key)
            .trim_end_matches(|c: char| c == '#' || c.is_ascii_digit());
        if !file.text.contains(name) {
            continue;
        }
        if let Some(units) = Units::parse(&file.text)
            && let Some(unit) = units.get(key)
        {
            found.push((path.clone(), unit.clone()));
        }
    }
    if let Some(module) = module_file
        && let Some(index) = found.iter().position(|(p, _)| p == module)
    {
        return Ok(found.swap_remove(index));
    }
    match found.len() {
        0 => Err("its code is no longer generated".to_string()),
        1 => Ok(found.remove(0)),
        _ => Err(format!(
            "several files hold it ({})",
            found.iter().map(|(p, _)| p.display().to_string()).collect::<Vec<_>>().join(", ")
        )),
    }
}

fn replace(
    planned: &mut BTreeMap<PathBuf, Planned>,
    target: &Path,
    unit: &Unit,
    text: &str,
    conflict: bool,
) {
    if let Some(file) = planned.get_mut(target) {
        let lines: Vec<&str> = file.text.split_inclusive('\n').collect();
        let mut out = lines[..unit.start.min(lines.len())].concat();
        out.push_str(text);
        if !text.is_empty() && !text.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&lines[unit.end.min(lines.len())..].concat());
        file.text = out;
        file.conflict |= conflict;
    }
}

fn insert(planned: &mut BTreeMap<PathBuf, Planned>, target: &Path, at: usize, text: &str) {
    if let Some(file) = planned.get_mut(target) {
        let lines: Vec<&str> = file.text.split_inclusive('\n').collect();
        let at = at.min(lines.len());
        let mut out = lines[..at].concat();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&lines[at..].concat());
        file.text = out;
    }
}

fn line_count(text: &str) -> usize {
    text.split_inclusive('\n').count()
}

/// The file of the new generation that is the same module as `path` (`a/b.rs` ↔
/// `a/b/mod.rs`), if there is one.
fn module_file(path: &Path, planned: &BTreeMap<PathBuf, Planned>) -> Option<PathBuf> {
    let candidate = if path.file_name().is_some_and(|n| n == "mod.rs") {
        let dir = path.parent()?;
        dir.with_extension("rs")
    } else {
        path.with_extension("").join("mod.rs")
    };
    planned.contains_key(&candidate).then_some(candidate)
}

/// Moves a unit's start up over the plain comments right above it (they belong to it), never
/// above `floor`.
fn attach_comments(lines: &[&str], start: usize, floor: usize) -> usize {
    let mut start = start.min(lines.len());
    while start > floor {
        let above = lines[start - 1].trim();
        let plain_comment = above.starts_with("//") && !above.starts_with("//!");
        if plain_comment {
            start -= 1;
        } else {
            break;
        }
    }
    start
}

/// The 0-based line an item starts on, its attributes and doc comments included.
fn item_start(item: &syn::Item) -> usize {
    let attrs = crate::maintain::source::item_attrs(item);
    let first = attrs.iter().map(span_start).min();
    let own = syn::spanned::Spanned::span(item).start().line.saturating_sub(1);
    first.map_or(own, |a| a.min(own))
}

fn impl_item_start(item: &syn::ImplItem) -> usize {
    let attrs: &[syn::Attribute] = match item {
        syn::ImplItem::Const(c) => &c.attrs,
        syn::ImplItem::Fn(f) => &f.attrs,
        syn::ImplItem::Type(t) => &t.attrs,
        syn::ImplItem::Macro(m) => &m.attrs,
        _ => &[],
    };
    let own = syn::spanned::Spanned::span(item).start().line.saturating_sub(1);
    attrs.iter().map(span_start).min().map_or(own, |a| a.min(own))
}

fn span_start(attr: &syn::Attribute) -> usize {
    attr.pound_token.span.start().line.saturating_sub(1)
}

/// The 0-based line after an inner attribute (`//! ...`).
fn span_end(attr: &syn::Attribute) -> usize {
    attr.bracket_token.span.close().end().line
}

/// What an item is, independent of where it is written.
fn item_key(item: &syn::Item) -> String {
    use quote::ToTokens;
    match item {
        syn::Item::Impl(imp) => {
            let ty = type_key(&imp.self_ty);
            match &imp.trait_ {
                Some((path, _)) => {
                    let last = path.segments.last().map(|s| s.to_token_stream().to_string());
                    format!("impl {} for {ty}", last.unwrap_or_default().replace(' ', ""))
                }
                None => format!("impl {ty}"),
            }
        }
        syn::Item::Use(u) => {
            format!("use {}", u.tree.to_token_stream().to_string().replace(' ', ""))
        }
        syn::Item::Mod(m) => format!("mod {}", m.ident),
        syn::Item::Fn(f) => format!("fn {}", f.sig.ident),
        syn::Item::Struct(s) => format!("struct {}", s.ident),
        syn::Item::Enum(e) => format!("enum {}", e.ident),
        syn::Item::Static(s) => format!("static {}", s.ident),
        syn::Item::Const(c) => format!("const {}", c.ident),
        syn::Item::Type(t) => format!("type {}", t.ident),
        syn::Item::Trait(t) => format!("trait {}", t.ident),
        syn::Item::Union(u) => format!("union {}", u.ident),
        syn::Item::Macro(m) => match &m.ident {
            Some(ident) => format!("macro {ident}"),
            None => format!("macro {}", m.mac.to_token_stream().to_string().replace(' ', "")),
        },
        other => format!("item {}", other.to_token_stream().to_string().replace(' ', "")),
    }
}

/// The last segment of a type path with its generics (`super::Widgets` → `Widgets`).
fn type_key(ty: &syn::Type) -> String {
    use quote::ToTokens;
    match ty {
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .map(|s| s.to_token_stream().to_string().replace(' ', ""))
            .unwrap_or_default(),
        other => other.to_token_stream().to_string().replace(' ', ""),
    }
}

fn member_name(item: &syn::ImplItem) -> String {
    use quote::ToTokens;
    match item {
        syn::ImplItem::Fn(f) => format!("fn {}", f.sig.ident),
        syn::ImplItem::Const(c) => format!("const {}", c.ident),
        syn::ImplItem::Type(t) => format!("type {}", t.ident),
        other => other.to_token_stream().to_string().replace(' ', ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planned(files: &[(&str, &str)]) -> BTreeMap<PathBuf, Planned> {
        files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), Planned { text: t.to_string(), conflict: false }))
            .collect()
    }

    const BASE: &str = "//! The widgets service.\n\n/// Widgets.\npub struct WidgetsService {\n    client: Client,\n}\nimpl WidgetsService {\n    /// The service.\n    pub fn new(client: Client) -> Self {\n        Self { client }\n    }\n    /// Gets one.\n    pub async fn get_widget(&self, id: &str) -> R {\n        self.client.get(id).await\n    }\n    /// Lists them.\n    pub async fn list_widgets(&self) -> R {\n        self.client.list().await\n    }\n}\n/// The get descriptor.\nstatic GET_WIDGET: Op = op(\"get\");\n";

    #[test]
    fn edits_follow_a_service_split_into_a_folder() {
        let ours = BASE
            .replace("        self.client.get(id).await\n", "        let id = id.trim();\n        self.client.get(id).await\n")
            .replace(
                "    /// Lists them.\n",
                "    /// Hand-written: counts them.\n    pub async fn count(&self) -> usize {\n        0\n    }\n    /// Lists them.\n",
            )
            + "/// Hand-written.\npub fn label() -> &'static str {\n    \"w\"\n}\n";
        let module = "//! The widgets service.\nmod get;\nmod list;\n/// Widgets.\npub struct WidgetsService {\n    client: Client,\n}\nimpl WidgetsService {\n    /// The service.\n    pub fn new(client: Client) -> Self {\n        Self { client }\n    }\n}\n";
        let get = "//! Get.\nimpl super::WidgetsService {\n    /// Gets one.\n    pub async fn get_widget(&self, id: &str) -> R {\n        self.client.get(id).await\n    }\n}\n/// The get descriptor.\nstatic GET_WIDGET: Op = op(\"get\");\n";
        let list = "//! List.\nimpl super::WidgetsService {\n    /// Lists them, all of them.\n    pub async fn list_widgets(&self) -> R {\n        self.client.list().await\n    }\n}\n";
        let mut files = planned(&[
            ("src/services/widgets/mod.rs", module),
            ("src/services/widgets/get.rs", get),
            ("src/services/widgets/list.rs", list),
        ]);
        let followed = follow_edits(
            Path::new("src/services/widgets.rs"),
            BASE,
            &ours,
            &mut files,
            &Labels::default(),
        );
        assert!(followed.unplaced.is_empty(), "{followed:?}");
        let get = &files[Path::new("src/services/widgets/get.rs")];
        assert!(
            get.text.contains("        let id = id.trim();\n        self.client.get(id).await\n"),
            "{}",
            get.text
        );
        // The added method follows the method it followed (get_widget), in get.rs.
        assert!(get.text.contains("    }\n    /// Hand-written: counts them.\n    pub async fn count(&self) -> usize {\n        0\n    }\n}\n"), "{}", get.text);
        syn::parse_file(&get.text).unwrap();
        // The top-level function keeps its module: mod.rs.
        let module = &files[Path::new("src/services/widgets/mod.rs")];
        assert!(
            module
                .text
                .ends_with("/// Hand-written.\npub fn label() -> &'static str {\n    \"w\"\n}\n"),
            "{}",
            module.text
        );
        // The untouched list part is as generated.
        assert_eq!(files[Path::new("src/services/widgets/list.rs")].text, list);
        assert!(!files.values().any(|f| f.conflict));
        let mut into = followed.into.clone();
        into.sort();
        assert_eq!(
            into,
            vec![
                PathBuf::from("src/services/widgets/get.rs"),
                PathBuf::from("src/services/widgets/mod.rs")
            ]
        );
    }

    #[test]
    fn an_edit_of_code_the_generation_dropped_finds_no_place() {
        let ours = BASE.replace("op(\"get\")", "op(\"get-v2\")");
        let mut files =
            planned(&[("src/services/gadgets.rs", "//! Gadgets.\npub struct GadgetsService;\n")]);
        let followed = follow_edits(
            Path::new("src/services/widgets.rs"),
            BASE,
            &ours,
            &mut files,
            &Labels::default(),
        );
        assert_eq!(followed.unplaced, vec!["`static GET_WIDGET`: its code is no longer generated"]);
    }

    #[test]
    fn an_edit_the_generation_changed_too_conflicts_where_the_code_is() {
        let ours = BASE.replace("op(\"get\")", "op(\"mine\")");
        let mut files =
            planned(&[("src/services/w/get.rs", "static GET_WIDGET: Op = op(\"theirs\");\n")]);
        let followed = follow_edits(
            Path::new("src/services/widgets.rs"),
            BASE,
            &ours,
            &mut files,
            &Labels::default(),
        );
        assert!(followed.unplaced.is_empty());
        let file = &files[Path::new("src/services/w/get.rs")];
        assert!(file.conflict);
        assert!(file.text.contains("<<<<<<< yours\n"), "{}", file.text);
    }
}
