#!/usr/bin/env bash
# The analysis benchmark: bash scripts/bench.sh analyze [FILE] [--runs N] [--profile P]
#
# Times `wirelab flows` against `tshark -q -z conv,tcp -z conv,udp` and `wirelab expert`
# against `tshark -q -z expert` on one big capture, and prints one line per comparison:
#
#   bench NAME: wirelab=V tshark=V s ratio=R
#
# ratio = tshark / wirelab: above 1 means wirelab is faster. The goal (issue 3) is 10. Each
# command runs --runs times (3), wirelab and tshark taking turns, and the best wall time is kept.
#
# FILE defaults to the largest bench-out/iperf3-*.pcap that `bash scripts/bench.sh` recorded
# (`bash scripts/bench.sh --quick` records 100,000 packets). wirelab is built with
# `cargo build --profile fast` (or --profile P); set WIRELAB=/path/to/wirelab to skip the build.
set -euo pipefail
# shellcheck source=scripts/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

RUNS=3
PROFILE=fast
FILE=""
GOAL=10

# extra_option OPTION VALUE: --profile, this benchmark's one option beside parse_capture_args's.
extra_option() { [[ $1 == --profile ]] && PROFILE=${2:?--profile needs a name}; }
parse_capture_args "$@"
choose_capture
command -v tshark >/dev/null || die "tshark is not installed (apt-get install -y tshark)"

if [[ -z ${WIRELAB:-} ]]; then
    (cd "$REPO" && cargo build --quiet --profile "$PROFILE" --bin wirelab) >&2
    dir=$PROFILE
    [[ $PROFILE == dev ]] && dir=debug
    WIRELAB=$(target_dir)/$dir/wirelab
fi

# seconds COMMAND...: the wall time of one run, output discarded.
seconds() {
    local start end
    start=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    end=$(date +%s.%N)
    echo "$end - $start" | bc -l
}

# compare NAME WIRELAB_CMD... -- TSHARK_CMD...: run both in turns, keep the best of each, print.
compare() {
    local name=$1
    shift
    local ours=() theirs=()
    while [[ $1 != -- ]]; do ours+=("$1"); shift; done
    shift
    theirs=("$@")
    local ours_s=() theirs_s=() i
    for ((i = 0; i < RUNS; i++)); do
        ours_s+=("$(seconds "${ours[@]}")")
        theirs_s+=("$(seconds "${theirs[@]}")")
    done
    report "$name" tshark "$(printf %.3f "$(smallest "${ours_s[@]}")")" \
        "$(printf %.3f "$(smallest "${theirs_s[@]}")")" s
    goal "$name ≥ $GOAL× faster than tshark" "$(at_least "$RATIO" "$GOAL")"
}

command -v bc >/dev/null || die "bc is not installed (apt-get install -y bc)"
echo "wirelab analysis benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "  capture: $FILE ($(du -h "$FILE" | cut -f1))"
echo "  wirelab: $WIRELAB; tshark $(tshark --version 2>/dev/null | head -n 1 | awk '{print $3}')"
echo "  each figure the best of $RUNS run(s)"
cat "$FILE" >/dev/null # into the page cache before the first run
compare flows-vs-conv "$WIRELAB" flows "$FILE" -- tshark -n -q -r "$FILE" -z conv,tcp -z conv,udp
compare expert-vs-expert "$WIRELAB" expert "$FILE" -- tshark -n -q -r "$FILE" -z expert
