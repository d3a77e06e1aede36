//! The Dissector: turns frames into Dissections, layer by layer, remembering what it must
//! across frames (conversations, the first timestamp).
//!
//! Each protocol module has a `dissect(cx, range, …)` function. `range` is the part of the
//! frame that belongs to the layer and what it carries: its end is the smaller of what the
//! layer below declared (an IPv4 total length, a UDP length) and what was captured. Offsets are
//! always frame offsets, so every item's byte range points into the frame as captured.

use crate::analysis::{Analysis, NoAnalysis};
use crate::conversation::Conversations;
use crate::dissection::Dissection;
use crate::expert::{Group, Severity};
use crate::field::Value;
use crate::frame::{Frame, LinkType, Timestamp};
use crate::{arp, ethernet, icmp, icmpv6, ipv4, ipv6, link, tcp, udp, vlan};
use std::net::IpAddr;
use std::ops::Range;

/// State kept across the frames of one trace.
#[derive(Default)]
pub struct Dissector {
    first_ts: Option<Timestamp>,
    previous_ts: Option<Timestamp>,
    pub(crate) conversations: Conversations,
}

/// What a layer's dissector can see and change.
pub(crate) struct Ctx<'a> {
    /// The whole frame as captured.
    pub bytes: &'a [u8],
    /// How long the frame was on the wire (`frame.len`): more than `bytes.len()` when the snap
    /// length cut it, which layers need to tell a short capture from a malformed packet.
    pub orig_len: usize,
    pub d: &'a mut Dissection,
    pub conversations: &'a mut Conversations,
    /// The analysis across frames that sees each segment and datagram (see [`Analysis`]).
    pub analysis: &'a mut dyn Analysis,
    pub frame_number: u64,
    pub ts: Timestamp,
    /// Inside the packet quoted by an ICMP error. As in tshark, a quoted segment takes a stream
    /// index but never sets a starting sequence number, and its checksum is judged only when
    /// the whole segment was quoted (it usually is not).
    pub quoted: bool,
    /// Nesting depth of IP headers (IP-in-IP, ICMP quotes), to bound recursion on hostile input.
    pub ip_depth: u8,
}

/// The IP header fields a transport needs: addresses for the pseudo-header checksum and
/// conversation key, and how long the IP layer said the transport segment is.
#[derive(Clone, Copy, Debug)]
pub(crate) struct IpContext {
    pub src: IpAddr,
    pub dst: IpAddr,
    /// Transport length declared by the IP header (IPv4 total length minus header length, or
    /// IPv6 payload length minus extension headers). The captured bytes may be fewer.
    pub declared_len: usize,
    /// Whether this is an IPv4 fragment other than the first, or a first fragment of a
    /// datagram that continues: the transport checksum cannot be verified on its own.
    pub fragmented: bool,
}

/// Deepest nesting of IP inside IP (tunnels, ICMP quotes) that is dissected.
pub(crate) const MAX_IP_DEPTH: u8 = 8;

impl Dissector {
    pub fn new() -> Dissector {
        Dissector::default()
    }

    /// Dissect one frame into `d` (cleared first).
    pub fn dissect(&mut self, frame: &Frame<'_>, d: &mut Dissection) {
        self.dissect_with(frame, d, &mut NoAnalysis);
    }

    /// Dissect one frame into `d` (cleared first), letting `analysis` add what it knows from
    /// the frames before.
    pub fn dissect_with(
        &mut self,
        frame: &Frame<'_>,
        d: &mut Dissection,
        analysis: &mut dyn Analysis,
    ) {
        d.clear();
        analysis.frame_start(frame);
        let first = *self.first_ts.get_or_insert(frame.ts);
        let previous = self.previous_ts.replace(frame.ts).unwrap_or(frame.ts);
        crate::frame_layer::dissect(d, frame, first, previous);
        let mut cx = Ctx {
            bytes: frame.bytes,
            orig_len: frame.orig_len as usize,
            d,
            conversations: &mut self.conversations,
            analysis,
            frame_number: frame.number,
            ts: frame.ts,
            quoted: false,
            ip_depth: 0,
        };
        let all = 0..frame.bytes.len();
        match frame.link {
            LinkType::ETHERNET => ethernet::dissect(&mut cx, all),
            LinkType::LINUX_SLL => link::dissect_sll(&mut cx, all),
            LinkType::LINUX_SLL2 => link::dissect_sll2(&mut cx, all),
            LinkType::NULL => link::dissect_null(&mut cx, all),
            LinkType::LOOP => link::dissect_loop(&mut cx, all),
            // The version nibble decides, as Wireshark does for LINKTYPE_RAW and LINKTYPE_IPV4;
            // for LINKTYPE_IPV6 it reads IPv6 whatever the nibble says (a bogus version).
            LinkType::RAW | LinkType::IPV4 => dispatch_raw_ip(&mut cx, all),
            LinkType::IPV6 => ipv6::dissect(&mut cx, all),
            _ => {
                cx.d.protocol = "unknown";
                dissect_data(&mut cx, all);
            }
        }
        if cx.d.protocol.is_empty() {
            cx.d.protocol = "data";
        }
        malformed_expert(cx.d);
        cx.analysis.frame_done(frame.number, cx.d);
    }
}

/// A packet that stops making sense is an error in the expert summary, under the layer where
/// it did, as Wireshark's `_ws.malformed.expert`. A frame cut short by the snap length is not
/// malformed: the packet was whole on the wire.
fn malformed_expert(d: &mut Dissection) {
    let Some(malformed) = &d.malformed else {
        return;
    };
    if malformed
        .problem
        .ends_with("[Packet size limited during capture]")
    {
        return;
    }
    let layer = malformed.layer;
    d.add_expert(
        Severity::Error,
        Group::Malformed,
        layer,
        "Malformed Packet (Exception occurred)",
    );
}

/// Raw IP: the version is the first nibble.
pub(crate) fn dispatch_raw_ip(cx: &mut Ctx<'_>, range: Range<usize>) {
    match cx.bytes.get(range.start).map(|b| b >> 4) {
        Some(4) => ipv4::dissect(cx, range),
        Some(6) => ipv6::dissect(cx, range),
        Some(_) => dissect_data(cx, range),
        None => {}
    }
}

/// Hand the payload of an Ethernet, VLAN or SLL header to the protocol its EtherType names.
pub(crate) fn dispatch_ethertype(cx: &mut Ctx<'_>, range: Range<usize>, ethertype: u16) {
    match ethertype {
        0x0800 => ipv4::dissect(cx, range),
        0x86dd => ipv6::dissect(cx, range),
        0x0806 => arp::dissect(cx, range),
        0x8100 | 0x88a8 | 0x9100 => vlan::dissect(cx, range),
        _ => dissect_data(cx, range),
    }
}

/// Hand an IP payload to the protocol its protocol number (IPv4) or next header (IPv6) names.
pub(crate) fn dispatch_ip_proto(cx: &mut Ctx<'_>, range: Range<usize>, proto: u8, ip: IpContext) {
    match proto {
        1 => icmp::dissect(cx, range, ip),
        6 => tcp::dissect(cx, range, ip),
        17 => udp::dissect(cx, range, ip),
        58 => icmpv6::dissect(cx, range, ip),
        4 if cx.ip_depth < MAX_IP_DEPTH => ipv4::dissect(cx, range),
        41 if cx.ip_depth < MAX_IP_DEPTH => ipv6::dissect(cx, range),
        _ => dissect_data(cx, range),
    }
}

/// Bytes no dissector claims: shown as `data` with their length.
pub(crate) fn dissect_data(cx: &mut Ctx<'_>, range: Range<usize>) {
    let range = range.start.min(cx.bytes.len())..range.end.min(cx.bytes.len());
    if range.is_empty() {
        return;
    }
    let len = range.len();
    let index = cx.d.open(&DATA, range.clone(), Value::None);
    cx.d.set_title(index, format_args!("Data ({len} bytes)"));
    cx.d.add(&DATA_DATA, range, Value::Bytes);
    cx.d.add_generated(&DATA_LEN, Value::UInt(len as u64));
    cx.d.close();
}

crate::field!(
    DATA,
    "data",
    "Data",
    Protocol,
    "bytes that no wirelab dissector interprets"
);
crate::field!(
    DATA_DATA,
    "data.data",
    "Data",
    Bytes,
    "the uninterpreted bytes themselves"
);
crate::field!(DATA_LEN, "data.len", "Length", UInt 32, Dec, "how many uninterpreted bytes there are");

pub static FIELDS: &[&crate::FieldDef] = &[&DATA, &DATA_DATA, &DATA_LEN];
