//! What an import did, for the user to read: which items were mapped, which were only
//! approximated and why, which keys and edges were left out. Nothing is dropped silently.

use std::fmt;

/// The account of one `.nfy` import.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportReport {
    /// The file's format version (`None`: the oldest files, which have none).
    pub format_version: Option<i64>,
    /// Items and edges carried over with the same meaning, one line each.
    pub mapped: Vec<String>,
    /// Carried over with a change the user should know about.
    pub approximated: Vec<String>,
    /// Keys, items or edges with no counterpart, left out.
    pub ignored: Vec<String>,
}

impl ImportReport {
    pub fn mapped(&mut self, line: impl Into<String>) {
        self.mapped.push(line.into());
    }

    pub fn approximated(&mut self, line: impl Into<String>) {
        self.approximated.push(line.into());
    }

    pub fn ignored(&mut self, line: impl Into<String>) {
        self.ignored.push(line.into());
    }

    /// One line: counts of each kind.
    pub fn summary(&self) -> String {
        let version = self.format_version.map_or_else(
            || "no version (oldest)".to_owned(),
            |v| format!("version {v}"),
        );
        format!(
            "Neuronify file, {version}: {} mapped, {} approximated, {} left out",
            self.mapped.len(),
            self.approximated.len(),
            self.ignored.len()
        )
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.summary())?;
        for (title, lines) in [
            ("Mapped", &self.mapped),
            ("Approximated", &self.approximated),
            ("Left out", &self.ignored),
        ] {
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
