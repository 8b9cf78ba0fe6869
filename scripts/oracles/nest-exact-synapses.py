"""NEST oracle for exact synaptic currents: writes tests/fixtures/nest-exact-synapses.json.

Runs in NEST's `iaf_psc_exp_multisynapse` (one receptor per time constant) the four cases of
`brian2-exact-synapses.json` and the relay of `nest-export.md`, with the conventions that
make NEST's grid agree with Spikeworks' (see that reference): `t_ref − dt`; a neuron's spike
is stamped at the end of its step, so a Spikeworks step k is NEST's `t/dt − 1`; a generator's
spike at step k is sent at `k·dt` with its delay plus one step, so it acts from step
`k + d/dt + 1` as in Spikeworks; DC is the neuron's `I_e`.

Run: python3 -m venv VENV && VENV/bin/pip install nest-simulator "numpy<2.4" &&
     VENV/bin/python scripts/oracles/nest-exact-synapses.py
"""

import json
import pathlib

import nest

DT_MS = 0.1
FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "tests/fixtures"


def neuron_params(n, taus_s, v0):
    return {
        "C_m": n["C"] * 1e12,
        "tau_m": n["R"] * n["C"] * 1e3,
        "E_L": n["E_L"] * 1e3,
        "V_th": n["V_th"] * 1e3,
        "V_reset": n["V_reset"] * 1e3,
        "t_ref": n["t_ref"] * 1e3 - DT_MS,
        "tau_syn": [t * 1e3 for t in taus_s],
        "V_m": v0 * 1e3,
    }


def fresh_kernel():
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.resolution = DT_MS


def steps_of(times_ms):
    """Spikeworks' step of each NEST spike stamp (the end of the step it fired in)."""
    return [round(t / DT_MS) - 1 for t in times_ms]


def case(c):
    fresh_kernel()
    taus = sorted({i["tau"] for i in c["inputs"]})
    post = nest.Create("iaf_psc_exp_multisynapse",
                       params=neuron_params(c["neuron"], taus, c["neuron"]["E_L"]))
    post.I_e = c["dc"] * 1e12
    for i, steps in zip(c["inputs"], c["sources"]):
        gen = nest.Create("spike_generator", params={"spike_times": [k * DT_MS for k in steps]})
        nest.Connect(gen, post, syn_spec={"weight": i["weight"] * 1e12,
                                          "delay": i["delay"] * 1e3 + DT_MS,
                                          "receptor_type": taus.index(i["tau"]) + 1})
    meter = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": DT_MS})
    nest.Connect(meter, post)
    spikes = nest.Create("spike_recorder")
    nest.Connect(post, spikes)
    nest.Simulate(c["duration"] * 1e3)
    v = [x * 1e-3 for x in meter.get("events")["V_m"]]
    return dict(name=c["name"], spikes=steps_of(spikes.get("events")["times"]), v=v)


def relay():
    """Neuronify's default neuron A on 1 nA drives B through 3 nA, τ 2 ms, delay 5 ms; both
    start at their reset potential; 1 s."""
    fresh_kernel()
    n = dict(C=2e-10, R=1e8, E_L=-0.07, V_th=-0.055, V_reset=-0.08, t_ref=0.002)
    a, b = (nest.Create("iaf_psc_exp_multisynapse", params=neuron_params(n, [2e-3], -0.08))
            for _ in range(2))
    a.I_e = 1000.0
    nest.Connect(a, b, syn_spec={"weight": 3000.0, "delay": 5.0, "receptor_type": 1})
    recorders = []
    for x in (a, b):
        r = nest.Create("spike_recorder")
        nest.Connect(x, r)
        recorders.append(r)
    nest.Simulate(1000.0)
    return {name: steps_of(r.get("events")["times"]) for name, r in zip("AB", recorders)}


def main():
    brian = json.loads((FIXTURES / "brian2-exact-synapses.json").read_text())
    cases = [case(c) for c in brian["cases"]]
    for c, b in zip(cases, brian["cases"]):
        worst = max(abs(x - y) for x, y in zip(c["v"], b["v"]))
        print(f"{c['name']}: {len(c['spikes'])} spikes {c['spikes'][:6]}; Brian2 "
              f"{'same' if c['spikes'] == b['spikes'] else b['spikes'][:6]}; "
              f"V within {worst:.2e} V of Brian2")
    r = relay()
    print(f"relay: A {len(r['A'])} spikes, B {len(r['B'])}, B's first {r['B'][:8]}")
    out = dict(nest_version=nest.__version__, model="iaf_psc_exp_multisynapse",
               dt=DT_MS * 1e-3, cases=cases, relay=r)
    path = FIXTURES / "nest-exact-synapses.json"
    path.write_text(json.dumps(out))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
