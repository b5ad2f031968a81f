//! Pagination: every style, checkpoints, limits, origins, and property tests of the link
//! header parser and of the path walker, through the public API with an in-memory API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Mutex};

use connkit::paginate::{
    Checkpoint, PageRequest, PageResponse, Pagination, ParamLocation, ParamValue, TokenSource,
    parse_link_header,
};
use connkit::{Error, ErrorKind};
use futures::executor::block_on;
use futures::future::{Ready, ready};
use futures::{StreamExt, TryStreamExt};
use proptest::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};
use url::Url;

const TOTAL: u64 = 10;
const SERVER_PAGE: u64 = 3;
const BASE: &str = "https://api.test/v1/items?filter=x";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
struct Item {
    id: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    TokenInBody,
    TokenInHeader,
    TokenSentInBody,
    Cursor,
    Offset,
    Page,
    LinkHeader,
    NextUrlInBody,
    NextUrlInHeader,
    /// `starting_after` = the last item's id, while `has_more` is true.
    KeysetWithFlag,
    /// `after` = the last item's id, until an empty page.
    KeysetUntilEmpty,
    /// A token deep in a metadata object; the API pages only when the page size is sent.
    DeepTokenNeedsSize,
    /// Offset with a total: no empty page is asked for.
    OffsetWithTotal,
    /// Page numbers past the end answer the last page again: the page count stops it.
    PageWithTotalPages,
    /// A relative next-page URI in the body (`/v1/items?after=3`).
    NextUriInBody,
}

const CASES: [Case; 15] = [
    Case::TokenInBody,
    Case::TokenInHeader,
    Case::TokenSentInBody,
    Case::Cursor,
    Case::Offset,
    Case::Page,
    Case::LinkHeader,
    Case::NextUrlInBody,
    Case::NextUrlInHeader,
    Case::KeysetWithFlag,
    Case::KeysetUntilEmpty,
    Case::DeepTokenNeedsSize,
    Case::OffsetWithTotal,
    Case::PageWithTotalPages,
    Case::NextUriInBody,
];

fn pagination(case: Case) -> Pagination {
    match case {
        Case::TokenInBody => {
            Pagination::next_token("NextToken", TokenSource::body("payload.NextToken"))
                .with_items_path("payload.Orders")
        }
        Case::TokenInHeader => {
            Pagination::next_token("page_token", TokenSource::header("X-Next-Token"))
        }
        Case::TokenSentInBody => Pagination::next_token("token", TokenSource::body("/meta/next"))
            .with_items_path("/results")
            .with_params_in(ParamLocation::Body),
        Case::Cursor => Pagination::cursor("cursor", TokenSource::body("meta.next_cursor"))
            .with_items_path("data"),
        // Asks for 5 per page; the server caps pages at 3, so offsets must follow the counts.
        Case::Offset => Pagination::offset("offset").with_page_size("limit", 5),
        Case::Page => Pagination::page("page", 1)
            .with_page_size("per_page", SERVER_PAGE)
            .with_items_path("results"),
        Case::LinkHeader => Pagination::link_header().with_items_path("items"),
        Case::NextUrlInBody => {
            Pagination::next_url(TokenSource::body("links.next")).with_items_path("items")
        }
        Case::NextUrlInHeader => {
            Pagination::next_url(TokenSource::header("Next-Page")).with_items_path("data")
        }
        Case::KeysetWithFlag => Pagination::keyset("starting_after", "id")
            .with_has_more("has_more")
            .with_items_path("data"),
        Case::KeysetUntilEmpty => Pagination::keyset("after", "/id"),
        Case::DeepTokenNeedsSize => Pagination::next_token(
            "page_token",
            TokenSource::body("response_metadata.paging.next.token"),
        )
        .with_items_path("results")
        .with_page_size("limit", SERVER_PAGE),
        Case::OffsetWithTotal => Pagination::offset("start")
            .with_page_size("count", SERVER_PAGE)
            .with_total_items("meta.total")
            .with_items_path("rows"),
        Case::PageWithTotalPages => Pagination::page("p", 0)
            .with_page_size("size", SERVER_PAGE)
            .with_total_pages("paging.pages")
            .with_items_path("entries"),
        Case::NextUriInBody => {
            Pagination::next_url(TokenSource::body("next_page_uri")).with_items_path("calls")
        }
    }
}

/// How many fetches a complete run takes: 4 pages, plus the empty page that ends the offset
/// and page styles.
fn expected_fetches(case: Case) -> usize {
    match case {
        Case::Offset | Case::Page | Case::KeysetUntilEmpty => 5,
        _ => 4,
    }
}

fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(n, _)| n == name).map(|(_, v)| v.into_owned())
}

fn body_param(request: &PageRequest, name: &str) -> Option<String> {
    request
        .params()
        .iter()
        .find(|p| p.name == name && p.location == ParamLocation::Body)
        .map(|p| p.value.as_text().into_owned())
}

/// The in-memory API: items 0..10, at most 3 per page.
fn respond(case: Case, request: &PageRequest) -> PageResponse {
    let url = request.apply_to_url(&Url::parse(BASE).unwrap());
    let number = |name: &str| query(&url, name).map(|v| v.parse::<u64>().unwrap());
    let (start, size) = match case {
        Case::TokenInBody => (query(&url, "NextToken").map_or(0, |t| token_start(&t)), 3),
        Case::TokenInHeader => (query(&url, "page_token").map_or(0, |t| token_start(&t)), 3),
        Case::TokenSentInBody => (body_param(request, "token").map_or(0, |t| token_start(&t)), 3),
        Case::Cursor => (number("cursor").unwrap_or(0), 3),
        Case::Offset => (number("offset").unwrap(), number("limit").unwrap().min(SERVER_PAGE)),
        Case::Page => {
            let size = number("per_page").unwrap();
            ((number("page").unwrap() - 1) * size, size)
        }
        Case::LinkHeader | Case::NextUrlInBody | Case::NextUrlInHeader | Case::NextUriInBody => {
            (number("after").unwrap_or(0), 3)
        }
        Case::KeysetWithFlag => (number("starting_after").map_or(0, |id| id + 1), 3),
        Case::KeysetUntilEmpty => (number("after").map_or(0, |id| id + 1), 3),
        // Without a page size, everything comes at once and no token.
        Case::DeepTokenNeedsSize => (
            query(&url, "page_token").map_or(0, |t| token_start(&t)),
            number("limit").unwrap_or(TOTAL),
        ),
        Case::OffsetWithTotal => (number("start").unwrap(), number("count").unwrap()),
        // Past the last page, the last page again.
        Case::PageWithTotalPages => {
            let size = number("size").unwrap();
            let last = (TOTAL - 1) / size;
            (number("p").unwrap().min(last) * size, size)
        }
    };
    let end = (start + size).min(TOTAL);
    let items: Vec<Value> = (start.min(TOTAL)..end).map(|id| json!({"id": id, "n": "x"})).collect();
    let more = end < TOTAL;
    let token = format!("tok-{end}");
    let next_url = format!("https://api.test/v1/items?after={end}");
    let (body, headers): (Value, Vec<(&str, String)>) = match case {
        Case::TokenInBody => (
            json!({"payload": {"Orders": items, "NextToken": more.then_some(token)}, "errors": []}),
            vec![],
        ),
        Case::TokenInHeader => {
            (json!(items), more.then_some(("x-next-token", token)).into_iter().collect())
        }
        Case::TokenSentInBody => (
            json!({"meta": {"next": if more { token } else { String::new() }}, "results": items}),
            vec![],
        ),
        Case::Cursor => (
            json!({"data": items, "meta": {"next_cursor": if more { json!(end) } else { Value::Null }}}),
            vec![],
        ),
        Case::Offset => (json!(items), vec![]),
        Case::Page => (json!({"results": items}), vec![]),
        Case::LinkHeader => {
            let mut link = r#"</v1/items?after=0>; rel="first"; title="a, b; c""#.to_string();
            if more {
                // Relative, and not the first link of the field.
                link.push_str(&format!(r#", <items?after={end}>; REL="next prefetch""#));
            }
            (
                json!({"items": items}),
                vec![
                    ("link", link),
                    ("link", r#"<https://api.test/v1/items?after=9>; rel=last"#.to_string()),
                ],
            )
        }
        Case::NextUrlInBody => {
            (json!({"items": items, "links": {"next": more.then_some(next_url)}}), vec![])
        }
        Case::NextUrlInHeader => {
            (json!({"data": items}), more.then_some(("Next-Page", next_url)).into_iter().collect())
        }
        Case::KeysetWithFlag => (json!({"data": items, "has_more": more}), vec![]),
        Case::KeysetUntilEmpty => (json!(items), vec![]),
        Case::DeepTokenNeedsSize => (
            json!({"results": items, "response_metadata": {"paging": {"next": {
                "token": more.then_some(token)}}}}),
            vec![],
        ),
        Case::OffsetWithTotal => (json!({"rows": items, "meta": {"total": TOTAL}}), vec![]),
        Case::PageWithTotalPages => (
            json!({"entries": items, "paging": {"pages": TOTAL.div_ceil(SERVER_PAGE).to_string()}}),
            vec![],
        ),
        Case::NextUriInBody => (
            json!({"calls": items, "next_page_uri": more.then(|| format!("/v1/items?after={end}"))}),
            vec![],
        ),
    };
    let mut response = PageResponse::new(url, serde_json::to_vec(&body).unwrap());
    for (name, value) in headers {
        response = response.with_header(name, &value);
    }
    response
}

fn token_start(token: &str) -> u64 {
    token.strip_prefix("tok-").unwrap().parse().unwrap()
}

type Log = Arc<Mutex<Vec<PageRequest>>>;

/// A fetch function serving `case` and logging every request.
fn api(case: Case) -> (impl FnMut(PageRequest) -> Ready<Result<PageResponse, Error>>, Log) {
    let log: Log = Arc::default();
    let seen = log.clone();
    let fetch = move |request: PageRequest| {
        seen.lock().unwrap().push(request.clone());
        ready(Ok(respond(case, &request)))
    };
    (fetch, log)
}

fn ids(items: &[Item]) -> Vec<u64> {
    items.iter().map(|i| i.id).collect()
}

#[test]
fn every_style_returns_each_item_once_in_order_and_stops() {
    for case in CASES {
        let (fetch, log) = api(case);
        let mut stream = pagination(case).items::<Item, _, _, _>(fetch);
        let items: Vec<Item> = block_on((&mut stream).try_collect()).unwrap();
        assert_eq!(ids(&items), (0..TOTAL).collect::<Vec<_>>(), "{case:?}");
        assert_eq!(log.lock().unwrap().len(), expected_fetches(case), "{case:?}");
        assert!(block_on(stream.next()).is_none(), "{case:?}");
        assert!(stream.checkpoint().is_finished(), "{case:?}");
        assert_eq!(stream.checkpoint().items_delivered(), TOTAL, "{case:?}");
    }
}

#[test]
fn pages_stream_yields_each_page_with_its_headers() {
    for case in CASES {
        let (fetch, _) = api(case);
        let pages: Vec<_> =
            block_on(pagination(case).pages::<Item, _, _, _>(fetch).try_collect::<Vec<_>>())
                .unwrap();
        let sizes: Vec<usize> = pages.iter().map(|p| p.items.len()).collect();
        assert_eq!(sizes, [3, 3, 3, 1], "{case:?}");
        let numbers: Vec<u64> = pages.iter().map(|p| p.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4], "{case:?}");
        if case == Case::LinkHeader {
            assert!(pages[0].headers.contains_key("link"));
            assert_eq!(pages[1].url.as_str(), "https://api.test/v1/items?after=3");
        }
    }
}

#[test]
fn only_one_page_is_fetched_ahead() {
    let (fetch, log) = api(Case::TokenInBody);
    let mut stream = pagination(Case::TokenInBody).items::<Item, _, _, _>(fetch);
    assert_eq!(block_on(stream.next()).unwrap().unwrap().id, 0);
    assert_eq!(log.lock().unwrap().len(), 1);
    for _ in 0..3 {
        block_on(stream.next()).unwrap().unwrap();
    }
    assert_eq!(log.lock().unwrap().len(), 2);
}

#[test]
fn resumed_stream_continues_exactly_where_it_stopped() {
    for case in CASES {
        for taken in 0..=TOTAL as usize {
            let (fetch, _) = api(case);
            let mut first = pagination(case).items::<Item, _, _, _>(fetch);
            let mut got = Vec::new();
            for _ in 0..taken {
                got.push(block_on(first.next()).unwrap().unwrap());
            }
            // The checkpoint survives storage.
            let stored = serde_json::to_string(&first.checkpoint()).unwrap();
            drop(first);
            let checkpoint: Checkpoint = serde_json::from_str(&stored).unwrap();
            assert_eq!(checkpoint.items_delivered(), taken as u64);

            let (fetch, log) = api(case);
            let rest: Vec<Item> = block_on(
                pagination(case)
                    .items::<Item, _, _, _>(fetch)
                    .resume_from(checkpoint)
                    .try_collect(),
            )
            .unwrap();
            got.extend(rest);
            assert_eq!(ids(&got), (0..TOTAL).collect::<Vec<_>>(), "{case:?} after {taken}");
            // Resuming never starts over from the first page.
            if taken > SERVER_PAGE as usize {
                assert_ne!(log.lock().unwrap().first(), Some(&PageRequest::First), "{case:?}");
            }
        }
    }
}

#[test]
fn pages_stream_resumes_at_the_next_page() {
    let case = Case::Offset;
    let (fetch, _) = api(case);
    let mut pages = pagination(case).pages::<Item, _, _, _>(fetch);
    let first = block_on(pages.next()).unwrap().unwrap();
    assert_eq!(ids(&first.items), [0, 1, 2]);
    let checkpoint = pages.checkpoint();
    let (fetch, _) = api(case);
    let rest: Vec<Item> = block_on(
        pagination(case)
            .pages::<Item, _, _, _>(fetch)
            .resume_from(checkpoint)
            .into_items()
            .try_collect(),
    )
    .unwrap();
    assert_eq!(ids(&rest), (3..TOTAL).collect::<Vec<_>>());
}

#[test]
fn item_and_page_limits_are_honoured_and_resumable() {
    let case = Case::Cursor;
    let (fetch, log) = api(case);
    let mut stream = pagination(case).with_max_items(5).items::<Item, _, _, _>(fetch);
    let items: Vec<Item> = block_on((&mut stream).try_collect()).unwrap();
    assert_eq!(ids(&items), [0, 1, 2, 3, 4]);
    assert_eq!(log.lock().unwrap().len(), 2);
    let checkpoint = stream.checkpoint();
    assert!(!checkpoint.is_finished());
    assert_eq!(checkpoint.skip(), 2);
    // The second page will be read again, so it is not counted yet.
    assert_eq!(checkpoint.pages_fetched(), 1);

    // A larger limit continues mid-page.
    let (fetch, _) = api(case);
    let more: Vec<Item> = block_on(
        pagination(case)
            .with_max_items(8)
            .items::<Item, _, _, _>(fetch)
            .resume_from(checkpoint)
            .try_collect(),
    )
    .unwrap();
    assert_eq!(ids(&more), [5, 6, 7]);

    let (fetch, log) = api(case);
    let items: Vec<Item> =
        block_on(pagination(case).with_max_pages(2).items::<Item, _, _, _>(fetch).try_collect())
            .unwrap();
    assert_eq!(ids(&items), [0, 1, 2, 3, 4, 5]);
    assert_eq!(log.lock().unwrap().len(), 2);

    let (fetch, log) = api(case);
    let none: Vec<Item> =
        block_on(pagination(case).with_max_items(0).items::<Item, _, _, _>(fetch).try_collect())
            .unwrap();
    assert!(none.is_empty());
    assert!(log.lock().unwrap().is_empty());
}

/// A scripted response: URL, body and headers.
type ScriptedPage = (&'static str, &'static str, Vec<(&'static str, &'static str)>);

/// A fetch function answering with `pages` in turn.
fn scripted(
    pages: Vec<ScriptedPage>,
) -> (impl FnMut(PageRequest) -> Ready<Result<PageResponse, Error>>, Log) {
    let log: Log = Arc::default();
    let seen = log.clone();
    let mut pages = pages.into_iter();
    let fetch = move |request: PageRequest| {
        seen.lock().unwrap().push(request);
        let (url, body, headers) = pages.next().expect("no more scripted pages");
        let mut response = PageResponse::new(Url::parse(url).unwrap(), body);
        for (name, value) in headers {
            response = response.with_header(name, value);
        }
        ready(Ok(response))
    };
    (fetch, log)
}

#[test]
fn next_url_on_another_origin_is_rejected_unless_allowed() {
    let script = || {
        scripted(vec![
            (
                "https://api.test/items",
                r#"{"items":[1,2],"next":"https://evil.test/items?p=2"}"#,
                vec![],
            ),
            ("https://evil.test/items?p=2", r#"{"items":[3]}"#, vec![]),
        ])
    };
    let p = Pagination::next_url(TokenSource::body("next")).with_items_path("items");

    let (fetch, log) = script();
    let mut stream = p.items::<u32, _, _, _>(fetch);
    // The first page is delivered; following the link is the error.
    assert_eq!(block_on(stream.next()).unwrap().unwrap(), 1);
    assert_eq!(block_on(stream.next()).unwrap().unwrap(), 2);
    let err = block_on(stream.next()).unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Request);
    assert!(err.to_string().contains("https://evil.test"), "{err}");
    assert!(block_on(stream.next()).is_none());
    assert_eq!(log.lock().unwrap().len(), 1);

    let (fetch, _) = script();
    let all: Vec<u32> =
        block_on(p.clone().with_cross_origin(true).items::<u32, _, _, _>(fetch).try_collect())
            .unwrap();
    assert_eq!(all, [1, 2, 3]);

    // Same for a Link header, and another port or scheme is another origin.
    for link in ["<http://api.test/items?p=2>; rel=next", "<https://api.test:8443/p2>; rel=next"] {
        let (fetch, _) = scripted(vec![("https://api.test/items", "[1]", vec![("link", link)])]);
        let result: Result<Vec<u32>, Error> =
            block_on(Pagination::link_header().items::<u32, _, _, _>(fetch).try_collect());
        assert_eq!(result.unwrap_err().kind(), ErrorKind::Request, "{link}");
    }
}

#[test]
fn a_page_that_points_to_itself_ends_the_stream() {
    let (fetch, log) = scripted(vec![
        ("https://api.test/items", "[1]", vec![("link", "</items?p=2>; rel=next")]),
        ("https://api.test/items?p=2", "[2]", vec![("link", "</items?p=2>; rel=next")]),
    ]);
    let all: Vec<u32> =
        block_on(Pagination::link_header().items::<u32, _, _, _>(fetch).try_collect()).unwrap();
    assert_eq!(all, [1, 2]);
    assert_eq!(log.lock().unwrap().len(), 2);

    let (fetch, log) = scripted(vec![
        ("https://api.test/items", r#"{"d":[1],"n":"a"}"#, vec![]),
        ("https://api.test/items?t=a", r#"{"d":[2],"n":"a"}"#, vec![]),
    ]);
    let p = Pagination::next_token("t", TokenSource::body("n")).with_items_path("d");
    let all: Vec<u32> = block_on(p.items::<u32, _, _, _>(fetch).try_collect()).unwrap();
    assert_eq!(all, [1, 2]);
    assert_eq!(log.lock().unwrap().len(), 2);
}

#[test]
fn relative_next_urls_resolve_against_the_page_url() {
    let (fetch, log) = scripted(vec![
        (
            "https://api.test/v2/records?_limit=2",
            r#"{"data":[1,2],"next":"records?_token=b"}"#,
            vec![],
        ),
        (
            "https://api.test/v2/records?_token=b",
            r#"{"data":[3],"next":"/v2/records?_token=c"}"#,
            vec![],
        ),
        ("https://api.test/v2/records?_token=c", r#"{"data":[],"next":null}"#, vec![]),
    ]);
    let p = Pagination::next_url(TokenSource::body("next")).with_items_path("data");
    let all: Vec<u32> = block_on(p.items::<u32, _, _, _>(fetch).try_collect()).unwrap();
    assert_eq!(all, [1, 2, 3]);
    let urls: Vec<String> =
        log.lock().unwrap().iter().filter_map(|r| r.url().map(|u| u.to_string())).collect();
    assert_eq!(
        urls,
        ["https://api.test/v2/records?_token=b", "https://api.test/v2/records?_token=c"]
    );
}

#[test]
fn streams_are_send_when_their_parts_are() {
    fn assert_send<S: Send>(_: &S) {}
    let (fetch, _) = api(Case::Offset);
    let items = pagination(Case::Offset).items::<Item, _, _, _>(fetch);
    assert_send(&items);
    let (fetch, _) = api(Case::Offset);
    assert_send(&pagination(Case::Offset).pages::<Item, _, _, _>(fetch));
}

#[test]
fn token_styles_continue_past_empty_pages() {
    let (fetch, _) = scripted(vec![
        ("https://api.test/x", r#"{"d":[],"n":"a"}"#, vec![]),
        ("https://api.test/x", r#"{"d":[1],"n":"b"}"#, vec![]),
        ("https://api.test/x", r#"{"d":null}"#, vec![]),
    ]);
    let p = Pagination::next_token("t", TokenSource::body("n")).with_items_path("d");
    let all: Vec<u32> = block_on(p.items::<u32, _, _, _>(fetch).try_collect()).unwrap();
    assert_eq!(all, [1]);
}

#[test]
fn a_false_has_more_ends_every_style_even_with_a_token() {
    let (fetch, log) = scripted(vec![
        ("https://api.test/x", r#"{"d":[1],"n":"a","more":true}"#, vec![]),
        ("https://api.test/x", r#"{"d":[2],"n":"b","more":false}"#, vec![]),
    ]);
    let p =
        Pagination::cursor("t", TokenSource::body("n")).with_items_path("d").with_has_more("more");
    let all: Vec<u32> = block_on(p.items::<u32, _, _, _>(fetch).try_collect()).unwrap();
    assert_eq!(all, [1, 2]);
    assert_eq!(log.lock().unwrap().len(), 2);
}

#[test]
fn a_keyset_page_whose_last_item_has_no_key_is_delivered_then_fails() {
    let (fetch, log) = scripted(vec![(
        "https://api.test/x",
        r#"{"data":[{"id":"a"},{"name":"no id"}],"has_more":true}"#,
        vec![],
    )]);
    let p = Pagination::keyset("starting_after", "id")
        .with_items_path("data")
        .with_has_more("has_more");
    let mut stream = p.items::<Value, _, _, _>(fetch);
    assert!(block_on(stream.next()).unwrap().is_ok());
    assert!(block_on(stream.next()).unwrap().is_ok());
    let err = block_on(stream.next()).unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("`id`"), "{err}");
    assert!(block_on(stream.next()).is_none());
    assert_eq!(log.lock().unwrap().len(), 1);

    // The last page of a keyset list needs no key when has_more says it is the last.
    let (fetch, _) = scripted(vec![(
        "https://api.test/x",
        r#"{"data":[{"name":"no id"}],"has_more":false}"#,
        vec![],
    )]);
    let all: Vec<Value> = block_on(p.items::<Value, _, _, _>(fetch).try_collect()).unwrap();
    assert_eq!(all.len(), 1);
}

#[test]
fn decode_errors_name_the_json_path_and_the_checkpoint_retries_the_page() {
    let p = Pagination::next_token("NextToken", TokenSource::body("payload.NextToken"))
        .with_items_path("payload.Orders");
    let (fetch, _) = scripted(vec![
        ("https://api.test/o", r#"{"payload":{"Orders":[{"id":1}],"NextToken":"b"}}"#, vec![]),
        ("https://api.test/o", r#"{"payload":{"Orders":[{"id":2},{"id":"three"}]}}"#, vec![]),
    ]);
    let mut stream = p.items::<Item, _, _, _>(fetch);
    assert_eq!(block_on(stream.next()).unwrap().unwrap().id, 1);
    let err = block_on(stream.next()).unwrap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert_eq!(err.json_path(), Some("payload.Orders[1].id"));
    assert!(block_on(stream.next()).is_none());
    let checkpoint = stream.checkpoint();
    assert_eq!(checkpoint.items_delivered(), 1);
    assert_eq!(checkpoint.skip(), 0);
    let Some(PageRequest::Params { params }) = checkpoint.next_request() else { panic!() };
    assert_eq!(params[0].value, ParamValue::Text("b".into()));
}

#[test]
fn fetch_errors_end_the_stream_and_can_be_retried_from_the_checkpoint() {
    let case = Case::Page;
    let mut calls = 0;
    let fetch = move |request: PageRequest| {
        calls += 1;
        ready(if calls == 2 {
            Err(Error::<Value>::new(ErrorKind::Transport, "connection reset"))
        } else {
            Ok(respond(case, &request))
        })
    };
    let mut stream = pagination(case).items::<Item, _, _, _>(fetch);
    let mut got: Vec<Item> = Vec::new();
    let err = loop {
        match block_on(stream.next()).unwrap() {
            Ok(item) => got.push(item),
            Err(err) => break err,
        }
    };
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(block_on(stream.next()).is_none());
    let (fetch, _) = api(case);
    let rest: Vec<Item> = block_on(
        pagination(case)
            .items::<Item, _, _, _>(fetch)
            .resume_from(stream.checkpoint())
            .try_collect(),
    )
    .unwrap();
    got.extend(rest);
    assert_eq!(ids(&got), (0..TOTAL).collect::<Vec<_>>());
}

#[test]
fn an_invalid_descriptor_is_the_first_item() {
    let (fetch, log) = api(Case::TokenInBody);
    let p = Pagination::next_token("t", TokenSource::body("a..b"));
    let mut stream = p.items::<Item, _, _, _>(fetch);
    assert_eq!(block_on(stream.next()).unwrap().unwrap_err().kind(), ErrorKind::Request);
    assert!(block_on(stream.next()).is_none());
    assert!(log.lock().unwrap().is_empty());
}

/// Over real HTTP: a local server pages with relative `Link` headers (and a first-page
/// filter in the query), and the fetch function is the few lines of glue a client needs.
#[tokio::test]
async fn link_header_pagination_over_a_local_http_server() {
    use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

    struct Pager;
    impl Respond for Pager {
        fn respond(&self, request: &Request) -> ResponseTemplate {
            let page: u64 = query(&request.url, "page").map_or(1, |p| p.parse().unwrap());
            let items: Vec<Value> =
                (page * 3 - 3..(page * 3).min(TOTAL)).map(|id| json!({"id": id})).collect();
            let mut response = ResponseTemplate::new(200).set_body_json(json!({"items": items}));
            if page * 3 < TOTAL {
                let link = format!(
                    r#"</repos/x/issues?page={}>; rel="next", </repos/x/issues?page=4>; rel="last""#,
                    page + 1
                );
                response = response.insert_header("link", link.as_str());
            }
            response
        }
    }

    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("GET")).respond_with(Pager).mount(&server).await;
    let first = Url::parse(&format!("{}/repos/x/issues?state=open", server.uri())).unwrap();
    let client = reqwest::Client::new();
    let fetch = |request: PageRequest| {
        let url = request.apply_to_url(&first);
        let client = client.clone();
        async move {
            let transport = |err: reqwest::Error| Error::new(ErrorKind::Transport, err.to_string());
            let response = client.get(url).send().await.map_err(transport)?;
            let (url, status, headers) =
                (response.url().clone(), response.status(), response.headers().clone());
            let body = response.bytes().await.map_err(transport)?;
            Ok::<_, Error>(PageResponse { url, status, headers, body })
        }
    };
    let p = Pagination::link_header().with_items_path("items");
    let items: Vec<Item> = p.items::<Item, _, _, _>(fetch).try_collect().await.unwrap();
    assert_eq!(ids(&items), (0..TOTAL).collect::<Vec<_>>());
    let requests = server.received_requests().await.unwrap();
    let queries: Vec<Option<&str>> = requests.iter().map(|r| r.url.query()).collect();
    assert_eq!(queries, [Some("state=open"), Some("page=2"), Some("page=3"), Some("page=4")]);
}

// ---- property tests ------------------------------------------------------------------------

/// A parameter value that needs quoting (commas, semicolons, quotes, backslashes, spaces).
fn quoted_value() -> impl Strategy<Value = String> {
    proptest::string::string_regex(r#"[a-zA-Z0-9 ,;="\\<>/.-]{0,12}"#).unwrap()
}

fn quote(value: &str) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn link_header_parser_recovers_every_link(
        links in proptest::collection::vec(
            (
                proptest::string::string_regex(r"[a-zA-Z0-9/?=&.:;,_-]{0,20}").unwrap(),
                proptest::sample::select(vec!["next", "prev", "last", "first", "next last"]),
                proptest::option::of(quoted_value()),
                any::<bool>(),
                any::<bool>(),
            ),
            0..5,
        ),
        spaces in 0usize..3,
    ) {
        let pad = " ".repeat(spaces);
        let fields: Vec<String> = links
            .iter()
            .map(|(target, rel, title, quote_rel, upper)| {
                let rel_value = if *quote_rel || rel.contains(' ') { quote(rel) } else { rel.to_string() };
                let name = if *upper { "REL" } else { "rel" };
                let mut field = format!("<{target}>{pad};{pad}{name}={rel_value}");
                if let Some(title) = title {
                    field.push_str(&format!(";{pad}title={}", quote(title)));
                }
                field
            })
            .collect();
        let header = fields.join(&format!(",{pad}"));
        let parsed = parse_link_header(&header);
        prop_assert_eq!(parsed.len(), links.len(), "{}", header);
        for (link, (target, rel, title, _, _)) in parsed.iter().zip(&links) {
            prop_assert_eq!(&link.target, target);
            prop_assert_eq!(link.param("rel"), Some(*rel));
            prop_assert_eq!(link.param("title"), title.as_deref());
            prop_assert_eq!(link.has_rel("next"), rel.split(' ').any(|r| r == "next"));
        }
    }

    #[test]
    fn link_header_parser_never_panics(header in ".{0,64}") {
        let _ = parse_link_header(&header);
    }
}

/// Keys drawn from a small set, so noise often reuses the keys of the paths.
fn key() -> impl Strategy<Value = String> {
    proptest::sample::select(vec!["a", "b", "c", "d.e", "0", "items"]).prop_map(str::to_string)
}

fn json_noise() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i32>().prop_map(Value::from),
        "[a-z\"\\\\]{0,5}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..4)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// Sets `value` at `segments` in `doc`, turning whatever is in the way into objects.
fn set_path(doc: &mut Value, segments: &[String], value: Value) {
    match segments.split_first() {
        None => *doc = value,
        Some((first, rest)) => {
            if !doc.is_object() {
                *doc = Value::Object(Default::default());
            }
            let map = doc.as_object_mut().unwrap();
            set_path(map.entry(first.clone()).or_insert(Value::Null), rest, value);
        }
    }
}

fn pointer(segments: &[String]) -> String {
    segments.iter().map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1"))).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn path_walker_finds_the_items_and_the_token_anywhere(
        noise in json_noise(),
        items_path in proptest::collection::vec(key(), 1..4),
        token_path in proptest::collection::vec(key(), 1..4),
        items in proptest::collection::vec(json_noise(), 0..5),
        token in "[a-zA-Z0-9+/=]{1,12}",
        dotted in any::<bool>(),
    ) {
        prop_assume!(!items_path.starts_with(&token_path) && !token_path.starts_with(&items_path));
        let mut doc = noise;
        set_path(&mut doc, &items_path, Value::Array(items.clone()));
        set_path(&mut doc, &token_path, Value::String(token.clone()));
        // The oracle: serde_json's own pointer lookup on the finished document.
        let expected_items = doc.pointer(&pointer(&items_path)).cloned().unwrap();
        let expected_token = doc.pointer(&pointer(&token_path)).cloned().unwrap();
        prop_assert_eq!(&expected_items, &Value::Array(items));
        prop_assert_eq!(&expected_token, &Value::String(token.clone()));

        let body = serde_json::to_vec(&doc).unwrap();
        let fetch = move |_request: PageRequest| {
            ready(Ok::<_, Error>(PageResponse::new(Url::parse("https://h.test/").unwrap(), body.clone())))
        };
        // Paths written dotted when their keys allow it, as JSON pointers otherwise.
        let written = |segments: &[String]| {
            if dotted && segments.iter().all(|s| !s.contains('.')) {
                segments.join(".")
            } else {
                pointer(segments)
            }
        };
        let p = Pagination::next_token("t", TokenSource::body(written(&token_path)))
            .with_items_path(written(&items_path))
            .with_max_pages(1);
        let mut stream = p.items::<Value, _, _, _>(fetch);
        let got: Vec<Value> = block_on((&mut stream).try_collect()).unwrap();
        prop_assert_eq!(Value::Array(got), expected_items);
        let checkpoint = stream.checkpoint();
        let Some(PageRequest::Params { params }) = checkpoint.next_request() else {
            return Err(TestCaseError::fail("no next request"));
        };
        prop_assert_eq!(&params[0].value, &ParamValue::Text(token));
    }
}
