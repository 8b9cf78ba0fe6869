//! Leaky integrate-and-fire: closed-form interspike intervals, rheobase, and step-exact
//! agreement with Brian2's spike times (exact integration, same conventions).

use crate::common::*;
use spikeworks::sim::{DT, LifParams, Membrane, Refractory};

fn lif_neuron(
    world: &mut bevy::prelude::World,
    p: LifParams,
    t_ref: f64,
    v0: f64,
) -> bevy::prelude::Entity {
    world
        .spawn((p, Membrane { v: v0 }, Refractory { period_s: t_ref }))
        .id()
}

/// T = t_ref + τ ln((RI + E − V_reset)/(RI + E − V_th)).
fn analytic_isi(p: &LifParams, t_ref: f64, i: f64) -> f64 {
    let drive = p.resistance_ohm * i + p.resting_v;
    t_ref + p.tau_s() * ((drive - p.reset_v) / (drive - p.threshold_v)).ln()
}

#[test]
fn dc_interspike_interval_matches_closed_form() {
    for i_na in [0.2, 0.3, 0.5, 1.0, 2.0] {
        let mut app = app();
        let w = app.world_mut();
        let p = LifParams::default();
        let n = lif_neuron(w, p, 2e-3, p.reset_v);
        dc_into(w, n, i_na * 1e-9);
        run_for(w, 1.0);
        let t = spike_times(w, n);
        assert!(t.len() > 5, "{i_na} nA: only {} spikes", t.len());
        let expected = analytic_isi(&p, 2e-3, i_na * 1e-9);
        for pair in t.windows(2) {
            let isi = pair[1] - pair[0];
            // Spikes are stamped on the grid: an interval is within one dt of the exact one.
            assert!(
                (isi - expected).abs() <= DT + 1e-12,
                "{i_na} nA: ISI {isi} s, closed form {expected} s"
            );
        }
        // Every reset happens on the grid, so all intervals are the same whole number of steps.
        assert!(
            t.windows(3)
                .all(|w| ((w[2] - w[1]) - (w[1] - w[0])).abs() < 1e-9)
        );
    }
}

#[test]
fn silent_below_rheobase() {
    // Rheobase: R·I = V_th − E = 15 mV, i.e. 0.15 nA.
    for i_na in [0.0, 0.1, 0.149] {
        let mut app = app();
        let w = app.world_mut();
        let p = LifParams::default();
        let n = lif_neuron(w, p, 2e-3, p.reset_v);
        dc_into(w, n, i_na * 1e-9);
        run_for(w, 2.0);
        assert!(spike_times(w, n).is_empty(), "{i_na} nA fired");
        let v = w.get::<Membrane>(n).unwrap().v;
        let v_inf = p.resting_v + p.resistance_ohm * i_na * 1e-9;
        assert!((v - v_inf).abs() < 1e-6, "settles at {v}, expected {v_inf}");
    }
}

fn brian_oracle(name: &str) {
    let f = fixture(name);
    let p = &f["params"];
    let params = LifParams {
        capacitance_f: p["C"].as_f64().unwrap(),
        resistance_ohm: p["R"].as_f64().unwrap(),
        resting_v: p["E_L"].as_f64().unwrap(),
        threshold_v: p["V_th"].as_f64().unwrap(),
        reset_v: p["V_reset"].as_f64().unwrap(),
    };
    let t_ref = p["t_ref"].as_f64().unwrap();
    let mut app = app();
    let w = app.world_mut();
    let n = lif_neuron(w, params, t_ref, f["v0"].as_f64().unwrap());
    dc_into(w, n, f["I"].as_f64().unwrap());
    run_for(w, f["T"].as_f64().unwrap());
    let ours = spike_steps(w, n);
    let brian: Vec<u64> = f["brian_spike_times"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t.as_f64().unwrap() / DT).round() as u64)
        .collect();
    assert_eq!(ours.len(), brian.len(), "{name}: spike count");
    assert_eq!(ours, brian, "{name}: spike steps differ");
}

#[test]
fn step_exact_with_brian2_neuronify_defaults() {
    brian_oracle("brian2-lif-neuronify-0.3nA-ref2ms.json");
}

#[test]
fn step_exact_with_brian2_tau10_no_refractory() {
    brian_oracle("brian2-lif-tau10-0.5nA.json");
}

#[test]
fn adaptation_lengthens_intervals() {
    let mut app = app();
    let w = app.world_mut();
    let n = w
        .spawn((
            LifParams::default(),
            Refractory { period_s: 0.0 },
            spikeworks::sim::Adaptation::default(),
        ))
        .id();
    dc_into(w, n, 1e-9);
    run_for(w, 2.0);
    let t = spike_times(w, n);
    let isi: Vec<f64> = t.windows(2).map(|p| p[1] - p[0]).collect();
    assert!(isi.len() > 10, "{} spikes", t.len());
    // Neuronify's reference (spec §2.3): the first interval ≈ 5.4 ms, settling near 12 Hz.
    assert!(isi[0] < 0.007, "first ISI {}", isi[0]);
    assert!(isi[isi.len() - 1] > 5.0 * isi[0], "no adaptation: {isi:?}");
    let late_rate = 1.0 / isi[isi.len() - 1];
    assert!(
        (5.0..25.0).contains(&late_rate),
        "steady rate {late_rate} Hz"
    );
}

#[test]
fn burst_current_prolongs_firing_after_one_kick() {
    let mut app = app();
    let w = app.world_mut();
    let n = w
        .spawn((
            LifParams::default(),
            Refractory { period_s: 0.0 },
            spikeworks::sim::BurstCurrent::default(),
        ))
        .id();
    // One touch through an immediate-fire synapse starts the burst.
    let touch = w.spawn(spikeworks::sim::TouchSensor::default()).id();
    w.spawn((
        spikeworks::sim::Synapse {
            pre: touch,
            post: n,
        },
        spikeworks::sim::SynapseKinetics {
            mode: spikeworks::sim::SynapseMode::ImmediateFire,
            ..Default::default()
        },
        spikeworks::sim::Delay { seconds: 0.0 },
    ));
    run_for(w, 0.01);
    w.write_message(spikeworks::sim::TouchSensorInput {
        sensor: touch,
        pressed: true,
    });
    run_for(w, 0.5);
    let t = spike_times(w, n);
    // Neuronify (spec §2.4): one touch gives ~22 spikes over ~146 ms.
    assert!((10..40).contains(&t.len()), "{} spikes", t.len());
    let span = t[t.len() - 1] - t[0];
    assert!((0.08..0.25).contains(&span), "burst lasts {span} s");
}
