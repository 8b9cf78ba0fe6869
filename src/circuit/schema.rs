//! The saved circuit: plain serde types for `*.circuit.ron` (format `version: 2`; version 1 is
//! the same without populations and projections), separate from the runtime components. Quantities carry their unit in the field name (`weight_nA`); items
//! have stable string ids that synapses, edges and meters refer to.

use serde::{Deserialize, Serialize};

pub use super::population::{InitialPotential, PopulationItem, ProjectionItem};
use super::units::{from_mega, from_milli, from_nano, to_milli, to_nano};
use crate::sim::params::{ParamError, finite, in_range, non_negative, positive};
use crate::sim::{MeterKind, PlaceCell, RewardLearning, Stdp, SynapseMode, VisualInput};

/// The newest circuit format this build reads and writes: version 2 adds populations and
/// projections. A circuit without them is written as version 1, which older builds read.
pub const CIRCUIT_VERSION: u32 = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Circuit {
    pub version: u32,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub neurons: Vec<NeuronItem>,
    #[serde(default)]
    pub generators: Vec<GeneratorItem>,
    #[serde(default)]
    pub sensors: Vec<SensorItem>,
    #[serde(default)]
    pub synapses: Vec<SynapseItem>,
    #[serde(default)]
    pub meters: Vec<MeterItem>,
    #[serde(default)]
    pub notes: Vec<NoteItem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub populations: Vec<PopulationItem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub projections: Vec<ProjectionItem>,
}

impl Circuit {
    /// The oldest format that can hold this circuit.
    pub fn needed_version(&self) -> u32 {
        if self.populations.is_empty() && self.projections.is_empty() {
            1
        } else {
            2
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeuronItem {
    pub id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub position: (f32, f32),
    #[serde(default)]
    pub inhibitory: bool,
    pub model: NeuronModel,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum NeuronModel {
    /// Leaky integrate-and-fire, optionally with adaptation or a burst current.
    Lif(LifModel),
    HodgkinHuxley(HhModel),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifModel {
    #[serde(rename = "capacitance_nF", default = "d_capacitance")]
    pub capacitance_nf: f64,
    #[serde(rename = "resistance_MOhm", default = "d_resistance")]
    pub resistance_mohm: f64,
    #[serde(rename = "resting_mV", default = "d_resting")]
    pub resting_mv: f64,
    #[serde(rename = "threshold_mV", default = "d_threshold")]
    pub threshold_mv: f64,
    #[serde(rename = "reset_mV", default = "d_reset")]
    pub reset_mv: f64,
    #[serde(default = "d_refractory")]
    pub refractory_ms: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adaptation: Option<AdaptationModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<BurstModel>,
    /// Fire at random around the threshold instead of exactly at it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escape: Option<EscapeModel>,
    /// The membrane potential the neuron starts from, and returns to on Reset (absent: its
    /// reset potential).
    #[serde(rename = "start_mV", default, skip_serializing_if = "Option::is_none")]
    pub start_mv: Option<f64>,
    /// Stepped as Neuronify steps it (imported lessons; see `sim::neuronify`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neuronify: Option<NeuronifyNeuronModel>,
}

/// Neuronify's stepping of a neuron, in file units.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeuronifyNeuronModel {
    /// Neuronify's voltage clamp: after each step the voltage is held within it.
    #[serde(rename = "clamp_mV", default, skip_serializing_if = "Option::is_none")]
    pub clamp_mv: Option<(f64, f64)>,
}

impl NeuronifyNeuronModel {
    pub fn to_sim(&self) -> crate::sim::NeuronifyStepping {
        crate::sim::NeuronifyStepping {
            clamp_v: self
                .clamp_mv
                .map(|(low, high)| (from_milli(low), from_milli(high))),
        }
    }

    pub fn from_sim(n: &crate::sim::NeuronifyStepping) -> Self {
        Self {
            clamp_mv: n.clamp_v.map(|(low, high)| (to_milli(low), to_milli(high))),
        }
    }
}

/// Neuronify's stepping of a synapse and the state it starts from, as Neuronify saved it.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NeuronifySynapseModel {
    /// An alpha-function synapse (output ∝ linear·exponential).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub alpha: bool,
    /// The fraction of its maximum current the synapse starts with.
    #[serde(default)]
    pub exponential: f64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub linear: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

impl NeuronifySynapseModel {
    pub fn to_sim(&self) -> crate::sim::NeuronifySynapse {
        crate::sim::NeuronifySynapse {
            alpha: self.alpha,
            exponential: self.exponential,
            linear: self.linear,
        }
    }

    pub fn from_sim(n: &crate::sim::NeuronifySynapse) -> Self {
        Self {
            alpha: n.alpha,
            exponential: n.exponential,
            linear: n.linear,
        }
    }
}

/// Escape noise of an integrate-and-fire neuron, in file units (see `sim::escape`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscapeModel {
    /// Δu: how soft the threshold is.
    #[serde(rename = "width_mV", default = "d_escape_width")]
    pub width_mv: f64,
    /// The rate far above threshold.
    #[serde(rename = "max_rate_Hz", default = "d_escape_rate")]
    pub max_rate_hz: f64,
}

fn d_escape_width() -> f64 {
    4.0
}
fn d_escape_rate() -> f64 {
    200.0
}

impl Default for EscapeModel {
    fn default() -> Self {
        Self {
            width_mv: d_escape_width(),
            max_rate_hz: d_escape_rate(),
        }
    }
}

impl EscapeModel {
    pub fn to_sim(&self) -> crate::sim::EscapeNoise {
        crate::sim::EscapeNoise {
            width_v: from_milli(self.width_mv),
            max_rate_hz: self.max_rate_hz,
        }
    }

    pub fn from_sim(e: &crate::sim::EscapeNoise) -> Self {
        Self {
            width_mv: to_milli(e.width_v),
            max_rate_hz: e.max_rate_hz,
        }
    }
}

fn d_capacitance() -> f64 {
    0.2
}
fn d_resistance() -> f64 {
    100.0
}
fn d_resting() -> f64 {
    -70.0
}
fn d_threshold() -> f64 {
    -55.0
}
fn d_reset() -> f64 {
    -80.0
}
fn d_refractory() -> f64 {
    2.0
}

impl LifModel {
    /// The simulation's parameters, in SI units.
    pub fn params(&self) -> crate::sim::LifParams {
        crate::sim::LifParams {
            capacitance_f: from_nano(self.capacitance_nf),
            resistance_ohm: from_mega(self.resistance_mohm),
            resting_v: from_milli(self.resting_mv),
            threshold_v: from_milli(self.threshold_mv),
            reset_v: from_milli(self.reset_mv),
        }
    }
}

impl Default for LifModel {
    fn default() -> Self {
        Self {
            capacitance_nf: d_capacitance(),
            resistance_mohm: d_resistance(),
            resting_mv: d_resting(),
            threshold_mv: d_threshold(),
            reset_mv: d_reset(),
            refractory_ms: d_refractory(),
            adaptation: None,
            burst: None,
            escape: None,
            start_mv: None,
            neuronify: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdaptationModel {
    #[serde(rename = "increment_nS", default = "d_adapt_increment")]
    pub increment_ns: f64,
    #[serde(default = "d_adapt_tau")]
    pub tau_ms: f64,
}

fn d_adapt_increment() -> f64 {
    10.0
}
fn d_adapt_tau() -> f64 {
    500.0
}

impl Default for AdaptationModel {
    fn default() -> Self {
        Self {
            increment_ns: d_adapt_increment(),
            tau_ms: d_adapt_tau(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BurstModel {
    #[serde(rename = "peak_nA", default = "d_burst_peak")]
    pub peak_na: f64,
    #[serde(rename = "ramp_nA_per_s", default = "d_burst_ramp")]
    pub ramp_na_per_s: f64,
}

fn d_burst_peak() -> f64 {
    1.2
}
fn d_burst_ramp() -> f64 {
    6.0
}

impl Default for BurstModel {
    fn default() -> Self {
        Self {
            peak_na: d_burst_peak(),
            ramp_na_per_s: d_burst_ramp(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HhModel {
    #[serde(default = "d_area")]
    pub area_cm2: f64,
}

fn d_area() -> f64 {
    1e-4
}

impl Default for HhModel {
    fn default() -> Self {
        Self { area_cm2: d_area() }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GeneratorItem {
    pub id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub position: (f32, f32),
    #[serde(default)]
    pub inhibitory: bool,
    pub kind: GeneratorKind,
    /// Neurons a current generator injects into. Spike generators connect through `synapses`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    /// A regular generator on Neuronify's clock (imported lessons; see `sim::NeuronifyClock`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub neuronify_clock: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum GeneratorKind {
    Dc {
        #[serde(rename = "current_nA")]
        current_na: f64,
    },
    Ac {
        #[serde(rename = "amplitude_nA")]
        amplitude_na: f64,
        #[serde(rename = "frequency_Hz")]
        frequency_hz: f64,
        #[serde(default)]
        phase_deg: f64,
    },
    Regular {
        #[serde(rename = "rate_Hz")]
        rate_hz: f64,
    },
    Poisson {
        #[serde(rename = "rate_Hz")]
        rate_hz: f64,
    },
    /// A retina cell watching a test scene; it sends Poisson spikes through synapses.
    VisualInput(VisualInput),
    /// A place cell: Poisson spikes at its field's rate where the animal is.
    PlaceCell(PlaceCell),
}

impl GeneratorKind {
    pub fn is_current(&self) -> bool {
        matches!(self, Self::Dc { .. } | Self::Ac { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensorItem {
    pub id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub position: (f32, f32),
    /// Spikes per second while held (0: one spike per press).
    #[serde(rename = "repeat_Hz", default)]
    pub repeat_hz: f64,
    /// A reward (R > 0) or punishment (R < 0) sent to the learning synapses on each press.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynapseItem {
    /// Optional; empty when nothing needs to refer to the synapse.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub from: String,
    pub to: String,
    #[serde(rename = "weight_nA", default = "d_weight")]
    pub weight_na: f64,
    #[serde(default = "d_tau")]
    pub tau_ms: f64,
    #[serde(default = "d_delay")]
    pub delay_ms: f64,
    #[serde(default)]
    pub mode: SynapseMode,
    /// Spike-timing-dependent plasticity: the weight learns from spike pairs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdp: Option<StdpModel>,
    /// The three-factor rule: the weight learns from reward events, through eligibility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward: Option<RewardModel>,
    /// Stepped as Neuronify steps it (imported lessons; see `sim::neuronify`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub neuronify: Option<NeuronifySynapseModel>,
}

/// The reward-modulated three-factor rule of a synapse, in file units (see `sim::reward`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardModel {
    /// How long the synapse stays eligible for credit.
    #[serde(default = "d_tau_e")]
    pub tau_e_ms: f64,
    /// The Hebbian bias; 0 is the pure policy-gradient rule.
    #[serde(default = "d_tau_c")]
    pub tau_c_ms: f64,
    /// α: change per unit of reward and eligibility, as a fraction of `w_max_nA`.
    #[serde(default = "d_learning_rate")]
    pub learning_rate: f64,
    /// b: subtracted from every reward.
    #[serde(default)]
    pub baseline: f64,
    #[serde(rename = "w_max_nA", default = "d_w_max")]
    pub w_max_na: f64,
    #[serde(default = "d_true")]
    pub soft_bounds: bool,
}

fn d_tau_e() -> f64 {
    5000.0
}
fn d_tau_c() -> f64 {
    5.0
}
fn d_learning_rate() -> f64 {
    0.05
}
fn d_true() -> bool {
    true
}

impl Default for RewardModel {
    fn default() -> Self {
        Self {
            tau_e_ms: d_tau_e(),
            tau_c_ms: d_tau_c(),
            learning_rate: d_learning_rate(),
            baseline: 0.0,
            w_max_na: d_w_max(),
            soft_bounds: true,
        }
    }
}

impl RewardModel {
    /// Checks the parameters as the file writes them, naming the file's fields.
    pub fn validate(&self) -> Result<(), ParamError> {
        positive("tau_e_ms", self.tau_e_ms)?;
        non_negative("tau_c_ms", self.tau_c_ms)?;
        in_range("learning_rate", self.learning_rate, 0.0, 10.0)?;
        finite("baseline", self.baseline)?;
        positive("w_max_nA", self.w_max_na)
    }

    pub fn to_sim(&self) -> RewardLearning {
        RewardLearning {
            tau_e_s: from_milli(self.tau_e_ms),
            tau_c_s: from_milli(self.tau_c_ms),
            learning_rate: self.learning_rate,
            baseline: self.baseline,
            w_max_a: from_nano(self.w_max_na),
            soft: self.soft_bounds,
        }
    }

    /// Back to file units, without the float noise of the conversion.
    pub fn from_sim(r: &RewardLearning) -> Self {
        Self {
            tau_e_ms: to_milli(r.tau_e_s),
            tau_c_ms: to_milli(r.tau_c_s),
            learning_rate: r.learning_rate,
            baseline: r.baseline,
            w_max_na: to_nano(r.w_max_a),
            soft_bounds: r.soft,
        }
    }
}

/// Pair-based STDP of a synapse, in file units (see `sim::plasticity` for the rule).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StdpModel {
    /// Potentiation per pre-before-post pair, as a fraction of `w_max_nA`.
    #[serde(default = "d_a_plus")]
    pub a_plus: f64,
    /// Depression per post-before-pre pair, as a fraction of `w_max_nA`.
    #[serde(default = "d_a_minus")]
    pub a_minus: f64,
    #[serde(default = "d_stdp_tau")]
    pub tau_plus_ms: f64,
    #[serde(default = "d_stdp_tau")]
    pub tau_minus_ms: f64,
    #[serde(rename = "w_max_nA", default = "d_w_max")]
    pub w_max_na: f64,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub soft_bounds: bool,
}

fn d_a_plus() -> f64 {
    0.01
}
fn d_a_minus() -> f64 {
    0.012
}
fn d_stdp_tau() -> f64 {
    20.0
}
fn d_w_max() -> f64 {
    5.0
}

impl Default for StdpModel {
    fn default() -> Self {
        Self {
            a_plus: d_a_plus(),
            a_minus: d_a_minus(),
            tau_plus_ms: d_stdp_tau(),
            tau_minus_ms: d_stdp_tau(),
            w_max_na: d_w_max(),
            soft_bounds: false,
        }
    }
}

impl StdpModel {
    /// Checks the parameters as the file writes them, naming the file's fields.
    pub fn validate(&self) -> Result<(), ParamError> {
        in_range("a_plus", self.a_plus, 0.0, 1.0)?;
        in_range("a_minus", self.a_minus, 0.0, 1.0)?;
        positive("tau_plus_ms", self.tau_plus_ms)?;
        positive("tau_minus_ms", self.tau_minus_ms)?;
        positive("w_max_nA", self.w_max_na)
    }

    pub fn to_sim(&self) -> Stdp {
        Stdp {
            a_plus: self.a_plus,
            a_minus: self.a_minus,
            tau_plus_s: from_milli(self.tau_plus_ms),
            tau_minus_s: from_milli(self.tau_minus_ms),
            w_max_a: from_nano(self.w_max_na),
            soft: self.soft_bounds,
        }
    }

    /// Back to file units, without the float noise of the conversion.
    pub fn from_sim(s: &Stdp) -> Self {
        Self {
            a_plus: s.a_plus,
            a_minus: s.a_minus,
            tau_plus_ms: to_milli(s.tau_plus_s),
            tau_minus_ms: to_milli(s.tau_minus_s),
            w_max_na: to_nano(s.w_max_a),
            soft_bounds: s.soft,
        }
    }
}

fn d_weight() -> f64 {
    3.0
}
fn d_tau() -> f64 {
    2.0
}
fn d_delay() -> f64 {
    5.0
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeterItem {
    pub id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub position: (f32, f32),
    pub kind: MeterKind,
    #[serde(default)]
    pub observes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteItem {
    pub id: String,
    #[serde(default)]
    pub position: (f32, f32),
    pub text: String,
    /// Where the text wraps; absent: at the longest line (up to 520 px).
    #[serde(rename = "width_px", default, skip_serializing_if = "Option::is_none")]
    pub width: Option<f32>,
}
