//! Learning synapses: the STDP pairing curve measured in a running circuit against its
//! closed form (potentiation for pre before post, depression for post before pre, with the
//! configured amplitudes and time constants), weights inside their bounds under endless
//! pairing, and learned weights written back to the synapse and saved with the circuit.

use crate::common::*;
use spikeworks::circuit::{
    Circuit, LifModel, NeuronItem, NeuronModel, SensorItem, StdpModel, SynapseItem,
};
use spikeworks::sim::{self, DT, SynapseKinetics, SynapseMode};

const W0_NA: f64 = 1.0;
const RULE: StdpModel = StdpModel {
    a_plus: 0.02,
    a_minus: 0.03,
    tau_plus_ms: 15.0,
    tau_minus_ms: 30.0,
    w_max_na: 2.0,
    soft_bounds: false,
};

/// Two neurons made to fire by two touch sensors; a weak plastic synapse joins them.
fn pair(rule: StdpModel) -> Circuit {
    let mut c = Circuit::empty("pairing");
    for id in ["pre", "post"] {
        c.neurons.push(NeuronItem {
            id: id.into(),
            label: id.into(),
            position: (0.0, 0.0),
            inhibitory: false,
            model: NeuronModel::Lif(LifModel::default()),
        });
        c.sensors.push(SensorItem {
            id: format!("touch-{id}"),
            label: String::new(),
            position: (0.0, 0.0),
            repeat_hz: 0.0,
            reward: None,
        });
    }
    let synapse = |id: &str, from: &str, to: &str, mode, weight_na, stdp| SynapseItem {
        id: id.into(),
        from: from.into(),
        to: to.into(),
        weight_na,
        tau_ms: 2.0,
        delay_ms: 0.0,
        mode,
        stdp,
        reward: None,
        neuronify: None,
    };
    c.synapses = vec![
        synapse(
            "press-pre",
            "touch-pre",
            "pre",
            SynapseMode::ImmediateFire,
            3.0,
            None,
        ),
        synapse(
            "press-post",
            "touch-post",
            "post",
            SynapseMode::ImmediateFire,
            3.0,
            None,
        ),
        synapse(
            "learning",
            "pre",
            "post",
            SynapseMode::Add,
            W0_NA,
            Some(rule),
        ),
    ];
    c
}

/// Taps `first` and, `gap_steps` later, `second`, `cycles` times every 50 ms; returns the
/// learned weight in nA, and the spike times of pre and post.
fn train(
    circuit: &Circuit,
    first: &str,
    second: &str,
    gap_steps: u64,
    cycles: usize,
) -> (f64, Vec<f64>, Vec<f64>) {
    let mut app = app();
    let spawned = circuit.spawn(app.world_mut());
    let tap = |app: &mut bevy::app::App, who: &str| {
        let sensor = spawned.entity(&format!("touch-{who}")).unwrap();
        for pressed in [true, false] {
            app.world_mut()
                .write_message(sim::TouchSensorInput { sensor, pressed });
            sim::run_steps(app.world_mut(), 1);
        }
    };
    run_for(app.world_mut(), 0.05);
    for _ in 0..cycles {
        tap(&mut app, first);
        sim::run_steps(app.world_mut(), gap_steps - 2);
        tap(&mut app, second);
        sim::run_steps(app.world_mut(), 500 - gap_steps - 2);
    }
    run_for(app.world_mut(), 0.2);
    let (pre, post) = (
        spawned.entity("pre").unwrap(),
        spawned.entity("post").unwrap(),
    );
    let k = app
        .world()
        .get::<SynapseKinetics>(spawned.entity("learning").unwrap())
        .unwrap();
    (
        k.weight_a * 1e9,
        spike_times(app.world(), pre),
        spike_times(app.world(), post),
    )
}

/// One pairing: the weight change in nA, checking the spikes are `gap_steps` apart.
fn weight_after(rule: StdpModel, first: &str, second: &str, gap_steps: u64) -> f64 {
    let (w, t_pre, t_post) = train(&pair(rule), first, second, gap_steps, 1);
    assert_eq!((t_pre.len(), t_post.len()), (1, 1), "one spike each");
    let dt = t_post[0] - t_pre[0];
    assert!(
        ((dt.abs() / DT).round() as u64) == gap_steps,
        "spikes {gap_steps} steps apart: {dt}"
    );
    w
}

#[test]
fn the_pairing_curve_follows_its_exponentials() {
    let mut curve = Vec::new();
    for gap_ms in [2.0, 5.0, 10.0, 20.0, 40.0] {
        let steps = (gap_ms * 1e-3 / DT).round() as u64;
        let ltp = weight_after(RULE, "pre", "post", steps) - W0_NA;
        let ltd = weight_after(RULE, "post", "pre", steps) - W0_NA;
        let want_ltp = RULE.a_plus * RULE.w_max_na * (-gap_ms / RULE.tau_plus_ms).exp();
        let want_ltd = -RULE.a_minus * RULE.w_max_na * (-gap_ms / RULE.tau_minus_ms).exp();
        curve.push((gap_ms, ltp, ltd));
        assert!(
            (ltp - want_ltp).abs() < 1e-9,
            "Δt = +{gap_ms} ms: {ltp} nA, want {want_ltp}"
        );
        assert!(
            (ltd - want_ltd).abs() < 1e-9,
            "Δt = −{gap_ms} ms: {ltd} nA, want {want_ltd}"
        );
    }
    println!("(|Δt| ms, Δw nA pre→post, Δw nA post→pre): {curve:?}");
}

#[test]
fn endless_pairing_stays_within_the_bounds_and_the_learned_weight_is_saved() {
    // Pre 3 ms before post, every 50 ms: +0.033 nA per pair against −0.013 from the gap to
    // the next pre spike, so the weight climbs to w_max and stays.
    let circuit = pair(RULE);
    let (w, ..) = train(&circuit, "pre", "post", 30, 100);
    assert_eq!(w, RULE.w_max_na, "held at w_max");
    // Post 3 ms before pre: down to 0, and no further.
    let (w, ..) = train(&circuit, "post", "pre", 30, 100);
    assert_eq!(w, 0.0, "held at 0");

    // The learned weight is the synapse's weight: it is saved with the circuit.
    let mut app = app();
    let spawned = circuit.spawn(app.world_mut());
    let learning = spawned.entity("learning").unwrap();
    let learned = SynapseKinetics {
        weight_a: 1.5e-9,
        ..*app.world().get::<SynapseKinetics>(learning).unwrap()
    };
    app.world_mut().entity_mut(learning).insert(learned);
    let saved = Circuit::from_world(app.world_mut(), "pairing", "");
    let s = saved.synapses.iter().find(|s| s.id == "learning").unwrap();
    assert_eq!((s.weight_na, s.stdp), (1.5, Some(RULE)));
}

#[test]
fn editing_a_learning_synapse_keeps_what_it_learned_unless_its_weight_is_edited() {
    let circuit = pair(RULE);
    let mut app = app();
    let spawned = circuit.spawn(app.world_mut());
    let learning = spawned.entity("learning").unwrap();
    let learned = SynapseKinetics {
        weight_a: 1.7e-9,
        ..*app.world().get::<SynapseKinetics>(learning).unwrap()
    };
    app.world_mut().entity_mut(learning).insert(learned);
    let weight = |app: &bevy::app::App| {
        app.world()
            .get::<SynapseKinetics>(learning)
            .unwrap()
            .weight_a
            * 1e9
    };

    let mut edited = circuit.clone();
    edited.synapses[2].stdp = Some(StdpModel {
        a_plus: 0.05,
        ..RULE
    });
    edited.apply(app.world_mut(), Some(&circuit));
    assert!(
        (weight(&app) - 1.7).abs() < 1e-9,
        "a new rule keeps the weight: {}",
        weight(&app)
    );

    let mut reweighted = edited.clone();
    reweighted.synapses[2].weight_na = 0.5;
    reweighted.apply(app.world_mut(), Some(&edited));
    assert!((weight(&app) - 0.5).abs() < 1e-9, "an edited weight wins");
}
