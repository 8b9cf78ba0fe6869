//! The window (feature `gui`): assembles Bevy's windowed plugins, egui, lyon, the simulation
//! and the editor, and declares and orders every app system set in one place. One folder or
//! file per feature, the arrows running downward (features → shared state → platform):
//!
//! - [`screens`]: the title, map, level, sandbox and maze screens as Bevy states;
//! - [`sandbox`]: the canvas — view, gestures, shortcuts, drawing, item geometry, sound;
//! - [`panels`]: the egui layout — playback bar, palette, properties, meters dock;
//! - [`documents`]: open, save, export, autosave and the unsaved-changes prompt;
//! - [`levels`]: level files, progress, checks, and their screens (title, map, goal, verdict);
//! - [`maze`]: the water-maze screen;
//! - [`ui_state`]: what the features share (selection, tool, message line, focus);
//! - [`platform`]: native and browser behind one interface (data folder, storage, files);
//! - `page` (browser only): uploads and the page's status object;
//! - [`dev`]: scripted input and screenshots for tests and demos.

pub mod dev;
pub mod documents;
pub mod levels;
pub mod maze;
#[cfg(target_arch = "wasm32")]
pub mod page;
pub mod panels;
pub mod platform;
pub mod sandbox;
pub mod screens;
pub mod script_export;
pub mod ui_state;

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::window::WindowResolution;

use crate::editor::Document;
use crate::sim::{Recorder, SimSystems};

/// The app's per-frame work in `Update`, chained in this order. Every set after `Maze`
/// belongs to the circuit on the canvas and runs only while a screen shows it.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppSystems {
    /// Level actions and checks: they may open a level's circuit or change the screen.
    Levels,
    /// File requests (new, open, save, export), the autosave and uploads.
    Requests,
    /// The water maze steps its mouse (on the maze screen only).
    Maze,
    /// The canvas view follows the window and asks to be fitted.
    View,
    /// Keyboard shortcuts become edits and playback changes.
    Shortcuts,
    /// Mouse and touch gestures on the canvas become edits.
    Gestures,
    /// Create, update and remove visuals of circuit items.
    Sync,
    /// Gather this frame's spikes; set colours and transforms of the visuals.
    Draw,
    /// What follows the drawn frame: loudspeaker clicks, sampled plots.
    Feedback,
}

/// Order of the egui systems each frame: the docked panels, then floating windows (meters,
/// dialogs), then the focus read-out that the next frame's gestures consult.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UiSystems {
    Panels,
    Windows,
    Focus,
}

/// Configures every app system set, in every schedule, in this one place: the `Update` chain,
/// the egui pass, and the gate that stops the circuit's simulation and canvas while another
/// screen shows.
fn configure_sets(app: &mut App) {
    let circuit_shown = in_state(screens::CircuitOnScreen);
    app.configure_sets(
        Update,
        (
            AppSystems::Levels,
            AppSystems::Requests,
            AppSystems::Maze.run_if(in_state(screens::Screen::Maze)),
            (
                AppSystems::View,
                AppSystems::Shortcuts,
                AppSystems::Gestures,
                AppSystems::Sync,
                AppSystems::Draw,
                AppSystems::Feedback,
            )
                .chain()
                .run_if(circuit_shown.clone()),
        )
            .chain(),
    )
    .configure_sets(
        FixedUpdate,
        (
            SimSystems::Sync,
            SimSystems::Input,
            SimSystems::Advance,
            SimSystems::WriteBack,
        )
            .run_if(circuit_shown),
    );
}

/// What to open, and what to do without a person at the controls (tests, visual checks).
#[derive(Resource, Debug, Clone)]
pub struct LaunchOptions {
    pub circuit: Option<PathBuf>,
    pub screenshot: Option<dev::screenshot::ScreenshotPlan>,
    pub script: Option<PathBuf>,
    /// Open the empty sandbox rather than the title screen.
    pub sandbox: bool,
    /// Open the water-maze scene rather than the title screen.
    pub maze: bool,
    /// The desktop window's size in logical pixels (the browser's canvas fills its page).
    pub window: (u32, u32),
}

/// The plugins that make the sandbox work without a window: editor, gestures and the
/// resources the panels share. Headless interaction tests add these to a minimal app.
pub fn interaction_plugins(app: &mut App) {
    app.add_plugins((
        screens::plugin,
        crate::editor::plugin,
        sandbox::input_plugin,
    ));
    configure_sets(app);
}

impl Default for LaunchOptions {
    fn default() -> Self {
        Self {
            circuit: None,
            screenshot: None,
            script: None,
            sandbox: false,
            maze: false,
            window: (1280, 800),
        }
    }
}

/// Opens the sandbox window and runs until it is closed.
pub fn run(options: LaunchOptions) -> AppExit {
    let document = match &options.circuit {
        Some(path) => match documents::open_path(path) {
            Ok(opened) => Some((opened, path.clone())),
            Err(e) => {
                eprintln!("spikeworks: {e}");
                return AppExit::error();
            }
        },
        None => None,
    };
    let script = match &options.script {
        Some(path) => match dev::script::Script::load(path) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("spikeworks: {e}");
                return AppExit::error();
            }
        },
        None => None,
    };
    let mut app = App::new();
    levels::register_source(&mut app);
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window {
            title: "Spikeworks".into(),
            resolution: WindowResolution::new(options.window.0, options.window.1),
            // In the browser: the page's canvas, filling the window as it resizes and turns.
            canvas: cfg!(target_arch = "wasm32").then(|| "#spikeworks".into()),
            fit_canvas_to_parent: true,
            ..default()
        }),
        // Closing asks about unsaved work first.
        close_when_requested: false,
        ..default()
    }))
    .add_plugins((
        bevy_egui::EguiPlugin::default(),
        bevy_prototype_lyon::prelude::ShapePlugin,
        crate::SimPlugins,
        interaction_plugins,
    ))
    .add_plugins((
        sandbox::output_plugin,
        panels::plugin,
        documents::plugin,
        script_export::plugin,
        levels::plugin,
        maze::plugin,
        dev::plugin,
        #[cfg(target_arch = "wasm32")]
        page::plugin,
    ))
    .configure_sets(
        bevy_egui::EguiPrimaryContextPass,
        (UiSystems::Panels, UiSystems::Windows, UiSystems::Focus).chain(),
    )
    .insert_resource(ClearColor(Color::srgb(0.97, 0.97, 0.95)))
    // Ten seconds of voltage at 0.1 ms steps for the voltmeters' longest window.
    .insert_resource({
        let mut recorder = Recorder::default();
        recorder.trace_capacity = 100_000;
        recorder
    })
    .insert_resource(options.clone());
    if let Some(script) = script {
        app.insert_resource(script);
    }
    if options.sandbox || document.is_some() {
        app.insert_state(screens::Screen::Sandbox);
    }
    if options.maze {
        app.insert_state(screens::Screen::Maze);
    }
    match document {
        Some((opened, path)) => {
            let mut notice = documents::ImportNotice::default();
            notice.show(&path, opened.report);
            app.insert_resource(Document::new(opened.circuit, opened.save_path))
                .insert_resource(notice)
                .insert_resource(documents::OpenedWorkspace(Some(opened.workspace)));
        }
        None => {
            app.add_systems(Startup, documents::restore_autosave);
        }
    }
    app.run()
}
