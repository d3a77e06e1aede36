//! Every field wirelab knows, for `wirelab fields`, display filters and `-e` checks.
//!
//! The fields of this crate are listed here; crates built on it (the analysis across frames)
//! add theirs once with [`add_fields`], so that filters and `-T fields` know them too.

use crate::field::FieldDef;
use std::sync::Mutex;

/// Each protocol module's fields, in the order the layers stack.
const MODULES: &[&[&FieldDef]] = &[
    crate::frame_layer::FIELDS,
    crate::link::FIELDS,
    crate::ethernet::FIELDS,
    crate::vlan::FIELDS,
    crate::arp::FIELDS,
    crate::ipv4::FIELDS,
    crate::ipv6::FIELDS,
    crate::icmp::FIELDS,
    crate::icmpv6::FIELDS,
    crate::udp::FIELDS,
    crate::tcp::FIELDS,
    crate::dissector::FIELDS,
];

/// Field lists added by other crates.
static ADDED: Mutex<Vec<&'static [&'static FieldDef]>> = Mutex::new(Vec::new());

/// Make a crate's fields known; adding the same list twice adds it once.
pub fn add_fields(fields: &'static [&'static FieldDef]) {
    let mut added = ADDED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if !added.iter().any(|known| std::ptr::eq(*known, fields)) {
        added.push(fields);
    }
}

/// All fields, protocol by protocol.
pub fn all() -> impl Iterator<Item = &'static FieldDef> {
    let added = ADDED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    MODULES
        .iter()
        .copied()
        .chain(added)
        .flat_map(|fields| fields.iter().copied())
}

/// The field with this display-filter name.
pub fn lookup(name: &str) -> Option<&'static FieldDef> {
    all().find(|def| def.name == name)
}
