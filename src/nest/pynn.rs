//! Writes a [`Plan`] as a PyNN script. On `pyNN.nest` (the default backend, with
//! `spike_precision="on_grid"`) it builds NEST's own models through PyNN's native types, with
//! the parameters, weights and receptors of the plain NEST script, so its spikes are that
//! script's exactly; another backend, given by `--backend`, gets PyNN's standard models
//! (`IF_curr_exp`, `StaticSynapse`, `SpikeSourceArray`, `SpikeSourcePoisson`), and an item
//! without one stops the script with its name.

use std::fmt::Write as _;

use super::script::{Flavor, header, list, nest_neuron, nest_synapse, num, text, value};
use super::{
    Connection, DT_MS, End, Group, KICK_TAU_MS, Model, Pattern, Plan, SourceKind, Start, Value,
};
use crate::sim::ConnectionRule;

/// A quantity's sign: `None` when its values have both signs.
fn sign_of(v: &Value) -> Option<f64> {
    let s = |x: f64| if x < 0.0 { -1.0 } else { 1.0 };
    match v {
        Value::Fixed(x) => Some(s(*x)),
        Value::Normal { sign, .. } | Value::Uniform { sign, .. } => Some(s(*sign)),
        Value::Each(xs) => {
            let first = xs.first().map_or(1.0, |x| s(*x));
            xs.iter().all(|x| s(*x) == first).then_some(first)
        }
    }
}

/// A PyNN quantity: a number, a `RandomDistribution` on the script's `rng`, or a list.
fn pynn_value(v: &Value) -> String {
    match *v {
        Value::Normal {
            sign,
            mean,
            sd,
            min,
            max,
        } => {
            let (a, b) = (sign * min, sign * max);
            format!(
                "sim.RandomDistribution(\"normal_clipped_to_boundary\", mu={}, sigma={}, low={}, high={}, rng=rng)",
                num(sign * mean),
                num(sign.abs() * sd),
                num(a.min(b)),
                num(a.max(b))
            )
        }
        Value::Uniform { sign, low, high } => {
            let (a, b) = (sign * low, sign * high);
            format!(
                "sim.RandomDistribution(\"uniform\", low={}, high={}, rng=rng)",
                num(a.min(b)),
                num(a.max(b))
            )
        }
        _ => value(v),
    }
}

/// PyNN's `IF_curr_exp` for a group on a backend other than NEST, or why it has none: the
/// group must be a plain integrate-and-fire neuron whose excitatory inputs share one time
/// constant and whose inhibitory inputs share another.
fn standard_cell(plan: &Plan, k: usize, g: &Group) -> Result<String, String> {
    let Model::Lif {
        c_pf,
        tau_m_ms,
        e_l_mv,
        v_th_mv,
        v_reset_mv,
        t_ref_ms,
        adaptation: None,
    } = g.model
    else {
        return Err(match g.model {
            Model::Hh { .. } => "a Hodgkin-Huxley neuron of Spikeworks' squid membrane has no \
                                 standard PyNN model"
                .into(),
            _ => "an adaptive neuron has no standard PyNN model".into(),
        });
    };
    let mut taus = [None::<f64>; 2];
    for c in plan.connections.iter().filter(|c| c.to == k) {
        // An immediate-fire kick is a receptor of a very short time constant, as in NEST.
        let tau = g.receptors_ms[c.receptor - 1];
        let sign = sign_of(&c.weight_pa)
            .ok_or_else(|| format!("{}: weights of both signs on one synapse", c.item))?;
        let slot = &mut taus[usize::from(sign < 0.0)];
        match *slot {
            Some(t) if t != tau => {
                return Err(format!(
                    "inputs of one sign with two synaptic time constants, {t} and {tau} ms \
                     (IF_curr_exp has one per sign; an immediate-fire synapse is one of \
                     {KICK_TAU_MS} ms)"
                ));
            }
            _ => *slot = Some(tau),
        }
    }
    // Other simulators count the refractory period from the spike's own step, as Spikeworks.
    let params = [
        ("cm", c_pf * 1e-3),
        ("tau_m", tau_m_ms),
        ("v_rest", e_l_mv),
        ("v_thresh", v_th_mv),
        ("v_reset", v_reset_mv),
        ("tau_refrac", t_ref_ms + DT_MS),
        ("i_offset", g.i_e_pa * 1e-3),
        ("tau_syn_E", taus[0].or(taus[1]).unwrap_or(2.0)),
        ("tau_syn_I", taus[1].or(taus[0]).unwrap_or(2.0)),
    ];
    Ok(format!(
        "{{{}}}",
        params
            .iter()
            .map(|(k, x)| format!("\"{k}\": {}", num(*x)))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// The whole script.
pub fn pynn_script(plan: &Plan) -> String {
    let mut out = String::new();
    header(plan, Flavor::Pynn, &mut out);
    let max_delay = plan
        .connections
        .iter()
        .map(|c| match &c.delay_ms {
            Value::Fixed(d) => *d,
            Value::Each(ds) => ds.iter().copied().fold(0.0, f64::max),
            Value::Normal { max, .. } => *max,
            Value::Uniform { high, .. } => *high,
        })
        .fold(1.0, f64::max);
    let _ = writeln!(
        out,
        "import importlib\nimport pathlib\nimport sys\nimport time\nimport warnings\n\nimport numpy\n"
    );
    let _ = writeln!(out, "DT_MS = {}", num(DT_MS));
    let _ = writeln!(out, "DURATION_MS = {}", num(plan.steps as f64 * DT_MS));
    let _ = writeln!(out, "MAX_DELAY_MS = {}", num(max_delay + DT_MS));
    let _ = writeln!(out, "THREADS = {}", plan.threads);
    let _ = writeln!(out, "SEED = {}", plan.seed);
    let _ = writeln!(out, "OWN_TRAINS_RNG = numpy.random.default_rng(SEED + 2)\n");
    let _ = writeln!(out, "{}", HELPERS.trim_start());
    let _ = writeln!(out, "def build(sim, native, rng):");
    let _ = writeln!(
        out,
        "    \"\"\"Creates and connects the circuit; returns the named neuron groups and spike \
         sources.\"\"\""
    );
    let _ = writeln!(out, "    groups = []");
    for (k, g) in plan.groups.iter().enumerate() {
        let (model, params) = nest_neuron(plan, k, g);
        let params = params
            .iter()
            .filter(|(key, _)| key != "V_m")
            .map(|(key, v)| format!("\"{key}\": {v}"))
            .collect::<Vec<_>>()
            .join(", ");
        let start = match &g.start {
            Start::All(v) => num(*v),
            Start::Each(vs) => format!("numpy.array({})", list(vs.iter().map(|v| num(*v)))),
            Start::Uniform(lo, hi) => format!(
                "sim.RandomDistribution(\"uniform\", low={}, high={}, rng=rng)",
                num(*lo),
                num(*hi)
            ),
        };
        let standard = match standard_cell(plan, k, g) {
            Ok(dict) => dict,
            Err(why) => text(&why),
        };
        let name = if g.label.is_empty() { &g.id } else { &g.label };
        let _ = writeln!(
            out,
            "    g{k} = population(sim, native, {}, {}, \"{model}\", {{{params}}}, {standard}, {start})",
            g.size,
            text(name),
        );
        for (amplitude, frequency, phase) in &g.ac {
            let _ = writeln!(
                out,
                "    sim.ACSource(amplitude={}, frequency={}, phase={}, offset=0.0, start=0.0, \
                 stop=DURATION_MS).inject_into(g{k})",
                num(amplitude * 1e-3),
                num(*frequency),
                num(*phase)
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
                    "    s{k} = sim.Population(1, sim.SpikeSourceArray(spike_times=sent_at(s{k}_steps, native)), label={label})"
                );
                let _ = writeln!(out, "    sources.append(({id}, {label}, s{k}_steps, None))");
            }
            SourceKind::Poisson { rate_hz, .. } => {
                // One recorded train stands for the generator in the CSV, and is the train
                // its synapses share when they share one.
                let _ = writeln!(
                    out,
                    "    s{k} = sim.Population(1, sim.SpikeSourcePoisson(rate={}), label={label})",
                    num(*rate_hz)
                );
                let _ = writeln!(out, "    sources.append(({id}, {label}, None, s{k}))");
            }
        }
    }
    for c in &plan.connections {
        write_projection(plan, c, &mut out);
    }
    let _ = writeln!(out, "    return groups, sources\n");
    let _ = writeln!(out, "{}", MAIN.trim_start());
    out
}

fn write_projection(plan: &Plan, c: &Connection, out: &mut String) {
    let target = &plan.groups[c.to];
    let mut synapse = nest_synapse(plan, c);
    let sign = sign_of(&synapse.weight).unwrap_or(1.0);
    let receptor = match synapse.receptor {
        Some(r) => format!("\"{r}\""),
        None => "None".into(),
    };
    let standard_receptor = if sign < 0.0 {
        "inhibitory"
    } else {
        "excitatory"
    };
    // PyNN negates the weights of a conductance-based model's inhibitory receptor itself.
    let conductance_based = matches!(
        target.model,
        Model::Lif {
            adaptation: Some(_),
            ..
        }
    );
    if conductance_based && sign < 0.0 {
        synapse.weight = synapse.weight.times(-1.0);
    }
    let _ = writeln!(out, "    # {}", c.item.replace('\n', " "));
    // The synapse's own values; an explicit list carries varying ones in its rows.
    let per_row = matches!(c.pattern, Pattern::List { .. })
        && (matches!(synapse.weight, Value::Each(_)) || matches!(synapse.delay, Value::Each(_)));
    let (weight, delay) = if per_row {
        ("None".to_owned(), "None".to_owned())
    } else {
        (pynn_value(&synapse.weight), pynn_value(&synapse.delay))
    };
    let extra = synapse
        .params
        .iter()
        .map(|(k, v)| format!("\"{k}\": {v}"))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        out,
        "    syn = synapse(sim, native, \"{}\", {weight}, {delay}, {{{extra}}}, {})",
        synapse.model,
        text(&c.item.replace('\n', " "))
    );
    // A Poisson generator whose every synapse draws its own train: one source per synapse.
    let own_trains = match c.from {
        End::Source(k) => match plan.sources[k].kind {
            SourceKind::Poisson {
                shared: false,
                rate_hz,
            } => Some(rate_hz),
            _ => None,
        },
        End::Group(_) => None,
    };
    let from = match c.from {
        End::Group(k) => format!("g{k}"),
        End::Source(k) => format!("s{k}"),
    };
    let each = |v: &Value, n: usize| match v {
        Value::Each(xs) => list(xs.iter().map(|x| num(*x))),
        other => format!("[{}] * {n}", value(other)),
    };
    let indices = |xs: &[u32]| list(xs.iter().map(u32::to_string));
    let connector = match (&c.pattern, own_trains) {
        (Pattern::List { post, .. }, Some(_)) if per_row => format!(
            "rows(range({}), {}, {}, {})",
            post.len(),
            indices(post),
            each(&synapse.weight, post.len()),
            each(&synapse.delay, post.len())
        ),
        (Pattern::List { post, .. }, Some(_)) => {
            format!("list(enumerate({}))", indices(post))
        }
        (Pattern::Rule { rule, .. }, Some(_)) => {
            let (name, x) = match *rule {
                ConnectionRule::AllToAll => ("all", 0.0),
                ConnectionRule::OneToOne => ("all", 0.0),
                ConnectionRule::FixedIndegree(_) => ("all", 0.0),
                ConnectionRule::Probability(p) => ("probability", p),
                ConnectionRule::FixedOutdegree(k) => ("outdegree", f64::from(k)),
            };
            format!("own_targets(\"{name}\", {}, {})", num(x), target.size)
        }
        (Pattern::List { pre, post }, None) if per_row => format!(
            "rows({}, {}, {}, {})",
            indices(pre),
            indices(post),
            each(&synapse.weight, pre.len()),
            each(&synapse.delay, pre.len())
        ),
        (Pattern::List { pre, post }, None) => {
            format!("list(zip({}, {}))", indices(pre), indices(post))
        }
        (Pattern::Rule { rule, autapses }, None) => {
            let a = if *autapses { "True" } else { "False" };
            match *rule {
                ConnectionRule::AllToAll => {
                    format!("sim.AllToAllConnector(allow_self_connections={a})")
                }
                // PyNN 0.13's OneToOneConnector fails between one-neuron populations.
                ConnectionRule::OneToOne if target.size == 1 => "[(0, 0)]".into(),
                ConnectionRule::OneToOne => "sim.OneToOneConnector()".into(),
                ConnectionRule::Probability(p) => format!(
                    "sim.FixedProbabilityConnector({}, allow_self_connections={a}, rng=rng)",
                    num(p)
                ),
                ConnectionRule::FixedIndegree(k) => format!(
                    "sim.FixedNumberPreConnector({k}, allow_self_connections={a}, \
                     with_replacement=False, rng=rng)"
                ),
                ConnectionRule::FixedOutdegree(k) => format!(
                    "sim.FixedNumberPostConnector({k}, allow_self_connections={a}, \
                     with_replacement=False, rng=rng)"
                ),
            }
        }
    };
    match own_trains {
        Some(rate_hz) => {
            let _ = writeln!(out, "    pairs = {connector}");
            let _ = writeln!(
                out,
                "    connect(sim, native, own_trains(sim, {}, pairs), g{}, pairs, syn, {receptor}, \"{standard_receptor}\")",
                num(rate_hz),
                c.to
            );
        }
        None => {
            let _ = writeln!(
                out,
                "    connect(sim, native, {from}, g{}, {connector}, syn, {receptor}, \"{standard_receptor}\")",
                c.to
            );
        }
    }
}

const HELPERS: &str = r#"
def sent_at(steps, native):
    """When a source's spike at Spikeworks' step k is sent (its connections carry one step
    more delay). NEST stamps it at the end of the step, k*dt; pyNN.nest relays a source
    through a parrot neuron one step earlier, so there a spike of step 0 or 1 goes at step 2.
    Brian2 stamps the start of the step, (k - 1)*dt, and a spike of step 0 goes at step 1."""
    if native:
        return [max(k, 2) * DT_MS for k in steps]
    return [max(k - 1, 0) * DT_MS for k in steps]


def native_type(sim, model, receptors):
    """NEST's own model as a PyNN cell type; iaf_psc_exp_multisynapse gets receptors "1".."n"."""
    base = sim.native_cell_type(model)
    if model != "iaf_psc_exp_multisynapse":
        return base
    names = [str(k) for k in range(1, receptors + 1)]
    return type(base.__name__, (base,), {
        "receptor_types": names,
        "standard_receptor_type": False,
        "get_receptor_type": lambda self, name: int(name),
    })


def population(sim, native, size, label, model, params, standard, start):
    """A group of neurons: NEST's model on pyNN.nest, IF_curr_exp elsewhere."""
    if native:
        params = dict(params)
        tau_minus = params.pop("tau_minus", None)
        celltype = native_type(sim, model, len(params.get("tau_syn", [])))(**params)
        pop = sim.Population(size, celltype, label=label)
        pop.initialize(V_m=start)
        if tau_minus is not None:
            pop.node_collection.set(tau_minus=tau_minus)  # PyNN does not pass it on
        return pop
    if isinstance(standard, str):
        sys.exit(f"{label}: {standard}; run this script with --backend nest")
    pop = sim.Population(size, sim.IF_curr_exp(**standard), label=label)
    pop.initialize(v=start)
    return pop


def synapse(sim, native, model, weight, delay, params, item):
    """NEST's synapse model with NEST's units on pyNN.nest; StaticSynapse (nA) elsewhere."""
    values = {k: v for k, v in (("weight", weight), ("delay", delay)) if v is not None}
    if native:
        return sim.native_synapse_type(model)(**values, **params)
    if model != "static_synapse":
        sys.exit(f"{item}: {model} has no standard PyNN model here; run with --backend nest")
    if "weight" in values:
        values["weight"] = nanoamperes(values["weight"])
    return sim.StaticSynapse(**values)


def nanoamperes(weight):
    if isinstance(weight, (int, float)):
        return weight * 1e-3
    if isinstance(weight, list):
        return [w * 1e-3 for w in weight]
    sys.exit("a drawn weight runs only with --backend nest")


def rows(pre, post, weights, delays):
    """An explicit list with a weight and a delay per connection."""
    return [(i, j, w, d) for i, j, w, d in zip(pre, post, weights, delays)]


def own_targets(rule, x, size):
    """The neurons a rule from one source reaches: (train index, neuron index) pairs."""
    rng = OWN_TRAINS_RNG
    if rule == "probability":
        chosen = numpy.flatnonzero(rng.uniform(0.0, 1.0, size) < x)
    elif rule == "outdegree":
        chosen = numpy.sort(rng.permutation(size)[:int(x)])
    else:
        chosen = numpy.arange(size)
    return list(enumerate(int(j) for j in chosen))


def own_trains(sim, rate_hz, pairs):
    """One Poisson train for each of `pairs`' sources, so every synapse draws its own."""
    return sim.Population(max(len(pairs), 1), sim.SpikeSourcePoisson(rate=rate_hz))


def connect(sim, native, pre, post, connector, syn, receptor, standard_receptor):
    """A projection; a list of (i, j) or (i, j, weight, delay) is an explicit connector."""
    if isinstance(connector, list):
        if not connector:
            return
        columns = ["weight", "delay"] if len(connector[0]) == 4 else None
        if columns and not native:
            connector = [(i, j, w * 1e-3, d) for i, j, w, d in connector]  # pA to nA
        connector = sim.FromListConnector(connector, column_names=columns)
    sim.Projection(pre, post, connector, syn,
                   receptor_type=receptor if native and receptor else standard_receptor)

"#;

const MAIN: &str = r#"
def step_time(step):
    """Spikeworks' time of a step, as `spikeworks run` prints it."""
    return f"{step // 10000}.{step % 10000:04d}"


def csv_field(s):
    return '"' + s.replace('"', '""') + '"' if any(c in s for c in ',"\n') else s


def option(args, name, default):
    if name in args:
        i = args.index(name)
        value = args[i + 1]
        del args[i:i + 2]
        return value
    return default


def main(argv):
    args = list(argv[1:])
    threads = int(option(args, "--threads", THREADS))
    backend = option(args, "--backend", "nest")
    script = pathlib.Path(__file__)
    out = pathlib.Path(args[0]) if args else script.with_name(script.stem + ".spikes.csv")

    warnings.filterwarnings("ignore", category=UserWarning, module=r"(nest|pyNN)(\.|$)")
    sim = importlib.import_module("pyNN." + backend)
    native = backend == "nest"
    extra = {"spike_precision": "on_grid", "threads": threads} if native else {}
    sim.setup(timestep=DT_MS, min_delay=DT_MS, max_delay=MAX_DELAY_MS, rng_seed=SEED + 1,
              **extra)
    if native:
        import nest
        nest.verbosity = nest.VerbosityLevel.ERROR
    rng = sim.NumpyRNG(seed=SEED + 1)
    started = time.perf_counter()
    groups, sources = build(sim, native, rng)
    for *_, pop in groups:
        pop.record("spikes")
    for *_, pop in sources:
        if pop is not None:
            pop.record("spikes")
    built = time.perf_counter()
    sim.run(DURATION_MS)
    simulated = time.perf_counter()

    # NEST stamps a spike at the end of its step, Brian2 (like Spikeworks) at its start.
    stamp_lag = 1 if native else 0
    spikes = []
    recorded = [(ident, label, population, pop) for ident, label, population, pop in groups]
    recorded += [(ident, label, False, pop) for ident, label, _, pop in sources if pop is not None]
    for ident, label, population, pop in recorded:
        for train in pop.get_data("spikes", gather=True).segments[0].spiketrains:
            index = int(train.annotations["source_index"])
            member = f"{ident}[{index}]" if population else ident
            spikes.extend((round(float(t) / DT_MS) - stamp_lag, member, label)
                          for t in train.magnitude)
    for ident, label, steps, _ in sources:
        spikes.extend((k, ident, label) for k in steps or [])
    spikes.sort(key=lambda r: (r[0], r[1]))
    if sim.rank() == 0:
        with open(out, "w", encoding="utf-8", newline="") as f:
            f.write("time_s,id,label\n")
            for step, ident, label in spikes:
                f.write(f"{step_time(step)},{csv_field(ident)},{csv_field(label)}\n")
        print(f"{len(spikes)} spikes in {DURATION_MS / 1000} s biological on pyNN.{backend}; "
              f"built in {built - started:.2f} s, simulated in {simulated - built:.2f} s; "
              f"wrote {out}")
    sim.end()


if __name__ == "__main__":
    main(sys.argv)
"#;
