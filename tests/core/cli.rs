//! The `spikeworks` command line: `run` prints per-neuron spikes and rates and writes the CSV
//! layouts other tools read; `export` writes NEST and PyNN scripts; bad input exits non-zero
//! with a one-line reason.

use std::path::{Path, PathBuf};
use std::process::Command;

fn spikeworks() -> Command {
    Command::new(env!("CARGO_BIN_EXE_spikeworks"))
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/examples")
        .join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spikeworks-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn run_prints_rates_and_writes_csv() {
    let spikes = scratch("spikes.csv");
    let volts = scratch("volts.csv");
    let out = spikeworks()
        .arg("run")
        .arg(example("relay.circuit.ron"))
        .args(["--duration", "500ms", "--seed", "3", "--spikes"])
        .arg(&spikes)
        .arg("--voltages")
        .arg(&volts)
        .args(["--record", "A,B"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("simulated 0.5000 s (5000 steps"),
        "{stdout}"
    );
    let line_a = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("A "))
        .unwrap();
    assert!(line_a.contains("Hz"), "{line_a}");

    let csv = std::fs::read_to_string(&spikes).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("time_s,id,label"));
    let rows: Vec<(f64, String, String)> = lines
        .map(|l| {
            let f: Vec<_> = l.split(',').collect();
            (f[0].parse().unwrap(), f[1].to_owned(), f[2].to_owned())
        })
        .collect();
    assert!(
        rows.windows(2).all(|w| w[0].0 <= w[1].0),
        "rows in time order"
    );
    assert!(rows.iter().any(|r| r.1 == "a" && r.2 == "A"));
    assert!(rows.iter().any(|r| r.1 == "b" && r.2 == "B"));

    let csv = std::fs::read_to_string(&volts).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("time_s,A,B"));
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|x| x.parse().unwrap()).collect())
        .collect();
    assert_eq!(rows.len(), 5000);
    assert!((rows[0][0] - 1e-4).abs() < 1e-12);
    // Volts, not millivolts: the first sample is near the −80 mV start.
    assert!((rows[0][1] + 0.080).abs() < 0.002, "{}", rows[0][1]);
}

#[test]
fn touches_drive_sensors() {
    let run = |touch: Option<&str>| {
        let mut cmd = spikeworks();
        cmd.arg("run")
            .arg(example("touch_reflex.circuit.ron"))
            .args(["--duration", "1s"]);
        if let Some(t) = touch {
            cmd.args(["--touch", t]);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let count = |out: &str, label: &str| -> u64 {
        let line = out
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    assert_eq!(count(&run(None), "Motor"), 0);
    assert_eq!(count(&run(Some("Touch@0.1s")), "Motor"), 1);
    // Held from 100 to 300 ms at 20 Hz: the press, then repeats at 150, 200 and 250 ms.
    assert_eq!(count(&run(Some("Touch@0.1s..0.3s")), "Motor"), 4);
}

fn fails_with(args: &[&str], needle: &str) {
    let out = spikeworks().args(args).output().unwrap();
    assert!(!out.status.success(), "{args:?} should fail");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains(needle), "{args:?}: {stderr}");
}

#[test]
fn bad_input_exits_non_zero_with_a_reason() {
    let relay = example("relay.circuit.ron");
    let relay = relay.to_str().unwrap();
    fails_with(&["run", "/no/such.circuit.ron"], "/no/such.circuit.ron");
    fails_with(&["run", relay, "--duration", "soon"], "--duration");
    fails_with(&["run", relay, "--touch", "Nobody@0.1s"], "no touch sensor");
    fails_with(
        &["run", relay, "--record", "Q"],
        "no neuron is labelled \"Q\"",
    );
    let broken = scratch("broken.circuit.ron");
    std::fs::write(
        &broken,
        "Circuit(version: 1, neurons: [(id: \"a\", model: Lif(()))",
    )
    .unwrap();
    fails_with(&["run", broken.to_str().unwrap()], "broken.circuit.ron:1:");
    fails_with(&["bench", "cuba", "--neurons", "2"], "at least 5");
}

#[test]
fn export_writes_nest_and_pynn_scripts_or_names_what_nest_cannot_express() {
    let relay = example("relay.circuit.ron");
    for (option, marker) in [
        ("--nest", "nest.Simulate(DURATION_MS)"),
        ("--pynn", "spike_precision"),
    ] {
        let script = scratch(&format!("relay{option}.py"));
        let out = spikeworks()
            .arg("export")
            .arg(&relay)
            .arg(option)
            .arg(&script)
            .args(["--duration", "2s", "--scale", "3"])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{option}: {stdout}");
        assert!(
            stdout.contains("Exact:") && stdout.contains("same spikes"),
            "{stdout}"
        );
        let text = std::fs::read_to_string(&script).unwrap();
        assert!(text.contains(marker), "{option}: the script has {marker}");
        assert!(
            text.contains("DURATION_MS = 2000.0"),
            "{option}: --duration is kept"
        );
    }
    let visual = example("visual_input.circuit.ron");
    let visual = visual.to_str().unwrap();
    let unwritten = scratch("visual.py");
    for option in ["--nest", "--pynn"] {
        fails_with(
            &["export", visual, option, unwritten.to_str().unwrap()],
            "orientation: NEST cannot express a retina or place cell",
        );
    }
    assert!(
        !unwritten.exists(),
        "nothing is written for a circuit NEST cannot express"
    );
    let relay = relay.to_str().unwrap();
    fails_with(
        &["export", relay, "--nest", "x.py", "--scale", "0"],
        "--scale",
    );
    let both = spikeworks()
        .args(["export", relay, "--nest", "x.py", "--pynn", "y.py"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&both.stderr);
    assert!(
        !both.status.success() && stderr.contains("cannot be used with"),
        "one script at a time: {stderr}"
    );
}

#[test]
fn bench_cuba_reports_timing_and_rate() {
    let out = spikeworks()
        .args(["bench", "cuba", "--neurons", "400", "--duration", "200ms"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    for key in ["build time", "simulation wall", "spikes", "mean rate"] {
        assert!(stdout.contains(key), "{key} missing: {stdout}");
    }
}

#[test]
fn import_writes_a_circuit_and_prints_the_report_or_writes_nothing() {
    let nfy = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nfy/v4.nfy");
    let out_path = scratch("imported.circuit.ron");
    let out = spikeworks()
        .arg("import")
        .arg(&nfy)
        .arg("-o")
        .arg(&out_path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("version 4") && stdout.contains("Left out:"),
        "{stdout}"
    );
    let circuit = spikeworks::circuit::Circuit::load(&out_path).unwrap();
    assert_eq!(circuit.neurons.len(), 2);

    let broken = scratch("broken-import.nfy");
    std::fs::write(&broken, b"{\"nodes\": [{\"filename\": ").unwrap();
    let target = scratch("broken-import.circuit.ron");
    let _ = std::fs::remove_file(&target);
    let out = spikeworks().arg("import").arg(&broken).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("broken-import.nfy:1:") && stderr.contains("JSON"),
        "{stderr}"
    );
    assert!(!target.exists(), "nothing is written for a broken file");
}

#[test]
fn check_passes_a_reference_solution_and_fails_the_starting_circuit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let level = root.join("levels/06_relay.level.ron");
    let solved = spikeworks()
        .arg("check")
        .arg(&level)
        .arg(root.join("tests/solutions/06_relay.circuit.ron"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&solved.stdout);
    assert!(solved.status.success(), "{stdout}");
    assert!(
        stdout.contains("SOLVED ★★★") && stdout.contains("mean latency"),
        "{stdout}"
    );

    let unsolved = spikeworks().arg("check").arg(&level).output().unwrap();
    let stdout = String::from_utf8_lossy(&unsolved.stdout);
    assert_eq!(unsolved.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("✗ B fires exactly 1 times in 100–130 ms: 0"),
        "{stdout}"
    );

    let missing = spikeworks()
        .args(["check", "no-such.level.ron"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no-such.level.ron: cannot read"));
}
