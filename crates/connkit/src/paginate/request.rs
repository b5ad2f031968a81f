//! What the engine asks the fetch function for ([`PageRequest`]) and gets back
//! ([`PageResponse`]), and the [`Page`]s it yields.

use std::borrow::Cow;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use url::Url;

use super::descriptor::ParamLocation;

/// The request for one page, as the fetch function must send it.
///
/// - [`PageRequest::First`]: the request exactly as the caller built it.
/// - [`PageRequest::Params`]: the caller's request with these parameters set (a query
///   parameter of the same name is replaced; a body parameter is a top-level field of the
///   JSON body).
/// - [`PageRequest::Url`]: the same method and headers to this absolute URL (its own query
///   replaces the caller's).
///
/// It is serializable because a [`Checkpoint`](super::Checkpoint) stores one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PageRequest {
    /// The caller's request, unchanged.
    First,
    /// The caller's request with these paging parameters set.
    Params {
        /// The parameters, in order.
        params: Vec<PageParam>,
    },
    /// Another URL (a `Link` header's `rel="next"` or a next URL from the body or a header).
    Url {
        /// The absolute URL of the page.
        #[serde(with = "url_text")]
        url: Url,
    },
}

impl PageRequest {
    /// The paging parameters to set, empty for [`PageRequest::First`] and
    /// [`PageRequest::Url`].
    pub fn params(&self) -> &[PageParam] {
        match self {
            Self::Params { params } => params,
            Self::First | Self::Url { .. } => &[],
        }
    }

    /// The URL to go to, for [`PageRequest::Url`].
    pub fn url(&self) -> Option<&Url> {
        match self {
            Self::Url { url } => Some(url),
            Self::First | Self::Params { .. } => None,
        }
    }

    /// `url` with this request's query parameters set (replacing those of the same name), or
    /// this request's own URL: what a simple fetch function sends for a `GET`.
    /// Body parameters are left to the caller.
    pub fn apply_to_url(&self, url: &Url) -> Url {
        match self {
            Self::First => url.clone(),
            Self::Url { url } => url.clone(),
            Self::Params { params } => {
                let present = |name: &str| url.query_pairs().any(|(n, _)| n == name);
                let query: Vec<&PageParam> = params
                    .iter()
                    .filter(|p| p.location == ParamLocation::Query)
                    .filter(|p| !(p.if_absent && present(&p.name)))
                    .collect();
                if query.is_empty() {
                    return url.clone();
                }
                let mut out = url.clone();
                let kept: Vec<(String, String)> = url
                    .query_pairs()
                    .filter(|(name, _)| !query.iter().any(|p| p.name == *name))
                    .map(|(name, value)| (name.into_owned(), value.into_owned()))
                    .collect();
                {
                    let mut pairs = out.query_pairs_mut();
                    pairs.clear();
                    for (name, value) in &kept {
                        pairs.append_pair(name, value);
                    }
                    for param in query {
                        pairs.append_pair(&param.name, &param.value.as_text());
                    }
                }
                out
            }
        }
    }
}

impl PageRequest {
    /// Sets this request's body parameters as top-level fields of the JSON request `body`
    /// (replacing fields of the same name; a body that is not an object becomes one).
    /// Query parameters are left to [`PageRequest::apply_to_url`].
    pub fn apply_to_json(&self, body: &mut serde_json::Value) {
        let mut fields =
            self.params().iter().filter(|p| p.location == ParamLocation::Body).peekable();
        if fields.peek().is_none() {
            return;
        }
        if !body.is_object() {
            *body = serde_json::Value::Object(serde_json::Map::new());
        }
        if let serde_json::Value::Object(map) = body {
            for param in fields {
                let set_by_caller = map.get(&param.name).is_some_and(|v| !v.is_null());
                if !(param.if_absent && set_by_caller) {
                    map.insert(param.name.clone(), param.value.to_json());
                }
            }
        }
    }

    /// True when some parameter goes into the JSON body (the caller must then rebuild it).
    pub fn has_body_params(&self) -> bool {
        self.params().iter().any(|p| p.location == ParamLocation::Body)
    }

    /// Sets this request's header parameters on `headers` (replacing a header of the same
    /// name, or only where there is none for a page size the caller may choose). A value that
    /// is not valid in a header is left out. Query and body parameters are left to
    /// [`PageRequest::apply_to_url`] and [`PageRequest::apply_to_json`].
    pub fn apply_to_headers(&self, headers: &mut http::HeaderMap) {
        for param in self.params().iter().filter(|p| p.location == ParamLocation::Header) {
            let (Ok(name), Ok(value)) = (
                http::HeaderName::from_bytes(param.name.as_bytes()),
                http::HeaderValue::from_str(&param.value.as_text()),
            ) else {
                continue;
            };
            if !(param.if_absent && headers.contains_key(&name)) {
                headers.insert(name, value);
            }
        }
    }
}

/// One paging parameter to set on the caller's request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageParam {
    /// The parameter name (`NextToken`, `offset`).
    pub name: String,
    /// Its value.
    pub value: ParamValue,
    /// Query or JSON body.
    #[serde(default, skip_serializing_if = "ParamLocation::is_query")]
    pub location: ParamLocation,
    /// Set only when the caller's request has no value for it (a page size the caller may
    /// choose); otherwise the parameter replaces the caller's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub if_absent: bool,
}

impl PageParam {
    /// A parameter that replaces the caller's value of the same name.
    pub fn new(name: impl Into<String>, value: ParamValue, location: ParamLocation) -> Self {
        Self { name: name.into(), value, location, if_absent: false }
    }

    /// A parameter set only where the caller's request has none (a default page size).
    pub fn default_value(
        name: impl Into<String>,
        value: ParamValue,
        location: ParamLocation,
    ) -> Self {
        Self { name: name.into(), value, location, if_absent: true }
    }
}

/// A paging parameter's value: a token (text) or a number (offset, page, size), which a JSON
/// body carries as a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    /// A token or cursor.
    Text(String),
    /// An offset, page number or page size.
    Number(u64),
}

impl ParamValue {
    /// The value as query text.
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            Self::Text(text) => Cow::Borrowed(text),
            Self::Number(n) => Cow::Owned(n.to_string()),
        }
    }

    /// The value as a JSON body field.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Text(text) => serde_json::Value::String(text.clone()),
            Self::Number(n) => serde_json::Value::from(*n),
        }
    }
}

/// What the fetch function returns for one page: the final URL of the response (after
/// redirects; relative next links resolve against it), status, headers and the whole body.
#[derive(Debug, Clone)]
pub struct PageResponse {
    /// The URL the page came from.
    pub url: Url,
    /// The response status (the fetch function reports non-success statuses as errors).
    pub status: StatusCode,
    /// The response headers (`Link`, `Next-Page`, tokens in headers).
    pub headers: HeaderMap,
    /// The raw body.
    pub body: Bytes,
}

impl PageResponse {
    /// A `200 OK` response from `url` with `body` and no headers.
    pub fn new(url: Url, body: impl Into<Bytes>) -> Self {
        Self { url, status: StatusCode::OK, headers: HeaderMap::new(), body: body.into() }
    }

    /// Adds a header; a name or value that is not valid in HTTP is ignored.
    #[must_use]
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(name), Ok(value)) =
            (http::HeaderName::from_bytes(name.as_bytes()), http::HeaderValue::from_str(value))
        {
            self.headers.append(name, value);
        }
        self
    }

    /// Replaces the status.
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
}

/// One page of a paginated response: its items (decoded) and its response details.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items of the page (without those skipped when resuming mid-page, and cut at the
    /// item limit).
    pub items: Vec<T>,
    /// The URL the page came from.
    pub url: Url,
    /// The response status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The number of this page, 1 for the first page of the whole pagination.
    pub number: u64,
}

impl<T> Page<T> {
    /// The items.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }
}

/// Serde of a [`Url`] as its text (the workspace does not enable url's `serde` feature).
mod url_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use url::Url;

    pub(super) fn serialize<S: Serializer>(url: &Url, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(url.as_str())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Url, D::Error> {
        let text = String::deserialize(deserializer)?;
        Url::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_replace_query_parameters_of_the_same_name() {
        let base = Url::parse("https://api.example/v1/items?limit=5&cursor=old&q=a+b").unwrap();
        let request = PageRequest::Params {
            params: vec![
                PageParam {
                    name: "cursor".into(),
                    value: ParamValue::Text("n&x".into()),
                    location: ParamLocation::Query,
                    if_absent: false,
                },
                PageParam {
                    name: "skip".into(),
                    value: ParamValue::Number(3),
                    location: ParamLocation::Body,
                    if_absent: false,
                },
            ],
        };
        assert_eq!(
            request.apply_to_url(&base).as_str(),
            "https://api.example/v1/items?limit=5&q=a+b&cursor=n%26x"
        );
        assert_eq!(PageRequest::First.apply_to_url(&base), base);
    }

    #[test]
    fn body_params_become_top_level_json_fields() {
        let request = PageRequest::Params {
            params: vec![
                PageParam {
                    name: "offset".into(),
                    value: ParamValue::Number(20),
                    location: ParamLocation::Body,
                    if_absent: false,
                },
                PageParam {
                    name: "q".into(),
                    value: ParamValue::Text("in-query".into()),
                    location: ParamLocation::Query,
                    if_absent: false,
                },
            ],
        };
        assert!(request.has_body_params());
        let mut body = serde_json::json!({"filter": {"a": 1}, "offset": 0});
        request.apply_to_json(&mut body);
        assert_eq!(body, serde_json::json!({"filter": {"a": 1}, "offset": 20}));
        let mut empty = serde_json::Value::Null;
        request.apply_to_json(&mut empty);
        assert_eq!(empty, serde_json::json!({"offset": 20}));
        let mut untouched = serde_json::json!([1]);
        PageRequest::First.apply_to_json(&mut untouched);
        assert_eq!(untouched, serde_json::json!([1]));
        assert!(!PageRequest::First.has_body_params());
    }

    #[test]
    fn a_default_page_size_leaves_the_callers_value_alone() {
        let size = |location| PageRequest::Params {
            params: vec![
                PageParam::new("after", ParamValue::Text("a".into()), location),
                PageParam::default_value("limit", ParamValue::Number(100), location),
            ],
        };
        let mine = Url::parse("https://h/p?limit=5&after=z").unwrap();
        assert_eq!(
            size(ParamLocation::Query).apply_to_url(&mine).as_str(),
            "https://h/p?limit=5&after=a"
        );
        let none = Url::parse("https://h/p").unwrap();
        assert_eq!(
            size(ParamLocation::Query).apply_to_url(&none).as_str(),
            "https://h/p?after=a&limit=100"
        );
        let mut body = serde_json::json!({"limit": 5});
        size(ParamLocation::Body).apply_to_json(&mut body);
        assert_eq!(body, serde_json::json!({"limit": 5, "after": "a"}));
        let mut body = serde_json::json!({"limit": null});
        size(ParamLocation::Body).apply_to_json(&mut body);
        assert_eq!(body, serde_json::json!({"limit": 100, "after": "a"}));
        let text = serde_json::to_string(&size(ParamLocation::Query)).unwrap();
        assert!(text.contains(r#""if_absent":true"#), "{text}");
        assert_eq!(serde_json::from_str::<PageRequest>(&text).unwrap(), size(ParamLocation::Query));
    }

    #[test]
    fn header_params_set_headers() {
        let request = PageRequest::Params {
            params: vec![
                PageParam::new("X-Cursor", ParamValue::Text("c2".into()), ParamLocation::Header),
                PageParam::default_value(
                    "X-Page-Size",
                    ParamValue::Number(50),
                    ParamLocation::Header,
                ),
            ],
        };
        let mut headers = http::HeaderMap::new();
        headers.insert("x-cursor", http::HeaderValue::from_static("old"));
        headers.insert("x-page-size", http::HeaderValue::from_static("5"));
        request.apply_to_headers(&mut headers);
        assert_eq!(headers["x-cursor"], "c2");
        assert_eq!(headers["x-page-size"], "5");
        let base = Url::parse("https://h/p?a=1").unwrap();
        assert_eq!(request.apply_to_url(&base), base);
    }

    #[test]
    fn requests_round_trip_through_json() {
        for request in [
            PageRequest::First,
            PageRequest::Url { url: Url::parse("https://h/p?page=2").unwrap() },
            PageRequest::Params {
                params: vec![PageParam {
                    name: "offset".into(),
                    value: ParamValue::Number(40),
                    location: ParamLocation::Query,
                    if_absent: false,
                }],
            },
        ] {
            let text = serde_json::to_string(&request).unwrap();
            assert_eq!(serde_json::from_str::<PageRequest>(&text).unwrap(), request, "{text}");
        }
    }
}
