//! The app's schedules are unambiguous: no two systems that touch the same data run in an
//! order left to chance. Bevy's ambiguity detection is an error here for the app's `Update`
//! and `FixedUpdate` work and for the simulation's `SimStep`.

use bevy::ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel};
use bevy::prelude::*;
use spikeworks::app::documents::{self as files, Autosave};
use spikeworks::app::levels;
use spikeworks::sim::SimStep;

use crate::harness::Sandbox;

fn strict(app: &mut App, label: impl ScheduleLabel) {
    app.edit_schedule(label, |schedule| {
        schedule.set_build_settings(ScheduleBuildSettings {
            ambiguity_detection: LogLevel::Error,
            ..default()
        });
    });
}

#[test]
fn no_system_order_is_left_to_chance() {
    let dir = std::env::temp_dir().join(format!("spikeworks-schedules-{}", std::process::id()));
    let data = dir.clone();
    // Building the schedules with ambiguity detection as an error panics on the first frame
    // if any pair of conflicting systems is unordered.
    let mut s = Sandbox::with(|app| {
        levels::register_source(app);
        app.add_plugins(AssetPlugin::default())
            .add_plugins((files::plugin, levels::plugin))
            .insert_resource(Autosave::in_dir(data.join("data")))
            .insert_resource(levels::ProgressStore::load(&data));
        strict(app, Update);
        strict(app, FixedUpdate);
        strict(app, SimStep);
    });
    s.frame();
    spikeworks::sim::run_steps(s.world(), 10);
    let _ = std::fs::remove_dir_all(&dir);
}
