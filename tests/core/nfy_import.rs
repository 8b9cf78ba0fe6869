//! Importing Neuronify files: one hand-written fixture per format version (absent, 2, 3, 4)
//! imports to the expected items, parameters and edges, with a report that accounts for
//! everything; broken files give errors, never panics; and, when `$SPIKEWORKS_SAMPLES` names
//! a folder of original files, every one of them imports to a valid circuit.

use std::path::{Path, PathBuf};

use spikeworks::circuit::*;
use spikeworks::nfy::{self, Imported};
use spikeworks::sim::{MeterKind, ReceptiveField, SynapseMode};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/nfy")
        .join(name)
}

fn import(name: &str) -> Imported {
    nfy::import_file(&fixture(name)).unwrap_or_else(|e| panic!("{e}"))
}

fn lif(c: &Circuit, id: &str) -> LifModel {
    match &c.neurons.iter().find(|n| n.id == id).unwrap().model {
        NeuronModel::Lif(m) => m.clone(),
        other => panic!("{other:?}"),
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9 * b.abs().max(1.0)
}

#[test]
fn version_4_maps_every_item_with_its_parameters_and_edges() {
    let Imported {
        circuit: c,
        report,
        workspace,
    } = import("v4.nfy");
    assert_eq!(report.format_version, Some(4));
    assert_eq!(c.neurons.len(), 2);
    let driven = lif(&c, "neuron-0");
    assert!(close(driven.reset_mv, -70.0) && close(driven.threshold_mv, -55.0));
    assert!(close(driven.capacitance_nf, 0.2) && close(driven.resistance_mohm, 100.0));
    assert!(close(driven.refractory_ms, 2.0));
    assert_eq!(c.neurons[0].label, "Driven");
    // The top-left corner (964, 604) of a 72 px neuron is centre (1000, 640).
    assert_eq!(c.neurons[0].position, (1000.0, 640.0));
    let inhibitor = &c.neurons[1];
    assert!(inhibitor.inhibitory);
    assert!(close(lif(&c, "neuron-3").resistance_mohm, 150.0));
    assert!(close(lif(&c, "neuron-3").refractory_ms, 5.0));

    let dc = c.generators.iter().find(|g| g.id == "generator-1").unwrap();
    assert_eq!(dc.kind, GeneratorKind::Dc { current_na: 0.3 });
    assert_eq!(dc.targets, ["neuron-0"]);
    let ac = c.generators.iter().find(|g| g.id == "generator-6").unwrap();
    match ac.kind {
        GeneratorKind::Ac {
            amplitude_na,
            frequency_hz,
            phase_deg,
        } => {
            assert!(close(amplitude_na, 0.5) && close(frequency_hz, 10.0));
            // A quarter period of 10 Hz saved, and one step more: Neuronify advances the
            // clamp's clock before its current first reaches a neuron, and takes the sine
            // with its own π.
            let expected =
                (2.0 * spikeworks::sim::NEURONIFY_PI * 10.0 * (0.025 + 1e-4)).to_degrees();
            assert!(
                close(phase_deg, expected) && (phase_deg - 90.36).abs() < 1e-3,
                "a quarter period of 10 Hz and a step: {phase_deg}"
            );
        }
        ref other => panic!("{other:?}"),
    }
    assert_eq!(ac.targets, ["neuron-3"]);
    let pacer = c.generators.iter().find(|g| g.id == "generator-4").unwrap();
    assert_eq!(pacer.kind, GeneratorKind::Regular { rate_hz: 40.0 });

    let synapse = c.synapses.iter().find(|s| s.from == "generator-4").unwrap();
    assert_eq!(synapse.to, "neuron-3");
    assert!(
        close(synapse.weight_na, 2.5) && close(synapse.tau_ms, 3.0) && close(synapse.delay_ms, 4.0)
    );
    assert_eq!(
        synapse.mode,
        SynapseMode::Saturate,
        "Neuronify's synapse saturates"
    );
    let defaults = c.synapses.iter().find(|s| s.from == "neuron-3").unwrap();
    assert!(
        close(defaults.tau_ms, 2.0)
            && close(defaults.delay_ms, 5.0)
            && close(defaults.weight_na, 1.0)
    );
    let touch = c.synapses.iter().find(|s| s.from == "sensor-5").unwrap();
    assert_eq!(
        (touch.mode, touch.delay_ms),
        (SynapseMode::ImmediateFire, 0.0)
    );
    assert_eq!(c.synapses.len(), 5);

    // Retinas become visual inputs with their fields; their synapses are kept.
    let visual = |id: &str| match &c.generators.iter().find(|g| g.id == id).unwrap().kind {
        GeneratorKind::VisualInput(v) => v.clone(),
        other => panic!("{other:?}"),
    };
    let edges = visual("generator-10");
    assert_eq!(edges.field, ReceptiveField::Rectangular);
    // Neuronify's orientation 3π/2 (bright above) is 180° from vertical here.
    assert!(close(edges.field_orientation_deg, 180.0), "{edges:?}");
    assert!(close(edges.sensitivity_hz, 1000.0));
    let bars = visual("generator-11");
    assert_eq!(bars.field, ReceptiveField::OrientationSelective);
    assert!(close(bars.field_orientation_deg, 45.0) && close(bars.sensitivity_hz, 1600.0));
    assert_eq!((bars.field_x, bars.field_y), (0.1, -0.2));
    // A 240 px retina with its corner at (200, 700) is centred at (320, 820).
    let position = |id: &str| c.generators.iter().find(|g| g.id == id).unwrap().position;
    assert_eq!(position("generator-11"), (320.0, 820.0));
    assert!(
        c.synapses
            .iter()
            .any(|s| s.from == "generator-11" && s.to == "neuron-3" && close(s.weight_na, 3.0))
    );

    let volt = c.meters.iter().find(|m| m.id == "meter-2").unwrap();
    assert_eq!(
        (volt.kind, volt.observes.as_slice()),
        (MeterKind::Voltmeter, &["neuron-0".to_owned()][..])
    );
    let speaker = c.meters.iter().find(|m| m.id == "meter-9").unwrap();
    assert_eq!(
        (speaker.kind, speaker.observes.as_slice()),
        (MeterKind::Loudspeaker, &["neuron-3".to_owned()][..])
    );
    assert_eq!(c.notes.len(), 2);
    assert!(
        c.notes
            .iter()
            .any(|n| n.text.contains("qrc:/simulations/next/next.nfy"))
    );

    // Everything is accounted for: how the items step, 12 nodes, 9 edges and the workspace
    // mapped, the two bad edges left out.
    assert_eq!(report.mapped.len(), 1 + 12 + 9 + 1, "{report}");
    let ignored = report.ignored.join("\n");
    assert!(
        ignored.contains("edge 9") && ignored.contains("only neurons receive"),
        "{report}"
    );
    assert!(
        ignored.contains("edge 10") && ignored.contains("repeats"),
        "{report}"
    );
    let approximated = report.approximated.join("\n");
    assert!(approximated.contains("next-tutorial"), "{report}");
    assert!(approximated.contains("test scene"), "{report}");
    // Neuronify's speed 1 is one 0.1 ms step per 16 ms frame: 1/160 of real time.
    let workspace = workspace.unwrap();
    assert!(close(workspace.speed, 1.0 / 160.0));
    assert_eq!(workspace.visible, Some([(300.0, 200.0), (1700.0, 1100.0)]));
}

#[test]
fn version_3_renames_old_types_and_reports_unknown_keys() {
    let Imported {
        circuit: c, report, ..
    } = import("v3.nfy");
    assert_eq!(report.format_version, Some(3));
    let adapting = lif(&c, "neuron-0");
    let a = adapting.adaptation.expect("adaptation");
    assert!(close(a.increment_ns, 20.0) && close(a.tau_ms, 300.0));
    assert_eq!(
        adapting.refractory_ms, 0.0,
        "Neuronify's adaptive neuron has none"
    );
    let old = lif(&c, "neuron-2");
    assert!(close(old.threshold_mv, -50.0) && close(old.reset_mv, -75.0));
    let text = report.to_string();
    assert!(
        text.contains("PassiveNeuron.qml read as neurons/LeakyNeuron.qml"),
        "{text}"
    );
    assert!(
        text.contains("glowRadius"),
        "unknown keys are named: {text}"
    );
    assert!(text.contains("alpha-function"), "{text}");
    // A 50 ms delay is longer than the 30 ms Spikeworks keeps in flight.
    let s = c.synapses.iter().find(|s| s.from == "neuron-0").unwrap();
    assert_eq!(s.delay_ms, 30.0);
    assert!(text.contains("clamped"), "{text}");
    assert_eq!(c.meters[0].observes, ["neuron-0", "neuron-2"]);
}

#[test]
fn version_2_reads_flat_nodes_and_infers_edges_from_their_sources() {
    let Imported {
        circuit: c, report, ..
    } = import("v2.nfy");
    assert_eq!(report.format_version, Some(2));
    assert!(
        c.neurons[0].inhibitory,
        "a negative fireOutput makes it inhibitory"
    );
    assert!(!c.neurons[1].inhibitory);
    // Node-level refractoryPeriod/resistance are ignored, as by Neuronify's loader.
    assert!(close(lif(&c, "neuron-0").resistance_mohm, 100.0));
    assert!(close(lif(&c, "neuron-0").refractory_ms, 2.0));
    let text = report.to_string();
    assert!(
        text.contains("refractoryPeriod") && text.contains("synapticConductance"),
        "{text}"
    );
    // Untyped edges take the source's kind: synapses between neurons, a current from the clamp.
    assert_eq!(c.synapses.len(), 2);
    assert!(c.synapses.iter().all(|s| s.mode == SynapseMode::Saturate));
    assert_eq!(c.generators[0].targets, ["neuron-0"]);
    // Old meter edges ran neuron → meter; they are turned round instead of lost.
    assert_eq!(c.meters[0].kind, MeterKind::SpikeRaster);
    assert_eq!(c.meters[0].observes, ["neuron-0", "neuron-1"]);
    assert!(text.contains("turned round"), "{text}");
}

#[test]
fn files_without_a_version_use_the_old_names_and_keys() {
    let Imported {
        circuit: c, report, ..
    } = import("v1.nfy");
    assert_eq!(report.format_version, None);
    assert_eq!(
        c.generators[0].kind,
        GeneratorKind::Regular { rate_hz: 20.0 }
    );
    assert!(c.neurons[0].inhibitory, "PassiveInhibitoryNeuron");
    let kinds: Vec<MeterKind> = c.meters.iter().map(|m| m.kind).collect();
    assert_eq!(kinds, [MeterKind::RatePlot, MeterKind::Loudspeaker]);
    // "0" → "1" as strings still wires the generator.
    assert_eq!(c.synapses.len(), 1);
    assert_eq!(c.meters[0].observes, ["neuron-1"], "reversed meter edge");
    assert_eq!(c.meters[1].observes, ["neuron-1"]);
    let ignored = report.ignored.join("\n");
    assert!(ignored.contains("widgets/Mystery.qml"), "{report}");
    assert!(ignored.contains("does not exist"), "{report}");
}

#[test]
fn broken_files_are_clear_errors_and_never_panic() {
    let err = nfy::import_bytes(b"{\"nodes\": [", "cut.nfy")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("cut.nfy:1:"), "{err}");
    let err = nfy::import_bytes(b"{\"nodes\": []}", "half.nfy")
        .unwrap_err()
        .to_string();
    assert!(err.contains("edges"), "{err}");
    let err = nfy::import_bytes(b"SQLite format 3\0....", "old.neuronify")
        .unwrap_err()
        .to_string();
    assert!(err.contains("SQLite"), "{err}");
    assert!(nfy::import_bytes(b"[1, 2]", "list.nfy").is_err());

    // Truncations and byte flips of every fixture: errors or circuits, never a panic, and
    // whatever imports is valid.
    let mut rng = 0x9e3779b97f4a7c15u64;
    let mut next = |n: usize| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % n as u64) as usize
    };
    let mut imported = 0;
    for name in ["v1.nfy", "v2.nfy", "v3.nfy", "v4.nfy"] {
        let bytes = std::fs::read(fixture(name)).unwrap();
        for _ in 0..300 {
            let mut broken = bytes.clone();
            if next(2) == 0 {
                broken.truncate(next(bytes.len()));
            } else {
                for _ in 0..=next(4) {
                    let at = next(broken.len());
                    broken[at] = next(256) as u8;
                }
            }
            if let Ok(i) = nfy::import_bytes(&broken, name) {
                i.circuit.validate("", name).unwrap();
                imported += 1;
            }
        }
    }
    assert!(
        imported > 0,
        "some flips (inside strings, say) still import"
    );
}

#[test]
fn every_original_sample_imports_when_samples_are_available() {
    let Some(dir) = std::env::var_os("SPIKEWORKS_SAMPLES") else {
        // The files are not ours to commit: a developer's machine without them skips this
        // check, but CI (which sets SPIKEWORKS_CI) must have them and says so.
        assert!(
            std::env::var_os("SPIKEWORKS_CI").is_none(),
            "CI needs the original Neuronify files: set SPIKEWORKS_SAMPLES to a folder of .nfy \
             files (.ci/run looks in ../shared/neuronify-samples and \
             /work/shared/neuronify-samples)"
        );
        eprintln!("SPIKEWORKS_SAMPLES is not set: skipping the original files");
        return;
    };
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if !nfy::is_neuronify_path(&path) {
            continue;
        }
        let imported = nfy::import_file(&path).unwrap_or_else(|e| panic!("{e}"));
        imported.circuit.validate("", "").unwrap();
        assert!(!imported.report.mapped.is_empty(), "{}", path.display());
        let exported = nfy::export_nfy(&imported.circuit);
        let again =
            nfy::import_bytes(exported.json.as_bytes(), &path.display().to_string()).unwrap();
        assert_eq!(
            again.circuit,
            imported.circuit,
            "round trip of {}",
            path.display()
        );
        println!("{}: {}", path.display(), imported.report.summary());
        count += 1;
    }
    assert!(count > 0, "no .nfy files in {}", Path::new(&dir).display());
}

#[test]
fn import_export_import_gives_the_same_circuit() {
    for name in ["v1.nfy", "v2.nfy", "v3.nfy", "v4.nfy"] {
        let first = import(name).circuit;
        let exported = nfy::export_nfy(&first);
        let again = nfy::import_bytes(
            exported.json.as_bytes(),
            &fixture(name).display().to_string(),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}\n{}", exported.json));
        assert_eq!(again.report.format_version, Some(4));
        assert_eq!(again.circuit, first, "{name}");
    }
}

#[test]
fn exported_files_use_neuronifys_keys_and_say_what_changed() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples/touch_reflex.circuit.ron");
    let circuit = Circuit::load(&path).unwrap();
    let exported = nfy::export_nfy(&circuit);
    let json: serde_json::Value = serde_json::from_str(&exported.json).unwrap();
    assert_eq!(json["fileFormatVersion"], 4);
    let nodes = json["nodes"].as_array().unwrap();
    let filenames: Vec<&str> = nodes
        .iter()
        .map(|n| n["filename"].as_str().unwrap())
        .collect();
    assert!(filenames.contains(&"neurons/LeakyNeuron.qml"));
    assert!(filenames.contains(&"sensors/TouchSensor.qml"));
    assert!(filenames.contains(&"meters/Loudspeaker.qml"));
    let neuron = &nodes[filenames
        .iter()
        .position(|f| *f == "neurons/LeakyNeuron.qml")
        .unwrap()];
    for key in [
        "capacitance",
        "initialPotential",
        "restingPotential",
        "threshold",
        "refractoryPeriod",
        "resistance",
    ] {
        assert!(
            neuron["savedProperties"]["engine"].get(key).is_some(),
            "{key}"
        );
    }
    let edge_files: Vec<&str> = json["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["filename"].as_str().unwrap())
        .collect();
    assert!(edge_files.contains(&"edges/ImmediateFireSynapse.qml"));
    assert!(edge_files.contains(&"edges/CurrentSynapse.qml"));
    assert!(edge_files.contains(&"edges/MeterEdge.qml"));
    // The sensor repeats while held and the synapse adds up: Neuronify can do neither.
    let notes = exported.notes.join("\n");
    assert!(
        notes.contains("repeating") && notes.contains("saturate"),
        "{notes}"
    );
    // Imported back, the circuit keeps its items, parameters and wiring.
    let back = nfy::import_bytes(exported.json.as_bytes(), "back.nfy")
        .unwrap()
        .circuit;
    assert_eq!(back.neurons.len(), circuit.neurons.len());
    assert_eq!(back.synapses.len(), circuit.synapses.len());
    assert_eq!(back.meters[0].observes.len(), 1);
    assert_eq!(
        back.synapses
            .iter()
            .filter(|s| s.mode == SynapseMode::ImmediateFire)
            .count(),
        1
    );
}

#[test]
fn a_sqlite_neuronify_file_opens_like_its_json() {
    // Neuronify 1.2–1.3 kept the JSON in the `data` column of a one-row table.
    let path = std::env::temp_dir().join(format!("spikeworks-{}.neuronify", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let json = std::fs::read_to_string(fixture("v3.nfy")).unwrap();
    {
        let db = rusqlite::Connection::open(&path).unwrap();
        db.execute(
            "CREATE TABLE simulations (name TEXT, description TEXT, data TEXT, screenshot BLOB)",
            [],
        )
        .unwrap();
        db.execute(
            "INSERT INTO simulations VALUES ('Old save 1', 'Imported from old version', ?1, x'')",
            [&json],
        )
        .unwrap();
    }
    let from_sqlite = nfy::import_file(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let from_json = nfy::import_bytes(json.as_bytes(), &path.display().to_string()).unwrap();
    assert_eq!(from_sqlite.circuit, from_json.circuit);
    assert!(from_sqlite.report.mapped[0].contains("SQLite"));
}

#[test]
fn a_neuronify_2_file_is_told_apart_by_its_content() {
    // Neuronify 2 (the Rust rewrite) writes a binary format under the same extension; the
    // name decides nothing, the bytes do.
    let binary = b"NFY2\x00\x01\x00\x00\x9f\x92\x96 binary body";
    for name in ["lesson.neuronify", "lesson.nfy", "renamed.json"] {
        let err = nfy::import_bytes(binary, name).unwrap_err().to_string();
        assert!(
            err.starts_with(name) && err.contains("Neuronify 2"),
            "{name}: {err}"
        );
    }
    let path = std::env::temp_dir().join(format!("spikeworks-{}-v2.neuronify", std::process::id()));
    std::fs::write(&path, binary).unwrap();
    let err = nfy::import_file(&path).unwrap_err().to_string();
    std::fs::remove_file(&path).unwrap();
    assert!(err.contains("Neuronify 2"), "{err}");
    // JSON under the .neuronify name still imports.
    let json = std::fs::read(fixture("v4.nfy")).unwrap();
    assert!(nfy::import_bytes(&json, "saved.neuronify").is_ok());
}

#[test]
fn touch_cells_of_the_oldest_files_become_touch_sensors_wired_as_the_file_says() {
    // The layout of the oldest "light" lesson: a touch sensor of three cells whose child
    // nodes (aliases) are what the edges use; one cell is wired to each neuron.
    let file = br#"{
        "nodes": [
            {"childIndex": 0, "isAlias": true, "parent": 3},
            {"childIndex": 2, "isAlias": true, "parent": 3},
            {"fileName": "neurons/PassiveNeuron.qml", "x": 0, "y": 300},
            {"fileName": "sensors/TouchSensor.qml", "x": 100, "y": 100, "cells": 3,
             "sensingCurrentOutput": 1.98e-05},
            {"fileName": "neurons/PassiveNeuron.qml", "x": 200, "y": 300},
            {"childIndex": 7, "isAlias": true, "parent": 3}
        ],
        "edges": [
            {"from": 0, "to": 2}, {"from": 1, "to": 4}, {"from": 5, "to": 4}
        ]
    }"#;
    let imported = nfy::import_bytes(file, "light.nfy").unwrap();
    let c = &imported.circuit;
    let ids: Vec<&str> = c.sensors.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        ["sensor-0", "sensor-3.1", "sensor-1"],
        "three cells, in order"
    );
    // A row of 100 px cells from the sensor's corner.
    let xs: Vec<f32> = c.sensors.iter().map(|s| s.position.0).collect();
    assert_eq!(xs, [150.0, 250.0, 350.0]);
    let wires: Vec<(&str, &str, SynapseMode)> = c
        .synapses
        .iter()
        .map(|s| (s.from.as_str(), s.to.as_str(), s.mode))
        .collect();
    assert_eq!(
        wires,
        [
            ("sensor-0", "neuron-2", SynapseMode::ImmediateFire),
            ("sensor-1", "neuron-4", SynapseMode::ImmediateFire),
        ]
    );
    let report = imported.report.to_string();
    assert!(report.contains("a touch sensor of 3 cells"), "{report}");
    assert!(
        report.contains("node 5: cell 7 of node 3") && report.contains("edge 2"),
        "the alias of a cell that does not exist, and its edge, are left out: {report}"
    );

    // Pressing the first cell fires the neuron it is wired to, as the newer lesson does.
    let opts = spikeworks::runner::RunOptions {
        duration_s: 0.05,
        touches: spikeworks::runner::parse_touches("sensor-0@10ms").unwrap(),
        ..Default::default()
    };
    let run = spikeworks::runner::run_circuit(c, &opts).unwrap();
    let fired: Vec<&str> = run.spikes.iter().map(|(_, id, _)| id.as_str()).collect();
    assert!(
        fired.contains(&"neuron-2") && !fired.contains(&"neuron-4"),
        "{fired:?}"
    );
}
