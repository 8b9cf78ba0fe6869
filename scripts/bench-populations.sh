#!/usr/bin/env bash
# Peak resident memory, build and simulation time of CUBA built from populations (a circuit
# file of two populations and four projections) beside CUBA built as synapse entities, at
# 4 000, 16 000 and 64 000 neurons, one biological second each, in one run. Timing medians
# come from `cargo bench --no-default-features --bench sim -- cuba`; this adds the memory.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x /usr/bin/time ]] || { echo "bench-populations: needs GNU time (apt-get install time)" >&2; exit 1; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/spikeworks/target}"
# The core without the GUI, as CI builds it (dev profile: this crate at opt-level 3).
cargo build --no-default-features --quiet
bin="$CARGO_TARGET_DIR/debug/spikeworks"
printf '%-8s %-17s %10s %10s %12s %12s\n' neurons path build_s sim_s synapses peak_MB
for n in 4000 16000 64000; do
    for path in populations entities; do
        flag=""
        [[ $path == populations ]] && flag="--populations"
        out=$( { /usr/bin/time -v "$bin" bench cuba --neurons "$n" --duration 1s $flag; } 2>&1 )
        peak_kb=$(grep "Maximum resident set size" <<<"$out" | awk '{print $NF}')
        build=$(grep -oP 'build time\s+\K[0-9.]+' <<<"$out")
        sim=$(grep -oP 'simulation wall\s+\K[0-9.]+' <<<"$out")
        synapses=$(grep -oP '[0-9]+(?= synapses)' <<<"$out" | head -1)
        printf '%-8s %-17s %10s %10s %12s %12d\n' "$n" "$path" "$build" "$sim" "$synapses" $((peak_kb / 1024))
    done
done
