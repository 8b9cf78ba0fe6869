//! The projection block of the dense network: the synapses a projection expanded to, kept in
//! compact arrays it owns — a CSR of target indices by source member, a weight per projection
//! or per synapse (only where drawn), a delay per projection or per synapse (only where
//! drawn). A spike of a source member sends its whole row at once: with one delay, the row
//! waits in the ring as one entry. A Poisson generator gives every synapse its own train.
//! The synapses of a learning projection are delivered one by one, each telling the learning
//! block of its arrival.

use super::*;
use crate::sim::draws::PoissonCount;
use crate::sim::simd::prefetch_start;

/// Marks a ring entry that names one synapse (per-synapse delays) instead of a row.
const SINGLE: u32 = 1 << 31;

/// The signed weights (A) of a projection's synapses.
#[derive(Debug, Clone)]
pub(super) enum Weights {
    Fixed(f64),
    PerSynapse(Vec<f64>),
}

impl Weights {
    pub(super) fn of(&self, j: usize) -> f64 {
        match self {
            Self::Fixed(w) => *w,
            Self::PerSynapse(w) => w[j],
        }
    }
}

/// The delays (steps) of a projection's synapses.
#[derive(Debug, Clone)]
pub(super) enum Delays {
    Fixed(u32),
    PerSynapse(Vec<u16>),
}

/// How an arriving spike of a projection acts on its target.
#[derive(Debug, Clone)]
pub(super) enum ProjectionEffect {
    Add {
        channel: u16,
    },
    /// Every synapse keeps its own current (A), reset to its weight by each spike.
    Saturate {
        /// The saturating channel of its τ.
        channel: u16,
        decay: f64,
        current: Vec<f64>,
    },
    Fire,
}

/// A Poisson source whose every synapse carries its own train, as NEST's `poisson_generator`
/// gives each target: in every step, each synapse carries a Poisson number of spikes of mean
/// rate·dt, independently of the others. Drawn as one Poisson count over all synapses per step,
/// spread over uniformly chosen synapses (the same law: splitting a Poisson count uniformly
/// gives independent Poisson counts), so a step costs one draw per spike, not per synapse.
#[derive(Debug, Clone)]
pub(super) struct IndependentTrains {
    /// Spikes per step over all the projection's synapses.
    pub(super) counts: PoissonCount,
    /// The step the trains started at after a build or reset; `None` until the first step.
    pub(super) started: Option<u64>,
    pub(super) rng: Pcg64,
    pub(super) initial_rng: Pcg64,
}

impl IndependentTrains {
    pub(super) fn new(rate_hz: f64, synapses: usize, rng: Pcg64) -> Self {
        Self {
            counts: PoissonCount::new(rate_hz * DT * synapses as f64),
            started: None,
            initial_rng: rng.clone(),
            rng,
        }
    }
}

/// The synapses of one projection.
#[derive(Debug, Clone)]
pub(super) struct ProjectionBlock {
    pub(super) entity: Entity,
    /// Source indices `pre_first..pre_first + pre_count` send along this projection.
    pub(super) pre_first: Idx,
    pub(super) pre_count: u32,
    /// Synapses of source member `i` are `start[i]..start[i + 1]`.
    pub(super) start: Vec<u32>,
    /// Target neuron of each synapse (a dense index).
    pub(super) post: Vec<Idx>,
    pub(super) weights: Weights,
    pub(super) delays: Delays,
    pub(super) effect: ProjectionEffect,
    pub(super) trains: Option<IndependentTrains>,
    /// The rule every synapse learns by, with the synapses' own τ (the reward rule's EPSP
    /// kernel); its weights are then per synapse.
    pub(super) learning: Option<(Rule, f64)>,
    /// The weights as the circuit gives them (A, magnitude), so a rebuild can tell learned
    /// weights (kept) from edited ones (drawn afresh).
    pub(super) weight_spec: population::Drawn,
}

impl ProjectionBlock {
    pub(super) fn synapse_count(&self) -> usize {
        self.post.len()
    }

    /// Whether the same expansion would come out of a rebuild (so state in flight carries).
    pub(super) fn same_shape(&self, other: &Self) -> bool {
        self.start == other.start && self.post.len() == other.post.len()
    }

    /// Bytes held per synapse: target, and weight and delay where they vary.
    pub(super) fn bytes(&self) -> usize {
        let per = |v: usize, n: usize| v * n;
        per(self.post.len(), 4)
            + per(self.start.len(), 4)
            + match &self.weights {
                Weights::PerSynapse(w) => per(w.len(), 8),
                Weights::Fixed(_) => 0,
            }
            + match &self.delays {
                Delays::PerSynapse(d) => per(d.len(), 2),
                Delays::Fixed(_) => 0,
            }
            + match &self.effect {
                ProjectionEffect::Saturate { current, .. } => per(current.len(), 8),
                _ => 0,
            }
    }
}

impl SynapseBlock {
    /// Sends the spikes in `spiked` along every projection, and the independent trains of
    /// Poisson projections for this step: undelayed ones act at once, the rest wait in the
    /// ring; then delivers what the ring holds for now.
    pub(super) fn send_projections(
        &mut self,
        spiked: &[Idx],
        step: u64,
        learning: &mut LearningBlock,
    ) {
        if self.projections.is_empty() {
            return;
        }
        let now = (step % RING_SLOTS as u64) as usize;
        self.prefetch_rows(spiked, now);
        for p in 0..self.projections.len() {
            let proj = &self.projections[p];
            let (first, count) = (proj.pre_first, proj.pre_count);
            if proj.trains.is_none() {
                for &s in spiked {
                    if s >= first && s - first < count {
                        self.send_row(p, (s - first) as usize, now, learning);
                    }
                }
            } else {
                self.send_trains(p, step, now, learning);
            }
        }
        let mut due = std::mem::take(&mut self.bulk_ring[now]);
        for &(p, k) in &due {
            if k & SINGLE == 0 {
                self.deliver_row(p as usize, k as usize, learning);
            } else {
                self.deliver_one(p as usize, (k & !SINGLE) as usize, learning);
            }
        }
        due.clear();
        self.bulk_ring[now] = due;
    }

    /// Starts loading the rows this step delivers (sent now without delay, or due from the
    /// ring) before any is delivered: a large network's rows are out of cache, and loading
    /// them all at once overlaps their waits instead of paying each in turn.
    fn prefetch_rows(&self, spiked: &[Idx], now: usize) {
        let row_lines = |proj: &ProjectionBlock, row: usize| {
            prefetch_start(&proj.post[proj.start[row] as usize..proj.start[row + 1] as usize]);
        };
        for proj in &self.projections {
            if proj.trains.is_none() && matches!(proj.delays, Delays::Fixed(0)) {
                let (first, count) = (proj.pre_first, proj.pre_count);
                for &s in spiked {
                    if s >= first && s - first < count {
                        row_lines(proj, (s - first) as usize);
                    }
                }
            }
        }
        for &(p, k) in &self.bulk_ring[now] {
            if k & SINGLE == 0 {
                row_lines(&self.projections[p as usize], k as usize);
            }
        }
    }

    fn send_row(&mut self, p: usize, row: usize, now: usize, learning: &mut LearningBlock) {
        let proj = &self.projections[p];
        match &proj.delays {
            Delays::Fixed(0) => self.deliver_row(p, row, learning),
            &Delays::Fixed(d) => {
                self.bulk_ring[(now + d as usize) % RING_SLOTS].push((p as u32, row as u32));
            }
            Delays::PerSynapse(_) => {
                let range = proj.start[row] as usize..proj.start[row + 1] as usize;
                for j in range {
                    self.send_one(p, j, now, learning);
                }
            }
        }
    }

    fn send_one(&mut self, p: usize, j: usize, now: usize, learning: &mut LearningBlock) {
        let d = match &self.projections[p].delays {
            &Delays::Fixed(d) => d as usize,
            Delays::PerSynapse(d) => usize::from(d[j]),
        };
        if d == 0 {
            self.deliver_one(p, j, learning);
        } else {
            self.bulk_ring[(now + d) % RING_SLOTS].push((p as u32, j as u32 | SINGLE));
        }
    }

    /// This step's spikes of a Poisson projection's trains. With one delay `d` for all
    /// synapses, the spikes drawn now are those sent `d` steps ago, delivered at once (the
    /// trains depend on nothing else, so drawing them on arrival is the same process, and
    /// nothing arrives in the first `d` steps); with a delay per synapse they wait in the ring.
    fn send_trains(&mut self, p: usize, step: u64, now: usize, learning: &mut LearningBlock) {
        let proj = &mut self.projections[p];
        let n = proj.post.len() as u32;
        let Some(trains) = proj.trains.as_mut() else {
            return;
        };
        let started = *trains.started.get_or_insert(step);
        if let Delays::Fixed(d) = proj.delays
            && step < started + u64::from(d)
        {
            return;
        }
        let count = trains.counts.draw(&mut trains.rng);
        let mut chosen = std::mem::take(&mut self.train_scratch);
        chosen.clear();
        chosen.extend((0..count).map(|_| trains.rng.random_range(0..n)));
        let proj = &self.projections[p];
        match (&proj.delays, &proj.effect) {
            (Delays::PerSynapse(_), _) => {
                for &j in &chosen {
                    self.send_one(p, j as usize, now, learning);
                }
            }
            (Delays::Fixed(_), &ProjectionEffect::Add { channel }) if proj.learning.is_none() => {
                let proj = &self.projections[p];
                let channel = &mut self.channels[channel as usize];
                match &proj.weights {
                    &Weights::Fixed(w) => {
                        let w = w * channel.unscale;
                        for &j in &chosen {
                            channel.scaled[proj.post[j as usize] as usize] += w;
                        }
                    }
                    Weights::PerSynapse(ws) => {
                        for &j in &chosen {
                            channel.add(proj.post[j as usize] as usize, ws[j as usize]);
                        }
                    }
                }
            }
            (Delays::Fixed(_), _) => {
                for &j in &chosen {
                    self.deliver_one(p, j as usize, learning);
                }
            }
        }
        self.train_scratch = chosen;
    }

    fn deliver_row(&mut self, p: usize, row: usize, learning: &mut LearningBlock) {
        let proj = &mut self.projections[p];
        let range = proj.start[row] as usize..proj.start[row + 1] as usize;
        if proj.learning.is_some() {
            for j in range {
                self.deliver_one(p, j, learning);
            }
            return;
        }
        match &mut proj.effect {
            ProjectionEffect::Add { channel } => {
                let channel = &mut self.channels[*channel as usize];
                match &proj.weights {
                    &Weights::Fixed(w) => channel.add_each(&proj.post[range], w),
                    Weights::PerSynapse(ws) => {
                        for (&t, &w) in proj.post[range.clone()].iter().zip(&ws[range]) {
                            channel.add(t as usize, w);
                        }
                    }
                }
            }
            ProjectionEffect::Saturate { current, .. } => {
                for j in range {
                    current[j] = proj.weights.of(j);
                }
            }
            ProjectionEffect::Fire => {
                for &t in &proj.post[range] {
                    self.forced[t as usize] = true;
                }
                self.any_forced = true;
            }
        }
    }

    /// Delivers synapse `j` of projection `p` with the weight it finds; if it learns, the
    /// change applies to later spikes (as for a learning synapse entity).
    fn deliver_one(&mut self, p: usize, j: usize, learning: &mut LearningBlock) {
        let proj = &mut self.projections[p];
        let t = proj.post[j] as usize;
        match &mut proj.effect {
            ProjectionEffect::Add { channel } => {
                self.channels[*channel as usize].add(t, proj.weights.of(j));
            }
            ProjectionEffect::Saturate { current, .. } => current[j] = proj.weights.of(j),
            ProjectionEffect::Fire => {
                self.forced[t] = true;
                self.any_forced = true;
            }
        }
        if proj.learning.is_some() {
            learning.on_projection_arrival(p, j, self);
        }
    }

    /// Sums this step's current (A) of every saturating projection synapse into its
    /// channel, then lets it decay by one step.
    pub(super) fn gather_projection_saturating_currents(&mut self) {
        for proj in &mut self.projections {
            if let ProjectionEffect::Saturate {
                channel,
                decay,
                current,
            } = &mut proj.effect
            {
                let sum = &mut self.channels[*channel as usize];
                for (c, &t) in current.iter_mut().zip(&proj.post) {
                    sum.add(t as usize, *c);
                    *c *= *decay;
                }
            }
        }
    }

    /// Sets the rate of the independent trains that a Poisson source sends.
    pub(super) fn set_train_rate(&mut self, source: Idx, rate_hz: f64) {
        for proj in &mut self.projections {
            let synapses = proj.post.len();
            if proj.pre_first == source
                && let Some(t) = &mut proj.trains
            {
                t.counts = PoissonCount::new(rate_hz * DT * synapses as f64);
            }
        }
    }

    /// No projection current, nothing in flight, every train from its first draw.
    pub(super) fn reset_projections(&mut self) {
        for proj in &mut self.projections {
            if let ProjectionEffect::Saturate { current, .. } = &mut proj.effect {
                current.fill(0.0);
            }
            if let Some(t) = &mut proj.trains {
                t.rng = t.initial_rng.clone();
                t.started = None;
            }
        }
        self.bulk_ring.iter_mut().for_each(Vec::clear);
    }
}
