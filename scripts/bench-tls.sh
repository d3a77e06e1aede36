#!/usr/bin/env bash
# The TLS benchmark: bash scripts/bench.sh tls [--seconds N]
#                (or: bash scripts/bench-tls.sh [OPTIONS])
#
# Each result is one line, as in scripts/bench.sh:
#
#   bench NAME: wirelab=V PEER=V UNIT ratio=R
#
# where ratio = wirelab / PEER for rates (above 1 means wirelab is faster). Absolute numbers
# on a shared machine are noise; ratios are what count.
#
# Parts:
#   handshakes  full TLS 1.2 handshakes per second of `wirelab tls server` against
#               `openssl s_server`, each with the same throwaway RSA-2048 key, driven by the same
#               client loop (`openssl s_time -new -tls1_2`, one connection after another), for an
#               ECDHE-RSA suite and an RSA key-exchange suite; wirelab and OpenSSL taking turns,
#               best of 3 rounds of --seconds (5) each.
#   records     bulk decryption of 16 KiB AES-GCM application-data records:
#               crates/wirelab-tls/examples/bench_records.rs (ring underneath) against
#               `openssl speed -evp aes-128-gcm -decrypt -bytes 16384`, in MB/s.
#
# Servers listen on 127.0.0.1 only, on ports the script picks, and are stopped on exit.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_PER_ROUND=5
ROUNDS=3
WORK=""
PIDS=()

log() { printf '==> %s\n' "$*" >&2; }
die() {
    printf 'bench-tls: %s\n' "$*" >&2
    exit 1
}

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit "${1:-0}"
}

parse_args() {
    while (($#)); do
        case $1 in
            --seconds) SECONDS_PER_ROUND=${2:?--seconds needs a number}; shift ;;
            -h | --help) usage 0 ;;
            *) printf 'bench-tls: unknown option %s\n\n' "$1" >&2; usage 2 ;;
        esac
        shift
    done
    [[ $SECONDS_PER_ROUND =~ ^[0-9]+$ && $SECONDS_PER_ROUND -ge 1 ]] || die "--seconds wants a number ≥ 1"
}

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [[ -n $WORK ]]; then rm -rf "$WORK"; fi
}

# report NAME PEER WIRELAB PEER_VALUE UNIT: ratio = wirelab / peer (rates: higher is better).
report() {
    local ratio
    ratio=$(awk -v w="$3" -v p="$4" 'BEGIN { printf (p > 0 ? "%.2f" : "inf"), (p > 0 ? w / p : 0) }')
    printf 'bench %s: wirelab=%s %s=%s %s ratio=%s\n' "$1" "$3" "$2" "$4" "$5" "$ratio"
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_listening PORT: until something accepts on 127.0.0.1:PORT (10 s at most).
wait_listening() {
    local i
    for i in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    die "nothing listens on 127.0.0.1:$1"
}

# connections_per_second PORT CIPHER: what `openssl s_time -new` measures in one round.
connections_per_second() {
    openssl s_time -connect "127.0.0.1:$1" -new -tls1_2 -cipher "$2" -time "$SECONDS_PER_ROUND" 2>/dev/null |
        awk '/connections in .* real seconds/ { for (i = 1; i <= NF; i++) if ($i == "connections") { print $(i-1) / $(i+2); exit } }'
}

# best NUMBER...: the largest.
best() { printf '%s\n' "$@" | sort -g | tail -1; }

bench_handshakes() {
    local wirelab=$1 suite openssl_cipher wl_port ossl_port round ours=() theirs=()
    openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
        -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
    for pair in TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:ECDHE-RSA-AES128-GCM-SHA256 \
        TLS_RSA_WITH_AES_128_GCM_SHA256:AES128-GCM-SHA256; do
        suite=${pair%%:*}
        openssl_cipher=${pair#*:}
        wl_port=$(free_port)
        "$wirelab" tls server --port "$wl_port" --cert "$WORK/cert.pem" --key "$WORK/key.pem" \
            --cipher "$suite" 2>/dev/null &
        PIDS+=($!)
        ossl_port=$(free_port)
        openssl s_server -tls1_2 -accept "127.0.0.1:$ossl_port" -key "$WORK/key.pem" \
            -cert "$WORK/cert.pem" -cipher "$openssl_cipher" -quiet </dev/null >/dev/null 2>&1 &
        PIDS+=($!)
        wait_listening "$wl_port"
        wait_listening "$ossl_port"
        ours=()
        theirs=()
        for round in $(seq "$ROUNDS"); do
            log "handshakes $suite, round $round"
            ours+=("$(connections_per_second "$wl_port" "$openssl_cipher")")
            theirs+=("$(connections_per_second "$ossl_port" "$openssl_cipher")")
        done
        report "handshakes-${openssl_cipher,,}" openssl "$(best "${ours[@]}")" "$(best "${theirs[@]}")" handshakes/s
    done
}

bench_records() {
    local line ours theirs
    log "cargo build --release -p wirelab-tls --example bench_records"
    cargo build --release --quiet -p wirelab-tls --example bench_records --manifest-path "$REPO/Cargo.toml"
    line=$("$REPO/target/release/examples/bench_records")
    for cipher in aes-128-gcm aes-256-gcm; do
        ours=$(awk -v c="$cipher" '$1 == c { print $2 }' <<<"$line")
        # openssl speed prints "… in Ns" lines and a table whose last column is 16384-byte blocks, in kB/s.
        theirs=$(openssl speed -evp "$cipher" -decrypt -bytes 16384 -seconds 3 2>/dev/null |
            awk -v c="$cipher" 'tolower($1) == c { v = $NF; sub(/k$/, "", v); printf "%.1f", v * 1000 / 1e6 }')
        report "decrypt-$cipher-16k-records" openssl "$ours" "$theirs" MB/s
    done
}

main() {
    parse_args "$@"
    command -v openssl >/dev/null || die "openssl is needed (apt-get install openssl)"
    trap cleanup EXIT
    WORK=$(mktemp -d)
    log "cargo build --release (the wirelab binary)"
    cargo build --release --quiet --manifest-path "$REPO/Cargo.toml" --bin wirelab
    bench_handshakes "$REPO/target/release/wirelab"
    bench_records
}

main "$@"
