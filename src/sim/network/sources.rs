//! The source blocks of the dense network: regular and Poisson spike generators, touch
//! sensors, and the DC and AC currents injected into neurons.

use super::*;

#[derive(Debug, Clone)]
pub(super) struct RegularGenerator {
    pub(super) source: Idx,
    pub(super) per_step: f64,
    pub(super) phase: f64,
}

#[derive(Debug, Clone)]
pub(super) struct PoissonGenerator {
    pub(super) source: Idx,
    pub(super) probability: f64,
    pub(super) rng: Pcg64,
    /// The stream as it was at the start, so a dynamics reset replays the same train.
    pub(super) initial_rng: Pcg64,
}

#[derive(Debug, Clone)]
pub(super) struct TouchState {
    pub(super) source: Idx,
    pub(super) reward: Option<f64>,
    pub(super) per_step: f64,
    pub(super) held: bool,
    pub(super) pending_press: bool,
    pub(super) phase: f64,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct DcInput {
    pub(super) target: Idx,
    pub(super) current: f64,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct AcInput {
    pub(super) target: Idx,
    pub(super) amplitude: f64,
    pub(super) omega: f64,
    pub(super) phase: f64,
}
