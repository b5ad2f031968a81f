//! Pagination: one descriptor, one `Stream` of items, for every paging style.
//!
//! A [`Pagination`] says how an operation pages ([`PageStyle`]: next token or cursor from the
//! body at any depth or from a header, keyset (the last item's key, `starting_after`), offset,
//! page number, RFC 8288 `Link` header, next URL or URI in the body or a header), where the
//! items are in the body, what else of the body says where the list ends (a `has_more` flag,
//! the total of items or pages), the page size to ask for, and optional limits. [`Pagination::items`] turns it into a lazy [`Items`]
//! stream (or [`Pagination::pages`] into a [`Pages`] stream) given a *fetch function*: the
//! engine never sends requests itself, it asks for each page with a [`PageRequest`] and gets a
//! [`PageResponse`] back, so the HTTP client (`RequestBuilder::items`) and tests plug in the
//! same way.
//!
//! - **Lazy and bounded**: one page is fetched when the previous one's items are taken; only
//!   that page is in memory. Each body is decoded in one pass straight into the items and the
//!   next token (no intermediate `serde_json::Value`).
//! - **Stops** on a missing, null or empty token or URL, and, for the offset, page and keyset
//!   styles, on an empty page; on a `has_more` flag that is `false`; for the offset style when
//!   the next offset reaches `total_items`, for the page style after `total_pages` pages; also
//!   when the API points at the page just read; and at `max_pages` or `max_items`.
//! - **Page size**: the size the descriptor asks for is sent only where the caller's request
//!   has none, so a caller's own choice wins.
//! - **Resumable**: a [`Checkpoint`] (serializable) taken between any two items continues
//!   exactly there, mid-page included.
//! - **Same origin**: a next URL on another origin than the first page's is an error of kind
//!   [`Request`](crate::ErrorKind::Request) unless `allow_cross_origin` is set.
//!
//! # Example
//!
//! ```
//! use connkit::paginate::{PageRequest, PageResponse, Pagination, TokenSource};
//! use futures::{StreamExt, TryStreamExt};
//!
//! # async fn run() -> Result<(), connkit::Error> {
//! let pagination = Pagination::next_token("NextToken", TokenSource::body("payload.NextToken"))
//!     .with_items_path("payload.Orders");
//! let base = url::Url::parse("https://api.example/orders").unwrap();
//! // A fetch function serving two pages from memory; a connector's comes from its client.
//! let fetch = |request: PageRequest| {
//!     let url = request.apply_to_url(&base);
//!     async move {
//!         let body = match url.query() {
//!             None => r#"{"payload":{"Orders":[1,2],"NextToken":"t2"}}"#,
//!             Some(_) => r#"{"payload":{"Orders":[3]}}"#,
//!         };
//!         Ok::<_, connkit::Error>(PageResponse::new(url, body))
//!     }
//! };
//! let orders: Vec<u32> = pagination.items::<u32, _, _, _>(fetch).try_collect().await?;
//! assert_eq!(orders, [1, 2, 3]);
//! # Ok(())
//! # }
//! # futures::executor::block_on(run()).unwrap();
//! ```

mod checkpoint;
mod decode;
mod descriptor;
mod engine;
mod link;
mod path;
mod request;
mod stream;

pub use checkpoint::Checkpoint;
pub use descriptor::{PageSize, PageStyle, Pagination, ParamLocation, TokenSource};
pub use link::{Link, find_link, parse_link_header};
pub use path::JsonPath;
pub use request::{Page, PageParam, PageRequest, PageResponse, ParamValue};
pub use stream::{Items, Pages};
