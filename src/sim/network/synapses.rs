//! The synapse block of the dense network: the outgoing list (CSR) entries and how a spike
//! acts on its target, one decaying current per time constant and target ("channels"), and
//! the synapses that keep a current of their own.

use super::*;

/// How an arriving spike acts on its target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Effect {
    /// Add the signed weight to a shared exponential channel of the target.
    Add { channel: u16, weight: f64 },
    /// Reset an individual synapse current to its full signed weight.
    Saturate { slot: u32 },
    /// Make the target fire at its next threshold test (an HH target gets a kick instead).
    Fire,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Outgoing {
    pub(super) post: Idx,
    pub(super) delay_steps: u32,
    pub(super) effect: Effect,
}

/// All additive synapses with the same time constant share one current per target neuron,
/// since a sum of exponentials with one τ is one exponential.
#[derive(Debug, Clone)]
pub(super) struct Channel {
    pub(super) tau_s: f64,
    pub(super) decay: f64,
    pub(super) current: Vec<f64>,
}

/// A synapse that keeps its own current (Neuronify's reset-to-full synapse).
#[derive(Debug, Clone)]
pub(super) struct SaturatingSynapse {
    pub(super) post: Idx,
    pub(super) weight: f64,
    pub(super) decay: f64,
    pub(super) current: f64,
    pub(super) entity: Entity,
}
