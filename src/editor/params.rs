//! The editable parameters of every item, for the properties panel: name, unit, slider range
//! and hard limits, read and written by key. Keys are the file's field names
//! (`threshold_mV`), so what a student sees matches what a teacher reads in the file.

use std::ops::RangeInclusive;

use crate::circuit::population::MAX_POPULATION_SIZE;
use crate::circuit::*;
use crate::sim::{
    ConnectionRule, Drawn, MAX_DELAY_S, MAX_RATE_HZ, PlaceCell, ReceptiveField, Scene, VisualInput,
};

/// One number of an item.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub key: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub value: f64,
    /// The slider's span; typed values may go beyond it up to `limits`.
    pub slider: RangeInclusive<f64>,
    pub limits: RangeInclusive<f64>,
}

/// A parameter's description, with how to read and write it on an item of type `T`.
struct Spec<T> {
    key: &'static str,
    label: &'static str,
    unit: &'static str,
    slider: (f64, f64),
    limits: (f64, f64),
    get: fn(&T) -> Option<f64>,
    set: fn(&mut T, f64),
}

impl<T> Spec<T> {
    fn read(&self, item: &T) -> Option<Param> {
        Some(Param {
            key: self.key,
            label: self.label,
            unit: self.unit,
            value: (self.get)(item)?,
            slider: self.slider.0..=self.slider.1,
            limits: self.limits.0..=self.limits.1,
        })
    }
}

/// Shorthand for the tables below.
macro_rules! spec {
    ($key:literal, $label:literal, $unit:literal, $slider:expr, $limits:expr, $get:expr, $set:expr) => {
        Spec {
            key: $key,
            label: $label,
            unit: $unit,
            slider: $slider,
            limits: $limits,
            get: $get,
            set: $set,
        }
    };
}

fn lif(n: &NeuronModel) -> Option<&LifModel> {
    match n {
        NeuronModel::Lif(m) => Some(m),
        NeuronModel::HodgkinHuxley(_) => None,
    }
}

fn lif_mut(n: &mut NeuronModel) -> Option<&mut LifModel> {
    match n {
        NeuronModel::Lif(m) => Some(m),
        NeuronModel::HodgkinHuxley(_) => None,
    }
}

const BIG: f64 = 1e6;

fn visual(g: &GeneratorItem) -> Option<&VisualInput> {
    match &g.kind {
        GeneratorKind::VisualInput(v) => Some(v),
        _ => None,
    }
}

fn visual_mut(g: &mut GeneratorItem) -> Option<&mut VisualInput> {
    match &mut g.kind {
        GeneratorKind::VisualInput(v) => Some(v),
        _ => None,
    }
}

/// A field orientation matters except for a round centre-surround field.
fn oriented_field(v: &VisualInput) -> bool {
    v.field != ReceptiveField::CentreSurround
}

/// A scene position matters except for grey; an orientation only for bars and edges.
fn placed_scene(v: &VisualInput) -> bool {
    v.scene != Scene::Grey
}

fn place(g: &GeneratorItem) -> Option<&PlaceCell> {
    match &g.kind {
        GeneratorKind::PlaceCell(p) => Some(p),
        _ => None,
    }
}

fn place_mut(g: &mut GeneratorItem) -> Option<&mut PlaceCell> {
    match &mut g.kind {
        GeneratorKind::PlaceCell(p) => Some(p),
        _ => None,
    }
}

fn oriented_scene(v: &VisualInput) -> bool {
    matches!(v.scene, Scene::Bar | Scene::Edge)
}

#[rustfmt::skip]
/// A neuron model's numbers, for single neurons and populations alike.
const MODEL: &[Spec<NeuronModel>] = &[
    spec!("threshold_mV", "Threshold", "mV", (-80.0, 0.0), (-200.0, 100.0),
        |n| lif(n).map(|m| m.threshold_mv), |n, v| if let Some(m) = lif_mut(n) { m.threshold_mv = v }),
    spec!("reset_mV", "Reset potential", "mV", (-100.0, -40.0), (-200.0, 100.0),
        |n| lif(n).map(|m| m.reset_mv), |n, v| if let Some(m) = lif_mut(n) { m.reset_mv = v }),
    spec!("resting_mV", "Resting potential", "mV", (-100.0, 0.0), (-200.0, 100.0),
        |n| lif(n).map(|m| m.resting_mv), |n, v| if let Some(m) = lif_mut(n) { m.resting_mv = v }),
    spec!("capacitance_nF", "Capacitance", "nF", (0.01, 2.0), (1e-4, 1e3),
        |n| lif(n).map(|m| m.capacitance_nf), |n, v| if let Some(m) = lif_mut(n) { m.capacitance_nf = v }),
    spec!("resistance_MOhm", "Resistance", "MΩ", (1.0, 1000.0), (1e-3, BIG),
        |n| lif(n).map(|m| m.resistance_mohm), |n, v| if let Some(m) = lif_mut(n) { m.resistance_mohm = v }),
    spec!("refractory_ms", "Refractory period", "ms", (0.0, 20.0), (0.0, 1000.0),
        |n| lif(n).map(|m| m.refractory_ms), |n, v| if let Some(m) = lif_mut(n) { m.refractory_ms = v }),
    // Shown where a file set it (an imported lesson's saved voltage).
    spec!("start_mV", "Start potential (Reset returns here)", "mV", (-100.0, 0.0), (-500.0, 500.0),
        |n| lif(n)?.start_mv, |n, v| if let Some(m) = lif_mut(n) { m.start_mv = Some(v) }),
    spec!("adaptation.increment_nS", "Adaptation step", "nS", (0.0, 100.0), (0.0, BIG),
        |n| lif(n)?.adaptation.as_ref().map(|a| a.increment_ns),
        |n, v| if let Some(a) = lif_mut(n).and_then(|m| m.adaptation.as_mut()) { a.increment_ns = v }),
    spec!("adaptation.tau_ms", "Adaptation time constant", "ms", (10.0, 2000.0), (0.1, BIG),
        |n| lif(n)?.adaptation.as_ref().map(|a| a.tau_ms),
        |n, v| if let Some(a) = lif_mut(n).and_then(|m| m.adaptation.as_mut()) { a.tau_ms = v }),
    spec!("burst.peak_nA", "Burst current peak", "nA", (0.0, 5.0), (0.0, 1e3),
        |n| lif(n)?.burst.as_ref().map(|b| b.peak_na),
        |n, v| if let Some(b) = lif_mut(n).and_then(|m| m.burst.as_mut()) { b.peak_na = v }),
    spec!("burst.ramp_nA_per_s", "Burst current decay", "nA/s", (0.1, 50.0), (1e-3, BIG),
        |n| lif(n)?.burst.as_ref().map(|b| b.ramp_na_per_s),
        |n, v| if let Some(b) = lif_mut(n).and_then(|m| m.burst.as_mut()) { b.ramp_na_per_s = v }),
    spec!("escape.width_mV", "Escape noise: soft threshold width", "mV", (0.5, 20.0), (1e-3, 1e3),
        |n| lif(n)?.escape.map(|e| e.width_mv),
        |n, v| if let Some(e) = lif_mut(n).and_then(|m| m.escape.as_mut()) { e.width_mv = v }),
    spec!("escape.max_rate_Hz", "Escape noise: highest rate", "Hz", (10.0, 1000.0), (1e-3, MAX_RATE_HZ),
        |n| lif(n)?.escape.map(|e| e.max_rate_hz),
        |n, v| if let Some(e) = lif_mut(n).and_then(|m| m.escape.as_mut()) { e.max_rate_hz = v }),
    spec!("area_cm2", "Membrane area", "cm²", (1e-5, 1e-3), (1e-8, 1.0),
        |n| match n { NeuronModel::HodgkinHuxley(h) => Some(h.area_cm2), _ => None },
        |n, v| if let NeuronModel::HodgkinHuxley(h) = n { h.area_cm2 = v }),
];

#[rustfmt::skip]
const GENERATOR: &[Spec<GeneratorItem>] = &[
    spec!("current_nA", "Current", "nA", (-5.0, 5.0), (-1e3, 1e3),
        |g| match g.kind { GeneratorKind::Dc { current_na } => Some(current_na), _ => None },
        |g, v| if let GeneratorKind::Dc { current_na } = &mut g.kind { *current_na = v }),
    spec!("amplitude_nA", "Amplitude", "nA", (0.0, 5.0), (-1e3, 1e3),
        |g| match g.kind { GeneratorKind::Ac { amplitude_na, .. } => Some(amplitude_na), _ => None },
        |g, v| if let GeneratorKind::Ac { amplitude_na, .. } = &mut g.kind { *amplitude_na = v }),
    spec!("frequency_Hz", "Frequency", "Hz", (0.1, 100.0), (0.0, 5000.0),
        |g| match g.kind { GeneratorKind::Ac { frequency_hz, .. } => Some(frequency_hz), _ => None },
        |g, v| if let GeneratorKind::Ac { frequency_hz, .. } = &mut g.kind { *frequency_hz = v }),
    spec!("phase_deg", "Phase", "°", (0.0, 360.0), (-360.0, 360.0),
        |g| match g.kind { GeneratorKind::Ac { phase_deg, .. } => Some(phase_deg), _ => None },
        |g, v| if let GeneratorKind::Ac { phase_deg, .. } = &mut g.kind { *phase_deg = v }),
    spec!("rate_Hz", "Rate", "Hz", (0.0, 200.0), (0.0, MAX_RATE_HZ),
        |g| match g.kind {
            GeneratorKind::Regular { rate_hz } | GeneratorKind::Poisson { rate_hz } => Some(rate_hz),
            _ => None,
        },
        |g, v| match &mut g.kind {
            GeneratorKind::Regular { rate_hz } | GeneratorKind::Poisson { rate_hz } => *rate_hz = v,
            _ => {}
        }),
    spec!("sensitivity_Hz", "Sensitivity (rate at a perfect match)", "Hz", (0.0, 5000.0), (0.0, 1e5),
        |g| visual(g).map(|v| v.sensitivity_hz), |g, x| if let Some(v) = visual_mut(g) { v.sensitivity_hz = x }),
    spec!("field_orientation_deg", "Field orientation (from vertical)", "°", (0.0, 180.0), (-360.0, 360.0),
        |g| visual(g).filter(|v| oriented_field(v)).map(|v| v.field_orientation_deg),
        |g, x| if let Some(v) = visual_mut(g) { v.field_orientation_deg = x }),
    spec!("field_x", "Field position x", "× view", (-0.5, 0.5), (-1.0, 1.0),
        |g| visual(g).map(|v| v.field_x), |g, x| if let Some(v) = visual_mut(g) { v.field_x = x }),
    spec!("field_y", "Field position y (down)", "× view", (-0.5, 0.5), (-1.0, 1.0),
        |g| visual(g).map(|v| v.field_y), |g, x| if let Some(v) = visual_mut(g) { v.field_y = x }),
    spec!("scene_orientation_deg", "Scene orientation (from vertical)", "°", (0.0, 180.0), (-360.0, 360.0),
        |g| visual(g).filter(|v| oriented_scene(v)).map(|v| v.scene_orientation_deg),
        |g, x| if let Some(v) = visual_mut(g) { v.scene_orientation_deg = x }),
    spec!("centre_x_m", "Place field centre x", "m", (-1.0, 1.0), (-1e3, 1e3),
        |g| place(g).map(|p| p.centre_x_m), |g, x| if let Some(p) = place_mut(g) { p.centre_x_m = x }),
    spec!("centre_y_m", "Place field centre y", "m", (-1.0, 1.0), (-1e3, 1e3),
        |g| place(g).map(|p| p.centre_y_m), |g, x| if let Some(p) = place_mut(g) { p.centre_y_m = x }),
    spec!("width_m", "Place field width σ", "m", (0.05, 1.0), (1e-3, 1e3),
        |g| place(g).map(|p| p.width_m), |g, x| if let Some(p) = place_mut(g) { p.width_m = x }),
    spec!("peak_Hz", "Rate at the field centre", "Hz", (1.0, 200.0), (1e-3, MAX_RATE_HZ),
        |g| place(g).map(|p| p.peak_hz), |g, x| if let Some(p) = place_mut(g) { p.peak_hz = x }),
    spec!("scene_x", "Scene position x", "× view", (-0.5, 0.5), (-1.0, 1.0),
        |g| visual(g).filter(|v| placed_scene(v)).map(|v| v.scene_x),
        |g, x| if let Some(v) = visual_mut(g) { v.scene_x = x }),
    spec!("scene_y", "Scene position y (down)", "× view", (-0.5, 0.5), (-1.0, 1.0),
        |g| visual(g).filter(|v| placed_scene(v)).map(|v| v.scene_y),
        |g, x| if let Some(v) = visual_mut(g) { v.scene_y = x }),
];

#[rustfmt::skip]
const SENSOR: &[Spec<SensorItem>] = &[
    spec!("repeat_Hz", "Repeat while held", "Hz", (0.0, 50.0), (0.0, MAX_RATE_HZ),
        |s| Some(s.repeat_hz), |s, v| s.repeat_hz = v),
    spec!("reward", "Reward per press (negative: punishment)", "pt", (-1.0, 1.0), (-100.0, 100.0),
        |s| s.reward, |s, v| if s.reward.is_some() { s.reward = Some(v) }),
];

#[rustfmt::skip]
const SYNAPSE: &[Spec<SynapseItem>] = &[
    spec!("weight_nA", "Weight", "nA", (0.0, 20.0), (0.0, 1e3),
        |s| Some(s.weight_na), |s, v| s.weight_na = v),
    spec!("tau_ms", "Time constant", "ms", (0.1, 50.0), (1e-3, 1e4),
        |s| Some(s.tau_ms), |s, v| s.tau_ms = v),
    spec!("delay_ms", "Delay", "ms", (0.0, MAX_DELAY_S * 1e3), (0.0, MAX_DELAY_S * 1e3),
        |s| Some(s.delay_ms), |s, v| s.delay_ms = v),
    spec!("reward.tau_e_ms", "Learning: eligibility lasts τ_e", "ms", (100.0, 20_000.0), (0.1, 1e6),
        |s| s.reward.map(|m| m.tau_e_ms), |s, v| if let Some(m) = &mut s.reward { m.tau_e_ms = v }),
    spec!("reward.tau_c_ms", "Learning: Hebbian bias τ_c (0: policy gradient)", "ms", (0.0, 20.0), (0.0, 1e4),
        |s| s.reward.map(|m| m.tau_c_ms), |s, v| if let Some(m) = &mut s.reward { m.tau_c_ms = v }),
    spec!("reward.learning_rate", "Learning: rate α", "× w_max", (0.0, 0.5), (0.0, 10.0),
        |s| s.reward.map(|m| m.learning_rate), |s, v| if let Some(m) = &mut s.reward { m.learning_rate = v }),
    spec!("reward.baseline", "Learning: reward baseline b", "pt", (-1.0, 1.0), (-100.0, 100.0),
        |s| s.reward.map(|m| m.baseline), |s, v| if let Some(m) = &mut s.reward { m.baseline = v }),
    spec!("reward.w_max_nA", "Learning: largest weight", "nA", (0.1, 20.0), (1e-3, 1e3),
        |s| s.reward.map(|m| m.w_max_na), |s, v| if let Some(m) = &mut s.reward { m.w_max_na = v }),
    spec!("stdp.a_plus", "Learning: potentiation per pair", "× w_max", (0.0, 0.1), (0.0, 1.0),
        |s| s.stdp.map(|m| m.a_plus), |s, v| if let Some(m) = &mut s.stdp { m.a_plus = v }),
    spec!("stdp.a_minus", "Learning: depression per pair", "× w_max", (0.0, 0.1), (0.0, 1.0),
        |s| s.stdp.map(|m| m.a_minus), |s, v| if let Some(m) = &mut s.stdp { m.a_minus = v }),
    spec!("stdp.tau_plus_ms", "Learning: potentiation window τ₊", "ms", (1.0, 100.0), (0.1, 1e4),
        |s| s.stdp.map(|m| m.tau_plus_ms), |s, v| if let Some(m) = &mut s.stdp { m.tau_plus_ms = v }),
    spec!("stdp.tau_minus_ms", "Learning: depression window τ₋", "ms", (1.0, 100.0), (0.1, 1e4),
        |s| s.stdp.map(|m| m.tau_minus_ms), |s, v| if let Some(m) = &mut s.stdp { m.tau_minus_ms = v }),
    spec!("stdp.w_max_nA", "Learning: largest weight", "nA", (0.1, 20.0), (1e-3, 1e3),
        |s| s.stdp.map(|m| m.w_max_na), |s, v| if let Some(m) = &mut s.stdp { m.w_max_na = v }),
];

#[rustfmt::skip]
const POPULATION: &[Spec<PopulationItem>] = &[
    spec!("size", "Size", "neurons", (1.0, 10_000.0), (1.0, MAX_POPULATION_SIZE as f64),
        |p| Some(f64::from(p.size)), |p, v| p.size = v.round() as u32),
    spec!("initial_mV", "Start potential", "mV", (-100.0, -40.0), (-200.0, 100.0),
        |p| match p.initial_mv { InitialPotential::Fixed(v) => Some(v), _ => None },
        |p, v| if let InitialPotential::Fixed(x) = &mut p.initial_mv { *x = v }),
    spec!("initial_mV.low", "Start potential, lowest", "mV", (-100.0, -40.0), (-200.0, 100.0),
        |p| match p.initial_mv { InitialPotential::Uniform(lo, _) => Some(lo), _ => None },
        |p, v| if let InitialPotential::Uniform(lo, _) = &mut p.initial_mv { *lo = v }),
    spec!("initial_mV.high", "Start potential, highest", "mV", (-100.0, -40.0), (-200.0, 100.0),
        |p| match p.initial_mv { InitialPotential::Uniform(_, hi) => Some(hi), _ => None },
        |p, v| if let InitialPotential::Uniform(_, hi) = &mut p.initial_mv { *hi = v }),
];

#[rustfmt::skip]
const PROJECTION: &[Spec<ProjectionItem>] = &[
    spec!("rule.p", "Connection probability p", "", (0.0, 1.0), (0.0, 1.0),
        |p| match p.rule { ConnectionRule::Probability(x) => Some(x), _ => None },
        |p, v| if let ConnectionRule::Probability(x) = &mut p.rule { *x = v }),
    spec!("rule.k", "Connections per neuron k", "", (1.0, 1000.0), (0.0, MAX_POPULATION_SIZE as f64),
        |p| match p.rule {
            ConnectionRule::FixedIndegree(k) | ConnectionRule::FixedOutdegree(k) => Some(f64::from(k)),
            _ => None,
        },
        |p, v| if let ConnectionRule::FixedIndegree(k) | ConnectionRule::FixedOutdegree(k) = &mut p.rule {
            *k = v.round() as u32;
        }),
    spec!("weight_nA", "Weight", "nA", (0.0, 5.0), (0.0, 1e3),
        |p| p.weight_na.fixed(), |p, v| p.weight_na = Drawn::Fixed(v)),
    spec!("weight_nA.mean", "Weight, mean", "nA", (0.0, 5.0), (0.0, 1e3),
        |p| drawn_normal(&p.weight_na).map(|(m, _)| m), |p, v| set_normal(&mut p.weight_na, Some(v), None)),
    spec!("weight_nA.sd", "Weight, standard deviation", "nA", (0.0, 2.0), (0.0, 1e3),
        |p| drawn_normal(&p.weight_na).map(|(_, s)| s), |p, v| set_normal(&mut p.weight_na, None, Some(v))),
    spec!("weight_nA.low", "Weight, lowest", "nA", (0.0, 5.0), (0.0, 1e3),
        |p| drawn_uniform(&p.weight_na).map(|(l, _)| l), |p, v| set_uniform(&mut p.weight_na, Some(v), None)),
    spec!("weight_nA.high", "Weight, highest", "nA", (0.0, 5.0), (0.0, 1e3),
        |p| drawn_uniform(&p.weight_na).map(|(_, h)| h), |p, v| set_uniform(&mut p.weight_na, None, Some(v))),
    spec!("delay_ms", "Delay", "ms", (0.0, MAX_DELAY_S * 1e3), (0.0, MAX_DELAY_S * 1e3),
        |p| p.delay_ms.fixed(), |p, v| p.delay_ms = Drawn::Fixed(v)),
    spec!("delay_ms.mean", "Delay, mean", "ms", (0.0, MAX_DELAY_S * 1e3), (0.0, MAX_DELAY_S * 1e3),
        |p| drawn_normal(&p.delay_ms).map(|(m, _)| m), |p, v| set_normal(&mut p.delay_ms, Some(v), None)),
    spec!("delay_ms.sd", "Delay, standard deviation", "ms", (0.0, 10.0), (0.0, MAX_DELAY_S * 1e3),
        |p| drawn_normal(&p.delay_ms).map(|(_, s)| s), |p, v| set_normal(&mut p.delay_ms, None, Some(v))),
    spec!("delay_ms.low", "Delay, shortest", "ms", (0.0, MAX_DELAY_S * 1e3), (0.0, MAX_DELAY_S * 1e3),
        |p| drawn_uniform(&p.delay_ms).map(|(l, _)| l), |p, v| set_uniform(&mut p.delay_ms, Some(v), None)),
    spec!("delay_ms.high", "Delay, longest", "ms", (0.0, MAX_DELAY_S * 1e3), (0.0, MAX_DELAY_S * 1e3),
        |p| drawn_uniform(&p.delay_ms).map(|(_, h)| h), |p, v| set_uniform(&mut p.delay_ms, None, Some(v))),
    spec!("tau_ms", "Time constant", "ms", (0.1, 50.0), (1e-3, 1e4),
        |p| Some(p.tau_ms), |p, v| p.tau_ms = v),
];

fn drawn_normal(d: &Drawn) -> Option<(f64, f64)> {
    match *d {
        Drawn::Normal { mean, sd } => Some((mean, sd)),
        _ => None,
    }
}

fn drawn_uniform(d: &Drawn) -> Option<(f64, f64)> {
    match *d {
        Drawn::Uniform { low, high } => Some((low, high)),
        _ => None,
    }
}

fn set_normal(d: &mut Drawn, new_mean: Option<f64>, new_sd: Option<f64>) {
    if let Drawn::Normal { mean, sd } = d {
        *mean = new_mean.unwrap_or(*mean);
        *sd = new_sd.unwrap_or(*sd);
    }
}

fn set_uniform(d: &mut Drawn, new_low: Option<f64>, new_high: Option<f64>) {
    if let Drawn::Uniform { low, high } = d {
        *low = new_low.unwrap_or(*low);
        *high = new_high.unwrap_or(*high);
    }
}

fn read_all<T>(specs: &[Spec<T>], item: &T) -> Vec<Param> {
    specs.iter().filter_map(|s| s.read(item)).collect()
}

/// Writes `value`, clamped to the parameter's limits, if the item has that parameter.
fn write<T>(specs: &[Spec<T>], item: &mut T, key: &str, value: f64) -> bool {
    let Some(spec) = specs.iter().find(|s| s.key == key) else {
        return false;
    };
    if (spec.get)(item).is_none() || !value.is_finite() {
        return false;
    }
    (spec.set)(item, value.clamp(spec.limits.0, spec.limits.1));
    true
}

impl Circuit {
    /// The numbers of the item (or synapse) with this id.
    pub fn params(&self, id: &str) -> Vec<Param> {
        if let Some(n) = self.neurons.iter().find(|n| n.id == id) {
            read_all(MODEL, &n.model)
        } else if let Some(p) = self.populations.iter().find(|p| p.id == id) {
            let mut params = read_all(POPULATION, p);
            params.extend(read_all(MODEL, &p.model));
            params
        } else if let Some(p) = self.projections.iter().find(|p| p.id == id) {
            read_all(PROJECTION, p)
        } else if let Some(g) = self.generators.iter().find(|g| g.id == id) {
            read_all(GENERATOR, g)
        } else if let Some(s) = self.sensors.iter().find(|s| s.id == id) {
            read_all(SENSOR, s)
        } else if let Some(s) = self.synapses.iter().find(|s| s.id == id) {
            read_all(SYNAPSE, s)
        } else {
            Vec::new()
        }
    }

    /// Sets a number of an item, clamped to its limits; false if the item has no such number.
    pub fn set_param(&mut self, id: &str, key: &str, value: f64) -> bool {
        if let Some(n) = self.neurons.iter_mut().find(|n| n.id == id) {
            write(MODEL, &mut n.model, key, value)
        } else if let Some(p) = self.populations.iter_mut().find(|p| p.id == id) {
            write(POPULATION, p, key, value) || write(MODEL, &mut p.model, key, value)
        } else if let Some(p) = self.projections.iter_mut().find(|p| p.id == id) {
            write(PROJECTION, p, key, value)
        } else if let Some(g) = self.generators.iter_mut().find(|g| g.id == id) {
            write(GENERATOR, g, key, value)
        } else if let Some(s) = self.sensors.iter_mut().find(|s| s.id == id) {
            write(SENSOR, s, key, value)
        } else if let Some(s) = self.synapses.iter_mut().find(|s| s.id == id) {
            write(SYNAPSE, s, key, value)
        } else {
            false
        }
    }

    /// The label of an item (notes have their text instead).
    pub fn label(&self, id: &str) -> Option<&str> {
        let l = self
            .neurons
            .iter()
            .find(|n| n.id == id)
            .map(|n| &n.label)
            .or_else(|| {
                self.generators
                    .iter()
                    .find(|g| g.id == id)
                    .map(|g| &g.label)
            })
            .or_else(|| self.sensors.iter().find(|s| s.id == id).map(|s| &s.label))
            .or_else(|| self.meters.iter().find(|m| m.id == id).map(|m| &m.label))
            .or_else(|| {
                self.populations
                    .iter()
                    .find(|p| p.id == id)
                    .map(|p| &p.label)
            })?;
        Some(l)
    }

    pub fn set_label(&mut self, id: &str, label: &str) {
        let slot = self
            .neurons
            .iter_mut()
            .find(|n| n.id == id)
            .map(|n| &mut n.label)
            .or_else(|| {
                self.generators
                    .iter_mut()
                    .find(|g| g.id == id)
                    .map(|g| &mut g.label)
            })
            .or_else(|| {
                self.sensors
                    .iter_mut()
                    .find(|s| s.id == id)
                    .map(|s| &mut s.label)
            })
            .or_else(|| {
                self.meters
                    .iter_mut()
                    .find(|m| m.id == id)
                    .map(|m| &mut m.label)
            })
            .or_else(|| {
                self.populations
                    .iter_mut()
                    .find(|p| p.id == id)
                    .map(|p| &mut p.label)
            });
        if let Some(slot) = slot {
            label.clone_into(slot);
        }
    }

    /// Whether the item's spikes inhibit (neurons, populations and spike generators).
    pub fn inhibitory(&self, id: &str) -> Option<bool> {
        self.neurons
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.inhibitory)
            .or_else(|| {
                self.populations
                    .iter()
                    .find(|p| p.id == id)
                    .map(|p| p.inhibitory)
            })
            .or_else(|| {
                self.generators
                    .iter()
                    .find(|g| g.id == id && !g.kind.is_current())
                    .map(|g| g.inhibitory)
            })
    }

    pub fn set_inhibitory(&mut self, id: &str, inhibitory: bool) {
        for n in self.neurons.iter_mut().filter(|n| n.id == id) {
            n.inhibitory = inhibitory;
        }
        for p in self.populations.iter_mut().filter(|p| p.id == id) {
            p.inhibitory = inhibitory;
        }
        for g in self
            .generators
            .iter_mut()
            .filter(|g| g.id == id && !g.kind.is_current())
        {
            g.inhibitory = inhibitory;
        }
    }

    /// The neuron model of a neuron or a population.
    pub fn model(&self, id: &str) -> Option<&NeuronModel> {
        self.neurons
            .iter()
            .find(|n| n.id == id)
            .map(|n| &n.model)
            .or_else(|| {
                self.populations
                    .iter()
                    .find(|p| p.id == id)
                    .map(|p| &p.model)
            })
    }

    fn model_mut(&mut self, id: &str) -> Option<&mut NeuronModel> {
        match self.neurons.iter_mut().find(|n| n.id == id) {
            Some(n) => Some(&mut n.model),
            None => self
                .populations
                .iter_mut()
                .find(|p| p.id == id)
                .map(|p| &mut p.model),
        }
    }

    /// Turns escape noise of an integrate-and-fire neuron on (with defaults) or off.
    pub fn set_escape(&mut self, id: &str, on: bool) {
        if let Some(m) = self.model_mut(id).and_then(lif_mut)
            && on != m.escape.is_some()
        {
            m.escape = on.then(EscapeModel::default);
            // Neuronify's neurons fire at their threshold.
            if on {
                m.neuronify = None;
            }
        }
    }

    /// Puts a single LIF neuron on Neuronify's stepping (as an imported lesson's neurons are,
    /// with Neuronify's voltage clamp) or back on the exact one.
    pub fn set_neuronify_stepping(&mut self, id: &str, on: bool) {
        let Some(n) = self.neurons.iter_mut().find(|n| n.id == id) else {
            return;
        };
        if let NeuronModel::Lif(m) = &mut n.model
            && on != m.neuronify.is_some()
        {
            m.neuronify = on.then_some(NeuronifyNeuronModel {
                clamp_mv: Some((-90.0, 60.0)),
            });
            if on {
                m.escape = None;
            }
        }
    }

    /// Switches spike-rate adaptation or the burst current of a LIF neuron on or off.
    pub fn set_lif_extras(&mut self, id: &str, adaptation: bool, burst: bool) {
        if let Some(m) = self.model_mut(id).and_then(lif_mut) {
            if adaptation != m.adaptation.is_some() {
                m.adaptation = adaptation.then(AdaptationModel::default);
            }
            if burst != m.burst.is_some() {
                m.burst = burst.then(BurstModel::default);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::circuit::ItemKind;
    use bevy::math::Vec2;

    #[test]
    fn every_item_kind_lists_its_numbers_with_units() {
        let mut c = Circuit::empty("t");
        for kind in ItemKind::ALL {
            let id = c.add_item(kind, Vec2::ZERO);
            for p in c.params(&id) {
                assert!(!p.unit.is_empty(), "{}: {} has no unit", kind.name(), p.key);
                assert!(
                    p.limits.contains(&p.value),
                    "{}: {} default out of limits",
                    kind.name(),
                    p.key
                );
            }
        }
        let lif = &c.neurons[0].id.clone();
        assert_eq!(c.params(lif).len(), 6);
        let adaptive = &c.neurons[2].id.clone();
        assert_eq!(c.params(adaptive).len(), 8);
    }

    #[test]
    fn set_param_writes_clamped_values_and_ignores_unknown_keys() {
        let mut c = Circuit::empty("t");
        let n = c.add_item(ItemKind::Lif, Vec2::ZERO);
        assert!(c.set_param(&n, "threshold_mV", -50.0));
        assert!(c.set_param(&n, "refractory_ms", -5.0));
        let p = c.params(&n);
        let get = |k: &str| p.iter().find(|p| p.key == k).unwrap().value;
        assert_eq!(get("threshold_mV"), -50.0);
        assert_eq!(get("refractory_ms"), 0.0, "clamped to the lower limit");
        assert!(!c.set_param(&n, "rate_Hz", 3.0));
        assert!(
            !c.set_param(&n, "adaptation.tau_ms", 3.0),
            "no adaptation here"
        );
        assert!(!c.set_param(&n, "threshold_mV", f64::NAN));
    }

    #[test]
    fn neuronify_stepping_switches_and_excludes_escape_noise() {
        let mut c = Circuit::empty("t");
        let n = c.add_item(ItemKind::Lif, Vec2::ZERO);
        let model = |c: &Circuit| match &c.neurons[0].model {
            NeuronModel::Lif(m) => m.clone(),
            NeuronModel::HodgkinHuxley(_) => unreachable!(),
        };
        assert!(c.params(&n).iter().all(|p| p.key != "start_mV"));
        c.set_neuronify_stepping(&n, true);
        assert_eq!(model(&c).neuronify.unwrap().clamp_mv, Some((-90.0, 60.0)));
        c.set_escape(&n, true);
        assert!(model(&c).neuronify.is_none() && model(&c).escape.is_some());
        c.set_neuronify_stepping(&n, true);
        assert!(model(&c).neuronify.is_some() && model(&c).escape.is_none());
        c.validate("", "").unwrap();
        // An imported neuron's start potential is one of its numbers.
        if let NeuronModel::Lif(m) = &mut c.neurons[0].model {
            m.start_mv = Some(-74.35);
        }
        assert!(c.set_param(&n, "start_mV", -60.0));
        assert_eq!(model(&c).start_mv, Some(-60.0));
    }

    #[test]
    fn a_visual_input_shows_only_the_numbers_its_field_and_scene_use() {
        let mut c = Circuit::empty("t");
        let id = c.add_item(ItemKind::VisualInput, Vec2::ZERO);
        let keys = |c: &Circuit| -> Vec<&str> { c.params(&id).iter().map(|p| p.key).collect() };
        assert!(keys(&c).contains(&"field_orientation_deg"));
        assert!(keys(&c).contains(&"scene_orientation_deg"));
        assert!(c.set_param(&id, "scene_orientation_deg", 90.0));
        let GeneratorKind::VisualInput(v) = &mut c.generators[0].kind else {
            panic!("a visual input")
        };
        assert_eq!(v.scene_orientation_deg, 90.0);
        v.field = ReceptiveField::CentreSurround;
        v.scene = Scene::Spot;
        let shown = keys(&c);
        assert!(!shown.contains(&"field_orientation_deg"), "a round field");
        assert!(!shown.contains(&"scene_orientation_deg"), "a round spot");
        assert!(!c.set_param(&id, "scene_orientation_deg", 10.0));
        assert!(c.set_param(&id, "scene_x", 5.0));
        assert_eq!(
            c.params(&id)
                .iter()
                .find(|p| p.key == "scene_x")
                .unwrap()
                .value,
            1.0,
            "clamped to the view"
        );
    }
}
