//! An agent can do the whole job from the docs alone (issue 13, item 4): after `connkit init`,
//! the workflow is driven ONLY through commands that the workspace's AGENTS.md names (its
//! shell blocks, with their placeholders filled in), on an example spec: research, create,
//! settings, build, a hand-written gateway method placed where the connector's AGENTS.md says,
//! docs and check, then a sync with a changed spec that keeps the method, and a build again.
//!
//! The connector builds in the target dir the other compile tests share
//! (`target/connkit-gen-connectors/target`), so its dependencies are built once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn spec(version: &str) -> PathBuf {
    repo().join("crates/connkit-gen/tests/fixtures/maintain/sync").join(version).join("shop.yaml")
}

/// The command lines of the shell blocks of a Markdown text.
fn documented_commands(markdown: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut in_shell = false;
    for line in markdown.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") {
            in_shell = !in_shell && trimmed == "```sh";
            continue;
        }
        if in_shell && !trimmed.is_empty() && !trimmed.starts_with('#') {
            out.push(trimmed.split_whitespace().map(str::to_string).collect());
        }
    }
    out
}

/// Whether `words` is `template` with its placeholders filled: a word in capitals (`SYSTEM`,
/// `PATH_OR_URL`, `SYSTEM-connector`) or a sample path or JSON stands for any word.
fn fills(template: &[String], words: &[&str]) -> bool {
    template.len() == words.len()
        && template.iter().zip(words).all(|(t, w)| t == w || is_placeholder(t, w))
}

fn is_placeholder(template: &str, word: &str) -> bool {
    let upper = template.chars().any(|c| c.is_ascii_uppercase())
        && template
            .chars()
            .all(|c| c.is_ascii_uppercase() || "_-./".contains(c) || c.is_ascii_lowercase());
    let sample_path = template.contains('/')
        && (template.ends_with(".yaml")
            || template.ends_with(".json")
            || template.ends_with("/.env")
            || template.ends_with(".env.example"));
    let system_in = template.contains("SYSTEM")
        && word.starts_with(template.split("SYSTEM").next().unwrap_or(""))
        && word.ends_with(template.rsplit("SYSTEM").next().unwrap_or(""));
    (upper && !template.starts_with("--")) || sample_path || system_in
}

/// The first `rust,ignore` block of a Markdown text.
fn rust_block(markdown: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            if inside {
                return out;
            }
            inside = line.trim() == "```rust,ignore";
            continue;
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    panic!("no rust block in:\n{markdown}");
}

struct Agent {
    ws: PathBuf,
    documented: Vec<Vec<String>>,
    log: Vec<String>,
}

impl Agent {
    /// Runs `words` in the workspace after checking that AGENTS.md documents it.
    fn run(&mut self, words: &[&str]) -> (Option<i32>, String, String) {
        assert!(
            self.documented.iter().any(|t| fills(t, words)),
            "`{}` is not a command AGENTS.md names; it names:\n{}",
            words.join(" "),
            self.documented.iter().map(|t| t.join(" ")).collect::<Vec<_>>().join("\n")
        );
        self.log.push(words.join(" "));
        let program = match words[0] {
            "connkit" => PathBuf::from(env!("CARGO_BIN_EXE_connkit")),
            other => PathBuf::from(other),
        };
        let mut command = Command::new(program);
        command.args(&words[1..]).current_dir(&self.ws);
        if words[0] == "cargo" {
            command.env("CARGO_TARGET_DIR", repo().join("target/connkit-gen-connectors/target"));
        }
        let output = command.output().unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    fn ok(&mut self, words: &[&str]) -> String {
        let (code, stdout, stderr) = self.run(words);
        assert_eq!(code, Some(0), "`{}`:\n{stdout}\n{stderr}", words.join(" "));
        stdout
    }
}

/// A hand-written gateway method, in its own `impl` block after the generated one.
const HAND_WRITTEN: &str = "
impl ShopGateway {
    /// Whether a widget exists: one service call, combined by hand.
    pub async fn widget_exists(&self, id: &str) -> bool {
        self.widgets().get_widget(id).await.is_ok()
    }
}
";

#[test]
fn the_workflow_of_the_workspace_agents_md_builds_and_keeps_a_connector() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().to_path_buf();
    let init = Command::new(env!("CARGO_BIN_EXE_connkit"))
        .args(["init", "--dir"])
        .arg(&ws)
        .output()
        .unwrap();
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
    let agents = std::fs::read_to_string(ws.join("AGENTS.md")).unwrap();
    let skill = std::fs::read_to_string(ws.join("SKILL.md")).unwrap();
    assert!(skill.contains(agents.lines().nth(2).unwrap()), "the skill has the same text");
    let documented = documented_commands(&agents);
    assert!(documented.len() >= 10, "{documented:?}");
    let mut agent = Agent { ws: ws.clone(), documented, log: Vec::new() };

    let v1 = ws.join("specs/shop.yaml");
    std::fs::create_dir_all(v1.parent().unwrap()).unwrap();
    std::fs::copy(spec("v1"), &v1).unwrap();

    // 1. Research first.
    let analysis = agent.ok(&["connkit", "analyze", "specs/shop.yaml"]);
    assert!(analysis.contains("Decision table"), "{analysis}");
    // 3. Create the connector (the tier the decision table picks).
    agent.ok(&["connkit", "new", "shop", "--spec", "specs/shop.yaml"]);
    let connector_agents = std::fs::read_to_string(ws.join("connectors/shop/AGENTS.md")).unwrap();
    let flat = connector_agents.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("in a second `impl ShopGateway { ... }` block after the generated one"),
        "where hand-written code goes:\n{connector_agents}"
    );
    // 4. Settings.
    agent.ok(&["cp", "connectors/shop/.env.example", "connectors/shop/.env"]);
    // 5. Build and check.
    agent.ok(&["cargo", "build", "-p", "shop-connector"]);
    agent.ok(&["connkit", "check", "shop"]);

    // 6. Extend: a gateway method where AGENTS.md says, then docs and check.
    let gateway = ws.join("connectors/shop/src/gateway.rs");
    let mut text = std::fs::read_to_string(&gateway).unwrap();
    text.push_str(HAND_WRITTEN);
    std::fs::write(&gateway, &text).unwrap();
    let (code, stdout, _) = agent.run(&["connkit", "check", "shop"]);
    assert_eq!(code, Some(1), "SKILL.md does not list the new method yet:\n{stdout}");
    agent.ok(&["connkit", "docs", "shop"]);
    agent.ok(&["connkit", "check", "shop"]);
    let skill = std::fs::read_to_string(ws.join("connectors/shop/SKILL.md")).unwrap();
    assert!(skill.contains("widget_exists"), "{skill}");

    // The connector's AGENTS.md "Testing" example, as a test of the crate, run the way that
    // AGENTS.md says (its own commands count from here on).
    let example = rust_block(&connector_agents);
    let tests = ws.join("connectors/shop/tests");
    std::fs::create_dir_all(&tests).unwrap();
    std::fs::write(tests.join("scripted.rs"), &example).unwrap();
    agent.documented.extend(documented_commands(&connector_agents));
    agent.ok(&["cargo", "test", "-p", "shop-connector"]);

    // 7. The spec changes: sync with the new one keeps the method.
    let v2 = ws.join("specs/shop-v2.yaml");
    std::fs::copy(spec("v2"), &v2).unwrap();
    let v2_in_openapi = ws.join("connectors/shop/openapi/shop.yaml");
    let before = std::fs::read_to_string(&v2_in_openapi).unwrap();
    std::fs::copy(&v2, ws.join("specs/shop.yaml")).unwrap();
    agent.ok(&["connkit", "sync", "shop", "--spec", "specs/shop.yaml"]);
    assert_ne!(std::fs::read_to_string(&v2_in_openapi).unwrap(), before, "the new spec is in");
    let synced = std::fs::read_to_string(&gateway).unwrap();
    assert!(synced.contains("pub async fn widget_exists"), "{synced}");
    let services = std::fs::read_to_string(ws.join("connectors/shop/src/services/widgets.rs"))
        .unwrap_or_default();
    assert!(services.contains("fn delete_widget"), "the new operation is generated");
    agent.ok(&["connkit", "docs", "shop"]);
    agent.ok(&["connkit", "check", "shop"]);
    agent.ok(&["cargo", "build", "-p", "shop-connector"]);
    eprintln!("commands run, each named by AGENTS.md:\n  {}", agent.log.join("\n  "));
}
