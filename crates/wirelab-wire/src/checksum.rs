//! TODO(helper-l23)
