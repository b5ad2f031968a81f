//! The success answer of an operation as paging sees it: its fields (path, type, description),
//! the items array, and the fields that chain pages (next token, next URL, `has_more`,
//! totals).

use super::super::schema_walk::{self, normalized};
use super::names::{
    ParamRole, is_identifier, is_page_size, mentions_word, reserved, speaks_of_url,
};
use crate::model::{Api, SchemaKind, SchemaRef};

/// How deep the answer is searched (`meta.pagination.cursors.next` is depth 4).
const MAX_DEPTH: usize = 5;
/// How many fields are looked at per answer at most (huge schemas stay cheap).
const MAX_FIELDS: usize = 600;
/// Array fields that usually hold problems, not items.
const PROBLEMS: &[&str] = &["errors", "warnings", "messages", "error", "problems"];
/// Names of the items array, best first.
const ITEM_NAMES: &[&str] = &[
    "items",
    "data",
    "results",
    "records",
    "entries",
    "elements",
    "values",
    "value",
    "nodes",
    "list",
    "content",
    "resources",
    "rows",
    "objects",
];

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    Text,
    Integer,
    Number,
    Boolean,
    Array { of_objects: bool },
    Object,
    Unknown,
}

/// One field of the answer.
#[derive(Debug, Clone)]
pub(super) struct Field<'a> {
    /// Keys from the root.
    pub(super) path: Vec<&'a str>,
    pub(super) shape: Shape,
    pub(super) format: Option<&'a str>,
    pub(super) description: Option<&'a str>,
    /// The array's item schema (arrays only).
    pub(super) items: Option<&'a SchemaRef>,
}

impl Field<'_> {
    /// The field's own name.
    pub(super) fn leaf(&self) -> &str {
        self.path.last().copied().unwrap_or("")
    }

    /// The normalized names of its parents.
    fn parents(&self) -> impl Iterator<Item = String> + '_ {
        self.path[..self.path.len().saturating_sub(1)].iter().map(|s| normalized(s))
    }

    fn is_scalar(&self) -> bool {
        matches!(self.shape, Shape::Text | Shape::Integer | Shape::Number | Shape::Unknown)
    }

    fn depth(&self) -> usize {
        self.path.len()
    }

    /// Whether the path walks through a previous/current/first/last page's values.
    fn looks_back(&self) -> bool {
        self.path.iter().any(|segment| {
            let n = normalized(segment);
            n.starts_with("prev")
                || n.contains("previous")
                || n == "self"
                || n == "current"
                || n == "first"
                || n == "last"
                || n == "before"
        })
    }

    /// Whether the field speaks of the next page: a `next`/cursor/token word on its path, or a
    /// description of what comes next.
    fn looks_forward(&self) -> bool {
        let on_path = self.path.iter().any(|segment| {
            let n = normalized(segment);
            ["next", "cursor", "continu", "marker", "token"].iter().any(|w| n.contains(w))
        });
        let described = self.description.is_some_and(|d| {
            let d = d.to_ascii_lowercase();
            ["next", "subsequent", "continu", "more results", "additional results"]
                .iter()
                .any(|w| d.contains(w))
        });
        on_path || described
    }

    /// The path as text: dotted, or a JSON pointer when a key holds `.`, `/`, `[` or `~`.
    pub(super) fn path_text(&self) -> String {
        path_text(&self.path)
    }
}

/// A path as the runtime reads it: dotted, or a JSON pointer when a key needs it.
pub(super) fn path_text(path: &[&str]) -> String {
    if path.iter().any(|s| s.contains(['.', '/', '[', '~']) || s.is_empty()) {
        path.iter().map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1"))).collect()
    } else {
        path.join(".")
    }
}

/// The fields of a success answer (arrays are not entered).
#[derive(Debug, Clone, Default)]
pub(super) struct Answer<'a> {
    /// The body itself is an array.
    pub(super) is_array: bool,
    /// The array body's item schema.
    pub(super) root_items: Option<&'a SchemaRef>,
    pub(super) fields: Vec<Field<'a>>,
}

impl<'a> Answer<'a> {
    /// Reads the answer schema breadth first.
    pub(super) fn read(api: &'a Api, root: &'a SchemaRef) -> Self {
        let mut answer = Answer::default();
        match schema_walk::resolve(api, root).map(|s| &s.kind) {
            Some(SchemaKind::Array { items }) => {
                answer.is_array = true;
                answer.root_items = Some(items);
                return answer;
            }
            Some(SchemaKind::OneOf { variants, .. } | SchemaKind::AnyOf { variants, .. })
                if !variants.is_empty()
                    && variants.iter().all(|v| schema_walk::is_array(api, v)) =>
            {
                answer.is_array = true;
                return answer;
            }
            _ => {}
        }
        let mut level: Vec<(Vec<&'a str>, &'a SchemaRef)> = vec![(Vec::new(), root)];
        for _ in 0..MAX_DEPTH {
            let mut next = Vec::new();
            for (prefix, schema) in level {
                for (name, property) in schema_walk::properties(api, schema) {
                    if answer.fields.len() >= MAX_FIELDS {
                        return answer;
                    }
                    let mut path = prefix.clone();
                    path.push(name);
                    let field = field(api, path, property);
                    if field.shape == Shape::Object {
                        next.push((field.path.clone(), property));
                    }
                    answer.fields.push(field);
                }
            }
            if next.is_empty() {
                break;
            }
            level = next;
        }
        answer
    }

    /// Where the items are: `Some(vec![])` for the body itself, else the best array field.
    pub(super) fn items(&self, operation_path: &str) -> Option<&Field<'a>> {
        let resource = resource_names(operation_path);
        // Link lists (`_links`, `links`) are navigation, not items, unless the operation lists
        // links itself (`/channelPartnerLinks` answering `channelPartnerLinks`).
        let lists_resource = |f: &Field<'a>| {
            let leaf = normalized(f.leaf());
            let leaf = leaf.strip_suffix('s').unwrap_or(&leaf);
            resource.first().is_some_and(|r| leaf.contains(r.as_str()) || r.contains(leaf))
        };
        let arrays: Vec<&Field<'a>> = self
            .fields
            .iter()
            .filter(|f| matches!(f.shape, Shape::Array { .. }) && f.depth() <= 3)
            .filter(|f| {
                lists_resource(f) || !f.path.iter().any(|s| normalized(s).contains("links"))
            })
            .collect();
        let useful: Vec<&Field<'a>> = arrays
            .iter()
            .copied()
            .filter(|f| !PROBLEMS.contains(&normalized(f.leaf()).as_str()))
            .collect();
        let candidates = if useful.is_empty() { arrays } else { useful };
        let shallowest = candidates.iter().map(|f| f.depth()).min()?;
        let level: Vec<&Field<'a>> =
            candidates.into_iter().filter(|f| f.depth() == shallowest).collect();
        if level.len() == 1 {
            return level.first().copied();
        }
        let exactly = |f: &&Field<'a>| {
            let n = normalized(f.leaf());
            resource.iter().any(|r| n == *r || n == format!("{r}s") || n == format!("{r}list"))
        };
        let partly = |f: &&Field<'a>| {
            let n = normalized(f.leaf());
            resource.iter().any(|r| n.contains(r.as_str()))
        };
        let objects = |f: &&&Field<'a>| matches!(f.shape, Shape::Array { of_objects: true });
        level
            .iter()
            .find(|f| exactly(f))
            .or_else(|| level.iter().find(|f| partly(f)))
            .or_else(|| {
                ITEM_NAMES.iter().find_map(|known| {
                    level.iter().find(|f| {
                        let n = normalized(f.leaf());
                        n == *known || n.ends_with(known)
                    })
                })
            })
            .or_else(|| level.iter().find(objects))
            .or_else(|| level.first())
            .copied()
    }

    /// The scalar field that hands out the next value for request parameter `param`
    /// (described by `param_description`), with how sure the match is (higher is surer).
    ///
    /// `role` is what the parameter's name says it is: an opaque role (token, cursor, key to
    /// continue after) matches a field of the same name; a page number or an offset matches
    /// one only when both are text (an opaque token named `offset`) or the field is a `next`
    /// one; a parameter without a role only matches inside a `next` object.
    pub(super) fn token_for(
        &self,
        param: &str,
        param_description: Option<&str>,
        param_is_text: bool,
        role: Option<ParamRole>,
    ) -> Option<(u32, &Field<'a>)> {
        if is_page_size(param) {
            return None;
        }
        let p = normalized(param);
        let opaque_role = matches!(role, Some(ParamRole::Token | ParamRole::After));
        let numbered_role = matches!(role, Some(ParamRole::Page | ParamRole::Offset));
        let score = |f: &Field<'a>| -> u32 {
            if !f.is_scalar() || f.looks_back() || f.description.is_some_and(reserved) {
                return 0;
            }
            let leaf = normalized(f.leaf());
            let forward = f.looks_forward();
            let parents: Vec<String> = f.parents().collect();
            let mut score = 0;
            // An offset or page that is text both ways and said to lead on (Airtable's
            // `offset`: "to fetch the next page, include offset") is an opaque token; the same
            // field describing the current position is an echo.
            let opaque_text = numbered_role && param_is_text && f.shape == Shape::Text && forward;
            if leaf == p && (opaque_role || opaque_text || (role.is_some() && forward)) {
                score = score.max(4);
            }
            if role.is_some() && (leaf == format!("next{p}") || leaf == format!("{p}next")) {
                score = score.max(4);
            }
            if leaf == p && parents.iter().any(|n| n.contains("next")) {
                score = score.max(5);
            }
            if opaque_role
                && parents.iter().any(|n| n.contains("cursor"))
                && (leaf == "next" || leaf == "after")
            {
                score = score.max(5);
            }
            if opaque_role && NEXT_TOKENS.contains(&leaf.as_str()) {
                score = score.max(2);
            }
            // `pagination.next` without a word of URLs: the cursor to send back.
            let in_paging = parents.last().is_some_and(|n| {
                ["pagination", "paging", "meta", "cursors", "page", "pageinfo"]
                    .contains(&n.as_str())
            });
            let url_said = f.format.is_some_and(|fmt| fmt.contains("ur"))
                || f.description.is_some_and(speaks_of_url);
            if opaque_role && leaf == "next" && in_paging && !url_said {
                score = score.max(3);
            }
            // Documentation naming the other side: identifiers (`next_page`, `pageToken`)
            // only, so that a plain word like `page` in a sentence does not count.
            let documented = role.is_some()
                && ((is_identifier(f.leaf())
                    && param_description.is_some_and(|d| mentions_word(d, f.leaf())))
                    || ((opaque_role || is_identifier(param))
                        && f.description.is_some_and(|d| mentions_word(d, param))));
            if documented && forward {
                score = score.max(3) + 1;
            }
            score
        };
        let mut best: Option<(u32, &Field<'a>)> = None;
        for field in &self.fields {
            let s = score(field);
            if s > 0
                && best
                    .is_none_or(|(b, current)| s > b || (s == b && field.depth() < current.depth()))
            {
                best = Some((s, field));
            }
        }
        best
    }

    /// A string field with the next page's URL or URI.
    pub(super) fn next_url(&self) -> Option<&Field<'a>> {
        let score = |f: &Field<'a>| -> u32 {
            if (f.shape != Shape::Text && f.shape != Shape::Unknown) || f.looks_back() {
                return 0;
            }
            if f.format.is_some_and(|fmt| fmt.contains("date") || fmt.contains("time")) {
                return 0;
            }
            let leaf = normalized(f.leaf());
            let parent = f.parents().last().unwrap_or_default();
            let url_format = f.format.is_some_and(|fmt| fmt.contains("ur"));
            let url_said = url_format || f.description.is_some_and(speaks_of_url);
            match leaf.as_str() {
                "nexturl" | "nextlink" | "nextpageurl" | "nextpagelink" | "nextpageuri"
                | "nexturi" | "odatanextlink" | "nexthref" | "nextpagepath" => 4,
                "href" | "url" | "uri" | "link" if parent == "next" => 4,
                "next" | "nextpage" if url_said => 3,
                "next" if ["links", "link", "paging"].contains(&parent.as_str()) => 2,
                _ => 0,
            }
        };
        let mut best: Option<(u32, &Field<'a>)> = None;
        for field in &self.fields {
            let s = score(field);
            if s > 0
                && best
                    .is_none_or(|(b, current)| s > b || (s == b && field.depth() < current.depth()))
            {
                best = Some((s, field));
            }
        }
        best.map(|(_, f)| f)
    }

    /// A boolean saying whether more pages follow.
    pub(super) fn has_more(&self) -> Option<&Field<'a>> {
        self.fields.iter().find(|f| {
            f.shape == Shape::Boolean
                && !f.looks_back()
                && matches!(
                    normalized(f.leaf()).as_str(),
                    "hasmore"
                        | "hasnext"
                        | "hasnextpage"
                        | "more"
                        | "hasmoreresults"
                        | "moreresults"
                        | "hasmoreitems"
                        | "moreitems"
                        | "moreavailable"
                )
        })
    }

    /// The total number of items.
    pub(super) fn total_items(&self) -> Option<&Field<'a>> {
        const NAMES: &[&str] = &[
            "total",
            "totalcount",
            "totalitems",
            "totalresults",
            "totalrecords",
            "totalsize",
            "totalelements",
            "totalhits",
            "itemstotal",
            "totalnumber",
            "totalentrycount",
            "totalrecordcount",
            "resultstotalavailable",
            "totalsetsize",
            "totalavailable",
        ];
        self.count_field(NAMES)
    }

    /// The number of pages.
    pub(super) fn total_pages(&self) -> Option<&Field<'a>> {
        const NAMES: &[&str] = &[
            "totalpages",
            "pages",
            "pagestotal",
            "pagecount",
            "numberofpages",
            "totalpagecount",
            "lastpage",
            "pagestotalcount",
            "numpages",
        ];
        self.count_field(NAMES)
    }

    fn count_field(&self, names: &[&str]) -> Option<&Field<'a>> {
        names.iter().find_map(|name| {
            self.fields.iter().find(|f| {
                matches!(f.shape, Shape::Integer | Shape::Number | Shape::Text)
                    && !f.looks_back()
                    && normalized(f.leaf()) == *name
            })
        })
    }

    /// Whether the answer carries paging details (totals, counters, flags, echoed positions).
    pub(super) fn speaks_of_paging(&self) -> bool {
        self.has_more().is_some()
            || self.total_items().is_some()
            || self.total_pages().is_some()
            || self.fields.iter().any(|f| {
                let n = normalized(f.leaf());
                f.depth() <= 3
                    && (n.contains("page")
                        || n.contains("paginat")
                        || n.contains("offset")
                        || n.contains("paging")
                        || n == "limit")
            })
    }
}

/// Response fields that carry a next token or cursor, whatever the request parameter.
const NEXT_TOKENS: &[&str] = &[
    "nexttoken",
    "nextpagetoken",
    "continuationtoken",
    "paginationtoken",
    "nextcursor",
    "endcursor",
    "nextmarker",
    "cursor",
    "nextkey",
    "nextpagekey",
    "lastevaluatedkey",
    "lastid",
];

/// One field with its shape.
fn field<'a>(api: &'a Api, path: Vec<&'a str>, schema: &'a SchemaRef) -> Field<'a> {
    let resolved = schema_walk::resolve(api, schema);
    let mut items = None;
    let shape = match resolved.map(|s| &s.kind) {
        Some(SchemaKind::String { .. }) => Shape::Text,
        Some(SchemaKind::Integer { .. }) => Shape::Integer,
        Some(SchemaKind::Number) => Shape::Number,
        Some(SchemaKind::Boolean) => Shape::Boolean,
        Some(SchemaKind::Array { items: inner }) => {
            items = Some(inner);
            Shape::Array { of_objects: holds_objects(api, inner) }
        }
        Some(SchemaKind::Object { .. } | SchemaKind::AllOf { .. }) => {
            if schema_walk::properties(api, schema).is_empty() {
                Shape::Unknown
            } else {
                Shape::Object
            }
        }
        Some(SchemaKind::OneOf { variants, .. } | SchemaKind::AnyOf { variants, .. }) => {
            // `type: [string, null]`-style unions of one scalar.
            let kinds: Vec<Shape> = variants
                .iter()
                .filter_map(|v| schema_walk::resolve(api, v))
                .filter(|s| !matches!(s.kind, SchemaKind::Null))
                .map(|s| match s.kind {
                    SchemaKind::String { .. } => Shape::Text,
                    SchemaKind::Integer { .. } => Shape::Integer,
                    SchemaKind::Number => Shape::Number,
                    _ => Shape::Unknown,
                })
                .collect();
            match kinds.as_slice() {
                [one] => *one,
                _ => Shape::Unknown,
            }
        }
        _ => Shape::Unknown,
    };
    Field {
        path,
        shape,
        format: resolved.and_then(|s| s.format.as_deref()),
        description: schema_walk::description(api, schema),
        items,
    }
}

/// Whether an array's items are objects (records, not names or ids).
pub(super) fn holds_objects(api: &Api, items: &SchemaRef) -> bool {
    matches!(
        schema_walk::resolve(api, items).map(|s| &s.kind),
        Some(
            SchemaKind::Object { .. }
                | SchemaKind::AllOf { .. }
                | SchemaKind::OneOf { .. }
                | SchemaKind::AnyOf { .. }
        )
    )
}

/// The resource names a path lists, last first (`/v2/orders/search` → `search`, `orders`),
/// normalized and without a trailing `s`; path parameters and versions are skipped.
fn resource_names(path: &str) -> Vec<String> {
    path.split(['/', '#', '?', '.'])
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .filter(|s| !(s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit() || c == '.')))
        .map(|s| {
            let n = normalized(s);
            n.strip_suffix('s').map(str::to_string).unwrap_or(n)
        })
        .filter(|n| n.len() >= 3)
        .rev()
        .take(2)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_resources() {
        assert_eq!(path_text(&["meta", "cursors", "next"]), "meta.cursors.next");
        assert_eq!(path_text(&["@odata.nextLink"]), "/@odata.nextLink");
        assert_eq!(resource_names("/v2/orders/search"), ["search", "order"]);
        assert_eq!(resource_names("/{accountId}/vaults"), ["vault"]);
        assert_eq!(resource_names("/v1/customers"), ["customer"]);
    }
}
