//! DH-2048 key agreement speed, for `scripts/bench-crypto.sh` (compared with
//! `openssl speed ffdh2048`).
//!
//! ```sh
//! cargo run --release -p wirelab-crypto --example bench_dh -- [SECONDS]
//! ```
//!
//! One operation is what OpenSSL's `speed ffdh2048` times: the peer value's range check
//! (1 < Y < p−1, the "partial" validation of NIST SP 800-56A §5.6.2.3.4 that OpenSSL 3 does in
//! `DH_compute_key`) and Z = Y^x mod p with a 225-bit x. Our `KeyPair::agree` also does the
//! full subgroup check Y^q mod p = 1, a 2047-bit exponent: timed separately, to show its price.
//! Prints `derive_ops_per_sec=V agree_ops_per_sec=V`.

use num_bigint::BigUint;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::time::{Duration, Instant};
use wirelab_crypto::dh::{Group, KeyPair};

/// Operations per second of `operation`, run for about `budget`.
fn ops_per_sec(budget: Duration, mut operation: impl FnMut()) -> f64 {
    operation(); // warm up
    let start = Instant::now();
    let mut count = 0u64;
    while start.elapsed() < budget {
        operation();
        count += 1;
    }
    count as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let seconds: f64 = std::env::args()
        .nth(1)
        .and_then(|text| text.parse().ok())
        .unwrap_or(3.0);
    let budget = Duration::from_secs_f64(seconds);
    let group = Group::ffdhe2048();
    let mut rng = ChaCha20Rng::seed_from_u64(2048);
    let mine = KeyPair::generate(&group, &mut rng);
    let peer = KeyPair::generate(&group, &mut rng);
    let one = BigUint::from(1u32);
    let p_minus_1 = &group.p - 1u32;

    let mut sink = 0u64;
    let derive = ops_per_sec(budget, || {
        let y = &peer.public.y;
        assert!(y > &one && y < &p_minus_1);
        let z = y.modpow(&mine.x, &group.p);
        sink = sink.wrapping_add(z.bits());
    });
    let agree = ops_per_sec(budget / 2, || {
        let secret = mine.agree(&peer.public).expect("honest keys agree");
        sink = sink.wrapping_add(secret.z.bits());
    });
    eprintln!("(checksum {sink})");
    println!("derive_ops_per_sec={derive:.1} agree_ops_per_sec={agree:.1}");
}
