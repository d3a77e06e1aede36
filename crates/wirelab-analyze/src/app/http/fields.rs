//! The fields of the HTTP/1.x dissector, with tshark 4.0's names, types and labels
//! (`tshark -G fields | grep -P '\thttp\.'`), and one of wirelab's own for other headers.

use wirelab_wire::field;

field!(HTTP, "http", "Hypertext Transfer Protocol", Protocol, "requests and responses for resources, as lines of text followed by an optional body (RFC 9112 §2.1)");
field!(
    REQUEST,
    "http.request",
    "Request",
    Bool,
    mask = 0,
    "this message is a request: it begins with a request line (RFC 9112 §3)"
);
field!(
    RESPONSE,
    "http.response",
    "Response",
    Bool,
    mask = 0,
    "this message is a response: it begins with a status line (RFC 9112 §4)"
);
field!(REQUEST_METHOD, "http.request.method", "Request Method", Str, "what the client asks the server to do with the resource: GET, POST, HEAD… (RFC 9112 §3.1, RFC 9110 §9)");
field!(
    REQUEST_URI,
    "http.request.uri",
    "Request URI",
    Str,
    "the request target: which resource, usually as an absolute path and query (RFC 9112 §3.2)"
);
field!(
    REQUEST_VERSION,
    "http.request.version",
    "Request Version",
    Str,
    "the HTTP version the client speaks, HTTP/1.0 or HTTP/1.1 (RFC 9112 §2.3)"
);
field!(REQUEST_LINE, "http.request.line", "Request line", Str, "one header line of a request, CRLF included: a field name, a colon and the value (RFC 9112 §5)");
field!(
    RESPONSE_VERSION,
    "http.response.version",
    "Response Version",
    Str,
    "the HTTP version the server speaks (RFC 9112 §4)"
);
field!(RESPONSE_CODE, "http.response.code", "Status Code", UInt 16, Dec, "three digits saying how the request went: 2xx success, 3xx redirection, 4xx client error, 5xx server error (RFC 9112 §4, RFC 9110 §15)");
field!(
    RESPONSE_PHRASE,
    "http.response.phrase",
    "Response Phrase",
    Str,
    "the status code in words, for people; clients must ignore it (RFC 9112 §4)"
);
field!(RESPONSE_LINE, "http.response.line", "Response line", Str, "one header line of a response, CRLF included: a field name, a colon and the value (RFC 9112 §5)");
field!(HOST, "http.host", "Host", Str, "the host and port the request is for, so one server can serve many names; required in HTTP/1.1 (RFC 9112 §3.2, RFC 9110 §7.2)");
field!(
    USER_AGENT,
    "http.user_agent",
    "User-Agent",
    Str,
    "the client program that sent the request (RFC 9110 §10.1.5)"
);
field!(
    ACCEPT,
    "http.accept",
    "Accept",
    Str,
    "the media types the client can take in the response (RFC 9110 §12.5.1)"
);
field!(
    SERVER,
    "http.server",
    "Server",
    Str,
    "the server program that sent the response (RFC 9110 §10.2.4)"
);
field!(
    DATE,
    "http.date",
    "Date",
    Str,
    "when the server made the response (RFC 9110 §6.6.1)"
);
field!(
    LOCATION,
    "http.location",
    "Location",
    Str,
    "where a redirected request should go instead (RFC 9110 §10.2.2)"
);
field!(
    CONTENT_LENGTH_HEADER,
    "http.content_length_header",
    "Content-Length",
    Str,
    "the Content-Length header as written: the body's length in bytes, in decimal (RFC 9112 §6.2)"
);
field!(CONTENT_LENGTH, "http.content_length", "Content length", UInt 64, Dec, "the body's length in bytes, from the Content-Length header: where this message ends and the next begins (RFC 9112 §6.2)");
field!(
    CONTENT_TYPE,
    "http.content_type",
    "Content-Type",
    Str,
    "the media type of the body, such as text/html; charset=utf-8 (RFC 9110 §8.3)"
);
field!(CONNECTION, "http.connection", "Connection", Str, "options for this connection only: `close` ends it after this response, `keep-alive` keeps it (RFC 9112 §9.6, RFC 9110 §7.6.1)");
field!(TRANSFER_ENCODING, "http.transfer_encoding", "Transfer-Encoding", Str, "codings applied to the body for the transfer; `chunked` last means the body comes in sized chunks (RFC 9112 §6.1)");
field!(FULL_URI, "http.request.full_uri", "Full request URI", Str, "the URI the request is for, put together from the Host header and the request target (RFC 9112 §3.3)");
field!(CHUNK_SIZE, "http.chunk_size", "Chunk size", UInt 32, Dec, "how many data bytes the chunk holds, written in hexadecimal; 0 marks the last chunk (RFC 9112 §7.1)");
field!(
    FILE_DATA,
    "http.file_data",
    "File Data",
    Str,
    "the body of the message, with any chunked coding removed (RFC 9112 §6)"
);
field!(OTHER_HEADER, "wirelab.http.header", "Header field", Str, "a header field wirelab has no name of its own for: the name, a colon and the value (RFC 9112 §5)");
