//! Finding and reading the workspace's `.env` file without touching the process environment.

use std::path::{Path, PathBuf};

/// The name of the file searched for.
const DOTENV: &str = ".env";

/// The nearest `.env` file in `start` or one of its ancestors, if any.
///
/// This is how [`EnvSource::load`](super::EnvSource::load) finds the workspace's `.env`
/// (starting from the current directory): a connector run from any folder of the workspace
/// sees the same file.
pub fn find_dotenv(start: &Path) -> Option<PathBuf> {
    start.ancestors().map(|dir| dir.join(DOTENV)).find(|candidate| candidate.is_file())
}

/// Files that mark the root of a project: the search for `.env` files stops there.
const ROOT_MARKERS: [&str; 2] = [".git", "CONNECTOR_AGENTS.md"];

/// The `.env` files a connector reads, nearest first: every `.env` in `start` and its
/// ancestors up to the project root (the first ancestor holding `.git` or a connector
/// workspace's `CONNECTOR_AGENTS.md`), so that `connectors/{system}/.env` and the workspace's
/// `.env` both count, the connector's first. Outside a project, only the nearest `.env`.
pub fn find_dotenvs(start: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for dir in start.ancestors() {
        let candidate = dir.join(DOTENV);
        if candidate.is_file() {
            found.push(candidate);
        }
        if ROOT_MARKERS.iter().any(|marker| dir.join(marker).exists()) {
            return found;
        }
    }
    found.truncate(1);
    found
}

/// The variables of a `.env` file, in file order, or why it could not be read.
///
/// The reason never quotes the file's content (a broken line may hold a secret); it gives the
/// line number instead.
pub(crate) fn read_dotenv(path: &Path) -> Result<Vec<(String, String)>, String> {
    let bytes = std::fs::read(path).map_err(|err| format!("could not be read ({})", err.kind()))?;
    let text = String::from_utf8(bytes).map_err(|_| "is not valid UTF-8".to_string())?;
    parse_dotenv(&text)
}

/// Parses `.env` text with dotenvy (which never sets variables when iterated).
pub(crate) fn parse_dotenv(text: &str) -> Result<Vec<(String, String)>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut vars = Vec::new();
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        match item {
            Ok(pair) => vars.push(pair),
            Err(dotenvy::Error::LineParse(line, _)) => {
                return Err(match line_number(text, &line) {
                    Some(n) => format!("line {n} could not be parsed"),
                    None => "a line could not be parsed".to_string(),
                });
            }
            Err(dotenvy::Error::Io(err)) => {
                return Err(format!("could not be read ({})", err.kind()));
            }
            Err(_) => return Err("could not be parsed".to_string()),
        }
    }
    Ok(vars)
}

/// The 1-based number of the line where `line` starts in `text`.
fn line_number(text: &str, line: &str) -> Option<usize> {
    let first = line.lines().next().filter(|l| !l.trim().is_empty())?;
    let at = text.find(first)?;
    Some(text[..at].matches('\n').count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quotes_comments_and_export() {
        let vars = parse_dotenv(
            "\u{feff}# comment\nA=1\nexport B='two words'\nC=\"x # not a comment\"\n\nD=\n",
        )
        .unwrap();
        assert_eq!(
            vars,
            [
                ("A".to_string(), "1".to_string()),
                ("B".to_string(), "two words".to_string()),
                ("C".to_string(), "x # not a comment".to_string()),
                ("D".to_string(), String::new()),
            ]
        );
    }

    #[test]
    fn broken_line_is_reported_by_number_without_its_content() {
        let err = parse_dotenv("A=1\nB=2\nnot a valid line canary-secret\n").unwrap_err();
        assert!(err.contains("line 3"), "{err}");
        assert!(!err.contains("canary"), "{err}");
    }

    #[test]
    fn finds_the_nearest_file_upward() {
        let root = std::env::temp_dir().join(format!("connkit-dotenv-{}", std::process::id()));
        let deep = root.join("a/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(root.join(".env"), "X=1\n").unwrap();
        assert_eq!(find_dotenv(&deep), Some(root.join(".env")));
        std::fs::write(root.join("a/.env"), "X=2\n").unwrap();
        assert_eq!(find_dotenv(&deep), Some(root.join("a/.env")));
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn reads_every_file_up_to_the_project_root_nearest_first() {
        let root = std::env::temp_dir().join(format!("connkit-dotenvs-{}", std::process::id()));
        let workspace = root.join("ws");
        let connector = workspace.join("connectors/shop");
        std::fs::create_dir_all(&connector).unwrap();
        std::fs::write(root.join(".env"), "X=0\n").unwrap();
        std::fs::write(workspace.join(".env"), "X=1\n").unwrap();
        std::fs::write(connector.join(".env"), "X=2\n").unwrap();
        // Outside a project: the nearest only.
        assert_eq!(find_dotenvs(&connector), [connector.join(".env")]);
        std::fs::write(workspace.join("CONNECTOR_AGENTS.md"), "").unwrap();
        assert_eq!(find_dotenvs(&connector), [connector.join(".env"), workspace.join(".env")]);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
