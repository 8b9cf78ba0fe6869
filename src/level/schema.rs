//! The level file (`levels/NN_slug.level.ron`): data only, versioned. A level gives a starting
//! circuit, says which of its items the student may tune, which items the palette offers and
//! how many, runs stimulus trials and asserts on the spikes of named items. Times are in
//! milliseconds from the start of a trial.

use serde::{Deserialize, Serialize};

use crate::circuit::Circuit;
use crate::circuit::ItemKind;

/// The level format version this build reads and writes.
pub const LEVEL_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub version: u32,
    pub title: String,
    /// One line, shown above the canvas.
    pub goal: String,
    /// The chapter's name; chapters are ordered by their first level.
    pub chapter: String,
    /// The items the level provides, locked unless listed in `editable`.
    pub circuit: Circuit,
    /// Provided items whose parameters the student may change (within `ranges`).
    #[serde(default)]
    pub editable: Vec<String>,
    /// What the student may add.
    #[serde(default)]
    pub palette: Vec<PaletteEntry>,
    /// How many synapses the student may add (None: any number).
    #[serde(default)]
    pub max_synapses: Option<u32>,
    /// Limits on parameters of editable and added items, by parameter key.
    #[serde(default)]
    pub ranges: Vec<ParamRange>,
    pub trials: Vec<Trial>,
    /// Extra runs of every trial with shifted stimulus times and another random seed, so a
    /// circuit tuned to exact timings fails.
    #[serde(default)]
    pub jitter: Option<Jitter>,
    #[serde(default)]
    pub par: Par,
    /// Up to three, from the idea to the structure to the answer.
    #[serde(default)]
    pub hints: Vec<String>,
    /// Items that become available everywhere once this level is solved.
    #[serde(default)]
    pub unlocks: Vec<ItemKind>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaletteEntry {
    pub item: ItemKind,
    /// How many the student may place (None: any number).
    #[serde(default)]
    pub max: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamRange {
    /// A parameter key as in circuit files, e.g. `current_nA`.
    pub key: String,
    pub min: f64,
    pub max: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trial {
    pub name: String,
    pub duration_ms: f64,
    #[serde(default)]
    pub stimuli: Vec<Stimulus>,
    pub expect: Vec<Expect>,
}

/// Something the level does to the circuit during a trial.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Stimulus {
    /// A short press of a touch sensor: one spike.
    Tap { sensor: String, at_ms: f64 },
    /// A touch sensor held down from `from_ms` to `to_ms`.
    Hold {
        sensor: String,
        from_ms: f64,
        to_ms: f64,
    },
    /// A parameter of a provided item set at `at_ms` (a current step, a generator rate).
    Set {
        item: String,
        key: String,
        value: f64,
        at_ms: f64,
    },
    /// A reward (R > 0) or punishment (R < 0) for every reward-learning synapse at `at_ms`.
    Reward { value: f64, at_ms: f64 },
}

impl Stimulus {
    /// When it starts.
    pub fn start_ms(&self) -> f64 {
        match self {
            Stimulus::Tap { at_ms, .. }
            | Stimulus::Set { at_ms, .. }
            | Stimulus::Reward { at_ms, .. } => *at_ms,
            Stimulus::Hold { from_ms, .. } => *from_ms,
        }
    }

    /// The same stimulus moved by `dt_ms`.
    pub fn shifted(&self, dt_ms: f64) -> Self {
        let mut s = self.clone();
        match &mut s {
            Stimulus::Tap { at_ms, .. }
            | Stimulus::Set { at_ms, .. }
            | Stimulus::Reward { at_ms, .. } => *at_ms += dt_ms,
            Stimulus::Hold { from_ms, to_ms, .. } => {
                *from_ms += dt_ms;
                *to_ms += dt_ms;
            }
        }
        s
    }
}

/// A window of a trial, `(from_ms, to_ms)`.
pub type Window = (f64, f64);

/// What must hold after a trial, on the spikes of named items or on the circuit itself. On a
/// population, `Count` and `Silent` count the spikes of all its members, and rates are per
/// member (the population rate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Expect {
    /// The number of spikes in the window is within `min..=max`.
    Count {
        item: String,
        window_ms: Window,
        #[serde(default)]
        min: Option<u32>,
        #[serde(default)]
        max: Option<u32>,
    },
    /// No spike in the window.
    Silent { item: String, window_ms: Window },
    /// The mean rate in the window, in Hz, is within bounds.
    Rate {
        item: String,
        window_ms: Window,
        #[serde(rename = "min_Hz", default)]
        min_hz: Option<f64>,
        #[serde(rename = "max_Hz", default)]
        max_hz: Option<f64>,
    },
    /// The first spike after the (jittered) start of stimulus number `stimulus` comes within
    /// `min_ms..=max_ms` of it.
    Latency {
        item: String,
        stimulus: usize,
        min_ms: f64,
        max_ms: f64,
    },
    /// `item`'s rate over `over`'s rate in the window is within bounds.
    RateRatio {
        item: String,
        over: String,
        window_ms: Window,
        #[serde(default)]
        min: Option<f64>,
        #[serde(default)]
        max: Option<f64>,
    },
    /// Spikes closer than `gap_ms` form a burst; the mean time between burst onsets in the
    /// window is within `min_ms..=max_ms`.
    BurstPeriod {
        item: String,
        window_ms: Window,
        gap_ms: f64,
        min_ms: f64,
        max_ms: f64,
    },
    /// A chain of synapses leads from `from` to `to` through at least `min_between` neurons.
    Path {
        from: String,
        to: String,
        #[serde(default)]
        min_between: u32,
    },
    /// No current source injects into the neuron: its spikes must come through synapses.
    NoCurrentInto { neuron: String },
    /// Firing is irregular: the coefficient of variation of the intervals between spikes in the
    /// window (for a population, the mean over members with at least three spikes) is at least
    /// `min_cv` (a clock has 0, a Poisson process 1).
    Irregular {
        item: String,
        window_ms: Window,
        min_cv: f64,
    },
}

impl Expect {
    /// The item whose spikes it reads, if any.
    pub fn item(&self) -> Option<&str> {
        match self {
            Expect::Count { item, .. }
            | Expect::Silent { item, .. }
            | Expect::Rate { item, .. }
            | Expect::Latency { item, .. }
            | Expect::RateRatio { item, .. }
            | Expect::BurstPeriod { item, .. }
            | Expect::Irregular { item, .. } => Some(item),
            Expect::Path { .. } | Expect::NoCurrentInto { .. } => None,
        }
    }

    /// The window it looks at, if it has one.
    pub fn window(&self) -> Option<Window> {
        match self {
            Expect::Count { window_ms, .. }
            | Expect::Silent { window_ms, .. }
            | Expect::Rate { window_ms, .. }
            | Expect::RateRatio { window_ms, .. }
            | Expect::BurstPeriod { window_ms, .. }
            | Expect::Irregular { window_ms, .. } => Some(*window_ms),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jitter {
    /// Each stimulus moves by a uniform random amount in ±`ms`.
    pub ms: f64,
    pub repeats: u32,
    pub seed: u64,
}

/// Targets for the second and third star.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Par {
    /// Items and synapses added (meters and notes are free).
    #[serde(default)]
    pub parts: Option<u32>,
    /// Spikes of the student's own neurons over all trials.
    #[serde(default)]
    pub spikes: Option<u64>,
    /// Mean of the measured latencies.
    #[serde(default)]
    pub latency_ms: Option<f64>,
}
