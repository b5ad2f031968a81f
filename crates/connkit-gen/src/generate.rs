//! From specs and a manifest to every file of the connector, in the guideline's order.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use connkit_spec::model::Api;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::cargo_toml::{RuntimeSource, cargo_toml};
use crate::docs::{agents_md, env_example, merge_skill, skill_md};
use crate::docs_text::{doc_attrs, doc_text, inner_doc_attrs};
use crate::emit::{
    Context, base_file, client_file, config_file, format_file, gateway_file, lib_file,
    services_files,
};
use crate::hosts::HostPlan;
use crate::ir::{OperationFacts, SpecInput, SpecIr, build_spec};
use crate::maintain::api::read_public_api;
use crate::maintain::docs::render_skill_part;
use crate::manifest::{Manifest, Tier};
use crate::naming::SystemName;
use crate::rustfmt::{FormatOutcome, RUSTFMT_TOML, format_crate};
use crate::types::{ModelFeatures, TypeSpace};
use crate::{GenerateError, GeneratedFile};

/// The cargo feature that compiles the models no operation uses (on by default; off with
/// `default-features = false` unless picked).
pub const ALL_MODELS_FEATURE: &str = "all-models";

/// One spec to generate from.
#[derive(Debug, Clone)]
pub struct SpecSource<'a> {
    /// Its stem (`ordersV0`), as in the manifest.
    pub stem: String,
    /// The normalised API.
    pub api: &'a Api,
    /// Facts per operation (ids, entities, pagination, rate limits), same order as
    /// `api.operations`.
    pub facts: Vec<OperationFacts>,
}

/// Options that do not belong in the manifest.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// The connkit version written into headers.
    pub connkit_version: String,
    /// Where the runtime comes from.
    pub runtime: RuntimeSource,
    /// Whether the crate gets its own `[workspace]`.
    pub own_workspace: bool,
    /// The workspace's `CONNECTOR_AGENTS.md` (AGENTS.md's template); `None` for the built-in
    /// one ([`crate::docs::DEFAULT_CONNECTOR_AGENTS`]).
    pub agents_template: Option<String>,
}

/// Counts per spec, for reports and the closing note of issue 4.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecStats {
    /// The spec's stem.
    pub stem: String,
    /// Operations emitted.
    pub operations_emitted: usize,
    /// Operations declared.
    pub operations_total: usize,
    /// Named model types.
    pub named_types: usize,
    /// Types that fell back to a free-form JSON value.
    pub fallback_types: usize,
}

/// A generated connector.
#[derive(Debug, Clone)]
pub struct GeneratedConnector {
    /// Every file, relative to the connector directory, in the order they are written.
    pub files: Vec<GeneratedFile>,
    /// Counts per spec.
    pub stats: Vec<SpecStats>,
    /// The operation IR the files were emitted from, one per spec: what tools built on the
    /// generator (harnesses that call every operation, reports) read instead of re-deriving
    /// names.
    pub specs: Vec<SpecIr>,
    /// The hosts besides the default one, and what each serves.
    pub hosts: Vec<crate::hosts::NamedHost>,
    /// How the Rust files were formatted (rustfmt, or prettyplease when rustfmt could not
    /// run).
    pub formatting: FormatOutcome,
}

impl GeneratedConnector {
    /// Total lines of generated Rust.
    pub fn rust_lines(&self) -> usize {
        self.files
            .iter()
            .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
            .map(GeneratedFile::lines)
            .sum()
    }
}

/// Generates every file of the connector.
///
/// # Errors
///
/// [`GenerateError::Internal`] for a generator bug (emitted code that does not parse).
pub fn generate(
    system: &SystemName,
    manifest: &Manifest,
    specs: &[SpecSource<'_>],
    options: &GenerateOptions,
) -> Result<GeneratedConnector, GenerateError> {
    let hosts = HostPlan::for_specs(manifest, specs);
    let (irs, spaces) = build_irs(manifest, specs, &hosts);
    let cx = Context {
        system,
        manifest,
        specs: &irs,
        hosts: hosts.named(),
        connkit_version: &options.connkit_version,
    };
    let stats = spec_stats(&irs, &spaces);
    let (model_files, unused_models) = model_files(&cx, spaces);
    let mut files = vec![GeneratedFile::new(
        "Cargo.toml",
        cargo_toml(&cx, &options.runtime, options.own_workspace, unused_models),
    )];
    files.push(GeneratedFile::new("src/config.rs", config_file(&cx)?));
    match manifest.tier {
        Tier::Full => {
            let client = client_file(&cx, TokenStream::new())?;
            files.push(GeneratedFile::new("src/client.rs", client));
            files.push(GeneratedFile::new("src/services/base.rs", base_file(&cx)?));
            let services = services_files(&cx)?;
            // mod.rs of the services first, then entity files: base.rs stays right after client.rs.
            files.extend(services);
            files.extend(full_models(&cx, model_files)?);
            files.push(GeneratedFile::new("src/gateway.rs", gateway_file(&cx)?));
        }
        Tier::Lite => {
            let models = lite_models(&cx, model_files)?;
            let client = client_file(&cx, models)?;
            files.push(GeneratedFile::new("src/client.rs", client));
        }
    }
    files.push(GeneratedFile::new("src/lib.rs", lib_file(&cx)?));
    let formatting = format_crate(&mut files);
    files.insert(1, GeneratedFile::new("rustfmt.toml", RUSTFMT_TOML));
    add_documents(&cx, options, &mut files)?;
    Ok(GeneratedConnector { files, stats, specs: irs, hosts: hosts.named().to_vec(), formatting })
}

/// The IR of every spec, with the types each one's operations use. A lite client holds every
/// spec's methods in one scope, so each spec's names avoid the earlier ones'.
fn build_irs(
    manifest: &Manifest,
    specs: &[SpecSource<'_>],
    hosts: &HostPlan,
) -> (Vec<SpecIr>, Vec<TypeSpace>) {
    let multi = specs.len() > 1;
    let mut irs: Vec<SpecIr> = Vec::new();
    let mut spaces: Vec<TypeSpace> = Vec::new();
    let modules = crate::naming::spec_modules(specs.iter().map(|s| s.stem.as_str()));
    let mut taken = crate::ir::TakenNames::default();
    let operations: usize = specs.iter().map(|s| s.api.operations.len()).sum();
    for (spec_index, (spec, module)) in specs.iter().zip(&modules).enumerate() {
        let probe = ProbeContext { tier: manifest.tier, multi };
        let mut types = TypeSpace::new(spec.api, &probe.models_path(module));
        if operations > crate::emit::TIDY_MAX_OPERATIONS {
            types.share_identical_enums();
        }
        let input = SpecInput {
            stem: &spec.stem,
            module,
            api: spec.api,
            facts: &spec.facts,
            manifest,
            multi_spec: multi,
            taken: &taken,
            hosts,
            spec_index,
        };
        let ir = build_spec(input, &mut types);
        if manifest.tier == Tier::Lite {
            taken.add(&ir);
        }
        irs.push(ir);
        spaces.push(types);
    }
    (irs, spaces)
}

/// What was generated of each spec.
fn spec_stats(irs: &[SpecIr], spaces: &[TypeSpace]) -> Vec<SpecStats> {
    irs.iter()
        .zip(spaces)
        .map(|(ir, types)| {
            let counts = types.stats();
            SpecStats {
                stem: ir.stem.clone(),
                operations_emitted: ir.operations().count().min(ir.declared_operations),
                operations_total: ir.declared_operations,
                named_types: counts.named,
                fallback_types: counts.json_fallbacks,
            }
        })
        .collect()
}

/// The model files of each spec (by spec module), and whether some model no operation uses
/// (which then needs the `all-models` feature).
fn model_files(
    cx: &Context<'_>,
    spaces: Vec<TypeSpace>,
) -> (Vec<(String, Vec<GeneratedFile>)>, bool) {
    // Models compile with the features of the operations that use them: each entity group's
    // (a connector with entity features), and `all-models` for those no operation uses.
    let model_features = ModelFeatures {
        per_user: if cx.group_features() {
            cx.specs
                .iter()
                .flat_map(|s| &s.entities)
                .map(|e| (e.group.clone(), e.group.clone()))
                .collect()
        } else {
            Default::default()
        },
        unused: ALL_MODELS_FEATURE.to_string(),
    };
    let mut unused_models = false;
    let model_files = cx
        .specs
        .iter()
        .zip(spaces)
        .map(|(ir, types)| {
            let (files, unused) = types.emit_gated(&model_features);
            unused_models |= unused;
            let files = files.into_iter().map(|f| GeneratedFile::new(f.path, f.contents)).collect();
            (ir.module.clone(), files)
        })
        .collect();
    (model_files, unused_models)
}

/// AGENTS.md, SKILL.md and `.env.example`, after the formatted Rust files they describe.
fn add_documents(
    cx: &Context<'_>,
    options: &GenerateOptions,
    files: &mut Vec<GeneratedFile>,
) -> Result<(), GenerateError> {
    let agents = agents_md(cx, options.agents_template.as_deref(), files)?;
    files.push(GeneratedFile::new("AGENTS.md", agents));
    // The generated part of SKILL.md is what `connkit docs` renders from the public API, so
    // that `connkit check` finds a fresh connector in step.
    let sources: Vec<(PathBuf, String)> = files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
        .map(|f| (f.path.clone(), f.contents.clone()))
        .collect();
    let part = render_skill_part(&read_public_api(&sources));
    let skill = merge_skill(&skill_md(cx)?, &part);
    files.push(GeneratedFile::new("SKILL.md", skill));
    files.push(GeneratedFile::new(".env.example", env_example(cx)?));
    Ok(())
}

/// The bits of the context needed before the IR exists.
struct ProbeContext {
    tier: Tier,
    multi: bool,
}

impl ProbeContext {
    fn models_path(&self, module: &str) -> String {
        let root = match self.tier {
            Tier::Full => "crate::models",
            Tier::Lite => "crate::client::models",
        };
        if self.multi { format!("{root}::{module}") } else { root.to_string() }
    }
}

/// Full tier: `src/models/...` (per spec under `src/models/{spec}/` when there are several).
fn full_models(
    cx: &Context<'_>,
    model_files: Vec<(String, Vec<GeneratedFile>)>,
) -> Result<Vec<GeneratedFile>, GenerateError> {
    let mut out = Vec::new();
    if !cx.multi() {
        for (_, files) in model_files {
            for file in files {
                out.push(tidy_model(
                    Path::new("src/models").join(&file.path),
                    file.contents,
                    cx.tidies(),
                ));
            }
        }
        return Ok(out);
    }
    let mut mods = Vec::new();
    for ((module, files), spec) in model_files.into_iter().zip(cx.specs) {
        let ident = format_ident!("{}", module);
        let gate = cx.feature_gate(spec);
        let doc =
            doc_attrs(&format!("Models of the `{}` spec ({}).", spec.stem, doc_text(&spec.title)));
        mods.push(quote!(#gate #doc pub mod #ident;));
        for file in files {
            out.push(tidy_model(
                Path::new("src/models").join(&module).join(&file.path),
                file.contents,
                cx.tidies(),
            ));
        }
    }
    let header =
        inner_doc_attrs(&cx.header("Typed request and response models, one module per spec."));
    let root = format_file("src/models/mod.rs", quote!(#header #(#mods)*))?;
    out.insert(0, GeneratedFile::new("src/models/mod.rs", root));
    Ok(out)
}

/// A models file at `path` with its paths shortened (see [`crate::tidy`]) when `tidies`;
/// kept as it is in the unexpected case that it does not parse.
fn tidy_model(path: PathBuf, contents: String, tidies: bool) -> GeneratedFile {
    if !tidies {
        return GeneratedFile::new(path, contents);
    }
    let scope = crate::tidy::ModuleScope::of_file(&path);
    let contents = crate::tidy::tidy_source(&contents, &scope).unwrap_or(contents);
    GeneratedFile::new(path, contents)
}

/// Lite tier: the models as an inline `pub mod models { ... }` of `client.rs`.
fn lite_models(
    cx: &Context<'_>,
    model_files: Vec<(String, Vec<GeneratedFile>)>,
) -> Result<TokenStream, GenerateError> {
    let mut per_spec = Vec::new();
    for ((module, files), spec) in model_files.into_iter().zip(cx.specs) {
        let by_path: BTreeMap<PathBuf, String> =
            files.into_iter().map(|f| (f.path, f.contents)).collect();
        let body = inline_module(&by_path, Path::new("mod.rs"), 0)?;
        if cx.multi() {
            let ident = format_ident!("{}", module);
            let gate = cx.feature_gate(spec);
            let doc = doc_attrs(&format!("Models of the `{}` spec.", spec.stem));
            per_spec.push(quote!(#gate #doc pub mod #ident { #body }));
        } else {
            per_spec.push(body);
        }
    }
    Ok(quote! {
        /// Typed request and response models.
        pub mod models {
            #(#per_spec)*
        }
    })
}

/// The items of the file at `path` with every `mod x;` replaced by its file's items.
fn inline_module(
    files: &BTreeMap<PathBuf, String>,
    path: &Path,
    depth: usize,
) -> Result<TokenStream, GenerateError> {
    let Some(text) = files.get(path) else {
        return Ok(TokenStream::new());
    };
    let parsed: syn::File = syn::parse_file(text).map_err(|err| GenerateError::Internal {
        file: path.display().to_string(),
        message: err.to_string(),
    })?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let is_mod_rs = path.file_name().is_some_and(|n| n == "mod.rs");
    let mut out = TokenStream::new();
    let inner = parsed.attrs.iter().filter(|a| !matches!(a.style, syn::AttrStyle::Outer));
    // The file's own doc goes on the enclosing module; keep it only below the top level.
    if depth > 0 {
        out.extend(quote!(#(#inner)*));
    }
    for item in parsed.items {
        match item {
            syn::Item::Mod(m) if m.content.is_none() && depth < 8 => {
                let name = m.ident.to_string();
                let base = if is_mod_rs {
                    dir.to_path_buf()
                } else {
                    dir.join(path.file_stem().unwrap_or_default())
                };
                let flat = base.join(format!("{name}.rs"));
                let nested = base.join(&name).join("mod.rs");
                let child = if files.contains_key(&flat) { flat } else { nested };
                let body = inline_module(files, &child, depth + 1)?;
                let (attrs, vis, ident) = (&m.attrs, &m.vis, &m.ident);
                out.extend(quote!(#(#attrs)* #vis mod #ident { #body }));
            }
            other => out.extend(quote!(#other)),
        }
    }
    Ok(out)
}
