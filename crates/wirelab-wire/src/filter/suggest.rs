//! "Did you mean …?": the known field name closest to a misspelt one.

/// The closest name within a few edits (more edits allowed for longer names), preferring a
/// name in the same protocol, then the earlier name. Case is ignored.
pub(super) fn closest(
    word: &str,
    names: impl Iterator<Item = &'static str>,
) -> Option<&'static str> {
    let word = word.to_ascii_lowercase();
    let limit = match word.chars().count() {
        0..=3 => 1,
        4..=8 => 2,
        _ => 3,
    };
    let protocol = word.split('.').next().unwrap_or("");
    let mut best: Option<(usize, bool, &'static str)> = None;
    for name in names {
        let distance = edit_distance(&word, name);
        if distance > limit {
            continue;
        }
        let other_protocol = name.split('.').next() != Some(protocol);
        let better = match best {
            None => true,
            Some((d, other, _)) => (distance, other_protocol) < (d, other),
        };
        if better {
            best = Some((distance, other_protocol, name));
        }
    }
    best.map(|(_, _, name)| name)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbouring characters (`tcp.prot` is one swap from `tcp.port`).
pub(super) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the dynamic-programming table: i-2, i-1 and i.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}
