//! Neuronify's own stepping, as a property of items imported from Neuronify files (never a
//! global mode): what the original app's `GraphEngine::step` does, item by item, so a lesson
//! behaves as it did in Neuronify. The dense network steps these items in
//! `network::neuronify`; everything else keeps the exact conventions of DESIGN.md.
//!
//! Neuronify's step (neuronify 3f908f2, `src/core/graphengine.cpp`), dt = 0.1 ms:
//! 1. each node steps: a neuron takes its leak current from the voltage it starts the step
//!    with, fires if that voltage is above threshold (strictly) and jumps to its reset
//!    potential, then adds `(I_leak + I_received)/C·dt` (forward Euler) and is clamped to its
//!    voltage range; while refractory it does not step and discards what it receives;
//! 2. each synapse steps: its output is `I_max·exponential` (times `linear` for an alpha
//!    synapse), then `exponential` decays by `dt/τ` (Euler) and at most one spike that has
//!    waited out the delay sets it back to 1;
//! 3. each edge delivers: a spike of this step triggers the synapse (at once without delay)
//!    and the synapse's output (and a current clamp's current) goes to the target, which
//!    integrates it in the next step.
//!
//! So a spike reaches its target's voltage two steps later; an immediate-fire edge (a touch
//! sensor's) delivers 1 MA, which the voltage clamp turns into +60 mV and a spike one step
//! later.

use bevy::prelude::*;

/// A neuron stepped as Neuronify steps it (see the module doc): forward Euler, the threshold
/// tested on the voltage a step starts with, input integrated one step after it arrives,
/// refractory time counted by Neuronify's clock, and the voltage clamp.
#[derive(Component, Debug, Clone, Copy, PartialEq, Default)]
pub struct NeuronifyStepping {
    /// Neuronify's voltage clamp (V): after each step the voltage is held within it.
    pub clamp_v: Option<(f64, f64)>,
}

/// A synapse stepped as Neuronify's current synapse (see the module doc), starting from the
/// state its file saved. With `SynapseMode::ImmediateFire` it is Neuronify's immediate-fire
/// edge instead: 1 MA to the target in the step its source fires.
#[derive(Component, Debug, Clone, Copy, PartialEq, Default)]
pub struct NeuronifySynapse {
    /// An alpha-function synapse: output `I_max·linear·exponential`, a spike sets
    /// `linear = 0`, `exponential = e`.
    pub alpha: bool,
    /// The state the synapse starts from (and returns to on a reset), as saved.
    pub exponential: f64,
    pub linear: f64,
}

/// A generator on Neuronify's clock. A regular spike generator counts time since its last
/// spike in steps of dt and fires once that exceeds the period, so a period takes one step
/// more than `1/rate` (Neuronify's 200 Hz generator fires every 5.1 ms); an AC source takes
/// its sine with Neuronify's π ([`NEURONIFY_PI`]).
#[derive(Component, Debug, Clone, Copy, PartialEq, Default)]
pub struct NeuronifyClock;

/// The π of Neuronify's AC clamp (`ACClamp.qml`: `property real pi: 3.14159`).
#[allow(
    clippy::approx_constant,
    reason = "Neuronify's own approximation, reproduced on purpose"
)]
pub const NEURONIFY_PI: f64 = 3.14159;

/// The current (A) an immediate-fire edge delivers in Neuronify.
pub const IMMEDIATE_FIRE_CURRENT_A: f64 = 1e6;
