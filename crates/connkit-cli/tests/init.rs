//! `connkit init` and the workspace's `CONNECTOR_AGENTS.md` through the binary: the layout,
//! idempotence, files the user changed left alone, `connkit new` setting up a workspace
//! first, a customised template flowing into new and synced connectors without losing hand
//! edits, and a placeholder typo reported with its line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use assert_cmd::Command;

fn connkit() -> Command {
    Command::cargo_bin("connkit").unwrap()
}

fn example() -> String {
    format!("{}/../../examples/widgets.yaml", env!("CARGO_MANIFEST_DIR"))
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let output = connkit().args(args).arg("--dir").arg(dir).output().unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const LAYOUT: [&str; 6] = [
    "Cargo.toml",
    ".gitignore",
    "CONNECTOR_AGENTS.md",
    "AGENTS.md",
    "SKILL.md",
    "plan/specs/integrations/README.md",
];

#[test]
fn init_lays_out_the_workspace_once_and_leaves_changed_files_alone() {
    let dir = tempfile::tempdir().unwrap();
    let first = run(dir.path(), &["init"]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    for file in LAYOUT {
        assert!(dir.path().join(file).is_file(), "missing {file}");
        assert!(first.stderr.contains(&format!("wrote {file}")), "{}", first.stderr);
    }
    let cargo = read(&dir.path().join("Cargo.toml"));
    assert!(cargo.contains("members = [\"connectors/*\"]"), "{cargo}");
    let gitignore = read(&dir.path().join(".gitignore"));
    assert!(gitignore.lines().any(|l| l == ".env"), "secrets stay out of git:\n{gitignore}");
    let agents = read(&dir.path().join("AGENTS.md"));
    for command in ["connkit analyze", "connkit new", "connkit check", "connkit sync"] {
        assert!(agents.contains(command), "AGENTS.md does not teach `{command}`");
    }
    assert!(read(&dir.path().join("SKILL.md")).starts_with("---\nname: "));

    // Idempotent: nothing written twice; a file the user changed is kept and named.
    std::fs::write(dir.path().join("AGENTS.md"), "# Our own rules\n").unwrap();
    let second = run(dir.path(), &["init"]);
    assert_eq!(second.code, Some(0), "{}", second.stderr);
    assert!(!second.stderr.contains("wrote"), "{}", second.stderr);
    assert!(second.stderr.contains("left AGENTS.md alone"), "{}", second.stderr);
    assert_eq!(read(&dir.path().join("AGENTS.md")), "# Our own rules\n");
}

#[test]
fn init_speaks_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["init", "--format", "json"]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), LAYOUT.len());
    assert!(files.iter().all(|f| f["action"] == "written"), "{doc:#}");
    let again: serde_json::Value =
        serde_json::from_str(&run(dir.path(), &["init", "--format", "json"]).stdout).unwrap();
    assert!(again["files"].as_array().unwrap().iter().all(|f| f["action"] == "unchanged"));
}

#[test]
fn new_sets_up_a_workspace_first_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["new", "widgets", "--spec", &example()]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stderr.contains("was not a connector workspace yet"), "{}", out.stderr);
    assert!(dir.path().join("CONNECTOR_AGENTS.md").is_file());
    // The connector is a member of the workspace's `connectors/*`, not a workspace of its own.
    let cargo = read(&dir.path().join("connectors/widgets/Cargo.toml"));
    assert!(!cargo.contains("[workspace]"), "{cargo}");
    // A second connector does not set the workspace up again.
    let second = run(dir.path(), &["new", "gadgets", "--spec", &example()]);
    assert_eq!(second.code, Some(0), "{}", second.stderr);
    assert!(!second.stderr.contains("not a connector workspace"), "{}", second.stderr);
}

#[test]
fn a_customised_template_flows_into_new_and_synced_connectors_keeping_hand_edits() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(dir.path(), &["init"]).code, Some(0));
    let template = dir.path().join("CONNECTOR_AGENTS.md");
    let custom = read(&template).replace(
        "## Rules (the connector guideline)",
        "## Team rule\n\nEvery {{ system }} change is reviewed by the integrations team.\n\n\
         ## Rules (the connector guideline)",
    );
    std::fs::write(&template, &custom).unwrap();

    let created = run(dir.path(), &["new", "widgets", "--spec", &example()]);
    assert_eq!(created.code, Some(0), "{}", created.stderr);
    let agents_path = dir.path().join("connectors/widgets/AGENTS.md");
    let agents = read(&agents_path);
    assert!(agents.contains("Every widgets change is reviewed by the integrations team."));
    assert!(agents.contains("WIDGETS_API_KEY"), "settings listed:\n{agents}");
    assert!(!agents.contains("{{"), "placeholders rendered:\n{agents}");

    // A hand edit in the connector's AGENTS.md, then a template change, then a sync.
    let edited = agents.replace(
        "## Tier: full",
        "## Our notes\n\nThe sandbox resets every night.\n\n## Tier: full",
    );
    std::fs::write(&agents_path, &edited).unwrap();
    std::fs::write(&template, custom.replace("## Team rule", "## Team rule (v2)")).unwrap();
    let synced = run(dir.path(), &["sync", "widgets"]);
    assert_eq!(synced.code, Some(0), "{}", synced.stderr);
    let after = read(&agents_path);
    assert!(after.contains("## Team rule (v2)"), "template change applied:\n{after}");
    assert!(after.contains("The sandbox resets every night."), "hand edit kept:\n{after}");
}

#[test]
fn a_placeholder_typo_names_its_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(dir.path(), &["init"]).code, Some(0));
    let template = dir.path().join("CONNECTOR_AGENTS.md");
    let text = read(&template);
    let line = text.lines().count() + 2;
    std::fs::write(&template, format!("{text}\nOwned by {{{{ sytem }}}}.\n")).unwrap();
    let out = run(dir.path(), &["new", "widgets", "--spec", &example()]);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(out.stderr.contains(&format!("CONNECTOR_AGENTS.md:{line}")), "{}", out.stderr);
    assert!(out.stderr.contains("undefined"), "{}", out.stderr);
    assert!(!dir.path().join("connectors/widgets").exists(), "nothing half-made left behind");
}
