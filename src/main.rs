//! The `spikeworks` program. On the desktop it is the command line ([`cli`]); in the browser
//! it opens the title screen, and exports the functions the page's tests call: a headless
//! run of a circuit (for native-versus-web spike trains) and the CUBA benchmark.

#[cfg(not(target_arch = "wasm32"))]
mod cli;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {
    spikeworks::app::run(spikeworks::app::LaunchOptions::default());
}

#[cfg(target_arch = "wasm32")]
#[allow(
    unsafe_code,
    reason = "the glue #[wasm_bindgen] generates calls into JavaScript"
)]
mod exports {
    use spikeworks::circuit::Circuit;
    use spikeworks::runner::{RunOptions, run_circuit};
    use wasm_bindgen::prelude::*;

    /// Runs circuit text for `duration_s` with `seed`, as `spikeworks run` does, and returns
    /// its spikes as the CSV of `spikeworks run --spikes`.
    #[wasm_bindgen]
    pub fn simulate(circuit_ron: &str, duration_s: f64, seed: u32) -> Result<String, String> {
        let circuit = Circuit::from_ron_str(circuit_ron, "circuit").map_err(|e| e.to_string())?;
        let opts = RunOptions {
            circuit: "circuit".into(),
            duration_s,
            seed: seed.into(),
            touches: Vec::new(),
            spikes_csv: None,
            voltages_csv: None,
            record: Vec::new(),
        };
        let report = run_circuit(&circuit, &opts).map_err(|e| e.to_string())?;
        Ok(report.spikes_csv())
    }

    /// The CUBA network, as `spikeworks bench cuba`: `[build_s, simulate_s, spikes]`.
    #[wasm_bindgen]
    pub fn bench_cuba(neurons: usize, duration_s: f64, seed: u32) -> Vec<f64> {
        let r = spikeworks::cuba::run_cuba(neurons, duration_s, seed.into());
        vec![r.build_s, r.simulate_s, r.spikes as f64]
    }
}
