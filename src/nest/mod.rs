//! Export to NEST (and, through the same plan, PyNN): a circuit becomes a [`Plan`] of NEST
//! node groups, spike sources and connections in NEST's units, with a [`Report`] of what is
//! exact, what is approximated and why, what is statistical and what is left out; `script`
//! writes the plan as a plain PyNEST 3 script.
//!
//! The conventions that make NEST's grid equal Spikeworks' step for step
//! (`../shared/reference/nest-export.md`): every integrate-and-fire neuron is an
//! `iaf_psc_exp_multisynapse` with one receptor per synaptic time constant (NEST integrates
//! them exactly, as the engine does); NEST is given `t_ref − dt` because it does not count
//! the spike's own step as refractory; a neuron's spike is stamped at the end of its step, so
//! NEST's `t/dt − 1` is Spikeworks' step, and a neuron-to-neuron delay is the same in both; a
//! spike source's spike at step k is sent at `k·dt` with one step more delay; DC is the
//! neuron's `I_e`. Regular generators and touch presses are replayed by the engine itself
//! and written as `spike_generator` times, so they are exact by construction.

pub mod pynn;
pub mod script;

use std::collections::HashMap;
use std::fmt;

use thiserror::Error;

use crate::circuit::flatten::member_id;
use crate::circuit::{Circuit, GeneratorKind, InitialPotential, NeuronModel, SynapseItem};
use crate::runner::{RunError, RunOptions, TouchPlan, run_circuit};
use crate::sim::network::generator_rng;
use crate::sim::{ConnectionRule, DT, Drawn, SynapseMode};

/// NEST's resolution: Spikeworks' step.
pub const DT_MS: f64 = DT * 1e3;

/// The synaptic time constant (ms) of the receptor that stands for an immediate-fire synapse:
/// a charge delivered within a hundredth of a step.
pub const KICK_TAU_MS: f64 = 0.001;

/// The reversal potentials (±, mV) that make a conductance synapse of `iaf_cond_exp_sfa_rr`
/// a current one: g·(E − V) = g·E within V/E, under 1e-4 here.
pub const FAR_REVERSAL_MV: f64 = 1e6;

/// How far an immediate-fire kick lifts the membrane (mV): above threshold from any
/// potential a neuron can have.
const KICK_MV: f64 = 1000.0;

/// What the export is asked for, beside the circuit.
#[derive(Debug, Clone)]
pub struct NestOptions {
    pub duration_s: f64,
    /// Seeds NEST's random numbers and Spikeworks' draws (start potentials, connectivity).
    pub seed: u64,
    /// Touch presses of a trial, as `spikeworks run --touch` takes them.
    pub touches: Vec<TouchPlan>,
    /// Every population's size is multiplied by this; in-degrees are kept.
    pub scale: u32,
    pub threads: u32,
    /// Random connectivity as the engine draws it, as an explicit list, instead of NEST rules.
    pub exact_connectivity: bool,
    /// The circuit file's name, for the script's header.
    pub source: String,
}

impl Default for NestOptions {
    fn default() -> Self {
        Self {
            duration_s: 1.0,
            seed: 0,
            touches: Vec::new(),
            scale: 1,
            threads: 1,
            exact_connectivity: false,
            source: String::new(),
        }
    }
}

#[derive(Debug, Error)]
pub enum NestError {
    #[error("{item}: NEST cannot express {reason}")]
    Inexpressible { item: String, reason: String },
    #[error("{arg}: {reason}")]
    BadArgument { arg: &'static str, reason: String },
    #[error(transparent)]
    Run(#[from] RunError),
}

/// What an export keeps, one line per item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// The same dynamics, step for step.
    pub exact: Vec<String>,
    /// Close, with the reason it is not exact.
    pub approximated: Vec<String>,
    /// The same law, other random numbers: rates agree, spikes do not.
    pub statistical: Vec<String>,
    /// Not in the script (nothing that changes a spike).
    pub left_out: Vec<String>,
}

impl Report {
    /// Whether NEST should give Spikeworks' spikes exactly.
    pub fn is_exact(&self) -> bool {
        self.approximated.is_empty() && self.statistical.is_empty()
    }

    pub fn sections(&self) -> [(&'static str, &[String]); 4] {
        [
            ("Exact", &self.exact),
            ("Approximated", &self.approximated),
            ("Statistical", &self.statistical),
            ("Left out", &self.left_out),
        ]
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (title, lines) in self.sections() {
            if !lines.is_empty() {
                writeln!(f, "{title}:")?;
                for line in lines {
                    writeln!(f, "  - {line}")?;
                }
            }
        }
        Ok(())
    }
}

/// A NEST neuron model with its parameters in NEST's units (pF, ms, mV).
#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    Lif {
        c_pf: f64,
        tau_m_ms: f64,
        e_l_mv: f64,
        v_th_mv: f64,
        v_reset_mv: f64,
        t_ref_ms: f64,
        /// A spike-triggered conductance to E_L: its increment (nS) and decay (ms). NEST's
        /// `iaf_cond_exp_sfa_rr` has one; its synapses are conductances, so currents are
        /// given as conductances to a reversal potential far away ([`FAR_REVERSAL_MV`]).
        adaptation: Option<(f64, f64)>,
    },
    /// `hh_psc_alpha` for a membrane of this area.
    Hh { area_cm2: f64 },
}

/// Where a group's membranes start (mV).
#[derive(Debug, Clone, PartialEq)]
pub enum Start {
    All(f64),
    Each(Vec<f64>),
    Uniform(f64, f64),
}

/// Neurons made by one `nest.Create`: a neuron of the circuit, or a population.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub label: String,
    /// Members are named `id[i]`, as `spikeworks run` names them.
    pub population: bool,
    pub size: u32,
    pub model: Model,
    pub start: Start,
    /// The DC sources' sum (pA).
    pub i_e_pa: f64,
    /// AC sources into this group: amplitude (pA), frequency (Hz), phase (degrees).
    pub ac: Vec<(f64, f64, f64)>,
    /// The synaptic time constant of each receptor (ms), receptor k + 1 at index k.
    pub receptors_ms: Vec<f64>,
}

/// A spike source that is not a neuron.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceKind {
    /// A `spike_generator` with Spikeworks' spike steps.
    Train(Vec<u64>),
    /// A `poisson_generator`. Shared: one train for all its synapses (through a
    /// `parrot_neuron`); otherwise every synapse draws its own, as NEST's generator does.
    Poisson { rate_hz: f64, shared: bool },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub id: String,
    pub label: String,
    pub kind: SourceKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    Group(usize),
    Source(usize),
}

/// A quantity of a connection, in NEST's units, with its sign.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Fixed(f64),
    /// `sign · clamp(normal(mean, sd), min, max)`.
    Normal {
        sign: f64,
        mean: f64,
        sd: f64,
        min: f64,
        max: f64,
    },
    Uniform {
        sign: f64,
        low: f64,
        high: f64,
    },
    /// One per synapse of an explicit list.
    Each(Vec<f64>),
}

impl Value {
    /// Every value multiplied by `factor` (a change of unit).
    pub fn times(&self, factor: f64) -> Value {
        match self {
            Value::Fixed(x) => Value::Fixed(x * factor),
            Value::Normal {
                sign,
                mean,
                sd,
                min,
                max,
            } => Value::Normal {
                sign: sign * factor,
                mean: *mean,
                sd: *sd,
                min: *min,
                max: *max,
            },
            Value::Uniform { sign, low, high } => Value::Uniform {
                sign: sign * factor,
                low: *low,
                high: *high,
            },
            Value::Each(xs) => Value::Each(xs.iter().map(|x| x * factor).collect()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    /// NEST's connection rule.
    Rule {
        rule: ConnectionRule,
        autapses: bool,
    },
    /// Explicit pairs of member indices.
    List { pre: Vec<u32>, post: Vec<u32> },
}

/// `stdp_synapse`'s parameters (weights in pA).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StdpSpec {
    pub lambda: f64,
    pub alpha: f64,
    pub tau_plus_ms: f64,
    pub w_max_pa: f64,
    pub multiplicative: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Connection {
    /// The synapse's or projection's id in the circuit.
    pub item: String,
    pub from: End,
    pub to: usize,
    pub pattern: Pattern,
    pub weight_pa: Value,
    pub delay_ms: Value,
    /// 1-based, into the target group's receptors.
    pub receptor: usize,
    pub stdp: Option<StdpSpec>,
}

/// The whole circuit as NEST will build it.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub name: String,
    pub source: String,
    pub steps: u64,
    pub seed: u64,
    pub threads: u32,
    pub scale: u32,
    pub groups: Vec<Group>,
    pub sources: Vec<Source>,
    pub connections: Vec<Connection>,
    pub report: Report,
    /// NEST keeps STDP's `tau_minus` on the target neuron: the groups that need one (ms).
    pub stdp_tau_minus_ms: HashMap<usize, f64>,
}

/// The steps of a delay (ms) on Spikeworks' grid.
fn delay_steps(delay_ms: f64) -> u64 {
    (delay_ms / DT_MS).round().max(0.0) as u64
}

fn ms_of_steps(steps: u64) -> f64 {
    (steps as f64 * DT_MS * 1e6).round() / 1e6
}

fn named(id: &str, label: &str) -> String {
    if label.is_empty() || label == id {
        format!("\"{id}\"")
    } else {
        format!("\"{label}\" ({id})")
    }
}

/// Builds the plan of `circuit` for NEST.
pub fn plan(circuit: &Circuit, opts: &NestOptions) -> Result<Plan, NestError> {
    if opts.scale == 0 {
        return Err(NestError::BadArgument {
            arg: "--scale",
            reason: "the scale must be a whole number of at least 1".into(),
        });
    }
    if opts.threads == 0 {
        return Err(NestError::BadArgument {
            arg: "--threads",
            reason: "at least one thread".into(),
        });
    }
    if !opts.duration_s.is_finite() || opts.duration_s <= 0.0 {
        return Err(NestError::BadArgument {
            arg: "--duration",
            reason: "the duration must be positive".into(),
        });
    }
    let mut b = Builder {
        circuit,
        opts,
        report: Report::default(),
        groups: Vec::new(),
        sources: Vec::new(),
        connections: Vec::new(),
        ends: HashMap::new(),
        stdp_tau_minus_ms: HashMap::new(),
    };
    b.groups()?;
    b.sources()?;
    b.currents();
    b.synapses();
    b.projections();
    b.left_out();
    Ok(Plan {
        name: circuit.name.clone(),
        source: opts.source.clone(),
        steps: (opts.duration_s / DT).round() as u64,
        seed: opts.seed,
        threads: opts.threads,
        scale: opts.scale,
        groups: b.groups,
        sources: b.sources,
        connections: b.connections,
        report: b.report,
        stdp_tau_minus_ms: b.stdp_tau_minus_ms,
    })
}

struct Builder<'a> {
    circuit: &'a Circuit,
    opts: &'a NestOptions,
    report: Report,
    groups: Vec<Group>,
    sources: Vec<Source>,
    connections: Vec<Connection>,
    ends: HashMap<&'a str, End>,
    stdp_tau_minus_ms: HashMap<usize, f64>,
}

impl<'a> Builder<'a> {
    /// One group per neuron (file order), then one per population.
    fn groups(&mut self) -> Result<(), NestError> {
        let c = self.circuit;
        for n in &c.neurons {
            let (model, reset_mv) = self.model(&n.id, &n.label, &n.model);
            let start_mv = match &n.model {
                NeuronModel::Lif(m) => m.start_mv.unwrap_or(reset_mv),
                NeuronModel::HodgkinHuxley(_) => reset_mv,
            };
            self.ends.insert(&n.id, End::Group(self.groups.len()));
            self.groups.push(Group {
                id: n.id.clone(),
                label: n.label.clone(),
                population: false,
                size: 1,
                model,
                start: Start::All(start_mv),
                i_e_pa: 0.0,
                ac: Vec::new(),
                receptors_ms: Vec::new(),
            });
        }
        for p in &c.populations {
            let (model, reset_mv) = self.model(&p.id, &p.label, &p.model);
            let size =
                p.size
                    .checked_mul(self.opts.scale)
                    .ok_or_else(|| NestError::BadArgument {
                        arg: "--scale",
                        reason: format!(
                            "{}: {} × {} neurons is too many",
                            p.id, p.size, self.opts.scale
                        ),
                    })?;
            let start = match p.initial_mv {
                InitialPotential::Reset => Start::All(reset_mv),
                InitialPotential::Fixed(v) => Start::All(v),
                // The engine's own draws when the network is the engine's; NEST's at scale.
                InitialPotential::Uniform(lo, hi) if self.opts.scale == 1 => {
                    Start::Each(crate::sim::InitialVoltage::Uniform(lo, hi).starts(
                        size as usize,
                        reset_mv,
                        self.opts.seed,
                        &p.id,
                    ))
                }
                InitialPotential::Uniform(lo, hi) => {
                    self.report.statistical.push(format!(
                        "population {}: start potentials drawn by NEST from Uniform({lo}, {hi}) \
                         mV at scale {}",
                        named(&p.id, &p.label),
                        self.opts.scale
                    ));
                    Start::Uniform(lo, hi)
                }
            };
            self.ends.insert(&p.id, End::Group(self.groups.len()));
            self.groups.push(Group {
                id: p.id.clone(),
                label: p.label.clone(),
                population: true,
                size,
                model,
                start,
                i_e_pa: 0.0,
                ac: Vec::new(),
                receptors_ms: Vec::new(),
            });
        }
        Ok(())
    }

    /// The NEST model of a neuron model, and its reset potential (mV); reports the mapping.
    fn model(&mut self, id: &str, label: &str, model: &NeuronModel) -> (Model, f64) {
        let who = named(id, label);
        match model {
            NeuronModel::Lif(m) => {
                let refractory = (m.refractory_ms / DT_MS).round() as u64;
                let lif = Model::Lif {
                    c_pf: m.capacitance_nf * 1e3,
                    tau_m_ms: m.resistance_mohm * m.capacitance_nf * 1e-3 * 1e3,
                    e_l_mv: m.resting_mv,
                    v_th_mv: m.threshold_mv,
                    v_reset_mv: m.reset_mv,
                    t_ref_ms: ms_of_steps(refractory.saturating_sub(1)),
                    adaptation: m.adaptation.as_ref().map(|a| (a.increment_ns, a.tau_ms)),
                };
                let mut extras = Vec::new();
                let mut nest_model = "iaf_psc_exp_multisynapse";
                if m.adaptation.is_some() {
                    nest_model = "iaf_cond_exp_sfa_rr";
                    extras.push("its adaptation is NEST's spike-frequency-adaptation conductance (the same equation, to E_L), in a model NEST integrates numerically, with one synaptic time constant per sign and synaptic currents as conductances to a far reversal potential: spike counts within 10 % of Spikeworks'");
                }
                if m.burst.is_some() {
                    extras.push("its burst current is left out (NEST has no such model), so it fires single spikes and its counts are not comparable");
                }
                if m.escape.is_some() {
                    extras.push("its escape noise is left out: it fires exactly at threshold");
                }
                if m.neuronify.is_some() {
                    extras.push("Neuronify's stepping (forward Euler, input a step late, its refractory clock and voltage clamp) becomes NEST's exact integration, as in Spikeworks without the `neuronify` mark: spikes come a few steps apart and an immediate-fire edge is NEST's one-step kick");
                }
                if refractory == 0 {
                    extras.push("a refractory period under one step is one step in NEST");
                }
                if extras.is_empty() {
                    self.report.exact.push(format!("{who}: {nest_model}"));
                } else {
                    self.report
                        .approximated
                        .push(format!("{who}: {nest_model}; {}", extras.join("; ")));
                }
                (lif, m.reset_mv)
            }
            NeuronModel::HodgkinHuxley(h) => {
                self.report.approximated.push(format!(
                    "{who}: hh_psc_alpha with the same squid membrane ({} cm²); NEST integrates \
                     it adaptively, stamps a spike at its peak rather than at 0 mV and shapes \
                     synaptic currents as alpha functions: spike counts within 5 %, each spike \
                     up to 1 ms later",
                    h.area_cm2
                ));
                (
                    Model::Hh {
                        area_cm2: h.area_cm2,
                    },
                    -65.0,
                )
            }
        }
    }

    /// Spike sources: regular generators and touch sensors replayed by the engine, Poisson
    /// generators as NEST's.
    fn sources(&mut self) -> Result<(), NestError> {
        let c = self.circuit;
        for g in &c.generators {
            match g.kind {
                GeneratorKind::VisualInput(_) | GeneratorKind::PlaceCell(_) => {
                    return Err(NestError::Inexpressible {
                        item: g.id.clone(),
                        reason: "a retina or place cell: its rate follows a scene or an animal \
                                 that only Spikeworks simulates"
                            .into(),
                    });
                }
                _ => {}
            }
        }
        let replayed = self.replay()?;
        for g in &c.generators {
            let kind = match g.kind {
                GeneratorKind::Regular { rate_hz } => {
                    self.report.exact.push(format!(
                        "{}: {rate_hz} Hz regular generator as a spike_generator with its spike times",
                        named(&g.id, &g.label)
                    ));
                    SourceKind::Train(replayed.get(g.id.as_str()).cloned().unwrap_or_default())
                }
                GeneratorKind::Poisson { rate_hz } => {
                    let shared = !c.projections.iter().any(|p| p.from == g.id);
                    self.report.statistical.push(format!(
                        "{}: {rate_hz} Hz poisson_generator ({})",
                        named(&g.id, &g.label),
                        if shared {
                            "one train shared by its synapses, through a parrot_neuron"
                        } else {
                            "every synapse of its projections draws its own train"
                        }
                    ));
                    SourceKind::Poisson { rate_hz, shared }
                }
                _ => continue,
            };
            self.ends.insert(&g.id, End::Source(self.sources.len()));
            self.sources.push(Source {
                id: g.id.clone(),
                label: g.label.clone(),
                kind,
            });
        }
        for s in &c.sensors {
            let steps = replayed.get(s.id.as_str()).cloned().unwrap_or_default();
            self.report.exact.push(format!(
                "touch sensor {}: its {} spikes of this trial as a spike_generator",
                named(&s.id, &s.label),
                steps.len()
            ));
            if s.reward.is_some() {
                self.report.left_out.push(format!(
                    "touch sensor {}: its reward (it only drives learning)",
                    named(&s.id, &s.label)
                ));
            }
            self.ends.insert(&s.id, End::Source(self.sources.len()));
            self.sources.push(Source {
                id: s.id.clone(),
                label: s.label.clone(),
                kind: SourceKind::Train(steps),
            });
        }
        Ok(())
    }

    /// The spike steps of every regular generator and touch sensor over the run, from the
    /// engine on a circuit of only those sources.
    fn replay(&self) -> Result<HashMap<String, Vec<u64>>, NestError> {
        let c = self.circuit;
        let mut sources = Circuit::empty("");
        sources.generators = c
            .generators
            .iter()
            .filter(|g| matches!(g.kind, GeneratorKind::Regular { .. }))
            .cloned()
            .collect();
        sources.sensors = c.sensors.clone();
        let mut steps: HashMap<String, Vec<u64>> = HashMap::new();
        if sources.generators.is_empty() && sources.sensors.is_empty() {
            return Ok(steps);
        }
        let report = run_circuit(
            &sources,
            &RunOptions {
                duration_s: self.opts.duration_s,
                seed: self.opts.seed,
                touches: self.opts.touches.clone(),
                ..RunOptions::default()
            },
        )?;
        for (t, id, _) in report.spikes {
            steps.entry(id).or_default().push((t / DT).round() as u64);
        }
        Ok(steps)
    }

    /// DC into `I_e`, AC as `ac_generator`s.
    fn currents(&mut self) {
        for g in &self.circuit.generators {
            let who = named(&g.id, &g.label);
            for target in &g.targets {
                let Some(&End::Group(k)) = self.ends.get(target.as_str()) else {
                    continue;
                };
                match g.kind {
                    GeneratorKind::Dc { current_na } => {
                        self.groups[k].i_e_pa += current_na * 1e3;
                    }
                    GeneratorKind::Ac {
                        amplitude_na,
                        frequency_hz,
                        phase_deg,
                    } => self.groups[k]
                        .ac
                        .push((amplitude_na * 1e3, frequency_hz, phase_deg)),
                    _ => {}
                }
            }
            match g.kind {
                GeneratorKind::Dc { current_na } => self
                    .report
                    .exact
                    .push(format!("{who}: {current_na} nA DC as the targets' I_e")),
                GeneratorKind::Ac { .. } => self.report.approximated.push(format!(
                    "{who}: ac_generator; NEST samples the sine at other instants of the step \
                     than Spikeworks, a difference of up to one step in phase"
                )),
                _ => {}
            }
        }
    }

    /// The receptor of `group` for time constant `tau_ms`, added if new.
    fn receptor(&mut self, group: usize, tau_ms: f64) -> usize {
        let receptors = &mut self.groups[group].receptors_ms;
        match receptors.iter().position(|&t| t == tau_ms) {
            Some(k) => k + 1,
            None => {
                receptors.push(tau_ms);
                receptors.len()
            }
        }
    }

    /// Whether a spike from `end` is inhibitory.
    fn sign(&self, id: &str) -> f64 {
        let c = self.circuit;
        let inhibitory = c.neurons.iter().any(|n| n.id == id && n.inhibitory)
            || c.populations.iter().any(|p| p.id == id && p.inhibitory)
            || c.generators.iter().any(|g| g.id == id && g.inhibitory);
        if inhibitory { -1.0 } else { 1.0 }
    }

    /// The weight (pA, signed), delay (ms) and receptor of a connection of `mode` onto
    /// `target`, with the report's line for it.
    fn kinetics(
        &mut self,
        from: End,
        target: usize,
        mode: SynapseMode,
        tau_ms: f64,
        delay_steps: u64,
    ) -> (f64, u64, usize, Option<String>) {
        let from_neuron = matches!(from, End::Group(_));
        // A source's spike at step k is sent at k·dt: one step more delay than a neuron's.
        let nest_delay = if from_neuron {
            delay_steps
        } else {
            delay_steps + 1
        };
        let mut note = None;
        let nest_delay = if nest_delay == 0 {
            note =
                Some("a delay of 0 between neurons is one step in NEST (its shortest)".to_owned());
            1
        } else {
            nest_delay
        };
        match mode {
            SynapseMode::ImmediateFire => {
                let receptor = self.receptor(target, KICK_TAU_MS);
                let c_pf = match self.groups[target].model {
                    Model::Lif { c_pf, .. } => c_pf,
                    Model::Hh { area_cm2 } => area_cm2 * 1e6,
                };
                // ΔV = w·τ/C: a 1 V lift within the step, over before the next.
                let weight = KICK_MV * 1e-3 * c_pf / (KICK_TAU_MS * 1e-3);
                (weight, nest_delay, receptor, note)
            }
            SynapseMode::Add | SynapseMode::Saturate => {
                if mode == SynapseMode::Saturate {
                    note = Some(format!(
                        "{}saturating: NEST sums a spike onto the current still flowing where \
                         Spikeworks restarts it at the full weight; the same while its spikes \
                         come more than a few τ ({tau_ms} ms) apart",
                        note.map(|n| format!("{n}; ")).unwrap_or_default()
                    ));
                }
                (f64::NAN, nest_delay, self.receptor(target, tau_ms), note)
            }
        }
    }

    fn synapses(&mut self) {
        for s in &self.circuit.synapses {
            let (Some(&from), Some(&End::Group(to))) =
                (self.ends.get(s.from.as_str()), self.ends.get(s.to.as_str()))
            else {
                continue;
            };
            let (weight, delay, receptor, note) =
                self.kinetics(from, to, s.mode, s.tau_ms, delay_steps(s.delay_ms));
            let weight = if weight.is_nan() {
                self.sign(&s.from) * s.weight_na * 1e3
            } else {
                weight
            };
            let name = synapse_name(s);
            let stdp = self.learning(&name, to, s.stdp, s.reward.is_some());
            self.line(
                format!("synapse {name}"),
                note.as_deref(),
                stdp.is_some() || s.reward.is_some(),
            );
            self.connections.push(Connection {
                item: name,
                from,
                to,
                pattern: Pattern::List {
                    pre: vec![0],
                    post: vec![0],
                },
                weight_pa: Value::Fixed(weight),
                delay_ms: Value::Fixed(ms_of_steps(delay)),
                receptor,
                stdp,
            });
        }
    }

    /// The report's line of a connection.
    fn line(&mut self, what: String, note: Option<&str>, learns: bool) {
        match note {
            Some(n) => self.report.approximated.push(format!("{what}: {n}")),
            None if !learns => self.report.exact.push(format!("{what}: static_synapse")),
            None => {}
        }
    }

    /// The STDP spec of a learning synapse, with its report line; reward learning is left
    /// out (NEST's dopamine synapse is another rule).
    fn learning(
        &mut self,
        name: &str,
        target: usize,
        stdp: Option<crate::circuit::StdpModel>,
        reward: bool,
    ) -> Option<StdpSpec> {
        if reward {
            self.report.approximated.push(format!(
                "{name}: reward learning left out (NEST's stdp_dopamine_synapse is another \
                 rule); the weight stays at its start"
            ));
        }
        let s = stdp?;
        self.report.approximated.push(format!(
            "{name}: stdp_synapse (all-to-all pair traces as Spikeworks'; NEST updates the \
             weight when a spike arrives, after the delay, and keeps its own tau_minus per \
             target neuron): spike counts within 5 %"
        ));
        self.stdp_tau_minus_ms.insert(target, s.tau_minus_ms);
        Some(StdpSpec {
            lambda: s.a_plus,
            alpha: if s.a_plus > 0.0 {
                s.a_minus / s.a_plus
            } else {
                0.0
            },
            tau_plus_ms: s.tau_plus_ms,
            w_max_pa: s.w_max_na * 1e3,
            multiplicative: s.soft_bounds,
        })
    }

    fn projections(&mut self) {
        let scale = self.opts.scale;
        for p in &self.circuit.projections {
            let (Some(&from), Some(&End::Group(to))) =
                (self.ends.get(p.from.as_str()), self.ends.get(p.to.as_str()))
            else {
                continue;
            };
            let pre = match from {
                End::Group(k) => self.groups[k].size,
                End::Source(_) => 1,
            };
            let post = self.groups[to].size;
            let fixed_delay = p.delay_ms.fixed().map(delay_steps);
            let (weight, nest_delay, receptor, note) =
                self.kinetics(from, to, p.mode, p.tau_ms, fixed_delay.unwrap_or(1));
            let sign = self.sign(&p.from);
            let source_shift = if matches!(from, End::Source(_)) { 1 } else { 0 };
            let stdp = self.learning(
                &format!("projection {}", p.id),
                to,
                p.stdp,
                p.reward.is_some(),
            );
            let who = format!("projection {}", p.id);
            // All-to-all and one-to-one with fixed values are the same in NEST; anything
            // drawn is the engine's draw only as an explicit list.
            let deterministic = p.weight_na.fixed().is_some()
                && p.delay_ms.fixed().is_some()
                && matches!(p.rule, ConnectionRule::AllToAll | ConnectionRule::OneToOne);
            let exact_list = self.opts.exact_connectivity && scale == 1 && !deterministic;
            let (pattern, weight_pa, delay_ms) = if exact_list {
                // Stand-in entities: the draw only asks whether both ends are one group.
                let mut world = bevy::prelude::World::new();
                let a = world.spawn_empty().id();
                let b = if p.from == p.to {
                    a
                } else {
                    world.spawn_empty().id()
                };
                let sim = p.to_sim(a, b);
                let drawn = sim.draw(pre, post, |what| {
                    generator_rng(self.opts.seed, &format!("{}/{what}", p.id))
                });
                let mut pre_idx = Vec::with_capacity(drawn.pairs.post.len());
                for i in 0..pre as usize {
                    let n = drawn.pairs.start[i + 1] - drawn.pairs.start[i];
                    pre_idx.extend(std::iter::repeat_n(i as u32, n as usize));
                }
                let weights = match (&drawn.weights_a, weight.is_nan()) {
                    (_, false) => Value::Fixed(weight),
                    (Some(w), true) => Value::Each(w.iter().map(|w| sign * w * 1e12).collect()),
                    (None, true) => Value::Fixed(sign * p.weight_na.fixed().unwrap_or(0.0) * 1e3),
                };
                let delays = match &drawn.delays_s {
                    Some(d) => Value::Each(
                        d.iter()
                            .map(|d| ms_of_steps((delay_steps(d * 1e3) + source_shift).max(1)))
                            .collect(),
                    ),
                    None => Value::Fixed(ms_of_steps(nest_delay)),
                };
                self.report.exact.push(format!(
                    "{who}: the engine's {} synapses of seed {} as an explicit list",
                    drawn.pairs.post.len(),
                    self.opts.seed
                ));
                (
                    Pattern::List {
                        pre: pre_idx,
                        post: drawn.pairs.post,
                    },
                    weights,
                    delays,
                )
            } else {
                let rule = match p.rule {
                    // In-degrees kept at scale K: p/K, and out-degrees of K-times-larger groups.
                    ConnectionRule::Probability(q) => {
                        ConnectionRule::Probability(q / f64::from(scale))
                    }
                    r => r,
                };
                if scale > 1 && p.rule == ConnectionRule::AllToAll {
                    self.report.approximated.push(format!(
                        "{who}: all-to-all at scale {scale} gives every neuron {scale} times the input"
                    ));
                }
                if !deterministic {
                    self.report.statistical.push(format!(
                        "{who}: NEST draws its {} synapses itself, not the engine's of seed {} \
                         (--exact-connectivity writes those)",
                        p.rule.label(),
                        self.opts.seed
                    ));
                }
                let weights = if weight.is_nan() {
                    drawn_value(
                        &p.weight_na,
                        sign,
                        1e3,
                        0.0,
                        0.0,
                        crate::sim::population::MAX_PROJECTION_WEIGHT_A * 1e12,
                    )
                } else {
                    Value::Fixed(weight)
                };
                let delays = match p.delay_ms.fixed() {
                    Some(_) => Value::Fixed(ms_of_steps(nest_delay)),
                    None => drawn_value(
                        &p.delay_ms,
                        1.0,
                        1.0,
                        source_shift as f64 * DT_MS,
                        DT_MS,
                        crate::sim::MAX_DELAY_S * 1e3 + DT_MS,
                    ),
                };
                (
                    Pattern::Rule {
                        rule,
                        autapses: p.autapses,
                    },
                    weights,
                    delays,
                )
            };
            let learns = stdp.is_some() || p.reward.is_some();
            self.line(who, note.as_deref(), learns);
            self.connections.push(Connection {
                item: p.id.clone(),
                from,
                to,
                pattern,
                weight_pa,
                delay_ms,
                receptor,
                stdp,
            });
        }
    }

    fn left_out(&mut self) {
        let c = self.circuit;
        for m in &c.meters {
            self.report.left_out.push(format!(
                "meter {}: NEST records every spike instead",
                named(&m.id, &m.label)
            ));
        }
        if !c.notes.is_empty() {
            self.report
                .left_out
                .push(format!("{} notes on the canvas", c.notes.len()));
        }
    }
}

/// A drawn quantity of the file as NEST's: times `scale` (to NEST's unit), plus `offset`,
/// clamped to `[min, max]`, with `sign`.
fn drawn_value(d: &Drawn, sign: f64, scale: f64, offset: f64, min: f64, max: f64) -> Value {
    match *d {
        Drawn::Fixed(x) => Value::Fixed(sign * (x * scale + offset).clamp(min, max)),
        Drawn::Normal { mean, sd } => Value::Normal {
            sign,
            mean: mean * scale + offset,
            sd: sd * scale,
            min,
            max,
        },
        Drawn::Uniform { low, high } => Value::Uniform {
            sign,
            low: (low * scale + offset).max(min),
            high: (high * scale + offset).min(max),
        },
    }
}

fn synapse_name(s: &SynapseItem) -> String {
    if s.id.is_empty() {
        format!("{} → {}", s.from, s.to)
    } else {
        s.id.clone()
    }
}

/// The ids `spikeworks run` gives a group's members, in order.
pub fn member_ids(group: &Group) -> impl Iterator<Item = String> + '_ {
    (0..group.size).map(move |i| {
        if group.population {
            member_id(&group.id, i)
        } else {
            group.id.clone()
        }
    })
}
