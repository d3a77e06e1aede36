//! Live sniffing of a network interface (`wirelab tui -i IFACE`), as `tshark -i IFACE` does:
//! a packet socket (pnet's datalink channel, `AF_PACKET` on Linux) gets a copy of every frame
//! the interface sends or receives, and a thread feeds them into a [`LiveCapture`].
//!
//! ```text
//!   kernel ── IFACE ──copy of each frame──> pnet_datalink receiver ──> LiveFeed::frame ──> TUI
//! ```
//!
//! A packet socket needs root (or CAP_NET_RAW); without it, opening fails with a message
//! that says so before the terminal is taken over.

use crate::source_live::{LiveCapture, LiveFeed};
use pnet_datalink::{Channel, Config, DataLinkReceiver, NetworkInterface};
use std::io;
use std::sync::Arc;
use std::time::Duration;
use wirelab_wire::LinkType;

/// Opens a packet socket on the interface `name` and starts feeding its frames into a new
/// live trace, from a background thread that runs until the socket fails.
pub fn sniff_interface(name: &str) -> Result<Arc<LiveCapture>, String> {
    let interfaces = pnet_datalink::interfaces();
    let Some(interface) = interfaces.iter().find(|i| i.name == name) else {
        let known: Vec<&str> = interfaces.iter().map(|i| i.name.as_str()).collect();
        return Err(format!(
            "-i {name}: no network interface of that name; there are: {}",
            known.join(", ")
        ));
    };
    let config = Config {
        // Wake up now and then, so that a thread whose TUI has gone ends.
        read_timeout: Some(Duration::from_millis(500)),
        ..Config::default()
    };
    let receiver = match pnet_datalink::channel(interface, config) {
        Ok(Channel::Ethernet(_, receiver)) => receiver,
        Ok(_) => return Err(format!("-i {name}: not a datalink channel pnet knows")),
        Err(error) if error.kind() == io::ErrorKind::PermissionDenied => {
            return Err(format!(
                "-i {name}: {error}: capturing needs root (or the CAP_NET_RAW capability)"
            ))
        }
        Err(error) => return Err(format!("-i {name}: {error}")),
    };
    let (capture, feed) = LiveCapture::with_link_type(format!("-i {name}"), link_type(interface));
    let source = capture.clone();
    std::thread::spawn(move || pump(receiver, feed, source));
    Ok(capture)
}

/// An interface without an Ethernet header (a TUN device, a point-to-point link) hands over
/// bare IP packets.
fn link_type(interface: &NetworkInterface) -> LinkType {
    let ethernet = interface.is_loopback()
        || interface
            .mac
            .is_some_and(|mac| mac != pnet_datalink::MacAddr::zero());
    if ethernet && !interface.is_point_to_point() {
        LinkType::ETHERNET
    } else {
        LinkType::RAW
    }
}

/// Copies frames from the socket into the trace until the socket fails or nobody reads the
/// trace any more.
fn pump(mut receiver: Box<dyn DataLinkReceiver>, mut feed: LiveFeed, source: Arc<LiveCapture>) {
    loop {
        match receiver.next() {
            Ok(frame) => feed.frame(frame),
            Err(error) if error.kind() == io::ErrorKind::TimedOut => {}
            Err(error) => {
                feed.event(format!("capture stopped: {error}"), crate::EventKind::Other);
                break;
            }
        }
        // Only this thread holds the trace: the TUI has gone.
        if Arc::strong_count(&source) == 1 {
            break;
        }
    }
}
