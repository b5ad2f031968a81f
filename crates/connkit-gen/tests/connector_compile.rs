//! The connectors generated from the small specs of `connector_fixtures/` (and the README's
//! example) compile without warnings: one Cargo workspace under
//! `target/connkit-gen-connectors/` with its own target dir, `cargo fmt --check` (generated
//! code is exactly what rustfmt writes), `cargo clippy --all-targets -- -D warnings` on all of
//! them, and `cargo doc` with rustdoc warnings denied.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod connector_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use connector_support::{create, fixture, load};
use connkit_gen::manifest::{AuthKind, Tier};
use connkit_gen::new::TierChoice;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn cargo(root: &Path, args: &[&str], rustdoc_flags: Option<&str>) {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string()));
    // `--target-dir` goes before the arguments: they may end with `-- -D warnings`.
    command.current_dir(root).arg(args[0]).arg("--target-dir").arg(root.join("target"));
    command.args(&args[1..]);
    command.env_remove("CARGO_TARGET_DIR").env_remove("RUSTFLAGS");
    if let Some(flags) = rustdoc_flags {
        command.env("RUSTDOCFLAGS", flags);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "cargo {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn generated_connectors_pass_clippy_and_rustdoc_without_warnings() {
    let root = repo().join("target/connkit-gen-connectors");
    let _ = std::fs::remove_dir_all(root.join("connectors"));
    let _ = std::fs::remove_dir_all(root.join("plan"));
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("Cargo.toml"), "[workspace]\nresolver = \"3\"\nmembers = []\n")
        .unwrap();
    let runtime = Some(repo().join("crates/connkit"));
    let cases: Vec<(&str, Vec<PathBuf>, TierChoice)> = vec![
        ("lite", vec![fixture("lite.yaml")], TierChoice::Auto),
        ("full", vec![fixture("lite.yaml")], TierChoice::Exactly(Tier::Full)),
        ("oneof", vec![fixture("oneof_discriminator.yaml")], TierChoice::Auto),
        ("allof", vec![fixture("allof.yaml")], TierChoice::Exactly(Tier::Full)),
        ("nullable", vec![fixture("nullable.yaml")], TierChoice::Auto),
        ("paginated", vec![fixture("paginated.yaml")], TierChoice::Exactly(Tier::Full)),
        ("keywords", vec![fixture("keywords.yaml")], TierChoice::Exactly(Tier::Full)),
        ("keywords-lite", vec![fixture("keywords.yaml")], TierChoice::Exactly(Tier::Lite)),
        ("multipart", vec![fixture("multipart.yaml")], TierChoice::Auto),
        ("downloads", vec![fixture("binary_download.yaml")], TierChoice::Exactly(Tier::Full)),
        ("encodings", vec![fixture("encodings.yaml")], TierChoice::Exactly(Tier::Full)),
        (
            "multi",
            vec![fixture("allof.yaml"), fixture("nullable.yaml"), fixture("binary_download.yaml")],
            TierChoice::Exactly(Tier::Full),
        ),
        (
            "multi-lite",
            vec![
                fixture("allof.yaml"),
                fixture("oneof_discriminator.yaml"),
                fixture("paginated.yaml"),
                fixture("binary_download.yaml"),
                // Same operation ids as `lite.yaml`: one lite client holds both.
                fixture("lite.yaml"),
                fixture("lite_v2.yaml"),
            ],
            TierChoice::Exactly(Tier::Lite),
        ),
        ("widgets", vec![repo().join("examples/widgets.yaml")], TierChoice::Auto),
        ("shapes", vec![fixture("corpus_shapes.yaml")], TierChoice::Exactly(Tier::Full)),
        ("shapes-lite", vec![fixture("corpus_shapes.yaml")], TierChoice::Exactly(Tier::Lite)),
    ];
    for (system, specs, tier) in &cases {
        create(&root, system, &load(specs), *tier, None, runtime.clone());
    }
    // The SP-API preset: LWA refresh token, region and sandbox hosts.
    let lwa = load(&[fixture("allof.yaml")]);
    create(
        &root,
        "lwa",
        &lwa,
        TierChoice::Exactly(Tier::Full),
        Some(AuthKind::Lwa),
        runtime.clone(),
    );
    // A connector with a feature per entity group, as `connector.toml` asks for it (`connkit
    // new` does so from 1,000 operations).
    let grouped = create(
        &root,
        "grouped",
        &load(&[fixture("grouped.yaml")]),
        TierChoice::Exactly(Tier::Full),
        None,
        runtime.clone(),
    );
    let mut manifest = connkit_gen::manifest::Manifest::read(&grouped.connector_dir).unwrap();
    manifest.entity_features = true;
    std::fs::write(grouped.connector_dir.join("connector.toml"), manifest.to_toml().unwrap())
        .unwrap();
    let connector = connkit_gen::maintain::ConnectorDir::open(&root, "grouped").unwrap();
    let specs = load(&[fixture("grouped.yaml")]);
    let regenerated =
        connkit_gen::maintain::regenerate(&connector, &manifest, &specs, "0.1.0").unwrap();
    let report =
        connkit_gen::maintain::sync::sync_generated(&connector, &regenerated.generated.files)
            .unwrap();
    assert!(!report.has_conflicts(), "{report:?}");
    let cargo_toml = std::fs::read_to_string(grouped.connector_dir.join("Cargo.toml")).unwrap();
    assert!(
        cargo_toml.contains("default = [\"admin\", \"groups\", \"users\", \"all-models\"]"),
        "{cargo_toml}"
    );
    assert!(cargo_toml.contains("all-models = []"), "{cargo_toml}");
    // Exactly what `cargo fmt` produces: a user's `cargo fmt` changes nothing (each connector
    // carries its rustfmt.toml, so the repository's own style above does not apply).
    let systems = cases.iter().map(|(system, _, _)| *system).chain(["grouped"]);
    for system in systems {
        let lib = root.join("connectors").join(system).join("src/lib.rs");
        let fmt = Command::new("rustfmt")
            .args(["--check", "--edition", "2024"])
            .arg(&lib)
            .output()
            .unwrap();
        assert!(
            fmt.status.success(),
            "cargo fmt would change {system}:\n{}",
            String::from_utf8_lossy(&fmt.stdout)
        );
    }
    cargo(
        &root,
        &["clippy", "--quiet", "--workspace", "--all-targets", "--", "-D", "warnings"],
        None,
    );
    // Each group alone, none, only the models no operation uses, and everything.
    for features in [
        &["--no-default-features", "--features", "users"][..],
        &["--no-default-features", "--features", "groups"],
        &["--no-default-features", "--features", "admin"],
        &["--no-default-features"],
        &["--no-default-features", "--features", "all-models"],
        &["--all-features"],
    ] {
        let mut args = vec!["clippy", "--quiet", "-p", "grouped-connector", "--all-targets"];
        args.extend_from_slice(features);
        args.extend_from_slice(&["--", "-D", "warnings"]);
        cargo(&root, &args, None);
    }
    // One spec of a lite multi-spec connector alone: every method of an operation (the page
    // method, its stream twins, the shared request builder) is behind the spec's feature.
    cargo(
        &root,
        &[
            "clippy",
            "--quiet",
            "-p",
            "multi-lite-connector",
            "--no-default-features",
            "--features",
            "paginated",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
        None,
    );
    cargo(
        &root,
        &[
            "doc",
            "--quiet",
            "--no-deps",
            "-p",
            "widgets-connector",
            "-p",
            "multi-connector",
            "-p",
            "shapes-connector",
            "-p",
            "grouped-connector",
        ],
        Some("-D warnings"),
    );
}
