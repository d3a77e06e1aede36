# shellcheck shell=bash
# What every scripts/bench*.sh shares. Source it, do not run it, right after `set -euo pipefail`:
#
#   . "$(dirname "$0")/bench-lib.sh"
#
# It sets REPO (the repository's root) and BENCH (the script's name without .sh, which starts
# every error message), and defines the functions below. Each result a benchmark prints is one
# line in the same shape:
#
#   bench NAME: wirelab=V PEER=V UNIT ratio=R
#
# with the ratio chosen so that above 1 always means wirelab does better: PEER / wirelab for
# times and sizes (`report`), wirelab / PEER for rates (`report_rate`).

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$(basename "$0" .sh)

# log TEXT: progress, on stderr so that stdout holds only the results.
log() { printf '==> %s\n' "$*" >&2; }

die() {
    printf '%s: %s\n' "$BENCH" "$*" >&2
    exit 1
}

# usage [STATUS]: the script's header comment (line 2 up to `set -euo pipefail`) is its help.
usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit "${1:-0}"
}

# unknown_option OPTION: a usage error (exit 2), with the help below it.
unknown_option() {
    printf '%s: unknown option %s\n\n' "$BENCH" "$1" >&2
    usage 2
}

# report NAME PEER WIRELAB_VALUE PEER_VALUE UNIT: a time or a size, ratio = PEER / wirelab.
# Sets RATIO.
report() {
    RATIO=$(awk -v w="$3" -v p="$4" 'BEGIN { printf (w > 0 ? "%.2f" : "inf"), (w > 0 ? p / w : 0) }')
    printf 'bench %s: wirelab=%s %s=%s %s ratio=%s\n' "$1" "$3" "$2" "$4" "$5" "$RATIO"
}

# report_rate NAME PEER WIRELAB_VALUE PEER_VALUE UNIT: a rate, ratio = wirelab / PEER. Sets RATIO.
report_rate() {
    RATIO=$(awk -v w="$3" -v p="$4" 'BEGIN { printf (p > 0 ? "%.2f" : "inf"), (p > 0 ? w / p : 0) }')
    printf 'bench %s: wirelab=%s %s=%s %s ratio=%s\n' "$1" "$3" "$2" "$4" "$5" "$RATIO"
}

# goal TEXT MET: a line that says whether a goal of an issue is met (MET is 1 or 0).
goal() { printf '  goal %s: %s\n' "$1" "$([[ $2 == 1 ]] && echo met || echo 'NOT met')"; }
# at_least A B, more_than A B: 1 if A ≥ B (A > B), else 0; for decimals, which bash cannot compare.
at_least() { awk -v a="$1" -v b="$2" 'BEGIN { print (a >= b) ? 1 : 0 }'; }
more_than() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b) ? 1 : 0 }'; }

# smallest NUMBER...: the minimum; largest NUMBER...: the maximum.
smallest() { printf '%s\n' "$@" | sort -g | head -1; }
largest() { printf '%s\n' "$@" | sort -g | tail -1; }

# stats NUMBER...: "median min max" of the numbers.
stats() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
              printf "%.3f %.3f %.3f\n", m, v[1], v[NR] }'
}

# field LINE KEY: the value of KEY=V in a `NAME k=v …` line (what the bench examples print).
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

# machine: the context a figure needs, e.g. "2 cores, load average 1.95 2.10 2.03".
machine() { echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"; }

# target_dir: cargo's target directory (CARGO_TARGET_DIR or .cargo/config may move it).
target_dir() {
    (cd "$REPO" && cargo metadata --format-version 1 --no-deps) |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])'
}

# build_example CRATE NAME: sets EXAMPLE to the release build of crates/CRATE/examples/NAME.rs.
build_example() {
    log "cargo build --release -p $1 --example $2"
    (cd "$REPO" && cargo build --release -p "$1" --example "$2") >&2 ||
        die "the build of the $2 example failed"
    # shellcheck disable=SC2034 # read by the script that sourced this file
    EXAMPLE=$(target_dir)/release/examples/$2
}

# parse_capture_args ARG...: the command line of a benchmark on one capture file: [FILE]
# [--runs N] [-h], and the options of the script's own `extra_option OPTION VALUE`, which
# takes each of them with its value and returns 1 for an option it does not know. Checks
# that RUNS is a number ≥ 1; sets FILE when one is named.
parse_capture_args() {
    while (($#)); do
        case $1 in
            --runs) RUNS=${2:?--runs needs a number}; shift ;;
            -h | --help) usage 0 ;;
            -*) extra_option "$1" "${2:-}" || unknown_option "$1"; shift ;;
            *) FILE=$1 ;;
        esac
        shift
    done
    [[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 ]] || die "--runs wants a number ≥ 1"
}

# choose_capture: when no FILE was named, sets it to the largest capture scripts/bench.sh
# recorded (not one of its -first-N prefixes); checks that FILE can be read.
choose_capture() {
    if [[ -z $FILE ]]; then
        # shellcheck disable=SC2010 # the names are the ones scripts/bench.sh gives: no spaces
        FILE=$(ls -S "$REPO"/bench-out/iperf3-*.pcap 2>/dev/null | grep -v -- '-first-' | head -n 1 || true)
        [[ -n $FILE ]] || die "no bench-out/iperf3-*.pcap: run 'bash scripts/bench.sh --quick' first, or name a file"
    fi
    [[ -r $FILE ]] || die "$FILE: cannot read it"
}
