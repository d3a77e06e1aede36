//! Frame formats and the Dissection tree.
//!
//! ```text
//!  Frame {ts, link, bytes} ──> Dissector::dissect ──> Dissection (flat tree of Items)
//!                                 │  link: ethernet, sll, null/loop, raw
//!                                 │  net:  arp, ipv4, ipv6 (+ extension headers)
//!                                 │  icmp, icmpv6, udp, tcp (+ options)
//!                                 └─ conversations: tcp.stream, udp.stream, relative seq/ack
//! ```
//!
//! Untrusted bytes never panic: a layer that runs out of bytes or finds a value that cannot be
//! right records a [`Malformed`] naming the layer, the byte offset and the problem, keeps the
//! fields it could read, and stops there.
#![forbid(unsafe_code)]

pub mod analysis;
pub mod arp;
pub mod checksum;
pub mod conversation;
pub mod dissection;
pub mod dissector;
pub mod ethernet;
pub mod expert;
pub mod field;
pub mod filter;
pub mod format;
pub mod frame;
pub mod frame_layer;
pub mod icmp;
pub mod icmpv6;
pub mod ipv4;
pub mod ipv6;
pub mod link;
pub mod registry;
pub mod tcp;
pub mod udp;
pub mod vlan;

pub use analysis::{Analysis, PayloadUse, TcpSegment, UdpDatagram};
pub use dissection::{Address, Dissection, Item, Malformed};
pub use dissector::Dissector;
pub use expert::{Expert, Group, Severity};
pub use field::{Base, FieldDef, FieldType, Value};
pub use frame::{Frame, LinkType, Timestamp};
