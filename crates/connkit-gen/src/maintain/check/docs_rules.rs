//! Rules that compare documents with the code: SKILL.md's generated part against the public
//! methods, `.env.example` against the variables the settings read.

use std::collections::BTreeSet;
use std::path::Path;

use syn::visit::{self, Visit};

use crate::maintain::api::PublicApi;
use crate::maintain::docs::{expected_names, listed_methods};
use crate::maintain::{ConnectorDir, Finding, Rule};

/// `skill-out-of-date`.
pub(crate) fn check_skill(
    connector: &ConnectorDir,
    skill: &str,
    api: &PublicApi,
    out: &mut Vec<Finding>,
) {
    let file = connector.shown(Path::new("SKILL.md"));
    let hint = format!("run `connkit docs {}`", connector.system);
    let Some((marker, listed)) = listed_methods(skill) else {
        out.push(Finding::new(
            Rule::SkillOutOfDate,
            file,
            Some(1),
            "SKILL.md has no generated part (the connkit:generated markers)",
            hint,
        ));
        return;
    };
    let expected = expected_names(api);
    let listed_names: BTreeSet<&str> = listed.iter().map(|(n, _)| n.as_str()).collect();
    for method in &api.methods {
        if expected.contains(&method.name) && !listed_names.contains(method.name.as_str()) {
            out.push(Finding::new(
                Rule::SkillOutOfDate,
                file.clone(),
                Some(marker),
                format!(
                    "public method `{}::{}` ({}:{}) is not in SKILL.md",
                    method.owner,
                    method.name,
                    connector.shown(&method.file),
                    method.line
                ),
                hint.clone(),
            ));
        }
    }
    for (name, line) in &listed {
        if !expected.contains(name) {
            out.push(Finding::new(
                Rule::SkillOutOfDate,
                file.clone(),
                Some(*line),
                format!("SKILL.md lists `{name}`, which is no longer a public method"),
                hint.clone(),
            ));
        }
    }
}

/// `env-example-out-of-date`: `.env.example` against the variables `config.rs` reads.
pub(crate) fn check_env_example(
    connector: &ConnectorDir,
    config: &syn::File,
    env_example: &str,
    out: &mut Vec<Finding>,
) {
    let prefix = &connector.manifest.prefix;
    let read = settings_variables(config);
    let file = connector.shown(Path::new(".env.example"));
    let hint = format!(
        "list every `{prefix}*` variable the settings read (config.rs), with its default or blank for secrets; `connkit sync {}` rewrites it",
        connector.system
    );
    let documented = documented_variables(env_example, prefix);
    let documented_names: BTreeSet<&str> = documented.iter().map(|(n, _)| n.as_str()).collect();
    for name in &read {
        if !documented_names.contains(name.as_str()) {
            out.push(Finding::new(
                Rule::EnvExampleOutOfDate,
                file.clone(),
                None,
                format!("`{prefix}{name}` is read by the settings but missing from .env.example"),
                hint.clone(),
            ));
        }
    }
    for (name, line) in &documented {
        if !read.contains(name) {
            out.push(Finding::new(
                Rule::EnvExampleOutOfDate,
                file.clone(),
                Some(*line),
                format!("`{prefix}{name}` is in .env.example but the settings do not read it"),
                hint.clone(),
            ));
        }
    }
}

/// Variables (without the prefix) assigned in an env file, commented-out ones included,
/// with their lines.
pub(crate) fn documented_variables(text: &str, prefix: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let mut rest = line.trim_start();
        rest = rest.trim_start_matches('#').trim_start();
        rest = rest.strip_prefix("export ").unwrap_or(rest).trim_start();
        let name: String =
            rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let after = rest[name.len()..].trim_start();
        if !name.is_empty()
            && after.starts_with('=')
            && name.starts_with(prefix)
            && name.len() > prefix.len()
        {
            out.push((name[prefix.len()..].to_string(), index + 1));
        }
    }
    out
}

/// The variables (without the prefix) the settings type reads: the literal names passed to
/// the settings reader, and the standard ones `CommonSettings::read` reads.
pub(crate) fn settings_variables(config: &syn::File) -> BTreeSet<String> {
    struct Reader(BTreeSet<String>);
    impl<'ast> Visit<'ast> for Reader {
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            let method = call.method.to_string();
            let reads = [
                "required",
                "required_secret",
                "optional",
                "optional_secret",
                "or_default",
                "missing",
                "invalid",
            ];
            if reads.contains(&method.as_str())
                && let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(name), .. })) =
                    call.args.first()
            {
                let value = name.value();
                if !value.is_empty()
                    && value
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                {
                    self.0.insert(value);
                }
            }
            visit::visit_expr_method_call(self, call);
        }

        fn visit_path(&mut self, path: &'ast syn::Path) {
            let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            if segs.windows(2).any(|w| w[0] == "CommonSettings" && w[1] == "read") {
                use connkit::settings::StandardSetting;
                for setting in StandardSetting::COMMON {
                    self.0.insert(setting.name().to_string());
                }
            }
            visit::visit_path(self, path);
        }
    }
    let mut reader = Reader(BTreeSet::new());
    reader.visit_file(config);
    reader.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_lines_with_and_without_comments() {
        let text = "# comment\nW_API_KEY=\n# W_REGION=na\nexport W_TIMEOUT_SECS=30\nOTHER=1\n# The W_ prefix\n";
        assert_eq!(
            documented_variables(text, "W_"),
            vec![
                ("API_KEY".to_string(), 2),
                ("REGION".to_string(), 3),
                ("TIMEOUT_SECS".to_string(), 4)
            ]
        );
    }

    #[test]
    fn settings_variables_from_reader_calls() {
        let file = syn::parse_file(
            "fn from_source(s: &S) { let mut r = s.reader(); let a = r.required_secret(\"API_KEY\"); let b = r.optional::<u32>(\"PAGE\"); let c = ::connkit::settings::CommonSettings::read(&mut r); }",
        )
        .unwrap();
        let vars: Vec<String> = settings_variables(&file).into_iter().collect();
        // The standard settings `CommonSettings::read` reads, the shared mode's included.
        assert_eq!(
            vars,
            vec![
                "API_KEY",
                "MAX_RETRIES",
                "PAGE",
                "QUOTA_KEY",
                "RATE_LIMITS",
                "REDIS_REQUIRED",
                "REDIS_URL",
                "TIMEOUT_SECS",
                "WORKERS"
            ]
        );
    }
}
