//! The fields the oracle compares: the list of issue 2, in Wireshark's display-filter names.

pub use crate::field_list::FIELDS;

/// The protocol a field belongs to: its name up to the first dot (`tcp.options.mss_val` is
/// `tcp`'s). These are also the names tshark writes in `frame.protocols`.
pub fn protocol_of(field: &str) -> &str {
    field.split('.').next().unwrap_or(field)
}

/// Whether any compared field belongs to `protocol` (`eth`, `ip`, `tcp`, …): the protocols
/// whose place in tshark's dissection matters to the comparison.
pub fn carries_fields(protocol: &str, fields: &[&str]) -> bool {
    protocol != "frame" && fields.iter().any(|f| protocol_of(f) == protocol)
}

/// The fields to compare: all of [`FIELDS`], or those `ORACLE_FIELDS=a,b` names (a name that
/// is not in the list is an error, so that a typo cannot make the test compare nothing).
/// `frame.number` is always kept first, and `frame.time_epoch` comes along with
/// `frame.time_relative` or `frame.time_delta`: whether those are compared depends on tshark's
/// `frame.time_epoch` (accepted.rs).
pub fn selected(filter: Option<&str>) -> Result<Vec<&'static str>, String> {
    let Some(filter) = filter.map(str::trim).filter(|f| !f.is_empty()) else {
        return Ok(FIELDS.to_vec());
    };
    let mut chosen = vec!["frame.number"];
    for name in filter.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let field = FIELDS.iter().find(|f| **f == name).ok_or_else(|| {
            format!("ORACLE_FIELDS names `{name}`, which is not one of the oracle's fields")
        })?;
        if !chosen.contains(field) {
            chosen.push(field);
        }
    }
    let derived_time = ["frame.time_relative", "frame.time_delta"];
    if chosen.iter().any(|f| derived_time.contains(f)) && !chosen.contains(&"frame.time_epoch") {
        chosen.insert(1, "frame.time_epoch");
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_belongs_to_the_protocol_before_its_first_dot() {
        assert_eq!(protocol_of("tcp.options.timestamp.tsval"), "tcp");
        assert_eq!(protocol_of("ipv6.src"), "ipv6");
        assert_eq!(protocol_of("frame.len"), "frame");
    }

    #[test]
    fn only_protocols_with_compared_fields_carry_fields() {
        assert!(carries_fields("vlan", FIELDS));
        assert!(!carries_fields("ethertype", FIELDS));
        assert!(!carries_fields("data", FIELDS));
        assert!(!carries_fields("tcp", &["frame.number", "ip.src"]));
    }

    #[test]
    fn oracle_fields_keeps_frame_number_first_and_rejects_unknown_names() {
        assert_eq!(
            selected(Some("tcp.seq, ip.src")).unwrap(),
            ["frame.number", "tcp.seq", "ip.src"]
        );
        assert_eq!(selected(None).unwrap().len(), FIELDS.len());
        assert!(selected(Some("tcp.sequence")).is_err());
    }

    #[test]
    fn a_time_since_another_frame_brings_the_epoch_time_it_is_judged_by() {
        assert_eq!(
            selected(Some("frame.time_delta")).unwrap(),
            ["frame.number", "frame.time_epoch", "frame.time_delta"]
        );
        assert_eq!(
            selected(Some("frame.len")).unwrap(),
            ["frame.number", "frame.len"]
        );
    }
}
