//! The Kinto suite through the generated `kinto-connector` crate: typed services, typed
//! bodies and errors, and the paginated `get_records_stream` that `connkit sync` generated
//! from the `Next-Page` override in `connector.toml`. Copied into the generated connector as
//! `examples/e2e.rs` by `tests/e2e_kinto_crate.rs`, built once and run against a live Kinto
//! (directly, then through a validating proxy); prints `ok N records in P pages` at the end.
//!
//! The pages are read through the generated `get_records_pages` (each page with its number
//! and the URL it came from), the records once more through `get_records_stream`.

use std::collections::{BTreeSet, HashSet};

use futures::StreamExt;
use kinto_connector::KintoGateway;
use kinto_connector::services::buckets::CreateBucketParams;
use kinto_connector::services::collections::CreateCollectionParams;
use kinto_connector::services::records::{
    CreateRecordParams, DeleteRecordParams, GetRecordParams, GetRecordsParams, UpdateRecordError,
    UpdateRecordParams,
};
use serde_json::{Value, json};

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

#[tokio::main]
async fn main() {
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

    // Every record, page by page: pages of 50, the first, then each `Next-Page` URL.
    let params = GetRecordsParams { limit: Some(PAGE_SIZE), ..GetRecordsParams::default() };
    let mut pages = std::pin::pin!(records.get_records_pages(BUCKET, COLLECTION, &params));
    let mut listed = Vec::new();
    let mut numbers_and_tokens = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.expect("every page of the listing");
        numbers_and_tokens.push((page.number, page.url.query().unwrap_or("").contains("_token=")));
        listed.extend(page.into_items());
    }
    let pages = numbers_and_tokens.len();
    let expected_pages = RECORDS.div_ceil(PAGE_SIZE as usize);
    let expected: Vec<(u64, bool)> = (1..=expected_pages as u64).map(|n| (n, n > 1)).collect();
    assert_eq!(numbers_and_tokens, expected, "the first page, then each Next-Page URL");
    let ids: Vec<String> =
        listed.iter().map(|r| r["id"].as_str().expect("a record id").to_string()).collect();
    assert_eq!(ids.len(), RECORDS, "records listed");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), RECORDS, "duplicate records listed");
    let numbers: BTreeSet<u64> =
        listed.iter().map(|r| r["n"].as_u64().expect("the record's n")).collect();
    assert_eq!(numbers, (0..RECORDS as u64).collect(), "every created record, once");

    // The same records through the item stream.
    let streamed: Vec<String> = records
        .get_records_stream(BUCKET, COLLECTION, &params)
        .map(|record| record.expect("every record")["id"].as_str().expect("an id").to_string())
        .collect()
        .await;
    assert_eq!(streamed, ids, "the item stream lists the same records in the same order");

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
