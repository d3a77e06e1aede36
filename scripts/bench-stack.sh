#!/usr/bin/env bash
# The stack benchmark: bash scripts/bench.sh stack [--megabytes N] [--runs N] [--buffer BYTES]
#                  (or: bash scripts/bench-stack.sh [OPTIONS])
#
# wirelab's TCP/IP stack against smoltcp (a dev-dependency), each talking to itself over the
# same in-memory Ethernet link and driven by the same loop on virtual time
# (crates/wirelab-stack/examples/bench_stack.rs, helpers in tests/smoltcp_common/): one
# connection sends --megabytes MB (256) and the receiver checks every byte; same MSS (1460),
# same socket buffers (--buffer, 64 KiB); on a clean link and through 1 % loss (the same
# seeded drops for both). The two stacks take turns, --runs times (3), and the best run of
# each is kept: the one least disturbed by the rest of the machine. Each result is one line:
#
#   bench NAME: wirelab=V smoltcp=V Gbit/s ratio=R
#
# where ratio = wirelab / smoltcp (throughput: above 1 means wirelab is faster).
#
# Goals (issue 4): at least as fast as smoltcp (ratio ≥ 1), and ≥ 5 Gbit/s in memory on one core.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
MEGABYTES=256
RUNS=3
BUFFER=65536
GOAL_GBITS=5

log() { printf '==> %s\n' "$*" >&2; }
die() {
    printf 'bench-stack: %s\n' "$*" >&2
    exit 1
}

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit "${1:-0}"
}

parse_args() {
    while (($#)); do
        case $1 in
            --megabytes) MEGABYTES=${2:?--megabytes needs a number}; shift ;;
            --runs) RUNS=${2:?--runs needs a number}; shift ;;
            --buffer) BUFFER=${2:?--buffer needs a number}; shift ;;
            -h | --help) usage 0 ;;
            *) printf 'bench-stack: unknown option %s\n\n' "$1" >&2; usage 2 ;;
        esac
        shift
    done
    [[ $MEGABYTES =~ ^[0-9]+$ && $MEGABYTES -ge 1 ]] || die "--megabytes wants a number ≥ 1"
    [[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 ]] || die "--runs wants a number ≥ 1"
    [[ $BUFFER =~ ^[0-9]+$ && $BUFFER -ge 4096 ]] || die "--buffer wants a number of bytes ≥ 4096"
}

goal() { printf '  goal %s: %s\n' "$1" "$([[ $2 == 1 ]] && echo met || echo 'NOT met')"; }
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b) ? 1 : 0 }'; }
# field LINE KEY: the value of KEY=V in a `bench NAME: k=v …` line.
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

# build_example: sets EXAMPLE to the release build of the bench_stack example.
build_example() {
    log "cargo build --release -p wirelab-stack --example bench_stack"
    (cd "$REPO" && cargo build --release -p wirelab-stack --example bench_stack) >&2 ||
        die "the build of the bench_stack example failed"
    local target_dir
    target_dir=$(cd "$REPO" && cargo metadata --format-version 1 --no-deps |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
    EXAMPLE=$target_dir/release/examples/bench_stack
}

main() {
    parse_args "$@"
    build_example
    echo "stack, $(date -u +%Y-%m-%dT%H:%M:%SZ): $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
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
