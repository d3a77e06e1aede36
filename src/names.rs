//! Field names given on the command line (`-e`, `--highlight`), checked against the registry
//! before any frame is read, with suggestions for the ones that do not exist.

use crate::Failure;
use wirelab_wire::registry;
use wirelab_wire::FieldDef;

/// The field called `name`, or an error that names it and suggests close names.
/// `option` is how the user gave it (`-e`), for the message.
pub fn resolve(option: &str, name: &str) -> Result<&'static FieldDef, Failure> {
    if let Some(def) = registry::lookup(name) {
        return Ok(def);
    }
    let mut message = format!("{option} {name}: wirelab knows no field of that name");
    let close = suggestions(name);
    if !close.is_empty() {
        message.push_str("; did you mean ");
        message.push_str(&close.join(", "));
        message.push('?');
    }
    let protocol = name.split('.').next().unwrap_or(name);
    if registry::all().any(|def| def.protocol() == protocol) {
        message.push_str(&format!(
            " (`wirelab fields {protocol}` lists {protocol}'s fields)"
        ));
    } else {
        message.push_str(" (`wirelab fields` lists them all)");
    }
    Err(Failure::Usage(message))
}

/// Up to five known names within a few edits of `name`, closest first; names that contain
/// `name` (`window` in `tcp.window_size`) count as close.
pub fn suggestions(name: &str) -> Vec<&'static str> {
    let limit = (name.len() / 4).max(2);
    let mut scored: Vec<(usize, &'static str)> = registry::all()
        .map(|def| {
            let distance = if def.name.contains(name) && name.len() >= 3 {
                1
            } else {
                edit_distance(name, def.name)
            };
            (distance, def.name)
        })
        .filter(|&(distance, _)| distance <= limit)
        .collect();
    scored.sort();
    scored.dedup_by_key(|(_, name)| *name);
    scored.into_iter().take(5).map(|(_, name)| name).collect()
}

/// Levenshtein distance: the fewest single-character insertions, deletions and substitutions
/// that turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("tcp.port", "tcp.port"), 0);
        assert_eq!(edit_distance("tcp.prot", "tcp.port"), 2);
        assert_eq!(edit_distance("ip.sr", "ip.src"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn an_unknown_field_is_a_usage_error_naming_it() {
        let error = resolve("-e", "no.such.field").err().map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains("-e no.such.field")));
    }

    #[test]
    fn a_known_field_resolves_to_its_definition() {
        let def = resolve("-e", "frame.number").ok().map(|def| def.name);
        assert_eq!(def, Some("frame.number"));
    }
}
