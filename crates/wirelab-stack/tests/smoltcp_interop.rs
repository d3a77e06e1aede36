//! Our stack against smoltcp 0.12, an independent TCP/IP stack, on an in-memory Ethernet
//! link driven on virtual time (see `smoltcp_common`): ARP, the handshake, 10 MB one way,
//! and the close, in both roles, on a clean link and through 2 % loss. Both sides use a
//! 1460-byte MSS and 64 KiB socket buffers. A failing test prints both connections' states
//! and the last frames, summarized by wirelab's dissector.

mod smoltcp_common;

use smoltcp_common::{
    pattern, transfer, Host, Link, OurHost, Pair, Settings, SmolHost, ADDR_A, ADDR_B, MAC_A, MAC_B,
};

const TEN_MEGABYTES: usize = 10 << 20;
/// An hour of virtual time: far more than 10 MB needs even through loss.
const DEADLINE_MICROS: u64 = 3_600_000_000;

fn run<A: Host, B: Host>(mut pair: Pair<A, B>, seed: u64) {
    let lossy = pair.link.loss() > 0.0;
    let data = pattern(TEN_MEGABYTES, seed);
    let outcome = transfer(&mut pair, &data, data.len(), true, DEADLINE_MICROS);
    if let Some(failure) = &outcome.failure {
        panic!("{failure}");
    }
    if let Some(at) = outcome.first_difference {
        panic!("byte {at} differs\n{}", pair.describe());
    }
    assert_eq!(outcome.bytes, data.len(), "{}", pair.describe());
    println!(
        "{} → {}: {} bytes in {:.3} s of virtual time, {} frames, {} dropped",
        pair.a.stack(),
        pair.b.stack(),
        outcome.bytes,
        outcome.virtual_micros as f64 / 1e6,
        pair.link.frames,
        pair.link.dropped
    );
    if lossy {
        assert!(pair.link.dropped > 0, "a lossy run dropped nothing");
    }
}

fn our_client_and_smoltcp_server(loss: f64, seed: u64) -> Pair<OurHost, SmolHost> {
    let settings = Settings::default();
    Pair::new(
        OurHost::new(MAC_A, ADDR_A, &settings),
        SmolHost::new(MAC_B, ADDR_B, &settings),
        Link::new(loss, seed, true),
    )
}

fn smoltcp_client_and_our_server(loss: f64, seed: u64) -> Pair<SmolHost, OurHost> {
    let settings = Settings::default();
    Pair::new(
        SmolHost::new(MAC_A, ADDR_A, &settings),
        OurHost::new(MAC_B, ADDR_B, &settings),
        Link::new(loss, seed, true),
    )
}

#[test]
fn our_client_sends_ten_megabytes_to_a_smoltcp_server_and_both_close() {
    run(our_client_and_smoltcp_server(0.0, 1), 1);
}

#[test]
fn a_smoltcp_client_sends_ten_megabytes_to_our_server_and_both_close() {
    run(smoltcp_client_and_our_server(0.0, 2), 2);
}

#[test]
fn our_client_sends_ten_megabytes_to_a_smoltcp_server_through_two_percent_loss() {
    run(our_client_and_smoltcp_server(0.02, 3), 3);
}

#[test]
fn a_smoltcp_client_sends_ten_megabytes_to_our_server_through_two_percent_loss() {
    run(smoltcp_client_and_our_server(0.02, 4), 4);
}
