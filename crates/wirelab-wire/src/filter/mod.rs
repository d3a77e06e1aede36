//! Display filters (-Y): TODO(helper-filter)
