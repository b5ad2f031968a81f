//! The Kinto suite through the generated `kinto-connector` crate: typed services, typed
//! bodies and errors. Copied into the generated connector as `examples/e2e.rs` by
//! `tests/e2e_kinto_crate.rs` and run against a live Kinto; prints `ok` at the end.

use std::collections::HashSet;

use kinto_connector::KintoGateway;
use kinto_connector::services::buckets::CreateBucketParams;
use kinto_connector::services::collections::CreateCollectionParams;
use kinto_connector::services::records::{
    CreateRecordParams, DeleteRecordParams, GetRecordParams, GetRecordsParams, UpdateRecordError, UpdateRecordParams,
};
use serde_json::{Value, json};

fn body<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("a body the generated model accepts")
}

#[tokio::main]
async fn main() {
    let kinto = KintoGateway::from_env().expect("KINTO_* settings");
    kinto.buckets().create_bucket(&CreateBucketParams::default(), &body(json!({"data": {"id": "crate"}}))).await.unwrap();
    kinto
        .collections()
        .create_collection("crate", &CreateCollectionParams::default(), &body(json!({"data": {"id": "things"}})))
        .await
        .unwrap();
    let records = kinto.records();
    for n in 0..250 {
        records
            .create_record("crate", "things", &CreateRecordParams::default(), &body(json!({"data": {"n": n}})))
            .await
            .unwrap();
    }

    // Pages of 50: the next page's token comes from the `Next-Page` header.
    let mut params = GetRecordsParams::default();
    params.limit = Some(50);
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let page = records.get_records("crate", "things", &params).await.unwrap();
        pages += 1;
        let next = page.headers().get("next-page").and_then(|v| v.to_str().ok()).map(str::to_string);
        let data = serde_json::to_value(page.into_inner()).unwrap();
        for record in data["data"].as_array().unwrap() {
            ids.push(record["id"].as_str().unwrap().to_string());
        }
        let Some(next) = next else { break };
        let url = url::Url::parse(&next).unwrap();
        params.token = url.query_pairs().find(|(k, _)| k == "_token").map(|(_, v)| v.into_owned());
        assert!(params.token.is_some(), "Next-Page without _token: {next}");
    }
    assert_eq!(ids.len(), 250, "records listed");
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 250, "duplicates");
    assert_eq!(pages, 5);

    let id = ids[0].clone();
    let mut stale = UpdateRecordParams::default();
    stale.if_match = Some("\"1\"".to_string());
    let err = records.update_record("crate", "things", &id, &stale, &body(json!({"data": {"n": -1}}))).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(412));
    assert!(matches!(err.api_error(), Some(UpdateRecordError::Status412(_))), "typed 412: {err:?}");

    let current = records.get_record("crate", "things", &id, &GetRecordParams::default()).await.unwrap();
    let etag = current.etag().expect("an ETag on the record").to_string();
    let mut fresh = UpdateRecordParams::default();
    fresh.if_match = Some(etag);
    let updated = records.update_record("crate", "things", &id, &fresh, &body(json!({"data": {"n": -1}}))).await.unwrap();
    assert_eq!(serde_json::to_value(updated.into_inner()).unwrap()["data"]["n"], -1);

    records.delete_record("crate", "things", &id, &DeleteRecordParams::default()).await.unwrap();
    let gone = records.get_record("crate", "things", &id, &GetRecordParams::default()).await.unwrap_err();
    assert_eq!(gone.status().map(|s| s.as_u16()), Some(404));
    println!("ok {} records in {pages} pages", ids.len());
}
