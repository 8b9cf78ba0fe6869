//! The learning block of the dense network: the learning synapses (pair-based STDP and
//! reward-modulated learning, see [`crate::sim::plasticity`]), where each one sits in the
//! synapse block, and which end at each neuron. It learns from the spikes of a step and writes
//! every changed weight into the synapse that delivers it.

use super::*;

/// No plastic synapse at this outgoing index.
const NOT_PLASTIC: u32 = u32::MAX;

#[derive(Debug, Clone, Default)]
pub(super) struct LearningBlock {
    pub(super) plastic: Vec<PlasticSynapse>,
    /// For each outgoing index its slot in `plastic` (empty when no synapse learns).
    plastic_of: Vec<u32>,
    /// For each neuron, the slots of the plastic synapses that end at it.
    plastic_in: Vec<Vec<u32>>,
    /// Whether any plastic synapse learns from reward (its eligibility needs every step).
    any_reward: bool,
    /// Scratch: which neurons fired in the present step, for the reward rule.
    fired_now: Vec<bool>,
}

impl LearningBlock {
    /// The learning block of `synapses` whose outgoing entities have a rule (with its EPSP
    /// τ) in `rules`, for a network of `n` neurons.
    pub(super) fn new(
        synapses: &SynapseBlock,
        rules: &EntityHashMap<(Rule, f64)>,
        n: usize,
    ) -> Self {
        let mut block = Self::default();
        if rules.is_empty() {
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
                j as u32,
                o.post,
                w.abs(),
                rule,
                epsp_tau_s,
            ));
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
                synapses.set_magnitude(p.out, p.w);
            }
        }
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

    /// A reward event: every reward-learning synapse changes by `α·(R − b)·e`.
    pub(super) fn reward(&mut self, reward: f64, synapses: &mut SynapseBlock) {
        for p in &mut self.plastic {
            if matches!(p.rule, Rule::Reward(_)) {
                p.reward(reward);
                synapses.set_magnitude(p.out, p.w);
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
