//! Writes a [`Plan`] as a plain PyNEST 3 script: a header saying how to run it and what is
//! exact, approximated, statistical and left out; the groups, sources and connections; and
//! the spikes written as CSV in the layout of `spikeworks run --spikes` (`time_s,id,label`,
//! Spikeworks' step times, sorted by step then id), so comparing the two is a diff.

use std::fmt::Write as _;

use super::{
    Connection, DT_MS, End, FAR_REVERSAL_MV, KICK_TAU_MS, Model, Pattern, Plan, SourceKind, Start,
    Value,
};
use crate::sim::ConnectionRule;

/// How much a synaptic time constant equal to the membrane's is moved (relative) for NEST,
/// which refuses equal ones: V then differs by about 1e-9 of the synaptic response.
const TAU_NUDGE: f64 = 1e-9;

/// A Python literal of a float that reads back as the same float.
pub(super) fn num(x: f64) -> String {
    if x == x.trunc() && x.abs() < 1e15 {
        format!("{x:.1}")
    } else {
        format!("{x:?}")
    }
}

pub(super) fn list(xs: impl IntoIterator<Item = String>) -> String {
    let items: Vec<String> = xs.into_iter().collect();
    format!("[{}]", items.join(", "))
}

/// A Python string literal.
pub(super) fn text(s: &str) -> String {
    format!("{s:?}")
}

pub(super) fn value(v: &Value) -> String {
    match v {
        Value::Fixed(x) => num(*x),
        Value::Normal {
            sign,
            mean,
            sd,
            min,
            max,
        } => format!(
            "{} * nest.math.max(nest.math.min(nest.random.normal({}, {}), {}), {})",
            num(*sign),
            num(*mean),
            num(*sd),
            num(*max),
            num(*min)
        ),
        Value::Uniform { sign, low, high } => format!(
            "{} * nest.random.uniform({}, {})",
            num(*sign),
            num(*low),
            num(*high)
        ),
        Value::Each(xs) => list(xs.iter().map(|x| num(*x))),
    }
}

/// Which script a header introduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Flavor {
    Nest,
    Pynn,
}

pub(super) fn header(plan: &Plan, flavor: Flavor, out: &mut String) {
    let name = if plan.name.is_empty() {
        "A Spikeworks circuit"
    } else {
        &plan.name
    };
    let (what, option) = match flavor {
        Flavor::Nest => ("a PyNEST 3 script", "--nest"),
        Flavor::Pynn => ("a PyNN script", "--pynn"),
    };
    let _ = writeln!(out, "#!/usr/bin/env python3");
    let _ = writeln!(out, "\"\"\"{name}: a Spikeworks circuit as {what}.\n");
    let _ = writeln!(
        out,
        "Written by `spikeworks export {} {option}` (Spikeworks {}); seed {}, scale {}.",
        plan.source,
        env!("CARGO_PKG_VERSION"),
        plan.seed,
        plan.scale
    );
    let _ = writeln!(
        out,
        "It builds the circuit, simulates {} ms and writes every spike as CSV in the layout of\n\
         `spikeworks run --spikes` (time_s,id,label at the start of the step, sorted by step and\n\
         id), so the two compare with diff.\n",
        plan.steps as f64 * DT_MS
    );
    match flavor {
        Flavor::Nest => {
            let _ = writeln!(
                out,
                "Needs:    python3 -m venv VENV && VENV/bin/pip install nest-simulator \"numpy<2.4\"\n\
                 Run:      VENV/bin/python SCRIPT.py [SPIKES.csv] [--threads T]\n\
                 \x20         (default: SPIKES.csv is the script's name with .spikes.csv, beside it)\n\
                 Threads:  --threads T uses T OpenMP threads (default {}); the spikes do not change.\n\
                 Cluster:  mpirun -np R VENV/bin/python SCRIPT.py SPIKES.csv, with a NEST built with MPI\n\
                 \x20         (the PyPI wheel has none); rank r writes SPIKES.csv.rank<r> with its neurons'\n\
                 \x20         spikes: concatenate them and sort.\n",
                plan.threads
            );
        }
        Flavor::Pynn => {
            let _ = writeln!(
                out,
                "Needs:    python3 -m venv VENV && VENV/bin/pip install pynn nest-simulator \"numpy<2.4\"\n\
                 \x20         (and brian2 for --backend brian2)\n\
                 Run:      VENV/bin/python SCRIPT.py [SPIKES.csv] [--backend B] [--threads T]\n\
                 \x20         (default: SPIKES.csv is the script's name with .spikes.csv, beside it)\n\
                 Backend:  --backend nest (default) builds NEST's own models through PyNN, with\n\
                 \x20         spike_precision=\"on_grid\": the spikes of the plain NEST script, exactly.\n\
                 \x20         --backend brian2 (or another PyNN backend) uses PyNN's standard models instead\n\
                 \x20         (IF_curr_exp, StaticSynapse, SpikeSourceArray/Poisson): on pyNN.brian2 plain\n\
                 \x20         integrate-and-fire circuits give Spikeworks' spikes exactly; saturating\n\
                 \x20         synapses and AC come close; an item without a standard model (adaptive,\n\
                 \x20         Hodgkin-Huxley, STDP, two time constants of one sign on a neuron) stops the\n\
                 \x20         script with its name.\n\
                 Threads:  --threads T uses T NEST threads (default {}); the spikes do not change.\n\
                 Cluster:  mpirun -np R VENV/bin/python SCRIPT.py SPIKES.csv, with a NEST built with MPI\n\
                 \x20         (the PyPI wheel has none); rank 0 gathers and writes every spike.\n",
                plan.threads
            );
        }
    }
    let _ = writeln!(
        out,
        "Conventions (so NEST's spikes are Spikeworks' step for step): dt {DT_MS} ms; every\n\
         integrate-and-fire neuron is iaf_psc_exp_multisynapse, one receptor per synaptic time\n\
         constant, integrated exactly as Spikeworks does; t_ref is Spikeworks' minus one step\n\
         (NEST does not count the spike's own step); a NEST stamp t is Spikeworks' step t/dt - 1;\n\
         a spike source's spike at step k is sent at k*dt with one step more delay; DC is I_e;\n\
         a synaptic time constant equal to the membrane's is made {TAU_NUDGE} larger (relative),\n\
         since NEST refuses equal ones (V moves by about as much).\n"
    );
    for (title, lines) in plan.report.sections() {
        if lines.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{title}:");
        for line in lines {
            let _ = writeln!(
                out,
                "  - {}",
                line.replace('\\', "/").replace("\"\"\"", "'''")
            );
        }
    }
    let _ = writeln!(out, "\"\"\"\n");
}

/// The whole script.
pub fn nest_script(plan: &Plan) -> String {
    let mut out = String::new();
    header(plan, Flavor::Nest, &mut out);
    let _ = writeln!(
        out,
        "import bisect\nimport pathlib\nimport sys\nimport time\n\nimport numpy\nimport nest\n"
    );
    let _ = writeln!(out, "DT_MS = {}", num(DT_MS));
    let _ = writeln!(out, "DURATION_MS = {}", num(plan.steps as f64 * DT_MS));
    let _ = writeln!(out, "THREADS = {}", plan.threads);
    let _ = writeln!(out, "SEED = {}\n", plan.seed);
    let _ = writeln!(out, "{}", HELPERS.trim_start());
    let _ = writeln!(out, "def build():");
    let _ = writeln!(
        out,
        "    \"\"\"Creates and connects the circuit; returns the named neuron groups and spike \
         sources.\"\"\""
    );
    let _ = writeln!(out, "    groups = []");
    for (k, g) in plan.groups.iter().enumerate() {
        write_group(plan, k, g, &mut out);
    }
    let _ = writeln!(out, "    sources = []");
    for (k, s) in plan.sources.iter().enumerate() {
        let (id, label) = (text(&s.id), text(&s.label));
        match &s.kind {
            SourceKind::Train(steps) => {
                let _ = writeln!(
                    out,
                    "    s{k}_steps = {}",
                    list(steps.iter().map(u64::to_string))
                );
                let _ = writeln!(
                    out,
                    "    s{k} = nest.Create(\"spike_generator\", params={{\"spike_times\": \
                     sent_at(s{k}_steps)}})"
                );
                let _ = writeln!(out, "    sources.append(({id}, {label}, s{k}_steps, None))");
            }
            SourceKind::Poisson { rate_hz, .. } => {
                let _ = writeln!(
                    out,
                    "    s{k} = nest.Create(\"poisson_generator\", params={{\"rate\": {}}})",
                    num(*rate_hz)
                );
                // The parrot repeats one train: the generator's own spikes in the CSV, and
                // the one train its synapses share when they share one.
                let _ = writeln!(out, "    s{k}_parrot = nest.Create(\"parrot_neuron\")");
                let _ = writeln!(
                    out,
                    "    nest.Connect(s{k}, s{k}_parrot, syn_spec={{\"delay\": DT_MS}})"
                );
                let _ = writeln!(
                    out,
                    "    sources.append(({id}, {label}, None, s{k}_parrot))"
                );
            }
        }
    }
    for c in &plan.connections {
        write_connection(plan, c, &mut out);
    }
    let _ = writeln!(out, "    return groups, sources\n");
    let _ = writeln!(out, "{}", MAIN.trim_start());
    out
}

/// The one synaptic time constant of a model with one per sign: the first receptor's that
/// is not an immediate-fire kick.
fn synaptic_tau(g: &super::Group) -> f64 {
    let mut taus = g.receptors_ms.iter().copied();
    taus.clone()
        .find(|&t| t != KICK_TAU_MS)
        .or_else(|| taus.next())
        .unwrap_or(2.0)
}

/// Whether a group takes one time constant per sign (no receptor types), and the factor from
/// a current (pA) to its synaptic weight.
fn single_receptor(g: &super::Group) -> Option<f64> {
    match g.model {
        Model::Lif {
            adaptation: Some(_),
            ..
        } => Some(1.0 / FAR_REVERSAL_MV),
        Model::Hh { .. } => Some(1.0),
        Model::Lif { .. } => None,
    }
}

fn is_kick(g: &super::Group, receptor: usize) -> bool {
    g.receptors_ms.get(receptor - 1) == Some(&KICK_TAU_MS)
}

/// Whether an adaptive group's inhibitory channel carries its immediate-fire kicks instead
/// (it has kicks and no inhibitory input): that channel then gets the kick's time constant
/// and a reversal potential far above, so a kick lifts the membrane within one step and is
/// gone by the next, as in Spikeworks.
fn kick_channel(plan: &Plan, group: usize) -> bool {
    let g = &plan.groups[group];
    let into = || plan.connections.iter().filter(move |c| c.to == group);
    let negative = |v: &Value| match v {
        Value::Fixed(x) => *x < 0.0,
        Value::Normal { sign, .. } | Value::Uniform { sign, .. } => *sign < 0.0,
        Value::Each(xs) => xs.iter().any(|x| *x < 0.0),
    };
    into().any(|c| is_kick(g, c.receptor))
        && !into().any(|c| !is_kick(g, c.receptor) && negative(&c.weight_pa))
}

/// The factor from a connection's current (pA) to its weight on a single-receptor target:
/// a kick made for [`KICK_TAU_MS`] lifts as far with the channel's own time constant, and
/// through the inhibitory channel of [`kick_channel`] with the opposite sign.
fn kick_factor(plan: &Plan, group: usize, receptor: usize) -> f64 {
    let g = &plan.groups[group];
    if !is_kick(g, receptor) {
        1.0
    } else if matches!(g.model, Model::Lif { .. }) && kick_channel(plan, group) {
        -1.0
    } else {
        KICK_TAU_MS / synaptic_tau(g)
    }
}

/// A group's NEST model and its parameters as Python literals (NEST's units).
pub(super) fn nest_neuron(
    plan: &Plan,
    k: usize,
    g: &super::Group,
) -> (&'static str, Vec<(String, String)>) {
    let mut params: Vec<(String, String)> = Vec::new();
    let model = match g.model {
        Model::Lif {
            c_pf,
            tau_m_ms,
            e_l_mv,
            v_th_mv,
            v_reset_mv,
            t_ref_ms,
            adaptation: Some((q_sfa_ns, tau_sfa_ms)),
        } => {
            let tau = synaptic_tau(g);
            let (e_in, tau_in) = match kick_channel(plan, k) {
                true => (FAR_REVERSAL_MV, KICK_TAU_MS),
                false => (-FAR_REVERSAL_MV, tau),
            };
            for (key, x) in [
                ("C_m", c_pf),
                ("g_L", c_pf / tau_m_ms),
                ("E_L", e_l_mv),
                ("V_th", v_th_mv),
                ("V_reset", v_reset_mv),
                ("t_ref", t_ref_ms),
                ("E_ex", FAR_REVERSAL_MV),
                ("E_in", e_in),
                ("tau_syn_ex", tau),
                ("tau_syn_in", tau_in),
                ("q_sfa", q_sfa_ns),
                ("tau_sfa", tau_sfa_ms),
                ("E_sfa", e_l_mv),
                ("q_rr", 0.0),
            ] {
                params.push((key.into(), num(x)));
            }
            "iaf_cond_exp_sfa_rr"
        }
        Model::Lif {
            c_pf,
            tau_m_ms,
            e_l_mv,
            v_th_mv,
            v_reset_mv,
            t_ref_ms,
            adaptation: None,
        } => {
            for (key, x) in [
                ("C_m", c_pf),
                ("tau_m", tau_m_ms),
                ("E_L", e_l_mv),
                ("V_th", v_th_mv),
                ("V_reset", v_reset_mv),
                ("t_ref", t_ref_ms),
            ] {
                params.push((key.into(), num(x)));
            }
            if !g.receptors_ms.is_empty() {
                // NEST refuses τ_syn = τ_m; a relative nudge of 1e-9 moves V by about as much.
                let nudged = g.receptors_ms.iter().map(|&t| {
                    num(if t == tau_m_ms {
                        t * (1.0 + TAU_NUDGE)
                    } else {
                        t
                    })
                });
                params.push(("tau_syn".into(), list(nudged)));
            }
            "iaf_psc_exp_multisynapse"
        }
        Model::Hh { area_cm2 } => {
            // The squid membrane per cm² (DESIGN.md) times the area, in pF and nS.
            use crate::sim::hh;
            let tau = synaptic_tau(g);
            for (key, x) in [
                ("C_m", hh::C_M * area_cm2 * 1e6),
                ("g_Na", hh::G_NA * area_cm2 * 1e6),
                ("g_K", hh::G_K * area_cm2 * 1e6),
                ("g_L", hh::G_L * area_cm2 * 1e6),
                ("E_Na", hh::E_NA),
                ("E_K", hh::E_K),
                ("E_L", hh::E_L),
                ("tau_syn_ex", tau),
                ("tau_syn_in", tau),
            ] {
                params.push((key.into(), num(x)));
            }
            "hh_psc_alpha"
        }
    };
    if g.i_e_pa != 0.0 {
        params.push(("I_e".into(), num(g.i_e_pa)));
    }
    if let Some(tau_minus) = plan.stdp_tau_minus_ms.get(&k) {
        params.push(("tau_minus".into(), num(*tau_minus)));
    }
    if let Start::All(v) = g.start {
        params.push(("V_m".into(), num(v)));
    }
    (model, params)
}

fn write_group(plan: &Plan, k: usize, g: &super::Group, out: &mut String) {
    let (model, params) = nest_neuron(plan, k, g);
    let params = params
        .iter()
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let size = g.size;
    let _ = writeln!(
        out,
        "    g{k} = nest.Create(\"{model}\", {size}, params={{{params}}})"
    );
    match &g.start {
        Start::All(_) => {}
        Start::Each(vs) => {
            let _ = writeln!(out, "    g{k}.V_m = {}", list(vs.iter().map(|v| num(*v))));
        }
        Start::Uniform(lo, hi) => {
            let _ = writeln!(
                out,
                "    g{k}.V_m = nest.random.uniform({}, {})",
                num(*lo),
                num(*hi)
            );
        }
    }
    for (amplitude, frequency, phase) in &g.ac {
        let _ = writeln!(
            out,
            "    ac = nest.Create(\"ac_generator\", params={{\"amplitude\": {}, \"frequency\": {}, \"phase\": {}}})",
            num(*amplitude),
            num(*frequency),
            num(*phase)
        );
        let _ = writeln!(
            out,
            "    nest.Connect(ac, g{k}, syn_spec={{\"delay\": DT_MS}})"
        );
    }
    let _ = writeln!(
        out,
        "    groups.append(({}, {}, {}, g{k}))",
        text(&g.id),
        text(&g.label),
        if g.population { "True" } else { "False" }
    );
}

/// A connection's NEST synapse: its model, its own parameters beside weight and delay (as
/// Python literals), its weight and delay in NEST's units, and its receptor on a
/// multi-receptor target.
pub(super) struct NestSynapse {
    pub model: &'static str,
    pub params: Vec<(String, String)>,
    pub weight: Value,
    pub delay: Value,
    pub receptor: Option<usize>,
}

pub(super) fn nest_synapse(plan: &Plan, c: &Connection) -> NestSynapse {
    let mut params = Vec::new();
    let mut model = "static_synapse";
    if let Some(s) = c.stdp {
        let sign = match &c.weight_pa {
            Value::Fixed(w) if *w < 0.0 => -1.0,
            _ => 1.0,
        };
        let mu = if s.multiplicative { 1.0 } else { 0.0 };
        model = "stdp_synapse";
        for (k, x) in [
            ("lambda", s.lambda),
            ("alpha", s.alpha),
            ("tau_plus", s.tau_plus_ms),
            ("Wmax", sign * s.w_max_pa),
            ("mu_plus", mu),
            ("mu_minus", mu),
        ] {
            params.push((k.to_owned(), num(x)));
        }
    }
    let (weight, receptor) = match single_receptor(&plan.groups[c.to]) {
        None => (c.weight_pa.clone(), Some(c.receptor)),
        Some(factor) => (
            c.weight_pa
                .times(factor * kick_factor(plan, c.to, c.receptor)),
            None,
        ),
    };
    NestSynapse {
        model,
        params,
        weight,
        delay: c.delay_ms.clone(),
        receptor,
    }
}

fn write_connection(plan: &Plan, c: &Connection, out: &mut String) {
    let from = match c.from {
        End::Group(k) => format!("g{k}"),
        End::Source(k) => match plan.sources[k].kind {
            SourceKind::Poisson { shared: true, .. } => format!("s{k}_parrot"),
            _ => format!("s{k}"),
        },
    };
    let to = format!("g{}", c.to);
    let synapse = nest_synapse(plan, c);
    let mut syn = Vec::new();
    if synapse.model != "static_synapse" {
        syn.push(("synapse_model".to_owned(), text(synapse.model)));
    }
    syn.extend(synapse.params);
    syn.push(("weight".into(), value(&synapse.weight)));
    syn.push(("delay".into(), value(&synapse.delay)));
    if let Some(r) = synapse.receptor {
        syn.push(("receptor_type".into(), r.to_string()));
    }
    let syn = syn
        .iter()
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(out, "    # {}", c.item.replace('\n', " "));
    match &c.pattern {
        Pattern::List { pre, post } if pre.len() == 1 && post.len() == 1 => {
            let _ = writeln!(
                out,
                "    nest.Connect({from}[{}], {to}[{}], \"one_to_one\", {{{syn}}})",
                pre[0], post[0]
            );
        }
        Pattern::List { pre, post } => {
            let _ = writeln!(
                out,
                "    connect_list({from}, {to}, {}, {}, {{{syn}}})",
                list(pre.iter().map(u32::to_string)),
                list(post.iter().map(u32::to_string))
            );
        }
        Pattern::Rule { rule, autapses } => {
            let a = if *autapses { "True" } else { "False" };
            let spec = match *rule {
                ConnectionRule::AllToAll => {
                    format!("{{\"rule\": \"all_to_all\", \"allow_autapses\": {a}}}")
                }
                ConnectionRule::OneToOne => {
                    format!("{{\"rule\": \"one_to_one\", \"allow_autapses\": {a}}}")
                }
                ConnectionRule::Probability(p) => format!(
                    "{{\"rule\": \"pairwise_bernoulli\", \"p\": {}, \"allow_autapses\": {a}}}",
                    num(p)
                ),
                ConnectionRule::FixedIndegree(k) => format!(
                    "{{\"rule\": \"fixed_indegree\", \"indegree\": {k}, \"allow_autapses\": {a}, \"allow_multapses\": False}}"
                ),
                ConnectionRule::FixedOutdegree(k) => format!(
                    "{{\"rule\": \"fixed_outdegree\", \"outdegree\": {k}, \"allow_autapses\": {a}, \"allow_multapses\": False}}"
                ),
            };
            let _ = writeln!(out, "    nest.Connect({from}, {to}, {spec}, {{{syn}}})");
        }
    }
}

const HELPERS: &str = r#"
def sent_at(steps):
    """A source's spike at Spikeworks' step k is sent at k*dt (its connections carry one step
    more delay). NEST cannot send at 0: a spike of step 0 goes one step late."""
    return [max(k, 1) * DT_MS for k in steps]


def connect_list(pre, post, pre_index, post_index, syn_spec):
    """Connects member pre_index[i] of pre to member post_index[i] of post, for every i."""
    pre_ids = numpy.array(pre.tolist())[pre_index]
    post_ids = numpy.array(post.tolist())[post_index]
    nest.Connect(pre_ids, post_ids, "one_to_one", syn_spec)

"#;

const MAIN: &str = r#"
def step_time(step):
    """Spikeworks' time of a step, as `spikeworks run` prints it."""
    return f"{step // 10000}.{step % 10000:04d}"


def csv_field(s):
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s


def main(argv):
    args = list(argv[1:])
    threads = THREADS
    if "--threads" in args:
        i = args.index("--threads")
        threads = int(args[i + 1])
        del args[i:i + 2]
    script = pathlib.Path(__file__)
    out = pathlib.Path(args[0]) if args else script.with_name(script.stem + ".spikes.csv")

    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.resolution = DT_MS
    nest.local_num_threads = threads
    nest.rng_seed = SEED + 1
    started = time.perf_counter()
    groups, sources = build()
    recorder = nest.Create("spike_recorder")
    for _, _, _, nodes in groups:
        nest.Connect(nodes, recorder)
    for _, _, _, parrot in sources:
        if parrot is not None:
            nest.Connect(parrot, recorder)
    built = time.perf_counter()
    nest.Simulate(DURATION_MS)
    simulated = time.perf_counter()

    # Node ids are consecutive within a Create: find a sender's group by its first id.
    named = [(nodes.tolist()[0], ident, label, population)
             for ident, label, population, nodes in groups]
    named += [(parrot.tolist()[0], ident, label, False)
              for ident, label, _, parrot in sources if parrot is not None]
    named.sort()
    firsts = [n[0] for n in named]
    rows = []
    events = recorder.get("events")
    for sender, t in zip(events["senders"], events["times"]):
        first, ident, label, population = named[bisect.bisect_right(firsts, int(sender)) - 1]
        member = f"{ident}[{int(sender) - first}]" if population else ident
        rows.append((round(t / DT_MS) - 1, member, label))
    if nest.Rank() == 0:
        for ident, label, steps, _ in sources:
            rows.extend((k, ident, label) for k in steps or [])
    rows.sort(key=lambda r: (r[0], r[1]))
    if nest.NumProcesses() > 1:
        out = out.with_name(f"{out.name}.rank{nest.Rank()}")
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("time_s,id,label\n")
        for step, ident, label in rows:
            f.write(f"{step_time(step)},{csv_field(ident)},{csv_field(label)}\n")
    print(f"{len(rows)} spikes in {DURATION_MS / 1000} s biological; built in "
          f"{built - started:.2f} s, simulated in {simulated - built:.2f} s on {threads} "
          f"thread(s); wrote {out}")


if __name__ == "__main__":
    main(sys.argv)
"#;
