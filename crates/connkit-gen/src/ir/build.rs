//! Builds the IR of one spec from its model, the operation facts and the manifest overrides.

use connkit_spec::model::{
    Api, BodyKind, MediaType, Operation, ParameterLocation, Response, SchemaKind, SchemaRef,
    StatusCode,
};
use indexmap::IndexMap;

use super::{
    BodyIr, BodyTyping, EntityIr, ErrorCase, ErrorIr, OperationFacts, OperationIr, PaginationIr,
    ParamIr, ParamShape, SpecIr, SuccessIr,
};
use crate::contract::{
    OperationContract, OperationPlace, binary_schema, caller_parameters, error_answers,
    form_encodings, is_binary, pick_media, success_answer,
};
use crate::manifest::{Manifest, Tier};
use crate::naming::{UniqueNames, camel_ident, const_ident, snake_ident};
use crate::types::{TypeRef, TypeRefKind, TypeSpace};

/// What building one spec's IR needs.
#[derive(Debug, Clone, Copy)]
pub struct SpecInput<'a> {
    /// The spec's stem (`ordersV0`).
    pub stem: &'a str,
    /// The spec's module and feature name, from [`crate::naming::spec_modules`].
    pub module: &'a str,
    /// The normalised API.
    pub api: &'a Api,
    /// The facts of each operation, same order as `api.operations`.
    pub facts: &'a [OperationFacts],
    /// The manifest (overrides).
    pub manifest: &'a Manifest,
    /// Whether the connector has several specs (ids are then qualified by the stem).
    pub multi_spec: bool,
    /// Names earlier specs of a lite connector took: a lite client holds every method,
    /// descriptor constant and parameter type of every spec in one file. Empty for the full
    /// tier.
    pub taken: &'a TakenNames,
    /// Which host each operation goes to.
    pub hosts: &'a crate::hosts::HostPlan,
    /// The spec's index in the manifest (for [`crate::hosts::HostPlan::host_of`]).
    pub spec_index: usize,
}

/// Names taken in the scope a lite client shares between its specs.
#[derive(Debug, Clone, Default)]
pub struct TakenNames {
    /// Method names (operations, their twins and request builders).
    pub methods: Vec<String>,
    /// Descriptor constants.
    pub consts: Vec<String>,
    /// Operation type stems (`GetOrders` → `GetOrdersParams`, `GetOrdersError`).
    pub type_stems: Vec<String>,
}

impl TakenNames {
    /// Adds the names `spec` took.
    pub fn add(&mut self, spec: &SpecIr) {
        self.methods.extend(spec.method_names());
        for op in spec.operations() {
            self.consts.push(op.const_name.clone());
            self.type_stems.push(op.type_stem.clone());
        }
    }
}

/// Method names a service already uses.
const RESERVED_METHODS: [&str; 4] = ["new", "client", "clone", "fmt"];
/// Methods the lite client has besides the operations.
const LITE_CLIENT_METHODS: [&str; 3] = ["from_env", "from_http", "http"];
/// Argument names generated methods use themselves.
const RESERVED_ARGS: [&str; 5] = ["self", "params", "body", "request", "response"];

/// Builds the IR of one spec, collecting its types into `types`.
pub fn build_spec(input: SpecInput<'_>, types: &mut TypeSpace) -> SpecIr {
    let api = input.api;
    let mut scopes = Scopes::new(input.taken);
    let mut entities: IndexMap<String, EntityIr> = IndexMap::new();
    for (op_index, (operation, facts)) in api.operations.iter().zip(input.facts).enumerate() {
        let place = OperationPlace {
            stem: input.stem,
            spec_index: input.spec_index,
            operation_index: op_index,
            multi_spec: input.multi_spec,
        };
        let contract = OperationContract::resolve(input.manifest, input.hosts, place, facts);
        let entity_name = contract.entity.clone();
        let entity = entities
            .entry(entity_name.clone())
            .or_insert_with(|| scopes.entity(&input, &entity_name));
        // The models this operation's types lead to are needed by the entity's group.
        types.use_for(&entity.group);
        let type_stem = scopes.type_stems.claim(&camel_ident(&facts.id));
        let const_name = scopes.consts.claim(&const_ident(&facts.id));
        let methods = scopes.methods(&input, entity_name);
        let rust_name = methods.claim(&snake_ident(&facts.id));
        let mut ir = OperationIr {
            id: facts.id.clone(),
            // A `_stream` twin exists for paginated and download operations; keep its name free.
            stream_method: methods.claim(&twin_name(&rust_name, "stream")),
            rust_name,
            const_name,
            type_stem,
            qualified_id: contract.qualified_id.clone(),
            method: operation.method,
            path: operation.path.clone(),
            summary: operation.summary.clone(),
            description: operation.description.clone(),
            deprecated: operation.deprecated,
            required: Vec::new(),
            optional: Vec::new(),
            body: None,
            success: SuccessIr::Empty,
            success_typing: None,
            error: ErrorIr::Untyped,
            response_headers: Vec::new(),
            pagination: None,
            pagination_dropped: None,
            rate_limit: contract.rate_limit,
            idempotency_header: facts.idempotency_header.clone(),
            request_method: String::new(),
            accept: None,
            host: contract.host.clone(),
        };
        add_parameters(&mut ir, operation, input.manifest, types);
        ir.body = body_of(&ir.type_stem, api, operation, types);
        let success = add_answers(&mut ir, api, operation, types);
        add_pagination(&mut ir, methods, PagingInput { api, contract, success }, types);
        ir.request_method = methods.claim(&twin_name(&ir.rust_name, "request"));
        entity.operations.push(ir);
    }
    SpecIr {
        stem: input.stem.to_string(),
        module: input.module.to_string(),
        title: api.title.clone(),
        version: api.version.clone(),
        description: api.description.clone(),
        entities: entities.into_values().collect(),
        declared_operations: api.operations.len(),
    }
}

/// The scopes the names of one spec's items are unique in.
struct Scopes {
    /// Operation type stems (`GetOrders`), shared with earlier specs of a lite connector.
    type_stems: UniqueNames,
    /// Descriptor constants, shared likewise.
    consts: UniqueNames,
    /// Entity modules beside `services/base.rs` and `mod.rs`.
    entity_modules: UniqueNames,
    /// Service structs.
    services: UniqueNames,
    /// The gateway's (single spec) or per-spec services struct's accessors, beside the
    /// methods those structs have already.
    accessors: UniqueNames,
    /// Method names per service (full) or of the one client (lite, key `""`).
    methods: IndexMap<String, UniqueNames>,
}

impl Scopes {
    fn new(taken: &TakenNames) -> Self {
        Scopes {
            type_stems: UniqueNames::with_reserved(taken.type_stems.iter().map(String::as_str)),
            consts: UniqueNames::with_reserved(taken.consts.iter().map(String::as_str)),
            entity_modules: UniqueNames::with_reserved(["base", "mod"]),
            services: UniqueNames::new(),
            accessors: UniqueNames::with_reserved(["new", "from_env", "client", "clone", "fmt"]),
            methods: IndexMap::new(),
        }
    }

    /// A new entity named `name`, with its module, service and accessor names claimed.
    fn entity(&mut self, input: &SpecInput<'_>, name: &str) -> EntityIr {
        let snake = crate::naming::short_module_name(&snake_ident(name), false);
        // `services::orders_v0::orders_v0` would trip `clippy::module_inception`.
        let wanted =
            if input.multi_spec && snake == input.module { format!("{snake}_ops") } else { snake };
        let module = self.entity_modules.claim(&wanted);
        let service = self.services.claim(&format!("{}Service", camel_ident(name)));
        let description = input
            .api
            .tags
            .iter()
            .find(|tag| tag.name == name)
            .and_then(|tag| tag.description.clone())
            .filter(|text| !text.trim().is_empty());
        let accessor = if module.ends_with("_ops") { snake_ident(name) } else { module.clone() };
        EntityIr {
            name: name.to_string(),
            accessor: self.accessors.claim(&accessor),
            module,
            service,
            description,
            group: crate::naming::entity_group(name),
            operations: Vec::new(),
        }
    }

    /// The method names of the type an operation of `entity` becomes a method of. Full: one
    /// service per entity. Lite: one client for everything, beside its own methods.
    fn methods(&mut self, input: &SpecInput<'_>, entity: String) -> &mut UniqueNames {
        let lite = input.manifest.tier == Tier::Lite;
        let scope = if lite { String::new() } else { entity };
        self.methods.entry(scope).or_insert_with(|| {
            let own = if lite { LITE_CLIENT_METHODS.as_slice() } else { &[] };
            UniqueNames::with_reserved(
                RESERVED_METHODS
                    .iter()
                    .chain(own)
                    .copied()
                    .chain(input.taken.methods.iter().map(String::as_str)),
            )
        })
    }
}

/// Sets the operation's success answer (with its `Accept`), its error and its documented
/// response headers; returns the success response the answer was read from.
fn add_answers<'a>(
    ir: &mut OperationIr,
    api: &Api,
    operation: &'a Operation,
    types: &mut TypeSpace,
) -> Option<&'a Response> {
    let success = success_answer(operation);
    let (success_ir, typing) = success_of(&ir.type_stem, api, success, types);
    ir.success_typing = typing;
    ir.success = match success_ir {
        // A success without content beside the JSON one, or a 204/205 (which HTTP never
        // gives a body, whatever schema the spec puts on it).
        SuccessIr::Json(ty)
            if operation.success_responses().any(|r| {
                r.content.is_empty() || matches!(r.status, StatusCode::Code(204 | 205))
            }) =>
        {
            SuccessIr::MaybeJson(ty)
        }
        other => other,
    };
    if matches!(ir.success, SuccessIr::Json(_) | SuccessIr::MaybeJson(_)) {
        ir.accept = success.and_then(|r| accept_of(api, r));
    }
    ir.error = error_of(&ir.type_stem, api, operation, types);
    ir.response_headers = operation
        .success_responses()
        .flat_map(|r| r.headers.iter())
        .map(|h| (h.name.clone(), h.description.clone()))
        .fold(Vec::new(), |mut acc, header: (String, Option<String>)| {
            if !acc.iter().any(|(name, _)| name.eq_ignore_ascii_case(&header.0)) {
                acc.push(header);
            }
            acc
        });
    success
}

/// What deciding an operation's pagination reads.
struct PagingInput<'a> {
    api: &'a Api,
    /// The operation's effective pagination (the manifest's merged into the analysis').
    contract: OperationContract,
    /// The success response the operation's answer is read from.
    success: Option<&'a Response>,
}

/// Sets the operation's pagination, or why it has none though it pages; claims the `_pages`
/// twin's name.
fn add_pagination(
    ir: &mut OperationIr,
    methods: &mut UniqueNames,
    input: PagingInput<'_>,
    types: &mut TypeSpace,
) {
    let PagingInput { api, contract, success } = input;
    let json_success = matches!(ir.success, SuccessIr::Json(_) | SuccessIr::MaybeJson(_));
    match (contract.pagination, success) {
        (Some(pagination), Some(response)) if json_success => {
            let items_path = pagination.items_path.as_deref();
            let (item, item_untyped) =
                match item_type(&ir.type_stem, api, response, items_path, types) {
                    Ok(item) => (item, None),
                    Err(why) => (TypeRef::json_value(), Some(why)),
                };
            let pages_method = methods.claim(&twin_name(&ir.rust_name, "pages"));
            let guessed = contract.pagination_guess;
            ir.pagination =
                Some(PaginationIr { pagination, item, pages_method, guessed, item_untyped });
        }
        (Some(_), _) => {
            ir.pagination_dropped = Some(
                "it pages, but its success answer is not JSON, so the runtime cannot read \
                 the items of a page"
                    .to_string(),
            );
        }
        (None, _) => ir.pagination_dropped = contract.pagination_dropped,
    }
}

fn add_parameters(
    ir: &mut OperationIr,
    operation: &Operation,
    manifest: &Manifest,
    types: &mut TypeSpace,
) {
    let mut names = UniqueNames::with_reserved(RESERVED_ARGS);
    let ordered = caller_parameters(&manifest.auth, operation);
    for param in ordered {
        let hint = format!("{}{}", ir.type_stem, camel_ident(&param.name));
        let type_ref = types.type_for(&param.schema, &hint);
        let shape = param_shape(&type_ref);
        let p = ParamIr {
            wire_name: param.name.clone(),
            rust_name: names.claim(&snake_ident(&param.name)),
            location: param.location,
            ty: type_ref,
            description: param.description.clone(),
            style: param.style,
            explode: param.explode,
            shape,
            deprecated: param.deprecated,
        };
        if param.required || param.location == ParameterLocation::Path {
            ir.required.push(p);
        } else {
            ir.optional.push(p);
        }
    }
}

/// Whether a parameter's type is a list, an object or a scalar.
fn param_shape(type_ref: &crate::types::TypeRef) -> ParamShape {
    match &type_ref.kind {
        TypeRefKind::List(_) => ParamShape::List,
        TypeRefKind::Optional(inner) => param_shape(inner),
        TypeRefKind::Map(_) | TypeRefKind::Model | TypeRefKind::Json => ParamShape::Object,
        _ => ParamShape::Scalar,
    }
}

/// The name of a method beside an operation's (`list_stream`, `get_request`): a keyword's
/// escape (`match_`) is dropped first, so `match` gets `match_request`, not `match__request`.
fn twin_name(rust_name: &str, suffix: &str) -> String {
    let stem = rust_name.strip_prefix("r#").unwrap_or(rust_name);
    let stem = stem.trim_end_matches('_');
    if stem.is_empty() { suffix.to_string() } else { format!("{stem}_{suffix}") }
}

fn body_of(stem: &str, api: &Api, operation: &Operation, types: &mut TypeSpace) -> Option<BodyIr> {
    let body = operation.request_body.as_ref()?;
    let (media, kind) = pick_media(api, &body.content)?;
    let hint = format!("{stem}Body");
    Some(match kind {
        BodyKind::Json | BodyKind::JsonLines => BodyIr::Json {
            ty: types.type_for(media.schema.as_ref().unwrap_or(&SchemaRef::any()), &hint),
            required: body.required,
            content_type: media.content_type.clone(),
        },
        // A form whose schema names no fields (a bare string, as converters of Swagger 2
        // `formData` sometimes leave it): the caller passes the encoded form itself.
        BodyKind::Form if !names_fields(api, media.schema.as_ref()) => {
            BodyIr::Bytes { content_type: media.content_type.clone() }
        }
        BodyKind::Form => BodyIr::Form {
            ty: types.type_for(media.schema.as_ref().unwrap_or(&SchemaRef::any()), &hint),
            required: body.required,
            encodings: form_encodings(media),
        },
        BodyKind::Multipart => BodyIr::Multipart { parts: multipart_parts(media) },
        _ => BodyIr::Bytes { content_type: media.content_type.clone() },
    })
}

fn multipart_parts(media: &MediaType) -> Vec<(String, bool, Option<String>)> {
    let Some(SchemaRef::Inline(schema)) = media.schema.as_ref() else {
        return Vec::new();
    };
    let SchemaKind::Object { properties, .. } = &schema.kind else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| {
            let (is_file, description) = match property {
                SchemaRef::Inline(s) => (is_binary(s), s.description.clone()),
                SchemaRef::Ref(_) => (false, None),
            };
            (name.clone(), is_file, description)
        })
        .collect()
}

/// The `Accept` a request sends for a JSON success: the chosen media type when the answer
/// is documented in several (the server picks by `Accept`, and without one may well pick
/// text or an image), `application/json` for a wildcard; `None` for a single concrete one.
fn accept_of(api: &Api, response: &Response) -> Option<String> {
    let (media, _) = pick_media(api, &response.content)?;
    let essence = media.content_type.split(';').next().unwrap_or("").trim();
    if essence.contains('*') {
        Some("application/json".to_string())
    } else if response.content.len() > 1 {
        Some(essence.to_string())
    } else {
        None
    }
}

/// What a success returns, and for a JSON body how faithfully it is typed.
fn success_of(
    stem: &str,
    api: &Api,
    response: Option<&Response>,
    types: &mut TypeSpace,
) -> (SuccessIr, Option<BodyTyping>) {
    let Some((media, kind)) = response.and_then(|r| pick_media(api, &r.content)) else {
        return (SuccessIr::Empty, None);
    };
    match kind {
        BodyKind::Json => match &media.schema {
            Some(schema) if !binary_schema(api, schema) => {
                let ty = types.type_for(schema, &format!("{stem}Response"));
                let typing = if !ty.is_json() {
                    BodyTyping::Typed
                } else if declared_free_form(api, schema, 0) {
                    BodyTyping::FreeForm
                } else {
                    BodyTyping::Degraded(format!(
                        "the {} response's schema has no Rust shape here; it is returned as \
                         a JSON value",
                        response.map_or_else(|| "success".to_string(), |r| r.status.to_string())
                    ))
                };
                (SuccessIr::Json(ty), Some(typing))
            }
            Some(_) => (SuccessIr::Bytes, None),
            None => (SuccessIr::Json(TypeRef::json_value()), Some(BodyTyping::FreeForm)),
        },
        BodyKind::EventStream | BodyKind::JsonLines => (SuccessIr::Stream, None),
        BodyKind::Text => (SuccessIr::Text, None),
        _ => (SuccessIr::Bytes, None),
    }
}

/// Whether a schema declares no shape: anything (`{}`, no type), `null`, an object without
/// properties whose other properties are free, or a single-part `allOf` of such a schema.
fn declared_free_form(api: &Api, schema: &SchemaRef, depth: usize) -> bool {
    let Some(resolved) = api.resolve(schema) else { return false };
    match &resolved.kind {
        SchemaKind::Any | SchemaKind::Null => true,
        SchemaKind::Object { properties, additional_properties, .. } => {
            properties.is_empty()
                && !matches!(additional_properties, connkit_spec::AdditionalProperties::Schema(_))
        }
        SchemaKind::AllOf { parts } if depth < 16 => {
            parts.iter().all(|part| declared_free_form(api, part, depth + 1))
        }
        _ => false,
    }
}

/// Whether a form body's schema gives it named fields (an object, a composition, anything):
/// not a string, number, boolean or array, which no form encoding can give names.
fn names_fields(api: &Api, schema: Option<&SchemaRef>) -> bool {
    let Some(schema) = schema.and_then(|s| api.resolve(s)) else { return true };
    !matches!(
        schema.kind,
        SchemaKind::String { .. }
            | SchemaKind::Integer { .. }
            | SchemaKind::Number
            | SchemaKind::Boolean
            | SchemaKind::Array { .. }
    )
}

fn error_of(stem: &str, api: &Api, operation: &Operation, types: &mut TypeSpace) -> ErrorIr {
    let documented = error_answers(api, operation);
    let Some((_, first)) = documented.first() else {
        return ErrorIr::Untyped;
    };
    if let Some(name) = first.ref_name()
        && documented.iter().all(|(_, s)| s.ref_name() == Some(name))
    {
        // Only a type generated in this crate can implement the runtime's trait; an alias
        // (`ErrorList = Vec<Error>`) gets an enum of its own instead.
        let envelope = types.type_for(first, &format!("{stem}Error"));
        if matches!(envelope.kind, TypeRefKind::Model) {
            return ErrorIr::Envelope(envelope);
        }
    }
    let mut variants = UniqueNames::new();
    let cases = documented
        .into_iter()
        .map(|(response, schema)| {
            let (status, class, variant) = match response.status {
                StatusCode::Code(code) => (Some(code), None, format!("Status{code}")),
                StatusCode::Range(class) => (None, Some(class), format!("Class{class}xx")),
                StatusCode::Default => (None, None, "Default".to_string()),
            };
            let variant = variants.claim(&variant);
            let hint = format!("{stem}{variant}");
            ErrorCase {
                status,
                class,
                ty: types.type_for(schema, &hint),
                variant,
                description: response.description.clone(),
            }
        })
        .collect();
    ErrorIr::PerStatus(cases)
}

/// The type of one item of a paginated list: the array at `items_path` in the success
/// schema (the JSON value when the answer has no schema).
///
/// # Errors
///
/// Why the items cannot be typed though the answer has a schema (the path leads nowhere, or
/// not to an array): the operation keeps its streams of JSON values, and the reason is
/// reported with the degraded operations.
fn item_type(
    stem: &str,
    api: &Api,
    response: &Response,
    items_path: Option<&str>,
    types: &mut TypeSpace,
) -> Result<TypeRef, String> {
    let Some(schema) = response.json_schema(api) else {
        return Ok(TypeRef::json_value());
    };
    let shown = items_path.filter(|p| !p.is_empty()).unwrap_or("the answer itself");
    let mut current = schema;
    let segments: Vec<&str> = items_path
        .map(|p| p.trim_start_matches('/').split(['.', '/']).filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    for segment in segments {
        current = property(api, current, segment, 0).ok_or_else(|| {
            format!(
                "the items are JSON values: the answer's schema has no `{segment}` on the items \
                 path `{shown}`"
            )
        })?;
    }
    match api.resolve(current).map(|s| &s.kind) {
        Some(SchemaKind::Array { items }) => Ok(types.type_for(items, &format!("{stem}Item"))),
        // A schema that allows anything says nothing about the items.
        Some(SchemaKind::Any) | None => Ok(TypeRef::json_value()),
        Some(_) => Err(format!(
            "the items are JSON values: the answer's schema at the items path `{shown}` is not \
             an array"
        )),
    }
}

/// The schema of property `name` of an object schema (looking into `allOf` parts).
fn property<'a>(
    api: &'a Api,
    schema: &'a SchemaRef,
    name: &str,
    depth: usize,
) -> Option<&'a SchemaRef> {
    if depth > 16 {
        return None;
    }
    match &api.resolve(schema)?.kind {
        SchemaKind::Object { properties, .. } => properties.get(name),
        SchemaKind::AllOf { parts } => parts.iter().find_map(|p| property(api, p, name, depth + 1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::{is_transport_header, path_params_in_template};

    #[test]
    fn headers_http_writes_are_not_parameters() {
        assert!(is_transport_header("Content-Length") && is_transport_header("host"));
        assert!(!is_transport_header("Content-Type") && !is_transport_header("x-ms-version"));
    }

    /// The `Accept` of each success of a small spec, by operation id.
    fn accepts(content: &[(&str, &str)]) -> Vec<Option<String>> {
        content
            .iter()
            .map(|(id, media)| {
                let spec = format!(
                    r#"{{"openapi":"3.0.3","info":{{"title":"t","version":"1"}},"paths":{{"/x":{{"get":{{
                    "operationId":"{id}","responses":{{"200":{{"description":"ok","content":{media}}}}}}}}}}}}}"#
                );
                let loaded = connkit_spec::load_str("t.json", &spec).expect("the spec loads");
                let operation = &loaded.api.operations[0];
                let response = operation.success_responses().next().expect("a success");
                accept_of(&loaded.api, response)
            })
            .collect()
    }

    #[test]
    fn negotiated_json_answers_are_asked_for() {
        let object = r#"{"schema":{"type":"object","properties":{"a":{"type":"string"}}}}"#;
        let text = r#"{"schema":{"type":"string"}}"#;
        let several = format!(r#"{{"text/plain":{text},"application/json":{object}}}"#);
        let image = r#"{"schema":{"type":"string","format":"binary"}}"#;
        let hal = format!(r#"{{"application/hal+json":{object},"image/*":{image}}}"#);
        let wildcard = format!(r#"{{"*/*":{object}}}"#);
        let single = format!(r#"{{"application/json; charset=utf-8":{object}}}"#);
        assert_eq!(
            accepts(&[("a", &several), ("b", &hal), ("c", &wildcard), ("d", &single)]),
            [
                Some("application/json".to_string()),
                Some("application/hal+json".to_string()),
                Some("application/json".to_string()),
                None
            ]
        );
    }

    /// The body of a one-operation spec whose request body has `content`.
    fn body_for(content: &str) -> Option<BodyIr> {
        let spec = format!(
            r#"{{"openapi":"3.0.3","info":{{"title":"t","version":"1"}},"paths":{{"/x":{{"post":{{
            "operationId":"x","requestBody":{{"content":{content}}},
            "responses":{{"204":{{"description":"done"}}}}}}}}}},
            "components":{{"schemas":{{"Pair":{{"type":"object","properties":{{"q":{{"type":"string"}}}}}}}}}}}}"#
        );
        let loaded = connkit_spec::load_str("t.json", &spec).expect("the spec loads");
        let mut types = TypeSpace::new(&loaded.api, "crate::models");
        body_of("X", &loaded.api, &loaded.api.operations[0], &mut types)
    }

    #[test]
    fn a_form_whose_schema_names_no_fields_is_sent_as_given() {
        let form = "application/x-www-form-urlencoded";
        for schema in [r#"{"type":"string"}"#, r#"{"type":"array","items":{"type":"string"}}"#] {
            match body_for(&format!(r#"{{"{form}":{{"schema":{schema}}}}}"#)) {
                Some(BodyIr::Bytes { content_type }) => assert_eq!(content_type, form),
                other => panic!("{schema}: {other:?}"),
            }
        }
        for schema in [r##"{"$ref":"#/components/schemas/Pair"}"##, r#"{"type":"object"}"#] {
            let body = body_for(&format!(r#"{{"{form}":{{"schema":{schema}}}}}"#));
            assert!(matches!(body, Some(BodyIr::Form { .. })), "{schema}: {body:?}");
        }
        let body = body_for(&format!(r#"{{"{form}":{{}}}}"#));
        assert!(matches!(body, Some(BodyIr::Form { .. })), "no schema: {body:?}");
    }

    #[test]
    fn methods_beside_a_keyword_operation_have_one_underscore() {
        assert_eq!(twin_name("match_", "request"), "match_request");
        assert_eq!(twin_name("r#type", "stream"), "type_stream");
        assert_eq!(twin_name("list_items", "pages"), "list_items_pages");
    }

    #[test]
    fn path_params_come_in_template_order() {
        assert_eq!(path_params_in_template("/a/{b}/c/{d}"), ["b", "d"]);
        assert!(path_params_in_template("/a/{b").is_empty());
    }
}
