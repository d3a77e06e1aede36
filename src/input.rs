//! Where the capture comes from: a file, standard input (`-`), or the sample built into the
//! binary, so that `wirelab dissect` with no argument shows something on a fresh machine.

use crate::Failure;
use std::fs::File;
use std::io::{self, Read};
use std::sync::Arc;

/// The path of the sample capture inside the repository.
pub const SAMPLE_PATH: &str = "pcaps/http-ipv4.pcap";

/// An opened capture source and the name errors should call it by.
pub struct Input {
    /// The file name as the user gave it (`-` for standard input).
    pub name: String,
    pub reader: Box<dyn Read>,
}

/// Open `file`: a path, `-` for standard input, or `None` for the built-in sample.
pub fn open(file: Option<&str>) -> Result<Input, Failure> {
    match file {
        Some("-") => Ok(Input {
            name: "-".to_string(),
            reader: Box::new(io::stdin().lock()),
        }),
        Some(path) => open_path(path, path),
        None => sample(),
    }
}

fn open_path(path: &str, name: &str) -> Result<Input, Failure> {
    match File::open(path) {
        Ok(file) => Ok(Input {
            name: name.to_string(),
            reader: Box::new(file),
        }),
        Err(error) => Err(Failure::Input(format!("{name}: {error}"))),
    }
}

/// The sample capture, built into the binary: a curl fetching a page from
/// `python3 -m http.server` over IPv4, recorded by scripts in pcaps/.
static SAMPLE: &[u8] = include_bytes!("../pcaps/http-ipv4.pcap");

fn sample() -> Result<Input, Failure> {
    Ok(Input {
        name: SAMPLE_PATH.to_string(),
        reader: Box::new(SAMPLE),
    })
}

/// A capture that a command reads more than once (`wirelab tls dissect` makes a pass to find
/// the TLS streams, then one per stream). A path is opened again for each pass; standard
/// input can be read only once, so it is kept in memory.
pub enum Rereadable {
    Path(String),
    StandardInput(Arc<[u8]>),
}

impl Rereadable {
    pub fn new(file: &str) -> Result<Rereadable, Failure> {
        if file != "-" {
            return Ok(Rereadable::Path(file.to_string()));
        }
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|error| Failure::Input(format!("-: {error}")))?;
        Ok(Rereadable::StandardInput(bytes.into()))
    }

    /// The capture from its first byte.
    pub fn open(&self) -> Result<Input, Failure> {
        match self {
            Rereadable::Path(path) => open_path(path, path),
            Rereadable::StandardInput(bytes) => Ok(Input {
                name: "-".to_string(),
                reader: Box::new(io::Cursor::new(SharedBytes(bytes.clone()))),
            }),
        }
    }
}

/// `Arc<[u8]>` as `AsRef<[u8]>`, so that a `Cursor` reads it without copying.
struct SharedBytes(Arc<[u8]>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}
