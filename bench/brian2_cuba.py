#!/usr/bin/env python3
"""CUBA in Brian2's C++ standalone mode beside `spikeworks bench cuba`, alternating A B A B.

The network is Brian2's own examples/CUBA.py (Brette et al. 2007, benchmark 2): N LIF
neurons, 80 % excitatory, each pair connected with p = 80/N (80 inputs per neuron at every
N, as Stimberg et al. 2019 scale it), exact integration, dt = 0.1 ms, no delays, v0 uniform
in [Vr, Vt]. Brian2's project is generated and compiled once with one thread (no OpenMP);
each round then runs its binary (a fresh random network per run, as Brian2 seeds it) and
`spikeworks bench cuba` (seed = round number) for each way Spikeworks builds the network:
from its circuit file of two populations (`--populations`: synapses in compact arrays, as
Brian2 keeps them) and as one entity per synapse (the path of hand-placed circuits). The
times compared are the simulation loop's only: Brian2's `device._last_run_time`, measured
inside the binary, and Spikeworks' "simulation wall". Run by bench/compare-brian2.sh, which
sets up the environment.

Usage: brian2_cuba.py SPIKEWORKS_BINARY N [--pairs 5] [--duration 1.0]
                      [--paths populations,entities]
"""
import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time


def build_brian2(n, duration_s):
    import brian2 as b2
    from brian2 import ms, mV

    b2.BrianLogger.log_level_warn()
    directory = tempfile.mkdtemp(prefix="spikeworks-cuba-brian2-")
    b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
    b2.prefs.devices.cpp_standalone.openmp_threads = 0
    b2.defaultclock.dt = 0.1 * ms
    taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
    Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
    we = (60 * 0.27 / 10) * mV
    wi = (-20 * 4.5 / 10) * mV
    eqs = """
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    """
    group = b2.NeuronGroup(n, eqs, threshold="v>Vt", reset="v = Vr", refractory=5 * ms,
                           method="exact")
    group.v = "Vr + rand() * (Vt - Vr)"
    group.ge = 0 * mV
    group.gi = 0 * mV
    n_exc = int(0.8 * n)
    p = min(80.0 / n, 1.0)
    excitatory = b2.Synapses(group, group, on_pre="ge += we")
    inhibitory = b2.Synapses(group, group, on_pre="gi += wi")
    excitatory.connect(f"i<{n_exc}", p=p)
    inhibitory.connect(f"i>={n_exc}", p=p)
    spikes = b2.SpikeMonitor(group, record=False)
    b2.run(duration_s * b2.second)
    started = time.perf_counter()
    b2.device.build(directory=directory, compile=True, run=False, with_output=False)
    return b2.device, directory, spikes, time.perf_counter() - started


def run_brian2(device, directory, spikes, n, duration_s):
    device.run(directory=directory, with_output=False)
    return device._last_run_time, int(spikes.num_spikes) / n / duration_s


def run_spikeworks(binary, n, duration_s, seed, populations):
    args = [binary, "bench", "cuba", "--neurons", str(n), "--duration", f"{duration_s}s",
            "--seed", str(seed)]
    if populations:
        args.append("--populations")
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    sim = float(re.search(r"simulation wall\s+([0-9.]+) s", out).group(1))
    rate = float(re.search(r"mean rate\s+([0-9.]+) Hz", out).group(1))
    return sim, rate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spikeworks")
    parser.add_argument("neurons", type=int)
    parser.add_argument("--pairs", type=int, default=5, help="rounds of Brian2 then Spikeworks")
    parser.add_argument("--duration", type=float, default=1.0, help="biological seconds")
    parser.add_argument("--paths", default="populations,entities",
                        help="how Spikeworks builds CUBA: populations, entities or both")
    a = parser.parse_args()
    paths = [p for p in a.paths.split(",") if p]
    if not paths or any(p not in ("populations", "entities") for p in paths):
        parser.error("--paths takes populations, entities or both, comma-separated")
    import brian2

    print(f"CUBA, {a.neurons} neurons, {a.duration} s biological, one thread each: Brian2 "
          f"{brian2.__version__} C++ standalone vs Spikeworks ({', '.join(paths)})", flush=True)
    device, directory, spikes, compile_s = build_brian2(a.neurons, a.duration)
    print(f"Brian2 project generated and compiled in {compile_s:.1f} s", flush=True)
    brian_times, brian_rates = [], []
    ours = {p: {"times": [], "rates": [], "ratios": []} for p in paths}
    for pair in range(1, a.pairs + 1):
        b_sim, b_rate = run_brian2(device, directory, spikes, a.neurons, a.duration)
        brian_times.append(b_sim)
        brian_rates.append(b_rate)
        line = f"pair {pair}: Brian2 {b_sim:.3f} s ({b_rate:.2f} Hz)"
        for path in paths:
            s_sim, s_rate = run_spikeworks(a.spikeworks, a.neurons, a.duration, pair,
                                           path == "populations")
            ours[path]["times"].append(s_sim)
            ours[path]["rates"].append(s_rate)
            ours[path]["ratios"].append(s_sim / b_sim)
            line += f" | {path} {s_sim:.3f} s ({s_rate:.2f} Hz) ratio {s_sim / b_sim:.3f}"
        print(line, flush=True)
    rate_b = statistics.mean(brian_rates)
    print(f"Brian2: median {statistics.median(brian_times):.3f} s, mean rate {rate_b:.2f} Hz")
    for path in paths:
        o = ours[path]
        rate = statistics.mean(o["rates"])
        print(f"Spikeworks, {path}: median {statistics.median(o['times']):.3f} s, mean rate "
              f"{rate:.2f} Hz ({100 * (rate / rate_b - 1):+.1f} %), median ratio "
              f"{statistics.median(o['ratios']):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
