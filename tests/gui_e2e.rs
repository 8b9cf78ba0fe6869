//! End-to-end check of the real window: the program opens a circuit under Xvfb with Mesa's
//! software Vulkan, runs it, saves a screenshot through Bevy's `Screenshot` API and exits.
//! The test checks the exit status and that the picture is not blank. It needs a display,
//! so it is ignored by default; `.ci/run` runs it under `xvfb-run` with `--ignored`.
#![cfg(feature = "gui")]

use std::path::Path;
use std::process::Command;

/// Distinct colours in an 8-bit RGB(A) PNG.
fn distinct_colours(path: &Path) -> usize {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let mut colours: Vec<&[u8]> = buf[..info.buffer_size()]
        .chunks(channels)
        .map(|px| &px[..3])
        .collect();
    colours.sort_unstable();
    colours.dedup();
    colours.len()
}

#[test]
#[ignore = "needs an X display: .ci/run runs it under xvfb-run"]
fn the_sandbox_opens_a_circuit_runs_it_and_saves_a_screenshot() {
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let shot = out_dir.join("sandbox-relay.png");
    let _ = std::fs::remove_file(&shot);
    let circuit = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/examples/relay.circuit.ron");
    let status = Command::new(env!("CARGO_BIN_EXE_spikeworks"))
        .arg(&circuit)
        .arg("--screenshot")
        .arg(&shot)
        .args(["--frames", "60"])
        .status()
        .unwrap();
    assert!(status.success(), "the sandbox exited with {status}");
    let colours = distinct_colours(&shot);
    // Background, bar, glyphs, anti-aliased edges and text: far more than a blank frame.
    assert!(colours > 50, "only {colours} colours in {}", shot.display());
    println!("screenshot: {} ({colours} colours)", shot.display());
}
