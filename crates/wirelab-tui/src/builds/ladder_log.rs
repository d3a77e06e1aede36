//! A stream's ladder kept small enough for a million segments, and drawn a screen at a time.
//!
//! A ladder's arrows kept as [`Arrow`]s cost some 250 bytes each, and their text as much
//! again: a million-segment iperf3 stream took over a gigabyte. Here each arrow is a few bytes
//! in one buffer: what repeats from arrow to arrow (the endpoints, the label's words, the
//! badges, the states) is kept once as a [`Shape`], and each arrow keeps only its shape's
//! number, its frame and time (as the difference from the arrow before) and the numbers of its
//! label (`Seq=`, `Ack=`, `Len=`, `Win=`), as variable-length integers. Only the rows on the
//! screen are drawn, by the same [`RowPainter`] that `wirelab ladder` draws with, so the text is
//! the same line for line.

use std::collections::HashMap;
use std::sync::Arc;
use wirelab_analyze::ladder::{
    empty_ladder_lines, Arrow, ArrowSummary, Ladder, RowPainter, TextStyle, Transport,
};
use wirelab_wire::Timestamp;

/// Arrows between two entries of the block index: finding an arrow decodes at most this many.
const BLOCK: usize = 64;

/// Stands in a [`Template`] for a number kept beside it.
const SLOT: char = '\u{2}';

/// A text with its numbers taken out: `ACK Seq=\u{2} Ack=\u{2} Len=\u{2}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Template {
    text: String,
    /// False when the text had a [`SLOT`] of its own: then it is kept whole.
    numbered: bool,
}

impl Template {
    fn split(text: &str, numbers: &mut Vec<u64>) -> Template {
        if text.contains(SLOT) {
            return Template {
                text: text.to_string(),
                numbered: false,
            };
        }
        let mut template = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
            template.push_str(&rest[..start]);
            let digits = &rest[start..];
            let end = digits
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(digits.len());
            let run = &digits[..end];
            // Only a number that prints back the same (no leading zero) becomes a slot.
            match run.parse::<u64>() {
                Ok(n) if n.to_string() == run => {
                    template.push(SLOT);
                    numbers.push(n);
                }
                _ => template.push_str(run),
            }
            rest = &digits[end..];
        }
        template.push_str(rest);
        Template {
            text: template,
            numbered: true,
        }
    }

    fn slots(&self) -> usize {
        match self.numbered {
            true => self.text.matches(SLOT).count(),
            false => 0,
        }
    }

    fn fill(&self, numbers: &mut impl Iterator<Item = u64>) -> String {
        if !self.numbered {
            return self.text.clone();
        }
        let mut text = String::with_capacity(self.text.len() + 16);
        for c in self.text.chars() {
            match c {
                SLOT => text.push_str(&numbers.next().unwrap_or(0).to_string()),
                c => text.push(c),
            }
        }
        text
    }
}

/// What many arrows share: everything but the frame, the time and the label's numbers.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Shape {
    from: usize,
    to: usize,
    /// `Some(stream)` for TCP, `None` for UDP.
    tcp_stream: Option<u64>,
    label: Template,
    badges: Vec<Template>,
    from_state: Option<String>,
    to_state: Option<String>,
    gap_before: bool,
    /// How many numbers follow the arrow's frame and time.
    slots: usize,
}

/// Where a block of [`BLOCK`] arrows starts, and the frame and time before its first arrow.
#[derive(Clone, Copy, Debug)]
struct Block {
    offset: usize,
    first_frame: u64,
    frame_before: u64,
    time_before: i128,
}

/// Arrows in a few bytes each, read back in order from any block.
#[derive(Debug, Default)]
pub struct ArrowLog {
    bytes: Vec<u8>,
    blocks: Vec<Block>,
    shapes: Vec<Shape>,
    shape_ids: HashMap<Shape, u64>,
    len: usize,
    last_frame: u64,
    last_time: i128,
    numbers: Vec<u64>,
}

impl ArrowLog {
    pub fn push(&mut self, arrow: &Arrow) {
        if self.len.is_multiple_of(BLOCK) {
            self.blocks.push(Block {
                offset: self.bytes.len(),
                first_frame: arrow.frame,
                frame_before: self.last_frame,
                time_before: self.last_time,
            });
        }
        self.numbers.clear();
        let label = Template::split(&arrow.label, &mut self.numbers);
        let badges: Vec<Template> = arrow
            .badges
            .iter()
            .map(|b| Template::split(b, &mut self.numbers))
            .collect();
        let slots = label.slots() + badges.iter().map(Template::slots).sum::<usize>();
        let shape = Shape {
            from: arrow.from,
            to: arrow.to,
            tcp_stream: match arrow.transport {
                Transport::Tcp { stream } => Some(stream),
                Transport::Udp => None,
            },
            label,
            badges,
            from_state: arrow.from_state.clone(),
            to_state: arrow.to_state.clone(),
            gap_before: arrow.gap_before,
            slots,
        };
        let id = match self.shape_ids.get(&shape) {
            Some(&id) => id,
            None => {
                let id = self.shapes.len() as u64;
                self.shapes.push(shape.clone());
                self.shape_ids.insert(shape, id);
                id
            }
        };
        let time = arrow.time.as_nanos();
        put_varint(&mut self.bytes, u128::from(id));
        put_varint(
            &mut self.bytes,
            zigzag(i128::from(arrow.frame) - i128::from(self.last_frame)),
        );
        put_varint(&mut self.bytes, zigzag(time - self.last_time));
        for &n in &self.numbers {
            put_varint(&mut self.bytes, u128::from(n));
        }
        self.last_frame = arrow.frame;
        self.last_time = time;
        self.len += 1;
    }

    /// Done adding: give back the room kept for more.
    pub fn shrink(&mut self) {
        self.bytes.shrink_to_fit();
        self.blocks.shrink_to_fit();
        self.shape_ids = HashMap::new();
    }

    pub fn len(&self) -> usize {
        self.len
    }

    fn blocks(&self) -> usize {
        self.blocks.len()
    }

    /// The block whose arrows include frame `frame`'s, if any.
    fn block_of_frame(&self, frame: u64) -> Option<usize> {
        self.blocks
            .partition_point(|b| b.first_frame <= frame)
            .checked_sub(1)
    }

    /// The arrows of block `block` and of every block after it.
    fn arrows_from(&self, block: usize) -> Arrows<'_> {
        let (offset, frame, time) = self
            .blocks
            .get(block)
            .map_or((self.bytes.len(), 0, 0), |b| {
                (b.offset, b.frame_before, b.time_before)
            });
        Arrows {
            log: self,
            offset,
            frame,
            time,
        }
    }
}

/// Arrows read back from an [`ArrowLog`].
struct Arrows<'a> {
    log: &'a ArrowLog,
    offset: usize,
    frame: u64,
    time: i128,
}

impl Iterator for Arrows<'_> {
    type Item = Arrow;

    fn next(&mut self) -> Option<Arrow> {
        let bytes = &self.log.bytes;
        let id = usize::try_from(get_varint(bytes, &mut self.offset)?).ok()?;
        let shape = self.log.shapes.get(id)?;
        let frame = i128::from(self.frame) + unzigzag(get_varint(bytes, &mut self.offset)?);
        self.frame = u64::try_from(frame).ok()?;
        self.time += unzigzag(get_varint(bytes, &mut self.offset)?);
        let mut numbers = Vec::with_capacity(shape.slots);
        for _ in 0..shape.slots {
            numbers.push(u64::try_from(get_varint(bytes, &mut self.offset)?).ok()?);
        }
        let mut numbers = numbers.into_iter();
        Some(Arrow {
            frame: self.frame,
            time: Timestamp::from_nanos(self.time),
            from: shape.from,
            to: shape.to,
            transport: match shape.tcp_stream {
                Some(stream) => Transport::Tcp { stream },
                None => Transport::Udp,
            },
            label: shape.label.fill(&mut numbers),
            badges: shape.badges.iter().map(|b| b.fill(&mut numbers)).collect(),
            from_state: shape.from_state.clone(),
            to_state: shape.to_state.clone(),
            gap_before: shape.gap_before,
        })
    }
}

fn zigzag(n: i128) -> u128 {
    ((n << 1) ^ (n >> 127)) as u128
}

fn unzigzag(n: u128) -> i128 {
    (n >> 1) as i128 ^ -((n & 1) as i128)
}

/// LEB128: seven bits a byte, the high bit set on all but the last.
fn put_varint(bytes: &mut Vec<u8>, mut n: u128) {
    while n >= 0x80 {
        bytes.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    bytes.push(n as u8);
}

fn get_varint(bytes: &[u8], offset: &mut usize) -> Option<u128> {
    let mut n = 0u128;
    for shift in (0..128).step_by(7) {
        let byte = *bytes.get(*offset)?;
        *offset += 1;
        n |= u128::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

/// A stream's ladder as the background job builds it: its endpoints and counts (a [`Ladder`]
/// without arrows), what the layout needs to know of all its arrows, and the arrows.
#[derive(Debug, Default)]
pub struct CompactLadder {
    pub ladder: Ladder,
    pub summary: ArrowSummary,
    pub arrows: ArrowLog,
}

impl CompactLadder {
    pub fn add(&mut self, arrow: &Arrow) {
        self.summary.add(arrow);
        self.arrows.push(arrow);
    }
}

/// A ladder's lines at one width: the head and the foot kept, the arrows' rows drawn when
/// asked for.
pub struct LadderLines {
    ladder: Arc<CompactLadder>,
    painter: Option<RowPainter>,
    head: Vec<String>,
    foot: Vec<String>,
    /// The line of each block's first row, after the head.
    block_lines: Vec<usize>,
    /// The arrows' rows, all blocks together.
    arrow_rows: usize,
}

impl LadderLines {
    /// Lay the ladder out at this width: count each arrow's rows (without drawing them), so
    /// that any line can be found.
    pub fn new(
        ladder: Arc<CompactLadder>,
        title: &str,
        style: TextStyle,
    ) -> Result<LadderLines, String> {
        let painter = RowPainter::new(&ladder.ladder, &ladder.summary, style)
            .map_err(|error| error.to_string())?;
        let Some(painter) = painter else {
            return Ok(LadderLines {
                ladder,
                painter: None,
                head: empty_ladder_lines(title, style),
                foot: Vec::new(),
                block_lines: Vec::new(),
                arrow_rows: 0,
            });
        };
        let head = painter.head(&ladder.ladder, title);
        let foot = painter.foot(&ladder.ladder, &ladder.summary);
        let mut block_lines = Vec::with_capacity(ladder.arrows.blocks());
        let mut rows = 0;
        for (i, arrow) in ladder.arrows.arrows_from(0).enumerate() {
            if i.is_multiple_of(BLOCK) {
                block_lines.push(rows);
            }
            rows += painter.row_count(&arrow);
        }
        Ok(LadderLines {
            ladder,
            painter: Some(painter),
            head,
            foot,
            block_lines,
            arrow_rows: rows,
        })
    }

    pub fn len(&self) -> usize {
        self.head.len() + self.arrow_rows + self.foot.len()
    }

    /// Up to `count` lines from line `start`.
    pub fn lines(&self, start: usize, count: usize) -> Vec<String> {
        let end = start.saturating_add(count).min(self.len());
        let mut lines = Vec::with_capacity(end.saturating_sub(start));
        let mut at = start;
        while at < end.min(self.head.len()) {
            lines.extend(self.head.get(at).cloned());
            at += 1;
        }
        let arrows_end = self.head.len() + self.arrow_rows;
        if at < end.min(arrows_end) {
            if let Some(painter) = &self.painter {
                let row = at - self.head.len();
                let block = self
                    .block_lines
                    .partition_point(|&l| l <= row)
                    .saturating_sub(1);
                let mut line = self.head.len() + self.block_lines.get(block).copied().unwrap_or(0);
                for arrow in self.ladder.arrows.arrows_from(block) {
                    if line >= end.min(arrows_end) {
                        break;
                    }
                    let count = painter.row_count(&arrow);
                    if line + count <= at {
                        line += count;
                        continue;
                    }
                    for text in painter.rows(&arrow) {
                        if line >= at && line < end {
                            lines.push(text);
                        }
                        line += 1;
                    }
                }
                at = line.max(at);
            }
        }
        while at < end {
            lines.extend(self.foot.get(at - arrows_end).cloned());
            at += 1;
        }
        lines
    }

    /// The line of frame `frame`'s arrow: the row that starts with its number.
    pub fn arrow_line(&self, frame: u64) -> Option<usize> {
        let painter = self.painter.as_ref()?;
        let block = self.ladder.arrows.block_of_frame(frame)?;
        let mut line = self.head.len() + self.block_lines.get(block).copied()?;
        for (i, arrow) in self.ladder.arrows.arrows_from(block).enumerate() {
            if i >= BLOCK || arrow.frame > frame {
                return None;
            }
            if arrow.frame == frame {
                let number = frame.to_string();
                let starts_with_number =
                    |row: &String| row.split_whitespace().next() == Some(number.as_str());
                return painter
                    .rows(&arrow)
                    .iter()
                    .position(starts_with_number)
                    .map(|at| line + at);
            }
            line += painter.row_count(&arrow);
        }
        None
    }
}

#[cfg(test)]
mod tests;
