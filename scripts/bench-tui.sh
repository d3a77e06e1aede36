#!/usr/bin/env bash
# The TUI benchmark: bash scripts/bench.sh tui [FILE] [--runs N] [--renders N]
#
# On one big capture, measures what a student waits for and what the TUI costs:
#
#   first-screen   the time from start to the first 80×24 screen that shows packets (the
#                  index fills in the background meanwhile); goal < 1 s
#   peak-memory    the peak RSS with the whole capture indexed, against the file's size;
#                  goal < 2× the file
#   render         the time to draw one frame at 200×60 on ratatui's TestBackend, the median
#                  of --renders draws (200): the list, tree and bytes; then the TCP panel (`s`)
#                  beside the ladder of the capture's longest stream
#
# Each result is one line, `bench NAME: wirelab=V goal=V UNIT ratio=R`, ratio = goal / wirelab,
# so above 1 means the goal is met. Each measurement runs --runs times (3); the best is kept.
#
# FILE defaults to the largest bench-out/iperf3-*.pcap that `bash scripts/bench.sh` recorded
# (`bash scripts/bench.sh --quick` records 100,000 packets). The crates/wirelab-tui example
# bench_tui is built with `cargo build --release`; it draws on a TestBackend, so no terminal
# is needed.
set -euo pipefail
# shellcheck source=scripts/bench-lib.sh
. "$(dirname "$0")/bench-lib.sh"

RUNS=3
RENDERS=200
FILE=""
GOAL_FIRST_SCREEN_MS=1000
GOAL_MEMORY_X_FILE=2

# extra_option OPTION VALUE: --renders, this benchmark's one option beside parse_capture_args's.
extra_option() { [[ $1 == --renders ]] && RENDERS=${2:?--renders needs a number}; }
parse_capture_args "$@"
[[ $RENDERS =~ ^[0-9]+$ && $RENDERS -ge 1 ]] || die "--renders wants a number ≥ 1"
choose_capture
[[ -x /usr/bin/time ]] || die "GNU time is not installed (apt-get install -y time)"

build_example wirelab-tui bench_tui
WORK=$(mktemp -d /tmp/wirelab-bench-tui.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

file_mb=$(awk -v b="$(stat -c %s "$FILE")" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "wirelab TUI benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "  capture: $FILE ($file_mb MB)"
echo "  machine: $(machine); each figure the best of $RUNS run(s)"
cat "$FILE" >/dev/null # into the page cache, so the first run reads no faster than the last

first=() loaded=() peak=() frames=""
for ((run = 1; run <= RUNS; run++)); do
    /usr/bin/time -f '%M' -o "$WORK/time" "$EXAMPLE" first-screen "$FILE" >"$WORK/out" ||
        die "bench_tui first-screen $FILE failed"
    line=$(cat "$WORK/out")
    first+=("$(field "$line" first_screen_ms)")
    loaded+=("$(field "$line" loaded_ms)")
    frames=$(field "$line" frames)
    peak+=("$(awk 'END { printf "%.1f", $1 / 1024 }' "$WORK/time")")
    log "run $run/$RUNS: $line peak_mb=${peak[-1]}"
done
echo "  frames:  $frames; whole index loaded in $(smallest "${loaded[@]}") ms"

best_first=$(smallest "${first[@]}")
report first-screen goal "$best_first" "$GOAL_FIRST_SCREEN_MS" ms
goal "first screen < $GOAL_FIRST_SCREEN_MS ms" "$(more_than "$GOAL_FIRST_SCREEN_MS" "$best_first")"

best_peak=$(smallest "${peak[@]}")
memory_goal=$(awk -v f="$file_mb" -v x="$GOAL_MEMORY_X_FILE" 'BEGIN { printf "%.1f", f * x }')
report peak-memory goal "$best_peak" "$memory_goal" MB
goal "peak memory < ${GOAL_MEMORY_X_FILE}× the file ($memory_goal MB)" "$(more_than "$memory_goal" "$best_peak")"

# render NAME [KEY]: the median draw time at 200×60 with the pane KEY opens, the best of RUNS.
# A frame in 1/60 s keeps up with any key repeat; the goal line says whether it does.
render() {
    local name=$1 medians=() run line
    shift
    for ((run = 1; run <= RUNS; run++)); do
        line=$("$EXAMPLE" render "$FILE" "$RENDERS" "$@") || die "bench_tui render $FILE $* failed"
        medians+=("$(field "$line" render_median_ms)")
        log "$name run $run/$RUNS: $line"
    done
    report "$name" goal "$(smallest "${medians[@]}")" 16.7 ms
    goal "$name: one frame drawn in < 16.7 ms (median of $RENDERS)" \
        "$(more_than 16.7 "$(smallest "${medians[@]}")")"
}
render render-200x60
render render-200x60-tcp-panel s
