//! Exponential synaptic currents integrated exactly with the membrane (the propagator of
//! Rotter & Diesmann 1999, as NEST's `iaf_psc_exp` and Brian2's `exact` method): against the
//! closed forms of one PSP (τ_s ≠ τ_m, the τ_s = τ_m limit, two τ on one neuron, inhibition,
//! no delay), and step for step against Brian2 on a relay.

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
/// first at steps 128, 199, 270, 341, 412, 483, 554, 625.
#[test]
fn a_relay_fires_step_for_step_as_brian2_integrates_it() {
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
}

/// Brian2's `exact` method on four neurons of Neuronify's defaults (summation of three
/// sources on one τ, inhibition against a DC drive, two τ on one neuron, no delay), from
/// `scripts/oracles/brian2-exact-synapses.py`: the same spike steps, and the voltage at the end
/// of every step within a nanovolt.
#[test]
fn summation_inhibition_two_time_constants_and_no_delay_match_brian2_step_for_step() {
    let oracle = fixture("brian2-exact-synapses.json");
    let cases = oracle["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    let f = |v: &serde_json::Value| v.as_f64().unwrap();
    let steps = |v: &serde_json::Value| -> Vec<u64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_u64().unwrap())
            .collect()
    };
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let n = &case["neuron"];
        let params = LifParams {
            capacitance_f: f(&n["C"]),
            resistance_ohm: f(&n["R"]),
            resting_v: f(&n["E_L"]),
            threshold_v: f(&n["V_th"]),
            reset_v: f(&n["V_reset"]),
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
                    period_s: f(&n["t_ref"]),
                },
                RecordVoltage,
            ))
            .id();
        if f(&case["dc"]) != 0.0 {
            dc_into(w, post, f(&case["dc"]));
        }
        let mut sources = Vec::new();
        for input in case["inputs"].as_array().unwrap() {
            let source = w
                .spawn(RegularSpikes {
                    rate_hz: f(&input["rate_hz"]),
                })
                .id();
            let weight = f(&input["weight"]);
            if weight < 0.0 {
                w.entity_mut(source).insert(Inhibitory);
            }
            synapse(
                w,
                source,
                post,
                weight.abs(),
                f(&input["tau"]),
                f(&input["delay"]),
            );
            sources.push(source);
        }
        run_for(w, f(&case["duration"]));
        for (k, &source) in sources.iter().enumerate() {
            assert_eq!(
                spike_steps(w, source),
                steps(&case["sources"][k]),
                "{name}: source {k}"
            );
        }
        let brian_spikes = steps(&case["spikes"]);
        assert!(!brian_spikes.is_empty(), "{name}: the case fires");
        assert_eq!(spike_steps(w, post), brian_spikes, "{name}: spike steps");
        let trace = w.resource::<Recorder>().trace(post).unwrap();
        let brian_v = case["v"].as_array().unwrap();
        assert_eq!(trace.first_step, 0);
        assert_eq!(trace.full().len(), brian_v.len(), "{name}: trace length");
        let worst = trace
            .full()
            .iter()
            .zip(brian_v)
            .map(|(ours, b)| (ours - f(b)).abs())
            .fold(0.0, f64::max);
        assert!(worst < 1e-9, "{name}: {worst:e} V from Brian2");
    }
}
