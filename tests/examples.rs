//! The shipped lesson circuits do what their notes say, checked on spikes in a headless run:
//! the IF response against the closed form, the refractory period capping the rate near
//! 1/t_ref, lateral inhibition favouring the centre, disinhibition releasing its target.

mod common;

use common::*;
use spikeworks::circuit::{Circuit, SpawnedCircuit};
use spikeworks::sim::{self, DT};

fn example(name: &str) -> Circuit {
    let path = format!(
        "{}/assets/examples/{name}.circuit.ron",
        env!("CARGO_MANIFEST_DIR")
    );
    Circuit::load(std::path::Path::new(&path)).unwrap_or_else(|e| panic!("{e}"))
}

/// Spawns a circuit in a fresh headless app.
fn start(circuit: &Circuit) -> (bevy::app::App, SpawnedCircuit) {
    let mut app = app();
    let spawned = circuit.spawn(app.world_mut());
    (app, spawned)
}

fn spikes(app: &bevy::app::App, spawned: &SpawnedCircuit, id: &str) -> Vec<f64> {
    spike_times(app.world(), spawned.entity(id).unwrap())
}

#[test]
fn neurons_start_at_their_reset_potential() {
    let circuit = example("if_response");
    let (app, spawned) = start(&circuit);
    let v = app
        .world()
        .get::<sim::Membrane>(spawned.entity("mid").unwrap())
        .unwrap()
        .v;
    assert_eq!(v, 0.0, "reset is 0 mV in this circuit");
}

#[test]
fn if_response_follows_the_closed_form() {
    let (mut app, spawned) = start(&example("if_response"));
    run_for(app.world_mut(), 2.0);
    assert!(
        spikes(&app, &spawned, "low").is_empty(),
        "R·I = 18 mV stays below 20 mV"
    );
    // From reset 0 to threshold 20 mV towards V∞ = R·I: T = τ ln(V∞ / (V∞ − 20 mV)), τ = 10 ms.
    for (id, current_na) in [("mid", 2.02f64), ("high", 2.2)] {
        let t = spikes(&app, &spawned, id);
        let v_inf = 10.0 * current_na;
        let expected = 0.010 * (v_inf / (v_inf - 20.0)).ln();
        let first = t[0];
        let isi = t[1] - t[0];
        assert!(
            (first - expected).abs() <= 1.5 * DT,
            "{id}: first spike {first} s, expected {expected} s"
        );
        assert!(
            (isi - expected).abs() <= 1.5 * DT,
            "{id}: ISI {isi} s, expected {expected} s"
        );
    }
}

#[test]
fn the_refractory_period_caps_the_rate_near_one_over_t_ref() {
    let mut rates = Vec::new();
    for current_na in [3.0, 10.0, 30.0] {
        let mut circuit = example("refractory_period");
        assert!(circuit.set_param("drive", "current_nA", current_na));
        let (mut app, spawned) = start(&circuit);
        run_for(app.world_mut(), 1.0);
        let rate = |id| spikes(&app, &spawned, id).len() as f64;
        rates.push((current_na, rate("with"), rate("without")));
    }
    println!("(current nA, Hz with 10 ms refractory, Hz without): {rates:?}");
    for pair in rates.windows(2) {
        assert!(
            pair[1].1 > pair[0].1 && pair[1].2 > pair[0].2,
            "rates rise with current"
        );
    }
    for &(_, with, without) in &rates {
        assert!(with < 100.0, "never faster than 1/10 ms: {with} Hz");
        assert!(without > with);
    }
    let (_, with, without) = rates[2];
    assert!(with > 90.0, "at 30 nA it approaches 100 Hz: {with}");
    assert!(without > 1000.0, "without the pause it races on: {without}");
}

#[test]
fn lateral_inhibition_lets_the_centre_dominate() {
    let (mut app, spawned) = start(&example("lateral_inhibition"));
    run_for(app.world_mut(), 2.0);
    let count = |id| spikes(&app, &spawned, id).len();
    let inputs = [count("in-left"), count("in-centre"), count("in-right")];
    assert!(
        inputs[0] == inputs[1] && inputs[1] == inputs[2] && inputs[0] > 20,
        "uniform drive: {inputs:?}"
    );
    let (left, centre, right) = (count("out-left"), count("out-centre"), count("out-right"));
    assert!(centre > 20, "the centre output follows its input: {centre}");
    assert!(
        left * 2 < centre && right * 2 < centre,
        "flanks held back: {left}, {centre}, {right}"
    );
}

#[test]
fn disinhibition_releases_the_output_while_the_sensor_is_held() {
    let (mut app, spawned) = start(&example("disinhibition"));
    run_for(app.world_mut(), 1.0);
    let quiet = spikes(&app, &spawned, "output").len();
    assert_eq!(quiet, 0, "the brake holds the output down");
    let sensor = spawned.entity("touch").unwrap();
    app.world_mut().write_message(sim::TouchSensorInput {
        sensor,
        pressed: true,
    });
    run_for(app.world_mut(), 1.0);
    let released = spikes(&app, &spawned, "output").len();
    assert!(
        released > 10,
        "inhibiting the inhibitor frees the output: {released} spikes"
    );
    app.world_mut().write_message(sim::TouchSensorInput {
        sensor,
        pressed: false,
    });
    run_for(app.world_mut(), 0.2);
    let settled = spikes(&app, &spawned, "output").len();
    run_for(app.world_mut(), 1.0);
    assert_eq!(
        spikes(&app, &spawned, "output").len(),
        settled,
        "released sensor: brake back on"
    );
}
