//! Prints, for every frame of one capture, what `tshark -T fields -e frame.number
//! -e frame.time_epoch -e frame.len -e frame.cap_len -e frame.interface_id` prints:
//!
//! ```text
//! cargo run -p wirelab-capture --example fields -- FILE
//! ```

use std::io::Write;
use std::path::Path;

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "-".to_string());
    let mut reader = match wirelab_capture::open(Path::new(&path)) {
        Ok(reader) => reader,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let pcapng = reader.format() == wirelab_capture::FileFormat::PcapNg;
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    loop {
        match reader.next_record() {
            Ok(Some(r)) => {
                let f = r.frame;
                let time = if r.has_timestamp {
                    f.ts.to_string()
                } else {
                    String::new()
                };
                let interface = if pcapng {
                    f.interface.to_string()
                } else {
                    String::new()
                };
                let _ = writeln!(
                    out,
                    "{}\t{time}\t{}\t{}\t{interface}",
                    f.number,
                    f.orig_len,
                    f.bytes.len()
                );
            }
            Ok(None) => break,
            Err(e) => {
                let _ = out.flush();
                eprintln!("{path}: {e}");
                std::process::exit(2);
            }
        }
    }
}
