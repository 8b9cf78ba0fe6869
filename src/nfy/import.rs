//! Reading Neuronify's JSON `.nfy` files of every format version (absent, 2, 3, 4) into a
//! Spikeworks circuit, following the original loader (neuronify-spec §4.3, §9): the
//! `entities`/`connections` and `fileName` aliases, flat v2 nodes, the rename map of old type
//! names, inhibitory from a negative `fireOutput`, the source's preferred edge when an edge
//! names no type, and meter edges in either direction. Every item, key and edge ends up in
//! the [`ImportReport`]: mapped, approximated or left out.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::layout::{NOTE_MARGIN_PX, RETINA_SIZE};
use super::{ImportReport, NfyError};
use crate::circuit::units::{tidy, to_mega, to_milli, to_nano};
use crate::circuit::*;
use crate::sim::{MAX_DELAY_S, MeterKind, NEURONIFY_PI, ReceptiveField, SynapseMode, VisualInput};

/// A circuit read from a Neuronify file, with the account of what happened on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub circuit: Circuit,
    pub report: ImportReport,
    /// How the file was last viewed; a circuit file has no place for it, the sandbox uses it.
    pub workspace: Option<Workspace>,
}

/// Neuronify's saved view: playback speed and the visible part of the canvas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Workspace {
    /// Simulated seconds per wall second. Neuronify's speed N runs N steps of 0.1 ms per
    /// 16 ms frame: N/160 of real time.
    pub speed: f64,
    /// Top-left and bottom-right corners of the visible area, in canvas coordinates.
    pub visible: Option<[(f64, f64); 2]>,
}

/// Reads the `workspace` object: a missing or zero speed is Neuronify's 1 (spec §1.1).
fn workspace(value: Option<&Value>, report: &mut ImportReport) -> Option<Workspace> {
    let w = value?.as_object()?;
    let steps = w
        .get("playbackSpeed")
        .and_then(Value::as_f64)
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(1.0);
    let visible = w
        .get("visibleRectangle")
        .and_then(Value::as_object)
        .and_then(|r| {
            let (x, y) = (number(r, "x")?, number(r, "y")?);
            let (width, height) = (number(r, "width")?, number(r, "height")?);
            (width > 0.0 && height > 0.0).then_some([(x, y), (x + width, y + height)])
        });
    let speed = (steps / 160.0).clamp(crate::sim::clock::MIN_SPEED, crate::sim::clock::MAX_SPEED);
    report.mapped(format!(
        "workspace: playback speed {steps} ({:.2} ms of simulation per second){}; used when the sandbox opens the file",
        speed * 1e3,
        if visible.is_some() { " and the visible area" } else { "" }
    ));
    Some(Workspace { speed, visible })
}

/// The report's first line: what stepping as Neuronify means (`sim::neuronify`).
const STEPPING: &str = "neurons, synapses, regular generators and AC sources step as in Neuronify \
     (marked `neuronify` in the circuit): forward Euler at 0.1 ms, the threshold tested on the \
     voltage a step starts with, input integrated one step after it arrives (a spike reaches \
     its target's voltage two steps later), refractory time and generator periods counted on \
     Neuronify's clock, its voltage clamp, and its AC clamp's π ≈ 3.14159";

/// Neuronify's saved voltage range when a file names none (its `NeuronEngine` defaults).
const CLAMP_MV: (f64, f64) = (-90.0, 60.0);

/// Neuronify's step (s): an AC clamp has advanced one step before its current first arrives.
const NEURONIFY_DT_S: f64 = 1e-4;

/// Neuronify type names of pre-2016 files and what they became (spec §4.3); the flag makes
/// the item inhibitory.
const RENAMES: [(&str, &str, bool); 7] = [
    (
        "neurons/PassiveNeuron.qml",
        "neurons/LeakyNeuron.qml",
        false,
    ),
    (
        "neurons/PassiveInhibitoryNeuron.qml",
        "neurons/LeakyNeuron.qml",
        true,
    ),
    (
        "generators/PoissonGenerator.qml",
        "generators/IrregularSpikeGenerator.qml",
        false,
    ),
    (
        "generators/RhythmGenerator.qml",
        "generators/RegularSpikeGenerator.qml",
        false,
    ),
    ("meters/Speaker.qml", "meters/Loudspeaker.qml", false),
    ("meters/RasterPlot.qml", "meters/SpikeDetector.qml", false),
    ("meters/FiringRateMeter.qml", "meters/RatePlot.qml", false),
];

/// What a node became, for wiring its edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Neuron,
    CurrentGenerator,
    SpikeGenerator,
    Touch,
    Meter,
    Annotation,
}

/// A node after import: its id (None when left out) and kind.
struct Node {
    id: Option<String>,
    kind: Kind,
    name: String,
}

/// Parses `.nfy` JSON text. `file` names it in errors.
pub fn import_json(bytes: &[u8], file: &str) -> Result<Imported, NfyError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| NfyError::Json {
        file: file.to_owned(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let structure = |what: &str| NfyError::Structure {
        file: file.to_owned(),
        what: what.to_owned(),
    };
    let top = value
        .as_object()
        .ok_or_else(|| structure("the file is not a JSON object"))?;
    let version = top.get("fileFormatVersion").and_then(Value::as_i64);
    let nodes = top
        .get("nodes")
        .or_else(|| top.get("entities"))
        .and_then(Value::as_array)
        .ok_or_else(|| structure("there is no \"nodes\" (or \"entities\") list"))?;
    let edges = top
        .get("edges")
        .or_else(|| top.get("connections"))
        .and_then(Value::as_array)
        .ok_or_else(|| structure("there is no \"edges\" (or \"connections\") list"))?;

    let mut report = ImportReport {
        format_version: version,
        ..ImportReport::default()
    };
    let stem = std::path::Path::new(file)
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().replace('_', " "));
    let mut circuit = Circuit::empty(&stem);
    report.mapped(STEPPING);
    let cells = TouchCells::of(nodes);
    let mut imported = Vec::with_capacity(nodes.len());
    for (index, node) in nodes.iter().enumerate() {
        let node = match node.as_object() {
            Some(n) => match cells.alias(n) {
                Some(alias) => import_alias(index, alias, &cells, &mut report),
                None => import_node(index, n, &cells, &mut circuit, &mut report),
            },
            None => {
                report.ignored(format!("node {index}: not a JSON object"));
                Node {
                    id: None,
                    kind: Kind::Annotation,
                    name: format!("node {index}"),
                }
            }
        };
        imported.push(node);
    }
    let mut wired = HashSet::new();
    for (index, edge) in edges.iter().enumerate() {
        match edge.as_object() {
            Some(e) => import_edge(index, e, &imported, &mut wired, &mut circuit, &mut report),
            None => report.ignored(format!("edge {index}: not a JSON object")),
        }
    }
    let workspace = workspace(top.get("workspace"), &mut report);
    tidy_numbers(&mut circuit);
    circuit
        .validate("", file)
        .map_err(|e| structure(&format!("the imported circuit is not valid: {e}")))?;
    Ok(Imported {
        circuit,
        report,
        workspace,
    })
}

/// Rounds converted values to 12 significant digits (−1.3 mV, not −1.2999999999999956).
fn tidy_numbers(c: &mut Circuit) {
    for n in &mut c.neurons {
        if let NeuronModel::Lif(m) = &mut n.model {
            for v in [
                &mut m.capacitance_nf,
                &mut m.resistance_mohm,
                &mut m.resting_mv,
                &mut m.threshold_mv,
                &mut m.reset_mv,
                &mut m.refractory_ms,
            ] {
                *v = tidy(*v);
            }
            if let Some(a) = &mut m.adaptation {
                a.increment_ns = tidy(a.increment_ns);
                a.tau_ms = tidy(a.tau_ms);
            }
            m.start_mv = m.start_mv.map(tidy);
            if let Some(n) = &mut m.neuronify {
                n.clamp_mv = n.clamp_mv.map(|(low, high)| (tidy(low), tidy(high)));
            }
        }
    }
    for g in &mut c.generators {
        match &mut g.kind {
            GeneratorKind::Dc { current_na } => *current_na = tidy(*current_na),
            GeneratorKind::Ac {
                amplitude_na,
                frequency_hz,
                phase_deg,
            } => {
                *amplitude_na = tidy(*amplitude_na);
                *frequency_hz = tidy(*frequency_hz);
                *phase_deg = tidy(*phase_deg);
            }
            GeneratorKind::Regular { rate_hz } | GeneratorKind::Poisson { rate_hz } => {
                *rate_hz = tidy(*rate_hz);
            }
            GeneratorKind::PlaceCell(p) => {
                for x in [&mut p.centre_x_m, &mut p.centre_y_m, &mut p.width_m] {
                    *x = tidy(*x);
                }
            }
            GeneratorKind::VisualInput(v) => {
                for x in [
                    &mut v.field_x,
                    &mut v.field_y,
                    &mut v.field_orientation_deg,
                    &mut v.sensitivity_hz,
                ] {
                    *x = tidy(*x);
                }
            }
        }
    }
    for s in &mut c.synapses {
        s.weight_na = tidy(s.weight_na);
        s.tau_ms = tidy(s.tau_ms);
        s.delay_ms = tidy(s.delay_ms);
        // JSON's parser may land a last digit off, so a state read back would drift.
        if let Some(n) = &mut s.neuronify {
            n.exponential = tidy(n.exponential);
            n.linear = tidy(n.linear);
        }
    }
}

/// A number from an object, if present and finite.
fn number(map: &Map<String, Value>, key: &str) -> Option<f64> {
    map.get(key)
        .and_then(Value::as_f64)
        .filter(|v| v.is_finite())
}

/// Keys every node may carry besides its type's own.
const COMMON_KEYS: [&str; 8] = [
    "x",
    "y",
    "label",
    "inhibitory",
    "engine",
    "filename",
    "fileName",
    "savedProperties",
];

/// Keys old files save that Neuronify's own loader ignores too: the conductance synapse of
/// its first versions, and a version-2 node's flat refractory period and resistance (it uses
/// 2 ms and 100 MΩ).
const DEAD_KEYS: [&str; 5] = [
    "synapticConductance",
    "synapticPotential",
    "synapticTimeConstant",
    "refractoryPeriod",
    "resistance",
];

/// Records keys that are neither known nor merely dynamic state.
fn report_unknown(what: &str, map: &Map<String, Value>, known: &[&str], report: &mut ImportReport) {
    let (dead, unknown): (Vec<&str>, Vec<&str>) = map
        .keys()
        .map(String::as_str)
        .filter(|k| !known.contains(k) && !COMMON_KEYS.contains(k))
        .partition(|k| DEAD_KEYS.contains(k));
    if !dead.is_empty() {
        report.ignored(format!(
            "{what}: keys {} are ignored, as Neuronify's own loader ignores them",
            dead.join(", ")
        ));
    }
    if !unknown.is_empty() {
        report.ignored(format!(
            "{what}: keys {} have no counterpart",
            unknown.join(", ")
        ));
    }
}

/// Most cells one touch sensor of the oldest files may have.
const MAX_TOUCH_CELLS: u64 = 64;

/// The oldest files' touch sensors with several cells (`cells: N`): each cell the edges use
/// is a child node (`isAlias`, `parent`, `childIndex`). Each cell becomes a touch sensor.
struct TouchCells {
    /// For each parent node, its cells' alias nodes by child index.
    aliases: std::collections::HashMap<usize, Vec<(u64, usize)>>,
    /// How many cells each touch sensor with cells has (at most `MAX_TOUCH_CELLS`).
    counts: std::collections::HashMap<usize, u64>,
}

/// An alias node: its parent and child index.
#[derive(Clone, Copy)]
struct Alias {
    parent: usize,
    child: u64,
}

impl TouchCells {
    fn of(nodes: &[Value]) -> Self {
        let mut aliases: std::collections::HashMap<usize, Vec<(u64, usize)>> =
            std::collections::HashMap::new();
        let mut counts = std::collections::HashMap::new();
        for (index, node) in nodes.iter().enumerate() {
            let Some(node) = node.as_object() else {
                continue;
            };
            if let Some(a) = Self::read_alias(node) {
                aliases.entry(a.parent).or_default().push((a.child, index));
            }
            let kind = node.get("fileName").or_else(|| node.get("filename"));
            if kind.and_then(Value::as_str) == Some("sensors/TouchSensor.qml")
                && node.contains_key("cells")
            {
                let cells = node.get("cells").and_then(Value::as_u64).unwrap_or(1);
                counts.insert(index, cells.clamp(1, MAX_TOUCH_CELLS));
            }
        }
        Self { aliases, counts }
    }

    fn read_alias(node: &Map<String, Value>) -> Option<Alias> {
        (node.get("isAlias")? == &Value::Bool(true)).then_some(())?;
        Some(Alias {
            parent: node.get("parent")?.as_u64()? as usize,
            child: node.get("childIndex")?.as_u64()?,
        })
    }

    /// The alias a node is, if it is one.
    fn alias(&self, node: &Map<String, Value>) -> Option<Alias> {
        Self::read_alias(node)
    }

    /// Whether an alias names a cell that exists.
    fn resolves(&self, alias: Alias) -> bool {
        self.counts
            .get(&alias.parent)
            .is_some_and(|&count| alias.child < count)
    }

    /// The id of cell `child` of touch sensor `parent`: named after its alias node when the
    /// file has one.
    fn id(&self, parent: usize, child: u64) -> String {
        self.aliases
            .get(&parent)
            .and_then(|cells| cells.iter().find(|(k, _)| *k == child))
            .map_or_else(
                || format!("sensor-{parent}.{child}"),
                |(_, alias)| format!("sensor-{alias}"),
            )
    }
}

/// An alias node stands for a cell of its parent touch sensor, which makes the sensor.
fn import_alias(index: usize, alias: Alias, cells: &TouchCells, report: &mut ImportReport) -> Node {
    let name = format!("node {index}");
    if !cells.resolves(alias) {
        report.ignored(format!(
            "{name}: cell {} of node {}, which is no touch sensor with that many cells",
            alias.child, alias.parent
        ));
        return Node {
            id: None,
            kind: Kind::Annotation,
            name,
        };
    }
    report.mapped(format!(
        "{name}: cell {} of the touch sensor node {}",
        alias.child, alias.parent
    ));
    Node {
        id: Some(cells.id(alias.parent, alias.child)),
        kind: Kind::Touch,
        name,
    }
}

fn import_node(
    index: usize,
    node: &Map<String, Value>,
    cells: &TouchCells,
    circuit: &mut Circuit,
    report: &mut ImportReport,
) -> Node {
    let raw_type = node
        .get("filename")
        .or_else(|| node.get("fileName"))
        .and_then(Value::as_str)
        .unwrap_or("");
    // v3/v4 nest the properties; v2 and older keep them flat on the node.
    let props = node
        .get("savedProperties")
        .and_then(Value::as_object)
        .unwrap_or(node);
    let empty = Map::new();
    let engine = props
        .get("engine")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let (type_name, renamed_inhibitory) = RENAMES
        .iter()
        .find(|(old, _, _)| *old == raw_type)
        .map_or((raw_type, false), |(old, new, inh)| {
            report.approximated(format!("node {index}: old type {old} read as {new}"));
            (*new, *inh)
        });
    let label = props
        .get("label")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let name = if label.is_empty() {
        format!("node {index}")
    } else {
        format!("node {index} \"{label}\"")
    };
    let x = number(props, "x").unwrap_or(0.0);
    let y = number(props, "y").unwrap_or(0.0);
    // Neuronify stores the top-left corner; Spikeworks the centre.
    let centre = |w: f64, h: f64| {
        (
            ((x + w / 2.0) as f32).round(),
            ((y + h / 2.0) as f32).round(),
        )
    };
    // The original applies `engine` (with fireOutput) before `inhibitory`, so the flag wins.
    let fire_output_inhibitory = number(engine, "fireOutput").is_some_and(|f| f < 0.0);
    let inhibitory = props
        .get("inhibitory")
        .and_then(Value::as_bool)
        .unwrap_or(renamed_inhibitory || fire_output_inhibitory);
    let id = |prefix: &str| format!("{prefix}-{index}");
    let done = |kind: Kind, id: String, what: &str, report: &mut ImportReport| {
        report.mapped(format!("{name}: {what}"));
        Node {
            id: Some(id),
            kind,
            name: name.clone(),
        }
    };

    match type_name {
        "neurons/LeakyNeuron.qml" | "neurons/AdaptationNeuron.qml" | "neurons/BurstNeuron.qml" => {
            let mut model = LifModel::default();
            let mv = |key: &str, default: f64| number(engine, key).map_or(default, to_milli);
            model.threshold_mv = mv("threshold", model.threshold_mv);
            model.reset_mv = mv("initialPotential", model.reset_mv);
            model.resting_mv = mv("restingPotential", model.resting_mv);
            model.capacitance_nf =
                number(engine, "capacitance").map_or(model.capacitance_nf, to_nano);
            let mut known_engine = vec![
                "threshold",
                "initialPotential",
                "restingPotential",
                "capacitance",
                "fireOutput",
                "voltage",
                "voltageClamped",
                "minimumVoltage",
                "maximumVoltage",
            ];
            let what = match type_name {
                "neurons/LeakyNeuron.qml" => {
                    model.resistance_mohm =
                        number(engine, "resistance").map_or(model.resistance_mohm, to_mega);
                    model.refractory_ms =
                        number(engine, "refractoryPeriod").map_or(model.refractory_ms, to_milli);
                    known_engine.extend(["resistance", "refractoryPeriod"]);
                    "leaky integrate-and-fire neuron"
                }
                "neurons/AdaptationNeuron.qml" => {
                    // Neuronify's adaptive neuron has no refractory period.
                    model.refractory_ms = 0.0;
                    model.adaptation = Some(AdaptationModel {
                        increment_ns: number(engine, "adaptation").map_or(10.0, to_nano),
                        tau_ms: number(engine, "timeConstant").map_or(500.0, to_milli),
                    });
                    known_engine.extend(["adaptation", "timeConstant"]);
                    "adaptive neuron"
                }
                _ => {
                    model.refractory_ms = 0.0;
                    model.burst = Some(BurstModel::default());
                    "bursting neuron"
                }
            };
            report_unknown(&format!("{name} engine"), engine, &known_engine, report);
            report_unknown(&name, props, &[], report);
            if model.reset_mv >= model.threshold_mv {
                let reset = model.threshold_mv - 0.05;
                report.approximated(format!(
                    "{name}: reset {:.2} mV is not below the threshold {:.2} mV; set to {reset:.2} mV",
                    model.reset_mv, model.threshold_mv
                ));
                model.reset_mv = reset;
            }
            let clamped = engine
                .get("voltageClamped")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            let clamp_mv = clamped.then(|| {
                let low = mv("minimumVoltage", CLAMP_MV.0);
                let high = mv("maximumVoltage", CLAMP_MV.1);
                if low < high && low >= -500.0 && high <= 500.0 {
                    (low, high)
                } else {
                    report.approximated(format!(
                        "{name}: voltage clamp {low} mV to {high} mV is not a range; \
                         {} mV to {} mV is used",
                        CLAMP_MV.0, CLAMP_MV.1
                    ));
                    CLAMP_MV
                }
            });
            model.neuronify = Some(NeuronifyNeuronModel { clamp_mv });
            // Neuronify's loader restores the saved voltage; without one a neuron starts at
            // its reset potential.
            let start = mv("voltage", model.reset_mv);
            let start_mv = if (-500.0..=500.0).contains(&start) {
                start
            } else {
                let within = start.clamp(-500.0, 500.0);
                report.approximated(format!(
                    "{name}: saved voltage {start} mV is out of range; it starts at {within} mV"
                ));
                within
            };
            model.start_mv = Some(start_mv);
            let what = format!(
                "{what}, starting at {} mV ({})",
                tidy(start_mv),
                if number(engine, "voltage").is_some() {
                    "its saved voltage"
                } else {
                    "its reset potential: no voltage saved"
                }
            );
            let id = id("neuron");
            circuit.neurons.push(NeuronItem {
                id: id.clone(),
                label,
                position: centre(72.0, 72.0),
                inhibitory,
                model: NeuronModel::Lif(model),
            });
            done(Kind::Neuron, id, &what, report)
        }
        "generators/CurrentClamp.qml"
        | "generators/ACClamp.qml"
        | "generators/RegularSpikeGenerator.qml"
        | "generators/IrregularSpikeGenerator.qml" => {
            let engine_keys: &[&str] = match type_name {
                "generators/CurrentClamp.qml" => &["currentOutput"],
                "generators/ACClamp.qml" => &["amplitude", "frequency", "time"],
                _ => &["rate"],
            };
            report_unknown(&format!("{name} engine"), engine, engine_keys, report);
            report_unknown(&name, props, &[], report);
            let rate_hz = number(engine, "rate").unwrap_or(500.0);
            let (kind, what, role) = match type_name {
                "generators/CurrentClamp.qml" => (
                    GeneratorKind::Dc {
                        current_na: to_nano(number(engine, "currentOutput").unwrap_or(2e-9)),
                    },
                    "DC current source".to_owned(),
                    Kind::CurrentGenerator,
                ),
                "generators/ACClamp.qml" => {
                    let frequency_hz = number(engine, "frequency").unwrap_or(50.0);
                    let time = number(engine, "time").unwrap_or(0.0);
                    // The saved clock as a phase, one step on: Neuronify advances the clock
                    // before its current first reaches a neuron; its sine uses its own π.
                    let phase_deg = (2.0 * NEURONIFY_PI * frequency_hz * (time + NEURONIFY_DT_S))
                        .rem_euclid(std::f64::consts::TAU)
                        .to_degrees();
                    (
                        GeneratorKind::Ac {
                            amplitude_na: to_nano(number(engine, "amplitude").unwrap_or(300e-12)),
                            frequency_hz,
                            phase_deg,
                        },
                        if time == 0.0 {
                            "AC current source".to_owned()
                        } else {
                            format!(
                                "AC current source, its saved clock ({} ms) as the phase \
                                 {phase_deg:.1}°",
                                tidy(to_milli(time))
                            )
                        },
                        Kind::CurrentGenerator,
                    )
                }
                "generators/RegularSpikeGenerator.qml" => (
                    GeneratorKind::Regular { rate_hz },
                    "regular spike generator on Neuronify's clock (a period takes one step \
                     more than 1/rate)"
                        .to_owned(),
                    Kind::SpikeGenerator,
                ),
                _ => (
                    GeneratorKind::Poisson { rate_hz },
                    "irregular (Poisson) spike generator".to_owned(),
                    Kind::SpikeGenerator,
                ),
            };
            let id = id("generator");
            circuit.generators.push(GeneratorItem {
                id: id.clone(),
                label,
                position: centre(64.0, 64.0),
                inhibitory,
                neuronify_clock: matches!(
                    kind,
                    GeneratorKind::Regular { .. } | GeneratorKind::Ac { .. }
                ),
                kind,
                targets: Vec::new(),
            });
            done(role, id, &what, report)
        }
        "sensors/TouchSensor.qml" if props.contains_key("cells") => {
            report_unknown(&name, props, &["cells", "sensingCurrentOutput"], report);
            let asked = props.get("cells").and_then(Value::as_u64).unwrap_or(1);
            let count = cells.counts.get(&index).copied().unwrap_or(1);
            if asked > count {
                report.approximated(format!(
                    "{name}: {asked} touch cells; the first {count} are kept"
                ));
            }
            // The old sensor is a row of square cells, 100 px each.
            for child in 0..count {
                circuit.sensors.push(SensorItem {
                    id: cells.id(index, child),
                    label: if label.is_empty() {
                        String::new()
                    } else {
                        format!("{label} {}", child + 1)
                    },
                    position: ((x + 50.0 + 100.0 * child as f64) as f32, (y + 50.0) as f32),
                    repeat_hz: 0.0,
                    reward: None,
                });
            }
            report.approximated(format!(
                "{name}: a touch sensor of {count} cells, imported as {count} touch sensors \
                 (each fires once per press, as Neuronify's later touch sensors; these old cells \
                 fed a current while held)"
            ));
            Node {
                id: None,
                kind: Kind::Annotation,
                name,
            }
        }
        "sensors/TouchSensor.qml" => {
            report_unknown(&name, props, &[], report);
            let id = id("sensor");
            circuit.sensors.push(SensorItem {
                id: id.clone(),
                label,
                position: centre(100.0, 100.0),
                repeat_hz: 0.0,
                reward: None,
            });
            done(
                Kind::Touch,
                id,
                "touch sensor (one spike per press)",
                report,
            )
        }
        "meters/Voltmeter.qml"
        | "meters/SpikeDetector.qml"
        | "meters/RatePlot.qml"
        | "meters/Loudspeaker.qml" => {
            let (kind, what, size) = match type_name {
                "meters/Voltmeter.qml" => (MeterKind::Voltmeter, "voltmeter", 320.0),
                "meters/SpikeDetector.qml" => {
                    (MeterKind::SpikeRaster, "spike detector (raster)", 320.0)
                }
                "meters/RatePlot.qml" => (MeterKind::RatePlot, "firing-rate plot", 320.0),
                _ => (MeterKind::Loudspeaker, "loudspeaker", 64.0),
            };
            let display = [
                "width",
                "height",
                "minimumValue",
                "maximumValue",
                "timeRange",
                "showLegend",
                "windowDuration",
                "temporalResolution",
                "source",
            ];
            let shown: Vec<&str> = display
                .iter()
                .copied()
                .filter(|k| props.contains_key(*k))
                .collect();
            if !shown.is_empty() {
                report.approximated(format!(
                    "{name}: display settings ({}) are not kept; the meter panel sets its own",
                    shown.join(", ")
                ));
            }
            report_unknown(&name, props, &display, report);
            let w = number(props, "width").unwrap_or(size);
            let h = number(props, "height").unwrap_or(if size > 64.0 { 240.0 } else { 64.0 });
            let id = id("meter");
            circuit.meters.push(MeterItem {
                id: id.clone(),
                label,
                position: centre(w, h),
                kind,
                observes: Vec::new(),
            });
            done(Kind::Meter, id, what, report)
        }
        "annotations/Note.qml" | "annotations/NextTutorial.qml" => {
            let (text, what, w, h) = if type_name == "annotations/Note.qml" {
                report_unknown(&name, props, &["text", "width", "height"], report);
                let text = props
                    .get("text")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned();
                (
                    text,
                    "note",
                    number(props, "width").unwrap_or(180.0),
                    number(props, "height").unwrap_or(120.0),
                )
            } else {
                report_unknown(&name, props, &["targetSimulation"], report);
                let target = props
                    .get("targetSimulation")
                    .and_then(Value::as_str)
                    .unwrap_or("");
                report.approximated(format!(
                    "{name}: next-tutorial button kept as a note naming {target}"
                ));
                (
                    format!("Next tutorial: {target}"),
                    "next-tutorial link (as a note)",
                    196.0,
                    196.0,
                )
            };
            let id = id("note");
            circuit.notes.push(NoteItem {
                id: id.clone(),
                position: centre(w, h),
                text,
                // Neuronify's box width, less the card's margins.
                width: Some((w as f32 - NOTE_MARGIN_PX).max(60.0)),
            });
            done(Kind::Annotation, id, what, report)
        }
        "sensors/Retina.qml" => {
            report_unknown(
                &name,
                props,
                &[
                    "kernelType",
                    "sensitivity",
                    "plotKernel",
                    "kernelProperties",
                ],
                report,
            );
            let kernel = props
                .get("kernelType")
                .and_then(Value::as_str)
                .unwrap_or("kernels/GaborKernel.qml");
            let empty = Map::new();
            let kp = props
                .get("kernelProperties")
                .and_then(Value::as_object)
                .unwrap_or(&empty);
            let mut visual = VisualInput {
                sensitivity_hz: number(props, "sensitivity").unwrap_or(1000.0),
                field_x: number(kp, "xOffset").unwrap_or(0.0),
                field_y: number(kp, "yOffset").unwrap_or(0.0),
                ..VisualInput::default()
            };
            let known: &[&str] = match kernel {
                "kernels/DogKernel.qml" => {
                    visual.field = ReceptiveField::CentreSurround;
                    visual.off_centre = kp
                        .get("isOffCenter")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    &["isOffCenter", "xOffset", "yOffset"]
                }
                "kernels/RectangularKernel.qml" => {
                    visual.field = ReceptiveField::Rectangular;
                    let o = number(kp, "orientation").unwrap_or(0.0).to_degrees();
                    visual.field_orientation_deg = (90.0 - o).rem_euclid(360.0);
                    &["orientation"]
                }
                other => {
                    if other != "kernels/GaborKernel.qml" {
                        report.approximated(format!(
                            "{name}: unknown receptive field {other}; an orientation-selective one is used"
                        ));
                    }
                    visual.field_orientation_deg = number(kp, "theta")
                        .unwrap_or(0.0)
                        .to_degrees()
                        .rem_euclid(360.0);
                    &["theta", "xOffset", "yOffset"]
                }
            };
            report_unknown(&format!("{name} kernel"), kp, known, report);
            report.approximated(format!(
                "{name}: the camera is replaced by a test scene (a vertical bar); choose another \
                 scene in its properties"
            ));
            let id = id("generator");
            circuit.generators.push(GeneratorItem {
                id: id.clone(),
                label,
                position: centre(RETINA_SIZE, RETINA_SIZE),
                inhibitory,
                kind: GeneratorKind::VisualInput(visual),
                targets: Vec::new(),
                neuronify_clock: false,
            });
            done(Kind::SpikeGenerator, id, "visual input (retina)", report)
        }
        other => {
            let shown = if other.is_empty() { "no type" } else { other };
            report.ignored(format!("{name}: unknown item type {shown}"));
            Node {
                id: None,
                kind: Kind::Annotation,
                name,
            }
        }
    }
}

fn import_edge(
    index: usize,
    edge: &Map<String, Value>,
    nodes: &[Node],
    wired: &mut HashSet<(usize, usize)>,
    circuit: &mut Circuit,
    report: &mut ImportReport,
) {
    // The original reads indices with parseInt, so "3" works as well as 3.
    let end = |key: &str| -> Option<usize> {
        match edge.get(key)? {
            Value::Number(n) => n.as_u64().map(|n| n as usize),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    };
    let what = format!("edge {index}");
    let (Some(mut from), Some(mut to)) = (end("from"), end("to")) else {
        report.ignored(format!("{what}: no valid \"from\"/\"to\""));
        return;
    };
    let (Some(a), Some(b)) = (nodes.get(from), nodes.get(to)) else {
        report.ignored(format!(
            "{what}: {from} -> {to} names a node that does not exist"
        ));
        return;
    };
    let (Some(_), Some(_)) = (&a.id, &b.id) else {
        report.ignored(format!(
            "{what}: {} -> {}: an end was left out",
            a.name, b.name
        ));
        return;
    };
    let props = edge.get("savedProperties").and_then(Value::as_object);
    let type_name = edge
        .get("filename")
        .or_else(|| props.and_then(|p| p.get("filename")))
        .and_then(Value::as_str);
    // Old files point meter edges neuron → meter; they are turned round.
    let (mut a, mut b) = (a, b);
    if b.kind == Kind::Meter && a.kind == Kind::Neuron {
        report.approximated(format!(
            "{what}: {} -> {} turned round (meters observe neurons)",
            a.name, b.name
        ));
        std::mem::swap(&mut a, &mut b);
        std::mem::swap(&mut from, &mut to);
    }
    let (a_id, b_id) = (
        a.id.clone().unwrap_or_default(),
        b.id.clone().unwrap_or_default(),
    );
    if from == to || !wired.insert((from, to)) {
        report.ignored(format!(
            "{what}: {} -> {} repeats or loops onto itself",
            a.name, b.name
        ));
        return;
    }
    if b.kind != Kind::Neuron {
        report.ignored(format!(
            "{what}: {} -> {}: only neurons receive connections",
            a.name, b.name
        ));
        return;
    }
    let engine = props
        .and_then(|p| p.get("engine"))
        .and_then(Value::as_object);
    let empty = Map::new();
    let engine = engine.unwrap_or(&empty);
    match a.kind {
        Kind::Meter => {
            if let Some(m) = circuit.meters.iter_mut().find(|m| m.id == a_id) {
                m.observes.push(b_id);
                report.mapped(format!("{what}: {} observes {}", a.name, b.name));
            }
        }
        Kind::CurrentGenerator => {
            if let Some(g) = circuit.generators.iter_mut().find(|g| g.id == a_id) {
                g.targets.push(b_id);
                report.mapped(format!("{what}: {} drives {}", a.name, b.name));
            }
        }
        Kind::Annotation => report.ignored(format!(
            "{what}: {} -> {}: notes have no output",
            a.name, b.name
        )),
        Kind::Touch | Kind::Neuron | Kind::SpikeGenerator => {
            let immediate = type_name == Some("edges/ImmediateFireSynapse.qml")
                || (type_name.is_none() && a.kind == Kind::Touch);
            if type_name == Some("Edge.qml") {
                report.ignored(format!(
                    "{what}: {} -> {}: a plain edge from a spike source carries nothing",
                    a.name, b.name
                ));
                return;
            }
            let id = format!("synapse-{index}");
            let synapse = if immediate {
                report.mapped(format!(
                    "{what}: {} -> {}: immediate-fire edge",
                    a.name, b.name
                ));
                SynapseItem {
                    id,
                    from: a_id,
                    to: b_id,
                    weight_na: 3.0,
                    tau_ms: 2.0,
                    delay_ms: 0.0,
                    mode: SynapseMode::ImmediateFire,
                    stdp: None,
                    reward: None,
                    neuronify: Some(NeuronifySynapseModel::default()),
                }
            } else {
                report_unknown(
                    &format!("{what} engine"),
                    engine,
                    &[
                        "tau",
                        "maximumCurrent",
                        "delay",
                        "alphaFunction",
                        "linear",
                        "exponential",
                        "triggers",
                    ],
                    report,
                );
                let alpha = engine.get("alphaFunction").and_then(Value::as_bool) == Some(true);
                // Neuronify's loader restores the synapse's state; its queue of spikes in
                // flight is saved but never read back.
                let state = NeuronifySynapseModel {
                    alpha,
                    exponential: number(engine, "exponential").unwrap_or(0.0),
                    linear: number(engine, "linear").unwrap_or(0.0),
                };
                if state.exponential != 0.0 || state.linear != 0.0 {
                    report.mapped(format!(
                        "{what}: starts from its saved state (exponential {}, linear {})",
                        state.exponential, state.linear
                    ));
                }
                if engine
                    .get("triggers")
                    .and_then(Value::as_array)
                    .is_some_and(|t| !t.is_empty())
                {
                    report.ignored(format!(
                        "{what}: spikes saved in flight (triggers) are dropped, as Neuronify's \
                         loader drops them"
                    ));
                }
                let mut delay_ms = number(engine, "delay").map_or(5.0, to_milli);
                if !(0.0..=to_milli(MAX_DELAY_S)).contains(&delay_ms) {
                    let clamped = delay_ms.clamp(0.0, to_milli(MAX_DELAY_S));
                    report.approximated(format!(
                        "{what}: delay {delay_ms} ms clamped to {clamped} ms"
                    ));
                    delay_ms = clamped;
                }
                report.mapped(format!(
                    "{what}: {} -> {}: {} synapse",
                    a.name,
                    b.name,
                    if alpha { "alpha-function" } else { "current" }
                ));
                SynapseItem {
                    id,
                    from: a_id,
                    to: b_id,
                    weight_na: number(engine, "maximumCurrent")
                        .map_or(3.0, to_nano)
                        .max(0.0),
                    tau_ms: number(engine, "tau").map_or(2.0, to_milli).max(1e-3),
                    delay_ms,
                    // Neuronify's current synapse resets to full on each spike.
                    mode: SynapseMode::Saturate,
                    stdp: None,
                    reward: None,
                    neuronify: Some(state),
                }
            };
            circuit.synapses.push(synapse);
        }
    }
}
