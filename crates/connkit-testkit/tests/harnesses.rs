//! The harnesses against their real servers: Kinto serves its Swagger 2.0 spec, Prism proxies
//! Kinto and reports violations, the sandbox answers its cases over HTTP and 599 otherwise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use connkit_testkit::http_probe;
use connkit_testkit::kinto::Kinto;
use connkit_testkit::prism::PrismProxy;
use connkit_testkit::sandbox::{MISMATCH_HEADER, SandboxServer, load_cases};

#[test]
fn kinto_serves_swagger_2_and_stops_by_pid() {
    let kinto = Kinto::start().expect("Kinto must install and start (needs python3 and PyPI)");
    let spec = kinto.spec_json().unwrap();
    assert_eq!(spec["swagger"], "2.0");
    assert_eq!(spec["basePath"], "/v1");
    assert!(spec["paths"]["/buckets/{bucket_id}/collections/{collection_id}/records"].is_object());
    let port = kinto.port();
    kinto.stop();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err(), "Kinto still listens");
}

#[test]
fn prism_proxies_kinto_with_next_pages_through_itself() {
    let (_kinto, prism) = PrismProxy::in_front_of_kinto()
        .expect("Kinto and Prism must install and start (python3 + PyPI, npm)");
    let response = http_probe::get(prism.port(), "/v1/").unwrap();
    assert_eq!(response.status, 200, "{}", prism.log());
    let missing = http_probe::get(prism.port(), "/v1/no-such-route").unwrap();
    assert_eq!(missing.status, 404);
    assert!(!prism.violations().is_empty(), "an unroutable request must show in the log");
}

#[test]
fn sandbox_answers_cases_and_599_for_mismatches() {
    let dir = connkit_testkit::paths::test_spec_source("amazon-sp-api");
    let cases = load_cases(&dir).unwrap();
    let case = cases
        .iter()
        .find(|c| c.method == "GET" && c.params.is_empty() && c.status == 200)
        .expect("a GET case without parameters")
        .clone();
    let server = SandboxServer::start(cases).unwrap();
    let port: u16 = server.base_url().rsplit(':').next().unwrap().parse().unwrap();
    let hit = http_probe::get(port, &case.path).unwrap();
    assert_eq!(hit.status, case.status);
    let body: serde_json::Value = serde_json::from_slice(&hit.body).unwrap();
    assert_eq!(Some(body), case.response);
    let miss = http_probe::get(port, "/orders/v0/orders/NO-SUCH-ORDER").unwrap();
    assert_eq!(miss.status, 599);
    assert!(miss.head.to_ascii_lowercase().contains(MISMATCH_HEADER), "{}", miss.head);
    assert_eq!(server.served().len(), 2);
}
