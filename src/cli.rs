//! The desktop's `spikeworks` command line: with no subcommand it opens the sandbox window
//! (optionally on a circuit file); `run` simulates a circuit headless; `bench cuba` runs the
//! CUBA benchmark.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use spikeworks::runner::{self, RunOptions};

#[derive(Parser)]
#[command(
    name = "spikeworks",
    version,
    about = "Build, run, see and hear spiking neural circuits",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A circuit file to open in the sandbox.
    circuit: Option<PathBuf>,
    /// Save a screenshot of the window to this PNG after --frames frames, then quit.
    #[arg(long)]
    screenshot: Option<PathBuf>,
    /// Frames to run before the screenshot.
    #[arg(long, default_value_t = 120)]
    frames: u32,
    /// Open the empty sandbox instead of the title screen.
    #[arg(long)]
    sandbox: bool,
    /// Open the water-maze scene: a mouse that learns with spiking neurons.
    #[arg(long)]
    maze: bool,
    /// Play scripted input (a RON list of steps; see the `app::dev::script` docs), for tests.
    #[arg(long)]
    script: Option<PathBuf>,
    /// The window's size in logical pixels, e.g. 390x844 for a phone in portrait.
    #[arg(long, default_value = "1280x800", value_parser = parse_window_size)]
    window: (u32, u32),
}

/// `WIDTHxHEIGHT` in pixels, each between 200 and 8000.
fn parse_window_size(text: &str) -> Result<(u32, u32), String> {
    let (w, h) = text
        .split_once(['x', '×'])
        .ok_or_else(|| format!("expected WIDTHxHEIGHT, e.g. 390x844, got {text:?}"))?;
    let side = |s: &str| {
        s.trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (200..=8000).contains(n))
            .ok_or_else(|| format!("a window side is 200 to 8000 px, got {s:?} in {text:?}"))
    };
    Ok((side(w)?, side(h)?))
}

#[derive(Subcommand)]
enum Command {
    /// Simulate a circuit without a window and report its spikes.
    Run {
        /// The circuit file (*.circuit.ron).
        circuit: PathBuf,
        /// Simulated time, e.g. 2s or 500ms.
        #[arg(long, default_value = "1s")]
        duration: String,
        /// Seed of the random generators.
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Touch sensors to press: LABEL@0.1s (tap) or LABEL@0.1s..0.3s (hold), comma-separated.
        #[arg(long)]
        touch: Option<String>,
        /// Write every spike as CSV: time_s,id,label.
        #[arg(long)]
        spikes: Option<PathBuf>,
        /// Write voltage traces as CSV: time_s,<label>,… in volts.
        #[arg(long)]
        voltages: Option<PathBuf>,
        /// Neurons whose voltage is written to --voltages, comma-separated labels.
        #[arg(long, value_delimiter = ',')]
        record: Vec<String>,
    },
    /// Convert a Neuronify file (.nfy) to a Spikeworks circuit and print the import report.
    Import {
        /// The Neuronify file.
        nfy: PathBuf,
        /// Where to write the circuit (default: the same name with .circuit.ron).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Write a circuit as a Neuronify file (format version 4), or as a PyNEST 3 or PyNN script, and
    /// list what changed, what is exact and what is approximated.
    Export {
        /// The circuit file (*.circuit.ron).
        circuit: PathBuf,
        /// The Neuronify file to write.
        #[arg(
            long,
            value_name = "FILE.nfy",
            required_unless_present_any = ["nest", "pynn"],
            conflicts_with_all = ["nest", "pynn"]
        )]
        nfy: Option<PathBuf>,
        /// The PyNEST script to write; run it with python3 (see its header).
        #[arg(long, value_name = "OUT.py", group = "script", conflicts_with = "pynn")]
        nest: Option<PathBuf>,
        /// The PyNN script to write (pyNN.nest by default, `--backend` chooses another).
        #[arg(long, value_name = "OUT.py", group = "script")]
        pynn: Option<PathBuf>,
        /// Simulated time of the script, e.g. 2s or 500ms.
        #[arg(long, default_value = "1s", requires = "script")]
        duration: String,
        /// Seed of NEST's random numbers and of the engine's draws the script uses.
        #[arg(long, default_value_t = 0, requires = "script")]
        seed: u64,
        /// Touch presses of a trial, as for `run`: LABEL@0.1s or LABEL@0.1s..0.3s.
        #[arg(long, requires = "script")]
        touch: Option<String>,
        /// Multiply every population's size by K, keeping in-degrees (probabilities p/K).
        #[arg(long, default_value_t = 1, requires = "script")]
        scale: u32,
        /// NEST threads the script uses by default.
        #[arg(long, default_value_t = 1, requires = "script")]
        threads: u32,
        /// Write random connectivity as the engine's explicit connection list.
        #[arg(long, requires = "script")]
        exact_connectivity: bool,
    },
    /// Check a circuit against a level: runs every trial and prints each verdict.
    /// Exits with 1 when the level is not solved.
    Check {
        /// The level file (levels/NN_name.level.ron).
        level: PathBuf,
        /// The circuit to check (default: the level's own starting circuit).
        solution: Option<PathBuf>,
    },
    /// Teach mice the water maze (Vasilaki et al. 2009) and print their learning curve.
    Maze {
        /// Trials per mouse.
        #[arg(long, default_value_t = 20)]
        trials: usize,
        /// Number of mice; mouse k has seed SEED0 + k.
        #[arg(long, default_value_t = 10)]
        seeds: u64,
        #[arg(long, default_value_t = 0)]
        seed0: u64,
        /// τ_c of the learning rule, e.g. 5ms; 0 is the pure policy-gradient rule.
        #[arg(long, default_value = "5ms")]
        tau_c: String,
        /// α, the learning rate (0 turns learning off).
        #[arg(long, default_value_t = 0.05)]
        learning_rate: f64,
        /// Write every trial as CSV: seed,trial,start,latency_s,timed_out,wall_hits.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Run a benchmark network.
    Bench {
        #[command(subcommand)]
        which: Bench,
    },
}

#[derive(Subcommand)]
enum Bench {
    /// The CUBA network of Brette et al. (2007), as in Brian2's example.
    Cuba {
        #[arg(long, default_value_t = 4000)]
        neurons: usize,
        #[arg(long, default_value = "1s")]
        duration: String,
        #[arg(long, default_value_t = 0)]
        seed: u64,
        /// Build it from a circuit file of two populations and four projections, instead of
        /// one entity per synapse.
        #[arg(long)]
        populations: bool,
    },
    /// Run a circuit for a long time with the sandbox's bounded recorder and print resident
    /// memory and the mean rate every interval (a leak or a drift shows in the table).
    Soak {
        /// The circuit file (*.circuit.ron).
        circuit: PathBuf,
        #[arg(long, default_value = "3600s")]
        duration: String,
        /// Simulated time between reports.
        #[arg(long, default_value = "60s")]
        every: String,
        #[arg(long, default_value_t = 0)]
        seed: u64,
    },
}

#[cfg(feature = "gui")]
fn open_sandbox(cli: Cli) -> ExitCode {
    use spikeworks::app::{self, LaunchOptions, dev::screenshot::ScreenshotPlan};
    let options = LaunchOptions {
        circuit: cli.circuit,
        screenshot: cli.screenshot.map(|path| ScreenshotPlan {
            path,
            after_frames: cli.frames,
        }),
        script: cli.script,
        sandbox: cli.sandbox,
        maze: cli.maze,
        window: cli.window,
    };
    match app::run(options) {
        bevy::app::AppExit::Success => ExitCode::SUCCESS,
        bevy::app::AppExit::Error(_) => ExitCode::FAILURE,
    }
}

#[cfg(not(feature = "gui"))]
fn open_sandbox(_: Cli) -> ExitCode {
    eprintln!(
        "spikeworks: this build has no window (built without the `gui` feature); \
         use `spikeworks run CIRCUIT` (see --help)"
    );
    ExitCode::from(2)
}

/// `spikeworks import`: nothing is written unless the whole file imports.
fn import(nfy: &std::path::Path, output: Option<PathBuf>) -> Result<(), String> {
    let imported = spikeworks::nfy::import_file(nfy).map_err(|e| e.to_string())?;
    let output = output.unwrap_or_else(|| {
        let stem = nfy.file_stem().unwrap_or_default().to_string_lossy();
        nfy.with_file_name(format!("{stem}.circuit.ron"))
    });
    imported.circuit.save(&output).map_err(|e| e.to_string())?;
    print!("{}", imported.report);
    println!("wrote {}", output.display());
    Ok(())
}

/// `spikeworks export --nfy`: writes atomically, then lists what Neuronify cannot express.
fn export(circuit: &std::path::Path, nfy: &std::path::Path) -> Result<(), String> {
    let circuit = spikeworks::circuit::Circuit::load(circuit).map_err(|e| e.to_string())?;
    let exported = spikeworks::nfy::export_nfy(&circuit);
    spikeworks::circuit::write_atomic(nfy, exported.json.as_bytes())
        .map_err(|e| format!("{}: cannot write: {e}", nfy.display()))?;
    for note in &exported.notes {
        println!("changed: {note}");
    }
    println!("wrote {} (Neuronify format version 4)", nfy.display());
    Ok(())
}

/// `spikeworks export --nest` or `--pynn`: writes the script atomically and prints its report.
fn export_nest(
    circuit_path: &std::path::Path,
    out: &std::path::Path,
    pynn: bool,
    mut opts: spikeworks::nest::NestOptions,
) -> Result<(), String> {
    let circuit = spikeworks::circuit::Circuit::load(circuit_path).map_err(|e| e.to_string())?;
    opts.source = circuit_path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let plan = spikeworks::nest::plan(&circuit, &opts).map_err(|e| e.to_string())?;
    let script = if pynn {
        spikeworks::nest::pynn::pynn_script(&plan)
    } else {
        spikeworks::nest::script::nest_script(&plan)
    };
    spikeworks::circuit::write_atomic(out, script.as_bytes())
        .map_err(|e| format!("{}: cannot write: {e}", out.display()))?;
    print!("{}", plan.report);
    println!(
        "wrote {} ({}: {} neurons in {} groups, {} connection calls{})",
        out.display(),
        if pynn { "PyNN" } else { "PyNEST 3" },
        plan.groups.iter().map(|g| u64::from(g.size)).sum::<u64>(),
        plan.groups.len(),
        plan.connections.len(),
        if plan.report.is_exact() {
            "; NEST gives the same spikes"
        } else {
            ""
        }
    );
    Ok(())
}

/// `spikeworks check`: the verdict on stdout; Ok(false) when the level is not solved.
fn check(level: &std::path::Path, solution: Option<PathBuf>) -> Result<bool, String> {
    use spikeworks::level::Level;
    let level = Level::load(level).map_err(|e| e.to_string())?;
    let circuit = match &solution {
        Some(path) => spikeworks::circuit::Circuit::load(path).map_err(|e| e.to_string())?,
        None => level.circuit.clone(),
    };
    let verdict = spikeworks::level::check(&level, &circuit);
    print!("{verdict}");
    Ok(verdict.passed())
}

/// `spikeworks bench soak`: one row per interval on stdout, as it comes.
fn soak(circuit: &std::path::Path, duration: &str, every: &str, seed: u64) -> Result<(), String> {
    let duration_s =
        runner::parse_duration(duration).map_err(|e| flag("--duration", e).to_string())?;
    let every_s = runner::parse_duration(every).map_err(|e| flag("--every", e).to_string())?;
    let circuit = spikeworks::circuit::Circuit::load(circuit).map_err(|e| e.to_string())?;
    println!("simulated_s  wall_s  resident_MB  rate_Hz");
    spikeworks::soak::soak(&circuit, duration_s, every_s, seed, |s| {
        let resident = s.resident_mb.map_or("?".into(), |mb| format!("{mb:.1}"));
        println!(
            "{:>11.1}  {:>6.1}  {resident:>11}  {:>7.2}",
            s.simulated_s, s.wall_s, s.rate_hz
        );
    });
    Ok(())
}

/// `spikeworks maze`: progress on stderr, the curve and the ratio on stdout.
fn maze(
    trials: usize,
    seeds: u64,
    seed0: u64,
    tau_c: &str,
    learning_rate: f64,
    out: Option<PathBuf>,
) -> Result<(), String> {
    use spikeworks::maze::{MazeParams, Session, trials::LATE};
    let params = MazeParams {
        tau_c_s: runner::parse_duration(tau_c).map_err(|e| flag("--tau-c", e).to_string())?,
        learning_rate,
        ..MazeParams::default()
    };
    params.validate().map_err(|e| format!("maze: {e}"))?;
    if seeds == 0 || trials < *LATE.end() {
        return Err(format!(
            "maze: need at least 1 seed and {} trials for the learning ratio",
            LATE.end()
        ));
    }
    let seed_list: Vec<u64> = (seed0..seed0 + seeds).collect();
    let started = std::time::Instant::now();
    let session = Session::run(&params, &seed_list, trials, |done| {
        eprint!("\rmice done: {done}/{seeds}");
    });
    eprintln!();
    print!("{}", session.report(started.elapsed().as_secs_f64()));
    if let Some(path) = out {
        spikeworks::circuit::write_atomic(&path, session.to_csv().as_bytes())
            .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// Says which flag a bad value came from.
fn flag(name: &str, e: runner::RunError) -> runner::RunError {
    runner::RunError::BadArgument {
        arg: name.to_owned(),
        reason: e.to_string(),
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        return open_sandbox(cli);
    };
    let result = match command {
        Command::Run {
            circuit,
            duration,
            seed,
            touch,
            spikes,
            voltages,
            record,
        } => (|| {
            let opts = RunOptions {
                circuit,
                duration_s: runner::parse_duration(&duration).map_err(|e| flag("--duration", e))?,
                seed,
                touches: runner::parse_touches(touch.as_deref().unwrap_or(""))
                    .map_err(|e| flag("--touch", e))?,
                spikes_csv: spikes,
                voltages_csv: voltages,
                record,
            };
            let report = runner::run(&opts)?;
            print!("{}", report.summary());
            Ok::<(), runner::RunError>(())
        })()
        .map_err(|e| e.to_string()),
        Command::Import { nfy, output } => import(&nfy, output),
        Command::Export {
            circuit,
            nfy,
            nest,
            pynn,
            duration,
            seed,
            touch,
            scale,
            threads,
            exact_connectivity,
        } => match (nfy, nest.map(|p| (p, false)).or(pynn.map(|p| (p, true)))) {
            (Some(nfy), _) => export(&circuit, &nfy),
            (None, Some((out, pynn))) => (|| {
                let opts = spikeworks::nest::NestOptions {
                    duration_s: runner::parse_duration(&duration)
                        .map_err(|e| flag("--duration", e).to_string())?,
                    seed,
                    touches: runner::parse_touches(touch.as_deref().unwrap_or(""))
                        .map_err(|e| flag("--touch", e).to_string())?,
                    scale,
                    threads,
                    exact_connectivity,
                    source: String::new(),
                };
                export_nest(&circuit, &out, pynn, opts)
            })(),
            (None, None) => Err("export: give --nfy FILE.nfy, --nest OUT.py or --pynn OUT.py".to_owned()),
        },
        Command::Check { level, solution } => match check(&level, solution) {
            Ok(true) => Ok(()),
            Ok(false) => return ExitCode::from(1),
            Err(e) => Err(e),
        },
        Command::Maze {
            trials,
            seeds,
            seed0,
            tau_c,
            learning_rate,
            out,
        } => maze(trials, seeds, seed0, &tau_c, learning_rate, out),
        Command::Bench {
            which:
                Bench::Soak {
                    circuit,
                    duration,
                    every,
                    seed,
                },
        } => soak(&circuit, &duration, &every, seed),
        Command::Bench {
            which:
                Bench::Cuba {
                    neurons,
                    duration,
                    seed,
                    populations,
                },
        } => runner::parse_duration(&duration)
            .map_err(|e| flag("--duration", e).to_string())
            .and_then(|d| {
                if neurons < 5 {
                    return Err("--neurons: CUBA needs at least 5 neurons".to_owned());
                }
                let r = if populations {
                    spikeworks::cuba::run_cuba_populations(neurons, d, seed)
                } else {
                    spikeworks::cuba::run_cuba(neurons, d, seed)
                };
                println!(
                    "CUBA: {} neurons, {} synapses{}\nbuild time       {:.3} s\nsimulation wall  {:.3} s for {} s biological\nspikes           {}\nmean rate        {:.2} Hz",
                    r.neurons,
                    r.synapses,
                    if populations {
                        format!(
                            " in projections ({:.1} bytes per synapse)",
                            r.projection_bytes as f64 / r.synapses.max(1) as f64
                        )
                    } else {
                        " as entities".to_owned()
                    },
                    r.build_s,
                    r.simulate_s,
                    d,
                    r.spikes,
                    r.mean_rate_hz
                );
                Ok(())
            }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("spikeworks: {message}");
            ExitCode::FAILURE
        }
    }
}
