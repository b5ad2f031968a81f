//! [`SettingsReader`]: typed reads that collect every problem into one error.

use super::source::EnvSource;
use super::value::SettingValue;
use crate::Secret;
use crate::error::{Error, SettingIssue, SettingProblem};

/// Reads typed settings from an [`EnvSource`] by short name (`CLIENT_ID`), recording every
/// missing or invalid variable instead of stopping at the first.
///
/// Each read returns what it could (`None` or the default on a problem); when all reads are
/// done, [`SettingsReader::is_ok`] tells whether anything went wrong and
/// [`SettingsReader::into_error`] turns the problems into ONE settings error naming each
/// variable in full. Problems with the source itself (a malformed `.env`) are included.
///
/// Names may be known at compile time (generated settings) or only at run time
/// (`connkit call`): the reader is the same.
///
/// An empty value counts as unset: a required setting set to `""` is missing, an optional one
/// is `None`, a defaulted one takes its default.
#[derive(Debug)]
pub struct SettingsReader<'a> {
    source: &'a EnvSource,
    issues: Vec<SettingIssue>,
}

impl<'a> SettingsReader<'a> {
    pub(crate) fn new(source: &'a EnvSource) -> Self {
        Self { source, issues: source.issues().to_vec() }
    }

    /// The source being read.
    pub fn source(&self) -> &'a EnvSource {
        self.source
    }

    /// A required setting: `None` (and an issue) when it is unset, empty or invalid.
    pub fn required<T: SettingValue>(&mut self, name: &str) -> Option<T> {
        match self.parse(name) {
            Some(Some(value)) => Some(value),
            Some(None) => None,
            None => {
                self.missing(name);
                None
            }
        }
    }

    /// A required credential, redacted everywhere ([`Secret`]).
    pub fn required_secret(&mut self, name: &str) -> Option<Secret> {
        self.required::<Secret>(name)
    }

    /// An optional setting: `None` when unset or empty; an issue when set but invalid.
    pub fn optional<T: SettingValue>(&mut self, name: &str) -> Option<T> {
        self.parse(name).flatten()
    }

    /// An optional credential, redacted everywhere ([`Secret`]).
    pub fn optional_secret(&mut self, name: &str) -> Option<Secret> {
        self.optional::<Secret>(name)
    }

    /// A setting with a default used when it is unset or empty; an issue (and the default)
    /// when it is set but invalid.
    pub fn or_default<T: SettingValue>(&mut self, name: &str, default: T) -> T {
        self.optional(name).unwrap_or(default)
    }

    /// Records that `name` is missing (for rules the reader cannot know, such as "one of
    /// `API_KEY` or `TOKEN` is required").
    pub fn missing(&mut self, name: &str) {
        self.push(name, SettingProblem::Missing);
    }

    /// Records that `name` is invalid, with what was expected (never the value).
    pub fn invalid(&mut self, name: &str, expected: impl Into<String>) {
        self.push(name, SettingProblem::Invalid(expected.into()));
    }

    /// True when no read so far found a problem.
    pub fn is_ok(&self) -> bool {
        self.issues.is_empty()
    }

    /// Every problem found so far.
    pub fn issues(&self) -> &[SettingIssue] {
        &self.issues
    }

    /// The settings error listing every problem found (kind
    /// [`Settings`](crate::ErrorKind::Settings)).
    pub fn into_error(self) -> Error {
        Error::settings(self.issues)
    }

    /// `Ok(())` when nothing went wrong, else the settings error listing every problem.
    ///
    /// # Errors
    ///
    /// One [`Error`] of kind [`Settings`](crate::ErrorKind::Settings) naming each missing or
    /// invalid variable.
    pub fn finish(self) -> Result<(), Error> {
        if self.is_ok() { Ok(()) } else { Err(self.into_error()) }
    }

    /// `None` when unset or empty, `Some(None)` when set but invalid (issue recorded).
    fn parse<T: SettingValue>(&mut self, name: &str) -> Option<Option<T>> {
        match self.source.raw(name) {
            None => None,
            Some(Some("")) => None,
            Some(None) => {
                self.invalid(name, "is not valid UTF-8");
                Some(None)
            }
            Some(Some(text)) => match T::parse_setting(text) {
                Ok(value) => Some(Some(value)),
                Err(why) => {
                    self.invalid(name, why);
                    Some(None)
                }
            },
        }
    }

    fn push(&mut self, name: &str, problem: SettingProblem) {
        let variable = self.source.full_name(name);
        if !self.issues.iter().any(|issue| issue.variable == variable) {
            self.issues.push(SettingIssue { variable, problem });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_problem_once() {
        let source = EnvSource::from_pairs(
            "SHOP_",
            [("SHOP_PORT", "eighty"), ("SHOP_EMPTY", ""), ("SHOP_NAME", "x")],
        );
        let mut r = source.reader();
        assert_eq!(r.required::<String>("NAME").as_deref(), Some("x"));
        assert_eq!(r.required::<u16>("PORT"), None);
        assert_eq!(r.required::<u16>("PORT"), None);
        assert_eq!(r.required::<String>("EMPTY"), None);
        assert_eq!(r.optional::<String>("EMPTY"), None);
        assert_eq!(r.or_default("RETRIES", 4u32), 4);
        let issues: Vec<String> = r.issues().iter().map(ToString::to_string).collect();
        assert_eq!(
            issues,
            [
                "SHOP_PORT is invalid: expected a whole number from 0 to 65535",
                "SHOP_EMPTY is missing"
            ]
        );
        assert!(r.finish().is_err());
    }
}
