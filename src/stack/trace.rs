//! `--trace`: the stack's events as lines of text, each with its time and connection.

use super::DeviceArgs;
use crate::Failure;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use wirelab_stack::iface::{IfaceEvent, Interface};
use wirelab_stack::tcp::Connection;

/// `--trace`: the stack's events as lines of text, in the order of their times.
pub(super) struct Tracer {
    out: Box<dyn Write>,
    /// Where the lines go, for error messages.
    destination: String,
    /// Lines not yet written, with their time in microseconds. The engine shows the
    /// connections one after the other, so two connections' events arrive out of order:
    /// they wait here to be sorted.
    due: Vec<(u64, String)>,
    /// The first write that failed (the run goes on; the trace is reported broken at the end).
    error: Option<io::Error>,
}

impl Tracer {
    pub(super) fn from_args(args: &DeviceArgs) -> Result<Option<Tracer>, Failure> {
        let (out, destination): (Box<dyn Write>, String) = match &args.trace_file {
            Some(path) => {
                let file = File::create(path)
                    .map_err(|e| Failure::Input(format!("--trace-file {}: {e}", path.display())))?;
                (
                    Box::new(BufWriter::new(file)),
                    format!("--trace-file {}", path.display()),
                )
            }
            None if args.trace => (
                Box::new(BufWriter::new(io::stderr())),
                "--trace (stderr)".to_string(),
            ),
            None => return Ok(None),
        };
        Ok(Some(Tracer {
            out,
            destination,
            due: Vec::new(),
            error: None,
        }))
    }

    /// Takes every event the connection has queued.
    pub(super) fn connection_events(&mut self, connection: &mut Connection) {
        let tuple = format!("{} {}", connection.local(), connection.remote());
        while let Some((at, event)) = connection.poll_timed_event() {
            self.due
                .push((at.total_micros(), format!("{tuple} {event}")));
        }
    }

    pub(super) fn iface_event(&mut self, now: wirelab_stack::Instant, event: &IfaceEvent) {
        self.due.push((now.total_micros(), iface_event(event)));
    }

    /// Takes the interface's events, then writes every line due.
    pub(super) fn write_iface_events(
        &mut self,
        iface: &mut Interface,
        now: wirelab_stack::Instant,
    ) {
        while let Some(event) = iface.poll_event() {
            self.iface_event(now, &event);
        }
        self.write_due();
    }

    /// Writes the lines waiting, oldest first (a stable sort keeps one connection's order).
    pub(super) fn write_due(&mut self) {
        if self.due.is_empty() {
            return;
        }
        self.due.sort_by_key(|&(micros, _)| micros);
        for (micros, line) in self.due.drain(..) {
            let written = writeln!(
                self.out,
                "{:>4}.{:06} {line}",
                micros / 1_000_000,
                micros % 1_000_000
            );
            if let (Err(e), None) = (written, &self.error) {
                self.error = Some(e);
            }
        }
        if let (Err(e), None) = (self.out.flush(), &self.error) {
            self.error = Some(e);
        }
    }

    pub(super) fn finish(&mut self) -> Result<(), Failure> {
        match self.error.take() {
            Some(e) => Err(Failure::Input(format!(
                "{}: the trace could not be written: {e}",
                self.destination
            ))),
            None => Ok(()),
        }
    }
}

/// An event of the interface (no connection's): ARP, ICMP, frames that did not parse.
pub(crate) fn iface_event(event: &IfaceEvent) -> String {
    match event {
        IfaceEvent::FrameDropped { why } => format!("frame dropped: {why}"),
        IfaceEvent::ArpResolved { ip, mac } => format!("arp {ip} is at {mac}"),
        IfaceEvent::Unresolved { ip, dropped } => {
            format!("arp no answer for {ip}: {dropped} packet(s) waiting for it dropped")
        }
        IfaceEvent::EchoReply {
            from,
            ident,
            seq,
            len,
        } => format!("icmp echo reply from {from}: id 0x{ident:04x} seq {seq}, {len} bytes"),
        IfaceEvent::Unreachable { from, code } => {
            format!("icmp destination unreachable from {from}, code {code}")
        }
        IfaceEvent::SynDropped { port } => {
            format!("syn dropped: the SYN queue or backlog of port {port} is full")
        }
        IfaceEvent::NoRoute { dst } => format!("no route to {dst} (off-link, no gateway)"),
        IfaceEvent::FragmentDropped { from, why } => {
            format!("fragment from {from} dropped: {why:?}")
        }
        IfaceEvent::ReassemblyTimedOut { datagrams } => {
            format!("reassembly timed out: {datagrams} datagram(s) incomplete")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::net::{Ipv4Addr, SocketAddrV4};
    use std::rc::Rc;
    use wirelab_stack::tcp::Config;
    use wirelab_stack::wire::EthernetAddress;
    use wirelab_stack::Instant;

    /// A writer whose bytes the test can read after handing it to a tracer.
    #[derive(Clone, Default)]
    struct Shared(Rc<RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn tracer() -> (Tracer, Shared) {
        let shared = Shared::default();
        let tracer = Tracer {
            out: Box::new(shared.clone()),
            destination: "a test".into(),
            due: Vec::new(),
            error: None,
        };
        (tracer, shared)
    }

    fn text(shared: &Shared) -> String {
        String::from_utf8_lossy(&shared.0.borrow()).into_owned()
    }

    #[test]
    fn an_active_open_is_traced_with_its_time_its_four_tuple_and_the_rfc_state_names() {
        let (mut tracer, shared) = tracer();
        let local = SocketAddrV4::new(Ipv4Addr::new(10, 77, 0, 2), 50000);
        let remote = SocketAddrV4::new(Ipv4Addr::new(10, 77, 0, 1), 80);
        let at = Instant::from_micros(1_234_567);
        let mut connection = Connection::connect(Config::default(), local, remote, at);
        tracer.connection_events(&mut connection);
        tracer.write_due();
        let trace = text(&shared);
        assert!(
            trace.starts_with(
                "   1.234567 10.77.0.2:50000 10.77.0.1:80 state CLOSED -> SYN-SENT (active OPEN, snd SYN)\n"
            ),
            "{trace}"
        );
        assert!(
            connection.poll_timed_event().is_none(),
            "the tracer took them all"
        );
    }

    #[test]
    fn lines_of_several_sources_are_written_in_the_order_of_their_times() {
        let (mut tracer, shared) = tracer();
        let ip = Ipv4Addr::new(10, 77, 0, 1);
        let mac = EthernetAddress([2, 0, 0, 0, 0, 1]);
        tracer.iface_event(
            Instant::from_micros(2_000_000),
            &IfaceEvent::NoRoute { dst: ip },
        );
        tracer.iface_event(
            Instant::from_micros(5),
            &IfaceEvent::ArpResolved { ip, mac },
        );
        tracer.write_due();
        assert_eq!(
            text(&shared),
            "   0.000005 arp 10.77.0.1 is at 02:00:00:00:00:01\n   \
             2.000000 no route to 10.77.0.1 (off-link, no gateway)\n"
        );
    }

    #[test]
    fn a_trace_that_cannot_be_written_is_reported_at_the_end_with_its_destination() {
        struct Broken;
        impl Write for Broken {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut tracer = Tracer {
            out: Box::new(Broken),
            destination: "--trace-file t.txt".into(),
            due: Vec::new(),
            error: None,
        };
        let event = IfaceEvent::SynDropped { port: 80 };
        tracer.iface_event(Instant::from_micros(1), &event);
        tracer.write_due();
        match tracer.finish() {
            Err(Failure::Input(why)) => {
                assert!(
                    why.contains("--trace-file t.txt") && why.contains("disk full"),
                    "{why}"
                )
            }
            other => panic!("expected an input error, got {other:?}"),
        }
    }
}
