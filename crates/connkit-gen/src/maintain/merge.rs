//! Line-based three-way merge (diff3) with git-style conflict markers, on a Myers diff.
//!
//! `merge3(base, ours, theirs)` keeps every change made on one side only, takes identical
//! changes once, and wraps changes both sides made differently to the same lines in
//! markers (diff3 style, with the base between `|||||||` and `=======`):
//!
//! ```text
//! <<<<<<< yours
//! ...
//! ||||||| last generated
//! ...
//! =======
//! ...
//! >>>>>>> new generation
//! ```
//!
//! Text is split into lines with their terminators, so the result is byte-exact: merging
//! with an unchanged side returns the other side unchanged.

use std::collections::HashMap;

/// Names written after the conflict markers.
#[derive(Debug, Clone, Copy)]
pub struct Labels<'a> {
    /// After `<<<<<<<`: the user's version.
    pub ours: &'a str,
    /// After `|||||||`: the common ancestor.
    pub base: &'a str,
    /// After `>>>>>>>`: the new generation.
    pub theirs: &'a str,
}

impl Default for Labels<'_> {
    fn default() -> Self {
        Labels { ours: "yours", base: "last generated", theirs: "new generation" }
    }
}

/// The merged text and how many conflict blocks it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    /// The result, with markers around conflicts.
    pub text: String,
    /// The number of conflict blocks.
    pub conflicts: usize,
}

/// Merges `ours` and `theirs`, both derived from `base`.
pub fn merge3(base: &str, ours: &str, theirs: &str, labels: &Labels<'_>) -> Merged {
    if ours == theirs || theirs == base {
        return Merged { text: ours.to_string(), conflicts: 0 };
    }
    if ours == base {
        return Merged { text: theirs.to_string(), conflicts: 0 };
    }
    let b = lines(base);
    let o = lines(ours);
    let t = lines(theirs);
    let mut interner: HashMap<&str, u32> = HashMap::new();
    let bi = intern(&b, &mut interner);
    let oi = intern(&o, &mut interner);
    let ti = intern(&t, &mut interner);
    let to_ours = matching(&bi, &oi);
    let to_theirs = matching(&bi, &ti);
    let mut out = String::with_capacity(ours.len().max(theirs.len()));
    let mut conflicts = 0;
    let (mut i, mut j, mut k) = (0usize, 0usize, 0usize);
    loop {
        if i < b.len() && to_ours[i] == Some(j) && to_theirs[i] == Some(k) {
            out.push_str(b[i]);
            i += 1;
            j += 1;
            k += 1;
            continue;
        }
        let next = (i..b.len()).find(|&x| to_ours[x].is_some() && to_theirs[x].is_some());
        let (bi_end, oj_end, tk_end) = match next {
            Some(x) => (x, to_ours[x].unwrap_or(o.len()), to_theirs[x].unwrap_or(t.len())),
            None => (b.len(), o.len(), t.len()),
        };
        conflicts += resolve(&b[i..bi_end], &o[j..oj_end], &t[k..tk_end], labels, &mut out);
        if next.is_none() {
            break;
        }
        i = bi_end;
        j = oj_end;
        k = tk_end;
    }
    Merged { text: out, conflicts }
}

/// Whether `text` holds a conflict marker line written by [`merge3`].
pub fn has_conflict_markers(text: &str) -> bool {
    let mut open = false;
    for line in text.lines() {
        if line.starts_with("<<<<<<< ") {
            open = true;
        } else if open && line.starts_with(">>>>>>> ") {
            return true;
        }
    }
    false
}

fn intern<'a>(lines: &[&'a str], table: &mut HashMap<&'a str, u32>) -> Vec<u32> {
    lines
        .iter()
        .map(|line| {
            let next = u32::try_from(table.len()).unwrap_or(u32::MAX);
            *table.entry(line).or_insert(next)
        })
        .collect()
}

fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Resolves one unstable chunk; returns 1 when it is a conflict.
fn resolve(
    base: &[&str],
    ours: &[&str],
    theirs: &[&str],
    labels: &Labels<'_>,
    out: &mut String,
) -> usize {
    if ours == base || ours == theirs {
        push_all(out, theirs);
        return 0;
    }
    if theirs == base {
        push_all(out, ours);
        return 0;
    }
    // Both changed the same lines differently: keep what they agree on at both ends.
    let prefix = ours.iter().zip(theirs).take_while(|(a, b)| a == b).count();
    let max_suffix = ours.len().min(theirs.len()) - prefix;
    let suffix = ours
        .iter()
        .rev()
        .zip(theirs.iter().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    push_all(out, &ours[..prefix]);
    marker(out, '<', labels.ours);
    push_all(out, &ours[prefix..ours.len() - suffix]);
    marker(out, '|', labels.base);
    push_all(out, base);
    marker(out, '=', "");
    push_all(out, &theirs[prefix..theirs.len() - suffix]);
    marker(out, '>', labels.theirs);
    push_all(out, &ours[ours.len() - suffix..]);
    1
}

fn push_all(out: &mut String, lines: &[&str]) {
    for line in lines {
        out.push_str(line);
    }
}

fn marker(out: &mut String, kind: char, label: &str) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    for _ in 0..7 {
        out.push(kind);
    }
    if !label.is_empty() {
        out.push(' ');
        out.push_str(label);
    }
    out.push('\n');
}

/// For each line of `a`, the line of `b` it is matched to in a longest common subsequence
/// (Myers' O(ND) diff, after trimming the common prefix and suffix).
fn matching(a: &[u32], b: &[u32]) -> Vec<Option<usize>> {
    let mut out = vec![None; a.len()];
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    for (i, slot) in out.iter_mut().enumerate().take(prefix) {
        *slot = Some(i);
    }
    let max_suffix = a.len().min(b.len()) - prefix;
    let suffix =
        a.iter().rev().zip(b.iter().rev()).take(max_suffix).take_while(|(x, y)| x == y).count();
    for s in 0..suffix {
        out[a.len() - 1 - s] = Some(b.len() - 1 - s);
    }
    let (a_mid, b_mid) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    for (x, y) in myers(a_mid, b_mid) {
        out[prefix + x] = Some(prefix + y);
    }
    out
}

/// Matched index pairs of a shortest edit script between `a` and `b`, in increasing order.
fn myers(a: &[u32], b: &[u32]) -> Vec<(usize, usize)> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    if n == 0 || m == 0 {
        return Vec::new();
    }
    let max = n + m;
    let offset = max + 1;
    let mut v = vec![0isize; (2 * max + 3) as usize];
    // trace[d] = v[k] for k in -d-1..=d+1 before step d.
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let mut last_d = 0;
    'outer: for d in 0..=max {
        trace.push(v[(offset - d - 1) as usize..=(offset + d + 1) as usize].to_vec());
        let mut k = -d;
        while k <= d {
            let idx = (offset + k) as usize;
            let mut x = if k == -d || (k != d && v[idx - 1] < v[idx + 1]) {
                v[idx + 1]
            } else {
                v[idx - 1] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[idx] = x;
            if x >= n && y >= m {
                last_d = d;
                break 'outer;
            }
            k += 2;
        }
    }
    let mut pairs = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (0..=last_d).rev() {
        let saved = &trace[d as usize];
        let at = |k: isize| saved[(k + d + 1) as usize];
        let k = x - y;
        let prev_k = if k == -d || (k != d && at(k - 1) < at(k + 1)) { k + 1 } else { k - 1 };
        let prev_x = at(prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y && x > 0 && y > 0 {
            pairs.push(((x - 1) as usize, (y - 1) as usize));
            x -= 1;
            y -= 1;
        }
        if d > 0 {
            x = prev_x;
            y = prev_y;
        }
    }
    pairs.reverse();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merge(base: &str, ours: &str, theirs: &str) -> Merged {
        merge3(base, ours, theirs, &Labels::default())
    }

    #[test]
    fn changes_on_both_sides_in_different_places_combine() {
        let base = "a\nb\nc\nd\ne\n";
        let ours = "a\nB\nc\nd\ne\n";
        let theirs = "a\nb\nc\nd\nE\nf\n";
        assert_eq!(
            merge(base, ours, theirs),
            Merged { text: "a\nB\nc\nd\nE\nf\n".into(), conflicts: 0 }
        );
    }

    #[test]
    fn the_same_line_changed_differently_conflicts_keeping_everything() {
        let merged = merge("a\nb\nc\n", "a\nmine\nc\n", "a\ntheirs\nc\n");
        assert_eq!(merged.conflicts, 1);
        assert_eq!(
            merged.text,
            "a\n<<<<<<< yours\nmine\n||||||| last generated\nb\n=======\ntheirs\n>>>>>>> new generation\nc\n"
        );
        assert!(has_conflict_markers(&merged.text));
    }

    #[test]
    fn insertions_at_the_same_place_agreeing_at_the_ends() {
        let merged = merge("a\nz\n", "a\nx\n1\ny\nz\n", "a\nx\n2\ny\nz\n");
        assert_eq!(merged.conflicts, 1);
        assert!(merged.text.starts_with("a\nx\n<<<<<<< yours\n1\n"), "{}", merged.text);
        assert!(merged.text.ends_with(">>>>>>> new generation\ny\nz\n"), "{}", merged.text);
    }

    #[test]
    fn missing_final_newline_keeps_markers_on_their_own_lines() {
        let merged = merge("a", "b", "c");
        assert_eq!(
            merged.text,
            "<<<<<<< yours\nb\n||||||| last generated\na\n=======\nc\n>>>>>>> new generation\n"
        );
    }

    #[test]
    fn deletions_on_one_side_apply() {
        let merged = merge("a\nb\nc\nd\n", "a\nb\nc\nd\nmine\n", "a\nd\n");
        assert_eq!(merged.text, "a\nd\nmine\n");
        assert_eq!(merged.conflicts, 0);
    }

    /// xorshift: a deterministic stream of pseudo-random numbers for the property tests.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn text(&mut self) -> String {
            let len = self.next() % 12;
            (0..len).map(|_| format!("{}\n", (b'a' + (self.next() % 4) as u8) as char)).collect()
        }
        fn edit(&mut self, text: &str) -> String {
            let mut ls: Vec<String> = text.lines().map(|l| format!("{l}\n")).collect();
            for _ in 0..(self.next() % 3) {
                let at = (self.next() as usize) % (ls.len() + 1);
                match self.next() % 3 {
                    0 => ls.insert(at, format!("{}\n", self.next() % 100)),
                    1 if at < ls.len() => {
                        ls.remove(at);
                    }
                    _ if at < ls.len() => ls[at] = format!("x{}\n", self.next() % 100),
                    _ => {}
                }
            }
            ls.concat()
        }
    }

    #[test]
    fn merge_laws_hold_on_random_texts() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..3000 {
            let base = rng.text();
            let ours = rng.edit(&base);
            let theirs = rng.edit(&base);
            assert_eq!(merge(&base, &ours, &base).text, ours);
            assert_eq!(merge(&base, &base, &theirs).text, theirs);
            assert_eq!(merge(&base, &theirs, &theirs).text, theirs);
            let merged = merge(&base, &ours, &theirs);
            if merged.conflicts == 0 {
                assert!(!has_conflict_markers(&merged.text));
            } else {
                assert!(has_conflict_markers(&merged.text));
            }
            // The matching is a common subsequence.
            let ids = |s: &str| s.bytes().map(u32::from).collect::<Vec<_>>();
            let (a, b) = (ids(&base), ids(&ours));
            let pairs = myers(&a, &b);
            assert!(pairs.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1));
            assert!(pairs.iter().all(|&(x, y)| a[x] == b[y]));
        }
    }

    #[test]
    fn myers_finds_a_longest_common_subsequence() {
        let a: Vec<u32> = "abcabba".bytes().map(u32::from).collect();
        let b: Vec<u32> = "cbabac".bytes().map(u32::from).collect();
        assert_eq!(myers(&a, &b).len(), 4);
    }
}
