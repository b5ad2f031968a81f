//! What generated connector methods call: parameters from any serializable value
//! (`path_value`, `query_value`, ...), typed sends (`send_json`, `send_empty`, ...) and typed
//! page and item streams, each answer's error body decoded as the operation's type.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use connkit::paginate::{Pagination, TokenSource};
use connkit::testing::{ScriptedResponse, ScriptedTransport};
use connkit::{ApiErrorBody, ErrorKind, HttpClient, Method, Operation};
use futures::TryStreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;

static LIST: Operation = Operation::new("list", Method::GET, "/things/{kind}");
static PUT: Operation =
    Operation::new("put", Method::PUT, "/things").with_idempotency_header("Idempotency-Key");

/// An error envelope, as a connector defines it.
#[derive(Debug, Deserialize, PartialEq)]
struct Problem {
    title: String,
}

impl ApiErrorBody for Problem {
    fn decode(_status: http::StatusCode, body: &[u8]) -> Option<Self> {
        serde_json::from_slice(body).ok()
    }
}

/// A string enum parameter, as a connector's models define them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "lowercase")]
enum Color {
    Red,
    Blue,
}

fn client(transport: &ScriptedTransport) -> HttpClient {
    HttpClient::builder()
        .base_url("https://api.test/v1")
        .transport(transport.clone())
        .build()
        .unwrap()
}

#[tokio::test]
async fn parameters_from_serializable_values() {
    let transport = ScriptedTransport::new();
    transport.fallback(|_| ScriptedResponse::new(204));
    let client = client(&transport);
    client
        .request(&LIST)
        .path_value("kind", &["a b", "c"])
        .query_value("color", &Some(Color::Red))
        .query_value("colors", &vec![Color::Red, Color::Blue])
        .query_csv_value("ids", &[1, 2])
        .query_value("absent", &None::<String>)
        .header_value("X-Flag", &true)
        .header_value("X-None", &None::<u8>)
        .cookie_value("session", &"s 1")
        .send_empty::<Problem>()
        .await
        .unwrap();
    let sent = &transport.requests()[0];
    assert_eq!(
        sent.url.as_str(),
        "https://api.test/v1/things/a%20b%2Cc?color=red&colors=red&colors=blue&ids=1%2C2"
    );
    assert_eq!(sent.header("x-flag"), Some("true"));
    assert_eq!(sent.header("x-none"), None);
    assert_eq!(sent.header("cookie"), Some("session=s%201"));
}

#[tokio::test]
async fn an_idempotency_key_from_a_parameter_or_generated() {
    let transport = ScriptedTransport::new();
    transport.fallback(|_| ScriptedResponse::new(204));
    let client = client(&transport);
    client.request(&PUT).idempotency_key_value(&Some("k-1")).send_empty::<()>().await.unwrap();
    client.request(&PUT).idempotency_key_value(&None::<String>).send_empty::<()>().await.unwrap();
    let requests = transport.requests();
    assert_eq!(requests[0].header("idempotency-key"), Some("k-1"));
    assert!(requests[1].header("idempotency-key").is_some_and(|key| key != "k-1"));
}

#[tokio::test]
async fn typed_sends_decode_the_answer_and_the_error_body() {
    let transport = ScriptedTransport::new();
    transport
        .push(ScriptedResponse::json(200, json!({"n": 1})))
        .push(ScriptedResponse::new(204))
        .push(ScriptedResponse::new(200).body("hé"))
        .push(ScriptedResponse::new(200).body(vec![0u8, 255]))
        .push(ScriptedResponse::json(404, json!({"title": "no such thing"})));
    let client = client(&transport);
    let request = || client.request(&LIST).path_value("kind", "k");
    let json = request().send_json::<serde_json::Value, Problem>().await.unwrap();
    assert_eq!(json.into_inner(), json!({"n": 1}));
    let none = request().send_json_opt::<serde_json::Value, Problem>().await.unwrap();
    assert_eq!(none.status(), 204);
    assert_eq!(none.into_inner(), None);
    assert_eq!(request().send_text::<Problem>().await.unwrap().into_inner(), "hé");
    assert_eq!(&request().send_bytes::<Problem>().await.unwrap().into_inner()[..], [0, 255]);
    let error = request().send_json::<serde_json::Value, Problem>().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Status);
    assert_eq!(error.api_error(), Some(&Problem { title: "no such thing".into() }));
}

#[tokio::test]
async fn typed_page_and_item_streams() {
    let pagination =
        Pagination::cursor("cursor", TokenSource::body("next")).with_items_path("data");
    let transport = ScriptedTransport::new();
    transport
        .push(ScriptedResponse::json(200, json!({"data": [1, 2], "next": "c2"})))
        .push(ScriptedResponse::json(200, json!({"data": [3]})))
        .push(ScriptedResponse::json(200, json!({"data": [1], "next": "c2"})))
        .push(ScriptedResponse::json(400, json!({"title": "bad cursor"})));
    let client = client(&transport);
    let request = || client.request(&LIST).path_value("kind", "k");
    let pages = request().pages_typed::<u32, Problem>(&pagination);
    let items: Vec<u32> = pages.into_items().try_collect().await.unwrap();
    assert_eq!(items, [1, 2, 3]);
    let error = request()
        .items_typed::<u32, Problem>(&pagination)
        .try_collect::<Vec<u32>>()
        .await
        .unwrap_err();
    assert_eq!(error.api_error(), Some(&Problem { title: "bad cursor".into() }));
}
