//! Neuronify files: importing `.nfy` circuits of every format version into Spikeworks
//! circuits ([`import`]) with a report of what was mapped, approximated or left out
//! ([`report`]), and exporting circuits as version-4 files Neuronify opens ([`export`]). Builds without the `gui` feature and reads bytes, so the runner, the sandbox
//! and the browser build share it.

pub mod export;
pub mod import;
pub mod report;

pub use export::{Exported, export_nfy};
pub use import::{Imported, import_json};
pub use report::ImportReport;

/// Why a Neuronify file could not be read. Nothing is written when this happens.
#[derive(Debug, thiserror::Error)]
pub enum NfyError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}:{line}:{column}: not valid JSON: {message}")]
    Json {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{file}: not a Neuronify circuit: {what}")]
    Structure { file: String, what: String },
    #[error("{file}: {what}")]
    Unsupported { file: String, what: String },
}

/// SQLite's file header: `.neuronify` files of Neuronify 1.2–1.3 are SQLite databases.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// Imports the bytes of a `.nfy` (JSON) file; `file` names it in messages.
pub fn import_bytes(bytes: &[u8], file: &str) -> Result<Imported, NfyError> {
    if bytes.starts_with(SQLITE_MAGIC) {
        return Err(NfyError::Unsupported {
            file: file.to_owned(),
            what: "a SQLite .neuronify file; this build reads only JSON .nfy files".to_owned(),
        });
    }
    import_json(bytes, file)
}

/// Reads and imports a Neuronify file.
#[cfg(not(target_arch = "wasm32"))]
pub fn import_file(path: &std::path::Path) -> Result<Imported, NfyError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| NfyError::Io {
        file: file.clone(),
        source,
    })?;
    import_bytes(&bytes, &file)
}

/// Whether a path looks like a Neuronify file.
pub fn is_neuronify_path(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("nfy") || e.eq_ignore_ascii_case("neuronify"))
}
