//! URL building: base URL joining that keeps the base path, path parameters encoded as exactly
//! one segment, and redaction of credentials before a URL is stored in an error or a log.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use url::Url;

use crate::error::{Error, ErrorKind};

/// Everything but RFC 3986 unreserved characters: a parameter value becomes exactly one
/// segment (no `/`, `?`, `#`, `%` or space survives unencoded).
pub(crate) const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'!')
    .add(b'"')
    .add(b'#')
    .add(b'$')
    .add(b'%')
    .add(b'&')
    .add(b'\'')
    .add(b'(')
    .add(b')')
    .add(b'*')
    .add(b'+')
    .add(b',')
    .add(b'/')
    .add(b':')
    .add(b';')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Characters encoded in the literal parts of a path template (which keep their `/`).
const TEMPLATE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Appends `text` to `out`, percent-encoding the bytes in `set`; text that needs no
/// encoding (the common case) is copied at once.
fn push_encoded(out: &mut String, text: &str, set: &'static AsciiSet, unreserved_only: bool) {
    let clean = text.bytes().all(|b| {
        b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~')
            || (!unreserved_only
                && matches!(
                    b,
                    b'/' | b':'
                        | b'@'
                        | b'!'
                        | b'$'
                        | b'&'
                        | b'\''
                        | b'('
                        | b')'
                        | b'*'
                        | b'+'
                        | b','
                        | b';'
                        | b'='
                        | b'%'
                ))
    });
    if clean {
        out.push_str(text);
    } else {
        out.extend(utf8_percent_encode(text, set));
    }
}

/// Query parameter names whose values are credentials; they are redacted in stored URLs.
const SECRET_QUERY_NAMES: &[&str] = &[
    "access_token",
    "api_key",
    "apikey",
    "api-key",
    "auth",
    "client_secret",
    "code",
    "key",
    "password",
    "refresh_token",
    "secret",
    "sig",
    "signature",
    "token",
    "x-amz-credential",
    "x-amz-security-token",
    "x-amz-signature",
];

/// True when a query parameter named `name` carries a credential.
pub(crate) fn is_secret_query_name(name: &str, extra: &[String]) -> bool {
    let lower = name.to_ascii_lowercase();
    SECRET_QUERY_NAMES.contains(&lower.as_str())
        || lower.ends_with("token")
        || lower.ends_with("secret")
        || lower.ends_with("password")
        || extra.iter().any(|e| e.eq_ignore_ascii_case(name))
}

/// `url` without user info and with credential query values replaced by `[redacted]`.
pub(crate) fn redact(url: &Url, extra_secret_params: &[String]) -> String {
    let has_secret_query =
        url.query_pairs().any(|(name, _)| is_secret_query_name(&name, extra_secret_params));
    if !has_secret_query && url.username().is_empty() && url.password().is_none() {
        return url.as_str().to_owned();
    }
    let mut clean = url.clone();
    let _ = clean.set_username("");
    let _ = clean.set_password(None);
    if has_secret_query {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let value = if is_secret_query_name(&k, extra_secret_params) {
                    crate::secret::REDACTED.to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), value)
            })
            .collect();
        clean.query_pairs_mut().clear().extend_pairs(pairs);
    }
    clean.into()
}

/// Checks a base URL: absolute http(s), no query or fragment needed, path kept as the prefix.
pub(crate) fn parse_base(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("`{text}` is not a valid URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{text}` must be an http or https URL"));
    }
    if url.cannot_be_a_base() || url.host().is_none() {
        return Err(format!("`{text}` has no host"));
    }
    Ok(url)
}

/// Expands `template` with `params` (looked up by name) and appends it to `base`'s path.
///
/// `https://host/v1` + `/widgets/{id}` = `https://host/v1/widgets/{encoded id}`; each value is
/// percent-encoded as exactly one segment.
#[cfg(test)]
pub(crate) fn join(base: &Url, template: &str, params: &[(&str, &str)]) -> Result<Url, Error> {
    let params: Vec<(&str, &str, bool)> = params.iter().map(|(n, v)| (*n, *v, false)).collect();
    join_values(base, template, &params)
}

/// Like [`join`], where each parameter says whether its value is already encoded (a styled
/// expansion such as `.a.b` or `;id=3`, whose pieces were encoded one by one).
///
/// A template with a fixed query (`/responses?beta=true`: some specs key two operations on
/// one path apart this way, which OpenAPI does not foresee) sends that query, before the
/// operation's own parameters, rather than an encoded `?` in the path.
pub(crate) fn join_values(
    base: &Url,
    template: &str,
    params: &[(&str, &str, bool)],
) -> Result<Url, Error> {
    let (template, fixed_query) = match template.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (template, None),
    };
    let base_path = base.path().trim_end_matches('/');
    let mut path = String::with_capacity(base_path.len() + template.len() + 16);
    path.push_str(base_path);
    if !template.is_empty() && !template.starts_with('/') {
        path.push('/');
    }
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        push_encoded(&mut path, &rest[..open], TEMPLATE, false);
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| {
            Error::new(ErrorKind::Request, format!("unclosed `{{` in path template `{template}`"))
        })?;
        let name = &after[..close];
        let (value, encoded) = params
            .iter()
            .rev()
            .find(|(n, _, _)| *n == name)
            .map(|(_, v, encoded)| (*v, *encoded))
            .ok_or_else(|| {
                Error::new(ErrorKind::Request, format!("path parameter `{name}` is not set"))
            })?;
        if value.is_empty() || value == "." || value == ".." {
            return Err(Error::new(
                ErrorKind::Request,
                format!("path parameter `{name}` must not be empty, `.` or `..`"),
            ));
        }
        if encoded {
            path.push_str(value);
        } else {
            push_encoded(&mut path, value, SEGMENT, true);
        }
        rest = &after[close + 1..];
    }
    push_encoded(&mut path, rest, TEMPLATE, false);
    if path.is_empty() {
        path.push('/');
    }
    let mut url = base.clone();
    url.set_path(&path);
    url.set_fragment(None);
    if let Some(fixed) = fixed_query.filter(|q| !q.is_empty()) {
        let query = match url.query() {
            Some(own) if !own.is_empty() => format!("{own}&{fixed}"),
            _ => fixed.to_owned(),
        };
        url.set_query(Some(&query));
    }
    Ok(url)
}

/// The origin (scheme, host, port) of a URL, compared to decide where credentials may go.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(s: &str) -> Url {
        parse_base(s).unwrap()
    }

    #[test]
    fn a_fixed_query_in_the_template_is_sent_as_a_query() {
        let url = join(
            &base("https://api.example.com/v1"),
            "/responses/{id}?beta=true",
            &[("id", "r 1")],
        )
        .unwrap();
        assert_eq!(url.as_str(), "https://api.example.com/v1/responses/r%201?beta=true");
        let with_own =
            join(&base("https://api.example.com/v1?tenant=a"), "/responses?beta=true", &[])
                .unwrap();
        assert_eq!(with_own.as_str(), "https://api.example.com/v1/responses?tenant=a&beta=true");
    }

    #[test]
    fn keeps_the_base_path() {
        let url = join(&base("https://host/v1"), "/widgets", &[]).unwrap();
        assert_eq!(url.as_str(), "https://host/v1/widgets");
        let url = join(&base("https://host/v1/"), "/widgets", &[]).unwrap();
        assert_eq!(url.as_str(), "https://host/v1/widgets");
        let url = join(&base("https://host"), "widgets", &[]).unwrap();
        assert_eq!(url.as_str(), "https://host/widgets");
    }

    #[test]
    fn a_parameter_is_one_segment() {
        let url = join(&base("https://host/v1"), "/w/{id}/x", &[("id", "a/b?c#d e")]).unwrap();
        assert_eq!(url.as_str(), "https://host/v1/w/a%2Fb%3Fc%23d%20e/x");
        assert_eq!(url.path_segments().unwrap().count(), 4);
        assert_eq!(url.query(), None);
        assert_eq!(url.fragment(), None);
    }

    #[test]
    fn rejects_missing_and_dot_segments() {
        for value in ["", ".", ".."] {
            assert!(join(&base("https://h"), "/w/{id}", &[("id", value)]).is_err());
        }
        assert!(join(&base("https://h"), "/w/{id}", &[]).is_err());
        assert!(join(&base("https://h"), "/w/{id", &[("id", "1")]).is_err());
    }

    #[test]
    fn redacts_credentials() {
        let url = Url::parse("https://u:p@h/x?api_key=s3cr3t&page=2&MyKey=k").unwrap();
        let text = redact(&url, &["mykey".into()]);
        assert!(!text.contains("s3cr3t") && !text.contains(":p@") && !text.contains("=k"));
        assert!(text.contains("page=2"), "{text}");
    }

    #[test]
    fn origins() {
        let a = Url::parse("https://Host.example/v1").unwrap();
        assert!(same_origin(&a, &Url::parse("https://host.example:443/x?y").unwrap()));
        assert!(!same_origin(&a, &Url::parse("http://host.example/v1").unwrap()));
        assert!(!same_origin(&a, &Url::parse("https://host.example:8443/v1").unwrap()));
        assert!(!same_origin(&a, &Url::parse("https://evil.example/v1").unwrap()));
    }

    proptest::proptest! {
        #[test]
        fn any_value_stays_one_segment(value in "\\PC{1,20}") {
            proptest::prop_assume!(value != "." && value != "..");
            let url = join(&base("https://h/v1"), "/w/{id}", &[("id", &value)]).unwrap();
            let segments: Vec<_> = url.path_segments().unwrap().collect();
            proptest::prop_assert_eq!(segments.len(), 3);
            let decoded = percent_encoding::percent_decode_str(segments[2]).decode_utf8().unwrap();
            proptest::prop_assert_eq!(decoded, value.as_str());
            proptest::prop_assert!(url.query().is_none() && url.fragment().is_none());
        }
    }
}
