//! Populations and projections in circuit files (format `version: 2`): a population is `size`
//! neurons of one model sharing its parameters, a projection connects two groups by a rule
//! (all to all, one to one, with probability p, fixed in- or out-degree) with weights and
//! delays that are fixed or drawn. This file owns their file types, the checks made at load
//! (sizes, rules, distributions, the estimated synapse count before anything is allocated),
//! and their conversion to the simulation's SI components.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::error::CircuitError;
use super::load::{check_model, locate};
use super::schema::{Circuit, NeuronModel, RewardModel, StdpModel};
use super::units::{from_milli, from_nano, to_milli};
use crate::sim::params::{in_range, positive};
use crate::sim::plasticity::Rule;
use crate::sim::{
    self, ConnectionRule, Drawn, MAX_DELAY_S, ParamError, PopulationLayout, SynapseMode,
};

/// The largest synaptic weight a file may give, as for single synapses.
const MAX_WEIGHT_NA: f64 = 1e3;

/// Most members one population may have.
pub const MAX_POPULATION_SIZE: u32 = 10_000_000;

/// Most synapses the projections of one circuit may expand to: 12 bytes each at most, so
/// about 3 GB. Checked on the estimate, before anything is allocated.
pub const MAX_PROJECTED_SYNAPSES: u64 = 250_000_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationItem {
    pub id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub position: (f32, f32),
    pub size: u32,
    #[serde(default)]
    pub inhibitory: bool,
    pub model: NeuronModel,
    /// The membrane potential each member starts (and restarts) from.
    #[serde(rename = "initial_mV", default)]
    pub initial_mv: InitialPotential,
    #[serde(default)]
    pub layout: PopulationLayout,
}

/// Where a member's membrane starts: one value for all, or drawn per member.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub enum InitialPotential {
    /// The model's reset potential (LIF) or resting state (HH).
    #[default]
    Reset,
    /// One value in mV.
    Fixed(f64),
    /// Uniform between two values in mV.
    Uniform(f64, f64),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectionItem {
    pub id: String,
    /// A population, a neuron, a spike generator or a touch sensor.
    pub from: String,
    /// A population or a neuron.
    pub to: String,
    pub rule: ConnectionRule,
    /// Whether a member may connect to itself (a projection from a population to itself).
    #[serde(default)]
    pub autapses: bool,
    #[serde(rename = "weight_nA", default = "d_weight")]
    pub weight_na: Drawn,
    #[serde(rename = "delay_ms", default = "d_delay")]
    pub delay_ms: Drawn,
    #[serde(default = "d_tau")]
    pub tau_ms: f64,
    #[serde(default)]
    pub mode: SynapseMode,
    /// Every synapse learns by pair-based STDP (or by `reward`), each with its own weight;
    /// learned weights live while the circuit runs, the file keeps the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdp: Option<StdpModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward: Option<RewardModel>,
}

fn d_weight() -> Drawn {
    Drawn::Fixed(3.0)
}
fn d_delay() -> Drawn {
    Drawn::Fixed(0.0)
}
fn d_tau() -> f64 {
    2.0
}

impl PopulationItem {
    /// The simulation's component for this population.
    pub fn to_sim(&self) -> sim::Population {
        let model = match &self.model {
            NeuronModel::Lif(m) => sim::PopulationModel::Lif {
                params: m.params(),
                refractory_s: from_milli(m.refractory_ms),
                adaptation: m.adaptation.as_ref().map(|a| sim::Adaptation {
                    increment_s: from_nano(a.increment_ns),
                    tau_s: from_milli(a.tau_ms),
                    conductance_s: 0.0,
                }),
                burst: m.burst.as_ref().map(|b| sim::BurstCurrent {
                    peak_a: from_nano(b.peak_na),
                    ramp_a_per_s: from_nano(b.ramp_na_per_s),
                    current_a: 0.0,
                }),
                escape: m.escape.map(|e| e.to_sim()),
            },
            NeuronModel::HodgkinHuxley(m) => sim::PopulationModel::Hh(sim::HhParams {
                area_cm2: m.area_cm2,
            }),
        };
        let initial = match self.initial_mv {
            InitialPotential::Reset => sim::InitialVoltage::Reset,
            InitialPotential::Fixed(v) => sim::InitialVoltage::Fixed(from_milli(v)),
            InitialPotential::Uniform(lo, hi) => {
                sim::InitialVoltage::Uniform(from_milli(lo), from_milli(hi))
            }
        };
        sim::Population {
            size: self.size,
            model,
            initial,
            layout: self.layout,
        }
    }
}

impl ProjectionItem {
    /// The simulation's component for this projection, between the entities of its ends.
    pub fn to_sim(
        &self,
        from: bevy::prelude::Entity,
        to: bevy::prelude::Entity,
    ) -> sim::Projection {
        sim::Projection {
            from,
            to,
            rule: self.rule,
            autapses: self.autapses,
            weight_a: self.weight_na.scaled(1e-9),
            delay_s: self.delay_ms.scaled(1e-3),
            tau_s: from_milli(self.tau_ms),
            mode: self.mode,
            learning: match (&self.stdp, &self.reward) {
                (Some(m), _) => Some(Rule::Pairs(m.to_sim())),
                (None, Some(m)) => Some(Rule::Reward(m.to_sim())),
                (None, None) => None,
            },
        }
    }
}

impl Circuit {
    /// How many neurons a projection's end stands for: a population's size, one for any other
    /// item.
    pub fn group_size(&self, id: &str) -> Option<u32> {
        match self.populations.iter().find(|p| p.id == id) {
            Some(p) => Some(p.size),
            None => self.ids().any(|i| i == id).then_some(1),
        }
    }

    /// Checks populations and projections: sizes, models, start potentials, the ends of each
    /// projection, its rule against the sizes it joins, its distributions, and the estimated
    /// synapse count of all projections together, before anything is allocated.
    pub(super) fn validate_groups(
        &self,
        text: &str,
        file: &str,
        neurons: &HashSet<&str>,
        spike_sources: &HashSet<&str>,
        ids: &HashSet<&str>,
    ) -> Result<(), CircuitError> {
        let invalid = |item: &str, field: &str, reason: String| CircuitError::Invalid {
            at: locate(text, file, item, field),
            item: item.to_owned(),
            field: field.to_owned(),
            reason,
        };
        for p in &self.populations {
            if !(1..=MAX_POPULATION_SIZE).contains(&p.size) {
                return Err(invalid(
                    &p.id,
                    "size",
                    format!(
                        "a population has 1 to {MAX_POPULATION_SIZE} members, got {}",
                        p.size
                    ),
                ));
            }
            check_model(&p.model).map_err(|e| invalid(&p.id, e.name(), e.to_string()))?;
            if let NeuronModel::Lif(m) = &p.model {
                if m.start_mv.is_some() {
                    return Err(invalid(
                        &p.id,
                        "start_mV",
                        "a population's members start from its `initial_mV`".into(),
                    ));
                }
                if m.neuronify.is_some() {
                    return Err(invalid(
                        &p.id,
                        "neuronify",
                        "only single neurons step as Neuronify's".into(),
                    ));
                }
            }
            let check = || -> Result<(), ParamError> {
                match p.initial_mv {
                    InitialPotential::Reset => Ok(()),
                    InitialPotential::Fixed(v) => in_range("initial_mV", v, -200.0, 100.0),
                    InitialPotential::Uniform(lo, hi) => {
                        in_range("initial_mV", lo, -200.0, 100.0)?;
                        in_range("initial_mV", hi, lo, 100.0)
                    }
                }
            };
            check().map_err(|e| invalid(&p.id, "initial_mV", e.to_string()))?;
        }

        let size_of = |id: &str| -> Option<u32> {
            self.populations
                .iter()
                .find(|p| p.id == id)
                .map(|p| p.size)
                .or_else(|| spike_sources.contains(id).then_some(1))
                .or_else(|| neurons.contains(id).then_some(1))
        };
        let mut total = 0.0;
        for p in &self.projections {
            let Some(pre) = size_of(&p.from) else {
                let why = if ids.contains(p.from.as_str()) {
                    format!(
                        "\"{}\" sends no spikes (current generators use `targets`)",
                        p.from
                    )
                } else {
                    format!("no item has the id \"{}\"", p.from)
                };
                return Err(invalid(&p.id, "from", why));
            };
            let is_target =
                self.populations.iter().any(|q| q.id == p.to) || neurons.contains(p.to.as_str());
            let post = match size_of(&p.to) {
                Some(n) if is_target => n,
                _ if ids.contains(p.to.as_str()) => {
                    return Err(invalid(
                        &p.id,
                        "to",
                        format!("\"{}\" is no neuron or population", p.to),
                    ));
                }
                _ => {
                    return Err(invalid(
                        &p.id,
                        "to",
                        format!("no item has the id \"{}\"", p.to),
                    ));
                }
            };
            let no_self = p.from == p.to && !p.autapses;
            p.rule
                .check(u64::from(pre), u64::from(post), no_self)
                .map_err(|why| invalid(&p.id, "rule", why))?;
            p.weight_na
                .check("weight_nA", 0.0, MAX_WEIGHT_NA)
                .map_err(|why| invalid(&p.id, "weight_nA", why))?;
            p.delay_ms
                .check("delay_ms", 0.0, to_milli(MAX_DELAY_S))
                .map_err(|why| invalid(&p.id, "delay_ms", why))?;
            positive("tau_ms", p.tau_ms).map_err(|e| invalid(&p.id, "tau_ms", e.to_string()))?;
            if p.stdp.is_some() && p.reward.is_some() {
                return Err(invalid(
                    &p.id,
                    "reward",
                    "a projection learns by one rule: give `stdp` or `reward`, not both".into(),
                ));
            }
            if (p.stdp.is_some() || p.reward.is_some()) && p.mode == SynapseMode::ImmediateFire {
                let field = if p.stdp.is_some() { "stdp" } else { "reward" };
                return Err(invalid(
                    &p.id,
                    field,
                    "an ImmediateFire projection has no weight to learn".into(),
                ));
            }
            let learning = || -> Result<(), ParamError> {
                if let Some(m) = &p.stdp {
                    m.validate()?;
                }
                if let Some(m) = &p.reward {
                    m.validate()?;
                }
                Ok(())
            };
            learning().map_err(|e| invalid(&p.id, e.name(), e.to_string()))?;
            let expected = p
                .rule
                .expected_synapses(u64::from(pre), u64::from(post), no_self);
            total += expected;
            if total > MAX_PROJECTED_SYNAPSES as f64 {
                return Err(invalid(
                    &p.id,
                    "rule",
                    format!(
                        "the projections would make about {total:.3e} synapses ({:.1} GB); this \
                         build holds at most {MAX_PROJECTED_SYNAPSES:.0e}",
                        total * 12.0 / 1e9
                    ),
                ));
            }
        }
        Ok(())
    }
}
