//! The window's screens as a Bevy `States` type: the title, the level map, a level, the
//! sandbox and the water maze. The sandbox's circuit (edited in the sandbox or in a level) runs
//! only while a screen shows it: leaving such a screen pauses its clock and entering one
//! restores it, and the app runs the circuit's systems under [`in_state`]`(`[`CircuitOnScreen`]`)`.

use bevy::prelude::*;
use bevy::state::app::StatesPlugin;

use crate::sim::SimClock;

/// Which screen the window shows.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    #[default]
    Title,
    Map,
    Level,
    Sandbox,
    /// The water-maze scene: a mouse that learns with spiking neurons.
    Maze,
}

/// Present while the screen shows the editable circuit: the sandbox or a level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CircuitOnScreen;

impl ComputedStates for CircuitOnScreen {
    type SourceStates = Screen;

    fn compute(screen: Screen) -> Option<Self> {
        matches!(screen, Screen::Sandbox | Screen::Level).then_some(Self)
    }
}

/// Whether the circuit's clock was running when its screen was left.
#[derive(Resource, Debug, Default)]
struct ClockAside {
    was_running: Option<bool>,
}

pub fn plugin(app: &mut App) {
    if !app.is_plugin_added::<StatesPlugin>() {
        app.add_plugins(StatesPlugin);
    }
    app.init_state::<Screen>()
        .add_computed_state::<CircuitOnScreen>()
        .init_resource::<ClockAside>()
        .add_systems(OnExit(CircuitOnScreen), pause_the_circuit)
        .add_systems(OnEnter(CircuitOnScreen), resume_the_circuit);
}

/// Off screen, simulated time stands still (and with it the loudspeaker).
fn pause_the_circuit(mut clock: ResMut<SimClock>, mut aside: ResMut<ClockAside>) {
    aside.was_running = Some(!clock.paused());
    clock.set_paused(true);
}

/// Back on screen, the clock runs again if it ran when the student left.
fn resume_the_circuit(mut clock: ResMut<SimClock>, mut aside: ResMut<ClockAside>) {
    if let Some(was_running) = aside.was_running.take() {
        clock.set_paused(!was_running);
    }
}
