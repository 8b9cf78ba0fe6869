//! Writing populations out as single items, for formats that have none (Neuronify's `.nfy`):
//! a population of at most a given size becomes its members as neurons (`id[index]`, the
//! runner's names) in a grid around its position, and each projection becomes the synapses
//! the engine would build for the same seed. Larger populations are left out, with everything
//! that only refers to them, and each loss is named in the returned notes.

use std::collections::HashMap;

use bevy::prelude::World;

use super::population::{InitialPotential, PopulationItem};
use super::schema::{Circuit, GeneratorKind, NeuronItem, SynapseItem};
use super::units::tidy;
use crate::sim::network::generator_rng;

/// Distance between neighbouring members when written out, in canvas pixels (a Neuronify
/// neuron is 72 px wide).
const MEMBER_SPACING_PX: f32 = 90.0;

/// The id of member `index` of population `population`.
pub fn member_id(population: &str, index: u32) -> String {
    format!("{population}[{index}]")
}

/// Where member `index` of `size` sits: rows and columns centred on the population.
fn member_position(p: &PopulationItem, index: u32) -> (f32, f32) {
    let columns = (f64::from(p.size).sqrt().ceil() as u32).max(1);
    let rows = p.size.div_ceil(columns);
    let (row, column) = (index / columns, index % columns);
    let offset = |k: u32, n: u32| (k as f32 - (n as f32 - 1.0) / 2.0) * MEMBER_SPACING_PX;
    (
        p.position.0 + offset(column, columns),
        p.position.1 + offset(row, rows),
    )
}

impl Circuit {
    /// This circuit with every population of at most `max_members` members written out as
    /// single neurons and every projection between written-out groups as synapses, drawn as the
    /// engine draws them from `seed`. The result has no populations or projections.
    pub fn flattened(&self, max_members: u32, seed: u64) -> (Circuit, Vec<String>) {
        let mut notes = Vec::new();
        let mut out = self.clone();
        out.populations.clear();
        out.projections.clear();
        out.version = 1;

        // Every group's members by id: populations written out, single items as themselves.
        let mut members: HashMap<&str, Vec<String>> = HashMap::new();
        for p in &self.populations {
            if p.size > max_members {
                notes.push(format!(
                    "{}: a population of {} neurons is left out (at most {max_members} are \
                     written as single neurons), with its projections and meters' traces",
                    p.id, p.size
                ));
                continue;
            }
            if !matches!(p.initial_mv, InitialPotential::Reset) {
                notes.push(format!(
                    "{}: its {} members start at their reset potential, not at {:?} mV",
                    p.id, p.size, p.initial_mv
                ));
            }
            let ids: Vec<String> = (0..p.size).map(|i| member_id(&p.id, i)).collect();
            out.neurons
                .extend(ids.iter().enumerate().map(|(i, id)| NeuronItem {
                    id: id.clone(),
                    label: String::new(),
                    position: member_position(p, i as u32),
                    inhibitory: p.inhibitory,
                    model: p.model.clone(),
                }));
            members.insert(&p.id, ids);
        }
        let group = |id: &str| -> Option<Vec<String>> {
            match self.populations.iter().any(|p| p.id == id) {
                true => members.get(id).cloned(),
                false => Some(vec![id.to_owned()]),
            }
        };
        // Current generators' targets and meters' traces name the members instead.
        let expand_names = |names: &[String]| -> Vec<String> {
            names.iter().filter_map(|n| group(n)).flatten().collect()
        };
        for g in &mut out.generators {
            g.targets = expand_names(&g.targets);
        }
        for m in &mut out.meters {
            m.observes = expand_names(&m.observes);
        }

        let positions: HashMap<String, (f32, f32)> = out
            .neurons
            .iter()
            .map(|n| (n.id.clone(), n.position))
            .collect();
        // Stand-in entities: a projection knows its ends by entity, and only their identity
        // (is it a projection onto its own source?) matters to the draw.
        let mut world = World::new();
        let mut entities: HashMap<&str, bevy::prelude::Entity> = HashMap::new();
        for id in self.ids() {
            entities.insert(id, world.spawn_empty().id());
        }
        for proj in &self.projections {
            let (Some(pre), Some(post)) = (group(&proj.from), group(&proj.to)) else {
                notes.push(format!(
                    "{}: left out with the population it joins",
                    proj.id
                ));
                continue;
            };
            let sim = proj.to_sim(entities[proj.from.as_str()], entities[proj.to.as_str()]);
            let drawn = sim.draw(pre.len() as u32, post.len() as u32, |what| {
                generator_rng(seed, &format!("{}/{what}", proj.id))
            });
            let poisson = self
                .generators
                .iter()
                .find(|g| g.id == proj.from && matches!(g.kind, GeneratorKind::Poisson { .. }));
            let mut k = 0;
            for (i, source) in pre.iter().enumerate() {
                let (a, b) = (drawn.pairs.start[i], drawn.pairs.start[i + 1]);
                for &j in &drawn.pairs.post[a as usize..b as usize] {
                    let weight_a = drawn
                        .weights_a
                        .as_ref()
                        .map_or(sim.weight_a.fixed(), |w| Some(w[k]));
                    let delay_s = drawn
                        .delays_s
                        .as_ref()
                        .map_or(sim.delay_s.fixed(), |d| Some(d[k]));
                    // The engine gives each synapse of a Poisson generator its own train; so
                    // does a copy of the generator per synapse.
                    let from = match poisson {
                        Some(g) if drawn.pairs.post.len() > 1 => {
                            let mut copy = g.clone();
                            copy.id = format!("{}/{}", proj.id, post[j as usize]);
                            if let Some(target) = positions.get(post[j as usize].as_str()) {
                                copy.position = (target.0 - 70.0, target.1);
                            }
                            let id = copy.id.clone();
                            out.generators.push(copy);
                            id
                        }
                        _ => source.clone(),
                    };
                    out.synapses.push(SynapseItem {
                        id: format!("{}/{k}", proj.id),
                        from,
                        to: post[j as usize].clone(),
                        weight_na: tidy(weight_a.unwrap_or_default() * 1e9),
                        tau_ms: proj.tau_ms,
                        delay_ms: tidy(delay_s.unwrap_or_default() * 1e3),
                        mode: proj.mode,
                        stdp: proj.stdp,
                        reward: proj.reward,
                        neuronify: None,
                    });
                    k += 1;
                }
            }
            if poisson.is_some() && k > 1 {
                notes.push(format!(
                    "{}: its Poisson generator is written once per synapse ({k} copies), as \
                     each synapse draws its own train",
                    proj.id
                ));
            }
        }
        // An original Poisson generator whose every synapse now has its own copy is unused.
        out.generators.retain(|g| {
            !g.targets.is_empty()
                || !self.projections.iter().any(|p| p.from == g.id)
                || out.synapses.iter().any(|s| s.from == g.id)
        });
        (out, notes)
    }
}
