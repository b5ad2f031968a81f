//! A string that matches a `pattern`: the shortest walk through the regex, taking the first
//! member of each class and alternation and the fewest repetitions allowed (at least one, so
//! that `[a-z]*` still gives a non-empty value), within `min`/`max` length where it can.

use regex_syntax::hir::{Class, Hir, HirKind};

/// An example matching `pattern` with a length in `min..=max` where possible; `None` when the
/// pattern uses what the Rust regex syntax does not parse (look-arounds, back-references).
pub(crate) fn example(pattern: &str, min: usize, max: usize) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    let mut out = String::new();
    let extra = min.saturating_sub(shortest(&hir));
    walk(&hir, &mut out, &mut { extra });
    let regex = regex::Regex::new(pattern).ok()?;
    (regex.is_match(&out) && out.chars().count() <= max.max(1)).then_some(out)
}

fn shortest(hir: &Hir) -> usize {
    hir.properties().minimum_len().unwrap_or(0)
}

/// Appends the walk of `hir`; `extra` is how many more characters repetitions may add to
/// reach the minimum length.
fn walk(hir: &Hir, out: &mut String, extra: &mut usize) {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(&String::from_utf8_lossy(&literal.0)),
        HirKind::Class(class) => out.push(first_of(class)),
        HirKind::Repetition(rep) => {
            let wanted = rep.min.max(1);
            let allowed = rep.max.unwrap_or(u32::MAX);
            let mut count = wanted.min(allowed);
            while *extra > 0 && count < allowed {
                count += 1;
                *extra = extra.saturating_sub(shortest(&rep.sub).max(1));
            }
            for _ in 0..count {
                walk(&rep.sub, out, extra);
            }
        }
        HirKind::Capture(capture) => walk(&capture.sub, out, extra),
        HirKind::Concat(parts) => parts.iter().for_each(|p| walk(p, out, extra)),
        HirKind::Alternation(parts) => {
            if let Some(first) = parts.first() {
                walk(first, out, extra);
            }
        }
    }
}

/// A readable member of a class: a lowercase letter, a digit or an uppercase letter when
/// the class has one, else its first character.
fn first_of(class: &Class) -> char {
    let ranges: Vec<(char, char)> = match class {
        Class::Unicode(c) => c.ranges().iter().map(|r| (r.start(), r.end())).collect(),
        Class::Bytes(c) => {
            c.ranges().iter().map(|r| (char::from(r.start()), char::from(r.end()))).collect()
        }
    };
    for wanted in ['a', '1', 'A', 'x', '0'] {
        if ranges.iter().any(|(start, end)| *start <= wanted && wanted <= *end) {
            return wanted;
        }
    }
    let printable =
        ranges.iter().find_map(|(start, end)| (*start..=*end).find(|c| c.is_ascii_graphic()));
    printable.or_else(|| ranges.first().map(|(start, _)| *start)).unwrap_or('a')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_match_their_patterns() {
        for pattern in [
            "^[a-z]{3}-[0-9]{2}$",
            "^\\d+$",
            "^[A-Z]{2}$",
            "^(foo|bar)baz?$",
            "^[^@]+@[^@]+\\.[a-z]{2,}$",
            "[0-9a-f]{8}-[0-9a-f]{4}",
        ] {
            let text = example(pattern, 0, 100).unwrap();
            assert!(regex::Regex::new(pattern).unwrap().is_match(&text), "{pattern}: {text}");
        }
        assert_eq!(example("^[a-z]+$", 5, 10).as_deref(), Some("aaaaa"));
        assert!(example("^(?=a)a$", 0, 10).is_none());
    }
}
