//! Handshake messages (RFC 5246 §7.4) and how they ride in records.
//!
//! ```text
//!  struct {
//!      HandshakeType msg_type;    1 byte
//!      uint24 length;             3 bytes
//!      select (HandshakeType) { … } body;
//!  } Handshake;
//! ```
//!
//! Handshake messages are a stream of their own inside the handshake records: one record can
//! hold several messages (a server's ServerHello, Certificate, ServerKeyExchange and
//! ServerHelloDone often share one), and one message can span several records (a long
//! certificate chain). [`HandshakeBuffer`] joins the records' fragments and cuts out messages.

use super::enums::{CipherSuite, ClientCertificateType, HandshakeType, SignatureScheme};
use super::hello::{ClientHello, ServerHello};
use super::kx::{ClientKeyExchange, DigitallySigned, KeyExchange, ServerKeyExchange};
use super::reader::{DecodeError, Reader, Writer};

/// The header of a handshake message: type and 24-bit length.
pub const HEADER_LEN: usize = 4;
/// The longest handshake message accepted: a certificate chain can be large, but a peer that
/// announces 16 MiB is not sending a certificate chain. (rustls allows 64 KiB by default.)
pub const MAX_MESSAGE_LEN: usize = 1 << 18;

/// A decoded handshake message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handshake {
    HelloRequest,
    ClientHello(ClientHello),
    ServerHello(ServerHello),
    /// The certificate chain, sender's own first (RFC 5246 §7.4.2), each in DER.
    Certificate(Vec<Vec<u8>>),
    ServerKeyExchange(ServerKeyExchange),
    CertificateRequest(CertificateRequest),
    ServerHelloDone,
    CertificateVerify(DigitallySigned),
    ClientKeyExchange(ClientKeyExchange),
    /// verify_data: 12 bytes for every TLS 1.2 suite (RFC 5246 §7.4.9).
    Finished(Vec<u8>),
    /// RFC 5077 §3.3.
    NewSessionTicket {
        lifetime_hint: u32,
        ticket: Vec<u8>,
    },
    /// A message this crate does not decode (a TLS 1.3 one, or an unknown type), as sent.
    Other(HandshakeType, Vec<u8>),
}

/// RFC 5246 §7.4.4.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRequest {
    pub certificate_types: Vec<ClientCertificateType>,
    pub signature_schemes: Vec<SignatureScheme>,
    /// Distinguished names of acceptable CAs, each in DER.
    pub authorities: Vec<Vec<u8>>,
}

/// What decoding a message needs to know from earlier ones: the key exchange decides the
/// shape of the key-exchange messages.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Context {
    pub suite: Option<CipherSuite>,
}

impl Context {
    fn key_exchange(&self) -> Option<KeyExchange> {
        self.suite.and_then(KeyExchange::of)
    }
}

impl Handshake {
    pub fn handshake_type(&self) -> HandshakeType {
        match self {
            Handshake::HelloRequest => HandshakeType::HELLO_REQUEST,
            Handshake::ClientHello(_) => HandshakeType::CLIENT_HELLO,
            Handshake::ServerHello(_) => HandshakeType::SERVER_HELLO,
            Handshake::Certificate(_) => HandshakeType::CERTIFICATE,
            Handshake::ServerKeyExchange(_) => HandshakeType::SERVER_KEY_EXCHANGE,
            Handshake::CertificateRequest(_) => HandshakeType::CERTIFICATE_REQUEST,
            Handshake::ServerHelloDone => HandshakeType::SERVER_HELLO_DONE,
            Handshake::CertificateVerify(_) => HandshakeType::CERTIFICATE_VERIFY,
            Handshake::ClientKeyExchange(_) => HandshakeType::CLIENT_KEY_EXCHANGE,
            Handshake::Finished(_) => HandshakeType::FINISHED,
            Handshake::NewSessionTicket { .. } => HandshakeType::NEW_SESSION_TICKET,
            Handshake::Other(t, _) => *t,
        }
    }

    /// Decode one whole message, header included. `offset` is where it starts in the
    /// handshake stream, for error messages.
    pub fn decode(
        message: &[u8],
        offset: usize,
        context: Context,
    ) -> Result<Handshake, DecodeError> {
        let mut r = Reader::at(message, offset);
        let msg_type = HandshakeType(r.u8("Handshake.msg_type")?);
        let mut body = r.sub(3, "Handshake.body")?;
        r.expect_end("Handshake")?;
        let kx = context.key_exchange();
        let message = match msg_type {
            HandshakeType::HELLO_REQUEST => Handshake::HelloRequest,
            HandshakeType::CLIENT_HELLO => Handshake::ClientHello(ClientHello::read(&mut body)?),
            HandshakeType::SERVER_HELLO => Handshake::ServerHello(ServerHello::read(&mut body)?),
            HandshakeType::CERTIFICATE if !is_tls13(kx) => {
                let mut list = body.sub(3, "Certificate.certificate_list")?;
                let mut chain = Vec::new();
                while !list.is_empty() {
                    chain.push(list.vector(3, "ASN.1Cert")?.to_vec());
                }
                Handshake::Certificate(chain)
            }
            HandshakeType::SERVER_KEY_EXCHANGE => {
                Handshake::ServerKeyExchange(ServerKeyExchange::read(&mut body, kx)?)
            }
            HandshakeType::CERTIFICATE_REQUEST if !is_tls13(kx) => {
                Handshake::CertificateRequest(read_certificate_request(&mut body)?)
            }
            HandshakeType::SERVER_HELLO_DONE => Handshake::ServerHelloDone,
            HandshakeType::CERTIFICATE_VERIFY => {
                Handshake::CertificateVerify(DigitallySigned::read(&mut body)?)
            }
            HandshakeType::CLIENT_KEY_EXCHANGE => {
                Handshake::ClientKeyExchange(ClientKeyExchange::read(&mut body, kx)?)
            }
            HandshakeType::FINISHED => Handshake::Finished(body.rest().to_vec()),
            HandshakeType::NEW_SESSION_TICKET if !is_tls13(kx) => Handshake::NewSessionTicket {
                lifetime_hint: body.u32("NewSessionTicket.ticket_lifetime_hint")?,
                ticket: body.vector(2, "NewSessionTicket.ticket")?.to_vec(),
            },
            other => Handshake::Other(other, body.rest().to_vec()),
        };
        body.expect_end("Handshake.body")?;
        Ok(message)
    }

    /// The whole message as sent: type, length, body.
    pub fn encode(&self, out: &mut Vec<u8>) {
        out.u8(self.handshake_type().0);
        out.vector(3, |body| match self {
            Handshake::HelloRequest | Handshake::ServerHelloDone => {}
            Handshake::ClientHello(hello) => hello.encode(body),
            Handshake::ServerHello(hello) => hello.encode(body),
            Handshake::Certificate(chain) => body.vector(3, |list| {
                for certificate in chain {
                    list.vector(3, |c| c.bytes(certificate));
                }
            }),
            Handshake::ServerKeyExchange(ske) => ske.encode(body),
            Handshake::CertificateRequest(request) => {
                body.vector(1, |t| {
                    request.certificate_types.iter().for_each(|c| t.u8(c.0))
                });
                body.vector(2, |s| {
                    request.signature_schemes.iter().for_each(|c| s.u16(c.0))
                });
                body.vector(2, |list| {
                    for name in &request.authorities {
                        list.vector(2, |n| n.bytes(name));
                    }
                });
            }
            Handshake::CertificateVerify(signed) => signed.encode(body),
            Handshake::ClientKeyExchange(cke) => cke.encode(body),
            Handshake::Finished(verify_data) => body.bytes(verify_data),
            Handshake::NewSessionTicket {
                lifetime_hint,
                ticket,
            } => {
                body.u32(*lifetime_hint);
                body.vector(2, |t| t.bytes(ticket));
            }
            Handshake::Other(_, bytes) => body.bytes(bytes),
        });
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }
}

fn is_tls13(kx: Option<KeyExchange>) -> bool {
    kx == Some(KeyExchange::Tls13)
}

fn read_certificate_request(r: &mut Reader<'_>) -> Result<CertificateRequest, DecodeError> {
    let certificate_types = r
        .vector(1, "CertificateRequest.certificate_types")?
        .iter()
        .map(|&t| ClientCertificateType(t))
        .collect();
    let mut schemes = r.sub(2, "CertificateRequest.supported_signature_algorithms")?;
    let mut signature_schemes = Vec::new();
    while !schemes.is_empty() {
        signature_schemes.push(SignatureScheme(schemes.u16("SignatureAndHashAlgorithm")?));
    }
    let mut names = r.sub(2, "CertificateRequest.certificate_authorities")?;
    let mut authorities = Vec::new();
    while !names.is_empty() {
        authorities.push(names.vector(2, "DistinguishedName")?.to_vec());
    }
    Ok(CertificateRequest {
        certificate_types,
        signature_schemes,
        authorities,
    })
}

/// Joins the fragments of handshake records and cuts out whole messages, raw: the transcript
/// hash (RFC 5246 §7.4.9) needs each message's bytes exactly as sent.
#[derive(Clone, Debug, Default)]
pub struct HandshakeBuffer {
    pending: Vec<u8>,
    /// Offset of `pending[0]` in this direction's handshake stream.
    consumed: usize,
}

impl HandshakeBuffer {
    pub fn new() -> HandshakeBuffer {
        HandshakeBuffer::default()
    }

    /// Add a handshake record's fragment.
    pub fn push(&mut self, fragment: &[u8]) {
        self.pending.extend_from_slice(fragment);
    }

    /// The next whole message (header included) and its offset in the handshake stream.
    pub fn next_message(&mut self) -> Result<Option<(Vec<u8>, usize)>, DecodeError> {
        if self.pending.len() < HEADER_LEN {
            return Ok(None);
        }
        let len =
            u32::from_be_bytes([0, self.pending[1], self.pending[2], self.pending[3]]) as usize;
        if len > MAX_MESSAGE_LEN {
            return Err(DecodeError {
                offset: self.consumed + 1,
                context: "Handshake.length",
                expected: format!("at most {MAX_MESSAGE_LEN} bytes"),
                found: format!("{len}"),
            });
        }
        if self.pending.len() < HEADER_LEN + len {
            return Ok(None);
        }
        let message: Vec<u8> = self.pending.drain(..HEADER_LEN + len).collect();
        let offset = self.consumed;
        self.consumed += message.len();
        Ok(Some((message, offset)))
    }

    /// Whether part of a message is waiting for the next record. A change of keys (a
    /// ChangeCipherSpec) in the middle of a message is a protocol error (RFC 5246 §7.1).
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}
