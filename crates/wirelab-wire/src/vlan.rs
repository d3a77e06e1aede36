//! VLAN tags: IEEE 802.1Q customer tags (EtherType 0x8100, and 0x9100 as some switches use for
//! an outer tag) and IEEE 802.1ad service tags (0x88a8), stacked as Q-in-Q.
//!
//! A tag sits between the source address and the EtherType of an Ethernet frame:
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  TPID (0x8100, in eth.type)   | PCP |D|         VLAN ID       |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   EtherType of the payload    |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! The tag control information (TCI) holds a 3-bit priority (PCP), the drop-eligible bit (DEI)
//! and a 12-bit VLAN identifier (IEEE 802.1Q §9.6). In Q-in-Q the provider's service tag comes
//! first and the customer's tag inside it.

use crate::dissector::{dissect_data, Ctx};
use crate::ethernet::{self, Trailer, ETHERTYPES};
use crate::field::{Base, FieldDef, Value};
use crate::link::{be16, masked, report_short};
use std::ops::Range;

/// Which tag: an 802.1Q customer tag or an 802.1ad service tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TagKind {
    Customer,
    Service,
}

/// Tags nested deeper than this are not dissected: real networks stack two or three, and
/// hostile input could stack thousands.
const MAX_TAGS: u8 = 16;

static PRIORITIES: crate::field::ValueNames = &[
    (0, "Best Effort (default)"),
    (1, "Background"),
    (2, "Spare"),
    (3, "Excellent Effort"),
    (4, "Controlled Load"),
    (5, "Video, < 100ms latency and jitter"),
    (6, "Voice, < 10ms latency and jitter"),
    (7, "Network Control"),
];

crate::field!(VLAN, "vlan", "802.1Q Virtual LAN", Protocol, "an IEEE 802.1Q tag: which virtual LAN the frame belongs to and how urgently switches should forward it (IEEE 802.1Q §9.6)");
pub static PRIORITY: FieldDef = masked("vlan.priority", "Priority", 16, Base::Dec, PRIORITIES, 0xe000, "the priority code point (PCP): one of eight traffic classes switches may queue by, 0 being best effort (IEEE 802.1Q §6.9.3)");
pub static DEI: FieldDef = crate::link::flag("vlan.dei", "DEI", 0x1000, "drop eligible indicator: set on frames a congested switch should drop first (IEEE 802.1Q §6.9.3)");
pub static ID: FieldDef = masked("vlan.id", "ID", 16, Base::Dec, &[], 0x0fff, "the VLAN identifier: which of up to 4094 virtual LANs the frame belongs to (0 means priority-tagged only) (IEEE 802.1Q §9.6)");
crate::field!(ETYPE, "vlan.etype", "Type", UInt 16, Hex, names = ETHERTYPES, "the EtherType of the payload after the tag (IEEE 802.1Q §9.5)");
crate::field!(LEN, "vlan.len", "Length", UInt 16, Dec, "the length of an 802.3 LLC payload after the tag, when the value is at most 1500 (IEEE 802.1Q §9.5)");
crate::field!(TRAILER, "vlan.trailer", "Trailer", Bytes, "bytes after the packet (and any padding) that the packet's own length does not account for (IEEE 802.3 §3.2)");

crate::field!(AD, "ieee8021ad", "IEEE 802.1ad", Protocol, "an IEEE 802.1ad service tag, which a provider adds outside the customer's 802.1Q tag (Q-in-Q) (IEEE 802.1Q §9.6)");
pub static AD_PRIORITY: FieldDef = masked(
    "ieee8021ad.priority",
    "Priority",
    16,
    Base::Dec,
    &[],
    0xe000,
    "the priority code point of the service tag (IEEE 802.1Q §6.9.3)",
);
pub static AD_DEI: FieldDef = masked(
    "ieee8021ad.dei",
    "DEI",
    16,
    Base::Dec,
    &[],
    0x1000,
    "the drop eligible indicator of the service tag (IEEE 802.1Q §6.9.3)",
);
pub static AD_ID: FieldDef = masked(
    "ieee8021ad.id",
    "ID",
    16,
    Base::Dec,
    &[],
    0x0fff,
    "the service VLAN identifier the provider assigned (IEEE 802.1Q §9.6)",
);
crate::field!(AH_ETYPE, "ieee8021ah.etype", "Type", UInt 16, Hex, names = ETHERTYPES, "the EtherType of what follows the service tag, usually 0x8100 for the customer's tag (IEEE 802.1Q §9.5)");
crate::field!(
    AH_TRAILER,
    "ieee8021ah.trailer",
    "Trailer",
    Bytes,
    "bytes after the packet that the packet's own length does not account for (IEEE 802.3 §3.2)"
);

pub static FIELDS: &[&FieldDef] = &[
    &VLAN,
    &PRIORITY,
    &DEI,
    &ID,
    &ETYPE,
    &LEN,
    &TRAILER,
    &AD,
    &AD_PRIORITY,
    &AD_DEI,
    &AD_ID,
    &AH_ETYPE,
    &AH_TRAILER,
];

/// A tag reached through the EtherType dispatch table: taken as an 802.1Q tag.
pub(crate) fn dissect(cx: &mut Ctx<'_>, range: Range<usize>) {
    dissect_tag(cx, range, TagKind::Customer, 1);
}

/// One tag (four bytes: TCI and EtherType), then what it carries. `depth` counts the tags
/// so far, this one included.
pub(crate) fn dissect_tag(cx: &mut Ctx<'_>, range: Range<usize>, kind: TagKind, depth: u8) {
    let bytes = cx.bytes;
    let start = range.start;
    let end = range.end.min(bytes.len());
    let (proto, priority, dei, id, etype, trailer) = match kind {
        TagKind::Customer => (&VLAN, &PRIORITY, &DEI, &ID, &ETYPE, &TRAILER),
        TagKind::Service => (&AD, &AD_PRIORITY, &AD_DEI, &AD_ID, &AH_ETYPE, &AH_TRAILER),
    };
    let index = cx.d.open(proto, start..end.min(start + 4), Value::None);
    let Some(tci) = be16(bytes, start).filter(|_| start + 2 <= end) else {
        cx.d.close();
        report_short(cx, proto.name, start, start + 4, end, "VLAN tag");
        return;
    };
    let (pcp, drop_eligible, vid) = (tci >> 13, tci & 0x1000 != 0, tci & 0x0fff);
    // Wireshark draws the service tag's priority and DEI over the first byte only.
    let bits_range = match kind {
        TagKind::Customer => start..start + 2,
        TagKind::Service => start..start + 1,
    };
    cx.d.add(priority, bits_range.clone(), Value::UInt(pcp as u64));
    match kind {
        TagKind::Customer => {
            cx.d.add(dei, bits_range, Value::Bool(drop_eligible));
            cx.d.set_title(
                index,
                format_args!(
                    "802.1Q Virtual LAN, PRI: {pcp}, DEI: {}, ID: {vid}",
                    drop_eligible as u8
                ),
            );
        }
        TagKind::Service => {
            cx.d.add(dei, bits_range, Value::UInt(drop_eligible as u64));
            cx.d.set_title(index, format_args!("IEEE 802.1ad, ID: {vid}"));
        }
    }
    cx.d.add(id, start..start + 2, Value::UInt(vid as u64));
    let Some(lentype) = be16(bytes, start + 2).filter(|_| start + 4 <= end) else {
        cx.d.close();
        report_short(cx, proto.name, start, start + 4, end, "VLAN tag");
        return;
    };
    let payload = start + 4..end;
    let trailer = Trailer {
        field: trailer,
        maybe_fcs: true,
        header_start: start,
    };
    if lentype <= 1500 {
        cx.d.add(&LEN, start + 2..start + 4, Value::UInt(lentype as u64));
        ethernet::dissect_length_payload(cx, payload, lentype as usize, trailer);
        return;
    }
    cx.d.add(etype, start + 2..start + 4, Value::UInt(lentype as u64));
    if depth >= MAX_TAGS && matches!(lentype, 0x8100 | 0x88a8 | 0x9100) {
        cx.d.close();
        cx.d.set_malformed(
            proto.name,
            start + 2,
            format!("expected at most {MAX_TAGS} nested VLAN tags, found another one"),
        );
        dissect_data(cx, payload);
        return;
    }
    ethernet::dissect_ethertype_payload(cx, payload, lentype, trailer, depth);
}

#[cfg(test)]
mod tests;
