//! Circuit files: every shipped example loads, spawns and saves back to the same circuit; bad
//! files give errors that name the file, line and column, the item and the field.

use std::path::Path;

use bevy::prelude::App;
use spikeworks::circuit::{Circuit, CircuitError};
use spikeworks::sim;

fn examples() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".circuit.ron"))
        .collect();
    files.sort();
    files
}

#[test]
fn at_least_three_examples_ship() {
    assert!(examples().len() >= 3);
}

#[test]
fn examples_round_trip_through_the_world() {
    for path in examples() {
        let original = Circuit::load(&path).unwrap();
        let mut app = sim::headless_app();
        let world = app.world_mut();
        original.spawn(world);
        let saved = Circuit::from_world(world, &original.name, &original.description);
        assert_eq!(saved, original, "{}", path.display());

        // And through text: save → parse gives the same circuit again.
        let text = saved.to_ron_string().unwrap();
        let reparsed = Circuit::from_ron_str(&text, "saved").unwrap();
        assert_eq!(reparsed, original, "{}", path.display());
    }
}

#[test]
fn save_writes_atomically_and_reloads() {
    let dir = std::env::temp_dir().join(format!("spikeworks-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("out.circuit.ron");
    let circuit = Circuit::load(&examples()[0]).unwrap();
    circuit.save(&path).unwrap();
    assert_eq!(Circuit::load(&path).unwrap(), circuit);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    // Writing into a folder that does not exist fails cleanly and creates nothing.
    let missing = dir.join("no/such/dir/x.circuit.ron");
    assert!(matches!(
        circuit.save(&missing),
        Err(CircuitError::Io { .. })
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

const GOOD: &str = r#"Circuit(
    version: 1,
    neurons: [
        (id: "a", label: "A", model: Lif(())),
        (id: "b", label: "B", model: Lif((
            capacitance_nF: 0.2,
            threshold_mV: -55.0,
        ))),
    ],
    synapses: [
        (id: "ab", from: "a", to: "b"),
    ],
)"#;

fn error_of(text: &str) -> CircuitError {
    Circuit::from_ron_str(text, "test.circuit.ron").expect_err("the file should be refused")
}

#[test]
fn the_good_file_loads() {
    let c = Circuit::from_ron_str(GOOD, "good").unwrap();
    assert_eq!(c.neurons.len(), 2);
    assert_eq!(c.synapses[0].weight_na, 3.0, "defaults are Neuronify's");
}

#[test]
fn malformed_ron_names_line_and_column() {
    let text = GOOD.replace(
        "(id: \"ab\", from: \"a\", to: \"b\"),",
        "(id: \"ab\" from: \"a\"),",
    );
    let e = error_of(&text);
    let at = e.location().unwrap();
    assert_eq!((at.file.as_str(), at.line), ("test.circuit.ron", 11), "{e}");
    assert!(at.column > 1, "{e}");
    assert!(e.to_string().starts_with("test.circuit.ron:11:"), "{e}");
}

#[test]
fn truncated_file_is_an_error() {
    let e = error_of(&GOOD[..GOOD.len() / 2]);
    assert!(matches!(e, CircuitError::Syntax { .. }), "{e}");
}

#[test]
fn unknown_fields_are_refused_with_their_name() {
    let text = GOOD.replace(
        "threshold_mV: -55.0,",
        "threshold_mV: -55.0,\n            treshold: 1.0,",
    );
    let e = error_of(&text);
    let msg = e.to_string();
    assert!(msg.contains("treshold"), "{msg}");
    assert_eq!(e.location().unwrap().line, 8, "{msg}");
}

#[test]
fn learning_and_place_cell_errors_speak_in_the_files_units_and_names() {
    let text = GOOD.replace(
        "(id: \"ab\", from: \"a\", to: \"b\"),",
        "(id: \"ab\", from: \"a\", to: \"b\",\n            stdp: (w_max_nA: -2.0)),",
    );
    match error_of(&text) {
        CircuitError::Invalid {
            at, field, reason, ..
        } => {
            assert_eq!(field, "w_max_nA");
            assert_eq!(at.line, 12, "points at the w_max_nA line");
            assert_eq!(reason, "w_max_nA must be positive, got -2 nA");
        }
        e => panic!("wrong error: {e}"),
    }
    let text = GOOD.replace(
        "    synapses: [",
        "    generators: [\n        (id: \"p\", kind: PlaceCell((centre_x_m: 0.0, centre_y_m: 0.0, \
         width_m: -0.1, peak_Hz: 50.0)), targets: [\"a\"]),\n    ],\n    synapses: [",
    );
    let e = error_of(&text);
    let msg = e.to_string();
    assert!(
        msg.contains("width_m must be positive, got -0.1 m"),
        "{msg}"
    );
}

#[test]
fn negative_capacitance_points_at_the_field() {
    let text = GOOD.replace("capacitance_nF: 0.2", "capacitance_nF: -0.2");
    match error_of(&text) {
        CircuitError::Invalid {
            at,
            item,
            field,
            reason,
        } => {
            assert_eq!(item, "b");
            assert_eq!(field, "capacitance_nF");
            assert_eq!(at.line, 6, "points at the capacitance line");
            assert!(reason.contains("positive"), "{reason}");
        }
        e => panic!("wrong error: {e}"),
    }
}

#[test]
fn reset_not_below_threshold_is_refused() {
    let text = GOOD.replace(
        "threshold_mV: -55.0,",
        "threshold_mV: -55.0,\n            reset_mV: -50.0,",
    );
    let e = error_of(&text);
    let msg = e.to_string();
    assert!(msg.contains("\"b\"") && msg.contains("reset_mV"), "{msg}");
    assert!(msg.contains("below the threshold"), "{msg}");
    assert_eq!(e.location().unwrap().line, 8, "{msg}");
}

#[test]
fn dangling_synapse_ids_are_refused() {
    let e = error_of(&GOOD.replace("to: \"b\"", "to: \"c\""));
    let msg = e.to_string();
    assert!(msg.contains("no item has the id \"c\""), "{msg}");
    assert!(msg.contains("`to`"), "{msg}");
    assert_eq!(e.location().unwrap().line, 11, "{msg}");

    // Without an id, the synapse is found by its endpoints.
    let e = error_of(&GOOD.replace("(id: \"ab\", from: \"a\"", "(from: \"x\""));
    assert!(e.to_string().contains("no item has the id \"x\""), "{e}");
    assert_eq!(e.location().unwrap().line, 11, "{e}");
}

#[test]
fn wrong_version_duplicate_ids_and_bad_edges_are_refused() {
    let e = error_of(&GOOD.replace("version: 1", "version: 7"));
    assert!(matches!(e, CircuitError::Version { found: 7, .. }), "{e}");
    assert_eq!(e.location().unwrap().line, 2);

    let e = error_of(&GOOD.replace("(id: \"b\"", "(id: \"a\""));
    assert!(e.to_string().contains("used by another item"), "{e}");

    let text = GOOD.replace(
        "    synapses: [",
        "    generators: [(id: \"dc\", kind: Dc(current_nA: 1.0))],\n    synapses: [\n        (from: \"dc\", to: \"a\"),",
    );
    let e = error_of(&text);
    assert!(e.to_string().contains("sends no spikes"), "{e}");

    let e = error_of(&GOOD.replace(
        "(id: \"ab\", from: \"a\", to: \"b\")",
        "(id: \"ab\", from: \"a\", to: \"b\", delay_ms: 45.0)",
    ));
    assert!(e.to_string().contains("delay_ms"), "{e}");
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let e = Circuit::load(Path::new("/no/such/file.circuit.ron")).unwrap_err();
    assert!(matches!(e, CircuitError::Io { .. }));
    assert!(e.to_string().contains("/no/such/file.circuit.ron"));
}

#[test]
fn the_readme_example_loads() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme.find("```ron\n").unwrap() + "```ron\n".len();
    let end = start + readme[start..].find("```").unwrap();
    let c = Circuit::from_ron_str(&readme[start..end], "README.md").unwrap();
    assert_eq!(c.neurons.len(), 3);
    // Optional parts can be written without `Some`.
    let text = GOOD.replace(
        "threshold_mV: -55.0,",
        "threshold_mV: -55.0,\n            adaptation: (tau_ms: 300.0),",
    );
    let c = Circuit::from_ron_str(&text, "adaptive").unwrap();
    match &c.neurons[1].model {
        spikeworks::circuit::NeuronModel::Lif(m) => {
            let a = m.adaptation.as_ref().unwrap();
            assert_eq!((a.increment_ns, a.tau_ms), (10.0, 300.0));
        }
        m => panic!("{m:?}"),
    }
}

#[test]
fn voltage_recording_follows_the_voltmeters_that_exist() {
    let text = GOOD.replace(
        "    synapses: [",
        "    meters: [(id: \"v\", kind: Voltmeter, observes: [\"a\"])],\n    synapses: [",
    );
    let with = Circuit::from_ron_str(&text, "voltmeter").unwrap();
    let mut without = with.clone();
    without.meters.clear();
    let mut app = sim::headless_app();
    let a = with.spawn(app.world_mut()).by_id["a"];
    let recorded = |app: &App| app.world().get::<sim::RecordVoltage>(a).is_some();
    assert!(recorded(&app), "a voltmeter observes A");
    without.apply(app.world_mut(), Some(&with));
    assert!(
        !recorded(&app),
        "the voltmeter is gone, and A's recording with it"
    );
    with.apply(app.world_mut(), Some(&without));
    assert!(recorded(&app), "back with the voltmeter");
}
