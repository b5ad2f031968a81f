//! Tracing: one `connkit.call` span per call and one `connkit.attempt` span per attempt, with
//! method, path template, status, attempt and wait; never a secret or a body.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use connkit::auth::Bearer;
use connkit::retry::{Jitter, RetryPolicy};
use connkit::{HttpClient, Method, Operation};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A subscriber that writes every span, recorded field and event as a line.
#[derive(Clone, Default)]
struct Capture {
    next: Arc<AtomicU64>,
    lines: Arc<Mutex<Vec<String>>>,
}

struct Line<'a>(&'a mut String);

impl Visit for Line<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::SeqCst) + 1;
        let mut line = format!("span#{id} {}", span.metadata().name());
        span.record(&mut Line(&mut line));
        self.lines.lock().unwrap().push(line);
        Id::from_u64(id)
    }
    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut line = format!("record#{}", span.into_u64());
        values.record(&mut Line(&mut line));
        self.lines.lock().unwrap().push(line);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = "event".to_owned();
        event.record(&mut Line(&mut line));
        self.lines.lock().unwrap().push(line);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

const UPDATE: Operation = Operation::new("updateThing", Method::PUT, "/things/{id}");

#[tokio::test(flavor = "current_thread")]
async fn spans_per_call_and_attempt_without_secrets_or_bodies() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).set_body_string("response-canary"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("response-canary"))
        .mount(&server)
        .await;
    let client = HttpClient::builder()
        .base_url(server.uri())
        .auth(Bearer::new("token-canary"))
        .retry(
            RetryPolicy::default().initial_backoff(Duration::from_millis(5)).jitter(Jitter::None),
        )
        .build()
        .unwrap();
    client
        .request(&UPDATE)
        .path_param("id", "id-canary")
        .query("password", "query-canary")
        .json(&serde_json::json!({"secret": "body-canary"}))
        .send()
        .await
        .unwrap();
    let lines = capture.lines.lock().unwrap().clone();
    let log = lines.join("\n");
    let call = lines.iter().find(|l| l.contains("connkit.call")).expect(&log);
    assert!(call.contains("operation=\"updateThing\""), "{call}");
    assert!(call.contains("method=PUT"), "{call}");
    assert!(call.contains("path=\"/things/{id}\""), "{call}");
    let attempts: Vec<&String> = lines.iter().filter(|l| l.contains("connkit.attempt")).collect();
    assert_eq!(attempts.len(), 2, "{log}");
    assert!(attempts[0].contains("attempt=1") && attempts[1].contains("attempt=2"), "{log}");
    assert!(attempts.iter().all(|l| l.contains("wait_ms=")), "{log}");
    assert!(log.contains("status=503") && log.contains("status=200"), "{log}");
    assert!(log.contains("attempts=2"), "{log}");
    // One line per attempt with its own fields: nothing repeated (issue 13).
    for line in &lines {
        assert!(line.matches("status=").count() <= 1, "repeated status: {line}");
        assert!(line.matches("attempts=").count() <= 1, "repeated attempts: {line}");
    }
    for canary in ["token-canary", "body-canary", "response-canary", "query-canary", "id-canary"] {
        assert!(!log.contains(canary), "{canary} in traces:\n{log}");
    }
}
