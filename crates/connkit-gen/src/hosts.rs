//! Where each operation is sent: the default host and the named hosts of a connector.
//!
//! The first spec's server is the default host (`{P}BASE_URL` overrides it). A connector
//! built from several specs whose servers differ, or a spec whose operations declare servers
//! of their own (Stripe's file uploads on `files.stripe.com`, GitHub's release assets on
//! `uploads.github.com`), sends those operations to a *named host*: one per other base URL,
//! each with its own setting `{P}{NAME}_BASE_URL`.
//!
//! The plan is a function of the specs and the manifest, so `connkit new`, `connkit sync` and
//! `connkit call` agree on it:
//!
//! - a spec's URL is its first absolute server (template variables at their defaults), else
//!   the first absolute server its operations declare (a spec whose root server is relative
//!   but whose operations name one);
//! - the first spec, and every spec whose URL is the first spec's (or one of the manifest's
//!   default, region or sandbox hosts), is served by the default host; another spec gets a
//!   named host called after its module (`orders_v0`), shared by later specs with the same URL;
//! - an operation with servers of its own whose first absolute URL is not its spec's gets the
//!   named host of that URL, called after what tells it apart (`files` for
//!   `https://files.stripe.com` beside `https://api.stripe.com`);
//! - `connector.toml` overrides: `[hosts.named]` sets a named host's URL, `host = "NAME"` (or
//!   `"default"`) on a `[[specs]]` entry or under `[operations."ID"]` moves a spec's or an
//!   operation's calls, and a name nothing derives makes a host whose variable is required.

use connkit_spec::model::{Api, Operation, Server};

use crate::SpecSource;
use crate::manifest::Manifest;
use crate::naming::{UniqueNames, snake_ident};

/// The name that means the default host in `host = "..."` overrides.
pub const DEFAULT_HOST: &str = "default";

/// The longest host name derived from a URL (the variable adds the prefix and `_BASE_URL`).
const MAX_NAME_LEN: usize = 32;

/// A host besides the default one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedHost {
    /// The host's name: a snake_case identifier (`uploads`, `orders_v0`).
    pub name: String,
    /// Its base URL: `[hosts.named]` of the manifest, else the spec's. `None` when neither
    /// gives one (a name only an override uses): the setting is then required.
    pub url: Option<String>,
    /// What it serves, for the docs: "the `pets` spec", operation ids.
    pub serves: Vec<String>,
}

impl NamedHost {
    /// The setting without the prefix (`UPLOADS_BASE_URL`).
    pub fn variable(&self) -> String {
        format!("{}_BASE_URL", self.name.to_ascii_uppercase())
    }

    /// The field of the settings struct (`uploads_base_url`).
    pub fn field(&self) -> String {
        format!("{}_base_url", self.name)
    }

    /// One line on what the host serves, for docs (`the \`pets\` spec`, three operation ids
    /// and how many more).
    pub fn serves_text(&self) -> String {
        const SHOWN: usize = 3;
        if self.serves.is_empty() {
            return "operations moved to it in connector.toml".to_string();
        }
        let mut shown: Vec<String> = self.serves.iter().take(SHOWN).cloned().collect();
        if self.serves.len() > SHOWN {
            shown.push(format!("{} more", self.serves.len() - SHOWN));
        }
        shown.join(", ")
    }
}

/// The hosts of a connector and which one each operation goes to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostPlan {
    named: Vec<NamedHost>,
    /// Per spec, where its operations go.
    specs: Vec<SpecRouting>,
    /// The specs' `host` overrides, resolved (outer `None` = no override).
    spec_overrides: Vec<Option<Option<usize>>>,
}

/// A host: an index into the named hosts, `None` for the default host.
type HostIndex = Option<usize>;

/// Where one spec's operations go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct SpecRouting {
    /// The host its servers give.
    spec: HostIndex,
    /// Per operation, the host its own servers give (`None`: none of its own, the spec's).
    operations: Vec<Option<HostIndex>>,
}

/// One spec as the plan sees it.
#[derive(Debug, Clone, Copy)]
pub struct HostSpec<'a> {
    /// The spec's module name ([`crate::naming::spec_modules`]): names its host.
    pub module: &'a str,
    /// Its stem, for the docs.
    pub stem: &'a str,
    /// The normalised API.
    pub api: &'a Api,
    /// The ids of its operations (same order as `api.operations`), for the docs.
    pub ids: &'a [String],
}

impl HostPlan {
    /// The plan for `specs` (in manifest order) under `manifest`'s hosts and overrides.
    pub fn derive(manifest: &Manifest, specs: &[HostSpec<'_>]) -> HostPlan {
        let mut builder = Builder::new(manifest);
        let spec_urls: Vec<Option<String>> = specs.iter().map(|s| spec_url(s.api)).collect();
        if let Some(Some(first)) = spec_urls.first() {
            builder.defaults.push(first.clone());
        }
        // Specs first, so that they name their hosts; then operations with servers of their own.
        let spec_hosts: Vec<Option<usize>> = specs
            .iter()
            .zip(&spec_urls)
            .map(|(spec, url)| {
                let url = url.as_deref()?;
                let serves = format!("the `{}` spec", spec.stem);
                builder.host_for(url, || spec.module.to_string(), serves)
            })
            .collect();
        let multi = specs.len() > 1;
        let mut plan = HostPlan::default();
        for ((spec, url), spec_host) in specs.iter().zip(&spec_urls).zip(spec_hosts) {
            let reference = url.as_deref().or(spec_urls.first().and_then(Option::as_deref));
            let operations = spec
                .api
                .operations
                .iter()
                .enumerate()
                .map(|(index, operation)| {
                    let own = operation_url(operation)?;
                    if url.as_deref() == Some(own.as_str()) {
                        return None;
                    }
                    let id = spec.ids.get(index).map_or("", String::as_str);
                    let serves =
                        if multi { format!("`{}.{id}`", spec.stem) } else { format!("`{id}`") };
                    Some(builder.host_for(&own, || name_from_url(&own, reference), serves))
                })
                .collect();
            plan.specs.push(SpecRouting { spec: spec_host, operations });
        }
        for entry in &manifest.specs {
            let resolved = entry.host.as_deref().map(|name| builder.by_name(name));
            plan.spec_overrides.push(resolved);
        }
        for operation in manifest.operations.values() {
            if let Some(name) = &operation.host {
                builder.by_name(name);
            }
        }
        for name in manifest.hosts.named.keys() {
            builder.by_name(name);
        }
        plan.named = builder.named;
        plan
    }

    /// The plan of the connector generated from `specs` (what [`crate::generate()`] emits and
    /// `connkit call` follows).
    pub fn for_specs(manifest: &Manifest, specs: &[SpecSource<'_>]) -> HostPlan {
        let modules = crate::naming::spec_modules(specs.iter().map(|s| s.stem.as_str()));
        let ids: Vec<Vec<String>> =
            specs.iter().map(|s| s.facts.iter().map(|f| f.id.clone()).collect()).collect();
        let inputs: Vec<HostSpec<'_>> = specs
            .iter()
            .zip(&modules)
            .zip(&ids)
            .map(|((spec, module), ids)| HostSpec { module, stem: &spec.stem, api: spec.api, ids })
            .collect();
        HostPlan::derive(manifest, &inputs)
    }

    /// Every named host, in order of first use.
    pub fn named(&self) -> &[NamedHost] {
        &self.named
    }

    /// The named host operation `operation` of spec `spec` (indices into the manifest's specs
    /// and the API's operations) goes to, `None` for the default host. `override_host` is the
    /// operation's `host` in `connector.toml`, which wins.
    pub fn host_of<'a>(
        &'a self,
        spec: usize,
        operation: usize,
        override_host: Option<&'a str>,
    ) -> Option<&'a str> {
        if let Some(name) = override_host {
            return (name != DEFAULT_HOST).then_some(name);
        }
        let routing = self.specs.get(spec)?;
        let own = routing.operations.get(operation).copied().flatten();
        let spec_override = self.spec_overrides.get(spec).copied().flatten();
        let index = own.unwrap_or(spec_override.unwrap_or(routing.spec))?;
        self.named.get(index).map(|host| host.name.as_str())
    }
}

/// Hands out named hosts: by URL (one per distinct URL) and by name.
struct Builder<'a> {
    manifest: &'a Manifest,
    /// URLs served by the default host.
    defaults: Vec<String>,
    named: Vec<NamedHost>,
    /// The URL each named host was derived from (same index as `named`).
    derived_urls: Vec<Option<String>>,
    names: UniqueNames,
}

impl<'a> Builder<'a> {
    fn new(manifest: &'a Manifest) -> Builder<'a> {
        let hosts = &manifest.hosts;
        let defaults = hosts
            .default
            .iter()
            .chain(hosts.regions.values())
            .chain(hosts.sandbox.values())
            .map(|url| normalize(url))
            .collect();
        Builder {
            manifest,
            defaults,
            named: Vec::new(),
            derived_urls: Vec::new(),
            names: UniqueNames::with_reserved([DEFAULT_HOST]),
        }
    }

    /// The host serving `url`: `None` for the default host, else the named host of that URL
    /// (made with `name()` the first time), recording `serves`.
    fn host_for(
        &mut self,
        url: &str,
        name: impl FnOnce() -> String,
        serves: String,
    ) -> Option<usize> {
        if self.defaults.iter().any(|d| d == url) {
            return None;
        }
        let index = match self.derived_urls.iter().position(|u| u.as_deref() == Some(url)) {
            Some(index) => index,
            None => {
                let name = self.names.claim(&bounded(&name()));
                let configured = self.manifest.hosts.named.get(&name).cloned();
                self.named.push(NamedHost {
                    name,
                    url: configured.or_else(|| Some(url.to_string())),
                    serves: Vec::new(),
                });
                self.derived_urls.push(Some(url.to_string()));
                self.named.len() - 1
            }
        };
        if !self.named[index].serves.contains(&serves) {
            self.named[index].serves.push(serves);
        }
        Some(index)
    }

    /// The host called `name` (`None` for the default host), made from the manifest's
    /// `[hosts.named]` (or without a URL) when nothing derived it.
    fn by_name(&mut self, name: &str) -> Option<usize> {
        if name == DEFAULT_HOST {
            return None;
        }
        if let Some(index) = self.named.iter().position(|h| h.name == name) {
            return Some(index);
        }
        self.names.claim(name);
        self.named.push(NamedHost {
            name: name.to_string(),
            url: self.manifest.hosts.named.get(name).cloned(),
            serves: Vec::new(),
        });
        self.derived_urls.push(None);
        Some(self.named.len() - 1)
    }
}

/// The base URL a spec is served from: its first absolute server, else the first absolute
/// server its operations declare.
pub fn spec_url(api: &Api) -> Option<String> {
    first_absolute(&api.servers).or_else(|| api.operations.iter().find_map(operation_url))
}

/// The first absolute server an operation (or its path item) declares itself.
fn operation_url(operation: &Operation) -> Option<String> {
    first_absolute(&operation.servers)
}

fn first_absolute(servers: &[Server]) -> Option<String> {
    servers.iter().find_map(server_url)
}

/// A server's URL with its template variables at their defaults, when it is an absolute
/// `http(s)` URL (without a trailing `/`).
pub fn server_url(server: &Server) -> Option<String> {
    let mut url = server.url.clone();
    for (name, variable) in &server.variables {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    let absolute = url.starts_with("http://") || url.starts_with("https://");
    (absolute && !url.contains('{')).then(|| normalize(&url))
}

fn normalize(url: &str) -> String {
    url.trim_end_matches('/').to_string()
}

/// A readable name for the host of `url` beside `reference` (the spec's URL): the host labels
/// that differ (`files` for `files.stripe.com` beside `api.stripe.com`), else the path
/// segments that differ (`v4beta`), else `host`.
fn name_from_url(url: &str, reference: Option<&str>) -> String {
    let (host, path) = split_url(url);
    let (ref_host, ref_path) = reference.map(split_url).unwrap_or_default();
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let ref_labels: Vec<&str> = ref_host.split('.').filter(|l| !l.is_empty()).collect();
    let common =
        labels.iter().rev().zip(ref_labels.iter().rev()).take_while(|(a, b)| a == b).count();
    let mut own: Vec<&str> = labels[..labels.len() - common].to_vec();
    if common == 0 && own.len() > 1 {
        own.pop(); // the top-level domain says little
    }
    let words = if host != ref_host && !own.is_empty() {
        own.join(" ")
    } else {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let ref_segments: Vec<&str> = ref_path.split('/').filter(|s| !s.is_empty()).collect();
        let same = segments.iter().zip(&ref_segments).take_while(|(a, b)| a == b).count();
        segments[same..].join(" ")
    };
    let name = snake_ident(&words);
    if words.trim().is_empty() { "host".to_string() } else { name }
}

/// (host without port, path) of an absolute URL.
fn split_url(url: &str) -> (&str, &str) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let host = host.split(':').next().unwrap_or(host);
    (host, path)
}

/// `name` cut to [`MAX_NAME_LEN`] at a word boundary.
fn bounded(name: &str) -> String {
    if name.len() <= MAX_NAME_LEN {
        return name.to_string();
    }
    let mut out = String::new();
    for word in name.split('_') {
        if !out.is_empty() && out.len() + 1 + word.len() > MAX_NAME_LEN {
            break;
        }
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(word);
    }
    out.chars().take(MAX_NAME_LEN).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::{
        AuthConfig, Hosts, OperationOverride, RuntimeDependency, SpecEntry, Tier,
    };

    fn api(root: &str, own: &[(&str, Option<&str>)]) -> Api {
        let paths: serde_json::Map<String, serde_json::Value> = own
            .iter()
            .map(|(id, server)| {
                let mut op = serde_json::json!({"operationId": id, "responses": {"200": {"description": "ok"}}});
                if let Some(server) = server {
                    op["servers"] = serde_json::json!([{ "url": server }]);
                }
                (format!("/{id}"), serde_json::json!({ "get": op }))
            })
            .collect();
        let doc = serde_json::json!({
            "openapi": "3.0.0", "info": {"title": "t", "version": "1"},
            "servers": [{"url": root}], "paths": paths,
        });
        connkit_spec::load_str("spec.json", &doc.to_string()).unwrap().api
    }

    fn manifest(stems: &[&str]) -> Manifest {
        Manifest {
            system: "x".to_string(),
            tier: Tier::Full,
            tier_reasons: Vec::new(),
            prefix: "X_".to_string(),
            specs: stems
                .iter()
                .map(|stem| SpecEntry {
                    file: format!("openapi/{stem}.json"),
                    stem: stem.to_string(),
                    source: None,
                    host: None,
                })
                .collect(),
            auth: AuthConfig::new(crate::manifest::AuthKind::None),
            hosts: Hosts::default(),
            runtime: RuntimeDependency { path: None, version: "0.1.0".to_string() },
            entity_features: false,
            rate_limit: None,
            operations: Default::default(),
        }
    }

    fn plan(manifest: &Manifest, apis: &[(&str, &Api)]) -> HostPlan {
        let ids: Vec<Vec<String>> = apis
            .iter()
            .map(|(_, api)| {
                api.operations.iter().map(|o| o.operation_id.clone().unwrap_or_default()).collect()
            })
            .collect();
        let specs: Vec<HostSpec<'_>> = apis
            .iter()
            .zip(&ids)
            .map(|((stem, api), ids)| HostSpec { module: stem, stem, api, ids })
            .collect();
        HostPlan::derive(manifest, &specs)
    }

    #[test]
    fn specs_with_other_servers_get_one_named_host_per_url() {
        let shop = api(
            "https://api.shop.test/v1",
            &[("list", None), ("upload", Some("https://files.shop.test"))],
        );
        let billing = api("https://billing.test/", &[("invoices", None)]);
        let same = api("https://api.shop.test/v1/", &[("other", None)]);
        let billing2 = api("https://billing.test", &[("refunds", None)]);
        let manifest = manifest(&["shop", "billing", "same", "billing2"]);
        let plan = plan(
            &manifest,
            &[("shop", &shop), ("billing", &billing), ("same", &same), ("billing2", &billing2)],
        );
        let names: Vec<(&str, Option<&str>)> =
            plan.named().iter().map(|h| (h.name.as_str(), h.url.as_deref())).collect();
        assert_eq!(
            names,
            vec![
                ("billing", Some("https://billing.test")),
                ("files", Some("https://files.shop.test"))
            ]
        );
        assert_eq!(plan.host_of(0, 0, None), None);
        assert_eq!(plan.host_of(0, 1, None), Some("files"));
        assert_eq!(plan.host_of(1, 0, None), Some("billing"));
        assert_eq!(plan.host_of(2, 0, None), None, "the first spec's server is the default host");
        assert_eq!(plan.host_of(3, 0, None), Some("billing"), "one host per URL");
        assert_eq!(plan.named()[0].serves, vec!["the `billing` spec", "the `billing2` spec"]);
        assert_eq!(plan.named()[1].serves, vec!["`shop.upload`"]);
        assert_eq!(plan.named()[1].variable(), "FILES_BASE_URL");
        assert_eq!(plan.host_of(1, 0, Some("default")), None, "an operation's override wins");
    }

    #[test]
    fn the_manifest_sets_urls_and_moves_specs_and_operations() {
        let shop = api(
            "https://api.shop.test",
            &[("list", None), ("upload", Some("https://files.shop.test"))],
        );
        let billing = api("https://billing.test", &[("invoices", None)]);
        let mut manifest = manifest(&["shop", "billing"]);
        manifest
            .hosts
            .named
            .insert("billing".to_string(), "https://proxy.test/billing".to_string());
        manifest.specs[0].host = Some("legacy".to_string());
        manifest.operations.insert(
            "shop.list".to_string(),
            OperationOverride { host: Some("billing".to_string()), ..Default::default() },
        );
        let plan = plan(&manifest, &[("shop", &shop), ("billing", &billing)]);
        let billing_host = plan.named().iter().find(|h| h.name == "billing").unwrap();
        assert_eq!(billing_host.url.as_deref(), Some("https://proxy.test/billing"));
        let legacy = plan.named().iter().find(|h| h.name == "legacy").unwrap();
        assert_eq!(legacy.url, None, "a name nothing derives: its variable is required");
        assert_eq!(plan.host_of(0, 0, None), Some("legacy"), "the spec's override");
        assert_eq!(plan.host_of(0, 1, None), Some("files"), "an operation's own server still wins");
        assert_eq!(plan.host_of(0, 0, Some("billing")), Some("billing"));
    }

    #[test]
    fn region_and_sandbox_hosts_are_the_default_host() {
        let na = api("https://sellingpartnerapi-na.amazon.com", &[("a", None)]);
        let eu = api("https://sellingpartnerapi-eu.amazon.com", &[("b", None)]);
        let sandbox = api("https://sandbox.sellingpartnerapi-na.amazon.com", &[("c", None)]);
        let mut manifest = manifest(&["na", "eu", "sandbox"]);
        manifest
            .hosts
            .regions
            .insert("eu".to_string(), "https://sellingpartnerapi-eu.amazon.com".to_string());
        manifest.hosts.sandbox.insert(
            "na".to_string(),
            "https://sandbox.sellingpartnerapi-na.amazon.com".to_string(),
        );
        let plan = plan(&manifest, &[("na", &na), ("eu", &eu), ("sandbox", &sandbox)]);
        assert!(plan.named().is_empty(), "{:?}", plan.named());
    }

    #[test]
    fn a_relative_root_server_takes_the_operations_servers() {
        let kube = api(
            "//kubernetes.local",
            &[("a", Some("https://kubernetes.local")), ("b", Some("https://kubernetes.local"))],
        );
        assert_eq!(spec_url(&kube).as_deref(), Some("https://kubernetes.local"));
        let plan = plan(&manifest(&["kube"]), &[("kube", &kube)]);
        assert!(plan.named().is_empty());
    }

    #[test]
    fn names_say_what_tells_a_host_apart() {
        let api = Some("https://api.stripe.com");
        assert_eq!(name_from_url("https://files.stripe.com", api), "files");
        assert_eq!(
            name_from_url("https://uploads.github.com", Some("https://api.github.com")),
            "uploads"
        );
        assert_eq!(
            name_from_url("https://api.linode.com/v4beta", Some("https://api.linode.com/v4")),
            "v4beta"
        );
        assert_eq!(
            name_from_url("https://your-hrp-server.com", Some("https://dev.ndhm.gov.in/gateway")),
            "your_hrp_server"
        );
        assert_eq!(
            name_from_url("http://localhost:8080", Some("http://1password.local")),
            "localhost"
        );
        assert_eq!(name_from_url("http://127.0.0.1:9/x", None), "n127_0_0");
        assert_eq!(name_from_url("https://api.x.com", Some("https://api.x.com")), "host");
    }

    #[test]
    fn long_names_are_cut_at_a_word() {
        assert_eq!(
            bounded("a_very_long_host_name_that_goes_on_and_on"),
            "a_very_long_host_name_that_goes"
        );
        assert_eq!(bounded("short"), "short");
    }
}
