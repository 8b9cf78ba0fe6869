//! The neuron blocks of the dense network, structure of arrays: the integrate-and-fire family
//! (with adaptation and burst currents), Hodgkin–Huxley neurons, and the escape-noise neurons
//! that fire from their own random stream.

use super::*;

/// Parameters and state of the integrate-and-fire family, structure of arrays.
#[derive(Debug, Clone, Default)]
pub(super) struct LifBlock {
    pub(super) v: Vec<f64>,
    pub(super) resting: Vec<f64>,
    pub(super) resistance: Vec<f64>,
    pub(super) capacitance: Vec<f64>,
    pub(super) threshold: Vec<f64>,
    pub(super) reset: Vec<f64>,
    /// exp(−dt/τm), used by neurons without adaptation.
    pub(super) decay: Vec<f64>,
    pub(super) refractory_steps: Vec<u64>,
    /// The first step at which the neuron integrates again.
    pub(super) active_from: Vec<u64>,
    /// Adaptation (increment S, decay per step, conductance S); zero increment = none.
    pub(super) adapt_increment: Vec<f64>,
    pub(super) adapt_decay: Vec<f64>,
    pub(super) adapt_g: Vec<f64>,
    /// Burst current (peak A, drop per step A, current A); zero peak = none.
    pub(super) burst_peak: Vec<f64>,
    pub(super) burst_drop: Vec<f64>,
    pub(super) burst_i: Vec<f64>,
}

#[derive(Debug, Clone, Default)]
pub(super) struct HhBlock {
    pub(super) state: Vec<HhState>,
    /// µA/cm² per A of input.
    pub(super) density_per_amp: Vec<f64>,
}

/// An integrate-and-fire neuron with escape noise: its threshold entry is +∞, and it fires
/// from its own random stream with the rate of its escape function.
#[derive(Debug, Clone)]
pub(super) struct EscapeNeuron {
    pub(super) neuron: Idx,
    pub(super) rate: EscapeRate,
    /// g(V) in the present step (Hz); 0 while refractory.
    pub(super) rate_hz: f64,
    pub(super) rng: Pcg64,
    pub(super) initial_rng: Pcg64,
}
