//! Where documents come from: local paths and http(s) URLs.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use percent_encoding::percent_decode_str;
use url::Url;

/// Turns what a user typed (a path or an http(s) URL) into a URL.
pub(crate) fn location_url(location: &str) -> Result<Url, String> {
    let lower = location.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Url::parse(location).map_err(|err| format!("invalid URL: {err}"));
    }
    if lower.starts_with("file://") {
        return Url::parse(location).map_err(|err| format!("invalid file URL: {err}"));
    }
    let absolute = std::path::absolute(Path::new(location))
        .map_err(|err| format!("cannot resolve the path: {err}"))?;
    Url::from_file_path(&absolute).map_err(|()| "cannot turn the path into a file URL".to_string())
}

/// Reads documents from disk or over HTTP. The HTTP client is built on first use.
#[derive(Debug, Default)]
pub(crate) struct Fetcher {
    client: Mutex<Option<reqwest::Client>>,
}

impl Fetcher {
    /// A fetcher that uses `client` for http(s) documents.
    pub(crate) fn with_client(client: reqwest::Client) -> Fetcher {
        Fetcher { client: Mutex::new(Some(client)) }
    }

    /// The document's text.
    pub(crate) async fn fetch(&self, url: &Url) -> Result<String, String> {
        match url.scheme() {
            "file" => {
                let path =
                    url.to_file_path().map_err(|()| format!("`{url}` is not a local path"))?;
                std::fs::read_to_string(&path).map_err(|err| err.to_string())
            }
            "http" | "https" => {
                let client = self.client()?;
                let response = client.get(url.clone()).send().await.map_err(|e| e.to_string())?;
                let status = response.status();
                if !status.is_success() {
                    return Err(format!("the server answered {status}"));
                }
                response.text().await.map_err(|err| err.to_string())
            }
            other => Err(format!("unsupported URL scheme `{other}` (use a path or http(s))")),
        }
    }

    fn client(&self) -> Result<reqwest::Client, String> {
        let mut slot = self.client.lock().map_err(|_| "HTTP client lock poisoned".to_string())?;
        if let Some(client) = slot.as_ref() {
            return Ok(client.clone());
        }
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .user_agent(concat!("connkit-spec/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|err| format!("cannot build an HTTP client: {err}"))?;
        *slot = Some(client.clone());
        Ok(client)
    }
}

/// The path of `url` relative to the directory of `root`, for copying a multi-file spec with
/// its layout. Falls back to the full URL when the two are on different hosts or schemes.
pub(crate) fn relative_path(root: &Url, url: &Url) -> String {
    if root == url {
        return file_name(url);
    }
    match root.make_relative(url) {
        Some(relative) if !relative.is_empty() => {
            let relative = relative.split(['?', '#']).next().unwrap_or(&relative).to_string();
            percent_decode_str(&relative).decode_utf8_lossy().into_owned()
        }
        _ => url.to_string(),
    }
}

/// The last path segment of a URL (`api.yaml`), or the whole URL when it has none.
pub(crate) fn file_name(url: &Url) -> String {
    url.path_segments()
        .and_then(|mut segments| segments.next_back())
        .filter(|name| !name.is_empty())
        .map(|name| percent_decode_str(name).decode_utf8_lossy().into_owned())
        .unwrap_or_else(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_keep_the_layout() {
        let root = Url::parse("file:///s/api/openapi.yaml").unwrap();
        let pet = Url::parse("file:///s/api/schemas/pet%20x.yaml").unwrap();
        let up = Url::parse("file:///s/common/errors.yaml").unwrap();
        assert_eq!(relative_path(&root, &root), "openapi.yaml");
        assert_eq!(relative_path(&root, &pet), "schemas/pet x.yaml");
        assert_eq!(relative_path(&root, &up), "../common/errors.yaml");
        let other = Url::parse("https://example.com/x.yaml").unwrap();
        assert_eq!(relative_path(&root, &other), "https://example.com/x.yaml");
    }

    #[test]
    fn paths_and_urls_become_urls() {
        assert_eq!(location_url("https://x.test/a.json").unwrap().scheme(), "https");
        assert_eq!(location_url("spec.json").unwrap().scheme(), "file");
    }
}
