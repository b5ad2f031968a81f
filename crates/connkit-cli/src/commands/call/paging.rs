//! `--all`: every item of every page as NDJSON, streamed as pages arrive. The operation's
//! pagination comes from the manifest or the analysis; where none is known, the response's
//! standard next-page signals (RFC 8288 `Link: rel="next"`, a `Next-Page` header) are
//! followed, and `-v` says so.

use connkit::paginate::{Page, PageRequest, PageResponse, Pagination, TokenSource, find_link};
use futures::StreamExt;
use serde_json::Value;

use super::output::Output;
use super::{CallRequest, Failure};

/// The header some APIs (Kinto) put the next page's URL in.
const NEXT_PAGE_HEADER: &str = "Next-Page";

/// Describes a next-page signal of a response for `-v`, if it has one.
pub(super) fn next_page_signal(headers: &http::HeaderMap) -> Option<String> {
    if let Some(next) = link_next(headers) {
        return Some(format!("Link rel=\"next\" -> {next}"));
    }
    headers
        .get(NEXT_PAGE_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(|v| format!("{NEXT_PAGE_HEADER} -> {}", redact_query(v)))
}

fn link_next(headers: &http::HeaderMap) -> Option<String> {
    find_link(headers, "next").map(|target| redact_query(&target))
}

/// A next URL for the log: its query is dropped (it may carry a token).
fn redact_query(url: &str) -> String {
    match url.split_once('?') {
        Some((head, _)) => format!("{head}?…"),
        None => url.to_string(),
    }
}

/// Runs the call with pagination and writes every item as NDJSON.
pub(super) async fn all(
    request: &CallRequest<'_>,
    pagination: Option<Pagination>,
    max_pages: Option<u64>,
    output: &Output,
    verbose: bool,
) -> Result<(), Failure> {
    output.start_items().map_err(Failure::Output)?;
    let (pagination, first) = match pagination {
        Some(pagination) => (pagination, None),
        None => {
            let first = fetch(request, PageRequest::First, verbose).await.map_err(Failure::Api)?;
            match detect(&first) {
                Some((pagination, how)) => {
                    if verbose {
                        eprintln!(
                            "no pagination known for {}: following {how}",
                            request.operation.id()
                        );
                    }
                    (pagination, Some(first))
                }
                None => {
                    eprintln!(
                        "`{}` does not page: no pagination is detected or declared for it and its \
                         answer points to no next page, so --all printed this one answer's items; \
                         if it does page, declare it under [operations.\"ID\".pagination] in \
                         connector.toml",
                        request.operation.id()
                    );
                    // One page: its items (the body's array), or the body as one item.
                    let body: Value = serde_json::from_slice(&first.body).unwrap_or(Value::Null);
                    let items = match items_field(&body) {
                        Some(field) => {
                            body.get(&field).and_then(Value::as_array).cloned().unwrap_or_default()
                        }
                        None => match body {
                            Value::Array(items) => items,
                            Value::Null => Vec::new(),
                            other => vec![other],
                        },
                    };
                    return output.items(&items).map_err(Failure::Output);
                }
            }
        }
    };
    let pagination = match max_pages {
        Some(n) => pagination.with_max_pages(n),
        None => pagination,
    };
    let mut cached = first;
    let fetch_page = |page: PageRequest| {
        let cached = if matches!(page, PageRequest::First) { cached.take() } else { None };
        async move {
            match cached {
                Some(response) => Ok(response),
                None => fetch(request, page, verbose).await,
            }
        }
    };
    let mut pages = std::pin::pin!(pagination.pages::<Value, serde_json::Value, _, _>(fetch_page));
    while let Some(page) = pages.next().await {
        let page: Page<Value> = page.map_err(Failure::Api)?;
        output.items(&page.items).map_err(Failure::Output)?;
    }
    Ok(())
}

/// One page through the runtime client (non-success statuses are errors).
async fn fetch(
    request: &CallRequest<'_>,
    page: PageRequest,
    verbose: bool,
) -> Result<PageResponse, connkit::Error> {
    let response = request.build(&page).send().await?;
    if verbose {
        eprintln!(
            "{} {} -> {} ({} bytes)",
            request.operation.method(),
            request.http.redact_url(response.url()),
            response.status(),
            response.bytes().len()
        );
    }
    Ok(PageResponse {
        url: response.url().clone(),
        status: response.status(),
        headers: response.headers().clone(),
        body: response.bytes().clone(),
    })
}

/// A pagination from the first response's standard signals, with a description for `-v`.
fn detect(first: &PageResponse) -> Option<(Pagination, &'static str)> {
    let body: Value = serde_json::from_slice(&first.body).ok()?;
    let items_path = items_field(&body);
    if items_path.is_none() && !body.is_array() {
        return None;
    }
    let (pagination, how) = if link_next(&first.headers).is_some() {
        (Pagination::link_header(), "the Link rel=\"next\" header")
    } else if first.headers.contains_key(NEXT_PAGE_HEADER) {
        (Pagination::next_url(TokenSource::header(NEXT_PAGE_HEADER)), "the Next-Page header")
    } else {
        return None;
    };
    Some((
        match items_path {
            Some(path) => pagination.with_items_path(path),
            None => pagination,
        },
        how,
    ))
}

/// The field of an object body that holds the items: a conventional name, else the only
/// array-valued field.
fn items_field(body: &Value) -> Option<String> {
    let object = body.as_object()?;
    for name in ["data", "items", "results", "records", "entries", "payload"] {
        if object.get(name).is_some_and(Value::is_array) {
            return Some(name.to_string());
        }
    }
    let mut arrays = object.iter().filter(|(_, v)| v.is_array());
    match (arrays.next(), arrays.next()) {
        (Some((name, _)), None) => Some(name.clone()),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn finds_the_items_field() {
        assert_eq!(items_field(&json!({"data": [], "meta": []})).as_deref(), Some("data"));
        assert_eq!(items_field(&json!({"things": [1], "n": 1})).as_deref(), Some("things"));
        assert_eq!(items_field(&json!({"a": [1], "b": [2]})), None);
        assert_eq!(items_field(&json!([1])), None);
    }

    #[test]
    fn next_page_signals_hide_tokens() {
        let mut headers = http::HeaderMap::new();
        headers.insert("next-page", "http://h/v1/r?_token=secret".parse().unwrap());
        assert_eq!(next_page_signal(&headers).as_deref(), Some("Next-Page -> http://h/v1/r?…"));
        headers.insert("link", "<http://h/p2?page=2>; rel=\"next\"".parse().unwrap());
        assert_eq!(
            next_page_signal(&headers).as_deref(),
            Some("Link rel=\"next\" -> http://h/p2?…")
        );
    }
}
