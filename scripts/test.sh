#!/usr/bin/env bash
# The one test command: bash scripts/test.sh
#
# Installs what the tests need when it is missing (Debian packages as root; mdbook with cargo),
# then runs every check CI runs: rustfmt, clippy, the tests, the book, the fuzz targets.
# Every step runs even when an earlier one failed; the script exits non-zero if any failed.
# Under CI=true, tests that need root, namespaces or tshark fail instead of skipping.
set -uo pipefail
cd "$(dirname "$0")/.."

# mdBook version used to build the book/ (cargo install when `mdbook` is not on PATH).
MDBOOK_VERSION=0.5.4
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

failed=()
step() { printf '\n==> %s\n' "$*"; }

# run NAME COMMAND...: one step, timed; a failure is remembered, not fatal.
run() {
    local name=$1
    shift
    step "$name: $*"
    local start=$SECONDS
    if "$@"; then
        echo "<== $name: ok ($((SECONDS - start)) s)"
    else
        echo "<== $name: FAILED ($((SECONDS - start)) s)"
        failed+=("$name")
    fi
}

# --- 1. What the tests need ------------------------------------------------------------------
# tshark is the oracle, tcpdump the benchmark peer, iproute2/nftables/curl record pcaps/ in a
# network namespace, GNU time measures peak memory, OpenSSL checks that keys and exchanges
# interoperate, tmux drives the terminal UI end to end, ping talks to the user-space stack.
missing=()
for need in tshark:tshark tcpdump:tcpdump ip:iproute2 nft:nftables curl:curl /usr/bin/time:time \
    openssl:openssl python3:python3 tmux:tmux ping:iputils-ping; do
    command -v "${need%%:*}" >/dev/null 2>&1 || missing+=("${need#*:}")
done
if ((${#missing[@]})); then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        step "install: apt-get install ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q </dev/null || exit 1
        apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null || exit 1
    else
        echo "note: missing ${missing[*]} (not root, or no apt-get): tests that need them will skip, or fail under CI=true"
    fi
fi
if ! command -v mdbook >/dev/null 2>&1; then
    step "install: cargo install mdbook $MDBOOK_VERSION"
    cargo install mdbook --locked --version "$MDBOOK_VERSION" --no-default-features --features search ||
        exit 1
fi
step "tools: $(cargo --version), $(mdbook --version), $(tshark --version 2>/dev/null | head -1)"

# --- 2. The checks ----------------------------------------------------------------------------
run fmt cargo fmt --all --check
run clippy cargo clippy --workspace --all-targets --locked -- -D warnings

# Every test binary runs (--no-fail-fast); the log is kept for the count at the end.
test_log=$(mktemp)
trap 'rm -f "$test_log"' EXIT
cargo_test() {
    echo "cargo test --workspace --locked --no-fail-fast"
    cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$test_log"
}
run test cargo_test

run book mdbook build book

# The fuzz targets build with libFuzzer only on nightly (or RUSTC_BOOTSTRAP=1); checking them with
# clippy on stable proves they compile against the current library API.
run fuzz-fmt cargo fmt --manifest-path fuzz/Cargo.toml --check
run fuzz-targets cargo clippy --manifest-path fuzz/Cargo.toml --all-targets -- -D warnings

# --- 3. Summary --------------------------------------------------------------------------------
if ((${#failed[@]})); then
    echo; echo "FAILED steps: ${failed[*]}"
else
    echo; echo "all steps passed"
fi
# Last line: the tests cargo ran, summed over every test binary.
awk '/^test result:/ { for (i = 1; i <= NF; i++) {
        if ($(i + 1) ~ /^passed/) p += $i; if ($(i + 1) ~ /^failed/) f += $i; if ($(i + 1) ~ /^ignored/) s += $i } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$test_log"
((${#failed[@]} == 0))
