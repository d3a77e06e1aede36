//! Ladder (sequence) diagrams of a trace: one column per endpoint, time running down, one
//! arrow per TCP segment or UDP datagram, labelled as in RFC 9293 §3.5's figures, with what
//! the sequence analysis found about each segment and each endpoint's RFC 9293 state.
//!
//! ```text
//!  frames + Dissection ──> LadderBuilder (model.rs) ──> Ladder ──┬─> render_text (text.rs)
//!  (tcp.*, tcp.analysis.*,                                       └─> render_svg  (svg.rs)
//!   wirelab.tcp.state.*)
//! ```

pub mod model;
pub mod svg;
pub mod text;

pub use model::{
    Arrow, Endpoint, Ladder, LadderBuilder, LadderError, NotDrawn, Transport, MAX_ENDPOINTS,
};
pub use svg::render_svg;
pub use text::{
    empty_ladder_lines, render_text, ArrowSummary, RowPainter, TextStyle, TooNarrow, MAX_WIDTH,
};

#[cfg(test)]
mod tests;
