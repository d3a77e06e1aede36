//! The Internet checksum (RFC 1071) and the pseudo-headers TCP, UDP and ICMPv6 add to it.
//!
//! The checksum is the 16-bit one's complement of the one's complement sum of the data taken as
//! 16-bit big-endian words (a trailing odd byte is padded with a zero). A receiver sums the data
//! *including* the transmitted checksum: the result is 0xffff (so its complement is 0) when
//! nothing was damaged (RFC 1071 §1).

use std::net::IpAddr;

/// One's complement sum of `data` added to `sum`, not yet folded.
pub fn sum_words(mut sum: u32, data: &[u8]) -> u32 {
    let mut chunks = data.chunks_exact(2);
    for pair in &mut chunks {
        sum = sum.wrapping_add(u16::from_be_bytes([pair[0], pair[1]]) as u32);
        // Fold early so that the u32 cannot overflow on jumbograms.
        sum = (sum & 0xffff) + (sum >> 16);
    }
    if let [last] = chunks.remainder() {
        sum = sum.wrapping_add((*last as u32) << 8);
    }
    sum
}

/// Fold a sum into 16 bits and complement it: the value a sender puts in the checksum field.
pub fn finish(mut sum: u32) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// The Internet checksum of `data`.
pub fn internet_checksum(data: &[u8]) -> u16 {
    finish(sum_words(0, data))
}

/// The sum of the pseudo-header that TCP (RFC 9293 §3.1), UDP (RFC 768) and ICMPv6
/// (RFC 8200 §8.1) prepend to their checksum: addresses, protocol number and upper-layer length.
/// `src` and `dst` must be of the same family.
pub fn pseudo_header_sum(src: IpAddr, dst: IpAddr, protocol: u8, upper_len: u32) -> u32 {
    let mut sum = 0;
    match (src, dst) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            sum = sum_words(sum, &s.octets());
            sum = sum_words(sum, &d.octets());
            sum = sum_words(sum, &[0, protocol]);
            sum = sum_words(sum, &(upper_len as u16).to_be_bytes());
        }
        (s, d) => {
            sum = sum_words(sum, &ip_bytes(s));
            sum = sum_words(sum, &ip_bytes(d));
            sum = sum_words(sum, &upper_len.to_be_bytes());
            sum = sum_words(sum, &[0, 0, 0, protocol]);
        }
    }
    sum
}

fn ip_bytes(addr: IpAddr) -> [u8; 16] {
    match addr {
        IpAddr::V4(a) => a.to_ipv6_mapped().octets(),
        IpAddr::V6(a) => a.octets(),
    }
}

/// Whether `segment` (checksum field included) sums to zero with its pseudo-header: the check a
/// receiver makes.
pub fn verify_with_pseudo_header(src: IpAddr, dst: IpAddr, protocol: u8, segment: &[u8]) -> bool {
    let sum = pseudo_header_sum(src, dst, protocol, segment.len() as u32);
    finish(sum_words(sum, segment)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1071_example_sums_to_ddf2() {
        // RFC 1071 §3: the bytes 00 01 f2 03 f4 f5 f6 f7 have the one's complement sum 0xddf2.
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(internet_checksum(&data), !0xddf2);
    }

    #[test]
    fn an_ipv4_header_with_its_checksum_verifies() {
        let header = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(internet_checksum(&header), 0);
    }

    #[test]
    fn an_odd_trailing_byte_is_padded_with_zero() {
        assert_eq!(internet_checksum(&[0x12]), !0x1200);
    }
}
