//! Filters on frames dissected by the real dissectors, from literal packet bytes.

use super::compile;
use crate::dissection::Dissection;
use crate::frame::{Frame, LinkType, Timestamp};
use crate::Dissector;

/// Parse a hex dump with spaces and newlines.
fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect()
}

/// Ethernet, IPv4 10.0.0.1 → 10.0.0.2 (TTL 64, DF), TCP 54321 → 443 SYN with MSS 1460.
fn syn() -> Vec<u8> {
    hex("02 00 00 00 00 02  02 00 00 00 00 01  08 00
         45 00 00 2c 00 01 40 00 40 06 26 c9 0a 00 00 01 0a 00 00 02
         d4 31 01 bb 00 00 00 00 00 00 00 00 60 02 ff ff 00 00 00 00
         02 04 05 b4")
}

/// Ethernet, IPv4 10.0.0.254 → 10.0.0.1 ICMP port unreachable, quoting the IPv4 header and
/// the UDP header of 10.0.0.1:40000 → 192.168.1.1:53.
fn port_unreachable() -> Vec<u8> {
    hex("02 00 00 00 00 01  02 00 00 00 00 02  08 00
         45 00 00 38 00 02 00 00 ff 01 00 00 0a 00 00 fe 0a 00 00 01
         03 03 00 00 00 00 00 00
         45 00 00 24 00 03 00 00 3f 11 00 00 0a 00 00 01 c0 a8 01 01
         9c 40 00 35 00 10 00 00")
}

fn dissect(bytes: &[u8]) -> Dissection {
    let frame = Frame {
        number: 1,
        ts: Timestamp::new(1_700_000_000, 0),
        link: LinkType::ETHERNET,
        orig_len: bytes.len() as u32,
        bytes,
        interface: 0,
    };
    let mut d = Dissection::new();
    Dissector::new().dissect(&frame, &mut d);
    d
}

fn passes(bytes: &[u8], filter: &str) -> bool {
    compile(filter).matches(&dissect(bytes), bytes)
}

#[test]
fn a_real_syn_passes_the_issue_examples() {
    let syn = syn();
    assert!(passes(&syn, "tcp.flags.syn == 1 && tcp.flags.ack == 0"));
    assert!(
        passes(&syn, "ip.addr == 10.0.0.1")
            && passes(&syn, "ip.addr == 10.0.0.2")
            && !passes(&syn, "ip.addr == 10.0.0.3")
    );
    assert!(passes(&syn, "tcp.port == 443") && passes(&syn, "tcp.port in {80 443 8080}"));
    assert!(passes(&syn, "udp || tcp") && !passes(&syn, "udp || icmp") && passes(&syn, "not arp"));
    assert!(
        passes(&syn, "frame.len < 100 and ip.ttl < 65")
            && !passes(&syn, "frame.len > 100 and ip.ttl < 64")
    );
    assert!(
        passes(&syn, "eth.src == 02:00:00:00:00:01")
            && !passes(&syn, "eth.src == 02:00:00:00:00:02")
    );
}

#[test]
fn a_real_syn_matches_its_options_flags_and_bytes() {
    let syn = syn();
    assert!(passes(&syn, "tcp.options.mss_val == 1460") && passes(&syn, "tcp.options.mss_val"));
    assert!(!passes(&syn, "tcp.options.timestamp.tsval"));
    assert!(
        passes(&syn, "tcp.flags & 0x02")
            && passes(&syn, "tcp.flags == 0x002")
            && passes(&syn, "ip.flags.df == 1")
    );
    assert!(
        passes(&syn, "eth.type == ipv4")
            && passes(&syn, "ip.proto == tcp")
            && passes(&syn, "ip.proto == 6")
    );
    assert!(
        passes(&syn, "tcp contains 05:b4")
            && passes(&syn, "ip[12:4] == 0a:00:00:01")
            && passes(&syn, "frame[0:6] == eth.dst")
    );
    assert!(
        passes(&syn, "tcp.srcport > tcp.dstport") && passes(&syn, "frame.time_epoch == 1700000000")
    );
}

#[test]
fn a_real_icmp_error_has_two_ip_layers() {
    let icmp = port_unreachable();
    assert!(passes(&icmp, "icmp.type == 3 && icmp.code == 3"));
    assert!(
        passes(&icmp, "ip.src == 10.0.0.1") && passes(&icmp, "ip.src == 10.0.0.254"),
        "the outer and the quoted source"
    );
    assert!(
        !passes(&icmp, "ip.src != 10.0.0.1"),
        "!= needs every ip.src to differ"
    );
    assert!(passes(&icmp, "ip.src !== 10.0.0.1"));
    assert!(passes(&icmp, "ip.src#1 == 10.0.0.254") && passes(&icmp, "ip.dst#2 == 192.168.1.1"));
    assert!(passes(&icmp, "udp.dstport == 53") && passes(&icmp, "count(ip.src) == 2"));
}
