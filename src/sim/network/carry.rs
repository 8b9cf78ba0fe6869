//! Carrying the dynamic state of items that still exist over a rebuild: voltages, refractory
//! clocks, channel currents, generator phases and random streams, sensor state, learning
//! traces and spikes in flight. Linear in the size of the network.

use super::*;

impl Network {
    /// Copies the dynamic state of every item that exists in both `old` and `self`.
    pub(crate) fn carry_state_from(&mut self, old: &Network) {
        let n_lif = self.n_lif;
        // Each new channel's old one, by τ and kind: matched once, not once per neuron.
        let channels: Vec<(usize, usize)> = self
            .synapses
            .channels
            .iter()
            .enumerate()
            .filter_map(|(new, c)| {
                let same_tau = |oc: &Channel| {
                    oc.tau_s.to_bits() == c.tau_s.to_bits() && oc.saturating == c.saturating
                };
                old.synapses
                    .channels
                    .iter()
                    .position(same_tau)
                    .map(|old| (new, old))
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
                    // Neuronify's neurons never take the exact path (`NEVER`, set when the
                    // network was built); a neuron that leaves Neuronify's stepping starts
                    // integrating at once.
                    if l.active_from[i] != NEVER {
                        l.active_from[i] = match ol.active_from[o] {
                            NEVER => 0,
                            from => from,
                        };
                    }
                    l.adapt_g[i] = ol.adapt_g[o];
                    l.burst_i[i] = ol.burst_i[o];
                }
                (false, false) if i < self.neuron_count() && o < old.neuron_count() => {
                    self.hh.state[i - n_lif] = old.hh.state[o - old.n_lif];
                }
                _ => {}
            }
            if i < self.neuron_count() && o < old.neuron_count() {
                let (syn, old_syn) = (&mut self.synapses, &old.synapses);
                syn.forced[i] = old_syn.forced[o];
                syn.any_forced |= old_syn.forced[o];
                for &(new, before) in &channels {
                    syn.channels[new].set(i, old_syn.channels[before].current(o));
                }
            }
        }
        // The old generators, sensors and noisy neurons by entity: one map each, so carrying
        // state over is linear in the size of the network.
        let old_entity = |source: Idx| old.source_entities[source as usize];
        let old_regular: EntityHashMap<_> = old
            .sources
            .regular
            .iter()
            .map(|g| (old_entity(g.source), g))
            .collect();
        let old_poisson: EntityHashMap<_> = old
            .sources
            .poisson
            .iter()
            .map(|g| (old_entity(g.source), g))
            .collect();
        let old_touch: EntityHashMap<_> = old
            .sources
            .touch
            .iter()
            .map(|t| (old_entity(t.source), t))
            .collect();
        let old_escape: EntityHashMap<_> = old
            .escape
            .neurons
            .iter()
            .map(|k| (old_entity(k.neuron), k))
            .collect();
        for g in &mut self.sources.regular {
            let e = self.source_entities[g.source as usize];
            if let Some(og) = old_regular.get(&e) {
                g.phase = og.phase;
            }
        }
        for g in &mut self.sources.poisson {
            let e = self.source_entities[g.source as usize];
            if let Some(og) = old_poisson.get(&e) {
                g.rng = og.rng.clone();
                g.initial_rng = og.initial_rng.clone();
            }
        }
        for t in &mut self.sources.touch {
            let e = self.source_entities[t.source as usize];
            if let Some(ot) = old_touch.get(&e) {
                t.held = ot.held;
                t.pending_press = ot.pending_press;
                t.phase = ot.phase;
            }
        }
        let saturating: EntityHashMap<f64> = old
            .synapses
            .saturating
            .iter()
            .map(|s| (s.entity, s.current))
            .collect();
        for s in &mut self.synapses.saturating {
            if let Some(&c) = saturating.get(&s.entity) {
                s.current = c;
            }
        }
        for k in &mut self.escape.neurons {
            let e = self.source_entities[k.neuron as usize];
            if let Some(ok) = old_escape.get(&e) {
                k.rng = ok.rng.clone();
                k.initial_rng = ok.initial_rng.clone();
            }
        }
        // Learning synapse entities keep their traces (their weights come back from the
        // components); a projection's learning synapses are carried with the projection.
        let is_entity = |p: &&PlasticSynapse| matches!(p.at, WeightAt::Outgoing(_));
        let traces: EntityHashMap<(f64, f64, f64)> = old
            .learning
            .plastic
            .iter()
            .filter(is_entity)
            .map(|p| (p.entity, (p.x, p.y, p.eligibility)))
            .collect();
        for p in self
            .learning
            .plastic
            .iter_mut()
            .filter(|p| matches!(p.at, WeightAt::Outgoing(_)))
        {
            if let Some(&(x, y, e)) = traces.get(&p.entity) {
                (p.x, p.y, p.eligibility) = (x, y, e);
            }
        }
        self.carry_projections_from(old);
        let entities = &self.source_entities;
        self.neuronify.carry_from(&old.neuronify, |i| {
            old.source_index.get(&entities[i as usize]).copied()
        });
        // Spikes in flight keep their slot (slots are absolute step numbers modulo the ring).
        let new_index: EntityHashMap<u32> = self
            .synapses
            .out_entity
            .iter()
            .enumerate()
            .map(|(j, &e)| (e, j as u32))
            .collect();
        for (slot, due) in old.synapses.ring.iter().enumerate() {
            self.synapses.ring[slot] = due
                .iter()
                .filter_map(|&j| new_index.get(&old.synapses.out_entity[j as usize]).copied())
                .collect();
        }
    }
}

impl Network {
    /// A projection that expands the same way as before (same seed, rule and sizes) keeps its
    /// currents, its trains' streams and its spikes in flight; if it learns, it keeps what
    /// each synapse learned and its traces, unless its weights were edited.
    fn carry_projections_from(&mut self, old: &Network) {
        let old_index: EntityHashMap<usize> = old
            .synapses
            .projections
            .iter()
            .enumerate()
            .map(|(k, p)| (p.entity, k))
            .collect();
        // Old projection index → new one, for those that carry over.
        let mut renumber = vec![None; old.synapses.projections.len()];
        for (k, proj) in self.synapses.projections.iter_mut().enumerate() {
            let Some(&o) = old_index.get(&proj.entity) else {
                continue;
            };
            let before = &old.synapses.projections[o];
            if !proj.same_shape(before) {
                continue;
            }
            renumber[o] = Some(k as u32);
            if let (
                ProjectionEffect::Saturate { current, .. },
                ProjectionEffect::Saturate { current: was, .. },
            ) = (&mut proj.effect, &before.effect)
            {
                current.clone_from(was);
            }
            if let (Some(t), Some(was)) = (&mut proj.trains, &before.trains) {
                t.rng = was.rng.clone();
                t.initial_rng = was.initial_rng.clone();
                t.started = was.started;
            }
            let learned = proj.learning.is_some()
                && before.learning.is_some()
                && proj.weight_spec == before.weight_spec;
            if learned
                && let (Weights::PerSynapse(w), Weights::PerSynapse(was)) =
                    (&mut proj.weights, &before.weights)
                && w.len() == was.len()
                && w.first().map(|x| x.is_sign_negative())
                    == was.first().map(|x| x.is_sign_negative())
            {
                w.clone_from(was);
                let n = was.len();
                let old_state = old.learning.of_projection(o, n);
                let new_state = self.learning.of_projection_mut(k, n);
                for (s, was) in new_state.iter_mut().zip(old_state) {
                    (s.w, s.x, s.y, s.eligibility) = (was.w, was.x, was.y, was.eligibility);
                }
            }
        }
        for (slot, due) in old.synapses.bulk_ring.iter().enumerate() {
            self.synapses.bulk_ring[slot] = due
                .iter()
                .filter_map(|&(p, k)| Some((renumber[p as usize]?, k)))
                .collect();
        }
    }
}
