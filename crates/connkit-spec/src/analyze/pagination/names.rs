//! What request parameter and answer field names (and their descriptions) say about paging.

use super::super::schema_walk::normalized;

/// What a request parameter may be, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ParamRole {
    /// An opaque token, cursor or marker (`pageToken`, `cursor`, `marker`, `continue`).
    Token,
    /// A key to continue after (`starting_after`, `after`, `max_id`): keyset, or a cursor the
    /// answer hands out.
    After,
    /// A page number (`page`, `pageNumber`, `page[number]`).
    Page,
    /// Items to skip (`offset`, `skip`, `$skip`, `startIndex`).
    Offset,
}

/// The role of a request parameter by its name, if it has one.
pub(super) fn param_role(name: &str) -> Option<ParamRole> {
    let n = normalized(name);
    if n.contains("idempoten") || n.contains("clienttoken") || n.contains("synctoken") {
        return None;
    }
    if n.contains("cursor") || n.ends_with("marker") || n == "continue" || n == "continuation" {
        return Some(ParamRole::Token);
    }
    let token_words = ["next", "page", "continuation", "pagination", "paging", "start", "skip"];
    if n.contains("token") && token_words.iter().any(|w| n.contains(w)) {
        return Some(ParamRole::Token);
    }
    match n.as_str() {
        "startingafter" | "after" | "afterid" | "startafter" | "maxid" | "lastid" | "lastkey"
        | "afterkey" | "lastevaluatedkey" | "exclusivestartkey" => Some(ParamRole::After),
        "page" | "pagenumber" | "pageno" | "pagenum" | "pageindex" | "pagenr" => {
            Some(ParamRole::Page)
        }
        "offset" | "skip" | "start" | "startindex" | "startat" | "startposition" | "from"
        | "startrow" | "skiprows" | "firstresult" => Some(ParamRole::Offset),
        _ => None,
    }
}

/// Whether a parameter name sizes a page (`limit`, `per_page`, `pageSize`, `$top`).
pub(super) fn is_page_size(name: &str) -> bool {
    let n = normalized(name);
    matches!(
        n.as_str(),
        "limit"
            | "count"
            | "size"
            | "max"
            | "top"
            | "rows"
            | "take"
            | "first"
            | "number"
            | "pagelen"
            | "maxitems"
            | "maxrecords"
            | "maxcount"
            | "resultsperpage"
            | "itemsperpage"
            | "pagelimit"
            | "batchsize"
    ) || n.contains("pagesize")
        || n.contains("perpage")
        || n.contains("maxresults")
}

/// Whether a text speaks of times rather than positions (a `before`/`after`/`from`/`start`
/// that filters by date is no cursor).
pub(super) fn speaks_of_time(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    let phrases = ["iso 8601", "iso-8601", "iso8601", "rfc 3339", "rfc3339", "unix time"];
    let words = [
        "timestamp",
        "date",
        "datetime",
        "time",
        "1970",
        "epoch",
        "seconds",
        "milliseconds",
        "yyyy",
        "utc",
    ];
    phrases.iter().any(|p| t.contains(p))
        || t.split(|c: char| !c.is_ascii_alphanumeric()).any(|word| words.contains(&word))
}

/// Whether a text reserves the value for the API itself ("Reserved for DocuSign.", "Internal
/// parameter.", "Do not use"): no connector should drive it.
pub(super) fn reserved(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    ["reserved for", "internal parameter", "internal use", "do not use", "don't use"]
        .iter()
        .any(|w| t.contains(w))
}

/// Whether a parameter's description speaks of paging (beyond its name).
pub(super) fn speaks_of_paging(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    [
        "page",
        "paginat",
        "offset",
        "skip",
        "index",
        "position",
        "start",
        "first",
        "record",
        "row",
        "cursor",
        "next",
        "subsequent",
        "continu",
        "the last",
        "results to return",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// Whether a text points to a `Link` header for paging ("Use HTTP `Link` header for
/// pagination", "This API returns Link headers").
pub(super) fn mentions_link_header(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !"`'\"*_".contains(*c)).collect();
    let t = t.to_ascii_lowercase();
    ["link header", "link http header", "link response header", "rfc 5988", "rfc 8288", "rfc5988"]
        .iter()
        .any(|w| t.contains(w))
}

/// Whether a text says a value is a URL or URI (or a relative path, a URI reference).
pub(super) fn speaks_of_url(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    ["url", "uri", "link", "href", "http", "relative path"].iter().any(|w| t.contains(w))
}

/// Whether a name reads as an identifier rather than a plain word: `next_page`, `pageToken`,
/// `$skip` (an underscore, a hyphen, a `$` or an inner capital).
pub(super) fn is_identifier(name: &str) -> bool {
    name.contains(['_', '-', '$', '.']) || name.chars().skip(1).any(|c| c.is_ascii_uppercase())
}

/// Whether `word` occurs in `text` as a word of its own (not inside a longer identifier),
/// compared after normalizing both (`next_page`, `nextPage` and `next-page` alike).
pub(super) fn mentions_word(text: &str, word: &str) -> bool {
    let wanted = normalized(word);
    if wanted.len() < 3 {
        return false;
    }
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.' || c == '$'))
        .flat_map(|token| token.split('.'))
        .any(|token| normalized(token) == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_by_name() {
        assert_eq!(param_role("pageToken"), Some(ParamRole::Token));
        assert_eq!(param_role("next_page_token"), Some(ParamRole::Token));
        assert_eq!(param_role("Marker"), Some(ParamRole::Token));
        assert_eq!(param_role("continue"), Some(ParamRole::Token));
        assert_eq!(param_role("clientToken"), None);
        assert_eq!(param_role("Idempotency-Token"), None);
        assert_eq!(param_role("starting_after"), Some(ParamRole::After));
        assert_eq!(param_role("page[number]"), Some(ParamRole::Page));
        assert_eq!(param_role("$skip"), Some(ParamRole::Offset));
        assert_eq!(param_role("q"), None);
        assert!(is_page_size("page[size]"));
        assert!(is_page_size("$top"));
        assert!(is_page_size("MaxResults"));
        assert!(!is_page_size("pages"));
    }

    #[test]
    fn texts() {
        assert!(mentions_link_header("Internal parameter. Use HTTP `Link` header for pagination."));
        assert!(!mentions_link_header("A link to the resource"));
        assert!(mentions_word("Use the next_page value returned", "next_page"));
        assert!(mentions_word("in the meta.cursors property", "cursors"));
        assert!(!mentions_word("the next page", "next_page"));
        assert!(speaks_of_time("Only show notifications updated before the given time."));
        assert!(!speaks_of_time("A cursor for use in pagination."));
        assert!(!speaks_of_time("A pagination token for the runtime environments."));
        assert!(speaks_of_time("Milliseconds elapsed since 1 January 1970"));
    }
}
