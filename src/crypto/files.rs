//! What the cryptography commands share: files read and written with errors that name the flag
//! and the file (`--key k.pem: No such file or directory`), standard output, and the steps
//! printed as `--explain` shows them.

use crate::{output_error, Failure};
use std::io::{self, Read, Write};
use std::path::Path;
use wirelab_crypto::Steps;

/// The bytes of the file given with `flag`; `-` reads standard input.
pub(super) fn read_file(flag: &str, path: &Path) -> Result<Vec<u8>, Failure> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|error| Failure::Input(format!("{flag} -: standard input: {error}")))?;
        return Ok(bytes);
    }
    std::fs::read(path)
        .map_err(|error| Failure::Input(format!("{flag} {}: {error}", path.display())))
}

/// Write the file given with `flag`.
pub(super) fn write_file(flag: &str, path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes)
        .map_err(|error| Failure::Input(format!("{flag} {}: {error}", path.display())))
}

/// Write to standard output; a closed pipe (`| head`) is not an error.
pub(super) fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .or_else(output_error)
}

/// The steps as `--explain` prints them: long values shortened unless `--full`.
pub(super) fn explained(steps: &Steps, full: bool) -> String {
    if full {
        steps.to_string()
    } else {
        steps.shortened().to_string()
    }
}
