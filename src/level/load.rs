//! Reading level files: RON parse with line and column, then every check the types cannot make
//! (names that exist, windows inside their trials, sensible jitter), each error saying where.

use std::collections::HashSet;
use std::path::Path;

use thiserror::Error;

use super::schema::*;
use crate::circuit::Role;
use crate::circuit::load::parse_ron;
use crate::circuit::{CircuitError, Location};

/// Longest trial a level may run, so a check stays quick.
pub const MAX_TRIAL_MS: f64 = 20_000.0;

#[derive(Debug, Error)]
pub enum LevelError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{at}: {message}")]
    Syntax { at: Location, message: String },
    #[error(
        "{file}: level format version {found} is not supported (this build reads version {LEVEL_VERSION})"
    )]
    Version { file: String, found: u32 },
    #[error("{file}: {what}: {reason}")]
    Invalid {
        file: String,
        what: String,
        reason: String,
    },
    #[error("{0}")]
    Circuit(#[from] CircuitError),
}

impl Level {
    /// Parses and validates a level; `file` names it in errors.
    pub fn from_ron_str(text: &str, file: &str) -> Result<Self, LevelError> {
        let level: Level =
            parse_ron(text, file).map_err(|(at, message)| LevelError::Syntax { at, message })?;
        level.validate(text, file)?;
        Ok(level)
    }

    pub fn load(path: &Path) -> Result<Self, LevelError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| LevelError::Io {
            file: file.clone(),
            source,
        })?;
        Self::from_ron_str(&text, &file)
    }

    /// Checks names, windows and numbers. `text` is the source, for the circuit's line numbers.
    pub fn validate(&self, text: &str, file: &str) -> Result<(), LevelError> {
        let invalid = |what: String, reason: &str| LevelError::Invalid {
            file: file.to_owned(),
            what,
            reason: reason.to_owned(),
        };
        if self.version != LEVEL_VERSION {
            return Err(LevelError::Version {
                file: file.to_owned(),
                found: self.version,
            });
        }
        for (field, value) in [
            ("title", &self.title),
            ("goal", &self.goal),
            ("chapter", &self.chapter),
        ] {
            if value.trim().is_empty() {
                return Err(invalid(field.into(), "must not be empty"));
            }
        }
        self.circuit.validate(text, file)?;
        let c = &self.circuit;
        let exists = |id: &str| c.role(id).is_some();
        for id in &self.editable {
            if !exists(id) {
                return Err(invalid(format!("editable \"{id}\""), "no such item"));
            }
        }
        let mut kinds = HashSet::new();
        for entry in &self.palette {
            if !kinds.insert(entry.item) {
                return Err(invalid(format!("palette {:?}", entry.item), "listed twice"));
            }
        }
        for r in &self.ranges {
            if !(r.min.is_finite() && r.max.is_finite() && r.min <= r.max) {
                return Err(invalid(format!("range {}", r.key), "needs min ≤ max"));
            }
        }
        if self.hints.len() > 3 {
            return Err(invalid("hints".into(), "at most three"));
        }
        if self.trials.is_empty() {
            return Err(invalid("trials".into(), "a level needs at least one trial"));
        }
        if let Some(j) = &self.jitter
            && !(j.ms.is_finite() && (0.0..=50.0).contains(&j.ms) && (1..=20).contains(&j.repeats))
        {
            return Err(invalid("jitter".into(), "needs 0–50 ms and 1–20 repeats"));
        }
        let mut names = HashSet::new();
        for trial in &self.trials {
            let what = |part: &str| format!("trial \"{}\", {part}", trial.name);
            if !names.insert(trial.name.as_str()) {
                return Err(invalid(what("name"), "two trials share this name"));
            }
            let duration = trial.duration_ms;
            if !(duration.is_finite() && duration > 0.0 && duration <= MAX_TRIAL_MS) {
                return Err(invalid(
                    what("duration_ms"),
                    "must be positive and at most 20 000 ms",
                ));
            }
            let inside = |t: f64| t.is_finite() && (0.0..duration).contains(&t);
            for s in &trial.stimuli {
                match s {
                    Stimulus::Tap { sensor, at_ms } => {
                        if c.role(sensor) != Some(Role::Sensor) {
                            return Err(invalid(
                                what(&format!("Tap \"{sensor}\"")),
                                "no such touch sensor",
                            ));
                        }
                        if !inside(*at_ms) {
                            return Err(invalid(
                                what(&format!("Tap \"{sensor}\"")),
                                "time outside the trial",
                            ));
                        }
                    }
                    Stimulus::Hold {
                        sensor,
                        from_ms,
                        to_ms,
                    } => {
                        if c.role(sensor) != Some(Role::Sensor) {
                            return Err(invalid(
                                what(&format!("Hold \"{sensor}\"")),
                                "no such touch sensor",
                            ));
                        }
                        if !(inside(*from_ms) && from_ms < to_ms && *to_ms <= duration) {
                            return Err(invalid(
                                what(&format!("Hold \"{sensor}\"")),
                                "needs from < to inside the trial",
                            ));
                        }
                    }
                    Stimulus::Set {
                        item,
                        key,
                        value,
                        at_ms,
                    } => {
                        let has_key = c.params(item).iter().any(|p| p.key == key);
                        if !has_key {
                            return Err(invalid(
                                what(&format!("Set \"{item}\" {key}")),
                                "the item has no such parameter",
                            ));
                        }
                        let mut probe = c.clone();
                        probe.set_param(item, key, *value);
                        if !inside(*at_ms) || probe.validate("", file).is_err() {
                            return Err(invalid(
                                what(&format!("Set \"{item}\" {key}")),
                                "time outside the trial or value out of range",
                            ));
                        }
                    }
                    Stimulus::Reward { value, at_ms } => {
                        if !(inside(*at_ms) && value.is_finite()) {
                            return Err(invalid(
                                what("Reward"),
                                "needs a finite value at a time inside the trial",
                            ));
                        }
                    }
                }
            }
            for e in &trial.expect {
                if let Some(item) = e.item()
                    && !matches!(
                        c.role(item),
                        Some(Role::Neuron | Role::Population | Role::Sensor | Role::SpikeGenerator)
                    )
                {
                    return Err(invalid(
                        what(&format!("expect on \"{item}\"")),
                        "no such neuron, population or spike source",
                    ));
                }
                if let Some((from, to)) = e.window()
                    && !(from.is_finite()
                        && to.is_finite()
                        && 0.0 <= from
                        && from < to
                        && to <= duration)
                {
                    return Err(invalid(
                        what(&format!("expect {e:?}")),
                        "the window must lie inside the trial",
                    ));
                }
                let bad_bounds = match e {
                    Expect::Count { min, max, .. } => min.zip(*max).is_some_and(|(a, b)| a > b),
                    Expect::Rate { min_hz, max_hz, .. } => {
                        min_hz.zip(*max_hz).is_some_and(|(a, b)| a > b)
                    }
                    Expect::RateRatio { min, max, over, .. } => {
                        min.zip(*max).is_some_and(|(a, b)| a > b) || !exists(over)
                    }
                    Expect::Latency {
                        stimulus,
                        min_ms,
                        max_ms,
                        ..
                    } => *stimulus >= trial.stimuli.len() || min_ms > max_ms,
                    Expect::BurstPeriod {
                        gap_ms,
                        min_ms,
                        max_ms,
                        ..
                    } => *gap_ms <= 0.0 || min_ms > max_ms,
                    Expect::Path { from, to, .. } => !exists(from) || !exists(to),
                    Expect::NoCurrentInto { neuron } => c.role(neuron) != Some(Role::Neuron),
                    Expect::Silent { .. } => false,
                    Expect::Irregular { min_cv, .. } => !min_cv.is_finite() || *min_cv < 0.0,
                };
                if bad_bounds {
                    return Err(invalid(
                        what(&format!("expect {e:?}")),
                        "bounds in the wrong order, or a name or stimulus that does not exist",
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Every level in a folder, in file-name order, each with its file stem (`01_spark`).
pub fn load_folder(dir: &Path) -> Result<Vec<(String, Level)>, LevelError> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|source| LevelError::Io {
            file: dir.display().to_string(),
            source,
        })?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".level.ron"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| {
                    n.to_string_lossy()
                        .trim_end_matches(".level.ron")
                        .to_owned()
                })
                .unwrap_or_default();
            Level::load(&p).map(|l| (name, l))
        })
        .collect()
}
