//! The dense simulation cache: structure-of-arrays copies of every neuron, source and synapse,
//! rebuilt from the entities whenever their topology or parameters change (carrying the
//! dynamic state over by entity), stepped by the `SimStep` phase systems, and written back to
//! the components after every tick.
//!
//! `Network` holds one block per kind of part, each with its own step functions —
//! [`neurons`] (integrate-and-fire, Hodgkin–Huxley, escape noise), [`sources`] (generators,
//! sensors, injected currents), [`synapses`] (channels, saturating synapses, the CSR and the
//! delay ring), [`learning`] — and the phases below call them in order. [`builder`] makes a
//! network, [`carry`] carries state over a rebuild.

use bevy::ecs::entity::EntityHashMap;
use bevy::prelude::*;
use rand::Rng;
use rand_pcg::Pcg64;

use super::DT;
use super::components::*;
use super::escape::EscapeRate;
use super::hh::{self, HhGates, HhState};
use super::plasticity::{PlasticSynapse, Rule, WeightAt};
use super::population::{self, Projection};

/// Index of a neuron in the dense arrays. Neurons also occupy source indices `0..n_neurons`.
type Idx = u32;

mod builder;
mod carry;
mod learning;
mod lif_kernel;
mod neuronify;
mod neurons;
mod projections;
mod sources;
mod synapses;
#[cfg(test)]
mod tests;

pub(crate) use builder::NetworkBuilder;
use learning::*;
use lif_kernel::*;
use neuronify::*;
use neurons::*;
use projections::*;
use sources::*;
use synapses::*;

/// A neuron's dynamic variables as the components store them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NeuronState {
    pub v: f64,
    pub adaptation_s: f64,
    pub burst_a: f64,
    pub gates: Option<HhGates>,
}

/// Slots in the delay ring: the longest delay plus the current step.
pub(crate) const RING_SLOTS: usize = (MAX_DELAY_S / DT) as usize + 2;

/// The dense, steppable form of the circuit.
#[derive(Resource, Debug, Clone, Default)]
pub struct Network {
    /// Entity of each spike source; neurons first (LIF family, then HH), then spike
    /// generators, then touch sensors.
    source_entities: Vec<Entity>,
    source_index: EntityHashMap<Idx>,
    n_lif: usize,
    /// LIF neurons `0..n_plain` have neither adaptation nor burst current.
    n_plain: usize,
    lif: LifBlock,
    hh: HhBlock,
    escape: EscapeBlock,
    sources: SourceBlock,
    synapses: SynapseBlock,
    learning: LearningBlock,
    /// Items stepped as Neuronify steps them.
    neuronify: NeuronifyBlock,
    /// Scratch: LIF neurons that fire in the present step.
    firing: Vec<Idx>,
    /// Scratch: total input current per neuron in the present step.
    input: Vec<f64>,
    /// Source indices that spiked in the present step.
    spiked: Vec<Idx>,
    /// Neurons whose voltage trace is recorded, with their index.
    recorded: Vec<(Entity, Idx)>,
    /// HH voltages (mV) at the start of the present step, for crossing detection.
    hh_before: Vec<f64>,
    /// Each population's first member (a dense index) and size.
    populations: EntityHashMap<(Idx, u32)>,
}

/// 64-bit FNV-1a: a fixed, platform-independent hash for deriving random streams from ids.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The random stream of one generator: fixed by the run's seed and the generator's stable id.
pub fn generator_rng(seed: u64, stable_id: &str) -> Pcg64 {
    let id = fnv1a(stable_id);
    let state = (u128::from(seed) << 64) | u128::from(id.rotate_left(17) ^ 0x9e37_79b9_7f4a_7c15);
    Pcg64::new(state, u128::from(id))
}

impl Network {
    pub fn neuron_count(&self) -> usize {
        self.n_lif + self.hh.state.len()
    }

    /// Synapses of every kind: single synapses and those of projections.
    pub fn synapse_count(&self) -> usize {
        let projected: usize = self
            .synapses
            .projections
            .iter()
            .map(ProjectionBlock::synapse_count)
            .sum();
        self.synapses.out.len() + projected
    }

    /// Bytes the projections' synapses take, for the memory budget.
    pub fn projection_bytes(&self) -> usize {
        self.synapses
            .projections
            .iter()
            .map(ProjectionBlock::bytes)
            .sum()
    }

    /// Membrane potentials (V) of a population's members, in member order.
    pub fn population_voltages(
        &self,
        population: Entity,
    ) -> Option<impl Iterator<Item = f64> + '_> {
        let &(first, size) = self.populations.get(&population)?;
        Some((first..first + size).filter_map(|i| self.voltage_at(i as usize)))
    }

    /// The dense index of a population's first member and its size.
    pub fn population_span(&self, population: Entity) -> Option<(u32, u32)> {
        self.populations.get(&population).copied()
    }

    /// Entities that spiked in the present step.
    pub fn spiked_entities(&self) -> impl Iterator<Item = Entity> + '_ {
        self.spiked
            .iter()
            .map(|&s| self.source_entities[s as usize])
    }

    /// Membrane potential in volts of a neuron, if the entity is one.
    pub fn voltage(&self, entity: Entity) -> Option<f64> {
        let &i = self.source_index.get(&entity)?;
        self.voltage_at(i as usize)
    }

    fn voltage_at(&self, i: usize) -> Option<f64> {
        if i < self.n_lif {
            Some(self.lif.v[i])
        } else {
            self.hh.state.get(i - self.n_lif).map(|s| s.v * 1e-3)
        }
    }

    /// The dynamic state of a neuron, for writing back to its components.
    pub fn neuron_state(&self, entity: Entity) -> Option<NeuronState> {
        let i = *self.source_index.get(&entity)? as usize;
        if i < self.n_lif {
            let l = &self.lif;
            Some(NeuronState {
                v: l.v[i],
                adaptation_s: l.adapt_g[i],
                burst_a: l.burst_i[i],
                gates: None,
            })
        } else {
            let s = self.hh.state.get(i - self.n_lif)?;
            Some(NeuronState {
                v: s.v * 1e-3,
                adaptation_s: 0.0,
                burst_a: 0.0,
                gates: Some(HhGates {
                    m: s.m,
                    n: s.n,
                    h: s.h,
                }),
            })
        }
    }

    /// Neurons whose voltage is being recorded, with their present voltage.
    pub fn recorded_voltages(&self) -> impl Iterator<Item = (Entity, f64)> + '_ {
        self.recorded
            .iter()
            .filter_map(|&(e, i)| Some((e, self.voltage_at(i as usize)?)))
    }

    /// Total synaptic current (A) flowing into a neuron (at the start of the present step
    /// for its saturating synapses).
    pub fn synaptic_current(&self, entity: Entity) -> Option<f64> {
        let i = *self.source_index.get(&entity)? as usize;
        (i < self.neuron_count()).then(|| self.synapses.channel_current(i))
    }

    /// How many touch sensors are held down now.
    pub fn touch_sensors_held(&self) -> usize {
        self.sources.held()
    }

    /// Presses or releases a touch sensor; a press fires it at the next step, and gives its
    /// reward (if it has one) at once.
    pub fn set_touch(&mut self, sensor: Entity, pressed: bool) -> bool {
        let Some(&s) = self.source_index.get(&sensor) else {
            return false;
        };
        let Some(reward) = self.sources.touch(s, pressed) else {
            return false;
        };
        if let Some(reward) = reward {
            self.reward(reward);
        }
        true
    }

    /// A reward event: every reward-learning synapse changes by `α·(R − b)·e`.
    pub fn reward(&mut self, reward: f64) {
        self.learning.reward(reward, &mut self.synapses);
    }

    /// Sets the rate of a Poisson source without a rebuild (place cells follow the animal).
    pub fn set_poisson_rate(&mut self, source: Entity, rate_hz: f64) -> bool {
        let Some(&s) = self.source_index.get(&source) else {
            return false;
        };
        self.synapses.set_train_rate(s, rate_hz);
        self.sources.set_poisson_rate(s, rate_hz)
    }

    /// Eligibility of each reward-learning synapse (1/mV), by entity.
    pub fn eligibilities(&self) -> impl Iterator<Item = (Entity, f64)> + '_ {
        self.learning
            .plastic
            .iter()
            .filter(|p| matches!(p.rule, Rule::Reward(_)))
            .filter(|p| matches!(p.at, WeightAt::Outgoing(_)))
            .map(|p| (p.entity, p.eligibility))
    }

    // ---- phases -------------------------------------------------------------------------

    /// Stimulus phase: generators and sensors decide their spikes; injected currents make up
    /// each neuron's held input, and the saturating synapses' currents their channels.
    pub(crate) fn stimulus(&mut self, step: u64) {
        self.spiked.clear();
        self.sources.fire(&mut self.spiked);
        // Nothing else writes the input, so without these it stays zero from the build on.
        if self.injects_input() {
            self.input.fill(0.0);
        }
        self.sources.inject(&mut self.input, step);
        self.neuronify.feed_foreign(&mut self.input);
        self.synapses.gather_saturating_currents();
        if self.synapses.any_forced {
            let n_lif = self.n_lif;
            self.hh
                .kick(&self.synapses.forced[n_lif..], &mut self.input[n_lif..]);
        }
    }

    /// Whether anything writes the neurons' input current: current sources, Neuronify's
    /// delayed delivery, the kick an HH neuron gets.
    fn injects_input(&self) -> bool {
        self.sources.injects() || !self.neuronify.is_empty() || !self.hh.state.is_empty()
    }

    /// Integrate phase: advance every membrane from t to t+dt, the synaptic currents of the
    /// channels decaying within the step (integrated exactly), injected inputs held
    /// constant; then the additive channels' currents decay by the step.
    pub(crate) fn integrate(&mut self, step: u64) {
        let injected = self.injects_input();
        let (lif_input, hh_input) = self.input.split_at(self.n_lif);
        let channels = &self.synapses.channels;
        self.neuronify.integrate(&mut self.lif, lif_input, channels);
        self.lif.integrate(
            lif_input,
            channels,
            self.n_plain,
            step,
            injected,
            &mut self.firing,
        );
        self.hh
            .integrate(hh_input, channels, self.n_lif, &mut self.hh_before);
        self.synapses.decay_channels();
    }

    /// Threshold/reset phase: LIF fires on `V > V_th` (found by the integrate phase; or by
    /// escape noise, or forced by an immediate-fire synapse), HH on an upward crossing of 0 mV.
    pub(crate) fn threshold(&mut self, step: u64) {
        self.escape.draw(&self.lif, step, &mut self.firing);
        self.synapses.forced_lif_into(self.n_lif, &mut self.firing);
        self.lif.fire(&self.firing, step, &mut self.spiked);
        self.firing.clear();
        self.neuronify.fired_into(&mut self.spiked);
        self.hh
            .crossings(&self.hh_before, self.n_lif as Idx, &mut self.spiked);
        self.synapses.clear_forced();
    }

    /// Propagate phase: learning from this step's spikes, then the spikes go into the delay
    /// ring and what is due is delivered.
    pub(crate) fn propagate(&mut self, step: u64) {
        let n = self.neuron_count() as Idx;
        self.learning
            .learn_from_post_spikes(&self.spiked, n, &self.escape, &mut self.synapses);
        self.synapses.send(&self.spiked, step, &mut self.learning);
        self.synapses
            .send_projections(&self.spiked, step, &mut self.learning);
        if !self.neuronify.is_empty() {
            self.neuronify.propagate(&self.spiked);
            if self.synapses.any_forced {
                self.neuronify.absorb_forced(&mut self.synapses.forced);
            }
        }
    }

    /// Current signed weights (A) of the learning synapses, by entity.
    /// (A projection's synapses learn too, but their weights are not a component: they stay
    /// in the network and are carried over a rebuild.)
    pub fn plastic_weights(&self) -> impl Iterator<Item = (Entity, f64)> + '_ {
        self.learning.plastic.iter().filter_map(|p| match p.at {
            WeightAt::Outgoing(j) => Some((p.entity, self.synapses.weight(j).unwrap_or(p.w))),
            WeightAt::Projection { .. } => None,
        })
    }

    /// Returns every dynamic variable to its start: LIF at its start potential, HH at rest, no currents in
    /// flight, generators restarted with fresh streams. What was learned stays learned.
    pub fn reset_dynamics(&mut self) {
        self.lif.reset();
        self.hh.reset();
        self.escape.reset();
        self.sources.reset();
        self.synapses.reset();
        self.learning.reset();
        self.neuronify.reset(&mut self.lif);
        self.spiked.clear();
    }
}
