//! Neuronify files: importing `.nfy` circuits of every format version into Spikeworks
//! circuits ([`import`]) with a report of what was mapped, approximated or left out
//! ([`report`]), and exporting circuits as version-4 files Neuronify opens ([`export`]). Builds without the `gui` feature and reads bytes, so the runner, the sandbox
//! and the browser build share it.

pub mod export;
pub mod import;
mod layout;
pub mod report;

pub use export::{Exported, export_nfy};
pub use import::{Imported, Workspace, import_json};
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

/// Imports the bytes of a `.nfy` (JSON) file; `file` names it in messages. SQLite files need
/// a path ([`import_file`]).
pub fn import_bytes(bytes: &[u8], file: &str) -> Result<Imported, NfyError> {
    if bytes.starts_with(SQLITE_MAGIC) {
        return Err(NfyError::Unsupported {
            file: file.to_owned(),
            what: "a SQLite .neuronify file: open it from disk".to_owned(),
        });
    }
    if is_binary(bytes) {
        return Err(NfyError::Unsupported {
            file: file.to_owned(),
            what: NEURONIFY_2.to_owned(),
        });
    }
    import_json(bytes, file)
}

/// What a binary file that is no SQLite database is taken for.
const NEURONIFY_2: &str = "a binary file, not a Neuronify 1 circuit (JSON, or SQLite for \
     Neuronify 1.2–1.3): Neuronify 2, the Rust rewrite, saves .neuronify files in a binary \
     format of its own that Spikeworks cannot read. Open it in Neuronify 2 and rebuild the \
     circuit here, or use the file it came from";

/// Whether the file's start is binary rather than text: a NUL byte, or bytes that are no
/// UTF-8. JSON text (Neuronify 1's format) is neither.
fn is_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    head.contains(&0)
        || match std::str::from_utf8(head) {
            Ok(_) => false,
            // A character cut off by the 4 KiB window is still text.
            Err(e) => e.error_len().is_some(),
        }
}

/// Reads and imports a Neuronify file: JSON `.nfy`, or the SQLite `.neuronify` of Neuronify
/// 1.2–1.3 (told apart by content, not name).
#[cfg(not(target_arch = "wasm32"))]
pub fn import_file(path: &std::path::Path) -> Result<Imported, NfyError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| NfyError::Io {
        file: file.clone(),
        source,
    })?;
    if bytes.starts_with(SQLITE_MAGIC) {
        let json = sqlite_json(path)?;
        let mut imported = import_json(json.as_bytes(), &file)?;
        imported.report.mapped.insert(
            0,
            "the circuit of a SQLite .neuronify file (Neuronify 1.2–1.3)".into(),
        );
        return Ok(imported);
    }
    import_bytes(&bytes, &file)
}

/// Whether a path looks like a Neuronify file.
pub fn is_neuronify_path(path: &std::path::Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("nfy") || e.eq_ignore_ascii_case("neuronify"))
}

/// The `data` column of the first row of a `.neuronify` file's `simulations` table: the same
/// JSON a `.nfy` holds.
#[cfg(not(target_arch = "wasm32"))]
fn sqlite_json(path: &std::path::Path) -> Result<String, NfyError> {
    let file = path.display().to_string();
    let unsupported = |what: String| NfyError::Unsupported {
        file: file.clone(),
        what,
    };
    let db =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|e| unsupported(format!("not a readable SQLite file: {e}")))?;
    db.query_row("SELECT data FROM simulations LIMIT 1", [], |row| {
        row.get::<_, String>(0)
    })
    .map_err(|e| unsupported(format!("no circuit in its \"simulations\" table: {e}")))
}
