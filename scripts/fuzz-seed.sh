#!/usr/bin/env bash
# Seed the fuzz corpora from the sample captures and tcpdump's test captures:
#   fuzz/corpus/read_capture/   whole capture files (the first 64 KiB of each)
#   fuzz/corpus/dissect_frame/  single frames, prefixed with their link-type byte
#   fuzz/corpus/reassemble/     a few TCP conversations (HTTP, MQTT, SMTP) as segment lists
# The corpora are generated, never committed (.gitignore). Then, for example:
#   RUSTC_BOOTSTRAP=1 cargo fuzz run dissect_frame -- -max_total_time=120
set -euo pipefail
cd "$(dirname "$0")/.."

shopt -s nullglob
captures=(pcaps/*.pcap pcaps/*.pcapng tests/data/tcpdump-tests/*.pcap tests/data/tcpdump-tests/*.pcapng)

mkdir -p fuzz/corpus/read_capture fuzz/corpus/dissect_frame
for f in "${captures[@]}"; do
    head -c 65536 "$f" >"fuzz/corpus/read_capture/$(basename "$f")"
done
echo "fuzz-seed: ${#captures[@]} captures in fuzz/corpus/read_capture"

cargo run --quiet --release --manifest-path fuzz/Cargo.toml --example seed_frames -- \
    fuzz/corpus/dissect_frame "${captures[@]}"
cargo run --quiet --release --manifest-path fuzz/Cargo.toml --example seed_segments -- \
    fuzz/corpus/reassemble
