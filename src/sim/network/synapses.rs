//! The synapse block of the dense network: the outgoing lists (CSR) and how a spike acts on
//! its target, one decaying current per time constant and target ("channels"), the synapses
//! that keep a current of their own, and the delay ring that holds spikes in flight.

use super::*;
use crate::sim::simd::prefetch_start;

/// How an arriving spike acts on its target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Effect {
    /// Add the signed weight to a shared exponential channel of the target.
    Add { channel: u16, weight: f64 },
    /// Reset an individual synapse current to its full signed weight.
    Saturate { slot: u32 },
    /// Make the target fire at its next threshold test (an HH target gets a kick instead).
    Fire,
}

/// An outgoing synapse in 16 bytes: a large network's lists are read from memory at every
/// spike, so their size is the time delivery takes. [`Outgoing::effect`] reads it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Outgoing {
    pub(super) post: Idx,
    pub(super) delay_steps: u16,
    /// An additive synapse's channel, or [`SATURATE`] or [`FIRE`].
    kind: u16,
    /// An additive synapse's signed weight (A); a saturating synapse's slot.
    value: f64,
}

// A delay within the ring fits an `Outgoing`'s `u16`.
const _: () = assert!(RING_SLOTS <= u16::MAX as usize);

/// The kinds of [`Outgoing`] past the channel indices (which are below [`MAX_CHANNELS`]).
const SATURATE: u16 = u16::MAX - 1;
const FIRE: u16 = u16::MAX;

/// Most distinct synaptic time constants one network holds: a channel index is an
/// [`Outgoing`]'s kind.
pub(crate) const MAX_CHANNELS: usize = SATURATE as usize;

impl Outgoing {
    pub(super) fn new(post: Idx, delay_steps: u16, effect: Effect) -> Self {
        let (kind, value) = match effect {
            Effect::Add { channel, weight } => {
                debug_assert!(usize::from(channel) < MAX_CHANNELS);
                (channel, weight)
            }
            Effect::Saturate { slot } => (SATURATE, f64::from(slot)),
            Effect::Fire => (FIRE, 0.0),
        };
        Self {
            post,
            delay_steps,
            kind,
            value,
        }
    }

    #[inline]
    pub(super) fn effect(&self) -> Effect {
        match self.kind {
            SATURATE => Effect::Saturate {
                slot: self.value as u32,
            },
            FIRE => Effect::Fire,
            channel => Effect::Add {
                channel,
                weight: self.value,
            },
        }
    }
}

/// The channel and weight every synapse of `row` adds without delay, if they share one.
pub(super) fn uniform_row(row: &[Outgoing]) -> Option<(u16, f64)> {
    let first = row.first()?;
    let key = |o: &Outgoing| match (o.delay_steps, o.effect()) {
        (0, Effect::Add { channel, weight }) => Some((channel, weight.to_bits())),
        _ => None,
    };
    let shared = key(first)?;
    row.iter()
        .all(|o| key(o) == Some(shared))
        .then(|| (shared.0, f64::from_bits(shared.1)))
}

/// All additive synapses with the same time constant share one current per target neuron,
/// since a sum of exponentials with one τ is one exponential. The saturating synapses of one
/// τ have a channel of their own, summed anew every step from each synapse's own current, so
/// that both kinds decay within a step exactly as they do between steps.
///
/// The currents are kept divided by a factor the whole channel shares (`scale`), so that a
/// step's decay is one multiplication of that factor instead of a write to every neuron's
/// current: the step of a large network then reads its currents without writing them back.
#[derive(Debug, Clone)]
pub(super) struct Channel {
    pub(super) tau_s: f64,
    pub(super) decay: f64,
    /// Each target's current (A) divided by `scale` (read through [`Channel::current`]).
    pub(super) scaled: Vec<f64>,
    /// The factor every scaled current is multiplied by: `decay` to the number of steps since
    /// it was last 1; always 1 for a saturating channel.
    pub(super) scale: f64,
    /// `1 / scale`: what a current added now is multiplied by.
    pub(super) unscale: f64,
    /// Whether this channel gathers saturating synapses (and so does not decay by itself).
    pub(super) saturating: bool,
}

/// Below this scale a channel folds its scale into the currents, long before the scaled
/// currents (at most `1 / RESCALE_BELOW` times a current) could overflow.
const RESCALE_BELOW: f64 = 1e-100;

impl Channel {
    /// A channel without neurons yet (`scaled` is sized when the network is finished).
    pub(super) fn new(tau_s: f64, decay: f64, saturating: bool) -> Self {
        Self {
            tau_s,
            decay,
            scaled: Vec::new(),
            scale: 1.0,
            unscale: 1.0,
            saturating,
        }
    }

    /// The current (A) into neuron `i`.
    #[inline]
    pub(super) fn current(&self, i: usize) -> f64 {
        self.scaled[i] * self.scale
    }

    /// Adds `amount` (A) to neuron `i`'s current.
    #[inline]
    pub(super) fn add(&mut self, i: usize, amount: f64) {
        self.scaled[i] += amount * self.unscale;
    }

    /// Adds `amount` (A) to the current of every neuron in `targets`: the product of
    /// [`Channel::add`], made once.
    #[inline]
    pub(super) fn add_each(&mut self, targets: &[Idx], amount: f64) {
        let amount = amount * self.unscale;
        for &t in targets {
            self.scaled[t as usize] += amount;
        }
    }

    /// Sets neuron `i`'s current (A).
    pub(super) fn set(&mut self, i: usize, current: f64) {
        self.scaled[i] = current * self.unscale;
    }

    /// Every current decays by one step (a saturating channel's is gathered anew instead).
    pub(super) fn decay_step(&mut self) {
        if self.saturating {
            return;
        }
        self.scale *= self.decay;
        if self.scale < RESCALE_BELOW {
            let scale = self.scale;
            self.scaled.iter_mut().for_each(|x| *x *= scale);
            self.scale = 1.0;
        }
        self.unscale = 1.0 / self.scale;
    }

    /// No current.
    pub(super) fn clear(&mut self) {
        self.scaled.fill(0.0);
        self.scale = 1.0;
        self.unscale = 1.0;
    }
}

/// A synapse that keeps its own current (Neuronify's reset-to-full synapse).
#[derive(Debug, Clone)]
pub(super) struct SaturatingSynapse {
    pub(super) post: Idx,
    /// The saturating channel of its τ.
    pub(super) channel: u16,
    pub(super) weight: f64,
    pub(super) decay: f64,
    pub(super) current: f64,
    pub(super) entity: Entity,
}

/// Every synapse of the network, with its currents and the spikes in flight.
#[derive(Debug, Clone)]
pub(super) struct SynapseBlock {
    /// Outgoing synapses of source `s` are `out[out_start[s]..out_start[s + 1]]`.
    pub(super) out_start: Vec<u32>,
    pub(super) out: Vec<Outgoing>,
    /// The target of every outgoing synapse, as in `out` (4 bytes a synapse, for the rows
    /// below).
    pub(super) out_post: Vec<Idx>,
    /// Per source: the channel and weight every one of its outgoing synapses shares, when
    /// they all add it without delay. Such a row (CUBA's, any neuron's whose synapses were
    /// placed alike) is delivered from `out_post` alone, a quarter of the bytes.
    pub(super) out_uniform: Vec<Option<(u16, f64)>>,
    pub(super) out_entity: Vec<Entity>,
    pub(super) channels: Vec<Channel>,
    pub(super) saturating: Vec<SaturatingSynapse>,
    /// Neurons an immediate-fire synapse reached, to fire at the next threshold test.
    pub(super) forced: Vec<bool>,
    /// Whether any entry of `forced` is set, so the common step skips scanning it.
    pub(super) any_forced: bool,
    /// Outgoing indices due at each step, modulo the ring's length.
    pub(super) ring: Vec<Vec<u32>>,
    /// The synapses of projections, in compact arrays per projection.
    pub(super) projections: Vec<ProjectionBlock>,
    /// Whether a projection has saturating synapses.
    pub(super) any_saturating_projection: bool,
    /// Projection rows (or single projection synapses) due at each step.
    pub(super) bulk_ring: Vec<Vec<(u32, u32)>>,
    /// Scratch: the synapses a Poisson projection's trains chose in the present step.
    pub(super) train_scratch: Vec<u32>,
}

impl Default for SynapseBlock {
    fn default() -> Self {
        Self {
            out_start: vec![0],
            out: Vec::new(),
            out_post: Vec::new(),
            out_uniform: Vec::new(),
            out_entity: Vec::new(),
            channels: Vec::new(),
            saturating: Vec::new(),
            forced: Vec::new(),
            any_forced: false,
            ring: vec![Vec::new(); RING_SLOTS],
            projections: Vec::new(),
            any_saturating_projection: false,
            bulk_ring: vec![Vec::new(); RING_SLOTS],
            train_scratch: Vec::new(),
        }
    }
}

impl SynapseBlock {
    /// Every additive channel's current decays by one step.
    pub(super) fn decay_channels(&mut self) {
        self.channels.iter_mut().for_each(Channel::decay_step);
    }

    /// Sums this step's current (A) of every saturating synapse, single or in a projection,
    /// into the saturating channel of its τ, then lets each decay by one step.
    pub(super) fn gather_saturating_currents(&mut self) {
        if self.saturating.is_empty() && !self.any_saturating_projection {
            return;
        }
        for c in self.channels.iter_mut().filter(|c| c.saturating) {
            c.clear();
        }
        for s in &mut self.saturating {
            self.channels[s.channel as usize].add(s.post as usize, s.current);
            s.current *= s.decay;
        }
        self.gather_projection_saturating_currents();
    }

    /// Sends the spikes of the sources in `spiked` at step `step`: undelayed ones act at
    /// once, the others wait in the ring; then delivers what is due now. A learning synapse
    /// learns from each arrival before the next spike uses its weight.
    pub(super) fn send(&mut self, spiked: &[Idx], step: u64, learning: &mut LearningBlock) {
        let now = (step % RING_SLOTS as u64) as usize;
        let learns = learning.synapses_learn();
        // Start loading every outgoing list first, as `prefetch_rows` does for projections.
        for &s in spiked {
            if !learns && self.out_uniform[s as usize].is_some() {
                prefetch_start(&self.out_post[self.row(s)]);
            } else {
                prefetch_start(&self.out[self.row(s)]);
            }
        }
        for &s in spiked {
            let range = self.row(s);
            if !learns && let Some((channel, weight)) = self.out_uniform[s as usize] {
                self.channels[channel as usize].add_each(&self.out_post[range], weight);
                continue;
            }
            for j in range {
                let o = self.out[j];
                match (usize::from(o.delay_steps), o.effect()) {
                    // The common case, without a detour: nothing learns, nothing waits.
                    (0, Effect::Add { channel, weight }) if !learns => {
                        self.channels[channel as usize].add(o.post as usize, weight);
                    }
                    (0, _) => self.deliver(j as u32, learning),
                    (d, _) => self.ring[(now + d) % RING_SLOTS].push(j as u32),
                }
            }
        }
        let mut due = std::mem::take(&mut self.ring[now]);
        for &j in &due {
            self.deliver(j, learning);
        }
        due.clear();
        self.ring[now] = due;
    }

    /// The outgoing synapses of source `s`.
    fn row(&self, s: Idx) -> std::ops::Range<usize> {
        let s = s as usize;
        self.out_start[s] as usize..self.out_start[s + 1] as usize
    }

    fn deliver(&mut self, j: u32, learning: &mut LearningBlock) {
        let o = self.out[j as usize];
        // The spike is sent with the weight it found; the change applies to later spikes.
        learning.on_pre_arrival(j, self);
        match o.effect() {
            Effect::Add { channel, weight } => {
                self.channels[channel as usize].add(o.post as usize, weight);
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

    /// The signed weight (A) of outgoing synapse `j`; `None` for one that forces firing.
    pub(super) fn weight(&self, j: u32) -> Option<f64> {
        match self.out[j as usize].effect() {
            Effect::Add { weight, .. } => Some(weight),
            Effect::Saturate { slot } => Some(self.saturating[slot as usize].weight),
            Effect::Fire => None,
        }
    }

    /// Sets the size of outgoing synapse `j`'s weight to `magnitude` (A), keeping its sign.
    pub(super) fn set_magnitude(&mut self, j: u32, magnitude: f64) {
        let o = &mut self.out[j as usize];
        match o.effect() {
            Effect::Add { weight, .. } => o.value = weight.signum() * magnitude,
            Effect::Saturate { slot } => {
                let s = &mut self.saturating[slot as usize];
                s.weight = s.weight.signum() * magnitude;
            }
            Effect::Fire => {}
        }
    }

    /// Adds the integrate-and-fire neurons (indices below `n_lif`) an immediate-fire synapse
    /// reached to `firing`, so each fires once even if it also crossed its threshold.
    pub(super) fn forced_lif_into(&self, n_lif: usize, firing: &mut Vec<Idx>) {
        if !self.any_forced {
            return;
        }
        let forced = self.forced[..n_lif].iter().enumerate().filter(|(_, f)| **f);
        firing.extend(forced.map(|(i, _)| i as Idx));
        firing.sort_unstable();
        firing.dedup();
    }

    /// Sets the size of a plastic synapse's weight to `magnitude` (A), keeping its sign.
    pub(super) fn set_plastic_weight(&mut self, at: WeightAt, magnitude: f64) {
        match at {
            WeightAt::Outgoing(j) => self.set_magnitude(j, magnitude),
            WeightAt::Projection {
                projection,
                synapse,
            } => {
                if let Weights::PerSynapse(w) = &mut self.projections[projection as usize].weights {
                    let w = &mut w[synapse as usize];
                    *w = w.signum() * magnitude;
                }
            }
        }
    }

    /// Total current (A) of neuron `i` in the additive channels.
    pub(super) fn channel_current(&self, i: usize) -> f64 {
        self.channels.iter().map(|c| c.current(i)).sum()
    }

    /// Forgets the forced firings once the threshold test has used them.
    pub(super) fn clear_forced(&mut self) {
        if self.any_forced {
            self.forced.fill(false);
            self.any_forced = false;
        }
    }

    /// No current anywhere and nothing in flight.
    pub(super) fn reset(&mut self) {
        self.channels.iter_mut().for_each(Channel::clear);
        for s in &mut self.saturating {
            s.current = 0.0;
        }
        self.forced.fill(false);
        self.any_forced = false;
        self.ring.iter_mut().for_each(Vec::clear);
        self.reset_projections();
    }
}
