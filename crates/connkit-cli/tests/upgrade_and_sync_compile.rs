//! The acceptance scenarios of `connkit sync` and `connkit upgrade` that end in compiling:
//!
//! - sync: generate from a v1 spec; hand-edit a generated service method's body, add a
//!   function to a services file and a method to the gateway; sync with a v2 spec adding an
//!   operation, a field and an enum value; every edit is intact, the new operation is in the
//!   code and in SKILL.md, and `connkit check` passes;
//! - upgrade: a lite connector with a hand-written function in client.rs becomes full, keeps
//!   the function, and passes `connkit check`;
//! - split: a service file with a method body edited, a method and a function added, whose
//!   entity grows until the service is split into a folder: each edit follows its code into
//!   the file that holds it now (the function stays in its module), no backup is left, and
//!   `connkit check` passes.
//!
//! Both connectors live in one cargo workspace under `target/connkit-maintain/` and are
//! checked by ONE `cargo clippy --workspace --all-targets -- -D warnings` (sharing the target
//! dir of the generator's compile tests, so dependencies build once).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn fixture(relative: &str) -> String {
    repo()
        .join("crates/connkit-gen/tests/fixtures/maintain/sync")
        .join(relative)
        .display()
        .to_string()
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn connkit(ws: &Path, args: &[&str]) -> Run {
    let output =
        Command::cargo_bin("connkit").unwrap().args(args).arg("--dir").arg(ws).output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).to_string(),
        stderr: String::from_utf8_lossy(&output.stderr).to_string(),
    }
}

fn assert_ok(run: &Run, what: &str) {
    assert_eq!(run.code, Some(0), "{what}:\n{}\n{}", run.stdout, run.stderr);
}

fn path(ws: &Path, system: &str, relative: &str) -> PathBuf {
    ws.join("connectors").join(system).join(relative)
}

fn read(ws: &Path, system: &str, relative: &str) -> String {
    std::fs::read_to_string(path(ws, system, relative)).unwrap()
}

fn write(ws: &Path, system: &str, relative: &str, text: &str) {
    std::fs::write(path(ws, system, relative), text).unwrap();
}

/// The services file that defines `method`.
fn services_file_with(ws: &Path, system: &str, method: &str) -> String {
    let dir = path(ws, system, "src/services");
    let mut stack = vec![dir.clone()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if std::fs::read_to_string(&p)
                .unwrap()
                .contains(&format!("pub async fn {method}("))
            {
                return format!(
                    "src/{}",
                    p.strip_prefix(path(ws, system, "src")).unwrap().display()
                );
            }
        }
    }
    panic!("no services file defines {method}");
}

fn sync_scenario(ws: &Path) {
    assert_ok(&connkit(ws, &["new", "shop", "--spec", &fixture("v1/shop.yaml")]), "new shop");
    assert_ok(&connkit(ws, &["check", "shop"]), "a fresh connector passes check");

    // 1. A generated service method's body, edited.
    let file = services_file_with(ws, "shop", "get_widget");
    let text = read(ws, "shop", &file);
    let start = text.find("pub async fn get_widget(").unwrap();
    let body = start + text[start..].find("> {\n").unwrap() + 4;
    let edit = "        let widget_id = widget_id.trim();\n";
    write(ws, "shop", &file, &format!("{}{edit}{}", &text[..body], &text[body..]));
    // 2. A function added to the services file.
    let helper = "/// Hand-written: a widget's label.\npub fn widget_label(widget: &crate::models::Widget) -> String {\n    format!(\"{} ({})\", widget.name, widget.id)\n}\n";
    let text = read(ws, "shop", &file);
    write(ws, "shop", &file, &format!("{text}{helper}"));
    // 3. A method added to the gateway.
    let gateway = read(ws, "shop", "src/gateway.rs");
    let method = "    /// Hand-written: the name of a widget.\n    pub async fn widget_name(\n        &self,\n        id: &str,\n    ) -> ::std::result::Result<String, ::connkit::Error<::serde_json::Value>> {\n        Ok(self.widgets().get_widget(id).await?.into_inner().name)\n    }\n";
    let closing = gateway.rfind("}\n").unwrap();
    write(
        ws,
        "shop",
        "src/gateway.rs",
        &format!("{}{method}{}", &gateway[..closing], &gateway[closing..]),
    );

    let synced = connkit(ws, &["sync", "shop", "--spec", &fixture("v2/shop.yaml")]);
    assert_ok(&synced, "sync to v2");

    let services = read(ws, "shop", &file);
    assert!(services.contains(edit), "the body edit survives:\n{services}");
    assert!(services.contains(helper), "the added function survives:\n{services}");
    assert!(read(ws, "shop", "src/gateway.rs").contains(method), "the gateway method survives");
    let delete_file = services_file_with(ws, "shop", "delete_widget");
    assert!(read(ws, "shop", &delete_file).contains("pub async fn delete_widget("));
    let skill = read(ws, "shop", "SKILL.md");
    assert!(skill.contains("fn delete_widget("), "{skill}");
    assert!(skill.contains("fn widget_name("), "{skill}");
    assert!(read(ws, "shop", "src/models/widget.rs").contains("pub weight_grams:"));
    assert!(read(ws, "shop", "src/models/color.rs").contains("Blue"));
    assert_ok(&connkit(ws, &["check", "shop"]), "check after sync");
}

fn upgrade_scenario(ws: &Path) {
    assert_ok(&connkit(ws, &["new", "notes", "--spec", &fixture("lite/notes.yaml")]), "new notes");
    assert!(read(ws, "notes", "connector.toml").contains("tier = \"lite\""));
    let function = "/// Hand-written: how many words a note has.\npub async fn note_words(\n    client: &NotesClient,\n    note_id: &str,\n) -> ::std::result::Result<usize, ::connkit::Error<::serde_json::Value>> {\n    let note: crate::client::models::Note = client.get_note(note_id).await?.into_inner();\n    Ok(note.text.split_whitespace().count())\n}\n";
    let client = read(ws, "notes", "src/client.rs");
    write(ws, "notes", "src/client.rs", &format!("{client}{function}"));
    assert_ok(&connkit(ws, &["check", "notes"]), "check on lite");

    let upgraded = connkit(ws, &["upgrade", "notes"]);
    assert_ok(&upgraded, "upgrade");
    assert!(upgraded.stderr.contains("`note_words` into src/gateway.rs"), "{}", upgraded.stderr);
    let manifest = read(ws, "notes", "connector.toml");
    assert!(manifest.contains("tier = \"full\""), "{manifest}");
    let gateway = read(ws, "notes", "src/gateway.rs");
    assert!(
        gateway.contains("/// Hand-written: how many words a note has.\npub async fn note_words("),
        "{gateway}"
    );
    assert!(path(ws, "notes", "src/services").is_dir());
    assert_ok(&connkit(ws, &["check", "notes"]), "check after upgrade");
    let again = connkit(ws, &["upgrade", "notes"]);
    assert_eq!(again.code, Some(2), "a full connector is not upgraded twice");
    assert_ok(&connkit(ws, &["sync", "notes"]), "sync after upgrade");
    assert!(read(ws, "notes", "src/gateway.rs").contains("pub async fn note_words("));
}

/// A spec whose `widgets` entity has `count` operations, each with a few optional
/// parameters: a handful fit in `services/widgets.rs`, many split it into a folder.
fn widgets_spec(count: usize) -> String {
    let mut paths = serde_json::Map::new();
    for n in 0..count {
        let params: Vec<serde_json::Value> = (0..6)
            .map(|p| serde_json::json!({"name": format!("filter{p}"), "in": "query", "description": format!("Filter number {p}."), "schema": {"type": "string"}}))
            .collect();
        paths.insert(
            format!("/widgets/group{}/item{n}", n / 4),
            serde_json::json!({"get": {
                "operationId": format!("getWidget{n}"),
                "tags": ["widgets"],
                "summary": format!("Gets widget {n}."),
                "parameters": params,
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}}}}
            }}),
        );
    }
    serde_json::json!({
        "openapi": "3.0.0",
        "info": {"title": "split", "version": "1"},
        "servers": [{"url": "https://split.example.com"}],
        "paths": paths,
        "components": {"schemas": {"Widget": {"type": "object", "properties": {"id": {"type": "string"}}}}}
    })
    .to_string()
}

fn split_scenario(ws: &Path) {
    let spec_file = ws.join("split.json");
    std::fs::write(&spec_file, widgets_spec(3)).unwrap();
    let spec_path = spec_file.display().to_string();
    let created = connkit(ws, &["new", "split", "--tier", "full", "--spec", &spec_path]);
    assert_eq!(created.code, Some(0), "{}", created.stderr);
    let dir = ws.join("connectors/split");
    let file = dir.join("src/services/widgets.rs");
    let text = std::fs::read_to_string(&file).unwrap();
    // 1. a generated method's body, edited; 2. a method added to the service; 3. a function
    // added to the module.
    let start = text.find("pub async fn get_widget1(").unwrap();
    let body = start + text[start..].find("> {\n").unwrap() + 4;
    let edit = "        let widget_id = \"edited\";\n        let _ = widget_id;\n";
    let mut text = format!("{}{edit}{}", &text[..body], &text[body..]);
    let method_start = text.find("    /// Gets widget 2.").unwrap();
    let method = "    /// Hand-written: how many widgets there are.\n    pub fn widget_count(&self) -> usize {\n        3\n    }\n";
    text.insert_str(method_start, method);
    let function = "/// Hand-written: a label.\npub fn widget_label(id: &str) -> String {\n    format!(\"widget {id}\")\n}\n";
    text.push_str(function);
    std::fs::write(&file, &text).unwrap();

    std::fs::write(&spec_file, widgets_spec(24)).unwrap();
    let synced = connkit(ws, &["sync", "split", "--spec", &spec_path]);
    assert_eq!(synced.code, Some(0), "{}{}", synced.stdout, synced.stderr);
    assert!(!file.exists(), "the service is a folder now");
    assert!(dir.join("src/services/widgets/mod.rs").is_file());
    assert!(
        synced.stderr.contains("moved     your edits of connectors/split/src/services/widgets.rs (no longer generated) into"),
        "{}",
        synced.stderr
    );
    // Each edit is in the file that holds its code now, inside the build.
    let files = services_files(&dir.join("src/services/widgets"));
    let holding = |needle: &str| -> Vec<String> {
        files.iter().filter(|(_, t)| t.contains(needle)).map(|(p, _)| p.clone()).collect()
    };
    let get1 = holding("pub async fn get_widget1(");
    assert_eq!(get1.len(), 1);
    assert!(read_file(&dir, &get1[0]).contains(&format!("> {{\n{edit}")), "{}", get1[0]);
    assert_eq!(holding("pub fn widget_count(&self)").len(), 1, "the added method, once");
    let label = holding("pub fn widget_label(");
    assert_eq!(label, vec!["mod.rs".to_string()], "a module's function stays in its module");
    assert!(!walk_names(&dir).iter().any(|n| n.ends_with(".connkit-orphan")));
    let check = connkit(ws, &["check", "split"]);
    assert_eq!(check.code, Some(0), "{}", check.stdout);
    // The next sync has nothing left to move.
    let again = connkit(ws, &["sync", "split"]);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert!(again.stderr.contains("nothing changed"), "{}", again.stderr);
}

fn services_files(dir: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn read_file(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join("src/services/widgets").join(name)).unwrap()
}

fn walk_names(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.to_string_lossy().to_string());
            }
        }
    }
    out
}

#[test]
fn synced_and_upgraded_connectors_keep_hand_edits_compile_and_pass_clippy() {
    let root = repo().join("target/connkit-maintain");
    let ws = root.join("ws");
    if ws.exists() {
        std::fs::remove_dir_all(&ws).unwrap();
    }
    std::fs::create_dir_all(&ws).unwrap();
    std::fs::write(ws.join("Cargo.toml"), "[workspace]\nresolver = \"3\"\nmembers = []\n").unwrap();

    sync_scenario(&ws);
    upgrade_scenario(&ws);
    split_scenario(&ws);

    let members = std::fs::read_to_string(ws.join("Cargo.toml")).unwrap();
    assert!(
        members.contains("connectors/shop")
            && members.contains("connectors/notes")
            && members.contains("connectors/split"),
        "{members}"
    );
    let target = repo().join("target/connkit-gen-connectors/target");
    let output = std::process::Command::new(env!("CARGO"))
        .current_dir(&ws)
        .args(["clippy", "--quiet", "--workspace", "--all-targets", "--target-dir"])
        .arg(&target)
        .args(["--", "-D", "warnings"])
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .output()
        .unwrap();
    assert!(output.status.success(), "clippy failed:\n{}", String::from_utf8_lossy(&output.stderr));
}
