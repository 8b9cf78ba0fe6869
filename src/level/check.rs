//! The checker: runs every trial of a level on a student's circuit, headless and
//! deterministic, and returns a verdict per trial and per assertion with the measured value,
//! the rules the circuit broke (a locked item changed, too many parts), the par metrics and the
//! stars. The GUI and `spikeworks check` both show this verdict.

use std::collections::{HashMap, HashSet, VecDeque};

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::schema::*;
use crate::circuit::Circuit;
use crate::circuit::{ItemKind, Role};
use crate::sim::{self, DT, Recorder, SimSeed, TouchSensorInput};

/// Spike times in ms of every item of a run, by id.
pub type SpikeTrains = HashMap<String, Vec<f64>>;

/// Which run of a trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Run {
    /// Stimuli at the level's times, seed 0.
    Exact,
    /// Repeat `n` (from 1) with shifted stimuli and its own seed.
    Jittered(u32),
}

/// One assertion after one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub expect: Expect,
    pub passed: bool,
    /// What was measured, in the assertion's unit (NaN when nothing could be measured).
    pub measured: f64,
    /// The assertion and the measurement in words.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrialVerdict {
    pub name: String,
    pub run: Run,
    pub outcomes: Vec<Outcome>,
    pub spikes: SpikeTrains,
    /// The stimuli as applied (jittered runs have moved times).
    pub stimuli: Vec<Stimulus>,
}

impl TrialVerdict {
    pub fn passed(&self) -> bool {
        self.outcomes.iter().all(|o| o.passed)
    }
}

/// The numbers the second and third star are judged on.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Metrics {
    /// Items and synapses the student added (meters and notes are free).
    pub parts: u32,
    /// Spikes of the student's own neurons over the exact runs of all trials.
    pub spikes: u64,
    /// Mean of the measured latencies of the exact runs.
    pub latency_ms: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Rules of the level the circuit breaks; any of them fails the level.
    pub broken_rules: Vec<String>,
    pub trials: Vec<TrialVerdict>,
    pub metrics: Metrics,
    /// 0 when failed; 1 for a pass, +1 for parts at par, +1 for spikes or latency at par.
    pub stars: u8,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.broken_rules.is_empty() && self.trials.iter().all(TrialVerdict::passed)
    }

    /// The first failing run, for "which trial failed and why".
    pub fn first_failure(&self) -> Option<&TrialVerdict> {
        self.trials.iter().find(|t| !t.passed())
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Run::Exact => Ok(()),
            Run::Jittered(n) => write!(f, " (jittered run {n})"),
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for rule in &self.broken_rules {
            writeln!(f, "RULE  {rule}")?;
        }
        for t in &self.trials {
            writeln!(
                f,
                "{}  trial \"{}\"{}",
                if t.passed() { "pass" } else { "FAIL" },
                t.name,
                t.run
            )?;
            for o in &t.outcomes {
                writeln!(f, "  {} {}", if o.passed { "✓" } else { "✗" }, o.text)?;
            }
        }
        let m = &self.metrics;
        writeln!(
            f,
            "parts {}, spikes of your neurons {}{}",
            m.parts,
            m.spikes,
            m.latency_ms
                .map_or(String::new(), |l| format!(", mean latency {l:.1} ms"))
        )?;
        if self.passed() {
            writeln!(f, "SOLVED {}", "★".repeat(usize::from(self.stars)))
        } else {
            writeln!(f, "NOT SOLVED")
        }
    }
}

/// Runs all trials of `level` on `circuit` and judges them.
pub fn check(level: &Level, circuit: &Circuit) -> Verdict {
    check_with_progress(level, circuit, &|_, _| {})
}

/// How many simulation runs a check makes: every trial, and its jittered repeats.
pub fn runs(level: &Level) -> usize {
    level.trials.len() * (1 + level.jitter.as_ref().map_or(0, |j| j.repeats as usize))
}

/// [`check`], calling `progress(done, total)` after each run, for a progress bar.
pub fn check_with_progress(
    level: &Level,
    circuit: &Circuit,
    progress: &dyn Fn(usize, usize),
) -> Verdict {
    let total = runs(level);
    let broken_rules = broken_rules(level, circuit);
    let added: HashSet<&str> = circuit
        .ids()
        .filter(|id| level.circuit.role(id).is_none())
        .collect();
    let mut trials = Vec::new();
    for (index, trial) in level.trials.iter().enumerate() {
        let spikes = run_trial(circuit, &trial.stimuli, trial.duration_ms, 0);
        trials.push(judge(
            level,
            circuit,
            trial,
            Run::Exact,
            trial.stimuli.clone(),
            spikes,
        ));
        progress(trials.len(), total);
        if let Some(jitter) = &level.jitter {
            for repeat in 1..=jitter.repeats {
                let seed = jitter.seed ^ ((index as u64) << 32 | u64::from(repeat));
                let mut rng = Pcg64::seed_from_u64(seed);
                let stimuli: Vec<Stimulus> = trial
                    .stimuli
                    .iter()
                    .map(|s| {
                        let shift = rng.random_range(-jitter.ms..=jitter.ms);
                        let moved = s.shifted(shift);
                        // Stay inside the trial.
                        if moved.start_ms() < 0.0 {
                            s.clone()
                        } else {
                            moved
                        }
                    })
                    .collect();
                let spikes = run_trial(circuit, &stimuli, trial.duration_ms, seed);
                trials.push(judge(
                    level,
                    circuit,
                    trial,
                    Run::Jittered(repeat),
                    stimuli,
                    spikes,
                ));
                progress(trials.len(), total);
            }
        }
    }

    let exact = trials.iter().filter(|t| t.run == Run::Exact);
    let spikes = exact
        .clone()
        .flat_map(|t| {
            t.spikes
                .iter()
                .filter(|(id, _)| {
                    added.contains(id.as_str()) && circuit.role(id) == Some(Role::Neuron)
                })
                .map(|(_, s)| s.len() as u64)
        })
        .sum();
    let latencies: Vec<f64> = exact
        .flat_map(|t| &t.outcomes)
        .filter(|o| matches!(o.expect, Expect::Latency { .. }) && o.measured.is_finite())
        .map(|o| o.measured)
        .collect();
    let metrics = Metrics {
        parts: added
            .iter()
            .filter(|id| !matches!(circuit.role(id), Some(Role::Meter | Role::Note)))
            .count() as u32,
        spikes,
        latency_ms: (!latencies.is_empty())
            .then(|| latencies.iter().sum::<f64>() / latencies.len() as f64),
    };
    let mut verdict = Verdict {
        broken_rules,
        trials,
        metrics,
        stars: 0,
    };
    if verdict.passed() {
        let par = &level.par;
        let m = &verdict.metrics;
        let parts_ok = par.parts.is_none_or(|p| m.parts <= p);
        let spikes_ok = par.spikes.is_some_and(|p| m.spikes <= p);
        let latency_ok = par
            .latency_ms
            .is_some_and(|p| m.latency_ms.is_some_and(|l| l <= p));
        let third = spikes_ok || latency_ok || (par.spikes.is_none() && par.latency_ms.is_none());
        verdict.stars = 1 + u8::from(parts_ok) + u8::from(third);
    }
    verdict
}

/// Simulates one trial and returns every item's spike times in ms.
pub fn run_trial(
    circuit: &Circuit,
    stimuli: &[Stimulus],
    duration_ms: f64,
    seed: u64,
) -> SpikeTrains {
    let mut app = sim::headless_app();
    app.finish();
    app.cleanup();
    let world = app.world_mut();
    world.insert_resource(Recorder::full_history());
    world.insert_resource(SimSeed(seed));
    let mut current = circuit.clone();
    let mut spawned = current.spawn(world);

    enum Event<'a> {
        Touch(&'a str, bool),
        Set(&'a str, &'a str, f64),
        Reward(f64),
    }
    let step = |ms: f64| (ms * 1e-3 / DT).round() as u64;
    let mut events: Vec<(u64, u8, Event)> = Vec::new();
    for s in stimuli {
        match s {
            Stimulus::Tap { sensor, at_ms } => {
                events.push((step(*at_ms), 1, Event::Touch(sensor, true)));
                events.push((step(*at_ms) + 1, 0, Event::Touch(sensor, false)));
            }
            Stimulus::Hold {
                sensor,
                from_ms,
                to_ms,
            } => {
                events.push((step(*from_ms), 1, Event::Touch(sensor, true)));
                events.push((
                    step(*to_ms).max(step(*from_ms) + 1),
                    0,
                    Event::Touch(sensor, false),
                ));
            }
            Stimulus::Set {
                item,
                key,
                value,
                at_ms,
            } => events.push((step(*at_ms), 2, Event::Set(item, key, *value))),
            Stimulus::Reward { value, at_ms } => {
                events.push((step(*at_ms), 3, Event::Reward(*value)));
            }
        }
    }
    // Releases before presses before parameter changes before rewards at the same step.
    events.sort_by_key(|(at, order, _)| (*at, *order));

    let total = step(duration_ms);
    let mut now = 0;
    for (at, _, event) in events.into_iter().filter(|e| e.0 < total) {
        sim::run_steps(world, at - now);
        now = at;
        match event {
            Event::Touch(id, pressed) => {
                if let Some(sensor) = spawned.entity(id) {
                    world.write_message(TouchSensorInput { sensor, pressed });
                }
            }
            Event::Set(id, key, value) => {
                let before = current.clone();
                current.set_param(id, key, value);
                spawned = current.apply(world, Some(&before));
            }
            Event::Reward(reward) => {
                world.write_message(sim::RewardEvent { reward });
            }
        }
    }
    sim::run_steps(world, total - now);

    let by_entity: HashMap<_, _> = current
        .ids()
        .filter_map(|id| spawned.entity(id).map(|e| (e, id.to_owned())))
        .collect();
    let mut trains: SpikeTrains = by_entity
        .values()
        .map(|id| (id.clone(), Vec::new()))
        .collect();
    // A member's spikes go to its own train, `id[index]`, and to its population's.
    let members: HashMap<_, _> = world
        .query::<(bevy::prelude::Entity, &sim::PopulationMember)>()
        .iter(world)
        .filter_map(|(e, m)| {
            let population = by_entity.get(&m.population)?;
            Some((
                e,
                (population.clone(), format!("{population}[{}]", m.index)),
            ))
        })
        .collect();
    for s in world.resource::<Recorder>().spikes() {
        let ms = s.step as f64 * DT * 1e3;
        if let Some(id) = by_entity.get(&s.source) {
            trains.entry(id.clone()).or_default().push(ms);
        } else if let Some((population, member)) = members.get(&s.source) {
            trains.entry(population.clone()).or_default().push(ms);
            trains.entry(member.clone()).or_default().push(ms);
        }
    }
    trains
}

/// The coefficient of variation of the intervals between spikes in the window, if there are
/// at least two intervals.
fn isi_cv(times: &[f64], window: Window) -> Option<f64> {
    let inside: Vec<f64> = in_window(times, window).copied().collect();
    let intervals: Vec<f64> = inside.windows(2).map(|w| w[1] - w[0]).collect();
    if intervals.len() < 2 {
        return None;
    }
    let n = intervals.len() as f64;
    let mean = intervals.iter().sum::<f64>() / n;
    let var = intervals.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    (mean > 0.0).then(|| var.sqrt() / mean)
}

fn in_window(times: &[f64], (from, to): Window) -> impl Iterator<Item = &f64> {
    times.iter().filter(move |t| (from..to).contains(*t))
}

fn rate_hz(times: &[f64], window: Window) -> f64 {
    in_window(times, window).count() as f64 / ((window.1 - window.0) * 1e-3)
}

fn bounds_text<T: std::fmt::Display + PartialEq>(
    min: Option<T>,
    max: Option<T>,
    unit: &str,
) -> String {
    match (min, max) {
        (Some(a), Some(b)) if a == b => format!("exactly {a}{unit}"),
        (Some(a), Some(b)) => format!("between {a} and {b}{unit}"),
        (Some(a), None) => format!("at least {a}{unit}"),
        (None, Some(b)) => format!("at most {b}{unit}"),
        (None, None) => "any number".into(),
    }
}

fn within<T: PartialOrd>(x: T, min: Option<T>, max: Option<T>) -> bool {
    min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m)
}

/// Judges one run against the trial's assertions.
fn judge(
    level: &Level,
    circuit: &Circuit,
    trial: &Trial,
    run: Run,
    stimuli: Vec<Stimulus>,
    spikes: SpikeTrains,
) -> TrialVerdict {
    let name = |id: &str| {
        level
            .circuit
            .label(id)
            .filter(|l| !l.is_empty())
            .unwrap_or(id)
            .to_owned()
    };
    let empty = Vec::new();
    let train = |id: &str| spikes.get(id).unwrap_or(&empty);
    // A population's rate is per member.
    let members = |id: &str| f64::from(circuit.group_size(id).unwrap_or(1).max(1));
    let rate_per_member = |id: &str, window: Window| rate_hz(train(id), window) / members(id);
    let window_text = |(a, b): Window| format!("{a}–{b} ms");
    let outcomes = trial
        .expect
        .iter()
        .map(|e| {
            let (passed, measured, text) = match e {
                Expect::Count {
                    item,
                    window_ms,
                    min,
                    max,
                } => {
                    let n = in_window(train(item), *window_ms).count() as u32;
                    (
                        within(n, *min, *max),
                        f64::from(n),
                        format!(
                            "{} fires {} times in {}: {n}",
                            name(item),
                            bounds_text(*min, *max, ""),
                            window_text(*window_ms)
                        ),
                    )
                }
                Expect::Silent { item, window_ms } => {
                    let n = in_window(train(item), *window_ms).count();
                    (
                        n == 0,
                        n as f64,
                        format!("{} is silent in {}: {n} spikes", name(item), window_text(*window_ms)),
                    )
                }
                Expect::Rate {
                    item,
                    window_ms,
                    min_hz,
                    max_hz,
                } => {
                    let r = rate_per_member(item, *window_ms);
                    (
                        within(r, *min_hz, *max_hz),
                        r,
                        format!(
                            "{}'s rate in {} is {}: {r:.1} Hz",
                            name(item),
                            window_text(*window_ms),
                            bounds_text(*min_hz, *max_hz, " Hz")
                        ),
                    )
                }
                Expect::Latency {
                    item,
                    stimulus,
                    min_ms,
                    max_ms,
                } => {
                    let start = stimuli[*stimulus].start_ms();
                    let first = train(item).iter().find(|t| **t >= start).map(|t| t - start);
                    let latency = first.unwrap_or(f64::NAN);
                    (
                        first.is_some_and(|l| (*min_ms..=*max_ms).contains(&l)),
                        latency,
                        format!(
                            "{} answers stimulus {} at {start:.1} ms within {min_ms}–{max_ms} ms: {}",
                            name(item),
                            stimulus + 1,
                            first.map_or("no spike".into(), |l| format!("{l:.1} ms"))
                        ),
                    )
                }
                Expect::RateRatio {
                    item,
                    over,
                    window_ms,
                    min,
                    max,
                } => {
                    let (a, b) = (
                        rate_per_member(item, *window_ms),
                        rate_per_member(over, *window_ms),
                    );
                    let ratio = if b > 0.0 {
                        a / b
                    } else if a > 0.0 {
                        f64::INFINITY
                    } else {
                        f64::NAN
                    };
                    (
                        !ratio.is_nan() && within(ratio, *min, *max),
                        ratio,
                        format!(
                            "{} over {} in {}: {} (rates {a:.1} and {b:.1} Hz), needed {}",
                            name(item),
                            name(over),
                            window_text(*window_ms),
                            if ratio.is_nan() { "no spikes".into() } else { format!("{ratio:.2}") },
                            bounds_text(*min, *max, "")
                        ),
                    )
                }
                Expect::BurstPeriod {
                    item,
                    window_ms,
                    gap_ms,
                    min_ms,
                    max_ms,
                } => {
                    let onsets = burst_onsets(train(item), *window_ms, *gap_ms);
                    let period = if onsets.len() >= 2 {
                        (onsets[onsets.len() - 1] - onsets[0]) / (onsets.len() - 1) as f64
                    } else {
                        f64::NAN
                    };
                    (
                        (*min_ms..=*max_ms).contains(&period),
                        period,
                        format!(
                            "{} bursts every {min_ms}–{max_ms} ms in {}: {}",
                            name(item),
                            window_text(*window_ms),
                            if period.is_nan() {
                                format!("{} bursts", onsets.len())
                            } else {
                                format!("{period:.0} ms over {} bursts", onsets.len())
                            }
                        ),
                    )
                }
                Expect::Path {
                    from,
                    to,
                    min_between,
                } => {
                    let between = neurons_between(circuit, from, to);
                    (
                        between.is_some_and(|n| n >= *min_between),
                        between.map_or(f64::NAN, f64::from),
                        format!(
                            "synapses lead from {} to {} through at least {min_between} neurons: {}",
                            name(from),
                            name(to),
                            between.map_or("no path".into(), |n| format!("{n}"))
                        ),
                    )
                }
                Expect::Irregular {
                    item,
                    window_ms,
                    min_cv,
                } => {
                    let cvs: Vec<f64> = match circuit.populations.iter().find(|p| &p.id == item) {
                        Some(p) => (0..p.size)
                            .filter_map(|i| isi_cv(train(&format!("{item}[{i}]")), *window_ms))
                            .collect(),
                        None => isi_cv(train(item), *window_ms).into_iter().collect(),
                    };
                    let cv = if cvs.is_empty() {
                        f64::NAN
                    } else {
                        cvs.iter().sum::<f64>() / cvs.len() as f64
                    };
                    (
                        cv >= *min_cv,
                        cv,
                        format!(
                            "{} fires irregularly in {} (CV of intervals at least {min_cv}): {}",
                            name(item),
                            window_text(*window_ms),
                            if cv.is_nan() { "too few spikes".into() } else { format!("{cv:.2}") }
                        ),
                    )
                }
                Expect::NoCurrentInto { neuron } => {
                    let sources: Vec<&str> = circuit
                        .generators
                        .iter()
                        .filter(|g| g.targets.iter().any(|t| t == neuron))
                        .map(|g| g.id.as_str())
                        .collect();
                    (
                        sources.is_empty(),
                        sources.len() as f64,
                        format!(
                            "no current source drives {} directly: {}",
                            name(neuron),
                            if sources.is_empty() { "none".into() } else { sources.join(", ") }
                        ),
                    )
                }
            };
            Outcome {
                expect: e.clone(),
                passed,
                measured,
                text,
            }
        })
        .collect();
    TrialVerdict {
        name: trial.name.clone(),
        run,
        outcomes,
        spikes,
        stimuli,
    }
}

/// Times in the window that start a burst: the first spike, and every spike more than
/// `gap_ms` after the one before.
fn burst_onsets(times: &[f64], window: Window, gap_ms: f64) -> Vec<f64> {
    let mut onsets = Vec::new();
    let mut last = f64::NEG_INFINITY;
    for &t in in_window(times, window) {
        if t - last > gap_ms {
            onsets.push(t);
        }
        last = t;
    }
    onsets
}

/// How many items the shortest synapse path from `from` to `to` passes through, or None
/// without a path. The shortest path is the one a level can demand a minimum of.
fn neurons_between(circuit: &Circuit, from: &str, to: &str) -> Option<u32> {
    let mut next: HashMap<&str, Vec<&str>> = HashMap::new();
    for s in &circuit.synapses {
        next.entry(s.from.as_str()).or_default().push(s.to.as_str());
    }
    // A meter observing `to`'s source counts: "speaker connected to F" paths end at a meter.
    for m in &circuit.meters {
        for o in &m.observes {
            next.entry(o.as_str()).or_default().push(m.id.as_str());
        }
    }
    let mut seen = HashSet::from([from]);
    let mut queue = VecDeque::from([(from, 0u32)]);
    while let Some((at, hops)) = queue.pop_front() {
        if at == to {
            return Some(hops.saturating_sub(1));
        }
        for &n in next.get(at).into_iter().flatten() {
            if seen.insert(n) {
                queue.push_back((n, hops + 1));
            }
        }
    }
    None
}

/// What the circuit does that the level forbids.
pub fn broken_rules(level: &Level, circuit: &Circuit) -> Vec<String> {
    let mut broken = Vec::new();
    let given = &level.circuit;
    for id in given.ids() {
        let label = given.label(id).filter(|l| !l.is_empty()).unwrap_or(id);
        if circuit.role(id).is_none() {
            broken.push(format!("{label} was given by the level and must stay"));
            continue;
        }
        if given.kind_of(id) != circuit.kind_of(id) {
            broken.push(format!(
                "{label} must stay a {}",
                given.kind_of(id).map_or("synapse", ItemKind::name)
            ));
        }
        if !level.editable.iter().any(|e| e == id) && given.params(id) != circuit.params(id) {
            broken.push(format!("{label} is locked: its parameters must not change"));
        }
    }
    // Synapses given by the level keep their ends.
    for s in &given.synapses {
        if let Some(now) = circuit.synapses.iter().find(|t| t.id == s.id)
            && (now.from != s.from || now.to != s.to)
        {
            broken.push(format!("the synapse {} must keep its ends", s.id));
        }
    }
    for p in &given.projections {
        if let Some(now) = circuit.projections.iter().find(|t| t.id == p.id)
            && (now.from != p.from || now.to != p.to)
        {
            broken.push(format!("the projection {} must keep its ends", p.id));
        }
    }
    let mut placed: HashMap<ItemKind, u32> = HashMap::new();
    for id in circuit.ids().filter(|id| given.role(id).is_none()) {
        if let Some(kind) = circuit.kind_of(id) {
            *placed.entry(kind).or_default() += 1;
        }
    }
    for (kind, n) in placed {
        match level.palette.iter().find(|p| p.item == kind) {
            None if kind == ItemKind::Note => {}
            None => broken.push(format!(
                "this level has no {} to place",
                kind.name().to_lowercase()
            )),
            Some(p) => {
                if let Some(max) = p.max.filter(|max| n > *max) {
                    broken.push(format!(
                        "at most {max} × {} (used {n})",
                        kind.name().to_lowercase()
                    ));
                }
            }
        }
    }
    let new_synapses = circuit
        .synapses
        .iter()
        .filter(|s| !given.synapses.iter().any(|g| g.id == s.id))
        .count() as u32;
    if let Some(max) = level.max_synapses.filter(|max| new_synapses > *max) {
        broken.push(format!("at most {max} new synapses (used {new_synapses})"));
    }
    let tunable = circuit
        .ids()
        .filter(|id| given.role(id).is_none() || level.editable.iter().any(|e| e == id));
    for id in tunable {
        for p in circuit.params(id) {
            if let Some(r) = level.ranges.iter().find(|r| r.key == p.key)
                && !(r.min..=r.max).contains(&p.value)
            {
                broken.push(format!(
                    "{id}: {} must be within {}–{} {} (is {})",
                    p.label, r.min, r.max, p.unit, p.value
                ));
            }
        }
    }
    broken
}
