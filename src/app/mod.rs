//! The sandbox window (feature `gui`): assembles Bevy's windowed plugins, egui, lyon, the
//! simulation and the editor, and owns the app-level system sets. Each feature is its own
//! plugin: [`view`] (pan, zoom, fit), [`interaction`] (gestures), [`canvas`] (drawing),
//! [`panels`] (the egui layout: [`playback`] bar, [`palette`], [`properties`]), [`meters`]
//! (plots), [`speaker`] (clicks), [`files`] (open, save, autosave), [`shortcuts`],
//! [`script`] (scripted input for end-to-end tests), [`screenshot`], and the guided
//! [`levels`] with their screens ([`level_ui`]), and the [`maze_scene`]. In the browser,
//! `web` adds storage, upload, download and the page's status object.

pub mod canvas;
pub mod files;
pub mod interaction;
pub mod level_ui;
pub mod levels;
pub mod maze_scene;
pub mod meters;
pub mod palette;
pub mod panels;
pub mod playback;
pub mod properties;
pub mod screens;
pub mod screenshot;
pub mod script;
pub mod shortcuts;
pub mod speaker;
pub mod view;
#[cfg(target_arch = "wasm32")]
pub mod web;

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::window::WindowResolution;

use crate::editor::Document;
use crate::sim::{Recorder, SimSystems};

/// The app's per-frame work in `Update`, chained in this order. Every set after `Requests`
/// belongs to the circuit on the canvas and runs only while a screen shows it.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppSystems {
    /// File, level and screen requests: they may replace the document or change the screen.
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
#[derive(Resource, Debug, Clone, Default)]
pub struct LaunchOptions {
    pub circuit: Option<PathBuf>,
    pub screenshot: Option<screenshot::ScreenshotPlan>,
    pub script: Option<PathBuf>,
    /// Open the empty sandbox rather than the title screen.
    pub sandbox: bool,
    /// Open the water-maze scene rather than the title screen.
    pub maze: bool,
}

/// The plugins that make the sandbox work without a window: editor, gestures and the
/// resources the panels share. Headless interaction tests add these to a minimal app.
pub fn interaction_plugins(app: &mut App) {
    app.add_plugins((
        screens::plugin,
        crate::editor::plugin,
        view::plugin,
        interaction::plugin,
        shortcuts::plugin,
    ));
    configure_sets(app);
}

/// Opens the sandbox window and runs until it is closed.
pub fn run(options: LaunchOptions) -> AppExit {
    let document = match &options.circuit {
        Some(path) => match files::open_path(path) {
            Ok(opened) => Some((opened, path.clone())),
            Err(e) => {
                eprintln!("spikeworks: {e}");
                return AppExit::error();
            }
        },
        None => None,
    };
    let script = match &options.script {
        Some(path) => match script::Script::load(path) {
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
            resolution: WindowResolution::new(1280, 800),
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
        canvas::plugin,
        panels::plugin,
        playback::plugin,
        meters::plugin,
        speaker::plugin,
        files::plugin,
        script::plugin,
        screenshot::plugin,
        levels::plugin,
        properties::plugin,
        maze_scene::plugin,
        #[cfg(target_arch = "wasm32")]
        web::plugin,
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
            let mut notice = files::ImportNotice::default();
            notice.show(&path, opened.report);
            app.insert_resource(Document::new(opened.circuit, opened.save_path))
                .insert_resource(notice)
                .insert_resource(files::OpenedWorkspace(Some(opened.workspace)));
        }
        None => {
            app.add_systems(Startup, files::restore_autosave);
        }
    }
    app.run()
}
