//! `wirelab tui`: the terminal UI (the UI itself is the wirelab-tui crate) over one of four
//! traces:
//!
//! ```text
//!   wirelab tui [FILE|-]          a capture file, standard input, or the built-in sample
//!   wirelab tui --demo NAME       a lesson on the simulated link: narration + the stacks' events
//!   wirelab tui --tap NAME ...    wirelab's stack serving on a TAP device, live, with its events
//!   wirelab tui -i IFACE          a network interface, sniffed live (root)
//! ```
//!
//! Whatever can go wrong in starting a trace (an unknown lesson, a TAP device that does not
//! open, an interface without permission) is reported before the terminal is taken over.

use crate::demo::DemoParams;
use crate::input::SAMPLE_PATH;
use crate::stack::{App, DeviceArgs, Service, Setup};
use crate::Failure;
use clap::{ArgGroup, Args};
use std::cell::RefCell;
use std::io::{self, IsTerminal, Read};
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::{mpsc, Arc};
use std::time::Duration;
use wirelab_capture::tap::MemoryDevice;
use wirelab_capture::FrameDevice;
use wirelab_stack::engine::Engine;
use wirelab_stack::tcp::Connection;
use wirelab_tui::{
    CaptureFile, DemoSource, EmbeddedCapture, EventKind, LiveCapture, LiveFeed, TraceSource,
};

#[derive(Args, Debug)]
#[command(group(ArgGroup::new("trace").args(["file", "demo", "tap", "interface"])))]
pub struct TuiArgs {
    /// A pcap or pcapng file; `-` reads standard input; without it (and without --demo,
    /// --tap or -i), the built-in sample.
    #[arg(value_name = "FILE")]
    pub file: Option<String>,
    /// Run a lesson of `wirelab demo` and show its frames with each step's narration and
    /// what the two stacks reported.
    #[arg(long, value_name = "NAME")]
    pub demo: Option<String>,
    #[command(flatten)]
    pub demo_params: DemoParams,
    /// Run wirelab's stack on this TAP device (as `wirelab stack serve`) and show what it
    /// sends and receives, live, with its events.
    #[arg(long, value_name = "NAME", requires_all = ["addr", "app"])]
    pub tap: Option<String>,
    /// With --tap: the stack's IPv4 address and subnet, e.g. 10.77.0.2/24.
    #[arg(long, value_name = "CIDR", requires = "tap")]
    pub addr: Option<String>,
    /// With --tap: where packets for other subnets go.
    #[arg(long, value_name = "IP", requires = "tap")]
    pub gateway: Option<Ipv4Addr>,
    /// With --tap: the service to run.
    #[arg(long, value_enum, requires = "tap")]
    pub app: Option<App>,
    /// With --tap --app http: the directory to serve.
    #[arg(long, value_name = "DIR", requires = "tap")]
    pub root: Option<PathBuf>,
    /// With --tap: the port (default: the service's well-known port).
    #[arg(long, requires = "tap")]
    pub port: Option<u16>,
    /// With --tap: create the TAP device (root only); it disappears when wirelab exits.
    #[arg(long, requires = "tap")]
    pub create: bool,
    /// With --tap: probability (0 to 1) of dropping a frame, on our side, in each direction
    /// (--seed seeds the faults).
    #[arg(long, value_name = "P", default_value_t = 0.0, requires = "tap")]
    pub drop: f64,
    /// With --tap: probability of duplicating a frame.
    #[arg(long, value_name = "P", default_value_t = 0.0, requires = "tap")]
    pub dup: f64,
    /// With --tap: probability of holding a frame back so that the next one overtakes it.
    #[arg(long, value_name = "P", default_value_t = 0.0, requires = "tap")]
    pub reorder: f64,
    /// Capture this network interface live, as `tshark -i` (needs root or CAP_NET_RAW).
    #[arg(short = 'i', long = "interface", value_name = "IFACE")]
    pub interface: Option<String>,
    /// Decrypt TLS with the secrets of this key log (NSS format, as SSLKEYLOGFILE writes):
    /// the TLS pane (`t`) shows the session's master secret, the detail tree the plaintext.
    #[arg(long = "tls-keylog", value_name = "FILE")]
    pub tls_keylog: Option<String>,
}

/// The sample capture, as `wirelab dissect` shows it without a file.
static SAMPLE: &[u8] = include_bytes!("../pcaps/http-ipv4.pcap");

pub fn run(args: &TuiArgs) -> Result<(), Failure> {
    let source: Arc<dyn TraceSource> = if let Some(name) = &args.demo {
        demo_source(name, &args.demo_params)?
    } else if let Some(tap) = &args.tap {
        tap_source(args, tap)?
    } else if let Some(interface) = &args.interface {
        wirelab_tui::sniff_interface(interface).map_err(Failure::Input)?
    } else {
        file_source(args.file.as_deref())?
    };
    // A file that is no capture is reported here, before the screen is taken over.
    wirelab_tui::replay::open(&*source).map_err(Failure::Input)?;
    let secrets = args
        .tls_keylog
        .as_deref()
        .map(crate::tls_dissect::keylog_secrets)
        .transpose()?;
    if !std::io::stdout().is_terminal() {
        return Err(Failure::Usage(
            "wirelab tui draws on a terminal, and standard output is not one; \
             `wirelab dissect` prints to files and pipes"
                .to_string(),
        ));
    }
    let mut app = wirelab_tui::App::new(source);
    // Without --tls-keylog the app keeps the source's own key log (a TLS lesson's).
    if let Some(secrets) = secrets {
        app.secrets = secrets;
    }
    wirelab_tui::run_app(app).map_err(|error| Failure::Input(format!("terminal: {error}")))
}

fn file_source(file: Option<&str>) -> Result<Arc<dyn TraceSource>, Failure> {
    Ok(match file {
        None => Arc::new(EmbeddedCapture::new(SAMPLE_PATH, SAMPLE)),
        Some("-") => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|error| Failure::Input(format!("-: {error}")))?;
            Arc::new(EmbeddedCapture::new("-", bytes))
        }
        Some(path) => Arc::new(
            CaptureFile::open(path).map_err(|error| Failure::Input(format!("{path}: {error}")))?,
        ),
    })
}

/// An unknown lesson is a usage error that lists the lessons there are.
fn demo_source(name: &str, params: &DemoParams) -> Result<Arc<dyn TraceSource>, Failure> {
    match DemoSource::run(name, &params.to_params()) {
        Ok(source) => Ok(Arc::new(source)),
        Err(wirelab_demos::DemoError::UnknownLesson(_)) => Err(Failure::Usage(format!(
            "--demo {name}: no lesson of that name; the lessons are:\n{}",
            crate::demo::lesson_list()
        ))),
        Err(error) => Err(Failure::Usage(format!("--demo {name}: {error}"))),
    }
}

/// Starts the stack on the TAP device in a thread of its own, and waits until it runs (or
/// fails to start: that error is the command's).
fn tap_source(args: &TuiArgs, tap: &str) -> Result<Arc<dyn TraceSource>, Failure> {
    let app = args
        .app
        .ok_or_else(|| Failure::Usage("--tap needs --app".into()))?;
    let addr = args
        .addr
        .clone()
        .ok_or_else(|| Failure::Usage("--tap needs --addr CIDR".into()))?;
    let service = Service::new(app, args.root.as_ref(), args.port)?;
    let device = DeviceArgs {
        tap: tap.to_string(),
        addr: addr.clone(),
        gateway: args.gateway,
        create: args.create,
        pcap: None,
        drop: args.drop,
        dup: args.dup,
        reorder: args.reorder,
        seed: args.demo_params.seed,
        trace: false,
        trace_file: None,
    };
    let ip = addr.split('/').next().unwrap_or_default();
    let (capture, feed) = LiveCapture::new(format!(
        "{tap}: {} on {ip}:{}",
        service.name(),
        service.port
    ));
    let (started, start) = mpsc::channel();
    std::thread::Builder::new()
        .name("wirelab stack".into())
        .spawn(move || run_stack(&device, &service, feed, &started))
        .map_err(|error| {
            Failure::Input(format!(
                "TAP device {tap}: no thread for the stack: {error}"
            ))
        })?;
    match start.recv() {
        Ok(Ok(())) => Ok(capture),
        Ok(Err(failure)) => Err(failure),
        Err(_) => Err(Failure::Input(format!(
            "TAP device {tap}: the stack ended before it started"
        ))),
    }
}

/// The stack's thread: sets up the device (reporting the outcome through `started`), then
/// serves until the device fails. Every frame goes into the live trace, every event of a
/// connection (as `EventKind::Tcp`, with its 4-tuple) and of the interface beside them.
fn run_stack(
    device: &DeviceArgs,
    service: &Service,
    feed: LiveFeed,
    started: &mpsc::Sender<Result<(), Failure>>,
) {
    let mut setup = match Setup::open(device, true) {
        Ok(setup) => setup,
        Err(failure) => {
            let _ = started.send(Err(failure));
            return;
        }
    };
    let feed = Rc::new(RefCell::new(feed));
    let inner = std::mem::replace(&mut setup.device, Box::new(MemoryDevice::new()));
    setup.device = Box::new(FeedRecorder {
        inner,
        feed: feed.clone(),
    });
    let mut engine = Engine::new();
    service.listen(&mut setup.iface, &mut engine, false);
    let observed = feed.clone();
    engine.observer = Some(Box::new(move |connection: &mut Connection| {
        let (local, remote) = (connection.local(), connection.remote());
        let mut feed = observed.borrow_mut();
        while let Some((_, event)) = connection.poll_timed_event() {
            let text = format!("{local} {remote} {event}");
            feed.event(
                text,
                EventKind::Tcp {
                    local,
                    remote,
                    event,
                },
            );
        }
    }));
    let _ = started.send(Ok(()));
    let result = setup.run(&mut engine, None, |iface, _, _| {
        let mut feed = feed.borrow_mut();
        while let Some(event) = iface.poll_event() {
            feed.event(crate::stack::iface_event(&event), EventKind::Other);
        }
        false
    });
    if let Err(failure) = result {
        feed.borrow_mut()
            .event(format!("the stack stopped: {failure}"), EventKind::Other);
    }
    // The last `feed` dropped stops the trace: the TUI shows it ended.
}

/// Puts every frame the stack sends or receives into the live trace.
struct FeedRecorder {
    inner: Box<dyn FrameDevice>,
    feed: Rc<RefCell<LiveFeed>>,
}

impl FrameDevice for FeedRecorder {
    fn send(&mut self, frame: &[u8]) -> io::Result<()> {
        self.feed.borrow_mut().frame(frame);
        self.inner.send(frame)
    }
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        let received = self.inner.recv(buf)?;
        if let Some(frame) = received.and_then(|len| buf.get(..len)) {
            self.feed.borrow_mut().frame(frame);
        }
        Ok(received)
    }
    fn wait(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        self.inner.wait(timeout)
    }
}
