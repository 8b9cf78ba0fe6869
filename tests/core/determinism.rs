//! Determinism: the same seed gives identical spike trains (golden hashes of the shipped
//! examples), another seed changes the Poisson trains, and an unrelated generator leaves
//! another generator's train untouched.

use crate::common::*;
use bevy::prelude::*;
use spikeworks::circuit::Circuit;
use spikeworks::runner::{RunOptions, run_circuit};
use spikeworks::sim::*;

fn example(name: &str) -> Circuit {
    let path = format!("{}/assets/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    Circuit::load(std::path::Path::new(&path)).unwrap()
}

/// FNV-1a over every `(time, id)` of a run: any change of any spike changes it.
fn spike_hash(circuit: &Circuit, seed: u64, touch: &str) -> (u64, usize) {
    let opts = RunOptions {
        duration_s: 2.0,
        seed,
        touches: spikeworks::runner::parse_touches(touch).unwrap(),
        ..Default::default()
    };
    let report = run_circuit(circuit, &opts).unwrap();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (t, id, _) in &report.spikes {
        for b in format!("{t:.4}:{id};").bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    (h, report.spikes.len())
}

#[test]
fn examples_match_their_golden_spike_hashes() {
    // Recorded from this implementation; a change here means the dynamics changed.
    let golden: [(&str, &str, u64, usize); 5] = [
        ("dc_neuron.circuit.ron", "", 0x3d4e571d37ba145b, 444),
        ("relay.circuit.ron", "", 0xb6a5beefc1ac6376, 184),
        (
            "inhibitory_oscillator.circuit.ron",
            "",
            0x33d0426e59235637,
            97,
        ),
        (
            "touch_reflex.circuit.ron",
            "Touch@0.1s,Touch@0.5s..0.8s",
            0x4c1031cb4c12ad31,
            21,
        ),
        ("poisson_drive.circuit.ron", "", 0xa979066061ff5c, 664),
    ];
    let mut report = String::new();
    let mut ok = true;
    for (name, touch, hash, count) in golden {
        let c = example(name);
        let first = spike_hash(&c, 7, touch);
        let again = spike_hash(&c, 7, touch);
        assert_eq!(first, again, "{name}: two runs with the same seed differ");
        report += &format!("(\"{name}\", \"{touch}\", {:#x}, {}),\n", first.0, first.1);
        ok &= first == (hash, count);
    }
    assert!(ok, "golden hashes changed; now:\n{report}");
}

#[test]
fn another_seed_gives_other_poisson_trains() {
    let c = example("poisson_drive.circuit.ron");
    assert_ne!(spike_hash(&c, 1, "").0, spike_hash(&c, 2, "").0);
}

#[test]
fn an_unrelated_generator_leaves_a_train_unchanged() {
    let train = |extra: bool| {
        let mut app = app();
        let w = app.world_mut();
        w.insert_resource(SimSeed(42));
        if extra {
            // Spawned first, so it would come first in any shared stream.
            w.spawn((
                PoissonSpikes { rate_hz: 300.0 },
                StableId("intruder".into()),
            ));
        }
        let g = w
            .spawn((PoissonSpikes { rate_hz: 50.0 }, StableId("noise".into())))
            .id();
        run_for(w, 2.0);
        spike_steps(w, g)
    };
    let alone = train(false);
    assert!(alone.len() > 50, "{} spikes", alone.len());
    assert_eq!(alone, train(true));
}

#[test]
fn poisson_rate_is_as_asked() {
    let mut app = app();
    let w = app.world_mut();
    let g = w
        .spawn((PoissonSpikes { rate_hz: 200.0 }, StableId("g".into())))
        .id();
    run_for(w, 20.0);
    let n = spike_steps(w, g).len() as f64;
    // 4000 expected; the standard deviation is ~63.
    assert!((n - 4000.0).abs() < 250.0, "{n} spikes in 20 s");
}

#[test]
fn reset_dynamics_replays_the_same_run() {
    let c = example("poisson_drive.circuit.ron");
    let mut app = app();
    let w = app.world_mut();
    c.spawn(w);
    run_for(w, 0.5);
    let first: Vec<_> = w.resource::<Recorder>().spikes().to_vec();
    w.write_message(ResetDynamics);
    run_for(w, 0.5);
    let second: Vec<_> = w.resource::<Recorder>().spikes().to_vec();
    assert!(!first.is_empty());
    assert_eq!(first, second);
    assert_eq!(w.resource::<SimClock>().step(), 5000);
}
