//! Every field wirelab knows, for `wirelab fields`, display filters and `-e` checks.

use crate::field::FieldDef;

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

/// All fields, protocol by protocol.
pub fn all() -> impl Iterator<Item = &'static FieldDef> {
    MODULES.iter().flat_map(|fields| fields.iter().copied())
}

/// The field with this display-filter name.
pub fn lookup(name: &str) -> Option<&'static FieldDef> {
    all().find(|def| def.name == name)
}
