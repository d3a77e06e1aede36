# shellcheck shell=bash
# What the scripts that build network namespaces share (scripts/bench.sh, bench-stack.sh,
# record-pcaps.sh). Source it right after `set -euo pipefail`:
#
#   . "$(dirname "$0")/netns-lib.sh"
#
# A script adds the PID of everything it starts in the background to BACKGROUND_PIDS, and its
# EXIT trap calls stop_and_delete_namespaces, so that nothing it made outlives it, even after a
# failure.

BACKGROUND_PIDS=()

# stop_and_delete_namespaces NAMESPACE...: stop what we started (by PID, never by name: other
# programs on the machine may have the same name), then delete the namespaces and the devices in
# them. Quiet when some of it is already gone, as it is when a run ends normally.
stop_and_delete_namespaces() {
    local pid namespace
    for pid in "${BACKGROUND_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${BACKGROUND_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    for namespace in "$@"; do
        ip netns delete "$namespace" 2>/dev/null || true
    done
}
