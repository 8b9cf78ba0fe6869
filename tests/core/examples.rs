//! The shipped lesson circuits do what their notes say, checked on spikes in a headless run:
//! the IF response against the closed form, the refractory period capping the rate near
//! 1/t_ref, lateral inhibition favouring the centre, disinhibition releasing its target.

use crate::common::*;
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

/// Taps the named sensors together, as several fingers would.
fn tap(app: &mut bevy::app::App, spawned: &SpawnedCircuit, sensors: &[&str]) {
    for pressed in [true, false] {
        for id in sensors {
            let sensor = spawned.entity(id).unwrap();
            app.world_mut()
                .write_message(sim::TouchSensorInput { sensor, pressed });
        }
        sim::run_steps(app.world_mut(), 1);
    }
}

#[test]
fn summation_needs_several_inputs_in_time_or_in_space() {
    let (mut app, spawned) = start(&example("input_summation"));
    run_for(app.world_mut(), 1.0);
    // Temporal: the output fires, but only after several input spikes have added up.
    let fast = spikes(&app, &spawned, "fast");
    let summed = spikes(&app, &spawned, "temporal");
    assert!(!summed.is_empty(), "the fast train reaches threshold");
    let before_first = fast.iter().filter(|t| **t < summed[0]).count();
    assert!(
        before_first >= 2,
        "one spike is not enough: {before_first} came first"
    );
    // Spatial: one input is not enough, three at once are.
    tap(&mut app, &spawned, &["touch-a"]);
    run_for(app.world_mut(), 0.1);
    assert!(spikes(&app, &spawned, "a").len() == 1);
    assert!(
        spikes(&app, &spawned, "spatial").is_empty(),
        "one input alone"
    );
    tap(&mut app, &spawned, &["touch-a", "touch-b", "touch-c"]);
    run_for(app.world_mut(), 0.1);
    assert_eq!(spikes(&app, &spawned, "spatial").len(), 1, "three together");
}

#[test]
fn feedback_inhibition_lowers_the_output_rate() {
    let rates = |weight: f64| {
        let mut circuit = example("recurrent_inhibition");
        assert!(circuit.set_param("b-a", "weight_nA", weight));
        let (mut app, spawned) = start(&circuit);
        run_for(app.world_mut(), 2.0);
        let count = |id| spikes(&app, &spawned, id).len();
        (count("input"), count("output"))
    };
    let (input, output) = rates(3.0);
    assert!(
        output * 2 < input,
        "with feedback the output lags: {output} of {input}"
    );
    let (input, output) = rates(0.0);
    assert!(
        output + 2 >= input,
        "without it, every spike gets through: {output} of {input}"
    );
}

#[test]
fn reciprocal_inhibition_is_a_switch_that_a_touch_flips() {
    let (mut app, spawned) = start(&example("reciprocal_inhibition"));
    run_for(app.world_mut(), 1.0);
    let count = |app: &bevy::app::App, id| spikes(app, &spawned, id).len();
    let (one, two) = (count(&app, "out-left"), count(&app, "out-right"));
    assert!(one > 20 && two <= 2, "side 1 in charge: {one} vs {two}");
    tap(&mut app, &spawned, &["touch-left"]);
    run_for(app.world_mut(), 0.05);
    let (one, two) = (count(&app, "out-left"), count(&app, "out-right"));
    run_for(app.world_mut(), 1.0);
    let (one_after, two_after) = (
        count(&app, "out-left") - one,
        count(&app, "out-right") - two,
    );
    assert!(
        two_after > 20 && one_after == 0,
        "side 2 took over: {one_after} vs {two_after}"
    );
}

#[test]
fn the_two_neuron_oscillator_takes_turns_with_a_stable_period() {
    let (mut app, spawned) = start(&example("half_center_oscillator"));
    run_for(app.world_mut(), 6.0);
    let mut all: Vec<(f64, &str)> = ["left", "right"]
        .into_iter()
        .flat_map(|id| spikes(&app, &spawned, id).into_iter().map(move |t| (t, id)))
        .filter(|(t, _)| *t > 1.0)
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Runs of spikes by one neuron: the bursts.
    let mut bursts: Vec<(f64, &str, usize)> = Vec::new();
    for (t, who) in all {
        match bursts.last_mut() {
            Some(b) if b.1 == who => b.2 += 1,
            _ => bursts.push((t, who, 1)),
        }
    }
    assert!(bursts.len() >= 20, "many turns in 5 s: {}", bursts.len());
    // The first and last runs are cut by the window's edges.
    let whole = &bursts[1..bursts.len() - 1];
    assert!(
        whole.iter().all(|b| b.2 >= 3),
        "each turn is a burst: {bursts:?}"
    );
    let starts: Vec<f64> = whole
        .iter()
        .filter(|b| b.1 == "left")
        .map(|b| b.0)
        .collect();
    let periods: Vec<f64> = starts.windows(2).map(|w| w[1] - w[0]).collect();
    let (lo, hi) = periods
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), p| (lo.min(*p), hi.max(*p)));
    println!("burst periods {lo:.3}–{hi:.3} s");
    assert!(hi / lo < 1.1, "a stable rhythm: {periods:?}");
}

/// Coefficient of variation of the intervals between spikes.
fn cv(times: &[f64]) -> f64 {
    let isi: Vec<f64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    let mean = isi.iter().sum::<f64>() / isi.len() as f64;
    let var = isi.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / isi.len() as f64;
    var.sqrt() / mean
}

#[test]
fn each_generator_leaves_its_signature_in_the_spike_train() {
    let (mut app, spawned) = start(&example("generators"));
    run_for(app.world_mut(), 5.0);
    let dc = spikes(&app, &spawned, "n-dc");
    let regular = spikes(&app, &spawned, "n-regular");
    let poisson = spikes(&app, &spawned, "n-poisson");
    let ac = spikes(&app, &spawned, "n-ac");
    assert!(
        cv(&dc) < 0.01 && cv(&regular) < 0.01,
        "clockwork: {} {}",
        cv(&dc),
        cv(&regular)
    );
    assert!(
        (regular.len() as f64 - 100.0).abs() <= 2.0,
        "spike for spike at 20 Hz: {}",
        regular.len()
    );
    assert!(cv(&poisson) > 0.7, "random gaps: CV {}", cv(&poisson));
    // The 4 Hz sine is positive for the first 125 ms of each 250 ms period.
    let phases: Vec<f64> = ac.iter().map(|t| t % 0.25).collect();
    assert!(ac.len() > 50);
    assert!(
        phases.iter().all(|p| *p < 0.16),
        "silent on the negative half: {phases:?}"
    );
}

#[test]
fn one_touch_starts_activity_that_outlasts_it_and_then_dies_out() {
    let (mut app, spawned) = start(&example("prolonged_activity"));
    run_for(app.world_mut(), 0.5);
    assert!(
        spikes(&app, &spawned, "adaptive").is_empty(),
        "silent until touched"
    );
    tap(&mut app, &spawned, &["touch"]);
    run_for(app.world_mut(), 4.0);
    let laps = spikes(&app, &spawned, "adaptive");
    let (first, last) = (laps[0], *laps.last().unwrap());
    println!("{} laps from {first:.3} s to {last:.3} s", laps.len());
    assert!(
        last - first > 0.4,
        "the loop keeps going long after the touch"
    );
    assert!(last < 4.0, "and stops by itself");
    assert_eq!(
        spikes(&app, &spawned, "readout").len(),
        laps.len(),
        "the readout follows every lap"
    );
}

#[test]
fn the_neuron_item_demos_do_what_their_notes_say() {
    // Leaky: one touch, A fires, its synapse makes B fire.
    let (mut app, spawned) = start(&example("leaky_neuron"));
    tap(&mut app, &spawned, &["touch"]);
    run_for(app.world_mut(), 0.2);
    assert_eq!(spikes(&app, &spawned, "a").len(), 1);
    assert_eq!(spikes(&app, &spawned, "b").len(), 1);

    // Inhibitory: A lifts C's voltage, B lowers it.
    let (mut app, spawned) = start(&example("inhibitory_neuron"));
    let c = spawned.entity("c").unwrap();
    run_for(app.world_mut(), 0.3);
    let v = |app: &bevy::app::App| app.world().get::<sim::Membrane>(c).unwrap().v;
    let rest = v(&app);
    tap(&mut app, &spawned, &["touch-a"]);
    run_for(app.world_mut(), 0.012);
    assert!(v(&app) > rest + 0.005, "excited: {} → {} V", rest, v(&app));
    run_for(app.world_mut(), 0.3);
    tap(&mut app, &spawned, &["touch-b"]);
    run_for(app.world_mut(), 0.012);
    assert!(
        v(&app) < rest - 0.005,
        "inhibited: {} → {} V",
        rest,
        v(&app)
    );

    // Bursting: one touch, a volley of spikes that ends by itself within ~250 ms.
    let (mut app, spawned) = start(&example("bursting_neuron"));
    tap(&mut app, &spawned, &["touch"]);
    run_for(app.world_mut(), 1.0);
    let burst = spikes(&app, &spawned, "burst");
    assert!(burst.len() >= 15, "a volley: {}", burst.len());
    assert!(
        burst.last().unwrap() - burst[0] < 0.25,
        "that ends: {burst:?}"
    );
    assert!(cv(&burst) > 0.05, "slowing down as the current fades");

    // Adaptive: under held input its intervals grow; after a rest it answers at once again.
    let (mut app, spawned) = start(&example("adaptive_neuron"));
    let touch = spawned.entity("touch").unwrap();
    let press = |app: &mut bevy::app::App, pressed| {
        app.world_mut().write_message(sim::TouchSensorInput {
            sensor: touch,
            pressed,
        });
    };
    press(&mut app, true);
    run_for(app.world_mut(), 1.0);
    press(&mut app, false);
    let held = spikes(&app, &spawned, "adaptive");
    let isi: Vec<f64> = held.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        isi.last().unwrap() > &(3.0 * isi[0]),
        "harder to excite: {isi:?}"
    );
    run_for(app.world_mut(), 3.0);
    let before = spikes(&app, &spawned, "adaptive").len();
    press(&mut app, true);
    run_for(app.world_mut(), 0.1);
    press(&mut app, false);
    let rested = spikes(&app, &spawned, "adaptive").len() - before;
    assert!(
        rested >= 3,
        "recovered after a rest: {rested} spikes in 100 ms"
    );
}

#[test]
fn the_firing_rate_demo_and_the_two_types_of_inhibition() {
    let (mut app, spawned) = start(&example("firing_rate"));
    run_for(app.world_mut(), 2.0);
    let driven = spikes(&app, &spawned, "driven").len();
    assert!(
        (driven as f64 - 100.0).abs() <= 2.0,
        "50 Hz for 2 s: {driven}"
    );
    assert!(spikes(&app, &spawned, "idle").is_empty());

    let (mut app, spawned) = start(&example("types_of_inhibition"));
    run_for(app.world_mut(), 2.0);
    let count = |id| spikes(&app, &spawned, id).len();
    let (pre_driver, pre_out) = (count("pre-source"), count("pre-out"));
    let (post_driver, post_out) = (count("post-source"), count("post-out"));
    assert!(
        pre_out + 2 >= pre_driver,
        "presynaptic: the output follows its slowed driver"
    );
    assert!(
        pre_driver * 2 < post_driver,
        "presynaptic inhibition slows the driver itself"
    );
    assert!(
        post_out * 2 < post_driver,
        "postsynaptic: arriving spikes go unanswered"
    );
}

#[test]
fn the_direction_selective_network_answers_only_right_to_left_sweeps() {
    let sweep = |order: &[usize]| {
        let (mut app, spawned) = start(&example("direction_selective"));
        run_for(app.world_mut(), 0.1);
        for i in order {
            tap(&mut app, &spawned, &[format!("touch-{i}").as_str()]);
            run_for(app.world_mut(), 0.01);
        }
        run_for(app.world_mut(), 0.3);
        spikes(&app, &spawned, "output").len()
    };
    assert!(
        sweep(&[4, 3, 2, 1, 0]) >= 1,
        "right to left: the output fires"
    );
    assert_eq!(sweep(&[0, 1, 2, 3, 4]), 0, "left to right: blocked");
    assert_eq!(sweep(&[4]), 0, "one relay alone is not enough");
}

#[test]
fn the_tutorial_cell_fires_at_63_hz_and_the_ring_circulates_for_ever() {
    let (mut app, spawned) = start(&example("tutorial_single_cell"));
    run_for(app.world_mut(), 1.0);
    let t = spikes(&app, &spawned, "cell");
    // From reset −70 to threshold −55 mV towards V∞ = −40 mV, then 2 ms refractory.
    let expected = 0.020 * 2.0f64.ln() + 0.002;
    let isi = t[2] - t[1];
    assert!(
        (isi - expected).abs() <= 1.5 * DT,
        "ISI {isi} s, expected {expected} s"
    );

    let (mut app, spawned) = start(&example("tutorial_ring"));
    run_for(app.world_mut(), 0.5);
    assert!(
        spikes(&app, &spawned, "n1").is_empty(),
        "silent until touched"
    );
    tap(&mut app, &spawned, &["touch"]);
    run_for(app.world_mut(), 3.0);
    let laps = spikes(&app, &spawned, "n1");
    // Past the first laps (the ring starts from rest) every lap takes the same time.
    let periods: Vec<f64> = laps.windows(2).skip(5).map(|w| w[1] - w[0]).collect();
    assert!(
        laps.len() > 50 && *laps.last().unwrap() > 3.3,
        "still going: {} laps",
        laps.len()
    );
    let (lo, hi) = periods
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), p| (lo.min(*p), hi.max(*p)));
    assert!(hi - lo <= 1.5 * DT, "a steady lap time: {lo}–{hi} s");
}

#[test]
fn tutorial_two_relays_a_to_b_and_c_answers_once_the_student_wires_it() {
    let mut circuit = example("tutorial_circuits");
    let (mut app, spawned) = start(&circuit);
    run_for(app.world_mut(), 2.0);
    let (a, b) = (spikes(&app, &spawned, "a"), spikes(&app, &spawned, "b"));
    println!(
        "tutorial 2: A {} spikes (first {:?}), B {} spikes (first {:?})",
        a.len(),
        &a[..3],
        b.len(),
        &b[..3]
    );
    // Neuronify's own numbers: 125 spikes each in 2 s, A first at 14.0 ms, B at 23.0 ms.
    assert!(
        (a.len() as i64 - 125).abs() <= 1 && a.len() == b.len(),
        "A {} and B {} fire alike",
        a.len(),
        b.len()
    );
    for (ta, tb) in a.iter().zip(&b) {
        let lag = tb - ta;
        assert!(
            (0.007..0.011).contains(&lag),
            "B follows A by about 9 ms: {lag} s"
        );
    }
    assert!(spikes(&app, &spawned, "c").is_empty(), "C has no input yet");

    // The task of the note: wire B to C, live, as the editor does.
    let before = circuit.clone();
    circuit.connect("b", "c").expect("B → C is a synapse");
    let spawned = circuit.apply(app.world_mut(), Some(&before));
    run_for(app.world_mut(), 1.0);
    let c = spikes(&app, &spawned, "c");
    assert!(
        (c.len() as i64 - 62).abs() <= 2,
        "C now follows B at about 63 Hz: {} spikes in 1 s",
        c.len()
    );
}

#[test]
fn the_same_input_rhythm_leaves_faster_through_excitation_and_slower_through_inhibition() {
    let (mut app, spawned) = start(&example("rhythm_transformation"));
    run_for(app.world_mut(), 2.0);
    let count = |id| spikes(&app, &spawned, id).len();
    let (in_fast, out_fast) = (count("in-fast"), count("out-fast"));
    let (in_slow, out_slow) = (count("in-slow"), count("out-slow"));
    println!("rhythm: faster {in_fast} → {out_fast}, slower {in_slow} → {out_slow} spikes in 2 s");
    assert_eq!(in_fast, in_slow, "both circuits get the same input train");
    assert!(
        out_fast as f64 > 1.3 * in_fast as f64,
        "the helper loop adds spikes: {in_fast} → {out_fast}"
    );
    assert!(
        (out_slow as f64) < 0.8 * in_slow as f64,
        "the brake drops spikes: {in_slow} → {out_slow}"
    );
}

#[test]
fn centre_surround_inhibition_sharpens_the_contrast_between_layers() {
    let (mut app, spawned) = start(&example("lateral_inhibition_centre_surround"));
    run_for(app.world_mut(), 2.0);
    let layer = |prefix: &str| {
        ["outer-l", "a", "b", "c", "outer-r"]
            .map(|k| spikes(&app, &spawned, &format!("{prefix}-{k}")).len())
    };
    let (inputs, outputs) = (layer("in"), layer("out"));
    println!("centre-surround: inputs {inputs:?}, outputs {outputs:?}");
    let [edge_l, a, centre, c, edge_r] = inputs;
    assert!(
        edge_l == centre && edge_r == centre && a * 2 == centre && c * 2 == centre,
        "the input layer copies the stimulus pattern 2:1:2:1:2"
    );
    let [out_l, out_a, out_centre, out_c, out_r] = outputs;
    assert!(
        out_centre * 3 > centre * 2 && out_l == edge_l && out_r == edge_r,
        "the strong channels get through: {outputs:?}"
    );
    assert!(
        (out_a + out_c) * 10 < out_centre,
        "the weak channels are suppressed far below 1:2: {outputs:?}"
    );
}

#[test]
fn retina_cells_fire_for_the_pattern_of_their_receptive_field() {
    let rates = |change: &dyn Fn(&mut Circuit)| {
        let mut circuit = example("visual_input");
        change(&mut circuit);
        let (mut app, spawned) = start(&circuit);
        run_for(app.world_mut(), 2.0);
        let rate = |id| spikes(&app, &spawned, id).len() as f64 / 2.0;
        (rate("bar-cell"), rate("spot-cell"))
    };
    let (bar, spot) = rates(&|_| {});
    let (crossed, off_centre) = rates(&|c| {
        assert!(c.set_param("orientation", "scene_orientation_deg", 90.0));
        assert!(c.set_param("centre-surround", "scene_x", 0.4));
    });
    println!(
        "retina: bar {bar} Hz → crossed {crossed} Hz; spot {spot} Hz → off centre {off_centre} Hz"
    );
    assert!(bar > 40.0, "a vertical bar drives the bar neuron: {bar} Hz");
    assert!(
        crossed * 4.0 < bar,
        "a horizontal bar barely does: {crossed} Hz"
    );
    assert!(
        spot > 20.0,
        "a centred spot drives the spot neuron: {spot} Hz"
    );
    assert!(
        off_centre * 5.0 < spot,
        "a spot off centre does not: {off_centre} Hz"
    );
}

#[test]
fn a_learning_synapse_grows_when_it_predicts_its_target_and_fades_when_it_follows() {
    let (mut app, spawned) = start(&example("stdp_order"));
    run_for(app.world_mut(), 5.0);
    let weight = |id| {
        app.world()
            .get::<sim::SynapseKinetics>(spawned.entity(id).unwrap())
            .unwrap()
            .weight_a
            * 1e9
    };
    let (causal, acausal) = (weight("causal"), weight("acausal"));
    println!("STDP order: pre-before-post 1 → {causal:.3} nA, post-before-pre 1 → {acausal:.3} nA");
    assert!(causal > 2.9, "pre before post: up to w_max 3 nA, {causal}");
    assert!(acausal < 0.1, "post before pre: down to 0, {acausal}");
}

#[test]
fn a_treat_when_the_ring_points_north_teaches_it_to_point_north_from_there() {
    // Operant conditioning, as a student would do it: the animal sits at one place; every
    // 300 ms the test reads the ring (the population vector of the action cells' spikes) and
    // presses Treat when it points within 45° of north. The ring then points north more often.
    let (mut app, spawned) = start(&example("place_cells_reward"));
    app.world_mut().resource_mut::<sim::AnimalPosition>().0 = [0.3, 0.2];
    let directions = ["E", "NE", "N", "NW", "W", "SW", "S", "SE"];
    let cells: Vec<_> = directions
        .iter()
        .map(|d| spawned.entity(&format!("act-{d}")).unwrap())
        .collect();
    let treat = spawned.entity("treat").unwrap();
    let mut north = Vec::new();
    for _ in 0..120 {
        let before: Vec<usize> = cells
            .iter()
            .map(|&c| spike_times(app.world(), c).len())
            .collect();
        run_for(app.world_mut(), 0.3);
        let counts = cells
            .iter()
            .zip(&before)
            .map(|(&c, b)| (spike_times(app.world(), c).len() - b) as f64);
        let points_north = sim::place::population_vector(counts)
            .is_some_and(|a| (a - std::f64::consts::FRAC_PI_2).abs() < std::f64::consts::FRAC_PI_4);
        north.push(points_north);
        if points_north {
            for pressed in [true, false] {
                app.world_mut().write_message(sim::TouchSensorInput {
                    sensor: treat,
                    pressed,
                });
                sim::run_steps(app.world_mut(), 1);
            }
        }
    }
    let share = |s: &[bool]| s.iter().filter(|&&b| b).count() as f64 / s.len() as f64;
    let (first, last) = (share(&north[..30]), share(&north[90..]));
    println!(
        "ring points north: {:.0}% of the first 30 readings, {:.0}% of the last 30",
        100.0 * first,
        100.0 * last
    );
    assert!(last > first + 0.3, "{first} → {last}");
}
