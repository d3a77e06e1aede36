#!/usr/bin/env bash
# The stack benchmark: bash scripts/bench.sh stack [--megabytes N] [--runs N] [--buffer BYTES]
#                                                  [--tap-megabytes N] [--only memory|tap]
#                  (or: bash scripts/bench-stack.sh [OPTIONS])
#
# Two sections, each comparing wirelab's TCP/IP stack side by side, in one run, with a peer.
# Each result is one line:
#
#   bench NAME: wirelab=V PEER=V Gbit/s ratio=R
#
# where ratio = wirelab / PEER (throughput: above 1 means wirelab is faster). The two take
# turns, --runs times (3), who goes first alternating, after an untimed warm-up of each, and
# the best run of each is kept: the one least disturbed by the rest of the machine.
#
# memory: wirelab's stack against smoltcp (a dev-dependency), each talking to itself over the
# same in-memory Ethernet link and driven by the same loop on virtual time
# (crates/wirelab-stack/examples/bench_stack.rs, helpers in tests/smoltcp_common/): one
# connection sends --megabytes MB (256) and the receiver checks every byte; same MSS (1460),
# same socket buffers (--buffer, 64 KiB), both sending RFC 7323 timestamps; on a clean link
# and through 1 % loss (the same seeded drops for both). NAME-cpu lines divide by the CPU
# time of the benchmark's thread instead of wall-clock time: on a shared machine other
# programs delay a run more than they slow it, so these vary less (the kernel counts that
# time in scheduler ticks of a few ms: a few percent per run).
# Profiling one stack alone: bench_stack --only wirelab|smoltcp [--line stack-clean].
#
# tap (root only; skipped, saying why, otherwise): the kernel serves a file of
# --tap-megabytes MB (256, random bytes on tmpfs) with nginx (sendfile), and two clients
# download it from that one server, in two network namespaces this script creates and
# deletes (even on failure):
#
#   namespace -server: nginx ── kernel TCP/IP ─┬─ TAP  10.79.1.1 ─ `wirelab stack get` 10.79.1.2
#                                              └─ veth 10.79.2.1 ─ namespace -client: curl 10.79.2.2
#
#   bench stack-tap-download: wirelab=V kernel=V Gbit/s ratio=R
#
# wirelab = `wirelab stack get --tap … -o FILE` (release build; or set WIRELAB=/path/to/wirelab),
# kernel = `curl -o FILE`, the kernel's own TCP client; both MTU 1500, both writing to tmpfs;
# each time is the wall clock of the whole command (start, handshake, transfer, exit), and
# every download's SHA-256 must equal the file's. The reference has the kernel's offloads on
# both ends of the veth (TSO: 64 KB per packet), the TAP device has none (one read(2) per
# 1514-byte frame), as a TAP user gets them.
# Installs nginx-light, curl and iproute2 with apt-get when they are missing.
#
# Goals (issue 4): at least as fast as smoltcp (ratio ≥ 1), ≥ 5 Gbit/s in memory on one core;
# over TAP, the kernel → wirelab download ≥ 1 Gbit/s.
set -euo pipefail
# shellcheck source=scripts/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"
# shellcheck source=scripts/netns-lib.sh
. "$(dirname "$0")/netns-lib.sh"

MEGABYTES=256
RUNS=3
BUFFER=65536
GOAL_GBITS=5
TAP_MEGABYTES=256
TAP_GOAL_GBITS=1
ONLY=all

# The TAP section's network (see the header); names unique to this run.
NS_SERVER=wlbench-stack-$$-server
NS_CLIENT=wlbench-stack-$$-client
TAP=wltap0
TAP_KERNEL=10.79.1.1
TAP_OURS=10.79.1.2/24
VETH_SERVER=10.79.2.1
VETH_CLIENT=10.79.2.2
PORT=8080
WORK=""

parse_args() {
    while (($#)); do
        case $1 in
            --megabytes) MEGABYTES=${2:?--megabytes needs a number}; shift ;;
            --runs) RUNS=${2:?--runs needs a number}; shift ;;
            --buffer) BUFFER=${2:?--buffer needs a number}; shift ;;
            --tap-megabytes) TAP_MEGABYTES=${2:?--tap-megabytes needs a number}; shift ;;
            --only) ONLY=${2:?--only needs memory or tap}; shift ;;
            -h | --help) usage 0 ;;
            *) unknown_option "$1" ;;
        esac
        shift
    done
    [[ $MEGABYTES =~ ^[0-9]+$ && $MEGABYTES -ge 1 ]] || die "--megabytes wants a number ≥ 1"
    [[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 ]] || die "--runs wants a number ≥ 1"
    [[ $BUFFER =~ ^[0-9]+$ && $BUFFER -ge 4096 ]] || die "--buffer wants a number of bytes ≥ 4096"
    [[ $TAP_MEGABYTES =~ ^[0-9]+$ && $TAP_MEGABYTES -ge 1 ]] ||
        die "--tap-megabytes wants a number ≥ 1"
    [[ $ONLY == all || $ONLY == memory || $ONLY == tap ]] ||
        die "--only wants memory or tap, not '$ONLY'"
}

# --- memory: wirelab and smoltcp on an in-memory link ------------------------------------------

memory_section() {
    build_example wirelab-stack bench_stack
    local smoltcp_version
    smoltcp_version=$(awk '/^name = "smoltcp"$/ { getline; gsub(/"/, "", $3); print $3 }' "$REPO/Cargo.lock")
    echo "  peer: smoltcp ${smoltcp_version:-?} (release build, in the same process, the same link and driver loop)"
    local output line
    output=$("$EXAMPLE" --megabytes "$MEGABYTES" --runs "$RUNS" --buffer "$BUFFER") ||
        die "$EXAMPLE failed"
    printf '%s\n' "$output"
    while read -r line; do
        [[ $line == bench\ * ]] || continue
        local name=${line#bench }
        name=${name%%:*}
        goal "$name: at least as fast as smoltcp" "$(at_least "$(field "$line" ratio)" 1)"
        goal "$name: ≥ $GOAL_GBITS Gbit/s" "$(at_least "$(field "$line" wirelab)" $GOAL_GBITS)"
    done <<<"$output"
}

# --- tap: the kernel's server, downloaded by wirelab over a TAP and by curl over a veth ---------

# tap_skip_reason: why this machine cannot run the TAP section (empty when it can).
tap_skip_reason() {
    if [[ $(id -u) != 0 ]]; then
        echo "needs root (network namespaces, a TAP device); run it as root"
    elif [[ ! -e /dev/net/tun ]]; then
        echo "no /dev/net/tun"
    fi
}

# cleanup: stop what we started (by PID), delete our namespaces (and the devices in them) and
# the scratch directory.
cleanup() {
    stop_and_delete_namespaces "$NS_SERVER" "$NS_CLIENT"
    if [[ -n $WORK ]]; then rm -rf "$WORK"; fi
}

# ensure_tap_tools: install the server, the kernel's client and `ip` when missing.
ensure_tap_tools() {
    local missing=() need
    for need in nginx:nginx-light curl:curl ip:iproute2 ss:iproute2 sha256sum:coreutils; do
        command -v "${need%%:*}" >/dev/null 2>&1 || missing+=("${need#*:}")
    done
    ((${#missing[@]})) || return 0
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q </dev/null >&2
    apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null >&2
}

# build_wirelab: sets WIRELAB to the release build of the CLI (or keeps the one given).
build_wirelab() {
    if [[ -n ${WIRELAB:-} ]]; then
        log "using WIRELAB=$WIRELAB (no build)"
        return
    fi
    log "cargo build --release --bin wirelab"
    (cd "$REPO" && cargo build --release --bin wirelab) >&2 || die "the build of wirelab failed"
    WIRELAB=$(target_dir)/release/wirelab
}

# setup_tap_network: the two namespaces of the header, the TAP device up on the kernel's side.
setup_tap_network() {
    ip netns add "$NS_SERVER"
    ip netns add "$NS_CLIENT"
    ip link add veth0 netns "$NS_SERVER" type veth peer name veth0 netns "$NS_CLIENT"
    ip -n "$NS_SERVER" addr add "$VETH_SERVER/24" dev veth0
    ip -n "$NS_CLIENT" addr add "$VETH_CLIENT/24" dev veth0
    local ns
    for ns in "$NS_SERVER" "$NS_CLIENT"; do
        ip -n "$ns" link set lo up
        ip -n "$ns" link set veth0 up
    done
    ip -n "$NS_SERVER" tuntap add "$TAP" mode tap
    ip -n "$NS_SERVER" addr add "$TAP_KERNEL/24" dev "$TAP"
    ip -n "$NS_SERVER" link set "$TAP" up
}

# start_server: nginx in the server namespace, serving WORK/root on PORT of every address.
start_server() {
    # One worker, sendfile: the file goes from the page cache to the socket without a copy
    # through user space, so the server is not what limits either download.
    cat >"$WORK/nginx.conf" <<NGINX
user root;
daemon off;
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 64; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    server { listen $PORT; root $WORK/root; }
}
NGINX
    # `ip netns exec` execs: $! is nginx's PID.
    ip netns exec "$NS_SERVER" nginx -c "$WORK/nginx.conf" -p "$WORK" -e "$WORK/nginx-error.log" \
        >"$WORK/nginx.log" 2>&1 &
    BACKGROUND_PIDS+=("$!")
    local i
    for ((i = 0; i < 100; i++)); do
        ip netns exec "$NS_SERVER" ss -Hltn "sport = :$PORT" | grep -q . && return 0
        kill -0 "$!" 2>/dev/null || break
        sleep 0.05
    done
    die "nginx did not start: $(cat "$WORK/nginx.log" "$WORK/nginx-error.log" 2>/dev/null)"
}

# download WHO: one download of the file by WHO (wirelab or kernel); sets GBITS (wall clock
# of the whole command) and checks the copy's SHA-256.
download() {
    local who=$1 copy=$WORK/copy-$1 start end
    rm -f "$copy"
    local command=(ip netns exec "$NS_CLIENT" curl -sS --max-time 120 -o "$copy"
        "http://$VETH_SERVER:$PORT/big.bin")
    if [[ $who == wirelab ]]; then
        command=(ip netns exec "$NS_SERVER" "$WIRELAB" stack get --tap "$TAP" --addr "$TAP_OURS"
            --timeout 120 "http://$TAP_KERNEL:$PORT/big.bin" -o "$copy")
    fi
    start=$(date +%s%N)
    "${command[@]}" >"$WORK/$who.log" 2>&1 || die "$who's download failed: ${command[*]}: $(tail -5 "$WORK/$who.log")"
    end=$(date +%s%N)
    local sum
    sum=$(sha256sum "$copy" | cut -d' ' -f1)
    [[ $sum == "$FILE_SHA256" ]] ||
        die "$who's copy has SHA-256 $sum, the file $FILE_SHA256 ($(stat -c %s "$copy") of $((TAP_MEGABYTES << 20)) bytes)"
    rm -f "$copy"
    GBITS=$(awk -v bytes=$((TAP_MEGABYTES << 20)) -v ns=$((end - start)) \
        'BEGIN { printf "%.2f", bytes * 8 / ns }')
}

tap_section() {
    local why
    why=$(tap_skip_reason)
    if [[ -n $why ]]; then
        echo "  skipped stack-tap-download: $why"
        return 0
    fi
    ensure_tap_tools
    build_wirelab
    trap cleanup EXIT
    trap 'exit 130' INT TERM # a signal becomes an exit, so the EXIT trap cleans up too
    WORK=$(mktemp -d /dev/shm/wirelab-bench-stack.XXXXXX)
    mkdir "$WORK/root"
    log "tap: $TAP_MEGABYTES MB of random bytes on tmpfs ($WORK)"
    head -c $((TAP_MEGABYTES << 20)) /dev/urandom >"$WORK/root/big.bin"
    FILE_SHA256=$(sha256sum "$WORK/root/big.bin" | cut -d' ' -f1)
    setup_tap_network
    start_server
    echo "  tap: nginx $(nginx -v 2>&1 | sed 's|.*/||') (sendfile) serves $TAP_MEGABYTES MB from tmpfs;" \
        "wirelab stack get over TAP (MTU 1500) vs curl $(curl --version | awk 'NR == 1 { print $2 }')" \
        "over veth (MTU 1500, offloads on); best of $RUNS"

    log "tap: a warm-up download of each (untimed)"
    download wirelab
    download kernel
    local run wirelab_gbits=() kernel_gbits=() first
    for ((run = 1; run <= RUNS; run++)); do
        if ((run % 2)); then first=(wirelab kernel); else first=(kernel wirelab); fi
        local who
        for who in "${first[@]}"; do
            download "$who"
            if [[ $who == wirelab ]]; then wirelab_gbits+=("$GBITS"); else kernel_gbits+=("$GBITS"); fi
        done
        log "stack-tap-download run $run/$RUNS: wirelab ${wirelab_gbits[-1]} Gbit/s, kernel ${kernel_gbits[-1]} Gbit/s"
    done
    report_rate stack-tap-download kernel "$(largest "${wirelab_gbits[@]}")" \
        "$(largest "${kernel_gbits[@]}")" Gbit/s
    goal "stack-tap-download: ≥ $TAP_GOAL_GBITS Gbit/s" \
        "$(at_least "$(largest "${wirelab_gbits[@]}")" $TAP_GOAL_GBITS)"
    cleanup
    trap - EXIT INT TERM
}

main() {
    parse_args "$@"
    echo "stack, $(date -u +%Y-%m-%dT%H:%M:%SZ): $(machine)"
    if [[ $ONLY != tap ]]; then memory_section; fi
    if [[ $ONLY != memory ]]; then tap_section; fi
}

main "$@"
