//! Bringing a world in line with a circuit: spawns items that are new, updates the components
//! of items that changed, despawns items and edges that are gone. Items are matched by stable
//! id, so an edited item keeps its entity and with it its dynamic state (voltage, refractory
//! clock, spikes in flight). Loading a file is the special case with no previous circuit.

use std::collections::{HashMap, HashSet};

use bevy::prelude::*;

use super::load::SpawnedCircuit;
use super::schema::*;
use super::units::{from_milli, from_nano};
use crate::sim;

/// Added to an item whose look changed (kind, sign, label, text), so views rebuild its
/// visuals. Views remove it once they have.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct Restyled;

impl Circuit {
    /// Spawns every item as entities. The circuit must have been validated.
    pub fn spawn(&self, world: &mut World) -> SpawnedCircuit {
        self.apply(world, None)
    }

    /// Makes the world show `self`, given that it shows `previous` (or nothing of this circuit
    /// yet). Both circuits must have been validated.
    pub fn apply(&self, world: &mut World, previous: Option<&Circuit>) -> SpawnedCircuit {
        let empty = Circuit::empty("");
        let previous = previous.unwrap_or(&empty);
        let mut by_id: HashMap<String, Entity> = if std::ptr::eq(previous, &empty) {
            HashMap::new()
        } else {
            world
                .query::<(Entity, &sim::StableId)>()
                .iter(world)
                .map(|(e, id)| (id.0.clone(), e))
                .collect()
        };

        // Edges are matched by the entities their ends had before any removal.
        let old_by_id = by_id.clone();
        // Items and synapses that are gone go first, with the edges that named them.
        let wanted: HashSet<&str> = self.ids().collect();
        for id in previous.ids() {
            if !wanted.contains(id)
                && let Some(e) = by_id.remove(id)
            {
                world.despawn(e);
            }
        }

        for n in &self.neurons {
            let old = previous.neurons.iter().find(|o| o.id == n.id);
            let e = place(
                world,
                &mut by_id,
                &n.id,
                &n.label,
                n.position,
                old.map(|o| (&o.label, o.position)),
            );
            if old.is_none_or(|o| (o.inhibitory, &o.model) != (n.inhibitory, &n.model)) {
                set_neuron(&mut world.entity_mut(e), n);
                restyle(world, e, old.is_some());
            }
        }
        for g in &self.generators {
            let old = previous.generators.iter().find(|o| o.id == g.id);
            let e = place(
                world,
                &mut by_id,
                &g.id,
                &g.label,
                g.position,
                old.map(|o| (&o.label, o.position)),
            );
            if old.is_none_or(|o| (o.inhibitory, &o.kind) != (g.inhibitory, &g.kind)) {
                set_generator(&mut world.entity_mut(e), g);
                restyle(world, e, old.is_some());
            }
        }
        for s in &self.sensors {
            let old = previous.sensors.iter().find(|o| o.id == s.id);
            let e = place(
                world,
                &mut by_id,
                &s.id,
                &s.label,
                s.position,
                old.map(|o| (&o.label, o.position)),
            );
            if old.is_none_or(|o| (o.repeat_hz, o.reward) != (s.repeat_hz, s.reward)) {
                world.entity_mut(e).insert(sim::TouchSensor {
                    repeat_hz: s.repeat_hz,
                    reward: s.reward,
                });
            }
        }
        for m in &self.meters {
            let old = previous.meters.iter().find(|o| o.id == m.id);
            let e = place(
                world,
                &mut by_id,
                &m.id,
                &m.label,
                m.position,
                old.map(|o| (&o.label, o.position)),
            );
            if old.is_none_or(|o| o.kind != m.kind) {
                world.entity_mut(e).insert(sim::Meter { kind: m.kind });
                restyle(world, e, old.is_some());
            }
        }
        for n in &self.notes {
            let old = previous.notes.iter().find(|o| o.id == n.id);
            let e = place(
                world,
                &mut by_id,
                &n.id,
                "",
                n.position,
                old.map(|o| (&o.text, o.position)),
            );
            if old.is_none_or(|o| (&o.text, o.width) != (&n.text, n.width)) {
                world.entity_mut(e).insert(sim::Note {
                    text: n.text.clone(),
                    width: n.width,
                });
                restyle(world, e, old.is_some());
            }
        }

        for p in &self.populations {
            let old = previous.populations.iter().find(|o| o.id == p.id);
            let e = place(
                world,
                &mut by_id,
                &p.id,
                &p.label,
                p.position,
                old.map(|o| (&o.label, o.position)),
            );
            if old != Some(p) {
                set_population(&mut world.entity_mut(e), p);
                restyle(world, e, old.is_some());
            }
        }

        self.apply_synapses(world, previous, &old_by_id, &mut by_id);
        self.apply_projections(world, previous, &mut by_id);
        self.apply_pair_edges(world, previous, &old_by_id, &by_id);
        SpawnedCircuit { by_id }
    }

    /// A circuit with nothing in it.
    pub fn empty(name: &str) -> Circuit {
        Circuit {
            // Version 1 until the circuit holds populations (see `needed_version`).
            version: 1,
            name: name.to_owned(),
            description: String::new(),
            neurons: Vec::new(),
            generators: Vec::new(),
            sensors: Vec::new(),
            synapses: Vec::new(),
            meters: Vec::new(),
            notes: Vec::new(),
            populations: Vec::new(),
            projections: Vec::new(),
        }
    }

    /// Every stable id: items, then synapses that have one.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.neurons
            .iter()
            .map(|n| n.id.as_str())
            .chain(self.generators.iter().map(|g| g.id.as_str()))
            .chain(self.sensors.iter().map(|s| s.id.as_str()))
            .chain(self.meters.iter().map(|m| m.id.as_str()))
            .chain(self.notes.iter().map(|n| n.id.as_str()))
            .chain(self.populations.iter().map(|p| p.id.as_str()))
            .chain(self.projections.iter().map(|p| p.id.as_str()))
            .chain(
                self.synapses
                    .iter()
                    .map(|s| s.id.as_str())
                    .filter(|id| !id.is_empty()),
            )
    }

    /// Synapses are matched by id. The editor names every synapse, so unnamed ones (from
    /// hand-written files) only ever meet a spawn, which creates them; gone ones were
    /// despawned with the other ids.
    fn apply_synapses(
        &self,
        world: &mut World,
        previous: &Circuit,
        old_by_id: &HashMap<String, Entity>,
        by_id: &mut HashMap<String, Entity>,
    ) {
        let old: HashMap<&str, &SynapseItem> = previous
            .synapses
            .iter()
            .filter(|s| !s.id.is_empty())
            .map(|s| (s.id.as_str(), s))
            .collect();
        for s in &self.synapses {
            let (Some(&pre), Some(&post)) = (by_id.get(&s.from), by_id.get(&s.to)) else {
                continue;
            };
            let components = (
                sim::Synapse { pre, post },
                sim::SynapseKinetics {
                    weight_a: from_nano(s.weight_na),
                    tau_s: from_milli(s.tau_ms),
                    mode: s.mode,
                },
                sim::Delay {
                    seconds: from_milli(s.delay_ms),
                },
            );
            let existing = old_by_id
                .get(&s.id)
                .copied()
                .filter(|e| !s.id.is_empty() && world.get_entity(*e).is_ok());
            let set_learning = |e: &mut EntityWorldMut| {
                match &s.neuronify {
                    Some(n) => e.insert(n.to_sim()),
                    None => e.remove::<sim::NeuronifySynapse>(),
                };
                match &s.stdp {
                    Some(m) => e.insert(m.to_sim()),
                    None => e.remove::<sim::Stdp>(),
                };
                match &s.reward {
                    Some(m) => e.insert(m.to_sim()),
                    None => e.remove::<sim::RewardLearning>(),
                };
            };
            match existing {
                Some(e) => {
                    let before = old.get(s.id.as_str());
                    if before != Some(&s) {
                        let mut components = components;
                        // What a learning synapse has learned stays, unless its weight itself
                        // was edited.
                        let learned = world.get::<sim::SynapseKinetics>(e).map(|k| k.weight_a);
                        let learns = |s: &SynapseItem| s.stdp.is_some() || s.reward.is_some();
                        if let (Some(before), Some(w)) = (before, learned)
                            && learns(before)
                            && learns(s)
                            && before.weight_na == s.weight_na
                        {
                            components.1.weight_a = w;
                        }
                        let mut e = world.entity_mut(e);
                        e.insert(components);
                        set_learning(&mut e);
                    }
                }
                None => {
                    let mut e = world.spawn(components);
                    set_learning(&mut e);
                    let e = e.id();
                    if !s.id.is_empty() {
                        world.entity_mut(e).insert(sim::StableId(s.id.clone()));
                        by_id.insert(s.id.clone(), e);
                    }
                }
            }
        }
    }

    /// Projections are matched by id; their ends are entities of this circuit.
    fn apply_projections(
        &self,
        world: &mut World,
        previous: &Circuit,
        by_id: &mut HashMap<String, Entity>,
    ) {
        for p in &self.projections {
            let (Some(&from), Some(&to)) = (by_id.get(&p.from), by_id.get(&p.to)) else {
                continue;
            };
            let component = p.to_sim(from, to);
            let existing = by_id
                .get(&p.id)
                .copied()
                .filter(|e| world.get_entity(*e).is_ok());
            match existing {
                Some(e) => {
                    let before = previous.projections.iter().find(|o| o.id == p.id);
                    let moved = world.get::<sim::Projection>(e).map(|c| (c.from, c.to));
                    if before != Some(p) || moved != Some((from, to)) {
                        world.entity_mut(e).insert((component, Restyled));
                    }
                }
                None => {
                    let e = world.spawn((component, sim::StableId(p.id.clone()))).id();
                    by_id.insert(p.id.clone(), e);
                }
            }
        }
    }

    /// Current edges (generator targets) and observations (meter targets): plain pairs with no
    /// parameters, so they are only ever added or removed.
    fn apply_pair_edges(
        &self,
        world: &mut World,
        previous: &Circuit,
        old_by_id: &HashMap<String, Entity>,
        by_id: &HashMap<String, Entity>,
    ) {
        // In list order, so entities are spawned (and saved back) in the file's order.
        let currents = |c: &Circuit, ids: &HashMap<String, Entity>| -> Vec<(Entity, Entity)> {
            c.generators
                .iter()
                .flat_map(|g| g.targets.iter().map(move |t| (&g.id, t)))
                .filter_map(|(g, t)| Some((*ids.get(g)?, *ids.get(t)?)))
                .collect()
        };
        let observations = |c: &Circuit, ids: &HashMap<String, Entity>| -> Vec<(Entity, Entity)> {
            c.meters
                .iter()
                .flat_map(|m| m.observes.iter().map(move |t| (&m.id, t)))
                .filter_map(|(m, t)| Some((*ids.get(m)?, *ids.get(t)?)))
                .collect()
        };
        let (want_current, had_current) = (currents(self, by_id), currents(previous, old_by_id));
        let (want_observe, had_observe) =
            (observations(self, by_id), observations(previous, old_by_id));
        let entity = |id: &String| by_id.get(id).copied();

        if want_current != had_current {
            let stale: Vec<Entity> = world
                .query::<(Entity, &sim::CurrentEdge)>()
                .iter(world)
                .filter(|(_, c)| {
                    let pair = (c.source, c.target);
                    had_current.contains(&pair) && !want_current.contains(&pair)
                })
                .map(|(e, _)| e)
                .collect();
            for e in stale {
                world.despawn(e);
            }
            for &(source, target) in want_current.iter().filter(|p| !had_current.contains(p)) {
                world.spawn(sim::CurrentEdge { source, target });
            }
        }
        if want_observe != had_observe {
            let stale: Vec<Entity> = world
                .query::<(Entity, &sim::Observes)>()
                .iter(world)
                .filter(|(_, o)| {
                    let pair = (o.meter, o.target);
                    had_observe.contains(&pair) && !want_observe.contains(&pair)
                })
                .map(|(e, _)| e)
                .collect();
            for e in stale {
                world.despawn(e);
            }
            for &(meter, target) in want_observe.iter().filter(|p| !had_observe.contains(p)) {
                world.spawn(sim::Observes { meter, target });
            }
        }
        // Voltmeters need the voltages of what they observe recorded, and only those.
        let recorded: HashSet<Entity> = self
            .meters
            .iter()
            .filter(|m| m.kind == sim::MeterKind::Voltmeter)
            .flat_map(|m| m.observes.iter().filter_map(entity))
            .collect();
        // Of a population, a few members spread evenly over it.
        let sampled_members = |world: &World, population: Entity, size: u32| -> Vec<Entity> {
            let wanted: HashSet<u32> =
                sim::population::evenly_spaced(size, sim::population::VOLTMETER_MEMBERS).collect();
            world
                .get::<Children>(population)
                .into_iter()
                .flatten()
                .filter(|&&m| {
                    world
                        .get::<sim::PopulationMember>(m)
                        .is_some_and(|pm| wanted.contains(&pm.index))
                })
                .copied()
                .collect()
        };
        let mut recorded = recorded;
        let mut members: Vec<Entity> = Vec::new();
        for p in &self.populations {
            let Some(e) = entity(&p.id) else { continue };
            let sampled = sampled_members(world, e, p.size);
            if recorded.remove(&e) {
                recorded.extend(sampled.iter().copied());
            }
            members.extend(sampled);
        }
        let neurons = self.neurons.iter().filter_map(|n| entity(&n.id));
        for n in neurons.chain(members) {
            let Ok(mut e) = world.get_entity_mut(n) else {
                continue;
            };
            match (recorded.contains(&n), e.contains::<sim::RecordVoltage>()) {
                (true, false) => {
                    e.insert(sim::RecordVoltage);
                }
                (false, true) => {
                    e.remove::<sim::RecordVoltage>();
                }
                _ => {}
            }
        }
    }
}

/// Finds or spawns the entity of an item and sets its id, label and position if they are new
/// or changed. `old` is the item's previous label and position.
fn place(
    world: &mut World,
    by_id: &mut HashMap<String, Entity>,
    id: &str,
    label: &str,
    position: (f32, f32),
    old: Option<(&String, (f32, f32))>,
) -> Entity {
    let pos = sim::Position(Vec2::new(position.0, position.1));
    match by_id
        .get(id)
        .copied()
        .filter(|e| world.get_entity(*e).is_ok())
    {
        Some(e) => {
            let mut entity = world.entity_mut(e);
            if old.is_none_or(|(_, p)| p != position) {
                entity.insert(pos);
            }
            if old.is_none_or(|(l, _)| l != label) {
                entity.insert((sim::Label(label.to_owned()), Restyled));
            }
            e
        }
        None => {
            let e = world
                .spawn((
                    sim::StableId(id.to_owned()),
                    sim::Label(label.to_owned()),
                    pos,
                ))
                .id();
            by_id.insert(id.to_owned(), e);
            e
        }
    }
}

/// Marks an existing item whose look changed.
fn restyle(world: &mut World, e: Entity, existed: bool) {
    if existed {
        world.entity_mut(e).insert(Restyled);
    }
}

/// Gives an entity exactly the components of a neuron item, keeping its dynamic state.
fn set_neuron(e: &mut EntityWorldMut, n: &NeuronItem) {
    match &n.model {
        NeuronModel::Lif(m) => {
            let params = m.params();
            e.remove::<(sim::HhParams, sim::HhGates)>();
            // A new neuron starts at its start (or reset) potential, before `LifParams` would
            // bring in the required default; an edited one keeps its voltage.
            let start = m.start_mv.map(from_milli);
            if !e.contains::<sim::Membrane>() {
                e.insert(sim::Membrane {
                    v: start.unwrap_or(params.reset_v),
                });
            }
            match start {
                Some(v) => e.insert(sim::StartPotential { v }),
                None => e.remove::<sim::StartPotential>(),
            };
            match &m.neuronify {
                Some(n) => e.insert(n.to_sim()),
                None => e.remove::<sim::NeuronifyStepping>(),
            };
            e.insert((
                params,
                sim::Refractory {
                    period_s: from_milli(m.refractory_ms),
                },
            ));
            match &m.adaptation {
                Some(a) => {
                    let conductance_s = e.get::<sim::Adaptation>().map_or(0.0, |o| o.conductance_s);
                    e.insert(sim::Adaptation {
                        increment_s: from_nano(a.increment_ns),
                        tau_s: from_milli(a.tau_ms),
                        conductance_s,
                    });
                }
                None => {
                    e.remove::<sim::Adaptation>();
                }
            }
            match &m.burst {
                Some(b) => {
                    let current_a = e.get::<sim::BurstCurrent>().map_or(0.0, |o| o.current_a);
                    e.insert(sim::BurstCurrent {
                        peak_a: from_nano(b.peak_na),
                        ramp_a_per_s: from_nano(b.ramp_na_per_s),
                        current_a,
                    });
                }
                None => {
                    e.remove::<sim::BurstCurrent>();
                }
            }
            match &m.escape {
                Some(noise) => e.insert(noise.to_sim()),
                None => e.remove::<sim::EscapeNoise>(),
            };
        }
        NeuronModel::HodgkinHuxley(m) => {
            e.remove::<(
                sim::EscapeNoise,
                sim::LifParams,
                sim::Refractory,
                sim::Adaptation,
                sim::BurstCurrent,
                sim::StartPotential,
                sim::NeuronifyStepping,
            )>();
            e.insert(sim::HhParams {
                area_cm2: m.area_cm2,
            });
        }
    }
    set_inhibitory(e, n.inhibitory);
}

/// Gives an entity exactly the components of a generator item.
fn set_generator(e: &mut EntityWorldMut, g: &GeneratorItem) {
    e.remove::<(
        sim::DcSource,
        sim::AcSource,
        sim::RegularSpikes,
        sim::PoissonSpikes,
        sim::VisualInput,
        sim::PlaceCell,
        sim::NeuronifyClock,
    )>();
    if g.neuronify_clock {
        e.insert(sim::NeuronifyClock);
    }
    match &g.kind {
        GeneratorKind::Dc { current_na } => {
            e.insert(sim::DcSource {
                current_a: from_nano(*current_na),
            });
        }
        GeneratorKind::Ac {
            amplitude_na,
            frequency_hz,
            phase_deg,
        } => {
            e.insert(sim::AcSource {
                amplitude_a: from_nano(*amplitude_na),
                frequency_hz: *frequency_hz,
                phase_rad: phase_deg.to_radians(),
            });
        }
        GeneratorKind::Regular { rate_hz } => {
            e.insert(sim::RegularSpikes { rate_hz: *rate_hz });
        }
        GeneratorKind::Poisson { rate_hz } => {
            e.insert(sim::PoissonSpikes { rate_hz: *rate_hz });
        }
        GeneratorKind::VisualInput(v) => {
            e.insert((
                sim::PoissonSpikes {
                    rate_hz: v.rate_hz(),
                },
                v.clone(),
            ));
        }
        GeneratorKind::PlaceCell(p) => {
            // The rate follows the animal from the next tick on.
            e.insert((sim::PoissonSpikes { rate_hz: 0.0 }, *p));
        }
    }
    set_inhibitory(e, g.inhibitory);
}

/// Gives an entity the component of a population item and exactly `size` member children
/// (members that remain keep their entities, and with them their state).
fn set_population(e: &mut EntityWorldMut, p: &PopulationItem) {
    let population = e.id();
    let had = e.get::<sim::Population>().map_or(0, |q| q.size);
    e.insert(p.to_sim());
    set_inhibitory(e, p.inhibitory);
    let members: Vec<(Entity, u32)> = e
        .get::<Children>()
        .map_or_else(Vec::new, |c| c.iter().collect::<Vec<_>>())
        .into_iter()
        .filter_map(|m| Some((m, e.world().get::<sim::PopulationMember>(m)?.index)))
        .collect();
    if had == p.size && members.len() == p.size as usize {
        return;
    }
    e.world_scope(|world| {
        for &(m, index) in &members {
            if index >= p.size {
                world.despawn(m);
            }
        }
        let have = members.iter().filter(|(_, i)| *i < p.size).count() as u32;
        world.spawn_batch((have..p.size).map(move |index| {
            (
                sim::PopulationMember { population, index },
                ChildOf(population),
            )
        }));
    });
}

fn set_inhibitory(e: &mut EntityWorldMut, inhibitory: bool) {
    if inhibitory {
        e.insert(sim::Inhibitory);
    } else {
        e.remove::<sim::Inhibitory>();
    }
}
