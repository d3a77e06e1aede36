//! `wirelab fields [PROTOCOL]`: every field wirelab knows, for students and for `-e` and `-Y`.
//!
//! ```text
//! tcp.window_size_value  UInt16  Window  how many more bytes the sender of this segment is …
//! ```

use crate::cli::FieldsArgs;
use crate::{output_error, Failure};
use std::io::{self, BufWriter, Write};
use wirelab_wire::{registry, FieldDef, FieldType};

pub fn run(args: &FieldsArgs) -> Result<(), Failure> {
    let wanted = |def: &&FieldDef| args.protocol.as_deref().is_none_or(|p| def.protocol() == p);
    let defs: Vec<&FieldDef> = registry::all().filter(wanted).collect();
    if defs.is_empty() {
        let mut protocols: Vec<&str> = Vec::new();
        for protocol in registry::all().map(|def| def.protocol()) {
            if !protocols.contains(&protocol) {
                protocols.push(protocol);
            }
        }
        return Err(Failure::Usage(format!(
            "wirelab knows no protocol {:?}; it knows {}",
            args.protocol.as_deref().unwrap_or(""),
            protocols.join(", ")
        )));
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    write_table(&mut out, &defs)
        .and_then(|()| out.flush())
        .or_else(output_error)
}

/// One line per field, the columns aligned: name, type, label, explanation.
fn write_table(out: &mut impl Write, defs: &[&FieldDef]) -> io::Result<()> {
    let name_width = defs
        .iter()
        .map(|def| def.name.chars().count())
        .max()
        .unwrap_or(0);
    let label_width = defs
        .iter()
        .map(|def| def.label.chars().count())
        .max()
        .unwrap_or(0);
    writeln!(
        out,
        "{:name_width$}  {:8}  {:label_width$}  MEANING",
        "NAME", "TYPE", "LABEL"
    )?;
    for def in defs {
        writeln!(
            out,
            "{:name_width$}  {:8}  {:label_width$}  {}",
            def.name,
            type_name(def.ftype),
            def.label,
            def.explain
        )?;
    }
    Ok(())
}

/// A field type as Wireshark's `tshark -G fields` names it, shortened.
fn type_name(ftype: FieldType) -> String {
    match ftype {
        FieldType::Protocol => "protocol".into(),
        FieldType::None => "label".into(),
        FieldType::Bool => "bool".into(),
        FieldType::UInt { bits } => format!("uint{bits}"),
        FieldType::Int { bits } => format!("int{bits}"),
        FieldType::Ipv4 => "ipv4".into(),
        FieldType::Ipv6 => "ipv6".into(),
        FieldType::Ether => "ether".into(),
        FieldType::Bytes => "bytes".into(),
        FieldType::Str => "string".into(),
        FieldType::Double => "double".into(),
        FieldType::AbsTime => "time".into(),
        FieldType::RelTime => "seconds".into(),
        FieldType::FrameNum => "frame".into(),
    }
}
