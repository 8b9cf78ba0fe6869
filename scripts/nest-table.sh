#!/usr/bin/env bash
# Exports every bundled example to NEST, runs it there and in Spikeworks, and prints a
# markdown table: identical (the spike files are the same byte for byte), approximated or
# statistical (with both spike counts and the report's first reason), or not exportable.
#   bash scripts/nest-table.sh [DURATION] [BACKEND]      (default 2s, the plain NEST script)
# With a BACKEND (brian2, nest) it exports the PyNN script instead and runs it there
# (`--backend BACKEND`; Brian2 with numpy code, at most 5 minutes per example).
# Needs the spikeworks binary (SPIKEWORKS, default the debug build in CARGO_TARGET_DIR or
# target/) and NEST (SPIKEWORKS_NEST_PYTHON, default the venv scripts/setup.sh makes).
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-2s}"
backend="${2:-}"
target="${CARGO_TARGET_DIR:-target}"
bin="${SPIKEWORKS:-$target/debug/spikeworks}"
python="${SPIKEWORKS_NEST_PYTHON:-$HOME/.cache/spikeworks/nest-venv/bin/python}"
[[ -x "$bin" ]] || { echo "no spikeworks binary at $bin: cargo build first" >&2; exit 1; }
"$python" -c "import nest" >/dev/null 2>&1 || { echo "no NEST in $python: bash scripts/setup.sh" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "codegen.target = 'numpy'" > "$work/brian_preferences"
export_as=(--nest)
run_as=()
if [[ -n "$backend" ]]; then
    export_as=(--pynn)
    run_as=(--backend "$backend")
fi

echo "| example | ${backend:-NEST} | spikes (Spikeworks / ${backend:-NEST}) | why not identical |"
echo "|---|---|---|---|"
for circuit in assets/examples/*.circuit.ron; do
    name="$(basename "$circuit" .circuit.ron)"
    # Touch sensors are pressed one after another (sensor i from 0.2 + 0.1 i s for 0.3 s),
    # so circuits that wait for a finger fire too.
    touches="$(awk '/sensors: \[/{on=1; next} on && /^    \]/{on=0} on && match($0, /label: "[^"]*"/) {
        label = substr($0, RSTART + 8, RLENGTH - 9)
        printf "%s%s@%.1fs..%.1fs", (i ? "," : ""), label, 0.2 + 0.1 * i, 0.5 + 0.1 * i; i++
    }' "$circuit")"
    args=(--duration "$duration")
    [[ -n "$touches" ]] && args+=(--touch "$touches")
    if ! report="$("$bin" export "$circuit" "${export_as[@]}" "$work/$name.py" "${args[@]}" 2>&1)"; then
        echo "| $name | not exportable | | ${report//$'\n'/ } |"
        continue
    fi
    "$bin" run "$circuit" "${args[@]}" --spikes "$work/$name.csv" >/dev/null
    if ! stopped="$(cd "$work" && timeout 300 "$python" "$name.py" "$name.nest.csv" "${run_as[@]}" 2>&1 >/dev/null)"; then
        [[ -z "$stopped" ]] && stopped="more than 5 minutes"
        echo "| $name | stopped | | $(tail -n 1 <<< "$stopped") |"
        continue
    fi
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
