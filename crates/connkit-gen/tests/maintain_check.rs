//! `connkit check` rules on a hand-made connector fixture: the clean fixture passes, and for
//! every rule a change that breaks it is reported with the rule id and the right file:line.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use connkit_gen::maintain::check::{SpecAnalysis, check_connector};
use connkit_gen::maintain::docs::update_skill;
use connkit_gen::maintain::{ConnectorDir, Finding, Rule, Severity};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/maintain")
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

/// A fresh copy of the clean fixture workspace.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("clean"), dir.path());
    dir
}

fn connector_path(ws: &Path) -> PathBuf {
    ws.join("connectors/demo")
}

fn check(ws: &Path) -> Vec<Finding> {
    let connector = ConnectorDir::open(ws, "demo").unwrap();
    check_connector(&connector, &SpecAnalysis::Skipped).unwrap()
}

fn has(findings: &[Finding], rule: Rule, file: &str, line: Option<usize>) -> bool {
    findings.iter().any(|f| f.rule == rule && f.file == file && f.line == line)
}

#[test]
fn the_clean_fixture_passes() {
    let ws = workspace();
    let findings = check(ws.path());
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn every_code_rule_fixture_is_reported_at_its_line() {
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(fixtures().join("breaks")).unwrap() {
        let path = entry.unwrap().path();
        let rule_id = path.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let (first, body) = text.split_once('\n').unwrap();
        let target = first.strip_prefix("// target: ").expect("a target line");
        let line = body.lines().position(|l| l.contains("// BREAKS")).expect("a BREAKS marker") + 1;
        let ws = workspace();
        let file = connector_path(ws.path()).join(target);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, body).unwrap();
        let findings = check(ws.path());
        let rule =
            *Rule::ALL.iter().find(|r| r.id() == rule_id).expect("fixture named after a rule");
        let shown = format!("connectors/demo/{target}");
        assert!(
            has(&findings, rule, &shown, Some(line)),
            "{rule_id} expected at {shown}:{line}, got {findings:#?}"
        );
        assert_eq!(rule.severity(), Severity::Error);
        seen.push(rule_id);
    }
    seen.sort();
    assert_eq!(
        seen,
        vec![
            "auth-outside-client",
            "backoff-outside-client",
            "env-outside-settings",
            "hardcoded-credential",
            "hardcoded-url",
            "unparsable-source"
        ]
    );
}

#[test]
fn missing_documents_specs_and_plan() {
    for (relative, rule, shown) in [
        ("connectors/demo/AGENTS.md", Rule::MissingDocFile, "connectors/demo/AGENTS.md"),
        ("connectors/demo/SKILL.md", Rule::MissingDocFile, "connectors/demo/SKILL.md"),
        ("connectors/demo/.env.example", Rule::MissingDocFile, "connectors/demo/.env.example"),
        (
            "connectors/demo/openapi/demo.yaml",
            Rule::MissingSpec,
            "connectors/demo/openapi/demo.yaml",
        ),
        ("plan/specs/integrations/demo.md", Rule::MissingPlan, "plan/specs/integrations/demo.md"),
    ] {
        let ws = workspace();
        std::fs::remove_file(ws.path().join(relative)).unwrap();
        let findings = check(ws.path());
        assert!(has(&findings, rule, shown, None), "{relative}: {findings:#?}");
        assert_eq!(findings.len(), 1, "{findings:#?}");
    }
}

#[test]
fn services_files_of_300_lines_or_more() {
    let ws = workspace();
    let file = connector_path(ws.path()).join("src/services/widgets.rs");
    let text = std::fs::read_to_string(&file).unwrap();
    let lines = text.lines().count();
    let padded = |total: usize| format!("{text}{}", "// padding\n".repeat(total - lines));
    std::fs::write(&file, padded(299)).unwrap();
    assert!(check(ws.path()).is_empty());
    std::fs::write(&file, padded(300)).unwrap();
    let findings = check(ws.path());
    assert!(
        has(&findings, Rule::ServiceTooLong, "connectors/demo/src/services/widgets.rs", Some(300)),
        "{findings:#?}"
    );
}

#[test]
fn skill_md_missing_and_stale_methods() {
    let ws = workspace();
    let dir = connector_path(ws.path());
    let gateway = std::fs::read_to_string(dir.join("src/gateway.rs")).unwrap();
    let added = gateway.trim_end().trim_end_matches('}').to_string()
        + "    /// Counts widgets.\n    pub async fn count_widgets(&self) -> Result<usize, ::connkit::Error> {\n        Ok(0)\n    }\n}\n";
    std::fs::write(dir.join("src/gateway.rs"), &added).unwrap();
    let service = std::fs::read_to_string(dir.join("src/services/widgets.rs")).unwrap();
    let cut = service.find("    /// Lists widgets.").unwrap();
    std::fs::write(dir.join("src/services/widgets.rs"), format!("{}}}\n", &service[..cut]))
        .unwrap();
    let findings = check(ws.path());
    // The start marker is on line 5; list_widgets is listed on line 13.
    assert!(
        has(&findings, Rule::SkillOutOfDate, "connectors/demo/SKILL.md", Some(5)),
        "{findings:#?}"
    );
    assert!(
        has(&findings, Rule::SkillOutOfDate, "connectors/demo/SKILL.md", Some(13)),
        "{findings:#?}"
    );
    assert!(findings.iter().any(|f| f.message.contains("count_widgets")));
    assert!(findings.iter().any(|f| f.message.contains("list_widgets")));

    // `connkit docs` fixes it and keeps the hand-written text; a second run changes nothing.
    let connector = ConnectorDir::open(ws.path(), "demo").unwrap();
    let outcome = update_skill(&connector).unwrap();
    assert!(outcome.changed);
    let skill = std::fs::read_to_string(dir.join("SKILL.md")).unwrap();
    assert!(skill.starts_with(
        "# demo connector — skills\n\nHand-written intro that `connkit docs` keeps.\n"
    ));
    assert!(
        skill.ends_with(
            "<!-- connkit:generated:end -->\n\nHand-written notes after the generated part.\n"
        ),
        "{skill}"
    );
    assert!(skill.contains("- `async fn count_widgets() -> Result<usize, Error>`\n"), "{skill}");
    assert!(skill.contains("| `count_widgets` | Counts widgets. |"), "{skill}");
    assert!(!skill.contains("list_widgets"));
    assert!(!update_skill(&connector).unwrap().changed);
    assert!(check(ws.path()).is_empty(), "{:#?}", check(ws.path()));
}

#[test]
fn env_example_missing_and_extra_variables() {
    let ws = workspace();
    let file = connector_path(ws.path()).join(".env.example");
    let text = std::fs::read_to_string(&file).unwrap();
    let edited =
        text.replace("DEMO_API_KEY=\n", "") + "# Not read by anything.\nDEMO_COLOUR=blue\n";
    std::fs::write(&file, &edited).unwrap();
    let extra_line = edited.lines().position(|l| l.starts_with("DEMO_COLOUR")).unwrap() + 1;
    let findings = check(ws.path());
    let shown = "connectors/demo/.env.example";
    assert!(has(&findings, Rule::EnvExampleOutOfDate, shown, None), "{findings:#?}");
    assert!(findings.iter().any(|f| f.message.contains("DEMO_API_KEY")));
    assert!(has(&findings, Rule::EnvExampleOutOfDate, shown, Some(extra_line)), "{findings:#?}");
}

#[test]
fn a_lite_connector_the_table_puts_in_full_gets_a_warning() {
    let ws = workspace();
    let manifest = connector_path(ws.path()).join("connector.toml");
    let text =
        std::fs::read_to_string(&manifest).unwrap().replace("tier = \"full\"", "tier = \"lite\"");
    std::fs::write(&manifest, text).unwrap();
    let connector = ConnectorDir::open(ws.path(), "demo").unwrap();
    let full = SpecAnalysis::Analyzed {
        tier: connkit_spec::Tier::Full,
        reasons: vec!["1 operation with pagination (e.g. listWidgets)".to_string()],
    };
    let findings = check_connector(&connector, &full).unwrap();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0].rule, Rule::LiteShouldBeFull);
    assert_eq!(findings[0].severity, Severity::Warning);
    assert_eq!(findings[0].location(), "connectors/demo/connector.toml:2");
    assert!(findings[0].hint.contains("connkit upgrade demo"));
    let lite = SpecAnalysis::Analyzed { tier: connkit_spec::Tier::Lite, reasons: Vec::new() };
    assert!(check_connector(&connector, &lite).unwrap().is_empty());
}

#[test]
fn rule_ids_are_stable_and_unique() {
    let ids: std::collections::BTreeSet<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
    assert_eq!(ids.len(), Rule::ALL.len());
    let json =
        serde_json::to_value(Finding::new(Rule::HardcodedUrl, "f.rs", Some(3), "m", "h")).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"rule": "hardcoded-url", "severity": "error", "file": "f.rs", "line": 3, "message": "m", "hint": "h"})
    );
}

#[test]
fn module_declarations_and_re_exports_are_not_lines_of_a_service() {
    let ws = workspace();
    let file = connector_path(ws.path()).join("src/services/mod.rs");
    let text = std::fs::read_to_string(&file).unwrap();
    let index: String =
        (0..400).map(|n| format!("/// Entity {n}.\npub mod entity_{n};\n")).collect();
    std::fs::write(&file, format!("{text}{index}pub use self::entity_1::*;\n")).unwrap();
    let findings = check(ws.path());
    assert!(!findings.iter().any(|f| f.rule == Rule::ServiceTooLong), "{findings:#?}");
}

#[test]
fn the_rules_page_in_docs_lists_every_rule_as_the_code_does() {
    let page = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/check-rules.md");
    let expected = connkit_gen::maintain::Rule::reference_markdown();
    if std::env::var_os("CONNKIT_UPDATE_DOCS").is_some() {
        std::fs::write(&page, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&page).unwrap_or_default();
    assert_eq!(
        actual, expected,
        "docs/check-rules.md is out of date: run with CONNKIT_UPDATE_DOCS=1 to rewrite it"
    );
    for rule in connkit_gen::maintain::Rule::ALL {
        assert!(actual.contains(&format!("| `{}` |", rule.id())), "{}", rule.id());
    }
}
