//! Replays SP-API sandbox cases through the typed methods of the generated `amazon`
//! connector. The `dispatch` function below this part is generated from the connector's
//! operation IR by `tests/e2e_sandbox_crate.rs`: one arm per operation, each calling the
//! typed method with typed arguments built from the case's parameters.
//!
//! Input: the file named by `REPLAY_CASES` (a JSON array of cases). Output: one JSON line per
//! case on stdout (`name`, `status`, `typed`, `value`, `error`).

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
struct Case {
    name: String,
    operation: String,
    params: Vec<Param>,
    body: Option<Value>,
}

/// What one call gave.
struct Outcome {
    status: Option<u16>,
    typed: bool,
    value: Value,
    error: Option<String>,
}

impl Outcome {
    fn bad_input(why: String) -> Self {
        Outcome { status: None, typed: false, value: Value::Null, error: Some(why) }
    }

    fn failed<E>(error: connkit::Error<E>) -> Self {
        Outcome {
            status: error.status().map(|s| s.as_u16()),
            typed: error.api_error().is_some(),
            value: Value::Null,
            error: Some(format!("{:?}: {error}", error.kind())),
        }
    }

    /// A JSON (or empty, or text) success: the typed value re-encoded.
    fn json<T: serde::Serialize, E>(
        result: Result<connkit::ApiResponse<T>, connkit::Error<E>>,
    ) -> Self {
        match result {
            Ok(response) => {
                let status = response.status().as_u16();
                match serde_json::to_value(response.into_inner()) {
                    Ok(value) => Outcome { status: Some(status), typed: true, value, error: None },
                    Err(e) => Outcome {
                        status: Some(status),
                        typed: false,
                        value: Value::Null,
                        error: Some(format!("re-encoding failed: {e}")),
                    },
                }
            }
            Err(error) => Outcome::failed(error),
        }
    }

    /// A download: the bytes, kept as text when they are UTF-8 JSON.
    fn bytes<E>(result: Result<connkit::ApiResponse<bytes::Bytes>, connkit::Error<E>>) -> Self {
        match result {
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.into_inner();
                let value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                Outcome { status: Some(status), typed: true, value, error: None }
            }
            Err(error) => Outcome::failed(error),
        }
    }

    /// A streamed body: its status.
    fn stream<E>(result: Result<connkit::StreamingResponse, connkit::Error<E>>) -> Self {
        match result {
            Ok(response) => Outcome {
                status: Some(response.status().as_u16()),
                typed: true,
                value: Value::Null,
                error: None,
            },
            Err(error) => Outcome::failed(error),
        }
    }
}

/// `value` as a `T`: as given, as a one-element or comma-split list, as text, or parsed from
/// text (a case writes `"5"` for an integer and `5` for a string alike).
fn convert<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    let first = match serde_json::from_value::<T>(value.clone()) {
        Ok(v) => return Ok(v),
        Err(e) => e.to_string(),
    };
    let mut attempts = Vec::new();
    match value {
        Value::String(text) => {
            if let Ok(parsed) = serde_json::from_str::<Value>(text) {
                attempts.push(parsed);
            }
            attempts.push(Value::Array(
                text.split(',').map(|part| Value::String(part.to_string())).collect(),
            ));
        }
        Value::Array(items) => {
            let joined = items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(",");
            attempts.push(Value::String(joined));
        }
        other => {
            attempts.push(Value::String(other.to_string()));
            attempts.push(Value::Array(vec![other.clone()]));
        }
    }
    for attempt in attempts {
        if let Ok(v) = serde_json::from_value::<T>(attempt) {
            return Ok(v);
        }
    }
    Err(first)
}

impl Case {
    fn find(&self, location: &str, name: &str) -> Option<&Value> {
        let exact = self.params.iter().find(|p| p.location == location && p.name == name);
        exact
            .or_else(|| {
                self.params
                    .iter()
                    .find(|p| p.location == location && p.name.eq_ignore_ascii_case(name))
            })
            .map(|p| &p.value)
    }

    /// A required parameter.
    fn arg<T: DeserializeOwned>(&self, location: &str, name: &str) -> Result<T, String> {
        let value = self
            .find(location, name)
            .ok_or_else(|| format!("the case gives no {location} parameter `{name}`"))?;
        convert(value).map_err(|e| format!("{location} parameter `{name}`: {e}"))
    }

    /// An optional parameter.
    fn opt<T: DeserializeOwned>(&self, location: &str, name: &str) -> Result<Option<T>, String> {
        self.find(location, name)
            .map(|value| convert(value).map_err(|e| format!("{location} parameter `{name}`: {e}")))
            .transpose()
    }

    /// The JSON body (an empty object when the case gives none).
    fn body<T: DeserializeOwned>(&self) -> Result<T, String> {
        let value = self.body.clone().unwrap_or_else(|| Value::Object(Map::new()));
        serde_json::from_value(value).map_err(|e| format!("the case's body: {e}"))
    }

    /// The form body, from the case's form parameters.
    fn form<T: DeserializeOwned>(&self) -> Result<T, String> {
        let fields: Map<String, Value> = self
            .params
            .iter()
            .filter(|p| p.location == "form")
            .map(|p| (p.name.clone(), p.value.clone()))
            .collect();
        convert(&Value::Object(fields)).map_err(|e| format!("the case's form: {e}"))
    }

    /// A raw body: the case's body as JSON text.
    fn raw(&self) -> Result<Vec<u8>, String> {
        Ok(self.body.as_ref().map(|b| b.to_string().into_bytes()).unwrap_or_default())
    }

    /// A multipart body: each form parameter as a text part.
    fn multipart(&self) -> Result<connkit::Multipart, String> {
        let mut form = connkit::Multipart::new();
        for param in self.params.iter().filter(|p| p.location == "form") {
            let text = param.value.as_str().map_or_else(|| param.value.to_string(), str::to_string);
            form = form.text(param.name.clone(), text);
        }
        Ok(form)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::var("REPLAY_CASES")?;
    let cases: Vec<Case> = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let gateway = amazon_connector::AmazonGateway::from_env()?;
    for case in &cases {
        let outcome = dispatch(&gateway, case).await;
        let line = json!({
            "name": case.name,
            "status": outcome.status,
            "typed": outcome.typed,
            "value": outcome.value,
            "error": outcome.error,
        });
        println!("{line}");
    }
    Ok(())
}
