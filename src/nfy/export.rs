//! Writing circuits as Neuronify files: format version 4 with the keys Neuronify itself
//! writes (neuronify-spec §4.2, §2.17), so the original app opens them. What Neuronify cannot
//! express (Hodgkin–Huxley neurons, additive synapses, held touch sensors, …) is written as
//! its nearest Neuronify form and listed in the returned notes. Populations of at most
//! [`NFY_MAX_MEMBERS`] are written out as single neurons and synapses (see `circuit::flatten`);
//! larger ones are left out and listed.
//!
//! Items are written in the order of the numbers that end their ids when those are unique
//! (an imported circuit's ids are `kind-N` with N the original node index), so import →
//! export → import gives back the same circuit, ids included.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::layout::{NOTE_MARGIN_PX, RETINA_SIZE};
use crate::circuit::units::{from_mega, from_milli, from_nano};
use crate::circuit::*;
use crate::sim::{MeterKind, NEURONIFY_PI, ReceptiveField, SimSeed, SynapseMode, VisualInput};

/// A Neuronify file's text and what did not carry over exactly.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    pub json: String,
    pub notes: Vec<String>,
}

/// The largest population written out as single neurons; Neuronify has no populations and
/// slows down beyond a few hundred items.
pub const NFY_MAX_MEMBERS: u32 = 200;

/// Workspace sizes of Neuronify items (width, height), for turning centres into corners.
const NEURON_SIZE: f64 = 72.0;
const GENERATOR_SIZE: f64 = 64.0;
const SENSOR_SIZE: f64 = 100.0;
const PLOT_SIZE: (f64, f64) = (320.0, 240.0);
const NOTE_SIZE: (f64, f64) = (180.0, 120.0);

/// A visual input as the retina's own keys (spec §2.10); Neuronify's rectangular orientation
/// `o` is measured so that our `θ` from vertical is `90° − o`.
fn retina_properties(v: &VisualInput) -> Value {
    let (kernel, properties) = match v.field {
        ReceptiveField::OrientationSelective => (
            "kernels/GaborKernel.qml",
            json!({ "theta": v.field_orientation_deg.to_radians(), "xOffset": v.field_x, "yOffset": v.field_y }),
        ),
        ReceptiveField::CentreSurround => (
            "kernels/DogKernel.qml",
            json!({ "isOffCenter": v.off_centre, "xOffset": v.field_x, "yOffset": v.field_y }),
        ),
        ReceptiveField::Rectangular => (
            "kernels/RectangularKernel.qml",
            json!({ "orientation": (90.0 - v.field_orientation_deg).rem_euclid(360.0).to_radians() }),
        ),
    };
    json!({
        "kernelType": kernel,
        "sensitivity": v.sensitivity_hz,
        "plotKernel": true,
        "kernelProperties": properties,
    })
}

/// The number that ends an id (`neuron-12` → 12).
fn index_of(id: &str) -> Option<usize> {
    id.rsplit('-').next()?.parse().ok()
}

/// A node before numbering: its id, JSON and sort key.
struct Node {
    id: String,
    json: Value,
}

/// Serialises a circuit as a version-4 `.nfy`.
pub fn export_nfy(circuit: &Circuit) -> Exported {
    let mut notes = Vec::new();
    let flattened;
    let circuit = if circuit.needed_version() > 1 {
        let (written_out, lost) = circuit.flattened(NFY_MAX_MEMBERS, SimSeed::default().0);
        notes.extend(lost);
        flattened = written_out;
        &flattened
    } else {
        circuit
    };
    let mut nodes: Vec<Node> = Vec::new();
    let corner =
        |p: (f32, f32), w: f64, h: f64| (f64::from(p.0) - w / 2.0, f64::from(p.1) - h / 2.0);
    let node = |filename: &str,
                label: &str,
                inhibitory: bool,
                xy: (f64, f64),
                engine: Option<Value>,
                extra: Value| {
        let mut props = serde_json::Map::new();
        if let Some(engine) = engine {
            props.insert("engine".into(), engine);
        }
        props.insert("inhibitory".into(), json!(inhibitory));
        props.insert("label".into(), json!(label));
        props.insert("x".into(), json!(xy.0));
        props.insert("y".into(), json!(xy.1));
        if let Value::Object(extra) = extra {
            props.extend(extra);
        }
        json!({ "filename": filename, "savedProperties": props })
    };

    for n in &circuit.neurons {
        let xy = corner(n.position, NEURON_SIZE, NEURON_SIZE);
        let (filename, engine) = match &n.model {
            NeuronModel::Lif(m) => {
                // Neuronify clamps the voltage unless a file says otherwise.
                let clamp = m.neuronify.map_or(Some((-90.0, 60.0)), |n| n.clamp_mv);
                let (low, high) = clamp.unwrap_or((-90.0, 60.0));
                let mut engine = json!({
                    "capacitance": from_nano(m.capacitance_nf),
                    "fireOutput": 0.0,
                    "initialPotential": from_milli(m.reset_mv),
                    "maximumVoltage": from_milli(high),
                    "minimumVoltage": from_milli(low),
                    "restingPotential": from_milli(m.resting_mv),
                    "threshold": from_milli(m.threshold_mv),
                    "voltage": from_milli(m.start_mv.unwrap_or(m.reset_mv)),
                    "voltageClamped": clamp.is_some(),
                });
                if m.escape.is_some() {
                    notes.push(format!(
                        "{}: Neuronify's neurons fire at their threshold; escape noise is lost",
                        n.id
                    ));
                }
                let filename = match (&m.adaptation, &m.burst) {
                    (Some(a), burst) => {
                        engine["adaptation"] = json!(from_nano(a.increment_ns));
                        engine["timeConstant"] = json!(from_milli(a.tau_ms));
                        if burst.is_some() {
                            notes.push(format!(
                                "{}: adaptive and bursting at once; written as adaptive",
                                n.id
                            ));
                        }
                        "neurons/AdaptationNeuron.qml"
                    }
                    (None, Some(b)) => {
                        if *b != BurstModel::default() {
                            notes.push(format!(
                                "{}: Neuronify's burst current is fixed; its own is lost",
                                n.id
                            ));
                        }
                        "neurons/BurstNeuron.qml"
                    }
                    (None, None) => {
                        engine["refractoryPeriod"] = json!(from_milli(m.refractory_ms));
                        engine["resistance"] = json!(from_mega(m.resistance_mohm));
                        "neurons/LeakyNeuron.qml"
                    }
                };
                if filename != "neurons/LeakyNeuron.qml" && m.refractory_ms > 0.0 {
                    notes.push(format!(
                        "{}: Neuronify's adaptive and burst neurons have no refractory period",
                        n.id
                    ));
                }
                (filename, engine)
            }
            NeuronModel::HodgkinHuxley(_) => {
                notes.push(format!(
                    "{}: Neuronify has no Hodgkin–Huxley neuron; written as a leaky neuron",
                    n.id
                ));
                let engine = json!({ "refractoryPeriod": 0.002, "resistance": 1e8 });
                ("neurons/LeakyNeuron.qml", engine)
            }
        };
        nodes.push(Node {
            id: n.id.clone(),
            json: node(
                filename,
                &n.label,
                n.inhibitory,
                xy,
                Some(engine),
                json!({}),
            ),
        });
    }
    for g in &circuit.generators {
        let size = match g.kind {
            GeneratorKind::VisualInput(_) => RETINA_SIZE,
            _ => GENERATOR_SIZE,
        };
        let xy = corner(g.position, size, size);
        let mut extra = json!({});
        let (filename, engine) = match &g.kind {
            &GeneratorKind::Dc { current_na } => (
                "generators/CurrentClamp.qml",
                json!({ "currentOutput": from_nano(current_na) }),
            ),
            &GeneratorKind::Ac {
                amplitude_na,
                frequency_hz,
                phase_deg,
            } => {
                // Neuronify keeps the phase as elapsed time, one step before its first current,
                // and takes the sine with its own π on its clock (see the import).
                let pi = if g.neuronify_clock {
                    NEURONIFY_PI
                } else {
                    std::f64::consts::PI
                };
                let time = if frequency_hz > 0.0 {
                    let period = std::f64::consts::PI / (pi * frequency_hz);
                    (phase_deg.to_radians() / (2.0 * pi * frequency_hz) - 1e-4).rem_euclid(period)
                } else {
                    0.0
                };
                (
                    "generators/ACClamp.qml",
                    json!({ "amplitude": from_nano(amplitude_na), "frequency": frequency_hz, "time": time }),
                )
            }
            &GeneratorKind::Regular { rate_hz } => (
                "generators/RegularSpikeGenerator.qml",
                json!({ "rate": rate_hz }),
            ),
            &GeneratorKind::Poisson { rate_hz } => (
                "generators/IrregularSpikeGenerator.qml",
                json!({ "rate": rate_hz }),
            ),
            GeneratorKind::VisualInput(v) => {
                extra = retina_properties(v);
                notes.push(format!(
                    "{}: Neuronify's retina watches the camera; the {:?} scene is not saved",
                    g.id, v.scene
                ));
                if v.field == ReceptiveField::Rectangular && (v.field_x, v.field_y) != (0.0, 0.0) {
                    notes.push(format!(
                        "{}: Neuronify's rectangular field is always centred",
                        g.id
                    ));
                }
                ("sensors/Retina.qml", json!({}))
            }
            GeneratorKind::PlaceCell(p) => {
                // Neuronify has no place cells; the nearest item fires at the rate the cell
                // has with the animal at the centre of its field.
                notes.push(format!(
                    "{}: Neuronify has no place cells; written as Poisson spikes at the peak rate",
                    g.id
                ));
                (
                    "generators/IrregularSpikeGenerator.qml",
                    json!({ "rate": p.peak_hz }),
                )
            }
        };
        nodes.push(Node {
            id: g.id.clone(),
            json: node(filename, &g.label, g.inhibitory, xy, Some(engine), extra),
        });
    }
    for s in &circuit.sensors {
        if s.repeat_hz > 0.0 {
            notes.push(format!(
                "{}: Neuronify's touch sensor fires once per press; repeating is lost",
                s.id
            ));
        }
        if s.reward.is_some() {
            notes.push(format!(
                "{}: Neuronify has no rewards; the sensor's reward is lost",
                s.id
            ));
        }
        let xy = corner(s.position, SENSOR_SIZE, SENSOR_SIZE);
        nodes.push(Node {
            id: s.id.clone(),
            json: node(
                "sensors/TouchSensor.qml",
                &s.label,
                false,
                xy,
                Some(json!({})),
                json!({}),
            ),
        });
    }
    for m in &circuit.meters {
        let (filename, extra, size) = match m.kind {
            MeterKind::Voltmeter => (
                "meters/Voltmeter.qml",
                json!({ "width": PLOT_SIZE.0, "height": PLOT_SIZE.1, "minimumValue": -100.0, "maximumValue": 50.0 }),
                PLOT_SIZE,
            ),
            MeterKind::SpikeRaster => (
                "meters/SpikeDetector.qml",
                json!({ "width": PLOT_SIZE.0, "height": PLOT_SIZE.1, "timeRange": 0.1, "showLegend": true }),
                PLOT_SIZE,
            ),
            MeterKind::RatePlot => (
                "meters/RatePlot.qml",
                json!({
                    "width": PLOT_SIZE.0, "height": PLOT_SIZE.1, "minimumValue": 0.0, "maximumValue": 100.0,
                    "windowDuration": 0.3, "temporalResolution": 0.2, "showLegend": true
                }),
                PLOT_SIZE,
            ),
            MeterKind::RingReadout => {
                notes.push(format!(
                    "{}: Neuronify has no ring readout; written as a spike raster",
                    m.id
                ));
                (
                    "meters/SpikeDetector.qml",
                    json!({ "width": PLOT_SIZE.0, "height": PLOT_SIZE.1, "timeRange": 0.1, "showLegend": true }),
                    PLOT_SIZE,
                )
            }
            MeterKind::Loudspeaker => (
                "meters/Loudspeaker.qml",
                json!({ "source": "glass.wav" }),
                (64.0, 64.0),
            ),
        };
        let xy = corner(m.position, size.0, size.1);
        nodes.push(Node {
            id: m.id.clone(),
            json: node(filename, &m.label, false, xy, Some(json!({})), extra),
        });
    }
    for n in &circuit.notes {
        let width = n
            .width
            .map_or(NOTE_SIZE.0, |w| f64::from(w + NOTE_MARGIN_PX));
        let xy = corner(n.position, width, NOTE_SIZE.1);
        let extra = json!({ "text": n.text, "width": width, "height": NOTE_SIZE.1 });
        nodes.push(Node {
            id: n.id.clone(),
            json: node("annotations/Note.qml", "", false, xy, None, extra),
        });
    }
    if !circuit.name.is_empty() || !circuit.description.is_empty() {
        notes.push("the circuit's name and description have no place in a Neuronify file".into());
    }

    // Keep the original node order when the ids carry it.
    let indices: Vec<Option<usize>> = nodes.iter().map(|n| index_of(&n.id)).collect();
    let mut seen = std::collections::HashSet::new();
    if indices.iter().all(|i| i.is_some_and(|i| seen.insert(i))) {
        nodes.sort_by_key(|n| index_of(&n.id));
    }
    let position: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();

    let edges = edges(circuit, &position, &mut notes);
    let (mut lo, mut hi) = ((f64::MAX, f64::MAX), (f64::MIN, f64::MIN));
    for (_, p) in circuit.placed_items() {
        lo = (lo.0.min(f64::from(p.x)), lo.1.min(f64::from(p.y)));
        hi = (hi.0.max(f64::from(p.x)), hi.1.max(f64::from(p.y)));
    }
    if lo.0 > hi.0 {
        (lo, hi) = ((0.0, 0.0), (0.0, 0.0));
    }
    let file = json!({
        "fileFormatVersion": 4,
        "nodes": nodes.into_iter().map(|n| n.json).collect::<Vec<_>>(),
        "edges": edges,
        "workspace": {
            "playbackSpeed": 1,
            "visibleRectangle": {
                "x": lo.0 - 200.0, "y": lo.1 - 200.0,
                "width": hi.0 - lo.0 + 400.0, "height": hi.1 - lo.1 + 400.0
            }
        }
    });
    let json = serde_json::to_string_pretty(&file).expect("JSON values always serialise");
    Exported { json, notes }
}

/// Every edge: synapses at the positions their ids name when possible (`synapse-N` was edge
/// N of an imported file), the other edges in the gaps.
fn edges(
    circuit: &Circuit,
    position: &HashMap<&str, usize>,
    notes: &mut Vec<String>,
) -> Vec<Value> {
    let edge = |filename: &str, from: usize, to: usize, engine: Option<Value>| {
        let mut props = serde_json::Map::new();
        props.insert("filename".into(), json!(filename));
        if let Some(engine) = engine {
            props.insert("engine".into(), engine);
        }
        json!({ "filename": filename, "from": from, "to": to, "savedProperties": props })
    };
    let ends = |from: &str, to: &str| Some((*position.get(from)?, *position.get(to)?));
    let mut others: Vec<Value> = Vec::new();
    for g in &circuit.generators {
        for t in &g.targets {
            if let Some((a, b)) = ends(&g.id, t) {
                others.push(edge("Edge.qml", a, b, None));
            }
        }
    }
    for m in &circuit.meters {
        for t in &m.observes {
            if let Some((a, b)) = ends(&m.id, t) {
                others.push(edge("edges/MeterEdge.qml", a, b, None));
            }
        }
    }
    let mut synapses: Vec<(Option<usize>, Value)> = Vec::new();
    for s in &circuit.synapses {
        let Some((a, b)) = ends(&s.from, &s.to) else {
            continue;
        };
        if s.stdp.is_some() || s.reward.is_some() {
            notes.push(format!(
                "{}: Neuronify's synapses do not learn; the learning rule is lost",
                s.id
            ));
        }
        let value = match s.mode {
            SynapseMode::ImmediateFire => {
                edge("edges/ImmediateFireSynapse.qml", a, b, Some(json!({})))
            }
            mode => {
                if mode == SynapseMode::Add {
                    notes.push(format!(
                        "{}: Neuronify's synapses saturate; spikes no longer add up",
                        s.id
                    ));
                }
                let state = s.neuronify.unwrap_or_default();
                let engine = json!({
                    "alphaFunction": state.alpha, "delay": from_milli(s.delay_ms),
                    "exponential": state.exponential, "linear": state.linear,
                    "maximumCurrent": from_nano(s.weight_na), "tau": from_milli(s.tau_ms), "triggers": {}
                });
                edge("edges/CurrentSynapse.qml", a, b, Some(engine))
            }
        };
        synapses.push((index_of(&s.id), value));
    }
    synapses.sort_by_key(|(i, _)| i.unwrap_or(usize::MAX));
    let mut synapses = std::collections::VecDeque::from(synapses);
    let mut others = std::collections::VecDeque::from(others);
    let mut out = Vec::new();
    while !synapses.is_empty() || !others.is_empty() {
        let slot = out.len();
        let synapse_due = synapses
            .front()
            .is_some_and(|(i, _)| i.is_none_or(|i| i <= slot));
        let next = if synapse_due || others.is_empty() {
            synapses.pop_front().map(|(_, v)| v)
        } else {
            others.pop_front()
        };
        out.extend(next);
    }
    out
}
