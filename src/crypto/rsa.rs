//! `wirelab keygen` and `wirelab rsa`: RSA keys made and used step by step, in the file formats
//! OpenSSL reads and writes.
//!
//! ```text
//!  wirelab keygen rsa [--bits N] [--toy] [--explain] [--full] [--out FILE.pem] [--seed N]
//!  wirelab rsa encrypt|decrypt|sign|verify --key FILE --in FILE [--out FILE] [--sig FILE]
//!              [--pss] [--hash sha256|sha384] [--no-crt] [--explain] [--full] [--seed N]
//! ```
//!
//! Encryption and decryption use PKCS#1 v1.5 (what `openssl pkeyutl -encrypt` does by default);
//! signatures PKCS#1 v1.5 with SHA-256, or PSS with `--pss` (salt length = hash length, as
//! TLS's rsa_pss_rsae_sha256 and `-pkeyopt rsa_pss_saltlen:digest`).

use super::files::{explained, read_file, write_file, write_stdout};
use crate::Failure;
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};
use wirelab_crypto::arith;
use wirelab_crypto::rsa::{
    self, keyfile, pkcs1v15, pss, Decryption, Hash, KeyFile, KeyFormat, PrivateKey,
};
use wirelab_crypto::Steps;

/// Keys below this size are refused by `wirelab rsa`, as by `wirelab keygen` (RSA-512 was
/// factored in 1999; smaller keys cannot hold a SHA-256 DigestInfo).
const MIN_KEY_BITS: u64 = rsa::keygen::MIN_BITS;

#[derive(Args, Debug)]
pub struct KeygenArgs {
    /// The key type (RSA is the only one; DH keys: `wirelab dh genkey`).
    #[arg(value_parser = ["rsa"], default_value = "rsa")]
    pub algorithm: String,
    /// The modulus size in bits (512 to 16384).
    #[arg(long, default_value_t = 2048)]
    pub bits: u64,
    /// The textbook key p = 61, q = 53, e = 17 (n = 3233), small enough to check by hand.
    #[arg(long, conflicts_with = "bits")]
    pub toy: bool,
    /// The public exponent.
    #[arg(long, default_value_t = rsa::DEFAULT_EXPONENT)]
    pub e: u32,
    /// Print every step: p, q, n, φ(n), λ(n), e, d, dP, dQ, qInv, each with its formula and why.
    #[arg(long)]
    pub explain: bool,
    /// With --explain: print long numbers in full instead of shortening them.
    #[arg(long)]
    pub full: bool,
    /// Write the private key to FILE instead of standard output.
    #[arg(long, value_name = "FILE.pem")]
    pub out: Option<PathBuf>,
    /// Also write the public key (SubjectPublicKeyInfo, or PKCS#1 with --format pkcs1) to FILE.
    #[arg(long, value_name = "FILE.pem")]
    pub pub_out: Option<PathBuf>,
    /// The private key structure: PKCS#8 ("PRIVATE KEY", as openssl genrsa writes) or PKCS#1
    /// ("RSA PRIVATE KEY", as openssl genrsa -traditional).
    #[arg(long, value_enum, default_value_t = FormatArg::Pkcs8)]
    pub format: FormatArg,
    /// Write DER instead of PEM (needs --out: DER is binary).
    #[arg(long)]
    pub der: bool,
    /// Seed the random numbers, so that the same command makes the same key (for teaching
    /// only: a key anyone can remake is no secret).
    #[arg(long)]
    pub seed: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Pkcs8,
    Pkcs1,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Action {
    /// PKCS#1 v1.5 encryption with the public key.
    Encrypt,
    /// PKCS#1 v1.5 decryption with the private key.
    Decrypt,
    /// A signature with the private key (PKCS#1 v1.5, or PSS with --pss).
    Sign,
    /// Check a signature (--sig) against the message (--in).
    Verify,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum HashArg {
    Sha256,
    Sha384,
}

#[derive(Args, Debug)]
pub struct RsaArgs {
    /// What to do.
    #[arg(value_enum)]
    pub action: Action,
    /// The key file: PEM or DER; PKCS#1, PKCS#8 or SubjectPublicKeyInfo.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The input: the message (encrypt, sign, verify) or the ciphertext (decrypt); `-` reads
    /// standard input.
    #[arg(long = "in", value_name = "FILE")]
    pub input: PathBuf,
    /// Where to write the result; standard output when not given.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The signature: read by verify, written by sign (instead of --out).
    #[arg(long, value_name = "FILE")]
    pub sig: Option<PathBuf>,
    /// Sign and verify with RSA-PSS (MGF1, salt length = hash length) instead of PKCS#1 v1.5.
    #[arg(long)]
    pub pss: bool,
    /// The hash of the signature.
    #[arg(long, value_enum, default_value_t = HashArg::Sha256)]
    pub hash: HashArg,
    /// Decrypt with the textbook formula cᵈ mod n instead of the CRT (slower).
    #[arg(long)]
    pub no_crt: bool,
    /// Print every step with its formula and why.
    #[arg(long)]
    pub explain: bool,
    /// With --explain: print long numbers in full.
    #[arg(long)]
    pub full: bool,
    /// Seed the random padding and salt (for reproducible examples only).
    #[arg(long)]
    pub seed: Option<u64>,
}

pub fn keygen(args: &KeygenArgs) -> Result<(), Failure> {
    if args.der && args.out.is_none() {
        return Err(Failure::Usage(
            "--der needs --out FILE: DER is binary and would garble a terminal".into(),
        ));
    }
    let e = rsa::BigUint::from(args.e);
    let (key, steps) = if args.toy {
        if args.e != rsa::DEFAULT_EXPONENT && args.e != 17 {
            return Err(Failure::Usage(format!(
                "--e {}: the toy key uses the textbook exponent 17",
                args.e
            )));
        }
        toy_walkthrough()
    } else {
        let mut rng = wirelab_crypto::rng_from_seed(args.seed);
        rsa::generate_with_steps(args.bits, &e, &mut rng).map_err(|error| {
            Failure::Usage(format!("--bits {} --e {}: {error}", args.bits, args.e))
        })?
    };
    let format = match args.format {
        FormatArg::Pkcs8 => KeyFormat::Pkcs8,
        FormatArg::Pkcs1 => KeyFormat::Pkcs1,
    };
    let input_error = |error: rsa::Error| Failure::Input(error.to_string());
    let mut text = String::new();
    if args.explain || args.toy {
        text.push_str(&explained(&steps, args.full));
    }
    let private = if args.der {
        keyfile::private_key_der(&key, format).map_err(input_error)?
    } else {
        keyfile::private_key_pem(&key, format)
            .map_err(input_error)?
            .into_bytes()
    };
    if let Some(path) = &args.pub_out {
        let public = if args.der {
            keyfile::public_key_der(&key.public_key(), format).map_err(input_error)?
        } else {
            keyfile::public_key_pem(&key.public_key(), format)
                .map_err(input_error)?
                .into_bytes()
        };
        write_file("--pub-out", path, &public)?;
    }
    match &args.out {
        Some(path) => {
            write_file("--out", path, &private)?;
            if !args.explain && !args.toy {
                text.push_str(&format!(
                    "wrote a {}-bit RSA private key to {}\n",
                    key.n.bits(),
                    path.display()
                ));
            }
        }
        None => text.push_str(&String::from_utf8_lossy(&private)),
    }
    write_stdout(text.as_bytes())
}

/// The toy key's steps, then the classic example worked through: 65 encrypted and decrypted.
fn toy_walkthrough() -> (PrivateKey, Steps) {
    let (key, mut steps) = rsa::keygen::toy_key_with_steps();
    let message = rsa::BigUint::from(65u32);
    steps.push(
        "m",
        "",
        "65",
        "a message: any number below n (the textbook encrypts the letter 'A' = 65)",
    );
    let c = arith::mod_pow_steps(&message, &key.e, &key.n, &mut steps);
    steps.push(
        "c",
        "mᵉ mod n",
        c.to_string(),
        "the ciphertext: anyone can compute it from (n, e)",
    );
    let decrypted = arith::mod_pow(&c, &key.d, &key.n);
    steps.push(
        "cᵈ mod n",
        format!("{c}^{} mod {}", key.d, key.n),
        decrypted.to_string(),
        "decryption gives m back, because e·d ≡ 1 (mod λ(n))",
    );
    (key, steps)
}

pub fn rsa(args: &RsaArgs) -> Result<(), Failure> {
    let key_file = read_key(&args.key)?;
    let public = key_file.public_key();
    if public.n.bits() < MIN_KEY_BITS {
        return Err(Failure::Input(format!(
            "--key {}: key too small: a {}-bit modulus; wirelab rsa needs at least {MIN_KEY_BITS} \
             bits (the toy key is for `wirelab keygen rsa --toy` by hand)",
            args.key.display(),
            public.n.bits()
        )));
    }
    let input = read_file("--in", &args.input)?;
    let hash = match args.hash {
        HashArg::Sha256 => Hash::Sha256,
        HashArg::Sha384 => Hash::Sha384,
    };
    let method = if args.no_crt {
        Decryption::Plain
    } else {
        Decryption::Crt
    };
    let mut rng = wirelab_crypto::rng_from_seed(args.seed);
    let mut steps = Steps::new();
    let record = if args.explain { Some(&mut steps) } else { None };
    let in_name = format!("--in {}", args.input.display());
    let result = match args.action {
        Action::Encrypt => pkcs1v15::encrypt(&public, &input, &mut rng, record)
            .map_err(|error| Failure::Input(format!("{in_name}: {error}")))?,
        Action::Decrypt => {
            let key = private_key(&key_file, &args.key, "decrypt")?;
            pkcs1v15::decrypt(key, &input, method, record).map_err(|error| {
                Failure::Input(format!(
                    "{in_name}: {error}: not a PKCS#1 v1.5 ciphertext for this key \
                     ({} bytes; this key's ciphertexts have {})",
                    input.len(),
                    key.size()
                ))
            })?
        }
        Action::Sign => {
            let key = private_key(&key_file, &args.key, "sign")?;
            let signed = if args.pss {
                pss::sign(key, &input, hash, &mut rng, record)
            } else {
                pkcs1v15::sign(key, &input, hash, record)
            };
            signed
                .map_err(|error| Failure::Input(format!("--key {}: {error}", args.key.display())))?
        }
        Action::Verify => {
            let sig_path = args.sig.as_ref().ok_or_else(|| {
                Failure::Usage("rsa verify needs the signature: --sig FILE".into())
            })?;
            let signature = read_file("--sig", sig_path)?;
            let verified = if args.pss {
                pss::verify(&public, &input, &signature, hash, record)
            } else {
                pkcs1v15::verify(&public, &input, &signature, hash, record)
            };
            let scheme = if args.pss { "RSA-PSS" } else { "PKCS#1 v1.5" };
            let mut text = explained(&steps, args.full);
            match verified {
                Ok(()) => {
                    text.push_str(&format!("signature valid ({scheme}, {})\n", hash.name()));
                    return write_stdout(text.as_bytes());
                }
                Err(error) => {
                    write_stdout(text.as_bytes())?;
                    return Err(Failure::Input(format!(
                        "--sig {}: {error} ({scheme}, {})",
                        sig_path.display(),
                        hash.name()
                    )));
                }
            }
        }
    };
    let destination = match args.action {
        Action::Sign => args.sig.as_ref().or(args.out.as_ref()),
        _ => args.out.as_ref(),
    };
    let flag = if args.action == Action::Sign && args.sig.is_some() {
        "--sig"
    } else {
        "--out"
    };
    match destination {
        Some(path) => {
            write_file(flag, path, &result)?;
            write_stdout(explained(&steps, args.full).as_bytes())
        }
        // With --explain and no file, the steps already show the result in hex.
        None if args.explain => write_stdout(explained(&steps, args.full).as_bytes()),
        None => write_stdout(&result),
    }
}

fn private_key<'k>(key: &'k KeyFile, path: &Path, action: &str) -> Result<&'k PrivateKey, Failure> {
    match key {
        KeyFile::Private(key) => Ok(key),
        KeyFile::Public(_) => Err(Failure::Input(format!(
            "--key {}: holds a public key, but {action} needs the private key",
            path.display()
        ))),
    }
}

fn read_key(path: &Path) -> Result<KeyFile, Failure> {
    let bytes = read_file("--key", path)?;
    keyfile::read_key(&bytes)
        .map_err(|error| Failure::Input(format!("--key {}: {error}", path.display())))
}
