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

/// How an arriving spike acts on its target.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Effect {
    /// Add the signed weight to a shared exponential channel of the target.
    Add { channel: u16, weight: f64 },
    /// Reset an individual synapse current to its full signed weight.
    Saturate { slot: u32 },
    /// Make the target fire at its next threshold test (an HH target gets a kick instead).
    Fire,
}

#[derive(Debug, Clone, Copy)]
struct Outgoing {
    post: Idx,
    delay_steps: u32,
    effect: Effect,
}

/// All additive synapses with the same time constant share one current per target neuron,
/// since a sum of exponentials with one τ is one exponential.
#[derive(Debug, Clone)]
struct Channel {
    tau_s: f64,
    decay: f64,
    current: Vec<f64>,
}

/// A synapse that keeps its own current (Neuronify's reset-to-full synapse).
#[derive(Debug, Clone)]
struct SaturatingSynapse {
    post: Idx,
    weight: f64,
    decay: f64,
    current: f64,
    entity: Entity,
}

/// Parameters and state of the integrate-and-fire family, structure of arrays.
#[derive(Debug, Clone, Default)]
struct LifBlock {
    v: Vec<f64>,
    resting: Vec<f64>,
    resistance: Vec<f64>,
    capacitance: Vec<f64>,
    threshold: Vec<f64>,
    reset: Vec<f64>,
    /// exp(−dt/τm), used by neurons without adaptation.
    decay: Vec<f64>,
    refractory_steps: Vec<u64>,
    /// The first step at which the neuron integrates again.
    active_from: Vec<u64>,
    /// Adaptation (increment S, decay per step, conductance S); zero increment = none.
    adapt_increment: Vec<f64>,
    adapt_decay: Vec<f64>,
    adapt_g: Vec<f64>,
    /// Burst current (peak A, drop per step A, current A); zero peak = none.
    burst_peak: Vec<f64>,
    burst_drop: Vec<f64>,
    burst_i: Vec<f64>,
}

#[derive(Debug, Clone, Default)]
struct HhBlock {
    state: Vec<HhState>,
    /// µA/cm² per A of input.
    density_per_amp: Vec<f64>,
}

#[derive(Debug, Clone)]
struct RegularGenerator {
    source: Idx,
    per_step: f64,
    phase: f64,
}

#[derive(Debug, Clone)]
struct PoissonGenerator {
    source: Idx,
    probability: f64,
    rng: Pcg64,
    /// The stream as it was at the start, so a dynamics reset replays the same train.
    initial_rng: Pcg64,
}

/// An integrate-and-fire neuron with escape noise: its threshold entry is +∞, and it fires
/// from its own random stream with the rate of its escape function.
#[derive(Debug, Clone)]
struct EscapeNeuron {
    neuron: Idx,
    rate: EscapeRate,
    /// g(V) in the present step (Hz); 0 while refractory.
    rate_hz: f64,
    rng: Pcg64,
    initial_rng: Pcg64,
}

#[derive(Debug, Clone)]
struct TouchState {
    source: Idx,
    reward: Option<f64>,
    per_step: f64,
    held: bool,
    pending_press: bool,
    phase: f64,
}

#[derive(Debug, Clone, Copy)]
struct DcInput {
    target: Idx,
    current: f64,
}

#[derive(Debug, Clone, Copy)]
struct AcInput {
    target: Idx,
    amplitude: f64,
    omega: f64,
    phase: f64,
}

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
        let l = &mut self.lif;
        // Equal-length slices let the compiler drop bounds checks; the select is branch-free.
        let n = self.n_plain;
        let (v, input) = (&mut l.v[..n], &self.input[..n]);
        let (rest, r, decay, active) = (
            &l.resting[..n],
            &l.resistance[..n],
            &l.decay[..n],
            &l.active_from[..n],
        );
        for i in 0..n {
            let v_inf = rest[i] + r[i] * input[i];
            let next = v_inf + (v[i] - v_inf) * decay[i];
            v[i] = if step >= active[i] { next } else { v[i] };
        }
        for i in self.n_plain..self.n_lif {
            let g_leak = 1.0 / l.resistance[i];
            let g = g_leak + l.adapt_g[i];
            let drive = self.input[i] + l.burst_i[i];
            if step >= l.active_from[i] {
                let v_inf = l.resting[i] + drive / g;
                l.v[i] = v_inf + (l.v[i] - v_inf) * (-DT * g / l.capacitance[i]).exp();
            }
            l.adapt_g[i] *= l.adapt_decay[i];
            l.burst_i[i] = (l.burst_i[i] - l.burst_drop[i]).max(0.0);
        }
        self.hh_before.clear();
        self.hh_before.extend(self.hh.state.iter().map(|s| s.v));
        for (k, s) in self.hh.state.iter_mut().enumerate() {
            let i = self.n_lif + k;
            let density = self.input[i] * self.hh.density_per_amp[k];
            hh::advance(s, density, DT * 1e3);
        }
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

/// Collects items one by one (neurons before sources before edges) into a [`Network`].
pub(crate) struct NetworkBuilder {
    net: Network,
    seed: u64,
    /// Synapses in arrival order, with their source index, before sorting into the CSR.
    pending: Vec<(Idx, Outgoing, Entity)>,
    /// Learning rules of plastic synapses with their EPSP τ, by synapse entity.
    pending_plastic: EntityHashMap<(Rule, f64)>,
}

impl NetworkBuilder {
    pub fn new(seed: u64) -> Self {
        Self {
            net: Network::empty(),
            seed,
            pending: Vec::new(),
            pending_plastic: EntityHashMap::default(),
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
        self.net.escape.push(EscapeNeuron {
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

    pub fn push_regular(&mut self, e: Entity, rate_hz: f64) {
        let source = self.push_source(e);
        self.net.regular.push(RegularGenerator {
            source,
            per_step: rate_hz * DT,
            phase: 0.0,
        });
    }

    pub fn push_poisson(&mut self, e: Entity, rate_hz: f64, stable_id: &str) {
        let source = self.push_source(e);
        let rng = generator_rng(self.seed, stable_id);
        self.net.poisson.push(PoissonGenerator {
            source,
            probability: rate_hz * DT,
            initial_rng: rng.clone(),
            rng,
        });
    }

    pub fn push_touch(&mut self, e: Entity, repeat_hz: f64, reward: Option<f64>) {
        let source = self.push_source(e);
        self.net.touch.push(TouchState {
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
            Some(target) => self.net.dc.push(DcInput { target, current }),
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
            Some(target) => self.net.ac.push(AcInput {
                target,
                amplitude,
                omega: std::f64::consts::TAU * frequency_hz,
                phase,
            }),
            None => warn!("current edge {edge} ends at {target}, which is no neuron"),
        }
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
        let effect = match k.mode {
            SynapseMode::Add => {
                let channel = match self
                    .net
                    .channels
                    .iter()
                    .position(|c| c.tau_s.to_bits() == k.tau_s.to_bits())
                {
                    Some(c) => c,
                    None => {
                        self.net.channels.push(Channel {
                            tau_s: k.tau_s,
                            decay,
                            current: Vec::new(),
                        });
                        self.net.channels.len() - 1
                    }
                };
                let Ok(channel) = u16::try_from(channel) else {
                    self.net.channels.pop();
                    warn!(
                        "synapse {e} is left out: a network holds at most {} distinct synaptic \
                         time constants",
                        u16::MAX as usize + 1
                    );
                    return;
                };
                Effect::Add { channel, weight }
            }
            SynapseMode::Saturate => {
                self.net.saturating.push(SaturatingSynapse {
                    post,
                    weight,
                    decay,
                    current: 0.0,
                    entity: e,
                });
                Effect::Saturate {
                    slot: self.net.saturating.len() as u32 - 1,
                }
            }
            SynapseMode::ImmediateFire => Effect::Fire,
        };
        let delay_steps = delay_steps.min((RING_SLOTS - 1) as u64) as u32;
        self.pending.push((
            pre,
            Outgoing {
                post,
                delay_steps,
                effect,
            },
            e,
        ));
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
        for c in &mut self.net.channels {
            c.current = vec![0.0; n];
        }
        self.net.forced = vec![false; n];
        if !self.net.escape.is_empty() {
            self.net.escape_of = vec![NOT_ESCAPE; n];
            for (k, e) in self.net.escape.iter().enumerate() {
                self.net.escape_of[e.neuron as usize] = k as u32;
            }
        }
        self.net.input = vec![0.0; n];
        // Stable sort keeps the synapses of one source in entity order.
        self.pending.sort_by_key(|(pre, ..)| *pre);
        let mut start = vec![0u32; sources + 1];
        for (pre, ..) in &self.pending {
            start[*pre as usize + 1] += 1;
        }
        for s in 0..sources {
            start[s + 1] += start[s];
        }
        self.net.out_start = start;
        self.net.out = self.pending.iter().map(|p| p.1).collect();
        self.net.out_entity = self.pending.iter().map(|p| p.2).collect();
        if !self.pending_plastic.is_empty() {
            let net = &mut self.net;
            net.plastic_of = vec![NOT_PLASTIC; net.out.len()];
            for (j, (_, o, e)) in self.pending.iter().enumerate() {
                let Some(&(rule, epsp_tau_s)) = self.pending_plastic.get(e) else {
                    continue;
                };
                let w = match o.effect {
                    Effect::Add { weight, .. } => weight.abs(),
                    Effect::Saturate { slot } => net.saturating[slot as usize].weight.abs(),
                    // A spike that forces firing has no weight to learn.
                    Effect::Fire => continue,
                };
                net.plastic_of[j] = net.plastic.len() as u32;
                net.plastic.push(PlasticSynapse::new(
                    *e, j as u32, o.post, w, rule, epsp_tau_s,
                ));
            }
            net.any_reward = net
                .plastic
                .iter()
                .any(|p| matches!(p.rule, Rule::Reward(_)));
            net.fired_now = vec![false; n];
            net.plastic_in = vec![Vec::new(); n];
            for (k, p) in net.plastic.iter().enumerate() {
                net.plastic_in[p.post as usize].push(k as u32);
            }
        }
        self.net
    }
}

impl Network {
    /// Copies the dynamic state of every item that exists in both `old` and `self`.
    pub(crate) fn carry_state_from(&mut self, old: &Network) {
        let n_lif = self.n_lif;
        // Each new channel's old one, by τ: matched once, not once per neuron.
        let channels: Vec<(usize, usize)> = self
            .channels
            .iter()
            .enumerate()
            .filter_map(|(new, c)| {
                let same_tau = |oc: &Channel| oc.tau_s.to_bits() == c.tau_s.to_bits();
                old.channels.iter().position(same_tau).map(|old| (new, old))
            })
            .collect();
        for (i, &e) in self.source_entities.iter().enumerate() {
            let Some(&o) = old.source_index.get(&e) else {
                continue;
            };
            let o = o as usize;
            match (i < n_lif, o < old.n_lif) {
                (true, true) => {
                    let (l, ol) = (&mut self.lif, &old.lif);
                    l.v[i] = ol.v[o];
                    l.active_from[i] = ol.active_from[o];
                    l.adapt_g[i] = ol.adapt_g[o];
                    l.burst_i[i] = ol.burst_i[o];
                }
                (false, false) if i < self.neuron_count() && o < old.neuron_count() => {
                    self.hh.state[i - n_lif] = old.hh.state[o - old.n_lif];
                }
                _ => {}
            }
            if i < self.neuron_count() && o < old.neuron_count() {
                self.forced[i] = old.forced[o];
                self.any_forced |= old.forced[o];
                for &(new, before) in &channels {
                    self.channels[new].current[i] = old.channels[before].current[o];
                }
            }
        }
        // The old generators, sensors and noisy neurons by entity: one map each, so carrying
        // state over is linear in the size of the network.
        let old_entity = |source: Idx| old.source_entities[source as usize];
        let old_regular: EntityHashMap<_> = old
            .regular
            .iter()
            .map(|g| (old_entity(g.source), g))
            .collect();
        let old_poisson: EntityHashMap<_> = old
            .poisson
            .iter()
            .map(|g| (old_entity(g.source), g))
            .collect();
        let old_touch: EntityHashMap<_> = old
            .touch
            .iter()
            .map(|t| (old_entity(t.source), t))
            .collect();
        let old_escape: EntityHashMap<_> = old
            .escape
            .iter()
            .map(|k| (old_entity(k.neuron), k))
            .collect();
        for g in &mut self.regular {
            let e = self.source_entities[g.source as usize];
            if let Some(og) = old_regular.get(&e) {
                g.phase = og.phase;
            }
        }
        for g in &mut self.poisson {
            let e = self.source_entities[g.source as usize];
            if let Some(og) = old_poisson.get(&e) {
                g.rng = og.rng.clone();
                g.initial_rng = og.initial_rng.clone();
            }
        }
        for t in &mut self.touch {
            let e = self.source_entities[t.source as usize];
            if let Some(ot) = old_touch.get(&e) {
                t.held = ot.held;
                t.pending_press = ot.pending_press;
                t.phase = ot.phase;
            }
        }
        let saturating: EntityHashMap<f64> = old
            .saturating
            .iter()
            .map(|s| (s.entity, s.current))
            .collect();
        for s in &mut self.saturating {
            if let Some(&c) = saturating.get(&s.entity) {
                s.current = c;
            }
        }
        for k in &mut self.escape {
            let e = self.source_entities[k.neuron as usize];
            if let Some(ok) = old_escape.get(&e) {
                k.rng = ok.rng.clone();
                k.initial_rng = ok.initial_rng.clone();
            }
        }
        // Learning synapses keep their traces (their weights come back from the components).
        let traces: EntityHashMap<(f64, f64, f64)> = old
            .plastic
            .iter()
            .map(|p| (p.entity, (p.x, p.y, p.eligibility)))
            .collect();
        for p in &mut self.plastic {
            if let Some(&(x, y, e)) = traces.get(&p.entity) {
                (p.x, p.y, p.eligibility) = (x, y, e);
            }
        }
        // Spikes in flight keep their slot (slots are absolute step numbers modulo the ring).
        let new_index: EntityHashMap<u32> = self
            .out_entity
            .iter()
            .enumerate()
            .map(|(j, &e)| (e, j as u32))
            .collect();
        for (slot, due) in old.ring.iter().enumerate() {
            self.ring[slot] = due
                .iter()
                .filter_map(|&j| new_index.get(&old.out_entity[j as usize]).copied())
                .collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(i: u32) -> Entity {
        Entity::from_raw_u32(i).expect("a valid index")
    }

    /// Two LIF neurons at rest and synapses from the first onto the second, one per τ (ms).
    fn two_neurons(taus_ms: &[f64]) -> Network {
        let mut b = NetworkBuilder::new(1);
        let p = LifParams::default();
        for i in 0..2 {
            b.push_lif(entity(i), &p, p.resting_v, 0, None, None);
        }
        for (i, &tau_ms) in taus_ms.iter().enumerate() {
            let k = SynapseKinetics {
                weight_a: 1e-9,
                tau_s: tau_ms * 1e-3,
                mode: SynapseMode::Add,
            };
            let syn = Synapse {
                pre: entity(0),
                post: entity(1),
            };
            b.push_synapse(entity(10 + i as u32), syn, k, 1, 1.0);
        }
        b.finish()
    }

    #[test]
    fn synapses_with_one_time_constant_share_one_channel() {
        let net = two_neurons(&[2.0, 5.0, 2.0, 2.0, 5.0]);
        assert_eq!(net.synapse_count(), 5);
        let mut taus: Vec<f64> = net.channels.iter().map(|c| c.tau_s).collect();
        taus.sort_by(f64::total_cmp);
        assert_eq!(taus, [2e-3, 5e-3], "one decaying current per τ");
        for c in &net.channels {
            assert_eq!(c.current.len(), net.neuron_count());
            assert!((c.decay - (-DT / c.tau_s).exp()).abs() < 1e-15);
        }
    }

    #[test]
    fn a_rebuild_carries_currents_by_time_constant_and_spikes_in_flight() {
        let mut old = two_neurons(&[2.0, 5.0]);
        // Neuron 0 fires: its spike is in flight for a step, then arrives on both channels.
        old.lif.v[0] = 0.0;
        for step in 0..2 {
            old.stimulus(step);
            old.integrate(step);
            old.threshold(step);
            old.propagate(step);
        }
        let before = old.synaptic_current(entity(1)).unwrap();
        assert!(before > 0.0, "the spike arrived: {before} A");
        // The rebuilt network lists the channels in another order; each keeps its current.
        let mut new = two_neurons(&[5.0, 2.0]);
        new.carry_state_from(&old);
        assert_eq!(new.synaptic_current(entity(1)), Some(before));
        for c in &new.channels {
            let o = old.channels.iter().find(|o| o.tau_s == c.tau_s).unwrap();
            assert_eq!(c.current, o.current);
        }
    }
}
