//! The HTTP client: [`HttpClient`] and its [`ClientBuilder`], [`Operation`] descriptors,
//! [`RequestBuilder`], [`Response`] / [`ApiResponse`], and the [`Transport`] it sends through.

mod builder;
mod exec;
mod http_client;
mod multipart;
mod operation;
mod pages;
mod query;
mod request;
mod response;
mod transport;
mod url;

pub use builder::{ClientBuilder, DEFAULT_HOST, DEFAULT_USER_AGENT};
pub use http_client::HttpClient;
pub use multipart::Multipart;
pub use operation::Operation;
pub use pages::{ClientItems, ClientPages, PageFetch, PageFuture};
pub use query::QueryValue;
pub use request::RequestBuilder;
pub use response::{
    ApiResponse, REQUEST_ID_HEADERS, Response, StreamingResponse, decode_json, request_id,
};
pub use transport::{
    AttemptRequest, AttemptResponse, ReqwestTransport, ResponseBody, Transport, TransportError,
    TransportErrorKind,
};
