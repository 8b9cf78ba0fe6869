//! The interface state the features share: what is selected, what a tap on the canvas does,
//! the message line, whether a panel holds the pointer or the keyboard, and a palette drag
//! in flight. Features read and write these; none of them owns another's.

use bevy::prelude::*;

use crate::circuit::ItemKind;

/// The selected items and synapses by id, in the order they were picked.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Selection {
    pub ids: Vec<String>,
}

impl Selection {
    pub fn contains(&self, id: &str) -> bool {
        self.ids.iter().any(|i| i == id)
    }

    pub fn only(&mut self, id: &str) {
        self.ids = vec![id.to_owned()];
    }

    pub fn toggle(&mut self, id: &str) {
        match self.ids.iter().position(|i| i == id) {
            Some(i) => {
                self.ids.remove(i);
            }
            None => self.ids.push(id.to_owned()),
        }
    }

    /// The item the properties panel shows: the last one picked.
    pub fn primary(&self) -> Option<&str> {
        self.ids.last().map(String::as_str)
    }
}

/// What a tap on the canvas does.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub enum Tool {
    /// Select, move, pan; press sensors.
    #[default]
    Select,
    /// Place an item of this kind where the canvas is tapped.
    Place(ItemKind),
    /// Tap a source, then a target.
    Connect { from: Option<String> },
}

/// A short message for the student (why a wire was refused, what to do next).
#[derive(Resource, Debug, Clone, Default)]
pub struct Hint {
    pub text: String,
    /// Wall-clock second at which it disappears.
    pub until: f64,
}

impl Hint {
    pub fn show(&mut self, text: impl Into<String>, now: f64) {
        self.text = text.into();
        self.until = now + 4.0;
    }

    pub fn visible(&self, now: f64) -> Option<&str> {
        (now < self.until && !self.text.is_empty()).then_some(self.text.as_str())
    }
}

/// Whether panels take the pointer or the keyboard this frame (set by the egui layer).
#[derive(Resource, Debug, Clone, Copy, Default)]
pub struct UiFocus {
    pub pointer: bool,
    pub keyboard: bool,
}

/// An item kind being dragged from the palette; it is placed where it is dropped.
#[derive(Resource, Debug, Clone, Copy, Default)]
pub struct PaletteDrag(pub Option<ItemKind>);
