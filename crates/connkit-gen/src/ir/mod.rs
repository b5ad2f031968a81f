//! The operation IR: every operation of every spec as the method it will become.
//!
//! The IR sits between the spec model and the emitted code (STYLE.md §8): Rust names beside
//! wire names, typed parameters, the body and response kinds, the typed error, pagination,
//! the rate limit and the host. Emitters only read it; every naming decision is made here,
//! once, so the emitted files agree with each other.

mod build;
mod facts;
mod from_analysis;
mod split;

use connkit_spec::model::{HttpMethod, ParameterLocation, ParameterStyle};

use crate::manifest::{Pagination, RateLimit};
use crate::types::TypeRef;

pub use build::{SpecInput, TakenNames, build_spec};
pub use facts::OperationFacts;
pub use from_analysis::{auth_from_analysis, auth_of_kind, facts_for_spec, pagination, rate_limit};
pub use split::{ServicePart, split_service};

/// One spec of the connector with its operations, grouped by entity.
#[derive(Debug, Clone)]
pub struct SpecIr {
    /// The spec's stem (`ordersV0`).
    pub stem: String,
    /// The Rust module and cargo feature name of the spec (`orders_v0`).
    pub module: String,
    /// The spec's title.
    pub title: String,
    /// The API's version.
    pub version: String,
    /// The spec's description.
    pub description: Option<String>,
    /// The entities, in order of first appearance, each with its operations in spec order.
    pub entities: Vec<EntityIr>,
    /// Operations emitted of operations declared.
    pub declared_operations: usize,
}

impl SpecIr {
    /// The gateway's method giving this spec's services in a multi-spec connector: the module
    /// name, or `{module}_api` where that is a method the gateway has already.
    /// (The module names avoid the gateway's own methods, see [`crate::naming::spec_modules`].)
    pub fn gateway_accessor(&self) -> String {
        self.module.clone()
    }

    /// Every method name the spec's operations take (the method, its twins, the request
    /// builder).
    pub fn method_names(&self) -> Vec<String> {
        self.operations()
            .flat_map(|op| {
                [
                    Some(op.rust_name.clone()),
                    Some(op.stream_method.clone()),
                    Some(op.request_method.clone()),
                ]
                .into_iter()
                .chain([op.pagination.as_ref().map(|p| p.pages_method.clone())])
                .flatten()
            })
            .collect()
    }

    /// Every operation, entity by entity.
    pub fn operations(&self) -> impl Iterator<Item = &OperationIr> {
        self.entities.iter().flat_map(|entity| entity.operations.iter())
    }
}

/// One entity: a services file (or folder when split) and its service type.
#[derive(Debug, Clone)]
pub struct EntityIr {
    /// The entity's name as found (tag or path segment).
    pub name: String,
    /// The module name (`orders`).
    pub module: String,
    /// The service type (`OrdersService`).
    pub service: String,
    /// The accessor method on the gateway (`orders`).
    pub accessor: String,
    /// What the entity is, from the tag's description.
    pub description: Option<String>,
    /// The entity's group ([`crate::naming::entity_group`]): its cargo feature in a connector
    /// with `entity_features`.
    pub group: String,
    /// The operations.
    pub operations: Vec<OperationIr>,
}

/// One operation, as the method it becomes.
#[derive(Debug, Clone)]
pub struct OperationIr {
    /// The operation id, unique within its spec (`getOrders`).
    pub id: String,
    /// The id the runtime knows it by (`ordersV0.getOrders` in a multi-spec connector).
    pub qualified_id: String,
    /// The method name (`get_orders`), unique within its service.
    pub rust_name: String,
    /// The descriptor constant (`GET_ORDERS`).
    pub const_name: String,
    /// The stem of the operation's own type names (`GetOrders` → `GetOrdersParams`).
    pub type_stem: String,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path template (`/orders/v0/orders/{orderId}`).
    pub path: String,
    /// One-line summary.
    pub summary: Option<String>,
    /// Long description.
    pub description: Option<String>,
    /// Whether the spec marks it deprecated.
    pub deprecated: bool,
    /// Required parameters (positional arguments), path ones first in template order.
    pub required: Vec<ParamIr>,
    /// Optional parameters (fields of the params struct).
    pub optional: Vec<ParamIr>,
    /// The request body.
    pub body: Option<BodyIr>,
    /// What a success returns.
    pub success: SuccessIr,
    /// How faithfully a JSON success body is typed; `None` when the success is not JSON.
    pub success_typing: Option<BodyTyping>,
    /// The typed error.
    pub error: ErrorIr,
    /// Documented response headers of the success responses (name, description).
    pub response_headers: Vec<(String, Option<String>)>,
    /// How the operation pages, with the item type.
    pub pagination: Option<PaginationIr>,
    /// Why the operation gets no item and page streams although the spec documents how it
    /// pages (the runtime cannot follow it), if so: a degradation to report, never silent.
    pub pagination_dropped: Option<String>,
    /// The operation's rate limit.
    pub rate_limit: Option<RateLimit>,
    /// The header carrying an idempotency key, when the operation declares one.
    pub idempotency_header: Option<String>,
    /// The public method building the request (`get_orders_request`), which the operation's
    /// methods send and a hand-written method may reuse.
    pub request_method: String,
    /// The name of the stream twin (`get_orders_stream`: items of a paginated operation, or
    /// the body of a download), unique within its service.
    pub stream_method: String,
    /// The named host the operation is served from (`None`: the default host).
    pub host: Option<String>,
    /// The `Accept` the request sends: the media type of the JSON success when the answer is
    /// documented in several (a server or mock picks among them by `Accept`) or as a wildcard
    /// (`*/*`: `application/json` is asked for). `None`: no negotiation needed.
    pub accept: Option<String>,
}

/// The most arguments a method takes, `self` included (clippy's `too_many_arguments`).
pub const MAX_ARGUMENTS: usize = 7;

impl OperationIr {
    /// The name of the params struct, when the operation has optional parameters.
    pub fn params_type(&self) -> Option<String> {
        (!self.optional.is_empty()).then(|| format!("{}Params", self.type_stem))
    }

    /// The name of the struct of required parameters, when passing them one by one would
    /// make more than [`MAX_ARGUMENTS`] arguments (Azure's subscription, resource group,
    /// account, ... path parameters).
    pub fn args_type(&self) -> Option<String> {
        let count = 1
            + self.required.len()
            + usize::from(self.params_type().is_some())
            + usize::from(self.body.is_some());
        (count > MAX_ARGUMENTS).then(|| format!("{}Args", self.type_stem))
    }
}

/// A path, query or header parameter.
#[derive(Debug, Clone)]
pub struct ParamIr {
    /// The name on the wire (`MarketplaceIds`).
    pub wire_name: String,
    /// The Rust name (`marketplace_ids`).
    pub rust_name: String,
    /// Where it goes.
    pub location: ParameterLocation,
    /// Its Rust type (without `Option` for optional ones), with what kind of type it is.
    pub ty: TypeRef,
    /// What it means.
    pub description: Option<String>,
    /// How the value is written (`style`, defaults applied).
    pub style: ParameterStyle,
    /// Whether arrays and objects are exploded.
    pub explode: bool,
    /// Whether the value is an array, an object or a scalar.
    pub shape: ParamShape,
    /// Whether the spec marks it deprecated.
    pub deprecated: bool,
}

/// What a parameter's value is, which decides whether its style matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamShape {
    /// A string, number, boolean or string enum.
    Scalar,
    /// An array.
    List,
    /// An object (a model, a map, free-form JSON).
    Object,
}

/// A request body.
#[derive(Debug, Clone)]
pub enum BodyIr {
    /// A JSON body of this type.
    Json {
        /// The type.
        ty: TypeRef,
        /// Whether it must be sent.
        required: bool,
        /// The declared content type.
        content_type: String,
    },
    /// A form-encoded body of this type.
    Form {
        /// The type.
        ty: TypeRef,
        /// Whether it must be sent.
        required: bool,
        /// Properties the spec's `encoding` writes in another style than the default, e.g.
        /// `expand` as `deepObject` ([`crate::contract::form_encodings`]).
        encodings: Vec<(String, crate::contract::WireStyle)>,
    },
    /// A multipart body built with the runtime's `Multipart`.
    Multipart {
        /// The documented parts: (name, is a file, description).
        parts: Vec<(String, bool, Option<String>)>,
    },
    /// Raw bytes (binary uploads) or text, with the declared content type.
    Bytes {
        /// The declared content type.
        content_type: String,
    },
}

/// What a successful call returns.
#[derive(Debug, Clone)]
pub enum SuccessIr {
    /// A JSON body decoded into this type.
    Json(TypeRef),
    /// A JSON body of this type or none: the operation also documents a success without
    /// content (`204` beside a `200` with a body), so the method returns an `Option`.
    MaybeJson(TypeRef),
    /// A body returned as bytes (downloads), with a streaming twin method.
    Bytes,
    /// A text body.
    Text,
    /// A `text/event-stream` or JSON-lines body, returned as a byte stream.
    Stream,
    /// No body.
    Empty,
}

/// How a JSON success body's Rust type relates to the schema the spec declares for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyTyping {
    /// A type the schema determines: a model, list, map or primitive.
    Typed,
    /// A free-form JSON value because the spec declares no shape (no schema, `{}`, an
    /// object without properties): faithful, by declaration.
    FreeForm,
    /// A free-form JSON value although the spec declares a shape: the generator could not
    /// express it, or the schema was degraded while loading. The text says why.
    Degraded(String),
}

/// The typed error of an operation.
#[derive(Debug, Clone)]
pub enum ErrorIr {
    /// No error body documented: the JSON value.
    Untyped,
    /// Every documented error status has the same model (the API's error envelope).
    Envelope(TypeRef),
    /// Different bodies per status: an enum named `{TypeStem}Error`.
    PerStatus(Vec<ErrorCase>),
}

/// One documented error response.
#[derive(Debug, Clone)]
pub struct ErrorCase {
    /// The status code, or `None` for `default` (and ranges).
    pub status: Option<u16>,
    /// The class for ranges (`4` for `4XX`).
    pub class: Option<u8>,
    /// The variant name (`Status404`, `Default`).
    pub variant: String,
    /// The body type.
    pub ty: TypeRef,
    /// What the response means.
    pub description: Option<String>,
}

/// Pagination of an operation.
#[derive(Debug, Clone)]
pub struct PaginationIr {
    /// The runtime descriptor.
    pub pagination: Pagination,
    /// The item type of the items stream.
    pub item: TypeRef,
    /// The name of the page stream method (`get_orders_pages`), unique within its service.
    pub pages_method: String,
    /// Why the descriptor is a guess (read from a parameter name alone, not confirmed in
    /// `connector.toml`), if it is one.
    pub guessed: Option<String>,
    /// Why the items are JSON values though the answer's schema has a shape (the items path
    /// leads nowhere in it, or not to an array), if they are: reported with the degraded
    /// operations.
    pub item_untyped: Option<String>,
}
