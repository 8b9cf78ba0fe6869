//! The loaders' fuzz harness: structured mutations of Neuronify files, circuit files and level
//! files, fed in-process to the loaders; whatever loads is run for a few hundred steps. A
//! panic or a hang (no progress for a minute) stops the run, saves the input under
//! `target/fuzz-failures/` and exits non-zero; `scripts/fuzz.sh` runs it under a memory
//! limit (`ulimit -v`), so an unbounded allocation aborts it too.
//!
//! `scripts/fuzz.sh [INPUTS] [SEED]` (default 10 000 inputs, seed 1). The corpus: `tests/fixtures/nfy`, the original lessons in
//! `$SPIKEWORKS_SAMPLES` when set, `assets/examples`, `tests/solutions` and `levels`.
//!
//! Mutations: numbers replaced by extremes (0, −0, ±1e308, ±5e-324, huge integers), keys
//! removed, array items and lines repeated, values nested in arrays, objects or `Some(…)`,
//! types swapped, truncation and byte flips; one to four per input.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bevy::prelude::World;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use serde_json::Value;
use spikeworks::circuit::{Circuit, NeuronModel};
use spikeworks::level::Level;
use spikeworks::{nfy, sim};

/// Steps each circuit that loads is run for.
const STEPS: u64 = 300;
/// Circuits with more neurons load but are not run (a mutated population can legally hold
/// millions; running those is a benchmark, not a fuzz input).
const MAX_RUN_NEURONS: u64 = 5_000;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    Neuronify,
    Circuit,
    Level,
}

struct Seed {
    format: Format,
    name: String,
    bytes: Vec<u8>,
}

fn corpus(root: &Path) -> Vec<Seed> {
    let mut dirs = vec![
        (root.join("tests/fixtures/nfy"), Format::Neuronify),
        (root.join("assets/examples"), Format::Circuit),
        (root.join("tests/solutions"), Format::Circuit),
        (root.join("levels"), Format::Level),
    ];
    if let Some(samples) = std::env::var_os("SPIKEWORKS_SAMPLES") {
        dirs.push((PathBuf::from(samples), Format::Neuronify));
    }
    let mut seeds = Vec::new();
    for (dir, format) in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
        paths.sort();
        for path in paths {
            let name = path.display().to_string();
            let fits = match format {
                Format::Neuronify => name.ends_with(".nfy"),
                Format::Circuit => name.ends_with(".circuit.ron"),
                Format::Level => name.ends_with(".level.ron"),
            };
            if let (true, Ok(bytes)) = (fits, std::fs::read(&path)) {
                seeds.push(Seed {
                    format,
                    name,
                    bytes,
                });
            }
        }
    }
    seeds
}

/// An extreme value for a number.
fn extreme(rng: &mut Pcg64) -> &'static str {
    const EXTREMES: [&str; 10] = [
        "0",
        "-0.0",
        "1e308",
        "-1e308",
        "5e-324",
        "18446744073709551615",
        "-9223372036854775808",
        "4294967296",
        "1",
        "-1",
    ];
    EXTREMES[rng.random_range(0..EXTREMES.len())]
}

/// One structured change to a JSON value, at a random place in it.
fn mutate_json(v: &mut Value, rng: &mut Pcg64, depth: u32) {
    let go_deeper = depth < 8 && rng.random_bool(0.75);
    match v {
        Value::Object(map) if !map.is_empty() && go_deeper => {
            let k = map
                .keys()
                .nth(rng.random_range(0..map.len()))
                .unwrap()
                .clone();
            if rng.random_bool(0.15) {
                map.remove(&k);
            } else {
                mutate_json(map.get_mut(&k).unwrap(), rng, depth + 1);
            }
        }
        Value::Array(items) if !items.is_empty() && go_deeper => {
            let i = rng.random_range(0..items.len());
            match rng.random_range(0..5) {
                0 => {
                    let copies = rng.random_range(1..=8);
                    let item = items[i].clone();
                    items.extend(std::iter::repeat_n(item, copies));
                }
                1 => {
                    items.remove(i);
                }
                _ => mutate_json(&mut items[i], rng, depth + 1),
            }
        }
        _ => {
            *v = match rng.random_range(0..7) {
                0 | 1 => serde_json::from_str(extreme(rng)).unwrap(),
                2 => Value::Array(vec![v.take()]),
                3 => serde_json::json!({ "value": v.take() }),
                4 => Value::String(v.to_string()),
                5 => Value::Bool(rng.random()),
                _ => Value::Null,
            }
        }
    }
}

/// One structured change to RON text: a number made extreme, a line removed or repeated,
/// a value nested.
fn mutate_ron(text: &str, rng: &mut Pcg64) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        return String::new();
    }
    let i = rng.random_range(0..lines.len());
    match rng.random_range(0..5) {
        0 | 1 => {
            // The first number on the line.
            let line = &lines[i];
            let bytes = line.as_bytes();
            if let Some(start) = bytes.iter().position(|b| b.is_ascii_digit()) {
                let start = if start > 0 && bytes[start - 1] == b'-' {
                    start - 1
                } else {
                    start
                };
                let end = start
                    + 1
                    + bytes[start + 1..]
                        .iter()
                        .take_while(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'-'))
                        .count();
                lines[i] = format!("{}{}{}", &line[..start], extreme(rng), &line[end..]);
            }
        }
        2 => {
            lines.remove(i);
        }
        3 => {
            let copies = rng.random_range(1..=8);
            let line = lines[i].clone();
            for _ in 0..copies {
                lines.insert(i, line.clone());
            }
        }
        _ => {
            if let Some((key, value)) = lines[i].split_once(": ") {
                let value = value.trim_end_matches(',');
                let wrapped = match rng.random_range(0..3) {
                    0 => format!("[{value}]"),
                    1 => format!("Some({value})"),
                    _ => format!("({value})"),
                };
                lines[i] = format!("{key}: {wrapped},");
            }
        }
    }
    lines.join("\n")
}

/// One to four mutations of a seed, structured or raw.
fn mutate(seed: &Seed, rng: &mut Pcg64) -> Vec<u8> {
    let mut bytes = seed.bytes.clone();
    for _ in 0..rng.random_range(1..=4) {
        match rng.random_range(0..10) {
            0 if !bytes.is_empty() => bytes.truncate(rng.random_range(0..bytes.len())),
            1 if !bytes.is_empty() => {
                let i = rng.random_range(0..bytes.len());
                bytes[i] ^= 1 << rng.random_range(0..8);
            }
            _ => match seed.format {
                Format::Neuronify => {
                    if let Ok(mut v) = serde_json::from_slice::<Value>(&bytes) {
                        mutate_json(&mut v, rng, 0);
                        bytes = serde_json::to_vec(&v).unwrap_or_default();
                    }
                }
                Format::Circuit | Format::Level => {
                    let text = String::from_utf8_lossy(&bytes).into_owned();
                    bytes = mutate_ron(&text, rng).into_bytes();
                }
            },
        }
    }
    bytes
}

fn neurons(c: &Circuit) -> u64 {
    c.neurons.len() as u64 + c.populations.iter().map(|p| u64::from(p.size)).sum::<u64>()
}

/// A world that runs one circuit after another.
struct Runner {
    app: bevy::app::App,
    shown: Option<Circuit>,
}

impl Runner {
    fn new() -> Self {
        let mut app = sim::headless_app();
        app.finish();
        app.cleanup();
        Self { app, shown: None }
    }

    fn run(&mut self, circuit: &Circuit) -> bool {
        if neurons(circuit) > MAX_RUN_NEURONS
            || circuit
                .neurons
                .iter()
                .all(|n| matches!(n.model, NeuronModel::HodgkinHuxley(_)))
                && circuit.neurons.len() > 500
        {
            return false;
        }
        let world: &mut World = self.app.world_mut();
        if let Some(shown) = self.shown.take() {
            Circuit::empty("").apply(world, Some(&shown));
        }
        circuit.spawn(world);
        self.shown = Some(circuit.clone());
        sim::run_steps(world, STEPS);
        true
    }
}

/// Feeds one input to its loader and runs what loads. Returns (loaded, ran).
fn feed(format: Format, bytes: &[u8], runner: &mut Runner) -> (bool, bool) {
    let circuit = match format {
        Format::Neuronify => nfy::import_bytes(bytes, "fuzz.nfy").ok().map(|i| i.circuit),
        Format::Circuit => std::str::from_utf8(bytes)
            .ok()
            .and_then(|t| Circuit::from_ron_str(t, "fuzz.circuit.ron").ok()),
        Format::Level => std::str::from_utf8(bytes)
            .ok()
            .and_then(|t| Level::from_ron_str(t, "fuzz.level.ron").ok())
            .map(|l| l.circuit),
    };
    match circuit {
        Some(c) => (true, runner.run(&c)),
        None => (false, false),
    }
}

fn save_failure(root: &Path, seed: &Seed, bytes: &[u8], why: &str) -> PathBuf {
    let dir = root.join("target/fuzz-failures");
    let _ = std::fs::create_dir_all(&dir);
    let ext = match seed.format {
        Format::Neuronify => "nfy",
        Format::Circuit => "circuit.ron",
        Format::Level => "level.ron",
    };
    let path = dir.join(format!("{}.{ext}", std::process::id()));
    let _ = std::fs::write(&path, bytes);
    eprintln!(
        "fuzz: {why} on a mutation of {}: saved {}",
        seed.name,
        path.display()
    );
    path
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let seed: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds = corpus(root);
    assert!(!seeds.is_empty(), "no seed files under {}", root.display());
    println!(
        "fuzz: {count} inputs from {} seed files (seed {seed})",
        seeds.len()
    );
    // Bevy's log would print every warning a broken circuit earns.
    std::panic::set_hook(Box::new(|_| {}));

    static PROGRESS: AtomicU64 = AtomicU64::new(0);
    std::thread::spawn(|| {
        let mut last = u64::MAX;
        loop {
            std::thread::sleep(Duration::from_secs(60));
            let now = PROGRESS.load(Ordering::Relaxed);
            if now == last {
                eprintln!("fuzz: no progress for a minute at input {now}: a hang");
                std::process::exit(3);
            }
            last = now;
        }
    });

    let mut rng = Pcg64::seed_from_u64(seed);
    let mut runner = Runner::new();
    let (mut loaded, mut ran) = (0u64, 0u64);
    let started = Instant::now();
    for n in 0..count {
        let s = &seeds[rng.random_range(0..seeds.len())];
        let bytes = mutate(s, &mut rng);
        // The input in flight, for the hang report.
        let result =
            std::panic::catch_unwind(AssertUnwindSafe(|| feed(s.format, &bytes, &mut runner)));
        match result {
            Ok((l, r)) => {
                loaded += u64::from(l);
                ran += u64::from(r);
            }
            Err(panic) => {
                let why = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default();
                save_failure(root, s, &bytes, &format!("panic ({why})"));
                std::process::exit(1);
            }
        }
        PROGRESS.store(n + 1, Ordering::Relaxed);
        if (n + 1) % 100_000 == 0 {
            println!(
                "fuzz: {} inputs, {loaded} loaded, {ran} run, {:.0} s",
                n + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    println!(
        "fuzz: {count} inputs without a panic, hang or runaway allocation: {loaded} loaded, \
         {ran} run for {STEPS} steps, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
