//! MQTT 3.1.1 and 5.0 control packets (OASIS MQTT Version 3.1.1 and Version 5.0), over one
//! direction of a reassembled TCP stream.
//!
//! ```text
//!  byte 0      type (4 bits) | flags (4 bits: DUP, QoS, QoS, RETAIN for PUBLISH)   §2.2.1, §2.2.2
//!  bytes 1..5  remaining length: 7 bits a byte, high bit = "more bytes follow"      §2.2.3
//!  then        variable header (packet identifier, in MQTT 5 properties)            §2.3
//!  then        payload (client id, topic filters, the application message…)         §3.x.3
//! ```
//!
//! Section numbers without a version are the same in both specifications; "5.0 §…" marks what
//! only MQTT 5.0 has. MQTT 5.0 packets carry a properties block (5.0 §2.2.2) that MQTT 3.1.1
//! packets lack, and only the CONNECT tells which version a connection speaks: see [`Session`].

mod fields;

pub use fields::*;

use super::{set_columns, text_of, AppError, Placement};
use std::ops::Range;
use wirelab_wire::{Dissection, FieldDef, Value};

/// Packet types (MQTT 3.1.1 §2.2.1, 5.0 §2.1.2).
const CONNECT: u8 = 1;
const CONNACK: u8 = 2;
const PUBLISH: u8 = 3;
const PUBACK: u8 = 4;
const PUBREC: u8 = 5;
const PUBREL: u8 = 6;
const PUBCOMP: u8 = 7;
const SUBSCRIBE: u8 = 8;
const SUBACK: u8 = 9;
const UNSUBSCRIBE: u8 = 10;
const UNSUBACK: u8 = 11;
const DISCONNECT: u8 = 14;
const AUTH: u8 = 15;

/// The remaining length takes at most this many bytes (MQTT 3.1.1 §2.2.3).
const MAX_LENGTH_BYTES: usize = 4;

/// What one MQTT connection has said so far that later packets need: the protocol version from
/// its CONNECT. Keep one per TCP stream (both directions) and show it every message in order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Session {
    version: Option<u8>,
}

impl Session {
    /// The protocol level of the connection's CONNECT (4: MQTT 3.1.1, 5: MQTT 5.0), once seen.
    pub fn version(&self) -> Option<u8> {
        self.version
    }

    /// Take note of one whole message of the stream: a CONNECT sets the version.
    pub fn observe(&mut self, message: &[u8]) {
        if let Some(version) = connect_version(message) {
            self.version = Some(version);
        }
    }

    fn is_v5(&self) -> bool {
        self.version == Some(5)
    }
}

/// The protocol level of a CONNECT packet (MQTT 3.1.1 §3.1.2.2), or `None` for anything else.
fn connect_version(message: &[u8]) -> Option<u8> {
    if message.first()? >> 4 != CONNECT {
        return None;
    }
    let (_, length_bytes) = remaining_length(message).ok()??;
    let mut r = Reader::new(message, 1 + length_bytes, message.len());
    r.prefixed().ok()?; // the protocol name, "MQTT"
    r.u8().ok()
}

/// The remaining length and how many bytes it took (MQTT 3.1.1 §2.2.3): `Ok(None)` when the
/// bytes end inside it.
pub(crate) fn remaining_length(bytes: &[u8]) -> Result<Option<(u64, usize)>, AppError> {
    let mut value = 0u64;
    for i in 0..MAX_LENGTH_BYTES {
        let Some(&b) = bytes.get(1 + i) else {
            return Ok(None);
        };
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Ok(Some((value, i + 1)));
        }
    }
    Err(AppError::new(
        1 + MAX_LENGTH_BYTES,
        "the end of the remaining length within 4 bytes (MQTT 3.1.1 §2.2.3)",
        "a fourth byte with its continuation bit set",
    ))
}

/// The length of the first complete control packet at the start of `bytes`; `Ok(None)` when
/// more bytes are needed.
pub fn message_len(bytes: &[u8]) -> Result<Option<usize>, AppError> {
    let Some(&first) = bytes.first() else {
        return Ok(None);
    };
    if first >> 4 == 0 {
        return Err(AppError::new(
            0,
            "a control packet type from 1 to 15 (MQTT 3.1.1 §2.2.1)",
            "type 0, which is reserved",
        ));
    }
    let Some((remaining, length_bytes)) = remaining_length(bytes)? else {
        return Ok(None);
    };
    // At most 268,435,455 + 5: no overflow.
    let total = 1 + length_bytes + remaining as usize;
    Ok((total <= bytes.len()).then_some(total))
}

/// Add the `mqtt` layer for one whole control packet, reading the version from the packet
/// itself if it is a CONNECT and assuming MQTT 3.1.1 otherwise (see [`dissect_in`]).
pub fn dissect(message: &[u8], frame_offset: Option<usize>, d: &mut Dissection) {
    let mut session = Session::default();
    session.observe(message);
    dissect_in(message, frame_offset, &session, d);
}

/// Add the `mqtt` layer for one whole control packet of a connection whose `session` has seen
/// the messages before it (and this one, if it is the CONNECT).
pub fn dissect_in(
    message: &[u8],
    frame_offset: Option<usize>,
    session: &Session,
    d: &mut Dissection,
) {
    let place = Placement::new(frame_offset);
    let layer = d.open(&MQTT, place.range(0..message.len()), Value::None);
    let mut info = String::new();
    let packet_type = message.first().map(|b| b >> 4);
    let name = packet_type
        .and_then(|t| MSGTYPE.name_of(u64::from(t)))
        .unwrap_or("Unknown");
    d.set_title(
        layer,
        format_args!("MQ Telemetry Transport Protocol, {name}"),
    );
    let mut packet = Packet {
        message,
        place,
        v5: session.is_v5(),
        info: &mut info,
    };
    if let Err(error) = packet.dissect(d) {
        d.set_malformed("mqtt", place.offset(error.offset), error.to_string());
    }
    d.close();
    set_columns(d, "MQTT", format_args!("{name}{info}"));
}

/// One control packet being dissected.
struct Packet<'a, 'i> {
    message: &'a [u8],
    place: Placement,
    v5: bool,
    /// What the Info column shows after the packet type's name.
    info: &'i mut String,
}

impl Packet<'_, '_> {
    fn dissect(&mut self, d: &mut Dissection) -> Result<(), AppError> {
        let Some(&first) = self.message.first() else {
            return Err(AppError::new(0, "a fixed header", "no bytes"));
        };
        let (packet_type, flags) = (first >> 4, first & 0x0f);
        let flags_item = d.open(&HDRFLAGS, self.place.range(0..1), Value::UInt(first.into()));
        d.add(
            &MSGTYPE,
            self.place.range(0..1),
            Value::UInt(packet_type.into()),
        );
        if packet_type == PUBLISH {
            d.add(
                &DUPFLAG,
                self.place.range(0..1),
                Value::Bool(flags & 0x08 != 0),
            );
            d.add(
                &QOS,
                self.place.range(0..1),
                Value::UInt(((flags >> 1) & 3).into()),
            );
            d.add(
                &RETAIN,
                self.place.range(0..1),
                Value::Bool(flags & 0x01 != 0),
            );
        } else {
            d.add(
                &HDR_RESERVED,
                self.place.range(0..1),
                Value::UInt(flags.into()),
            );
        }
        d.close();
        let name = MSGTYPE.name_of(packet_type.into()).unwrap_or("Unknown");
        d.set_title(
            flags_item,
            format_args!("Header Flags: 0x{first:02x}, Message Type: {name}"),
        );

        let Some((remaining, length_bytes)) = remaining_length(self.message)? else {
            return Err(AppError::new(
                self.message.len(),
                "the remaining length",
                "the end of the packet",
            ));
        };
        let body_start = 1 + length_bytes;
        d.add(
            &LEN,
            self.place.range(1..body_start),
            Value::UInt(remaining),
        );
        let declared_end = body_start.saturating_add(remaining as usize);
        if declared_end > self.message.len() {
            return Err(AppError::new(
                self.message.len(),
                format!("{remaining} bytes after the fixed header (MQTT 3.1.1 §2.2.3)"),
                format!("{}", self.message.len() - body_start),
            ));
        }
        let mut r = Reader::new(self.message, body_start, declared_end);
        match packet_type {
            CONNECT => self.connect(&mut r, d),
            CONNACK => self.connack(&mut r, d),
            PUBLISH => self.publish(&mut r, (flags >> 1) & 3, d),
            PUBACK | PUBREC | PUBREL | PUBCOMP => self.acknowledgement(&mut r, packet_type, d),
            SUBSCRIBE | SUBACK | UNSUBSCRIBE | UNSUBACK => {
                self.subscription(&mut r, packet_type, d)
            }
            DISCONNECT | AUTH if self.v5 && r.remaining() > 0 => {
                let reason = if packet_type == AUTH {
                    &AUTH_REASON
                } else {
                    &DISCONNECT_REASON
                };
                self.uint8(&mut r, reason, d)?;
                if r.remaining() > 0 {
                    self.properties(&mut r, &PROPERTIES, d)?;
                }
                Ok(())
            }
            // PINGREQ, PINGRESP, and DISCONNECT in MQTT 3.1.1: a fixed header only.
            _ => Ok(()),
        }
    }

    /// CONNECT (MQTT 3.1.1 §3.1, 5.0 §3.1): the one packet that says which version is spoken.
    fn connect(&mut self, r: &mut Reader, d: &mut Dissection) -> Result<(), AppError> {
        self.string(r, &PROTO_LEN, &PROTONAME, d)?;
        let version = self.uint8(r, &VER, d)?;
        // The CONNECT's own level decides how it is read, whatever the session assumed.
        self.v5 = version == 5;
        let (at, flags) = (r.at, r.u8()?);
        let item = d.open(
            &CONFLAGS,
            self.place.range(at..at + 1),
            Value::UInt(flags.into()),
        );
        let bit = |mask: u8| Value::Bool(flags & mask != 0);
        let here = self.place.range(at..at + 1);
        d.add(&CONFLAG_UNAME, here.clone(), bit(0x80));
        d.add(&CONFLAG_PASSWD, here.clone(), bit(0x40));
        d.add(&CONFLAG_RETAIN, here.clone(), bit(0x20));
        d.add(
            &CONFLAG_QOS,
            here.clone(),
            Value::UInt(((flags >> 3) & 3).into()),
        );
        d.add(&CONFLAG_WILLFLAG, here.clone(), bit(0x04));
        d.add(&CONFLAG_CLEANSESS, here.clone(), bit(0x02));
        d.add(&CONFLAG_RESERVED, here, bit(0x01));
        d.close();
        d.set_title(item, format_args!("Connect Flags: 0x{flags:02x}"));
        self.uint16(r, &KALIVE, d)?;
        if self.v5 {
            self.properties(r, &PROPERTIES, d)?;
        }
        self.string(r, &CLIENTID_LEN, &CLIENTID, d)?;
        if flags & 0x04 != 0 {
            if self.v5 {
                self.properties(r, &WILL_PROPERTIES, d)?;
            }
            self.string(r, &WILLTOPIC_LEN, &WILLTOPIC, d)?;
            let len = self.uint16(r, &WILLMSG_LEN, d)?;
            self.bytes(r, &WILLMSG, len.into(), d)?;
        }
        if flags & 0x80 != 0 {
            self.string(r, &USERNAME_LEN, &USERNAME, d)?;
        }
        if flags & 0x40 != 0 {
            self.string(r, &PASSWD_LEN, &PASSWD, d)?;
        }
        Ok(())
    }

    /// CONNACK (MQTT 3.1.1 §3.2, 5.0 §3.2).
    fn connack(&mut self, r: &mut Reader, d: &mut Dissection) -> Result<(), AppError> {
        let (at, flags) = (r.at, r.u8()?);
        let here = self.place.range(at..at + 1);
        d.open(&CONACK_FLAGS, here.clone(), Value::UInt(flags.into()));
        d.add(
            &CONACK_FLAGS_RESERVED,
            here.clone(),
            Value::Bool(flags & 0xfe != 0),
        );
        d.add(&CONACK_FLAGS_SP, here, Value::Bool(flags & 0x01 != 0));
        d.close();
        if self.v5 {
            self.uint8(r, &CONNACK_REASON, d)?;
            if r.remaining() > 0 {
                self.properties(r, &PROPERTIES, d)?;
            }
        } else {
            self.uint8(r, &CONACK_VAL, d)?;
        }
        Ok(())
    }

    /// PUBLISH (MQTT 3.1.1 §3.3, 5.0 §3.3).
    fn publish(&mut self, r: &mut Reader, qos: u8, d: &mut Dissection) -> Result<(), AppError> {
        if qos == 3 {
            return Err(AppError::new(
                0,
                "QoS 0, 1 or 2 (MQTT 3.1.1 §3.3.1.2)",
                "both QoS bits set",
            ));
        }
        let topic = self.string(r, &TOPIC_LEN, &TOPIC, d)?;
        let topic = String::from_utf8_lossy(topic).into_owned();
        if qos > 0 {
            let id = self.uint16(r, &MSGID, d)?;
            self.info.push_str(&format!(" (id={id})"));
        }
        self.info.push_str(&format!(" [{topic}]"));
        if self.v5 {
            if let Some(content_type) = self.properties(r, &PROPERTIES, d)? {
                self.info.push_str(&format!(" ({content_type})"));
            }
        }
        let rest = r.remaining();
        if rest > 0 {
            self.bytes(r, &MSG, rest, d)?;
        } else {
            // An empty retained message deletes the retained one (MQTT 3.1.1 §3.3.1.3); tshark
            // shows the empty payload as "<MISSING>", and so does wirelab.
            d.add(
                &MSG,
                self.place.range(r.at..r.at),
                Value::Static("<MISSING>"),
            );
        }
        Ok(())
    }

    /// PUBACK, PUBREC, PUBREL, PUBCOMP (MQTT 3.1.1 §3.4–3.7, 5.0 §3.4–3.7): a packet identifier,
    /// and in MQTT 5.0 an optional reason code and properties.
    fn acknowledgement(
        &mut self,
        r: &mut Reader,
        packet_type: u8,
        d: &mut Dissection,
    ) -> Result<(), AppError> {
        let id = self.uint16(r, &MSGID, d)?;
        self.info.push_str(&format!(" (id={id})"));
        if self.v5 && r.remaining() > 0 {
            let reason = match packet_type {
                PUBACK => &PUBACK_REASON,
                PUBREC => &PUBREC_REASON,
                PUBREL => &PUBREL_REASON,
                _ => &PUBCOMP_REASON,
            };
            self.uint8(r, reason, d)?;
            if r.remaining() > 0 {
                self.properties(r, &PROPERTIES, d)?;
            }
        }
        Ok(())
    }

    /// SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK (MQTT 3.1.1 §3.8–3.11, 5.0 §3.8–3.11): a packet
    /// identifier, MQTT 5.0 properties, then one entry per topic filter.
    fn subscription(
        &mut self,
        r: &mut Reader,
        packet_type: u8,
        d: &mut Dissection,
    ) -> Result<(), AppError> {
        let id = self.uint16(r, &MSGID, d)?;
        self.info.push_str(&format!(" (id={id})"));
        if self.v5 {
            self.properties(r, &PROPERTIES, d)?;
        }
        while r.remaining() > 0 {
            match packet_type {
                SUBSCRIBE => {
                    let topic = self.string(r, &TOPIC_LEN, &TOPIC, d)?;
                    let topic = String::from_utf8_lossy(topic).into_owned();
                    self.info.push_str(&format!(" [{topic}]"));
                    if self.v5 {
                        self.subscription_options(r, d)?;
                    } else {
                        self.uint8(r, &SUB_QOS, d)?;
                    }
                }
                UNSUBSCRIBE => {
                    self.string(r, &TOPIC_LEN, &TOPIC, d)?;
                }
                SUBACK if !self.v5 => {
                    self.uint8(r, &SUBACK_QOS, d)?;
                }
                SUBACK => {
                    self.uint8(r, &SUBACK_REASON, d)?;
                }
                _ if self.v5 => {
                    self.uint8(r, &UNSUBACK_REASON, d)?;
                }
                // An MQTT 3.1.1 UNSUBACK has nothing after its packet identifier (§3.11.2).
                _ => {
                    return Err(AppError::new(
                        r.at,
                        "the end of an MQTT 3.1.1 UNSUBACK after its packet identifier (MQTT 3.1.1 §3.11)",
                        format!("{} more bytes", r.remaining()),
                    ))
                }
            }
        }
        Ok(())
    }

    /// The options byte after each filter of an MQTT 5.0 SUBSCRIBE (5.0 §3.8.3.1).
    fn subscription_options(&mut self, r: &mut Reader, d: &mut Dissection) -> Result<(), AppError> {
        let (at, options) = (r.at, r.u8()?);
        let here = self.place.range(at..at + 1);
        d.open(
            &SUBSCRIPTION_OPTIONS,
            here.clone(),
            Value::UInt(options.into()),
        );
        d.add(
            &SUBSCRIPTION_RESERVED,
            here.clone(),
            Value::UInt((options >> 6).into()),
        );
        d.add(
            &SUBSCRIPTION_RETAIN,
            here.clone(),
            Value::UInt(((options >> 4) & 3).into()),
        );
        d.add(
            &SUBSCRIPTION_RAP,
            here.clone(),
            Value::Bool(options & 0x08 != 0),
        );
        d.add(
            &SUBSCRIPTION_NL,
            here.clone(),
            Value::Bool(options & 0x04 != 0),
        );
        d.add(&SUBSCRIPTION_QOS, here, Value::UInt((options & 3).into()));
        d.close();
        Ok(())
    }

    /// A properties block (5.0 §2.2.2): its length as a variable byte integer, then
    /// identifier-value pairs. Returns the Content Type, if one is there (for the Info column).
    fn properties(
        &mut self,
        r: &mut Reader,
        def: &'static FieldDef,
        d: &mut Dissection,
    ) -> Result<Option<String>, AppError> {
        let start = r.at;
        let (length, length_bytes) = r.varint()?;
        let end =
            r.at.checked_add(length as usize)
                .filter(|&end| end <= r.end)
                .ok_or_else(|| {
                    AppError::new(
                        start,
                        format!("{length} bytes of properties (MQTT 5.0 §2.2.2.1)"),
                        format!("{} bytes left in the packet", r.remaining()),
                    )
                })?;
        d.open(def, self.place.range(start..end), Value::None);
        d.add(
            &PROPERTY_LEN,
            self.place.range(start..start + length_bytes),
            Value::UInt(length.into()),
        );
        let mut inner = Reader::new(self.message, r.at, end);
        let result = self.property_list(&mut inner, d);
        d.close();
        r.at = end;
        result
    }

    fn property_list(
        &mut self,
        r: &mut Reader,
        d: &mut Dissection,
    ) -> Result<Option<String>, AppError> {
        let mut content_type = None;
        while r.remaining() > 0 {
            let id = self.uint8(r, &PROPERTY_ID, d)?;
            match id {
                // Byte properties (5.0 §2.2.2.2).
                0x01 | 0x17 | 0x19 | 0x25 | 0x28 | 0x29 | 0x2a => {
                    self.uint8(r, &PROP_NUMBER, d)?;
                }
                0x24 => {
                    self.uint8(r, &PROP_MAX_QOS, d)?;
                }
                // Two Byte Integer properties.
                0x13 | 0x21 | 0x22 => {
                    self.uint16(r, &PROP_NUMBER, d)?;
                }
                0x23 => {
                    self.uint16(r, &PROP_TOPIC_ALIAS, d)?;
                }
                // Four Byte Integer properties.
                0x02 | 0x11 | 0x18 | 0x27 => {
                    let at = r.at;
                    let value = r.u32()?;
                    d.add(
                        &PROP_NUMBER,
                        self.place.range(at..r.at),
                        Value::UInt(value.into()),
                    );
                }
                0x0b => {
                    let at = r.at;
                    let (value, _) = r.varint()?;
                    d.add(
                        &PROP_NUMBER,
                        self.place.range(at..r.at),
                        Value::UInt(value.into()),
                    );
                }
                0x03 => {
                    let at = r.at;
                    let text = r.prefixed()?;
                    let value = text_of(text, d);
                    d.add(&PROP_CONTENT_TYPE, self.place.range(at..r.at), value);
                    content_type = Some(String::from_utf8_lossy(text).into_owned());
                }
                // UTF-8 strings, and binary data (correlation and authentication data), which
                // tshark 4.0 shows through the same two fields.
                0x08 | 0x09 | 0x12 | 0x15 | 0x16 | 0x1a | 0x1c | 0x1f => {
                    self.string(r, &PROP_STRING_LEN, &PROP_STRING, d)?;
                }
                0x26 => {
                    self.string(r, &PROP_KEY_LEN, &PROP_KEY, d)?;
                    self.string(r, &PROP_VALUE_LEN, &PROP_VALUE, d)?;
                }
                _ => {
                    return Err(AppError::new(
                        r.at - 1,
                        "a property identifier defined by MQTT 5.0 §2.2.2.2",
                        format!("0x{id:02x}, whose value's length is unknown"),
                    ))
                }
            }
        }
        Ok(content_type)
    }

    fn uint8(
        &self,
        r: &mut Reader,
        def: &'static FieldDef,
        d: &mut Dissection,
    ) -> Result<u8, AppError> {
        let at = r.at;
        let value = r.u8()?;
        d.add(def, self.place.range(at..r.at), Value::UInt(value.into()));
        Ok(value)
    }

    fn uint16(
        &self,
        r: &mut Reader,
        def: &'static FieldDef,
        d: &mut Dissection,
    ) -> Result<u16, AppError> {
        let at = r.at;
        let value = r.u16()?;
        d.add(def, self.place.range(at..r.at), Value::UInt(value.into()));
        Ok(value)
    }

    /// A length-prefixed string (MQTT 3.1.1 §1.5.3): its length field, then its text.
    fn string<'m>(
        &self,
        r: &mut Reader<'m>,
        len_def: &'static FieldDef,
        def: &'static FieldDef,
        d: &mut Dissection,
    ) -> Result<&'m [u8], AppError> {
        let len = self.uint16(r, len_def, d)?;
        let at = r.at;
        let text = r.take(len.into())?;
        let value = text_of(text, d);
        d.add(def, self.place.range(at..r.at), value);
        Ok(text)
    }

    fn bytes(
        &self,
        r: &mut Reader,
        def: &'static FieldDef,
        len: usize,
        d: &mut Dissection,
    ) -> Result<(), AppError> {
        let at = r.at;
        let bytes = r.take(len)?;
        let value = self.place.bytes_value(bytes, d);
        d.add(def, self.place.range(at..r.at), value);
        Ok(())
    }
}

/// Reads a packet's bytes up to its declared end, with offsets for errors.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    end: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], at: usize, end: usize) -> Reader<'a> {
        Reader {
            bytes,
            at,
            end: end.min(bytes.len()),
        }
    }

    fn remaining(&self) -> usize {
        self.end.saturating_sub(self.at)
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], AppError> {
        let range: Range<usize> = self.at..self.at.saturating_add(len);
        if range.end > self.end {
            return Err(AppError::new(
                self.at,
                format!("{len} more bytes in the packet"),
                format!("{}", self.remaining()),
            ));
        }
        self.at = range.end;
        Ok(&self.bytes[range])
    }

    fn u8(&mut self) -> Result<u8, AppError> {
        Ok(self.take(1)?[0])
    }

    fn u16(&mut self) -> Result<u16, AppError> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, AppError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// Length-prefixed bytes (MQTT 5.0 §1.5.4, §1.5.6).
    fn prefixed(&mut self) -> Result<&'a [u8], AppError> {
        let len = self.u16()?;
        self.take(len.into())
    }

    /// A Variable Byte Integer (MQTT 5.0 §1.5.5): the value and how many bytes it took.
    fn varint(&mut self) -> Result<(u32, usize), AppError> {
        let start = self.at;
        let mut value = 0u32;
        for i in 0..MAX_LENGTH_BYTES {
            let b = self.u8()?;
            value |= u32::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok((value, i + 1));
            }
        }
        Err(AppError::new(
            start,
            "a variable byte integer of at most 4 bytes (MQTT 5.0 §1.5.5)",
            "a fourth byte with its continuation bit set",
        ))
    }
}
