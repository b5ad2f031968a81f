//! The Kinto suite through the generated `kinto-connector` crate: typed services, typed
//! bodies and errors, and the paginated `get_records_stream` that `connkit sync` generated
//! from the `Next-Page` override in `connector.toml`. Copied into the generated connector as
//! `examples/e2e.rs` by `tests/e2e_kinto_crate.rs`, built once and run against a live Kinto
//! (directly, then through a validating proxy); prints `ok N records in P pages` at the end.
//!
//! The generated stream yields items, not pages, so the pages it went through are counted
//! from the runtime's `tracing` output: the pagination engine's `fetching page` events (with
//! the kind of request: `first`, then `url` for each followed `Next-Page`) and the
//! `connkit.call` spans of `get_records`.

use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use kinto_connector::KintoGateway;
use kinto_connector::services::buckets::CreateBucketParams;
use kinto_connector::services::collections::CreateCollectionParams;
use kinto_connector::services::records::{
    CreateRecordParams, DeleteRecordParams, GetRecordParams, GetRecordsParams, UpdateRecordError,
    UpdateRecordParams,
};
use serde_json::{Value, json};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// How many records the suite creates.
const RECORDS: usize = 250;
/// The page size asked for with `_limit`.
const PAGE_SIZE: i64 = 50;
/// The bucket and collection the suite works in.
const BUCKET: &str = "crate";
const COLLECTION: &str = "things";

fn body<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a body the generated model accepts")
}

/// What the runtime reported through `tracing` so far.
#[derive(Debug, Default)]
struct Observed {
    /// The `kind` of every `fetching page` event of the pagination engine, in order.
    page_kinds: Vec<String>,
    /// The operation id of every `connkit.call` span (one per call, retries included).
    calls: Vec<String>,
}

/// A `tracing` layer recording the runtime's page fetches and calls into [`Observed`].
struct Recorder(Arc<Mutex<Observed>>);

/// Collects the string and debug fields of a span or event by name.
#[derive(Default)]
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

impl tracing::field::Visit for Fields {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push((field.name().to_string(), value.to_string()));
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push((field.name().to_string(), format!("{value:?}")));
    }
}

impl<S: tracing::Subscriber> Layer<S> for Recorder {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _id: &tracing::span::Id,
        _ctx: Context<'_, S>,
    ) {
        if attrs.metadata().name() == "connkit.call" {
            let mut fields = Fields::default();
            attrs.record(&mut fields);
            let operation = fields.get("operation").unwrap_or("?").to_string();
            self.0.lock().unwrap().calls.push(operation);
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        if fields.get("message") == Some("fetching page") {
            let kind = fields.get("kind").unwrap_or("?").to_string();
            self.0.lock().unwrap().page_kinds.push(kind);
        }
    }
}

#[tokio::main]
async fn main() {
    let observed = Arc::new(Mutex::new(Observed::default()));
    let subscriber = tracing_subscriber::registry().with(Recorder(Arc::clone(&observed)));
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");

    let kinto = KintoGateway::from_env().expect("KINTO_* settings");
    kinto
        .buckets()
        .create_bucket(&CreateBucketParams::default(), &body(json!({"data": {"id": BUCKET}})))
        .await
        .unwrap();
    kinto
        .collections()
        .create_collection(
            BUCKET,
            &CreateCollectionParams::default(),
            &body(json!({"data": {"id": COLLECTION}})),
        )
        .await
        .unwrap();
    let records = kinto.records();
    for n in 0..RECORDS {
        records
            .create_record(
                BUCKET,
                COLLECTION,
                &CreateRecordParams::default(),
                &body(json!({"data": {"n": n}})),
            )
            .await
            .unwrap();
    }

    // Every record through the generated stream, pages of 50 following `Next-Page`.
    *observed.lock().unwrap() = Observed::default();
    let params = GetRecordsParams { limit: Some(PAGE_SIZE), ..GetRecordsParams::default() };
    let mut stream = std::pin::pin!(records.get_records_stream(BUCKET, COLLECTION, &params));
    let mut listed = Vec::new();
    while let Some(record) = stream.next().await {
        listed.push(record.expect("every page of the listing"));
    }
    let seen = std::mem::take(&mut *observed.lock().unwrap());
    let ids: Vec<String> =
        listed.iter().map(|r| r["id"].as_str().expect("a record id").to_string()).collect();
    assert_eq!(ids.len(), RECORDS, "records listed");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), RECORDS, "duplicate records listed");
    let numbers: BTreeSet<u64> =
        listed.iter().map(|r| r["n"].as_u64().expect("the record's n")).collect();
    assert_eq!(numbers, (0..RECORDS as u64).collect(), "every created record, once");
    let pages = seen.page_kinds.len();
    let expected_pages = RECORDS.div_ceil(PAGE_SIZE as usize);
    let expected_kinds: Vec<&str> =
        std::iter::once("first").chain(std::iter::repeat_n("url", expected_pages - 1)).collect();
    assert_eq!(seen.page_kinds, expected_kinds, "the first page, then each Next-Page URL");
    assert_eq!(seen.calls, vec!["get_records"; pages], "one call per page, no retries");

    let id = ids[0].clone();
    let mut stale = UpdateRecordParams::default();
    stale.if_match = Some("\"1\"".to_string());
    let err = records
        .update_record(BUCKET, COLLECTION, &id, &stale, &body(json!({"data": {"n": -1}})))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(412));
    assert!(matches!(err.api_error(), Some(UpdateRecordError::Status412(_))), "typed 412: {err:?}");

    let current =
        records.get_record(BUCKET, COLLECTION, &id, &GetRecordParams::default()).await.unwrap();
    let etag = current.etag().expect("an ETag on the record").to_string();
    let mut fresh = UpdateRecordParams::default();
    fresh.if_match = Some(etag);
    let updated = records
        .update_record(BUCKET, COLLECTION, &id, &fresh, &body(json!({"data": {"n": -1}})))
        .await
        .unwrap();
    assert_eq!(serde_json::to_value(updated.into_inner()).unwrap()["data"]["n"], -1);

    records.delete_record(BUCKET, COLLECTION, &id, &DeleteRecordParams::default()).await.unwrap();
    let gone =
        records.get_record(BUCKET, COLLECTION, &id, &GetRecordParams::default()).await.unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
    println!("ok {} records in {pages} pages", ids.len());
}
