#!/usr/bin/env bash
# Spikeworks' engine beside Brian2's C++ standalone code on the CUBA benchmark: sets up Brian2
# in a virtual environment of its own (outside the clone), builds Spikeworks' release binary,
# and for each network size runs both alternately (bench/brian2_cuba.py), printing each pair
# and the median ratio of simulation-loop times.
#
# Usage: bash bench/compare-brian2.sh [N ...] [-- options for brian2_cuba.py]
#   e.g. bash bench/compare-brian2.sh 4000 64000 -- --pairs 5
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=()
while (($#)) && [[ $1 != -- ]]; do
    sizes+=("$1")
    shift
done
[[ ${1:-} == -- ]] && shift
((${#sizes[@]})) || sizes=(4000 64000)

venv="$HOME/.cache/spikeworks/brian2-bench-venv"
if ! "$venv/bin/python" -c "import brian2" >/dev/null 2>&1; then
    echo "compare-brian2: installing Brian2 into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet brian2 "numpy<2.4"
fi
command -v g++ >/dev/null || {
    echo "compare-brian2: Brian2's C++ standalone mode needs g++ (apt install g++)" >&2
    exit 1
}

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/spikeworks/target}"
cargo build --release --no-default-features --quiet
binary="$CARGO_TARGET_DIR/release/spikeworks"

for n in "${sizes[@]}"; do
    # One thread each: Brian2 without OpenMP; Spikeworks' engine is single-threaded.
    OMP_NUM_THREADS=1 "$venv/bin/python" bench/brian2_cuba.py "$binary" "$n" "$@"
    echo
done
