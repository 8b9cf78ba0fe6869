"""Brian2 oracle for exact synaptic currents: writes tests/fixtures/brian2-exact-synapses.json.

Each case is one integrate-and-fire neuron (Neuronify's defaults) with a DC current and
current-based exponential synapses from regular spike sources, integrated by Brian2's `exact`
method at dt = 0.1 ms; the neuron's voltage at the end of every step and its spike steps are
recorded. Spikeworks' conventions: a regular source of rate r fires at the steps k with
(k + 1)·r·dt a whole number; a spike at step k with delay d acts from step k + d/dt + 1.

Run: python3 -m venv VENV && VENV/bin/pip install brian2 "numpy<2.4" &&
     VENV/bin/python scripts/oracles/brian2-exact-synapses.py
"""

import json
import pathlib

from brian2 import (Network, NeuronGroup, SpikeGeneratorGroup, SpikeMonitor, StateMonitor, Synapses,
                    defaultclock, prefs, start_scope, second, amp, volt, farad, ohm)

DT = 1e-4
NEURON = dict(C=2e-10, R=1e8, E_L=-0.07, V_th=-0.055, V_reset=-0.08, t_ref=0.002)

# name, DC (A), duration (s), inputs: (rate Hz, weight A — negative inhibits, τ s, delay s)
CASES = [
    ("summation", 0.0, 0.3, [(10.0, 0.6e-9, 5e-3, 1e-3), (12.5, 0.6e-9, 5e-3, 1e-3),
                             (20.0, 0.6e-9, 5e-3, 1e-3)]),
    ("inhibition", 0.2e-9, 0.3, [(25.0, -0.15e-9, 10e-3, 2e-3)]),
    ("two_time_constants", 0.1e-9, 0.3, [(20.0, 0.8e-9, 2e-3, 1e-3), (8.0, 0.15e-9, 30e-3, 3e-3)]),
    ("delay_zero", 0.0, 0.3, [(40.0, 2.0e-9, 3e-3, 0.0)]),
]


def source_steps(rate_hz, duration_s):
    period = round(1.0 / (rate_hz * DT))
    return list(range(period - 1, round(duration_s / DT), period))


def simulate(dc, duration, inputs):
    start_scope()
    prefs.codegen.target = "numpy"
    defaultclock.dt = DT * second
    p = NEURON
    currents = " + ".join(f"I{k}" for k in range(len(inputs))) or "0*amp"
    eqs = f"dv/dt = (E_L - v + R*(I_dc + {currents}))/(R*C) : volt (unless refractory)\n"
    for k, (_, _, tau, _) in enumerate(inputs):
        eqs += f"dI{k}/dt = -I{k}/({tau}*second) : amp\n"
    namespace = dict(E_L=p["E_L"] * volt, R=p["R"] * ohm, C=p["C"] * farad, I_dc=dc * amp,
                     V_th=p["V_th"] * volt, V_reset=p["V_reset"] * volt)
    post = NeuronGroup(1, eqs, threshold="v > V_th", reset="v = V_reset",
                       refractory=p["t_ref"] * second, method="exact", namespace=namespace)
    post.v = p["E_L"] * volt
    keep = []
    sources = []
    for k, (rate, weight, _, delay) in enumerate(inputs):
        steps = source_steps(rate, duration)
        sources.append(steps)
        g = SpikeGeneratorGroup(1, [0] * len(steps), [s * DT for s in steps] * second)
        s = Synapses(g, post, on_pre=f"I{k}_post += {weight}*amp")
        s.connect()
        s.delay = delay * second
        keep += [g, s]
    v = StateMonitor(post, "v", record=0, when="end")
    spikes = SpikeMonitor(post)
    Network(post, v, spikes, *keep).run(duration * second, namespace=namespace)
    return dict(
        sources=sources,
        v=[float(x) for x in v.v[0] / volt],
        spikes=[round(float(t) / DT) for t in spikes.t / second],
    )


def main():
    cases = []
    for name, dc, duration, inputs in CASES:
        out = simulate(dc, duration, inputs)
        print(f"{name}: {len(out['spikes'])} spikes at steps {out['spikes'][:8]}, "
              f"v from {min(out['v']):.4f} to {max(out['v']):.4f} V")
        cases.append(dict(name=name, neuron=NEURON, dc=dc, duration=duration,
                          inputs=[dict(rate_hz=r, weight=w, tau=t, delay=d) for r, w, t, d in inputs],
                          **out))
    path = pathlib.Path(__file__).resolve().parents[2] / "tests/fixtures/brian2-exact-synapses.json"
    path.write_text(json.dumps(dict(dt=DT, method="exact", cases=cases)))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
