//! Saving circuits: reads the items of a world back into the file schema (in spawn order, with
//! values rounded to 12 significant digits so unit conversions do not leave 0.20000000000000004)
//! and writes RON.

use std::collections::HashMap;

use bevy::prelude::*;

use super::error::CircuitError;
use super::schema::*;
use super::units::{tidy, to_mega, to_milli, to_nano};
use crate::sim::*;
// Named explicitly: with rendering built, bevy's prelude also exports a camera `Projection`.
use crate::sim::Projection;
use crate::sim::plasticity::Rule;

fn pos(p: Option<&Position>) -> (f32, f32) {
    p.map_or((0.0, 0.0), |p| (p.0.x, p.0.y))
}

/// A LIF model in file units, from the simulation's parameters.
fn lif_model(
    m: &LifParams,
    refractory_s: f64,
    adaptation: Option<&Adaptation>,
    burst: Option<&BurstCurrent>,
    escape: Option<&EscapeNoise>,
    start: Option<&StartPotential>,
    neuronify: Option<&NeuronifyStepping>,
) -> LifModel {
    LifModel {
        capacitance_nf: to_nano(m.capacitance_f),
        resistance_mohm: to_mega(m.resistance_ohm),
        resting_mv: to_milli(m.resting_v),
        threshold_mv: to_milli(m.threshold_v),
        reset_mv: to_milli(m.reset_v),
        refractory_ms: to_milli(refractory_s),
        escape: escape.map(EscapeModel::from_sim),
        adaptation: adaptation.map(|a| AdaptationModel {
            increment_ns: to_nano(a.increment_s),
            tau_ms: to_milli(a.tau_s),
        }),
        burst: burst.map(|b| BurstModel {
            peak_na: to_nano(b.peak_a),
            ramp_na_per_s: to_nano(b.ramp_a_per_s),
        }),
        start_mv: start.map(|s| to_milli(s.v)),
        neuronify: neuronify.map(NeuronifyNeuronModel::from_sim),
    }
}

/// A drawn quantity without the float noise of a unit conversion.
fn tidy_drawn(d: Drawn) -> Drawn {
    match d {
        Drawn::Fixed(x) => Drawn::Fixed(tidy(x)),
        Drawn::Normal { mean, sd } => Drawn::Normal {
            mean: tidy(mean),
            sd: tidy(sd),
        },
        Drawn::Uniform { low, high } => Drawn::Uniform {
            low: tidy(low),
            high: tidy(high),
        },
    }
}

fn label(l: Option<&Label>) -> String {
    l.map_or_else(String::new, |l| l.0.clone())
}

impl Circuit {
    /// Reads every circuit item of the world into a circuit. Items without a stable id get
    /// one made from their entity.
    pub fn from_world(world: &mut World, name: &str, description: &str) -> Circuit {
        let mut ids: HashMap<Entity, String> = world
            .query::<(Entity, &StableId)>()
            .iter(world)
            .map(|(e, id)| (e, id.0.clone()))
            .collect();
        let mut id_of = |e: Entity| {
            ids.entry(e)
                .or_insert_with(|| format!("item-{}", e.index()))
                .clone()
        };
        let mut circuit = Circuit {
            description: description.to_owned(),
            ..Circuit::empty(name)
        };

        let mut neurons: Vec<_> = world
            .query::<(
                Entity,
                Option<&Label>,
                Option<&Position>,
                Has<Inhibitory>,
                Option<&LifParams>,
                Option<&Refractory>,
                Option<&Adaptation>,
                Option<&BurstCurrent>,
                Option<&HhParams>,
                Option<&EscapeNoise>,
                Option<&StartPotential>,
                Option<&NeuronifyStepping>,
            )>()
            .iter(world)
            .filter(|q| q.4.is_some() || q.8.is_some())
            .map(|(e, l, p, inh, lif, r, a, b, hh, noise, start, nfy)| {
                let model = match (lif, hh) {
                    (Some(m), _) => NeuronModel::Lif(lif_model(
                        m,
                        r.map_or(0.0, |r| r.period_s),
                        a,
                        b,
                        noise,
                        start,
                        nfy,
                    )),
                    (None, h) => NeuronModel::HodgkinHuxley(HhModel {
                        area_cm2: h.map_or(1e-4, |h| h.area_cm2),
                    }),
                };
                (e, label(l), pos(p), inh, model)
            })
            .collect();
        neurons.sort_by_key(|n| n.0.index());
        for (e, label, position, inhibitory, model) in neurons {
            circuit.neurons.push(NeuronItem {
                id: id_of(e),
                label,
                position,
                inhibitory,
                model,
            });
        }

        let mut targets: HashMap<Entity, Vec<Entity>> = HashMap::new();
        let mut edges: Vec<_> = world
            .query::<(Entity, &CurrentEdge)>()
            .iter(world)
            .map(|(e, c)| (e, *c))
            .collect();
        edges.sort_by_key(|(e, _)| e.index());
        for (_, edge) in edges {
            targets.entry(edge.source).or_default().push(edge.target);
        }
        let mut generators: Vec<_> = world
            .query::<(
                Entity,
                Option<&Label>,
                Option<&Position>,
                Has<Inhibitory>,
                AnyOf<(&DcSource, &AcSource, &RegularSpikes, &PoissonSpikes)>,
                Option<&VisualInput>,
                Option<&PlaceCell>,
                Has<NeuronifyClock>,
            )>()
            .iter(world)
            .map(|(e, l, p, inh, kinds, visual, place, clock)| {
                let kind = match (kinds, visual, place) {
                    (.., Some(p)) => GeneratorKind::PlaceCell(*p),
                    (_, Some(v), _) => GeneratorKind::VisualInput(v.clone()),
                    ((Some(d), ..), ..) => GeneratorKind::Dc {
                        current_na: to_nano(d.current_a),
                    },
                    ((_, Some(a), ..), ..) => GeneratorKind::Ac {
                        amplitude_na: to_nano(a.amplitude_a),
                        frequency_hz: a.frequency_hz,
                        phase_deg: tidy(a.phase_rad.to_degrees()),
                    },
                    ((_, _, Some(r), _), ..) => GeneratorKind::Regular { rate_hz: r.rate_hz },
                    ((_, _, _, Some(p)), ..) => GeneratorKind::Poisson { rate_hz: p.rate_hz },
                    _ => unreachable!("AnyOf matches at least one"),
                };
                (e, label(l), pos(p), inh, kind, clock)
            })
            .collect();
        generators.sort_by_key(|g| g.0.index());
        for (e, label, position, inhibitory, kind, neuronify_clock) in generators {
            let targets = targets.get(&e).cloned().unwrap_or_default();
            circuit.generators.push(GeneratorItem {
                id: id_of(e),
                label,
                position,
                inhibitory,
                kind,
                targets: targets.into_iter().map(&mut id_of).collect(),
                neuronify_clock,
            });
        }

        let mut sensors: Vec<_> = world
            .query::<(Entity, Option<&Label>, Option<&Position>, &TouchSensor)>()
            .iter(world)
            .map(|(e, l, p, t)| (e, label(l), pos(p), *t))
            .collect();
        sensors.sort_by_key(|s| s.0.index());
        for (e, label, position, touch) in sensors {
            circuit.sensors.push(SensorItem {
                id: id_of(e),
                label,
                position,
                repeat_hz: touch.repeat_hz,
                reward: touch.reward,
            });
        }

        let mut synapses: Vec<_> = world
            .query::<(
                Entity,
                &Synapse,
                &SynapseKinetics,
                &Delay,
                Option<&StableId>,
                Option<&Stdp>,
                Option<&RewardLearning>,
                Option<&NeuronifySynapse>,
            )>()
            .iter(world)
            .map(|(e, s, k, d, id, stdp, reward, nfy)| {
                (
                    e,
                    *s,
                    *k,
                    *d,
                    id.map_or_else(String::new, |id| id.0.clone()),
                    stdp.map(StdpModel::from_sim),
                    reward.map(RewardModel::from_sim),
                    nfy.map(NeuronifySynapseModel::from_sim),
                )
            })
            .collect();
        synapses.sort_by_key(|s| s.0.index());
        for (_, s, k, d, id, stdp, reward, neuronify) in synapses {
            circuit.synapses.push(SynapseItem {
                id,
                from: id_of(s.pre),
                to: id_of(s.post),
                weight_na: to_nano(k.weight_a),
                tau_ms: to_milli(k.tau_s),
                delay_ms: to_milli(d.seconds),
                mode: k.mode,
                stdp,
                reward,
                neuronify,
            });
        }

        let mut observed: HashMap<Entity, Vec<Entity>> = HashMap::new();
        let mut observations: Vec<_> = world
            .query::<(Entity, &Observes)>()
            .iter(world)
            .map(|(e, o)| (e, *o))
            .collect();
        observations.sort_by_key(|(e, _)| e.index());
        for (_, o) in observations {
            observed.entry(o.meter).or_default().push(o.target);
        }
        let mut meters: Vec<_> = world
            .query::<(Entity, Option<&Label>, Option<&Position>, &Meter)>()
            .iter(world)
            .map(|(e, l, p, m)| (e, label(l), pos(p), m.kind))
            .collect();
        meters.sort_by_key(|m| m.0.index());
        for (e, label, position, kind) in meters {
            let observes = observed.get(&e).cloned().unwrap_or_default();
            circuit.meters.push(MeterItem {
                id: id_of(e),
                label,
                position,
                kind,
                observes: observes.into_iter().map(&mut id_of).collect(),
            });
        }

        let mut notes: Vec<_> = world
            .query::<(Entity, Option<&Position>, &Note)>()
            .iter(world)
            .map(|(e, p, n)| (e, pos(p), n.clone()))
            .collect();
        notes.sort_by_key(|n| n.0.index());
        for (e, position, note) in notes {
            circuit.notes.push(NoteItem {
                id: id_of(e),
                position,
                text: note.text,
                width: note.width,
            });
        }
        circuit.groups_from_world(world, &mut id_of);
        circuit.version = circuit.needed_version();
        circuit
    }

    /// Reads populations and projections back, in spawn order.
    fn groups_from_world(&mut self, world: &mut World, id_of: &mut impl FnMut(Entity) -> String) {
        let mut populations: Vec<_> = world
            .query::<(
                Entity,
                Option<&Label>,
                Option<&Position>,
                Has<Inhibitory>,
                &Population,
            )>()
            .iter(world)
            .map(|(e, l, p, inh, pop)| (e, label(l), pos(p), inh, pop.clone()))
            .collect();
        populations.sort_by_key(|p| p.0.index());
        for (e, label, position, inhibitory, p) in populations {
            let model = match &p.model {
                PopulationModel::Lif {
                    params,
                    refractory_s,
                    adaptation,
                    burst,
                    escape,
                } => NeuronModel::Lif(lif_model(
                    params,
                    *refractory_s,
                    adaptation.as_ref(),
                    burst.as_ref(),
                    escape.as_ref(),
                    None,
                    None,
                )),
                PopulationModel::Hh(h) => NeuronModel::HodgkinHuxley(HhModel {
                    area_cm2: h.area_cm2,
                }),
            };
            self.populations.push(PopulationItem {
                id: id_of(e),
                label,
                position,
                size: p.size,
                inhibitory,
                model,
                initial_mv: match p.initial {
                    InitialVoltage::Reset => InitialPotential::Reset,
                    InitialVoltage::Fixed(v) => InitialPotential::Fixed(to_milli(v)),
                    InitialVoltage::Uniform(lo, hi) => {
                        InitialPotential::Uniform(to_milli(lo), to_milli(hi))
                    }
                },
                layout: p.layout,
            });
        }
        let mut projections: Vec<_> = world
            .query::<(Entity, &Projection)>()
            .iter(world)
            .map(|(e, p)| (e, p.clone()))
            .collect();
        projections.sort_by_key(|p| p.0.index());
        for (e, p) in projections {
            self.projections.push(ProjectionItem {
                id: id_of(e),
                from: id_of(p.from),
                to: id_of(p.to),
                rule: p.rule,
                autapses: p.autapses,
                weight_na: tidy_drawn(p.weight_a.scaled(1e9)),
                delay_ms: tidy_drawn(p.delay_s.scaled(1e3)),
                tau_ms: to_milli(p.tau_s),
                mode: p.mode,
                stdp: match &p.learning {
                    Some(Rule::Pairs(s)) => Some(StdpModel::from_sim(s)),
                    _ => None,
                },
                reward: match &p.learning {
                    Some(Rule::Reward(r)) => Some(RewardModel::from_sim(r)),
                    _ => None,
                },
            });
        }
    }

    /// The circuit as pretty RON text.
    /// The version written is the oldest that holds the circuit, so a file without populations
    /// stays readable by builds that know only version 1.
    pub fn to_ron_string(&self) -> Result<String, CircuitError> {
        let config = ron::ser::PrettyConfig::new()
            .struct_names(true)
            .separate_tuple_members(false);
        let versioned;
        let circuit = if self.version == self.needed_version() {
            self
        } else {
            versioned = Circuit {
                version: self.needed_version(),
                ..self.clone()
            };
            &versioned
        };
        ron::ser::to_string_pretty(circuit, config)
            .map_err(|e| CircuitError::Serialise(e.to_string()))
    }

    /// Writes the circuit to `path` atomically.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn save(&self, path: &std::path::Path) -> Result<(), CircuitError> {
        let text = self.to_ron_string()?;
        super::write_atomic(path, text.as_bytes()).map_err(|source| CircuitError::Io {
            file: path.display().to_string(),
            source,
        })
    }
}
