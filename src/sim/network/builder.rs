//! Building the dense network: items are pushed one by one (neurons before sources before
//! edges), synapses are merged into channels by time constant and sorted into the CSR.

use super::*;

/// Collects items one by one (neurons before sources before edges) into a [`Network`].
pub(crate) struct NetworkBuilder {
    net: Network,
    seed: u64,
    /// Synapses in arrival order, with their source index, before sorting into the CSR.
    pending: Vec<(Idx, Outgoing, Entity)>,
    /// Learning rules of plastic synapses with their EPSP τ, by synapse entity.
    pending_plastic: EntityHashMap<(Rule, f64)>,
    /// Most distinct synaptic time constants ([`MAX_CHANNELS`], lower in tests).
    pub(super) max_channels: usize,
}

impl NetworkBuilder {
    pub fn new(seed: u64) -> Self {
        Self {
            net: Network::default(),
            seed,
            pending: Vec::new(),
            pending_plastic: EntityHashMap::default(),
            max_channels: MAX_CHANNELS,
        }
    }

    fn push_source(&mut self, e: Entity) -> Idx {
        let i = self.net.source_entities.len() as Idx;
        self.net.source_entities.push(e);
        self.net.source_index.insert(e, i);
        i
    }

    pub fn push_lif(
        &mut self,
        e: Entity,
        p: &LifParams,
        v: f64,
        refractory_steps: u64,
        adaptation: Option<Adaptation>,
        burst: Option<BurstCurrent>,
    ) {
        assert!(
            self.net.hh.state.is_empty(),
            "LIF neurons come before HH neurons"
        );
        self.push_source(e);
        let l = &mut self.net.lif;
        l.v.push(v);
        l.resting.push(p.resting_v);
        l.resistance.push(p.resistance_ohm);
        l.capacitance.push(p.capacitance_f);
        l.threshold.push(p.threshold_v);
        l.reset.push(p.reset_v);
        l.start.push(p.reset_v);
        l.decay.push((-DT / p.tau_s()).exp());
        l.refractory_steps.push(refractory_steps);
        l.active_from.push(0);
        let a = adaptation.unwrap_or(Adaptation {
            increment_s: 0.0,
            tau_s: f64::INFINITY,
            conductance_s: 0.0,
        });
        l.adapt_increment.push(a.increment_s);
        l.adapt_decay.push((-DT / a.tau_s).exp());
        l.adapt_g.push(a.conductance_s);
        let bu = burst.unwrap_or(BurstCurrent {
            peak_a: 0.0,
            ramp_a_per_s: 0.0,
            current_a: 0.0,
        });
        l.burst_peak.push(bu.peak_a);
        l.burst_drop.push(bu.ramp_a_per_s * DT);
        l.burst_i.push(bu.current_a);
        self.net.n_lif += 1;
        if adaptation.is_none() && burst.is_none() {
            assert_eq!(
                self.net.n_plain + 1,
                self.net.n_lif,
                "plain LIF neurons come first"
            );
            self.net.n_plain += 1;
        }
    }

    /// Makes the LIF neuron just pushed start from `v` after a dynamics reset, instead of
    /// from its reset potential.
    pub fn set_start(&mut self, v: f64) {
        if let Some(start) = self.net.lif.start.last_mut() {
            *start = v;
        }
    }

    /// Puts the LIF neuron just pushed on Neuronify's stepping (`sim::neuronify`).
    pub fn set_neuronify(
        &mut self,
        refractory_s: f64,
        adaptation: Option<Adaptation>,
        clamp: Option<(f64, f64)>,
    ) {
        let Some(i) = self.net.n_lif.checked_sub(1) else {
            return;
        };
        let adapt_tau_s = adaptation.map_or(f64::INFINITY, |a| a.tau_s);
        self.net.neuronify.adopt(
            &mut self.net.lif,
            i as Idx,
            refractory_s,
            adapt_tau_s,
            clamp,
        );
    }

    /// Makes the LIF neuron just pushed fire by escape noise around its threshold.
    pub fn set_escape(&mut self, e: Entity, width_v: f64, max_rate_hz: f64, stable_id: &str) {
        let Some(i) = self.neuron(e).filter(|&i| (i as usize) < self.net.n_lif) else {
            warn!("{e} has escape noise but is no integrate-and-fire neuron");
            return;
        };
        let threshold = &mut self.net.lif.threshold[i as usize];
        let rate = EscapeRate {
            threshold_v: *threshold,
            width_v,
            max_rate_hz,
        };
        *threshold = f64::INFINITY;
        let rng = generator_rng(self.seed, &format!("{stable_id}/escape"));
        self.net.escape.neurons.push(EscapeNeuron {
            neuron: i,
            rate,
            rate_hz: 0.0,
            initial_rng: rng.clone(),
            rng,
        });
    }

    pub fn push_hh(&mut self, e: Entity, area_cm2: f64, state: HhState) {
        self.push_source(e);
        self.net.hh.state.push(state);
        // A → µA, divided by the area in cm².
        self.net.hh.density_per_amp.push(1e6 / area_cm2);
    }

    /// A regular generator; `neuronify_clock`: on Neuronify's clock (`sim::NeuronifyClock`).
    pub fn push_regular(&mut self, e: Entity, rate_hz: f64, neuronify_clock: bool) {
        let source = self.push_source(e);
        self.net.sources.regular.push(RegularGenerator {
            source,
            per_step: rate_hz * DT,
            phase: 0.0,
            neuronify_period_s: neuronify_clock.then(|| 1.0 / rate_hz),
        });
    }

    pub fn push_poisson(&mut self, e: Entity, rate_hz: f64, stable_id: &str) {
        let source = self.push_source(e);
        let rng = generator_rng(self.seed, stable_id);
        self.net.sources.poisson.push(PoissonGenerator {
            source,
            probability: rate_hz * DT,
            initial_rng: rng.clone(),
            rng,
        });
    }

    pub fn push_touch(&mut self, e: Entity, repeat_hz: f64, reward: Option<f64>) {
        let source = self.push_source(e);
        self.net.sources.touch.push(TouchState {
            source,
            reward,
            per_step: repeat_hz * DT,
            held: false,
            pending_press: false,
            phase: 0.0,
        });
    }

    fn neuron(&self, e: Entity) -> Option<Idx> {
        let &i = self.net.source_index.get(&e)?;
        ((i as usize) < self.net.neuron_count()).then_some(i)
    }

    pub fn push_dc(&mut self, edge: Entity, target: Entity, current: f64) {
        match self.neuron(target) {
            Some(target) => self.net.sources.dc.push(DcInput { target, current }),
            None => warn!("current edge {edge} ends at {target}, which is no neuron"),
        }
    }

    pub fn push_ac(
        &mut self,
        edge: Entity,
        target: Entity,
        amplitude: f64,
        frequency_hz: f64,
        phase: f64,
    ) {
        match self.neuron(target) {
            Some(target) => self.net.sources.ac.push(AcInput {
                target,
                amplitude,
                omega: std::f64::consts::TAU * frequency_hz,
                phase,
            }),
            None => warn!("current edge {edge} ends at {target}, which is no neuron"),
        }
    }

    /// The channel of the additive (or `saturating`) synapses with time constant `tau_s`,
    /// made if it is new; `None` when the network already holds `max_channels` of them (a
    /// channel index is a `u16`).
    fn channel_for(&mut self, tau_s: f64, decay: f64, saturating: bool) -> Option<u16> {
        let channels = &mut self.net.synapses.channels;
        let index = match channels
            .iter()
            .position(|c| c.tau_s.to_bits() == tau_s.to_bits() && c.saturating == saturating)
        {
            Some(c) => c,
            None if channels.len() < self.max_channels => {
                channels.push(Channel::new(tau_s, decay, saturating));
                channels.len() - 1
            }
            None => return None,
        };
        u16::try_from(index).ok()
    }

    /// Adds a synapse on Neuronify's stepping (`sim::neuronify`), starting from `state`. An
    /// immediate-fire edge into a neuron that is stepped exactly forces its spike instead.
    pub fn push_neuronify_synapse(
        &mut self,
        e: Entity,
        syn: Synapse,
        k: SynapseKinetics,
        delay_s: f64,
        sign: f64,
        state: crate::sim::NeuronifySynapse,
    ) {
        let (Some(&pre), Some(post)) = (self.net.source_index.get(&syn.pre), self.neuron(syn.post))
        else {
            warn!("synapse {e} does not join a spike source to a neuron");
            return;
        };
        let immediate = k.mode == SynapseMode::ImmediateFire;
        if immediate && !self.net.neuronify.steps(post) {
            self.push_synapse(e, syn, k, 0, sign);
            return;
        }
        let weight = sign * k.weight_a;
        self.net.neuronify.push_synapse(
            e,
            pre,
            post,
            weight,
            k.tau_s,
            delay_s.clamp(0.0, MAX_DELAY_S),
            immediate,
            state,
        );
    }

    pub fn push_synapse(
        &mut self,
        e: Entity,
        syn: Synapse,
        k: SynapseKinetics,
        delay_steps: u64,
        sign: f64,
    ) {
        let Some(&pre) = self.net.source_index.get(&syn.pre) else {
            warn!(
                "synapse {e} starts at {}, which is no spike source",
                syn.pre
            );
            return;
        };
        let Some(post) = self.neuron(syn.post) else {
            warn!("synapse {e} ends at {}, which is no neuron", syn.post);
            return;
        };
        let weight = sign * k.weight_a;
        let decay = (-DT / k.tau_s).exp();
        let saturating = k.mode == SynapseMode::Saturate;
        let channel = match k.mode {
            SynapseMode::ImmediateFire => 0,
            _ => match self.channel_for(k.tau_s, decay, saturating) {
                Some(channel) => channel,
                None => {
                    warn!(
                        "synapse {e} is left out: a network holds at most {} distinct synaptic \
                         time constants",
                        self.max_channels
                    );
                    return;
                }
            },
        };
        let effect = match k.mode {
            SynapseMode::Add => Effect::Add { channel, weight },
            SynapseMode::Saturate => {
                let saturating = &mut self.net.synapses.saturating;
                saturating.push(SaturatingSynapse {
                    post,
                    channel,
                    weight,
                    decay,
                    current: 0.0,
                    entity: e,
                });
                Effect::Saturate {
                    slot: saturating.len() as u32 - 1,
                }
            }
            SynapseMode::ImmediateFire => Effect::Fire,
        };
        let delay_steps = delay_steps.min((RING_SLOTS - 1) as u64) as u16;
        self.pending
            .push((pre, Outgoing::new(post, delay_steps, effect), e));
    }

    /// Notes that the members of `population` are the `size` neurons pushed last.
    pub fn mark_population(&mut self, population: Entity, size: u32) {
        let first = (self.net.neuron_count() as u32).saturating_sub(size);
        self.net.populations.insert(population, (first, size));
    }

    /// The dense indices of an item as a group: a population's members, or one item.
    fn group(&self, e: Entity) -> Option<(Idx, u32)> {
        self.net
            .populations
            .get(&e)
            .copied()
            .or_else(|| self.net.source_index.get(&e).map(|&i| (i, 1)))
    }

    /// Expands a projection into compact arrays, deterministically from the seed and its
    /// stable id: the connections, then the weights and delays where they are drawn.
    /// `poisson_hz`: the source is a Poisson generator, and every synapse gets its own train.
    pub fn push_projection(
        &mut self,
        e: Entity,
        stable_id: &str,
        proj: &Projection,
        sign: f64,
        poisson_hz: Option<f64>,
    ) {
        let Some((pre_first, pre_count)) = self.group(proj.from) else {
            warn!(
                "projection {stable_id} starts at {}, which is no spike source",
                proj.from
            );
            return;
        };
        let n_neurons = self.net.neuron_count();
        let Some((post_first, post_count)) = self
            .group(proj.to)
            .filter(|&(first, count)| (first + count) as usize <= n_neurons)
        else {
            warn!(
                "projection {stable_id} ends at {}, which holds no neurons",
                proj.to
            );
            return;
        };
        let decay = (-DT / proj.tau_s).exp();
        let saturating = proj.mode == SynapseMode::Saturate;
        let channel = match proj.mode {
            SynapseMode::ImmediateFire => 0,
            _ => match self.channel_for(proj.tau_s, decay, saturating) {
                Some(channel) => channel,
                None => {
                    warn!(
                        "projection {stable_id} is left out: a network holds at most {} \
                         distinct synaptic time constants",
                        self.max_channels
                    );
                    return;
                }
            },
        };
        let effect = match proj.mode {
            SynapseMode::Add => ProjectionEffect::Add { channel },
            SynapseMode::Saturate => {
                self.net.synapses.any_saturating_projection = true;
                ProjectionEffect::Saturate {
                    channel,
                    decay,
                    current: Vec::new(),
                }
            }
            SynapseMode::ImmediateFire => ProjectionEffect::Fire,
        };
        let stream = |what: &str| generator_rng(self.seed, &format!("{stable_id}/{what}"));
        let population::DrawnSynapses {
            pairs: population::Expanded { start, mut post },
            weights_a,
            delays_s,
        } = proj.draw(pre_count, post_count, stream);
        for t in &mut post {
            *t += post_first;
        }
        let n = post.len();
        // A spike that forces firing has no weight to learn.
        let learning = proj
            .learning
            .filter(|_| !matches!(effect, ProjectionEffect::Fire))
            .map(|rule| (rule, proj.tau_s));
        let fixed = || proj.weight_a.fixed().unwrap_or_default();
        let weights = match weights_a {
            Some(w) => Weights::PerSynapse(w.into_iter().map(|w| sign * w).collect()),
            // Learning synapses each keep their own weight.
            None if learning.is_some() => Weights::PerSynapse(vec![sign * fixed(); post.len()]),
            None => Weights::Fixed(sign * fixed()),
        };
        let max_steps = (RING_SLOTS - 1) as f64;
        let steps = |seconds: f64| (seconds / DT).round().clamp(0.0, max_steps);
        let delays = match delays_s {
            Some(d) => Delays::PerSynapse(d.into_iter().map(|d| steps(d) as u16).collect()),
            None => Delays::Fixed(steps(proj.delay_s.fixed().unwrap_or_default()) as u32),
        };
        let effect = match effect {
            ProjectionEffect::Saturate { channel, decay, .. } => ProjectionEffect::Saturate {
                channel,
                decay,
                current: vec![0.0; n],
            },
            other => other,
        };
        let trains = poisson_hz.map(|hz| IndependentTrains::new(hz, n, stream("trains")));
        self.net.synapses.projections.push(ProjectionBlock {
            entity: e,
            pre_first,
            pre_count,
            start,
            post,
            weights,
            delays,
            effect,
            trains,
            learning,
            weight_spec: proj.weight_a,
        });
    }

    /// Makes a pushed synapse learn with `rule`; `epsp_tau_s` is its own time constant.
    pub fn set_plastic(&mut self, synapse: Entity, rule: Rule, epsp_tau_s: f64) {
        self.pending_plastic.insert(synapse, (rule, epsp_tau_s));
    }

    pub fn set_recorded(&mut self, entities: &[Entity]) {
        for &e in entities {
            match self.neuron(e) {
                Some(i) => self.net.recorded.push((e, i)),
                None => warn!("{e} is marked for voltage recording but is no neuron"),
            }
        }
    }

    pub fn finish(mut self) -> Network {
        let n = self.net.neuron_count();
        let sources = self.net.source_entities.len();
        self.net.escape.index(n);
        self.net.input = vec![0.0; n];
        let synapses = &mut self.net.synapses;
        for c in &mut synapses.channels {
            c.scaled = vec![0.0; n];
        }
        let channels = &self.net.synapses.channels;
        self.net.lif.prepare_segments(channels, self.net.n_plain);
        self.net.hh.prepare_channel_decay(channels);
        let synapses = &mut self.net.synapses;
        synapses.forced = vec![false; n];
        // Stable sort keeps the synapses of one source in entity order.
        self.pending.sort_by_key(|(pre, ..)| *pre);
        let mut start = vec![0u32; sources + 1];
        for (pre, ..) in &self.pending {
            start[*pre as usize + 1] += 1;
        }
        for s in 0..sources {
            start[s + 1] += start[s];
        }
        synapses.out = self.pending.iter().map(|p| p.1).collect();
        synapses.out_post = synapses.out.iter().map(|o| o.post).collect();
        synapses.out_uniform = start
            .windows(2)
            .map(|w| uniform_row(&synapses.out[w[0] as usize..w[1] as usize]))
            .collect();
        synapses.out_start = start;
        synapses.out_entity = self.pending.iter().map(|p| p.2).collect();
        self.net.learning = LearningBlock::new(&self.net.synapses, &self.pending_plastic, n);
        self.net.neuronify.finish(n, sources);
        self.net
    }
}
