//! The rules that read Rust code: hard-coded URLs and credentials, auth and backoff outside
//! the client layer, and the environment read outside the settings type. One `syn` visitor
//! walks each file; doc comments and test-only items are skipped.
//!
//! The rules look at what code does, never at what it is called: a path counts when it
//! resolves (through the file's `use` items) to the runtime's auth, retry or settings
//! modules, to an OAuth2 or backoff crate, to a sleep of the standard library or an async
//! runtime, or to the environment; items of the connector itself (`crate::services::auth`,
//! a gateway accessor `auth()`, an operation `retry`) are not auth or backoff. Method calls
//! count by the API they belong to: `bearer_auth`/`basic_auth` of an HTTP request builder and
//! `expose` of a secret are synchronous, so an awaited call of that name is an operation.

use std::collections::{BTreeMap, BTreeSet};

use syn::visit::{self, Visit};

use crate::maintain::source::{is_test_only, item_attrs, line, segments};
use crate::maintain::{Layer, Rule};

/// A finding inside one file before it gets its path: rule, line, message, hint.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct CodeFinding {
    pub(crate) line: usize,
    pub(crate) rule: Rule,
    pub(crate) message: String,
    pub(crate) hint: String,
}

/// Runs the code rules on one parsed file of `layer`.
pub(crate) fn check_code(file: &syn::File, layer: Layer) -> Vec<CodeFinding> {
    let mut visitor =
        CodeVisitor { layer, found: BTreeSet::new(), scope: Scope::of(file), awaited: None };
    visitor.visit_file(file);
    let mut found: Vec<CodeFinding> = visitor.found.into_iter().collect();
    // One finding per rule and line: the first reason is enough to act on.
    found.dedup_by(|a, b| a.line == b.line && a.rule == b.rule);
    found
}

struct CodeVisitor {
    layer: Layer,
    found: BTreeSet<CodeFinding>,
    scope: Scope,
    /// The method call being awaited right now (an async operation, never a builder's or a
    /// secret's synchronous method).
    awaited: Option<*const syn::ExprMethodCall>,
}

/// Methods of HTTP request builders and secrets that set auth or reveal a credential, with
/// their number of arguments.
const AUTH_METHODS: [(&str, usize); 4] =
    [("bearer_auth", 1), ("basic_auth", 2), ("expose", 0), ("expose_secret", 0)];
const HEADER_METHODS: [&str; 5] = ["header", "insert", "append", "try_insert", "header_static"];
/// Functions that pause the caller.
const SLEEP_NAMES: [&str; 4] = ["sleep", "sleep_until", "delay_for", "delay_until"];
/// Crates whose only job is retrying or backing off.
const BACKOFF_CRATES: [&str; 9] = [
    "backon",
    "backoff",
    "tokio_retry",
    "tokio_retry2",
    "retry",
    "again",
    "exponential_backoff",
    "tryhard",
    "reqwest_retry",
];
/// Crates that request or hold OAuth2 tokens.
const AUTH_CRATES: [&str; 3] = ["oauth2", "openidconnect", "yup_oauth2"];
/// Auth strategies of the runtime, re-exported or not.
const AUTH_TYPES: [&str; 8] = [
    "ClientCredentials",
    "RefreshToken",
    "OAuth2",
    "Oauth2",
    "ApiKey",
    "Bearer",
    "Basic",
    "TokenCache",
];
const ENV_FUNCTIONS: [&str; 6] = ["var", "var_os", "vars", "vars_os", "set_var", "remove_var"];
/// Form fields of an OAuth2 token request (RFC 6749 §4.4 and §6).
const TOKEN_REQUEST_FIELDS: [&str; 1] = ["grant_type"];

/// What the names of one file stand for: its `use` items (name → full path) and the items it
/// defines itself.
#[derive(Debug, Default)]
struct Scope {
    imports: BTreeMap<String, Vec<String>>,
    globs: Vec<Vec<String>>,
    local: BTreeSet<String>,
}

impl Scope {
    fn of(file: &syn::File) -> Scope {
        let mut scope = Scope::default();
        scope.collect(&file.items);
        scope
    }

    fn collect(&mut self, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Use(u) => {
                    let mut paths = Vec::new();
                    flatten_use(&u.tree, &mut Vec::new(), &mut paths);
                    for (segs, _, alias) in paths {
                        match alias {
                            Some(name) if name == "*" => self.globs.push(segs),
                            Some(name) => {
                                self.imports.insert(name, segs);
                            }
                            None => {}
                        }
                    }
                }
                syn::Item::Mod(m) => {
                    self.local.insert(m.ident.to_string());
                    if let Some((_, items)) = &m.content {
                        self.collect(items);
                    }
                }
                other => {
                    if let Some(name) = item_name(other) {
                        self.local.insert(name);
                    }
                }
            }
        }
    }

    /// The full path `segs` stands for, when it names something outside the connector (a
    /// crate's item); `None` for the connector's own items and for names the file does not
    /// resolve (locals, the prelude).
    fn external(&self, segs: &[String], leading_colon: bool) -> Vec<Vec<String>> {
        let Some(first) = segs.first() else { return Vec::new() };
        if leading_colon {
            return vec![segs.to_vec()];
        }
        if matches!(first.as_str(), "crate" | "self" | "super" | "Self") {
            return Vec::new();
        }
        if let Some(full) = self.imports.get(first) {
            let mut path = full.clone();
            path.extend_from_slice(&segs[1..]);
            let external =
                full.first().is_some_and(|s| !matches!(s.as_str(), "crate" | "self" | "super"));
            return if external { vec![path] } else { Vec::new() };
        }
        if self.local.contains(first) {
            return Vec::new();
        }
        if segs.len() > 1 {
            return vec![segs.to_vec()];
        }
        // A bare name may come from a glob import.
        self.globs
            .iter()
            .filter(|g| {
                g.first().is_some_and(|s| !matches!(s.as_str(), "crate" | "self" | "super"))
            })
            .map(|g| g.iter().chain(segs).cloned().collect())
            .collect()
    }
}

fn item_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Const(i) => &i.ident,
        syn::Item::Enum(i) => &i.ident,
        syn::Item::Fn(i) => &i.sig.ident,
        syn::Item::Static(i) => &i.ident,
        syn::Item::Struct(i) => &i.ident,
        syn::Item::Trait(i) => &i.ident,
        syn::Item::Type(i) => &i.ident,
        syn::Item::Union(i) => &i.ident,
        syn::Item::Macro(i) => i.ident.as_ref()?,
        _ => return None,
    };
    Some(ident.to_string())
}

impl CodeVisitor {
    fn push(&mut self, rule: Rule, line: usize, message: String, hint: &str) {
        self.found.insert(CodeFinding { line, rule, message, hint: hint.to_string() });
    }

    fn outside_client(&self) -> bool {
        matches!(self.layer, Layer::Services | Layer::Gateway)
    }

    fn outside_settings(&self) -> bool {
        self.layer != Layer::Settings
    }

    fn auth(&mut self, line: usize, what: String) {
        if self.outside_client() {
            self.push(
                Rule::AuthOutsideClient,
                line,
                what,
                "auth belongs in the client layer (client.rs): configure it on the HttpClient builder from the settings",
            );
        }
    }

    fn backoff(&mut self, line: usize, what: String) {
        if self.outside_client() {
            self.push(
                Rule::BackoffOutsideClient,
                line,
                what,
                "retries, backoff and pacing belong in the client layer: the runtime retries and rate-limits every call (tune them in client.rs or with the settings)",
            );
        }
    }

    fn env(&mut self, line: usize, what: String) {
        if self.outside_settings() {
            self.push(
                Rule::EnvOutsideSettings,
                line,
                what,
                "read configuration only in the settings type (config.rs): add a field there and pass the settings in",
            );
        }
    }

    fn literal(&mut self, text: &str, line: usize, bound_to: Option<&str>) {
        if !self.outside_settings() {
            return;
        }
        if looks_like_url(text) {
            self.push(
                Rule::HardcodedUrl,
                line,
                format!("hard-coded URL `{}`", shorten(text)),
                "move it into the settings (config.rs) as a default that `{PREFIX}_BASE_URL` or another setting can override",
            );
        } else if looks_like_known_token(text)
            || bound_to.is_some_and(|name| secret_name(name) && looks_secret(text))
        {
            self.push(
                Rule::HardcodedCredential,
                line,
                format!("credential-looking literal `{}`", redact(text)),
                "never hard-code credentials: read them from the settings (a secret field in config.rs, set in .env)",
            );
        }
    }

    fn bound_literal(&mut self, name: &str, expr: &syn::Expr) {
        if let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }) = strip(expr) {
            self.literal(&text.value(), line(text.span()), Some(name));
        }
    }

    /// The rules on a path of the code, resolved through the file's imports.
    fn check_path(&mut self, segs: &[String], leading_colon: bool, at: usize) {
        for full in self.scope.external(segs, leading_colon) {
            self.check_external(&full, at);
        }
    }

    /// The rules on the full path of an item outside the connector.
    fn check_external(&mut self, full: &[String], at: usize) {
        let joined = full.join("::");
        let Some(krate) = full.first().map(String::as_str) else { return };
        let last = full.last().map(String::as_str).unwrap_or_default();
        let runtime = krate == "connkit";
        if SLEEP_NAMES.contains(&last) && full.len() > 1 {
            self.backoff(at, format!("`{joined}` pauses outside the client layer"));
        }
        if BACKOFF_CRATES.contains(&krate) || (runtime && full.get(1).is_some_and(|s| s == "retry"))
        {
            self.backoff(at, format!("`{joined}`: retry or backoff outside the client layer"));
        }
        let runtime_auth = runtime
            && (full.get(1).is_some_and(|s| s == "auth")
                || full.iter().any(|s| AUTH_TYPES.contains(&s.as_str())));
        if runtime_auth || AUTH_CRATES.contains(&krate) {
            self.auth(at, format!("`{joined}`: an auth strategy outside the client layer"));
        }
        if last == "AUTHORIZATION" || last == "PROXY_AUTHORIZATION" {
            self.auth(
                at,
                format!("`{joined}`: the Authorization header set outside the client layer"),
            );
        }
        let env_call = matches!(krate, "std" | "core")
            && full.windows(2).any(|w| w[0] == "env" && ENV_FUNCTIONS.contains(&w[1].as_str()));
        let dotenv = krate == "dotenvy" || krate == "dotenv";
        let env_source = runtime && last == "EnvSource";
        if env_call || dotenv || env_source {
            self.env(at, format!("`{joined}` reads the environment outside the settings type"));
        }
    }
}

impl<'ast> Visit<'ast> for CodeVisitor {
    fn visit_attribute(&mut self, _attr: &'ast syn::Attribute) {
        // Doc comments and attributes may mention URLs and headers freely.
    }

    fn visit_item(&mut self, item: &'ast syn::Item) {
        if is_test_only(item_attrs(item)) {
            return;
        }
        visit::visit_item(self, item);
    }

    fn visit_impl_item_fn(&mut self, item: &'ast syn::ImplItemFn) {
        if is_test_only(&item.attrs) {
            return;
        }
        visit::visit_impl_item_fn(self, item);
    }

    fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
        self.bound_literal(&item.ident.to_string(), &item.expr);
        visit::visit_item_const(self, item);
    }

    fn visit_item_static(&mut self, item: &'ast syn::ItemStatic) {
        self.bound_literal(&item.ident.to_string(), &item.expr);
        visit::visit_item_static(self, item);
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let (syn::Pat::Ident(pat), Some(init)) = (&local.pat, &local.init) {
            self.bound_literal(&pat.ident.to_string(), &init.expr);
        }
        visit::visit_local(self, local);
    }

    fn visit_field_value(&mut self, field: &'ast syn::FieldValue) {
        if let syn::Member::Named(name) = &field.member {
            self.bound_literal(&name.to_string(), &field.expr);
        }
        visit::visit_field_value(self, field);
    }

    fn visit_expr_assign(&mut self, assign: &'ast syn::ExprAssign) {
        let name = match strip(&assign.left) {
            syn::Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            syn::Expr::Field(f) => match &f.member {
                syn::Member::Named(n) => Some(n.to_string()),
                syn::Member::Unnamed(_) => None,
            },
            _ => None,
        };
        if let Some(name) = name {
            self.bound_literal(&name, &assign.right);
        }
        visit::visit_expr_assign(self, assign);
    }

    fn visit_lit_str(&mut self, lit: &'ast syn::LitStr) {
        self.literal(&lit.value(), line(lit.span()), None);
    }

    fn visit_expr_await(&mut self, expr: &'ast syn::ExprAwait) {
        if let syn::Expr::MethodCall(call) = strip(&expr.base) {
            self.awaited = Some(std::ptr::from_ref(call));
        }
        visit::visit_expr_await(self, expr);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let name = call.method.to_string();
        let at = line(call.method.span());
        // An awaited call is an async operation, not a builder's or a secret's method.
        let awaited = self.awaited == Some(std::ptr::from_ref(call));
        if !awaited
            && AUTH_METHODS.iter().any(|(method, args)| *method == name && call.args.len() == *args)
        {
            let what = match name.as_str() {
                "expose" | "expose_secret" => {
                    format!("`.{name}()` exposes a secret outside the client layer")
                }
                _ => format!("`.{name}(..)` sets auth outside the client layer"),
            };
            self.auth(at, what);
        }
        if !awaited
            && HEADER_METHODS.contains(&name.as_str())
            && let Some(first) = call.args.first()
        {
            match strip(first) {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. })
                    if auth_header(&text.value()) =>
                {
                    self.auth(
                        at,
                        format!(
                            "`.{name}(\"{}\", ..)` sets an auth header outside the client layer",
                            text.value()
                        ),
                    );
                }
                _ => {}
            }
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_tuple(&mut self, tuple: &'ast syn::ExprTuple) {
        // `("grant_type", "client_credentials")`: the form of a token request.
        if let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(key), .. })) =
            tuple.elems.first().map(strip)
            && TOKEN_REQUEST_FIELDS.contains(&key.value().as_str())
        {
            self.auth(
                line(key.span()),
                format!("`(\"{}\", ..)`: a token request outside the client layer", key.value()),
            );
        }
        visit::visit_expr_tuple(self, tuple);
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segs = segments(path);
        let at = path.segments.first().map(|s| line(s.ident.span())).unwrap_or(1);
        self.check_path(&segs, path.leading_colon.is_some(), at);
        visit::visit_path(self, path);
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let mut paths = Vec::new();
        flatten_use(&item.tree, &mut Vec::new(), &mut paths);
        for (segs, at, _) in paths {
            // A use item names full paths already.
            if segs.first().is_some_and(|s| !matches!(s.as_str(), "crate" | "self" | "super")) {
                self.check_external(&segs, at);
            }
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        let at = mac.path.segments.first().map(|s| line(s.ident.span())).unwrap_or(1);
        if name == "env" || name == "option_env" {
            let var = mac.parse_body::<syn::LitStr>().map(|l| l.value()).unwrap_or_default();
            if !var.starts_with("CARGO_") {
                self.env(
                    at,
                    format!(
                        "`{name}!(\"{var}\")` reads the build environment outside the settings type"
                    ),
                );
            }
            return;
        }
        visit::visit_macro(self, mac);
        let parser = syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
        if let Ok(args) = mac.parse_body_with(parser) {
            for arg in &args {
                self.visit_expr(arg);
            }
        }
    }
}

/// Every path of a use tree: (full path, line, the name it brings into scope — `*` for a
/// glob, `None` for `self` imports of nothing).
fn flatten_use(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, usize, Option<String>)>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            flatten_use(&p.tree, prefix, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                let alias = prefix.last().cloned();
                out.push((prefix.clone(), line(n.ident.span()), alias));
            } else {
                let mut segs = prefix.clone();
                segs.push(name.clone());
                out.push((segs, line(n.ident.span()), Some(name)));
            }
        }
        syn::UseTree::Rename(r) => {
            let mut segs = prefix.clone();
            if r.ident != "self" {
                segs.push(r.ident.to_string());
            }
            out.push((segs, line(r.ident.span()), Some(r.rename.to_string())));
        }
        syn::UseTree::Glob(g) => {
            out.push((prefix.clone(), line(g.star_token.span), Some("*".to_string())));
        }
        syn::UseTree::Group(g) => {
            for tree in &g.items {
                flatten_use(tree, prefix, out);
            }
        }
    }
}

fn strip(expr: &syn::Expr) -> &syn::Expr {
    match expr {
        syn::Expr::Paren(p) => strip(&p.expr),
        syn::Expr::Group(g) => strip(&g.expr),
        syn::Expr::Reference(r) => strip(&r.expr),
        syn::Expr::MethodCall(m)
            if m.args.is_empty()
                && (m.method == "to_string" || m.method == "into" || m.method == "to_owned") =>
        {
            strip(&m.receiver)
        }
        other => other,
    }
}

/// `scheme://...` with a scheme of letters (http, https, wss, ...).
pub(crate) fn looks_like_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.trim().split_once("://") else { return false };
    !scheme.is_empty()
        && scheme.len() <= 10
        && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !rest.is_empty()
}

/// Formats of well-known tokens and keys.
fn looks_like_known_token(text: &str) -> bool {
    let t = text.trim();
    let prefixed = [
        "sk-",
        "sk_live_",
        "sk_test_",
        "rk_live_",
        "ghp_",
        "gho_",
        "github_pat_",
        "xoxb-",
        "xoxp-",
        "glpat-",
        "AIza",
        "Atza|",
        "Atzr|",
    ]
    .iter()
    .any(|p| t.starts_with(p) && t.len() >= p.len() + 12 && !t.contains(' '));
    let aws = t.len() == 20
        && t.starts_with("AKIA")
        && t.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let jwt = t.starts_with("eyJ") && t.matches('.').count() == 2 && t.len() > 30;
    let header = ["Bearer ", "Basic ", "token "]
        .iter()
        .any(|p| t.starts_with(p) && t.len() > p.len() + 8 && !t[p.len()..].contains(' '));
    prefixed || aws || jwt || header
}

/// A name that says it holds a secret (`api_key`, `CLIENT_SECRET`, `password`, `token`).
fn secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let hits = ["key", "secret", "password", "passwd", "token", "credential", "auth"]
        .iter()
        .any(|w| lower.contains(w));
    let harmless =
        ["header", "name", "url", "param", "field", "path", "env", "var", "prefix", "kind", "type"]
            .iter()
            .any(|w| lower.ends_with(w));
    hits && !harmless
}

/// A value that could be a secret: no spaces, long enough, and not a plain word or header
/// name (it mixes cases, or has digits or symbols).
fn looks_secret(text: &str) -> bool {
    let t = text.trim();
    if t.len() < 8 || t.contains(char::is_whitespace) || t.contains("://") {
        return false;
    }
    let plain = t.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c == '_' || c == '.');
    let upper_word = t.chars().all(|c| c.is_ascii_uppercase() || c == '_');
    !plain && !upper_word
}

fn auth_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "authorization"
        || lower == "proxy-authorization"
        || lower.contains("token")
        || lower.contains("api-key")
        || lower.contains("apikey")
        || lower.contains("api_key")
        || lower.contains("secret")
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text.to_string()
    }
}

fn redact(text: &str) -> String {
    let head: String = text.chars().take(4).collect();
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(code: &str, layer: Layer) -> Vec<(Rule, usize)> {
        let file = syn::parse_file(code).unwrap();
        check_code(&file, layer).into_iter().map(|f| (f.rule, f.line)).collect()
    }

    #[test]
    fn urls_are_flagged_with_their_line_but_not_in_docs_or_settings() {
        let code = "/// See https://docs.example.com\nfn a() {\n    let u = \"https://api.example.com/v1\";\n}\n";
        assert_eq!(rules(code, Layer::Services), vec![(Rule::HardcodedUrl, 3)]);
        assert!(rules(code, Layer::Settings).is_empty());
    }

    #[test]
    fn credentials_by_format_and_by_name() {
        let code = "const API_KEY: &str = \"Zx81kQpL22\";\nconst TOKEN_HEADER: &str = \"x-amz-access-token\";\nfn f() { call(\"ghp_0123456789abcdefghij\"); }\n";
        assert_eq!(
            rules(code, Layer::Client),
            vec![(Rule::HardcodedCredential, 1), (Rule::HardcodedCredential, 3)]
        );
    }

    #[test]
    fn auth_and_backoff_only_outside_the_client() {
        let code = "async fn f(s: &Settings) {\n    let r = req.header(\"Authorization\", s.token.expose());\n    tokio::time::sleep(d).await;\n}\n";
        assert_eq!(
            rules(code, Layer::Services),
            vec![(Rule::AuthOutsideClient, 2), (Rule::BackoffOutsideClient, 3)]
        );
        assert!(rules(code, Layer::Client).is_empty());
    }

    #[test]
    fn environment_outside_settings_including_macros_and_uses() {
        let code = "use dotenvy::dotenv;\nfn f() {\n    let v = format!(\"{}\", std::env::var(\"X\").unwrap());\n    let w = env!(\"CARGO_PKG_VERSION\");\n}\n";
        assert_eq!(
            rules(code, Layer::Gateway),
            vec![(Rule::EnvOutsideSettings, 1), (Rule::EnvOutsideSettings, 3)]
        );
        assert!(rules(code, Layer::Settings).is_empty());
    }

    #[test]
    fn the_connectors_own_items_are_not_auth_or_backoff_whatever_their_names() {
        // An API with entities `auth`, `retry` and `env`, operations `sleep`, `expose` and
        // `bearer_auth`, and a descriptor constant `AUTHORIZATION`.
        let code = "use crate::services::auth::AuthService;\nuse crate::services::retry;\nmod env { pub fn var() {} }\nstatic AUTHORIZATION: connkit::Operation = make();\nimpl Gateway {\n    pub fn auth(&self) -> crate::services::auth::AuthService {\n        crate::services::auth::AuthService::new(self.client.clone())\n    }\n    pub async fn f(&self) {\n        self.devices().sleep(&id).await;\n        self.ports().expose().await;\n        self.tokens().bearer_auth(&body).await;\n        self.jobs().retry(&id).await;\n        self.http().request(&AUTHORIZATION);\n        env::var();\n        let _ = retry::RetryService::new(c);\n    }\n}\n";
        assert!(rules(code, Layer::Gateway).is_empty(), "{:?}", rules(code, Layer::Gateway));
        assert!(rules(code, Layer::Services).is_empty());
    }

    #[test]
    fn runtime_and_crate_items_count_through_imports_renames_and_globs() {
        let code = "use connkit::auth::Bearer as B;\nuse tokio::time::*;\nuse std::env;\nuse reqwest::header::AUTHORIZATION;\nfn f() {\n    let s = B::new(t);\n    sleep(d);\n    env::var(\"X\");\n    req.header(AUTHORIZATION, v);\n    let form = [(\"grant_type\", \"client_credentials\")];\n    let r = connkit::retry::RetryPolicy::default();\n}\n";
        assert_eq!(
            rules(code, Layer::Services),
            vec![
                (Rule::AuthOutsideClient, 1),
                (Rule::AuthOutsideClient, 4),
                (Rule::AuthOutsideClient, 6),
                (Rule::BackoffOutsideClient, 7),
                (Rule::EnvOutsideSettings, 8),
                (Rule::AuthOutsideClient, 9),
                (Rule::AuthOutsideClient, 10),
                (Rule::BackoffOutsideClient, 11),
            ]
        );
    }

    #[test]
    fn test_modules_are_skipped() {
        let code = "#[cfg(test)]\nmod tests {\n    fn f() { let u = \"http://127.0.0.1:1\"; std::thread::sleep(d); }\n}\n";
        assert!(rules(code, Layer::Services).is_empty());
    }
}
