//! Helpers shared by the integration tests: a headless app, items spawned from code, and
//! spike times read back from the recorder.
#![allow(dead_code, reason = "each test module uses some of the helpers")]

use bevy::prelude::*;
use spikeworks::sim::{self, DT, Recorder};

/// A headless simulation app, ready to step, that keeps the whole spike history.
pub fn app() -> App {
    let mut app = sim::headless_app();
    app.finish();
    app.cleanup();
    app.world_mut().insert_resource(Recorder::full_history());
    app
}

/// A DC source of `current_a` wired into `target`.
pub fn dc_into(world: &mut World, target: Entity, current_a: f64) -> Entity {
    let source = world.spawn(sim::DcSource { current_a }).id();
    world.spawn(sim::CurrentEdge { source, target });
    source
}

/// Runs the simulation for `seconds`.
pub fn run_for(world: &mut World, seconds: f64) {
    sim::run_steps(world, (seconds / DT).round() as u64);
}

/// Spike steps of one source, in order.
pub fn spike_steps(world: &World, source: Entity) -> Vec<u64> {
    world
        .resource::<Recorder>()
        .spikes()
        .iter()
        .filter(|s| s.source == source)
        .map(|s| s.step)
        .collect()
}

/// Spike times in seconds of one source.
pub fn spike_times(world: &World, source: Entity) -> Vec<f64> {
    spike_steps(world, source)
        .into_iter()
        .map(|s| s as f64 * DT)
        .collect()
}

/// Reads a JSON fixture from `tests/fixtures`.
pub fn fixture(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}
