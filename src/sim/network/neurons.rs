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

impl LifBlock {
    /// Advances every integrate-and-fire neuron one step with its input current (A) held
    /// constant: the exact exponential propagator; the first `n_plain` have no adaptation or
    /// burst current, so their loop has no branches.
    pub(super) fn integrate(&mut self, input: &[f64], n_plain: usize, step: u64) {
        // Equal-length slices let the compiler drop bounds checks; the select is branch-free.
        let n = n_plain;
        let (v, plain_input) = (&mut self.v[..n], &input[..n]);
        let (rest, r, decay, active) = (
            &self.resting[..n],
            &self.resistance[..n],
            &self.decay[..n],
            &self.active_from[..n],
        );
        for i in 0..n {
            let v_inf = rest[i] + r[i] * plain_input[i];
            let next = v_inf + (v[i] - v_inf) * decay[i];
            v[i] = if step >= active[i] { next } else { v[i] };
        }
        let n_lif = self.v.len();
        for (i, &current) in input.iter().enumerate().take(n_lif).skip(n_plain) {
            let g_leak = 1.0 / self.resistance[i];
            let g = g_leak + self.adapt_g[i];
            let drive = current + self.burst_i[i];
            if step >= self.active_from[i] {
                let v_inf = self.resting[i] + drive / g;
                self.v[i] = v_inf + (self.v[i] - v_inf) * (-DT * g / self.capacitance[i]).exp();
            }
            self.adapt_g[i] *= self.adapt_decay[i];
            self.burst_i[i] = (self.burst_i[i] - self.burst_drop[i]).max(0.0);
        }
    }
}

impl HhBlock {
    /// Advances every Hodgkin–Huxley neuron one step (on its internal substeps) with its input
    /// current (A) held constant, keeping the voltages before the step in `v_before` (mV) for
    /// the threshold's crossing test.
    pub(super) fn integrate(&mut self, input: &[f64], v_before: &mut Vec<f64>) {
        v_before.clear();
        v_before.extend(self.state.iter().map(|s| s.v));
        for ((s, current), per_amp) in self.state.iter_mut().zip(input).zip(&self.density_per_amp) {
            hh::advance(s, current * per_amp, DT * 1e3);
        }
    }
}
