//! Simulation benchmarks (criterion): the hot paths — LIF and Hodgkin–Huxley cost per
//! neuron-step, a synaptic event (synapse entities and a projection), a rebuild of the
//! network after an edit — the CUBA network for one biological second, CUBA built from
//! populations beside CUBA built from synapse entities at 4 000, 16 000 and 64 000 neurons,
//! and the cost of one frame at 1× real time of a classroom-sized circuit and of the
//! 10 000-neuron balanced example. Run with `cargo bench --no-default-features --bench sim`;
//! one group with e.g. `-- "cuba 16000"`. Throughput lines read as neuron-steps or events per
//! second. Peak memory of the two CUBA paths: `scripts/bench-populations.sh`.

use std::hint::black_box;

use bevy::prelude::*;
use criterion::{BatchSize, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use spikeworks::circuit::Circuit;
use spikeworks::cuba::{build_cuba_populations, spawn_cuba};
use spikeworks::sim::{self, CurrentEdge, DcSource, HhParams, LifParams, Network};

const STEPS: u64 = 100;

fn app() -> App {
    let mut app = sim::headless_app();
    app.finish();
    app.cleanup();
    app
}

/// `n` unconnected neurons, each driven by its own DC source so they all fire.
fn driven(n: usize, hh: bool) -> App {
    let mut app = app();
    let w = app.world_mut();
    for _ in 0..n {
        let target = if hh {
            w.spawn(HhParams::default()).id()
        } else {
            w.spawn(LifParams::default()).id()
        };
        let source = w.spawn(DcSource { current_a: 1e-9 }).id();
        w.spawn(CurrentEdge { source, target });
    }
    sim::run_steps(w, 0);
    app
}

fn neuron_models(c: &mut Criterion) {
    let mut group = c.benchmark_group("1000 neurons x 100 steps");
    group.throughput(Throughput::Elements(1000 * STEPS));
    for (name, hh) in [("lif", false), ("hh", true)] {
        let mut app = driven(1000, hh);
        group.bench_function(name, |b| {
            b.iter(|| {
                sim::run_steps(app.world_mut(), STEPS);
                black_box(app.world().resource::<Network>().neuron_count())
            });
        });
    }
    group.finish();
}

fn cuba(c: &mut Criterion) {
    let mut group = c.benchmark_group("cuba");
    group.sample_size(10);
    group.bench_function("4000 neurons, 1 s biological", |b| {
        b.iter_batched(
            || {
                let mut app = app();
                spawn_cuba(app.world_mut(), 4000, 1);
                sim::run_steps(app.world_mut(), 0);
                app
            },
            |mut app| {
                sim::run_steps(app.world_mut(), 10_000);
                app
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

/// CUBA built either way, once per iteration: from its circuit file of two populations, or
/// as one entity per synapse (the path every hand-placed circuit takes).
fn built(neurons: usize, populations: bool) -> App {
    let mut app = app();
    if populations {
        build_cuba_populations(app.world_mut(), neurons, 1);
    } else {
        spawn_cuba(app.world_mut(), neurons, 1);
        sim::run_steps(app.world_mut(), 0);
    }
    app
}

/// Building CUBA and simulating one biological second, populations beside synapse entities in
/// the same run so the ratio is fair on a noisy machine.
fn cuba_populations_and_entities(c: &mut Criterion) {
    for neurons in [4_000, 16_000, 64_000] {
        let mut group = c.benchmark_group(format!("cuba {neurons}"));
        group.sample_size(10).sampling_mode(SamplingMode::Flat);
        for (path, populations) in [("populations", true), ("synapse entities", false)] {
            group.bench_function(format!("build, {path}"), |b| {
                // The built app is returned so that dropping it is not timed.
                b.iter_batched(
                    || (),
                    |()| built(neurons, populations),
                    BatchSize::PerIteration,
                );
            });
            group.bench_function(format!("1 s biological, {path}"), |b| {
                b.iter_batched(
                    || built(neurons, populations),
                    |mut app| {
                        sim::run_steps(app.world_mut(), 10_000);
                        app
                    },
                    BatchSize::PerIteration,
                );
            });
        }
        group.finish();
    }
}

/// 200 LIF neurons in a sparse random circuit with generators: one frame at 1× real time
/// runs 156 steps.
fn classroom(c: &mut Criterion) {
    let mut app = app();
    spawn_cuba(app.world_mut(), 200, 2);
    sim::run_steps(app.world_mut(), 0);
    c.bench_function("classroom 200 neurons, one 64 Hz frame at 1x", |b| {
        b.iter(|| sim::run_steps(app.world_mut(), 156));
    });
}

/// An app holding `circuit` (a circuit file's text), built and ready to step.
fn loaded(circuit: &str) -> App {
    let mut app = app();
    let circuit = Circuit::from_ron_str(circuit, "bench").expect("a valid circuit");
    circuit.spawn(app.world_mut());
    sim::run_steps(app.world_mut(), 0);
    app
}

/// 10 000 neurons that never fire, and a generator firing every step: through 10 000
/// synapse entities or a projection of 10 000 synapses, or through none. The difference per
/// step, divided by 10 000, is the cost of one synaptic event.
fn synaptic_events(c: &mut Criterion) {
    const N: usize = 10_000;
    let neuron = "Lif((threshold_mV: -50.0))";
    let mut entities = String::from("(version: 1, neurons: [");
    for i in 0..N {
        entities += &format!("(id: \"n{i}\", model: {neuron}),");
    }
    entities += "], generators: [(id: \"g\", kind: Regular(rate_Hz: 10000.0))], synapses: [";
    for i in 0..N {
        entities += &format!("(from: \"g\", to: \"n{i}\", weight_nA: 0.000001, delay_ms: 0.0),");
    }
    entities += "])";
    let population = format!(
        "(version: 2, populations: [(id: \"p\", size: {N}, model: {neuron})], \
         generators: [(id: \"g\", kind: Regular(rate_Hz: 10000.0))], projections: [(id: \"gp\", \
         from: \"g\", to: \"p\", rule: AllToAll, weight_nA: Fixed(0.000001), \
         delay_ms: Fixed(0.0), tau_ms: 2.0)])"
    );
    let quiet = format!("(version: 2, populations: [(id: \"p\", size: {N}, model: {neuron})])");
    let mut group = c.benchmark_group("10000 neurons x 100 steps, 10000 events per step");
    group.throughput(Throughput::Elements(N as u64 * STEPS));
    for (name, text) in [
        ("no events", &quiet),
        ("synapse entities", &entities),
        ("a projection", &population),
    ] {
        let mut app = loaded(text);
        group.bench_function(name, |b| {
            b.iter(|| sim::run_steps(app.world_mut(), STEPS));
        });
    }
    group.finish();
}

/// Rebuilding the network after an edit, which keeps the state of what still exists: a
/// classroom circuit (200 neurons, synapse entities) and CUBA-4000 from its populations.
fn rebuild(c: &mut Criterion) {
    let mut group = c.benchmark_group("rebuild");
    let mut classroom = app();
    spawn_cuba(classroom.world_mut(), 200, 2);
    sim::run_steps(classroom.world_mut(), 0);
    group.bench_function("classroom 200 neurons", |b| {
        b.iter(|| sim::rebuild_network(classroom.world_mut()));
    });
    let mut cuba = app();
    build_cuba_populations(cuba.world_mut(), 4000, 1);
    group.bench_function("cuba 4000 populations", |b| {
        b.iter(|| sim::rebuild_network(cuba.world_mut()));
    });
    group.finish();
}

/// The balanced example (10 000 neurons, 1 M synapses, Poisson drive): one 60 Hz frame at 1×
/// real time runs 167 steps.
fn balanced_frame(c: &mut Criterion) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/examples/balanced_network.circuit.ron"
    ))
    .expect("the balanced example");
    let mut app = loaded(&text);
    // Past the start-up transient.
    sim::run_steps(app.world_mut(), 2000);
    c.bench_function("balanced 10000 neurons, one 60 Hz frame at 1x", |b| {
        b.iter(|| sim::run_steps(app.world_mut(), 167));
    });
}

criterion_group!(
    benches,
    neuron_models,
    synaptic_events,
    rebuild,
    cuba,
    cuba_populations_and_entities,
    classroom,
    balanced_frame
);
criterion_main!(benches);
