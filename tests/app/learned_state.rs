//! One truth for what is saved: what the simulation learned reaches every file the app
//! writes — Save As, the autosave and the Neuronify export — through the app's own file
//! plugin, and undoing an edit does not unlearn.

use bevy::prelude::*;
use spikeworks::app::documents::{self as files, Autosave, FileRequest};
use spikeworks::circuit::Circuit;
use spikeworks::circuit::units::to_nano;
use spikeworks::editor::{Document, EditKey};
use spikeworks::sim::{self, SynapseKinetics};

use crate::harness::Sandbox;

/// The weight (nA) the simulation holds for a synapse now.
fn live_weight_na(s: &Sandbox, id: &str) -> f64 {
    let e = s.entity(id);
    to_nano(s.app.world().get::<SynapseKinetics>(e).unwrap().weight_a)
}

fn weight_in(circuit: &Circuit, id: &str) -> f64 {
    circuit
        .synapses
        .iter()
        .find(|s| s.id == id)
        .unwrap()
        .weight_na
}

#[test]
fn learned_weights_reach_save_as_the_autosave_and_the_neuronify_export() {
    let dir = std::env::temp_dir().join(format!("spikeworks-learned-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let data = dir.join("data");
    let mut s = Sandbox::with(|app| {
        app.add_plugins(files::plugin)
            .insert_resource(Autosave::in_dir(data.clone()));
    });
    let example = files::examples_dir().join("stdp_order.circuit.ron");
    s.world().write_message(FileRequest::Open(example));
    s.frame();
    assert_eq!(
        weight_in(s.doc(), "causal"),
        1.0,
        "the file's starting weight"
    );

    // Six tenths of a simulated second of learning: the causal synapse grows (not yet to its
    // bound of 3 nA).
    sim::run_steps(s.world(), 6_000);
    let learned = live_weight_na(&s, "causal");
    assert!(
        learned > 1.2 && learned < 3.0,
        "the causal synapse learned: {learned} nA"
    );
    assert!(
        live_weight_na(&s, "acausal") < 1.0,
        "the acausal one weakened"
    );

    // Save As through the app: the file holds the learned weights.
    let saved = dir.join("learned.circuit.ron");
    s.world().write_message(FileRequest::SaveAs(saved.clone()));
    s.frame();
    let reopened = Circuit::load(&saved).unwrap();
    assert_eq!(weight_in(&reopened, "causal"), learned);
    assert_eq!(
        weight_in(&reopened, "acausal"),
        live_weight_na(&s, "acausal")
    );
    assert!(!s.app.world().resource::<Document>().is_dirty());

    // An edit and its undo do not unlearn.
    s.world()
        .resource_mut::<Document>()
        .edit(EditKey::Step, |c| {
            c.set_label("early", "first of all");
            Ok(())
        })
        .unwrap();
    s.frame();
    assert!(s.world().resource_mut::<Document>().undo());
    s.frame();
    assert_eq!(
        live_weight_na(&s, "causal"),
        learned,
        "undo kept the learning"
    );

    // Learning goes on: the document becomes unsaved work, and the autosave has it.
    sim::run_steps(s.world(), 4_000);
    let later = live_weight_na(&s, "causal");
    assert_ne!(later, learned, "still learning");
    for _ in 0..30 {
        s.frame();
    }
    assert!(s.app.world().resource::<Document>().is_dirty());
    let autosaved = Circuit::load(&data.join("autosave.circuit.ron")).unwrap();
    assert_eq!(weight_in(&autosaved, "causal"), later);

    // The Neuronify export carries the learned weight too (in amperes, as Neuronify has it).
    let nfy = dir.join("learned.nfy");
    s.world().write_message(FileRequest::SaveAs(nfy.clone()));
    s.frame();
    let imported = spikeworks::nfy::import_file(&nfy).unwrap();
    let exported: Vec<f64> = imported
        .circuit
        .synapses
        .iter()
        .map(|s| s.weight_na)
        .collect();
    assert!(
        exported.iter().any(|w| (w - later).abs() < 1e-9),
        "exported {exported:?} nA, learned {later} nA"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
