//! [`RequestBuilder`]: one call being put together. Setters never fail: the first problem is
//! kept and reported by `send`.

use std::fmt;
use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use super::exec::{self, Prepared};
use super::http_client::HttpClient;
use super::multipart::Multipart;
use super::operation::Operation;
use super::pages::{ClientItems, ClientPages};
use super::query::QueryValue;
use super::response::{ApiResponse, Response, StreamingResponse};
use super::style::{self, ParamStyle};
use crate::error::{ApiErrorBody, Error, ErrorKind};
use crate::paginate::Pagination;
use crate::retry::{DEFAULT_IDEMPOTENCY_HEADER, generate_key};

/// Bytes a cookie value cannot hold as is (RFC 6265 `cookie-octet`), plus `%` so that the
/// encoding is reversible.
const COOKIE_VALUE: &AsciiSet =
    &CONTROLS.add(b' ').add(b'"').add(b',').add(b';').add(b'\\').add(b'%');

/// One call of an [`Operation`] being built: path parameters, query, headers, body.
///
/// ```no_run
/// # async fn run(client: connkit::HttpClient) -> Result<(), connkit::Error> {
/// use connkit::{Method, Operation};
///
/// const GET_ORDERS: Operation = Operation::new("getOrders", Method::GET, "/orders/v0/orders");
/// let response = client
///     .request(&GET_ORDERS)
///     .query("MarketplaceIds", &["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"])
///     .query_csv("OrderStatuses", &["Shipped", "Unshipped"])
///     .query("NextToken", None::<String>)
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a request does nothing until it is sent"]
pub struct RequestBuilder<'a> {
    client: &'a HttpClient,
    operation: &'a Operation,
    /// Name, value, and whether the value is already encoded (a styled expansion).
    path_params: Vec<(String, String, bool)>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    idempotency_key: Option<String>,
    body: Option<(Bytes, Option<HeaderValue>)>,
    url: Option<Url>,
    timeout: Option<Duration>,
    error: Option<Error>,
}

impl<'a> RequestBuilder<'a> {
    pub(crate) fn new(client: &'a HttpClient, operation: &'a Operation) -> Self {
        Self {
            client,
            operation,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            idempotency_key: None,
            body: None,
            url: None,
            timeout: None,
            error: None,
        }
    }

    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(Error::new(ErrorKind::Request, message));
        }
    }

    /// Sets path parameter `name`; the value is percent-encoded as exactly one path segment
    /// (`a/b?c#d e` adds no segment, query or fragment).
    pub fn path_param(mut self, name: &str, value: impl fmt::Display) -> Self {
        self.path_params.push((name.to_owned(), value.to_string(), false));
        self
    }

    /// Sets path parameter `name` from any serializable value, as OpenAPI's default
    /// (`simple`) style writes it: strings as they are, numbers and booleans in their JSON
    /// form, array elements comma-joined; one percent-encoded segment.
    pub fn path_value<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match self.plain(&format!("path parameter `{name}`"), value) {
            Some(values) => self.path_param(name, values.join(",")),
            None => self,
        }
    }

    /// Sets path parameter `name` written in `style` (`simple`, `label` or `matrix`, exploded
    /// or not): arrays and objects expand as OpenAPI describes (`.a.b`, `;id=3;id=4`,
    /// `R=100,G=200`), each piece percent-encoded. `None` (JSON `null`) is reported by `send`
    /// as an unset parameter.
    pub fn path_styled<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        style: ParamStyle,
    ) -> Self {
        match style::to_value(value) {
            Ok(value) => {
                if let Some(text) = style.path_text(name, &value, super::url::SEGMENT) {
                    self.path_params.push((name.to_owned(), text, true));
                }
            }
            Err(why) => self.fail(format!("path parameter `{name}`: {why}")),
        }
        self
    }

    /// Adds query parameter `name`: one value per element of a slice (repeated parameter),
    /// nothing for `None`.
    pub fn query(mut self, name: &str, value: impl QueryValue) -> Self {
        let mut values = Vec::new();
        value.push_values(&mut values);
        self.query.extend(values.into_iter().map(|v| (name.to_owned(), v)));
        self
    }

    /// Adds query parameter `name` from any serializable value, as OpenAPI's default (`form`,
    /// exploded) style writes it: one value per array element (the parameter repeated),
    /// nothing for `None`; strings as they are, numbers and booleans in their JSON form.
    pub fn query_value<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match self.plain(&format!("query parameter `{name}`"), value) {
            Some(values) => self.query(name, values),
            None => self,
        }
    }

    /// Like [`RequestBuilder::query_value`], the values comma-joined in one parameter (`form`
    /// not exploded: `Statuses=a,b`).
    pub fn query_csv_value<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match self.plain(&format!("query parameter `{name}`"), value) {
            Some(values) => self.query_csv(name, values),
            None => self,
        }
    }

    /// Sets header `name` from any serializable value (array elements comma-joined); `None`
    /// sets nothing.
    pub fn header_value<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match self.plain(&format!("header `{name}`"), value) {
            Some(values) if !values.is_empty() => self.header(name, values.join(",")),
            _ => self,
        }
    }

    /// Adds cookie `name` from any serializable value (array elements comma-joined); `None`
    /// adds nothing.
    pub fn cookie_value<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        match self.plain(&format!("cookie `{name}`"), value) {
            Some(values) if !values.is_empty() => self.cookie(name, Some(values.join(","))),
            _ => self,
        }
    }

    /// The idempotency key of this call from the operation's idempotency header parameter
    /// (see [`RequestBuilder::idempotency_key`]); `None` lets the runtime generate one.
    pub fn idempotency_key_value<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match self.plain("the idempotency key", value) {
            Some(values) if !values.is_empty() => self.idempotency_key(Some(values.join(","))),
            _ => self,
        }
    }

    /// The plain textual values of `value`, or `None` after recording why it does not
    /// serialize.
    fn plain<T: Serialize + ?Sized>(&mut self, what: &str, value: &T) -> Option<Vec<String>> {
        match style::to_value(value) {
            Ok(value) => Some(style::plain_values(&value)),
            Err(why) => {
                self.fail(format!("{what}: {why}"));
                None
            }
        }
    }

    /// Adds query parameter `name` once, its values comma-joined (`Statuses=a,b`); nothing
    /// when there is no value.
    pub fn query_csv(mut self, name: &str, value: impl QueryValue) -> Self {
        let mut values = Vec::new();
        value.push_values(&mut values);
        if !values.is_empty() {
            self.query.push((name.to_owned(), values.join(",")));
        }
        self
    }

    /// Adds query parameter `name` written in `style`: `form` exploded or not,
    /// `spaceDelimited`, `pipeDelimited` or `deepObject` (`filter[status]=open`); objects and
    /// arrays expand as OpenAPI describes, `None` adds nothing.
    pub fn query_styled<T: Serialize + ?Sized>(
        mut self,
        name: &str,
        value: &T,
        style: ParamStyle,
    ) -> Self {
        match style::to_value(value) {
            Ok(value) => self.query.extend(style.query_pairs(name, &value)),
            Err(why) => self.fail(format!("query parameter `{name}`: {why}")),
        }
        self
    }

    /// Sets header `name` to `value` written in the `simple` style (arrays `a,b`, objects
    /// `k,v` or, exploded, `k=v`); `None` sets nothing.
    pub fn header_styled<T: Serialize + ?Sized>(
        self,
        name: &str,
        value: &T,
        style: ParamStyle,
    ) -> Self {
        match style::to_value(value) {
            Ok(value) => self.header_opt(name, style.header_text(&value)),
            Err(why) => {
                let mut this = self;
                this.fail(format!("header `{name}`: {why}"));
                this
            }
        }
    }

    /// Adds cookie `name` with `value` written in the `form` style (arrays and objects
    /// comma-joined, see [`RequestBuilder::cookie`]); `None` adds nothing.
    pub fn cookie_styled<T: Serialize + ?Sized>(
        self,
        name: &str,
        value: &T,
        style: ParamStyle,
    ) -> Self {
        match style::to_value(value) {
            Ok(value) => self.cookie(name, style.header_text(&value)),
            Err(why) => {
                let mut this = self;
                this.fail(format!("cookie `{name}`: {why}"));
                this
            }
        }
    }

    /// Sets header `name` (replacing a default header of the same name).
    pub fn header(mut self, name: &str, value: impl fmt::Display) -> Self {
        match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value.to_string())) {
            (Ok(name), Ok(value)) => {
                self.headers.insert(name, value);
            }
            (Err(_), _) => self.fail(format!("`{name}` is not a valid header name")),
            (_, Err(_)) => {
                self.fail(format!("the value of header `{name}` is not a valid header value"))
            }
        }
        self
    }

    /// Sets header `name` when `value` is `Some`.
    pub fn header_opt(self, name: &str, value: Option<impl fmt::Display>) -> Self {
        match value {
            Some(value) => self.header(name, value),
            None => self,
        }
    }

    /// Adds cookie `name` to the request's `Cookie` header when `value` is `Some` (OpenAPI
    /// `in: cookie` parameters). Characters RFC 6265 does not allow in a cookie value
    /// (controls, space, `"`, `,`, `;`, `\\`, non-ASCII) are percent-encoded; a name that is not
    /// an HTTP token is reported by `send`.
    pub fn cookie(mut self, name: &str, value: Option<impl fmt::Display>) -> Self {
        let Some(value) = value else { return self };
        let is_token = |b: u8| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b);
        if name.is_empty() || !name.bytes().all(is_token) {
            self.fail(format!("`{name}` is not a valid cookie name"));
            return self;
        }
        let value = value.to_string();
        let pair = format!("{name}={}", utf8_percent_encode(&value, COOKIE_VALUE));
        let mut joined = Vec::new();
        if let Some(existing) = self.headers.get(http::header::COOKIE) {
            joined.extend_from_slice(existing.as_bytes());
            joined.extend_from_slice(b"; ");
        }
        joined.extend_from_slice(pair.as_bytes());
        match HeaderValue::from_bytes(&joined) {
            Ok(header) => {
                self.headers.insert(http::header::COOKIE, header);
            }
            Err(_) => {
                self.fail(format!("the value of cookie `{name}` is not a valid header value"))
            }
        }
        self
    }

    /// The idempotency key of this call. `None` with a declared idempotency header gets one
    /// generated key; a key makes a POST or PATCH safe to retry. Sent unchanged on every
    /// attempt, in the operation's declared header (else `Idempotency-Key`).
    pub fn idempotency_key(mut self, key: Option<impl Into<String>>) -> Self {
        self.idempotency_key = key.map(Into::into);
        self
    }

    /// A JSON body.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => {
                self.body =
                    Some((bytes.into(), Some(HeaderValue::from_static("application/json"))));
            }
            Err(err) => self.fail(format!("the JSON body could not be serialized: {err}")),
        }
        self
    }

    /// A form body (`application/x-www-form-urlencoded`) of an object: scalars `key=value`,
    /// arrays of scalars repeated (`tag=a&tag=b`), nested objects and arrays in bracket
    /// notation (`metadata[order_id]=6735`, `items[0][price]=p_1`), `null` left out.
    pub fn form<T: Serialize + ?Sized>(self, body: &T) -> Self {
        self.form_styled(body, &[])
    }

    /// Like [`RequestBuilder::form`], with the `style` the API's `encoding` declares for some
    /// top-level properties (`expand` as `deepObject`: `expand[0]=customer`).
    pub fn form_styled<T: Serialize + ?Sized>(
        mut self,
        body: &T,
        encodings: &[(&str, ParamStyle)],
    ) -> Self {
        let pairs = style::to_value(body).and_then(|value| style::form_pairs(&value, encodings));
        match pairs {
            Ok(pairs) => {
                let text = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(pairs)
                    .finish();
                let content_type = HeaderValue::from_static("application/x-www-form-urlencoded");
                self.body = Some((text.into(), Some(content_type)));
            }
            Err(why) => self.fail(format!("the form body: {why}")),
        }
        self
    }

    /// A `multipart/form-data` body.
    pub fn multipart(mut self, form: Multipart) -> Self {
        let (content_type, body) = form.encode();
        match HeaderValue::from_str(&content_type) {
            Ok(value) => self.body = Some((body, Some(value))),
            Err(_) => self.fail("the multipart content type is invalid".to_owned()),
        }
        self
    }

    /// A raw body with its content type (`None`: no `Content-Type` header).
    pub fn body_bytes(mut self, body: impl Into<Bytes>, content_type: Option<&str>) -> Self {
        let content_type = match content_type.map(HeaderValue::from_str) {
            Some(Ok(value)) => Some(value),
            Some(Err(_)) => {
                self.fail("the content type is not a valid header value".to_owned());
                None
            }
            None => None,
        };
        self.body = Some((body.into(), content_type));
        self
    }

    /// Sends the call to this absolute URL instead of the operation's path (a next-page link).
    /// Credentials are only added when it is on a base URL's origin.
    pub fn absolute_url(mut self, url: Url) -> Self {
        self.url = Some(url);
        self
    }

    /// A time budget for this call (every attempt and wait), overriding the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Resolves everything into the request the attempts are made from.
    pub(crate) fn prepare(self) -> Result<(&'a HttpClient, Prepared<'a>), Error> {
        let RequestBuilder {
            client,
            operation,
            path_params,
            query,
            headers: own_headers,
            idempotency_key,
            body,
            url,
            timeout,
            error,
        } = self;
        let fail = |err: Error| {
            err.with_request(
                Some(operation.id().to_owned().into()),
                operation.method().clone(),
                operation.path().to_owned(),
            )
        };
        if let Some(err) = error {
            return Err(fail(err));
        }
        let host = operation.host().unwrap_or(super::DEFAULT_HOST);
        let url = match url {
            Some(url) => url,
            None => operation_url(client, operation, host, &path_params).map_err(fail)?,
        };
        let url = with_query(url, query);
        let mut headers = client.inner.headers.clone();
        for (name, value) in own_headers {
            if let Some(name) = name {
                headers.insert(name, value);
            }
        }
        let key = insert_idempotency_key(operation, idempotency_key, &mut headers).map_err(fail)?;
        let body = body.map(|(bytes, content_type)| {
            if let Some(content_type) = content_type
                && !headers.contains_key(http::header::CONTENT_TYPE)
            {
                headers.insert(http::header::CONTENT_TYPE, content_type);
            }
            bytes
        });
        Ok((
            client,
            Prepared {
                operation,
                host,
                url,
                headers,
                body,
                has_idempotency_key: key.is_some(),
                generated_key_header: key.and_then(|key| key.generated),
                timeout: timeout.or(client.inner.call_timeout),
            },
        ))
    }

    /// The pages of a paginated operation, each fetched as its own call of this request (with
    /// the paging parameters or next URL the [`Pagination`] asks for), decoded into `T`.
    ///
    /// Lazy: a page is fetched when the stream is polled past the previous one. A problem with
    /// the request itself is the stream's first item.
    pub fn pages<T: DeserializeOwned>(self, pagination: &Pagination) -> ClientPages<'a, T> {
        self.pages_typed(pagination)
    }

    /// Like [`RequestBuilder::pages`], with a failed page's API body decoded as `E` (see
    /// [`ApiErrorBody`]): what a generated `*_pages` method returns.
    pub fn pages_typed<T: DeserializeOwned, E: ApiErrorBody + Send + 'a>(
        self,
        pagination: &Pagination,
    ) -> ClientPages<'a, T, E> {
        pagination.pages(super::pages::fetcher(self.prepare()))
    }

    /// The items of every page of a paginated operation, in order (see
    /// [`RequestBuilder::pages`]).
    ///
    /// ```no_run
    /// # async fn run(client: connkit::HttpClient) -> Result<(), connkit::Error> {
    /// use connkit::paginate::{Pagination, TokenSource};
    /// use connkit::{Method, Operation};
    /// use futures::TryStreamExt;
    ///
    /// const GET_ORDERS: Operation = Operation::new("getOrders", Method::GET, "/orders/v0/orders");
    /// let pagination = Pagination::next_token("NextToken", TokenSource::body("payload.NextToken"))
    ///     .with_items_path("payload.Orders");
    /// let orders: Vec<serde_json::Value> = client
    ///     .request(&GET_ORDERS)
    ///     .query("MarketplaceIds", "ATVPDKIKX0DER")
    ///     .items::<serde_json::Value>(&pagination)
    ///     .try_collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn items<T: DeserializeOwned>(self, pagination: &Pagination) -> ClientItems<'a, T> {
        self.items_typed(pagination)
    }

    /// Like [`RequestBuilder::items`], with a failed page's API body decoded as `E` (see
    /// [`ApiErrorBody`]): what a generated `*_stream` method returns.
    pub fn items_typed<T: DeserializeOwned, E: ApiErrorBody + Send + 'a>(
        self,
        pagination: &Pagination,
    ) -> ClientItems<'a, T, E> {
        pagination.items(super::pages::fetcher(self.prepare()))
    }

    /// Sends the call; a non-2xx answer is an error whose API body stays untyped.
    ///
    /// The request is resolved (URL, headers, idempotency key) when this is called; the
    /// returned future performs the attempts.
    pub fn send(self) -> impl Future<Output = Result<Response, Error>> + 'a {
        self.send_typed()
    }

    /// Sends the call; a non-2xx answer is an error with the body decoded as `E` (see
    /// [`ApiErrorBody`]).
    pub fn send_typed<E: ApiErrorBody + 'a>(
        self,
    ) -> impl Future<Output = Result<Response, Error<E>>> + 'a {
        let prepared = self.prepare();
        async move {
            let (client, prepared) = prepared.map_err(Error::typed)?;
            exec::send_buffered(client, &prepared).await.map_err(Error::typed)
        }
    }

    /// Sends the call and returns the body unread, as a stream (downloads). Retries cover the
    /// attempts up to the response head.
    pub fn send_streaming(self) -> impl Future<Output = Result<StreamingResponse, Error>> + 'a {
        let prepared = self.prepare();
        async move {
            let (client, prepared) = prepared?;
            exec::send_streaming(client, &prepared).await
        }
    }

    /// Like [`RequestBuilder::send_streaming`], an error answer's body decoded as `E`.
    pub fn send_streaming_typed<E: ApiErrorBody + 'a>(
        self,
    ) -> impl Future<Output = Result<StreamingResponse, Error<E>>> + 'a {
        let sent = self.send_streaming();
        async move { sent.await.map_err(Error::typed) }
    }

    /// Sends the call and decodes the JSON answer into `T` (see [`Response::into_json`]); an
    /// error answer's body is decoded as `E`. What a generated method returns.
    pub fn send_json<T: DeserializeOwned, E: ApiErrorBody + 'a>(
        self,
    ) -> impl Future<Output = Result<ApiResponse<T>, Error<E>>> + 'a {
        let sent = self.send_typed::<E>();
        async move { sent.await?.into_json().map_err(Error::typed) }
    }

    /// Like [`RequestBuilder::send_json`] for operations that also answer without content
    /// (see [`Response::into_json_opt`]): `None` for an empty body.
    pub fn send_json_opt<T: DeserializeOwned, E: ApiErrorBody + 'a>(
        self,
    ) -> impl Future<Output = Result<ApiResponse<Option<T>>, Error<E>>> + 'a {
        let sent = self.send_typed::<E>();
        async move { sent.await?.into_json_opt().map_err(Error::typed) }
    }

    /// Sends the call of an operation that answers without a body: the status and headers.
    pub fn send_empty<E: ApiErrorBody + 'a>(
        self,
    ) -> impl Future<Output = Result<ApiResponse<()>, Error<E>>> + 'a {
        let sent = self.send_typed::<E>();
        async move { Ok(sent.await?.into_value(|_| ())) }
    }

    /// Sends the call and returns the answer as text (invalid UTF-8 replaced).
    pub fn send_text<E: ApiErrorBody + 'a>(
        self,
    ) -> impl Future<Output = Result<ApiResponse<String>, Error<E>>> + 'a {
        let sent = self.send_typed::<E>();
        async move { Ok(sent.await?.into_value(|body| String::from_utf8_lossy(&body).into_owned())) }
    }

    /// Sends the call and returns the raw answer (downloads small enough to hold in memory;
    /// see [`RequestBuilder::send_streaming_typed`] for large ones).
    pub fn send_bytes<E: ApiErrorBody + 'a>(
        self,
    ) -> impl Future<Output = Result<ApiResponse<Bytes>, Error<E>>> + 'a {
        let sent = self.send_typed::<E>();
        async move { Ok(sent.await?.into_value(|body| body)) }
    }
}

/// The operation's URL on `host`: the host's base URL joined with the path template, its
/// parameters filled in.
fn operation_url(
    client: &HttpClient,
    operation: &Operation,
    host: &str,
    path_params: &[(String, String, bool)],
) -> Result<Url, Error> {
    let base = client.host_url(host).ok_or_else(|| {
        Error::new(ErrorKind::Request, format!("no base URL is configured for host `{host}`"))
    })?;
    let params: Vec<(&str, &str, bool)> =
        path_params.iter().map(|(n, v, e)| (n.as_str(), v.as_str(), *e)).collect();
    super::url::join_values(base, operation.path(), &params)
}

/// `url` with the query pairs appended.
fn with_query(mut url: Url, query: Vec<(String, String)>) -> Url {
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    url
}

/// The idempotency key a call sends.
struct IdempotencyKey {
    /// The header holding the key when the client generated it (a fresh one per page).
    generated: Option<HeaderName>,
}

/// Puts the call's idempotency key into `headers`: the caller's, else a generated one when
/// the operation declares an idempotency header; `None` when the call has no key.
fn insert_idempotency_key(
    operation: &Operation,
    idempotency_key: Option<String>,
    headers: &mut HeaderMap,
) -> Result<Option<IdempotencyKey>, Error> {
    let declared = operation.idempotency_header();
    let generated = idempotency_key.is_none() && declared.is_some();
    let key = match (idempotency_key, declared) {
        (Some(key), _) => key,
        (None, Some(_)) => generate_key(),
        (None, None) => return Ok(None),
    };
    let name = declared.unwrap_or(DEFAULT_IDEMPOTENCY_HEADER);
    match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&key)) {
        (Ok(name), Ok(value)) => {
            headers.insert(name.clone(), value);
            Ok(Some(IdempotencyKey { generated: generated.then_some(name) }))
        }
        _ => {
            Err(Error::new(ErrorKind::Request, "the idempotency key or its header name is invalid"))
        }
    }
}

impl fmt::Debug for RequestBuilder<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBuilder")
            .field("operation", &self.operation.id())
            .finish_non_exhaustive()
    }
}
