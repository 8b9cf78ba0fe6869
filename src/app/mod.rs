//! The sandbox window (feature `gui`): assembles Bevy's windowed plugins, egui, lyon and the
//! simulation, and owns the app-level system sets. Each feature is its own plugin: the
//! [`canvas`] draws the circuit, [`playback`] runs the clock controls, [`screenshot`] saves
//! frames for visual checks. The GUI only reads simulation components and sends messages.

pub mod canvas;
pub mod playback;
pub mod screenshot;

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::window::WindowResolution;

use crate::circuit::Circuit;

/// The app's per-frame work, chained in this order.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppSystems {
    /// Read input and turn it into commands and messages.
    Input,
    /// Create, update and remove visuals of circuit items.
    Sync,
    /// Set colours and transforms of the visuals.
    Draw,
}

/// What to open and whether to capture a screenshot and quit (for visual checks).
#[derive(Resource, Debug, Clone, Default)]
pub struct LaunchOptions {
    pub circuit: Option<PathBuf>,
    pub screenshot: Option<screenshot::ScreenshotPlan>,
}

/// The circuit the sandbox shows, with its name for the title bar.
#[derive(Resource, Debug, Clone, Default)]
pub struct OpenCircuit {
    pub name: String,
    pub path: Option<PathBuf>,
}

/// Opens the sandbox window and runs until it is closed.
pub fn run(options: LaunchOptions) -> AppExit {
    let circuit = match &options.circuit {
        Some(path) => match Circuit::load(path) {
            Ok(c) => Some(c),
            Err(e) => {
                eprintln!("spikeworks: {e}");
                return AppExit::error();
            }
        },
        None => None,
    };
    let mut app = App::new();
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window {
            title: "Spikeworks".into(),
            resolution: WindowResolution::new(1280, 800),
            ..default()
        }),
        ..default()
    }))
    .add_plugins((
        bevy_egui::EguiPlugin::default(),
        bevy_prototype_lyon::prelude::ShapePlugin,
        crate::SimPlugins,
        canvas::plugin,
        playback::plugin,
        screenshot::plugin,
    ))
    .configure_sets(
        Update,
        (AppSystems::Input, AppSystems::Sync, AppSystems::Draw).chain(),
    )
    .insert_resource(ClearColor(Color::srgb(0.97, 0.97, 0.95)))
    .insert_resource(options.clone());
    let world = app.world_mut();
    if let Some(c) = circuit {
        c.spawn(world);
        world.insert_resource(OpenCircuit {
            name: c.name.clone(),
            path: options.circuit.clone(),
        });
    } else {
        world.init_resource::<OpenCircuit>();
    }
    app.run()
}
