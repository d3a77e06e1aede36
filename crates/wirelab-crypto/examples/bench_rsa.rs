//! RSA-2048 speed, for `scripts/bench-crypto.sh`: key generation here and in the RustCrypto
//! `rsa` crate (0.10), taking turns so that both see the same background load; and one private
//! key operation with the Chinese Remainder Theorem against without.
//!
//! ```sh
//! cargo run --release -p wirelab-crypto --example bench_rsa -- [KEYS] [OPERATIONS]
//! ```
//!
//! Prints one line per measurement, `NAME median=V min=V max=V n=N` in milliseconds:
//! `wirelab_keygen_ms`, `rsa_crate_keygen_ms`, `private_crt_ms`, `private_plain_ms`.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;
use std::time::Instant;
use wirelab_crypto::rsa::primitive::private_op;
use wirelab_crypto::rsa::{self, BigUint, Decryption};

/// Milliseconds taken by `work`.
fn time_ms(work: impl FnOnce()) -> f64 {
    let start = Instant::now();
    work();
    start.elapsed().as_secs_f64() * 1000.0
}

/// `NAME median=V min=V max=V n=N`.
fn summary(name: &str, mut samples: Vec<f64>) {
    samples.sort_by(f64::total_cmp);
    let n = samples.len();
    let median = if n % 2 == 1 {
        samples[n / 2]
    } else {
        (samples[n / 2 - 1] + samples[n / 2]) / 2.0
    };
    println!(
        "{name} median={median:.3} min={:.3} max={:.3} n={n}",
        samples[0],
        samples[n - 1]
    );
}

fn main() {
    let mut args = std::env::args().skip(1);
    let keys: usize = args.next().and_then(|text| text.parse().ok()).unwrap_or(20);
    let operations: usize = args.next().and_then(|text| text.parse().ok()).unwrap_or(50);
    let e = BigUint::from(rsa::DEFAULT_EXPONENT);
    let mut rng = rand::rngs::OsRng;

    let mut ours = Vec::with_capacity(keys);
    let mut theirs = Vec::with_capacity(keys);
    let mut last_key = None;
    for _ in 0..keys.max(1) {
        ours.push(time_ms(|| {
            last_key = Some(rsa::generate(2048, &e, &mut rng).expect("2048-bit key"));
        }));
        theirs.push(time_ms(|| {
            ::rsa::PrivateKey::new(&mut getrandom::SysRng, 2048).expect("rsa crate key");
        }));
    }
    summary("wirelab_keygen_ms", ours);
    summary("rsa_crate_keygen_ms", theirs);

    let Some(key) = last_key else { return };
    let mut seeded = ChaCha20Rng::seed_from_u64(2048);
    let mut crt = Vec::with_capacity(operations);
    let mut plain = Vec::with_capacity(operations);
    for _ in 0..operations.max(1) {
        let mut bytes = vec![0u8; key.size()];
        seeded.fill_bytes(&mut bytes);
        let c = BigUint::from_bytes_be(&bytes) % &key.n;
        let mut with_crt = None;
        crt.push(time_ms(|| {
            with_crt = private_op(&key, &c, Decryption::Crt).ok()
        }));
        let mut without = None;
        plain.push(time_ms(|| {
            without = private_op(&key, &c, Decryption::Plain).ok()
        }));
        assert_eq!(with_crt, without, "CRT and cᵈ mod n disagree");
    }
    summary("private_crt_ms", crt);
    summary("private_plain_ms", plain);
}
