//! TODO(helper-l23)
use crate::dissector::Ctx;
use std::ops::Range;
pub(crate) fn dissect_sll(_cx: &mut Ctx<'_>, _range: Range<usize>) {}
pub(crate) fn dissect_sll2(_cx: &mut Ctx<'_>, _range: Range<usize>) {}
pub(crate) fn dissect_null(_cx: &mut Ctx<'_>, _range: Range<usize>) {}
pub(crate) fn dissect_loop(_cx: &mut Ctx<'_>, _range: Range<usize>) {}
pub static FIELDS: &[&crate::FieldDef] = &[];
