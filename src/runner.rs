//! The headless runner behind `spikeworks run`: loads a circuit, applies scheduled touches,
//! runs it for a duration with a seed, reports spikes and rates per labelled neuron, and
//! writes the spike and voltage CSV files other tools read.

use std::fmt::Write as _;
use std::path::PathBuf;

use bevy::prelude::*;
use thiserror::Error;

use crate::circuit::{Circuit, CircuitError};
use crate::sim::{self, DT, Label, Recorder, SimSeed, StableId, TouchSensor, TouchSensorInput};

#[derive(Debug, Error)]
pub enum RunError {
    #[error(transparent)]
    Circuit(#[from] CircuitError),
    #[error("{arg}: {reason}")]
    BadArgument { arg: String, reason: String },
    #[error("{file}: cannot write: {source}")]
    Write {
        file: String,
        #[source]
        source: std::io::Error,
    },
}

fn bad(arg: &str, reason: impl Into<String>) -> RunError {
    RunError::BadArgument {
        arg: arg.to_owned(),
        reason: reason.into(),
    }
}

/// Parses a duration such as `2s`, `150ms` or `0.5` (seconds).
pub fn parse_duration(text: &str) -> Result<f64, RunError> {
    let t = text.trim();
    let (number, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else {
        (t, 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| bad(text, "expected a duration such as 2s, 150ms or 0.5"))?;
    if !value.is_finite() || value < 0.0 {
        return Err(bad(text, "a duration must be a finite, non-negative time"));
    }
    Ok(value * scale)
}

/// One scheduled touch: press at `press_s`, release at `release_s` (a tap releases at once).
#[derive(Debug, Clone, PartialEq)]
pub struct TouchPlan {
    pub sensor: String,
    pub press_s: f64,
    pub release_s: f64,
}

/// Parses `LABEL@0.1s` (a tap) or `LABEL@0.1s..0.3s` (held from 0.1 s to 0.3 s), comma-separated.
pub fn parse_touches(text: &str) -> Result<Vec<TouchPlan>, RunError> {
    text.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|item| {
            let (sensor, when) = item
                .split_once('@')
                .ok_or_else(|| bad(item, "expected LABEL@TIME or LABEL@START..END"))?;
            let (press_s, release_s) = match when.split_once("..") {
                Some((a, b)) => (parse_duration(a)?, parse_duration(b)?),
                None => {
                    let t = parse_duration(when)?;
                    (t, t)
                }
            };
            if release_s < press_s {
                return Err(bad(item, "the release comes before the press"));
            }
            Ok(TouchPlan {
                sensor: sensor.trim().to_owned(),
                press_s,
                release_s,
            })
        })
        .collect()
}

/// What to run and what to write.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub circuit: PathBuf,
    pub duration_s: f64,
    pub seed: u64,
    pub touches: Vec<TouchPlan>,
    pub spikes_csv: Option<PathBuf>,
    pub voltages_csv: Option<PathBuf>,
    /// Labels (or ids) of neurons whose voltage is recorded.
    pub record: Vec<String>,
}

/// Spikes and rate of one neuron over the run.
#[derive(Debug, Clone, PartialEq)]
pub struct NeuronSummary {
    pub id: String,
    pub label: String,
    pub spikes: usize,
    pub rate_hz: f64,
}

/// The result of a run.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    pub duration_s: f64,
    pub steps: u64,
    /// `(time_s, id, label)` of every spike of every source, in time order.
    pub spikes: Vec<(f64, String, String)>,
    pub neurons: Vec<NeuronSummary>,
    /// Recorded voltage traces in volts, one sample per step, by requested name.
    pub voltages: Vec<(String, Vec<f64>)>,
}

impl RunReport {
    /// The printed summary: one line per neuron with its spike count and rate.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "simulated {:.4} s ({} steps of {} ms), {} spikes",
            self.duration_s,
            self.steps,
            DT * 1e3,
            self.spikes.len()
        );
        for n in &self.neurons {
            let name = if n.label.is_empty() { &n.id } else { &n.label };
            let _ = writeln!(
                out,
                "  {name:<20} {:>7} spikes  {:>9.3} Hz",
                n.spikes, n.rate_hz
            );
        }
        out
    }

    /// `time_s,id,label`, one row per spike in time order.
    pub fn spikes_csv(&self) -> String {
        let mut out = String::from("time_s,id,label\n");
        for (t, id, label) in &self.spikes {
            let _ = writeln!(out, "{t:.4},{},{}", csv_field(id), csv_field(label));
        }
        out
    }

    /// `time_s,<name>,<name>,…` in volts, one row per step (the state at the end of the step).
    pub fn voltages_csv(&self) -> String {
        let mut out = String::from("time_s");
        for (name, _) in &self.voltages {
            let _ = write!(out, ",{}", csv_field(name));
        }
        out.push('\n');
        let rows = self.voltages.iter().map(|v| v.1.len()).min().unwrap_or(0);
        for k in 0..rows {
            let _ = write!(out, "{:.4}", (k + 1) as f64 * DT);
            for (_, trace) in &self.voltages {
                let _ = write!(out, ",{:.9e}", trace[k]);
            }
            out.push('\n');
        }
        out
    }
}

/// A CSV field, quoted when it holds a comma, quote or newline.
pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// Finds an item by label, or by stable id when no label matches.
fn find_item(world: &mut World, name: &str) -> Option<Entity> {
    let mut q = world.query::<(Entity, Option<&Label>, Option<&StableId>)>();
    let items: Vec<_> = q.iter(world).collect();
    items
        .iter()
        .find(|(_, l, _)| l.is_some_and(|l| l.0 == name))
        .or_else(|| {
            items
                .iter()
                .find(|(_, _, id)| id.is_some_and(|id| id.0 == name))
        })
        .map(|(e, ..)| *e)
}

/// Runs a loaded circuit; the world gets a fresh simulation app.
pub fn run_circuit(circuit: &Circuit, opts: &RunOptions) -> Result<RunReport, RunError> {
    if !opts.duration_s.is_finite() || opts.duration_s <= 0.0 {
        return Err(bad("--duration", "the duration must be positive"));
    }
    let mut app = sim::headless_app();
    app.finish();
    app.cleanup();
    let world = app.world_mut();
    world.insert_resource(Recorder::full_history());
    world.insert_resource(SimSeed(opts.seed));
    circuit.spawn(world);

    let mut recorded = Vec::new();
    for name in &opts.record {
        let e = find_item(world, name)
            .filter(|&e| world.get::<sim::Membrane>(e).is_some())
            .ok_or_else(|| bad("--record", format!("no neuron is labelled \"{name}\"")))?;
        world.entity_mut(e).insert(sim::RecordVoltage);
        recorded.push((name.clone(), e));
    }

    // Touch presses and releases as (step, sensor, pressed), in time order.
    let mut events = Vec::new();
    for t in &opts.touches {
        let e = find_item(world, &t.sensor)
            .filter(|&e| world.get::<TouchSensor>(e).is_some())
            .ok_or_else(|| {
                bad(
                    "--touch",
                    format!("no touch sensor is labelled \"{}\"", t.sensor),
                )
            })?;
        let press = (t.press_s / DT).round() as u64;
        let release = ((t.release_s / DT).round() as u64).max(press + 1);
        events.push((press, e, true));
        events.push((release, e, false));
    }
    events.sort_by_key(|&(step, _, pressed)| (step, pressed));

    let steps = (opts.duration_s / DT).round() as u64;
    let mut now = 0;
    for (at, sensor, pressed) in events.into_iter().filter(|e| e.0 < steps) {
        sim::run_steps(world, at - now);
        now = at;
        world.write_message(TouchSensorInput { sensor, pressed });
    }
    sim::run_steps(world, steps - now);

    let names: std::collections::HashMap<Entity, (String, String)> = world
        .query::<(Entity, Option<&StableId>, Option<&Label>)>()
        .iter(world)
        .map(|(e, id, l)| {
            (
                e,
                (
                    id.map_or_else(|| format!("item-{}", e.index()), |i| i.0.clone()),
                    l.map_or_else(String::new, |l| l.0.clone()),
                ),
            )
        })
        .collect();
    // A population's member is named `population-id[index]`, with the population's label.
    let mut names = names;
    let members: Vec<(Entity, sim::PopulationMember)> = world
        .query::<(Entity, &sim::PopulationMember)>()
        .iter(world)
        .map(|(e, m)| (e, *m))
        .collect();
    for (e, m) in members {
        let (id, label) = names.get(&m.population).cloned().unwrap_or_default();
        names.insert(e, (format!("{id}[{}]", m.index), label));
    }
    let recorder = world.resource::<Recorder>();
    let mut spikes: Vec<_> = recorder
        .spikes()
        .iter()
        .map(|s| {
            let (id, label) = names[&s.source].clone();
            (s.time_s(), id, label)
        })
        .collect();
    // By step, then id: the order a NEST export writes, so the two files compare with diff.
    spikes.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let duration_s = steps as f64 * DT;
    let mut neurons: Vec<NeuronSummary> = circuit
        .neurons
        .iter()
        .map(|n| {
            let count = spikes.iter().filter(|s| s.1 == n.id).count();
            NeuronSummary {
                id: n.id.clone(),
                label: n.label.clone(),
                spikes: count,
                rate_hz: count as f64 / duration_s,
            }
        })
        .collect();
    // A population's line counts all its members' spikes; its rate is per member.
    for p in &circuit.populations {
        let prefix = format!("{}[", p.id);
        let count = spikes.iter().filter(|s| s.1.starts_with(&prefix)).count();
        neurons.push(NeuronSummary {
            id: p.id.clone(),
            label: format!(
                "{} ({} neurons)",
                if p.label.is_empty() { &p.id } else { &p.label },
                p.size
            ),
            spikes: count,
            rate_hz: count as f64 / duration_s / f64::from(p.size),
        });
    }
    neurons.sort_by(|a, b| a.label.cmp(&b.label).then(a.id.cmp(&b.id)));
    let voltages = recorded
        .into_iter()
        .map(|(name, e)| {
            let trace = recorder
                .trace(e)
                .map(|t| t.full().to_vec())
                .unwrap_or_default();
            (name, trace)
        })
        .collect();
    Ok(RunReport {
        duration_s,
        steps,
        spikes,
        neurons,
        voltages,
    })
}

/// The whole `spikeworks run` command: load, run, write the CSV files, return the report.
#[cfg(not(target_arch = "wasm32"))]
pub fn run(opts: &RunOptions) -> Result<RunReport, RunError> {
    if opts.voltages_csv.is_some() && opts.record.is_empty() {
        return Err(bad(
            "--voltages",
            "name the neurons to record with --record LABEL,…",
        ));
    }
    let circuit = Circuit::load(&opts.circuit)?;
    let report = run_circuit(&circuit, opts)?;
    let write = |path: &PathBuf, text: String| {
        crate::circuit::write_atomic(path, text.as_bytes()).map_err(|source| RunError::Write {
            file: path.display().to_string(),
            source,
        })
    };
    if let Some(path) = &opts.spikes_csv {
        write(path, report.spikes_csv())?;
    }
    if let Some(path) = &opts.voltages_csv {
        write(path, report.voltages_csv())?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("2s").unwrap(), 2.0);
        assert!((parse_duration("150ms").unwrap() - 0.15).abs() < 1e-12);
        assert_eq!(parse_duration("0.5").unwrap(), 0.5);
        assert!(parse_duration("two").is_err());
        assert!(parse_duration("-1s").is_err());
    }

    #[test]
    fn touches_parse_taps_and_holds() {
        let t = parse_touches("Button@0.1s,Pad@20ms..0.3s").unwrap();
        assert_eq!(t[0].sensor, "Button");
        assert_eq!((t[0].press_s, t[0].release_s), (0.1, 0.1));
        assert!((t[1].press_s - 0.02).abs() < 1e-12);
        assert_eq!(t[1].release_s, 0.3);
        assert!(parse_touches("Button").is_err());
        assert!(parse_touches("B@0.3s..0.1s").is_err());
    }
}
