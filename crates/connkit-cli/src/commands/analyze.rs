//! `connkit analyze SPEC_OR_DIR...`: load specs, measure them against the decision table, and
//! print the signals, tier and reasons (text for people, JSON for tools).

use std::io::{self, Write};
use std::path::PathBuf;

use clap::Args;
use connkit_spec::analyze::Analysis;
use connkit_spec::{Pagination, PaginationStyle, RateLimit, RateLimitSource, Severity};

use super::degraded::DegradedReport;
use crate::exit::{CommandError, ExitStatus};

/// Arguments of `connkit analyze`.
#[derive(Debug, Args)]
pub(crate) struct AnalyzeArgs {
    /// Spec files (JSON or YAML), directories (every .json/.yaml/.yml in them) or http(s) URLs.
    /// Several specs are analysed together, as one connector.
    #[arg(required = true, value_name = "SPEC_OR_DIR")]
    pub specs: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Workspace directory: relative spec paths not found from the current directory are
    /// read from here.
    #[arg(long, value_name = "WORKSPACE", default_value = ".")]
    pub dir: PathBuf,
    /// Fail (exit 2) when the specs have errors or operations are degraded (the report is
    /// printed all the same).
    #[arg(long)]
    pub strict: bool,
}

pub(crate) use super::output::Format;

/// Runs `connkit analyze`.
pub(crate) fn run(args: AnalyzeArgs) -> Result<ExitStatus, CommandError> {
    let locations = super::spec_paths::expand(&args.specs, &args.dir)?;
    let runtime = super::loading::runtime()?;
    let specs = super::loading::load_specs(
        &runtime,
        &locations,
        "fix the document (or leave it out) and run `connkit analyze` again",
    )?;
    let analysis = connkit_spec::analyze(&specs);
    let roots: Vec<String> =
        locations.iter().map(|l| super::degraded::shown_relative(l, &args.dir)).collect();
    let degraded = DegradedReport::collect(&specs, &analysis, &roots, None);
    eprint!("{}", degraded.summary("the report's diagnostics list every one"));
    let mut out = io::stdout().lock();
    let written = match args.format {
        Format::Json => serde_json::to_writer_pretty(&mut out, &analysis)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out)),
        Format::Text => write_text(&mut out, &analysis),
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {}
        Err(err) => {
            return Err(CommandError::failure(miette::miette!("cannot write the report: {err}")));
        }
    }
    if args.strict && degraded.has_errors() {
        return Err(super::new::strict_error(&degraded, "the report was printed"));
    }
    Ok(ExitStatus::Success)
}

fn write_text(out: &mut impl Write, analysis: &Analysis) -> io::Result<()> {
    write_summary(out, analysis)?;
    write_specs(out, analysis)?;
    write_decision(out, analysis)?;
    write_auth(out, analysis)?;
    write_entities_and_operations(out, analysis)?;
    if !analysis.diagnostics.is_empty() {
        writeln!(out, "\nDiagnostics")?;
        for diagnostic in &analysis.diagnostics {
            writeln!(out, "  {diagnostic}")?;
        }
    }
    Ok(())
}

/// The tier with its reasons, and the counts.
fn write_summary(out: &mut impl Write, analysis: &Analysis) -> io::Result<()> {
    let paginated = analysis.operations.iter().filter(|op| op.pagination.is_some()).count();
    let limited = analysis.operations.iter().filter(|op| op.rate_limit.is_some()).count();
    let errors = analysis.diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
    writeln!(out, "Tier: {}", analysis.tier.as_str().to_uppercase())?;
    for reason in &analysis.reasons {
        writeln!(out, "  - {reason}")?;
    }
    writeln!(
        out,
        "\n{} spec(s), {} operations, {} entities, {} paginated, {} rate-limited, {} diagnostics ({} errors)",
        analysis.specs.len(),
        analysis.operations.len(),
        analysis.entities.len(),
        paginated,
        limited,
        analysis.diagnostics.len(),
        errors
    )
}

fn write_specs(out: &mut impl Write, analysis: &Analysis) -> io::Result<()> {
    writeln!(out, "\nSpecs")?;
    let rows: Vec<Vec<String>> = analysis
        .specs
        .iter()
        .map(|s| {
            vec![s.stem.clone(), s.spec_version.clone(), s.operations.to_string(), s.title.clone()]
        })
        .collect();
    table(out, &["SPEC", "VERSION", "OPS", "TITLE"], &rows)
}

/// Each signal of the decision table, held or not, in plain words.
fn write_decision(out: &mut impl Write, analysis: &Analysis) -> io::Result<()> {
    writeln!(out, "\nDecision table (full when any signal holds, else lite)")?;
    let width = analysis.decision.iter().map(|row| row.rule.signal().len()).max().unwrap_or(0);
    for row in &analysis.decision {
        writeln!(
            out,
            "  {:<9}  {:<width$}  {}",
            if row.fired { "holds" } else { "does not" },
            row.rule.signal(),
            row.message
        )?;
    }
    Ok(())
}

/// Each auth kind with its details (`name=... in=...`).
fn write_auth(out: &mut impl Write, analysis: &Analysis) -> io::Result<()> {
    writeln!(out, "\nAuth")?;
    for auth in &analysis.auth {
        let detail = serde_json::to_value(auth)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .map(|map| {
                map.iter()
                    .filter(|(k, v)| k.as_str() != "kind" && !v.is_null())
                    .map(|(k, v)| {
                        format!("{k}={}", v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        if detail.is_empty() {
            writeln!(out, "  {}", auth.kind_name())?;
        } else {
            writeln!(out, "  {} {detail}", auth.kind_name())?;
        }
    }
    Ok(())
}

fn write_entities_and_operations(out: &mut impl Write, analysis: &Analysis) -> io::Result<()> {
    writeln!(out, "\nEntities")?;
    let rows: Vec<Vec<String>> = analysis
        .entities
        .iter()
        .map(|e| vec![e.name.clone(), e.operations.len().to_string()])
        .collect();
    table(out, &["ENTITY", "OPS"], &rows)?;

    writeln!(out, "\nOperations")?;
    let rows: Vec<Vec<String>> = analysis
        .operations
        .iter()
        .map(|op| {
            vec![
                op.id.clone(),
                op.method.to_string(),
                op.path.clone(),
                op.entity.clone(),
                op.pagination.as_ref().map_or_else(|| "-".to_string(), describe_pagination),
                op.rate_limit.as_ref().map_or_else(|| "-".to_string(), describe_rate_limit),
            ]
        })
        .collect();
    table(out, &["ID", "METHOD", "PATH", "ENTITY", "PAGINATION", "RATE LIMIT"], &rows)
}

fn describe_pagination(p: &Pagination) -> String {
    let style = match p.style {
        PaginationStyle::NextToken => "next_token",
        PaginationStyle::Cursor => "cursor",
        PaginationStyle::Keyset => "keyset",
        PaginationStyle::Offset => "offset",
        PaginationStyle::Page => "page",
        PaginationStyle::LinkHeader => "link_header",
        PaginationStyle::NextUrl => "next_url",
    };
    let mut text = style.to_string();
    let item = p.item_field.as_ref().map(|field| format!("last item's {field}"));
    let from = p.response_path.as_deref().or(p.header.as_deref()).or(item.as_deref());
    match (from, p.request_param.as_deref()) {
        (Some(from), Some(to)) => text.push_str(&format!(" {from} -> {to}")),
        (Some(from), None) => text.push_str(&format!(" {from}")),
        (None, Some(to)) => text.push_str(&format!(" {to}")),
        (None, None) => {}
    }
    if let Some(items) = &p.items_path {
        text.push_str(&format!(" items={}", if items.is_empty() { "." } else { items }));
    }
    if p.guessed.is_some() {
        text.push_str(" (guessed)");
    }
    text
}

fn describe_rate_limit(r: &RateLimit) -> String {
    let source = match r.source {
        RateLimitSource::Description => "description",
        RateLimitSource::Extension => "extension",
        RateLimitSource::Header => "header",
    };
    match (r.rate, r.burst) {
        (Some(rate), Some(burst)) => format!("{rate}/s burst {burst} ({source})"),
        (Some(rate), None) => format!("{rate}/s ({source})"),
        _ => format!("({source})"),
    }
}

fn table(out: &mut impl Write, headers: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        cells
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                if i == last {
                    cell.to_string()
                } else {
                    format!("{cell:<width$}", width = widths[i])
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
    };
    writeln!(out, "  {}", line(headers.to_vec()))?;
    for row in rows {
        writeln!(out, "  {}", line(row.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}
