//! The engine and its applications on the simulated link (virtual time).

use super::apps::{Chargen, Discard, Echo};
use super::http::{Download, HttpClient, HttpServer, Url};
use super::{Engine, Handler, Io};
use crate::sim::{Faults, Sim, SimConfig, ADDR_B};
use crate::Instant;
use std::cell::RefCell;
use std::net::SocketAddrV4;
use std::path::PathBuf;
use std::rc::Rc;

/// Sends `message`, collects what comes back, closes after `expect` bytes.
struct Collector {
    message: Vec<u8>,
    got: Rc<RefCell<Vec<u8>>>,
    expect: usize,
}

impl Handler for Collector {
    fn connected(&mut self, io: &mut Io<'_>) {
        io.write(&self.message);
        if self.expect == 0 {
            io.close();
        }
    }
    fn readable(&mut self, io: &mut Io<'_>) {
        self.got.borrow_mut().extend(io.take_input());
        if self.got.borrow().len() >= self.expect {
            io.close();
        }
    }
}

fn run(sim: &mut Sim, a: &mut Engine, b: &mut Engine, done: impl Fn(&Engine) -> bool) {
    let finished = sim.run_until(Instant::from_millis(600_000), |sim| {
        a.service(&mut sim.a);
        b.service(&mut sim.b);
        done(a)
    });
    assert!(finished, "gave up\n{}", sim.trace_text());
}

fn collect_from(acceptor: fn() -> Box<dyn Handler>, message: &[u8], expect: usize) -> Vec<u8> {
    let mut sim = Sim::two_hosts(&SimConfig::default(), None);
    let (mut client, mut server) = (Engine::new(), Engine::new());
    server.listen(&mut sim.b, 7, Box::new(move |_| acceptor()));
    let got = Rc::new(RefCell::new(Vec::new()));
    let collector = Collector {
        message: message.to_vec(),
        got: got.clone(),
        expect,
    };
    let remote = SocketAddrV4::new(ADDR_B, 7);
    client.connect(&mut sim.a, sim.now, remote, Box::new(collector));
    run(&mut sim, &mut client, &mut server, |a| a.finished == 1);
    got.take()
}

#[test]
fn echo_sends_back_a_megabyte_written_in_one_call() {
    let message: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let echoed = collect_from(|| Box::new(Echo), &message, message.len());
    assert_eq!(echoed, message);
}

#[test]
fn discard_answers_nothing_and_closes_when_the_client_does() {
    let mut sim = Sim::two_hosts(&SimConfig::default(), None);
    let (mut client, mut server) = (Engine::new(), Engine::new());
    server.listen(&mut sim.b, 9, Box::new(|_| Box::new(Discard::default())));
    let got = Rc::new(RefCell::new(Vec::new()));
    let collector = Collector {
        message: vec![7; 100_000],
        got: got.clone(),
        expect: 0,
    };
    client.connect(
        &mut sim.a,
        sim.now,
        SocketAddrV4::new(ADDR_B, 9),
        Box::new(collector),
    );
    run(&mut sim, &mut client, &mut server, |a| a.finished == 1);
    sim.run_until(Instant::from_millis(600_000), |sim| {
        server.service(&mut sim.b);
        server.finished == 1
    });
    assert!(got.borrow().is_empty());
    assert_eq!(server.finished, 1);
}

#[test]
fn chargen_lines_are_72_characters_shifted_by_one_each_line() {
    let first = Chargen::line(0);
    assert_eq!(&first[..10], b" !\"#$%&'()");
    assert_eq!(&first[72..], b"\r\n");
    assert_eq!(Chargen::line(1)[0], b'!');
    assert_eq!(Chargen::line(94)[1], b' ');
    let text = collect_from(|| Box::new(Chargen::default()), b"", 74 * 3);
    assert_eq!(&text[..74], &Chargen::line(0)[..]);
    assert_eq!(&text[74..148], &Chargen::line(1)[..]);
}

fn temp_root(name: &str, content: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wirelab-engine-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    std::fs::write(dir.join("file.bin"), content).expect("writing the file");
    dir
}

fn download(faults: Faults, root: &std::path::Path, path: &str) -> (Download, Vec<u8>) {
    let config = SimConfig {
        faults,
        ..SimConfig::default()
    };
    let mut sim = Sim::two_hosts(&config, None);
    let (mut client, mut server) = (Engine::new(), Engine::new());
    let root = root.to_path_buf();
    server.listen(
        &mut sim.b,
        80,
        Box::new(move |_| Box::new(HttpServer::new(root.clone()))),
    );
    let outcome = Rc::new(RefCell::new(Download::default()));
    let body = SharedBuf::default();
    let url = Url::parse(&format!("http://10.0.0.2{path}")).expect("a URL");
    let http = HttpClient::new(url.clone(), Box::new(body.clone()), outcome.clone());
    client.connect(&mut sim.a, sim.now, url.server, Box::new(http));
    run(&mut sim, &mut client, &mut server, |a| a.finished == 1);
    let d = outcome.borrow().clone();
    let bytes = body.0.borrow().clone();
    (d, bytes)
}

#[derive(Clone, Default)]
struct SharedBuf(Rc<RefCell<Vec<u8>>>);

impl std::io::Write for SharedBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn http_client_downloads_two_megabytes_through_loss_and_duplication_byte_exact() {
    let content: Vec<u8> = (0..2_000_000u32).map(|i| (i * 7 % 256) as u8).collect();
    let root = temp_root("lossy", &content);
    let faults = Faults {
        loss: 0.05,
        duplicate: 0.01,
        ..Faults::default()
    };
    let (d, body) = download(faults, &root, "/file.bin");
    let _ = std::fs::remove_dir_all(&root);
    assert_eq!(d.status, Some(200));
    assert_eq!(d.content_length, Some(2_000_000));
    assert_eq!(d.result, Some(Ok(())));
    assert!(body == content, "the body differs from the file");
}

#[test]
fn http_server_answers_404_for_a_missing_file_and_for_a_path_outside_the_root() {
    let root = temp_root("missing", b"x");
    let (missing, _) = download(Faults::default(), &root, "/nope.bin");
    let (escape, _) = download(Faults::default(), &root, "/../etc/passwd");
    let _ = std::fs::remove_dir_all(&root);
    assert_eq!(missing.status, Some(404));
    assert!(matches!(missing.result, Some(Err(_))));
    assert_eq!(escape.status, Some(404));
}

#[test]
fn urls_without_an_ipv4_host_or_with_a_bad_port_are_rejected_with_the_reason() {
    let url = Url::parse("http://10.77.0.1:8000/big.bin").expect("valid");
    assert_eq!(url.server, "10.77.0.1:8000".parse().expect("an address"));
    assert_eq!(url.path, "/big.bin");
    assert_eq!(Url::parse("http://10.0.0.1").expect("valid").path, "/");
    let no_dns = Url::parse("http://example.com/").expect_err("no DNS");
    assert!(no_dns.contains("not an IPv4 address"), "{no_dns}");
    let bad_port = Url::parse("http://10.0.0.1:99999/").expect_err("bad port");
    assert!(bad_port.contains("99999"), "{bad_port}");
    assert!(Url::parse("https://10.0.0.1/").is_err());
}

#[test]
fn http_server_answers_head_then_get_on_one_kept_alive_connection_and_closes_when_asked() {
    let root = temp_root("keepalive", b"twelve bytes");
    let mut sim = Sim::two_hosts(&SimConfig::default(), None);
    let (mut client, mut server) = (Engine::new(), Engine::new());
    let served = root.clone();
    server.listen(
        &mut sim.b,
        80,
        Box::new(move |_| Box::new(HttpServer::new(served.clone()))),
    );
    let got = Rc::new(RefCell::new(Vec::new()));
    let requests = "HEAD /file.bin HTTP/1.1\r\nHost: 10.0.0.2\r\n\r\n\
                    GET /file.bin HTTP/1.1\r\nHost: 10.0.0.2\r\nConnection: close\r\n\r\n";
    let collector = Collector {
        message: requests.as_bytes().to_vec(),
        got: got.clone(),
        expect: usize::MAX,
    };
    client.connect(
        &mut sim.a,
        sim.now,
        SocketAddrV4::new(ADDR_B, 80),
        Box::new(collector),
    );
    run(&mut sim, &mut client, &mut server, |a| a.finished == 1);
    let _ = std::fs::remove_dir_all(&root);
    let text = String::from_utf8(got.take()).expect("ASCII");
    let head = "HTTP/1.1 200 OK\r\nServer: wirelab\r\nContent-Type: application/octet-stream\r\n\
                Content-Length: 12\r\n";
    assert_eq!(
        text,
        format!(
            "{head}Connection: keep-alive\r\n\r\n\
             {head}Connection: close\r\n\r\ntwelve bytes"
        )
    );
}

#[test]
fn http_server_answers_501_to_post_and_400_to_a_request_line_without_a_version_then_closes() {
    let root = temp_root("errors", b"x");
    let mut sim = Sim::two_hosts(&SimConfig::default(), None);
    let (mut client, mut server) = (Engine::new(), Engine::new());
    let served = root.clone();
    server.listen(
        &mut sim.b,
        80,
        Box::new(move |_| Box::new(HttpServer::new(served.clone()))),
    );
    let got = Rc::new(RefCell::new(Vec::new()));
    let requests = "POST /file.bin HTTP/1.1\r\nHost: 10.0.0.2\r\n\r\nnonsense\r\n\r\n";
    let collector = Collector {
        message: requests.as_bytes().to_vec(),
        got: got.clone(),
        expect: usize::MAX,
    };
    client.connect(
        &mut sim.a,
        sim.now,
        SocketAddrV4::new(ADDR_B, 80),
        Box::new(collector),
    );
    run(&mut sim, &mut client, &mut server, |a| a.finished == 1);
    let _ = std::fs::remove_dir_all(&root);
    let text = String::from_utf8(got.take()).expect("ASCII");
    let statuses: Vec<&str> = text.lines().filter(|l| l.starts_with("HTTP/1.1")).collect();
    assert_eq!(
        statuses,
        ["HTTP/1.1 501 Not Implemented", "HTTP/1.1 400 Bad Request"]
    );
    assert!(
        text.ends_with("Connection: close\r\n\r\n400 Bad Request\n"),
        "{text}"
    );
}
