//! The CUBA benchmark network (Brette et al. 2007, benchmark 2, following Brian2's
//! `examples/CUBA.py`): N LIF neurons, 80 % excitatory, 2 % random connectivity, one entity
//! per synapse, built and run through the same ECS path as any circuit.
//!
//! Brian's model in our terms: τm = 20 ms (C 200 pF, R 100 MΩ), E_L −49 mV, V_th −50 mV,
//! V_reset −60 mV, t_ref 5 ms; excitatory jumps of +1.62 mV become 16.2 pA with τ 5 ms,
//! inhibitory −9 mV become 90 pA (negative through `Inhibitory`) with τ 10 ms; no delay.
//! Start voltages are uniform in [V_reset, V_th] so the activity sustains itself.
//!
//! Two ways to build it: one entity per synapse ([`spawn_cuba`]), or as a circuit file with
//! two populations and four projections ([`cuba_circuit_text`]), as a student's file would.

use bevy::platform::time::Instant;

use bevy::prelude::*;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use crate::sim::{self, DT, Delay, Inhibitory, LifParams, Membrane, Recorder, Refractory};

/// What a CUBA run measured.
#[derive(Debug, Clone, PartialEq)]
pub struct CubaReport {
    pub neurons: usize,
    pub synapses: usize,
    pub build_s: f64,
    pub simulate_s: f64,
    pub spikes: u64,
    pub mean_rate_hz: f64,
    /// Bytes the synapses of projections take (0 for synapse entities).
    pub projection_bytes: usize,
}

/// Spawns the CUBA network into `world`; returns the number of synapses.
pub fn spawn_cuba(world: &mut World, neurons: usize, seed: u64) -> usize {
    let mut rng = Pcg64::seed_from_u64(seed);
    let params = LifParams {
        capacitance_f: 200e-12,
        resistance_ohm: 100e6,
        resting_v: -0.049,
        threshold_v: -0.050,
        reset_v: -0.060,
    };
    let n_exc = neurons * 4 / 5;
    let cells: Vec<Entity> = (0..neurons)
        .map(|i| {
            let v = -0.060 + 0.010 * rng.random::<f64>();
            let mut e = world.spawn((params, Membrane { v }, Refractory { period_s: 5e-3 }));
            if i >= n_exc {
                e.insert(Inhibitory);
            }
            e.id()
        })
        .collect();
    // Fixed in-degree scaling (Stimberg et al. 2019): p = 80/N, so 2 % at N = 4000.
    let p = (80.0 / neurons as f64).min(1.0);
    let excitatory = sim::SynapseKinetics {
        weight_a: 1.62e-3 / params.resistance_ohm,
        tau_s: 5e-3,
        mode: sim::SynapseMode::Add,
    };
    let inhibitory = sim::SynapseKinetics {
        weight_a: 9e-3 / params.resistance_ohm,
        tau_s: 10e-3,
        mode: sim::SynapseMode::Add,
    };
    let mut synapses = Vec::new();
    for (i, &pre) in cells.iter().enumerate() {
        let kinetics = if i < n_exc { excitatory } else { inhibitory };
        for &post in &cells {
            if rng.random::<f64>() < p {
                synapses.push((sim::Synapse { pre, post }, kinetics, Delay { seconds: 0.0 }));
            }
        }
    }
    let count = synapses.len();
    world.spawn_batch(synapses);
    count
}

/// CUBA as a circuit file: an excitatory and an inhibitory population (80 % / 20 %) and the
/// four projections between them, each pair connected with p = 80/N (autapses included, as
/// Brian2's `connect(p=…)` does).
pub fn cuba_circuit_text(neurons: usize) -> String {
    let n_exc = neurons * 4 / 5;
    let n_inh = neurons - n_exc;
    let p = (80.0 / neurons as f64).min(1.0);
    let model = "Lif((capacitance_nF: 0.2, resistance_MOhm: 100.0, resting_mV: -49.0, \
                 threshold_mV: -50.0, reset_mV: -60.0, refractory_ms: 5.0))";
    let population = |id: &str, label: &str, x: f32, size: usize, inhibitory: bool| {
        format!(
            "        (id: \"{id}\", label: \"{label}\", position: ({x:.1}, 0.0), size: {size}, \
             inhibitory: {inhibitory}, model: {model}, initial_mV: Uniform(-60.0, -50.0)),\n"
        )
    };
    let projection = |from: &str, to: &str, weight_na: f64, tau_ms: f64| {
        format!(
            "        (id: \"{from}-{to}\", from: \"{from}\", to: \"{to}\", rule: Probability({p}), \
             autapses: true, weight_nA: Fixed({weight_na}), delay_ms: Fixed(0.0), tau_ms: {tau_ms}),\n"
        )
    };
    let mut text = format!(
        "(\n    version: 2,\n    name: \"CUBA ({neurons} neurons)\",\n    description: \"Brette et \
         al. 2007, benchmark 2: a balanced network of excitatory and inhibitory \
         integrate-and-fire neurons with current synapses.\",\n    populations: [\n"
    );
    text += &population("exc", "Excitatory", -150.0, n_exc, false);
    text += &population("inh", "Inhibitory", 150.0, n_inh, true);
    text += "    ],\n    projections: [\n";
    for (from, weight, tau) in [("exc", 0.0162, 5.0), ("inh", 0.09, 10.0)] {
        for to in ["exc", "inh"] {
            text += &projection(from, to, weight, tau);
        }
    }
    text += "    ],\n)\n";
    text
}

/// Builds CUBA from its circuit file: parse, validate, spawn the populations, expand the
/// projections into the network's arrays.
pub fn build_cuba_populations(world: &mut World, neurons: usize, seed: u64) {
    world.insert_resource(sim::SimSeed(seed));
    let circuit = crate::circuit::Circuit::from_ron_str(&cuba_circuit_text(neurons), "cuba")
        .expect("the CUBA circuit is valid");
    circuit.spawn(world);
    // Built as the first tick would, so the first timed step does not build it again.
    sim::run_steps(world, 0);
}

/// Builds CUBA from its circuit file (parse, validate, spawn, expand) and runs it for
/// `duration_s` of biological time, timing both parts.
pub fn run_cuba_populations(neurons: usize, duration_s: f64, seed: u64) -> CubaReport {
    let started = Instant::now();
    let mut app = sim::headless_app();
    app.finish();
    app.cleanup();
    let world = app.world_mut();
    build_cuba_populations(world, neurons, seed);
    let build_s = started.elapsed().as_secs_f64();
    let network = world.resource::<sim::Network>();
    let (synapses, projection_bytes) = (network.synapse_count(), network.projection_bytes());
    simulate(
        world,
        neurons,
        synapses,
        build_s,
        duration_s,
        projection_bytes,
    )
}

/// Builds and runs CUBA for `duration_s` of biological time, timing both parts.
pub fn run_cuba(neurons: usize, duration_s: f64, seed: u64) -> CubaReport {
    let started = Instant::now();
    let mut app = sim::headless_app();
    app.finish();
    app.cleanup();
    let world = app.world_mut();
    let synapses = spawn_cuba(world, neurons, seed);
    // Built as the first tick would, so the first timed step does not build it again.
    sim::run_steps(world, 0);
    let build_s = started.elapsed().as_secs_f64();
    simulate(world, neurons, synapses, build_s, duration_s, 0)
}

fn simulate(
    world: &mut World,
    neurons: usize,
    synapses: usize,
    build_s: f64,
    duration_s: f64,
    projection_bytes: usize,
) -> CubaReport {
    let steps = (duration_s / DT).round() as u64;
    let started = Instant::now();
    sim::run_steps(world, steps);
    let simulate_s = started.elapsed().as_secs_f64();
    let spikes = world.resource::<Recorder>().total_spikes();
    CubaReport {
        neurons,
        synapses,
        build_s,
        simulate_s,
        spikes,
        mean_rate_hz: spikes as f64 / neurons as f64 / (steps as f64 * DT),
        projection_bytes,
    }
}
