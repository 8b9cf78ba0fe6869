//! Loading circuits: parse RON text (syntax and unknown fields rejected with line and column),
//! validate versions, ids, references and parameters (errors point at the offending item's
//! line), then spawn the items as entities.

use std::collections::{HashMap, HashSet};
#[cfg(not(target_arch = "wasm32"))]
use std::path::Path;

use bevy::prelude::*;

use super::error::{CircuitError, Location};
use super::schema::*;
use super::units::to_milli;
use crate::sim::params::{finite, in_range, non_negative, positive};
use crate::sim::{MAX_DELAY_S, MAX_RATE_HZ, ParamError, SynapseMode};

/// The entities a circuit was spawned as, by stable id.
#[derive(Debug, Clone, Default)]
pub struct SpawnedCircuit {
    pub by_id: HashMap<String, Entity>,
}

impl SpawnedCircuit {
    pub fn entity(&self, id: &str) -> Option<Entity> {
        self.by_id.get(id).copied()
    }
}

/// Parses RON as the project's files are written, or says where and why it cannot. Implicit
/// `Some` lets optional parts be written plainly: `adaptation: (tau_ms: 300.0)`.
pub fn parse_ron<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, (Location, String)> {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .from_str(text)
        .map_err(|e| {
            let at = Location {
                file: file.to_owned(),
                line: e.span.start.line,
                column: e.span.start.col,
            };
            (at, e.code.to_string())
        })
}

impl Circuit {
    /// Parses and validates circuit text; `file` names it in error messages.
    pub fn from_ron_str(text: &str, file: &str) -> Result<Self, CircuitError> {
        let circuit: Circuit =
            parse_ron(text, file).map_err(|(at, message)| CircuitError::Syntax { at, message })?;
        circuit.validate(text, file)?;
        Ok(circuit)
    }

    /// Reads, parses and validates a circuit file.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn load(path: &Path) -> Result<Self, CircuitError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| CircuitError::Io {
            file: file.clone(),
            source,
        })?;
        Self::from_ron_str(&text, &file)
    }

    /// Checks everything the type system cannot: version, unique ids, references and
    /// parameter ranges. `text` is the source, used to point errors at lines.
    pub fn validate(&self, text: &str, file: &str) -> Result<(), CircuitError> {
        let locate = |item: &str, field: &str| locate(text, file, item, field);
        let invalid = |item: &str, field: &str, reason: String| CircuitError::Invalid {
            at: locate(item, field),
            item: item.to_owned(),
            field: field.to_owned(),
            reason,
        };
        let param = |item: &str, e: ParamError| invalid(item, e.name(), e.to_string());

        if !(1..=CIRCUIT_VERSION).contains(&self.version) {
            return Err(CircuitError::Version {
                at: Location {
                    file: file.to_owned(),
                    line: line_of(text, "version").unwrap_or(0),
                    column: 0,
                },
                found: self.version,
                supported: CIRCUIT_VERSION,
            });
        }

        if self.version < self.needed_version() {
            let item = self
                .populations
                .first()
                .map(|p| &p.id)
                .or(self.projections.first().map(|p| &p.id))
                .cloned()
                .unwrap_or_default();
            return Err(CircuitError::Invalid {
                at: Location {
                    file: file.to_owned(),
                    line: line_of(text, "version").unwrap_or(0),
                    column: 0,
                },
                item,
                field: "version".into(),
                reason: format!(
                    "populations and projections need `version: 2`, the file says {}",
                    self.version
                ),
            });
        }

        let mut ids = HashSet::new();
        let all_ids = self
            .neurons
            .iter()
            .map(|n| &n.id)
            .chain(self.populations.iter().map(|p| &p.id))
            .chain(self.projections.iter().map(|p| &p.id))
            .chain(self.generators.iter().map(|g| &g.id))
            .chain(self.sensors.iter().map(|s| &s.id))
            .chain(self.meters.iter().map(|m| &m.id))
            .chain(self.notes.iter().map(|n| &n.id))
            .chain(
                self.synapses
                    .iter()
                    .map(|s| &s.id)
                    .filter(|id| !id.is_empty()),
            );
        for id in all_ids {
            if id.trim().is_empty() {
                return Err(invalid(id, "id", "ids must not be empty".into()));
            }
            if !ids.insert(id.as_str()) {
                return Err(invalid(id, "id", "this id is used by another item".into()));
            }
        }
        let neurons: HashSet<&str> = self.neurons.iter().map(|n| n.id.as_str()).collect();
        let populations: HashMap<&str, u32> = self
            .populations
            .iter()
            .map(|p| (p.id.as_str(), p.size))
            .collect();
        let spike_sources: HashSet<&str> = neurons
            .iter()
            .copied()
            .chain(
                self.generators
                    .iter()
                    .filter(|g| !g.kind.is_current())
                    .map(|g| g.id.as_str()),
            )
            .chain(self.sensors.iter().map(|s| s.id.as_str()))
            .collect();

        for n in &self.neurons {
            check_model(&n.model).map_err(|e| param(&n.id, e))?;
            if let NeuronModel::Lif(m) = &n.model
                && m.neuronify.is_some()
                && m.escape.is_some()
            {
                return Err(invalid(
                    &n.id,
                    "neuronify",
                    "a neuron stepped as Neuronify's fires at its threshold, without escape noise"
                        .into(),
                ));
            }
        }

        for g in &self.generators {
            let check = || -> Result<(), ParamError> {
                match &g.kind {
                    &GeneratorKind::Dc { current_na } => {
                        in_range("current_nA", current_na, -1e3, 1e3)
                    }
                    &GeneratorKind::Ac {
                        amplitude_na,
                        frequency_hz,
                        phase_deg,
                    } => {
                        in_range("amplitude_nA", amplitude_na, -1e3, 1e3)?;
                        in_range("frequency_Hz", frequency_hz, 0.0, 5000.0)?;
                        in_range("phase_deg", phase_deg, -360.0, 360.0)
                    }
                    &GeneratorKind::Regular { rate_hz } | &GeneratorKind::Poisson { rate_hz } => {
                        in_range("rate_Hz", rate_hz, 0.0, MAX_RATE_HZ)
                    }
                    GeneratorKind::PlaceCell(p) => p.field().validate(),
                    GeneratorKind::VisualInput(v) => {
                        for (key, value) in [
                            ("field_x", v.field_x),
                            ("field_y", v.field_y),
                            ("scene_x", v.scene_x),
                            ("scene_y", v.scene_y),
                        ] {
                            in_range(key, value, -1.0, 1.0)?;
                        }
                        in_range(
                            "field_orientation_deg",
                            v.field_orientation_deg,
                            -360.0,
                            360.0,
                        )?;
                        in_range(
                            "scene_orientation_deg",
                            v.scene_orientation_deg,
                            -360.0,
                            360.0,
                        )?;
                        in_range("sensitivity_Hz", v.sensitivity_hz, 0.0, 1e5)
                    }
                }
            };
            check().map_err(|e| param(&g.id, e))?;
            if g.neuronify_clock
                && !matches!(
                    g.kind,
                    GeneratorKind::Regular { .. } | GeneratorKind::Ac { .. }
                )
            {
                return Err(invalid(
                    &g.id,
                    "neuronify_clock",
                    "only a regular spike generator or an AC source runs on Neuronify's clock"
                        .into(),
                ));
            }
            if !g.kind.is_current() && !g.targets.is_empty() {
                return Err(invalid(
                    &g.id,
                    "targets",
                    "spike generators connect through `synapses`, not `targets`".into(),
                ));
            }
            for t in &g.targets {
                if !neurons.contains(t.as_str()) && !populations.contains_key(t.as_str()) {
                    return Err(invalid(
                        &g.id,
                        "targets",
                        format!("\"{t}\" is no neuron or population"),
                    ));
                }
            }
        }

        for s in &self.sensors {
            in_range("repeat_Hz", s.repeat_hz, 0.0, MAX_RATE_HZ).map_err(|e| param(&s.id, e))?;
        }

        for (k, s) in self.synapses.iter().enumerate() {
            let name = if s.id.is_empty() {
                format!("synapses[{k}]")
            } else {
                s.id.clone()
            };
            let at = |field: &str| {
                if s.id.is_empty() {
                    locate_reference(text, file, &s.from, &s.to)
                } else {
                    locate(&s.id, field)
                }
            };
            let bad = |field: &str, reason: String| CircuitError::Invalid {
                at: at(field),
                item: name.clone(),
                field: field.to_owned(),
                reason,
            };
            if populations.contains_key(s.from.as_str()) || populations.contains_key(s.to.as_str())
            {
                return Err(bad(
                    if populations.contains_key(s.from.as_str()) {
                        "from"
                    } else {
                        "to"
                    },
                    "a synapse joins single items; connect a population with a projection".into(),
                ));
            }
            if !spike_sources.contains(s.from.as_str()) {
                let why = if ids.contains(s.from.as_str()) {
                    format!(
                        "\"{}\" sends no spikes (current generators use `targets`)",
                        s.from
                    )
                } else {
                    format!("no item has the id \"{}\"", s.from)
                };
                return Err(bad("from", why));
            }
            if !neurons.contains(s.to.as_str()) {
                let why = if ids.contains(s.to.as_str()) {
                    format!("\"{}\" is no neuron; synapses end at neurons", s.to)
                } else {
                    format!("no item has the id \"{}\"", s.to)
                };
                return Err(bad("to", why));
            }
            let check = || -> Result<(), ParamError> {
                in_range("weight_nA", s.weight_na, 0.0, 1e3)?;
                positive("tau_ms", s.tau_ms)?;
                in_range("delay_ms", s.delay_ms, 0.0, to_milli(MAX_DELAY_S))?;
                if let Some(m) = &s.stdp {
                    m.validate()?;
                }
                if let Some(m) = &s.reward {
                    m.validate()?;
                }
                if let Some(n) = &s.neuronify {
                    finite("exponential", n.exponential)?;
                    finite("linear", n.linear)?;
                }
                Ok(())
            };
            check().map_err(|e| bad(e.name(), e.to_string()))?;
            if s.neuronify.is_some() {
                if s.stdp.is_some() || s.reward.is_some() {
                    return Err(bad(
                        "neuronify",
                        "a synapse stepped as Neuronify's does not learn".into(),
                    ));
                }
                if s.mode == SynapseMode::Add {
                    return Err(bad(
                        "neuronify",
                        "a synapse stepped as Neuronify's resets to full on each spike (mode \
                         Saturate) or fires its target (ImmediateFire)"
                            .into(),
                    ));
                }
            }
        }

        for m in &self.meters {
            for t in &m.observes {
                if !neurons.contains(t.as_str()) && !populations.contains_key(t.as_str()) {
                    return Err(invalid(
                        &m.id,
                        "observes",
                        format!("\"{t}\" is no neuron or population"),
                    ));
                }
            }
        }
        self.validate_groups(text, file, &neurons, &spike_sources, &ids)
    }
}

/// Checks a neuron model's parameters as the file writes them.
pub(super) fn check_model(model: &NeuronModel) -> Result<(), ParamError> {
    match model {
        NeuronModel::Lif(m) => {
            positive("capacitance_nF", m.capacitance_nf)?;
            positive("resistance_MOhm", m.resistance_mohm)?;
            in_range("resting_mV", m.resting_mv, -200.0, 100.0)?;
            in_range("threshold_mV", m.threshold_mv, -200.0, 100.0)?;
            in_range("reset_mV", m.reset_mv, -200.0, 100.0)?;
            if m.reset_mv >= m.threshold_mv {
                return Err(ParamError::ResetNotBelowThreshold {
                    reset_mv: m.reset_mv,
                    threshold_mv: m.threshold_mv,
                });
            }
            in_range("refractory_ms", m.refractory_ms, 0.0, 1000.0)?;
            if let Some(a) = &m.adaptation {
                non_negative("increment_nS", a.increment_ns)?;
                positive("tau_ms", a.tau_ms)?;
            }
            if let Some(b) = &m.burst {
                non_negative("peak_nA", b.peak_na)?;
                non_negative("ramp_nA_per_s", b.ramp_na_per_s)?;
            }
            if let Some(e) = &m.escape {
                positive("width_mV", e.width_mv)?;
                in_range("max_rate_Hz", e.max_rate_hz, 1e-3, MAX_RATE_HZ)?;
            }
            if let Some(v) = m.start_mv {
                in_range("start_mV", v, -500.0, 500.0)?;
            }
            if let Some((low, high)) = m.neuronify.and_then(|n| n.clamp_mv) {
                in_range("clamp_mV", low, -500.0, 500.0)?;
                in_range("clamp_mV", high, -500.0, 500.0)?;
                if low >= high {
                    return Err(ParamError::EmptyRange {
                        name: "clamp_mV",
                        low,
                        high,
                    });
                }
            }
            Ok(())
        }
        NeuronModel::HodgkinHuxley(m) => positive("area_cm2", m.area_cm2),
    }
}

/// 1-based line of the first line containing `needle`.
pub(super) fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle)).map(|i| i + 1)
}

/// Points at `field` of the item whose `id: "item"` appears in the text (or at the item when
/// the field is not written out, i.e. it took its default).
pub(super) fn locate(text: &str, file: &str, item: &str, field: &str) -> Location {
    let quoted = format!("\"{item}\"");
    let item_at = text.match_indices(&quoted).map(|(i, _)| i).find(|&i| {
        let before = text[..i].trim_end();
        before
            .strip_suffix(':')
            .is_some_and(|b| b.trim_end().ends_with("id"))
    });
    let Some(start) = item_at else {
        return Location {
            file: file.to_owned(),
            line: 0,
            column: 0,
        };
    };
    // The item ends where the next `id:` begins.
    let rest = &text[start..];
    let end = rest[quoted.len()..]
        .find("id:")
        .map_or(rest.len(), |e| e + quoted.len());
    let offset = rest[..end]
        .find(&format!("{field}:"))
        .map_or(start, |f| start + f);
    position_of(text, file, offset)
}

/// Points at the synapse that connects `from` to `to`, for synapses without an id.
fn locate_reference(text: &str, file: &str, from: &str, to: &str) -> Location {
    let needle = format!("from: \"{from}\"");
    let offset = text
        .match_indices(&needle)
        .map(|(i, _)| i)
        .find(|&i| {
            text[i..]
                .lines()
                .take(3)
                .any(|l| l.contains(&format!("\"{to}\"")))
        })
        .unwrap_or(0);
    position_of(text, file, offset)
}

fn position_of(text: &str, file: &str, offset: usize) -> Location {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = offset - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    Location {
        file: file.to_owned(),
        line,
        column,
    }
}
