#!/usr/bin/env bash
# The loaders' fuzz harness (examples/fuzz_loaders.rs) under a 6 GiB memory limit, so that an
# input that allocates without bound aborts the run instead of the machine.
# Usage: scripts/fuzz.sh [INPUTS] [SEED]   (FUZZ_PROFILE=release for the long runs)
set -euo pipefail
cd "$(dirname "$0")/.."
profile=()
[[ "${FUZZ_PROFILE:-debug}" == release ]] && profile=(--release)
cargo build "${profile[@]}" --no-default-features --example fuzz_loaders
target="${CARGO_TARGET_DIR:-target}/${FUZZ_PROFILE:-debug}/examples/fuzz_loaders"
ulimit -v $((6 * 1024 * 1024))
exec "$target" "${1:-10000}" "${2:-1}"
