//! `connkit new` through the binary: research first, the manifest, the crate; exit codes for
//! bad names, existing connectors and missing token URLs; workspace membership.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use assert_cmd::Command;

fn connkit() -> Command {
    Command::cargo_bin("connkit").unwrap()
}

fn example() -> String {
    format!("{}/../../examples/widgets.yaml", env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> String {
    format!("{}/../connkit-gen/tests/connector_fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str], dir: &Path) -> std::process::Output {
    connkit().args(args).arg("--dir").arg(dir).output().unwrap()
}

#[test]
fn creates_the_connector_research_first() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(&["new", "widgets", "--spec", &example()], dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    // Piped: no progress bar, one summary.
    assert!(!stderr.contains('\r'), "{stderr:?}");
    assert!(stderr.contains("full tier"), "{stderr}");
    let connector = dir.path().join("connectors/widgets");
    for file in [
        "openapi/widgets.yaml",
        "connector.toml",
        "Cargo.toml",
        "src/config.rs",
        "src/client.rs",
        "src/services/base.rs",
        "src/gateway.rs",
        "src/lib.rs",
        "AGENTS.md",
        "SKILL.md",
        ".env.example",
        ".connkit/src/lib.rs",
    ] {
        assert!(connector.join(file).is_file(), "missing {file}");
    }
    let plan =
        std::fs::read_to_string(dir.path().join("plan/specs/integrations/widgets.md")).unwrap();
    assert!(plan.contains("## Tier: full"), "{plan}");
    assert!(plan.contains("listWidgets"), "{plan}");
    let manifest = std::fs::read_to_string(connector.join("connector.toml")).unwrap();
    assert!(manifest.contains("kind = \"api-key\""), "{manifest}");
    assert!(manifest.contains("key_name = \"X-API-Key\""), "{manifest}");
    assert!(manifest.contains("prefix = \"WIDGETS_\""), "{manifest}");
    let cargo = std::fs::read_to_string(connector.join("Cargo.toml")).unwrap();
    // The folder became a connector workspace first: the connector is one of its members.
    assert!(!cargo.contains("[workspace]"), "a member of the workspace\n{cargo}");
    let root = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
    assert!(root.contains("\"connectors/*\""), "{root}");
    assert!(cargo.contains("connkit = { path = "), "the source tree's runtime\n{cargo}");
    // A fresh connector follows the guideline's rules (SKILL.md and .env.example in step).
    let check = run(&["check", "widgets"], dir.path());
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stdout));
}

#[test]
fn refuses_to_overwrite_an_existing_connector() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(&["new", "widgets", "--spec", &example()], dir.path()).status.code(), Some(0));
    let marker = dir.path().join("connectors/widgets/src/lib.rs");
    std::fs::write(&marker, "// mine\n").unwrap();
    let output = run(&["new", "widgets", "--spec", &example()], dir.path());
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("connkit sync"));
    assert_eq!(std::fs::read_to_string(&marker).unwrap(), "// mine\n");
}

#[test]
fn invalid_system_names_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["Widgets", "../escape", "1st", "my_api", "my-api-", "a--b"] {
        let output = run(&["new", name, "--spec", &example()], dir.path());
        assert_eq!(output.status.code(), Some(2), "{name}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("invalid system name"));
    }
    assert!(!dir.path().join("connectors").exists());
}

#[test]
fn refresh_token_auth_needs_a_token_url() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        &["new", "quotes", "--spec", &fixture("lite.yaml"), "--auth", "oauth2_refresh_token"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--token-url"));
    let output = run(
        &[
            "new",
            "quotes",
            "--spec",
            &fixture("lite.yaml"),
            "--auth",
            "oauth2-refresh-token",
            "--token-url",
            "https://auth.example.com/token",
            "--token-header",
            "x-token",
        ],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let manifest =
        std::fs::read_to_string(dir.path().join("connectors/quotes/connector.toml")).unwrap();
    assert!(manifest.contains("token_url = \"https://auth.example.com/token\""), "{manifest}");
    assert!(manifest.contains("token_header = \"x-token\""), "{manifest}");
}

#[test]
fn lwa_preset_sets_amazon_hosts_and_token() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(
        &["new", "shop", "--spec", &fixture("lite.yaml"), "--auth", "lwa", "--tier", "lite"],
        dir.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let connector = dir.path().join("connectors/shop");
    let manifest = std::fs::read_to_string(connector.join("connector.toml")).unwrap();
    assert!(manifest.contains("https://api.amazon.com/auth/o2/token"), "{manifest}");
    assert!(manifest.contains("x-amz-access-token"), "{manifest}");
    let env = std::fs::read_to_string(connector.join(".env.example")).unwrap();
    for line in
        ["SHOP_REGION=na", "SHOP_SANDBOX=off", "SHOP_REFRESH_TOKEN=\n", "SHOP_CLIENT_SECRET=\n"]
    {
        assert!(env.contains(line), "{line} in\n{env}");
    }
}

#[test]
fn a_cargo_workspace_gets_the_connector_as_a_member() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[workspace]\nresolver = \"3\"\nmembers = []\n")
        .unwrap();
    let output = run(&["new", "quotes", "--spec", &fixture("lite.yaml")], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let root = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
    assert!(root.contains("members = [\"connectors/quotes\"]"), "{root}");
    let cargo = std::fs::read_to_string(dir.path().join("connectors/quotes/Cargo.toml")).unwrap();
    assert!(!cargo.contains("[workspace]"), "{cargo}");
}

#[test]
fn several_specs_and_directories_make_one_connector() {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs");
    std::fs::create_dir_all(&specs).unwrap();
    for name in ["allof.yaml", "nullable.yaml"] {
        std::fs::copy(fixture(name), specs.join(name)).unwrap();
    }
    let output =
        run(&["new", "multi", "--spec", "specs", "--spec", &fixture("multipart.yaml")], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let connector = dir.path().join("connectors/multi");
    let manifest = std::fs::read_to_string(connector.join("connector.toml")).unwrap();
    assert_eq!(manifest.matches("[[specs]]").count(), 3, "{manifest}");
    let cargo = std::fs::read_to_string(connector.join("Cargo.toml")).unwrap();
    assert!(cargo.contains("default = [\"allof\", \"nullable\", \"multipart\""), "{cargo}");
}

#[test]
fn relative_spec_paths_are_read_from_the_current_directory_then_from_the_workspace() {
    let here = tempfile::tempdir().unwrap();
    let workspace = tempfile::tempdir().unwrap();
    std::fs::copy(example(), here.path().join("widgets.yaml")).unwrap();
    std::fs::create_dir_all(workspace.path().join("specs")).unwrap();
    std::fs::copy(fixture("lite.yaml"), workspace.path().join("specs/quotes.yaml")).unwrap();
    let new = |system: &str, spec: &str| {
        connkit()
            .current_dir(here.path())
            .args(["new", system, "--spec", spec, "--dir"])
            .arg(workspace.path())
            .output()
            .unwrap()
    };
    let from_cwd = new("widgets", "widgets.yaml");
    assert_eq!(from_cwd.status.code(), Some(0), "{}", String::from_utf8_lossy(&from_cwd.stderr));
    assert!(workspace.path().join("connectors/widgets/openapi/widgets.yaml").is_file());
    let from_workspace = new("quotes", "specs/quotes.yaml");
    assert_eq!(
        from_workspace.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&from_workspace.stderr)
    );
    let missing = new("ghost", "nowhere.yaml");
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nowhere.yaml") && stderr.contains("current directory"), "{stderr}");
    assert!(!workspace.path().join("connectors/ghost").exists(), "nothing written");
}

#[test]
fn a_wildcard_answer_with_an_object_schema_is_typed_json() {
    // Generated specs (Spring's) write `*/*` for JSON answers.
    let specs = tempfile::tempdir().unwrap();
    let spec = specs.path().join("people.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.1\ninfo: {title: People, version: '1'}\n\
         servers: [{url: 'https://people.example.com'}]\npaths:\n  /person:\n    get:\n      \
         operationId: getPerson\n      responses:\n        '200':\n          description: OK\n          \
         content:\n            '*/*':\n              schema: {$ref: '#/components/schemas/Person'}\n  \
         /photo:\n    get:\n      operationId: getPhoto\n      responses:\n        '200':\n          \
         description: OK\n          content:\n            '*/*':\n              \
         schema: {type: string, format: binary}\ncomponents:\n  schemas:\n    Person:\n      \
         type: object\n      properties:\n        name: {type: string}\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let output =
        run(&["new", "people", "--format", "json", "--spec", spec.to_str().unwrap()], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let ops = report["operations"].as_array().unwrap();
    let person = ops.iter().find(|op| op["id"] == "getPerson").unwrap();
    assert_eq!(person["success"], "json", "{person:#}");
    assert_eq!(person["success_typing"], "typed");
    let photo = ops.iter().find(|op| op["id"] == "getPhoto").unwrap();
    assert_eq!(photo["success"], "bytes", "{photo:#}");
}

/// Issue 13: `connkit new` into a folder that holds files but no connector says what to do
/// (not `connkit sync`, which cannot work there); an empty folder is fine.
#[test]
fn r13_a_folder_without_a_connector_is_not_sent_to_sync() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("connectors/widgets");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("notes.txt"), "mine\n").unwrap();
    let output = run(&["new", "widgets", "--spec", &example()], dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr)
        .replace(['│', '×'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no connector.toml"), "{stderr}");
    assert!(!stderr.contains("run `connkit sync"), "{stderr}");
    assert_eq!(std::fs::read_to_string(folder.join("notes.txt")).unwrap(), "mine\n");
    std::fs::remove_file(folder.join("notes.txt")).unwrap();
    let output = run(&["new", "widgets", "--spec", &example()], dir.path());
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
}

/// Issue 13: when a spec offers several auth schemes, or the chosen one needs a look (an
/// OAuth flow that needs a browser; a key behind a scheme word), `connkit new` and the plan
/// name the options and the flag that switches; a prefix the description states is applied.
#[test]
fn r13_auth_options_and_a_documented_key_prefix_are_said_and_applied() {
    let specs = tempfile::tempdir().unwrap();
    let spec = specs.path().join("chat.yaml");
    std::fs::write(
        &spec,
        r#"openapi: 3.0.3
info: {title: Chat, version: '1'}
servers: [{url: 'https://chat.example.com/api'}]
components:
  securitySchemes:
    BotToken:
      type: apiKey
      in: header
      name: Authorization
      description: "Send your bot token as `Bot <token>`."
    OAuth2:
      type: oauth2
      flows:
        authorizationCode:
          authorizationUrl: https://chat.example.com/oauth2/authorize
          tokenUrl: https://chat.example.com/oauth2/token
          scopes: {bot: act as a bot}
security: [{BotToken: []}, {OAuth2: [bot]}]
paths:
  /channels/{id}:
    get:
      operationId: getChannel
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses: {'200': {description: ok, content: {application/json: {schema: {type: object}}}}}
"#,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let output = run(&["new", "chat", "--spec", spec.to_str().unwrap()], dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("auth: the connector uses `api-key`"), "{stderr}");
    assert!(stderr.contains("`--auth oauth2-refresh-token`"), "{stderr}");
    assert!(stderr.contains("`Bot <key>`"), "{stderr}");
    let manifest =
        std::fs::read_to_string(dir.path().join("connectors/chat/connector.toml")).unwrap();
    assert!(manifest.contains("key_prefix = \"Bot \""), "{manifest}");
    let client = std::fs::read_to_string(dir.path().join("connectors/chat/src/client.rs")).unwrap();
    assert!(client.contains(".with_prefix(\"Bot \")"), "{client}");
    let plan = std::fs::read_to_string(dir.path().join("plan/specs/integrations/chat.md")).unwrap();
    assert!(plan.contains("`--auth oauth2-refresh-token` (OAuth2)"), "{plan}");
    assert!(plan.contains("`--key-prefix`"), "{plan}");
    // The other choice, with the key sent bare.
    let other = tempfile::tempdir().unwrap();
    let output = run(
        &["new", "chat", "--spec", spec.to_str().unwrap(), "--auth", "bearer", "--format", "json"],
        other.path(),
    );
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["auth"]["kind"], "bearer", "{report:#}");
    assert!(report["auth"]["options"].as_array().unwrap().len() >= 2, "{report:#}");
}
