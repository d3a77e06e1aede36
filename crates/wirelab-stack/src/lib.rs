//! A user-space TCP/IP stack written to be read beside the RFCs, sans-IO.
//!
//! ```text
//!                 driver (simulated link with virtual time, later a TAP device)
//!                   │ frames in                         ▲ frames out
//!                   ▼                                   │
//!   iface::Interface  Ethernet ─ ARP cache ─ IPv4 ─┬─ ICMP echo / port unreachable
//!                                  (reassembly)    ├─ UDP sockets
//!                                                  └─ TCP: listeners (SYN queue, backlog)
//!                                                         and connections (tcp::Connection)
//! ```
//!
//! Nothing here reads a clock, opens a socket or draws randomness by itself (see DESIGN.md,
//! "The sans-IO contract"): time comes in as an [`Instant`], secrets and seeds are injected,
//! and every state machine has the same kinds of methods, as in quinn-proto:
//! getters; `handle_*(now, input)`; `poll_transmit(now)`, `poll_timeout()`, `poll_event()`;
//! `handle_timeout(now)`.
//!
//! - [`wire`]: the packet formats (a `Repr` per protocol with `parse` and `emit`).
//! - [`tcp`]: one TCP connection per RFC 9293, split by concern; NewReno or CUBIC, SACK,
//!   timestamps and PAWS, window scaling, Nagle, delayed ACKs, keep-alives.
//! - [`iface`]: an interface: Ethernet, ARP, IPv4, ICMP, UDP and TCP sockets.
//! - [`sim`]: a simulated link with delay, bandwidth, loss, duplication, reordering,
//!   corruption, and pcap writing as middleware.
#![forbid(unsafe_code)]

pub mod engine;
pub mod iface;
pub mod sim;
pub mod tcp;
mod time;
pub mod wire;

pub use time::{Duration, Instant};
