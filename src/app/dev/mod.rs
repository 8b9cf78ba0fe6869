//! Tools for tests and demos rather than students: [`script`]ed input (`--script FILE.ron`)
//! and [`screenshot`]s of the window (`--screenshot FILE.png`).

pub mod screenshot;
pub mod script;

use bevy::prelude::*;

pub fn plugin(app: &mut App) {
    app.add_plugins((script::plugin, screenshot::plugin));
}
