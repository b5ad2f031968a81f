//! The non-Rust files of a connector (AGENTS.md, SKILL.md, `.env.example`, the plan spec),
//! rendered with minijinja from templates kept beside this module.

use minijinja::value::Serde;
use minijinja::{Environment, context};
use serde::Serialize;

mod agents;

use crate::GenerateError;
use crate::emit::{Context, settings_variables};

/// The marker line before the generated part of SKILL.md.
pub const SKILL_START: &str = "<!-- connkit:generated:start -->";
/// The marker line after the generated part of SKILL.md.
pub const SKILL_END: &str = "<!-- connkit:generated:end -->";

fn environment() -> Result<Environment<'static>, GenerateError> {
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .build()
        .map_err(template_error)?;
    env.set_syntax(syntax);
    let templates = [
        ("skill", include_str!("templates/skill.md.j2")),
        ("env", include_str!("templates/env.example.j2")),
        ("plan", include_str!("templates/plan.md.j2")),
    ];
    for (name, source) in templates {
        env.add_template(name, source).map_err(template_error)?;
    }
    Ok(env)
}

fn template_error(err: minijinja::Error) -> GenerateError {
    GenerateError::Internal { file: "template".to_string(), message: err.to_string() }
}

fn render(name: &str, ctx: minijinja::Value) -> Result<String, GenerateError> {
    let env = environment()?;
    let template = env.get_template(name).map_err(template_error)?;
    let mut text = template.render(ctx).map_err(template_error)?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// The named hosts as the templates show them.
#[derive(Serialize)]
struct HostDoc {
    variable: String,
    url: String,
    serves: String,
}

fn host_docs(cx: &Context<'_>) -> Vec<HostDoc> {
    cx.hosts
        .iter()
        .map(|host| HostDoc {
            variable: host.variable(),
            url: host.url.clone().unwrap_or_else(|| "no default: required".to_string()),
            serves: host.serves_text(),
        })
        .collect()
}

fn titles(cx: &Context<'_>) -> String {
    let titles: Vec<&str> = cx.specs.iter().map(|s| s.title.as_str()).collect();
    match titles.len() {
        0 => "the API".to_string(),
        1..=3 => titles.join(", "),
        n => format!("{} and {} more APIs", titles[..2].join(", "), n - 2),
    }
}

/// The built-in `CONNECTOR_AGENTS.md`: the template a connector's AGENTS.md is rendered from
/// when the workspace has none (`connkit init` writes this text into the workspace).
pub const DEFAULT_CONNECTOR_AGENTS: &str = include_str!("templates/CONNECTOR_AGENTS.md");

/// AGENTS.md, rendered from `template` (the workspace's `CONNECTOR_AGENTS.md`, else
/// [`DEFAULT_CONNECTOR_AGENTS`]): rules, tier and why, layout, settings, auth, hosts,
/// entities and their operations, pagination, rate limits, how to extend and to test.
///
/// `files` are the connector's generated files (to name where each entity's methods are).
///
/// # Errors
///
/// [`GenerateError::Template`] naming the template's line when the template does not parse
/// or uses a placeholder that does not exist.
pub fn agents_md(
    cx: &Context<'_>,
    template: Option<&str>,
    files: &[crate::GeneratedFile],
) -> Result<String, GenerateError> {
    let source = template.unwrap_or(DEFAULT_CONNECTOR_AGENTS);
    let context = agents::context(cx, files);
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .build()
        .map_err(template_error)?;
    env.set_syntax(syntax);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    let file = agents::TEMPLATE_FILE;
    env.add_template(file, source).map_err(|err| agents::template_error(file, &err))?;
    let mut text = env
        .get_template(file)
        .and_then(|t| t.render(Serde(&context)))
        .map_err(|err| agents::template_error(file, &err))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// SKILL.md around its generated part: the text outside the markers (the user's to edit),
/// with an empty generated part that [`merge_skill`] fills with the methods that
/// `connkit docs` renders from the public API.
///
/// # Errors
///
/// [`GenerateError::Internal`] if a template fails (a generator bug).
pub fn skill_md(cx: &Context<'_>) -> Result<String, GenerateError> {
    render(
        "skill",
        context! {
            system => cx.system.as_str(),
            crate_name => cx.system.crate_name(),
            titles => titles(cx),
            prefix => &cx.manifest.prefix,
            hosts => Serde(host_docs(cx)),
            default_host => Serde(&cx.manifest.hosts.default),
            groups => Serde(entity_groups(cx)),
        },
    )
}

/// The entity groups of a connector with a cargo feature per group (none otherwise), sorted.
fn entity_groups(cx: &Context<'_>) -> Vec<String> {
    if !cx.group_features() {
        return Vec::new();
    }
    let groups: std::collections::BTreeSet<&str> =
        cx.specs.iter().flat_map(|s| &s.entities).map(|e| e.group.as_str()).collect();
    groups.into_iter().map(str::to_string).collect()
}

/// Replaces the generated part of an existing SKILL.md (between the markers) with the one of
/// `generated`, keeping the hand-written text around it. Without markers in `existing`, the
/// generated file is returned.
pub fn merge_skill(existing: &str, generated: &str) -> String {
    let (Some(old_start), Some(old_end)) = (existing.find(SKILL_START), existing.find(SKILL_END))
    else {
        return generated.to_string();
    };
    let (Some(new_start), Some(new_end)) = (generated.find(SKILL_START), generated.find(SKILL_END))
    else {
        return generated.to_string();
    };
    if old_end < old_start || new_end < new_start {
        return generated.to_string();
    }
    format!(
        "{}{}{}",
        &existing[..old_start],
        &generated[new_start..new_end + SKILL_END.len()],
        &existing[old_end + SKILL_END.len()..]
    )
}

/// `.env.example`: every setting, secrets blank, defaults shown.
///
/// # Errors
///
/// [`GenerateError::Internal`] if a template fails (a generator bug).
pub fn env_example(cx: &Context<'_>) -> Result<String, GenerateError> {
    #[derive(Serialize)]
    struct Var {
        name: String,
        description: String,
        value: String,
        required: bool,
    }
    let mut vars: Vec<Var> = settings_variables(cx)
        .into_iter()
        .map(|v| Var {
            name: v.name.to_string(),
            description: v.description.clone(),
            value: if v.secret { String::new() } else { v.default.clone().unwrap_or_default() },
            required: v.required,
        })
        .collect();
    for (name, description, value) in runtime_variables() {
        vars.push(Var {
            name: name.to_string(),
            description: description.to_string(),
            value: value.to_string(),
            required: false,
        });
    }
    render(
        "env",
        context! { system => cx.system.as_str(), prefix => &cx.manifest.prefix, vars => Serde(vars) },
    )
}

/// The settings every connector reads besides its auth and hosts: (name without the prefix,
/// description, default).
pub(crate) fn runtime_variables() -> [(&'static str, &'static str, &'static str); 7] {
    [
        ("TIMEOUT_SECS", "Time allowed for one attempt, in seconds.", "30"),
        ("MAX_RETRIES", "Retries of a failed call (0 disables retries).", "3"),
        (
            "RATE_LIMITS",
            "`on`/`off`: client-side rate limits (off for sandboxes and replay tests).",
            "on",
        ),
        (
            "REDIS_URL",
            "Redis shared by every worker of this account (quotas, learned limits, the access token); needs the crate's `redis` feature; unset keeps them per process.",
            "",
        ),
        (
            "QUOTA_KEY",
            "Namespace of the shared state in Redis (default: a hash of the credential).",
            "",
        ),
        (
            "WORKERS",
            "Workers sharing the account: each keeps to quota / WORKERS while Redis is down.",
            "",
        ),
        (
            "REDIS_REQUIRED",
            "`true`: a Redis failure fails the call instead of falling back to local limits.",
            "false",
        ),
    ]
}

/// What the plan spec needs besides the connector context.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PlanFacts {
    /// Why the tier was chosen.
    pub reasons: Vec<String>,
    /// Security schemes the specs declare, described.
    pub schemes: Vec<String>,
    /// Questions the analysis could not answer (diagnostics, missing auth, ...).
    pub questions: Vec<String>,
    /// The ways the specs offer to authenticate, each with the `--auth` flag that chooses it.
    pub auth_options: Vec<String>,
    /// Operations the analysis found paginated that have no stream, each `id: why`.
    pub unstreamed: Vec<String>,
    /// Operations whose rate limit the spec documents without numbers, described.
    pub unquantified: Vec<String>,
}

/// A spec in the plan: where it came from and where its copy is.
#[derive(Serialize)]
struct PlanSpec {
    stem: String,
    title: String,
    version: String,
    file: String,
    source: String,
}

/// An entity in the plan, with its operations' ids.
#[derive(Serialize)]
struct PlanEntity {
    name: String,
    operations: String,
}

fn plan_specs(cx: &Context<'_>) -> Vec<PlanSpec> {
    cx.specs
        .iter()
        .map(|s| {
            let entry = cx.manifest.specs.iter().find(|e| e.stem == s.stem);
            PlanSpec {
                stem: s.stem.clone(),
                title: s.title.clone(),
                version: s.version.clone(),
                file: entry.map(|e| e.file.clone()).unwrap_or_default(),
                source: entry
                    .and_then(|e| e.source.clone())
                    .unwrap_or_else(|| "local file".to_string()),
            }
        })
        .collect()
}

/// The entities of every spec (`{stem}/{entity}` when there are several specs).
fn plan_entities(cx: &Context<'_>) -> Vec<PlanEntity> {
    let multi = cx.multi();
    cx.specs
        .iter()
        .flat_map(|s| s.entities.iter().map(move |e| (s, e)))
        .map(|(s, e)| PlanEntity {
            name: if multi { format!("{}/{}", s.stem, e.name) } else { e.name.clone() },
            operations: e
                .operations
                .iter()
                .map(|o| format!("`{}`", o.id))
                .collect::<Vec<_>>()
                .join(", "),
        })
        .collect()
}

/// `plan/specs/integrations/{system}.md`: endpoints, entities, auth, pagination, limits, tier
/// and reasons, open questions.
///
/// # Errors
///
/// [`GenerateError::Internal`] if a template fails (a generator bug).
pub fn plan_md(cx: &Context<'_>, facts: &PlanFacts) -> Result<String, GenerateError> {
    let specs = plan_specs(cx);
    let entities = plan_entities(cx);
    let ops: Vec<_> = cx.specs.iter().flat_map(|s| s.operations()).collect();
    let paginated: Vec<String> = ops
        .iter()
        .filter_map(|o| {
            let p = o.pagination.as_ref()?;
            let json = serde_json::to_string(&p.pagination).unwrap_or_default();
            let guess = if p.guessed.is_some() { " (a guess: see the open questions)" } else { "" };
            Some(format!("`{}`: `{json}`{guess}", o.qualified_id))
        })
        .collect();
    let rate_limits: Vec<String> = ops
        .iter()
        .filter_map(|o| {
            o.rate_limit
                .map(|l| format!("{}`: {} requests/s, burst {}", o.qualified_id, l.rate, l.burst))
        })
        .collect();
    render(
        "plan",
        context! {
            system => cx.system.as_str(),
            specs => Serde(specs),
            tier => cx.tier().as_str(),
            reasons => Serde(&facts.reasons),
            auth_kind => cx.manifest.auth.kind.as_str(),
            token_url => Serde(&cx.manifest.auth.token_url),
            schemes => Serde(&facts.schemes),
            operation_count => ops.len(),
            entities => Serde(entities),
            paginated => Serde(paginated),
            rate_limits => Serde(rate_limits),
            questions => Serde(&facts.questions),
            unstreamed => Serde(&facts.unstreamed),
            auth_options => Serde(&facts.auth_options),
            unquantified => Serde(&facts.unquantified),
        },
    )
}
