//! Loading a spec: the root document from a path or URL, every document its `$ref`s reach,
//! then normalisation into an [`Api`].

mod documents;
mod layout;
mod locate;
mod parse;
mod refs;
mod source;

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use url::Url;

pub(crate) use documents::Target;
pub use documents::{Document, DocumentSet};
pub use layout::copy_layout;

use crate::diagnostic::{Diagnostic, DiagnosticKind};
use crate::model::Api;
use parse::Format;
use source::Fetcher;

/// Bounds on loading one spec with the documents its `$ref`s reach. There is no cap on the
/// number of documents (specs split per resource have thousands of small files); the total
/// text read and the time taken are bounded instead, and going over either is a
/// [`LoadError::Limit`] naming it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadLimits {
    /// The most bytes of document text read for one spec, all documents together.
    pub max_total_bytes: u64,
    /// The longest time loading one spec may take (reading and parsing every document).
    pub max_duration: Duration,
}

impl LoadLimits {
    /// 256 MiB of text (the largest public specs are tens of megabytes) and 120 seconds.
    pub const DEFAULT: LoadLimits =
        LoadLimits { max_total_bytes: 256 * 1024 * 1024, max_duration: Duration::from_secs(120) };
}

impl Default for LoadLimits {
    fn default() -> Self {
        LoadLimits::DEFAULT
    }
}

/// Why a spec could not be loaded at all. Problems in parts of a spec are
/// [`Diagnostic`]s instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The location is neither a readable path nor a reachable http(s) URL.
    #[error("cannot read `{location}`: {message}")]
    Read {
        /// The path or URL as given.
        location: String,
        /// The underlying error.
        message: String,
    },
    /// The document is not valid JSON or YAML.
    #[error("{}", syntax_message(.file, *.line, *.column, .format, .message))]
    Syntax {
        /// The file (path or URL) with the error.
        file: String,
        /// 1-based line of the error, when known.
        line: Option<u64>,
        /// 1-based column of the error, when known.
        column: Option<u64>,
        /// `JSON` or `YAML`.
        format: &'static str,
        /// What the parser said.
        message: String,
    },
    /// The spec's documents together exceed a [`LoadLimits`] bound.
    #[error(
        "`{location}`: {limit} exceeded after {documents} document(s) ({bytes} bytes read); \
         the spec is not loaded"
    )]
    Limit {
        /// The root document as given.
        location: String,
        /// The limit, named with its value (`the total size limit of 256 MiB`).
        limit: String,
        /// Documents read when loading stopped.
        documents: usize,
        /// Bytes of text read when loading stopped.
        bytes: u64,
    },
    /// The document parsed but is not a Swagger 2.0 / OpenAPI 3.x document.
    #[error("`{file}` is not an OpenAPI document: {message}")]
    NotOpenApi {
        /// The file (path or URL).
        file: String,
        /// What is missing or wrong, and what is expected.
        message: String,
    },
}

fn syntax_message(
    file: &str,
    line: Option<u64>,
    column: Option<u64>,
    format: &str,
    message: &str,
) -> String {
    match (line, column) {
        (Some(line), Some(column)) => {
            format!("{file}:{line}:{column}: malformed {format}: {message}")
        }
        _ => format!("{file}: malformed {format}: {message}"),
    }
}

/// One file of a loaded spec, for copying the spec with its layout (`openapi/` of a connector).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecFile {
    /// Where it was read from (`file://...` or `https://...`).
    pub url: String,
    /// Its path relative to the root document's directory (`schemas/pet.yaml`,
    /// `../common/errors.yaml`); the root's own file name for the root; the full URL for
    /// documents on another host.
    pub relative_path: String,
    /// The text as read.
    pub content: String,
}

/// A loaded and normalised spec.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The normalised API.
    pub api: Api,
    /// Every file that was read, the root first.
    pub files: Vec<SpecFile>,
    /// Problems found while loading and normalising, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

/// Loads specs from paths and http(s) URLs.
///
/// ```no_run
/// # async fn demo() -> Result<(), connkit_spec::LoadError> {
/// let spec = connkit_spec::Loader::new().load("openapi/orders.json").await?;
/// println!("{} operations", spec.api.operations.len());
/// # Ok(()) }
/// ```
#[derive(Debug, Default)]
pub struct Loader {
    fetcher: Fetcher,
    limits: LoadLimits,
}

impl Loader {
    /// A loader that builds its HTTP client on first use, with [`LoadLimits::DEFAULT`].
    pub fn new() -> Loader {
        Loader::default()
    }

    /// A loader that uses `client` for http(s) documents (proxies, TLS settings, timeouts).
    pub fn with_client(client: reqwest::Client) -> Loader {
        Loader { fetcher: Fetcher::with_client(client), limits: LoadLimits::DEFAULT }
    }

    /// The same loader with other bounds on size and time.
    pub fn with_limits(mut self, limits: LoadLimits) -> Loader {
        self.limits = limits;
        self
    }

    /// Loads the spec at `location` (a path or an http(s) URL) with every document its
    /// `$ref`s reach, and normalises it.
    ///
    /// # Errors
    ///
    /// [`LoadError`] when the root document cannot be read, is not JSON/YAML, or is not an
    /// OpenAPI document, or when the documents together exceed the [`LoadLimits`]. Problems in
    /// referenced documents are diagnostics.
    pub async fn load(&self, location: &str) -> Result<LoadedSpec, LoadError> {
        let started = Instant::now();
        let root = source::location_url(location)
            .map_err(|message| LoadError::Read { location: location.to_string(), message })?;
        let text = self
            .fetcher
            .fetch(&root)
            .await
            .map_err(|message| LoadError::Read { location: location.to_string(), message })?;
        let mut budget = Budget { limits: self.limits, started, bytes: 0, documents: 0 };
        budget.add(location, &text)?;
        let value = parse_named(location, &text)?;
        let mut documents = DocumentSet::single(root.clone(), location, value);
        let mut files = vec![SpecFile {
            url: root.to_string(),
            relative_path: source::relative_path(&root, &root),
            content: text,
        }];
        let mut diagnostics = Vec::new();
        let mut queue = VecDeque::from([0usize]);
        let mut failed: HashSet<String> = HashSet::new();
        while let Some(index) = queue.pop_front() {
            let base = documents.get(index).url.clone();
            let doc_name = documents.get(index).name.clone();
            for external in refs::external_refs(&documents.get(index).value) {
                let Some(url) = documents::join(&base, &external.document) else {
                    continue; // reported as a broken ref during normalisation
                };
                if documents.contains(&url) || failed.contains(url.as_str()) {
                    continue;
                }
                let relative = source::relative_path(&root, &url);
                budget.check_time(location)?;
                match self.fetch_and_parse(&url, &relative).await {
                    Ok((text, value)) => {
                        budget.add(location, &text)?;
                        let name = relative.clone();
                        let next = documents.push(Document { url: url.clone(), name, value });
                        files.push(SpecFile {
                            url: url.to_string(),
                            relative_path: relative,
                            content: text,
                        });
                        queue.push_back(next);
                    }
                    Err(message) => {
                        failed.insert(url.to_string());
                        let mut diagnostic = Diagnostic::error(
                            DiagnosticKind::BrokenRef,
                            external.pointer.clone(),
                            format!(
                                "cannot load `{}`: {message}; references into it are degraded",
                                external.document
                            ),
                        );
                        if index != 0 {
                            diagnostic = diagnostic.in_file(doc_name.clone());
                        }
                        diagnostics.push(diagnostic);
                    }
                }
            }
        }
        let (api, more) = crate::normalize::normalize(&documents)?;
        diagnostics.extend(more);
        add_locations(&mut diagnostics, &files);
        Ok(LoadedSpec { api, files, diagnostics })
    }

    async fn fetch_and_parse(
        &self,
        url: &Url,
        name: &str,
    ) -> Result<(String, serde_json::Value), String> {
        let text = self.fetcher.fetch(url).await?;
        match parse_named(name, &text) {
            Ok(value) => Ok((text, value)),
            Err(err) => Err(err.to_string()),
        }
    }
}

/// What loading one spec has used of its [`LoadLimits`].
struct Budget {
    limits: LoadLimits,
    started: Instant,
    bytes: u64,
    documents: usize,
}

impl Budget {
    /// Counts one more document of `text`, failing past the size or time limit.
    fn add(&mut self, location: &str, text: &str) -> Result<(), LoadError> {
        self.documents += 1;
        self.bytes += text.len() as u64;
        if self.bytes > self.limits.max_total_bytes {
            return Err(self.exceeded(
                location,
                format!("the total size limit of {}", bytes_text(self.limits.max_total_bytes)),
            ));
        }
        self.check_time(location)
    }

    /// Fails when loading has taken longer than the time limit.
    fn check_time(&self, location: &str) -> Result<(), LoadError> {
        if self.started.elapsed() > self.limits.max_duration {
            return Err(self.exceeded(
                location,
                format!("the time limit of {} s", self.limits.max_duration.as_secs_f64()),
            ));
        }
        Ok(())
    }

    fn exceeded(&self, location: &str, limit: String) -> LoadError {
        LoadError::Limit {
            location: location.to_string(),
            limit,
            documents: self.documents,
            bytes: self.bytes,
        }
    }
}

/// `256 MiB`, `1.5 KiB`, `12 bytes`.
fn bytes_text(bytes: u64) -> String {
    const UNITS: [&str; 3] = ["GiB", "MiB", "KiB"];
    for (index, unit) in UNITS.iter().enumerate() {
        let size = 1u64 << (10 * (3 - index));
        if bytes >= size {
            let value = bytes as f64 / size as f64;
            return if value.fract() == 0.0 {
                format!("{value:.0} {unit}")
            } else {
                format!("{value:.1} {unit}")
            };
        }
    }
    format!("{bytes} bytes")
}

/// Parses and normalises one in-memory document named `name` (its format is guessed from the
/// name's extension, then from the content). References to other documents become
/// diagnostics.
///
/// # Errors
///
/// [`LoadError::Syntax`] for malformed JSON/YAML, [`LoadError::NotOpenApi`] when the document
/// is not an OpenAPI document.
pub fn load_str(name: &str, text: &str) -> Result<LoadedSpec, LoadError> {
    let value = parse_named(name, text)?;
    let url = Url::parse("file:///").ok().and_then(|base| base.join(name).ok());
    let url = match url {
        Some(url) => url,
        None => Url::parse("file:///spec").map_err(|err| LoadError::Read {
            location: name.to_string(),
            message: err.to_string(),
        })?,
    };
    let documents = DocumentSet::single(url.clone(), name, value);
    let (api, mut diagnostics) = crate::normalize::normalize(&documents)?;
    let files = vec![SpecFile {
        url: url.to_string(),
        relative_path: name.to_string(),
        content: text.to_string(),
    }];
    add_locations(&mut diagnostics, &files);
    Ok(LoadedSpec { api, files, diagnostics })
}

/// Normalises documents already in memory (the root first). References to documents that are
/// not in the set become diagnostics. Useful for specs built or mutated in memory.
///
/// # Errors
///
/// [`LoadError::NotOpenApi`] when the root is not an OpenAPI document.
pub fn normalize_documents(documents: &DocumentSet) -> Result<(Api, Vec<Diagnostic>), LoadError> {
    crate::normalize::normalize(documents)
}

/// Fills in line and column of diagnostics from the text of their file (the root when the
/// diagnostic names no file). Each file with diagnostics is read once more, with spans.
fn add_locations(diagnostics: &mut [Diagnostic], files: &[SpecFile]) {
    for (index, file) in files.iter().enumerate() {
        let belongs = |d: &Diagnostic| match &d.file {
            None => index == 0,
            Some(name) => index != 0 && *name == file.relative_path,
        };
        let pointers: Vec<String> =
            diagnostics.iter().filter(|d| belongs(d)).map(|d| d.pointer.clone()).collect();
        if pointers.is_empty() {
            continue;
        }
        let refs: Vec<&str> = pointers.iter().map(String::as_str).collect();
        let mut found = locate::locate(&file.content, &refs).into_iter();
        for diagnostic in diagnostics.iter_mut().filter(|d| belongs(d)) {
            if let Some(Some((line, column))) = found.next() {
                diagnostic.line = Some(line);
                diagnostic.column = Some(column);
            }
        }
    }
}

fn parse_named(name: &str, text: &str) -> Result<serde_json::Value, LoadError> {
    let format = Format::detect(name, text);
    parse::parse(text, format).map_err(|err| LoadError::Syntax {
        file: name.to_string(),
        line: err.line,
        column: err.column,
        format: match format {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
        },
        message: err.message,
    })
}

impl fmt::Display for SpecFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.relative_path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn the_loader_and_its_futures_can_move_between_threads() {
        assert_send_sync::<Loader>();
        assert_send_sync::<LoadedSpec>();
        assert_send_sync::<LoadError>();
        let loader = Loader::new();
        let future = loader.load("spec.yaml");
        assert_send(&future);
    }
}
