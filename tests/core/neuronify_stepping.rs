//! Neuronify's stepping on hand-written circuits, without the original files: a leaky neuron
//! driven by a current clamp against a transcription of Neuronify's own step; a touch
//! sensor's spike through an immediate-fire edge two steps later; a delayed synapse on
//! Neuronify's clock; a regular generator's period; Reset back to `start_mV`; and the new
//! fields' round trip and their errors.

use spikeworks::circuit::Circuit;
use spikeworks::runner::{RunOptions, parse_touches, run_circuit};

const DT: f64 = 1e-4;

fn circuit(text: &str) -> Circuit {
    Circuit::from_ron_str(text, "test.circuit.ron").unwrap_or_else(|e| panic!("{e}"))
}

fn run(c: &Circuit, steps: u64, touches: &str, record: &[&str]) -> spikeworks::runner::RunReport {
    let opts = RunOptions {
        duration_s: steps as f64 * DT,
        touches: parse_touches(touches).unwrap(),
        record: record.iter().map(|s| (*s).to_owned()).collect(),
        ..RunOptions::default()
    };
    run_circuit(c, &opts).unwrap_or_else(|e| panic!("{e}"))
}

fn spike_steps(report: &spikeworks::runner::RunReport, id: &str) -> Vec<u64> {
    report
        .spikes
        .iter()
        .filter(|(_, i, _)| i == id)
        .map(|(t, ..)| (t / DT).round() as u64)
        .collect()
}

/// Neuronify's step for one leaky neuron fed by a current clamp, transcribed from its source
/// (CINPLA/neuronify 3f908f2: `NeuronEngine::stepEvent`, `LeakCurrent::stepEvent`,
/// `LeakyNeuron.qml`'s refractory handler, and `graphengine.cpp`'s order: nodes step, then
/// the clamp's current is delivered).
fn neuronify_reference(v0: f64, dc: f64, steps: u64) -> Vec<u64> {
    let (c, r, rest, threshold, reset, refractory) = (0.2e-9, 1e8, -0.070, -0.055, -0.080, 0.002);
    let (mut v, mut received, mut since, mut enabled) = (v0, 0.0, f64::INFINITY, true);
    let mut spikes = Vec::new();
    for step in 0..steps {
        if enabled {
            let leak = -(v - rest) / r;
            if v > threshold {
                spikes.push(step);
                v = reset;
                since = 0.0;
            }
            v += (leak + received) / c * DT;
            v = v.clamp(-0.090, 0.060);
            received = 0.0;
        }
        enabled = since >= refractory;
        since += DT;
        if enabled {
            received += dc;
        }
    }
    spikes
}

#[test]
fn a_neuronify_neuron_fires_where_neuronify_s_own_step_does() {
    let c = circuit(
        r#"Circuit(version: 1,
            neurons: [(id: "n", model: Lif((start_mV: -62.5, neuronify: (clamp_mV: (-90.0, 60.0)))))],
            generators: [(id: "dc", kind: Dc(current_nA: 0.31), targets: ["n"])])"#,
    );
    let ours = spike_steps(&run(&c, 20_000, "", &[]), "n");
    let theirs = neuronify_reference(-0.0625, 0.31e-9, 20_000);
    assert!(theirs.len() > 20, "{theirs:?}");
    assert_eq!(ours, theirs);
    // The same neuron on the exact engine fires elsewhere: the stepping is the item's.
    let exact = circuit(
        r#"Circuit(version: 1,
            neurons: [(id: "n", model: Lif((start_mV: -62.5)))],
            generators: [(id: "dc", kind: Dc(current_nA: 0.31), targets: ["n"])])"#,
    );
    assert_ne!(spike_steps(&run(&exact, 20_000, "", &[]), "n"), theirs);
}

#[test]
fn a_touch_reaches_a_neuronify_neuron_two_steps_later_unless_it_is_refractory() {
    let c = circuit(
        r#"Circuit(version: 1,
            neurons: [(id: "n", model: Lif((start_mV: -70.0, neuronify: (clamp_mV: (-90.0, 60.0)))))],
            sensors: [(id: "touch")],
            synapses: [(from: "touch", to: "n", delay_ms: 0.0, mode: ImmediateFire, neuronify: ())])"#,
    );
    // Pressed at step 1000 and at 1005: the sensor fires at each press; the neuron fires at
    // 1002 and is refractory when the second 1 MA arrives, which is lost.
    let report = run(&c, 2000, "touch@0.1s,touch@0.1005s..0.15s", &["n"]);
    assert_eq!(spike_steps(&report, "touch"), [1000, 1005]);
    assert_eq!(spike_steps(&report, "n"), [1002]);
    let v = &report.voltages[0].1;
    assert!(
        (v[1001] - 0.060).abs() < 1e-12,
        "clamped at +60 mV: {}",
        v[1001]
    );
}

#[test]
fn a_delayed_neuronify_synapse_and_generator_keep_neuronify_s_clock() {
    let c = circuit(
        r#"Circuit(version: 1,
            neurons: [(id: "n", model: Lif((start_mV: -70.0, neuronify: ())))],
            generators: [(id: "g", kind: Regular(rate_Hz: 200.0), neuronify_clock: true)],
            synapses: [(from: "g", to: "n", weight_nA: 0.5, delay_ms: 5.0, mode: Saturate,
                        neuronify: (exponential: 0.0))])"#,
    );
    let report = run(&c, 400, "", &["n"]);
    // A period takes one step more than 1/rate: Neuronify's 200 Hz fires every 5.1 ms.
    let mut since = 0.0;
    let expected: Vec<u64> = (0..400)
        .filter(|_| {
            since += DT;
            let fires = since > 1.0 / 200.0;
            if fires {
                since = 0.0;
            }
            fires
        })
        .collect();
    assert_eq!(spike_steps(&report, "g"), expected);
    assert_eq!(expected[..2], [50, 101]);
    // The spike of step 50 is due at Neuronify's synapse time 51·dt + 5 ms, tested before the
    // clock advances; the synapse's output reaches the membrane two steps after it triggers.
    let mut clock = 0.0;
    let mut due = None;
    let mut triggered = None;
    for step in 0..400u64 {
        if triggered.is_none() && due.is_some_and(|t| t < clock) {
            triggered = Some(step);
        }
        clock += DT;
        if step == 50 {
            due = Some(clock + 0.005);
        }
    }
    let moved = triggered.unwrap() as usize + 2;
    let v = &report.voltages[0].1;
    assert!(
        v[..moved].iter().all(|&x| x == -0.070),
        "at rest before {moved}"
    );
    assert!(v[moved] > -0.070, "lifted at step {moved}");
}

#[test]
fn reset_returns_a_neuron_to_its_start_potential() {
    let c = circuit(
        r#"Circuit(version: 1,
            neurons: [(id: "a", model: Lif((start_mV: -56.0))), (id: "b", model: Lif(()))])"#,
    );
    let mut app = spikeworks::sim::headless_app();
    app.finish();
    app.cleanup();
    let world = app.world_mut();
    let spawned = c.spawn(world);
    let _ = spawned;
    spikeworks::sim::run_steps(world, 1);
    let v = |world: &mut bevy::prelude::World, id: &str| {
        let mut q = world.query::<(&spikeworks::sim::StableId, &spikeworks::sim::Membrane)>();
        q.iter(world).find(|(s, _)| s.0 == id).unwrap().1.v
    };
    assert!((v(world, "a") + 0.056).abs() < 1e-3, "a starts near −56 mV");
    assert!(
        (v(world, "b") + 0.080).abs() < 1e-3,
        "b starts at its reset"
    );
    spikeworks::sim::run_steps(world, 3000);
    world.write_message(spikeworks::sim::ResetDynamics);
    spikeworks::sim::run_steps(world, 1);
    assert!(
        (v(world, "a") + 0.056).abs() < 1e-3,
        "Reset goes back to −56 mV"
    );
    // Saving keeps the start, not the voltage of the moment.
    let saved = Circuit::from_world(world, "", "");
    assert_eq!(saved.neurons, c.neurons);
}

#[test]
fn neuronify_fields_round_trip_and_bad_ones_are_named() {
    let text = r#"Circuit(version: 1,
        neurons: [
            (id: "n", model: Lif((start_mV: -74.35, neuronify: (clamp_mV: (-90.0, 60.0))))),
            (id: "m", model: Lif((neuronify: ()))),
        ],
        generators: [(id: "g", kind: Regular(rate_Hz: 100.0), neuronify_clock: true)],
        synapses: [(id: "s", from: "n", to: "m", mode: Saturate,
                    neuronify: (exponential: 0.1285, linear: 0.5, alpha: true))])"#;
    let c = circuit(text);
    let again = circuit(&c.to_ron_string().unwrap());
    assert_eq!(again, c);
    for (bad, field) in [
        (r#"neuronify: (clamp_mV: (60.0, -90.0))"#, "clamp_mV"),
        (r#"start_mV: 1e6"#, "start_mV"),
        (r#"neuronify: (), escape: ()"#, "neuronify"),
    ] {
        let t = format!(r#"Circuit(version: 1, neurons: [(id: "n", model: Lif(({bad})))])"#);
        let err = Circuit::from_ron_str(&t, "bad.circuit.ron")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("bad.circuit.ron") && err.contains(field),
            "{bad}: {err}"
        );
    }
    let err = Circuit::from_ron_str(
        r#"Circuit(version: 1, neurons: [(id: "a", model: Lif(())), (id: "b", model: Lif(()))],
            synapses: [(from: "a", to: "b", mode: Add, neuronify: ())])"#,
        "add.circuit.ron",
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("neuronify") && err.contains("Saturate"),
        "{err}"
    );
    let err = Circuit::from_ron_str(
        r#"Circuit(version: 1, generators: [(id: "p", kind: Poisson(rate_Hz: 5.0), neuronify_clock: true)])"#,
        "clock.circuit.ron",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("neuronify_clock"), "{err}");
}

#[test]
fn switching_neuronify_stepping_in_a_running_circuit_keeps_the_neuron_firing() {
    let stepped = circuit(
        r#"Circuit(version: 1,
            neurons: [(id: "n", model: Lif((neuronify: (clamp_mV: (-90.0, 60.0)))))],
            generators: [(id: "dc", kind: Dc(current_nA: 0.5), targets: ["n"])])"#,
    );
    let mut exact = stepped.clone();
    if let spikeworks::circuit::NeuronModel::Lif(m) = &mut exact.neurons[0].model {
        m.neuronify = None;
    }
    let mut app = spikeworks::sim::headless_app();
    app.finish();
    app.cleanup();
    let world = app.world_mut();
    world.insert_resource(spikeworks::sim::Recorder::full_history());
    let count = |world: &mut bevy::prelude::World| {
        world.resource::<spikeworks::sim::Recorder>().spikes().len()
    };
    stepped.spawn(world);
    spikeworks::sim::run_steps(world, 2000);
    let first = count(world);
    assert!(first > 5, "Neuronify's stepping fires: {first}");
    // Off, on and off again: each time the neuron goes on firing, integrated once a step.
    for (next, previous) in [(&exact, &stepped), (&stepped, &exact), (&exact, &stepped)] {
        let before = count(world);
        next.apply(world, Some(previous));
        spikeworks::sim::run_steps(world, 2000);
        let fired = count(world) - before;
        assert!(
            (first / 2..=first * 2).contains(&fired),
            "{fired} spikes in 0.2 s after the switch, {first} before"
        );
    }
}
