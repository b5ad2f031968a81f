//! `connkit sync` through the binary: conflicts (markers, list, exit 1, nothing lost), the
//! no-op sync (no byte and no mtime changes), files the generator drops (kept as backups
//! when edited) and files the user deleted (they stay deleted).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use assert_cmd::Command;

fn connkit() -> Command {
    Command::cargo_bin("connkit").unwrap()
}

fn spec(version: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../connkit-gen/tests/fixtures/maintain/sync")
        .join(version)
        .join("shop.yaml")
        .display()
        .to_string()
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(ws: &Path, args: &[&str]) -> Run {
    let output = connkit().args(args).arg("--dir").arg(ws).output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).to_string(),
        stderr: String::from_utf8_lossy(&output.stderr).to_string(),
    }
}

fn new_shop(version: &str) -> tempfile::TempDir {
    let ws = tempfile::tempdir().unwrap();
    let created = run(ws.path(), &["new", "shop", "--spec", &spec(version)]);
    assert_eq!(created.code, Some(0), "{}", created.stderr);
    ws
}

fn read(ws: &Path, relative: &str) -> String {
    std::fs::read_to_string(ws.join("connectors/shop").join(relative)).unwrap()
}

fn write(ws: &Path, relative: &str, text: &str) {
    std::fs::write(ws.join("connectors/shop").join(relative), text).unwrap();
}

/// Every file under `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
                out.insert(path.clone(), (std::fs::read(&path).unwrap(), modified));
            }
        }
    }
    out
}

#[test]
fn an_edit_on_a_line_the_generation_also_changes_conflicts_and_loses_nothing() {
    let ws = new_shop("v1");
    let lib = read(ws.path(), "src/lib.rs");
    assert!(lib.contains("(version 1.0.0)"), "{lib}");
    write(
        ws.path(),
        "src/lib.rs",
        &lib.replace("(version 1.0.0)", "(version 1.0.0, pinned by us)"),
    );
    let services = read(ws.path(), "src/services/widgets.rs");
    let helper = "/// Hand-written.\npub fn shelf() -> u8 {\n    7\n}\n";
    write(ws.path(), "src/services/widgets.rs", &format!("{services}{helper}"));

    let synced = run(ws.path(), &["sync", "shop", "--spec", &spec("v2")]);
    assert_eq!(synced.code, Some(1), "{}{}", synced.stdout, synced.stderr);
    assert_eq!(synced.stdout.trim(), "connectors/shop/src/lib.rs");
    assert!(synced.stderr.contains("1 file(s) with conflicts"), "{}", synced.stderr);
    let lib = read(ws.path(), "src/lib.rs");
    assert!(lib.contains("<<<<<<< yours (connectors/shop/src/lib.rs)\n//! - `shop`: Shop (version 1.0.0, pinned by us)\n"), "{lib}");
    assert!(lib.contains("||||||| last generated (.connkit/src/lib.rs)\n//! - `shop`: Shop (version 1.0.0)\n=======\n//! - `shop`: Shop (version 2.0.0)\n>>>>>>> new generation\n"), "{lib}");
    // The other files merged cleanly, the hand-written helper included.
    let services = read(ws.path(), "src/services/widgets.rs");
    assert!(services.ends_with(helper), "{services}");
    assert!(services.contains("pub async fn delete_widget("));
    // The base moved on: resolving and syncing again is clean.
    let resolved = lib
        .lines()
        .filter(|l| {
            !l.starts_with("<<<<<<<")
                && !l.starts_with("|||||||")
                && !l.starts_with("=======")
                && !l.starts_with(">>>>>>>")
        })
        .filter(|l| {
            *l != "//! - `shop`: Shop (version 1.0.0)" && *l != "//! - `shop`: Shop (version 2.0.0)"
        })
        .map(|l| format!("{l}\n"))
        .collect::<String>();
    write(ws.path(), "src/lib.rs", &resolved);
    let again = run(ws.path(), &["sync", "shop"]);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert_eq!(read(ws.path(), "src/lib.rs"), resolved);
}

#[test]
fn a_second_sync_without_changes_changes_no_byte() {
    let ws = new_shop("v1");
    let first = run(ws.path(), &["sync", "shop"]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let before = snapshot(ws.path());
    let second = run(ws.path(), &["sync", "shop"]);
    assert_eq!(second.code, Some(0), "{}", second.stderr);
    assert!(second.stderr.contains("nothing changed"), "{}", second.stderr);
    assert_eq!(snapshot(ws.path()), before);
    // The same spec again through --spec replaces it by an identical file: still nothing.
    let third = run(ws.path(), &["sync", "shop", "--spec", &spec("v1")]);
    assert_eq!(third.code, Some(0), "{}", third.stderr);
    assert_eq!(snapshot(ws.path()), before);
}

#[test]
fn an_edit_whose_code_is_no_longer_generated_is_a_conflict_and_deleted_files_stay_deleted() {
    let ws = new_shop("v1");
    let dropped = "src/models/list_widgets_response.rs";
    let edited = format!("{}// A note of mine.\n", read(ws.path(), dropped));
    write(ws.path(), dropped, &edited);
    std::fs::remove_file(ws.path().join("connectors/shop/AGENTS.md")).unwrap();
    let synced = run(ws.path(), &["sync", "shop", "--spec", &spec("v3")]);
    // The model is gone from v3: the edit has no file to go to, so the run ends in a conflict
    // naming the backup that holds it.
    assert_eq!(synced.code, Some(1), "{}{}", synced.stdout, synced.stderr);
    let backup = format!("connectors/shop/{dropped}.connkit-orphan");
    assert_eq!(synced.stdout.trim(), backup);
    assert!(synced.stderr.contains("hand edits outside the build"), "{}", synced.stderr);
    let dir = ws.path().join("connectors/shop");
    assert!(!dir.join(dropped).exists());
    assert_eq!(read(ws.path(), &format!("{dropped}.connkit-orphan")), edited);
    // Every `kept` line names a file that exists.
    let kept: Vec<&str> =
        synced.stderr.lines().filter(|l| l.trim_start().starts_with("kept")).collect();
    assert_eq!(kept.len(), 1, "{}", synced.stderr);
    let named = kept[0].trim_start().trim_start_matches("kept").trim().split(':').next().unwrap();
    assert_eq!(named, backup);
    assert!(ws.path().join(named).is_file(), "{named}");
    assert!(!dir.join("AGENTS.md").exists());
    assert!(
        synced.stderr.contains("AGENTS.md (you deleted it; it stays deleted)"),
        "{}",
        synced.stderr
    );
    assert!(!dir.join(".connkit").join(dropped).exists());
    let check = run(ws.path(), &["check", "shop"]);
    assert_eq!(check.code, Some(1));
    assert!(check.stdout.contains("error[missing-doc-file]"), "{}", check.stdout);
    assert!(check.stdout.contains(&format!("{backup}: error[orphaned-edits]")), "{}", check.stdout);
}

#[test]
fn unknown_connectors_and_bad_specs_are_input_errors() {
    let ws = new_shop("v1");
    assert_eq!(run(ws.path(), &["sync", "nope"]).code, Some(2));
    let missing = run(ws.path(), &["sync", "shop", "--spec", "no/such/spec.yaml"]);
    assert_eq!(missing.code, Some(2), "{}", missing.stderr);
    assert_eq!(run(ws.path(), &["upgrade", "shop"]).code, Some(2));
}

#[test]
fn syncing_a_fresh_connector_changes_nothing_even_with_region_hosts() {
    let ws = tempfile::tempdir().unwrap();
    let spec = connkit_testkit::paths::test_spec_source("amazon-sp-api")
        .join("aplusContent_2020-11-01.json");
    let spec = spec.display().to_string();
    let created = run(ws.path(), &["new", "amz", "--spec", &spec, "--auth", "lwa"]);
    assert_eq!(created.code, Some(0), "{}", created.stderr);
    let before = snapshot(ws.path());
    let synced = run(ws.path(), &["sync", "amz"]);
    assert_eq!(synced.code, Some(0), "{}", synced.stderr);
    assert!(synced.stderr.contains("nothing changed"), "{}", synced.stderr);
    assert_eq!(snapshot(ws.path()), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn refetch_downloads_the_recorded_source_url_again() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    let serve = |version: &str| {
        let text = std::fs::read_to_string(spec(version)).unwrap();
        Mock::given(method("GET"))
            .and(path("/specs/shop.yaml"))
            .respond_with(ResponseTemplate::new(200).set_body_string(text))
    };
    serve("v1").mount(&server).await;
    let url = format!("{}/specs/shop.yaml", server.uri());
    let ws = tempfile::tempdir().unwrap();
    let dir = ws.path().to_path_buf();
    let url_for_new = url.clone();
    let created =
        tokio::task::spawn_blocking(move || run(&dir, &["new", "shop", "--spec", &url_for_new]))
            .await
            .unwrap();
    assert_eq!(created.code, Some(0), "{}", created.stderr);
    let manifest = read(ws.path(), "connector.toml");
    assert!(manifest.contains(&format!("source = \"{url}\"")), "{manifest}");

    server.reset().await;
    serve("v2").mount(&server).await;
    let dir = ws.path().to_path_buf();
    let synced = tokio::task::spawn_blocking(move || run(&dir, &["sync", "shop", "--refetch"]))
        .await
        .unwrap();
    assert_eq!(synced.code, Some(0), "{}", synced.stderr);
    assert!(synced.stderr.contains("refetched"), "{}", synced.stderr);
    assert!(read(ws.path(), "openapi/shop.yaml").contains("deleteWidget"));
    assert!(read(ws.path(), "SKILL.md").contains("fn delete_widget("));
    assert_eq!(read(ws.path(), "connector.toml"), manifest);
}

/// Issue 13: a second sync while the markers of the first remain reports them (exit 1), and
/// `connkit check` names them as conflict markers, not as a file that does not parse.
#[test]
fn r13_unresolved_markers_of_an_earlier_sync_are_reported_again() {
    let ws = new_shop("v1");
    let lib = read(ws.path(), "src/lib.rs");
    write(
        ws.path(),
        "src/lib.rs",
        &lib.replace("(version 1.0.0)", "(version 1.0.0, pinned by us)"),
    );
    let first = run(ws.path(), &["sync", "shop", "--spec", &spec("v2")]);
    assert_eq!(first.code, Some(1), "{}", first.stderr);
    let second = run(ws.path(), &["sync", "shop"]);
    assert_eq!(second.code, Some(1), "{}{}", second.stdout, second.stderr);
    assert!(!second.stderr.contains("nothing changed"), "{}", second.stderr);
    assert_eq!(second.stdout.trim(), "connectors/shop/src/lib.rs");
    let check = run(ws.path(), &["check", "shop"]);
    assert_eq!(check.code, Some(1), "{}", check.stdout);
    assert!(check.stdout.contains("error[conflict-markers]"), "{}", check.stdout);
    assert!(check.stdout.contains("connectors/shop/src/lib.rs:"), "{}", check.stdout);
    assert!(!check.stdout.contains("unparsable-source"), "{}", check.stdout);
}

/// Issue 13: `connkit sync` refreshes the plan (new operations appear) and keeps the notes
/// written into it.
#[test]
fn r13_sync_refreshes_the_plan_and_keeps_its_notes() {
    let ws = new_shop("v1");
    let path = ws.path().join("plan/specs/integrations/shop.md");
    let plan = std::fs::read_to_string(&path).unwrap();
    assert!(!plan.contains("deleteWidget"), "{plan}");
    let noted = plan.replace(
        "## Open questions",
        "## Our notes\n\nThe sandbox resets every night.\n\n## Open questions",
    );
    std::fs::write(&path, &noted).unwrap();
    let synced = run(ws.path(), &["sync", "shop", "--spec", &spec("v2")]);
    assert_eq!(synced.code, Some(0), "{}", synced.stderr);
    assert!(
        synced.stderr.contains("merged    plan/specs/integrations/shop.md"),
        "{}",
        synced.stderr
    );
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.contains("deleteWidget"), "the new operation appears:\n{after}");
    assert!(after.contains("The sandbox resets every night."), "notes kept:\n{after}");
    // Deleted, it is written again.
    std::fs::remove_file(&path).unwrap();
    let again = run(ws.path(), &["sync", "shop"]);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert!(std::fs::read_to_string(&path).unwrap().contains("deleteWidget"));
}
