//! Editing circuits: the [`Document`] with its undo history, the edits the sandbox makes
//! ([`edits`]), the parameters the properties panel shows ([`params`]), and the plugin that
//! keeps the simulated world in line with the document after every edit. Builds without the
//! `gui` feature, so all of it is tested headless.

pub mod document;
pub mod edits;
pub mod params;

pub use document::{Document, EditError, EditKey, EditRules};
pub use edits::Wire;
pub use params::Param;

use bevy::prelude::*;

use crate::circuit::Circuit;
use crate::circuit::units::to_nano;
use crate::sim::{Learns, ResetDynamics, SimSystems, StableId, SynapseKinetics};

/// The circuit the world shows now, and the document generation and revision it came from.
#[derive(Resource, Debug, Default)]
pub struct Shown {
    version: Option<(u64, u64)>,
    circuit: Option<Circuit>,
    /// The ids of the items as entities.
    pub entities: std::collections::HashMap<String, Entity>,
}

impl Shown {
    pub fn entity(&self, id: &str) -> Option<Entity> {
        self.entities.get(id).copied()
    }
}

/// Sent when a different document replaced the old one (New, Open): the world was rebuilt.
#[derive(Message, Debug, Clone, Copy)]
pub struct DocumentReplaced;

pub fn plugin(app: &mut App) {
    app.init_resource::<Document>()
        .init_resource::<Shown>()
        .add_message::<DocumentReplaced>()
        // Before the simulation's tick, so an edit takes effect at the next step.
        .add_systems(FixedUpdate, show_document.before(SimSystems::Sync))
        .add_systems(PostUpdate, show_document);
}

/// Applies the document's changes to the world. A replaced document (New, Open) first
/// removes everything of the old one, then resets the dynamics.
pub fn show_document(world: &mut World) {
    let doc = world.resource::<Document>();
    let version = (doc.generation(), doc.revision());
    let shown = world.resource::<Shown>();
    if shown.version == Some(version) {
        return;
    }
    let replaced = shown.version.is_some_and(|(g, _)| g != version.0);
    let circuit = doc.circuit().clone();
    let mut shown = std::mem::take(&mut *world.resource_mut::<Shown>());
    if replaced && let Some(old) = shown.circuit.take() {
        Circuit::empty("").apply(world, Some(&old));
    }
    let spawned = circuit.apply(world, shown.circuit.as_ref());
    shown.entities = spawned.by_id;
    shown.circuit = Some(circuit);
    shown.version = Some(version);
    *world.resource_mut::<Shown>() = shown;
    if replaced {
        world.write_message(ResetDynamics);
        world.write_message(DocumentReplaced);
    }
}

/// One truth for what is saved: writes what the simulation learned (the weights of learning
/// synapses, in nA) into the document, as unsaved work but not as an undo step. The world
/// already holds those weights, so what it is known to show is updated too and nothing is
/// rebuilt. Run before every save, export and autosave. Returns whether anything changed.
pub fn absorb_learned_state(world: &mut World) -> bool {
    let weights: std::collections::HashMap<String, f64> = world
        .query_filtered::<(&StableId, &SynapseKinetics), Learns>()
        .iter(world)
        .map(|(id, k)| (id.0.clone(), to_nano(k.weight_a)))
        .collect();
    if weights.is_empty() {
        return false;
    }
    let mut doc = world.resource_mut::<Document>();
    let before = (doc.generation(), doc.revision());
    if !doc.absorb_learned_weights(&weights) {
        return false;
    }
    let after = (doc.generation(), doc.revision());
    let mut shown = world.resource_mut::<Shown>();
    if let Some(circuit) = shown.circuit.as_mut() {
        document::absorb_weights(circuit, &weights);
    }
    // Only when the world was up to date: an edit not yet shown must still be applied.
    if shown.version == Some(before) {
        shown.version = Some(after);
    }
    true
}
