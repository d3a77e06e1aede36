//! An HTTP download on the simulated link: wirelab's HTTP server on host B, its HTTP client
//! on host A, both on the engine, through 2% loss.
//!
//! ```text
//! cargo run --example stack_http_sim
//! ```
//!
//! Host B (10.0.0.2) serves a temporary directory holding `hello.bin` (1 MB); host A
//! (10.0.0.1) downloads it. Each host has an [`Engine`]: the server's acceptor makes an
//! `HttpServer` for every connection, the client is one `HttpClient`. The simulation's
//! virtual time jumps from one event to the next, so the 5 ms link delay and the
//! retransmission timeouts take no real time.

use std::cell::RefCell;
use std::rc::Rc;
use wirelab_stack::engine::http::{Download, HttpClient, HttpServer, Url};
use wirelab_stack::engine::Engine;
use wirelab_stack::sim::{Faults, Sim, SimConfig};
use wirelab_stack::Instant;

/// The body, kept in memory so that the example can compare it with the file.
#[derive(Clone, Default)]
struct Body(Rc<RefCell<Vec<u8>>>);

impl std::io::Write for Body {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() -> std::io::Result<()> {
    let root = std::env::temp_dir().join(format!("wirelab-http-sim-{}", std::process::id()));
    std::fs::create_dir_all(&root)?;
    let content: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(root.join("hello.bin"), &content)?;

    let config = SimConfig {
        faults: Faults {
            loss: 0.02,
            ..Faults::default()
        },
        ..SimConfig::default()
    };
    let mut sim = Sim::two_hosts(&config, None);
    let (mut client, mut server) = (Engine::new(), Engine::new());

    // B: a listening port whose acceptor hands each connection to an HTTP server.
    let served = root.clone();
    server.listen(
        &mut sim.b,
        80,
        Box::new(move |_peer| Box::new(HttpServer::new(served.clone()))),
    );

    // A: one connection with the HTTP client as its handler.
    let url = Url::parse("http://10.0.0.2/hello.bin").expect("a valid URL");
    let download = Rc::new(RefCell::new(Download::default()));
    let body = Body::default();
    let http = HttpClient::new(url.clone(), Box::new(body.clone()), download.clone());
    client.connect(&mut sim.a, sim.now, url.server, Box::new(http));

    // The driver: move frames and time, then let both engines serve their connections.
    let finished = sim.run_until(Instant::from_millis(120_000), |sim| {
        client.service(&mut sim.a);
        server.service(&mut sim.b);
        client.active() == 0
    });
    std::fs::remove_dir_all(&root)?;

    let d = download.borrow();
    println!(
        "finished: {finished}, at {} (virtual time), {} frames",
        sim.now, sim.frames
    );
    println!(
        "status {:?}, Content-Length {:?}, {} body bytes, result {:?}",
        d.status, d.content_length, d.received, d.result
    );
    println!(
        "body identical to the file: {}",
        *body.0.borrow() == content
    );
    Ok(())
}
