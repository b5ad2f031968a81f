//! Calls every operation of a generated connector through its typed methods, against a
//! `prism mock` of its spec. The `dispatch` function below this part is generated from the
//! connector's operation IR by `tests/conformance.rs`: one arm per operation, each calling the
//! typed method with typed arguments converted from the synthesised JSON of the call.
//!
//! Input: the file named by `CONFORMANCE_CALLS` (a JSON array of calls). Output: one JSON
//! line per call on stdout: `name`, `status`, `accepted` (Prism found no violation),
//! `decoded` (the answer decoded into the typed success or error body), `error`.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

#[derive(Debug, Deserialize)]
struct Param {
    location: String,
    name: String,
    value: Value,
}

#[derive(Debug, Deserialize)]
struct Part {
    name: String,
    file: bool,
    value: Value,
}

#[derive(Debug, Deserialize)]
struct Call {
    name: String,
    operation: String,
    params: Vec<Param>,
    body: Option<Value>,
    #[serde(default)]
    parts: Vec<Part>,
}

/// What one call gave.
struct Outcome {
    status: Option<u16>,
    accepted: bool,
    decoded: bool,
    error: Option<String>,
    /// Prism's violations of its own answer, if any.
    answer: Option<String>,
}

/// Prism's own problem types that say a request was refused (not the spec's answer).
fn prism_refusal(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let kind = value.get("type")?.as_str()?;
    let kind = kind.strip_prefix("https://stoplight.io/prism/errors#")?;
    let detail = value.get("validation").map(Value::to_string).unwrap_or_default();
    Some(format!("prism {kind} {detail}"))
}

/// Prism's `sl-violations` header split into the request's violations and those of its own
/// answer (where the spec's example, or Prism's generated body, contradicts the spec's
/// schema: the spec's, not counted against the request). Only errors count: a warning
/// (a deprecated parameter that was set) does not refuse the request. Prism replaces a long
/// list with `Too many violations! ` and the list cut short; then a location that shows in
/// the part that is left decides.
fn split_violations(headers: Option<&http::HeaderMap>) -> (Option<String>, Option<String>) {
    let Some(text) = headers
        .and_then(|h| h.get("sl-violations"))
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    else {
        return (None, None);
    };
    let listed = text.strip_prefix("Too many violations! ").unwrap_or(&text);
    match serde_json::from_str::<Vec<Value>>(listed) {
        Ok(all) => {
            let errors = all.iter().filter(|v| v["severity"].as_str().is_none_or(|s| s == "Error"));
            let (answer, request): (Vec<&Value>, Vec<&Value>) = errors
                .partition(|v| v.pointer("/location/0").is_some_and(|l| l == "response"));
            let listed = |v: Vec<&Value>| {
                (!v.is_empty()).then(|| serde_json::to_string(&v).unwrap_or_default())
            };
            (listed(request), listed(answer))
        }
        Err(_) if listed.len() < text.len() => {
            let compact: String = listed.chars().filter(|c| !c.is_whitespace()).collect();
            let request = compact.contains("\"location\":[\"request\"");
            let answer = compact.contains("\"location\":[\"response\"");
            (request.then(|| text.clone()), answer.then(|| text.clone()))
        }
        Err(_) => (Some(text), None),
    }
}

/// The request violations Prism reports in `sl-violations`.
fn violations(headers: Option<&http::HeaderMap>) -> Option<String> {
    split_violations(headers).0
}

/// Prism's violations of its own answer: the spec's example (or Prism's generated body)
/// contradicts the spec's schema.
fn answer_violations(headers: Option<&http::HeaderMap>) -> Option<String> {
    split_violations(headers).1
}

/// Whether a call's failure means the mock died or hung (the test restarts it).
fn mock_failed(error: Option<&str>) -> bool {
    error.is_some_and(|e| e.starts_with("Timeout") || e.contains("the mock front could not forward"))
}

impl Outcome {
    fn bad_input(why: String) -> Self {
        Outcome { status: None, accepted: false, decoded: false, error: Some(why), answer: None }
    }

    fn answered(status: u16, headers: &http::HeaderMap) -> Self {
        let violations = violations(Some(headers));
        Outcome {
            status: Some(status),
            accepted: violations.is_none(),
            decoded: true,
            error: violations,
            answer: answer_violations(Some(headers)),
        }
    }

    fn failed<E>(error: connkit::Error<E>) -> Self {
        let status = error.status().map(|s| s.as_u16());
        let body = error.body().cloned().unwrap_or_default();
        let refusal = prism_refusal(&body);
        let violations = violations(error.headers());
        let answered = error.headers().is_some();
        // A refusal Prism makes about its own answer after the request passed its validation
        // (the front reads the verdict in Prism's log) accepts the request.
        let validated = error
            .headers()
            .and_then(|h| h.get("x-connkit-prism-verdict"))
            .is_some_and(|v| v.as_bytes() == b"passed");
        let accepted = answered
            && violations.is_none()
            && refusal.as_ref().is_none_or(|r| r.starts_with("prism NO_RESPONSE") || validated);
        let decoded = matches!(error.kind(), connkit::ErrorKind::Status | connkit::ErrorKind::RateLimited | connkit::ErrorKind::Auth)
            && refusal.is_none()
            && (error.api_error().is_some() || body.iter().all(u8::is_ascii_whitespace));
        let why = [
            Some(format!("{:?}: {error}", error.kind())),
            error.json_path().map(|p| format!("at {p}")),
            refusal,
            violations.map(|v| format!("sl-violations: {v}")),
            (!decoded && !body.is_empty())
                .then(|| format!("body: {}", String::from_utf8_lossy(&body).chars().take(300).collect::<String>())),
        ];
        Outcome {
            status,
            accepted,
            decoded,
            error: Some(why.into_iter().flatten().collect::<Vec<_>>().join("; ")),
            answer: answer_violations(error.headers()),
        }
    }

    /// A JSON, empty or text success.
    fn json<T: serde::Serialize, E>(
        result: Result<connkit::ApiResponse<T>, connkit::Error<E>>,
    ) -> Self {
        match result {
            Ok(response) => Outcome::answered(response.status().as_u16(), response.headers()),
            Err(error) => Outcome::failed(error),
        }
    }

    /// A download.
    fn bytes<E>(result: Result<connkit::ApiResponse<bytes::Bytes>, connkit::Error<E>>) -> Self {
        match result {
            Ok(response) => Outcome::answered(response.status().as_u16(), response.headers()),
            Err(error) => Outcome::failed(error),
        }
    }

    /// A streamed body.
    fn stream<E>(result: Result<connkit::StreamingResponse, connkit::Error<E>>) -> Self {
        match result {
            Ok(response) => Outcome::answered(response.status().as_u16(), response.headers()),
            Err(error) => Outcome::failed(error),
        }
    }
}

impl Call {
    fn find(&self, location: &str, name: &str) -> Option<&Value> {
        self.params.iter().find(|p| p.location == location && p.name == name).map(|p| &p.value)
    }

    /// A required parameter.
    fn arg<T: DeserializeOwned>(&self, location: &str, name: &str) -> Result<T, String> {
        let value = self
            .find(location, name)
            .ok_or_else(|| format!("the call gives no {location} parameter `{name}`"))?;
        serde_json::from_value(value.clone()).map_err(|e| format!("{location} parameter `{name}`: {e}"))
    }

    /// An optional parameter (absent: `None`).
    fn opt<T: DeserializeOwned>(&self, location: &str, name: &str) -> Result<Option<T>, String> {
        self.find(location, name)
            .map(|value| {
                serde_json::from_value(value.clone())
                    .map_err(|e| format!("{location} parameter `{name}`: {e}"))
            })
            .transpose()
    }

    /// The JSON or form body.
    fn body<T: DeserializeOwned>(&self) -> Result<T, String> {
        let value = self.body.clone().unwrap_or_else(|| Value::Object(Map::new()));
        serde_json::from_value(value).map_err(|e| format!("the body: {e}"))
    }

    /// A raw body: text as it is, other values as JSON.
    fn raw(&self) -> Result<Vec<u8>, String> {
        Ok(match &self.body {
            Some(Value::String(text)) => text.clone().into_bytes(),
            Some(other) => other.to_string().into_bytes(),
            None => b"sample".to_vec(),
        })
    }

    /// A multipart body: binary parts as files, the others as text (JSON for structures).
    fn multipart(&self) -> Result<connkit::Multipart, String> {
        let mut form = connkit::Multipart::new();
        for part in &self.parts {
            let text = part.value.as_str().map_or_else(|| part.value.to_string(), str::to_string);
            form = if part.file {
                form.file(part.name.clone(), "sample.bin", "application/octet-stream", text.into_bytes())
            } else {
                form.text(part.name.clone(), text)
            };
        }
        Ok(form)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::var("CONFORMANCE_CALLS")?;
    let calls: Vec<Call> = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let gateway = Gateway::from_env()?;
    // After a timeout or a dead mock: stop, the test restarts it for the calls left.
    let stop_after_timeout = std::env::var_os("CONFORMANCE_STOP_AFTER_TIMEOUT").is_some();
    for call in &calls {
        let outcome = dispatch(&gateway, call).await;
        let timed_out = mock_failed(outcome.error.as_deref());
        let line = json!({
            "name": call.name,
            "status": outcome.status,
            "accepted": outcome.accepted,
            "decoded": outcome.decoded,
            "error": outcome.error,
            "answer_violations": outcome.answer,
        });
        println!("{line}");
        if timed_out && stop_after_timeout {
            break;
        }
    }
    Ok(())
}
