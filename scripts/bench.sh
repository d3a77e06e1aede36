#!/usr/bin/env bash
# The benchmark: bash scripts/bench.sh [--quick] [--runs N] [--packets N] [--record] [--profile P]
#           or: bash scripts/bench.sh SECTION [OPTIONS]  (runs scripts/bench-SECTION.sh: crypto, …)
#
# Compares `wirelab dissect` with tshark and tcpdump, side by side in one run, on a big capture of
# real TCP traffic. Each result is one line:
#
#   bench NAME: wirelab=V PEER=V UNIT ratio=R
#
# where ratio = PEER / wirelab, so above 1 means wirelab is faster (or smaller). Absolute times on a
# shared machine are noise; ratios are what count. Each command runs --runs times (3), wirelab and
# its peer taking turns so that both see the same background load, and the best (smallest) wall
# time is kept: the run least disturbed by the rest of the machine.
#
# Steps:
#   1. record bench-out/iperf3-N.pcap: N packets (1,000,000) of iperf3 between two network
#      namespaces joined by a veth pair, headers only (tcpdump -s 96). Kept for the next run
#      (--record records again). bench-out/ is ignored by git: never commit it.
#   2. cargo build --profile fast (release + LTO; or --profile P; or set WIRELAB=/path/to/wirelab to skip the build);
#      check that wirelab's -T fields output equals tshark's on the first N/10 packets.
#   3. time and measure (wall clock; and CPU time and peak RSS with GNU time's %U %S %M):
#        summary view    wirelab dissect FILE     vs  tshark -n -r FILE, tcpdump -n -r FILE
#        -T fields       8 fields                 vs  tshark -T fields, the same 8 fields
#        peak memory     on N packets vs on an N/10 prefix (flat = does not grow with the file),
#                        and vs tshark's
#
# --quick: 100,000 packets, for a smoke run (about a minute, most of it tshark).
# Needs root (namespaces, tcpdump) the first time, to record; installs what it needs with apt-get.
# Traffic never leaves the namespaces this script creates and deletes (even on failure).
set -euo pipefail
# shellcheck source=scripts/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"
# shellcheck source=scripts/netns-lib.sh
. "$(dirname "$0")/netns-lib.sh"

OUT=$REPO/bench-out

PACKETS=1000000
RUNS=3
PROFILE=fast  # release + LTO, one codegen unit (Cargo.toml)
RECORD=no

# The eight fields of the -T fields comparison: a typical "export to a spreadsheet" request.
FIELDS=(frame.number ip.src ip.dst tcp.srcport tcp.dstport tcp.seq tcp.ack tcp.len)
FIELD_ARGS=()
for field in "${FIELDS[@]}"; do FIELD_ARGS+=(-e "$field"); done

# The goals of issue 2 (ratios, and a memory ceiling in MB at 1M packets).
GOAL_VS_TSHARK=20
GOAL_VS_TCPDUMP=1
GOAL_FIELDS_VS_TSHARK=10
GOAL_MEMORY_MB=50

NS_A=wlbench-$$-a
NS_B=wlbench-$$-b
WORK=""

parse_args() {
    while (($#)); do
        case $1 in
            --quick) PACKETS=100000 ;;
            --runs) RUNS=${2:?--runs needs a number}; shift ;;
            --packets) PACKETS=${2:?--packets needs a number}; shift ;;
            --record) RECORD=yes ;;
            --profile) PROFILE=${2:?--profile needs a name}; shift ;;
            -h | --help) usage 0 ;;
            *) unknown_option "$1" ;;
        esac
        shift
    done
    [[ $PACKETS =~ ^[0-9]+$ && $PACKETS -ge 1000 ]] || die "--packets wants a number ≥ 1000"
    [[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 ]] || die "--runs wants a number ≥ 1"
}

# cleanup: stop what we started (by PID), delete our namespaces and scratch files.
cleanup() {
    stop_and_delete_namespaces "$NS_A" "$NS_B"
    if [[ -n $WORK ]]; then rm -rf "$WORK"; fi
}

# ensure_tools: install the missing peers and helpers (a fresh Debian machine lacks them).
ensure_tools() {
    local missing=() need
    for need in tshark:tshark tcpdump:tcpdump capinfos:wireshark-common /usr/bin/time:time \
        iperf3:iperf3 ethtool:ethtool ip:iproute2 python3:python3; do
        command -v "${need%%:*}" >/dev/null 2>&1 || missing+=("${need#*:}")
    done
    ((${#missing[@]})) || return 0
    [[ $(id -u) == 0 ]] || die "missing ${missing[*]}: install them, or run as root to have them installed"
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q </dev/null >&2
    apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null >&2
}

# --- 1. The capture -----------------------------------------------------------------------------

# packet_count FILE: the number of packets in a capture file.
packet_count() { capinfos -c -M -T -r "$1" | cut -f2; }

# start_in NS LOGFILE COMMAND...: COMMAND in the background inside NS; sets LAST_PID.
start_in() {
    local ns=$1 logfile=$2
    shift 2
    ip netns exec "$ns" "$@" >"$logfile" 2>&1 & # `ip netns exec` execs: $! is COMMAND's PID
    LAST_PID=$!
    BACKGROUND_PIDS+=("$LAST_PID")
}

# wait_until SECONDS DESCRIPTION COMMAND...: poll COMMAND every 50 ms until it succeeds.
wait_until() {
    local tries=$(($1 * 20)) what=$2 i
    shift 2
    for ((i = 0; i < tries; i++)); do
        "$@" 2>/dev/null && return 0
        sleep 0.05
    done
    die "timed out waiting for $what"
}

# listening NS PORT: does a TCP socket listen on PORT in namespace NS?
listening() { ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .; }

# setup_network: two namespaces joined by a veth pair, offloads off so that the capture holds
# MTU-sized segments with real checksums, as on a real link.
setup_network() {
    ip netns add "$NS_A"
    ip netns add "$NS_B"
    ip link add eth0 netns "$NS_A" type veth peer name eth0 netns "$NS_B"
    local ns
    for ns in "$NS_A" "$NS_B"; do
        ip netns exec "$ns" ethtool -K eth0 tx off tso off gso off gro off >/dev/null
        ip -n "$ns" link set lo up
        ip -n "$ns" link set eth0 up
    done
    ip -n "$NS_A" addr add 10.99.2.1/24 dev eth0
    ip -n "$NS_B" addr add 10.99.2.2/24 dev eth0
}

# record_capture FILE COUNT: COUNT packets of an iperf3 transfer from A to B, headers only.
record_capture() {
    local file=$1 count=$2 partial=$1.partial
    [[ $(id -u) == 0 ]] || die "recording $file needs root (network namespaces, tcpdump)"
    log "recording $count packets of iperf3 over a veth into $file"
    setup_network
    start_in "$NS_B" "$WORK/iperf3-server.log" iperf3 --server --one-off --bind 10.99.2.2
    local server=$LAST_PID
    wait_until 5 "the iperf3 server" listening "$NS_B" 5201
    # -s 96: Ethernet, IP and TCP headers with options, a few payload bytes; -B: a 32 MB kernel
    # buffer, so that tcpdump keeps up; -c: stop after exactly COUNT packets.
    start_in "$NS_A" "$WORK/tcpdump.log" \
        tcpdump -i eth0 -n -s 96 -B 32768 -c "$count" -Z root -w "$partial"
    local capture=$LAST_PID
    wait_until 5 "tcpdump" grep -q 'listening on' "$WORK/tcpdump.log"
    # -t 120: far longer than needed; we stop the client once tcpdump has its packets.
    start_in "$NS_A" "$WORK/iperf3-client.log" iperf3 --client 10.99.2.2 --time 120
    local client=$LAST_PID
    while kill -0 "$capture" 2>/dev/null; do
        kill -0 "$client" 2>/dev/null ||
            die "iperf3 stopped before tcpdump had $count packets: $(cat "$WORK/iperf3-client.log")"
        sleep 0.2
    done
    wait "$capture" || die "tcpdump failed: $(cat "$WORK/tcpdump.log")"
    kill "$client" "$server" 2>/dev/null || true
    wait "$client" "$server" 2>/dev/null || true
    ip netns delete "$NS_A"
    ip netns delete "$NS_B"
    mv "$partial" "$file" # only a complete capture gets the real name
}

# prepare_captures: sets BIG (PACKETS packets) and SMALL (its first PACKETS/10), recording BIG
# only when it is missing (or --record).
prepare_captures() {
    mkdir -p "$OUT"
    BIG=$OUT/iperf3-$PACKETS.pcap
    SMALL=$OUT/iperf3-$PACKETS-first-$((PACKETS / 10)).pcap
    if [[ $RECORD == yes || ! -f $BIG ]]; then
        record_capture "$BIG" "$PACKETS"
        rm -f "$SMALL"
    else
        log "reusing $BIG (--record records it again)"
    fi
    # -Z root: as root, Debian's tcpdump would otherwise write the file as user "tcpdump".
    [[ -f $SMALL ]] || tcpdump -r "$BIG" -c $((PACKETS / 10)) -Z root -w "$SMALL" 2>/dev/null
    local n
    n=$(packet_count "$BIG")
    ((n == PACKETS)) || die "$BIG holds $n packets, not $PACKETS: delete it or use --record"
}

# --- 2. The build -------------------------------------------------------------------------------

# build_wirelab: sets WIRELAB to the optimised binary (or keeps the one given in $WIRELAB).
build_wirelab() {
    if [[ -n ${WIRELAB:-} ]]; then
        log "using WIRELAB=$WIRELAB (no build)"
        BUILT_WITH="given in WIRELAB, not built here"
        return
    fi
    BUILT_WITH="cargo build --profile $PROFILE"
    log "cargo build --profile $PROFILE"
    (cd "$REPO" && cargo build --profile "$PROFILE" --bin wirelab) >"$WORK/build.log" 2>&1 ||
        die "the build failed: $(tail -20 "$WORK/build.log")"
    local dir=$PROFILE
    [[ $PROFILE == dev ]] && dir=debug
    WIRELAB=$(target_dir)/$dir/wirelab
}

# check_wirelab: untimed runs of both views, so that we never time a program that fails early.
check_wirelab() {
    local lines expected
    expected=$(packet_count "$SMALL")
    lines=$("$WIRELAB" dissect "$SMALL" | wc -l) || die "wirelab dissect $SMALL failed"
    ((lines == expected)) ||
        die "wirelab dissect printed $lines lines for $expected packets: not ready to benchmark"
    lines=$("$WIRELAB" dissect -T fields "${FIELD_ARGS[@]}" "$SMALL" | wc -l) ||
        die "wirelab dissect -T fields ${FIELD_ARGS[*]} $SMALL failed"
    ((lines == expected)) ||
        die "wirelab dissect -T fields printed $lines lines for $expected packets"
}

# same_as_tshark: do wirelab and tshark print the same -T fields on SMALL? A ratio between two
# programs means little if they do not do the same work.
same_as_tshark() {
    "$WIRELAB" dissect -T fields "${FIELD_ARGS[@]}" "$SMALL" >"$WORK/wirelab.fields"
    tshark -n -r "$SMALL" -T fields "${FIELD_ARGS[@]}" >"$WORK/tshark.fields" 2>/dev/null
    local differ
    differ=$(diff "$WORK/wirelab.fields" "$WORK/tshark.fields" | grep -c '^<' || true)
    if ((differ == 0)); then
        echo "  check: -T fields output identical to tshark's on $SMALL"
    else
        echo "  check: -T fields output DIFFERS from tshark's on $differ lines of $SMALL"
    fi
}

# --- 3. Measuring -------------------------------------------------------------------------------

# measure COMMAND...: run COMMAND once, its output to /dev/null; sets SECONDS_TAKEN (wall clock),
# CPU_SECONDS (user + system) and PEAK_MB (maximum resident set size).
measure() {
    local start end
    start=$(date +%s%N)
    /usr/bin/time -f '%M %U %S' -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" ||
        die "failed: $* : $(tail -3 "$WORK/stderr")"
    end=$(date +%s%N)
    SECONDS_TAKEN=$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }')
    # GNU time's %M is in KiB; %U and %S in seconds, to the hundredth.
    PEAK_MB=$(awk 'END { printf "%.1f", $1 / 1024 }' "$WORK/time")
    CPU_SECONDS=$(awk 'END { printf "%.2f", $2 + $3 }' "$WORK/time")
}

# versus NAME PEER WIRELAB_CMD_ARRAY PEER_CMD_ARRAY: time both RUNS times, taking turns, and report
# the best wall time of each (NAME), then the best CPU time (NAME-cpu: user + system seconds, which
# other programs on a busy machine disturb less). Sets RATIO to the wall-clock ratio, and
# WIRELAB_MB and PEER_MB to the largest peak RSS seen.
versus() {
    local name=$1 peer=$2
    local -n wirelab_cmd=$3 peer_cmd=$4
    local run wall_ratio
    local wirelab_s=() peer_s=() wirelab_cpu=() peer_cpu=() wirelab_mb=() peer_mb=()
    log "$name: ${wirelab_cmd[*]}  vs  ${peer_cmd[*]}"
    for ((run = 1; run <= RUNS; run++)); do
        measure "${wirelab_cmd[@]}"
        wirelab_s+=("$SECONDS_TAKEN") wirelab_cpu+=("$CPU_SECONDS") wirelab_mb+=("$PEAK_MB")
        measure "${peer_cmd[@]}"
        peer_s+=("$SECONDS_TAKEN") peer_cpu+=("$CPU_SECONDS") peer_mb+=("$PEAK_MB")
        log "  run $run/$RUNS: wirelab ${wirelab_s[-1]} s (cpu ${wirelab_cpu[-1]} s)," \
            "$peer ${peer_s[-1]} s (cpu ${peer_cpu[-1]} s)"
    done
    report "$name" "$peer" "$(smallest "${wirelab_s[@]}")" "$(smallest "${peer_s[@]}")" s
    wall_ratio=$RATIO
    report "$name-cpu" "$peer" "$(smallest "${wirelab_cpu[@]}")" "$(smallest "${peer_cpu[@]}")" cpu-s
    RATIO=$wall_ratio
    WIRELAB_MB=$(largest "${wirelab_mb[@]}")
    PEER_MB=$(largest "${peer_mb[@]}")
}

# run_benchmarks: the comparisons of issue 2, on BIG (and SMALL for the memory growth).
run_benchmarks() {
    # shellcheck disable=SC2034 # used by name in versus
    local wl_summary=("$WIRELAB" dissect "$BIG") tshark_summary=(tshark -n -r "$BIG")
    # shellcheck disable=SC2034
    local tcpdump_summary=(tcpdump -n -r "$BIG")
    # shellcheck disable=SC2034
    local wl_fields=("$WIRELAB" dissect -T fields "${FIELD_ARGS[@]}" "$BIG")
    # shellcheck disable=SC2034
    local tshark_fields=(tshark -n -r "$BIG" -T fields "${FIELD_ARGS[@]}")
    local big_label small_label
    big_label=$(human "$PACKETS")
    small_label=$(human $((PACKETS / 10)))

    versus summary-vs-tshark tshark wl_summary tshark_summary
    local wirelab_big_mb=$WIRELAB_MB tshark_mb=$PEER_MB
    goal "summary ≥ ${GOAL_VS_TSHARK}× faster than tshark" "$(at_least "$RATIO" $GOAL_VS_TSHARK)"

    versus summary-vs-tcpdump tcpdump wl_summary tcpdump_summary
    goal "summary faster than tcpdump" "$(more_than "$RATIO" $GOAL_VS_TCPDUMP)"

    versus fields-vs-tshark tshark wl_fields tshark_fields
    goal "-T fields (${#FIELDS[@]} fields) ≥ ${GOAL_FIELDS_VS_TSHARK}× faster than tshark" \
        "$(at_least "$RATIO" $GOAL_FIELDS_VS_TSHARK)"

    # Memory: the summary view on the whole file against its first tenth. A streaming reader that
    # keeps no per-frame state uses the same memory for both.
    local run small_mb=()
    log "memory: $WIRELAB dissect on the first $small_label packets"
    for ((run = 1; run <= RUNS; run++)); do
        measure "$WIRELAB" dissect "$SMALL"
        small_mb+=("$PEAK_MB")
    done
    report "memory-$big_label-vs-$small_label" "wirelab@$small_label" "$wirelab_big_mb" \
        "$(largest "${small_mb[@]}")" MB
    goal "peak memory flat in file size ($big_label packets within 10 % of $small_label)" \
        "$(at_least "$RATIO" 0.9)"
    report memory-vs-tshark tshark "$wirelab_big_mb" "$tshark_mb" MB
    goal "peak memory under $GOAL_MEMORY_MB MB" "$(more_than $GOAL_MEMORY_MB "$wirelab_big_mb")"
}

# human N: 1000000 -> 1M, 100000 -> 100k.
human() {
    awk -v n="$1" 'BEGIN {
        if (n >= 1e6 && n % 1e6 == 0) printf "%dM", n / 1e6
        else if (n >= 1e3 && n % 1e3 == 0) printf "%dk", n / 1e3
        else printf "%d", n }'
}

# describe: what was measured, where, with what: the context a ratio needs.
describe() {
    echo "wirelab benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "  capture: $BIG ($(packet_count "$BIG") packets, $(du -h "$BIG" | cut -f1)): iperf3 over a veth, tcpdump -s 96"
    echo "  machine: $(machine); each figure the best of $RUNS run(s)"
    echo "  wirelab: $WIRELAB ($BUILT_WITH)"
    echo "  peers:   tshark $(tshark --version 2>/dev/null | awk 'NR == 1 { print $3 }')," \
        "tcpdump $(tcpdump --version 2>&1 | awk 'NR == 1 { print $3 }')"
}

main() {
    # Other sections live in scripts/bench-SECTION.sh: `bash scripts/bench.sh crypto …`.
    if (($#)) && [[ $1 != -* ]]; then
        local section=$1
        shift
        [[ -f $REPO/scripts/bench-$section.sh ]] || die "no benchmark section '$section' (scripts/bench-$section.sh)"
        exec bash "$REPO/scripts/bench-$section.sh" "$@"
    fi
    parse_args "$@"
    ensure_tools
    trap cleanup EXIT
    trap 'exit 130' INT TERM # a signal becomes an exit, so the EXIT trap cleans up too
    WORK=$(mktemp -d /tmp/wirelab-bench.XXXXXX)

    prepare_captures
    build_wirelab
    check_wirelab
    cat "$BIG" "$SMALL" >/dev/null # into the page cache, so the first run reads no faster than the last

    local report_file
    report_file=$OUT/bench-$(human "$PACKETS").txt
    {
        describe
        same_as_tshark
        run_benchmarks
    } | tee "$report_file"
    log "report saved in $report_file"
}

main "$@"
