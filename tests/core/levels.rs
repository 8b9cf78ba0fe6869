//! The level progression: every level file validates, every reference solution in
//! `tests/solutions/` passes every trial, the untouched starting circuit (or a `*.naive`
//! circuit) fails one, the checker is deterministic, a jittered trial rejects a circuit tuned
//! to exact timings, and broken rules are named.

use std::path::{Path, PathBuf};

use spikeworks::circuit::{Circuit, LifModel, NeuronItem, NeuronModel, SynapseItem};
use spikeworks::level::{self, Level, Run, check};
use spikeworks::sim::SynapseMode;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn levels() -> Vec<(String, Level)> {
    level::load_folder(&root().join("levels")).unwrap_or_else(|e| panic!("{e}"))
}

fn solution(name: &str, kind: &str) -> Option<Circuit> {
    let path: PathBuf = root().join(format!("tests/solutions/{name}.{kind}circuit.ron"));
    path.exists()
        .then(|| Circuit::load(&path).unwrap_or_else(|e| panic!("{e}")))
}

fn level(name: &str) -> Level {
    Level::load(&root().join(format!("levels/{name}.level.ron"))).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_level_validates_and_the_chapters_run_in_order() {
    let all = levels();
    assert_eq!(all.len(), 23, "{} levels", all.len());
    let chapters = level::progress::chapters(&all);
    let names: Vec<&str> = chapters
        .iter()
        .map(|c| all[c[0]].1.chapter.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "One cell",
            "Wiring",
            "Logic",
            "Timing",
            "Rhythm and reflex",
            "Crowds"
        ]
    );
    for (i, members) in chapters.iter().enumerate() {
        // A chapter's levels are consecutive files.
        assert!(
            members.windows(2).all(|w| w[1] == w[0] + 1),
            "chapter {i}: {members:?}"
        );
    }
    for (name, l) in &all {
        assert!(!l.hints.is_empty(), "{name} has no hints");
        assert!(l.goal.len() < 100, "{name}: the goal is one short line");
    }
}

#[test]
fn every_reference_solution_passes_and_the_naive_circuit_fails() {
    for (name, l) in levels() {
        let reference =
            solution(&name, "").unwrap_or_else(|| panic!("{name}: no reference solution"));
        let verdict = check(&l, &reference);
        assert!(verdict.passed(), "{name}: the reference fails\n{verdict}");
        let naive = solution(&name, "naive.").unwrap_or_else(|| l.circuit.clone());
        let verdict = check(&l, &naive);
        assert!(
            !verdict.passed(),
            "{name}: the naive circuit passes\n{verdict}"
        );
        assert_eq!(verdict.stars, 0);
    }
}

#[test]
fn the_checker_gives_the_same_verdict_and_values_twice() {
    let l = level("11_both_needed");
    let c = solution("11_both_needed", "").unwrap();
    let (first, second) = (check(&l, &c), check(&l, &c));
    assert_eq!(first, second);
    let jittered = first
        .trials
        .iter()
        .filter(|t| matches!(t.run, Run::Jittered(_)))
        .count();
    assert_eq!(
        jittered,
        5 * 3,
        "every trial runs three times more, jittered"
    );
}

/// A coincidence detector with a 1 ms membrane and B's synapse 1 ms shorter than A's: it
/// needs A and B exactly 1 ms apart, as the exact trial has them.
fn tuned_to_exact_timing() -> Circuit {
    let mut c = level("11_both_needed").circuit;
    c.neurons.push(NeuronItem {
        id: "m".into(),
        label: String::new(),
        position: (150.0, 0.0),
        inhibitory: false,
        model: NeuronModel::Lif(LifModel {
            capacitance_nf: 0.01,
            ..LifModel::default()
        }),
    });
    let synapse = |id: &str, from: &str, to: &str, weight_na: f64, delay_ms: f64| SynapseItem {
        id: id.into(),
        from: from.into(),
        to: to.into(),
        weight_na,
        tau_ms: 2.0,
        delay_ms,
        mode: SynapseMode::Add,
        stdp: None,
        reward: None,
        neuronify: None,
    };
    c.synapses.extend([
        synapse("s1", "a", "m", 0.16, 5.0),
        synapse("s2", "b", "m", 0.16, 4.0),
        synapse("s3", "m", "out", 3.0, 5.0),
    ]);
    c
}

#[test]
fn a_jittered_trial_rejects_a_circuit_tuned_to_exact_timing() {
    let l = level("11_both_needed");
    let verdict = check(&l, &tuned_to_exact_timing());
    let exact_pass = verdict
        .trials
        .iter()
        .filter(|t| t.run == Run::Exact)
        .all(|t| t.passed());
    assert!(exact_pass, "the exact trials pass\n{verdict}");
    let failed = verdict.first_failure().expect("a jittered run fails");
    assert_eq!(failed.name, "A and B");
    assert!(matches!(failed.run, Run::Jittered(_)), "{verdict}");
    assert!(!verdict.passed());
}

#[test]
fn broken_rules_are_named_and_fail_the_level() {
    let l = level("12_veto");
    let mut c = solution("12_veto", "").unwrap();
    assert!(
        c.set_param("out", "threshold_mV", -60.0),
        "OUT has a threshold"
    );
    c.neurons.push(NeuronItem {
        id: "extra".into(),
        label: String::new(),
        position: (0.0, 300.0),
        inhibitory: true,
        model: NeuronModel::Lif(LifModel::default()),
    });
    c.generators.push(spikeworks::circuit::GeneratorItem {
        id: "dc".into(),
        label: String::new(),
        position: (0.0, 0.0),
        inhibitory: false,
        kind: spikeworks::circuit::GeneratorKind::Dc { current_na: 1.0 },
        targets: vec![],
        neuronify_clock: false,
    });
    c.synapses.retain(|s| s.id != "press-b");
    let verdict = check(&l, &c);
    let rules = verdict.broken_rules.join("\n");
    assert!(rules.contains("OUT is locked"), "{rules}");
    assert!(
        rules.contains("at most 1 × inhibitory neuron (used 2)"),
        "{rules}"
    );
    assert!(rules.contains("no dc current to place"), "{rules}");
    assert!(rules.contains("press-b was given by the level"), "{rules}");
    assert!(!verdict.passed());
}

#[test]
fn bad_level_files_say_where_and_why() {
    let good = std::fs::read_to_string(root().join("levels/06_relay.level.ron")).unwrap();
    let cases = [
        (
            good.replace("(100.0, 130.0)", "(100.0, 1300.0)"),
            "the window must lie inside the trial",
        ),
        (
            good.replace(
                "Tap(sensor: \"touch\", at_ms: 400.0)",
                "Tap(sensor: \"nobody\", at_ms: 400.0)",
            ),
            "no such touch sensor",
        ),
        (
            good.replace("version: 1,\n    title", "version: 9,\n    title"),
            "level format version 9",
        ),
        (
            good.replace("max_synapses: 3,", "max_synapses: 3, colour: 2,"),
            "t.level.ron:",
        ),
        (
            good.replace("stimulus: 0,", "stimulus: 7,"),
            "a name or stimulus that does not exist",
        ),
    ];
    for (text, expected) in cases {
        let err = Level::from_ron_str(&text, "t.level.ron")
            .expect_err(expected)
            .to_string();
        assert!(err.contains(expected), "{err}");
    }
}
