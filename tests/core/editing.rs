//! Editing a running circuit: parameter changes take effect at the next tick and dynamic
//! state (voltages, refractory clocks) carries over the rebuild.

use crate::common::*;
use spikeworks::sim::*;

#[test]
fn a_parameter_edit_takes_effect_and_keeps_the_voltage() {
    let mut app = app();
    let w = app.world_mut();
    let n = w.spawn(LifParams::default()).id();
    let dc = dc_into(w, n, 0.1e-9);
    run_for(w, 0.5);
    assert!(spike_steps(w, n).is_empty(), "0.1 nA is below rheobase");
    let v_before = w.get::<Membrane>(n).unwrap().v;

    w.get_mut::<DcSource>(dc).unwrap().current_a = 2e-9;
    run_steps(w, 1);
    let v_after = w.get::<Membrane>(n).unwrap().v;
    assert!(
        (v_after - v_before).abs() < 1e-3,
        "continuous: {v_before} → {v_after}"
    );
    run_for(w, 0.5);
    assert!(spike_steps(w, n).len() > 50, "2 nA makes it fire");

    // Lowering the threshold of the neuron itself also applies at once.
    w.get_mut::<DcSource>(dc).unwrap().current_a = 0.1e-9;
    run_for(w, 0.5);
    let before = spike_steps(w, n).len();
    run_for(w, 0.5);
    assert_eq!(spike_steps(w, n).len(), before, "silent again at 0.1 nA");
    w.get_mut::<LifParams>(n).unwrap().threshold_v = -0.062;
    run_for(w, 0.5);
    assert!(
        spike_steps(w, n).len() > before,
        "fires once the threshold is below V∞ = −60 mV"
    );
}

#[test]
fn despawning_a_neuron_removes_it_and_its_synapses() {
    let mut app = app();
    let w = app.world_mut();
    let a = w.spawn(LifParams::default()).id();
    let b = w.spawn(LifParams::default()).id();
    dc_into(w, a, 2e-9);
    w.spawn(Synapse { pre: a, post: b });
    run_for(w, 0.1);
    assert!(!spike_steps(w, b).is_empty());
    w.despawn(b);
    run_for(w, 0.1);
    let net = w.resource::<Network>();
    assert_eq!(net.neuron_count(), 1);
    // The dangling synapse is skipped (with a warning), not a crash.
    assert_eq!(net.synapse_count(), 0);
}

#[test]
fn removals_between_ticks_are_not_lost() {
    use bevy::time::TimeUpdateStrategy;
    let mut app = app();
    // Frames with no FixedUpdate tick at all, as on a display faster than 64 Hz.
    app.insert_resource(TimeUpdateStrategy::ManualDuration(
        std::time::Duration::ZERO,
    ));
    let n = app.world_mut().spawn(LifParams::default()).id();
    app.update();
    run_steps(app.world_mut(), 1);
    assert_eq!(app.world().resource::<Network>().neuron_count(), 1);
    app.world_mut().despawn(n);
    for _ in 0..5 {
        app.update();
    }
    run_steps(app.world_mut(), 1);
    assert_eq!(app.world().resource::<Network>().neuron_count(), 0);
}
