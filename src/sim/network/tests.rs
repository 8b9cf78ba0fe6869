//! Unit tests of the dense layer: channels merged by time constant, the channel limit, state
//! carried over a rebuild, and the synapse and source blocks stepped on their own.

use super::*;

fn entity(i: u32) -> Entity {
    Entity::from_raw_u32(i).expect("a valid index")
}

/// Two LIF neurons at rest and synapses from the first onto the second, one per τ (ms).
fn two_neurons(taus_ms: &[f64]) -> Network {
    two_neurons_with_channel_limit(taus_ms, MAX_CHANNELS)
}

/// As [`two_neurons`], with a builder that holds at most `max_channels` distinct τ.
fn two_neurons_with_channel_limit(taus_ms: &[f64], max_channels: usize) -> Network {
    let mut b = NetworkBuilder::new(1);
    b.max_channels = max_channels;
    let p = LifParams::default();
    for i in 0..2 {
        b.push_lif(entity(i), &p, p.resting_v, 0, None, None);
    }
    for (i, &tau_ms) in taus_ms.iter().enumerate() {
        let k = SynapseKinetics {
            weight_a: 1e-9,
            tau_s: tau_ms * 1e-3,
            mode: SynapseMode::Add,
        };
        let syn = Synapse {
            pre: entity(0),
            post: entity(1),
        };
        b.push_synapse(entity(10 + i as u32), syn, k, 1, 1.0);
    }
    b.finish()
}

#[test]
fn synapses_with_one_time_constant_share_one_channel() {
    let net = two_neurons(&[2.0, 5.0, 2.0, 2.0, 5.0]);
    assert_eq!(net.synapse_count(), 5);
    let mut taus: Vec<f64> = net.synapses.channels.iter().map(|c| c.tau_s).collect();
    taus.sort_by(f64::total_cmp);
    assert_eq!(taus, [2e-3, 5e-3], "one decaying current per τ");
    for c in &net.synapses.channels {
        assert_eq!(c.scaled.len(), net.neuron_count());
        assert!((c.decay - (-DT / c.tau_s).exp()).abs() < 1e-15);
    }
}

#[test]
fn a_time_constant_past_the_channel_limit_leaves_its_synapse_out() {
    // The limit is 65 534 distinct τ; the same refusal at a limit of two.
    let net = two_neurons_with_channel_limit(&[2.0, 5.0, 7.0, 2.0], 2);
    assert_eq!(net.synapses.channels.len(), 2);
    assert_eq!(
        net.synapse_count(),
        3,
        "the 7 ms synapse is left out, the others stay"
    );
    assert_eq!(MAX_CHANNELS, 65_534);
    assert_eq!(size_of::<Outgoing>(), 16, "an outgoing synapse in 16 bytes");
}

#[test]
fn a_rebuild_carries_currents_by_time_constant_and_spikes_in_flight() {
    let mut old = two_neurons(&[2.0, 5.0]);
    // Neuron 0 fires: its spike is in flight for a step, then arrives on both channels.
    old.lif.v[0] = 0.0;
    for step in 0..2 {
        old.stimulus(step);
        old.integrate(step);
        old.threshold(step);
        old.propagate(step);
    }
    let before = old.synaptic_current(entity(1)).unwrap();
    assert!(before > 0.0, "the spike arrived: {before} A");
    // The rebuilt network lists the channels in another order; each keeps its current.
    let mut new = two_neurons(&[5.0, 2.0]);
    new.carry_state_from(&old);
    assert_eq!(new.synaptic_current(entity(1)), Some(before));
    for c in &new.synapses.channels {
        let o = old
            .synapses
            .channels
            .iter()
            .find(|o| o.tau_s == c.tau_s)
            .unwrap();
        let n = c.scaled.len();
        assert!(
            (0..n).all(|i| c.current(i) == o.current(i)),
            "τ {}",
            c.tau_s
        );
    }
}

#[test]
fn the_synapse_block_delivers_a_spike_after_its_delay_and_not_before() {
    // One neuron, one 3-step synapse onto itself; the block is stepped on its own.
    let mut b = NetworkBuilder::new(1);
    let p = LifParams::default();
    b.push_lif(entity(0), &p, p.resting_v, 0, None, None);
    let k = SynapseKinetics {
        weight_a: 2e-9,
        tau_s: 5e-3,
        mode: SynapseMode::Add,
    };
    let syn = Synapse {
        pre: entity(0),
        post: entity(0),
    };
    b.push_synapse(entity(1), syn, k, 3, 1.0);
    let mut net = b.finish();
    let mut learning = LearningBlock::default();
    let synapses = &mut net.synapses;
    synapses.send(&[0], 10, &mut learning);
    for step in 11..13 {
        synapses.send(&[], step, &mut learning);
        assert_eq!(synapses.channel_current(0), 0.0, "in flight at step {step}");
    }
    synapses.send(&[], 13, &mut learning);
    assert_eq!(
        synapses.channel_current(0),
        2e-9,
        "arrives three steps later"
    );
    synapses.decay_channels();
    let decayed = synapses.channel_current(0);
    assert!((decayed - 2e-9 * (-DT / 5e-3).exp()).abs() < 1e-24);
}

#[test]
fn the_source_block_fires_a_regular_generator_once_per_period_and_a_press_at_once() {
    let mut sources = SourceBlock::default();
    sources.regular.push(RegularGenerator {
        source: 0,
        per_step: 250.0 * DT,
        phase: 0.0,
        neuronify_period_s: None,
    });
    sources.touch.push(TouchState {
        source: 1,
        reward: Some(1.0),
        per_step: 0.0,
        held: false,
        pending_press: false,
        phase: 0.0,
    });
    let steps_per_period = (1.0 / (250.0 * DT)).round() as usize;
    let mut spiked = Vec::new();
    for _ in 0..3 * steps_per_period {
        sources.fire(&mut spiked);
    }
    assert_eq!(spiked, [0, 0, 0], "250 Hz: one spike per 4 ms");
    assert_eq!(sources.touch(1, true), Some(Some(1.0)), "a press pays");
    assert_eq!(
        sources.touch(1, true),
        Some(None),
        "holding is no new press"
    );
    assert_eq!(sources.touch(0, true), None, "a generator is no sensor");
    spiked.clear();
    sources.fire(&mut spiked);
    sources.fire(&mut spiked);
    assert_eq!(spiked, [1], "the press fires once, at the next step");
    assert_eq!(sources.held(), 1);
}

#[test]
fn a_channel_decays_by_its_scale_and_folds_it_in_long_before_it_could_overflow() {
    // τ = dt: the scale falls by e per step and passes 1e-100 after 231 steps.
    let mut channel = Channel::new(DT, (-1.0f64).exp(), false);
    channel.scaled = vec![0.0; 3];
    channel.add(0, 1e-9);
    let mut eager = 1e-9;
    for step in 1..=1000 {
        channel.decay_step();
        eager *= channel.decay;
        // A spike every 100 steps keeps the current in the range f64 resolves.
        if step % 100 == 0 {
            channel.add(0, 1e-9);
            eager += 1e-9;
        }
        let lazy = channel.current(0);
        assert!(
            (lazy - eager).abs() <= 1e-12 * eager,
            "step {step}: {lazy} A against {eager} A"
        );
        assert!(channel.scale >= 1e-100 && channel.unscale.is_finite());
    }
    assert_eq!(channel.current(1), 0.0);
    channel.set(2, 3e-9);
    assert!((channel.current(2) - 3e-9).abs() < 1e-24);
    let mut saturating = Channel::new(DT, (-1.0f64).exp(), true);
    saturating.scaled = vec![2e-9];
    saturating.decay_step();
    assert_eq!(
        saturating.current(0),
        2e-9,
        "a saturating channel is gathered anew"
    );
}

#[test]
fn a_row_whose_synapses_add_alike_is_delivered_from_its_targets_alone() {
    // Neuron 0 reaches 1 and 2 alike (one row of a weight and τ); neuron 1 reaches 0 and 2
    // with two weights, neuron 2 reaches 0 after a delay: those go synapse by synapse.
    let mut b = NetworkBuilder::new(1);
    let p = LifParams::default();
    for i in 0..3 {
        b.push_lif(entity(i), &p, p.resting_v, 0, None, None);
    }
    let kinetics = |weight_a: f64| SynapseKinetics {
        weight_a,
        tau_s: 5e-3,
        mode: SynapseMode::Add,
    };
    let mut synapse = |id: u32, pre: u32, post: u32, weight_a: f64, delay_steps: u64| {
        let syn = Synapse {
            pre: entity(pre),
            post: entity(post),
        };
        b.push_synapse(entity(id), syn, kinetics(weight_a), delay_steps, 1.0);
    };
    synapse(10, 0, 1, 2e-9, 0);
    synapse(11, 0, 2, 2e-9, 0);
    synapse(12, 1, 0, 1e-9, 0);
    synapse(13, 1, 2, 3e-9, 0);
    synapse(14, 2, 0, 1e-9, 4);
    let mut net = b.finish();
    let uniform = &net.synapses.out_uniform;
    assert_eq!(uniform[0], Some((0, 2e-9)), "one weight, no delay");
    assert_eq!(uniform[1], None, "two weights");
    assert_eq!(uniform[2], None, "delayed");
    let mut learning = LearningBlock::default();
    let synapses = &mut net.synapses;
    synapses.decay_channels();
    synapses.send(&[0, 1, 2], 10, &mut learning);
    let current = |s: &SynapseBlock, i: usize| s.channel_current(i);
    assert!(
        (current(synapses, 0) - 1e-9).abs() < 1e-24,
        "the delayed one waits"
    );
    assert!((current(synapses, 1) - 2e-9).abs() < 1e-24);
    assert!((current(synapses, 2) - 5e-9).abs() < 1e-24);
}
