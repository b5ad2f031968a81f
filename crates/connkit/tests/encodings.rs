//! Parameter styles and form bodies on the wire, read back by a local server the way the APIs
//! that use them document it: OpenAPI's style table for paths, queries, headers and cookies,
//! and Stripe's form encoding (nested objects `metadata[order_id]=6735`, arrays of objects
//! `items[0][price]=p_1`, `expand[]`/`expand[0]` lists, `deepObject` query filters), decoded
//! with Rack's bracket rules into the JSON the caller sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use connkit::{HttpClient, Method, Operation, ParamStyle};
use serde_json::{Map, Value, json};
use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};

const LABEL: Operation = Operation::new("label", Method::GET, "/colors/{color}/x");
const MATRIX: Operation = Operation::new("matrix", Method::GET, "/colors{color}");
const SEARCH: Operation = Operation::new("search", Method::GET, "/search");
const CREATE: Operation = Operation::new("create", Method::POST, "/v1/checkout/sessions");

async fn server() -> (MockServer, HttpClient) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = HttpClient::builder().base_url(server.uri()).build().unwrap();
    (server, client)
}

async fn last(server: &MockServer) -> wiremock::Request {
    server.received_requests().await.unwrap().pop().unwrap()
}

/// Rack's (and Stripe's) reading of a form or query string: `a[b]=1` nests objects, `a[]=x`
/// and `a[0]=x` make arrays (numeric keys become array positions), a repeated plain key keeps
/// the last value.
fn rack_decode(text: &str) -> Value {
    let mut root = Map::new();
    for (key, value) in url::form_urlencoded::parse(text.as_bytes()) {
        let (head, rest) = key.split_once('[').map_or((key.as_ref(), ""), |(h, r)| (h, r));
        let mut path = vec![head.to_string()];
        if !rest.is_empty() {
            path.extend(rest.split('[').map(|s| s.trim_end_matches(']').to_string()));
        }
        insert(&mut root, &path, Value::String(value.into_owned()));
    }
    arrays(Value::Object(root))
}

fn insert(map: &mut Map<String, Value>, path: &[String], value: Value) {
    match path {
        [last] => {
            map.insert(last.clone(), value);
        }
        [head, next, ..] if next.is_empty() => {
            let entry = map.entry(head.clone()).or_insert_with(|| json!([]));
            entry.as_array_mut().unwrap().push(value);
        }
        [head, rest @ ..] => {
            let entry = map.entry(head.clone()).or_insert_with(|| json!({}));
            insert(entry.as_object_mut().unwrap(), rest, value);
        }
        [] => {}
    }
}

/// Objects whose keys are `0..n` become arrays (Stripe reads `items[0][price]` as a list).
fn arrays(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let numeric =
                !map.is_empty() && map.keys().enumerate().all(|(i, k)| k.parse::<usize>() == Ok(i));
            let map: Map<String, Value> = map.into_iter().map(|(k, v)| (k, arrays(v))).collect();
            if numeric { Value::Array(map.into_values().collect()) } else { Value::Object(map) }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(arrays).collect()),
        other => other,
    }
}

/// Every scalar as the text a form carries.
fn as_text(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), as_text(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(as_text).collect()),
        Value::String(s) => Value::String(s.clone()),
        other => Value::String(other.to_string()),
    }
}

#[tokio::test]
async fn stripe_form_bodies_decode_into_what_was_sent() {
    let (server, client) = server().await;
    let body = json!({
        "mode": "payment",
        "success_url": "https://example.com/ok?x=1&y=2",
        "line_items": [
            {"price": "price_1", "quantity": 2, "adjustable_quantity": {"enabled": true, "maximum": 10}},
            {"price_data": {"currency": "usd", "unit_amount": 2000, "product_data": {"name": "T-shirt", "metadata": {"size": "L"}}}, "quantity": 1},
        ],
        "metadata": {"order_id": "6735", "note": "a b&c=d"},
        "payment_method_types": ["card", "sepa_debit"],
        "expand": ["customer", "payment_intent"],
        "customer": null,
    });
    client
        .request(&CREATE)
        .form_styled(
            &body,
            &[
                ("expand", ParamStyle::deep_object()),
                ("payment_method_types", ParamStyle::deep_object()),
            ],
        )
        .send()
        .await
        .unwrap();
    let request = last(&server).await;
    assert_eq!(request.headers["content-type"], "application/x-www-form-urlencoded");
    let text = String::from_utf8(request.body.clone()).unwrap();
    assert!(text.contains("line_items%5B0%5D%5Bprice%5D=price_1"), "{text}");
    assert!(text.contains("expand%5B0%5D=customer"), "{text}");
    assert_eq!(rack_decode(&text), as_text(&body), "{text}");
}

#[tokio::test]
async fn stripe_expand_and_deep_object_queries_decode_into_what_was_sent() {
    let (server, client) = server().await;
    let created = json!({"gte": 1_700_000_000, "lt": 1_800_000_000});
    client
        .request(&SEARCH)
        .query_styled("created", &created, ParamStyle::deep_object())
        .query_styled("expand", &["data.customer", "data.invoice"], ParamStyle::deep_object())
        .query_styled("limit", &Some(3), ParamStyle::form(true))
        .query_styled("starting_after", &None::<String>, ParamStyle::form(true))
        .send()
        .await
        .unwrap();
    let request = last(&server).await;
    let decoded = rack_decode(request.url.query().unwrap());
    assert_eq!(
        decoded,
        as_text(
            &json!({"created": created, "expand": ["data.customer", "data.invoice"], "limit": 3})
        )
    );
}

#[tokio::test]
async fn path_styles_expand_as_openapi_says() {
    let (server, client) = server().await;
    client
        .request(&LABEL)
        .path_styled("color", &["blue", "black/white"], ParamStyle::label(true))
        .send()
        .await
        .unwrap();
    assert_eq!(last(&server).await.url.path(), "/colors/.blue.black%2Fwhite/x");
    client
        .request(&MATRIX)
        .path_styled("color", &json!({"R": 100, "G": 200}), ParamStyle::matrix(true))
        .send()
        .await
        .unwrap();
    assert_eq!(last(&server).await.url.path(), "/colors;R=100;G=200");
    client
        .request(&MATRIX)
        .path_styled("color", &["blue", "black"], ParamStyle::matrix(false))
        .send()
        .await
        .unwrap();
    assert_eq!(last(&server).await.url.path(), "/colors;color=blue,black");
    client
        .request(&LABEL)
        .path_styled("color", &json!({"R": 100, "G": 200}), ParamStyle::simple(true))
        .send()
        .await
        .unwrap();
    assert_eq!(last(&server).await.url.path(), "/colors/R=100,G=200/x");
}

#[tokio::test]
async fn query_header_and_cookie_styles_expand_as_openapi_says() {
    let (server, client) = server().await;
    let color = json!({"R": 100, "G": 200});
    client
        .request(&SEARCH)
        .query_styled("ids", &[3, 4, 5], ParamStyle::space_delimited())
        .query_styled("tags", &["a", "b"], ParamStyle::pipe_delimited())
        .query_styled("color", &color, ParamStyle::form(false))
        .query_styled("shade", &json!({"dark": true}), ParamStyle::form(true))
        .header_styled("x-color", &color, ParamStyle::simple(true))
        .header_styled("x-ids", &[1, 2], ParamStyle::simple(false))
        .cookie_styled("ids", &[1, 2], ParamStyle::form(false))
        .cookie_styled("session", &"abc", ParamStyle::form(true))
        .send()
        .await
        .unwrap();
    let request = last(&server).await;
    let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    let expected = [("ids", "3 4 5"), ("tags", "a|b"), ("color", "R,100,G,200"), ("dark", "true")];
    assert_eq!(
        pairs,
        expected.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>()
    );
    assert_eq!(request.headers["x-color"], "R=100,G=200");
    assert_eq!(request.headers["x-ids"], "1,2");
    assert_eq!(request.headers["cookie"], "ids=1%2C2; session=abc");
}
