//! The TCP checksum (RFC 9293 §3.1): the one's complement sum over a pseudo-header of the IP
//! addresses, protocol and length, and the whole segment.

use super::fields::{CHECKSUM, CHECKSUM_CALCULATED, CHECKSUM_STATUS};
use crate::checksum;
use crate::dissector::{Ctx, IpContext};
use crate::expert::{Group, Severity};
use crate::field::Value;
use crate::udp::{STATUS_BAD, STATUS_GOOD, STATUS_UNVERIFIED};

/// Verify the checksum over the pseudo-header and the whole segment (RFC 9293 §3.1), when the
/// whole segment was captured and is not an IP fragment; otherwise show it unverified.
pub(super) fn verify_checksum(
    cx: &mut Ctx<'_>,
    start: usize,
    end: usize,
    reported: usize,
    sent: u16,
    ip: IpContext,
    columns: bool,
) -> bool {
    let field = start + 16..start + 18;
    let item = cx.d.add(&CHECKSUM, field.clone(), Value::UInt(sent as u64));
    if ip.fragmented || start + reported > end {
        cx.d.set_title(item, format_args!("Checksum: 0x{sent:04x} [unverified]"));
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_UNVERIFIED));
        return false;
    }
    let segment = &cx.bytes[start..start + reported];
    let sum = pseudo_header_sum(ip, reported);
    let computed = checksum::finish(checksum::sum_words(sum, segment));
    if computed == 0 && sent == 0xffff {
        // RFC 1624 §3: one's complement arithmetic has two zeros; a sender should send
        // 0x0000, not 0xffff. Wireshark counts it as bad.
        cx.d.set_title(
            item,
            format_args!("Checksum: 0x{sent:04x} [should be 0x0000 (see RFC 1624)]"),
        );
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_BAD));
        cx.d.add_generated(&CHECKSUM_CALCULATED, Value::UInt(0));
        if columns {
            cx.d.info.push_str(" [TCP CHECKSUM 0xFFFF]");
        }
        if !cx.quoted {
            cx.d.add_expert(
                Severity::Error,
                Group::Checksum,
                "tcp",
                "Bad checksum [should be 0x0000]",
            );
        }
        true
    } else if computed == 0 {
        cx.d.set_title(item, format_args!("Checksum: 0x{sent:04x} [correct]"));
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_GOOD));
        cx.d.add_generated(&CHECKSUM_CALCULATED, Value::UInt(sent as u64));
        false
    } else {
        // What the sender should have written: the checksum computed with the field as zero.
        let without = checksum::sum_words(checksum::sum_words(sum, &segment[..16]), &segment[18..]);
        let should_be = checksum::finish(without);
        cx.d.set_title(
            item,
            format_args!("Checksum: 0x{sent:04x} incorrect, should be 0x{should_be:04x}"),
        );
        cx.d.add_generated(&CHECKSUM_STATUS, Value::UInt(STATUS_BAD));
        cx.d.add_generated(&CHECKSUM_CALCULATED, Value::UInt(should_be as u64));
        if columns {
            cx.d.info.push_str(" [TCP CHECKSUM INCORRECT]");
        }
        if !cx.quoted {
            cx.d.add_expert(
                Severity::Error,
                Group::Checksum,
                "tcp",
                format!("Bad checksum [should be 0x{should_be:04x}]"),
            );
        }
        true
    }
}

/// The pseudo-header sum (RFC 9293 §3.1). Its IPv4 form has a 16-bit length; a segment longer
/// than 65535 bytes (a "BIG TCP" capture) does not fit, and the sum is taken as Wireshark takes
/// it, with the length's carry added to the protocol word, so that `tcp.checksum_calculated`
/// matches tshark's.
fn pseudo_header_sum(ip: IpContext, len: usize) -> u32 {
    match (ip.src, ip.dst) {
        (std::net::IpAddr::V4(src), std::net::IpAddr::V4(dst)) => {
            let word = (6u32 << 16).wrapping_add(len as u32);
            let sum = checksum::sum_words(checksum::sum_words(0, &src.octets()), &dst.octets());
            checksum::sum_words(sum, &word.to_be_bytes())
        }
        _ => checksum::pseudo_header_sum(ip.src, ip.dst, 6, len as u32),
    }
}
