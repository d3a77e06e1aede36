//! The middleware on an in-memory device: deterministic, no root needed. The TAP device
//! itself is tested against the kernel in `tests/tap_netns.rs`.

use super::*;
use crate::CaptureReader;
use std::time::Duration;

/// A frame whose bytes say which it is ("frame 7" is 0x07 repeated).
fn frame(n: u8) -> Vec<u8> {
    vec![n; 60]
}

/// The first byte of each frame: the frames' numbers, in order.
fn numbers(frames: &[Vec<u8>]) -> Vec<u8> {
    frames
        .iter()
        .map(|f| f.first().copied().unwrap_or(0))
        .collect()
}

fn receive_all(device: &mut impl FrameDevice) -> Vec<Vec<u8>> {
    let mut buf = [0u8; 1600];
    let mut frames = Vec::new();
    while let Some(len) = device.recv(&mut buf).expect("receive") {
        frames.push(buf[..len].to_vec());
    }
    frames
}

const NEVER_RELEASED: Duration = Duration::from_secs(3600);

fn faults(drop: f64, duplicate: f64, reorder: f64) -> Faults {
    Faults {
        drop,
        duplicate,
        reorder,
        reorder_hold: NEVER_RELEASED,
    }
}

#[test]
fn without_faults_frames_cross_unchanged_and_in_order_both_ways() {
    let mut device =
        FaultInjector::new(MemoryDevice::new(), Faults::default(), Faults::default(), 1);
    for n in 1..=3 {
        device.send(&frame(n)).unwrap();
        device.inner_mut().incoming.push_back(frame(10 + n));
    }
    assert_eq!(device.inner().sent, vec![frame(1), frame(2), frame(3)]);
    assert_eq!(numbers(&receive_all(&mut device)), [11, 12, 13]);
    assert_eq!(device.outgoing_stats.passed, 3);
    assert_eq!(device.incoming_stats.passed, 3);
}

#[test]
fn a_held_back_outgoing_frame_goes_out_after_the_next_one() {
    let mut device = FaultInjector::new(
        MemoryDevice::new(),
        faults(0.0, 0.0, 1.0),
        Faults::default(),
        1,
    );
    device.send(&frame(1)).unwrap(); // held back
    assert!(device.inner().sent.is_empty());
    device.set_faults(Faults::default(), Faults::default());
    device.send(&frame(2)).unwrap(); // overtakes frame 1
    device.send(&frame(3)).unwrap();
    assert_eq!(numbers(&device.inner().sent), [2, 1, 3]);
    assert_eq!(device.outgoing_stats.reordered, 1);
}

#[test]
fn a_held_back_frame_with_nothing_after_it_goes_out_when_its_hold_is_over() {
    let mut outgoing = faults(0.0, 0.0, 1.0);
    outgoing.reorder_hold = Duration::from_millis(5);
    let mut device = FaultInjector::new(MemoryDevice::new(), outgoing, Faults::default(), 1);
    device.send(&frame(1)).unwrap();
    assert!(device.inner().sent.is_empty());
    // The memory device never sleeps, so wait in steps until the hold is over.
    let started = std::time::Instant::now();
    while device.inner().sent.is_empty() && started.elapsed() < Duration::from_secs(1) {
        device.wait(Some(Duration::from_millis(1))).unwrap();
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(numbers(&device.inner().sent), [1]);
    assert!(started.elapsed() >= Duration::from_millis(4));
}

#[test]
fn a_held_back_incoming_frame_is_received_after_the_next_one() {
    let mut device = FaultInjector::new(
        MemoryDevice::new(),
        Faults::default(),
        faults(0.0, 0.0, 1.0),
        1,
    );
    device.inner_mut().incoming.push_back(frame(1));
    assert!(receive_all(&mut device).is_empty()); // held back
    device.set_faults(Faults::default(), Faults::default());
    device.inner_mut().incoming.extend([frame(2), frame(3)]);
    assert_eq!(numbers(&receive_all(&mut device)), [2, 1, 3]);
}

#[test]
fn a_duplicated_frame_crosses_twice_in_each_direction() {
    let mut device = FaultInjector::new(
        MemoryDevice::new(),
        faults(0.0, 1.0, 0.0),
        faults(0.0, 1.0, 0.0),
        1,
    );
    device.send(&frame(1)).unwrap();
    device.inner_mut().incoming.push_back(frame(2));
    assert_eq!(numbers(&device.inner().sent), [1, 1]);
    assert_eq!(numbers(&receive_all(&mut device)), [2, 2]);
    assert_eq!(device.outgoing_stats.duplicated, 1);
    assert_eq!(device.incoming_stats.duplicated, 1);
}

#[test]
fn dropped_incoming_frames_never_reach_the_stack() {
    let mut device = FaultInjector::new(
        MemoryDevice::new(),
        Faults::default(),
        faults(1.0, 0.0, 0.0),
        1,
    );
    device.inner_mut().incoming.extend([frame(1), frame(2)]);
    assert!(receive_all(&mut device).is_empty());
    assert!(
        device.inner().incoming.is_empty(),
        "both were taken from the device"
    );
    assert_eq!(device.incoming_stats.dropped, 2);
    assert!(!device.wait(Some(Duration::ZERO)).unwrap());
}

/// Sends frames 0..=255 through a fresh injector dropping about a third of them and
/// returns the numbers of those that went out.
fn survivors(seed: u64) -> Vec<u8> {
    let mut device = FaultInjector::new(
        MemoryDevice::new(),
        faults(1.0 / 3.0, 0.0, 0.0),
        Faults::default(),
        seed,
    );
    for n in 0..=255u8 {
        device.send(&frame(n)).unwrap();
    }
    let stats = &device.outgoing_stats;
    assert_eq!(stats.passed + stats.dropped, 256);
    numbers(&device.inner().sent)
}

#[test]
fn the_same_seed_drops_the_same_frames_and_another_seed_others() {
    let first = survivors(7);
    assert_eq!(first, survivors(7));
    assert_ne!(first, survivors(8));
    // About two thirds survive (binomial: 171 ± 3σ = 171 ± 23), in their order.
    assert!(
        (148..=194).contains(&first.len()),
        "{} of 256 survived",
        first.len()
    );
    assert!(first.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn each_frame_draws_the_same_dice_whatever_the_probabilities() {
    // With one RNG stream per frame of three draws, turning duplication on does not change
    // which frames are dropped: the lesson "same seed, same losses" survives tuning.
    let mut plain = FaultInjector::new(
        MemoryDevice::new(),
        faults(0.5, 0.0, 0.0),
        Faults::default(),
        3,
    );
    let mut doubled = FaultInjector::new(
        MemoryDevice::new(),
        faults(0.5, 0.3, 0.0),
        Faults::default(),
        3,
    );
    for n in 0..64u8 {
        plain.send(&frame(n)).unwrap();
        doubled.send(&frame(n)).unwrap();
    }
    let mut once = numbers(&doubled.inner().sent);
    once.dedup();
    assert_eq!(numbers(&plain.inner().sent), once);
}

#[test]
fn a_receive_buffer_too_small_is_an_error_naming_both_lengths() {
    let mut device = MemoryDevice::new();
    device.incoming.push_back(frame(1));
    let mut small = [0u8; 20];
    let error = device.recv(&mut small).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(
        error.to_string(),
        "receive buffer of 20 bytes is too small for a frame of 60 bytes"
    );
    assert_eq!(device.incoming.len(), 1, "the frame is still there");
}

#[test]
fn the_recorder_saves_frames_sent_and_received_in_the_order_they_crossed() {
    let mut device = PcapRecorder::new(MemoryDevice::new(), Vec::new()).unwrap();
    device.send(&frame(1)).unwrap();
    device.inner_mut().incoming.push_back(frame(2));
    assert_eq!(numbers(&receive_all(&mut device)), [2]);
    device.send(&frame(3)).unwrap();
    assert_eq!(device.frames, 3);
    let (_, pcap) = device.into_parts().unwrap();

    let mut reader = CaptureReader::new(&pcap[..]).unwrap();
    let mut saved = Vec::new();
    while let Some(f) = reader.next_frame().unwrap() {
        assert_eq!(f.link, wirelab_wire::LinkType::ETHERNET);
        assert_eq!(f.orig_len, 60);
        saved.push(f.bytes.to_vec());
    }
    assert_eq!(saved, vec![frame(1), frame(2), frame(3)]);
}

#[test]
fn interface_names_are_checked_before_asking_the_kernel() {
    let message = |name: &str| check_name(name).unwrap_err().to_string();
    assert_eq!(message(""), "bad interface name \"\": empty");
    assert_eq!(
        message("a-name-of-16-byt"),
        "bad interface name \"a-name-of-16-byt\": 16 bytes, at most 15 allowed"
    );
    assert_eq!(
        message("../x"),
        "bad interface name \"../x\": '/', ':', NUL and spaces are not allowed"
    );
    assert!(check_name("wltap0").is_ok());
}

#[test]
fn a_permission_error_says_how_to_get_the_permission() {
    let denied = io::Error::from_raw_os_error(nix::libc::EACCES);
    assert_eq!(
        context(denied, "opening /dev/net/tun", "wltap0").to_string(),
        "opening /dev/net/tun: permission denied (run as root, or give the device to your \
         user with `ip tuntap add wltap0 mode tap user $USER`)"
    );
    let busy = io::Error::from_raw_os_error(nix::libc::EBUSY);
    assert!(context(busy, "TUNSETIFF wltap0", "wltap0")
        .to_string()
        .starts_with("TUNSETIFF wltap0: Device or resource busy"));
}
