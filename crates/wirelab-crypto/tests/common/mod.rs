//! What the OpenSSL interop tests (`dh_openssl.rs`, `rsa_openssl.rs`) share: finding the
//! `openssl` command, running it, and a scratch directory for the files they exchange.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Is `openssl` there? Skipping is allowed outside CI only.
pub fn have_openssl(test: &str) -> bool {
    let found = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{test}: the openssl command is missing, and CI=true forbids skipping"
        );
        eprintln!("{test}: skipped: no openssl command (apt-get install openssl)");
    }
    found
}

/// Run openssl with `args`; panic with its stderr when it fails; return its stdout.
pub fn openssl(args: &[&str]) -> Vec<u8> {
    let output = Command::new("openssl").args(args).output().unwrap();
    assert!(
        output.status.success(),
        "openssl {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// A fresh scratch directory for one test's files.
pub fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wirelab-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `file` in `dir`, as an argument for openssl.
pub fn path(dir: &Path, file: &str) -> String {
    dir.join(file).to_string_lossy().into_owned()
}
