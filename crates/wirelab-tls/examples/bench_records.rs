//! Bulk decryption speed of TLS 1.2 AES-GCM records, for `scripts/bench-tls.sh`: seals
//! `--records` application-data records of 16 KiB (the largest a record may carry), then
//! times opening them all, best of `--runs`, and prints `MB/s` (10^6 bytes of plaintext per
//! second) for AES-128-GCM and AES-256-GCM.
//!
//! cargo run --release -p wirelab-tls --example bench_records -- [--records N] [--runs N]

use std::time::Instant;
use wirelab_tls::codec::{CipherSuite, ContentType, ProtocolVersion};
use wirelab_tls::keys::SuiteParams;
use wirelab_tls::protect::RecordKeys;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let (records, runs) = (arg("--records", 2000), arg("--runs", 3));
    const PLAINTEXT: usize = 1 << 14;
    for (name, suite) in [
        (
            "aes-128-gcm",
            CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ),
        (
            "aes-256-gcm",
            CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ),
    ] {
        let params = SuiteParams::of(suite).expect("an implemented suite");
        let key = vec![7u8; params.bulk.key_len()];
        let iv = vec![9u8; params.bulk.key_block_iv_len()];
        let mut sender = RecordKeys::new(&params, &key, &iv, &[]);
        let plaintext = vec![0x5au8; PLAINTEXT];
        let sealed: Vec<Vec<u8>> = (0..records)
            .map(|_| {
                sender
                    .seal(
                        ContentType::APPLICATION_DATA,
                        ProtocolVersion::TLS_1_2,
                        &plaintext,
                        [0; 16],
                    )
                    .0
            })
            .collect();
        let mut best = f64::MAX;
        for _ in 0..runs {
            let mut receiver = RecordKeys::new(&params, &key, &iv, &[]);
            let start = Instant::now();
            for fragment in &sealed {
                let (opened, _) = receiver
                    .open(
                        ContentType::APPLICATION_DATA,
                        ProtocolVersion::TLS_1_2,
                        fragment,
                    )
                    .expect("our own record opens");
                assert_eq!(opened.len(), PLAINTEXT);
            }
            best = best.min(start.elapsed().as_secs_f64());
        }
        let megabytes = (records * PLAINTEXT) as f64 / 1e6;
        println!("{name} {:.1}", megabytes / best);
    }
}
