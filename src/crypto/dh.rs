//! `wirelab dh` and `wirelab ecdh`: a key exchange with both sides shown, every value on screen;
//! and DH key files in OpenSSL's formats (`dh genkey`, `dh derive`).
//!
//! ```text
//!  wirelab dh [--group G] [--a N --b N] [--explain] [--full] [--seed N]   both sides of one exchange
//!  wirelab dh genkey --group G --out KEY.pem [--pub-out PUB.pem]         a key pair (PKCS #8 / SPKI)
//!  wirelab dh derive --key MINE.pem --peer THEIRS.pem [--pad]           the shared secret in hex
//!  wirelab ecdh [--curve x25519|p256] [--explain] [--full] [--seed N]
//! ```

use super::files::{explained, read_file, write_file, write_stdout};
use crate::Failure;
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};
use wirelab_crypto::dh::{self, DhKeyFile, Group, KeyPair};
use wirelab_crypto::ecdh::{self, Curve};
use wirelab_crypto::{Step, Steps};

/// The groups `--group` accepts: the named ones and `safe-prime` (generated, `--bits`).
const GROUPS: [&str; 6] = [
    "ffdhe2048",
    "ffdhe3072",
    "ffdhe4096",
    "modp14",
    "toy",
    "safe-prime",
];

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DhArgs {
    #[command(subcommand)]
    pub action: Option<DhAction>,
    /// The group: RFC 7919 ffdhe*, RFC 3526 group 14, the textbook p = 23, g = 5, or a safe
    /// prime generated on the spot (--bits).
    #[arg(long, default_value = "ffdhe2048", value_parser = GROUPS)]
    pub group: String,
    /// The size of a generated safe-prime group (--group safe-prime), 8 to 512 bits.
    #[arg(long, default_value_t = 32)]
    pub bits: u64,
    /// Alice's private exponent (decimal or 0x-hex) instead of a random one.
    #[arg(long = "a", value_name = "N")]
    pub alice: Option<String>,
    /// Bob's private exponent (decimal or 0x-hex) instead of a random one.
    #[arg(long = "b", value_name = "N")]
    pub bob: Option<String>,
    /// Show each step's formula and why it is done.
    #[arg(long)]
    pub explain: bool,
    /// Print long numbers in full instead of shortening them with an ellipsis.
    #[arg(long)]
    pub full: bool,
    /// Seed the random numbers, so that the same command prints the same exchange.
    #[arg(long)]
    pub seed: Option<u64>,
}

#[derive(Subcommand, Debug)]
pub enum DhAction {
    /// Make a DH key pair and write it as OpenSSL does (`openssl genpkey -algorithm DH`).
    Genkey(GenkeyArgs),
    /// Compute the shared secret of my private key and a peer's key (`openssl pkeyutl -derive`).
    Derive(DeriveArgs),
}

#[derive(Args, Debug)]
pub struct GenkeyArgs {
    /// The group (a named one; `toy` keys cannot be used with OpenSSL).
    #[arg(long, default_value = "ffdhe2048", value_parser = ["ffdhe2048", "ffdhe3072", "ffdhe4096", "modp14", "toy"])]
    pub group: String,
    /// Where to write the private key (PKCS #8 PEM, "PRIVATE KEY").
    #[arg(long, value_name = "FILE.pem")]
    pub out: PathBuf,
    /// Where to write the public key (SubjectPublicKeyInfo PEM, "PUBLIC KEY"); printed on
    /// standard output when not given.
    #[arg(long, value_name = "FILE.pem")]
    pub pub_out: Option<PathBuf>,
    /// Seed the random numbers (a repeatable key: for lessons only).
    #[arg(long)]
    pub seed: Option<u64>,
}

#[derive(Args, Debug)]
pub struct DeriveArgs {
    /// My private key (PKCS #8 PEM).
    #[arg(long, value_name = "MINE.pem")]
    pub key: PathBuf,
    /// The peer's public key (or private key: its public half is used).
    #[arg(long, value_name = "THEIRS.pem")]
    pub peer: PathBuf,
    /// Left-pad the secret to the size of p (RFC 7919, TLS 1.3; OpenSSL's dh_pad:1) instead of
    /// stripping its leading zero bytes (TLS 1.2, OpenSSL's default).
    #[arg(long)]
    pub pad: bool,
}

#[derive(Args, Debug)]
pub struct EcdhArgs {
    /// The curve: X25519 (our own RFC 7748 code) or P-256 (through ring).
    #[arg(long, default_value = "x25519", value_parser = ["x25519", "p256"])]
    pub curve: String,
    /// Show each step's formula and why it is done.
    #[arg(long)]
    pub explain: bool,
    /// Print long values in full instead of shortening them with an ellipsis.
    #[arg(long)]
    pub full: bool,
    /// Seed the random numbers (X25519 only: ring makes its own P-256 keys).
    #[arg(long)]
    pub seed: Option<u64>,
}

pub fn dh(args: &DhArgs) -> Result<(), Failure> {
    match &args.action {
        Some(DhAction::Genkey(genkey_args)) => genkey(genkey_args),
        Some(DhAction::Derive(derive_args)) => derive(derive_args),
        None => exchange(args),
    }
}

fn exchange(args: &DhArgs) -> Result<(), Failure> {
    let mut rng = wirelab_crypto::rng_from_seed(args.seed);
    let mut generated = None;
    let group = if args.group == "safe-prime" {
        if !(8..=512).contains(&args.bits) {
            return Err(Failure::Usage(format!(
                "--bits {}: a generated safe-prime group must have 8 to 512 bits",
                args.bits
            )));
        }
        let (group, tries) = Group::generate_safe_prime(args.bits, &mut rng);
        generated = Some(tries);
        group
    } else {
        Group::named(&args.group)
            .ok_or_else(|| Failure::Usage(format!("--group {}: unknown group", args.group)))?
    };
    let number = |text: &str, flag: &str| {
        dh::parse_number(text).ok_or_else(|| {
            Failure::Usage(format!(
                "{flag} {text}: expected a number (decimal, or hex with 0x)"
            ))
        })
    };
    let a = match &args.alice {
        Some(text) => number(text, "--a")?,
        None => dh::random_private(&group, &mut rng),
    };
    let b = match &args.bob {
        Some(text) => number(text, "--b")?,
        None => dh::random_private(&group, &mut rng),
    };
    let mut result =
        dh::exchange(&group, a, b).map_err(|error| Failure::Usage(error.to_string()))?;
    if let Some(tries) = generated {
        result.steps.0.insert(
            0,
            Step {
                name: "candidates".to_string(),
                formula: String::new(),
                value: tries.to_string(),
                why: "random primes q tried until p = 2q + 1 was prime too".to_string(),
            },
        );
    }
    write_stdout(render(&result.steps, args.explain, args.full).as_bytes())
}

fn genkey(args: &GenkeyArgs) -> Result<(), Failure> {
    let group = Group::named(&args.group)
        .ok_or_else(|| Failure::Usage(format!("--group {}: unknown group", args.group)))?;
    let mut rng = wirelab_crypto::rng_from_seed(args.seed);
    let pair = KeyPair::generate(&group, &mut rng);
    let private_pem = pair
        .to_pkcs8_pem()
        .map_err(|error| Failure::Input(error.to_string()))?;
    let public_pem = pair
        .public
        .to_spki_pem()
        .map_err(|error| Failure::Input(error.to_string()))?;
    write_file("--out", &args.out, private_pem.as_bytes())?;
    match &args.pub_out {
        Some(path) => write_file("--pub-out", path, public_pem.as_bytes()),
        None => write_stdout(public_pem.as_bytes()),
    }
}

fn derive(args: &DeriveArgs) -> Result<(), Failure> {
    let mine = read_key("--key", &args.key)?;
    let DhKeyFile::Private(pair) = mine else {
        return Err(Failure::Input(format!(
            "--key {}: a public key; --key needs a private key (-----BEGIN PRIVATE KEY-----)",
            args.key.display()
        )));
    };
    let theirs = read_key("--peer", &args.peer)?;
    let secret = pair
        .agree(theirs.public())
        .map_err(|error| Failure::Input(format!("--peer {}: {error}", args.peer.display())))?;
    let bytes = if args.pad {
        secret.padded()
    } else {
        secret.stripped()
    };
    write_stdout(format!("{}\n", wirelab_crypto::hex(&bytes)).as_bytes())
}

pub fn ecdh(args: &EcdhArgs) -> Result<(), Failure> {
    let curve = Curve::named(&args.curve)
        .ok_or_else(|| Failure::Usage(format!("--curve {}: unknown curve", args.curve)))?;
    let result = match curve {
        Curve::X25519 => {
            let mut rng = wirelab_crypto::rng_from_seed(args.seed);
            let a = ecdh::x25519_random_private(&mut rng);
            let b = ecdh::x25519_random_private(&mut rng);
            ecdh::x25519_exchange(a, b)
        }
        Curve::P256 => {
            if args.seed.is_some() {
                return Err(Failure::Usage(
                    "--seed: P-256 keys are made inside ring, which takes no seed; use --curve x25519"
                        .to_string(),
                ));
            }
            ecdh::p256_exchange()
        }
    }
    .map_err(|error| Failure::Input(error.to_string()))?;
    write_stdout(render(&result.steps, args.explain, args.full).as_bytes())
}

fn read_key(flag: &str, path: &Path) -> Result<DhKeyFile, Failure> {
    let bytes = read_file(flag, path)?;
    dh::read_pem(&String::from_utf8_lossy(&bytes))
        .map_err(|error| Failure::Input(format!("{flag} {}: {error}", path.display())))
}

/// The steps as `name = value` lines, or with `--explain` as the full walk-through: formula,
/// value and why. Long values are shortened unless `--full`.
fn render(steps: &Steps, explain: bool, full: bool) -> String {
    if explain {
        return explained(steps, full);
    }
    let shown = if full {
        steps.clone()
    } else {
        steps.shortened()
    };
    let width = shown
        .0
        .iter()
        .map(|step| step.name.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for step in &shown.0 {
        let padding = width - step.name.chars().count();
        out.push_str(&format!(
            "{}{} = {}\n",
            step.name,
            " ".repeat(padding),
            step.value
        ));
    }
    out
}
