//! Rebuilding the dense [`Network`] from the entities: detects when topology or parameters
//! change, gathers every item into arrays and the synapse CSR, and carries the dynamic state
//! (voltages, currents in flight, random streams) of items that survive over by entity.

use bevy::ecs::entity::{EntityHashMap, EntityHashSet, EntityIndex};
use bevy::ecs::system::SystemParam;
use bevy::prelude::*;

use super::DT;
use super::components::*;
use super::hh::{HhGates, HhState};
use super::network::*;
use super::neuronify::{NeuronifyClock, NeuronifyStepping, NeuronifySynapse};
use super::plasticity::{Rule, Stdp};
use super::population::{Population, PopulationMember, PopulationModel, Projection};
use super::reward::RewardLearning;

/// Set when the circuit's structure or parameters changed; the next tick rebuilds.
#[derive(Resource, Debug, Default)]
pub struct NetworkDirty(pub bool);

/// The run's seed; every random generator derives its own stream from it and its stable id.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SimSeed(pub u64);

type StructuralChange = Or<(
    Changed<LifParams>,
    Changed<Refractory>,
    Changed<HhParams>,
    Changed<Synapse>,
    Changed<SynapseKinetics>,
    Changed<Delay>,
    Changed<CurrentEdge>,
    Changed<DcSource>,
    Changed<AcSource>,
    Changed<RegularSpikes>,
    Changed<PoissonSpikes>,
    Changed<TouchSensor>,
    Changed<StableId>,
    Added<Inhibitory>,
    Added<RecordVoltage>,
)>;

type GroupChange = Or<(
    Changed<Population>,
    Changed<Projection>,
    Added<PopulationMember>,
)>;

type ModelChange = Or<(
    Changed<StartPotential>,
    Changed<NeuronifyStepping>,
    Changed<NeuronifySynapse>,
    Changed<NeuronifyClock>,
    Changed<Adaptation>,
    Changed<BurstCurrent>,
    Changed<Stdp>,
    Changed<RewardLearning>,
    Changed<EscapeNoise>,
)>;

/// Removals of any component the network is built from (despawning removes them all).
#[derive(SystemParam)]
pub(crate) struct RemovedItems<'w, 's> {
    lif: RemovedComponents<'w, 's, LifParams>,
    hh: RemovedComponents<'w, 's, HhParams>,
    synapse: RemovedComponents<'w, 's, Synapse>,
    current_edge: RemovedComponents<'w, 's, CurrentEdge>,
    dc: RemovedComponents<'w, 's, DcSource>,
    ac: RemovedComponents<'w, 's, AcSource>,
    regular: RemovedComponents<'w, 's, RegularSpikes>,
    poisson: RemovedComponents<'w, 's, PoissonSpikes>,
    touch: RemovedComponents<'w, 's, TouchSensor>,
    inhibitory: RemovedComponents<'w, 's, Inhibitory>,
    record: RemovedComponents<'w, 's, RecordVoltage>,
    adaptation: RemovedComponents<'w, 's, Adaptation>,
    burst: RemovedComponents<'w, 's, BurstCurrent>,
    stdp: RemovedComponents<'w, 's, Stdp>,
    reward: RemovedComponents<'w, 's, RewardLearning>,
    escape: RemovedComponents<'w, 's, EscapeNoise>,
    start: RemovedComponents<'w, 's, StartPotential>,
    neuronify: RemovedComponents<'w, 's, NeuronifyStepping>,
    neuronify_synapse: RemovedComponents<'w, 's, NeuronifySynapse>,
    neuronify_clock: RemovedComponents<'w, 's, NeuronifyClock>,
    population: RemovedComponents<'w, 's, Population>,
    member: RemovedComponents<'w, 's, PopulationMember>,
    projection: RemovedComponents<'w, 's, Projection>,
}

impl RemovedItems<'_, '_> {
    /// Whether anything was removed since the last call (reads every buffer to the end).
    fn any(&mut self) -> bool {
        let counts = [
            self.lif.read().count(),
            self.hh.read().count(),
            self.synapse.read().count(),
            self.current_edge.read().count(),
            self.dc.read().count(),
            self.ac.read().count(),
            self.regular.read().count(),
            self.poisson.read().count(),
            self.touch.read().count(),
            self.inhibitory.read().count(),
            self.record.read().count(),
            self.adaptation.read().count(),
            self.burst.read().count(),
            self.stdp.read().count(),
            self.reward.read().count(),
            self.escape.read().count(),
            self.start.read().count(),
            self.neuronify.read().count(),
            self.neuronify_synapse.read().count(),
            self.neuronify_clock.read().count(),
            self.population.read().count(),
            self.member.read().count(),
            self.projection.read().count(),
        ];
        counts.iter().any(|&c| c > 0)
    }
}

/// Flags a rebuild when a structural component was added, changed or removed. Adaptation and
/// burst components are written back with change detection bypassed, so only user edits count.
pub(crate) fn detect_structural_changes(
    changed: Query<(), StructuralChange>,
    changed_models: Query<(), ModelChange>,
    changed_groups: Query<(), GroupChange>,
    mut removed: RemovedItems,
    seed: Res<SimSeed>,
    mut dirty: ResMut<NetworkDirty>,
) {
    let any_removed = removed.any();
    if any_removed
        || !changed.is_empty()
        || !changed_models.is_empty()
        || !changed_groups.is_empty()
        || seed.is_changed()
    {
        dirty.0 = true;
    }
}

/// Rebuilds the network if flagged, keeping the state of items that still exist.
pub(crate) fn rebuild_network_if_dirty(world: &mut World) {
    if !world.resource::<NetworkDirty>().0 {
        return;
    }
    rebuild_network(world);
}

/// Rebuilds the network now, keeping the state of items that still exist.
pub fn rebuild_network(world: &mut World) {
    let seed = world.resource::<SimSeed>().0;
    let old = world.remove_resource::<Network>();
    let built = build(world, seed, old.as_ref());
    world.insert_resource(built);
    world.resource_mut::<NetworkDirty>().0 = false;
}

/// Items without a stable id (only ever made from code) fall back to the entity.
fn stable_or_entity(e: Entity, id: Option<&StableId>) -> String {
    id.map_or_else(|| format!("entity-{}", e.index()), |id| id.0.clone())
}

fn round_steps(seconds: f64) -> u64 {
    (seconds / DT).round().max(0.0) as u64
}

/// The order of the dense arrays: by stable id, so a circuit edited in the window (whose
/// entities were made in the order of its editing, indices reused) and the same file loaded
/// fresh build the same network and step alike. Items made in code without an id follow, in
/// entity order.
struct DenseOrder(EntityHashMap<String>);

impl DenseOrder {
    fn of(world: &mut World) -> Self {
        Self(
            world
                .query::<(Entity, &StableId)>()
                .iter(world)
                .map(|(e, id)| (e, id.0.clone()))
                .collect(),
        )
    }

    fn key(&self, e: Entity) -> (bool, &str, EntityIndex) {
        match self.0.get(&e) {
            Some(id) => (false, id.as_str(), e.index()),
            None => (true, "", e.index()),
        }
    }
}

/// The populations of the world, sorted by stable id, each with its members in order.
struct Groups(Vec<Group>);

struct Group {
    entity: Entity,
    id: String,
    population: Population,
    members: Vec<Entity>,
    seed: u64,
}

impl Groups {
    fn of(world: &mut World, seed: u64) -> Self {
        let mut members: EntityHashMap<Vec<(u32, Entity)>> = EntityHashMap::default();
        for (e, m) in world.query::<(Entity, &PopulationMember)>().iter(world) {
            members.entry(m.population).or_default().push((m.index, e));
        }
        let mut list: Vec<Group> = world
            .query::<(Entity, &Population, Option<&StableId>)>()
            .iter(world)
            .map(|(e, p, id)| {
                let mut m = members.remove(&e).unwrap_or_default();
                m.sort_unstable();
                Group {
                    entity: e,
                    id: stable_or_entity(e, id),
                    population: p.clone(),
                    members: m.into_iter().map(|(_, e)| e).collect(),
                    seed,
                }
            })
            .collect();
        list.sort_by(|a, b| a.id.cmp(&b.id));
        Self(list)
    }

    /// The integrate-and-fire populations with (or without) adaptation or burst currents.
    fn lif(&self, extras: bool) -> impl Iterator<Item = &Group> {
        self.0.iter().filter(move |g| {
            matches!(&g.population.model, PopulationModel::Lif { adaptation, burst, .. }
                if (adaptation.is_some() || burst.is_some()) == extras)
        })
    }

    fn hh(&self) -> impl Iterator<Item = &Group> {
        self.0
            .iter()
            .filter(|g| matches!(g.population.model, PopulationModel::Hh(_)))
    }

    fn members_of(&self, population: Entity) -> Option<&[Entity]> {
        self.0
            .iter()
            .find(|g| g.entity == population)
            .map(|g| g.members.as_slice())
    }
}

impl Group {
    /// Each member's start voltage (V): drawn from the seed and the population's id, so the
    /// same file and seed start the same way.
    fn starts(&self, reset_v: f64) -> Vec<f64> {
        let n = self.members.len();
        self.population
            .initial
            .starts(n, reset_v, self.seed, &self.id)
    }

    fn push_lif_members(&self, b: &mut NetworkBuilder) {
        let PopulationModel::Lif {
            params,
            refractory_s,
            adaptation,
            burst,
            escape,
        } = &self.population.model
        else {
            return;
        };
        let refractory = round_steps(*refractory_s);
        for (k, (&e, v)) in self
            .members
            .iter()
            .zip(self.starts(params.reset_v))
            .enumerate()
        {
            b.push_lif(e, params, v, refractory, *adaptation, *burst);
            b.set_start(v);
            if let Some(noise) = escape {
                b.set_escape(
                    e,
                    noise.width_v,
                    noise.max_rate_hz,
                    &format!("{}[{k}]", self.id),
                );
            }
        }
        b.mark_population(self.entity, self.members.len() as u32);
    }

    fn push_hh_members(&self, b: &mut NetworkBuilder) {
        let PopulationModel::Hh(params) = &self.population.model else {
            return;
        };
        for (&e, v) in self.members.iter().zip(self.starts(-0.065)) {
            let v_mv = v * 1e3;
            let g = super::hh::steady_state(v_mv);
            b.push_hh(
                e,
                params.area_cm2,
                HhState {
                    v: v_mv,
                    m: g.m,
                    n: g.n,
                    h: g.h,
                },
            );
        }
        b.mark_population(self.entity, self.members.len() as u32);
    }
}

/// Gathers every item of the world into a fresh [`Network`].
fn build(world: &mut World, seed: u64, old: Option<&Network>) -> Network {
    let order = DenseOrder::of(world);
    let inhibitory: EntityHashSet = world
        .query_filtered::<Entity, With<Inhibitory>>()
        .iter(world)
        .collect();
    let sign = |e: Entity| if inhibitory.contains(&e) { -1.0 } else { 1.0 };

    let mut b = NetworkBuilder::new(seed);

    // LIF family: plain neurons first so the hot loop has no branches on model extras.
    let mut lif: Vec<_> = world
        .query::<(
            Entity,
            &LifParams,
            &Membrane,
            Option<&Refractory>,
            Option<&Adaptation>,
            Option<&BurstCurrent>,
        )>()
        .iter(world)
        .map(|(e, p, m, r, a, bu)| (e, *p, *m, r.copied(), a.copied(), bu.copied()))
        .collect();
    lif.sort_by(|x, y| {
        let extras = |q: &(_, _, _, _, Option<Adaptation>, Option<BurstCurrent>)| {
            q.4.is_some() || q.5.is_some()
        };
        (extras(x), order.key(x.0)).cmp(&(extras(y), order.key(y.0)))
    });
    let escape: EntityHashMap<(EscapeNoise, String)> = world
        .query::<(Entity, &EscapeNoise, Option<&StableId>)>()
        .iter(world)
        .map(|(e, n, id)| (e, (*n, stable_or_entity(e, id))))
        .collect();
    let start: EntityHashMap<f64> = world
        .query::<(Entity, &StartPotential)>()
        .iter(world)
        .map(|(e, s)| (e, s.v))
        .collect();
    let neuronify: EntityHashMap<NeuronifyStepping> = world
        .query::<(Entity, &NeuronifyStepping)>()
        .iter(world)
        .map(|(e, n)| (e, *n))
        .collect();
    let groups = Groups::of(world, seed);
    // Plain neurons, then plain populations, then the same with model extras.
    for extras in [false, true] {
        let singles = lif
            .iter()
            .filter(|q| (q.4.is_some() || q.5.is_some()) == extras);
        for &(e, p, m, r, a, bu) in singles {
            let refractory = r.map_or(0, |r| round_steps(r.period_s));
            b.push_lif(e, &p, m.v, refractory, a, bu);
            if let Some(&v) = start.get(&e) {
                b.set_start(v);
            }
            if let Some(n) = neuronify.get(&e) {
                b.set_neuronify(r.map_or(0.0, |r| r.period_s), a, n.clamp_v);
            } else if let Some((noise, id)) = escape.get(&e) {
                b.set_escape(e, noise.width_v, noise.max_rate_hz, id);
            }
        }
        for group in groups.lif(extras) {
            group.push_lif_members(&mut b);
        }
    }
    let mut hh: Vec<_> = world
        .query::<(Entity, &HhParams, &Membrane, &HhGates)>()
        .iter(world)
        .map(|(e, p, m, g)| (e, *p, *m, *g))
        .collect();
    hh.sort_by(|x, y| order.key(x.0).cmp(&order.key(y.0)));
    for (e, p, m, g) in hh {
        b.push_hh(
            e,
            p.area_cm2,
            HhState {
                v: m.v * 1e3,
                m: g.m,
                n: g.n,
                h: g.h,
            },
        );
    }
    for group in groups.hh() {
        group.push_hh_members(&mut b);
    }

    let mut regular: Vec<_> = world
        .query::<(Entity, &RegularSpikes, Has<NeuronifyClock>)>()
        .iter(world)
        .map(|(e, g, clock)| (e, *g, clock))
        .collect();
    regular.sort_by(|x, y| order.key(x.0).cmp(&order.key(y.0)));
    for (e, g, neuronify_clock) in regular {
        b.push_regular(e, g.rate_hz, neuronify_clock);
    }
    let mut poisson: Vec<_> = world
        .query::<(Entity, &PoissonSpikes, Option<&StableId>)>()
        .iter(world)
        .map(|(e, g, id)| (e, *g, id.cloned()))
        .collect();
    poisson.sort_by(|x, y| order.key(x.0).cmp(&order.key(y.0)));
    for (e, g, id) in poisson {
        b.push_poisson(e, g.rate_hz, &stable_or_entity(e, id.as_ref()));
    }
    let mut touch: Vec<_> = world
        .query::<(Entity, &TouchSensor)>()
        .iter(world)
        .map(|(e, t)| (e, *t))
        .collect();
    touch.sort_by(|x, y| order.key(x.0).cmp(&order.key(y.0)));
    for (e, t) in touch {
        b.push_touch(e, t.repeat_hz, t.reward);
    }

    let dc: EntityHashMap<DcSource> = world
        .query::<(Entity, &DcSource)>()
        .iter(world)
        .map(|(e, d)| (e, *d))
        .collect();
    let ac: EntityHashMap<(AcSource, bool)> = world
        .query::<(Entity, &AcSource, Has<NeuronifyClock>)>()
        .iter(world)
        .map(|(e, a, clock)| (e, (*a, clock)))
        .collect();
    let mut edges: Vec<_> = world
        .query::<(Entity, &CurrentEdge)>()
        .iter(world)
        .map(|(e, c)| (e, *c))
        .collect();
    edges.sort_by(|x, y| order.key(x.0).cmp(&order.key(y.0)));
    for (e, edge) in edges {
        let s = sign(edge.source);
        // A current into a population goes into each of its members.
        let targets = groups
            .members_of(edge.target)
            .unwrap_or(std::slice::from_ref(&edge.target));
        if let Some(d) = dc.get(&edge.source) {
            for &target in targets {
                b.push_dc(e, target, s * d.current_a);
            }
        } else if let Some(&(a, neuronify_clock)) = ac.get(&edge.source) {
            // Neuronify's sine runs at 2·3.14159·f.
            let hz = if neuronify_clock {
                a.frequency_hz * super::NEURONIFY_PI / std::f64::consts::PI
            } else {
                a.frequency_hz
            };
            for &target in targets {
                b.push_ac(e, target, s * a.amplitude_a, hz, a.phase_rad);
            }
        } else {
            warn!(
                "current edge {e} starts at {}, which is no current source",
                edge.source
            );
        }
    }

    let mut synapses: Vec<_> = world
        .query::<(
            Entity,
            &Synapse,
            &SynapseKinetics,
            &Delay,
            Option<&Stdp>,
            Option<&RewardLearning>,
            Option<&NeuronifySynapse>,
        )>()
        .iter(world)
        .map(|(e, s, k, d, stdp, reward, nfy)| {
            let rule = match (stdp, reward) {
                (Some(r), _) => Some(Rule::Pairs(*r)),
                (None, Some(r)) => Some(Rule::Reward(*r)),
                (None, None) => None,
            };
            (e, *s, *k, *d, rule, nfy.copied())
        })
        .collect();
    synapses.sort_by(|x, y| order.key(x.0).cmp(&order.key(y.0)));
    for (e, syn, k, d, rule, nfy) in synapses {
        if let Some(state) = nfy {
            b.push_neuronify_synapse(e, syn, k, d.seconds, sign(syn.pre), state);
            continue;
        }
        b.push_synapse(e, syn, k, round_steps(d.seconds), sign(syn.pre));
        if let Some(rule) = rule {
            b.set_plastic(e, rule, k.tau_s);
        }
    }

    let poisson_rates: EntityHashMap<f64> = world
        .query::<(Entity, &PoissonSpikes)>()
        .iter(world)
        .map(|(e, g)| (e, g.rate_hz))
        .collect();
    let mut projections: Vec<_> = world
        .query::<(Entity, &Projection, Option<&StableId>)>()
        .iter(world)
        .map(|(e, p, id)| (e, p.clone(), stable_or_entity(e, id)))
        .collect();
    projections.sort_by(|x, y| order.key(x.0).cmp(&order.key(y.0)));
    for (e, p, id) in projections {
        let poisson = poisson_rates.get(&p.from).copied();
        b.push_projection(e, &id, &p, sign(p.from), poisson);
    }

    let mut recorded: Vec<Entity> = world
        .query_filtered::<Entity, With<RecordVoltage>>()
        .iter(world)
        .collect();
    recorded.sort_by(|x, y| order.key(*x).cmp(&order.key(*y)));
    b.set_recorded(&recorded);

    let mut network = b.finish();
    if let Some(old) = old {
        network.carry_state_from(old);
    }
    network
}
