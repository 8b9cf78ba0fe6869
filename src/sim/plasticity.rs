//! Learning synapses: pair-based spike-timing-dependent plasticity as a component on synapse
//! entities. Each plastic synapse keeps a presynaptic trace `x` (raised by 1 when a spike
//! arrives, decaying with τ₊) and a postsynaptic trace `y` (raised by 1 when its target fires,
//! decaying with τ₋). A postsynaptic spike potentiates by `A₊·x`, an arriving presynaptic
//! spike depresses by `A₋·y`, so a pair Δt = t_post − t_pre apart changes the weight by
//! `+A₊·w_max·e^(−Δt/τ₊)` (Δt > 0) or `−A₋·w_max·e^(Δt/τ₋)` (Δt < 0) with hard bounds.
//! Soft bounds scale potentiation by `(w_max − w)/w_max` and depression by `w/w_max`.
//! Weights stay in `[0, w_max]`; the sign of the source (inhibitory or not) is kept apart.
//! The spike time of a presynaptic spike is its arrival at the synapse (after the delay).
//!
//! The same dense state serves the reward-modulated rule of [`super::reward`]: there `x` is
//! the presynaptic EPSP trace ε (decaying with the synapse's own τ) and the eligibility
//! integrates `D_post·ε` until a reward event turns it into a weight change.

use bevy::prelude::*;

use super::DT;
use super::params::{ParamError, in_range, positive};
use super::reward::RewardLearning;

/// Pair-based STDP of one synapse, in SI units.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct Stdp {
    /// Potentiation per pairing at Δt → 0⁺, as a fraction of `w_max_a`.
    pub a_plus: f64,
    /// Depression per pairing at Δt → 0⁻, as a fraction of `w_max_a`.
    pub a_minus: f64,
    pub tau_plus_s: f64,
    pub tau_minus_s: f64,
    /// The largest weight (A); the smallest is 0.
    pub w_max_a: f64,
    /// Soft bounds: changes shrink as the weight nears a bound.
    pub soft: bool,
}

impl Stdp {
    pub fn validate(&self) -> Result<(), ParamError> {
        in_range("a_plus", self.a_plus, 0.0, 1.0)?;
        in_range("a_minus", self.a_minus, 0.0, 1.0)?;
        positive("tau_plus_s", self.tau_plus_s)?;
        positive("tau_minus_s", self.tau_minus_s)?;
        positive("w_max_A", self.w_max_a)
    }
}

/// The learning rule of a plastic synapse.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    Pairs(Stdp),
    Reward(RewardLearning),
}

impl Rule {
    fn w_max_a(&self) -> f64 {
        match self {
            Rule::Pairs(r) => r.w_max_a,
            Rule::Reward(r) => r.w_max_a,
        }
    }
}

/// Where a plastic synapse's weight lives in the dense network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WeightAt {
    /// A synapse entity: its index in the network's outgoing list.
    Outgoing(u32),
    /// Synapse `synapse` of the network's projection `projection`.
    Projection { projection: u32, synapse: u32 },
}

/// The dense state of one plastic synapse inside the network.
#[derive(Debug, Clone)]
pub(crate) struct PlasticSynapse {
    /// The synapse entity, or the projection entity for a projection's synapse.
    pub entity: Entity,
    pub at: WeightAt,
    pub post: u32,
    /// Weight magnitude (A).
    pub w: f64,
    /// Presynaptic trace: STDP's x, or the reward rule's EPSP ε.
    pub x: f64,
    /// Postsynaptic trace (STDP only).
    pub y: f64,
    /// Eligibility (reward rule only), in 1/mV.
    pub eligibility: f64,
    decay_x: f64,
    decay_y: f64,
    pub rule: Rule,
}

impl PlasticSynapse {
    /// `epsp_tau_s` is the synapse's own time constant, the reward rule's ε kernel.
    pub fn new(
        entity: Entity,
        at: WeightAt,
        post: u32,
        w: f64,
        rule: Rule,
        epsp_tau_s: f64,
    ) -> Self {
        let (decay_x, decay_y) = match rule {
            Rule::Pairs(r) => ((-DT / r.tau_plus_s).exp(), (-DT / r.tau_minus_s).exp()),
            Rule::Reward(r) => ((-DT / epsp_tau_s).exp(), (-DT / r.tau_e_s).exp()),
        };
        Self {
            entity,
            at,
            post,
            w: w.clamp(0.0, rule.w_max_a()),
            x: 0.0,
            y: 0.0,
            eligibility: 0.0,
            decay_x,
            decay_y,
            rule,
        }
    }

    /// Forgets the recent spike history; the weight stays.
    pub fn clear_traces(&mut self) {
        (self.x, self.y, self.eligibility) = (0.0, 0.0, 0.0);
    }

    /// One step of trace decay; for the reward rule also of eligibility, which then gains
    /// `D_post·ε` (`factor` is the postsynaptic factor D of this step, in 1/mV).
    pub fn decay(&mut self, factor: f64) {
        self.x *= self.decay_x;
        match self.rule {
            Rule::Pairs(_) => self.y *= self.decay_y,
            Rule::Reward(_) => {
                self.eligibility = self.eligibility * self.decay_y + factor * self.x;
            }
        }
    }

    /// A reward event: the weight moves by `α·(R − b)·e` within its bounds.
    pub fn reward(&mut self, reward: f64) {
        if let Rule::Reward(r) = &self.rule {
            self.w = r.rewarded_weight(self.w / r.w_max_a, self.eligibility, reward) * r.w_max_a;
        }
    }

    /// The target fired: potentiate by the presynaptic trace, then count the spike.
    pub fn on_post_spike(&mut self) {
        let Rule::Pairs(r) = &self.rule else {
            return;
        };
        let room = if r.soft {
            (r.w_max_a - self.w) / r.w_max_a
        } else {
            1.0
        };
        self.w = (self.w + r.a_plus * r.w_max_a * room * self.x).min(r.w_max_a);
        self.y += 1.0;
    }

    /// A presynaptic spike arrived: depress by the postsynaptic trace, then count it.
    pub fn on_pre_arrival(&mut self) {
        let Rule::Pairs(r) = &self.rule else {
            self.x += 1.0;
            return;
        };
        let scale = if r.soft { self.w / r.w_max_a } else { 1.0 };
        self.w = (self.w - r.a_minus * r.w_max_a * scale * self.y).max(0.0);
        self.x += 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(soft: bool) -> Stdp {
        Stdp {
            a_plus: 0.01,
            a_minus: 0.012,
            tau_plus_s: 0.02,
            tau_minus_s: 0.02,
            w_max_a: 1e-9,
            soft,
        }
    }

    #[test]
    fn hard_and_soft_bounds_hold_the_weight_in_range() {
        let mut p = PlasticSynapse::new(
            Entity::PLACEHOLDER,
            WeightAt::Outgoing(0),
            0,
            0.99e-9,
            Rule::Pairs(rule(false)),
            0.005,
        );
        for _ in 0..100 {
            p.x = 1.0;
            p.on_post_spike();
        }
        assert_eq!(p.w, 1e-9, "hard bound at w_max");
        for _ in 0..500 {
            p.y = 1.0;
            p.on_pre_arrival();
        }
        assert_eq!(p.w, 0.0, "hard bound at 0");
        let mut soft = PlasticSynapse::new(
            Entity::PLACEHOLDER,
            WeightAt::Outgoing(0),
            0,
            0.5e-9,
            Rule::Pairs(rule(true)),
            0.005,
        );
        for _ in 0..1000 {
            soft.x = 1.0;
            soft.on_post_spike();
        }
        assert!(
            soft.w < 1e-9 && soft.w > 0.99e-9,
            "soft bound approached: {}",
            soft.w
        );
        assert!(rule(true).validate().is_ok());
        assert!(
            Stdp {
                a_plus: 2.0,
                ..rule(true)
            }
            .validate()
            .is_err()
        );
    }
}
