//! Learning from reward in the circuit engine: escape-noise neurons fire at the rate of their
//! escape function, place cells at their field's rate where the animal is, and the
//! three-factor synapse changes only on a reward event — by `α·(R − b)·e` within its bounds —
//! with an eligibility that decays with τ_e. Rewards come from a message (the sandbox's
//! buttons), a rewarding touch sensor, and a level's `Reward` stimulus.

use crate::common::*;
use spikeworks::circuit::Circuit;
use spikeworks::level::Stimulus;
use spikeworks::level::check::run_trial;
use spikeworks::sim::{
    self, AnimalPosition, Network, RewardEvent, RewardLearning, SynapseKinetics, TouchSensorInput,
};

/// A Poisson input that drives an escape-noise neuron through a reward-learning synapse, and
/// a touch sensor that gives a reward of +1 when pressed.
const CIRCUIT: &str = r#"Circuit(
    version: 1,
    name: "reward",
    neurons: [
        (id: "cell", model: Lif((resting_mV: -65.0, reset_mV: -65.0, threshold_mV: -50.0,
            refractory_ms: 0.0, escape: (width_mV: 4.0, max_rate_Hz: 200.0)))),
    ],
    generators: [
        (id: "input", kind: Poisson(rate_Hz: 300.0)),
        (id: "place", kind: PlaceCell((centre_x_m: 0.3, centre_y_m: -0.2, width_m: 0.25, peak_Hz: 100.0))),
    ],
    sensors: [
        (id: "treat", reward: Some(1.0)),
    ],
    synapses: [
        (id: "learns", from: "input", to: "cell", weight_nA: 1.0, tau_ms: 10.0, delay_ms: 0.0,
            reward: (tau_e_ms: 2000.0, tau_c_ms: 5.0, learning_rate: 0.05, w_max_nA: 5.0)),
    ],
)"#;

fn circuit() -> Circuit {
    Circuit::from_ron_str(CIRCUIT, "reward-test").expect("the test circuit is valid")
}

fn eligibility(world: &bevy::prelude::World, synapse: bevy::prelude::Entity) -> f64 {
    world
        .resource::<Network>()
        .eligibilities()
        .find(|(e, _)| *e == synapse)
        .map(|(_, e)| e)
        .expect("a reward-learning synapse")
}

fn weight_na(world: &bevy::prelude::World, synapse: bevy::prelude::Entity) -> f64 {
    world.get::<SynapseKinetics>(synapse).unwrap().weight_a * 1e9
}

#[test]
fn an_escape_neuron_at_rest_fires_at_the_rate_of_its_escape_function() {
    // No input reaches it (the synapse is cut): V stays at −65 mV, so it is a Poisson process
    // of rate g(−65 mV) = 200 Hz / (1 + e^(15/4)) = 4.595 Hz.
    let mut c = circuit();
    c.synapses.clear();
    let mut app = app();
    let spawned = c.spawn(app.world_mut());
    run_for(app.world_mut(), 200.0);
    let n = spike_times(app.world(), spawned.entity("cell").unwrap()).len() as f64;
    let expected = 200.0 * 200.0 / (1.0 + (15.0f64 / 4.0).exp());
    println!("escape neuron: {n} spikes in 200 s, expected {expected:.1}");
    assert!(
        (n - expected).abs() < 4.0 * expected.sqrt(),
        "{n} vs {expected:.1}"
    );
}

#[test]
fn a_place_cell_fires_at_its_field_rate_where_the_animal_is() {
    let mut app = app();
    let spawned = circuit().spawn(app.world_mut());
    let place = spawned.entity("place").unwrap();
    let count = |app: &mut bevy::app::App, at: [f64; 2]| {
        app.world_mut().resource_mut::<AnimalPosition>().0 = at;
        let before = spike_times(app.world(), place).len();
        run_for(app.world_mut(), 20.0);
        (spike_times(app.world(), place).len() - before) as f64
    };
    let at_centre = count(&mut app, [0.3, -0.2]);
    let one_sigma_away = count(&mut app, [0.55, -0.2]);
    let far = count(&mut app, [-1.0, 1.0]);
    println!("place cell: {at_centre} / {one_sigma_away} / {far} spikes in 20 s");
    assert!((at_centre - 2000.0).abs() < 4.0 * 2000f64.sqrt());
    let expected = 2000.0 * (-0.5f64).exp();
    assert!((one_sigma_away - expected).abs() < 4.0 * expected.sqrt());
    assert!(far < 5.0);
}

#[test]
fn without_reward_nothing_is_learned_and_a_reward_changes_the_weight_by_the_rule() {
    let mut app = app();
    let spawned = circuit().spawn(app.world_mut());
    let synapse = spawned.entity("learns").unwrap();
    run_for(app.world_mut(), 3.0);
    assert_eq!(
        weight_na(app.world(), synapse),
        1.0,
        "learned without a reward"
    );
    let e = eligibility(app.world(), synapse);
    assert!(e.abs() > 1e-3, "no eligibility built up: {e}");

    let rule: RewardLearning = *app.world().get::<RewardLearning>(synapse).unwrap();
    app.world_mut().write_message(RewardEvent { reward: 1.0 });
    sim::run_steps(app.world_mut(), 1);
    let expected = rule.rewarded_weight(1.0 / 5.0, e, 1.0) * 5.0;
    let after = weight_na(app.world(), synapse);
    println!("eligibility {e:+.4}/mV: weight 1.0 → {after:.6} nA (rule: {expected:.6})");
    assert!((after - expected).abs() < 1e-9, "{after} vs {expected}");
    assert!(after != 1.0);
}

#[test]
fn eligibility_decays_with_tau_e_once_the_input_stops() {
    let mut app = app();
    let spawned = circuit().spawn(app.world_mut());
    let synapse = spawned.entity("learns").unwrap();
    run_for(app.world_mut(), 3.0);
    // Silence the input: its EPSP trace is gone within a few τ = 10 ms.
    let input = spawned.entity("input").unwrap();
    app.world_mut()
        .resource_mut::<Network>()
        .set_poisson_rate(input, 0.0);
    run_for(app.world_mut(), 0.5);
    let e0 = eligibility(app.world(), synapse);
    run_for(app.world_mut(), 1.0);
    let e1 = eligibility(app.world(), synapse);
    let expected = (-1.0f64 / 2.0).exp();
    println!(
        "eligibility {e0:+.5} → {e1:+.5}: ratio {:.6}, e^(−1 s/τ_e) = {expected:.6}",
        e1 / e0
    );
    assert!(e0.abs() > 1e-4);
    assert!((e1 / e0 - expected).abs() < 1e-6);
}

#[test]
fn a_rewarding_touch_sensor_rewards_like_the_button() {
    let run = |press: bool| {
        let mut app = app();
        let spawned = circuit().spawn(app.world_mut());
        run_for(app.world_mut(), 2.0);
        if press {
            let sensor = spawned.entity("treat").unwrap();
            app.world_mut().write_message(TouchSensorInput {
                sensor,
                pressed: true,
            });
        } else {
            app.world_mut().write_message(RewardEvent { reward: 1.0 });
        }
        sim::run_steps(app.world_mut(), 1);
        weight_na(app.world(), spawned.entity("learns").unwrap())
    };
    let (touched, button) = (run(true), run(false));
    assert_ne!(touched, 1.0);
    assert_eq!(touched, button);
}

#[test]
fn a_level_reward_stimulus_changes_what_the_circuit_does_next() {
    // A reward at 1 s strengthens the input, so the cell fires more in
    // the second second than without it. Before the reward both runs are identical.
    let c = circuit();
    let reward = [Stimulus::Reward {
        value: 3.0,
        at_ms: 1000.0,
    }];
    let with = run_trial(&c, &reward, 2000.0, 7);
    let without = run_trial(&c, &[], 2000.0, 7);
    let split = |t: &[f64]| {
        let early = t.iter().filter(|&&t| t < 1000.0).count();
        (early, t.len() - early)
    };
    let (w, wo) = (split(&with["cell"]), split(&without["cell"]));
    println!("cell spikes before/after 1 s: rewarded {w:?}, not rewarded {wo:?}");
    assert_eq!(w.0, wo.0);
    assert!(w.1 > wo.1, "{w:?} vs {wo:?}");
}
