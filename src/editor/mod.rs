//! Editing circuits: the [`Document`] with its undo history, the edits the sandbox makes
//! ([`edits`]), the parameters the properties panel shows ([`params`]), and the plugin that
//! keeps the simulated world in line with the document after every edit. Builds without the
//! `gui` feature, so all of it is tested headless.

pub mod document;
pub mod edits;
pub mod params;

pub use document::{Document, EditError, EditKey};
pub use edits::{ItemKind, Role, Wire};
pub use params::Param;

use bevy::prelude::*;

use crate::circuit::Circuit;
use crate::sim::{ResetDynamics, SimSystems};

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
