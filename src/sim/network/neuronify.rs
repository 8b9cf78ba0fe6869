//! The items of the dense network that step as Neuronify steps them (see `sim::neuronify`):
//! neurons integrated by forward Euler with their threshold tested on the voltage a step
//! starts with, synapses with Neuronify's Euler-decaying `exponential` and its queue of
//! delayed spikes, and the currents each delivers one step before its target integrates
//! them. Neuronify neurons live in the integrate-and-fire block for their parameters and
//! voltage, with the exact integration switched off for them.

use std::collections::VecDeque;

use super::*;
use crate::sim::neuronify::IMMEDIATE_FIRE_CURRENT_A;

/// No Neuronify slot: the neuron is stepped exactly.
const NONE: u32 = u32::MAX;

/// A neuron on Neuronify's stepping.
#[derive(Debug, Clone)]
pub(super) struct NfyNeuron {
    pub(super) neuron: Idx,
    threshold: f64,
    /// Neuronify's refractory period (s), compared with its clock, not rounded to steps.
    refractory_s: f64,
    since_fire: f64,
    /// Neuronify's `enabled`: whether the neuron steps and accepts input.
    enabled: bool,
    clamp: Option<(f64, f64)>,
    /// What is left of the adaptation conductance after a step: 1 − dt/τ (Euler).
    adapt_keep: f64,
    /// How much the burst current drops in a step (A).
    burst_drop: f64,
    fired: bool,
}

/// A synapse on Neuronify's stepping.
#[derive(Debug, Clone)]
pub(super) struct NfySynapse {
    post: Idx,
    /// The target's Neuronify slot, or `NONE`.
    post_slot: u32,
    /// Signed: the maximum current (A), or the immediate-fire current.
    weight: f64,
    dt_over_tau: f64,
    delay_s: f64,
    alpha: bool,
    immediate: bool,
    exponential: f64,
    linear: f64,
    start: (f64, f64),
    output: f64,
    /// When each spike in flight arrives, on the synapses' clock.
    triggers: VecDeque<f64>,
    pub(super) entity: Entity,
}

impl NfySynapse {
    fn trigger(&mut self) {
        if self.alpha {
            self.linear = 0.0;
            self.exponential = std::f64::consts::E;
        } else {
            self.exponential = 1.0;
        }
    }
}

/// Every Neuronify-stepped item of the network.
#[derive(Debug, Clone, Default)]
pub(super) struct NeuronifyBlock {
    pub(super) neurons: Vec<NfyNeuron>,
    /// For each neuron its slot in `neurons`, or `NONE` (empty when there are none).
    of: Vec<u32>,
    /// For each neuron, the current (A) delivered to it in the last step, which it
    /// integrates in this one (empty when there are no Neuronify items).
    received: Vec<f64>,
    synapses: Vec<NfySynapse>,
    /// Synapses of source `s` are `out[out_start[s]..out_start[s + 1]]`.
    out_start: Vec<u32>,
    out: Vec<u32>,
    /// Synapses in arrival order with their source, before `finish` sorts them.
    pending: Vec<(Idx, NfySynapse)>,
    /// Targets of Neuronify synapses that are stepped exactly: they take what they received
    /// as injected current in the next step.
    foreign: Vec<Idx>,
    /// Neuronify's synapse clock (s): every synapse counts its own, all start together.
    time: f64,
}

impl NeuronifyBlock {
    pub(super) fn is_empty(&self) -> bool {
        self.neurons.is_empty() && self.synapses.is_empty()
    }

    /// Puts LIF neuron `i` on Neuronify's stepping: the exact code leaves it alone (it never
    /// crosses an infinite threshold, is never active, and its adaptation and burst current
    /// do not decay there).
    pub(super) fn adopt(
        &mut self,
        lif: &mut LifBlock,
        i: Idx,
        refractory_s: f64,
        adapt_tau_s: f64,
        clamp: Option<(f64, f64)>,
    ) {
        let k = i as usize;
        self.neurons.push(NfyNeuron {
            neuron: i,
            threshold: lif.threshold[k],
            refractory_s,
            since_fire: f64::INFINITY,
            enabled: true,
            clamp,
            adapt_keep: 1.0 - DT / adapt_tau_s,
            burst_drop: lif.burst_drop[k],
            fired: false,
        });
        lif.threshold[k] = f64::INFINITY;
        lif.active_from[k] = NEVER;
        lif.adapt_decay[k] = 1.0;
        lif.burst_drop[k] = 0.0;
    }

    /// Adds a synapse from source `pre` to neuron `post`; `weight` is signed.
    #[allow(
        clippy::too_many_arguments,
        reason = "a synapse's fields, passed once by the builder"
    )]
    pub(super) fn push_synapse(
        &mut self,
        entity: Entity,
        pre: Idx,
        post: Idx,
        weight: f64,
        tau_s: f64,
        delay_s: f64,
        immediate: bool,
        state: crate::sim::NeuronifySynapse,
    ) {
        self.pending.push((
            pre,
            NfySynapse {
                post,
                post_slot: NONE,
                weight: if immediate {
                    weight.signum() * IMMEDIATE_FIRE_CURRENT_A
                } else {
                    weight
                },
                dt_over_tau: DT / tau_s,
                delay_s,
                alpha: state.alpha,
                immediate,
                exponential: state.exponential,
                linear: state.linear,
                start: (state.exponential, state.linear),
                output: 0.0,
                triggers: VecDeque::new(),
                entity,
            },
        ));
    }

    /// Whether neuron `i` is stepped here.
    pub(super) fn steps(&self, i: Idx) -> bool {
        self.neurons.iter().any(|k| k.neuron == i)
    }

    /// Indexes neurons and synapses once every item is in, for `n` neurons and `sources`
    /// spike sources.
    pub(super) fn finish(&mut self, n: usize, sources: usize) {
        if self.neurons.is_empty() && self.pending.is_empty() {
            return;
        }
        self.of = vec![NONE; n];
        for (k, neuron) in self.neurons.iter().enumerate() {
            self.of[neuron.neuron as usize] = k as u32;
        }
        self.received = vec![0.0; n];
        let mut pending = std::mem::take(&mut self.pending);
        // Stable: the synapses of one source keep their order.
        pending.sort_by_key(|(pre, _)| *pre);
        let mut start = vec![0u32; sources + 1];
        for (pre, _) in &pending {
            start[*pre as usize + 1] += 1;
        }
        for s in 0..sources {
            start[s + 1] += start[s];
        }
        self.out_start = start;
        self.out = (0..pending.len() as u32).collect();
        self.synapses = pending.into_iter().map(|(_, s)| s).collect();
        for s in &mut self.synapses {
            s.post_slot = self.of[s.post as usize];
        }
        self.foreign = self
            .synapses
            .iter()
            .filter(|s| s.post_slot == NONE)
            .map(|s| s.post)
            .collect();
        self.foreign.sort_unstable();
        self.foreign.dedup();
    }

    /// Stimulus phase: exactly stepped targets of Neuronify synapses take what was delivered
    /// to them in the last step as injected current.
    pub(super) fn feed_foreign(&mut self, input: &mut [f64]) {
        for &j in &self.foreign {
            let j = j as usize;
            input[j] += self.received[j];
            self.received[j] = 0.0;
        }
    }

    /// Integrate phase: each Neuronify neuron steps as in Neuronify (module doc), then keeps
    /// this step's injected current (`input`) to integrate in the next, as Neuronify delivers
    /// a clamp's current after the neurons have stepped.
    pub(super) fn integrate(&mut self, lif: &mut LifBlock, input: &[f64], channels: &[Channel]) {
        for k in &mut self.neurons {
            let i = k.neuron as usize;
            k.fired = false;
            if k.enabled {
                let v = lif.v[i];
                let rest = lif.resting[i];
                // The neuron's own currents, from the voltage it starts the step with.
                let mut own = -(v - rest) / lif.resistance[i];
                if lif.adapt_increment[i] != 0.0 {
                    lif.adapt_g[i] *= k.adapt_keep;
                    own -= lif.adapt_g[i] * (v - rest);
                }
                if lif.burst_peak[i] != 0.0 {
                    let burst = &mut lif.burst_i[i];
                    *burst = if *burst > 0.0 {
                        *burst - k.burst_drop
                    } else {
                        0.0
                    };
                    own += *burst;
                }
                let mut v = v;
                if v > k.threshold {
                    k.fired = true;
                    k.since_fire = 0.0;
                    v = lif.reset[i];
                    lif.adapt_g[i] += lif.adapt_increment[i];
                    if lif.burst_i[i] < 1e-12 {
                        lif.burst_i[i] = lif.burst_peak[i];
                    }
                }
                // Exactly stepped synapses onto this neuron: their current held over the step.
                let synaptic: f64 = channels.iter().map(|c| c.current(i)).sum();
                v += (own + self.received[i] + synaptic) / lif.capacitance[i] * DT;
                if let Some((low, high)) = k.clamp {
                    v = v.max(low).min(high);
                }
                lif.v[i] = v;
            }
            // Neuronify's `onStepped`: refractory while its clock is below the period.
            k.enabled = k.since_fire >= k.refractory_s;
            k.since_fire += DT;
            self.received[i] = if k.enabled { input[i] } else { 0.0 };
        }
    }

    /// Threshold phase: the Neuronify neurons that fired in this step.
    pub(super) fn fired_into(&self, spiked: &mut Vec<Idx>) {
        spiked.extend(self.neurons.iter().filter(|k| k.fired).map(|k| k.neuron));
    }

    /// Neurons an exactly stepped immediate-fire synapse reached get Neuronify's 1 MA instead
    /// of a forced spike.
    pub(super) fn absorb_forced(&mut self, forced: &mut [bool]) {
        for k in &self.neurons {
            let i = k.neuron as usize;
            if std::mem::take(&mut forced[i]) && k.enabled {
                self.received[i] += IMMEDIATE_FIRE_CURRENT_A;
            }
        }
    }

    /// Propagate phase: every synapse steps, the spikes of this step trigger their
    /// synapses, and each delivers its output to its target for the next step.
    pub(super) fn propagate(&mut self, spiked: &[Idx]) {
        if self.synapses.is_empty() {
            return;
        }
        let now = self.time;
        for s in &mut self.synapses {
            if s.immediate {
                s.output = 0.0;
                continue;
            }
            let shape = if s.alpha { s.linear } else { 1.0 };
            s.output = s.weight * shape * s.exponential;
            if s.alpha {
                s.linear += s.dt_over_tau;
            }
            s.exponential -= s.exponential * s.dt_over_tau;
            if s.triggers.front().is_some_and(|&t| t < now) {
                s.triggers.pop_front();
                s.trigger();
            }
        }
        self.time += DT;
        for &source in spiked {
            let Some(range) = self
                .out_start
                .get(source as usize..source as usize + 2)
                .map(|r| r[0] as usize..r[1] as usize)
            else {
                continue;
            };
            for &j in &self.out[range] {
                let s = &mut self.synapses[j as usize];
                if s.immediate {
                    s.output = s.weight;
                } else if s.delay_s > 0.0 {
                    // At most one spike a step arrives, so this stays below the delay in steps.
                    if s.triggers.len() < RING_SLOTS {
                        s.triggers.push_back(self.time + s.delay_s);
                    }
                } else {
                    s.trigger();
                }
            }
        }
        for s in &self.synapses {
            let accepts = s.post_slot == NONE || self.neurons[s.post_slot as usize].enabled;
            if s.output != 0.0 && accepts {
                self.received[s.post as usize] += s.output;
            }
        }
    }

    /// Every Neuronify item back to its start; `lif` has already been reset.
    pub(super) fn reset(&mut self, lif: &mut LifBlock) {
        for k in &mut self.neurons {
            k.since_fire = f64::INFINITY;
            k.enabled = true;
            k.fired = false;
            lif.active_from[k.neuron as usize] = NEVER;
        }
        self.received.fill(0.0);
        for s in &mut self.synapses {
            (s.exponential, s.linear) = s.start;
            s.output = 0.0;
            s.triggers.clear();
        }
        self.time = 0.0;
    }

    /// Carries the state of items that exist in both networks over a rebuild; `old_index`
    /// gives a new neuron index's old one.
    pub(super) fn carry_from(&mut self, old: &Self, old_index: impl Fn(Idx) -> Option<Idx>) {
        self.time = old.time;
        for k in &mut self.neurons {
            let Some(o) = old_index(k.neuron) else {
                continue;
            };
            if let Some(&slot) = old.of.get(o as usize).filter(|&&s| s != NONE) {
                let was = &old.neurons[slot as usize];
                (k.since_fire, k.enabled) = (was.since_fire, was.enabled);
            }
        }
        if !self.received.is_empty() {
            for i in 0..self.received.len() {
                if let Some(&r) = old_index(i as Idx).and_then(|o| old.received.get(o as usize)) {
                    self.received[i] = r;
                }
            }
        }
        let by_entity: EntityHashMap<&NfySynapse> =
            old.synapses.iter().map(|s| (s.entity, s)).collect();
        for s in &mut self.synapses {
            if let Some(was) = by_entity.get(&s.entity) {
                (s.exponential, s.linear, s.output) = (was.exponential, was.linear, was.output);
                s.triggers.clone_from(&was.triggers);
            }
        }
    }
}
