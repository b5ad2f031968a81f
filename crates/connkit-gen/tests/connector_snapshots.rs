//! Golden output of `connkit new` for small specs written here (STYLE.md §9): every file of
//! the connector (and its plan spec) in one insta snapshot per case. Regenerate with
//! `cargo insta review` (or `INSTA_UPDATE=always`) after an intended change.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod connector_support;

use connector_support::{create, fixture, load, manifest, read_tree};
use connkit_gen::manifest::{AuthKind, Tier};
use connkit_gen::new::TierChoice;

fn snapshot_of(case: &str, tier: TierChoice) -> String {
    let workspace = tempfile::tempdir().unwrap();
    let specs = load(&[fixture(&format!("{case}.yaml"))]);
    let system = case.replace('_', "-");
    create(workspace.path(), &system, &specs, tier, None, None);
    read_tree(workspace.path())
        .into_iter()
        .map(|(path, contents)| format!("=== {path} ===\n{contents}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn lite() {
    insta::assert_snapshot!("lite", snapshot_of("lite", TierChoice::Auto));
}

#[test]
fn full() {
    insta::assert_snapshot!("full", snapshot_of("lite", TierChoice::Exactly(Tier::Full)));
}

#[test]
fn paginated_list_streams_and_optional_json() {
    insta::assert_snapshot!("paginated", snapshot_of("paginated", TierChoice::Exactly(Tier::Full)));
}

#[test]
fn the_credential_a_spec_declares_as_a_parameter_is_left_to_the_client() {
    let text = snapshot_of("paginated", TierChoice::Exactly(Tier::Full));
    assert!(text.contains("name: Authorization, in: header"), "the spec declares it");
    assert!(!text.contains("authorization"), "no method asks the caller for the credential");
}

#[test]
fn oneof_with_discriminator() {
    insta::assert_snapshot!(
        "oneof_discriminator",
        snapshot_of("oneof_discriminator", TierChoice::Auto)
    );
}

#[test]
fn allof() {
    insta::assert_snapshot!("allof", snapshot_of("allof", TierChoice::Auto));
}

#[test]
fn nullable() {
    insta::assert_snapshot!("nullable", snapshot_of("nullable", TierChoice::Auto));
}

#[test]
fn keywords_and_collisions() {
    insta::assert_snapshot!("keywords", snapshot_of("keywords", TierChoice::Auto));
}

#[test]
fn multipart_form_and_raw_bodies() {
    insta::assert_snapshot!("multipart", snapshot_of("multipart", TierChoice::Auto));
}

#[test]
fn parameter_styles_and_body_encodings() {
    insta::assert_snapshot!("encodings", snapshot_of("encodings", TierChoice::Exactly(Tier::Full)));
}

#[test]
fn binary_download_text_and_event_stream() {
    insta::assert_snapshot!("binary_download", snapshot_of("binary_download", TierChoice::Auto));
}

#[test]
fn tiny_api_key_spec_with_three_endpoints_is_lite_by_default() {
    let workspace = tempfile::tempdir().unwrap();
    let outcome = create(
        workspace.path(),
        "quotes",
        &load(&[fixture("lite.yaml")]),
        TierChoice::Auto,
        None,
        None,
    );
    let manifest = manifest(&outcome);
    assert_eq!(manifest.tier, Tier::Lite);
    assert_eq!(manifest.auth.kind, AuthKind::ApiKey);
    assert!(outcome.connector_dir.join("src/client.rs").is_file());
    assert!(!outcome.connector_dir.join("src/services").exists());
}

#[test]
fn generating_twice_gives_identical_bytes() {
    let specs = load(&[fixture("keywords.yaml"), fixture("oneof_discriminator.yaml")]);
    let trees: Vec<Vec<(String, String)>> = (0..2)
        .map(|_| {
            let workspace = tempfile::tempdir().unwrap();
            create(workspace.path(), "twice", &specs, TierChoice::Exactly(Tier::Full), None, None);
            read_tree(workspace.path())
        })
        .collect();
    assert_eq!(trees[0], trees[1]);
}

#[test]
fn multi_spec_connectors_have_one_feature_per_spec() {
    let workspace = tempfile::tempdir().unwrap();
    let specs = load(&[fixture("allof.yaml"), fixture("nullable.yaml")]);
    let outcome =
        create(workspace.path(), "multi", &specs, TierChoice::Exactly(Tier::Full), None, None);
    let cargo = std::fs::read_to_string(outcome.connector_dir.join("Cargo.toml")).unwrap();
    assert!(cargo.contains("default = [\"allof\", \"nullable\", \"all-models\"]"), "{cargo}");
    assert!(outcome.connector_dir.join("src/models/allof/mod.rs").is_file());
    assert!(outcome.connector_dir.join("src/models/nullable/mod.rs").is_file());
    let services =
        std::fs::read_to_string(outcome.connector_dir.join("src/services/mod.rs")).unwrap();
    assert!(services.contains("#[cfg(feature = \"nullable\")]"), "{services}");
}

#[test]
fn the_last_generated_copy_is_kept_for_merges() {
    let workspace = tempfile::tempdir().unwrap();
    let outcome = create(
        workspace.path(),
        "copy",
        &load(&[fixture("lite.yaml")]),
        TierChoice::Auto,
        None,
        None,
    );
    let lib = std::fs::read_to_string(outcome.connector_dir.join("src/lib.rs")).unwrap();
    let kept = std::fs::read_to_string(outcome.connector_dir.join(".connkit/src/lib.rs")).unwrap();
    assert_eq!(lib, kept);
    let skill = std::fs::read_to_string(outcome.connector_dir.join("SKILL.md")).unwrap();
    assert!(
        skill.contains(connkit_gen::docs::SKILL_START)
            && skill.contains(connkit_gen::docs::SKILL_END)
    );
    assert!(skill.contains("random_quote"), "{skill}");
    let env = std::fs::read_to_string(outcome.connector_dir.join(".env.example")).unwrap();
    assert!(env.contains("COPY_API_KEY=\n"), "{env}");
    assert!(env.contains("COPY_TIMEOUT_SECS=30"), "{env}");
}

#[test]
fn skill_md_keeps_hand_written_text_outside_the_markers() {
    use connkit_gen::docs::{SKILL_END, SKILL_START, merge_skill};
    let existing = format!("# Mine\nnotes\n{SKILL_START}\nold\n{SKILL_END}\nmore notes\n");
    let generated = format!("# Generated\n{SKILL_START}\nnew\n{SKILL_END}\n");
    assert_eq!(
        merge_skill(&existing, &generated),
        format!("# Mine\nnotes\n{SKILL_START}\nnew\n{SKILL_END}\nmore notes\n")
    );
}
