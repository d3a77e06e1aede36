//! TODO(helper-l4)
use crate::dissector::{Ctx, IpContext};
use std::ops::Range;
pub(crate) fn dissect(_cx: &mut Ctx<'_>, _range: Range<usize>, _ip: IpContext) {}
pub static FIELDS: &[&crate::FieldDef] = &[];
