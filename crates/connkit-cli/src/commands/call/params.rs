//! `name=value` arguments placed where the spec puts each parameter and typed per its
//! schema.

use connkit_gen::contract::{ParamWriting, param_writing};
use connkit_gen::ir::ParamShape;
use connkit_spec::{Api, Operation, Parameter, ParameterLocation, Schema, SchemaKind};
use heck::ToSnakeCase;

/// One parameter ready for the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Placed {
    /// The wire name.
    pub name: String,
    /// Where it goes.
    pub location: ParameterLocation,
    /// Its values (one for scalars; arrays may have several).
    pub values: Vec<String>,
    /// Whether it is an array (its values are a list even when there is one).
    pub list: bool,
    /// How it goes on the wire, as the generated request builder writes it.
    pub writing: ParamWriting,
}

/// Why the arguments do not fit the operation (each a usage error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ParamError {
    /// An argument is not `name=value`.
    Syntax(String),
    /// No parameter of that name; the accepted names follow.
    Unknown { name: String, accepted: Vec<String> },
    /// A value does not fit the parameter's type.
    Invalid { name: String, expected: String },
    /// Required parameters were not given.
    Missing(Vec<String>),
    /// A scalar parameter was given twice.
    Repeated(String),
}

impl std::fmt::Display for ParamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Syntax(arg) => write!(f, "`{arg}` is not name=value"),
            Self::Unknown { name, accepted } if accepted.is_empty() => {
                write!(f, "the operation takes no parameter `{name}` (it takes no parameters)")
            }
            Self::Unknown { name, accepted } => write!(
                f,
                "the operation takes no parameter `{name}`; it takes: {}",
                accepted.join(", ")
            ),
            Self::Invalid { name, expected } => {
                write!(f, "parameter `{name}`: expected {expected}")
            }
            Self::Missing(names) => write!(f, "missing required parameters: {}", names.join(", ")),
            Self::Repeated(name) => {
                write!(f, "parameter `{name}` takes one value but was given several")
            }
        }
    }
}

/// Places and types `args` (`name=value`) for `operation` of `api`.
#[cfg(test)]
pub(super) fn place(
    api: &Api,
    operation: &Operation,
    args: &[String],
) -> Result<Vec<Placed>, ParamError> {
    place_for(api, operation, args, |_| false)
}

/// Like [`place`], where `is_credential` tells the parameters the client's auth sends
/// (`Authorization`, the API key): never required of the caller.
pub(super) fn place_for(
    api: &Api,
    operation: &Operation,
    args: &[String],
    is_credential: impl Fn(&Parameter) -> bool,
) -> Result<Vec<Placed>, ParamError> {
    let mut placed: Vec<Placed> = Vec::new();
    for arg in args {
        let Some((name, value)) = arg.split_once('=') else {
            return Err(ParamError::Syntax(arg.clone()));
        };
        let parameter = find(operation, name).ok_or_else(|| ParamError::Unknown {
            name: name.to_string(),
            accepted: operation
                .parameters
                .iter()
                .map(|p| format!("{} ({})", p.name, p.location.as_str()))
                .collect(),
        })?;
        let schema = api.resolve(&parameter.schema);
        let item_schema = match schema.map(|s| &s.kind) {
            Some(SchemaKind::Array { items }) => Some(api.resolve(items)),
            _ => None,
        };
        let values: Vec<String> = match item_schema {
            Some(_) => value.split(',').map(str::to_string).collect(),
            None => vec![value.to_string()],
        };
        let check = item_schema.unwrap_or(schema);
        for value in &values {
            check_value(&parameter.name, check, value)?;
        }
        match placed
            .iter_mut()
            .find(|p| p.name == parameter.name && p.location == parameter.location)
        {
            Some(existing) if item_schema.is_some() => existing.values.extend(values),
            Some(_) => return Err(ParamError::Repeated(parameter.name.clone())),
            None => placed.push(Placed {
                name: parameter.name.clone(),
                location: parameter.location,
                values,
                list: item_schema.is_some(),
                writing: param_writing(
                    parameter.location,
                    shape(schema),
                    parameter.style,
                    parameter.explode,
                ),
            }),
        }
    }
    let missing: Vec<String> = operation
        .parameters
        .iter()
        .filter(|p| p.required || p.location == ParameterLocation::Path)
        .filter(|p| !is_credential(p))
        .filter(|p| {
            !placed.iter().any(|given| given.name == p.name && given.location == p.location)
        })
        .map(|p| format!("{} ({})", p.name, p.location.as_str()))
        .collect();
    if !missing.is_empty() {
        return Err(ParamError::Missing(missing));
    }
    Ok(placed)
}

/// The parameter named `name`: exactly, then ignoring case, then by snake_case form.
fn find<'a>(operation: &'a Operation, name: &str) -> Option<&'a Parameter> {
    let params = &operation.parameters;
    params
        .iter()
        .find(|p| p.name == name)
        .or_else(|| params.iter().find(|p| p.name.eq_ignore_ascii_case(name)))
        .or_else(|| {
            let wanted = name.to_snake_case();
            params.iter().find(|p| p.name.to_snake_case() == wanted)
        })
}

/// What a parameter's value is, by its schema (an unresolvable one is taken as a scalar).
fn shape(schema: Option<&Schema>) -> ParamShape {
    match schema.map(|s| &s.kind) {
        Some(SchemaKind::Array { .. }) => ParamShape::List,
        Some(SchemaKind::Object { .. } | SchemaKind::AllOf { .. }) => ParamShape::Object,
        _ => ParamShape::Scalar,
    }
}

/// Checks a scalar against its schema (integers, numbers, booleans, closed integer lists).
fn check_value(name: &str, schema: Option<&Schema>, value: &str) -> Result<(), ParamError> {
    let invalid = |expected: &str| ParamError::Invalid {
        name: name.to_string(),
        expected: expected.to_string(),
    };
    match schema.map(|s| &s.kind) {
        Some(SchemaKind::Integer { .. }) => {
            value.parse::<i64>().map(drop).map_err(|_| invalid("an integer"))
        }
        Some(SchemaKind::Number) => value
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(drop)
            .ok_or_else(|| invalid("a number")),
        Some(SchemaKind::Boolean) => match value {
            "true" | "false" => Ok(()),
            _ => Err(invalid("true or false")),
        },
        _ => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn spec() -> connkit_spec::LoadedSpec {
        connkit_spec::load_str(
            "t.json",
            r#"{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{"/items/{id}":{"get":{
              "operationId":"getItem","parameters":[
                {"name":"id","in":"path","required":true,"schema":{"type":"string"}},
                {"name":"limit","in":"query","schema":{"type":"integer"}},
                {"name":"ids","in":"query","schema":{"type":"array","items":{"type":"string"}}},
                {"name":"tags","in":"query","explode":false,"schema":{"type":"array","items":{"type":"string"}}},
                {"name":"If-Match","in":"header","schema":{"type":"string"}},
                {"name":"Authorization","in":"header","required":true,"schema":{"type":"string"}}],
              "responses":{"200":{"description":"ok"}}}}}}"#,
        )
        .unwrap()
    }

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn places_and_types_parameters() {
        let spec = spec();
        let op = &spec.api.operations[0];
        let placed = place_for(
            &spec.api,
            op,
            &args(&["id=a/b", "limit=5", "ids=x,y", "ids=z", "tags=p,q", "if_match=\"1\""]),
            |p| p.name == "Authorization",
        )
        .unwrap();
        assert_eq!(
            placed[0],
            Placed {
                name: "id".into(),
                location: ParameterLocation::Path,
                values: vec!["a/b".into()],
                list: false,
                writing: ParamWriting::Plain { csv: false },
            }
        );
        assert_eq!(placed[2].values, ["x", "y", "z"]);
        assert_eq!(placed[2].writing, ParamWriting::Plain { csv: false });
        assert_eq!(placed[3].writing, ParamWriting::Plain { csv: true });
        assert_eq!(placed[4].name, "If-Match");
    }

    #[test]
    fn reports_bad_arguments() {
        let spec = spec();
        let op = &spec.api.operations[0];
        assert_eq!(
            place(&spec.api, op, &args(&["limit=5"])),
            Err(ParamError::Missing(vec!["id (path)".into(), "Authorization (header)".into()]))
        );
        assert!(matches!(
            place(&spec.api, op, &args(&["id=1", "Authorization=x", "limit=five"])),
            Err(ParamError::Invalid { .. })
        ));
        assert!(matches!(
            place(&spec.api, op, &args(&["id=1", "Authorization=x", "nope=1"])),
            Err(ParamError::Unknown { .. })
        ));
        assert!(matches!(place(&spec.api, op, &args(&["id"])), Err(ParamError::Syntax(_))));
        assert!(matches!(
            place(&spec.api, op, &args(&["id=1", "Authorization=x", "id=2"])),
            Err(ParamError::Repeated(_))
        ));
    }
}
