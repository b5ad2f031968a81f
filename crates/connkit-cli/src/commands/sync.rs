//! `connkit sync SYSTEM [--spec PATH_OR_URL ...] [--refetch]`: update the specs in
//! `openapi/`, regenerate, and merge three ways so hand edits survive. Conflicts get
//! git-style markers, are listed, and exit 1.

use std::path::{Path, PathBuf};

use clap::Args;
use connkit_gen::maintain::plan_sync::{PlanAction, sync_plan};
use connkit_gen::maintain::sync::{SpecDocument, SyncReport, add_spec_documents, sync_generated};
use connkit_gen::maintain::{ConnectorDir, regenerate};
use connkit_gen::manifest::MANIFEST_FILE;
use connkit_spec::LoadedSpec;

use super::check::{load_manifest_specs, maintain_error, open};
use super::degraded::{DegradedReport, PaginationGuesses};
use super::loading::runtime;
use super::output::{Format, print_json};
use crate::exit::{CommandError, ExitStatus};

/// Arguments of `connkit sync`.
#[derive(Debug, Args)]
pub(crate) struct SyncArgs {
    /// The connector to regenerate.
    #[arg(value_name = "SYSTEM")]
    pub system: String,
    /// A spec file or http(s) URL to add to `openapi/`, or to replace the one of the same
    /// file name. Repeat for several.
    #[arg(long = "spec", value_name = "PATH_OR_URL")]
    pub specs: Vec<String>,
    /// Download the specs recorded with a source URL in connector.toml again.
    #[arg(long)]
    pub refetch: bool,
    /// The workspace root.
    #[arg(long, value_name = "WORKSPACE", default_value = ".")]
    pub dir: PathBuf,
    /// Fail (exit 2) when the spec has errors or operations are degraded (the files are
    /// written all the same).
    #[arg(long)]
    pub strict: bool,
    /// Output format: what changed on stderr, or one JSON document on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

fn is_url(location: &str) -> bool {
    location.starts_with("http://") || location.starts_with("https://")
}

fn documents(spec: &LoadedSpec) -> Vec<SpecDocument> {
    spec.files
        .iter()
        .map(|f| SpecDocument {
            relative_path: f.relative_path.clone(),
            content: f.content.clone(),
        })
        .collect()
}

/// Loads `location` (a URL, or a path relative to the workspace).
fn load(
    rt: &tokio::runtime::Runtime,
    location: &str,
    dir: &Path,
) -> Result<LoadedSpec, CommandError> {
    let resolved = if is_url(location) || Path::new(location).is_absolute() {
        location.to_string()
    } else {
        dir.join(location).display().to_string()
    };
    super::loading::load_spec(rt, &resolved, "fix the document or leave it out")
}

/// Updates `openapi/` and connector.toml from `--spec` and `--refetch`.
fn update_specs(args: &SyncArgs, connector: &mut ConnectorDir) -> Result<(), CommandError> {
    if args.specs.is_empty() && !args.refetch {
        return Ok(());
    }
    let rt = runtime()?;
    let mut manifest = connector.manifest.clone();
    let mut manifest_changed = false;
    for location in &args.specs {
        let spec = load(&rt, location, &args.dir)?;
        let analysis = connkit_spec::analyze(std::slice::from_ref(&spec));
        let stem = analysis.specs.first().map(|s| s.stem.clone()).unwrap_or_else(|| "spec".into());
        let source = is_url(location).then(|| location.clone());
        let (file, changed) =
            add_spec_documents(connector, &mut manifest, &documents(&spec), &stem, source)
                .map_err(maintain_error)?;
        eprintln!("spec {location} -> {file}");
        manifest_changed |= changed;
    }
    if args.refetch {
        let sources: Vec<(String, String)> = manifest
            .specs
            .iter()
            .filter_map(|e| e.source.clone().map(|s| (s, e.stem.clone())))
            .collect();
        if sources.is_empty() {
            eprintln!("--refetch: no spec in connector.toml has a source URL");
        }
        for (url, stem) in sources {
            let spec = load(&rt, &url, &args.dir)?;
            let (file, changed) = add_spec_documents(
                connector,
                &mut manifest,
                &documents(&spec),
                &stem,
                Some(url.clone()),
            )
            .map_err(maintain_error)?;
            eprintln!("refetched {url} -> {file}");
            manifest_changed |= changed;
        }
    }
    if manifest_changed {
        let text =
            manifest.to_toml().map_err(|err| CommandError::failure(miette::miette!("{err}")))?;
        let path = connector.dir.join(MANIFEST_FILE);
        std::fs::write(&path, text).map_err(|err| {
            CommandError::failure(miette::miette!("cannot write `{}`: {err}", path.display()))
        })?;
    }
    connector.manifest = manifest;
    Ok(())
}

/// The JSON document of a sync or upgrade (docs/cli-json.md): every file by what happened to
/// it, conflicts, and what to do next.
pub(crate) fn report_document(connector: &ConnectorDir, report: &SyncReport) -> serde_json::Value {
    let show = |p: &Path| connector.shown(p);
    let list = |paths: &[std::path::PathBuf]| paths.iter().map(|p| show(p)).collect::<Vec<_>>();
    let mut conflicts = list(&report.conflicts);
    if let Some(plan) = report.plan.as_ref().filter(|p| p.action == PlanAction::Conflict) {
        conflicts.push(plan.path.to_string_lossy().replace('\\', "/"));
    }
    conflicts.extend(report.orphaned.iter().map(|(_, backup, _)| show(backup)));
    let system = connector.system.as_str();
    let next_steps: Vec<String> = if report.has_conflicts() {
        vec![
            format!("resolve the conflicts in {}", conflicts.join(", ")),
            format!("run `connkit sync {system}` again until it exits 0"),
            format!("run `connkit check {system}`"),
        ]
    } else {
        vec![
            format!("run `connkit check {system}`"),
            format!("run `cargo build -p {system}-connector`"),
        ]
    };
    serde_json::json!({
        "system": system,
        "connector": format!("connectors/{system}"),
        "changed": report.changed(),
        "created": list(&report.created),
        "merged": list(&report.updated),
        "removed": list(&report.removed),
        "moved": report.followed.iter().map(|(from, into)| serde_json::json!({
            "from": show(from), "into": list(into),
        })).collect::<Vec<_>>(),
        "orphaned": report.orphaned.iter().map(|(file, backup, unplaced)| serde_json::json!({
            "file": show(file), "backup": show(backup), "unplaced": unplaced,
        })).collect::<Vec<_>>(),
        "kept_deleted": list(&report.kept_deleted),
        "skill_refreshed": report.skill_changed,
        "plan": report.plan.as_ref().map(|plan| serde_json::json!({
            "file": plan.path.to_string_lossy().replace('\\', "/"),
            "action": match plan.action {
                PlanAction::Created => "created",
                PlanAction::Merged => "merged",
                PlanAction::Unchanged => "unchanged",
                PlanAction::Conflict => "conflict",
                PlanAction::KeptWithoutBase => "kept_without_base",
            },
        })),
        "conflicts": conflicts,
        "next_steps": next_steps,
    })
}

/// Prints what a sync or upgrade did, on stderr.
pub(crate) fn print_report(connector: &ConnectorDir, report: &SyncReport) {
    let show = |p: &Path| connector.shown(p);
    for path in &report.created {
        eprintln!("  created   {}", show(path));
    }
    for path in &report.updated {
        eprintln!("  merged    {}", show(path));
    }
    for path in &report.removed {
        eprintln!("  removed   {}", show(path));
    }
    for (path, into) in &report.followed {
        let into: Vec<String> = into.iter().map(|p| show(p)).collect();
        eprintln!(
            "  moved     your edits of {} (no longer generated) into {}",
            show(path),
            into.join(", ")
        );
    }
    for (path, backup, unplaced) in &report.orphaned {
        eprintln!(
            "  kept      {}: your edits of {} (no longer generated) that found no place: {}",
            show(backup),
            show(path),
            unplaced.join("; ")
        );
    }
    for path in &report.kept_deleted {
        eprintln!("  deleted   {} (you deleted it; it stays deleted)", show(path));
    }
    if report.skill_changed {
        eprintln!("  refreshed {}", show(Path::new("SKILL.md")));
    }
    if let Some(plan) = &report.plan {
        let path = plan.path.display();
        match plan.action {
            PlanAction::Created => eprintln!("  created   {path}"),
            PlanAction::Merged => eprintln!("  merged    {path} (your notes kept)"),
            PlanAction::Conflict => eprintln!("  conflict  {path}"),
            PlanAction::KeptWithoutBase => eprintln!(
                "  kept      {path} as it is (it predates connkit's plan merge; `connkit sync` merges it from now on)"
            ),
            PlanAction::Unchanged => {}
        }
    }
    if !report.changed() && !report.has_conflicts() {
        eprintln!("nothing changed");
    }
}

/// Lists conflicts (files with markers, and backups of edits that found no place) and maps
/// them to exit 1.
pub(crate) fn finish(
    connector: &ConnectorDir,
    report: &SyncReport,
) -> Result<ExitStatus, CommandError> {
    if !report.has_conflicts() {
        return Ok(ExitStatus::Success);
    }
    let mut marked: Vec<String> = report.conflicts.iter().map(|p| connector.shown(p)).collect();
    if let Some(plan) = report.plan.as_ref().filter(|p| p.action == PlanAction::Conflict) {
        marked.push(plan.path.to_string_lossy().replace('\\', "/"));
    }
    let orphans: Vec<String> =
        report.orphaned.iter().map(|(_, backup, _)| connector.shown(backup)).collect();
    for file in marked.iter().chain(&orphans) {
        println!("{file}");
    }
    let mut what = Vec::new();
    if !marked.is_empty() {
        what.push(format!("{} file(s) with conflicts: {}", marked.len(), marked.join(", ")));
    }
    if !orphans.is_empty() {
        what.push(format!(
            "{} file(s) of hand edits outside the build: {}",
            orphans.len(),
            orphans.join(", ")
        ));
    }
    let help = match (marked.is_empty(), orphans.is_empty()) {
        (false, true) => {
            "resolve the <<<<<<< / ======= / >>>>>>> blocks (yours first, the new generation last), then run `connkit check`"
        }
        (true, false) => {
            "move what you still need from each *.connkit-orphan file into the file that holds that code now, delete the backup, then run `connkit check`"
        }
        _ => {
            "resolve the <<<<<<< / ======= / >>>>>>> blocks, move what you still need from each *.connkit-orphan file into the file that holds that code now and delete it, then run `connkit check`"
        }
    };
    Err(CommandError::failure(miette::miette!(help = help, "{}", what.join("; ")))
        .with_code("conflicts"))
}

/// Runs `connkit sync`.
pub(crate) fn run(args: SyncArgs) -> Result<ExitStatus, CommandError> {
    let mut connector = open(&args.dir, &args.system)?;
    update_specs(&args, &mut connector)?;
    let specs = load_manifest_specs(&connector).map_err(|(file, message)| {
        CommandError::usage(miette::miette!(
            help = "fix the spec or replace it with `--spec PATH_OR_URL`",
            "cannot load `{}`: {message}",
            connector.shown(Path::new(&file))
        ))
        .with_code("spec_unreadable")
    })?;
    let manifest = connector.manifest.clone();
    let regenerated = regenerate(&connector, &manifest, &specs, env!("CARGO_PKG_VERSION"))
        .map_err(maintain_error)?;
    let mut report =
        sync_generated(&connector, &regenerated.generated.files).map_err(maintain_error)?;
    report.plan = Some(sync_plan(&connector, &regenerated.plan).map_err(maintain_error)?);
    if args.format == Format::Text {
        print_report(&connector, &report);
    }
    let roots: Vec<String> = connector
        .manifest
        .specs
        .iter()
        .map(|entry| format!("connectors/{}/{}", args.system, entry.file))
        .collect();
    let degraded = DegradedReport::collect(
        &specs,
        &regenerated.analysis,
        &roots,
        Some(&regenerated.generated.specs),
    );
    eprint!(
        "{}",
        degraded.summary(&format!(
            "`connkit analyze {}` lists every diagnostic",
            roots.first().map_or("SPEC", String::as_str)
        ))
    );
    let guesses = PaginationGuesses::collect(&regenerated.generated.specs);
    eprint!("{}", guesses.summary());
    if args.strict && degraded.has_errors() {
        return Err(super::new::strict_error(&degraded, "the files were written"));
    }
    if args.format == Format::Json {
        let mut document = report_document(&connector, &report);
        document["degraded"] = serde_json::to_value(&degraded).unwrap_or_default();
        document["guessed_pagination"] =
            serde_json::to_value(&guesses.operations).unwrap_or_default();
        print_json(&document)?;
        return Ok(if report.has_conflicts() { ExitStatus::Failure } else { ExitStatus::Success });
    }
    finish(&connector, &report)
}
