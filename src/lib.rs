//! Spikeworks: an educational spiking-neural-circuit simulator. `sim` is the headless core,
//! `circuit` the saved-file format, `editor` the editable document with undo, `nfy` Neuronify import, `nest` export to NEST, `level` the guided levels and their checker, `runner` the
//! command-line runner, `cuba` the benchmark network, `soak` the long-run memory and rate check, `bundled` the examples and levels compiled in. The plugin groups below
//! are what apps add: [`SimPlugins`] headless; `app` (feature `gui`) is the sandbox window.

#[cfg(feature = "gui")]
pub mod app;
pub mod bundled;
pub mod circuit;
pub mod cuba;
pub mod editor;
pub mod level;
pub mod maze;
pub mod nest;
pub mod nfy;
pub mod runner;
pub mod sim;
pub mod soak;

use bevy::app::plugin_group;

plugin_group! {
    /// The headless simulation: everything needed to load and run circuits without a window.
    pub struct SimPlugins {
        sim:::SimPlugin,
    }
}
