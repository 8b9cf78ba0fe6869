//! The dense simulation cache: structure-of-arrays copies of every neuron, source and synapse,
//! a CSR of outgoing synapses and a delay ring buffer. It is rebuilt from the entities whenever
//! their topology or parameters change (carrying the dynamic state over by entity), stepped by
//! the `SimStep` phase systems, and written back to the components after every tick.

use bevy::ecs::entity::EntityHashMap;
use bevy::prelude::*;
use rand::Rng;
use rand_pcg::Pcg64;

use super::DT;
use super::components::*;
use super::escape::EscapeRate;
use super::hh::{self, HhGates, HhState};
use super::plasticity::{PlasticSynapse, Rule};

/// No plastic synapse at this outgoing index.
const NOT_PLASTIC: u32 = u32::MAX;
/// This neuron fires deterministically.
const NOT_ESCAPE: u32 = u32::MAX;

/// Index of a neuron in the dense arrays. Neurons also occupy source indices `0..n_neurons`.
type Idx = u32;

mod builder;
mod carry;
mod neurons;
mod sources;
mod synapses;
#[cfg(test)]
mod tests;

pub(crate) use builder::NetworkBuilder;
use neurons::*;
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
#[derive(Resource, Debug, Clone)]
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
    channels: Vec<Channel>,
    saturating: Vec<SaturatingSynapse>,
    forced: Vec<bool>,
    /// Whether any entry of `forced` is set, so the common step skips scanning it.
    any_forced: bool,
    /// Scratch: LIF neurons that fire in the present step.
    firing: Vec<Idx>,
    regular: Vec<RegularGenerator>,
    poisson: Vec<PoissonGenerator>,
    touch: Vec<TouchState>,
    dc: Vec<DcInput>,
    ac: Vec<AcInput>,
    out_start: Vec<u32>,
    out: Vec<Outgoing>,
    out_entity: Vec<Entity>,
    ring: Vec<Vec<u32>>,
    /// Scratch: total input current per neuron in the present step.
    input: Vec<f64>,
    /// Source indices that spiked in the present step.
    spiked: Vec<Idx>,
    /// Neurons whose voltage trace is recorded, with their index.
    recorded: Vec<(Entity, Idx)>,
    /// HH voltages (mV) at the start of the present step, for crossing detection.
    hh_before: Vec<f64>,
    /// Learning synapses, and for each outgoing index its slot there (empty when none).
    plastic: Vec<PlasticSynapse>,
    plastic_of: Vec<u32>,
    /// For each neuron, the slots of the plastic synapses that end at it.
    plastic_in: Vec<Vec<u32>>,
    /// Whether any plastic synapse learns from reward (its eligibility needs every step).
    any_reward: bool,
    /// Scratch: which neurons fired in the present step, for the reward rule.
    fired_now: Vec<bool>,
    escape: Vec<EscapeNeuron>,
    /// For each neuron its slot in `escape`, or `NOT_ESCAPE` (empty when there are none).
    escape_of: Vec<u32>,
}

impl Default for Network {
    fn default() -> Self {
        Self::empty()
    }
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
    fn empty() -> Self {
        Self {
            source_entities: Vec::new(),
            source_index: EntityHashMap::default(),
            n_lif: 0,
            n_plain: 0,
            lif: LifBlock::default(),
            hh: HhBlock::default(),
            channels: Vec::new(),
            saturating: Vec::new(),
            forced: Vec::new(),
            any_forced: false,
            firing: Vec::new(),
            regular: Vec::new(),
            poisson: Vec::new(),
            touch: Vec::new(),
            dc: Vec::new(),
            ac: Vec::new(),
            out_start: vec![0],
            out: Vec::new(),
            out_entity: Vec::new(),
            ring: vec![Vec::new(); RING_SLOTS],
            input: Vec::new(),
            spiked: Vec::new(),
            recorded: Vec::new(),
            hh_before: Vec::new(),
            plastic: Vec::new(),
            plastic_of: Vec::new(),
            plastic_in: Vec::new(),
            any_reward: false,
            fired_now: Vec::new(),
            escape: Vec::new(),
            escape_of: Vec::new(),
        }
    }

    pub fn neuron_count(&self) -> usize {
        self.n_lif + self.hh.state.len()
    }

    pub fn synapse_count(&self) -> usize {
        self.out.len()
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

    /// Total synaptic current (A) flowing into a neuron from its additive channels.
    pub fn synaptic_current(&self, entity: Entity) -> Option<f64> {
        let i = *self.source_index.get(&entity)? as usize;
        (i < self.neuron_count()).then(|| self.channels.iter().map(|c| c.current[i]).sum())
    }

    /// How many touch sensors are held down now.
    pub fn touch_sensors_held(&self) -> usize {
        self.touch.iter().filter(|t| t.held).count()
    }

    /// Presses or releases a touch sensor; a press fires it at the next step, and gives its
    /// reward (if it has one) at once.
    pub fn set_touch(&mut self, sensor: Entity, pressed: bool) -> bool {
        let Some(&s) = self.source_index.get(&sensor) else {
            return false;
        };
        let Some(t) = self.touch.iter_mut().find(|t| t.source == s) else {
            return false;
        };
        let press = pressed && !t.held;
        if press {
            t.pending_press = true;
            t.phase = 0.0;
        }
        t.held = pressed;
        if let (true, Some(reward)) = (press, t.reward) {
            self.reward(reward);
        }
        true
    }

    /// A reward event: every reward-learning synapse changes by `α·(R − b)·e`.
    pub fn reward(&mut self, reward: f64) {
        for k in 0..self.plastic.len() {
            if matches!(self.plastic[k].rule, Rule::Reward(_)) {
                self.plastic[k].reward(reward);
                self.apply_weight(k);
            }
        }
    }

    /// Sets the rate of a Poisson source without a rebuild (place cells follow the animal).
    pub fn set_poisson_rate(&mut self, source: Entity, rate_hz: f64) -> bool {
        let Some(&s) = self.source_index.get(&source) else {
            return false;
        };
        match self.poisson.iter_mut().find(|g| g.source == s) {
            Some(g) => {
                g.probability = rate_hz * DT;
                true
            }
            None => false,
        }
    }

    /// Eligibility of each reward-learning synapse (1/mV), by entity.
    pub fn eligibilities(&self) -> impl Iterator<Item = (Entity, f64)> + '_ {
        self.plastic
            .iter()
            .filter(|p| matches!(p.rule, Rule::Reward(_)))
            .map(|p| (p.entity, p.eligibility))
    }

    // ---- phases -------------------------------------------------------------------------

    /// Stimulus phase: generators and sensors decide their spikes; current sources inject.
    pub(crate) fn stimulus(&mut self, step: u64) {
        self.spiked.clear();
        for g in &mut self.regular {
            g.phase += g.per_step;
            // Tolerance absorbs the rounding of repeated additions of rate·dt.
            if g.phase >= 1.0 - 1e-9 {
                g.phase -= 1.0;
                self.spiked.push(g.source);
            }
        }
        for g in &mut self.poisson {
            if g.rng.random::<f64>() < g.probability {
                self.spiked.push(g.source);
            }
        }
        for t in &mut self.touch {
            if t.pending_press {
                t.pending_press = false;
                self.spiked.push(t.source);
            } else if t.held && t.per_step > 0.0 {
                t.phase += t.per_step;
                if t.phase >= 1.0 - 1e-9 {
                    t.phase -= 1.0;
                    self.spiked.push(t.source);
                }
            }
        }
        // The first channel initialises the input, saving a separate clearing pass.
        match self.channels.split_first_mut() {
            Some((first, rest)) => {
                let decay = first.decay;
                for (i, cur) in self.input.iter_mut().zip(first.current.iter_mut()) {
                    *i = *cur;
                    *cur *= decay;
                }
                for c in rest {
                    let decay = c.decay;
                    for (i, cur) in self.input.iter_mut().zip(c.current.iter_mut()) {
                        *i += *cur;
                        *cur *= decay;
                    }
                }
            }
            None => self.input.fill(0.0),
        }
        for d in &self.dc {
            self.input[d.target as usize] += d.current;
        }
        let t = step as f64 * DT;
        for a in &self.ac {
            self.input[a.target as usize] += a.amplitude * (a.omega * t + a.phase).sin();
        }
        for s in &mut self.saturating {
            self.input[s.post as usize] += s.current;
            s.current *= s.decay;
        }
        if self.any_forced {
            // An HH membrane cannot be reset by decree: an immediate-fire edge gives it a
            // one-step kick that starts a real action potential.
            for (k, per_amp) in self.hh.density_per_amp.iter().enumerate() {
                let i = self.n_lif + k;
                if self.forced[i] {
                    self.input[i] += hh::KICK_UA_PER_CM2 / per_amp;
                }
            }
        }
    }

    /// Integrate phase: advance every membrane from t to t+dt with inputs held constant.
    pub(crate) fn integrate(&mut self, step: u64) {
        let (lif_input, hh_input) = self.input.split_at(self.n_lif);
        self.lif.integrate(lif_input, self.n_plain, step);
        self.hh.integrate(hh_input, &mut self.hh_before);
    }

    /// Threshold/reset phase: LIF fires on `V > V_th`, HH on an upward crossing of 0 mV.
    pub(crate) fn threshold(&mut self, step: u64) {
        let n = self.n_lif;
        // Compare in blocks of 8 without branches; only blocks with a crossing are scanned.
        const BLOCK: usize = 8;
        let (v, th) = (&self.lif.v[..n], &self.lif.threshold[..n]);
        for (b, (vb, tb)) in v.chunks(BLOCK).zip(th.chunks(BLOCK)).enumerate() {
            if vb.iter().zip(tb).fold(false, |any, (v, t)| any | (v > t)) {
                let crossed = vb.iter().zip(tb).enumerate().filter(|(_, (v, t))| v > t);
                self.firing
                    .extend(crossed.map(|(k, _)| (b * BLOCK + k) as Idx));
            }
        }
        for k in &mut self.escape {
            let i = k.neuron as usize;
            k.rate_hz = if step >= self.lif.active_from[i] {
                k.rate.rate_hz(self.lif.v[i])
            } else {
                0.0
            };
            if k.rng.random::<f64>() < EscapeRate::fire_probability(k.rate_hz, DT) {
                self.firing.push(k.neuron);
            }
        }
        if self.any_forced {
            self.firing
                .extend((0..n as Idx).filter(|&i| self.forced[i as usize]));
            // A neuron that crossed and was also forced fires once.
            self.firing.sort_unstable();
            self.firing.dedup();
        }
        let l = &mut self.lif;
        for &i in &self.firing {
            let i = i as usize;
            l.v[i] = l.reset[i];
            l.active_from[i] = step + l.refractory_steps[i];
            l.adapt_g[i] += l.adapt_increment[i];
            if l.burst_i[i] < 1e-12 {
                l.burst_i[i] = l.burst_peak[i];
            }
            self.spiked.push(i as Idx);
        }
        self.firing.clear();
        for (k, s) in self.hh.state.iter().enumerate() {
            let i = self.n_lif + k;
            if self.hh_before[k] < 0.0 && s.v >= 0.0 {
                self.spiked.push(i as Idx);
            }
        }
        if self.any_forced {
            self.forced.fill(false);
            self.any_forced = false;
        }
    }

    /// Propagate phase: push this step's spikes into the delay ring, then deliver what is due.
    pub(crate) fn propagate(&mut self, step: u64) {
        let now = (step % RING_SLOTS as u64) as usize;
        if !self.plastic.is_empty() {
            self.learn_from_post_spikes();
        }
        let spiked = std::mem::take(&mut self.spiked);
        for &s in &spiked {
            let (a, b) = (
                self.out_start[s as usize] as usize,
                self.out_start[s as usize + 1] as usize,
            );
            for j in a..b {
                match self.out[j].delay_steps as usize {
                    // Undelayed spikes act at once instead of passing through the ring.
                    0 => self.deliver(j as u32),
                    d => self.ring[(now + d) % RING_SLOTS].push(j as u32),
                }
            }
        }
        self.spiked = spiked;
        let mut due = std::mem::take(&mut self.ring[now]);
        for &j in &due {
            self.deliver(j);
        }
        due.clear();
        self.ring[now] = due;
    }

    /// First half of a step of learning: traces decay, reward-learning synapses gain
    /// eligibility from this step's postsynaptic factor, and STDP synapses onto neurons that
    /// fired now are potentiated by their presynaptic traces.
    fn learn_from_post_spikes(&mut self) {
        let n = self.neuron_count() as Idx;
        if self.any_reward {
            for &s in self.spiked.iter().filter(|&&s| s < n) {
                self.fired_now[s as usize] = true;
            }
        }
        let (escape, escape_of, fired) = (&self.escape, &self.escape_of, &self.fired_now);
        for p in &mut self.plastic {
            let factor = match p.rule {
                Rule::Pairs(_) => 0.0,
                Rule::Reward(rule) => {
                    let post = p.post as usize;
                    let noise = escape_of.get(post).filter(|&&k| k != NOT_ESCAPE).map(|&k| {
                        let e = &escape[k as usize];
                        // g'/g per mV: the rule counts eligibility in 1/mV.
                        (e.rate_hz, 1e-3 * e.rate.log_slope_per_v(e.rate_hz))
                    });
                    rule.postsynaptic_factor(noise, fired[post], DT)
                }
            };
            p.decay(factor);
        }
        if self.any_reward {
            self.fired_now.fill(false);
        }
        let (spiked, incoming) = (
            std::mem::take(&mut self.spiked),
            std::mem::take(&mut self.plastic_in),
        );
        for &s in spiked.iter().filter(|&&s| s < n) {
            for &k in &incoming[s as usize] {
                self.plastic[k as usize].on_post_spike();
                self.apply_weight(k as usize);
            }
        }
        (self.spiked, self.plastic_in) = (spiked, incoming);
    }

    /// Writes a plastic synapse's weight, with its source's sign, into what delivers it.
    fn apply_weight(&mut self, k: usize) {
        let p = &self.plastic[k];
        let j = p.out as usize;
        match &mut self.out[j].effect {
            Effect::Add { weight, .. } => *weight = weight.signum() * p.w,
            Effect::Saturate { slot } => {
                let s = &mut self.saturating[*slot as usize];
                s.weight = s.weight.signum() * p.w;
            }
            Effect::Fire => {}
        }
    }

    /// Current signed weights (A) of the learning synapses, by entity.
    pub fn plastic_weights(&self) -> impl Iterator<Item = (Entity, f64)> + '_ {
        self.plastic.iter().map(|p| {
            let signed = match self.out[p.out as usize].effect {
                Effect::Add { weight, .. } => weight,
                Effect::Saturate { slot } => self.saturating[slot as usize].weight,
                Effect::Fire => p.w,
            };
            (p.entity, signed)
        })
    }

    fn deliver(&mut self, j: u32) {
        let o = self.out[j as usize];
        // The spike is sent with the weight it found; the change applies to later spikes.
        if let Some(&k) = self.plastic_of.get(j as usize)
            && k != NOT_PLASTIC
        {
            self.plastic[k as usize].on_pre_arrival();
            self.apply_weight(k as usize);
        }
        match o.effect {
            Effect::Add { channel, weight } => {
                self.channels[channel as usize].current[o.post as usize] += weight;
            }
            Effect::Saturate { slot } => {
                let s = &mut self.saturating[slot as usize];
                s.current = s.weight;
            }
            Effect::Fire => {
                self.forced[o.post as usize] = true;
                self.any_forced = true;
            }
        }
    }

    /// Returns every dynamic variable to its start: LIF at reset, HH at rest, no currents in
    /// flight, generators restarted with fresh streams.
    pub fn reset_dynamics(&mut self) {
        let l = &mut self.lif;
        l.v.clone_from(&l.reset);
        l.active_from.fill(0);
        l.adapt_g.fill(0.0);
        l.burst_i.fill(0.0);
        for s in &mut self.hh.state {
            let g = hh::steady_state(-65.0);
            *s = HhState {
                v: -65.0,
                m: g.m,
                n: g.n,
                h: g.h,
            };
        }
        for c in &mut self.channels {
            c.current.fill(0.0);
        }
        for s in &mut self.saturating {
            s.current = 0.0;
        }
        self.forced.fill(false);
        self.any_forced = false;
        self.ring.iter_mut().for_each(Vec::clear);
        self.spiked.clear();
        for g in &mut self.regular {
            g.phase = 0.0;
        }
        for g in &mut self.poisson {
            g.rng = g.initial_rng.clone();
        }
        for t in &mut self.touch {
            t.pending_press = false;
            t.held = false;
            t.phase = 0.0;
        }
        for k in &mut self.escape {
            k.rng = k.initial_rng.clone();
            k.rate_hz = 0.0;
        }
        // What was learned stays learned; only the recent spike history goes.
        for p in &mut self.plastic {
            p.clear_traces();
        }
    }
}
