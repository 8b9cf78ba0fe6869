#!/usr/bin/env python3
"""Per-node table of Neuronify's recorded spikes against a Spikeworks binary's.

Usage: scripts/neuronify-table.py SPIKEWORKS_BINARY [SAMPLES_DIR] [SPIKES_DIR]

For each recording in tests/fixtures/neuronify-app-spikes (from the original app), imports
the lesson from SAMPLES_DIR ($SPIKEWORKS_SAMPLES by default), runs it for 2 s with the
recording's touches, and prints count and first spike (step) per node, Neuronify's and ours,
as a Markdown table. The test suite checks the same (tests/core/neuronify_lessons.rs); this
prints the numbers for a closing note or an older build.
"""
import csv, glob, json, os, subprocess, sys, tempfile
from collections import defaultdict

binary = sys.argv[1]
samples = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("SPIKEWORKS_SAMPLES", "/work/shared/neuronify-samples")
here = os.path.dirname(os.path.abspath(__file__))
fixtures = os.path.join(here, "..", "tests", "fixtures", "neuronify-app-spikes")
print("| lesson | node | type | Neuronify count | first | ours count | first |")
print("|---|---|---|---|---|---|---|")
for path in sorted(glob.glob(os.path.join(fixtures, "*.json"))):
    rec = json.load(open(path))
    with tempfile.TemporaryDirectory() as tmp:
        circuit = os.path.join(tmp, "c.circuit.ron")
        subprocess.run([binary, "import", os.path.join(samples, rec["file"]), "-o", circuit],
                       check=True, capture_output=True)
        spikes = os.path.join(tmp, "s.csv")
        cmd = [binary, "run", circuit, "--duration", "2s", "--spikes", spikes]
        touches = [f"sensor-{t['node']}@{t['start_step'] * 1e-4:.4f}s..{t['end_step'] * 1e-4:.4f}s"
                   for t in rec.get("touches", [])]
        if touches:
            cmd += ["--touch", ",".join(touches)]
        subprocess.run(cmd, check=True, capture_output=True)
        ours = defaultdict(list)
        for row in csv.DictReader(open(spikes)):
            node = row["id"].rsplit("-", 1)[-1]
            ours[node].append(round(float(row["time_s"]) / 1e-4))
    lesson = os.path.basename(path)[:-5]
    for node in sorted(rec["spikes"], key=int):
        theirs = rec["spikes"][node]
        kind = rec["node_types"][node].split("/")[-1][:-4]
        if not theirs and not ours[node]:
            continue
        first = lambda s: str(s[0]) if s else "–"
        stoch = " (random)" if int(node) in rec.get("stochastic_downstream", []) else ""
        print(f"| {lesson} | {node} | {kind}{stoch} | {len(theirs)} | {first(theirs)} | "
              f"{len(ours[node])} | {first(ours[node])} |")
