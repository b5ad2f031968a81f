//! The public API of a connector, read from its sources with `syn`: the public methods of
//! the client, the services and the gateway (hand-written ones included), with their
//! signature and the first line of their doc comment, and how each service is reached from
//! the gateway.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::maintain::source::{doc_line, is_test_only, line};

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
    /// The first line of its doc comment.
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
    /// The first line of the service type's doc comment.
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
/// not parse are skipped (`connkit check` reports them).
pub fn read_public_api(files: &[(PathBuf, String)]) -> PublicApi {
    let mut api = PublicApi::default();
    let mut edges: Vec<(String, String, String)> = Vec::new();
    let mut type_docs: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut sorted: Vec<&(PathBuf, String)> =
        files.iter().filter(|(p, _)| p.extension().is_some_and(|e| e == "rs")).collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, text) in sorted {
        let Ok(file) = syn::parse_file(text) else { continue };
        collect_items(&file.items, path, &mut api, &mut edges, &mut type_docs);
    }
    if let Some(gateway) = api.gateway.clone() {
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
                if ty.ends_with("Service") {
                    api.services.push(ServiceAccess {
                        access: access.clone(),
                        service: ty.clone(),
                        doc: type_docs.get(ty).cloned().flatten(),
                    });
                }
                stack.push((ty.clone(), access));
            }
        }
        // Stack order reversed the services of each level; put them back in source order.
        let order: Vec<String> = edges.iter().map(|(_, _, ty)| ty.clone()).collect();
        api.services
            .sort_by_key(|s| order.iter().position(|t| *t == s.service).unwrap_or(usize::MAX));
    }
    api
}

fn collect_items(
    items: &[syn::Item],
    path: &Path,
    api: &mut PublicApi,
    edges: &mut Vec<(String, String, String)>,
    type_docs: &mut BTreeMap<String, Option<String>>,
) {
    for item in items {
        match item {
            syn::Item::Mod(m) if !is_test_only(&m.attrs) => {
                if let Some((_, items)) = &m.content {
                    collect_items(items, path, api, edges, type_docs);
                }
            }
            syn::Item::Struct(s) => {
                let name = s.ident.to_string();
                type_docs.insert(name.clone(), doc_line(&s.attrs));
                if owner_kind(&name) == Some(OwnerKind::Client) && api.client.is_none() {
                    api.client = Some(name);
                } else if owner_kind(&name) == Some(OwnerKind::Gateway) && api.gateway.is_none() {
                    api.gateway = Some(name);
                }
            }
            syn::Item::Impl(imp) if imp.trait_.is_none() && !is_test_only(&imp.attrs) => {
                let syn::Type::Path(ty) = &*imp.self_ty else { continue };
                let Some(last) = ty.path.segments.last() else { continue };
                let owner = last.ident.to_string();
                let Some(kind) = owner_kind(&owner)
                    .or_else(|| owner.ends_with("Services").then_some(OwnerKind::Service))
                else {
                    continue;
                };
                for impl_item in &imp.items {
                    let syn::ImplItem::Fn(f) = impl_item else { continue };
                    if !matches!(f.vis, syn::Visibility::Public(_)) || is_test_only(&f.attrs) {
                        continue;
                    }
                    if f.sig.receiver().is_none() {
                        continue;
                    }
                    let returned = returned_type(&f.sig.output);
                    if let Some(ret) = &returned
                        && (ret.ends_with("Service") || ret.ends_with("Services"))
                    {
                        edges.push((owner.clone(), f.sig.ident.to_string(), ret.clone()));
                        continue;
                    }
                    if returned.as_deref().is_some_and(|r| r.ends_with("Client")) {
                        continue;
                    }
                    if owner.ends_with("Services") {
                        continue;
                    }
                    api.methods.push(PublicMethod {
                        owner: owner.clone(),
                        kind,
                        name: f.sig.ident.to_string(),
                        signature: render_signature(&f.sig),
                        doc: doc_line(&f.attrs),
                        file: path.to_path_buf(),
                        line: line(f.sig.ident.span()),
                    });
                }
            }
            _ => {}
        }
    }
}

fn owner_kind(name: &str) -> Option<OwnerKind> {
    if name.ends_with("Gateway") {
        Some(OwnerKind::Gateway)
    } else if name.ends_with("Service") {
        Some(OwnerKind::Service)
    } else if name.ends_with("Client") && name != "HttpClient" {
        Some(OwnerKind::Client)
    } else {
        None
    }
}

/// The last segment of the returned type (through references).
fn returned_type(output: &syn::ReturnType) -> Option<String> {
    let syn::ReturnType::Type(_, ty) = output else { return None };
    let mut ty = &**ty;
    while let syn::Type::Reference(r) = ty {
        ty = &r.elem;
    }
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
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
        let api = read_public_api(&[
            (PathBuf::from("src/gateway.rs"), gateway.to_string()),
            (PathBuf::from("src/services/widgets.rs"), service.to_string()),
        ]);
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
}
