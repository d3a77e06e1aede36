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
# shellcheck source=scripts/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

SECONDS_PER_ROUND=5
ROUNDS=3
WORK=""
PIDS=()

parse_args() {
    while (($#)); do
        case $1 in
            --seconds) SECONDS_PER_ROUND=${2:?--seconds needs a number}; shift ;;
            -h | --help) usage 0 ;;
            *) unknown_option "$1" ;;
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

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_listening PORT: until something accepts on 127.0.0.1:PORT (10 s at most).
wait_listening() {
    local _
    for _ in $(seq 100); do
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
        report_rate "handshakes-${openssl_cipher,,}" openssl "$(largest "${ours[@]}")" "$(largest "${theirs[@]}")" handshakes/s
    done
}

bench_records() {
    local line ours theirs
    build_example wirelab-tls bench_records
    line=$("$EXAMPLE") || die "$EXAMPLE failed"
    for cipher in aes-128-gcm aes-256-gcm; do
        ours=$(awk -v c="$cipher" '$1 == c { print $2 }' <<<"$line")
        # openssl speed prints "… in Ns" lines and a table whose last column is 16384-byte blocks, in kB/s.
        theirs=$(openssl speed -evp "$cipher" -decrypt -bytes 16384 -seconds 3 2>/dev/null |
            awk -v c="$cipher" 'tolower($1) == c { v = $NF; sub(/k$/, "", v); printf "%.1f", v * 1000 / 1e6 }')
        report_rate "decrypt-$cipher-16k-records" openssl "$ours" "$theirs" MB/s
    done
}

main() {
    parse_args "$@"
    command -v openssl >/dev/null || die "openssl is needed (apt-get install openssl)"
    trap cleanup EXIT
    WORK=$(mktemp -d)
    log "cargo build --release (the wirelab binary)"
    cargo build --release --quiet --manifest-path "$REPO/Cargo.toml" --bin wirelab
    bench_handshakes "$(target_dir)/release/wirelab"
    bench_records
}

main "$@"
