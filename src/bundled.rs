//! The example circuits and the level files compiled into the program (see `build.rs`), as
//! `(file name, text)` in name order. The browser build opens them from here; the desktop
//! reads the same files from disk, so the two never disagree.

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// The text of a bundled example by file name.
pub fn example(name: &str) -> Option<&'static str> {
    EXAMPLES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_and_level_is_bundled_and_parses() {
        let on_disk = |dir: &str, suffix: &str| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            std::fs::read_dir(dir)
                .unwrap()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(suffix))
                .count()
        };
        assert_eq!(EXAMPLES.len(), on_disk("assets/examples", ".circuit.ron"));
        assert_eq!(LEVELS.len(), on_disk("levels", ".level.ron"));
        for (name, text) in EXAMPLES {
            crate::circuit::Circuit::from_ron_str(text, name).unwrap_or_else(|e| panic!("{e}"));
        }
        for (name, text) in LEVELS {
            crate::level::Level::from_ron_str(text, name).unwrap_or_else(|e| panic!("{e}"));
        }
        assert!(example("relay.circuit.ron").is_some_and(|t| t.contains("Relay")));
        assert!(example("nothing.circuit.ron").is_none());
    }
}
