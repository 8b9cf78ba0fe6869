//! Simulation benchmarks (criterion): LIF vs Hodgkin–Huxley cost per neuron-step, the CUBA
//! network for one biological second, CUBA built from populations beside CUBA built from
//! synapse entities at 4 000, 16 000 and 64 000 neurons, and a classroom-sized circuit's cost
//! per 64 Hz frame. Run with `cargo bench --no-default-features --bench sim`; one group with
//! e.g. `-- "cuba 16000"`. Peak memory of the two paths: `scripts/bench-populations.sh`.

use std::hint::black_box;

use bevy::prelude::*;
use criterion::{BatchSize, Criterion, SamplingMode, criterion_group, criterion_main};
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

criterion_group!(
    benches,
    neuron_models,
    cuba,
    cuba_populations_and_entities,
    classroom
);
criterion_main!(benches);
