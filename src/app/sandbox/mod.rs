//! The sandbox canvas: the [`view`] (pan, zoom, fit), mouse and touch [`gestures`] that become
//! edits, keyboard [`shortcuts`], the [`canvas`] that draws items, synapses and spikes, the
//! item [`geometry`] drawing and hit-testing share, and the loudspeaker's clicks
//! ([`speaker`]). It runs while a screen shows the circuit (the sandbox or a level).

pub mod canvas;
pub mod geometry;
pub mod gestures;
pub mod populations;
pub mod shortcuts;
pub mod speaker;
pub mod view;

use bevy::prelude::*;

/// What works without a window or GPU: the view, gestures and shortcuts. Headless tests
/// drive these with synthetic input.
pub fn input_plugin(app: &mut App) {
    app.add_plugins((view::plugin, gestures::plugin, shortcuts::plugin));
}

/// What needs a renderer and an audio device: the drawn canvas and the loudspeaker.
pub fn output_plugin(app: &mut App) {
    app.add_plugins((canvas::plugin, populations::plugin, speaker::plugin));
}
