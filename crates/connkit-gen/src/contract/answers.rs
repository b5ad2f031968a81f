//! Which media a body is sent or read as, and which documented answer a response of a given
//! status is decoded into: the generated methods and error types follow these rules, and
//! `connkit call` checks a response body against the same answer.

use connkit_spec::model::{
    Api, BodyKind, MediaType, Operation, Response, Schema, SchemaKind, SchemaRef, StatusCode,
};

/// The media type a body is read or sent as, and its kind: JSON first, then forms,
/// multipart, streams, bytes, text. A wildcard (`*/*`) whose schema is an object, array or
/// composition counts as JSON: generated specs (Spring's among them) write it for JSON
/// answers, and a structured schema is no byte string.
pub fn pick_media<'m>(api: &Api, content: &'m [MediaType]) -> Option<(&'m MediaType, BodyKind)> {
    const ORDER: [BodyKind; 8] = [
        BodyKind::Json,
        BodyKind::Form,
        BodyKind::Multipart,
        BodyKind::EventStream,
        BodyKind::JsonLines,
        BodyKind::Binary,
        BodyKind::Text,
        BodyKind::Other,
    ];
    let kind_of = |media: &MediaType| media.effective_kind(api);
    ORDER
        .iter()
        .find_map(|kind| content.iter().find(|m| kind_of(m) == *kind).map(|media| (media, *kind)))
}

/// Whether a schema is a byte string (`format: binary` or `byte`, or an array of them).
pub fn is_binary(schema: &Schema) -> bool {
    match &schema.kind {
        SchemaKind::String { .. } => {
            matches!(schema.format.as_deref(), Some("binary" | "byte"))
        }
        SchemaKind::Array { items: SchemaRef::Inline(items) } => is_binary(items),
        _ => false,
    }
}

/// Whether a (possibly referenced) schema is a byte string.
pub fn binary_schema(api: &Api, schema: &SchemaRef) -> bool {
    api.resolve(schema).is_some_and(is_binary)
}

/// The success answer every 2xx body of the operation is read as: its first success
/// response with content.
pub fn success_answer(operation: &Operation) -> Option<&Response> {
    operation.success_responses().find(|r| !r.content.is_empty())
}

/// The documented error answers the operation's error type decodes: its non-success
/// responses with a JSON schema that is no byte string, in spec order.
pub fn error_answers<'a>(
    api: &Api,
    operation: &'a Operation,
) -> Vec<(&'a Response, &'a SchemaRef)> {
    operation
        .responses
        .iter()
        .filter(|r| !operation.is_success_response(r))
        .filter_map(|r| {
            let media = r.json()?;
            media.schema.as_ref().filter(|s| !binary_schema(api, s)).map(|s| (r, s))
        })
        .collect()
}

/// The JSON schema a body answered with `status` is decoded into, if any: for a 2xx the
/// success answer's (when it is JSON), for another status the error answer of that exact
/// status, else of its class (`4XX`), else `default` (the order of the generated
/// `ApiErrorBody::decode`).
pub fn answer_schema<'a>(
    api: &Api,
    operation: &'a Operation,
    status: u16,
) -> Option<&'a SchemaRef> {
    if (200..300).contains(&status) {
        let (media, kind) = pick_media(api, &success_answer(operation)?.content)?;
        return media.schema.as_ref().filter(|s| kind == BodyKind::Json && !binary_schema(api, s));
    }
    let errors = error_answers(api, operation);
    let class = u8::try_from(status / 100).ok();
    let find = |wanted: &dyn Fn(StatusCode) -> bool| {
        errors.iter().find(|(r, _)| wanted(r.status)).map(|(_, schema)| *schema)
    };
    find(&|s| s == StatusCode::Code(status))
        .or_else(|| find(&|s| Some(s) == class.map(StatusCode::Range)))
        .or_else(|| find(&|s| s == StatusCode::Default))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_status_takes_its_code_then_its_class_then_default() {
        let spec = connkit_spec::load_str(
            "t.json",
            r##"{"openapi":"3.0.0","info":{"title":"t","version":"1"},"paths":{"/r":{"get":{
              "responses":{
                "200":{"description":"ok","content":{"application/json":{"schema":{"type":"object"}}}},
                "201":{"description":"made","content":{"application/json":{"schema":{"type":"array","items":{}}}}},
                "404":{"description":"gone"},
                "409":{"description":"clash","content":{"application/json":{"schema":{"type":"string"}}}},
                "4XX":{"description":"client","content":{"application/json":{"schema":{"type":"integer"}}}},
                "default":{"description":"other","content":{"application/json":{"schema":{"type":"boolean"}}}}}}}}}"##,
        )
        .expect("loads");
        let (api, op) = (&spec.api, &spec.api.operations[0]);
        let kind = |status: u16| {
            answer_schema(api, op, status)
                .and_then(|s| api.resolve(s))
                .map(|s| format!("{:?}", s.kind).split([' ', '{']).next().unwrap_or("").to_string())
        };
        assert_eq!(kind(200).as_deref(), Some("Object"));
        // Every 2xx is read as the success answer, as the generated method reads it.
        assert_eq!(kind(201).as_deref(), Some("Object"));
        assert_eq!(kind(409).as_deref(), Some("String"));
        // A 404 without a body schema is decoded by its class, as the generated type does.
        assert_eq!(kind(404).as_deref(), Some("Integer"));
        assert_eq!(kind(500).as_deref(), Some("Boolean"));
    }
}
