//! Export to NEST checked by running NEST: every bundled example and every level's reference
//! solution (each trial driven by touches) whose items all map exactly gives, in NEST, the
//! spike CSV of `spikeworks run` byte for byte; so does a network of 1 000 neurons in ten
//! populations connected at random, written with the engine's connection list; the balanced
//! network driven by Poisson trains keeps its rates and irregularity in NEST; a circuit NEST
//! cannot express is refused with the item named; the balanced network made ten times bigger
//! keeps its rates on two threads; the PyNN script on `pyNN.nest` gives the plain NEST
//! script's spikes exactly, and on `pyNN.brian2` Spikeworks' own for plain circuits.
//!
//! NEST, PyNN and Brian2 come from `scripts/setup.sh`, which installs them into a virtual
//! environment of their own (`SPIKEWORKS_NEST_PYTHON` names another interpreter). Without
//! them these tests fail and say so; they never pass by skipping.

use std::path::{Path, PathBuf};
use std::process::Command;

use spikeworks::circuit::{
    Circuit, GeneratorItem, GeneratorKind, InitialPotential, LifModel, NeuronModel, PopulationItem,
    ProjectionItem,
};
use spikeworks::level::{self, Stimulus};
use spikeworks::nest::{self, NestOptions, pynn::pynn_script, script::nest_script};
use spikeworks::runner::{RunOptions, TouchPlan, run_circuit};
use spikeworks::sim::{ConnectionRule, Drawn, PopulationLayout, SynapseMode};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The Python that has NEST, or a failure saying how to get it.
fn nest_python() -> PathBuf {
    let python = std::env::var_os("SPIKEWORKS_NEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME").unwrap_or_default();
            Path::new(&home).join(".cache/spikeworks/nest-venv/bin/python")
        });
    let works = Command::new(&python)
        .args(["-c", "import nest"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        works,
        "NEST is missing: {} cannot `import nest`. Run `bash scripts/setup.sh` (it installs \
         nest-simulator into ~/.cache/spikeworks/nest-venv) or set SPIKEWORKS_NEST_PYTHON to a \
         Python that has it.",
        python.display()
    );
    python
}

/// One exported run: the script, where NEST writes its spikes, and Spikeworks' own CSV.
struct Case {
    name: String,
    script: PathBuf,
    nest_csv: PathBuf,
    ours: String,
}

/// Exports `circuit` for `opts`, and runs it in Spikeworks; `None` when the export is not
/// exact (or not possible) and `only_exact` is set.
fn prepare(
    dir: &Path,
    name: &str,
    circuit: &Circuit,
    opts: &NestOptions,
    only_exact: bool,
) -> Option<Case> {
    let plan = nest::plan(circuit, opts).ok()?;
    if only_exact && !plan.report.is_exact() {
        return None;
    }
    let file = name.replace(['/', ' '], "_");
    let script = dir.join(format!("{file}.py"));
    std::fs::write(&script, nest_script(&plan)).unwrap();
    let ours = run_circuit(
        circuit,
        &RunOptions {
            duration_s: opts.duration_s,
            seed: opts.seed,
            touches: opts.touches.clone(),
            ..RunOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
    .spikes_csv();
    Some(Case {
        name: name.to_owned(),
        nest_csv: dir.join(format!("{file}.nest.csv")),
        script,
        ours,
    })
}

/// Runs every case's script in one Python process (NEST is imported once).
fn run_in_nest<'a>(cases: impl IntoIterator<Item = &'a Case>) {
    run_scripts(
        cases
            .into_iter()
            .map(|c| (c.script.as_path(), c.nest_csv.as_path())),
    );
}

/// Runs scripts (plain or PyNN), each writing its spikes to its CSV, in one Python process.
fn run_scripts<'a>(runs: impl IntoIterator<Item = (&'a Path, &'a Path)>) {
    let python = nest_python();
    let mut driver = String::from("import runpy, sys\n");
    for (script, csv) in runs {
        driver.push_str(&format!(
            "sys.argv = [{:?}, {:?}]\nrunpy.run_path({:?}, run_name='__main__')\n",
            script.display().to_string(),
            csv.display().to_string(),
            script.display().to_string()
        ));
    }
    let out = Command::new(python)
        .args(["-c", &driver])
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "NEST failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn assert_identical(cases: &[Case]) {
    for c in cases {
        let theirs = std::fs::read_to_string(&c.nest_csv).unwrap();
        if theirs != c.ours {
            let first = theirs
                .lines()
                .zip(c.ours.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(theirs.lines().count().min(c.ours.lines().count()));
            panic!(
                "{}: NEST's spikes differ from Spikeworks' at line {} (NEST {:?}, ours {:?}); \
                 {} lines against our {}",
                c.name,
                first + 1,
                theirs.lines().nth(first),
                c.ours.lines().nth(first),
                theirs.lines().count(),
                c.ours.lines().count()
            );
        }
    }
}

/// A fresh folder for one test's scripts and spike files.
fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spikeworks-nest-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The bundled examples, by name, in name order.
fn examples() -> Vec<(String, Circuit)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join("assets/examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .unwrap()
                .to_string_lossy()
                .replace(".circuit.ron", "");
            (name, Circuit::load(&p).unwrap_or_else(|e| panic!("{e}")))
        })
        .collect()
}

fn example(name: &str) -> Circuit {
    examples()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no example {name}"))
        .1
}

fn options(duration_s: f64) -> NestOptions {
    NestOptions {
        duration_s,
        ..NestOptions::default()
    }
}

#[test]
fn every_exactly_mapped_example_and_level_solution_fires_in_nest_as_in_spikeworks() {
    let dir = scratch("exact");
    let mut cases = Vec::new();
    for (name, circuit) in examples() {
        cases.extend(prepare(&dir, &name, &circuit, &options(2.0), true));
    }
    let examples: Vec<String> = cases.iter().map(|c| c.name.clone()).collect();
    for expected in ["dc_neuron", "relay", "input_summation", "touch_reflex"] {
        assert!(
            examples.iter().any(|e| e == expected),
            "{expected} maps exactly (exact: {examples:?})"
        );
    }
    let mut trials = 0;
    for (name, level) in level::load_folder(&root().join("levels")).unwrap() {
        let path = root().join(format!("tests/solutions/{name}.circuit.ron"));
        let solution = Circuit::load(&path).unwrap_or_else(|e| panic!("{e}"));
        for trial in &level.trials {
            // Trials that set parameters while running have no `--touch` counterpart.
            let touches: Option<Vec<TouchPlan>> = trial
                .stimuli
                .iter()
                .map(|s| match s {
                    Stimulus::Tap { sensor, at_ms } => Some(TouchPlan {
                        sensor: sensor.clone(),
                        press_s: at_ms * 1e-3,
                        release_s: at_ms * 1e-3,
                    }),
                    Stimulus::Hold {
                        sensor,
                        from_ms,
                        to_ms,
                    } => Some(TouchPlan {
                        sensor: sensor.clone(),
                        press_s: from_ms * 1e-3,
                        release_s: to_ms * 1e-3,
                    }),
                    _ => None,
                })
                .collect();
            let Some(touches) = touches else { continue };
            let opts = NestOptions {
                touches,
                ..options(trial.duration_ms * 1e-3)
            };
            let case = prepare(
                &dir,
                &format!("{name}/{}", trial.name),
                &solution,
                &opts,
                true,
            );
            trials += usize::from(case.is_some());
            cases.extend(case);
        }
    }
    eprintln!("exact in NEST: examples {examples:?}, {trials} level trials");
    assert!(trials >= 5, "only {trials} level trials map exactly");
    run_in_nest(&cases);
    assert_identical(&cases);
}

/// Ten populations of 100, each on its own DC and starting at drawn potentials, joined by
/// random projections with drawn weights and delays, one of them inhibitory.
fn thousand_neurons() -> Circuit {
    let mut c = Circuit::empty("A thousand neurons");
    c.version = 2;
    for k in 0..10 {
        let id = format!("p{k}");
        c.populations.push(PopulationItem {
            id: id.clone(),
            label: format!("Group {k}"),
            position: (0.0, 0.0),
            size: 100,
            inhibitory: k == 9,
            model: NeuronModel::Lif(LifModel::default()),
            initial_mv: InitialPotential::Uniform(-80.0, -56.0),
            layout: PopulationLayout::default(),
        });
        c.generators.push(GeneratorItem {
            id: format!("dc{k}"),
            label: String::new(),
            position: (0.0, 0.0),
            inhibitory: false,
            kind: GeneratorKind::Dc {
                current_na: 0.16 + 0.01 * f64::from(k),
            },
            targets: vec![id],
            neuronify_clock: false,
        });
    }
    for k in 0..10 {
        c.projections.push(ProjectionItem {
            id: format!("j{k}"),
            from: format!("p{k}"),
            to: format!("p{}", (k * 3 + 1) % 10),
            rule: if k % 2 == 0 {
                ConnectionRule::Probability(0.05)
            } else {
                ConnectionRule::FixedIndegree(8)
            },
            autapses: false,
            weight_na: Drawn::Normal { mean: 0.4, sd: 0.1 },
            delay_ms: Drawn::Uniform {
                low: 0.5,
                high: 4.0,
            },
            tau_ms: if k % 3 == 0 { 5.0 } else { 2.0 },
            mode: SynapseMode::Add,
            stdp: None,
            reward: None,
        });
    }
    c
}

#[test]
fn a_thousand_neurons_connected_at_random_fire_in_nest_spike_for_spike_with_the_engines_connections()
 {
    let dir = scratch("thousand");
    let circuit = thousand_neurons();
    let opts = NestOptions {
        exact_connectivity: true,
        seed: 3,
        ..options(1.0)
    };
    let plan = nest::plan(&circuit, &opts).unwrap();
    assert!(plan.report.is_exact(), "{}", plan.report);
    let case = prepare(&dir, "thousand", &circuit, &opts, true).unwrap();
    let spikes = case.ours.lines().count() - 1;
    assert!(spikes > 5_000, "rich activity: {spikes} spikes");
    run_in_nest([&case]);
    assert_identical(&[case]);
}

/// Rate (Hz per neuron) and mean coefficient of variation of the inter-spike intervals of
/// each population in a spike CSV.
fn population_stats(csv: &str, population: &str, size: u32, duration_s: f64) -> (f64, f64) {
    let mut trains: std::collections::HashMap<&str, Vec<f64>> = Default::default();
    let prefix = format!("{population}[");
    for line in csv.lines().skip(1) {
        let mut fields = line.split(',');
        let t: f64 = fields.next().unwrap().parse().unwrap();
        let id = fields.next().unwrap();
        if id.starts_with(&prefix) {
            trains.entry(id).or_default().push(t);
        }
    }
    let spikes: usize = trains.values().map(Vec::len).sum();
    let cvs: Vec<f64> = trains
        .values()
        .filter(|t| t.len() >= 3)
        .map(|t| {
            let isi: Vec<f64> = t.windows(2).map(|w| w[1] - w[0]).collect();
            let mean = isi.iter().sum::<f64>() / isi.len() as f64;
            let var = isi.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / isi.len() as f64;
            var.sqrt() / mean
        })
        .collect();
    (
        spikes as f64 / f64::from(size) / duration_s,
        cvs.iter().sum::<f64>() / cvs.len().max(1) as f64,
    )
}

#[test]
fn the_poisson_driven_balanced_network_keeps_its_rates_and_irregularity_in_nest() {
    let dir = scratch("balanced");
    let circuit = example("balanced_network");
    let duration_s = 1.0;
    let seeds = [1, 2, 3];
    let cases: Vec<Case> = seeds
        .iter()
        .map(|&seed| {
            let opts = NestOptions {
                seed,
                ..options(duration_s)
            };
            prepare(&dir, &format!("balanced-{seed}"), &circuit, &opts, false).unwrap()
        })
        .collect();
    run_in_nest(&cases);
    for p in &circuit.populations {
        let mean = |which: &dyn Fn(&Case) -> String| {
            let stats: Vec<(f64, f64)> = cases
                .iter()
                .map(|c| population_stats(&which(c), &p.id, p.size, duration_s))
                .collect();
            let n = stats.len() as f64;
            (
                stats.iter().map(|s| s.0).sum::<f64>() / n,
                stats.iter().map(|s| s.1).sum::<f64>() / n,
            )
        };
        let ours = mean(&|c: &Case| c.ours.clone());
        let theirs = mean(&|c: &Case| std::fs::read_to_string(&c.nest_csv).unwrap());
        eprintln!(
            "{}: Spikeworks {:.2} Hz CV {:.3}, NEST {:.2} Hz CV {:.3}",
            p.id, ours.0, ours.1, theirs.0, theirs.1
        );
        assert!(
            ours.0 > 1.0,
            "{}: the network fires ({:.2} Hz)",
            p.id,
            ours.0
        );
        assert!(
            (theirs.0 / ours.0 - 1.0).abs() <= 0.05,
            "{}: NEST's rate {:.2} Hz against our {:.2} Hz",
            p.id,
            theirs.0,
            ours.0
        );
        assert!(
            (theirs.1 / ours.1 - 1.0).abs() <= 0.10,
            "{}: NEST's CV {:.3} against our {:.3}",
            p.id,
            theirs.1,
            ours.1
        );
    }
}

#[test]
fn a_circuit_nest_cannot_express_is_refused_with_the_item_named() {
    let circuit = example("visual_input");
    let message = nest::plan(&circuit, &options(1.0)).unwrap_err().to_string();
    assert!(
        message.contains("orientation") && message.contains("NEST cannot express"),
        "{message}"
    );
    let bad = NestOptions {
        scale: 0,
        ..options(1.0)
    };
    let message = nest::plan(&thousand_neurons(), &bad)
        .unwrap_err()
        .to_string();
    assert!(message.starts_with("--scale"), "{message}");
}

/// Spike counts per id of a spike CSV.
fn counts(csv: &str) -> std::collections::BTreeMap<String, usize> {
    let mut n = std::collections::BTreeMap::new();
    for line in csv.lines().skip(1) {
        *n.entry(line.split(',').nth(1).unwrap().to_owned())
            .or_default() += 1;
    }
    n
}

/// Two Hodgkin–Huxley neurons, one on DC driving the other.
fn squid_pair() -> Circuit {
    ron::from_str(
        r#"Circuit(version: 1, name: "Squid pair",
            neurons: [
                (id: "axon", model: HodgkinHuxley(())),
                (id: "follower", model: HodgkinHuxley(())),
            ],
            generators: [(id: "dc", kind: Dc(current_nA: 1.0), targets: ["axon"])],
            synapses: [(from: "axon", to: "follower", weight_nA: 5.0, tau_ms: 2.0, delay_ms: 2.0)],
        )"#,
    )
    .unwrap()
}

/// The tolerances the script's header states: adaptive neurons (NEST's adaptation
/// conductance, integrated numerically) within 10 %, Hodgkin–Huxley (alpha-shaped synapses,
/// spikes at the peak) and STDP within 5 %, and each within 2 spikes for short trains.
#[test]
fn approximated_neurons_and_learning_keep_their_spike_counts_in_nest_within_the_stated_tolerance() {
    let dir = scratch("approximated");
    let touch = |sensor: &str, from: f64, to: f64| TouchPlan {
        sensor: sensor.to_owned(),
        press_s: from,
        release_s: to,
    };
    let runs = [
        (
            "adaptive_neuron",
            example("adaptive_neuron"),
            vec![touch("Hold me", 0.1, 1.5)],
            0.10,
            "adaptation",
        ),
        (
            "prolonged_activity",
            example("prolonged_activity"),
            vec![touch("Touch", 0.1, 0.1)],
            0.10,
            "adaptation",
        ),
        ("squid_pair", squid_pair(), vec![], 0.05, "hh_psc_alpha"),
        (
            "stdp_order",
            example("stdp_order"),
            vec![],
            0.05,
            "stdp_synapse",
        ),
    ];
    let cases: Vec<(Case, f64)> = runs
        .into_iter()
        .map(
            |(name, circuit, touches, tolerance, model): (_, _, _, f64, _)| {
                let opts = NestOptions {
                    touches,
                    ..options(2.0)
                };
                let plan = nest::plan(&circuit, &opts).unwrap();
                assert!(
                    plan.report.approximated.iter().any(|l| l.contains(model)),
                    "{name}: the report says it is approximated with {model}:\n{}",
                    plan.report
                );
                let tolerance_text = format!("within {} %", (tolerance * 100.0).round());
                assert!(
                    plan.report
                        .approximated
                        .iter()
                        .any(|l| l.contains(&tolerance_text)),
                    "{name}: the report states the tolerance ({tolerance_text}):\n{}",
                    plan.report
                );
                (
                    prepare(&dir, name, &circuit, &opts, false).unwrap(),
                    tolerance,
                )
            },
        )
        .collect();
    run_in_nest(cases.iter().map(|(c, _)| c));
    for (case, tolerance) in &cases {
        let ours = counts(&case.ours);
        let theirs = counts(&std::fs::read_to_string(&case.nest_csv).unwrap());
        assert!(ours.values().sum::<usize>() > 20, "{}: {ours:?}", case.name);
        for (id, &n) in &ours {
            let m = theirs.get(id).copied().unwrap_or(0);
            let allowed = (n as f64 * tolerance).max(2.0);
            eprintln!("{} {id}: Spikeworks {n}, NEST {m}", case.name);
            assert!(
                (m as f64 - n as f64).abs() <= allowed,
                "{} {id}: NEST fires {m} times, Spikeworks {n} (allowed ±{allowed})",
                case.name
            );
        }
    }
}

/// Runs `script` with `args` in the NEST environment.
fn run_script(script: &Path, args: &[&str]) {
    let out = Command::new(nest_python())
        .arg(script)
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{} failed:\n{}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_balanced_network_ten_times_bigger_keeps_its_rates_in_nest_on_two_threads() {
    let dir = scratch("scaled");
    let circuit = example("balanced_network");
    // 100 000 neurons and ten million synapses in NEST: half a second of one seed is plenty.
    let duration_s = 0.5;
    let seeds = [1];
    let mut ours = std::collections::HashMap::<&str, f64>::new();
    let mut theirs = std::collections::HashMap::<&str, f64>::new();
    for seed in seeds {
        let plain = prepare(
            &dir,
            &format!("plain-{seed}"),
            &circuit,
            &NestOptions {
                seed,
                ..options(duration_s)
            },
            false,
        )
        .unwrap();
        let opts = NestOptions {
            seed,
            scale: 10,
            threads: 2,
            ..options(duration_s)
        };
        let plan = nest::plan(&circuit, &opts).unwrap();
        let script = dir.join(format!("scaled-{seed}.py"));
        std::fs::write(&script, nest_script(&plan)).unwrap();
        let csv = dir.join(format!("scaled-{seed}.csv"));
        run_script(&script, &[csv.to_str().unwrap()]);
        let scaled = std::fs::read_to_string(&csv).unwrap();
        for p in &circuit.populations {
            *ours.entry(&p.id).or_default() +=
                population_stats(&plain.ours, &p.id, p.size, duration_s).0 / seeds.len() as f64;
            *theirs.entry(&p.id).or_default() +=
                population_stats(&scaled, &p.id, p.size * 10, duration_s).0 / seeds.len() as f64;
        }
    }
    for p in &circuit.populations {
        let (a, b) = (ours[p.id.as_str()], theirs[p.id.as_str()]);
        eprintln!(
            "{}: Spikeworks {a:.2} Hz with {} neurons, NEST {b:.2} Hz with {} on 2 threads",
            p.id,
            p.size,
            p.size * 10
        );
        assert!(a > 1.0, "{}: the network fires ({a:.2} Hz)", p.id);
        assert!(
            (b / a - 1.0).abs() <= 0.10,
            "{}: at scale 10 NEST's rate is {b:.2} Hz against our {a:.2} Hz",
            p.id
        );
    }
}

#[test]
fn the_pynn_script_on_pynn_nest_gives_exactly_the_plain_nest_scripts_spikes() {
    let dir = scratch("pynn");
    let touch = |sensor: &str, from: f64, to: f64| TouchPlan {
        sensor: sensor.to_owned(),
        press_s: from,
        release_s: to,
    };
    // Every example without random draws, exact or approximated (adaptation, Hodgkin–Huxley,
    // STDP, immediate-fire kicks, AC), touch trials and a thousand neurons with the engine's
    // connections: whatever NEST model the plain script uses, PyNN builds the same.
    let mut runs: Vec<(String, Circuit, NestOptions)> = Vec::new();
    for (name, circuit) in examples() {
        runs.push((name, circuit, options(1.0)));
    }
    runs.push((
        "touch_reflex-touched".into(),
        example("touch_reflex"),
        NestOptions {
            touches: vec![touch("Touch", 0.2, 0.6)],
            ..options(1.0)
        },
    ));
    runs.push((
        "adaptive_neuron-held".into(),
        example("adaptive_neuron"),
        NestOptions {
            touches: vec![touch("Hold me", 0.1, 0.8)],
            ..options(1.0)
        },
    ));
    runs.push(("squid_pair".into(), squid_pair(), options(0.5)));
    runs.push((
        "thousand".into(),
        thousand_neurons(),
        NestOptions {
            exact_connectivity: true,
            seed: 3,
            ..options(0.5)
        },
    ));
    let mut compared = Vec::new();
    for (name, circuit, opts) in &runs {
        let Ok(plan) = nest::plan(circuit, opts) else {
            continue;
        };
        if !plan.report.statistical.is_empty() {
            continue;
        }
        let mut files = Vec::new();
        for (kind, script) in [("nest", nest_script(&plan)), ("pynn", pynn_script(&plan))] {
            let path = dir.join(format!("{name}.{kind}.py"));
            std::fs::write(&path, script).unwrap();
            files.push((path, dir.join(format!("{name}.{kind}.csv"))));
        }
        compared.push((name.clone(), files));
    }
    assert!(compared.len() >= 20, "{} circuits compared", compared.len());
    run_scripts(
        compared
            .iter()
            .flat_map(|(_, files)| files.iter().map(|(s, c)| (s.as_path(), c.as_path()))),
    );
    let mut total = 0;
    for (name, files) in &compared {
        let plain = std::fs::read_to_string(&files[0].1).unwrap();
        let pynn = std::fs::read_to_string(&files[1].1).unwrap();
        total += plain.lines().count() - 1;
        if pynn != plain {
            let first = pynn.lines().zip(plain.lines()).position(|(a, b)| a != b);
            panic!(
                "{name}: PyNN's spikes differ from the NEST script's at line {first:?}: PyNN \
                 {:?}, NEST {:?} ({} lines against {})",
                first.and_then(|i| pynn.lines().nth(i)),
                first.and_then(|i| plain.lines().nth(i)),
                pynn.lines().count(),
                plain.lines().count()
            );
        }
    }
    let names: Vec<&str> = compared.iter().map(|(n, _)| n.as_str()).collect();
    eprintln!(
        "PyNN = NEST on {} circuits, {total} spikes: {names:?}",
        compared.len()
    );
    assert!(total > 10_000, "rich activity: {total} spikes");
}

/// PyNN carries the script to other simulators: on `pyNN.brian2`, with PyNN's standard
/// models, circuits of plain neurons, DC, touch presses and immediate-fire synapses give
/// Spikeworks' spikes exactly (Brian2 stamps spikes and counts the refractory period as Spikeworks does); an
/// item without a standard model stops the script with its name.
#[test]
fn the_pynn_script_on_pynn_brian2_gives_spikeworks_spikes_and_names_what_it_cannot_build() {
    let dir = scratch("brian2");
    let has_brian2 = Command::new(nest_python())
        .args(["-c", "import brian2, pyNN.brian2"])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        has_brian2,
        "Brian2 or PyNN is missing beside NEST: run `bash scripts/setup.sh` (it installs both \
         into ~/.cache/spikeworks/nest-venv)"
    );
    // Brian2 reads preferences from the working folder: plain numpy, no compiler needed.
    std::fs::write(dir.join("brian_preferences"), "codegen.target = 'numpy'\n").unwrap();
    let brian2 = |script: &Path, csv: &Path| {
        Command::new(nest_python())
            .current_dir(&dir)
            .arg(script)
            .arg(csv)
            .args(["--backend", "brian2"])
            .output()
            .expect("python runs")
    };
    let pressed = NestOptions {
        touches: vec![TouchPlan {
            sensor: "Touch".into(),
            press_s: 0.2,
            release_s: 0.6,
        }],
        ..options(1.0)
    };
    for (name, opts) in [
        ("relay", options(1.0)),
        ("inhibitory_oscillator", options(1.0)),
        ("input_summation", options(1.0)),
        ("refractory_period", options(1.0)),
        ("touch_reflex", pressed),
    ] {
        let case = prepare(&dir, name, &example(name), &opts, false).unwrap();
        let plan = nest::plan(&example(name), &opts).unwrap();
        std::fs::write(&case.script, pynn_script(&plan)).unwrap();
        let out = brian2(&case.script, &case.nest_csv);
        assert!(
            out.status.success(),
            "{name} on pyNN.brian2 failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let theirs = std::fs::read_to_string(&case.nest_csv).unwrap();
        assert!(case.ours.lines().count() > 15, "{name} fires");
        assert_eq!(theirs, case.ours, "{name}: pyNN.brian2 against Spikeworks");
    }
    let plan = nest::plan(&example("stdp_order"), &options(1.0)).unwrap();
    let script = dir.join("stdp_order.py");
    std::fs::write(&script, pynn_script(&plan)).unwrap();
    let out = brian2(&script, &dir.join("stdp_order.csv"));
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success()
            && message.contains("stdp_synapse")
            && message.contains("--backend nest"),
        "a learning synapse stops the script with its name: {message}"
    );
}
