#!/usr/bin/env bash
# Exports every bundled example to NEST, runs it there and in Spikeworks, and prints a
# markdown table: identical (the spike files are the same byte for byte), approximated or
# statistical (with both spike counts and the report's first reason), or not exportable.
#   bash scripts/nest-table.sh [DURATION]      (default 2s)
# Needs the spikeworks binary (SPIKEWORKS, default the debug build in CARGO_TARGET_DIR or
# target/) and NEST (SPIKEWORKS_NEST_PYTHON, default the venv scripts/setup.sh makes).
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-2s}"
target="${CARGO_TARGET_DIR:-target}"
bin="${SPIKEWORKS:-$target/debug/spikeworks}"
python="${SPIKEWORKS_NEST_PYTHON:-$HOME/.cache/spikeworks/nest-venv/bin/python}"
[[ -x "$bin" ]] || { echo "no spikeworks binary at $bin: cargo build first" >&2; exit 1; }
"$python" -c "import nest" 2>/dev/null || { echo "no NEST in $python: bash scripts/setup.sh" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "| example | in NEST | spikes (Spikeworks / NEST) | why |"
echo "|---|---|---|---|"
for circuit in assets/examples/*.circuit.ron; do
    name="$(basename "$circuit" .circuit.ron)"
    if ! report="$("$bin" export "$circuit" --nest "$work/$name.py" --duration "$duration" 2>&1)"; then
        echo "| $name | not exportable | | ${report//$'\n'/ } |"
        continue
    fi
    "$bin" run "$circuit" --duration "$duration" --spikes "$work/$name.csv" >/dev/null
    "$python" "$work/$name.py" "$work/$name.nest.csv" >/dev/null 2>&1
    ours=$(($(wc -l < "$work/$name.csv") - 1))
    theirs=$(($(wc -l < "$work/$name.nest.csv") - 1))
    why="$(printf '%s\n' "$report" | awk '/^(Approximated|Statistical):/{on=1; next} /^[A-Z].*:$/{on=0} on && /^  - /{sub(/^  - /, ""); print; exit}')"
    if cmp -s "$work/$name.csv" "$work/$name.nest.csv"; then
        echo "| $name | identical | $ours / $theirs | |"
    else
        kind="differs"
        grep -q '^Statistical:' <<< "$report" && kind="statistical"
        grep -q '^Approximated:' <<< "$report" && kind="approximated"
        echo "| $name | $kind | $ours / $theirs | ${why:-} |"
    fi
done
