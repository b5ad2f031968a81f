//! How a parameter goes on the wire: as plain text (a scalar, a comma-joined or repeated
//! list), or in a style the runtime writes (`label` and `matrix` paths, delimited and
//! `deepObject` queries, objects, lists in cookies). The generated request builders and
//! `connkit call` both follow it.

use connkit::ParamStyle;
use connkit_spec::model::{MediaType, Operation, Parameter, ParameterLocation, ParameterStyle};

use crate::ir::ParamShape;
use crate::manifest::AuthConfig;

/// The parameters a caller gives, in the generated method's order: path parameters in
/// template order, then the others as declared. The credential the client's auth sends is
/// not asked of the caller, nor are the headers HTTP itself writes from the request (a
/// `Content-Length` the caller set could only contradict the body).
pub fn caller_parameters<'a>(auth: &AuthConfig, operation: &'a Operation) -> Vec<&'a Parameter> {
    let is_credential = |p: &Parameter| {
        auth.is_credential(p.location, &p.name)
            || (p.location == ParameterLocation::Header && is_transport_header(&p.name))
    };
    let mut ordered: Vec<&Parameter> = Vec::new();
    for segment in path_params_in_template(&operation.path) {
        if let Some(p) = operation.parameter(&segment, ParameterLocation::Path) {
            ordered.push(p);
        }
    }
    ordered.extend(
        operation
            .parameters
            .iter()
            .filter(|p| p.location != ParameterLocation::Path && !is_credential(p)),
    );
    ordered
}

/// The order the request carries the caller's parameters in (what the query string and the
/// cookies show): the required ones (path parameters included) in [`caller_parameters`]'s
/// order, then the optional ones.
pub fn wire_order<'a>(auth: &AuthConfig, operation: &'a Operation) -> Vec<&'a Parameter> {
    let (required, optional): (Vec<&Parameter>, Vec<&Parameter>) =
        caller_parameters(auth, operation)
            .into_iter()
            .partition(|p| p.required || p.location == ParameterLocation::Path);
    required.into_iter().chain(optional).collect()
}

/// The properties of a form body that its `encoding` writes in another style than the
/// default (`form`, exploded), e.g. `expand` as `deepObject`, by name.
pub fn form_encodings(media: &MediaType) -> Vec<(String, WireStyle)> {
    media
        .encoding
        .iter()
        .filter(|e| !(e.style == ParameterStyle::Form && e.explode))
        .map(|e| (e.property.clone(), WireStyle::of(e.style, e.explode)))
        .collect()
}

/// Headers the HTTP client writes itself: the body's length and framing, the connection.
pub fn is_transport_header(name: &str) -> bool {
    ["content-length", "transfer-encoding", "host", "connection"]
        .iter()
        .any(|header| name.eq_ignore_ascii_case(header))
}

/// The `{name}` segments of a path template, in order.
pub fn path_params_in_template(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        out.push(after[..end].to_string());
        rest = &after[end + 1..];
    }
    out
}

/// How one parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamWriting {
    /// Its text forms as they are: a scalar, a list repeated (`form`, exploded, in a query) or
    /// comma-joined (anywhere else).
    Plain {
        /// A list in a query sent as one comma-joined value.
        csv: bool,
    },
    /// In the runtime's style.
    Styled(WireStyle),
}

/// A spec's `style` and `explode`, as the runtime's [`ParamStyle`] takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireStyle {
    /// `form` (and `tabDelimited`, which the runtime writes as `form`), exploded or not.
    Form(bool),
    /// `simple`, exploded or not.
    Simple(bool),
    /// `label` (`.a.b`), exploded or not.
    Label(bool),
    /// `matrix` (`;id=a,b`), exploded or not.
    Matrix(bool),
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
}

impl WireStyle {
    /// The style of a spec's `style` and `explode`.
    pub fn of(style: ParameterStyle, explode: bool) -> WireStyle {
        match style {
            ParameterStyle::Form | ParameterStyle::TabDelimited => WireStyle::Form(explode),
            ParameterStyle::Simple => WireStyle::Simple(explode),
            ParameterStyle::Label => WireStyle::Label(explode),
            ParameterStyle::Matrix => WireStyle::Matrix(explode),
            ParameterStyle::SpaceDelimited => WireStyle::SpaceDelimited,
            ParameterStyle::PipeDelimited => WireStyle::PipeDelimited,
            ParameterStyle::DeepObject => WireStyle::DeepObject,
        }
    }

    /// The runtime's style.
    pub fn runtime(self) -> ParamStyle {
        match self {
            WireStyle::Form(explode) => ParamStyle::form(explode),
            WireStyle::Simple(explode) => ParamStyle::simple(explode),
            WireStyle::Label(explode) => ParamStyle::label(explode),
            WireStyle::Matrix(explode) => ParamStyle::matrix(explode),
            WireStyle::SpaceDelimited => ParamStyle::space_delimited(),
            WireStyle::PipeDelimited => ParamStyle::pipe_delimited(),
            WireStyle::DeepObject => ParamStyle::deep_object(),
        }
    }
}

/// How a parameter at `location` of `shape`, declared with `style` and `explode`, is
/// written: styled where the style changes what goes on the wire (an object anywhere, a
/// `label` or `matrix` path, a delimited or `deepObject` query list, a list in a cookie),
/// plain text otherwise.
pub fn param_writing(
    location: ParameterLocation,
    shape: ParamShape,
    style: ParameterStyle,
    explode: bool,
) -> ParamWriting {
    let plain = match (location, shape, style) {
        (_, ParamShape::Object, _) => false,
        (ParameterLocation::Path, _, ParameterStyle::Label | ParameterStyle::Matrix) => false,
        (ParameterLocation::Path | ParameterLocation::Header, _, _) => true,
        (ParameterLocation::Query, ParamShape::Scalar, _) => true,
        (
            ParameterLocation::Query,
            ParamShape::List,
            ParameterStyle::Form | ParameterStyle::Simple | ParameterStyle::TabDelimited,
        ) => true,
        (ParameterLocation::Query, ParamShape::List, _) => false,
        (ParameterLocation::Cookie, shape, _) => shape == ParamShape::Scalar,
    };
    if !plain {
        return ParamWriting::Styled(WireStyle::of(style, explode));
    }
    let repeated = style == ParameterStyle::Form && explode;
    ParamWriting::Plain {
        csv: location == ParameterLocation::Query && shape == ParamShape::List && !repeated,
    }
}
