//! The soak benchmark: a circuit runs for a long stretch of simulated time with the bounded
//! spike recorder the sandbox uses, and every interval reports its resident memory and the
//! mean firing rate since the last report, so a leak or a drifting network shows as a curve.

use bevy::platform::time::Instant;

use crate::circuit::Circuit;
use crate::sim::{self, DT, Network, Recorder, SimSeed};

/// One report of a soak run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SoakSample {
    pub simulated_s: f64,
    pub wall_s: f64,
    /// Resident memory of the process in MB (None where `/proc` does not say).
    pub resident_mb: Option<f64>,
    /// Spikes per neuron and second over the interval that ended here.
    pub rate_hz: f64,
}

/// The process's resident memory in MB, from `/proc/self/statm` (Linux).
pub fn resident_mb() -> Option<f64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: f64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096.0 / 1e6)
}

/// Runs `circuit` for `duration_s` of simulated time, calling `report` every `every_s`.
pub fn soak(
    circuit: &Circuit,
    duration_s: f64,
    every_s: f64,
    seed: u64,
    mut report: impl FnMut(&SoakSample),
) -> Vec<SoakSample> {
    let mut app = sim::headless_app();
    app.finish();
    app.cleanup();
    let world = app.world_mut();
    // The sandbox's recorder: recent spikes only, as a long run in the window keeps.
    world.insert_resource(Recorder::default());
    world.insert_resource(SimSeed(seed));
    circuit.spawn(world);
    sim::run_steps(world, 0);
    let neurons = world.resource::<Network>().neuron_count().max(1) as f64;
    let started = Instant::now();
    let steps_per_report = ((every_s / DT).round() as u64).max(1);
    let total = (duration_s / DT).round() as u64;
    let (mut done, mut spikes_before) = (0, 0);
    let mut samples = Vec::new();
    while done < total {
        let steps = steps_per_report.min(total - done);
        sim::run_steps(world, steps);
        done += steps;
        let spikes = world.resource::<Recorder>().total_spikes();
        let sample = SoakSample {
            simulated_s: done as f64 * DT,
            wall_s: started.elapsed().as_secs_f64(),
            resident_mb: resident_mb(),
            rate_hz: (spikes - spikes_before) as f64 / neurons / (steps as f64 * DT),
        };
        spikes_before = spikes;
        report(&sample);
        samples.push(sample);
    }
    samples
}
