//! The one taxonomy of circuit items: the kinds the palette offers and level files name
//! ([`ItemKind`], with the names and one-line descriptions students see), and what an item is
//! for wiring rules ([`Role`]).

/// Everything the palette offers. Level files name these to give and unlock items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ItemKind {
    Lif,
    InhibitoryLif,
    Adaptive,
    Bursting,
    HodgkinHuxley,
    Dc,
    Ac,
    Regular,
    Poisson,
    TouchSensor,
    VisualInput,
    PlaceCell,
    Voltmeter,
    SpikeRaster,
    RatePlot,
    Loudspeaker,
    RingReadout,
    Note,
    Population,
}

impl ItemKind {
    pub const ALL: [ItemKind; 19] = [
        ItemKind::Lif,
        ItemKind::InhibitoryLif,
        ItemKind::Adaptive,
        ItemKind::Bursting,
        ItemKind::HodgkinHuxley,
        ItemKind::Dc,
        ItemKind::Ac,
        ItemKind::Regular,
        ItemKind::Poisson,
        ItemKind::TouchSensor,
        ItemKind::VisualInput,
        ItemKind::PlaceCell,
        ItemKind::Voltmeter,
        ItemKind::SpikeRaster,
        ItemKind::RatePlot,
        ItemKind::Loudspeaker,
        ItemKind::RingReadout,
        ItemKind::Note,
        ItemKind::Population,
    ];

    /// The palette's name for it.
    pub fn name(self) -> &'static str {
        match self {
            ItemKind::Lif => "Neuron",
            ItemKind::InhibitoryLif => "Inhibitory neuron",
            ItemKind::Adaptive => "Adaptive neuron",
            ItemKind::Bursting => "Bursting neuron",
            ItemKind::HodgkinHuxley => "Hodgkin–Huxley",
            ItemKind::Dc => "DC current",
            ItemKind::Ac => "AC current",
            ItemKind::Regular => "Regular spikes",
            ItemKind::Poisson => "Poisson spikes",
            ItemKind::TouchSensor => "Touch sensor",
            ItemKind::VisualInput => "Visual input",
            ItemKind::PlaceCell => "Place cell",
            ItemKind::Voltmeter => "Voltmeter",
            ItemKind::SpikeRaster => "Spike raster",
            ItemKind::RatePlot => "Firing rate",
            ItemKind::Loudspeaker => "Loudspeaker",
            ItemKind::RingReadout => "Ring readout",
            ItemKind::Note => "Note",
            ItemKind::Population => "Population",
        }
    }

    /// One line for the palette's tooltip.
    pub fn description(self) -> &'static str {
        match self {
            ItemKind::Lif => {
                "Leaky integrate-and-fire neuron: fires when its voltage reaches threshold"
            }
            ItemKind::InhibitoryLif => {
                "Its spikes push the neurons it connects to away from firing"
            }
            ItemKind::Adaptive => {
                "Fires more slowly the longer it is driven (spike-rate adaptation)"
            }
            ItemKind::Bursting => "Each spike starts a current that makes it fire a burst",
            ItemKind::HodgkinHuxley => "Squid-axon model with sodium and potassium channels",
            ItemKind::Dc => "A constant current into the neurons it connects to",
            ItemKind::Ac => "A sine-wave current into the neurons it connects to",
            ItemKind::Regular => "Spikes at a fixed rate",
            ItemKind::Poisson => "Spikes at random times with a mean rate",
            ItemKind::TouchSensor => "Press it to make its neurons fire",
            ItemKind::VisualInput => {
                "A retina cell: fires when the scene it watches matches its receptive field"
            }
            ItemKind::PlaceCell => "Fires when the animal is near its place (a hippocampal cell)",
            ItemKind::Voltmeter => "Plots the membrane voltage of the neurons it observes",
            ItemKind::SpikeRaster => "Shows a dot for every spike of the neurons it observes",
            ItemKind::RatePlot => "Plots the firing rate of the neurons it observes",
            ItemKind::Loudspeaker => "Clicks for every spike of the neurons it observes",
            ItemKind::RingReadout => {
                "Reads a direction from the neurons it observes, placed round a ring"
            }
            ItemKind::Note => "A text box for explanations",
            ItemKind::Population => {
                "100 integrate-and-fire neurons sharing their parameters; wire it to another \
                 population to connect them by a rule"
            }
        }
    }

    /// The first part of the ids new items of this kind get.
    pub(crate) fn id_prefix(self) -> &'static str {
        match self {
            ItemKind::Lif
            | ItemKind::InhibitoryLif
            | ItemKind::Adaptive
            | ItemKind::Bursting
            | ItemKind::HodgkinHuxley => "neuron",
            ItemKind::Dc
            | ItemKind::Ac
            | ItemKind::Regular
            | ItemKind::Poisson
            | ItemKind::VisualInput
            | ItemKind::PlaceCell => "generator",
            ItemKind::TouchSensor => "sensor",
            ItemKind::Voltmeter
            | ItemKind::SpikeRaster
            | ItemKind::RatePlot
            | ItemKind::RingReadout => "meter",
            ItemKind::Loudspeaker => "speaker",
            ItemKind::Note => "note",
            ItemKind::Population => "population",
        }
    }
}

/// What an item is, for wiring rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Neuron,
    CurrentGenerator,
    SpikeGenerator,
    Sensor,
    Meter,
    Note,
    Synapse,
    /// A group of neurons sharing one model.
    Population,
    /// Connections between two groups by a rule.
    Projection,
}
