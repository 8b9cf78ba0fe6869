//! The learning block of the dense network: the learning synapses (pair-based STDP and
//! reward-modulated learning, see [`crate::sim::plasticity`]) — synapse entities and the
//! synapses of learning projections alike — where each one's weight sits in the synapse
//! block, and which end at each neuron. It learns from the spikes of a step and writes every
//! changed weight into the synapse that delivers it.

use super::*;

/// No plastic synapse at this outgoing index.
const NOT_PLASTIC: u32 = u32::MAX;

#[derive(Debug, Clone, Default)]
pub(super) struct LearningBlock {
    pub(super) plastic: Vec<PlasticSynapse>,
    /// For each outgoing index its slot in `plastic` (empty when no synapse learns).
    plastic_of: Vec<u32>,
    /// For each projection the slot of its synapse 0 (its synapses follow in order), or
    /// `NOT_PLASTIC` (empty when no projection learns).
    projection_first: Vec<u32>,
    /// For each neuron, the slots of the plastic synapses that end at it.
    plastic_in: Vec<Vec<u32>>,
    /// Whether any plastic synapse learns from reward (its eligibility needs every step).
    any_reward: bool,
    /// Scratch: which neurons fired in the present step, for the reward rule.
    fired_now: Vec<bool>,
}

impl LearningBlock {
    /// The learning block of `synapses` whose outgoing entities have a rule (with its EPSP
    /// τ) in `rules`, and of the projections that learn, for a network of `n` neurons.
    pub(super) fn new(
        synapses: &SynapseBlock,
        rules: &EntityHashMap<(Rule, f64)>,
        n: usize,
    ) -> Self {
        let mut block = Self::default();
        let projections_learn = synapses.projections.iter().any(|p| p.learning.is_some());
        if rules.is_empty() && !projections_learn {
            return block;
        }
        block.plastic_of = vec![NOT_PLASTIC; synapses.out.len()];
        for (j, (o, e)) in synapses.out.iter().zip(&synapses.out_entity).enumerate() {
            let Some(&(rule, epsp_tau_s)) = rules.get(e) else {
                continue;
            };
            // A spike that forces firing has no weight to learn.
            let Some(w) = synapses.weight(j as u32) else {
                continue;
            };
            block.plastic_of[j] = block.plastic.len() as u32;
            block.plastic.push(PlasticSynapse::new(
                *e,
                WeightAt::Outgoing(j as u32),
                o.post,
                w.abs(),
                rule,
                epsp_tau_s,
            ));
        }
        block.projection_first = vec![NOT_PLASTIC; synapses.projections.len()];
        for (k, proj) in synapses.projections.iter().enumerate() {
            let Some((rule, epsp_tau_s)) = proj.learning else {
                continue;
            };
            block.projection_first[k] = block.plastic.len() as u32;
            for (j, &post) in proj.post.iter().enumerate() {
                let at = WeightAt::Projection {
                    projection: k as u32,
                    synapse: j as u32,
                };
                let w = proj.weights.of(j).abs();
                let synapse = PlasticSynapse::new(proj.entity, at, post, w, rule, epsp_tau_s);
                block.plastic.push(synapse);
            }
        }
        block.any_reward = block
            .plastic
            .iter()
            .any(|p| matches!(p.rule, Rule::Reward(_)));
        block.fired_now = vec![false; n];
        block.plastic_in = vec![Vec::new(); n];
        for (k, p) in block.plastic.iter().enumerate() {
            block.plastic_in[p.post as usize].push(k as u32);
        }
        block
    }

    /// First half of a step of learning, given the sources that spiked (`spiked`, neurons
    /// below `n`): traces decay, reward-learning synapses gain eligibility from this step's
    /// postsynaptic factor, and STDP synapses onto neurons that fired now are potentiated by
    /// their presynaptic traces.
    pub(super) fn learn_from_post_spikes(
        &mut self,
        spiked: &[Idx],
        n: Idx,
        escape: &EscapeBlock,
        synapses: &mut SynapseBlock,
    ) {
        if self.plastic.is_empty() {
            return;
        }
        if self.any_reward {
            for &s in spiked.iter().filter(|&&s| s < n) {
                self.fired_now[s as usize] = true;
            }
        }
        let fired = &self.fired_now;
        for p in &mut self.plastic {
            let factor = match p.rule {
                Rule::Pairs(_) => 0.0,
                Rule::Reward(rule) => {
                    let post = p.post as usize;
                    rule.postsynaptic_factor(escape.noise_of(post), fired[post], DT)
                }
            };
            p.decay(factor);
        }
        if self.any_reward {
            self.fired_now.fill(false);
        }
        for &s in spiked.iter().filter(|&&s| s < n) {
            for &k in &self.plastic_in[s as usize] {
                let p = &mut self.plastic[k as usize];
                p.on_post_spike();
                synapses.set_plastic_weight(p.at, p.w);
            }
        }
    }

    /// Whether any synapse may learn (false: no arrival needs telling).
    pub(super) fn synapses_learn(&self) -> bool {
        !self.plastic_of.is_empty()
    }

    /// A spike arrives at outgoing synapse `j`: if it learns, it depresses by its
    /// postsynaptic trace.
    pub(super) fn on_pre_arrival(&mut self, j: u32, synapses: &mut SynapseBlock) {
        if let Some(&k) = self.plastic_of.get(j as usize)
            && k != NOT_PLASTIC
        {
            let p = &mut self.plastic[k as usize];
            p.on_pre_arrival();
            synapses.set_magnitude(j, p.w);
        }
    }

    /// A spike arrives at synapse `j` of projection `p`: if it learns, it depresses by its
    /// postsynaptic trace.
    pub(super) fn on_projection_arrival(
        &mut self,
        p: usize,
        j: usize,
        synapses: &mut SynapseBlock,
    ) {
        if let Some(&first) = self.projection_first.get(p)
            && first != NOT_PLASTIC
        {
            let s = &mut self.plastic[first as usize + j];
            s.on_pre_arrival();
            synapses.set_plastic_weight(s.at, s.w);
        }
    }

    /// The learning state of projection `p`'s synapses, in synapse order (empty when it does
    /// not learn).
    pub(super) fn of_projection(&self, p: usize, synapses: usize) -> &[PlasticSynapse] {
        match self.projection_first.get(p) {
            Some(&first) if first != NOT_PLASTIC => {
                &self.plastic[first as usize..first as usize + synapses]
            }
            _ => &[],
        }
    }

    /// As [`Self::of_projection`], to change.
    pub(super) fn of_projection_mut(&mut self, p: usize, synapses: usize) -> &mut [PlasticSynapse] {
        match self.projection_first.get(p) {
            Some(&first) if first != NOT_PLASTIC => {
                &mut self.plastic[first as usize..first as usize + synapses]
            }
            _ => &mut [],
        }
    }

    /// A reward event: every reward-learning synapse changes by `α·(R − b)·e`.
    pub(super) fn reward(&mut self, reward: f64, synapses: &mut SynapseBlock) {
        for p in &mut self.plastic {
            if matches!(p.rule, Rule::Reward(_)) {
                p.reward(reward);
                synapses.set_plastic_weight(p.at, p.w);
            }
        }
    }

    /// What was learned stays learned; only the recent spike history goes.
    pub(super) fn reset(&mut self) {
        for p in &mut self.plastic {
            p.clear_traces();
        }
    }
}
