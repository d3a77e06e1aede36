//! TODO(helper-l4)
#[derive(Default)]
pub struct Conversations {}
