//! Neighbor Discovery (RFC 4861): how IPv6 nodes find routers, prefixes and each other's
//! link-layer addresses, with five ICMPv6 messages and a list of options after each.
//!
//! ```text
//!  Router Solicitation (133)     Reserved                          options...
//!  Router Advertisement (134)    Hop limit, M O H Prf P, lifetime, reachable, retrans, options...
//!  Neighbor Solicitation (135)   Reserved, Target Address          options...
//!  Neighbor Advertisement (136)  R S O flags, Target Address       options...
//!  Redirect (137)                Reserved, Target, Destination     options...
//!
//!  option:  +--------+--------+-------...
//!           |  Type  | Length |  value      Length counts 8-byte units, type and length included
//!           +--------+--------+-------...                                    (RFC 4861 §4.6)
//! ```

use super::{ipv6_at, Message, Short, DATA, RESERVED};
use crate::dissector::{dissect_data, Ctx, MAX_IP_DEPTH};
use crate::field::{name_in, FieldDef, Value};
use crate::link::{be16, be32, mac_at};
use std::fmt::{self, Write};
use std::net::Ipv6Addr;

mod fields;
pub use fields::*;

/// A Neighbor Discovery message: its fixed fields, then its options.
pub(super) fn dissect(cx: &mut Ctx<'_>, m: &Message) -> Result<(), Short> {
    let bytes = cx.bytes;
    let columns = !cx.quoted;
    let options_at = match m.icmp_type {
        super::ROUTER_SOLICITATION => {
            cx.d.add(
                &RESERVED,
                m.need(4, 4, "router solicitation")?,
                Value::Bytes,
            );
            8
        }
        super::ROUTER_ADVERTISEMENT => {
            router_advertisement(cx, m)?;
            16
        }
        super::NEIGHBOR_SOLICITATION => {
            cx.d.add(
                &RESERVED,
                m.need(4, 4, "neighbor solicitation")?,
                Value::Bytes,
            );
            let target = address(cx, m, 8, &NS_TARGET)?;
            if columns {
                let _ = write!(cx.d.info, " for {target}");
            }
            24
        }
        super::NEIGHBOR_ADVERTISEMENT => {
            let flags_range = m.need(4, 4, "neighbor advertisement")?;
            let flags = be32(bytes, flags_range.start).unwrap_or(0);
            let item =
                cx.d.open(&NA_FLAG, flags_range.clone(), Value::UInt(flags as u64));
            let named = [
                (0x8000_0000, "Router", "rtr"),
                (0x4000_0000, "Solicited", "sol"),
                (0x2000_0000, "Override", "ovr"),
            ];
            cx.d.set_title(
                item,
                format_args!("Flags: 0x{flags:08x}{}", FlagList(flags, &named, false)),
            );
            cx.d.add(
                &NA_FLAG_R,
                flags_range.clone(),
                Value::Bool(flags & 0x8000_0000 != 0),
            );
            cx.d.add(
                &NA_FLAG_S,
                flags_range.clone(),
                Value::Bool(flags & 0x4000_0000 != 0),
            );
            cx.d.add(
                &NA_FLAG_O,
                flags_range.clone(),
                Value::Bool(flags & 0x2000_0000 != 0),
            );
            cx.d.add(
                &NA_FLAG_RSV,
                flags_range,
                Value::UInt((flags & 0x1fff_ffff) as u64),
            );
            cx.d.close();
            let target = address(cx, m, 8, &NA_TARGET)?;
            if columns {
                let _ = write!(cx.d.info, " {target}");
                if flags & 0xe000_0000 != 0 {
                    let _ = write!(cx.d.info, " ({})", FlagList(flags, &named, true));
                }
            }
            24
        }
        _ => {
            cx.d.add(&RESERVED, m.need(4, 4, "redirect")?, Value::Bytes);
            address(cx, m, 8, &RD_TARGET)?;
            address(cx, m, 24, &RD_DESTINATION)?;
            40
        }
    };
    options(cx, m, options_at)
}

/// Flag names set in `flags`: `, Router, Solicited` for a title, or `rtr, sol` for the Info
/// column.
struct FlagList<'a>(u32, &'a [(u32, &'static str, &'static str)], bool);

impl fmt::Display for FlagList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (mask, long, short) in self.1 {
            if self.0 & mask != 0 {
                if self.2 {
                    if !first {
                        f.write_str(", ")?;
                    }
                    f.write_str(short)?;
                } else {
                    write!(f, ", {long}")?;
                }
                first = false;
            }
        }
        Ok(())
    }
}

fn address(
    cx: &mut Ctx<'_>,
    m: &Message,
    offset: usize,
    def: &'static FieldDef,
) -> Result<Ipv6Addr, Short> {
    let range = m.need(offset, 16, "IPv6 address")?;
    let address = ipv6_at(cx.bytes, range.start).unwrap_or(Ipv6Addr::UNSPECIFIED);
    cx.d.add(def, range, Value::Ipv6(address));
    Ok(address)
}

/// Router advertisement (RFC 4861 §4.2).
fn router_advertisement(cx: &mut Ctx<'_>, m: &Message) -> Result<(), Short> {
    let bytes = cx.bytes;
    let hop = m.need(4, 1, "router advertisement")?;
    cx.d.add(
        &RA_CUR_HOP_LIMIT,
        hop.clone(),
        Value::UInt(bytes[hop.start] as u64),
    );
    let flags_range = m.need(5, 1, "router advertisement")?;
    let flags = bytes[flags_range.start];
    let preference = (flags >> 3) & 0x03;
    let item =
        cx.d.open(&RA_FLAG, flags_range.clone(), Value::UInt(flags as u64));
    let named = [
        (0x80, "Managed address configuration", ""),
        (0x40, "Other configuration", ""),
        (0x20, "Home Agent", ""),
    ];
    cx.d.set_title(
        item,
        format_args!(
            "Flags: 0x{flags:02x}{}, Prf (Default Router Preference): {}{}",
            FlagList(flags as u32, &named, false),
            name_in(PREFERENCES, preference as u64).unwrap_or("Reserved"),
            if flags & 0x04 != 0 { ", Proxy" } else { "" }
        ),
    );
    cx.d.add(
        &RA_FLAG_M,
        flags_range.clone(),
        Value::Bool(flags & 0x80 != 0),
    );
    cx.d.add(
        &RA_FLAG_O,
        flags_range.clone(),
        Value::Bool(flags & 0x40 != 0),
    );
    cx.d.add(
        &RA_FLAG_H,
        flags_range.clone(),
        Value::Bool(flags & 0x20 != 0),
    );
    cx.d.add(
        &RA_FLAG_PRF,
        flags_range.clone(),
        Value::UInt(preference as u64),
    );
    cx.d.add(
        &RA_FLAG_P,
        flags_range.clone(),
        Value::Bool(flags & 0x04 != 0),
    );
    cx.d.add(
        &RA_FLAG_RSV,
        flags_range,
        Value::UInt((flags & 0x03) as u64),
    );
    cx.d.close();
    let lifetime = m.need(6, 2, "router advertisement")?;
    cx.d.add(
        &RA_ROUTER_LIFETIME,
        lifetime.clone(),
        Value::UInt(be16(bytes, lifetime.start).unwrap_or(0) as u64),
    );
    let reachable = m.need(8, 4, "router advertisement")?;
    cx.d.add(
        &RA_REACHABLE_TIME,
        reachable.clone(),
        Value::UInt(be32(bytes, reachable.start).unwrap_or(0) as u64),
    );
    let retrans = m.need(12, 4, "router advertisement")?;
    cx.d.add(
        &RA_RETRANS_TIMER,
        retrans.clone(),
        Value::UInt(be32(bytes, retrans.start).unwrap_or(0) as u64),
    );
    Ok(())
}

/// The options after a message's fixed part (RFC 4861 §4.6). A length of zero ends the list:
/// it would never advance (RFC 4861 §4.6 requires nodes to discard such a packet).
fn options(cx: &mut Ctx<'_>, m: &Message, from: usize) -> Result<(), Short> {
    let bytes = cx.bytes;
    let mut offset = from;
    while m.start + offset < m.end {
        let head = m.need(offset, 2, "ICMPv6 option")?;
        let (kind, units) = (bytes[head.start], bytes[head.start + 1]);
        let len = units as usize * 8;
        let whole = m.at(offset, len.max(2));
        let item =
            cx.d.open(&OPT, whole.start..whole.end.min(m.end), Value::None);
        cx.d.add(&OPT_TYPE, m.at(offset, 1), Value::UInt(kind as u64));
        let length_item =
            cx.d.add(&OPT_LENGTH, m.at(offset + 1, 1), Value::UInt(units as u64));
        cx.d.set_title(length_item, format_args!("Length: {units} ({len} bytes)"));
        let name = name_in(OPTION_TYPES, kind as u64);
        if len == 0 {
            match name {
                Some(name) => cx.d.set_title(item, format_args!("ICMPv6 Option ({name}")),
                None => {
                    cx.d.set_title(item, format_args!("ICMPv6 Option (Unknown {kind}"))
                }
            }
            cx.d.close();
            cx.d.set_malformed(
                "icmpv6",
                m.start + offset + 1,
                "expected an option length of at least 1 (8 bytes), found 0".to_string(),
            );
            return Ok(());
        }
        let option = Opt { offset, len };
        let result = option_value(cx, m, kind, &option, item);
        cx.d.close();
        result?;
        offset += len;
    }
    Ok(())
}

struct Opt {
    /// Offset of the option in the message.
    offset: usize,
    len: usize,
}

fn option_value(
    cx: &mut Ctx<'_>,
    m: &Message,
    kind: u8,
    o: &Opt,
    item: usize,
) -> Result<(), Short> {
    let bytes = cx.bytes;
    let columns = !cx.quoted;
    let at = |offset: usize| o.offset + offset;
    let name = name_in(OPTION_TYPES, kind as u64);
    match kind {
        1 | 2 if o.len == 8 => {
            let range = m.need(at(2), 6, "link-layer address option")?;
            let mac = mac_at(bytes, range.start).unwrap_or([0; 6]);
            cx.d.add(&OPT_LINKADDR, range.clone(), Value::Ether(mac));
            let specific = if kind == 1 {
                &OPT_SRC_LINKADDR
            } else {
                &OPT_TARGET_LINKADDR
            };
            cx.d.add_hidden(specific, range, Value::Ether(mac));
            cx.d.set_title(
                item,
                format_args!("ICMPv6 Option ({} : {})", name.unwrap_or(""), Mac(mac)),
            );
            if columns {
                let _ = write!(
                    cx.d.info,
                    "{}{}",
                    if kind == 1 { " from " } else { " is at " },
                    Mac(mac)
                );
            }
        }
        3 => {
            let prefix_len = bytes[m.need(at(2), 1, "prefix information option")?.start];
            cx.d.add(
                &OPT_PREFIX_LENGTH,
                m.at(at(2), 1),
                Value::UInt(prefix_len as u64),
            );
            let flag_range = m.need(at(3), 1, "prefix information option")?;
            let flags = bytes[flag_range.start];
            let flag_item = cx.d.open(
                &OPT_PREFIX_FLAG,
                flag_range.clone(),
                Value::UInt(flags as u64),
            );
            let named = [
                (0x80, "On-link flag(L)", ""),
                (0x40, "Autonomous address-configuration flag(A)", ""),
                (0x20, "Router address flag(R)", ""),
            ];
            cx.d.set_title(
                flag_item,
                format_args!(
                    "Flag: 0x{flags:02x}{}",
                    FlagList(flags as u32, &named, false)
                ),
            );
            cx.d.add(
                &OPT_PREFIX_FLAG_L,
                flag_range.clone(),
                Value::Bool(flags & 0x80 != 0),
            );
            cx.d.add(
                &OPT_PREFIX_FLAG_A,
                flag_range.clone(),
                Value::Bool(flags & 0x40 != 0),
            );
            cx.d.add(
                &OPT_PREFIX_FLAG_R,
                flag_range.clone(),
                Value::Bool(flags & 0x20 != 0),
            );
            cx.d.add(
                &OPT_PREFIX_FLAG_RESERVED,
                flag_range,
                Value::UInt((flags & 0x1f) as u64),
            );
            cx.d.close();
            let valid = m.need(at(4), 4, "prefix information option")?;
            cx.d.add(
                &OPT_PREFIX_VALID_LIFETIME,
                valid.clone(),
                Value::UInt(be32(bytes, valid.start).unwrap_or(0) as u64),
            );
            let preferred = m.need(at(8), 4, "prefix information option")?;
            cx.d.add(
                &OPT_PREFIX_PREFERRED_LIFETIME,
                preferred.clone(),
                Value::UInt(be32(bytes, preferred.start).unwrap_or(0) as u64),
            );
            cx.d.add(
                &OPT_RESERVED,
                m.need(at(12), 4, "prefix information option")?,
                Value::None,
            );
            let prefix_range = m.need(at(16), 16, "prefix information option")?;
            let prefix = ipv6_at(bytes, prefix_range.start).unwrap_or(Ipv6Addr::UNSPECIFIED);
            cx.d.add(&OPT_PREFIX, prefix_range, Value::Ipv6(prefix));
            cx.d.set_title(
                item,
                format_args!("ICMPv6 Option (Prefix information : {prefix}/{prefix_len})"),
            );
        }
        4 => {
            cx.d.add(
                &OPT_RESERVED,
                m.need(at(2), 6, "redirected header option")?,
                Value::None,
            );
            cx.d.set_title(item, format_args!("ICMPv6 Option (Redirected header)"));
            let packet_start = m.start + at(8);
            let packet_end = (m.start + o.offset + o.len).min(m.end);
            if packet_start < packet_end {
                cx.d.add(
                    &OPT_REDIRECTED_PACKET,
                    packet_start..packet_end,
                    Value::None,
                );
                redirected_packet(cx, packet_start..packet_end);
            }
        }
        5 => {
            cx.d.add(&OPT_RESERVED, m.need(at(2), 2, "MTU option")?, Value::None);
            let range = m.need(at(4), 4, "MTU option")?;
            let mtu = be32(bytes, range.start).unwrap_or(0);
            cx.d.add(&OPT_MTU, range, Value::UInt(mtu as u64));
            cx.d.set_title(item, format_args!("ICMPv6 Option (MTU : {mtu})"));
        }
        7 => {
            cx.d.add(
                &OPT_RESERVED,
                m.need(at(2), 2, "advertisement interval option")?,
                Value::None,
            );
            let range = m.need(at(4), 4, "advertisement interval option")?;
            let interval = be32(bytes, range.start).unwrap_or(0);
            cx.d.add(
                &OPT_ADVERTISEMENT_INTERVAL,
                range,
                Value::UInt(interval as u64),
            );
            cx.d.set_title(
                item,
                format_args!("ICMPv6 Option (Advertisement Interval : {interval})"),
            );
        }
        8 => {
            cx.d.add(
                &OPT_RESERVED,
                m.need(at(2), 2, "home agent information option")?,
                Value::None,
            );
            let preference = m.need(at(4), 2, "home agent information option")?;
            cx.d.add(
                &OPT_HA_PREFERENCE,
                preference.clone(),
                Value::UInt(be16(bytes, preference.start).unwrap_or(0) as u64),
            );
            let lifetime = m.need(at(6), 2, "home agent information option")?;
            cx.d.add(
                &OPT_HA_LIFETIME,
                lifetime.clone(),
                Value::UInt(be16(bytes, lifetime.start).unwrap_or(0) as u64),
            );
            cx.d.set_title(item, format_args!("ICMPv6 Option (Home Agent Information)"));
        }
        38 => {
            // RFC 8781 §4: a 13-bit lifetime in units of 8 s, a 3-bit prefix length code, then
            // the prefix's first 96 bits.
            let word_range = m.need(at(2), 2, "PREF64 option")?;
            let word = be16(bytes, word_range.start).unwrap_or(0);
            cx.d.add(
                &OPT_PREF64_LIFETIME,
                word_range.clone(),
                Value::UInt((word >> 3) as u64),
            );
            let plc = word & 0x7;
            cx.d.add(&OPT_PREF64_PLC, word_range, Value::UInt(plc as u64));
            let prefix_bytes = match plc {
                0 => Some(12),
                1 => Some(8),
                2 => Some(7),
                3 => Some(6),
                4 => Some(5),
                5 => Some(4),
                _ => None,
            };
            if let Some(len) = prefix_bytes {
                let range = m.need(at(4), 12, "PREF64 option")?;
                let mut sixteen = [0u8; 16];
                sixteen[..len].copy_from_slice(&bytes[range.start..range.start + len]);
                cx.d.add(
                    &OPT_PREF64_PREFIX,
                    range,
                    Value::Ipv6(Ipv6Addr::from(sixteen)),
                );
            }
            cx.d.set_title(item, format_args!("ICMPv6 Option (PREF64 Option)"));
        }
        14 => {
            cx.d.add(
                &OPT_NONCE,
                m.need(at(2), o.len - 2, "nonce option")?,
                Value::Bytes,
            );
            cx.d.set_title(item, format_args!("ICMPv6 Option (Nonce)"));
        }
        24 => {
            let prefix_len = bytes[m.need(at(2), 1, "route information option")?.start];
            cx.d.add(
                &OPT_PREFIX_LENGTH,
                m.at(at(2), 1),
                Value::UInt(prefix_len as u64),
            );
            let flag_range = m.need(at(3), 1, "route information option")?;
            let flags = bytes[flag_range.start];
            cx.d.open(
                &OPT_ROUTE_FLAG,
                flag_range.clone(),
                Value::UInt(flags as u64),
            );
            cx.d.add(
                &OPT_ROUTE_PREFERENCE,
                flag_range,
                Value::UInt(((flags >> 3) & 0x03) as u64),
            );
            cx.d.close();
            let lifetime = m.need(at(4), 4, "route information option")?;
            cx.d.add(
                &OPT_ROUTE_LIFETIME,
                lifetime.clone(),
                Value::UInt(be32(bytes, lifetime.start).unwrap_or(0) as u64),
            );
            // The prefix field is 0, 8 or 16 bytes, zero-filled to an address (RFC 4191 §2.3).
            let prefix_bytes = o.len.saturating_sub(8).min(16);
            let range = m.need(at(8), prefix_bytes, "route information option")?;
            let mut sixteen = [0u8; 16];
            sixteen[..prefix_bytes].copy_from_slice(&bytes[range.clone()]);
            let prefix = Ipv6Addr::from(sixteen);
            if prefix_bytes > 0 {
                cx.d.add(&OPT_PREFIX, range, Value::Ipv6(prefix));
            }
            cx.d.set_title(
                item,
                format_args!("ICMPv6 Option (Route Information : {prefix}/{prefix_len})"),
            );
        }
        25 => {
            cx.d.add(
                &OPT_RESERVED,
                m.need(at(2), 2, "RDNSS option")?,
                Value::None,
            );
            let lifetime = m.need(at(4), 4, "RDNSS option")?;
            cx.d.add(
                &OPT_RDNSS_LIFETIME,
                lifetime.clone(),
                Value::UInt(be32(bytes, lifetime.start).unwrap_or(0) as u64),
            );
            let count = o.len.saturating_sub(8) / 16;
            let mut servers = [Ipv6Addr::UNSPECIFIED; 8];
            for i in 0..count {
                let range = m.need(at(8 + 16 * i), 16, "RDNSS option")?;
                let server = ipv6_at(bytes, range.start).unwrap_or(Ipv6Addr::UNSPECIFIED);
                cx.d.add(&OPT_RDNSS, range, Value::Ipv6(server));
                // The title names the first 8 (an option of 255 units could list 15).
                if let Some(slot) = servers.get_mut(i) {
                    *slot = server;
                }
            }
            cx.d.set_title(
                item,
                format_args!(
                    "ICMPv6 Option (Recursive DNS Server{})",
                    Servers(&servers[..count.min(8)])
                ),
            );
        }
        31 => {
            cx.d.add(
                &OPT_RESERVED,
                m.need(at(2), 2, "DNSSL option")?,
                Value::None,
            );
            let lifetime = m.need(at(4), 4, "DNSSL option")?;
            cx.d.add(
                &OPT_DNSSL_LIFETIME,
                lifetime.clone(),
                Value::UInt(be32(bytes, lifetime.start).unwrap_or(0) as u64),
            );
            let list = m.need(at(8), o.len.saturating_sub(8), "DNSSL option")?;
            dns_search_list(cx, list.start, list.end, item);
        }
        _ => {
            match name {
                Some(name) => cx.d.set_title(item, format_args!("ICMPv6 Option ({name})")),
                None => {
                    cx.d.set_title(item, format_args!("ICMPv6 Option (Unknown {kind})"))
                }
            }
            if o.len > 2 {
                cx.d.add(
                    &DATA,
                    m.need(at(2), o.len - 2, "ICMPv6 option")?,
                    Value::Bytes,
                );
            }
        }
    }
    Ok(())
}

struct Servers<'a>(&'a [Ipv6Addr]);

impl fmt::Display for Servers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for server in self.0 {
            write!(f, " {server}")?;
        }
        Ok(())
    }
}

struct Mac([u8; 6]);

impl fmt::Display for Mac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::format::write_ether(f, &self.0)
    }
}

/// The start of the packet a redirect is about, dissected as IPv6 if it looks like it.
fn redirected_packet(cx: &mut Ctx<'_>, range: std::ops::Range<usize>) {
    if cx.bytes[range.start] >> 4 == 6 && cx.ip_depth < MAX_IP_DEPTH {
        let (quoted, depth) = (cx.quoted, cx.ip_depth);
        cx.quoted = true;
        cx.ip_depth += 1;
        crate::ipv6::dissect(cx, range);
        cx.quoted = quoted;
        cx.ip_depth = depth;
    } else {
        dissect_data(cx, range);
    }
}

/// The domain names of a DNS search list (RFC 8106 §5.2), in DNS label form (RFC 1035 §3.1):
/// each name is a series of length-prefixed labels ended by a zero; zero padding follows.
fn dns_search_list(cx: &mut Ctx<'_>, start: usize, end: usize, item: usize) {
    let bytes = cx.bytes;
    let mut at = start;
    while at < end && bytes[at] != 0 {
        let name_start = at;
        let mut labels = at;
        while labels < end && bytes[labels] != 0 && labels + 1 + (bytes[labels] as usize) <= end {
            labels += 1 + bytes[labels] as usize;
        }
        let name_end = (labels + 1).min(end);
        let text =
            cx.d.text_value(format_args!("{}", Labels(&bytes[name_start..name_end])));
        cx.d.add(&OPT_DNSSL, name_start..name_end, text);
        if name_end <= at {
            break;
        }
        at = name_end;
    }
    cx.d.set_title(
        item,
        format_args!(
            "ICMPv6 Option (DNS Search List Option{})",
            SearchList(&bytes[start..end])
        ),
    );
}

/// DNS labels as a dotted name.
struct Labels<'a>(&'a [u8]);

impl fmt::Display for Labels<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut at = 0;
        let mut first = true;
        while let Some(&len) = self.0.get(at) {
            if len == 0 {
                break;
            }
            let label = self.0.get(at + 1..at + 1 + len as usize).unwrap_or(&[]);
            if !first {
                f.write_char('.')?;
            }
            for &b in label {
                f.write_char(if b.is_ascii_graphic() { b as char } else { '?' })?;
            }
            first = false;
            at += 1 + len as usize;
        }
        Ok(())
    }
}

/// Every name of a search list, each preceded by a space.
struct SearchList<'a>(&'a [u8]);

impl fmt::Display for SearchList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut at = 0;
        while let Some(&len) = self.0.get(at) {
            if len == 0 {
                break;
            }
            let start = at;
            while let Some(&len) = self.0.get(at) {
                if len == 0 {
                    at += 1;
                    break;
                }
                at += 1 + len as usize;
            }
            write!(
                f,
                " {}",
                Labels(self.0.get(start..at.min(self.0.len())).unwrap_or(&[]))
            )?;
        }
        Ok(())
    }
}
