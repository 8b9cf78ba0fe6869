//! Edits of a circuit, as the sandbox makes them: add an item of a palette kind, wire two
//! items with the edge that suits the pair (or refuse with a reason), move, remove, copy and
//! paste with the edges inside the selection. Plain functions of the file schema, so they are
//! tested without a window.

use std::collections::{HashMap, HashSet};

use bevy::math::Vec2;

use super::EditError;
use crate::circuit::*;
use crate::sim::{
    ConnectionRule, Drawn, MeterKind, PlaceCell, PopulationLayout, SynapseMode, VisualInput,
};

/// The edge a wiring gesture made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wire {
    /// A synapse with this id.
    Synapse(String),
    /// A current generator now injects into the neuron.
    Current,
    /// A meter now observes the neuron or population.
    Observation,
    /// A projection with this id (one end is a population).
    Projection(String),
}

impl Circuit {
    /// The smallest unused id `prefix-N`.
    pub fn fresh_id(&self, prefix: &str) -> String {
        let used: HashSet<&str> = self.ids().collect();
        (1..)
            .map(|n| format!("{prefix}-{n}"))
            .find(|id| !used.contains(id.as_str()))
            .expect("an unbounded range has an unused id")
    }

    /// Gives every synapse an id, so edits can name it.
    pub fn name_unnamed_synapses(&mut self) {
        for i in 0..self.synapses.len() {
            if self.synapses[i].id.is_empty() {
                self.synapses[i].id = self.fresh_id("synapse");
            }
        }
    }

    /// Adds an item of `kind` at canvas position `at` with default parameters; returns its id.
    pub fn add_item(&mut self, kind: ItemKind, at: Vec2) -> String {
        let id = self.fresh_id(kind.id_prefix());
        let position = (at.x.round(), at.y.round());
        let neuron = |model, inhibitory| NeuronItem {
            id: id.clone(),
            label: String::new(),
            position,
            inhibitory,
            model,
        };
        let generator = |kind| GeneratorItem {
            id: id.clone(),
            label: String::new(),
            position,
            inhibitory: false,
            kind,
            targets: Vec::new(),
            neuronify_clock: false,
        };
        let meter = |kind| MeterItem {
            id: id.clone(),
            label: String::new(),
            position,
            kind,
            observes: Vec::new(),
        };
        match kind {
            ItemKind::Lif => self
                .neurons
                .push(neuron(NeuronModel::Lif(LifModel::default()), false)),
            ItemKind::InhibitoryLif => self
                .neurons
                .push(neuron(NeuronModel::Lif(LifModel::default()), true)),
            ItemKind::Adaptive => self.neurons.push(neuron(
                NeuronModel::Lif(LifModel {
                    adaptation: Some(AdaptationModel::default()),
                    ..LifModel::default()
                }),
                false,
            )),
            ItemKind::Bursting => self.neurons.push(neuron(
                NeuronModel::Lif(LifModel {
                    burst: Some(BurstModel::default()),
                    ..LifModel::default()
                }),
                false,
            )),
            ItemKind::HodgkinHuxley => self.neurons.push(neuron(
                NeuronModel::HodgkinHuxley(HhModel::default()),
                false,
            )),
            ItemKind::Dc => self
                .generators
                .push(generator(GeneratorKind::Dc { current_na: 1.0 })),
            ItemKind::Ac => self.generators.push(generator(GeneratorKind::Ac {
                amplitude_na: 1.0,
                frequency_hz: 5.0,
                phase_deg: 0.0,
            })),
            ItemKind::Regular => self
                .generators
                .push(generator(GeneratorKind::Regular { rate_hz: 10.0 })),
            ItemKind::Poisson => self
                .generators
                .push(generator(GeneratorKind::Poisson { rate_hz: 10.0 })),
            ItemKind::VisualInput => self.generators.push(generator(GeneratorKind::VisualInput(
                VisualInput::default(),
            ))),
            ItemKind::PlaceCell => self
                .generators
                .push(generator(GeneratorKind::PlaceCell(PlaceCell::default()))),
            ItemKind::TouchSensor => self.sensors.push(SensorItem {
                id: id.clone(),
                label: String::new(),
                position,
                repeat_hz: 0.0,
                reward: None,
            }),
            ItemKind::Voltmeter => self.meters.push(meter(MeterKind::Voltmeter)),
            ItemKind::SpikeRaster => self.meters.push(meter(MeterKind::SpikeRaster)),
            ItemKind::RatePlot => self.meters.push(meter(MeterKind::RatePlot)),
            ItemKind::Loudspeaker => self.meters.push(meter(MeterKind::Loudspeaker)),
            ItemKind::RingReadout => self.meters.push(meter(MeterKind::RingReadout)),
            ItemKind::Population => {
                let model = LifModel::default();
                // Members start spread between reset and threshold, so they do not all fire
                // together the moment they are driven.
                let initial_mv = InitialPotential::Uniform(model.reset_mv, model.threshold_mv);
                self.populations.push(PopulationItem {
                    id: id.clone(),
                    label: String::new(),
                    position,
                    size: 100,
                    inhibitory: false,
                    model: NeuronModel::Lif(model),
                    initial_mv,
                    layout: PopulationLayout::Grid,
                });
            }
            ItemKind::Note => self.notes.push(NoteItem {
                id: id.clone(),
                position,
                text: "A note: select it and write\nin the panel on the right".into(),
                width: None,
            }),
        }
        self.version = self.version.max(self.needed_version());
        id
    }

    /// What the item with this id is.
    /// The palette kind of an item (None for synapses and unknown ids).
    pub fn kind_of(&self, id: &str) -> Option<ItemKind> {
        if let Some(n) = self.neurons.iter().find(|n| n.id == id) {
            return Some(match &n.model {
                NeuronModel::HodgkinHuxley(_) => ItemKind::HodgkinHuxley,
                NeuronModel::Lif(m) if m.burst.is_some() => ItemKind::Bursting,
                NeuronModel::Lif(m) if m.adaptation.is_some() => ItemKind::Adaptive,
                NeuronModel::Lif(_) if n.inhibitory => ItemKind::InhibitoryLif,
                NeuronModel::Lif(_) => ItemKind::Lif,
            });
        }
        if let Some(g) = self.generators.iter().find(|g| g.id == id) {
            return Some(match g.kind {
                GeneratorKind::Dc { .. } => ItemKind::Dc,
                GeneratorKind::Ac { .. } => ItemKind::Ac,
                GeneratorKind::Regular { .. } => ItemKind::Regular,
                GeneratorKind::Poisson { .. } => ItemKind::Poisson,
                GeneratorKind::VisualInput(_) => ItemKind::VisualInput,
                GeneratorKind::PlaceCell(_) => ItemKind::PlaceCell,
            });
        }
        if self.sensors.iter().any(|s| s.id == id) {
            return Some(ItemKind::TouchSensor);
        }
        if let Some(m) = self.meters.iter().find(|m| m.id == id) {
            return Some(match m.kind {
                MeterKind::Voltmeter => ItemKind::Voltmeter,
                MeterKind::SpikeRaster => ItemKind::SpikeRaster,
                MeterKind::RatePlot => ItemKind::RatePlot,
                MeterKind::Loudspeaker => ItemKind::Loudspeaker,
                MeterKind::RingReadout => ItemKind::RingReadout,
            });
        }
        self.notes
            .iter()
            .any(|n| n.id == id)
            .then_some(ItemKind::Note)
            .or_else(|| {
                self.populations
                    .iter()
                    .any(|p| p.id == id)
                    .then_some(ItemKind::Population)
            })
    }

    pub fn role(&self, id: &str) -> Option<Role> {
        if self.neurons.iter().any(|n| n.id == id) {
            Some(Role::Neuron)
        } else if let Some(g) = self.generators.iter().find(|g| g.id == id) {
            Some(if g.kind.is_current() {
                Role::CurrentGenerator
            } else {
                Role::SpikeGenerator
            })
        } else if self.sensors.iter().any(|s| s.id == id) {
            Some(Role::Sensor)
        } else if self.meters.iter().any(|m| m.id == id) {
            Some(Role::Meter)
        } else if self.notes.iter().any(|n| n.id == id) {
            Some(Role::Note)
        } else if self.synapses.iter().any(|s| s.id == id) {
            Some(Role::Synapse)
        } else if self.populations.iter().any(|p| p.id == id) {
            Some(Role::Population)
        } else if self.projections.iter().any(|p| p.id == id) {
            Some(Role::Projection)
        } else {
            None
        }
    }

    /// Where an item sits, in canvas pixels.
    pub fn position(&self, id: &str) -> Option<Vec2> {
        let p = self
            .neurons
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.position)
            .or_else(|| {
                self.generators
                    .iter()
                    .find(|g| g.id == id)
                    .map(|g| g.position)
            })
            .or_else(|| self.sensors.iter().find(|s| s.id == id).map(|s| s.position))
            .or_else(|| self.meters.iter().find(|m| m.id == id).map(|m| m.position))
            .or_else(|| self.notes.iter().find(|n| n.id == id).map(|n| n.position))
            .or_else(|| {
                self.populations
                    .iter()
                    .find(|p| p.id == id)
                    .map(|p| p.position)
            })?;
        Some(Vec2::new(p.0, p.1))
    }

    /// Every positioned item: id and canvas position.
    pub fn placed_items(&self) -> impl Iterator<Item = (&str, Vec2)> {
        let v = |p: (f32, f32)| Vec2::new(p.0, p.1);
        self.neurons
            .iter()
            .map(move |n| (n.id.as_str(), v(n.position)))
            .chain(
                self.generators
                    .iter()
                    .map(move |g| (g.id.as_str(), v(g.position))),
            )
            .chain(
                self.sensors
                    .iter()
                    .map(move |s| (s.id.as_str(), v(s.position))),
            )
            .chain(
                self.meters
                    .iter()
                    .map(move |m| (m.id.as_str(), v(m.position))),
            )
            .chain(
                self.notes
                    .iter()
                    .map(move |n| (n.id.as_str(), v(n.position))),
            )
            .chain(
                self.populations
                    .iter()
                    .map(move |p| (p.id.as_str(), v(p.position))),
            )
    }

    /// Wires `from` to `to` with the edge that suits the pair: neuron, spike generator or
    /// sensor → neuron is a synapse; current generator → neuron or population a current edge;
    /// meter ↔ neuron or population an observation (either direction); anything with a
    /// population at either end (a population to itself included) a projection. Anything else
    /// is refused with the reason.
    pub fn connect(&mut self, from: &str, to: &str) -> Result<Wire, EditError> {
        let refuse = |why: &str| Err(EditError::Refused(why.to_owned()));
        let (Some(a), Some(b)) = (self.role(from), self.role(to)) else {
            return refuse("Connect two items on the canvas");
        };
        if from == to && a != Role::Population {
            return refuse("An item cannot be connected to itself");
        }
        // Meters may be wired from either end.
        let (meter, observed) = match (a, b) {
            (Role::Meter, _) => (Some(from), to),
            (_, Role::Meter) => (Some(to), from),
            _ => (None, to),
        };
        if let Some(meter) = meter {
            if !matches!(self.role(observed), Some(Role::Neuron | Role::Population)) {
                return refuse("Meters observe neurons: connect the meter to a neuron");
            }
            let m = self
                .meters
                .iter_mut()
                .find(|m| m.id == meter)
                .expect("a meter");
            if m.observes.iter().any(|t| t == observed) {
                return refuse("The meter already observes that neuron");
            }
            m.observes.push(observed.to_owned());
            return Ok(Wire::Observation);
        }
        match b {
            Role::Neuron | Role::Population => {}
            Role::CurrentGenerator | Role::SpikeGenerator => {
                return refuse("Generators have no input: connect from a generator to a neuron");
            }
            Role::Sensor => return refuse("Touch sensors have no input: you press them"),
            Role::Note | Role::Synapse | Role::Meter | Role::Projection => {
                return refuse("Connect to a neuron");
            }
        }
        match a {
            Role::CurrentGenerator => {
                let g = self
                    .generators
                    .iter_mut()
                    .find(|g| g.id == from)
                    .expect("a generator");
                if g.targets.iter().any(|t| t == to) {
                    return refuse("That generator already drives that neuron");
                }
                g.targets.push(to.to_owned());
                Ok(Wire::Current)
            }
            Role::Population => self.project(from, to, a),
            Role::Neuron | Role::SpikeGenerator | Role::Sensor if b == Role::Population => {
                self.project(from, to, a)
            }
            Role::Neuron | Role::SpikeGenerator | Role::Sensor => {
                if self.synapses.iter().any(|s| s.from == from && s.to == to) {
                    return refuse("Those two are already connected");
                }
                let id = self.fresh_id("synapse");
                // A touch makes its neuron fire at once, as in Neuronify.
                let (mode, delay_ms) = if a == Role::Sensor {
                    (SynapseMode::ImmediateFire, 0.0)
                } else {
                    (SynapseMode::Add, 5.0)
                };
                self.synapses.push(SynapseItem {
                    id: id.clone(),
                    from: from.to_owned(),
                    to: to.to_owned(),
                    weight_na: 3.0,
                    tau_ms: 2.0,
                    delay_ms,
                    mode,
                    stdp: None,
                    reward: None,
                    neuronify: None,
                });
                Ok(Wire::Synapse(id))
            }
            Role::Note | Role::Synapse | Role::Meter | Role::Projection => {
                refuse("Notes cannot be connected")
            }
        }
    }

    /// Adds a projection from `from` (whose role is `source`) to `to`: between two populations
    /// each target hears 10 % of the sources, sparse as cortex; a single source reaches every
    /// target member. Weights are smaller than a single synapse's, as many add up.
    fn project(&mut self, from: &str, to: &str, source: Role) -> Result<Wire, EditError> {
        if self
            .projections
            .iter()
            .any(|p| p.from == from && p.to == to)
        {
            return Err(EditError::Refused(
                "Those two are already connected by a projection".into(),
            ));
        }
        let id = self.fresh_id("projection");
        let both_groups = source == Role::Population && self.role(to) == Some(Role::Population);
        let (rule, weight_na) = if both_groups {
            (ConnectionRule::Probability(0.1), 0.5)
        } else {
            (ConnectionRule::AllToAll, 3.0)
        };
        let (mode, delay_ms) = if source == Role::Sensor {
            (SynapseMode::ImmediateFire, 0.0)
        } else {
            (SynapseMode::Add, 1.5)
        };
        self.projections.push(ProjectionItem {
            id: id.clone(),
            from: from.to_owned(),
            to: to.to_owned(),
            rule,
            autapses: false,
            weight_na: Drawn::Fixed(weight_na),
            delay_ms: Drawn::Fixed(delay_ms),
            tau_ms: 2.0,
            mode,
            stdp: None,
            reward: None,
        });
        self.version = self.version.max(self.needed_version());
        Ok(Wire::Projection(id))
    }

    /// Removes items and synapses, with every edge that touches a removed item.
    pub fn remove(&mut self, ids: &[String]) {
        let gone: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let keep = |id: &String| !gone.contains(id.as_str());
        self.neurons.retain(|n| keep(&n.id));
        self.generators.retain(|g| keep(&g.id));
        self.sensors.retain(|s| keep(&s.id));
        self.meters.retain(|m| keep(&m.id));
        self.notes.retain(|n| keep(&n.id));
        self.synapses
            .retain(|s| keep(&s.id) && keep(&s.from) && keep(&s.to));
        self.populations.retain(|p| keep(&p.id));
        self.projections
            .retain(|p| keep(&p.id) && keep(&p.from) && keep(&p.to));
        for g in &mut self.generators {
            g.targets.retain(keep);
        }
        for m in &mut self.meters {
            m.observes.retain(keep);
        }
    }

    /// Removes the edge from `from` to `to` of any kind.
    pub fn disconnect(&mut self, from: &str, to: &str) {
        self.synapses.retain(|s| !(s.from == from && s.to == to));
        self.projections.retain(|p| !(p.from == from && p.to == to));
        for g in self.generators.iter_mut().filter(|g| g.id == from) {
            g.targets.retain(|t| t != to);
        }
        for m in self.meters.iter_mut().filter(|m| m.id == from) {
            m.observes.retain(|t| t != to);
        }
    }

    /// Moves items by `delta` canvas pixels.
    pub fn move_items(&mut self, ids: &[String], delta: Vec2) {
        let moved: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let shift = |id: &str, p: &mut (f32, f32)| {
            if moved.contains(id) {
                p.0 += delta.x;
                p.1 += delta.y;
            }
        };
        self.neurons
            .iter_mut()
            .for_each(|n| shift(&n.id, &mut n.position));
        self.generators
            .iter_mut()
            .for_each(|g| shift(&g.id, &mut g.position));
        self.sensors
            .iter_mut()
            .for_each(|s| shift(&s.id, &mut s.position));
        self.meters
            .iter_mut()
            .for_each(|m| shift(&m.id, &mut m.position));
        self.notes
            .iter_mut()
            .for_each(|n| shift(&n.id, &mut n.position));
        self.populations
            .iter_mut()
            .for_each(|p| shift(&p.id, &mut p.position));
    }

    /// The selected items with the edges that run between them, as a circuit of its own (the
    /// clipboard). Selected synapses whose ends are not selected are left out.
    pub fn extract(&self, ids: &[String]) -> Circuit {
        let chosen: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let inside = |id: &String| chosen.contains(id.as_str());
        let mut out = Circuit::empty(&self.name);
        out.neurons = self
            .neurons
            .iter()
            .filter(|n| inside(&n.id))
            .cloned()
            .collect();
        out.generators = self
            .generators
            .iter()
            .filter(|g| inside(&g.id))
            .cloned()
            .collect();
        out.sensors = self
            .sensors
            .iter()
            .filter(|s| inside(&s.id))
            .cloned()
            .collect();
        out.meters = self
            .meters
            .iter()
            .filter(|m| inside(&m.id))
            .cloned()
            .collect();
        out.notes = self
            .notes
            .iter()
            .filter(|n| inside(&n.id))
            .cloned()
            .collect();
        out.synapses = self
            .synapses
            .iter()
            .filter(|s| inside(&s.from) && inside(&s.to))
            .cloned()
            .collect();
        out.populations = self
            .populations
            .iter()
            .filter(|p| inside(&p.id))
            .cloned()
            .collect();
        out.projections = self
            .projections
            .iter()
            .filter(|p| inside(&p.from) && inside(&p.to))
            .cloned()
            .collect();
        out.version = out.needed_version();
        for g in &mut out.generators {
            g.targets.retain(inside);
        }
        for m in &mut out.meters {
            m.observes.retain(inside);
        }
        out
    }

    /// Inserts a copy of `clip` moved by `offset`, with fresh ids; returns the new items' ids.
    pub fn paste(&mut self, clip: &Circuit, offset: Vec2) -> Vec<String> {
        let mut map: HashMap<String, String> = HashMap::new();
        let mut fresh = |this: &Circuit, old: &str, prefix: &str| -> String {
            // Keep the readable part of an id ("sensory-2" from "sensory").
            let base = old.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-');
            let base = if base.is_empty() { prefix } else { base };
            let id = this.fresh_id(base);
            map.insert(old.to_owned(), id.clone());
            id
        };
        let at = |p: (f32, f32)| (p.0 + offset.x, p.1 + offset.y);
        let mut added = Vec::new();
        for n in &clip.neurons {
            let id = fresh(self, &n.id, "neuron");
            self.neurons.push(NeuronItem {
                id: id.clone(),
                position: at(n.position),
                ..n.clone()
            });
            added.push(id);
        }
        for g in &clip.generators {
            let id = fresh(self, &g.id, "generator");
            self.generators.push(GeneratorItem {
                id: id.clone(),
                position: at(g.position),
                targets: Vec::new(),
                ..g.clone()
            });
            added.push(id);
        }
        for s in &clip.sensors {
            let id = fresh(self, &s.id, "sensor");
            self.sensors.push(SensorItem {
                id: id.clone(),
                position: at(s.position),
                ..s.clone()
            });
            added.push(id);
        }
        for m in &clip.meters {
            let id = fresh(self, &m.id, "meter");
            self.meters.push(MeterItem {
                id: id.clone(),
                position: at(m.position),
                observes: Vec::new(),
                ..m.clone()
            });
            added.push(id);
        }
        for n in &clip.notes {
            let id = fresh(self, &n.id, "note");
            self.notes.push(NoteItem {
                id: id.clone(),
                position: at(n.position),
                ..n.clone()
            });
            added.push(id);
        }
        for p in &clip.populations {
            let id = fresh(self, &p.id, "population");
            self.populations.push(PopulationItem {
                id: id.clone(),
                position: at(p.position),
                ..p.clone()
            });
            added.push(id);
        }
        // Edges follow once every end has its new id.
        for g in &clip.generators {
            let targets = g
                .targets
                .iter()
                .filter_map(|t| map.get(t).cloned())
                .collect();
            let new_id = &map[&g.id];
            if let Some(copy) = self.generators.iter_mut().find(|x| &x.id == new_id) {
                copy.targets = targets;
            }
        }
        for m in &clip.meters {
            let observes = m
                .observes
                .iter()
                .filter_map(|t| map.get(t).cloned())
                .collect();
            let new_id = &map[&m.id];
            if let Some(copy) = self.meters.iter_mut().find(|x| &x.id == new_id) {
                copy.observes = observes;
            }
        }
        for s in &clip.synapses {
            let (Some(from), Some(to)) = (map.get(&s.from), map.get(&s.to)) else {
                continue;
            };
            let id = self.fresh_id("synapse");
            self.synapses.push(SynapseItem {
                id,
                from: from.clone(),
                to: to.clone(),
                ..s.clone()
            });
        }
        for p in &clip.projections {
            let (Some(from), Some(to)) = (map.get(&p.from), map.get(&p.to)) else {
                continue;
            };
            let id = self.fresh_id("projection");
            self.projections.push(ProjectionItem {
                id,
                from: from.clone(),
                to: to.clone(),
                ..p.clone()
            });
        }
        self.version = self.version.max(self.needed_version());
        added
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn circuit() -> Circuit {
        Circuit::empty("test")
    }

    #[test]
    fn every_palette_kind_makes_a_valid_item() {
        let mut c = circuit();
        for (i, kind) in ItemKind::ALL.into_iter().enumerate() {
            let id = c.add_item(kind, Vec2::new(i as f32 * 100.0, 0.0));
            assert_eq!(
                c.kind_of(&id),
                Some(kind),
                "the item is of its palette kind"
            );
        }
        c.validate("", "").unwrap();
        assert_eq!(c.neurons.len(), 5);
        assert_eq!(
            c.generators.len(),
            6,
            "four generators, the visual input and the place cell"
        );
        assert_eq!(c.meters.len(), 5);
        assert_eq!(
            (c.populations.len(), c.version),
            (1, 2),
            "a population needs version 2"
        );
        assert!(c.neurons.iter().any(|n| n.inhibitory));
    }

    #[test]
    fn wiring_a_population_makes_a_projection_and_removing_it_takes_its_edges() {
        let mut c = circuit();
        let exc = c.add_item(ItemKind::Population, Vec2::ZERO);
        let inh = c.add_item(ItemKind::Population, Vec2::X * 300.0);
        let n = c.add_item(ItemKind::Lif, Vec2::Y * 300.0);
        let noise = c.add_item(ItemKind::Poisson, Vec2::NEG_X * 300.0);
        let dc = c.add_item(ItemKind::Dc, Vec2::NEG_Y * 300.0);
        let raster = c.add_item(ItemKind::SpikeRaster, Vec2::ONE * 300.0);
        let Ok(Wire::Projection(ei)) = c.connect(&exc, &inh) else {
            panic!("population → population is a projection")
        };
        let rule = |c: &Circuit, id: &str| c.projections.iter().find(|p| p.id == id).unwrap().rule;
        assert_eq!(
            rule(&c, &ei),
            ConnectionRule::Probability(0.1),
            "sparse between groups"
        );
        let Ok(Wire::Projection(recurrent)) = c.connect(&exc, &exc) else {
            panic!("a population may project onto itself")
        };
        let Ok(Wire::Projection(drive)) = c.connect(&noise, &exc) else {
            panic!("a generator → population is a projection")
        };
        assert_eq!(
            rule(&c, &drive),
            ConnectionRule::AllToAll,
            "every member is driven"
        );
        assert!(matches!(c.connect(&inh, &n), Ok(Wire::Projection(_))));
        assert_eq!(c.connect(&dc, &inh), Ok(Wire::Current));
        assert_eq!(c.connect(&raster, &exc), Ok(Wire::Observation));
        assert!(c.connect(&exc, &inh).is_err(), "one projection per pair");
        assert!(
            c.connect(&n, &n).is_err(),
            "a neuron is not wired to itself"
        );
        c.validate("", "").unwrap();
        assert_eq!(c.role(&recurrent), Some(Role::Projection));

        c.remove(std::slice::from_ref(&exc));
        assert_eq!(c.projections.len(), 1, "only inh → n is left");
        assert!(c.meters[0].observes.is_empty());
        c.validate("", "").unwrap();
    }

    #[test]
    fn wiring_picks_the_edge_for_the_pair_and_refuses_nonsense() {
        let mut c = circuit();
        let n1 = c.add_item(ItemKind::Lif, Vec2::ZERO);
        let n2 = c.add_item(ItemKind::Lif, Vec2::X);
        let dc = c.add_item(ItemKind::Dc, Vec2::Y);
        let touch = c.add_item(ItemKind::TouchSensor, Vec2::ONE);
        let volt = c.add_item(ItemKind::Voltmeter, Vec2::NEG_ONE);
        let note = c.add_item(ItemKind::Note, Vec2::NEG_X);
        assert!(matches!(c.connect(&n1, &n2), Ok(Wire::Synapse(_))));
        assert_eq!(c.connect(&dc, &n1), Ok(Wire::Current));
        assert!(matches!(c.connect(&touch, &n1), Ok(Wire::Synapse(_))));
        assert_eq!(c.synapses[1].mode, SynapseMode::ImmediateFire);
        // Either end of a meter may be the start.
        assert_eq!(c.connect(&n2, &volt), Ok(Wire::Observation));
        assert_eq!(c.connect(&volt, &n1), Ok(Wire::Observation));
        for (from, to) in [
            (&n1, &dc),
            (&n1, &touch),
            (&n1, &n1),
            (&n1, &n2),
            (&volt, &dc),
            (&note, &n1),
            (&n1, &note),
        ] {
            let err = c.clone().connect(from, to).unwrap_err();
            assert!(matches!(err, EditError::Refused(_)), "{from}→{to}");
        }
        c.validate("", "").unwrap();
    }

    #[test]
    fn removing_an_item_removes_its_edges() {
        let mut c = circuit();
        let n1 = c.add_item(ItemKind::Lif, Vec2::ZERO);
        let n2 = c.add_item(ItemKind::Lif, Vec2::X);
        let dc = c.add_item(ItemKind::Dc, Vec2::Y);
        let volt = c.add_item(ItemKind::Voltmeter, Vec2::NEG_ONE);
        c.connect(&n1, &n2).unwrap();
        c.connect(&dc, &n2).unwrap();
        c.connect(&volt, &n2).unwrap();
        c.remove(std::slice::from_ref(&n2));
        assert!(c.synapses.is_empty());
        assert!(c.generators[0].targets.is_empty());
        assert!(c.meters[0].observes.is_empty());
        c.validate("", "").unwrap();
    }

    #[test]
    fn copy_and_paste_keep_only_the_edges_inside_the_selection() {
        let mut c = circuit();
        let n1 = c.add_item(ItemKind::Lif, Vec2::ZERO);
        let n2 = c.add_item(ItemKind::Lif, Vec2::X);
        let n3 = c.add_item(ItemKind::Lif, Vec2::Y);
        c.connect(&n1, &n2).unwrap();
        c.connect(&n2, &n3).unwrap();
        let clip = c.extract(&[n1.clone(), n2.clone()]);
        assert_eq!(clip.synapses.len(), 1, "n2→n3 leaves the selection");
        let added = c.paste(&clip, Vec2::new(50.0, 50.0));
        assert_eq!(added.len(), 2);
        assert_eq!(c.neurons.len(), 5);
        assert_eq!(c.synapses.len(), 3);
        let copy = c.synapses.last().unwrap();
        assert_eq!((&copy.from, &copy.to), (&added[0], &added[1]));
        assert_eq!(c.position(&added[0]), Some(Vec2::new(50.0, 50.0)));
        c.validate("", "").unwrap();
    }
}
