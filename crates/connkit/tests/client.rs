//! The HTTP client against a real local server: URL building, headers, responses, errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use connkit::{ErrorKind, HttpClient, Method, Operation};
use serde::Deserialize;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GET_WIDGET: Operation = Operation::new("getWidget", Method::GET, "/widgets/{id}");
const LIST_WIDGETS: Operation = Operation::new("listWidgets", Method::GET, "/widgets");
const UPLOAD: Operation =
    Operation::new("upload", Method::PUT, "/files/{name}").with_host("uploads");

#[derive(Debug, Deserialize, PartialEq)]
struct Widget {
    id: String,
    size: u32,
}

#[tokio::test]
async fn keeps_the_base_path_and_encodes_parameters_as_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/widgets/a%2Fb%3Fc%23d%20e"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"id": "a/b?c#d e", "size": 3})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = HttpClient::builder().base_url(format!("{}/v1", server.uri())).build().unwrap();
    let response = client.request(&GET_WIDGET).path_param("id", "a/b?c#d e").send().await.unwrap();
    let widget = response.json::<Widget>().unwrap();
    assert_eq!(*widget, Widget { id: "a/b?c#d e".into(), size: 3 });
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].url.query(), None);
}

#[tokio::test]
async fn sends_default_headers_user_agent_and_query_values() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/widgets"))
        .and(header("user-agent", "widgets-connector/0.1"))
        .and(header("x-api-version", "2"))
        .and(header("x-trace", "own"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .mount(&server)
        .await;
    let client = HttpClient::builder()
        .base_url(server.uri())
        .user_agent("widgets-connector/0.1")
        .default_header("x-api-version", "2")
        .default_header("x-trace", "default")
        .build()
        .unwrap();
    client
        .request(&LIST_WIDGETS)
        .query("ids", ["a", "b c"])
        .query_csv("status", ["new", "old"])
        .query("page", Some(2))
        .query("skip", None::<u32>)
        .header("x-trace", "own")
        .send()
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].url.query(), Some("ids=a&ids=b+c&status=new%2Cold&page=2"));
}

#[tokio::test]
async fn cookie_parameters_join_one_cookie_header_and_bad_names_fail_the_send() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/widgets"))
        .and(header("cookie", "session=a%20b%3Bc; theme=dark"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .expect(1)
        .mount(&server)
        .await;
    let client = HttpClient::builder().base_url(server.uri()).build().unwrap();
    client
        .request(&LIST_WIDGETS)
        .cookie("session", Some("a b;c"))
        .cookie("unset", None::<String>)
        .cookie("theme", Some("dark"))
        .send()
        .await
        .unwrap();
    let error =
        client.request(&LIST_WIDGETS).cookie("bad name", Some("x")).send().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Request);
    assert!(error.to_string().contains("`bad name` is not a valid cookie name"), "{error}");
}

#[tokio::test]
async fn optional_json_is_none_for_an_empty_body_and_decoded_otherwise() {
    let server = MockServer::start().await;
    Mock::given(path("/widgets/empty"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(path("/widgets/null"))
        .respond_with(ResponseTemplate::new(200).set_body_string("null"))
        .mount(&server)
        .await;
    Mock::given(path("/widgets/full"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "f", "size": 2})),
        )
        .mount(&server)
        .await;
    let client = HttpClient::builder().base_url(server.uri()).build().unwrap();
    let send = async |id: &'static str| {
        client.request(&GET_WIDGET).path_param("id", id).send().await.unwrap()
    };
    let empty = send("empty").await.into_json_opt::<Widget>().unwrap();
    assert_eq!((empty.status().as_u16(), empty.into_inner()), (204, None));
    assert_eq!(send("null").await.into_json_opt::<Widget>().unwrap().into_inner(), None);
    let full = send("full").await.into_json_opt::<Widget>().unwrap();
    assert_eq!(full.into_inner(), Some(Widget { id: "f".into(), size: 2 }));
}

#[tokio::test]
async fn responses_expose_etag_and_request_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", "\"v7\"")
                .insert_header("x-amzn-RequestId", "req-42")
                .set_body_json(serde_json::json!({"id": "1", "size": 1})),
        )
        .mount(&server)
        .await;
    let client = HttpClient::builder().base_url(server.uri()).build().unwrap();
    let response = client.request(&GET_WIDGET).path_param("id", 1).send().await.unwrap();
    assert_eq!(response.etag(), Some("\"v7\""));
    assert_eq!(response.request_id().as_deref(), Some("req-42"));
    let typed = response.into_json::<Widget>().unwrap();
    assert_eq!(typed.etag(), Some("\"v7\""));
    assert_eq!(typed.request_id().as_deref(), Some("req-42"));
    assert_eq!(typed.into_inner().size, 1);
}

#[tokio::test]
async fn status_errors_keep_status_request_id_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("x-request-id", "abc")
                .set_body_json(serde_json::json!({"errors": [{"code": "NotFound"}]})),
        )
        .mount(&server)
        .await;
    let client = HttpClient::builder().base_url(server.uri()).build().unwrap();
    let err = client.request(&GET_WIDGET).path_param("id", "x").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Status);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(err.request_id(), Some("abc"));
    assert_eq!(err.api_error().unwrap()["errors"][0]["code"], "NotFound");
    assert_eq!(err.operation(), Some("getWidget"));
    assert!(err.to_string().contains("NotFound"), "{err}");
}

#[tokio::test]
async fn decode_errors_carry_the_json_path() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"id": "1", "size": "big"}"#))
        .mount(&server)
        .await;
    let client = HttpClient::builder().base_url(server.uri()).build().unwrap();
    let response = client.request(&GET_WIDGET).path_param("id", "1").send().await.unwrap();
    let err = response.json::<Widget>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.json_path(), Some("size"));
}

#[tokio::test]
async fn named_hosts_serve_their_operations() {
    let api = MockServer::start().await;
    let uploads = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/u/files/report.csv"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&uploads)
        .await;
    let client = HttpClient::builder()
        .base_url(api.uri())
        .host("uploads", format!("{}/u/", uploads.uri()))
        .build()
        .unwrap();
    let response = client
        .request(&UPLOAD)
        .path_param("name", "report.csv")
        .body_bytes(&b"a,b\n"[..], Some("text/csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 204);
    assert!(api.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn owned_operations_and_json_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/widgets"))
        .and(query_param("dry", "true"))
        .and(header("content-type", "application/json"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": "9", "size": 2})),
        )
        .mount(&server)
        .await;
    let client = HttpClient::builder().base_url(server.uri()).build().unwrap();
    let op = Operation::owned("createWidget".to_string(), Method::POST, "/widgets".to_string());
    let response = client
        .request(&op)
        .query("dry", true)
        .json(&serde_json::json!({"size": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].body, br#"{"size":2}"#);
}

#[tokio::test]
async fn build_reports_every_problem_and_requests_report_theirs() {
    let err = HttpClient::builder()
        .base_url("not a url")
        .host("other", "ftp://example.com")
        .default_header("bad header", "x")
        .build()
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("`default`") && text.contains("`other`") && text.contains("bad header"),
        "{text}"
    );

    let client = HttpClient::builder().base_url("http://127.0.0.1:9").build().unwrap();
    let err = client.request(&GET_WIDGET).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Request);
    assert!(err.to_string().contains("`id`"), "{err}");
    let err = client.request(&UPLOAD).path_param("name", "x").send().await.unwrap_err();
    assert!(err.to_string().contains("uploads"), "{err}");
}

#[tokio::test]
async fn streams_downloads() {
    use futures::StreamExt;
    let server = MockServer::start().await;
    let payload = vec![7u8; 200_000];
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(payload.clone()))
        .mount(&server)
        .await;
    let client = HttpClient::builder().base_url(server.uri()).build().unwrap();
    let response =
        client.request(&GET_WIDGET).path_param("id", "f").send_streaming().await.unwrap();
    let mut stream = response.bytes_stream();
    let mut total = Vec::new();
    while let Some(chunk) = stream.next().await {
        total.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(total, payload);
}

#[tokio::test]
async fn form_and_multipart_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = HttpClient::builder().base_url(server.uri()).build().unwrap();
    let op = Operation::new("submit", Method::POST, "/submit");
    client
        .request(&op)
        .header_opt("x-optional", None::<&str>)
        .header_opt("x-present", Some("yes"))
        .form(&[("a", "1 2"), ("b", "&")])
        .send()
        .await
        .unwrap();
    let form =
        connkit::Multipart::new().text("note", "hi").file("doc", "a.txt", "text/plain", "body");
    client.request(&op).multipart(form).send().await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        received[0].headers.get("content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(received[0].body, b"a=1+2&b=%26");
    assert_eq!(received[0].headers.get("x-present").unwrap(), "yes");
    assert!(received[0].headers.get("x-optional").is_none());
    let content_type = received[1].headers.get("content-type").unwrap().to_str().unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let body = String::from_utf8(received[1].body.clone()).unwrap();
    assert!(body.contains("filename=\"a.txt\"") && body.contains("\r\n\r\nhi\r\n"), "{body}");
}
