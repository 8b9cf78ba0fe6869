//! The projection block of the dense network: the synapses a projection expanded to, kept in
//! compact arrays it owns — a CSR of target indices by source member, a weight per projection
//! or per synapse (only where drawn), a delay per projection or per synapse (only where
//! drawn). A spike of a source member sends its whole row at once: with one delay, the row
//! waits in the ring as one entry. A Poisson generator gives every synapse its own train.

use super::*;

/// Marks a ring entry that names one synapse (per-synapse delays) instead of a row.
const SINGLE: u32 = 1 << 31;

/// The signed weights (A) of a projection's synapses.
#[derive(Debug, Clone)]
pub(super) enum Weights {
    Fixed(f64),
    PerSynapse(Vec<f64>),
}

impl Weights {
    fn of(&self, j: usize) -> f64 {
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
        decay: f64,
        current: Vec<f64>,
    },
    Fire,
}

/// A Poisson source whose every synapse draws its own train: the pairs (step, synapse) are
/// Bernoulli trials, and the gap to the next success is geometric.
#[derive(Debug, Clone)]
pub(super) struct IndependentTrains {
    pub(super) probability: f64,
    /// The next trial that succeeds, as `step · synapses + synapse`; `None` until the first
    /// step after a build or reset.
    pub(super) next: Option<u64>,
    pub(super) rng: Pcg64,
    pub(super) initial_rng: Pcg64,
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
    pub(super) fn send_projections(&mut self, spiked: &[Idx], step: u64) {
        if self.projections.is_empty() {
            return;
        }
        let now = (step % RING_SLOTS as u64) as usize;
        for p in 0..self.projections.len() {
            let proj = &self.projections[p];
            let (first, count) = (proj.pre_first, proj.pre_count);
            if proj.trains.is_none() {
                for &s in spiked {
                    if s >= first && s - first < count {
                        self.send_row(p, (s - first) as usize, now);
                    }
                }
            } else {
                self.send_trains(p, step, now);
            }
        }
        let mut due = std::mem::take(&mut self.bulk_ring[now]);
        for &(p, k) in &due {
            if k & SINGLE == 0 {
                self.deliver_row(p as usize, k as usize);
            } else {
                self.deliver_one(p as usize, (k & !SINGLE) as usize);
            }
        }
        due.clear();
        self.bulk_ring[now] = due;
    }

    fn send_row(&mut self, p: usize, row: usize, now: usize) {
        let proj = &self.projections[p];
        match &proj.delays {
            Delays::Fixed(0) => self.deliver_row(p, row),
            &Delays::Fixed(d) => {
                self.bulk_ring[(now + d as usize) % RING_SLOTS].push((p as u32, row as u32));
            }
            Delays::PerSynapse(_) => {
                let range = proj.start[row] as usize..proj.start[row + 1] as usize;
                for j in range {
                    self.send_one(p, j, now);
                }
            }
        }
    }

    fn send_one(&mut self, p: usize, j: usize, now: usize) {
        let d = match &self.projections[p].delays {
            &Delays::Fixed(d) => d as usize,
            Delays::PerSynapse(d) => usize::from(d[j]),
        };
        if d == 0 {
            self.deliver_one(p, j);
        } else {
            self.bulk_ring[(now + d) % RING_SLOTS].push((p as u32, j as u32 | SINGLE));
        }
    }

    /// Each synapse of a Poisson projection fires with the generator's probability, drawn
    /// independently: one draw per spike sent, not per synapse and step.
    fn send_trains(&mut self, p: usize, step: u64, now: usize) {
        let n = self.projections[p].synapse_count() as u64;
        let Some(trains) = self.projections[p].trains.as_mut() else {
            return;
        };
        let q = trains.probability;
        if n == 0 || q <= 0.0 {
            trains.next = None;
            return;
        }
        let ln_q = (1.0 - q.min(1.0 - 1e-12)).ln();
        let step_start = step * n;
        let mut next = match trains.next {
            Some(k) if k >= step_start => k,
            _ => step_start + population::geometric_skip(&mut trains.rng, ln_q),
        };
        let mut fired = Vec::new();
        while next < step_start + n {
            fired.push((next - step_start) as usize);
            next = next
                .saturating_add(1)
                .saturating_add(population::geometric_skip(&mut trains.rng, ln_q));
        }
        trains.next = Some(next);
        for j in fired {
            self.send_one(p, j, now);
        }
    }

    fn deliver_row(&mut self, p: usize, row: usize) {
        let proj = &mut self.projections[p];
        let range = proj.start[row] as usize..proj.start[row + 1] as usize;
        match &mut proj.effect {
            ProjectionEffect::Add { channel } => {
                let current = &mut self.channels[*channel as usize].current;
                match &proj.weights {
                    &Weights::Fixed(w) => {
                        for &t in &proj.post[range] {
                            current[t as usize] += w;
                        }
                    }
                    Weights::PerSynapse(ws) => {
                        for (&t, &w) in proj.post[range.clone()].iter().zip(&ws[range]) {
                            current[t as usize] += w;
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

    fn deliver_one(&mut self, p: usize, j: usize) {
        let proj = &mut self.projections[p];
        let t = proj.post[j] as usize;
        match &mut proj.effect {
            ProjectionEffect::Add { channel } => {
                self.channels[*channel as usize].current[t] += proj.weights.of(j);
            }
            ProjectionEffect::Saturate { current, .. } => current[j] = proj.weights.of(j),
            ProjectionEffect::Fire => {
                self.forced[t] = true;
                self.any_forced = true;
            }
        }
    }

    /// Adds this step's current (A) of every saturating projection synapse to `input`, then
    /// lets it decay by one step.
    pub(super) fn add_projection_saturating_currents(&mut self, input: &mut [f64]) {
        for proj in &mut self.projections {
            if let ProjectionEffect::Saturate { decay, current } = &mut proj.effect {
                for (c, &t) in current.iter_mut().zip(&proj.post) {
                    input[t as usize] += *c;
                    *c *= *decay;
                }
            }
        }
    }

    /// Sets the rate of the independent trains that a Poisson source sends.
    pub(super) fn set_train_rate(&mut self, source: Idx, rate_hz: f64) {
        for proj in &mut self.projections {
            if proj.pre_first == source
                && let Some(t) = &mut proj.trains
            {
                t.probability = rate_hz * DT;
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
                t.next = None;
            }
        }
        self.bulk_ring.iter_mut().for_each(Vec::clear);
    }
}
