//! Specs split over many files (issue 11, item 4), through `connkit new --format json`: path
//! items and operations that are `$ref`s into `resources/…`, parameters, bodies, responses,
//! headers, schemas and examples in other files, YAML and JSON, each file referring to its
//! neighbours relative to itself. Every operation keeps its parameters, body and typed
//! response, and `openapi/` gets the layout.
//!
//! Two fixtures: `tests/fixtures/split_api/` (committed, small, hand-written), and one written
//! by [`write_split_spec`] into a temp dir with a few thousand files, shaped like the large
//! public APIs that split their documents per resource.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;

fn connkit() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("connkit").unwrap()
}

fn committed_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/split_api")
}

/// `connkit new NAME --spec SPEC --format json` in `workspace`: the JSON document and stderr.
fn new_json(name: &str, spec: &Path, workspace: &Path) -> (Value, String) {
    let output = connkit()
        .args(["new", name, "--format", "json", "--spec"])
        .arg(spec)
        .arg("--dir")
        .arg(workspace)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document: {e}\n{stderr}"));
    (json, stderr)
}

fn files_under(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap();
                out.insert(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}

fn operation<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|op| op["id"] == id)
        .unwrap_or_else(|| panic!("no operation {id} in {:#}", json["operations"]))
}

fn parameter_names(op: &Value) -> Vec<&str> {
    op["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect()
}

#[test]
fn the_committed_split_spec_keeps_every_operation_whole() {
    let workspace = tempfile::tempdir().unwrap();
    let (json, stderr) =
        new_json("split", &committed_fixture().join("openapi.yaml"), workspace.path());
    assert!(!stderr.contains("degraded"), "nothing is degraded: {stderr}");
    assert_eq!(json["counts"]["operations_declared"], 7, "{:#}", json["counts"]);
    assert_eq!(json["counts"]["operations_emitted"], 7);
    assert_eq!(json["counts"]["typed_success_bodies"], 6);
    assert_eq!(json["degraded"]["degraded"].as_array().unwrap().len(), 0);
    assert_eq!(json["diagnostics"]["errors"], 0, "{:#}", json["degraded"]);

    // Operations that are `$ref`s into resources/ keep their parameters from three files.
    let list = operation(&json, "droplets_list");
    assert_eq!(parameter_names(list), ["per_page", "page", "tag_name"]);
    assert_eq!(list["success_typing"], "typed");
    assert_eq!(list["item_stream"], "droplets_list_stream", "page + per_page pages");
    // A path item in its own file: the shared path parameter, a nested operation `$ref`.
    for id in ["droplets_get", "droplets_update", "droplets_destroy"] {
        assert_eq!(parameter_names(operation(&json, id)), ["droplet_id"], "{id}");
    }
    assert_eq!(operation(&json, "droplets_update")["body"], true);
    assert_eq!(operation(&json, "droplets_update")["success_typing"], "typed");
    assert_eq!(operation(&json, "droplets_create")["body"], true);
    // A path item in a JSON file referring to YAML ones.
    assert_eq!(parameter_names(operation(&json, "volumes_list")), ["per_page", "page", "region"]);
    assert_eq!(operation(&json, "volumes_create")["success_typing"], "typed");

    // The generated code has the types from the other files.
    let connector = workspace.path().join("connectors/split");
    let droplets = std::fs::read_to_string(connector.join("src/services/droplets.rs")).unwrap();
    assert!(droplets.contains("pub async fn droplets_list("), "{droplets}");
    assert!(droplets.contains("per_page"), "{droplets}");
    assert!(droplets.contains("tag_name"), "{droplets}");
    // Only the delete (a 204) has no body.
    assert_eq!(droplets.matches("ApiResponse<()>").count(), 1, "{droplets}");
    let models = files_under(&connector.join("src/models"));
    assert!(models.iter().any(|m| m.starts_with("droplet")), "{models:?}");

    // openapi/ holds the same layout (the code samples under x-codeSamples are not specs).
    let copied = files_under(&connector.join("openapi"));
    let original = files_under(&committed_fixture());
    assert_eq!(copied, original);
    let written: BTreeSet<&str> =
        json["files_written"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(written.contains("connectors/split/openapi/resources/volumes/volumes.json"));
}

#[test]
fn thousands_of_files_resolve_every_operation() {
    const RESOURCES: usize = 300;
    let specs = tempfile::tempdir().unwrap();
    let root = write_split_spec(specs.path(), RESOURCES);
    let written = files_under(specs.path());
    assert!(written.len() > 3000, "{} files", written.len());

    let workspace = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let (json, stderr) = new_json("bigsplit", &root, workspace.path());
    println!(
        "connkit new on {} files, {} operations (debug build): {:.1} s",
        written.len(),
        RESOURCES * 5,
        started.elapsed().as_secs_f64()
    );
    assert!(!stderr.contains("degraded"), "{stderr}");
    assert_eq!(json["diagnostics"]["errors"], 0, "{:#}", json["degraded"]);
    assert_eq!(json["counts"]["operations_declared"], RESOURCES * 5);
    assert_eq!(json["counts"]["operations_emitted"], RESOURCES * 5);
    assert_eq!(json["counts"]["typed_success_bodies"], RESOURCES * 4);
    for index in 0..RESOURCES {
        let name = resource(index);
        let list = operation(&json, &format!("{name}_list"));
        assert_eq!(parameter_names(list), ["per_page", "page", "label"], "{name}");
        assert_eq!(list["success_typing"], "typed", "{name}");
        assert!(list["item_stream"].is_string(), "{name}: {list:#}");
        let create = operation(&json, &format!("{name}_create"));
        assert_eq!(create["body"], true, "{name}");
        assert_eq!(create["success_typing"], "typed", "{name}");
        for verb in ["get", "update", "delete"] {
            let op = operation(&json, &format!("{name}_{verb}"));
            assert_eq!(parameter_names(op), [format!("{name}_id")], "{name}_{verb}");
        }
        assert_eq!(operation(&json, &format!("{name}_update"))["body"], true, "{name}");
    }
    let copied = files_under(&workspace.path().join("connectors/bigsplit/openapi"));
    assert_eq!(copied, written, "openapi/ keeps every file in its place");
}

/// The name of resource `index` (`res0042`).
fn resource(index: usize) -> String {
    format!("res{index:04}")
}

/// Writes a spec split the way large public APIs split theirs: `openapi.yaml` lists paths
/// whose operations and path items are `$ref`s into `resources/{name}/`, each resource with
/// its operations, parameters, models (YAML and JSON), responses and examples in files of
/// their own, all referring to `common/` and to each other relative to themselves. Ten files
/// and five operations per resource. Returns the root file.
fn write_split_spec(dir: &Path, resources: usize) -> PathBuf {
    let write = |relative: &str, text: &str| {
        let path = dir.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "common/parameters.yml",
        "per_page:\n  in: query\n  name: per_page\n  schema: {type: integer, maximum: 200, default: 20}\n\
         page:\n  in: query\n  name: page\n  schema: {type: integer, minimum: 1}\n",
    );
    write(
        "common/headers.yml",
        "ratelimit-limit:\n  description: Requests per hour.\n  schema: {type: integer}\n",
    );
    write(
        "common/models/error.json",
        r#"{"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "message": {"type": "string"}}}"#,
    );
    write(
        "common/models/meta.yml",
        "meta:\n  type: object\n  properties:\n    total: {type: integer}\n",
    );
    write(
        "common/responses/errors.yml",
        "unauthorized:\n  description: Unauthorized.\n  headers:\n    ratelimit-limit:\n      \
         $ref: ../headers.yml#/ratelimit-limit\n  content:\n    application/json:\n      \
         schema:\n        $ref: ../models/error.json\n",
    );
    let mut paths = String::new();
    for index in 0..resources {
        let name = resource(index);
        paths.push_str(&format!(
            "  /v2/{name}:\n    get:\n      $ref: resources/{name}/{name}_list.yml\n    post:\n      \
             $ref: resources/{name}/{name}_create.yml\n  /v2/{name}/{{{name}_id}}:\n    \
             $ref: resources/{name}/{name}_item.yml\n"
        ));
        let base = format!("resources/{name}");
        write(
            &format!("{base}/parameters.yml"),
            &format!(
                "{name}_id:\n  in: path\n  name: {name}_id\n  required: true\n  schema: {{type: string}}\n\
                 label:\n  in: query\n  name: label\n  schema: {{type: string}}\n"
            ),
        );
        write(
            &format!("{base}/{name}_list.yml"),
            &format!(
                "operationId: {name}_list\ntags: [{name}]\nparameters:\n  \
                 - $ref: ../../common/parameters.yml#/per_page\n  \
                 - $ref: ../../common/parameters.yml#/page\n  - $ref: parameters.yml#/label\n\
                 responses:\n  '200':\n    $ref: responses/{name}_list.yml\n  '401':\n    \
                 $ref: ../../common/responses/errors.yml#/unauthorized\n"
            ),
        );
        write(
            &format!("{base}/{name}_create.yml"),
            &format!(
                "operationId: {name}_create\ntags: [{name}]\nrequestBody:\n  required: true\n  \
                 content:\n    application/json:\n      schema:\n        \
                 $ref: models/{name}_base.json\nresponses:\n  '201':\n    \
                 $ref: responses/{name}.yml\n"
            ),
        );
        write(
            &format!("{base}/{name}_item.yml"),
            &format!(
                "parameters:\n  - $ref: parameters.yml#/{name}_id\nget:\n  operationId: {name}_get\n  \
                 tags: [{name}]\n  responses:\n    '200':\n      $ref: responses/{name}.yml\n\
                 patch:\n  $ref: {name}_update.yml\ndelete:\n  operationId: {name}_delete\n  \
                 tags: [{name}]\n  responses:\n    '204':\n      description: Deleted.\n"
            ),
        );
        write(
            &format!("{base}/{name}_update.yml"),
            &format!(
                "operationId: {name}_update\ntags: [{name}]\nrequestBody:\n  content:\n    \
                 application/json:\n      schema:\n        $ref: models/{name}_base.json\n\
                 responses:\n  '200':\n    $ref: responses/{name}.yml\n"
            ),
        );
        write(
            &format!("{base}/models/{name}_base.json"),
            r#"{"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "size": {"type": "integer"}}}"#,
        );
        write(
            &format!("{base}/models/{name}.yml"),
            &format!(
                "allOf:\n  - $ref: {name}_base.json\n  - type: object\n    required: [id]\n    \
                 properties:\n      id: {{type: string}}\n"
            ),
        );
        write(
            &format!("{base}/responses/{name}_list.yml"),
            &format!(
                "description: A page.\nheaders:\n  ratelimit-limit:\n    \
                 $ref: ../../../common/headers.yml#/ratelimit-limit\ncontent:\n  application/json:\n    \
                 schema:\n      type: object\n      properties:\n        {name}:\n          \
                 type: array\n          items:\n            $ref: ../models/{name}.yml\n        \
                 meta:\n          $ref: ../../../common/models/meta.yml#/meta\n    examples:\n      \
                 all:\n        $ref: ../examples/{name}_list.yml\n"
            ),
        );
        write(
            &format!("{base}/responses/{name}.yml"),
            &format!(
                "description: One.\ncontent:\n  application/json:\n    schema:\n      \
                 $ref: ../models/{name}.yml\n"
            ),
        );
        write(
            &format!("{base}/examples/{name}_list.yml"),
            &format!("value:\n  {name}:\n    - id: a\n      name: first\n  meta:\n    total: 1\n"),
        );
    }
    let root = dir.join("openapi.yaml");
    std::fs::write(
        &root,
        format!(
            "openapi: 3.0.3\ninfo:\n  title: Big Split API\n  version: '1'\nservers:\n  \
             - url: https://api.bigsplit.example.com\npaths:\n{paths}"
        ),
    )
    .unwrap();
    root
}

#[test]
fn files_above_the_root_folder_are_copied_with_their_layout() {
    let specs = tempfile::tempdir().unwrap();
    let v1 = specs.path().join("api/v1");
    std::fs::create_dir_all(&v1).unwrap();
    std::fs::create_dir_all(specs.path().join("api/common")).unwrap();
    std::fs::write(
        v1.join("openapi.yaml"),
        "openapi: 3.0.3\ninfo: {title: Up, version: '1'}\npaths:\n  /items:\n    get:\n      \
         $ref: ../common/list.yaml\n",
    )
    .unwrap();
    std::fs::write(
        specs.path().join("api/common/list.yaml"),
        "operationId: listItems\nparameters:\n  - {name: cursor, in: query, schema: {type: string}}\n\
         responses:\n  '200':\n    description: Items.\n    content:\n      application/json:\n        \
         schema: {type: object, properties: {items: {type: array, items: {type: string}}}}\n",
    )
    .unwrap();
    let workspace = tempfile::tempdir().unwrap();
    let (json, stderr) = new_json("up", &v1.join("openapi.yaml"), workspace.path());
    assert!(!stderr.contains("degraded"), "{stderr}");
    assert_eq!(parameter_names(operation(&json, "listItems")), ["cursor"]);
    let connector = workspace.path().join("connectors/up");
    let copied = files_under(&connector.join("openapi"));
    assert_eq!(copied, BTreeSet::from(["v1/openapi.yaml".to_string(), "common/list.yaml".into()]));
    let manifest = std::fs::read_to_string(connector.join("connector.toml")).unwrap();
    assert!(manifest.contains("openapi/v1/openapi.yaml"), "{manifest}");
    // The copy is whole: sync reads it back without a degraded operation.
    let output = connkit().args(["sync", "up", "--dir"]).arg(workspace.path()).output().unwrap();
    let text = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(!text.contains("degraded") && !text.contains("error"), "{text}");
}
