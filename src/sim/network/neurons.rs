//! The neuron blocks of the dense network, structure of arrays: the integrate-and-fire family
//! (with adaptation and burst currents), Hodgkin–Huxley neurons, and the escape-noise neurons
//! that fire from their own random stream. Each block integrates its membranes, finds the
//! neurons that fire, and resets them.

use super::*;
use crate::sim::simd::{Vectorised, run_widest};

/// The `active_from` of a neuron the exact step never integrates (one on Neuronify's
/// stepping): the largest signed value, so that the vector loop compares the clock as signed
/// integers (WebAssembly's SIMD has signed 64-bit comparisons only).
pub(super) const NEVER: u64 = i64::MAX as u64;

/// Parameters and state of the integrate-and-fire family, structure of arrays.
#[derive(Debug, Clone, Default)]
pub(super) struct LifBlock {
    pub(super) v: Vec<f64>,
    pub(super) resting: Vec<f64>,
    pub(super) resistance: Vec<f64>,
    pub(super) capacitance: Vec<f64>,
    pub(super) threshold: Vec<f64>,
    pub(super) reset: Vec<f64>,
    /// Where the membrane starts after a dynamics reset: the reset potential, or a
    /// population member's initial potential.
    pub(super) start: Vec<f64>,
    /// exp(−dt/τm), used by neurons without adaptation.
    pub(super) decay: Vec<f64>,
    pub(super) refractory_steps: Vec<u64>,
    /// The first step at which the neuron integrates again ([`NEVER`] for a neuron that the
    /// exact step leaves alone).
    pub(super) active_from: Vec<u64>,
    /// Adaptation (increment S, decay per step, conductance S); zero increment = none.
    pub(super) adapt_increment: Vec<f64>,
    pub(super) adapt_decay: Vec<f64>,
    pub(super) adapt_g: Vec<f64>,
    /// Burst current (peak A, drop per step A, current A); zero peak = none.
    pub(super) burst_peak: Vec<f64>,
    pub(super) burst_drop: Vec<f64>,
    pub(super) burst_i: Vec<f64>,
    /// The neurons without adaptation or burst current, in runs of equal parameters, with
    /// what each synaptic channel's current adds to their voltage (see [`synaptic_gain`]).
    pub(super) segments: Vec<Segment>,
}

/// What a synaptic current of 1 A at the start of a step, decaying with `tau_s`, adds over the
/// step to the voltage of a membrane of capacitance `c` and time constant `tau_m` (V/A): the
/// exact propagator of the linear system (Rotter & Diesmann 1999; NEST's `propagator_32`),
/// `P_m/C · (e^(h·a) − 1)/a` with `a = 1/τ_m − 1/τ_s`, which is `R·τ_s/(τ_s − τ_m)·(P_s − P_m)`
/// and tends to `R·(h/τ_m)·P_m` as τ_s → τ_m; the series near that limit keeps it exact
/// there.
pub(super) fn synaptic_gain(c: f64, tau_m: f64, tau_s: f64) -> f64 {
    let a = 1.0 / tau_m - 1.0 / tau_s;
    let x = DT * a;
    let expm1_over_a = if x.abs() < 1e-5 {
        DT * (1.0 + x / 2.0 + x * x / 6.0)
    } else {
        x.exp_m1() / a
    };
    (-DT / tau_m).exp() / c * expm1_over_a
}

#[derive(Debug, Clone, Default)]
pub(super) struct HhBlock {
    pub(super) state: Vec<HhState>,
    /// µA/cm² per A of input.
    pub(super) density_per_amp: Vec<f64>,
    /// For each synaptic channel, how much of its current at the start of a step is left at
    /// each point of the step where the RK4 substeps sample the input.
    pub(super) channel_decay: Vec<[f64; hh::CURRENT_SAMPLES]>,
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

/// The integrate-and-fire neurons with escape noise.
#[derive(Debug, Clone, Default)]
pub(super) struct EscapeBlock {
    pub(super) neurons: Vec<EscapeNeuron>,
    /// For each neuron its slot in `neurons`, or `NOT_ESCAPE` (empty when there are none).
    of: Vec<u32>,
}

/// This neuron fires deterministically.
const NOT_ESCAPE: u32 = u32::MAX;

impl EscapeBlock {
    /// Indexes the escape neurons of a network of `n` neurons.
    pub(super) fn index(&mut self, n: usize) {
        if !self.neurons.is_empty() {
            self.of = vec![NOT_ESCAPE; n];
            for (k, e) in self.neurons.iter().enumerate() {
                self.of[e.neuron as usize] = k as u32;
            }
        }
    }

    /// Each noisy neuron draws whether it fires in this step, from its rate at its present
    /// voltage (none while refractory); those that fire are appended to `firing`.
    pub(super) fn draw(&mut self, lif: &LifBlock, step: u64, firing: &mut Vec<Idx>) {
        for k in &mut self.neurons {
            let i = k.neuron as usize;
            k.rate_hz = if step >= lif.active_from[i] {
                k.rate.rate_hz(lif.v[i])
            } else {
                0.0
            };
            if k.rng.random::<f64>() < EscapeRate::fire_probability(k.rate_hz, DT) {
                firing.push(k.neuron);
            }
        }
    }

    /// For a noisy neuron, its rate g (Hz) in the present step and g'/g per mV (the reward
    /// rule counts eligibility in 1/mV); `None` for any other neuron.
    pub(super) fn noise_of(&self, neuron: usize) -> Option<(f64, f64)> {
        let &k = self.of.get(neuron).filter(|&&k| k != NOT_ESCAPE)?;
        let e = &self.neurons[k as usize];
        Some((e.rate_hz, 1e-3 * e.rate.log_slope_per_v(e.rate_hz)))
    }

    /// Every stream back to its first draw.
    pub(super) fn reset(&mut self) {
        for k in &mut self.neurons {
            k.rng = k.initial_rng.clone();
            k.rate_hz = 0.0;
        }
    }
}

impl LifBlock {
    /// Fires the neurons in `firing` at step `step`: reset, refractory, adaptation and burst
    /// current; each is appended to `spiked`.
    pub(super) fn fire(&mut self, firing: &[Idx], step: u64, spiked: &mut Vec<Idx>) {
        for &i in firing {
            let i = i as usize;
            self.v[i] = self.reset[i];
            self.active_from[i] = step + self.refractory_steps[i];
            self.adapt_g[i] += self.adapt_increment[i];
            if self.burst_i[i] < 1e-12 {
                self.burst_i[i] = self.burst_peak[i];
            }
            spiked.push(i as Idx);
        }
    }

    /// Every neuron at its start voltage, integrating, without adaptation or burst current.
    pub(super) fn reset(&mut self) {
        self.v.clone_from(&self.start);
        self.active_from.fill(0);
        self.adapt_g.fill(0.0);
        self.burst_i.fill(0.0);
    }

    /// The segments of the neurons without adaptation or burst current (`0..n_plain`), with
    /// every channel's gain for them.
    pub(super) fn prepare_segments(&mut self, channels: &[Channel], n_plain: usize) {
        let n = n_plain;
        self.segments = segments(
            &self.resting[..n],
            &self.resistance[..n],
            &self.capacitance[..n],
            &self.decay[..n],
            &self.threshold[..n],
            channels,
        );
    }

    /// Advances every integrate-and-fire neuron one step, exactly: the held `input` (A; DC
    /// and AC) by the exponential propagator, and each channel's current, which decays within
    /// the step, by its own (see [`synaptic_gain`]); then appends those above threshold to
    /// `firing`, in index order. The first `n_plain` have no adaptation or burst current and
    /// take the vector loop ([`PlainStep`]).
    pub(super) fn integrate(
        &mut self,
        input: &[f64],
        channels: &[Channel],
        n_plain: usize,
        step: u64,
        injected: bool,
        firing: &mut Vec<Idx>,
    ) {
        let n = n_plain;
        PlainStep {
            segments: &self.segments,
            v: &mut self.v[..n],
            active_from: &self.active_from[..n],
            input: injected.then(|| &input[..n]),
            channels,
        }
        .run(step, firing);
        let n_lif = self.v.len();
        for (i, &current) in input.iter().enumerate().take(n_lif).skip(n_plain) {
            let g_leak = 1.0 / self.resistance[i];
            let g = g_leak + self.adapt_g[i];
            let drive = current + self.burst_i[i];
            if step >= self.active_from[i] {
                let c = self.capacitance[i];
                let tau = c / g;
                let synaptic: f64 = channels
                    .iter()
                    .map(|ch| (ch.current(i), ch.tau_s))
                    .filter(|&(current, _)| current != 0.0)
                    .map(|(current, tau_s)| current * synaptic_gain(c, tau, tau_s))
                    .sum();
                let v_inf = self.resting[i] + drive / g;
                self.v[i] = v_inf + (self.v[i] - v_inf) * (-DT * g / c).exp() + synaptic;
            }
            self.adapt_g[i] *= self.adapt_decay[i];
            self.burst_i[i] = (self.burst_i[i] - self.burst_drop[i]).max(0.0);
            if self.v[i] > self.threshold[i] {
                firing.push(i as Idx);
            }
        }
    }
}

impl HhBlock {
    /// Appends to `spiked` every neuron whose voltage crossed 0 mV upwards in this step
    /// (`v_before` from [`HhBlock::integrate`]); the first HH neuron has index `first`.
    pub(super) fn crossings(&self, v_before: &[f64], first: Idx, spiked: &mut Vec<Idx>) {
        for (k, (s, &before)) in self.state.iter().zip(v_before).enumerate() {
            if before < 0.0 && s.v >= 0.0 {
                spiked.push(first + k as Idx);
            }
        }
    }

    /// An HH membrane cannot be reset by decree: each neuron an immediate-fire synapse
    /// reached (`forced`) gets a one-step kick on its `input` that starts a real action
    /// potential.
    pub(super) fn kick(&self, forced: &[bool], input: &mut [f64]) {
        for ((per_amp, &forced), input) in self.density_per_amp.iter().zip(forced).zip(input) {
            if forced {
                *input += hh::KICK_UA_PER_CM2 / per_amp;
            }
        }
    }

    /// Every neuron at rest.
    pub(super) fn reset(&mut self) {
        let g = hh::steady_state(-65.0);
        self.state.fill(HhState {
            v: -65.0,
            m: g.m,
            n: g.n,
            h: g.h,
        });
    }

    /// The decay of every channel's current within a step, at the RK4 substeps' samples.
    pub(super) fn prepare_channel_decay(&mut self, channels: &[Channel]) {
        let half_substep = DT / f64::from(hh::SUBSTEPS) / 2.0;
        self.channel_decay = channels
            .iter()
            .map(|ch| std::array::from_fn(|k| (-(k as f64) * half_substep / ch.tau_s).exp()))
            .collect();
    }

    /// Advances every Hodgkin–Huxley neuron one step on its internal substeps (the first is
    /// neuron `first` of the network): the held `input` (A) constant over the step, each
    /// channel's current decaying within it; keeps the voltages before the step in
    /// `v_before` (mV) for the threshold's crossing test. Eight neurons go side by side
    /// through the integrator ([`hh::Lanes`]), compiled for the widest vector unit.
    pub(super) fn integrate(
        &mut self,
        input: &[f64],
        channels: &[Channel],
        first: usize,
        v_before: &mut Vec<f64>,
    ) {
        v_before.clear();
        v_before.extend(self.state.iter().map(|s| s.v));
        if !self.state.is_empty() {
            run_widest(HhStep {
                block: self,
                input,
                channels,
                first,
            });
        }
    }
}

/// One step of the HH block as vectorised work.
struct HhStep<'a> {
    block: &'a mut HhBlock,
    input: &'a [f64],
    channels: &'a [Channel],
    first: usize,
}

impl HhStep<'_> {
    /// Neurons `base..base + L` through the integrator together.
    #[inline(always)]
    fn lanes<const L: usize>(&mut self, base: usize) {
        let b = &mut *self.block;
        let mut samples = [[0.0; L]; hh::CURRENT_SAMPLES];
        for lane in 0..L {
            let k = base + lane;
            let mut at = [self.input[k]; hh::CURRENT_SAMPLES];
            for (ch, decay) in self.channels.iter().zip(&b.channel_decay) {
                let start = ch.current(self.first + k);
                if start != 0.0 {
                    for (x, d) in at.iter_mut().zip(decay) {
                        *x += start * d;
                    }
                }
            }
            for (sample, x) in samples.iter_mut().zip(at) {
                sample[lane] = x * b.density_per_amp[k];
            }
        }
        let states: &mut [HhState; L] = (&mut b.state[base..base + L])
            .try_into()
            .expect("L neurons");
        let mut lanes = hh::Lanes::load(states);
        hh::advance_lanes(&mut lanes, &samples, DT * 1e3);
        lanes.store(states);
    }
}

impl Vectorised for HhStep<'_> {
    type Output = ();

    #[inline(always)]
    fn run(mut self) {
        const LANES: usize = 8;
        let n = self.block.state.len();
        let full = n - n % LANES;
        for base in (0..full).step_by(LANES) {
            self.lanes::<LANES>(base);
        }
        for i in full..n {
            self.lanes::<1>(i);
        }
    }
}
