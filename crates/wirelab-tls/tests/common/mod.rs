//! What the OpenSSL interop tests share: whether openssl runs, a throwaway key and certificate.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub fn openssl_available() -> bool {
    let found = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("openssl is not installed, and CI=true: the interop tests must run");
        }
        eprintln!("skipped: the openssl command is not installed");
    }
    found
}

/// A throwaway RSA-2048 key and self-signed certificate in a scratch directory.
pub fn key_and_cert(dir: &Path) -> (PathBuf, PathBuf) {
    let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-days",
            "1",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl req");
    assert!(status.success());
    (key, cert)
}

/// A scratch directory for one test.
pub fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wirelab-tls-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
