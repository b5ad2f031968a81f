//! The HTTP client: [`HttpClient`] and its [`ClientBuilder`], [`Operation`] descriptors,
//! [`RequestBuilder`], [`Response`] / [`ApiResponse`], and the [`Transport`] it sends through.
//!
//! A **call** is one [`RequestBuilder`] sent; it makes one or more **attempts** (retries, the
//! replay after a token refresh, redirects), each rate-limited, authorized (on the base URLs'
//! origins only), timed out and traced (`connkit.call` and `connkit.attempt` spans).
//!
//! ```no_run
//! # async fn run() -> Result<(), connkit::Error> {
//! use std::time::Duration;
//! use connkit::auth::RefreshToken;
//! use connkit::ratelimit::Quota;
//! use connkit::retry::RetryPolicy;
//! use connkit::{ApiResponse, HttpClient, Method, Operation};
//!
//! pub const GET_ORDER: Operation =
//!     Operation::new("ordersV0.getOrder", Method::GET, "/orders/v0/orders/{orderId}");
//!
//! let client = HttpClient::builder()
//!     .base_url("https://sellingpartnerapi-na.amazon.com")
//!     .host("uploads", "https://tt-uploads.example")
//!     .user_agent("amazon-connector/0.1 connkit/0.1")
//!     .default_header("x-api-version", "2")
//!     .connect_timeout(Duration::from_secs(5))
//!     .timeout(Duration::from_secs(30))
//!     .call_timeout(Duration::from_secs(120))
//!     .auth(RefreshToken::lwa("client-id", "client-secret", "refresh-token"))
//!     .retry(RetryPolicy::default().max_retries(3))
//!     .rate_limit(Quota::new(10.0, 5)?)
//!     .operation_rate_limit("ordersV0.getOrder", Quota::new(0.5, 30)?)
//!     .build()?;
//!
//! let response = client.request(&GET_ORDER).path_param("orderId", "902-3159896-1390916").send().await?;
//! let order: ApiResponse<serde_json::Value> = response.json()?;
//! println!("{} request id {:?}", *order, order.request_id());
//! # Ok(()) }
//! ```

mod builder;
mod exec;
mod http_client;
mod multipart;
mod operation;
mod pages;
mod query;
mod request;
mod response;
mod shared;
mod style;
mod transport;
mod url;

pub use builder::{
    ClientBuilder, DEFAULT_HOST, DEFAULT_SHARED_COMMAND_TIMEOUT, DEFAULT_USER_AGENT,
};
pub use http_client::HttpClient;
pub use multipart::Multipart;
pub use operation::Operation;
pub use pages::{ClientItems, ClientPages, PageFetch, PageFuture};
pub use query::QueryValue;
pub use request::RequestBuilder;
pub use response::{
    ApiResponse, REQUEST_ID_HEADERS, Response, StreamingResponse, decode_json, request_id,
};
pub use style::{ParamStyle, Style};
pub use transport::{
    AttemptRequest, AttemptResponse, ReadBody, ReqwestTransport, ResponseBody, Transport,
    TransportError, TransportErrorKind,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}
    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn handles_and_futures_can_cross_threads() {
        assert_send_sync::<HttpClient>();
        assert_send_sync::<Operation>();
        let client = HttpClient::builder().base_url("https://api.test").build().unwrap();
        let op = Operation::new("get", http::Method::GET, "/x");
        assert_send(&client.request(&op).send());
        assert_send(&client.request(&op).send_streaming());
        let pagination = crate::paginate::Pagination::link_header();
        assert_send(&client.request(&op).items::<serde_json::Value>(&pagination));
    }
}
