//! The components that make up circuit items. Every neuron, synapse, generator, sensor and
//! meter is an entity built from these small pieces; they are the truth the dense caches in
//! [`super::network`] are rebuilt from. Parameters are SI (V, A, S, F, Ω, s, Hz); defaults are
//! Neuronify's (see `neuronify-spec.md` §2).

use bevy::prelude::*;

use super::hh::HhGates;
use super::params::ParamError;

/// A stable string id, unique within a circuit; files and synapses refer to items by it, and
/// random streams are derived from it so adding an item elsewhere changes nothing here.
#[derive(Component, Debug, Clone, PartialEq, Eq, Hash)]
pub struct StableId(pub String);

/// A human-readable name shown on the canvas and used by the runner's `--record`/`--touch`.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct Label(pub String);

/// Where the item sits on the canvas, in canvas pixels.
#[derive(Component, Debug, Clone, Copy, PartialEq, Default)]
pub struct Position(pub Vec2);

/// Membrane potential in volts. Written back from the simulation after every tick, so it is
/// what renderers and meters read; edits go through parameters or a dynamics reset.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct Membrane {
    pub v: f64,
}

/// The membrane potential (V) a neuron starts from when its circuit is loaded, and returns to
/// on a dynamics reset; without it an integrate-and-fire neuron starts at its reset
/// potential.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct StartPotential {
    pub v: f64,
}

/// Marks a neuron (or spike source) whose outgoing synapses all carry negative weight.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct Inhibitory;

/// Leaky integrate-and-fire parameters: `C dV/dt = −(V − E)/R + I`.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
#[require(Membrane = Membrane { v: -0.080 }, Refractory)]
pub struct LifParams {
    pub capacitance_f: f64,
    pub resistance_ohm: f64,
    pub resting_v: f64,
    pub threshold_v: f64,
    pub reset_v: f64,
}

impl Default for LifParams {
    fn default() -> Self {
        Self {
            capacitance_f: 0.2e-9,
            resistance_ohm: 100e6,
            resting_v: -0.070,
            threshold_v: -0.055,
            reset_v: -0.080,
        }
    }
}

impl LifParams {
    /// Membrane time constant τ = R·C in seconds.
    pub fn tau_s(&self) -> f64 {
        self.resistance_ohm * self.capacitance_f
    }

    pub fn validate(&self) -> Result<(), ParamError> {
        use super::params::{finite, positive};
        positive("capacitance", self.capacitance_f)?;
        positive("resistance", self.resistance_ohm)?;
        finite("resting potential", self.resting_v)?;
        finite("threshold", self.threshold_v)?;
        finite("reset potential", self.reset_v)?;
        if self.reset_v >= self.threshold_v {
            return Err(ParamError::ResetNotBelowThreshold {
                reset_mv: self.reset_v * 1e3,
                threshold_mv: self.threshold_v * 1e3,
            });
        }
        Ok(())
    }
}

/// After a spike the membrane is clamped at the reset potential for `round(period/dt)` steps
/// (the spike step included), as in Brian2.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct Refractory {
    pub period_s: f64,
}

impl Default for Refractory {
    fn default() -> Self {
        Self { period_s: 2e-3 }
    }
}

/// Spike-triggered adaptation conductance (Neuronify's adaptive neuron, spec §2.3):
/// `I = −g (V − E)`, `g` decays with `tau_s` and jumps by `increment_s` on every spike.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct Adaptation {
    pub increment_s: f64,
    pub tau_s: f64,
    /// Current conductance in siemens (dynamic state, written back after every tick).
    pub conductance_s: f64,
}

impl Default for Adaptation {
    fn default() -> Self {
        Self {
            increment_s: 10e-9,
            tau_s: 0.5,
            conductance_s: 0.0,
        }
    }
}

/// Neuronify's burst current (spec §2.4): a spike arms a depolarising current of `peak_a`
/// that ramps linearly down at `ramp_a_per_s`; spikes during a burst do not re-arm it.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct BurstCurrent {
    pub peak_a: f64,
    pub ramp_a_per_s: f64,
    /// Present burst current in amperes (dynamic state).
    pub current_a: f64,
}

impl Default for BurstCurrent {
    fn default() -> Self {
        Self {
            peak_a: 1.2e-9,
            ramp_a_per_s: 6e-9,
            current_a: 0.0,
        }
    }
}

/// Hodgkin–Huxley neuron (squid axon constants of DESIGN.md). Synaptic and injected currents
/// in amperes are divided by the membrane area to drive the per-cm² model.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
#[require(Membrane = Membrane { v: -0.065 }, HhGates)]
pub struct HhParams {
    pub area_cm2: f64,
}

impl Default for HhParams {
    fn default() -> Self {
        // 10 000 µm²: 0.1 nA ≙ 1 µA/cm², so Neuronify's nA-scale currents drive it sensibly.
        Self { area_cm2: 1e-4 }
    }
}

impl HhParams {
    pub fn validate(&self) -> Result<(), ParamError> {
        super::params::positive("membrane area", self.area_cm2)
    }
}

/// How a synapse's current responds to a spike arriving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum SynapseMode {
    /// Each spike adds its weight to the decaying current (linear summation).
    #[default]
    Add,
    /// Each spike resets the current to its full weight (Neuronify's current synapse).
    Saturate,
    /// Each spike makes the target fire on its next threshold test (Neuronify's immediate-fire
    /// edge, used by touch sensors); weight and time constant are ignored.
    ImmediateFire,
}

/// A spike-carrying connection from a spike source (neuron, spike generator, touch sensor)
/// to a neuron.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
#[require(SynapseKinetics, Delay)]
pub struct Synapse {
    pub pre: Entity,
    pub post: Entity,
}

/// The exponential current of a synapse: each spike changes it by `weight_a` (sign from the
/// source), then it decays with `tau_s`.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct SynapseKinetics {
    pub weight_a: f64,
    pub tau_s: f64,
    pub mode: SynapseMode,
}

impl Default for SynapseKinetics {
    fn default() -> Self {
        Self {
            weight_a: 3e-9,
            tau_s: 2e-3,
            mode: SynapseMode::Add,
        }
    }
}

impl SynapseKinetics {
    pub fn validate(&self) -> Result<(), ParamError> {
        super::params::non_negative("weight", self.weight_a)?;
        super::params::positive("time constant", self.tau_s)
    }
}

/// Transmission delay, rounded to whole simulation steps.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct Delay {
    pub seconds: f64,
}

impl Default for Delay {
    fn default() -> Self {
        Self { seconds: 5e-3 }
    }
}

/// Largest delay a synapse may have.
pub const MAX_DELAY_S: f64 = 0.030;

impl Delay {
    pub fn validate(&self) -> Result<(), ParamError> {
        super::params::in_range("delay", self.seconds, 0.0, MAX_DELAY_S)
    }
}

/// A wire that carries a current source's output into a neuron every step.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentEdge {
    pub source: Entity,
    pub target: Entity,
}

/// Constant current injected along every outgoing [`CurrentEdge`].
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct DcSource {
    pub current_a: f64,
}

impl Default for DcSource {
    fn default() -> Self {
        Self { current_a: 2e-9 }
    }
}

/// Sinusoidal current `amplitude · sin(2π f t + phase)`.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct AcSource {
    pub amplitude_a: f64,
    pub frequency_hz: f64,
    pub phase_rad: f64,
}

impl Default for AcSource {
    fn default() -> Self {
        Self {
            amplitude_a: 300e-12,
            frequency_hz: 50.0,
            phase_rad: 0.0,
        }
    }
}

/// A perfectly regular spike train; the first spike comes one period after the start.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct RegularSpikes {
    pub rate_hz: f64,
}

impl Default for RegularSpikes {
    fn default() -> Self {
        Self { rate_hz: 500.0 }
    }
}

/// A Poisson spike train (Bernoulli per step with p = rate·dt), from its own random stream.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct PoissonSpikes {
    pub rate_hz: f64,
}

impl Default for PoissonSpikes {
    fn default() -> Self {
        Self { rate_hz: 500.0 }
    }
}

/// Largest rate a generator or touch sensor may have (one spike per step).
pub const MAX_RATE_HZ: f64 = 10_000.0;

/// A touch sensor: one spike at the step after it is pressed, then (if `repeat_hz > 0`) one
/// every `1/repeat_hz` while it stays held. Driven by [`super::TouchSensorInput`] messages.
/// A sensor with a `reward` also sends that reward to every reward-learning synapse on each
/// press: a treat (R > 0) or a punishment (R < 0) for the circuit.
#[derive(Component, Debug, Clone, Copy, PartialEq, Default)]
pub struct TouchSensor {
    pub repeat_hz: f64,
    pub reward: Option<f64>,
}

/// Escape noise on an integrate-and-fire neuron: instead of firing when V crosses the
/// threshold, it fires at random with rate `g(V)` (see [`super::escape`]), centred on its
/// threshold. Reset and refractory period work as before.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct EscapeNoise {
    /// Δu: how soft the threshold is (V).
    pub width_v: f64,
    /// ρ_max: the rate far above threshold (Hz).
    pub max_rate_hz: f64,
}

impl Default for EscapeNoise {
    fn default() -> Self {
        Self {
            width_v: 0.004,
            max_rate_hz: 200.0,
        }
    }
}

/// Where the animal that the place cells report on is, in metres. The sandbox moves it by
/// hand; a scene can move it by program.
#[derive(Resource, Debug, Clone, Copy, PartialEq, Default)]
pub struct AnimalPosition(pub [f64; 2]);

/// What a meter shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MeterKind {
    Voltmeter,
    SpikeRaster,
    RatePlot,
    Loudspeaker,
    /// The direction read from the observed neurons, spread evenly round a ring in the order
    /// observed: the angle of the population vector of their recent spike counts.
    RingReadout,
}

/// A meter item; what it observes is given by [`Observes`] entities.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Meter {
    pub kind: MeterKind,
}

/// A meter's observation of a neuron. Voltmeters make their targets record voltage.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observes {
    pub meter: Entity,
    pub target: Entity,
}

/// Asks the recorder to keep this neuron's voltage trace.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct RecordVoltage;

/// A free text box on the canvas.
#[derive(Component, Debug, Clone, PartialEq)]
pub struct Note {
    pub text: String,
    /// Where the text wraps, in canvas pixels; `None` fits the longest line.
    pub width: Option<f32>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_neuronifys_and_valid() {
        let p = LifParams::default();
        assert!((p.tau_s() - 0.020).abs() < 1e-15);
        assert!(p.validate().is_ok());
        assert!(HhParams::default().validate().is_ok());
        assert!(SynapseKinetics::default().validate().is_ok());
        assert!(Delay::default().validate().is_ok());
    }

    #[test]
    fn impossible_parameters_are_refused() {
        let bad_c = LifParams {
            capacitance_f: -1e-10,
            ..LifParams::default()
        };
        assert!(matches!(
            bad_c.validate(),
            Err(ParamError::NotPositive { .. })
        ));
        let bad_reset = LifParams {
            reset_v: -0.050,
            ..LifParams::default()
        };
        let e = bad_reset.validate().unwrap_err();
        assert!(e.to_string().contains("below the threshold"), "{e}");
        assert!(Delay { seconds: 0.031 }.validate().is_err());
        assert!(
            SynapseKinetics {
                tau_s: 0.0,
                ..SynapseKinetics::default()
            }
            .validate()
            .is_err()
        );
        assert!(HhParams { area_cm2: f64::NAN }.validate().is_err());
    }
}
