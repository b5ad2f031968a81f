//! `connkit upgrade`: a lite connector becomes full, and the code the user wrote into the
//! lite files moves along.
//!
//! The user's `client.rs` is compared with the last lite generation (`.connkit/src/client.rs`)
//! item by item (methods of the client one by one). Items the generation did not produce are
//! hand-written and are carried over as text (comments included):
//!
//! - functions and methods that call the API's operations are orchestration: they go to
//!   `gateway.rs`, as methods of the gateway (`self.get_note(..)` becomes
//!   `self.notes().get_note(..)`) or as free functions (`client.get_note(..)` becomes
//!   `Gateway::new(client.clone()).notes().get_note(..)`);
//! - everything else is client plumbing and stays in `client.rs` (methods of the client in an
//!   `impl` block of their own).
//!
//! Paths to the lite models (`crate::client::models::`) become `crate::models::`. When the
//! user also edited generated items of the lite `client.rs`, the whole file is kept as
//! `src/client.rs.connkit-lite` so nothing is lost. Every other file goes through the same
//! three-way merge as `connkit sync`; the manifest records the new tier.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use connkit_spec::LoadedSpec;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::GENERATED_COPY_DIR;
use crate::maintain::api::{OwnerKind, read_public_api};
use crate::maintain::connector::read_optional;
use crate::maintain::sync::{SyncReport, apply_generation};
use crate::maintain::{ConnectorDir, MaintainError, regenerate};
use crate::manifest::{MANIFEST_FILE, Tier};

/// The backup of a lite `client.rs` whose generated items were edited.
pub const LITE_BACKUP: &str = "src/client.rs.connkit-lite";

/// What `connkit upgrade` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpgradeReport {
    /// The file changes (as for `connkit sync`).
    pub sync: SyncReport,
    /// Hand-written items carried into `gateway.rs` (their names).
    pub to_gateway: Vec<String>,
    /// Hand-written items carried into the full `client.rs`.
    pub to_client: Vec<String>,
    /// Whether the lite `client.rs` was backed up (generated items had been edited).
    pub backup: Option<PathBuf>,
    /// The research plan rendered for the full tier, for [`super::plan_sync::sync_plan`].
    pub plan: String,
}

/// Upgrades `connector` (lite) to full with `specs` (one per manifest spec).
///
/// # Errors
///
/// [`MaintainError::Usage`] when the connector is already full, [`MaintainError::Io`],
/// [`MaintainError::Generate`].
pub fn upgrade(
    connector: &ConnectorDir,
    specs: &[LoadedSpec],
    connkit_version: &str,
) -> Result<UpgradeReport, MaintainError> {
    if connector.manifest.tier == Tier::Full {
        return Err(MaintainError::Usage(format!(
            "`{}` is already a full connector (use `connkit sync {}` to regenerate it)",
            connector.system, connector.system
        )));
    }
    let mut manifest = connector.manifest.clone();
    manifest.tier = Tier::Full;
    // The reasons first: the plan and AGENTS.md are rendered with them.
    manifest.tier_reasons =
        std::iter::once("upgraded from lite with `connkit upgrade`".to_string())
            .chain(connkit_spec::analyze(specs).reasons)
            .collect();
    let regenerated = regenerate(connector, &manifest, specs, connkit_version)?;
    let files = &regenerated.generated.files;
    let generated = |path: &str| {
        files
            .iter()
            .find(|f| f.path == Path::new(path))
            .map(|f| f.contents.clone())
            .unwrap_or_default()
    };
    let full_api = read_public_api(
        &files.iter().map(|f| (f.path.clone(), f.contents.clone())).collect::<Vec<_>>(),
    );
    let client_path = Path::new("src/client.rs");
    let ours = read_optional(&connector.dir.join(client_path))?.unwrap_or_default();
    let base = read_optional(&connector.dir.join(GENERATED_COPY_DIR).join(client_path))?
        .unwrap_or_default();
    let carried = carry(&ours, &base, &full_api);
    let mut report = UpgradeReport::default();
    if carried.edited_generated {
        let backup = connector.dir.join(LITE_BACKUP);
        std::fs::write(&backup, &ours).map_err(|err| MaintainError::io(&backup, err))?;
        report.backup = Some(PathBuf::from(LITE_BACKUP));
    }
    let mut client = generated("src/client.rs");
    let mut gateway = generated("src/gateway.rs");
    append_block(
        &mut client,
        full_api.client.as_deref(),
        &carried.client_methods,
        &carried.client_items,
    );
    let in_scope = names_in_scope(&gateway);
    let imports: Vec<String> =
        client_imports(&client, &carried.gateway_methods, &carried.gateway_items)
            .into_iter()
            .filter(|name| !in_scope.contains(name))
            .collect();
    let mut gateway_items = carried.gateway_items.clone();
    match imports.as_slice() {
        [] => {}
        [one] => gateway_items.insert(0, format!("use crate::client::{one};\n")),
        many => gateway_items.insert(0, format!("use crate::client::{{{}}};\n", many.join(", "))),
    }
    append_block(
        &mut gateway,
        full_api.gateway.as_deref(),
        &carried.gateway_methods,
        &gateway_items,
    );
    report.to_client = carried.client_names;
    report.to_gateway = carried.gateway_names;
    let mut replaced = BTreeMap::new();
    replaced.insert(PathBuf::from("src/client.rs"), client);
    replaced.insert(PathBuf::from("src/gateway.rs"), gateway);
    report.sync = apply_generation(connector, files, &replaced)?;
    report.plan = regenerated.plan.clone();
    let text = manifest.to_toml()?;
    let path = connector.dir.join(MANIFEST_FILE);
    std::fs::write(&path, text).map_err(|err| MaintainError::io(&path, err))?;
    Ok(report)
}

/// The names a Rust file already has in scope at its top level: what its `use` items import
/// (glob imports aside) and the items it defines ([`crate::tidy::ScopeNames`]). An import of
/// one of them again would not compile (E0252).
fn names_in_scope(source: &str) -> BTreeSet<String> {
    syn::parse_file(source)
        .map(|file| crate::tidy::ScopeNames::of(&file.items).defined)
        .unwrap_or_default()
}

/// Names defined public in `client` that the carried gateway code uses: it needs them imported
/// (the lite code had them in scope).
fn client_imports(client: &str, methods: &[String], items: &[String]) -> Vec<String> {
    let Ok(file) = syn::parse_file(client) else { return Vec::new() };
    let defined: BTreeSet<String> = file
        .items
        .iter()
        .filter_map(|item| {
            let (vis, ident) = match item {
                syn::Item::Fn(f) => (&f.vis, &f.sig.ident),
                syn::Item::Struct(s) => (&s.vis, &s.ident),
                syn::Item::Enum(e) => (&e.vis, &e.ident),
                syn::Item::Const(c) => (&c.vis, &c.ident),
                syn::Item::Static(s) => (&s.vis, &s.ident),
                syn::Item::Type(t) => (&t.vis, &t.ident),
                syn::Item::Trait(t) => (&t.vis, &t.ident),
                _ => return None,
            };
            (!matches!(vis, syn::Visibility::Inherited)).then(|| ident.to_string())
        })
        .collect();
    let mut used = BTreeSet::new();
    for text in methods.iter().chain(items) {
        if let Ok(tokens) = text.parse::<proc_macro2::TokenStream>() {
            collect_idents(tokens, &mut used);
        }
    }
    defined.intersection(&used).cloned().collect()
}

fn collect_idents(tokens: proc_macro2::TokenStream, out: &mut BTreeSet<String>) {
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Ident(ident) => {
                out.insert(ident.to_string());
            }
            proc_macro2::TokenTree::Group(group) => collect_idents(group.stream(), out),
            _ => {}
        }
    }
}

fn append_block(target: &mut String, owner: Option<&str>, methods: &[String], items: &[String]) {
    if methods.is_empty() && items.is_empty() {
        return;
    }
    if !target.ends_with('\n') {
        target.push('\n');
    }
    if let (Some(owner), false) = (owner, methods.is_empty()) {
        target.push_str(&format!(
            "/// Hand-written methods, carried over by `connkit upgrade`.\nimpl {owner} {{\n"
        ));
        for method in methods {
            target.push_str(method);
        }
        target.push_str("}\n");
    }
    for item in items {
        target.push_str(item);
    }
}

/// Hand-written code of a lite client.rs, sorted into its new homes.
#[derive(Debug, Default)]
struct Carried {
    client_methods: Vec<String>,
    client_items: Vec<String>,
    gateway_methods: Vec<String>,
    gateway_items: Vec<String>,
    client_names: Vec<String>,
    gateway_names: Vec<String>,
    edited_generated: bool,
}

fn carry(ours: &str, base: &str, full: &crate::maintain::api::PublicApi) -> Carried {
    let mut carried = Carried::default();
    let (Ok(ours_file), Ok(base_file)) = (syn::parse_file(ours), syn::parse_file(base)) else {
        // Unparsable: keep everything in a backup rather than guess.
        carried.edited_generated = ours != base;
        return carried;
    };
    let base_items: BTreeMap<String, String> = base_file.items.iter().flat_map(keyed).collect();
    // Operation methods: methods of the services (and gateway) of the full generation.
    let mut access: BTreeMap<String, String> = BTreeMap::new();
    for method in &full.methods {
        if method.kind == OwnerKind::Service
            && let Some(service) = full.services.iter().find(|s| s.service == method.owner)
        {
            let path = service.access.trim_start_matches("gateway.").to_string();
            access.entry(method.name.clone()).or_insert(path);
        }
    }
    let client_methods: BTreeSet<String> = full
        .methods
        .iter()
        .filter(|m| m.kind == OwnerKind::Client)
        .map(|m| m.name.clone())
        .chain(["http".to_string()])
        .collect();
    let gateway = full.gateway.clone().unwrap_or_default();
    let lines: Vec<&str> = ours.split_inclusive('\n').collect();
    for item in &ours_file.items {
        for (key, text) in keyed(item) {
            match base_items.get(&key) {
                Some(generated) if *generated == text => continue,
                Some(_) => {
                    carried.edited_generated = true;
                    continue;
                }
                None => {}
            }
            let (node, is_method) = match find_node(item, &key) {
                Some(found) => found,
                None => continue,
            };
            let calls = op_calls(&node, &access);
            let source = item_source(&lines, &node);
            let name = key.rsplit(' ').next().unwrap_or(&key).to_string();
            let to_gateway = !calls.is_empty() && !gateway.is_empty();
            let rewritten = rewrite(
                &source.text,
                source.first_line,
                &calls,
                is_method && to_gateway,
                &gateway,
                &client_methods,
            )
            .replace("crate::client::models::", "crate::models::");
            match (to_gateway, is_method) {
                (true, true) => {
                    carried.gateway_methods.push(rewritten);
                    carried.gateway_names.push(name);
                }
                (true, false) => {
                    carried.gateway_items.push(rewritten);
                    carried.gateway_names.push(name);
                }
                (false, true) => {
                    carried.client_methods.push(rewritten);
                    carried.client_names.push(name);
                }
                (false, false) => {
                    carried.client_items.push(rewritten);
                    carried.client_names.push(name);
                }
            }
        }
    }
    carried
}

/// A node of the user's file: an item, or a method of an inherent impl.
enum Node<'a> {
    Item(&'a syn::Item),
    Method(&'a syn::ImplItemFn),
}

impl Node<'_> {
    fn span(&self) -> proc_macro2::Span {
        match self {
            Node::Item(item) => item.span(),
            Node::Method(method) => method.span(),
        }
    }

    fn first_line(&self) -> usize {
        let attrs = match self {
            Node::Item(item) => crate::maintain::source::item_attrs(item),
            Node::Method(method) => &method.attrs,
        };
        attrs
            .iter()
            .map(|a| a.span().start().line)
            .chain([self.span().start().line])
            .min()
            .unwrap_or(1)
    }
}

/// `(key, text)` per comparable unit: methods of inherent impls one by one, other items
/// whole. The text is the token text (formatting-insensitive).
fn keyed(item: &syn::Item) -> Vec<(String, String)> {
    match item {
        syn::Item::Impl(imp) if imp.trait_.is_none() => {
            let owner = imp.self_ty.to_token_stream().to_string();
            imp.items
                .iter()
                .map(|i| match i {
                    syn::ImplItem::Fn(f) => {
                        (format!("method {owner} {}", f.sig.ident), f.to_token_stream().to_string())
                    }
                    other => (
                        format!("impl-item {owner} {}", other.to_token_stream()),
                        other.to_token_stream().to_string(),
                    ),
                })
                .collect()
        }
        other => vec![(item_key(other), other.to_token_stream().to_string())],
    }
}

fn item_key(item: &syn::Item) -> String {
    let name = |kind: &str, ident: &syn::Ident| format!("{kind} {ident}");
    match item {
        syn::Item::Fn(f) => name("fn", &f.sig.ident),
        syn::Item::Struct(s) => name("struct", &s.ident),
        syn::Item::Enum(e) => name("enum", &e.ident),
        syn::Item::Const(c) => name("const", &c.ident),
        syn::Item::Static(s) => name("static", &s.ident),
        syn::Item::Mod(m) => name("mod", &m.ident),
        syn::Item::Trait(t) => name("trait", &t.ident),
        syn::Item::Type(t) => name("type", &t.ident),
        other => format!("item {}", other.to_token_stream()),
    }
}

fn find_node<'a>(item: &'a syn::Item, key: &str) -> Option<(Node<'a>, bool)> {
    match item {
        syn::Item::Impl(imp) if imp.trait_.is_none() => imp.items.iter().find_map(|i| match i {
            syn::ImplItem::Fn(f)
                if key.ends_with(&format!(" {}", f.sig.ident)) && key.starts_with("method ") =>
            {
                Some((Node::Method(f), true))
            }
            _ => None,
        }),
        other => Some((Node::Item(other), false)),
    }
}

struct Source {
    text: String,
    first_line: usize,
}

/// The item's lines, with the `//` comments right above it.
fn item_source(lines: &[&str], node: &Node<'_>) -> Source {
    let mut first = node.first_line().max(1);
    let last = node.span().end().line.max(first).min(lines.len());
    while first > 1
        && lines
            .get(first - 2)
            .is_some_and(|l| l.trim_start().starts_with("//") && !l.trim_start().starts_with("//!"))
    {
        first -= 1;
    }
    let mut text: String = lines[first - 1..last].concat();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Source { text, first_line: first }
}

/// A call of an operation method found in a carried item.
struct OpCall {
    /// Where the method name starts (line, column in chars).
    method_at: (usize, usize),
    /// The receiver's extent, and whether it is `self`.
    receiver: ((usize, usize), (usize, usize)),
    receiver_is_self: bool,
    /// The access path of the operation's service (`notes()`).
    access: Option<String>,
    /// Whether it is a client method (`http`) rather than an operation.
    client_method: bool,
}

fn op_calls(node: &Node<'_>, access: &BTreeMap<String, String>) -> Vec<OpCall> {
    struct Finder<'m> {
        access: &'m BTreeMap<String, String>,
        found: Vec<OpCall>,
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            let name = call.method.to_string();
            let start = call.method.span().start();
            let recv = call.receiver.span();
            let is_self = matches!(&*call.receiver, syn::Expr::Path(p) if p.path.is_ident("self"));
            let op = self.access.get(&name).cloned();
            let client_method = op.is_none() && is_self;
            if op.is_some() || client_method {
                self.found.push(OpCall {
                    method_at: (start.line, start.column),
                    receiver: (
                        (recv.start().line, recv.start().column),
                        (recv.end().line, recv.end().column),
                    ),
                    receiver_is_self: is_self,
                    access: op,
                    client_method,
                });
            }
            syn::visit::visit_expr_method_call(self, call);
        }
    }
    let mut finder = Finder { access, found: Vec::new() };
    match node {
        Node::Item(item) => finder.visit_item(item),
        Node::Method(method) => finder.visit_impl_item_fn(method),
    }
    // Calls of client methods only matter for methods that move to the gateway.
    if finder.found.iter().all(|c| c.client_method) {
        return Vec::new();
    }
    finder.found
}

/// Rewrites operation calls for the item's new home.
fn rewrite(
    text: &str,
    first_line: usize,
    calls: &[OpCall],
    method_to_gateway: bool,
    gateway: &str,
    client_methods: &BTreeSet<String>,
) -> String {
    let line_starts: Vec<usize> =
        std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let offset = |(line, column): (usize, usize)| -> Option<usize> {
        let index = line.checked_sub(first_line)?;
        let start = *line_starts.get(index)?;
        let rest = &text[start..];
        let bytes = rest.char_indices().nth(column).map(|(b, _)| b).unwrap_or(rest.len());
        Some(start + bytes)
    };
    let mut edits: Vec<(usize, String)> = Vec::new();
    for call in calls {
        if call.client_method {
            if method_to_gateway
                && let Some(at) = offset(call.method_at)
                && client_methods.iter().any(|m| text[at..].starts_with(m.as_str()))
            {
                edits.push((at, "client().".to_string()));
            }
            continue;
        }
        let Some(access) = &call.access else { continue };
        if call.receiver_is_self && method_to_gateway {
            if let Some(at) = offset(call.method_at) {
                edits.push((at, format!("{access}.")));
            }
        } else if let (Some(start), Some(end)) = (offset(call.receiver.0), offset(call.receiver.1))
        {
            edits.push((start, format!("crate::gateway::{gateway}::new((")));
            edits.push((end, format!(").clone()).{access}")));
        }
    }
    edits.sort_by_key(|edit| std::cmp::Reverse(edit.0));
    let mut out = text.to_string();
    for (at, insert) in edits {
        if at <= out.len() && out.is_char_boundary(at) {
            out.insert_str(at, &insert);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::maintain::api::PublicApi;

    #[test]
    fn names_already_in_scope_are_not_imported_again() {
        let gateway = "use std::sync::Arc;\nuse crate::client::{NotesClient, models::Note as N};\nuse crate::services::*;\npub struct NotesGateway;\nfn helper() {}\n";
        let names = names_in_scope(gateway);
        for name in ["Arc", "NotesClient", "N", "NotesGateway", "helper"] {
            assert!(names.contains(name), "{name}: {names:?}");
        }
        assert!(!names.contains("Note") && !names.contains("services"), "{names:?}");
        assert!(names_in_scope("not rust {").is_empty());
    }

    #[test]
    fn hand_written_items_move_to_their_layer() {
        let base = "pub struct NotesClient { http: Http }\nimpl NotesClient {\n    pub fn http(&self) -> &Http { &self.http }\n    pub async fn get_note(&self, id: &str) -> R { x() }\n}\n";
        let ours = format!(
            "{}\n// Counts words of a note.\npub async fn words(client: &NotesClient, id: &str) -> usize {{\n    client.get_note(id).await.map(|n| n.into_body().text.split_whitespace().count()).unwrap_or(0)\n}}\n/// A constant.\npub const LIMIT: usize = 3;\nimpl NotesClient {{\n    /// Title of a note.\n    pub async fn title(&self, id: &str) -> String {{\n        let _h = self.http();\n        self.get_note(id).await.map(|n: crate::client::models::Note| n.text).unwrap_or_default()\n    }}\n}}\n",
            base
        );
        let full = read_public_api(&[
            (PathBuf::from("src/gateway.rs"), "pub struct NotesGateway { client: crate::client::NotesClient }\nimpl NotesGateway {\n    pub fn notes(&self) -> crate::services::notes::NotesService { x() }\n}\n".to_string()),
            (PathBuf::from("src/services/notes.rs"), "pub struct NotesService { client: crate::client::NotesClient }\nimpl NotesService {\n    pub async fn get_note(&self, id: &str) -> R { x() }\n}\n".to_string()),
            (PathBuf::from("src/client.rs"), "pub struct NotesClient { http: ::connkit::HttpClient }\n".to_string()),
        ]);
        let _: &PublicApi = &full;
        let carried = carry(&ours, base, &full);
        assert!(!carried.edited_generated);
        assert_eq!(carried.gateway_names, vec!["words", "title"]);
        assert_eq!(carried.client_names, vec!["LIMIT"]);
        let words = &carried.gateway_items[0];
        assert!(words.starts_with("// Counts words of a note.\n"), "{words}");
        assert!(
            words.contains(
                "crate::gateway::NotesGateway::new((client).clone()).notes().get_note(id)"
            ),
            "{words}"
        );
        let title = &carried.gateway_methods[0];
        assert!(title.contains("self.notes().get_note(id)"), "{title}");
        assert!(title.contains("self.client().http()"), "{title}");
        assert!(title.contains("crate::models::Note"), "{title}");
        assert_eq!(carried.client_items[0], "/// A constant.\npub const LIMIT: usize = 3;\n");
    }

    #[test]
    fn edited_generated_items_are_noticed() {
        let base = "impl C {\n    pub fn a(&self) -> u8 { 1 }\n}\n";
        let ours = "impl C {\n    pub fn a(&self) -> u8 { 2 }\n}\n";
        let carried = carry(ours, base, &PublicApi::default());
        assert!(carried.edited_generated);
        assert!(carried.client_methods.is_empty());
    }
}
