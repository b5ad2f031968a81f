//! `connkit docs` through the binary: SKILL.md's generated part follows the public API,
//! hand-written text around it stays, and a second run changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn connkit() -> Command {
    Command::cargo_bin("connkit").unwrap()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../connkit-gen/tests/fixtures/maintain")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn docs_lists_hand_written_gateway_methods_and_keeps_the_rest() {
    let ws = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("clean"), ws.path());
    let dir = ws.path().join("connectors/demo");
    let gateway = std::fs::read_to_string(dir.join("src/gateway.rs")).unwrap();
    let edited = format!(
        "{}    /// Names of the first page of widgets.\n    pub async fn widget_names(&self) -> Result<Vec<String>, ::connkit::Error> {{\n        Ok(Vec::new())\n    }}\n}}\n",
        gateway.trim_end().strip_suffix('}').unwrap()
    );
    std::fs::write(dir.join("src/gateway.rs"), edited).unwrap();
    let check = connkit().args(["check", "demo", "--dir"]).arg(ws.path()).output().unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stdout).contains("skill-out-of-date"));

    let output = connkit().args(["docs", "demo", "--dir"]).arg(ws.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let skill = std::fs::read_to_string(dir.join("SKILL.md")).unwrap();
    assert!(skill.contains("### `gateway` → `DemoGateway`"), "{skill}");
    assert!(
        skill.contains("- `async fn widget_names() -> Result<Vec<String>, Error>`\n"),
        "{skill}"
    );
    // Issue 13: a scannable table of every method with its full one-line summary.
    assert!(
        skill.contains("| `gateway` | `widget_names` | Names of the first page of widgets. |"),
        "{skill}"
    );
    assert!(skill.contains("### `gateway.widgets()` → `WidgetsService`"), "{skill}");
    assert!(
        skill.contains(
            "- `async fn get_widget(id: &str) -> Result<ApiResponse<serde_json::Value>, Error>`\n"
        ),
        "{skill}"
    );
    assert!(skill.contains("| `gateway.widgets()` | `get_widget` | Gets one widget. |"), "{skill}");
    assert!(skill.contains("Hand-written intro that `connkit docs` keeps."));
    assert!(skill.ends_with("Hand-written notes after the generated part.\n"));

    let before = std::fs::metadata(dir.join("SKILL.md")).unwrap().modified().unwrap();
    let again = connkit().args(["docs", "demo", "--dir"]).arg(ws.path()).output().unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&again.stderr).contains("up to date"));
    assert_eq!(std::fs::read_to_string(dir.join("SKILL.md")).unwrap(), skill);
    assert_eq!(std::fs::metadata(dir.join("SKILL.md")).unwrap().modified().unwrap(), before);
    let check = connkit().args(["check", "demo", "--dir"]).arg(ws.path()).output().unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stdout));

    let unknown = connkit().args(["docs", "nope", "--dir"]).arg(ws.path()).output().unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}
