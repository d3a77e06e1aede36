//! The fields of the MQTT dissector, with tshark 4.0's names, types and labels
//! (`tshark -G fields | grep -P '\tmqtt\.'`), and the names of their values.

use wirelab_wire::field;

const TYPE_NAMES: &[(u64, &str)] = &[
    (0, "Reserved"),
    (1, "Connect Command"),
    (2, "Connect Ack"),
    (3, "Publish Message"),
    (4, "Publish Ack"),
    (5, "Publish Received"),
    (6, "Publish Release"),
    (7, "Publish Complete"),
    (8, "Subscribe Request"),
    (9, "Subscribe Ack"),
    (10, "Unsubscribe Request"),
    (11, "Unsubscribe Ack"),
    (12, "Ping Request"),
    (13, "Ping Response"),
    (14, "Disconnect Req"),
    (15, "Authentication Exchange"),
];
const QOS_NAMES: &[(u64, &str)] = &[
    (0, "At most once delivery (Fire and Forget)"),
    (1, "At least once delivery (Acknowledged deliver)"),
    (2, "Exactly once delivery (Assured Delivery)"),
    (3, "Reserved"),
];
const VERSION_NAMES: &[(u64, &str)] = &[(3, "MQTT v3.1"), (4, "MQTT v3.1.1"), (5, "MQTT v5.0")];
const RETURN_CODE_NAMES: &[(u64, &str)] = &[
    (0, "Connection Accepted"),
    (1, "Connection Refused: unacceptable protocol version"),
    (2, "Connection Refused: identifier rejected"),
    (3, "Connection Refused: server unavailable"),
    (4, "Connection Refused: bad user name or password"),
    (5, "Connection Refused: not authorized"),
];
const PROPERTY_NAMES: &[(u64, &str)] = &[
    (0x01, "Payload Format Indicator"),
    (0x02, "Publication Expiry Interval"),
    (0x03, "Content Type"),
    (0x08, "Response Topic"),
    (0x09, "Correlation Data"),
    (0x0b, "Subscription Identifier"),
    (0x11, "Session Expiry Interval"),
    (0x12, "Assigned Client Identifier"),
    (0x13, "Server Keep Alive"),
    (0x15, "Authentication Method"),
    (0x16, "Authentication Data"),
    (0x17, "Request Problem Information"),
    (0x18, "Will Delay Interval"),
    (0x19, "Request Response Information"),
    (0x1a, "Response Information"),
    (0x1c, "Server Reference"),
    (0x1f, "Reason String"),
    (0x21, "Receive Maximum"),
    (0x22, "Topic Alias Maximum"),
    (0x23, "Topic Alias"),
    (0x24, "Maximum QoS"),
    (0x25, "Retain Available"),
    (0x26, "User Property"),
    (0x27, "Maximum Packet Size"),
    (0x28, "Wildcard Subscription Available"),
    (0x29, "Subscription Identifier Available"),
    (0x2a, "Shared Subscription Available"),
];

field!(
    MQTT,
    "mqtt",
    "MQ Telemetry Transport Protocol",
    Protocol,
    "publish/subscribe messaging through a broker: one control packet (MQTT 3.1.1 §2.1, 5.0 §2.1)"
);
field!(HDRFLAGS, "mqtt.hdrflags", "Header Flags", UInt 8, Hex, "the first byte: the packet type in the high four bits, its flags in the low four (MQTT 3.1.1 §2.2)");
field!(MSGTYPE, "mqtt.msgtype", "Message Type", UInt 8, Dec, names = TYPE_NAMES, "which control packet this is: 1 CONNECT, 3 PUBLISH, 8 SUBSCRIBE, 12 PINGREQ… (MQTT 3.1.1 §2.2.1, 5.0 §2.1.2)");
field!(HDR_RESERVED, "mqtt.hdr_reserved", "Reserved", UInt 8, Dec, "the flag bits of a packet other than PUBLISH: fixed values, 2 for SUBSCRIBE, UNSUBSCRIBE and PUBREL, else 0 (MQTT 3.1.1 §2.2.2)");
field!(DUPFLAG, "mqtt.dupflag", "DUP Flag", Bool, mask = 0x08, "set when this PUBLISH is a resend of one that may not have been acknowledged (MQTT 3.1.1 §3.3.1.1)");
field!(QOS, "mqtt.qos", "QoS Level", UInt 8, Dec, names = QOS_NAMES, "how hard delivery is tried: 0 at most once, 1 at least once (PUBACK), 2 exactly once (PUBREC, PUBREL, PUBCOMP) (MQTT 3.1.1 §3.3.1.2, §4.3)");
field!(RETAIN, "mqtt.retain", "Retain", Bool, mask = 0x01, "the broker keeps this message and hands it to every later subscriber of the topic (MQTT 3.1.1 §3.3.1.3)");
field!(LEN, "mqtt.len", "Msg Len", UInt 64, Dec, "the remaining length: bytes after the fixed header, written 7 bits a byte in at most 4 bytes (MQTT 3.1.1 §2.2.3)");
field!(PROTO_LEN, "mqtt.proto_len", "Protocol Name Length", UInt 16, Dec, "the length of the protocol name that follows, always 4 for \"MQTT\" (MQTT 3.1.1 §3.1.2.1)");
field!(
    PROTONAME,
    "mqtt.protoname",
    "Protocol Name",
    Str,
    "\"MQTT\": lets a server reject what is not MQTT at all (MQTT 3.1.1 §3.1.2.1)"
);
field!(VER, "mqtt.ver", "Version", UInt 8, Dec, names = VERSION_NAMES, "the protocol level the client speaks: 4 for MQTT 3.1.1, 5 for MQTT 5.0 (MQTT 3.1.1 §3.1.2.2, 5.0 §3.1.2.2)");
field!(CONFLAGS, "mqtt.conflags", "Connect Flags", UInt 8, Hex, "which optional parts follow in the CONNECT payload, and how the session starts (MQTT 3.1.1 §3.1.2.3)");
field!(
    CONFLAG_UNAME,
    "mqtt.conflag.uname",
    "User Name Flag",
    Bool,
    mask = 0x80,
    "a user name follows in the payload (MQTT 3.1.1 §3.1.2.8)"
);
field!(
    CONFLAG_PASSWD,
    "mqtt.conflag.passwd",
    "Password Flag",
    Bool,
    mask = 0x40,
    "a password follows in the payload (MQTT 3.1.1 §3.1.2.9)"
);
field!(
    CONFLAG_RETAIN,
    "mqtt.conflag.retain",
    "Will Retain",
    Bool,
    mask = 0x20,
    "the will message is to be published as retained (MQTT 3.1.1 §3.1.2.7)"
);
field!(CONFLAG_QOS, "mqtt.conflag.qos", "QoS Level", UInt 8, Dec, names = QOS_NAMES, "the QoS at which the will message is to be published (MQTT 3.1.1 §3.1.2.6)");
field!(CONFLAG_WILLFLAG, "mqtt.conflag.willflag", "Will Flag", Bool, mask = 0x04, "a will topic and message follow: the broker publishes them if this client vanishes without a DISCONNECT (MQTT 3.1.1 §3.1.2.5)");
field!(CONFLAG_CLEANSESS, "mqtt.conflag.cleansess", "Clean Session Flag", Bool, mask = 0x02, "start a new session instead of resuming the stored one (MQTT 3.1.1 §3.1.2.4; Clean Start in 5.0 §3.1.2.4)");
field!(
    CONFLAG_RESERVED,
    "mqtt.conflag.reserved",
    "(Reserved)",
    Bool,
    mask = 0x01,
    "reserved: the server must close the connection if it is set (MQTT 3.1.1 §3.1.2.3)"
);
field!(KALIVE, "mqtt.kalive", "Keep Alive", UInt 16, Dec, "the most seconds the client lets pass without sending; idle, it sends a PINGREQ (MQTT 3.1.1 §3.1.2.10)");
field!(CLIENTID_LEN, "mqtt.clientid_len", "Client ID Length", UInt 16, Dec, "the length of the client identifier that follows (MQTT 3.1.1 §3.1.3.1)");
field!(CLIENTID, "mqtt.clientid", "Client ID", Str, "the name the broker keeps the client's session under; empty asks the broker to pick one (MQTT 3.1.1 §3.1.3.1)");
field!(WILLTOPIC_LEN, "mqtt.willtopic_len", "Will Topic Length", UInt 16, Dec, "the length of the will topic that follows (MQTT 3.1.1 §3.1.3.2)");
field!(
    WILLTOPIC,
    "mqtt.willtopic",
    "Will Topic",
    Str,
    "the topic the will message is published to (MQTT 3.1.1 §3.1.3.2)"
);
field!(WILLMSG_LEN, "mqtt.willmsg_len", "Will Message Length", UInt 16, Dec, "the length of the will message that follows (MQTT 3.1.1 §3.1.3.3)");
field!(WILLMSG, "mqtt.willmsg", "Will Message", Bytes, "the message the broker publishes if the client disappears without a DISCONNECT (MQTT 3.1.1 §3.1.3.3)");
field!(USERNAME_LEN, "mqtt.username_len", "User Name Length", UInt 16, Dec, "the length of the user name that follows (MQTT 3.1.1 §3.1.3.4)");
field!(
    USERNAME,
    "mqtt.username",
    "User Name",
    Str,
    "who the client says it is, for the broker to authenticate (MQTT 3.1.1 §3.1.3.4)"
);
field!(PASSWD_LEN, "mqtt.passwd_len", "Password Length", UInt 16, Dec, "the length of the password that follows (MQTT 3.1.1 §3.1.3.5)");
field!(
    PASSWD,
    "mqtt.passwd",
    "Password",
    Str,
    "the password, in clear text unless the connection runs over TLS (MQTT 3.1.1 §3.1.3.5, §5.4.1)"
);
field!(CONACK_FLAGS, "mqtt.conack.flags", "Acknowledge Flags", UInt 8, Hex, "the CONNACK's flags byte: only bit 0, Session Present, is defined (MQTT 3.1.1 §3.2.2.1)");
field!(
    CONACK_FLAGS_RESERVED,
    "mqtt.conack.flags.reserved",
    "Reserved",
    Bool,
    mask = 0xfe,
    "bits 7 to 1 of the acknowledge flags, reserved and 0 (MQTT 3.1.1 §3.2.2.1)"
);
field!(
    CONACK_FLAGS_SP,
    "mqtt.conack.flags.sp",
    "Session Present",
    Bool,
    mask = 0x01,
    "the broker had a stored session for this client and resumes it (MQTT 3.1.1 §3.2.2.2)"
);
field!(CONACK_VAL, "mqtt.conack.val", "Return Code", UInt 8, Dec, names = RETURN_CODE_NAMES, "whether the connection is accepted: 0, or why it is refused (MQTT 3.1.1 §3.2.2.3)");
field!(CONNACK_REASON, "mqtt.connack.reason_code", "Reason Code", UInt 8, Dec, "0 when the connection is accepted; 0x80 and above say why not (MQTT 5.0 §3.2.2.2)");
field!(PUBACK_REASON, "mqtt.puback.reason_code", "Reason Code", UInt 8, Dec, "how the QoS 1 PUBLISH went: 0 success, 0x10 no matching subscribers, 0x80 and above errors (MQTT 5.0 §3.4.2.1)");
field!(PUBREC_REASON, "mqtt.pubrec.reason_code", "Reason Code", UInt 8, Dec, "how the QoS 2 PUBLISH was received: below 0x80 success (MQTT 5.0 §3.5.2.1)");
field!(PUBREL_REASON, "mqtt.pubrel.reason_code", "Reason Code", UInt 8, Dec, "0 success, or 0x92 packet identifier not found (MQTT 5.0 §3.6.2.1)");
field!(PUBCOMP_REASON, "mqtt.pubcomp.reason_code", "Reason Code", UInt 8, Dec, "0 success, or 0x92 packet identifier not found (MQTT 5.0 §3.7.2.1)");
field!(SUBACK_REASON, "mqtt.suback.reason_code", "Reason Code", UInt 8, Dec, "per topic filter: the QoS granted (0, 1, 2) or why the subscription failed (0x80 and above) (MQTT 5.0 §3.9.3)");
field!(UNSUBACK_REASON, "mqtt.unsuback.reason_code", "Reason Code", UInt 8, Dec, "per topic filter: 0 success, 0x11 no subscription existed, 0x80 and above errors (MQTT 5.0 §3.11.3)");
field!(DISCONNECT_REASON, "mqtt.disconnect.reason_code", "Reason Code", UInt 8, Dec, "why the connection ends: 0 normal, 4 with the will message, 0x80 and above errors (MQTT 5.0 §3.14.2.1)");
field!(AUTH_REASON, "mqtt.auth.reason_code", "Reason Code", UInt 8, Dec, "0 authentication succeeded, 0x18 continue, 0x19 re-authenticate (MQTT 5.0 §3.15.2.1)");
field!(MSGID, "mqtt.msgid", "Message Identifier", UInt 16, Dec, "the packet identifier that pairs a packet with its acknowledgement (MQTT 3.1.1 §2.3.1)");
field!(TOPIC_LEN, "mqtt.topic_len", "Topic Length", UInt 16, Dec, "the length of the topic name or filter that follows (MQTT 3.1.1 §1.5.3)");
field!(TOPIC, "mqtt.topic", "Topic", Str, "the topic: a name such as home/kitchen/temperature in a PUBLISH, a filter with + and # wildcards in a SUBSCRIBE (MQTT 3.1.1 §4.7)");
field!(
    MSG,
    "mqtt.msg",
    "Message",
    Bytes,
    "the application message: bytes MQTT carries without looking inside (MQTT 3.1.1 §3.3.3)"
);
field!(SUB_QOS, "mqtt.sub.qos", "Requested QoS", UInt 8, Dec, names = QOS_NAMES, "the highest QoS the subscriber wants messages of this filter delivered at (MQTT 3.1.1 §3.8.3)");
field!(SUBACK_QOS, "mqtt.suback.qos", "Granted QoS", UInt 8, Dec, "per filter: the QoS the broker grants, or 0x80 for a refused subscription (MQTT 3.1.1 §3.9.3)");
field!(SUBSCRIPTION_OPTIONS, "mqtt.subscription_options", "Subscription Options", UInt 8, Hex, "per filter: the QoS asked for and how retained and own messages are handled (MQTT 5.0 §3.8.3.1)");
field!(SUBSCRIPTION_QOS, "mqtt.subscription_options_qos", "QoS", UInt 8, Dec, names = QOS_NAMES, "the highest QoS the subscriber wants (MQTT 5.0 §3.8.3.1)");
field!(
    SUBSCRIPTION_NL,
    "mqtt.subscription_options_nl",
    "No Local",
    Bool,
    mask = 0x04,
    "do not send this client the messages it publishes itself (MQTT 5.0 §3.8.3.1)"
);
field!(
    SUBSCRIPTION_RAP,
    "mqtt.subscription_options_rap",
    "Retain As Published",
    Bool,
    mask = 0x08,
    "keep the RETAIN flag of forwarded messages as the publisher set it (MQTT 5.0 §3.8.3.1)"
);
field!(SUBSCRIPTION_RETAIN, "mqtt.subscription_options_retain", "Retain Handling", UInt 8, Dec, "0 send retained messages on subscribing, 1 only for a new subscription, 2 never (MQTT 5.0 §3.8.3.1)");
field!(SUBSCRIPTION_RESERVED, "mqtt.subscription_options_reserved", "Reserved", UInt 8, Hex, "bits 7 and 6 of the subscription options, reserved and 0 (MQTT 5.0 §3.8.3.1)");
field!(
    PROPERTIES,
    "mqtt.properties",
    "Properties",
    None,
    "the packet's properties: a length, then identifier-value pairs (MQTT 5.0 §2.2.2)"
);
field!(
    WILL_PROPERTIES,
    "mqtt.will_properties",
    "Will Properties",
    None,
    "properties of the will message, such as its delay (MQTT 5.0 §3.1.3.2)"
);
field!(PROPERTY_LEN, "mqtt.property_len", "Total Length", UInt 64, Dec, "how many bytes of properties follow, as a variable byte integer (MQTT 5.0 §2.2.2.1)");
field!(PROPERTY_ID, "mqtt.property_id", "ID", UInt 8, Hex, names = PROPERTY_NAMES, "which property follows; the identifier fixes the value's type (MQTT 5.0 §2.2.2.2)");
field!(PROP_NUMBER, "mqtt.prop_number", "Value", UInt 32, Dec, "a property's number: a byte, two or four bytes, or a variable byte integer (MQTT 5.0 §2.2.2.2)");
field!(
    PROP_CONTENT_TYPE,
    "mqtt.property.content_type",
    "Content Type",
    Str,
    "the media type of the application message, such as text/plain (MQTT 5.0 §3.3.2.3.9)"
);
field!(PROP_MAX_QOS, "mqtt.property.max_qos", "QoS", UInt 8, Dec, "the highest QoS the server supports (MQTT 5.0 §3.2.2.3.4)");
field!(PROP_TOPIC_ALIAS, "mqtt.property.topic_alias", "Topic Alias", UInt 16, Dec, "a number standing for the topic, to save sending its name again (MQTT 5.0 §3.3.2.3.4)");
field!(PROP_STRING_LEN, "mqtt.prop_string_len", "Length", UInt 32, Dec, "the length of a string or binary property value (MQTT 5.0 §1.5.4, §1.5.6)");
field!(PROP_STRING, "mqtt.prop_string", "Value", Str, "a string property's value, such as a reason string or an assigned client identifier (MQTT 5.0 §2.2.2.2)");
field!(PROP_KEY_LEN, "mqtt.prop_key_len", "Key Length", UInt 32, Dec, "the length of a user property's name (MQTT 5.0 §1.5.7)");
field!(
    PROP_KEY,
    "mqtt.prop_key",
    "Key",
    Str,
    "a user property's name: user properties are free name-value pairs (MQTT 5.0 §3.3.2.3.7)"
);
field!(PROP_VALUE_LEN, "mqtt.prop_value_len", "Value Length", UInt 32, Dec, "the length of a user property's value (MQTT 5.0 §1.5.7)");
field!(
    PROP_VALUE,
    "mqtt.prop_value",
    "Value",
    Str,
    "a user property's value (MQTT 5.0 §3.3.2.3.7)"
);
