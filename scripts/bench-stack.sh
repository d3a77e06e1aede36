#!/usr/bin/env bash
# The stack benchmark: bash scripts/bench.sh stack [--megabytes N] [--runs N] [--buffer BYTES]
#                  (or: bash scripts/bench-stack.sh [OPTIONS])
#
# wirelab's TCP/IP stack against smoltcp (a dev-dependency), each talking to itself over the
# same in-memory Ethernet link and driven by the same loop on virtual time
# (crates/wirelab-stack/examples/bench_stack.rs, helpers in tests/smoltcp_common/): one
# connection sends --megabytes MB (256) and the receiver checks every byte; same MSS (1460),
# same socket buffers (--buffer, 64 KiB), both sending RFC 7323 timestamps; on a clean link
# and through 1 % loss (the same seeded drops for both). After an untimed warm-up transfer of each, the two stacks take
# turns, --runs times (3), who goes first alternating, and the best run of each is kept: the
# one least disturbed by the rest of the machine. Each result is one line:
#
#   bench NAME: wirelab=V smoltcp=V Gbit/s ratio=R
#
# where ratio = wirelab / smoltcp (throughput: above 1 means wirelab is faster). NAME-cpu
# lines divide by the CPU time of the benchmark's thread instead of wall-clock time: on a
# shared machine other programs delay a run more than they slow it, so these vary less
# (the kernel counts that time in scheduler ticks of a few ms: a few percent per run).
# Profiling one stack alone: bench_stack --only wirelab|smoltcp [--line stack-clean].
#
# Goals (issue 4): at least as fast as smoltcp (ratio ≥ 1), and ≥ 5 Gbit/s in memory on one core.
set -euo pipefail
# shellcheck source=scripts/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

MEGABYTES=256
RUNS=3
BUFFER=65536
GOAL_GBITS=5

parse_args() {
    while (($#)); do
        case $1 in
            --megabytes) MEGABYTES=${2:?--megabytes needs a number}; shift ;;
            --runs) RUNS=${2:?--runs needs a number}; shift ;;
            --buffer) BUFFER=${2:?--buffer needs a number}; shift ;;
            -h | --help) usage 0 ;;
            *) unknown_option "$1" ;;
        esac
        shift
    done
    [[ $MEGABYTES =~ ^[0-9]+$ && $MEGABYTES -ge 1 ]] || die "--megabytes wants a number ≥ 1"
    [[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 ]] || die "--runs wants a number ≥ 1"
    [[ $BUFFER =~ ^[0-9]+$ && $BUFFER -ge 4096 ]] || die "--buffer wants a number of bytes ≥ 4096"
}

main() {
    parse_args "$@"
    build_example wirelab-stack bench_stack
    echo "stack, $(date -u +%Y-%m-%dT%H:%M:%SZ): $(machine)"
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

main "$@"
