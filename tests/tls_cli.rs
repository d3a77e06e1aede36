//! `wirelab tls client` and `wirelab tls server` as a user runs them: against OpenSSL and curl
//! on loopback, a key log that lets tshark decrypt a capture of the session, and clear errors
//! for bad command lines. Tests needing openssl, curl, tcpdump, tshark or root skip with the
//! reason printed, and fail under CI=true.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

fn wirelab() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wirelab"))
}

fn have(program: &str, why: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        || Command::new(program)
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{program} is missing under CI=true ({why})");
        }
        eprintln!("skipped: {program} is not installed ({why})");
    }
    found
}

fn is_root() -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    if !root {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("not root under CI=true: capturing on loopback needs root");
        }
        eprintln!("skipped: capturing on loopback needs root");
    }
    root
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wirelab-tls-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn key_and_cert(dir: &Path) -> (PathBuf, PathBuf) {
    let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-days",
            "1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    (key, cert)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `openssl s_server -www` (a page describing the session) for one connection.
fn s_server(key: &Path, cert: &Path, port: u16) -> Child {
    let mut child = Command::new("openssl")
        .args(["s_server", "-tls1_2", "-www", "-naccept", "1", "-accept"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-key")
        .arg(key)
        .arg("-cert")
        .arg(cert)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while let Some(Ok(line)) = lines.next() {
        if line.starts_with("ACCEPT") {
            break;
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    child
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn a_client_must_say_whom_to_trust() {
    let output = wirelab()
        .args(["tls", "client", "127.0.0.1:1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output).contains("give --ca FILE"),
        "{}",
        text(&output)
    );
}

#[test]
fn an_unknown_or_unimplemented_suite_is_refused_with_the_list_of_implemented_ones() {
    let output = wirelab()
        .args([
            "tls",
            "client",
            "127.0.0.1:1",
            "--insecure",
            "--cipher",
            "TLS_RSA_WITH_RC4_128_MD5",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let message = text(&output);
    assert!(message.contains("not one wirelab implements"), "{message}");
    assert!(
        message.contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
        "{message}"
    );
    let output = wirelab()
        .args([
            "tls",
            "client",
            "127.0.0.1:1",
            "--insecure",
            "--cipher",
            "NOT_A_SUITE",
        ])
        .output()
        .unwrap();
    assert!(text(&output).contains("not an IANA cipher suite name"));
}

#[test]
fn a_server_without_its_certificate_file_says_which_file() {
    let output = wirelab()
        .args([
            "tls",
            "server",
            "--cert",
            "/nonexistent/c.pem",
            "--key",
            "/nonexistent/k.pem",
            "--port",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output).contains("--cert /nonexistent/c.pem: No such file"),
        "{}",
        text(&output)
    );
}

#[test]
fn the_client_fetches_a_page_from_openssl_and_its_key_log_lets_tshark_decrypt_the_capture() {
    if !have("openssl", "the server")
        || !have("tcpdump", "the capture")
        || !have("tshark", "the decryption")
        || !is_root()
    {
        return;
    }
    let dir = scratch("keylog");
    let (key, cert) = key_and_cert(&dir);
    let port = free_port();
    let mut server = s_server(&key, &cert, port);
    let capture = dir.join("session.pcap");
    let mut tcpdump = Command::new("tcpdump")
        // --immediate-mode: hand each packet over at once, not when a buffer block fills (a
        // stop would lose what is still in the kernel). -Z root: tcpdump would otherwise drop
        // to its own user before creating the file, which may not write into our directory.
        .args(["-i", "lo", "--immediate-mode", "-Z", "root", "-w"])
        .arg(&capture)
        .args(["tcp", "port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // tcpdump says "listening on lo" as it starts; give it a moment more to really capture.
    let mut stderr = BufReader::new(tcpdump.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    std::thread::sleep(Duration::from_secs(1));
    let keylog = dir.join("keys.log");
    let output = wirelab()
        .args([
            "tls",
            "client",
            &format!("127.0.0.1:{port}"),
            "--insecure",
            "--keylog",
        ])
        .arg(&keylog)
        .args(["--send", "GET / HTTP/1.0\\r\\n\\r\\n"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        String::from_utf8_lossy(&output.stdout).starts_with("HTTP/1.0 200 ok"),
        "{}",
        text(&output)
    );
    std::thread::sleep(Duration::from_millis(500));
    let _ = Command::new("kill")
        .arg("-INT")
        .arg(tcpdump.id().to_string())
        .status();
    let _ = tcpdump.wait();
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stderr, &mut rest);

    let _ = server.kill();
    let _ = server.wait();
    let log = std::fs::read_to_string(&keylog).unwrap();
    assert!(log.starts_with("CLIENT_RANDOM "), "{log}");
    let decrypted = Command::new("tshark")
        .arg("-r")
        .arg(&capture)
        .args(["-o", &format!("tls.keylog_file:{}", keylog.display())])
        .args([
            "-d",
            &format!("tcp.port=={port},tls"),
            "-Y",
            "http.request",
            "-T",
            "fields",
            "-e",
            "http.request.method",
            "-e",
            "http.request.uri",
        ])
        .output()
        .unwrap();
    // Only the decrypted request is HTTP to tshark: s_server's reply has no Content-Length
    // and ends with the connection, which tshark's TLS layer does not pass on to HTTP.
    let frames = Command::new("tshark")
        .arg("-r")
        .arg(&capture)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&decrypted.stdout).trim(),
        "GET\t/",
        "{}\n{}\n{log}\n{line}{rest}",
        text(&decrypted),
        text(&frames)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_server_answers_curl_with_a_page_naming_the_suite() {
    if !have("openssl", "the certificate") || !have("curl", "the client") {
        return;
    }
    let dir = scratch("server");
    let (key, cert) = key_and_cert(&dir);
    let port = free_port();
    let mut server = wirelab()
        .args([
            "tls",
            "server",
            "--app",
            "http",
            "--once",
            "--port",
            &port.to_string(),
        ])
        .arg("--cert")
        .arg(&cert)
        .arg("--key")
        .arg(&key)
        .args(["--cipher", "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(server.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.starts_with("listening on 127.0.0.1:"), "{line}");
    let output = Command::new("curl")
        .args(["-sS", "-k", "--tlsv1.2", "--tls-max", "1.2"])
        .arg(format!("https://127.0.0.1:{port}/lesson"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    let page = String::from_utf8_lossy(&output.stdout);
    assert!(page.contains("GET /lesson HTTP/1.1"), "{page}");
    assert!(
        page.contains("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256"),
        "{page}"
    );
    assert!(server.wait().unwrap().success());
    let _ = std::fs::remove_dir_all(&dir);
}
