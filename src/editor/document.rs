//! The document being edited: the circuit as the student sees it, where it lives on disk,
//! whether it has unsaved changes, and the undo/redo history. Every edit goes through
//! [`Document::edit`], which validates the result (a refused edit leaves nothing behind) and
//! records one undo step per edit, or per gesture for continuous edits (a drag, a slider).
//! A document may carry [`EditRules`] (a level's locks and part counts): an edit that breaks
//! them is refused before it is applied, so the simulation never sees it. What the simulation
//! learns (synaptic weights) is absorbed into the document without an undo step.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use bevy::prelude::*;

use crate::circuit::{Circuit, CircuitError};

/// Most undo steps kept; older ones are dropped.
pub const UNDO_LIMIT: usize = 200;

/// Why an edit did not happen. The message is for the student.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EditError {
    /// The edit makes no sense (wiring into a generator, say); the hint says why.
    #[error("{0}")]
    Refused(String),
    /// The edit would make the circuit invalid (a reset above the threshold, say).
    #[error("{0}")]
    Invalid(String),
}

impl From<CircuitError> for EditError {
    fn from(e: CircuitError) -> Self {
        match e {
            CircuitError::Invalid {
                item,
                field,
                reason,
                ..
            } => EditError::Invalid(format!("{item}: {field}: {reason}")),
            other => EditError::Invalid(other.to_string()),
        }
    }
}

/// Given an edited circuit, the reason it breaks a rule, if it does.
type Rule = dyn Fn(&Circuit) -> Option<String> + Send + Sync;

/// Rules every edit must keep (a level's locks and part counts).
#[derive(Clone)]
pub struct EditRules(Arc<Rule>);

impl EditRules {
    pub fn new(rule: impl Fn(&Circuit) -> Option<String> + Send + Sync + 'static) -> Self {
        Self(Arc::new(rule))
    }

    /// Why `circuit` breaks the rules, or `None`.
    pub fn broken_by(&self, circuit: &Circuit) -> Option<String> {
        (self.0)(circuit)
    }
}

impl std::fmt::Debug for EditRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EditRules")
    }
}

/// How edits group into undo steps: each `Step` is its own; consecutive edits with the same
/// `Gesture` key make one step until [`Document::end_gesture`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditKey {
    Step,
    Gesture(String),
}

impl EditKey {
    pub fn gesture(name: impl Into<String>) -> Self {
        Self::Gesture(name.into())
    }
}

#[derive(Resource, Debug, Clone)]
pub struct Document {
    circuit: Circuit,
    /// The file it was opened from or last saved to.
    pub path: Option<PathBuf>,
    undo: Vec<Circuit>,
    redo: Vec<Circuit>,
    gesture: Option<String>,
    /// Counts replacements (New, Open): a new generation is a different document.
    generation: u64,
    /// Counts changes; views compare it with what they last showed.
    revision: u64,
    saved_revision: u64,
    /// Rules edits must keep; they go with the circuit when the document is replaced.
    rules: Option<EditRules>,
}

impl Default for Document {
    fn default() -> Self {
        Self::new(Circuit::empty("Untitled"), None)
    }
}

impl Document {
    pub fn new(mut circuit: Circuit, path: Option<PathBuf>) -> Self {
        circuit.name_unnamed_synapses();
        Self {
            circuit,
            path,
            undo: Vec::new(),
            redo: Vec::new(),
            gesture: None,
            generation: 0,
            revision: 0,
            saved_revision: 0,
            rules: None,
        }
    }

    /// From now on, an edit that breaks `rules` is refused. Replacing the document drops them.
    pub fn set_rules(&mut self, rules: EditRules) {
        self.rules = Some(rules);
    }

    /// Replaces the whole document (New, Open): history starts afresh, without rules.
    pub fn replace(&mut self, circuit: Circuit, path: Option<PathBuf>) {
        let generation = self.generation + 1;
        *self = Self::new(circuit, path);
        self.generation = generation;
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn circuit(&self) -> &Circuit {
        &self.circuit
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Whether there are changes since the last open or save.
    pub fn is_dirty(&self) -> bool {
        self.revision != self.saved_revision
    }

    /// Marks unsaved work (a restored autosave).
    pub fn mark_dirty(&mut self) {
        self.saved_revision = u64::MAX;
    }

    pub fn mark_saved(&mut self, path: PathBuf) {
        self.path = Some(path);
        self.saved_revision = self.revision;
    }

    /// The folder of its file, else the working directory: where dialogs and exports start.
    pub fn folder(&self) -> PathBuf {
        self.path
            .as_ref()
            .and_then(|p| p.parent())
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(
                || std::env::current_dir().unwrap_or_default(),
                std::path::Path::to_path_buf,
            )
    }

    /// The name for title bars: the circuit's name, or its file's, or "Untitled".
    pub fn title(&self) -> String {
        if !self.circuit.name.is_empty() {
            return self.circuit.name.clone();
        }
        self.path
            .as_ref()
            .and_then(|p| p.file_name())
            .map_or("Untitled".into(), |n| n.to_string_lossy().into_owned())
    }

    /// Applies `change` to a copy of the circuit; keeps it only if it succeeds and the result
    /// is valid. Returns what `change` returned.
    pub fn edit<R>(
        &mut self,
        key: EditKey,
        change: impl FnOnce(&mut Circuit) -> Result<R, EditError>,
    ) -> Result<R, EditError> {
        let mut next = self.circuit.clone();
        let out = change(&mut next)?;
        if next == self.circuit {
            return Ok(out);
        }
        next.version = next.version.max(next.needed_version());
        next.validate("", "")?;
        if let Some(reason) = self.rules.as_ref().and_then(|r| r.broken_by(&next)) {
            return Err(EditError::Refused(reason));
        }
        let continues = match &key {
            EditKey::Gesture(name) => self.gesture.as_ref() == Some(name),
            EditKey::Step => false,
        };
        if !continues {
            self.undo.push(std::mem::replace(&mut self.circuit, next));
            if self.undo.len() > UNDO_LIMIT {
                self.undo.remove(0);
            }
        } else {
            self.circuit = next;
        }
        self.gesture = match key {
            EditKey::Gesture(name) => Some(name),
            EditKey::Step => None,
        };
        self.redo.clear();
        self.revision += 1;
        Ok(out)
    }

    /// Takes in what the simulation learned: `weights_na` (synapse id → weight in nA) replace
    /// the weights of those synapses in the circuit and in every undo and redo step, so undoing
    /// an edit does not unlearn. Not an undo step of its own, but unsaved work. Returns whether
    /// anything changed.
    pub fn absorb_learned_weights(&mut self, weights_na: &HashMap<String, f64>) -> bool {
        let changed = absorb_weights(&mut self.circuit, weights_na);
        if changed {
            for circuit in self.undo.iter_mut().chain(self.redo.iter_mut()) {
                absorb_weights(circuit, weights_na);
            }
            self.revision += 1;
        }
        changed
    }

    /// Ends a continuous edit: the next edit starts a new undo step.
    pub fn end_gesture(&mut self) {
        self.gesture = None;
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Steps back one edit; false when there is none.
    pub fn undo(&mut self) -> bool {
        let Some(previous) = self.undo.pop() else {
            return false;
        };
        self.redo
            .push(std::mem::replace(&mut self.circuit, previous));
        self.gesture = None;
        self.revision += 1;
        true
    }

    /// Redoes the last undone edit; false when there is none.
    pub fn redo(&mut self) -> bool {
        let Some(next) = self.redo.pop() else {
            return false;
        };
        self.undo.push(std::mem::replace(&mut self.circuit, next));
        self.gesture = None;
        self.revision += 1;
        true
    }
}

/// Sets the weights of the named synapses; whether any changed.
pub(crate) fn absorb_weights(circuit: &mut Circuit, weights_na: &HashMap<String, f64>) -> bool {
    let mut changed = false;
    for synapse in &mut circuit.synapses {
        if let Some(&w) = weights_na.get(&synapse.id)
            && w != synapse.weight_na
        {
            synapse.weight_na = w;
            changed = true;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::circuit::ItemKind;

    #[test]
    fn each_step_undoes_and_redoes_and_a_gesture_is_one_step() {
        let mut doc = Document::default();
        let a = doc
            .edit(EditKey::Step, |c| Ok(c.add_item(ItemKind::Lif, Vec2::ZERO)))
            .unwrap();
        for i in 1..=10 {
            doc.edit(EditKey::gesture("move"), |c| {
                c.move_items(std::slice::from_ref(&a), Vec2::new(1.0, 0.0));
                Ok(i)
            })
            .unwrap();
        }
        doc.end_gesture();
        assert_eq!(doc.circuit().neurons[0].position, (10.0, 0.0));
        assert!(doc.undo(), "undo the whole drag");
        assert_eq!(doc.circuit().neurons[0].position, (0.0, 0.0));
        assert!(doc.undo(), "undo the creation");
        assert!(doc.circuit().neurons.is_empty());
        assert!(!doc.undo());
        assert!(doc.redo() && doc.redo());
        assert_eq!(doc.circuit().neurons[0].position, (10.0, 0.0));
        assert!(!doc.redo());
        assert!(doc.is_dirty());
    }

    #[test]
    fn an_invalid_edit_is_refused_and_leaves_nothing() {
        let mut doc = Document::default();
        let n = doc
            .edit(EditKey::Step, |c| Ok(c.add_item(ItemKind::Lif, Vec2::ZERO)))
            .unwrap();
        let before = doc.clone();
        let err = doc
            .edit(EditKey::Step, |c| {
                c.set_param(&n, "reset_mV", -40.0);
                Ok(())
            })
            .unwrap_err();
        assert!(err.to_string().contains("reset"), "{err}");
        assert_eq!(doc.circuit(), before.circuit());
        assert_eq!(doc.revision(), before.revision());
    }
}
