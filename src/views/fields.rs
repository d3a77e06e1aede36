//! `-T fields -e NAME …`: the values of chosen fields, one line per frame, formatted as tshark
//! formats them so that the two outputs can be compared cell for cell.
//!
//! The `-E` options are tshark's (see `man tshark`):
//!
//! | option                      | meaning                                         | default |
//! |-----------------------------|-------------------------------------------------|---------|
//! | `header=y\|n`               | first line: the field names                     | `n`     |
//! | `separator=/t\|/s\|C`       | between fields: tab, space, or the character C  | `/t`    |
//! | `occurrence=f\|l\|a\|N`     | of a repeated field: first, last, all, the Nth  | `a`     |
//! | `aggregator=,\|/s\|C`       | between the occurrences of a repeated field     | `,`     |
//! | `quote=d\|s\|n`             | around each non-empty value: `"`, `'` or nothing | `n`     |
//! | `bom=y\|n`                  | start the output with a UTF-8 byte order mark   | `n`     |
//!
//! Hidden fields count (`ip.addr` holds both addresses, as in tshark).

use super::cell::{write_field_cell, FieldMatcher};
use super::Shown;
use crate::Failure;
use std::io::{self, Write};
use wirelab_wire::FieldDef;

/// Which occurrences of a repeated field a cell shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Occurrence {
    All,
    First,
    Last,
    /// The Nth, counting from 1.
    Nth(u32),
}

/// The `-E` options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldOptions {
    pub header: bool,
    pub separator: char,
    pub occurrence: Occurrence,
    pub aggregator: char,
    pub quote: Option<char>,
    pub bom: bool,
}

impl Default for FieldOptions {
    fn default() -> Self {
        FieldOptions {
            header: false,
            separator: '\t',
            occurrence: Occurrence::All,
            aggregator: ',',
            quote: None,
            bom: false,
        }
    }
}

const OPTIONS_HELP: &str = "the -E options are header=y|n, separator=/t|/s|<char>, \
occurrence=f|l|a|<n>, aggregator=,|/s|<char>, quote=d|s|n, bom=y|n";

impl FieldOptions {
    /// Parse the `-E` arguments (`header=y`, `separator=,` …).
    pub fn parse<'a>(args: impl IntoIterator<Item = &'a String>) -> Result<FieldOptions, Failure> {
        let mut options = FieldOptions::default();
        for arg in args {
            options.set(arg).map_err(|problem| {
                Failure::Usage(format!("-E {arg}: {problem}; {OPTIONS_HELP}"))
            })?;
        }
        Ok(options)
    }

    fn set(&mut self, arg: &str) -> Result<(), &'static str> {
        let (key, value) = arg.split_once('=').ok_or("expected OPTION=VALUE")?;
        match key {
            "header" => self.header = yes_no(value)?,
            "bom" => self.bom = yes_no(value)?,
            "separator" => self.separator = character(value)?,
            "aggregator" => self.aggregator = character(value)?,
            "quote" => {
                self.quote = match value {
                    "d" => Some('"'),
                    "s" => Some('\''),
                    "n" => None,
                    _ => return Err("quote is d (double), s (single) or n (none)"),
                }
            }
            "occurrence" => {
                self.occurrence = match value {
                    "a" => Occurrence::All,
                    "f" => Occurrence::First,
                    "l" => Occurrence::Last,
                    n => match n.parse::<u32>() {
                        Ok(n) if n > 0 => Occurrence::Nth(n),
                        _ => {
                            return Err(
                                "occurrence is f (first), l (last), a (all) or a number from 1",
                            )
                        }
                    },
                }
            }
            _ => return Err("no such option"),
        }
        Ok(())
    }
}

fn yes_no(value: &str) -> Result<bool, &'static str> {
    match value {
        "y" => Ok(true),
        "n" => Ok(false),
        _ => Err("expected y or n"),
    }
}

/// `/t` is a tab, `/s` a space; otherwise the first character counts, as in tshark.
fn character(value: &str) -> Result<char, &'static str> {
    match value {
        "/t" => Ok('\t'),
        "/s" => Ok(' '),
        _ => value.chars().next().ok_or("expected /t, /s or a character"),
    }
}

pub struct FieldsView {
    columns: Vec<&'static FieldDef>,
    matcher: FieldMatcher,
    options: FieldOptions,
    /// The cell of each column for the current frame, reused from frame to frame.
    cells: Vec<String>,
    /// How many occurrences of each column's field the current frame has had so far.
    seen: Vec<u32>,
}

impl FieldsView {
    /// Whether a column is a protocol (`-e tcp`), whose cell is its title.
    pub fn shows_a_protocol(&self) -> bool {
        self.columns
            .iter()
            .any(|def| def.ftype == wirelab_wire::FieldType::Protocol)
    }

    pub fn new(columns: Vec<&'static FieldDef>, options: FieldOptions) -> FieldsView {
        let n = columns.len();
        FieldsView {
            matcher: FieldMatcher::new(&columns),
            columns,
            options,
            cells: vec![String::new(); n],
            seen: vec![0; n],
        }
    }

    pub fn begin(&mut self, out: &mut impl Write) -> io::Result<()> {
        if self.options.bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        if self.options.header {
            let mut separator = [0; 4];
            let separator = self.options.separator.encode_utf8(&mut separator);
            for (i, def) in self.columns.iter().enumerate() {
                if i > 0 {
                    out.write_all(separator.as_bytes())?;
                }
                out.write_all(def.name.as_bytes())?;
            }
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    pub fn frame(&mut self, out: &mut impl Write, shown: &Shown<'_>) -> io::Result<()> {
        self.fill(shown);
        let mut separator = [0; 4];
        let separator = self.options.separator.encode_utf8(&mut separator);
        let mut quote = [0; 4];
        let quote = self.options.quote.map(|q| &*q.encode_utf8(&mut quote));
        for (i, cell) in self.cells.iter().enumerate() {
            if i > 0 {
                out.write_all(separator.as_bytes())?;
            }
            match quote {
                Some(q) if !cell.is_empty() => {
                    out.write_all(q.as_bytes())?;
                    out.write_all(cell.as_bytes())?;
                    out.write_all(q.as_bytes())?;
                }
                _ => out.write_all(cell.as_bytes())?,
            }
        }
        out.write_all(b"\n")
    }

    /// Fill the cells in one pass over the frame's items, in tree order.
    fn fill(&mut self, shown: &Shown<'_>) {
        for cell in &mut self.cells {
            cell.clear();
        }
        self.seen.fill(0);
        let (d, bytes) = (shown.d, shown.frame.bytes);
        for item in &d.items {
            for &column in self.matcher.columns(item.def) {
                let column = column as usize;
                self.seen[column] += 1;
                let nth = self.seen[column];
                let cell = &mut self.cells[column];
                let write = match self.options.occurrence {
                    Occurrence::All => {
                        if nth > 1 {
                            cell.push(self.options.aggregator);
                        }
                        true
                    }
                    Occurrence::First => nth == 1,
                    Occurrence::Last => {
                        cell.clear();
                        true
                    }
                    Occurrence::Nth(n) => nth == n,
                };
                if write {
                    // Writing into a String cannot fail.
                    let _ = write_field_cell(cell, item, d, bytes);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<FieldOptions, Failure> {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        FieldOptions::parse(&args)
    }

    #[test]
    fn the_options_default_as_in_tshark() {
        let options = parse(&[]).ok();
        assert_eq!(options, Some(FieldOptions::default()));
        assert_eq!(FieldOptions::default().separator, '\t');
        assert_eq!(FieldOptions::default().aggregator, ',');
    }

    #[test]
    fn slash_s_and_slash_t_name_a_space_and_a_tab() {
        let options = parse(&["separator=/s", "aggregator=/t"]).ok();
        assert_eq!(
            options.map(|o| (o.separator, o.aggregator)),
            Some((' ', '\t'))
        );
    }

    #[test]
    fn a_separator_is_the_first_character_given() {
        assert_eq!(
            parse(&["separator=ab"]).ok().map(|o| o.separator),
            Some('a')
        );
    }

    #[test]
    fn occurrence_takes_a_letter_or_a_number() {
        assert_eq!(
            parse(&["occurrence=l"]).ok().map(|o| o.occurrence),
            Some(Occurrence::Last)
        );
        assert_eq!(
            parse(&["occurrence=2"]).ok().map(|o| o.occurrence),
            Some(Occurrence::Nth(2))
        );
        assert!(parse(&["occurrence=0"]).is_err());
    }

    #[test]
    fn an_unknown_option_is_a_usage_error_that_lists_the_options() {
        let error = parse(&["colour=y"])
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(error.contains("-E colour=y: no such option"), "{error}");
        assert!(error.contains("occurrence="), "{error}");
    }
}
