//! Bundles the example circuits and the level files into the library for the browser build,
//! which has no filesystem: writes `$OUT_DIR/bundled.rs` with each file's name and text
//! (`include_str!`, so an edited file rebuilds the crate).

use std::path::Path;

fn main() {
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut code = String::new();
    for (constant, dir, suffix) in [
        ("EXAMPLES", "assets/examples", ".circuit.ron"),
        ("LEVELS", "levels", ".level.ron"),
    ] {
        // A folder's own change time covers files added and removed.
        println!("cargo:rerun-if-changed={dir}");
        let mut names: Vec<String> = std::fs::read_dir(Path::new(&root).join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(suffix))
            .collect();
        names.sort();
        code += &format!("pub const {constant}: &[(&str, &str)] = &[\n");
        for name in names {
            code += &format!(
                "    ({name:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{dir}/{name}\"))),\n"
            );
        }
        code += "];\n";
    }
    std::fs::write(Path::new(&out).join("bundled.rs"), code).expect("OUT_DIR is writable");
}
