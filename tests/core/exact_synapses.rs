//! Exponential synaptic currents integrated exactly with the membrane (the propagator of
//! Rotter & Diesmann 1999, as NEST's `iaf_psc_exp` and Brian2's `exact` method): against the
//! closed forms of one PSP (τ_s ≠ τ_m, the τ_s = τ_m limit, two τ on one neuron, inhibition,
//! no delay), and step for step against Brian2 and NEST on a relay and four cases of our own
//! (their scripts are in `scripts/oracles/`).

use crate::common::*;
use bevy::prelude::*;
use spikeworks::sim::*;

/// A neuron at rest whose voltage is recorded: the default membrane, τ_m = R·C = 20 ms.
fn quiet_neuron(world: &mut World) -> Entity {
    let p = LifParams::default();
    world
        .spawn((p, Membrane { v: p.resting_v }, RecordVoltage))
        .id()
}

fn synapse(world: &mut World, pre: Entity, post: Entity, weight_a: f64, tau_s: f64, delay_s: f64) {
    world.spawn((
        Synapse { pre, post },
        SynapseKinetics {
            weight_a,
            tau_s,
            mode: SynapseMode::Add,
        },
        Delay { seconds: delay_s },
    ));
}

/// The PSP of a current `w·e^(−t/τ_s)` switched on at t = 0 into a membrane at rest (V above
/// rest), for `t ≥ 0`: `w·R·τ_s/(τ_s − τ_m)·(e^(−t/τ_s) − e^(−t/τ_m))`, written as
/// `w·R·e^(−t/τ_m)·(e^(a·t) − 1)/(a·τ_m)` with `a = 1/τ_m − 1/τ_s` so it keeps its digits near
/// τ_s = τ_m, where it becomes `w·R·(t/τ_m)·e^(−t/τ_m)`.
fn psp(w: f64, tau_s: f64, t: f64) -> f64 {
    let p = LifParams::default();
    let (r, tau_m) = (p.resistance_ohm, p.tau_s());
    let a = 1.0 / tau_m - 1.0 / tau_s;
    let rise = if a == 0.0 { t } else { (a * t).exp_m1() / a };
    w * r * (-t / tau_m).exp() * rise / tau_m
}

/// One spike of a 10 Hz generator (its first, at 100 ms) reaches a quiet neuron through
/// `inputs` (weight A, τ_s s); returns the largest deviation (V) of the recorded voltage from
/// the sum of the closed-form PSPs up to 170 ms, and the peak PSP.
fn deviation_from_closed_form(inputs: &[(f64, f64)], delay_s: f64, inhibitory: bool) -> (f64, f64) {
    let mut app = app();
    let w = app.world_mut();
    let source = w.spawn(RegularSpikes { rate_hz: 10.0 }).id();
    if inhibitory {
        w.entity_mut(source).insert(Inhibitory);
    }
    let post = quiet_neuron(w);
    for &(weight, tau) in inputs {
        synapse(w, source, post, weight, tau, delay_s);
    }
    run_for(w, 0.17);
    let spike = spike_steps(w, source)[0];
    // A spike at step k with delay d acts from step k + d/dt + 1; the recorded voltage of a
    // step is the one at its end.
    let on = spike + (delay_s / DT).round() as u64 + 1;
    let trace = w.resource::<Recorder>().trace(post).unwrap();
    let rest = LifParams::default().resting_v;
    let sign = if inhibitory { -1.0 } else { 1.0 };
    let (mut worst, mut peak) = (0.0_f64, 0.0_f64);
    for (k, &v) in trace.full().iter().enumerate() {
        let step = trace.first_step + k as u64;
        let expected = if step < on {
            0.0
        } else {
            let t = (step - on + 1) as f64 * DT;
            sign * inputs.iter().map(|&(w, tau)| psp(w, tau, t)).sum::<f64>()
        };
        worst = worst.max((v - rest - expected).abs());
        peak = peak.max(expected.abs());
    }
    assert!(trace.full().len() > 500, "the voltage was recorded");
    (worst, peak)
}

#[test]
fn one_psp_follows_its_closed_form_for_fast_slow_and_equal_time_constants() {
    let tau_m = LifParams::default().tau_s();
    for tau_s in [0.5e-3, 2e-3, tau_m, 50e-3] {
        let (worst, peak) = deviation_from_closed_form(&[(0.2e-9, tau_s)], 1e-3, false);
        assert!(peak > 0.4e-3, "τ_s {tau_s} s: the PSP peaks at {peak} V");
        assert!(
            worst < 1e-12,
            "τ_s {tau_s} s: {worst:e} V from the closed form (peak {peak} V)"
        );
    }
}

#[test]
fn the_equal_time_constant_limit_is_exact_at_and_around_it() {
    let tau_m = LifParams::default().tau_s();
    // Exactly τ_m, and close enough that the general formula would lose digits.
    for tau_s in [tau_m, tau_m * (1.0 + 1e-9), tau_m * (1.0 - 1e-7)] {
        let (worst, _) = deviation_from_closed_form(&[(0.2e-9, tau_s)], 0.0, false);
        assert!(worst < 1e-12, "τ_s = {tau_s} s: {worst:e} V off");
    }
}

#[test]
fn two_time_constants_on_one_neuron_sum_and_inhibition_mirrors() {
    let inputs = [(0.15e-9, 2e-3), (0.1e-9, 30e-3)];
    let (worst, peak) = deviation_from_closed_form(&inputs, 2e-3, false);
    assert!(
        peak > 1e-3 && worst < 1e-12,
        "{worst:e} V off, peak {peak} V"
    );
    let (worst, peak) = deviation_from_closed_form(&inputs, 0.0, true);
    assert!(peak > 1e-3 && worst < 1e-12, "inhibition: {worst:e} V off");
}

/// The relay of `nest-export.md`: Neuronify's default neuron A on 1 nA drives B through 3 nA,
/// τ 2 ms, delay 5 ms. Brian2's exact integration gives A 141 and B 140 spikes in 1 s, B's
/// first at steps 128, 199, 270, 341, 412, 483, 554, 625; NEST (`nest-exact-synapses.json`)
/// gives every spike of both at the same step.
#[test]
fn a_relay_fires_step_for_step_as_brian2_and_nest_integrate_it() {
    let mut app = app();
    let w = app.world_mut();
    let p = LifParams::default();
    let neuron = |w: &mut World| {
        w.spawn((p, Membrane { v: p.reset_v }, Refractory { period_s: 2e-3 }))
            .id()
    };
    let (a, b) = (neuron(w), neuron(w));
    dc_into(w, a, 1e-9);
    synapse(w, a, b, 3e-9, 2e-3, 5e-3);
    run_for(w, 1.0);
    let (a_steps, b_steps) = (spike_steps(w, a), spike_steps(w, b));
    assert_eq!(a_steps.len(), 141, "A's spikes");
    assert_eq!(b_steps.len(), 140, "B's spikes");
    assert_eq!(
        b_steps[..8],
        [128, 199, 270, 341, 412, 483, 554, 625],
        "B's first spikes against Brian2's"
    );
    let nest = &fixture("nest-exact-synapses.json")["relay"];
    assert_eq!(a_steps, steps(&nest["A"]), "A's spikes against NEST's");
    assert_eq!(b_steps, steps(&nest["B"]), "B's spikes against NEST's");
}

/// One case of `brian2-exact-synapses.json` run here: the neuron's spike steps and its
/// voltage (V) at the end of every step; checks that the sources fire at the oracle's steps.
fn run_oracle_case(case: &serde_json::Value) -> (Vec<u64>, Vec<f64>) {
    let name = case["name"].as_str().unwrap();
    let n = &case["neuron"];
    let params = LifParams {
        capacitance_f: number(&n["C"]),
        resistance_ohm: number(&n["R"]),
        resting_v: number(&n["E_L"]),
        threshold_v: number(&n["V_th"]),
        reset_v: number(&n["V_reset"]),
    };
    let mut app = app();
    let w = app.world_mut();
    let post = w
        .spawn((
            params,
            Membrane {
                v: params.resting_v,
            },
            Refractory {
                period_s: number(&n["t_ref"]),
            },
            RecordVoltage,
        ))
        .id();
    if number(&case["dc"]) != 0.0 {
        dc_into(w, post, number(&case["dc"]));
    }
    let mut sources = Vec::new();
    for input in case["inputs"].as_array().unwrap() {
        let source = w
            .spawn(RegularSpikes {
                rate_hz: number(&input["rate_hz"]),
            })
            .id();
        let weight = number(&input["weight"]);
        if weight < 0.0 {
            w.entity_mut(source).insert(Inhibitory);
        }
        let (tau, delay) = (number(&input["tau"]), number(&input["delay"]));
        synapse(w, source, post, weight.abs(), tau, delay);
        sources.push(source);
    }
    run_for(w, number(&case["duration"]));
    for (k, &source) in sources.iter().enumerate() {
        let expected = steps(&case["sources"][k]);
        assert_eq!(spike_steps(w, source), expected, "{name}: source {k}");
    }
    let trace = w.resource::<Recorder>().trace(post).unwrap();
    assert_eq!(trace.first_step, 0);
    (spike_steps(w, post), trace.full().to_vec())
}

fn number(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap()
}

fn steps(v: &serde_json::Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap())
        .collect()
}

/// Asserts that our run of a case fires at `oracle`'s spike steps and keeps its voltage
/// within a nanovolt of `oracle`'s at the end of every step the oracle recorded (NEST's
/// multimeter leaves out the last minimum-delay slice of a run, here 10 steps).
fn assert_matches(
    engine: &str,
    name: &str,
    ours: &(Vec<u64>, Vec<f64>),
    oracle: &serde_json::Value,
) {
    let spikes = steps(&oracle["spikes"]);
    assert!(!spikes.is_empty(), "{engine} {name}: the case fires");
    assert_eq!(ours.0, spikes, "{engine} {name}: spike steps");
    let v = oracle["v"].as_array().unwrap();
    assert!(
        v.len() <= ours.1.len() && v.len() + 10 >= ours.1.len(),
        "{engine} {name}: {} recorded steps for our {}",
        v.len(),
        ours.1.len()
    );
    let worst = ours
        .1
        .iter()
        .zip(v)
        .map(|(a, b)| (a - number(b)).abs())
        .fold(0.0, f64::max);
    assert!(worst < 1e-9, "{engine} {name}: {worst:e} V from {engine}");
}

/// Brian2's `exact` method and NEST's `iaf_psc_exp_multisynapse` on four neurons of
/// Neuronify's defaults (summation of three sources on one τ, inhibition against a DC drive,
/// two τ on one neuron, no delay), from `scripts/oracles/brian2-exact-synapses.py` and
/// `nest-exact-synapses.py`: the same spike steps, and the voltage at the end of every step
/// within a nanovolt of each.
#[test]
fn summation_inhibition_two_time_constants_and_no_delay_match_brian2_and_nest() {
    let brian = fixture("brian2-exact-synapses.json");
    let nest = fixture("nest-exact-synapses.json");
    let cases = brian["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for (case, nest_case) in cases.iter().zip(nest["cases"].as_array().unwrap()) {
        let name = case["name"].as_str().unwrap();
        assert_eq!(nest_case["name"].as_str(), Some(name));
        let ours = run_oracle_case(case);
        assert_matches("Brian2", name, &ours, case);
        assert_matches("NEST", name, &ours, nest_case);
    }
}
