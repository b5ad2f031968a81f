//! Where each file of a loaded spec goes when the spec is copied into one folder (a
//! connector's `openapi/`), keeping the layout its `$ref`s rely on.

use percent_encoding::percent_decode_str;
use url::Url;

use super::SpecFile;

/// The path of each file (same order as `files`, the root first) under one folder that holds
/// them all: relative to the root's folder when every file is inside it
/// (`openapi.yaml`, `resources/things/list.yml`); else relative to the deepest folder holding
/// every file, so that a spec whose files refer to `../shared/...` keeps its references
/// (`api/openapi.yaml`, `shared/errors.yaml`). `None` for files that cannot be placed there: on
/// another host, or above the file system's root.
pub fn copy_layout(files: &[SpecFile]) -> Vec<Option<String>> {
    let up = files.iter().map(|f| levels_up(&f.relative_path)).max().unwrap_or(0);
    let tail = match files.first().and_then(|root| Url::parse(&root.url).ok()) {
        Some(url) if up > 0 => {
            let mut folders: Vec<String> = url
                .path_segments()
                .map(|segments| {
                    segments
                        .map(|s| percent_decode_str(s).decode_utf8_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            folders.pop(); // the root's file name
            if folders.len() < up {
                return files.iter().map(|f| inside(&f.relative_path)).collect();
            }
            folders.split_off(folders.len() - up)
        }
        _ => Vec::new(),
    };
    files
        .iter()
        .map(|file| {
            if file.relative_path.contains("://") {
                return None;
            }
            let mut parts: Vec<&str> = tail.iter().map(String::as_str).collect();
            for part in file.relative_path.split('/') {
                match part {
                    "" | "." => {}
                    ".." => {
                        parts.pop()?;
                    }
                    other => parts.push(other),
                }
            }
            inside(&parts.join("/"))
        })
        .collect()
}

/// How many folders above the root's folder a relative path starts (`../../x` → 2).
fn levels_up(relative: &str) -> usize {
    let mut depth: usize = 0;
    let mut up: usize = 0;
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if depth == 0 {
                    up += 1;
                } else {
                    depth -= 1;
                }
            }
            _ => depth += 1,
        }
    }
    up
}

/// The path when it stays inside its folder (relative, no `..`, not a URL).
fn inside(path: &str) -> Option<String> {
    let ok = !path.is_empty()
        && !path.contains("://")
        && !path.starts_with('/')
        && path.split('/').all(|part| !part.is_empty() && part != "..");
    ok.then(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(url: &str, relative: &str) -> SpecFile {
        SpecFile { url: url.into(), relative_path: relative.into(), content: String::new() }
    }

    #[test]
    fn files_inside_the_root_folder_keep_their_paths() {
        let files = [
            file("file:///s/api/openapi.yaml", "openapi.yaml"),
            file("file:///s/api/paths/a.yaml", "paths/a.yaml"),
        ];
        assert_eq!(copy_layout(&files), [Some("openapi.yaml".into()), Some("paths/a.yaml".into())]);
    }

    #[test]
    fn files_above_the_root_folder_move_the_common_folder_up() {
        let files = [
            file("file:///s/my%20api/v1/openapi.yaml", "openapi.yaml"),
            file("file:///s/my%20api/v1/paths/a.yaml", "paths/a.yaml"),
            file("file:///s/my%20api/shared/e.yaml", "../shared/e.yaml"),
            file("file:///s/common/x.yaml", "../../common/x.yaml"),
            file("https://other.example/x.yaml", "https://other.example/x.yaml"),
        ];
        assert_eq!(
            copy_layout(&files),
            [
                Some("my api/v1/openapi.yaml".into()),
                Some("my api/v1/paths/a.yaml".into()),
                Some("my api/shared/e.yaml".into()),
                Some("common/x.yaml".into()),
                None,
            ]
        );
        assert_eq!(levels_up("paths/../../x.yaml"), 1);
    }
}
