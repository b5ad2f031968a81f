//! The standard prelude: absolute paths the generator writes that every Rust module already
//! has in scope under a short name.

/// `(absolute path without the leading `::`, name in the prelude)`. Variants come with their
/// enum (`std::option::Option::Some`), so `::std::option::Option::Some(x)` becomes `Some(x)`.
const PRELUDE: &[(&str, &str)] = &[
    ("std::option::Option::Some", "Some"),
    ("std::option::Option::None", "None"),
    ("std::option::Option", "Option"),
    ("std::result::Result::Ok", "Ok"),
    ("std::result::Result::Err", "Err"),
    ("std::result::Result", "Result"),
    ("std::string::String", "String"),
    ("std::string::ToString", "ToString"),
    ("std::vec::Vec", "Vec"),
    ("std::boxed::Box", "Box"),
    ("std::borrow::ToOwned", "ToOwned"),
    ("std::clone::Clone", "Clone"),
    ("std::cmp::PartialEq", "PartialEq"),
    ("std::cmp::Eq", "Eq"),
    ("std::cmp::PartialOrd", "PartialOrd"),
    ("std::cmp::Ord", "Ord"),
    ("std::convert::AsRef", "AsRef"),
    ("std::convert::AsMut", "AsMut"),
    ("std::convert::From", "From"),
    ("std::convert::Into", "Into"),
    ("std::convert::TryFrom", "TryFrom"),
    ("std::convert::TryInto", "TryInto"),
    ("std::default::Default", "Default"),
    ("std::iter::Iterator", "Iterator"),
    ("std::iter::IntoIterator", "IntoIterator"),
    ("std::iter::Extend", "Extend"),
    ("std::iter::FromIterator", "FromIterator"),
    ("std::marker::Send", "Send"),
    ("std::marker::Sync", "Sync"),
    ("std::marker::Sized", "Sized"),
    ("std::marker::Copy", "Copy"),
    ("std::marker::Unpin", "Unpin"),
];

/// Macros every module has (`::std::vec![..]` is `vec![..]`).
const MACROS: &[(&str, &str)] = &[
    ("std::vec", "vec"),
    ("std::format", "format"),
    ("std::matches", "matches"),
    ("std::assert", "assert"),
    ("std::assert_eq", "assert_eq"),
    ("std::write", "write"),
    ("std::writeln", "writeln"),
];

/// Every name of the prelude this module knows.
pub(super) fn names() -> impl Iterator<Item = &'static str> {
    PRELUDE.iter().chain(MACROS).map(|(_, name)| *name)
}

/// The longest prefix of `segments` (an absolute path, `core` already read as `std`) that
/// is a prelude item, among macros when `macro_path`: how many segments it spans and its
/// short name.
pub(super) fn prefix(segments: &[String], macro_path: bool) -> Option<(usize, &'static str)> {
    let table = if macro_path { MACROS } else { PRELUDE };
    table
        .iter()
        .filter_map(|(path, name)| {
            let parts: Vec<&str> = path.split("::").collect();
            let matches = parts.len() <= segments.len()
                && parts.iter().zip(segments).all(|(part, segment)| part == segment);
            matches.then_some((parts.len(), *name))
        })
        .max_by_key(|(len, _)| *len)
}
