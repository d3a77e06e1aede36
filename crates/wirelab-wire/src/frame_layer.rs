//! The `frame` layer: what the capture says about a frame before any protocol is read.

use crate::dissection::Dissection;
use crate::field::Value;
use crate::frame::{Frame, Timestamp};

crate::field!(
    FRAME,
    "frame",
    "Frame",
    Protocol,
    "one captured frame: when it was seen and how many bytes were kept"
);
crate::field!(INTERFACE_ID, "frame.interface_id", "Interface id", UInt 32, Dec, "which capture interface saw the frame (pcapng Interface Description Block index)");
crate::field!(
    TIME_EPOCH,
    "frame.time_epoch",
    "Epoch Time",
    AbsTime,
    "when the frame was captured, in seconds since 1970-01-01 UTC"
);
crate::field!(
    TIME_DELTA,
    "frame.time_delta",
    "Time delta from previous captured frame",
    RelTime,
    "seconds since the previous frame was captured"
);
crate::field!(
    TIME_RELATIVE,
    "frame.time_relative",
    "Time since reference or first frame",
    RelTime,
    "seconds since the first frame of the capture"
);
crate::field!(NUMBER, "frame.number", "Frame Number", UInt 32, Dec, "the frame's position in the capture, counting from 1");
crate::field!(LEN, "frame.len", "Frame Length", UInt 32, Dec, "how many bytes the frame had on the wire");
crate::field!(CAP_LEN, "frame.cap_len", "Capture Length", UInt 32, Dec, "how many of those bytes the capture kept (fewer when the snap length cut the frame)");
// Not `frame.encap_type`: tshark numbers that field its own way (SunATM is 13 there, not 123).
crate::field!(LINK_TYPE, "wirelab.frame.link_type", "Link type", UInt 32, Dec, "the link-layer header type (LINKTYPE_*) that says how to read the first bytes");

pub static FIELDS: &[&crate::FieldDef] = &[
    &FRAME,
    &INTERFACE_ID,
    &TIME_EPOCH,
    &TIME_DELTA,
    &TIME_RELATIVE,
    &NUMBER,
    &LEN,
    &CAP_LEN,
    &LINK_TYPE,
];

pub(crate) fn dissect(
    d: &mut Dissection,
    frame: &Frame<'_>,
    first: Timestamp,
    previous: Timestamp,
) {
    let index = d.open(&FRAME, 0..frame.bytes.len(), Value::None);
    d.set_title(
        index,
        format_args!(
            "Frame {}: {} bytes on wire ({} bits), {} bytes captured ({} bits)",
            frame.number,
            frame.orig_len,
            frame.orig_len as u64 * 8,
            frame.bytes.len(),
            frame.bytes.len() * 8
        ),
    );
    d.add_generated(&INTERFACE_ID, Value::UInt(frame.interface as u64));
    d.add_generated(&LINK_TYPE, Value::UInt(frame.link.0 as u64));
    d.add_generated(&TIME_EPOCH, Value::Time(frame.ts.as_nanos()));
    d.add_generated(
        &TIME_DELTA,
        Value::Time(frame.ts.since(previous).as_nanos()),
    );
    d.add_generated(
        &TIME_RELATIVE,
        Value::Time(frame.ts.since(first).as_nanos()),
    );
    d.add_generated(&NUMBER, Value::UInt(frame.number));
    d.add_generated(&LEN, Value::UInt(frame.orig_len as u64));
    d.add_generated(&CAP_LEN, Value::UInt(frame.bytes.len() as u64));
    d.close();
}
