//! The simulation core: components of circuit items, the dense network cache, the clock and
//! the `SimStep` schedule whose chained phases (Stimulus → Integrate → Threshold → Propagate →
//! Record) advance the circuit by one step of dt = 0.1 ms. No rendering lives here; the GUI
//! reads the components and sends [`TouchSensorInput`] and [`ResetDynamics`] messages.

pub mod clock;
pub mod components;
pub(crate) mod draws;
pub mod escape;
pub mod hh;
pub mod network;
pub mod neuronify;
pub mod params;
pub mod place;
pub mod plasticity;
pub mod population;
pub mod rebuild;
pub mod record;
pub mod retina;
pub mod reward;
mod simd;

use bevy::ecs::schedule::{ScheduleLabel, SingleThreadedExecutor};
use bevy::prelude::*;

pub use clock::SimClock;
pub use components::*;
pub use hh::HhGates;
pub use network::Network;
pub use neuronify::{NEURONIFY_PI, NeuronifyClock, NeuronifyStepping, NeuronifySynapse};
pub use params::ParamError;
pub use place::PlaceCell;
pub use plasticity::Stdp;
pub use population::{
    ConnectionRule, Drawn, InitialVoltage, Population, PopulationLayout, PopulationMember,
    PopulationModel, Projection,
};
pub use rebuild::{NetworkDirty, SimSeed, rebuild_network};
pub use record::{Recorder, SpikeEvent};
pub use retina::{ReceptiveField, Scene, VisualInput};
pub use reward::{RewardEvent, RewardLearning};

/// The simulation step in seconds. Fixed: speed changes the number of steps, never dt.
pub const DT: f64 = 1e-4;
/// Rate of the `FixedUpdate` ticks that drive the simulation.
pub const TICK_HZ: f64 = 64.0;

/// The schedule that advances the simulation by exactly one step of [`DT`].
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct SimStep;

/// The phases of one step, chained in this order.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SimPhase {
    Stimulus,
    Integrate,
    Threshold,
    Propagate,
    Record,
}

/// The simulation's work in each `FixedUpdate` tick, chained in this order.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SimSystems {
    /// Rebuild the dense network if the circuit changed.
    Sync,
    /// Apply touches and resets.
    Input,
    /// Run this tick's substeps.
    Advance,
    /// Copy the dynamic state back into the components.
    WriteBack,
}

/// A touch sensor was pressed or released (by a finger, the mouse, a level or the runner).
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
pub struct TouchSensorInput {
    pub sensor: Entity,
    pub pressed: bool,
}

/// Return voltages, currents, generators and the clock to their start; the circuit is kept.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ResetDynamics;

/// Everything the simulation needs, without a window: add it to `MinimalPlugins`.
#[derive(Default)]
pub struct SimPlugin;

impl Plugin for SimPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<SimClock>()
            .init_resource::<SimSeed>()
            .init_resource::<NetworkDirty>()
            .init_resource::<Network>()
            .init_resource::<Recorder>()
            .add_message::<TouchSensorInput>()
            .add_message::<ResetDynamics>()
            .add_message::<RewardEvent>()
            .init_resource::<AnimalPosition>()
            .insert_resource(Time::<Fixed>::from_hz(TICK_HZ));

        let mut step = Schedule::new(SimStep);
        // A multi-threaded run costs tens of µs; thousands of steps a second cannot afford it.
        step.set_executor(SingleThreadedExecutor::new());
        step.configure_sets(
            (
                SimPhase::Stimulus,
                SimPhase::Integrate,
                SimPhase::Threshold,
                SimPhase::Propagate,
                SimPhase::Record,
            )
                .chain(),
        );
        step.add_systems((
            stimulus.in_set(SimPhase::Stimulus),
            integrate.in_set(SimPhase::Integrate),
            threshold.in_set(SimPhase::Threshold),
            propagate.in_set(SimPhase::Propagate),
            record.in_set(SimPhase::Record),
        ));
        app.add_schedule(step);

        app.configure_sets(
            FixedUpdate,
            (
                SimSystems::Sync,
                SimSystems::Input,
                SimSystems::Advance,
                SimSystems::WriteBack,
            )
                .chain(),
        )
        .add_systems(
            FixedUpdate,
            (
                (
                    rebuild::detect_structural_changes,
                    rebuild::rebuild_network_if_dirty,
                )
                    .chain()
                    .in_set(SimSystems::Sync),
                (apply_inputs, follow_animal)
                    .chain()
                    .in_set(SimSystems::Input),
                advance.in_set(SimSystems::Advance),
                write_back.in_set(SimSystems::WriteBack),
            ),
        )
        // Removal buffers live for two frames; frames without a FixedUpdate tick (a display
        // faster than 64 Hz) must not lose them, so changes are also noted every frame.
        .add_systems(Last, rebuild::detect_structural_changes);
    }
}

fn stimulus(mut net: ResMut<Network>, clock: Res<SimClock>) {
    net.stimulus(clock.step());
}

fn integrate(mut net: ResMut<Network>, clock: Res<SimClock>) {
    net.integrate(clock.step());
}

fn threshold(mut net: ResMut<Network>, clock: Res<SimClock>) {
    net.threshold(clock.step());
}

fn propagate(mut net: ResMut<Network>, clock: Res<SimClock>) {
    net.propagate(clock.step());
}

fn record(net: Res<Network>, mut clock: ResMut<SimClock>, mut recorder: ResMut<Recorder>) {
    let step = clock.step();
    for source in net.spiked_entities() {
        recorder.push_spike(SpikeEvent { step, source });
    }
    for (entity, v) in net.recorded_voltages() {
        recorder.push_voltage(entity, step, v);
    }
    clock.advance_one();
}

fn apply_inputs(
    mut touches: MessageReader<TouchSensorInput>,
    mut resets: MessageReader<ResetDynamics>,
    mut rewards: MessageReader<RewardEvent>,
    mut net: ResMut<Network>,
    mut clock: ResMut<SimClock>,
    mut recorder: ResMut<Recorder>,
) {
    if resets.read().count() > 0 {
        net.reset_dynamics();
        clock.restart();
        recorder.clear();
    }
    for t in touches.read() {
        if !net.set_touch(t.sensor, t.pressed) {
            warn!("touch input for {}, which is no touch sensor", t.sensor);
        }
    }
    for r in rewards.read() {
        net.reward(r.reward);
    }
}

/// Place cells fire at their field's rate where the animal is now. Rates change in place,
/// without a rebuild; the component keeps the rate a rebuild starts from, so only a moved
/// animal or a new or edited place cell needs work (not every tick).
fn follow_animal(
    animal: Res<AnimalPosition>,
    mut net: ResMut<Network>,
    mut cells: Query<(Entity, &PlaceCell, &mut PoissonSpikes)>,
    edited: Query<(), Changed<PlaceCell>>,
) {
    if !animal.is_changed() && edited.is_empty() {
        return;
    }
    for (e, cell, mut rate) in &mut cells {
        let hz = cell.field().rate_hz(animal.0);
        rate.bypass_change_detection().rate_hz = hz;
        net.bypass_change_detection().set_poisson_rate(e, hz);
    }
}

/// Runs the substeps this tick owes, each a full run of the `SimStep` schedule.
fn advance(world: &mut World) {
    let tick_s = world
        .get_resource::<Time<Fixed>>()
        .map_or(1.0 / TICK_HZ, |t| t.timestep().as_secs_f64());
    let substeps = world.resource_mut::<SimClock>().plan_tick(tick_s);
    if substeps > 0 {
        let started = bevy::platform::time::Instant::now();
        // One scope for all substeps: the schedule is taken out of the registry only once.
        world.schedule_scope(SimStep, |world, schedule| {
            for _ in 0..substeps {
                schedule.run(world);
            }
        });
        world
            .resource_mut::<SimClock>()
            .add_busy(started.elapsed().as_secs_f64());
    }
}

type NeuronStateMut = (
    Entity,
    &'static mut Membrane,
    Option<&'static mut Adaptation>,
    Option<&'static mut BurstCurrent>,
    Option<&'static mut HhGates>,
);

/// Synapses with a learning rule of either kind.
pub type Learns = Or<(With<Stdp>, With<RewardLearning>)>;

/// Copies voltages and model state into the components so renderers and files see them.
/// Model components bypass change detection: only user edits should trigger a rebuild.
fn write_back(
    net: Res<Network>,
    clock: Res<SimClock>,
    mut neurons: Query<NeuronStateMut>,
    mut synapses: Query<&mut SynapseKinetics, Learns>,
) {
    if clock.last_tick().substeps == 0 && !net.is_changed() {
        return;
    }
    // Learned weights go back to the synapses, so plots, files and a rebuild see them.
    for (entity, weight) in net.plastic_weights() {
        if let Ok(mut k) = synapses.get_mut(entity) {
            k.bypass_change_detection().weight_a = weight;
        }
    }
    for (entity, mut membrane, adaptation, burst, gates) in &mut neurons {
        let Some(state) = net.neuron_state(entity) else {
            continue;
        };
        membrane.v = state.v;
        if let Some(mut a) = adaptation {
            a.bypass_change_detection().conductance_s = state.adaptation_s;
        }
        if let Some(mut b) = burst {
            b.bypass_change_detection().current_a = state.burst_a;
        }
        if let (Some(mut g), Some(s)) = (gates, state.gates) {
            *g.bypass_change_detection() = s;
        }
    }
}

/// Runs exactly `steps` simulation steps now, whatever the speed or pause state: rebuilds the
/// network if needed, applies pending inputs, steps, and writes the state back. This is the
/// same path the `FixedUpdate` tick takes; the runner and tests use it.
pub fn run_steps(world: &mut World, steps: u64) {
    let was_paused = {
        let mut clock = world.resource_mut::<SimClock>();
        let was = clock.paused();
        clock.set_paused(true);
        clock.request_steps(steps);
        was
    };
    world.run_schedule(FixedUpdate);
    world.resource_mut::<SimClock>().set_paused(was_paused);
}

/// A headless app with the simulation: `MinimalPlugins` + [`SimPlugin`]. Its schedules run
/// on the calling thread: a check started from inside the windowed app must not wait on the
/// task pool that app is itself running on.
pub fn headless_app() -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, crate::SimPlugins));
    app.edit_schedule(FixedUpdate, |s| {
        s.set_executor(SingleThreadedExecutor::new());
    });
    app
}
