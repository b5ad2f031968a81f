//! How a parameter goes on the wire: as plain text (a scalar, a comma-joined or repeated
//! list), or in a style the runtime writes (`label` and `matrix` paths, delimited and
//! `deepObject` queries, objects, lists in cookies). The generated request builders and
//! `connkit call` both follow it.

use connkit::ParamStyle;
use connkit_spec::model::{ParameterLocation, ParameterStyle};

use crate::ir::ParamShape;

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
