//! TODO(helper-l23)
use crate::dissector::Ctx;
use std::ops::Range;
pub(crate) fn dissect(_cx: &mut Ctx<'_>, _range: Range<usize>) {}
pub static FIELDS: &[&crate::FieldDef] = &[];
