//! Pagination glue: turns the engine's [`PageRequest`]s into calls of the client.

use futures::future::BoxFuture;
use http::HeaderValue;

use super::exec::{self, Prepared};
use super::http_client::HttpClient;
use crate::error::{ApiErrorBody, Error};
use crate::paginate::{Items, PageRequest, PageResponse, Pages};
use crate::retry::generate_key;

/// The future of one page fetch; a failed page's API body is typed as `E`.
pub type PageFuture<'a, E = serde_json::Value> = BoxFuture<'a, Result<PageResponse, Error<E>>>;

/// The fetch function the client hands to the pagination engine.
pub type PageFetch<'a, E = serde_json::Value> =
    Box<dyn FnMut(PageRequest) -> PageFuture<'a, E> + Send + 'a>;

/// The pages of a request, from [`RequestBuilder::pages`](super::RequestBuilder::pages) (the
/// error body untyped) or [`RequestBuilder::pages_typed`](super::RequestBuilder::pages_typed)
/// (the error body decoded as `E`).
pub type ClientPages<'a, T, E = serde_json::Value> =
    Pages<T, E, PageFetch<'a, E>, PageFuture<'a, E>>;

/// The items of a request, from [`RequestBuilder::items`](super::RequestBuilder::items) or
/// [`RequestBuilder::items_typed`](super::RequestBuilder::items_typed).
pub type ClientItems<'a, T, E = serde_json::Value> =
    Items<T, E, PageFetch<'a, E>, PageFuture<'a, E>>;

/// A fetch function for the engine: each page is one call (retries, auth and limits
/// included) of the prepared request with the page's parameters or URL; a failed page's
/// API body is decoded as `E`.
pub(crate) fn fetcher<'a, E: ApiErrorBody + Send + 'a>(
    prepared: Result<(&'a HttpClient, Prepared<'a>), Error>,
) -> PageFetch<'a, E> {
    let mut state = match prepared {
        Ok((client, call)) => Ok((client, call)),
        Err(err) => Err(Some(err)),
    };
    Box::new(move |request: PageRequest| -> PageFuture<'a, E> {
        let (client, call) = match &mut state {
            Ok((client, call)) => (*client, page_call(call, &request)),
            Err(err) => {
                let err = err.take().unwrap_or_else(|| {
                    Error::new(crate::ErrorKind::Request, "the paginated request is invalid")
                });
                return Box::pin(std::future::ready(Err(err.typed())));
            }
        };
        Box::pin(async move {
            let call = call.map_err(Error::typed)?;
            let response = exec::send_buffered(client, &call).await.map_err(Error::typed)?;
            let (status, headers, url, body) = response.into_parts();
            Ok(PageResponse { url, status, headers, body })
        })
    })
}

/// The call for one page: the caller's request with the page's query or body parameters
/// set, or sent to the page's URL.
fn page_call<'a>(base: &Prepared<'a>, request: &PageRequest) -> Result<Prepared<'a>, Error> {
    let mut call = base.clone();
    match request {
        PageRequest::First => return Ok(call),
        PageRequest::Url { url } => call.url = url.clone(),
        PageRequest::Params { .. } => {
            call.url = request.apply_to_url(&base.url);
            request.apply_to_headers(&mut call.headers);
            if request.has_body_params() {
                let mut body: serde_json::Value = match &base.body {
                    Some(bytes) if !bytes.is_empty() => crate::client::decode_json(bytes)?,
                    _ => serde_json::Value::Object(serde_json::Map::new()),
                };
                request.apply_to_json(&mut body);
                let bytes = serde_json::to_vec(&body).map_err(|e| {
                    Error::new(
                        crate::ErrorKind::Request,
                        format!("the page body could not be encoded: {e}"),
                    )
                })?;
                call.body = Some(bytes.into());
                call.headers.insert(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
            }
        }
    }
    // Each page is its own call: a generated idempotency key is not reused across pages.
    if let Some(name) = &call.generated_key_header
        && let Ok(value) = HeaderValue::from_str(&generate_key())
    {
        call.headers.insert(name.clone(), value);
    }
    Ok(call)
}
