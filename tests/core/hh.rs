//! Hodgkin–Huxley: rest, spike times against the high-accuracy reference, silence under weak
//! drive, spike height, and long-run stability.

use crate::common::*;
use bevy::prelude::*;
use spikeworks::sim::{HhParams, Membrane, RecordVoltage, Recorder};

/// An HH neuron driven by `density` µA/cm² (area 1e-4 cm²: 1 µA/cm² = 0.1 nA).
fn hh_under(world: &mut World, density: f64) -> Entity {
    let p = HhParams::default();
    let n = world.spawn((p, RecordVoltage)).id();
    if density != 0.0 {
        dc_into(world, n, density * p.area_cm2 * 1e-6);
    }
    n
}

#[test]
fn rests_near_minus_65_mv() {
    let mut app = app();
    let w = app.world_mut();
    let n = hh_under(w, 0.0);
    run_for(w, 0.2);
    let v = w.get::<Membrane>(n).unwrap().v * 1e3;
    assert!((v + 65.0).abs() < 0.5, "rest at {v} mV");
    assert!(spike_times(w, n).is_empty());
}

#[test]
fn spike_times_within_one_percent_of_reference() {
    let f = fixture("hh-reference-10uA.json");
    let reference: Vec<f64> = f["reference_spike_times_ms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_f64().unwrap())
        .collect();
    let mut app = app();
    let w = app.world_mut();
    let n = hh_under(w, f["I_uA_per_cm2"].as_f64().unwrap());
    run_for(w, f["T_ms"].as_f64().unwrap() * 1e-3);
    let ours: Vec<f64> = spike_times(w, n).iter().map(|t| t * 1e3).collect();
    assert_eq!(
        ours.len(),
        reference.len(),
        "ours {ours:?}, reference {reference:?}"
    );
    for (o, r) in ours.iter().zip(&reference) {
        // Spikes are stamped at the start of the 0.1 ms step in which V crosses 0 mV.
        assert!(*o <= *r && r - o < 0.1, "spike at {o} ms, reference {r} ms");
        assert!(
            (o - r).abs() / r < 0.01,
            "spike at {o} ms, reference {r} ms"
        );
    }
}

#[test]
fn silent_under_weak_current() {
    let mut app = app();
    let w = app.world_mut();
    let n = hh_under(w, 1.0);
    run_for(w, 0.5);
    assert!(spike_times(w, n).is_empty());
}

#[test]
fn peak_above_30_mv_and_no_nan_over_10_s() {
    let mut app = app();
    let w = app.world_mut();
    let n = hh_under(w, 10.0);
    run_for(w, 10.0);
    let rec = w.resource::<Recorder>();
    let trace = rec.trace(n).unwrap().full();
    assert_eq!(trace.len(), 100_000);
    assert!(
        trace.iter().all(|v| v.is_finite()),
        "NaN or infinity in the trace"
    );
    let peak = trace.iter().cloned().fold(f64::MIN, f64::max) * 1e3;
    assert!(peak > 30.0, "peak {peak} mV");
    // Regular firing at ~68 Hz for the whole 10 s.
    let count = spike_times(w, n).len();
    assert!((600..760).contains(&count), "{count} spikes in 10 s");
}

#[test]
fn an_immediate_fire_edge_starts_a_real_action_potential() {
    use spikeworks::sim::{
        Delay, Synapse, SynapseKinetics, SynapseMode, TouchSensor, TouchSensorInput,
    };
    let mut app = app();
    let w = app.world_mut();
    let n = hh_under(w, 0.0);
    let touch = w.spawn(TouchSensor::default()).id();
    w.spawn((
        Synapse {
            pre: touch,
            post: n,
        },
        SynapseKinetics {
            mode: SynapseMode::ImmediateFire,
            ..Default::default()
        },
        Delay { seconds: 0.0 },
    ));
    run_for(w, 0.05);
    w.write_message(TouchSensorInput {
        sensor: touch,
        pressed: true,
    });
    run_for(w, 0.05);
    let spikes = spike_times(w, n);
    assert_eq!(spikes.len(), 1, "{spikes:?}");
    assert!(
        spikes[0] > 0.05 && spikes[0] < 0.053,
        "fires within 3 ms: {spikes:?}"
    );
    let trace = w.resource::<Recorder>().trace(n).unwrap().full().to_vec();
    let peak = trace.iter().cloned().fold(f64::MIN, f64::max) * 1e3;
    assert!(peak > 30.0, "a full action potential, peak {peak} mV");
}
