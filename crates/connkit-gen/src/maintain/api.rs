//! The public API of a connector, read from its sources with `syn`: the public methods of
//! the client, the services and the gateway (hand-written ones included), with their
//! signature and the first line of their doc comment, and how each service is reached from
//! the gateway.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::maintain::Layer;
use crate::maintain::source::{doc_summary, is_test_only, line};

/// Which kind of type a method belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum OwnerKind {
    /// The `{System}Gateway`.
    Gateway,
    /// A `...Service`.
    Service,
    /// The `{System}Client`.
    Client,
}

/// One public method.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicMethod {
    /// The type it belongs to (`OrdersService`).
    pub owner: String,
    /// Gateway, service or client.
    pub kind: OwnerKind,
    /// The method's name.
    pub name: String,
    /// Its signature without the receiver, paths shortened (`async fn get_order(order_id:
    /// &str) -> Result<ApiResponse<Order>, Error>`).
    pub signature: String,
    /// The first paragraph of its doc comment, as one line.
    pub doc: Option<String>,
    /// The file it is in, relative to the connector.
    pub file: PathBuf,
    /// Its line.
    pub line: usize,
}

/// A service as users reach it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccess {
    /// `gateway.orders()` (or `gateway.orders_v0().orders()`).
    pub access: String,
    /// The service type.
    pub service: String,
    /// The first paragraph of the service type's doc comment, as one line.
    pub doc: Option<String>,
}

/// The public API of a connector.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PublicApi {
    /// The client type's name, if one was found.
    pub client: Option<String>,
    /// The gateway type's name, if one was found.
    pub gateway: Option<String>,
    /// Every listed method, in file and source order.
    pub methods: Vec<PublicMethod>,
    /// The services reachable from the gateway, in accessor order.
    pub services: Vec<ServiceAccess>,
}

impl PublicApi {
    /// The methods of `owner`, in order.
    pub fn methods_of<'a>(&'a self, owner: &'a str) -> impl Iterator<Item = &'a PublicMethod> + 'a {
        self.methods.iter().filter(move |m| m.owner == owner)
    }
}

/// Reads the public API from `(path relative to the connector, text)` pairs. Files that do
/// not parse are skipped (`connkit check` reports them), and so are the models (`src/models/`),
/// which hold no client, service or gateway.
///
/// Types are told apart by what they hold, never by their names: the client is the struct
/// holding the runtime's `HttpClient`; services (and the gateway, and per-spec service sets)
/// hold the client; the gateway is the one that hands out services without being handed out
/// itself. A model called `ShippingService` is not a service.
pub fn read_public_api(files: &[(PathBuf, String)]) -> PublicApi {
    let mut sorted: Vec<&(PathBuf, String)> = files
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e == "rs") && Layer::of(p) != Layer::Models)
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    // One parse per file, keeping only what the public API needs (the ASTs of a large
    // connector would not fit in memory together).
    let mut structs = Vec::new();
    let mut candidates = Vec::new();
    for (path, text) in sorted {
        let Ok(file) = syn::parse_file(text) else { continue };
        collect(&file.items, path, &mut structs, &mut candidates);
    }
    let client =
        structs.iter().find(|s| s.fields.iter().any(|f| f == "HttpClient")).map(|s| s.name.clone());
    let holders: BTreeMap<String, &StructInfo> = structs
        .iter()
        .filter(|s| client.as_ref().is_some_and(|c| s.fields.contains(c)))
        .map(|s| (s.name.clone(), s))
        .collect();
    let mut api = PublicApi { client: client.clone(), ..PublicApi::default() };
    let mut methods: Vec<(String, PublicMethod)> = Vec::new();
    let mut edges: Vec<(String, String, String)> = Vec::new();
    // What the client holds (the runtime's transport): accessors of it are plumbing.
    let transport: Vec<String> = structs
        .iter()
        .find(|s| Some(&s.name) == client.as_ref())
        .map(|s| s.fields.clone())
        .unwrap_or_default();
    let owners = Owners { client: client.as_deref(), transport: &transport, holders: &holders };
    for candidate in candidates {
        owners.sort(candidate, &mut methods, &mut edges);
    }
    // The gateway hands out services and is handed out by nothing.
    let handed_out: Vec<&str> = edges.iter().map(|(_, _, ty)| ty.as_str()).collect();
    let roots: Vec<&StructInfo> = holders
        .values()
        .copied()
        .filter(|s| !handed_out.contains(&s.name.as_str()))
        .filter(|s| edges.iter().any(|(owner, _, _)| *owner == s.name))
        .collect();
    api.gateway = roots
        .iter()
        .find(|s| s.layer == Layer::Gateway)
        .or_else(|| roots.first())
        .map(|s| s.name.clone());
    for (owner, mut method) in methods {
        method.kind = if Some(&owner) == client.as_ref() {
            OwnerKind::Client
        } else if Some(&owner) == api.gateway.as_ref() {
            OwnerKind::Gateway
        } else {
            OwnerKind::Service
        };
        api.methods.push(method);
    }
    if let Some(gateway) = api.gateway.clone() {
        api.services = service_accesses(gateway, &edges, &holders);
    }
    api
}

/// Every service the gateway hands out, directly or through a set of services, with the
/// expression that reaches it (`gateway.orders()`), in source order.
fn service_accesses(
    gateway: String,
    edges: &[(String, String, String)],
    holders: &BTreeMap<String, &StructInfo>,
) -> Vec<ServiceAccess> {
    let mut services = Vec::new();
    let mut stack = vec![(gateway, "gateway".to_string())];
    let mut seen = 0usize;
    while let Some((owner, prefix)) = stack.pop() {
        seen += 1;
        if seen > 256 {
            break;
        }
        let children: Vec<&(String, String, String)> =
            edges.iter().filter(|(o, _, _)| *o == owner).collect();
        // Depth first in source order: push in reverse.
        for (_, method, ty) in children.into_iter().rev() {
            let access = format!("{prefix}.{method}()");
            // A service has operations; a set of services only hands out services.
            let hands_out = edges.iter().any(|(o, _, _)| o == ty);
            if !hands_out {
                services.push(ServiceAccess {
                    access: access.clone(),
                    service: ty.clone(),
                    doc: holders.get(ty).and_then(|s| s.doc.clone()),
                });
            }
            stack.push((ty.clone(), access));
        }
    }
    // Stack order reversed the services of each level; put them back in source order.
    let order: Vec<String> = edges.iter().map(|(_, _, ty)| ty.clone()).collect();
    services.sort_by_key(|s| order.iter().position(|t| *t == s.service).unwrap_or(usize::MAX));
    services
}

/// A struct of the sources: its name, where it is, the last path segment of each field's
/// type, and the first line of its doc.
struct StructInfo {
    name: String,
    layer: Layer,
    fields: Vec<String>,
    doc: Option<String>,
}

/// A public method with a receiver of an inherent impl, before its owner is known to be a
/// client, a service or a gateway.
struct Candidate {
    owner: String,
    signature: syn::Signature,
    doc: Option<String>,
    file: PathBuf,
    line: usize,
}

fn collect(
    items: &[syn::Item],
    path: &Path,
    structs: &mut Vec<StructInfo>,
    candidates: &mut Vec<Candidate>,
) {
    for item in items {
        match item {
            syn::Item::Mod(m) if !is_test_only(&m.attrs) => {
                if let Some((_, items)) = &m.content {
                    collect(items, path, structs, candidates);
                }
            }
            syn::Item::Struct(s) if !is_test_only(&s.attrs) => structs.push(StructInfo {
                name: s.ident.to_string(),
                layer: Layer::of(path),
                fields: s.fields.iter().filter_map(|f| type_name(&f.ty)).collect(),
                doc: doc_summary(&s.attrs),
            }),
            syn::Item::Impl(imp) if imp.trait_.is_none() && !is_test_only(&imp.attrs) => {
                let Some(owner) = type_name(&imp.self_ty) else { continue };
                for impl_item in &imp.items {
                    let syn::ImplItem::Fn(f) = impl_item else { continue };
                    if !matches!(f.vis, syn::Visibility::Public(_))
                        || is_test_only(&f.attrs)
                        || f.sig.receiver().is_none()
                    {
                        continue;
                    }
                    candidates.push(Candidate {
                        owner: owner.clone(),
                        signature: f.sig.clone(),
                        doc: doc_summary(&f.attrs),
                        file: path.to_path_buf(),
                        line: line(f.sig.ident.span()),
                    });
                }
            }
            _ => {}
        }
    }
}

/// The client, what it holds, and the types holding it.
struct Owners<'a> {
    client: Option<&'a str>,
    transport: &'a [String],
    holders: &'a BTreeMap<String, &'a StructInfo>,
}

impl Owners<'_> {
    fn owns(&self, name: &str) -> bool {
        self.client == Some(name) || self.holders.contains_key(name)
    }

    /// Files a method of the client or of a type holding it: an edge `(owner, method, type)`
    /// when it hands out a type holding the client, else a method of the API.
    fn sort(
        &self,
        candidate: Candidate,
        methods: &mut Vec<(String, PublicMethod)>,
        edges: &mut Vec<(String, String, String)>,
    ) {
        if !self.owns(&candidate.owner) {
            return;
        }
        let returned = returned_type(&candidate.signature.output);
        if let Some(ret) = &returned
            && self.holders.contains_key(ret)
        {
            edges.push((candidate.owner, candidate.signature.ident.to_string(), ret.clone()));
            return;
        }
        // Accessors of the client or of its transport are plumbing, not API.
        if let Some(ret) = &returned
            && (self.client == Some(ret.as_str()) || self.transport.contains(ret))
        {
            return;
        }
        methods.push((
            candidate.owner.clone(),
            PublicMethod {
                owner: candidate.owner,
                kind: OwnerKind::Service,
                name: candidate.signature.ident.to_string(),
                signature: render_signature(&candidate.signature),
                doc: candidate.doc,
                file: candidate.file,
                line: candidate.line,
            },
        ));
    }
}

/// The last segment of a type path (`crate::client::XClient` → `XClient`), through references.
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => type_name(&r.elem),
        _ => None,
    }
}

/// The last segment of the returned type (through references).
fn returned_type(output: &syn::ReturnType) -> Option<String> {
    let syn::ReturnType::Type(_, ty) = output else { return None };
    type_name(ty)
}

/// The signature without its receiver, on one line, with well-known paths shortened.
pub fn render_signature(sig: &syn::Signature) -> String {
    let mut sig = sig.clone();
    sig.inputs =
        sig.inputs.into_iter().filter(|arg| !matches!(arg, syn::FnArg::Receiver(_))).collect();
    let mut item: syn::ItemFn = syn::parse_quote!(
        fn signature() {}
    );
    item.sig = sig;
    let Ok(mut file) = syn::parse_file("") else { return String::new() };
    file.items.push(syn::Item::Fn(item));
    let text = prettyplease::unparse(&file);
    let head = text.trim_end().trim_end_matches("{}").trim_end();
    let mut one_line = head.split_whitespace().collect::<Vec<_>>().join(" ");
    for (from, to) in [
        ("( ", "("),
        (" )", ")"),
        (",)", ")"),
        ("< ", "<"),
        (", >", ">"),
        (" >", ">"),
        ("::std::result::Result", "Result"),
        ("::std::option::Option", "Option"),
        ("::std::string::String", "String"),
        ("::std::vec::Vec", "Vec"),
        ("::connkit::", ""),
        ("::futures::", ""),
        ("::bytes::", ""),
        ("crate::client::models::", ""),
        ("crate::models::", ""),
        ("::serde_json::", "serde_json::"),
    ] {
        one_line = one_line.replace(from, to);
    }
    one_line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_methods_and_access_paths() {
        let gateway = "pub struct WGateway { client: WClient }\nimpl WGateway {\n    pub fn new(client: WClient) -> Self { todo() }\n    pub fn client(&self) -> &WClient { &self.client }\n    pub fn widgets(&self) -> crate::services::widgets::WidgetsService { todo() }\n    /// Counts widgets.\n    pub async fn count(&self) -> ::std::result::Result<usize, ::connkit::Error> { todo() }\n}\n";
        let service = "/// Widgets.\npub struct WidgetsService { client: WClient }\nimpl super::WidgetsService {\n    /// Gets one.\n    pub async fn get_widget(\n        &self,\n        id: &str,\n    ) -> ::std::result::Result<::connkit::ApiResponse<crate::models::Widget>, ::connkit::Error> { todo() }\n    fn private(&self) {}\n}\n";
        let client = "pub struct WClient { http: ::connkit::HttpClient }\nimpl WClient {\n    pub fn http(&self) -> &::connkit::HttpClient { &self.http }\n}\n";
        let api = read_public_api(&[
            (PathBuf::from("src/client.rs"), client.to_string()),
            (PathBuf::from("src/gateway.rs"), gateway.to_string()),
            (PathBuf::from("src/services/widgets.rs"), service.to_string()),
        ]);
        assert_eq!(api.client.as_deref(), Some("WClient"));
        assert_eq!(api.gateway.as_deref(), Some("WGateway"));
        assert_eq!(api.services.len(), 1);
        assert_eq!(api.services[0].access, "gateway.widgets()");
        assert_eq!(api.services[0].doc.as_deref(), Some("Widgets."));
        let names: Vec<&str> = api.methods.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, vec!["count", "get_widget"]);
        let get = &api.methods[1];
        assert_eq!(
            get.signature,
            "async fn get_widget(id: &str) -> Result<ApiResponse<Widget>, Error>"
        );
        assert_eq!(get.line, 5);
        assert_eq!(get.doc.as_deref(), Some("Gets one."));
    }

    #[test]
    fn types_are_told_apart_by_what_they_hold_not_by_their_names() {
        // An entity called `auth`, a model enum called `...Service`, a client that is not
        // called `...Client`.
        let client = "pub struct Transport { http: ::connkit::HttpClient }\n";
        let gateway = "pub struct Api { client: Transport }\nimpl Api {\n    pub fn auth(&self) -> crate::services::auth::Tokens { todo() }\n}\n";
        let service = "pub struct Tokens { client: crate::client::Transport }\nimpl Tokens {\n    pub async fn revoke(&self) -> Result<(), Error> { todo() }\n}\n";
        let model = "pub enum ShippingService { Express }\nimpl ShippingService {\n    pub fn as_str(&self) -> &str { todo() }\n}\n";
        let api = read_public_api(&[
            (PathBuf::from("src/client.rs"), client.to_string()),
            (PathBuf::from("src/gateway.rs"), gateway.to_string()),
            (PathBuf::from("src/services/auth.rs"), service.to_string()),
            (PathBuf::from("src/services/shipping.rs"), model.to_string()),
        ]);
        assert_eq!(api.client.as_deref(), Some("Transport"));
        assert_eq!(api.gateway.as_deref(), Some("Api"));
        assert_eq!(api.services.len(), 1);
        assert_eq!(api.services[0].access, "gateway.auth()");
        let names: Vec<(&str, &str)> =
            api.methods.iter().map(|m| (m.owner.as_str(), m.name.as_str())).collect();
        assert_eq!(names, vec![("Tokens", "revoke")]);
    }
}
