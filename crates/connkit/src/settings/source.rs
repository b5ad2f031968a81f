//! [`EnvSource`]: a snapshot of the variables that carry one connector's prefix.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::dotenv::{find_dotenvs, read_dotenv};
use super::reader::SettingsReader;
use crate::error::{SettingIssue, SettingProblem};

/// Where a variable's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The process environment.
    Environment,
    /// A `.env` file (the path is the file's).
    DotEnv(PathBuf),
    /// Pairs given to [`EnvSource::from_pairs`] (tests, `connkit call` overrides).
    Explicit,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Environment => f.write_str("the environment"),
            Self::DotEnv(path) => write!(f, "{}", path.display()),
            Self::Explicit => f.write_str("explicit values"),
        }
    }
}

/// One variable: its value (or `None` when it is not valid UTF-8) and where it came from.
#[derive(Clone)]
struct Entry {
    value: Option<String>,
    origin: Origin,
}

/// The variables of one connector: every variable whose name starts with the prefix, taken
/// from the process environment and from a `.env` file (the environment wins).
///
/// The snapshot is taken once, when the source is built; the process environment is only
/// read, never changed. Read typed values with [`EnvSource::reader`]. Its `Debug` output
/// lists names and origins, never values.
#[derive(Clone)]
pub struct EnvSource {
    prefix: String,
    vars: BTreeMap<String, Entry>,
    /// Problems with the source itself (an unreadable `.env`), reported by every reader.
    issues: Vec<SettingIssue>,
}

impl EnvSource {
    /// The process environment plus the `.env` files of the current directory and its
    /// ancestors up to the project root, nearest first ([`find_dotenvs`](super::find_dotenvs);
    /// none is fine): run from `connectors/{system}/`, its `.env` counts before the
    /// workspace's.
    pub fn load(prefix: impl Into<String>) -> Self {
        let dotenvs = std::env::current_dir().map(|dir| find_dotenvs(&dir)).unwrap_or_default();
        Self::build_all(prefix.into(), &dotenvs)
    }

    /// The process environment plus the `.env` files of `dir` and its ancestors up to the
    /// project root, nearest first (`connkit call` passes the connector's folder, so that
    /// `connectors/{system}/.env` counts before the workspace's; none is fine).
    pub fn load_from(prefix: impl Into<String>, dir: impl AsRef<Path>) -> Self {
        Self::build_all(prefix.into(), &find_dotenvs(dir.as_ref()))
    }

    /// The process environment plus the `.env` files among `paths` that exist, in order (a
    /// variable keeps the first value found): `connkit call` reads the connector's
    /// `.env`, then the workspace's.
    pub fn load_files(prefix: impl Into<String>, paths: &[PathBuf]) -> Self {
        let existing: Vec<PathBuf> = paths.iter().filter(|p| p.is_file()).cloned().collect();
        Self::build_all(prefix.into(), &existing)
    }

    /// The process environment plus the `.env` file at `path`, which must exist (a missing
    /// or unreadable file is reported as a settings issue by the reader).
    pub fn with_dotenv(prefix: impl Into<String>, path: impl AsRef<Path>) -> Self {
        Self::build(prefix.into(), Some(path.as_ref()), true)
    }

    /// The process environment only, no `.env` file.
    pub fn environment(prefix: impl Into<String>) -> Self {
        Self::build(prefix.into(), None, false)
    }

    /// Exactly these variables (full names), nothing from the process: for tests and for
    /// values given on a command line. Names without the prefix are ignored.
    pub fn from_pairs<K, V>(
        prefix: impl Into<String>,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let mut source = Self::empty(prefix.into());
        for (name, value) in pairs {
            source.insert(name.into(), Some(value.into()), Origin::Explicit, true);
        }
        source
    }

    /// Adds the variables of the `.env` text `contents` (as read from `path`) below the ones
    /// already present: a variable that is already set keeps its value.
    pub fn with_dotenv_text(mut self, path: impl Into<PathBuf>, contents: &str) -> Self {
        let path = path.into();
        match super::dotenv::parse_dotenv(contents) {
            Ok(vars) => self.add_dotenv_vars(&path, vars),
            Err(why) => self.add_dotenv_issue(&path, why),
        }
        self
    }

    /// Sets `name` (full name) to `value`, overriding any value it had: for `connkit call`
    /// arguments that take precedence over the environment.
    #[must_use]
    pub fn with_override(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.insert(name.into(), Some(value.into()), Origin::Explicit, true);
        self
    }

    fn empty(prefix: String) -> Self {
        Self { prefix, vars: BTreeMap::new(), issues: Vec::new() }
    }

    fn build(prefix: String, dotenv: Option<&Path>, dotenv_required: bool) -> Self {
        let mut source = Self::empty(prefix);
        for (name, value) in std::env::vars_os() {
            let Some(name) = name.to_str() else { continue };
            source.insert(name.to_string(), value.into_string().ok(), Origin::Environment, true);
        }
        if let Some(path) = dotenv.filter(|path| dotenv_required || path.is_file()) {
            match read_dotenv(path) {
                Ok(vars) => source.add_dotenv_vars(path, vars),
                Err(why) => source.add_dotenv_issue(path, why),
            }
        }
        source
    }

    /// The environment, then each file of `dotenvs` in order (a variable keeps the first
    /// value found).
    fn build_all(prefix: String, dotenvs: &[PathBuf]) -> Self {
        let mut source = Self::build(prefix, None, false);
        for path in dotenvs {
            match read_dotenv(path) {
                Ok(vars) => source.add_dotenv_vars(path, vars),
                Err(why) => source.add_dotenv_issue(path, why),
            }
        }
        source
    }

    fn add_dotenv_vars(&mut self, path: &Path, vars: Vec<(String, String)>) {
        for (name, value) in vars {
            self.insert(name, Some(value), Origin::DotEnv(path.to_path_buf()), false);
        }
    }

    fn add_dotenv_issue(&mut self, path: &Path, why: String) {
        self.issues.push(SettingIssue {
            variable: path.display().to_string(),
            problem: SettingProblem::Invalid(why),
        });
    }

    fn insert(&mut self, name: String, value: Option<String>, origin: Origin, replace: bool) {
        if !name.starts_with(&self.prefix) {
            return;
        }
        let entry = Entry { value, origin };
        if replace {
            self.vars.insert(name, entry);
        } else {
            self.vars.entry(name).or_insert(entry);
        }
    }

    /// The prefix of every variable of this source (`AMAZON_`).
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The full variable name of the setting `name` (`CLIENT_ID` → `AMAZON_CLIENT_ID`).
    pub fn full_name(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// The raw value of the setting `name` (short name, without the prefix): `None` when it
    /// is unset or not valid UTF-8. Prefer [`EnvSource::reader`], which reports problems.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.lookup(name).and_then(|entry| entry.value.as_deref())
    }

    /// True when the setting `name` (short name) is set, even to an empty value.
    pub fn contains(&self, name: &str) -> bool {
        self.lookup(name).is_some()
    }

    /// Where the setting `name` (short name) comes from, when it is set.
    pub fn origin(&self, name: &str) -> Option<&Origin> {
        self.lookup(name).map(|entry| &entry.origin)
    }

    /// The full names of every variable of this source, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.vars.keys().map(String::as_str)
    }

    /// Problems with the source itself (an unreadable or malformed `.env` file).
    pub fn issues(&self) -> &[SettingIssue] {
        &self.issues
    }

    /// A reader that collects every missing or invalid setting of this source.
    pub fn reader(&self) -> SettingsReader<'_> {
        SettingsReader::new(self)
    }

    /// `Some(value)` when set and valid UTF-8, `Some(None)` when set but not UTF-8.
    pub(crate) fn raw(&self, name: &str) -> Option<Option<&str>> {
        self.lookup(name).map(|entry| entry.value.as_deref())
    }

    fn lookup(&self, name: &str) -> Option<&Entry> {
        let full = self.full_name(name);
        self.vars.get(&full)
    }
}

impl fmt::Debug for EnvSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: BTreeMap<&str, String> = self
            .vars
            .iter()
            .map(|(name, entry)| (name.as_str(), entry.origin.to_string()))
            .collect();
        f.debug_struct("EnvSource")
            .field("prefix", &self.prefix)
            .field("variables", &names)
            .field("issues", &self.issues)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_prefixed_names_and_environment_wins_over_dotenv() {
        let source = EnvSource::from_pairs("SHOP_", [("SHOP_A", "env"), ("OTHER_B", "x")])
            .with_dotenv_text("/w/.env", "SHOP_A=file\nSHOP_C=file\nOTHER_D=1\n");
        assert_eq!(source.get("A"), Some("env"));
        assert_eq!(source.get("C"), Some("file"));
        assert_eq!(source.names().collect::<Vec<_>>(), ["SHOP_A", "SHOP_C"]);
        assert_eq!(source.origin("C"), Some(&Origin::DotEnv("/w/.env".into())));
        assert_eq!(source.origin("A"), Some(&Origin::Explicit));
    }

    #[test]
    fn debug_shows_names_not_values() {
        let source = EnvSource::from_pairs("SHOP_", [("SHOP_KEY", "canary-91b")]);
        let text = format!("{source:?}");
        assert!(text.contains("SHOP_KEY"), "{text}");
        assert!(!text.contains("canary"), "{text}");
    }
}
