//! Typed errors for circuit files: every error names the file and, where it can, the line and
//! column, the item and the field, and says why.

use std::fmt;

use thiserror::Error;

/// Where in a file something went wrong (line and column are 1-based; 0 = unknown).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}", self.file),
            (l, 0) => write!(f, "{}:{l}", self.file),
            (l, c) => write!(f, "{}:{l}:{c}", self.file),
        }
    }
}

#[derive(Debug, Error)]
pub enum CircuitError {
    #[error("{file}: cannot read or write: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{at}: {message}")]
    Syntax { at: Location, message: String },
    #[error(
        "{at}: circuit format version {found} is not supported (this build reads version {supported})"
    )]
    Version {
        at: Location,
        found: u32,
        supported: u32,
    },
    #[error("{at}: item \"{item}\", field `{field}`: {reason}")]
    Invalid {
        at: Location,
        item: String,
        field: String,
        reason: String,
    },
    #[error("cannot serialise the circuit: {0}")]
    Serialise(String),
}

impl CircuitError {
    /// The location the error points at, if it has one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Self::Syntax { at, .. } | Self::Version { at, .. } | Self::Invalid { at, .. } => {
                Some(at)
            }
            Self::Io { .. } | Self::Serialise(_) => None,
        }
    }
}
