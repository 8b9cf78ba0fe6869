//! Synapses: delays exact to the step, inhibition from the source, adding vs saturating
//! summation, immediate-fire edges, and topology edits that keep spikes in flight.

use crate::common::*;
use bevy::prelude::*;
use spikeworks::sim::*;

/// A neuron that fires only when driven (starts at rest).
fn quiet_neuron(world: &mut World) -> Entity {
    let p = LifParams::default();
    world
        .spawn((p, Membrane { v: p.resting_v }, RecordVoltage))
        .id()
}

fn connect(
    world: &mut World,
    pre: Entity,
    post: Entity,
    weight_a: f64,
    delay_s: f64,
    mode: SynapseMode,
) -> Entity {
    world
        .spawn((
            Synapse { pre, post },
            SynapseKinetics {
                weight_a,
                tau_s: 2e-3,
                mode,
            },
            Delay { seconds: delay_s },
        ))
        .id()
}

/// The first step at which `post`'s voltage moves away from rest.
fn first_response_step(world: &World, post: Entity) -> Option<u64> {
    let trace = world.resource::<Recorder>().trace(post).unwrap();
    let rest = LifParams::default().resting_v;
    trace
        .full()
        .iter()
        .position(|v| (v - rest).abs() > 1e-9)
        .map(|k| trace.first_step + k as u64)
}

#[test]
fn delay_is_exact_to_the_step() {
    for delay_ms in [0.0, 0.1, 1.0, 5.0, 12.3, 30.0] {
        let mut app = app();
        let w = app.world_mut();
        let source = w.spawn(RegularSpikes { rate_hz: 20.0 }).id();
        let post = quiet_neuron(w);
        connect(w, source, post, 1e-9, delay_ms * 1e-3, SynapseMode::Add);
        run_for(w, 0.1);
        let spike = spike_steps(w, source)[0];
        let delay_steps = (delay_ms / 0.1_f64).round() as u64;
        // Delivered at the end of step spike+delay, so it first moves B in the step after.
        assert_eq!(
            first_response_step(w, post),
            Some(spike + delay_steps + 1),
            "delay {delay_ms} ms"
        );
    }
}

#[test]
fn a_spike_of_a_reaches_b_exactly_delay_later() {
    let mut app = app();
    let w = app.world_mut();
    let a = quiet_neuron(w);
    let b = quiet_neuron(w);
    dc_into(w, a, 0.3e-9);
    // An immediate-fire synapse makes B fire at the first threshold test after arrival.
    connect(w, a, b, 0.0, 5e-3, SynapseMode::ImmediateFire);
    run_for(w, 0.2);
    let (sa, sb) = (spike_steps(w, a), spike_steps(w, b));
    assert!(sa.len() >= 5);
    assert_eq!(sa.len(), sb.len());
    for (x, y) in sa.iter().zip(&sb) {
        assert_eq!(
            y - x,
            51,
            "A at step {x}, B at step {y}: 50 steps of delay + 1 to act"
        );
    }
}

#[test]
fn inhibitory_source_lowers_the_target() {
    let mut app = app();
    let w = app.world_mut();
    let source = w.spawn((RegularSpikes { rate_hz: 50.0 }, Inhibitory)).id();
    let post = quiet_neuron(w);
    connect(w, source, post, 3e-9, 1e-3, SynapseMode::Add);
    run_for(w, 0.05);
    let trace = w
        .resource::<Recorder>()
        .trace(post)
        .unwrap()
        .full()
        .to_vec();
    let lowest = trace.iter().cloned().fold(f64::MAX, f64::min);
    assert!(
        lowest < -0.075,
        "inhibition should pull B well below rest, lowest {lowest} V"
    );
    assert!(spike_steps(w, post).is_empty());
    assert!(w.resource::<Network>().synaptic_current(post).unwrap() <= 0.0);
}

#[test]
fn additive_synapses_sum_and_saturating_ones_do_not() {
    let peak = |mode| {
        let mut app = app();
        let w = app.world_mut();
        let post = quiet_neuron(w);
        for _ in 0..3 {
            let s = w.spawn(RegularSpikes { rate_hz: 100.0 }).id();
            connect(w, s, post, 0.2e-9, 0.0, mode);
        }
        // Three synapses from three sources fire together; one more shares a source.
        run_for(w, 0.0125);
        let trace = w
            .resource::<Recorder>()
            .trace(post)
            .unwrap()
            .full()
            .to_vec();
        trace.iter().cloned().fold(f64::MIN, f64::max) - LifParams::default().resting_v
    };
    let add = peak(SynapseMode::Add);
    let saturate = peak(SynapseMode::Saturate);
    assert!(add > 0.0 && saturate > 0.0);
    // Three separate saturating synapses still sum; both must agree when sources differ.
    assert!((add - saturate).abs() < 1e-9, "{add} vs {saturate}");

    // Repeated spikes on one synapse: adding stacks up, saturating resets to full weight.
    let driven = |mode| {
        let mut app = app();
        let w = app.world_mut();
        let post = quiet_neuron(w);
        let s = w.spawn(RegularSpikes { rate_hz: 2000.0 }).id();
        connect(w, s, post, 0.05e-9, 0.0, mode);
        run_for(w, 0.01);
        w.get::<Membrane>(post).unwrap().v
    };
    let (add_v, sat_v) = (driven(SynapseMode::Add), driven(SynapseMode::Saturate));
    assert!(
        add_v > sat_v + 1e-3,
        "adding {add_v} V should exceed saturating {sat_v} V"
    );
}

#[test]
fn removing_a_synapse_mid_run_keeps_other_spikes_in_flight() {
    let mut app = app();
    let w = app.world_mut();
    let source = w.spawn(RegularSpikes { rate_hz: 1000.0 }).id();
    let kept = quiet_neuron(w);
    let dropped = quiet_neuron(w);
    connect(w, source, kept, 0.05e-9, 20e-3, SynapseMode::Add);
    let gone = connect(w, source, dropped, 0.05e-9, 20e-3, SynapseMode::Add);
    run_for(w, 0.015);
    // Spikes are in flight to both; despawn one synapse and a new unrelated neuron appears.
    w.despawn(gone);
    quiet_neuron(w);
    // Spikes sent at 1–15 ms arrive at 21–35 ms.
    run_for(w, 0.01);
    let net = w.resource::<Network>();
    let i_kept = net.synaptic_current(kept).unwrap();
    let i_dropped = net.synaptic_current(dropped).unwrap();
    assert!(
        i_kept > 0.1e-9,
        "kept synapse delivered its spikes: {i_kept} A"
    );
    assert_eq!(i_dropped, 0.0, "removed synapse delivered nothing");
    let rest = LifParams::default().resting_v;
    assert_eq!(w.get::<Membrane>(dropped).unwrap().v, rest);
}

#[test]
fn ac_source_drives_the_membrane_at_its_frequency() {
    let mut app = app();
    let w = app.world_mut();
    let post = quiet_neuron(w);
    let source = w
        .spawn(AcSource {
            amplitude_a: 0.1e-9,
            frequency_hz: 20.0,
            phase_rad: 0.0,
        })
        .id();
    w.spawn(CurrentEdge {
        source,
        target: post,
    });
    run_for(w, 1.0);
    let trace = w
        .resource::<Recorder>()
        .trace(post)
        .unwrap()
        .full()
        .to_vec();
    // Upward crossings of rest after the first 100 ms: one per period.
    let rest = LifParams::default().resting_v;
    let ups: Vec<usize> = (1000..trace.len())
        .filter(|&k| trace[k - 1] < rest && trace[k] >= rest)
        .collect();
    assert_eq!(ups.len(), 18, "{ups:?}");
    let period = (ups[ups.len() - 1] - ups[0]) as f64 * 1e-4 / (ups.len() - 1) as f64;
    assert!((period - 0.05).abs() < 2e-4, "period {period} s");
    // Subthreshold: 0.1 nA · 100 MΩ = 10 mV at most, filtered by the membrane.
    let swing = trace[1000..].iter().cloned().fold(f64::MIN, f64::max) - rest;
    assert!(swing > 0.002 && swing < 0.010, "swing {swing} V");
    assert!(spike_steps(w, post).is_empty());
}
