//! `wirelab tls client` and `wirelab tls server`: TLS 1.2 over the kernel's TCP, every message
//! and secret shown with `--trace`.

use crate::{output_error, Failure};
use clap::{Args, Subcommand, ValueEnum};
use rand::SeedableRng;
use std::fmt::Write as _;
use std::fs::OpenOptions;
use std::io::{self, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use wirelab_tls::apps::{self, App};
use wirelab_tls::blocking;
use wirelab_tls::client::{Client, ClientConfig, Trust};
use wirelab_tls::codec::CipherSuite;
use wirelab_tls::event::Event;
use wirelab_tls::keylog;
use wirelab_tls::keys::SuiteParams;
use wirelab_tls::names_table::CIPHER_SUITES;
use wirelab_tls::server::{Server, ServerConfig};

#[derive(Args, Debug)]
pub struct TlsArgs {
    #[command(subcommand)]
    pub command: TlsCommand,
}

#[derive(Subcommand, Debug)]
pub enum TlsCommand {
    /// Connect to a TLS 1.2 server, print what it sends back.
    Client(ClientArgs),
    /// Accept TLS 1.2 connections and answer them (echo or a small HTTP page).
    Server(ServerArgs),
    /// Both sides of a handshake in memory, wirelab's client against wirelab's server: every
    /// message and every value each side computes, in the order they happen.
    Handshake(HandshakeArgs),
    /// The TLS streams of a capture as trees with Wireshark's tls.* names; with a key log (or
    /// the server's RSA key for an RSA key exchange), Finished and application data decrypted.
    Dissect(crate::tls_dissect::TlsDissectArgs),
}

#[derive(Args, Debug)]
pub struct HandshakeArgs {
    /// The suite, by IANA name (default TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256).
    #[arg(long = "cipher", value_name = "IANA_NAME")]
    pub cipher: Option<String>,
    /// The signature scheme the client offers: rsa_pss_rsae_sha256 (OpenSSL's default) or
    /// rsa_pkcs1_sha256.
    #[arg(long, value_name = "SCHEME", default_value = "rsa_pss_rsae_sha256")]
    pub signature: String,
    /// Leave out the extended master secret (RFC 7627).
    #[arg(long)]
    pub no_ems: bool,
    /// Randomness from this seed (default 1): the same seed gives the same run.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// The server's certificate (PEM) and key (default: the throwaway key of the Illustrated
    /// TLS 1.2 connection, built into wirelab).
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<String>,
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<String>,
}

#[derive(Args, Debug)]
pub struct ClientArgs {
    /// The server, as HOST:PORT.
    #[arg(value_name = "HOST:PORT")]
    pub address: String,
    /// Offer only this suite, by its IANA name, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
    /// (repeatable; default: every suite wirelab implements).
    #[arg(long = "cipher", value_name = "IANA_NAME")]
    pub ciphers: Vec<String>,
    /// The host name to send in server_name and to check the certificate against (default:
    /// HOST, unless it is an IP address).
    #[arg(long, value_name = "NAME")]
    pub servername: Option<String>,
    /// Trust the root certificates in this PEM file.
    #[arg(long, value_name = "FILE", conflicts_with = "insecure")]
    pub ca: Option<String>,
    /// Do not check the server's certificate (anyone in the middle could have sent it).
    #[arg(long)]
    pub insecure: bool,
    /// Append the session's secret to this file in the NSS key log format, so that
    /// Wireshark can decrypt a capture (default: $SSLKEYLOGFILE, if set).
    #[arg(long, value_name = "FILE")]
    pub keylog: Option<String>,
    /// Show every message and every secret as the handshake happens.
    #[arg(long)]
    pub trace: bool,
    /// Send this text after the handshake (\r, \n and \t are understood), then print the reply.
    #[arg(long, value_name = "TEXT")]
    pub send: Option<String>,
    /// Randomness from this seed instead of the operating system: the same seed gives the
    /// same randoms and keys (never do this outside a lesson).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AppChoice {
    /// Send back whatever arrives.
    Echo,
    /// Answer an HTTP/1.x request with a page naming the cipher suite.
    Http,
}

#[derive(Args, Debug)]
pub struct ServerArgs {
    /// The server's certificate chain (PEM), its own certificate first.
    #[arg(long, value_name = "FILE")]
    pub cert: String,
    /// The server's RSA private key (PEM or DER, PKCS#1 or PKCS#8).
    #[arg(long, value_name = "FILE")]
    pub key: String,
    #[arg(long, value_name = "N")]
    pub port: u16,
    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: String,
    /// Accept only this suite, by IANA name (repeatable; the order is the server's preference).
    #[arg(long = "cipher", value_name = "IANA_NAME")]
    pub ciphers: Vec<String>,
    #[arg(long, value_enum, default_value = "echo")]
    pub app: AppChoice,
    #[arg(long)]
    pub trace: bool,
    #[arg(long, value_name = "FILE")]
    pub keylog: Option<String>,
    /// Serve one connection, then exit.
    #[arg(long)]
    pub once: bool,
}

pub fn run(args: &TlsArgs) -> Result<(), Failure> {
    match &args.command {
        TlsCommand::Client(args) => client(args),
        TlsCommand::Server(args) => server(args),
        TlsCommand::Handshake(args) => handshake(args),
        TlsCommand::Dissect(args) => crate::tls_dissect::run(args),
    }
}

/// Suites by IANA name; only those wirelab implements are accepted.
fn suites(names: &[String]) -> Result<Option<Vec<CipherSuite>>, Failure> {
    if names.is_empty() {
        return Ok(None);
    }
    let implemented = || {
        ClientConfig::default()
            .cipher_suites
            .iter()
            .map(|s| format!("  {s}"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    names
        .iter()
        .map(|name| {
            let suite = CIPHER_SUITES
                .iter()
                .find(|(_, known)| known.eq_ignore_ascii_case(name))
                .map(|&(code, _)| CipherSuite(code))
                .ok_or_else(|| {
                    Failure::Usage(format!(
                        "--cipher {name}: not an IANA cipher suite name; wirelab implements:\n{}",
                        implemented()
                    ))
                })?;
            match SuiteParams::of(suite) {
                Some(_) => Ok(suite),
                None => Err(Failure::Usage(format!(
                    "--cipher {name}: a real suite, but not one wirelab implements:\n{}",
                    implemented()
                ))),
            }
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn rng(seed: Option<u64>) -> Box<dyn rand::RngCore + Send> {
    match seed {
        Some(seed) => Box::new(rand_chacha::ChaCha20Rng::seed_from_u64(seed)),
        None => Box::new(rand_chacha::ChaCha20Rng::from_entropy()),
    }
}

/// Undo the escapes of `--send`: `\r`, `\n`, `\t`, `\\`.
fn unescape(text: &str) -> Vec<u8> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('r') => out.push('\r'),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out.into_bytes()
}

/// Writes each event to stdout when tracing, and the session's key log line once its master
/// secret is known.
struct Observer {
    trace: bool,
    keylog: Option<String>,
    client_random: Option<[u8; 32]>,
    error: Option<Failure>,
}

impl Observer {
    fn new(trace: bool, keylog: Option<String>) -> Observer {
        let keylog = keylog.or_else(|| std::env::var("SSLKEYLOGFILE").ok());
        Observer {
            trace,
            keylog,
            client_random: None,
            error: None,
        }
    }

    fn see(&mut self, event: &Event) {
        if self.trace {
            let mut out = io::stdout().lock();
            for (i, line) in event.to_string().lines().enumerate() {
                let _ = writeln!(out, "{} {line}", if i == 0 { "*" } else { " " });
            }
        }
        match event {
            Event::ClientRandom(random) => self.client_random = random.as_slice().try_into().ok(),
            Event::MasterSecret(secret) => {
                if let (Some(path), Some(random)) = (&self.keylog, self.client_random) {
                    let line = keylog::client_random_line(&random, secret);
                    let written = OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(path)
                        .and_then(|mut file| file.write_all(line.as_bytes()));
                    if let Err(error) = written {
                        self.error = Some(Failure::Input(format!("--keylog {path}: {error}")));
                    }
                }
            }
            _ => {}
        }
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn read_file(option: &str, path: &str) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::Input(format!("{option} {path}: {e}")))
}

fn client(args: &ClientArgs) -> Result<(), Failure> {
    let (host, _) = args
        .address
        .rsplit_once(':')
        .ok_or_else(|| Failure::Usage(format!("{}: expected HOST:PORT", args.address)))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let trust = match (&args.ca, args.insecure) {
        (Some(path), _) => Trust::Roots {
            certificates: wirelab_tls::cert::read_pem_chain(&read_file("--ca", path)?)
                .map_err(|e| Failure::Input(format!("--ca {path}: {e}")))?,
            now: now(),
        },
        (None, true) => Trust::Insecure,
        (None, false) => {
            return Err(Failure::Usage(
                "give --ca FILE to check the server's certificate, or --insecure not to".into(),
            ))
        }
    };
    let server_name = args.servername.clone().or_else(|| {
        host.parse::<std::net::IpAddr>()
            .is_err()
            .then(|| host.to_string())
    });
    let mut config = ClientConfig {
        server_name,
        trust,
        ..ClientConfig::default()
    };
    if let Some(suites) = suites(&args.ciphers)? {
        config.cipher_suites = suites;
    }
    let mut stream = TcpStream::connect(&args.address)
        .map_err(|e| Failure::Input(format!("{}: {e}", args.address)))?;
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut client = Client::new(config, rng(args.seed));
    let mut observer = Observer::new(args.trace, args.keylog.clone());
    let mut see = |c: &mut Client| {
        while let Some(event) = c.poll_event() {
            observer.see(&event);
        }
    };
    let failed = |e: blocking::DriveError| Failure::Input(format!("{}: {e}", args.address));
    blocking::handshake(&mut client, &mut stream, &mut see).map_err(failed)?;
    let request = args.send.as_deref().map(unescape).unwrap_or_default();
    let reply = blocking::exchange(&mut client, &mut stream, &request, |_| false, &mut see);
    // A server that just stops talking (a read timeout) has said all it will say.
    let reply = match reply {
        Err(blocking::DriveError::Io(e))
            if e.kind() == io::ErrorKind::WouldBlock || e.kind() == io::ErrorKind::TimedOut =>
        {
            client.take_received()
        }
        other => other.map_err(failed)?,
    };
    client.close();
    let _ = stream.write_all(&client.take_output());
    let mut out = io::stdout().lock();
    out.write_all(&reply).or_else(output_error)?;
    if let Some(error) = observer.error {
        return Err(error);
    }
    Ok(())
}

/// The server's certificate chain and private key from PEM bytes; `names` say which files
/// they came from, for errors.
fn server_identity(cert: &[u8], key: &[u8], names: (&str, &str)) -> Result<ServerConfig, Failure> {
    let key = match wirelab_crypto::rsa::keyfile::read_key(key) {
        Ok(wirelab_crypto::rsa::KeyFile::Private(key)) => key,
        Ok(_) => {
            return Err(Failure::Input(format!(
                "--key {}: a public key; the server needs its private key",
                names.1
            )))
        }
        Err(e) => return Err(Failure::Input(format!("--key {}: {e}", names.1))),
    };
    let chain = wirelab_tls::cert::read_pem_chain(cert)
        .map_err(|e| Failure::Input(format!("--cert {}: {e}", names.0)))?;
    Ok(ServerConfig::new(chain, key))
}

/// The Illustrated TLS 1.2 connection's server certificate and key (MIT licence, see
/// crates/wirelab-tls/tests/data/illustrated-tls12/): throwaway values published for teaching.
static DEMO_CERT: &[u8] =
    include_bytes!("../crates/wirelab-tls/tests/data/illustrated-tls12/server.crt");
static DEMO_KEY: &[u8] =
    include_bytes!("../crates/wirelab-tls/tests/data/illustrated-tls12/server.key");

fn handshake(args: &HandshakeArgs) -> Result<(), Failure> {
    let mut server_config = match (&args.cert, &args.key) {
        (Some(cert), Some(key)) => server_identity(
            &read_file("--cert", cert)?,
            &read_file("--key", key)?,
            (cert, key),
        )?,
        _ => server_identity(DEMO_CERT, DEMO_KEY, ("(built in)", "(built in)"))?,
    };
    let suite = match &args.cipher {
        Some(name) => suites(std::slice::from_ref(name))?.and_then(|s| s.first().copied()),
        None => Some(CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256),
    };
    let scheme = match args.signature.as_str() {
        "rsa_pss_rsae_sha256" => wirelab_tls::codec::SignatureScheme::RSA_PSS_RSAE_SHA256,
        "rsa_pkcs1_sha256" => wirelab_tls::codec::SignatureScheme::RSA_PKCS1_SHA256,
        other => {
            return Err(Failure::Usage(format!(
                "--signature {other}: expected rsa_pss_rsae_sha256 or rsa_pkcs1_sha256"
            )))
        }
    };
    let client_config = ClientConfig {
        cipher_suites: suite.into_iter().collect(),
        signature_schemes: vec![scheme],
        extended_master_secret: !args.no_ems,
        server_name: Some("example.ulfheim.net".to_string()),
        ..ClientConfig::default()
    };
    server_config.extended_master_secret = !args.no_ems;
    let mut client = Client::new(client_config, rng(Some(args.seed)));
    let mut server = Server::new(server_config, rng(Some(args.seed.wrapping_add(1))));
    // The exchange is shown whole, also when it fails part-way: buffered, then written once,
    // so that a closed pipe (`| head`) ends the output quietly as in the other commands.
    let mut out = String::new();
    let played = play_handshake(&mut out, &mut client, &mut server);
    io::stdout()
        .write_all(out.as_bytes())
        .or_else(output_error)?;
    played
}

/// Runs the client and the server against each other in memory, writing what each one saw
/// and the bytes that cross, until neither has anything more to send.
fn play_handshake(
    out: &mut String,
    client: &mut Client,
    server: &mut Server,
) -> Result<(), Failure> {
    loop {
        show_events(out, "client", std::iter::from_fn(|| client.poll_event()));
        let to_server = client.take_output();
        if !to_server.is_empty() {
            let _ = writeln!(
                out,
                "        ──── {} bytes to the server ────>",
                to_server.len()
            );
            let result = server.receive(&to_server);
            show_events(out, "server", std::iter::from_fn(|| server.poll_event()));
            result.map_err(|e| Failure::Input(format!("server: {e}")))?;
        }
        let to_client = server.take_output();
        if !to_client.is_empty() {
            let _ = writeln!(
                out,
                "        <─── {} bytes to the client ─────",
                to_client.len()
            );
            client
                .receive(&to_client)
                .map_err(|e| Failure::Input(format!("client: {e}")))?;
        }
        if to_server.is_empty() && to_client.is_empty() {
            break;
        }
    }
    if !(client.is_established() && server.is_established()) {
        return Err(Failure::Input("the handshake did not complete".into()));
    }
    Ok(())
}

/// Each event on its own lines, the first one marked with who saw it.
fn show_events(out: &mut String, who: &str, events: impl Iterator<Item = Event>) {
    for event in events {
        for (i, line) in event.to_string().lines().enumerate() {
            let (who, mark) = if i == 0 { (who, "*") } else { ("", " ") };
            let _ = writeln!(out, "{who:<7}{mark} {line}");
        }
    }
}

fn server(args: &ServerArgs) -> Result<(), Failure> {
    let mut config = server_identity(
        &read_file("--cert", &args.cert)?,
        &read_file("--key", &args.key)?,
        (&args.cert, &args.key),
    )?;
    if let Some(suites) = suites(&args.ciphers)? {
        config.cipher_suites = suites;
    }
    let app = match args.app {
        AppChoice::Echo => App::Echo,
        AppChoice::Http => App::Http,
    };
    let listener = TcpListener::bind((args.bind.as_str(), args.port))
        .map_err(|e| Failure::Input(format!("{}:{}: {e}", args.bind, args.port)))?;
    eprintln!(
        "listening on {}",
        listener
            .local_addr()
            .map_or_else(|_| args.bind.clone(), |a| a.to_string())
    );
    loop {
        let (mut stream, peer) = listener
            .accept()
            .map_err(|e| Failure::Input(format!("accept: {e}")))?;
        let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
        eprintln!("connection from {peer}");
        let mut server = Server::new(config.clone(), rng(None));
        let mut observer = Observer::new(args.trace, args.keylog.clone());
        if let Err(error) = apps::serve(&mut server, &mut stream, app, |e| observer.see(e)) {
            eprintln!("{peer}: {error}");
        }
        if let Some(error) = observer.error {
            return Err(error);
        }
        if args.once {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn send_text_turns_backslash_r_n_t_into_control_bytes_and_keeps_other_escapes_literal() {
        assert_eq!(
            unescape(r"GET / HTTP/1.0\r\n\r\n"),
            b"GET / HTTP/1.0\r\n\r\n"
        );
        assert_eq!(unescape(r"a\tb\\c\qé\"), "a\tb\\cqé\\".as_bytes());
    }
}
