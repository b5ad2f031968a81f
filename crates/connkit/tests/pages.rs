//! The client's pagination glue against a real local server: items of every page in order,
//! parameters set per page, next URLs, and no credentials for a page on another origin.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use connkit::auth::Bearer;
use connkit::paginate::{Pagination, TokenSource};
use connkit::{ErrorKind, HttpClient, Method, Operation};
use futures::{StreamExt, TryStreamExt};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GET_ORDERS: Operation = Operation::new("getOrders", Method::GET, "/orders/v0/orders");

#[tokio::test]
async fn next_token_pages_yield_every_item_once_in_order() {
    let server = MockServer::start().await;
    let page = |items: &[u32], next: Option<&str>| {
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({"payload": {"Orders": items, "NextToken": next}}))
    };
    Mock::given(query_param_is_missing("NextToken"))
        .respond_with(page(&[1, 2], Some("t2")))
        .mount(&server)
        .await;
    Mock::given(query_param("NextToken", "t2"))
        .respond_with(page(&[3, 4], Some("t3")))
        .mount(&server)
        .await;
    Mock::given(query_param("NextToken", "t3")).respond_with(page(&[5], None)).mount(&server).await;
    let client = HttpClient::builder().base_url(server.uri()).build().unwrap();
    let pagination = Pagination::next_token("NextToken", TokenSource::body("payload.NextToken"))
        .with_items_path("payload.Orders");
    let items: Vec<u32> = client
        .request(&GET_ORDERS)
        .query("MarketplaceIds", "M1")
        .items::<u32>(&pagination)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(items, [1, 2, 3, 4, 5]);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 3);
    assert!(received.iter().all(|r| r.url.query().unwrap().contains("MarketplaceIds=M1")));

    let pages: Vec<_> =
        client.request(&GET_ORDERS).pages::<u32>(&pagination).try_collect().await.unwrap();
    assert_eq!(pages.len(), 3);
}

#[tokio::test]
async fn a_next_url_on_another_origin_gets_no_credentials() {
    let foreign = MockServer::start().await;
    Mock::given(path("/more"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"items": [3]})))
        .mount(&foreign)
        .await;
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Next-Page", format!("{}/more", foreign.uri()).as_str())
                .set_body_json(serde_json::json!({"items": [1, 2]})),
        )
        .mount(&api)
        .await;
    let client = HttpClient::builder()
        .base_url(api.uri())
        .auth(Bearer::new("secret-token"))
        .build()
        .unwrap();
    let list = Operation::new("list", Method::GET, "/items");

    // Refused unless allowed.
    let pagination =
        Pagination::next_url(TokenSource::header("Next-Page")).with_items_path("items");
    let mut stream = client.request(&list).items::<u32>(&pagination);
    assert_eq!(stream.next().await.unwrap().unwrap(), 1);
    assert_eq!(stream.next().await.unwrap().unwrap(), 2);
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Request);

    // Allowed: followed, without the API's credentials.
    let pagination = pagination.with_cross_origin(true);
    let items: Vec<u32> =
        client.request(&list).items::<u32>(&pagination).try_collect().await.unwrap();
    assert_eq!(items, [1, 2, 3]);
    let foreign_requests = foreign.received_requests().await.unwrap();
    assert_eq!(foreign_requests.len(), 1);
    assert!(foreign_requests[0].headers.get("authorization").is_none());
    assert_eq!(
        api.received_requests().await.unwrap()[0].headers.get("authorization").unwrap(),
        "Bearer secret-token"
    );
}

#[tokio::test]
async fn an_invalid_request_is_the_first_item() {
    let client = HttpClient::builder().base_url("http://127.0.0.1:9").build().unwrap();
    let get = Operation::new("get", Method::GET, "/items/{id}");
    let pagination = Pagination::link_header();
    let mut stream = client.request(&get).items::<u32>(&pagination);
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Request);
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn keyset_pages_send_the_last_id_and_a_page_size_the_caller_did_not_choose() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], more: bool| {
        let data: Vec<serde_json::Value> =
            ids.iter().map(|id| serde_json::json!({"id": id})).collect();
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({"data": data, "has_more": more}))
    };
    Mock::given(query_param_is_missing("starting_after"))
        .and(query_param("limit", "2"))
        .respond_with(page(&["cus_1", "cus_2"], true))
        .mount(&server)
        .await;
    Mock::given(query_param("starting_after", "cus_2"))
        .and(query_param("limit", "2"))
        .respond_with(page(&["cus_3"], false))
        .mount(&server)
        .await;
    let client = HttpClient::builder().base_url(server.uri()).build().unwrap();
    const LIST: Operation = Operation::new("listCustomers", Method::GET, "/v1/customers");
    let pagination = Pagination::keyset("starting_after", "id")
        .with_has_more("has_more")
        .with_items_path("data")
        .with_page_size("limit", 2);
    let ids: Vec<serde_json::Value> =
        client.request(&LIST).items::<serde_json::Value>(&pagination).try_collect().await.unwrap();
    assert_eq!(ids.len(), 3);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    // A caller's own page size wins over the descriptor's.
    server.reset().await;
    Mock::given(query_param("limit", "1"))
        .respond_with(page(&["cus_1"], false))
        .mount(&server)
        .await;
    let ids: Vec<serde_json::Value> = client
        .request(&LIST)
        .query("limit", "1")
        .items::<serde_json::Value>(&pagination)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids.len(), 1);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].url.query(), Some("limit=1"));
}

#[tokio::test]
async fn a_token_sent_in_a_request_header_follows_the_answers_header() {
    use connkit::paginate::ParamLocation;
    use wiremock::matchers::header;
    let server = MockServer::start().await;
    Mock::given(header("x-cursor", "c2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([3])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-Cursor", "c2")
                .set_body_json(serde_json::json!([1, 2])),
        )
        .mount(&server)
        .await;
    let client = HttpClient::builder().base_url(server.uri()).build().unwrap();
    const ARTICLES: Operation = Operation::new("listArticles", Method::GET, "/articles");
    let pagination = Pagination::cursor("X-Cursor", TokenSource::header("X-Cursor"))
        .with_params_in(ParamLocation::Header);
    let items: Vec<u32> =
        client.request(&ARTICLES).items::<u32>(&pagination).try_collect().await.unwrap();
    assert_eq!(items, [1, 2, 3]);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert!(received[0].headers.get("x-cursor").is_none());
    assert_eq!(received[1].headers.get("x-cursor").unwrap(), "c2");
}
