//! Normalisation: a [`DocumentSet`] of any supported version into one [`Api`].
//!
//! `context` holds the shared state and `$ref` following, `schema_names` the named schemas,
//! `schema` the shape of each schema, `paths` the
//! operations, `v2` and `v3` what differs between Swagger 2 and OpenAPI 3, `security` the
//! security schemes and requirements.

mod context;
mod paths;
mod schema;
mod schema_names;
mod security;
mod v2;
mod v3;

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::load::{DocumentSet, LoadError, Target};
use crate::model::{Api, ExternalDocs, SpecVersion, Tag};
use context::{Ctx, extensions, str_field, string_field};

/// Normalises the documents of one spec. Only a root that is not an OpenAPI document at all
/// is an error; every other problem becomes a diagnostic.
pub(crate) fn normalize(docs: &DocumentSet) -> Result<(Api, Vec<Diagnostic>), LoadError> {
    let root_doc = docs.root();
    let not_openapi = |message: &str| LoadError::NotOpenApi {
        file: root_doc.name.clone(),
        message: message.to_string(),
    };
    let root = root_doc
        .value
        .as_object()
        .ok_or_else(|| not_openapi("the document must be an object with `openapi` or `swagger`"))?;
    let (spec_version, declared_version) = detect_version(root).map_err(|m| not_openapi(&m))?;
    let mut ctx = Ctx::new(docs, spec_version);
    let at = Target { doc: 0, pointer: String::new() };
    if declared_version.starts_with("3.2") {
        ctx.warning(
            DiagnosticKind::Unsupported,
            &at.child("openapi"),
            format!("OpenAPI {declared_version} is read as 3.1; newer features are ignored"),
        );
    }

    let info = read_info(&mut ctx, root, &at);
    register_named_schemas(&mut ctx, spec_version, &at);

    let servers = match spec_version {
        SpecVersion::Swagger2 => v2::servers(&mut ctx, root, &at),
        _ => v3::servers(&mut ctx, root, &at),
    };
    let security_schemes = security::schemes(&mut ctx, root, &at);
    let security = security::requirements(&mut ctx, root, &at).unwrap_or_default();
    let tags = tags(&mut ctx, root, &at);
    let operations = paths::operations(&mut ctx, root, &at);
    warn_about_webhooks(&mut ctx, root, &at);
    ctx.drain_schema_queue();

    let mut extensions = extensions(root);
    extensions.extend(context::extensions(info.map));
    let external_docs = root.get("externalDocs").and_then(Value::as_object).and_then(|docs| {
        Some(ExternalDocs {
            url: string_field(docs, "url")?,
            description: string_field(docs, "description"),
        })
    });
    let api = Api {
        source: root_doc.name.clone(),
        title: info.title,
        version: info.version,
        spec_version,
        declared_version,
        description: info.description,
        servers,
        operations,
        schemas: std::mem::take(&mut ctx.schemas),
        security_schemes,
        security,
        tags,
        external_docs,
        extensions,
    };
    Ok((api, ctx.diagnostics))
}

/// The `info` object's fields (empty, with a warning, when there is none).
struct Info<'v> {
    map: &'v Map<String, Value>,
    title: String,
    version: String,
    description: Option<String>,
}

static EMPTY_INFO: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

fn read_info<'v>(ctx: &mut Ctx<'_>, root: &'v Map<String, Value>, at: &Target) -> Info<'v> {
    let info = ctx.object_field(root, at, "info");
    if info.is_none() {
        ctx.warning(
            DiagnosticKind::MissingField,
            &at.child("info"),
            "no `info` object; title and version are empty",
        );
    }
    let map: &'v Map<String, Value> = match info {
        Some(map) => map,
        None => &EMPTY_INFO,
    };
    Info {
        map,
        title: string_field(map, "title").unwrap_or_default(),
        version: string_field(map, "version").unwrap_or_default(),
        description: string_field(map, "description"),
    }
}

/// Named schemas first, so references anywhere resolve to their names.
fn register_named_schemas(ctx: &mut Ctx<'_>, spec_version: SpecVersion, at: &Target) {
    let (container, key) = match spec_version {
        SpecVersion::Swagger2 => (at.clone(), "definitions"),
        _ => (at.child("components"), "schemas"),
    };
    if let Some(holder) = ctx.value(&container).and_then(Value::as_object)
        && let Some(map) = ctx.object_field(holder, &container, key)
    {
        ctx.register_named_schemas(&container.child(key), map);
    }
}

/// Webhooks are requests the API sends: a connector has nothing to call; said once.
fn warn_about_webhooks(ctx: &mut Ctx<'_>, root: &Map<String, Value>, at: &Target) {
    if let Some(webhooks) = root.get("webhooks").and_then(Value::as_object)
        && !webhooks.is_empty()
    {
        ctx.warning(
            DiagnosticKind::Unsupported,
            &at.child("webhooks"),
            format!(
                "{} webhooks are not supported (they are requests the API sends); ignored",
                webhooks.len()
            ),
        );
    }
}

fn detect_version(root: &Map<String, Value>) -> Result<(SpecVersion, String), String> {
    let declared = |key: &str| match root.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    if let Some(version) = declared("openapi") {
        return if version.starts_with("3.0") {
            Ok((SpecVersion::OpenApi30, version))
        } else if version.starts_with("3.1") || version.starts_with("3.2") {
            Ok((SpecVersion::OpenApi31, version))
        } else {
            Err(format!("`openapi: {version}` is not supported (use 3.0.x or 3.1.x)"))
        };
    }
    if let Some(version) = declared("swagger") {
        return if version == "2.0" || version == "2" {
            Ok((SpecVersion::Swagger2, version))
        } else {
            Err(format!("`swagger: {version}` is not supported (only 2.0)"))
        };
    }
    Err("neither `openapi` nor `swagger` is declared at the top level".to_string())
}

fn tags<'a>(ctx: &mut Ctx<'a>, root: &'a Map<String, Value>, at: &Target) -> Vec<Tag> {
    let Some(items) = ctx.array_field(root, at, "tags") else { return Vec::new() };
    let mut tags = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        match item.as_object().and_then(|tag| Some((str_field(tag, "name")?, tag))) {
            Some((name, tag)) => tags.push(Tag {
                name: name.to_string(),
                description: string_field(tag, "description"),
            }),
            None => ctx.error(
                DiagnosticKind::InvalidStructure,
                &at.child("tags").index(index),
                "a tag must be an object with a `name`; it is ignored",
            ),
        }
    }
    tags
}
